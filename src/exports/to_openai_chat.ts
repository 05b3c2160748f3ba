import * as E from "fp-ts/lib/Either.js";
import type { TrainingExample } from "../codecs/training_example.js";
import { createPrng, type Prng } from "../util/prng.js";
import { detectFormat, type ExportError, type ExportTextFormat, promptEnd } from "./_split.js";

/** One chat message of the OpenAI fine-tuning format; `weight` only on assistant messages. */
export interface OpenAiMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
  readonly weight?: 0 | 1;
}

/** One line of the OpenAI chat fine-tuning JSONL. */
export interface OpenAiChatRow {
  readonly messages: OpenAiMessage[];
}

/** Options for {@linkcode toOpenAiChat}. */
export interface ToOpenAiChatOptions {
  /** The seed of the stochastic rounding. @default {0} */
  readonly seed?: number | string;
  /** The text format, which decides where the prompt ends. @default {detected per text: `tripost` when it starts with `Q:`} */
  readonly format?: ExportTextFormat;
}

/** The rows of an OpenAI export and what the approximation did. */
export interface OpenAiChatExport {
  readonly rows: OpenAiChatRow[];
  /** Training examples in. */
  readonly examples: number;
  /** Rows beyond one per example (up-sampled copies). */
  readonly extraRows: number;
  /** Examples with no row (all their weights rounded to 0, or nothing after the prompt). */
  readonly dropped: number;
}

/** `floor(weight)`, plus 1 with probability `weight - floor(weight)`: unbiased, seeded. */
function stochasticRound(weight: number, prng: Prng): number {
  const whole = Math.floor(weight);
  const fraction = weight - whole;
  return fraction > 0 && prng.next() < fraction ? whole + 1 : whole;
}

function checkWeight(value: number, field: string): ExportError | undefined {
  return Number.isFinite(value) && value >= 0 ? undefined : { field, message: `expected a finite weight ≥ 0, got ${value}` };
}

/**
 * The OpenAI chat rows of training examples. Each example becomes a user message (the prompt,
 * untrained) and assistant messages for its two weight segments: the part before `weightFrom`
 * (weight `weightBefore`, 1 when absent) and the part from it (weight `weight`), empty segments
 * left out. OpenAI weights are 0 or 1, so a segment of weight w is trained in ⌊w⌋ copies of the
 * row, plus one more with probability w − ⌊w⌋ (seeded stochastic rounding): the expected weight
 * of every segment is exact. The copies are `max` over the segments; a segment is weighted 1 in
 * the first k of them and 0 in the rest.
 */
export function toOpenAiChat(
  examples: readonly TrainingExample[],
  options: ToOpenAiChatOptions = {},
): E.Either<ExportError & { readonly index: number }, OpenAiChatExport> {
  const prng = createPrng(options.seed ?? 0).fork("openai");
  const rows: OpenAiChatRow[] = [];
  let extraRows = 0;
  let dropped = 0;
  for (const [index, example] of examples.entries()) {
    const error = checkWeight(example.weight, "weight") ??
      (example.weightBefore === undefined ? undefined : checkWeight(example.weightBefore, "weightBefore"));
    if (error !== undefined) return E.left({ ...error, index });
    const { text, weightFrom } = example;
    const start = promptEnd(text, options.format ?? detectFormat(text));
    const middle = Math.max(start, weightFrom);
    const segments = [
      { content: text.slice(start, middle), weight: example.weightBefore ?? 1 },
      { content: text.slice(middle), weight: example.weight },
    ]
      .filter((segment) => segment.content !== "")
      .map((segment) => ({ content: segment.content, copies: stochasticRound(segment.weight, prng) }));
    const copies = Math.max(0, ...segments.map((segment) => segment.copies));
    if (copies === 0) {
      dropped++;
      continue;
    }
    extraRows += copies - 1;
    for (let copy = 0; copy < copies; copy++) {
      rows.push({
        messages: [
          { role: "user", content: text.slice(0, start) },
          ...segments.map((segment): OpenAiMessage => ({
            role: "assistant",
            content: segment.content,
            weight: copy < segment.copies ? 1 : 0,
          })),
        ],
      });
    }
  }
  return E.right({ rows, examples: examples.length, extraRows, dropped });
}
