// Hundreds of bad calls against every public entry point, as a careless or hostile user makes
// them. Each row names the call and the fragments its error must contain (the entry point and
// the argument); every one must throw a plain Error — never a raw engine TypeError or RangeError,
// never silence — and afterwards the library must give bit-identical results on a fixed model.
import { describe, test, expect, beforeAll } from 'vitest';
import * as rnn from '../src/node.js';
import { fingerprint } from './fingerprint.js';
import { ops } from '../src/node.js';

await rnn.init(); // the rows below build models and tensors

type Row = { label: string; call: () => unknown; want: string[] };
const rows: Row[] = [];
const add = (label: string, call: () => unknown, ...want: string[]) => rows.push({ label, call, want });
const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? '[]' : v && typeof v === 'object' ? '{}' : String(v));

// bad values by kind of option, written out
const BAD: Record<string, unknown[]> = {
  size: [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, '8', null, true, [], {}, 2 ** 25],
  count: [0, -1, 1.5, Number.NaN, '2', null, false],
  bool: ['true', 'false', 1, 0, null, [], {}],
  prob: [-0.1, 1, 1.5, Number.NaN, '0.5', null, true],
  number: [Number.NaN, Number.POSITIVE_INFINITY, '1', null, true, {}],
  nonneg: [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, '0', null],
  reduction: ['avg', 'MEAN', 'Sum', 1, null, true],
  tensor: [[1, 2], 3, 'h', {}, true],
  lengths: ['abc', 3, {}, true],
};

/** Every option of `spec` with every bad value of its kind; misspelt keys; non-object options. */
function options(
  op: string,
  make: (o: unknown) => unknown,
  base: Record<string, unknown>,
  spec: Record<string, string | unknown[]>,
  typos: Record<string, string>,
  optionsArg = 'options',
) {
  for (const [key, kind] of Object.entries(spec)) {
    const values = typeof kind === 'string' ? BAD[kind] : kind;
    for (const v of values) add(`${op} ${key}: ${show(v)}`, () => make({ ...base, [key]: v }), `${op}: `, key);
  }
  for (const [typo, right] of Object.entries(typos)) {
    add(
      `${op} typo ${typo}`,
      () => make({ ...base, [typo]: base[right] ?? 1 }),
      `${op}: unknown option '${typo}'`,
      `did you mean '${right}'`,
    );
  }
  for (const v of [null, 'x', [], true])
    add(`${op} ${optionsArg} ${show(v)}`, () => make(v), `${op}: ${optionsArg} must be an options object`);
}

const RECURRENT = {
  inputSize: 'size',
  hiddenSize: 'size',
  numLayers: 'count',
  bias: 'bool',
  batchFirst: 'bool',
  bidirectional: 'bool',
  dropout: 'prob',
};
const RTYPOS = { numLayer: 'numLayers', hidenSize: 'hiddenSize', batchfirst: 'batchFirst', bidirectinal: 'bidirectional' };
const base = { inputSize: 3, hiddenSize: 4 };
options(
  'RNN',
  (o) => new rnn.RNN(o as never),
  base,
  { ...RECURRENT, nonlinearity: ['sigmoid', 'TANH', 1, null], init: ['xavier', null, 3] },
  RTYPOS,
);
options(
  'LSTM',
  (o) => new rnn.LSTM(o as never),
  base,
  { ...RECURRENT, peephole: 'bool', projSize: [-1, 1.5, 'x', 4, 5, null], forgetBias: 'number' },
  RTYPOS,
);
options('GRU', (o) => new rnn.GRU(o as never), base, { ...RECURRENT, resetAfter: 'bool' }, { ...RTYPOS, resetafter: 'resetAfter' });
options(
  'JordanRNN',
  (o) => new rnn.JordanRNN(o as never),
  { ...base, outputSize: 2 },
  {
    inputSize: 'size',
    hiddenSize: 'size',
    outputSize: 'size',
    outputActivation: ['relu', 'constructor', '__proto__', 3],
    nonlinearity: ['sigmoid', null],
    bias: 'bool',
    batchFirst: 'bool',
  },
  { outputSize_: 'outputSize', outputactivation: 'outputActivation' },
);
options(
  'ClockworkRNN',
  (o) => new rnn.ClockworkRNN(o as never),
  base,
  { ...RECURRENT, periods: [[], [0, 1], [1, 1], [2, 1], [1, 2.5], 'x', null, 3], nonlinearity: ['sigmoid', null] },
  { ...RTYPOS, period: 'periods' },
);
options(
  'SCRN',
  (o) => new rnn.SCRN(o as never),
  { ...base, contextSize: 2 },
  { ...RECURRENT, contextSize: 'size', alpha: [-0.1, 1.5, Number.NaN, '0.9', null], nonlinearity: ['relu', null] },
  { ...RTYPOS, contextsize: 'contextSize' },
);
options(
  'MemoryNetwork',
  (o) => new rnn.MemoryNetwork(o as never),
  { vocabSize: 9, embeddingDim: 4, memorySize: 3, answerSize: 2 },
  {
    vocabSize: 'size',
    embeddingDim: 'size',
    memorySize: 'size',
    answerSize: 'size',
    hops: 'count',
    positionEncoding: 'bool',
    temporalEncoding: 'bool',
  },
  { hop: 'hops', memorysize: 'memorySize' },
);
options(
  'Linear',
  (o) => new rnn.Linear(o as never),
  { inFeatures: 3, outFeatures: 2 },
  { inFeatures: 'size', outFeatures: 'size', bias: 'bool' },
  { inFeature: 'inFeatures', outfeatures: 'outFeatures' },
);
options(
  'Embedding',
  (o) => new rnn.Embedding(o as never),
  { numEmbeddings: 5, embeddingDim: 2 },
  { numEmbeddings: 'size', embeddingDim: 'size' },
  { embeddingDims: 'embeddingDim' },
);
options('Dropout', (o) => new rnn.Dropout(o as never), {}, { p: 'prob' }, { P: 'p' });
for (const [Cell, name] of [
  [rnn.RNNCell, 'RNNCell'],
  [rnn.LSTMCell, 'LSTMCell'],
  [rnn.GRUCell, 'GRUCell'],
] as const) {
  options(
    name,
    (o) => new (Cell as new (o: never) => unknown)(o as never),
    base,
    { inputSize: 'size', hiddenSize: 'size', bias: 'bool' },
    { inputsize: 'inputSize' },
  );
}
options(
  'Attention',
  (o) => new rnn.Attention(o as never),
  { kind: 'general', querySize: 3, keySize: 4 },
  { kind: ['cosine', 'DOT', 3, null], querySize: 'size', keySize: 'size', hiddenSize: 'size' },
  { keysize: 'keySize' },
);
options(
  'Seq2Seq',
  (o) => new rnn.Seq2Seq(o as never),
  { srcVocab: 9, tgtVocab: 9, hiddenSize: 4, embeddingDim: 3 },
  {
    srcVocab: 'size',
    tgtVocab: 'size',
    embeddingDim: 'size',
    hiddenSize: 'size',
    encoder: ['transformer', 3],
    encoderLayers: 'count',
    bidirectional: 'bool',
    decoder: ['rnn', 3],
    attention: ['luong', true],
    bos: [-1, 1.5, 'x', 9],
    eos: [-2, 'x', 99],
    pad: [-1, 0.5],
  },
  { srcVocabSize: 'srcVocab', atention: 'attention' },
);
options(
  'NTM',
  (o) => new rnn.NTM(o as never),
  { inputSize: 3, outputSize: 2, controllerSize: 4, memorySize: 5, memoryWidth: 3 },
  {
    inputSize: 'size',
    outputSize: 'size',
    controllerSize: 'size',
    controller: ['gru', 3],
    memorySize: 'size',
    memoryWidth: 'size',
    readHeads: 'count',
    writeHeads: [-1, 1.5, 'x'],
    shiftRange: [-1, 0.5, 3, 'x'],
  },
  { memorysize: 'memorySize', readHead: 'readHeads' },
);

// forward calls
const lstm = new rnn.LSTM({ inputSize: 3, hiddenSize: 4 });
const x = rnn.randn([2, 5, 3]);
options(
  'LSTM',
  (o) => lstm.forward(x, o as never),
  {},
  { h0: 'tensor', c0: 'tensor', lengths: 'lengths' },
  { lenghts: 'lengths', ho: 'h0' },
);
for (const v of [null, [1, 2], 3, 'x', {}]) add(`LSTM.forward x ${show(v)}`, () => lstm.forward(v as never), 'LSTM: x must be');
for (const shape of [
  [2, 5],
  [2, 5, 4],
  [2, 5, 3, 1],
  [0, 5, 3],
  [2, 0, 3],
])
  add(`LSTM.forward x ${shape}`, () => lstm.forward(rnn.zeros(shape)), 'LSTM: x must');
for (const l of [[6, 1], [0, 2], [1.5, 2], [2], [1, 2, 3], [-1, 2], [Number.NaN, 1]])
  add(`LSTM lengths ${l}`, () => lstm.forward(x, { lengths: l }), 'LSTM: lengths');
for (const s of [
  [1, 3, 4],
  [2, 2, 4],
  [1, 2, 5],
  [2, 4],
])
  add(`LSTM h0 ${s}`, () => lstm.forward(x, { h0: rnn.zeros(s) }), 'LSTM: h0 must be');
const gru = new rnn.GRU({ inputSize: 3, hiddenSize: 4 });
add('GRU c0', () => gru.forward(x, { c0: rnn.zeros([1, 2, 4]) }), 'GRU: c0 is only for LSTM');
const nanX = rnn.zeros([2, 5, 3]);
nanX.data[4] = Number.NaN;
add('LSTM NaN x', () => lstm.forward(nanX), 'LSTM: x contains NaN at flat index 4');
const jordan = new rnn.JordanRNN({ inputSize: 3, hiddenSize: 4, outputSize: 2 });
options('JordanRNN', (o) => jordan.forward(x, o as never), {}, { h0: 'tensor', lengths: 'lengths' }, { lenghts: 'lengths' });
const clockwork = new rnn.ClockworkRNN({ inputSize: 3, hiddenSize: 4, periods: [1, 2] });
options('ClockworkRNN', (o) => clockwork.forward(x, o as never), {}, { h0: 'tensor', lengths: 'lengths' }, { lenghts: 'lengths' });
add('ClockworkRNN h0 shape', () => clockwork.forward(x, { h0: rnn.zeros([1, 2, 3]) }), 'ClockworkRNN: h0 must be');
add('ClockworkRNN NaN x', () => clockwork.forward(nanX), 'ClockworkRNN: x contains NaN at flat index 4');
const scrn = new rnn.SCRN({ inputSize: 3, hiddenSize: 4, contextSize: 2 });
options('SCRN', (o) => scrn.forward(x, o as never), {}, { h0: 'tensor', lengths: 'lengths' }, { lenghts: 'lengths' });
add('SCRN h0 without the context', () => scrn.forward(x, { h0: rnn.zeros([1, 2, 4]) }), 'SCRN: h0 must be');
add('SCRN lengths past T', () => scrn.forward(x, { lengths: [5, 6] }), 'SCRN: lengths');
const memNet = new rnn.MemoryNetwork({ vocabSize: 9, embeddingDim: 4, memorySize: 3, answerSize: 2 });
add('MemoryNetwork story id', () => memNet.forward([[[1, 9]]], [[1]]), 'MemoryNetwork: story ids must be integers in [0, 8]');
add(
  'MemoryNetwork story NaN',
  () => memNet.forward([[[1, Number.NaN]]], [[1]]),
  'MemoryNetwork: story ids must be integers in [0, 8] (0 = padding), got NaN',
);
add(
  'MemoryNetwork question rank',
  () => memNet.forward([[[1, 2]]], [1, 2] as never),
  'MemoryNetwork: question must be a Tensor or nested arrays of rank 2',
);
add(
  'MemoryNetwork batch mismatch',
  () => memNet.forward([[[1, 2]]], [[1], [2]]),
  'MemoryNetwork: question must be [1, W] (one per story), got [2,1]',
);
const cell = new rnn.LSTMCell({ inputSize: 3, hiddenSize: 4 });
add(
  'LSTMCell bare tensor state',
  () => cell.forward(rnn.zeros([2, 3]), rnn.zeros([2, 4]) as never),
  'LSTMCell: state must be an options object',
);
add(
  'LSTMCell state typo',
  () => cell.forward(rnn.zeros([2, 3]), { hidden: rnn.zeros([2, 4]) } as never),
  "LSTMCell: unknown option 'hidden' in state",
);
add('LSTMCell x shape', () => cell.forward(rnn.zeros([2, 4])), 'LSTMCell: x must be [B,3]');
const att = new rnn.Attention({ kind: 'dot' });
options(
  'Attention',
  (o) => att.forward(rnn.zeros([2, 4]), rnn.zeros([2, 5, 4]), null, o as never),
  {},
  { lengths: 'lengths' },
  { lenghts: 'lengths', masks: 'mask' },
);
add(
  'Attention mask size',
  () => att.forward(rnn.zeros([2, 4]), rnn.zeros([2, 5, 4]), null, { mask: [1, 0] }),
  'Attention: mask must be [2,5]',
);
add(
  'Attention mask value',
  () => att.forward(rnn.zeros([1, 4]), rnn.zeros([1, 2, 4]), null, { mask: [1, 2] }),
  'Attention: mask[1] must be 0 or 1',
);
add('Attention keys', () => att.forward(rnn.zeros([2, 4]), rnn.zeros([2, 4])), 'Attention: keys must be [B,Tk,Hk]');
const s2s = new rnn.Seq2Seq({ srcVocab: 9, tgtVocab: 9, hiddenSize: 4, embeddingDim: 3 });
options(
  'Seq2Seq.greedy',
  (o) => s2s.greedy([[3, 4]], o as never),
  {},
  { maxLength: [0, Number.POSITIVE_INFINITY, 1.5, 'x', 1e9, null] },
  { maxlength: 'maxLength' },
);
options(
  'Seq2Seq.beamSearch',
  (o) => s2s.beamSearch([[3, 4]], o as never),
  {},
  { beamWidth: 'count', maxLength: [0, Number.POSITIVE_INFINITY], lengthPenalty: [-1, Number.NaN, 'x'] },
  { beamWidht: 'beamWidth' },
);
options(
  'Seq2Seq.loss',
  (o) => s2s.loss([[3]], [[4]], o as never),
  {},
  { teacherForcingRatio: [2, -1, 'x', Number.NaN] },
  { teacherForcing: 'teacherForcingRatio' },
);
for (const [src, want] of [
  [[[9]], 'src[0][0] must be a token id in [0, 8], got 9'],
  [[[3, -1]], 'src[0][1]'],
  [[[3], [1.5]], 'src[1][0]'],
  [[[]], 'src[0] must be a non-empty token array'],
  ['x', 'src must be a non-empty array'],
  [[], 'src must be a non-empty array'],
] as const) {
  add(`Seq2Seq.greedy src ${JSON.stringify(src)}`, () => s2s.greedy(src as never), `Seq2Seq: ${want}`);
}
add('Seq2Seq.loss tgt token', () => s2s.loss([[3], [4]], [[3], [4, 10]]), 'Seq2Seq: tgt[1][1] must be a token id in [0, 8], got 10');
add('Seq2Seq.loss src null', () => s2s.loss(null as never, [[3]]), 'Seq2Seq: src must be a non-empty array of token arrays');
add('Seq2Seq.loss tgt count', () => s2s.loss([[3], [4]], [[3]]), 'Seq2Seq: tgt must hold one sequence per source (2), got 1');

// losses and decoders
const logits = rnn.randn([2, 3, 4]);
const targets = [0, 1, 2, 3, 0, 1];
options(
  'crossEntropy',
  (o) => rnn.crossEntropy(logits, targets, o as never),
  {},
  { reduction: 'reduction', ignoreIndex: [1.5, '0', Number.NaN, null], labelSmoothing: [1, -0.1, Number.NaN, '0.1'] },
  { ignoreindex: 'ignoreIndex', label_smoothing: 'labelSmoothing' },
);
for (const [t, want] of [
  [[0, 1, 2], 'targets must hold 6 class indices'],
  [[0, 1, 2, 3, 0, 4], 'targets[5]'],
  [[0, 1, 2, 3, 0, 1.5], 'targets[5] must be an integer'],
  ['abc', 'targets must be'],
  [null, 'targets must be'],
] as const) {
  add(`crossEntropy targets ${JSON.stringify(t)}`, () => rnn.crossEntropy(logits, t as never), `crossEntropy: ${want}`);
}
add('crossEntropy mask size', () => rnn.crossEntropy(logits, targets, { mask: [1, 0] }), 'crossEntropy: mask must have 6 entries');
add('crossEntropy logits', () => rnn.crossEntropy(rnn.zeros([4]), [0]), 'crossEntropy: logits must be [B,C] or [B,T,C]');
options('mse', (o) => rnn.mse(rnn.zeros([2]), rnn.zeros([2]), o as never), {}, { reduction: 'reduction' }, { reduce: 'reduction' });
add('mse shapes', () => rnn.mse(rnn.zeros([2]), rnn.zeros([3])), 'mse: pred [2] and target [3] must have the same shape');
add('mse NaN target', () => rnn.mse(rnn.zeros([2]), rnn.tensor([0, Number.NaN])), 'mse: target contains NaN');
options(
  'bceWithLogits',
  (o) => rnn.bceWithLogits(rnn.zeros([2]), rnn.zeros([2]), o as never),
  {},
  { reduction: 'reduction', posWeight: [-1, Number.NaN, 'x'] },
  { posweight: 'posWeight' },
);
add('bce target range', () => rnn.bceWithLogits(rnn.zeros([2]), rnn.tensor([0, 2])), 'bceWithLogits: targets[1] must be in [0, 1]');
const lp = rnn.noGrad(() => ops.logSoftmax(rnn.randn([6, 2, 4]), -1));
options(
  'ctcLoss',
  (o) => rnn.ctcLoss(lp, [[1], [2, 3]], [6, 6], [1, 2], o as never),
  {},
  { blank: [-1, 1.5, 'x'], reduction: 'reduction', zeroInfinity: 'bool' },
  { zero_infinity: 'zeroInfinity' },
);
add(
  'ctcLoss blank range',
  () => rnn.ctcLoss(lp, [[1], [2, 3]], [6, 6], [1, 2], { blank: 4 }),
  'ctcLoss: blank must be an integer in [0, 3]',
);
add('ctcLoss inputLengths', () => rnn.ctcLoss(lp, [[1], [2, 3]], [7, 6], [1, 2]), 'ctcLoss: inputLengths');
options('ctcGreedyDecode', (o) => rnn.ctcGreedyDecode(lp, undefined, o as never), {}, { blank: [-1, 4, 'x'] }, { Blank: 'blank' });
options(
  'ctcBeamSearch',
  (o) => rnn.ctcBeamSearch(lp, undefined, o as never),
  {},
  { beamWidth: 'count', blank: [-1, 4], lm: ['lm', 3, {}], lmWeight: 'number', insertionBonus: 'number' },
  { beamwidth: 'beamWidth' },
);

// optimisers, schedulers, clipping
const params = new rnn.Linear({ inFeatures: 2, outFeatures: 2 }).parameters();
const optimisers = { SGD: rnn.SGD, Adam: rnn.Adam, AdamW: rnn.AdamW, RMSprop: rnn.RMSprop, Adagrad: rnn.Adagrad } as const;
const extras: Record<string, Record<string, string | unknown[]>> = {
  SGD: { momentum: 'nonneg', dampening: [-1, 2, 'x'], nesterov: 'bool' },
  Adam: { betas: [[1, 0.9], [0.9], 0.9, 'x', [0.9, -1]], eps: 'nonneg', amsgrad: 'bool' },
  AdamW: { betas: [[0.9, 1]], eps: 'nonneg', amsgrad: 'bool' },
  RMSprop: { alpha: [-1, 2, 'x'], eps: 'nonneg', momentum: 'nonneg', centered: 'bool' },
  Adagrad: { lrDecay: 'nonneg', eps: 'nonneg', initialAccumulatorValue: 'nonneg' },
};
for (const [name, Opt] of Object.entries(optimisers)) {
  const make = (o: unknown) => new (Opt as new (p: rnn.Tensor[], o: unknown) => unknown)(params, o);
  options(name, make, {}, { lr: 'nonneg', weightDecay: 'nonneg', ...extras[name] }, { learning_rate: 'lr', weightdecay: 'weightDecay' });
  for (const p of [[], null, 'params', [1, 2], [params[0], {}]])
    add(`${name} params ${show(p)}`, () => new (Opt as new (p: unknown) => unknown)(p), `${name}: params`);
  add(`${name} positional lr -1`, () => make(-1), `${name}: lr`);
}
add('SGD nesterov without momentum', () => new rnn.SGD(params, { nesterov: true }), 'SGD: nesterov needs momentum > 0');
const sgd = new rnn.SGD(params, 0.1);
options(
  'StepLR',
  (o) => new rnn.StepLR(sgd, o as never),
  { stepSize: 2 },
  { stepSize: [0, 1.5, 'x', null], gamma: [0, -1, 'x'] },
  { step_size: 'stepSize' },
);
options('ExponentialLR', (o) => new rnn.ExponentialLR(sgd, o as never), { gamma: 0.9 }, { gamma: [0, -1, 'x', null] }, { Gamma: 'gamma' });
options(
  'CosineAnnealingLR',
  (o) => new rnn.CosineAnnealingLR(sgd, o as never),
  { tMax: 10 },
  { tMax: [0, -1, 'x'], etaMin: [-1, 'x'] },
  { tmax: 'tMax' },
);
for (const S of [rnn.StepLR, rnn.ExponentialLR])
  add(
    `${S.name} optimizer {}`,
    () => new (S as new (o: unknown, p: unknown) => unknown)({}, { stepSize: 1, gamma: 0.5 }),
    `${S.name}: optimizer must be an Optimizer`,
  );
for (const v of [-1, 0, Number.NaN, 'x', null])
  add(`clipGradNorm maxNorm ${show(v)}`, () => rnn.clipGradNorm(params, v as never), 'clipGradNorm: maxNorm');
for (const v of [-1, Number.NaN, 'x', null])
  add(`clipGradValue clipValue ${show(v)}`, () => rnn.clipGradValue(params, v as never), 'clipGradValue: clipValue');
for (const p of ['x', null, [1], [params[0], 'x']])
  add(`clipGradNorm params ${show(p)}`, () => rnn.clipGradNorm(p as never, 1), 'clipGradNorm: params');
add(
  'clipGradNorm typo',
  () => rnn.clipGradNorm(params, 1, { errorIfNonFinite: false } as never),
  "clipGradNorm: unknown option 'errorIfNonFinite'",
  "did you mean 'errorIfNonfinite'",
);
add(
  'grad of the wrong shape',
  () => {
    params[0].grad = rnn.zeros([3]);
  },
  'grad: must be null or a Tensor of shape [2,2]',
);
add(
  'grad not a tensor',
  () => {
    params[0].grad = [1, 2, 3, 4] as never;
  },
  'grad: must be null or a Tensor',
);

// training loops (async: rejections)
const tagger = new rnn.Sequential(
  new rnn.Embedding({ numEmbeddings: 5, embeddingDim: 3 }),
  new rnn.GRU({ inputSize: 3, hiddenSize: 4 }),
  new rnn.Linear({ inFeatures: 4, outFeatures: 3 }),
);
const data = {
  inputs: [
    [1, 2],
    [3, 4, 1],
  ],
  targets: [0, 2],
};
options(
  'fit',
  (o) => rnn.fit(tagger, data, o as never),
  {},
  {
    epochs: 'count',
    batchSize: 'count',
    shuffle: 'bool',
    seed: [1.5, 'x', Number.NaN],
    clipNorm: [0, -1, 'x', Number.NaN],
    clipValue: [-1, 'x'],
    loss: ['mae', 3, null],
    optimizer: [{}, 'adam', 3],
    scheduler: [{}, 3],
    onProgress: ['log', 3],
    earlyStopping: [{}, { patience: 0 }, { patience: 2, minDelta: -1 }, { patience: 2, foo: 1 }, 3],
    skipNonFinite: 'bool',
    signal: [{}, 3, 'x'],
  },
  { epoch: 'epochs', batch_size: 'batchSize' },
);
add('fit learningRate', () => rnn.fit(tagger, data, { learningRate: 0.1 } as never), "fit: unknown option 'learningRate'", 'optimizer');
add('LSTM numLayers 2000', () => new rnn.LSTM({ ...base, numLayers: 2000 }), 'LSTM: numLayers must be at most 1024');
for (const m of [{}, null, 'model', 3]) add(`fit model ${show(m)}`, () => rnn.fit(m as never, data), 'fit: model must be a Module');
for (const [d, want] of [
  [{ inputs: [[1]], targets: [] }, 'inputs has 1 sequences but targets has 0'],
  [{ inputs: [], targets: [] }, 'is empty'],
  [null, 'must be { inputs'],
  [{ inputs: [[1, 2], []], targets: [0, 1] }, 'inputs[1] must be a non-empty array'],
  [{ inputs: [[1, 7]], targets: [0] }, 'inputs[0][1] must be an integer in [0, 4], got 7'],
  [{ inputs: [[1], [2]], targets: [0, 5] }, 'targets[1] must be a class in [0, 2], got 5'],
  [{ inputs: [[1], [2]], targets: [0, 1.5] }, 'targets[1] must be a class'],
] as const) {
  add(`fit data ${JSON.stringify(d)}`, () => rnn.fit(tagger, d as never, { shuffle: false }), `fit: `, want);
}
const regressor = new rnn.Sequential(new rnn.LSTM({ inputSize: 2, hiddenSize: 3 }), new rnn.Linear({ inFeatures: 3, outFeatures: 2 }));
add(
  'fit mse width',
  () =>
    rnn.fit(
      regressor,
      {
        inputs: [[[1, 2]], [[3, 4]]],
        targets: [
          [1, 2],
          [1, 2, 3],
        ],
      },
      { loss: 'mse', shuffle: false },
    ),
  'fit: targets[1] must be 2 finite numbers',
);
options(
  'evaluate',
  (o) => rnn.evaluate(tagger, data, o as never),
  {},
  { batchSize: 'count', loss: ['mae', 3] },
  { batchsize: 'batchSize' },
);
options('predict', (o) => rnn.predict(tagger, data.inputs, o as never), {}, { batchSize: 'count' }, { batch: 'batchSize' });
add('predict inputs', () => rnn.predict(tagger, [] as never), 'predict: inputs must be a non-empty array');

// tensors and ops
for (const s of [[2, -1], [1.5], ['2'], 'x', [2 ** 16, 2 ** 16]])
  add(`zeros shape ${JSON.stringify(s)}`, () => rnn.zeros(s as never), 'zeros: shape');
options('zeros', (o) => rnn.zeros([2], o as never), {}, { requiresGrad: 'bool' }, { requires_grad: 'requiresGrad' });
options(
  'randn',
  (o) => rnn.randn([2], o as never),
  {},
  { requiresGrad: 'bool', mean: 'number', std: [-1, Number.NaN, 'x'] },
  { Std: 'std' },
);
add('tensor element', () => rnn.tensor([1, 'a'] as never), 'tensor: element 1 must be a number');
add('tensor ragged', () => rnn.tensor([[1, 2], [3]]), 'tensor: ragged nested array');
add('tensor shape', () => rnn.tensor([1, 2, 3], [2, 2]), 'tensor: data has 3 elements but shape [2,2] needs 4');
add('uniform range', () => rnn.uniform([2], 1, 0), 'uniform: low and high');
const t23 = rnn.randn([2, 3]);
for (const a of [2, -3, 1.5, 'x']) add(`sum axis ${show(a)}`, () => ops.sum(t23, a as never), 'sum: axis');
for (const a of [2, 1.5]) add(`softmax axis ${show(a)}`, () => ops.softmax(t23, a), 'softmax: axis');
add('sum keepDim', () => ops.sum(t23, 0, 'yes' as never), 'sum: keepDim must be true or false');
add('matmul b', () => ops.matmul(t23, 'b' as never), 'matmul: b must be a Tensor');
add('matmul inner', () => ops.matmul(t23, t23), 'matmul: inner dimensions differ');
add('reshape', () => ops.reshape(t23, [7]), 'reshape: cannot reshape [2,3]');
add('reshape two -1', () => ops.reshape(t23, [-1, -1]), 'reshape: at most one -1');
add('concat', () => ops.concat([t23, rnn.zeros([3, 3])], 1), 'concat: shapes [2,3] and [3,3] differ');
add('add broadcast', () => ops.add(t23, rnn.zeros([4])), 'add: shapes [2,3] and [4] cannot be broadcast');
add('backward shape', () => ops.mul(rnn.randn([2], { requiresGrad: true }), 2).backward([1]), 'backward: grad must have 2 elements');
add('backward no grad', () => rnn.zeros([1]).backward(), 'backward: this tensor does not require grad');
add('item', () => t23.item(), 'item: tensor must have one element');

// saving and loading
for (const v of [null, 3, 'x', {}, { format: 'rnn-wasm', version: 2 }]) add(`load ${show(v)}`, () => rnn.load(v as never), 'load: ');
options(
  'load',
  (o) => rnn.load(rnn.save(new rnn.Dropout()), o as never),
  {},
  { maxParameters: [0, -1, 1.5, 'x', 2 ** 40] },
  { maxParams: 'maxParameters' },
);
add('save', () => rnn.save({} as never), 'save: model must be a Module');
add('loadStateDict key', () => lstm.loadStateDict({ weight_ih_l0: rnn.zeros([16, 3]) }), "loadStateDict: missing key 'weight_hh_l0'");
options('loadStateDict', (o) => lstm.loadStateDict(lstm.stateDict(), o as never), {}, { strict: 'bool' }, { Strict: 'strict' });

// safetensors and the worker helper
for (const v of [null, 'x', 3, {}, [1, 2]]) add(`fromSafetensors ${show(v)}`, () => rnn.fromSafetensors(v as never), 'fromSafetensors: ');
for (const n of [0, 3, 7]) add(`fromSafetensors ${n} bytes`, () => rnn.fromSafetensors(new Uint8Array(n)), 'fromSafetensors: ');
options('toSafetensors', (o) => rnn.toSafetensors(lstm, o as never), {}, { metadata: [{ a: 1 }, 'x', [], null] }, { meta: 'metadata' });
add('toSafetensors not a dict', () => rnn.toSafetensors({ w: [1, 2] } as never), "toSafetensors: 'w' must be a Tensor");
options('save', (o) => rnn.save(lstm, o as never), {}, { metadata: [{ a: 1 }, 'x', null] }, { metaData: 'metadata' });
// ONNX in and out
const onnxModel = rnn.fromOnnx(
  rnn.toOnnx(new rnn.Sequential(new rnn.GRU({ inputSize: 3, hiddenSize: 4 }), new rnn.Linear({ inFeatures: 4, outFeatures: 2 }))),
);
for (const v of [null, 'x', 3, {}, [1, 2]])
  add(`fromOnnx ${show(v)}`, () => rnn.fromOnnx(v as never), 'fromOnnx: bytes must be a Uint8Array');
add('fromOnnx 0 bytes', () => rnn.fromOnnx(new Uint8Array(0)), 'fromOnnx: bytes is empty');
for (const n of [1, 5, 11])
  add(`fromOnnx ${n} bytes of 0xff`, () => rnn.fromOnnx(new Uint8Array(n).fill(0xff)), 'fromOnnx: malformed protobuf');
add('fromOnnx text', () => rnn.fromOnnx(new TextEncoder().encode('{"not": "onnx"}')), 'fromOnnx: ');
options(
  'fromOnnx',
  (o) => rnn.fromOnnx(rnn.toOnnx(lstm), o as never),
  {},
  { maxParameters: [-1, 1.5, 'x', null] },
  { maxParams: 'maxParameters' },
);
add(
  'fromOnnx maxParameters too small',
  () => rnn.fromOnnx(rnn.toOnnx(lstm), { maxParameters: 10 }),
  'fromOnnx: tensor',
  'exceed the remaining budget',
);
options(
  'toOnnx',
  (o) => rnn.toOnnx(lstm, o as never),
  {},
  {
    opset: [12, 22, 1.5, '17', null],
    dynamicBatch: 'bool',
    dynamicTime: 'bool',
    lengths: 'bool',
    batchSize: 'size',
    seqLen: 'size',
    metadata: [{ a: 1 }, 'x', null],
  },
  { opSet: 'opset', dynamic_batch: 'dynamicBatch', seqLength: 'seqLen' },
);
for (const v of [null, 3, {}, rnn.zeros([2])])
  add(`toOnnx model ${show(v)}`, () => rnn.toOnnx(v as never), 'toOnnx: model must be a Module');
add(
  'toOnnx ClockworkRNN',
  () => rnn.toOnnx(new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 4 })),
  'toOnnx: model is a ClockworkRNN, which has no ONNX export',
);
add(
  'toOnnx SCRN in a Sequential',
  () => rnn.toOnnx(new rnn.Sequential(new rnn.SCRN({ inputSize: 2, hiddenSize: 3, contextSize: 2 }))),
  'toOnnx: 0 is a SCRN, which has no ONNX export',
);
add(
  'toOnnx Bidirectional ClockworkRNN',
  () => rnn.toOnnx(new rnn.Bidirectional(new rnn.ClockworkRNN({ inputSize: 2, hiddenSize: 4 }))),
  'toOnnx: forward_layer is a ClockworkRNN, which has no ONNX export',
);
add(
  'toOnnx JordanRNN',
  () => rnn.toOnnx(new rnn.JordanRNN({ inputSize: 2, hiddenSize: 3, outputSize: 2 })),
  'toOnnx: model is a JordanRNN, which has no ONNX export',
);
add(
  'toOnnx imported at another opset',
  () => rnn.toOnnx(onnxModel, { opset: 13 }),
  'toOnnx: an imported model is written back at its own opset 17',
);
options('OnnxModule.forward', (o) => onnxModel.forward(rnn.zeros([2, 3, 3]), o as never), {}, { inputs: [] }, { input: 'inputs' });
add(
  'OnnxModule.forward shape',
  () => onnxModel.forward(rnn.zeros([2, 3, 5])),
  'OnnxModule.forward: x must have shape [batch, time, 3], got [2,3,5]',
);
add(
  'OnnxModule.forward NaN',
  () => onnxModel.forward(rnn.full([1, 2, 3], Number.NaN)),
  'OnnxModule.forward: x contains NaN at flat index 0',
);
for (const v of [null, 'x', 3])
  add(`OnnxModule.forward x ${show(v)}`, () => onnxModel.forward(v as never), 'OnnxModule.forward: x must be a Tensor or an array');
for (const v of [null, 3, [], '{', '{}']) add(`fromKeras modelJson ${show(v)}`, () => rnn.fromKeras(v, new Uint8Array(0)), 'fromKeras: ');
add(
  'fromKeras Conv1D',
  () =>
    rnn.fromKeras(
      {
        modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Conv1D', config: { name: 'c' } }] } },
        weightsManifest: [],
      },
      new Uint8Array(0),
    ),
  "fromKeras: layer 'c' is a Conv1D, which is not supported",
);
add(
  'fromKeras weight bytes',
  () =>
    rnn.fromKeras(
      {
        modelTopology: { class_name: 'Sequential', config: { layers: [] } },
        weightsManifest: [{ paths: [], weights: [{ name: 'd/kernel', shape: [2, 2], dtype: 'float32' }] }],
      },
      new Uint8Array(3),
    ),
  'fromKeras: the manifest describes 16 bytes of weights, but weightData holds 3',
);
for (const M of [rnn.Softmax, rnn.LogSoftmax])
  options(M.name, (o) => new M(o as never), {}, { dim: [1.5, 'x', null, 99] }, { axis: 'dim' });

const fakeWorker = { postMessage() {}, addEventListener() {}, removeEventListener() {} };
options(
  'fitInWorker',
  (o) => rnn.fitInWorker(fakeWorker, tagger, data, o as never),
  {},
  { onProgress: ['log', 3] },
  { onProgres: 'onProgress' },
);
for (const w of [null, {}, 'worker', 3])
  add(`fitInWorker worker ${show(w)}`, () => rnn.fitInWorker(w as never, tagger, data), 'fitInWorker: worker must be a Worker');

// init (async)
options(
  'init',
  (o) => rnn.init(o as never),
  {},
  { threads: [0, 65, 1.5, '2', null], simd: 'bool', relaxedSimd: 'bool' },
  { thread: 'threads', relaxedSIMD: 'relaxedSimd' },
);
add('init again with other options', () => rnn.init({ threads: 2 }), 'init() was already called with {}');

describe('bad calls', () => {
  let before: number[];
  beforeAll(() => {
    before = fingerprint(rnn.LSTM);
  });
  test(`the table holds at least 300 calls (${rows.length})`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
  });
  test.each(rows.map((r) => [r.label, r] as const))('%s', async (_label, row) => {
    let error: unknown = null;
    try {
      await row.call();
    } catch (e) {
      error = e;
    }
    expect(error, 'the call did not throw').not.toBeNull();
    expect((error as Error).constructor, `a plain Error, not ${(error as Error).constructor?.name}: ${(error as Error).message}`).toBe(
      Error,
    );
    for (const w of row.want) expect((error as Error).message).toContain(w);
  });
  test('afterwards the library gives bit-identical results and the arena is empty', () => {
    expect(fingerprint(rnn.LSTM)).toEqual(before);
    expect(rnn.memoryStats().liveBytes).toBe(0);
  });
});
