// ONNX in and out. Out: toOnnx's files run in onnxruntime-node (a dev dependency) and must give our
// own outputs, at batch sizes and lengths other than any the export saw. In: files written by
// torch.onnx.export (scripts/make_onnx_fixtures.py) import with fromOnnx and give PyTorch's
// outputs; an imported model trains (gradients reach every initializer) and exports again.
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import * as rnn from '../src/node.js';
import { expectClose, expectFitsPerturbedCopy, seeded } from './helpers.js';
import { DT, decodeModel, encodeModel, type OnnxGraph } from '../src/io/onnx-proto.js';

beforeAll(async () => {
  await rnn.init();
});

type Feed = { data: Float32Array | BigInt64Array | Int32Array; dims: number[]; type: 'float32' | 'int64' | 'int32' };

/** Runs ONNX bytes in onnxruntime-node and returns every output by name. */
async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const input: Record<string, ort.Tensor> = {};
  for (const [k, f] of Object.entries(feeds)) input[k] = new ort.Tensor(f.type, f.data, f.dims);
  const out = await session.run(input);
  const res: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [k, v] of Object.entries(out)) res[k] = { data: v.data as Float32Array, dims: v.dims };
  return res;
}

const floatFeed = (t: rnn.Tensor): Feed => ({ data: t.data.slice(), dims: t.shape.slice(), type: 'float32' });

function randomInput(shape: number[], seed: number): rnn.Tensor {
  const r = seeded(seed);
  return rnn.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1),
    shape,
  );
}

const SHAPES = [
  [2, 5],
  [3, 9],
  [1, 1],
];

function recurrentCases(): [string, () => rnn.Module][] {
  return [
    ['LSTM', () => new rnn.LSTM({ inputSize: 5, hiddenSize: 7 })],
    ['LSTM 2 layers, bidirectional', () => new rnn.LSTM({ inputSize: 5, hiddenSize: 6, numLayers: 2, bidirectional: true })],
    ['LSTM with peepholes', () => new rnn.LSTM({ inputSize: 5, hiddenSize: 7, peephole: true, bidirectional: true })],
    ['GRU (resetAfter)', () => new rnn.GRU({ inputSize: 5, hiddenSize: 7, numLayers: 2 })],
    ['GRU (resetAfter false), bidirectional', () => new rnn.GRU({ inputSize: 5, hiddenSize: 3, resetAfter: false, bidirectional: true })],
    ['RNN tanh, 3 layers', () => new rnn.RNN({ inputSize: 5, hiddenSize: 4, numLayers: 3 })],
    [
      'RNN relu, bidirectional, no bias',
      () => new rnn.RNN({ inputSize: 5, hiddenSize: 4, nonlinearity: 'relu', bidirectional: true, bias: false }),
    ],
    ['LSTM time-major', () => new rnn.LSTM({ inputSize: 5, hiddenSize: 7, batchFirst: false })],
    [
      'LSTM hard-sigmoid gates, bidirectional',
      () => new rnn.LSTM({ inputSize: 5, hiddenSize: 7, recurrentActivation: 'hardSigmoid', bidirectional: true }),
    ],
    [
      'GRU hard-sigmoid gates, reset first',
      () => new rnn.GRU({ inputSize: 5, hiddenSize: 6, recurrentActivation: 'hardSigmoid', resetAfter: false }),
    ],
  ];
}

describe('toOnnx -> onnxruntime-node', () => {
  test.each(recurrentCases())('%s: output, hN (and cN) equal ours at several batch sizes and lengths', async (_name, make) => {
    rnn.manualSeed(1);
    const m = make() as rnn.LSTM;
    const bytes = rnn.toOnnx(m);
    for (const [B, T] of SHAPES) {
      const shape = m.batchFirst ? [B, T, 5] : [T, B, 5];
      const x = randomInput(shape, B * 31 + T);
      const ours = rnn.noGrad(() => m.forward(x));
      const got = await runOrt(bytes, { input: floatFeed(x) });
      expect(got.output.dims).toEqual(ours.output.shape);
      expectClose(got.output.data, ours.output.data, { rtol: 1e-4, atol: 1e-5 });
      expectClose(got.hN.data, ours.hN.data, { rtol: 1e-4, atol: 1e-5 });
      if (ours.cN) expectClose(got.cN.data, ours.cN.data, { rtol: 1e-4, atol: 1e-5 });
    }
  });

  test('with lengths: a lengths input reaches every recurrent node (packed-sequence semantics)', async () => {
    rnn.manualSeed(2);
    const m = new rnn.GRU({ inputSize: 5, hiddenSize: 4, numLayers: 2, bidirectional: true });
    const bytes = rnn.toOnnx(m, { lengths: true });
    const x = randomInput([3, 6, 5], 9);
    const lengths = [6, 2, 4];
    const ours = rnn.noGrad(() => m.forward(x, { lengths }));
    const got = await runOrt(bytes, { input: floatFeed(x), lengths: { data: Int32Array.from(lengths), dims: [3], type: 'int32' } });
    expectClose(got.output.data, ours.output.data, { rtol: 1e-4, atol: 1e-5 });
    expectClose(got.hN.data, ours.hN.data, { rtol: 1e-4, atol: 1e-5 });
  });

  test.each(['concat', 'sum', 'mul', 'ave'] as const)('Bidirectional(LSTM 2 layers, %s) inside a Sequential', async (mergeMode) => {
    rnn.manualSeed(3);
    const bi = new rnn.Bidirectional(new rnn.LSTM({ inputSize: 5, hiddenSize: 4, numLayers: 2 }), { mergeMode });
    const m = new rnn.Sequential(bi, new rnn.Linear({ inFeatures: mergeMode === 'concat' ? 8 : 4, outFeatures: 3 }), new rnn.Softmax());
    const bytes = rnn.toOnnx(m);
    for (const [B, T] of SHAPES) {
      const x = randomInput([B, T, 5], B + T);
      const ours = rnn.noGrad(() => m.forward(x));
      const got = await runOrt(bytes, { input: floatFeed(x) });
      expect(got.output.dims).toEqual(ours.shape);
      expectClose(got.output.data, ours.data, { rtol: 1e-4, atol: 1e-5 });
    }
  });

  test('Embedding -> GRU -> Dropout -> Linear -> ReLU -> Linear -> LogSoftmax takes int64 ids', async () => {
    rnn.manualSeed(4);
    const m = new rnn.Sequential(
      new rnn.Embedding({ numEmbeddings: 13, embeddingDim: 6 }),
      new rnn.GRU({ inputSize: 6, hiddenSize: 8 }),
      new rnn.Dropout(0.3),
      new rnn.Linear({ inFeatures: 8, outFeatures: 5 }),
      new rnn.ReLU(),
      new rnn.Linear({ inFeatures: 5, outFeatures: 13, bias: false }),
      new rnn.LogSoftmax(),
    );
    m.eval();
    const bytes = rnn.toOnnx(m);
    const r = seeded(5);
    const ids = Array.from({ length: 4 }, () => Array.from({ length: 7 }, () => Math.floor(r() * 13)));
    const ours = rnn.noGrad(() => m.forward(ids as never));
    const got = await runOrt(bytes, { input: { data: BigInt64Array.from(ids.flat().map(BigInt)), dims: [4, 7], type: 'int64' } });
    expectClose(got.output.data, ours.data, { rtol: 1e-4, atol: 1e-5 });
  });

  test('Tanh and Sigmoid modules, fixed batch and time, opset 14 and 21', async () => {
    rnn.manualSeed(6);
    const m = new rnn.Sequential(
      new rnn.Linear({ inFeatures: 5, outFeatures: 4 }),
      new rnn.Tanh(),
      new rnn.Linear({ inFeatures: 4, outFeatures: 2 }),
      new rnn.Sigmoid(),
    );
    for (const opset of [14, 21]) {
      const bytes = rnn.toOnnx(m, { opset, dynamicBatch: false, dynamicTime: false, batchSize: 2, seqLen: 3 });
      const x = randomInput([2, 3, 5], opset);
      const got = await runOrt(bytes, { input: floatFeed(x) });
      expectClose(got.output.data, rnn.noGrad(() => m.forward(x)).data, { rtol: 1e-5, atol: 1e-6 });
      // a fixed-size graph refuses another batch size
      await expect(runOrt(bytes, { input: floatFeed(randomInput([3, 3, 5], 1)) })).rejects.toThrow();
    }
  });

  test('what ONNX cannot express, and bad options, are clear errors', () => {
    expect(() => rnn.toOnnx(new rnn.LSTM({ inputSize: 3, hiddenSize: 4, projSize: 2 }))).toThrow(
      /projSize 2; ONNX's LSTM has no projection/,
    );
    expect(() => rnn.toOnnx(new rnn.JordanRNN({ inputSize: 3, hiddenSize: 4, outputSize: 2 }))).toThrow(
      /JordanRNN, which has no ONNX export/,
    );
    expect(() =>
      rnn.toOnnx(new rnn.Sequential(new rnn.Linear({ inFeatures: 2, outFeatures: 2 }), new rnn.Attention({ kind: 'dot' }))),
    ).toThrow(/1 is a Attention, which has no ONNX export/);
    const m = new rnn.Linear({ inFeatures: 2, outFeatures: 2 });
    expect(() => rnn.toOnnx(m, { opset: 12 })).toThrow('toOnnx: opset must be an integer >= 13, got 12');
    expect(() => rnn.toOnnx(m, { dynamicBatch: false })).toThrow(
      'toOnnx: options.batchSize is required when options.dynamicBatch is false',
    );
    expect(() => rnn.toOnnx(m, { opSet: 17 } as never)).toThrow(/did you mean 'opset'/);
    expect(() => rnn.toOnnx(null as never)).toThrow('toOnnx: model must be a Module, got null');
    expect(() => rnn.toOnnx(m, { metadata: { a: 1 } } as never)).toThrow('toOnnx: metadata has a = number, not a string');
  });
});

const fxDir = new URL('./fixtures/onnx/', import.meta.url);
interface OnnxFixture {
  file: string;
  kind: 'float' | 'ids';
  runs: { input: { shape: number[]; data: number[] }; outputs: { shape: number[]; data: number[] }[] }[];
  parameters: Record<string, number[]>;
  initializers: Record<string, number[]>;
}
const fixtures = JSON.parse(readFileSync(new URL('index.json', fxDir), 'utf8')) as Record<string, OnnxFixture>;
const fileOf = (f: OnnxFixture) => new Uint8Array(readFileSync(new URL(f.file, fxDir)));

function inputOf(f: OnnxFixture, run: number): rnn.Tensor {
  const i = f.runs[run].input;
  return rnn.tensor(i.data, i.shape);
}

describe('fromOnnx: files from torch.onnx.export', () => {
  test.each(Object.keys(fixtures))('%s: every output equals PyTorch’s, at the export’s shape and another', (name) => {
    const f = fixtures[name];
    const m = rnn.fromOnnx(fileOf(f));
    for (let run = 0; run < f.runs.length; run++) {
      const outs = rnn.noGrad(() => m.run(inputOf(f, run)));
      f.runs[run].outputs.forEach((want, k) => {
        const got = outs[m.outputNames[k]];
        expect(got.shape).toEqual(want.shape);
        expectClose(got.data, want.data, { rtol: 1e-4, atol: 1e-5 });
      });
    }
  });

  test.each(Object.keys(fixtures))('%s: trains — every initializer gets a gradient and Adam steps fit a reachable target', (name) => {
    const f = fixtures[name];
    // the target: the same graph with perturbed weights, so a loss of 0 is reachable
    const m = expectFitsPerturbedCopy(() => rnn.fromOnnx(fileOf(f)), inputOf(f, 0), { seed: 11, scale: 0.4, steps: 30 });
    expect(
      m
        .namedParameters()
        .map(([n]) => n)
        .sort(),
    ).toEqual(Object.keys(f.initializers).sort());
  });
});

describe('fromOnnx: malformed files', () => {
  const good = () =>
    rnn.toOnnx(new rnn.Sequential(new rnn.LSTM({ inputSize: 3, hiddenSize: 4 }), new rnn.Linear({ inFeatures: 4, outFeatures: 2 })));
  const graph = (over: Partial<OnnxGraph>): Uint8Array =>
    encodeModel({
      irVersion: 8,
      producerName: 't',
      producerVersion: '0',
      opsets: [{ domain: '', version: 17 }],
      metadata: {},
      graph: {
        name: 'g',
        nodes: [{ name: 'n', opType: 'Relu', domain: '', inputs: ['input'], outputs: ['output'], attrs: new Map() }],
        initializers: [],
        inputs: [{ name: 'input', elemType: DT.FLOAT, dims: ['batch', 3] }],
        outputs: [{ name: 'output', elemType: DT.FLOAT, dims: null }],
        ...over,
      },
    });
  const w = (dims: number[], floats: Float32Array | null, name = 'w') => ({ name, dataType: DT.FLOAT, dims, floats, ints: null });

  test('a hand-built graph runs, so the malformed variants below fail for their own reason', () => {
    const y = rnn.fromOnnx(graph({})).forward(rnn.tensor([-1, 2, -3], [1, 3]));
    expect(Array.from(y.data)).toEqual([0, 2, 0]);
  });

  test('tensor sizes are checked against dims before anything is allocated', () => {
    const huge = graph({ initializers: [w([1e6, 1e6], new Float32Array(3))] });
    expect(() => rnn.fromOnnx(huge)).toThrow(
      /fromOnnx: tensor 'w' \(at byte \d+\): 1000000000000 elements exceed the remaining budget of \d+ \(maxParameters\)/,
    );
    const short = graph({ initializers: [w([2, 5], new Float32Array(3))] });
    expect(() => rnn.fromOnnx(short)).toThrow(
      /fromOnnx: tensor 'w' \(at byte \d+\): raw data of 12 bytes, expected 40 for dims \[2,5\] of FLOAT/,
    );
    const overBudget = graph({ initializers: [w([2000, 2000], new Float32Array(2000 * 2000))] });
    expect(() => rnn.fromOnnx(overBudget, { maxParameters: 1000 })).toThrow(/4000000 elements exceed the remaining budget of 1000/);
    expect(() => rnn.fromOnnx(graph({ initializers: [w([-2, 3], new Float32Array(0))] }))).toThrow(
      /dims must be non-negative integers, got \[-2,3\]/,
    );
    expect(() => rnn.fromOnnx(graph({ initializers: [{ name: 's', dataType: 8, dims: [1], floats: null, ints: null }] }))).toThrow(
      /tensor 's' .*STRING tensors are not supported/,
    );
  });

  test('an unsupported operator is named; so are undefined inputs, a missing opset and a missing graph', () => {
    const conv = graph({ nodes: [{ name: 'c', opType: 'Conv', domain: '', inputs: ['input'], outputs: ['output'], attrs: new Map() }] });
    expect(() => rnn.fromOnnx(conv)).toThrow(/fromOnnx: unsupported operator Conv \(supported: LSTM, GRU, RNN, /);
    const custom = graph({
      nodes: [{ name: 'c', opType: 'Relu', domain: 'com.example', inputs: ['input'], outputs: ['output'], attrs: new Map() }],
    });
    expect(() => rnn.fromOnnx(custom)).toThrow('fromOnnx: unsupported operator com.example.Relu');
    const dangling = graph({
      nodes: [{ name: 'r', opType: 'Relu', domain: '', inputs: ['nowhere'], outputs: ['output'], attrs: new Map() }],
    });
    expect(() => rnn.fromOnnx(dangling)).toThrow("fromOnnx: node 'r' reads 'nowhere', which no earlier node, input or initializer defines");
    const noOut = graph({ outputs: [{ name: 'missing', elemType: DT.FLOAT, dims: null }] });
    expect(() => rnn.fromOnnx(noOut)).toThrow("fromOnnx: graph output 'missing' is not produced by any node");
    const bytes = graph({});
    const m = decodeModel(bytes, 1e9);
    expect(() => rnn.fromOnnx(encodeModel({ ...m, opsets: [{ domain: 'ai.onnx.ml', version: 3 }] }))).toThrow(
      'fromOnnx: the model imports no default-domain (ai.onnx) opset',
    );
    expect(() => rnn.fromOnnx(encodeModel({ ...m, opsets: [{ domain: '', version: 9 }] }))).toThrow(
      'fromOnnx: opset 9 is not supported (11 to 23)',
    );
    expect(() => rnn.fromOnnx(new Uint8Array([8, 7]))).toThrow('fromOnnx: bytes: not an ONNX model (no graph; got 2 bytes)');
  });

  test('recurrent nodes with attributes we do not run are named errors', () => {
    const bytes = rnn.toOnnx(new rnn.LSTM({ inputSize: 3, hiddenSize: 4 }));
    const m = decodeModel(bytes, 1e9);
    const lstmNode = m.graph.nodes.find((n) => n.opType === 'LSTM');
    if (!lstmNode) throw new Error('no LSTM node');
    lstmNode.attrs.set('clip', { name: 'clip', type: 1, f: 3 });
    const x = randomInput([2, 3, 3], 1);
    expect(() => rnn.fromOnnx(encodeModel(m)).forward(x)).toThrow(/\(LSTM\): the clip attribute \(cell clipping\) is not supported/);
    lstmNode.attrs.delete('clip');
    lstmNode.attrs.set('activations', { name: 'activations', type: 8, strings: ['HardSigmoid', 'Tanh', 'Tanh'] });
    lstmNode.attrs.set('activations', { name: 'activations', type: 8, strings: ['Relu', 'Tanh', 'Tanh'] });
    expect(() => rnn.fromOnnx(encodeModel(m)).forward(x)).toThrow(/activations \[Relu,Tanh,Tanh\] are not supported/);
  });

  test('every truncation and 300 random corruptions of a valid file: a clear error or a model, never a raw one', () => {
    const bytes = good();
    const x = randomInput([2, 3, 3], 3);
    const check = (b: Uint8Array) => {
      let m: rnn.OnnxModule;
      try {
        m = rnn.fromOnnx(b);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).constructor).toBe(Error);
        expect((e as Error).message).toMatch(/^fromOnnx: /);
        return;
      }
      try {
        rnn.noGrad(() => m.forward(x));
      } catch (e) {
        // a corrupted but well-formed graph may compute wrong shapes: a plain Error that says so
        expect((e as Error).constructor, (e as Error).message).toBe(Error);
      }
    };
    for (let n = 0; n < bytes.length; n += 7) check(bytes.subarray(0, n));
    const r = seeded(99);
    for (let k = 0; k < 300; k++) {
      const b = bytes.slice();
      for (let j = 0; j < 1 + Math.floor(r() * 4); j++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      check(b);
    }
  });
});

describe('round trips', () => {
  test('fromOnnx(toOnnx(model)) gives the model’s outputs, and toOnnx of the imported model runs in onnxruntime after fine-tuning', async () => {
    rnn.manualSeed(8);
    const model = new rnn.Sequential(
      new rnn.GRU({ inputSize: 4, hiddenSize: 6, bidirectional: true }),
      new rnn.Linear({ inFeatures: 12, outFeatures: 2 }),
    );
    const imported = rnn.fromOnnx(rnn.toOnnx(model));
    const x = randomInput([3, 5, 4], 4);
    expectClose(rnn.noGrad(() => imported.forward(x)).data, rnn.noGrad(() => model.forward(x)).data, { rtol: 1e-5, atol: 1e-6 });
    for (const hard of [
      new rnn.LSTM({ inputSize: 4, hiddenSize: 3, recurrentActivation: 'hardSigmoid' }),
      new rnn.GRU({ inputSize: 4, hiddenSize: 3, recurrentActivation: 'hardSigmoid' }),
    ]) {
      const back = rnn.noGrad(() => rnn.fromOnnx(rnn.toOnnx(hard)).forward(x));
      expectClose(back.data, rnn.noGrad(() => hard.forward(x)).output.data, { rtol: 1e-5, atol: 1e-6 });
      // and the gates really are hard: σ gates give other numbers
      const soft = hard instanceof rnn.LSTM ? new rnn.LSTM({ inputSize: 4, hiddenSize: 3 }) : new rnn.GRU({ inputSize: 4, hiddenSize: 3 });
      soft.loadStateDict(hard.stateDict());
      expect(Math.max(...rnn.noGrad(() => soft.forward(x)).output.data.map((v, i) => Math.abs(v - back.data[i])))).toBeGreaterThan(1e-3);
    }
    const target = randomInput([3, 5, 2], 5);
    const opt = new rnn.Adam(imported.parameters(), 0.02);
    const before = rnn
      .mse(
        rnn.noGrad(() => imported.forward(x)),
        target,
      )
      .item();
    for (let i = 0; i < 40; i++) {
      opt.zeroGrad();
      rnn.mse(imported.forward(x), target).backward();
      opt.step();
    }
    const tuned = rnn.noGrad(() => imported.forward(x));
    expect(rnn.mse(tuned, target).item()).toBeLessThan(before * 0.7);
    const got = await runOrt(rnn.toOnnx(imported), { input: floatFeed(x) });
    expectClose(got.output.data, tuned.data, { rtol: 1e-4, atol: 1e-5 });
  });

  test('PyTorch -> safetensors -> rnn-wasm -> ONNX -> onnxruntime-node gives PyTorch’s output', async () => {
    const dir = new URL('./fixtures/safetensors/', import.meta.url);
    const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8'));
    for (const name of ['lstm_2l_bi_f32', 'gru_f32']) {
      const fx = index[name];
      const m = new (fx.kind === 'LSTM' ? rnn.LSTM : rnn.GRU)(fx.options);
      m.loadStateDict(rnn.fromSafetensors(new Uint8Array(readFileSync(new URL(fx.file, dir)))).tensors);
      const x = rnn.tensor(fx.x.data, fx.x.shape);
      const got = await runOrt(rnn.toOnnx(m), { input: floatFeed(x) });
      expectClose(got.output.data, fx.output.data, { rtol: 1e-4, atol: 1e-5 });
    }
  });

  test('torch.onnx.export -> fromOnnx -> toOnnx -> onnxruntime-node gives PyTorch’s outputs', async () => {
    for (const name of ['embed_lm', 'gru_classifier', 'lstm_bare_bi']) {
      const f = fixtures[name];
      const bytes = rnn.toOnnx(rnn.fromOnnx(fileOf(f)));
      const run = f.runs[1];
      const feed: Feed =
        f.kind === 'ids'
          ? { data: BigInt64Array.from(run.input.data.map(BigInt)), dims: run.input.shape, type: 'int64' }
          : { data: Float32Array.from(run.input.data), dims: run.input.shape, type: 'float32' };
      const got = await runOrt(bytes, { input: feed });
      const names = Object.keys(got);
      run.outputs.forEach((want, k) =>
        expectClose(got[['output', 'hN', 'cN'][k]]?.data ?? got[names[k]].data, want.data, { rtol: 1e-4, atol: 1e-5 }),
      );
    }
  });
});

describe('fromOnnx: what becomes a parameter', () => {
  test('float initializers with an axis are parameters by name; a 0-d scale stays a constant; summary lists them', () => {
    rnn.manualSeed(12);
    const bi = new rnn.Bidirectional(new rnn.GRU({ inputSize: 3, hiddenSize: 2 }), { mergeMode: 'ave' });
    const m = rnn.fromOnnx(rnn.toOnnx(bi));
    const names = m.namedParameters().map(([n]) => n);
    expect(names).toContain('forward_layer.l0.W');
    expect(names).toContain('backward_layer.l0.W');
    expect(names).not.toContain('half');
    expect(m.numParameters()).toBe(bi.numParameters());
    expect(m.summary()).toContain(String(bi.numParameters()));
  });
});
