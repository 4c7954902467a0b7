// Timing helpers shared by the benchmarks: median of repeated runs after warm-up, and a table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { shareWork } from '../src/backend/wasm.js';

/**
 * Median ms of `fn` on one thread and shared out with the workers, in alternation (the machine's
 * drift is the same for both). After each switch one call runs untimed, then one is timed: the
 * workers sleep while the calling thread works alone, and a training loop on two threads pays
 * their wake-up once, not on every step (timing the first call after the switch cost W6's 2.4 ms
 * steps 1.88 -> 1.72x, and W1's 2.6 ms calls as much).
 */
export function alternateThreads(fn: () => void, rounds: number): { one: number; all: number } {
  const t = { one: [] as number[], all: [] as number[] };
  for (let r = 0; r < rounds + 2; r++) {
    for (const key of ['one', 'all'] as const) {
      shareWork(key === 'all');
      fn();
      const t0 = performance.now();
      fn();
      if (r >= 2) t[key].push(performance.now() - t0);
    }
  }
  shareWork(true);
  const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { one: med(t.one), all: med(t.all) };
}

/** Median milliseconds of `fn` over at least `reps` runs (and at least `minMs` in total) after `warmup` runs. */
export async function timeIt(fn: () => unknown | Promise<unknown>, { warmup = 2, reps = 7, minMs = 300 } = {}): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < reps || performance.now() - start < minMs) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (times.length >= 200) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Median ms of each function, timed in alternation (a round runs each once, after `warmup`
 * rounds): when the machine's speed drifts, all of them see the same drift, so their ratios hold.
 */
export function timeAlternating(fns: (() => unknown)[], { warmup = 2, rounds = 9 } = {}): number[] {
  for (let i = 0; i < warmup; i++) for (const f of fns) f();
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      f();
      times[i].push(performance.now() - t0);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

/** Prints rows as an aligned Markdown table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** A seeded Float32Array of uniform values in [-1, 1). */
export function randomArray(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/**
 * Runs a PyTorch timing script on one thread with Debian's python3-torch (a child process, in the
 * same run as the caller's own timings). `body` fills the dict `out` using `med(f, n)`, the median
 * ms of n calls after two warm-up calls; the result is `out`, or a note of why there is none.
 */
export function runTorch(body: string): { ms: Record<string, number>; note: string } {
  if (!existsSync('/usr/bin/python3')) return { ms: {}, note: 'PyTorch not measured: /usr/bin/python3 (Debian python3-torch) is absent' };
  const py = `
import torch, time, json
torch.set_num_threads(1)
def med(f, n):
    f(); f()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    ts.sort(); return ts[len(ts) // 2] * 1000
out = {}
${body}
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return { ms: {}, note: `PyTorch run failed: ${r.stderr.split('\n').slice(-2).join(' ')}` };
  return { ms: JSON.parse(r.stdout.trim().split('\n').pop()!), note: '' };
}
