/**
 * One limiter per endpoint, shared by every stage that calls it: calls in flight (adaptive,
 * AIMD), requests per minute and tokens per minute (token buckets), and the server's
 * `x-ratelimit-*` headers. Waiting calls queue first in, first out; a waiter that unsubscribes
 * leaves the queue. All timing goes through an rxjs scheduler, so marble tests run in virtual time.
 *
 * @module
 */
import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from "rxjs";
import { parseGoDuration } from "./_go_duration.js";
import { TokenBucket } from "./_token_bucket.js";
import { headerValue, type HeaderRecord } from "./retry_transient.js";

/** Options for {@linkcode createEndpointLimiter}. */
export interface EndpointLimiterOptions {
  /** Most calls in flight at once (the ceiling of the adaptive limit). @default {16} */
  maxInFlight?: number;
  /** Requests per minute; unlimited when absent. */
  requestsPerMinute?: number;
  /** Requests that may start back to back before the rate applies. @default {ceil(requestsPerMinute / 60)} */
  requestsBurst?: number;
  /** Tokens per minute (estimated, then corrected by the actual usage); unlimited when absent. */
  tokensPerMinute?: number;
  /** Tokens that may be spent back to back. @default {ceil(tokensPerMinute / 60)} */
  tokensBurst?: number;
  /**
   * Adapt the in-flight limit: halve it on a rate-limit error, add one after every
   * `increaseAfter` successes, up to `maxInFlight`. @default {true}
   */
  adaptive?: boolean;
  /** Successes per +1 of the adaptive limit. @default {10} */
  increaseAfter?: number;
  /** Whether an error is a rate-limit refusal. @default {reads `error.status === 429`} */
  isRateLimited?: (error: unknown) => boolean;
  /** The server's wait hint of an error; the whole endpoint pauses that long. @default {reads `error.retryAfterMs`} */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** Scheduler of the waits. @default {asyncScheduler} */
  scheduler?: SchedulerLike;
}

/** What one limited call costs and how to learn its real cost. */
export interface LimitCost<T> {
  /** Estimated tokens of the call. @default {0} */
  tokens?: number;
  /** The actual tokens, read from a result; corrects the tokens-per-minute bucket. */
  actualTokens?: (value: T) => number | undefined;
}

/** A snapshot of a limiter's state. */
export interface EndpointLimiterStats {
  readonly inFlight: number;
  readonly queued: number;
  /** The current (adaptive) in-flight limit. */
  readonly limit: number;
}

/** A limiter shared by every caller of one endpoint. */
export interface EndpointLimiter {
  /** A cold Observable that subscribes to `source` when the limits allow, and counts it until it ends. */
  limit<T>(source: Observable<T>, cost?: LimitCost<T>): Observable<T>;
  /** Reads `x-ratelimit-remaining-*` and `x-ratelimit-reset-*` from a response. */
  observeHeaders(headers: HeaderRecord): void;
  /** The current state. */
  stats(): EndpointLimiterStats;
}

interface Waiter {
  readonly tokens: number;
  cancelled: boolean;
  start(sequence: number): void;
}

function readStatus429(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { status?: unknown }).status === 429;
}

function readRetryAfterMs(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function checkPositive(name: string, value: number | undefined, allowInfinity: boolean): void {
  if (value === undefined) return;
  if (Number.isNaN(value) || value <= 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new RangeError(`Cannot create an endpoint limiter as '${name}' must be a positive number: current value is ${value}`);
  }
}

class Limiter implements EndpointLimiter {
  readonly #max: number;
  readonly #adaptive: boolean;
  readonly #increaseAfter: number;
  readonly #isRateLimited: (error: unknown) => boolean;
  readonly #retryAfterMs: (error: unknown) => number | undefined;
  readonly #scheduler: SchedulerLike;
  readonly #requests: TokenBucket | undefined;
  readonly #tokens: TokenBucket | undefined;
  #limit: number;
  #inFlight = 0;
  #successes = 0;
  #queue: Waiter[] = [];
  #head = 0;
  #queued = 0;
  #blockedUntil = -Infinity;
  #sequence = 0;
  #decreasedAt = -1;
  #timer: Subscription | undefined = undefined;
  #timerAt = Infinity;
  #pumping = false;
  #again = false;

  constructor(options: EndpointLimiterOptions) {
    const { maxInFlight = 16, adaptive = true, increaseAfter = 10, scheduler = asyncScheduler } = options;
    checkPositive("maxInFlight", maxInFlight, true);
    if (Number.isFinite(maxInFlight) && !Number.isInteger(maxInFlight)) {
      throw new RangeError(`Cannot create an endpoint limiter as 'maxInFlight' must be an integer: current value is ${maxInFlight}`);
    }
    checkPositive("requestsPerMinute", options.requestsPerMinute, false);
    checkPositive("tokensPerMinute", options.tokensPerMinute, false);
    checkPositive("requestsBurst", options.requestsBurst, false);
    checkPositive("tokensBurst", options.tokensBurst, false);
    checkPositive("increaseAfter", increaseAfter, false);
    this.#max = maxInFlight;
    this.#limit = maxInFlight;
    this.#adaptive = adaptive;
    this.#increaseAfter = increaseAfter;
    this.#isRateLimited = options.isRateLimited ?? readStatus429;
    this.#retryAfterMs = options.retryAfterMs ?? readRetryAfterMs;
    this.#scheduler = scheduler;
    const now = scheduler.now();
    if (options.requestsPerMinute !== undefined) {
      const burst = options.requestsBurst ?? Math.max(1, Math.ceil(options.requestsPerMinute / 60));
      this.#requests = new TokenBucket(options.requestsPerMinute, burst, now);
    }
    if (options.tokensPerMinute !== undefined) {
      const burst = options.tokensBurst ?? Math.max(1, Math.ceil(options.tokensPerMinute / 60));
      this.#tokens = new TokenBucket(options.tokensPerMinute, burst, now);
    }
  }

  stats(): EndpointLimiterStats {
    return { inFlight: this.#inFlight, queued: this.#queued, limit: this.#limit };
  }

  limit<T>(source: Observable<T>, cost: LimitCost<T> = {}): Observable<T> {
    const tokens = cost.tokens ?? 0;
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let running = false;
      let released = false;
      let sequence = 0;
      const release = (): void => {
        if (released) return;
        released = true;
        this.#inFlight--;
        this.#pump();
      };
      const waiter: Waiter = {
        tokens,
        cancelled: false,
        start: (started) => {
          running = true;
          sequence = started;
          inner = source.subscribe({
            next: (value) => {
              const actual = cost.actualTokens?.(value);
              if (actual !== undefined && this.#tokens !== undefined) {
                this.#tokens.adjust(tokens - actual, this.#scheduler.now());
              }
              subscriber.next(value);
            },
            error: (error: unknown) => {
              this.#onError(error, sequence);
              release();
              subscriber.error(error);
            },
            complete: () => {
              this.#onSuccess();
              release();
              subscriber.complete();
            },
          });
        },
      };
      this.#enqueue(waiter);
      return () => {
        if (!running) {
          if (!waiter.cancelled) {
            waiter.cancelled = true;
            this.#queued--;
          }
          return;
        }
        inner?.unsubscribe();
        release();
      };
    });
  }

  observeHeaders(headers: HeaderRecord): void {
    const now = this.#scheduler.now();
    const remainingRequests = Number(headerValue(headers, "x-ratelimit-remaining-requests"));
    const resetRequests = parseGoDuration(headerValue(headers, "x-ratelimit-reset-requests"));
    if (Number.isInteger(remainingRequests) && remainingRequests === 0 && resetRequests !== undefined && resetRequests > 0) {
      this.#blockedUntil = Math.max(this.#blockedUntil, now + Math.min(resetRequests, 60_000));
    }
    const remainingTokens = Number(headerValue(headers, "x-ratelimit-remaining-tokens"));
    const resetTokens = parseGoDuration(headerValue(headers, "x-ratelimit-reset-tokens"));
    if (Number.isFinite(remainingTokens) && remainingTokens >= 0 && headerValue(headers, "x-ratelimit-remaining-tokens")?.trim() !== "") {
      this.#tokens?.capAt(remainingTokens, now);
      if (remainingTokens === 0 && resetTokens !== undefined && resetTokens > 0) {
        this.#blockedUntil = Math.max(this.#blockedUntil, now + Math.min(resetTokens, 60_000));
      }
    }
  }

  #onSuccess(): void {
    if (!this.#adaptive || this.#limit >= this.#max) return;
    this.#successes++;
    if (this.#successes >= this.#increaseAfter) {
      this.#successes = 0;
      this.#limit++;
    }
  }

  #onError(error: unknown, sequence: number): void {
    if (!this.#isRateLimited(error)) return;
    const wait = this.#retryAfterMs(error);
    if (wait !== undefined) {
      this.#blockedUntil = Math.max(this.#blockedUntil, this.#scheduler.now() + Math.min(wait, 60_000));
    }
    // Halve once per round trip: a 429 of a call that started before the last decrease does not count again.
    if (this.#adaptive && sequence > this.#decreasedAt) {
      const base = Number.isFinite(this.#limit) ? this.#limit : Math.max(1, this.#inFlight);
      this.#limit = Math.max(1, Math.floor(base / 2));
      this.#successes = 0;
      this.#decreasedAt = this.#sequence;
    }
  }

  #enqueue(waiter: Waiter): void {
    this.#queue.push(waiter);
    this.#queued++;
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        this.#drain();
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
  }

  #drain(): void {
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head] as Waiter;
      if (waiter.cancelled) {
        this.#shift();
        continue;
      }
      if (this.#inFlight >= this.#limit) return;
      const now = this.#scheduler.now();
      const wait = Math.max(
        this.#blockedUntil - now,
        this.#requests?.waitMs(1, now) ?? 0,
        this.#tokens?.waitMs(waiter.tokens, now) ?? 0,
      );
      if (wait > 0) {
        this.#wakeAt(now + wait, now);
        return;
      }
      this.#shift();
      this.#queued--;
      this.#requests?.take(1, now);
      this.#tokens?.take(waiter.tokens, now);
      this.#inFlight++;
      waiter.start(++this.#sequence);
    }
  }

  #shift(): void {
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #wakeAt(time: number, now: number): void {
    if (this.#timer !== undefined && this.#timerAt <= time) return;
    this.#timer?.unsubscribe();
    this.#timerAt = time;
    this.#timer = this.#scheduler.schedule(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#pump();
    }, Math.max(0, time - now));
  }
}

/**
 * Creates a limiter for one endpoint. Share the one instance between all stages that call it.
 *
 * @example At most two calls in flight
 * ```ts
 * const limiter = createEndpointLimiter({ maxInFlight: 2, requestsPerMinute: 600 });
 * const limited = limitModel(model, limiter);
 * ```
 */
export function createEndpointLimiter(options: EndpointLimiterOptions = {}): EndpointLimiter {
  return new Limiter(options);
}

/** The request fields the default token estimate reads (an OpenAI-style model request). */
export interface TokenEstimateRequest {
  readonly prompt?: string;
  readonly messages?: readonly { readonly content: string }[];
  readonly maxTokens?: number;
  readonly n?: number;
}

/** The response fields the default token correction reads. */
export interface TokenUsageResponse {
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
}

/**
 * Estimated tokens of a request: prompt characters / 4, plus `maxTokens` × `n` (256 when no
 * `maxTokens` is given).
 *
 * @example
 * ```ts
 * assertEquals(estimateTokens({ prompt: "12345678", maxTokens: 10, n: 2 }), 22);
 * ```
 */
export function estimateTokens(request: TokenEstimateRequest): number {
  let characters = request.prompt?.length ?? 0;
  for (const message of request.messages ?? []) characters += message.content.length;
  return Math.ceil(characters / 4) + (request.maxTokens ?? 256) * (request.n ?? 1);
}

/** Options for {@linkcode limitModel}. */
export interface LimitModelOptions<Request, Response> {
  /** Estimated tokens of a request. @default {estimateTokens} */
  estimate?: (request: Request) => number;
  /** The actual tokens of a response. @default {reads `usage.promptTokens + usage.completionTokens`} */
  actualTokens?: (response: Response) => number | undefined;
}

function usageTokens(response: unknown): number | undefined {
  const usage = (response as TokenUsageResponse | undefined)?.usage;
  return usage === undefined ? undefined : usage.promptTokens + usage.completionTokens;
}

/**
 * Wraps a model function (request → cold Observable) so every call goes through `limiter`.
 *
 * @example Share one limiter between two stages
 * ```ts
 * const limiter = createEndpointLimiter({ maxInFlight: 8 });
 * const student = limitModel(studentModel, limiter);
 * const expert = limitModel(expertModel, limiter);
 * ```
 */
export function limitModel<Request, Response>(
  model: (request: Request) => Observable<Response>,
  limiter: EndpointLimiter,
  options: LimitModelOptions<Request, Response> = {},
): (request: Request) => Observable<Response> {
  const estimate = options.estimate ?? ((request: Request) => estimateTokens(request as TokenEstimateRequest));
  const actualTokens = options.actualTokens ?? usageTokens;
  return (request) => limiter.limit(model(request), { tokens: estimate(request), actualTokens });
}

/**
 * The limiter as an operator on a cold source: the subscription waits for a slot.
 *
 * @example
 * ```ts
 * const limited$ = call$.pipe(limitEndpoint(limiter));
 * ```
 */
export function limitEndpoint<T>(limiter: EndpointLimiter, cost?: LimitCost<T>): MonoTypeOperatorFunction<T> {
  return (source) => limiter.limit(source, cost);
}
