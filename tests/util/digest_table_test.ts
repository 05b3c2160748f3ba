import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digest64, DigestTable, hexDigest64, NumberList } from "../../src/util/digest_table.js";

describe("DigestTable", () => {
  test.prop([fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 3000 })])(
    "DigestTable holds what a Map of the same texts holds, through its growth",
    (pairs) => {
      const table = new DigestTable(16);
      const map = new Map<string, number>();
      for (const [text, value] of pairs) {
        expect(table.add(digest64(text))).toBe(!map.has(text));
        table.set(digest64(text), value);
        map.set(text, value);
      }
      expect(table.size).toBe(map.size);
      for (const [text, value] of map) expect(table.get(digest64(text))).toBe(value);
      expect(table.get(digest64("not one of them, longer than eight"))).toBeUndefined();
    },
  );

  it("hexDigest64() reads the first 16 hex digits and refuses other text", () => {
    expect(hexDigest64("00000001ffffffff" + "ab".repeat(24))).toEqual({ high: 1, low: 0xffffffff });
    expect(() => hexDigest64("xyz")).toThrow(SyntaxError);
  });

  it("NumberList grows and reads back, and refuses an index out of range", () => {
    const list = new NumberList();
    for (let index = 0; index < 200; index++) list.push(index * 1.5);
    expect(list.length).toBe(200);
    expect(list.at(199)).toBe(298.5);
    expect(() => list.at(200)).toThrow(RangeError);
  });
});
