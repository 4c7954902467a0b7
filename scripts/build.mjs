// Builds the package's dist/ from src/ and build/*.wasm:
//   index.js    ESM for browsers, Web Workers and bundlers (no Node module anywhere in it); each wasm
//               build is found by a static new URL('./rnn-*.wasm', import.meta.url)
//   node.js     ESM for Node: the same API with Node's services (disk, worker threads, files)
//   node.cjs    the same for require()
//   index.d.ts  one bundled declaration file for every entry (internal types inlined, not exported)
//   rnn-*.wasm  the five builds
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const dist = new URL('../dist/', import.meta.url);
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const common = { bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none' };
await build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', platform: 'neutral', outfile: 'dist/index.js' });
await build({ ...common, entryPoints: ['src/node.ts'], format: 'esm', platform: 'node', outfile: 'dist/node.js' });
await build({
  ...common,
  entryPoints: ['src/node.ts'],
  format: 'cjs',
  platform: 'node',
  outfile: 'dist/node.cjs',
  // CommonJS has no import.meta: the Node platform finds the .wasm files from __filename instead
  banner: { js: "var __RNN_MODULE_URL__ = require('node:url').pathToFileURL(__filename).href;" },
  logOverride: { 'empty-import-meta': 'silent' },
});
for (const f of ['rnn-simd.wasm', 'rnn-relaxed.wasm', 'rnn-scalar.wasm', 'rnn-simd-threads.wasm', 'rnn-relaxed-threads.wasm']) {
  await copyFile(new URL(`../build/${f}`, import.meta.url), new URL(f, dist));
}
const dts = spawnSync(
  process.execPath,
  [
    'node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js',
    '--silent',
    '--project',
    'tsconfig.build.json',
    '--no-banner',
    '--export-referenced-types',
    'false',
    '-o',
    'dist/index.d.ts',
    'src/index.ts',
  ],
  { stdio: 'inherit' },
);
if (dts.status !== 0) throw new Error('dts-bundle-generator failed');
console.log(`dist/ built: index.js, node.js, node.cjs, index.d.ts and five .wasm builds (rnn-wasm ${pkg.version})`);
