import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { firstValueFrom } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import { SseDecoder } from "../../src/models/_sse.js";
import {
  EndpointBodyError,
  EndpointError,
  EndpointTimeoutError,
  errorFromResponse,
  isFatal,
  isRetryable,
} from "../../src/models/errors.js";
import { createHttpModel, type HttpModel, type HttpModelOptions } from "../../src/models/http_model.js";
import { startOpenAiServer, type OpenAiServer, type OpenAiServerOptions } from "../_helpers/openai_server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setUp(
  serverOptions: OpenAiServerOptions,
  modelOptions: Partial<HttpModelOptions> = {},
): Promise<{ server: OpenAiServer; model: HttpModel }> {
  const server = await startOpenAiServer(serverOptions);
  const model = createHttpModel({
    baseUrl: server.url,
    model: "test-model",
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    ...modelOptions,
  });
  cleanups.push(() => server.close(), () => model.close());
  return { server, model };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("createHttpModel()", () => {
  it("createHttpModel() maps the request fields onto /v1/completions and decodes the answer", async () => {
    const bodies: Record<string, unknown>[] = [];
    const { model } = await setUp({
      handler: (context) => {
        bodies.push(context.body);
        return { texts: ["4", "5"], finishReason: "length", usage: { prompt_tokens: 3, completion_tokens: 2 } };
      },
    });
    const response = await firstValueFrom(
      model({ prompt: "2 + 2 =", temperature: 0.5, topP: 0.9, maxTokens: 7, stop: ["\n"], n: 2, seed: 11 }),
    );
    expect(response).toEqual({
      choices: [{ text: "4", finishReason: "length" }, { text: "5", finishReason: "length" }],
      usage: { promptTokens: 3, completionTokens: 2 },
      model: "test-model",
    });
    expect(bodies).toEqual([
      { model: "test-model", prompt: "2 + 2 =", temperature: 0.5, top_p: 0.9, max_tokens: 7, stop: ["\n"], n: 2, seed: 11 },
    ]);
  });

  it("createHttpModel() sends chat messages to /v1/chat/completions and a prompt as one user message", async () => {
    const paths: string[] = [];
    const messages: unknown[] = [];
    const { model } = await setUp({
      handler: (context) => {
        paths.push(context.path);
        messages.push(context.body["messages"]);
        return undefined;
      },
    }, { endpoint: "chat" });
    const chat = await firstValueFrom(model({ messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }], model: "other" }));
    expect(chat.choices).toEqual([{ text: "echo:hi", finishReason: "stop" }]);
    expect(chat.model).toBe("other");
    await firstValueFrom(model({ prompt: "plain" }));
    expect(paths).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
    expect(messages[1]).toEqual([{ role: "user", content: "plain" }]);
  });

  it("createHttpModel() refuses chat messages on the completions endpoint without sending", async () => {
    const { server, model } = await setUp({});
    const error = await failure(firstValueFrom(model({ messages: [{ role: "user", content: "hi" }] })));
    expect(error).toBeInstanceOf(EndpointError);
    expect(isRetryable(error)).toBe(false);
    expect(server.counts.requests).toBe(0);
  });

  it("createHttpModel() collects a streamed completion with n = 2 and the usage chunk", async () => {
    const { model } = await setUp({}, { stream: true });
    const response = await firstValueFrom(model({ prompt: "stream me", n: 2 }));
    expect(response.choices).toEqual([
      { text: "echo:stream me#0", finishReason: "stop" },
      { text: "echo:stream me#1", finishReason: "stop" },
    ]);
    expect(response.usage).toEqual({ promptTokens: 3, completionTokens: 32 });
  });

  it("createHttpModel() collects a streamed chat answer", async () => {
    const { model } = await setUp({}, { stream: true, endpoint: "chat" });
    const response = await firstValueFrom(model({ messages: [{ role: "user", content: "hello there" }] }));
    expect(response.choices).toEqual([{ text: "echo:hello there", finishReason: "stop" }]);
  });

  it("createHttpModel() fails on an in-stream error and on a stream cut before [DONE]", async () => {
    const { server, model } = await setUp({
      faults: ({ key }) => ({ type: key === "error" ? "stream-error" : "stream-cut" }),
    }, { stream: true, maxRetries: 0 });
    const inStream = await failure(firstValueFrom(model({ prompt: "error" })));
    expect(inStream).toBeInstanceOf(EndpointError);
    expect((inStream as EndpointError).status).toBe(500);
    expect((inStream as EndpointError).message).toContain("Injected stream error");
    const cut = await failure(firstValueFrom(model({ prompt: "cut" })));
    expect(cut).toBeInstanceOf(EndpointBodyError);
    expect(server.counts.requests).toBe(2);
  });

  it("createHttpModel() retries a 503 and answers with the retry's response", async () => {
    const { server, model } = await setUp({
      faults: ({ attempt }) => (attempt === 1 ? { type: "status", status: 503 } : undefined),
    });
    const response = await firstValueFrom(model({ prompt: "again" }));
    expect(response.choices[0]?.text).toBe("echo:again");
    expect(server.counts.requests).toBe(2);
  });

  it("createHttpModel() gives up after maxRetries and reports the last error", async () => {
    const { server, model } = await setUp({ faults: () => ({ type: "status", status: 500 }) }, { maxRetries: 3 });
    const error = await failure(firstValueFrom(model({ prompt: "doomed" })));
    expect((error as EndpointError).status).toBe(500);
    expect(server.counts.requests).toBe(4);
  });

  it("createHttpModel() never retries 400, 404, 422 or insufficient_quota", async () => {
    const quota = JSON.stringify({ error: { message: "You exceeded your current quota", type: "insufficient_quota", param: null, code: "insufficient_quota" } });
    const { server, model } = await setUp({
      faults: ({ key }) =>
        key === "quota"
          ? { type: "status", status: 429, body: quota, headers: { "retry-after-ms": "1" } }
          : { type: "status", status: Number(key) },
    });
    for (const key of ["400", "404", "422", "quota"]) {
      const error = await failure(firstValueFrom(model({ prompt: key })));
      expect(isRetryable(error)).toBe(false);
    }
    expect(server.counts.requests).toBe(4);
  });

  it("createHttpModel() obeys x-should-retry over the status", async () => {
    const { server, model } = await setUp({
      faults: ({ key, attempt }) =>
        key === "no"
          ? { type: "status", status: 500, headers: { "x-should-retry": "false" } }
          : attempt === 1
          ? { type: "status", status: 400, headers: { "x-should-retry": "true" } }
          : undefined,
    });
    await failure(firstValueFrom(model({ prompt: "no" })));
    expect(server.counts.requests).toBe(1);
    await firstValueFrom(model({ prompt: "yes" }));
    expect(server.counts.requests).toBe(3);
  });

  it("createHttpModel() reports 401 as fatal without the key in the error", async () => {
    const apiKey = "sk-test-SECRET-0123456789abcdef";
    const { server, model } = await setUp({ apiKey: "sk-the-right-one" }, { apiKey });
    const error = await failure(firstValueFrom(model({ prompt: "who am i" })));
    expect(isFatal(error)).toBe(true);
    expect(server.counts.requests).toBe(1);
    const everything = `${String(error)} ${inspect(error, { depth: 10, showHidden: true })} ${JSON.stringify(error)}`;
    expect(everything).not.toContain("SECRET");
    expect(everything).not.toContain(apiKey);
  });

  it("createHttpModel() sends the key as a bearer token", async () => {
    const { model } = await setUp({ apiKey: "sk-right-key-123456" }, { apiKey: "sk-right-key-123456" });
    const response = await firstValueFrom(model({ prompt: "ok" }));
    expect(response.choices[0]?.text).toBe("echo:ok");
  });

  it("createHttpModel() times out a server that never sends headers", async () => {
    const { model } = await setUp({ faults: () => ({ type: "stall" }) }, { headersTimeoutMs: 100, maxRetries: 0 });
    const started = performance.now();
    const error = await failure(firstValueFrom(model({ prompt: "stall" })));
    expect(error).toBeInstanceOf(EndpointTimeoutError);
    expect((error as EndpointTimeoutError).phase).toBe("headers");
    expect(isRetryable(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("createHttpModel() reports malformed and truncated bodies as retryable body errors", async () => {
    const { model } = await setUp({ faults: ({ key }) => ({ type: key === "malformed" ? "malformed" : "truncated" }) }, { maxRetries: 0 });
    for (const key of ["malformed", "truncated"]) {
      const error = await failure(firstValueFrom(model({ prompt: key })));
      expect(error).toBeInstanceOf(EndpointError);
      expect(isRetryable(error)).toBe(true);
    }
  });

  it("createHttpModel() aborts the HTTP request when the subscriber unsubscribes", async () => {
    let closedEarly: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      closedEarly = resolve;
    });
    const server = createServer((request, response) => {
      request.resume();
      response.on("close", () => {
        if (!response.writableFinished) closedEarly();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const model = createHttpModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: "m", headersTimeoutMs: 5000 });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => model.close());
    server.on("connection", (socket) => cleanups.push(async () => void socket.destroy()));
    const subscription = model({ prompt: "cancel me" }).subscribe({ error: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    await closed;
  });

  it("createHttpModel() rejects invalid options", () => {
    expect(() => createHttpModel({ baseUrl: "not a url", model: "m" })).toThrow(TypeError);
    expect(() => createHttpModel({ baseUrl: "http://127.0.0.1:1/v1", model: "m", headersTimeoutMs: 0 })).toThrow(
      "Cannot create an HTTP model as 'headersTimeoutMs' must be a positive number: current value is 0",
    );
  });
});

describe("errorFromResponse()", () => {
  it("errorFromResponse() reads OpenAI's error shape and the retry hints", () => {
    const error = errorFromResponse(
      429,
      { "retry-after": "2", "x-ratelimit-remaining-requests": "0", "set-cookie": "a=b" },
      '{"error":{"message":"Rate limit reached. Please try again in 599ms.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}',
    );
    expect([error.status, error.code, error.type, error.retryable, error.retryAfterMs]).toEqual([429, "rate_limit_exceeded", "tokens", true, 2000]);
    expect(error.headers).toEqual({ "retry-after": "2", "x-ratelimit-remaining-requests": "0" });
  });

  it("errorFromResponse() reads vLLM's flat and wrapped error shapes with integer codes", () => {
    const flat = errorFromResponse(400, {}, '{"object":"error","message":"too long","type":"BadRequestError","param":null,"code":400}');
    expect([flat.code, flat.type, flat.retryable]).toEqual([400, "BadRequestError", false]);
    expect(flat.message).toBe("Cannot complete the request as the endpoint answered 400 (400): too long");
    const wrapped = errorFromResponse(503, {}, '{"error":{"message":"busy","type":"ServiceUnavailable","param":null,"code":503}}');
    expect([wrapped.code, wrapped.retryable]).toEqual([503, true]);
    const text = errorFromResponse(502, {}, "<html>Bad gateway</html>");
    expect([text.code, text.retryable]).toEqual([undefined, true]);
  });
});

describe("SseDecoder", () => {
  it("SseDecoder joins events split across pieces and skips comments", () => {
    const decoder = new SseDecoder();
    const text = ': ping\n\ndata: {"a":1}\n\nevent: error\ndata: x\ndata: y\r\n\r\ndata: [DONE]\n\n';
    const events = [];
    for (let index = 0; index < text.length; index += 3) events.push(...decoder.push(text.slice(index, index + 3)));
    events.push(...decoder.end());
    expect(events).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: "error", data: "x\ny" },
      { event: undefined, data: "[DONE]" },
    ]);
    expect(decoder.pending).toBe(false);
  });

  it("SseDecoder returns a last event without a blank line at the end", () => {
    const decoder = new SseDecoder();
    expect(decoder.push("data: tail")).toEqual([]);
    expect(decoder.end()).toEqual([{ event: undefined, data: "tail" }]);
  });
});
