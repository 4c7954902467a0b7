// The word-reversal task of examples/reverse.ts and the playground: words of 3–8 letters a–h,
// token ids 3.. (0 pad, 1 begin, 2 end), and the Seq2Seq options both train.

/** The alphabet of the words. */
export const LETTERS = 'abcdefgh';

/** A word as token ids. */
export const toIds = (s: string): number[] => [...s].map((c) => 3 + LETTERS.indexOf(c));

/** Token ids back to letters ('?' for anything else). */
export const toText = (ids: number[]): string => ids.map((i) => LETTERS[i - 3] ?? '?').join('');

/** A random word of 3–8 letters drawn with `rng` (uniform in [0, 1)). */
export const randomWord = (rng: () => number): string =>
  Array.from({ length: 3 + Math.floor(rng() * 6) }, () => LETTERS[Math.floor(rng() * 8)]).join('');

/** The model: a bidirectional GRU encoder and a decoder with general (bilinear) attention. */
export const REVERSE_MODEL = {
  srcVocab: 11,
  tgtVocab: 11,
  embeddingDim: 16,
  hiddenSize: 64,
  encoder: 'gru',
  bidirectional: true,
  attention: 'general',
} as const;
