// The NTM copy task: a sequence of random bit vectors, a delimiter, then the machine must write
// the sequence back while its input is blank.
//   input  [B, 2L+1, W+1]: L bit vectors (channel W = 0), the delimiter (channel W = 1), L blanks
//   target [B, L, W]: the bit vectors, compared with the last L outputs
export function copyBatch(rng: () => number, B: number, L: number, W: number): { x: Float32Array; y: Float32Array; T: number } {
  const T = 2 * L + 1;
  const x = new Float32Array(B * T * (W + 1));
  const y = new Float32Array(B * L * W);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < L; t++)
      for (let j = 0; j < W; j++) {
        const bit = rng() < 0.5 ? 1 : 0;
        x[(b * T + t) * (W + 1) + j] = bit;
        y[(b * L + t) * W + j] = bit;
      }
    x[(b * T + L) * (W + 1) + W] = 1;
  }
  return { x, y, T };
}

/** A small seeded uniform [0,1) generator (mulberry32), so runs are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = (seed * 2654435761 + 0x6d2b79f5) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
