/**
 * `tripost run --resume`: the run continues as it was started. The run's recorded
 * `config.json` is its config; a `--config` or a flag given with `--resume` must say the same
 * (after defaults are filled in), or the command stops with exit 2 naming the first key that
 * differs, so a resumed run never trains its next iteration on another configuration.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeConfig, type ResolvedRunConfig, resolveConfig, type RunConfig } from "../codecs/config.js";
import { InputError, UsageError } from "../errors.js";

/** The first place two JSON values differ: the dotted path and both values. */
export interface Difference {
  readonly path: string;
  readonly recorded: unknown;
  readonly given: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The first path (in the recorded value's key order, then the given one's) where `given`
 * differs from `recorded`, or `undefined` when they are equal as JSON.
 *
 * @example
 * ```ts
 * assertEquals(firstDifference({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } })?.path, "b.c");
 * ```
 */
export function firstDifference(recorded: unknown, given: unknown, path = ""): Difference | undefined {
  if (Array.isArray(recorded) && Array.isArray(given)) {
    for (let index = 0; index < Math.max(recorded.length, given.length); index++) {
      const found = firstDifference(recorded[index], given[index], path === "" ? String(index) : `${path}.${index}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isObject(recorded) && isObject(given)) {
    const keys = [...Object.keys(recorded), ...Object.keys(given).filter((key) => !Object.hasOwn(recorded, key))];
    for (const key of keys) {
      const found = firstDifference(recorded[key], given[key], path === "" ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return JSON.stringify(recorded) === JSON.stringify(given) ? undefined : { path, recorded, given };
}

/**
 * The recorded config of the run in `outDir` (`config.json`, every default filled in), read back
 * as a config a run can take.
 *
 * @throws {UsageError} when the directory holds no run
 * @throws {InputError} when its config.json is not a config
 */
function readRecordedConfig(outDir: string): { readonly raw: RunConfig; readonly resolved: ResolvedRunConfig } {
  const path = join(outDir, "config.json");
  if (!existsSync(path)) throw new UsageError(`Cannot resume in '${outDir}' as it holds no run (no config.json)`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError({ file: path }, `Cannot resume as the recorded config is not valid JSON (${(error as Error).message})`);
  }
  // An embedded student's trainer reloads its own output: the recorded `reload` is derived, not written.
  const written = structuredClone(value) as { trainer?: { reload?: unknown } };
  if (isObject(written.trainer) && written.trainer.reload === "embedded") delete written.trainer.reload;
  const decoded = decodeConfig(written);
  if (E.isLeft(decoded)) {
    const first = decoded.left[0];
    throw new InputError({ file: path, ...(first?.path ? { field: first.path } : {}) }, `Cannot resume as the recorded config does not decode: ${first?.message ?? "unknown issue"}`);
  }
  return { raw: decoded.right, resolved: resolveConfig(decoded.right) };
}

function shown(value: unknown): string {
  const text = value === undefined ? "(not set)" : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The config a resumed run continues with: the recorded one. `given` (the `--config` file, or
 * the recorded config with the command-line flags applied) must resolve to the same config.
 *
 * @throws {UsageError} naming the first key that differs, with both values (exit 2)
 */
export function resumedConfig(
  outDir: string,
  given: ((recorded: RunConfig) => RunConfig) | undefined,
  source: string,
): { readonly raw: RunConfig; readonly resolved: ResolvedRunConfig } {
  const recorded = readRecordedConfig(outDir);
  if (given !== undefined) {
    const difference = firstDifference(recorded.resolved, resolveConfig(given(recorded.raw)));
    if (difference !== undefined) {
      throw new UsageError(
        `Cannot resume the run in '${outDir}' with ${source} as '${difference.path}' differs: the run was started with ${shown(difference.recorded)}, ${source} says ${
          shown(difference.given)
        } (the run's config.json is its config: resume without --config, or start another run with another --out)`,
      );
    }
  }
  return recorded;
}

/** The flag that sets each key of a collection's recorded `settings`, for messages. */
const COLLECT_SETTING_FLAGS: Readonly<Record<string, string>> = {
  task: "--task",
  seed: "--seed",
  input: "--in",
  problems: "--in",
  student: "--student",
  studentEndpoint: "--student-endpoint",
  expert: "--expert",
  format: "--format",
  iteration: "--iteration",
  improveDataRatio: "--ratio",
  weight: "--weight",
  maxTokens: "--max-tokens",
  shard: "--shard",
};

/**
 * The part of a collection's settings that must stay the same on `--resume`: everything but
 * the versions, `--max-failures` (a tolerance, which a resume may raise) and the input's path
 * (the same bytes under another path are the same input).
 */
function comparableCollectSettings(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { versions: _versions, maxFailures: _maxFailures, command: _command, input, ...rest } = settings;
  return { ...rest, ...(isObject(input) ? { input: { sha256: input.sha256 } } : {}) };
}

/** The file in which `tripost collect` records its settings when it starts: `DIR/settings.json`. */
export const COLLECT_SETTINGS_FILE = "settings.json";

/** The `settings` recorded in `path` (`at` picks them out of the parsed file), or undefined when the file or the field is absent. */
function recordedSettings(path: string, what: string, at: (value: unknown) => unknown): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  let recorded: unknown;
  try {
    recorded = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError({ file: path }, `Cannot resume as the collection's ${what} is not valid JSON (${(error as Error).message})`);
  }
  const settings = at(recorded);
  return isObject(settings) ? settings : undefined;
}

/**
 * `tripost collect --resume`: the collection continues as it was started. The settings of this
 * command (before the versions are added) must agree with those the collection recorded — in
 * `DIR/settings.json`, written when it started (so a collection stopped before its `stats.json`
 * is checked too), then in `DIR/stats.json`'s `settings` when it finished — or the command stops
 * before anything is written, so a resume never continues (or replaces) a collection with
 * another one. A directory that records neither (an older version's) is not checked.
 *
 * @throws {UsageError} naming the first setting that differs and its flag, with both values (exit 2)
 * @throws {InputError} when a record is not valid JSON
 */
export function checkCollectResume(outDir: string, given: Readonly<Record<string, unknown>>): void {
  const records = [
    recordedSettings(join(outDir, COLLECT_SETTINGS_FILE), COLLECT_SETTINGS_FILE, (value) => value),
    recordedSettings(join(outDir, "stats.json"), "stats.json", (value) => (isObject(value) ? value.settings : undefined)),
  ];
  for (const recorded of records) {
    if (recorded === undefined) continue;
    const difference = firstDifference(comparableCollectSettings(recorded), comparableCollectSettings(given));
    if (difference === undefined) continue;
    const key = difference.path.split(".")[0] as string;
    const flag = COLLECT_SETTING_FLAGS[key] ?? "the flags";
    throw new UsageError(
      `Cannot resume the collection in '${outDir}' as '${difference.path}' differs (${flag}): it was collected with ${shown(difference.recorded)}, this command says ${
        shown(difference.given)
      } (resume with the flags it was collected with, or collect into another --out)`,
    );
  }
}
