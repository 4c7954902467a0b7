// toOnnx: a model as an ONNX ModelProto. Each module writes the nodes ONNX Runtime runs for it:
// RNN / LSTM / GRU as ONNX's own RNN / LSTM / GRU ops (time-major, so batch-first layers are
// transposed in and out), one node per layer with both directions in it; gate blocks reordered
// (LSTM i,f,g,o -> i,o,f,c; GRU r,z,n -> z,r,h, resetAfter as linear_before_reset = 1), peepholes
// as P (i,o,f); Linear as MatMul(x, Wᵀ) + b; Embedding as Gather; activations as their ops;
// Keras-style Bidirectional as a forward and a reverse node merged. Dropout is the identity (the
// graph is for inference). Anything else is an error naming the module.
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { Linear } from '../nn/linear.js';
import { Embedding } from '../nn/embedding.js';
import { Dropout } from '../nn/dropout.js';
import { RNN } from '../nn/rnn.js';
import { LSTM } from '../nn/lstm.js';
import { GRU } from '../nn/gru.js';
import { Bidirectional } from '../nn/bidirectional.js';
import { RecurrentBase } from '../nn/recurrent.js';
import { LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../nn/activation.js';
import type { Tensor } from '../tensor.js';
import { AT, DT, encodeModel, type OnnxAttr, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-proto.js';
import { OnnxModule } from './onnx-module.js';
import { ONNX_FROM_OURS, reorderGates } from './gates.js';
import { KerasModel } from './keras-model.js';
import { SIZE, bool, int, readOptions, strings } from '../options.js';
import { VERSION } from '../backend/wasm.js';

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions {
  /** ONNX opset (13–21, default 17). */
  opset?: number;
  /** A symbolic batch dimension (default true); false fixes it to `batchSize`. */
  dynamicBatch?: boolean;
  /** A symbolic time dimension (default true); false fixes it to `seqLen`. */
  dynamicTime?: boolean;
  /** The batch size when `dynamicBatch` is false. */
  batchSize?: number;
  /** The sequence length when `dynamicTime` is false. */
  seqLen?: number;
  /** Add a graph input `lengths` (int32 [batch]) fed to every recurrent node as `sequence_lens`. */
  lengths?: boolean;
  /** Strings stored as the model's metadata_props. */
  metadata?: Record<string, string>;
}

const SUPPORTED = 'RNN, LSTM, GRU, Bidirectional, Linear, Embedding, Dropout, ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, Sequential';

/** The IR version that goes with an opset (onnx/helper.py's table). */
const IR_OF_OPSET: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** A value in the graph under construction, with its last dimension when known. */
interface Value {
  name: string;
  features: number;
  /** 2 for a last state [batch, F]; 3 (the default) for a sequence. */
  rank?: number;
}

/** Nodes and initializers of the graph being written; names are unique. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  private readonly ints = new Map<string, string>();

  constructor(readonly lengths: string | null) {}

  unique(base: string): string {
    let n = base;
    for (let k = 1; this.used.has(n); k++) n = `${base}_${k}`;
    this.used.add(n);
    return n;
  }

  floats(name: string, dims: number[], data: Float32Array): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dataType: DT.FLOAT, dims, floats: data, ints: null });
    return n;
  }

  /** An int64 constant (shared by every node that needs the same values). */
  int64(values: number[]): string {
    const key = values.join(',');
    const hit = this.ints.get(key);
    if (hit) return hit;
    const n = this.unique(`const_i64_${values.map((v) => (v < 0 ? `m${-v}` : v)).join('_')}`);
    this.initializers.push({ name: n, dataType: DT.INT64, dims: [values.length], floats: null, ints: values });
    this.ints.set(key, n);
    return n;
  }

  node(opType: string, inputs: string[], attrs: OnnxAttr[] = [], outputs = 1): string[] {
    const base = this.unique(`${opType}_${this.nodes.length}`);
    const outs = Array.from({ length: outputs }, (_, i) => this.unique(`${base}_out${i}`));
    this.nodes.push({ name: base, opType, domain: '', inputs, outputs: outs, attrs: new Map(attrs.map((a) => [a.name, a])) });
    return outs;
  }

  one(opType: string, inputs: string[], attrs: OnnxAttr[] = []): string {
    return this.node(opType, inputs, attrs)[0];
  }
}

const aInt = (name: string, i: number): OnnxAttr => ({ name, type: AT.INT, i });
const aInts = (name: string, ints: number[]): OnnxAttr => ({ name, type: AT.INTS, ints });
const aStr = (name: string, s: string): OnnxAttr => ({ name, type: AT.STRING, s });
const aStrs = (name: string, strings: string[]): OnnxAttr => ({ name, type: AT.STRINGS, strings });

/** The weights of one layer (its directions stacked) in ONNX's layout, as initializers. */
function recurrentWeights(
  g: GraphBuilder,
  m: RecurrentBase<unknown>,
  params: Map<string, Tensor>,
  layer: number,
  dirs: number[],
  prefix: string,
) {
  const kind = m instanceof LSTM ? 'LSTM' : m instanceof GRU ? 'GRU' : 'RNN';
  const G = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
  const order = ONNX_FROM_OURS[kind];
  const H = m.hiddenSize;
  const I = layer === 0 ? m.inputSize : m.numDirections * H;
  const suffix = (d: number) => `_l${layer}${d === 1 ? '_reverse' : ''}`;
  const get = (name: string): Tensor => {
    const p = params.get(name);
    if (!p) throw new Error(`toOnnx: ${prefix || 'model'} has no parameter ${name}`);
    return p;
  };
  const D = dirs.length;
  const W = new Float32Array(D * G * H * I);
  const R = new Float32Array(D * G * H * H);
  const B = new Float32Array(D * 2 * G * H);
  let P: Float32Array | null = null;
  dirs.forEach((d, k) => {
    const s = suffix(d);
    W.set(reorderGates(get(`weight_ih${s}`).peek(), order), k * G * H * I);
    R.set(reorderGates(get(`weight_hh${s}`).peek(), order), k * G * H * H);
    if (m.bias) {
      B.set(reorderGates(get(`bias_ih${s}`).peek(), order), k * 2 * G * H);
      B.set(reorderGates(get(`bias_hh${s}`).peek(), order), k * 2 * G * H + G * H);
    }
    if (m instanceof LSTM && m.peephole) {
      P ??= new Float32Array(D * 3 * H);
      P.set(get(`weight_ci${s}`).data, k * 3 * H);
      P.set(get(`weight_co${s}`).data, k * 3 * H + H);
      P.set(get(`weight_cf${s}`).data, k * 3 * H + 2 * H);
    }
  });
  const base = `${prefix}${prefix ? '.' : ''}l${layer}${D === 1 && dirs[0] === 1 ? '_reverse' : ''}`;
  return {
    kind,
    W: g.floats(`${base}.W`, [D, G * H, I], W),
    R: g.floats(`${base}.R`, [D, G * H, H], R),
    B: m.bias ? g.floats(`${base}.B`, [D, 2 * G * H], B) : '',
    P: P ? g.floats(`${base}.P`, [D, 3 * H], P) : '',
  };
}

/** One ONNX recurrent node over x [T,B,I]; returns its output [T,B,D·H] and Y_h (and Y_c). */
function recurrentNode(
  g: GraphBuilder,
  m: RecurrentBase<unknown>,
  params: Map<string, Tensor>,
  layer: number,
  direction: string,
  x: string,
  prefix: string,
) {
  const dirs = direction === 'bidirectional' ? [0, 1] : direction === 'reverse' ? [m.bidirectional ? 1 : 0] : [0];
  const w = recurrentWeights(g, m, params, layer, dirs, prefix);
  const attrs: OnnxAttr[] = [aInt('hidden_size', m.hiddenSize), aStr('direction', direction)];
  if (m instanceof RNN)
    attrs.push(
      aStrs(
        'activations',
        dirs.map(() => (m.nonlinearity === 'relu' ? 'Relu' : 'Tanh')),
      ),
    );
  if (m instanceof GRU && m.resetAfter) attrs.push(aInt('linear_before_reset', 1));
  if ((m instanceof LSTM || m instanceof GRU) && m.recurrentActivation === 'hardSigmoid') {
    // ONNX's HardSigmoid defaults (alpha 0.2, beta 0.5) are Keras 2 / tfjs's
    const perDir = m instanceof LSTM ? ['HardSigmoid', 'Tanh', 'Tanh'] : ['HardSigmoid', 'Tanh'];
    attrs.push(
      aStrs(
        'activations',
        dirs.flatMap(() => perDir),
      ),
    );
  }
  const inputs = [x, w.W, w.R, w.B, g.lengths ?? '', '', ''];
  if (w.kind === 'LSTM') inputs.push(w.P);
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const outs = g.node(w.kind, inputs, attrs, w.kind === 'LSTM' ? 3 : 2);
  const y =
    dirs.length === 1
      ? g.one('Squeeze', [outs[0], g.int64([1])])
      : g.one('Reshape', [g.one('Transpose', [outs[0]], [aInts('perm', [0, 2, 1, 3])]), g.int64([0, 0, -1])]);
  return { y, h: outs[1], c: w.kind === 'LSTM' ? outs[2] : null };
}

interface RecurrentValues {
  output: Value;
  hN: string;
  cN: string | null;
}

/** A whole (stacked) recurrent layer; `reverse` runs every layer reversed (Bidirectional's backward copy). */
function emitRecurrent(g: GraphBuilder, m: RecurrentBase<unknown>, x: Value, prefix: string, reverse = false): RecurrentValues {
  // ClockworkRNN and SCRN share the options of RNN, LSTM and GRU but have no ONNX operator
  if (!(m instanceof RNN || m instanceof LSTM || m instanceof GRU))
    throw new Error(`toOnnx: ${prefix || 'model'} is a ${m.constructor.name}, which has no ONNX export (supported: ${SUPPORTED})`);
  if (m instanceof LSTM && m.projSize > 0)
    throw new Error(`toOnnx: ${prefix || 'model'} (LSTM) has projSize ${m.projSize}; ONNX's LSTM has no projection`);
  const params = new Map(m.namedParameters());
  let cur = m.batchFirst ? g.one('Transpose', [x.name], [aInts('perm', [1, 0, 2])]) : x.name;
  const hs: string[] = [];
  const cs: string[] = [];
  const direction = reverse ? 'reverse' : m.bidirectional ? 'bidirectional' : 'forward';
  for (let l = 0; l < m.numLayers; l++) {
    const r = recurrentNode(g, m, params, l, direction, cur, prefix);
    cur = r.y;
    hs.push(r.h);
    if (r.c) cs.push(r.c);
  }
  const out = m.batchFirst ? g.one('Transpose', [cur], [aInts('perm', [1, 0, 2])]) : cur;
  const cat = (xs: string[]) => (xs.length === 1 ? xs[0] : g.one('Concat', xs, [aInt('axis', 0)]));
  return { output: { name: out, features: m.numDirections * m.hiddenSize }, hN: cat(hs), cN: cs.length ? cat(cs) : null };
}

/** The two directions merged as Bidirectional's mergeMode says. */
function mergeValues(g: GraphBuilder, mode: string, f: string, b: string, H: number, prefix: string, rank = 3): Value {
  if (mode === 'concat') return { name: g.one('Concat', [f, b], [aInt('axis', -1)]), features: 2 * H, rank };
  if (mode === 'sum') return { name: g.one('Add', [f, b]), features: H, rank };
  if (mode === 'mul') return { name: g.one('Mul', [f, b]), features: H, rank };
  const half = g.floats(`${prefix}${prefix ? '.' : ''}half`, [], new Float32Array([0.5]));
  return { name: g.one('Mul', [g.one('Add', [f, b]), half]), features: H, rank };
}

function emitBidirectional(g: GraphBuilder, m: Bidirectional, x: Value, prefix: string): RecurrentValues {
  const p = (s: string) => `${prefix}${prefix ? '.' : ''}${s}`;
  const f = emitRecurrent(g, m.forwardLayer, x, p('forward_layer'));
  const b = emitRecurrent(g, m.backwardLayer, x, p('backward_layer'), true);
  const out = mergeValues(g, m.mergeMode, f.output.name, b.output.name, m.forwardLayer.hiddenSize, prefix);
  const hN = g.one('Concat', [f.hN, b.hN], [aInt('axis', 0)]);
  const cN = f.cN && b.cN ? g.one('Concat', [f.cN, b.cN], [aInt('axis', 0)]) : null;
  return { output: out, hN, cN };
}

/** A model imported with fromKeras: its stages, a recurrent layer without return_sequences as its last state. */
function emitKeras(g: GraphBuilder, m: KerasModel, x: Value): Value {
  let cur = x;
  const last = (hN: string, features: number) => ({ name: g.one('Squeeze', [hN, g.int64([0])]), features, rank: 2 });
  for (const s of m.stages) {
    if (s.kind === 'mask' || (s.kind === 'embedding' && s.maskZero))
      throw new Error(
        `toOnnx: layer '${s.name}' masks its input; masked Keras models have no ONNX export (export one without Masking / mask_zero)`,
      );
    if (s.kind === 'recurrent') {
      const r = emitRecurrent(g, s.module, cur, s.name);
      cur = s.returnSequences ? r.output : last(r.hN, s.module.hiddenSize);
    } else if (s.kind === 'bidirectional' && !s.returnSequences) {
      const f = emitRecurrent(g, s.module.forwardLayer, cur, `${s.name}.forward_layer`);
      const b = emitRecurrent(g, s.module.backwardLayer, cur, `${s.name}.backward_layer`, true);
      const H = s.module.forwardLayer.hiddenSize;
      const [fo, bo] = [last(f.hN, H).name, last(b.hN, H).name];
      cur = mergeValues(g, s.module.mergeMode, fo, bo, H, s.name, 2);
    } else {
      const r = emit(g, s.module, cur, s.name);
      cur = 'output' in r ? r.output : r;
    }
  }
  return cur;
}

/** Emits module `m` applied to `x`; a recurrent layer also returns its states. */
function emit(g: GraphBuilder, m: Module, x: Value, prefix: string): RecurrentValues | Value {
  const p = (s: string) => `${prefix}${prefix ? '.' : ''}${s}`;
  if (m instanceof Sequential) {
    let cur = x;
    m.layers.forEach((layer, i) => {
      const r = emit(g, layer, cur, p(String(i)));
      cur = 'output' in r ? r.output : r;
    });
    return cur;
  }
  if (m instanceof RecurrentBase) return emitRecurrent(g, m, x, prefix);
  if (m instanceof KerasModel) return emitKeras(g, m, x);
  if (m instanceof Bidirectional) return emitBidirectional(g, m, x, prefix);
  if (m instanceof Linear) {
    const wt = g.one('Transpose', [g.floats(p('weight'), m.weight.shape.slice(), m.weight.data.slice())], [aInts('perm', [1, 0])]);
    const y = g.one('MatMul', [x.name, wt]);
    const out = m.bias ? g.one('Add', [y, g.floats(p('bias'), m.bias.shape.slice(), m.bias.data.slice())]) : y;
    return { name: out, features: m.outFeatures, rank: x.rank };
  }
  if (m instanceof Embedding) {
    const w = g.floats(p('weight'), m.weight.shape.slice(), m.weight.data.slice());
    return { name: g.one('Gather', [w, x.name], [aInt('axis', 0)]), features: m.embeddingDim };
  }
  if (m instanceof Dropout) return x;
  const unary = m instanceof ReLU ? 'Relu' : m instanceof Tanh ? 'Tanh' : m instanceof Sigmoid ? 'Sigmoid' : null;
  if (unary) return { name: g.one(unary, [x.name]), features: x.features, rank: x.rank };
  if (m instanceof Softmax || m instanceof LogSoftmax) {
    return {
      name: g.one(m instanceof Softmax ? 'Softmax' : 'LogSoftmax', [x.name], [aInt('axis', m.dim)]),
      features: x.features,
      rank: x.rank,
    };
  }
  throw new Error(`toOnnx: ${prefix || 'model'} is a ${m.constructor.name}, which has no ONNX export (supported: ${SUPPORTED})`);
}

/** The first module that reads the graph input (through Sequential and Bidirectional). */
function firstLeaf(m: Module): Module {
  if (m instanceof KerasModel) {
    const s = m.stages[0];
    return s.kind === 'mask' ? m : firstLeaf(s.kind === 'bidirectional' ? s.module.forwardLayer : s.module);
  }
  if (m instanceof Sequential && m.layers.length) return firstLeaf(m.layers[0]);
  if (m instanceof Bidirectional) return m.forwardLayer;
  return m;
}

/** What the graph input looks like: ids [batch, time] for an Embedding, else [batch, time, F]. */
function graphInput(m: Module, batch: number | string, time: number | string): OnnxValueInfo {
  const first = firstLeaf(m);
  if (first instanceof Embedding) return { name: 'input', elemType: DT.INT64, dims: [batch, time] };
  const timeMajor = first instanceof RecurrentBase && !first.batchFirst;
  const F = first instanceof RecurrentBase ? first.inputSize : first instanceof Linear ? first.inFeatures : null;
  return { name: 'input', elemType: DT.FLOAT, dims: timeMajor ? [time, batch, F] : [batch, time, F] };
}

/**
 * Writes `model` as an ONNX ModelProto (for ONNX Runtime, in Node, the browser or on a server).
 * The graph has one input `input` ([batch, time, features], or int64 ids [batch, time] when the
 * model starts with an Embedding) and one output `output`; a bare recurrent layer also outputs
 * `hN` (and `cN`). A model imported with {@link fromOnnx} is written back with its current weights.
 * @example
 * ```ts
 * const bytes = rnn.toOnnx(model);                 // Uint8Array
 * // onnxruntime: await ort.InferenceSession.create(bytes)
 * ```
 */
export function toOnnx(model: Module, options: ToOnnxOptions = {}): Uint8Array {
  if (!(model instanceof Module)) throw new Error(`toOnnx: model must be a Module, got ${model === null ? 'null' : typeof model}`);
  const o = readOptions<ToOnnxOptions>('toOnnx', 'options', options, {
    opset: int(13, 21),
    dynamicBatch: bool,
    dynamicTime: bool,
    batchSize: SIZE,
    seqLen: SIZE,
    lengths: bool,
    metadata: strings,
  });
  const opset = o.opset ?? 17;
  if (model instanceof OnnxModule) return model.toBytes(opset);
  const batch = dimOf(o.dynamicBatch ?? true, o.batchSize, 'batch', 'batchSize', 'dynamicBatch');
  const time = dimOf(o.dynamicTime ?? true, o.seqLen, 'time', 'seqLen', 'dynamicTime');
  const g = new GraphBuilder(o.lengths ? 'lengths' : null);
  g.unique('input');
  if (o.lengths) g.unique('lengths');
  const input = graphInput(model, batch, time);
  const feat = input.dims?.[2];
  const r = emit(g, model, { name: 'input', features: typeof feat === 'number' ? feat : 0 }, '');
  const outputs: OnnxValueInfo[] = [];
  const named = (value: string, name: string, dims: (number | string | null)[]) => {
    g.nodes.push({ name: `${name}_identity`, opType: 'Identity', domain: '', inputs: [value], outputs: [name], attrs: new Map() });
    outputs.push({ name, elemType: DT.FLOAT, dims });
  };
  const out = 'output' in r ? r.output : r;
  const lead = input.dims ? input.dims.slice(0, 2) : [batch, time];
  named(out.name, 'output', out.rank === 2 ? [batch, out.features || null] : [...lead, out.features || null]);
  if ('output' in r) {
    named(r.hN, 'hN', [null, batch, null]);
    if (r.cN) named(r.cN, 'cN', [null, batch, null]);
  }
  const inputs = [input];
  if (o.lengths) inputs.push({ name: 'lengths', elemType: DT.INT32, dims: [batch] });
  return encodeModel({
    irVersion: IR_OF_OPSET[opset],
    producerName: 'rnn-wasm',
    producerVersion: VERSION,
    opsets: [{ domain: '', version: opset }],
    graph: { name: 'rnn-wasm', nodes: g.nodes, initializers: g.initializers, inputs, outputs },
    metadata: { ...(o.metadata ?? {}) },
  });
}

function dimOf(dynamic: boolean, size: number | undefined, sym: string, key: string, flag: string): number | string {
  if (dynamic) return sym;
  if (size === undefined) throw new Error(`toOnnx: options.${key} is required when options.${flag} is false`);
  return size;
}
