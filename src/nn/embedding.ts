// Embedding: a table of numEmbeddings vectors; forward looks rows up by id (N(0,1) init, as PyTorch).
import { randn, type Tensor } from '../tensor.js';
import { Module } from './module.js';
import { embedding, type Ids } from '../ops/embedding.js';
import { SIZE, readOptions } from '../options.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
}

/** A lookup table of trainable vectors. */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly weight: Tensor;

  constructor(options: EmbeddingOptions) {
    super();
    const o = readOptions<EmbeddingOptions>('Embedding', 'options', options, { numEmbeddings: SIZE, embeddingDim: SIZE }, [
      'numEmbeddings',
      'embeddingDim',
    ]);
    const { numEmbeddings = 0, embeddingDim = 0 } = o;
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.weight = this.registerParameter('weight', randn([numEmbeddings, embeddingDim]));
  }

  override config(): Record<string, unknown> {
    return { numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim };
  }

  /** @internal */
  override outputShape(): string {
    return `[B,T,${this.embeddingDim}]`;
  }

  /**
   * ids [B,T] (number[][], a Tensor of ids, or an Int32Array / number[] flat with `shape`) -> [B,T,D].
   * A non-array second argument (Sequential's forward options) is ignored.
   */
  forward(ids: Ids, shape?: readonly number[] | Record<string, unknown>): Tensor {
    return embedding(ids, this.weight, Array.isArray(shape) ? shape : undefined);
  }
}
