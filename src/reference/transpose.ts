import type { Floats } from './types.js';

/** Twin of assembly/transpose.ts: out [batch, cols, rows] <- x [batch, rows, cols]. */
export function transpose_forward(out: Floats, x: Floats, batch: number, rows: number, cols: number): void {
  for (let b = 0; b < batch; b++)
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[b * rows * cols + c * rows + r] = x[b * rows * cols + r * cols + c];
}

/** Twin of assembly/transpose.ts: rows r0..r1-1 of x [rows, cols] into columns r0..r1-1 of out [cols, rows]. */
export function transpose_rows(out: Floats, x: Floats, rows: number, cols: number, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
}

/** Rows r0..r1-1 of src (rows of n floats) to the float offsets map[r] of dst, none where map[r] < 0. */
export function gather_rows(dst: Floats, src: Floats, map: ArrayLike<number>, n: number, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) {
    if (map[r] < 0) continue;
    for (let i = 0; i < n; i++) dst[map[r] + i] = src[r * n + i];
  }
}

/** Rows r0..r1-1 of dst (rows of n floats) from the float offsets map[r] of src, zeros where map[r] < 0. */
export function pick_rows(dst: Floats, src: Floats, map: ArrayLike<number>, n: number, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) for (let i = 0; i < n; i++) dst[r * n + i] = map[r] < 0 ? 0 : src[map[r] + i];
}

/** Rows 0..rows-1 of src (rows of n floats) added into dst at the float offsets map[r]. */
export function scatter_add_rows(dst: Floats, src: Floats, map: ArrayLike<number>, n: number, rows: number): void {
  for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) dst[map[r] + i] += src[r * n + i];
}
