/**
 * io-ts codecs for the OpenAI-compatible wire format (`/v1/completions`, `/v1/chat/completions`,
 * their streamed chunks, and the error bodies of OpenAI and vLLM). The codecs are open (`t.type`):
 * servers add fields freely (vLLM's `stop_reason`, OpenAI's `system_fingerprint`), and only the
 * fields named here are read.
 *
 * @module
 */
import * as t from "io-ts";

const NullableString = t.union([t.string, t.null]);

/** Token counts in the wire's snake_case. */
export const WireUsage = t.type(
  { prompt_tokens: t.number, completion_tokens: t.number },
  "WireUsage",
);
export type WireUsage = t.TypeOf<typeof WireUsage>;

const OptionalUsage = t.partial({ usage: t.union([WireUsage, t.null]), model: t.string });

/** One choice of a `/v1/completions` response. */
export const CompletionChoice = t.intersection(
  [
    t.type({ text: t.string }),
    t.partial({ index: t.number, finish_reason: NullableString }),
  ],
  "CompletionChoice",
);
export type CompletionChoice = t.TypeOf<typeof CompletionChoice>;

/** A non-streamed `/v1/completions` response. */
export const CompletionResponse = t.intersection(
  [t.type({ choices: t.array(CompletionChoice) }), OptionalUsage],
  "CompletionResponse",
);
export type CompletionResponse = t.TypeOf<typeof CompletionResponse>;

/** One choice of a `/v1/chat/completions` response. */
export const ChatChoice = t.intersection(
  [
    t.type({ message: t.partial({ content: NullableString, role: t.string }) }),
    t.partial({ index: t.number, finish_reason: NullableString }),
  ],
  "ChatChoice",
);
export type ChatChoice = t.TypeOf<typeof ChatChoice>;

/** A non-streamed `/v1/chat/completions` response. */
export const ChatResponse = t.intersection(
  [t.type({ choices: t.array(ChatChoice) }), OptionalUsage],
  "ChatResponse",
);
export type ChatResponse = t.TypeOf<typeof ChatResponse>;

/** One choice of a streamed completion chunk (`text` is a fragment). */
export const CompletionChunkChoice = t.intersection(
  [
    t.type({ text: t.string }),
    t.partial({ index: t.number, finish_reason: NullableString }),
  ],
  "CompletionChunkChoice",
);

/** One choice of a streamed chat chunk (`delta.content` is a fragment). */
export const ChatChunkChoice = t.intersection(
  [
    t.type({ delta: t.partial({ content: NullableString, role: t.string }) }),
    t.partial({ index: t.number, finish_reason: NullableString }),
  ],
  "ChatChunkChoice",
);

/** A streamed chunk of either endpoint; the usage chunk has `"choices": []`. */
export const StreamChunk = t.intersection(
  [
    t.type({ choices: t.array(t.union([CompletionChunkChoice, ChatChunkChoice])) }),
    OptionalUsage,
  ],
  "StreamChunk",
);
export type StreamChunk = t.TypeOf<typeof StreamChunk>;

const ErrorDetail = t.intersection([
  t.type({ message: t.string }),
  t.partial({
    type: NullableString,
    param: t.union([t.string, t.null, t.number]),
    /** OpenAI: a string such as `rate_limit_exceeded`; vLLM: the integer HTTP status. */
    code: t.union([t.string, t.number, t.null]),
  }),
]);

/** OpenAI's (and newer vLLM's) error body: `{"error": {message, type, param, code}}`. */
export const WrappedErrorBody = t.type({ error: ErrorDetail }, "WrappedErrorBody");

/** Older vLLM's flat error body: `{"object": "error", message, type, param, code: 400}`. */
export const FlatErrorBody = t.intersection(
  [t.type({ object: t.literal("error") }), ErrorDetail],
  "FlatErrorBody",
);

/** Any error body an OpenAI-compatible server sends. */
export const ErrorBody = t.union([WrappedErrorBody, FlatErrorBody], "ErrorBody");
export type ErrorBody = t.TypeOf<typeof ErrorBody>;

/** The fields of an error body, whichever shape it came in. */
export interface ErrorFields {
  readonly message: string;
  readonly type?: string;
  readonly code?: string | number;
}

/**
 * The fields of a decoded error body, flattening OpenAI's and vLLM's shapes.
 *
 * @example Read a vLLM flat error
 * ```ts
 * const body = { object: "error", message: "bad", type: "BadRequestError", code: 400 };
 * assertEquals(errorFields(body as ErrorBody).code, 400);
 * ```
 */
export function errorFields(body: ErrorBody): ErrorFields {
  const detail = "error" in body ? body.error : body;
  return {
    message: detail.message,
    ...(typeof detail.type === "string" ? { type: detail.type } : {}),
    ...(detail.code === null || detail.code === undefined ? {} : { code: detail.code }),
  };
}
