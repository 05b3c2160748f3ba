/**
 * Running a scenario of `_scenarios.ts` against a base URL (the live server through the recording
 * proxy, or the replay server), and checking that what it wrote is well-formed.
 */
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firstValueFrom, from, toArray } from "rxjs";
import { decodeWith } from "../../src/codecs/decode.js";
import { Prediction } from "../../src/codecs/prediction.js";
import { Problem } from "../../src/codecs/problem.js";
import { Rejection } from "../../src/codecs/rejection.js";
import { TrainingExample } from "../../src/codecs/training_example.js";
import { Trajectory } from "../../src/codecs/trajectory.js";
import { readProblems } from "../../src/cli/_input.js";
import { isFatal } from "../../src/models/errors.js";
import { createHttpModel } from "../../src/models/http_model.js";
import { evaluate, evaluationMetrics } from "../../src/stages/evaluate.js";
import { formatFor } from "../../src/tasks/trajectory_format.js";
import { getTask } from "../../src/tasks/registry.js";
import { parseJsonlLine } from "../../src/streams/read_jsonl.js";
import { runCli, silentIo } from "../_helpers/cli_io.js";
import { REAL_MODEL_NAME, type Scenario } from "./_scenarios.js";
import { startWrongStudent } from "./_wrong_student.js";

/** The lines of a JSONL file decoded with `codec`; throws naming the file and line of a bad one. */
export function readJsonl<C extends t.Any>(path: string, codec: C): t.TypeOf<C>[] {
  const decode = decodeWith(codec);
  const text = readFileSync(path, "utf8");
  if (text !== "" && !text.endsWith("\n")) throw new Error(`${path} does not end with a newline`);
  return text.split("\n").flatMap((line, index) => {
    if (line === "") return [];
    const parsed = parseJsonlLine(line, index + 1, path, decode);
    if (E.isLeft(parsed)) throw new Error(parsed.left.message);
    return [parsed.right.value];
  });
}

/** The problems of a scenario's input file. */
export function readInputProblems(path: string): Problem[] {
  return readJsonl(path, Problem);
}

/**
 * An evaluation like `tripost eval`'s, with the student over the chat endpoint (the CLI's `eval`
 * and `collect` have no flag for the student's endpoint: a run config's `student.endpoint` is the
 * only way there) or streamed (server-sent events; no command streams). Writes
 * `predictions.jsonl` and `metrics.json` into `out`.
 */
async function libraryEval(url: string, task: Scenario["task"], endpoint: "completions" | "chat" | "chat-prefill", stream: boolean, input: string, out: string): Promise<void> {
  const resolvedTask = getTask(task);
  if (resolvedTask === undefined) throw new Error(`no task ${task}`);
  const format = formatFor(resolvedTask, "tripost");
  if (E.isLeft(format)) throw new Error(format.left);
  const problems = await readProblems(silentIo(), task, input);
  const model = createHttpModel({ baseUrl: url, model: REAL_MODEL_NAME, endpoint, stream, maxRetries: 0, headersTimeoutMs: 600_000, bodyTimeoutMs: 600_000 });
  try {
    const predictions = await firstValueFrom(
      from(problems).pipe(evaluate(model, { task: resolvedTask, format: format.right, concurrency: 1, maxTokens: 256, seed: 0, isFatal }), toArray()),
    );
    predictions.sort((left, right) => left.index - right.index);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "predictions.jsonl"), predictions.map((prediction) => `${JSON.stringify(prediction)}\n`).join(""));
    writeFileSync(join(out, "metrics.json"), `${JSON.stringify(evaluationMetrics(task, predictions), null, 2)}\n`);
  } finally {
    await model.close();
  }
}

/** Runs a scenario; resolves with the CLI's exit code and stderr (0 and "" for the library runs). */
export async function runScenario(scenario: Scenario, url: string, input: string, out: string): Promise<{ code: number; stderr: string }> {
  if (scenario.run.kind === "cli") {
    const wrongStudent = scenario.student === "wrong-attempts" ? await startWrongStudent(readInputProblems(input)) : undefined;
    try {
      const result = await runCli(scenario.run.argv({ student: wrongStudent?.url ?? url, expert: url }, input, out));
      const misses = wrongStudent?.misses ?? [];
      return misses.length === 0
        ? { code: result.code, stderr: result.stderr }
        : { code: result.code === 0 ? 1 : result.code, stderr: `${result.stderr}\nthe wrong-attempt student missed: ${misses.join("; ")}` };
    } finally {
      await wrongStudent?.close();
    }
  }
  await libraryEval(url, scenario.run.task, scenario.run.endpoint, scenario.run.stream ?? false, input, out);
  return { code: 0, stderr: "" };
}

/** What a scenario's outputs say, once checked to be well-formed. */
export interface Outcome {
  readonly problems: number;
  /** eval: correct predictions; collect: trajectories. */
  readonly correct: number;
  /** eval: predictions without a readable answer (`predicted: null`); collect: format-error and critique-error rejections. */
  readonly unreadable: number;
  /** eval: predictions that ended in a failed call; collect: endpoint-failed rejections. */
  readonly failed: number;
  readonly trajectories: number;
  readonly rejections: Readonly<Record<string, number>>;
  readonly trainingExamples: number;
}

/**
 * Checks the outputs of a scenario in `out` against its input problems (every line decodes with
 * its codec; every problem has exactly one prediction, or ends in exactly one of trajectories and
 * rejections; training examples' weight offsets lie inside their texts) and counts what they hold.
 */
export function checkOutputs(scenario: Scenario, problems: readonly Problem[], out: string): Outcome {
  const ids = problems.map((problem) => problem.id).sort();
  if (scenario.command === "eval") {
    const predictions = readJsonl(join(out, "predictions.jsonl"), Prediction);
    const seen = predictions.map((prediction) => prediction.id).sort();
    if (JSON.stringify(seen) !== JSON.stringify(ids)) throw new Error(`${scenario.name}: the predictions' ids differ from the problems' ids`);
    JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    return {
      problems: problems.length,
      correct: predictions.filter((prediction) => prediction.correct).length,
      unreadable: predictions.filter((prediction) => prediction.predicted === null && prediction.end !== "error").length,
      failed: predictions.filter((prediction) => prediction.end === "error").length,
      trajectories: 0,
      rejections: {},
      trainingExamples: 0,
    };
  }
  const trajectories = readJsonl(join(out, "trajectories.jsonl"), Trajectory);
  const rejections = readJsonl(join(out, "rejections.jsonl"), Rejection);
  const examples = readJsonl(join(out, "train.jsonl"), TrainingExample);
  JSON.parse(readFileSync(join(out, "stats.json"), "utf8"));
  const ended = [...trajectories.map((trajectory) => trajectory.id), ...rejections.map((rejection) => rejection.id)].sort();
  if (JSON.stringify(ended) !== JSON.stringify(ids)) {
    throw new Error(`${scenario.name}: not every problem ends in exactly one of trajectories.jsonl and rejections.jsonl`);
  }
  for (const example of examples) {
    if (!(example.weightFrom >= 0 && example.weightFrom <= example.text.length)) {
      throw new Error(`${scenario.name}: training example ${example.id} has weightFrom ${example.weightFrom} outside its text`);
    }
  }
  const counts: Record<string, number> = {};
  for (const rejection of rejections) counts[rejection.type] = (counts[rejection.type] ?? 0) + 1;
  return {
    problems: problems.length,
    correct: trajectories.length,
    unreadable: (counts["format-error"] ?? 0) + (counts["critique-error"] ?? 0),
    failed: counts["endpoint-failed"] ?? 0,
    trajectories: trajectories.length,
    rejections: counts,
    trainingExamples: examples.length,
  };
}

/** A JSONL output file's lines, sorted (the order of concurrent results is not part of the contract). */
export function sortedLines(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").sort();
}
