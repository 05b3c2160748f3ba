import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  extractChoice,
  isCorrectChoice,
  normaliseLetter,
  normaliseOptionLines,
  optionText,
  parseOptions,
} from "../../../src/tasks/multiple_choice/mod.js";

const LETTERS = "ABCDEFG".split("");
const optionTextArbitrary = fc.string({ minLength: 1, maxLength: 30 })
  .map((text) => text.replace(/[\n\r]/g, " ").trim())
  .filter((text) => text !== "" && !/\([A-Z]\)\s/.test(text));
const questionArbitrary = fc.tuple(
  fc.string({ maxLength: 60 }).map((text) => text.replace(/\n|Options:/g, " ").trim()),
  fc.array(optionTextArbitrary, { minLength: 1, maxLength: 7 }),
);

describe("parseOptions()", () => {
  it("splits the stem from the options", () => {
    expect(parseOptions("What is it?\nOptions:\n(A) one\n(b) two")).toEqual(
      E.right({ stem: "What is it?", options: [{ letter: "A", text: "one" }, { letter: "B", text: "two" }] }),
    );
  });

  it("names the line that is not an option, a repeated letter, or a missing Options: line", () => {
    expect(parseOptions("Q\nOptions:\n(A) one\nnot an option")).toEqual(E.left(expect.objectContaining({ line: 4 })));
    expect(parseOptions("Q\nOptions:\n(A) one\n(A) two")).toEqual(E.left(expect.objectContaining({ line: 4, message: expect.stringMatching(/repeated/) })));
    expect(parseOptions("Q without options")).toEqual(E.left(expect.objectContaining({ line: 0 })));
    expect(parseOptions("Q\nOptions:\n")).toEqual(E.left(expect.objectContaining({ message: expect.stringMatching(/none after/) })));
  });

  test.prop([questionArbitrary])("reads back the options it is given", ([stem, texts]) => {
    const question = `${stem}\nOptions:\n${texts.map((text, index) => `(${LETTERS[index]}) ${text}`).join("\n")}`;
    const parsed = parseOptions(question);
    expect(parsed).toEqual(E.right({ stem, options: texts.map((text, index) => ({ letter: LETTERS[index], text })) }));
    texts.forEach((text, index) => expect(optionText(question, `(${(LETTERS[index] as string).toLowerCase()})`)).toBe(text));
  });

  test.prop([fc.string({ maxLength: 200 })])("never throws", (text) => {
    const parsed = parseOptions(text);
    expect(E.isLeft(parsed) || E.isRight(parsed)).toBe(true);
  });
});

describe("normaliseOptionLines()", () => {
  it("puts Options: and each option on its own line and adds periods when asked", () => {
    expect(normaliseOptionLines("Who won? Options: (A) Amy won (B) Bob won.", { periods: true })).toBe(
      "Who won?\nOptions:\n(A) Amy won.\n(B) Bob won.",
    );
    expect(normaliseOptionLines("Q\nOptions:\n(A) 01/02/2003\n(B) 01/03/2003")).toBe("Q\nOptions:\n(A) 01/02/2003\n(B) 01/03/2003");
    expect(normaliseOptionLines("No options here")).toBe("No options here");
  });

  test.prop([fc.string({ maxLength: 200 }), fc.boolean()])("never throws", (text, periods) => {
    expect(typeof normaliseOptionLines(text, { periods })).toBe("string");
  });

  test.prop([questionArbitrary, fc.boolean()])("is idempotent and keeps the options readable", ([stem, texts], periods) => {
    const question = `${stem}\nOptions:\n${texts.map((text, index) => `(${LETTERS[index]}) ${text}`).join("\n")}`;
    const once = normaliseOptionLines(question, { periods });
    expect(normaliseOptionLines(once, { periods })).toBe(once);
    const parsed = parseOptions(once);
    expect(E.isRight(parsed) && parsed.right.options.map((option) => option.letter)).toEqual(LETTERS.slice(0, texts.length));
  });
});

describe("extractChoice()", () => {
  it("reads `answer is (X)` on the last line, or the line before a feedback", () => {
    expect(extractChoice("(1) x.\n(Final response) So the answer is (B).")).toBe("B");
    expect(extractChoice("(1) x.\n(Final response) Rob finished last. So The answer is (a).\n")).toBe("A");
    expect(extractChoice("(1) x.\n(Final response) So the answer is (C).\nFeedback: Step (1) is correct.")).toBe("C");
    expect(extractChoice("(1) the answer is (B).\n(Final response) So the answer is B.")).toBeUndefined();
    expect(extractChoice("")).toBeUndefined();
  });

  test.prop([fc.string({ maxLength: 300 })])("never throws and gives one upper-case letter or nothing", (text) => {
    const choice = extractChoice(text);
    expect(choice === undefined || /^[A-Z]$/.test(choice)).toBe(true);
  });

  test.prop([fc.constantFrom(...LETTERS), fc.string({ maxLength: 80 }).map((text) => text.replace(/\n/g, " "))])(
    "reads back the letter of a final response",
    (letter, prose) => {
      expect(extractChoice(`(1) ${prose}\n(Final response) ${prose} So the answer is (${letter}).`)).toBe(letter);
    },
  );
});

describe("isCorrectChoice()", () => {
  it("compares letters whatever the case and parentheses", () => {
    expect(isCorrectChoice("b", "(B)")).toBe(true);
    expect(isCorrectChoice("B", "C")).toBe(false);
    expect(isCorrectChoice("BB", "BB")).toBe(false);
    expect(normaliseLetter(" (c) ")).toBe("C");
  });
});
