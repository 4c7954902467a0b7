// The Clockwork RNN (Koutník et al. 2014), run over a whole sequence by the recurrent driver.
// The hidden units form modules i = 0..g-1 with periods T_0 < T_1 < ...; at step t (counted from
// 0, per sequence) the modules with t mod T_i = 0 tick:
//   h_t[i] = act(x_t·W_ihᵀ + b_ih + b_hh + h_{t-1}·W_hhᵀ)[i]   for the units of ticking modules
//   h_t[i] = h_{t-1}[i]                                         for the others
// and W_hh is block upper triangular: a module reads only the modules at or after it (its own
// period and slower ones). The entries below the blocks are zero and stay zero: their gradient is
// masked out, and the layer refuses a W_hh that has them.
// forward:  xw[t][:, :R] += h·W_hh[:R]ᵀ, R = the end of the last ticking module (the rows of
//           slower modules are not computed);  h' = tick ? act(xw[t]) : h
// backward: dz = tick ? act'(dh) : 0;  dh_prev = dz·W_hh + (tick ? 0 : dh) (by ticking module, on
//           its blocks only);  dW_hh = Σ_t dzᵀ·h_prev
// x [B,T,I] (batchFirst) or [T,B,I]; h0 [1,B,H] -> output [.., H], hN [1,B,H] (one direction;
// the layer runs a reversed copy for the second).
import type { Tensor } from '../tensor.js';
import type { Arena } from '../backend/heap.js';
import { gemmPacked, packInArena } from '../backend/gemm.js';
import { runLayer, type Cell, type LayerCall } from './recurrent.js';
import type { ElmanWeights } from './elman.js';
import type { RecurrentResult } from './lstm.js';

/** The modules of a Clockwork layer: where each starts, its size and period. @internal */
export interface ClockModules {
  readonly starts: readonly number[];
  readonly sizes: readonly number[];
  readonly periods: readonly number[];
  /** [H·H]: 1 where unit i may read unit j (j's module at or after i's), else 0. */
  readonly connectivity: Float32Array;
}

/**
 * Splits H units into one module per period, as evenly as possible (the faster modules take the
 * remainder). Periods must be strictly increasing positive integers. @internal
 */
export function clockModules(H: number, periods: readonly number[]): ClockModules {
  const g = periods.length;
  const sizes = periods.map((_, i) => Math.floor(H / g) + (i < H % g ? 1 : 0));
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, v) => a + v, 0));
  const connectivity = new Float32Array(H * H);
  for (let m = 0; m < g; m++) for (let u = starts[m]; u < starts[m] + sizes[m]; u++) connectivity.fill(1, u * H + starts[m], (u + 1) * H);
  return { starts, sizes, periods, connectivity };
}

/** Writes the tick mask of step t (1 per unit of a ticking module) at ptr; returns R, the end of the last ticking module. */
function tick(ar: Arena, ptr: number, mods: ClockModules, H: number, t: number): number {
  const mask = ar.view(ptr, H);
  let reach = 0;
  mods.periods.forEach((p, m) => {
    const on = t % p === 0;
    mask.fill(on ? 1 : 0, mods.starts[m], mods.starts[m] + mods.sizes[m]);
    if (on) reach = mods.starts[m] + mods.sizes[m];
  });
  return reach;
}

/** Shapes and layout of one Clockwork layer call. @internal */
export interface ClockworkLayerConfig extends LayerCall {
  hiddenSize: number;
  relu: boolean;
  modules: ClockModules;
}

function clockworkCell(H: number, relu: boolean, mods: ClockModules): Cell<ElmanWeights, Record<string, never>> {
  return {
    name: 'clockwork',
    gates: H,
    stateSizes: [H],
    tensors: (w) => [w.wIh, w.wHh, w.bIh, w.bHh],
    inputBiases: (w) => [w.bIh, w.bHh],

    forward({ ar, k, xw, next: [y], packed: pack }, w) {
      const packed = pack(w.wHh, H, H);
      const mask = ar.alloc(H);
      const step = (t: number, rows: number, [h]: readonly number[]) => {
        const reach = tick(ar, mask, mods, H, t);
        if (reach > 0) gemmPacked(k, xw.at(t), h, H, 1, packed, 0, rows, H, reach, true, H);
        k.clockwork_step_forward(y.at(t), xw.at(t), h, mask, rows, H, relu ? 1 : 0);
      };
      return { step, keep: {} };
    },

    backward({ ar, k, dXW, dState: [dh], history: [hPrev], next: [y], data, gradTN }, w) {
      // dh_prev += dz·W_hh module by module: module m's rows of W_hh are non-zero only in the
      // columns of modules m.., so each ticking module adds dz[:, m]·W_hh[m, m..] to dh_prev[:, m..]
      const whh = data(w.wHh);
      const packed = mods.starts.map((s0, m) => {
        const rowsM = mods.sizes[m];
        const cols = H - s0;
        const block = new Float32Array(rowsM * cols);
        for (let r = 0; r < rowsM; r++) block.set(whh.subarray((s0 + r) * H + s0, (s0 + r + 1) * H), r * cols);
        return packInArena(k, ar, ar.put(block), rowsM, cols, 0);
      });
      const mask = ar.alloc(H);
      const step = (t: number, rows: number, dht: number) => {
        tick(ar, mask, mods, H, t);
        k.clockwork_step_backward(dXW.at(t), dh, dht, y.at(t), mask, rows, H, relu ? 1 : 0);
        mods.periods.forEach((p, m) => {
          if (t % p !== 0) return;
          const s0 = mods.starts[m];
          gemmPacked(k, dh + 4 * s0, dXW.at(t) + 4 * s0, H, 1, packed[m], 0, rows, mods.sizes[m], H - s0, true, H);
        });
      };
      return { step, grads: () => gradTN(w.wHh, dXW, hPrev, mods.connectivity) };
    },
  };
}

/** Runs one direction of a Clockwork layer; see the file comment. @internal */
export function clockworkLayer(x: Tensor, h0: Tensor | null, w: ElmanWeights, cfg: ClockworkLayerConfig): RecurrentResult {
  const { output, states } = runLayer(clockworkCell(cfg.hiddenSize, cfg.relu, cfg.modules), x, [h0], [w], cfg);
  return { output, hN: states[0], cN: null };
}

/** The first entry of W_hh [H,H] outside the block structure that is not 0, or null. @internal */
export function firstOffBlock(wHh: Float32Array, mods: ClockModules): number | null {
  const c = mods.connectivity;
  for (let i = 0; i < c.length; i++) if (c[i] === 0 && wHh[i] !== 0) return i;
  return null;
}
