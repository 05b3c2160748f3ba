import * as E from "fp-ts/lib/Either.js";
import { readFileSync } from "node:fs";
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
import type { CliIo } from "./_command.js";
import { resolveShipped } from "./_paths.js";

/** A line of a JSONL input with its 1-based number. */
export interface InputLine {
  readonly line: number;
  readonly value: unknown;
}

/** Reads all of a stream as text. */
export async function readAll(stream: Readable): Promise<string> {
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
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({ file: path }, code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? "unknown error"})`);
  }
}

/** Parses JSONL text; a line that is not a JSON object is an {@linkcode InputError} naming the line. */
export function parseJsonlText(name: string, text: string): InputLine[] {
  const lines: InputLine[] = [];
  const rows = text.split("\n");
  for (let index = 0; index < rows.length; index++) {
    const row = (rows[index] as string).replace(/\r$/, "");
    if (row.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (error) {
      throw new InputError({ file: name, line: index + 1 }, `not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InputError({ file: name, line: index + 1 }, "expected a JSON object");
    }
    lines.push({ line: index + 1, value });
  }
  return lines;
}

/**
 * Problems from `--in`: our problem JSONL, official TriPosT rows, or a BIG-Bench-Hard task file,
 * told apart by their shape. Any bad record is an {@linkcode InputError} naming file, line and field.
 */
export async function readProblems(io: CliIo, task: TaskName, path: string | undefined): Promise<Problem[]> {
  const { name, text } = await readInputText(io, path);
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
  const stem = basename(name).replace(/\.jsonl?$/, "");
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const { line, value } of parseJsonlText(name, text)) {
    const loaded = isOfficialRow(value)
      ? problemFromOfficialRow(task, value, `${stem}-${line}`)
      : problemFromRecord(task, value);
    if (E.isLeft(loaded)) {
      throw new InputError(
        loaded.left.field === undefined ? { file: name, line } : { file: name, line, field: loaded.left.field },
        loaded.left.message,
      );
    }
    if (seen.has(loaded.right.id)) {
      throw new InputError({ file: name, line, field: "id" }, `duplicate id '${loaded.right.id}'`);
    }
    seen.add(loaded.right.id);
    problems.push(loaded.right);
  }
  return problems;
}

/** Decodes one JSONL record with `codec`; a failure is an {@linkcode InputError} naming file, line and field. */
export function decodeLine<C extends t.Any>(codec: C, file: string, input: InputLine): t.TypeOf<C> {
  const decoded = decodeWith(codec)(input.value);
  if (E.isRight(decoded)) return decoded.right;
  const field = decoded.left.paths[0];
  const location = field === undefined ? { file, line: input.line } : { file, line: input.line, field };
  throw new InputError(location, describeFailure(decoded.left));
}
