export { heap_base, zero_fill, copy_floats } from './heap';
export { gemm_pack, gemm_packed, gemm_packed_claim, gemm_packed_panels } from './matmul';
export { bmm, bmm_nt } from './bmm';
export {
  sigmoid_forward, sigmoid_backward, tanh_forward, tanh_backward, relu_forward, relu_backward,
  exp_forward, exp_backward, log_forward, log_backward,
} from './activations';
export {
  add_forward, sub_forward, mul_forward, mul_backward, div_forward, div_backward, scale_forward, axpy,
} from './elementwise';
export { softmax_forward, softmax_backward, log_softmax_forward, log_softmax_backward } from './softmax';
export { sum, sum_squares, sum_axis_forward, sum_axis_backward } from './reduce';
export { sgd_update, adam_update, rmsprop_update, adagrad_update } from './optim';
export { clip_value } from './clip';
export { transpose_forward, transpose_rows, gather_rows, pick_rows, scatter_add_rows } from './transpose';
export { cross_entropy_forward, cross_entropy_backward, first_nonfinite } from './cross-entropy';
export { lstm_step_forward, lstm_step_backward, lstm_seq_forward, lstm_seq_backward } from './lstm';
export { gru_rz_forward, gru_n_forward, gru_step_backward, gru_reset_backward, gru_seq_forward, gru_seq_backward } from './gru';
export { elman_seq_forward, elman_seq_backward } from './elman';
export { ctc_loss_forward_backward, ctc_loss_batch, ctc_used_log_space, ctc_work_size, ctc_check_input, ctc_scale_grad } from './ctc';
export { clockwork_step_forward, clockwork_step_backward } from './clockwork';
export { scrn_context_forward, scrn_step_forward, scrn_step_backward, scrn_context_backward } from './scrn';
export { additive_scores_forward, additive_scores_backward } from './attention';
