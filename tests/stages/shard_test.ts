import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { inShard, parseShard } from "../../src/stages/shard.js";

describe("inShard()", () => {
  test.prop([fc.string(), fc.integer({ min: 1, max: 50 })], { numRuns: 1000 })(
    "inShard() puts every id in exactly one of the n shards",
    (id, count) => {
      const shards = Array.from({ length: count }, (_, index) => index + 1).filter((index) => inShard(id, index, count));
      expect(shards).toHaveLength(1);
    },
  );

  it("inShard() spreads ids over the shards", () => {
    const counts = [0, 0, 0];
    for (let index = 0; index < 3000; index++) {
      for (let shard = 1; shard <= 3; shard++) if (inShard(`problem-${index}`, shard, 3)) counts[shard - 1]! += 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it("inShard() throws a RangeError for an index outside [1, n] or a bad n", () => {
    expect(() => inShard("a", 0, 3)).toThrow(RangeError);
    expect(() => inShard("a", 4, 3)).toThrow(/current value is 4/);
    expect(() => inShard("a", 1, 0)).toThrow(RangeError);
    expect(() => inShard("a", 1.5, 3)).toThrow(RangeError);
  });
});

describe("parseShard()", () => {
  it("parseShard() reads i/n and refuses i outside [1, n]", () => {
    expect(parseShard("2/3")).toEqual(E.right({ index: 2, count: 3 }));
    expect(E.isLeft(parseShard("0/3"))).toBe(true);
    expect(E.isLeft(parseShard("4/3"))).toBe(true);
    expect(E.isLeft(parseShard("1/0"))).toBe(true);
    expect(E.isLeft(parseShard("a/b"))).toBe(true);
    expect(E.isLeft(parseShard("1/3/4"))).toBe(true);
  });
});
