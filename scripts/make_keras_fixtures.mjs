// Writes test/fixtures/keras/: small tfjs LayersModels saved with tf.io.withSaveHandler as the
// model.json + weights.bin pair that model.save and tensorflowjs_converter write, and index.json
// with inputs and tfjs's own predict() outputs (at two batch sizes and lengths). Right-padded
// inputs exercise Masking and Embedding(maskZero). Run: node scripts/make_keras_fixtures.mjs
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';

const out = new URL('../test/fixtures/keras/', import.meta.url);
mkdirSync(out, { recursive: true });
await tf.setBackend('cpu');

let seed = 1;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const round = (v) => Number(v.toPrecision(9));

const L = tf.layers;
const F = 3;
const cases = {
  simple_rnn_dense: () => [L.simpleRNN({ units: 5, returnSequences: true, inputShape: [null, F] }), L.dense({ units: 2 })],
  simple_rnn_relu_last: () => [
    L.simpleRNN({ units: 4, activation: 'relu', inputShape: [null, F] }),
    L.dense({ units: 2, activation: 'softmax' }),
  ],
  lstm_hard_sigmoid_time_distributed: () => [
    L.lstm({ units: 6, returnSequences: true, inputShape: [null, F] }),
    L.timeDistributed({ layer: L.dense({ units: 3, activation: 'softmax' }) }),
  ],
  gru_last_relu: () => [L.gru({ units: 5, inputShape: [null, F] }), L.dense({ units: 3, activation: 'relu' })],
  lstm_stacked_sigmoid: () => [
    L.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [null, F] }),
    L.lstm({ units: 4, recurrentActivation: 'sigmoid' }),
    L.dense({ units: 2, activation: 'tanh' }),
  ],
  bi_lstm_concat: () => [
    L.bidirectional({ layer: L.lstm({ units: 4, returnSequences: true }), mergeMode: 'concat', inputShape: [null, F] }),
    L.dense({ units: 2 }),
  ],
  bi_lstm_sum: () => [L.bidirectional({ layer: L.lstm({ units: 4, returnSequences: true }), mergeMode: 'sum', inputShape: [null, F] })],
  bi_gru_mul: () => [L.bidirectional({ layer: L.gru({ units: 3, returnSequences: true }), mergeMode: 'mul', inputShape: [null, F] })],
  bi_simple_rnn_ave_last: () => [L.bidirectional({ layer: L.simpleRNN({ units: 3 }), mergeMode: 'ave', inputShape: [null, F] })],
  bi_gru_concat_last: () => [
    L.bidirectional({ layer: L.gru({ units: 3 }), inputShape: [null, F] }),
    L.dense({ units: 2, activation: 'sigmoid' }),
  ],
  masking_gru_dropout: () => [
    L.masking({ maskValue: 0, inputShape: [null, F] }),
    L.gru({ units: 4, returnSequences: true }),
    L.dropout({ rate: 0.3 }),
    L.dense({ units: 2, activation: 'sigmoid' }),
  ],
  masking_bi_lstm: () => [
    L.masking({ maskValue: 0, inputShape: [null, F] }),
    L.bidirectional({ layer: L.lstm({ units: 3, returnSequences: true }) }),
    L.lstm({ units: 2 }),
  ],
  embedding_mask_zero_lstm: () => [
    L.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [null] }),
    L.lstm({ units: 5, returnSequences: true }),
    L.dense({ units: 10, activation: 'softmax' }),
  ],
  embedding_gru_last: () => [L.embedding({ inputDim: 12, outputDim: 3, inputShape: [null] }), L.gru({ units: 4 }), L.dense({ units: 2 })],
};

/** Inputs [B, T, F] (or ids [B, T]); with `pad`, sequence b is right-padded after its length. */
function makeInput(ids, B, T, pad) {
  const lens = Array.from({ length: B }, (_, b) => (pad ? Math.max(1, T - ((b * 2) % T)) : T));
  const data = [];
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      if (ids) data.push(t < lens[b] ? 1 + Math.floor(rand() * (ids - 1)) : 0);
      else for (let f = 0; f < F; f++) data.push(t < lens[b] ? round(rand() * 2 - 1) : 0);
    }
  return { shape: ids ? [B, T] : [B, T, F], data, lengths: lens };
}

const index = {};
for (const [name, layers] of Object.entries(cases)) {
  const model = tf.sequential({ layers: layers() });
  // non-zero biases, so a wrong bias layout shows
  for (const w of model.weights) {
    if (w.name.endsWith('bias')) w.write(tf.randomUniform(w.shape, -0.3, 0.8, 'float32', 7));
  }
  let saved;
  const handler = async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  };
  await model.save(tf.io.withSaveHandler(handler));
  const bin = `${name}.bin`;
  writeFileSync(new URL(bin, out), Buffer.from(saved.weightData));
  const modelJson = {
    format: 'layers-model',
    generatedBy: saved.generatedBy,
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [bin], weights: saved.weightSpecs }],
  };
  writeFileSync(new URL(`${name}.json`, out), JSON.stringify(modelJson));
  const ids = name.startsWith('embedding') ? model.layers[0].getConfig().inputDim : 0;
  const pad = name.includes('mask');
  const runs = [];
  for (const [B, T] of [
    [3, 6],
    [2, 4],
  ]) {
    const input = makeInput(ids, B, T, pad);
    const y = model.predict(tf.tensor(input.data, input.shape, ids ? 'int32' : 'float32'));
    runs.push({ input, output: { shape: y.shape, data: Array.from(await y.data(), round) } });
  }
  index[name] = { model: `${name}.json`, weights: bin, runs };
}
writeFileSync(new URL('index.json', out), JSON.stringify(index));
console.log('wrote', Object.keys(index).length, 'models to', out.pathname);
