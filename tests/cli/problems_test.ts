import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../_helpers/cli_io.js";

describe("tripost problems", () => {
  it("writes seeded problem JSONL, the same for the same seed", async () => {
    const first = await runCli(["problems", "--task", "multistep_arithmetic", "--count", "5", "--seed", "3"]);
    const second = await runCli(["problems", "--task", "multistep_arithmetic", "--count", "5", "--seed", "3"]);
    const other = await runCli(["problems", "--task", "multistep_arithmetic", "--count", "5", "--seed", "4"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    expect(first.stdout).not.toBe(other.stdout);
    const lines = first.stdout.trim().split("\n").map((line) => JSON.parse(line) as { task: string; question: string });
    expect(lines).toHaveLength(5);
    expect(lines.every((problem) => problem.task === "multistep_arithmetic" && problem.question.endsWith("=")))
      .toBe(true);
  });

  it("honours --split and --difficulty", async () => {
    const result = await runCli([
      "problems", "--task", "word_sorting", "--count", "20", "--split", "unseen", "--difficulty", "official",
    ]);
    expect(result.code).toBe(0);
    const problems = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as { split: string });
    expect(problems.every((problem) => problem.split === "unseen")).toBe(true);
  });

  it("writes --out atomically and exits 2 on bad usage without writing", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tripost-problems-"));
    const ok = await runCli(["problems", "--task", "word_sorting", "--count", "3", "--out", "p.jsonl"], { cwd: directory });
    expect(ok.code).toBe(0);
    expect(readFileSync(join(directory, "p.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    const bad = await runCli(["problems", "--task", "chess", "--count", "3", "--out", "q.jsonl"], { cwd: directory });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--task chess/);
    expect(readdirSync(directory)).toEqual(["p.jsonl"]);
  });

  it("rejects unknown flags and an unknown difficulty with exit code 2", async () => {
    expect((await runCli(["problems", "--task", "word_sorting", "--count", "1", "--colour"])).code).toBe(2);
    const result = await runCli(["problems", "--task", "word_sorting", "--count", "1", "--difficulty", "insane"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("prints help with every flag", async () => {
    const result = await runCli(["problems", "--help"]);
    expect(result.code).toBe(0);
    for (const flag of ["--task", "--count", "--seed", "--split", "--out"]) expect(result.stdout).toContain(flag);
  });
});
