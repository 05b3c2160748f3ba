/**
 * Decoding at the edges: every value that comes from outside (a file line, a model's JSON, a
 * config) goes through an io-ts codec, and failures are reported as field paths.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { PathReporter } from "io-ts/lib/PathReporter.js";

/** A failed decode: the codec's name and one message per invalid field path. */
export interface DecodeFailure {
  readonly type: "decode-failure";
  readonly codec: string;
  readonly messages: readonly string[];
  /** The field paths that failed, e.g. `turns.0.attempt`. */
  readonly paths: readonly string[];
}

const SEQUENCES = new Set(["ArrayType", "ReadonlyArrayType", "TupleType", "ReadonlyTupleType", "DictionaryType"]);

function pathOf(error: t.ValidationError): string {
  const keys: string[] = [];
  error.context.forEach((entry, index) => {
    if (index === 0) return;
    const parent = error.context[index - 1]?.type as { readonly _tag?: string } | undefined;
    // Intersections and unions add their member's position as a key: not part of the data's path.
    if (/^\d+$/.test(entry.key) && !(parent?._tag !== undefined && SEQUENCES.has(parent._tag))) return;
    keys.push(entry.key);
  });
  return keys.join(".");
}

/**
 * Decodes `input` with `codec`, returning the value or a {@linkcode DecodeFailure}.
 *
 * @example Decode a problem
 * ```ts
 * const result = decodeWith(Problem)({ id: "1", task: "word_sorting", question: "q", answer: "a" });
 * assert(E.isRight(result));
 * ```
 */
export function decodeWith<C extends t.Any>(
  codec: C,
): (input: unknown) => E.Either<DecodeFailure, t.TypeOf<C>> {
  return (input) => {
    const result = codec.decode(input);
    if (E.isRight(result)) return E.right(result.right as t.TypeOf<C>);
    return E.left({
      type: "decode-failure",
      codec: codec.name,
      messages: PathReporter.report(result),
      paths: dedupe(result.left.map(pathOf)),
    });
  };
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * A one-line description of a decode failure: the first failing field path and what was wrong,
 * e.g. `field 'answer': expected string, got 3`.
 */
export function describeFailure(failure: DecodeFailure): string {
  const path = failure.paths[0] ?? "";
  const first = failure.messages[0] ?? "invalid value";
  const match = /^Invalid value (.*) supplied to .*?([^/]*)$/s.exec(first);
  const got = match?.[1] ?? "?";
  const expected = match?.[2]?.replace(/^[^:]*: /, "") ?? "a valid value";
  return path === ""
    ? `expected ${expected}, got ${truncate(got)}`
    : `field '${path}': expected ${expected}, got ${truncate(got)}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
