// Runs a TypeScript entry (a benchmark, an example, the demo): esbuild bundles it to a
// temporary .mjs next to it (so relative paths and node_modules resolve), Node runs it with
// the remaining arguments, and the file is removed afterwards.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <file.ts> [args...]');
  process.exit(2);
}
const out = path.join(path.dirname(entry), `.${path.basename(entry, '.ts')}.${process.pid}.mjs`);
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: out,
  packages: 'external',
  // not tsconfig.json, whose paths point 'rnn-wasm' at the source for the tests: run against the package
  tsconfig: path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'tsconfig.build.json'),
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
try {
  const r = spawnSync(process.execPath, [...process.execArgv, out, ...args], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(out, { force: true });
}
