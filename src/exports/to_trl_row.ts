import type { TrainingExample } from "../codecs/training_example.js";
import { cutOf, type ExportTextFormat } from "./_split.js";

/** A TRL SFT prompt–completion row (standard, not conversational). */
export interface TrlRow {
  readonly prompt: string;
  readonly completion: string;
}

/** Options for {@linkcode toTrlRow}. */
export interface ToTrlRowOptions {
  /** The text format, which decides where the prompt ends. @default {detected per text: `tripost` when it starts with `Q:`} */
  readonly format?: ExportTextFormat;
}

/**
 * The TRL prompt–completion row of a training example: weighted examples are cut at
 * `weightFrom` (the completion is the feedback and the update), the others at the end of the
 * prompt. The weights are lost: TRL's SFT trainer has none.
 *
 * @example
 * ```ts
 * const row = toTrlRow({ id: "a", kind: "terminal", text: "1+1=\n3\nF:wrong", weightFrom: 6, weight: 1.5 });
 * assertEquals(row, { prompt: "1+1=\n3", completion: "\nF:wrong" });
 * ```
 */
export function toTrlRow(example: TrainingExample, options: ToTrlRowOptions = {}): TrlRow {
  const cut = cutOf(example, options.format);
  return { prompt: example.text.slice(0, cut), completion: example.text.slice(cut) };
}
