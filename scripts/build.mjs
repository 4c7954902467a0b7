// Bundles src/ into dist/index.js (ESM, for Node and browsers) and copies the two wasm builds
// beside it, where init() looks for them.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
await mkdir(new URL('../dist/', import.meta.url), { recursive: true });
await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  outfile: 'dist/index.js',
  sourcemap: true,
  external: ['node:*'],
  logLevel: 'warning',
});
for (const f of ['rnn-simd.wasm', 'rnn-relaxed.wasm', 'rnn-scalar.wasm', 'rnn-simd-threads.wasm', 'rnn-relaxed-threads.wasm']) {
  await copyFile(new URL(`../build/${f}`, import.meta.url), new URL(`../dist/${f}`, import.meta.url));
}
console.log(`dist/index.js and dist/*.wasm built (rnn-wasm ${pkg.version})`);
