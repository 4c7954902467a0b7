// A module Worker: loads the published bundle with the threads the page asks for, trains a small
// LSTM for a few steps and posts its losses, outputs and gradients (the page compares 1 and 2
// threads); then times W3-shaped training steps, two at a time, when the page asks, so that the
// page can alternate the 1- and 2-thread Workers (this machine's speed drifts between blocks).
import * as rnn from '/dist/index.js';

let step = null;

self.onmessage = async (e) => {
  try {
    if (e.data.type === 'step') {
      // two consecutive steps a sample, as a training loop runs them, after one untimed: this
      // Worker's threads slept through the other Worker's turn, and a loop pays their wake-up
      // once, not every step (as bench/util.ts alternateThreads)
      step();
      const t0 = performance.now();
      step();
      step();
      self.postMessage({ ms: (performance.now() - t0) / 2 });
      return;
    }
    await rnn.init({ threads: e.data.threads });
    rnn.manualSeed(3);
    const lstm = new rnn.LSTM({ inputSize: 16, hiddenSize: 64 });
    const x = rnn.randn([32, 12, 16], { requiresGrad: true });
    const r = lstm.forward(x, { lengths: Array.from({ length: 32 }, (_, i) => 12 - (i % 5)) });
    rnn.ops.sum(rnn.ops.mul(r.output, r.output)).backward();
    const values = [...r.output.data, ...x.grad.data, ...lstm.parameters().flatMap((p) => [...p.grad.data])];
    // W3: LSTM 128->256, batch 32, T 50, Linear on hN, MSE, Adam
    const w3 = new rnn.LSTM({ inputSize: 128, hiddenSize: 256 });
    const head = new rnn.Linear({ inFeatures: 256, outFeatures: 10 });
    const opt = new rnn.Adam([...w3.parameters(), ...head.parameters()], { lr: 1e-3 });
    const xs = rnn.randn([32, 50, 128]);
    const y = rnn.randn([32, 10]);
    step = () => {
      const loss = rnn.mse(head.forward(rnn.ops.select(w3.forward(xs).hN, 0, 0)), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    };
    // warm up (the engine tiers hot functions up as they run, compiling on the cores the timed
    // steps need)
    for (let i = 0; i < 8; i++) step();
    self.postMessage({ info: rnn.backendInfo(), values });
  } catch (err) {
    self.postMessage({ error: String(err?.message) });
  }
};
