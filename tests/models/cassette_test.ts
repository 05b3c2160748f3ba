import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { defer, firstValueFrom, lastValueFrom, Observable, of, retry, throwError } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CassetteEntry } from "../../src/codecs/cassette_entry.js";
import { decodeWith } from "../../src/codecs/decode.js";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import { CassetteMissError, loadCassette, recordModel, replayModel } from "../../src/models/cassette.js";
import { createHttpModel } from "../../src/models/http_model.js";
import type { Model } from "../../src/models/model.js";
import { requestKey } from "../../src/streams/canonical_json.js";
import { startOpenAiServer } from "../_helpers/openai_server.js";

let directory = "";
let counter = 0;

function freshPath(): string {
  counter += 1;
  return join(directory, `cassette-${counter}.jsonl`);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "tripost-cassette-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A sampling model: the k-th call of a prompt answers `<prompt>#k`, with `n` choices. */
function samplingModel(): Model & { calls: number } {
  const seen = new Map<string, number>();
  const model = Object.assign((request: ModelRequest): Observable<ModelResponse> =>
    defer(() => {
      model.calls += 1;
      const prompt = "prompt" in request ? request.prompt : request.messages.map((message) => message.content).join("|");
      const draw = seen.get(prompt) ?? 0;
      seen.set(prompt, draw + 1);
      const n = request.n ?? 1;
      return of({
        choices: Array.from({ length: n }, (_, choice) => ({ text: `${prompt}#${draw}.${choice}`, finishReason: "stop" })),
      });
    }), { calls: 0 });
  return model;
}

async function call(model: Model, request: ModelRequest): Promise<string[]> {
  return (await firstValueFrom(model(request))).choices.map((choice) => choice.text);
}

describe("recordModel()", () => {
  it("recordModel() writes one {key, sample, request, response} line per completed call", async () => {
    const path = freshPath();
    const recording = recordModel(samplingModel(), path, { truncate: true });
    expect(await call(recording, { prompt: "a", temperature: 0 })).toEqual(["a#0.0"]);
    expect(await call(recording, { messages: [{ role: "user", content: "b" }], n: 2 })).toEqual(["b#0.0", "b#0.1"]);
    recording.close();
    const lines = readFileSync(path, "utf8").split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(2);
    const first: unknown = JSON.parse(lines[0] ?? "");
    expect(first).toEqual({
      key: requestKey({ prompt: "a", temperature: 0 }, 0),
      sample: 0,
      request: { prompt: "a", temperature: 0 },
      response: { choices: [{ text: "a#0.0", finishReason: "stop" }] },
    });
    expect(E.isRight(decodeWith(CassetteEntry)(JSON.parse(lines[1] ?? "")))).toBe(true);
  });

  it("recordModel() does not record a failed call", async () => {
    const path = freshPath();
    const recording = recordModel(() => throwError(() => new Error("503")), path, { truncate: true });
    await expect(call(recording, { prompt: "x" })).rejects.toThrow("503");
    recording.close();
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("recordModel() never writes the API key or headers to the cassette", async () => {
    const secret = "sk-test-secret-4242";
    const server = await startOpenAiServer({ apiKey: secret });
    const http = createHttpModel({ baseUrl: server.url, model: "test-model", apiKey: secret, headers: { "x-extra": secret } });
    try {
      const path = freshPath();
      const recording = recordModel(http, path, { truncate: true });
      const sneaky = { prompt: "hello", apiKey: secret, headers: { authorization: `Bearer ${secret}` } };
      expect(await call(recording, sneaky)).toEqual(["echo:hello"]);
      recording.close();
      const text = readFileSync(path, "utf8");
      expect(text).toContain("echo:hello");
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/authorization|apiKey|headers/i);
      expect(await call(replayModel(path), { prompt: "hello" })).toEqual(["echo:hello"]);
    } finally {
      await http.close();
      await server.close();
    }
  });
});

describe("replayModel()", () => {
  it("replayModel() serves the 1st, 2nd, 3rd… recorded answers of a repeated request", async () => {
    const path = freshPath();
    const recording = recordModel(samplingModel(), path, { truncate: true });
    const request: ModelRequest = { prompt: "joke", temperature: 1 };
    const recorded: string[][] = [];
    for (let draw = 0; draw < 5; draw++) recorded.push(await call(recording, request));
    expect(await call(recording, { prompt: "joke", temperature: 1, n: 3 })).toEqual(["joke#5.0", "joke#5.1", "joke#5.2"]);
    recording.close();
    expect(new Set(recorded.map((texts) => texts[0])).size).toBe(5);

    const replay = replayModel(path);
    const replayed: string[][] = [];
    for (let draw = 0; draw < 5; draw++) replayed.push(await call(replay, request));
    expect(replayed).toEqual(recorded);
    expect(await call(replay, { temperature: 1, n: 3, prompt: "joke" })).toEqual(["joke#5.0", "joke#5.1", "joke#5.2"]);
    await expect(call(replay, request)).rejects.toThrow(CassetteMissError);
  });

  it("replayModel() takes an explicit sample index instead of the occurrence", async () => {
    const path = freshPath();
    const recording = recordModel(samplingModel(), path, { truncate: true });
    const request: ModelRequest = { prompt: "p", temperature: 1 };
    await call(recording, request);
    await call(recording, request);
    recording.close();
    const replay = replayModel(loadCassette(path));
    expect((await firstValueFrom(replay(request, 1))).choices[0]?.text).toBe("p#1.0");
    expect((await firstValueFrom(replay(request, 0))).choices[0]?.text).toBe("p#0.0");
    // explicit samples do not advance the occurrence count
    expect((await firstValueFrom(replay(request))).choices[0]?.text).toBe("p#0.0");
  });

  it("replayModel() fails a miss with a fatal CassetteMissError naming the key", async () => {
    const replay = replayModel([]);
    const key = requestKey({ prompt: "unknown" }, 0);
    const error: unknown = await firstValueFrom(replay({ prompt: "unknown" })).catch((caught: unknown) => caught);
    expect(CassetteMissError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ name: "CassetteMissError", key, sample: 0, fatal: true });
    expect(String(error)).toContain(key);
    expect(CassetteMissError.isInstance(new Error("x"))).toBe(false);
  });

  it("replayModel() keeps one sample when the returned Observable is retried", async () => {
    const path = freshPath();
    let failures = 1;
    const flaky: Model = (request) =>
      defer(() => (failures-- > 0 ? throwError(() => new Error("transient")) : of({ choices: [{ text: request.toString(), finishReason: "stop" }] })));
    const recording = recordModel(flaky, path, { truncate: true });
    await lastValueFrom(recording({ prompt: "r" }).pipe(retry(1)));
    recording.close();
    expect(loadCassette(path).map((entry) => entry.sample)).toEqual([0]);
  });

  it("loadCassette() names the file, line and field of a bad line", () => {
    const path = freshPath();
    writeFileSync(path, '{"key":"k","sample":0,"request":{"prompt":"x"},"response":{"choices":[]}}\n{"key":"k","sample":"0"}\n');
    expect(() => loadCassette(path)).toThrow(`Cannot load cassette as ${path}:2: field 'sample': expected number, got "0"`);
    expect(() => replayModel(path)).toThrow(SyntaxError);
  });
});
