/**
 * A stand-in for a vLLM server with runtime LoRA updating, on 127.0.0.1 (random port), for the
 * external-trainer tests. It implements `POST /v1/load_lora_adapter` and
 * `POST /v1/unload_lora_adapter` as `protocols.md` describes them (an existing name is refused
 * unless `load_inplace` is true; `lora_path` must be a directory with `adapter_config.json`;
 * vLLM's flat error body), lists the base model and the adapters on `GET /v1/models`, and answers
 * `POST /v1/completions` and `/v1/chat/completions` for the base model or a loaded adapter by
 * forwarding them to the embedded student served by `serveStudent` (deterministic per request
 * seed). Every call is recorded in order in `events`.
 *
 * ```ts
 * const server = await startVllmLoraServer({ checkpoint: "fixtures/student/m0-msa", baseModel: "m0" });
 * // … server.url (ends in /v1), server.events, server.adapters …
 * await server.close();
 * ```
 */
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { serveStudent } from "../../src/models/student/serve.js";
import { listenLocal, readBody } from "./local_server.js";

/** One recorded call. */
export type VllmEvent =
  | { readonly type: "load"; readonly body: Record<string, unknown>; readonly status: number }
  | { readonly type: "unload"; readonly body: Record<string, unknown>; readonly status: number }
  | { readonly type: "completion"; readonly model: string; readonly status: number; readonly adapterPath?: string };

/** Options for {@linkcode startVllmLoraServer}. */
export interface VllmLoraServerOptions {
  /** The embedded student that answers every model's requests. */
  readonly checkpoint: string;
  /** The base model's served name. @default {"base"} */
  readonly baseModel?: string;
  /** Behave like a vLLM before in-place loading: refuse an existing name even with `load_inplace`. @default {false} */
  readonly legacy?: boolean;
  /** Behave like a vLLM without `VLLM_ALLOW_RUNTIME_LORA_UPDATING`: the LoRA routes answer 404. @default {true} */
  readonly loraRoutes?: boolean;
  /** When set, a request without `Authorization: Bearer <apiKey>` gets 401. */
  readonly apiKey?: string;
}

/** A running server. */
export interface VllmLoraServer {
  /** The OpenAI base URL, ending in `/v1`. */
  readonly url: string;
  /** Every call, in arrival order. */
  readonly events: VllmEvent[];
  /** The loaded adapters: name → path. */
  readonly adapters: Map<string, string>;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** vLLM's flat error body. */
function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { object: "error", message, type: status === 404 ? "NotFoundError" : "BadRequestError", param: null, code: status });
}

/** Starts the server (and the embedded student behind it). */
export async function startVllmLoraServer(options: VllmLoraServerOptions): Promise<VllmLoraServer> {
  const { baseModel = "base", legacy = false, loraRoutes = true, apiKey } = options;
  const backendName = "backend";
  const backend = await serveStudent({ checkpoint: options.checkpoint, modelName: backendName });
  const events: VllmEvent[] = [];
  const adapters = new Map<string, string>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (apiKey !== undefined && request.headers.authorization !== `Bearer ${apiKey}`) {
      return sendError(response, 401, "Unauthorized");
    }
    if (request.method === "GET" && path === "/v1/models") {
      const data = [
        { id: baseModel, object: "model", parent: null },
        ...[...adapters.keys()].map((name) => ({ id: name, object: "model", parent: baseModel })),
      ];
      return sendJson(response, 200, { object: "list", data });
    }
    if (request.method !== "POST") return sendJson(response, 404, { detail: "Not Found" });
    const text = await readBody(request);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return sendError(response, 400, "the body is not JSON");
    }
    if (path === "/v1/load_lora_adapter" || path === "/v1/unload_lora_adapter") {
      const type = path === "/v1/load_lora_adapter" ? "load" : "unload";
      const answer = (status: number, message: string) => {
        events.push({ type, body, status });
        if (status === 200) {
          response.writeHead(200, { "content-type": "text/plain" });
          response.end(message);
        } else {
          sendError(response, status, message);
        }
      };
      if (!loraRoutes) {
        events.push({ type, body, status: 404 });
        return sendJson(response, 404, { detail: "Not Found" });
      }
      const name = body["lora_name"];
      if (typeof name !== "string" || name === "") return answer(400, "'lora_name' must be a non-empty string");
      if (type === "unload") {
        if (!adapters.delete(name)) return answer(404, `The lora adapter '${name}' cannot be found.`);
        return answer(200, `Success: LoRA adapter '${name}' removed successfully.`);
      }
      const loraPath = body["lora_path"];
      if (typeof loraPath !== "string" || loraPath === "") return answer(400, "'lora_path' must be a non-empty string");
      if (adapters.has(name) && (legacy || body["load_inplace"] !== true)) {
        return answer(400, `The lora adapter '${name}' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.`);
      }
      if (!existsSync(join(loraPath, "adapter_config.json"))) return answer(400, `No adapter found for ${loraPath}`);
      adapters.set(name, loraPath);
      return answer(200, `Success: LoRA adapter '${name}' added successfully.`);
    }
    if (path === "/v1/completions" || path === "/v1/chat/completions") {
      const model = typeof body["model"] === "string" ? body["model"] : "";
      const adapterPath = adapters.get(model);
      if (model !== baseModel && adapterPath === undefined) {
        events.push({ type: "completion", model, status: 404 });
        return sendError(response, 404, `The model \`${model}\` does not exist.`);
      }
      const forwarded = await fetch(`${backend.baseUrl}${path.slice("/v1".length)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...body, model: backendName }),
      });
      const answer = (await forwarded.text()).replaceAll(`"model":"${backendName}"`, `"model":${JSON.stringify(model)}`);
      events.push({ type: "completion", model, status: forwarded.status, ...(adapterPath === undefined ? {} : { adapterPath }) });
      response.writeHead(forwarded.status, { "content-type": forwarded.headers.get("content-type") ?? "application/json" });
      response.end(answer);
      return;
    }
    return sendJson(response, 404, { detail: "Not Found" });
  }

  const { url, close } = await listenLocal((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, error instanceof Error ? error.message : String(error));
      else response.destroy();
    });
  });
  return {
    url,
    events,
    adapters,
    async close() {
      await close();
      await backend.close();
    },
  };
}
