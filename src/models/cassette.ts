/**
 * Record and strict replay of model calls. A *cassette* is a JSONL file, one line per call:
 * `{ key, sample, request, response }` (codec `CassetteEntry`). Recording wraps a live Model and
 * appends each completed call; replay serves calls from the cassette and fails, fatally, on any
 * call it does not hold. One cassette and one seed give the same run, byte for byte.
 *
 * **Keys and samples.** A call's key is `requestKey(request, sample)`: the SHA-256 hex of the
 * canonical JSON of `{ request, sample }`. A request with `n > 1` is *one* call whose response
 * has `n` choices. Repeated identical requests (the same prompt sampled five times at
 * temperature 1) are kept apart by `sample`: either the caller passes it explicitly as the
 * second argument (`model(request, 3)`), or it is the *occurrence index* of that exact request
 * among the calls made through this Model instance (0 for the first, 1 for the second…), taken
 * when the Model function is called (so a retry of the returned Observable is the same sample).
 * Occurrence order is deterministic only when identical requests are issued in a deterministic
 * order: in concurrent pipelines give each item its own `seed` in the request, or pass `sample`.
 *
 * **Secrets.** Only the `ModelRequest` is stored, re-decoded through its exact codec, which
 * strips any field it does not define: no API key, no headers can reach a cassette.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import { defer, type Observable, of, tap, throwError } from "rxjs";
import { CassetteEntry } from "../codecs/cassette_entry.js";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import { ModelRequest, type ModelResponse } from "../codecs/model_call.js";
import { createRequestKeyer, type KeyedCall } from "../streams/canonical_json.js";
import { parseJsonlLine } from "../streams/read_jsonl.js";
import { openJsonlAppender } from "../streams/write_jsonl.js";
import type { Model } from "./model.js";

/**
 * A Model that also accepts an explicit sample index. It is a {@linkcode Model} (the second
 * argument is optional); without it, calls are numbered by occurrence.
 */
export type SampledModel = (request: ModelRequest, sample?: number) => Observable<ModelResponse>;

const marker = Symbol.for("tripost.CassetteMissError");

/**
 * Strict replay met a call the cassette does not hold. Fatal: it ends the run (a replayed run
 * that would reach a live model is a broken test, not a per-item failure).
 *
 * @example
 * ```ts
 * const error = new CassetteMissError("9f86d0…", 0);
 * assert(CassetteMissError.isInstance(error) && error.fatal);
 * ```
 */
export class CassetteMissError extends Error {
  readonly [marker] = true;
  /** Always true: no retry, no rejection, the run stops. */
  readonly fatal = true;
  /** The key that was missing. */
  readonly key: string;
  /** The sample index of the call. */
  readonly sample: number;

  constructor(key: string, sample: number, options: { cause?: unknown } = {}) {
    super(
      `Cannot replay model call as the cassette has no entry for its key: current value is ${key} (sample ${sample})`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "CassetteMissError";
    this.key = key;
    this.sample = sample;
  }

  /** Whether `error` is a CassetteMissError, also across copies of this package. */
  static isInstance(error: unknown): error is CassetteMissError {
    return typeof error === "object" && error !== null && (error as { [marker]?: unknown })[marker] === true;
  }
}

/** Options for {@linkcode recordModel}. */
export interface RecordModelOptions {
  /** Whether to empty an existing cassette first instead of appending to it. @default {false} */
  truncate?: boolean;
  /** fsync after this many entries (0: only on `close()`). Each line is written at once regardless. @default {0} */
  syncEvery?: number;
}

/** A recording Model, with the handle that closes its cassette. */
export type RecordingModel = SampledModel & {
  /** The cassette file. */
  readonly path: string;
  /** Syncs and closes the cassette. */
  close(): void;
};

/**
 * Wraps `model` so that every completed call is appended to the cassette at `cassettePath` as
 * one whole line `{ key, sample, request, response }`, written with one `writeSync` as the
 * response arrives. Failed calls are not recorded.
 *
 * @param model The live model.
 * @param cassettePath The JSONL cassette.
 * @param options Truncation and sync cadence.
 * @returns The recording model.
 *
 * @example Record, then replay strictly
 * ```ts
 * const recording = recordModel(live, path, { truncate: true });
 * const first = await firstValueFrom(recording({ prompt: "2+2=" }));
 * recording.close();
 * const replay = replayModel(path);
 * assertEquals(await firstValueFrom(replay({ prompt: "2+2=" })), first);
 * ```
 */
export function recordModel(model: Model, cassettePath: string, options: RecordModelOptions = {}): RecordingModel {
  const { truncate = false, syncEvery = 0 } = options;
  const appender = openJsonlAppender(cassettePath, { truncate, syncEvery });
  const keyer = createRequestKeyer();
  const recording = (request: ModelRequest, sample?: number): Observable<ModelResponse> => {
    const prepared = prepare(request, keyer, sample);
    if (E.isLeft(prepared)) return throwError(() => prepared.left);
    const { clean, call } = prepared.right;
    return defer(() =>
      model(clean).pipe(
        tap((response) => {
          const entry: CassetteEntry = { key: call.key, sample: call.sample, request: clean, response };
          appender.append(CassetteEntry.encode(entry));
        }),
      )
    );
  };
  return Object.assign(recording, { path: cassettePath, close: () => appender.close() });
}

/**
 * Reads a cassette file. Every line must be a valid `CassetteEntry`.
 *
 * @param path The JSONL cassette.
 * @returns The entries, in file order.
 * @throws {SyntaxError} Naming the file, line and field of the first invalid line.
 *
 * @example
 * ```ts
 * const entries = loadCassette("fixtures/word_sorting/expert.jsonl");
 * const model = replayModel(entries);
 * ```
 */
export function loadCassette(path: string): CassetteEntry[] {
  const decode = decodeWith(CassetteEntry);
  const entries: CassetteEntry[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  for (const [index, text] of lines.entries()) {
    if (text.trim() === "") continue;
    const result = parseJsonlLine(text.endsWith("\r") ? text.slice(0, -1) : text, index + 1, path, decode);
    if (E.isLeft(result)) {
      throw new SyntaxError(`Cannot load cassette as ${result.left.message}`);
    }
    entries.push(result.right.value);
  }
  return entries;
}

/**
 * A Model that serves calls from a cassette only, keyed as {@linkcode recordModel} keys them.
 * A call the cassette does not hold errors with {@linkcode CassetteMissError} (fatal, naming
 * the key). Repeated identical requests get the 1st, 2nd, 3rd… recorded answers.
 *
 * @param cassette The entries, or the path of a cassette file (read at once, synchronously).
 * @returns The replaying model. Responses are emitted synchronously on subscription.
 * @throws {SyntaxError} When the cassette file has an invalid line.
 *
 * @example Five samples of one prompt replay as five different answers
 * ```ts
 * const replay = replayModel(path);
 * const request = { prompt: "Tell a joke", temperature: 1 };
 * const answers = [];
 * for (let draw = 0; draw < 5; draw++) answers.push(await firstValueFrom(replay(request)));
 * assertEquals(new Set(answers.map((answer) => answer.choices[0]?.text)).size, 5);
 * ```
 */
export function replayModel(cassette: readonly CassetteEntry[] | string): SampledModel {
  const entries = typeof cassette === "string" ? loadCassette(cassette) : cassette;
  const responses = new Map<string, ModelResponse>();
  for (const entry of entries) {
    if (!responses.has(entry.key)) responses.set(entry.key, entry.response);
  }
  const keyer = createRequestKeyer();
  return (request, sample) => {
    const prepared = prepare(request, keyer, sample);
    if (E.isLeft(prepared)) return throwError(() => prepared.left);
    const { call } = prepared.right;
    return defer(() => {
      const response = responses.get(call.key);
      return response === undefined ? throwError(() => new CassetteMissError(call.key, call.sample)) : of(response);
    });
  };
}

interface Prepared {
  readonly clean: ModelRequest;
  readonly call: KeyedCall;
}

const decodeRequest = decodeWith(ModelRequest);

/** Strips the request to its codec's fields (no key, no headers) and assigns its key. */
function prepare(
  request: ModelRequest,
  keyer: (request: unknown, sample?: number) => KeyedCall,
  sample: number | undefined,
): E.Either<Error, Prepared> {
  const decoded = decodeRequest(request);
  if (E.isLeft(decoded)) {
    return E.left(new TypeError(`Cannot key model call as the request is invalid: ${describeFailure(decoded.left)}`));
  }
  const clean = decoded.right;
  return E.tryCatch(
    () => ({ clean, call: keyer(clean, sample) }),
    (error) => error instanceof Error ? error : new Error(String(error)),
  );
}
