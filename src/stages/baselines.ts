/**
 * The training data of the two baselines a run compares TriPosT with (`tripost.md` §8):
 *
 * - **ft-rationale** (§7.4, §8 item 1): continued training on the gold rationales, `Q + Answer +
 *   rationale`, weight 1 everywhere;
 * - **LMSI** (§8 item 3): the student's own samples at temperature 1.2, five per question, kept
 *   only when their answer equals the gold one, deduplicated, plus an answer-only augmentation.
 *
 * {@linkcode sizeToMatch} then up- or down-samples a baseline's examples to the size of the TriPosT
 * training set of the same iteration, so that both train for the same number of steps.
 *
 * Texts are in the student's format, so the same trainer and the same evaluation serve all three.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { catchError, from, map, mergeMap, type Observable, of, throwError, toArray } from "rxjs";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import type { TrainingExample } from "../codecs/training_example.js";
import type { Model } from "../models/model.js";
import { goldRationale, type Task } from "../tasks/task.js";
import type { TrajectoryFormat } from "../tasks/trajectory_format.js";
import { hash32, type Prng } from "../util/prng.js";
import { goldExample } from "./split.js";
import { reorder } from "../streams/reorder.js";

// ---------------------------------------------------------------------------------------------
// ft-rationale

/** Options for {@linkcode ftRationaleExamples}. */
export interface FtRationaleOptions {
  readonly task: Task;
  /** The student's format. */
  readonly format: TrajectoryFormat;
  /**
   * Append the terminal "correct" feedback line, as TriPosT's gold examples have it
   * (`goldExample`). The official ft-rationale data have no feedback line (§7.4), and the shipped
   * embedded student was trained without one.
   * @default {false}
   */
  readonly withFeedback?: boolean;
  /** Called for a problem whose gold rationale the format cannot express (`gold-format-error`). */
  readonly onRejection?: (rejection: Rejection) => void;
}

/**
 * The ft-rationale examples: one per problem, `format.prompt(problem)` + the gold rationale in the
 * student's format (no feedback line unless `withFeedback`), kind `gold`, weight 1 everywhere
 * (`weightFrom` = the text's length), id `<problem id>#ft`.
 *
 * @example
 * ```ts
 * const examples = ftRationaleExamples(problems, { task, format: officialFormat(task) });
 * assertEquals(examples.length, problems.length);
 * ```
 */
export function ftRationaleExamples(problems: readonly Problem[], options: FtRationaleOptions): TrainingExample[] {
  const { task, format, withFeedback = false, onRejection } = options;
  const examples: TrainingExample[] = [];
  for (const problem of problems) {
    const id = `${problem.id}#ft`;
    if (withFeedback) {
      const gold = goldExample(task, format, problem);
      if (E.isLeft(gold)) {
        onRejection?.({ id: problem.id, type: "gold-format-error", reason: gold.left.message });
        continue;
      }
      examples.push({ ...gold.right, id, weightFrom: gold.right.text.length, weight: 1 });
      continue;
    }
    const written = E.flatMap(goldRationale(task, problem), (rationale) => format.fromOfficial(problem, rationale));
    if (E.isLeft(written)) {
      onRejection?.({ id: problem.id, type: "gold-format-error", reason: written.left.message });
      continue;
    }
    const text = `${format.prompt(problem)}${written.right}`;
    examples.push({ id, kind: "gold", text, weightFrom: text.length, weight: 1 });
  }
  return examples;
}

// ---------------------------------------------------------------------------------------------
// LMSI

/** Options for {@linkcode lmsi}. */
export interface LmsiOptions {
  readonly task: Task;
  /** The student's format. */
  readonly format: TrajectoryFormat;
  /** Sampling temperature. @default {1.2} */
  readonly temperature?: number;
  /** Samples per question. @default {5} */
  readonly samples?: number;
  /** Ask for all samples of a question in one request (`n`) instead of one request each. @default {false} */
  readonly useN?: boolean;
  /** Tokens per sample. @default {256} */
  readonly maxTokens?: number;
  /** The seed the per-sample seeds derive from. @default {0} */
  readonly seed?: number;
  /** Requests in flight. @default {8} */
  readonly concurrency?: number;
  /** Add the answer-only augmentation. @default {true} */
  readonly answerOnly?: boolean;
  /** Whether a failed call ends the stream instead of costing one sample. @default {() => false} */
  readonly isFatal?: (error: unknown) => boolean;
  /**
   * Called for every sample that is not kept (`format-error`, `wrong-answer`, `duplicate`,
   * `endpoint-failed`), with id `<problem id>#lmsi<k>`.
   */
  readonly onRejection?: (rejection: Rejection) => void;
}

/** The seed of sample `k` of a problem: a hash of (seed, problem id, k). */
export function lmsiSampleSeed(seed: number, problemId: string, sample: number): number {
  return hash32(`${seed}/${problemId}/${sample}`);
}

interface SampleResult {
  readonly problemIndex: number;
  readonly sample: number;
  readonly text: E.Either<string, string>;
}

/** The answer-only text of a kept attempt (in the student's format), or `undefined`. */
function answerOnlyText(format: TrajectoryFormat, problem: Problem, attempt: string, official: string): string | undefined {
  if (format.name === "compact") {
    const last = attempt.trimEnd().split("\n").at(-1);
    return last === undefined || last === "" ? undefined : `${format.prompt(problem)}${last}`;
  }
  const final = official.split("\n").find((line) => line.startsWith("(Final response)"));
  if (final === undefined) return undefined;
  return `Q: ${problem.question}\nAnswer: ${final.slice("(Final response)".length).trim()}`;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Cannot collect LMSI data as '${name}' must be a positive integer: current value is ${value}`);
  }
}

/**
 * LMSI's training data (`tripost.md` §8 item 3): samples the student `samples` times on each
 * question at `temperature` (each sample with its own seed, {@linkcode lmsiSampleSeed}), keeps the
 * first attempt of each sample when its answer equals the gold one (the official filter, not
 * LMSI's majority vote), drops duplicate texts, and adds the answer-only augmentation:
 *
 * - rationale examples: `format.prompt(problem)` + the attempt as the student wrote it, kind
 *   `correct`, weight 1, id `<problem id>#lmsi<k>` (k = the sample's index);
 * - answer-only examples, one per distinct final answer line of a question's kept samples:
 *   official format `Q: <question>\nAnswer: <the final response's text>` (e.g.
 *   `Answer: So the answer is 20.`); compact format: the compact prompt + the final answer line
 *   (`A:20`); kind `correct`, weight 1, id `<problem id>#lmsi-ao<j>`.
 *
 * Emits one array, in problem order then sample order, whatever the concurrency.
 *
 * @throws {RangeError} when `samples`, `maxTokens` or `concurrency` is not a positive integer, or
 * `temperature` is negative
 *
 * @example
 * ```ts
 * const examples = await lastValueFrom(lmsi(student, problems, { task, format }));
 * ```
 */
export function lmsi(student: Model, problems: readonly Problem[], options: LmsiOptions): Observable<TrainingExample[]> {
  const {
    task,
    format,
    temperature = 1.2,
    samples = 5,
    useN = false,
    maxTokens = 256,
    seed = 0,
    concurrency = 8,
    answerOnly = true,
    isFatal = () => false,
    onRejection,
  } = options;
  positiveInteger("samples", samples);
  positiveInteger("maxTokens", maxTokens);
  positiveInteger("concurrency", concurrency);
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new RangeError(`Cannot collect LMSI data as 'temperature' must be a number ≥ 0: current value is ${temperature}`);
  }

  interface Job {
    readonly problemIndex: number;
    /** The first sample of the request. */
    readonly sample: number;
    /** Samples the request asks for. */
    readonly count: number;
  }
  const jobs: Job[] = [];
  problems.forEach((_problem, problemIndex) => {
    if (useN) jobs.push({ problemIndex, sample: 0, count: samples });
    else for (let sample = 0; sample < samples; sample++) jobs.push({ problemIndex, sample, count: 1 });
  });

  function run(job: Job): Observable<SampleResult[]> {
    const problem = problems[job.problemIndex] as Problem;
    const request = {
      prompt: format.prompt(problem),
      temperature,
      maxTokens,
      seed: lmsiSampleSeed(seed, problem.id, job.sample),
      ...(job.count > 1 ? { n: job.count } : {}),
    };
    return student(request).pipe(
      map((response) =>
        Array.from({ length: job.count }, (_unused, offset): SampleResult => {
          const choice = response.choices[offset];
          return {
            problemIndex: job.problemIndex,
            sample: job.sample + offset,
            text: choice === undefined ? E.left("the response has no choice for this sample") : E.right(choice.text),
          };
        })
      ),
      catchError((error: unknown) =>
        isFatal(error) ? throwError(() => error) : of(Array.from({ length: job.count }, (_unused, offset): SampleResult => ({
          problemIndex: job.problemIndex,
          sample: job.sample + offset,
          text: E.left(`the student call failed: ${error instanceof Error ? error.message : String(error)}`),
        })))
      ),
    );
  }

  /** Builds the examples from the results in job order (by problem, then sample). */
  function build(sorted: readonly SampleResult[]): TrainingExample[] {
    const examples: TrainingExample[] = [];
    const seen = new Set<string>();
    const reject = (problem: Problem, sample: number, type: string, reason: string): void =>
      onRejection?.({ id: `${problem.id}#lmsi${sample}`, type, reason });
    let answerOnlyByProblem = new Map<string, string>();
    let current = -1;
    const flushAnswerOnly = (problem: Problem | undefined): void => {
      if (problem === undefined) return;
      let index = 0;
      for (const text of answerOnlyByProblem.keys()) {
        if (seen.has(text)) continue;
        seen.add(text);
        examples.push({ id: `${problem.id}#lmsi-ao${index++}`, kind: "correct", text, weightFrom: text.length, weight: 1 });
      }
      answerOnlyByProblem = new Map();
    };
    for (const result of sorted) {
      if (result.problemIndex !== current) {
        flushAnswerOnly(problems[current]);
        current = result.problemIndex;
      }
      const problem = problems[result.problemIndex] as Problem;
      if (E.isLeft(result.text)) {
        reject(problem, result.sample, "endpoint-failed", result.text.left);
        continue;
      }
      const turns = format.parseRollout(problem, result.text.right);
      const attempt = E.isRight(turns) ? turns.right[0]?.attempt : undefined;
      if (E.isLeft(turns) || attempt === undefined || attempt === "") {
        reject(problem, result.sample, "format-error", E.isLeft(turns) ? turns.left.message : "no attempt");
        continue;
      }
      const official = format.toOfficial(problem, attempt);
      if (E.isLeft(official)) {
        reject(problem, result.sample, "format-error", official.left.message);
        continue;
      }
      const answer = task.extractAnswer(official.right);
      if (answer === undefined || !task.isCorrectAnswer(answer, problem.answer)) {
        reject(problem, result.sample, "wrong-answer", `answered ${answer ?? "nothing"}, expected ${problem.answer}`);
        continue;
      }
      const text = `${format.prompt(problem)}${attempt}`;
      if (seen.has(text)) {
        reject(problem, result.sample, "duplicate", "the same text was already kept");
        continue;
      }
      seen.add(text);
      examples.push({ id: `${problem.id}#lmsi${result.sample}`, kind: "correct", text, weightFrom: text.length, weight: 1 });
      if (answerOnly) {
        const short = answerOnlyText(format, problem, attempt, official.right);
        if (short !== undefined) answerOnlyByProblem.set(short, short);
      }
    }
    flushAnswerOnly(problems[current]);
    return examples;
  }

  return from(jobs).pipe(
    mergeMap((job, index) => run(job).pipe(map((results) => ({ index, results }))), concurrency),
    // Job order is problem order, then sample order: restored as the calls complete.
    reorder(({ index }) => index),
    toArray(),
    map((batches) => build(batches.flatMap(({ results }) => results))),
  );
}

// ---------------------------------------------------------------------------------------------
// equal training steps

/**
 * The seed string of a baseline's resizing in an iteration: `${seed}/${iteration}/${baseline}`.
 *
 * @example
 * ```ts
 * assertEquals(baselineSeed(5, 1, "lmsi"), "5/1/lmsi");
 * ```
 */
export function baselineSeed(seed: number, iteration: number, baseline: string): string {
  return `${seed}/${iteration}/${baseline}`;
}

/**
 * Up- or down-samples `examples` to exactly `targetCount`, so a baseline trains for as many steps
 * as TriPosT in the same iteration (an honest comparison at equal training steps):
 *
 * - `targetCount ≤ examples.length`: a random subset of that size, without replacement, in input
 *   order (so the output ⊆ the input);
 * - otherwise: every example `⌊target / n⌋` times, plus a random subset of `target mod n`; repeated
 *   copies get the id suffix `~<copy>` (`~1`, `~2`, …) so ids stay unique.
 *
 * @throws {RangeError} when `targetCount` is not a non-negative integer, or is positive while
 * `examples` is empty
 *
 * @example
 * ```ts
 * assertEquals(sizeToMatch(examples, 10, createPrng(0)).length, 10);
 * ```
 */
export function sizeToMatch(examples: readonly TrainingExample[], targetCount: number, prng: Prng): TrainingExample[] {
  if (!Number.isInteger(targetCount) || targetCount < 0) {
    throw new RangeError(`Cannot size the examples as 'targetCount' must be a non-negative integer: current value is ${targetCount}`);
  }
  if (targetCount === 0) return [];
  if (examples.length === 0) {
    throw new RangeError(`Cannot size the examples to ${targetCount} as there are none: current value is 0`);
  }
  const indices = examples.map((_example, index) => index);
  const subset = (count: number): number[] => prng.sample(indices, count).sort((a, b) => a - b);
  if (targetCount <= examples.length) return subset(targetCount).map((index) => examples[index] as TrainingExample);
  const copies = Math.floor(targetCount / examples.length);
  const result: TrainingExample[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const example of examples) result.push(copy === 0 ? example : { ...example, id: `${example.id}~${copy}` });
  }
  for (const index of subset(targetCount % examples.length)) {
    const example = examples[index] as TrainingExample;
    result.push({ ...example, id: `${example.id}~${copies}` });
  }
  return result;
}
