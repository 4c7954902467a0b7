// The Neural Turing Machine's addressing and memory write (Graves et al. 2014, §3.3), each one
// tape node with its backward beside it, in place of the ~25 small ops they were composed of.
// Addressing, per batch row, from the head's raw outputs p = [k̂ (M), β̂, ĝ, ŝ (2S+1), γ̂]:
//   k = tanh(k̂)  β = softplus(β̂)  g = σ(ĝ)  s = softmax(ŝ)  γ = 1 + softplus(γ̂)
//   cos_i = M_i·k / (|M_i||k| + 1e-8)        content: w^c = softmax(β cos)
//   w^g = g w^c + (1 - g) w_prev              interpolation
//   w̃_i = Σ_j w^g_{(i - j + S) mod N} s_j     shift (ops/circular-conv.ts's convention)
//   w_i = (w̃_i + 1e-12)^γ / Σ_l (w̃_l + 1e-12)^γ   sharpening
// Write: M' = M ⊙ (1 - w eᵀ) + w aᵀ with e = σ(ê), a = tanh(â). Both run in plain loops (f64
// accumulators): the sizes are small (a 32×16 memory), and one node per head and step is what
// removes the cost — each composed op paid an allocation, a broadcast and a tape entry.
import { Tensor, fmtShape } from '../tensor.js';
import { needsGrad, record } from '../tape.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** w [B,N] from head outputs p [B, M+4+2S], memory [B,N,M] and the previous weighting [B,N]. @internal */
export function ntmAddress(p: Tensor, memory: Tensor, wPrev: Tensor, S: number): Tensor {
  const [B, N, M] = memory.shape;
  const K = 2 * S + 1;
  const P = M + 3 + K;
  if (p.ndim !== 2 || p.shape[0] !== B || p.shape[1] !== P) throw new Error(`ntmAddress: p must be [${B},${P}], got ${fmtShape(p.shape)}`);
  if (wPrev.ndim !== 2 || wPrev.shape[0] !== B || wPrev.shape[1] !== N)
    throw new Error(`ntmAddress: wPrev must be [${B},${N}], got ${fmtShape(wPrev.shape)}`);
  const pd = p.peek();
  const md = memory.peek();
  const wp = wPrev.peek();
  // per row, what backward needs
  const k = new Float64Array(B * M);
  const par = new Float64Array(B * 4); // β, g, γ, |k|
  const s = new Float64Array(B * K);
  const norm = new Float64Array(B * N);
  const dot = new Float64Array(B * N);
  const cos = new Float64Array(B * N);
  const wc = new Float64Array(B * N);
  const wg = new Float64Array(B * N);
  const wt = new Float64Array(B * N);
  const logWt = new Float64Array(B * N); // log(w̃ + ε), for the sharpening's power and its gradient
  const out = new Float32Array(B * N);
  // the shift's source slot (i - j + S) mod N for every slot i and offset j, once (a modulo in the
  // inner loops cost more than their multiply-adds)
  const from = new Int32Array(N * K);
  const pws = new Float64Array(N); // a row's (w̃ + ε)^γ before normalising
  for (let i = 0; i < N; i++) for (let j = 0; j < K; j++) from[i * K + j] = (((i - j + S) % N) + N) % N;
  for (let b = 0; b < B; b++) {
    const o = b * P;
    let kk = 0;
    for (let m = 0; m < M; m++) {
      const v = Math.tanh(pd[o + m]);
      k[b * M + m] = v;
      kk += v * v;
    }
    const kn = Math.sqrt(kk);
    const beta = softplus(pd[o + M]);
    const g = sigmoid(pd[o + M + 1]);
    const gamma = 1 + softplus(pd[o + M + 2 + K]);
    par[b * 4] = beta;
    par[b * 4 + 1] = g;
    par[b * 4 + 2] = gamma;
    par[b * 4 + 3] = kn;
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < K; j++) top = Math.max(top, pd[o + M + 2 + j]);
    let zs = 0;
    for (let j = 0; j < K; j++) zs += s[b * K + j] = Math.exp(pd[o + M + 2 + j] - top);
    for (let j = 0; j < K; j++) s[b * K + j] /= zs;
    let zmax = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < N; i++) {
      let d = 0;
      let n2 = 0;
      for (let m = 0; m < M; m++) {
        const x = md[(b * N + i) * M + m];
        d += x * k[b * M + m];
        n2 += x * x;
      }
      const r = b * N + i;
      norm[r] = Math.sqrt(n2);
      dot[r] = d;
      cos[r] = d / (norm[r] * kn + 1e-8);
      zmax = Math.max(zmax, beta * cos[r]);
    }
    let zc = 0;
    for (let i = 0; i < N; i++) zc += wc[b * N + i] = Math.exp(beta * cos[b * N + i] - zmax);
    for (let i = 0; i < N; i++) {
      const r = b * N + i;
      wc[r] /= zc;
      wg[r] = g * wc[r] + (1 - g) * wp[r];
    }
    let zp = 0;
    for (let i = 0; i < N; i++) {
      let acc = 0;
      for (let j = 0; j < K; j++) acc += wg[b * N + from[i * K + j]] * s[b * K + j];
      const r = b * N + i;
      wt[r] = acc;
      logWt[r] = Math.log(acc + 1e-12);
      const pw = Math.exp(gamma * logWt[r]);
      pws[i] = pw;
      zp += pw;
    }
    for (let i = 0; i < N; i++) out[b * N + i] = pws[i] / zp;
  }
  const w = new Tensor(out, [B, N]);
  if (!needsGrad(p, memory, wPrev)) return w;
  record('ntmAddress', [p, memory, wPrev], [w], ([gw]) => {
    const dp = new Float32Array(B * P);
    const dm = new Float32Array(B * N * M);
    const dwp = new Float32Array(B * N);
    const dwt = new Float64Array(N);
    const dwg = new Float64Array(N);
    const dz = new Float64Array(N);
    const dk = new Float64Array(M);
    for (let b = 0; b < B; b++) {
      const beta = par[b * 4];
      const g = par[b * 4 + 1];
      const gamma = par[b * 4 + 2];
      const kn = par[b * 4 + 3];
      const o = b * P;
      // sharpening: w = pw / Σ pw, pw = exp(γ L), L = log(w̃ + ε). The gradient of pw_i is
      // (gw_i - Σ_j gw_j w_j) / Σ pw, and pw_i / Σ pw = w_i, so with u_i = (gw_i - Σ gw w)·w_i:
      //   dγ = Σ_i u_i L_i,   dw̃_i = u_i γ / (w̃_i + ε)
      let sdw = 0;
      for (let i = 0; i < N; i++) sdw += gw![b * N + i] * out[b * N + i];
      let dgamma = 0;
      for (let i = 0; i < N; i++) {
        const r = b * N + i;
        const u = (gw![r] - sdw) * out[r];
        dgamma += u * logWt[r];
        dwt[i] = (u * gamma) / (wt[r] + 1e-12);
      }
      // shift
      dwg.fill(0);
      for (let j = 0; j < K; j++) {
        let ds = 0;
        for (let i = 0; i < N; i++) {
          const q = from[i * K + j];
          dwg[q] += dwt[i] * s[b * K + j];
          ds += dwt[i] * wg[b * N + q];
        }
        dp[o + M + 2 + j] = ds; // the gradient of s_j for now; through the softmax below
      }
      let ss = 0;
      for (let j = 0; j < K; j++) ss += s[b * K + j] * dp[o + M + 2 + j];
      for (let j = 0; j < K; j++) dp[o + M + 2 + j] = s[b * K + j] * (dp[o + M + 2 + j] - ss);
      // interpolation
      let dg = 0;
      for (let i = 0; i < N; i++) {
        const r = b * N + i;
        dg += dwg[i] * (wc[r] - wp[r]);
        dwp[r] = (1 - g) * dwg[i];
      }
      // content: wc = softmax(β cos)
      let sc = 0;
      for (let i = 0; i < N; i++) sc += wc[b * N + i] * g * dwg[i];
      let dbeta = 0;
      let dkn = 0;
      dk.fill(0);
      for (let i = 0; i < N; i++) {
        const r = b * N + i;
        dz[i] = wc[r] * (g * dwg[i] - sc);
        dbeta += dz[i] * cos[r];
        const dcos = beta * dz[i];
        const D = norm[r] * kn + 1e-8;
        const ddot = dcos / D;
        const dD = (-dcos * dot[r]) / (D * D);
        dkn += dD * norm[r];
        const dn = dD * kn;
        for (let m = 0; m < M; m++) {
          const x = md[(b * N + i) * M + m];
          dm[(b * N + i) * M + m] = ddot * k[b * M + m] + (norm[r] > 0 ? (dn * x) / norm[r] : 0);
          dk[m] += ddot * x;
        }
      }
      for (let m = 0; m < M; m++) {
        const km = k[b * M + m];
        const dkm = dk[m] + (kn > 0 ? (dkn * km) / kn : 0);
        dp[o + m] = dkm * (1 - km * km);
      }
      dp[o + M] = dbeta * sigmoid(pd[o + M]);
      dp[o + M + 1] = dg * g * (1 - g);
      dp[o + M + 2 + K] = dgamma * sigmoid(pd[o + M + 2 + K]);
    }
    return [dp, dm, dwp];
  });
  return w;
}

/** M' = M ⊙ (1 - w eᵀ) + w aᵀ with e = σ(ê), a = tanh(â): memory [B,N,M], w [B,N], ê, â [B,M]. @internal */
export function ntmWrite(memory: Tensor, w: Tensor, eRaw: Tensor, aRaw: Tensor): Tensor {
  const [B, N, M] = memory.shape;
  const md = memory.peek();
  const wd = w.peek();
  // (loops: Float64Array.from with a map function iterates generically, 7x slower on 256 floats)
  const er = eRaw.peek();
  const ar = aRaw.peek();
  const e = new Float64Array(er.length);
  const a = new Float64Array(ar.length);
  for (let q = 0; q < er.length; q++) e[q] = sigmoid(er[q]);
  for (let q = 0; q < ar.length; q++) a[q] = Math.tanh(ar[q]);
  const out = new Float32Array(B * N * M);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < N; i++) {
      const wi = wd[b * N + i];
      for (let m = 0; m < M; m++) {
        const x = (b * N + i) * M + m;
        out[x] = md[x] * (1 - wi * e[b * M + m]) + wi * a[b * M + m];
      }
    }
  const y = new Tensor(out, [B, N, M]);
  if (!needsGrad(memory, w, eRaw, aRaw)) return y;
  record('ntmWrite', [memory, w, eRaw, aRaw], [y], ([g]) => {
    const dm = new Float32Array(B * N * M);
    const dw = new Float32Array(B * N);
    const de = new Float32Array(B * M);
    const da = new Float32Array(B * M);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < N; i++) {
        const wi = wd[b * N + i];
        let acc = 0;
        for (let m = 0; m < M; m++) {
          const x = (b * N + i) * M + m;
          const em = e[b * M + m];
          const am = a[b * M + m];
          const gx = g![x];
          dm[x] = gx * (1 - wi * em);
          acc += gx * (am - md[x] * em);
          de[b * M + m] -= gx * md[x] * wi;
          da[b * M + m] += gx * wi;
        }
        dw[b * N + i] = acc;
      }
    for (let q = 0; q < B * M; q++) {
      de[q] *= e[q] * (1 - e[q]);
      da[q] *= 1 - a[q] * a[q];
    }
    return [dm, dw, de, da];
  });
  return y;
}
