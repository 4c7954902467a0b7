// Protocol Buffers wire format, the part ONNX needs: varints (int64 read exactly where it fits a
// double and clamped past ±2^63 as protobuf's own readers do), length-delimited fields, fixed32 /
// fixed64 and packed repeated numbers. The writer builds a message from fields in order; the reader
// checks every length and offset against the bytes it was given before it slices anything, so a
// truncated or corrupted file is an error naming the byte offset, never a huge allocation.

/** Wire types of protobuf fields. @internal */
export enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  Fixed32 = 5,
}

const TEXT = new TextEncoder();
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Builds one protobuf message; nested messages are written by a child writer. @internal */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(256);
  private pos = 0;

  private reserve(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    this.chunks.push(this.cur.subarray(0, this.pos));
    this.cur = new Uint8Array(Math.max(256, n, this.cur.length * 2));
    this.pos = 0;
  }

  private varint(v: number | bigint): void {
    let b = BigInt.asUintN(64, BigInt(v));
    this.reserve(10);
    while (b >= 0x80n) {
      this.cur[this.pos++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.cur[this.pos++] = Number(b);
  }

  private tag(field: number, wire: Wire): void {
    this.varint((field << 3) | wire);
  }

  /** An int32 / int64 / enum / bool field (negative numbers as 10-byte two's complement). */
  int(field: number, v: number | bigint): this {
    this.tag(field, Wire.Varint);
    this.varint(v);
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, v: number): this {
    this.tag(field, Wire.Fixed32);
    this.reserve(4);
    new DataView(this.cur.buffer, this.cur.byteOffset + this.pos, 4).setFloat32(0, v, true);
    this.pos += 4;
    return this;
  }

  /** A bytes field. */
  bytes(field: number, v: Uint8Array): this {
    this.tag(field, Wire.Bytes);
    this.varint(v.length);
    this.reserve(v.length);
    this.cur.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, v: string): this {
    return this.bytes(field, TEXT.encode(v));
  }

  /** An embedded message field. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, vs: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of vs) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, vs: ArrayLike<number>): this {
    const buf = new Uint8Array(vs.length * 4);
    const dv = new DataView(buf.buffer);
    for (let i = 0; i < vs.length; i++) dv.setFloat32(i * 4, vs[i], true);
    return this.bytes(field, buf);
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const parts = [...this.chunks, this.cur.subarray(0, this.pos)];
    const n = parts.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** One decoded field: a number for varint / fixed fields, the bytes of a length-delimited one. @internal */
export interface ProtoField {
  field: number;
  wire: Wire;
  /** Varint (as a double, exact up to 2^53), fixed32 / fixed64 raw bits as a number. */
  num: number;
  /** Length-delimited payload (a view into the input). */
  bytes: Uint8Array;
  /** Byte offset of the field in the outermost buffer, for error messages. */
  at: number;
}

const EMPTY = new Uint8Array(0);

/** Decodes the fields of one message. `what` names it in errors; `base` is its offset in the file. @internal */
export function readFields(buf: Uint8Array, what: string, base = 0): ProtoField[] {
  const out: ProtoField[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = 0;
  const fail = (msg: string): never => {
    throw new Error(`${what}: malformed protobuf at byte ${base + p}: ${msg}`);
  };
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (p >= buf.length) fail('a varint runs past the end of the data');
      if (shift > 63n) fail('a varint is longer than 10 bytes');
      const b = buf[p++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, v);
    }
  };
  while (p < buf.length) {
    const at = base + p;
    const key = varint();
    const wire = Number(key & 7n) as Wire;
    const field = Number(key >> 3n);
    if (field === 0) fail('field number 0');
    if (wire === Wire.Varint) {
      out.push({ field, wire, num: Number(BigInt.asIntN(64, varint())), bytes: EMPTY, at });
    } else if (wire === Wire.Bytes) {
      const len = varint();
      if (len > BigInt(buf.length - p)) fail(`a field of ${len} bytes, but only ${buf.length - p} remain`);
      const n = Number(len);
      out.push({ field, wire, num: 0, bytes: buf.subarray(p, p + n), at });
      p += n;
    } else if (wire === Wire.Fixed32) {
      if (p + 4 > buf.length) fail('a fixed32 field runs past the end of the data');
      out.push({ field, wire, num: dv.getFloat32(p, true), bytes: buf.subarray(p, p + 4), at });
      p += 4;
    } else if (wire === Wire.Fixed64) {
      if (p + 8 > buf.length) fail('a fixed64 field runs past the end of the data');
      out.push({ field, wire, num: dv.getFloat64(p, true), bytes: buf.subarray(p, p + 8), at });
      p += 8;
    } else {
      fail(`wire type ${wire} (groups and unknown types are not supported)`);
    }
  }
  return out;
}

/** Decodes a packed (or single, unpacked) repeated varint field's values. @internal */
export function readPackedInts(f: ProtoField, what: string): number[] {
  if (f.wire === Wire.Varint) return [f.num];
  return readFieldsOfVarints(f.bytes, what, f.at);
}

function readFieldsOfVarints(buf: Uint8Array, what: string, base: number): number[] {
  const out: number[] = [];
  let p = 0;
  while (p < buf.length) {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (p >= buf.length || shift > 63n) throw new Error(`${what}: malformed packed integers at byte ${base + p}`);
      const b = buf[p++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    out.push(Number(BigInt.asIntN(64, v)));
  }
  return out;
}

/** Decodes a packed (or single) repeated float field. @internal */
export function readPackedFloats(f: ProtoField, what: string): number[] {
  if (f.wire === Wire.Fixed32) return [f.num];
  if (f.bytes.length % 4 !== 0) throw new Error(`${what}: packed floats of ${f.bytes.length} bytes (not a multiple of 4) at byte ${f.at}`);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: number[] = new Array(f.bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

/** A length-delimited field as UTF-8 text. @internal */
export function readString(f: ProtoField, what: string): string {
  if (f.wire !== Wire.Bytes) throw new Error(`${what}: expected a string at byte ${f.at}, got wire type ${f.wire}`);
  try {
    return UTF8.decode(f.bytes);
  } catch {
    throw new Error(`${what}: a string at byte ${f.at} is not valid UTF-8`);
  }
}

/** Checks that a field has the wire type its schema gives. @internal */
export function expectWire(f: ProtoField, wire: Wire, what: string): ProtoField {
  if (f.wire !== wire) throw new Error(`${what}: field ${f.field} at byte ${f.at} has wire type ${f.wire}, expected ${wire}`);
  return f;
}
