// The recurrent gate kernels, shared out by rows between the threads of init({ threads }) when
// a step is large enough to pay for the hand-off; otherwise (and always in one-thread mode) they
// are the plain kernel calls. Rows are independent in every one of them.
import type { Kernels } from './kernels.js';
import { pool } from './wasm.js';
import { Job } from './threads.js';

// below this many row·hidden elements a hand-off costs more than the work
const ROWS_MIN = 2048;

const use = (rows: number, H: number) => {
  const p = pool();
  return p && rows > 1 && rows * H >= ROWS_MIN ? p : null;
};

/** lstm_step_forward, rows split across threads. @internal */
export function lstmStepForward(k: Kernels, gates: number, h: number, c: number, tc: number, cPrev: number, peep: number, rows: number, H: number): void {
  const p = use(rows, H);
  if (!p) return k.lstm_step_forward(gates, h, c, tc, cPrev, peep, rows, H);
  const r = H * 4;
  p.split(Job.LstmForward, rows, (r0, r1) => [gates + r0 * 4 * r, h + r0 * r, c + r0 * r, tc + r0 * r, cPrev + r0 * r, peep, r1 - r0, H], (a) =>
    k.lstm_step_forward(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]),
  );
}

/** lstm_step_backward, rows split across threads (serial with peepholes: dpeep sums over rows). @internal */
export function lstmStepBackward(k: Kernels, dgates: number, dc: number, dpeep: number, dh: number, gates: number, cPrev: number, c: number, tc: number, peep: number, rows: number, H: number): void {
  const p = dpeep ? null : use(rows, H);
  if (!p) return k.lstm_step_backward(dgates, dc, dpeep, dh, gates, cPrev, c, tc, peep, rows, H);
  const r = H * 4;
  p.split(Job.LstmBackward, rows, (r0, r1) => [dgates + r0 * 4 * r, dc + r0 * r, 0, dh + r0 * r, gates + r0 * 4 * r, cPrev + r0 * r, c + r0 * r, tc + r0 * r, peep, r1 - r0, H], (a) =>
    k.lstm_step_backward(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]),
  );
}

/** gru_rz_forward, rows split across threads. @internal */
export function gruRzForward(k: Kernels, gates: number, rh: number, xw: number, hw: number, hPrev: number, rows: number, H: number): void {
  const p = use(rows, H);
  if (!p) return k.gru_rz_forward(gates, rh, xw, hw, hPrev, rows, H);
  const r = H * 4;
  p.split(Job.GruRz, rows, (r0, r1) => [gates + r0 * 3 * r, rh ? rh + r0 * r : 0, xw + r0 * 3 * r, hw + r0 * 3 * r, hPrev + r0 * r, r1 - r0, H], (a) =>
    k.gru_rz_forward(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
  );
}

/** gru_n_forward, rows split across threads. @internal */
export function gruNForward(k: Kernels, h: number, gates: number, xw: number, hw: number, hPrev: number, rows: number, H: number, resetAfter: number): void {
  const p = use(rows, H);
  if (!p) return k.gru_n_forward(h, gates, xw, hw, hPrev, rows, H, resetAfter);
  const r = H * 4;
  p.split(Job.GruN, rows, (r0, r1) => [h + r0 * r, gates + r0 * 3 * r, xw + r0 * 3 * r, hw + r0 * 3 * r, hPrev + r0 * r, r1 - r0, H, resetAfter], (a) =>
    k.gru_n_forward(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]),
  );
}

/** gru_step_backward, rows split across threads. @internal */
export function gruStepBackward(k: Kernels, dxw: number, dhw: number, dhPrev: number, dh: number, gates: number, hw: number, hPrev: number, rows: number, H: number, resetAfter: number): void {
  const p = use(rows, H);
  if (!p) return k.gru_step_backward(dxw, dhw, dhPrev, dh, gates, hw, hPrev, rows, H, resetAfter);
  const r = H * 4;
  p.split(Job.GruBackward, rows, (r0, r1) => [dxw + r0 * 3 * r, dhw + r0 * 3 * r, dhPrev + r0 * r, dh + r0 * r, gates + r0 * 3 * r, hw + r0 * 3 * r, hPrev + r0 * r, r1 - r0, H, resetAfter], (a) =>
    k.gru_step_backward(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]),
  );
}

/** An Elman activation's forward (out, x, n) or backward (dinp, dout, y, n), split by elements. @internal */
export function elementwise(job: Job, local: (...a: number[]) => void, ptrs: number[], n: number): void {
  const p = pool();
  if (!p || n < 2 * ROWS_MIN) return local(...ptrs, n);
  const chunks = Math.ceil(n / 1024); // shares in whole 1024-element chunks keep SIMD bodies aligned
  p.split(job, chunks, (u0, u1) => [...ptrs.map((q) => q + u0 * 4096), Math.min(n, u1 * 1024) - u0 * 1024], (a) => local(...a));
}
