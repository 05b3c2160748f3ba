/**
 * Lazy, line-numbered JSONL reading with decoding at the edge.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { type DecodeFailure, decodeWith, describeFailure } from "../codecs/decode.js";
import { readLines } from "./_read_lines.js";

/** One decoded line: its 1-based line number and value. */
export interface JsonlLine<A> {
  readonly line: number;
  readonly value: A;
}

/** A line that is not valid JSON, or whose value the codec rejects. */
export interface JsonlLineError {
  readonly type: "jsonl-line-invalid";
  /** The file, as given. */
  readonly path: string;
  /** The 1-based line number. */
  readonly line: number;
  /** The failing field paths (`turns.0.attempt`); empty for invalid JSON or a bad top level. */
  readonly fields: readonly string[];
  /** One line naming the file, the line and the field: `in.jsonl:3: field 'answer': expected string, got 3`. */
  readonly message: string;
}

/**
 * Reads `path` as JSONL, lazily: a line is read and decoded only when the consumer asks for the
 * next one (pair it with {@linkcode withDemand} to bound memory). Each non-blank line yields
 * `Right({ line, value })` or `Left(JsonlLineError)`; blank lines are skipped but counted. A
 * file that cannot be opened or read rejects the iteration (an effect error, not a line error).
 *
 * @typeParam C The codec.
 * @param path The file.
 * @param codec Decodes each parsed line.
 * @returns A fresh async iterable per call.
 *
 * @example Stop at the first bad line
 * ```ts
 * for await (const result of readJsonl(path, Problem)) {
 *   if (E.isLeft(result)) throw new SyntaxError(result.left.message); // "in.jsonl:3: field 'answer': …"
 *   console.log(result.right.line, result.right.value.id);
 * }
 * ```
 */
export async function* readJsonl<C extends t.Any>(
  path: string,
  codec: C,
): AsyncGenerator<E.Either<JsonlLineError, JsonlLine<t.TypeOf<C>>>, void, undefined> {
  const decode = decodeWith(codec);
  for await (const { line, text } of readLines(path)) {
    if (text.trim() === "") continue;
    yield parseJsonlLine(text, line, path, decode);
  }
}

/**
 * Parses and decodes one JSONL line (pure). Used by {@linkcode readJsonl}, and by readers of
 * other line sources (stdin).
 *
 * @example
 * ```ts
 * const result = parseJsonlLine('{"a":1}', 7, "in.jsonl", decodeWith(t.type({ a: t.string })));
 * assertEquals(E.isLeft(result) && result.left.message, "in.jsonl:7: field 'a': expected string, got 1");
 * ```
 */
export function parseJsonlLine<A>(
  text: string,
  line: number,
  path: string,
  decode: (input: unknown) => E.Either<DecodeFailure, A>,
): E.Either<JsonlLineError, JsonlLine<A>> {
  const parsed = E.tryCatch((): unknown => JSON.parse(text), (error) => error instanceof Error ? error.message : String(error));
  if (E.isLeft(parsed)) {
    return E.left({ type: "jsonl-line-invalid", path, line, fields: [], message: `${path}:${line}: invalid JSON: ${parsed.left}` });
  }
  const decoded = decode(parsed.right);
  if (E.isLeft(decoded)) {
    return E.left({
      type: "jsonl-line-invalid",
      path,
      line,
      fields: decoded.left.paths,
      message: `${path}:${line}: ${describeFailure(decoded.left)}`,
    });
  }
  return E.right({ line, value: decoded.right });
}
