import * as E from "fp-ts/lib/Either.js";
import type { TrainingExample } from "../codecs/training_example.js";
import { detectFormat, type ExportError, type ExportTextFormat, feedbackAnchor, isWeighted } from "./_split.js";

/** One row of the official TriPosT training files (`tripost.md` §6, §7.1). */
export interface TripostRow {
  readonly text: string;
  /** The loss weight w applies from the first occurrence of this text on (`"Q:"`: nowhere up-weighted). */
  readonly text_att_start_text: string;
  readonly meta_data: {
    readonly id: string;
    readonly kind: TrainingExample["kind"];
    readonly weight: number;
    readonly weightBefore?: number;
  };
}

/** Options for {@linkcode toTripostRow}. */
export interface ToTripostRowOptions {
  /** The text format, which decides the feedback anchor. @default {detected per text: `tripost` when it starts with `Q:`} */
  readonly format?: ExportTextFormat;
}

/**
 * The official row of a training example: `text_att_start_text` is the feedback anchor
 * (`"\nFeedback:"`, or `"\nF:"` for compact texts) for weighted examples and `"Q:"` otherwise.
 * A `Left` when the anchor's first occurrence is not at `weightFrom` (the official trainer could
 * not weight the same characters).
 *
 * @example A correct example is anchored at `Q:`
 * ```ts
 * const row = toTripostRow({ id: "a", kind: "correct", text: "Q: 1+1\nA: 2", weightFrom: 0, weight: 1 });
 * assertEquals(E.isRight(row) && row.right.text_att_start_text, "Q:");
 * ```
 */
export function toTripostRow(example: TrainingExample, options: ToTripostRowOptions = {}): E.Either<ExportError, TripostRow> {
  const meta_data = {
    id: example.id,
    kind: example.kind,
    weight: example.weight,
    ...(example.weightBefore === undefined ? {} : { weightBefore: example.weightBefore }),
  };
  if (!isWeighted(example)) return E.right({ text: example.text, text_att_start_text: "Q:", meta_data });
  const anchor = feedbackAnchor(options.format ?? detectFormat(example.text));
  const at = example.text.indexOf(anchor);
  if (at !== example.weightFrom) {
    return E.left({
      field: "weightFrom",
      message: `the official row weights from the first ${JSON.stringify(anchor)} (${at < 0 ? "absent" : `at ${at}`}), not from weightFrom ${example.weightFrom}`,
    });
  }
  return E.right({ text: example.text, text_att_start_text: anchor, meta_data });
}
