import { arena } from './wasm.js';

/** Wasm memory in use, for checking that a training loop stays flat. */
export interface MemoryStats {
  /** Bytes of the arena in use right now: 0 between operations. */
  liveBytes: number;
  /** Size of WebAssembly.Memory in bytes (grows to the largest op's working set, then stays). */
  wasmMemoryBytes: number;
  /** Bytes of packed weight panels kept between calls (one set per live recurrent weight). */
  cachedBytes: number;
  /**
   * Bytes of activations that recorded recurrent layers (and additive attention) keep in wasm
   * memory for their backward pass: given back when backward() has run through them, or when its graph is collected
   * without one (at most 256 MiB; past that they are kept as JavaScript copies instead); while
   * backward() runs, also the tape's sums of gradients with many contributions. 0 after a training
   * step's backward().
   */
  savedBytes: number;
  /** Bytes of optimiser state (momentum, moments) in wasm memory: one block per updated parameter, given back when the optimiser is collected. */
  stateBytes: number;
  /**
   * Bytes of parameters kept in wasm memory: each parameter an optimiser updates lives there too
   * (updated in place, read back into its array only when read), given back when the parameter is
   * collected or at `module.dispose()`.
   */
  paramBytes: number;
  /**
   * Bytes of gradients kept in wasm memory: a module parameter's gradient is made there by the
   * backward of the recurrent layers, Linear, Embedding, matmul and attention (and clipped and
   * used by the optimisers there), and copied into its array only when `.grad` is read. One block
   * per parameter, reused by each step's gradient; given back like the parameter's own.
   */
  gradBytes: number;
}

/** Current wasm memory figures (see {@link MemoryStats}). */
export function memoryStats(): MemoryStats {
  const a = arena();
  return {
    liveBytes: a.liveBytes,
    wasmMemoryBytes: a.memoryBytes,
    cachedBytes: a.cachedBytes,
    savedBytes: a.savedBytes,
    stateBytes: a.stateBytes,
    paramBytes: a.paramBytes,
    gradBytes: a.gradBytes,
  };
}
