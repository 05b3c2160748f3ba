import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { correctFeedback, errorFeedback, parseFeedbackLine, sameError } from "../../src/tasks/feedback.js";

describe("errorFeedback()", () => {
  it("writes the official multistep arithmetic wording", () => {
    expect(errorFeedback({
      previousStep: "1",
      errorStep: "2",
      segment: "(-2 - 21) = -19",
      reason: "there is an calculation error, since (-2 - 21) is not equal to -19",
    })).toBe(
      'Step (1) is correct. In step (2) the part " (-2 - 21) = -19 " is incorrect. This is because there is an calculation error, since (-2 - 21) is not equal to -19.',
    );
  });

  it("writes the official word sorting wording with a dotted range", () => {
    expect(errorFeedback({
      previousStep: "3.1",
      errorStep: "3.2",
      segment: '"coterie"="c" (3)',
      reason: 'the third letter of "coterie" should be "t"',
    })).toBe(
      'Step (1) to (3.1) are correct. In step (3.2) the part " "coterie"="c" (3) " is incorrect. This is because the third letter of "coterie" should be "t".',
    );
  });

  it("has no prefix for an error in step 1 and no spaces in LLM quotes", () => {
    expect(errorFeedback({ previousStep: null, errorStep: "1", segment: "x", reason: "y" }, "llm"))
      .toBe('In step (1) the part "x" is incorrect. This is because y.');
    expect(errorFeedback({ previousStep: "3", errorStep: "4", segment: "x", reason: "y" }, "llm"))
      .toBe('Step (1) to step (3) are correct. In step (4) the part "x" is incorrect. This is because y.');
  });
});

describe("correctFeedback()", () => {
  it("writes both official terminal wordings", () => {
    expect(correctFeedback("4", "scripted")).toBe("Step (1) to (4) are correct. The final response is also correct.");
    expect(correctFeedback("4")).toBe("Step (1) to step (4) are correct. The final response is also correct.");
  });
});

describe("parseFeedbackLine()", () => {
  test.prop([
    fc.constantFrom(null, "1", "2", "3.1"),
    fc.constantFrom("2", "3.2", "4.2.1", "Final response"),
    fc.string({ minLength: 1, maxLength: 30 }).filter((text) => !text.includes("\n") && !text.includes('"') && text.trim() !== ""),
    fc.constantFrom("scripted" as const, "llm" as const),
  ])("reads back the step and segment errorFeedback() wrote", (previousStep, errorStep, segment, style) => {
    const line = errorFeedback({ previousStep, errorStep, segment, reason: "it is wrong" }, style);
    expect(parseFeedbackLine(line)).toEqual({ correct: false, errorStep, errorSegment: segment.trim() });
  });

  test.prop([fc.string()])("never throws", (text) => {
    parseFeedbackLine(text);
  });

  it("reads a terminal line as correct and rejects lines without a reason", () => {
    expect(parseFeedbackLine(correctFeedback("3"))).toEqual({ correct: true, errorStep: null, errorSegment: null });
    expect(parseFeedbackLine('In step (2) the part "x" is incorrect.')).toBeUndefined();
    expect(parseFeedbackLine("Looks fine to me.")).toBeUndefined();
  });
});

describe("sameError()", () => {
  it("needs the same step and one segment inside the other", () => {
    const a = { correct: false, errorStep: "2", errorSegment: "(-2 - 21) = -19" };
    expect(sameError(a, { correct: false, errorStep: "2", errorSegment: "= -19" })).toBe(true);
    expect(sameError(a, { correct: false, errorStep: "3", errorSegment: "= -19" })).toBe(false);
    expect(sameError(a, { correct: false, errorStep: "2", errorSegment: "= -18" })).toBe(false);
    expect(sameError(a, { correct: true, errorStep: null, errorSegment: null })).toBe(false);
  });
});
