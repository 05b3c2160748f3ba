import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPrng } from "../../src/util/prng.js";

describe("createPrng()", () => {
  test.prop([fc.integer(), fc.integer({ min: 1, max: 50 })])("gives the same sequence for the same seed", (seed, count) => {
    const a = createPrng(seed);
    const b = createPrng(seed);
    for (let index = 0; index < count; index++) expect(a.next()).toBe(b.next());
  });

  test.prop([fc.integer(), fc.integer({ min: -20, max: 20 }), fc.nat({ max: 40 })])("int() stays in its range", (seed, min, span) => {
    const prng = createPrng(seed);
    for (let index = 0; index < 50; index++) {
      const value = prng.int(min, min + span);
      expect(value).toBeGreaterThanOrEqual(min);
      expect(value).toBeLessThanOrEqual(min + span);
    }
  });

  test.prop([fc.integer(), fc.array(fc.integer(), { maxLength: 30 })])("shuffle() is a permutation", (seed, items) => {
    expect(createPrng(seed).shuffle(items).sort()).toEqual([...items].sort());
  });

  it("next() is roughly uniform", () => {
    const prng = createPrng(1);
    const buckets = new Array<number>(10).fill(0);
    for (let index = 0; index < 100_000; index++) buckets[Math.floor(prng.next() * 10)]! += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(9_500);
  });

  it("fork() gives independent streams that depend on the label", () => {
    const base = createPrng(3);
    const first = base.fork("a").next();
    const again = createPrng(3).fork("a").next();
    const other = createPrng(3).fork("b").next();
    expect(first).toBe(again);
    expect(first).not.toBe(other);
  });

  it("int() rejects an empty range", () => {
    expect(() => createPrng(1).int(3, 2)).toThrow(RangeError);
  });
});
