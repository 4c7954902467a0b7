// A second (or more) thread for the GEMMs, in Node: worker_threads instantiate the same wasm
// module on the same shared WebAssembly.Memory, and each GEMM's 8-column panels are split between
// the calling thread and the workers. The hand-off is a few Atomics on a control block in that
// memory (the caller blocks in Atomics.wait, which Node allows on its main thread; browsers do
// not, so there the library stays on one thread). Everything else stays on the calling thread.
import type { Kernels } from './kernels.js';

// control block per worker, in int32 slots: seq, done, then the 13 arguments of gemm_packed_panels
const SLOTS = 16;
// polls of the control word before a thread sleeps in Atomics.wait (about 100 µs)
const SPIN = 20000;

// The worker: no imports beyond Node's own, evaluated from this string (no separate file to ship).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, base } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('rnn-wasm worker: abort'); } } });
const gemm = inst.exports.gemm_packed_panels;
const ctrl = new Int32Array(memory.buffer, base, ${SLOTS});
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  // spin a little before sleeping: in a recurrent loop the next product comes within microseconds,
  // and waking a sleeping thread costs tens of them
  for (let i = 0; i < ${SPIN} && Atomics.load(ctrl, 0) === seen; i++);
  Atomics.wait(ctrl, 0, seen);
  const seq = Atomics.load(ctrl, 0);
  if (seq < 0) break;
  seen = seq;
  gemm(ctrl[2], ctrl[3], ctrl[4], ctrl[5], ctrl[6], ctrl[7], ctrl[8], ctrl[9], ctrl[10], ctrl[11], ctrl[12], ctrl[13], ctrl[14]);
  Atomics.store(ctrl, 1, seq);
  Atomics.notify(ctrl, 1);
}
`;

/** Splits GEMM panels between the calling thread and the workers. @internal */
export class GemmPool {
  private readonly seq: number[];

  private constructor(
    private readonly kernels: Kernels,
    private readonly ctrl: Int32Array,
    readonly workers: number,
  ) {
    this.seq = new Array(workers).fill(0);
  }

  /** Starts `workers` threads on `module` sharing `memory`; ctrlPtr points at workers·64 reserved bytes. */
  static async start(kernels: Kernels, module: WebAssembly.Module, memory: WebAssembly.Memory, ctrlPtr: number, workers: number): Promise<GemmPool> {
    const { Worker } = await import('node:worker_threads');
    await Promise.all(
      Array.from({ length: workers }, (_, i) => {
        // no inherited flags: the source is CommonJS (an ESM parent's --input-type would break it),
        // and V8 flags such as relaxed SIMD already hold for every thread of the process
        const w = new Worker(WORKER, { eval: true, execArgv: [], workerData: { module, memory, base: ctrlPtr + i * SLOTS * 4 } });
        w.unref(); // never keeps the process alive
        return new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        });
      }),
    );
    return new GemmPool(kernels, new Int32Array(memory.buffer, ctrlPtr, workers * SLOTS), workers);
  }

  /** gemm_packed over all panels, the first share on this thread and the rest on the workers. */
  gemmPacked(c: number, a: number, ars: number, acs: number, packed: number, bias: number, m: number, k: number, n: number, acc: number, ldc: number): void {
    const panels = (n + 7) >> 3;
    const parts = Math.min(this.workers + 1, panels);
    const per = Math.ceil(panels / parts);
    const ctrl = this.ctrl;
    for (let w = 0; w < parts - 1; w++) {
      const base = w * SLOTS;
      ctrl[base + 2] = c;
      ctrl[base + 3] = a;
      ctrl[base + 4] = ars;
      ctrl[base + 5] = acs;
      ctrl[base + 6] = packed;
      ctrl[base + 7] = bias;
      ctrl[base + 8] = m;
      ctrl[base + 9] = k;
      ctrl[base + 10] = n;
      ctrl[base + 11] = acc;
      ctrl[base + 12] = ldc;
      ctrl[base + 13] = per * (w + 1);
      ctrl[base + 14] = Math.min(panels, per * (w + 2));
      Atomics.store(ctrl, base, ++this.seq[w]);
      Atomics.notify(ctrl, base);
    }
    this.kernels.gemm_packed_panels(c, a, ars, acs, packed, bias, m, k, n, acc, ldc, 0, per);
    for (let w = 0; w < parts - 1; w++) {
      const base = w * SLOTS;
      let done = Atomics.load(ctrl, base + 1);
      for (let i = 0; i < SPIN && done !== this.seq[w]; i++) done = Atomics.load(ctrl, base + 1);
      while (done !== this.seq[w]) {
        Atomics.wait(ctrl, base + 1, done);
        done = Atomics.load(ctrl, base + 1);
      }
    }
  }
}
