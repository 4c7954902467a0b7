// out [batch, cols, rows] <- x [batch, rows, cols], in 8×8 blocks so both sides stay in cache.
export function transpose_forward(out: usize, x: usize, batch: i32, rows: i32, cols: i32): void {
  const plane = <usize>rows * cols;
  for (let b = 0; b < batch; b++) {
    const xb = x + ((<usize>b * plane) << 2);
    const ob = out + ((<usize>b * plane) << 2);
    for (let r0 = 0; r0 < rows; r0 += 8) {
      const r1 = min(rows, r0 + 8);
      for (let c0 = 0; c0 < cols; c0 += 8) {
        const c1 = min(cols, c0 + 8);
        for (let r = r0; r < r1; r++) {
          for (let c = c0; c < c1; c++) {
            store<f32>(ob + ((<usize>c * rows + r) << 2), load<f32>(xb + ((<usize>r * cols + c) << 2)));
          }
        }
      }
    }
  }
}
