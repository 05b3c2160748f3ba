/**
 * The machinery of the LLM expert's strict-replay tests (`du_ld_replay_test.ts`,
 * `msa_ws_replay_test.ts`): a case, how it runs against a model, where its cassette lies, and how
 * it is recorded (`TRIPOST_RECORD_CASSETTES=1`).
 */
import * as E from "fp-ts/lib/Either.js";
import { readFileSync } from "node:fs";
import { firstValueFrom, of } from "rxjs";
import type { Verdict } from "../../src/codecs/critique.js";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import { type LlmExpertEndpoint, llmExpert } from "../../src/experts/llm_expert.js";
import { recordModel } from "../../src/models/cassette.js";
import type { Model } from "../../src/models/model.js";
import { problemFromOfficialRow } from "../../src/tasks/loaders.js";
import type { ParseError, Task } from "../../src/tasks/task.js";

/** Whether the replay tests write their cassettes instead of only reading them. */
export const RECORD = process.env["TRIPOST_RECORD_CASSETTES"] === "1";

/** One replayed expert call: FBK on `attempt`, or IMP with `improveWith`. */
export interface ReplayCase {
  readonly name: string;
  readonly task: Task;
  readonly problem: Problem;
  readonly attempt: string;
  readonly endpoint: LlmExpertEndpoint;
  /** FBK on the attempt, or IMP with this verdict. */
  readonly improveWith?: Verdict;
  /** The model's text, as the server returns it. */
  readonly output: string;
  /** How the server says the text ended. @default {"stop"} */
  readonly finishReason?: ModelResponse["choices"][number]["finishReason"];
  /** A verdict (FBK) or an attempt (IMP), or a pattern of the Left's message. */
  readonly expected: Verdict | string | RegExp;
}

/** The first row of a committed official excerpt under fixtures/data/, as a problem. */
export function officialProblem(task: Task, file: string): Problem {
  const [line] = readFileSync(new URL(`../../fixtures/data/${file}`, import.meta.url), "utf8").split("\n");
  const problem = problemFromOfficialRow(task.name, JSON.parse(line as string) as unknown, `${task.name}-0`);
  if (E.isLeft(problem)) throw new Error(problem.left.message);
  return problem.right;
}

/** Runs a case's expert call against `model`. */
export function runCase(testCase: ReplayCase, model: Model): Promise<E.Either<ParseError, Verdict | string>> {
  const expert = llmExpert(model, { task: testCase.task, endpoint: testCase.endpoint });
  if (testCase.improveWith === undefined) return firstValueFrom(expert.critique(testCase.problem, testCase.attempt));
  return firstValueFrom(expert.improve(testCase.problem, testCase.attempt, testCase.improveWith));
}

/** The cassette of a case, in the folder `cassettes`. */
export function cassettePathOf(cassettes: URL, testCase: ReplayCase): string {
  return new URL(`${testCase.name}.jsonl`, cassettes).pathname;
}

/** Writes a case's cassette: its one call, answered with the case's output and `usage`. */
export async function recordCase(cassettes: URL, testCase: ReplayCase, usage: { promptTokens: number; completionTokens: number }): Promise<void> {
  const answer: Model = (_request: ModelRequest) =>
    of<ModelResponse>({ choices: [{ text: testCase.output, finishReason: testCase.finishReason ?? "stop" }], usage });
  const recording = recordModel(answer, cassettePathOf(cassettes, testCase), { truncate: true });
  await runCase(testCase, recording);
  await recording.close();
}
