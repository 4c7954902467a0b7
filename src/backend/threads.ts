// Worker threads for the wasm core: workers (Node's worker_threads, or Web Workers started from a
// module Worker on a cross-origin-isolated page) instantiate the same module on the same shared
// WebAssembly.Memory, and the calling thread hands each a share of a kernel call — the 8-column
// panels of a GEMM, or the rows of a recurrent gate kernel. The hand-off is a few Atomics on a
// control block in that memory: the caller blocks in Atomics.wait, which Node allows on its main
// thread and browsers allow in Workers (never on a page's main thread).
import { WORKER_JOBS } from './kernels.js';
import type { SpawnWorker } from '../platform/platform.js';

// control block per worker, in int32 slots: seq, done, kernel id, then up to 13 arguments
const SLOTS = 16;
// polls of the control word before a thread sleeps in Atomics.wait (about 100 µs)
const SPIN = 20000;
// each thread's claim word (see claimed()) on a cache line of its own
const CLAIM_LINE = 64;

// The worker's body, evaluated from this string (no separate file to ship): the platform wraps it
// in what hands it \`module\`, \`memory\` and \`base\` and defines \`ready()\`.
const WORKER = `
const ex = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('rnn-wasm worker: abort'); } } }).exports;
const jobs = [${WORKER_JOBS.map((name) => `ex.${name}`).join(', ')}];
const ctrl = new Int32Array(memory.buffer, base, ${SLOTS});
ready();
let seen = 0;
for (;;) {
  // spin a little before sleeping: in a recurrent loop the next job comes within microseconds,
  // and waking a sleeping thread costs tens of them
  for (let i = 0; i < ${SPIN} && Atomics.load(ctrl, 0) === seen; i++);
  Atomics.wait(ctrl, 0, seen);
  const seq = Atomics.load(ctrl, 0);
  if (seq < 0) break;
  seen = seq;
  jobs[ctrl[2]](ctrl[3], ctrl[4], ctrl[5], ctrl[6], ctrl[7], ctrl[8], ctrl[9], ctrl[10], ctrl[11], ctrl[12], ctrl[13], ctrl[14], ctrl[15]);
  Atomics.store(ctrl, 1, seq);
  Atomics.notify(ctrl, 1);
}
`;

/** Splits kernel calls between the calling thread and the workers. @internal */
export class KernelPool {
  private readonly seq: number[];

  private constructor(
    private readonly ctrl: Int32Array,
    private readonly claims: Int32Array,
    private readonly claimsPtr: number,
    readonly workers: number,
  ) {
    this.seq = new Array(workers).fill(0);
  }

  /** The bytes start() needs reserved for `workers` workers: their control blocks, then a claim line per thread. */
  static bytes(workers: number): number {
    return workers * SLOTS * 4 + (workers + 1) * CLAIM_LINE;
  }

  /** Starts `workers` threads on `module` sharing `memory`; ctrlPtr points at bytes(workers) reserved bytes. */
  static async start(
    spawn: SpawnWorker,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    ctrlPtr: number,
    workers: number,
  ): Promise<KernelPool> {
    await Promise.all(Array.from({ length: workers }, (_, i) => spawn(WORKER, { module, memory, base: ctrlPtr + i * SLOTS * 4 })));
    const claimsPtr = ctrlPtr + workers * SLOTS * 4;
    return new KernelPool(
      new Int32Array(memory.buffer, ctrlPtr, workers * SLOTS),
      new Int32Array(memory.buffer, claimsPtr, ((workers + 1) * CLAIM_LINE) >> 2),
      claimsPtr,
      workers,
    );
  }

  private post(w: number, job: number, args: number[]): void {
    const base = w * SLOTS;
    const ctrl = this.ctrl;
    ctrl[base + 2] = job;
    for (let i = 0; i < args.length; i++) ctrl[base + 3 + i] = args[i];
    Atomics.store(ctrl, base, ++this.seq[w]);
    Atomics.notify(ctrl, base);
  }

  private wait(parts: number): void {
    const ctrl = this.ctrl;
    for (let w = 0; w < parts; w++) {
      const base = w * SLOTS;
      let done = Atomics.load(ctrl, base + 1);
      for (let i = 0; i < SPIN && done !== this.seq[w]; i++) done = Atomics.load(ctrl, base + 1);
      while (done !== this.seq[w]) {
        Atomics.wait(ctrl, base + 1, done);
        done = Atomics.load(ctrl, base + 1);
      }
    }
  }

  /**
   * Runs `job` (an index of WORKER_JOBS) over units 0..units-1 (panels, rows) in contiguous shares: args(u0, u1) gives the
   * kernel arguments for units u0..u1-1; the first share runs here through `local`.
   */
  split(job: number, units: number, args: (u0: number, u1: number) => number[], local: (a: number[]) => void): void {
    const parts = Math.min(this.workers + 1, units);
    const per = Math.ceil(units / parts);
    for (let w = 0; w < parts - 1; w++) this.post(w, job, args(per * (w + 1), Math.min(units, per * (w + 2))));
    local(args(0, per));
    this.wait(parts - 1);
  }

  /**
   * Runs `job` over units 0..units-1, each thread claiming runs of them as it goes
   * (assembly/matmul.ts, gemm_packed_claim): thread i owns the i-th contiguous share and takes
   * from the back of another's when its own are done, so no thread waits on a slower one. The
   * job's last two arguments are the claim words' address and the thread's index | count << 8 |
   * `flags` (bits from 16 up, the job's own).
   */
  claimed(job: number, units: number, flags: number, args: readonly number[], local: (a: number[]) => void): void {
    const threads = Math.min(this.workers + 1, units);
    const per = Math.ceil(units / threads);
    const words = CLAIM_LINE >> 2;
    // a 64-bit word per thread: its first unit, then the end of its share
    for (let i = 0; i < threads; i++) {
      this.claims[i * words] = Math.min(units, per * i);
      this.claims[i * words + 1] = Math.min(units, per * (i + 1));
    }
    for (let w = 0; w < threads - 1; w++) this.post(w, job, [...args, this.claimsPtr, (w + 1) | (threads << 8) | flags]);
    local([...args, this.claimsPtr, (threads << 8) | flags]);
    this.wait(threads - 1);
  }
}
