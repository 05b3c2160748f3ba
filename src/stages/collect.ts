/**
 * One iteration's data collection (`tripost.md` §3 and §6) as one composed observable:
 *
 * ```
 * withDemand(problems, pipe(generate(student), whenRight(edit(expert)), whenRight(splitKeeping(format)), reorder(index)))
 *   → each problem's record handed to the sink as it leaves (trajectory | rejection, examples)
 *   → the rebalancer, fed as examples leave; per pass, then the gold, then the shuffle (the barrier)
 * ```
 *
 * repeated for up to `maxPasses` passes until the rebalanced passes hold `maxDataLength`
 * examples. Memory is bounded by the demand window (plus a digest per distinct example for the
 * rebalancing), whatever the number of problems.
 *
 * Every problem of every pass ends as exactly one trajectory or one rejection. Records come out
 * in input order whatever the concurrency, so one seed (and recorded calls) gives byte-identical
 * files.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import {
  concatMap,
  concatWith,
  defer,
  EMPTY,
  endWith,
  from,
  ignoreElements,
  last,
  lastValueFrom,
  map,
  type Observable,
  pipe,
  range,
  takeWhile,
  tap,
} from "rxjs";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import type { TrainingExample } from "../codecs/training_example.js";
import type { Trajectory } from "../codecs/trajectory.js";
import type { Model } from "../models/model.js";
import type { Task } from "../tasks/task.js";
import type { TrajectoryFormat } from "../tasks/trajectory_format.js";
import { withDemand } from "../streams/demand_source.js";
import { reorder } from "../streams/reorder.js";
import { edit, type EditedTrajectory, toTrajectory } from "./edit.js";
import type { Expert } from "./expert.js";
import { generate } from "./generate.js";
import { createRebalancer, type RebalanceStats } from "./rebalance.js";
import { goldExample, splitKeeping, type SplitTrajectory } from "./split.js";
import { whenRight } from "./when_right.js";

/** Options for {@linkcode collectIteration}. */
export interface CollectOptions {
  readonly task: Task;
  /** The student's format. */
  readonly format: TrajectoryFormat;
  /** The TriPosT iteration (0 = rollouts without self-improvement). @default {0} */
  readonly iteration?: number;
  /** The run's seed. @default {0} */
  readonly seed?: number;
  /** Rollouts in flight, and edits in flight (each stage its own). @default {16} */
  readonly concurrency?: number;
  /** Problems inside the pipeline at once (the demand window). @default {4 × concurrency} */
  readonly window?: number;
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
 * The problems of a collection: an array, or a function that returns a fresh (async) iterable
 * each time it is called — one read per pass, then one for the gold examples — such as
 * an async generator over the decoded lines of a problems file (`readJsonl(path, Problem)`,
 * each line's `value`), so that a file is streamed, never held.
 */
export type ProblemSource = readonly Problem[] | (() => Iterable<Problem> | AsyncIterable<Problem>);

function problemsOf(source: ProblemSource): Iterable<Problem> | AsyncIterable<Problem> {
  return typeof source === "function" ? source() : source;
}

/** One problem's record of one pass, as it leaves the pipeline (in input order). */
export interface CollectedProblem {
  /** The problem's position in the input (0-based). */
  readonly index: number;
  readonly pass: number;
  /** The edited trajectory with its training examples, or the problem's rejection. */
  readonly outcome: E.Either<Rejection, SplitTrajectory>;
}

/**
 * One pass of a collection as one composed observable: the problems enter on demand
 * (`withDemand`, at most `window` inside), the student rolls out (`generate`, `concurrency` in
 * flight), the expert edits the rollouts (`whenRight(edit)`, `concurrency` in flight), the
 * trajectories are split (`whenRight(splitKeeping)`), and `reorder` restores input order inside
 * the window. One {@linkcode CollectedProblem} per problem, in input order; a problem's next
 * comes in only when one has left.
 *
 * @throws {RangeError} when `concurrency` or `window` is not a positive integer
 *
 * @example
 * ```ts
 * collectPass(student, scriptedExpert(task), problems, { task, format, pass: 0 })
 *   .subscribe(({ index, outcome }) => console.log(index, E.isRight(outcome) ? outcome.right.examples.length : outcome.left.type));
 * ```
 */
export function collectPass(
  student: Model,
  expert: Expert,
  problems: Iterable<Problem> | AsyncIterable<Problem>,
  options: CollectOptions & { readonly pass: number },
): Observable<CollectedProblem> {
  const {
    task,
    format,
    iteration = 0,
    seed = 0,
    concurrency = 16,
    temperature = 1,
    maxTokens = 512,
    maxUpdates = 5,
    weight = 1.5,
    isFatal = () => false,
    pass,
  } = options;
  const window = options.window ?? 4 * concurrency;
  const multiPass = (options.maxPasses ?? 1) > 1;
  const generateStage = generate(student, {
    format,
    iteration,
    temperature,
    maxTokens,
    seed,
    concurrency,
    isFatal,
    ...(multiPass ? { pass } : {}),
    ...(options.selfImprove === undefined ? {} : { selfImprove: options.selfImprove }),
  });
  const editStage = edit(expert, { task, format, maxUpdates, concurrency, isFatal });
  const splitStage = splitKeeping({ format, weight });
  return defer(() => {
    // The input positions of the problems inside the window, by id (first in, first out: a
    // repeated id keeps one position per copy).
    const positions = new Map<string, number[]>();
    let entered = 0;
    const enter = (problem: Problem): void => {
      const queue = positions.get(problem.id);
      if (queue === undefined) positions.set(problem.id, [entered]);
      else queue.push(entered);
      entered += 1;
    };
    const leave = (id: string): number => {
      const queue = positions.get(id);
      const index = queue?.shift();
      if (queue === undefined || index === undefined) {
        throw new Error(`Cannot place the outcome of '${id}' as no such problem is in the pipeline`);
      }
      if (queue.length === 0) positions.delete(id);
      return index;
    };
    return withDemand(
      problems,
      pipe(
        tap(enter),
        generateStage,
        whenRight(editStage),
        whenRight(splitStage),
        map((outcome): CollectedProblem => ({
          index: leave(E.isLeft(outcome) ? outcome.left.id : outcome.right.trajectory.id),
          pass,
          outcome,
        })),
        reorder((record: CollectedProblem) => record.index),
      ),
      { window },
    );
  });
}

/**
 * Where a collection's records go as they leave the pipeline (a run directory's files, or arrays).
 */
export interface CollectionSink {
  /** Each problem's record of each pass, pass by pass and in input order: its trajectory or its rejection. */
  record(pass: number, record: E.Either<Rejection, Trajectory>): void;
  /**
   * Takes a training example — the split ones pass by pass in input order, then the gold
   * candidates in input order — and returns a reference to it (a byte offset, an index): the
   * training set comes back as these references ({@linkcode CollectSummary.order}).
   */
  example(example: TrainingExample): number;
}

/** What a collection leaves besides the sink's records: its counts and the training set's references. */
export interface CollectSummary {
  /** The references ({@linkcode CollectionSink.example}) of the training set, in training order. */
  readonly order: number[];
  readonly stats: CollectStats;
}

/**
 * An iteration's collection as one observable: passes of {@linkcode collectPass}, each record
 * handed to `sink` as it leaves and its examples to the iteration's rebalancer, until the
 * rebalanced passes hold `maxDataLength` examples or `maxPasses` passes ran; then the gold
 * candidates (one more read of the problems), the gold sampling and the shuffle — the one
 * barrier. Emits one {@linkcode CollectSummary} and completes.
 *
 * @example Collect into arrays
 * ```ts
 * const examples: TrainingExample[] = [];
 * const sink = { record: () => {}, example: (example: TrainingExample) => examples.push(example) - 1 };
 * const { order } = await lastValueFrom(collectInto(student, expert, problems, sink, { task, format }));
 * const trainingSet = order.map((ref) => examples[ref]);
 * ```
 */
export function collectInto(
  student: Model,
  expert: Expert,
  problems: ProblemSource,
  sink: CollectionSink,
  options: CollectOptions,
): Observable<CollectSummary> {
  const { task, iteration = 0, seed = 0, improveDataRatio = 1.5, onProgress } = options;
  const maxPasses = options.maxPasses ?? 1;
  const maxDataLength = options.maxDataLength ?? 0;
  const minDataLength = options.minDataLength ?? 0;
  return defer(() => {
    const rebalancer = createRebalancer({ improveDataRatio, seed, iteration });
    const outcomes: Record<string, number> = {};
    const rejections: Record<string, number> = {};
    const before: Record<string, number> = {};
    let problemCount = 0;
    let passes = 0;

    function put(record: CollectedProblem, progress: { done: number; rejected: number }): void {
      const { pass, outcome } = record;
      if (pass === 0) problemCount += 1;
      progress.done += 1;
      if (E.isLeft(outcome)) {
        progress.rejected += 1;
        count(rejections, outcome.left.type);
        sink.record(pass, outcome);
      } else {
        const { trajectory, examples } = outcome.right;
        count(outcomes, trajectory.outcome);
        sink.record(pass, E.right(toTrajectory(task, trajectory)));
        for (const example of examples) {
          count(before, example.kind);
          rebalancer.add(example, sink.example(example));
        }
      }
      const total = Array.isArray(problems) ? problems.length : pass > 0 ? problemCount : progress.done;
      onProgress?.({ pass, done: progress.done, total, rejected: progress.rejected });
    }

    const runPass = (pass: number): Observable<RebalanceStats> => {
      const progress = { done: 0, rejected: 0 };
      passes += 1;
      return collectPass(student, expert, problemsOf(problems), { ...options, pass }).pipe(
        tap((record) => put(record, progress)),
        ignoreElements(),
        endWith(undefined),
        map(() => rebalancer.endPass()),
      );
    };

    const addGold$ = defer(() =>
      (options.addGold ?? true)
        ? from(problemsOf(problems)).pipe(
          tap((problem) => {
            const gold = goldExample(task, options.format, problem);
            if (E.isRight(gold)) rebalancer.addGold(gold.right, sink.example(gold.right));
          }),
          ignoreElements(),
        )
        : EMPTY
    );

    return range(0, maxPasses).pipe(
      concatMap(runPass),
      takeWhile(() => rebalancer.chosen < maxDataLength, true),
      ignoreElements(),
      concatWith(addGold$),
      endWith(undefined),
      last(),
      map((): CollectSummary => {
        const plan = rebalancer.finish();
        return {
          order: plan.order,
          stats: {
            problems: problemCount,
            passes,
            outcomes,
            rejections,
            examplesBeforeRebalance: before,
            rebalance: plan.stats,
            minDataLength,
            belowMinDataLength: plan.order.length < minDataLength,
          },
        };
      }),
    );
  });
}

/**
 * Collects one iteration's data into arrays ({@linkcode collectInto} with a sink of arrays):
 * passes of rollouts and edits, split, rebalanced per pass, then gold added and shuffled.
 */
export function collectIteration(
  student: Model,
  expert: Expert,
  problems: ProblemSource,
  options: CollectOptions,
): Promise<CollectResult> {
  const passRecords: { pass: number; trajectories: Trajectory[]; rejections: Rejection[] }[] = [];
  const all: TrainingExample[] = [];
  const sink: CollectionSink = {
    record(pass, record) {
      const records = passRecords[pass] ??= { pass, trajectories: [], rejections: [] };
      if (E.isLeft(record)) records.rejections.push(record.left);
      else records.trajectories.push(record.right);
    },
    example(example) {
      return all.push(example) - 1;
    },
  };
  return lastValueFrom(
    collectInto(student, expert, problems, sink, options).pipe(
      map(({ order, stats }): CollectResult => ({
        trajectories: passRecords[0]?.trajectories ?? [],
        rejections: passRecords[0]?.rejections ?? [],
        laterPasses: passRecords.slice(1).filter((records) => records !== undefined),
        examples: order.map((ref) => all[ref] as TrainingExample),
        unbalancedExamples: all,
        stats,
      })),
    ),
  );
}
