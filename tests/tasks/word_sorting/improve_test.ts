import fc from "fast-check";
import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { madeProgress } from "../../../src/tasks/steps.js";
import {
  critiqueWordSorting,
  improveWordSorting,
  parseRationale,
  renderRationale,
  solveWords,
  wordSorting,
  wordSortingProblem,
} from "../../../src/tasks/word_sorting/mod.js";
import { DIFFICULTIES, mutate, mutationChoiceArbitrary, problemArbitrary } from "./_arbitraries.js";

describe("improveWordSorting()", () => {
  it("keeps the lines before the error step and fixes the rest (tripost.md §2.2)", () => {
    const words = ["cosh", "inferno", "every", "foyer", "coterie", "mcfadden", "halifax"];
    const problem = wordSortingProblem("example", words, "seen");
    const gold = solveWords(words);
    const wrong = gold.replace('"coterie"="t" (20)', '"coterie"="c" (3)');
    const verdict = critiqueWordSorting(problem, wrong);
    if (E.isLeft(verdict)) throw new Error("no verdict");
    expect(improveWordSorting(problem, wrong, verdict.right)).toEqual(E.right(gold));
  });

  it("continues from a prefix whose step (1) lists the words in another order", () => {
    const problem = wordSortingProblem("p", ["cosh", "coterie", "every"], "seen");
    const reordered = solveWords(["every", "coterie", "cosh"]);
    const wrong = reordered.replace('(2) We now have: (3) ["coterie" ? "cosh"] < (5) "every".', '(2) We now have: (5) "every" < (3) ["coterie" ? "cosh"].');
    const verdict = critiqueWordSorting(problem, wrong);
    if (E.isLeft(verdict)) throw new Error("no verdict");
    expect(verdict.right.errorStep).toBe("2");
    expect(improveWordSorting(problem, wrong, verdict.right)).toEqual(E.right(reordered));
  });

  it("returns a Left for a verdict that says correct", () => {
    const problem = wordSortingProblem("p", ["b", "a"], "seen");
    const gold = solveWords(["b", "a"]);
    expect(E.isLeft(improveWordSorting(problem, gold, { correct: true, errorStep: null, errorSegment: null, feedback: "" }))).toBe(true);
  });

  for (const difficulty of DIFFICULTIES) {
    test.prop([problemArbitrary(difficulty), mutationChoiceArbitrary], { numRuns: 1000 })(
      `yields an attempt judged correct that made progress after an FBK error (${difficulty})`,
      (problem, choice) => {
        const parsed = parseRationale(wordSorting.solve(problem));
        if (E.isLeft(parsed)) throw new Error("gold did not parse");
        const gold = renderRationale(parsed.right);
        const attempt = renderRationale(mutate(parsed.right, choice).rationale);
        const verdict = critiqueWordSorting(problem, attempt);
        if (E.isLeft(verdict)) throw new Error(verdict.left.message);
        // Some official segments occur in every correct attempt: the whole list of maps for a
        // wrong ordinal in step (1), or an answer with its first or last word dropped (each word
        // stands in the steps too). No update can pass made_progress then, so skip those.
        const segment = (verdict.right.errorSegment ?? "").trim();
        fc.pre(segment === "" || !gold.includes(segment));
        const improved = improveWordSorting(problem, attempt, verdict.right);
        if (E.isLeft(improved)) throw new Error(improved.left.message);
        const judged = critiqueWordSorting(problem, improved.right);
        expect(E.isRight(judged) && judged.right.correct).toBe(true);
        const allowedSegmentCount = verdict.right.feedback.includes("is duplicated") ? 1 : 0;
        expect(madeProgress(attempt, improved.right, verdict.right, { allowedSegmentCount })).toBe(true);
      },
    );
  }
});
