import type { Floats } from './types.js';

/** Twin of assembly/transpose.ts: out [batch, cols, rows] <- x [batch, rows, cols]. */
export function transpose_forward(out: Floats, x: Floats, batch: number, rows: number, cols: number): void {
  for (let b = 0; b < batch; b++)
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[b * rows * cols + c * rows + r] = x[b * rows * cols + r * cols + c];
}
