import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStop, pendingStopLength, pickToken } from "../../../src/models/student/_sampling.js";
import { toyArithmetic } from "../../../src/models/student/_toy_arithmetic.js";
import { disposeParams } from "../../../src/models/student/model.js";
import { createSampler, type LoadedStudent, type Sampler, type SampleRow, sampleText } from "../../../src/models/student/sampler.js";
import { createPrng } from "../../../src/util/prng.js";
import { idsOf, loadedFrom, smallCheckpoint, trainedCheckpoint } from "./_students.js";

const PROMPTS = [
  "((-5 + 9) * (3 - -2)) =\n",
  "1+2=",
  "A longer prompt, with punctuation!\n",
  "x",
  "((7 * 2) - (4 + -6)) =\n",
];

let fresh: LoadedStudent;
let trained: LoadedStudent;
let freshLearned: LoadedStudent;
let trainedLearned: LoadedStudent;
let freshSampler: Sampler;
let trainedSampler: Sampler;
let freshLearnedSampler: Sampler;
let trainedLearnedSampler: Sampler;

beforeAll(async () => {
  // ALiBi (the default) for every test; learned positions for the cache comparisons too. Seed 13:
  // a random ALiBi student whose greedy texts on the prompts below run past 30 tokens without EOS.
  fresh = await loadedFrom(smallCheckpoint(13));
  trained = await loadedFrom(await trainedCheckpoint(50)); // 50 steps: its greedy rationales end with EOS
  freshLearned = await loadedFrom(smallCheckpoint(11, "learned"));
  trainedLearned = await loadedFrom(await trainedCheckpoint(30, "learned"));
  freshSampler = createSampler(fresh);
  trainedSampler = createSampler(trained);
  freshLearnedSampler = createSampler(freshLearned);
  trainedLearnedSampler = createSampler(trainedLearned);
});

afterAll(() => {
  for (const sampler of [freshSampler, trainedSampler, freshLearnedSampler, trainedLearnedSampler]) sampler.dispose();
  for (const student of [fresh, trained, freshLearned, trainedLearned]) disposeParams(student.params);
});

function greedyRows(student: LoadedStudent, prompts: readonly string[], maxTokens = 24): SampleRow[] {
  return prompts.map((prompt) => ({ promptIds: idsOf(student, prompt), temperature: 0, maxTokens }));
}

describe("createSampler()", () => {
  const models = [
    ["random ALiBi", () => freshSampler],
    ["trained ALiBi", () => trainedSampler],
    ["random learned-position", () => freshLearnedSampler],
    ["trained learned-position", () => trainedLearnedSampler],
  ] as const;
  for (const [name, get] of models) {
    it(`createSampler() decodes the same greedy tokens with and without the cache (${name} model, single prompts)`, async () => {
      const sampler = get();
      for (const prompt of PROMPTS.slice(0, 3)) {
        const rows = greedyRows(sampler.student, [prompt]);
        const cached = await sampler.sample(rows);
        const uncached = await sampler.sample(rows, { cache: false });
        expect(cached).toEqual(uncached);
        expect(cached[0]?.completionTokens).toBeGreaterThan(0);
      }
    });

    it(`createSampler() decodes the same greedy tokens with and without the cache (${name} model, mixed-length batch)`, async () => {
      const sampler = get();
      const rows = greedyRows(sampler.student, PROMPTS);
      const cached = await sampler.sample(rows);
      const uncached = await sampler.sample(rows, { cache: false });
      expect(cached).toEqual(uncached);
    });
  }

  it("createSampler() with ALiBi decodes the same greedy tokens with and without the cache up to a full context", async () => {
    for (const sampler of [freshSampler, trainedSampler]) {
      const student = sampler.student;
      expect(student.config.positions).toBe("alibi");
      const rows = [PROMPTS[0] as string, "((3 * -4) + (9 - 2)) =\n3*-4=-12\n9-2=7\n"].map((prompt) => ({ promptIds: idsOf(student, prompt), temperature: 0 }));
      const cached = await sampler.sample(rows);
      const uncached = await sampler.sample(rows, { cache: false });
      expect(cached).toEqual(uncached);
      // Whatever stops a row, some rows read positions far past the prompt.
      expect(Math.max(...cached.map((result) => result.promptTokens + result.completionTokens))).toBeGreaterThan(40);
    }
  });

  it("createSampler() gives a row the same greedy output whatever else is in its batch", async () => {
    const alone = await Promise.all(
      PROMPTS.map(async (prompt) => (await freshSampler.sample(greedyRows(fresh, [prompt], 40)))[0]),
    );
    const together = await freshSampler.sample(greedyRows(fresh, PROMPTS, 40));
    expect(together).toEqual(alone);
    const reversed = await freshSampler.sample(greedyRows(fresh, [...PROMPTS].reverse(), 40));
    expect(reversed).toEqual([...alone].reverse());
  });

  test.prop([fc.array(fc.integer({ min: 0, max: PROMPTS.length - 1 }), { minLength: 1, maxLength: 6 })], { numRuns: 8 })(
    "createSampler() keeps each row's greedy text independent of the batch's composition",
    async (choices) => {
      const prompts = choices.map((index) => PROMPTS[index] as string);
      const together = await trainedSampler.sample(greedyRows(trained, prompts, 12));
      for (const [index, prompt] of prompts.entries()) {
        const [alone] = await trainedSampler.sample(greedyRows(trained, [prompt], 12));
        expect(together[index]).toEqual(alone);
      }
    },
  );

  it("createSampler() reproduces a seeded sample and varies with the seed", async () => {
    const row = { promptIds: idsOf(fresh, "1+2="), temperature: 1, maxTokens: 20 };
    const first = await freshSampler.sample([{ ...row, seed: 5 }, { ...row, seed: 6 }]);
    const second = await freshSampler.sample([{ ...row, seed: 6 }, { ...row, seed: 5 }]);
    expect(second).toEqual([first[1], first[0]]);
    expect(first[0]?.text).not.toEqual(first[1]?.text);
  });

  it("createSampler() with a tiny top-p samples the greedy tokens", async () => {
    const prompt = idsOf(fresh, "((1 + 2) * 3) =");
    const [greedy] = await freshSampler.sample([{ promptIds: prompt, temperature: 0, maxTokens: 30 }]);
    const [nucleus] = await freshSampler.sample([{ promptIds: prompt, temperature: 1.5, topP: 1e-9, maxTokens: 30, seed: 3 }]);
    expect(nucleus).toEqual(greedy);
  });

  it("createSampler() stops with `length` after `maxTokens` tokens", async () => {
    const [result] = await freshSampler.sample([{ promptIds: idsOf(fresh, "abc"), temperature: 0, maxTokens: 7 }]);
    expect(result?.finishReason).toBe("length");
    expect(result?.completionTokens).toBe(7);
    expect(result?.text).toHaveLength(7);
    expect(result?.promptTokens).toBe(4);
  });

  it("createSampler() stops with `length` when the context is full", async () => {
    const context = fresh.config.context;
    const prompt = "z".repeat(context - 5);
    const [result] = await freshSampler.sample([{ promptIds: idsOf(fresh, prompt), temperature: 0 }]);
    expect(result).toMatchObject({ finishReason: "length", completionTokens: 4, promptTokens: context - 4 });
    const [full] = await freshSampler.sample([{ promptIds: idsOf(fresh, "z".repeat(context + 3)), temperature: 0 }]);
    expect(full).toEqual({ text: "", finishReason: "length", promptTokens: context + 4, completionTokens: 0 });
  });

  it("createSampler() stops with `stop` at EOS and leaves EOS out of the text", async () => {
    const problems = toyArithmetic(6, 123);
    const results = await trainedSampler.sample(greedyRows(trained, problems.map((problem) => problem.prompt), 60));
    const stopped = results.filter((result) => result.finishReason === "stop");
    expect(stopped.length).toBeGreaterThan(0);
    for (const result of stopped) {
      expect(result.completionTokens).toBe(result.text.length + 1);
      expect(result.text).toMatch(/A:/);
    }
  });

  it("createSampler() cuts the text before the first stop string and stops with `stop`", async () => {
    const promptIds = idsOf(fresh, "stop here");
    const [plain] = await freshSampler.sample([{ promptIds, temperature: 0, maxTokens: 30 }]);
    const text = plain?.text ?? "";
    const stop = text.slice(10, 13);
    const [cut] = await freshSampler.sample([{ promptIds, temperature: 0, maxTokens: 30, stop: ["\u0001never", stop] }]);
    const at = text.indexOf(stop);
    expect(cut).toEqual({ text: text.slice(0, at), finishReason: "stop", promptTokens: 10, completionTokens: at + 3 });
  });

  it("createSampler() streams the text in pieces that never show part of a stop string", async () => {
    const promptIds = idsOf(fresh, "stream");
    const [plain] = await freshSampler.sample([{ promptIds, temperature: 0, maxTokens: 30 }]);
    const text = plain?.text ?? "";
    const stop = text.slice(12, 15);
    const pieces: string[] = [];
    const [streamed] = await freshSampler.sample([
      { promptIds, temperature: 0, maxTokens: 30, stop: [stop], onText: (delta) => pieces.push(delta) },
    ]);
    expect(pieces.join("")).toBe(streamed?.text);
    expect(pieces.length).toBeGreaterThan(1);
    const unlimited: string[] = [];
    await freshSampler.sample([{ promptIds, temperature: 0, maxTokens: 30, onText: (delta) => unlimited.push(delta) }]);
    expect(unlimited.join("")).toBe(text);
  });

  it("createSampler() stops a row that is cancelled while decoding", async () => {
    let calls = 0;
    const [cancelled, kept] = await freshSampler.sample([
      { promptIds: idsOf(fresh, "a"), temperature: 0, maxTokens: 30, isCancelled: () => ++calls > 3 },
      { promptIds: idsOf(fresh, "a"), temperature: 0, maxTokens: 30 },
    ]);
    expect(cancelled?.finishReason).toBe("cancelled");
    // Polled once before the prefill, then after each step: the fourth poll follows the third token.
    expect(cancelled?.completionTokens).toBe(3);
    expect(kept?.completionTokens).toBe(30);
  });

  it("createSampler() leaves no tensor behind after sampling", async () => {
    const { tf } = await import("../../../src/models/student/tfjs.js");
    const before = tf.memory().numTensors;
    await freshSampler.sample(greedyRows(fresh, PROMPTS, 8));
    await freshSampler.sample(greedyRows(fresh, PROMPTS, 8), { cache: false });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("sampleText() encodes a prompt and rejects unknown characters", async () => {
    const result = await sampleText(freshSampler, "1+2=", { temperature: 0, maxTokens: 3 });
    expect(result.completionTokens).toBe(3);
    await expect(sampleText(freshSampler, "é")).rejects.toThrow(RangeError);
  });
});

describe("pickToken()", () => {
  it("pickToken() is greedy at temperature 0 and takes the first of equal logits", () => {
    expect(pickToken([0.1, 3, 3, -1], 0, 1, createPrng(1))).toBe(1);
    expect(pickToken([5, 3, 4], 0, 1, createPrng(1), new Set([0]))).toBe(2);
  });

  test.prop([fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 20 }), fc.integer()])(
    "pickToken() with a tiny top-p picks the largest logit",
    (logits, seed) => {
      const greedy = pickToken(logits, 0, 1, createPrng(seed));
      expect(pickToken(logits, 1, 1e-9, createPrng(seed))).toBe(greedy);
    },
  );

  test.prop([fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 20 }), fc.integer(), fc.double({ min: 0.05, max: 1, noNaN: true })])(
    "pickToken() only picks tokens inside the nucleus",
    (logits, seed, topP) => {
      const picked = pickToken(logits, 1, topP, createPrng(seed));
      const weights = logits.map((logit) => Math.exp(logit));
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      const pickedLogit = logits[picked] as number;
      const heavier = weights.filter((_, id) => (logits[id] as number) > pickedLogit || (logits[id] === pickedLogit && id < picked));
      const massBefore = heavier.reduce((sum, weight) => sum + weight, 0);
      expect(massBefore).toBeLessThan(topP * total + 1e-9);
    },
  );

  it("pickToken() follows the softmax distribution", () => {
    const random = createPrng(42);
    const counts = [0, 0, 0];
    for (let draw = 0; draw < 6000; draw++) {
      const id = pickToken([0, Math.log(2), Math.log(3)], 1, 1, random);
      counts[id] = (counts[id] ?? 0) + 1;
    }
    expect(counts[0]! / 6000).toBeCloseTo(1 / 6, 1);
    expect(counts[2]! / 6000).toBeCloseTo(3 / 6, 1);
  });
});

describe("findStop() and pendingStopLength()", () => {
  it("findStop() finds the earliest stop string at or after the new part", () => {
    expect(findStop("abc\n\nFeedback: x", ["Feedback:", "\n\n"])).toBe(3);
    expect(findStop("abcdef", ["cd"], 3)).toBe(2);
    expect(findStop("abcdef", ["zz", ""])).toBe(-1);
  });

  it("pendingStopLength() counts the end of the text that may start a stop string", () => {
    expect(pendingStopLength("abc\nFee", ["\nFeedback:"])).toBe(4);
    expect(pendingStopLength("abc", ["x"])).toBe(0);
    expect(pendingStopLength("ab", ["bc", "abx"])).toBe(2);
  });
});
