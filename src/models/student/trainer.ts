/**
 * The embedded student's trainer: weighted next-token loss (`tripost.md` §7.1: Σ CE·mask·weight /
 * Σ mask, EOS appended and padding masked, §7.3), Adam with linear warm-up, cosine decay and
 * global gradient-norm clipping, seeded shuffling, data-parallel over `worker_threads`.
 *
 * With `workers: n ≥ 1`, each worker holds its own tfjs instance and computes the summed
 * gradients of its share of the batch on the same weights; the main thread adds them up, divides
 * by the batch's total mask (so each share counts by its number of tokens), clips, applies Adam,
 * and sends the new weights with the next batch. With `workers: 0` the gradients are computed on
 * this thread.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { TrainingExample } from "../../codecs/training_example.js";
import { createPrng } from "../../util/prng.js";
import { adamStep, clipGradients, createAdamState, type AdamState } from "./_adam.js";
import { encodeExample, makeBatch, splitForWorkers, type EncodedExample, type EncodeError } from "./_batch.js";
import { createLocalGradients, tokenCrossEntropy, type GradientResult } from "./_gradients.js";
import type { StudentCheckpoint, TrainingLogEntry } from "./checkpoint.js";
import { createParams, disposeParams } from "./model.js";
import { learningRateAt } from "./schedule.js";
import { initTfjs, tf } from "./tfjs.js";
import { describeUnknownCharacter } from "./tokenizer.js";
import { findWorkerScript, startTrainingWorker } from "./worker.js";

/** What the trainer reads of a training example. */
export type TrainingText = Pick<TrainingExample, "text" | "weightFrom" | "weight" | "weightBefore">;

/** Options for {@linkcode trainStudent}. */
export interface TrainStudentOptions {
  /** The student to continue from (weights, and Adam's state if it has one). */
  readonly student: StudentCheckpoint;
  /** The training examples. */
  readonly examples: readonly TrainingText[];
  /** Passes over the examples, when `steps` is not given. @default {1} */
  readonly epochs?: number;
  /** Optimizer steps; overrides `epochs`. */
  readonly steps?: number;
  /**
   * Stop after this many milliseconds, even before the last step; the learning-rate schedule then
   * follows the larger of the step share and the time share, so it has decayed when time is up.
   * @default {Infinity}
   */
  readonly timeBudgetMs?: number;
  /** Examples per step (all workers together). @default {32} */
  readonly batchSize?: number;
  /** Peak learning rate. @default {3e-3} */
  readonly lr?: number;
  /** Linear warm-up steps. @default {10% of the steps} */
  readonly warmup?: number;
  /** The cosine decay's floor, as a share of `lr`. @default {0.1} */
  readonly minLrRatio?: number;
  /** Global gradient-norm clip (0 = none). @default {1} */
  readonly clip?: number;
  /** Seed of the shuffling. @default {0} */
  readonly seed?: number;
  /** Replaces every example's `weight` (the weight from `weightFrom` on). */
  readonly weight?: number;
  /** Worker threads (0 = this thread). @default {2} */
  readonly workers?: number;
  /** The built worker script. @default {findWorkerScript()} */
  readonly workerScript?: URL;
  /** Start Adam afresh even if the student has a state. @default {false} */
  readonly resetOptimizer?: boolean;
  /** Called after every step. */
  readonly log?: (entry: TrainingLogEntry) => void;
  /** Keep every `logEvery`-th step in the checkpoint's log (the last step always). @default {10} */
  readonly logEvery?: number;
  /** Stops training after the current step. */
  readonly signal?: AbortSignal;
}

/** An example the trainer left out, and why. */
export interface SkippedExample {
  readonly index: number;
  readonly reason: string;
}

/** What {@linkcode trainStudent} returns. */
export interface TrainStudentResult {
  /** The trained student (with Adam's state and the log extended). */
  readonly student: StudentCheckpoint;
  readonly steps: number;
  /** Non-padding target tokens trained on. */
  readonly tokens: number;
  /** Target positions computed, padding included. */
  readonly paddedTokens: number;
  readonly elapsedMs: number;
  readonly tokensPerSecond: number;
  /** Worker threads actually used (0 = in-thread). */
  readonly workers: number;
  readonly skipped: readonly SkippedExample[];
  /** Mean weighted loss over the last (up to) 20 steps. */
  readonly finalLoss: number;
}

interface Engine {
  compute(weights: readonly Float32Array[], batch: ReturnType<typeof makeBatch>): Promise<GradientResult>;
  close(): Promise<void>;
}

function describeEncodeError(error: EncodeError): string {
  return error.type === "too-long"
    ? `too long: ${error.length} positions, context ${error.context}`
    : describeUnknownCharacter(error);
}

function checkInteger(name: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`Cannot train the student as '${name}' must be an integer ≥ ${minimum}: current value is ${value}`);
  }
}

/** Encodes examples for a student, separating those it cannot read. */
export function encodeExamples(
  student: StudentCheckpoint,
  examples: readonly TrainingText[],
  weight?: number,
): { encoded: EncodedExample[]; skipped: SkippedExample[] } {
  const encoded: EncodedExample[] = [];
  const skipped: SkippedExample[] = [];
  examples.forEach((example, index) => {
    const result = encodeExample(student.tokenizer, student.config.context, example, weight);
    if (E.isLeft(result)) skipped.push({ index, reason: describeEncodeError(result.left) });
    else encoded.push(result.right);
  });
  return { encoded, skipped };
}

async function startEngines(student: StudentCheckpoint, workers: number, script: URL | undefined): Promise<{ engines: Engine[]; workers: number }> {
  if (workers > 0 && script !== undefined) {
    const started = await Promise.all(Array.from({ length: workers }, () => startTrainingWorker(script, student.config)));
    return { engines: started, workers };
  }
  await initTfjs();
  const local = createLocalGradients(student.config);
  return {
    engines: [{
      compute: (weights, batch) => Promise.resolve(local.compute(weights, batch)),
      close: () => Promise.resolve(local.dispose()),
    }],
    workers: 0,
  };
}

/**
 * Trains a student on weighted examples and returns the new student (nothing is written; use
 * `saveCheckpoint`). Examples the tokenizer cannot read or that exceed the context are skipped
 * and listed.
 *
 * @throws {RangeError} On an invalid option, or when no example can be used.
 * @example Ten steps on a toy corpus, in-thread
 * ```ts
 * const student = createCheckpoint(createTokenizer(), { dModel: 16, layers: 1, heads: 2, context: 32 });
 * const examples = [{ text: "1+1=2", weightFrom: 5, weight: 1 }];
 * const result = await trainStudent({ student, examples, steps: 10, workers: 0 });
 * assertEquals(result.steps, 10);
 * ```
 */
export async function trainStudent(options: TrainStudentOptions): Promise<TrainStudentResult> {
  const {
    student,
    examples,
    epochs = 1,
    timeBudgetMs = Number.POSITIVE_INFINITY,
    batchSize = 32,
    lr = 3e-3,
    minLrRatio = 0.1,
    clip = 1,
    seed = 0,
    workers = 2,
    resetOptimizer = false,
    logEvery = 10,
  } = options;
  checkInteger("batchSize", batchSize, 1);
  checkInteger("workers", workers, 0);
  checkInteger("logEvery", logEvery, 1);
  if (options.steps === undefined) checkInteger("epochs", epochs, 1);
  if (!(lr > 0)) throw new RangeError(`Cannot train the student as 'lr' must be positive: current value is ${lr}`);
  if (options.weight !== undefined && !(options.weight >= 0)) {
    throw new RangeError(`Cannot train the student as 'weight' must be ≥ 0: current value is ${options.weight}`);
  }
  const { encoded, skipped } = encodeExamples(student, examples, options.weight);
  if (encoded.length === 0) {
    throw new RangeError(`Cannot train the student as no example can be used: current value is ${examples.length} examples, ${skipped.length} skipped${skipped[0] === undefined ? "" : ` (first: ${skipped[0].reason})`}`);
  }
  const stepsPerEpoch = Math.ceil(encoded.length / batchSize);
  const totalSteps = options.steps ?? stepsPerEpoch * epochs;
  checkInteger("steps", totalSteps, 1);
  const warmup = options.warmup ?? Math.round(totalSteps * 0.1);
  checkInteger("warmup", warmup, 0);

  const weights = student.weights.map((values) => new Float32Array(values));
  const optimizer: AdamState = student.optimizer !== undefined && !resetOptimizer
    ? { step: student.optimizer.step, m: student.optimizer.m.map((values) => new Float32Array(values)), v: student.optimizer.v.map((values) => new Float32Array(values)) }
    : createAdamState(weights);
  const log: TrainingLogEntry[] = [...student.log];
  const prng = createPrng(seed);
  const script = workers > 0 ? options.workerScript ?? findWorkerScript() : undefined;
  const started = await startEngines(student, workers, script);
  const engines = started.engines;

  const start = performance.now();
  let order: number[] = [];
  let cursor = 0;
  let epoch = 0;
  let tokens = 0;
  let paddedTokens = 0;
  let step = 0;
  const recent: number[] = [];
  try {
    for (; step < totalSteps; step++) {
      if (options.signal?.aborted === true || performance.now() - start > timeBudgetMs) break;
      if (cursor >= order.length) {
        order = prng.fork(`epoch-${epoch}`).shuffle(encoded.map((_, index) => index));
        cursor = 0;
        epoch += 1;
      }
      const chosen = order.slice(cursor, cursor + batchSize).map((index) => encoded[index] as EncodedExample);
      cursor += batchSize;
      const parts = engines.length === 1 ? [chosen] : splitForWorkers(chosen, engines.length);
      const batches = parts.map((part) => makeBatch(part));
      const results = await Promise.all(batches.map((batch, index) => (engines[index] as Engine).compute(weights, batch)));
      // At least 1: a batch whose every target is masked contributes no gradient.
      const maskSum = Math.max(1, results.reduce((sum, result) => sum + result.maskSum, 0));
      const lossSum = results.reduce((sum, result) => sum + result.lossSum, 0);
      const gradients = (results[0] as GradientResult).gradients;
      for (const result of results.slice(1)) {
        result.gradients.forEach((values, parameter) => {
          const total = gradients[parameter] as Float32Array;
          for (let index = 0; index < values.length; index++) total[index] = (total[index] as number) + (values[index] as number);
        });
      }
      for (const values of gradients) {
        for (let index = 0; index < values.length; index++) values[index] = (values[index] as number) / maskSum;
      }
      const gradNorm = clipGradients(gradients, clip);
      // Under a time budget the schedule follows whichever runs out first, steps or time, so the
      // rate has decayed when the budget ends.
      const elapsedShare = Number.isFinite(timeBudgetMs) ? (performance.now() - start) / timeBudgetMs : 0;
      const progress = Math.max(step, Math.floor(elapsedShare * totalSteps));
      const rate = learningRateAt(progress, { lr, warmupSteps: warmup, totalSteps, minRatio: minLrRatio });
      adamStep(weights, gradients, optimizer, rate);
      tokens += maskSum;
      paddedTokens += batches.reduce((sum, batch) => sum + batch.batch * batch.time, 0);
      const loss = lossSum / maskSum;
      recent.push(loss);
      if (recent.length > 20) recent.shift();
      const entry: TrainingLogEntry = {
        step: optimizer.step,
        epoch: epoch - 1 + cursor / Math.max(order.length, 1),
        loss,
        lr: rate,
        gradNorm,
        tokens: maskSum,
        elapsedMs: Math.round(performance.now() - start),
        workers: started.workers,
      };
      options.log?.(entry);
      if (step % logEvery === 0 || step === totalSteps - 1) log.push(entry);
    }
  } finally {
    await Promise.all(engines.map((engine) => engine.close()));
  }
  const elapsedMs = performance.now() - start;
  return {
    student: { config: student.config, tokenizer: student.tokenizer, weights, optimizer, log },
    steps: step,
    tokens,
    paddedTokens,
    elapsedMs,
    tokensPerSecond: tokens / (elapsedMs / 1000),
    workers: started.workers,
    skipped,
    finalLoss: recent.length === 0 ? Number.NaN : recent.reduce((sum, value) => sum + value, 0) / recent.length,
  };
}

/** Mean cross-entropies of a student on examples, overall and on each side of `weightFrom`. */
export interface StudentLoss {
  /** Mean CE per target token (EOS included), unweighted. */
  readonly loss: number;
  /** Mean CE on targets before `weightFrom` (NaN if none). */
  readonly before: number;
  /** Mean CE on targets at or after `weightFrom` (NaN if none). */
  readonly from: number;
  readonly tokens: number;
}

/** Options for {@linkcode evaluateStudentLoss}. */
export interface EvaluateStudentLossOptions {
  /** Examples per forward pass. @default {64} */
  readonly batchSize?: number;
}

/**
 * The student's unweighted cross-entropy on examples, on this thread, split by `weightFrom`
 * (for checking what a weighted loss did and did not train).
 */
export async function evaluateStudentLoss(
  student: StudentCheckpoint,
  examples: readonly TrainingText[],
  options: EvaluateStudentLossOptions = {},
): Promise<StudentLoss> {
  const { batchSize = 64 } = options;
  await initTfjs();
  const { encoded } = encodeExamples(student, examples, 1);
  const params = createParams(student.config, student.weights);
  const sums = { all: 0, before: 0, from: 0 };
  const counts = { all: 0, before: 0, from: 0 };
  try {
    for (let offset = 0; offset < encoded.length; offset += batchSize) {
      const part = encoded.slice(offset, offset + batchSize);
      const batch = makeBatch(part);
      const ce = tf.tidy(() => tokenCrossEntropy(params, student.config, batch).dataSync());
      part.forEach((example, row) => {
        for (let target = 0; target < example.weighted.length; target++) {
          const value = ce[row * batch.time + target] as number;
          sums.all += value;
          counts.all += 1;
          if (example.weighted[target] === 1) {
            sums.from += value;
            counts.from += 1;
          } else {
            sums.before += value;
            counts.before += 1;
          }
        }
      });
    }
  } finally {
    disposeParams(params);
  }
  return {
    loss: sums.all / counts.all,
    before: counts.before === 0 ? Number.NaN : sums.before / counts.before,
    from: counts.from === 0 ? Number.NaN : sums.from / counts.from,
    tokens: counts.all,
  };
}
