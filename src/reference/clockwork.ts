// Plain twins of assembly/clockwork.ts, and a whole-sequence Clockwork RNN from the paper's
// equations (Koutník et al. 2014), one sequence at a time with no sorting or packing, for the
// layer's tests: modules i = 0..g-1 of sizes[i] units with periods[i]; at step t (from 0) module i
// ticks when t mod periods[i] = 0, reading x_t and the units of the modules j >= i; the other
// modules keep their values.
import type { Floats } from './types.js';

export function clockwork_step_forward(y: Floats, xw: Floats, hPrev: Floats, mask: Floats, rows: number, H: number, relu: boolean): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const i = r * H + j;
      y[i] = mask[j] !== 0 ? (relu ? Math.max(xw[i], 0) : Math.tanh(xw[i])) : hPrev[i];
    }
}

export function clockwork_step_backward(
  dz: Floats,
  dPrev: Floats,
  dh: Floats,
  y: Floats,
  mask: Floats,
  rows: number,
  H: number,
  relu: boolean,
): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const i = r * H + j;
      const on = mask[j] !== 0;
      dz[i] = on ? (relu ? (y[i] > 0 ? dh[i] : 0) : dh[i] * (1 - y[i] * y[i])) : 0;
      dPrev[i] = on ? 0 : dh[i];
    }
}

/** x [B,T,I] batch-first; lengths per sequence (default T); h0 [B,H] or null. */
export function clockworkSequence(
  x: Floats,
  B: number,
  T: number,
  I: number,
  sizes: readonly number[],
  periods: readonly number[],
  w: { wIh: Floats; wHh: Floats; bIh: Floats | null; bHh: Floats | null },
  opts: { relu?: boolean; lengths?: readonly number[]; h0?: Floats | null } = {},
): { output: Float64Array; hN: Float64Array } {
  const H = sizes.reduce((a, v) => a + v, 0);
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, v) => a + v, 0));
  const moduleOf = (u: number) => {
    let m = 0;
    while (m + 1 < starts.length && starts[m + 1] <= u) m++;
    return m;
  };
  const output = new Float64Array(B * T * H);
  const hN = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    const len = opts.lengths?.[b] ?? T;
    let h = Float64Array.from({ length: H }, (_, j) => (opts.h0 ? opts.h0[b * H + j] : 0));
    for (let t = 0; t < len; t++) {
      const next = h.slice();
      for (let u = 0; u < H; u++) {
        const m = moduleOf(u);
        if (t % periods[m] !== 0) continue;
        let a = (w.bIh ? w.bIh[u] : 0) + (w.bHh ? w.bHh[u] : 0);
        for (let i = 0; i < I; i++) a += w.wIh[u * I + i] * x[(b * T + t) * I + i];
        for (let v = starts[m]; v < H; v++) a += w.wHh[u * H + v] * h[v];
        next[u] = opts.relu ? Math.max(a, 0) : Math.tanh(a);
      }
      h = next;
      output.set(h, (b * T + t) * H);
    }
    hN.set(h, b * H);
  }
  return { output, hN };
}
