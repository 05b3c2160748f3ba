import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareStepIds, madeProgress, prefixBefore, splitSteps } from "../../src/tasks/steps.js";

const attempt = [
  '(1) This equation can be written as "(A - B)", where A = (1 + 2) and B = (3 - 4).',
  "(2) Let's calculate A = (1 + 2) = 4.",
  "(3) Let's calculate B = (3 - 4) = -1.",
  "(4) Then, the final equation is (A - B) = (4 - -1) = 5.",
  "(Final response) So the answer is 5.",
].join("\n");

describe("splitSteps()", () => {
  it("reads ids, dotted ids and the final response", () => {
    expect(splitSteps("(1) a\n(3.2) b\nnoise\n(4.2.1) c\n(Final response) d").map((step) => step.id))
      .toEqual(["1", "3.2", "4.2.1", "Final response"]);
  });
});

describe("prefixBefore()", () => {
  it("keeps the lines before the error step", () => {
    expect(prefixBefore(attempt, "2")).toBe(attempt.split("\n")[0]);
    expect(prefixBefore(attempt, "1")).toBe("");
    expect(prefixBefore(attempt, "Final response")).toBe(attempt.split("\n").slice(0, 4).join("\n"));
  });
});

describe("madeProgress()", () => {
  const verdict = { errorStep: "2", errorSegment: "(1 + 2) = 4" };
  const fixed = attempt.replace("(1 + 2) = 4.", "(1 + 2) = 3.").replace("(4 - -1) = 5", "(3 - -1) = 4").replace("is 5.", "is 4.");

  it("accepts a fix of the error step that keeps the prefix", () => {
    expect(madeProgress(attempt, fixed, verdict)).toBe(true);
  });

  it("rejects an identical attempt, a changed prefix, an unchanged error step, and a kept segment", () => {
    expect(madeProgress(attempt, attempt, verdict)).toBe(false);
    expect(madeProgress(attempt, fixed.replace("(A - B)", "(A + B)"), verdict)).toBe(false);
    expect(madeProgress(attempt, attempt.replace("is 5.", "is 6."), verdict)).toBe(false);
    expect(madeProgress(attempt, fixed + "\n(1 + 2) = 4", verdict)).toBe(false);
  });

  it("allows a duplicated segment once when asked", () => {
    const duplicated = { errorStep: "2", errorSegment: '"cosh" is duplicated' };
    const previous = '(1) a\n(2) "cosh" is duplicated x\n(Final response) y';
    const next = '(1) a\n(2) "cosh" is duplicated z\n(Final response) y';
    expect(madeProgress(previous, next, duplicated)).toBe(false);
    expect(madeProgress(previous, next, duplicated, { allowedSegmentCount: 1 })).toBe(true);
  });
});

describe("compareStepIds()", () => {
  const ids = fc.oneof(
    fc.constant("Final response"),
    fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(".")),
  );
  test.prop([ids, ids])("is antisymmetric", (a, b) => {
    expect(Math.sign(compareStepIds(a, b))).toBe(-Math.sign(compareStepIds(b, a)) || 0);
  });
  it("orders ids as they stand in a rationale", () => {
    const ordered = ["1", "2", "3", "3.1", "3.2", "3.2.1", "3.3", "4", "10", "Final response"];
    expect([...ordered].reverse().sort(compareStepIds)).toEqual(ordered);
  });
});
