// Finite-difference gradient checks on the wasm path (float32). For loss = Σ fn(inputs) ⊙ R with
// a fixed random R: every element of small inputs by central differences, and one random
// direction v per input: (f(θ+εv) − f(θ−εv)) / 2ε against ⟨∇f, v⟩.
import { expect } from 'vitest';
import { Tensor, noGrad, ops } from '../src/node.js';
import { seeded } from './helpers.js';

function lossValue(out: Tensor, r: Float32Array): number {
  let s = 0;
  const d = out.data;
  for (let i = 0; i < d.length; i++) s += d[i] * r[i];
  return s;
}

export interface GradCheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Check every element when an input has at most this many (default 40). */
  elementwiseUpTo?: number;
  seed?: number;
}

/** Runs the checks; inputs that do not require grad are held fixed. */
export function gradCheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): void {
  const { eps = 1e-2, rtol = 2e-2, atol = 2e-3, elementwiseUpTo = 40, seed = 1 } = opts;
  const rng = seeded(seed);
  const leaves = inputs.map((x) => new Tensor(x.data.slice(), x.shape, x.requiresGrad));
  const out = fn(...leaves);
  const r = Float32Array.from({ length: out.size }, () => rng() * 2 - 1);
  ops.sum(ops.mul(out, new Tensor(r, out.shape))).backward();
  const f = (xs: Tensor[]) => noGrad(() => lossValue(fn(...xs), r));
  leaves.forEach((leaf, idx) => {
    if (!leaf.requiresGrad) return;
    expect(leaf.grad, `input ${idx} got no gradient`).not.toBeNull();
    const g = leaf.grad!.data;
    const shifted = (delta: (d: Float32Array) => void): number => {
      const xs = leaves.map((t, j) => {
        const d = t.data.slice();
        if (j === idx) delta(d);
        return new Tensor(d, t.shape);
      });
      return f(xs);
    };
    if (leaf.size <= elementwiseUpTo) {
      for (let i = 0; i < leaf.size; i++) {
        const fd = (shifted((d) => (d[i] += eps)) - shifted((d) => (d[i] -= eps))) / (2 * eps);
        expect(Math.abs(fd - g[i]), `input ${idx} element ${i}: finite difference ${fd}, backward ${g[i]}`).toBeLessThanOrEqual(
          atol + rtol * Math.abs(fd),
        );
      }
    }
    const v = Float32Array.from({ length: leaf.size }, () => rng() * 2 - 1);
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += g[i] * v[i];
    const fd =
      (shifted((d) => d.forEach((_, i) => (d[i] += eps * v[i]))) - shifted((d) => d.forEach((_, i) => (d[i] -= eps * v[i])))) / (2 * eps);
    expect(Math.abs(fd - dot), `input ${idx} direction: finite difference ${fd}, backward ${dot}`).toBeLessThanOrEqual(
      atol * Math.sqrt(leaf.size) + rtol * Math.abs(fd),
    );
  });
}

/**
 * The same checks for a loss that reads tensors held elsewhere (module parameters, inputs):
 * `loss()` builds a scalar from `tensors`, which are perturbed in place and restored. A tensor
 * may come with a 0/1 mask of the entries that are free (a structurally zero block stays zero:
 * only the free entries are perturbed, and the others must get a gradient of exactly 0).
 */
export function gradCheckTensors(loss: () => Tensor, tensors: [string, Tensor, Float32Array?][], opts: GradCheckOptions = {}): void {
  const { eps = 1e-2, rtol = 2e-2, atol = 2e-3, elementwiseUpTo = 12, seed = 1 } = opts;
  const rng = seeded(seed);
  for (const [, t] of tensors) t.grad = null;
  loss().backward();
  const f = () => noGrad(() => loss().item());
  for (const [name, t, mask] of tensors) {
    expect(t.grad, `${name} got no gradient`).not.toBeNull();
    const g = t.grad!.data.slice();
    const d = t.data;
    const free = (i: number) => mask?.[i] !== 0;
    if (mask) for (let i = 0; i < g.length; i++) if (!free(i)) expect(g[i], `${name}[${i}] is structurally zero`).toBe(0);
    const at = (shift: (i: number) => number): number => {
      t.markChanged(); // d is kept across calls: say that it was edited (caches of t are rebuilt)
      const orig = d.slice();
      for (let i = 0; i < d.length; i++) d[i] += shift(i);
      const v = f();
      d.set(orig);
      t.markChanged();
      return v;
    };
    const n = Math.min(d.length, elementwiseUpTo);
    for (let e = 0; e < n; e++) {
      const i = Math.floor((e * d.length) / n);
      if (!free(i)) continue;
      const fd = (at((j) => (j === i ? eps : 0)) - at((j) => (j === i ? -eps : 0))) / (2 * eps);
      expect(Math.abs(fd - g[i]), `${name}[${i}]: finite difference ${fd}, backward ${g[i]}`).toBeLessThanOrEqual(
        atol + rtol * Math.abs(fd),
      );
    }
    const v = Float32Array.from({ length: d.length }, (_, i) => (free(i) ? rng() * 2 - 1 : 0));
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += g[i] * v[i];
    const fd = (at((i) => eps * v[i]) - at((i) => -eps * v[i])) / (2 * eps);
    expect(Math.abs(fd - dot), `${name} direction: finite difference ${fd}, backward ${dot}`).toBeLessThanOrEqual(
      atol * Math.sqrt(d.length) + rtol * Math.abs(fd),
    );
  }
}
