import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PRINTABLE, pretrainingCorpus } from "../../../src/models/student/pretraining_corpus.js";

const goldText = fc.string({ unit: fc.constantFrom(..."0123456789+-*()=A:\n"), minLength: 5, maxLength: 60 });
const golds = fc.array(goldText, { minLength: 1, maxLength: 40 });

describe("pretrainingCorpus", () => {
  test.prop([golds, fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true })])(
    "one window per gold text, each containing it, within maxLength, with loss only where it is predictable",
    (texts, seed, packShare, copyShare) => {
      const maxLength = 200;
      const { texts: windows, stats } = pretrainingCorpus(texts, { packShare, copyShare, maxLength, taskAlphabet: "0123456789+-*()=A:", seed });
      expect(windows).toHaveLength(texts.length);
      expect(stats.single + stats.packed + stats.withCopy).toBe(texts.length);
      for (const window of windows) {
        expect(window.text.length).toBeLessThanOrEqual(maxLength);
        expect(window.weight).toBe(1);
        if (window.weightBefore === 0) {
          // A copy exercise: `s\ns\n` + gold; the loss starts at the second copy of s.
          const first = window.text.slice(0, window.weightFrom - 1);
          expect(window.text[window.weightFrom - 1]).toBe("\n");
          expect(window.text.slice(window.weightFrom, window.weightFrom + first.length + 1)).toBe(`${first}\n`);
          expect(texts).toContain(window.text.slice(2 * first.length + 2));
        } else {
          expect(window.weightFrom).toBe(0);
          expect(texts.some((gold) => window.text.startsWith(gold))).toBe(true);
        }
      }
      // Every gold text starts or ends exactly one window of its own.
      const owners = windows.map((window) => (window.weightBefore === 0 ? window.text.slice(2 * window.weightFrom) : window.text));
      for (const gold of texts) expect(owners.some((owner) => owner.startsWith(gold) || owner === gold)).toBe(true);
    },
  );

  it("is a pure function of its inputs and seed", () => {
    const texts = Array.from({ length: 50 }, (_, index) => `(${index}+1)=\n${index}+1=${index + 1}\nA:${index + 1}`);
    const options = { maxLength: 240, taskAlphabet: "0123456789+()=A:", seed: 7 };
    expect(pretrainingCorpus(texts, options)).toEqual(pretrainingCorpus(texts, options));
    expect(pretrainingCorpus(texts, { ...options, seed: 8 }).texts).not.toEqual(pretrainingCorpus(texts, options).texts);
  });

  it("trains every printable character through the copy exercises", () => {
    const texts = Array.from({ length: 2000 }, (_, index) => `(${index % 9}+1)=\nA:${(index % 9) + 1}`);
    const { texts: windows, stats } = pretrainingCorpus(texts, { maxLength: 240, taskAlphabet: "0123456789+()=A:", seed: 1 });
    expect(stats.withCopy).toBeGreaterThan(300);
    expect(stats.packed).toBeGreaterThan(300);
    const trained = new Set(windows.flatMap((window) => [...window.text.slice(window.weightFrom)]));
    for (const character of PRINTABLE) expect(trained.has(character)).toBe(true);
  });

  it("rejects shares outside [0, 1] and an empty alphabet", () => {
    expect(() => pretrainingCorpus(["a"], { maxLength: 10, taskAlphabet: "a", packShare: 1.5 })).toThrow(/'packShare' must be in \[0, 1\]/);
    expect(() => pretrainingCorpus(["a"], { maxLength: 10, taskAlphabet: "" })).toThrow(/'taskAlphabet'/);
  });
});
