// A fixed small model's output and every gradient: the bad-call and fuzz tests take it before and
// after hundreds of failing calls, which must not have changed anything the library computes.
import * as rnn from '../src/node.js';

/** Output, input gradient and parameter gradients of a seeded bidirectional layer over variable lengths. */
export function fingerprint(Layer: typeof rnn.LSTM | typeof rnn.GRU): number[] {
  rnn.manualSeed(42);
  const m = new Layer({ inputSize: 3, hiddenSize: 5, bidirectional: true });
  const xs = rnn.randn([2, 4, 3], { requiresGrad: true });
  const r = m.forward(xs, { lengths: [4, 2] });
  rnn.ops.sum(rnn.ops.mul(r.output, r.output)).backward();
  return [...r.output.data, ...xs.grad!.data, ...m.parameters().flatMap((p) => [...p.grad!.data])];
}
