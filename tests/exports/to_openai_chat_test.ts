import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import { toOpenAiChat } from "../../src/exports/to_openai_chat.js";

const terminal: TrainingExample = { id: "t", kind: "terminal", text: "1+1=\n3\nF:bad", weightFrom: 6, weight: 1.5 };

describe("toOpenAiChat()", () => {
  it("toOpenAiChat() makes a user prompt and one assistant message per weight segment", () => {
    const exported = toOpenAiChat([{ ...terminal, weight: 1 }, { id: "c", kind: "correct", text: "1+1=\n2\nF:ok", weightFrom: 0, weight: 1 }]);
    expect(exported).toEqual(E.right({
      rows: [
        {
          messages: [
            { role: "user", content: "1+1=\n" },
            { role: "assistant", content: "3", weight: 1 },
            { role: "assistant", content: "\nF:bad", weight: 1 },
          ],
        },
        { messages: [{ role: "user", content: "1+1=\n" }, { role: "assistant", content: "2\nF:ok", weight: 1 }] },
      ],
      examples: 2,
      extraRows: 0,
      dropped: 0,
    }));
  });

  it("toOpenAiChat() trains the part before the feedback once: up-sampled copies weight it 0", () => {
    const exported = toOpenAiChat([{ ...terminal, weight: 3 }]);
    expect(E.isRight(exported) && exported.right.rows.map((row) => row.messages.map((message) => message.weight))).toEqual([
      [undefined, 1, 1],
      [undefined, 0, 1],
      [undefined, 0, 1],
    ]);
  });

  it("toOpenAiChat() up-samples w = 1.5 to 1.5 copies on average, the same for the same seed", () => {
    const examples = Array.from({ length: 2000 }, (_, index) => ({ ...terminal, id: `t${index}` }));
    const first = toOpenAiChat(examples, { seed: 3 });
    const again = toOpenAiChat(examples, { seed: 3 });
    expect(first).toEqual(again);
    const rows = E.isRight(first) ? first.right.rows.length : 0;
    expect(rows / examples.length).toBeGreaterThan(1.45);
    expect(rows / examples.length).toBeLessThan(1.55);
  });

  test.prop([fc.double({ min: 0, max: 4, noNaN: true }), fc.integer()], { numRuns: 300 })(
    "toOpenAiChat() gives the weighted part ⌊w⌋ or ⌈w⌉ trained copies",
    (weight, seed) => {
      const exported = toOpenAiChat([{ ...terminal, weight, weightBefore: 0 }], { seed });
      const trained = E.isRight(exported) ? exported.right.rows.filter((row) => row.messages.at(-1)?.weight === 1).length : -1;
      expect(trained === Math.floor(weight) || trained === Math.ceil(weight)).toBe(true);
    },
  );

  it("toOpenAiChat() refuses a negative weight, naming the field and the example", () => {
    expect(toOpenAiChat([terminal, { ...terminal, weightBefore: -1 }])).toEqual(
      E.left({ field: "weightBefore", message: "expected a finite weight ≥ 0, got -1", index: 1 }),
    );
  });
});
