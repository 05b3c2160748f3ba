import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { wordSorting } from "../../../src/tasks/word_sorting/mod.js";

describe("wordSorting", () => {
  it("is the word_sorting task with every member, an empty info and three difficulties", () => {
    expect(wordSorting.name).toBe("word_sorting");
    expect(wordSorting.info).toBe("");
    expect(wordSorting.difficulties).toEqual(["official", "easy", "medium"]);
    expect(typeof wordSorting.critique).toBe("function");
    expect(typeof wordSorting.improve).toBe("function");
    expect(wordSorting.compact).toBeDefined();
  });

  it("solve() answers every generated problem with its gold answer, judged correct", () => {
    for (const difficulty of wordSorting.difficulties) {
      for (const problem of wordSorting.generate({ count: 20, seed: 11, difficulty })) {
        const gold = wordSorting.solve(problem);
        expect(wordSorting.extractAnswer(gold)).toBe(problem.answer);
        expect(wordSorting.isCorrectAnswer(wordSorting.extractAnswer(gold) as string, problem.answer)).toBe(true);
        expect(wordSorting.hasValidContent(gold, problem.answer)).toBe(true);
        const verdict = wordSorting.critique?.(problem, gold);
        expect(verdict !== undefined && E.isRight(verdict) && verdict.right.correct).toBe(true);
      }
    }
  });
});
