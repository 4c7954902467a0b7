// Long memory beyond the LSTM: a Clockwork RNN and an SCRN recall a token shown 119 steps earlier,
// behind random distractors, where an Elman RNN with as many parameters does not (the lecture's
// "other techniques" for long-term dependencies). Each model gets a Linear head on its final
// state and the same 600 Adam steps.
//   npm run example:long-memory
import * as rnn from 'rnn-wasm';
import { recallParameters, trainRecall, type RecallLayer } from './recall-task.js';

await rnn.init();
const T = 120;
const steps = 600;
console.log(`first-token recall over ${T} steps, 4 classes (chance: loss ${Math.log(4).toFixed(3)}, accuracy 25 %)\n`);

const models: [string, () => RecallLayer, (m: RecallLayer) => number][] = [
  ['Elman RNN, 26 units', () => new rnn.RNN({ inputSize: 8, hiddenSize: 26 }), (m) => recallParameters(m, 26)],
  [
    'ClockworkRNN, 32 units, periods 1..128',
    () => new rnn.ClockworkRNN({ inputSize: 8, hiddenSize: 32 }),
    (m) => {
      const free = (m as unknown as rnn.ClockworkRNN).connectivity.reduce((a, v) => a + v, 0);
      return recallParameters(m, 32, 4, (name, p) => (name.startsWith('weight_hh') ? free : p.size));
    },
  ],
  [
    'SCRN, 16 hidden + 16 context, α 0.99',
    () => new rnn.SCRN({ inputSize: 8, hiddenSize: 16, contextSize: 16, alpha: 0.99 }),
    (m) => recallParameters(m, 32),
  ],
];
for (const [name, make, count] of models) {
  rnn.manualSeed(1);
  const m = make();
  const t0 = performance.now();
  const { loss, accuracy } = trainRecall(m, { T, steps, lr: 1e-2 });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${name} (${count(m)} parameters): held-out loss ${loss.toFixed(4)}, accuracy ${(100 * accuracy).toFixed(1)} % (${s} s)`);
}
