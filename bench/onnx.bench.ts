// W1 and W2 of BENCHMARKS.md against ONNX Runtime: the same LSTM, written by toOnnx, run by
// onnxruntime-web (its wasm backend, SIMD, one thread — what a browser page gets) and by
// onnxruntime-node (native, one intra-op thread), timed in this process next to rnn-wasm.
//   node scripts/run.mjs bench/onnx.bench.ts [--reps=9]
import * as rnn from '../src/node.js';
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';
import { fmt, printTable, randomArray, timeIt } from './util.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const reps = Number(args.reps ?? 9);

const WORKLOADS = [
  { id: 'W1', what: 'LSTM inference, 1×64→256, B=1, T=100', layers: 1, I: 64, H: 256, B: 1, T: 100 },
  { id: 'W2', what: 'LSTM inference, 2 layers 128→512, B=16, T=50', layers: 2, I: 128, H: 512, B: 16, T: 50 },
];

async function main() {
  await rnn.init();
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.wasm.simd = true;
  const rows: string[][] = [];
  for (const w of WORKLOADS) {
    rnn.manualSeed(1);
    const lstm = new rnn.LSTM({ inputSize: w.I, hiddenSize: w.H, numLayers: w.layers });
    const data = randomArray(w.B * w.T * w.I, 3);
    const x = rnn.tensor(data, [w.B, w.T, w.I]);
    const ours = await timeIt(() => rnn.noGrad(() => lstm.forward(x).output), { reps, minMs: 500 });
    const bytes = rnn.toOnnx(lstm);
    const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const native = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const feedWeb = { input: new ortWeb.Tensor('float32', data, [w.B, w.T, w.I]) };
    const feedNode = { input: new ortNode.Tensor('float32', data, [w.B, w.T, w.I]) };
    // same numbers first: the benchmark compares equal work
    const check = (await web.run(feedWeb)).output.data as Float32Array;
    const want = rnn.noGrad(() => lstm.forward(x).output).data;
    const worst = check.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
    if (worst > 1e-3) throw new Error(`${w.id}: onnxruntime-web differs from rnn-wasm by ${worst}`);
    const tWeb = await timeIt(() => web.run(feedWeb), { reps, minMs: 500 });
    const tNode = await timeIt(() => native.run(feedNode), { reps, minMs: 500 });
    rows.push([w.id, w.what, fmt(ours), fmt(tWeb), `${fmt(tWeb / ours, 2)}×`, fmt(tNode), `${fmt(tNode / ours, 2)}×`]);
    await web.release();
    await native.release();
  }
  const info = rnn.backendInfo();
  console.log(
    `rnn-wasm ${info.version} (SIMD ${info.simd}, relaxed SIMD ${info.relaxedSimd}, 1 thread), onnxruntime-web and -node 1.30.0, 1 thread each\n`,
  );
  printTable(['id', 'workload', 'rnn-wasm ms', 'ort-web (wasm) ms', 'speed-up', 'ort-node (native) ms', 'speed-up'], rows);
}

await main();
