/**
 * Typed failures of model endpoints, and the one place that decides which are retried and which
 * end a run. No error here ever holds the request's headers or the API key.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { decodeWith } from "../codecs/decode.js";
import { ErrorBody, errorFields } from "../codecs/openai_wire.js";
import { headerValue, retryAfterFromHeaders, type HeaderRecord } from "../streams/retry_transient.js";

const marker = Symbol.for("tripost.EndpointError");

/** Options of an {@linkcode EndpointError}. */
export interface EndpointErrorOptions {
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The error code of the body (`rate_limit_exceeded`; vLLM: an integer). */
  code?: string | number;
  /** The error type of the body (`invalid_request_error`, `BadRequestError`). */
  type?: string;
  /** Whether trying again may succeed. @default {false} */
  retryable?: boolean;
  /** The server's wait hint in milliseconds. */
  retryAfterMs?: number;
  /** The rate-limit headers of the response (`x-ratelimit-*`, `retry-after*`, `x-request-id`). */
  headers?: Readonly<Record<string, string>>;
  /** The underlying failure. */
  cause?: unknown;
}

/**
 * A failed call to a model endpoint: an error status, or (subclasses) a connection failure, a
 * timeout, an unreadable body. `retryable` and `retryAfterMs` are read by `retryTransient`.
 *
 * @example Classify a 429
 * ```ts
 * const error = new EndpointError("Cannot complete the request as the endpoint answered 429", { status: 429, retryable: true });
 * assert(isRetryable(error) && !isFatal(error));
 * ```
 */
export class EndpointError extends Error {
  readonly [marker] = true;
  readonly status: number | undefined;
  readonly code: string | number | undefined;
  readonly type: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, options: EndpointErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EndpointError";
    this.status = options.status;
    this.code = options.code;
    this.type = options.type;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.headers = options.headers ?? {};
  }

  /** Whether `error` is an EndpointError, also across copies of this package. */
  static isInstance(error: unknown): error is EndpointError {
    return typeof error === "object" && error !== null && (error as { [marker]?: unknown })[marker] === true;
  }
}

/** The server could not be reached, or closed the connection before answering. Retryable. */
export class EndpointConnectionError extends EndpointError {
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
    this.name = "EndpointConnectionError";
  }
}

/** The server sent no headers, or stopped sending the body, within the timeout. Retryable. */
export class EndpointTimeoutError extends EndpointError {
  /** Which wait ran out. */
  readonly phase: "headers" | "body";
  constructor(message: string, phase: "headers" | "body", cause?: unknown) {
    super(message, { retryable: true, cause });
    this.name = "EndpointTimeoutError";
    this.phase = phase;
  }
}

/** The server answered 2xx but the body was truncated, not JSON, or not the expected shape. Retryable. */
export class EndpointBodyError extends EndpointError {
  constructor(message: string, options: EndpointErrorOptions = {}) {
    super(message, { retryable: true, ...options });
    this.name = "EndpointBodyError";
  }
}

/**
 * Whether an error is worth retrying: 408, 409, 429, 5xx, connection failures, timeouts and
 * unreadable bodies, unless the server said `x-should-retry: false` or the quota is exhausted.
 *
 * @example
 * ```ts
 * assert(!isRetryable(new EndpointError("x", { status: 400 })));
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return EndpointError.isInstance(error) && error.retryable;
}

/**
 * Whether an error should stop a whole run: the endpoint refused the credentials (401, 403), or
 * it cannot continue an assistant message (every prefill call would fail alike).
 *
 * @example
 * ```ts
 * assert(isFatal(new EndpointError("x", { status: 401 })));
 * ```
 */
export function isFatal(error: unknown): boolean {
  return EndpointError.isInstance(error) && (error.status === 401 || error.status === 403 || error instanceof PrefillUnsupportedError);
}

/**
 * The endpoint refused a request that asks it to continue the final assistant message (a 400 or
 * 422 that names one of `continue_final_message` / `add_generation_prompt` (`PREFILL_FIELDS` of the HTTP adapter)): the server does not support assistant
 * prefill. Not retryable; use the `chat` endpoint (an explicit instruction) instead.
 */
export class PrefillUnsupportedError extends EndpointError {
  constructor(message: string, cause: EndpointError) {
    super(message, {
      retryable: false,
      cause,
      headers: cause.headers,
      ...(cause.status === undefined ? {} : { status: cause.status }),
      ...(cause.code === undefined ? {} : { code: cause.code }),
      ...(cause.type === undefined ? {} : { type: cause.type }),
    });
    this.name = "PrefillUnsupportedError";
  }
}

/** Whether `error` says the endpoint does not support continuing a final assistant message. */
export function isPrefillUnsupported(error: unknown): error is PrefillUnsupportedError {
  return error instanceof PrefillUnsupportedError;
}

/**
 * Whether an error means the replica could not be reached (connection refused or reset, no
 * headers in time): the endpoint pool sets such a replica aside.
 *
 * @example
 * ```ts
 * assert(isConnectionFailure(new EndpointConnectionError("down")));
 * ```
 */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof EndpointConnectionError ||
    (error instanceof EndpointTimeoutError && error.phase === "headers");
}

/**
 * Whether an HTTP status is retried when the server gives no `x-should-retry`.
 *
 * @example
 * ```ts
 * assert(isRetryableStatus(503) && !isRetryableStatus(404));
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const keptHeaders = /^(retry-after|retry-after-ms|x-ms-retry-after-ms|x-should-retry|x-request-id|x-ratelimit-.*)$/;

/**
 * The response headers worth keeping on an error (rate limits and hints; never cookies).
 *
 * @example
 * ```ts
 * assertEquals(keepHeaders({ "retry-after": "1", "set-cookie": "a=b" }), { "retry-after": "1" });
 * ```
 */
export function keepHeaders(headers: HeaderRecord): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    if (!keptHeaders.test(name)) continue;
    const value = headerValue(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 3)}...` : flat;
}

const decodeErrorBody = decodeWith(ErrorBody);

/**
 * Builds the error for a non-2xx answer: reads OpenAI's or vLLM's error body when there is one,
 * the retry hints from the headers, and decides retryability. `redact` scrubs the server's message
 * (some servers echo part of the key back).
 *
 * @example A 429 with retry-after-ms
 * ```ts
 * const error = errorFromResponse(429, { "retry-after-ms": "20" }, '{"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}');
 * assertEquals([error.retryable, error.retryAfterMs, error.code], [true, 20, "rate_limit_exceeded"]);
 * ```
 */
export function errorFromResponse(
  status: number,
  headers: HeaderRecord,
  bodyText: string,
  redact: (text: string) => string = (text) => text,
): EndpointError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const decoded = decodeErrorBody(parsed);
  const fields = E.isRight(decoded) ? errorFields(decoded.right) : undefined;
  const shouldRetry = headerValue(headers, "x-should-retry");
  const retryable = fields?.code === "insufficient_quota"
    ? false
    : shouldRetry === "true"
    ? true
    : shouldRetry === "false"
    ? false
    : isRetryableStatus(status);
  const detail = fields === undefined ? clip(bodyText, 200) : clip(fields.message, 300);
  const codeText = fields?.code === undefined ? "" : ` (${String(fields.code)})`;
  const retryAfterMs = retryAfterFromHeaders(headers);
  return new EndpointError(
    redact(`Cannot complete the request as the endpoint answered ${status}${codeText}${detail === "" ? "" : `: ${detail}`}`),
    {
      status,
      retryable,
      headers: keepHeaders(headers),
      ...(fields?.code === undefined ? {} : { code: fields.code }),
      ...(fields?.type === undefined ? {} : { type: fields.type }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

/**
 * Builds the error for an `{"error": …}` event inside a stream. Its `code` is the HTTP status
 * when an integer (vLLM); retryable unless that status says otherwise.
 *
 * @example
 * ```ts
 * const error = errorFromStreamEvent({ error: { message: "overloaded", type: "server_error", code: 503 } });
 * assertEquals([error.status, error.retryable], [503, true]);
 * ```
 */
export function errorFromStreamEvent(
  body: ErrorBody,
  redact: (text: string) => string = (text) => text,
): EndpointError {
  const fields = errorFields(body);
  const status = typeof fields.code === "number" ? fields.code : undefined;
  const retryable = fields.code !== "insufficient_quota" && (status === undefined || isRetryableStatus(status));
  return new EndpointError(
    redact(`Cannot complete the request as the stream carried an error: ${clip(fields.message, 300)}`),
    {
      retryable,
      ...(status === undefined ? {} : { status }),
      ...(fields.code === undefined ? {} : { code: fields.code }),
      ...(fields.type === undefined ? {} : { type: fields.type }),
    },
  );
}
