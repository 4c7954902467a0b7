import { describe, test, expect, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as rnn from '../src/node.js';

beforeAll(async () => {
  await rnn.init();
});

const models: [string, () => rnn.Module, number[]][] = [
  [
    'RNN relu, 2 layers, bidirectional',
    () => new rnn.RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, nonlinearity: 'relu' }),
    [2, 4, 3],
  ],
  [
    'LSTM peephole + projection',
    () => new rnn.LSTM({ inputSize: 3, hiddenSize: 6, projSize: 2, peephole: true, batchFirst: false }),
    [4, 2, 3],
  ],
  ['GRU reset before', () => new rnn.GRU({ inputSize: 3, hiddenSize: 5, resetAfter: false }), [2, 4, 3]],
  ['JordanRNN softmax', () => new rnn.JordanRNN({ inputSize: 3, hiddenSize: 5, outputSize: 4, outputActivation: 'softmax' }), [2, 4, 3]],
  [
    'Sequential(LSTM, Dropout, Linear)',
    () =>
      new rnn.Sequential(
        new rnn.LSTM({ inputSize: 3, hiddenSize: 5 }),
        new rnn.Dropout({ p: 0.3 }),
        new rnn.Linear({ inFeatures: 5, outFeatures: 2 }),
      ),
    [2, 4, 3],
  ],
  ['Bidirectional(GRU, sum)', () => new rnn.Bidirectional(new rnn.GRU({ inputSize: 3, hiddenSize: 5 }), { mergeMode: 'sum' }), [2, 4, 3]],
];

function run(m: rnn.Module, x: rnn.Tensor): Float32Array {
  m.eval();
  const r = (m.forward as (x: rnn.Tensor) => unknown)(x);
  return (r instanceof rnn.Tensor ? r : (r as { output: rnn.Tensor }).output).toArray();
}

describe('save and load', () => {
  test.each(models)('%s: round trip through the object, the bytes and a file gives bit-identical outputs', async (_n, make, shape) => {
    rnn.manualSeed(1);
    const m = make();
    const x = rnn.randn(shape);
    const want = run(m, x);
    const saved = rnn.save(m);
    expect(saved.format).toBe('rnn-wasm');
    expect(saved.version).toBe(rnn.FORMAT_VERSION);
    expect(Array.from(run(rnn.load(saved), x))).toEqual(Array.from(want));
    expect(Array.from(run(rnn.load(rnn.toBytes(saved)), x))).toEqual(Array.from(want));
    const dir = mkdtempSync(path.join(tmpdir(), 'rnnw-'));
    try {
      await rnn.saveFile(m, path.join(dir, 'm.rnnw'));
      expect(Array.from(run(await rnn.loadFile(path.join(dir, 'm.rnnw')), x))).toEqual(Array.from(want));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('loadWeights feeds a custom module', () => {
    rnn.manualSeed(2);
    const m = new rnn.LSTM({ inputSize: 2, hiddenSize: 3 });
    const other = new rnn.LSTM({ inputSize: 2, hiddenSize: 3 });
    other.loadStateDict(rnn.loadWeights(rnn.toBytes(rnn.save(m))));
    expect(other.parameters().map((p) => Array.from(p.data))).toEqual(m.parameters().map((p) => Array.from(p.data)));
  });

  test('untrusted files: a flipped bit, a hostile size, deep nesting, too many weights', async () => {
    const m = new rnn.LSTM({ inputSize: 3, hiddenSize: 4 });
    const saved = rnn.save(m);
    expect(saved.crc32).toBeTypeOf('number');
    // every single bit of the weights is covered by the checksum
    for (const bit of [0, 7, 8 * 17 + 3, 8 * saved.weights.length - 1]) {
      const bytes = rnn.toBytes(saved);
      bytes[bytes.length - saved.weights.length + (bit >> 3)] ^= 1 << (bit & 7);
      expect(() => rnn.load(bytes), `bit ${bit}`).toThrow(/the weights do not match their checksum .*: the file is damaged/);
    }
    // a tiny file describing a huge layer is refused before the layer is allocated
    const t0 = performance.now();
    const hostile = { ...saved, model: { type: 'LSTM', config: { inputSize: 3, hiddenSize: 100_000 } } };
    expect(() => rnn.load(hostile)).toThrow(/needs more than \d+ values while the file holds 144 weights/);
    expect(performance.now() - t0).toBeLessThan(1000);
    // nesting deeper than 64 containers
    let spec: rnn.ModuleSpec = { type: 'Dropout', config: {} };
    for (let i = 0; i < 200; i++) spec = { type: 'Sequential', config: {}, children: [spec] };
    expect(() => rnn.load({ ...rnn.save(new rnn.Dropout()), model: spec })).toThrow(/nests modules deeper than 64 levels/);
    // the caller's limit on the number of weights
    expect(() => rnn.load(saved, { maxParameters: 100 })).toThrow('the file holds 144 weights, more than maxParameters (100)');
    expect(rnn.load(saved, { maxParameters: 144 })).toBeInstanceOf(rnn.LSTM);
    expect(() => rnn.load(saved, { maxParams: 1 } as never)).toThrow(
      "unknown option 'maxParams' in options (did you mean 'maxParameters'?)",
    );
    // file errors name the path
    const dir = mkdtempSync(path.join(tmpdir(), 'rnnw-'));
    try {
      const file = path.join(dir, 'bad.rnnw');
      const bytes = rnn.toBytes(saved);
      await import('node:fs/promises').then((fs) => fs.writeFile(file, bytes.subarray(0, 30)));
      await expect(rnn.loadFile(file)).rejects.toThrow(`loadFile: ${file}: load: the header claims`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('user metadata travels with the model and is validated', () => {
    const m = new rnn.GRU({ inputSize: 2, hiddenSize: 3 });
    const vocab = JSON.stringify(['a', 'b', '\n']);
    const back = rnn.fromBytes(rnn.toBytes(rnn.save(m, { metadata: { vocab, note: 'trained 2026' } })));
    expect(back.metadata).toEqual({ vocab, note: 'trained 2026' });
    expect(rnn.load(back)).toBeInstanceOf(rnn.GRU);
    expect(rnn.save(m).metadata).toEqual({});
    expect(() => rnn.save(m, { metadata: { n: 3 } as never })).toThrow('save: metadata has n = number, not a string');
    expect(() => rnn.load({ ...rnn.save(m), metadata: [1] as never })).toThrow('load: metadata must be an object of strings');
  });
  test('truncated, malformed and wrong-version input throws a clear error', () => {
    const bytes = rnn.toBytes(rnn.save(new rnn.GRU({ inputSize: 2, hiddenSize: 3 })));
    expect(() => rnn.load(bytes.slice(0, 8))).toThrow('shorter than the 12-byte header');
    expect(() => rnn.load(bytes.slice(0, 40))).toThrow(/claims \d+ bytes of JSON .* truncated file/);
    expect(() => rnn.load(bytes.slice(0, bytes.length - 8))).toThrow(/truncated file|not a whole number/);
    const bad = bytes.slice();
    bad[0] = 0x58;
    expect(() => rnn.load(bad)).toThrow('not an rnn-wasm model');
    const v2 = bytes.slice();
    new DataView(v2.buffer).setUint32(4, 3, true);
    expect(() => rnn.load(v2)).toThrow('version 3 in the frame but 2 in the header');
    const saved = rnn.save(new rnn.GRU({ inputSize: 2, hiddenSize: 3 }));
    expect(() => rnn.load({ ...saved, version: 99 })).toThrow(
      'file format version 99 is not supported (this build reads versions 1 and 2)',
    );
    expect(() => rnn.load({ ...saved, model: { type: '__proto__', config: {} } })).toThrow("'__proto__' is not a known module type");
    expect(() => rnn.load({ ...saved, model: { type: 'constructor', config: {} } })).toThrow('is not a known module type');
    expect(() => rnn.load({ ...saved, model: { type: 'GRU', config: { inputSize: 2, hiddenSize: -3 } } })).toThrow(
      'load: cannot build model (GRU): GRU: hiddenSize must be a positive integer, got -3',
    );
    expect(() => rnn.load({ ...saved, model: { type: 'GRU', config: { inputSize: 2, hiddenSize: 4 } } })).toThrow(
      /'weight_ih_l0' has shape \[12,2\] in the model but \[9,2\] in the dict/,
    );
    expect(() => rnn.load({ ...saved, tensors: saved.tensors.slice(1) })).toThrow(
      /the weights hold \d+ values but the tensors describe \d+/,
    );
    const hostile = JSON.parse('{"inputSize": 2, "hiddenSize": 3, "__proto__": 1, "constructor": 5}');
    // a hostile key is an unknown option like any other: a clear error, and no prototype is touched
    expect(() => rnn.load({ ...saved, model: { type: 'GRU', config: hostile } })).toThrow(
      "load: cannot build model (GRU): GRU: unknown option '__proto__' in options",
    );
    expect(({} as Record<string, unknown>).inputSize).toBeUndefined();
    const nan = rnn.save(new rnn.GRU({ inputSize: 2, hiddenSize: 3 }));
    new Float32Array(nan.weights.buffer)[0] = NaN;
    expect(() => rnn.load(nan)).toThrow('the weights do not match their checksum');
    // a version-1 file (no checksum) with a NaN in it: the values are still checked
    expect(() => rnn.load({ ...nan, version: 1, crc32: undefined })).toThrow("loadStateDict: 'weight_ih_l0' holds NaN at index 0");
    const json = new TextEncoder().encode('{not json');
    const frame = new Uint8Array(12 + json.length);
    frame.set([0x52, 0x4e, 0x4e, 0x57]);
    new DataView(frame.buffer).setUint32(4, 1, true);
    new DataView(frame.buffer).setUint32(8, json.length, true);
    frame.set(json, 12);
    expect(() => rnn.load(frame)).toThrow('the header is not valid JSON');
  });

  test('an unregistered module type says how to save it', () => {
    class Custom extends rnn.Module {
      forward() {
        return null;
      }
    }
    expect(() => rnn.save(new Custom())).toThrow('save: Custom is not a registered module type');
  });
});
