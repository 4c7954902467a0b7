import { describe, test, beforeAll } from 'vitest';
import * as ref from '../../src/reference/optim.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

const SIZES = [1, 3, 4, 5, 17, 1027];
let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});
const tol = { rtol: 2e-5, atol: 1e-6 };

describe.each(['simd', 'scalar'])('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  test.each(SIZES)('sgd_update: plain, momentum, dampening, nesterov, weight decay, first step; n=%i', (n) => {
    const rng = seeded(n);
    for (const [momentum, dampening, wd, nesterov, first] of [
      [0, 0, 0, false, false],
      [0.9, 0, 0, false, true],
      [0.9, 0.1, 0.01, false, false],
      [0.8, 0, 0.05, true, false],
    ] as const) {
      const [p, g, buf] = randomFloats(rng, n, 3);
      const wp = p.slice(),
        wbuf = buf.slice();
      ref.sgd_update(wp, g, wbuf, n, 0.1, momentum, dampening, wd, nesterov, first);
      const { out } = runKernel(k(), 'sgd_update', [p, g, buf], [n, 0.1, momentum, dampening, wd, nesterov, first]);
      expectClose(out[0], wp, tol);
      if (momentum) expectClose(out[2], wbuf, tol);
    }
  });

  test.each(SIZES)('adam_update: Adam, Adam+L2, AdamW, AMSGrad; n=%i', (n) => {
    const rng = seeded(n + 50);
    for (const [wd, decoupled, ams] of [
      [0, false, false],
      [0.01, false, false],
      [0.01, true, false],
      [0, false, true],
    ] as const) {
      const [p, g, m0, v0, vm0] = randomFloats(rng, n, 5);
      const v = v0.map(Math.abs),
        vmax = vm0.map(Math.abs);
      const [wp, wm, wv, wvm] = [p.slice(), m0.slice(), v.slice(), vmax.slice()];
      const t = 3,
        b1 = 0.9,
        b2 = 0.999;
      const bc1 = 1 - b1 ** t,
        bc2 = 1 - b2 ** t;
      ref.adam_update(wp, g, wm, wv, ams ? wvm : null, n, 1e-2, b1, b2, 1e-8, wd, decoupled, bc1, bc2);
      const { out } = runKernel(k(), 'adam_update', [p, g, m0, v, ams ? vmax : null], [n, 1e-2, b1, b2, 1e-8, wd, decoupled, bc1, bc2]);
      expectClose(out[0], wp, tol);
      expectClose(out[2], wm, tol);
      expectClose(out[3], wv, tol);
      if (ams) expectClose(out[4], wvm, tol);
    }
  });

  test.each(SIZES)('rmsprop_update: plain, centered, momentum, weight decay; n=%i', (n) => {
    const rng = seeded(n + 80);
    for (const [centered, momentum, wd] of [
      [false, 0, 0],
      [true, 0, 0],
      [false, 0.9, 0.01],
      [true, 0.5, 0],
    ] as const) {
      const [p, g, sq0, ga, buf] = randomFloats(rng, n, 5);
      const sq = sq0.map((x) => Math.abs(x) + 1); // sq ≥ gavg² keeps the centered sqrt real
      const [wp, wsq, wga, wbuf] = [p.slice(), sq.slice(), ga.slice(), buf.slice()];
      ref.rmsprop_update(wp, g, wsq, centered ? wga : null, momentum ? wbuf : null, n, 0.01, 0.99, 1e-8, wd, momentum);
      const { out } = runKernel(
        k(),
        'rmsprop_update',
        [p, g, sq, centered ? ga : null, momentum ? buf : null],
        [n, 0.01, 0.99, 1e-8, wd, momentum],
      );
      expectClose(out[0], wp, tol);
      expectClose(out[2], wsq, tol);
      if (centered) expectClose(out[3], wga, tol);
      if (momentum) expectClose(out[4], wbuf, tol);
    }
  });

  test.each(SIZES)('adagrad_update with and without weight decay; n=%i', (n) => {
    const rng = seeded(n + 90);
    for (const wd of [0, 0.1]) {
      const [p, g, a0] = randomFloats(rng, n, 3);
      const acc = a0.map(Math.abs);
      const [wp, wa] = [p.slice(), acc.slice()];
      ref.adagrad_update(wp, g, wa, n, 0.05, 1e-10, wd);
      const { out } = runKernel(k(), 'adagrad_update', [p, g, acc], [n, 0.05, 1e-10, wd]);
      expectClose(out[0], wp, tol);
      expectClose(out[2], wa, tol);
    }
  });
});
