// A team: the threads of init({ threads }) running one kernel call together and meeting at
// barriers inside it (a recurrent layer's whole time loop is one such call: a barrier or two a
// step instead of a hand-off from JavaScript for each product and gate kernel). Between two
// barriers — a phase — the threads claim the phase's units (runs of 8 hidden units) as they go:
// each first takes most of its own share (the same units every phase, so their weight panels stay
// in its core's cache), then single units, then units from the back of another's share, so a
// thread the machine holds up (a busy core, a preempted virtual CPU) makes the others wait for one
// unit at most instead of its whole share.
//
// The team block (src/backend/threads.ts reserves it), 64-byte lines of i32 words:
//   line 0: [0] the threads in the pool, [1] arrivals at the current barrier, [2] the barrier's
//           generation, [3] how many threads sleep on it;
//   then two banks of claim lines, one line per thread each: a 64-bit word front | back << 32, the
//   units of its share not yet claimed. Phase p claims from bank p & 1; the last thread to reach
//   the barrier before it fills that bank in (nobody still claims from it: its last use was the
//   phase before the previous barrier).
// team = 0: the caller runs alone.

// polls of the generation before a thread sleeps in atomic.wait (about a millisecond)
// @ts-ignore: decorator
@inline const SPIN: i32 = 1 << 20;

/** The threads a call on `team` runs on (1 without a team). */
// @ts-ignore: decorator
@inline export function teamThreads(team: usize): i32 {
  return ASC_FEATURE_THREADS && team ? load<i32>(team) : 1;
}

/**
 * The threads that share `H` hidden units in runs of 8 (so that the gate columns of a run are
 * whole 8-column GEMM panels): at most one per run, and one alone when H is not a multiple of 8.
 */
// @ts-ignore: decorator
@inline export function unitThreads(team: usize, H: i32): i32 {
  return H & 7 ? 1 : min(teamThreads(team), H >> 3);
}

// @ts-ignore: decorator
@inline function bank(team: usize, n: i32, phase: i32): usize {
  return team + 64 + (<usize>((phase & 1) * n) << 6);
}

/**
 * Waits until all n threads of the team have arrived, the claims of `phase` (the one that starts
 * now) set to `units` shared evenly. The last to arrive sets them and starts the next generation
 * (waking any that went to sleep); the others spin on the generation, then sleep.
 */
export function barrier(team: usize, n: i32, phase: i32, units: i32): void {
  if (!ASC_FEATURE_THREADS || n <= 1) return;
  const gen = atomic.load<i32>(team + 8);
  if (atomic.add<i32>(team + 4, 1) == n - 1) {
    const b = bank(team, n, phase);
    for (let i = 0; i < n; i++) {
      const f = (units * i) / n;
      const e = (units * (i + 1)) / n;
      atomic.store<i64>(b + (<usize>i << 6), <i64><u32>f | (<i64>e << 32));
    }
    atomic.store<i32>(team + 4, 0);
    atomic.store<i32>(team + 8, gen + 1);
    if (atomic.load<i32>(team + 12)) atomic.notify(team + 8, n);
    return;
  }
  let spins = 0;
  while (atomic.load<i32>(team + 8) == gen) {
    if (++spins < SPIN) continue;
    // say so before sleeping: a releaser that bumps the generation after this add sees it and
    // notifies; one that bumped it before makes the wait return at once
    atomic.add<i32>(team + 12, 1);
    atomic.wait<i32>(team + 8, gen, -1);
    atomic.sub<i32>(team + 12, 1);
    spins = 0;
  }
}

/**
 * The next run of units thread `self` of n takes in `phase`, as u0 | u1 << 32, or -1 when none
 * is left: on its first claim of the phase (`first`) three quarters of its own share, then one
 * unit at a time from its own, then one from the back of another's.
 */
export function claim(team: usize, n: i32, phase: i32, self: i32, first: bool): i64 {
  if (!ASC_FEATURE_THREADS) return -1;
  const b = bank(team, n, phase);
  const own = b + (<usize>self << 6);
  for (;;) {
    const old = atomic.load<i64>(own);
    const f = <i32>old;
    const e = <i32>(old >>> 32);
    if (f >= e) break;
    const left = e - f;
    const q = first ? max(1, left - (left >> 2)) : 1;
    if (atomic.cmpxchg<i64>(own, old, <i64><u32>(f + q) | (<i64>e << 32)) == old) return <i64><u32>f | (<i64>(f + q) << 32);
  }
  for (let j = 1; j < n; j++) {
    const other = b + (<usize>((self + j) % n) << 6);
    for (;;) {
      const o = atomic.load<i64>(other);
      const f = <i32>o;
      const e = <i32>(o >>> 32);
      if (f >= e) break;
      if (atomic.cmpxchg<i64>(other, o, <i64><u32>f | (<i64>(e - 1) << 32)) == o) return <i64><u32>(e - 1) | (<i64>e << 32);
    }
  }
  return -1;
}

// d[r, u0..u1) += e[r, u0..u1) over rows of H floats (u0 a multiple of 4).
// @ts-ignore: decorator
@inline export function addUnits(d: usize, e: usize, rows: i32, H: i32, u0: i32, u1: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * hb;
    let j = u0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= u1; j += 4) {
        const p = o + (<usize>j << 2);
        v128.store(d + p, f32x4.add(v128.load(d + p), v128.load(e + p)));
      }
    }
    for (; j < u1; j++) {
      const p = o + (<usize>j << 2);
      store<f32>(d + p, load<f32>(d + p) + load<f32>(e + p));
    }
  }
}

/**
 * The step a backward time loop over T steps (s = T-1 down to 0, step t = s, or T-1-s in reverse)
 * runs after s: the next s below it whose step has active sequences, or -1.
 */
// @ts-ignore: decorator
@inline export function prevStep(active: usize, T: i32, reverse: bool, s: i32): i32 {
  for (let q = s - 1; q >= 0; q--) if (load<i32>(active + (<usize>(reverse ? T - 1 - q : q) << 2)) > 0) return q;
  return -1;
}
