/**
 * Server-side io-ts codecs of the OpenAI-compatible request bodies that `serveStudent` accepts
 * (`protocols.md` §a). Open codecs: fields the student does not use (`user`, `logprobs`,
 * `presence_penalty`, …) are accepted and ignored.
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

/** The body of `POST /v1/completions`. */
export const CompletionRequestBody = t.intersection(
  [t.type({ model: t.string, prompt: t.union([t.string, t.array(t.string)]) }), Sampling],
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
    t.partial({ max_completion_tokens: OptionalNumber }),
  ],
  "ChatRequestBody",
);
export type ChatRequestBody = t.TypeOf<typeof ChatRequestBody>;
