import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDirectory } from "../_helpers/child_run.js";
import { type CliResult, runCli } from "../_helpers/cli_io.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";

let scratch: string;
let configPath: string;
let runDirectory: string;
let first: CliResult;

function readIds(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map((line) => (JSON.parse(line) as { id: string }).id);
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-run-cli-"));
  configPath = writeRunConfig(scratch);
  runDirectory = join(scratch, "run");
  first = await runCli(["run", "--config", configPath, "--out", runDirectory], { cwd: rootDirectory });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run", () => {
  it("tripost run writes the run directory of one iteration with both baselines", () => {
    expect(first.code, first.stderr).toBe(0);
    const expected = [
      "config.json",
      "problems/train.jsonl",
      "problems/test.jsonl",
      "iteration-0/eval/metrics.json",
      "iteration-0/eval/predictions.jsonl",
      "iteration-1/trajectories.jsonl",
      "iteration-1/rejections.jsonl",
      "iteration-1/train.jsonl",
      "iteration-1/stats.json",
      "iteration-1/checkpoint/weights.bin",
      "iteration-1/eval/metrics.json",
      "iteration-1/ft-rationale/train.jsonl",
      "iteration-1/ft-rationale/checkpoint/weights.bin",
      "iteration-1/ft-rationale/eval/metrics.json",
      "iteration-1/lmsi/train.jsonl",
      "iteration-1/lmsi/checkpoint/weights.bin",
      "iteration-1/lmsi/eval/metrics.json",
      "metrics.json",
    ];
    for (const file of expected) expect(existsSync(join(runDirectory, file)), file).toBe(true);
    expect(readIds(join(runDirectory, "problems/train.jsonl"))).toHaveLength(tinyRunConfig.data.train.count);
    expect(readIds(join(runDirectory, "problems/test.jsonl"))).toHaveLength(6);
  });

  it("tripost run puts every training problem id in exactly one of trajectories and rejections", () => {
    const trainIds = readIds(join(runDirectory, "problems/train.jsonl"));
    const trajectoryIds = readIds(join(runDirectory, "iteration-1/trajectories.jsonl"));
    const rejectionIds = readIds(join(runDirectory, "iteration-1/rejections.jsonl"));
    expect([...trajectoryIds, ...rejectionIds].sort()).toEqual([...trainIds].sort());
    expect(new Set([...trajectoryIds, ...rejectionIds]).size).toBe(trainIds.length);
    expect(readIds(join(runDirectory, "iteration-1/train.jsonl")).length).toBeGreaterThan(0);
  });

  it("tripost run writes metrics.json with one row per method and iteration, and the table on stdout", () => {
    const metrics = JSON.parse(readFileSync(join(runDirectory, "metrics.json"), "utf8")) as {
      rows: { method: string; iteration: number; total: number | null; steps: number }[];
    };
    expect(metrics.rows.map((row) => [row.method, row.iteration])).toEqual([
      ["M0", 0],
      ["tripost", 1],
      ["ft-rationale", 1],
      ["lmsi", 1],
    ]);
    for (const row of metrics.rows.slice(1)) expect(row.steps).toBe(tinyRunConfig.training.steps);
    for (const row of metrics.rows) {
      expect(row.total).not.toBeNull();
      expect(first.stdout).toMatch(new RegExp(`^${row.method}\\s+${row.iteration}\\s`, "m"));
    }
    expect(first.stdout).toMatch(/^method\s+iter\s+seen\s+unseen\s+total/m);
    // `npm start` ends with the report's path: the last line on stdout.
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe(`Report: ${join(runDirectory, "report.html")}`);
    expect(existsSync(join(runDirectory, "report.html"))).toBe(true);
    // The versions the run ran with and one timing per step it ran, for the report.
    const versions = JSON.parse(readFileSync(join(runDirectory, "versions.json"), "utf8")) as Record<string, string>;
    expect(versions).toMatchObject({ tripost: "0.1.0", node: process.version, "@tensorflow/tfjs": "4.22.0" });
    const timings = readFileSync(join(runDirectory, "timings.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { step: string; ms: number });
    expect(timings.map((timing) => timing.step)).toContain("collect");
    expect(timings.every((timing) => Number.isInteger(timing.ms) && timing.ms >= 0)).toBe(true);
    expect(readFileSync(join(runDirectory, "report.html"), "utf8")).toContain("<tr><td>node</td><td>" + process.version + "</td></tr>");
  });

  it("tripost run exits 2 into a non-empty directory without --resume and leaves it as it was", async () => {
    const before = readFileSync(join(runDirectory, "metrics.json"), "utf8");
    const entries = readdirSync(runDirectory).sort();
    const again = await runCli(["run", "--config", configPath, "--out", runDirectory], { cwd: rootDirectory });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("--resume");
    expect(readdirSync(runDirectory).sort()).toEqual(entries);
    expect(readFileSync(join(runDirectory, "metrics.json"), "utf8")).toBe(before);
  });

  it("tripost run streams training problems from a file (the first 'limit') and writes the run the same problems generated give", async () => {
    // The generated run's 8 problems, then 4 more the limit leaves out.
    const lines = readFileSync(join(runDirectory, "problems/train.jsonl"), "utf8").split("\n").filter((line) => line !== "");
    const extra = lines.slice(0, 4).map((line, index) => JSON.stringify({ ...(JSON.parse(line) as object), id: `extra-${index}` }));
    writeFileSync(join(scratch, "train-file.jsonl"), `${[...lines, "", ...extra].join("\n")}\n`);
    const fromFile = { ...tinyRunConfig, data: { ...tinyRunConfig.data, train: { source: "file", path: join(scratch, "train-file.jsonl"), limit: 8 } } };
    const out = join(scratch, "file-run");
    const result = await runCli(["run", "--config", writeRunConfig(scratch, "file.json", fromFile), "--out", out, "--quiet"], { cwd: rootDirectory });
    expect(result.stderr).not.toMatch(/tripost:/);
    expect(result.code).toBe(0);
    for (const file of ["problems/train.jsonl", "iteration-1/trajectories.jsonl", "iteration-1/rejections.jsonl", "iteration-1/train.jsonl", "iteration-1/ft-rationale/train.jsonl", "iteration-1/lmsi/train.jsonl"]) {
      expect(readFileSync(join(out, file), "utf8"), file).toBe(readFileSync(join(runDirectory, file), "utf8"));
    }
    const rows = (path: string) => (JSON.parse(readFileSync(path, "utf8")) as { rows: unknown }).rows;
    expect(rows(join(out, "metrics.json"))).toEqual(rows(join(runDirectory, "metrics.json")));
  });

  it("tripost run checks every line of a training file first: a bad last line is exit 2 naming file, line and field, and nothing is written", async () => {
    const lines = readFileSync(join(runDirectory, "problems/train.jsonl"), "utf8").split("\n").filter((line) => line !== "");
    writeFileSync(join(scratch, "bad-train.jsonl"), `${[...lines, JSON.stringify({ id: "late", task: "multistep_arithmetic", question: "1 =" })].join("\n")}\n`);
    const bad = { ...tinyRunConfig, data: { ...tinyRunConfig.data, train: { source: "file", path: join(scratch, "bad-train.jsonl") } } };
    const out = join(scratch, "bad-train-run");
    const result = await runCli(["run", "--config", writeRunConfig(scratch, "bad-train.json", bad), "--out", out, "--quiet"], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`bad-train\\.jsonl:line ${lines.length + 1}: .*answer`));
    expect(existsSync(out)).toBe(false);
  });

  it("tripost run exits 2 on an unknown config key, naming the file, the line and the field, and writes nothing", async () => {
    const bad = { ...tinyRunConfig, training: { ...tinyRunConfig.training, stpes: 3 } };
    const badPath = writeRunConfig(scratch, "bad.json", bad);
    const out = join(scratch, "bad-run");
    const result = await runCli(["run", "--config", badPath, "--out", out], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    const text = readFileSync(badPath, "utf8").split("\n");
    const line = text.findIndex((entry) => entry.includes("\"stpes\"")) + 1;
    expect(line).toBeGreaterThan(1);
    expect(result.stderr).toContain("bad.json");
    expect(result.stderr).toMatch(new RegExp(`line ${line}\\b`));
    expect(result.stderr).toContain("training.stpes");
    expect(existsSync(out)).toBe(false);
  });
});
