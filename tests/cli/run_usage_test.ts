import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsageEntry, UsageReport } from "../../src/codecs/metrics.js";
import { usageReport } from "../../src/models/usage_meter.js";
import { rootDirectory } from "../_helpers/child_run.js";
import { type CliResult, runCli } from "../_helpers/cli_io.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";

let scratch: string;
let runDirectory: string;
let configPath: string;
let first: CliResult;

function usageIn(path: string): UsageReport {
  return (JSON.parse(readFileSync(join(runDirectory, path), "utf8")) as { usage: UsageReport }).usage;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-run-usage-"));
  // The tiny run with the LMSI baseline only (it is the one that samples).
  configPath = writeRunConfig(scratch, "run.json", { ...tinyRunConfig, baselines: ["lmsi"] });
  runDirectory = join(scratch, "run");
  first = await runCli(["run", "--config", configPath, "--out", runDirectory], { cwd: rootDirectory });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run: model usage", () => {
  it("records each step's calls and tokens in its file, and their sum in metrics.json and on stdout", () => {
    expect(first.code, first.stderr).toBe(0);
    const parts: Record<string, UsageReport> = {
      m0: usageIn("iteration-0/eval/metrics.json"),
      collect: usageIn("iteration-1/stats.json"),
      tripostEval: usageIn("iteration-1/eval/metrics.json"),
      lmsi: usageIn("iteration-1/lmsi/stats.json"),
      lmsiEval: usageIn("iteration-1/lmsi/eval/metrics.json"),
    };
    const stages = (report: UsageReport | undefined) => report?.entries.map((entry) => `${entry.stage}/${entry.model}`);
    expect(stages(parts["m0"])).toEqual(["evaluate/student"]);
    // The scripted expert makes no model calls: the collection's usage is the rollouts'.
    expect(stages(parts["collect"])).toEqual(["rollout/student"]);
    expect(stages(parts["lmsi"])).toEqual(["lmsi/student"]);
    // The embedded student reports usage: one rollout per training problem, six test problems.
    expect(parts["collect"]?.total.calls).toBe(tinyRunConfig.data.train.count);
    expect(parts["m0"]?.total.calls).toBeGreaterThanOrEqual(6);
    for (const report of Object.values(parts)) {
      expect(report.total.callsWithoutUsage).toBe(0);
      expect(report.total.promptTokens).toBeGreaterThan(0);
      expect(report.total.completionTokens).toBeGreaterThan(0);
    }
    const total = usageIn("metrics.json");
    const entries: UsageEntry[] = Object.values(parts).flatMap((report) => report.entries);
    expect(total).toEqual(usageReport(entries));
    expect(Object.keys(total.byStage)).toEqual(["evaluate", "lmsi", "rollout"]);
    expect(first.stdout).toContain("Model usage (calls, tokens in, tokens out):");
    expect(first.stdout).toMatch(new RegExp(`^  total\\s+${total.total.calls} calls\\s`, "m"));
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe(`Report: ${join(runDirectory, "report.html")}`);
  });

  it("a resume of the finished run rebuilds the same metrics.json from the recorded usage, and says nothing was sent", async () => {
    const before = readFileSync(join(runDirectory, "metrics.json"), "utf8");
    const again = await runCli(["run", "--config", configPath, "--out", runDirectory, "--resume"], { cwd: rootDirectory });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(runDirectory, "metrics.json"), "utf8")).toBe(before);
    const calls = usageIn("metrics.json").total.calls;
    expect(again.stdout).toContain(`${calls} of the calls were not sent by this process`);
  });
});
