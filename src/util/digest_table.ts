/**
 * A compact table keyed by 64-bit digests (the first 8 bytes of a SHA-256), on typed arrays:
 * about 32 bytes per entry instead of a `Map` of 64-character strings. The rebalancer's
 * duplicate detection, the journal's index and the request keyer use it, so a collection's
 * memory grows by a few bytes per problem. Two different inputs share a 64-bit digest with
 * probability about n² / 2⁶⁵ (1e-8 for a million entries).
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A 64-bit digest as two unsigned 32-bit halves. */
export interface Digest64 {
  readonly high: number;
  readonly low: number;
}

/**
 * The 64-bit digest of a text: the first 8 bytes of its SHA-256 (UTF-8).
 *
 * @example
 * ```ts
 * assertEquals(digest64("a"), digest64("a"));
 * ```
 */
export function digest64(text: string): Digest64 {
  const bytes = createHash("sha256").update(text, "utf8").digest();
  return { high: bytes.readUInt32BE(0), low: bytes.readUInt32BE(4) };
}

/**
 * The 64-bit digest of a hexadecimal hash (its first 16 digits), such as a request key.
 *
 * @throws {SyntaxError} when `hex` does not start with 16 hexadecimal digits
 */
export function hexDigest64(hex: string): Digest64 {
  if (!/^[0-9a-f]{16}/i.test(hex)) throw new SyntaxError(`Cannot read a 64-bit digest as the text is not hexadecimal: current value is ${hex.slice(0, 16)}`);
  return { high: Number.parseInt(hex.slice(0, 8), 16) >>> 0, low: Number.parseInt(hex.slice(8, 16), 16) >>> 0 };
}

/**
 * A map from 64-bit digests to numbers (open addressing, linear probing, kept at most half full).
 *
 * @example
 * ```ts
 * const table = new DigestTable();
 * const key = digest64("a text");
 * assertEquals(table.add(key), true);
 * assertEquals(table.add(key), false);
 * table.set(key, 7);
 * assertEquals(table.get(key), 7);
 * ```
 */
export class DigestTable {
  #highs: Uint32Array;
  #lows: Uint32Array;
  #values: Float64Array;
  #used: Uint8Array;
  #size = 0;

  /** @param capacity Slots to start with (rounded up to a power of two). */
  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity) slots *= 2;
    this.#highs = new Uint32Array(slots);
    this.#lows = new Uint32Array(slots);
    this.#values = new Float64Array(slots);
    this.#used = new Uint8Array(slots);
  }

  /** How many digests the table holds. */
  get size(): number {
    return this.#size;
  }

  #slot(digest: Digest64): number {
    const mask = this.#used.length - 1;
    let slot = (digest.low ^ Math.imul(digest.high, 0x9e3779b1)) & mask;
    while (this.#used[slot] === 1 && (this.#highs[slot] !== digest.high || this.#lows[slot] !== digest.low)) slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const highs = this.#highs;
    const lows = this.#lows;
    const values = this.#values;
    const used = this.#used;
    const slots = used.length * 2;
    this.#highs = new Uint32Array(slots);
    this.#lows = new Uint32Array(slots);
    this.#values = new Float64Array(slots);
    this.#used = new Uint8Array(slots);
    for (let index = 0; index < used.length; index++) {
      if (used[index] !== 1) continue;
      const slot = this.#slot({ high: highs[index] as number, low: lows[index] as number });
      this.#highs[slot] = highs[index] as number;
      this.#lows[slot] = lows[index] as number;
      this.#values[slot] = values[index] as number;
      this.#used[slot] = 1;
    }
  }

  /** Whether `digest` is in the table. */
  has(digest: Digest64): boolean {
    return this.#used[this.#slot(digest)] === 1;
  }

  /** The value of `digest`, or `undefined`. */
  get(digest: Digest64): number | undefined {
    const slot = this.#slot(digest);
    return this.#used[slot] === 1 ? this.#values[slot] : undefined;
  }

  /** Sets the value of `digest` (adding it when absent). */
  set(digest: Digest64, value: number): void {
    let slot = this.#slot(digest);
    if (this.#used[slot] !== 1) {
      if ((this.#size + 1) * 2 > this.#used.length) {
        this.#grow();
        slot = this.#slot(digest);
      }
      this.#highs[slot] = digest.high;
      this.#lows[slot] = digest.low;
      this.#used[slot] = 1;
      this.#size += 1;
    }
    this.#values[slot] = value;
  }

  /** Adds `digest` (value 0); returns whether it was new. */
  add(digest: Digest64): boolean {
    if (this.has(digest)) return false;
    this.set(digest, 0);
    return true;
  }
}

/** A growable list of numbers on a `Float64Array` (8 bytes per number, no boxing). */
export class NumberList {
  #values = new Float64Array(64);
  #length = 0;

  /** How many numbers the list holds. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value`. */
  push(value: number): void {
    if (this.#length === this.#values.length) {
      const larger = new Float64Array(this.#values.length * 2);
      larger.set(this.#values);
      this.#values = larger;
    }
    this.#values[this.#length] = value;
    this.#length += 1;
  }

  /** The number at `index` (`0 ≤ index < length`). */
  at(index: number): number {
    if (index < 0 || index >= this.#length) throw new RangeError(`Cannot read the list as the index is out of range: current value is ${index}`);
    return this.#values[index] as number;
  }
}
