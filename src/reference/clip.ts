import type { Floats } from './types.js';

/** Twin of assembly/clip.ts: clamp into [lo, hi]. */
export function clip_value(x: Floats, lo: number, hi: number, n: number): void {
  for (let i = 0; i < n; i++) x[i] = Math.min(Math.max(x[i], lo), hi);
}
