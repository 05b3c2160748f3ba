import fc from "fast-check";
import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { critiqueWordSorting, parseRationale, renderRationale, solveWords, wordSorting } from "../../../src/tasks/word_sorting/mod.js";
import { DIFFICULTIES, mutate, mutationChoiceArbitrary, problemArbitrary, rationaleArbitrary } from "./_arbitraries.js";

const EXAMPLE = solveWords(["cosh", "inferno", "every", "foyer", "coterie", "mcfadden", "halifax"]);

describe("parseRationale()", () => {
  it("reads every kind of line into the structure", () => {
    const parsed = parseRationale(EXAMPLE);
    expect(E.isRight(parsed)).toBe(true);
    if (E.isLeft(parsed)) return;
    const { steps, answer } = parsed.right;
    expect(steps[0]).toEqual({
      kind: "letters",
      id: "1",
      position: 0,
      maps: [
        { word: "cosh", letter: "c", value: 3 },
        { word: "inferno", letter: "i", value: 9 },
        { word: "every", letter: "e", value: 5 },
        { word: "foyer", letter: "f", value: 6 },
        { word: "coterie", letter: "c", value: 3 },
        { word: "mcfadden", letter: "m", value: 13 },
        { word: "halifax", letter: "h", value: 8 },
      ],
    });
    expect(steps[1]).toMatchObject({ kind: "ordering", id: "2" });
    expect(steps[1]?.kind === "ordering" && steps[1].groups[0]).toEqual({ value: 3, words: ["cosh", "coterie"], bracketed: true });
    expect(steps[4]).toEqual({
      kind: "subpart",
      id: "3.2",
      subpart: ["cosh", "coterie"],
      position: 2,
      maps: [{ word: "cosh", letter: "s", value: 19 }, { word: "coterie", letter: "t", value: 20 }],
    });
    expect(steps[6]).toEqual({ kind: "hence", id: "3.4", words: ["cosh", "coterie"], relations: ["<"] });
    expect(answer).toBe("cosh coterie every foyer halifax inferno mcfadden");
  });

  it("returns a Left naming the line for a malformed line", () => {
    const broken = EXAMPLE.replace("(2) We now have:", "(2) We now got:");
    expect(parseRationale(broken)).toEqual(E.left({ type: "parse-error", line: 2, message: "Cannot parse the line as a word sorting step" }));
    expect(E.isLeft(parseRationale(""))).toBe(true);
    expect(E.isLeft(parseRationale(EXAMPLE.split("\n").slice(0, -1).join("\n")))).toBe(true);
  });

  for (const difficulty of DIFFICULTIES) {
    test.prop([problemArbitrary(difficulty)], { numRuns: 1000 })(
      `renderRationale() ∘ parseRationale() is the identity on gold texts (${difficulty})`,
      (problem) => {
        const gold = wordSorting.solve(problem);
        const parsed = parseRationale(gold);
        expect(E.isRight(parsed) && renderRationale(parsed.right)).toBe(gold);
      },
    );
  }

  test.prop([rationaleArbitrary], { numRuns: 1000 })("parseRationale() ∘ renderRationale() is the identity", (rationale) => {
    expect(parseRationale(renderRationale(rationale))).toEqual(E.right(rationale));
  });

  test.prop([fc.string({ maxLength: 300 })], { numRuns: 1000 })("parseRationale() never throws on random text", (text) => {
    const parsed = parseRationale(text);
    expect(E.isLeft(parsed) || typeof parsed.right.answer === "string").toBe(true);
  });

  test.prop(
    [problemArbitrary("official"), fc.array(fc.record({ at: fc.nat(), text: fc.string({ maxLength: 4 }), cut: fc.nat({ max: 3 }) }), { minLength: 1, maxLength: 4 })],
    { numRuns: 1000 },
  )("parseRationale() and critiqueWordSorting() never throw on mutated gold texts, and what parses renders back", (problem, edits) => {
    let text = wordSorting.solve(problem);
    for (const { at, text: insert, cut } of edits) {
      const index = at % (text.length + 1);
      text = text.slice(0, index) + insert + text.slice(index + cut);
    }
    const parsed = parseRationale(text);
    if (E.isRight(parsed)) expect(renderRationale(parsed.right)).toBe(text.trimEnd());
    const verdict = critiqueWordSorting(problem, text);
    expect(E.isLeft(verdict) || typeof verdict.right.correct === "boolean").toBe(true);
  });

  test.prop([problemArbitrary("official"), mutationChoiceArbitrary], { numRuns: 1000 })(
    "parseRationale() reads every mutated gold rationale back",
    (problem, choice) => {
      const parsed = parseRationale(wordSorting.solve(problem));
      if (E.isLeft(parsed)) throw new Error("gold did not parse");
      const { rationale } = mutate(parsed.right, choice);
      expect(parseRationale(renderRationale(rationale))).toEqual(E.right(rationale));
    },
  );
});
