/**
 * Student checkpoints: a directory with `config.json`, `tokenizer.json`, `manifest.json` (the
 * names, shapes and offsets of the float32 weights), `weights.bin`, optionally `optimizer.bin`
 * (Adam's first then second moments, same layout), and `training_log.jsonl`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { decodeWith, describeFailure } from "../../codecs/decode.js";
import type { AdamState } from "./_adam.js";
import { checkStudentConfig, createStudentConfig, StudentConfigCodec, type StudentConfig, type StudentConfigOptions } from "./config.js";
import { initialWeights, parameterSpecs, sizeOf } from "./model.js";
import { createTokenizer, TokenizerJson, tokenizerFromJson, type Tokenizer } from "./tokenizer.js";

/** One line of `training_log.jsonl`: a logged training step. */
export const TrainingLogEntry = t.exact(
  t.intersection([
    t.type({
      /** Optimizer step (counted over the checkpoint's whole history). */
      step: t.number,
      /** Weighted loss of the step's batch (Σ CE·mask·weight / Σ mask). */
      loss: t.number,
      lr: t.number,
      /** Global gradient norm before clipping. */
      gradNorm: t.number,
      /** Non-padding target tokens in the batch. */
      tokens: t.number,
      /** Milliseconds since this training run began. */
      elapsedMs: t.number,
    }),
    t.partial({ epoch: t.number, workers: t.number }),
  ]),
  "TrainingLogEntry",
);
export type TrainingLogEntry = t.TypeOf<typeof TrainingLogEntry>;

const ParameterEntry = t.type({ name: t.string, shape: t.array(t.number), offset: t.number });

/** The codec of `manifest.json`. */
export const CheckpointManifest = t.exact(
  t.intersection([
    t.type({ format: t.literal(1), dtype: t.literal("float32"), parameters: t.array(ParameterEntry) }),
    t.partial({ optimizer: t.type({ type: t.literal("adam"), step: t.number }) }),
  ]),
  "CheckpointManifest",
);
export type CheckpointManifest = t.TypeOf<typeof CheckpointManifest>;

/** A student in memory: its shape, tokenizer, weights (in `parameterSpecs` order), optimizer state and log. */
export interface StudentCheckpoint {
  readonly config: StudentConfig;
  readonly tokenizer: Tokenizer;
  readonly weights: readonly Float32Array[];
  readonly optimizer?: AdamState;
  readonly log: readonly TrainingLogEntry[];
}

/** Why a checkpoint could not be loaded. */
export interface CheckpointError {
  readonly type: "checkpoint-error";
  /** The file at fault. */
  readonly path: string;
  readonly message: string;
}

/**
 * A fresh, seeded student for a tokenizer (by default printable ASCII and newline), with ALiBi
 * positions unless `options.positions` is `"learned"`. (`loadCheckpoint` reads a `config.json`
 * without `positions`, written before the field existed, as `"learned"`.)
 *
 * @example A fresh default student
 * ```ts
 * const student = createCheckpoint();
 * assertEquals(student.config.vocab, 99);
 * assertEquals(student.config.positions, "alibi");
 * ```
 */
export function createCheckpoint(tokenizer: Tokenizer = createTokenizer(), options: StudentConfigOptions = {}): StudentCheckpoint {
  const config = createStudentConfig(tokenizer.size, options);
  return { config, tokenizer, weights: initialWeights(config), log: [] };
}

function concatenate(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((sum, values) => sum + values.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const values of arrays) {
    all.set(values, offset);
    offset += values.length;
  }
  return new Uint8Array(all.buffer);
}

/**
 * Writes a checkpoint to `directory` atomically: into a temporary sibling directory, then renamed
 * over `directory` (replacing an existing checkpoint there).
 */
export async function saveCheckpoint(directory: string, checkpoint: StudentCheckpoint): Promise<void> {
  const specs = parameterSpecs(checkpoint.config);
  if (specs.length !== checkpoint.weights.length) {
    throw new RangeError(`Cannot save a checkpoint as ${specs.length} weight arrays are needed: current value is ${checkpoint.weights.length}`);
  }
  let offset = 0;
  const parameters = specs.map((spec) => {
    const entry = { name: spec.name, shape: [...spec.shape], offset };
    offset += sizeOf(spec.shape);
    return entry;
  });
  const manifest: CheckpointManifest = {
    format: 1,
    dtype: "float32",
    parameters,
    ...(checkpoint.optimizer === undefined ? {} : { optimizer: { type: "adam" as const, step: checkpoint.optimizer.step } }),
  };
  const parent = dirname(directory);
  await mkdir(parent, { recursive: true });
  const temporary = await mkdtemp(join(parent, `.${basename(directory)}.tmp-`));
  try {
    // mkdtemp creates the directory private (0700); a checkpoint is an ordinary directory.
    await chmod(temporary, 0o755);
    await writeFile(join(temporary, "config.json"), `${JSON.stringify(checkpoint.config, null, 2)}\n`);
    await writeFile(join(temporary, "tokenizer.json"), `${JSON.stringify(checkpoint.tokenizer.toJson())}\n`);
    await writeFile(join(temporary, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(temporary, "weights.bin"), concatenate(checkpoint.weights));
    if (checkpoint.optimizer !== undefined) {
      await writeFile(join(temporary, "optimizer.bin"), concatenate([...checkpoint.optimizer.m, ...checkpoint.optimizer.v]));
    }
    await writeFile(join(temporary, "training_log.jsonl"), checkpoint.log.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
    const existing = await stat(directory).then(() => true, () => false);
    if (existing) {
      const old = `${temporary}-old`;
      await rename(directory, old);
      await rename(temporary, directory);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temporary, directory);
    }
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

function failure(path: string, message: string): CheckpointError {
  return { type: "checkpoint-error", path, message };
}

async function readJson(path: string): Promise<E.Either<CheckpointError, unknown>> {
  try {
    return E.right(JSON.parse(await readFile(path, "utf8")) as unknown);
  } catch (error) {
    const code = (error as { code?: string }).code;
    return E.left(failure(path, code === "ENOENT" ? "file not found" : `invalid JSON: ${(error as Error).message}`));
  }
}

function splitFloats(bytes: Buffer, parameters: CheckpointManifest["parameters"], base: number): Float32Array[] {
  return parameters.map((entry) => {
    const start = bytes.byteOffset + (base + entry.offset) * 4;
    return new Float32Array(bytes.buffer.slice(start, start + sizeOf(entry.shape) * 4));
  });
}

/**
 * Reads and checks a checkpoint directory. A `Left` names the file and what is wrong with it
 * (missing, malformed JSON, a field that fails its codec, a manifest that does not match the
 * config, a weights file of the wrong size).
 */
export async function loadCheckpoint(directory: string): Promise<E.Either<CheckpointError, StudentCheckpoint>> {
  const configPath = join(directory, "config.json");
  const tokenizerPath = join(directory, "tokenizer.json");
  const manifestPath = join(directory, "manifest.json");
  const weightsPath = join(directory, "weights.bin");
  const rawConfig = await readJson(configPath);
  if (E.isLeft(rawConfig)) return rawConfig;
  const config = decodeWith(StudentConfigCodec)(rawConfig.right);
  if (E.isLeft(config)) return E.left(failure(configPath, describeFailure(config.left)));
  const checked = checkStudentConfig(config.right);
  if (E.isLeft(checked)) return E.left(failure(configPath, checked.left));
  const rawTokenizer = await readJson(tokenizerPath);
  if (E.isLeft(rawTokenizer)) return rawTokenizer;
  const tokenizerJson = decodeWith(TokenizerJson)(rawTokenizer.right);
  if (E.isLeft(tokenizerJson)) return E.left(failure(tokenizerPath, describeFailure(tokenizerJson.left)));
  const tokenizer = tokenizerFromJson(tokenizerJson.right);
  if (E.isLeft(tokenizer)) return E.left(failure(tokenizerPath, tokenizer.left));
  if (tokenizer.right.size !== config.right.vocab) {
    return E.left(failure(tokenizerPath, `the tokenizer has ${tokenizer.right.size} ids but the config's vocab is ${config.right.vocab}`));
  }
  const rawManifest = await readJson(manifestPath);
  if (E.isLeft(rawManifest)) return rawManifest;
  const manifest = decodeWith(CheckpointManifest)(rawManifest.right);
  if (E.isLeft(manifest)) return E.left(failure(manifestPath, describeFailure(manifest.left)));
  const specs = parameterSpecs(config.right);
  let total = 0;
  for (const [index, spec] of specs.entries()) {
    const entry = manifest.right.parameters[index];
    if (entry === undefined || entry.name !== spec.name || entry.shape.join(",") !== spec.shape.join(",") || entry.offset !== total) {
      return E.left(failure(manifestPath, `parameter ${index} should be '${spec.name}' [${spec.shape.join(", ")}] at offset ${total}: found ${entry === undefined ? "nothing" : `'${entry.name}' [${entry.shape.join(", ")}] at offset ${entry.offset}`}`));
    }
    total += sizeOf(spec.shape);
  }
  if (manifest.right.parameters.length !== specs.length) {
    return E.left(failure(manifestPath, `expected ${specs.length} parameters: found ${manifest.right.parameters.length}`));
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(weightsPath);
  } catch {
    return E.left(failure(weightsPath, "file not found"));
  }
  if (bytes.length !== total * 4) {
    return E.left(failure(weightsPath, `expected ${total * 4} bytes (${total} float32 values): found ${bytes.length}`));
  }
  const weights = splitFloats(bytes, manifest.right.parameters, 0);
  let optimizer: AdamState | undefined;
  if (manifest.right.optimizer !== undefined) {
    const optimizerPath = join(directory, "optimizer.bin");
    let moments: Buffer;
    try {
      moments = await readFile(optimizerPath);
    } catch {
      return E.left(failure(optimizerPath, "file not found (the manifest names an optimizer state)"));
    }
    if (moments.length !== total * 8) {
      return E.left(failure(optimizerPath, `expected ${total * 8} bytes: found ${moments.length}`));
    }
    optimizer = {
      step: manifest.right.optimizer.step,
      m: splitFloats(moments, manifest.right.parameters, 0),
      v: splitFloats(moments, manifest.right.parameters, total),
    };
  }
  const logPath = join(directory, "training_log.jsonl");
  const log: TrainingLogEntry[] = [];
  const logText = await readFile(logPath, "utf8").catch(() => "");
  const lines = logText.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return E.left(failure(logPath, `line ${index + 1}: invalid JSON`));
    }
    const entry = decodeWith(TrainingLogEntry)(parsed);
    if (E.isLeft(entry)) return E.left(failure(logPath, `line ${index + 1}: ${describeFailure(entry.left)}`));
    log.push(entry.right);
  }
  return E.right({
    config: config.right,
    tokenizer: tokenizer.right,
    weights,
    ...(optimizer === undefined ? {} : { optimizer }),
    log,
  });
}

/** A one-line description of a checkpoint error. */
export function describeCheckpointError(error: CheckpointError): string {
  return `${error.path}: ${error.message}`;
}
