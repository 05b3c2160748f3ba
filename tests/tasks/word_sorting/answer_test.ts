import { describe, expect, it } from "vitest";
import { wordSorting } from "../../../src/tasks/word_sorting/mod.js";

describe("wordSorting answer checks", () => {
  it("extractAnswer() reads the final line and normalises spaces", () => {
    expect(wordSorting.extractAnswer('(3) Hence, we have "a" < "b".\n(Final response) So the answer is:  a   b.')).toBe("a b");
    expect(wordSorting.extractAnswer("(3) Hence, we have nothing.")).toBeUndefined();
    expect(wordSorting.extractAnswer("")).toBeUndefined();
  });

  it("isCorrectAnswer() is an exact list match", () => {
    expect(wordSorting.isCorrectAnswer("a b c", "a b c")).toBe(true);
    expect(wordSorting.isCorrectAnswer("a  b c ", "a b c")).toBe(true);
    expect(wordSorting.isCorrectAnswer("a c b", "a b c")).toBe(false);
    expect(wordSorting.isCorrectAnswer("a b", "a b c")).toBe(false);
  });

  it("hasValidContent() rejects a Hence line with a question mark", () => {
    expect(wordSorting.hasValidContent('(3) Hence, we have "a" < "b".\n(Final response) So the answer is: a b.', "a b")).toBe(true);
    expect(wordSorting.hasValidContent('(3) Hence, we have "a" ? "b".\n(Final response) So the answer is: a b.', "a b")).toBe(false);
  });
});
