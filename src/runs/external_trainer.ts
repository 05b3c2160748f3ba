/**
 * External trainers in the TriPosT loop (README "External trainers"): after an iteration's
 * collection, its training set is exported in the format the trainer reads
 * (`iteration-t/train.<format>.jsonl`), the user's command runs (an argv array, no shell) with
 * `{data}`, `{out}`, `{iteration}`, `{base}`, `{run}`, `{seed}`, `{export}` and the `training`
 * settings (`{mask_first_attempt}`, `{init}`, `{optimizer_state}`, `{warmup}`, `{min_lr_ratio}`)
 * substituted and the same values in `TRIPOST_DATA`, `TRIPOST_OUT`, … , and its output directory
 * (`iteration-t/model/`) becomes the next student through a {@linkcode Reloader}: the checkpoint
 * of an embedded student, a LoRA adapter loaded into a vLLM server under one stable name, a new
 * served model name, or the same name.
 *
 * The command's stdout and stderr go, line by line and prefixed, to `output` and in full to
 * `iteration-t/trainer.log`. A command that exits non-zero, dies of a signal, or outlives its
 * timeout fails the run with a {@linkcode RunError} naming the command, the exit code or signal
 * and its last lines. A finished command is recorded in `iteration-t/trainer.done.json`, so a
 * resumed run does not train again (it reloads the recorded output).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ExportTarget, ResolvedRunConfig, ResolvedTrainer } from "../codecs/config.js";
import { DEFAULT_CONFIG, TRAINER_PLACEHOLDERS } from "../codecs/config.js";
import type { TrainingExample } from "../codecs/training_example.js";
import { RunError } from "../errors.js";
import type { ExportTextFormat } from "../exports/_split.js";
import { toOpenAiChat } from "../exports/to_openai_chat.js";
import { toSpansRow } from "../exports/to_spans_row.js";
import { toTripostRow } from "../exports/to_tripost_row.js";
import { toTrlRow } from "../exports/to_trl_row.js";
import { loadCheckpoint, describeCheckpointError } from "../models/student/checkpoint.js";
import { initTfjs } from "../models/student/tfjs.js";
import { loadLoraAdapter } from "../models/vllm_lora.js";
import { writeJsonl } from "../streams/write_jsonl.js";

// ---------------------------------------------------------------------------------------------
// exporting

/** The rows of an exported training set and what the export loses. */
export interface ExportedTrainingSet {
  readonly rows: readonly unknown[];
  /** One line on the fidelity of the export (as `tripost export` prints it). */
  readonly note: string;
}

/** Options for {@linkcode exportTrainingSet}. */
export interface ExportTrainingSetOptions {
  /** The seed of the `openai` up-sampling. @default {0} */
  readonly seed?: number | string;
  /** The texts' format. @default {detected per text} */
  readonly format?: ExportTextFormat;
}

/**
 * Exports training examples with the exporters of `src/exports` (the same rows as
 * `tripost export --to target`).
 *
 * @throws {RunError} when an example cannot be exported (its id and field named)
 *
 * @example
 * ```ts
 * const { rows } = exportTrainingSet([{ id: "a", kind: "gold", text: "1+1=\n2", weightFrom: 5, weight: 1 }], "spans");
 * assertEquals(rows.length, 1);
 * ```
 */
export function exportTrainingSet(
  examples: readonly TrainingExample[],
  target: ExportTarget,
  options: ExportTrainingSetOptions = {},
): ExportedTrainingSet {
  const formatOption = options.format === undefined ? {} : { format: options.format };
  const cannot = (index: number, field: string, message: string) =>
    new RunError(`Cannot export the training example '${examples[index]?.id ?? index}' for the trainer (${target}): field '${field}': ${message}`);
  if (target === "openai") {
    const exported = toOpenAiChat(examples, { seed: options.seed ?? 0, ...formatOption });
    if (E.isLeft(exported)) throw cannot(exported.left.index, exported.left.field, exported.left.message);
    const { rows, extraRows, dropped } = exported.right;
    return {
      rows,
      note: `openai: w approximated by up-sampling, ${examples.length} examples → ${rows.length} rows (${extraRows} extra copies, ${dropped} dropped)`,
    };
  }
  if (target === "tripost") {
    const rows = examples.map((example, index) => {
      const row = toTripostRow(example, formatOption);
      if (E.isLeft(row)) throw cannot(index, row.left.field, row.left.message);
      return row.right;
    });
    return { rows, note: "tripost: one global w (text_att_start_text); per-example weights only in meta_data" };
  }
  if (target === "trl") {
    return { rows: examples.map((example) => toTrlRow(example, formatOption)), note: "trl: prompt–completion rows, no weights" };
  }
  return { rows: examples.map(toSpansRow), note: "spans: exact per-character weights" };
}

// ---------------------------------------------------------------------------------------------
// placeholders

/** The values of the trainer's placeholders (`{data}` …) for one iteration. */
export type TrainerValues = Readonly<Record<(typeof TRAINER_PLACEHOLDERS)[number], string>>;

/**
 * Replaces every `{name}` of `values` in `template`; other braces are left as they are (the
 * config decoder has already refused unknown `{names}`).
 *
 * @example
 * ```ts
 * assertEquals(substitute("--out={out}", { out: "/r/model" }), "--out=/r/model");
 * ```
 */
export function substitute(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] as string) : whole));
}

/** The environment variables of the placeholders: `TRIPOST_DATA`, `TRIPOST_OUT`, … */
export function trainerEnvironment(values: TrainerValues): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [`TRIPOST_${name.toUpperCase()}`, value]));
}

// ---------------------------------------------------------------------------------------------
// running the command

/** How a trainer command ended. */
export interface TrainerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether it was killed for outliving its timeout. */
  readonly timedOut: boolean;
  /** Its last lines of output (stdout and stderr, in arrival order). */
  readonly lastLines: readonly string[];
  readonly durationMs: number;
}

/** Options for {@linkcode runTrainerCommand}. */
export interface RunTrainerCommandOptions {
  /** The working directory. @default {process.cwd()} */
  readonly cwd?: string;
  /** The whole environment of the command. @default {process.env} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kill the command (SIGTERM, then SIGKILL 5 s later) after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Receives each line of output, stdout and stderr alike. */
  readonly onLine?: (line: string) => void;
  /** A file that receives the whole output. */
  readonly logPath?: string;
  /** How many last lines to keep for the error message. @default {20} */
  readonly keepLines?: number;
}

/**
 * Runs `argv` without a shell and resolves when it ends, however it ends.
 *
 * @throws {RunError} when the program cannot be started (not found, not executable)
 */
export function runTrainerCommand(argv: readonly string[], options: RunTrainerCommandOptions = {}): Promise<TrainerExit> {
  const { cwd = process.cwd(), env = process.env, timeoutMs, onLine, logPath, keepLines = 20 } = options;
  const [program, ...rest] = argv;
  if (program === undefined) return Promise.reject(new RunError("Cannot run the trainer as its command is empty"));
  const started = Date.now();
  const lastLines: string[] = [];
  const log = logPath === undefined ? undefined : createWriteStream(logPath);
  const childEnv = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return new Promise<TrainerExit>((resolveExit, reject) => {
    const child = spawn(program, rest, { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 5000);
      killTimer.unref();
    }, timeoutMs);
    function lineReader(): { push(chunk: string): void; end(): void } {
      let pending = "";
      const emit = (line: string) => {
        // Whole lines, so that stdout and stderr do not merge within a line of the log.
        log?.write(`${line}\n`);
        lastLines.push(line);
        if (lastLines.length > keepLines) lastLines.shift();
        onLine?.(line);
      };
      return {
        push(chunk) {
          pending += chunk;
          const lines = pending.split(/\r?\n/);
          pending = lines.pop() ?? "";
          for (const line of lines) emit(line);
        },
        end() {
          if (pending !== "") emit(pending);
          pending = "";
        },
      };
    }
    const out = lineReader();
    const err = lineReader();
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => out.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => err.push(chunk));
    function finish(): void {
      if (timer !== undefined) clearTimeout(timer);
      if (killTimer !== undefined) clearTimeout(killTimer);
    }
    child.on("error", (error: NodeJS.ErrnoException) => {
      finish();
      log?.end();
      const reason = error.code === "ENOENT" ? "it is not found" : error.code === "EACCES" ? "it is not executable" : error.message;
      reject(new RunError(`Cannot start the trainer '${program}' as ${reason} (working directory '${cwd}')`, { cause: error }));
    });
    child.on("close", (code, signal) => {
      finish();
      out.end();
      err.end();
      const result: TrainerExit = { code, signal, timedOut, lastLines, durationMs: Date.now() - started };
      if (log === undefined) resolveExit(result);
      else log.end(() => resolveExit(result));
    });
  });
}

/** A one-argument-per-word rendering of a command for messages: arguments with spaces quoted. */
export function showCommand(argv: readonly string[]): string {
  return argv.map((argument) => (/^[\w@%+=:,./-]+$/.test(argument) ? argument : JSON.stringify(argument))).join(" ");
}

// ---------------------------------------------------------------------------------------------
// reloading

/** What a reloader is given: the iteration, the trainer's output directory, the student it started from. */
export interface ReloadRequest {
  readonly iteration: number;
  readonly out: string;
  /** The student reference of the iteration's start (checkpoint path or served model name). */
  readonly from: string;
}

/** Makes the trainer's output the student; resolves to the next student reference. */
export type Reloader = (request: ReloadRequest) => Promise<string>;

/** An embedded student: the output directory is the next checkpoint (checked to load). */
export function embeddedReloader(): Reloader {
  return async ({ out, iteration }) => {
    await initTfjs();
    const loaded = await loadCheckpoint(out);
    if (E.isLeft(loaded)) {
      throw new RunError(`Cannot use the trainer's output of iteration ${iteration} as the embedded student: ${describeCheckpointError(loaded.left)}`);
    }
    return out;
  };
}

/** Options for {@linkcode vllmLoraReloader}. */
export interface VllmLoraReloaderOptions {
  /** The student server's OpenAI base URL (ending in `/v1`). */
  readonly baseUrl: string;
  /** The stable adapter name. */
  readonly name: string;
  /** The `lora_path` template (`{out}`, `{iteration}`). @default {"{out}"} */
  readonly pathTemplate?: string;
  /** The student's API key, if its server wants one. */
  readonly apiKey?: string;
  /** Timeout of the load call, in milliseconds. @default {300000} */
  readonly timeoutMs?: number;
}

/**
 * A student on a vLLM server: the output directory is loaded in place as a LoRA adapter under
 * one stable name, which becomes the student's model name.
 */
export function vllmLoraReloader(options: VllmLoraReloaderOptions): Reloader {
  const { baseUrl, name, pathTemplate = "{out}", apiKey, timeoutMs } = options;
  return async ({ out, iteration }) => {
    const path = substitute(pathTemplate, { out, iteration: String(iteration) });
    await loadLoraAdapter(baseUrl, name, path, {
      inplace: true,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    return name;
  };
}

/** A new model served elsewhere each iteration: the name template with `{iteration}` filled in. */
export function namedModelReloader(template: string): Reloader {
  return ({ iteration }) => Promise.resolve(substitute(template, { iteration: String(iteration) }));
}

/** The same model name (the user's server reloads by itself). */
export function sameModelReloader(): Reloader {
  return ({ from }) => Promise.resolve(from);
}

// ---------------------------------------------------------------------------------------------
// the loop step

/** The file that records a finished trainer in an iteration folder. */
export const TRAINER_DONE_FILE = "trainer.done.json";

/** The trainer's output directory in an iteration folder (`{out}`). */
export const TRAINER_OUT_DIRECTORY = "model";

/** What `trainer.done.json` holds. */
export interface TrainerDone {
  readonly iteration: number;
  /** The command as run (placeholders substituted). */
  readonly command: readonly string[];
  readonly data: string;
  readonly out: string;
  readonly export: ExportTarget;
  readonly examples: number;
  readonly rows: number;
  readonly durationMs: number;
}

/** A step of the trainer, for progress output. */
export type TrainerEvent =
  | { readonly type: "start"; readonly iteration: number; readonly command: string }
  | { readonly type: "skip"; readonly iteration: number; readonly out: string }
  | { readonly type: "end"; readonly iteration: number; readonly summary: string };

/** What the loop hands to the trainer in an iteration. */
export interface ExternalTrainingRequest {
  readonly iteration: number;
  /** The student the iteration collected with (checkpoint path or served model name). */
  readonly from: string;
  /**
   * The student training starts from (`{base}`), when it is not the previous iteration's output:
   * M0 under `training.init: "m0"`.
   * @default {the previous iteration's output; `from` in the first iteration}
   */
  readonly base?: string;
  readonly examples: readonly TrainingExample[];
  /** The iteration folder. */
  readonly directory: string;
  /** Reuse a trainer recorded as finished. */
  readonly resume: boolean;
}

/** Trains and reloads the student of one iteration; resolves to the next student reference. */
export type ExternalTrainingStep = (request: ExternalTrainingRequest) => Promise<string>;

/** The `training` settings an external trainer is told of (its placeholders). */
export type TrainerTrainingSettings = Pick<ResolvedRunConfig["training"], "maskFirstAttempt" | "init" | "optimizerState" | "warmup" | "minLrRatio">;

/**
 * The placeholder values of the `training` settings: `mask_first_attempt` (`true`/`false`),
 * `init`, `optimizer_state`, `warmup` and `min_lr_ratio` as written in the config.
 *
 * @example
 * ```ts
 * assertEquals(trainingValues(DEFAULT_CONFIG.training).mask_first_attempt, "false");
 * ```
 */
export function trainingValues(training: TrainerTrainingSettings): Pick<TrainerValues, "mask_first_attempt" | "init" | "optimizer_state" | "warmup" | "min_lr_ratio"> {
  return {
    mask_first_attempt: String(training.maskFirstAttempt),
    init: training.init,
    optimizer_state: training.optimizerState,
    warmup: String(training.warmup),
    min_lr_ratio: String(training.minLrRatio),
  };
}

/** Options for {@linkcode externalTrainer}. */
export interface ExternalTrainerOptions {
  readonly trainer: ResolvedTrainer;
  /**
   * The run's `training` settings, passed on as placeholders (`maskFirstAttempt` is also in the
   * exported data, and `init` in `{base}`, which the loop sets).
   * @default {DEFAULT_CONFIG.training}
   */
  readonly training?: TrainerTrainingSettings;
  /** Makes the output the student. */
  readonly reload: Reloader;
  /** The run directory (`{run}`). */
  readonly runDirectory: string;
  /** The run's seed (`{seed}`, and the seed of the `openai` up-sampling with the iteration). */
  readonly seed: number;
  /** The texts' format. @default {detected per text} */
  readonly format?: ExportTextFormat;
  /** The environment the command inherits (the placeholders' variables are added). @default {process.env} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The directory a relative `trainer.cwd` is resolved from, and the default one. @default {process.cwd()} */
  readonly cwd?: string;
  /** Receives the trainer's output lines, prefixed `[trainer <t>] `; none when absent (`--quiet`). */
  readonly output?: (line: string) => void;
  /** Receives the steps. */
  readonly onEvent?: (event: TrainerEvent) => void;
}

function readDone(path: string): TrainerDone | undefined {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<TrainerDone>;
    return typeof value.out === "string" && existsSync(value.out) ? (value as TrainerDone) : undefined;
  } catch {
    return undefined;
  }
}

function describeExit(exit: TrainerExit, timeoutMs: number | undefined): string {
  if (exit.timedOut) return `was killed after its timeout of ${timeoutMs} ms`;
  if (exit.signal !== null) return `was killed by the signal ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/**
 * The loop step of an external trainer: export, run the command, record it, reload. The
 * `{base}` of iteration 1 is the starting student (a checkpoint path, or the served model name);
 * of a later iteration, the previous iteration's output directory, or the request's `base`
 * (M0 under `training.init: "m0"`).
 *
 * @throws {RunError} when the export fails, the command cannot start, ends in failure or writes
 * nothing, or the reload fails
 */
export function externalTrainer(options: ExternalTrainerOptions): ExternalTrainingStep {
  const { trainer, reload, runDirectory, seed, format, env = process.env, cwd = process.cwd(), output, onEvent, training = DEFAULT_CONFIG.training } = options;
  const workingDirectory = resolve(cwd, trainer.cwd ?? ".");
  let previousOut: string | undefined;
  return async ({ iteration, from, base, examples, directory, resume }) => {
    const out = join(directory, TRAINER_OUT_DIRECTORY);
    const donePath = join(directory, TRAINER_DONE_FILE);
    const recorded = resume ? readDone(donePath) : undefined;
    if (recorded !== undefined) {
      onEvent?.({ type: "skip", iteration, out: recorded.out });
      previousOut = recorded.out;
      return reload({ iteration, out: recorded.out, from });
    }
    const data = join(directory, `train.${trainer.export}.jsonl`);
    const exported = exportTrainingSet(examples, trainer.export, { seed: `${seed}/${iteration}`, ...(format === undefined ? {} : { format }) });
    await writeJsonl(data, exported.rows);
    const values: TrainerValues = {
      data,
      out,
      iteration: String(iteration),
      base: base ?? previousOut ?? from,
      run: runDirectory,
      seed: String(seed),
      export: trainer.export,
      ...trainingValues(training),
    };
    const argv = trainer.command.map((argument) => substitute(argument, values));
    rmSync(donePath, { force: true });
    rmSync(out, { recursive: true, force: true });
    onEvent?.({ type: "start", iteration, command: showCommand(argv) });
    const prefix = `[trainer ${iteration}] `;
    const exit = await runTrainerCommand(argv, {
      cwd: workingDirectory,
      env: { ...env, ...trainerEnvironment(values) },
      ...(trainer.timeoutMs === undefined ? {} : { timeoutMs: trainer.timeoutMs }),
      logPath: join(directory, "trainer.log"),
      ...(output === undefined ? {} : { onLine: (line: string) => output(`${prefix}${line}`) }),
    });
    if (exit.timedOut || exit.signal !== null || exit.code !== 0) {
      const tail = exit.lastLines.length === 0 ? " It wrote nothing." : `\nIts last lines:\n${exit.lastLines.map((line) => `  | ${line}`).join("\n")}`;
      throw new RunError(
        `Cannot continue the run as the trainer of iteration ${iteration} ${describeExit(exit, trainer.timeoutMs)}: ` +
          `${showCommand(argv)} (in '${workingDirectory}'; full output in '${join(directory, "trainer.log")}').${tail}`,
      );
    }
    if (!existsSync(out) || readdirSync(out).length === 0) {
      throw new RunError(
        `Cannot continue the run as the trainer of iteration ${iteration} exited with code 0 but wrote nothing to its output directory '${out}' ({out}): ${showCommand(argv)}`,
      );
    }
    const done: TrainerDone = {
      iteration,
      command: argv,
      data,
      out,
      export: trainer.export,
      examples: examples.length,
      rows: exported.rows.length,
      durationMs: exit.durationMs,
    };
    const temporary = `${donePath}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(done, null, 2)}\n`);
    renameSync(temporary, donePath);
    previousOut = out;
    const next = await reload({ iteration, out, from });
    onEvent?.({
      type: "end",
      iteration,
      summary: `${exported.rows.length} ${trainer.export} rows (${exported.note}), trained in ${(exit.durationMs / 1000).toFixed(1)} s; student: ${next}`,
    });
    return next;
  };
}

