// The tape: each differentiable operation records ONE node (a whole recurrent layer over all
// time steps is one node). backward() walks the nodes reachable from a tensor in reverse
// topological order; each node's backward turns the gradients of its outputs into gradient
// contributions for its inputs, which are summed per tensor, so a tensor used twice receives
// both. A large tensor's sum moves into wasm memory at its second contribution (GradSum), and for
// one the graph uses more than once the sum is made before each op that uses it runs, so the op's
// kernels can write their contribution straight into it (tapeSink); a large leaf's sum is added
// to its .grad when the pass is done. A node is released as soon as it has run: what its closure
// saved goes with it.
import type { Tensor } from './tensor.js';
import { GradSum, WASM_FROM as SUM_IN_WASM, addContribution } from './backend/accumulate.js';

/** Gradients of a node's outputs in, contributions to its inputs out (null: none). */
export type BackwardFn = (gradOutputs: (Float32Array | null)[]) => (Float32Array | null)[];

/** One recorded operation. @internal */
export interface Node {
  readonly name: string;
  inputs: Tensor[];
  outputSizes: number[];
  backward: BackwardFn | null;
  grads: (Float32Array | GradSum | null)[];
}

let enabled = true;

// while a node's backward runs: the sums in wasm memory its kernels may write their contributions
// straight into (a tensor with two or more uses in the graph: see tapeSink)
let sinks: Map<Tensor, GradSum> | null = null;

/**
 * Inside an op's backward: where its kernels may write (or add, see GradSum.sink) the gradient of
 * input t straight into the sum the tape keeps of t's contributions in wasm memory — for a tensor
 * the graph uses more than once — so that the op returns null for it; else null. @internal
 */
export function tapeSink(t: Tensor): { ptr: number; add: boolean } | null {
  return sinks?.get(t)?.sink() ?? null;
}

/** Whether operations are being recorded right now. @internal */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` synchronously without recording anything on the tape (inference), and returns
 * its result. Nested calls are fine.
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    const r = fn();
    if (r instanceof Promise) throw new Error('noGrad: fn must be synchronous; it returned a Promise');
    return r;
  } finally {
    enabled = prev;
  }
}

/** Whether an op over these inputs must be recorded. @internal */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!enabled) return false;
  for (const t of inputs) if (t?.requiresGrad) return true;
  return false;
}

/**
 * Records one node producing `outputs` from `inputs`. Call only when needsGrad(...inputs).
 * @internal
 */
export function record(name: string, inputs: Tensor[], outputs: Tensor[], backward: BackwardFn): void {
  const node: Node = { name, inputs, outputSizes: outputs.map((o) => o.size), backward, grads: outputs.map(() => null) };
  outputs.forEach((o, i) => o._setCreator(node, i));
}

/** Whether backward() can still pass through t: a leaf, or made by a node that has not run yet. @internal */
export function isLive(t: Tensor): boolean {
  return t._creator === null || t._creator.backward !== null;
}

/** Runs backpropagation from `root` with gradient `grad` (already validated). @internal */
export function runBackward(root: Tensor, grad: Float32Array): void {
  const rootNode = root._creator;
  if (!rootNode) {
    root._accumulateGrad(grad.slice());
    return;
  }
  if (!rootNode.backward) throw freedError(rootNode);

  // Reverse topological order by an iterative depth-first search (graphs can be deep), counting
  // the uses of each large tensor (the contributions its gradient will have).
  const uses = new Map<Tensor, number>();
  const order: Node[] = [];
  const seen = new Set<Node>([rootNode]);
  const stack: [Node, number][] = [[rootNode, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
      const t = node.inputs[i];
      if (t.requiresGrad && t.size >= SUM_IN_WASM) uses.set(t, (uses.get(t) ?? 0) + 1);
      const child = node.inputs[i]._creator;
      if (child && !seen.has(child) && node.inputs[i].requiresGrad) {
        if (!child.backward) throw freedError(child);
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      order.push(node);
      stack.pop();
    }
  }

  rootNode.grads[root._outputIndex] = grad.slice();
  // each leaf's contributions, summed over the pass
  const leaves = new Map<Tensor, Float32Array | GradSum>();
  let n = order.length - 1;
  try {
    for (; n >= 0; n--) {
      const node = order[n];
      // the node's sums in wasm memory replaced by their arrays, in place (a plain loop: this
      // runs for every node, and an NTM step has hundreds of small ones)
      const slots = node.grads;
      let any = false;
      for (let i = 0; i < slots.length; i++) {
        const g = slots[i];
        if (g instanceof GradSum) {
          slots[i] = null; // (taken: its block goes back even if reading it fails)
          slots[i] = g.take();
        }
        if (slots[i] !== null) any = true;
      }
      const gradOutputs = slots as (Float32Array | null)[];
      const fn = node.backward!;
      const inputs = node.inputs;
      node.backward = null;
      node.inputs = [];
      node.grads = [];
      if (!any) continue;
      // a tensor with more contributions to come gets its sum in wasm memory now (between ops),
      // for this op's kernels to write into
      let here: Map<Tensor, GradSum> | null = null;
      for (const t of inputs) {
        if (t.size < SUM_IN_WASM || !t.requiresGrad || (uses.get(t) ?? 0) < 2 || here?.has(t) || t._gradKept()) continue;
        const s = sumOf(t, leaves);
        if (!s) continue;
        here ??= new Map();
        here.set(t, s);
      }
      sinks = here;
      let contributions: (Float32Array | null)[];
      try {
        contributions = fn(gradOutputs);
      } finally {
        sinks = null;
      }
      for (let i = 0; i < inputs.length; i++) {
        let g = contributions[i];
        const t = inputs[i];
        if (!g || !t.requiresGrad) continue;
        // an array returned for two inputs is handed to each tensor's sum: the second gets a copy
        // (a scan of the few before it: a Set per node cost the NTM's hundreds of nodes a step)
        for (let j = 0; j < i; j++) {
          if (contributions[j] === g) {
            g = g.slice();
            break;
          }
        }
        const creator = t._creator;
        if (!creator) {
          // a small leaf's contributions (most of an NTM's) go to its .grad at once
          if (t.size < SUM_IN_WASM) t._accumulateGrad(g);
          else {
            const sum = leaves.get(t);
            leaves.set(t, sum ? addContribution(sum, g) : g);
          }
        } else {
          const slot = creator.grads[t._outputIndex];
          creator.grads[t._outputIndex] = slot ? addContribution(slot, g) : g;
        }
      }
    }
    for (const [t, sum] of [...leaves]) {
      leaves.delete(t);
      const g = sum instanceof GradSum ? sum.take() : sum;
      if (g) t._accumulateGrad(g);
    }
  } finally {
    // after a failure: the wasm blocks of the sums not taken go back
    for (const sum of leaves.values()) if (sum instanceof GradSum) sum.free();
    for (; n >= 0; n--) {
      const grads = order[n].grads;
      grads.forEach((g, i) => {
        if (!(g instanceof GradSum)) return;
        g.free();
        grads[i] = null;
      });
    }
  }
}

// t's sum in wasm memory (a leaf's in `leaves`, else its slot in the node that made it): the one
// there, one made from a first contribution there, or a new empty one; null when none can be had
function sumOf(t: Tensor, leaves: Map<Tensor, Float32Array | GradSum>): GradSum | null {
  const creator = t._creator;
  const cur = creator ? creator.grads[t._outputIndex] : leaves.get(t);
  if (cur instanceof GradSum) return cur;
  const s = GradSum.start(t.size);
  if (!s) return null;
  if (cur) s.add(cur);
  if (creator) creator.grads[t._outputIndex] = s;
  else leaves.set(t, s);
  return s;
}

function freedError(node: Node): Error {
  return new Error(
    `backward: the graph through '${node.name}' was already freed by an earlier backward(); ` +
      'detach() state carried between chunks (truncated BPTT), or recompute the forward pass',
  );
}
