// RNN, LSTM and GRU against PyTorch: outputs, final states and every gradient, from the JSON
// fixtures written by scripts/make_recurrent_fixtures.py.
import { describe, test, expect, beforeAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import * as rnn from '../../src/node.js';
import { expectClose } from '../helpers.js';

interface J {
  shape: number[];
  data: number[];
}
interface Fixture {
  name: string;
  kind: 'RNN' | 'LSTM' | 'GRU';
  options: Record<string, unknown>;
  x: J;
  lengths: number[] | null;
  h0: J | null;
  c0: J | null;
  stateDict: Record<string, J>;
  R: J;
  RH: J;
  RC: J | null;
  output: J;
  hN: J;
  cN: J | null;
  grads: Record<string, J>;
}

const dir = new URL('../fixtures/recurrent/', import.meta.url);
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

beforeAll(async () => {
  await rnn.init();
});

const t = (j: J, requiresGrad = false) => rnn.tensor(j.data, j.shape, { requiresGrad });

function build(fx: Fixture) {
  const Ctor = { RNN: rnn.RNN, LSTM: rnn.LSTM, GRU: rnn.GRU }[fx.kind];
  const m = new Ctor(fx.options as never);
  m.loadStateDict(fx.stateDict);
  return m;
}

describe.each(fixtures.map((f) => [f.name, f] as const))('%s matches PyTorch', (_name, fx) => {
  const tol = { rtol: 2e-4, atol: 2e-5 };
  test('forward: output, hN, cN', () => {
    const m = build(fx);
    const res = m.forward(t(fx.x), { h0: fx.h0 ? t(fx.h0) : null, c0: fx.c0 ? t(fx.c0) : null, lengths: fx.lengths });
    expect(res.output.shape).toEqual(fx.output.shape);
    expectClose(res.output.data, fx.output.data, tol);
    expect(res.hN.shape).toEqual(fx.hN.shape);
    expectClose(res.hN.data, fx.hN.data, tol);
    if (fx.cN) expectClose(res.cN!.data, fx.cN.data, tol);
  });
  test('backward: gradients of x, h0, c0 and every weight for sum(output·R) + sum(hN·RH) + sum(cN·RC)', () => {
    const m = build(fx);
    const x = t(fx.x, true);
    const h0 = fx.h0 ? t(fx.h0, true) : null;
    const c0 = fx.c0 ? t(fx.c0, true) : null;
    const res = m.forward(x, { h0, c0, lengths: fx.lengths });
    let loss = rnn.ops.add(rnn.ops.sum(rnn.ops.mul(res.output, t(fx.R))), rnn.ops.sum(rnn.ops.mul(res.hN, t(fx.RH))));
    if (fx.RC) loss = rnn.ops.add(loss, rnn.ops.sum(rnn.ops.mul(res.cN!, t(fx.RC))));
    loss.backward();
    const gtol = { rtol: 5e-4, atol: 5e-5 };
    expectClose(x.grad!.data, fx.grads.x.data, gtol);
    if (h0) expectClose(h0.grad!.data, fx.grads.h0.data, gtol);
    if (c0) expectClose(c0.grad!.data, fx.grads.c0.data, gtol);
    const named = Object.fromEntries(m.namedParameters());
    for (const [name, g] of Object.entries(fx.grads)) {
      if (name === 'x' || name === 'h0' || name === 'c0') continue;
      expect(named[name], `parameter ${name}`).toBeDefined();
      expect(named[name].grad, `gradient of ${name}`).not.toBeNull();
      try {
        expectClose(named[name].grad!.data, g.data, gtol);
      } catch (e) {
        throw new Error(`gradient of ${name}: ${(e as Error).message}`);
      }
    }
  });
});
