// The playground (examples/web/, built by scripts/playground.mjs) in headless Chromium, served
// cross-origin isolated by its own server: each panel trains in its Worker for a while and its loss
// must fall; the speed panel times rnn-wasm (1 and 2 threads) and tfjs-wasm in the same tab.
// Screenshots go to test/.artifacts/ (not committed).
import { test, expect, beforeAll, afterAll } from 'vitest';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { report } from '../helpers.js';
// @ts-expect-error: a plain .mjs script without types
import { buildPlayground, servePlayground } from '../../scripts/playground.mjs';

const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, 'test/.artifacts');
let server: Server;
let base = '';
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await buildPlayground();
  server = await servePlayground();
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  mkdirSync(artifacts, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(base);
  await page.waitForFunction(() => (document.querySelector('#charlm-text') as HTMLTextAreaElement).value.length > 1000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

/** Trains a panel until `steps` are reported (or `seconds` pass), stops it, returns its state. */
async function train(panel: string, steps: number, seconds: number) {
  await page.click(`[data-start="${panel}"]`);
  await page.waitForFunction(
    ([id, n]) => {
      const el = document.getElementById(id as string) as HTMLElement;
      return Number(el.dataset.steps ?? 0) >= (n as number) || el.dataset.error !== undefined;
    },
    [panel, steps],
    { timeout: seconds * 1000 },
  );
  await page.click(`[data-stop="${panel}"]`);
  await page.waitForFunction((id) => (document.querySelector(`[data-stop="${id}"]`) as HTMLButtonElement).disabled, panel, {
    timeout: 30_000,
  });
  await page.locator(`#${panel}`).screenshot({ path: path.join(artifacts, `playground-${panel}.png`) });
  return page.evaluate((id) => {
    const el = document.getElementById(id) as HTMLElement;
    return {
      error: el.dataset.error,
      steps: Number(el.dataset.steps),
      first: Number(el.dataset.firstLoss),
      loss: Number(el.dataset.loss),
      status: el.querySelector('.status')?.textContent ?? '',
      lines: el.querySelector('pre.lines')?.textContent ?? '',
      inked: Array.from(el.querySelectorAll('canvas')).map((c) => {
        const d = (c as HTMLCanvasElement).getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 200) n++;
        return n;
      }),
    };
  }, panel);
}

test('character-level LSTM: bits/char fall, samples and a speed appear', async () => {
  const r = await train('charlm', 300, 170);
  expect(r.error).toBeUndefined();
  // from about log2(vocab) ≈ 6.5 bits; a model that learnt the character frequencies alone is near 4.9
  expect(r.first).toBeGreaterThan(5.5);
  expect(r.loss).toBeLessThan(3.5);
  expect(r.lines.length).toBeGreaterThan(100);
  expect(r.status).toMatch(/chars\/s/);
  report('playground char LSTM(128)', `${r.steps} steps: ${r.first.toFixed(2)} -> ${r.loss.toFixed(2)} bits/char; ${r.status}`);
}, 200_000);

test('seq2seq with attention: the loss falls and the attention heatmap is drawn', async () => {
  const r = await train('reverse', 120, 150);
  expect(r.error).toBeUndefined();
  expect(r.loss).toBeLessThan(0.5 * r.first);
  expect(r.inked[0]).toBeGreaterThan(100);
  report('playground reverse', `${r.steps} steps: ${r.first.toFixed(3)} -> ${r.loss.toFixed(3)}; ${r.lines.replace(/\n/g, '; ')}`);
}, 200_000);

test('CTC: the loss falls and labels are decoded', async () => {
  const r = await train('ctc', 120, 150);
  expect(r.error).toBeUndefined();
  expect(r.loss).toBeLessThan(0.5 * r.first);
  expect(r.lines).toMatch(/label error rate on 40 held-out sequences: [\d.]+ %/);
  expect(r.inked[0]).toBeGreaterThan(100);
  report('playground CTC', `${r.steps} steps: ${r.first.toFixed(3)} -> ${r.loss.toFixed(3)}; ${r.lines.replace(/\n/g, '; ')}`);
}, 200_000);

test('NTM copy task: the loss falls and both heads’ weightings are drawn', async () => {
  const r = await train('ntm', 300, 170);
  expect(r.error).toBeUndefined();
  expect(r.loss).toBeLessThan(0.8 * r.first);
  expect(r.inked.every((n) => n > 100)).toBe(true);
  report('playground NTM', `${r.steps} steps: ${r.first.toFixed(3)} -> ${r.loss.toFixed(3)}; ${r.lines}`);
}, 200_000);

test('how fast: rnn-wasm (1 and 2 threads) and tfjs-wasm timed in the same tab', async () => {
  await page.click('#speed-run');
  await page.waitForFunction(
    () => {
      const el = document.getElementById('speed') as HTMLElement;
      return el.dataset.done === 'true' || el.dataset.error !== undefined;
    },
    undefined,
    { timeout: 240_000 },
  );
  await page.locator('#speed').screenshot({ path: path.join(artifacts, 'playground-speed.png') });
  const rows = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('#speed-table tbody tr')).map((tr) => ({
      id: tr.dataset.id,
      peer: tr.dataset.peer,
      ms: tr.dataset.ms,
      text: tr.textContent,
    })),
  );
  const err = await page.evaluate(() => (document.getElementById('speed') as HTMLElement).dataset.error);
  expect(err).toBeUndefined();
  const ms = (id: string, peer: string, nth = 0) => Number(rows.filter((r) => r.id === id && r.peer === peer)[nth]?.ms);
  for (const id of ['W1', 'W3']) {
    expect(ms(id, 'rnn-wasm')).toBeGreaterThan(0);
    expect(ms(id, 'tfjs-wasm')).toBeGreaterThan(ms(id, 'rnn-wasm')); // faster than the peer in the same tab
    expect(ms(id, 'rnn-wasm', 1)).toBeGreaterThan(0); // the 2-thread run
  }
  report(
    'playground speed (Chromium, ms): W1 1t / 2t / tfjs-wasm; W3 1t / 2t / tfjs-wasm',
    `${ms('W1', 'rnn-wasm').toFixed(1)} / ${ms('W1', 'rnn-wasm', 1).toFixed(1)} / ${ms('W1', 'tfjs-wasm').toFixed(1)}; ${ms('W3', 'rnn-wasm').toFixed(1)} / ${ms('W3', 'rnn-wasm', 1).toFixed(1)} / ${ms('W3', 'tfjs-wasm').toFixed(1)}`,
  );
  await page.screenshot({ path: path.join(artifacts, 'playground.jpg'), type: 'jpeg', quality: 70, fullPage: true });
}, 300_000);
