import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import { spansToExample, spansToExamples, toSpansRow } from "../../src/exports/to_spans_row.js";

const weight = fc.oneof(fc.constant(1), fc.constant(1.5), fc.constant(0), fc.double({ min: 0, max: 10, noNaN: true }));

const example: fc.Arbitrary<TrainingExample> = fc
  .record({
    id: fc.string(),
    kind: fc.constantFrom("improvement", "terminal", "gold", "correct" as const),
    text: fc.string({ unit: "grapheme" }),
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
    weight,
    weightBefore: fc.option(weight, { nil: undefined }),
  })
  .map(({ cut, weightBefore, ...rest }) => ({
    ...rest,
    weightFrom: Math.floor(cut * rest.text.length),
    ...(weightBefore === undefined ? {} : { weightBefore }),
  }));

/** A training example as the spans export keeps it: a `weightBefore` of 1 is the default. */
function normalised(input: TrainingExample): TrainingExample {
  const { weightBefore, ...rest } = input;
  return weightBefore === undefined || weightBefore === 1 ? rest : { ...rest, weightBefore };
}

describe("toSpansRow()", () => {
  test.prop([fc.array(example, { maxLength: 8 })], { numRuns: 1000 })(
    "spansToExamples() inverts toSpansRow() through JSON",
    (examples) => {
      const rows = JSON.parse(JSON.stringify(examples.map(toSpansRow)));
      expect(spansToExamples(rows)).toEqual(E.right(examples.map(normalised)));
    },
  );

  test.prop([example], { numRuns: 500 })("toSpansRow() covers the text with two contiguous spans", (input) => {
    const [before, after] = toSpansRow(input).spans;
    expect(before?.start).toBe(0);
    expect(before?.end).toBe(after?.start);
    expect(after?.end).toBe(input.text.length);
  });

  it("spansToExample() names the field of spans that do not cover the text", () => {
    const row = toSpansRow({ id: "a", kind: "terminal", text: "abc\nF:x", weightFrom: 3, weight: 1.5 });
    const gap = { ...row, spans: [row.spans[0]!, { ...row.spans[1]!, start: 4 }] };
    expect(spansToExample(gap)).toEqual(E.left({ field: "spans.1.start", message: "expected 3 (the end of span 0), got 4" }));
    const short = { ...row, spans: [row.spans[0]!, { ...row.spans[1]!, end: 5 }] };
    expect(E.isLeft(spansToExample(short)) && spansToExample(short)).toMatchObject({ left: { field: "spans.1.end" } });
    expect(spansToExamples([row, { ...row, spans: [] }])).toMatchObject({ left: { index: 1, field: "spans" } });
  });
});
