// The library's one random stream: xoshiro128** seeded through splitmix32, so every weight
// initialisation, dropout mask and shuffle is reproducible from manualSeed(seed), on every
// engine and with either wasm build (the numbers are drawn here, in JavaScript).

let s0 = 0,
  s1 = 0,
  s2 = 0,
  s3 = 0;
let spare: number | null = null;

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** Seeds every random draw of the library (initialisers, dropout, shuffling). */
export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
  let st = (Math.trunc(seed) ^ Math.trunc(seed / 0x100000000)) | 0;
  [st, s0] = splitmix32(st);
  [st, s1] = splitmix32(st);
  [st, s2] = splitmix32(st);
  [, s3] = splitmix32(st);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  spare = null;
}

manualSeed(67280421310721 % 0x7fffffff);

/** A uniform 32-bit unsigned integer. */
export function nextU32(): number {
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform in [0, 1) with 32 random bits. */
export function random(): number {
  return nextU32() / 4294967296;
}

/** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
export function randomNormal(): number {
  if (spare !== null) {
    const v = spare;
    spare = null;
    return v;
  }
  let u = 0;
  while (u === 0) u = random();
  const v = random();
  const r = Math.sqrt(-2 * Math.log(u));
  spare = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

/** A uniform integer in [0, n). */
export function randomInt(n: number): number {
  return Math.floor(random() * n);
}
