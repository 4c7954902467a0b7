// Neural Turing Machine (Graves, Wayne & Danihelka 2014): a controller (LSTM cell or a
// feed-forward layer) reads from and writes to an N×M memory through differentiable heads.
// Each head turns the controller state into an addressing (per batch entry):
//   content   w_c = softmax(β · cos(k, M_i))                     key k, strength β = softplus
//   interpolate w_g = g·w_c + (1 - g)·w_{t-1}                     gate g = σ
//   shift     w̃ = w_g ⊛ s (circular convolution over -S..S)      s = softmax
//   sharpen   w = w̃^γ / Σ w̃^γ                                    γ = 1 + softplus
// Read heads return r = Σ_i w_i M_i; write heads then erase and add:
//   M_i ← M_i ⊙ (1 - w_i e) + w_i a                              e = σ, a = tanh.
// Reads see the memory before this step's writes. Output: Linear([h; r_1..r_R]). The addressing
// and the write are one tape node each (ops/ntm-addressing.ts).
import { Tensor, zeros } from '../tensor.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { LSTMCell } from './cells.js';
import { uniformParam } from './init.js';
import { mul } from '../ops/arithmetic.js';
import { tanh } from '../ops/activations.js';
import { matmul } from '../ops/matmul.js';
import { concat, reshape, select, slice, stack } from '../ops/shape.js';
import { ntmAddress, ntmWrite } from '../ops/ntm-addressing.js';
import { checkFinite, checkTensor } from '../ops/util.js';
import { fmtShape } from '../tensor.js';
import { SIZE, int, oneOf, readOptions } from '../options.js';

/** Options of {@link NTM}. */
export interface NTMOptions {
  inputSize: number;
  outputSize: number;
  /** Controller width (default 100). */
  controllerSize?: number;
  /** 'lstm' (default) or 'feedforward' (a tanh layer with no recurrence of its own). */
  controller?: 'lstm' | 'feedforward';
  /** N, memory rows (default 128). */
  memorySize?: number;
  /** M, memory row width (default 20). */
  memoryWidth?: number;
  readHeads?: number;
  writeHeads?: number;
  /** S: shifts -S..S (default 1). */
  shiftRange?: number;
}

/** One head's addressing outputs. */
interface Address {
  w: Tensor; // [B,N]
}

/** What NTM.forward returns. */
export interface NTMOutput {
  /** [B,T,outputSize] (logits: apply sigmoid / softmax / a loss with logits). */
  output: Tensor;
  /** Per step, each read head's weighting [B,N] (for inspection). */
  readWeights: Tensor[][];
  /** Per step, each write head's weighting [B,N]. */
  writeWeights: Tensor[][];
  /** The memory after the last step [B,N,M]. */
  memory: Tensor;
}

/** A Neural Turing Machine: a controller with an external differentiable memory. */
export class NTM extends Module {
  readonly opts: Required<NTMOptions>;
  readonly controllerCell: LSTMCell | null;
  readonly controllerLayer: Linear | null;
  readonly readHeadLayers: Linear[];
  readonly writeHeadLayers: Linear[];
  readonly out: Linear;
  readonly memoryInit: Tensor; // [N,M], learned
  readonly readInit: Tensor; // [R,M], learned

  constructor(options: NTMOptions) {
    super();
    const given = readOptions<NTMOptions>(
      'NTM',
      'options',
      options,
      {
        inputSize: SIZE,
        outputSize: SIZE,
        controllerSize: SIZE,
        controller: oneOf('lstm', 'feedforward'),
        memorySize: SIZE,
        memoryWidth: SIZE,
        readHeads: int(1, 64),
        writeHeads: int(0, 64),
        shiftRange: int(0),
      },
      ['inputSize', 'outputSize'],
    );
    const o: Required<NTMOptions> = {
      inputSize: 0,
      outputSize: 0,
      controllerSize: 100,
      controller: 'lstm',
      memorySize: 128,
      memoryWidth: 20,
      readHeads: 1,
      writeHeads: 1,
      shiftRange: 1,
      ...given,
    };
    // the schema checked each option; what it cannot see is the shift's bound by the memory size
    if (2 * o.shiftRange + 1 > o.memorySize) {
      throw new Error(`NTM: shiftRange must be an integer with 2·shiftRange + 1 <= memorySize, got ${o.shiftRange}`);
    }
    this.opts = o;
    const { inputSize: I, controllerSize: Hc, memorySize: N, memoryWidth: M, readHeads: R, writeHeads: W, shiftRange: S } = o;
    const cin = I + R * M;
    this.controllerCell =
      o.controller === 'lstm' ? this.registerModule('controller', new LSTMCell({ inputSize: cin, hiddenSize: Hc })) : null;
    this.controllerLayer =
      o.controller === 'feedforward' ? this.registerModule('controller', new Linear({ inFeatures: cin, outFeatures: Hc })) : null;
    const addressing = M + 1 + 1 + (2 * S + 1) + 1;
    this.readHeadLayers = Array.from({ length: R }, (_, i) =>
      this.registerModule(`read_head${i}`, new Linear({ inFeatures: Hc, outFeatures: addressing })),
    );
    this.writeHeadLayers = Array.from({ length: W }, (_, i) =>
      this.registerModule(`write_head${i}`, new Linear({ inFeatures: Hc, outFeatures: addressing + 2 * M })),
    );
    this.out = this.registerModule('out', new Linear({ inFeatures: Hc + R * M, outFeatures: o.outputSize }));
    this.memoryInit = this.registerParameter('memory_init', uniformParam([N, M], 1 / Math.sqrt(N + M)));
    this.readInit = this.registerParameter('read_init', uniformParam([R, M], 0.01));
  }

  override config(): Record<string, unknown> {
    return { ...this.opts };
  }

  /** The addressing of one head from its parameter vector p [B,P]; see the file comment. */
  address(p: Tensor, memory: Tensor, wPrev: Tensor): Address {
    return { w: ntmAddress(p, memory, wPrev, this.opts.shiftRange) };
  }

  /** Runs the machine over x [B,T,inputSize] (batch-first) from a fresh memory. */
  forward(x: Tensor): NTMOutput {
    const op = 'NTM';
    checkTensor(x, op, 'x');
    const o = this.opts;
    if (x.ndim !== 3 || x.shape[2] !== o.inputSize) throw new Error(`${op}: x must be [B,T,${o.inputSize}], got ${fmtShape(x.shape)}`);
    checkFinite(x.peek(), op, 'x');
    const [B, T] = x.shape;
    const { memorySize: N, memoryWidth: M, readHeads: R, writeHeads: W, controllerSize: Hc } = o;
    const ones = new Tensor(new Float32Array(B).fill(1), [B, 1, 1]);
    let memory = mul(ones, reshape(this.memoryInit, [1, N, M])); // [B,N,M]
    let reads: Tensor[] = Array.from({ length: R }, (_, i) => mul(reshape(ones, [B, 1]), reshape(select(this.readInit, 0, i), [1, M])));
    const focus = zeros([B, N]);
    for (let b = 0; b < B; b++) focus.data[b * N] = 1;
    let wRead: Tensor[] = Array.from({ length: R }, () => focus);
    let wWrite: Tensor[] = Array.from({ length: W }, () => focus);
    let h = zeros([B, Hc]);
    let c = zeros([B, Hc]);
    const outputs: Tensor[] = [];
    const readWeights: Tensor[][] = [];
    const writeWeights: Tensor[][] = [];
    for (let t = 0; t < T; t++) {
      const inp = concat([select(x, 1, t), ...reads], 1);
      if (this.controllerCell) {
        const st = this.controllerCell.forward(inp, { h, c });
        h = st.h;
        c = st.c;
      } else {
        h = tanh(this.controllerLayer!.forward(inp));
      }
      wRead = this.readHeadLayers.map((layer, i) => this.address(layer.forward(h), memory, wRead[i]).w);
      reads = wRead.map((w) => reshape(matmul(reshape(w, [B, 1, N]), memory), [B, M]));
      wWrite = this.writeHeadLayers.map((layer, i) => {
        const p = layer.forward(h);
        const w = this.address(slice(p, 1, 0, p.shape[1] - 2 * M), memory, wWrite[i]).w;
        memory = ntmWrite(memory, w, slice(p, 1, p.shape[1] - 2 * M, p.shape[1] - M), slice(p, 1, p.shape[1] - M));
        return w;
      });
      outputs.push(this.out.forward(concat([h, ...reads], 1)));
      readWeights.push(wRead);
      writeWeights.push(wWrite);
    }
    return { output: stack(outputs, 1), readWeights, writeWeights, memory };
  }
}
