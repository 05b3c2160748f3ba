/**
 * One iteration's data collection (`tripost.md` §3 and §6): roll the student out on every
 * training problem, edit the rollouts with the expert, split the trajectories into training
 * examples, rebalance, repeat for up to `maxPasses` passes until there are `maxDataLength`
 * examples, then add gold examples and shuffle.
 *
 * Every problem of every pass ends as exactly one trajectory or one rejection. Results come out
 * in input order whatever the concurrency, so one seed (and recorded calls) gives byte-identical
 * files.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { concatMap, defer, from, lastValueFrom, map, mergeMap, type Observable, of, toArray } from "rxjs";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import type { TrainingExample } from "../codecs/training_example.js";
import type { Trajectory } from "../codecs/trajectory.js";
import type { Model } from "../models/model.js";
import type { Task } from "../tasks/task.js";
import type { TrajectoryFormat } from "../tasks/trajectory_format.js";
import { edit, type EditedTrajectory, toTrajectory } from "./edit.js";
import type { Expert } from "./expert.js";
import { generate } from "./generate.js";
import { addGold, type RebalanceStats, rebalanceExamples } from "./rebalance.js";
import { goldExample, splitTrajectory } from "./split.js";

/** Options for {@linkcode collectIteration}. */
export interface CollectOptions {
  readonly task: Task;
  /** The student's format. */
  readonly format: TrajectoryFormat;
  /** The TriPosT iteration (0 = rollouts without self-improvement). @default {0} */
  readonly iteration?: number;
  /** The run's seed. @default {0} */
  readonly seed?: number;
  /** Problems in flight (each makes student and expert calls). @default {16} */
  readonly concurrency?: number;
  /** Rollout temperature. @default {1} */
  readonly temperature?: number;
  /** Tokens per student generation. @default {512} */
  readonly maxTokens?: number;
  /** Self-improving rollouts. @default {iteration >= 1} */
  readonly selfImprove?: boolean;
  /** IMP updates per trajectory. @default {5} */
  readonly maxUpdates?: number;
  /** `improve_data_ratio` r. @default {1.5} */
  readonly improveDataRatio?: number;
  /** Loss weight w of the feedback and update. @default {1.5} */
  readonly weight?: number;
  /** Stop collecting passes once this many examples are gathered (`max_data_length`). @default {0: one pass} */
  readonly maxDataLength?: number;
  /** The most passes (`max_data_itr`). @default {1} */
  readonly maxPasses?: number;
  /**
   * `min_data_length`: the fewest training examples (gold included) the iteration needs; the
   * official loop ends before training an iteration with fewer. Recorded in the stats
   * (`belowMinDataLength`); the caller decides. @default {0}
   */
  readonly minDataLength?: number;
  /** Add gold examples (`tripost.md` §6). @default {true} */
  readonly addGold?: boolean;
  /** Whether an error ends the run instead of rejecting one problem. @default {() => false} */
  readonly isFatal?: (error: unknown) => boolean;
  /** Called as problems finish. */
  readonly onProgress?: (progress: CollectProgress) => void;
}

/** How far a collection is. */
export interface CollectProgress {
  readonly pass: number;
  readonly done: number;
  readonly total: number;
  readonly rejected: number;
}

/** One problem's outcome in one pass. */
export type PassOutcome = E.Either<Rejection, EditedTrajectory>;

/** What a collection produced, and its counts. */
export interface CollectResult {
  /**
   * The first pass's trajectories, in input order. With the rejections, every problem is in
   * exactly one of the two (the contract's invariant).
   */
  readonly trajectories: Trajectory[];
  /** The first pass's rejections, in input order. */
  readonly rejections: Rejection[];
  /**
   * The records of the later passes (`tripost.md` §3.1), each again one per problem; their
   * training examples are in `examples` too.
   */
  readonly laterPasses: { readonly pass: number; readonly trajectories: Trajectory[]; readonly rejections: Rejection[] }[];
  /** The training set: rebalanced, with gold added, shuffled. */
  readonly examples: TrainingExample[];
  /**
   * The examples before rebalancing: every pass's split examples (pass by pass, in input order),
   * then the gold candidates of the problems (in input order). `tripost merge` rebalances shards from these.
   */
  readonly unbalancedExamples: TrainingExample[];
  readonly stats: CollectStats;
}

/** The counts of a collection (`stats.json`). */
export interface CollectStats {
  readonly problems: number;
  readonly passes: number;
  /** Edit outcomes: `original` (correct as written), `edited`, `bad-improvement`, `agreed`. */
  readonly outcomes: Record<string, number>;
  /** Rejections by type. */
  readonly rejections: Record<string, number>;
  /** Examples by kind before rebalancing. */
  readonly examplesBeforeRebalance: Record<string, number>;
  /**
   * The rebalanced set's realised counts and p; `nonImprovementAvailable` and `duplicatesRemoved`
   * count every pass (and the gold's duplicates).
   */
  readonly rebalance: RebalanceStats;
  /** `min_data_length` (see {@linkcode CollectOptions.minDataLength}). */
  readonly minDataLength: number;
  /** Whether the training set has fewer examples than `minDataLength`: the official loop stops here. */
  readonly belowMinDataLength: boolean;
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/**
 * Rolls out and edits every problem once, returning the outcomes in input order.
 */
export function collectPass(
  student: Model,
  expert: Expert,
  problems: readonly Problem[],
  options: CollectOptions & { readonly pass: number },
): Observable<PassOutcome[]> {
  const {
    task,
    format,
    iteration = 0,
    seed = 0,
    concurrency = 16,
    temperature = 1,
    maxTokens = 512,
    maxUpdates = 5,
    isFatal = () => false,
    onProgress,
    pass,
  } = options;
  const multiPass = (options.maxPasses ?? 1) > 1;
  const generateStage = generate(student, {
    format,
    iteration,
    temperature,
    maxTokens,
    seed,
    concurrency: 1,
    isFatal,
    ...(multiPass ? { pass } : {}),
    ...(options.selfImprove === undefined ? {} : { selfImprove: options.selfImprove }),
  });
  const editStage = edit(expert, { task, format, maxUpdates, concurrency: 1, isFatal });
  let done = 0;
  let rejected = 0;
  return defer(() =>
    from(problems.map((problem, index) => ({ problem, index }))).pipe(
      mergeMap(({ problem, index }) =>
        of(problem).pipe(
          generateStage,
          concatMap((rollout) => E.isLeft(rollout) ? of(rollout) : of(rollout.right).pipe(editStage)),
          map((outcome) => {
            done++;
            if (E.isLeft(outcome)) rejected++;
            onProgress?.({ pass, done, total: problems.length, rejected });
            return { index, outcome };
          }),
        ), concurrency),
      toArray(),
      map((results) => {
        const ordered = new Array<PassOutcome>(problems.length);
        for (const { index, outcome } of results) ordered[index] = outcome;
        // Every problem ends as exactly one outcome (`contract.md`): a hole is a bug, not a rejection.
        for (let index = 0; index < ordered.length; index++) {
          if (ordered[index] === undefined) {
            throw new Error(`Cannot finish the pass as the problem '${problems[index]?.id}' has no outcome`);
          }
        }
        return ordered;
      }),
    )
  );
}

/**
 * Collects one iteration's data: passes of rollouts and edits, split, rebalanced per pass,
 * then gold added and shuffled.
 */
export function collectIteration(
  student: Model,
  expert: Expert,
  problems: readonly Problem[],
  options: CollectOptions,
): Promise<CollectResult> {
  const { task, format, iteration = 0, seed = 0, weight = 1.5, improveDataRatio = 1.5 } = options;
  const maxPasses = options.maxPasses ?? 1;
  const maxDataLength = options.maxDataLength ?? 0;
  return (async () => {
    const passRecords: { pass: number; trajectories: Trajectory[]; rejections: Rejection[] }[] = [];
    const outcomes: Record<string, number> = {};
    const rejectionCounts: Record<string, number> = {};
    const before: Record<string, number> = {};
    let examples: TrainingExample[] = [];
    const unbalanced: TrainingExample[] = [];
    let seenTexts = new Set<string>();
    const passStats: RebalanceStats[] = [];
    let passes = 0;
    for (let pass = 0; pass < maxPasses; pass++) {
      passes++;
      const results = await lastValueFrom(collectPass(student, expert, problems, { ...options, pass }));
      const passExamples: TrainingExample[] = [];
      const records = { pass, trajectories: [] as Trajectory[], rejections: [] as Rejection[] };
      passRecords.push(records);
      for (const outcome of results) {
        if (E.isLeft(outcome)) {
          records.rejections.push(outcome.left);
          count(rejectionCounts, outcome.left.type);
          continue;
        }
        count(outcomes, outcome.right.outcome);
        records.trajectories.push(toTrajectory(task, outcome.right));
        for (const example of splitTrajectory(outcome.right, { format, weight })) {
          count(before, example.kind);
          passExamples.push(example);
        }
      }
      unbalanced.push(...passExamples);
      const balanced = rebalanceExamples(passExamples, { improveDataRatio, seed: `${seed}/${iteration}/${pass}`, seenTexts });
      examples = [...examples, ...balanced.examples];
      seenTexts = balanced.seenTexts;
      passStats.push(balanced.stats);
      if (examples.length >= maxDataLength) break;
    }
    const gold: TrainingExample[] = [];
    if (options.addGold ?? true) {
      for (const problem of problems) {
        const example = goldExample(task, format, problem);
        if (E.isRight(example)) gold.push(example.right);
      }
    }
    const withGold = addGold(examples, gold, { seed: `${seed}/${iteration}/gold`, seenTexts, passes: passStats });
    const minDataLength = options.minDataLength ?? 0;
    return {
      trajectories: passRecords[0]?.trajectories ?? [],
      rejections: passRecords[0]?.rejections ?? [],
      laterPasses: passRecords.slice(1),
      examples: withGold.examples,
      unbalancedExamples: [...unbalanced, ...gold],
      stats: {
        problems: problems.length,
        passes,
        outcomes,
        rejections: rejectionCounts,
        examplesBeforeRebalance: before,
        rebalance: withGold.stats,
        minDataLength,
        belowMinDataLength: withGold.examples.length < minDataLength,
      },
    };
  })();
}
