import * as E from "fp-ts/lib/Either.js";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeWith } from "../../src/codecs/decode.js";
import { Metrics } from "../../src/codecs/metrics.js";
import { Prediction } from "../../src/codecs/prediction.js";
import type { Problem } from "../../src/codecs/problem.js";
import { correctFeedback } from "../../src/tasks/feedback.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { lastNumberedStepId } from "../../src/tasks/steps.js";
import { compactFormat, officialFormat } from "../../src/tasks/trajectory_format.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, startOpenAiServer } from "../_helpers/openai_server.js";

const task = multistepArithmetic;
const official = officialFormat(task);
const compact = compactFormat(task)!;
const problems = task.generate({ count: 9, seed: 11, difficulty: "official" });

/** What the fake HTTP student does on problem `index`: right at once, improve, or wrong. */
function kindOf(index: number): "right" | "improve" | "wrong" {
  return (["right", "improve", "wrong"] as const)[index % 3] as "right" | "improve" | "wrong";
}

/** The completions of a self-improving student in the official format, keyed by prompt. */
function completionTable(): Map<string, string> {
  const table = new Map<string, string>();
  problems.forEach((problem, index) => {
    const prompt = official.prompt(problem);
    const right = task.solve(problem);
    const compactRight = E.getOrElse(() => "")(compact.fromOfficial(problem, right)).split("\n");
    compactRight[compactRight.length - 1] = `A:${Number(problem.answer) + 1}`;
    const wrong = E.getOrElse(() => "")(compact.toOfficial(problem, compactRight.join("\n")));
    const done = ` ${correctFeedback(lastNumberedStepId(right) ?? "1")}`;
    const verdict = task.critique?.(problem, wrong);
    if (verdict === undefined || E.isLeft(verdict) || verdict.right.correct) throw new Error("the scripted critic must flag the wrong attempt");
    switch (kindOf(index)) {
      case "right":
        table.set(prompt, `${right}\nFeedback:${done}`);
        break;
      case "improve":
        table.set(prompt, wrong);
        table.set(`${prompt}${wrong}\nFeedback:`, ` ${verdict.right.feedback}\n${official.updateHeader(problem)}${right}`);
        table.set(`${prompt}${right}\nFeedback:`, done);
        break;
      case "wrong":
        table.set(prompt, `${wrong}\nFeedback:${done}`);
        break;
    }
  });
  return table;
}

let server: OpenAiServer;
let directory: string;

beforeAll(async () => {
  const table = completionTable();
  server = await startOpenAiServer({
    apiKey: "sk-test",
    handler: (context) => ({ texts: [table.get(context.key) ?? ""], finishReason: "stop" }),
  });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

function workspace(lines: readonly string[]): string {
  directory = mkdtempSync(join(tmpdir(), "tripost-eval-"));
  writeFileSync(join(directory, "test.jsonl"), lines.map((line) => `${line}\n`).join(""));
  return directory;
}

function problemLines(items: readonly Problem[]): string[] {
  return items.map((problem) => JSON.stringify(problem));
}

function readPredictions(path: string): Prediction[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map((line) => {
    const decoded = decodeWith(Prediction)(JSON.parse(line) as unknown);
    if (E.isLeft(decoded)) throw new Error(decoded.left.messages.join("; "));
    return decoded.right;
  });
}

function readMetrics(path: string): Metrics {
  const decoded = decodeWith(Metrics)(JSON.parse(readFileSync(path, "utf8")) as unknown);
  if (E.isLeft(decoded)) throw new Error(decoded.left.messages.join("; "));
  return decoded.right;
}

const base = ["eval", "--task", "multistep_arithmetic", "--in", "test.jsonl", "--out", "out"];

describe("tripost eval", () => {
  it("tripost eval writes predictions in input order and the metrics of an HTTP student", async () => {
    const cwd = workspace(problemLines(problems));
    const result = await runCli([...base, "--student", server.url, "--api-key-env", "KEY", "--concurrency", "4", "--quiet"], {
      cwd,
      env: { KEY: "sk-test" },
    });
    expect(result.stderr).not.toMatch(/tripost:/);
    expect(result.code).toBe(0);
    const predictions = readPredictions(join(cwd, "out", "predictions.jsonl"));
    expect(predictions.map((prediction) => prediction.id)).toEqual(problems.map((problem) => problem.id));
    expect(predictions.map((prediction) => prediction.correct)).toEqual(problems.map((_, index) => kindOf(index) !== "wrong"));
    expect(predictions.map((prediction) => prediction.selfImproved)).toEqual(problems.map((_, index) => kindOf(index) === "improve"));
    const metrics = readMetrics(join(cwd, "out", "metrics.json"));
    expect(metrics).toMatchObject({ task: "multistep_arithmetic", count: 9, format: "tripost" });
    expect(metrics.accuracy.total).toBeCloseTo(6 / 9);
    expect(metrics.selfImprovement).toMatchObject({ frequency: 3 / 9, contribution: 3 / 6, contributed: 3 });
    expect(JSON.stringify(metrics)).not.toContain("sk-test");
    // Every generation is one counted call of stage "evaluate" on this student.
    expect(metrics.usage?.entries.map((entry) => [entry.stage, entry.model, entry.calls])).toEqual([
      ["evaluate", server.url, predictions.reduce((total, prediction) => total + (prediction.generations ?? 0), 0)],
    ]);
    const summary = result.stderr.trim().split("\n");
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(/^eval multistep_arithmetic: accuracy seen .* total 66\.7% \(n=9\); SI frequency 33\.3% contribution 50\.0%$/);
  });

  it("tripost eval names the file, line and field of a bad problem and writes nothing", async () => {
    const cwd = workspace([...problemLines(problems.slice(0, 2)), JSON.stringify({ id: "x", task: "multistep_arithmetic", question: "1 =" })]);
    const result = await runCli([...base, "--student", server.url], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/test\.jsonl:line 3: .*answer/);
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  it("tripost eval checks every line before it evaluates: a bad last line of 2,001 is exit 2 and nothing is written", async () => {
    const many = task.generate({ count: 2000, seed: 12, difficulty: "easy" });
    let calls = 0;
    const counting = await startOpenAiServer({ handler: () => ((calls += 1), undefined) });
    try {
      const cwd = workspace([...problemLines(many), JSON.stringify({ id: "late", task: "multistep_arithmetic", question: "1 =" })]);
      const result = await runCli([...base, "--student", counting.url, "--quiet"], { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/test\.jsonl:line 2001: .*answer/);
      expect(calls).toBe(0);
      expect(existsSync(join(cwd, "out"))).toBe(false);
    } finally {
      await counting.close();
    }
  });

  it("tripost eval streams its input and refuses, with exit 2 and nothing written, a file that grows while it is read", async () => {
    // The problems, then blank lines well past the reader's chunks: the reader is still in the
    // file when the first call appends a problem.
    const lines = [...problemLines(problems), ...Array.from({ length: 40_000 }, () => "        ")];
    const cwd = workspace(lines);
    let appended = false;
    const growing = await startOpenAiServer({
      handler: () => {
        if (!appended) {
          appended = true;
          appendFileSync(join(cwd, "test.jsonl"), `${JSON.stringify({ ...problems[0], id: "extra" })}\n`);
        }
        return undefined;
      },
    });
    try {
      const result = await runCli([...base, "--student", growing.url, "--concurrency", "1", "--quiet"], { cwd });
      expect(appended).toBe(true);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^tripost: .*test\.jsonl.*changed while it was read \(10 problems, 9 when checked\)/m);
      expect(existsSync(join(cwd, "out"))).toBe(false);
    } finally {
      await growing.close();
    }
  });

  it("tripost eval fails with exit code 1 and writes nothing when the endpoint refuses the key", async () => {
    const cwd = workspace(problemLines(problems.slice(0, 3)));
    const result = await runCli([...base, "--student", server.url, "--api-key-env", "KEY"], { cwd, env: { KEY: "sk-wrong" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tripost: Cannot evaluate the student/m);
    expect(result.stderr).not.toContain("sk-wrong");
    expect(existsSync(join(cwd, "out")) ? readdirSync(join(cwd, "out")) : []).toEqual([]);
  });

  it("tripost eval fails with exit code 1 when every call fails", async () => {
    const closed = await startOpenAiServer();
    const url = closed.url;
    await closed.close();
    const cwd = workspace(problemLines(problems.slice(0, 2)));
    const result = await runCli([...base, "--student", url, "--max-retries", "0", "--quiet"], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tripost: Cannot evaluate the student at http:\/\/127\.0\.0\.1:\d+\/v1 as every call failed/m);
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  it("tripost eval rejects an unknown flag and a missing required flag", async () => {
    const cwd = workspace(problemLines(problems.slice(0, 1)));
    expect((await runCli([...base, "--student", server.url, "--bogus"], { cwd })).code).toBe(2);
    const missing = await runCli([...base.slice(0, 3), "--student", server.url], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--in/);
  });

  const checkpoint = join(process.cwd(), "fixtures", "student", "m0-msa");
  it.skipIf(!existsSync(join(checkpoint, "weights.bin")))(
    "tripost eval runs the embedded student on easy problems",
    async () => {
      const easy = task.generate({ count: 20, seed: 1001, difficulty: "easy" });
      const cwd = workspace(problemLines(easy));
      const result = await runCli(
        [...base, "--student", `embedded:${checkpoint}`, "--max-generations", "3", "--max-tokens", "96", "--quiet"],
        { cwd },
      );
      expect(result.stderr).not.toMatch(/tripost:/);
      expect(result.code).toBe(0);
      const predictions = readPredictions(join(cwd, "out", "predictions.jsonl"));
      expect(predictions.map((prediction) => prediction.id)).toEqual(easy.map((problem) => problem.id));
      expect(predictions.every((prediction) => prediction.end !== "error")).toBe(true);
      const metrics = readMetrics(join(cwd, "out", "metrics.json"));
      expect(metrics.format).toBe("compact");
      expect(metrics.count).toBe(20);
      expect(metrics.accuracy.total).toBeGreaterThanOrEqual(0);
      expect(metrics.accuracy.total).toBeLessThanOrEqual(1);
    },
  );
});
