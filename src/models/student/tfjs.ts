/**
 * The one place that loads TensorFlow.js and starts its WebAssembly backend (`student.md`).
 * Import the full `@tensorflow/tfjs` (with `tfjs-core` alone the gradients are not registered
 * under Node ESM) and point the wasm backend at the binaries that ship in its package.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname } from "node:path";

export type Tf = typeof tf;

let starting: Promise<Tf> | undefined;

/**
 * Starts tfjs on the wasm backend, once per thread; later calls return the same promise.
 *
 * @example Start tfjs
 * ```ts
 * const tf = await initTfjs();
 * assertEquals(tf.getBackend(), "wasm");
 * ```
 */
export function initTfjs(): Promise<Tf> {
  starting ??= start();
  return starting;
}

async function start(): Promise<Tf> {
  const require = createRequire(import.meta.url);
  const directory = dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  setWasmPaths(`${directory}/`);
  const ok = await tf.setBackend("wasm");
  if (!ok) throw new Error("Cannot start tfjs as the wasm backend failed to initialise");
  await tf.ready();
  return tf;
}

export { tf };
