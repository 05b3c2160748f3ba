/**
 * JSONL writing: whole files atomically (temporary file, fsync, rename), and streams through an
 * appender that writes each record as one whole line.
 *
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type MonoTypeOperatorFunction, tap } from "rxjs";

/** Options for {@linkcode writeJsonl}. */
export interface WriteJsonlOptions {
  /** Serialises one record (without the line end). @default {JSON.stringify} */
  stringify?: (record: unknown) => string;
}

let temporaryCounter = 0;

function temporaryPathFor(path: string): string {
  temporaryCounter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${temporaryCounter}.tmp`);
}

function lineOf(record: unknown, stringify: (record: unknown) => string): string {
  const text: unknown = stringify(record);
  if (typeof text !== "string") {
    throw new TypeError(`Cannot write JSONL record as it has no JSON form: current value is ${String(record)}`);
  }
  if (text.includes("\n")) {
    throw new TypeError("Cannot write JSONL record as its text spans lines: current value has a line break");
  }
  return `${text}\n`;
}

/**
 * Writes `records` to `path` as JSONL, atomically: the lines go to a temporary file next to
 * `path`, which is fsync'd and renamed over `path` only when every record was written. If the
 * records throw (a bad input line) or a write fails, the temporary file is removed and `path` is
 * left as it was: no half-written output.
 *
 * @param path The output file.
 * @param records The records, iterated once.
 * @param options The serialiser.
 * @returns The number of records written.
 *
 * @example
 * ```ts
 * assertEquals(await writeJsonl(path, [{ id: "a" }, { id: "b" }]), 2);
 * assertEquals(await readFile(path, "utf8"), '{"id":"a"}\n{"id":"b"}\n');
 * ```
 */
export async function writeJsonl(
  path: string,
  records: Iterable<unknown> | AsyncIterable<unknown>,
  options: WriteJsonlOptions = {},
): Promise<number> {
  const { stringify = JSON.stringify } = options;
  const temporary = temporaryPathFor(path);
  const handle = await open(temporary, "w");
  let count = 0;
  try {
    let batch = "";
    for await (const record of records) {
      batch += lineOf(record, stringify);
      count += 1;
      if (batch.length >= 64 * 1024) {
        await handle.write(batch);
        batch = "";
      }
    }
    if (batch.length > 0) await handle.write(batch);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  await rename(temporary, path);
  return count;
}

/** Options for {@linkcode openJsonlAppender}. */
export interface JsonlAppenderOptions {
  /**
   * Whether to empty an existing file first (a fresh run) instead of appending to it.
   * @default {false}
   */
  truncate?: boolean;
  /**
   * Whether the file appears only on {@linkcode JsonlAppender.close}: lines go to a temporary
   * file that `close()` renames over `path` and `discard()` removes. Implies `truncate`.
   * @default {false}
   */
  atomic?: boolean;
  /** fsync after this many lines (0: only on `sync()` and `close()`). @default {0} */
  syncEvery?: number;
  /**
   * Hold up to this many bytes of lines before writing them in one call (0: one write per line).
   * Held lines reach the file on `sync()`, `close()`, or when the buffer is full; a process
   * killed before then loses them, so use it for files that only count once complete (an
   * atomic appender, a staged file). @default {0}
   */
  bufferBytes?: number;
  /** Serialises one record (without the line end). @default {JSON.stringify} */
  stringify?: (record: unknown) => string;
}

/** A JSONL file open for appending, one whole line per `append`. */
export interface JsonlAppender {
  /** The file the lines end in. */
  readonly path: string;
  /** The lines appended through this appender. */
  readonly count: number;
  /**
   * The bytes appended through this appender: the byte offset the next line starts at, in a
   * file this appender created or truncated.
   */
  readonly bytes: number;
  /** Writes `record` as one line with a single write call. */
  append(record: unknown): void;
  /** Flushes the file to disk (fsync). */
  sync(): void;
  /** Syncs and closes; an atomic appender then renames its file into place. Idempotent. */
  close(): void;
  /** Closes and removes the output of an atomic appender (a failed run); closes otherwise. */
  discard(): void;
}

/**
 * Opens `path` for appending JSONL lines synchronously. Each record is written with one
 * `writeSync` of its whole line, so a process killed between two appends leaves whole lines.
 *
 * @param path The output file.
 * @param options Truncation, atomicity, sync cadence and serialiser.
 * @returns The appender.
 * @throws {RangeError} When `syncEvery` is not a non-negative integer.
 *
 * @example
 * ```ts
 * const appender = openJsonlAppender(path, { truncate: true });
 * appender.append({ id: "a" });
 * appender.close();
 * assertEquals(readFileSync(path, "utf8"), '{"id":"a"}\n');
 * ```
 */
export function openJsonlAppender(path: string, options: JsonlAppenderOptions = {}): JsonlAppender {
  const { truncate = false, atomic = false, syncEvery = 0, bufferBytes = 0, stringify = JSON.stringify } = options;
  if (!Number.isSafeInteger(syncEvery) || syncEvery < 0) {
    throw new RangeError(`Cannot open JSONL appender as 'syncEvery' must be a non-negative integer: current value is ${syncEvery}`);
  }
  const target = atomic ? temporaryPathFor(path) : path;
  if (!Number.isSafeInteger(bufferBytes) || bufferBytes < 0) {
    throw new RangeError(`Cannot open JSONL appender as 'bufferBytes' must be a non-negative integer: current value is ${bufferBytes}`);
  }
  let descriptor: number | undefined = openSync(target, atomic || truncate ? "w" : "a");
  let count = 0;
  let bytes = 0;
  let unsynced = 0;
  let held: Buffer[] = [];
  let heldBytes = 0;
  const writeAll = (data: Buffer): void => {
    let written = 0;
    while (written < data.length) written += writeSync(descriptor as number, data, written, data.length - written);
  };
  const flush = (): void => {
    if (descriptor === undefined || heldBytes === 0) return;
    writeAll(held.length === 1 ? held[0] as Buffer : Buffer.concat(held, heldBytes));
    held = [];
    heldBytes = 0;
  };
  const sync = (): void => {
    flush();
    if (descriptor !== undefined && unsynced > 0) fsyncSync(descriptor);
    unsynced = 0;
  };
  const shut = (): boolean => {
    if (descriptor === undefined) return false;
    sync();
    closeSync(descriptor);
    descriptor = undefined;
    return true;
  };
  return {
    path,
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
    append(record) {
      if (descriptor === undefined) {
        throw new TypeError(`Cannot append to JSONL file as it is closed: current value is ${path}`);
      }
      const line = Buffer.from(lineOf(record, stringify), "utf8");
      if (bufferBytes === 0) writeAll(line);
      else {
        held.push(line);
        heldBytes += line.length;
        if (heldBytes >= bufferBytes) flush();
      }
      count += 1;
      bytes += line.length;
      unsynced += 1;
      if (syncEvery > 0 && unsynced >= syncEvery) sync();
    },
    sync,
    close() {
      if (shut() && atomic) renameSync(target, path);
    },
    discard() {
      const wasOpen = shut();
      if (wasOpen && atomic) rmSync(target, { force: true });
    },
  };
}

/**
 * Appends every value passing through to `appender` (one line each) and passes it on. Put
 * {@linkcode reorder} before it so the file follows input order at any concurrency.
 *
 * @param appender Where the lines go.
 * @param toRecord What to write for a value. @default the value itself
 * @returns An operator that writes as a side effect.
 *
 * @example Ordered output at any concurrency
 * ```ts
 * const appender = openJsonlAppender(path, { truncate: true });
 * await lastValueFrom(results$.pipe(reorder((result) => result.index), appendJsonl(appender)));
 * appender.close();
 * ```
 */
export function appendJsonl<T>(
  appender: JsonlAppender,
  toRecord: (value: T) => unknown = (value) => value,
): MonoTypeOperatorFunction<T> {
  return tap((value: T) => appender.append(toRecord(value)));
}
