/**
 * Model spec strings (`contract.md` "Names") to Models: `embedded:PATH` is the embedded student,
 * `http://…/v1` or `https://…/v1` an OpenAI-compatible server. The API key is read from the
 * environment variable the user names and goes nowhere else.
 */
import { UsageError } from "../errors.js";
import { createHttpModel, type HttpEndpoint } from "../models/http_model.js";
import type { Model } from "../models/model.js";
import { createStudentModel } from "../models/student/student_model.js";
import { createEndpointLimiter } from "../streams/limit_endpoint.js";
import type { RetryEvent } from "../streams/retry_transient.js";
import { type FlagSpecs, type FlagValues, numberFlag, stringFlag } from "./_args.js";
import type { CliIo } from "./_command.js";
import { resolveShipped } from "./_paths.js";

/** An HTTP endpoint as messages and records show it: origin and path, never credentials or a query. */
export function endpointLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** How to reach an HTTP endpoint. */
export interface EndpointSettings {
  /** The served model name (`--student-model`, `--expert-model`). */
  readonly modelName?: string;
  /** The name of the environment variable holding the API key. */
  readonly apiKeyEnv?: string;
  /** Calls in flight. @default {16} */
  readonly concurrency?: number;
  /** Requests per minute. */
  readonly rpm?: number;
  /** Tokens per minute. */
  readonly tpm?: number;
  /** Header and body timeout in milliseconds. @default {120000} */
  readonly timeoutMs?: number;
  /** Retries of a transient failure. @default {2} */
  readonly maxRetries?: number;
  /**
   * `completions` (raw continuation), `chat`, or `chat-prefill` (chat whose trailing assistant
   * message the server continues). @default {"completions"}
   */
  readonly endpoint?: HttpEndpoint;
  /** Called on each retry of a transient failure (e.g. a counter for progress output). */
  readonly onRetry?: (retry: RetryEvent) => void;
}

/** A resolved model and how to release it. */
export interface ResolvedModel {
  readonly model: Model;
  readonly kind: "embedded" | "http";
  /** What to show in logs and files: the spec without credentials. */
  readonly label: string;
  close(): Promise<void>;
}

/** Whether a spec names an HTTP endpoint. */
export function isHttpSpec(spec: string): boolean {
  return /^https?:\/\//.test(spec);
}

/** Reads the API key from the named environment variable; a usage error when it is unset. */
export function apiKeyFrom(io: CliIo, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = io.env[variable];
  if (value === undefined || value === "") {
    throw new UsageError(`Cannot read the API key as the environment variable '${variable}' is not set`);
  }
  return value;
}

/** Resolves a student or expert model spec (not `scripted`: the caller handles that). */
export function resolveModel(io: CliIo, spec: string, settings: EndpointSettings = {}): ResolvedModel {
  if (spec.startsWith("embedded:")) {
    const path = spec.slice("embedded:".length);
    if (path === "") throw new UsageError("Cannot use 'embedded:' without a checkpoint path, e.g. embedded:fixtures/student/m0-msa");
    const model = createStudentModel(resolveShipped(io.cwd, path));
    return { model, kind: "embedded", label: spec, close: () => model.close() };
  }
  if (isHttpSpec(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new UsageError(`Cannot read the model URL '${spec}'`);
    }
    if (url.username !== "" || url.password !== "") {
      throw new UsageError("Cannot put credentials in a model URL: name an environment variable with --api-key-env");
    }
    const apiKey = apiKeyFrom(io, settings.apiKeyEnv);
    const limiter = createEndpointLimiter({
      maxInFlight: settings.concurrency ?? 16,
      ...(settings.rpm === undefined ? {} : { requestsPerMinute: settings.rpm }),
      ...(settings.tpm === undefined ? {} : { tokensPerMinute: settings.tpm }),
    });
    const timeout = settings.timeoutMs ?? 120_000;
    const model = createHttpModel({
      baseUrl: spec.replace(/\/+$/, ""),
      model: settings.modelName ?? "default",
      ...(apiKey === undefined ? {} : { apiKey }),
      endpoint: settings.endpoint ?? "completions",
      headersTimeoutMs: timeout,
      bodyTimeoutMs: timeout,
      maxRetries: settings.maxRetries ?? 2,
      ...(settings.onRetry === undefined ? {} : { retry: { onRetry: settings.onRetry } }),
      limiter,
    });
    return { model, kind: "http", label: endpointLabel(spec), close: () => model.close() };
  }
  throw new UsageError(
    `Cannot use the model '${spec}': name embedded:PATH, an http(s)://…/v1 URL, or (for experts) scripted`,
  );
}

/** The flags of a command that talks to an HTTP student. */
export const HTTP_STUDENT_FLAGS: FlagSpecs = {
  "student-model": { type: "string", description: "the served model name of an HTTP student", placeholder: "NAME" },
  "api-key-env": { type: "string", description: "the environment variable holding the HTTP student's API key", placeholder: "VAR" },
  rpm: { type: "number", description: "requests per minute to an HTTP student", placeholder: "N", min: 1, max: 1_000_000 },
  "timeout-ms": { type: "number", description: "header and body timeout of HTTP calls", placeholder: "N", min: 1, max: 86_400_000, defaultText: "120000" },
  "max-retries": { type: "number", description: "retries of a transient HTTP failure", placeholder: "N", integer: true, min: 0, max: 100, defaultText: "2" },
  "student-endpoint": {
    type: "string",
    description: "how to call an HTTP student: raw completions (/v1/completions) or chat (/v1/chat/completions, the prompt as one user message)",
    choices: ["completions", "chat"],
    defaultText: "completions",
  },
};

/** The endpoint an HTTP student is called over (`--student-endpoint`, default `completions`). */
export function studentEndpointFromFlags(flags: FlagValues): "completions" | "chat" {
  return stringFlag(flags, "student-endpoint") === "chat" ? "chat" : "completions";
}

/** The endpoint settings given by {@linkcode HTTP_STUDENT_FLAGS} (`--student-endpoint` included) and `--concurrency`. */
export function endpointSettingsFromFlags(flags: FlagValues, concurrency: number): EndpointSettings {
  const rpm = numberFlag(flags, "rpm");
  const timeoutMs = numberFlag(flags, "timeout-ms");
  const maxRetries = numberFlag(flags, "max-retries");
  const modelName = stringFlag(flags, "student-model");
  const apiKeyEnv = stringFlag(flags, "api-key-env");
  return {
    concurrency,
    endpoint: studentEndpointFromFlags(flags),
    ...(rpm === undefined ? {} : { rpm }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(modelName === undefined ? {} : { modelName }),
    ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }),
  };
}

/** An endpoint as a run config describes it (a student's or an expert's). */
export interface EndpointConfig {
  readonly model?: string;
  readonly apiKeyEnv?: string;
  readonly endpoint?: HttpEndpoint;
  readonly concurrency?: number;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
}

/**
 * The endpoint settings of a run config's endpoint, its concurrency defaulting to `concurrency`
 * (the run's) and its model name to `modelName` when given.
 */
export function endpointSettingsFromConfig(endpoint: EndpointConfig, concurrency: number, modelName?: string): EndpointSettings {
  const name = modelName ?? endpoint.model;
  return {
    concurrency: endpoint.concurrency ?? concurrency,
    ...(name === undefined ? {} : { modelName: name }),
    ...(endpoint.apiKeyEnv === undefined ? {} : { apiKeyEnv: endpoint.apiKeyEnv }),
    ...(endpoint.endpoint === undefined ? {} : { endpoint: endpoint.endpoint }),
    ...(endpoint.rpm === undefined ? {} : { rpm: endpoint.rpm }),
    ...(endpoint.tpm === undefined ? {} : { tpm: endpoint.tpm }),
    ...(endpoint.timeoutMs === undefined ? {} : { timeoutMs: endpoint.timeoutMs }),
    ...(endpoint.maxRetries === undefined ? {} : { maxRetries: endpoint.maxRetries }),
  };
}
