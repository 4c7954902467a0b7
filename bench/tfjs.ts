// Loads TensorFlow.js with the backend under comparison: 'cpu' (plain JavaScript) or 'wasm'
// (XNNPACK, SIMD, one thread as in BENCHMARKS.md). Only benchmarks import this.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

let wasmReady = false;

/** Switches tfjs to `backend` and returns the tf namespace. */
export async function useTf(backend: 'cpu' | 'wasm'): Promise<typeof tf> {
  if (backend === 'wasm' && !wasmReady) {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    setWasmPaths(`${path.join(dir, 'dist')}/`);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmReady = true;
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}
