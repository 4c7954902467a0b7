// What the library needs from where it runs, behind one interface so that the browser entry
// (src/index.ts) never imports Node's modules and the Node entry (src/node.ts) installs Node's:
// reading the wasm builds, reading a URL, starting worker threads, and files.

/** One of the shipped wasm builds. @internal */
export type Build = 'scalar' | 'simd' | 'relaxed' | 'simd-threads' | 'relaxed-threads';

/**
 * Starts one worker thread running `body` (plain script) with `module`, `memory` and `base` in scope
 * and a `ready()` to call; resolves when it has called it. @internal
 */
export type SpawnWorker = (body: string, data: { module: WebAssembly.Module; memory: WebAssembly.Memory; base: number }) => Promise<void>;

/** The services of the host. @internal */
export interface Platform {
  /** 'browser' or 'node', for messages. */
  readonly name: string;
  /** The bytes (or a response) of a shipped build. */
  readWasm(build: Build): Promise<ArrayBuffer | Uint8Array | Response>;
  /** The bytes at a URL the user gave (init({ wasm })). */
  readUrl(url: URL): Promise<Uint8Array>;
  /** Worker threads for init({ threads }), or the reason there are none here. */
  threads(): SpawnWorker | string;
  /**
   * How long (µs) an idle worker thread polls for its next job before it sleeps (KernelPool.spin):
   * the wake-up it saves against the core it holds meanwhile.
   */
  readonly workerSpinMicros: number;
  /** The least rows × hidden units of a recurrent step worth a team of threads (KernelPool.minTeamStep). */
  readonly minTeamStep: number;
  /** Whether the caller takes back a job its worker has not started yet (KernelPool.withdrawing). */
  readonly withdrawJobs: boolean;
  /** Files for saveFile / loadFile, or a reason there are none. */
  readonly files: { write(path: string, bytes: Uint8Array): Promise<void>; read(path: string): Promise<Uint8Array> } | string;
}

/** The bytes at an http(s) URL. @internal */
export async function fetchBytes(url: URL): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`rnn-wasm: fetching ${url} failed with HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

// Each build by a static `new URL('./file.wasm', import.meta.url)`: the pattern Vite, webpack 5 and
// Parcel recognise, so a bundled app emits exactly these files and rewrites the URLs.
const BUILD_URLS: Record<Build, () => URL> = {
  scalar: () => new URL('./rnn-scalar.wasm', import.meta.url),
  simd: () => new URL('./rnn-simd.wasm', import.meta.url),
  relaxed: () => new URL('./rnn-relaxed.wasm', import.meta.url),
  'simd-threads': () => new URL('./rnn-simd-threads.wasm', import.meta.url),
  'relaxed-threads': () => new URL('./rnn-relaxed-threads.wasm', import.meta.url),
};

// In a browser, threads need a Worker (a page's main thread may not block in Atomics.wait) and
// cross-origin isolation (shared memory): COOP/COEP headers on the page.
function browserThreads(): SpawnWorker | string {
  const g = globalThis as { WorkerGlobalScope?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof g.WorkerGlobalScope === 'undefined') {
    return 'init({ threads > 1 }) on a page needs a Web Worker: a page\'s main thread cannot block on Atomics.wait; move the model into a module Worker (new Worker(url, { type: "module" }))';
  }
  if (!g.crossOriginIsolated) {
    return 'init({ threads > 1 }) needs a cross-origin-isolated page (shared memory): serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';
  }
  if (typeof g.Worker === 'undefined')
    return 'init({ threads > 1 }) needs nested Workers, which this engine does not offer inside a Worker';
  return (body, data) => {
    const source = `self.onmessage = (e) => { const { module, memory, base } = e.data; const ready = () => self.postMessage('ready'); ${body} };`;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const w = new Worker(url);
    return new Promise<void>((resolve, reject) => {
      w.onmessage = () => {
        URL.revokeObjectURL(url);
        resolve();
      };
      w.onerror = (e) => reject(new Error(`rnn-wasm: a worker thread failed to start: ${e.message}`));
      w.postMessage(data);
    });
  };
}

/** A browser, a Web Worker, Deno or Bun: fetch, threads in Workers of isolated pages, no files. @internal */
export const browserPlatform: Platform = {
  name: 'browser',
  // short: the page's own threads (rendering, the event loop, the engine's) share the cores, and a
  // 2 ms poll measured slower on W1 in Chromium (2.7 -> 5.5 ms on two threads)
  workerSpinMicros: 100,
  // batch 1 (W1: 1 × 256 units a step) ran slower on two threads in Chromium than on one (playground
  // speed panel: 2.6 / 6.1 ms, earlier 3.1 / 4.0), while W3's 32 × 256 gains
  minTeamStep: 2048,
  // a worker that polls only 100 µs is often asleep when a job comes: Chromium W3 on two threads
  // 1.44 / 1.60 / 1.51x without, 1.52 / 1.68 / 1.56x with (alternating builds)
  withdrawJobs: true,
  async readWasm(build) {
    const url = BUILD_URLS[build]();
    const res = await fetch(url);
    if (!res.ok) {
      throw new Error(
        `rnn-wasm: fetching ${url} failed with HTTP ${res.status}: serve the .wasm files of rnn-wasm/dist beside the bundle, or pass init({ wasm: url })`,
      );
    }
    return res;
  },
  readUrl: fetchBytes,
  threads: browserThreads,
  files:
    'saveFile/loadFile read and write files, which only Node can; in a browser, rnn.toBytes(rnn.save(model)) gives the bytes (for a download, IndexedDB or OPFS) and rnn.load(bytes) reads them back',
};

let current: Platform = browserPlatform;

/** The host's services. @internal */
export function platform(): Platform {
  return current;
}

/** Installs the host's services (the Node entry does, at import). @internal */
export function setPlatform(p: Platform): void {
  current = p;
}
