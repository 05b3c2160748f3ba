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

/** Calls and the tokens their responses reported (`callsWithoutUsage` of them reported none). */
export const UsageCounts = t.exact(
  t.type({ calls: t.number, callsWithoutUsage: t.number, promptTokens: t.number, completionTokens: t.number }),
  "UsageCounts",
);
export type UsageCounts = t.TypeOf<typeof UsageCounts>;

/** The usage of one stage (`rollout`, `critique`, `improve`, `evaluate`, `lmsi`) on one model. */
export const UsageEntry = t.exact(
  t.intersection([t.type({ stage: t.string, model: t.string }), UsageCounts.type]),
  "UsageEntry",
);
export type UsageEntry = t.TypeOf<typeof UsageEntry>;

/**
 * Token usage in `stats.json`, an evaluation's `metrics.json` and a run's `metrics.json`: per
 * (stage, model), and summed per stage, per model and in total. Calls replayed from a journal
 * count like new ones (the counts are those of an uninterrupted run).
 */
export const UsageReport = t.exact(
  t.type({
    total: UsageCounts,
    byStage: t.record(t.string, UsageCounts),
    byModel: t.record(t.string, UsageCounts),
    entries: t.array(UsageEntry),
  }),
  "UsageReport",
);
export type UsageReport = t.TypeOf<typeof UsageReport>;

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
    /** The evaluation's model calls and tokens. */
    usage: UsageReport,
  })]),
  "Metrics",
);
export type Metrics = t.TypeOf<typeof Metrics>;
