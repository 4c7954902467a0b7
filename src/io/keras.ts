// fromKeras: a Keras / TensorFlow.js LayersModel (model.json + weights) as a trainable Module.
// The topology (Sequential, or a Functional model that is a linear chain) is read layer by layer;
// weights are matched by name (tfjs' `lstm/kernel` and the Keras 2 converter's
// `lstm/lstm_cell/kernel`, `bidirectional/forward_lstm/...`) and converted to PyTorch's layout:
// kernels [in, G·H] transposed to [G·H, in], GRU gates z,r,h reordered to r,z,n, the single Keras
// bias as b_ih (b_hh = 0), GRU reset_after's bias [2, 3H] as b_ih and b_hh. The weight bytes are
// checked against the manifest before anything is read. Training-only settings (dropout inside
// recurrent layers, regularisers, constraints) are not carried over.
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor.js';
import { prod } from '../ops/util.js';
import { permuteData } from '../ops/shape.js';
import { RNN } from '../nn/rnn.js';
import { LSTM } from '../nn/lstm.js';
import { GRU } from '../nn/gru.js';
import { Linear } from '../nn/linear.js';
import { Embedding } from '../nn/embedding.js';
import { Dropout } from '../nn/dropout.js';
import { Bidirectional, type MergeMode } from '../nn/bidirectional.js';
import { ReLU, Sigmoid, Softmax, Tanh } from '../nn/activation.js';
import { Sequential } from '../nn/sequential.js';
import type { RecurrentBase } from '../nn/recurrent.js';
import { KerasModel, type KerasStage } from './keras-model.js';
import { OURS_FROM_KERAS, reorderGates } from './gates.js';

type Json = Record<string, unknown>;
const W = 'fromKeras';

const SUPPORTED = 'InputLayer, SimpleRNN, LSTM, GRU, Bidirectional, Dense, TimeDistributed(Dense), Embedding, Masking, Dropout, Activation';

/** A weight of the manifest: its name, shape and float32 values. */
interface Weight {
  name: string;
  shape: number[];
  data: Float32Array;
}

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The layers' list and the manifest, from any of the JSON shapes tfjs and Keras write. */
function readTopology(modelJson: unknown): { layers: Json[]; manifest: Json[] } {
  let root: unknown = modelJson;
  if (typeof root === 'string') {
    try {
      root = JSON.parse(root);
    } catch (e) {
      throw new Error(`${W}: modelJson is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(root))
    throw new Error(`${W}: modelJson must be the parsed model.json or its text, got ${root === null ? 'null' : typeof root}`);
  const manifest = Array.isArray(root.weightsManifest) ? (root.weightsManifest as Json[]) : null;
  let topo: unknown = root.modelTopology ?? root;
  if (isObj(topo) && isObj(topo.model_config)) topo = topo.model_config;
  if (!isObj(topo) || typeof topo.class_name !== 'string')
    throw new Error(`${W}: modelJson has no model topology (expected modelTopology.class_name or model_config.class_name)`);
  const cfg = topo.config;
  const layers = Array.isArray(cfg) ? cfg : isObj(cfg) && Array.isArray(cfg.layers) ? cfg.layers : null;
  if (!layers) throw new Error(`${W}: the ${topo.class_name} topology has no list of layers`);
  if (!manifest) throw new Error(`${W}: modelJson has no weightsManifest (the weights' names, shapes and order)`);
  if (topo.class_name === 'Sequential') return { layers: layers as Json[], manifest };
  if (topo.class_name === 'Model' || topo.class_name === 'Functional') return { layers: linearChain(layers as Json[]), manifest };
  throw new Error(`${W}: a ${topo.class_name} model is not supported (Sequential, or a Functional model that is a chain)`);
}

/** A Functional model's layers in order, if each reads only the one before it. */
function linearChain(layers: Json[]): Json[] {
  let prev: string | null = null;
  for (const l of layers) {
    const cfg = isObj(l.config) ? l.config : {};
    const name = String(l.name ?? cfg.name);
    const inbound = Array.isArray(l.inbound_nodes) ? (l.inbound_nodes as unknown[][]) : [];
    const reads = inbound.flat().map((n) => (Array.isArray(n) ? String(n[0]) : isObj(n) ? String(n.name ?? '') : String(n)));
    if (prev === null ? reads.length > 0 : reads.length !== 1 || reads[0] !== prev)
      throw new Error(
        `${W}: layer '${name}' reads [${reads.join(', ')}]; only a chain of layers (each reading the one before) is supported`,
      );
    prev = name;
  }
  return layers;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4 };

/** Reads every weight of the manifest from the (possibly sharded) data, after checking its size. */
function readWeights(manifest: Json[], weightData: unknown): Map<string, Weight> {
  const shards = Array.isArray(weightData) ? weightData : [weightData];
  const bytes = shards.map((s, i) => {
    if (s instanceof Uint8Array) return s;
    if (s instanceof ArrayBuffer) return new Uint8Array(s);
    throw new Error(
      `${W}: weightData${shards.length > 1 ? `[${i}]` : ''} must be an ArrayBuffer or a Uint8Array, got ${s === null ? 'null' : typeof s}`,
    );
  });
  const total = bytes.reduce((n, b) => n + b.length, 0);
  const specs = manifest.flatMap((g) => (Array.isArray(g.weights) ? (g.weights as Json[]) : []));
  let need = 0;
  for (const s of specs) {
    const shape = s.shape;
    if (typeof s.name !== 'string' || !Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
      throw new Error(`${W}: weightsManifest entry ${JSON.stringify(s).slice(0, 80)} needs a name and a shape of non-negative integers`);
    if (s.quantization) throw new Error(`${W}: weight '${s.name}' is quantized; only float32 weights are supported`);
    const size = DTYPE_BYTES[String(s.dtype ?? 'float32')];
    if (!size) throw new Error(`${W}: weight '${s.name}' has dtype ${String(s.dtype)}; only float32 is supported`);
    need += prod(shape as number[]) * size;
  }
  if (need !== total) throw new Error(`${W}: the manifest describes ${need} bytes of weights, but weightData holds ${total}`);
  const all = new Uint8Array(total);
  let o = 0;
  for (const b of bytes) {
    all.set(b, o);
    o += b.length;
  }
  const dv = new DataView(all.buffer);
  const out = new Map<string, Weight>();
  o = 0;
  for (const s of specs) {
    const shape = s.shape as number[];
    const n = prod(shape);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = dv.getFloat32(o + 4 * i, true);
    o += 4 * n;
    out.set(s.name as string, { name: s.name as string, shape, data });
  }
  return out;
}

/** Finds the weight `kind` (kernel, recurrent_kernel, bias, embeddings) of a layer, optionally of one direction. */
function weightOf(ws: Map<string, Weight>, layer: string, kind: string, dir?: 'forward' | 'backward', optional = false): Weight | null {
  for (const [name, w] of ws) {
    const parts = name.split('/');
    if (parts[0] !== layer || parts[parts.length - 1] !== kind) continue;
    if (dir && !parts.slice(1, -1).some((p) => p.startsWith(`${dir}_`))) continue;
    return w;
  }
  if (optional) return null;
  throw new Error(`${W}: layer '${layer}' needs a weight '${layer}/${dir ? `${dir}_…/` : ''}${kind}' in the manifest`);
}

/** A Keras kernel [in, out] as [out, in]. */
const transposed = (w: Weight): Float32Array => permuteData(w.data, w.shape, [1, 0]);

function str(cfg: Json, key: string, dflt: string): string {
  const v = cfg[key];
  return typeof v === 'string' ? v : dflt;
}

function gateActivation(layer: string, cfg: Json, dflt: string): 'sigmoid' | 'hardSigmoid' {
  const a = str(cfg, 'recurrent_activation', dflt);
  if (a === 'sigmoid') return 'sigmoid';
  if (a === 'hard_sigmoid' || a === 'hardSigmoid') return 'hardSigmoid';
  throw new Error(`${W}: layer '${layer}' has recurrent_activation '${a}' (sigmoid or hard_sigmoid are supported)`);
}

/** Builds a recurrent layer and loads its (one direction's) Keras weights. */
function recurrentLayer(
  cls: string,
  layer: string,
  cfg: Json,
  ws: Map<string, Weight>,
  dir?: 'forward' | 'backward',
): RecurrentBase<unknown> {
  for (const k of ['return_state', 'go_backwards', 'stateful']) {
    if (cfg[k] === true) throw new Error(`${W}: layer '${layer}' (${cls}) has ${k}: true, which is not supported`);
  }
  const kernel = weightOf(ws, layer, 'kernel', dir) as Weight;
  const rec = weightOf(ws, layer, 'recurrent_kernel', dir) as Weight;
  const useBias = cfg.use_bias !== false;
  const bias = useBias ? weightOf(ws, layer, 'bias', dir) : null;
  const H = Number(cfg.units);
  const I = kernel.shape[0];
  const act = str(cfg, 'activation', 'tanh');
  const base = { inputSize: I, hiddenSize: H, bias: useBias, batchFirst: true };
  let m: RecurrentBase<unknown>;
  const sd: Record<string, Tensor> = {};
  const G = cls === 'LSTM' ? 4 : cls === 'GRU' ? 3 : 1;
  if (kernel.shape[1] !== G * H || rec.shape[0] !== H || rec.shape[1] !== G * H)
    throw new Error(`${W}: layer '${layer}' (${cls}, ${H} units): kernel [${kernel.shape}] / recurrent_kernel [${rec.shape}] do not fit`);
  if (cls === 'SimpleRNN') {
    if (act !== 'tanh' && act !== 'relu')
      throw new Error(`${W}: layer '${layer}' (SimpleRNN) has activation '${act}' (tanh or relu are supported)`);
    m = new RNN({ ...base, nonlinearity: act });
  } else {
    if (act !== 'tanh') throw new Error(`${W}: layer '${layer}' (${cls}) has activation '${act}' (only tanh is supported)`);
    const recurrentActivation = gateActivation(layer, cfg, 'hard_sigmoid');
    m =
      cls === 'LSTM'
        ? new LSTM({ ...base, recurrentActivation })
        : new GRU({ ...base, recurrentActivation, resetAfter: cfg.reset_after === true });
  }
  const order = OURS_FROM_KERAS[cls as 'LSTM' | 'GRU' | 'SimpleRNN'];
  sd.weight_ih_l0 = new Tensor(reorderGates(transposed(kernel), order), [G * H, I]);
  sd.weight_hh_l0 = new Tensor(reorderGates(transposed(rec), order), [G * H, H]);
  if (bias) {
    const two = cls === 'GRU' && cfg.reset_after === true;
    const want = two ? [2, G * H] : [G * H];
    if (bias.shape.length !== want.length || bias.shape.some((d, i) => d !== want[i]))
      throw new Error(`${W}: layer '${layer}' (${cls}) bias must be [${want}], got [${bias.shape}]`);
    sd.bias_ih_l0 = new Tensor(reorderGates(bias.data.slice(0, G * H), order), [G * H]);
    sd.bias_hh_l0 = new Tensor(two ? reorderGates(bias.data.slice(G * H), order) : new Float32Array(G * H), [G * H]);
  }
  m.loadStateDict(sd);
  return m;
}

function activationModule(layer: string, a: string): Module | null {
  switch (a) {
    case 'linear':
      return null;
    case 'relu':
      return new ReLU();
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
    case 'softmax':
      return new Softmax();
    default:
      throw new Error(`${W}: layer '${layer}' has activation '${a}' (linear, relu, tanh, sigmoid and softmax are supported)`);
  }
}

function denseLayer(layer: string, weightLayer: string, cfg: Json, ws: Map<string, Weight>): Module {
  const kernel = weightOf(ws, weightLayer, 'kernel') as Weight;
  const useBias = cfg.use_bias !== false;
  const [I, O] = kernel.shape;
  const lin = new Linear({ inFeatures: I, outFeatures: O, bias: useBias });
  const sd: Record<string, Tensor> = { weight: new Tensor(transposed(kernel), [O, I]) };
  if (useBias) {
    const b = weightOf(ws, weightLayer, 'bias') as Weight;
    sd.bias = new Tensor(b.data.slice(), [O]);
  }
  lin.loadStateDict(sd);
  const act = activationModule(layer, str(cfg, 'activation', 'linear'));
  return act ? new Sequential(lin, act) : lin;
}

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU']);

/** One Keras layer as a stage of the model (null for an InputLayer). */
function stageOf(l: Json, ws: Map<string, Weight>): KerasStage | null {
  const cls = String(l.class_name);
  const cfg = isObj(l.config) ? l.config : {};
  const name = String(cfg.name ?? l.name ?? cls);
  if (cls === 'InputLayer') return null;
  if (RECURRENT.has(cls))
    return { kind: 'recurrent', name, module: recurrentLayer(cls, name, cfg, ws), returnSequences: cfg.return_sequences === true };
  if (cls === 'Bidirectional') {
    const inner = isObj(cfg.layer) ? cfg.layer : null;
    const innerCls = String(inner?.class_name);
    if (!inner || !RECURRENT.has(innerCls))
      throw new Error(`${W}: layer '${name}' (Bidirectional) wraps a ${innerCls}; SimpleRNN, LSTM or GRU are supported`);
    const icfg = isObj(inner.config) ? inner.config : {};
    const mode = cfg.merge_mode === undefined ? 'concat' : cfg.merge_mode;
    if (mode !== 'concat' && mode !== 'sum' && mode !== 'mul' && mode !== 'ave')
      throw new Error(
        `${W}: layer '${name}' (Bidirectional) has merge_mode ${JSON.stringify(mode)} (concat, sum, mul or ave are supported)`,
      );
    const fwd = recurrentLayer(innerCls, name, icfg, ws, 'forward');
    const bwd = recurrentLayer(innerCls, name, icfg, ws, 'backward');
    const bi = new Bidirectional(fwd, { mergeMode: mode as MergeMode });
    bi.backwardLayer.loadStateDict(bwd.stateDict());
    return { kind: 'bidirectional', name, module: bi, returnSequences: icfg.return_sequences === true };
  }
  if (cls === 'Dense') return { kind: 'layer', name, module: denseLayer(name, name, cfg, ws) };
  if (cls === 'TimeDistributed') {
    const inner = isObj(cfg.layer) ? cfg.layer : null;
    if (inner?.class_name !== 'Dense')
      throw new Error(`${W}: layer '${name}' (TimeDistributed) wraps a ${String(inner?.class_name)}; only Dense is supported`);
    const icfg = isObj(inner?.config) ? inner.config : {};
    const weightLayer = weightOf(ws, name, 'kernel', undefined, true) ? name : String(icfg.name);
    return { kind: 'layer', name, module: denseLayer(name, weightLayer, icfg, ws) };
  }
  if (cls === 'Embedding') {
    const w = weightOf(ws, name, 'embeddings') as Weight;
    const [n, d] = w.shape;
    const e = new Embedding({ numEmbeddings: n, embeddingDim: d });
    e.loadStateDict({ weight: new Tensor(w.data.slice(), [n, d]) });
    return { kind: 'embedding', name, module: e, maskZero: cfg.mask_zero === true };
  }
  if (cls === 'Masking') return { kind: 'mask', name, maskValue: Number(cfg.mask_value ?? 0) };
  if (cls === 'Dropout') return { kind: 'layer', name, module: new Dropout(Number(cfg.rate ?? 0)) };
  if (cls === 'Activation') {
    const m = activationModule(name, str(cfg, 'activation', 'linear'));
    return m ? { kind: 'layer', name, module: m } : null;
  }
  throw new Error(`${W}: layer '${name}' is a ${cls}, which is not supported (supported: ${SUPPORTED})`);
}

/**
 * Builds a trainable Module from a Keras / TensorFlow.js LayersModel: `modelJson` is the parsed
 * `model.json` (or its text; with or without a `modelTopology` / `model_config` wrapper), and
 * `weightData` the weights file's bytes (or its shards in manifest order). `forward(x)` returns what
 * tfjs' `model.predict(x)` does; Masking and Embedding(mask_zero) become per-sequence lengths. The
 * model starts in eval mode, as predict() runs; call `model.train()` before fine-tuning with Dropout.
 * @example
 * ```ts
 * const json = JSON.parse(await fs.readFile('model.json', 'utf8'));
 * const model = rnn.fromKeras(json, await fs.readFile('group1-shard1of1.bin'));
 * const y = model.forward(x);
 * ```
 */
export function fromKeras(modelJson: unknown, weightData: ArrayBuffer | Uint8Array | (ArrayBuffer | Uint8Array)[]): KerasModel {
  const { layers, manifest } = readTopology(modelJson);
  const ws = readWeights(manifest, weightData);
  const stages: KerasStage[] = [];
  const seen = new Set<string>();
  for (const l of layers) {
    if (!isObj(l)) throw new Error(`${W}: every layer must be an object, got ${l === null ? 'null' : typeof l}`);
    const s = stageOf(l, ws);
    if (!s) continue;
    if (seen.has(s.name)) throw new Error(`${W}: two layers are named '${s.name}'`);
    seen.add(s.name);
    stages.push(s);
  }
  if (!stages.length) throw new Error(`${W}: the model has no layers besides its input`);
  const model = new KerasModel(stages);
  model.eval(); // as predict(); model.train() turns Dropout on for fine-tuning
  return model;
}
