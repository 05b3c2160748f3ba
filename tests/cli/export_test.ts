import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spansToExamples } from "../../src/exports/to_spans_row.js";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";

const fixture = join(rootDirectory, "fixtures/exports");
const trainPath = join(fixture, "train.jsonl");

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-export-cli-"));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function lines(path: string): unknown[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

describe("tripost export", () => {
  for (const target of ["tripost", "openai", "trl", "spans"] as const) {
    it(`tripost export --to ${target} writes the golden file`, async () => {
      const out = join(scratch, `${target}.jsonl`);
      const result = await runCli(["export", "--to", target, "--in", trainPath, "--out", out, "--seed", "0"], { cwd: rootDirectory });
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(out, "utf8")).toBe(readFileSync(join(fixture, `${target}.jsonl`), "utf8"));
      expect(result.stderr.split("\n")[0]).toMatch(new RegExp(`^tripost export: ${target}: `));
    });
  }

  it("tripost export --to openai says the approximation of w on stderr", async () => {
    const out = join(scratch, "openai-seeded.jsonl");
    const result = await runCli(["export", "--to", "openai", "--in", trainPath, "--out", out, "--seed", "0"], { cwd: rootDirectory });
    expect(result.stderr).toMatch(/approximated by up-sampling \(seeded stochastic rounding, seed 0\): 7 examples → 8 rows/);
  });

  it("tripost export --to spans round-trips to the training examples", async () => {
    const out = join(scratch, "spans-round-trip.jsonl");
    const result = await runCli(["export", "--to", "spans", "--in", trainPath, "--out", out], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(0);
    expect(spansToExamples(lines(out) as never)).toEqual(E.right(lines(trainPath)));
  });

  it("tripost export exits 2 on a bad input line, naming file, line and field, and writes no output file", async () => {
    const rows = readFileSync(trainPath, "utf8").split("\n").filter(Boolean);
    const broken = JSON.parse(rows[1] as string) as Record<string, unknown>;
    broken["weight"] = "heavy";
    rows[1] = JSON.stringify(broken);
    const input = join(scratch, "broken.jsonl");
    writeFileSync(input, `${rows.join("\n")}\n`);
    const directory = mkdtempSync(join(scratch, "out-"));
    const result = await runCli(["export", "--to", "trl", "--in", input, "--out", join(directory, "trl.jsonl")], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    const message = result.stderr.trim().split("\n").at(-1) ?? "";
    expect(message).toContain("broken.jsonl");
    expect(message).toMatch(/line 2\b/);
    expect(message).toContain("weight");
    expect(readdirSync(directory)).toEqual([]);
  });

  it("tripost export --to tripost exits 2 when weightFrom is not at the feedback anchor", async () => {
    const input = join(scratch, "misplaced.jsonl");
    writeFileSync(input, `${JSON.stringify({ id: "a", kind: "terminal", text: "1+1=\n3\nF:bad", weightFrom: 2, weight: 1.5 })}\n`);
    const out = join(scratch, "misplaced-out.jsonl");
    const result = await runCli(["export", "--to", "tripost", "--in", input, "--out", out], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/misplaced\.jsonl:line 1: field 'weightFrom'/);
    expect(existsSync(out)).toBe(false);
  });

  it("tripost export refuses an unknown target with exit 2", async () => {
    const result = await runCli(["export", "--to", "axolotl", "--in", trainPath, "--out", join(scratch, "x.jsonl")], { cwd: rootDirectory });
    expect(result.code).toBe(2);
  });
});
