// The CTC reader of examples/ctc.ts and the playground: a bidirectional GRU over the frames and a
// Linear layer to the 4 labels + blank, log-softmaxed time-major for ctcLoss, trained with Adam
// and gradient clipping.
import * as rnn from 'rnn-wasm';
import { padFrames, type CtcSample } from './ctc-data.js';

/** Builds the reader; `run` gives the log-probabilities [T,B,5] and lengths, `trainStep` one update. */
export function ctcReader(hiddenSize = 48) {
  const gru = new rnn.GRU({ inputSize: 6, hiddenSize, bidirectional: true });
  const head = new rnn.Linear({ inFeatures: 2 * hiddenSize, outFeatures: 5 });
  const params = [...gru.parameters(), ...head.parameters()];
  const opt = new rnn.Adam(params, { lr: 1e-2 });
  const run = (samples: CtcSample[]) => {
    const { x, shape, lengths } = padFrames(samples);
    const logits = head.forward(gru.forward(rnn.tensor(x, shape), { lengths }).output);
    return { lp: rnn.ops.logSoftmax(rnn.ops.transpose(logits, 0, 1), 2), lengths };
  };
  const trainStep = (samples: CtcSample[]): number => {
    const { lp, lengths } = run(samples);
    const loss = rnn.ctcLoss(
      lp,
      samples.map((s) => s.labels),
      lengths,
      samples.map((s) => s.labels.length),
    );
    opt.zeroGrad();
    loss.backward();
    rnn.clipGradNorm(params, 5);
    opt.step();
    return loss.item();
  };
  return { run, trainStep };
}
