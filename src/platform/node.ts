// Node's services: the wasm builds read from disk beside the module (dist/, or build/ when running
// from the source tree), worker_threads for init({ threads }), and files.
import { readFile, writeFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { fetchBytes, type Build, type Platform } from './platform.js';

/** Where this module is: its URL in ESM, its file in the CommonJS build (set by scripts/build.mjs). */
declare const __RNN_MODULE_URL__: string | undefined;
const here = typeof __RNN_MODULE_URL__ === 'string' ? __RNN_MODULE_URL__ : import.meta.url;

async function readWasm(build: Build): Promise<Uint8Array> {
  const file = `rnn-${build}.wasm`;
  // beside the bundle (dist/), the source tree's build/, or build/ under the working directory
  // (a script bundled elsewhere: benchmarks, examples)
  const candidates = [
    new URL(`./${file}`, here),
    new URL(`../../build/${file}`, here),
    new URL(`build/${file}`, `file://${process.cwd()}/`),
  ];
  for (const url of candidates) {
    try {
      return await readFile(url);
    } catch {
      /* try the next place */
    }
  }
  throw new Error(`rnn-wasm: cannot find ${file} beside the module or in build/; run 'npm run build:wasm'`);
}

/** Node: disk, worker threads, files. @internal */
export const nodePlatform: Platform = {
  name: 'node',
  // long: a training step's JavaScript between kernels (tape, copies) often outlasts 100 µs, and a
  // worker that slept meanwhile costs its wake-up on the next kernel (measured: W3 on two threads
  // 48.4 -> 44.3 ms with 2 ms)
  workerSpinMicros: 2000,
  // every size: W1 (batch 1) gains on two threads in Node too (1.13-1.81x)
  minTeamStep: 0,
  // polling 2 ms, the worker has nearly always taken its job: withdrawing measured no faster here
  withdrawJobs: false,
  readWasm,
  readUrl: (url) => (url.protocol === 'file:' ? readFile(url) : fetchBytes(url)),
  threads: () => (body, data) => {
    const source = `const { parentPort, workerData } = require('node:worker_threads'); const { module, memory, base } = workerData; const ready = () => parentPort.postMessage('ready'); ${body}`;
    // no inherited flags: the source is CommonJS (an ESM parent's --input-type would break it),
    // and V8 flags such as relaxed SIMD already hold for every thread of the process
    const w = new Worker(source, { eval: true, execArgv: [], workerData: data });
    w.unref(); // never keeps the process alive
    return new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
  },
  files: {
    write: (path, bytes) => writeFile(path, bytes),
    async read(path) {
      const b = await readFile(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
  },
};
