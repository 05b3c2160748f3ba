import { randomBytes } from "node:crypto";
import { createUsageMeter, usageReport } from "../models/usage_meter.js";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firstValueFrom, pipe, tap, toArray } from "rxjs";
import type { Metrics } from "../codecs/metrics.js";
import type { Prediction } from "../codecs/prediction.js";
import { InputError, RunError, UsageError } from "../errors.js";
import { isFatal } from "../models/errors.js";
import { evaluate, evaluationMetrics, formatMetricsSummary } from "../stages/evaluate.js";
import { DEFAULT_MAX_GENERATIONS } from "../stages/self_improve.js";
import { type FormatName, formatFor } from "../tasks/trajectory_format.js";
import { booleanFlag, numberFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { scanProblems } from "./_input.js";
import { endpointSettingsFromFlags, HTTP_STUDENT_FLAGS, resolveModel, studentEndpointFromFlags } from "./_models.js";
import { toJsonl } from "./_output.js";
import { clearOwnOutputs, FORCE_FLAG, prepareOutDirectory } from "./_out_dir.js";
import { defaultMaxTokens, MAX_CONCURRENCY, MAX_TOKENS } from "../codecs/config.js";
import { createFailureCounter, DEFAULT_MAX_FAILURES, MAX_FAILURES_FLAG, parseMaxFailures } from "./_failures.js";
import { checkCheckpoint } from "./_preflight.js";
import { settingsRecord } from "./_settings_record.js";
import { embeddedPath } from "./train.js";
import { createProgress } from "./_progress.js";
import { taskFromFlag } from "./_task.js";
import { withDemand } from "../streams/demand_source.js";
import { reorder } from "../streams/reorder.js";
import { createRetryCounter } from "../streams/retry_transient.js";

/**
 * Writes several files so that either all of them are in place or none is changed: each goes
 * to a temporary file first, and only when every one is written are they renamed into place.
 */
function writeFilesAtomically(files: readonly { readonly path: string; readonly text: string }[]): void {
  const suffix = randomBytes(6).toString("hex");
  const temporaries = files.map((file) => `${file.path}.${suffix}.tmp`);
  try {
    files.forEach((file, index) => writeFileSync(temporaries[index] as string, file.text));
    files.forEach((file, index) => renameSync(temporaries[index] as string, file.path));
  } finally {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `tripost eval`: the student's accuracy and self-improvement on test problems. */
export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate the student with greedy self-improvement: accuracy (seen, unseen, buckets), SI frequency and contribution",
  usage:
    "tripost eval --task T --student MODEL --in FILE --out DIR [--format tripost|compact] [--concurrency N] [--max-tokens N] [--student-model NAME] [--student-endpoint completions|chat] [--api-key-env VAR]",
  flags: {
    task: { type: "string", description: "the task", placeholder: "T", required: true },
    student: { type: "string", description: "the student: embedded:PATH or http(s)://…/v1", placeholder: "MODEL", required: true },
    in: { type: "string", description: "test problems: problem JSONL, official rows or a BIG-Bench-Hard file", placeholder: "FILE", required: true },
    out: { type: "string", description: "the output directory (predictions.jsonl, metrics.json)", placeholder: "DIR", required: true },
    format: { type: "string", description: "the student's format", choices: ["tripost", "compact"], defaultText: "compact for embedded students, tripost otherwise" },
    concurrency: { type: "number", description: "problems and calls in flight", placeholder: "N", integer: true, min: 1, max: MAX_CONCURRENCY, defaultText: "16" },
    "max-tokens": { type: "number", description: "tokens per student generation", placeholder: "N", integer: true, min: 1, max: MAX_TOKENS, defaultText: "256 for embedded students; 512 (MSA, DU) or 1024 (WS, LD) over HTTP, as in a run config" },
    "max-generations": { type: "number", description: "generations per problem (num_attempts)", placeholder: "N", integer: true, min: 1, max: 100, defaultText: String(DEFAULT_MAX_GENERATIONS) },
    seed: { type: "number", description: "the run's seed (sent with each request)", placeholder: "S", integer: true, defaultText: "0" },
    ...HTTP_STUDENT_FLAGS,
    quiet: { type: "boolean", description: "no progress output (the summary line is still printed)" },
    ...FORCE_FLAG,
    ...MAX_FAILURES_FLAG,
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const task = taskFromFlag(stringFlag(args.flags, "task") as string);
    const studentSpec = stringFlag(args.flags, "student") as string;
    const formatName = (stringFlag(args.flags, "format") ?? (studentSpec.startsWith("embedded:") ? "compact" : "tripost")) as FormatName;
    const format = formatFor(task, formatName);
    if (format._tag === "Left") throw new UsageError(`Cannot use '--format ${formatName}' as ${format.left}`);
    const inputPath = stringFlag(args.flags, "in") as string;
    // Every line is checked (and the file hashed) in one streaming pass before anything is
    // written; the evaluation then reads the problems from the file again, one at a time.
    const input = await scanProblems(io, task.name, inputPath);
    const outputs = ["predictions.jsonl", "metrics.json"];
    const out = prepareOutDirectory(io, stringFlag(args.flags, "out") as string, outputs, {
      command: "eval",
      force: booleanFlag(args.flags, "force"),
      inputs: [inputPath],
    });
    const concurrency = numberFlag(args.flags, "concurrency") ?? 16;
    const maxFailures = parseMaxFailures(stringFlag(args.flags, "max-failures"));
    // A checkpoint that does not load is found now, not as a prediction error per problem.
    if (studentSpec.startsWith("embedded:")) await checkCheckpoint(embeddedPath(io, studentSpec, "student"));
    const retries = createRetryCounter();
    const student = resolveModel(io, studentSpec, { ...endpointSettingsFromFlags(args.flags, concurrency), onRetry: retries.onRetry });
    // Calls and tokens of the evaluation, in metrics.json `usage`; failed calls per endpoint.
    const meter = createUsageMeter();
    const failures = createFailureCounter();
    const counted = meter.count({ stage: "evaluate", model: student.label }, failures.wrap(student.model, student.label));
    const maxTokens = numberFlag(args.flags, "max-tokens") ?? defaultMaxTokens(task.name, studentSpec.startsWith("embedded:"));
    const maxGenerations = numberFlag(args.flags, "max-generations") ?? DEFAULT_MAX_GENERATIONS;
    const seed = numberFlag(args.flags, "seed") ?? 0;
    const progress = createProgress(io, "eval", { quiet: booleanFlag(args.flags, "quiet"), retries: () => retries.count });
    let predictions: Prediction[];
    try {
      let done = 0;
      let correct = 0;
      let failed = 0;
      progress.update(0, input.count);
      // The problems enter as predictions leave (at most 4 × concurrency inside, the reorder
      // buffer included), read from the file as they enter.
      predictions = await firstValueFrom(
        withDemand(input.read(), pipe(
          evaluate(counted, {
            task,
            format: format.right,
            concurrency,
            maxTokens,
            maxGenerations,
            seed,
            isFatal,
          }),
          tap((prediction) => {
            done++;
            if (prediction.correct) correct++;
            if (prediction.end === "error") failed++;
            progress.update(done, input.count, `correct ${correct}${failed > 0 ? `, failed ${failed}` : ""}`);
          }),
          // The predictions in input order, restored as they arrive.
          reorder((prediction) => prediction.index),
        ), { window: 4 * concurrency }).pipe(toArray()),
      ).catch((error: unknown) => {
        // The file changed after its check: exit 2, nothing written.
        if (error instanceof InputError) throw error;
        throw new RunError(`Cannot evaluate the student at ${student.label} as a call failed: ${messageOf(error)}`, { cause: error });
      });
    } finally {
      await student.close();
    }
    progress.end();
    const failed = predictions.filter((prediction) => prediction.end === "error");
    if (predictions.length > 0 && failed.length === predictions.length) {
      throw new RunError(`Cannot evaluate the student at ${student.label} as every call failed (${failed.length} problems), the last with: ${failed.at(-1)?.error ?? "unknown error"}; nothing was written`);
    }
    const metrics: Metrics = {
      ...evaluationMetrics(task.name, predictions),
      student: student.label,
      format: formatName,
      usage: usageReport(meter.snapshot().served),
    };
    // What ran (issue 11 "Records of what ran"): beside the metrics, for the report and for reproducing them.
    const settings = settingsRecord({
      command: "eval",
      task: task.name,
      seed,
      input: input.input,
      problems: input.count,
      student: student.label,
      ...(student.kind === "http" ? { studentEndpoint: studentEndpointFromFlags(args.flags) } : {}),
      format: formatName,
      maxTokens,
      maxGenerations,
      concurrency,
      maxFailures: stringFlag(args.flags, "max-failures") ?? DEFAULT_MAX_FAILURES,
    });
    // --force: the earlier output goes only now, when the new one is ready to replace it.
    clearOwnOutputs(out, outputs, { force: booleanFlag(args.flags, "force") });
    mkdirSync(out, { recursive: true });
    writeFilesAtomically([
      { path: join(out, "predictions.jsonl"), text: toJsonl(predictions) },
      { path: join(out, "metrics.json"), text: `${JSON.stringify({ ...metrics, settings }, null, 2)}\n` },
    ]);
    const verdict = failures.verdict(maxFailures, `the predictions and metrics are in ${out} (failed problems count as wrong); run again with --force`);
    if (verdict !== undefined) throw verdict;
    const errors = failed.length === 0 ? "" : ` (${failed.length} failed calls)`;
    io.stderr.write(`eval ${task.name}: ${formatMetricsSummary(metrics)}${errors}\n`);
  },
};
