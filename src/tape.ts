// The tape: each differentiable operation records ONE node (a whole recurrent layer over all
// time steps is one node). backward() walks the nodes reachable from a tensor in reverse
// topological order; each node's backward turns the gradients of its outputs into gradient
// contributions for its inputs, which are summed per tensor, so a tensor used twice receives
// both (from the second contribution on in wasm memory, GradSum; a leaf's sum is added to its
// .grad when the pass is done). A node is released as soon as it has run: what its closure saved
// goes with it.
import type { Tensor } from './tensor.js';
import { GradSum, addContribution } from './backend/accumulate.js';

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

  // Reverse topological order by an iterative depth-first search (graphs can be deep).
  const order: Node[] = [];
  const seen = new Set<Node>([rootNode]);
  const stack: [Node, number][] = [[rootNode, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
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
      const gradOutputs = node.grads.map((g, i) => {
        if (!(g instanceof GradSum)) return g;
        node.grads[i] = null; // (taken: its block goes back even if reading it fails)
        return g.take();
      });
      const fn = node.backward!;
      const inputs = node.inputs;
      node.backward = null;
      node.inputs = [];
      node.grads = [];
      if (gradOutputs.every((g) => g === null)) continue;
      const contributions = fn(gradOutputs);
      const taken = new Set<Float32Array>();
      for (let i = 0; i < inputs.length; i++) {
        let g = contributions[i];
        const t = inputs[i];
        if (!g || !t.requiresGrad) continue;
        if (taken.has(g)) g = g.slice();
        taken.add(g);
        const creator = t._creator;
        if (!creator) {
          const sum = leaves.get(t);
          leaves.set(t, sum ? addContribution(sum, g) : g);
        } else {
          const slot = creator.grads[t._outputIndex];
          creator.grads[t._outputIndex] = slot ? addContribution(slot, g) : g;
        }
      }
    }
    for (const [t, sum] of [...leaves]) {
      leaves.delete(t);
      t._accumulateGrad(sum instanceof GradSum ? sum.take() : sum);
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

function freedError(node: Node): Error {
  return new Error(
    `backward: the graph through '${node.name}' was already freed by an earlier backward(); ` +
      'detach() state carried between chunks (truncated BPTT), or recompute the forward pass',
  );
}
