// ONNX in and out. Out: toOnnx's files run in onnxruntime-node (a dev dependency) and must give our
// own outputs, at batch sizes and lengths other than any the export saw. In: files written by
// torch.onnx.export (scripts/make_onnx_fixtures.py) import with fromOnnx and give PyTorch's
// outputs; an imported model trains (gradients reach every initializer) and exports again.
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import * as rnn from '../src/node.js';
import { expectClose, seeded } from './helpers.js';

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
    expect(() => rnn.toOnnx(m, { metadata: { a: 1 } } as never)).toThrow('toOnnx: options.metadata.a must be a string, got number');
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
    const x = inputOf(f, 0);
    // the target: the same graph with perturbed weights, so a loss of 0 is reachable
    const teacher = rnn.fromOnnx(fileOf(f));
    const r = seeded(11);
    for (const p of teacher.parameters()) for (let i = 0; i < p.data.length; i++) p.data[i] += (r() - 0.5) * 0.4;
    const target = rnn.noGrad(() => teacher.forward(x));
    const m = rnn.fromOnnx(fileOf(f));
    const loss = rnn.mse(m.forward(x), target);
    loss.backward();
    const named = m.namedParameters();
    expect(named.map(([n]) => n).sort()).toEqual(Object.keys(f.initializers).sort());
    for (const [pname, p] of named) {
      expect(p.grad, pname).not.toBeNull();
      expect(
        p.grad?.data.some((g) => g !== 0),
        `${pname} has a zero gradient`,
      ).toBe(true);
    }
    const opt = new rnn.Adam(m.parameters(), 0.01);
    const first = loss.item();
    let last = first;
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      const l = rnn.mse(m.forward(x), target);
      l.backward();
      opt.step();
      last = l.item();
    }
    expect(last).toBeLessThan(first * 0.5);
  });
});
