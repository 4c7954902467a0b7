// Node only: saveFile / loadFile write and read the byte form of rnn.save.
import type { Module } from '../nn/module.js';
import { load, save, toBytes, fromBytes } from './save.js';

/** Writes `model` to `path` (the byte form of rnn.save). Node only. */
export async function saveFile(model: Module, path: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, toBytes(save(model)));
}

/** Reads a model written by saveFile. Node only. */
export async function loadFile(path: string): Promise<Module> {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  return load(fromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
}
