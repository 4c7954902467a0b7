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
    readonly workers: number,
  ) {
    this.seq = new Array(workers).fill(0);
  }

  /** Starts `workers` threads on `module` sharing `memory`; ctrlPtr points at workers·64 reserved bytes. */
  static async start(
    spawn: SpawnWorker,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    ctrlPtr: number,
    workers: number,
  ): Promise<KernelPool> {
    await Promise.all(Array.from({ length: workers }, (_, i) => spawn(WORKER, { module, memory, base: ctrlPtr + i * SLOTS * 4 })));
    return new KernelPool(new Int32Array(memory.buffer, ctrlPtr, workers * SLOTS), workers);
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
}
