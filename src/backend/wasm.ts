// Loading the wasm core: the relaxed-SIMD build where the engine validates relaxed SIMD, the SIMD
// build where it validates SIMD, the scalar build elsewhere.
// In Node the .wasm files are read from beside this module (dist/) or from build/ when running
// from source; in a browser they are fetched relative to import.meta.url, or passed to init().
import { instantiate } from '@assemblyscript/loader';
import type { Kernels } from './kernels.js';
import { Arena } from './heap.js';
import { KernelPool } from './threads.js';
import { withThreads } from './parallel.js';
import { platform, type Build } from '../platform/platform.js';
import { bool, int, readOptions } from '../options.js';

/** Where init() finds the wasm core: a URL, raw bytes or a compiled module. */
export type WasmSource = string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module | Response;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * The wasm binary (its URL, bytes or compiled module). Default: the build the engine supports
   * best. With `wasm`, say which build it is through `simd` and `relaxedSimd`.
   */
  wasm?: WasmSource;
  /** Use the SIMD build (default: when the engine supports SIMD). `false` forces the scalar build. */
  simd?: boolean;
  /**
   * Use the relaxed-SIMD build, whose GEMM uses fused multiply-add (default: when the engine
   * supports relaxed SIMD, as Chrome does and Node does with --experimental-wasm-relaxed-simd).
   * Its results may differ from the SIMD build's in the last bit. `false` keeps plain SIMD.
   */
  relaxedSimd?: boolean;
  /**
   * Threads for the matrix products and gate kernels (default 1). More than 1 needs a shared
   * WebAssembly.Memory and Atomics.wait on the calling thread: Node, or a module Web Worker on a
   * cross-origin-isolated page (COOP/COEP headers); on a page's main thread it throws, saying so.
   */
  threads?: number;
}

/** What {@link backendInfo} reports. */
export interface BackendInfo {
  simd: boolean;
  /** Whether the relaxed-SIMD (fused multiply-add) build runs. */
  relaxedSimd: boolean;
  threads: number;
  version: string;
}

/** The package version (test/package.test.ts keeps it equal to package.json's). */
export const VERSION = '0.1.0';

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt drop ... )): the smallest
// function that uses a v128 instruction; validates only where SIMD is implemented.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

// a function using i8x16.relaxed_swizzle: validates only where relaxed SIMD is implemented
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11,
]);

/** Whether this engine validates WebAssembly relaxed SIMD. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** Whether this engine validates WebAssembly SIMD128. */
export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

interface Backend {
  kernels: Kernels;
  /** The calling thread's kernels, and the shared-out set (the same object without threads). */
  plain: Kernels;
  threaded: Kernels;
  arena: Arena;
  /** The worker threads, when init({ threads }) started some. */
  pool: KernelPool | null;
  info: BackendInfo;
}

let backend: Backend | null = null;
let pending: Promise<void> | null = null;
// the options of the init() that loaded (or is loading) the core, as a canonical string
let initialised: string | null = null;

function initKey(o: Partial<InitOptions>): string {
  const parts: string[] = [];
  if (o.wasm !== undefined) parts.push(`wasm: ${typeof o.wasm === 'string' || o.wasm instanceof URL ? String(o.wasm) : 'bytes'}`);
  for (const k of ['simd', 'relaxedSimd', 'threads'] as const) if (o[k] !== undefined) parts.push(`${k}: ${o[k]}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

async function toBytesOrModule(src: WasmSource): Promise<ArrayBuffer | Uint8Array | WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer) return src;
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (typeof Response !== 'undefined' && src instanceof Response) return new Uint8Array(await src.arrayBuffer());
  if (typeof src === 'string' || src instanceof URL) {
    return platform().readUrl(new URL(src.toString(), typeof location !== 'undefined' ? location.href : import.meta.url));
  }
  throw new Error(`rnn-wasm: init({ wasm }) takes a URL, bytes or a WebAssembly.Module, got ${typeof src}`);
}

/** Instantiates one wasm core from its bytes or module (tests run builds side by side). @internal */
export async function instantiateKernels(
  src: ArrayBuffer | Uint8Array | WebAssembly.Module,
  imports: Record<string, Record<string, unknown>> = {},
): Promise<Kernels> {
  const { exports } = await instantiate<Record<string, unknown>>(src as never, imports as never);
  return exports as unknown as Kernels;
}

/** Reads one of the shipped builds (Node only; tests and benchmarks). @internal */
export async function loadBuild(build: boolean | Build): Promise<Kernels> {
  const bytes = await platform().readWasm(build === true ? 'simd' : build === false ? 'scalar' : build);
  return instantiateKernels(bytes instanceof Response ? new Uint8Array(await bytes.arrayBuffer()) : bytes);
}

/**
 * Loads the wasm core once; later calls return at once (idempotent), and a later call with other
 * options throws. Picks the best build the engine runs (relaxed SIMD, SIMD, scalar).
 * @example
 * ```ts
 * import * as rnn from 'rnn-wasm';
 * await rnn.init();                 // Node or a browser
 * await rnn.init({ threads: 2 });   // Node (a first call): GEMMs and gate kernels on two threads
 * ```
 */
export function init(options: InitOptions = {}): Promise<void> {
  let given: Partial<InitOptions>;
  try {
    given = readOptions<InitOptions>('init', 'options', options, {
      wasm: (v) => (v !== null && v !== undefined ? null : 'must be a URL, bytes or a WebAssembly.Module'),
      simd: bool,
      relaxedSimd: bool,
      threads: int(1, 64),
    });
  } catch (e) {
    return Promise.reject(e);
  }
  const key = initKey(given);
  if (initialised !== null && key !== '{}' && key !== initialised) {
    return Promise.reject(
      new Error(
        `rnn-wasm: init() was already called with ${initialised}; a second call with ${key} cannot change the loaded core (restart to switch builds or threads)`,
      ),
    );
  }
  if (initialised === null) initialised = key;
  if (backend) return Promise.resolve();
  if (pending) return pending;
  pending = (async () => {
    const simd = given.simd ?? simdSupported();
    if (simd && !simdSupported()) throw new Error('rnn-wasm: init({ simd: true }) but this engine has no WebAssembly SIMD');
    const relaxed = simd && (given.relaxedSimd ?? (given.wasm === undefined && relaxedSimdSupported()));
    if (relaxed && !relaxedSimdSupported()) throw new Error('rnn-wasm: init({ relaxedSimd: true }) but this engine has no relaxed SIMD');
    const threads = given.threads ?? 1;
    // more than one thread: the host's way to start workers, or why it has none
    const spawn = threads > 1 ? platform().threads() : null;
    if (typeof spawn === 'string') throw new Error(`rnn-wasm: ${spawn}`);
    if (spawn && !simd) throw new Error('rnn-wasm: init({ threads > 1 }) needs the SIMD build');
    const build = `${relaxed ? 'relaxed' : simd ? 'simd' : 'scalar'}${threads > 1 ? '-threads' : ''}` as Build;
    const raw = given.wasm !== undefined ? await toBytesOrModule(given.wasm) : await platform().readWasm(build);
    const bytes = raw instanceof Response ? new Uint8Array(await raw.arrayBuffer()) : raw;
    const module = bytes instanceof WebAssembly.Module ? bytes : await WebAssembly.compile(bytes as BufferSource);
    // the threaded builds import one shared memory that every worker instantiates the module on
    const memory = spawn ? new WebAssembly.Memory({ initial: 64, maximum: 32768, shared: true }) : null;
    const plain = await instantiateKernels(module, memory ? { env: { memory } } : {});
    const arena = new Arena(plain);
    const pool =
      spawn && memory
        ? await KernelPool.start(
            spawn,
            module,
            memory,
            arena.reserve(KernelPool.bytes(threads - 1) / 4),
            threads - 1,
            platform().workerSpinMicros,
          )
        : null;
    if (pool) {
      pool.minTeamStep = platform().minTeamStep;
      pool.withdrawing = platform().withdrawJobs;
    }
    const kernels = pool ? withThreads(plain, pool) : plain;
    backend = { kernels, plain, threaded: kernels, arena, pool, info: { simd, relaxedSimd: relaxed, threads, version: VERSION } };
  })();
  pending.catch(() => {
    pending = null;
    initialised = null;
  });
  return pending;
}

function ready(): Backend {
  if (!backend) throw new Error('rnn-wasm: the wasm core is not loaded: call `await rnn.init()` first');
  return backend;
}

/** Whether init() has loaded the core. @internal */
export function isLoaded(): boolean {
  return backend !== null;
}

/** Which build is running: `{ simd, threads, version }`. */
export function backendInfo(): BackendInfo {
  return { ...ready().info };
}

/** The loaded kernels (shared out between threads where init({ threads }) started some). @internal */
export function kernels(): Kernels {
  return ready().kernels;
}

/**
 * Benchmarks only: run the next calls on the calling thread alone (false) or shared out again
 * (true), so one process can time both in alternation. @internal
 */
export function shareWork(on: boolean): void {
  const b = ready();
  b.kernels = on ? b.threaded : b.plain;
}

/** Benchmarks only: how long (µs) idle worker threads poll before they sleep (KernelPool.spin). @internal */
export function workerSpin(micros: number): void {
  ready().pool?.spin(micros);
}

/** Tests only: the worker threads' pool, when init({ threads }) started one. @internal */
export function workerPool(): KernelPool | null {
  return ready().pool;
}

/** The arena of the loaded core. @internal */
export function arena(): Arena {
  return ready().arena;
}
