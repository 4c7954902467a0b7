// safetensors, the weight format of safetensors.torch.save_file and model hubs:
//   u64 little-endian N | N bytes of JSON header | the tensors' bytes, back to back
// header: { name: { dtype, shape, data_offsets: [begin, end] }, ..., "__metadata__": { str: str } }
// with offsets relative to the first byte after the header. Written as the reference writes it:
// keys sorted, compact JSON, the header padded with spaces to a multiple of 8 bytes, F32 data.
// Read: F32, F16, BF16 and F64 (converted to float32). A file is untrusted: the header is
// validated in full (length within the file, dtypes, shapes, offsets in bounds, sizes equal to
// shape × dtype, no overlap and no hole) before any tensor is allocated.
import { Module } from '../nn/module.js';
import { MAX_ELEMENTS, Tensor, fmtShape } from '../tensor.js';
import { readOptions, strings } from '../options.js';
import { bf16ToF32, f16ToF32 } from './half.js';

const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
const MAX_HEADER = 100 * 2 ** 20; // the reference refuses headers over 100 MB too

/** What fromSafetensors returns. */
export interface Safetensors {
  /** The tensors by name, as float32. */
  tensors: Record<string, Tensor>;
  /** The file's `__metadata__` strings ({} when it has none). */
  metadata: Record<string, string>;
}

/** Options of {@link toSafetensors}. */
export interface ToSafetensorsOptions {
  /** Strings stored as the header's `__metadata__`. */
  metadata?: Record<string, string>;
}

function decode(dtype: string, bytes: Uint8Array, n: number): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = f16ToF32(dv.getUint16(2 * i, true));
  else for (let i = 0; i < n; i++) out[i] = bf16ToF32(dv.getUint16(2 * i, true));
  return out;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(b: Uint8Array): { entries: Entry[]; metadata: Record<string, string>; dataStart: number } {
  const op = 'fromSafetensors';
  if (b.length < 8) throw new Error(`${op}: the data is ${b.length} bytes, shorter than the 8-byte header length: not a safetensors file`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER) throw new Error(`${op}: the header claims ${n} bytes, more than the 100 MB a header may have`);
  if (8 + n > b.length) throw new Error(`${op}: the header claims ${n} bytes but only ${b.length - 8} follow: truncated file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`${op}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error(`${op}: the header must be a JSON object`);
  const dataLen = b.length - 8 - n;
  const metadata: Record<string, string> = Object.create(null);
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${op}: __metadata__ must be an object of strings`);
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') throw new Error(`${op}: __metadata__.${k} must be a string, got ${typeof s}`);
        metadata[k] = s;
      }
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!e || typeof e !== 'object') throw new Error(`${op}: tensor '${name}' must be { dtype, shape, data_offsets }`);
    if (typeof e.dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, e.dtype)) {
      throw new Error(`${op}: tensor '${name}' has dtype ${JSON.stringify(e.dtype)}; supported: F32, F16, BF16, F64`);
    }
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${op}: tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    }
    const o = e.data_offsets;
    if (!Array.isArray(o) || o.length !== 2 || !o.every((x) => Number.isInteger(x) && x >= 0) || o[0] > o[1] || o[1] > dataLen) {
      throw new Error(`${op}: tensor '${name}' has data_offsets ${JSON.stringify(o)} outside the ${dataLen} bytes of data`);
    }
    const count = (e.shape as number[]).reduce((a, d) => a * d, 1);
    if (count > MAX_ELEMENTS) throw new Error(`${op}: tensor '${name}' ${fmtShape(e.shape as number[])} is larger than a tensor can be`);
    if (o[1] - o[0] !== count * DTYPE_BYTES[e.dtype]) {
      throw new Error(
        `${op}: tensor '${name}' ${fmtShape(e.shape as number[])} ${e.dtype} needs ${count * DTYPE_BYTES[e.dtype]} bytes but data_offsets span ${o[1] - o[0]}`,
      );
    }
    entries.push({ name, dtype: e.dtype, shape: e.shape as number[], begin: o[0], end: o[1] });
  }
  // the data must be indexed entirely: no overlap, no hole
  const sorted = [...entries].sort((a, c) => a.begin - c.begin || a.end - c.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) {
      throw new Error(
        `${op}: tensor '${e.name}' starts at byte ${e.begin} where the previous one ends at ${at}: ${e.begin < at ? 'overlapping' : 'a hole in the'} data`,
      );
    }
    at = e.end;
  }
  if (at !== dataLen) throw new Error(`${op}: the tensors cover ${at} of the ${dataLen} bytes of data`);
  return { entries, metadata, dataStart: 8 + n };
}

/**
 * Reads a safetensors file (a Uint8Array at any offset, or an ArrayBuffer): every tensor as
 * float32, and the metadata. Feed `tensors` to `model.loadStateDict`.
 * @example
 * ```ts
 * const { tensors } = rnn.fromSafetensors(new Uint8Array(await (await fetch('lstm.safetensors')).arrayBuffer()));
 * lstm.loadStateDict(tensors);
 * ```
 */
export function fromSafetensors(bytes: Uint8Array | ArrayBuffer): Safetensors {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw new Error(`fromSafetensors: bytes must be a Uint8Array or an ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { entries, metadata, dataStart } = parseHeader(b);
  const tensors: Record<string, Tensor> = Object.create(null);
  for (const e of entries) {
    const n = e.shape.reduce((a, d) => a * d, 1);
    tensors[e.name] = new Tensor(decode(e.dtype, b.subarray(dataStart + e.begin, dataStart + e.end), n), e.shape);
  }
  return { tensors: { ...tensors }, metadata: { ...metadata } };
}

/** Writes a module's state dict (PyTorch names) or a dict of tensors as safetensors, F32. */
export function toSafetensors(moduleOrDict: Module | Record<string, Tensor>, options: ToSafetensorsOptions = {}): Uint8Array {
  const o = readOptions<ToSafetensorsOptions>('toSafetensors', 'options', options, { metadata: strings });
  const dict = moduleOrDict instanceof Module ? moduleOrDict.stateDict() : moduleOrDict;
  if (!dict || typeof dict !== 'object') throw new Error('toSafetensors: expected a Module or an object of Tensors');
  const names = Object.keys(dict).sort();
  // __metadata__ first, then the tensors sorted by name, compact (written by hand: a JS object
  // would put integer-like keys first whatever the order)
  const parts: string[] = o.metadata ? [`"__metadata__":${JSON.stringify(o.metadata)}`] : [];
  let offset = 0;
  for (const name of names) {
    const t = dict[name];
    if (!(t instanceof Tensor)) throw new Error(`toSafetensors: '${name}' must be a Tensor, got ${typeof t}`);
    parts.push(
      `${JSON.stringify(name)}:${JSON.stringify({ dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * t.size] })}`,
    );
    offset += 4 * t.size;
  }
  const text = `{${parts.join(',')}}`;
  const raw = new TextEncoder().encode(text).length;
  const json = new TextEncoder().encode(text + ' '.repeat((8 - (raw % 8)) % 8)); // data starts 8-aligned
  const out = new Uint8Array(8 + json.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, json.length, true);
  dv.setUint32(4, 0, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const d = dict[name].data;
    for (let i = 0; i < d.length; i++) dv.setFloat32(at + 4 * i, d[i], true);
    at += 4 * d.length;
  }
  return out;
}
