// Every kernel of the wasm core (assembly/index.ts), declared once: its argument names, whether
// it returns a number, and how it is shared out between threads. The typed binding (`Kernels`),
// the threaded wrappers (parallel.ts) and the worker's job list (threads.ts) are all derived from
// this table, and test/kernels/table.test.ts checks it against the module's exports (names and
// arities). Pointers are byte offsets into wasm memory, sizes are element counts, booleans 0/1.

/** How a kernel call is split between threads. @internal */
export type Split =
  /** A GEMM: its units (8-column panels, over blocks of 48 rows when few), claimed as they go by `worker` (the same arguments plus the claim words and the thread, see KernelPool.claim). */
  | { kind: 'panels'; worker: string }
  /**
   * Independent rows: `rows` is the row-count argument, `width` (default `H`) the row width; each
   * pointer in `stride` advances stride·width floats per row (pointers not named are shared, 0
   * stays 0). With `serialIf`, a non-zero value of that argument (a sum over rows) keeps the call
   * on one thread; calls of fewer than `min` rows·width elements (default 2,048) stay on it too.
   */
  | { kind: 'rows'; stride: Readonly<Record<string, number>>; serialIf?: string; min?: number; width?: string }
  /**
   * Independent elements: every argument but the last (the count n) is a pointer; calls of fewer
   * than `min` elements stay on one thread (a cheap kernel needs more to pay for the hand-off).
   */
  | { kind: 'elements'; min: number }
  /**
   * Independent units: the last two arguments are the range (u0, u1); a plain call passes (0, `count`).
   * With `min`, calls of fewer than `min` units (times the argument `per`, when named) stay on one thread.
   */
  | { kind: 'range'; count: string; min?: number; per?: string }
  /**
   * A whole loop run by every thread together (assembly/team.ts): the last two arguments are the
   * thread's index and the team block; a plain call passes (0, 0) and runs alone.
   */
  | { kind: 'team' };

/** One kernel: argument names in order, a numeric result or none, an optional thread split. @internal */
export interface KernelSpec {
  readonly args: readonly string[];
  readonly returns?: true;
  readonly split?: Split;
}

const rows = (stride: Record<string, number>, serialIf?: string, min?: number, width?: string): Split => ({
  kind: 'rows',
  stride,
  serialIf,
  min,
  width,
});
// a tanh costs ~4 ns an element, a multiply-add or a max well under 1: their splits pay off from
// different sizes (measured: tanh_backward on 8,192 floats took 27 µs shared against 4.4 alone)
const elements: Split = { kind: 'elements', min: 4096 };
const cheapElements: Split = { kind: 'elements', min: 1 << 16 };
/** gemm_packed's arguments, which a 'panels' split takes by name. @internal */
export const GEMM = ['c', 'a', 'ars', 'acs', 'packed', 'bias', 'm', 'k', 'n', 'accumulate', 'ldc'] as const;

/** The kernel table. @internal */
export const KERNEL_TABLE = {
  heap_base: { args: [], returns: true },
  // assembly/heap.ts: memset and memmove of floats (faster than JavaScript's on shared memory)
  zero_fill: { args: ['ptr', 'n'] },
  copy_floats: { args: ['dst', 'src', 'n'] },

  // assembly/matmul.ts: C [M,N] (+)= A·packedB (+ bias); A read through strides (ars, acs)
  gemm_pack: { args: ['packed', 'b', 'k', 'n', 'transposed'] },
  gemm_packed: { args: GEMM, split: { kind: 'panels', worker: 'gemm_packed_claim' } },
  // assembly/bmm.ts: C[b] = A[b]·B[b] for small row-major matrices, B read in place
  bmm: { args: ['c', 'a', 'b', 'batch', 'n', 'k', 'm'] },
  // C[b] = A[b]·B[b]ᵀ, B [m,k] read in place
  bmm_nt: { args: ['c', 'a', 'b', 'batch', 'n', 'k', 'm'] },
  gemm_packed_panels: { args: [...GEMM, 'p0', 'p1'] },
  // gemm_packed shared by threads claiming runs of units (the claim words at `claims`; who = thread | count << 8 | byBlocks << 16)
  gemm_packed_claim: { args: [...GEMM, 'claims', 'who'] },

  // assembly/activations.ts
  sigmoid_forward: { args: ['out', 'x', 'n'], split: elements },
  sigmoid_backward: { args: ['dinp', 'dout', 'y', 'n'], split: cheapElements },
  tanh_forward: { args: ['out', 'x', 'n'], split: elements },
  tanh_backward: { args: ['dinp', 'dout', 'y', 'n'], split: cheapElements },
  relu_forward: { args: ['out', 'x', 'n'], split: cheapElements },
  relu_backward: { args: ['dinp', 'dout', 'y', 'n'], split: cheapElements },
  exp_forward: { args: ['out', 'x', 'n'], split: elements },
  exp_backward: { args: ['dinp', 'dout', 'y', 'n'], split: cheapElements },
  log_forward: { args: ['out', 'x', 'n'], split: elements },
  log_backward: { args: ['dinp', 'dout', 'x', 'n'], split: cheapElements },

  // assembly/elementwise.ts
  add_forward: { args: ['out', 'a', 'b', 'n'] },
  sub_forward: { args: ['out', 'a', 'b', 'n'] },
  mul_forward: { args: ['out', 'a', 'b', 'n'] },
  mul_backward: { args: ['dinp', 'dout', 'other', 'n'] },
  div_forward: { args: ['out', 'a', 'b', 'n'] },
  div_backward: { args: ['da', 'db', 'dout', 'b', 'y', 'n'] },
  scale_forward: { args: ['out', 'x', 'alpha', 'n'] },
  axpy: { args: ['y', 'x', 'alpha', 'n'] },

  // assembly/softmax.ts: rows of `cols`, shared by rows from 4,096 elements (an exp each)
  softmax_forward: { args: ['out', 'x', 'rows', 'cols'], split: rows({ out: 1, x: 1 }, undefined, 4096, 'cols') },
  softmax_backward: { args: ['dinp', 'dout', 'y', 'rows', 'cols'], split: rows({ dinp: 1, dout: 1, y: 1 }, undefined, 4096, 'cols') },
  log_softmax_forward: { args: ['out', 'x', 'rows', 'cols'], split: rows({ out: 1, x: 1 }, undefined, 4096, 'cols') },
  log_softmax_backward: { args: ['dinp', 'dout', 'y', 'rows', 'cols'], split: rows({ dinp: 1, dout: 1, y: 1 }, undefined, 4096, 'cols') },

  // assembly/reduce.ts
  sum: { args: ['x', 'n'], returns: true },
  sum_squares: { args: ['x', 'n'], returns: true },
  sum_axis_forward: { args: ['out', 'x', 'outer', 'n', 'inner'] },
  sum_axis_backward: { args: ['dinp', 'dout', 'outer', 'n', 'inner'] },

  // assembly/optim.ts
  sgd_update: { args: ['param', 'grad', 'buf', 'n', 'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'first'] },
  adam_update: { args: ['param', 'grad', 'm', 'v', 'vmax', 'n', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'decoupled', 'bc1', 'bc2'] },
  rmsprop_update: { args: ['param', 'grad', 'sq', 'gavg', 'buf', 'n', 'lr', 'alpha', 'eps', 'weightDecay', 'momentum'] },
  adagrad_update: { args: ['param', 'grad', 'acc', 'n', 'clr', 'eps', 'weightDecay'] },

  // assembly/clip.ts, assembly/transpose.ts
  clip_value: { args: ['x', 'lo', 'hi', 'n'] },
  transpose_forward: { args: ['out', 'x', 'batch', 'rows', 'cols'] },
  // rows r0..r1 of x [rows, cols] into columns r0..r1 of out [cols, rows] (shared from 65,536 elements)
  transpose_rows: { args: ['out', 'x', 'rows', 'cols', 'r0', 'r1'], split: { kind: 'range', count: 'r1', min: 1 << 16, per: 'cols' } },
  // rows r0..r1 of src [rows, n] to the float offsets map[r] of dst (none where map[r] < 0), and of
  // dst from the offsets in src (zeros where map[r] < 0). On one thread: copies gain little from a
  // second core, and a static half waits for a worker that slept (2-thread W3 1.63 -> 1.76x, W5
  // 1.58 -> 1.73x in one process, shared against alone)
  gather_rows: { args: ['dst', 'src', 'map', 'n', 'r0', 'r1'] },
  pick_rows: { args: ['dst', 'src', 'map', 'n', 'r0', 'r1'] },
  // rows of src [rows, n] added into dst at the float offsets map[r] (an embedding's gradient; one thread)
  scatter_add_rows: { args: ['dst', 'src', 'map', 'n', 'rows'] },

  // assembly/cross-entropy.ts: logits [rows,C], targets i32 [rows] (-1: left out), params f32 [ε];
  // shared by rows from 8,192 logits (an exp each)
  cross_entropy_forward: {
    args: ['logp', 'loss', 'x', 'targets', 'params', 'C', 'r0', 'r1'],
    split: { kind: 'range', count: 'r1', min: 8192, per: 'C' },
  },
  cross_entropy_backward: {
    args: ['d', 'logp', 'targets', 'g', 'params', 'C', 'r0', 'r1'],
    split: { kind: 'range', count: 'r1', min: 8192, per: 'C' },
  },
  // the index of the first NaN or ±Infinity in x [n], or -1
  first_nonfinite: { args: ['x', 'n'], returns: true },

  // assembly/lstm.ts: gates [rows,4H] i,f,g,o; the states [rows,H]
  lstm_step_forward: {
    args: ['gates', 'h', 'c', 'tc', 'cPrev', 'peep', 'rows', 'H', 'hard'],
    split: rows({ gates: 4, h: 1, c: 1, tc: 1, cPrev: 1 }),
  },
  lstm_step_backward: {
    args: ['dgates', 'dc', 'dpeep', 'dh', 'gates', 'cPrev', 'c', 'tc', 'peep', 'rows', 'H', 'hard'],
    // (its share of a W3 step, 8,192 cells in ~21 µs, took as long shared as alone: it stays on
    // one thread below 32,768 cells)
    split: rows({ dgates: 4, dc: 1, dh: 1, gates: 4, cPrev: 1, c: 1, tc: 1 }, 'dpeep', 1 << 15),
  },

  // a layer's whole time loop without projection (params: see assembly/lstm.ts), the hidden units shared by a team
  lstm_seq_forward: { args: ['params', 'self', 'team'], split: { kind: 'team' } },
  lstm_seq_backward: { args: ['params', 'self', 'team'], split: { kind: 'team' } },

  // assembly/gru.ts: gates and hw [rows,3H] r,z,n; the states [rows,H]
  gru_rz_forward: {
    args: ['gates', 'rh', 'xw', 'hw', 'hPrev', 'rows', 'H', 'hard'],
    split: rows({ gates: 3, rh: 1, xw: 3, hw: 3, hPrev: 1 }),
  },
  gru_n_forward: {
    args: ['h', 'gates', 'xw', 'hw', 'hPrev', 'rows', 'H', 'resetAfter'],
    split: rows({ h: 1, gates: 3, xw: 3, hw: 3, hPrev: 1 }),
  },
  gru_step_backward: {
    args: ['dxw', 'dhw', 'dhPrev', 'dh', 'gates', 'hw', 'hPrev', 'rows', 'H', 'resetAfter', 'hard'],
    split: rows({ dxw: 3, dhw: 3, dhPrev: 1, dh: 1, gates: 3, hw: 3, hPrev: 1 }),
  },
  gru_reset_backward: { args: ['dxw', 'dhw', 'dhPrev', 'drh', 'gates', 'hPrev', 'rows', 'H', 'hard'] },
  // the whole time loop of the reset-after form (params: see assembly/gru.ts)
  gru_seq_forward: { args: ['params', 'self', 'team'], split: { kind: 'team' } },
  gru_seq_backward: { args: ['params', 'self', 'team'], split: { kind: 'team' } },

  // assembly/elman.ts: the Elman layer's whole time loop (params: see there)
  elman_seq_forward: { args: ['params', 'self', 'team'], split: { kind: 'team' } },
  elman_seq_backward: { args: ['params', 'self', 'team'], split: { kind: 'team' } },

  // assembly/clockwork.ts: blocks [rows,H], mask [H]
  clockwork_step_forward: { args: ['y', 'xw', 'hPrev', 'mask', 'rows', 'H', 'relu'] },
  clockwork_step_backward: { args: ['dz', 'dPrev', 'dh', 'y', 'mask', 'rows', 'H', 'relu'] },

  // assembly/scrn.ts: rows of H+Cx floats, [h | s]
  scrn_context_forward: { args: ['xw', 'state', 'rows', 'H', 'Cx', 'alpha'] },
  scrn_step_forward: { args: ['out', 'xw', 'rows', 'H', 'Cx', 'tanhAct'] },
  scrn_step_backward: { args: ['dxw', 'dh', 'y', 'rows', 'H', 'Cx', 'tanhAct'] },
  scrn_context_backward: { args: ['dxw', 'dPrev', 'rows', 'H', 'Cx', 'alpha'] },

  // assembly/attention.ts: additive scores s [B,Tq,Tk] from qa [B,Tq,A], ka [B,Tk,A], v [A]; e [B,Tq,Tk,A] kept
  additive_scores_forward: { args: ['s', 'e', 'qa', 'ka', 'v', 'B', 'Tq', 'Tk', 'A'] },
  additive_scores_backward: { args: ['dqa', 'dka', 'dv', 'ds', 'e', 'v', 'B', 'Tq', 'Tk', 'A'] },

  // assembly/ctc.ts
  ctc_work_size: { args: ['T', 'C', 'L'], returns: true },
  ctc_loss_forward_backward: {
    args: ['grad', 'work', 'lp', 'labels', 'T', 'B', 'C', 'b', 'L', 'blank', 'wantGrad', 'logSpace'],
    returns: true,
  },
  ctc_used_log_space: { args: [], returns: true },
  // the first NaN or +Infinity in x, or -1; d[t,b,:] = grad[t,b,:]·scale[b] while t < il[b], else 0
  ctc_check_input: { args: ['x', 'n'], returns: true },
  ctc_scale_grad: { args: ['d', 'grad', 'scale', 'il', 'T', 'B', 'C'] },
  // sequences b0..b1-1, each in its own work block; params i32 [workSize, labelStride, B, C, blank, wantGrad, il[B], tl[B]]
  ctc_loss_batch: { args: ['nll', 'grad', 'work', 'lp', 'labels', 'params', 'b0', 'b1'], split: { kind: 'range', count: 'b1' } },
} as const satisfies Record<string, KernelSpec>;

type Table = typeof KERNEL_TABLE;

/** The name of a kernel. @internal */
export type KernelName = keyof Table;

type Numbers<A extends readonly string[]> = { [I in keyof A]: number };

/** Every kernel of the wasm core as the instance exports it, typed from the table. @internal */
export type Kernels = { readonly memory: WebAssembly.Memory } & {
  readonly [K in KernelName]: (...args: Numbers<Table[K]['args']>) => Table[K] extends { returns: true } ? number : void;
};

/** The kernels a worker thread runs, in job-id order: each split's worker kernel. @internal */
export const WORKER_JOBS: readonly KernelName[] = (Object.keys(KERNEL_TABLE) as KernelName[]).flatMap((name) => {
  const split = (KERNEL_TABLE[name] as KernelSpec).split;
  return split ? [(split.kind === 'panels' ? split.worker : name) as KernelName] : [];
});
