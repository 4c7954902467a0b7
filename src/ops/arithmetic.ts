// add, sub, mul, div with NumPy broadcasting (a number stands for a 0-d tensor). Operands of
// different shapes are stretched to the common shape, the same-shape kernel runs, and backward
// folds each gradient back onto its operand's shape. Kernels: assembly/elementwise.ts.
import { Tensor, sameShape, tensor } from '../tensor.js';
import { needsGrad, record } from '../tape.js';
import { arena, kernels } from '../backend/wasm.js';
import { broadcastShape, expandTo, sumTo } from './broadcast.js';

type Operand = Tensor | number;

function operand(x: Operand, op: string, arg: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return tensor(x);
  throw new Error(`${op}: ${arg} must be a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
}

interface Prepared {
  a: Tensor;
  b: Tensor;
  shape: number[];
  fa: Float32Array; // a stretched to shape
  fb: Float32Array;
}

function prepare(x: Operand, y: Operand, op: string): Prepared {
  const a = operand(x, op, 'a');
  const b = operand(y, op, 'b');
  const shape = broadcastShape(a.shape, b.shape, op);
  const fa = sameShape(a.shape, shape) ? a.data : expandTo(a.data, a.shape, shape);
  const fb = sameShape(b.shape, shape) ? b.data : expandTo(b.data, b.shape, shape);
  return { a, b, shape, fa, fb };
}

function fold(g: Float32Array, t: Tensor, shape: readonly number[]): Float32Array {
  return sameShape(t.shape, shape) ? g : sumTo(g, t.shape, shape);
}

function binaryForward(p: Prepared, kernel: 'add_forward' | 'sub_forward' | 'mul_forward' | 'div_forward'): Float32Array {
  const n = p.fa.length;
  const k = kernels();
  return arena().scoped((ar) => {
    const pa = ar.put(p.fa);
    const pb = ar.put(p.fb);
    k[kernel](pa, pa, pb, n);
    return ar.read(pa, n);
  });
}

/** a + b, broadcasting. */
export function add(a: Operand, b: Operand): Tensor {
  const p = prepare(a, b, 'add');
  const out = new Tensor(binaryForward(p, 'add_forward'), p.shape);
  if (needsGrad(p.a, p.b)) {
    record('add', [p.a, p.b], [out], ([g]) => [fold(g!, p.a, p.shape), fold(g!, p.b, p.shape)]);
  }
  return out;
}

/** a - b, broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  const p = prepare(a, b, 'sub');
  const out = new Tensor(binaryForward(p, 'sub_forward'), p.shape);
  if (needsGrad(p.a, p.b)) {
    record('sub', [p.a, p.b], [out], ([g]) => {
      const neg = g!.map((v) => -v);
      return [fold(g!, p.a, p.shape), fold(neg, p.b, p.shape)];
    });
  }
  return out;
}

/** a ⊙ b (elementwise product), broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  const p = prepare(a, b, 'mul');
  const out = new Tensor(binaryForward(p, 'mul_forward'), p.shape);
  if (needsGrad(p.a, p.b)) {
    record('mul', [p.a, p.b], [out], ([g]) => {
      const n = g!.length;
      const k = kernels();
      return arena().scoped((ar) => {
        const pg = ar.put(g!);
        let ga: Float32Array | null = null;
        let gb: Float32Array | null = null;
        if (p.a.requiresGrad) {
          const pd = ar.zeros(n);
          k.mul_backward(pd, pg, ar.put(p.fb), n);
          ga = fold(ar.read(pd, n), p.a, p.shape);
        }
        if (p.b.requiresGrad) {
          const pd = ar.zeros(n);
          k.mul_backward(pd, pg, ar.put(p.fa), n);
          gb = fold(ar.read(pd, n), p.b, p.shape);
        }
        return [ga, gb];
      });
    });
  }
  return out;
}

/** a / b (elementwise), broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  const p = prepare(a, b, 'div');
  const y = binaryForward(p, 'div_forward');
  const out = new Tensor(y, p.shape);
  if (needsGrad(p.a, p.b)) {
    record('div', [p.a, p.b], [out], ([g]) => {
      const n = g!.length;
      const k = kernels();
      return arena().scoped((ar) => {
        const da = p.a.requiresGrad ? ar.zeros(n) : 0;
        const db = p.b.requiresGrad ? ar.zeros(n) : 0;
        k.div_backward(da, db, ar.put(g!), ar.put(p.fb), ar.put(y), n);
        return [da ? fold(ar.read(da, n), p.a, p.shape) : null, db ? fold(ar.read(db, n), p.b, p.shape) : null];
      });
    });
  }
  return out;
}

/** -x. */
export function neg(x: Tensor): Tensor {
  return mul(x, -1);
}
