/**
 * `tripost run` on the tiny config with `student.updates: "continuation"`: the run completes,
 * every training problem ends in exactly one of trajectories and rejections, and the improvement
 * examples write each update from the error step on (they read back as full, convertible attempts).
 */
import * as E from "fp-ts/lib/Either.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat } from "../../src/tasks/trajectory_format.js";
import { rootDirectory } from "../_helpers/child_run.js";
import { type CliResult, runCli } from "../_helpers/cli_io.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";

let scratch: string;
let runDirectory: string;
let result: CliResult;

function readRows<T>(path: string): T[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as T);
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-run-continuation-"));
  const config = { ...tinyRunConfig, student: { spec: tinyRunConfig.student, updates: "continuation" }, baselines: [] };
  const configPath = writeRunConfig(scratch, "run.json", config);
  runDirectory = join(scratch, "run");
  result = await runCli(["run", "--config", configPath, "--out", runDirectory], { cwd: rootDirectory });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run with continuation updates", () => {
  it("runs, and puts every training problem id in exactly one of trajectories and rejections", () => {
    expect(result.code, result.stderr).toBe(0);
    const trainIds = readRows<{ id: string }>(join(runDirectory, "problems/train.jsonl")).map((row) => row.id);
    const trajectoryIds = readRows<{ id: string }>(join(runDirectory, "iteration-1/trajectories.jsonl")).map((row) => row.id);
    const rejectionIds = readRows<{ id: string }>(join(runDirectory, "iteration-1/rejections.jsonl")).map((row) => row.id);
    expect(trainIds).toHaveLength(tinyRunConfig.data.train.count);
    expect([...trajectoryIds, ...rejectionIds].sort()).toEqual([...trainIds].sort());
    expect(new Set([...trajectoryIds, ...rejectionIds]).size).toBe(trainIds.length);
  });

  it("writes improvement examples whose update reads back as a full attempt", () => {
    const format = compactFormat(multistepArithmetic, { updates: "continuation" })!;
    const problems = new Map(readRows<Problem>(join(runDirectory, "problems/train.jsonl")).map((problem) => [problem.id, problem]));
    const examples = readRows<TrainingExample>(join(runDirectory, "iteration-1/train.jsonl"));
    const improvements = examples.filter((row) => row.kind === "improvement");
    expect(improvements.length).toBeGreaterThan(0);
    let continued = 0;
    for (const example of improvements) {
      const problem = problems.get(example.id.replace(/[@#].*$/, ""));
      expect(problem, example.id).toBeDefined();
      const turns = format.parseRollout(problem!, example.text.slice(format.prompt(problem!).length));
      expect(E.isRight(turns) && turns.right.length, example.text).toBe(2);
      if (E.isLeft(turns)) continue;
      const [before, after] = turns.right;
      const prefix = format.updatePrefix(before!.attempt, before!.feedbackLine!);
      if (prefix.length > 0) continued++;
      expect(example.text.endsWith(`${before!.feedbackLine}\n${after!.attempt.split("\n").slice(prefix.length).join("\n")}`)).toBe(true);
      expect(E.isRight(format.toOfficial(problem!, after!.attempt)), after!.attempt).toBe(true);
    }
    // Some update leaves its copied prefix out.
    expect(continued).toBeGreaterThan(0);
  });
});
