// fit / evaluate / predict: from data to a trained model in a few lines. Variable-length
// sequences are padded per batch and passed to the model with `lengths`; the loss ignores
// padding. Per batch and per epoch, onProgress gets loss, metric, sequences/s and ETA.
import type { Tensor } from '../tensor.js';
import { Tensor as TensorClass, tensor } from '../tensor.js';
import { noGrad } from '../tape.js';
import { Module } from '../nn/module.js';
import { any, bool, fn, instance, int, num, readOptions, type Check, type Schema } from '../options.js';
import { Optimizer } from '../optim/optimizer.js';
import { Adam } from '../optim/adam.js';
import { clipGradNorm, clipGradValue } from '../optim/clip.js';
import { LRScheduler } from '../optim/scheduler.js';
import { crossEntropy } from '../losses/cross-entropy.js';
import { lastStep } from '../ops/last-step.js';
import { mul, sub } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { random } from '../random.js';
import { makeBatch, type Batch, type Sample, type Target } from './batch.js';

/** Training data: one target per input sequence (see {@link Target}). */
export interface Dataset {
  inputs: Sample[];
  targets: Target[];
}

/** A loss by name, or a function of the model output and the padded batch. */
export type LossSpec = 'crossEntropy' | 'mse' | ((output: Tensor, batch: Batch) => Tensor);

/** What onProgress receives. */
export interface ProgressEvent {
  phase: 'batch' | 'epoch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean training loss over the epoch so far. */
  loss: number;
  /** Accuracy over the epoch so far (crossEntropy only). */
  metric?: number;
  sequencesPerSec: number;
  elapsedSec: number;
  etaSec: number;
  valLoss?: number;
  valMetric?: number;
}

/** Options of {@link fit}. */
export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  loss?: LossSpec;
  /** Default: Adam over model.parameters() with lr 1e-3. */
  optimizer?: Optimizer;
  /** Stepped once per epoch. */
  scheduler?: LRScheduler;
  clipNorm?: number;
  clipValue?: number;
  shuffle?: boolean;
  /** Seed of the shuffling order (default: the library's stream). */
  seed?: number;
  validationData?: Dataset;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Stop when validation loss has not improved by minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Skip a batch whose loss is NaN or infinite instead of throwing. */
  skipNonFinite?: boolean;
}

/** What fit returns. */
export interface History {
  loss: number[];
  metric: number[];
  valLoss: number[];
  valMetric: number[];
  epochs: number;
  stoppedEarly: boolean;
  aborted: boolean;
  skippedBatches: number;
}

function modelOutput(model: Module, batch: Batch): Tensor {
  const op = batch.op ?? 'fit';
  let r: unknown;
  try {
    r = (model.forward as (x: Tensor, o: unknown) => unknown)(batch.x, { lengths: batch.lengths });
  } catch (e) {
    // an id the model's embedding rejects: name the sequence of the dataset and the position in it
    const m = /^embedding: ids\[(\d+)\] (.*)$/.exec((e as Error).message);
    if (!m || batch.x.ndim !== 2) throw e;
    const T = batch.x.shape[1];
    const k = Number(m[1]);
    throw new Error(`${op}: inputs[${batch.indices[Math.floor(k / T)]}][${k % T}] ${m[2]} (a token id of the model's embedding)`);
  }
  const out = r instanceof TensorClass ? r : (r as { output?: Tensor })?.output;
  if (!(out instanceof TensorClass)) throw new Error(`${op}: model.forward must return a Tensor or { output }`);
  return out;
}

/** Checks a class target of dataset entry `i` (step s, if per step) against C classes. */
function checkClass(v: unknown, C: number, op: string, i: number, s?: number): void {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= C) {
    throw new Error(`${op}: targets[${i}]${s === undefined ? '' : `[${s}]`} must be a class in [0, ${C - 1}], got ${v}`);
  }
}

interface LossResult {
  loss: Tensor;
  correct: number;
  counted: number;
}

function crossEntropyLoss(output: Tensor, batch: Batch): LossResult {
  const { targets, lengths } = batch;
  let logits = output;
  let flat: number[];
  const op = batch.op ?? 'fit';
  const C = output.shape[output.ndim - 1];
  if (typeof targets[0] === 'number') {
    if (output.ndim === 3) logits = lastStep(output, lengths);
    targets.forEach((t, b) => checkClass(t, C, op, batch.indices[b]));
    flat = targets as number[];
  } else {
    if (output.ndim !== 3) throw new Error('fit: per-step class targets need a per-step output [B,T,C]');
    const T = output.shape[1];
    flat = [];
    targets.forEach((t, b) => {
      if (!Array.isArray(t) || t.length !== lengths[b]) {
        throw new Error(
          `${op}: targets[${batch.indices[b]}] must hold one class per step (${lengths[b]}), got ${Array.isArray(t) ? t.length : typeof t}`,
        );
      }
      t.forEach((v, s) => checkClass(v, C, op, batch.indices[b], s));
      for (let s = 0; s < T; s++) flat.push(s < t.length ? (t[s] as number) : -100);
    });
  }
  const loss = crossEntropy(logits, flat);
  let correct = 0,
    counted = 0;
  for (let i = 0; i < flat.length; i++) {
    if (flat[i] === -100) continue;
    const row = logits.data.subarray(i * C, (i + 1) * C);
    let best = 0;
    for (let c = 1; c < C; c++) if (row[c] > row[best]) best = c;
    counted++;
    if (best === flat[i]) correct++;
  }
  return { loss, correct, counted };
}

function mseLoss(output: Tensor, batch: Batch): LossResult {
  const { targets, lengths } = batch;
  const op = batch.op ?? 'fit';
  const O = output.shape[output.ndim - 1];
  const width = (v: unknown, i: number, s?: number) => {
    const w = Array.isArray(v) ? v.length : typeof v === 'number' ? 1 : -1;
    if (w !== O || (Array.isArray(v) && !v.every((x) => Number.isFinite(x))) || (typeof v === 'number' && !Number.isFinite(v))) {
      const at = `targets[${i}]${s === undefined ? '' : `[${s}]`}`;
      throw new Error(
        `${op}: ${at} must be ${O === 1 ? 'a finite number or ' : ''}${O} finite numbers (the model's output width), got ${w < 0 ? typeof v : `${w}`}`,
      );
    }
  };
  if (!Array.isArray(targets[0]) || !Array.isArray((targets[0] as unknown[])[0])) {
    const pred = output.ndim === 3 ? lastStep(output, lengths) : output;
    targets.forEach((t, b) => width(t, batch.indices[b]));
    const tgt = tensor(
      (targets as number[][]).flatMap((t) => (Array.isArray(t) ? t : [t])),
      pred.shape,
    );
    const d = sub(pred, tgt);
    return { loss: mul(sum(mul(d, d)), 1 / pred.size), correct: 0, counted: 0 };
  }
  const [B, T] = output.shape;
  const tg = new Float32Array(B * T * O);
  const mask = new Float32Array(B * T * O);
  let n = 0;
  (targets as number[][][]).forEach((t, b) => {
    if (t.length !== lengths[b])
      throw new Error(`${op}: targets[${batch.indices[b]}] must hold one vector per step (${lengths[b]}), got ${t.length}`);
    t.forEach((v, s) => {
      width(v, batch.indices[b], s);
      tg.set(v, (b * T + s) * O);
      mask.fill(1, (b * T + s) * O, (b * T + s + 1) * O);
      n += O;
    });
  });
  const d = mul(sub(output, tensor(tg, output.shape)), tensor(mask, output.shape));
  return { loss: mul(sum(mul(d, d)), 1 / Math.max(n, 1)), correct: 0, counted: 0 };
}

function resolveLoss(spec: LossSpec): (o: Tensor, b: Batch) => LossResult {
  if (spec === 'crossEntropy') return crossEntropyLoss;
  if (spec === 'mse') return mseLoss;
  if (typeof spec === 'function') return (o, b) => ({ loss: spec(o, b), correct: 0, counted: 0 });
  throw new Error(`fit: loss must be 'crossEntropy', 'mse' or a function, got ${JSON.stringify(spec)}`);
}

function checkData(data: Dataset, what: string): void {
  if (!data || !Array.isArray(data.inputs) || !Array.isArray(data.targets)) {
    throw new Error(`${what} must be { inputs: sequence[], targets: target[] }`);
  }
  if (data.inputs.length !== data.targets.length) {
    throw new Error(`${what}: inputs has ${data.inputs.length} sequences but targets has ${data.targets.length}`);
  }
  if (data.inputs.length === 0) throw new Error(`${what} is empty`);
}

function order(n: number, shuffle: boolean, rng: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (shuffle) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
  }
  return idx;
}

function seededRng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

// yields to the event loop between batches (setImmediate where the host has it: Node)
const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
const tick = () => new Promise<void>((r) => (immediate ? immediate(r) : setTimeout(r, 0)));

// fit pads batches batch-first; a time-major layer inside (any module with batchFirst: false —
// RNN, LSTM, GRU, JordanRNN, and whatever takes the option later) would misread them
function checkBatchFirst(m: Module, op: string, path = 'model'): void {
  if ((m as { batchFirst?: unknown }).batchFirst === false) {
    throw new Error(
      `${op}: batches are padded as [B,T,F], but ${path} (${m.constructor.name}) has batchFirst: false; build it with batchFirst: true`,
    );
  }
  for (const [name, c] of m.namedChildren()) checkBatchFirst(c, op, `${path}.${name}`);
}

/** What one fit() call carries from batch to batch. */
interface FitRun {
  readonly model: Module;
  readonly data: Dataset;
  readonly options: FitOptions;
  readonly lossFn: ReturnType<typeof resolveLoss>;
  readonly opt: Optimizer;
  readonly epochs: number;
  readonly batchSize: number;
  readonly batches: number;
  readonly rng: () => number;
  readonly history: History;
  readonly t0: number;
  seen: number;
}

/** Running sums over one epoch. */
interface EpochStats {
  lossSum: number;
  lossCount: number;
  correct: number;
  counted: number;
}

/** A progress event after `done` of the run's epochs·batches batches. */
function progressEvent(run: FitRun, phase: 'batch' | 'epoch', epoch: number, batch: number, st: EpochStats): ProgressEvent {
  const elapsed = (performance.now() - run.t0) / 1000;
  const done = epoch * run.batches + batch;
  return {
    phase,
    epoch: epoch + 1,
    epochs: run.epochs,
    batch,
    batches: run.batches,
    loss: st.lossSum / Math.max(st.lossCount, 1),
    metric: st.counted ? st.correct / st.counted : undefined,
    sequencesPerSec: run.seen / Math.max(elapsed, 1e-9),
    elapsedSec: elapsed,
    etaSec: (elapsed / done) * (run.epochs * run.batches - done),
  };
}

/** One pass over the shuffled data: a step per batch (a non-finite loss throws or is skipped). */
async function trainEpoch(run: FitRun, epoch: number): Promise<EpochStats> {
  const { model, data, options, history, opt } = run;
  model.train();
  const idx = order(data.inputs.length, options.shuffle ?? true, run.rng);
  const st: EpochStats = { lossSum: 0, lossCount: 0, correct: 0, counted: 0 };
  for (let b = 0; b < run.batches; b++) {
    if (options.signal?.aborted) {
      history.aborted = true;
      break;
    }
    const batch = makeBatch(data.inputs, data.targets, idx.slice(b * run.batchSize, (b + 1) * run.batchSize), 'fit');
    const r = run.lossFn(modelOutput(model, batch), batch);
    const value = r.loss.item();
    if (!Number.isFinite(value)) {
      if (!options.skipNonFinite) {
        throw new Error(
          `fit: the loss is ${value} at epoch ${epoch + 1}, batch ${b + 1}; lower the learning rate, clip gradients, or pass skipNonFinite: true`,
        );
      }
      history.skippedBatches++;
      continue;
    }
    opt.zeroGrad();
    r.loss.backward();
    if (options.clipValue !== undefined) clipGradValue(opt.params, options.clipValue);
    if (options.clipNorm !== undefined) clipGradNorm(opt.params, options.clipNorm, { errorIfNonfinite: !options.skipNonFinite });
    opt.step();
    st.lossSum += value * batch.indices.length;
    st.lossCount += batch.indices.length;
    st.correct += r.correct;
    st.counted += r.counted;
    run.seen += batch.indices.length;
    options.onProgress?.(progressEvent(run, 'batch', epoch, b + 1, st));
    await tick();
  }
  return st;
}

/** Records an epoch in the history, validates, steps the scheduler, reports; returns the validation loss. */
function endEpoch(run: FitRun, epoch: number, st: EpochStats): number | undefined {
  const { options, history } = run;
  history.epochs = epoch + 1;
  history.loss.push(st.lossSum / Math.max(st.lossCount, 1));
  history.metric.push(st.counted ? st.correct / st.counted : NaN);
  let valLoss: number | undefined;
  let valMetric: number | undefined;
  if (options.validationData) {
    const v = evaluate(run.model, options.validationData, { loss: options.loss, batchSize: run.batchSize });
    valLoss = v.loss;
    valMetric = v.metric;
    history.valLoss.push(v.loss);
    history.valMetric.push(v.metric ?? NaN);
  }
  options.scheduler?.step();
  options.onProgress?.({ ...progressEvent(run, 'epoch', epoch, run.batches, st), valLoss, valMetric });
  return valLoss;
}

const LOSS: Check = (v) =>
  v === 'crossEntropy' || v === 'mse' || typeof v === 'function'
    ? null
    : `must be 'crossEntropy', 'mse' or a function, got ${typeof v === 'string' ? `'${v}'` : typeof v}`;

const FIT_SCHEMA: Schema = {
  epochs: int(1),
  batchSize: int(1),
  loss: LOSS,
  optimizer: instance(Optimizer, 'an Optimizer (SGD, Adam, ...)'),
  scheduler: instance(LRScheduler, 'an LRScheduler (StepLR, ...)'),
  clipNorm: num(0, Infinity, { minOpen: true, allowInfinity: true }),
  clipValue: num(0),
  shuffle: bool,
  seed: int(),
  validationData: any,
  onProgress: fn,
  signal: (v) => (v && typeof (v as AbortSignal).aborted === 'boolean' ? null : 'must be an AbortSignal'),
  earlyStopping: (v) => {
    if (!v || typeof v !== 'object') return 'must be { patience, minDelta? }';
    const e = v as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (k !== 'patience' && k !== 'minDelta') return `has an unknown key '${k}' (known: patience, minDelta)`;
    if (int(1)(e.patience) !== null) return `.patience ${int(1)(e.patience)}`;
    return e.minDelta === undefined ? null : num(0)(e.minDelta) && `.minDelta ${num(0)(e.minDelta)}`;
  },
  skipNonFinite: bool,
};

function checkModel(model: unknown, op: string): asserts model is Module {
  if (!(model instanceof Module))
    throw new Error(`${op}: model must be a Module (e.g. a Sequential), got ${model === null ? 'null' : typeof model}`);
}

/**
 * Trains `model` on `data`, padding each batch of variable-length sequences; see {@link FitOptions}.
 * Resolves with the history.
 * @example
 * ```ts
 * const history = await rnn.fit(model, { inputs: sequences, targets: labels }, { epochs: 10, clipNorm: 5, onProgress: console.log });
 * ```
 */
export async function fit(model: Module, data: Dataset, options: FitOptions = {}): Promise<History> {
  checkModel(model, 'fit');
  options = readOptions<FitOptions>('fit', 'options', options, FIT_SCHEMA) as FitOptions;
  checkBatchFirst(model, 'fit');
  checkData(data, 'fit: data');
  if (options.validationData) checkData(options.validationData, 'fit: validationData');
  const { epochs = 1, batchSize = 32, earlyStopping } = options;
  const history: History = {
    loss: [],
    metric: [],
    valLoss: [],
    valMetric: [],
    epochs: 0,
    stoppedEarly: false,
    aborted: false,
    skippedBatches: 0,
  };
  const run: FitRun = {
    model,
    data,
    options,
    lossFn: resolveLoss(options.loss ?? 'crossEntropy'),
    opt: options.optimizer ?? new Adam(model.parameters(), { lr: 1e-3 }),
    epochs,
    batchSize,
    batches: Math.ceil(data.inputs.length / batchSize),
    rng: options.seed !== undefined ? seededRng(options.seed) : random,
    history,
    t0: performance.now(),
    seen: 0,
  };
  let best = Infinity;
  let sinceBest = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const st = await trainEpoch(run, epoch);
    if (history.aborted && st.lossCount === 0) break;
    const valLoss = endEpoch(run, epoch, st);
    if (history.aborted) break;
    if (earlyStopping && valLoss !== undefined) {
      if (valLoss < best - (earlyStopping.minDelta ?? 0)) {
        best = valLoss;
        sinceBest = 0;
      } else if (++sinceBest >= earlyStopping.patience) {
        history.stoppedEarly = true;
        break;
      }
    }
  }
  return history;
}

/** Loss (and accuracy for crossEntropy) of `model` on `data`, without recording gradients. */
export function evaluate(
  model: Module,
  data: Dataset,
  options: { loss?: LossSpec; batchSize?: number } = {},
): { loss: number; metric?: number } {
  checkModel(model, 'evaluate');
  const o = readOptions<{ loss?: LossSpec; batchSize?: number }>('evaluate', 'options', options, { loss: LOSS, batchSize: int(1) });
  checkBatchFirst(model, 'evaluate');
  checkData(data, 'evaluate: data');
  const lossFn = resolveLoss(o.loss ?? 'crossEntropy');
  const batchSize = o.batchSize ?? 32;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let lossSum = 0,
        correct = 0,
        counted = 0;
      const n = data.inputs.length;
      for (let s = 0; s < n; s += batchSize) {
        const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
        const batch = makeBatch(data.inputs, data.targets, idx, 'evaluate');
        const r = lossFn(modelOutput(model, batch), batch);
        lossSum += r.loss.item() * idx.length;
        correct += r.correct;
        counted += r.counted;
      }
      return { loss: lossSum / n, metric: counted ? correct / counted : undefined };
    });
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Runs `model` on each input sequence (batched, padded, without gradients) and returns one output
 * per sequence, unpadded: [T_i, C] for a per-step output, [C] for a per-sequence one.
 */
export function predict(model: Module, inputs: Sample[], options: { batchSize?: number } = {}): Tensor[] {
  checkModel(model, 'predict');
  const o = readOptions<{ batchSize?: number }>('predict', 'options', options, { batchSize: int(1) });
  checkBatchFirst(model, 'predict');
  if (!Array.isArray(inputs) || inputs.length === 0) throw new Error('predict: inputs must be a non-empty array of sequences');
  const batchSize = o.batchSize ?? 32;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const outs: Tensor[] = [];
      const dummy = inputs.map(() => 0);
      for (let s = 0; s < inputs.length; s += batchSize) {
        const idx = Array.from({ length: Math.min(batchSize, inputs.length - s) }, (_, i) => s + i);
        const batch = makeBatch(inputs, dummy, idx, 'predict');
        const out = modelOutput(model, batch);
        const F = out.shape[out.ndim - 1];
        idx.forEach((_, b) => {
          if (out.ndim === 3) {
            const T = out.shape[1];
            const len = batch.lengths[b];
            outs.push(tensor(out.data.slice(b * T * F, (b * T + len) * F), [len, F]));
          } else {
            outs.push(tensor(out.data.slice(b * F, (b + 1) * F), [F]));
          }
        });
      }
      return outs;
    });
  } finally {
    model.train(wasTraining);
  }
}
