import { describe, test, expect, beforeAll } from 'vitest';
import * as ref from '../../src/reference/activations.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

const SIZES = [0, 1, 3, 4, 5, 17, 1027];
let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});

// Inputs spanning the whole useful range, the saturation regions, ±100 and exact specials.
function sweep(): Float32Array {
  const v: number[] = [0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 100, -100, 88, -88, 88.7, 89, -87.5, -90, 0.625, -0.625, 0.6249, 30, -30];
  for (let x = -20; x <= 20; x += 0.0137) v.push(x);
  for (let x = -95; x <= 95; x += 0.731) v.push(x);
  return Float32Array.from(v);
}

// Documented bounds (assembly/vmath.ts, assembly/activations.ts): absolute for sigmoid/tanh,
// relative for exp (over the non-overflowing range), absolute for log.
const BOUNDS = { sigmoid: { atol: 2.5e-7, rtol: 0 }, tanh: { atol: 2e-7, rtol: 0 }, exp: { atol: 0, rtol: 2e-7 } };

describe.each(['simd', 'scalar'])('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  for (const fn of ['sigmoid', 'tanh', 'exp'] as const) {
    test(`${fn}_forward stays within its documented error bound over the whole line, no NaN at ±100`, () => {
      const x = sweep();
      const {
        out: [y],
      } = runKernel(k(), `${fn}_forward`, [new Float32Array(x.length), x], [x.length]);
      const want = new Float64Array(x.length);
      ref[`${fn}_forward`](want, Float64Array.from(x), x.length);
      for (let i = 0; i < x.length; i++) {
        expect(Number.isNaN(y[i]), `NaN at x=${x[i]}`).toBe(false);
        const w = Math.fround(want[i]);
        if (fn === 'exp' && !Number.isFinite(w)) {
          expect(y[i]).toBe(Infinity);
          continue;
        }
        if (fn === 'exp' && w < 1.2e-38) {
          expect(Math.abs(y[i] - w)).toBeLessThan(1.2e-38);
          continue;
        }
        const err = Math.abs(y[i] - want[i]);
        expect(err, `${fn}(${x[i]}) = ${y[i]}, want ${want[i]}`).toBeLessThanOrEqual(BOUNDS[fn].atol + BOUNDS[fn].rtol * Math.abs(want[i]));
      }
    });
  }

  test('tanh keeps relative precision near 0 and saturates to exactly ±1', () => {
    const x = Float32Array.from([1e-6, -3e-5, 0.01, 0.3, 20, -20, 100, -100]);
    const {
      out: [y],
    } = runKernel(k(), 'tanh_forward', [new Float32Array(x.length), x], [x.length]);
    for (let i = 0; i < 4; i++) expect(Math.abs(y[i] - Math.tanh(x[i])) / Math.abs(Math.tanh(x[i]))).toBeLessThan(1e-6);
    expect(Array.from(y.slice(4))).toEqual([1, -1, 1, -1]);
  });

  test('the recurrent gates: σ within 1.3e-7 of the exact one and tanh within 2e-7, in range, saturated past ±18', () => {
    // lstm_step_forward with no peepholes turns z [1, 4H] into σ, σ, tanh, σ (i, f, g, o)
    const z = Float32Array.from([...sweep(), 18, -18, 18.5, -40, 1e-30, -1e-30]);
    const H = z.length;
    const gates = new Float32Array(4 * H);
    for (let g = 0; g < 4; g++) gates.set(z, g * H);
    const n = () => new Float32Array(H);
    const {
      out: [y],
    } = runKernel(k(), 'lstm_step_forward', [gates, n(), n(), n(), n(), null], [1, H, 0]);
    for (let i = 0; i < H; i++) {
      const x = z[i];
      const sig = 1 / (1 + Math.exp(-x));
      for (const g of [0, 1, 3]) {
        const v = y[g * H + i];
        expect(Math.abs(v - sig), `σ(${x}) = ${v}, want ${sig}`).toBeLessThanOrEqual(1.3e-7);
        expect(v >= 0 && v <= 1, `σ(${x}) = ${v} in [0, 1]`).toBe(true);
      }
      expect(Math.abs(y[2 * H + i] - Math.tanh(x)), `tanh(${x})`).toBeLessThanOrEqual(2e-7);
      if (x >= 18) expect(y[i]).toBe(1);
      if (x <= -18) expect(y[i]).toBe(0);
    }
  });

  test('log_forward: absolute error <= 1.5e-7·max(1,|log x|) over 1e-30..1e30, and the specials', () => {
    const v: number[] = [];
    for (let e = -30; e <= 30; e += 0.173) v.push(10 ** e);
    for (let x = 0.01; x < 3; x += 0.00731) v.push(x);
    v.push(1, 2, 0.5, 1e-40, 0, -1, Infinity);
    const x = Float32Array.from(v);
    const {
      out: [y],
    } = runKernel(k(), 'log_forward', [new Float32Array(x.length), x], [x.length]);
    for (let i = 0; i < x.length; i++) {
      const want = Math.log(x[i]);
      if (!Number.isFinite(want) || Number.isNaN(want)) {
        expect(y[i], `log(${x[i]})`).toBe(want);
        continue;
      }
      expect(Math.abs(y[i] - want), `log(${x[i]})`).toBeLessThanOrEqual(1.5e-7 * Math.max(1, Math.abs(want)));
    }
  });

  test('relu_forward matches exactly', () => {
    const x = sweep();
    const {
      out: [y],
    } = runKernel(k(), 'relu_forward', [new Float32Array(x.length), x], [x.length]);
    const want = new Float32Array(x.length);
    ref.relu_forward(want, x, x.length);
    expect(Array.from(y)).toEqual(Array.from(want));
  });

  for (const fn of ['sigmoid', 'tanh', 'relu', 'exp', 'log'] as const) {
    test.each(SIZES)(`${fn}_backward accumulates as the reference, n=%i`, (n) => {
      const rng = seeded(n + 11);
      const [dinp, dout, s] = randomFloats(rng, n, 3);
      // saved operand: y in (0,1) for sigmoid, (-1,1) for tanh, any for relu, positive for exp/log
      const saved = fn === 'sigmoid' || fn === 'exp' || fn === 'log' ? s.map((v) => Math.abs(v) + 0.05) : s;
      const want = dinp.slice();
      ref[`${fn}_backward`](want, dout, saved, n);
      const { out } = runKernel(k(), `${fn}_backward`, [dinp, dout, saved], [n]);
      expectClose(out[0], want, { rtol: 1e-6, atol: 1e-7 });
    });
    test.each(SIZES)(`${fn}_forward matches the reference on every tail length, n=%i`, (n) => {
      const rng = seeded(n + 3);
      const [x0] = randomFloats(rng, n, 1, 6);
      const x = fn === 'log' ? x0.map((v) => Math.abs(v) + 1e-3) : x0;
      const want = new Float32Array(n);
      ref[`${fn}_forward`](want, x, n);
      const { out } = runKernel(k(), `${fn}_forward`, [new Float32Array(n), x], [n]);
      expectClose(out[0], want, { rtol: 3e-7, atol: 3e-7 });
    });
  }
});

test.each(['simd', 'scalar'])('%s build: NaN stays NaN through sigmoid, tanh and exp; their saturation values', (buildName) => {
  const k = builds.find((b) => b.name === buildName)!.k;
  // NaN in every position of a vector and in the scalar tail
  const x = Float32Array.from([Number.NaN, 1, -1, 2, 3, Number.NaN, 0, -200, 200, Number.NaN, -88.8, 89]);
  const run = (fn: 'sigmoid_forward' | 'tanh_forward' | 'exp_forward') =>
    runKernel(k, fn, [new Float32Array(x.length), x], [x.length]).out[0];
  for (const fn of ['sigmoid_forward', 'tanh_forward', 'exp_forward'] as const) {
    const y = run(fn);
    x.forEach((v, i) => expect(Number.isNaN(y[i]), `${fn}(${v})`).toBe(Number.isNaN(v)));
  }
  const [sig, th, ex] = [run('sigmoid_forward'), run('tanh_forward'), run('exp_forward')];
  expect(sig[8]).toBe(1);
  expect(sig[7]).toBeGreaterThanOrEqual(0);
  expect(sig[7]).toBeLessThan(3e-39); // e^-200 is 0 in float32; the clamped exp leaves at most this
  expect(sig[10]).toBeLessThan(3e-39);
  expect([th[7], th[8], th[11]]).toEqual([-1, 1, 1]);
  expect([ex[7], ex[8], ex[11]]).toEqual([0, Infinity, Infinity]);
});

test('SIMD and scalar builds give bit-identical activations', () => {
  const x = sweep();
  for (const fn of ['sigmoid_forward', 'tanh_forward', 'exp_forward', 'log_forward'] as const) {
    const xs = fn === 'log_forward' ? x.map((v) => Math.abs(v) + 1e-3) : x;
    const [a, b] = builds.map((bd) => runKernel(bd.k, fn, [new Float32Array(xs.length), xs], [xs.length]).out[0]);
    expect(Array.from(a), fn).toEqual(Array.from(b));
  }
});
