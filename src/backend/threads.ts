// Worker threads for the wasm core: workers (Node's worker_threads, or Web Workers started from a
// module Worker on a cross-origin-isolated page) instantiate the same module on the same shared
// WebAssembly.Memory, and the calling thread hands each a share of a kernel call — the 8-column
// panels of a GEMM, the rows of a recurrent gate kernel, or a part in a whole time loop that all
// threads run together. The hand-off is a few Atomics on a
// control block in that memory: the caller blocks in Atomics.wait, which Node allows on its main
// thread and browsers allow in Workers (never on a page's main thread).
import { KERNEL_TABLE, WORKER_JOBS } from './kernels.js';
import type { SpawnWorker } from '../platform/platform.js';

// control block per worker, in int32 slots: seq, done, kernel id, up to 13 arguments, then
// whether the worker sleeps on seq and whether the caller sleeps on done: a notify costs a few
// microseconds (a 2-thread W3 profile: ~4 µs a post), so it is made only to wake a sleeper; then
// how long (µs) an idle worker polls before it sleeps; then the last job taken: job s is run by
// whoever first moves it from s - 1 to s, the worker (it runs the job) or the caller (it withdraws
// the job, and does the share itself if there is one left), so a caller never waits for a worker
// that has not woken up yet
const SLOTS = 20;
const WORKER_ASLEEP = 16;
const CALLER_ASLEEP = 17;
const SPIN_US = 18;
const TAKEN = 19;
// polls of the control word before the caller sleeps in Atomics.wait on a worker (about 100 µs)
const SPIN = 20000;
// each thread's claim word (see claim()) on a cache line of its own
const CLAIM_LINE = 64;

// The worker's body, evaluated from this string (no separate file to ship): the platform wraps it
// in what hands it \`module\`, \`memory\` and \`base\` and defines \`ready()\`.
const WORKER = `
const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('rnn-wasm worker: abort'); } } }).exports;
// each job called with exactly its kernel's arguments (a call of another arity into wasm takes
// the engine's slower generic path)
const jobs = [${WORKER_JOBS.map((name) => `(c) => ex.${name}(${KERNEL_TABLE[name].args.map((_, i) => `c[${3 + i}]`).join(', ')})`).join(',\n  ')}];
const ctrl = new Int32Array(memory.buffer, base, ${SLOTS});
ready();
let seen = 0;
for (;;) {
  // poll a while before sleeping: in a recurrent loop the next job comes within microseconds,
  // and waking a sleeping thread costs tens of them (more when the caller did JavaScript between)
  const until = performance.now() + Atomics.load(ctrl, ${SPIN_US}) / 1000;
  for (let i = 1; Atomics.load(ctrl, 0) === seen; i++) if ((i & 255) === 0 && performance.now() > until) break;
  if (Atomics.load(ctrl, 0) === seen) {
    // say so before sleeping: a caller that posts after this store sees it and notifies, and
    // one that posted before it changed seq, so the wait returns at once
    Atomics.store(ctrl, ${WORKER_ASLEEP}, 1);
    Atomics.wait(ctrl, 0, seen);
    Atomics.store(ctrl, ${WORKER_ASLEEP}, 0);
  }
  const seq = Atomics.load(ctrl, 0);
  if (seq < 0) break;
  seen = seq;
  // the caller may have withdrawn it (it did the work itself while this thread slept)
  if (Atomics.compareExchange(ctrl, ${TAKEN}, seq - 1, seq) !== seq - 1) continue;
  jobs[ctrl[2]](ctrl);
  Atomics.store(ctrl, 1, seq);
  if (Atomics.load(ctrl, ${CALLER_ASLEEP})) Atomics.notify(ctrl, 1);
}
`;

// the control blocks' bytes, rounded up to a whole claim line
const ctrlBytes = (workers: number) => Math.ceil((workers * SLOTS * 4) / CLAIM_LINE) * CLAIM_LINE;

/** Splits kernel calls between the calling thread and the workers. @internal */
export class KernelPool {
  private readonly seq: number[];
  private joining = 0;
  /**
   * The least rows × hidden units of a recurrent step run by a team (KernelPool.team); smaller
   * loops run on the calling thread, where the per-step meeting costs more than the step's share.
   */
  minTeamStep = 0;
  /** Whether a job a worker has not started is taken back (withdraw()); per platform. */
  withdrawing = false;
  /** Jobs taken back from a worker that had not started them (for tests). */
  withdrawn = 0;

  private constructor(
    private readonly ctrl: Int32Array,
    private readonly claims: Int32Array,
    /** Where the claim words of claim() are. */
    readonly claimsPtr: number,
    /** Where the team block of team() is. */
    readonly teamPtr: number,
    readonly workers: number,
  ) {
    this.seq = new Array(workers).fill(0);
  }

  /**
   * The bytes start() needs reserved for `workers` workers: their control blocks, a claim line
   * per thread, then the team block (assembly/team.ts: a line, and two banks of a line per thread).
   */
  static bytes(workers: number): number {
    return ctrlBytes(workers) + (workers + 1) * CLAIM_LINE + (1 + 2 * (workers + 1)) * CLAIM_LINE;
  }

  /**
   * Starts `workers` threads on `module` sharing `memory`; ctrlPtr points at bytes(workers) reserved
   * bytes; an idle worker polls for `spinMicros` before it sleeps (see spin()).
   */
  static async start(
    spawn: SpawnWorker,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    ctrlPtr: number,
    workers: number,
    spinMicros: number,
  ): Promise<KernelPool> {
    const ctrl = new Int32Array(memory.buffer, ctrlPtr, workers * SLOTS);
    for (let w = 0; w < workers; w++) ctrl[w * SLOTS + SPIN_US] = spinMicros;
    await Promise.all(Array.from({ length: workers }, (_, i) => spawn(WORKER, { module, memory, base: ctrlPtr + i * SLOTS * 4 })));
    const claimsPtr = ctrlPtr + ctrlBytes(workers); // 64-bit atomics want 8-byte alignment
    // the team block (assembly/team.ts): the thread count, then arrivals, generation, sleepers at 0
    const teamPtr = claimsPtr + (workers + 1) * CLAIM_LINE;
    new Int32Array(memory.buffer, teamPtr, 4).set([workers + 1, 0, 0, 0]);
    return new KernelPool(ctrl, new Int32Array(memory.buffer, claimsPtr, ((workers + 1) * CLAIM_LINE) >> 2), claimsPtr, teamPtr, workers);
  }

  /**
   * How long (µs) an idle worker polls for the next job before it sleeps in Atomics.wait. Waking a
   * sleeper costs tens of microseconds, the poll a core meanwhile: long where a core can be spared
   * (Node), short where the page shares the cores with the browser's own threads.
   */
  spin(micros: number): void {
    for (let w = 0; w < this.workers; w++) Atomics.store(this.ctrl, w * SLOTS + SPIN_US, micros);
  }

  private post(w: number, job: number, args: ArrayLike<number>, ...more: number[]): void {
    const base = w * SLOTS;
    const ctrl = this.ctrl;
    ctrl[base + 2] = job;
    for (let i = 0; i < args.length; i++) {
      // the slots are int32: pointers, sizes and flags pass, a float argument would not
      if (!Number.isInteger(args[i])) throw new Error(`rnn-wasm internal: worker job ${job} got a non-integer argument ${args[i]}`);
      ctrl[base + 3 + i] = args[i];
    }
    for (let i = 0; i < more.length; i++) ctrl[base + 3 + args.length + i] = more[i];
    Atomics.store(ctrl, base, ++this.seq[w]);
    if (Atomics.load(ctrl, base + WORKER_ASLEEP)) Atomics.notify(ctrl, base);
  }

  /**
   * Takes back worker w's last job if it has not started it (see TAKEN): true when withdrawn, and
   * the job counts as done; false when the worker has it (wait for it).
   */
  private withdraw(w: number): boolean {
    if (!this.withdrawing) return false;
    const base = w * SLOTS;
    const s = this.seq[w];
    if (Atomics.compareExchange(this.ctrl, base + TAKEN, s - 1, s) !== s - 1) return false;
    Atomics.store(this.ctrl, base + 1, s);
    this.withdrawn++;
    return true;
  }

  private wait(parts: number): void {
    const ctrl = this.ctrl;
    for (let w = 0; w < parts; w++) {
      const base = w * SLOTS;
      let done = Atomics.load(ctrl, base + 1);
      for (let i = 0; i < SPIN && done !== this.seq[w]; i++) done = Atomics.load(ctrl, base + 1);
      while (done !== this.seq[w]) {
        // as the worker does: say so, look again, then sleep
        Atomics.store(ctrl, base + CALLER_ASLEEP, 1);
        done = Atomics.load(ctrl, base + 1);
        if (done !== this.seq[w]) Atomics.wait(ctrl, base + 1, done);
        Atomics.store(ctrl, base + CALLER_ASLEEP, 0);
        done = Atomics.load(ctrl, base + 1);
      }
    }
  }

  /**
   * Runs `job` (an index of WORKER_JOBS) over units 0..units-1 (rows, elements, sequences) in contiguous shares: args(u0, u1) gives the
   * kernel arguments for units u0..u1-1; the first share runs here through `local`.
   */
  split(job: number, units: number, args: (u0: number, u1: number) => number[], local: (a: number[]) => void): void {
    const parts = Math.min(this.workers + 1, units);
    const per = Math.ceil(units / parts);
    const share = (w: number) => args(per * (w + 1), Math.min(units, per * (w + 2)));
    for (let w = 0; w < parts - 1; w++) this.post(w, job, share(w));
    local(args(0, per));
    // a share whose worker has not started it yet is done here
    for (let w = 0; w < parts - 1; w++) if (this.withdraw(w)) local(share(w));
    this.wait(parts - 1);
  }

  /**
   * Starts `job` over units 0..units-1 with each thread claiming runs of them as it goes
   * (assembly/matmul.ts, gemm_packed_claim): thread i owns the i-th contiguous share and takes
   * from the back of another's when its own are done, so no thread waits on a slower one. The
   * workers get `args` and then the claim words' address and their index | count << 8 | `flags`
   * (bits from 16 up, the job's own). Returns that last argument for the calling thread, which
   * runs its part with claimsPtr and it, then calls join().
   */
  claim(job: number, units: number, flags: number, args: ArrayLike<number>): number {
    const threads = Math.min(this.workers + 1, units);
    const per = Math.ceil(units / threads);
    const words = CLAIM_LINE >> 2;
    // a 64-bit word per thread: its first unit, then the end of its share
    for (let i = 0; i < threads; i++) {
      this.claims[i * words] = Math.min(units, per * i);
      this.claims[i * words + 1] = Math.min(units, per * (i + 1));
    }
    for (let w = 0; w < threads - 1; w++) this.post(w, job, args, this.claimsPtr, (w + 1) | (threads << 8) | flags);
    this.joining = threads - 1;
    return (threads << 8) | flags;
  }

  /**
   * Runs `job` (an index of WORKER_JOBS) on every thread as one team: each worker gets `params`,
   * its index (1, 2, ..) and the team block; the calling thread runs `local(0, team)`, then waits
   * for the workers (a team kernel's threads share its phases inside the call, assembly/team.ts).
   */
  team(job: number, params: number, local: (self: number, team: number) => void): void {
    for (let w = 0; w < this.workers; w++) this.post(w, job, [params, w + 1, this.teamPtr]);
    local(0, this.teamPtr);
    this.wait(this.workers);
  }

  /**
   * Waits for the workers of the last claim(), once the caller has claimed its last unit: a worker
   * that has not started by then has nothing left to claim, and its job is withdrawn.
   */
  join(): void {
    for (let w = 0; w < this.joining; w++) this.withdraw(w);
    this.wait(this.joining);
    this.joining = 0;
  }
}
