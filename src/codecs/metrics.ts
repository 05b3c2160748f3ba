import * as t from "io-ts";
import { TaskName } from "./problem.js";

/** A fraction in [0, 1], or `null` when its denominator is 0. */
export const Ratio = t.union([t.number, t.null], "Ratio");
export type Ratio = t.TypeOf<typeof Ratio>;

/** Accuracy of one bucket: `correct / total`. */
export const BucketScore = t.exact(t.type({ correct: t.number, total: t.number, accuracy: Ratio }), "BucketScore");
export type BucketScore = t.TypeOf<typeof BucketScore>;

/**
 * Self-improvement counts and rates (see `evaluationMetrics` for the exact definitions):
 * `frequency = selfImproved / count`, `contribution = contributed / correct`.
 */
export const SelfImprovementScore = t.exact(
  t.type({
    /** In [0, 1]; 0 when there are no questions. */
    frequency: t.number,
    /** In [0, 1]; 0 when no question was answered correctly. */
    contribution: t.number,
    /** Questions on which the student wrote an error feedback and then an updated attempt. */
    selfImproved: t.number,
    /** Questions answered correctly in the end. */
    correct: t.number,
    /** Correct, self-improved, and the first attempt's answer was wrong. */
    contributed: t.number,
    /** Questions whose first attempt was already right. */
    firstAttemptCorrect: t.number,
    /** Self-improved questions whose first attempt was right but whose final answer is wrong. */
    broken: t.number,
  }),
  "SelfImprovementScore",
);
export type SelfImprovementScore = t.TypeOf<typeof SelfImprovementScore>;

/**
 * `metrics.json` of `tripost eval`: accuracy in total, on seen and unseen problems and per
 * bucket; self-improvement frequency and contribution; how the runs ended.
 */
export const Metrics = t.exact(
  t.intersection([t.type({
    task: TaskName,
    count: t.number,
    accuracy: t.exact(t.type({ total: Ratio, seen: Ratio, unseen: Ratio })),
    /** Questions per split: seen, unseen (problems without a split count in total only). */
    counts: t.exact(t.type({ seen: t.number, unseen: t.number })),
    buckets: t.record(t.string, BucketScore),
    selfImprovement: SelfImprovementScore,
    /** How many runs ended each way (`correct`, `no-progress`, `repeating`, `limit`, `invalid-feedback`, `error`). */
    ends: t.record(t.string, t.number),
  }), t.partial({
    /** The student evaluated, as its spec without credentials. */
    student: t.string,
    /** The format the student wrote. */
    format: t.string,
  })]),
  "Metrics",
);
export type Metrics = t.TypeOf<typeof Metrics>;
