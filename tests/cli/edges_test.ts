/**
 * Edges (issue 11, item 9): numbers have upper bounds where a larger value would exhaust the
 * machine or only diverge (`--count 1e9`, `--lr 1e6`, `--epochs 0`, and the same in a run
 * config), each refused at once with one line and exit 2; an output path that cannot be written
 * is covered in overwrite_test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-edges-"));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("upper bounds", () => {
  it.each([
    [["problems", "--task", "multistep_arithmetic", "--count", "1e9"], "--count", /at most 1000000/],
    [["train", "--student", "embedded:fixtures/student/m0-msa", "--data", "x.jsonl", "--out", "ckpt", "--lr", "1e6"], "--lr", /at most 1/],
    [["train", "--student", "embedded:fixtures/student/m0-msa", "--data", "x.jsonl", "--out", "ckpt", "--lr", "0"], "--lr", /greater than 0/],
    [["train", "--student", "embedded:fixtures/student/m0-msa", "--data", "x.jsonl", "--out", "ckpt", "--epochs", "0"], "--epochs", /greater than 0/],
    [["eval", "--task", "multistep_arithmetic", "--student", "embedded:x", "--in", "x", "--out", "y", "--concurrency", "1000000"], "--concurrency", /at most 4096/],
    [["run", "--iterations", "1000"], "--iterations", /at most 100/],
  ])("tripost %j is refused at once: exit 2, one line naming %s", async (argv, flag, bound) => {
    const started = performance.now();
    const result = await runCli(argv, { cwd: scratch });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`'${flag}'`);
    expect(result.stderr).toMatch(bound);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each([
    ["data.train.count", { data: { train: { source: "generate", count: 1_000_000_000 } } }],
    ["training.learningRate", { training: { learningRate: 1e6 } }],
    ["training.epochs", { training: { epochs: 0 } }],
    ["iterations", { iterations: 10_000 }],
    ["concurrency", { concurrency: 1e6 }],
  ])("a run config with %s out of bounds is exit 2 naming the field, and no directory", async (field, planted) => {
    const configPath = writeRunConfig(scratch, "bounds.json", { ...tinyRunConfig, ...planted });
    const result = await runCli(["run", "--config", configPath, "--out", join(scratch, "never")], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`'${field}'`);
  });
});

describe("help and docs (item 10)", () => {
  it("collect --help says shards are numbered from 1 and that --max-tokens defaults as the config table (256 embedded)", async () => {
    const result = await runCli(["collect", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--shard i\/n .*numbered from 1/);
    expect(result.stdout).toMatch(/--max-tokens N .*default: 256 for embedded students/);
    expect(result.stdout).toMatch(/--max-failures N\|P% .*default: 10%/);
    const evaluation = await runCli(["eval", "--help"]);
    expect(evaluation.stdout).toMatch(/--max-tokens N .*default: 256 for embedded students/);
  });

  it("the contract is in the repository and describes --force, --max-failures and --resume", async () => {
    const { readFileSync } = await import("node:fs");
    const contract = readFileSync(join(rootDirectory, "docs", "contract.md"), "utf8");
    for (const word of ["--force", "--max-failures", "--resume", "apiKeyEnv", "/health", "130"]) expect(contract).toContain(word);
  });
});

