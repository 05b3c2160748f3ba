import fc from "fast-check";
import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../../src/codecs/problem.js";
import { parseFeedbackLine } from "../../../src/tasks/feedback.js";
import {
  critiqueWordSorting,
  parseRationale,
  renderRationale,
  solveWords,
  wordSorting,
  wordSortingProblem,
} from "../../../src/tasks/word_sorting/mod.js";
import { DIFFICULTIES, mutate, mutationChoiceArbitrary, problemArbitrary } from "./_arbitraries.js";

const WORDS = ["cosh", "inferno", "every", "foyer", "coterie", "mcfadden", "halifax"];
const PROBLEM: Problem = wordSortingProblem("example", WORDS, "seen");

/** The wrong attempt of `tripost.md` §2.2. */
const WRONG = [
  '(1) The first letter: "cosh"="c" (3), "inferno"="i" (9), "every"="e" (5), "foyer"="f" (6), "coterie"="c" (3), "mcfadden"="m" (13), "halifax"="h" (8).',
  '(2) We now have: (3) ["cosh" ? "coterie"] < (5) "every" < (6) "foyer" < (8) "halifax" < (9) "inferno" < (13) "mcfadden".',
  '(3) Now sort this subpart ["cosh" ? "coterie"] by looking at their second letters: "cosh"="o" (15), "coterie"="o" (15).',
  '(3.1) We now have: (15) ["cosh" ? "coterie"].',
  '(3.2) Now sort this subpart ["cosh" ? "coterie"] by looking at their third letters: "cosh"="s" (19), "coterie"="c" (3).',
  '(3.3) We now have: (3) "coterie" < (19) "cosh".',
  '(3.4) Hence, we have "coterie" < "cosh".',
  '(4) Hence, we have "coterie" < "cosh" < "every" < "foyer" < "halifax" < "inferno" < "mcfadden".',
  "(Final response) So the answer is: coterie cosh every foyer halifax inferno mcfadden.",
].join("\n");

function feedbackOf(attempt: string, problem: Problem = PROBLEM): string | undefined {
  const verdict = critiqueWordSorting(problem, attempt);
  return E.isRight(verdict) ? verdict.right.feedback : undefined;
}

function replaceLine(text: string, index: number, line: string): string {
  const lines = text.split("\n");
  lines[index] = line;
  return lines.join("\n");
}

describe("critiqueWordSorting()", () => {
  it("reproduces the official verifier output of tripost.md §2.2", () => {
    const verdict = critiqueWordSorting(PROBLEM, WRONG);
    expect(verdict).toEqual(E.right({
      correct: false,
      errorStep: "3.2",
      errorSegment: '"coterie"="c" (3)',
      feedback:
        'Step (1) to (3.1) are correct. In step (3.2) the part " "coterie"="c" (3) " is incorrect. This is because the third letter of "coterie" should be "t".',
    }));
    expect(parseFeedbackLine(feedbackOf(WRONG) as string)).toEqual({ correct: false, errorStep: "3.2", errorSegment: '"coterie"="c" (3)' });
  });

  it("judges the corrected attempt of tripost.md §2.2 correct, in the scripted wording", () => {
    expect(feedbackOf(solveWords(WORDS))).toBe("Step (1) to (4) are correct. The final response is also correct.");
  });

  it("writes each official reason", () => {
    const gold = solveWords(WORDS);
    expect(feedbackOf(replaceLine(gold, 0, gold.split("\n")[0]!.replace('"halifax"="h" (8)', '"halifax"="h" (9)')))).toBe(
      'In step (1) the part " "halifax"="h" (9) " is incorrect. This is because the alphabetical order for the character "h" should be 8.',
    );
    expect(feedbackOf(replaceLine(gold, 0, gold.split("\n")[0]!.replace('"halifax"="h" (8)', '"cosh"="c" (3)')))).toBe(
      'In step (1) the part " "cosh"="c" (3) " is incorrect. This is because "cosh" is duplicated.',
    );
    expect(feedbackOf(replaceLine(gold, 0, gold.split("\n")[0]!.replace(', "halifax"="h" (8)', "")))).toBe(
      'In step (1) the part " "cosh"="c" (3), "inferno"="i" (9), "every"="e" (5), "foyer"="f" (6), "coterie"="c" (3), "mcfadden"="m" (13) " is incorrect. This is because you missed the words "halifax", which are in the list of words provided by the question statement: cosh inferno every foyer coterie mcfadden halifax.',
    );
    expect(feedbackOf(replaceLine(gold, 1, '(2) We now have: (3) ["cosh" ? "coterie"] < (6) "foyer" < (5) "every" < (8) "halifax" < (9) "inferno" < (13) "mcfadden".'))).toBe(
      'Step (1) is correct. In step (2) the part " (3) ["cosh" ? "coterie"] < (6) "foyer" < (5) "every" < (8) "halifax" < (9) "inferno" < (13) "mcfadden" " is incorrect. This is because words are not sorted in ascending order. Using results from step (1), those words with (5) should come after words with (3).',
    );
    expect(feedbackOf(replaceLine(gold, 1, '(2) We now have: (3) ["cosh" ? "coterie"] < (5) "every" < (8) "halifax" < (9) "inferno" < (13) "mcfadden".'))).toBe(
      'Step (1) is correct. In step (2) the part " (3) ["cosh" ? "coterie"] < (5) "every" < (8) "halifax" < (9) "inferno" < (13) "mcfadden" " is incorrect. This is because according to step (1), this ordering does not have words with the numbers (6) sorted correctly.',
    );
    expect(feedbackOf(replaceLine(gold, 4, gold.split("\n")[4]!.replace("third letters", "fourth letters")))).toBe(
      'Step (1) to (3.1) are correct. In step (3.2) the part " now sort this subpart ["cosh" ? "coterie"] by looking at their fourth letters " is incorrect. This is because the third letter of ["cosh" ? "coterie"] has not been sorted yet.',
    );
    expect(feedbackOf(replaceLine(gold, 6, '(3.4) Hence, we have "coterie" < "cosh".'))).toBe(
      'Step (1) to (3.3) are correct. In step (3.4) the part " "coterie" < "cosh" " is incorrect. This is because the order of "cosh" and "coterie" is inconsistent with the result in step (3.3) that: (19) "cosh" < (20) "coterie".',
    );
    expect(feedbackOf(replaceLine(gold, 6, '(3.4) Hence, we have "cosh" ? "coterie".'))).toBe(
      'Step (1) to (3.3) are correct. In step (3.4) the part " "cosh" ? "coterie" " is incorrect. This is because this subpart has not yet been sorted completely (contains "?"), so it should not be a conclusion step.',
    );
    expect(feedbackOf(replaceLine(gold, 8, "(Final response) So the answer is: cosh coterie every foyer inferno halifax mcfadden."))).toBe(
      'Step (1) to (4) are correct. In step (Final response) the part " cosh coterie every foyer inferno halifax mcfadden " is incorrect. This is because in step (4) it is established that: "cosh" < "coterie" < "every" < "foyer" < "halifax" < "inferno" < "mcfadden".',
    );
  });

  it("takes an empty gold answer as the sorted words", () => {
    expect(E.isRight(critiqueWordSorting({ ...PROBLEM, answer: "" }, solveWords(WORDS)))).toBe(true);
  });

  it("returns a Left where the official verifier gives [ERROR]", () => {
    expect(E.isLeft(critiqueWordSorting(PROBLEM, "(1) Something else.\n(Final response) So the answer is: a."))).toBe(true);
    expect(E.isLeft(critiqueWordSorting(PROBLEM, WRONG.replace("(Final response) ", "")))).toBe(true);
    // every step passes but the answer is wrong (a tie group never sorted): the official verifier's last assertion fails
    const problem = wordSortingProblem("p", ["cosh", "coterie", "every"], "seen");
    const skipped = [
      '(1) The first letter: "cosh"="c" (3), "coterie"="c" (3), "every"="e" (5).',
      '(2) We now have: (3) ["cosh" ? "coterie"] < (5) "every".',
      '(3) Hence, we have "coterie" < "cosh" < "every".',
      "(Final response) So the answer is: coterie cosh every.",
    ].join("\n");
    expect(E.isLeft(critiqueWordSorting(problem, skipped))).toBe(true);
    expect(E.isLeft(critiqueWordSorting({ ...problem, answer: "every cosh coterie" }, solveWords(["cosh", "coterie", "every"])))).toBe(true);
  });

  for (const difficulty of DIFFICULTIES) {
    test.prop([problemArbitrary(difficulty)], { numRuns: 1000 })(`judges the gold rationale correct (${difficulty})`, (problem) => {
      const verdict = critiqueWordSorting(problem, wordSorting.solve(problem));
      expect(verdict).toEqual(E.right(expect.objectContaining({ correct: true, errorStep: null, errorSegment: null })));
    });

    test.prop([problemArbitrary(difficulty), mutationChoiceArbitrary], { numRuns: 1000 })(
      `names the changed step of a gold rationale (${difficulty})`,
      (problem, choice) => {
        const parsed = parseRationale(wordSorting.solve(problem));
        if (E.isLeft(parsed)) throw new Error("gold did not parse");
        const mutation = mutate(parsed.right, choice);
        const attempt = renderRationale(mutation.rationale);
        const verdict = critiqueWordSorting(problem, attempt);
        expect(E.isRight(verdict)).toBe(true);
        if (E.isLeft(verdict)) return;
        expect(verdict.right.correct).toBe(false);
        expect(verdict.right.errorStep).toBe(mutation.step);
        expect(parseFeedbackLine(verdict.right.feedback)).toEqual({
          correct: false,
          errorStep: mutation.step,
          errorSegment: (verdict.right.errorSegment as string).trim(),
        });
      },
    );

    test.prop([problemArbitrary(difficulty), fc.array(mutationChoiceArbitrary, { minLength: 1, maxLength: 3 }), fc.boolean()], { numRuns: 1000 })(
      `never judges an attempt with a wrong final answer correct (${difficulty})`,
      (problem, choices, consistent) => {
        const parsed = parseRationale(wordSorting.solve(problem));
        if (E.isLeft(parsed)) throw new Error("gold did not parse");
        let rationale = parsed.right;
        for (const choice of choices) rationale = mutate(rationale, choice).rationale;
        if (consistent) {
          // make the last "Hence" line agree with a wrong answer, so only earlier steps can catch it
          const words = rationale.answer.split(" ");
          const steps = rationale.steps.map((step, index) =>
            index === rationale.steps.length - 1 && step.kind === "hence" ? { ...step, words, relations: words.slice(1).map(() => "<" as const) } : step
          );
          rationale = { ...rationale, steps };
        }
        const attempt = renderRationale(rationale);
        const answer = wordSorting.extractAnswer(attempt) ?? "";
        fc.pre(!wordSorting.isCorrectAnswer(answer, problem.answer));
        const verdict = critiqueWordSorting(problem, attempt);
        expect(E.isLeft(verdict) || !verdict.right.correct).toBe(true);
      },
    );
  }

  test.prop([problemArbitrary("official"), fc.string({ maxLength: 200 })], { numRuns: 1000 })("never throws on random text", (problem, text) => {
    const verdict = critiqueWordSorting(problem, text);
    expect(E.isLeft(verdict) || typeof verdict.right.feedback === "string").toBe(true);
  });
});

/** Words with apostrophes, BIG-Bench style (`she'll`, `p's`), none a prefix of another. */
const apostropheWordsArbitrary = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z']{0,6}$/), { minLength: 2, maxLength: 8 })
  .filter((words) => words.some((word) => word.includes("'")))
  .filter((words) => words.every((word) => words.every((other) => other === word || !other.startsWith(word))));

describe("critiqueWordSorting() on words with apostrophes", () => {
  // The official solver numbers a character `ord(c) - ord('a') + 1` (`'` → -57) and the official
  // verifier reads the number with `int(...)`, so it judges such gold rationales correct.
  it("judges a gold rationale with `she'll` and `p's` correct", () => {
    const problem = wordSortingProblem("apostrophes", ["she'll", "shell", "p's", "ps", "apple"], "seen");
    const gold = wordSorting.solve(problem);
    expect(gold).toContain('"p\'s"="\'" (-57), "ps"="s" (19)');
    expect(gold).toContain('"she\'ll"="\'" (-57), "shell"="l" (12)');
    expect(critiqueWordSorting(problem, gold)).toEqual(E.right(expect.objectContaining({ correct: true })));
  });

  test.prop([apostropheWordsArbitrary])("judges every gold rationale correct, and the compact form round-trips it", (words) => {
    const problem = wordSortingProblem("apostrophes", words, "seen");
    const gold = solveWords(words);
    const verdict = critiqueWordSorting(problem, gold);
    expect(E.isRight(verdict) && verdict.right.correct).toBe(true);
    const compact = wordSorting.compact!.fromTripost(problem, gold);
    expect(E.isRight(compact)).toBe(true);
    if (E.isRight(compact)) expect(wordSorting.compact!.toTripost(problem, compact.right)).toEqual(E.right(gold));
  });
});
