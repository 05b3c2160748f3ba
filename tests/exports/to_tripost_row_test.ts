import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { toTripostRow } from "../../src/exports/to_tripost_row.js";

describe("toTripostRow()", () => {
  it("toTripostRow() anchors a weighted official example at \\nFeedback: and keeps id, kind and weight", () => {
    const text = "Q: 1+1\nAnswer: Let's think step by step.\n(1) 3\nFeedback: wrong\nUpdated Answer: Let's think step by step.\n(1) 2";
    const row = toTripostRow({ id: "a#si0", kind: "improvement", text, weightFrom: text.indexOf("\nFeedback:"), weight: 1.5 });
    expect(row).toEqual(E.right({ text, text_att_start_text: "\nFeedback:", meta_data: { id: "a#si0", kind: "improvement", weight: 1.5 } }));
  });

  it("toTripostRow() anchors a weighted compact example at \\nF: and an unweighted one at Q:", () => {
    const text = "1+1=\n3\nF:1:1+1=3\n2";
    expect(toTripostRow({ id: "b", kind: "improvement", text, weightFrom: 6, weight: 1.5 })).toMatchObject({ right: { text_att_start_text: "\nF:" } });
    expect(toTripostRow({ id: "c", kind: "correct", text: "1+1=\n2\nF:ok", weightFrom: 0, weight: 1 })).toMatchObject({
      right: { text_att_start_text: "Q:" },
    });
    expect(toTripostRow({ id: "d", kind: "gold", text: "1+1=\n2", weightFrom: 6, weight: 1.5 })).toMatchObject({
      right: { text_att_start_text: "Q:" },
    });
  });

  it("toTripostRow() refuses a weightFrom that is not at the first feedback anchor", () => {
    const text = "1+1=\n3\nF:1:1+1=3\n2";
    expect(toTripostRow({ id: "e", kind: "improvement", text, weightFrom: 4, weight: 1.5 })).toMatchObject({ left: { field: "weightFrom" } });
    expect(toTripostRow({ id: "e", kind: "improvement", text, weightFrom: 6, weight: 1.5 }, { format: "tripost" })).toMatchObject({
      left: { field: "weightFrom" },
    });
  });
});
