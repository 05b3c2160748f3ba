import { describe, expect, it } from "vitest";
import { extractAnswer, hasValidContent, isCorrectAnswer, multistepArithmetic } from "../../../src/tasks/multistep_arithmetic/mod.js";
import { SECTION_2_1 } from "./_fixtures.js";

describe("extractAnswer()", () => {
  it("reads the final line, or the line before a feedback", () => {
    expect(extractAnswer(SECTION_2_1.update)).toBe("-41");
    expect(extractAnswer(`${SECTION_2_1.update}\nFeedback: Step (1) to (4) are correct. The final response is also correct.`)).toBe("-41");
    expect(extractAnswer("(1) no answer here")).toBeUndefined();
  });
});

describe("isCorrectAnswer()", () => {
  it("compares numbers", () => {
    expect(isCorrectAnswer("-41", "-41")).toBe(true);
    expect(isCorrectAnswer("-41.0", "-41")).toBe(true);
    expect(isCorrectAnswer("+007", "7")).toBe(true);
    expect(isCorrectAnswer("99999999980000000001", "99999999980000000000")).toBe(false);
    expect(isCorrectAnswer("forty", "40")).toBe(false);
  });
});

describe("hasValidContent()", () => {
  it("wants the answer as the last value of the line before", () => {
    expect(hasValidContent(SECTION_2_1.update, "-41")).toBe(true);
    expect(hasValidContent(SECTION_2_1.update.replace("is -41.", "is -40."), "-40")).toBe(false);
    expect(hasValidContent(SECTION_2_1.update.replace("= -41.\n", "=-41.\n"), "-41")).toBe(true);
    expect(hasValidContent("(Final response) So the answer is 1.", "1")).toBe(false);
  });

  it("is what the task exposes, with the official info text", () => {
    expect(multistepArithmetic.hasValidContent).toBe(hasValidContent);
    expect(multistepArithmetic.info).toBe(
      " Recall that the order of operations in mathematics is as follows: (1) Parentheses, (2) exponents, (3) multiplication and division (from left to right), (4) addition and multiplication (from left to right). So, remember to always compute the expressions inside parentheses or brackets first.",
    );
    expect(multistepArithmetic.difficulties).toEqual(["official", "easy", "medium"]);
  });
});
