/**
 * The Model port over any OpenAI-compatible server (vLLM, llama.cpp, Ollama, TGI, OpenAI):
 * `/v1/completions` (raw continuation) or `/v1/chat/completions` (optionally continuing a final
 * assistant message: `chat-prefill`), plain JSON or SSE streaming, over a keep-alive undici pool
 * with explicit timeouts, with typed errors, one retry layer and an optional shared endpoint
 * limiter.
 *
 * @module
 */
import { EventEmitter } from "node:events";
import * as E from "fp-ts/lib/Either.js";
import { Observable } from "rxjs";
import { Pool, type Dispatcher } from "undici";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import type { ModelRequest, ModelResponse } from "../codecs/model_call.js";
import {
  ChatResponse,
  CompletionResponse,
  ErrorBody,
  StreamChunk,
  type WireUsage,
} from "../codecs/openai_wire.js";
import { estimateTokens, type EndpointLimiter } from "../streams/limit_endpoint.js";
import { retryTransient, type HeaderRecord, type RetryTransientOptions } from "../streams/retry_transient.js";
import { createPrng } from "../util/prng.js";
import { SseDecoder } from "./_sse.js";
import {
  EndpointBodyError,
  EndpointConnectionError,
  EndpointError,
  PrefillUnsupportedError,
  EndpointTimeoutError,
  errorFromResponse,
  errorFromStreamEvent,
} from "./errors.js";
import type { Model } from "./model.js";

/** Options for {@linkcode createHttpModel}. */
export interface HttpModelOptions {
  /** The server's base URL, ending in `/v1` (e.g. `http://127.0.0.1:8000/v1`). */
  baseUrl: string;
  /** The served model name (a request's `model` overrides it). */
  model: string;
  /** The API key itself (read by the caller from an environment variable). Never logged. */
  apiKey?: string;
  /**
   * Which endpoint to call: `completions`, `chat`, or `chat-prefill` — `/v1/chat/completions`
   * where a request whose messages end with an assistant message asks the server to continue that
   * message (`continue_final_message: true`, `add_generation_prompt: false`, vLLM's fields; see
   * {@linkcode PREFILL_FIELDS}) and the response holds only the continuation.
   * @default {"completions"}
   */
  endpoint?: HttpEndpoint;
  /**
   * Extra top-level fields of every request body (e.g. `{"chat_template_kwargs": {...}}`), sent as
   * given. They cannot replace the fields the adapter writes (`model`, `prompt`, `messages`,
   * sampling, `stream`).
   */
  extraBody?: Readonly<Record<string, unknown>>;
  /** Stream the answer as server-sent events and collect it. @default {false} */
  stream?: boolean;
  /** Longest wait for the response headers, in milliseconds. @default {60000} */
  headersTimeoutMs?: number;
  /** Longest silence while the body arrives, in milliseconds. @default {300000} */
  bodyTimeoutMs?: number;
  /** Retries of a transient failure (not attempts). @default {2} */
  maxRetries?: number;
  /** Backoff settings of the retries (see `retryTransient`). */
  retry?: Omit<RetryTransientOptions, "maxRetries" | "isRetryable" | "retryAfterMs">;
  /** A limiter shared by every caller of this endpoint; each attempt passes through it. */
  limiter?: EndpointLimiter;
  /** An undici dispatcher to send through instead of the model's own pool. */
  dispatcher?: Dispatcher;
  /** Connections of the model's own keep-alive pool. @default {64} */
  connections?: number;
  /** Extra request headers (e.g. `OpenAI-Organization`). */
  headers?: Readonly<Record<string, string>>;
}

/** The endpoints an HTTP model can call (see {@linkcode HttpModelOptions.endpoint}). */
export type HttpEndpoint = "completions" | "chat" | "chat-prefill";

/** The endpoint kinds, for flags and config checks. */
export const HTTP_ENDPOINTS: readonly HttpEndpoint[] = ["completions", "chat", "chat-prefill"];

/**
 * The body fields a `chat-prefill` request whose last message is an assistant message carries:
 * vLLM (and SGLang, and llama.cpp's server since it aligned with vLLM) then render the chat
 * without closing that message and without a new assistant header, so the model continues it.
 * llama.cpp's server and Anthropic's Messages API continue a trailing assistant message even
 * without them; OpenAI's API rejects them with a 400 ({@linkcode PrefillUnsupportedError}).
 */
export const PREFILL_FIELDS: Readonly<Record<string, unknown>> = { continue_final_message: true, add_generation_prompt: false };

const OWNED_FIELDS = new Set(["model", "prompt", "messages", "temperature", "top_p", "max_tokens", "stop", "n", "seed", "stream", "stream_options"]);

/** Whether a request continues a final assistant message (on the `chat-prefill` endpoint). */
function isPrefillRequest(endpoint: HttpEndpoint, request: ModelRequest): boolean {
  return endpoint === "chat-prefill" && "messages" in request && request.messages[request.messages.length - 1]?.role === "assistant";
}

/** A Model over HTTP, with a way to close its connections. */
export type HttpModel = Model & {
  /** Closes the model's own connection pool (not a dispatcher passed in). */
  readonly close: () => Promise<void>;
};

const decodeCompletion = decodeWith(CompletionResponse);
const decodeChat = decodeWith(ChatResponse);
const decodeChunk = decodeWith(StreamChunk);
const decodeErrorBody = decodeWith(ErrorBody);

function checkTimeout(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`Cannot create an HTTP model as '${name}' must be a positive number: current value is ${value}`);
  }
}

function usageOf(usage: WireUsage | null | undefined): ModelResponse["usage"] {
  return usage === null || usage === undefined
    ? undefined
    : { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
}

interface WireChoice {
  readonly index?: number | undefined;
  readonly text: string;
  readonly finishReason: string;
}

function toResponse(choices: WireChoice[], usage: ModelResponse["usage"], model: string | undefined): ModelResponse {
  const ordered = choices.every((choice, position) => (choice.index ?? position) === position)
    ? choices
    : [...choices].sort((left, right) => (left.index ?? 0) - (right.index ?? 0));
  const response: ModelResponse = { choices: ordered.map((choice) => ({ text: choice.text, finishReason: choice.finishReason })) };
  if (usage !== undefined) response.usage = usage;
  if (model !== undefined) response.model = model;
  return response;
}

function undiciCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Creates a Model that calls an OpenAI-compatible server. Each call is a cold Observable:
 * subscribing sends the request, unsubscribing aborts it. Transient failures are retried
 * `maxRetries` times (honouring `retry-after`); the failure that remains is an `EndpointError`.
 *
 * @example Continue a prompt on a local vLLM
 * ```ts
 * const model = createHttpModel({ baseUrl: "http://127.0.0.1:8000/v1", model: "Qwen2.5-7B", headersTimeoutMs: 30_000 });
 * const response = await firstValueFrom(model({ prompt: "1 + 1 =", maxTokens: 4, temperature: 0 }));
 * await model.close();
 * ```
 */
export function createHttpModel(options: HttpModelOptions): HttpModel {
  const {
    model: defaultModel,
    apiKey,
    endpoint = "completions",
    stream = false,
    headersTimeoutMs = 60_000,
    bodyTimeoutMs = 300_000,
    maxRetries = 2,
    limiter,
    connections = 64,
  } = options;
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError(`Cannot create an HTTP model as 'baseUrl' must be a URL: current value is ${options.baseUrl}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Cannot create an HTTP model as 'baseUrl' must be http or https: current value is ${url.protocol}`);
  }
  checkTimeout("headersTimeoutMs", headersTimeoutMs);
  checkTimeout("bodyTimeoutMs", bodyTimeoutMs);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`Cannot create an HTTP model as 'maxRetries' must be a non-negative integer: current value is ${maxRetries}`);
  }
  if (!Number.isInteger(connections) || connections < 1) {
    throw new RangeError(`Cannot create an HTTP model as 'connections' must be a positive integer: current value is ${connections}`);
  }
  if (!HTTP_ENDPOINTS.includes(endpoint)) {
    throw new TypeError(`Cannot create an HTTP model as 'endpoint' must be one of ${HTTP_ENDPOINTS.join(", ")}: current value is ${String(endpoint)}`);
  }
  const extraBody = options.extraBody ?? {};
  for (const field of Object.keys(extraBody)) {
    if (OWNED_FIELDS.has(field)) {
      throw new TypeError(`Cannot create an HTTP model as 'extraBody' must not set a field the adapter writes: current value names '${field}'`);
    }
  }
  const chat = endpoint !== "completions";
  const origin = url.origin;
  const place = url.host;
  const path = `${url.pathname.replace(/\/+$/, "")}/${chat ? "chat/completions" : "completions"}`;
  const ownPool = options.dispatcher === undefined
    ? new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: headersTimeoutMs, bodyTimeout: bodyTimeoutMs })
    : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownPool as Pool);
  const headers: Record<string, string> = {
    ...options.headers,
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  };
  if (apiKey !== undefined && apiKey !== "") headers["authorization"] = `Bearer ${apiKey}`;
  const secret = apiKey !== undefined && apiKey.length >= 4 ? apiKey : undefined;
  function redact(text: string): string {
    const scrubbed = secret === undefined ? text : text.split(secret).join("[redacted]");
    return scrubbed.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, "sk-[redacted]");
  }

  function bodyOf(request: ModelRequest): string | EndpointError {
    const wire: Record<string, unknown> = { ...extraBody, model: request.model ?? defaultModel };
    if ("messages" in request) {
      if (!chat) {
        return new EndpointError("Cannot send chat messages to /v1/completions: use the chat endpoint", { retryable: false });
      }
      wire["messages"] = request.messages;
      if (isPrefillRequest(endpoint, request)) Object.assign(wire, PREFILL_FIELDS);
    } else if (chat) {
      wire["messages"] = [{ role: "user", content: request.prompt }];
    } else {
      wire["prompt"] = request.prompt;
    }
    if (request.temperature !== undefined) wire["temperature"] = request.temperature;
    if (request.topP !== undefined) wire["top_p"] = request.topP;
    if (request.maxTokens !== undefined) wire["max_tokens"] = request.maxTokens;
    if (request.stop !== undefined) wire["stop"] = request.stop;
    if (request.n !== undefined) wire["n"] = request.n;
    if (request.seed !== undefined) wire["seed"] = request.seed;
    if (stream) {
      wire["stream"] = true;
      wire["stream_options"] = { include_usage: true };
    }
    return JSON.stringify(wire);
  }

  function transportError(error: unknown, phase: "headers" | "body"): EndpointError {
    const code = undiciCode(error);
    if (EndpointError.isInstance(error)) return error;
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") {
      return new EndpointTimeoutError(`Cannot complete the request as ${place} sent no headers within ${headersTimeoutMs} ms`, "headers", error);
    }
    if (code === "UND_ERR_BODY_TIMEOUT") {
      return new EndpointTimeoutError(`Cannot complete the request as ${place} stopped sending the body for ${bodyTimeoutMs} ms`, "body", error);
    }
    if (phase === "body") {
      return new EndpointBodyError(`Cannot read the response body from ${place}: ${code ?? "read failed"}`, { cause: error });
    }
    return new EndpointConnectionError(`Cannot reach the endpoint at ${place}: ${code ?? "connection failed"}`, error);
  }

  function decodeJson(statusCode: number, text: string): ModelResponse | EndpointError {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return new EndpointBodyError(`Cannot read the response body from ${place} as JSON (status ${statusCode}, ${text.length} characters)`, { status: statusCode });
    }
    if (chat) {
      const decoded = decodeChat(parsed);
      if (E.isLeft(decoded)) return new EndpointBodyError(`Cannot decode the chat response from ${place}: ${describeFailure(decoded.left)}`, { status: statusCode });
      const body = decoded.right;
      const choices: WireChoice[] = [];
      for (const choice of body.choices) {
        choices.push({ index: choice.index, text: choice.message.content ?? "", finishReason: choice.finish_reason ?? "stop" });
      }
      return toResponse(choices, usageOf(body.usage), body.model);
    }
    const decoded = decodeCompletion(parsed);
    if (E.isLeft(decoded)) return new EndpointBodyError(`Cannot decode the completion response from ${place}: ${describeFailure(decoded.left)}`, { status: statusCode });
    const body = decoded.right;
    const choices: WireChoice[] = [];
    for (const choice of body.choices) {
      choices.push({ index: choice.index, text: choice.text, finishReason: choice.finish_reason ?? "stop" });
    }
    return toResponse(choices, usageOf(body.usage), body.model);
  }

  async function readStream(statusCode: number, body: AsyncIterable<Buffer | string>): Promise<ModelResponse | EndpointError> {
    const decoder = new TextDecoder();
    const events = new SseDecoder();
    const texts = new Map<number, string[]>();
    const finishes = new Map<number, string>();
    let usage: ModelResponse["usage"];
    let model: string | undefined;
    let done = false;
    function handle(data: string, name: string | undefined): EndpointError | undefined {
      if (data === "[DONE]") {
        done = true;
        return undefined;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        return new EndpointBodyError(`Cannot read a stream event from ${place} as JSON (${data.length} characters)`, { status: statusCode });
      }
      const asError = decodeErrorBody(parsed);
      if (E.isRight(asError) && (name === "error" || "error" in asError.right || (parsed as { object?: unknown }).object === "error")) {
        return errorFromStreamEvent(asError.right, redact);
      }
      const decoded = decodeChunk(parsed);
      if (E.isLeft(decoded)) return new EndpointBodyError(`Cannot decode a stream chunk from ${place}: ${describeFailure(decoded.left)}`, { status: statusCode });
      const chunk = decoded.right;
      if (chunk.usage !== undefined && chunk.usage !== null) usage = usageOf(chunk.usage);
      if (chunk.model !== undefined) model = chunk.model;
      for (const [position, choice] of chunk.choices.entries()) {
        const index = choice.index ?? position;
        const piece = "text" in choice ? choice.text : (choice.delta.content ?? "");
        const parts = texts.get(index);
        if (parts === undefined) texts.set(index, [piece]);
        else parts.push(piece);
        if (choice.finish_reason !== undefined && choice.finish_reason !== null) finishes.set(index, choice.finish_reason);
      }
      return undefined;
    }
    for await (const piece of body) {
      const text = typeof piece === "string" ? piece : decoder.decode(piece, { stream: true });
      for (const event of events.push(text)) {
        const failure = handle(event.data, event.event);
        if (failure !== undefined) return failure;
      }
    }
    for (const event of events.push(decoder.decode()).concat(events.end())) {
      const failure = handle(event.data, event.event);
      if (failure !== undefined) return failure;
    }
    const indexes = [...texts.keys()].sort((left, right) => left - right);
    const complete = indexes.length > 0 && indexes.every((index) => finishes.has(index));
    if (!done && !complete) {
      return new EndpointBodyError(`Cannot read the stream from ${place} as it ended before [DONE]`, { status: statusCode });
    }
    return toResponse(
      indexes.map((index) => ({ index, text: (texts.get(index) ?? []).join(""), finishReason: finishes.get(index) ?? "stop" })),
      usage,
      model,
    );
  }

  function send(request: ModelRequest): Observable<ModelResponse> {
    return new Observable<ModelResponse>((subscriber) => {
      const payload = bodyOf(request);
      const prefill = isPrefillRequest(endpoint, request);
      if (typeof payload !== "string") {
        subscriber.error(payload);
        return undefined;
      }
      // undici accepts an EventEmitter as the signal: cheaper per request than an AbortController.
      const signal = new EventEmitter();
      let aborted = false;
      let settled = false;
      function fail(error: EndpointError): void {
        settled = true;
        subscriber.error(error);
      }
      (async () => {
        let response: Dispatcher.ResponseData<null>;
        try {
          response = await dispatcher.request({
            origin,
            path,
            method: "POST",
            headers,
            body: payload,
            signal,
            headersTimeout: headersTimeoutMs,
            bodyTimeout: bodyTimeoutMs,
          });
        } catch (error) {
          if (!aborted) fail(transportError(error, "headers"));
          return;
        }
        const { statusCode, headers: responseHeaders, body } = response;
        limiter?.observeHeaders(responseHeaders as HeaderRecord);
        let result: ModelResponse | EndpointError;
        try {
          if (statusCode < 200 || statusCode >= 300) {
            result = errorFromResponse(statusCode, responseHeaders as HeaderRecord, await body.text(), redact);
            if (prefill && (statusCode === 400 || statusCode === 422) && /continue_final_message|add_generation_prompt/.test(result.message)) {
              result = new PrefillUnsupportedError(
                `Cannot continue the final assistant message as ${place} does not support assistant prefill (${
                  result.message.replace(/^Cannot complete the request as the endpoint /, "it ")
                }): use the 'chat' endpoint instead`,
                result,
              );
            }
          } else if (stream && String(responseHeaders["content-type"] ?? "").includes("text/event-stream")) {
            result = await readStream(statusCode, body);
          } else {
            result = decodeJson(statusCode, await body.text());
          }
        } catch (error) {
          if (!aborted) fail(transportError(error, "body"));
          return;
        }
        if (aborted) return;
        if (EndpointError.isInstance(result)) {
          fail(result);
          return;
        }
        settled = true;
        subscriber.next(result);
        subscriber.complete();
      })().catch((error: unknown) => {
        if (!aborted && !settled) fail(transportError(error, "body"));
      });
      return () => {
        if (!settled) {
          aborted = true;
          signal.emit("abort");
        }
      };
    });
  }

  const retryOperator = maxRetries === 0
    ? undefined
    : retryTransient<ModelResponse>({
      random: createPrng(`http-model:${origin}`).next,
      retryAfterMarginMs: 1,
      ...options.retry,
      maxRetries,
    });
  function actualTokens(response: ModelResponse): number | undefined {
    return response.usage === undefined ? undefined : response.usage.promptTokens + response.usage.completionTokens;
  }
  function call(request: ModelRequest): Observable<ModelResponse> {
    const attempt$ = limiter === undefined
      ? send(request)
      : limiter.limit(send(request), { tokens: estimateTokens(request), actualTokens });
    return retryOperator === undefined ? attempt$ : attempt$.pipe(retryOperator);
  }
  return Object.assign(call, {
    close: async () => {
      await ownPool?.close();
    },
  });
}
