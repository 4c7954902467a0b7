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
export { Linear, type LinearOptions } from './nn/linear.js';
export { Embedding, type EmbeddingOptions } from './nn/embedding.js';
export { Dropout } from './nn/dropout.js';
export { Sequential } from './nn/sequential.js';
export { Bidirectional, type MergeMode } from './nn/bidirectional.js';
