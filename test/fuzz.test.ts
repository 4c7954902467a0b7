// Generated bad arguments (fast-check) against the public entry points: options objects with
// known and unknown keys and values of every type, non-objects in their place, odd tensors. Each
// call must either work or throw a plain Error whose message starts with the entry point's name —
// never a raw engine error, never a hang. From API.md's contract alone (not the code's schema):
// a non-object in place of the options, an unknown key, a non-boolean for a boolean option and a
// non-integer for an integer one must throw, naming the key. Afterwards a fixed model computes
// bit-identical results with the arena empty.
import { describe, test, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import * as rnn from '../src/node.js';
import { fingerprint } from './fingerprint.js';
import { ops } from '../src/node.js';

await rnn.init();

const value = fc.oneof(
  fc.integer({ min: -3, max: 9 }),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(
    null,
    undefined,
    '',
    'tanh',
    'relu',
    'mean',
    'none',
    'lstm',
    'gru',
    'dot',
    'additive',
    '__proto__',
    'constructor',
    'true',
    '3',
  ),
  fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 4 }),
  fc.constantFrom({}, [], () => 1, rnn.zeros([1, 2, 4]), rnn.zeros([2])),
);

/** Options objects over `keys` (plus a few unknown keys), or anything at all in their place. */
const optionsOf = (keys: string[]) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.dictionary(
        fc.oneof(fc.constantFrom(...keys), fc.constantFrom('lenghts', 'numLayer', 'p', 'x', 'toString', 'hasOwnProperty')),
        value,
        { maxKeys: 5 },
      ),
    },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom(null, 3, 0.5, 'x', [], true, rnn.zeros([2])) },
  );

/** What API.md says of a key: 'bool' takes only true/false, 'int' only integers, '' anything it documents. */
type Tag = 'bool' | 'int' | '';
interface Entry {
  op: string;
  keys: Record<string, Tag>;
  call: (o: unknown) => unknown;
  /** A bare number is a documented positional form (Dropout(p), SGD(params, lr)). */
  positional?: boolean;
}

const tags = (spec: string): Record<string, Tag> =>
  Object.fromEntries(
    spec.split(' ').map((k) => (k.endsWith('?') ? [k.slice(0, -1), 'bool'] : k.endsWith('#') ? [k.slice(0, -1), 'int'] : [k, ''])),
  );

/** The keys the contract demands `o` be refused for ([''] for the options themselves; [] when it may pass). */
function mustReject(entry: Entry, o: unknown): string[] {
  if (o === undefined) return [];
  if (typeof o === 'number' && entry.positional) return [];
  if (o === null || typeof o !== 'object' || Array.isArray(o) || o instanceof rnn.Tensor) return [''];
  const bad: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (!Object.hasOwn(entry.keys, k)) bad.push(k);
    else if (v === undefined) continue;
    else if (entry.keys[k] === 'bool' && typeof v !== 'boolean') bad.push(k);
    else if (entry.keys[k] === 'int' && !Number.isInteger(v)) bad.push(k);
  }
  return bad;
}

const x = rnn.randn([2, 3, 4]);
const lstm = new rnn.LSTM({ inputSize: 4, hiddenSize: 3 });
const logits = rnn.randn([2, 3, 5]);
const params = new rnn.Linear({ inFeatures: 2, outFeatures: 2 }).parameters();
const lp = rnn.noGrad(() => ops.logSoftmax(rnn.randn([5, 2, 4]), -1));
const s2s = new rnn.Seq2Seq({ srcVocab: 7, tgtVocab: 7, hiddenSize: 4, embeddingDim: 3 });
const REC = 'inputSize# hiddenSize# numLayers# bias? batchFirst? bidirectional? dropout';

const ENTRIES: Entry[] = [
  { op: 'RNN', keys: tags(`${REC} nonlinearity init`), call: (o) => new rnn.RNN(o as never) },
  { op: 'LSTM', keys: tags(`${REC} peephole? projSize# forgetBias`), call: (o) => new rnn.LSTM(o as never) },
  { op: 'GRU', keys: tags(`${REC} resetAfter?`), call: (o) => new rnn.GRU(o as never) },
  {
    op: 'JordanRNN',
    keys: tags('inputSize# hiddenSize# outputSize# outputActivation nonlinearity bias? batchFirst?'),
    call: (o) => new rnn.JordanRNN(o as never),
  },
  { op: 'ClockworkRNN', keys: tags(`${REC} periods nonlinearity`), call: (o) => new rnn.ClockworkRNN(o as never) },
  { op: 'SCRN', keys: tags(`${REC} contextSize# alpha nonlinearity`), call: (o) => new rnn.SCRN(o as never) },
  {
    op: 'MemoryNetwork',
    keys: tags('vocabSize# embeddingDim# memorySize# hops# answerSize# positionEncoding? temporalEncoding?'),
    call: (o) => new rnn.MemoryNetwork(o as never),
  },
  { op: 'Linear', keys: tags('inFeatures# outFeatures# bias?'), call: (o) => new rnn.Linear(o as never) },
  { op: 'Embedding', keys: tags('numEmbeddings# embeddingDim#'), call: (o) => new rnn.Embedding(o as never) },
  { op: 'Dropout', keys: tags('p'), call: (o) => new rnn.Dropout(o as never), positional: true },
  { op: 'GRUCell', keys: tags('inputSize# hiddenSize# bias? resetAfter?'), call: (o) => new rnn.GRUCell(o as never) },
  { op: 'Attention', keys: tags('kind querySize# keySize# hiddenSize#'), call: (o) => new rnn.Attention(o as never) },
  {
    op: 'Seq2Seq',
    keys: tags('srcVocab# tgtVocab# embeddingDim# hiddenSize# encoder encoderLayers# bidirectional? decoder attention pad# bos# eos#'),
    call: (o) => new rnn.Seq2Seq(o as never),
  },
  {
    op: 'NTM',
    keys: tags('inputSize# outputSize# controllerSize# controller memorySize# memoryWidth# readHeads# writeHeads# shiftRange#'),
    call: (o) => new rnn.NTM(o as never),
  },
  { op: 'LSTM', keys: tags('h0 c0 lengths'), call: (o) => lstm.forward(x, o as never) },
  {
    op: 'crossEntropy',
    keys: tags('mask reduction ignoreIndex# labelSmoothing'),
    call: (o) => rnn.crossEntropy(logits, [0, 1, 2, 3, 4, 0], o as never),
  },
  { op: 'mse', keys: tags('reduction'), call: (o) => rnn.mse(x, x, o as never) },
  { op: 'ctcLoss', keys: tags('blank# reduction zeroInfinity?'), call: (o) => rnn.ctcLoss(lp, [[1], [2, 3]], [5, 5], [1, 2], o as never) },
  {
    op: 'ctcBeamSearch',
    keys: tags('beamWidth# blank# lm lmWeight insertionBonus'),
    call: (o) => rnn.ctcBeamSearch(lp, undefined, o as never),
  },
  { op: 'SGD', keys: tags('lr momentum dampening weightDecay nesterov?'), call: (o) => new rnn.SGD(params, o as never), positional: true },
  { op: 'Adam', keys: tags('lr betas eps weightDecay amsgrad?'), call: (o) => new rnn.Adam(params, o as never), positional: true },
  {
    op: 'RMSprop',
    keys: tags('lr alpha eps momentum centered? weightDecay'),
    call: (o) => new rnn.RMSprop(params, o as never),
    positional: true,
  },
  { op: 'StepLR', keys: tags('stepSize# gamma'), call: (o) => new rnn.StepLR(new rnn.SGD(params, 0.1), o as never) },
  { op: 'clipGradNorm', keys: tags('errorIfNonfinite?'), call: (o) => rnn.clipGradNorm(params, 1, o as never) },
  { op: 'Seq2Seq.greedy', keys: tags('maxLength#'), call: (o) => s2s.greedy([[3, 4]], o as never) },
  { op: 'Seq2Seq.beamSearch', keys: tags('beamWidth# maxLength# lengthPenalty'), call: (o) => s2s.beamSearch([[3]], o as never) },
  { op: 'randn', keys: tags('requiresGrad? mean std'), call: (o) => rnn.randn([2, 3], o as never) },
  { op: 'loadStateDict', keys: tags('strict?'), call: (o) => lstm.loadStateDict(lstm.stateDict(), o as never) },
  { op: 'load', keys: tags('maxParameters#'), call: (o) => rnn.load(rnn.save(new rnn.Dropout()), o as never) },
];

/** Runs a call: it may succeed unless `reject` names keys it must refuse; a throw must be a plain Error from the entry point. */
function judge(op: string, run: () => unknown, reject: string[] = []): void {
  let error: Error | null = null;
  try {
    run();
  } catch (e) {
    error = e as Error;
  }
  if (reject.length) expect(error, `${op} accepted options it must refuse (${reject.join(', ') || 'not an object'})`).not.toBeNull();
  if (!error) return;
  expect(error.constructor, `${op} threw ${error.constructor?.name}: ${error.message}`).toBe(Error);
  expect(error.message.startsWith(`${op}`) || error.message.startsWith('rnn-wasm:'), error.message).toBe(true);
}

describe('fuzz', () => {
  let before: number[];
  beforeAll(() => {
    before = fingerprint(rnn.GRU);
  });
  test.each(ENTRIES.map((e) => [`${e.op}(${Object.keys(e.keys).slice(0, 3).join(', ')}, ...)`, e] as const))('%s', (_name, entry) => {
    fc.assert(
      fc.property(optionsOf(Object.keys(entry.keys)), (o) => judge(entry.op, () => entry.call(o), mustReject(entry, o))),
      { numRuns: 150, seed: 20261201 },
    );
  });
  test('tensors of generated shapes and contents through the recurrent layers and losses', () => {
    const dims = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 });
    const fill = fc.constantFrom(0, 1, Number.NaN, Number.POSITIVE_INFINITY, -1e30);
    fc.assert(
      fc.property(dims, fill, fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 3 }), (shape, v, lengths) => {
        const t = rnn.full(shape, v);
        judge('LSTM', () => lstm.forward(t, { lengths }));
        judge('crossEntropy', () => rnn.crossEntropy(t, lengths));
        judge('mse', () => rnn.mse(t, t));
        judge('ctcLoss', () => rnn.ctcLoss(t, [lengths], [shape[0] ?? 0], [lengths.length]));
        judge('matmul', () => ops.matmul(t, t));
        judge('sum', () => ops.sum(t, lengths[0]));
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });
  test('afterwards the library gives bit-identical results and the arena is empty', () => {
    expect(fingerprint(rnn.GRU)).toEqual(before);
    expect(rnn.memoryStats().liveBytes).toBe(0);
  });
});
