import * as E from "fp-ts/lib/Either.js";
import { createHash } from "node:crypto";
import { readFileSync, statSync, type Stats } from "node:fs";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import type * as t from "io-ts";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import type { Problem, TaskName } from "../codecs/problem.js";
import { InputError } from "../errors.js";
import {
  isBigBenchHardFile,
  isOfficialRow,
  problemFromOfficialRow,
  problemFromRecord,
  problemsFromBigBenchHard,
} from "../tasks/loaders.js";
import { readLines } from "../streams/_read_lines.js";
import { DigestTable, digest64 } from "../util/digest_table.js";
import type { CliIo } from "./_command.js";
import { resolveShipped } from "./_paths.js";
import type { InputRecord } from "./_settings_record.js";

/** A line of a JSONL input with its 1-based number. */
export interface InputLine {
  readonly line: number;
  readonly value: unknown;
}

/** Reads all of a stream as text. */
async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a file (relative to the working directory) or, without a path, stdin; with the name errors use. */
export async function readInputText(io: CliIo, path: string | undefined): Promise<{ name: string; text: string }> {
  if (path === undefined) return { name: "<stdin>", text: await readAll(io.stdin) };
  try {
    return { name: path, text: readFileSync(resolveShipped(io.cwd, path), "utf8") };
  } catch (error) {
    throw unreadable(path, error);
  }
}

function unreadable(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  return new InputError({ file: path }, code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? "unknown error"})`);
}

/** Parses JSONL text; a line that is not a JSON object is an {@linkcode InputError} naming the line. */
export function parseJsonlText(name: string, text: string): InputLine[] {
  const lines: InputLine[] = [];
  const rows = text.split("\n");
  for (let index = 0; index < rows.length; index++) {
    const value = parseJsonlRow(name, index + 1, (rows[index] as string).replace(/\r$/, ""));
    if (value !== undefined) lines.push({ line: index + 1, value });
  }
  return lines;
}

/** One JSONL row (without its line end) as a JSON object; `undefined` for a blank row. */
function parseJsonlRow(name: string, line: number, row: string): object | undefined {
  if (row.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(row);
  } catch (error) {
    throw new InputError({ file: name, line }, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError({ file: name, line }, "expected a JSON object");
  }
  return value;
}

/**
 * Reads problem-JSONL / official-row lines of `name` one at a time: each row's problem
 * (`undefined` for a blank row), or an {@linkcode InputError} naming file, line and field. With
 * `checkIds`, a repeated id is an error too (ids are kept as 64-bit digests).
 */
function problemRows(task: TaskName, name: string, checkIds: boolean): (line: number, row: string) => Problem | undefined {
  const stem = basename(name).replace(/\.jsonl?$/, "");
  const seen = checkIds ? new DigestTable() : undefined;
  return (line, row) => {
    const value = parseJsonlRow(name, line, row);
    if (value === undefined) return undefined;
    const loaded = isOfficialRow(value)
      ? problemFromOfficialRow(task, value, `${stem}-${line}`)
      : problemFromRecord(task, value);
    if (E.isLeft(loaded)) {
      throw new InputError(
        loaded.left.field === undefined ? { file: name, line } : { file: name, line, field: loaded.left.field },
        loaded.left.message,
      );
    }
    if (seen !== undefined && !seen.add(digest64(loaded.right.id))) {
      throw new InputError({ file: name, line, field: "id" }, `duplicate id '${loaded.right.id}'`);
    }
    return loaded.right;
  };
}

/**
 * Problems from `--in`: our problem JSONL, official TriPosT rows, or a BIG-Bench-Hard task file,
 * told apart by their shape. Any bad record is an {@linkcode InputError} naming file, line and field.
 */
export async function readProblems(io: CliIo, task: TaskName, path: string | undefined): Promise<Problem[]> {
  const { name, text } = await readInputText(io, path);
  return problemsFromText(task, name, text);
}

/** The problems of a whole input text (see {@linkcode readProblems}). */
function problemsFromText(task: TaskName, name: string, text: string): Problem[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") && !trimmed.includes("\n{")) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = undefined;
    }
    if (document !== undefined && isBigBenchHardFile(document)) {
      const stem = basename(name).replace(/\.json$/, "");
      const loaded = problemsFromBigBenchHard(task, document, stem);
      if (E.isLeft(loaded)) {
        throw new InputError(
          loaded.left.field === undefined ? { file: name } : { file: name, field: loaded.left.field },
          loaded.left.message,
        );
      }
      return loaded.right;
    }
  }
  const problemOf = problemRows(task, name, true);
  const problems: Problem[] = [];
  const rows = text.split("\n");
  for (let index = 0; index < rows.length; index++) {
    const problem = problemOf(index + 1, (rows[index] as string).replace(/\r$/, ""));
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** A problems file checked whole by {@linkcode scanProblems}, to be read again as often as needed. */
export interface ProblemFile {
  /** The problems in the file. */
  readonly count: number;
  /** The file's path as given and the SHA-256 of the bytes that were checked. */
  readonly input: InputRecord;
  /**
   * A fresh read of the problems in file order: problem JSONL and official rows are streamed
   * from the file again (one line at a time); a whole-document file (BIG-Bench-Hard) is the
   * array the check loaded.
   *
   * @throws {InputError} when the file changed since it was checked
   */
  read(): AsyncIterable<Problem>;
}

/**
 * Checks the problems file `path` (as {@linkcode readProblems} would) in one streaming pass —
 * every line decoded, ids unique, the bytes hashed, `visit` called with each problem and its
 * 0-based position — and returns it to be read again, so that a caller can refuse bad input
 * before writing anything without holding the problems. Memory: one chunk and one line, plus a
 * 64-bit digest per id. Whole-JSON inputs (a BIG-Bench-Hard task file: its first non-blank line
 * is not a JSON object of its own, or is a whole task file) are loaded as before.
 *
 * @throws {InputError} naming file, line and field, for the first bad line in file order
 */
export async function scanProblems(
  io: CliIo,
  task: TaskName,
  name: string,
  visit: (problem: Problem, position: number) => void = () => {},
): Promise<ProblemFile> {
  const path = resolveShipped(io.cwd, name);
  let checked: Stats;
  try {
    checked = statSync(path);
  } catch (error) {
    throw unreadable(name, error);
  }
  const hash = createHash("sha256");
  const problemOf = problemRows(task, name, true);
  let count = 0;
  let firstRow = true;
  // A pipe or a device (`/dev/stdin`) cannot be read twice: it is loaded once, as before.
  let streamed = checked.isFile();
  try {
    if (streamed) {
      for await (const { line, text } of readLines(path, undefined, (bytes) => hash.update(bytes))) {
        if (firstRow && text.trim() !== "") {
          firstRow = false;
          if (isWholeDocumentStart(text)) {
            streamed = false;
            break;
          }
        }
        const problem = problemOf(line, text);
        if (problem === undefined) continue;
        visit(problem, count);
        count += 1;
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw unreadable(name, error);
  }
  if (!streamed) {
    // One JSON document, or not a regular file: its bytes read once, hashed, then parsed whole.
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw unreadable(name, error);
    }
    const problems = problemsFromText(task, name, bytes.toString("utf8"));
    problems.forEach((problem, position) => visit(problem, position));
    return {
      count: problems.length,
      input: { path: name, sha256: createHash("sha256").update(bytes).digest("hex") },
      async *read() {
        yield* problems;
      },
    };
  }
  return {
    count,
    input: { path: name, sha256: hash.digest("hex") },
    async *read() {
      let now: Stats;
      try {
        now = statSync(path);
      } catch (error) {
        throw unreadable(name, error);
      }
      if (now.size !== checked.size || now.mtimeMs !== checked.mtimeMs) {
        throw new InputError({ file: name }, "the file changed after it was checked; run the command again");
      }
      const again = problemRows(task, name, false);
      let read = 0;
      for await (const { line, text } of readLines(path)) {
        const problem = again(line, text);
        if (problem === undefined) continue;
        read += 1;
        yield problem;
      }
      if (read !== count) {
        throw new InputError({ file: name }, `the file changed while it was read (${read} problems, ${count} when checked); run the command again`);
      }
    },
  };
}

/** Whether a file whose first non-blank line is `row` may be one JSON document (a BIG-Bench-Hard task file). */
function isWholeDocumentStart(row: string): boolean {
  try {
    return isBigBenchHardFile(JSON.parse(row));
  } catch {
    return row.trimStart().startsWith("{");
  }
}

/** Decodes one JSONL record with `codec`; a failure is an {@linkcode InputError} naming file, line and field. */
export function decodeLine<C extends t.Any>(codec: C, file: string, input: InputLine): t.TypeOf<C> {
  const decoded = decodeWith(codec)(input.value);
  if (E.isRight(decoded)) return decoded.right;
  const field = decoded.left.paths[0];
  const location = field === undefined ? { file, line: input.line } : { file, line: input.line, field };
  throw new InputError(location, describeFailure(decoded.left));
}
