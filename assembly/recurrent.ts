// The time loop every recurrent cell's whole-sequence kernel shares (the wasm half of the driver
// in src/ops/recurrent.ts): the steps in order, the active rows of each, and on a team of threads
// (assembly/team.ts) the runs of 8 hidden units claimed as the threads go. A cell supplies what
// one step does for hidden units u0..u1-1 (all H when one thread runs the loop):
//   forward:  `step`: the recurrent product's columns of those units, then their gate kernel;
//   backward: `gate`: dOut added in and the gate kernel's backward on those units, and `product`:
//             those columns of dh from the step's whole gate gradient.
// Forward, the threads meet once a step (step t + 1 needs all of h_t). Backward, `product` of step
// t needs every unit's `gate` of t, but the next step's `gate` on the same units needs only those
// columns: a thread that forms a run's columns goes on to that run's next gate kernel, and the
// threads meet once a step too.
//
// Every cell's params block (i32 words, written by src/ops) starts with the loop's own fields
// (LoopParams); the cell's own follow, declared by a class that extends it.
import { gemm_packed_panels } from './matmul';
import { claim, nextPhase, startTeam, unitThreads } from './team';

/** The loop's fields at the start of every params block. */
@unmanaged
export class LoopParams {
  /** i32 [T]: the rows running at each step. */
  active: usize;
  T: i32;
  B: i32;
  H: i32;
  /** 1: the direction runs backwards in time. */
  reverse: i32;
  /**
   * The step whose recurrent product the loop leaves out, or -1: the first step in loop order when
   * forward enters it from zeros (no initial state given: h·W_hhᵀ is 0, and a cell with a product
   * bias writes the bias), and backward wants no gradient of the initial state (the product there
   * gives nothing else).
   */
  known: i32;
}

/** What a cell does on step t over `rows` rows for the hidden units u0..u1-1. */
export type Units = (params: usize, t: i32, rows: i32, u0: i32, u1: i32) => void;

/**
 * A step's recurrent product for the hidden units u0..u1-1: their columns in each of the `gates`
 * gate blocks (H columns each) of c [rows, gates·H] (+)= h [rows, H] · packed W_hh (+ bias). All H
 * units go in one call over every panel (with H not a multiple of 8 a panel spans two gates); a
 * team's runs of 8 units are whole panels of every gate.
 */
export function gateProduct(
  c: usize, h: usize, packed: usize, bias: usize, rows: i32, H: i32, gates: i32, accumulate: bool, u0: i32, u1: i32,
): void {
  const G = gates * H;
  if (u0 == 0 && u1 == H) {
    gemm_packed_panels(c, h, H, 1, packed, bias, rows, H, G, accumulate, G, 0, (G + 7) >> 3);
    return;
  }
  for (let g = 0; g < gates; g++) gemm_packed_panels(c, h, H, 1, packed, bias, rows, H, G, accumulate, G, (g * H + u0) >> 3, (g * H + u1) >> 3);
}

/** The step of loop position s (backwards in time in reverse). */
// @ts-ignore: decorator
@inline function stepAt(T: i32, reverse: bool, s: i32): i32 {
  return reverse ? T - 1 - s : s;
}

/**
 * The loop position a backward time loop (s = T-1 down to 0) runs after s: the next s below it
 * whose step has active rows, or -1.
 */
// @ts-ignore: decorator
@inline function prevStep(active: usize, T: i32, reverse: bool, s: i32): i32 {
  for (let q = s - 1; q >= 0; q--) if (load<i32>(active + (<usize>stepAt(T, reverse, q) << 2)) > 0) return q;
  return -1;
}

/** Runs `step` over every step of one direction, forward in loop order. */
export function forwardLoop(params: usize, self: i32, team: usize, step: Units): void {
  const p = changetype<LoopParams>(params);
  const active = p.active;
  const T = p.T;
  const H = p.H;
  const reverse = p.reverse != 0;
  const n = unitThreads(team, H);
  if (self >= n) return;
  const units = H >> 3;
  let phase = 0;
  startTeam(team, n, units);
  for (let s = 0; s < T; s++) {
    const t = stepAt(T, reverse, s);
    const rows = load<i32>(active + (<usize>t << 2));
    if (rows == 0) continue;
    if (n == 1) {
      step(params, t, rows, 0, H);
      continue;
    }
    for (let done = 0; ; ) {
      const run = claim(team, n, phase, units, self, done);
      if (run < 0) break;
      const r0 = <i32>run;
      const r1 = <i32>(run >>> 32);
      done = r1 - r0;
      step(params, t, rows, r0 << 3, r1 << 3);
    }
    phase = nextPhase(team, phase, units);
  }
}

/** Runs `gate` then `product` over every step of one direction, in the opposite order. */
export function backwardLoop(params: usize, self: i32, team: usize, gate: Units, product: Units): void {
  const p = changetype<LoopParams>(params);
  const active = p.active;
  const T = p.T;
  const H = p.H;
  const reverse = p.reverse != 0;
  const n = unitThreads(team, H);
  if (self >= n) return;
  const units = H >> 3;
  let s = prevStep(active, T, reverse, T);
  if (n == 1) {
    for (; s >= 0; s = prevStep(active, T, reverse, s)) {
      const t = stepAt(T, reverse, s);
      const rows = load<i32>(active + (<usize>t << 2));
      gate(params, t, rows, 0, H);
      product(params, t, rows, 0, H);
    }
    return;
  }
  let phase = 0;
  startTeam(team, n, units);
  // each phase: the product of the step before in this loop (g), then the gate kernel of step t
  for (let g = -1; s >= 0 || g >= 0; ) {
    const t = s >= 0 ? stepAt(T, reverse, s) : -1;
    const rows = t >= 0 ? load<i32>(active + (<usize>t << 2)) : 0;
    const gRows = g >= 0 ? load<i32>(active + (<usize>g << 2)) : 0;
    for (let done = 0; ; ) {
      const run = claim(team, n, phase, units, self, done);
      if (run < 0) break;
      const u0 = <i32>run << 3;
      const u1 = <i32>(run >>> 32) << 3;
      done = (u1 - u0) >> 3;
      if (g >= 0) product(params, g, gRows, u0, u1);
      if (t >= 0) gate(params, t, rows, u0, u1);
    }
    phase = nextPhase(team, phase, units);
    g = t;
    if (s >= 0) s = prevStep(active, T, reverse, s);
  }
}
