/**
 * The run directory's layout, in one place: the file names, the folders of iterations, passes,
 * baselines and evaluations, and (re-exported from the stages that make them) the seed strings
 * of the rebalancing and the grammar of example ids.
 *
 * ```
 * DIR/                         a `tripost run`
 *   config.json  versions.json  timings.jsonl  metrics.json  report.html
 *   problems/train.jsonl  problems/test.jsonl
 *   iteration-0/eval/          M0: metrics.json, predictions.jsonl
 *   iteration-t/               a collection (below), checkpoint/, eval/, <baseline>/
 *
 * a collection (`tripost collect --out DIR`, or `iteration-t/` of a run)
 *   trajectories.jsonl  rejections.jsonl     the first pass: every problem in exactly one
 *   pass-k/trajectories.jsonl  pass-k/rejections.jsonl   each later pass
 *   examples.jsonl                            every pass's split examples, then the gold candidates
 *   train.jsonl                               the rebalanced training set
 *   stats.json  journal.jsonl
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { JOURNAL_FILE_NAME } from "../streams/journal.js";

export { exampleId, type ExampleIdParts, parseExampleId } from "../stages/example_id.js";
export { rebalanceSeed } from "../stages/rebalance.js";
export { baselineSeed } from "../stages/baselines.js";
export { JOURNAL_FILE_NAME };

/** The file names of a run directory. */
export const RUN_FILES = {
  trajectories: "trajectories.jsonl",
  rejections: "rejections.jsonl",
  examples: "examples.jsonl",
  train: "train.jsonl",
  stats: "stats.json",
  journal: JOURNAL_FILE_NAME,
  metrics: "metrics.json",
  predictions: "predictions.jsonl",
  config: "config.json",
  checkpoint: "checkpoint",
  eval: "eval",
  problems: "problems",
} as const;

/** The files of one collection pass. */
export interface PassFiles {
  readonly directory: string;
  readonly trajectories: string;
  readonly rejections: string;
}

/** The files of a collection directory (`tripost collect --out`, or an iteration of a run). */
export interface CollectionLayout {
  readonly directory: string;
  readonly trajectories: string;
  readonly rejections: string;
  readonly examples: string;
  readonly train: string;
  readonly stats: string;
  readonly journal: string;
  /** The files of pass `k` (0: the collection's own; k ≥ 1: `pass-k/`). */
  pass(pass: number): PassFiles;
}

/** The files of an evaluation. */
export interface EvalLayout {
  readonly directory: string;
  readonly metrics: string;
  readonly predictions: string;
}

/** A method's folder in an iteration: TriPosT's is the iteration's own, a baseline's is `<name>/`. */
export interface MethodLayout extends CollectionLayout {
  readonly checkpoint: string;
  readonly eval: EvalLayout;
}

/** The layout of a `tripost run` directory. */
export interface RunLayout {
  readonly directory: string;
  readonly config: string;
  readonly metrics: string;
  readonly trainProblems: string;
  readonly testProblems: string;
  /** The folder of M0's evaluation: `iteration-0/eval/`. */
  readonly m0Eval: EvalLayout;
  /** TriPosT's folder of iteration `t ≥ 1`: `iteration-t/`. */
  iteration(iteration: number): MethodLayout;
  /** A baseline's folder of iteration `t ≥ 1`: `iteration-t/<name>/`. */
  baseline(iteration: number, name: string): MethodLayout;
}

/**
 * The files of a collection in `directory`.
 *
 * @example
 * ```ts
 * assertEquals(collectionLayout("out").pass(1).trajectories, join("out", "pass-1", "trajectories.jsonl"));
 * ```
 */
export function collectionLayout(directory: string): CollectionLayout {
  return {
    directory,
    trajectories: join(directory, RUN_FILES.trajectories),
    rejections: join(directory, RUN_FILES.rejections),
    examples: join(directory, RUN_FILES.examples),
    train: join(directory, RUN_FILES.train),
    stats: join(directory, RUN_FILES.stats),
    journal: join(directory, RUN_FILES.journal),
    pass(pass) {
      if (!Number.isSafeInteger(pass) || pass < 0) {
        throw new RangeError(`Cannot name a pass folder as 'pass' must be a non-negative integer: current value is ${pass}`);
      }
      const folder = pass === 0 ? directory : join(directory, `pass-${pass}`);
      return { directory: folder, trajectories: join(folder, RUN_FILES.trajectories), rejections: join(folder, RUN_FILES.rejections) };
    },
  };
}

/** The files of an evaluation in `directory`. */
export function evalLayout(directory: string): EvalLayout {
  return { directory, metrics: join(directory, RUN_FILES.metrics), predictions: join(directory, RUN_FILES.predictions) };
}

function methodLayout(directory: string): MethodLayout {
  return { ...collectionLayout(directory), checkpoint: join(directory, RUN_FILES.checkpoint), eval: evalLayout(join(directory, RUN_FILES.eval)) };
}

/**
 * The layout of the run directory `directory`.
 *
 * @example
 * ```ts
 * assertEquals(runLayout("run").baseline(1, "lmsi").train, join("run", "iteration-1", "lmsi", "train.jsonl"));
 * ```
 */
export function runLayout(directory: string): RunLayout {
  const iterationDirectory = (iteration: number): string => {
    if (!Number.isSafeInteger(iteration) || iteration < 0) {
      throw new RangeError(`Cannot name an iteration folder as 'iteration' must be a non-negative integer: current value is ${iteration}`);
    }
    return join(directory, `iteration-${iteration}`);
  };
  return {
    directory,
    config: join(directory, RUN_FILES.config),
    metrics: join(directory, RUN_FILES.metrics),
    trainProblems: join(directory, RUN_FILES.problems, "train.jsonl"),
    testProblems: join(directory, RUN_FILES.problems, "test.jsonl"),
    m0Eval: evalLayout(join(iterationDirectory(0), RUN_FILES.eval)),
    iteration: (iteration) => methodLayout(iterationDirectory(iteration)),
    baseline: (iteration, name) => methodLayout(join(iterationDirectory(iteration), name)),
  };
}
