/**
 * From training examples to padded, trimmed batches: BOS + characters + EOS, targets shifted by
 * one, and one loss weight per target position (0 on padding) — `tripost.md` §7.1 and §7.3.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { TrainingExample } from "../../codecs/training_example.js";
import { BOS, EOS, PAD, type Tokenizer, type UnknownCharacterError } from "./tokenizer.js";

/** One example as token ids and per-target weights. */
export interface EncodedExample {
  /** `BOS, c0 … c(n−1), EOS` (length n + 2). */
  readonly ids: Int32Array;
  /** The weight of predicting `ids[i + 1]` (length n + 1). */
  readonly weights: Float32Array;
  /** For each target, whether it lies at or after `weightFrom` (the EOS goes with the last character). */
  readonly weighted: Uint8Array;
}

/** A padded batch, trimmed to its longest example; arrays are row-major `[batch, time]`. */
export interface Batch {
  readonly batch: number;
  readonly time: number;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /** Loss weight per target; 0 on padding. */
  readonly weights: Float32Array;
  /** Number of targets with a positive weight (the loss's normaliser, the official `Σ loss_mask`). */
  readonly maskSum: number;
}

/** Why an example could not be used. */
export type EncodeError =
  | UnknownCharacterError
  | { readonly type: "too-long"; readonly length: number; readonly context: number };

/**
 * Encodes one example. Characters from `weightFrom` on get `weight` (or `weightOverride`), those
 * before get `weightBefore` (1 when absent); the appended EOS gets the weight of the last character.
 */
export function encodeExample(
  tokenizer: Tokenizer,
  context: number,
  example: Pick<TrainingExample, "text" | "weightFrom" | "weight" | "weightBefore">,
  weightOverride?: number,
): E.Either<EncodeError, EncodedExample> {
  const encoded = tokenizer.encode(example.text);
  if (E.isLeft(encoded)) return encoded;
  const characters = encoded.right;
  const n = characters.length;
  // Inputs are ids[0 .. n], so n + 1 positions must fit the context.
  if (n + 1 > context) return E.left({ type: "too-long", length: n + 1, context });
  const ids = new Int32Array(n + 2);
  ids[0] = BOS;
  ids.set(characters, 1);
  ids[n + 1] = EOS;
  const w = weightOverride ?? example.weight;
  const before = example.weightBefore ?? 1;
  const weights = new Float32Array(n + 1);
  const weighted = new Uint8Array(n + 1);
  for (let target = 0; target <= n; target++) {
    const character = Math.min(target, n - 1);
    const isWeighted = n > 0 && character >= example.weightFrom;
    weighted[target] = isWeighted ? 1 : 0;
    weights[target] = isWeighted ? w : before;
  }
  return E.right({ ids, weights, weighted });
}

/** Pads encoded examples on the right into one batch as long as its longest example. */
export function makeBatch(examples: readonly EncodedExample[]): Batch {
  const batch = examples.length;
  const time = examples.reduce((longest, example) => Math.max(longest, example.ids.length - 1), 1);
  const inputs = new Int32Array(batch * time).fill(PAD);
  const targets = new Int32Array(batch * time).fill(PAD);
  const weights = new Float32Array(batch * time);
  let maskSum = 0;
  examples.forEach((example, row) => {
    const length = example.ids.length - 1;
    inputs.set(example.ids.subarray(0, length), row * time);
    targets.set(example.ids.subarray(1), row * time);
    weights.set(example.weights, row * time);
    // The official normaliser is the number of targets under the loss mask (`tripost.md` §7.1):
    // targets of weight 0 (masked, e.g. `maskFirstAttempt`) count as little as padding.
    for (const weight of example.weights) if (weight > 0) maskSum += 1;
  });
  return { batch, time, inputs, targets, weights, maskSum };
}

/**
 * Splits a batch's examples into `parts` groups of similar lengths (sorted by length, dealt in
 * turn), so each part trims to about the same time and the workers finish together.
 */
export function splitForWorkers<T extends { readonly ids: Int32Array }>(examples: readonly T[], parts: number): T[][] {
  const sorted = [...examples].sort((a, b) => a.ids.length - b.ids.length);
  const groups: T[][] = Array.from({ length: parts }, () => []);
  sorted.forEach((example, index) => groups[index % parts]?.push(example));
  return groups.filter((group) => group.length > 0);
}
