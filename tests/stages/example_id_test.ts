import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleId, parseExampleId } from "../../src/stages/example_id.js";

// Any id but one ending in `@<digits>` (that reads as a pass); a `#` inside is fine (the suffix follows the last one).
const problemId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom("a", "-", "#", "@", "1", "é") }),
).filter((id) => !/@\d+$/.test(id));
const suffix = fc.constantFrom("si0", "si3", "t", "c", "gold", "ft", "lmsi2", "lmsi-ao0");

describe("exampleId() and parseExampleId()", () => {
  it("exampleId() writes <problem id>[@<pass>]#<suffix>", () => {
    expect(exampleId({ problemId: "msa-3", suffix: "t" })).toBe("msa-3#t");
    expect(exampleId({ problemId: "msa-3", pass: 2, suffix: "si1" })).toBe("msa-3@2#si1");
    expect(() => exampleId({ problemId: "msa-3", pass: -1, suffix: "t" })).toThrow(RangeError);
  });

  test.prop([problemId, fc.option(fc.nat({ max: 9 }), { nil: undefined }), suffix])(
    "parseExampleId() reads back every id exampleId() writes",
    (id, pass, end) => {
      const parts = { problemId: id, ...(pass === undefined ? {} : { pass }), suffix: end };
      expect(parseExampleId(exampleId(parts))).toEqual(parts);
    },
  );

  it("parseExampleId() takes the suffix after the last '#' and an id without '#' whole", () => {
    expect(parseExampleId("a#b@1#t")).toEqual({ problemId: "a#b", pass: 1, suffix: "t" });
    expect(parseExampleId("plain")).toEqual({ problemId: "plain", suffix: "" });
  });
});
