/**
 * Log-probabilities for `tripost serve` (`logprobs`, `top_logprobs`, `echo`): one teacher-forced
 * forward pass over BOS + prompt + completion gives, for every token after BOS, the natural-log
 * probability the model assigns it and the most likely alternatives. The tokenizer is
 * character-level, so re-encoding the returned text gives exactly the sampled tokens (EOS and a
 * stop string are not part of the text, and get no entry).
 *
 * The probabilities are the model's own distribution (temperature 1, no `top_p`), as vLLM and
 * OpenAI report them, whatever temperature the text was sampled at.
 *
 * @module
 */
import { forward } from "./model.js";
import type { LoadedStudent } from "./sampler.js";
import { tf } from "./tfjs.js";
import { BOS } from "./tokenizer.js";

/** One scored token: its text, log-probability, and the `top` most likely tokens at its place. */
export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  /** The most likely tokens at this position, best first (empty when `top` is 0). */
  readonly top: readonly { readonly token: string; readonly logprob: number }[];
}

/**
 * Scores `promptIds` followed by `completionIds` (both without special tokens). Returns one
 * entry per prompt token (the first has no context but BOS) and one per completion token.
 */
export function scoreTokens(
  student: LoadedStudent,
  promptIds: readonly number[],
  completionIds: readonly number[],
  top: number,
): { readonly prompt: TokenLogprob[]; readonly completion: TokenLogprob[] } {
  const ids = [BOS, ...promptIds, ...completionIds].slice(0, student.config.context);
  const vocab = student.config.vocab;
  const values = tf.tidy(() => {
    const logits = forward(student.params, student.config, tf.tensor2d([ids], [1, ids.length], "int32"));
    return tf.logSoftmax(logits.reshape([ids.length, vocab])).dataSync() as Float32Array;
  });
  // Each token's text, decoded once; the special tokens (empty text) are never alternatives.
  const texts = Array.from({ length: vocab }, (_, id) => student.tokenizer.decode([id]));
  const candidates = texts.flatMap((token, id) => token === "" ? [] : [id]);
  const scored: TokenLogprob[] = [];
  for (let position = 1; position < ids.length; position++) {
    const row = values.subarray((position - 1) * vocab, position * vocab);
    const id = ids[position] as number;
    const best = top === 0
      ? []
      : candidates
        .map((candidate) => ({ token: texts[candidate] as string, logprob: row[candidate] as number }))
        .sort((left, right) => right.logprob - left.logprob)
        .slice(0, top);
    scored.push({ token: texts[id] ?? "", logprob: row[id] as number, top: best });
  }
  return { prompt: scored.slice(0, promptIds.length), completion: scored.slice(promptIds.length) };
}
