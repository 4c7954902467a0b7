// Training in a Web Worker, so that a page's thread never waits on it: the page calls
// fitInWorker(worker, model, data, options) and gets progress events, abort() and, at the end,
// the trained weights copied into its model; the worker script is two lines,
//   import * as rnn from 'rnn-wasm';
//   rnn.serveFit();
// The model travels as rnn.save bytes (transferred, not copied), the data as structured clones.
// Messages carry `rnnWasm` (the kind) and `id` (one per fit), so a worker can serve several fits
// and other messages of the page's own pass by.
import { init, type InitOptions } from '../backend/wasm.js';
import type { Module } from '../nn/module.js';
import { load, save, toBytes } from '../io/save.js';
import { Adagrad } from '../optim/adagrad.js';
import { Adam, AdamW } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { RMSprop } from '../optim/rmsprop.js';
import { SGD } from '../optim/sgd.js';
import { any, fn, oneOf, readOptions } from '../options.js';
import { fit, type Dataset, type FitOptions, type History, type ProgressEvent } from './fit.js';

/** A message event, as much of it as the helpers read. */
export interface WorkerMessage {
  readonly data: unknown;
}

/** What a Worker (or the worker's own global scope) offers for messages. */
export interface MessageTarget {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: WorkerMessage) => void): void;
  removeEventListener(type: 'message', listener: (e: WorkerMessage) => void): void;
}

/** The optimiser to train with in the worker: its class name and options (default Adam, lr 1e-3). */
export interface OptimizerSpec {
  type: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  [option: string]: unknown;
}

/** The fit options that cross to a worker (functions and objects stay on the page). */
export type WorkerFitOptions = Omit<FitOptions, 'optimizer' | 'scheduler' | 'onProgress' | 'signal'> & { loss?: 'crossEntropy' | 'mse' };

/** Options of {@link fitInWorker}. */
export interface FitInWorkerOptions {
  /** fit's options (epochs, batchSize, clipNorm, validationData, ...). */
  fit?: WorkerFitOptions;
  optimizer?: OptimizerSpec;
  /** How the worker loads the core, e.g. `{ threads: 2 }` on a cross-origin-isolated page. */
  init?: Omit<InitOptions, 'wasm'>;
  /** Called on the page for every progress event of fit. */
  onProgress?: (e: ProgressEvent) => void;
}

/** A running fit in a worker. */
export interface WorkerFit {
  /** Resolves with fit's history once the trained weights are in the page's model. */
  readonly result: Promise<History>;
  /** Stops after the current batch (the history then says `aborted`; the weights so far are kept). */
  abort(): void;
}

const OPTIMIZERS: Record<OptimizerSpec['type'], new (p: never, o: never) => Optimizer> = {
  SGD: SGD as never,
  Adam: Adam as never,
  AdamW: AdamW as never,
  RMSprop: RMSprop as never,
  Adagrad: Adagrad as never,
};

let fits = 0;

/**
 * Trains `model` in `worker` (a Worker whose script calls {@link serveFit}); the page's thread
 * only posts and receives messages. The trained weights are loaded into `model` before `result` resolves.
 * @example
 * ```ts
 * const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
 * const run = rnn.fitInWorker(worker, model, { inputs, targets }, { fit: { epochs: 20 }, onProgress: (e) => draw(e.loss) });
 * stopButton.onclick = () => run.abort();
 * const history = await run.result;
 * ```
 */
export function fitInWorker(worker: MessageTarget, model: Module, data: Dataset, options: FitInWorkerOptions = {}): WorkerFit {
  const op = 'fitInWorker';
  if (!worker || typeof worker.postMessage !== 'function' || typeof worker.addEventListener !== 'function') {
    throw new Error(
      `${op}: worker must be a Worker (new Worker(url, { type: 'module' })), got ${worker === null ? 'null' : typeof worker}`,
    );
  }
  const o = readOptions<FitInWorkerOptions>(op, 'options', options, { fit: any, optimizer: any, init: any, onProgress: fn });
  const id = ++fits;
  const bytes = toBytes(save(model)).buffer as ArrayBuffer; // toBytes allocates a fresh ArrayBuffer
  let listener: ((e: WorkerMessage) => void) | null = null;
  const result = new Promise<History>((resolve, reject) => {
    listener = (e: WorkerMessage) => {
      const m = e.data as {
        rnnWasm?: string;
        id?: number;
        event?: ProgressEvent;
        model?: ArrayBuffer;
        history?: History;
        message?: string;
      };
      if (!m || m.id !== id) return;
      if (m.rnnWasm === 'progress') {
        o.onProgress?.(m.event!);
        return;
      }
      worker.removeEventListener('message', listener!);
      if (m.rnnWasm === 'done') {
        try {
          model.loadStateDict(load(new Uint8Array(m.model!)).stateDict());
          resolve(m.history!);
        } catch (err) {
          reject(err);
        }
      } else if (m.rnnWasm === 'error') {
        reject(new Error(`${op}: ${m.message}`));
      }
    };
    worker.addEventListener('message', listener);
  });
  worker.postMessage({ rnnWasm: 'fit', id, model: bytes, data, fit: o.fit ?? {}, optimizer: o.optimizer ?? null, init: o.init ?? {} }, [
    bytes,
  ]);
  return { result, abort: () => worker.postMessage({ rnnWasm: 'abort', id }) };
}

/**
 * Serves {@link fitInWorker} requests from the page: call it once in the worker's script.
 * `scope` defaults to the worker's global scope.
 */
export function serveFit(scope: MessageTarget = globalThis as unknown as MessageTarget): void {
  const aborts = new Map<number, AbortController>();
  scope.addEventListener('message', async (e: WorkerMessage) => {
    const m = e.data as {
      rnnWasm?: string;
      id: number;
      model: ArrayBuffer;
      data: Dataset;
      fit: WorkerFitOptions;
      optimizer: OptimizerSpec | null;
      init: InitOptions;
    };
    if (!m || typeof m.rnnWasm !== 'string') return;
    if (m.rnnWasm === 'abort') {
      aborts.get(m.id)?.abort();
      return;
    }
    if (m.rnnWasm !== 'fit') return;
    const controller = new AbortController();
    aborts.set(m.id, controller);
    try {
      await init(m.init);
      const model = load(new Uint8Array(m.model));
      // the optimiser's own options schema checks the rest, naming the optimiser
      const { type = 'Adam', ...hyper } = (m.optimizer ?? { type: 'Adam' }) as OptimizerSpec;
      const bad = oneOf(...Object.keys(OPTIMIZERS))(type);
      if (bad !== null) throw new Error(`optimizer.type ${bad}`);
      const optimizer = new OPTIMIZERS[type](model.parameters() as never, hyper as never);
      // biome-ignore lint/suspicious/noFocusedTests: rnn.fit, the training loop, not a focused test
      const history = await fit(model, m.data, {
        ...m.fit,
        optimizer,
        signal: controller.signal,
        onProgress: (event) => scope.postMessage({ rnnWasm: 'progress', id: m.id, event }),
      });
      const out = toBytes(save(model)).buffer as ArrayBuffer;
      scope.postMessage({ rnnWasm: 'done', id: m.id, model: out, history }, [out]);
    } catch (err) {
      scope.postMessage({ rnnWasm: 'error', id: m.id, message: (err as Error).message });
    } finally {
      aborts.delete(m.id);
    }
  });
}
