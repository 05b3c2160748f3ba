/**
 * The TriPosT loop (`tripost.md` §1): for each iteration, collect data with the current student
 * (interactive editing, post-processing), train the student on that iteration's data only,
 * continuing from its previous checkpoint ("replay"; or from M0 with `training.init: "m0"`), and
 * evaluate it with self-improvement inference. The baselines run in the same loop at equal
 * training steps and with the same `training` settings: `ft-rationale` (continued training on
 * gold rationales) and `lmsi` (self-training on the student's own correct samples).
 *
 * Every artifact lands in the run directory, written atomically; a run started again with
 * `resume` skips what is complete and serves completed model calls from the journals, so a
 * killed run ends with the files an uninterrupted one writes.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { from, lastValueFrom, toArray } from "rxjs";
import type { BaselineName, ResolvedRunConfig } from "../codecs/config.js";
import { decodeWith } from "../codecs/decode.js";
import { JournalEntry } from "../codecs/journal_entry.js";
import type { Metrics, UsageEntry, UsageReport } from "../codecs/metrics.js";
import { Prediction } from "../codecs/prediction.js";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import { TrainingExample } from "../codecs/training_example.js";
import { isFatal } from "../models/errors.js";
import { createUsageMeter, mergeUsageEntries, type UsageLabel, type UsageMeter, usageReport, usageSince } from "../models/usage_meter.js";
import type { Model } from "../models/model.js";
import { loadCheckpoint, saveCheckpoint } from "../models/student/checkpoint.js";
import { initTfjs } from "../models/student/tfjs.js";
import { trainStudent } from "../models/student/trainer.js";
import { JOURNAL_FILE_NAME, type Journal, openJournal } from "../streams/journal.js";
import { writeJsonl } from "../streams/write_jsonl.js";
import type { Task } from "../tasks/task.js";
import type { TrajectoryFormat } from "../tasks/trajectory_format.js";
import { createPrng } from "../util/prng.js";
import { ftRationaleExamples, lmsi, sizeToMatch } from "./baselines.js";
import { collectIteration } from "./collect.js";
import { evaluate, evaluationMetrics } from "./evaluate.js";
import type { Expert } from "./expert.js";
import type { ExternalTrainingStep } from "./external_trainer.js";

/** A method compared in a run. */
export type MethodName = "tripost" | BaselineName;

/** A loaded student and how to release it. */
export interface OpenedStudent {
  readonly model: Model;
  close(): Promise<void>;
}

/** What the loop works with: resolved task, format, expert, problems, and how to open a checkpoint. */
export interface TriPosTLoopDependencies {
  readonly task: Task;
  readonly format: TrajectoryFormat;
  readonly expert: Expert;
  readonly trainProblems: readonly Problem[];
  readonly testProblems: readonly Problem[];
  /**
   * The starting student M0: its checkpoint directory (embedded), or its served model name (an
   * HTTP student, which needs `trainExternally`).
   */
  readonly initialCheckpoint: string;
  /** Opens the student of a checkpoint directory (or of a served model name) as a Model. */
  openStudent(checkpoint: string): OpenedStudent;
  /**
   * Trains TriPosT's student outside this process (`external_trainer.ts`) instead of with the
   * embedded trainer, and resolves to the next student (checkpoint directory or model name).
   * Baselines are not run with it.
   */
  readonly trainExternally?: ExternalTrainingStep;
  /**
   * Counts model calls and tokens. The loop counts the student's calls with it (`rollout`,
   * `evaluate`, `lmsi`, model `student`); wrap the expert's model with the same meter (stages
   * `critique`, `improve`) so each collection's `stats.json` holds the expert's usage too.
   * @default {a meter of the loop's own}
   */
  readonly meter?: UsageMeter;
  /**
   * Called with each collection's journal when it opens, and with `undefined` once it is closed.
   * Route the expert's calls through it (see {@linkcode journaledExpertModel}) and a resumed run
   * re-issues none of the expert calls it had completed.
   */
  readonly onCollectionJournal?: (journal: Journal<JournalEntry> | undefined) => void;
}

/**
 * A Model that goes through whichever collection journal is open (`onCollectionJournal`), counted
 * by `meter` under `label`, and straight to `model` (counted) when none is. One journaled wrapper
 * per journal, so repeated samples of one request keep their distinct sample indices.
 *
 * @example Journal an HTTP expert's calls in `tripost run`
 * ```ts
 * const journals = journaledExpertModel(meter);
 * const expert = resolveExpert(task, url, { wrap: (model, role, label) => journals.wrap(model, { stage: role, model: label }) });
 * await runTriPosT({ ...dependencies, onCollectionJournal: journals.use }, options);
 * ```
 */
export function journaledExpertModel(meter: UsageMeter): {
  wrap(model: Model, label: UsageLabel): Model;
  use(journal: Journal<JournalEntry> | undefined): void;
} {
  let current: Journal<JournalEntry> | undefined;
  return {
    wrap(model, label) {
      const counted = meter.count(label, model);
      let cache: { journal: Journal<JournalEntry>; model: Model } | undefined;
      return (request) => {
        const journal = current;
        if (journal === undefined) return counted(request);
        if (cache?.journal !== journal) cache = { journal, model: meter.journaled(label, model, journal) };
        return cache.model(request);
      };
    },
    use(journal) {
      current = journal;
    },
  };
}

/** Options for {@linkcode runTriPosT}. */
export interface TriPosTLoopOptions {
  readonly config: ResolvedRunConfig;
  /** The run directory. */
  readonly outDir: string;
  /** Skip completed steps and reuse completed model calls. @default {false} */
  readonly resume?: boolean;
  /** Called as the loop moves on. */
  readonly onEvent?: (event: LoopEvent) => void;
}

/** A step of the loop, for progress output. */
export type LoopEvent =
  | { readonly type: "step-start"; readonly method: MethodName | "M0"; readonly iteration: number; readonly step: "collect" | "train" | "evaluate" }
  | { readonly type: "step-skip"; readonly method: MethodName | "M0"; readonly iteration: number; readonly step: "collect" | "train" | "evaluate" }
  | { readonly type: "progress"; readonly step: "collect" | "train" | "evaluate"; readonly done: number; readonly total: number; readonly note?: string }
  | { readonly type: "step-end"; readonly method: MethodName | "M0"; readonly iteration: number; readonly step: "collect" | "train" | "evaluate"; readonly summary: string };

/** One row of the results table. */
export interface ResultRow {
  readonly method: MethodName | "M0";
  readonly iteration: number;
  readonly seen: number | null;
  readonly unseen: number | null;
  readonly total: number | null;
  readonly selfImprovementFrequency: number;
  readonly selfImprovementContribution: number;
  /** Training examples of the iteration (0 for M0). */
  readonly examples: number;
  /** Optimizer steps of the iteration (0 for M0). */
  readonly steps: number;
}

/** What a finished run returns (also written to `DIR/metrics.json`). */
export interface TriPosTRunResult {
  readonly rows: readonly ResultRow[];
  readonly outDir: string;
  /**
   * Model calls and tokens of the whole run, per stage and model: each step's counts as its files
   * record them (a step skipped on resume counts what it recorded when it ran).
   */
  readonly usage: UsageReport;
}

/** The usage a step's file records, if any (older runs have none). */
function recordedUsage(value: unknown): UsageEntry[] {
  const usage = (value as { usage?: { entries?: unknown } } | undefined)?.usage;
  return Array.isArray(usage?.entries) ? (usage.entries as UsageEntry[]) : [];
}

function writeJsonAtomic(path: string, value: unknown): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8")) as unknown;
}

function readJsonlFile<A>(path: string, decode: (input: unknown) => E.Either<unknown, A>): A[] {
  const values: A[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const decoded = decode(JSON.parse(line) as unknown);
    if (E.isLeft(decoded)) throw new Error(`Cannot resume as '${path}' holds a record that does not decode`);
    values.push(decoded.right);
  }
  return values;
}

function rowOf(method: MethodName | "M0", iteration: number, metrics: Metrics, examples: number, steps: number): ResultRow {
  return {
    method,
    iteration,
    seen: metrics.accuracy.seen,
    unseen: metrics.accuracy.unseen,
    total: metrics.accuracy.total,
    selfImprovementFrequency: metrics.selfImprovement.frequency,
    selfImprovementContribution: metrics.selfImprovement.contribution,
    examples,
    steps,
  };
}

/**
 * The results table as text: one row per method and iteration, accuracies and self-improvement
 * figures in percent.
 */
export function formatResultsTable(rows: readonly ResultRow[]): string {
  const percent = (value: number | null) => (value === null ? "—" : `${(100 * value).toFixed(1)}`);
  const header = ["method", "iter", "seen", "unseen", "total", "SI freq", "SI contrib", "examples", "steps"];
  const body = rows.map((row) => [
    row.method,
    String(row.iteration),
    percent(row.seen),
    percent(row.unseen),
    percent(row.total),
    percent(row.selfImprovementFrequency),
    percent(row.selfImprovementContribution),
    String(row.examples),
    String(row.steps),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}

/**
 * Runs TriPosT and its baselines for `config.iterations` iterations. The directory holds
 * `iteration-0/eval/` (M0), and for each iteration `t ≥ 1` `iteration-t/` with the TriPosT
 * collection (`trajectories.jsonl` and `rejections.jsonl` of the first pass — every training
 * problem in exactly one of them —, `pass-<k>/` with the same two files for each later pass,
 * `train.jsonl` built from all passes, `stats.json`, `journal.jsonl`), `checkpoint/`, `eval/`,
 * and one folder per baseline; `metrics.json` holds the results table. With `trainExternally`,
 * `checkpoint/` is replaced by the external trainer's files (`train.<format>.jsonl`, `model/`,
 * `trainer.log`, `trainer.done.json`) and there are no baselines.
 */
export async function runTriPosT(
  dependencies: TriPosTLoopDependencies,
  options: TriPosTLoopOptions,
): Promise<TriPosTRunResult> {
  const { config, outDir, resume = false, onEvent } = options;
  const { task, format, expert, trainProblems, testProblems } = dependencies;
  if (dependencies.trainExternally !== undefined && config.baselines.length > 0) {
    throw new Error("Cannot run baselines with an external trainer as it trains TriPosT's student only");
  }
  mkdirSync(outDir, { recursive: true });
  const rows: ResultRow[] = [];
  const meter = dependencies.meter ?? createUsageMeter();
  // Every step's usage, for the run's total.
  const usageParts: (readonly UsageEntry[])[] = [];
  const STUDENT = "student";

  async function evaluateAt(method: MethodName | "M0", iteration: number, checkpoint: string, directory: string): Promise<Metrics> {
    const metricsPath = join(directory, "metrics.json");
    if (resume && existsSync(metricsPath)) {
      onEvent?.({ type: "step-skip", method, iteration, step: "evaluate" });
      const recorded = readJson(metricsPath) as Metrics;
      usageParts.push(recordedUsage(recorded));
      return recorded;
    }
    onEvent?.({ type: "step-start", method, iteration, step: "evaluate" });
    mkdirSync(directory, { recursive: true });
    const student = dependencies.openStudent(checkpoint);
    const before = meter.snapshot();
    try {
      let done = 0;
      const predictions = await lastValueFrom(
        from(testProblems).pipe(
          evaluate(meter.count({ stage: "evaluate", model: STUDENT }, student.model), {
            task,
            format,
            maxTokens: config.maxTokens.eval,
            concurrency: config.concurrency,
            seed: config.seed,
            isFatal,
            onPrediction: () => onEvent?.({ type: "progress", step: "evaluate", done: ++done, total: testProblems.length }),
          }),
          toArray(),
        ),
      );
      const order = new Map(testProblems.map((problem, index) => [problem.id, index]));
      predictions.sort((left, right) => (order.get(left.id) ?? 0) - (order.get(right.id) ?? 0));
      const usage = usageSince(meter.snapshot(), before).served;
      usageParts.push(usage);
      const metrics: Metrics = { ...evaluationMetrics(task, predictions), usage: usageReport(usage) };
      await writeJsonl(join(directory, "predictions.jsonl"), predictions);
      writeJsonAtomic(metricsPath, metrics);
      const summary = `seen ${pct(metrics.accuracy.seen)} unseen ${pct(metrics.accuracy.unseen)} total ${pct(metrics.accuracy.total)}`;
      onEvent?.({ type: "step-end", method, iteration, step: "evaluate", summary });
      return metrics;
    } finally {
      await student.close();
    }
  }

  /**
   * Trains `method`'s student of `iteration` with the config's `training` settings, the same for
   * TriPosT and the baselines: from `previous` (its last checkpoint) or M0 (`init: "m0"`), with
   * the starting checkpoint's Adam state (`optimizerState: "carry"`) or a new one (`"fresh"`).
   */
  async function train(
    method: MethodName,
    iteration: number,
    previous: string,
    examples: readonly TrainingExample[],
    steps: number,
    directory: string,
  ): Promise<string> {
    const from = config.training.init === "m0" ? dependencies.initialCheckpoint : previous;
    const checkpoint = join(directory, "checkpoint");
    if (resume && existsSync(join(checkpoint, "weights.bin"))) {
      onEvent?.({ type: "step-skip", method, iteration, step: "train" });
      return checkpoint;
    }
    rmSync(checkpoint, { recursive: true, force: true });
    onEvent?.({ type: "step-start", method, iteration, step: "train" });
    await initTfjs();
    const loaded = await loadCheckpoint(from);
    if (E.isLeft(loaded)) throw new Error(`Cannot load the student at '${from}'`);
    let done = 0;
    const result = await trainStudent({
      student: loaded.right,
      examples,
      steps,
      batchSize: config.training.batchSize,
      lr: config.training.learningRate,
      warmup: Math.round(steps * config.training.warmup),
      minLrRatio: config.training.minLrRatio,
      resetOptimizer: config.training.optimizerState === "fresh",
      workers: config.training.workers,
      seed: config.seed + iteration,
      // The weights are in the examples: w from the first feedback on in TriPosT's (0 before it
      // with maskFirstAttempt), 1 in the baselines'.
      log: (entry) => onEvent?.({ type: "progress", step: "train", done: ++done, total: steps, note: `loss ${entry.loss.toFixed(3)}` }),
    });
    await saveCheckpoint(checkpoint, result.student);
    onEvent?.({
      type: "step-end",
      method,
      iteration,
      step: "train",
      summary: `${result.steps} steps, loss ${result.finalLoss.toFixed(3)}, ${Math.round(result.tokensPerSecond)} tokens/s`,
    });
    return checkpoint;
  }

  function stepsFor(exampleCount: number): number {
    return config.training.steps ?? Math.max(1, Math.ceil((config.training.epochs * exampleCount) / config.training.batchSize));
  }

  const m0Metrics = await evaluateAt("M0", 0, dependencies.initialCheckpoint, join(outDir, "iteration-0", "eval"));
  rows.push(rowOf("M0", 0, m0Metrics, 0, 0));

  const current: Record<MethodName, string> = {
    "tripost": dependencies.initialCheckpoint,
    "ft-rationale": dependencies.initialCheckpoint,
    "lmsi": dependencies.initialCheckpoint,
  };

  for (let iteration = 1; iteration <= config.iterations; iteration++) {
    const directory = join(outDir, `iteration-${iteration}`);
    mkdirSync(directory, { recursive: true });

    // TriPosT: collect with the current student, train, evaluate.
    const trainPath = join(directory, "train.jsonl");
    let examples: TrainingExample[];
    if (resume && existsSync(join(directory, "stats.json"))) {
      onEvent?.({ type: "step-skip", method: "tripost", iteration, step: "collect" });
      examples = maskFirstAttempts(readJsonlFile(trainPath, decodeWith(TrainingExample)), config.training.maskFirstAttempt);
      usageParts.push(recordedUsage(readJson(join(directory, "stats.json"))));
    } else {
      onEvent?.({ type: "step-start", method: "tripost", iteration, step: "collect" });
      const journal = openJournal(join(directory, JOURNAL_FILE_NAME), JournalEntry, { resume });
      const student = dependencies.openStudent(current.tripost);
      dependencies.onCollectionJournal?.(journal);
      try {
        // Iteration 1 rolls out M0, which has never written feedback: plain attempts. From
        // iteration 2 on the student rolls out with self-improvement (`tripost.md` §3.1).
        const before = meter.snapshot();
        const rollouts = meter.journaled({ stage: "rollout", model: STUDENT }, student.model, journal);
        const result = await collectIteration(rollouts, expert, trainProblems, {
          task,
          format,
          iteration,
          selfImprove: iteration > 1,
          seed: config.seed,
          concurrency: config.concurrency,
          temperature: config.temperatures.rollout,
          maxTokens: config.maxTokens.rollout,
          maxUpdates: config.maxUpdates,
          improveDataRatio: config.improveDataRatio,
          weight: config.weight,
          maxDataLength: config.passes.maxDataLength,
          minDataLength: config.passes.minDataLength,
          maxPasses: config.passes.maxPasses,
          isFatal,
          onProgress: ({ done, total, rejected, pass }) =>
            onEvent?.({ type: "progress", step: "collect", done, total, note: `pass ${pass + 1}, rejected ${rejected}` }),
        });
        journal.sync();
        await writeJsonl(join(directory, "trajectories.jsonl"), result.trajectories);
        await writeJsonl(join(directory, "rejections.jsonl"), result.rejections);
        for (const later of result.laterPasses) {
          const passDirectory = join(directory, `pass-${later.pass}`);
          mkdirSync(passDirectory, { recursive: true });
          await writeJsonl(join(passDirectory, "trajectories.jsonl"), later.trajectories);
          await writeJsonl(join(passDirectory, "rejections.jsonl"), later.rejections);
        }
        // `train.jsonl` holds the examples as they are trained on (masked or not).
        examples = maskFirstAttempts(result.examples, config.training.maskFirstAttempt);
        await writeJsonl(trainPath, examples);
        // The rollouts' and the expert's calls (the expert's model is counted with the same meter).
        const usage = usageSince(meter.snapshot(), before).served;
        usageParts.push(usage);
        writeJsonAtomic(join(directory, "stats.json"), { iteration, ...result.stats, usage: usageReport(usage) });
        onEvent?.({
          type: "step-end",
          method: "tripost",
          iteration,
          step: "collect",
          summary: `${result.trajectories.length} trajectories, ${result.rejections.length} rejections, ${examples.length} examples (p = ${
            result.stats.rebalance.p.toFixed(2)
          })`,
        });
      } finally {
        dependencies.onCollectionJournal?.(undefined);
        journal.close();
        await student.close();
      }
    }
    // The official loop ends when an iteration collects fewer than `min_data_length` examples
    // (`passes.minDataLength`): nothing is trained from here on.
    if (examples.length < config.passes.minDataLength) {
      onEvent?.({
        type: "step-end",
        method: "tripost",
        iteration,
        step: "collect",
        summary: `${examples.length} examples, fewer than passes.minDataLength (${config.passes.minDataLength}): the loop ends before training iteration ${iteration}`,
      });
      break;
    }
    if (examples.length === 0) throw new Error(`Cannot train in iteration ${iteration} as the collection produced no training examples`);
    const steps = stepsFor(examples.length);
    if (dependencies.trainExternally === undefined) {
      current.tripost = await train("tripost", iteration, current.tripost, examples, steps, directory);
    } else {
      current.tripost = await dependencies.trainExternally({
        iteration,
        from: current.tripost,
        ...(config.training.init === "m0" ? { base: dependencies.initialCheckpoint } : {}),
        examples,
        directory,
        resume,
      });
    }
    const metrics = await evaluateAt("tripost", iteration, current.tripost, join(directory, "eval"));
    // An external trainer's optimizer steps are its own: 0 in the table.
    rows.push(rowOf("tripost", iteration, metrics, examples.length, dependencies.trainExternally === undefined ? steps : 0));

    // Baselines, at the same number of examples and steps.
    for (const baseline of config.baselines) {
      const baselineDirectory = join(directory, baseline);
      mkdirSync(baselineDirectory, { recursive: true });
      const baselineTrain = join(baselineDirectory, "train.jsonl");
      let baselineExamples: TrainingExample[];
      if (resume && existsSync(baselineTrain)) {
        onEvent?.({ type: "step-skip", method: baseline, iteration, step: "collect" });
        baselineExamples = readJsonlFile(baselineTrain, decodeWith(TrainingExample));
        const baselineStats = join(baselineDirectory, "stats.json");
        if (existsSync(baselineStats)) usageParts.push(recordedUsage(readJson(baselineStats)));
      } else {
        onEvent?.({ type: "step-start", method: baseline, iteration, step: "collect" });
        const prng = createPrng(`${config.seed}/${iteration}/${baseline}`);
        const rejections: Rejection[] = [];
        let raw: TrainingExample[];
        if (baseline === "ft-rationale") {
          raw = ftRationaleExamples(trainProblems, { task, format, onRejection: (rejection) => rejections.push(rejection) });
        } else {
          const journal = openJournal(join(baselineDirectory, JOURNAL_FILE_NAME), JournalEntry, { resume });
          const student = dependencies.openStudent(current.lmsi);
          const before = meter.snapshot();
          try {
            raw = await lastValueFrom(
              lmsi(meter.journaled({ stage: "lmsi", model: STUDENT }, student.model, journal), trainProblems, {
                task,
                format,
                temperature: config.temperatures.lmsi,
                maxTokens: config.maxTokens.rollout,
                seed: config.seed + iteration,
                concurrency: config.concurrency,
                isFatal,
                onRejection: (rejection) => rejections.push(rejection),
              }),
            );
          } finally {
            journal.close();
            await student.close();
          }
          const usage = usageSince(meter.snapshot(), before).served;
          usageParts.push(usage);
          writeJsonAtomic(join(baselineDirectory, "stats.json"), { iteration, method: baseline, usage: usageReport(usage) });
        }
        baselineExamples = raw.length === 0 ? [] : sizeToMatch(raw, examples.length, prng);
        await writeJsonl(join(baselineDirectory, "rejections.jsonl"), rejections);
        await writeJsonl(baselineTrain, baselineExamples);
        onEvent?.({
          type: "step-end",
          method: baseline,
          iteration,
          step: "collect",
          summary: `${raw.length} distinct examples, ${baselineExamples.length} after matching TriPosT's size`,
        });
      }
      if (baselineExamples.length === 0) {
        throw new Error(`Cannot train the ${baseline} baseline in iteration ${iteration} as it has no training examples`);
      }
      current[baseline] = await train(baseline, iteration, current[baseline], baselineExamples, steps, baselineDirectory);
      const baselineMetrics = await evaluateAt(baseline, iteration, current[baseline], join(baselineDirectory, "eval"));
      rows.push(rowOf(baseline, iteration, baselineMetrics, baselineExamples.length, steps));
    }
  }

  const usage = usageReport(mergeUsageEntries(usageParts));
  writeJsonAtomic(join(outDir, "metrics.json"), { task: task.name, seed: config.seed, rows, usage });
  return { rows, outDir, usage };
}

function pct(value: number | null): string {
  return value === null ? "—" : `${(100 * value).toFixed(1)}%`;
}

/** The example kinds whose first attempt `maskFirstAttempt` masks (official `text_att_start_text: "\nFeedback:"`). */
const MASKED_KINDS: ReadonlySet<TrainingExample["kind"]> = new Set(["improvement", "terminal"]);

/**
 * The examples as `training.maskFirstAttempt` trains them. When `mask` is true, improvement and
 * terminal examples get `weightBefore: 0`: no loss on the question and the attempt before their
 * first feedback line, loss (weight w) from the `\n` before it on — the official
 * `mask_before_att_start_text=True` with `text_att_start_text: "\nFeedback:"`
 * (`utils/dataset.py::SelfImproveDataset`). Gold and correct examples (official `"Q:"`: learn
 * all) keep their loss everywhere. When `mask` is false the examples are returned as they are.
 *
 * @example
 * ```ts
 * const [masked] = maskFirstAttempts([{ id: "a#t", kind: "terminal", text: "1+1=\n3\nF:wrong", weightFrom: 6, weight: 1.5 }], true);
 * assertEquals(masked?.weightBefore, 0);
 * ```
 */
export function maskFirstAttempts(examples: readonly TrainingExample[], mask: boolean): TrainingExample[] {
  if (!mask) return [...examples];
  return examples.map((example) => (MASKED_KINDS.has(example.kind) ? { ...example, weightBefore: 0 } : example));
}

/** Decodes predictions written by an earlier run. */
export const decodePrediction = decodeWith(Prediction);
