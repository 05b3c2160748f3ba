/**
 * Retry of transient failures with exponential backoff, jitter, and the server's `Retry-After`
 * hints. Domain-free: it knows nothing of models, only of errors that say whether they are
 * retryable and how long the server asked to wait.
 *
 * @module
 */
import { asyncScheduler, retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from "rxjs";
import { createPrng } from "../util/prng.js";

/** The duck-typed shape {@linkcode retryTransient} reads from an error by default. */
export interface TransientError {
  /** Whether trying again may succeed. */
  readonly retryable?: boolean;
  /** How long the server asked to wait before the next try, in milliseconds. */
  readonly retryAfterMs?: number;
}

/** Options for {@linkcode retryTransient}. */
export interface RetryTransientOptions {
  /** Retries after the first attempt (not attempts). @default {2} */
  maxRetries?: number;
  /** Backoff before the first retry, in milliseconds. @default {500} */
  initialDelayMs?: number;
  /** Upper bound of the exponential backoff, in milliseconds. @default {8000} */
  maxDelayMs?: number;
  /** Growth factor of the backoff per retry. @default {2} */
  multiplier?: number;
  /** Fraction of the backoff removed at random (0 = none). @default {0.25} */
  jitter?: number;
  /** Source of jitter in [0, 1). @default {a seeded generator} */
  random?: () => number;
  /** Whether an error is worth retrying. @default {reads `error.retryable === true`} */
  isRetryable?: (error: unknown) => boolean;
  /** The server's wait hint for an error, in milliseconds. @default {reads `error.retryAfterMs`} */
  retryAfterMs?: (error: unknown) => number | undefined;
  /**
   * Longest server hint honoured. A longer hint ends the retries (the error is passed on) rather
   * than retrying earlier than the server asked. @default {60000}
   */
  maxRetryAfterMs?: number;
  /**
   * Added to a server hint: Node's timers run on a cached loop clock and may fire up to a
   * millisecond before the wall-clock deadline. @default {0}
   */
  retryAfterMarginMs?: number;
  /** Scheduler of the waits (virtual time in marble tests). @default {asyncScheduler} */
  scheduler?: SchedulerLike;
  /**
   * Called each time a retry is scheduled (not when the error is passed on), before the wait:
   * for counters and logs (see {@linkcode createRetryCounter}). Must not throw.
   */
  onRetry?: (retry: RetryEvent) => void;
}

/** A retry that {@linkcode retryTransient} scheduled. */
export interface RetryEvent {
  /** The error that is retried. */
  readonly error: unknown;
  /** Which retry this is, from 1. */
  readonly retryCount: number;
  /** The wait before it, in milliseconds. */
  readonly delayMs: number;
}

/** A running count of retries, to hand to {@linkcode RetryTransientOptions.onRetry}. */
export interface RetryCounter {
  /** Retries scheduled so far. */
  readonly count: number;
  /** The hook that counts them. */
  readonly onRetry: (retry: RetryEvent) => void;
}

/**
 * A counter of the retries of every operator (or model) it is passed to, e.g. for progress output.
 *
 * @example Count the retries of two sources
 * ```ts
 * const counter = createRetryCounter();
 * const a$ = source$.pipe(retryTransient({ onRetry: counter.onRetry }));
 * const b$ = other$.pipe(retryTransient({ onRetry: counter.onRetry }));
 * // … later: counter.count
 * ```
 */
export function createRetryCounter(): RetryCounter {
  let count = 0;
  return {
    get count() {
      return count;
    },
    onRetry: () => {
      count += 1;
    },
  };
}

function readRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as TransientError).retryable === true;
}

function readRetryAfterMs(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as TransientError).retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Whether an error is an abort (a cancelled call is never retried).
 *
 * @example
 * ```ts
 * assert(isAbortError(new DOMException("stop", "AbortError")));
 * ```
 */
export function isAbortError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

function checkNonNegative(name: string, value: number, integer: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `Cannot retry as '${name}' must be a non-negative ${integer ? "integer" : "number"}: current value is ${value}`,
    );
  }
}

/**
 * Retries a source that failed with a transient error: at most `maxRetries` times, waiting an
 * exponential backoff with jitter, and never less than the server's `retryAfterMs`. Errors that
 * are not retryable, aborts, and hints over `maxRetryAfterMs` are passed on at once.
 *
 * @example Retry twice in virtual time
 * ```ts
 * createTestScheduler().run(({ cold, expectObservable }) => {
 *   const source = cold("-#", undefined, { retryable: true });
 *   expectObservable(source.pipe(retryTransient({ maxRetries: 2, initialDelayMs: 2, jitter: 0 })))
 *     .toBe("---------#", undefined, { retryable: true });
 * });
 * ```
 */
export function retryTransient<T>(options: RetryTransientOptions = {}): MonoTypeOperatorFunction<T> {
  const {
    maxRetries = 2,
    initialDelayMs = 500,
    maxDelayMs = 8000,
    multiplier = 2,
    jitter = 0.25,
    isRetryable = readRetryable,
    retryAfterMs = readRetryAfterMs,
    maxRetryAfterMs = 60_000,
    retryAfterMarginMs = 0,
    scheduler = asyncScheduler,
    onRetry,
  } = options;
  checkNonNegative("maxRetries", maxRetries, true);
  checkNonNegative("initialDelayMs", initialDelayMs, false);
  checkNonNegative("maxDelayMs", maxDelayMs, false);
  checkNonNegative("maxRetryAfterMs", maxRetryAfterMs, false);
  checkNonNegative("retryAfterMarginMs", retryAfterMarginMs, false);
  if (!Number.isFinite(multiplier) || multiplier < 1) {
    throw new RangeError(`Cannot retry as 'multiplier' must be at least 1: current value is ${multiplier}`);
  }
  if (!Number.isFinite(jitter) || jitter < 0 || jitter > 1) {
    throw new RangeError(`Cannot retry as 'jitter' must be in [0, 1]: current value is ${jitter}`);
  }
  const random = options.random ?? createPrng("retry-transient").next;
  function backoffMs(retryCount: number): number {
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** (retryCount - 1));
    return base * (1 - jitter * random());
  }
  return retry<T>({
    count: maxRetries,
    delay: (error: unknown, retryCount: number) => {
      if (isAbortError(error) || !isRetryable(error)) return throwError(() => error);
      const hint = retryAfterMs(error);
      if (hint !== undefined && hint > maxRetryAfterMs) return throwError(() => error);
      const delayMs = Math.max(backoffMs(retryCount), hint === undefined ? 0 : hint + retryAfterMarginMs);
      onRetry?.({ error, retryCount, delayMs });
      return timer(delayMs, scheduler);
    },
  });
}

/** HTTP response headers as Node and undici give them. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The first value of a header (names are lower case, as Node and undici give them).
 *
 * @example
 * ```ts
 * assertEquals(headerValue({ "retry-after": ["2", "3"] }, "retry-after"), "2");
 * ```
 */
export function headerValue(headers: HeaderRecord, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : value?.[0];
}

function parseMs(text: string | undefined, scale: number): number | undefined {
  if (text === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text) * scale;
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The wait a response's headers ask for, in milliseconds: `retry-after-ms`, then
 * `x-ms-retry-after-ms`, then `retry-after` (seconds or an HTTP date). Garbage is ignored.
 *
 * @example Read a retry-after in seconds
 * ```ts
 * assertEquals(retryAfterFromHeaders({ "retry-after": "2" }), 2000);
 * ```
 */
export function retryAfterFromHeaders(headers: HeaderRecord, now: number = Date.now()): number | undefined {
  const milliseconds = parseMs(headerValue(headers, "retry-after-ms"), 1) ??
    parseMs(headerValue(headers, "x-ms-retry-after-ms"), 1);
  if (milliseconds !== undefined) return milliseconds;
  const retryAfter = headerValue(headers, "retry-after");
  if (retryAfter === undefined) return undefined;
  const seconds = parseMs(retryAfter, 1000);
  if (seconds !== undefined) return seconds;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
