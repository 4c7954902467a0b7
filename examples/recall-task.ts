// The first-token recall task of examples/long-memory.ts and the long-memory learning tests: K
// classes; the class is shown for the first `burst` steps (one-hot in channels 0..K-1), then random
// distractor tokens (one-hot in channels K..2K-1) fill the rest of the T steps. Target: the class, read from the final state.
// No memoryless model does better than chance (loss ln K).
import * as rnn from 'rnn-wasm';
import { ops, type Tensor } from 'rnn-wasm';
import { mulberry32 as seeded } from './copy-data.js';

export function recallBatch(rng: () => number, B: number, T: number, K: number, burst = 1): { x: Tensor; y: number[] } {
  const F = 2 * K;
  const x = new Float32Array(B * T * F);
  const y: number[] = [];
  for (let b = 0; b < B; b++) {
    const cls = Math.floor(rng() * K);
    y.push(cls);
    for (let t = 0; t < burst; t++) x[(b * T + t) * F + cls] = 1;
    for (let t = burst; t < T; t++) x[(b * T + t) * F + K + Math.floor(rng() * K)] = 1;
  }
  return { x: rnn.tensor(x, [B, T, F]), y };
}

/** Any recurrent layer whose hN [1,B,F] holds the final state. */
export interface RecallLayer extends rnn.Module {
  forward(x: Tensor): { hN: Tensor };
}

/** The number of trainable values of a layer and a head on its F features (free entries only where a mask is given). */
export function recallParameters(
  layer: rnn.Module,
  F: number,
  K = 4,
  free: (name: string, p: Tensor) => number = (_n, p) => p.size,
): number {
  return layer.namedParameters().reduce((a, [n, p]) => a + free(n, p), 0) + F * K + K;
}

/** Trains layer + a Linear head with Adam on batches of 32; returns held-out loss and accuracy on 256 sequences. */
export function trainRecall(
  layer: RecallLayer,
  { T, steps, lr, burst = 1, K = 4, seed = 11 }: { T: number; steps: number; lr: number; burst?: number; K?: number; seed?: number },
): { loss: number; accuracy: number } {
  const F = layer.forward(recallBatch(seeded(0), 1, 2, K).x).hN.shape[2];
  const head = new rnn.Linear({ inFeatures: F, outFeatures: K });
  const params = [...layer.parameters(), ...head.parameters()];
  const opt = new rnn.Adam(params, { lr });
  const rng = seeded(seed);
  const logitsOf = (x: Tensor) => head.forward(ops.select(layer.forward(x).hN, 0, 0));
  for (let s = 0; s < steps; s++) {
    const { x, y } = recallBatch(rng, 32, T, K, burst);
    const loss = rnn.crossEntropy(logitsOf(x), y);
    opt.zeroGrad();
    loss.backward();
    rnn.clipGradNorm(params, 1);
    opt.step();
  }
  const { x, y } = recallBatch(seeded(999), 256, T, K, burst);
  return rnn.noGrad(() => {
    const logits = logitsOf(x);
    const loss = rnn.crossEntropy(logits, y).item();
    let right = 0;
    for (let b = 0; b < y.length; b++) {
      const row = logits.data.subarray(b * K, (b + 1) * K);
      if (row.indexOf(Math.max(...row)) === y[b]) right++;
    }
    return { loss, accuracy: right / y.length };
  });
}
