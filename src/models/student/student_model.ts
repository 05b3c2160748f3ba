/**
 * The embedded student as a {@linkcode Model}: requests are gathered into micro-batches and
 * decoded together with the key/value cache ({@linkcode createSampler}).
 *
 * ## Mapping a request
 *
 * - `prompt` is continued as is; for `messages`, the prompt is the concatenation of the
 *   messages' contents in order, with nothing in between and no role markers (the student is a
 *   plain continuation model: the caller puts any separators it wants inside the contents).
 * - `temperature` defaults to 1 and `topP` to 1 (as OpenAI's); temperature 0 is greedy.
 * - `maxTokens` defaults to "until EOS or a full context"; `stop` cuts the text at the first stop string.
 * - `n` samples (default 1) are `n` rows of the batch. With a request `seed`, sample 0 uses that
 *   seed and sample `i > 0` a hash of (seed, i); without one, the base seed is a hash of the prompt
 *   and the model's `seed` option — so the same request gives the same answer whatever else is
 *   being decoded, and in whatever order requests arrive.
 * - `usage.promptTokens` counts BOS + the prompt's characters (once, as OpenAI counts it for
 *   `n > 1`); `usage.completionTokens` sums the tokens sampled by all `n` samples, EOS included.
 *
 * A prompt with a character the tokenizer does not know fails the request's Observable with a
 * `RangeError`. A prompt that fills the context gives empty text with finish reason `length`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { forkJoin, map, Observable, throwError } from "rxjs";
import type { ModelRequest, ModelResponse } from "../../codecs/model_call.js";
import { hash32 } from "../../util/prng.js";
import type { Model } from "../model.js";
import { describeCheckpointError, loadCheckpoint } from "./checkpoint.js";
import { createMicroBatcher, type MicroBatcherStats } from "./micro_batcher.js";
import { createParams, disposeParams } from "./model.js";
import { createSampler, type LoadedStudent, type Sampler, type SampleResult, type SampleRow } from "./sampler.js";
import { initTfjs } from "./tfjs.js";

/** Options for {@linkcode createStudentModel}. */
export interface StudentModelOptions {
  /** The name the model answers to (`ModelResponse.model`, the server's `/v1/models`). @default {"student"} */
  readonly modelName?: string;
  /** Most rows (samples) decoded together. @default {64} */
  readonly maxBatch?: number;
  /** How long the first waiting request waits for others. @default {5} */
  readonly maxWaitMs?: number;
  /** Decode with the key/value cache. @default {true} */
  readonly cache?: boolean;
  /** Mixed into the seed of requests that carry none. @default {0} */
  readonly seed?: number;
}

/** One sample to decode through the model's micro-batcher (see {@linkcode SampleRow}). */
export type StudentSampleRequest = Omit<SampleRow, "isCancelled">;

/** The embedded student: a {@linkcode Model} with a lower-level, streaming-capable entry point. */
export interface StudentModel extends Model {
  readonly modelName: string;
  /** The loaded student (loads the checkpoint on first call). */
  ready(): Promise<LoadedStudent>;
  /**
   * One sample through the micro-batcher: subscribing queues it, unsubscribing removes it (or
   * drops it while its batch decodes). Its `onText` streams the text.
   */
  sample(request: StudentSampleRequest): Observable<SampleResult>;
  /** Batches decoded so far. */
  stats(): MicroBatcherStats;
  /** Frees the sampler's tensors, and the weights if this model loaded them. */
  close(): Promise<void>;
}

/**
 * Reads a checkpoint directory into a student ready for sampling (starts tfjs).
 *
 * @throws {Error} When the checkpoint cannot be read; the message names the file at fault.
 */
export async function loadStudent(directory: string): Promise<LoadedStudent> {
  await initTfjs();
  const loaded = await loadCheckpoint(directory);
  if (E.isLeft(loaded)) {
    throw new Error(`Cannot load the student as ${describeCheckpointError(loaded.left)}`);
  }
  const { config, tokenizer, weights } = loaded.right;
  return { config, tokenizer, params: createParams(config, weights) };
}

/**
 * The prompt of a request: `prompt` itself, or the contents of `messages` concatenated in order.
 *
 * @example Messages
 * ```ts
 * assertEquals(promptOf({ messages: [{ role: "system", content: "a" }, { role: "user", content: "b" }] }), "ab");
 * ```
 */
export function promptOf(request: ModelRequest): string {
  return "prompt" in request ? request.prompt : request.messages.map((message) => message.content).join("");
}

/** The seed of sample `index` of a request (see the module doc). */
export function sampleSeed(requestSeed: number | undefined, prompt: string, modelSeed: number, index: number): number {
  const base = requestSeed ?? (hash32(prompt) ^ hash32(String(modelSeed))) >>> 0;
  return index === 0 && requestSeed !== undefined ? requestSeed : hash32(`${base}/${index}`);
}

/**
 * Creates the embedded student as a Model, from a checkpoint directory (loaded on first use) or
 * from an already loaded student.
 *
 * @throws {RangeError} When `maxBatch` or `maxWaitMs` is invalid.
 * @example Greedy continuation of a prompt
 * ```ts
 * const model = createStudentModel("fixtures/student/m0-msa");
 * const response = await firstValueFrom(model({ prompt: "((1 + 2) * 3) =\n", temperature: 0, maxTokens: 40 }));
 * assertEquals(response.choices.length, 1);
 * await model.close();
 * ```
 */
export function createStudentModel(source: string | LoadedStudent, options: StudentModelOptions = {}): StudentModel {
  const { modelName = "student", maxBatch = 64, maxWaitMs = 5, cache = true, seed = 0 } = options;
  const owned = typeof source === "string";
  let loading: Promise<{ student: LoadedStudent; sampler: Sampler }> | undefined;
  let closed = false;

  function prepare(): Promise<{ student: LoadedStudent; sampler: Sampler }> {
    loading ??= (async () => {
      const student = typeof source === "string" ? await loadStudent(source) : source;
      return { student, sampler: createSampler(student) };
    })();
    return loading;
  }

  const batcher = createMicroBatcher<StudentSampleRequest, SampleResult>(async (items) => {
    const { sampler } = await prepare();
    const rows = items.map((item): SampleRow => ({ ...item.input, isCancelled: () => item.isCancelled() }));
    return sampler.sample(rows, { cache });
  }, { maxBatch, maxWaitMs });

  function sample(request: StudentSampleRequest): Observable<SampleResult> {
    if (closed) return throwError(() => new TypeError("Cannot sample as the student model is closed"));
    return batcher.submit(request);
  }

  function respond(request: ModelRequest): Observable<ModelResponse> {
    return new Observable<ModelResponse>((subscriber) => {
      const prompt = promptOf(request);
      const n = request.n ?? 1;
      if (!Number.isInteger(n) || n < 1) {
        subscriber.error(new RangeError(`Cannot sample as 'n' must be a positive integer: current value is ${n}`));
        return undefined;
      }
      let inner: { unsubscribe(): void } | undefined;
      let cancelled = false;
      prepare().then(({ student }) => {
        if (cancelled) return;
        const encoded = student.tokenizer.encode(prompt);
        if (E.isLeft(encoded)) {
          subscriber.error(new RangeError(
            `Cannot sample as the prompt has a character the student does not know: current value is ${JSON.stringify(encoded.left.character)} at offset ${encoded.left.offset}`,
          ));
          return;
        }
        const rows = Array.from({ length: n }, (_, index): StudentSampleRequest => ({
          promptIds: encoded.right,
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.topP === undefined ? {} : { topP: request.topP }),
          ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
          ...(request.stop === undefined ? {} : { stop: request.stop }),
          seed: sampleSeed(request.seed, prompt, seed, index),
        }));
        inner = forkJoin(rows.map(sample)).pipe(
          map((results): ModelResponse => ({
            choices: results.map((result) => ({ text: result.text, finishReason: result.finishReason })),
            usage: {
              promptTokens: results[0]?.promptTokens ?? 0,
              completionTokens: results.reduce((sum, result) => sum + result.completionTokens, 0),
            },
            model: modelName,
          })),
        ).subscribe(subscriber);
      }, (error: unknown) => subscriber.error(error));
      return () => {
        cancelled = true;
        inner?.unsubscribe();
      };
    });
  }

  return Object.assign(respond, {
    modelName,
    ready: async () => (await prepare()).student,
    sample,
    stats: () => batcher.stats(),
    async close() {
      if (closed) return;
      closed = true;
      if (loading === undefined) return;
      const { student, sampler } = await loading;
      sampler.dispose();
      if (owned) disposeParams(student.params);
    },
  });
}
