// The step order the whole-loop kernels follow (assembly/recurrent.ts), for their plain twins:
// steps in time order (reversed for a reverse direction), backward in the opposite order, each
// with its active rows (steps with none skipped) and the slots of a [T+1,B,n] state sequence it
// reads (inT: the state entering it) and writes (outT: the state after it).

/** Calls fn for every step of one direction with active rows; `backward` runs them in the opposite order. */
export function eachStep(
  active: ArrayLike<number>,
  T: number,
  reverse: boolean,
  backward: boolean,
  fn: (t: number, rows: number, inT: number, outT: number) => void,
): void {
  for (let i = 0; i < T; i++) {
    const s = backward ? T - 1 - i : i;
    const t = reverse ? T - 1 - s : s;
    if (active[t] === 0) continue;
    if (reverse) fn(t, active[t], t + 1, t);
    else fn(t, active[t], t, t + 1);
  }
}
