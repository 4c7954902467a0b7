// Keras / TensorFlow.js models in: tfjs LayersModels saved by @tensorflow/tfjs itself
// (scripts/make_keras_fixtures.mjs) import with fromKeras and give tfjs' own predict() outputs,
// at two batch sizes and lengths, right-padded with Masking / Embedding(mask_zero); GRU with
// reset_after = true (which tfjs cannot build) is checked against PyTorch's GRU with the weights in
// the Keras 2 converter's layout (scripts/make_keras_gru_fixture.py). Imported models train.
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import * as rnn from '../src/node.js';
import { expectClose, expectFitsPerturbedCopy } from './helpers.js';

beforeAll(async () => {
  await rnn.init();
});

const dir = new URL('./fixtures/keras/', import.meta.url);
interface Run {
  input: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
}
const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Record<
  string,
  { model: string; weights: string; runs: Run[] }
>;
const jsonOf = (f: string) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
const binOf = (f: string) => new Uint8Array(readFileSync(new URL(f, dir)));
const load = (name: string) => rnn.fromKeras(jsonOf(index[name].model), binOf(index[name].weights));
const input = (r: Run) => rnn.tensor(r.input.data, r.input.shape);

describe('fromKeras: tfjs LayersModels', () => {
  test.each(Object.keys(index))('%s: predict() equals tfjs’, at two batch sizes and lengths', (name) => {
    const m = load(name);
    for (const run of index[name].runs) {
      const y = rnn.noGrad(() => m.forward(input(run)));
      expect(y.shape).toEqual(run.output.shape);
      expectClose(y.data, run.output.data, { rtol: 1e-4, atol: 2e-5 });
    }
  });

  test.each(Object.keys(index))('%s: trains — every weight gets a gradient and Adam fits a reachable target', (name) => {
    // b_hh of a Keras layer without a second bias is a new parameter: it must train too
    expectFitsPerturbedCopy(() => load(name), input(index[name].runs[0]), { seed: 3, scale: 0.5, steps: 40 });
  });
});

const keras2 = JSON.parse(readFileSync(new URL('keras2_index.json', dir), 'utf8')) as Record<
  string,
  { model: string; weights: string; runs: Run[] }
>;

describe('fromKeras: Keras 2 models as the converter writes them (GRU reset_after = true, against PyTorch)', () => {
  test.each(Object.keys(keras2))('%s: outputs equal PyTorch’s GRU with the same weights', (name) => {
    const f = keras2[name];
    // the model.json as text, and the weights split into two shards
    const bin = binOf(f.weights);
    const m = rnn.fromKeras(readFileSync(new URL(f.model, dir), 'utf8'), [bin.slice(0, 20), bin.slice(20).buffer]);
    for (const run of f.runs) {
      const y = rnn.noGrad(() => m.forward(input(run)));
      expect(y.shape).toEqual(run.output.shape);
      expectClose(y.data, run.output.data, { rtol: 1e-4, atol: 1e-5 });
    }
  });
});

describe('Keras -> rnn-wasm -> ONNX', () => {
  const unmasked = [...Object.keys(index).filter((n) => !n.includes('mask')), ...Object.keys(keras2)];
  test.each(unmasked)('%s: toOnnx of the import runs in onnxruntime-node with tfjs’ (or PyTorch’s) outputs', async (name) => {
    const f = index[name] ?? keras2[name];
    const m = rnn.fromKeras(jsonOf(f.model), binOf(f.weights));
    const session = await ort.InferenceSession.create(rnn.toOnnx(m));
    for (const run of f.runs) {
      const ids = name.startsWith('embedding');
      const feed = ids
        ? new ort.Tensor('int64', BigInt64Array.from(run.input.data.map(BigInt)), run.input.shape)
        : new ort.Tensor('float32', Float32Array.from(run.input.data), run.input.shape);
      const out = await session.run({ input: feed });
      expect(out.output.dims).toEqual(run.output.shape);
      expectClose(out.output.data as Float32Array, run.output.data, { rtol: 1e-4, atol: 2e-5 });
    }
  });

  test('a masked model is a clear error', () => {
    expect(() => rnn.toOnnx(load('masking_gru_dropout'))).toThrow(
      "toOnnx: layer 'masking_Masking1' masks its input; masked Keras models have no ONNX export",
    );
  });
});

describe('fromKeras: malformed models and inputs', () => {
  const base = () => jsonOf(index.bi_lstm_concat.model);
  const bin = () => binOf(index.bi_lstm_concat.weights);
  const layers = (j: { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } }) =>
    j.modelTopology.config.layers;

  test('the JSON: not JSON, not an object, no topology, no manifest, an unsupported topology', () => {
    expect(() => rnn.fromKeras('{oops', bin())).toThrow(/^fromKeras: modelJson is not valid JSON/);
    expect(() => rnn.fromKeras(null, bin())).toThrow('fromKeras: modelJson must be the parsed model.json or its text, got null');
    expect(() => rnn.fromKeras({ format: 'layers-model' }, bin())).toThrow('fromKeras: modelJson has no model topology');
    const noManifest = base();
    noManifest.weightsManifest = undefined;
    expect(() => rnn.fromKeras(noManifest, bin())).toThrow('fromKeras: modelJson has no weightsManifest');
    const other = base();
    other.modelTopology.class_name = 'Graph';
    expect(() => rnn.fromKeras(other, bin())).toThrow('fromKeras: a Graph model is not supported');
  });

  test('layers and settings outside the supported set are named', () => {
    const conv = base();
    layers(conv).splice(1, 0, { class_name: 'Conv1D', config: { name: 'conv1d_1' } });
    expect(() => rnn.fromKeras(conv, bin())).toThrow(
      "fromKeras: layer 'conv1d_1' is a Conv1D, which is not supported (supported: InputLayer, SimpleRNN, LSTM, GRU",
    );
    const dense = base();
    layers(dense)[1].config.activation = 'elu';
    expect(() => rnn.fromKeras(dense, bin())).toThrow("fromKeras: layer 'dense_Dense6' has activation 'elu'");
    const state = base();
    (layers(state)[0].config.layer as { config: Record<string, unknown> }).config.return_state = true;
    expect(() => rnn.fromKeras(state, bin())).toThrow(
      "fromKeras: layer 'bidirectional_Bidirectional1' (LSTM) has return_state: true, which is not supported",
    );
    const gate = base();
    (layers(gate)[0].config.layer as { config: Record<string, unknown> }).config.recurrent_activation = 'relu';
    expect(() => rnn.fromKeras(gate, bin())).toThrow("has recurrent_activation 'relu' (sigmoid or hard_sigmoid are supported)");
    const merge = base();
    layers(merge)[0].config.merge_mode = null;
    expect(() => rnn.fromKeras(merge, bin())).toThrow('has merge_mode null (concat, sum, mul or ave are supported)');
  });

  test('the weights: size against the manifest before reading, missing names, dtypes, quantization, types', () => {
    expect(() => rnn.fromKeras(base(), bin().slice(4))).toThrow(
      /^fromKeras: the manifest describes \d+ bytes of weights, but weightData holds \d+$/,
    );
    const renamed = base();
    renamed.weightsManifest[0].weights[6].name = 'other/kernel';
    expect(() => rnn.fromKeras(renamed, bin())).toThrow(
      "fromKeras: layer 'dense_Dense6' needs a weight 'dense_Dense6/kernel' in the manifest",
    );
    const f16 = base();
    f16.weightsManifest[0].weights[0].dtype = 'float16';
    expect(() => rnn.fromKeras(f16, bin())).toThrow('has dtype float16; only float32 is supported');
    const q = base();
    q.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 };
    expect(() => rnn.fromKeras(q, bin())).toThrow('is quantized; only float32 weights are supported');
    expect(() => rnn.fromKeras(base(), 'bytes' as never)).toThrow(
      'fromKeras: weightData must be an ArrayBuffer or a Uint8Array, got string',
    );
    expect(() => rnn.fromKeras(base(), [bin(), null] as never)).toThrow(
      'fromKeras: weightData[1] must be an ArrayBuffer or a Uint8Array, got null',
    );
  });

  test('masks must be right padding, and no sequence may be fully masked', () => {
    const m = load('masking_gru_dropout');
    const gap = rnn.tensor([1, 1, 1, 0, 0, 0, 2, 2, 2], [1, 3, 3]);
    expect(() => m.forward(gap)).toThrow(
      "KerasModel.forward: the mask of 'masking_Masking1' keeps step 2 of sequence 0 after masking step 1; only right padding (masked steps at the end) is supported",
    );
    expect(() => m.forward(rnn.zeros([2, 3, 3]))).toThrow("KerasModel.forward: 'masking_Masking1' masks every step of sequence 0");
    const e = load('embedding_mask_zero_lstm');
    expect(() => e.forward([[3, 0, 4]])).toThrow("the mask of 'embedding_Embedding1' keeps step 2 of sequence 0 after masking step 1");
  });
});
