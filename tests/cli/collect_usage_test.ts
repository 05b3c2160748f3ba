import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import type { UsageReport } from "../../src/codecs/metrics.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, type Reply, type RequestContext, startOpenAiServer } from "../_helpers/openai_server.js";

const problems: Problem[] = [
  { id: "u1", task: "word_sorting", question: "Sort the following words alphabetically:\nList: otter oak nectar", answer: "nectar oak otter" },
  { id: "u2", task: "word_sorting", question: "Sort the following words alphabetically:\nList: zebra apple mango", answer: "apple mango zebra" },
  { id: "u3", task: "word_sorting", question: "Sort the following words alphabetically:\nList: kiwi fig", answer: "fig kiwi" },
];
/** The problems whose first attempt is wrong (its final answer reversed). */
const WRONG_IDS = new Set(["u1", "u2"]);

function finalLine(answer: string): string {
  return `(Final response) So the answer is: ${answer}.`;
}

function attemptOf(problem: Problem): string {
  const gold = wordSorting.solve(problem);
  if (!WRONG_IDS.has(problem.id)) return gold;
  return gold.replace(finalLine(problem.answer), finalLine(problem.answer.split(" ").reverse().join(" ")));
}

function problemIn(text: string): Problem {
  const found = problems.find((problem) => text.includes(problem.question));
  if (found === undefined) throw new Error(`no problem in ${JSON.stringify(text.slice(-200))}`);
  return found;
}

/** Sums of the usage each server returned, per stage. */
const returned: Record<string, { calls: number; promptTokens: number; completionTokens: number }> = {};

function record(stage: string, usage: { prompt_tokens: number; completion_tokens: number }): void {
  const into = (returned[stage] ??= { calls: 0, promptTokens: 0, completionTokens: 0 });
  into.calls += 1;
  into.promptTokens += usage.prompt_tokens;
  into.completionTokens += usage.completion_tokens;
}

/** Known, request-dependent usage: prompt tokens from the body's size, completion tokens from the reply's. */
function usageOf(context: RequestContext, text: string): { prompt_tokens: number; completion_tokens: number } {
  return { prompt_tokens: JSON.stringify(context.body).length, completion_tokens: text.length + 1 };
}

function studentReply(context: RequestContext): Reply {
  const prompt = String(context.body["prompt"]);
  const text = attemptOf(problemIn(prompt));
  const usage = usageOf(context, text);
  record("rollout", usage);
  return { texts: [text], usage };
}

function expertReply(context: RequestContext): Reply {
  const messages = context.body["messages"] as { role: string; content: string }[];
  const user = messages[0]?.content ?? "";
  const problem = problemIn(user.slice(user.lastIndexOf("Q: ")));
  const improving = messages[1]?.content.startsWith("Updated Answer:") === true;
  const wrong = problem.answer.split(" ").reverse().join(" ");
  const text = improving
    ? `\n${finalLine(problem.answer)} [END]`
    : ` (Final response)\nError segment: "${wrong}"\nError reason: The words are not in alphabetical order. [END]`;
  const usage = usageOf(context, text);
  record(improving ? "improve" : "critique", usage);
  return { texts: [text], usage };
}

let student: OpenAiServer;
let expert: OpenAiServer;
let scratch = "";
let input = "";

beforeAll(async () => {
  student = await startOpenAiServer({ handler: studentReply });
  expert = await startOpenAiServer({ handler: expertReply });
  scratch = mkdtempSync(join(tmpdir(), "tripost-collect-usage-"));
  input = join(scratch, "problems.jsonl");
  writeFileSync(input, problems.map((problem) => JSON.stringify(problem)).join("\n") + "\n");
});

afterAll(async () => {
  await student.close();
  await expert.close();
  rmSync(scratch, { recursive: true, force: true });
});

function collectArgs(out: string, extra: readonly string[] = []): string[] {
  return [
    "collect",
    "--task", "word_sorting",
    "--student", student.url,
    "--expert", expert.url,
    "--expert-endpoint", "chat-prefill",
    "--expert-model", "big",
    "--in", input,
    "--out", out,
    "--concurrency", "2",
    "--max-retries", "0",
    ...extra,
  ];
}

describe("tripost collect: model usage in stats.json", () => {
  it("counts calls and tokens per stage and model as the servers returned them; a resume replays them without new spend", async () => {
    const out = join(scratch, "out");
    const result = await runCli(collectArgs(out));
    expect(result.code, result.stderr).toBe(0);
    const stats = JSON.parse(readFileSync(join(out, "stats.json"), "utf8")) as { outcomes: Record<string, number>; usage: UsageReport };
    expect(stats.outcomes).toEqual({ edited: 2, original: 1 });
    // One rollout per problem; FBK and IMP only for the two wrong attempts.
    expect(Object.fromEntries(Object.entries(returned).map(([stage, sums]) => [stage, sums.calls]))).toEqual({ rollout: 3, critique: 2, improve: 2 });
    const studentLabel = student.url;
    const expertLabel = expert.url;
    const entry = (stage: string, model: string) => ({ stage, model, callsWithoutUsage: 0, ...returned[stage] });
    expect(stats.usage.entries).toEqual([entry("critique", expertLabel), entry("improve", expertLabel), entry("rollout", studentLabel)]);
    const sum = (stages: string[], pick: "calls" | "promptTokens" | "completionTokens") =>
      stages.reduce((total, stage) => total + (returned[stage]?.[pick] ?? 0), 0);
    expect(stats.usage.byModel[expertLabel]).toEqual({
      calls: 4,
      callsWithoutUsage: 0,
      promptTokens: sum(["critique", "improve"], "promptTokens"),
      completionTokens: sum(["critique", "improve"], "completionTokens"),
    });
    expect(stats.usage.byStage["rollout"]?.promptTokens).toBe(returned["rollout"]?.promptTokens);
    expect(stats.usage.total).toEqual({
      calls: 7,
      callsWithoutUsage: 0,
      promptTokens: sum(["rollout", "critique", "improve"], "promptTokens"),
      completionTokens: sum(["rollout", "critique", "improve"], "completionTokens"),
    });
    expect(result.stderr).toContain("collect: model usage");
    expect(result.stderr).toMatch(new RegExp(`total\\s+7 calls\\s+[\\d,]+ in\\s+[\\d,]+ out`));
    expect(result.stderr).not.toContain("not sent by this process");

    // Resume: every call comes from the journal; stats.json is byte-identical; the summary says so.
    const before = { student: student.counts.requests, expert: expert.counts.requests };
    const statsText = readFileSync(join(out, "stats.json"), "utf8");
    const resumed = await runCli(collectArgs(out, ["--resume"]));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect({ student: student.counts.requests, expert: expert.counts.requests }).toEqual(before);
    expect(readFileSync(join(out, "stats.json"), "utf8")).toBe(statsText);
    expect(resumed.stderr).toContain("7 of the calls were not sent by this process (replayed from a journal or done by an earlier run): not new spend");
  });

  it("stops with a clear error, without retrying, when the expert's server does not support assistant prefill", async () => {
    const openAi = await startOpenAiServer({
      faults: (context) =>
        context.body["continue_final_message"] === undefined ? undefined : {
          type: "status",
          status: 400,
          body: JSON.stringify({
            error: { message: "Unrecognized request argument supplied: continue_final_message", type: "invalid_request_error", param: null, code: null },
          }),
        },
    });
    try {
      const args = collectArgs(join(scratch, "refused"));
      args[args.indexOf("--expert") + 1] = openAi.url;
      args[args.indexOf("--max-retries") + 1] = "3";
      const result = await runCli(args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("does not support assistant prefill");
      expect(result.stderr).toContain("use the 'chat' endpoint");
      // At most one FBK call per problem in flight (concurrency 2), none retried.
      expect(openAi.counts.requests).toBeGreaterThanOrEqual(1);
      expect(openAi.counts.requests).toBeLessThanOrEqual(2);
    } finally {
      await openAi.close();
    }
  });

  it("--help lists chat-prefill for --expert-endpoint", async () => {
    const help = await runCli(["collect", "--help"]);
    expect(help.stdout + help.stderr).toMatch(/--expert-endpoint[\s\S]*chat-prefill/);
  });
});
