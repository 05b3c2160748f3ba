import * as E from "fp-ts/lib/Either.js";
import { existsSync, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_CONFIG } from "../codecs/config.js";
import { TrainingExample } from "../codecs/training_example.js";
import { InputError, UsageError } from "../errors.js";
import { describeCheckpointError, loadCheckpoint, saveCheckpoint } from "../models/student/checkpoint.js";
import { initTfjs } from "../models/student/tfjs.js";
import { trainStudent } from "../models/student/trainer.js";
import { booleanFlag, numberFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { decodeLine, parseJsonlText, readInputText } from "./_input.js";
import { createProgress } from "./_progress.js";
import { describeWriteError } from "./_output.js";
import { resolveShipped } from "./_paths.js";

/** Reads and decodes a training JSONL file; a bad line is an InputError naming file, line and field. */
export async function readTrainingExamples(io: CliIo, path: string): Promise<TrainingExample[]> {
  const { name, text } = await readInputText(io, path);
  const examples: TrainingExample[] = [];
  for (const input of parseJsonlText(name, text)) {
    const example: TrainingExample = decodeLine(TrainingExample, name, input);
    const line = input.line;
    if (!Number.isInteger(example.weightFrom) || example.weightFrom < 0 || example.weightFrom > example.text.length) {
      throw new InputError({ file: name, line, field: "weightFrom" }, `expected an offset within the text, got ${example.weightFrom}`);
    }
    examples.push(example);
  }
  return examples;
}

/** The checkpoint directory of an `embedded:PATH` spec. */
export function embeddedPath(io: CliIo, spec: string, flag: string): string {
  if (!spec.startsWith("embedded:") || spec.length === "embedded:".length) {
    throw new UsageError(`Cannot use '--${flag} ${spec}' as it must name an embedded student: embedded:PATH`);
  }
  return resolveShipped(io.cwd, spec.slice("embedded:".length));
}

/**
 * The peak learning rate of `tripost train` when `--lr` is not given: the one `tripost run`
 * replays with (`training.learningRate`), so that training a collection's `train.jsonl` by hand
 * does what the loop's replay does. (The trainer's own default, 3e-3, is pretraining's rate.)
 */
export const TRAIN_DEFAULT_LR = DEFAULT_CONFIG.training.learningRate;

/** `tripost train`: weighted training of the embedded student, continuing from a checkpoint. */
export const trainCommand: Command = {
  name: "train",
  summary: "train the embedded student on training JSONL with the weighted loss, from a checkpoint",
  usage: "tripost train --student embedded:PATH --data FILE --out PATH [--weight W] [--epochs E]",
  flags: {
    student: { type: "string", description: "the checkpoint to continue from", placeholder: "embedded:PATH", required: true },
    data: { type: "string", description: "training JSONL ({id, kind, text, weightFrom, weight})", placeholder: "FILE", required: true },
    out: { type: "string", description: "the new checkpoint directory", placeholder: "PATH", required: true },
    weight: { type: "number", description: "replace every example's weight w", placeholder: "W", min: 0, max: 100 },
    epochs: { type: "number", description: "passes over the data (a training run with none would write an untrained checkpoint)", placeholder: "E", above: 0, max: 1000, defaultText: "1" },
    steps: { type: "number", description: "optimizer steps (overrides --epochs)", placeholder: "N", integer: true, min: 1, max: 10_000_000 },
    "batch-size": { type: "number", description: "examples per step", placeholder: "N", integer: true, min: 1, max: 4096, defaultText: "32" },
    lr: { type: "number", description: "peak learning rate (run's replay rate)", placeholder: "LR", above: 0, max: 1, defaultText: String(TRAIN_DEFAULT_LR) },
    workers: { type: "number", description: "worker threads (0 = this thread)", placeholder: "N", integer: true, min: 0, max: 64, defaultText: "2" },
    seed: { type: "number", description: "seed of the shuffling", placeholder: "S", integer: true, defaultText: "0" },
    quiet: { type: "boolean", description: "no progress output" },
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const from = embeddedPath(io, stringFlag(args.flags, "student") as string, "student");
    const out = resolve(io.cwd, stringFlag(args.flags, "out") as string);
    if (existsSync(out)) throw new UsageError(`Cannot write the checkpoint to '${stringFlag(args.flags, "out")}' as it already exists: tripost train never replaces a checkpoint; choose another --out`);
    const examples = await readTrainingExamples(io, stringFlag(args.flags, "data") as string);
    if (examples.length === 0) throw new InputError({ file: stringFlag(args.flags, "data") as string }, "no training examples");
    await initTfjs();
    const loaded = await loadCheckpoint(from);
    if (E.isLeft(loaded)) throw new InputError({ file: from }, describeCheckpointError(loaded.left));
    const batchSize = numberFlag(args.flags, "batch-size") ?? 32;
    const epochs = numberFlag(args.flags, "epochs") ?? 1;
    const steps = numberFlag(args.flags, "steps") ?? Math.max(1, Math.ceil((epochs * examples.length) / batchSize));
    const weight = numberFlag(args.flags, "weight");
    const lr = numberFlag(args.flags, "lr") ?? TRAIN_DEFAULT_LR;
    const workers = numberFlag(args.flags, "workers");
    let done = 0;
    const progress = createProgress(io, "train", { quiet: booleanFlag(args.flags, "quiet") });
    const result = await trainStudent({
      student: loaded.right,
      examples,
      steps,
      batchSize,
      seed: numberFlag(args.flags, "seed") ?? 0,
      ...(weight === undefined ? {} : { weight }),
      lr,
      ...(workers === undefined ? {} : { workers }),
      log: (entry) => progress.update(++done, steps, `loss ${entry.loss.toFixed(3)}`),
    });
    // Atomically: the checkpoint is written beside `out` and renamed into place when complete.
    const partial = `${out}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    try {
      await saveCheckpoint(partial, result.student);
      renameSync(partial, out);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      throw new UsageError(`Cannot write the checkpoint to '${stringFlag(args.flags, "out")}' as ${describeWriteError(error)}`);
    }
    progress.end(
      `${result.steps} steps, ${Math.round(result.tokensPerSecond)} tokens/s, final loss ${result.finalLoss.toFixed(3)}${
        result.skipped.length > 0 ? `, ${result.skipped.length} examples skipped` : ""
      } → ${out}`,
    );
  },
};
