/**
 * The evaluation stage (`tripost.md` §9, §10): the student answers each test question with
 * self-improvement inference at greedy decoding, and the answers are scored — accuracy in total,
 * on seen and unseen problems and per bucket, and how often and how usefully the student
 * improved its own answers.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { catchError, map, mergeMap, type Observable, of, type OperatorFunction, tap, throwError } from "rxjs";
import type { BucketScore, Metrics, Ratio } from "../codecs/metrics.js";
import type { Prediction, PredictionEnd, PredictionTurn } from "../codecs/prediction.js";
import type { Problem, TaskName } from "../codecs/problem.js";
import type { Model } from "../models/model.js";
import type { Task } from "../tasks/task.js";
import { type TrajectoryFormat, type WrittenTurn, writtenTurns } from "../tasks/trajectory_format.js";
import { hash32 } from "../util/prng.js";
import { DEFAULT_MAX_GENERATIONS, selfImprove, type SelfImproveResult } from "./self_improve.js";

/** Options for {@linkcode evaluate}. */
export interface EvaluateOptions {
  /** The task: it extracts and judges the answers. */
  readonly task: Task;
  /** The format the student writes. */
  readonly format: TrajectoryFormat;
  /** Tokens per generation. @default {512} */
  readonly maxTokens?: number;
  /**
   * Generations per problem, the first included. @default {3}: the official loop's effective
   * limit (see `SelfImproveOptions.maxGenerations`).
   */
  readonly maxGenerations?: number;
  /** Plain continuations in a row (the official `num_continue_generation`). @default {3} */
  readonly maxContinuations?: number;
  /**
   * What to do when the student writes an invalid feedback line (see `SelfImproveOptions`):
   * `stop` ends the run there and the answer is the attempt the line follows, so a student that
   * never learned to critique (M0) is scored on its own attempts.
   * @default {"stop"}
   */
  readonly invalidFeedback?: "continue" | "stop";
  /** The run's seed; each problem's seed derives from it and the problem id. @default {0} */
  readonly seed?: number;
  /** Problems in flight. @default {16} */
  readonly concurrency?: number;
  /** Whether a model error ends the run instead of making the problem a wrong prediction. @default {() => false} */
  readonly isFatal?: (error: unknown) => boolean;
  /** Called with each prediction as it is made (progress reporting). */
  readonly onPrediction?: (prediction: Prediction) => void;
}

/** The seed of one problem's evaluation: a pure function of the run seed and the problem id. */
export function evaluationSeed(seed: number, problemId: string): number {
  return hash32(`${seed}/eval/${problemId}`);
}

/**
 * The answer an attempt written in `format` gives, read as the official evaluation reads it
 * (`tripost.md` §9, `process_answer`): from its last line alone (the line before it when the last
 * is a feedback line), in its official form; the other lines need not convert. `null` when the
 * attempt is empty or its last line gives no answer. Never throws.
 */
export function predictedAnswer(task: Task, format: TrajectoryFormat, attempt: string): string | null {
  const lines = attempt.trimEnd().split("\n");
  let last = lines.at(-1) ?? "";
  if (last.startsWith(format.feedbackPrefix)) last = lines.at(-2) ?? "";
  if (last.trim() === "") return null;
  const answer = E.tryCatch(() => {
    const official = format.finalResponse(last);
    return official === undefined ? undefined : task.extractAnswer(official);
  }, () => undefined);
  return E.isRight(answer) && answer.right !== undefined ? answer.right : null;
}

function isRight(task: Task, predicted: string | null, gold: string): boolean {
  if (predicted === null) return false;
  const judged = E.tryCatch(() => task.isCorrectAnswer(predicted, gold), () => false);
  return E.isRight(judged) && judged.right;
}

/**
 * The whole output as the student wrote it: the prompt, then every attempt and feedback line;
 * an update as the format writes it (a continuation from the error step where the student writes
 * continuations), while `turns` hold full attempts.
 */
function outputText(format: TrajectoryFormat, problem: Problem, turns: readonly WrittenTurn[]): string {
  let text = format.prompt(problem);
  writtenTurns(format, turns).forEach((turn, index) => {
    if (index > 0) text += `\n${format.updateHeader(problem)}`;
    text += turn.attempt;
    if (turn.feedbackLine !== undefined) text += `\n${turn.feedbackLine}`;
  });
  return text;
}

function labels(problem: Problem): Pick<Prediction, "split" | "bucket"> {
  const bucket = problem.meta?.["bucket"];
  return {
    ...(problem.split === undefined ? {} : { split: problem.split }),
    ...(typeof bucket === "string" ? { bucket } : {}),
  };
}

/**
 * The prediction for one problem from a finished self-improvement run: the final attempt's
 * answer judged against the gold one, and whether the first attempt was already right.
 */
function predictionOf(
  task: Task,
  format: TrajectoryFormat,
  problem: Problem,
  index: number,
  result: SelfImproveResult,
): Prediction {
  const predicted = predictedAnswer(task, format, result.finalAttempt);
  const first = result.turns.find((turn) => turn.attempt !== "")?.attempt ?? "";
  const turns: PredictionTurn[] = result.turns.map((turn) =>
    turn.feedbackLine === undefined ? { attempt: turn.attempt } : { attempt: turn.attempt, feedback: turn.feedbackLine }
  );
  return {
    id: problem.id,
    index,
    ...labels(problem),
    answer: problem.answer,
    predicted,
    correct: isRight(task, predicted, problem.answer),
    selfImproved: result.selfImproved,
    firstAttemptCorrect: isRight(task, predictedAnswer(task, format, first), problem.answer),
    end: result.end,
    turns,
    text: outputText(format, problem, result.turns),
    generations: result.generations,
  };
}

function failedPrediction(problem: Problem, index: number, error: unknown): Prediction {
  return {
    id: problem.id,
    index,
    ...labels(problem),
    answer: problem.answer,
    predicted: null,
    correct: false,
    selfImproved: false,
    firstAttemptCorrect: false,
    end: "error",
    turns: [],
    text: "",
    error: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Evaluates the student on a stream of test problems: self-improvement inference (§9) at greedy
 * decoding (`temperature: 0`), one {@linkcode Prediction} per problem. Predictions arrive in
 * completion order; each carries the problem's input position as `index`, from which the input
 * order is restored. A model error on one problem becomes a wrong prediction with `end: "error"`,
 * unless `isFatal(error)`, which ends the stream with that error.
 *
 * @throws {RangeError} When `concurrency`, `maxTokens`, `maxGenerations` or `maxContinuations` is out of range.
 *
 * @example Evaluate the embedded student
 * ```ts
 * const predictions = await firstValueFrom(
 *   from(problems).pipe(evaluate(student, { task, format: compactFormat(task)! }), toArray()),
 * );
 * const metrics = evaluationMetrics(task.name, predictions);
 * ```
 */
export function evaluate(student: Model, options: EvaluateOptions): OperatorFunction<Problem, Prediction> {
  const {
    task,
    format,
    maxTokens = 512,
    maxGenerations = DEFAULT_MAX_GENERATIONS,
    maxContinuations = 3,
    invalidFeedback = "stop",
    seed = 0,
    concurrency = 16,
    isFatal = () => false,
    onPrediction,
  } = options;
  const checks: readonly [string, number, number][] = [
    ["concurrency", concurrency, 1],
    ["maxTokens", maxTokens, 1],
    ["maxGenerations", maxGenerations, 1],
    ["maxContinuations", maxContinuations, 0],
  ];
  for (const [name, value, least] of checks) {
    if (!Number.isInteger(value) || value < least) {
      throw new RangeError(
        `Cannot create evaluate stage as '${name}' must be an integer of at least ${least}: current value is ${value}`,
      );
    }
  }

  function evaluateOne(problem: Problem, index: number): Observable<Prediction> {
    return selfImprove(student, format, problem, {
      temperature: 0,
      maxTokens,
      maxGenerations,
      maxContinuations,
      invalidFeedback,
      seed: evaluationSeed(seed, problem.id),
    }).pipe(
      map((result) => predictionOf(task, format, problem, index, result)),
      catchError((error: unknown) =>
        isFatal(error) ? throwError(() => error) : of(failedPrediction(problem, index, error))
      ),
      tap((prediction) => onPrediction?.(prediction)),
    );
  }

  return mergeMap(evaluateOne, concurrency);
}

function ratio(numerator: number, denominator: number): Ratio {
  return denominator === 0 ? null : numerator / denominator;
}

/** The ends a prediction can have, in a fixed order for `metrics.ends`. */
const ENDS: readonly PredictionEnd[] = ["correct", "no-progress", "repeating", "limit", "invalid-feedback", "error"];

/**
 * The metrics of a set of predictions (pure). Definitions:
 *
 * - **accuracy** = correct / count, over all predictions (`total`), those with split `seen`, those
 *   with split `unseen`, and per bucket (`buckets[name] = {correct, total, accuracy}`); a
 *   prediction is correct when its final answer equals the gold one by the task's rule. A
 *   prediction without a split counts in `total` only; one without a bucket in no bucket.
 * - **self-improvement frequency** = the share of test questions on which the student wrote an
 *   error feedback and then an updated attempt: `selfImproved / count`.
 * - **self-improvement contribution** = the share of correctly answered questions whose correct
 *   final answer came from an update: `contributed / correct`, where a question contributes when
 *   it was answered correctly, the student self-improved on it (error feedback, then an updated
 *   attempt), and its first attempt's answer was wrong — the update turned a wrong answer into a
 *   right one.
 *
 * An accuracy whose denominator is 0 (an empty split or bucket, no predictions) is `null`; the
 * frequency is 0 when there are no predictions and the contribution 0 when no answer is correct.
 * Hence `0 ≤ frequency, contribution ≤ 1` and `contribution · correct ≤ frequency · count`.
 *
 * @example
 * ```ts
 * const metrics = evaluationMetrics("multistep_arithmetic", predictions);
 * assert(metrics.accuracy.total === null || metrics.accuracy.total <= 1);
 * ```
 */
export function evaluationMetrics(task: TaskName | { readonly name: TaskName }, predictions: readonly Prediction[]): Metrics {
  const taskName = typeof task === "string" ? task : task.name;
  const total = { correct: 0, count: 0 };
  const seen = { correct: 0, count: 0 };
  const unseen = { correct: 0, count: 0 };
  const buckets = new Map<string, { correct: number; total: number }>();
  const ends: Record<string, number> = Object.fromEntries(ENDS.map((end) => [end, 0]));
  let selfImproved = 0;
  let contributed = 0;
  let firstAttemptCorrect = 0;
  let broken = 0;
  for (const prediction of predictions) {
    const right = prediction.correct ? 1 : 0;
    total.count++;
    total.correct += right;
    if (prediction.split === "seen") {
      seen.count++;
      seen.correct += right;
    } else if (prediction.split === "unseen") {
      unseen.count++;
      unseen.correct += right;
    }
    if (prediction.bucket !== undefined) {
      const score = buckets.get(prediction.bucket) ?? { correct: 0, total: 0 };
      score.total++;
      score.correct += right;
      buckets.set(prediction.bucket, score);
    }
    ends[prediction.end] = (ends[prediction.end] ?? 0) + 1;
    if (prediction.firstAttemptCorrect) firstAttemptCorrect++;
    if (prediction.selfImproved) {
      selfImproved++;
      if (prediction.correct && !prediction.firstAttemptCorrect) contributed++;
      if (!prediction.correct && prediction.firstAttemptCorrect) broken++;
    }
  }
  const bucketScores: Record<string, BucketScore> = {};
  for (const name of [...buckets.keys()].sort()) {
    const score = buckets.get(name) as { correct: number; total: number };
    bucketScores[name] = { correct: score.correct, total: score.total, accuracy: ratio(score.correct, score.total) };
  }
  return {
    task: taskName,
    count: total.count,
    accuracy: {
      total: ratio(total.correct, total.count),
      seen: ratio(seen.correct, seen.count),
      unseen: ratio(unseen.correct, unseen.count),
    },
    counts: { seen: seen.count, unseen: unseen.count },
    buckets: bucketScores,
    selfImprovement: {
      frequency: ratio(selfImproved, total.count) ?? 0,
      contribution: ratio(contributed, total.correct) ?? 0,
      selfImproved,
      correct: total.correct,
      contributed,
      firstAttemptCorrect,
      broken,
    },
    ends,
  };
}

/** Options for {@linkcode formatMetricsSummary}. */
export interface MetricsSummaryOptions {
  /** Decimal places of the percentages. @default {1} */
  readonly digits?: number;
}

/**
 * A one-line summary of metrics, e.g.
 * `accuracy seen 61.0% (n=50) unseen 1.0% (n=50) total 31.0% (n=100); SI frequency 4.0% contribution 3.2%`.
 */
export function formatMetricsSummary(metrics: Metrics, options: MetricsSummaryOptions = {}): string {
  const { digits = 1 } = options;
  const percent = (value: Ratio): string => (value === null ? "n/a" : `${(value * 100).toFixed(digits)}%`);
  const si = metrics.selfImprovement;
  return `accuracy seen ${percent(metrics.accuracy.seen)} (n=${metrics.counts.seen}) unseen ${percent(metrics.accuracy.unseen)} (n=${metrics.counts.unseen}) total ${
    percent(metrics.accuracy.total)
  } (n=${metrics.count}); SI frequency ${percent(si.frequency)} contribution ${percent(si.contribution)}`;
}
