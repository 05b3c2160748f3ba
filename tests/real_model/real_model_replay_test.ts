/**
 * The real model's runs, replayed: each scenario of `_scenarios.ts` was run live against
 * SmolLM2-135M-Instruct on llama-cpp-python's server (`npm run test:real-model` with
 * `TRIPOST_RECORD_REAL_MODEL=1`), and its wire exchanges — the exact response bytes of the
 * server — and outputs were kept under `fixtures/real-model/<name>/`. Here a replay server
 * answers the same requests from those exchanges alone, strictly, and the same command must
 * write the same trajectories, rejections, training examples and predictions: real model output
 * goes through undici, the wire codecs, the tasks' and experts' parsers in every `npm test`. Two
 * runs stream (server-sent events): the replay server sends their events in small pieces.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutputs, readInputProblems, runScenario, sortedLines } from "./_run.js";
import { outputFiles, SCENARIOS } from "./_scenarios.js";
import { loadWireCassette, startReplayServer } from "./_wire_cassette.js";

const fixtures = resolve(import.meta.dirname, "../../fixtures/real-model");
const work = mkdtempSync(join(tmpdir(), "tripost-real-replay-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the real model's recorded runs, replayed", () => {
  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))("%s writes what the live run wrote", async (_name, scenario) => {
    const folder = join(fixtures, scenario.name);
    expect(existsSync(join(folder, "cassette.jsonl")), `${folder}/cassette.jsonl`).toBe(true);
    const exchanges = loadWireCassette(join(folder, "cassette.jsonl"));
    const server = await startReplayServer(exchanges);
    const out = join(work, scenario.name);
    const input = join(folder, "problems.jsonl");
    let result: { code: number; stderr: string };
    try {
      result = await runScenario(scenario, server.url, input, out);
    } finally {
      await server.close();
    }
    expect(result.code, result.stderr).toBe(0);
    expect(server.misses).toEqual([]);
    expect(server.calls).toBe(exchanges.length);
    for (const file of outputFiles(scenario.command)) {
      expect(sortedLines(join(out, file)), file).toEqual(sortedLines(join(folder, file)));
    }
    const outcome = checkOutputs(scenario, readInputProblems(input), out);
    expect(outcome).toEqual(JSON.parse(readFileSync(join(folder, "outcome.json"), "utf8")));
  });

  it.each([
    ["msa-eval-completions-stream", "msa-eval-completions"],
    ["du-eval-chat-stream", "du-eval-chat"],
  ])("%s (server-sent events, split across chunks) predicts what %s predicted without streaming", (streamed, plain) => {
    expect(sortedLines(join(fixtures, streamed, "predictions.jsonl"))).toEqual(sortedLines(join(fixtures, plain, "predictions.jsonl")));
    const events = loadWireCassette(join(fixtures, streamed, "cassette.jsonl"));
    expect(events.every((exchange) => exchange.contentType.startsWith("text/event-stream") && exchange.response.endsWith("data: [DONE]\n\n"))).toBe(true);
  });
});
