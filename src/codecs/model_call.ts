import * as t from "io-ts";

/** One chat message of an OpenAI-compatible request. */
export const ChatMessage = t.exact(
  t.type({ role: t.keyof({ system: null, developer: null, user: null, assistant: null }), content: t.string }),
  "ChatMessage",
);
export type ChatMessage = t.TypeOf<typeof ChatMessage>;

const Sampling = t.partial({
  /** The served model name; adapters fill in their default. */
  model: t.string,
  temperature: t.number,
  topP: t.number,
  maxTokens: t.number,
  stop: t.array(t.string),
  /** Samples per request. */
  n: t.number,
  seed: t.number,
});

/**
 * A request to a model, independent of the wire: a raw `prompt` (completions, continued as is) or
 * chat `messages`, with sampling settings.
 */
export const ModelRequest = t.union(
  [
    t.exact(t.intersection([t.type({ prompt: t.string }), Sampling])),
    t.exact(t.intersection([t.type({ messages: t.array(ChatMessage) }), Sampling])),
  ],
  "ModelRequest",
);
export type ModelRequest = t.TypeOf<typeof ModelRequest>;

/** Why a model stopped: `stop` (a stop string or end of text), `length` (max tokens), or another reason. */
export const FinishReason = t.string;

/** Token counts as the server reports them. */
export const Usage = t.exact(t.type({ promptTokens: t.number, completionTokens: t.number }), "Usage");
export type Usage = t.TypeOf<typeof Usage>;

/** A model's answer: one choice per sample, and the usage when known. */
export const ModelResponse = t.exact(
  t.intersection([
    t.type({ choices: t.array(t.exact(t.type({ text: t.string, finishReason: FinishReason }))) }),
    t.partial({ usage: Usage, model: t.string }),
  ]),
  "ModelResponse",
);
export type ModelResponse = t.TypeOf<typeof ModelResponse>;
