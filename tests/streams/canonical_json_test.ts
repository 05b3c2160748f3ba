import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, createRequestKeyer, requestKey, sha256Hex } from "../../src/streams/canonical_json.js";

/** Rebuilds `value` with the keys of every object in reverse insertion order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reverseKeys(inner)]));
  }
  return value;
}

describe("canonicalJson()", () => {
  it("canonicalJson() sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: "x y" }], a: null, e: undefined })).toBe('{"a":null,"b":[1,{"c":"x y","d":1}]}');
    expect(canonicalJson([undefined, Number.NaN])).toBe("[null,null]");
    expect(canonicalJson("\u2028")).toBe(JSON.stringify("\u2028"));
  });

  it("canonicalJson() rejects cycles and bigints", () => {
    const cycle: Record<string, unknown> = {};
    cycle["self"] = cycle;
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
  });

  test.prop([fc.jsonValue()])("canonicalJson() parses back to the value and ignores key order", (value) => {
    const text = canonicalJson(value);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonicalJson(reverseKeys(value))).toBe(text);
    expect(text).toBe(canonicalJson(JSON.parse(text)));
  });
});

describe("requestKey()", () => {
  it("requestKey() is the SHA-256 hex of the canonical request and sample", () => {
    const request = { prompt: "2+2=", temperature: 0.7 };
    expect(requestKey(request, 0)).toBe(sha256Hex('{"request":{"prompt":"2+2=","temperature":0.7},"sample":0}'));
    expect(requestKey(request, 0)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestKey({ temperature: 0.7, prompt: "2+2=" }, 0)).toBe(requestKey(request, 0));
    expect(requestKey(request, 1)).not.toBe(requestKey(request, 0));
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("requestKey() rejects a sample that is not a non-negative integer", () => {
    expect(() => requestKey({}, -1)).toThrow(
      "Cannot compute request key as 'sample' must be a non-negative integer: current value is -1",
    );
    expect(() => requestKey({}, 0.5)).toThrow(RangeError);
  });
});

describe("createRequestKeyer()", () => {
  it("createRequestKeyer() numbers identical requests by occurrence and leaves explicit samples alone", () => {
    const keyer = createRequestKeyer();
    const request = { prompt: "Tell a joke", temperature: 1 };
    expect([keyer(request).sample, keyer({ temperature: 1, prompt: "Tell a joke" }).sample]).toEqual([0, 1]);
    expect(keyer(request, 7)).toEqual({ key: requestKey(request, 7), sample: 7 });
    expect(keyer(request)).toEqual({ key: requestKey(request, 2), sample: 2 });
    expect(keyer({ prompt: "other" }).sample).toBe(0);
  });
});
