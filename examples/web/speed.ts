// The "how fast" panel: W1 (LSTM inference 64→256, batch 1, 100 steps) and W3 (an LSTM 128→256
// training step, batch 32, 50 steps, Linear→10, MSE, Adam) of BENCHMARKS.md, timed in this
// Worker for rnn-wasm and for TensorFlow.js on its wasm backend, the peer a browser user can pick.
import * as rnn from 'rnn-wasm';

/** Median of `reps` timed calls after one warm-up, in ms. */
async function time(fn: () => unknown, reps: number): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(reps / 2)];
}

const rand = (n: number, seed: number) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 4294967296 - 0.5;
  });
};

/** rnn-wasm's W1 and W3 in ms. */
export async function ours(): Promise<{ w1: number; w3: number }> {
  rnn.manualSeed(1);
  const l1 = new rnn.LSTM({ inputSize: 64, hiddenSize: 256 });
  const x1 = rnn.tensor(rand(100 * 64, 1), [1, 100, 64]);
  const w1 = await time(() => rnn.noGrad(() => l1.forward(x1).output), 7);
  const l3 = new rnn.LSTM({ inputSize: 128, hiddenSize: 256 });
  const head = new rnn.Linear({ inFeatures: 256, outFeatures: 10 });
  const opt = new rnn.Adam([...l3.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x3 = rnn.tensor(rand(32 * 50 * 128, 3), [32, 50, 128]);
  const y3 = rnn.tensor(rand(320, 4), [32, 10]);
  const w3 = await time(() => {
    const loss = rnn.mse(head.forward(rnn.ops.select(l3.forward(x3).hN, 0, 0)), y3);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }, 5);
  return { w1, w3 };
}

/** TensorFlow.js (wasm backend, its SIMD build, one thread) on the same workloads, in ms. */
export async function tfjs(wasmPath: string): Promise<{ w1: number; w3: number }> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmPath);
  wasm.setThreadsCount?.(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const m1 = tf.sequential({ layers: [tf.layers.lstm({ units: 256, returnSequences: true, inputShape: [100, 64] })] });
  const x1 = tf.tensor3d(rand(100 * 64, 1), [1, 100, 64]);
  const w1 = await time(() => tf.tidy(() => (m1.predict(x1) as import('@tensorflow/tfjs').Tensor).dataSync()), 5);
  const m3 = tf.sequential({ layers: [tf.layers.lstm({ units: 256, inputShape: [50, 128] }), tf.layers.dense({ units: 10 })] });
  m3.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const x3 = tf.tensor3d(rand(32 * 50 * 128, 3), [32, 50, 128]);
  const y3 = tf.tensor2d(rand(320, 4), [32, 10]);
  const w3 = await time(() => m3.trainOnBatch(x3, y3), 3);
  return { w1, w3 };
}
