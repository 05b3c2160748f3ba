/**
 * What `tripost merge` checks of its shards before it joins them: every directory is a shard of
 * the same split (`collect --shard i/n`, as its `stats.json` records), each index 1…n once and
 * none missing, and the shards were collected alike (task, seed, input file, student and its endpoint, expert,
 * format, iteration, ratio, weight, max tokens). `--seed` and `--ratio` default to the shards'
 * and must agree with them when given. Each problem is an error naming what is wrong.
 *
 * @module
 */
import { InputError, UsageError } from "../errors.js";
import { firstDifference } from "./_resume_check.js";

/** A shard directory and its parsed `stats.json`. */
export interface ShardStats {
  readonly directory: string;
  readonly stats: Readonly<Record<string, unknown>>;
}

/** The settings a merge takes from its shards. */
export interface MergeSettings {
  readonly seed: number | undefined;
  readonly improveDataRatio: number | undefined;
}

/** Settings that must be equal across shards (`stats.json` `settings`). */
const SHARED_SETTINGS = ["task", "seed", "input", "problems", "student", "studentEndpoint", "expert", "format", "iteration", "improveDataRatio", "weight", "maxTokens"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shardOf(shard: ShardStats): { index: number; count: number } {
  const info = shard.stats["shard"];
  if (!isRecord(info) || typeof info["index"] !== "number" || typeof info["count"] !== "number") {
    throw new InputError(
      { file: `${shard.directory}/stats.json`, field: "shard" },
      "Cannot merge it as it is not a shard: it records no 'shard' (collect each part with --shard i/n, numbered from 1)",
    );
  }
  return { index: info["index"], count: info["count"] };
}

function shared(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SHARED_SETTINGS.filter((key) => Object.hasOwn(settings, key)).map((key) => [key, settings[key]]));
}

/**
 * Checks the shards and returns the seed and ratio to merge with.
 *
 * @throws {UsageError} a missing or duplicate index, shards of different splits, a flag that
 * contradicts the shards
 * @throws {InputError} a directory that is not a shard
 */
export function checkShards(shards: readonly ShardStats[], flags: { readonly seed?: number; readonly ratio?: number }): MergeSettings {
  const placed = shards.map((shard) => ({ shard, ...shardOf(shard) }));
  const counts = new Set(placed.map((item) => item.count));
  if (counts.size > 1) {
    throw new UsageError(
      `Cannot merge shards of different splits: ${placed.map((item) => `${item.shard.directory} is ${item.index}/${item.count}`).join(", ")}`,
    );
  }
  const count = placed[0]?.count ?? 0;
  const byIndex = new Map<number, string>();
  for (const item of placed) {
    const other = byIndex.get(item.index);
    if (other !== undefined) {
      throw new UsageError(`Cannot merge as shard ${item.index}/${count} is given twice: ${other} and ${item.shard.directory} (the shards overlap)`);
    }
    byIndex.set(item.index, item.shard.directory);
  }
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw new UsageError(
      `Cannot merge as ${missing.length === 1 ? "shard" : "shards"} ${missing.map((index) => `${index}/${count}`).join(", ")} ${
        missing.length === 1 ? "is" : "are"
      } missing: give all ${count} shard directories (numbered from 1), or the merge would hold part of the problems`,
    );
  }
  const withSettings = placed.filter((item) => isRecord(item.shard.stats["settings"]));
  const first = withSettings[0];
  if (first !== undefined) {
    const reference = shared(first.shard.stats["settings"] as Record<string, unknown>);
    for (const item of withSettings.slice(1)) {
      const difference = firstDifference(reference, shared(item.shard.stats["settings"] as Record<string, unknown>));
      if (difference !== undefined) {
        throw new UsageError(
          `Cannot merge as the shards were collected differently: '${difference.path}' is ${JSON.stringify(difference.recorded)} in ${first.shard.directory} but ${
            JSON.stringify(difference.given)
          } in ${item.shard.directory}`,
        );
      }
    }
    if (withSettings.length < placed.length) {
      const without = placed.find((item) => !isRecord(item.shard.stats["settings"]));
      throw new UsageError(`Cannot merge as ${without?.shard.directory} records no settings (collected by an older tripost): collect it again`);
    }
    const seed = reference["seed"];
    const ratio = reference["improveDataRatio"];
    if (flags.seed !== undefined && typeof seed === "number" && flags.seed !== seed) {
      throw new UsageError(`Cannot use '--seed ${flags.seed}' as the shards were collected with seed ${seed}: leave --seed out`);
    }
    if (flags.ratio !== undefined && typeof ratio === "number" && flags.ratio !== ratio) {
      throw new UsageError(`Cannot use '--ratio ${flags.ratio}' as the shards were collected with ratio ${ratio}: leave --ratio out`);
    }
    return { seed: typeof seed === "number" ? seed : flags.seed, improveDataRatio: typeof ratio === "number" ? ratio : flags.ratio };
  }
  return { seed: flags.seed, improveDataRatio: flags.ratio };
}

/**
 * The `settings` of the merged collection: the shards' common settings (their `shard` and
 * versions left out), `command: "merge"`, the number of shards, and this process's versions;
 * `{}` when the shards recorded none.
 */
export function mergedSettings(shards: readonly ShardStats[], versions: Readonly<Record<string, string>>): { settings?: Record<string, unknown> } {
  const first = shards[0]?.stats["settings"];
  if (!isRecord(first)) return {};
  const { shard: _shard, versions: _versions, command: _command, ...common } = first;
  return { settings: { command: "merge", ...common, shards: shards.length, versions } };
}
