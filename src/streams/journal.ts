/**
 * The crash-safe journal: an append-only JSONL file of completed work, keyed, so a run killed at
 * any moment (SIGKILL included) can resume without redoing what had completed.
 *
 * Each entry is written as one whole line with a single `writeSync`, and the file is fsync'd
 * every `syncEvery` entries and every `syncIntervalMs`. A process kill cannot lose an entry whose
 * `append()` returned (the kernel holds the written bytes); fsync guards against a machine crash.
 * On open, a torn last line (a write cut short by a crash) is dropped and trimmed from the file.
 *
 * @module
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { type DecodeFailure, decodeWith, describeFailure } from "../codecs/decode.js";
import { type Digest64, digest64, DigestTable, hexDigest64 } from "../util/digest_table.js";
import { type LineReader, openLineReader } from "./_line_reader.js";

/** The file name of a run's journal inside its run directory: `DIR/journal.jsonl`. */
export const JOURNAL_FILE_NAME = "journal.jsonl";

/** A key as `requestKey` writes it: a SHA-256 in 64 lowercase hex digits. */
const REQUEST_KEY = /^[0-9a-f]{64}$/;

/** Options for {@linkcode openJournal}. */
export interface JournalOptions {
  /**
   * Whether to keep and load the entries already in the file (`--resume`). When false, an
   * existing journal is emptied: the run starts afresh. @default {false}
   */
  resume?: boolean;
  /** fsync after this many appended entries (1: every entry). @default {32} */
  syncEvery?: number;
  /** Also fsync pending entries this often; 0 turns the timer off. @default {1000} */
  syncIntervalMs?: number;
}

/** An open journal. */
export interface Journal<A extends { readonly key: string }> {
  /** The journal file. */
  readonly path: string;
  /** The number of distinct keys held. */
  readonly size: number;
  /** The number of entries loaded from the file on open. */
  readonly loaded: number;
  /** The bytes of a torn tail trimmed on open (0 when the file ended cleanly). */
  readonly trimmedBytes: number;
  /** The first entry recorded under `key`. */
  get(key: string): A | undefined;
  /** Whether an entry is recorded under `key`. */
  has(key: string): boolean;
  /** Appends `entry` as one line (a repeated key is written but the first entry stays served). */
  append(entry: A): void;
  /** fsyncs pending entries. */
  sync(): void;
  /** Syncs and closes the file. Idempotent. */
  close(): void;
}

/**
 * Opens (creating directories as needed) the journal at `path`, decoding every line with
 * `codec`. With `resume`, complete lines are loaded; a torn final line (no line end, or not
 * decodable) is trimmed away; an invalid line *followed by* valid ones means the file was
 * damaged otherwise, and opening fails.
 *
 * @typeParam A The entry type, with a string `key`.
 * @param path The journal file, by convention `join(runDirectory, JOURNAL_FILE_NAME)`.
 * @param codec Decodes and encodes entries.
 * @param options Resume and sync cadence.
 * @returns The open journal.
 * @throws {RangeError} When `syncEvery` or `syncIntervalMs` is out of range.
 * @throws {SyntaxError} When a line other than the last is invalid.
 *
 * @example Resume after a crash
 * ```ts
 * const Entry = t.type({ key: t.string, value: t.number });
 * const first = openJournal(path, Entry);
 * first.append({ key: "a", value: 1 });
 * first.close();
 * appendFileSync(path, '{"key":"b","va'); // a write torn by SIGKILL
 * const second = openJournal(path, Entry, { resume: true });
 * assertEquals(second.get("a"), { key: "a", value: 1 });
 * assertEquals(second.has("b"), false);
 * ```
 */
export function openJournal<A extends { readonly key: string }, O>(
  path: string,
  codec: t.Type<A, O, unknown>,
  options: JournalOptions = {},
): Journal<A> {
  const { resume = false, syncEvery = 32, syncIntervalMs = 1000 } = options;
  if (!Number.isSafeInteger(syncEvery) || syncEvery < 1) {
    throw new RangeError(`Cannot open journal as 'syncEvery' must be a positive integer: current value is ${syncEvery}`);
  }
  if (!Number.isFinite(syncIntervalMs) || syncIntervalMs < 0) {
    throw new RangeError(
      `Cannot open journal as 'syncIntervalMs' must be a non-negative number: current value is ${syncIntervalMs}`,
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  const decode = decodeWith(codec);
  // Where each key's first entry starts in the file, by a 64-bit digest of the key: entries are
  // read back on demand (and their key checked), so memory holds some 40 bytes per entry.
  const offsets = new DigestTable();
  // A request key (64 hex digits, `requestKey`) is its own digest; any other key is hashed (a
  // key that only starts with hex digits too: keys sharing such a prefix must not share a digest).
  const digestOf = (key: string): Digest64 => (REQUEST_KEY.test(key) ? hexDigest64(key) : digest64(key));
  let fileBytes = 0;
  let loaded = 0;
  let trimmedBytes = 0;
  let descriptor: number | undefined;
  if (resume && existsSync(path)) {
    const recovered = recover(path, decode);
    for (const { key, offset } of recovered.entries) {
      const digest = digestOf(key);
      if (!offsets.has(digest)) offsets.set(digest, offset);
    }
    loaded = recovered.entries.length;
    fileBytes = recovered.validBytes;
    descriptor = openSync(path, "r+");
    if (recovered.validBytes < recovered.totalBytes) {
      ftruncateSync(descriptor, recovered.validBytes);
      fsyncSync(descriptor);
      trimmedBytes = recovered.totalBytes - recovered.validBytes;
    }
    closeSync(descriptor);
    descriptor = openSync(path, "a");
  } else {
    descriptor = openSync(path, "w");
  }
  let unsynced = 0;
  const sync = (): void => {
    if (descriptor !== undefined && unsynced > 0) fsyncSync(descriptor);
    unsynced = 0;
  };
  let reader: LineReader | undefined;
  const read = (key: string): A | undefined => {
    const offset = offsets.get(digestOf(key));
    if (offset === undefined) return undefined;
    reader ??= openLineReader(path);
    const decoded = decode(JSON.parse(reader.lineAt(offset)) as unknown);
    if (E.isLeft(decoded)) throw new SyntaxError(`Cannot read journal entry of ${path} at byte ${offset}: ${describeFailure(decoded.left)}`);
    // Another key with the same digest (probability about n² / 2⁶⁵): not this key's entry.
    return decoded.right.key === key ? decoded.right : undefined;
  };
  const timer = syncIntervalMs > 0 ? setInterval(sync, syncIntervalMs) : undefined;
  timer?.unref();
  return {
    path,
    get size() {
      return offsets.size;
    },
    loaded,
    trimmedBytes,
    get(key) {
      return read(key);
    },
    has(key) {
      return read(key) !== undefined;
    },
    append(entry) {
      if (descriptor === undefined) {
        throw new TypeError(`Cannot append to journal as it is closed: current value is ${path}`);
      }
      const line = Buffer.from(`${JSON.stringify(codec.encode(entry))}\n`, "utf8");
      let written = 0;
      while (written < line.length) written += writeSync(descriptor, line, written, line.length - written);
      const digest = digestOf(entry.key);
      if (!offsets.has(digest)) offsets.set(digest, fileBytes);
      fileBytes += line.length;
      unsynced += 1;
      if (unsynced >= syncEvery) sync();
    },
    sync,
    close() {
      if (descriptor === undefined) return;
      if (timer !== undefined) clearInterval(timer);
      sync();
      closeSync(descriptor);
      descriptor = undefined;
      reader?.close();
      reader = undefined;
    },
  };
}

interface Recovered {
  /** The key of each complete entry and the byte offset its line starts at. */
  readonly entries: { readonly key: string; readonly offset: number }[];
  readonly validBytes: number;
  readonly totalBytes: number;
}

function recover<A extends { readonly key: string }>(path: string, decode: (input: unknown) => E.Either<DecodeFailure, A>): Recovered {
  const bytes = readFileSync(path);
  const entries: { key: string; offset: number }[] = [];
  let validBytes = 0;
  let start = 0;
  let lineNumber = 0;
  let broken: { line: number; reason: string } | undefined;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    lineNumber += 1;
    if (end === -1) {
      // no line end: a torn tail, whatever it holds
      broken ??= { line: lineNumber, reason: "no line end" };
      break;
    }
    const text = bytes.subarray(start, end).toString("utf8");
    const lineStart = start;
    start = end + 1;
    if (text.trim() === "") {
      if (broken === undefined) validBytes = start;
      continue;
    }
    const parsed = E.tryCatch((): unknown => JSON.parse(text), () => "invalid JSON");
    const decoded = E.isLeft(parsed) ? E.left(parsed.left) : E.mapLeft(describeFailure)(decode(parsed.right));
    if (E.isLeft(decoded)) {
      broken ??= { line: lineNumber, reason: decoded.left };
      continue;
    }
    if (broken !== undefined) {
      throw new SyntaxError(`Cannot open journal as line ${broken.line} of ${path} is invalid: ${broken.reason}`);
    }
    entries.push({ key: decoded.right.key, offset: lineStart });
    validBytes = start;
  }
  return { entries, validBytes, totalBytes: bytes.length };
}
