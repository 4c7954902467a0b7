// Activations as modules (PyTorch's nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Softmax, nn.LogSoftmax), for
// Sequential models and the layers that ONNX and Keras files carry between their weights.
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { relu, sigmoid, tanh } from '../ops/activations.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { int, readOptions } from '../options.js';

/** What the activation modules share: no parameters, and the input's shape out. */
abstract class Pointwise extends Module {
  /** @internal */
  override outputShape(): string {
    return 'as input';
  }
}

/** Elementwise max(x, 0). */
export class ReLU extends Pointwise {
  forward(x: Tensor, _options?: unknown): Tensor {
    return relu(x);
  }
}

/** Elementwise tanh. */
export class Tanh extends Pointwise {
  forward(x: Tensor, _options?: unknown): Tensor {
    return tanh(x);
  }
}

/** Elementwise logistic sigmoid 1 / (1 + e^-x). */
export class Sigmoid extends Pointwise {
  forward(x: Tensor, _options?: unknown): Tensor {
    return sigmoid(x);
  }
}

/** Options of {@link Softmax} and {@link LogSoftmax}. */
export interface SoftmaxOptions {
  /** The axis normalised over (default -1, the last). */
  dim?: number;
}

/** A normalisation over one axis, `dim`, saved with the module. */
abstract class AlongAxis extends Pointwise {
  readonly dim: number;

  constructor(op: string, options: SoftmaxOptions) {
    super();
    this.dim = readOptions<SoftmaxOptions>(op, 'options', options, { dim: int(-64, 63) }).dim ?? -1;
  }

  override config(): Record<string, unknown> {
    return { dim: this.dim };
  }
}

/** Softmax over one axis. */
export class Softmax extends AlongAxis {
  constructor(options: SoftmaxOptions = {}) {
    super('Softmax', options);
  }

  forward(x: Tensor, _options?: unknown): Tensor {
    return softmax(x, this.dim);
  }
}

/** Log-softmax over one axis (numerically stable). */
export class LogSoftmax extends AlongAxis {
  constructor(options: SoftmaxOptions = {}) {
    super('LogSoftmax', options);
  }

  forward(x: Tensor, _options?: unknown): Tensor {
    return logSoftmax(x, this.dim);
  }
}
