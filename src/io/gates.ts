// Gate block orders of the recurrent layers in the formats we read and write, and the one
// function that moves the blocks. Ours (PyTorch's): LSTM i,f,g,o; GRU r,z,n. ONNX: LSTM i,o,f,c;
// GRU z,r,h. Keras: LSTM i,f,c,o (ours); GRU z,r,h. An order lists, for each block of the result,
// the block of the source it comes from.

/** ONNX's order from ours (toOnnx), by layer kind. @internal */
export const ONNX_FROM_OURS: Readonly<Record<'LSTM' | 'GRU' | 'RNN', readonly number[]>> = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] };

/** Our order from ONNX's (fromOnnx). @internal */
export const OURS_FROM_ONNX: Readonly<Record<'LSTM' | 'GRU' | 'RNN', readonly number[]>> = { LSTM: [0, 2, 3, 1], GRU: [1, 0, 2], RNN: [0] };

/** Our order from Keras' (fromKeras): only the GRU differs. @internal */
export const OURS_FROM_KERAS: Readonly<Record<'LSTM' | 'GRU' | 'SimpleRNN', readonly number[]>> = {
  LSTM: [0, 1, 2, 3],
  GRU: [1, 0, 2],
  SimpleRNN: [0],
};

/** `data` ([G·H, ...] or [G·H]) with its G = order.length gate blocks reordered. @internal */
export function reorderGates(data: Float32Array, order: readonly number[]): Float32Array {
  const block = data.length / order.length;
  const out = new Float32Array(data.length);
  order.forEach((src, dst) => out.set(data.subarray(src * block, (src + 1) * block), dst * block));
  return out;
}
