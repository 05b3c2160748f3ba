/**
 * Shards: a deterministic partition of problems by a hash of their id, so `tripost collect
 * --shard i/n` on n machines covers every problem exactly once and `tripost merge` joins them.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { hash32 } from "../util/prng.js";

/** One shard of n: `index` is 1-based (`1 ≤ index ≤ count`). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

function checkShard(index: number, count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`Cannot shard as 'count' must be a positive integer: current value is ${count}`);
  }
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new RangeError(`Cannot shard as 'index' must be an integer in [1, ${count}]: current value is ${index}`);
  }
}

/**
 * Whether the id `id` belongs to shard `index` of `count` (1-based): the shard is
 * `hash32(id) mod count`, so every id is in exactly one shard, whatever the order or the other ids.
 *
 * @throws {RangeError} when `count` is not a positive integer or `index` is not in [1, count]
 *
 * @example Every id is in exactly one of three shards
 * ```ts
 * assertEquals([1, 2, 3].filter((index) => inShard("msa-0", index, 3)).length, 1);
 * ```
 */
export function inShard(id: string, index: number, count: number): boolean {
  checkShard(index, count);
  return hash32(id) % count === index - 1;
}

/** Parses a shard written `i/n` (`1 ≤ i ≤ n`); a `Left` with the reason otherwise. */
export function parseShard(text: string): E.Either<string, Shard> {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) return E.left(`expected i/n, e.g. 1/3: current value is '${text}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) return E.left(`n must be at least 1: current value is '${text}'`);
  if (index < 1 || index > count) return E.left(`i must be in [1, n]: current value is '${text}'`);
  return E.right({ index, count });
}
