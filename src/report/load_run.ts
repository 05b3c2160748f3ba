/**
 * Reading a finished (or partly finished) run directory into the {@linkcode RunData} a report is
 * rendered from. Every file is decoded with its codec; a bad file is named in the error.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import { JournalEntry } from "../codecs/journal_entry.js";
import { Rejection } from "../codecs/rejection.js";
import { TrainingExample } from "../codecs/training_example.js";
import { Trajectory } from "../codecs/trajectory.js";
import { UsageReport } from "../codecs/metrics.js";

/** One row of the run's `metrics.json`: a method's scores after an iteration. */
export const ReportRow = t.intersection([
  t.type({
    method: t.string,
    iteration: t.number,
    seen: t.union([t.number, t.null]),
    unseen: t.union([t.number, t.null]),
    total: t.union([t.number, t.null]),
    selfImprovementFrequency: t.number,
    selfImprovementContribution: t.number,
  }),
  t.partial({ examples: t.number, steps: t.number }),
], "ReportRow");
export type ReportRow = t.TypeOf<typeof ReportRow>;

/** The run's `metrics.json`. */
export const RunMetricsFile = t.intersection([
  t.type({ rows: t.array(ReportRow) }),
  t.partial({ task: t.string, seed: t.number, usage: UsageReport }),
], "RunMetricsFile");

/** A line of the run's `timings.jsonl`: one finished step and its wall time. */
export const StepTiming = t.type({ method: t.string, iteration: t.number, step: t.string, ms: t.number }, "StepTiming");

/** The run's `versions.json`: package and runtime versions by name. */
export const RunVersions = t.record(t.string, t.string, "RunVersions");

const Counts = t.record(t.string, t.number);

/** The parts of an iteration's `stats.json` the report shows. */
export const IterationStats = t.intersection([
  t.type({
    rebalance: t.intersection([
      t.type({ improvement: t.number, terminal: t.number, correct: t.number, gold: t.number, p: t.union([t.number, t.null]) }),
      t.partial({ duplicatesRemoved: t.number, goldAvailable: t.number, nonImprovementAvailable: t.number }),
    ]),
  }),
  t.partial({ problems: t.number, passes: t.number, outcomes: Counts, rejections: Counts, examplesBeforeRebalance: Counts }),
], "IterationStats");
export type IterationStats = t.TypeOf<typeof IterationStats>;

/** What one TriPosT iteration directory holds, as far as the report needs it. */
export interface IterationData {
  readonly iteration: number;
  readonly stats?: IterationStats;
  /** Rejections of every pass, counted by type. */
  readonly rejectionsByType: Readonly<Record<string, number>>;
  /** A few edited trajectories (those with an expert-written part first). */
  readonly trajectories: readonly Trajectory[];
  /** The training examples of those trajectories (ids `<trajectory id>@…` or `<trajectory id>#…`). */
  readonly examples: readonly TrainingExample[];
}

/** Model calls journaled by one step of the run, per model: how many and their tokens. */
export interface ModelCallCount {
  /** The journal's folder relative to the run, e.g. `iteration-1` (TriPosT's collection) or `iteration-1/lmsi`. */
  readonly step: string;
  readonly model: string;
  readonly calls: number;
  /** Calls whose response reported its token usage (the token sums cover these only). */
  readonly callsWithUsage: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Everything a report shows of a run. */
export interface RunData {
  readonly directory: string;
  /** The run's `config.json` as written (credentials never are). */
  readonly config: unknown;
  readonly task?: string;
  readonly seed?: number;
  readonly rows: readonly ReportRow[];
  readonly iterations: readonly IterationData[];
  /** Journaled model calls per step and model, in step order. */
  readonly calls: readonly ModelCallCount[];
  /** Model calls and tokens of the whole run by stage and model (`metrics.json`), when recorded. */
  readonly usage?: UsageReport;
  /** The versions the run ran with (`versions.json`), when recorded. */
  readonly versions?: Readonly<Record<string, string>>;
  /** Wall time of each finished step (`timings.jsonl`; a step run again after a resume counts once, its last run). */
  readonly timings: readonly t.TypeOf<typeof StepTiming>[];
}

/** A run directory that cannot be read: the file (relative to the run) and why. */
export interface LoadRunError {
  readonly type: "load-run-error";
  readonly file: string;
  /** 1-based line, for JSONL files. */
  readonly line?: number;
  readonly message: string;
}

/** Options for {@linkcode loadRun}. */
export interface LoadRunOptions {
  /** How many example trajectories to keep per iteration. @default {3} */
  readonly examplesPerIteration?: number;
}

class LoadFailure extends Error {
  constructor(readonly detail: LoadRunError) {
    super(detail.message);
  }
}

function fail(directory: string, path: string, message: string, line?: number): never {
  throw new LoadFailure({ type: "load-run-error", file: relative(directory, path) || path, message, ...(line === undefined ? {} : { line }) });
}

function readJsonFile<C extends t.Any>(directory: string, path: string, codec: C): t.TypeOf<C> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (error) {
    fail(directory, path, error instanceof Error ? error.message : String(error));
  }
  const decoded = decodeWith(codec)(value);
  if (E.isLeft(decoded)) fail(directory, path, describeFailure(decoded.left));
  return decoded.right as t.TypeOf<C>;
}

function readJsonlFile<C extends t.Any>(
  directory: string,
  path: string,
  codec: C,
  options: { readonly skipMalformed?: boolean } = {},
): t.TypeOf<C>[] {
  if (!existsSync(path)) return [];
  const records: t.TypeOf<C>[] = [];
  readFileSync(path, "utf8").split("\n").forEach((text, index) => {
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      if (options.skipMalformed === true) return;
      fail(directory, path, error instanceof Error ? error.message : String(error), index + 1);
    }
    const decoded = decodeWith(codec)(value);
    if (E.isLeft(decoded)) fail(directory, path, describeFailure(decoded.left), index + 1);
    records.push(decoded.right as t.TypeOf<C>);
  });
  return records;
}

function iterationNumbers(directory: string): number[] {
  return readdirSync(directory)
    .flatMap((name) => {
      const match = /^iteration-(\d+)$/.exec(name);
      return match === null ? [] : [Number(match[1])];
    })
    .filter((iteration) => iteration > 0)
    .sort((left, right) => left - right);
}

function pickTrajectories(trajectories: readonly Trajectory[], count: number): Trajectory[] {
  // Edited trajectories first (several turns, an expert-written part), in file order otherwise.
  function score(trajectory: Trajectory): number {
    return (trajectory.turns.length > 1 ? 2 : 0) + (trajectory.turns.some((turn) => turn.by.attempt === "expert") ? 1 : 0);
  }
  return trajectories
    .map((trajectory, index) => ({ trajectory, index, score: score(trajectory) }))
    .sort((left, right) => right.score - left.score || left.index - right.index)
    .slice(0, count)
    .map((entry) => entry.trajectory);
}

function countCalls(directory: string, folder: string): ModelCallCount[] {
  const step = relative(directory, folder);
  const byModel = new Map<string, { calls: number; callsWithUsage: number; promptTokens: number; completionTokens: number }>();
  // A journal may hold a line cut by a kill and, after a resume, the same call twice: count each
  // (key, sample) once and skip lines that are not JSON.
  const seen = new Set<string>();
  for (const entry of readJsonlFile(directory, join(folder, "journal.jsonl"), JournalEntry, { skipMalformed: true })) {
    const id = JSON.stringify([entry.key, entry.sample]);
    if (seen.has(id)) continue;
    seen.add(id);
    const model = entry.response.model ?? "unknown";
    const count = byModel.get(model) ?? { calls: 0, callsWithUsage: 0, promptTokens: 0, completionTokens: 0 };
    count.calls += 1;
    if (entry.response.usage !== undefined) {
      count.callsWithUsage += 1;
      count.promptTokens += entry.response.usage.promptTokens;
      count.completionTokens += entry.response.usage.completionTokens;
    }
    byModel.set(model, count);
  }
  return [...byModel.entries()].sort(([left], [right]) => left.localeCompare(right)).map(([model, count]) => ({ step, model, ...count }));
}

function journalFolders(directory: string, iteration: number): string[] {
  const folder = join(directory, `iteration-${iteration}`);
  const subfolders = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(folder, name));
  return [folder, ...subfolders].filter((candidate) => existsSync(join(candidate, "journal.jsonl")));
}

function loadIteration(directory: string, iteration: number, count: number): IterationData {
  const folder = join(directory, `iteration-${iteration}`);
  const statsPath = join(folder, "stats.json");
  const stats = existsSync(statsPath) ? readJsonFile(directory, statsPath, IterationStats) : undefined;
  const rejectionFiles = [join(folder, "rejections.jsonl")];
  for (const name of readdirSync(folder).sort()) {
    if (/^pass-\d+$/.test(name)) rejectionFiles.push(join(folder, name, "rejections.jsonl"));
  }
  const rejectionsByType: Record<string, number> = {};
  for (const file of rejectionFiles) {
    for (const rejection of readJsonlFile(directory, file, Rejection)) {
      rejectionsByType[rejection.type] = (rejectionsByType[rejection.type] ?? 0) + 1;
    }
  }
  const trajectories = pickTrajectories(readJsonlFile(directory, join(folder, "trajectories.jsonl"), Trajectory), count);
  const wanted = trajectories.map((trajectory) => trajectory.id);
  const examples = readJsonlFile(directory, join(folder, "train.jsonl"), TrainingExample).filter((example) =>
    wanted.some((id) => example.id.startsWith(`${id}@`) || example.id.startsWith(`${id}#`))
  );
  return { iteration, ...(stats === undefined ? {} : { stats }), rejectionsByType, trajectories, examples };
}

/**
 * Reads the run directory `directory`: `config.json`, `metrics.json` (its `rows`), and for each
 * `iteration-t/` (t ≥ 1) `stats.json`, the rejections of every pass, a few trajectories and their
 * training examples, and the journaled model calls (`journal.jsonl` of the iteration and of its
 * baselines) counted per model. Missing optional files are skipped; an unreadable or invalid file is a
 * {@linkcode LoadRunError} naming it (and the line, for JSONL).
 *
 * @example Load a run
 * ```ts
 * const run = loadRun("runs/seed-0");
 * if (E.isRight(run)) console.log(run.right.rows.length);
 * ```
 */
export function loadRun(directory: string, options: LoadRunOptions = {}): E.Either<LoadRunError, RunData> {
  const count = options.examplesPerIteration ?? 3;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Cannot load a run as 'examplesPerIteration' must be a non-negative integer: current value is ${count}`);
  }
  try {
    if (!existsSync(directory)) fail(directory, directory, "no such run directory");
    const configPath = join(directory, "config.json");
    if (!existsSync(configPath)) fail(directory, configPath, "missing: not a run directory");
    const config = readJsonFile(directory, configPath, t.unknown);
    const metricsPath = join(directory, "metrics.json");
    if (!existsSync(metricsPath)) fail(directory, metricsPath, "missing: the run has not finished");
    const metrics = readJsonFile(directory, metricsPath, RunMetricsFile);
    const seedOfConfig = typeof config === "object" && config !== null && typeof (config as { seed?: unknown }).seed === "number"
      ? (config as { seed: number }).seed
      : undefined;
    const seed = metrics.seed ?? seedOfConfig;
    const taskOfConfig = typeof config === "object" && config !== null && typeof (config as { task?: unknown }).task === "string"
      ? (config as { task: string }).task
      : undefined;
    const task = metrics.task ?? taskOfConfig;
    const numbers = iterationNumbers(directory);
    const iterations = numbers.map((iteration) => loadIteration(directory, iteration, count));
    const calls = numbers.flatMap((iteration) => journalFolders(directory, iteration).flatMap((folder) => countCalls(directory, folder)));
    const versionsPath = join(directory, "versions.json");
    const versions = existsSync(versionsPath) ? readJsonFile(directory, versionsPath, RunVersions) : undefined;
    const lastTimings = new Map<string, t.TypeOf<typeof StepTiming>>();
    for (const timing of readJsonlFile(directory, join(directory, "timings.jsonl"), StepTiming)) {
      lastTimings.set(`${timing.method}/${timing.iteration}/${timing.step}`, timing);
    }
    return E.right({
      directory,
      config,
      ...(task === undefined ? {} : { task }),
      ...(seed === undefined ? {} : { seed }),
      rows: metrics.rows,
      iterations,
      calls,
      ...(metrics.usage === undefined ? {} : { usage: metrics.usage }),
      ...(versions === undefined ? {} : { versions }),
      timings: [...lastTimings.values()],
    });
  } catch (error) {
    if (error instanceof LoadFailure) return E.left(error.detail);
    return E.left({ type: "load-run-error", file: directory, message: error instanceof Error ? error.message : String(error) });
  }
}
