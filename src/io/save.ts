// rnn.save / rnn.load: a self-describing, versioned model.
//   in memory:  { format: 'rnn-wasm', version: 2, model: ModuleSpec, tensors: [{ name, shape }],
//                 crc32, weights: Uint8Array }   (float32, little-endian, tensors back to back in
//                 order; crc32: the CRC-32 of those bytes; version 1 files have no checksum)
//   as bytes:   'RNNW' | u32 version | u32 header length | header JSON (the object without
//                weights) | zero padding to a multiple of 4 | weights
// A file is untrusted: loading validates everything (magic, version, JSON, types, shapes, sizes,
// the checksum, the nesting depth) before building, builds within a budget of allocations that
// the file's own weights bound (a 128-byte file cannot make it allocate gigabytes), and throws an
// Error that says what is wrong; nothing from the file is executed or looked up on a prototype.
import { Module } from '../nn/module.js';
import { MAX_ELEMENTS, Tensor, fmtShape, withAllocationBudget } from '../tensor.js';
import { int, readOptions, strings } from '../options.js';
import { crc32 } from './crc32.js';
import { buildFromSpec, specOf, type ModuleSpec } from './registry.js';

/** The saved form of a model. */
export interface SavedModel {
  format: 'rnn-wasm';
  version: number;
  model: ModuleSpec;
  tensors: { name: string; shape: number[] }[];
  /** CRC-32 of `weights` (version 2 on). */
  crc32?: number;
  /** The caller's strings saved with the model (a vocabulary, a date, a note); {} when none. */
  metadata?: Record<string, string>;
  weights: Uint8Array;
}

/** Options of {@link load} and {@link loadWeights}. */
export interface LoadOptions {
  /**
   * The most parameters (float32 values) a loaded model may have (default 2^28, 1 GiB): raise it
   * for a larger model you trust the size of.
   */
  maxParameters?: number;
}

/** The current file format version (2: with a CRC-32 over the weights; 1 still loads). */
export const FORMAT_VERSION = 2;
/** The default of LoadOptions.maxParameters. */
const MAX_PARAMETERS = 2 ** 28;
const MAGIC = [0x52, 0x4e, 0x4e, 0x57]; // 'RNNW'

/** Options of {@link save}. */
export interface SaveOptions {
  /** Strings to keep with the model, e.g. `{ vocab: JSON.stringify(chars) }`; read back as `fromBytes(bytes).metadata`. */
  metadata?: Record<string, string>;
}

/**
 * Describes a model and copies its weights into one binary blob.
 * @example
 * ```ts
 * const bytes = rnn.toBytes(rnn.save(model, { metadata: { vocab: JSON.stringify(chars) } }));
 * const saved = rnn.fromBytes(bytes);
 * const again = rnn.load(saved);
 * const vocab = JSON.parse(saved.metadata!.vocab);
 * ```
 */
export function save(model: Module, options: SaveOptions = {}): SavedModel {
  if (!(model instanceof Module)) throw new Error(`save: model must be a Module, got ${model === null ? 'null' : typeof model}`);
  const o = readOptions<SaveOptions>('save', 'options', options, { metadata: strings });
  const metadata: Record<string, string> = { ...(o.metadata ?? {}) };
  const spec = specOf(model);
  const named = model.namedParameters();
  const total = named.reduce((a, [, p]) => a + p.size, 0);
  const data = new Float32Array(total);
  let off = 0;
  for (const [, p] of named) {
    data.set(p.data, off);
    off += p.size;
  }
  return {
    format: 'rnn-wasm',
    version: FORMAT_VERSION,
    model: spec,
    tensors: named.map(([name, p]) => ({ name, shape: p.shape.slice() })),
    crc32: crc32(new Uint8Array(data.buffer)),
    metadata,
    weights: new Uint8Array(data.buffer),
  };
}

/** The saved model as one byte array (for files and network transfer). */
export function toBytes(saved: SavedModel): Uint8Array {
  const { weights, ...header } = saved;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const out = new Uint8Array(12 + json.length + pad + weights.length);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, saved.version, true);
  dv.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(weights, 12 + json.length + pad);
  return out;
}

/** Parses toBytes' output, validating the frame. */
export function fromBytes(bytes: Uint8Array | ArrayBuffer): SavedModel {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b.length < 12)
    throw new Error(`load: the data is ${b.length} bytes, shorter than the 12-byte header: truncated or not an rnn-wasm model`);
  if (MAGIC.some((m, i) => b[i] !== m)) throw new Error('load: not an rnn-wasm model (the first 4 bytes are not "RNNW")');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = dv.getUint32(4, true);
  const len = dv.getUint32(8, true);
  if (12 + len > b.length) throw new Error(`load: the header claims ${len} bytes of JSON but only ${b.length - 12} follow: truncated file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(12, 12 + len)));
  } catch (e) {
    throw new Error(`load: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error('load: the header must be a JSON object');
  if (header.version !== version) throw new Error(`load: version ${version} in the frame but ${String(header.version)} in the header`);
  const pad = (4 - ((12 + len) % 4)) % 4;
  const start = 12 + len + pad;
  const weights = b.slice(Math.min(start, b.length));
  return { ...(header as object), weights } as SavedModel;
}

function validate(saved: unknown, options: unknown, op: string): { spec: unknown; dict: Record<string, Tensor>; maxParameters: number } {
  const o = readOptions<LoadOptions>(op, 'options', options, { maxParameters: int(1, MAX_ELEMENTS) });
  const maxParameters = o.maxParameters ?? MAX_PARAMETERS;
  if (saved instanceof Uint8Array || saved instanceof ArrayBuffer) saved = fromBytes(saved);
  if (!saved || typeof saved !== 'object')
    throw new Error(`load: expected a saved model object or bytes, got ${saved === null ? 'null' : typeof saved}`);
  const s = saved as Record<string, unknown>;
  if (s.format !== 'rnn-wasm') throw new Error(`load: format must be 'rnn-wasm', got ${JSON.stringify(s.format)}`);
  if (s.version !== 1 && s.version !== FORMAT_VERSION) {
    throw new Error(`load: file format version ${String(s.version)} is not supported (this build reads versions 1 and ${FORMAT_VERSION})`);
  }
  if (!Array.isArray(s.tensors)) throw new Error('load: tensors must be an array of { name, shape }');
  const badMetadata = s.metadata === undefined ? null : strings(s.metadata);
  if (badMetadata !== null) throw new Error(`load: metadata ${badMetadata}`);
  if (!(s.weights instanceof Uint8Array)) throw new Error('load: weights must be a Uint8Array');
  const w = s.weights;
  if (w.length % 4 !== 0) throw new Error(`load: the weights hold ${w.length} bytes, not a whole number of float32 values`);
  if (w.length / 4 > maxParameters) {
    throw new Error(
      `load: the file holds ${w.length / 4} weights, more than maxParameters (${maxParameters}); raise it with load(saved, { maxParameters })`,
    );
  }
  const floats = new Float32Array(w.length / 4);
  new Uint8Array(floats.buffer).set(w);
  const dict: Record<string, Tensor> = Object.create(null);
  let off = 0;
  s.tensors.forEach((t: unknown, i: number) => {
    const e = t as { name?: unknown; shape?: unknown };
    if (!e || typeof e.name !== 'string') throw new Error(`load: tensors[${i}].name must be a string`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`load: tensors[${i}] ('${e.name}') has an invalid shape ${JSON.stringify(e.shape)}`);
    }
    const n = (e.shape as number[]).reduce((a, d) => a * d, 1);
    if (off + n > floats.length) {
      throw new Error(
        `load: tensor '${e.name}' ${fmtShape(e.shape as number[])} needs ${n} values at offset ${off}, but the weights hold ${floats.length}: truncated file`,
      );
    }
    if (Object.hasOwn(dict, e.name)) throw new Error(`load: tensor '${e.name}' appears twice`);
    dict[e.name] = new Tensor(floats.slice(off, off + n), e.shape as number[]);
    off += n;
  });
  if (off !== floats.length) throw new Error(`load: the weights hold ${floats.length} values but the tensors describe ${off}`);
  if (s.version !== 1) {
    if (typeof s.crc32 !== 'number') throw new Error('load: crc32 (the checksum of the weights) is missing from the header');
    const got = crc32(w);
    if (got !== s.crc32) {
      throw new Error(`load: the weights do not match their checksum (CRC-32 ${got} where the file says ${s.crc32}): the file is damaged`);
    }
  }
  return { spec: s.model, dict, maxParameters };
}

/** A loaded model whose class the caller does not name: `forward` takes that class's arguments. */
export type LoadedModule = Module & { forward(...args: unknown[]): unknown };

/**
 * Rebuilds a model saved by {@link save} (the object, or its bytes from toBytes / saveFile).
 * Name the class to get its types back: `rnn.load<rnn.LSTM>(bytes).forward(x).output`.
 * @example
 * ```ts
 * const bytes = rnn.toBytes(rnn.save(model));
 * const again = rnn.load<rnn.Sequential>(bytes);
 * const y = again.forward(x);
 * ```
 */
export function load<M extends Module = LoadedModule>(saved: SavedModel | Uint8Array | ArrayBuffer, options: LoadOptions = {}): M {
  const { spec, dict } = validate(saved, options, 'load');
  const floats = Object.values(dict).reduce((a, t) => a + t.size, 0);
  // building allocates the model's parameters (plus a few temporaries): bounded by the file's own
  // weights, a model the file cannot fill is refused before it is allocated
  const budget = 2 * floats + 65536;
  const model = withAllocationBudget(
    budget,
    () => buildFromSpec(spec),
    (n) => {
      throw new Error(
        `load: the model the file describes needs more than ${budget} values while the file holds ${floats} weights: a damaged or hostile file (the allocation of ${n} more was refused)`,
      );
    },
  );
  model.loadStateDict(dict);
  return model as M;
}

/** Only the weights of a saved model, by parameter name (for a custom Module's loadStateDict). */
export function loadWeights(saved: SavedModel | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Record<string, Tensor> {
  return { ...validate(saved, options, 'loadWeights').dict };
}
