/**
 * The run directory's file work: JSON written atomically, JSON and JSONL read back through their
 * codecs, JSONL files written as records leave a pipeline and put in place only when complete
 * (`<name>.partial`, renamed), and lines read back by byte offset.
 *
 * @module
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { openLineReader } from "../streams/_line_reader.js";
import { dirname } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import { readJsonl } from "../streams/read_jsonl.js";
import { type JsonlAppender, openJsonlAppender } from "../streams/write_jsonl.js";

/**
 * Writes `value` as pretty JSON (two-space indent, a final line end) to `path` atomically: a
 * temporary file next to it, fsync'd, renamed over `path`.
 *
 * @example
 * ```ts
 * writeJsonAtomic(join(directory, "stats.json"), { problems: 3 });
 * assertEquals(readFileSync(join(directory, "stats.json"), "utf8"), '{\n  "problems": 3\n}\n');
 * ```
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  const descriptor = openSync(temporary, "w");
  try {
    writeSync(descriptor, `${JSON.stringify(value, null, 2)}\n`);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporary, path);
}

/**
 * Reads the JSON file `path` and decodes it with `codec`.
 *
 * @throws {SyntaxError} naming the file (and the field) when it is not valid JSON or does not decode
 *
 * @example
 * ```ts
 * const metrics = readJsonDecoded(join(directory, "metrics.json"), Metrics);
 * ```
 */
export function readJsonDecoded<C extends t.Any>(path: string, codec: C): t.TypeOf<C> {
  const parsed = E.tryCatch((): unknown => JSON.parse(readFileSync(path, "utf8")), (error) => error instanceof Error ? error.message : String(error));
  if (E.isLeft(parsed)) throw new SyntaxError(`Cannot read ${path} as it is not valid JSON: ${parsed.left}`);
  const decoded = decodeWith(codec)(parsed.right);
  if (E.isLeft(decoded)) throw new SyntaxError(`Cannot read ${path}: ${describeFailure(decoded.left)}`);
  return decoded.right;
}

/**
 * Reads the JSONL file `path`, every line decoded with `codec`.
 *
 * @throws {SyntaxError} with `file:line: field …` at the first line that does not decode
 */
export async function readJsonlDecoded<C extends t.Any>(path: string, codec: C): Promise<t.TypeOf<C>[]> {
  const values: t.TypeOf<C>[] = [];
  for await (const result of readJsonl(path, codec)) {
    if (E.isLeft(result)) throw new SyntaxError(`Cannot read ${result.left.message}`);
    values.push(result.right.value);
  }
  return values;
}

/** A JSONL file written line by line under `<path>.partial`, put at `path` only by {@linkcode StagedJsonl.commit}. */
export interface StagedJsonl extends JsonlAppender {
  /** Where the lines are until the commit. */
  readonly partialPath: string;
  /** Syncs, closes and renames the file into place. */
  commit(): void;
}

/**
 * Opens `path` for writing as records leave a pipeline: the lines go to `<path>.partial`
 * (emptied first, so a run killed before the commit leaves nothing a resumed run keeps), and
 * the file appears at `path` whole, on {@linkcode StagedJsonl.commit}. `discard()` removes the
 * partial file.
 */
export function openStagedJsonl(path: string): StagedJsonl {
  mkdirSync(dirname(path), { recursive: true });
  const partialPath = `${path}.partial`;
  // Held in 64 KiB batches: the file counts only once committed.
  const appender = openJsonlAppender(partialPath, { truncate: true, bufferBytes: 64 * 1024 });
  let committed = false;
  return {
    path,
    partialPath,
    get count() {
      return appender.count;
    },
    get bytes() {
      return appender.bytes;
    },
    append: (record) => appender.append(record),
    sync: () => appender.sync(),
    close: () => appender.close(),
    discard() {
      appender.close();
      if (!committed) rmSync(partialPath, { force: true });
    },
    commit() {
      appender.close();
      if (committed) return;
      renameSync(partialPath, path);
      committed = true;
    },
  };
}

export { type LineReader, openLineReader } from "../streams/_line_reader.js";

/**
 * Writes the lines of `source` that start at `offsets`, in that order, to `target` (atomically,
 * through {@linkcode openStagedJsonl}), each passed through `transform` when one is given.
 * Memory: one line at a time.
 *
 * @returns The number of lines written.
 */
export function writeLinesAt(
  source: string,
  offsets: readonly number[],
  target: string,
  transform?: (line: string) => unknown,
): number {
  const reader = openLineReader(source);
  const out = openStagedJsonl(target);
  try {
    for (const offset of offsets) {
      const line = reader.lineAt(offset);
      const record: unknown = transform === undefined ? JSON.parse(line) : transform(line);
      out.append(record);
    }
    out.commit();
    return out.count;
  } catch (error) {
    out.discard();
    throw error;
  } finally {
    reader.close();
  }
}
