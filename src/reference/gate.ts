// The gate activations of the reference cells: σ, or (hard) Keras 2 / tfjs's clip(0.2x + 0.5, 0, 1);
// their derivatives from the activation a: a(1 - a), or 0.2 inside (0, 1) and 0 where clipped.

/** σ(x), or the hard sigmoid. */
export const gate = (x: number, hard = false): number => (hard ? Math.min(Math.max(0.2 * x + 0.5, 0), 1) : 1 / (1 + Math.exp(-x)));

/** The gate's derivative from its activation a. */
export const gateGrad = (a: number, hard = false): number => (hard ? (a > 0 && a < 1 ? 0.2 : 0) : a * (1 - a));
