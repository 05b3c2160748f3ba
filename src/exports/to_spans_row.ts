import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { ExampleKind, type TrainingExample } from "../codecs/training_example.js";
import type { ExportError } from "./_split.js";

/** A character span `[start, end)` of a text and its loss weight. */
export const WeightSpan = t.type({ start: t.number, end: t.number, weight: t.number }, "WeightSpan");
export type WeightSpan = t.TypeOf<typeof WeightSpan>;

/**
 * A row of the `spans` export, for custom trainers: the text and its per-character weights as
 * two contiguous spans (before and from `weightFrom`; either may be empty), with the id and kind.
 */
export const SpansRow = t.type({ id: t.string, kind: ExampleKind, text: t.string, spans: t.array(WeightSpan) }, "SpansRow");
export type SpansRow = t.TypeOf<typeof SpansRow>;

/**
 * The `spans` row of a training example: `[0, weightFrom)` with `weightBefore` (1 when absent)
 * and `[weightFrom, text.length)` with `weight`. Exact: {@linkcode spansToExample} inverts it.
 */
export function toSpansRow(example: TrainingExample): SpansRow {
  const length = example.text.length;
  return {
    id: example.id,
    kind: example.kind,
    text: example.text,
    spans: [
      { start: 0, end: example.weightFrom, weight: example.weightBefore ?? 1 },
      { start: example.weightFrom, end: length, weight: example.weight },
    ],
  };
}

/**
 * The training example of a `spans` row: the inverse of {@linkcode toSpansRow} (a `weightBefore`
 * of 1 is left out, as it is the default). A `Left` naming the field when the spans are not two
 * contiguous spans covering the text.
 */
export function spansToExample(row: SpansRow): E.Either<ExportError, TrainingExample> {
  const [before, after] = row.spans;
  if (row.spans.length !== 2 || before === undefined || after === undefined) {
    return E.left({ field: "spans", message: `expected 2 spans, got ${row.spans.length}` });
  }
  if (before.start !== 0) return E.left({ field: "spans.0.start", message: `expected 0, got ${before.start}` });
  if (!Number.isInteger(before.end) || before.end < 0 || before.end > row.text.length) {
    return E.left({ field: "spans.0.end", message: `expected an offset within the text, got ${before.end}` });
  }
  if (after.start !== before.end) {
    return E.left({ field: "spans.1.start", message: `expected ${before.end} (the end of span 0), got ${after.start}` });
  }
  if (after.end !== row.text.length) {
    return E.left({ field: "spans.1.end", message: `expected ${row.text.length} (the text's length), got ${after.end}` });
  }
  return E.right({
    id: row.id,
    kind: row.kind,
    text: row.text,
    weightFrom: before.end,
    weight: after.weight,
    ...(before.weight === 1 ? {} : { weightBefore: before.weight }),
  });
}

/** The training examples of `spans` rows, in order; the first bad row is a `Left` with its index. */
export function spansToExamples(rows: readonly SpansRow[]): E.Either<ExportError & { readonly index: number }, TrainingExample[]> {
  const examples: TrainingExample[] = [];
  for (const [index, row] of rows.entries()) {
    const example = spansToExample(row);
    if (E.isLeft(example)) return E.left({ ...example.left, index });
    examples.push(example.right);
  }
  return E.right(examples);
}
