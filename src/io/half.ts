// Half-precision floats (IEEE binary16 and bfloat16) to float32, for the formats that store them.

/** IEEE half-precision bits -> the float they encode. @internal */
export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const BF = new DataView(new ArrayBuffer(4));

/** bfloat16 bits (the upper half of a float32) -> the float they encode. @internal */
export function bf16ToF32(h: number): number {
  BF.setUint32(0, (h & 0xffff) << 16);
  return BF.getFloat32(0);
}
