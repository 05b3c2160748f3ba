/**
 * Canonical JSON and the request keys built on it: one text per value, whatever the order in
 * which its keys were written, so equal values hash equally across runs and machines.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { digest64, DigestTable } from "../util/digest_table.js";

/**
 * Serialises `value` as canonical JSON: object keys sorted by UTF-16 code unit order, no
 * whitespace, properties whose value is `undefined` (or a function or symbol) left out, and
 * everything else as `JSON.stringify` writes it (`undefined` in an array and non-finite numbers
 * become `null`; a `toJSON` method is honoured).
 *
 * @param value The value to serialise.
 * @returns The canonical text.
 * @throws {TypeError} When `value` holds a cycle or a bigint.
 *
 * @example Key order does not matter
 * ```ts
 * assertEquals(canonicalJson({ b: [1, { d: 1, c: "x" }], a: null }), '{"a":null,"b":[1,{"c":"x","d":1}]}');
 * assertEquals(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? "null";
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && "toJSON" in value && typeof value.toJSON === "function") {
    return write(value.toJSON(), ancestors);
  }
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "bigint") {
    throw new TypeError(`Cannot serialise as canonical JSON as bigints have no JSON form: current value is ${value}`);
  }
  if (typeof value !== "object") return undefined;
  if (ancestors.has(value)) {
    throw new TypeError("Cannot serialise as canonical JSON as the value holds a cycle: current value is circular");
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item: unknown) => write(item, ancestors) ?? "null").join(",")}]`;
    }
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const text = write((value as Record<string, unknown>)[key], ancestors);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * The SHA-256 of a text's UTF-8 bytes, as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * assertEquals(sha256Hex("").slice(0, 8), "e3b0c442");
 * ```
 */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The key of one call: the SHA-256 hex of the canonical JSON of `{ request, sample }`. The
 * `sample` index keeps repeated identical calls apart (the 1st, 2nd, 3rd… draw of the same
 * prompt at temperature > 0); see {@linkcode createRequestKeyer} for how it is assigned.
 *
 * @param request Any JSON value (in `tripost`, a `ModelRequest`).
 * @param sample A non-negative integer.
 * @returns 64 lowercase hex digits.
 * @throws {RangeError} When `sample` is not a non-negative integer.
 *
 * @example The same request, two samples, two keys
 * ```ts
 * const request = { prompt: "2+2=", temperature: 0.7 };
 * assertEquals(requestKey(request, 0), requestKey({ temperature: 0.7, prompt: "2+2=" }, 0));
 * assertNotEquals(requestKey(request, 0), requestKey(request, 1));
 * ```
 */
export function requestKey(request: unknown, sample: number): string {
  if (!Number.isSafeInteger(sample) || sample < 0) {
    throw new RangeError(
      `Cannot compute request key as 'sample' must be a non-negative integer: current value is ${sample}`,
    );
  }
  return sha256Hex(canonicalJson({ request, sample }));
}

/** A call's key and the sample index it was given. */
export interface KeyedCall {
  readonly key: string;
  readonly sample: number;
}

/**
 * Assigns call keys within one run. With an explicit `sample`, the key is
 * `requestKey(request, sample)`. Without one, `sample` is the *occurrence index* of the request
 * in this keyer: 0 for the first call with a given canonical request, 1 for the second identical
 * call, and so on. Explicit samples do not advance the occurrence counter.
 *
 * Occurrence indices are deterministic only when identical requests are issued in a
 * deterministic order. In concurrent pipelines, give every item its own `seed` in the request (so
 * identical requests of different items never race), or pass the sample index explicitly.
 *
 * @example The 1st, 2nd and 3rd draw of one prompt get distinct keys
 * ```ts
 * const keyer = createRequestKeyer();
 * const request = { prompt: "Tell a joke", temperature: 1 };
 * const keys = [keyer(request), keyer(request), keyer(request)].map((call) => call.sample);
 * assertEquals(keys, [0, 1, 2]);
 * assertEquals(keyer(request, 0).key, requestKey(request, 0));
 * ```
 */
export function createRequestKeyer(): (request: unknown, sample?: number) => KeyedCall {
  // Occurrences by a 64-bit digest of the request: a few bytes per request in a long run.
  const occurrences = new DigestTable();
  return (request, sample) => {
    if (sample !== undefined) return { key: requestKey(request, sample), sample };
    const hash = digest64(canonicalJson(request));
    const occurrence = occurrences.get(hash) ?? 0;
    occurrences.set(hash, occurrence + 1);
    return { key: requestKey(request, occurrence), sample: occurrence };
  };
}
