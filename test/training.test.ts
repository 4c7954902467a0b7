// Losses, optimisers, schedules and clipping against PyTorch (test/fixtures/training.json,
// written by scripts/make_training_fixtures.py), plus the semantics PyTorch does not pin down.
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as rnn from '../src/node.js';
import { ops } from '../src/node.js';
import { expectClose } from './helpers.js';
import { gradCheck } from './gradcheck.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/training.json', import.meta.url), 'utf8'));
const tol = { rtol: 1e-5, atol: 1e-6 };

beforeAll(async () => {
  await rnn.init();
});

describe('losses match PyTorch', () => {
  const inp = fx.losses.ce_btc_inputs;
  test.each(['mean', 'sum', 'none'] as const)('crossEntropy [B,T,C] with ignoreIndex, reduction %s', (red) => {
    const x = rnn.tensor(inp.logits, [2, 3, 5], { requiresGrad: true });
    const loss = rnn.crossEntropy(x, inp.targets, { reduction: red });
    expectClose(loss.data, fx.losses[`ce_btc_${red}`].loss, tol);
    if (red === 'none') {
      expect(loss.shape).toEqual([2, 3]);
      ops.sum(ops.mul(loss, rnn.tensor(inp.R, [2, 3]))).backward();
    } else {
      expect(loss.shape).toEqual([]);
      loss.backward();
    }
    expectClose(x.grad!.data, fx.losses[`ce_btc_${red}`].grad, tol);
  });
  test('crossEntropy [B,C] with label smoothing', () => {
    const f = fx.losses.ce_bc_smooth;
    const x = rnn.tensor(f.logits, [4, 3], { requiresGrad: true });
    const loss = rnn.crossEntropy(x, f.targets, { labelSmoothing: 0.1 });
    expectClose(loss.data, f.loss, tol);
    loss.backward();
    expectClose(x.grad!.data, f.grad, tol);
  });
  test('mse and bceWithLogits', () => {
    const m = fx.losses.mse;
    const p = rnn.tensor(m.pred, [3, 5], { requiresGrad: true });
    const l = rnn.mse(p, rnn.tensor(m.target, [3, 5]));
    expectClose(l.data, m.loss, tol);
    l.backward();
    expectClose(p.grad!.data, m.grad, tol);
    const b = fx.losses.bce;
    const z = rnn.tensor(b.logits, [2, 7], { requiresGrad: true });
    const lb = rnn.bceWithLogits(z, rnn.tensor(b.targets, [2, 7]), { posWeight: b.posWeight });
    expectClose(lb.data, b.loss, tol);
    lb.backward();
    expectClose(z.grad!.data, b.grad, tol);
  });
});

describe('loss semantics', () => {
  test('mask and ignoreIndex exclude positions; mean divides by the included count; none included gives 0 and a zero gradient', () => {
    rnn.manualSeed(1);
    const x = rnn.randn([2, 3, 4], { requiresGrad: true });
    const t = [
      [1, 2, 3],
      [0, 1, 2],
    ];
    const masked = rnn.crossEntropy(x, t, {
      mask: [
        [1, 1, 0],
        [1, 0, 0],
      ],
    });
    const ignored = rnn.crossEntropy(x, [
      [1, 2, -100],
      [0, -100, -100],
    ]);
    expectClose(masked.data, ignored.data, tol);
    const none = rnn.crossEntropy(x, t, { reduction: 'none' }).data;
    expectClose(masked.data, [(none[0] + none[1] + none[3]) / 3], tol);
    const empty = rnn.crossEntropy(x, t, {
      mask: [
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    expect(empty.item()).toBe(0);
    empty.backward();
    expect(x.grad!.data.every((v) => v === 0)).toBe(true);
  });
  test('logits of ±1e4 give a finite loss (max-subtracted)', () => {
    const x = rnn.tensor([[1e4, -1e4, 0]]);
    expect(rnn.crossEntropy(x, [1]).item()).toBeCloseTo(2e4, 0);
  });
  test('finite differences for every loss', () => {
    rnn.manualSeed(2);
    gradCheck(
      (x) =>
        rnn.crossEntropy(
          x,
          [
            [0, 2, 1],
            [3, 3, 0],
          ],
          {
            labelSmoothing: 0.2,
            mask: [
              [1, 0, 1],
              [1, 1, 1],
            ],
          },
        ),
      [rnn.randn([2, 3, 4], { requiresGrad: true })],
    );
    gradCheck(
      (a, b) => rnn.mse(a, b, { reduction: 'sum' }),
      [rnn.randn([3, 5], { requiresGrad: true }), rnn.randn([3, 5], { requiresGrad: true })],
    );
    gradCheck(
      (z) => rnn.bceWithLogits(z, rnn.tensor([1, 0, 1, 0, 1], [5]), { reduction: 'none' }),
      [rnn.randn([5], { requiresGrad: true })],
    );
  });
  test('bad targets name the argument and the range', () => {
    const x = rnn.zeros([2, 3]);
    expect(() => rnn.crossEntropy(x, [0, 3])).toThrow('crossEntropy: targets[1] must be in [0, 2] (or ignoreIndex -100), got 3');
    expect(() => rnn.crossEntropy(x, [0])).toThrow('targets must hold 2 class indices (one per position), got 1');
    expect(() => rnn.crossEntropy(x, [0, 1.5])).toThrow('targets[1] must be an integer, got 1.5');
    expect(() => rnn.crossEntropy(rnn.tensor([NaN, 0, 0], [1, 3]), [0])).toThrow('crossEntropy: logits contains NaN at flat index 0');
    expect(() => rnn.crossEntropy(x, [0, 1], { reduction: 'avg' as 'mean' })).toThrow(
      "reduction must be 'none', 'mean' or 'sum', got 'avg'",
    );
    expect(() => rnn.mse(rnn.zeros([2]), rnn.zeros([3]))).toThrow('mse: pred [2] and target [3] must have the same shape');
  });
});

describe('optimisers match PyTorch over 4 steps', () => {
  const ctors: Record<string, new (p: rnn.Tensor[], o: never) => rnn.Optimizer> = {
    SGD: rnn.SGD as never,
    Adam: rnn.Adam as never,
    AdamW: rnn.AdamW as never,
    RMSprop: rnn.RMSprop as never,
    Adagrad: rnn.Adagrad as never,
  };
  const names = Object.keys(fx.optimizers).filter((k) => k !== 'p0' && k !== 'grads');
  test.each(names)('%s', (name) => {
    const cfg = fx.optimizers[name];
    const p = rnn.tensor(fx.optimizers.p0, [7], { requiresGrad: true });
    const opt = new ctors[cfg.class]([p], cfg.options as never);
    fx.optimizers.grads.forEach((g: number[], i: number) => {
      p.grad = rnn.tensor(g, [7]);
      opt.step();
      expectClose(p.data, cfg.steps[i], { rtol: 1e-5, atol: 1e-6 });
    });
  });
  test('zeroGrad clears gradients; a parameter without a gradient is left alone', () => {
    const a = rnn.tensor([1, 2], [2], { requiresGrad: true });
    const b = rnn.tensor([3], [1], { requiresGrad: true });
    const opt = new rnn.Adam([a, b], { lr: 0.1 });
    a.grad = rnn.tensor([1, 1]);
    opt.step();
    expect(Array.from(b.data)).toEqual([3]);
    expect(a.data[0]).toBeCloseTo(0.9, 5);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });
  test('bad hyper-parameters are named', () => {
    const p = [rnn.zeros([1], { requiresGrad: true })];
    expect(() => new rnn.Adam(p, { betas: [1, 0.9] })).toThrow('Adam: betas must be two numbers in [0, 1), got [1, 0.9]');
    expect(() => new rnn.SGD(p, { lr: -1 })).toThrow('SGD: lr must be a finite number >= 0, got -1');
    expect(() => new rnn.SGD([], {})).toThrow('params must be a non-empty array');
  });
});

describe('schedules and clipping match PyTorch', () => {
  test.each([
    ['step', (o: rnn.Optimizer) => new rnn.StepLR(o, { stepSize: 2, gamma: 0.5 })],
    ['exponential', (o: rnn.Optimizer) => new rnn.ExponentialLR(o, { gamma: 0.9 })],
    ['cosine', (o: rnn.Optimizer) => new rnn.CosineAnnealingLR(o, { tMax: 5, etaMin: 0.01 })],
  ] as const)('%s', (name, make) => {
    const opt = new rnn.SGD([rnn.zeros([1], { requiresGrad: true })], { lr: 0.1 });
    const sch = make(opt);
    const lrs: number[] = [];
    for (let i = 0; i < 7; i++) {
      sch.step();
      lrs.push(opt.lr);
    }
    expectClose(lrs, fx.schedulers[name], { rtol: 1e-9, atol: 1e-12 });
  });
  test('clipGradNorm returns the total norm before clipping and scales as PyTorch; clipGradValue clamps', () => {
    const c = fx.clip.norm;
    const a = rnn.zeros([5], { requiresGrad: true });
    const b = rnn.zeros([3], { requiresGrad: true });
    a.grad = rnn.tensor(c.grads[0], [5]);
    b.grad = rnn.tensor(c.grads[1], [3]);
    expect(rnn.clipGradNorm([a, b], c.maxNorm)).toBeCloseTo(c.total, 5);
    expectClose(a.grad.data, c.clipped[0], tol);
    expectClose(b.grad.data, c.clipped[1], tol);
    a.grad = rnn.tensor(c.grads[0], [5]);
    b.grad = rnn.tensor(c.grads[1], [3]);
    rnn.clipGradValue([a, b], fx.clip.value.clipValue);
    expectClose(a.grad.data, fx.clip.value.clipped[0], tol);
    expectClose(b.grad.data, fx.clip.value.clipped[1], tol);
  });
  test('a norm below maxNorm leaves gradients; an infinite norm throws unless told to skip', () => {
    const a = rnn.zeros([2], { requiresGrad: true });
    a.grad = rnn.tensor([0.3, 0.4]);
    expect(rnn.clipGradNorm([a], 1)).toBeCloseTo(0.5, 6);
    expect(Array.from(a.grad.data)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    a.grad = rnn.tensor([Infinity, 1]);
    expect(() => rnn.clipGradNorm([a], 1)).toThrow('clipGradNorm: the total gradient norm is Infinity');
    expect(rnn.clipGradNorm([a], 1, { errorIfNonfinite: false })).toBe(Infinity);
    expect(Array.from(a.grad.data)).toEqual([Infinity, 1]);
  });
});
