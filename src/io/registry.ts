// The library's module types by name, for rnn.save / rnn.load. Loading looks a type up in this
// Map and calls the matching constructor with the saved options: nothing in a file is executed
// or used as a property path.
import type { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { LSTM } from '../nn/lstm.js';
import { GRU } from '../nn/gru.js';
import { JordanRNN } from '../nn/jordan.js';
import { ClockworkRNN } from '../nn/clockwork.js';
import { SCRN } from '../nn/scrn.js';
import { MemoryNetwork } from '../nn/memory-network.js';
import { Linear } from '../nn/linear.js';
import { Embedding } from '../nn/embedding.js';
import { Dropout } from '../nn/dropout.js';
import { LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../nn/activation.js';
import { Sequential } from '../nn/sequential.js';
import { Bidirectional } from '../nn/bidirectional.js';
import { RNNCell, LSTMCell, GRUCell } from '../nn/cells.js';
import { Attention } from '../nn/attention.js';
import { Seq2Seq } from '../nn/seq2seq.js';
import { NTM } from '../nn/ntm.js';
import type { RecurrentBase } from '../nn/recurrent.js';

/** A module's description in a saved file. */
export interface ModuleSpec {
  type: string;
  config: Record<string, unknown>;
  children?: ModuleSpec[];
}

type Factory = (config: Record<string, unknown>, children: Module[]) => Module;
const byName = new Map<string, Factory>();
/** Any module class (the registry keys classes by their constructor). */
type ModuleClass = abstract new (...args: never[]) => Module;
const byCtor = new Map<ModuleClass, string>();

/** Makes a Module class savable and loadable under `name`. */
export function registerModule(name: string, ctor: ModuleClass, factory: Factory): void {
  byName.set(name, factory);
  byCtor.set(ctor, name);
}

registerModule('RNN', RNN, (c) => new RNN(c as never));
registerModule('LSTM', LSTM, (c) => new LSTM(c as never));
registerModule('GRU', GRU, (c) => new GRU(c as never));
registerModule('JordanRNN', JordanRNN, (c) => new JordanRNN(c as never));
registerModule('ClockworkRNN', ClockworkRNN, (c) => new ClockworkRNN(c as never));
registerModule('SCRN', SCRN, (c) => new SCRN(c as never));
registerModule('MemoryNetwork', MemoryNetwork, (c) => new MemoryNetwork(c as never));
registerModule('Linear', Linear, (c) => new Linear(c as never));
registerModule('Embedding', Embedding, (c) => new Embedding(c as never));
registerModule('Dropout', Dropout, (c) => new Dropout(c as never));
registerModule('RNNCell', RNNCell, (c) => new RNNCell(c as never));
registerModule('LSTMCell', LSTMCell, (c) => new LSTMCell(c as never));
registerModule('GRUCell', GRUCell, (c) => new GRUCell(c as never));
registerModule('Attention', Attention, (c) => new Attention(c as never));
registerModule('Seq2Seq', Seq2Seq, (c) => new Seq2Seq(c as never));
registerModule('NTM', NTM, (c) => new NTM(c as never));
registerModule('ReLU', ReLU, () => new ReLU());
registerModule('Tanh', Tanh, () => new Tanh());
registerModule('Sigmoid', Sigmoid, () => new Sigmoid());
registerModule('Softmax', Softmax, (c) => new Softmax(c as never));
registerModule('LogSoftmax', LogSoftmax, (c) => new LogSoftmax(c as never));
registerModule('Sequential', Sequential, (_c, ch) => new Sequential(...ch));
registerModule('Bidirectional', Bidirectional, (c, ch) => {
  if (ch.length !== 1) throw new Error(`load: Bidirectional needs 1 child (its forward layer), got ${ch.length}`);
  return new Bidirectional(ch[0] as RecurrentBase<unknown>, c as never);
});

/** The names of every registered module type. @internal */
export function registeredTypes(): string[] {
  return [...byName.keys()];
}

/** Which children a container saves: all of them, except the backward copy of Bidirectional. */
function savedChildren(m: Module): Module[] {
  const kids = m.namedChildren().map(([, c]) => c);
  if (m instanceof Bidirectional) return [m.forwardLayer];
  return m instanceof Sequential ? kids : [];
}

/** Describes a module tree, or throws for a class that is not registered. @internal */
export function specOf(m: Module): ModuleSpec {
  const type = byCtor.get(m.constructor as ModuleClass);
  if (!type) {
    throw new Error(
      `save: ${m.constructor.name} is not a registered module type; save its weights with model.stateDict() ` +
        'or register it with registerModule(name, ctor, factory)',
    );
  }
  const spec: ModuleSpec = { type, config: m.config() };
  const kids = savedChildren(m);
  if (kids.length) spec.children = kids.map(specOf);
  return spec;
}

/** How deep saved containers may nest (a deeper file is refused before the stack overflows). */
const MAX_DEPTH = 64;

/** Rebuilds a module tree from its description, validating every field. @internal */
export function buildFromSpec(spec: unknown, path = 'model', depth = 0): Module {
  if (depth > MAX_DEPTH) throw new Error(`load: ${path} nests modules deeper than ${MAX_DEPTH} levels: a damaged or hostile file`);
  if (!spec || typeof spec !== 'object' || Array.isArray(spec))
    throw new Error(`load: ${path} must be an object, got ${Array.isArray(spec) ? 'an array' : typeof spec}`);
  const s = spec as Record<string, unknown>;
  if (typeof s.type !== 'string') throw new Error(`load: ${path}.type must be a string, got ${typeof s.type}`);
  const factory = byName.get(s.type);
  if (!factory) throw new Error(`load: ${path}.type '${s.type}' is not a known module type (${[...byName.keys()].join(', ')})`);
  if (!s.config || typeof s.config !== 'object' || Array.isArray(s.config)) throw new Error(`load: ${path}.config must be an object`);
  // a fresh object without a prototype: a key such as "__proto__" stays an ordinary (unknown) option
  const config: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(s.config as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) throw new Error(`load: ${path}.config.${k} must be a plain value`);
    config[k] = v;
  }
  const kids = s.children === undefined ? [] : s.children;
  if (!Array.isArray(kids)) throw new Error(`load: ${path}.children must be an array`);
  const children = kids.map((c, i) => buildFromSpec(c, `${path}.children[${i}]`, depth + 1));
  try {
    return factory(config, children);
  } catch (e) {
    throw new Error(`load: cannot build ${path} (${s.type}): ${(e as Error).message}`);
  }
}
