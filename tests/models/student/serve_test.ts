import * as E from "fp-ts/lib/Either.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatResponse, CompletionResponse, StreamChunk, WrappedErrorBody } from "../../../src/codecs/openai_wire.js";
import { disposeParams } from "../../../src/models/student/model.js";
import { createSampler, type LoadedStudent } from "../../../src/models/student/sampler.js";
import { serveStudent, type StudentServer } from "../../../src/models/student/serve.js";
import { idsOf, loadedFrom, smallCheckpoint } from "./_students.js";

let student: LoadedStudent;
let server: StudentServer;

beforeAll(async () => {
  student = await loadedFrom(smallCheckpoint(31));
  server = await serveStudent({ checkpoint: student, modelName: "tiny", maxWaitMs: 10 });
});

afterAll(async () => {
  await server.close();
  disposeParams(student.params);
});

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown; text: string; type: string }> {
  const response = await request(`${server.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, json, text, type: String(response.headers["content-type"]) };
}

function events(text: string): unknown[] {
  const blocks = text.split("\n\n").filter((block) => block.trim() !== "");
  expect(blocks.at(-1)).toBe("data: [DONE]");
  return blocks.slice(0, -1).map((block) => {
    expect(block.startsWith("data: ")).toBe(true);
    return JSON.parse(block.slice("data: ".length)) as unknown;
  });
}

async function greedyAlone(prompt: string, maxTokens: number): Promise<string> {
  const sampler = createSampler(student);
  const [result] = await sampler.sample([{ promptIds: idsOf(student, prompt), temperature: 0, maxTokens }]);
  sampler.dispose();
  return result?.text ?? "";
}

describe("serveStudent()", () => {
  it("serveStudent() listens on 127.0.0.1 and lists its model", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await request(`${server.baseUrl}/models`);
    expect(response.statusCode).toBe(200);
    const body = await response.body.json();
    expect(body).toMatchObject({ object: "list", data: [{ id: "tiny", object: "model", owned_by: "tripost" }] });
    const one = await request(`${server.baseUrl}/models/tiny`);
    expect(await one.body.json()).toMatchObject({ id: "tiny", object: "model" });
  });

  it("serveStudent() answers /v1/completions in OpenAI's shape", async () => {
    const { status, json } = await post("/completions", { model: "tiny", prompt: "1+2=", max_tokens: 8, temperature: 0 });
    expect(status).toBe(200);
    expect(E.isRight(CompletionResponse.decode(json))).toBe(true);
    expect(json).toMatchObject({
      object: "text_completion",
      model: "tiny",
      choices: [{ index: 0, text: await greedyAlone("1+2=", 8), finish_reason: "length", logprobs: null }],
      usage: { prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 },
    });
    expect((json as { id: string }).id).toMatch(/^cmpl-/);
    expect(typeof (json as { created: number }).created).toBe("number");
  });

  it("serveStudent() answers a list of prompts with `n` choices each, indexed in order", async () => {
    const { json } = await post("/completions", { model: "tiny", prompt: ["ab", "cd"], n: 2, max_tokens: 3, temperature: 0.8, seed: 1 });
    const body = json as { choices: { index: number; text: string }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.choices.map((choice) => choice.index)).toEqual([0, 1, 2, 3]);
    expect(body.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 12 });
  });

  it("serveStudent() answers /v1/chat/completions with the user and assistant contents concatenated as the prompt (its chat template)", async () => {
    const { status, json } = await post("/chat/completions", {
      model: "tiny",
      messages: [{ role: "user", content: "Solve.\n" }, { role: "assistant", content: [{ type: "text", text: "1+2=" }] }],
      max_tokens: 6,
      temperature: 0,
    });
    expect(status).toBe(200);
    expect(E.isRight(ChatResponse.decode(json))).toBe(true);
    expect(json).toMatchObject({
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: await greedyAlone("Solve.\n1+2=", 6) }, finish_reason: "length" }],
      usage: { prompt_tokens: 12, completion_tokens: 6 },
    });
    expect((json as { id: string }).id).toMatch(/^chatcmpl-/);
  });

  it("serveStudent() streams completions as server-sent events ending with [DONE]", async () => {
    const plain = await post("/completions", { model: "tiny", prompt: "xy", max_tokens: 10, temperature: 0 });
    const { status, text, type } = await post("/completions", {
      model: "tiny", prompt: "xy", max_tokens: 10, temperature: 0, stream: true, stream_options: { include_usage: true },
    });
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/event-stream/);
    const chunks = events(text);
    for (const chunk of chunks) expect(E.isRight(StreamChunk.decode(chunk))).toBe(true);
    const pieces = chunks.flatMap((chunk) => (chunk as { choices: { text: string }[] }).choices.map((choice) => choice.text));
    expect(pieces.join("")).toBe((plain.json as { choices: { text: string }[] }).choices[0]?.text);
    expect(chunks.at(-2)).toMatchObject({ object: "text_completion", choices: [{ index: 0, finish_reason: "length" }] });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 10 } });
  });

  it("serveStudent() streams chat deltas: the role first, then content, then the finish reason", async () => {
    const { text } = await post("/chat/completions", {
      model: "tiny", messages: [{ role: "user", content: "hi" }], max_tokens: 5, temperature: 0, stream: true,
    });
    const chunks = events(text) as { object: string; choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[] }[];
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: "length" });
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(content).toBe(await greedyAlone("hi", 5));
  });

  it("serveStudent() applies stop strings and reports `stop`", async () => {
    const full = await greedyAlone("stop", 20);
    const stop = full.slice(4, 6);
    const { json } = await post("/completions", { model: "tiny", prompt: "stop", max_tokens: 20, temperature: 0, stop });
    expect(json).toMatchObject({ choices: [{ text: full.slice(0, full.indexOf(stop)), finish_reason: "stop" }] });
  });

  it("serveStudent() answers bad requests with 400 and OpenAI's error body", async () => {
    const cases: [string, unknown, string | null][] = [
      ["/completions", "{not json", null],
      ["/completions", { model: "tiny" }, "prompt"],
      ["/completions", { model: "tiny", prompt: "a", temperature: 5 }, "temperature"],
      ["/completions", { model: "tiny", prompt: "a", n: 0 }, "n"],
      ["/completions", { model: "tiny", prompt: "a", max_tokens: -2 }, "max_tokens"],
      ["/completions", { model: "tiny", prompt: "café" }, "prompt"],
      ["/completions", { model: "tiny", prompt: "z".repeat(200) }, "prompt"],
      ["/chat/completions", { model: "tiny", messages: [{ role: "wizard", content: "a" }] }, "messages"],
    ];
    for (const [path, body, param] of cases) {
      const { status, json } = await post(path, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(E.isRight(WrappedErrorBody.decode(json))).toBe(true);
      expect(json).toMatchObject({ error: { type: "invalid_request_error" } });
      const error = (json as { error: { param: string | null; message: string } }).error;
      if (param === null) expect(error.param).toBeNull();
      else expect(error.param?.startsWith(param), error.message).toBe(true);
    }
  });

  it("serveStudent() answers 404 for an unknown model or route", async () => {
    const unknownModel = await post("/completions", { model: "gpt-9", prompt: "a" });
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.json).toMatchObject({ error: { type: "invalid_request_error", param: "model", code: "model_not_found" } });
    const route = await post("/embeddings", { model: "tiny", input: "a" });
    expect(route.status).toBe(404);
    expect(route.json).toMatchObject({ error: { code: "not_found" } });
    const missing = await request(`${server.baseUrl}/models/other`);
    expect(missing.statusCode).toBe(404);
    await missing.body.text();
  });

  it("serveStudent() drops a stream whose client goes away and keeps serving", async () => {
    const controller = new AbortController();
    const response = await request(`${server.baseUrl}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", prompt: "go", max_tokens: 50, temperature: 0, stream: true }),
      signal: controller.signal,
    });
    const reading = (async () => {
      for await (const chunk of response.body) {
        void chunk;
        controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow();
    const { status } = await post("/completions", { model: "tiny", prompt: "go", max_tokens: 3, temperature: 0 });
    expect(status).toBe(200);
  });

  it("serveStudent() decodes concurrent requests together", async () => {
    const before = server.model.stats().batches;
    const prompts = Array.from({ length: 12 }, (_, index) => `${index}*${index}=`);
    const answers = await Promise.all(prompts.map((prompt) => post("/completions", { model: "tiny", prompt, max_tokens: 6, temperature: 0 })));
    expect(server.model.stats().batches - before).toBeLessThanOrEqual(3);
    for (const [index, prompt] of prompts.entries()) {
      expect((answers[index]?.json as { choices: { text: string }[] }).choices[0]?.text).toBe(await greedyAlone(prompt, 6));
    }
  });
});
