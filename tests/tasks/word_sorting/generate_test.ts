import { describe, expect, it } from "vitest";
import { generateWordSorting, WORD_LIST, wordsOfQuestion } from "../../../src/tasks/word_sorting/mod.js";

describe("WORD_LIST", () => {
  it("has at least 5,000 distinct plain lowercase words", () => {
    expect(WORD_LIST.length).toBeGreaterThanOrEqual(5000);
    expect(new Set(WORD_LIST).size).toBe(WORD_LIST.length);
    expect(WORD_LIST.every((word) => /^[a-z]+$/.test(word))).toBe(true);
  });
});

describe("generateWordSorting()", () => {
  it("words the question as the official rows do", () => {
    const [problem] = generateWordSorting({ count: 1, seed: 4 });
    expect(problem?.question).toMatch(/^Sort the following words alphabetically:\nList: [a-z]+( [a-z]+)+$/);
    expect(problem?.task).toBe("word_sorting");
  });

  it("is deterministic in the seed and index, and ids follow them", () => {
    const first = generateWordSorting({ count: 20, seed: 9 });
    const again = generateWordSorting({ count: 30, seed: 9 });
    expect(again.slice(0, 20)).toEqual(first);
    expect(first[3]?.id).toBe("ws-official-all-9-3");
    expect(generateWordSorting({ count: 20, seed: 10 })).not.toEqual(first);
  });

  it("keeps the word counts, splits and buckets of each difficulty", () => {
    const cases = [
      { difficulty: "official", split: "seen", min: 2, max: 7 },
      { difficulty: "official", split: "unseen", min: 8, max: 20 },
      { difficulty: "official", split: "all", min: 2, max: 20 },
      { difficulty: "easy", split: "all", min: 2, max: 3 },
      { difficulty: "medium", split: "all", min: 4, max: 5 },
    ] as const;
    for (const { difficulty, split, min, max } of cases) {
      const problems = generateWordSorting({ count: 300, seed: 1, difficulty, split });
      const counts = problems.map((problem) => (wordsOfQuestion(problem.question) as string[]).length);
      expect(Math.min(...counts)).toBe(min);
      expect(Math.max(...counts)).toBe(max);
      for (const [index, problem] of problems.entries()) {
        const count = counts[index] as number;
        const words = wordsOfQuestion(problem.question) as string[];
        expect(new Set(words).size).toBe(words.length);
        expect(problem.answer).toBe([...words].sort().join(" "));
        const expectedSplit = difficulty === "easy" ? "seen" : difficulty === "medium" ? "unseen" : count <= 7 ? "seen" : "unseen";
        expect(problem.split).toBe(expectedSplit);
        const bucket = count <= 3 ? "2-3" : count <= 7 ? "4-7" : count <= 10 ? "8-10" : count <= 15 ? "11-15" : "15+";
        expect(problem.meta?.["bucket"]).toBe(bucket);
      }
    }
  });

  it("makes ties beyond the first letter common", () => {
    const problems = generateWordSorting({ count: 300, seed: 2, split: "seen" });
    const nested = problems.filter((problem) => {
      const words = wordsOfQuestion(problem.question) as string[];
      return words.some((a) => words.some((b) => a !== b && a.slice(0, 2) === b.slice(0, 2)));
    });
    expect(nested.length).toBeGreaterThan(60);
  });

  it("throws a RangeError for an unknown difficulty, a missing split or a bad count", () => {
    expect(() => generateWordSorting({ count: 1, difficulty: "hard" })).toThrow(RangeError);
    expect(() => generateWordSorting({ count: 1, difficulty: "easy", split: "unseen" })).toThrow(
      "Cannot generate problems as difficulty 'easy' has no 'unseen' problems: current value is unseen",
    );
    expect(() => generateWordSorting({ count: -1 })).toThrow(RangeError);
  });
});
