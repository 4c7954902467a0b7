import * as rnn from '../src/index.js';
import { randomArray } from './util.js';
const [T, B, C, S] = [200, 16, 30, 50];
await rnn.init();
const lp = rnn.noGrad(() => rnn.ops.logSoftmax(rnn.tensor(randomArray(T * B * C, 1), [T, B, C]), 2));
let s = 7;
const targets = Array.from({ length: B }, () => Array.from({ length: S }, () => 1 + ((s = (s * 48271) % 2147483647) % (C - 1))));
const leaf = rnn.tensor(lp.toArray(), [T, B, C], { requiresGrad: true });
const t0 = performance.now();
for (let i = 0; i < 100; i++) { leaf.grad = null; rnn.ctcLoss(leaf, targets, new Array(B).fill(T), new Array(B).fill(S)).backward(); }
console.log('ms', ((performance.now() - t0) / 100).toFixed(2));
const t1 = performance.now();
for (let i = 0; i < 100; i++) rnn.noGrad(() => rnn.ctcLoss(leaf, targets, new Array(B).fill(T), new Array(B).fill(S)));
console.log('forward only ms', ((performance.now() - t1) / 100).toFixed(2));
