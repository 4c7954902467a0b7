// Synthetic unsegmented sequences for CTC: each label (1..K) emits 2-4 noisy frames and
// silences of 0-2 noise-only frames separate them (at least one between two equal labels), so
// the frame-level alignment is unknown to the learner, as in speech or handwriting.
export interface CtcSample {
  frames: number[][];
  labels: number[];
}

export function ctcSample(rng: () => number, K = 4, F = 6): CtcSample {
  const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
  const n = 2 + Math.floor(rng() * 4);
  const labels: number[] = [];
  const frames: number[][] = [];
  const noise = () => Array.from({ length: F }, () => 0.3 * gauss());
  for (let i = 0; i < n; i++) {
    const label = 1 + Math.floor(rng() * K);
    const gap = Math.floor(rng() * 3) + (labels.length && labels[labels.length - 1] === label ? 1 : 0);
    for (let g = 0; g < gap; g++) frames.push(noise());
    const len = 2 + Math.floor(rng() * 3);
    for (let f = 0; f < len; f++) {
      const v = noise();
      v[label - 1] += 1;
      frames.push(v);
    }
    labels.push(label);
  }
  return { frames, labels };
}

/** Levenshtein distance between two label sequences. */
export function editDistance(a: number[], b: number[]): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** Pads samples into one batch: frames [B, Tmax, F] (flat, batch-first) and each sequence's length. */
export function padFrames(samples: CtcSample[]): { x: Float32Array; shape: [number, number, number]; lengths: number[] } {
  const T = Math.max(...samples.map((s) => s.frames.length));
  const F = samples[0].frames[0].length;
  const x = new Float32Array(samples.length * T * F);
  samples.forEach((s, b) => s.frames.forEach((f, t) => x.set(f, (b * T + t) * F)));
  return { x, shape: [samples.length, T, F], lengths: samples.map((s) => s.frames.length) };
}
