/**
 * `tripost serve`: the embedded student behind an OpenAI-compatible HTTP server (`node:http`).
 *
 * Routes: `GET /health`, `GET /v1/models`, `GET /v1/models/{name}`, `POST /v1/completions`,
 * `POST /v1/chat/completions` (`protocols.md` §a), with `stream: true` as server-sent events
 * (`data: {chunk}` then `data: [DONE]`; `stream_options.include_usage` adds a usage chunk).
 * Requests are decoded with io-ts; a bad one gets 400 and OpenAI's error body
 * `{"error": {message, type: "invalid_request_error", param, code}}`; an unknown route or model
 * name gets 404. Concurrent requests share micro-batches ({@linkcode createStudentModel}).
 *
 * Defaults as OpenAI's: `temperature` 1, `top_p` 1, `n` 1; `max_tokens` 16 for completions and
 * "until EOS or a full context" for chat. Without `seed`, every sample draws a fresh random seed;
 * with one, the samples are reproducible. `logprobs` (completions: 0–20 alternatives; chat:
 * `logprobs: true` with `top_logprobs` 0–20) and `echo` (completions) are implemented, not with
 * `stream`; every other parameter the student cannot honour (`logit_bias`, `response_format`,
 * `tools`, penalties, …) is refused with a 400 naming it, unless set to its "off" value.
 *
 * The chat template: the student has no roles, so a chat prompt is the `user` and `assistant`
 * contents concatenated in order, with nothing between them (a `user` message is text the student
 * continues; an `assistant` message is text it already wrote, continued when it comes last). A
 * `system` or `developer` message has no place in it and is refused with a 400. When the client
 * goes away, its samples are dropped.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { forkJoin, type Subscription } from "rxjs";
import * as t from "io-ts";
import { decodeWith, describeFailure } from "../../codecs/decode.js";
import type { LoadedStudent, SampleResult } from "./sampler.js";
import { createStudentModel, sampleSeed, type StudentModel, type StudentSampleRequest } from "./student_model.js";
import { ChatRequestBody, CompletionRequestBody, unsupportedParameter } from "./_wire.js";
import { scoreTokens, type TokenLogprob } from "./serve_logprobs.js";

/** Options for {@linkcode serveStudent}. */
export interface ServeStudentOptions {
  /** A checkpoint directory, or a loaded student. */
  readonly checkpoint: string | LoadedStudent;
  /** @default {"127.0.0.1"} */
  readonly host?: string;
  /** 0 picks a free port. @default {0} */
  readonly port?: number;
  /** The model name clients must send. @default {"student"} */
  readonly modelName?: string;
  /** Most samples decoded together. @default {64} */
  readonly maxBatch?: number;
  /** How long a request waits for others to share its batch. @default {5} */
  readonly maxWaitMs?: number;
  /** Largest request body, in bytes. @default {1_000_000} */
  readonly maxBodyBytes?: number;
}

/** A running server. */
export interface StudentServer {
  /** The origin, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The OpenAI base URL, `url + "/v1"` (what `--student http://…/v1` takes). */
  readonly baseUrl: string;
  readonly model: StudentModel;
  /** Stops accepting connections, ends open ones, and frees the student. */
  close(): Promise<void>;
}

class RequestError extends Error {
  readonly status: number;
  readonly param: string | null;
  readonly code: string | null;
  constructor(status: number, message: string, param: string | null = null, code: string | null = null) {
    super(message);
    this.name = "RequestError";
    this.status = status;
    this.param = param;
    this.code = code;
  }
}

interface Plan {
  readonly kind: "completion" | "chat";
  readonly prompts: readonly string[];
  readonly promptIds: readonly (readonly number[])[];
  /** Alternatives per token when log-probabilities are asked for; `undefined` when not. */
  readonly logprobs: number | undefined;
  /** Completions: the prompt is returned before the completion. */
  readonly echo: boolean;
  readonly rows: readonly { readonly promptIndex: number; readonly request: StudentSampleRequest }[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

/**
 * Starts the server; resolves once it listens and the checkpoint is loaded.
 *
 * @throws {Error} When the checkpoint cannot be loaded or the port cannot be bound.
 * @example Serve and list the model
 * ```ts
 * const server = await serveStudent({ checkpoint: "fixtures/student/m0-msa", modelName: "m0" });
 * const response = await fetch(`${server.baseUrl}/models`);
 * assertEquals((await response.json()).data[0].id, "m0");
 * await server.close();
 * ```
 */
export async function serveStudent(options: ServeStudentOptions): Promise<StudentServer> {
  const { host = "127.0.0.1", port = 0, modelName = "student", maxBodyBytes = 1_000_000 } = options;
  const model = createStudentModel(options.checkpoint, {
    modelName,
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
  });
  const student = await model.ready();
  const created = Math.floor(Date.now() / 1000);
  let counter = 0;
  const nextId = (prefix: string): string => `${prefix}-${created.toString(36)}${(counter++).toString(36).padStart(6, "0")}`;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    if (path === "/health") {
      if (request.method !== "GET") throw new RequestError(405, `Method ${request.method} is not allowed on ${path}`, null, "method_not_allowed");
      return sendJson(response, 200, { status: "ok", model: modelName });
    }
    if (path === "/v1/models" || path.startsWith("/v1/models/")) {
      if (request.method !== "GET") throw new RequestError(405, `Method ${request.method} is not allowed on ${path}`, null, "method_not_allowed");
      const card = { id: modelName, object: "model", created, owned_by: "tripost" };
      if (path === "/v1/models") return sendJson(response, 200, { object: "list", data: [card] });
      const name = decodeURIComponent(path.slice("/v1/models/".length));
      if (name !== modelName) throw modelNotFound(name);
      return sendJson(response, 200, card);
    }
    const kind = path === "/v1/completions" ? "completion" : path === "/v1/chat/completions" ? "chat" : undefined;
    if (kind === undefined) throw new RequestError(404, `Unknown route ${request.method} ${path}`, null, "not_found");
    if (request.method !== "POST") throw new RequestError(405, `Method ${request.method} is not allowed on ${path}`, null, "method_not_allowed");
    const body = await readJson(request, maxBodyBytes);
    const plan = kind === "completion" ? planCompletion(body) : planChat(body);
    await answer(plan, request, response);
  }

  function refuseUnsupported(kind: Plan["kind"], body: unknown): void {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return;
    const name = unsupportedParameter(kind, body as Record<string, unknown>);
    if (name !== undefined) {
      throw new RequestError(400, `Unsupported parameter '${name}': the embedded student does not implement it (leave it out or set it to its default)`, name, "unsupported_parameter");
    }
  }

  function alternatives(value: number | null | undefined, param: string): number {
    const count = value ?? 0;
    if (!Number.isInteger(count) || count < 0 || count > 20) throw new RequestError(400, `'${param}' must be an integer from 0 to 20: current value is ${count}`, param);
    return count;
  }

  function planCompletion(body: unknown): Plan {
    refuseUnsupported("completion", body);
    const decoded = decodeBody(CompletionRequestBody, body);
    if (decoded.model !== modelName) throw modelNotFound(decoded.model);
    const prompts = typeof decoded.prompt === "string" ? [decoded.prompt] : decoded.prompt;
    if (prompts.length === 0) throw new RequestError(400, "'prompt' must not be an empty list", "prompt");
    const logprobs = decoded.logprobs == null ? undefined : alternatives(decoded.logprobs, "logprobs");
    return plan("completion", prompts, decoded, decoded.max_tokens ?? 16, "prompt", logprobs, decoded.echo === true);
  }

  function planChat(body: unknown): Plan {
    refuseUnsupported("chat", body);
    const decoded = decodeBody(ChatRequestBody, body);
    if (decoded.model !== modelName) throw modelNotFound(decoded.model);
    if (decoded.messages.length === 0) throw new RequestError(400, "'messages' must not be empty", "messages");
    decoded.messages.forEach((message, index) => {
      if (message.role === "system" || message.role === "developer") {
        throw new RequestError(
          400,
          `A '${message.role}' message has no place in the student's chat template (user and assistant contents, concatenated): put its text in the user message`,
          `messages.${index}.role`,
          "unsupported_role",
        );
      }
    });
    // The template: user and assistant contents in order, nothing between them.
    const prompt = decoded.messages
      .map((message) => typeof message.content === "string" ? message.content : message.content.map((part) => part.text).join(""))
      .join("");
    if (decoded.top_logprobs != null && decoded.logprobs !== true) {
      throw new RequestError(400, "'top_logprobs' needs 'logprobs': true", "top_logprobs");
    }
    const logprobs = decoded.logprobs === true ? alternatives(decoded.top_logprobs, "top_logprobs") : undefined;
    return plan("chat", [prompt], decoded, decoded.max_completion_tokens ?? decoded.max_tokens ?? undefined, "messages", logprobs, false);
  }

  function plan(
    kind: Plan["kind"],
    prompts: readonly string[],
    body: CompletionRequestBody | ChatRequestBody,
    maxTokens: number | undefined,
    promptParam: string,
    logprobs: number | undefined,
    echo: boolean,
  ): Plan {
    if (body.stream === true && (logprobs !== undefined || echo)) {
      throw new RequestError(400, `'${logprobs !== undefined ? "logprobs" : "echo"}' is not supported with 'stream': true`, logprobs !== undefined ? "logprobs" : "echo");
    }
    const n = body.n ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > 128) throw new RequestError(400, `'n' must be an integer from 1 to 128: current value is ${n}`, "n");
    const temperature = body.temperature ?? 1;
    if (!(temperature >= 0 && temperature <= 2)) throw new RequestError(400, `'temperature' must be from 0 to 2: current value is ${temperature}`, "temperature");
    const topP = body.top_p ?? 1;
    if (!(topP > 0 && topP <= 1)) throw new RequestError(400, `'top_p' must be in (0, 1]: current value is ${topP}`, "top_p");
    if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 1)) {
      throw new RequestError(400, `'max_tokens' must be a positive integer: current value is ${maxTokens}`, kind === "chat" && body.max_tokens == null ? "max_completion_tokens" : "max_tokens");
    }
    if (body.seed != null && !Number.isInteger(body.seed)) throw new RequestError(400, `'seed' must be an integer: current value is ${body.seed}`, "seed");
    const stop = body.stop == null ? [] : typeof body.stop === "string" ? [body.stop] : body.stop;
    if (stop.length > 4) throw new RequestError(400, `'stop' takes at most 4 strings: current value is ${stop.length}`, "stop");
    const rows: Plan["rows"][number][] = [];
    const promptIds: number[][] = [];
    prompts.forEach((prompt, promptIndex) => {
      const encoded = student.tokenizer.encode(prompt);
      if (E.isLeft(encoded)) {
        throw new RequestError(400, `The prompt has a character the model does not know: ${JSON.stringify(encoded.left.character)} at offset ${encoded.left.offset}`, promptParam, "unknown_character");
      }
      if (encoded.right.length + 1 >= student.config.context) {
        throw new RequestError(400, `This model's maximum context length is ${student.config.context} tokens, and the prompt has ${encoded.right.length + 1} (BOS included) with no room for a completion`, promptParam, "context_length_exceeded");
      }
      promptIds.push(encoded.right);
      for (let index = 0; index < n; index++) {
        rows.push({
          promptIndex,
          request: {
            promptIds: encoded.right,
            temperature,
            topP,
            stop,
            // Unseeded: a fresh seed per sample (OpenAI's behaviour); seeded: reproducible.
            seed: body.seed == null ? randomInt(0, 2 ** 31 - 1) : sampleSeed(body.seed, prompt, 0, index),
            ...(maxTokens === undefined ? {} : { maxTokens }),
          },
        });
      }
    });
    return { kind, prompts, promptIds, logprobs, echo, rows, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true };
  }

  function answer(plan: Plan, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const id = nextId(plan.kind === "chat" ? "chatcmpl" : "cmpl");
    const object = plan.kind === "chat" ? "chat.completion" : "text_completion";
    const chunkObject = plan.kind === "chat" ? "chat.completion.chunk" : "text_completion";
    const base = { id, created: Math.floor(Date.now() / 1000), model: modelName };
    const usageOf = (results: readonly SampleResult[]) => {
      const promptTokens = plan.prompts.reduce((sum, _, promptIndex) => {
        const first = plan.rows.findIndex((row) => row.promptIndex === promptIndex);
        return sum + (results[first]?.promptTokens ?? 0);
      }, 0);
      const completionTokens = results.reduce((sum, result) => sum + result.completionTokens, 0);
      return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    };
    const choiceChunk = (index: number, text: string | undefined, finishReason: string | null, first: boolean) =>
      plan.kind === "chat"
        ? { index, delta: { ...(first ? { role: "assistant" } : {}), ...(text === undefined ? {} : { content: text }) }, logprobs: null, finish_reason: finishReason }
        : { index, text: text ?? "", logprobs: null, finish_reason: finishReason };
    return new Promise<void>((resolve, reject) => {
      let subscription: Subscription | undefined;
      const write = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
      if (plan.stream) {
        response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
        if (plan.kind === "chat") {
          plan.rows.forEach((_, index) => write({ ...base, object: chunkObject, choices: [choiceChunk(index, "", null, true)], ...(plan.includeUsage ? { usage: null } : {}) }));
        }
      }
      const samples = plan.rows.map((row, index) => {
        const onText = plan.stream
          ? (delta: string) => write({ ...base, object: chunkObject, choices: [choiceChunk(index, delta, null, false)], ...(plan.includeUsage ? { usage: null } : {}) })
          : undefined;
        return model.sample(onText === undefined ? row.request : { ...row.request, onText });
      });
      response.on("close", () => {
        subscription?.unsubscribe();
        resolve();
      });
      subscription = forkJoin(samples).subscribe({
        next(results) {
          if (plan.stream) {
            results.forEach((result, index) => write({ ...base, object: chunkObject, choices: [choiceChunk(index, plan.kind === "chat" ? undefined : "", result.finishReason, false)], ...(plan.includeUsage ? { usage: null } : {}) }));
            if (plan.includeUsage) write({ ...base, object: chunkObject, choices: [], usage: usageOf(results) });
            response.end("data: [DONE]\n\n");
            return;
          }
          const choices = results.map((result, index) => {
            const promptIndex = plan.rows[index]?.promptIndex ?? 0;
            const logprobs = plan.logprobs === undefined ? null : logprobsOf(plan, promptIndex, result.text);
            return plan.kind === "chat"
              ? { index, message: { role: "assistant", content: result.text, refusal: null }, logprobs, finish_reason: result.finishReason }
              : { index, text: plan.echo ? `${plan.prompts[promptIndex] ?? ""}${result.text}` : result.text, logprobs, finish_reason: result.finishReason };
          });
          sendJson(response, 200, { ...base, object, choices, usage: usageOf(results) });
        },
        error(error: unknown) {
          if (plan.stream) {
            write({ error: { message: error instanceof Error ? error.message : String(error), type: "server_error", param: null, code: null } });
            response.end("data: [DONE]\n\n");
            return;
          }
          reject(error);
        },
        complete: () => resolve(),
      });
    });
  }

  /** The `logprobs` object of one choice, in the route's shape (OpenAI's legacy completions or chat). */
  function logprobsOf(plan: Plan, promptIndex: number, text: string): unknown {
    const top = plan.logprobs ?? 0;
    const promptIds = plan.promptIds[promptIndex] ?? [];
    const encoded = student.tokenizer.encode(text);
    const completionIds = E.isRight(encoded) ? encoded.right : [];
    const scored = scoreTokens(student, promptIds, completionIds, top);
    if (plan.kind === "chat") {
      const entry = (item: { token: string; logprob: number }) => ({ token: item.token, logprob: item.logprob, bytes: [...Buffer.from(item.token, "utf8")] });
      return { content: scored.completion.map((item) => ({ ...entry(item), top_logprobs: item.top.map(entry) })), refusal: null };
    }
    // Echo: the prompt's tokens first; the first has no context but BOS, like OpenAI's null.
    const tokens: (TokenLogprob & { first?: boolean })[] = plan.echo
      ? [...scored.prompt.map((item, position) => position === 0 ? { ...item, first: true } : item), ...scored.completion]
      : scored.completion;
    let offset = 0;
    const textOffset = tokens.map((item) => {
      const at = offset;
      offset += item.token.length;
      return at;
    });
    return {
      tokens: tokens.map((item) => item.token),
      token_logprobs: tokens.map((item) => item.first === true ? null : item.logprob),
      top_logprobs: top === 0 ? null : tokens.map((item) => item.first === true ? null : Object.fromEntries(item.top.map((alternative) => [alternative.token, alternative.logprob]))),
      text_offset: textOffset,
    };
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.end();
        return;
      }
      if (error instanceof RequestError) {
        sendJson(response, error.status, { error: { message: error.message, type: "invalid_request_error", param: error.param, code: error.code } });
      } else {
        sendJson(response, 500, { error: { message: error instanceof Error ? error.message : String(error), type: "server_error", param: null, code: null } });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostname = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${hostname}:${address.port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    model,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await model.close();
    },
  };
}

function modelNotFound(name: string): RequestError {
  return new RequestError(404, `The model '${name}' does not exist`, "model", "model_not_found");
}

function decodeBody<C extends t.Any>(codec: C, body: unknown): t.TypeOf<C> {
  const decoded = decodeWith(codec)(body);
  if (E.isLeft(decoded)) {
    throw new RequestError(400, `Invalid request: ${describeFailure(decoded.left)}`, decoded.left.paths[0] ?? null);
  }
  return decoded.right;
}

async function readJson(request: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) throw new RequestError(413, `The request body is larger than ${maxBodyBytes} bytes`, null, "body_too_large");
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RequestError(400, `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, null, "invalid_json");
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
