import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../src/node.js';
import { ops } from '../src/node.js';
import { arena } from '../src/backend/wasm.js';
import { withoutBlocks } from './helpers.js';
import { Arena } from '../src/backend/heap.js';
import type { Kernels } from '../src/backend/kernels.js';

beforeAll(async () => {
  await rnn.init();
});

describe('tensor creation', () => {
  test('flat data with a shape, nested arrays, typed arrays, scalars', () => {
    const a = rnn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(a.shape).toEqual([2, 3]);
    expect(
      rnn
        .tensor([
          [1, 2, 3],
          [4, 5, 6],
        ])
        .toNested(),
    ).toEqual(a.toNested());
    expect(rnn.tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    expect(rnn.tensor(5).shape).toEqual([]);
    expect(rnn.tensor(5).item()).toBe(5);
    expect(rnn.zeros([2, 0]).size).toBe(0);
    expect(rnn.ones([2]).toNested()).toEqual([1, 1]);
    expect(rnn.full([2], 7).toNested()).toEqual([7, 7]);
  });
  test('toArray is a copy', () => {
    const a = rnn.tensor([1, 2]);
    a.toArray()[0] = 9;
    expect(a.toArray()[0]).toBe(1);
  });
  test('bad data throws a clear error', () => {
    expect(() => rnn.tensor([1, 2, 3], [2, 2])).toThrow('tensor: data has 3 elements but shape [2,2] needs 4');
    expect(() => rnn.tensor([[1, 2], [3]])).toThrow('ragged nested array: at [1] expected 2 elements, got 1');
    expect(() => rnn.tensor([1, 'a' as unknown as number])).toThrow('tensor: element 1 must be a number, got string');
    expect(() => rnn.tensor('abc' as unknown as number[])).toThrow('tensor: data must be');
    expect(() => rnn.zeros([2, -1])).toThrow('every dimension must be a non-negative integer, got [2,-1]');
    expect(() => rnn.zeros([2.5])).toThrow('non-negative integer');
  });
});

describe('random', () => {
  test('manualSeed makes randn and uniform reproducible', () => {
    rnn.manualSeed(42);
    const a = rnn.randn([5]).toArray();
    const u = rnn.uniform([3], -1, 1).toArray();
    rnn.manualSeed(42);
    expect(rnn.randn([5]).toArray()).toEqual(a);
    expect(rnn.uniform([3], -1, 1).toArray()).toEqual(u);
    rnn.manualSeed(43);
    expect(rnn.randn([5]).toArray()).not.toEqual(a);
  });
  test('randn has mean 0 and std 1; uniform stays in range', () => {
    rnn.manualSeed(1);
    const x = rnn.randn([20000]).data;
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const std = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    const u = rnn.uniform([1000], 2, 3).data;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(3);
  });
});

describe('autograd', () => {
  test('backward on a scalar defaults to 1; on a non-scalar needs a gradient', () => {
    const x = rnn.tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = ops.mul(x, 3);
    expect(() => y.backward()).toThrow('backward: grad must be given for a tensor of shape [3]');
    expect(() => y.backward([1, 2])).toThrow('backward: grad must have 3 elements (shape [3]), got 2');
    y.backward([1, 1, 2]);
    expect(Array.from(x.grad!.data)).toEqual([3, 3, 6]);
  });
  test('gradients accumulate across backward calls until zeroed', () => {
    const x = rnn.tensor([1, 2], [2], { requiresGrad: true });
    ops.sum(ops.mul(x, 2)).backward();
    ops.sum(ops.mul(x, 2)).backward();
    expect(Array.from(x.grad!.data)).toEqual([4, 4]);
  });
  test("a leaf's own backward(g) adds g to its grad", () => {
    const x = rnn.tensor([1, 2], [2], { requiresGrad: true });
    x.backward([0.5, 1]);
    x.backward([0.5, 1]);
    expect(Array.from(x.grad!.data)).toEqual([1, 2]);
  });
  test('noGrad records nothing and returns the result; detach cuts the tape', () => {
    const x = rnn.tensor([1, 2], [2], { requiresGrad: true });
    const y = rnn.noGrad(() => ops.mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(() => ops.sum(y).backward()).toThrow('does not require grad');
    const z = ops.mul(x, 2).detach();
    expect(z.requiresGrad).toBe(false);
    expect(Array.from(z.data)).toEqual([2, 4]);
  });
  test('backward through an already freed graph says what to do', () => {
    const x = rnn.tensor([1, 2], [2], { requiresGrad: true });
    const h = ops.tanh(x);
    ops.sum(h).backward();
    expect(() => ops.sum(ops.mul(h, 2)).backward()).toThrow(/already freed.*detach\(\)/);
  });
  describe('a tensor used many times (attention keys at every step): its gradient summed in wasm memory', () => {
    // keys [4,30,32] (3,840 floats: large enough for the sums in wasm) used directly and through
    // one transpose at each of 6 steps: 6 contributions to the transpose's output, 7 to the leaf
    const run = () => {
      rnn.manualSeed(5);
      const keys = rnn.randn([4, 30, 32], { requiresGrad: true });
      const qs = Array.from({ length: 6 }, () => rnn.randn([4, 1, 32], { requiresGrad: true }));
      const kt = ops.transpose(keys, 1, 2);
      let loss = rnn.tensor(0);
      for (const q of qs) loss = ops.add(loss, ops.sum(ops.tanh(ops.matmul(ops.softmax(ops.matmul(q, kt), -1), keys))));
      return { keys, qs, loss };
    };
    // the same backward with every sum in JavaScript (the arena gives the sums no block)
    const inJavaScript = <T>(fn: () => T): T => withoutBlocks(['saved'], fn);

    test('the same gradients to the bit as summed in JavaScript, and every block given back', () => {
      const a = run();
      const held = rnn.memoryStats().savedBytes;
      let most = 0;
      const ar = arena();
      const { persist, read } = ar;
      // reads of a keys-sized gradient out of wasm memory
      let readsOut = 0;
      ar.read = (p, n) => {
        if (n === a.keys.size) readsOut++;
        return read.call(ar, p, n);
      };
      ar.persist = (n, kind) => {
        const p = persist.call(ar, n, kind);
        if (kind === 'saved' && p) most = Math.max(most, ar.savedBytes - held);
        return p;
      };
      try {
        a.loss.backward();
      } finally {
        Object.assign(ar, { persist, read });
      }
      expect(most).toBeGreaterThan(0); // the sums were in wasm memory
      expect(rnn.memoryStats().savedBytes).toBe(0);
      // the matmuls wrote their contributions into the sums: only the transpose's input and the
      // leaf's total came out (each of the 12 contributions came out in JavaScript)
      expect(readsOut).toBeLessThanOrEqual(2);
      const b = run();
      let readsOutJs = 0;
      ar.read = (p, n) => {
        if (n === b.keys.size) readsOutJs++;
        return read.call(ar, p, n);
      };
      try {
        inJavaScript(() => b.loss.backward());
      } finally {
        ar.read = read;
      }
      expect(readsOutJs).toBeGreaterThanOrEqual(12);
      expect(Array.from(a.keys.grad!.data)).toEqual(Array.from(b.keys.grad!.data));
      a.qs.forEach((q, i) => expect(Array.from(q.grad!.data)).toEqual(Array.from(b.qs[i].grad!.data)));
      // against finite differences of the loss in keys, at a few elements
      const f = (d: number, at: number) =>
        rnn.noGrad(() => {
          const c = run();
          c.keys.data[at] += d;
          return (() => {
            const kt = ops.transpose(c.keys, 1, 2);
            let loss = 0;
            for (const q of c.qs) loss += ops.sum(ops.tanh(ops.matmul(ops.softmax(ops.matmul(q, kt), -1), c.keys))).item();
            return loss;
          })();
        });
      for (const at of [0, 517, 3839]) {
        const numeric = (f(1e-2, at) - f(-1e-2, at)) / 2e-2;
        expect(a.keys.grad!.data[at]).toBeCloseTo(numeric, 2);
      }
    });

    test('a backward that fails midway gives the blocks of its sums back', () => {
      const ar = arena();
      const read = ar.read;
      // a read out of wasm memory fails while sums are held there (the first such read)
      let heldAtFailure = 0;
      ar.read = (p, n) => {
        if (ar.savedBytes > 0 && heldAtFailure === 0) {
          heldAtFailure = ar.savedBytes;
          throw new Error('injected');
        }
        return read.call(ar, p, n);
      };
      try {
        const { loss } = run();
        expect(() => loss.backward()).toThrow('injected');
      } finally {
        ar.read = read;
      }
      expect(heldAtFailure).toBeGreaterThan(0);
      expect(rnn.memoryStats().savedBytes).toBe(0);
      expect(rnn.memoryStats().liveBytes).toBe(0);
    });
  });

  test('an op handing one gradient array to two inputs (x + x): each sum gets its own, small and large tensors alike', () => {
    for (const n of [3, 3000]) {
      const x = rnn.full([n], 0.5, { requiresGrad: true });
      const h = ops.tanh(x); // a non-leaf used twice in one op, then again
      ops.sum(ops.add(ops.add(ops.add(x, x), ops.add(h, h)), h)).backward();
      const dh = 3 * (1 - Math.tanh(0.5) ** 2);
      for (const v of x.grad!.data) expect(v).toBeCloseTo(2 + dh, 5);
    }
  });

  test('a deep graph (20,000 nodes) backpropagates without stack overflow', () => {
    const x = rnn.tensor([0.5], [1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = ops.mul(y, 1);
    ops.sum(y).backward();
    expect(x.grad!.data[0]).toBe(1);
  });
});

describe('memory', () => {
  test.each([false, true])('copies in and out of an arena stay right after another arena grows the memory (shared %s)', (shared) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 64, shared });
    const fake = { memory, heap_base: () => 0 } as unknown as Kernels;
    const a = new Arena(fake);
    const b = new Arena(fake);
    const page = 65536;
    const low = a.put(Float32Array.from([1, 2, 3]));
    b.alloc((3 * page) / 4); // grows the memory to 3 pages or more: a plain one detaches a's view
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(3 * page);
    expect(Array.from(a.read(low, 3))).toEqual([1, 2, 3]);
    a.alloc(page / 2); // a's top now past the memory a first saw
    const high = a.put(Float32Array.from([4, 5, 6, 7]));
    expect(high + 16).toBeGreaterThan(page);
    expect(Array.from(b.read(high, 4))).toEqual([4, 5, 6, 7]);
    b.view(high, 4)[2] = 9;
    expect(Array.from(a.read(high, 4))).toEqual([4, 5, 9, 7]);
    const into = new Float32Array(4);
    a.readInto(high, into);
    expect(Array.from(into)).toEqual([4, 5, 9, 7]);
  });

  test('10,000 forward/backward/update steps: no dispose, arena empty, WebAssembly.Memory does not grow after warm-up', () => {
    rnn.manualSeed(3);
    const w = rnn.randn([16, 24], { std: 0.1, requiresGrad: true });
    const v = rnn.randn([24, 3], { std: 0.1, requiresGrad: true });
    const x = rnn.randn([8, 16]);
    const target = rnn.randn([8, 3]);
    let after100 = 0;
    let first = 0;
    let last = 0;
    for (let step = 0; step < 10000; step++) {
      const h = ops.tanh(ops.matmul(x, w));
      const err = ops.sub(ops.matmul(h, v), target);
      const loss = ops.mean(ops.mul(err, err));
      w.grad = null;
      v.grad = null;
      loss.backward();
      for (const p of [w, v]) {
        const g = p.grad!.data;
        for (let i = 0; i < g.length; i++) p.data[i] -= 0.1 * g[i];
      }
      if (step === 0) first = loss.item();
      last = loss.item();
      if (step === 100) after100 = rnn.memoryStats().wasmMemoryBytes;
      expect(rnn.memoryStats().liveBytes).toBe(0);
    }
    expect(rnn.memoryStats().wasmMemoryBytes).toBe(after100);
    expect(last).toBeLessThan(first);
  });
  test('an LSTM training loop with Adam and clipping keeps wasm memory flat over 2,000 steps', () => {
    rnn.manualSeed(4);
    const lstm = new rnn.LSTM({ inputSize: 6, hiddenSize: 16, bidirectional: true });
    const head = new rnn.Linear({ inFeatures: 32, outFeatures: 3 });
    const params = [...lstm.parameters(), ...head.parameters()];
    const opt = new rnn.Adam(params, { lr: 1e-3 });
    const x = rnn.randn([4, 9, 6]);
    const targets = Array.from({ length: 36 }, (_, i) => i % 3);
    let after50 = 0;
    for (let step = 0; step < 2000; step++) {
      const loss = rnn.crossEntropy(head.forward(lstm.forward(x, { lengths: [9, 4, 7, 2] }).output), targets);
      opt.zeroGrad();
      loss.backward();
      rnn.clipGradNorm(params, 1);
      opt.step();
      if (step === 50) after50 = rnn.memoryStats().wasmMemoryBytes;
    }
    expect(rnn.memoryStats().liveBytes).toBe(0);
    expect(rnn.memoryStats().wasmMemoryBytes).toBe(after50);
  });
});
