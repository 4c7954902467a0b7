// Builds the playground (examples/web/) into examples/web/dist/: the page and its Worker bundled by
// esbuild against the package's browser build (dist/index.js, as a user's bundler would), the five
// rnn-wasm builds, uPlot's stylesheet, TensorFlow.js' wasm files for the speed panel, and a sample
// text. With --serve it serves that folder with the COOP/COEP headers that make the page
// cross-origin isolated (threads in Workers need it), offline, on http://127.0.0.1:PORT/.
//   npm run playground            (build and serve on port 8080; --port=N)
//   npm run playground:build      (build only)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'examples/web');
const out = path.join(web, 'dist');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));

export async function buildPlayground() {
  if (!existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run npm run build first (npm ci does it)');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'tfjs'), { recursive: true });
  mkdirSync(path.join(out, 'data'), { recursive: true });
  await build({
    entryPoints: [path.join(web, 'playground.ts'), path.join(web, 'worker.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: out,
    minify: true,
    // not tsconfig.json, whose paths point 'rnn-wasm' at the source for the tests: the package's own build
    tsconfig: path.join(root, 'tsconfig.build.json'),
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(path.join(web, f), path.join(out, f));
  copyFileSync(path.join(root, 'node_modules/uplot/dist/uPlot.min.css'), path.join(out, 'uPlot.min.css'));
  for (const f of readdirSync(path.join(root, 'dist')).filter((f) => f.endsWith('.wasm')))
    copyFileSync(path.join(root, 'dist', f), path.join(out, f));
  const tfDist = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of readdirSync(tfDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(tfDist, f), path.join(out, 'tfjs', f));
  // 60 kB of Vim's help (examples/data/README.md: source and licence) for the language model
  const help = readFileSync(path.join(root, 'examples/data/vim-help.txt'), 'utf8');
  writeFileSync(path.join(out, 'data/sample.txt'), help.slice(0, 60_000));
  copyFileSync(path.join(root, 'examples/data/vim-help.LICENSE.txt'), path.join(out, 'data/sample.LICENSE.txt'));
  return out;
}

const TYPES = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
  '.css': 'text/css',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `dir` with cross-origin isolation; resolves to the server once it listens. */
export function servePlayground(dir = out, port = 0) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.resolve(dir, `.${url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      })
      .end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = await buildPlayground();
  console.log(`playground built in ${path.relative(root, dir)}/`);
  if ('serve' in args) {
    const server = await servePlayground(dir, Number(args.port ?? 8080));
    console.log(`serving on http://127.0.0.1:${server.address().port}/ (cross-origin isolated; Ctrl-C stops)`);
  }
}
