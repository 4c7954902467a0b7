// The plain TypeScript twins of the kernels (src/reference) run in float64 here, and every
// backward is checked against central finite differences with eps 1e-6 and a tight tolerance:
// a missing or wrong term shows. The wasm kernels are tested against these twins (test/kernels),
// so the looser float32 checks on the wasm path rest on an exact chain.
import { describe, test, expect } from 'vitest';
import * as act from '../../src/reference/activations.js';
import * as ew from '../../src/reference/elementwise.js';
import * as sm from '../../src/reference/softmax.js';
import * as red from '../../src/reference/reduce.js';
import * as lstm from '../../src/reference/lstm.js';
import * as gru from '../../src/reference/gru.js';
import * as mm from '../../src/reference/matmul.js';
import { ctc_loss_forward_backward } from '../../src/reference/ctc.js';
import { seeded } from '../helpers.js';

type Vec = Float64Array;
interface Case {
  /** The inputs, by name. */
  inputs: Record<string, Vec>;
  /** Forward: the outputs of the kernel (the loss is Σ R ⊙ outputs, R fixed and random). */
  forward(x: Record<string, Vec>): Vec[];
  /** Backward: given the outputs' gradients R, the gradient of every input that has one. */
  backward(x: Record<string, Vec>, outs: Vec[], r: Vec[]): Record<string, Vec>;
}

const EPS = 1e-6;

function vec(rng: () => number, n: number, lo = -1.5, hi = 1.5): Vec {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * rng());
}

function check(c: Case, seed = 1): void {
  const rng = seeded(seed);
  const outs = c.forward(c.inputs);
  const r = outs.map((o) => vec(rng, o.length));
  const loss = (x: Record<string, Vec>) => c.forward(x).reduce((s, o, i) => s + o.reduce((a, v, j) => a + v * r[i][j], 0), 0);
  const grads = c.backward(c.inputs, outs, r);
  expect(Object.keys(grads).length).toBeGreaterThan(0);
  for (const [name, g] of Object.entries(grads)) {
    const x0 = c.inputs[name];
    expect(g.length, name).toBe(x0.length);
    for (let i = 0; i < x0.length; i++) {
      const at = (d: number) => {
        const x = { ...c.inputs, [name]: x0.slice() };
        x[name][i] += d;
        return loss(x);
      };
      const fd = (at(EPS) - at(-EPS)) / (2 * EPS);
      expect(Math.abs(fd - g[i]), `${name}[${i}]: finite difference ${fd}, backward ${g[i]}`).toBeLessThanOrEqual(
        1e-7 + 1e-6 * Math.abs(fd),
      );
    }
  }
}

const n = 11;
const rng = seeded(7);

describe('activations', () => {
  const unary = (fwd: typeof act.tanh_forward, bwd: typeof act.tanh_backward, x: Vec, useInput = false): Case => ({
    inputs: { x },
    forward: ({ x }) => {
      const y = new Float64Array(n);
      fwd(y, x, n);
      return [y];
    },
    backward: ({ x }, [y], [r]) => {
      const dx = new Float64Array(n);
      bwd(dx, r, useInput ? x : y, n);
      return { x: dx };
    },
  });
  test('sigmoid', () => check(unary(act.sigmoid_forward, act.sigmoid_backward, vec(rng, n, -4, 4))));
  test('tanh', () => check(unary(act.tanh_forward, act.tanh_backward, vec(rng, n, -3, 3))));
  test('relu (away from the kink)', () =>
    check(
      unary(
        act.relu_forward,
        act.relu_backward,
        vec(rng, n).map((v) => (Math.abs(v) < 0.1 ? v + 0.3 : v)),
      ),
    ));
  test('exp', () => check(unary(act.exp_forward, act.exp_backward, vec(rng, n, -3, 2))));
  test('log', () => check(unary(act.log_forward, act.log_backward, vec(rng, n, 0.2, 4), true)));
});

describe('elementwise, softmax, reductions, products', () => {
  test('mul', () =>
    check({
      inputs: { a: vec(rng, n), b: vec(rng, n) },
      forward: ({ a, b }) => {
        const y = new Float64Array(n);
        ew.mul_forward(y, a, b, n);
        return [y];
      },
      backward: ({ a, b }, _, [r]) => {
        const da = new Float64Array(n);
        const db = new Float64Array(n);
        ew.mul_backward(da, r, b, n);
        ew.mul_backward(db, r, a, n);
        return { a: da, b: db };
      },
    }));
  test('div', () =>
    check({
      inputs: { a: vec(rng, n), b: vec(rng, n, 0.5, 2) },
      forward: ({ a, b }) => {
        const y = new Float64Array(n);
        ew.div_forward(y, a, b, n);
        return [y];
      },
      backward: ({ b }, [y], [r]) => {
        const da = new Float64Array(n);
        const db = new Float64Array(n);
        ew.div_backward(da, db, r, b, y, n);
        return { a: da, b: db };
      },
    }));
  for (const [name, fwd, bwd] of [
    ['softmax', sm.softmax_forward, sm.softmax_backward],
    ['log_softmax', sm.log_softmax_forward, sm.log_softmax_backward],
  ] as const) {
    test(`${name} over rows of 5`, () =>
      check({
        inputs: { x: vec(rng, 15, -3, 3) },
        forward: ({ x }) => {
          const y = new Float64Array(15);
          fwd(y, x, 3, 5);
          return [y];
        },
        backward: (_, [y], [r]) => {
          const dx = new Float64Array(15);
          bwd(dx, r, y, 3, 5);
          return { x: dx };
        },
      }));
  }
  test('sum over the middle axis of [2,3,4]', () =>
    check({
      inputs: { x: vec(rng, 24) },
      forward: ({ x }) => {
        const y = new Float64Array(8);
        red.sum_axis_forward(y, x, 2, 3, 4);
        return [y];
      },
      backward: (_, __, [r]) => {
        const dx = new Float64Array(24);
        red.sum_axis_backward(dx, r, 2, 3, 4);
        return { x: dx };
      },
    }));
  test('gemm: dA = R·Bᵀ, dB = Aᵀ·R for C = A·B (3×5 · 5×4)', () =>
    check({
      inputs: { a: vec(rng, 15), b: vec(rng, 20) },
      forward: ({ a, b }) => {
        const c = new Float64Array(12);
        mm.gemm_nn(c, a, b, null, 3, 5, 4, false);
        return [c];
      },
      backward: ({ a, b }, _, [r]) => {
        const da = new Float64Array(15);
        const db = new Float64Array(20);
        mm.gemm_nt(da, r, b, null, 3, 4, 5, false);
        mm.gemm_tn(db, a, r, null, 5, 3, 4, false);
        return { a: da, b: db };
      },
    }));
});

describe('recurrent steps', () => {
  const rows = 2;
  const H = 3;
  test.each([false, true])('lstm step (peepholes %s): gates, c_prev and peepholes', (withPeep) => {
    const inputs: Record<string, Vec> = { z: vec(rng, rows * 4 * H, -2, 2), cPrev: vec(rng, rows * H) };
    if (withPeep) inputs.peep = vec(rng, 3 * H);
    check({
      inputs,
      forward: ({ z, cPrev, peep }) => {
        const g = z.slice();
        const [h, c, tc] = [new Float64Array(rows * H), new Float64Array(rows * H), new Float64Array(rows * H)];
        lstm.lstm_step_forward(g, h, c, tc, cPrev, peep ?? null, rows, H);
        return [h, c];
      },
      backward: ({ z, cPrev, peep }, _, [rh, rc]) => {
        const g = z.slice();
        const [h, c, tc] = [new Float64Array(rows * H), new Float64Array(rows * H), new Float64Array(rows * H)];
        lstm.lstm_step_forward(g, h, c, tc, cPrev, peep ?? null, rows, H);
        const dz = new Float64Array(rows * 4 * H);
        const dc = rc.slice(); // in: dL/dc; out: dL/dc_prev
        const dpeep = peep ? new Float64Array(3 * H) : null;
        lstm.lstm_step_backward(dz, dc, dpeep, rh, g, cPrev, c, tc, peep ?? null, rows, H);
        return { z: dz, cPrev: dc, ...(dpeep ? { peep: dpeep } : {}) };
      },
    });
  });
  const gruForward =
    (after: boolean) =>
    ({ xw, hw, hPrev }: Record<string, Vec>) => {
      const gates = new Float64Array(rows * 3 * H);
      const rh = new Float64Array(rows * H);
      const h = new Float64Array(rows * H);
      gru.gru_rz_forward(gates, after ? null : rh, xw, hw, hPrev, rows, H);
      gru.gru_n_forward(h, gates, xw, hw, hPrev, rows, H, after);
      return { gates, rh, h };
    };
  test.each([true, false])('gru step (resetAfter %s): xw, hw and h_prev (reset before: r⊙h as a second output)', (after) => {
    check({
      inputs: { xw: vec(rng, rows * 3 * H), hw: vec(rng, rows * 3 * H), hPrev: vec(rng, rows * H) },
      forward: (x) => {
        const { h, rh } = gruForward(after)(x);
        return after ? [h] : [h, rh];
      },
      backward: (x, _, [dh, drh]) => {
        const { gates } = gruForward(after)(x);
        const [dxw, dhw, dhPrev] = [new Float64Array(rows * 3 * H), new Float64Array(rows * 3 * H), new Float64Array(rows * H)];
        gru.gru_step_backward(dxw, dhw, dhPrev, dh, gates, x.hw, x.hPrev, rows, H, after);
        if (!after) gru.gru_reset_backward(dxw, dhw, dhPrev, drh, gates, x.hPrev, rows, H);
        return { xw: dxw, hw: dhw, hPrev: dhPrev };
      },
    });
  });
});

describe('CTC', () => {
  test.each([
    ['distinct labels', [1, 2, 3]],
    ['a repeat (needs a blank between)', [1, 1, 2]],
    ['the empty target', []],
  ])('loss and gradient with respect to the log-probabilities: %s', (_, labels) => {
    const T = 6,
      B = 2,
      C = 4,
      b = 1;
    check({
      inputs: { lp: vec(rng, T * B * C, -3, 0) },
      forward: ({ lp }) => [Float64Array.of(ctc_loss_forward_backward(null, lp, labels, T, B, C, b, labels.length, 0))],
      backward: ({ lp }, _, [r]) => {
        const g = new Float64Array(T * B * C);
        ctc_loss_forward_backward(g, lp, labels, T, B, C, b, labels.length, 0);
        return { lp: g.map((v) => v * r[0]) };
      },
    });
  });
});
