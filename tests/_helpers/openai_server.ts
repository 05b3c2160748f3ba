/**
 * A small OpenAI-compatible server on 127.0.0.1 for tests, with fault injection.
 *
 * ```ts
 * const server = await startOpenAiServer({ latencyMs: 5, faults: seededFaults({ rate: 0.2, seed: 1 }) });
 * const model = createHttpModel({ baseUrl: server.url, model: "m" });
 * // … server.counts.requests, server.arrivals.get(prompt) …
 * await server.close();
 * ```
 *
 * Requests are keyed by their prompt (or the last message's content), so put a request id in the
 * prompt. By default the answer's text is `echo:<key>` (`echo:<key>#<i>` for choice i when n > 1).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { createPrng, hash32 } from "../../src/util/prng.js";

/** A fault the server can inject instead of a normal answer. */
export type Fault =
  /** Answer with this status (and headers and body; default an OpenAI error body). */
  | { readonly type: "status"; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  /** Destroy the socket without answering (connection reset). */
  | { readonly type: "reset" }
  /** Never send the headers (the client's headers timeout must fire). */
  | { readonly type: "stall" }
  /** Answer 200 with a body that is not JSON. */
  | { readonly type: "malformed" }
  /** Answer 200 with a Content-Length larger than the body, then destroy the socket. */
  | { readonly type: "truncated" }
  /** Answer normally after `ms` more milliseconds. */
  | { readonly type: "slow"; readonly ms: number }
  /** Streaming only: send one chunk, then an in-stream `{"error": …}` event. */
  | { readonly type: "stream-error" }
  /** Streaming only: send one chunk, then end the body without `[DONE]`. */
  | { readonly type: "stream-cut" };

/** What the server knows of a request when it picks a fault or an answer. */
export interface RequestContext {
  /** The prompt, or the content of the last message. */
  readonly key: string;
  /** 1 for the first arrival of this key, 2 for the second, … */
  readonly attempt: number;
  /** `/v1/completions` or `/v1/chat/completions`. */
  readonly path: string;
  /** The parsed JSON body. */
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage["headers"];
}

/** A custom answer: the text of each choice, and optional usage and headers. */
export interface Reply {
  readonly texts: readonly string[];
  readonly finishReason?: string;
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number };
  readonly headers?: Readonly<Record<string, string>>;
}

/** One arrival of a request at the server. */
export interface Arrival {
  /** `performance.now()` when the request body was read. */
  readonly at: number;
  /** The fault injected, if any. */
  fault?: Fault["type"];
  /** The retry-after (ms) the server asked for, if any. */
  retryAfterMs?: number;
  /** `performance.now()` when the answer (or fault) was sent. */
  answeredAt?: number;
}

/** Options for {@linkcode startOpenAiServer}. */
export interface OpenAiServerOptions {
  /** Port; 0 picks a free one. @default {0} */
  port?: number;
  /** Delay before every answer, in milliseconds. @default {0} */
  latencyMs?: number;
  /** Picks a fault for a request, or `undefined` for a normal answer. */
  faults?: (context: RequestContext) => Fault | undefined;
  /** Builds the answer of a request (default: echo the key). */
  handler?: (context: RequestContext) => Reply | undefined;
  /** When set, a request without `Authorization: Bearer <apiKey>` gets 401. */
  apiKey?: string;
  /** Record arrivals per key (memory grows with the number of keys). @default {true} */
  recordArrivals?: boolean;
}

/** Counters of a running server. */
export interface ServerCounts {
  requests: number;
  answered: number;
  faults: Record<string, number>;
}

/** A running test server. */
export interface OpenAiServer {
  /** The base URL, ending in `/v1`. */
  readonly url: string;
  readonly port: number;
  readonly counts: ServerCounts;
  /** Arrivals per request key, in order. */
  readonly arrivals: Map<string, Arrival[]>;
  /** Stops listening and destroys every open connection (stalled ones too). */
  close(): Promise<void>;
}

function keyOf(body: Record<string, unknown>): string {
  if (typeof body["prompt"] === "string") return body["prompt"];
  const messages = body["messages"];
  if (Array.isArray(messages) && messages.length > 0) {
    const last: unknown = messages[messages.length - 1];
    if (typeof last === "object" && last !== null && typeof (last as { content?: unknown }).content === "string") {
      return (last as { content: string }).content;
    }
  }
  return "";
}

function defaultReply(context: RequestContext): Reply {
  const n = typeof context.body["n"] === "number" ? context.body["n"] : 1;
  const texts = n === 1 ? [`echo:${context.key}`] : Array.from({ length: n }, (_, index) => `echo:${context.key}#${index}`);
  return { texts };
}

function openAiError(status: number): string {
  const code = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return JSON.stringify({ error: { message: `Injected ${status}`, type: code, param: null, code } });
}

function completionBody(context: RequestContext, reply: Reply): string {
  const chat = context.path.endsWith("/chat/completions");
  const finish = reply.finishReason ?? "stop";
  const choices = reply.texts.map((text, index) =>
    chat
      ? { index, message: { role: "assistant", content: text }, logprobs: null, finish_reason: finish }
      : { index, text, logprobs: null, finish_reason: finish, stop_reason: null }
  );
  const usage = reply.usage ?? { prompt_tokens: Math.ceil(context.key.length / 4), completion_tokens: reply.texts.join("").length };
  return JSON.stringify({
    id: "cmpl-test",
    object: chat ? "chat.completion" : "text_completion",
    created: 1730000000,
    model: typeof context.body["model"] === "string" ? context.body["model"] : "test",
    choices,
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  });
}

function streamEvents(context: RequestContext, reply: Reply): string[] {
  const chat = context.path.endsWith("/chat/completions");
  const finish = reply.finishReason ?? "stop";
  const events: string[] = [": ping"];
  const pieces = reply.texts.map((text) => {
    const middle = Math.floor(text.length / 2);
    return [text.slice(0, middle), text.slice(middle)];
  });
  for (let part = 0; part < 2; part++) {
    for (const [index, parts] of pieces.entries()) {
      const text = parts[part] ?? "";
      const last = part === 1;
      const choice = chat
        ? { index, delta: part === 0 ? { role: "assistant", content: text } : { content: text }, finish_reason: last ? finish : null }
        : { index, text, finish_reason: last ? finish : null };
      events.push(`data: ${JSON.stringify({ id: "cmpl-test", object: chat ? "chat.completion.chunk" : "text_completion", choices: [choice], usage: null })}`);
    }
  }
  const usage = reply.usage ?? { prompt_tokens: Math.ceil(context.key.length / 4), completion_tokens: reply.texts.join("").length };
  events.push(`data: ${JSON.stringify({ id: "cmpl-test", choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}`);
  events.push("data: [DONE]");
  return events.map((event) => `${event}\n\n`);
}

/**
 * Starts the server on 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await startOpenAiServer({ faults: ({ attempt }) => attempt === 1 ? { type: "status", status: 503 } : undefined });
 * ```
 */
export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const { port = 0, latencyMs = 0, recordArrivals = true } = options;
  const counts: ServerCounts = { requests: 0, answered: 0, faults: {} };
  const arrivals = new Map<string, Arrival[]>();
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();

  function answer(context: RequestContext, response: ServerResponse, arrival: Arrival): void {
    const reply = options.handler?.(context) ?? defaultReply(context);
    arrival.answeredAt = performance.now();
    counts.answered++;
    if (context.body["stream"] === true) {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...reply.headers });
      const text = streamEvents(context, reply).join("");
      // Split the stream at awkward places so events cross network reads.
      const cuts = [7, Math.floor(text.length / 3), Math.floor(text.length / 2) + 1];
      let start = 0;
      for (const cut of cuts) {
        response.write(text.slice(start, cut));
        start = cut;
      }
      response.end(text.slice(start));
      return;
    }
    const body = completionBody(context, reply);
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...reply.headers });
    response.end(body);
  }

  function inject(fault: Fault, context: RequestContext, request: IncomingMessage, response: ServerResponse, arrival: Arrival): void {
    counts.faults[fault.type] = (counts.faults[fault.type] ?? 0) + 1;
    arrival.fault = fault.type;
    switch (fault.type) {
      case "status": {
        const body = fault.body ?? openAiError(fault.status);
        const retryAfter = fault.headers?.["retry-after-ms"] ?? fault.headers?.["retry-after"];
        if (retryAfter !== undefined) {
          arrival.retryAfterMs = Number(retryAfter) * (fault.headers?.["retry-after-ms"] === undefined ? 1000 : 1);
        }
        arrival.answeredAt = performance.now();
        response.writeHead(fault.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...fault.headers });
        response.end(body);
        return;
      }
      case "reset":
        arrival.answeredAt = performance.now();
        request.socket.destroy();
        return;
      case "stall":
        return;
      case "malformed": {
        arrival.answeredAt = performance.now();
        const body = '{"choices": [{"text": "oops"';
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        response.end(body);
        return;
      }
      case "truncated": {
        arrival.answeredAt = performance.now();
        const body = completionBody(context, defaultReply(context));
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        response.write(body.slice(0, Math.floor(body.length / 2)), () => request.socket.destroy());
        return;
      }
      case "slow":
        setTimeout(() => answer(context, response, arrival), fault.ms);
        return;
      case "stream-error":
      case "stream-cut": {
        arrival.answeredAt = performance.now();
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: "par", finish_reason: null }] })}\n\n`);
        if (fault.type === "stream-error") {
          response.end(`data: ${JSON.stringify({ error: { message: "Injected stream error", type: "server_error", code: 500 } })}\n\n`);
        } else {
          response.end();
        }
        return;
      }
    }
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      counts.requests++;
      const path = (request.url ?? "").split("?")[0] ?? "";
      if (request.method !== "POST" || !(path.endsWith("/completions"))) {
        response.writeHead(404, { "content-type": "application/json" });
        response.end('{"detail":"Not Found"}');
        return;
      }
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        const given = (request.headers.authorization ?? "").replace(/^Bearer /, "");
        const body = JSON.stringify({
          error: { message: `Incorrect API key provided: ${given}. You can find your API key at https://example.invalid.`, type: "invalid_request_error", param: null, code: "invalid_api_key" },
        });
        response.writeHead(401, { "content-type": "application/json" });
        response.end(body);
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      } catch {
        response.writeHead(400, { "content-type": "application/json" });
        response.end(JSON.stringify({ object: "error", message: "Invalid JSON", type: "BadRequestError", param: null, code: 400 }));
        return;
      }
      const key = keyOf(body);
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const arrival: Arrival = { at: performance.now() };
      if (recordArrivals) {
        const list = arrivals.get(key);
        if (list === undefined) arrivals.set(key, [arrival]);
        else list.push(arrival);
      }
      const context: RequestContext = { key, attempt, path, body, headers: request.headers };
      const fault = options.faults?.(context);
      const run = (): void => {
        if (fault === undefined) answer(context, response, arrival);
        else inject(fault, context, request, response, arrival);
      };
      if (latencyMs > 0) setTimeout(run, latencyMs);
      else run();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    port: address.port,
    counts,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Short alias of {@linkcode startOpenAiServer}. */
export const start = startOpenAiServer;

/** Options for {@linkcode seededFaults}. */
export interface SeededFaultsOptions {
  /** Fraction of arrivals that get a fault. */
  readonly rate: number;
  readonly seed: number | string;
  /** The faults to draw from, uniformly. @default {429 with retry-after-ms 20, 500, 503, reset, malformed, truncated} */
  readonly kinds?: readonly Fault[];
}

/**
 * A fault picker that draws, for each (key, attempt), a fault with probability `rate`. The draw
 * depends only on the seed, key and attempt, never on arrival order.
 *
 * @example
 * ```ts
 * const faults = seededFaults({ rate: 0.2, seed: 7 });
 * ```
 */
export function seededFaults(options: SeededFaultsOptions): (context: RequestContext) => Fault | undefined {
  const kinds = options.kinds ?? [
    { type: "status", status: 429, headers: { "retry-after-ms": "20" } },
    { type: "status", status: 500 },
    { type: "status", status: 503 },
    { type: "reset" },
    { type: "malformed" },
    { type: "truncated" },
  ];
  const base = typeof options.seed === "number" ? options.seed >>> 0 : hash32(options.seed);
  return ({ key, attempt }) => {
    const random = createPrng((base ^ hash32(`${key}\u0000${attempt}`)) >>> 0);
    if (random.next() >= options.rate) return undefined;
    return random.pick(kinds);
  };
}
