import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LETTERS,
  multistepArithmetic,
  parseRationale,
  type Rationale,
  type RationaleStep,
  renderRationale,
} from "../../../src/tasks/multistep_arithmetic/mod.js";
import { anyProblem, mutatedArbitrary } from "./_arbitraries.js";
import { officialRows, SECTION_2_1 } from "./_fixtures.js";

// Expression-like text without "=", newlines or letters, so that the separators stay unambiguous.
const part = fc.string({ unit: fc.constantFrom(..."0123456789 +-*()."), maxLength: 16 });
const group = fc.string({ unit: fc.constantFrom(..."0123456789 +-*()"), minLength: 1, maxLength: 16 }).map((text) => `(${text})`);
const id = fc.integer({ min: 1, max: 30 }).map(String);
const letter = fc.constantFrom(...LETTERS);

const stepArbitrary: fc.Arbitrary<RationaleStep> = fc.oneof(
  fc.record({
    kind: fc.constant("partition" as const),
    id,
    expression: fc.string({ unit: fc.constantFrom(..."ABC +-*()"), maxLength: 16 }),
    groups: fc.array(fc.record({ letter, group }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("calculate" as const), id, letter, chain: fc.array(part, { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant("final-equation" as const), id, chain: fc.array(part, { minLength: 1, maxLength: 6 }) }),
);

const rationaleArbitrary: fc.Arbitrary<Rationale> = fc.record({
  steps: fc.array(stepArbitrary, { maxLength: 10 }),
  answer: fc.string({ unit: fc.constantFrom(..."-0123456789. "), maxLength: 8 }),
});

describe("parseRationale()", () => {
  it("reads the structure of the §2.1 attempt", () => {
    expect(parseRationale(SECTION_2_1.attempt)).toEqual(E.right({
      steps: [
        { kind: "partition", id: "1", expression: "(A - B)", groups: [{ letter: "A", group: "(-2 - -3 * -7)" }, { letter: "B", group: "(-5 * -4 - 2)" }] },
        { kind: "calculate", id: "2", letter: "A", chain: ["(-2 - -3 * -7)", "(-2 - (-3 * -7))", "(-2 - -21)", "19"] },
        { kind: "calculate", id: "3", letter: "B", chain: ["(-5 * -4 - 2)", "((-5 * -4) - 2)", "(20 - 2)", "18"] },
        { kind: "final-equation", id: "4", chain: ["(A - B)", "(19 - 18)", "1"] },
      ],
      answer: "1",
    }));
  });

  it("renders every committed official rationale back byte for byte", () => {
    for (const row of officialRows()) {
      const parsed = parseRationale(row.meta_data.rationale);
      expect(E.isRight(parsed) && renderRationale(parsed.right)).toBe(row.meta_data.rationale);
    }
  });

  it("names the line that does not fit", () => {
    expect(parseRationale("(1) Something else.\n(Final response) So the answer is 1.")).toMatchObject(E.left({ line: 1 }));
    expect(parseRationale("(1) Then, the final equation is 1.")).toMatchObject(E.left({ line: 1 }));
  });

  test.prop([rationaleArbitrary], { numRuns: 1000 })("parse ∘ render is the identity on structures", (rationale) => {
    expect(parseRationale(renderRationale(rationale))).toEqual(E.right(rationale));
  });

  test.prop([anyProblem], { numRuns: 1000 })("render ∘ parse is the identity on gold texts", (problem) => {
    const gold = multistepArithmetic.solve(problem);
    const parsed = parseRationale(gold);
    expect(E.isRight(parsed) && renderRationale(parsed.right)).toBe(gold);
  });

  test.prop([fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: fc.constantFrom(..."()=.\n AB0-19*+Final response"), maxLength: 400 }))], {
    numRuns: 1000,
  })("never throws on arbitrary text", (text) => {
    expect(() => parseRationale(text)).not.toThrow();
  });

  test.prop([mutatedArbitrary("official"), fc.nat(), fc.string({ maxLength: 5 })], { numRuns: 1000 })(
    "never throws on mutated gold texts, and renders what it accepts back",
    ({ mutated }, at, insert) => {
      const position = at % (mutated.attempt.length + 1);
      const text = `${mutated.attempt.slice(0, position)}${insert}${mutated.attempt.slice(position + 1)}`;
      const parsed = parseRationale(text);
      if (E.isRight(parsed)) expect(renderRationale(parsed.right)).toBe(text);
    },
  );
});
