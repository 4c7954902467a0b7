// Packed weight panels kept between calls. The forward pass of a recurrent layer multiplies by
// W_ih and W_hh (and W_hr, Jordan's W_ho) packed into GEMM panels; repacking them on every call is
// most of the cost of a cell step at batch 1. Here each weight's panels live in a persistent block
// of the arena, tagged with the tensor's version (bumped by every read of `data`, so optimiser
// steps, loadStateDict and in-place edits all invalidate it) and repacked only when it changed.
// A first use packs into scoped space and asks for a block; settle() hands blocks out between ops
// (when the scoped region is empty). A tensor that is collected gives its blocks back.
import type { Tensor } from '../tensor.js';
import type { Arena } from './heap.js';
import type { Kernels } from './kernels.js';
import { packInArena, packedSize } from './gemm.js';

interface Entry {
  ptr: number; // 0 until settle() gives it a block
  floats: number;
  version: number;
  ar: Arena | null; // the arena the block belongs to
}

// per tensor, its packed forms by shape; a collected tensor's map comes back to free its blocks
const entries = new WeakMap<Tensor, Map<number, Entry>>();
// held with their tensor until settle() (the end of the same call), so none is collected blockless
const pending: [Tensor, Entry][] = [];
// the tensors modules registered as parameters (kept packed even when frozen: requiresGrad false)
const parameters = new WeakSet<Tensor>();

/** Marks a module parameter, whose packed panels are worth keeping between calls. @internal */
export function markParameter(t: Tensor): void {
  parameters.add(t);
}

/** Whether a module registered t as a parameter. @internal */
export function isParameter(t: Tensor): boolean {
  return parameters.has(t);
}

const registry = new FinalizationRegistry<Map<number, Entry>>((byShape) => {
  for (const e of byShape.values()) if (e.ar) e.ar.unpersist(e.ptr, e.floats);
});

/**
 * The panels of w [n, k] (PyTorch's [out, in] layout) packed for C = A·wᵀ (k rows, n columns), or
 * with `transposed` false of w [k, n] for C = A·w: from the cache when w is unchanged, else packed
 * now. @internal
 */
export function packedWeight(ar: Arena, kern: Kernels, w: Tensor, k: number, n: number, transposed = true): number {
  // only parameters (and leaves that require a gradient) are kept: any other tensor (SCRN's
  // stacked W_ih, an op's output, a constant) is usually new on every call, and keeping its
  // panels would only hold memory until it is collected
  if (!(parameters.has(w) || (w.requiresGrad && w._creator === null)))
    return packInArena(kern, ar, ar.put(w.peek()), k, n, transposed ? 1 : 0);
  // k, n and the form as one number (a string built on every call cost a cell step at batch 1)
  const key = (k * 4194304 + n) * 2 + (transposed ? 1 : 0);
  let byShape = entries.get(w);
  if (!byShape) {
    byShape = new Map();
    entries.set(w, byShape);
    registry.register(w, byShape, byShape);
  }
  let e = byShape.get(key);
  if (!e) {
    e = { ptr: 0, floats: packedSize(k, n), version: -1, ar: null };
    byShape.set(key, e);
    pending.push([w, e]);
  }
  const cached = e.ar === ar;
  if (cached && e.version === w.version) return e.ptr;
  const dst = cached ? e.ptr : ar.alloc(e.floats);
  // packed from the weight's own copy in wasm when it has a current one (an optimiser updated it there)
  kern.gemm_pack(dst, w._inArena(ar), k, n, transposed ? 1 : 0);
  if (cached) e.version = w.version;
  return dst;
}

/** Gives the weights first packed since the last call their persistent blocks (call between ops). @internal */
export function settlePacks(ar: Arena): void {
  while (pending.length) {
    const [, e] = pending[pending.length - 1];
    const ptr = ar.persist(e.floats);
    if (!ptr) return; // the scoped region is busy: try again after the next op
    Object.assign(e, { ptr, ar, version: -1 });
    pending.pop();
  }
}

/** Gives t's packed panels back now (Module.dispose); they are packed again on the next use. @internal */
export function releasePacks(t: Tensor): void {
  const byShape = entries.get(t);
  if (!byShape) return;
  entries.delete(t);
  registry.unregister(byShape);
  for (const e of byShape.values()) if (e.ar) e.ar.unpersist(e.ptr, e.floats);
  for (let i = pending.length - 1; i >= 0; i--) if (pending[i][0] === t) pending.splice(i, 1);
}
