import { oneOf } from '../options.js';

/** How a loss combines its per-element values: 'mean' (default), 'sum', or 'none'. */
export type Reduction = 'none' | 'mean' | 'sum';

/** The reduction option's check. @internal */
export const REDUCTION = oneOf('none', 'mean', 'sum');
