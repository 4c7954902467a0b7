// saveFile / loadFile write and read the byte form of rnn.save, through the host's files (Node);
// elsewhere they throw an error that names the browser-side way (toBytes / load).
import type { Module } from '../nn/module.js';
import { load, save, toBytes, fromBytes, type LoadOptions, type LoadedModule, type SaveOptions } from './save.js';
import { platform } from '../platform/platform.js';

/** Writes `model` to `path` (the byte form of rnn.save). Node only. */
export async function saveFile(model: Module, path: string, options: SaveOptions = {}): Promise<void> {
  const files = platform().files;
  if (typeof files === 'string') throw new Error(`saveFile: ${files}`);
  if (typeof path !== 'string') throw new Error(`saveFile: path must be a string, got ${typeof path}`);
  await files.write(path, toBytes(save(model, options)));
}

/** Reads a model written by saveFile. Node only. */
export async function loadFile<M extends Module = LoadedModule>(path: string, options: LoadOptions = {}): Promise<M> {
  const files = platform().files;
  if (typeof files === 'string') throw new Error(`loadFile: ${files}`);
  if (typeof path !== 'string') throw new Error(`loadFile: path must be a string, got ${typeof path}`);
  const bytes = await files.read(path);
  try {
    return load<M>(fromBytes(bytes), options);
  } catch (e) {
    throw new Error(`loadFile: ${path}: ${(e as Error).message}`);
  }
}
