import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, type RequestContext, startOpenAiServer } from "../_helpers/openai_server.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";
import type { Problem } from "../../src/codecs/problem.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";

// A stand-in for an LLM expert on multistep arithmetic, served over HTTP: it reads the case out
// of the few-shot prompt and answers as a perfect expert would, FBK in the tabular form (from the
// scripted verifier) and IMP as the gold remainder after the forced prefix.
const expertCalls: RequestContext[] = [];

function lastCase(prompt: string): { problem: Problem; rest: string } {
  const block = prompt.slice(prompt.lastIndexOf("\n\nQ: ") + "\n\nQ: ".length);
  const question = block.slice(0, block.indexOf("\n"));
  const bare: Problem = { id: "x", task: "multistep_arithmetic", question, answer: "" };
  const answer = multistepArithmetic.extractAnswer(multistepArithmetic.solve(bare)) ?? "";
  return { problem: { ...bare, answer }, rest: block.slice(block.indexOf("\n") + 1) };
}

function expertReply(prompt: string): string {
  const { problem, rest } = lastCase(prompt);
  const header = `Answer: Let's think step by step.${multistepArithmetic.info}\n`;
  if (prompt.endsWith("Earliest error step:")) {
    const attempt = rest.slice(header.length, rest.length - "\nEarliest error step:".length);
    const verdict = multistepArithmetic.critique?.(problem, attempt);
    if (verdict === undefined || verdict._tag === "Left" || verdict.right.correct) return " (1)\nError segment: \"?\"\nError reason: unclear. [END]";
    return ` (${verdict.right.errorStep})\nError segment: "${verdict.right.errorSegment}"\nError reason: it does not follow. [END]`;
  }
  // IMP: the prompt ends with the update header and the forced prefix; write the gold remainder.
  const given = rest.slice(rest.lastIndexOf(`Updated ${header}`) + `Updated ${header}`.length).split("\n").filter((line) => line !== "");
  const gold = multistepArithmetic.solve(problem).split("\n");
  return `${gold.slice(given.length).join("\n")} [END]`;
}
let expert: OpenAiServer;
let scratch: string;

beforeAll(async () => {
  expert = await startOpenAiServer({
    handler: (context) => {
      expertCalls.push(context);
      return { texts: [expertReply(String(context.body["prompt"]))] };
    },
  });
  scratch = mkdtempSync(join(tmpdir(), "tripost-run-expert-journal-"));
});

afterAll(async () => {
  await expert.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run with an HTTP expert", () => {
  it("journals the expert's calls: a resumed collection re-issues none and writes the same files", async () => {
    // 16 training problems at temperature 1: some of M0's rollouts are wrong and reach the expert.
    const config = {
      ...tinyRunConfig,
      data: { ...tinyRunConfig.data, train: { source: "generate", count: 16, seed: 3 } },
      baselines: [],
      expert: { url: expert.url, model: "big", maxRetries: 0 },
    };
    const configPath = writeRunConfig(scratch, "run.json", config);
    const runDirectory = join(scratch, "run");
    const first = await runCli(["run", "--config", configPath, "--out", runDirectory, "--quiet"], { cwd: rootDirectory });
    expect(first.code, first.stderr).toBe(0);
    const callsOfFirstRun = expertCalls.length;
    expect(callsOfFirstRun).toBeGreaterThan(0);
    const iteration = join(runDirectory, "iteration-1");
    const read = (name: string) => readFileSync(join(iteration, name), "utf8");
    const before = ["trajectories.jsonl", "rejections.jsonl", "train.jsonl", "stats.json"].map(read);
    // The journal holds every completed call, the expert's included.
    const journaled = read("journal.jsonl").trim().split("\n").length;
    expect(journaled).toBeGreaterThanOrEqual(callsOfFirstRun + config.data.train.count);

    // As after a crash between the calls and the iteration's files: only the journal is left.
    for (const name of ["trajectories.jsonl", "rejections.jsonl", "train.jsonl", "stats.json"]) rmSync(join(iteration, name));
    const resumed = await runCli(["run", "--config", configPath, "--out", runDirectory, "--resume", "--quiet"], { cwd: rootDirectory });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(expertCalls).toHaveLength(callsOfFirstRun);
    expect(["trajectories.jsonl", "rejections.jsonl", "train.jsonl", "stats.json"].map(read)).toEqual(before);
  });
});
