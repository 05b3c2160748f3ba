import * as E from "fp-ts/lib/Either.js";
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRun } from "../../src/report/load_run.js";
import { writeRunFixture } from "./_run_fixture.js";

let directory: string | undefined;

afterEach(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

describe("loadRun", () => {
  it("loadRun() reads versions, the last timing of each step and the run's usage, and names a bad timing line", () => {
    directory = writeRunFixture();
    writeFileSync(join(directory, "versions.json"), JSON.stringify({ tripost: "0.1.0", node: "v20.20.2" }));
    const timing = (step: string, ms: number) => `${JSON.stringify({ method: "tripost", iteration: 1, step, ms })}\n`;
    // The collection ran twice (killed, resumed): its last run counts.
    writeFileSync(join(directory, "timings.jsonl"), timing("collect", 100) + timing("collect", 250) + timing("train", 40));
    const metricsPath = join(directory, "metrics.json");
    const usage = {
      total: { calls: 3, callsWithoutUsage: 0, promptTokens: 30, completionTokens: 12 },
      byStage: {},
      byModel: {},
      entries: [{ stage: "evaluate", model: "student", calls: 3, callsWithoutUsage: 0, promptTokens: 30, completionTokens: 12 }],
    };
    writeFileSync(metricsPath, JSON.stringify({ ...(JSON.parse(readFileSync(metricsPath, "utf8")) as object), usage }));
    const run = loadRun(directory);
    if (E.isLeft(run)) throw new Error(run.left.message);
    expect(run.right.versions).toEqual({ tripost: "0.1.0", node: "v20.20.2" });
    expect(run.right.timings.map((entry) => [entry.step, entry.ms])).toEqual([["collect", 250], ["train", 40]]);
    expect(run.right.usage?.entries[0]?.calls).toBe(3);
    appendFileSync(join(directory, "timings.jsonl"), `${JSON.stringify({ method: "tripost", iteration: 1, step: "evaluate", ms: "slow" })}\n`);
    const bad = loadRun(directory);
    expect(E.isLeft(bad) && bad.left.file === "timings.jsonl" && bad.left.line === 4 && /ms/.test(bad.left.message)).toBe(true);
  });

  it("loadRun() reads rows, stats, rejections of every pass and edited trajectories first", () => {
    directory = writeRunFixture();
    const run = loadRun(directory, { examplesPerIteration: 1 });
    if (E.isLeft(run)) throw new Error(run.left.message);
    expect(run.right.seed).toBe(7);
    expect(run.right.task).toBe("multistep_arithmetic");
    expect(run.right.rows.map((row) => `${row.method}@${row.iteration}`)).toEqual(["M0@0", "tripost@1", "lmsi@1", "tripost@2", "lmsi@2"]);
    expect(run.right.iterations.map((iteration) => iteration.iteration)).toEqual([1, 2]);
    const first = run.right.iterations[0]!;
    expect(first.stats?.rebalance.improvement).toBe(4);
    expect(Object.values(first.rejectionsByType).reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(first.rejectionsByType["format-error"]).toBe(1);
    expect(first.trajectories.map((trajectory) => trajectory.id)).toEqual(["edited"]);
    expect(first.examples.map((example) => example.id)).toEqual(["edited@0#si0"]);
    expect(run.right.calls.filter((count) => count.step === "iteration-1")).toEqual([
      { step: "iteration-1", model: "<script>alert(\"x\")</script><img src=x onerror='y'>&", calls: 1, callsWithUsage: 0, promptTokens: 0, completionTokens: 0 },
      { step: "iteration-1", model: "student", calls: 2, callsWithUsage: 2, promptTokens: 20, completionTokens: 10 },
    ]);
    expect(run.right.calls.map((count) => count.step)).toEqual(["iteration-1", "iteration-1", "iteration-1/lmsi", "iteration-2", "iteration-2", "iteration-2/lmsi"]);
    expect(run.right.calls.find((count) => count.step === "iteration-2/lmsi")?.model).toBe("unknown");
  });

  it("loadRun() counts a journaled call once and skips a line cut by a kill", () => {
    directory = writeRunFixture();
    const journal = join(directory, "iteration-1", "lmsi", "journal.jsonl");
    const line = readFileSync(journal, "utf8");
    appendFileSync(journal, `${line}{"key":"cut`);
    const run = loadRun(directory);
    if (E.isLeft(run)) throw new Error(run.left.message);
    expect(run.right.calls.find((count) => count.step === join("iteration-1", "lmsi"))?.calls).toBe(1);
  });

  it("loadRun() names the file and line of an invalid record", () => {
    directory = writeRunFixture();
    appendFileSync(join(directory, "iteration-2", "train.jsonl"), `${JSON.stringify({ id: "x", kind: "gold", text: 3, weightFrom: 0, weight: 1 })}\n`);
    const run = loadRun(directory);
    expect(E.isLeft(run) && run.left).toMatchObject({ file: join("iteration-2", "train.jsonl"), line: 3 });
    expect(E.isLeft(run) && run.left.message).toMatch(/text/);
  });

  it("loadRun() names a missing or malformed metrics.json", () => {
    directory = writeRunFixture();
    writeFileSync(join(directory, "metrics.json"), "{ not json");
    const malformed = loadRun(directory);
    expect(E.isLeft(malformed) && malformed.left.file).toBe("metrics.json");
    rmSync(join(directory, "metrics.json"));
    const missing = loadRun(directory);
    expect(E.isLeft(missing) && missing.left).toMatchObject({ file: "metrics.json", message: expect.stringMatching(/missing/) });
    expect(E.isLeft(loadRun(join(directory, "nope")))).toBe(true);
  });
});
