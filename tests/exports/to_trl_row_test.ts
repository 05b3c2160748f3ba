import { describe, expect, it } from "vitest";
import { toTrlRow } from "../../src/exports/to_trl_row.js";

describe("toTrlRow()", () => {
  it("toTrlRow() cuts a weighted example at weightFrom and an unweighted one after the prompt", () => {
    expect(toTrlRow({ id: "a", kind: "terminal", text: "1+1=\n3\nF:bad", weightFrom: 6, weight: 1.5 })).toEqual({
      prompt: "1+1=\n3",
      completion: "\nF:bad",
    });
    expect(toTrlRow({ id: "b", kind: "correct", text: "1+1=\n2\nF:ok", weightFrom: 0, weight: 1 })).toEqual({
      prompt: "1+1=\n",
      completion: "2\nF:ok",
    });
    const official = "Q: 1+1\nAnswer: Let's think step by step.\n(1) 2\nFeedback: ok";
    expect(toTrlRow({ id: "c", kind: "gold", text: official, weightFrom: official.length, weight: 1 })).toEqual({
      prompt: "Q: 1+1\nAnswer: Let's think step by step.\n",
      completion: "(1) 2\nFeedback: ok",
    });
  });
});
