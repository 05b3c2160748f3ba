import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedDataSource, ResolvedRunConfig } from "../codecs/config.js";
import { resolveConfig, updateStyleOf } from "../codecs/config.js";
import type { Problem } from "../codecs/problem.js";
import type { ProblemSource } from "../stages/collect.js";
import { UsageError } from "../errors.js";
import { createStudentModel } from "../models/student/student_model.js";
import { createUsageMeter, formatUsage } from "../models/usage_meter.js";
import {
  embeddedReloader,
  externalTrainer,
  type ExternalTrainingStep,
  namedModelReloader,
  type Reloader,
  sameModelReloader,
  vllmLoraReloader,
} from "../runs/external_trainer.js";
import { createCollectionJournals } from "../runs/collection_journals.js";
import { runTriPosT } from "../runs/run_tripost.js";
import { formatResultsTable, type LoopEvent, type OpenedStudent } from "../stages/tripost_loop.js";
import { writeJsonl } from "../streams/write_jsonl.js";
import { createRetryCounter, type RetryEvent } from "../streams/retry_transient.js";
import { formatFor } from "../tasks/trajectory_format.js";
import type { Task } from "../tasks/task.js";
import { booleanFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { checkConfig } from "./_config.js";
import { runVersions, timingRecorder, VERSIONS_FILE_NAME } from "./_run_record.js";
import { resolveExpert } from "./_experts.js";
import { apiKeyFrom, endpointLabel, endpointSettingsFromConfig, isHttpSpec, resolveModel } from "./_models.js";
import { readProblems, scanProblems } from "./_input.js";
import { writeOutput } from "./_output.js";
import { createProgress, type Progress } from "./_progress.js";
import { writeRunReport } from "./report.js";
import { taskFromFlag } from "./_task.js";
import { embeddedPath } from "./train.js";
import { createFailureCounter, MAX_FAILURES_FLAG, parseMaxFailures } from "./_failures.js";
import { redactSecrets } from "./_secrets.js";
import { guardRunDirectory, preflightRun, replaceEarlierRun, resumeCommand, runSetup } from "./_run_guard.js";

async function problemsOf(io: CliIo, task: Task, source: ResolvedDataSource): Promise<Problem[]> {
  if (source.source === "file") {
    const problems = await readProblems(io, task.name, source.path);
    return source.limit === undefined ? problems : problems.slice(0, source.limit);
  }
  return task.generate({ count: source.count, seed: source.seed, split: source.split, difficulty: source.difficulty });
}

/**
 * The training problems: a file's are checked whole now (every line, as `readProblems` does)
 * and then streamed from the file again for each read (the first `limit` of them); generated
 * ones are an array.
 */
async function trainingProblemsOf(io: CliIo, task: Task, source: ResolvedDataSource): Promise<{ problems: ProblemSource; count: number }> {
  if (source.source !== "file") {
    const problems = await problemsOf(io, task, source);
    return { problems, count: problems.length };
  }
  const file = await scanProblems(io, task.name, source.path);
  const limit = source.limit;
  if (limit === undefined) return { problems: () => file.read(), count: file.count };
  return {
    problems: async function* () {
      let taken = 0;
      for await (const problem of file.read()) {
        yield problem;
        taken += 1;
        if (taken >= limit) return;
      }
    },
    count: Math.min(limit, file.count),
  };
}

function progressPrinter(io: CliIo, quiet: boolean, retries: () => number): (event: LoopEvent) => void {
  let progress: Progress | undefined;
  return (event) => {
    if (quiet) return;
    switch (event.type) {
      case "step-start":
        progress = createProgress(io, `${event.method} ${event.iteration} ${event.step}`, { retries });
        break;
      case "progress":
        progress?.update(event.done, event.total, event.note);
        break;
      case "step-end":
        progress?.end(event.summary);
        progress = undefined;
        break;
      case "step-skip":
        io.stderr.write(`${event.method} ${event.iteration} ${event.step}: done before, skipped\n`);
        break;
    }
  };
}

/** `tripost run`: TriPosT and its baselines for several iterations, from a config or the embedded defaults. */
export const runCommand: Command = {
  name: "run",
  summary: "run TriPosT and its baselines for several iterations (the embedded defaults without --config)",
  usage: "tripost run [--config FILE] [--out DIR] [--resume] [--iterations N] [--seed S]",
  flags: {
    config: { type: "string", description: "the run config (JSON)", placeholder: "FILE", defaultText: "the embedded defaults" },
    out: { type: "string", description: "the run directory", placeholder: "DIR", defaultText: "runs/run-<time>" },
    resume: { type: "boolean", description: "continue a run in DIR: skip completed steps, reuse completed calls" },
    iterations: { type: "number", description: "TriPosT iterations", placeholder: "N", integer: true, min: 1, max: 100 },
    seed: { type: "number", description: "the run's seed", placeholder: "S", integer: true },
    quiet: { type: "boolean", description: "no progress output" },
    ...MAX_FAILURES_FLAG,
    force: { type: "boolean", description: "replace an earlier run in --out (a directory holding config.json) once the checks pass" },
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const resume = booleanFlag(args.flags, "resume");
    // A resumed run continues with its recorded config (README "When things go wrong").
    const setup = await runSetup(io, args, resume, booleanFlag(args.flags, "force"));
    const { config: withFlags, outDir } = setup;
    const maxFailures = parseMaxFailures(stringFlag(args.flags, "max-failures"));
    const failures = createFailureCounter();
    const config: ResolvedRunConfig = resolveConfig(withFlags);
    const issues = checkConfig(withFlags, config);
    if (issues.length > 0) {
      throw new UsageError(`Cannot run with this config: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
    }
    const task = taskFromFlag(config.task);
    const format = formatFor(task, config.student.format, { updates: updateStyleOf(config.student) });
    if (format._tag === "Left") throw new UsageError(`Cannot run as ${format.left}`);
    const expertConfig = config.expert;
    const retries = createRetryCounter();
    // Model calls and tokens per stage and model (`stats.json`, `metrics.json`, the summary).
    const meter = createUsageMeter();
    // Every collection journals its calls; an HTTP expert's go through the journal of the collection running.
    const journals = createCollectionJournals(meter);
    const expert = typeof expertConfig === "string"
      ? resolveExpert(task, expertConfig)
      : resolveExpert(task, expertConfig.url, {
        io,
        ...endpointSettingsFromConfig(expertConfig, config.concurrency),
        onRetry: retries.onRetry,
        wrap: (model, role, label) => journals.wrap(failures.wrap(model, label), { stage: role, model: label }),
      });
    const httpStudent = isHttpSpec(config.student.spec);
    if (httpStudent && config.trainer === undefined) {
      throw new UsageError(
        "Cannot run with an HTTP student without an external trainer (the embedded trainer trains embedded students only): add 'trainer' to the config",
      );
    }
    const initialCheckpoint = httpStudent ? config.student.model ?? "default" : embeddedPath(io, config.student.spec, "student");
    // Before the directory exists: the inputs read, the student loads or answers, the expert answers.
    const { problems: trainProblems, count: trainCount } = await trainingProblemsOf(io, task, config.data.train);
    const testProblems = (await Promise.all(config.data.test.map((source) => problemsOf(io, task, source)))).flat();
    await preflightRun(io, config, initialCheckpoint);
    replaceEarlierRun(setup);
    const guard = guardRunDirectory(outDir);
    try {
      mkdirSync(join(outDir, "problems"), { recursive: true });
      await writeOutput(io, join(outDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
      await writeOutput(io, join(outDir, VERSIONS_FILE_NAME), `${JSON.stringify(runVersions(), null, 2)}\n`);
      await writeJsonl(join(outDir, "problems", "train.jsonl"), typeof trainProblems === "function" ? trainProblems() : trainProblems);
      await writeJsonl(join(outDir, "problems", "test.jsonl"), testProblems);

      const quiet = booleanFlag(args.flags, "quiet");
      if (!quiet) {
        io.stderr.write(
          `tripost run: ${task.name}, ${trainCount} training and ${testProblems.length} test problems, ${config.iterations} iterations, baselines: ${
            config.baselines.join(", ") || "none"
          }\n`,
        );
      }
      const printProgress = progressPrinter(io, quiet, () => retries.count);
      const recordTiming = timingRecorder(outDir);
      const result = await runTriPosT(
        {
          task,
          format: format.right,
          expert,
          trainProblems,
          trainCount,
          testProblems,
          initialCheckpoint,
          journals,
          openStudent: (checkpoint) => {
            const opened: OpenedStudent = httpStudent ? httpStudentOpener(io, config, retries.onRetry)(checkpoint) : (() => {
              const model = createStudentModel(checkpoint, { seed: config.seed });
              return { model, close: () => model.close() };
            })();
            return { ...opened, model: failures.wrap(opened.model, httpStudent ? endpointLabel(config.student.spec) : config.student.spec) };
          },
          ...(config.trainer === undefined ? {} : { trainExternally: externalTrainerStep(io, config, outDir, quiet) }),
        },
        {
          config,
          outDir,
          resume,
          onEvent: (event) => {
            recordTiming(event);
            printProgress(event);
            if (event.type === "step-end") {
              guard.stepEnded();
              // Failures are loud: stop when an endpoint failed every call, or more than --max-failures.
              const verdict = failures.verdict(maxFailures, `the run so far is in ${outDir}; '${resumeCommand(outDir)}' continues it and sends the failed calls again`);
              if (verdict !== undefined) throw verdict;
            }
          },
        },
      );
      const usage = formatUsage(result.usage, meter.snapshot().sent).split("\n").map((line) => `  ${line}`).join("\n");
      io.stdout.write(`${formatResultsTable(result.rows)}\n\nModel usage (calls, tokens in, tokens out):\n${usage}\n\nRun directory: ${outDir}\n`);
      await expert.close();
      io.stdout.write(`Report: ${await writeRunReport(io, outDir)}\n`);
    } catch (error) {
      guard.fail();
      await expert.close();
      throw error;
    }
  },
};

// ---------------------------------------------------------------------------------------------
// external trainers (README "External trainers")

/** Opens an HTTP student under a served model name, with the config's endpoint settings. */
function httpStudentOpener(io: CliIo, config: ResolvedRunConfig, onRetry?: (retry: RetryEvent) => void): (modelName: string) => OpenedStudent {
  const { student } = config;
  return (modelName) => {
    const resolved = resolveModel(io, student.spec, {
      ...endpointSettingsFromConfig(student, config.concurrency, modelName),
      ...(onRetry === undefined ? {} : { onRetry }),
    });
    return { model: resolved.model, close: () => resolved.close() };
  };
}

function reloaderOf(io: CliIo, config: ResolvedRunConfig): Reloader {
  const trainer = config.trainer;
  if (trainer === undefined || trainer.reload === "embedded") return embeddedReloader();
  if (trainer.reload === "none") return sameModelReloader();
  if (trainer.reload === "vllm-lora") {
    const apiKey = apiKeyFrom(io, config.student.apiKeyEnv);
    return vllmLoraReloader({
      baseUrl: config.student.spec,
      name: trainer.loraName,
      pathTemplate: trainer.loraPath,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(config.student.timeoutMs === undefined ? {} : { timeoutMs: config.student.timeoutMs }),
    });
  }
  return namedModelReloader(trainer.reload.model);
}

/** The loop step of the config's external trainer; its output goes to stderr unless `quiet`. */
function externalTrainerStep(io: CliIo, config: ResolvedRunConfig, outDir: string, quiet: boolean): ExternalTrainingStep {
  const trainer = config.trainer;
  if (trainer === undefined) throw new Error("Cannot build an external trainer step without 'trainer'");
  const say = (line: string) => {
    // The trainer's own output too: a token it prints is redacted before it reaches a log.
    if (!quiet) io.stderr.write(`${redactSecrets(line)}\n`);
  };
  return externalTrainer({
    trainer,
    reload: reloaderOf(io, config),
    runDirectory: outDir,
    seed: config.seed,
    training: config.training,
    format: config.student.format,
    env: io.env,
    cwd: io.cwd,
    ...(quiet ? {} : { output: say }),
    onEvent: (event) => {
      if (event.type === "start") say(`tripost ${event.iteration} train: external trainer: ${event.command}`);
      else if (event.type === "skip") say(`tripost ${event.iteration} train: done before (${event.out}), skipped; reloading it`);
      else say(`tripost ${event.iteration} train: ${event.summary}`);
    },
  });
}
