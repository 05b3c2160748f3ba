/**
 * Failures are loud and results say what made them (issue 11, items 2 and "Records of what
 * ran"): `tripost eval` and `tripost collect` exit 1 naming the endpoint and the last error when
 * their calls fail beyond `--max-failures`, and write their settings (seed, input path and
 * SHA-256, models, knobs, versions) beside their metrics.
 */
import * as E from "fp-ts/lib/Either.js";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat } from "../../src/tasks/trajectory_format.js";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, startOpenAiServer } from "../_helpers/openai_server.js";

const task = multistepArithmetic;
const compact = compactFormat(task)!;
const problems = task.generate({ count: 6, seed: 9, difficulty: "easy" });

let scratch: string;
let problemsPath: string;
/** Answers every prompt right, except that prompts of problems 0 and 1 always get a 500. */
let halfFailing: OpenAiServer;
let failingPrompts: Set<string>;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-records-"));
  problemsPath = join(scratch, "problems.jsonl");
  writeFileSync(problemsPath, problems.map((problem) => `${JSON.stringify(problem)}\n`).join(""));
  const answers = new Map(problems.map((problem) => [compact.prompt(problem), E.getOrElse(() => "")(compact.fromOfficial(problem, task.solve(problem)))]));
  failingPrompts = new Set(problems.slice(0, 2).map((problem) => compact.prompt(problem)));
  halfFailing = await startOpenAiServer({
    faults: (context) => [...failingPrompts].some((prompt) => context.key.startsWith(prompt)) ? { type: "status", status: 500 } : undefined,
    handler: (context) => ({ texts: [answers.get(context.key) ?? "A:0"], finishReason: "stop" }),
  });
});

afterAll(async () => {
  await halfFailing.close();
  rmSync(scratch, { recursive: true, force: true });
});

function evalArgs(out: string, extra: string[] = []): string[] {
  return ["eval", "--task", task.name, "--student", halfFailing.url, "--format", "compact", "--in", problemsPath, "--out", out, "--max-retries", "0", "--quiet", ...extra];
}

describe("tripost eval", () => {
  it("exits 1 naming the endpoint and the last error when more calls failed than --max-failures (default 10%), 0 when allowed", async () => {
    const out = join(scratch, "eval-default");
    const result = await runCli(evalArgs(out), { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(halfFailing.url);
    expect(result.stderr).toMatch(/--max-failures 10%/);
    expect(result.stderr).toMatch(/500/);

    const allowed = await runCli(evalArgs(join(scratch, "eval-allowed"), ["--max-failures", "50%"]), { cwd: rootDirectory });
    expect(allowed.code, allowed.stderr).toBe(0);
    const counted = await runCli(evalArgs(join(scratch, "eval-count"), ["--max-failures", "1"]), { cwd: rootDirectory });
    expect(counted.code).toBe(1);
  });

  it("writes its settings into metrics.json: seed, input path and SHA-256, student, max tokens (256 for an embedded student), versions", async () => {
    const out = join(scratch, "eval-embedded");
    const result = await runCli([
      "eval", "--task", task.name, "--student", "embedded:fixtures/student/m0-msa", "--in", problemsPath, "--out", out, "--seed", "7", "--max-generations", "1", "--quiet",
    ], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { settings: Record<string, unknown> };
    const sha256 = createHash("sha256").update(readFileSync(problemsPath)).digest("hex");
    expect(metrics.settings).toMatchObject({
      command: "eval",
      task: task.name,
      seed: 7,
      input: { path: problemsPath, sha256 },
      student: "embedded:fixtures/student/m0-msa",
      format: "compact",
      maxTokens: 256,
      maxGenerations: 1,
    });
    expect((metrics.settings["versions"] as Record<string, string>)["tripost"]).toBe("0.1.0");
  });

  it("a missing embedded checkpoint is exit 2 naming it, before any problem, writing nothing", async () => {
    const out = join(scratch, "eval-missing");
    const result = await runCli(["eval", "--task", task.name, "--student", "embedded:no/such/m0", "--in", problemsPath, "--out", out], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no/such/m0");
    expect(existsSync(out)).toBe(false);
  });
});

describe("tripost collect", () => {
  function collectArgs(student: string, out: string, extra: string[] = []): string[] {
    return ["collect", "--task", task.name, "--student", student, "--expert", "scripted", "--format", "compact", "--in", problemsPath, "--out", out, "--max-retries", "0", "--quiet", ...extra];
  }

  it("exits 1 naming the endpoint and the last error when every call fails (an unreachable student), writing where the partial output is", async () => {
    const out = join(scratch, "collect-unreachable");
    const result = await runCli(collectArgs("http://127.0.0.1:9/v1", out), { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("http://127.0.0.1:9/v1");
    expect(result.stderr).toMatch(/every call/);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
    expect(result.stderr).toContain("--resume");
  });

  it("exits 1 beyond --max-failures (default 10%) and 0 within it; stats.json records its settings", async () => {
    const failed = await runCli(collectArgs(halfFailing.url, join(scratch, "collect-default")), { cwd: rootDirectory });
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/--max-failures 10%/);
    expect(failed.stderr).toContain(halfFailing.url);

    // --resume sends the failed calls again: with the endpoint mended, nothing is lost.
    const mended = new Set(failingPrompts);
    failingPrompts.clear();
    try {
      const resumed = await runCli(collectArgs(halfFailing.url, join(scratch, "collect-default"), ["--resume"]), { cwd: rootDirectory });
      expect(resumed.code, resumed.stderr).toBe(0);
      const rejections = readFileSync(join(scratch, "collect-default", "rejections.jsonl"), "utf8");
      expect(rejections).not.toContain("endpoint-failed");
    } finally {
      for (const prompt of mended) failingPrompts.add(prompt);
    }

    const out = join(scratch, "collect-allowed");
    const allowed = await runCli(collectArgs(halfFailing.url, out, ["--max-failures", "50%", "--seed", "4", "--ratio", "2"]), { cwd: rootDirectory });
    expect(allowed.code, allowed.stderr).toBe(0);
    const stats = JSON.parse(readFileSync(join(out, "stats.json"), "utf8")) as { settings: Record<string, unknown> };
    const sha256 = createHash("sha256").update(readFileSync(problemsPath)).digest("hex");
    expect(stats.settings).toMatchObject({
      command: "collect",
      seed: 4,
      input: { path: problemsPath, sha256 },
      student: halfFailing.url,
      expert: "scripted",
      improveDataRatio: 2,
      weight: 1.5,
      maxTokens: 512,
    });
    expect(stats.settings["versions"]).toHaveProperty("node");
  });

  it("a missing embedded checkpoint is exit 2 naming it, with no directory of endpoint-failed rejections", async () => {
    const out = join(scratch, "collect-missing");
    const result = await runCli(collectArgs("embedded:no/such/m0", out), { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no/such/m0");
    expect(existsSync(out)).toBe(false);
  });
});

describe("tripost report on a collect or eval directory", () => {
  it("writes one self-contained page with what ran and the numbers", async () => {
    for (const [name, heading] of [["collect-allowed", "Rejections by type"], ["eval-embedded", "Predictions"]] as const) {
      const directory = join(scratch, name);
      expect(existsSync(directory), `${name} is made by the tests above`).toBe(true);
      const result = await runCli(["report", directory]);
      expect(result.code, result.stderr).toBe(0);
      const html = readFileSync(join(directory, "report.html"), "utf8");
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain("What ran");
      expect(html).toContain(heading);
      expect(html).toContain(createHash("sha256").update(readFileSync(problemsPath)).digest("hex"));
      expect(html).not.toMatch(/<script src=|<link /);
    }
  });

  it("names the file's own line of a bad record, blank lines counted", async () => {
    const directory = join(scratch, "collect-bad-line");
    cpSync(join(scratch, "collect-allowed"), directory, { recursive: true });
    writeFileSync(join(directory, "rejections.jsonl"), '{"id":"a","type":"format-error","reason":"x"}\n\n{not json\n');
    const result = await runCli(["report", directory]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("rejections.jsonl:line 3:");
  });

  it("refuses a directory that is none of run, collect or eval, with exit 2", async () => {
    const result = await runCli(["report", scratch]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a run, collect or eval directory/);
  });
});

