/** A float array: the references run in float32 to mirror kernels, in float64 for gradient checks. */
export type Floats = Float32Array | Float64Array;
