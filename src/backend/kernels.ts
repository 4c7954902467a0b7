// The typed face of the wasm core: one signature per exported kernel of assembly/index.ts.
// Pointers are byte offsets into `memory`, sizes are element counts; booleans travel as 0/1.

type Ptr = number;

/** Every kernel of the wasm core, as the instance exports it. @internal */
export interface Kernels {
  readonly memory: WebAssembly.Memory;
  heap_base(): Ptr;

  gemm_pack(packed: Ptr, b: Ptr, k: number, n: number, transposed: number): void;
  gemm_packed(c: Ptr, a: Ptr, ars: number, acs: number, packed: Ptr, bias: Ptr, m: number, k: number, n: number, accumulate: number, ldc: number): void;
  gemm_packed_panels(c: Ptr, a: Ptr, ars: number, acs: number, packed: Ptr, bias: Ptr, m: number, k: number, n: number, accumulate: number, ldc: number, p0: number, p1: number): void;

  sigmoid_forward(out: Ptr, x: Ptr, n: number): void;
  sigmoid_backward(dinp: Ptr, dout: Ptr, y: Ptr, n: number): void;
  tanh_forward(out: Ptr, x: Ptr, n: number): void;
  tanh_backward(dinp: Ptr, dout: Ptr, y: Ptr, n: number): void;
  relu_forward(out: Ptr, x: Ptr, n: number): void;
  relu_backward(dinp: Ptr, dout: Ptr, y: Ptr, n: number): void;
  exp_forward(out: Ptr, x: Ptr, n: number): void;
  exp_backward(dinp: Ptr, dout: Ptr, y: Ptr, n: number): void;
  log_forward(out: Ptr, x: Ptr, n: number): void;
  log_backward(dinp: Ptr, dout: Ptr, x: Ptr, n: number): void;

  add_forward(out: Ptr, a: Ptr, b: Ptr, n: number): void;
  sub_forward(out: Ptr, a: Ptr, b: Ptr, n: number): void;
  mul_forward(out: Ptr, a: Ptr, b: Ptr, n: number): void;
  mul_backward(dinp: Ptr, dout: Ptr, other: Ptr, n: number): void;
  div_forward(out: Ptr, a: Ptr, b: Ptr, n: number): void;
  div_backward(da: Ptr, db: Ptr, dout: Ptr, b: Ptr, y: Ptr, n: number): void;
  scale_forward(out: Ptr, x: Ptr, alpha: number, n: number): void;
  axpy(y: Ptr, x: Ptr, alpha: number, n: number): void;

  softmax_forward(out: Ptr, x: Ptr, rows: number, cols: number): void;
  softmax_backward(dinp: Ptr, dout: Ptr, y: Ptr, rows: number, cols: number): void;
  log_softmax_forward(out: Ptr, x: Ptr, rows: number, cols: number): void;
  log_softmax_backward(dinp: Ptr, dout: Ptr, y: Ptr, rows: number, cols: number): void;

  sum(x: Ptr, n: number): number;
  sum_squares(x: Ptr, n: number): number;
  sum_axis_forward(out: Ptr, x: Ptr, outer: number, n: number, inner: number): void;
  sum_axis_backward(dinp: Ptr, dout: Ptr, outer: number, n: number, inner: number): void;

  sgd_update(param: Ptr, grad: Ptr, buf: Ptr, n: number, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: number, first: number): void;
  adam_update(param: Ptr, grad: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: number, bc1: number, bc2: number): void;
  rmsprop_update(param: Ptr, grad: Ptr, sq: Ptr, gavg: Ptr, buf: Ptr, n: number, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number): void;
  adagrad_update(param: Ptr, grad: Ptr, acc: Ptr, n: number, clr: number, eps: number, weightDecay: number): void;

  clip_value(x: Ptr, lo: number, hi: number, n: number): void;
  transpose_forward(out: Ptr, x: Ptr, batch: number, rows: number, cols: number): void;

  lstm_step_forward(gates: Ptr, h: Ptr, c: Ptr, tc: Ptr, cPrev: Ptr, peep: Ptr, rows: number, H: number): void;
  lstm_step_backward(dgates: Ptr, dc: Ptr, dpeep: Ptr, dh: Ptr, gates: Ptr, cPrev: Ptr, c: Ptr, tc: Ptr, peep: Ptr, rows: number, H: number): void;

  gru_rz_forward(gates: Ptr, rh: Ptr, xw: Ptr, hw: Ptr, hPrev: Ptr, rows: number, H: number): void;
  gru_n_forward(h: Ptr, gates: Ptr, xw: Ptr, hw: Ptr, hPrev: Ptr, rows: number, H: number, resetAfter: number): void;
  gru_step_backward(dxw: Ptr, dhw: Ptr, dhPrev: Ptr, dh: Ptr, gates: Ptr, hw: Ptr, hPrev: Ptr, rows: number, H: number, resetAfter: number): void;
  gru_reset_backward(dxw: Ptr, dhw: Ptr, dhPrev: Ptr, drh: Ptr, gates: Ptr, hPrev: Ptr, rows: number, H: number): void;

  ctc_work_size(T: number, C: number, L: number): number;
  ctc_loss_forward_backward(grad: Ptr, work: Ptr, lp: Ptr, labels: Ptr, T: number, B: number, C: number, b: number, L: number, blank: number, wantGrad: number): number;
}
