// npm's `prepare` and `prepack` hooks. prepare builds the wasm, the bundles and the types after
// `npm ci` / `npm install` in a checkout (CI and developers need them); on `npm pack` / `npm publish`
// it leaves the build to prepack, which builds the tarball's contents — except on a dry run
// (`npm pack --dry-run` lists what would be packed and builds nothing).
import { spawnSync } from 'node:child_process';

const hook = process.argv[2] === '--pack' ? 'prepack' : 'prepare';
const command = process.env.npm_command;
const dryRun = process.env.npm_config_dry_run === 'true';
if (hook === 'prepare' && (command === 'pack' || command === 'publish')) process.exit(0);
if (hook === 'prepack' && dryRun) process.exit(0);
const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
