// The package as a user installs it: `npm pack`, then the tarball installed into fresh projects
// that each use it the way one JavaScript setting does, and each trains a few LSTM steps:
//   Node ESM import, CommonJS require, a strict TypeScript consumer (node16 and bundler
//   resolution, no skipLibCheck), esbuild, webpack 5 and Vite (build and dev server) bundles,
//   a plain import-map page and a module Web Worker — the browser ones in headless Chromium.
// Chromium comes from Debian (.ci/run installs it); playwright-core drives it and downloads nothing.
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium.js';

const root = path.resolve(__dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'rnn-consumers-'));
let tarball = '';
let browser: Browser | null = null;

/** What every consumer runs: a few Adam steps of an LSTM classifier; the loss must fall. */
const TRAIN = `
  await rnn.init();
  rnn.manualSeed(1);
  const lstm = new rnn.LSTM({ inputSize: 3, hiddenSize: 8 });
  const head = new rnn.Linear({ inFeatures: 8, outFeatures: 2 });
  const opt = new rnn.Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.05 });
  const x = rnn.randn([4, 5, 3]);
  const losses = [];
  for (let i = 0; i < 25; i++) {
    const loss = rnn.crossEntropy(head.forward(rnn.ops.select(lstm.forward(x).hN, 0, 0)), [0, 1, 0, 1]);
    opt.zeroGrad(); loss.backward(); opt.step();
    losses.push(loss.item());
  }
  const back = rnn.load(rnn.toBytes(rnn.save(lstm)));
  const same = rnn.noGrad(() => back.forward(x).output.toArray().join() === lstm.forward(x).output.toArray().join());
  const result = { first: losses[0], last: losses[losses.length - 1], info: rnn.backendInfo(), roundTrip: same && back instanceof rnn.LSTM };
`;

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A fresh project with the tarball installed (no other dependency: the package has none). */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', tarball], dir);
  return dir;
}

function expectTrained(r: { first: number; last: number; roundTrip: boolean; error?: string }) {
  expect(r.error, r.error).toBeUndefined();
  expect(r.last).toBeLessThan(0.5 * r.first);
  expect(r.roundTrip).toBe(true);
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
  '.json': 'application/json',
  '.css': 'text/css',
};

/** Serves `dir` over HTTP on 127.0.0.1; resolves with its URL and a close function. */
async function serve(dir: string, headers: Record<string, string> = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, p.endsWith('/') ? `${p}index.html` : p);
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...headers }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Opens `url` in Chromium and waits for the page (or its worker) to set window.result. */
async function inChromium(url: string): Promise<{ first: number; last: number; roundTrip: boolean; error?: string }> {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
    return await page.evaluate(() => (window as unknown as { result: never }).result);
  } catch (e) {
    throw new Error(`${url}: ${(e as Error).message}; page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

const PAGE_SCRIPT = `import * as rnn from 'rnn-wasm';
try {${TRAIN}
  // files are Node's: in a browser saveFile says what to use instead
  try { await rnn.saveFile(lstm, 'model.rnnw'); result.saveFile = 'saved?'; } catch (e) { result.saveFile = String(e.message); }
  window.result = result;
} catch (e) {
  window.result = { error: String(e && e.stack || e) };
}`;

beforeAll(async () => {
  const out = run('npm', ['pack', '--pack-destination', work, '--silent'], root);
  tarball = path.join(work, out.trim().split('\n').pop()!);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('Node', () => {
  test('ESM import', () => {
    const dir = project('esm', { 'main.js': `import * as rnn from 'rnn-wasm';\n${TRAIN}\nconsole.log(JSON.stringify(result));` });
    expectTrained(JSON.parse(run('node', ['main.js'], dir)));
  });
  test('CommonJS require', () => {
    const dir = project('cjs', {
      'main.cjs': `const rnn = require('rnn-wasm');\n(async () => {${TRAIN}\nconsole.log(JSON.stringify(result));\n})();`,
    });
    expectTrained(JSON.parse(run('node', ['main.cjs'], dir)));
  });
  test('two threads through the Node entry', () => {
    const dir = project('threads', {
      'main.js': `import * as rnn from 'rnn-wasm';\nawait rnn.init({ threads: 2 });\nconsole.log(JSON.stringify(rnn.backendInfo()));`,
    });
    expect(JSON.parse(run('node', ['main.js'], dir)).threads).toBe(2);
  });
});

describe('TypeScript', () => {
  const source = `import * as rnn from 'rnn-wasm';
export async function main(): Promise<number> {
  await rnn.init();
  const lstm = new rnn.LSTM({ inputSize: 3, hiddenSize: 8, bidirectional: true });
  const x: rnn.Tensor = rnn.randn([2, 5, 3]);
  const { output, hN, cN } = lstm.forward(x, { lengths: [5, 3] });
  const loss = rnn.crossEntropy(new rnn.Linear({ inFeatures: 16, outFeatures: 2 }).forward(output), new Array(10).fill(0));
  loss.backward();
  const back = rnn.load(rnn.save(lstm));
  back.forward(x);
  const typed = rnn.load<rnn.LSTM>(rnn.toBytes(rnn.save(lstm)));
  const h: rnn.Tensor = typed.forward(x).hN;
  const opt: rnn.Optimizer = new rnn.SGD(lstm.parameters(), 0.1);
  opt.step();
  console.log(lstm.summary(), lstm.numParameters(), hN.shape, cN?.shape, h.shape);
  return loss.item();
}
`;
  test.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('strict, no skipLibCheck, %s resolution: the consumer type-checks', (name, resolution) => {
    const dir = project(`ts-${name}`, {
      'main.ts': source,
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          lib: ['es2022', 'dom'],
          skipLibCheck: false,
          types: [],
          ...resolution,
        },
        files: ['main.ts'],
      }),
    });
    run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
  });
});

describe('browsers (headless Chromium)', () => {
  test('esbuild bundle (--platform=browser), the .wasm files copied beside it', async () => {
    const dir = project('esbuild', {
      'src/main.js': PAGE_SCRIPT,
      'public/index.html': '<!doctype html><script type="module" src="./main.js"></script>',
    });
    const esbuild = await import('esbuild');
    await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ['src/main.js'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: 'public/main.js',
      logLevel: 'error',
    });
    for (const f of readdirSync(path.join(dir, 'node_modules/rnn-wasm/dist')).filter((f) => f.endsWith('.wasm'))) {
      cpSync(path.join(dir, 'node_modules/rnn-wasm/dist', f), path.join(dir, 'public', f));
    }
    const s = await serve(path.join(dir, 'public'));
    try {
      expectTrained(await inChromium(s.url));
    } finally {
      await s.close();
    }
  });
  test('a plain page with an import map', async () => {
    const dir = project('importmap', {
      'index.html': `<!doctype html><script type="importmap">{ "imports": { "rnn-wasm": "./node_modules/rnn-wasm/dist/index.js" } }</script>\n<script type="module">${PAGE_SCRIPT}</script>`,
    });
    const s = await serve(dir);
    try {
      const r = await inChromium(s.url);
      expectTrained(r);
      expect((r as unknown as { saveFile: string }).saveFile).toMatch(
        /^saveFile: .*only Node can; in a browser, rnn.toBytes\(rnn.save\(model\)\)/,
      );
    } finally {
      await s.close();
    }
  });
  test('a module Web Worker', async () => {
    const dir = project('worker', {
      'worker.js': `import * as rnn from './node_modules/rnn-wasm/dist/index.js';\ntry {${TRAIN}  postMessage(result);\n} catch (e) { postMessage({ error: String(e && e.stack || e) }); }`,
      'index.html': `<!doctype html><script type="module">const w = new Worker('./worker.js', { type: 'module' }); w.onmessage = (e) => { window.result = e.data; }; w.onerror = (e) => { window.result = { error: e.message }; };</script>`,
    });
    const s = await serve(dir);
    try {
      expectTrained(await inChromium(s.url));
    } finally {
      await s.close();
    }
  });
  test('webpack 5 production build: the .wasm files come out of new URL(..., import.meta.url)', async () => {
    const dir = project('webpack', { 'src/main.js': PAGE_SCRIPT, 'dist/index.html': '<!doctype html><script src="./main.js"></script>' });
    const { default: webpack } = await import('webpack');
    const stats = await new Promise<import('webpack').Stats>((resolve, reject) =>
      webpack(
        {
          mode: 'production',
          context: dir,
          entry: './src/main.js',
          output: { path: path.join(dir, 'dist'), filename: 'main.js' },
          experiments: { topLevelAwait: true },
        },
        (err, st) => (err || !st ? reject(err) : resolve(st)),
      ),
    );
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    expect(readdirSync(path.join(dir, 'dist')).some((f) => f.endsWith('.wasm'))).toBe(true);
    const s = await serve(path.join(dir, 'dist'));
    try {
      expectTrained(await inChromium(s.url));
    } finally {
      await s.close();
    }
  });
  test.each(['build', 'dev server'])('Vite (%s)', async (mode) => {
    const dir = project(`vite-${mode.replace(' ', '-')}`, {
      'index.html': '<!doctype html><script type="module" src="/main.js"></script>',
      'main.js': PAGE_SCRIPT,
    });
    const vite = await import('vite');
    const config = { root: dir, configFile: false as const, logLevel: 'error' as const, build: { target: 'es2022' } };
    if (mode === 'build') {
      await vite.build(config);
      expect(existsSync(path.join(dir, 'dist/index.html'))).toBe(true);
      const s = await serve(path.join(dir, 'dist'));
      try {
        expectTrained(await inChromium(s.url));
      } finally {
        await s.close();
      }
    } else {
      const server = await vite.createServer({ ...config, server: { host: '127.0.0.1', port: 0 } });
      await server.listen();
      try {
        const address = server.httpServer!.address() as { port: number };
        expectTrained(await inChromium(`http://127.0.0.1:${address.port}/`));
      } finally {
        await server.close();
      }
    }
  });
});
