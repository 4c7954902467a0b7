// The ONNX messages (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto) as plain objects, with their encoder and a validating decoder. Field numbers are
// onnx.proto's. Tensors hold float32 (FLOAT, DOUBLE and FLOAT16 / BFLOAT16 converted) or integer
// data (INT64, INT32, BOOL, ...) as doubles; a tensor's byte count is checked against its dims before
// its data is read, so a malformed file fails before anything large is allocated.
import { ProtoWriter, Wire, expectWire, readFields, readPackedFloats, readPackedInts, readString, type ProtoField } from './protobuf.js';
import { f16ToF32, bf16ToF32 } from './half.js';
import { prod } from '../ops/util.js';

/** ONNX TensorProto.DataType values used here. @internal */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11, BFLOAT16: 16 } as const;

const DT_NAMES: Record<number, string> = {
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  16: 'BFLOAT16',
};
const ELEM_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** A constant tensor: float data for the float types, integers (as doubles) otherwise. @internal */
export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  floats: Float32Array | null;
  ints: number[] | null;
}

/** A node attribute. @internal */
export interface OnnxAttr {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: string[];
}

/** A graph node. @internal */
export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, OnnxAttr>;
}

/** A graph input or output: element type and dims (a number, a symbolic name, or null when unknown). @internal */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  dims: (number | string | null)[] | null;
}

/** A graph. @internal */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** A model. @internal */
export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
  graph: OnnxGraph;
  metadata: Record<string, string>;
}

/** Attribute types (AttributeProto.AttributeType). @internal */
export const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** The name of a data type, for error messages. @internal */
export function dtypeName(dt: number): string {
  return DT_NAMES[dt] ?? `data type ${dt}`;
}

// ---------------------------------------------------------------- encoding

/** Encodes a model. @internal */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter().int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  w.message(7, encodeGraph(m.graph));
  for (const o of m.opsets) w.message(8, new ProtoWriter().string(1, o.domain).int(2, o.version));
  for (const [k, v] of Object.entries(m.metadata)) w.message(14, new ProtoWriter().string(1, k).string(2, v));
  return w.finish();
}

function encodeGraph(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, encodeTensor(t));
  for (const v of g.inputs) w.message(11, encodeValueInfo(v));
  for (const v of g.outputs) w.message(12, encodeValueInfo(v));
  return w;
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attrs.values()) w.message(5, encodeAttr(a));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function encodeAttr(a: OnnxAttr): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  if (a.i !== undefined) w.int(3, a.i);
  if (a.s !== undefined) w.string(4, a.s);
  if (a.t !== undefined) w.message(5, encodeTensor(a.t));
  if (a.floats) w.packedFloats(7, a.floats);
  if (a.ints) w.packedInts(8, a.ints);
  for (const s of a.strings ?? []) w.string(9, s);
  return w.int(20, a.type);
}

/** Encodes a tensor (float data as raw little-endian float32, integers as packed int64 / int32). */
function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter().packedInts(1, t.dims).int(2, t.dataType);
  w.string(8, t.name);
  if (t.floats) {
    const f = t.floats;
    w.bytes(9, new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength)));
  } else if (t.ints) {
    if (t.dataType === DT.INT64) w.packedInts(7, t.ints);
    else w.packedInts(5, t.ints);
  }
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims ?? []) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else if (typeof d === 'string') dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, v.elemType);
  if (v.dims) tensorType.message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

// ---------------------------------------------------------------- decoding

const WHAT = 'fromOnnx';

/** Decodes and validates a model. @internal */
export function decodeModel(bytes: Uint8Array, maxElements: number): OnnxModel {
  const m: OnnxModel = { irVersion: 0, producerName: '', producerVersion: '', opsets: [], graph: null as never, metadata: {} };
  const budget = { left: maxElements };
  for (const f of readFields(bytes, WHAT)) {
    if (f.field === 1) m.irVersion = expectWire(f, Wire.Varint, WHAT).num;
    else if (f.field === 2) m.producerName = readString(f, WHAT);
    else if (f.field === 3) m.producerVersion = readString(f, WHAT);
    else if (f.field === 7) m.graph = decodeGraph(expectWire(f, Wire.Bytes, WHAT), budget);
    else if (f.field === 8) m.opsets.push(decodeOpset(expectWire(f, Wire.Bytes, WHAT)));
    else if (f.field === 14) {
      const kv = sub(f);
      const k = kv.find((x) => x.field === 1);
      const v = kv.find((x) => x.field === 2);
      if (k) m.metadata[readString(k, WHAT)] = v ? readString(v, WHAT) : '';
    }
  }
  if (!m.graph) throw new Error(`${WHAT}: bytes: not an ONNX model (no graph; got ${bytes.length} bytes)`);
  return m;
}

function sub(f: ProtoField): ProtoField[] {
  return readFields(expectWire(f, Wire.Bytes, WHAT).bytes, WHAT, f.at);
}

function decodeOpset(f: ProtoField): { domain: string; version: number } {
  const o = { domain: '', version: 0 };
  for (const x of sub(f)) {
    if (x.field === 1) o.domain = readString(x, WHAT);
    else if (x.field === 2) o.version = expectWire(x, Wire.Varint, WHAT).num;
  }
  return o;
}

function decodeGraph(f: ProtoField, budget: { left: number }): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  for (const x of sub(f)) {
    if (x.field === 1) g.nodes.push(decodeNode(x, budget));
    else if (x.field === 2) g.name = readString(x, WHAT);
    else if (x.field === 5) g.initializers.push(decodeTensor(x, budget));
    else if (x.field === 11) g.inputs.push(decodeValueInfo(x));
    else if (x.field === 12) g.outputs.push(decodeValueInfo(x));
    else if (x.field === 15) throw new Error(`${WHAT}: sparse initializers (at byte ${x.at}) are not supported`);
  }
  return g;
}

function decodeNode(f: ProtoField, budget: { left: number }): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attrs: new Map() };
  for (const x of sub(f)) {
    if (x.field === 1) n.inputs.push(readString(x, WHAT));
    else if (x.field === 2) n.outputs.push(readString(x, WHAT));
    else if (x.field === 3) n.name = readString(x, WHAT);
    else if (x.field === 4) n.opType = readString(x, WHAT);
    else if (x.field === 5) {
      const a = decodeAttr(x, budget);
      n.attrs.set(a.name, a);
    } else if (x.field === 7) n.domain = readString(x, WHAT);
  }
  return n;
}

function decodeAttr(f: ProtoField, budget: { left: number }): OnnxAttr {
  const a: OnnxAttr = { name: '', type: 0 };
  for (const x of sub(f)) {
    if (x.field === 1) a.name = readString(x, WHAT);
    else if (x.field === 2) a.f = expectWire(x, Wire.Fixed32, WHAT).num;
    else if (x.field === 3) a.i = expectWire(x, Wire.Varint, WHAT).num;
    else if (x.field === 4) a.s = readString(x, WHAT);
    else if (x.field === 5) a.t = decodeTensor(x, budget);
    else if (x.field === 7) a.floats = [...(a.floats ?? []), ...readPackedFloats(x, WHAT)];
    else if (x.field === 8) a.ints = [...(a.ints ?? []), ...readPackedInts(x, WHAT)];
    else if (x.field === 9) a.strings = [...(a.strings ?? []), readString(x, WHAT)];
    else if (x.field === 20) a.type = expectWire(x, Wire.Varint, WHAT).num;
  }
  return a;
}

function decodeValueInfo(f: ProtoField): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, dims: null };
  for (const x of sub(f)) {
    if (x.field === 1) v.name = readString(x, WHAT);
    else if (x.field === 2) {
      for (const tt of sub(x)) {
        if (tt.field !== 1) continue; // only tensor types
        for (const y of sub(tt)) {
          if (y.field === 1) v.elemType = expectWire(y, Wire.Varint, WHAT).num;
          else if (y.field === 2)
            v.dims = sub(y)
              .filter((d) => d.field === 1)
              .map(decodeDim);
        }
      }
    }
  }
  return v;
}

function decodeDim(f: ProtoField): number | string | null {
  for (const x of sub(f)) {
    if (x.field === 1) return expectWire(x, Wire.Varint, WHAT).num;
    if (x.field === 2) return readString(x, WHAT);
  }
  return null;
}

/** Decodes a TensorProto, checking its sizes before reading its data. */
function decodeTensor(f: ProtoField, budget: { left: number }): OnnxTensor {
  const fields = sub(f);
  const t: OnnxTensor = { name: '', dataType: 0, dims: [], floats: null, ints: null };
  let raw: ProtoField | null = null;
  const typed: ProtoField[] = [];
  for (const x of fields) {
    if (x.field === 1) t.dims.push(...readPackedInts(x, WHAT));
    else if (x.field === 2) t.dataType = expectWire(x, Wire.Varint, WHAT).num;
    else if (x.field === 8) t.name = readString(x, WHAT);
    else if (x.field === 9) raw = x;
    else if (x.field === 4 || x.field === 5 || x.field === 7 || x.field === 10) typed.push(x);
    else if (x.field === 13 || x.field === 14)
      throw new Error(`${WHAT}: tensor '${t.name}' at byte ${f.at}: external data is not supported`);
  }
  const label = `tensor '${t.name}' (at byte ${f.at})`;
  for (const d of t.dims)
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${WHAT}: ${label}: dims must be non-negative integers, got [${t.dims}]`);
  const n = prod(t.dims);
  const size = ELEM_BYTES[t.dataType];
  if (size === undefined || t.dataType === 8) throw new Error(`${WHAT}: ${label}: ${dtypeName(t.dataType)} tensors are not supported`);
  if (n > budget.left) throw new Error(`${WHAT}: ${label}: ${n} elements exceed the remaining budget of ${budget.left} (maxParameters)`);
  budget.left -= n;
  if (raw) {
    if (raw.bytes.length !== n * size)
      throw new Error(
        `${WHAT}: ${label}: raw data of ${raw.bytes.length} bytes, expected ${n * size} for dims [${t.dims}] of ${dtypeName(t.dataType)}`,
      );
    readRaw(t, raw.bytes);
  } else {
    readTyped(t, typed, n, label);
  }
  return t;
}

const isFloat = (dt: number): boolean => dt === DT.FLOAT || dt === DT.DOUBLE || dt === DT.FLOAT16 || dt === DT.BFLOAT16;

function readRaw(t: OnnxTensor, b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length / ELEM_BYTES[t.dataType];
  if (isFloat(t.dataType)) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (t.dataType === DT.FLOAT) out[i] = dv.getFloat32(i * 4, true);
      else if (t.dataType === DT.DOUBLE) out[i] = dv.getFloat64(i * 8, true);
      else if (t.dataType === DT.FLOAT16) out[i] = f16ToF32(dv.getUint16(i * 2, true));
      else out[i] = bf16ToF32(dv.getUint16(i * 2, true));
    }
    t.floats = out;
    return;
  }
  const ints: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    switch (t.dataType) {
      case DT.INT64:
        ints[i] = Number(dv.getBigInt64(i * 8, true));
        break;
      case DT.INT32:
        ints[i] = dv.getInt32(i * 4, true);
        break;
      case 13:
        ints[i] = Number(dv.getBigUint64(i * 8, true));
        break;
      case 12:
        ints[i] = dv.getUint32(i * 4, true);
        break;
      case 5:
        ints[i] = dv.getInt16(i * 2, true);
        break;
      case 4:
        ints[i] = dv.getUint16(i * 2, true);
        break;
      case DT.INT8:
        ints[i] = dv.getInt8(i);
        break;
      default:
        ints[i] = dv.getUint8(i);
    }
  }
  t.ints = ints;
}

function readTyped(t: OnnxTensor, typed: ProtoField[], n: number, label: string): void {
  const vals: number[] = [];
  for (const x of typed) {
    if (x.field === 4) vals.push(...readPackedFloats(x, WHAT));
    else if (x.field === 10) vals.push(...readPackedDoubles(x));
    else vals.push(...readPackedInts(x, WHAT));
  }
  if (vals.length !== n) throw new Error(`${WHAT}: ${label}: ${vals.length} values, expected ${n} for dims [${t.dims}]`);
  if (t.dataType === DT.FLOAT16 || t.dataType === DT.BFLOAT16) {
    const conv = t.dataType === DT.FLOAT16 ? f16ToF32 : bf16ToF32;
    t.floats = Float32Array.from(vals, (v) => conv(v & 0xffff));
  } else if (isFloat(t.dataType)) t.floats = Float32Array.from(vals);
  else t.ints = vals;
}

function readPackedDoubles(f: ProtoField): number[] {
  if (f.wire === Wire.Fixed64) return [f.num];
  if (f.bytes.length % 8 !== 0) throw new Error(`${WHAT}: packed doubles of ${f.bytes.length} bytes at byte ${f.at}`);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  return Array.from({ length: f.bytes.length / 8 }, (_, i) => dv.getFloat64(i * 8, true));
}
