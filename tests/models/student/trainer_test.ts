import { beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { learningRateAt } from "../../../src/models/student/schedule.js";
import { toyArithmetic } from "../../../src/models/student/_toy_arithmetic.js";
import { encodeExample, makeBatch } from "../../../src/models/student/_batch.js";
import { createCheckpoint } from "../../../src/models/student/checkpoint.js";
import { createTokenizer, EOS, BOS, PAD } from "../../../src/models/student/tokenizer.js";
import { evaluateStudentLoss, trainStudent } from "../../../src/models/student/trainer.js";
import { initTfjs } from "../../../src/models/student/tfjs.js";
import * as E from "fp-ts/lib/Either.js";

const tokenizer = createTokenizer();
const small = { dModel: 32, layers: 1, heads: 2, context: 48, mlp: 64, seed: 5 };

beforeAll(async () => {
  await initTfjs();
});

function arithmetic(count: number, seed: number) {
  return toyArithmetic(count, seed).map((problem) => {
    const text = problem.prompt + problem.rationale;
    return { text, weightFrom: text.length, weight: 1 };
  });
}

/** Texts whose prefix (letters) and suffix (digits) follow separate deterministic patterns. */
function twoSpans(weight: number) {
  return Array.from({ length: 32 }, (_, index) => {
    const letters = "abcdefgh".slice(index % 4, (index % 4) + 4).repeat(3);
    const digits = "97531".repeat(3);
    return { text: letters + digits, weightFrom: letters.length, weight };
  });
}

describe("encodeExample() and makeBatch()", () => {
  it("encodeExample() appends EOS, weights the suffix and gives EOS the last character's weight", () => {
    const encoded = encodeExample(tokenizer, 16, { text: "ab=c", weightFrom: 2, weight: 1.5 });
    expect(E.isRight(encoded)).toBe(true);
    if (E.isLeft(encoded)) return;
    expect([...encoded.right.ids]).toEqual([BOS, tokenizer.idOf("a"), tokenizer.idOf("b"), tokenizer.idOf("="), tokenizer.idOf("c"), EOS]);
    // Targets: a b = c EOS
    expect([...encoded.right.weights]).toEqual([1, 1, 1.5, 1.5, 1.5]);
  });

  it("encodeExample() refuses a text longer than the context and an unknown character", () => {
    expect(encodeExample(tokenizer, 4, { text: "abcd", weightFrom: 4, weight: 1 })).toEqual(E.left({ type: "too-long", length: 5, context: 4 }));
    expect(E.isLeft(encodeExample(tokenizer, 40, { text: "é", weightFrom: 1, weight: 1 }))).toBe(true);
  });

  it("makeBatch() pads on the right, trims to the longest example and masks padding", () => {
    const a = encodeExample(tokenizer, 16, { text: "abc", weightFrom: 3, weight: 1 });
    const b = encodeExample(tokenizer, 16, { text: "a", weightFrom: 0, weight: 2 });
    if (E.isLeft(a) || E.isLeft(b)) throw new Error("encode failed");
    const batch = makeBatch([a.right, b.right]);
    expect([batch.batch, batch.time, batch.maskSum]).toEqual([2, 4, 6]);
    expect([...batch.inputs.slice(4)]).toEqual([BOS, tokenizer.idOf("a"), PAD, PAD]);
    expect([...batch.targets.slice(4)]).toEqual([tokenizer.idOf("a"), EOS, PAD, PAD]);
    expect([...batch.weights]).toEqual([1, 1, 1, 1, 2, 2, 0, 0]);
  });

  it("makeBatch() normalises by the targets under the loss mask only, as the official trainer (Σ loss_mask)", () => {
    // "ab=c" with no loss before "=" (weightBefore 0): targets a b = c EOS, two of them masked.
    const masked = encodeExample(tokenizer, 16, { text: "ab=c", weightFrom: 2, weight: 1.5, weightBefore: 0 });
    const plain = encodeExample(tokenizer, 16, { text: "x", weightFrom: 0, weight: 1 });
    if (E.isLeft(masked) || E.isLeft(plain)) throw new Error("encode failed");
    expect([...masked.right.weights]).toEqual([0, 0, 1.5, 1.5, 1.5]);
    expect(makeBatch([masked.right, plain.right]).maskSum).toBe(3 + 2);
  });
});

describe("learningRateAt()", () => {
  it("warms up linearly, peaks, then decays by a cosine to its floor", () => {
    const schedule = { lr: 1, warmupSteps: 9, totalSteps: 109, minRatio: 0.1 };
    expect(learningRateAt(0, schedule)).toBeCloseTo(0.1);
    expect(learningRateAt(9, schedule)).toBeCloseTo(1);
    expect(learningRateAt(59, schedule)).toBeCloseTo(0.55);
    expect(learningRateAt(200, schedule)).toBeCloseTo(0.1);
  });
});

describe("trainStudent()", () => {
  for (const positions of ["alibi", "learned"] as const) {
    it(`trainStudent() lowers the loss on a toy arithmetic corpus (${positions} positions)`, async () => {
      const student = createCheckpoint(tokenizer, { ...small, positions });
      expect(student.config.positions).toBe(positions);
      const examples = arithmetic(256, 1);
      const before = await evaluateStudentLoss(student, examples);
      const result = await trainStudent({ student, examples, steps: 60, batchSize: 16, workers: 0, lr: 1e-2 });
      const after = await evaluateStudentLoss(result.student, examples);
      expect(result.steps).toBe(60);
      expect(before.loss).toBeGreaterThan(3.5);
      expect(after.loss).toBeLessThan(before.loss - 1.5);
      expect(result.student.optimizer?.step).toBe(60);
      expect(result.student.log.at(-1)?.step).toBe(60);
    });
  }

  it("trainStudent() leaves a span with weight 0 untrained while the rest learns", async () => {
    const student = createCheckpoint(tokenizer, small);
    const zero = twoSpans(0);
    const before = await evaluateStudentLoss(student, zero);
    const untrained = await trainStudent({ student, examples: zero, steps: 40, batchSize: 16, workers: 0, lr: 1e-2 });
    const afterZero = await evaluateStudentLoss(untrained.student, zero);
    expect(afterZero.before).toBeLessThan(before.before - 1.5);
    expect(afterZero.from).toBeGreaterThan(before.from - 0.05);
    const trained = await trainStudent({ student, examples: zero, weight: 1.5, steps: 40, batchSize: 16, workers: 0, lr: 1e-2 });
    const afterWeighted = await evaluateStudentLoss(trained.student, zero);
    expect(afterWeighted.before).toBeLessThan(before.before - 1.5);
    expect(afterWeighted.from).toBeLessThan(before.from - 1.5);
  });

  it("trainStudent() continues a student's Adam state and log", async () => {
    const student = createCheckpoint(tokenizer, small);
    const examples = arithmetic(64, 2);
    const first = await trainStudent({ student, examples, steps: 3, batchSize: 8, workers: 0, logEvery: 1 });
    const second = await trainStudent({ student: first.student, examples, steps: 2, batchSize: 8, workers: 0, logEvery: 1 });
    expect(second.student.optimizer?.step).toBe(5);
    expect(second.student.log.map((entry) => entry.step)).toEqual([1, 2, 3, 4, 5]);
  });

  it("trainStudent() is a pure function of its inputs and seed", async () => {
    const student = createCheckpoint(tokenizer, small);
    const examples = arithmetic(64, 3);
    const a = await trainStudent({ student, examples, steps: 3, batchSize: 8, workers: 0, seed: 9 });
    const b = await trainStudent({ student, examples, steps: 3, batchSize: 8, workers: 0, seed: 9 });
    expect(a.student.weights).toEqual(b.student.weights);
  });

  it("trainStudent() skips unreadable examples and throws when none is left", async () => {
    const student = createCheckpoint(tokenizer, { ...small, context: 64 });
    const examples = [...arithmetic(8, 4), { text: "tab\there", weightFrom: 0, weight: 1 }, { text: "x".repeat(70), weightFrom: 0, weight: 1 }];
    const result = await trainStudent({ student, examples, steps: 1, workers: 0 });
    expect(result.skipped.map((entry) => entry.index)).toEqual([8, 9]);
    await expect(trainStudent({ student, examples: examples.slice(8), steps: 1, workers: 0 })).rejects.toThrow(RangeError);
    await expect(trainStudent({ student, examples, batchSize: 0, workers: 0 })).rejects.toThrow(RangeError);
  });

  const built = fileURLToPath(new URL("../../../dist/models/student/_train_worker.js", import.meta.url));
  it.skipIf(!existsSync(built)).each(["alibi", "learned"] as const)("trainStudent() gives the same update with 0, 1 and 2 worker threads (built dist worker, %s positions)", async (positions) => {
    const student = createCheckpoint(tokenizer, { ...small, positions });
    const examples = arithmetic(16, 5);
    const options = { student, examples, steps: 2, batchSize: 16, seed: 1 };
    const inThread = await trainStudent({ ...options, workers: 0 });
    const one = await trainStudent({ ...options, workers: 1 });
    const two = await trainStudent({ ...options, workers: 2 });
    expect([one.workers, two.workers]).toEqual([1, 2]);
    for (const other of [one, two]) {
      other.student.weights.forEach((values, parameter) => {
        const reference = inThread.student.weights[parameter] as Float32Array;
        let largest = 0;
        values.forEach((value, index) => (largest = Math.max(largest, Math.abs(value - (reference[index] as number)))));
        expect(largest).toBeLessThan(1e-4);
      });
      expect(other.finalLoss).toBeCloseTo(inThread.finalLoss, 4);
    }
  });
});
