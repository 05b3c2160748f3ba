/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32). Every random choice
 * in `tripost` — problem generation, sampling, shuffling, rebalancing — draws from one of these,
 * never from `Math.random()`, so a run is a pure function of its inputs and seed.
 *
 * @module
 */

/** A seeded source of random numbers. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** `count` distinct elements, in random order, without replacement. */
  sample<T>(items: readonly T[], count: number): T[];
  /** An independent generator derived from this one's state and `label`. */
  fork(label: string | number): Prng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A 32-bit FNV-1a hash of a string, for deriving seeds from labels and ids. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Creates a generator from an integer seed (or a string, hashed).
 *
 * @example Same seed, same numbers
 * ```ts
 * assertEquals(createPrng(7).next(), createPrng(7).next());
 * ```
 */
export function createPrng(seed: number | string): Prng {
  if (typeof seed === "number" && !Number.isFinite(seed)) {
    throw new RangeError(`Cannot create a generator as 'seed' must be finite: current value is ${seed}`);
  }
  const base = typeof seed === "string" ? hash32(seed) : (Math.trunc(seed) >>> 0) ^ Math.trunc(seed / 2 ** 32);
  const mix = splitmix32(base);
  let a = mix(), b = mix(), c = mix(), d = mix();
  function nextUint32(): number {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  }
  for (let warm = 0; warm < 12; warm++) nextUint32();
  const prng: Prng = {
    next: () => nextUint32() / 2 ** 32,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new RangeError(`Cannot draw an integer as the range is invalid: current value is [${min}, ${max}]`);
      }
      return min + Math.floor(prng.next() * (max - min + 1));
    },
    pick(items) {
      if (items.length === 0) throw new RangeError("Cannot pick from an empty array");
      return items[Math.floor(prng.next() * items.length)] as (typeof items)[number];
    },
    shuffle(items) {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index--) {
        const other = Math.floor(prng.next() * (index + 1));
        [copy[index], copy[other]] = [copy[other] as (typeof copy)[number], copy[index] as (typeof copy)[number]];
      }
      return copy;
    },
    sample(items, count) {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`Cannot sample as 'count' must be a non-negative integer: current value is ${count}`);
      }
      return prng.shuffle(items).slice(0, Math.min(count, items.length));
    },
    fork: (label) => createPrng((nextUint32() ^ hash32(String(label))) >>> 0),
  };
  return prng;
}
