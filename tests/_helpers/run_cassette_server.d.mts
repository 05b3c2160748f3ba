import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";

/** The `ModelRequest` a completions body was made from. */
export function requestOfWire(body: Record<string, unknown>): ModelRequest;

/** A running cassette server. */
export interface CassetteServer {
  /** The base URL, ending in `/v1`. */
  readonly url: string;
  /** Requests received since the start or the last `reset()`. */
  readonly calls: number;
  /** Requests answered 500 (no entry, or `answer` threw). */
  readonly misses: readonly string[];
  answer: (request: ModelRequest) => Promise<ModelResponse | undefined>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a `/v1/completions` server on 127.0.0.1 answering with `answer(request)`. */
export function startCassetteServer(answer: (request: ModelRequest) => Promise<ModelResponse | undefined>): Promise<CassetteServer>;
