// The playground's Worker: initialises rnn-wasm (with the threads the page asks for, where the page
// is cross-origin isolated), runs one task until told to stop, or times the speed workloads.
import * as rnn from 'rnn-wasm';
import type { FromWorker, ToWorker } from './protocol.js';
import { TASKS } from './tasks.js';
import { ours, tfjs } from './speed.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let stop = false;
let initialised: Promise<void> | null = null;

function init(threads: number): Promise<void> {
  initialised ??= rnn.init({ threads }).then(() => {
    const b = rnn.backendInfo();
    post({ type: 'ready', backend: `rnn-wasm ${b.version}: SIMD ${b.simd}, relaxed SIMD ${b.relaxedSimd}, ${b.threads} thread(s)` });
  });
  return initialised;
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    if (m.type === 'stop') {
      stop = true;
    } else if (m.type === 'start') {
      await init(1);
      stop = false;
      rnn.manualSeed(m.options.seed ?? 1); // the same run on every visit
      const step = await TASKS[m.task]({ post, stopped: () => stop }, m.options);
      post({ type: 'stopped', step });
    } else if (m.type === 'speed') {
      await init(m.threads);
      const a = await ours();
      const rows = [
        {
          id: 'W1',
          what: `LSTM inference 64→256, B=1, T=100 (rnn-wasm, ${m.threads} thread${m.threads > 1 ? 's' : ''})`,
          ms: a.w1,
          peer: 'rnn-wasm',
        },
        {
          id: 'W3',
          what: `LSTM train step 128→256, B=32, T=50 (rnn-wasm, ${m.threads} thread${m.threads > 1 ? 's' : ''})`,
          ms: a.w3,
          peer: 'rnn-wasm',
        },
      ];
      if (m.withTf) {
        const t = await tfjs(new URL('./tfjs/', self.location.href).href);
        rows.push(
          { id: 'W1', what: 'the same on tfjs-wasm', ms: t.w1, peer: 'tfjs-wasm' },
          { id: 'W3', what: 'the same on tfjs-wasm', ms: t.w3, peer: 'tfjs-wasm' },
        );
      }
      post({ type: 'speed', rows });
    }
  } catch (err) {
    post({ type: 'error', message: String((err as Error)?.message ?? err) });
  }
};
