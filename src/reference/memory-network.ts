// A float64 MemN2N forward pass written from Sukhbaatar et al. 2015's equations, one story at a
// time, for the MemoryNetwork tests: position encoding l_kj = (1 - j/J) - (k/d)(1 - 2j/J) over the
// non-padding words, temporal encoding by recency (0 = the last sentence), memories older than
// memorySize and empty sentences left out, adjacent weight tying (hop k: keys E_{k-1} + T_{k-1},
// values E_k + T_k; the question embedded by E_0), logits = W u after the last hop.

export interface MemN2NWeights {
  embeddings: Float32Array[]; // K+1 of [V, d]
  temporal: Float32Array[] | null; // K+1 of [memorySize, d]
  answer: Float32Array; // [A, d]
}

export function memN2NForward(
  story: number[][], // [S][W] ids of one story
  question: number[],
  w: MemN2NWeights,
  d: number,
  memorySize: number,
  position: boolean,
): Float64Array {
  const bag = (ids: number[], E: Float32Array) => {
    const words = ids.filter((i) => i !== 0);
    const J = words.length;
    const out = new Float64Array(d);
    words.forEach((id, idx) => {
      const j = idx + 1;
      for (let k = 1; k <= d; k++) out[k - 1] += (position ? 1 - j / J - (k / d) * (1 - (2 * j) / J) : 1) * E[id * d + k - 1];
    });
    return out;
  };
  const kept = story.filter((s) => s.some((i) => i !== 0)).slice(-memorySize);
  const n = kept.length;
  const mem = (k: number) =>
    kept.map((s, i) => {
      const m = bag(s, w.embeddings[k]);
      if (w.temporal) for (let c = 0; c < d; c++) m[c] += w.temporal[k][(n - 1 - i) * d + c];
      return m;
    });
  let u = bag(question, w.embeddings[0]);
  const K = w.embeddings.length - 1;
  for (let k = 1; k <= K; k++) {
    const keys = mem(k - 1);
    const vals = mem(k);
    const scores = keys.map((m) => m.reduce((a, v, c) => a + v * u[c], 0));
    const top = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - top));
    const z = e.reduce((a, v) => a + v, 0);
    const o = new Float64Array(d);
    vals.forEach((c, i) => {
      for (let q = 0; q < d; q++) o[q] += (e[i] / z) * c[q];
    });
    u = u.map((v, q) => v + o[q]);
  }
  const A = w.answer.length / d;
  return Float64Array.from({ length: A }, (_, a) => u.reduce((s, v, q) => s + v * w.answer[a * d + q], 0));
}
