// CTC against PyTorch (test/fixtures/ctc.json), against a brute-force sum over all alignments,
// by finite differences, and the decoders on hand-worked cases.
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as rnn from '../src/node.js';
import { ops } from '../src/node.js';
import { ctc_loss_forward_backward as refCtc, ctc_check_input as refCheck, ctc_scale_grad as refScale } from '../src/reference/ctc.js';
import { loadBuilds, expectClose, seeded, runKernel } from './helpers.js';
import { gradCheck } from './gradcheck.js';
import type { Kernels } from '../src/backend/kernels.js';

const num = (v: number | string) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
interface Case {
  name: string;
  T: number;
  B: number;
  C: number;
  blank: number;
  zeroInfinity: boolean;
  logits: number[];
  targets: number[][];
  padded: number[];
  S: number;
  inputLengths: number[];
  targetLengths: number[];
  R: number[];
  results: Record<string, { loss: (number | string)[]; grad: number[] | null }>;
}
const cases: Case[] = JSON.parse(readFileSync(new URL('./fixtures/ctc.json', import.meta.url), 'utf8'));
let builds: { name: string; k: Kernels }[] = [];

beforeAll(async () => {
  await rnn.init();
  builds = await loadBuilds();
});

describe.each(cases.map((c) => [c.name, c] as const))('ctcLoss matches PyTorch: %s', (_n, c) => {
  test.each(['none', 'mean', 'sum'] as const)('reduction %s: loss and gradient of the logits', (red) => {
    const x = rnn.tensor(c.logits, [c.T, c.B, c.C], { requiresGrad: true });
    const lp = ops.logSoftmax(x, 2);
    const targets = c.name === 'concatenated' ? c.targets.flat() : rnn.tensor(c.padded, [c.B, c.S]);
    const loss = rnn.ctcLoss(lp, targets, c.inputLengths, c.targetLengths, {
      blank: c.blank,
      reduction: red,
      zeroInfinity: c.zeroInfinity,
    });
    const want = c.results[red];
    expectClose(loss.data, want.loss.map(num), { rtol: 1e-4, atol: 1e-5 });
    if (!want.grad) return;
    if (red === 'none') ops.sum(ops.mul(loss, rnn.tensor(c.R, [c.B]))).backward();
    else loss.backward();
    expectClose(x.grad!.data, want.grad, { rtol: 1e-4, atol: 1e-5 });
  });
});

// every alignment of length T over C classes whose collapse is the target
function bruteForce(lp: Float32Array, T: number, C: number, target: number[], blank: number): number {
  let total = 0;
  const path = new Array(T).fill(0);
  const rec = (t: number): void => {
    if (t === T) {
      const out: number[] = [];
      let prev = -1;
      for (const c of path) {
        if (c !== prev && c !== blank) out.push(c);
        prev = c;
      }
      if (out.length === target.length && out.every((v, i) => v === target[i])) {
        total += Math.exp(path.reduce((a, c, i) => a + lp[i * C + c], 0));
      }
      return;
    }
    for (let c = 0; c < C; c++) {
      path[t] = c;
      rec(t + 1);
    }
  };
  rec(0);
  return -Math.log(total);
}

describe('ctcLoss, other checks', () => {
  test.each([
    [[1, 2], 4],
    [[1, 1], 5],
    [[2], 3],
    [[], 4],
    [[2, 1, 2], 6],
  ] as [number[], number][])('equals the brute-force sum over all alignments: target %j, T=%i', (target, T) => {
    const C = 3;
    rnn.manualSeed(T * 10 + target.length);
    const lp = ops.logSoftmax(rnn.randn([T, 1, C]), 2);
    const loss = rnn.ctcLoss(lp, [target], [T], [target.length], { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(bruteForce(lp.data, T, C, target, 0), 4);
  });
  test('finite differences through logSoftmax, with differing lengths and repeats', () => {
    rnn.manualSeed(3);
    gradCheck((x) => rnn.ctcLoss(ops.logSoftmax(x, 2), [[1, 1, 2], [3]], [6, 4], [3, 1]), [rnn.randn([6, 2, 4], { requiresGrad: true })]);
    gradCheck(
      (lp) => rnn.ctcLoss(lp, [[2, 1]], [5], [2], { reduction: 'sum' }),
      [ops.logSoftmax(rnn.randn([5, 1, 3]), 2).detach()].map((t) => rnn.tensor(t.toArray(), t.shape as number[], { requiresGrad: true })),
    );
  });
  test('the input check and the gradient scaling match their references on both builds (odd widths, NaN rows ignored past the lengths)', () => {
    const [T, B, C] = [6, 3, 7];
    const rng = seeded(9);
    const grad = Float32Array.from({ length: T * B * C }, () => rng() * 2 - 1);
    grad[(4 * B + 2) * C + 3] = Number.NaN; // past sequence 2's length: must not leak
    grad[(1 * B + 1) * C] = Number.NaN; // sequence 1 has scale 0 (an impossible alignment)
    const scale = new Float32Array([0.5, 0, -2]);
    const il = new Int32Array([6, 6, 3]);
    const want = new Float32Array(T * B * C);
    refScale(want, grad, scale, il, T, B, C);
    expect(want.some((v) => Number.isNaN(v))).toBe(false);
    for (const { k } of builds) {
      const got = runKernel(
        k,
        'ctc_scale_grad',
        [new Float32Array(T * B * C), grad, scale, new Float32Array(il.buffer.slice(0))],
        [T, B, C],
      ).out[0];
      expect(Array.from(got)).toEqual(Array.from(want));
      for (const [n, at, v] of [
        [11, 10, Number.NaN],
        [11, 3, Infinity],
        [9, 8, Number.NaN],
        [13, -1, 0],
        [4, 0, Infinity],
      ] as const) {
        const x = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -Infinity : rng()));
        if (at >= 0) x[at] = v;
        if (at >= 0 && at + 1 < n) x[n - 1] = Number.NaN; // a later bad value: the first one is reported
        expect(runKernel(k, 'ctc_check_input', [x], [n]).result, `n=${n}`).toBe(refCheck(x, n));
        expect(refCheck(x, n)).toBe(at);
      }
    }
  });
  test('the kernel matches its float64 reference on both builds', () => {
    const [T, B, C] = [9, 3, 5];
    const rng = seeded(4);
    const logits = rnn.tensor(
      Float32Array.from({ length: T * B * C }, () => rng() * 4 - 2),
      [T, B, C],
    );
    const lp = ops.logSoftmax(logits, 2).data;
    const labels = new Int32Array([1, 3, 3, 2]);
    for (const { k } of builds) {
      const want = new Float64Array(T * B * C);
      const wantNll = refCtc(want, Float64Array.from(lp), labels, T, B, C, 1, 4, 0);
      const lab = new Float32Array(labels.buffer.slice(0));
      const work = new Float32Array(k.ctc_work_size(T, C, 4));
      const { out, result } = runKernel(
        k,
        'ctc_loss_forward_backward',
        [new Float32Array(T * B * C), work, lp, lab],
        [T, B, C, 1, 4, 0, 1, 0],
      );
      expect(result).toBeCloseTo(wantNll, 4);
      expectClose(out[0], want, { rtol: 1e-4, atol: 1e-6 });
    }
  });
  // lp [T,B,C] of logits U(-scale, scale), labels of length L over 1..C-1 (odd sizes throughout)
  const kernelCase = (T: number, B: number, C: number, L: number, scale: number, seed: number) => {
    const rng = seeded(seed);
    const logits = rnn.tensor(
      Float32Array.from({ length: T * B * C }, () => (rng() * 2 - 1) * scale),
      [T, B, C],
    );
    const labels = Int32Array.from({ length: L }, () => 1 + Math.floor(rng() * (C - 1)));
    return { lp: ops.logSoftmax(logits, 2).data, labels };
  };
  const runCtc = (k: Kernels, c: ReturnType<typeof kernelCase>, T: number, B: number, C: number, b: number, logSpace: number) => {
    const L = c.labels.length;
    const r = runKernel(
      k,
      'ctc_loss_forward_backward',
      [new Float32Array(T * B * C), new Float32Array(k.ctc_work_size(T, C, L)), c.lp, new Float32Array(c.labels.buffer.slice(0))],
      [T, B, C, b, L, 0, 1, logSpace],
    );
    return { nll: r.result, grad: r.out[0], usedLogSpace: k.ctc_used_log_space() };
  };
  test('over long sequences the scaled linear recursion runs and matches the float64 reference on every build', () => {
    const [T, B, C] = [151, 3, 11];
    const c = kernelCase(T, B, C, 37, 1.5, 8);
    const want = new Float64Array(T * B * C);
    const wantNll = refCtc(want, Float64Array.from(c.lp), c.labels, T, B, C, 2, 37, 0);
    for (const { name, k } of builds) {
      const got = runCtc(k, c, T, B, C, 2, 0);
      expect(got.usedLogSpace, name).toBe(0);
      expect(Math.abs(got.nll - wantNll) / wantNll, name).toBeLessThan(2e-6);
      expectClose(got.grad, want, { rtol: 1e-4, atol: 1e-6 });
      // the log-space recursion on request gives the same
      const log = runCtc(k, c, T, B, C, 2, 1);
      expect(log.usedLogSpace, name).toBe(1);
      expect(Math.abs(log.nll - wantNll) / wantNll, name).toBeLessThan(2e-5);
      expectClose(log.grad, want, { rtol: 1e-3, atol: 1e-5 });
    }
  });
  test('logits sharp enough for f32 to lose paths send the sequence to the log-space recursion, with the same result', () => {
    // logit differences of up to 120 nats: emissions underflow f32 in the linear recursion
    const [T, B, C] = [41, 2, 7];
    const c = kernelCase(T, B, C, 9, 60, 9);
    const want = new Float64Array(T * B * C);
    const wantNll = refCtc(want, Float64Array.from(c.lp), c.labels, T, B, C, 0, 9, 0);
    expect(Number.isFinite(wantNll)).toBe(true);
    for (const { name, k } of builds) {
      const got = runCtc(k, c, T, B, C, 0, 0);
      expect(got.usedLogSpace, name).toBe(1);
      expect(Math.abs(got.nll - wantNll) / wantNll, name).toBeLessThan(1e-5);
      expectClose(got.grad, want, { rtol: 1e-3, atol: 1e-5 });
    }
  });
  test('an impossible alignment gives Infinity and leaves the gradient zero after the linear attempt', () => {
    const [T, B, C] = [4, 1, 4];
    const c = kernelCase(T, B, C, 0, 1, 10);
    c.labels = new Int32Array([2, 2, 2]); // needs 5 steps: the repeats need blanks between them
    for (const { name, k } of builds) {
      const got = runCtc(k, c, T, B, C, 0, 0);
      expect(got.nll, name).toBe(Infinity);
      expect(got.usedLogSpace, name).toBe(1);
      expect(
        got.grad.every((v) => v === 0),
        name,
      ).toBe(true);
    }
  });
  test('bad arguments are named', () => {
    const lp = ops.logSoftmax(rnn.zeros([4, 2, 3]), 2);
    expect(() => rnn.ctcLoss(lp, [[1], [2]], [4, 5], [1, 1])).toThrow('ctcLoss: inputLengths[1] must be an integer in 0..4, got 5');
    expect(() => rnn.ctcLoss(lp, [[1], [0]], [4, 4], [1, 1])).toThrow(
      'ctcLoss: targets[1][0] must be a label in [0, 2] other than the blank 0, got 0',
    );
    expect(() => rnn.ctcLoss(lp, [1, 2], [4, 4], [1, 2])).toThrow('concatenated targets must hold sum(targetLengths) = 3 labels, got 2');
    expect(() => rnn.ctcLoss(rnn.zeros([4, 3]), [[1]], [4], [1])).toThrow(
      'ctcLoss: logProbs must be [T,B,C] (time-major log-softmax), got [4,3]',
    );
  });
});

describe('decoding', () => {
  // one-hot-ish log-probabilities from a path of classes
  const fromPath = (paths: number[][], C: number, sharp = 5) => {
    const T = paths[0].length,
      B = paths.length;
    const d = new Float32Array(T * B * C);
    paths.forEach((p, b) => p.forEach((c, t) => (d[(t * B + b) * C + c] = sharp)));
    return ops.logSoftmax(rnn.tensor(d, [T, B, C]), 2);
  };
  test('greedy collapses repeats, drops blanks, keeps blank-separated repeats, respects lengths', () => {
    const lp = fromPath(
      [
        [0, 1, 1, 0, 1, 2, 2, 0],
        [3, 3, 3, 0, 0, 2, 1, 1],
      ],
      4,
    );
    expect(rnn.ctcGreedyDecode(lp)).toEqual([
      [1, 1, 2],
      [3, 2, 1],
    ]);
    expect(rnn.ctcGreedyDecode(lp, [3, 6])).toEqual([[1], [3, 2]]);
    expect(rnn.ctcGreedyDecode(fromPath([[2, 2, 0, 1]], 3), undefined, { blank: 2 })).toEqual([[0, 1]]);
  });
  test('beam search finds the most probable labelling where best path does not', () => {
    // P(blank)=0.4 each step, P(a)=0.35, P(b)=0.25 over 2 steps: best path is "" (0.16), but
    // P("a") = 0.35·0.35 + 2·0.35·0.4 = 0.4025 beats it
    const p = [0.4, 0.35, 0.25];
    const lp = rnn.tensor(Array.from({ length: 2 }, () => p.map(Math.log)).flat(), [2, 1, 3]);
    expect(rnn.ctcGreedyDecode(lp)).toEqual([[]]);
    expect(rnn.ctcBeamSearch(lp, undefined, { beamWidth: 5 })).toEqual([[1]]);
  });
  test('on random inputs the beam result is at least as probable as the greedy one', () => {
    rnn.manualSeed(5);
    for (let trial = 0; trial < 10; trial++) {
      const lp = ops.logSoftmax(ops.mul(rnn.randn([8, 1, 4]), 1.5), 2);
      const g = rnn.ctcGreedyDecode(lp)[0];
      const b = rnn.ctcBeamSearch(lp, undefined, { beamWidth: 16 })[0];
      const prob = (l: number[]) => -rnn.ctcLoss(lp, [l], [8], [l.length], { reduction: 'sum' }).item();
      expect(prob(b)).toBeGreaterThanOrEqual(prob(g) - 1e-5);
    }
  });
  test('a language-model hook changes the choice', () => {
    const p = [0.1, 0.46, 0.44];
    const lp = rnn.tensor(p.map(Math.log), [1, 1, 3]);
    expect(rnn.ctcBeamSearch(lp)).toEqual([[1]]);
    expect(rnn.ctcBeamSearch(lp, undefined, { lm: (_prefix, next) => (next === 2 ? 0 : -5) })).toEqual([[2]]);
  });
});
