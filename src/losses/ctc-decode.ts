// CTC decoding of logProbs [T,B,C] (time-major), per sequence up to its input length.
//   greedy: the best class at every step, repeats collapsed, blanks dropped (best path).
//   prefix beam search (Hannun et al. 2014): keeps the beamWidth most probable label prefixes,
//   each with the probability of ending in a blank and in a non-blank, merged over alignments;
//   an optional language-model hook adds lmWeight · lm(prefix, next) (a log-probability) to
//   every extension, and insertionBonus per emitted label.
import { type Tensor, fmtShape } from '../tensor.js';
import { checkTensor } from '../ops/util.js';
import { intLengths } from './ctc-loss.js';
import { fn, int, num, readOptions } from '../options.js';

function shape(logProbs: Tensor, op: string): [number, number, number] {
  checkTensor(logProbs, op, 'logProbs');
  if (logProbs.ndim !== 3) throw new Error(`${op}: logProbs must be [T,B,C], got ${fmtShape(logProbs.shape)}`);
  return logProbs.shape as unknown as [number, number, number];
}

/** Best-path decoding: argmax per step, collapse repeats, drop blanks. */
export function ctcGreedyDecode(logProbs: Tensor, inputLengths?: ArrayLike<number>, options: { blank?: number } = {}): number[][] {
  const [T, B, C] = shape(logProbs, 'ctcGreedyDecode');
  const { blank = 0 } = readOptions<{ blank?: number }>('ctcGreedyDecode', 'options', options, { blank: int(0, C - 1) });
  const il = inputLengths ? intLengths(inputLengths, B, T, 'ctcGreedyDecode', 'inputLengths') : new Int32Array(B).fill(T);
  const d = logProbs.data;
  return Array.from({ length: B }, (_, b) => {
    const out: number[] = [];
    let prev = -1;
    for (let t = 0; t < il[b]; t++) {
      let best = 0;
      for (let c = 1; c < C; c++) if (d[(t * B + b) * C + c] > d[(t * B + b) * C + best]) best = c;
      if (best !== prev && best !== blank) out.push(best);
      prev = best;
    }
    return out;
  });
}

/** Options of {@link ctcBeamSearch}. */
export interface CTCBeamSearchOptions {
  beamWidth?: number;
  blank?: number;
  /** Log-probability of `next` following `prefix` under a language model. */
  lm?: (prefix: readonly number[], next: number) => number;
  lmWeight?: number;
  /** Added (in log space) for every emitted label, to balance the language model. */
  insertionBonus?: number;
}

const lse = (a: number, b: number) => {
  const m = Math.max(a, b);
  return m === -Infinity ? m : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
};

interface Beam {
  labels: number[];
  pb: number; // log P(prefix, ending in blank)
  pnb: number; // log P(prefix, ending in a label)
  lm: number; // accumulated language-model score
}

/** Prefix beam search; returns the best label sequence of each batch entry. */
export function ctcBeamSearch(logProbs: Tensor, inputLengths?: ArrayLike<number>, options: CTCBeamSearchOptions = {}): number[][] {
  const [T, B, C] = shape(logProbs, 'ctcBeamSearch');
  const o = readOptions<CTCBeamSearchOptions>('ctcBeamSearch', 'options', options, {
    beamWidth: int(1, 4096),
    blank: int(0, C - 1),
    lm: fn,
    lmWeight: num(),
    insertionBonus: num(),
  });
  const { beamWidth = 10, blank = 0, lm, lmWeight = 1, insertionBonus = 0 } = o;
  const il = inputLengths ? intLengths(inputLengths, B, T, 'ctcBeamSearch', 'inputLengths') : new Int32Array(B).fill(T);
  const d = logProbs.data;
  const score = (x: Beam) => lse(x.pb, x.pnb) + x.lm;
  return Array.from({ length: B }, (_, b) => {
    let beams = new Map<string, Beam>([['', { labels: [], pb: 0, pnb: -Infinity, lm: 0 }]]);
    for (let t = 0; t < il[b]; t++) {
      const row = (t * B + b) * C;
      const next = new Map<string, Beam>();
      const get = (labels: number[], lmScore: number): Beam => {
        const key = labels.join(',');
        let e = next.get(key);
        if (!e) {
          e = { labels, pb: -Infinity, pnb: -Infinity, lm: lmScore };
          next.set(key, e);
        }
        return e;
      };
      for (const beam of beams.values()) {
        const total = lse(beam.pb, beam.pnb);
        // stay on the same prefix through a blank
        const same = get(beam.labels, beam.lm);
        same.pb = lse(same.pb, total + d[row + blank]);
        const last = beam.labels.length ? beam.labels[beam.labels.length - 1] : -1;
        for (let c = 0; c < C; c++) {
          if (c === blank) continue;
          const p = d[row + c];
          if (c === last) {
            // a repeat collapses unless a blank separated it
            same.pnb = lse(same.pnb, beam.pnb + p);
            const ext = get([...beam.labels, c], beam.lm + (lm ? lmWeight * lm(beam.labels, c) : 0) + insertionBonus);
            ext.pnb = lse(ext.pnb, beam.pb + p);
          } else {
            const ext = get([...beam.labels, c], beam.lm + (lm ? lmWeight * lm(beam.labels, c) : 0) + insertionBonus);
            ext.pnb = lse(ext.pnb, total + p);
          }
        }
      }
      beams = new Map([...next.entries()].sort((x, y) => score(y[1]) - score(x[1])).slice(0, beamWidth));
    }
    let best: Beam | null = null;
    for (const beam of beams.values()) if (!best || score(beam) > score(best)) best = beam;
    return best ? best.labels : [];
  });
}
