/**
 * The training worker: holds its own tfjs (wasm) and variables, and answers each `compute`
 * message with the gradients of its part of the batch (see `worker.ts` for the protocol).
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { createLocalGradients, type LocalGradients } from "./_gradients.js";
import type { WorkerRequest, WorkerResponse } from "./worker.js";
import { initTfjs } from "./tfjs.js";

const port = parentPort;
if (port === null) throw new Error("Cannot run the training worker as it was not started as a worker thread");

let local: LocalGradients | undefined;

function reply(message: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

port.on("message", (request: WorkerRequest) => {
  void handle(request).catch((error: unknown) => {
    reply({ type: "error", id: request.id, message: error instanceof Error ? error.stack ?? error.message : String(error) });
  });
});

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case "init": {
      await initTfjs();
      local?.dispose();
      local = createLocalGradients(request.config);
      reply({ type: "ready", id: request.id });
      return;
    }
    case "compute": {
      if (local === undefined) throw new Error("Cannot compute gradients as the worker was not initialised");
      const result = local.compute(request.weights, request.batch);
      reply(
        { type: "gradients", id: request.id, gradients: result.gradients, lossSum: result.lossSum, maskSum: result.maskSum },
        result.gradients.map((values) => values.buffer as ArrayBuffer),
      );
      return;
    }
    case "close": {
      local?.dispose();
      reply({ type: "closed", id: request.id });
      port?.close();
      return;
    }
  }
}
