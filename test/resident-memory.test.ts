// What stays in wasm memory between calls besides packed panels: the activations a recorded
// recurrent layer (or additive attention) keeps for its backward (Arena.keep), and optimiser
// state. These tests see the bytes held, the same results as the JavaScript copies each falls
// back to, and the memory given back after backward, after an error, and when a graph or an
// optimiser is dropped.
import { describe, test, expect, beforeAll } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as rnn from '../src/node.js';
import { arena } from '../src/backend/wasm.js';
import { withoutBlocks } from './helpers.js';

beforeAll(async () => {
  await rnn.init();
});

const B = 3;
const T = 7;
const I = 5;
const H = 9;

function setup(kind: 'LSTM' | 'GRU' | 'RNN', bidirectional = false) {
  rnn.manualSeed(11);
  const Ctor = { LSTM: rnn.LSTM, GRU: rnn.GRU, RNN: rnn.RNN }[kind];
  const layer = new Ctor({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional });
  const x = rnn.randn([B, T, I], { requiresGrad: true });
  return { layer, x };
}

// collection rounds with the finalizers given time to run between: `settle` a few, `until` as many
// as it takes (up to 20) for `done` to hold
function collector(): { settle: () => Promise<void>; until: (done: () => boolean) => Promise<void> } {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const round = async () => {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  };
  return {
    settle: async () => {
      for (let i = 0; i < 5; i++) await round();
    },
    until: async (done) => {
      for (let attempt = 0; attempt < 20 && !done(); attempt++) await round();
    },
  };
}

function withResidentLimit<T>(bytes: number, fn: () => T): T {
  const before = arena().residentLimit;
  arena().residentLimit = bytes;
  try {
    return fn();
  } finally {
    arena().residentLimit = before;
  }
}

function gradients(layer: rnn.Module, x: rnn.Tensor, run: () => rnn.Tensor): Float32Array[] {
  x.grad = null;
  for (const p of layer.parameters()) p.grad = null;
  const out = run();
  rnn.ops.sum(rnn.ops.mul(out, out)).backward();
  return [x.grad!.data.slice(), ...layer.parameters().map((p) => p.grad!.data.slice())];
}

describe.each(['LSTM', 'GRU', 'RNN'] as const)('%s', (kind) => {
  test('keeps its activations in wasm memory until backward, then gives them back', () => {
    const { layer, x } = setup(kind);
    // packs the weights once, for forward's products and for backward's
    rnn.ops.sum(layer.forward(x).output).backward();
    const before = rnn.memoryStats();
    expect(before.savedBytes).toBe(0);
    const { output } = layer.forward(x, { lengths: [7, 4, 2] });
    const held = rnn.memoryStats().savedBytes;
    // at least each layer's input (I, then H) and its state's T + 1 steps (the initial state, then
    // the state after each step: the states entering the steps are not copied apart)
    expect(held).toBeGreaterThanOrEqual((T * B * (I + H) + 2 * (T + 1) * B * H) * 4);
    expect(rnn.memoryStats().liveBytes).toBe(0);
    rnn.ops.sum(output).backward();
    expect(rnn.memoryStats().savedBytes).toBe(0);
    expect(rnn.memoryStats().cachedBytes).toBe(before.cachedBytes);
  });

  test('gives the same gradients as the copies made when the arena cannot keep them (bidirectional, lengths)', () => {
    const { layer, x } = setup(kind, true);
    const run = () => layer.forward(x, { lengths: [7, 5, 3] }).output;
    const resident = gradients(layer, x, run);
    // with no room for resident blocks the layer copies them out
    let copiedHeld = -1;
    const copied = withResidentLimit(0, () =>
      gradients(layer, x, () => {
        const out = run();
        copiedHeld = rnn.memoryStats().savedBytes;
        return out;
      }),
    );
    expect(copiedHeld).toBe(0);
    resident.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(copied[i])));
  });
});

test("inside another op's scope (no region at the base) a layer keeps its blocks in a freed block or copies them out: same gradients, a consistent arena", () => {
  const { layer, x } = setup('LSTM');
  const run = () => layer.forward(x).output;
  const want = gradients(layer, x, run);
  // what a region inside a scope can have: a freed persistent block that fits, never the scope's base
  const free = arena().largestFreeBytes;
  const inScope = gradients(layer, x, () =>
    arena().scoped((ar) => {
      ar.alloc(5); // the scope is in use
      const out = run();
      expect(rnn.memoryStats().savedBytes).toBeLessThanOrEqual(free);
      return out;
    }),
  );
  expect(rnn.memoryStats().savedBytes).toBe(0);
  want.forEach((g, i) => expect(Array.from(inScope[i])).toEqual(Array.from(g)));
  expect(rnn.memoryStats().liveBytes).toBe(0);
  // an empty enclosing scope gives no region either (its release would move below the block)
  const fresh = new rnn.GRU({ inputSize: I, hiddenSize: 2 * H + 1 });
  const freeNow = arena().largestFreeBytes;
  const out = arena().scoped(() => fresh.forward(x).output);
  expect(rnn.memoryStats().savedBytes).toBeLessThanOrEqual(freeNow);
  rnn.ops.sum(out).backward();
  expect(rnn.memoryStats().liveBytes).toBe(0);
  expect(fresh.parameters().every((p) => p.grad !== null)).toBe(true);
  // and between ops the next call is resident again
  const again = layer.forward(x).output;
  expect(rnn.memoryStats().savedBytes).toBeGreaterThan(0);
  rnn.ops.sum(again).backward();
  expect(rnn.memoryStats().savedBytes).toBe(0);
});

test('a training loop holds no saved activations after each step, and wasm memory stays flat', () => {
  const { layer, x } = setup('LSTM');
  const head = new rnn.Linear({ inFeatures: H, outFeatures: 2 });
  const opt = new rnn.Adam([...layer.parameters(), ...head.parameters()], { lr: 1e-3 });
  const step = () => {
    opt.zeroGrad();
    rnn.mse(head.forward(layer.forward(x).output), rnn.zeros([B, T, 2])).backward();
    opt.step();
  };
  for (let i = 0; i < 5; i++) step();
  const memory = rnn.memoryStats().wasmMemoryBytes;
  for (let i = 0; i < 100; i++) {
    step();
    expect(rnn.memoryStats().savedBytes).toBe(0);
  }
  expect(rnn.memoryStats().wasmMemoryBytes).toBe(memory);
});

test('an error inside backward still gives the activations back', () => {
  const { x } = setup('GRU');
  const layer = new rnn.GRU({ inputSize: I, hiddenSize: H }); // one node: the one that fails
  const { output } = layer.forward(x);
  expect(rnn.memoryStats().savedBytes).toBeGreaterThan(0);
  // the layer's backward (the first node from its output) fails as it opens its arena scope
  const ar = arena();
  const scoped = ar.scoped;
  ar.scoped = () => {
    throw new Error('no arena');
  };
  try {
    expect(() => output.backward(new Float32Array(output.size).fill(1))).toThrow('no arena');
  } finally {
    ar.scoped = scoped;
  }
  expect(rnn.memoryStats().savedBytes).toBe(0);
  expect(rnn.memoryStats().liveBytes).toBe(0);
});

test('a graph dropped without backward gives its activations back when it is collected', async () => {
  const { until } = collector();
  const { layer, x } = setup('LSTM');
  (() => {
    for (let i = 0; i < 5; i++) layer.forward(x); // recorded, never backpropagated
  })();
  expect(rnn.memoryStats().savedBytes).toBeGreaterThan(0);
  await until(() => rnn.memoryStats().savedBytes <= 0);
  expect(rnn.memoryStats().savedBytes).toBe(0);
});

test('additive attention keeps its tanh(qa + ka) in wasm memory until backward: the same gradients as the copies', () => {
  rnn.manualSeed(12);
  const att = new rnn.Attention({ kind: 'additive', querySize: 3, keySize: 5, hiddenSize: 7 });
  const q = rnn.randn([2, 3, 3], { requiresGrad: true });
  const k = rnn.randn([2, 9, 5], { requiresGrad: true });
  const run = () => {
    for (const t of [q, k, ...att.parameters()]) t.grad = null;
    const { context, weights } = att.forward(q, k, null, { lengths: [9, 4] });
    const held = rnn.memoryStats().savedBytes;
    rnn.ops.add(rnn.ops.sum(rnn.ops.mul(context, context)), rnn.ops.sum(weights)).backward();
    expect(rnn.memoryStats().savedBytes).toBe(0);
    return { held, grads: [q, k, ...att.parameters()].map((t) => Array.from(t.grad!.data)) };
  };
  const resident = run();
  expect(resident.held).toBeGreaterThanOrEqual(2 * 3 * 9 * 7 * 4);
  const copied = withResidentLimit(0, run);
  expect(copied.held).toBe(0);
  expect(resident.grads).toEqual(copied.grads);
});

describe('optimiser state in wasm memory', () => {
  const make = () => {
    rnn.manualSeed(21);
    return new rnn.GRU({ inputSize: I, hiddenSize: H });
  };
  const train = (layer: rnn.GRU, opt: rnn.Optimizer, steps: number, firstInScope = false) => {
    rnn.manualSeed(22);
    const x = rnn.randn([B, T, I]);
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      rnn.ops.sum(rnn.ops.mul(layer.forward(x).output, layer.forward(x).output)).backward();
      if (firstInScope && i === 0) {
        // the arena gives no block: the state stays in JavaScript copies
        const ar = arena();
        const persist = ar.persist;
        ar.persist = () => 0;
        try {
          opt.step();
        } finally {
          ar.persist = persist;
        }
      } else opt.step();
    }
  };
  test.each([
    ['Adam', (p: rnn.Tensor[]) => new rnn.Adam(p, { lr: 0.01, amsgrad: true }), 3],
    ['SGD with momentum', (p: rnn.Tensor[]) => new rnn.SGD(p, { lr: 0.01, momentum: 0.9 }), 1],
    ['RMSprop', (p: rnn.Tensor[]) => new rnn.RMSprop(p, { lr: 0.01, momentum: 0.5 }), 2],
    ['Adagrad', (p: rnn.Tensor[]) => new rnn.Adagrad(p, { lr: 0.01, initialAccumulatorValue: 0.1 }), 1],
  ] as const)(
    '%s: resident state gives the same parameters as JavaScript copies, and stays one block per parameter',
    (_name, mk, buffers) => {
      const a = make();
      const b = make();
      const before = rnn.memoryStats().stateBytes;
      const optA = mk(a.parameters());
      train(a, optA, 1);
      const held = rnn.memoryStats().stateBytes - before;
      const n = a.parameters().reduce((s, p) => s + p.size, 0);
      expect(held).toBeGreaterThanOrEqual(buffers * n * 4);
      train(a, optA, 5);
      expect(rnn.memoryStats().stateBytes - before).toBe(held);
      const optB = mk(b.parameters());
      train(b, optB, 6, true);
      expect(rnn.memoryStats().stateBytes - before).toBe(held); // b's state stayed in JavaScript
      a.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(b.parameters()[i].data)));
    },
  );

  test('a collected optimiser gives its state back', async () => {
    const { settle, until } = collector();
    const layer = make();
    await settle(); // earlier tests' optimisers go first
    const before = rnn.memoryStats().stateBytes;
    (() => train(layer, new rnn.Adam(layer.parameters(), { lr: 0.01 }), 2))();
    expect(rnn.memoryStats().stateBytes).toBeGreaterThan(before);
    await until(() => rnn.memoryStats().stateBytes <= before);
    expect(rnn.memoryStats().stateBytes).toBe(before);
  });
});

test('ctcLoss keeps its gradient in wasm memory until backward, which gives it back', () => {
  const [T2, B2, C2] = [12, 3, 5];
  const x = rnn.randn([T2, B2, C2], { requiresGrad: true });
  const lp = rnn.ops.logSoftmax(x, 2);
  expect(rnn.memoryStats().savedBytes).toBe(0);
  const loss = rnn.ctcLoss(lp, [[1, 2], [3], [4, 4, 1]], [12, 9, 12], [2, 1, 3]);
  // the unscaled gradient, T·B·C floats (rounded up to whole 16-byte lines)
  expect(rnn.memoryStats().savedBytes).toBe(Math.ceil((T2 * B2 * C2) / 4) * 16);
  loss.backward();
  expect(rnn.memoryStats().savedBytes).toBe(0);
  expect(x.grad!.data.some((g) => g !== 0)).toBe(true);
  // without a gradient nothing is kept
  rnn.noGrad(() => rnn.ctcLoss(lp, [[1, 2], [3], [4, 4, 1]], [12, 9, 12], [2, 1, 3]));
  expect(rnn.memoryStats().savedBytes).toBe(0);
});

describe('parameters in wasm memory', () => {
  const make = () => {
    rnn.manualSeed(31);
    return new rnn.Sequential(new rnn.LSTM({ inputSize: I, hiddenSize: H }), new rnn.Linear({ inFeatures: H, outFeatures: 3 }));
  };
  const x = () => {
    rnn.manualSeed(32);
    return rnn.randn([B, T, I]);
  };
  const loss = (m: rnn.Sequential, xs: rnn.Tensor) => {
    const y = m.forward(xs) as rnn.Tensor;
    return rnn.ops.sum(rnn.ops.mul(y, y));
  };
  // the same steps with the parameters in JavaScript only (the arena gives the optimiser no block)
  const inJavaScript = <T>(fn: () => T): T => withoutBlocks(['param', 'state'], fn);
  const bytes = (m: rnn.Module) => m.parameters().reduce((s, p) => s + Math.ceil(p.size / 4) * 16, 0);

  test('an optimiser updates them in place there: one block each, the same values as in JavaScript, edits between steps seen', () => {
    const a = make();
    const b = make();
    const xs = x();
    const optA = new rnn.Adam(a.parameters(), { lr: 0.01 });
    const optB = new rnn.Adam(b.parameters(), { lr: 0.01 });
    const before = rnn.memoryStats().paramBytes;
    const edits = [
      () => {},
      (m: rnn.Module) => (m.parameters()[0].data[3] += 0.25), // through the getter
      (m: rnn.Module) => {
        const p = m.parameters()[1];
        p.data = Float32Array.from(p.data, (v) => v * 0.5); // a new array
      },
      (m: rnn.Module) =>
        m.loadStateDict(
          Object.fromEntries(
            Object.entries(m.stateDict()).map(([k, t]) => [k, { shape: t.shape, data: t.toArray().map((v) => v + 0.01) }]),
          ),
        ),
      () => {},
    ];
    for (const edit of edits) {
      optA.zeroGrad();
      loss(a, xs).backward();
      optA.step();
      expect(rnn.memoryStats().paramBytes - before).toBe(bytes(a));
      optB.zeroGrad();
      loss(b, xs).backward();
      inJavaScript(() => optB.step());
      expect(rnn.memoryStats().paramBytes - before).toBe(bytes(a)); // b's stayed in JavaScript
      // forward packs from the copy in wasm: the same outputs as b's from its arrays
      expect(Array.from(rnn.noGrad(() => a.forward(xs) as rnn.Tensor).data)).toEqual(
        Array.from(rnn.noGrad(() => b.forward(xs) as rnn.Tensor).data),
      );
      a.parameters().forEach((p, i) => expect(Array.from(p.data), `parameter ${i}`).toEqual(Array.from(b.parameters()[i].data)));
      edit(a);
      edit(b);
    }
    // a kept array is brought up to date in place when the parameter is read again
    const p0 = a.parameters()[0];
    const kept = p0.data;
    optA.zeroGrad();
    loss(a, xs).backward();
    optA.step();
    const now = p0.data;
    expect(now).toBe(kept);
    expect(Array.from(kept)).toEqual(Array.from(now));
  });

  test('module.dispose() gives their blocks and panels back at once; the module trains on as before', () => {
    const a = make();
    const b = make();
    const xs = x();
    const optA = new rnn.SGD(a.parameters(), { lr: 0.05, momentum: 0.9 });
    const optB = new rnn.SGD(b.parameters(), { lr: 0.05, momentum: 0.9 });
    const start = rnn.memoryStats();
    const step = (m: rnn.Module, opt: rnn.Optimizer) => {
      opt.zeroGrad();
      loss(m as rnn.Sequential, xs).backward();
      opt.step();
    };
    for (let i = 0; i < 3; i++) [step(a, optA), step(b, optB)];
    const held = rnn.memoryStats();
    expect(held.paramBytes - start.paramBytes).toBe(bytes(a) + bytes(b));
    a.dispose();
    const after = rnn.memoryStats();
    expect(after.paramBytes - start.paramBytes).toBe(bytes(b));
    expect(after.cachedBytes).toBeLessThan(held.cachedBytes);
    a.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(b.parameters()[i].data)));
    for (let i = 0; i < 3; i++) [step(a, optA), step(b, optB)];
    a.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(b.parameters()[i].data)));
    expect(rnn.memoryStats().paramBytes - start.paramBytes).toBe(bytes(a) + bytes(b));
    a.dispose();
    b.dispose();
    expect(rnn.memoryStats().paramBytes).toBe(start.paramBytes);
  });

  test('a collected model gives its parameters back', async () => {
    const { settle, until } = collector();
    await settle();
    const before = rnn.memoryStats().paramBytes;
    (() => {
      const m = make();
      const opt = new rnn.Adam(m.parameters(), { lr: 0.01 });
      loss(m, x()).backward();
      opt.step();
    })();
    expect(rnn.memoryStats().paramBytes).toBeGreaterThan(before);
    await until(() => rnn.memoryStats().paramBytes <= before);
    expect(rnn.memoryStats().paramBytes).toBe(before);
  });
});

describe('gradients in wasm memory', () => {
  // an embedding, a two-layer bidirectional GRU, an LSTM and a Linear: every kind of op that
  // writes a parameter's gradient straight into wasm memory
  class Net extends rnn.Module {
    emb = this.registerModule('emb', new rnn.Embedding({ numEmbeddings: 11, embeddingDim: I }));
    gru = this.registerModule('gru', new rnn.GRU({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, batchFirst: true }));
    lstm = this.registerModule('lstm', new rnn.LSTM({ inputSize: 2 * H, hiddenSize: H, batchFirst: true }));
    out = this.registerModule('out', new rnn.Linear({ inFeatures: H, outFeatures: 3 }));
    forward(ids: number[][]): rnn.Tensor {
      const e = this.emb.forward(ids);
      return this.out.forward(this.lstm.forward(this.gru.forward(e).output).output);
    }
  }
  const make = () => {
    rnn.manualSeed(41);
    return new Net();
  };
  const batch = (seed: number) => Array.from({ length: B }, (_, j) => Array.from({ length: T }, (_, t) => (seed * 7 + j * 5 + t * t) % 11));
  const loss = (m: Net, ids: number[][]) => {
    const y = m.forward(ids);
    return rnn.ops.sum(rnn.ops.mul(y, y));
  };
  // the same steps with every gradient a JavaScript array (the arena gives no gradient a block)
  const inJavaScript = <T>(fn: () => T): T => withoutBlocks(['grad'], fn);
  const bytes = (m: rnn.Module) => m.parameters().reduce((s, p) => s + Math.ceil(p.size / 4) * 16, 0);
  const values = (m: rnn.Module) => m.parameters().map((p) => Array.from(p.data));
  const grads = (m: rnn.Module) => m.parameters().map((p) => Array.from(p.grad!.data));
  const close = (a: number[][], b: number[][]) =>
    a.forEach((row, i) =>
      row.forEach((v, j) => expect(Math.abs(v - b[i][j]), `tensor ${i}[${j}]`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(b[i][j])))),
    );

  test('made, clipped and used there: one block each for a whole run, never copied in or out, the same steps as in JavaScript', () => {
    const a = make();
    const b = make();
    const optA = new rnn.Adam(a.parameters(), { lr: 0.01 });
    const optB = new rnn.Adam(b.parameters(), { lr: 0.01 });
    const before = rnn.memoryStats().gradBytes;
    const ar = arena();
    // the sizes of the tensors a copy of a gradient in or out of wasm memory would have
    const sizes = new Set(a.parameters().map((p) => p.size));
    let copies = 0;
    const count = (n: number) => {
      if (sizes.has(n)) copies++;
    };
    const { read, readInto, put } = ar;
    const step = (m: Net, opt: rnn.Optimizer, i: number) => {
      opt.zeroGrad();
      loss(m, batch(50 + i)).backward();
      rnn.clipGradNorm(m.parameters(), 0.5);
      rnn.clipGradValue(m.parameters(), 0.02);
      opt.step();
    };
    for (let i = 0; i < 6; i++) {
      if (i === 2) {
        ar.read = (p, n) => {
          count(n);
          return read.call(ar, p, n);
        };
        ar.readInto = (p, into) => {
          count(into.length);
          readInto.call(ar, p, into);
        };
        ar.put = (d) => {
          count(d.length);
          return put.call(ar, d);
        };
      }
      try {
        step(a, optA, i);
      } finally {
        Object.assign(ar, { read, readInto, put });
      }
      inJavaScript(() => step(b, optB, i));
      expect(rnn.memoryStats().gradBytes - before).toBe(bytes(a)); // b's are arrays
    }
    expect(copies).toBe(0); // from the third step on (the first make the blocks)
    // Adam's steps, after clipping by norm and by value, are those of the arrays to the bit
    expect(values(a)).toEqual(values(b));
    // the gradients are read out when read, and are the arrays' ones
    expect(grads(a)).toEqual(grads(b));
  });

  test('a gradient handed out keeps its values after zeroGrad; accumulation and edits between backward and step are seen', () => {
    const a = make();
    const b = make();
    const optA = new rnn.SGD(a.parameters(), { lr: 0.002, momentum: 0.9 });
    const optB = new rnn.SGD(b.parameters(), { lr: 0.002, momentum: 0.9 });
    const run = (m: Net, opt: rnn.Optimizer, i: number) => {
      opt.zeroGrad();
      loss(m, batch(60 + i)).backward();
      loss(m, batch(70 + i)).backward(); // adds to the first's
      opt.step();
    };
    for (let i = 0; i < 2; i++) [run(a, optA, i), inJavaScript(() => run(b, optB, i))];
    // held before a backward and a zeroGrad, read after them
    const heldA = a.parameters().map((p) => p.grad!);
    const heldB = b.parameters().map((p) => p.grad!);
    const expected = heldB.map((g) => Array.from(g.data));
    optA.zeroGrad();
    loss(a, batch(80)).backward();
    inJavaScript(() => [optB.zeroGrad(), loss(b, batch(80)).backward()]);
    close(
      heldA.map((g) => Array.from(g.data)),
      expected,
    );
    // an edit through the array, and a gradient set by hand, reach the step
    for (const m of [a, b]) {
      const [p0, p1] = m.parameters();
      p0.grad!.data[4] += 3;
      p1.grad = rnn.full(p1.shape, 0.125);
    }
    optA.step();
    inJavaScript(() => optB.step());
    close(values(a), values(b));
    for (let i = 0; i < 2; i++) [run(a, optA, 2 + i), inJavaScript(() => run(b, optB, 2 + i))];
    close(values(a), values(b));
    close(grads(a), grads(b));
  });

  test('only parameters get gradient blocks: a leaf that is not one (an input kept across steps, its gradient adding up) stays in JavaScript', () => {
    const run = () => {
      rnn.manualSeed(45);
      const x = rnn.randn([B, T, 2 * H], { requiresGrad: true });
      const w = rnn.randn([2 * H, 2 * H]);
      const m = make();
      const opt = new rnn.SGD(m.parameters(), { lr: 0.01 });
      const before = rnn.memoryStats().gradBytes; // (other tests' models still hold theirs)
      const held: number[] = [];
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        const y = m.lstm.forward(rnn.ops.matmul(x, w)).output;
        rnn.ops.sum(rnn.ops.mul(y, y)).backward();
        opt.step();
        held.push(rnn.memoryStats().gradBytes - before);
      }
      return { x, held, lstmBytes: bytes(m.lstm) };
    };
    const a = run();
    // from the first step on: one block for each of the LSTM's parameters (the only ones with a
    // gradient here), none for x
    expect(a.held).toEqual(a.held.map(() => a.lstmBytes));
    // and where an op could have one (a freed block, as the tape's sums leave them), x's gradient
    // is still not given it
    const ar = arena();
    // (two blocks larger than any freed one come from the top: the lower one, freed, stays free)
    const free = ar.persist(1 << 18, 'cache');
    const above = ar.persist(1 << 18, 'cache');
    ar.unpersist(free, 1 << 18, 'cache');
    try {
      ar.scoped((inOp) => expect(a.x._gradSink(inOp, false)).toBeNull());
    } finally {
      ar.unpersist(above, 1 << 18, 'cache');
    }
    const b = withoutBlocks(['grad'], run);
    close([Array.from(a.x.grad!.data)], [Array.from(b.x.grad!.data)]);
  });

  test('module.dispose() gives them back and leaves them readable; a collected model gives them back', async () => {
    const { settle, until } = collector();
    await settle(); // the models of the tests before
    const start = rnn.memoryStats().gradBytes;
    const a = make();
    const b = make();
    const opt = new rnn.SGD(a.parameters(), { lr: 0.05 });
    const optB = new rnn.SGD(b.parameters(), { lr: 0.05 });
    const step = (m: Net, o: rnn.Optimizer, i: number) => {
      o.zeroGrad();
      loss(m, batch(90 + i)).backward();
      o.step();
    };
    for (let i = 0; i < 2; i++) [step(a, opt, i), inJavaScript(() => step(b, optB, i))];
    opt.zeroGrad();
    loss(a, batch(92)).backward();
    inJavaScript(() => [optB.zeroGrad(), loss(b, batch(92)).backward()]);
    expect(rnn.memoryStats().gradBytes - start).toBe(bytes(a));
    a.dispose();
    expect(rnn.memoryStats().gradBytes).toBe(start);
    expect(grads(a)).toEqual(grads(b));

    (() => {
      const m = make();
      const o = new rnn.Adam(m.parameters(), { lr: 0.01 });
      for (let i = 0; i < 2; i++) {
        o.zeroGrad();
        loss(m, batch(93)).backward();
        o.step();
      }
      o.zeroGrad(); // the blocks are spares now
      loss(m, batch(94)).backward(); // and one gradient again
    })();
    expect(rnn.memoryStats().gradBytes).toBeGreaterThan(start);
    await until(() => rnn.memoryStats().gradBytes <= start);
    expect(rnn.memoryStats().gradBytes).toBe(start);
  });
});
