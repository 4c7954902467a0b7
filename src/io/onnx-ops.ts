// The ONNX operators fromOnnx runs, each as our differentiable ops on float tensors (so an imported
// graph trains) or as plain arithmetic on integer tensors (the shape computations torch.onnx.export
// writes: Shape -> Gather -> Unsqueeze -> Concat -> ConstantOfShape), evaluated on every call so
// any batch size and length run. Recurrent nodes convert ONNX's weight layout (W [D, G·H, I],
// gates i,o,f,c / z,r,h, B = [Wb, Rb], P = [i, o, f]) to ours with slices of the parameters, so
// gradients reach the imported initializers themselves.
import { Tensor, fmtShape, full } from '../tensor.js';
import { add, div, mul, neg, sub } from '../ops/arithmetic.js';
import { abs, sqrt } from '../ops/elementwise-math.js';
import { exp, log, relu, sigmoid, tanh } from '../ops/activations.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { concat, permute, reshape, select, slice, stack } from '../ops/shape.js';
import { matmul } from '../ops/matmul.js';
import { embedding } from '../ops/embedding.js';
import { broadcastShape } from '../ops/broadcast.js';
import { seqLayout } from '../ops/sequence.js';
import { prod } from '../ops/util.js';
import { lstmLayer, type RecurrentResult } from '../ops/lstm.js';
import { gruLayer } from '../ops/gru.js';
import { ELMAN_ACTIVATIONS, elmanLayer } from '../ops/elman.js';
import { reverseSequences } from '../ops/reverse.js';
import { OURS_FROM_ONNX } from './gates.js';
import { DT, type OnnxAttr, type OnnxNode, type OnnxTensor } from './onnx-proto.js';

/** An integer (or boolean) tensor of the graph, held on the host. @internal */
export class IntTensor {
  constructor(
    readonly shape: number[],
    readonly data: number[],
  ) {}
}

/** A value flowing through the graph: float (differentiable) or integer. @internal */
export type Value = Tensor | IntTensor;

/** What an operator gets: its node, its inputs (null for an omitted optional one), the opset. @internal */
export interface OpContext {
  node: OnnxNode;
  inputs: (Value | null)[];
  opset: number;
}

type OpFn = (c: OpContext) => Value[];

function where(c: OpContext): string {
  return `fromOnnx: node '${c.node.name || c.node.outputs[0]}' (${c.node.opType})`;
}

function input(c: OpContext, i: number): Value {
  const v = c.inputs[i];
  if (!v) throw new Error(`${where(c)}: input ${i} is missing`);
  return v;
}

function float(c: OpContext, i: number): Tensor {
  const v = input(c, i);
  return v instanceof Tensor ? v : new Tensor(Float32Array.from(v.data), v.shape);
}

function ints(c: OpContext, i: number): IntTensor {
  const v = input(c, i);
  if (v instanceof IntTensor) return v;
  throw new Error(`${where(c)}: input ${i} must be an integer tensor, got float ${fmtShape(v.shape)}`);
}

function attr(c: OpContext, name: string): OnnxAttr | undefined {
  return c.node.attrs.get(name);
}

function attrInt(c: OpContext, name: string, dflt: number): number {
  return attr(c, name)?.i ?? dflt;
}

function attrInts(c: OpContext, name: string): number[] | undefined {
  return attr(c, name)?.ints;
}

/** Axes from the input `i` (opset ≥ 13) or the attribute `axes` (older). */
function axesOf(c: OpContext, i: number): number[] | undefined {
  const v = c.inputs[i];
  return v ? ints(c, i).data : attrInts(c, 'axes');
}

function normAxis(c: OpContext, a: number, rank: number): number {
  const r = a < 0 ? a + rank : a;
  if (!Number.isInteger(r) || r < 0 || r >= rank) throw new Error(`${where(c)}: axis ${a} is out of range for rank ${rank}`);
  return r;
}

/** A TensorProto as a graph value. @internal */
export function constantValue(t: OnnxTensor): Value {
  if (t.floats) return new Tensor(t.floats.slice(), t.dims);
  return new IntTensor(t.dims.slice(), (t.ints ?? []).slice());
}

// ------------------------------------------------------------- integer helpers

/** Maps a flat index of `shape` to the index of the element of `src` that broadcasts to it. */
function indexer(shape: readonly number[], src: readonly number[]): (k: number) => number {
  const pad = shape.length - src.length;
  const strides = src.map((_, d) => prod(src.slice(d + 1)));
  return (k) => {
    let off = 0;
    let rem = k;
    for (let d = shape.length - 1; d >= 0; d--) {
      const i = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      if (d >= pad && src[d - pad] !== 1) off += i * strides[d - pad];
    }
    return off;
  };
}

function intBroadcast(c: OpContext, a: IntTensor, b: IntTensor, f: (x: number, y: number) => number): IntTensor {
  const shape = broadcastShape(a.shape, b.shape, c.node.opType);
  const ia = indexer(shape, a.shape);
  const ib = indexer(shape, b.shape);
  return new IntTensor(
    shape,
    Array.from({ length: prod(shape) }, (_, k) => f(a.data[ia(k)], b.data[ib(k)])),
  );
}

/** Reshape's target: 0 copies the input's dim (allowzero = 0), one -1 is inferred. */
function reshapeTarget(c: OpContext, from: readonly number[], spec: number[]): number[] {
  const allowZero = attrInt(c, 'allowzero', 0) === 1;
  const out = spec.map((d, i) => (d === 0 && !allowZero ? from[i] : d));
  const known = out.filter((d) => d !== -1);
  const free = out.length - known.length;
  if (free > 1) throw new Error(`${where(c)}: shape [${spec}] has more than one -1`);
  const total = prod(from);
  if (free === 1) {
    const k = prod(known);
    if (k === 0 || total % k !== 0) throw new Error(`${where(c)}: cannot reshape ${fmtShape(from)} to [${spec}]`);
    out[out.indexOf(-1)] = total / k;
  }
  if (prod(out) !== total) throw new Error(`${where(c)}: cannot reshape ${fmtShape(from)} to [${spec}]`);
  return out;
}

/** Slices along several axes of a host tensor (row-major), steps ±1 and more. */
function sliceInts(t: IntTensor, ranges: { axis: number; start: number; end: number; step: number }[]): IntTensor {
  let cur = t;
  for (const r of ranges) {
    const shape = cur.shape.slice();
    const idx: number[] = [];
    for (let i = r.start; r.step > 0 ? i < r.end : i > r.end; i += r.step) idx.push(i);
    const outer = prod(shape.slice(0, r.axis));
    const inner = prod(shape.slice(r.axis + 1));
    const data: number[] = [];
    for (let o = 0; o < outer; o++)
      for (const i of idx) for (let k = 0; k < inner; k++) data.push(cur.data[(o * shape[r.axis] + i) * inner + k]);
    shape[r.axis] = idx.length;
    cur = new IntTensor(shape, data);
  }
  return cur;
}

/** Resolves Slice's starts/ends (negative, clamped, INT64 extremes) for each axis. */
function sliceRanges(c: OpContext, shape: readonly number[]) {
  const starts = ints(c, 1).data;
  const ends = ints(c, 2).data;
  const axes = c.inputs[3] ? ints(c, 3).data : starts.map((_, i) => i);
  const steps = c.inputs[4] ? ints(c, 4).data : starts.map(() => 1);
  return axes.map((a, k) => {
    const axis = normAxis(c, a, shape.length);
    const n = shape[axis];
    const step = steps[k];
    if (step === 0) throw new Error(`${where(c)}: a step of 0`);
    const clampIdx = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const start = step > 0 ? clampIdx(starts[k], 0, n) : clampIdx(starts[k], -1, n - 1);
    const end = step > 0 ? clampIdx(ends[k], 0, n) : clampIdx(ends[k], -1, n - 1);
    return { axis, start, end, step };
  });
}

// ------------------------------------------------------------- recurrent nodes

const DEFAULT_ACTS: Record<string, string[]> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };

/** Rows [G·H, ...] of one direction, gate blocks in our order. */
function ourGates(t: Tensor, order: readonly number[], H: number): Tensor {
  if (order.length === 1) return t;
  return concat(
    order.map((src) => slice(t, 0, src * H, (src + 1) * H)),
    0,
  );
}

/** Checks what the node asks of its cell; returns the RNN activation, or for LSTM/GRU whether the gates are hard sigmoids. */
function checkRecurrentAttrs(c: OpContext, kind: string, D: number): string {
  if (attrInt(c, 'layout', 0) !== 0) throw new Error(`${where(c)}: layout = 1 (batch-major) is not supported; torch.onnx.export writes 0`);
  if (attr(c, 'clip')) throw new Error(`${where(c)}: the clip attribute (cell clipping) is not supported`);
  if (attrInt(c, 'input_forget', 0) !== 0) throw new Error(`${where(c)}: input_forget = 1 (coupled gates) is not supported`);
  const acts = attr(c, 'activations')?.strings ?? [];
  const dflt = DEFAULT_ACTS[kind];
  if (kind === 'RNN') {
    const a = acts.length ? acts : dflt;
    if (a.some((x) => x !== a[0]) || (a[0] !== 'Tanh' && a[0] !== 'Relu'))
      throw new Error(`${where(c)}: activations [${a}] are not supported (Tanh or Relu, the same in both directions)`);
    return a[0];
  }
  if (!acts.length) return 'sigmoid';
  if (acts.length !== dflt.length * D) throw new Error(`${where(c)}: ${acts.length} activations for ${D} direction(s)`);
  const gate = acts[0];
  const ok = acts.every((a, i) =>
    i % dflt.length === 0 ? a === gate && (a === 'Sigmoid' || a === 'HardSigmoid') : a === dflt[i % dflt.length],
  );
  if (!ok)
    throw new Error(`${where(c)}: activations [${acts}] are not supported ([${dflt}] or HardSigmoid gates, the same in every direction)`);
  if (attr(c, 'activation_alpha') || attr(c, 'activation_beta'))
    throw new Error(`${where(c)}: activation_alpha / activation_beta are not supported (HardSigmoid with its defaults 0.2, 0.5 is)`);
  return gate === 'HardSigmoid' ? 'hardSigmoid' : 'sigmoid';
}

function recurrent(kind: 'LSTM' | 'GRU' | 'RNN'): OpFn {
  return (c) => {
    const X = float(c, 0);
    const W = float(c, 1);
    const R = float(c, 2);
    const direction = attr(c, 'direction')?.s ?? 'forward';
    if (!['forward', 'reverse', 'bidirectional'].includes(direction)) throw new Error(`${where(c)}: direction '${direction}'`);
    const D = direction === 'bidirectional' ? 2 : 1;
    const act = checkRecurrentAttrs(c, kind, D);
    const order = OURS_FROM_ONNX[kind];
    const G = order.length;
    if (X.ndim !== 3) throw new Error(`${where(c)}: X must be [T, B, I], got ${fmtShape(X.shape)}`);
    const [T, B, I] = X.shape;
    const H = attrInt(c, 'hidden_size', W.shape[1] / G);
    const expect = (t: Tensor | null, want: number[], what: string) => {
      if (t && (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])))
        throw new Error(`${where(c)}: ${what} must be ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
    };
    expect(W, [D, G * H, I], 'W');
    expect(R, [D, G * H, H], 'R');
    const Bv = c.inputs[3] ? float(c, 3) : null;
    expect(Bv, [D, 2 * G * H], 'B');
    const lens = c.inputs[4] ? ints(c, 4).data : null;
    const h0 = c.inputs[5] ? float(c, 5) : null;
    expect(h0, [D, B, H], 'initial_h');
    const c0 = kind === 'LSTM' && c.inputs[6] ? float(c, 6) : null;
    expect(c0, [D, B, H], 'initial_c');
    const P = kind === 'LSTM' && c.inputs[7] ? float(c, 7) : null;
    expect(P, [D, 3 * H], 'P');
    const layout = seqLayout(B, T, lens, `fromOnnx ${kind} sequence_lens`);
    const dirs = Array.from({ length: D }, (_, d) => {
      const w = D === 1 ? reshape(W, [G * H, I]) : select(W, 0, d);
      const r = D === 1 ? reshape(R, [G * H, H]) : select(R, 0, d);
      const b = Bv ? (D === 1 ? reshape(Bv, [2 * G * H]) : select(Bv, 0, d)) : null;
      const p = P ? (D === 1 ? reshape(P, [3 * H]) : select(P, 0, d)) : null;
      return {
        wIh: ourGates(w, order, H),
        wHh: ourGates(r, order, H),
        bIh: b ? ourGates(slice(b, 0, 0, G * H), order, H) : null,
        bHh: b ? ourGates(slice(b, 0, G * H, 2 * G * H), order, H) : null,
        wHr: null,
        wCi: p ? slice(p, 0, 0, H) : null,
        wCo: p ? slice(p, 0, H, 2 * H) : null,
        wCf: p ? slice(p, 0, 2 * H, 3 * H) : null,
      };
    });
    const reverse = direction === 'reverse';
    const x = reverse ? reverseSequences(X, lens, false) : X;
    const base = { hiddenSize: H, batchFirst: false, layout };
    let res: RecurrentResult;
    const hardGates = act === 'hardSigmoid';
    if (kind === 'LSTM') res = lstmLayer(x, h0, c0, dirs, { ...base, projSize: 0, hardGates });
    else if (kind === 'GRU') res = gruLayer(x, h0, dirs, { ...base, resetAfter: attrInt(c, 'linear_before_reset', 0) === 1, hardGates });
    else res = elmanLayer(x, h0, dirs, { ...base, activation: ELMAN_ACTIVATIONS[act === 'Relu' ? 'relu' : 'tanh'] });
    const out = reverse ? reverseSequences(res.output, lens, false) : res.output;
    const Y = permute(reshape(out, [T, B, D, H]), [0, 2, 1, 3]);
    return res.cN ? [Y, res.hN, res.cN] : [Y, res.hN];
  };
}

// ------------------------------------------------------------- the operator table

function unary(f: (x: Tensor) => Tensor): OpFn {
  return (c) => [f(float(c, 0))];
}

function binary(f: (a: Tensor, b: Tensor) => Tensor, g: (a: number, b: number) => number): OpFn {
  return (c) => {
    const a = input(c, 0);
    const b = input(c, 1);
    if (a instanceof IntTensor && b instanceof IntTensor) return [intBroadcast(c, a, b, g)];
    return [f(float(c, 0), float(c, 1))];
  };
}

function softmaxOp(f: (x: Tensor, axis: number) => Tensor): OpFn {
  return (c) => {
    const x = float(c, 0);
    const dflt = c.opset >= 13 ? -1 : 1;
    const axis = normAxis(c, attrInt(c, 'axis', dflt), x.ndim);
    if (c.opset < 13 && axis !== x.ndim - 1)
      throw new Error(`${where(c)}: before opset 13 softmax flattens from axis ${axis}; only the last axis is supported`);
    return [f(x, axis)];
  };
}

function gatherOp(c: OpContext): Value[] {
  const data = input(c, 0);
  const idx = ints(c, 1);
  const axis = normAxis(c, attrInt(c, 'axis', 0), data.shape.length);
  const n = data.shape[axis];
  const fix = (i: number) => {
    if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`${where(c)}: index ${i} is out of range for axis ${axis} of size ${n}`);
    return i < 0 ? i + n : i;
  };
  const indices = idx.data.map(fix);
  if (data instanceof IntTensor) {
    const outer = prod(data.shape.slice(0, axis));
    const inner = prod(data.shape.slice(axis + 1));
    const out: number[] = [];
    for (let o = 0; o < outer; o++) for (const i of indices) for (let k = 0; k < inner; k++) out.push(data.data[(o * n + i) * inner + k]);
    return [new IntTensor([...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)], out)];
  }
  if (axis === 0 && data.ndim === 2 && idx.shape.length > 0) return [embedding(Int32Array.from(indices), data, idx.shape)];
  if (idx.shape.length === 0) return [select(data, axis, indices[0])];
  if (idx.shape.length === 1)
    return [
      stack(
        indices.map((i) => select(data, axis, i)),
        axis,
      ),
    ];
  throw new Error(`${where(c)}: gathering float data with ${idx.shape.length}-D indices on axis ${axis} is not supported`);
}

function matmulOp(c: OpContext): Value[] {
  const a = float(c, 0);
  const b = float(c, 1);
  if (a.ndim >= 2 && b.ndim === 2) {
    const lead = a.shape.slice(0, -1);
    const y = matmul(a.ndim === 2 ? a : reshape(a, [prod(lead), a.shape[a.ndim - 1]]), b);
    return [a.ndim === 2 ? y : reshape(y, [...lead, b.shape[1]])];
  }
  if (a.ndim === 3 && b.ndim === 3) return [matmul(a, b)];
  throw new Error(`${where(c)}: MatMul of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} is not supported (N-D × 2-D, or 3-D × 3-D)`);
}

function gemmOp(c: OpContext): Value[] {
  let a = float(c, 0);
  let b = float(c, 1);
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`${where(c)}: A and B must be 2-D, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (attrInt(c, 'transA', 0)) a = permute(a, [1, 0]);
  if (attrInt(c, 'transB', 0)) b = permute(b, [1, 0]);
  const alpha = attr(c, 'alpha')?.f ?? 1;
  const beta = attr(c, 'beta')?.f ?? 1;
  let y = matmul(a, b);
  if (alpha !== 1) y = mul(y, alpha);
  if (c.inputs[2]) {
    const bias = float(c, 2);
    y = add(y, beta === 1 ? bias : mul(bias, beta));
  }
  return [y];
}

function reshapeOp(c: OpContext): Value[] {
  const x = input(c, 0);
  const shape = reshapeTarget(c, x.shape, ints(c, 1).data);
  return [x instanceof Tensor ? reshape(x, shape) : new IntTensor(shape, x.data)];
}

function squeezeOp(c: OpContext): Value[] {
  const x = input(c, 0);
  const axes = axesOf(c, 1)?.map((a) => normAxis(c, a, x.shape.length));
  for (const a of axes ?? []) if (x.shape[a] !== 1) throw new Error(`${where(c)}: axis ${a} of ${fmtShape(x.shape)} is not 1`);
  const shape = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
  return [x instanceof Tensor ? reshape(x, shape) : new IntTensor(shape, x.data)];
}

function unsqueezeOp(c: OpContext): Value[] {
  const x = input(c, 0);
  const axes = axesOf(c, 1);
  if (!axes) throw new Error(`${where(c)}: no axes`);
  const rank = x.shape.length + axes.length;
  const at = axes.map((a) => normAxis(c, a, rank)).sort((p, q) => p - q);
  const shape = x.shape.slice();
  for (const a of at) shape.splice(a, 0, 1);
  return [x instanceof Tensor ? reshape(x, shape) : new IntTensor(shape, x.data)];
}

function concatOp(c: OpContext): Value[] {
  const xs = c.inputs.filter((v): v is Value => v !== null && prod(v.shape) > 0);
  const rank = input(c, 0).shape.length;
  const axis = normAxis(c, attrInt(c, 'axis', 0), rank);
  if (xs.length && xs.every((v) => v instanceof IntTensor)) {
    const outer = prod(xs[0].shape.slice(0, axis));
    const data: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (const v of xs as IntTensor[]) {
        const chunk = prod(v.shape.slice(axis));
        data.push(...v.data.slice(o * chunk, (o + 1) * chunk));
      }
    }
    const shape = xs[0].shape.slice();
    shape[axis] = xs.reduce((s, v) => s + v.shape[axis], 0);
    return [new IntTensor(shape, data)];
  }
  return [
    concat(
      xs.map((_, i) => float({ ...c, inputs: xs }, i)),
      axis,
    ),
  ];
}

function sliceOp(c: OpContext): Value[] {
  const x = input(c, 0);
  const ranges = sliceRanges(c, x.shape);
  if (x instanceof IntTensor) return [sliceInts(x, ranges)];
  let y = x;
  for (const r of ranges) {
    if (r.step !== 1) throw new Error(`${where(c)}: float slices with step ${r.step} are not supported`);
    y = slice(y, r.axis, r.start, Math.max(r.start, r.end));
  }
  return [y];
}

function constantOfShapeOp(c: OpContext): Value[] {
  const shape = ints(c, 0).data;
  for (const d of shape)
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${where(c)}: shape [${shape}] has a negative or non-integer dim`);
  const t = attr(c, 'value')?.t;
  const n = prod(shape);
  if (!t || t.floats) return [full(shape, t?.floats?.[0] ?? 0)];
  return [new IntTensor(shape, new Array(n).fill(t.ints?.[0] ?? 0))];
}

function constantOp(c: OpContext): Value[] {
  const a = c.node.attrs;
  const t = a.get('value')?.t;
  if (t) return [constantValue(t)];
  if (a.get('value_float')) return [new Tensor(new Float32Array([a.get('value_float')?.f ?? 0]), [])];
  if (a.get('value_floats'))
    return [new Tensor(Float32Array.from(a.get('value_floats')?.floats ?? []), [a.get('value_floats')?.floats?.length ?? 0])];
  if (a.get('value_int')) return [new IntTensor([], [a.get('value_int')?.i ?? 0])];
  if (a.get('value_ints')) return [new IntTensor([a.get('value_ints')?.ints?.length ?? 0], a.get('value_ints')?.ints ?? [])];
  throw new Error(`${where(c)}: a Constant without a supported value attribute`);
}

function castOp(c: OpContext): Value[] {
  const to = attrInt(c, 'to', 0);
  const x = input(c, 0);
  const toFloat = to === DT.FLOAT || to === DT.DOUBLE || to === DT.FLOAT16 || to === DT.BFLOAT16;
  if (toFloat) return [float(c, 0)];
  if (x instanceof IntTensor)
    return [
      to === DT.BOOL
        ? new IntTensor(
            x.shape,
            x.data.map((v) => (v ? 1 : 0)),
          )
        : x,
    ];
  return [
    new IntTensor(
      x.shape.slice(),
      Array.from(x.data, (v) => (to === DT.BOOL ? (v ? 1 : 0) : Math.trunc(v))),
    ),
  ];
}

function expandOp(c: OpContext): Value[] {
  const x = input(c, 0);
  const shape = broadcastShape(x.shape, ints(c, 1).data, 'Expand');
  if (x instanceof IntTensor) {
    const ix = indexer(shape, x.shape);
    return [
      new IntTensor(
        shape,
        Array.from({ length: prod(shape) }, (_, k) => x.data[ix(k)]),
      ),
    ];
  }
  return [add(x, full(shape, 0))];
}

function whereOp(c: OpContext): Value[] {
  const cond = ints(c, 0);
  const a = input(c, 1);
  const b = input(c, 2);
  if (a instanceof IntTensor && b instanceof IntTensor) {
    const shape = broadcastShape(broadcastShape(cond.shape, a.shape, 'Where'), b.shape, 'Where');
    const [ic, ia, ib] = [indexer(shape, cond.shape), indexer(shape, a.shape), indexer(shape, b.shape)];
    return [
      new IntTensor(
        shape,
        Array.from({ length: prod(shape) }, (_, k) => (cond.data[ic(k)] ? a.data[ia(k)] : b.data[ib(k)])),
      ),
    ];
  }
  const m = new Tensor(
    Float32Array.from(cond.data, (v) => (v ? 1 : 0)),
    cond.shape,
  );
  return [add(mul(float(c, 1), m), mul(float(c, 2), sub(1, m)))];
}

function shapeOp(c: OpContext): Value[] {
  const s = input(c, 0).shape;
  const r = s.length;
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clampIdx(attrInt(c, 'start', 0));
  const end = clampIdx(attrInt(c, 'end', r));
  const dims = s.slice(start, Math.max(start, end));
  return [new IntTensor([dims.length], dims)];
}

function transposeOp(c: OpContext): Value[] {
  const x = float(c, 0);
  const perm = attrInts(c, 'perm') ?? x.shape.map((_, i) => x.ndim - 1 - i);
  return [permute(x, perm)];
}

/** Every supported operator (default domain). @internal */
export const ONNX_OPS: Readonly<Record<string, OpFn>> = {
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  RNN: recurrent('RNN'),
  Constant: constantOp,
  ConstantOfShape: constantOfShapeOp,
  Shape: shapeOp,
  Gather: gatherOp,
  Unsqueeze: unsqueezeOp,
  Squeeze: squeezeOp,
  Concat: concatOp,
  Reshape: reshapeOp,
  Slice: sliceOp,
  Transpose: transposeOp,
  Expand: expandOp,
  Cast: castOp,
  Where: whereOp,
  Equal: (c) => [intBroadcast(c, ints(c, 0), ints(c, 1), (a, b) => (a === b ? 1 : 0))],
  MatMul: matmulOp,
  Gemm: gemmOp,
  Add: binary(add, (a, b) => a + b),
  Sub: binary(sub, (a, b) => a - b),
  Mul: binary(mul, (a, b) => a * b),
  Div: binary(div, (a, b) => Math.trunc(a / b)),
  Neg: (c) => {
    const x = input(c, 0);
    return [
      x instanceof IntTensor
        ? new IntTensor(
            x.shape,
            x.data.map((v) => -v),
          )
        : neg(x),
    ];
  },
  Relu: unary(relu),
  Tanh: unary(tanh),
  Sigmoid: unary(sigmoid),
  Exp: unary(exp),
  Log: unary(log),
  Sqrt: unary(sqrt),
  Abs: unary(abs),
  Softmax: softmaxOp(softmax),
  LogSoftmax: softmaxOp(logSoftmax),
  Identity: (c) => [input(c, 0)],
  Dropout: (c) => [input(c, 0)],
};
