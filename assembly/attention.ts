// Additive (Bahdanau) attention scores for B batches of Tq queries against Tk keys, after the op
// has projected both into the scorer's width A (qa = q·W_qᵀ [B,Tq,A], ka = k·W_kᵀ [B,Tk,A]):
//   e[b,i,j] = tanh(qa[b,i] + ka[b,j])  [A]      s[b,i,j] = v·e[b,i,j]
// Forward writes s [B,Tq,Tk] and, when e ≠ 0, keeps e [B,Tq,Tk,A] for backward, which turns
// ds [B,Tq,Tk] into dqa, dka (accumulated: zero them first) and dv [A] (accumulated):
//   de = ds[b,i,j] · v ⊙ (1 - e²)   dqa[b,i] += de   dka[b,j] += de   dv += ds[b,i,j] · e
// The [B,Tq,Tk,A] sum and its tanh are never formed as tensors (the composed form broadcasts,
// adds, applies tanh and multiplies by v as four ops, each a copy in and out of wasm).
import { tanhf, vtanh } from './vmath';

export function additive_scores_forward(
  s: usize, e: usize, qa: usize, ka: usize, v: usize, B: i32, Tq: i32, Tk: i32, A: i32,
): void {
  const ab = <usize>A << 2;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Tq; i++) {
      const q = qa + (<usize>b * Tq + i) * ab;
      for (let j = 0; j < Tk; j++) {
        const kr = ka + (<usize>b * Tk + j) * ab;
        const cell = (<usize>b * Tq + i) * Tk + j;
        const er = e + cell * ab;
        let a = 0;
        let sum: f32 = 0;
        if (ASC_FEATURE_SIMD) {
          let acc = f32x4.splat(0);
          for (; a + 4 <= A; a += 4) {
            const o = <usize>a << 2;
            const t = vtanh(f32x4.add(v128.load(q + o), v128.load(kr + o)), true);
            if (e) v128.store(er + o, t);
            acc = f32x4.add(acc, f32x4.mul(t, v128.load(v + o)));
          }
          sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
        }
        for (; a < A; a++) {
          const o = <usize>a << 2;
          const t = tanhf(load<f32>(q + o) + load<f32>(kr + o));
          if (e) store<f32>(er + o, t);
          sum += t * load<f32>(v + o);
        }
        store<f32>(s + (cell << 2), sum);
      }
    }
  }
}

export function additive_scores_backward(
  dqa: usize, dka: usize, dv: usize, ds: usize, e: usize, v: usize, B: i32, Tq: i32, Tk: i32, A: i32,
): void {
  const ab = <usize>A << 2;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Tq; i++) {
      const dq = dqa + (<usize>b * Tq + i) * ab;
      for (let j = 0; j < Tk; j++) {
        const cell = (<usize>b * Tq + i) * Tk + j;
        const g = load<f32>(ds + (cell << 2));
        if (g == 0) continue; // a hidden key (or a zero gradient) contributes nothing
        const dk = dka + (<usize>b * Tk + j) * ab;
        const er = e + cell * ab;
        let a = 0;
        if (ASC_FEATURE_SIMD) {
          const gv = f32x4.splat(g);
          const one = f32x4.splat(1.0);
          for (; a + 4 <= A; a += 4) {
            const o = <usize>a << 2;
            const t = v128.load(er + o);
            v128.store(dv + o, f32x4.add(v128.load(dv + o), f32x4.mul(gv, t)));
            const de = f32x4.mul(f32x4.mul(gv, v128.load(v + o)), f32x4.sub(one, f32x4.mul(t, t)));
            v128.store(dq + o, f32x4.add(v128.load(dq + o), de));
            v128.store(dk + o, f32x4.add(v128.load(dk + o), de));
          }
        }
        for (; a < A; a++) {
          const o = <usize>a << 2;
          const t = load<f32>(er + o);
          store<f32>(dv + o, load<f32>(dv + o) + g * t);
          const de = g * load<f32>(v + o) * (1 - t * t);
          store<f32>(dq + o, load<f32>(dq + o) + de);
          store<f32>(dk + o, load<f32>(dk + o) + de);
        }
      }
    }
  }
}
