/**
 * Any directory (issue 11, item 5): the package as `npm pack` makes it, installed into a
 * temporary project, runs from another temporary directory: `tripost eval` and a tiny
 * `tripost run` on the shipped student `embedded:fixtures/student/m0-msa`, which resolves against
 * the installed package, not the working directory. (Dependencies come from the npm cache or
 * the registry, as `npm install` gets them.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, rootDirectory } from "../_helpers/child_run.js";
import { tinyRunConfig } from "../_helpers/run_config.js";

let scratch: string;
let bin: string;
let elsewhere: string;

function npm(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function tripost(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: elsewhere, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  ensureBuilt(["cli", "cli/run", "cli/_paths"]);
  scratch = mkdtempSync(join(tmpdir(), "tripost-package-"));
  const packed = npm(["pack", "--pack-destination", scratch], rootDirectory);
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.output}`);
  const tarball = readdirSync(scratch).find((name) => name.endsWith(".tgz"));
  const project = join(scratch, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-tripost", version: "1.0.0", private: true }));
  const installed = npm(["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, tarball as string)], project);
  if (installed.status !== 0) throw new Error(`npm install failed: ${installed.output}`);
  bin = join(project, "node_modules", "tripost", "dist", "cli.js");
  elsewhere = join(scratch, "elsewhere");
  mkdirSync(elsewhere);
}, 240_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("the installed package, from another directory", () => {
  it("installs the tripost binary", () => {
    expect(existsSync(join(scratch, "project", "node_modules", ".bin", "tripost"))).toBe(true);
    expect(existsSync(join(scratch, "project", "node_modules", "tripost", "fixtures", "student", "m0-msa"))).toBe(true);
  });

  it("tripost eval runs the shipped student (embedded:fixtures/student/m0-msa) from a directory without it", () => {
    expect(existsSync(join(elsewhere, "fixtures"))).toBe(false);
    const problems = tripost(["problems", "--task", "multistep_arithmetic", "--count", "3", "--difficulty", "easy", "--out", "problems.jsonl"]);
    expect(problems.status, problems.stderr).toBe(0);
    const result = tripost([
      "eval", "--task", "multistep_arithmetic", "--student", "embedded:fixtures/student/m0-msa", "--in", "problems.jsonl", "--out", "eval", "--max-generations", "1", "--quiet",
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(elsewhere, "eval", "predictions.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
  }, 60_000);

  it("tripost run with a config naming the shipped student runs from a directory without it", () => {
    const config = { ...tinyRunConfig, baselines: [] };
    writeFileSync(join(elsewhere, "run.json"), JSON.stringify(config));
    const result = tripost(["run", "--config", "run.json", "--out", "run", "--quiet"]);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(elsewhere, "run", "metrics.json"))).toBe(true);
    expect(result.stdout).toMatch(/Report: /);
  }, 120_000);
});
