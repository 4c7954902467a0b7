// fromOnnx: an ONNX graph as a trainable Module. The file is decoded and validated whole first
// (protobuf structure, tensor sizes against dims, a budget on elements, a default-domain opset,
// every operator supported, every node input defined before use); then each float initializer
// with at least one axis becomes a parameter under its own name, and forward runs the nodes in order with our
// differentiable ops (see onnx-ops.ts). Written back by toOnnx with the current weights.
import { Module } from '../nn/module.js';
import { MAX_ELEMENTS, Tensor, fmtShape } from '../tensor.js';
import { int, readOptions, any } from '../options.js';
import { checkFinite } from '../ops/util.js';
import { DT, decodeModel, dtypeName, encodeModel, type OnnxModel, type OnnxTensor, type OnnxValueInfo } from './onnx-proto.js';
import { IntTensor, ONNX_OPS, constantValue, type Value } from './onnx-ops.js';

/** Options of {@link fromOnnx}. */
export interface FromOnnxOptions {
  /** Refuse files whose tensors hold more elements in total (default: the tensor size limit). */
  maxParameters?: number;
}

/** Options of an imported model's forward. */
export interface OnnxForwardOptions {
  /** Values for graph inputs after the first, by name (e.g. `{ lengths: [5, 3] }`). */
  inputs?: Record<string, Tensor | ArrayLike<number>>;
}

const INT_TYPES: ReadonlySet<number> = new Set([DT.INT64, DT.INT32, DT.INT8, DT.UINT8, DT.BOOL, 4, 5, 12, 13]);

/** A Module that runs an imported ONNX graph. Parameters are named by initializer. */
export class OnnxModule extends Module {
  /** The graph's inputs that are not initializers, in order. */
  readonly inputNames: string[];
  /** The graph's outputs, in order. */
  readonly outputNames: string[];
  /** The default-domain opset of the file. */
  readonly opset: number;
  private readonly model: OnnxModel;
  private readonly constants = new Map<string, Value>();
  private readonly params = new Map<string, Tensor>();
  private readonly inputInfo: OnnxValueInfo[];

  /** @internal use {@link fromOnnx}. */
  constructor(model: OnnxModel) {
    super();
    this.model = model;
    this.opset = checkOpset(model);
    const g = model.graph;
    for (const t of g.initializers) {
      // weights are tensors with at least one axis; a 0-d float (a scale such as 0.5) stays a constant
      if (t.floats && t.dims.length > 0) this.params.set(t.name, this.registerParameter(t.name, new Tensor(t.floats.slice(), t.dims)));
      else this.constants.set(t.name, constantValue(t));
    }
    this.inputInfo = g.inputs.filter((v) => !this.params.has(v.name) && !this.constants.has(v.name));
    this.inputNames = this.inputInfo.map((v) => v.name);
    this.outputNames = g.outputs.map((v) => v.name);
    checkGraph(model, new Set([...this.params.keys(), ...this.constants.keys(), ...this.inputNames]));
  }

  /** @internal */
  override outputShape(): string {
    const o = this.model.graph.outputs[0];
    return o.dims ? `[${o.dims.map((d) => d ?? '?').join(',')}]` : '?';
  }

  /**
   * Runs the graph: `x` is its first input (floats as a Tensor; integer inputs such as token ids
   * as a Tensor of ids, an Int32Array or nested arrays); returns its first output.
   */
  forward(x: Tensor | ArrayLike<number> | number[][], options: OnnxForwardOptions = {}): Tensor {
    return this.run(x, options)[this.outputNames[0]];
  }

  /** Runs the graph and returns every output by name. */
  run(x: Tensor | ArrayLike<number> | number[][], options: OnnxForwardOptions = {}): Record<string, Tensor> {
    const o = readOptions<OnnxForwardOptions>('OnnxModule.forward', 'options', options, { inputs: any });
    const env = new Map<string, Value>(this.constants);
    for (const [k, p] of this.params) env.set(k, p);
    this.inputInfo.forEach((info, i) => {
      const given = i === 0 ? x : o.inputs?.[info.name];
      if (given === undefined)
        throw new Error(`OnnxModule.forward: graph input '${info.name}' needs a value (options.inputs.${info.name})`);
      env.set(info.name, toValue(given, info, i === 0 ? 'x' : `options.inputs.${info.name}`));
    });
    for (const node of this.model.graph.nodes) {
      const inputs = node.inputs.map((n) => (n === '' ? null : (env.get(n) ?? null)));
      const outs = ONNX_OPS[node.opType]({ node, inputs, opset: this.opset });
      node.outputs.forEach((name, k) => {
        if (name !== '' && outs[k]) env.set(name, outs[k]);
      });
    }
    const result: Record<string, Tensor> = {};
    for (const name of this.outputNames) {
      const v = env.get(name);
      if (!v) throw new Error(`fromOnnx: graph output '${name}' was not computed`);
      result[name] = v instanceof Tensor ? v : new Tensor(Float32Array.from(v.data), v.shape);
    }
    return result;
  }

  /** The model as ONNX bytes, with the current parameter values. @internal */
  toBytes(opset: number | undefined): Uint8Array {
    if (opset !== undefined && opset !== this.opset)
      throw new Error(`toOnnx: an imported model is written back at its own opset ${this.opset}, got options.opset ${opset}`);
    const initializers: OnnxTensor[] = this.model.graph.initializers.map((t) => {
      const p = this.params.get(t.name);
      return p ? { name: t.name, dataType: DT.FLOAT, dims: p.shape.slice(), floats: p.data.slice(), ints: null } : t;
    });
    return encodeModel({ ...this.model, graph: { ...this.model.graph, initializers } });
  }
}

function checkOpset(m: OnnxModel): number {
  const main = m.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!main) throw new Error('fromOnnx: the model imports no default-domain (ai.onnx) opset');
  if (main.version < 11 || main.version > 23) throw new Error(`fromOnnx: opset ${main.version} is not supported (11 to 23)`);
  return main.version;
}

/** Every operator known, every input defined before it is read, outputs defined. */
function checkGraph(m: OnnxModel, defined: Set<string>): void {
  const g = m.graph;
  const unknown = [
    ...new Set(
      g.nodes
        .filter((n) => (n.domain && n.domain !== 'ai.onnx') || !Object.hasOwn(ONNX_OPS, n.opType))
        .map((n) => (n.domain ? `${n.domain}.${n.opType}` : n.opType)),
    ),
  ];
  if (unknown.length) {
    throw new Error(
      `fromOnnx: unsupported operator${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (supported: ${Object.keys(ONNX_OPS).join(', ')})`,
    );
  }
  if (!g.inputs.some((v) => defined.has(v.name))) throw new Error('fromOnnx: the graph has no input');
  if (!g.outputs.length) throw new Error('fromOnnx: the graph has no output');
  for (const n of g.nodes) {
    for (const i of n.inputs) {
      if (i !== '' && !defined.has(i))
        throw new Error(`fromOnnx: node '${n.name || n.opType}' reads '${i}', which no earlier node, input or initializer defines`);
    }
    for (const o of n.outputs) if (o !== '') defined.add(o);
  }
  for (const o of g.outputs) if (!defined.has(o.name)) throw new Error(`fromOnnx: graph output '${o.name}' is not produced by any node`);
}

/** A user's value for a graph input, checked against its declared type and fixed dims. */
function toValue(v: unknown, info: OnnxValueInfo, arg: string): Value {
  const isInt = INT_TYPES.has(info.elemType);
  let shape: number[];
  let data: ArrayLike<number>;
  if (v instanceof Tensor) {
    shape = v.shape.slice();
    data = v.data;
  } else if (Array.isArray(v) && Array.isArray(v[0])) {
    const rows = v as number[][];
    shape = [rows.length, rows[0].length];
    if (rows.some((r) => !Array.isArray(r) || r.length !== shape[1]))
      throw new Error(`OnnxModule.forward: ${arg} rows must all have ${shape[1]} entries`);
    data = rows.flat();
  } else if (v && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number') {
    data = v as ArrayLike<number>;
    shape = [data.length];
  } else {
    throw new Error(`OnnxModule.forward: ${arg} must be a Tensor or an array, got ${v === null ? 'null' : typeof v}`);
  }
  if (info.dims) {
    const ok = info.dims.length === shape.length && info.dims.every((d, i) => typeof d !== 'number' || d === shape[i]);
    if (!ok)
      throw new Error(`OnnxModule.forward: ${arg} must have shape [${info.dims.map((d) => d ?? '?').join(', ')}], got ${fmtShape(shape)}`);
  }
  if (isInt) {
    const ints = Array.from(data);
    const bad = ints.findIndex((x) => !Number.isInteger(x));
    if (bad >= 0) throw new Error(`OnnxModule.forward: ${arg} is an ${dtypeName(info.elemType)} input; entry ${bad} is ${ints[bad]}`);
    return new IntTensor(shape, ints);
  }
  if (info.elemType !== DT.FLOAT && info.elemType !== DT.DOUBLE && info.elemType !== DT.FLOAT16 && info.elemType !== 0)
    throw new Error(`OnnxModule.forward: graph input '${info.name}' has type ${dtypeName(info.elemType)}, which is not supported`);
  const f = v instanceof Tensor ? v : new Tensor(Float32Array.from(data), shape);
  checkFinite(f.data, 'OnnxModule.forward', arg);
  return f;
}

/**
 * Builds a trainable Module from an ONNX model (the bytes of a `.onnx` file), e.g. one written by
 * `torch.onnx.export` for RNN / LSTM / GRU models. Every float initializer with an axis becomes a parameter
 * named as in the file; `forward(x)` takes the first graph input and returns the first output,
 * `run(x)` returns all outputs. An operator outside the supported set is an error naming it.
 * @example
 * ```ts
 * const model = rnn.fromOnnx(new Uint8Array(await fs.readFile('model.onnx')));
 * const y = model.forward(x);        // any batch size and length
 * ```
 */
export function fromOnnx(bytes: Uint8Array | ArrayBuffer, options: FromOnnxOptions = {}): OnnxModule {
  const o = readOptions<FromOnnxOptions>('fromOnnx', 'options', options, { maxParameters: int(0, Number.MAX_SAFE_INTEGER) });
  let b: Uint8Array;
  if (bytes instanceof Uint8Array) b = bytes;
  else if (bytes instanceof ArrayBuffer) b = new Uint8Array(bytes);
  else throw new Error(`fromOnnx: bytes must be a Uint8Array or an ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
  if (b.length === 0) throw new Error('fromOnnx: bytes is empty (0 bytes)');
  return new OnnxModule(decodeModel(b, o.maxParameters ?? MAX_ELEMENTS));
}
