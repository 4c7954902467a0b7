// The additive attention scorer (assembly/attention.ts) against its float64 twin
// (src/reference/attention.ts) in every build, on odd widths so the SIMD tails run.
import { describe, test, beforeAll } from 'vitest';
import * as ref from '../../src/reference/attention.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { BUILDS, expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});

// [B, Tq, Tk, A]: A below, at and past a vector width, one query and several
const SHAPES: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [2, 1, 5, 3],
  [3, 2, 7, 4],
  [2, 3, 6, 9],
  [1, 4, 11, 33],
];

describe.each(BUILDS)('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  test.each(SHAPES)('additive_scores_forward and _backward match the reference, B=%i Tq=%i Tk=%i A=%i', (B, Tq, Tk, A) => {
    const rng = seeded(B * 1000 + Tq * 100 + Tk * 10 + A);
    // projections up to ±3 reach tanh past its rational's half range (2u/(1 + u²) with u = tanh(x/2))
    const [qa] = randomFloats(rng, B * Tq * A, 1, 1.5);
    const [ka] = randomFloats(rng, B * Tk * A, 1, 1.5);
    const [v] = randomFloats(rng, A);
    const [ds] = randomFloats(rng, B * Tq * Tk);
    ds[0] = 0; // a hidden key's zero gradient is skipped
    const nS = B * Tq * Tk;
    const s = new Float64Array(nS);
    const e = new Float64Array(nS * A);
    const f64 = (x: Float32Array) => Float64Array.from(x);
    ref.additive_scores_forward(s, e, f64(qa), f64(ka), f64(v), B, Tq, Tk, A);
    const fwd = runKernel(k(), 'additive_scores_forward', [new Float32Array(nS), new Float32Array(nS * A), qa, ka, v], [B, Tq, Tk, A]).out;
    expectClose(fwd[0], s, { rtol: 1e-5, atol: 2e-6 });
    expectClose(fwd[1], e, { rtol: 1e-6, atol: 3e-7 });
    // without e: the same scores
    const noKeep = runKernel(k(), 'additive_scores_forward', [new Float32Array(nS), null, qa, ka, v], [B, Tq, Tk, A]).out;
    expectClose(noKeep[0], fwd[0], { rtol: 0, atol: 0 });

    // backward accumulates into what is there
    const [dq0] = randomFloats(rng, B * Tq * A);
    const [dk0] = randomFloats(rng, B * Tk * A);
    const [dv0] = randomFloats(rng, A);
    const dqa = f64(dq0);
    const dka = f64(dk0);
    const dv = f64(dv0);
    ref.additive_scores_backward(dqa, dka, dv, f64(ds), f64(fwd[1]), f64(v), B, Tq, Tk, A);
    const bwd = runKernel(k(), 'additive_scores_backward', [dq0, dk0, dv0, ds, fwd[1], v], [B, Tq, Tk, A]).out;
    expectClose(bwd[0], dqa, { rtol: 1e-5, atol: 1e-6 });
    expectClose(bwd[1], dka, { rtol: 1e-5, atol: 1e-6 });
    expectClose(bwd[2], dv, { rtol: 1e-5, atol: 1e-6 });
  });
});
