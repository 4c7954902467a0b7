// The kernel table (src/backend/kernels.ts) is the one declaration of the wasm core's kernels:
// it must name exactly the module's exports, with their arities, on every build, and every
// thread split must refer to arguments and kernels that exist.
import { describe, test, expect } from 'vitest';
import { KERNEL_TABLE, WORKER_JOBS, type KernelSpec } from '../../src/backend/kernels.js';
import { readFileSync } from 'node:fs';
import { BUILDS } from '../helpers.js';

describe.each(BUILDS)('%s build', (build) => {
  test('the table names every exported function with its arity, and nothing else', async () => {
    // the module itself, not the loader's wrappers (which add helpers and hide arities)
    const bytes = readFileSync(new URL(`../../build/rnn-${build}.wasm`, import.meta.url));
    const { instance } = await WebAssembly.instantiate(bytes, { env: { abort() {} } });
    const k = instance.exports as Record<string, unknown>;
    const exported = Object.keys(k)
      .filter((name) => typeof k[name] === 'function')
      .sort();
    expect(Object.keys(KERNEL_TABLE).sort()).toEqual(exported);
    for (const [name, spec] of Object.entries(KERNEL_TABLE) as [string, KernelSpec][]) {
      expect((k[name] as (...a: number[]) => unknown).length, name).toBe(spec.args.length);
    }
  });
});

test('every split names arguments of its kernel, and the worker can run it', () => {
  for (const [name, spec] of Object.entries(KERNEL_TABLE) as [string, KernelSpec][]) {
    const split = spec.split;
    if (!split) continue;
    if (split.kind === 'panels') {
      const worker = (KERNEL_TABLE as Record<string, KernelSpec>)[split.worker];
      expect(worker.args, name).toEqual([...spec.args, 'claims', 'who']);
      expect(WORKER_JOBS).toContain(split.worker);
    } else {
      expect(WORKER_JOBS).toContain(name);
      if (split.kind === 'rows') {
        expect(spec.args, name).toContain('rows');
        expect(spec.args, name).toContain(split.width ?? 'H');
        for (const a of Object.keys(split.stride)) expect(spec.args, `${name} stride ${a}`).toContain(a);
        if (split.serialIf) expect(spec.args).toContain(split.serialIf);
      } else if (split.kind === 'range') {
        expect(spec.args.slice(-2)[1], name).toBe(split.count);
        if (split.per) expect(spec.args, name).toContain(split.per);
      } else if (split.kind === 'team') {
        expect(spec.args.slice(-2), name).toEqual(['self', 'team']);
      } else {
        expect(spec.args[spec.args.length - 1], name).toBe('n');
      }
    }
  }
  // the worker's control block holds 13 arguments
  for (const job of WORKER_JOBS) expect(KERNEL_TABLE[job].args.length).toBeLessThanOrEqual(13);
});
