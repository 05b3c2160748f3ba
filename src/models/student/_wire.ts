/**
 * Server-side io-ts codecs of the OpenAI-compatible request bodies that `serveStudent` accepts
 * (`protocols.md` §a). The codecs are open; `serveStudent` then refuses, with a 400 naming it,
 * every field it does not implement ({@linkcode unsupportedParameter}), unless it holds the
 * value that means "off" (`presence_penalty: 0`, `logit_bias: {}`, `tools: []`, …).
 *
 * @module
 */
import * as t from "io-ts";

const Stop = t.union([t.string, t.array(t.string), t.null]);
const OptionalNumber = t.union([t.number, t.null]);

const Sampling = t.partial({
  temperature: OptionalNumber,
  top_p: OptionalNumber,
  n: OptionalNumber,
  max_tokens: OptionalNumber,
  seed: OptionalNumber,
  stop: Stop,
  stream: t.union([t.boolean, t.null]),
  stream_options: t.union([t.partial({ include_usage: t.boolean }), t.null]),
});

/** The body of `POST /v1/completions`: `logprobs` is the number of alternatives (0–20), `echo` prepends the prompt. */
export const CompletionRequestBody = t.intersection(
  [
    t.type({ model: t.string, prompt: t.union([t.string, t.array(t.string)]) }),
    Sampling,
    t.partial({ logprobs: OptionalNumber, echo: t.union([t.boolean, t.null]) }),
  ],
  "CompletionRequestBody",
);
export type CompletionRequestBody = t.TypeOf<typeof CompletionRequestBody>;

const ContentPart = t.type({ type: t.literal("text"), text: t.string });

/** One message of a chat request: text content, or a list of text parts. */
export const WireChatMessage = t.type({
  role: t.keyof({ system: null, developer: null, user: null, assistant: null }),
  content: t.union([t.string, t.array(ContentPart)]),
}, "WireChatMessage");

/** The body of `POST /v1/chat/completions`. */
export const ChatRequestBody = t.intersection(
  [
    t.type({ model: t.string, messages: t.array(WireChatMessage) }),
    Sampling,
    t.partial({
      max_completion_tokens: OptionalNumber,
      logprobs: t.union([t.boolean, t.null]),
      top_logprobs: OptionalNumber,
      // vLLM's fields for continuing a final assistant message (`chat-prefill`).
      continue_final_message: t.union([t.boolean, t.null]),
      add_generation_prompt: t.union([t.boolean, t.null]),
    }),
  ],
  "ChatRequestBody",
);
export type ChatRequestBody = t.TypeOf<typeof ChatRequestBody>;

// The fields a codec reads, so that a field added to a codec is implemented at once.
function fieldsOf(codec: { readonly types: readonly { readonly props: t.Props }[] }): string[] {
  return codec.types.flatMap((part) => Object.keys(part.props));
}

/** The fields `serveStudent` implements, per route: those its codec reads, and `user` (ignored). */
const IMPLEMENTED_FIELDS: Readonly<Record<"completion" | "chat", ReadonlySet<string>>> = {
  completion: new Set([...fieldsOf(CompletionRequestBody), "user"]),
  chat: new Set([...fieldsOf(ChatRequestBody), "user"]),
};

function isOff(name: string, value: unknown, body: Readonly<Record<string, unknown>>): boolean {
  if (value === null || value === undefined) return true;
  switch (name) {
    case "presence_penalty":
    case "frequency_penalty":
      return value === 0;
    case "repetition_penalty":
      return value === 1;
    case "best_of":
      return value === 1 || value === (body["n"] ?? 1);
    case "logit_bias":
    case "metadata":
      return typeof value === "object" && Object.keys(value as object).length === 0;
    case "tools":
    case "functions":
      return Array.isArray(value) && value.length === 0;
    case "tool_choice":
    case "function_call":
      return value === "none";
    case "parallel_tool_calls":
      return !Array.isArray(body["tools"]) || (body["tools"] as unknown[]).length === 0;
    case "response_format":
      return typeof value === "object" && (value as { type?: unknown }).type === "text";
    case "suffix":
      return value === "";
    case "store":
      return value === false;
    default:
      return false;
  }
}

/**
 * The first field of `body` that the route does not implement and that is not set to its "off"
 * value, or `undefined`. `tripost serve` answers it with a 400 naming the field, so a client never
 * gets a silently different behaviour (a `logit_bias`, a `response_format`, `tools`).
 *
 * @example
 * ```ts
 * assertEquals(unsupportedParameter("completion", { model: "m", prompt: "p", logit_bias: { "5": 10 } }), "logit_bias");
 * assertEquals(unsupportedParameter("completion", { model: "m", prompt: "p", presence_penalty: 0 }), undefined);
 * ```
 */
export function unsupportedParameter(kind: "completion" | "chat", body: Readonly<Record<string, unknown>>): string | undefined {
  const implemented = IMPLEMENTED_FIELDS[kind];
  return Object.keys(body).find((name) => !implemented.has(name) && !isOff(name, body[name], body));
}
