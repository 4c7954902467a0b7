// What the library needs from where it runs, behind one interface so that the browser entry
// (src/index.ts) never imports Node's modules and the Node entry (src/node.ts) installs Node's:
// reading the wasm builds, reading a URL, starting worker threads, and files.

/** One of the shipped wasm builds. @internal */
export type Build = 'scalar' | 'simd' | 'relaxed' | 'simd-threads' | 'relaxed-threads';

/** Starts one worker thread running `source` (CommonJS) with `data`; resolves when it reports ready. @internal */
export type SpawnWorker = (source: string, data: unknown) => Promise<void>;

/** The services of the host. @internal */
export interface Platform {
  /** 'browser' or 'node', for messages. */
  readonly name: string;
  /** The bytes (or a response) of a shipped build. */
  readWasm(build: Build): Promise<ArrayBuffer | Uint8Array | Response>;
  /** The bytes at a URL the user gave (init({ wasm })). */
  readUrl(url: URL): Promise<Uint8Array>;
  /** Worker threads for init({ threads }), or a reason there are none. */
  readonly spawnWorker: SpawnWorker | string;
  /** Files for saveFile / loadFile, or a reason there are none. */
  readonly files: { write(path: string, bytes: Uint8Array): Promise<void>; read(path: string): Promise<Uint8Array> } | string;
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
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

/** A browser, a Web Worker, Deno or Bun: fetch, and no files or threads (yet). @internal */
export const browserPlatform: Platform = {
  name: 'browser',
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
  spawnWorker: 'init({ threads > 1 }) needs Node: a browser page cannot block on Atomics.wait, so it runs on one thread',
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
