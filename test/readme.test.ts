// Every ```ts snippet of the README runs as written: each is written to a module with its
// `from 'rnn-wasm'` pointing at the Node entry of this tree, imported, and must finish without
// an error. The quick start must also train: its printed loss falls below half of its first.
import { test, expect } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README has its snippets', () => {
  expect(snippets.length).toBeGreaterThanOrEqual(2);
});

test.each(snippets.map((s, i) => [i, s] as const))(
  'snippet %i runs as written',
  async (i, code) => {
    const dir = path.join(root, 'test', '.readme-snippets');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `snippet-${i}-${process.pid}.ts`);
    writeFileSync(file, `${code.replaceAll("from 'rnn-wasm'", `from ${JSON.stringify(path.join(root, 'src/node.ts'))}`)}\nexport {};\n`);
    const logs: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => logs.push(a.map(String).join(' '));
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      console.log = log;
      rmSync(file, { force: true });
    }
    if (i === 0) {
      // the quick start prints "step loss" every 25 steps: the model learns the labels of the valid steps
      const losses = logs.map((l) => Number(l.split(' ')[1]));
      expect(losses.length).toBe(4);
      expect(losses[3]).toBeLessThan(0.5 * losses[0]);
    }
  },
  120_000,
);
