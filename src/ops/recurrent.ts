// The recurrent driver: everything the Elman, Jordan, LSTM and GRU layers share, so that each
// cell (elman.ts, jordan.ts, lstm.ts, gru.ts) is only its equations and kernel calls.
//
// A layer over a whole batch is ONE tape node. Forward, per direction (the second one runs
// backwards in time):
//   xw = x·W_ihᵀ + b              one GEMM over all T·B rows: only the recurrent part waits
//   for each step t, over the `rows` sequences still running (sequence.ts's sorted layout):
//     cell.step(t, rows, states)  reads the states entering t, writes next[i][t] (next[0] is the output)
// Each state's sequence is one block of T+1 steps with the initial state at the step before the
// first (slot 0, or slot T in reverse): the state entering step t is then the slot before t's, so
// `history` (what backward needs) is the same block seen one step earlier and nothing is copied.
// A finished sequence's rows of next are zeros; in reverse, the rows of a sequence that has not
// started yet hold its initial state, which it enters its first step with.
// Backward runs the steps in reverse: the gradient reaching the emitted state is the output's
// gradient at t plus what flowed back from t+1; the cell turns it into dXW[t] (the gradient of
// xw) and the gradients of the states entering the step. The driver then forms the input-side
// gradients with one GEMM each over all steps — dW_ih = dXWᵀ·x, db = Σ dXW, dx = dXW·W_ih — and
// the cell adds its recurrent weight gradients (ctx.gradTN shares dXWᵀ when a cell reuses it).
//
// Backward reads only what forward saved: the input, the histories, the cell's kept blocks and a
// snapshot of every weight (copied only when the weight changes first: tensor.ts), so a weight
// changed between forward and backward (an optimiser step, loadStateDict) does not change the
// gradients. The saved blocks stay in wasm memory between the
// two passes (Arena.keep: moved into one persistent region when forward's scope ends, given back
// when backward has run or its closure is collected), falling back to copies in JavaScript when
// the arena cannot give a region then.
import { Snapshots, Tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { Block, type Arena, type KeptBlocks } from '../backend/heap.js';
import type { Kernels } from '../backend/kernels.js';
import { gemmNN, gemmPacked, packInArena } from '../backend/gemm.js';
import { packedWeight, settlePacks } from '../backend/pack-cache.js';
import { gradInWasm } from './util.js';
import { gatherSteps, pickSteps, putState, stepBlock, takeState, type SeqLayout } from './sequence.js';

/** Blocks a cell keeps from forward for its backward, by name. @internal */
export type Kept = Record<string, Block>;

/** What a cell gets for one direction, forward and backward. @internal */
export interface DirectionContext {
  readonly ar: Arena;
  readonly k: Kernels;
  readonly B: number;
  /** active[t]: how many sequences run at step t (sequence.ts's sorted layout). */
  readonly active: Int32Array;
  /** Whether the direction runs backwards in time. */
  readonly reverse: boolean;
  /** The data of a weight (in backward: as forward saw it). */
  data(w: Tensor): Float32Array;
  /**
   * The step whose recurrent product a whole-loop kernel may leave out, or -1 (LoopParams.known in
   * assembly/recurrent.ts): the first step in loop order when, forward, it starts from zeros (no
   * initial state given) or, backward, no gradient of the initial state is wanted.
   */
  readonly known: number;
}

/** What a cell's forward gets for one direction. @internal */
export interface ForwardContext extends DirectionContext {
  /** x·W_ihᵀ + the cell's input bias, [T,B,G]; a step may accumulate into its own slice. */
  readonly xw: Block;
  /** Each state's sequence [T,B,n]: a step writes state i after step t into next[i].at(t). */
  readonly next: readonly Block[];
  /** Each state entering step t, [T,B,n] (history[i].at(t)): the same blocks one step earlier. */
  readonly history: readonly Block[];
  /** w [n, k] packed for products A·wᵀ (k rows, n columns), cached while w is unchanged. */
  packed(w: Tensor, k: number, n: number): number;
}

/** What a cell's backward gets for one direction. @internal */
export interface BackwardContext extends DirectionContext {
  /** The gradient of xw, [T,B,G]; each step writes its rows of its slice (the rest are zero). */
  readonly dXW: Block;
  /** The gradient of the emitted state at each step from the layer's output, [T,B,F], or null. */
  readonly dOut: Block | null;
  /** On entry to step t: each state's gradient after t (from later steps); the step leaves the
   *  gradient of the state entering t there, for its `rows` (the rest pass through). */
  readonly dState: readonly number[];
  /** Each state entering step t, [T,B,n] (history[i].at(t)). */
  readonly history: readonly Block[];
  /** Each state after step t, [T,B,n]. */
  readonly next: readonly Block[];
  /** Records Σ_rows dZ [T·B, n] as the gradient of each tensor that requires one. */
  gradSum(tensors: readonly (Tensor | null)[], dZ: Block): void;
  /** Records dZᵀ·a (dZ [T·B, m], a [T·B, n]) as the gradient [m, n] of w (0 where `mask` [m·n], when given, is 0). */
  gradTN(w: Tensor | null, dZ: Block, a: Block, mask?: Float32Array): void;
  /** Records n floats at ptr as the gradient of w. */
  grad(w: Tensor | null, ptr: number, n: number): void;
  /** dZᵀ [m, T·B] of dZ [T·B, m], made once per block however many products use it. */
  transposed(dZ: Block): number;
  /**
   * w [k, n] (as forward saw it) packed for products A·w (k rows, n columns): the cached panels
   * when w is unchanged since forward, else packed now from forward's snapshot.
   */
  packed(w: Tensor, k: number, n: number): number;
}

/**
 * How a cell runs its steps: one at a time (the driver loops over t), or all of them in one kernel
 * call (the cell's time loop in wasm, on several threads a team; the driver then only calls it).
 */
type Steps<S extends (...a: never[]) => void> = { step: S; all?: undefined } | { all: () => void; step?: undefined };

/** One direction's forward: step t over `rows` sequences (state[i] points at state i entering it, [rows, n]) or all steps, and what backward needs. @internal */
export type ForwardPass<K extends Kept> = Steps<(t: number, rows: number, state: readonly number[]) => void> & { readonly keep: K };

/** One direction's backward: step t (dht: the emitted state's whole gradient) or all steps (dOut added in), then the weights. @internal */
export type BackwardPass = Steps<(t: number, rows: number, dht: number) => void> & {
  /** Adds the cell's own weight gradients (the driver does W_ih, the input bias and x). */
  grads(): void;
};

/** weight_ih [G, I], weight_hh and the two biases of one direction of a layer. @internal */
export interface GateWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** One direction's weights: at least W_ih [G, I], whose products the driver forms. @internal */
export interface DirectionWeights {
  readonly wIh: Tensor;
}

/** A recurrent cell as the driver runs it. W: one direction's weights. @internal */
export interface Cell<W extends DirectionWeights, K extends Kept> {
  /** The tape node's name. */
  readonly name: string;
  /** Width G of x·W_ihᵀ (4H LSTM, 3H GRU, H Elman and Jordan). */
  readonly gates: number;
  /** The size of each state; state 0 is the one emitted as the output. */
  readonly stateSizes: readonly number[];
  /** Every weight of one direction (nulls for those switched off), in a fixed order. */
  tensors(w: W): readonly (Tensor | null)[];
  /** The biases folded into xw; their gradient is Σ dXW. */
  inputBiases(w: W): readonly (Tensor | null)[];
  forward(ctx: ForwardContext, w: W): ForwardPass<K>;
  backward(ctx: BackwardContext, w: W, kept: K): BackwardPass;
}

/**
 * The first words of every whole-loop kernel's params block (assembly/recurrent.ts): the active
 * rows of each step (copied into wasm memory), T, B, H, the direction and the step whose product
 * is known (DirectionContext.known). @internal
 */
export function loopHeader(ar: Arena, active: Int32Array, T: number, B: number, H: number, reverse: boolean, known: number): number[] {
  return [ar.putInts(active), T, B, H, reverse ? 1 : 0, known];
}

/** The first step in loop order that some sequence runs (-1 when none does). */
function firstStep(active: Int32Array, reverse: boolean): number {
  const T = active.length;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    if (active[t] > 0) return t;
  }
  return -1;
}

/** Shapes and layout of one layer call. @internal */
export interface LayerCall {
  readonly layout: SeqLayout;
  readonly batchFirst: boolean;
}

/** A layer's results: the output [B,T,D·F] (or [T,B,..]) and each final state [D,B,n]. @internal */
export interface LayerResult {
  readonly output: Tensor;
  readonly states: readonly Tensor[];
}

/** What one direction's backward reads from its forward (besides the input). */
interface Saved<K extends Kept> {
  kept: K;
  /** Each state's T+1 steps (see the file comment). */
  seq: Block[];
  reverse: boolean;
}

/** A [T,B,n] view of `seq` [T+1,B,n] from slot `from`. */
const steps = (seq: Block, from: number) => new Block(seq.at(from), [seq.dims[0] - 1, seq.dims[1], seq.dims[2]]);
/** Each state entering step t (history[i].at(t)) and each after it (next[i].at(t)). */
const historyOf = (sv: Saved<Kept>) => sv.seq.map((b) => steps(b, sv.reverse ? 1 : 0));
const nextOf = (sv: Saved<Kept>) => sv.seq.map((b) => steps(b, sv.reverse ? 0 : 1));

/** The blocks of every direction's Saved, in one list (after the input block px). */
function savedBlocks(px: Block, saved: readonly Saved<Kept>[]): Block[] {
  return [px, ...saved.flatMap((s) => [...Object.values(s.kept), ...s.seq])];
}

/** The same structure over `blocks` (savedBlocks' order): px and each direction's Saved. */
function fromBlocks<K extends Kept>(shape: readonly Saved<K>[], blocks: readonly Block[]): { px: Block; saved: Saved<K>[] } {
  let i = 1;
  const take = (n: number) => {
    i += n;
    return blocks.slice(i - n, i);
  };
  const saved = shape.map((s) => {
    const names = Object.keys(s.kept);
    const kept = Object.fromEntries(take(names.length).map((b, j) => [names[j], b])) as K;
    return { kept, seq: take(s.seq.length), reverse: s.reverse };
  });
  return { px: blocks[0], saved };
}

// the last sum of each bias pair, with the versions it was made from (a cell step at batch 1
// would otherwise spend a noticeable part of its time adding the same two vectors again)
const biasSums = new WeakMap<Tensor, { with: (Tensor | null)[]; versions: number[]; sum: Float32Array }>();

/** The sum of the biases (null when there are none), cached while they are unchanged. @internal */
export function biasSum(biases: readonly (Tensor | null)[], G: number, data: (w: Tensor) => Float32Array): Float32Array | null {
  const present = biases.filter((b): b is Tensor => b !== null);
  if (present.length === 0) return null;
  const hit = biasSums.get(present[0]);
  if (hit && hit.with.length === present.length && present.every((b, i) => hit.with[i] === b && hit.versions[i] === b.version))
    return hit.sum;
  const s = new Float32Array(G);
  for (const b of present) {
    const d = data(b);
    for (let i = 0; i < G; i++) s[i] += d[i];
  }
  biasSums.set(present[0], { with: present, versions: present.map((b) => b.version), sum: s });
  return s;
}

/**
 * The sum of the biases in the arena (0 when there are none): from their copies in wasm memory
 * when they live there (an optimiser updates them there: no copy out to add them), else
 * biasSum's. @internal
 */
export function biasIn(ar: Arena, k: Kernels, biases: readonly (Tensor | null)[], G: number, data: (w: Tensor) => Float32Array): number {
  // a plain loop: no arrays made (a cell step at batch 1 calls this every step)
  let sum = 0;
  let first = 0;
  let resident = true;
  for (const b of biases) {
    if (b === null) continue;
    const p = b._residentIfCurrent();
    if (p === 0) {
      resident = false;
      break;
    }
    if (first === 0) first = p;
    else if (sum === 0) {
      sum = ar.alloc(G);
      k.add_forward(sum, first, p, G);
    } else k.add_forward(sum, sum, p, G);
  }
  if (resident && first !== 0) return sum || first;
  const s = biasSum(biases, G, data);
  return s ? ar.put(s) : 0;
}

/**
 * Runs `cell` over x [B,T,I] (or [T,B,I]) in every direction of `dirs` (one or two), from the
 * initial states `init` (each [D,B,n] or null for zeros). @internal
 */
export function runLayer<W extends DirectionWeights, K extends Kept>(
  cell: Cell<W, K>,
  x: Tensor,
  init: readonly (Tensor | null)[],
  dirs: readonly W[],
  call: LayerCall,
): LayerResult {
  const k = kernels();
  const L = call.layout;
  const { B, T } = L;
  const D = dirs.length;
  const I = x.shape[2];
  const F = cell.stateSizes[0];
  const params = dirs.flatMap((w) => cell.tensors(w)).filter((t): t is Tensor => t !== null);
  const inputs = [x, ...init.filter((t): t is Tensor => t !== null), ...params];
  const saving = needsGrad(...inputs);
  const finals = cell.stateSizes.map((n) => new Float32Array(D * B * n));
  // backward reads the weights as forward saw them
  const frozen = new Snapshots(saving ? params : []);

  const forward = arena().scoped((ar) => {
    const px = ar.block(T, B, I);
    // x copied in as it is and laid out in wasm; the copy goes before the directions' blocks, which
    // keep() then finds right after px
    ar.scoped((a) => pickSteps(k, a, px.ptr, a.put(x.peek()), L, I, I, 0, call.batchFirst, false));
    const saved: Saved<K>[] = [];
    for (let d = 0; d < D; d++) {
      const s = forwardDirection(cell, dirs[d], { ar, k, L, px, init, d, reverse: d === 1 });
      nextOf(s).forEach((b, i) => takeState(finals[i], ar, finalState(ar, L, b, s.reverse), L, d, cell.stateSizes[i]));
      saved.push(s);
    }
    // the output [B,T,D·F] (or [T,B,..]) gathered from every direction's steps in wasm, read out once
    // (zeros first where some sequence ends early: its padding steps are not written)
    const full = L.lengths[B - 1] === T;
    const po = full ? ar.alloc(B * T * D * F) : ar.zeros(B * T * D * F);
    saved.forEach((s, d) => gatherSteps(k, ar, po, nextOf(s)[0].ptr, L, F, D * F, d * F, call.batchFirst));
    return { px, saved, out: ar.read(po, B * T * D * F) };
  });

  const output = new Tensor(forward.out, call.batchFirst ? [B, T, D * F] : [T, B, D * F]);
  const states = finals.map((f, i) => new Tensor(f, [D, B, cell.stateSizes[i]]));
  if (!saving) {
    settlePacks(arena());
    return { output, states };
  }

  let kept: KeptBlocks | null = null;
  const backward = frozen.around(([dOut, ...dFinals]: (Float32Array | null)[]): (Float32Array | null)[] => {
    const grads = new Map<Tensor, Float32Array>();
    let dx: Float32Array | null = null;
    const dInit = cell.stateSizes.map((n) => new Float32Array(D * B * n));
    const data = (w: Tensor) => frozen.read(w);
    const unchanged = (w: Tensor) => frozen.unchanged(w);
    try {
      arena().scoped((ar) => {
        const { px, saved } = fromBlocks(
          forward.saved,
          kept!.blocks.map((b) => ar.restore(b)),
        );
        const pdx = x.requiresGrad ? ar.block(T, B, I) : null; // each direction's product adds to the first's
        const pdOut = dOut ? ar.put(dOut) : 0;
        for (let d = 0; d < D; d++) {
          const dOutTM = dOut ? ar.block(T, B, F) : null;
          if (dOutTM) pickSteps(k, ar, dOutTM.ptr, pdOut, L, F, D * F, d * F, call.batchFirst, true);
          const dState = backwardDirection(cell, dirs[d], saved[d], {
            ar,
            k,
            L,
            px,
            init,
            pdx,
            dOutTM,
            dFinals,
            d,
            reverse: d === 1,
            data,
            unchanged,
            grads,
          });
          dState.forEach((p, i) => takeState(dInit[i], ar, p, L, d, cell.stateSizes[i]));
        }
        if (pdx) {
          const p = L.lengths[B - 1] === T ? ar.alloc(x.size) : ar.zeros(x.size);
          gatherSteps(k, ar, p, pdx.ptr, L, I, I, 0, call.batchFirst);
          dx = ar.read(p, x.size);
        }
      });
    } finally {
      kept!.release();
    }
    settlePacks(arena());
    return inputs.map((t) => {
      if (t === x) return dx;
      const s = init.indexOf(t);
      return s >= 0 ? dInit[s] : (grads.get(t) ?? null);
    });
  });
  // the scope has ended: keep what backward reads before anything else is allocated
  kept = arena().keep(savedBlocks(forward.px, forward.saved), backward);
  settlePacks(arena());
  record(cell.name, inputs, [output, ...states], backward);
  return { output, states };
}

interface DirectionArgs {
  ar: Arena;
  k: Kernels;
  L: SeqLayout;
  px: Block;
  d: number;
  reverse: boolean;
}

function forwardDirection<W extends DirectionWeights, K extends Kept>(
  cell: Cell<W, K>,
  w: W,
  a: DirectionArgs & { init: readonly (Tensor | null)[] },
): Saved<K> {
  const { ar, k, L, px, reverse } = a;
  const { B, T, active } = L;
  const G = cell.gates;
  const sizes = cell.stateSizes;
  const data = (t: Tensor) => t.peek();
  const packed = (t: Tensor, kk: number, n: number) => packedWeight(ar, k, t, kk, n);
  // what backward keeps first, back to back after the input, so that Arena.keep finds it in place
  const xw = ar.block(T, B, G);
  const seq = sizes.map((n) => ar.block(T + 1, B, n));
  const bias = biasIn(ar, k, cell.inputBiases(w), G, data);
  const I = px.dims[2];
  gemmPacked(k, xw.ptr, px.ptr, I, 1, packed(w.wIh, I, G), bias, T * B, I, G, false, G);
  sizes.forEach((n, i) => fillStateSequence(ar, L, seq[i], a.init[i] ? a.init[i]!.peek() : null, a.d, n, reverse));
  const sv: Saved<K> = { kept: {} as K, seq, reverse };
  const history = historyOf(sv);
  // with no initial state h (state 0) the first step's product is h·W_hhᵀ = 0
  const known = a.init[0] ? -1 : firstStep(active, reverse);
  const pass = cell.forward({ ar, k, B, active, reverse, known, xw, next: nextOf(sv), history, data, packed }, w);
  if (pass.all) pass.all();
  else {
    const state = sizes.map(() => 0);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const rows = active[t];
      if (rows === 0) continue;
      for (let i = 0; i < sizes.length; i++) state[i] = history[i].at(t);
      pass.step(t, rows, state);
    }
  }
  sv.kept = pass.keep;
  return sv;
}

/**
 * Fills in state i's sequence [T+1,B,n]: the initial state (sorted, zeros when none) in slot 0, or in
 * reverse in slot T and in the rows of each step where a sequence has not started; zeros in the
 * rows of finished sequences. The steps themselves are left for the cell to write.
 */
function fillStateSequence(ar: Arena, L: SeqLayout, seq: Block, init: Float32Array | null, d: number, n: number, reverse: boolean): void {
  const { B, T, active } = L;
  const p0 = putState(ar, L, init, d, n);
  ar.copy(seq.at(reverse ? T : 0), p0, B * n);
  for (let t = 0; t < T; t++) {
    const rows = active[t];
    if (rows === B) continue;
    const at = seq.at(reverse ? t : t + 1, rows);
    if (reverse) ar.copy(at, p0 + 4 * rows * n, (B - rows) * n);
    else ar.view(at, (B - rows) * n).fill(0);
  }
}

/** Each sequence's state after its last step, [B,n] sorted, from `next` [T,B,n]. */
function finalState(ar: Arena, L: SeqLayout, next: Block, reverse: boolean): number {
  const { B, T, lengths } = L;
  // in reverse every sequence ends at step 0; forward, sequence j at step lengths[j] - 1
  if (reverse || lengths[B - 1] === T) return next.at(reverse ? 0 : T - 1);
  const n = next.dims[2];
  const p = ar.alloc(B * n);
  for (let j = 0; j < B; j++) ar.copy(p + 4 * j * n, next.at(lengths[j] - 1, j), n);
  return p;
}

function backwardDirection<W extends DirectionWeights, K extends Kept>(
  cell: Cell<W, K>,
  w: W,
  sv: Saved<K>,
  a: DirectionArgs & {
    init: readonly (Tensor | null)[];
    pdx: Block | null;
    dOutTM: Block | null;
    dFinals: (Float32Array | null)[];
    data: (w: Tensor) => Float32Array;
    unchanged: (w: Tensor) => boolean;
    grads: Map<Tensor, Float32Array>;
  },
): number[] {
  const { ar, k, L, px, data, grads } = a;
  const packed = (t: Tensor, kk: number, n: number) => {
    return a.unchanged(t) ? packedWeight(ar, k, t, kk, n, false) : packInArena(k, ar, ar.put(data(t)), kk, n, 0);
  };
  const { B, T, active } = L;
  const G = cell.gates;
  const F = cell.stateSizes[0];
  const dXW = stepBlock(ar, L, G);
  const dOut = a.dOutTM;
  const dState = cell.stateSizes.map((n, i) => putState(ar, L, a.dFinals[i] ?? null, a.d, n));
  const transposes = new Map<Block, number>();
  const ctx: BackwardContext = {
    ar,
    k,
    B,
    active,
    reverse: a.reverse,
    // the first step's product gives only the initial h's gradient
    known: a.init[0]?.requiresGrad ? -1 : firstStep(active, a.reverse),
    dXW,
    dOut,
    dState,
    data,
    history: historyOf(sv),
    next: nextOf(sv),
    packed,
    grad(t, ptr, n) {
      if (!t?.requiresGrad) return;
      const g = gradInWasm(ar, t, (q, add) => (add ? k.add_forward(q, q, ptr, n) : ar.copy(q, ptr, n)));
      if (g) grads.set(t, g);
    },
    gradSum(tensors, dZ) {
      if (!tensors.some((t) => t?.requiresGrad)) return;
      const m = dZ.dims[2];
      const p = ar.zeros(m);
      k.sum_axis_forward(p, dZ.ptr, 1, dZ.dims[0] * dZ.dims[1], m);
      for (const t of tensors) ctx.grad(t, p, m);
    },
    transposed(dZ) {
      let dZt = transposes.get(dZ);
      if (dZt === undefined) {
        const rowsAll = dZ.dims[0] * dZ.dims[1];
        dZt = ar.alloc(rowsAll * dZ.dims[2]);
        k.transpose_rows(dZt, dZ.ptr, rowsAll, dZ.dims[2], 0, rowsAll);
        transposes.set(dZ, dZt);
      }
      return dZt;
    },
    gradTN(t, dZ, b, mask) {
      if (!t?.requiresGrad) return;
      const rowsAll = dZ.dims[0] * dZ.dims[1];
      const m = dZ.dims[2];
      const n = b.dims[2];
      const product = (q: number, add: boolean) => gemmNN(k, ar, q, ctx.transposed(dZ), b.ptr, 0, m, rowsAll, n, add);
      if (!mask) {
        const g = gradInWasm(ar, t, product);
        if (g) grads.set(t, g);
        return;
      }
      const p = ar.alloc(m * n);
      product(p, false);
      const v = ar.view(p, m * n);
      for (let i = 0; i < m * n; i++) if (mask[i] === 0) v[i] = 0;
      ctx.grad(t, p, m * n);
    },
  };
  const pass = cell.backward(ctx, w, sv.kept);
  if (pass.all) pass.all();
  else {
    const dht = ar.block(B, F);
    for (let s = T - 1; s >= 0; s--) {
      const t = a.reverse ? T - 1 - s : s;
      const rows = active[t];
      if (rows === 0) continue;
      if (dOut) k.add_forward(dht.ptr, dState[0], dOut.at(t), rows * F);
      else ar.copy(dht.ptr, dState[0], rows * F);
      pass.step(t, rows, dht.ptr);
    }
  }
  ctx.gradTN(w.wIh, dXW, px);
  ctx.gradSum(cell.inputBiases(w), dXW);
  pass.grads();
  const I = px.dims[2];
  if (a.pdx) gemmPacked(k, a.pdx.ptr, dXW.ptr, G, 1, packed(w.wIh, G, I), 0, T * B, G, I, a.d > 0, I);
  return dState;
}
