import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { BOS, createTokenizer, defaultCharacters, EOS, PAD, tokenizerFromJson } from "../../../src/models/student/tokenizer.js";

const printable = fc.string({ unit: fc.constantFrom(...defaultCharacters()) });

describe("tokenizer", () => {
  const tokenizer = createTokenizer();

  test.prop([printable])("createTokenizer() round-trips printable ASCII and newlines", (text) => {
    const ids = tokenizer.encode(text);
    expect(E.isRight(ids) && ids.right.length === text.length && tokenizer.decode(ids.right) === text).toBe(true);
  });

  it("createTokenizer() has 96 characters after PAD, BOS and EOS by default", () => {
    expect(tokenizer.size).toBe(99);
    expect([PAD, BOS, EOS]).toEqual([0, 1, 2]);
    expect(tokenizer.idOf("\n")).toBe(3);
    expect(tokenizer.idOf(" ")).toBe(4);
  });

  it("encode() returns a Left naming an unknown character and its offset", () => {
    expect(tokenizer.encode("ab\tc")).toEqual(E.left({ type: "unknown-character", offset: 2, character: "\t" }));
  });

  it("decode() drops special tokens", () => {
    const ids = tokenizer.encode("7*6");
    expect(E.isRight(ids) && tokenizer.decode([BOS, ...ids.right, EOS, PAD])).toBe("7*6");
  });

  it("tokenizerFromJson() restores a saved tokenizer and rejects repeated characters", () => {
    const small = createTokenizer(["a", "b"]);
    const restored = tokenizerFromJson(small.toJson());
    expect(E.isRight(restored) && restored.right.characters).toEqual(["a", "b"]);
    expect(E.isLeft(tokenizerFromJson({ type: "characters", characters: ["a", "a"] }))).toBe(true);
  });

  it("createTokenizer() throws a RangeError on a multi-character entry", () => {
    expect(() => createTokenizer(["ab"])).toThrow(RangeError);
  });
});
