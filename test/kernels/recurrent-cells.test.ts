import { describe, test, beforeAll } from 'vitest';
import * as refL from '../../src/reference/lstm.js';
import * as refG from '../../src/reference/gru.js';
import * as refE from '../../src/reference/elman.js';
import * as refC from '../../src/reference/clockwork.js';
import * as refS from '../../src/reference/scrn.js';
import type { Kernels } from '../../src/backend/kernels.js';
import { Arena } from '../../src/backend/heap.js';
import { packedSize } from '../../src/backend/gemm.js';
import { expectClose, loadBuilds, randomFloats, runKernel, seeded } from '../helpers.js';

let builds: { name: string; k: Kernels }[] = [];
beforeAll(async () => {
  builds = await loadBuilds();
});
const CASES: [number, number][] = [
  [1, 1],
  [2, 3],
  [3, 4],
  [1, 5],
  [4, 17],
  [3, 33],
];
const tol = { rtol: 1e-5, atol: 1e-6 };

describe.each(['simd', 'scalar'])('%s build', (buildName) => {
  const k = () => builds.find((b) => b.name === buildName)!.k;

  test.each(CASES)(
    'lstm_step_forward/backward match the reference with and without peepholes, σ and hard gates, rows=%i H=%i',
    (rows, H) => {
      for (const [withPeep, hard] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const rng = seeded(rows * 100 + H + (withPeep ? 7 : 0) + (hard ? 3 : 0));
        // scale 4 reaches the hard sigmoid's clipped ranges (|z| > 2.5)
        const [z] = randomFloats(rng, rows * 4 * H, 1, 4);
        const [cPrev, dh, dc] = randomFloats(rng, rows * H, 3);
        const [peep, dpeep0] = randomFloats(rng, 3 * H, 2);
        const p = withPeep ? peep : null;
        const want = { gates: z.slice(), h: new Float32Array(rows * H), c: new Float32Array(rows * H), tc: new Float32Array(rows * H) };
        refL.lstm_step_forward(want.gates, want.h, want.c, want.tc, cPrev, p, rows, H, hard);
        const f = runKernel(
          k(),
          'lstm_step_forward',
          [z, new Float32Array(rows * H), new Float32Array(rows * H), new Float32Array(rows * H), cPrev, p],
          [rows, H, hard],
        ).out;
        expectClose(f[0], want.gates, tol);
        expectClose(f[1], want.h, tol);
        expectClose(f[2], want.c, tol);
        expectClose(f[3], want.tc, tol);
        const wd = { dg: new Float32Array(rows * 4 * H), dc: dc.slice(), dpeep: dpeep0.slice() };
        refL.lstm_step_backward(wd.dg, wd.dc, withPeep ? wd.dpeep : null, dh, want.gates, cPrev, want.c, want.tc, p, rows, H, hard);
        const b = runKernel(
          k(),
          'lstm_step_backward',
          [new Float32Array(rows * 4 * H), dc, withPeep ? dpeep0 : null, dh, want.gates, cPrev, want.c, want.tc, p],
          [rows, H, hard],
        ).out;
        expectClose(b[0], wd.dg, tol);
        expectClose(b[1], wd.dc, tol);
        if (withPeep) expectClose(b[2], wd.dpeep, tol);
      }
    },
  );

  // the first step in loop order that some sequence runs (src/ops/recurrent.ts's firstStep)
  const firstStep = (active: number[], reverse: boolean) => {
    const order = active.map((_, t) => (reverse ? active.length - 1 - t : t));
    return order.find((t) => active[t] > 0) ?? -1;
  };

  test.each([
    [4, 5, 6, [4, 4, 3, 3, 1, 0]],
    [3, 13, 5, [3, 2, 2, 1, 1]],
    [2, 8, 4, [2, 2, 2, 2]],
  ])('lstm_seq_forward/backward (one thread) match the step-by-step reference, B=%i H=%i T=%i, both directions', (B, H, T, active) => {
    // zeroInit: h0 = 0 and no gradient of it wanted, so the kernels leave out the first step's
    // products (LoopParams.known): the results equal the reference's, dh (h0's gradient) aside
    for (const [reverse, withPeep, hard, withOut, zeroInit] of [
      [false, false, false, true, false],
      [true, true, false, false, false],
      [false, true, true, false, false],
      [true, false, true, true, false],
      [false, false, false, true, true],
      [true, true, true, false, true],
    ]) {
      const rng = seeded(B * 1000 + H * 10 + T + (reverse ? 1 : 0) + (withPeep ? 2 : 0) + (hard ? 4 : 0));
      const G = 4 * H;
      const S = B * H;
      const [xw] = randomFloats(rng, T * B * G, 1, 2);
      const [wHh] = randomFloats(rng, G * H, 1, 0.5);
      const [peep] = randomFloats(rng, 3 * H, 1);
      const [dOut] = randomFloats(rng, T * S, 1);
      const [h0r, c0, dh0, dc0] = randomFloats(rng, S, 4);
      const h0 = zeroInit ? new Float32Array(S) : h0r;
      const known = zeroInit ? firstStep(active, reverse) : -1;
      const p = withPeep ? peep : null;
      // state sequences [T+1,B,H], the initial state in slot 0 (slot T in reverse)
      const seqOf = (init: Float32Array) => {
        const q = new Float32Array((T + 1) * S);
        q.set(init, (reverse ? T : 0) * S);
        return q;
      };
      const want = { gates: xw.slice(), h: seqOf(h0), c: seqOf(c0), tc: new Float32Array(T * S) };
      refL.lstm_seq_forward(want.gates, want.h, want.c, want.tc, p, wHh, active, T, B, H, hard, reverse);
      const wd = { dXW: new Float32Array(T * B * G), dh: dh0.slice(), dc: dc0.slice(), dpeep: new Float32Array(3 * H) };
      refL.lstm_seq_backward(
        wd.dXW,
        wd.dh,
        wd.dc,
        withOut ? dOut : null,
        want.gates,
        want.c,
        want.tc,
        p,
        withPeep ? wd.dpeep : null,
        wHh,
        active,
        T,
        B,
        H,
        hard,
        reverse,
      );

      const kk = k();
      new Arena(kk).scoped((a) => {
        const put = (f: Float32Array) => a.put(f);
        const pw = a.put(wHh);
        const packedF = a.alloc(packedSize(H, G));
        kk.gemm_pack(packedF, pw, H, G, 1);
        const packedB = a.alloc(packedSize(G, H));
        kk.gemm_pack(packedB, pw, G, H, 0);
        const [pxw, ph, pc, ptc, ppeep] = [put(xw), put(seqOf(h0)), put(seqOf(c0)), a.zeros(T * S), withPeep ? put(peep) : 0];
        const act = a.putInts(active);
        // the state entering step t is the slot before t's in time: slot t forward, t + 1 in reverse
        const [hist, next] = reverse ? [4 * S, 0] : [0, 4 * S];
        kk.lstm_seq_forward(
          a.putInts([act, T, B, H, +reverse, known, pxw, ph + hist, pc + hist, ph + next, pc + next, ptc, ppeep, packedF, +hard]),
          0,
          0,
        );
        expectClose(a.read(pxw, T * B * G), want.gates, tol);
        expectClose(a.read(ph, (T + 1) * S), want.h, tol);
        expectClose(a.read(pc, (T + 1) * S), want.c, tol);
        expectClose(a.read(ptc, T * S), want.tc, tol);
        const [pdx, pdh, pdc, pdo, pdp] = [a.zeros(T * B * G), put(dh0), put(dc0), withOut ? put(dOut) : 0, withPeep ? a.zeros(3 * H) : 0];
        kk.lstm_seq_backward(
          a.putInts([act, T, B, H, +reverse, known, pdx, pdh, pdc, pdo, pxw, pc + hist, pc + next, ptc, ppeep, pdp, packedB, +hard]),
          0,
          0,
        );
        expectClose(a.read(pdx, T * B * G), wd.dXW, { rtol: 1e-4, atol: 1e-5 });
        if (!zeroInit) expectClose(a.read(pdh, S), wd.dh, { rtol: 1e-4, atol: 1e-5 });
        expectClose(a.read(pdc, S), wd.dc, { rtol: 1e-4, atol: 1e-5 });
        if (withPeep) expectClose(a.read(pdp, 3 * H), wd.dpeep, { rtol: 1e-4, atol: 1e-5 });
      });
    }
  });

  test.each([
    [4, 5, 6, [4, 4, 3, 3, 1, 0]],
    [3, 13, 5, [3, 2, 2, 1, 1]],
    [2, 8, 4, [2, 2, 2, 2]],
  ])(
    'gru_seq_forward/backward and elman_seq_forward/backward (one thread) match the step-by-step reference, B=%i H=%i T=%i',
    (B, H, T, active) => {
      for (const [reverse, flag, withOut, zeroInit] of [
        [false, false, true, false],
        [true, true, false, false],
        [true, false, true, false],
        [false, true, false, false],
        [false, false, true, true],
        [true, true, false, true],
      ]) {
        const rng = seeded(B * 999 + H * 7 + T + (reverse ? 1 : 0) + (flag ? 2 : 0));
        const S = B * H;
        const G = 3 * H;
        const [xw] = randomFloats(rng, T * B * G, 1, 2);
        const [wHh] = randomFloats(rng, G * H, 1, 0.5);
        const [bHh] = randomFloats(rng, G, 1);
        const [dOut] = randomFloats(rng, T * S, 1);
        const [h0r, dh0] = randomFloats(rng, S, 2);
        const h0 = zeroInit ? new Float32Array(S) : h0r;
        const known = zeroInit ? firstStep(active, reverse) : -1;
        const seqOf = (init: Float32Array) => {
          const q = new Float32Array((T + 1) * S);
          q.set(init, (reverse ? T : 0) * S);
          return q;
        };
        const [hist, next] = reverse ? [4 * S, 0] : [0, 4 * S];
        const tolB = { rtol: 1e-4, atol: 1e-5 };
        const kk = k();
        // GRU, reset after; flag: hard gates
        const want = { hw: new Float32Array(T * B * G), gates: new Float32Array(T * B * G), h: seqOf(h0) };
        refG.gru_seq_forward(xw, want.hw, want.gates, want.h, bHh, wHh, active, T, B, H, flag, reverse);
        const wd = { dXW: new Float32Array(T * B * G), dHW: new Float32Array(T * B * G), dh: dh0.slice() };
        refG.gru_seq_backward(
          wd.dXW,
          wd.dHW,
          wd.dh,
          withOut ? dOut : null,
          want.gates,
          want.hw,
          want.h,
          wHh,
          active,
          T,
          B,
          H,
          flag,
          reverse,
        );
        new Arena(kk).scoped((a) => {
          const pw = a.put(wHh);
          const packedF = a.alloc(packedSize(H, G));
          kk.gemm_pack(packedF, pw, H, G, 1);
          const packedB = a.alloc(packedSize(G, H));
          kk.gemm_pack(packedB, pw, G, H, 0);
          const [pxw, phw, pg, ph, act] = [a.put(xw), a.zeros(T * B * G), a.zeros(T * B * G), a.put(seqOf(h0)), a.putInts(active)];
          kk.gru_seq_forward(
            a.putInts([act, T, B, H, +reverse, known, pxw, phw, pg, ph + hist, ph + next, a.put(bHh), packedF, +flag]),
            0,
            0,
          );
          expectClose(a.read(phw, T * B * G), want.hw, tol);
          expectClose(a.read(pg, T * B * G), want.gates, tol);
          expectClose(a.read(ph, (T + 1) * S), want.h, tol);
          const [pdx, pdhw, pdh, pdo] = [a.zeros(T * B * G), a.zeros(T * B * G), a.put(dh0), withOut ? a.put(dOut) : 0];
          kk.gru_seq_backward(a.putInts([act, T, B, H, +reverse, known, pdx, pdhw, pdh, pdo, pg, phw, ph + hist, packedB, +flag]), 0, 0);
          expectClose(a.read(pdx, T * B * G), wd.dXW, tolB);
          expectClose(a.read(pdhw, T * B * G), wd.dHW, tolB);
          if (!zeroInit) expectClose(a.read(pdh, S), wd.dh, tolB);
        });
        // Elman; flag: relu
        const wE = wHh.subarray(0, H * H);
        const xe = xw.subarray(0, T * S);
        const we = { xw: xe.slice(), h: seqOf(h0) };
        refE.elman_seq_forward(we.xw, we.h, wE, active, T, B, H, flag, reverse);
        const wde = { dXW: new Float32Array(T * S), dh: dh0.slice() };
        refE.elman_seq_backward(wde.dXW, wde.dh, withOut ? dOut : null, we.h, wE, active, T, B, H, flag, reverse);
        new Arena(kk).scoped((a) => {
          const pw = a.put(wE);
          const packedF = a.alloc(packedSize(H, H));
          kk.gemm_pack(packedF, pw, H, H, 1);
          const packedB = a.alloc(packedSize(H, H));
          kk.gemm_pack(packedB, pw, H, H, 0);
          const [pxw, ph, act] = [a.put(xe), a.put(seqOf(h0)), a.putInts(active)];
          kk.elman_seq_forward(a.putInts([act, T, B, H, +reverse, known, pxw, ph + hist, ph + next, packedF, +flag]), 0, 0);
          expectClose(a.read(pxw, T * S), we.xw, tol);
          expectClose(a.read(ph, (T + 1) * S), we.h, tol);
          const [pdx, pdh, pdo] = [a.zeros(T * S), a.put(dh0), withOut ? a.put(dOut) : 0];
          kk.elman_seq_backward(a.putInts([act, T, B, H, +reverse, known, pdx, pdh, pdo, ph + next, packedB, +flag]), 0, 0);
          expectClose(a.read(pdx, T * S), wde.dXW, tolB);
          if (!zeroInit) expectClose(a.read(pdh, S), wde.dh, tolB);
        });
      }
    },
  );

  test.each(CASES)('gru kernels match the reference in both reset forms, σ and hard gates, rows=%i H=%i', (rows, H) => {
    for (const [after, hard] of [
      [true, false],
      [false, false],
      [true, true],
      [false, true],
    ]) {
      const rng = seeded(rows * 31 + H + (after ? 1 : 0) + (hard ? 5 : 0));
      const [xw, hw] = randomFloats(rng, rows * 3 * H, 2, 2.5);
      const [hPrev, dh, drh] = randomFloats(rng, rows * H, 3);
      const wg = new Float32Array(rows * 3 * H);
      const wrh = new Float32Array(rows * H);
      refG.gru_rz_forward(wg, wrh, xw, hw, hPrev, rows, H, hard);
      const rz = runKernel(
        k(),
        'gru_rz_forward',
        [new Float32Array(rows * 3 * H), new Float32Array(rows * H), xw, hw, hPrev],
        [rows, H, hard],
      ).out;
      expectClose(rz[0], wg, tol);
      expectClose(rz[1], wrh, tol);
      const wh = new Float32Array(rows * H);
      refG.gru_n_forward(wh, wg, xw, hw, hPrev, rows, H, after);
      const n = runKernel(k(), 'gru_n_forward', [new Float32Array(rows * H), rz[0], xw, hw, hPrev], [rows, H, after]).out;
      expectClose(n[0], wh, tol);
      expectClose(n[1], wg, tol);
      const w = { dxw: new Float32Array(rows * 3 * H), dhw: new Float32Array(rows * 3 * H), dhp: new Float32Array(rows * H) };
      refG.gru_step_backward(w.dxw, w.dhw, w.dhp, dh, wg, hw, hPrev, rows, H, after, hard);
      const bk = runKernel(
        k(),
        'gru_step_backward',
        [new Float32Array(rows * 3 * H), new Float32Array(rows * 3 * H), new Float32Array(rows * H), dh, wg, hw, hPrev],
        [rows, H, after, hard],
      ).out;
      expectClose(bk[0], w.dxw, tol);
      expectClose(bk[1], w.dhw, tol);
      expectClose(bk[2], w.dhp, tol);
      if (!after) {
        refG.gru_reset_backward(w.dxw, w.dhw, w.dhp, drh, wg, hPrev, rows, H, hard);
        const rb = runKernel(k(), 'gru_reset_backward', [bk[0], bk[1], bk[2], drh, wg, hPrev], [rows, H, hard]).out;
        expectClose(rb[0], w.dxw, tol);
        expectClose(rb[1], w.dhw, tol);
        expectClose(rb[2], w.dhp, tol);
      }
    }
  });

  test.each(CASES)('clockwork kernels match the reference on a mixed tick mask, tanh and relu, rows=%i H=%i', (rows, H) => {
    for (const relu of [false, true]) {
      const rng = seeded(rows * 17 + H + (relu ? 1 : 0));
      const [xw, hPrev, dh] = randomFloats(rng, rows * H, 3, 2);
      const mask = Float32Array.from({ length: H }, (_, j) => (j % 3 === 1 ? 0 : 1));
      const y = new Float32Array(rows * H);
      refC.clockwork_step_forward(y, xw, hPrev, mask, rows, H, relu);
      const f = runKernel(k(), 'clockwork_step_forward', [new Float32Array(rows * H), xw, hPrev, mask], [rows, H, relu]).out;
      expectClose(f[0], y, tol);
      const dz = new Float32Array(rows * H);
      const dPrev = new Float32Array(rows * H);
      refC.clockwork_step_backward(dz, dPrev, dh, y, mask, rows, H, relu);
      const b = runKernel(
        k(),
        'clockwork_step_backward',
        [new Float32Array(rows * H), new Float32Array(rows * H), dh, y, mask],
        [rows, H, relu],
      ).out;
      expectClose(b[0], dz, tol);
      expectClose(b[1], dPrev, tol);
    }
  });

  test.each(CASES)('scrn kernels match the reference, sigmoid and tanh, rows=%i H=%i (context H+2)', (rows, H) => {
    const Cx = H + 2;
    const G = H + Cx;
    for (const tanhAct of [false, true]) {
      const rng = seeded(rows * 23 + H + (tanhAct ? 1 : 0));
      const [xw, state, dh] = randomFloats(rng, rows * G, 3, 2);
      const alpha = 0.9;
      const ctx = xw.slice();
      refS.scrn_context_forward(ctx, state, rows, H, Cx, alpha);
      const c = runKernel(k(), 'scrn_context_forward', [xw, state], [rows, H, Cx, alpha]).out;
      expectClose(c[0], ctx, tol);
      const y = new Float32Array(rows * G);
      refS.scrn_step_forward(y, ctx, rows, H, Cx, tanhAct);
      const f = runKernel(k(), 'scrn_step_forward', [new Float32Array(rows * G), ctx], [rows, H, Cx, tanhAct]).out;
      expectClose(f[0], y, tol);
      const dxw = new Float32Array(rows * G);
      refS.scrn_step_backward(dxw, dh, y, rows, H, Cx, tanhAct);
      const b = runKernel(k(), 'scrn_step_backward', [new Float32Array(rows * G), dh, y], [rows, H, Cx, tanhAct]).out;
      expectClose(b[0], dxw, tol);
      const dPrev = new Float32Array(rows * G);
      const dxw2 = dxw.slice();
      refS.scrn_context_backward(dxw2, dPrev, rows, H, Cx, alpha);
      const cb = runKernel(k(), 'scrn_context_backward', [dxw, new Float32Array(rows * G)], [rows, H, Cx, alpha]).out;
      expectClose(cb[0], dxw2, tol);
      expectClose(cb[1], dPrev, tol);
    }
  });
});
