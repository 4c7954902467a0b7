// out [batch, cols, rows] <- x [batch, rows, cols], in 8×8 blocks so both sides stay in cache;
// full blocks move as four 4×4 register transposes, edges element by element.

// Four rows of four floats x[r][c] (rows xStride bytes apart) -> out[c][r] (rows outStride apart).
// @ts-ignore: decorator
@inline export function transpose4x4(out: usize, outStride: usize, x: usize, xStride: usize): void {
  const r0 = v128.load(x);
  const r1 = v128.load(x + xStride);
  const r2 = v128.load(x + 2 * xStride);
  const r3 = v128.load(x + 3 * xStride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(out + outStride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(out + 2 * outStride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(out + 3 * outStride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

export function transpose_forward(out: usize, x: usize, batch: i32, rows: i32, cols: i32): void {
  const plane = <usize>rows * cols;
  const xs = <usize>cols << 2; // bytes between rows of x
  const os = <usize>rows << 2; // bytes between rows of out
  for (let b = 0; b < batch; b++) {
    const xb = x + ((<usize>b * plane) << 2);
    const ob = out + ((<usize>b * plane) << 2);
    for (let r0 = 0; r0 < rows; r0 += 8) {
      const r1 = min(rows, r0 + 8);
      for (let c0 = 0; c0 < cols; c0 += 8) {
        const c1 = min(cols, c0 + 8);
        if (ASC_FEATURE_SIMD) {
          if (r1 - r0 == 8 && c1 - c0 == 8) {
            for (let i = 0; i < 8; i += 4) {
              for (let j = 0; j < 8; j += 4) {
                transpose4x4(ob + <usize>(c0 + j) * os + (<usize>(r0 + i) << 2), os, xb + <usize>(r0 + i) * xs + (<usize>(c0 + j) << 2), xs);
              }
            }
            continue;
          }
        }
        for (let r = r0; r < r1; r++) {
          for (let c = c0; c < c1; c++) {
            store<f32>(ob + ((<usize>c * rows + r) << 2), load<f32>(xb + ((<usize>r * cols + c) << 2)));
          }
        }
      }
    }
  }
}
