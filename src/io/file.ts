// Node only: saveFile / loadFile write and read the byte form of rnn.save.
import type { Module } from '../nn/module.js';
import { load, save, toBytes, fromBytes, type LoadOptions } from './save.js';

/** Writes `model` to `path` (the byte form of rnn.save). Node only. */
export async function saveFile(model: Module, path: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, toBytes(save(model)));
}

/** Reads a model written by saveFile. Node only. */
export async function loadFile(path: string, options: LoadOptions = {}): Promise<Module> {
  if (typeof path !== 'string') throw new Error(`loadFile: path must be a string, got ${typeof path}`);
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  try {
    return load(fromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), options);
  } catch (e) {
    throw new Error(`loadFile: ${path}: ${(e as Error).message}`);
  }
}
