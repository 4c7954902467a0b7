// Token sequences for the Seq2Seq tests: tokens 3..10 (0 pad, 1 bos, 2 eos), lengths lo..hi.
import { seeded } from '../helpers.js';

/** n seeded sequences of tokens 3..10 with lengths in lo..hi. */
export function seqs(n: number, seed: number, lo = 3, hi = 7): number[][] {
  const rng = seeded(seed);
  return Array.from({ length: n }, () => Array.from({ length: lo + Math.floor(rng() * (hi - lo + 1)) }, () => 3 + Math.floor(rng() * 8)));
}
