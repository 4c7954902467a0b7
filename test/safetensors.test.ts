// safetensors in and out, against files written from PyTorch (scripts/make_safetensors_fixtures.py,
// with scripts/save_safetensors.py): every dtype read gives PyTorch's own outputs, our writer
// reproduces the Python writer's bytes, and malformed headers get clear errors before allocation.
import { describe, test, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as rnn from '../src/node.js';
import { expectClose } from './helpers.js';

beforeAll(async () => {
  await rnn.init();
});

const dir = new URL('./fixtures/safetensors/', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Record<
  string,
  {
    file: string;
    kind: 'LSTM' | 'GRU';
    options: Record<string, unknown>;
    x: { shape: number[]; data: number[] };
    output: { data: number[] };
  }
>;
const bytesOf = (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));

describe('from PyTorch', () => {
  test.each(Object.keys(index))('%s: the weights load and give PyTorch’s output', (name) => {
    const fx = index[name];
    const { tensors, metadata } = rnn.fromSafetensors(bytesOf(fx.file));
    expect(metadata.source).toBe('torch');
    const m = new (fx.kind === 'LSTM' ? rnn.LSTM : rnn.GRU)(fx.options as never);
    m.loadStateDict(tensors);
    const y = rnn.noGrad(() => m.forward(rnn.tensor(fx.x.data, fx.x.shape)).output);
    expectClose(y.data, fx.output.data, { rtol: 1e-4, atol: 1e-5 });
  });
  test('an ArrayBuffer, and a Uint8Array at an offset inside a larger buffer, read the same', () => {
    const b = bytesOf(index.gru_f32.file);
    const big = new Uint8Array(b.length + 13);
    big.set(b, 13);
    const a = rnn.fromSafetensors(big.subarray(13)).tensors;
    const c = rnn.fromSafetensors(b.slice().buffer).tensors;
    for (const k of Object.keys(a)) expect(Array.from(a[k].data)).toEqual(Array.from(c[k].data));
  });
});

describe('to safetensors', () => {
  test('writes the bytes the Python writer writes (sorted keys, compact JSON, 8-byte padding, F32)', () => {
    for (const name of ['gru_f32', 'lstm_2l_bi_f32']) {
      const b = bytesOf(index[name].file);
      const { tensors, metadata } = rnn.fromSafetensors(b);
      expect(Buffer.from(rnn.toSafetensors(tensors, { metadata })).equals(Buffer.from(b))).toBe(true);
    }
  });
  test('a module round-trips through its state dict with PyTorch names', () => {
    const m = new rnn.LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true });
    const back = rnn.fromSafetensors(rnn.toSafetensors(m));
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(m.stateDict()).sort());
    const m2 = new rnn.LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true });
    m2.loadStateDict(back.tensors);
    const x = rnn.randn([2, 3, 3]);
    expect(Array.from(m2.forward(x).output.data)).toEqual(Array.from(m.forward(x).output.data));
    expect(back.metadata).toEqual({});
  });
});

describe('loadStateDict takes nested arrays (PyTorch .tolist())', () => {
  test('as the value or as { shape, data }', () => {
    const l = new rnn.Linear({ inFeatures: 2, outFeatures: 2 });
    l.loadStateDict({
      weight: [
        [1, 2],
        [3, 4],
      ],
      bias: { shape: [2], data: [0.5, -0.5] },
    });
    expect(Array.from(l.weight.data)).toEqual([1, 2, 3, 4]);
    l.loadStateDict({
      weight: {
        shape: [2, 2],
        data: [
          [5, 6],
          [7, 8],
        ],
      },
      bias: [0, 0],
    });
    expect(Array.from(l.weight.data)).toEqual([5, 6, 7, 8]);
    expect(() => l.loadStateDict({ weight: [[1, 2], [3]], bias: [0, 0] })).toThrow("loadStateDict: 'weight': tensor: ragged nested array");
    expect(() => l.loadStateDict({ weight: [1, 2, 3, 4], bias: [0, 0] })).toThrow(
      "'weight' has shape [2,2] in the model but [4] in the dict",
    );
  });
});

describe('malformed files', () => {
  const header = (h: unknown, data = 0) => {
    const json = new TextEncoder().encode(JSON.stringify(h));
    const b = new Uint8Array(8 + json.length + data);
    new DataView(b.buffer).setUint32(0, json.length, true);
    b.set(json, 8);
    return b;
  };
  test.each([
    ['too short', new Uint8Array(5), 'shorter than the 8-byte header length'],
    [
      'a huge header length',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setUint32(4, 1, true);
        return b;
      })(),
      'more than the 100 MB',
    ],
    [
      'a header past the end',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setUint32(0, 100, true);
        return b;
      })(),
      'truncated file',
    ],
    [
      'not JSON',
      (() => {
        const b = header({});
        b[8] = 0x7b;
        b[9] = 0x7b;
        return b;
      })(),
      'not valid JSON',
    ],
    ['a JSON array', header([1]), 'must be a JSON object'],
    [
      'an unknown dtype',
      header({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, 8),
      'tensor \'a\' has dtype "I64"; supported: F32, F16, BF16, F64',
    ],
    ['a bad shape', header({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), "tensor 'a' has an invalid shape [-1]"],
    ['offsets past the data', header({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4), 'outside the 4 bytes of data'],
    [
      'a size that is not shape × dtype',
      header({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4),
      'needs 8 bytes but data_offsets span 4',
    ],
    [
      'overlapping tensors',
      header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4),
      'overlapping',
    ],
    ['a hole', header({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), 'a hole in the data'],
    ['bytes left over', header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8), 'cover 4 of the 8 bytes'],
    ['non-string metadata', header({ __metadata__: { a: 1 } }), '__metadata__.a must be a string'],
    ['a giant shape', header({ a: { dtype: 'F32', shape: [1e6, 1e6], data_offsets: [0, 4] } }, 4), 'larger than a tensor can be'],
  ])('%s', (_name, bytes, want) => {
    expect(() => rnn.fromSafetensors(bytes as Uint8Array)).toThrow(`fromSafetensors: `);
    expect(() => rnn.fromSafetensors(bytes as Uint8Array)).toThrow(want as string);
  });
  test('not bytes', () => {
    expect(() => rnn.fromSafetensors('x' as never)).toThrow('fromSafetensors: bytes must be a Uint8Array or an ArrayBuffer, got string');
  });
});
