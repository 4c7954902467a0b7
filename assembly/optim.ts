// In-place optimiser updates over one parameter tensor [n], with PyTorch's exact formulas
// (torch.optim, foreach=False). Step-dependent scalars (bias corrections, decayed learning
// rates) are computed once per step by the caller; the kernels are pure elementwise passes.

// SGD: g = grad + wd·p;  buf = first ? g : momentum·buf + (1 - dampening)·g;
//      g = nesterov ? g + momentum·buf : buf (when momentum ≠ 0);  p -= lr·g
export function sgd_update(
  param: usize, grad: usize, buf: usize, n: i32,
  lr: f32, momentum: f32, dampening: f32, weightDecay: f32, nesterov: bool, first: bool,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr), vm = f32x4.splat(momentum), vd = f32x4.splat(1 - dampening);
    const vwd = f32x4.splat(weightDecay);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      let g = f32x4.add(v128.load(grad + o), f32x4.mul(vwd, p));
      if (momentum != 0) {
        let b = first ? g : f32x4.add(f32x4.mul(vm, v128.load(buf + o)), f32x4.mul(vd, g));
        v128.store(buf + o, b);
        g = nesterov ? f32x4.add(g, f32x4.mul(vm, b)) : b;
      }
      v128.store(param + o, f32x4.sub(p, f32x4.mul(vlr, g)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    let g = load<f32>(grad + o) + weightDecay * p;
    if (momentum != 0) {
      const b = first ? g : momentum * load<f32>(buf + o) + (1 - dampening) * g;
      store<f32>(buf + o, b);
      g = nesterov ? g + momentum * b : b;
    }
    store<f32>(param + o, p - lr * g);
  }
}

// Adam / AdamW. decoupled (AdamW): p *= 1 - lr·wd; else g += wd·p.
// m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  vmax = max(vmax, v) when vmax ≠ 0 (amsgrad)
// p -= (lr / bc1) · m / (sqrt(v or vmax) / sqrt(bc2) + eps),  bc = 1 - β^t
export function adam_update(
  param: usize, grad: usize, m: usize, v: usize, vmax: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, decoupled: bool, bc1: f32, bc2: f32,
): void {
  const stepSize: f32 = lr / bc1;
  const sqrtBc2: f32 = Mathf.sqrt(bc2);
  const decay: f32 = decoupled ? 1 - lr * weightDecay : 1;
  const l2: f32 = decoupled ? 0 : weightDecay;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(1 - beta1);
    const vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(1 - beta2);
    const vs = f32x4.splat(stepSize), vsq = f32x4.splat(sqrtBc2), veps = f32x4.splat(eps);
    const vdecay = f32x4.splat(decay), vl2 = f32x4.splat(l2);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      let p = v128.load(param + o);
      const g = f32x4.add(v128.load(grad + o), f32x4.mul(vl2, p));
      p = f32x4.mul(p, vdecay);
      const mm = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, g));
      let vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vb2c, f32x4.mul(g, g)));
      v128.store(m + o, mm);
      v128.store(v + o, vv);
      if (vmax) {
        vv = f32x4.max(vv, v128.load(vmax + o));
        v128.store(vmax + o, vv);
      }
      const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vsq), veps);
      v128.store(param + o, f32x4.sub(p, f32x4.mul(vs, f32x4.div(mm, denom))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let p = load<f32>(param + o);
    const g = load<f32>(grad + o) + l2 * p;
    p = p * decay;
    const mm = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    let vv = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    if (vmax) {
      vv = max(vv, load<f32>(vmax + o));
      store<f32>(vmax + o, vv);
    }
    store<f32>(param + o, p - stepSize * (mm / (Mathf.sqrt(vv) / sqrtBc2 + eps)));
  }
}

// RMSprop: g += wd·p;  sq = α·sq + (1-α)·g²;  centered (gavg ≠ 0): gavg = α·gavg + (1-α)·g,
// avg = sqrt(sq - gavg²) + eps, else sqrt(sq) + eps;
// momentum > 0: buf = momentum·buf + g/avg, p -= lr·buf;  else p -= lr·g/avg
export function rmsprop_update(
  param: usize, grad: usize, sq: usize, gavg: usize, buf: usize, n: i32,
  lr: f32, alpha: f32, eps: f32, weightDecay: f32, momentum: f32,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha), vac = f32x4.splat(1 - alpha), veps = f32x4.splat(eps);
    const vwd = f32x4.splat(weightDecay), vm = f32x4.splat(momentum), vlr = f32x4.splat(lr);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const g = f32x4.add(v128.load(grad + o), f32x4.mul(vwd, p));
      const s = f32x4.add(f32x4.mul(va, v128.load(sq + o)), f32x4.mul(vac, f32x4.mul(g, g)));
      v128.store(sq + o, s);
      let avg: v128;
      if (gavg) {
        const ga = f32x4.add(f32x4.mul(va, v128.load(gavg + o)), f32x4.mul(vac, g));
        v128.store(gavg + o, ga);
        avg = f32x4.add(f32x4.sqrt(f32x4.sub(s, f32x4.mul(ga, ga))), veps);
      } else {
        avg = f32x4.add(f32x4.sqrt(s), veps);
      }
      let u = f32x4.div(g, avg);
      if (momentum > 0) {
        u = f32x4.add(f32x4.mul(vm, v128.load(buf + o)), u);
        v128.store(buf + o, u);
      }
      v128.store(param + o, f32x4.sub(p, f32x4.mul(vlr, u)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    const g = load<f32>(grad + o) + weightDecay * p;
    const s = alpha * load<f32>(sq + o) + (1 - alpha) * g * g;
    store<f32>(sq + o, s);
    let avg: f32;
    if (gavg) {
      const ga = alpha * load<f32>(gavg + o) + (1 - alpha) * g;
      store<f32>(gavg + o, ga);
      avg = Mathf.sqrt(s - ga * ga) + eps;
    } else {
      avg = Mathf.sqrt(s) + eps;
    }
    let u = g / avg;
    if (momentum > 0) {
      u = momentum * load<f32>(buf + o) + u;
      store<f32>(buf + o, u);
    }
    store<f32>(param + o, p - lr * u);
  }
}

// Adagrad: g += wd·p;  sum += g²;  p -= clr · g / (sqrt(sum) + eps),  clr = lr / (1 + (t-1)·lrDecay)
export function adagrad_update(param: usize, grad: usize, acc: usize, n: i32, clr: f32, eps: f32, weightDecay: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vc = f32x4.splat(clr), veps = f32x4.splat(eps), vwd = f32x4.splat(weightDecay);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const p = v128.load(param + o);
      const g = f32x4.add(v128.load(grad + o), f32x4.mul(vwd, p));
      const s = f32x4.add(v128.load(acc + o), f32x4.mul(g, g));
      v128.store(acc + o, s);
      v128.store(param + o, f32x4.sub(p, f32x4.mul(vc, f32x4.div(g, f32x4.add(f32x4.sqrt(s), veps)))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    const g = load<f32>(grad + o) + weightDecay * p;
    const s = load<f32>(acc + o) + g * g;
    store<f32>(acc + o, s);
    store<f32>(param + o, p - clr * (g / (Mathf.sqrt(s) + eps)));
  }
}
