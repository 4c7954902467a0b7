// rnn-wasm for Node: the same API as the browser entry (src/index.ts), with Node's services
// installed — the wasm read from disk, worker threads for init({ threads }), saveFile/loadFile.
import { setPlatform } from './platform/platform.js';
import { nodePlatform } from './platform/node.js';

setPlatform(nodePlatform);

export * from './index.js';
