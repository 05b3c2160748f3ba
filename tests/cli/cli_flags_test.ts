/**
 * `--student-endpoint` (collect, eval) and `--expert-timeout-ms` / `--expert-max-retries`
 * (collect), end to end through the CLI against real HTTP servers on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, type Reply, type RequestContext, startOpenAiServer } from "../_helpers/openai_server.js";

const problems: Problem[] = [
  { id: "f1", task: "word_sorting", question: "Sort the following words alphabetically:\nList: otter oak nectar", answer: "nectar oak otter" },
  { id: "f2", task: "word_sorting", question: "Sort the following words alphabetically:\nList: kiwi fig", answer: "fig kiwi" },
];
/** The problem whose attempt is wrong (its final answer reversed). */
const WRONG_ID = "f1";

function finalLine(answer: string): string {
  return `(Final response) So the answer is: ${answer}.`;
}

function problemIn(text: string): Problem {
  const found = problems.find((problem) => text.includes(problem.question));
  if (found === undefined) throw new Error(`no problem in ${JSON.stringify(text.slice(-200))}`);
  return found;
}

/** The student's attempt: the gold trace, or (when `wrong` and for WRONG_ID) its final answer reversed. */
function attemptOf(problem: Problem, wrong: boolean): string {
  const gold = wordSorting.solve(problem);
  if (!wrong || problem.id !== WRONG_ID) return gold;
  return gold.replace(finalLine(problem.answer), finalLine(problem.answer.split(" ").reverse().join(" ")));
}

/** Requests per path, per server. */
type PathCounts = Record<string, number>;

function countPath(counts: PathCounts, context: RequestContext): void {
  counts[context.path] = (counts[context.path] ?? 0) + 1;
}

/** An expert over chat-prefill: the feedback names the wrong final answer; the improvement gives the gold one. */
function expertReply(context: RequestContext): Reply {
  const messages = context.body["messages"] as { role: string; content: string }[];
  const user = messages[0]?.content ?? "";
  const problem = problemIn(user.slice(user.lastIndexOf("Q: ")));
  const improving = messages[1]?.content.startsWith("Updated Answer:") === true;
  const wrong = problem.answer.split(" ").reverse().join(" ");
  return {
    texts: [
      improving
        ? `\n${finalLine(problem.answer)} [END]`
        : ` (Final response)\nError segment: "${wrong}"\nError reason: The words are not in alphabetical order. [END]`,
    ],
  };
}

let student: OpenAiServer;
let rightStudent: OpenAiServer;
let slowExpert: OpenAiServer;
const studentPaths: PathCounts = {};
const rightPaths: PathCounts = {};
let scratch = "";
let input = "";

beforeAll(async () => {
  // The student's key is the prompt (completions) or the one user message's content (chat).
  student = await startOpenAiServer({
    handler: (context) => {
      countPath(studentPaths, context);
      return { texts: [attemptOf(problemIn(context.key), true)] };
    },
  });
  rightStudent = await startOpenAiServer({
    handler: (context) => {
      countPath(rightPaths, context);
      return { texts: [attemptOf(problemIn(context.key), false)] };
    },
  });
  // Every answer comes 1.5 s late: undici checks its header and body timeouts on a timer of about
  // 1 s resolution, so a 200 ms timeout fires within about a second, well before the answer.
  slowExpert = await startOpenAiServer({ handler: expertReply, faults: () => ({ type: "slow", ms: 1500 }) });
  scratch = mkdtempSync(join(tmpdir(), "tripost-cli-flags-"));
  input = join(scratch, "problems.jsonl");
  writeFileSync(input, problems.map((problem) => JSON.stringify(problem)).join("\n") + "\n");
});

afterAll(async () => {
  await student.close();
  await rightStudent.close();
  await slowExpert.close();
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  for (const counts of [studentPaths, rightPaths]) for (const key of Object.keys(counts)) delete counts[key];
  slowExpert.arrivals.clear();
});

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

function read(path: string): string {
  return readFileSync(path, "utf8");
}

describe("--student-endpoint", () => {
  it("tripost eval calls /v1/chat/completions with chat and /v1/completions by default, with the same predictions, and records it", async () => {
    const base = ["eval", "--task", "word_sorting", "--student", rightStudent.url, "--in", input, "--concurrency", "2", "--quiet"];
    const plain = await runCli([...base, "--out", join(scratch, "eval-plain")]);
    expect(plain.code, plain.stderr).toBe(0);
    const calls = rightPaths["/v1/completions"] ?? 0;
    // At least the first generation of each problem; every call over raw completions.
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(rightPaths).toEqual({ "/v1/completions": calls });
    delete rightPaths["/v1/completions"];
    const chat = await runCli([...base, "--out", join(scratch, "eval-chat"), "--student-endpoint", "chat"]);
    expect(chat.code, chat.stderr).toBe(0);
    expect(rightPaths).toEqual({ "/v1/chat/completions": calls });
    expect(read(join(scratch, "eval-chat", "predictions.jsonl"))).toBe(read(join(scratch, "eval-plain", "predictions.jsonl")));
    const settingsOf = (dir: string) => readJson(join(scratch, dir, "metrics.json"))["settings"] as Record<string, unknown>;
    expect(settingsOf("eval-plain")["studentEndpoint"]).toBe("completions");
    expect(settingsOf("eval-chat")["studentEndpoint"]).toBe("chat");
  });

  it("tripost collect calls the student over chat with --student-endpoint chat and writes the same collection", async () => {
    const base = ["collect", "--task", "word_sorting", "--student", student.url, "--expert", "scripted", "--in", input, "--concurrency", "2", "--quiet"];
    const plain = await runCli([...base, "--out", join(scratch, "collect-plain")]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(studentPaths).toEqual({ "/v1/completions": 2 });
    delete studentPaths["/v1/completions"];
    const chat = await runCli([...base, "--out", join(scratch, "collect-chat"), "--student-endpoint", "chat"]);
    expect(chat.code, chat.stderr).toBe(0);
    expect(studentPaths).toEqual({ "/v1/chat/completions": 2 });
    for (const file of ["trajectories.jsonl", "rejections.jsonl", "train.jsonl"]) {
      expect(read(join(scratch, "collect-chat", file)), file).toBe(read(join(scratch, "collect-plain", file)));
    }
    // One edited trajectory (the wrong attempt) and one original.
    const stats = readJson(join(scratch, "collect-chat", "stats.json"));
    expect(stats["outcomes"]).toEqual({ edited: 1, original: 1 });
    expect((stats["settings"] as Record<string, unknown>)["studentEndpoint"]).toBe("chat");
    expect((readJson(join(scratch, "collect-plain", "stats.json"))["settings"] as Record<string, unknown>)["studentEndpoint"]).toBe("completions");
  });

  it("tripost merge refuses shards collected over different student endpoints", async () => {
    const base = ["collect", "--task", "word_sorting", "--student", rightStudent.url, "--expert", "scripted", "--in", input, "--quiet"];
    const one = await runCli([...base, "--shard", "1/2", "--out", join(scratch, "shard-1")]);
    const two = await runCli([...base, "--shard", "2/2", "--out", join(scratch, "shard-2"), "--student-endpoint", "chat"]);
    expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0]);
    const merged = await runCli(["merge", join(scratch, "shard-1"), join(scratch, "shard-2"), "--out", join(scratch, "merged")]);
    expect(merged.code).toBe(2);
    expect(merged.stderr).toMatch(/'studentEndpoint' is "completions" in .*shard-1 but "chat" in .*shard-2/);
  });

  it("an unknown endpoint is a usage error naming the flag (exit 2), for eval and collect; --help lists the flag", async () => {
    const evalRun = await runCli(["eval", "--task", "word_sorting", "--student", rightStudent.url, "--in", input, "--out", join(scratch, "bad-eval"), "--student-endpoint", "chat-prefill"]);
    expect(evalRun.code).toBe(2);
    expect(evalRun.stderr).toMatch(/--student-endpoint chat-prefill.*one of completions, chat/);
    const collectRun = await runCli([
      "collect", "--task", "word_sorting", "--student", rightStudent.url, "--expert", "scripted", "--in", input, "--out", join(scratch, "bad-collect"),
      "--student-endpoint", "responses",
    ]);
    expect(collectRun.code).toBe(2);
    expect(collectRun.stderr).toMatch(/--student-endpoint responses.*one of completions, chat/);
    expect(rightPaths).toEqual({});
    for (const command of ["eval", "collect"]) {
      const help = await runCli([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--student-endpoint \S+ +how to call an HTTP student.*one of: completions, chat; default: completions/);
    }
  });
});

describe("--expert-timeout-ms and --expert-max-retries", () => {
  const collectArgs = (out: string, extra: readonly string[]) => [
    "collect", "--task", "word_sorting", "--student", student.url, "--expert", slowExpert.url, "--expert-endpoint", "chat-prefill",
    "--in", input, "--out", join(scratch, out), "--concurrency", "2", "--quiet", ...extra,
  ];
  const arrivals = () => [...slowExpert.arrivals.values()].map((list) => list.length);

  it("an expert slower than --expert-timeout-ms is retried --expert-max-retries times, then counted as failed", async () => {
    const result = await runCli(collectArgs("expert-timeout", ["--expert-timeout-ms", "200", "--expert-max-retries", "1"]));
    // One FBK call (the one wrong attempt), sent twice (1 + 1 retry), never answered in time.
    expect(arrivals()).toEqual([2]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`every call to ${slowExpert.url.replace(/[.]/g, "\\.")} failed \\(1 of 1\\).*no headers within 200 ms`));
    const stats = readJson(join(scratch, "expert-timeout", "stats.json"));
    // The wrong attempt ends as an endpoint-failed rejection; the right one stays a trajectory.
    expect(stats["outcomes"]).toEqual({ original: 1 });
    expect(stats["rejections"]).toEqual({ "endpoint-failed": 1 });
  });

  it("the student's --timeout-ms and --max-retries leave the expert's defaults alone (the same slow expert answers)", async () => {
    const result = await runCli(collectArgs("expert-default", ["--timeout-ms", "200", "--max-retries", "0"]));
    expect(result.code, result.stderr).toBe(0);
    // FBK and IMP, each sent once.
    expect(arrivals()).toEqual([1, 1]);
    expect(readJson(join(scratch, "expert-default", "stats.json"))["outcomes"]).toEqual({ edited: 1, original: 1 });
  });

  it("the expert flags are bounded (exit 2 naming the flag) and in --help", async () => {
    const tooMany = await runCli(collectArgs("bad-retries", ["--expert-max-retries", "101"]));
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/--expert-max-retries' as it must be at most 100/);
    const zero = await runCli(collectArgs("bad-timeout", ["--expert-timeout-ms", "0"]));
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--expert-timeout-ms' as it must be at least 1/);
    expect(arrivals()).toEqual([]);
    const help = await runCli(["collect", "--help"]);
    expect(help.stdout).toMatch(/--expert-timeout-ms N .*default: 120000/);
    expect(help.stdout).toMatch(/--expert-max-retries N .*default: 2/);
  });
});
