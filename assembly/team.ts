// A team: the threads of init({ threads }) running one kernel call together (a recurrent layer's
// whole time loop is one such call) in phases: phase p's units (runs of 8 hidden units) are
// claimed as the threads go, and phase p + 1 starts when all of p's units are done. Each thread
// first takes half its own share (the same units every phase, so their weight panels stay in its
// core's cache), then single units, then units from the back of another's share. A phase waits
// for units, not for threads: a thread the machine holds up (a busy core, a preempted virtual CPU)
// after its last unit delays nobody, and one held up inside a unit delays the others by that unit.
//
// The team block (src/backend/threads.ts reserves it), 64-byte lines of i32 words:
//   line 0: [0] the threads in the pool, [1] arrivals at the start, [2] the start's generation,
//           [3] threads asleep at the start, [4] units done in this call (all phases), [5] threads
//           asleep waiting for a phase;
//   then two banks of claim lines, one line per thread each: a 64-bit word front | back << 12 |
//   phase << 24, the units of its share not yet claimed and the phase they belong to. Phase p
//   claims from bank p & 1; the thread that finishes phase p fills that bank in for phase p + 2
//   (a late claim for p then sees a later phase and takes nothing; the phase in the word keeps a
//   claim from ever taking a unit of another phase).
// team = 0: the caller runs alone.

// polls before a waiting thread sleeps in atomic.wait (about a millisecond)
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
  return H & 7 || H > 32760 ? 1 : min(teamThreads(team), H >> 3); // (a claim word holds up to 4,095 runs)
}

// @ts-ignore: decorator
@inline function bank(team: usize, n: i32, phase: i32): usize {
  return team + 64 + (<usize>((phase & 1) * n) << 6);
}

// fills bank phase & 1 with phase's units shared evenly between the n threads
// @ts-ignore: decorator
@inline function fill(team: usize, n: i32, phase: i32, units: i32): void {
  const b = bank(team, n, phase);
  for (let i = 0; i < n; i++) {
    const f = (units * i) / n;
    const e = (units * (i + 1)) / n;
    atomic.store<i64>(b + (<usize>i << 6), <i64>f | (<i64>e << 12) | (<i64>phase << 24));
  }
}

// spins while the i32 at p equals v, then sleeps on it (counted in the word at `sleepers`)
// @ts-ignore: decorator
@inline function waitWhile(p: usize, v: i32, sleepers: usize): void {
  let spins = 0;
  while (atomic.load<i32>(p) == v) {
    if (++spins < SPIN) continue;
    // say so before sleeping: a thread that changes the word after this add sees it and
    // notifies; one that changed it before makes the wait return at once
    atomic.add<i32>(sleepers, 1);
    atomic.wait<i32>(p, v, -1);
    atomic.sub<i32>(sleepers, 1);
    spins = 0;
  }
}

/**
 * The start of a team call over phases of `units` units each: waits until all n threads have
 * arrived; the last to arrive zeroes the count of units done and fills in phases 0 and 1.
 */
export function startTeam(team: usize, n: i32, units: i32): void {
  if (!ASC_FEATURE_THREADS || n <= 1) return;
  const gen = atomic.load<i32>(team + 8);
  if (atomic.add<i32>(team + 4, 1) == n - 1) {
    atomic.store<i32>(team + 16, 0);
    fill(team, n, 0, units);
    fill(team, n, 1, units);
    atomic.store<i32>(team + 4, 0);
    atomic.store<i32>(team + 8, gen + 1);
    if (atomic.load<i32>(team + 12)) atomic.notify(team + 8, n);
    return;
  }
  waitWhile(team + 8, gen, team + 12);
}

/**
 * Reports the `done` units of this thread's last run of `phase` (0 on its first claim of the
 * phase), then takes the next run, as u0 | u1 << 32, or -1 when none of the phase is left: on
 * the first claim half of its own share, then one unit at a time from its own, then one from
 * the back of another's.
 */
export function claim(team: usize, n: i32, phase: i32, units: i32, self: i32, done: i32): i64 {
  if (!ASC_FEATURE_THREADS) return -1;
  if (done) {
    const before = atomic.add<i32>(team + 16, done);
    // the thread that finishes the phase refills its bank for phase + 2 and wakes the sleepers
    if (before + done == (phase + 1) * units) {
      fill(team, n, phase + 2, units);
      if (atomic.load<i32>(team + 20)) atomic.notify(team + 16, n);
    }
  }
  for (let j = 0; j < n; j++) {
    const line = bank(team, n, phase) + (<usize>((self + j) % n) << 6);
    for (;;) {
      const w = atomic.load<i64>(line);
      const f = <i32>(w & 0xfff);
      const e = <i32>((w >>> 12) & 0xfff);
      const tag = <i32>(w >>> 24);
      if (tag < phase) continue; // not filled in yet (the finisher of phase - 2 is about to)
      if (tag > phase || f >= e) break; // a later phase's (this one is over), or all taken
      const left = e - f;
      const rest = w & ~(<i64>0xffffff);
      // own units from the front (half of them on the first claim), another's from the back
      const q = j == 0 && !done ? max(1, left >> 1) : 1;
      const next = j == 0 ? rest | <i64>(f + q) | (<i64>e << 12) : rest | <i64>f | (<i64>(e - 1) << 12);
      if (atomic.cmpxchg<i64>(line, w, next) == w) return j == 0 ? <i64>f | (<i64>(f + q) << 32) : <i64>(e - 1) | (<i64>e << 32);
    }
  }
  return -1;
}

/** Waits until every unit of `phase` is done; returns the next phase. */
export function nextPhase(team: usize, phase: i32, units: i32): i32 {
  if (!ASC_FEATURE_THREADS) return phase + 1;
  const target = (phase + 1) * units;
  for (let d = atomic.load<i32>(team + 16); d < target; d = atomic.load<i32>(team + 16)) waitWhile(team + 16, d, team + 20);
  return phase + 1;
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

