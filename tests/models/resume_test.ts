import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, helperScript, startChild } from "../_helpers/child_run.js";
import { type OpenAiServer, startOpenAiServer } from "../_helpers/openai_server.js";

const items = 60;
const concurrency = 4;
let directory = "";

/** Every prompt the pipeline sends for `items` inputs (the server echoes `echo:<prompt>`). */
function expectedPrompts(): string[] {
  const prompts: string[] = [];
  for (let index = 0; index < items; index++) {
    const solve = `solve q${index}: What is ${index} + ${index}?`;
    prompts.push(solve);
    if (index % 3 === 0) prompts.push(`check q${index}: echo:${solve}`);
  }
  return prompts;
}

function arrivalCounts(server: OpenAiServer): Map<string, number> {
  return new Map([...server.arrivals].map(([key, arrivals]) => [key, arrivals.length]));
}

async function runChild(server: OpenAiServer, outDirectory: string, resume: boolean): Promise<string> {
  const { done } = startChild(helperScript("resume_child.mjs"), [
    server.url,
    join(directory, "problems.jsonl"),
    outDirectory,
    String(concurrency),
    ...(resume ? ["--resume"] : []),
  ]);
  const result = await done;
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return readFileSync(join(outDirectory, "outputs.jsonl"), "utf8");
}

beforeAll(() => {
  ensureBuilt([
    "codecs/journal_entry",
    "models/http_model",
    "models/journaled_model",
    "streams/demand_source",
    "streams/journal",
    "streams/read_jsonl",
    "streams/reorder",
    "streams/write_jsonl",
    "streams/canonical_json",
  ]);
  directory = mkdtempSync(join(tmpdir(), "tripost-resume-"));
  const lines = Array.from({ length: items }, (_, index) => JSON.stringify({ id: `q${index}`, question: `What is ${index} + ${index}?` }));
  writeFileSync(join(directory, "problems.jsonl"), `${lines.join("\n")}\n`);
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("journaledModel() across a SIGKILL", () => {
  it("a run killed with SIGKILL and resumed re-issues no journaled call and writes what an uninterrupted run writes", async () => {
    // The uninterrupted reference run.
    const referenceServer = await startOpenAiServer({ latencyMs: 15 });
    let reference: string;
    try {
      reference = await runChild(referenceServer, join(directory, "reference"), false);
      expect(referenceServer.counts.requests).toBe(expectedPrompts().length);
    } finally {
      await referenceServer.close();
    }
    expect(reference.split("\n").filter((line) => line !== "")).toHaveLength(items);

    const server = await startOpenAiServer({ latencyMs: 15 });
    try {
      // The run that is killed mid-way.
      const killedDirectory = join(directory, "killed");
      const { child, done } = startChild(helperScript("resume_child.mjs"), [
        server.url,
        join(directory, "problems.jsonl"),
        killedDirectory,
        String(concurrency),
      ]);
      const deadline = Date.now() + 20_000;
      while (server.counts.answered < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      child.kill("SIGKILL");
      const killed = await done;
      expect(killed.signal).toBe("SIGKILL");
      const beforeResume = arrivalCounts(server);

      const journalText = readFileSync(join(killedDirectory, "journal.jsonl"), "utf8");
      const journaledPrompts = journalText
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
          const entry = JSON.parse(line) as { response: { choices: { text: string }[] } };
          return (entry.response.choices[0]?.text ?? "").replace(/^echo:/, "");
        });
      // the kill came mid-run: some calls had completed, not all
      expect(journaledPrompts.length).toBeGreaterThanOrEqual(10);
      expect(journaledPrompts.length).toBeLessThan(expectedPrompts().length);
      expect(new Set(journaledPrompts).size).toBe(journaledPrompts.length);

      // The resumed run.
      const resumed = await runChild(server, killedDirectory, true);
      const afterResume = arrivalCounts(server);
      const reissued = [...afterResume].filter(([key, count]) => count > (beforeResume.get(key) ?? 0)).map(([key]) => key);
      console.info(
        `resume: ${beforeResume.size} prompts had reached the server before SIGKILL, ${journaledPrompts.length} were journaled; ` +
          `the resumed run sent ${reissued.length} (of ${expectedPrompts().length})`,
      );
      for (const prompt of journaledPrompts) {
        expect(afterResume.get(prompt), `journaled call re-issued: ${prompt}`).toBe(1);
      }
      expect(reissued.filter((prompt) => journaledPrompts.includes(prompt))).toEqual([]);
      // every call was answered exactly once after the resume began, or was journaled before
      expect(new Set([...journaledPrompts, ...reissued])).toEqual(new Set(expectedPrompts()));
      expect(reissued.length + journaledPrompts.length).toBe(expectedPrompts().length);
      expect(resumed).toBe(reference);
    } finally {
      await server.close();
    }
  });
});
