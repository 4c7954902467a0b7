// The published bundle (dist/) in headless Chromium: init() fetches the wasm relative to the
// module, an LSTM trains, and save/load round-trips. Chromium comes from Debian
// (apt-get install chromium, done by .ci/run); playwright-core drives it and never downloads one.
import { test, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { report } from '../helpers.js';

const root = path.resolve(__dirname, '../..');
let server: Server;
let port = 0;
let browser: Browser | null = null;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
  '.map': 'application/json',
};

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run npm run build (npm ci does it)');
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = url.pathname === '/' ? 'test/browser/page.html' : url.pathname.slice(1);
    const full = path.resolve(root, file);
    const pages = [
      'test/browser/page.html',
      'test/browser/threads.html',
      'test/browser/threads-worker.js',
      'test/browser/fit.html',
      'test/browser/fit-worker.js',
    ];
    if (!full.startsWith(root) || !(file.startsWith('dist/') || pages.includes(file))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(full);
      // cross-origin isolation (shared memory for threads in Workers)
      const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
      res.writeHead(200, { 'content-type': TYPES[path.extname(full)] ?? 'application/octet-stream', ...isolation }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  browser = await launchChromium();
}, 60_000);

// each test's page closed when it is done: an idle page left open still has its renderer's
// threads, on a two-core machine where the next test times its Workers
afterEach(async () => {
  for (const context of browser?.contexts() ?? []) for (const page of context.pages()) await page.close();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

test('the bundle loads, picks the SIMD build, trains and round-trips a model in Chromium', async () => {
  const page = await browser!.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
  const result = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
  expect(result.error).toBeUndefined();
  expect(result.info).toMatchObject({ simd: true, relaxedSimd: true, threads: 1 }); // Chromium ships relaxed SIMD
  expect(result.last as number).toBeLessThan((result.first as number) / 2);
  expect(result.roundTrip).toBe(true);
}, 90_000);

test('threads in module Workers on a cross-origin-isolated page: the same results as one thread; on the page itself, an error that says why', async () => {
  const page = await browser!.newPage();
  await page.goto(`http://127.0.0.1:${port}/test/browser/threads.html`);
  await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
  const r = await page.evaluate(
    () =>
      (
        window as unknown as {
          result: { isolated: boolean; one: Record<string, unknown>; two: Record<string, unknown>; pageError: string };
        }
      ).result,
  );
  expect(r.isolated).toBe(true);
  expect(r.one.error).toBeUndefined();
  expect(r.two.error).toBeUndefined();
  expect(r.one.info).toMatchObject({ threads: 1 });
  expect(r.two.info).toMatchObject({ threads: 2 });
  expect(r.two.values).toEqual(r.one.values); // bit for bit: the threads split work, not sums
  expect(r.pageError).toContain("needs a Web Worker: a page's main thread cannot block on Atomics.wait");
  report('Chromium W3 training step ms, 1 thread / 2 threads (module Workers, alternating)', `${r.one.w3ms} / ${r.two.w3ms}`);
}, 180_000);

test('fitInWorker: a model trains in a Worker while the page keeps running, its weights come back, abort stops it', async () => {
  const page = await browser!.newPage();
  await page.goto(`http://127.0.0.1:${port}/test/browser/fit.html`);
  await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
  const r = await page.evaluate(() => (window as unknown as { result: Record<string, never> }).result);
  expect(r.error).toBeUndefined();
  expect(r.epochs).toBe(12);
  expect(r.progress).toBeGreaterThanOrEqual(12 * 8); // a batch event per batch (8 a epoch) and one per epoch
  // the page's model got the trained weights: far better than before, and than guessing (1/5)
  expect((r.after as { metric: number }).metric).toBeGreaterThan(0.9);
  expect((r.before as { metric: number }).metric).toBeLessThan(0.5);
  expect(r.maxGap).toBeLessThan(250); // the page stays live (a loaded 2-core CI machine delays timers too)
  expect(r.abortedFlag).toBe(true);
  expect(r.abortedEpochs).toBeLessThan(100); // of 100,000: it stopped (how soon depends on the message round trip under load)
  // an abort posted right after the start is read when the first batch yields: training stops in epoch 1
  expect(r.early).toMatchObject({ aborted: true, epochs: 1 });
  expect(r.badOption).toContain("fitInWorker: unknown option 'onProgres' in options (did you mean 'onProgress'?)");
  report('fitInWorker: longest gap of a 5 ms page timer during training, ms', r.maxGap as number);
}, 180_000);
