// rnn-wasm: the public surface of ../shared/API.md, re-exports only.
export { init, backendInfo, type InitOptions, type BackendInfo, type WasmSource } from './backend/wasm.js';
export { manualSeed } from './random.js';
export { Tensor, tensor, zeros, ones, full, randn, uniform, type TensorOptions, type NestedArray, type TensorLike } from './tensor.js';
export { noGrad } from './tape.js';
export * as ops from './ops/index.js';
export { memoryStats, type MemoryStats } from './backend/stats.js';
export { Module, type StateValue, type LoadStateDictOptions } from './nn/module.js';
export { RNN, type RNNOptions } from './nn/rnn.js';
export { LSTM, type LSTMOptions } from './nn/lstm.js';
export { GRU, type GRUOptions } from './nn/gru.js';
export type { RecurrentOptions, RecurrentForwardOptions, RecurrentOutput } from './nn/recurrent.js';
export { JordanRNN, type JordanRNNOptions } from './nn/jordan.js';
export { ClockworkRNN, type ClockworkRNNOptions } from './nn/clockwork.js';
export { SCRN, type SCRNOptions } from './nn/scrn.js';
export {
  MemoryNetwork,
  type MemoryNetworkOptions,
  type MemoryNetworkResult,
  type StoryIds,
  type QuestionIds,
} from './nn/memory-network.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Embedding, type EmbeddingOptions } from './nn/embedding.js';
export { Dropout } from './nn/dropout.js';
export { ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, type SoftmaxOptions } from './nn/activation.js';
export { Sequential } from './nn/sequential.js';
export { Bidirectional, type MergeMode } from './nn/bidirectional.js';
export { crossEntropy, type CrossEntropyOptions } from './losses/cross-entropy.js';
export { mse } from './losses/mse.js';
export { bceWithLogits } from './losses/bce.js';
export type { Reduction } from './losses/reduction.js';
export { Optimizer, type OptimizerOptions } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { Adagrad, type AdagradOptions } from './optim/adagrad.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR } from './optim/scheduler.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './optim/clip.js';
export {
  save,
  load,
  loadWeights,
  toBytes,
  fromBytes,
  FORMAT_VERSION,
  type SavedModel,
  type LoadOptions,
  type LoadedModule,
} from './io/save.js';
export { saveFile, loadFile } from './io/file.js';
export { registerModule, type ModuleSpec } from './io/registry.js';
export { fromSafetensors, toSafetensors, type Safetensors, type ToSafetensorsOptions } from './io/safetensors.js';
export { toOnnx, type ToOnnxOptions } from './io/onnx-export.js';
export { fromOnnx, OnnxModule, type FromOnnxOptions, type OnnxForwardOptions } from './io/onnx-module.js';
export { fromKeras } from './io/keras.js';
export { KerasModel } from './io/keras-model.js';
export { fit, evaluate, predict, type Dataset, type FitOptions, type History, type ProgressEvent, type LossSpec } from './train/fit.js';
export type { Sample, Target, Batch } from './train/batch.js';
export {
  fitInWorker,
  serveFit,
  type FitInWorkerOptions,
  type WorkerFit,
  type WorkerFitOptions,
  type OptimizerSpec,
  type MessageTarget,
  type WorkerMessage,
} from './train/worker.js';
export { ctcLoss, type CTCLossOptions, type CTCTargets } from './losses/ctc-loss.js';
export { ctcGreedyDecode, ctcBeamSearch, type CTCBeamSearchOptions } from './losses/ctc-decode.js';
export { RNNCell, LSTMCell, GRUCell, type CellOptions } from './nn/cells.js';
export { Attention, type AttentionOptions, type AttentionResult, type AttentionMaskOptions } from './nn/attention.js';
export { Seq2Seq, type Seq2SeqOptions, type Decoded } from './nn/seq2seq.js';
export { NTM, type NTMOptions, type NTMOutput } from './nn/ntm.js';
