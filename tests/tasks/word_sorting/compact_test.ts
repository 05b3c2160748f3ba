import fc from "fast-check";
import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Verdict } from "../../../src/codecs/critique.js";
import {
  critiqueWordSorting,
  parseCompactRationale,
  parseRationale,
  renderCompactRationale,
  renderRationale,
  solveWords,
  wordSorting,
  wordSortingCompact,
  wordSortingProblem,
} from "../../../src/tasks/word_sorting/mod.js";
import { DIFFICULTIES, mutate, mutationChoiceArbitrary, problemArbitrary, rationaleArbitrary } from "./_arbitraries.js";

const WORDS = ["cosh", "inferno", "every", "foyer", "coterie", "mcfadden", "halifax"];
const PROBLEM = wordSortingProblem("example", WORDS, "seen");

describe("wordSortingCompact", () => {
  it("prompt() gives the compact question line", () => {
    expect(wordSortingCompact.prompt(PROBLEM)).toBe("Q:cosh inferno every foyer coterie mcfadden halifax\n");
  });

  it("fromTripost() writes one compact line per official line", () => {
    const compact = wordSortingCompact.fromTripost(PROBLEM, solveWords(WORDS));
    expect(compact).toEqual(E.right([
      "1 L1:cosh=c3 inferno=i9 every=e5 foyer=f6 coterie=c3 mcfadden=m13 halifax=h8",
      "2 W:3[cosh?coterie]<5every<6foyer<8halifax<9inferno<13mcfadden",
      "3 S2[cosh?coterie]:cosh=o15 coterie=o15",
      "3.1 W:15[cosh?coterie]",
      "3.2 S3[cosh?coterie]:cosh=s19 coterie=t20",
      "3.3 W:19cosh<20coterie",
      "3.4 H:cosh<coterie",
      "4 H:cosh<coterie<every<foyer<halifax<inferno<mcfadden",
      "A:cosh coterie every foyer halifax inferno mcfadden",
    ].join("\n")));
  });

  it("keeps a wrong letter as the same wrong letter", () => {
    const wrong = solveWords(WORDS).replace('"coterie"="t" (20)', '"coterie"="c" (3)');
    const compact = wordSortingCompact.fromTripost(PROBLEM, wrong);
    expect(E.isRight(compact) && compact.right.includes("3.2 S3[cosh?coterie]:cosh=s19 coterie=c3")).toBe(true);
    expect(E.chain((text: string) => wordSortingCompact.toTripost(PROBLEM, text))(compact)).toEqual(E.right(wrong));
  });

  it("renderFeedback() writes the §2.2 verdict as F:3.2:coterie=c3, and parseFeedback() reads it back", () => {
    const wrong = solveWords(WORDS).replace('"coterie"="t" (20)', '"coterie"="c" (3)');
    const verdict = critiqueWordSorting(PROBLEM, wrong);
    if (E.isLeft(verdict)) throw new Error("no verdict");
    expect(wordSortingCompact.renderFeedback(verdict.right)).toBe("F:3.2:coterie=c3");
    expect(wordSortingCompact.parseFeedback("F:3.2:coterie=c3")).toEqual(
      E.right({ correct: false, errorStep: "3.2", errorSegment: '"coterie"="c" (3)' }),
    );
    expect(wordSortingCompact.parseFeedback("F:ok")).toEqual(E.right({ correct: true, errorStep: null, errorSegment: null }));
    expect(E.isLeft(wordSortingCompact.parseFeedback("F:"))).toBe(true);
    expect(E.isLeft(wordSortingCompact.parseFeedback("nonsense"))).toBe(true);
  });

  for (const difficulty of DIFFICULTIES) {
    test.prop([problemArbitrary(difficulty), mutationChoiceArbitrary, fc.boolean()], { numRuns: 1000 })(
      `toTripost() ∘ fromTripost() is lossless on gold and wrong attempts, and the feedback round-trips (${difficulty})`,
      (problem, choice, wrong) => {
        const gold = wordSorting.solve(problem);
        const parsed = parseRationale(gold);
        if (E.isLeft(parsed)) throw new Error("gold did not parse");
        const attempt = wrong ? renderRationale(mutate(parsed.right, choice).rationale) : gold;
        const compact = wordSortingCompact.fromTripost(problem, attempt);
        if (E.isLeft(compact)) throw new Error(compact.left.message);
        expect(compact.right.split("\n").length).toBe(attempt.split("\n").length);
        expect(wordSortingCompact.toTripost(problem, compact.right)).toEqual(E.right(attempt));
        const verdict = critiqueWordSorting(problem, attempt);
        if (E.isLeft(verdict)) throw new Error(verdict.left.message);
        const line = wordSortingCompact.renderFeedback(verdict.right);
        expect(line.includes("\n")).toBe(false);
        expect(wordSortingCompact.parseFeedback(line)).toEqual(E.right({
          correct: verdict.right.correct,
          errorStep: verdict.right.errorStep,
          errorSegment: verdict.right.errorSegment,
        }));
      },
    );
  }

  test.prop([rationaleArbitrary], { numRuns: 1000 })("parseCompactRationale() ∘ renderCompactRationale() is the identity", (rationale) => {
    expect(parseCompactRationale(renderCompactRationale(rationale))).toEqual(E.right(rationale));
  });

  const verdictArbitrary: fc.Arbitrary<Verdict> = fc.oneof(
    fc.constant<Verdict>({ correct: true, errorStep: null, errorSegment: null, feedback: "" }),
    fc.record({
      correct: fc.constant(false),
      errorStep: fc.oneof(fc.constant("Final response"), fc.stringMatching(/^[1-9](\.[1-9]){0,2}$/)),
      errorSegment: fc.oneof(fc.constant(null), fc.string({ maxLength: 40 }).filter((text) => !text.includes("\n"))),
      feedback: fc.constant(""),
    }),
  );

  test.prop([verdictArbitrary], { numRuns: 1000 })("parseFeedback() ∘ renderFeedback() keeps the error step and segment", (verdict) => {
    expect(wordSortingCompact.parseFeedback(wordSortingCompact.renderFeedback(verdict))).toEqual(
      E.right({ correct: verdict.correct, errorStep: verdict.errorStep, errorSegment: verdict.errorSegment }),
    );
  });

  test.prop([fc.string({ maxLength: 200 })], { numRuns: 1000 })("the compact parsers never throw", (text) => {
    expect(() => {
      parseCompactRationale(text);
      wordSortingCompact.toTripost(PROBLEM, text);
      wordSortingCompact.fromTripost(PROBLEM, text);
      wordSortingCompact.parseFeedback(text);
    }).not.toThrow();
  });
});
