/**
 * `tripost collect` on date understanding and logical deduction with an HTTP student and an HTTP
 * LLM expert, both fake OpenAI-compatible servers on 127.0.0.1 that answer from the request
 * content alone. Each problem takes one path, by its position in the input:
 *
 * 0. the student is right: kept as it is, no expert call;
 * 1. the student errs in step (1): FBK names it, IMP rewrites from step (1), the update is right;
 * 2. the student picks the wrong letter: FBK names the final response, IMP repeats the same
 *    attempt (no progress): rejected;
 * 3. the student errs in step (1) and FBK answers without an error segment: rejected;
 * 4. the student writes a line with no header: rejected before any expert call.
 */
import * as E from "fp-ts/lib/Either.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import { problemFromOfficialRow, problemsFromBigBenchHard } from "../../src/tasks/loaders.js";
import { optionText, parseOptions } from "../../src/tasks/multiple_choice/options.js";
import { getTask } from "../../src/tasks/registry.js";
import type { Task } from "../../src/tasks/task.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, type Reply, type RequestContext, startOpenAiServer } from "../_helpers/openai_server.js";

const fixture = (name: string) => new URL(`../../fixtures/data/${name}`, import.meta.url);

function loadProblems(task: Task, officialFile: string, bbhFile: string): Problem[] {
  const official = readFileSync(fixture(officialFile), "utf8").trim().split("\n").map((line, index) => {
    const problem = problemFromOfficialRow(task.name, JSON.parse(line) as unknown, `${task.name}-official-${index + 1}`);
    if (E.isLeft(problem)) throw new Error(problem.left.message);
    return problem.right;
  });
  const bbh = problemsFromBigBenchHard(task.name, JSON.parse(readFileSync(fixture(bbhFile), "utf8")) as unknown, `${task.name}-bbh`);
  if (E.isLeft(bbh)) throw new Error(bbh.left.message);
  return [...official, ...bbh.right];
}

/** A correct rationale: the official one, or a short one that reads the gold option off. */
function correctRationale(task: Task, problem: Problem): string {
  const official = problem.meta?.["rationale"];
  if (typeof official === "string") return official;
  const option = optionText(problem.question, problem.answer) ?? "";
  if (task.name === "date_understanding") {
    return `(1) Counting the days from the date given, the date asked for is ${option}.\n(Final response) So the answer is (${problem.answer}).`;
  }
  const sentence = option.replace(/\.$/, "");
  return [
    "(1) Placing the objects one statement at a time fixes the whole ordering.",
    `(2) According to this ordering, ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}.`,
    `(Final response) ${option} So the answer is (${problem.answer}).`,
  ].join("\n");
}

function wrongLetter(problem: Problem): string {
  const parsed = parseOptions(problem.question);
  const letters = E.isRight(parsed) ? parsed.right.options.map((option) => option.letter) : ["A", "B"];
  return letters.find((letter) => letter !== problem.answer) as string;
}

function withLetter(attempt: string, letter: string): string {
  return attempt.replace(/answer is \([A-Z]\)/i, `answer is (${letter})`);
}

const SEGMENT = "and then it is surely 99 days later";

/** What the student writes for the problem on path `path`. */
function studentAttempt(task: Task, problem: Problem, path: number): string {
  const correct = correctRationale(task, problem);
  const lines = correct.split("\n");
  switch (path) {
    case 0:
      return correct;
    case 1:
    case 3:
      return withLetter([`${(lines[0] as string).replace(/\.$/, "")}, ${SEGMENT}.`, ...lines.slice(1)].join("\n"), wrongLetter(problem));
    case 2:
      return withLetter(correct, wrongLetter(problem));
    default:
      return `Sure, here is my answer.\n${correct}`;
  }
}

interface Scenario {
  readonly task: Task;
  readonly problems: readonly Problem[];
  readonly endpoint: "completions" | "chat";
}

const SCENARIOS: readonly Scenario[] = [
  {
    task: getTask("date_understanding") as Task,
    problems: loadProblems(getTask("date_understanding") as Task, "date_understanding_official_rationale.jsonl", "bbh_date_understanding.json"),
    endpoint: "completions",
  },
  {
    task: getTask("logical_deduction") as Task,
    problems: loadProblems(getTask("logical_deduction") as Task, "logical_deduction_official_rationale.jsonl", "bbh_logical_deduction_seven_objects.json"),
    endpoint: "chat",
  },
];

const byQuestion = new Map<string, { scenario: Scenario; problem: Problem; path: number }>();
for (const scenario of SCENARIOS) {
  scenario.problems.forEach((problem, index) => byQuestion.set(problem.question, { scenario, problem, path: index % 5 }));
}

const expertCalls: { kind: "critique" | "improve"; id: string; path: string }[] = [];

function studentReply(context: RequestContext): Reply {
  const prompt = context.key;
  const question = prompt.slice("Q: ".length, prompt.lastIndexOf("\nAnswer:"));
  const entry = byQuestion.get(question);
  if (entry === undefined) return { texts: ["(Final response) I do not know this question."] };
  // Raw completion: the student continues after the prompt's header line.
  return { texts: [`${studentAttempt(entry.scenario.task, entry.problem, entry.path)}\n`] };
}

/** The last case of a few-shot prompt: its question and everything after it. */
function lastCase(key: string): { question: string; rest: string } {
  const block = key.slice(key.lastIndexOf("\nQ: ") + "\nQ: ".length);
  const answerAt = block.indexOf("\nAnswer:");
  return { question: block.slice(0, answerAt), rest: block.slice(answerAt + 1) };
}

function expertReply(context: RequestContext): Reply {
  const { question, rest } = lastCase(context.key);
  const entry = byQuestion.get(question);
  const chat = context.path.endsWith("/chat/completions");
  if (entry === undefined) return { texts: ["I cannot find the question."] };
  const { scenario, problem, path } = entry;
  const correct = correctRationale(scenario.task, problem);
  if (context.key.trimEnd().endsWith("Earliest error step:")) {
    expertCalls.push({ kind: "critique", id: problem.id, path: context.path });
    const attempt = rest.split("\n").slice(1, -1).join("\n");
    if (attempt !== studentAttempt(scenario.task, problem, path)) return { texts: ["The attempt is not the student's."] };
    const lead = chat ? "Earliest error step: " : " ";
    if (path === 1) {
      return { texts: [`${lead}(1)\nError segment: "${SEGMENT}"\nError reason: Nothing in the question says so.\n`] };
    }
    if (path === 2) {
      const letter = wrongLetter(problem);
      return { texts: [`${lead}(Final response)\nError segment: "answer is (${letter})"\nError reason: The steps before point to option (${problem.answer}).\n`] };
    }
    return { texts: [`${lead}(1)\nError reason: Nothing in the question says so.\n`] };
  }
  expertCalls.push({ kind: "improve", id: problem.id, path: context.path });
  const header = `Updated Answer: Let's think step by step.${scenario.task.info}`;
  if (path === 1) {
    // The error is in step (1): the prompt gives no prefix and the model writes the whole answer.
    return { texts: [chat ? `${header}\n${correct}` : `${correct}\n`] };
  }
  // Path 2: the same wrong final response again.
  const wrong = studentAttempt(scenario.task, problem, 2).split("\n").at(-1) as string;
  return { texts: [`${wrong}\n`] };
}

let student: OpenAiServer;
let expert: OpenAiServer;
let scratch: string;

beforeAll(async () => {
  student = await startOpenAiServer({ handler: studentReply });
  expert = await startOpenAiServer({ handler: expertReply, apiKey: "sk-expert-test" });
  scratch = mkdtempSync(join(tmpdir(), "tripost-collect-du-ld-"));
});

afterAll(async () => {
  await student.close();
  await expert.close();
  rmSync(scratch, { recursive: true, force: true });
});

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as T);
}

describe("tripost collect with an HTTP student and an HTTP LLM expert", () => {
  it.each(SCENARIOS)("collects $task.name: every problem in exactly one of trajectories and rejections", async (scenario) => {
    const input = join(scratch, `${scenario.task.name}.jsonl`);
    writeFileSync(input, scenario.problems.map((problem) => JSON.stringify(problem)).join("\n") + "\n");
    const out = join(scratch, `${scenario.task.name}-out`);
    expertCalls.length = 0;
    const result = await runCli([
      "collect",
      "--task", scenario.task.name,
      "--student", student.url,
      "--expert", expert.url,
      "--expert-model", "big-expert",
      "--expert-api-key-env", "EXPERT_KEY",
      "--expert-endpoint", scenario.endpoint,
      "--in", input,
      "--out", out,
      "--concurrency", "3",
      "--max-retries", "0",
      "--quiet",
    ], { env: { EXPERT_KEY: "sk-expert-test" } });
    expect(result.code, result.stderr).toBe(0);

    const trajectories = readJsonl<{ id: string; turns: { attempt: string; feedback: string; by: { attempt: string } }[]; text: string }>(
      join(out, "trajectories.jsonl"),
    );
    const rejections = readJsonl<{ id: string; type: string; reason: string }>(join(out, "rejections.jsonl"));
    const ids = scenario.problems.map((problem) => problem.id);
    const written = [...trajectories.map((trajectory) => trajectory.id), ...rejections.map((rejection) => rejection.id)];
    expect([...written].sort()).toEqual([...ids].sort());
    expect(new Set(written).size).toBe(ids.length);

    scenario.problems.forEach((problem, index) => {
      const path = index % 5;
      const trajectory = trajectories.find((candidate) => candidate.id === problem.id);
      const rejection = rejections.find((candidate) => candidate.id === problem.id);
      const correct = correctRationale(scenario.task, problem);
      if (path === 0) {
        expect(trajectory?.turns.map((turn) => turn.attempt), problem.id).toEqual([correct]);
        expect(trajectory?.turns[0]?.feedback).toMatch(/The final response is also correct\.$/);
      } else if (path === 1) {
        expect(trajectory?.turns.map((turn) => turn.attempt), problem.id).toEqual([studentAttempt(scenario.task, problem, 1), correct]);
        expect(trajectory?.turns.map((turn) => turn.by.attempt)).toEqual(["student", "expert"]);
        expect(trajectory?.turns[0]?.feedback).toBe(`In step (1) the part "${SEGMENT}" is incorrect. This is because nothing in the question says so.`);
        expect(trajectory?.text).toContain(`\nUpdated Answer: Let's think step by step.${scenario.task.info}\n${correct}\n`);
      } else if (path === 2) {
        expect(rejection?.type, `${problem.id}: ${rejection?.reason}`).toBe("improve-not-legitimate");
      } else if (path === 3) {
        expect(rejection?.type, `${problem.id}: ${rejection?.reason}`).toBe("critique-error");
      } else {
        expect(rejection?.type, `${problem.id}: ${rejection?.reason}`).toBe("format-error");
      }
    });

    // No expert call on a right attempt, nor on an attempt the format rejects; the right update is judged without one.
    const firstPass = expertCalls.filter((call) => ids.includes(call.id));
    const pathOf = (id: string) => ids.indexOf(id) % 5;
    expect(firstPass.every((call) => pathOf(call.id) !== 0 && pathOf(call.id) !== 4)).toBe(true);
    expect(firstPass.every((call) => call.path === (scenario.endpoint === "chat" ? "/v1/chat/completions" : "/v1/completions"))).toBe(true);
    for (const id of ids.filter((candidate) => pathOf(candidate) === 1)) {
      expect(firstPass.filter((call) => call.id === id).map((call) => call.kind).slice(0, 2)).toEqual(["critique", "improve"]);
    }
    expect(readJsonl(join(out, "train.jsonl")).length).toBeGreaterThan(0);
    const stats = JSON.parse(readFileSync(join(out, "stats.json"), "utf8")) as { problems: number; task: string };
    expect(stats).toEqual(expect.objectContaining({ problems: ids.length, task: scenario.task.name }));
    expect(readFileSync(join(out, "journal.jsonl"), "utf8")).not.toContain("sk-expert-test");
  });

  it("tripost problems --task date_understanding is a usage error naming the input to give", async () => {
    for (const task of ["date_understanding", "logical_deduction"]) {
      const result = await runCli(["problems", "--task", task, "--count", "3"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`Cannot generate '${task}' problems as the task has no generator`));
      expect(result.stdout).toBe("");
    }
  });

  it("tripost collect --expert scripted on date understanding is a usage error", async () => {
    const input = join(scratch, "du-scripted.jsonl");
    writeFileSync(input, `${JSON.stringify((SCENARIOS[0] as Scenario).problems[0])}\n`);
    const result = await runCli([
      "collect", "--task", "date_understanding", "--student", student.url, "--expert", "scripted", "--in", input, "--out", join(scratch, "x"),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has none: name an LLM expert/);
  });
});
