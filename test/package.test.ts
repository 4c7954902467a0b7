// The package as npm would publish it: version in step, every exported path built.
import { test, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import '../src/node.js'; // Node's platform: loadBuild reads the wasm from disk
import { VERSION } from '../src/backend/wasm.js';
import { Arena } from '../src/backend/heap.js';
import { loadBuild } from '../src/backend/wasm.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

test('the version reported by backendInfo is package.json’s', () => {
  expect(VERSION).toBe(pkg.version);
});

test('every path of the exports map exists after the build, and the bundle ships its types', () => {
  const paths: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') paths.push(v);
    else for (const w of Object.values(v as Record<string, unknown>)) walk(w);
  };
  walk(pkg.exports);
  for (const p of paths) expect(existsSync(new URL(`../${p}`, import.meta.url)), p).toBe(true);
  expect(pkg.exports['.'].node).toEqual({ import: './dist/node.js', require: './dist/node.cjs' });
  expect(pkg.exports['.'].browser).toBe('./dist/index.js');
  expect(pkg.type).toBe('module');
  for (const f of ['LICENSE', 'CHANGELOG.md', 'README.md']) expect(pkg.files).toContain(f);
});

test('running out of wasm memory is a clear error, not a RangeError from the engine', async () => {
  const k = await loadBuild('simd');
  const arena = new Arena(k);
  expect(() => arena.alloc(2 ** 31)).toThrow(/out of WebAssembly memory: an operation needs \d+ MiB/);
  // the failed request took nothing, and the arena still serves the next one
  expect(arena.liveBytes).toBe(0);
  arena.scoped((a) => {
    a.alloc(16);
    expect(a.liveBytes).toBe(64);
  });
  expect(arena.liveBytes).toBe(0);
});
