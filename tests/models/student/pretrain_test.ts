import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { loadCheckpoint } from "../../../src/models/student/checkpoint.js";
import { compactAccuracy, copyAccuracy, firstCompactAttempt } from "../../../src/models/student/pretrain.js";
import { copyExercise } from "../../../src/models/student/pretraining_corpus.js";
import { multistepArithmetic } from "../../../src/tasks/multistep_arithmetic/mod.js";
import { createPrng } from "../../../src/util/prng.js";

describe("M0's measurements (pretrain)", () => {
  it("firstCompactAttempt() keeps the lines up to the first answer line", () => {
    expect(firstCompactAttempt("1+1=2\nA:2\n((3+4)*2)=\n3+4=7")).toBe("1+1=2\nA:2");
    expect(firstCompactAttempt("1+1=2\n1+2=3")).toBe("1+1=2\n1+2=3");
  });

  it("compactAccuracy() and copyAccuracy() measure the shipped M0 within the ranges its README states", async () => {
    const loaded = await loadCheckpoint("fixtures/student/m0-msa");
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    const problems = multistepArithmetic.generate({ count: 60, seed: 1001, difficulty: "easy" });
    const plain = await compactAccuracy(multistepArithmetic, loaded.right, problems);
    // README: 58.8% on 500 problems, 100% well-formed; a 60-problem sample stays in a wide range.
    expect(plain.accuracy).toBeGreaterThan(0.35);
    expect(plain.wellFormed).toBeGreaterThan(0.95);
    const random = createPrng("pretrain-test");
    const copying = await copyAccuracy(loaded.right, Array.from({ length: 60 }, () => copyExercise(random, "0123456789+-*()=A:", 48)));
    // README: 65.5% of exercises exactly, 78.6% of characters (the first M0 of 2026-12-07: 2.5%).
    expect(copying.exact).toBeGreaterThan(0.35);
    expect(copying.characters).toBeGreaterThan(copying.exact);
  }, 60_000);
});
