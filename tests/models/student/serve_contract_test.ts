/**
 * `tripost serve` keeps the OpenAI contract (issue 11, item 8): unseeded sampling draws a fresh
 * seed; `logprobs`, `top_logprobs` and `echo` are implemented from the student's probabilities;
 * every other parameter it cannot honour is a 400 naming it; system messages are refused by the
 * documented chat template; `GET /health` answers.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeParams } from "../../../src/models/student/model.js";
import { createSampler, type LoadedStudent } from "../../../src/models/student/sampler.js";
import { serveStudent, type StudentServer } from "../../../src/models/student/serve.js";
import { idsOf, loadedFrom, smallCheckpoint } from "./_students.js";

let student: LoadedStudent;
let server: StudentServer;

beforeAll(async () => {
  student = await loadedFrom(smallCheckpoint(31));
  server = await serveStudent({ checkpoint: student, modelName: "tiny", maxWaitMs: 5 });
});

afterAll(async () => {
  await server.close();
  disposeParams(student.params);
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await request(`${server.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, json: await response.body.json() as Record<string, unknown> };
}

interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[] | null;
  text_offset: number[];
}

function choice(json: Record<string, unknown>, index = 0): { text: string; logprobs: CompletionLogprobs } {
  return (json["choices"] as { text: string; logprobs: CompletionLogprobs }[])[index] as { text: string; logprobs: CompletionLogprobs };
}

describe("tripost serve keeps the OpenAI contract", () => {
  it("draws a fresh seed per unseeded request: the same request at temperature 1 gives different texts; a seed makes it reproducible", async () => {
    const body = { model: "tiny", prompt: "ab", max_tokens: 24, temperature: 1 };
    const texts = new Set<string>();
    for (let attempt = 0; attempt < 4; attempt++) texts.add(choice((await post("/completions", body)).json).text);
    expect(texts.size).toBeGreaterThan(1);
    const seeded = await Promise.all([1, 2].map(async () => choice((await post("/completions", { ...body, seed: 11 })).json).text));
    expect(seeded[0]).toBe(seeded[1]);
  });

  it("completions: logprobs gives each completion token's log-probability and its top alternatives; the greedy token is the best alternative", async () => {
    const { status, json } = await post("/completions", { model: "tiny", prompt: "ab", max_tokens: 8, temperature: 0, logprobs: 3 });
    expect(status).toBe(200);
    const { text, logprobs } = choice(json);
    expect(logprobs.tokens.join("")).toBe(text);
    expect(logprobs.tokens).toHaveLength(text.length);
    expect(logprobs.text_offset).toEqual(logprobs.tokens.map((_, index) => index));
    logprobs.tokens.forEach((token, index) => {
      const value = logprobs.token_logprobs[index] as number;
      expect(value).toBeLessThanOrEqual(0);
      const top = logprobs.top_logprobs?.[index] as Record<string, number>;
      expect(Object.keys(top)).toHaveLength(3);
      // Greedy decoding picked the most likely token.
      const best = Object.entries(top).sort((left, right) => right[1] - left[1])[0] as [string, number];
      expect(best[0]).toBe(token);
      expect(best[1]).toBeCloseTo(value, 5);
      expect(Object.values(top).reduce((sum, logprob) => sum + Math.exp(logprob), 0)).toBeLessThanOrEqual(1.0001);
    });
  });

  it("completions: echo returns the prompt before the completion, with the prompt's tokens scored (the first one null)", async () => {
    const greedy = await (async () => {
      const sampler = createSampler(student);
      const [result] = await sampler.sample([{ promptIds: idsOf(student, "xyz"), temperature: 0, maxTokens: 5 }]);
      sampler.dispose();
      return result?.text ?? "";
    })();
    const { json } = await post("/completions", { model: "tiny", prompt: "xyz", max_tokens: 5, temperature: 0, echo: true, logprobs: 0 });
    const { text, logprobs } = choice(json);
    expect(text).toBe(`xyz${greedy}`);
    expect(logprobs.tokens.join("")).toBe(text);
    expect(logprobs.token_logprobs[0]).toBeNull();
    expect(logprobs.token_logprobs.slice(1).every((value) => typeof value === "number" && value <= 0)).toBe(true);
    expect(logprobs.top_logprobs).toBeNull();
    const plain = await post("/completions", { model: "tiny", prompt: "xyz", max_tokens: 5, temperature: 0, echo: true });
    expect(choice(plain.json).text).toBe(`xyz${greedy}`);
  });

  it("chat: logprobs with top_logprobs in the chat shape", async () => {
    const { status, json } = await post("/chat/completions", {
      model: "tiny", messages: [{ role: "user", content: "ab" }], max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 2,
    });
    expect(status).toBe(200);
    const first = (json["choices"] as { message: { content: string }; logprobs: { content: { token: string; logprob: number; bytes: number[]; top_logprobs: unknown[] }[] } }[])[0];
    expect(first?.logprobs.content.map((item) => item.token).join("")).toBe(first?.message.content);
    for (const item of first?.logprobs.content ?? []) {
      expect(item.top_logprobs).toHaveLength(2);
      expect(item.bytes).toEqual([...Buffer.from(item.token)]);
    }
  });

  it.each([
    ["logit_bias", { logit_bias: { "5": 100 } }],
    ["response_format", { response_format: { type: "json_object" } }],
    ["presence_penalty", { presence_penalty: 0.5 }],
    ["tools", { tools: [{ type: "function", function: { name: "f" } }] }],
    ["suffix", { suffix: "end" }],
  ])("refuses %s with a 400 naming it", async (name, extra) => {
    const route = name === "tools" ? "/chat/completions" : "/completions";
    const base = route === "/completions" ? { model: "tiny", prompt: "ab", max_tokens: 2 } : { model: "tiny", messages: [{ role: "user", content: "ab" }], max_tokens: 2 };
    const { status, json } = await post(route, { ...base, ...extra });
    expect(status).toBe(400);
    const error = json["error"] as { message: string; param: string };
    expect(error.param).toBe(name);
    expect(error.message).toContain(`'${name}'`);
  });

  it("accepts the 'off' values of parameters it does not implement", async () => {
    const { status } = await post("/completions", {
      model: "tiny", prompt: "ab", max_tokens: 2, presence_penalty: 0, frequency_penalty: 0, logit_bias: {}, best_of: 1, user: "u", response_format: { type: "text" },
    });
    expect(status).toBe(200);
  });

  it("refuses a system message (no place in the chat template) and logprobs with stream, with 400", async () => {
    const system = await post("/chat/completions", { model: "tiny", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "ab" }] });
    expect(system.status).toBe(400);
    expect((system.json["error"] as { param: string }).param).toBe("messages.0.role");
    const streamed = await post("/completions", { model: "tiny", prompt: "ab", logprobs: 1, stream: true });
    expect(streamed.status).toBe(400);
  });

  it("answers GET /health", async () => {
    const response = await request(`${server.url}/health`);
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ status: "ok", model: "tiny" });
  });
});
