import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Problem } from "../codecs/problem.js";
import { UsageError } from "../errors.js";
import { isFatal } from "../models/errors.js";
import { collectToDirectory } from "../runs/collection.js";
import { createCollectionJournals } from "../runs/collection_journals.js";
import { collectionLayout } from "../runs/layout.js";
import { inShard, parseShard } from "../stages/shard.js";
import { JOURNAL_FILE_NAME } from "../streams/journal.js";
import type { HttpEndpoint } from "../models/http_model.js";
import { createUsageMeter, formatUsage, usageReport } from "../models/usage_meter.js";
import { createRetryCounter } from "../streams/retry_transient.js";
import { formatFor, type FormatName } from "../tasks/trajectory_format.js";
import { booleanFlag, numberFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { resolveExpert } from "./_experts.js";
import { scanProblems } from "./_input.js";
import { endpointSettingsFromFlags, HTTP_STUDENT_FLAGS, resolveModel, studentEndpointFromFlags } from "./_models.js";
import { writeOutput } from "./_output.js";
import { clearOwnOutputs, FORCE_FLAG, prepareOutDirectory } from "./_out_dir.js";
import { createProgress } from "./_progress.js";
import { taskFromFlag } from "./_task.js";
import { defaultMaxTokens, MAX_CONCURRENCY, MAX_TOKENS } from "../codecs/config.js";
import { createFailureCounter, DEFAULT_MAX_FAILURES, MAX_FAILURES_FLAG, parseMaxFailures } from "./_failures.js";
import { checkCheckpoint } from "./_preflight.js";
import { settingsRecord } from "./_settings_record.js";
import { resumeCommandLine, setPartialOutput } from "./_signals.js";
import { checkCollectResume, COLLECT_SETTINGS_FILE } from "./_resume_check.js";
import { embeddedPath } from "./train.js";

/** The files `tripost collect` writes in `--out` (what `--force` replaces). */
const COLLECT_OUTPUTS = ["trajectories.jsonl", "rejections.jsonl", "train.jsonl", "examples.jsonl", "stats.json", JOURNAL_FILE_NAME, COLLECT_SETTINGS_FILE];

/** `tripost collect`: one iteration of interactive trajectory editing and post-processing. */
export const collectCommand: Command = {
  name: "collect",
  summary: "roll the student out, edit with the expert, and write trajectories, rejections and training data",
  usage:
    "tripost collect --task T --student MODEL --expert MODEL --in FILE --out DIR [--concurrency N] [--rpm N] [--timeout-ms N] [--max-retries N] [--student-endpoint completions|chat] [--expert-timeout-ms N] [--expert-max-retries N] [--resume] [--shard i/n]",
  flags: {
    task: { type: "string", description: "the task", placeholder: "T", required: true },
    student: { type: "string", description: "the student: embedded:PATH or http(s)://…/v1", placeholder: "MODEL", required: true },
    expert: { type: "string", description: "the expert: scripted or an http(s)://…/v1 URL", placeholder: "MODEL", required: true },
    "expert-model": { type: "string", description: "the served model name of an HTTP expert", placeholder: "NAME" },
    "expert-api-key-env": { type: "string", description: "the environment variable holding the HTTP expert's API key", placeholder: "VAR" },
    "expert-endpoint": {
      type: "string",
      description: "how to call an HTTP expert: raw completions, chat with an instruction, or chat-prefill (the answer's start as an assistant message the server continues, e.g. vLLM)",
      choices: ["completions", "chat", "chat-prefill"],
      defaultText: "completions",
    },
    "expert-timeout-ms": { type: "number", description: "header and body timeout of an HTTP expert's calls", placeholder: "N", min: 1, max: 86_400_000, defaultText: "120000" },
    "expert-max-retries": { type: "number", description: "retries of a transient failure of an HTTP expert's call", placeholder: "N", integer: true, min: 0, max: 100, defaultText: "2" },
    in: { type: "string", description: "problems: problem JSONL, official rows or a BIG-Bench-Hard file", placeholder: "FILE", required: true },
    out: { type: "string", description: "the output directory", placeholder: "DIR", required: true },
    format: { type: "string", description: "the student's format", choices: ["tripost", "compact"], defaultText: "compact for embedded students, tripost otherwise" },
    iteration: { type: "number", description: "the TriPosT iteration (from 1 on, rollouts self-improve)", placeholder: "N", integer: true, min: 0, defaultText: "0" },
    seed: { type: "number", description: "the run's seed", placeholder: "S", integer: true, defaultText: "0" },
    concurrency: { type: "number", description: "problems and calls in flight", placeholder: "N", integer: true, min: 1, max: MAX_CONCURRENCY, defaultText: "16" },
    "max-tokens": { type: "number", description: "tokens per student generation", placeholder: "N", integer: true, min: 1, max: MAX_TOKENS, defaultText: "256 for embedded students; 512 (MSA, DU) or 1024 (WS, LD) over HTTP, as in a run config" },
    ratio: { type: "number", description: "improve_data_ratio r of the rebalancing (≤ 0 keeps all)", placeholder: "R", max: 1000, defaultText: "1.5" },
    weight: { type: "number", description: "loss weight w from the first feedback on", placeholder: "W", min: 0, max: 100, defaultText: "1.5" },
    resume: { type: "boolean", description: "reuse the completed calls in DIR/journal.jsonl" },
    shard: { type: "string", description: "collect only shard i of n, numbered from 1 (1/4 … 4/4; by a hash of the id); join them with 'tripost merge'", placeholder: "i/n" },
    ...HTTP_STUDENT_FLAGS,
    quiet: { type: "boolean", description: "no progress output" },
    ...FORCE_FLAG,
    ...MAX_FAILURES_FLAG,
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const task = taskFromFlag(stringFlag(args.flags, "task") as string);
    const studentSpec = stringFlag(args.flags, "student") as string;
    const formatName = (stringFlag(args.flags, "format") ?? (studentSpec.startsWith("embedded:") ? "compact" : "tripost")) as FormatName;
    const format = formatFor(task, formatName);
    if (format._tag === "Left") throw new UsageError(`Cannot use '--format ${formatName}' as ${format.left}`);
    const shardText = stringFlag(args.flags, "shard");
    const shard = shardText === undefined ? undefined : parseShard(shardText);
    if (shard !== undefined && shard._tag === "Left") throw new UsageError(`Cannot use '--shard ${shardText}' as ${shard.left}`);
    // The input is checked whole (every line, unique ids, its SHA-256) before anything is
    // written, then streamed from the file again by each pass of the collection: the problems
    // are never held.
    const inShardOf = (problem: Problem): boolean =>
      shard === undefined || inShard(problem.id, shard.right.index, shard.right.count);
    let selected = 0;
    // A shard records the input positions of its problems (for `tripost merge`).
    const positionEntries: [string, number][] = [];
    const input = await scanProblems(io, task.name, stringFlag(args.flags, "in") as string, (problem, position) => {
      if (!inShardOf(problem)) return;
      selected += 1;
      if (shard !== undefined) positionEntries.push([problem.id, position]);
    });
    const problems = shard === undefined ? () => input.read() : async function* () {
      for await (const problem of input.read()) if (inShardOf(problem)) yield problem;
    };
    const concurrency = numberFlag(args.flags, "concurrency") ?? 16;
    const maxFailures = parseMaxFailures(stringFlag(args.flags, "max-failures"));
    // A checkpoint that does not load is found now, not as a directory of endpoint-failed rejections.
    if (studentSpec.startsWith("embedded:")) await checkCheckpoint(embeddedPath(io, studentSpec, "student"));
    const retries = createRetryCounter();
    const student = resolveModel(io, studentSpec, { ...endpointSettingsFromFlags(args.flags, concurrency), onRetry: retries.onRetry });
    const out = prepareOutDirectory(io, stringFlag(args.flags, "out") as string, COLLECT_OUTPUTS, {
      command: "collect",
      resume: booleanFlag(args.flags, "resume"),
      force: booleanFlag(args.flags, "force"),
      inputs: [stringFlag(args.flags, "in")],
    });
    const expertModelName = stringFlag(args.flags, "expert-model");
    const expertKeyEnv = stringFlag(args.flags, "expert-api-key-env");
    const expertTimeoutMs = numberFlag(args.flags, "expert-timeout-ms");
    const expertMaxRetries = numberFlag(args.flags, "expert-max-retries");
    const meter = createUsageMeter();
    // Failed calls per endpoint (after retries): loud beyond --max-failures.
    const failures = createFailureCounter();
    // Every collection journals its calls: the expert's go through the journal of DIR too.
    const journals = createCollectionJournals(meter);
    const expert = resolveExpert(task, stringFlag(args.flags, "expert") as string, {
      io,
      concurrency,
      onRetry: retries.onRetry,
      endpoint: (stringFlag(args.flags, "expert-endpoint") ?? "completions") as HttpEndpoint,
      ...(expertModelName === undefined ? {} : { modelName: expertModelName }),
      ...(expertKeyEnv === undefined ? {} : { apiKeyEnv: expertKeyEnv }),
      ...(expertTimeoutMs === undefined ? {} : { timeoutMs: expertTimeoutMs }),
      ...(expertMaxRetries === undefined ? {} : { maxRetries: expertMaxRetries }),
      // Counted per role (FBK, IMP), journaled in the collection's journal.
      wrap: (model, role, label) => journals.wrap(failures.wrap(model, label), { stage: role, model: label }),
    });
    const iteration = numberFlag(args.flags, "iteration") ?? 0;
    const maxTokens = numberFlag(args.flags, "max-tokens") ?? defaultMaxTokens(task.name, studentSpec.startsWith("embedded:"));
    const seed = numberFlag(args.flags, "seed") ?? 0;
    const improveDataRatio = numberFlag(args.flags, "ratio") ?? 1.5;
    const weight = numberFlag(args.flags, "weight") ?? 1.5;
    // What ran (issue 11 "Records of what ran"); `tripost merge` checks its shards agree on it.
    const settings = {
      command: "collect",
      task: task.name,
      seed,
      input: input.input,
      problems: input.count,
      student: student.label,
      // An HTTP student's endpoint (`--student-endpoint`); `tripost merge` compares it too.
      ...(student.kind === "http" ? { studentEndpoint: studentEndpointFromFlags(args.flags) } : {}),
      expert: expert.label,
      format: formatName,
      iteration,
      improveDataRatio,
      weight,
      maxTokens,
      maxFailures: stringFlag(args.flags, "max-failures") ?? DEFAULT_MAX_FAILURES,
      ...(shard === undefined ? {} : { shard: { index: shard.right.index, count: shard.right.count } }),
    };
    // --resume continues the collection as it was made: other settings are refused before
    // anything is written (they would replace it with another collection).
    if (booleanFlag(args.flags, "resume")) {
      try {
        checkCollectResume(out, settings);
      } catch (error) {
        await student.close();
        await expert.close();
        throw error;
      }
    }
    // --force: the earlier output (its journal of paid calls included) goes only now, once the
    // student and the expert have been resolved.
    clearOwnOutputs(out, COLLECT_OUTPUTS, { force: booleanFlag(args.flags, "force"), resume: booleanFlag(args.flags, "resume") });
    const resume = resumeCommandLine("collect", args.flags);
    setPartialOutput({ path: out, resume });
    const progress = createProgress(io, "collect", { quiet: booleanFlag(args.flags, "quiet"), retries: () => retries.count });
    // The settings with the versions (package.json files read once), for settings.json and stats.json.
    const recorded = settingsRecord(settings);
    try {
      // The settings the collection starts with, recorded (atomically) before its first model
      // call, so a collection stopped before its stats.json is resumed only as it was started. A
      // resumed collection keeps the record it started with (its --max-failures may be raised since).
      const settingsPath = join(out, COLLECT_SETTINGS_FILE);
      if (!existsSync(settingsPath)) await writeOutput(io, settingsPath, `${JSON.stringify(recorded, null, 2)}\n`);
      const result = await collectToDirectory(collectionLayout(out), failures.wrap(student.model, student.label), expert, problems, journals, {
        task,
        format: format.right,
        iteration,
        seed,
        concurrency,
        maxTokens,
        improveDataRatio,
        weight,
        // Refused credentials, or an endpoint that cannot continue an assistant message: stop.
        isFatal,
        onProgress: ({ done, rejected, pass }) => progress.update(done, selected, { rejected, ...(pass > 0 ? { note: `pass ${pass + 1}` } : {}) }),
        resume: booleanFlag(args.flags, "resume"),
        studentLabel: { stage: "rollout", model: student.label },
      });
      const usage = meter.snapshot();
      const positions = shard === undefined ? undefined : Object.fromEntries(positionEntries);
      const stats = {
        task: task.name,
        student: student.label,
        format: formatName,
        iteration,
        ...(shard === undefined ? {} : { shard: { ...shard.right, positions } }),
        ...result.stats,
        usage: usageReport(usage.served),
        settings: recorded,
      };
      await writeOutput(io, join(out, "stats.json"), `${JSON.stringify(stats, null, 2)}\n`);
      progress.end(
        `${result.trajectories} trajectories, ${result.rejections} rejections, ${result.trainingExamples} training examples (p = ${
          result.stats.rebalance.p.toFixed(2)
        }) in ${out}`,
      );
      if (!booleanFlag(args.flags, "quiet")) io.stderr.write(`collect: model usage\n${formatUsage(usageReport(usage.served), usage.sent)}\n`);
      const verdict = failures.verdict(maxFailures, `the collection so far is in ${out}; '${resume}' sends the failed calls again`);
      if (verdict !== undefined) throw verdict;
      setPartialOutput(undefined);
    } finally {
      await student.close();
      await expert.close();
    }
  },
};
