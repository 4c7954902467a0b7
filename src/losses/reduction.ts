import { oneOf } from '../options.js';

/** How a loss combines
 its per-element values: 'mean' (default), 'sum', or 'none'. */
export type Reduction = 'none' | 'mean' | 'sum';

/** The reduction option's check. @internal */
export const REDUCTION = oneOf('none', 'mean', 'sum');

/** Validates a reduction option. @internal */
export function checkReduction(r: unknown, op: string): Reduction {
  if (r !== 'none' && r !== 'mean' && r !== 'sum') throw new Error(`${op}: reduction must be 'none', 'mean' or 'sum', got '${r}'`);
  return r;
}
