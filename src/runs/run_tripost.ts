/**
 * The TriPosT loop over a run directory (`tripost.md` §1): for each iteration, collect data with
 * the current student (interactive editing, post-processing), train the student on that
 * iteration's data only ("replay", from its previous checkpoint or from M0 with `training.init:
 * "m0"`), and evaluate it with self-improvement inference. The baselines are the same steps with
 * other data — `ft-rationale` (gold rationales) and `lmsi` (the student's own correct samples) —
 * at equal training steps and with the same `training` settings.
 *
 * Every step is {@linkcode resumable}: a run started again with `resume` loads what completed
 * from its files and serves completed model calls from the collections' journals, so a killed
 * run ends with the files an uninterrupted one writes.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { from, last, lastValueFrom, mergeScan, takeWhile, toArray } from "rxjs";
import type { BaselineName, ResolvedRunConfig } from "../codecs/config.js";
import { Metrics, UsageReport, type UsageEntry } from "../codecs/metrics.js";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import { TrainingExample } from "../codecs/training_example.js";
import { isFatal } from "../models/errors.js";
import { mergeUsageEntries, type UsageMeter, usageReport, usageSince } from "../models/usage_meter.js";
import { loadCheckpoint, saveCheckpoint } from "../models/student/checkpoint.js";
import { initTfjs } from "../models/student/tfjs.js";
import { trainStudent } from "../models/student/trainer.js";
import { baselineSeed, ftRationaleExamples, lmsi, sizeToMatch } from "../stages/baselines.js";
import { evaluate, evaluationMetrics } from "../stages/evaluate.js";
import type { Expert } from "../stages/expert.js";
import type { ExternalTrainingStep } from "./external_trainer.js";
import { type LoopEvent, maskFirstAttempts, type MethodName, type OpenedStudent, type ResultRow, resultRow } from "../stages/tripost_loop.js";
import { reorder } from "../streams/reorder.js";
import { writeJsonl } from "../streams/write_jsonl.js";
import type { Task } from "../tasks/task.js";
import type { TrajectoryFormat } from "../tasks/trajectory_format.js";
import { createPrng } from "../util/prng.js";
import type { ProblemSource } from "../stages/collect.js";
import { collectToDirectory } from "./collection.js";
import { type CollectionJournals, createCollectionJournals } from "./collection_journals.js";
import { readJsonDecoded, readJsonlDecoded, writeJsonAtomic } from "./files.js";
import { type EvalLayout, type MethodLayout, runLayout } from "./layout.js";
import { resumable } from "./resumable.js";

/** What the loop works with: resolved task, format, expert, problems, and how to open a checkpoint. */
export interface TriPosTLoopDependencies {
  readonly task: Task;
  readonly format: TrajectoryFormat;
  /** The expert; an HTTP expert's model wrapped with `journals.wrap`, so every collection journals its calls. */
  readonly expert: Expert;
  /**
   * The training problems (the collections' input): an array, or a function giving a fresh read
   * of them (a file streamed again for each pass; `tripost run` passes a checked file's `read`).
   * The baselines (gold rationales, LMSI) read a function source into an array when they run.
   */
  readonly trainProblems: ProblemSource;
  /** How many problems `trainProblems` yields: the collections' progress total from pass 0 on. */
  readonly trainCount?: number;
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
   * The journals of the run's collections and the meter counting every call: each collection
   * opens its own journal, and the models wrapped with `journals.wrap` (the expert's) go through
   * it. @default {journals of the loop's own}
   */
  readonly journals?: CollectionJournals;
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

/** The usage a step's file records (`stats.json`, `metrics.json`; older runs have none). */
const RecordedUsage = t.partial({ usage: UsageReport }, "RecordedUsage");

/** The students of the methods, and the results so far: what one iteration hands the next. */
interface LoopState {
  readonly students: Readonly<Record<MethodName, string>>;
  readonly rows: readonly ResultRow[];
  /** The loop ended (an iteration collected fewer than `passes.minDataLength` examples). */
  readonly ended: boolean;
}

const STUDENT = "student";

/**
 * Runs TriPosT and its baselines for `config.iterations` iterations in `outDir` (the layout of
 * `runLayout`): M0's evaluation, then a fold over the iterations of
 * collect → post-process → replay → evaluate, for TriPosT and then for each baseline with its
 * own data; `metrics.json` holds the results table. With `trainExternally`, `checkpoint/` is
 * replaced by the external trainer's files and there are no baselines.
 */
export async function runTriPosT(dependencies: TriPosTLoopDependencies, options: TriPosTLoopOptions): Promise<TriPosTRunResult> {
  const { config, outDir } = options;
  if (dependencies.trainExternally !== undefined && config.baselines.length > 0) {
    throw new Error("Cannot run baselines with an external trainer as it trains TriPosT's student only");
  }
  mkdirSync(outDir, { recursive: true });
  const steps = runSteps(dependencies, options);
  const layout = runLayout(outDir);
  const m0 = dependencies.initialCheckpoint;
  const start: LoopState = {
    students: { "tripost": m0, "ft-rationale": m0, "lmsi": m0 },
    rows: [resultRow("M0", 0, await steps.evaluate("M0", 0, m0, layout.m0Eval), 0, 0)],
    ended: false,
  };
  const iterations = Array.from({ length: config.iterations }, (_unused, index) => index + 1);
  const end = await lastValueFrom(from(iterations).pipe(
    mergeScan((state: LoopState, iteration: number) => from(steps.iteration(state, iteration)), start, 1),
    takeWhile((state) => !state.ended, true),
    last(null, start),
  ));
  const usage = usageReport(mergeUsageEntries(steps.usage));
  writeJsonAtomic(layout.metrics, { task: dependencies.task.name, seed: config.seed, rows: end.rows, usage });
  return { rows: end.rows, outDir, usage };
}

/** The steps of a run, each resumable, and the usage they recorded. */
function runSteps(dependencies: TriPosTLoopDependencies, options: TriPosTLoopOptions) {
  const { config, outDir, resume = false, onEvent } = options;
  const { task, format, expert, trainProblems, testProblems } = dependencies;
  const journals = dependencies.journals ?? createCollectionJournals();
  const meter: UsageMeter = journals.meter;
  const layout = runLayout(outDir);
  // Every step's usage, for the run's total.
  const usage: (readonly UsageEntry[])[] = [];
  const recorded = (value: unknown): void => {
    const decoded = RecordedUsage.decode(value);
    usage.push(E.isRight(decoded) ? decoded.right.usage?.entries ?? [] : []);
  };
  const skip = (method: MethodName | "M0", iteration: number, step: "collect" | "train" | "evaluate") => () =>
    onEvent?.({ type: "step-skip", method, iteration, step });
  const stepsFor = (exampleCount: number): number =>
    config.training.steps ?? Math.max(1, Math.ceil((config.training.epochs * exampleCount) / config.training.batchSize));

  /** Evaluates `checkpoint` on the test problems into `files` (`metrics.json` marks it done). */
  function evaluateStep(method: MethodName | "M0", iteration: number, checkpoint: string, files: EvalLayout): Promise<Metrics> {
    return resumable({
      done: () => existsSync(files.metrics),
      load: () => {
        const metrics = readJsonDecoded(files.metrics, Metrics);
        recorded(metrics);
        return metrics;
      },
      run: async () => {
        onEvent?.({ type: "step-start", method, iteration, step: "evaluate" });
        mkdirSync(files.directory, { recursive: true });
        const student = dependencies.openStudent(checkpoint);
        const before = meter.snapshot();
        try {
          let done = 0;
          const predictions = await lastValueFrom(from(testProblems).pipe(
            evaluate(meter.count({ stage: "evaluate", model: STUDENT }, student.model), {
              task,
              format,
              maxTokens: config.maxTokens.eval,
              concurrency: config.concurrency,
              seed: config.seed,
              isFatal,
              onPrediction: () => onEvent?.({ type: "progress", step: "evaluate", done: ++done, total: testProblems.length }),
            }),
            // The predictions in input order (by their input position: test ids may repeat), then
            // the barrier of the evaluation.
            reorder((prediction) => prediction.index),
            toArray(),
          ));
          const spent = usageSince(meter.snapshot(), before).served;
          usage.push(spent);
          const metrics: Metrics = { ...evaluationMetrics(task, predictions), usage: usageReport(spent) };
          await writeJsonl(files.predictions, predictions);
          writeJsonAtomic(files.metrics, metrics);
          const summary = `seen ${pct(metrics.accuracy.seen)} unseen ${pct(metrics.accuracy.unseen)} total ${pct(metrics.accuracy.total)}`;
          onEvent?.({ type: "step-end", method, iteration, step: "evaluate", summary });
          return metrics;
        } finally {
          await student.close();
        }
      },
    }, { resume, onSkip: skip(method, iteration, "evaluate") });
  }

  /**
   * TriPosT's collection and post-processing of `iteration` with the student `checkpoint`:
   * the training set as it is trained on (`train.jsonl`; `stats.json` marks it done). Iteration
   * 1 rolls out M0, which has never written feedback: plain attempts; from iteration 2 on the
   * student rolls out with self-improvement (`tripost.md` §3.1).
   */
  function collectStep(iteration: number, checkpoint: string): Promise<TrainingExample[]> {
    const files = layout.iteration(iteration);
    const mask = (examples: TrainingExample[]) => maskFirstAttempts(examples, config.training.maskFirstAttempt);
    return resumable({
      done: () => existsSync(files.stats),
      load: async () => {
        recorded(readJsonDecoded(files.stats, RecordedUsage));
        return mask(await readJsonlDecoded(files.train, TrainingExample));
      },
      run: async () => {
        onEvent?.({ type: "step-start", method: "tripost", iteration, step: "collect" });
        const student = dependencies.openStudent(checkpoint);
        const before = meter.snapshot();
        try {
          const result = await collectToDirectory(files, student.model, expert, trainProblems, journals, {
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
              onEvent?.({
                type: "progress",
                step: "collect",
                done,
                total: dependencies.trainCount ?? total,
                note: `pass ${pass + 1}, rejected ${rejected}`,
              }),
            resume,
            studentLabel: { stage: "rollout", model: STUDENT },
            // `train.jsonl` holds the examples as they are trained on (masked or not).
            keepExamples: false,
            trainTransform: (example) => mask([example])[0] as TrainingExample,
          });
          // The rollouts' and the expert's calls (the expert's model is counted by the same meter).
          const spent = usageSince(meter.snapshot(), before).served;
          usage.push(spent);
          writeJsonAtomic(files.stats, { iteration, ...result.stats, usage: usageReport(spent) });
          const examples = await readJsonlDecoded(files.train, TrainingExample);
          onEvent?.({
            type: "step-end",
            method: "tripost",
            iteration,
            step: "collect",
            summary: `${result.trajectories} trajectories, ${result.rejections} rejections, ${examples.length} examples (p = ${
              result.stats.rebalance.p.toFixed(2)
            })`,
          });
          return examples;
        } finally {
          await student.close();
        }
      },
    }, { resume, onSkip: skip("tripost", iteration, "collect") });
  }

  /**
   * A baseline's data of `iteration`, sized to TriPosT's `count` (`train.jsonl` marks it done):
   * the gold rationales (ft-rationale) or the student's own correct samples (lmsi).
   */
  function baselineDataStep(baseline: BaselineName, iteration: number, checkpoint: string, count: number): Promise<TrainingExample[]> {
    const files = layout.baseline(iteration, baseline);
    return resumable({
      done: () => existsSync(files.train),
      load: async () => {
        if (existsSync(files.stats)) recorded(readJsonDecoded(files.stats, RecordedUsage));
        return await readJsonlDecoded(files.train, TrainingExample);
      },
      run: async () => {
        onEvent?.({ type: "step-start", method: baseline, iteration, step: "collect" });
        mkdirSync(files.directory, { recursive: true });
        const rejections: Rejection[] = [];
        const onRejection = (rejection: Rejection) => rejections.push(rejection);
        let raw: TrainingExample[];
        // The baselines take the problems whole (LMSI's duplicate texts span all of them).
        const problems = await problemArray(trainProblems);
        if (baseline === "ft-rationale") {
          raw = ftRationaleExamples(problems, { task, format, onRejection });
        } else {
          const student = dependencies.openStudent(checkpoint);
          const before = meter.snapshot();
          try {
            raw = await journals.within(files.journal, resume, (journal) =>
              lastValueFrom(lmsi(meter.journaled({ stage: "lmsi", model: STUDENT }, student.model, journal), problems, {
                task,
                format,
                temperature: config.temperatures.lmsi,
                maxTokens: config.maxTokens.rollout,
                seed: config.seed + iteration,
                concurrency: config.concurrency,
                isFatal,
                onRejection,
              })));
          } finally {
            await student.close();
          }
          const spent = usageSince(meter.snapshot(), before).served;
          usage.push(spent);
          writeJsonAtomic(files.stats, { iteration, method: baseline, usage: usageReport(spent) });
        }
        const examples = raw.length === 0 ? [] : sizeToMatch(raw, count, createPrng(baselineSeed(config.seed, iteration, baseline)));
        await writeJsonl(files.rejections, rejections);
        await writeJsonl(files.train, examples);
        onEvent?.({
          type: "step-end",
          method: baseline,
          iteration,
          step: "collect",
          summary: `${raw.length} distinct examples, ${examples.length} after matching TriPosT's size`,
        });
        return examples;
      },
    }, { resume, onSkip: skip(baseline, iteration, "collect") });
  }

  /**
   * Replay: trains `method`'s student of `iteration` with the config's `training` settings, the
   * same for TriPosT and the baselines: from `previous` (its last checkpoint) or M0
   * (`init: "m0"`), with the starting checkpoint's Adam state (`optimizerState: "carry"`) or a
   * new one (`"fresh"`). `checkpoint/weights.bin` marks it done.
   */
  function replayStep(
    method: MethodName,
    iteration: number,
    previous: string,
    examples: readonly TrainingExample[],
    steps: number,
    files: MethodLayout,
  ): Promise<string> {
    const from = config.training.init === "m0" ? dependencies.initialCheckpoint : previous;
    return resumable({
      done: () => existsSync(join(files.checkpoint, "weights.bin")),
      load: () => files.checkpoint,
      run: async () => {
        rmSync(files.checkpoint, { recursive: true, force: true });
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
        await saveCheckpoint(files.checkpoint, result.student);
        onEvent?.({
          type: "step-end",
          method,
          iteration,
          step: "train",
          summary: `${result.steps} steps, loss ${result.finalLoss.toFixed(3)}, ${Math.round(result.tokensPerSecond)} tokens/s`,
        });
        return files.checkpoint;
      },
    }, { resume, onSkip: skip(method, iteration, "train") });
  }

  /** TriPosT's replay: the embedded trainer, or the external one (whose steps are its own: 0 in the table). */
  async function replayTriPosT(iteration: number, previous: string, examples: TrainingExample[]): Promise<{ student: string; steps: number }> {
    const files = layout.iteration(iteration);
    if (dependencies.trainExternally === undefined) {
      const steps = stepsFor(examples.length);
      return { student: await replayStep("tripost", iteration, previous, examples, steps, files), steps };
    }
    const student = await dependencies.trainExternally({
      iteration,
      from: previous,
      ...(config.training.init === "m0" ? { base: dependencies.initialCheckpoint } : {}),
      examples,
      directory: files.directory,
      resume,
    });
    return { student, steps: 0 };
  }

  /** One iteration: collect → post-process → replay → evaluate, for TriPosT, then each baseline with its own data. */
  async function iterationStep(state: LoopState, iteration: number): Promise<LoopState> {
    const files = layout.iteration(iteration);
    mkdirSync(files.directory, { recursive: true });
    const examples = await collectStep(iteration, state.students.tripost);
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
      return { ...state, ended: true };
    }
    if (examples.length === 0) throw new Error(`Cannot train in iteration ${iteration} as the collection produced no training examples`);
    const tripost = await replayTriPosT(iteration, state.students.tripost, examples);
    const metrics = await evaluateStep("tripost", iteration, tripost.student, files.eval);
    const students: Record<MethodName, string> = { ...state.students, tripost: tripost.student };
    const rows = [...state.rows, resultRow("tripost", iteration, metrics, examples.length, tripost.steps)];
    // The baselines, at the same number of examples and steps.
    for (const baseline of config.baselines) {
      const baselineFiles = layout.baseline(iteration, baseline);
      mkdirSync(baselineFiles.directory, { recursive: true });
      const data = await baselineDataStep(baseline, iteration, state.students[baseline], examples.length);
      if (data.length === 0) throw new Error(`Cannot train the ${baseline} baseline in iteration ${iteration} as it has no training examples`);
      const steps = stepsFor(examples.length);
      students[baseline] = await replayStep(baseline, iteration, state.students[baseline], data, steps, baselineFiles);
      const baselineMetrics = await evaluateStep(baseline, iteration, students[baseline], baselineFiles.eval);
      rows.push(resultRow(baseline, iteration, baselineMetrics, data.length, steps));
    }
    return { students, rows, ended: false };
  }

  return { evaluate: evaluateStep, iteration: iterationStep, usage };
}

/** The problems of a source as an array (a function source read once). */
async function problemArray(source: ProblemSource): Promise<readonly Problem[]> {
  if (typeof source !== "function") return source;
  const problems: Problem[] = [];
  for await (const problem of source()) problems.push(problem);
  return problems;
}

function pct(value: number | null): string {
  return value === null ? "—" : `${(100 * value).toFixed(1)}%`;
}
