// rnn.ops: the differentiable functional operations, one file per concept.
export { add, sub, mul, div, neg } from './arithmetic.js';
export { tanh, sigmoid, relu, exp, log } from './activations.js';
export { matmul } from './matmul.js';
export { softmax, logSoftmax } from './softmax.js';
export { sum, mean } from './reduce.js';
export { reshape, permute, transpose, concat, stack, slice, select } from './shape.js';
export { linear } from './linear.js';
export { embedding, type Ids } from './embedding.js';
export { dropout } from './dropout.js';
export { lastStep } from './last-step.js';
export { softplus, sqrt, abs } from './elementwise-math.js';
export { circularConv } from './circular-conv.js';
