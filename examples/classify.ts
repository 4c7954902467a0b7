// A many-to-one classifier trained with rnn.fit: variable-length sequences of noisy readings,
// labelled by the shape of their trend (rising, falling, peaked or flat). A bidirectional GRU
// reads each sequence, the last step of each direction goes to a Linear layer.
//   node scripts/run.mjs examples/classify.ts
import * as rnn from 'rnn-wasm';

await rnn.init();
rnn.manualSeed(7);
const LABELS = ['rising', 'falling', 'peaked', 'flat'];

function make(n: number): rnn.Dataset {
  const inputs: number[][][] = [];
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = Math.floor(Math.random() * 4);
    const T = 8 + Math.floor(Math.random() * 17);
    const seq: number[][] = [];
    for (let t = 0; t < T; t++) {
      const u = t / (T - 1);
      const trend = [u, 1 - u, 1 - Math.abs(2 * u - 1), 0.5][label];
      seq.push([trend + 0.35 * (Math.random() * 2 - 1), Math.random() < 0.5 ? 1 : 0]);
    }
    inputs.push(seq);
    targets.push(label);
  }
  return { inputs, targets };
}

const train = make(1200);
const valid = make(300);
const model = new rnn.Sequential(
  new rnn.GRU({ inputSize: 2, hiddenSize: 32, bidirectional: true }),
  new rnn.Linear({ inFeatures: 64, outFeatures: 4 }),
);
const history = await rnn.fit(model, train, {
  epochs: 15,
  batchSize: 32,
  optimizer: new rnn.Adam(model.parameters(), { lr: 5e-3 }),
  validationData: valid,
  earlyStopping: { patience: 3 },
  onProgress: (e) => {
    if (e.phase === 'epoch') {
      console.log(
        `epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(3)} acc ${(100 * e.metric!).toFixed(1)}%  val loss ${e.valLoss!.toFixed(3)} val acc ${(100 * e.valMetric!).toFixed(1)}%  (${Math.round(e.sequencesPerSec)} seq/s)`,
      );
    }
  },
});
const { loss, metric } = rnn.evaluate(model, valid);
console.log(`\nvalidation: loss ${loss.toFixed(3)}, accuracy ${(100 * metric!).toFixed(1)}% (chance 25%) after ${history.epochs} epochs`);
const probe = make(4);
rnn.predict(model, probe.inputs).forEach((logits, i) => {
  const scores = logits.toArray().slice(-LABELS.length); // the last step of the per-step output
  const best = scores.indexOf(Math.max(...scores));
  console.log(`  a ${probe.inputs[i].length}-step sequence labelled ${LABELS[probe.targets[i] as number]}: predicted ${LABELS[best]}`);
});
