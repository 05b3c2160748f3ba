/**
 * `tripost collect --resume` continues a collection as it was made: resuming a finished
 * collection with another input or another seed is refused (exit 2, naming the setting and its
 * flag) and leaves its files as they were, instead of replacing it with another collection.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";

let scratch: string;
const student = `embedded:${join(rootDirectory, "fixtures/student/m0-msa")}`;

function collect(input: string, extra: string[] = []): string[] {
  return ["collect", "--task", "multistep_arithmetic", "--student", student, "--expert", "scripted", "--in", input, "--out", "c", "--quiet", ...extra];
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-collect-resume-settings-"));
  for (const [name, seed] of [["a.jsonl", "0"], ["b.jsonl", "1"]] as const) {
    const made = await runCli(["problems", "--task", "multistep_arithmetic", "--difficulty", "easy", "--count", "6", "--seed", seed, "--out", name], { cwd: scratch });
    expect(made.code, made.stderr).toBe(0);
  }
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("tripost collect --resume keeps the collection's settings", () => {
  it("refuses another input or seed on a finished collection and leaves its files as they were", async () => {
    const first = await runCli(collect("a.jsonl"), { cwd: scratch });
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(join(scratch, "c"));

    const otherInput = await runCli(collect("b.jsonl", ["--resume"]), { cwd: scratch });
    expect(otherInput.code).toBe(2);
    expect(otherInput.stderr).toMatch(/^tripost: Cannot resume the collection in .* as 'input\.sha256' differs \(--in\)/);
    expect(otherInput.stderr.trim().split("\n")).toHaveLength(1);

    const otherSeed = await runCli(collect("a.jsonl", ["--resume", "--seed", "5"]), { cwd: scratch });
    expect(otherSeed.code).toBe(2);
    expect(otherSeed.stderr).toMatch(/'seed' differs \(--seed\): it was collected with 0, this command says 5/);

    const otherRatio = await runCli(collect("a.jsonl", ["--resume", "--ratio", "2"]), { cwd: scratch });
    expect(otherRatio.code).toBe(2);
    expect(otherRatio.stderr).toMatch(/'improveDataRatio' differs \(--ratio\)/);
    expect(snapshot(join(scratch, "c"))).toEqual(before);
  });

  it("resumes with the same settings, a raised --max-failures included", async () => {
    const again = await runCli(collect("a.jsonl", ["--resume", "--max-failures", "50%"]), { cwd: scratch });
    expect(again.code, again.stderr).toBe(0);
  });
});
