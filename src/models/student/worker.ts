/**
 * Training workers: one `worker_thread` per worker, each with its own tfjs instance, computing
 * the gradients of its part of a batch. The main thread sums them, applies Adam, and sends the
 * new weights with the next batch, so all workers always compute on the same weights.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Batch } from "./_batch.js";
import type { GradientResult } from "./_gradients.js";
import type { StudentConfig } from "./config.js";

/** A message to a training worker. */
export type WorkerRequest =
  | { readonly type: "init"; readonly id: number; readonly config: StudentConfig }
  | { readonly type: "compute"; readonly id: number; readonly weights: readonly Float32Array[]; readonly batch: Batch }
  | { readonly type: "close"; readonly id: number };

/** A training worker's answer. */
export type WorkerResponse =
  | { readonly type: "ready"; readonly id: number }
  | { readonly type: "closed"; readonly id: number }
  | { readonly type: "gradients"; readonly id: number; readonly gradients: Float32Array[]; readonly lossSum: number; readonly maskSum: number }
  | { readonly type: "error"; readonly id: number; readonly message: string };

/**
 * Where the built worker script is: next to this module when running from `dist/` or
 * `dist-bench/src/...`; from TypeScript sources (vitest), the copy in the repository's `dist/`.
 * `undefined` when neither exists (then train in-thread).
 */
export function findWorkerScript(): URL | undefined {
  const sibling = new URL("./_train_worker.js", import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL("../../../dist/models/student/_train_worker.js", import.meta.url);
  if (import.meta.url.endsWith(".ts") && existsSync(fileURLToPath(built))) return built;
  return undefined;
}

/** A started training worker. */
export interface TrainingWorker {
  compute(weights: readonly Float32Array[], batch: Batch): Promise<GradientResult>;
  close(): Promise<void>;
}

/**
 * Starts a worker from `script` and initialises it for `config`.
 *
 * @throws {Error} When the worker fails to start or to initialise tfjs.
 */
export async function startTrainingWorker(script: URL, config: StudentConfig): Promise<TrainingWorker> {
  const worker = new Worker(script);
  const pending = new Map<number, { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  function failAll(error: Error): void {
    failure = error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  }
  worker.on("message", (response: WorkerResponse) => {
    const entry = pending.get(response.id);
    if (entry === undefined) return;
    pending.delete(response.id);
    if (response.type === "error") entry.reject(new Error(`Training worker failed: ${response.message}`));
    else entry.resolve(response);
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => failAll(new Error(`Training worker exited with code ${code}`)));
  function send(request: WorkerRequest): Promise<WorkerResponse> {
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }
  try {
    await send({ type: "init", id: nextId++, config });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    async compute(weights, batch) {
      const response = await send({ type: "compute", id: nextId++, weights, batch });
      if (response.type !== "gradients") throw new Error(`Training worker answered '${response.type}' to 'compute'`);
      return { gradients: response.gradients, lossSum: response.lossSum, maskSum: response.maskSum };
    },
    async close() {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
