import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCritic, critiqueAttempt, extractAnswer, isCorrectAnswer, multistepArithmetic } from "../../../src/tasks/multistep_arithmetic/mod.js";
import { type DifficultyName, mutatedArbitrary, problemArbitrary, structuralArbitrary } from "./_arbitraries.js";
import { officialRows, SECTION_2_1 } from "./_fixtures.js";

const DIFFICULTIES: readonly DifficultyName[] = ["easy", "medium", "official"];
const { question, answer, attempt } = SECTION_2_1;

function lines(...items: string[]): string {
  return items.join("\n");
}

describe("critiqueAttempt()", () => {
  it("reproduces the feedback of tripost.md §2.1", () => {
    expect(critiqueAttempt(question, attempt, answer)).toEqual(E.right({
      correct: false,
      errorStep: "2",
      errorSegment: "(-2 - (-3 * -7)) = (-2 - -21)",
      feedback:
        'Step (1) is correct. In step (2) the part " (-2 - (-3 * -7)) = (-2 - -21) " is incorrect. This is because there is an calculation error, since (-2 - (-3 * -7)) is not equal to (-2 - -21).',
    }));
  });

  it("reproduces the calculation example of tripost.md §5.1", () => {
    const wrong = SECTION_2_1.update.replace("= (-2 - 21) = -23.", "= (-2 - 21) = -19.");
    const verdict = critiqueAttempt(question, wrong, answer);
    expect(verdict).toEqual(E.right({
      correct: false,
      errorStep: "2",
      errorSegment: "(-2 - 21) = -19",
      feedback:
        'Step (1) is correct. In step (2) the part " (-2 - 21) = -19 " is incorrect. This is because there is an calculation error, since (-2 - 21) is not equal to -19.',
    }));
  });

  it("reproduces the final-response example of tripost.md §5.1", () => {
    const wrong = SECTION_2_1.update.replace("So the answer is -41.", "So the answer is -40.");
    expect(critiqueAttempt(question, wrong, answer)).toEqual(E.right({
      correct: false,
      errorStep: "Final response",
      errorSegment: "the answer is -40.",
      feedback:
        'Step (1) to (4) are correct. In step (Final response) the part " the answer is -40. " is incorrect. This is because this answer is inconsistent with the result in step (4).',
    }));
  });

  it("judges the corrected attempt of §2.1 correct in the scripted wording", () => {
    expect(critiqueAttempt(question, SECTION_2_1.update, answer)).toEqual(E.right({
      correct: true,
      errorStep: null,
      errorSegment: null,
      feedback: "Step (1) to (4) are correct. The final response is also correct.",
    }));
  });

  it("judges every committed official rationale correct", () => {
    for (const row of officialRows()) {
      const verdict = critiqueAttempt(row.meta_data.question, row.meta_data.rationale, row.meta_data.answer);
      expect(E.isRight(verdict) && verdict.right.correct).toBe(true);
    }
  });

  it("checks the partition against the question, quoting the expression without its outer parentheses", () => {
    const wrong = attempt.replace("B = (-5 * -4 - 2).", "B = (-5 * -4 - 3).");
    const verdict = critiqueAttempt(question, wrong);
    expect(E.isRight(verdict) && verdict.right.errorStep).toBe("1");
    expect(E.isRight(verdict) && verdict.right.feedback).toBe(
      'In step (1) the part " This equation can be written as "(A - B)", where A = (-2 - -3 * -7) and B = (-5 * -4 - 3). " is incorrect. This is because it is not consistent with the original equation: (-2 - -3 * -7) - (-5 * -4 - 2).',
    );
  });

  it("names an invalid equation and unbalanced brackets", () => {
    const wrong = SECTION_2_1.update.replace("= (-2 - 21) = -23.", "= (-2 - 21 = -23.");
    const verdict = critiqueAttempt(question, wrong);
    expect(E.isRight(verdict) && verdict.right.errorSegment).toBe("(-2 - 21");
    expect(E.isRight(verdict) && verdict.right.feedback).toContain(
      "This is because it is an invalid equation as the number of left and right brackets do not match.",
    );
  });

  it("runs the combine checks before the calculation of the final equation", () => {
    const unknown = SECTION_2_1.update.replace("(A - B) = (-23 - 18)", "(A - C) = (-23 - 18)");
    expect(E.isRight(critiqueAttempt(question, unknown)) && critiqueAttempt(question, unknown)).toMatchObject(E.right({
      errorStep: "4",
      errorSegment: "(A - C) = (-23 - 18)",
      feedback: expect.stringContaining("This is because C has not been calculated in previous steps."),
    }));
    const inconsistent = SECTION_2_1.update.replace("(A - B) = (-23 - 18) = -41", "(A - B) = (-23 - 17) = -40");
    expect(critiqueAttempt(question, inconsistent)).toMatchObject(E.right({
      errorStep: "4",
      feedback: expect.stringContaining("this substitution is incosistent with the results in the previous steps"),
    }));
    const wrongOrder = SECTION_2_1.update.replace("(A - B) = (-23 - 18) = -41", "(B - A) = (18 - -23) = 41").replace("is -41.", "is 41.");
    expect(critiqueAttempt(question, wrongOrder)).toMatchObject(E.right({
      errorStep: "4",
      errorSegment: "(B - A)",
      feedback: expect.stringContaining("this equation is inconsistent with the question statement"),
    }));
  });

  it("returns a Left where the official verifier gives [ERROR]", () => {
    const update = SECTION_2_1.update;
    expect(E.isLeft(critiqueAttempt(question, update.replace("(Final response) ", "")))).toBe(true);
    expect(E.isLeft(critiqueAttempt(question, update.replace("(3) Let's calculate", "(3) We calculate")))).toBe(true);
    expect(E.isLeft(critiqueAttempt(question, update.replace("= 18.", "= 18")))).toBe(true);
    expect(E.isLeft(critiqueAttempt(question, "(Final response) So the answer is -41."))).toBe(true);
    expect(E.isLeft(critiqueAttempt(question, update.replace("is -41.", "is minus 41.")))).toBe(true);
    expect(E.isLeft(critiqueAttempt(question, update, "7"))).toBe(true);
    expect(E.isLeft(critiqueAttempt("what is it?", update))).toBe(true);
  });

  it("reports an error late in the attempt even when an earlier line would raise later", () => {
    // The period check runs when a line is reached: an error before it wins.
    const wrong = SECTION_2_1.update.replace("= (-2 - 21) = -23.", "= (-2 - 21) = -19.").replace("= 18.", "= 18");
    expect(critiqueAttempt(question, wrong)).toMatchObject(E.right({ errorStep: "2" }));
  });

  it("calls a skipped final equation with a wrong answer wrong (our addition)", () => {
    const skipped = lines(...SECTION_2_1.update.split("\n").slice(0, 3), "(Final response) So the answer is 18.");
    expect(critiqueAttempt(question, skipped)).toMatchObject(E.right({
      correct: false,
      errorStep: "Final response",
      errorSegment: "the answer is 18.",
      feedback: expect.stringContaining("this answer is inconsistent with the question statement"),
    }));
  });
});

describe("multistepArithmetic.critique()", () => {
  for (const difficulty of DIFFICULTIES) {
    test.prop([problemArbitrary(difficulty)], { numRuns: 1000 })(`judges the gold rationale correct (${difficulty})`, (problem) => {
      const verdict = multistepArithmetic.critique?.(problem, multistepArithmetic.solve(problem));
      expect(verdict !== undefined && E.isRight(verdict) && verdict.right.correct).toBe(true);
    });

    test.prop([mutatedArbitrary(difficulty)], { numRuns: 1000 })(`names the changed step (${difficulty})`, ({ problem, gold, mutated }) => {
      expect(mutated.attempt).not.toBe(gold);
      const verdict = multistepArithmetic.critique?.(problem, mutated.attempt);
      expect(verdict).toMatchObject(E.right({ correct: false, errorStep: mutated.expectedStep }));
    });

    test.prop([fc.oneof(mutatedArbitrary(difficulty).map(({ problem, mutated }) => ({ problem, attempt: mutated.attempt })), structuralArbitrary(difficulty))], {
      numRuns: 1000,
    })(`never judges a wrong final answer correct (${difficulty})`, ({ problem, attempt: text }) => {
      const verdict = multistepArithmetic.critique?.(problem, text);
      const given = extractAnswer(text);
      if (given === undefined || !isCorrectAnswer(given, problem.answer)) {
        expect(verdict !== undefined && E.isRight(verdict) && verdict.right.correct).toBe(false);
      }
    });
  }

  test.prop([problemArbitrary("easy"), fc.string({ maxLength: 300 })], { numRuns: 1000 })("never throws on arbitrary text", (problem, text) => {
    expect(() => multistepArithmetic.critique?.(problem, text)).not.toThrow();
  });

  test.prop([mutatedArbitrary("medium"), fc.nat(), fc.string({ unit: fc.constantFrom(..."()=.-+*0123456789 AB\n"), maxLength: 4 })], { numRuns: 1000 })(
    "never throws on gold texts with characters changed",
    ({ problem, mutated }, at, insert) => {
      const position = at % (mutated.attempt.length + 1);
      const text = `${mutated.attempt.slice(0, position)}${insert}${mutated.attempt.slice(position + 1)}`;
      expect(() => multistepArithmetic.critique?.(problem, text)).not.toThrow();
    },
  );
});

describe("createCritic()", () => {
  it("judges many attempts at one question as critiqueAttempt() does", () => {
    const critic = createCritic(question, answer);
    if (E.isLeft(critic)) throw new Error(critic.left.message);
    for (const text of [attempt, SECTION_2_1.update, "nonsense"]) expect(critic.right(text)).toEqual(critiqueAttempt(question, text, answer));
    expect(E.isLeft(createCritic(question, "0"))).toBe(true);
  });
});
