/**
 * Several replicas serving one model (e.g. vLLM behind several base URLs) as one Model: each call
 * goes to the replica with the fewest calls in flight; a replica whose connections fail is set
 * aside for a cool-down and tried again afterwards.
 *
 * @module
 */
import { catchError, defer, finalize, throwError, type Observable } from "rxjs";
import type { ModelRequest, ModelResponse } from "../codecs/model_call.js";
import { retryTransient, type RetryTransientOptions } from "../streams/retry_transient.js";
import { createPrng } from "../util/prng.js";
import { isConnectionFailure, isRetryable } from "./errors.js";
import { createHttpModel, type HttpModel, type HttpModelOptions } from "./http_model.js";
import type { Model } from "./model.js";

/** Options for {@linkcode createEndpointPool}. */
export interface EndpointPoolOptions {
  /** Options of the HTTP models built from base URLs (their own retries are turned off). */
  http?: Omit<HttpModelOptions, "baseUrl" | "maxRetries">;
  /** Retries of a transient failure, each routed afresh (the pool's one retry layer). @default {2} */
  maxRetries?: number;
  /** Backoff of those retries. */
  retry?: Omit<RetryTransientOptions, "maxRetries">;
  /** How long a failing replica is set aside, in milliseconds. @default {5000} */
  coolDownMs?: number;
  /** Whether an error means the replica is unreachable. @default {isConnectionFailure} */
  isReplicaFailure?: (error: unknown) => boolean;
  /** Clock in milliseconds. @default {performance.now} */
  now?: () => number;
}

/** The state of one replica. */
export interface ReplicaStats {
  readonly name: string;
  readonly inFlight: number;
  readonly calls: number;
  readonly failures: number;
  /** Whether it is set aside now. */
  readonly coolingDown: boolean;
}

/** A pool of replicas as one Model. */
export type EndpointPool = Model & {
  /** Per-replica counters. */
  readonly stats: () => readonly ReplicaStats[];
  /** Closes the HTTP models the pool built (not models passed in). */
  readonly close: () => Promise<void>;
};

interface Replica {
  readonly name: string;
  readonly model: Model;
  inFlight: number;
  calls: number;
  failures: number;
  downUntil: number;
}

/**
 * Creates a pool over models or base URLs serving the same model. A call that hits an unreachable
 * replica fails over at once to another one that was not tried for this call; other transient
 * failures are retried `maxRetries` times with backoff, each retry routed afresh.
 *
 * @example Two vLLM replicas
 * ```ts
 * const pool = createEndpointPool(["http://10.0.0.1:8000/v1", "http://10.0.0.2:8000/v1"], {
 *   http: { model: "Qwen2.5-7B-Instruct", endpoint: "chat" },
 * });
 * const response = await firstValueFrom(pool({ messages: [{ role: "user", content: "hi" }] }));
 * await pool.close();
 * ```
 */
export function createEndpointPool(
  replicas: readonly Model[] | readonly string[],
  options: EndpointPoolOptions = {},
): EndpointPool {
  const {
    maxRetries = 2,
    coolDownMs = 5000,
    isReplicaFailure = isConnectionFailure,
    now = () => performance.now(),
  } = options;
  if (replicas.length === 0) {
    throw new RangeError("Cannot create an endpoint pool as 'replicas' must not be empty: current value is []");
  }
  if (!Number.isFinite(coolDownMs) || coolDownMs < 0) {
    throw new RangeError(`Cannot create an endpoint pool as 'coolDownMs' must be a non-negative number: current value is ${coolDownMs}`);
  }
  const built: HttpModel[] = [];
  const pool: Replica[] = replicas.map((replica: Model | string, position) => {
    if (typeof replica === "string") {
      if (options.http === undefined) {
        throw new TypeError("Cannot create an endpoint pool from base URLs as 'http' options (with 'model') are missing");
      }
      const model = createHttpModel({ ...options.http, baseUrl: replica, maxRetries: 0 });
      built.push(model);
      return { name: replica, model, inFlight: 0, calls: 0, failures: 0, downUntil: -Infinity };
    }
    return { name: `replica-${position}`, model: replica, inFlight: 0, calls: 0, failures: 0, downUntil: -Infinity };
  });
  let turn = 0;

  function pick(tried: ReadonlySet<Replica>): Replica | undefined {
    const time = now();
    let best: Replica | undefined;
    let fallback: Replica | undefined;
    turn = (turn + 1) % pool.length;
    for (let offset = 0; offset < pool.length; offset++) {
      const replica = pool[(turn + offset) % pool.length] as Replica;
      if (tried.has(replica)) continue;
      if (replica.downUntil > time) {
        if (fallback === undefined || replica.downUntil < fallback.downUntil) fallback = replica;
        continue;
      }
      if (best === undefined || replica.inFlight < best.inFlight) best = replica;
    }
    return best ?? fallback;
  }

  function attempt(request: ModelRequest, tried: Set<Replica>): Observable<ModelResponse> {
    const replica = pick(tried);
    if (replica === undefined) return throwError(() => new RangeError("Cannot route the request as no replica is left"));
    tried.add(replica);
    replica.inFlight++;
    replica.calls++;
    let counted = true;
    const release = (): void => {
      if (counted) {
        counted = false;
        replica.inFlight--;
      }
    };
    return replica.model(request).pipe(
      catchError((error: unknown) => {
        release();
        if (!isReplicaFailure(error)) return throwError(() => error);
        replica.failures++;
        replica.downUntil = now() + coolDownMs;
        return tried.size < pool.length ? attempt(request, tried) : throwError(() => error);
      }),
      finalize(release),
    );
  }

  const retryOperator = maxRetries === 0 ? undefined : retryTransient<ModelResponse>({
    random: createPrng("endpoint-pool").next,
    isRetryable,
    retryAfterMarginMs: 1,
    ...options.retry,
    maxRetries,
  });
  function call(request: ModelRequest): Observable<ModelResponse> {
    const routed$ = defer(() => attempt(request, new Set()));
    return retryOperator === undefined ? routed$ : routed$.pipe(retryOperator);
  }
  return Object.assign(call, {
    stats: () =>
      pool.map((replica) => ({
        name: replica.name,
        inFlight: replica.inFlight,
        calls: replica.calls,
        failures: replica.failures,
        coolingDown: replica.downUntil > now(),
      })),
    close: async () => {
      await Promise.all(built.map((model) => model.close()));
    },
  });
}
