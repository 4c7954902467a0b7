// out [batch, cols, rows] <- x [batch, rows, cols], in strips of 4 columns by up to 256 rows: each
// strip writes 4 output rows front to back (whole cache lines, streaming) while its 256 input lines
// stay in L1 for the next three strips. Square 8×8 or 16×16 blocks were 2.5-3x slower on
// [2048×768] (alternating builds): their output rows sit rows·4 bytes apart, a power of two there,
// so the lines of one block fall into one cache set and each is written in pieces.

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
  for (let b = 0; b < batch; b++) {
    transpose_rows(out + ((<usize>b * plane) << 2), x + ((<usize>b * plane) << 2), rows, cols, 0, rows);
  }
}

// Rows r0..r1-1 of x [rows, cols] into columns r0..r1-1 of out [cols, rows]: the share of one
// transpose that a thread takes (a share that does not start on a multiple of 4 rows has a
// ragged edge, done element by element).
export function transpose_rows(out: usize, x: usize, rows: i32, cols: i32, r0: i32, r1: i32): void {
  const xs = <usize>cols << 2; // bytes between rows of x
  const os = <usize>rows << 2; // bytes between rows of out
  for (let rb = r0; rb < r1; rb += 256) {
    const re = min(r1, rb + 256);
    for (let c = 0; c < cols; c += 4) {
      const ce = min(cols, c + 4);
      for (let r = rb; r < re; r += 4) {
        if (ASC_FEATURE_SIMD && r + 4 <= re && ce - c == 4) {
          transpose4x4(out + <usize>c * os + (<usize>r << 2), os, x + <usize>r * xs + (<usize>c << 2), xs);
          continue;
        }
        // a ragged edge, element by element
        const rl = min(re, r + 4);
        for (let i = r; i < rl; i++) {
          for (let j = c; j < ce; j++) store<f32>(out + ((<usize>j * rows + i) << 2), load<f32>(x + ((<usize>i * cols + j) << 2)));
        }
      }
    }
  }
}

// Rows r0..r1-1 of src (rows of n floats) to their places in dst: row r goes to the float offset
// map[r] of dst, or nowhere when map[r] < 0 (a recurrent layer's time-major steps into the output's
// batch-major layout, the padding left as it is).
export function gather_rows(dst: usize, src: usize, map: usize, n: i32, r0: i32, r1: i32): void {
  const rb = <usize>n << 2;
  for (let r = r0; r < r1; r++) {
    const d = load<i32>(map + (<usize>r << 2));
    if (d >= 0) memory.copy(dst + (<usize>d << 2), src + <usize>r * rb, rb);
  }
}

// The reverse of gather_rows: rows r0..r1-1 of dst (rows of n floats) from the float offsets map[r]
// of src, zeros where map[r] < 0 (a batch-major input into a recurrent layer's time-major steps,
// the padding steps zero).
export function pick_rows(dst: usize, src: usize, map: usize, n: i32, r0: i32, r1: i32): void {
  const rb = <usize>n << 2;
  for (let r = r0; r < r1; r++) {
    const s = load<i32>(map + (<usize>r << 2));
    if (s >= 0) memory.copy(dst + <usize>r * rb, src + (<usize>s << 2), rb);
    else memory.fill(dst + <usize>r * rb, 0, rb);
  }
}

// Rows 0..rows-1 of src (rows of n floats) added into dst at the float offsets map[r] (rows that
// share an offset sum there: an embedding's gradient, an id repeated). One thread: rows collide.
export function scatter_add_rows(dst: usize, src: usize, map: usize, n: i32, rows: i32): void {
  const rb = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const d = dst + (<usize>load<i32>(map + (<usize>r << 2)) << 2);
    const s = src + <usize>r * rb;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
      }
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
    }
  }
}
