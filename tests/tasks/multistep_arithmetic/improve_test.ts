import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { critiqueAttempt, improveAttempt, multistepArithmetic } from "../../../src/tasks/multistep_arithmetic/mod.js";
import { madeProgress } from "../../../src/tasks/steps.js";
import { type DifficultyName, mutatedArbitrary } from "./_arbitraries.js";
import { SECTION_2_1 } from "./_fixtures.js";

const DIFFICULTIES: readonly DifficultyName[] = ["easy", "medium", "official"];

describe("improveAttempt()", () => {
  it("writes the update of tripost.md §2.1", () => {
    const verdict = critiqueAttempt(SECTION_2_1.question, SECTION_2_1.attempt);
    if (E.isLeft(verdict)) throw new Error("no verdict");
    expect(improveAttempt(SECTION_2_1.question, SECTION_2_1.attempt, verdict.right)).toEqual(E.right(SECTION_2_1.update));
  });

  it("keeps the lines before the error step unchanged", () => {
    const question = "((1 + 2) * (3 - 4)) =";
    const attempt = [
      '(1) This equation can be written as "(A * B)", where A = (1 + 2) and B = (3 - 4).',
      "(2) Let's calculate A = (1 + 2) = (1 + 2) = 3.",
      "(3) Let's calculate B = (3 - 4) = (3 - 4) = 1.",
      "(4) Then, the final equation is (A * B) = (3 * 1) = 3.",
      "(Final response) So the answer is 3.",
    ].join("\n");
    const verdict = critiqueAttempt(question, attempt);
    if (E.isLeft(verdict)) throw new Error("no verdict");
    expect(verdict.right.errorStep).toBe("3");
    const updated = improveAttempt(question, attempt, verdict.right);
    expect(updated).toEqual(E.right([
      ...attempt.split("\n").slice(0, 2),
      "(3) Let's calculate B = (3 - 4) = (3 - 4) = -1.",
      "(4) Then, the final equation is (A * B) = (3 * -1) = -3.",
      "(Final response) So the answer is -3.",
    ].join("\n")));
  });

  it("fixes a value whose wrong spelling is a prefix of the right one, and that counts as progress", () => {
    const question = "((40 - 9) + (1 * 1)) =";
    const gold = multistepArithmetic.solve({ id: "x", task: "multistep_arithmetic", question, answer: "32" });
    const wrong = gold.replace("(40 - 9) = 31.", "(40 - 9) = 3.");
    const verdict = critiqueAttempt(question, wrong);
    if (E.isLeft(verdict)) throw new Error("no verdict");
    expect(verdict.right.errorSegment).toBe("(40 - 9) = 3");
    const updated = improveAttempt(question, wrong, verdict.right);
    expect(updated).toEqual(E.right(gold));
    expect(madeProgress(wrong, gold, verdict.right)).toBe(true);
  });

  it("returns a correct attempt unchanged", () => {
    const verdict = { correct: true, errorStep: null, errorSegment: null, feedback: "" };
    expect(improveAttempt(SECTION_2_1.question, SECTION_2_1.update, verdict)).toEqual(E.right(SECTION_2_1.update));
  });
});

describe("multistepArithmetic.improve()", () => {
  for (const difficulty of DIFFICULTIES) {
    test.prop([mutatedArbitrary(difficulty)], { numRuns: 1000 })(
      `yields an attempt judged correct that made progress (${difficulty})`,
      ({ problem, mutated }) => {
        const verdict = multistepArithmetic.critique?.(problem, mutated.attempt);
        if (verdict === undefined || E.isLeft(verdict)) throw new Error("no verdict");
        const updated = multistepArithmetic.improve?.(problem, mutated.attempt, verdict.right);
        if (updated === undefined || E.isLeft(updated)) throw new Error("no update");
        const after = multistepArithmetic.critique?.(problem, updated.right);
        expect(after !== undefined && E.isRight(after) && after.right.correct).toBe(true);
        expect(madeProgress(mutated.attempt, updated.right, verdict.right)).toBe(true);
      },
    );
  }
});
