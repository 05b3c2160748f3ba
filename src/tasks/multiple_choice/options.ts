/**
 * The options of a multiple-choice question (date understanding, logical deduction): the
 * `Options:` line and the `(A) …` lines after it, as BIG-Bench-Hard and the official TriPosT rows
 * write them (`tripost.md` §2).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { ParseError } from "../task.js";

/** One option: its letter (upper case) and its text after `(X) `. */
export interface Option {
  readonly letter: string;
  readonly text: string;
}

/** A multiple-choice question split into its stem (the text before `Options:`) and its options. */
export interface MultipleChoice {
  readonly stem: string;
  readonly options: readonly Option[];
}

const OPTION_LINE = /^\(([A-Za-z])\)\s?(.*)$/;

function parseError(line: number, message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line, message });
}

/**
 * The stem and options of a question: the lines after the first line that is exactly `Options:`
 * must all be `(X) text` lines with distinct letters. `Left` (never a throw) when the question
 * has no `Options:` line, no option, a line that is not an option, or a repeated letter.
 *
 * @example
 * ```ts
 * const parsed = parseOptions("What is the date tomorrow?\nOptions:\n(A) 01/02/2000\n(B) 01/03/2000");
 * assertEquals(parsed, E.right({ stem: "What is the date tomorrow?", options: [{ letter: "A", text: "01/02/2000" }, { letter: "B", text: "01/03/2000" }] }));
 * ```
 */
export function parseOptions(question: string): E.Either<ParseError, MultipleChoice> {
  const lines = question.split("\n");
  const header = lines.findIndex((line) => line.trim() === "Options:");
  if (header < 0) return parseError(0, "Cannot read the options as the question has no 'Options:' line");
  const options: Option[] = [];
  for (let index = header + 1; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    if (line === "") continue;
    const match = OPTION_LINE.exec(line);
    if (match === null) {
      return parseError(index + 1, `Cannot read the options as a line is not '(X) text': current value is ${JSON.stringify(line.slice(0, 60))}`);
    }
    const letter = (match[1] as string).toUpperCase();
    if (options.some((option) => option.letter === letter)) {
      return parseError(index + 1, `Cannot read the options as the letter (${letter}) is repeated`);
    }
    options.push({ letter, text: (match[2] as string).trim() });
  }
  if (options.length === 0) return parseError(header + 1, "Cannot read the options as there is none after 'Options:'");
  return E.right({ stem: lines.slice(0, header).join("\n").trim(), options });
}

/** The text of option `letter` (any case, with or without parentheses) of a question, if it has one. */
export function optionText(question: string, letter: string): string | undefined {
  const parsed = parseOptions(question);
  if (E.isLeft(parsed)) return undefined;
  const wanted = normaliseLetter(letter);
  return parsed.right.options.find((option) => option.letter === wanted)?.text;
}

/** A choice as one upper-case letter: `(b)`, ` B `, `b` → `B`; other text is returned trimmed. */
export function normaliseLetter(choice: string): string {
  const match = /^\s*\(?\s*([A-Za-z])\s*\)?\s*$/.exec(choice);
  return match === null ? choice.trim() : (match[1] as string).toUpperCase();
}

/**
 * A BIG-Bench-Hard multiple-choice input in the official TriPosT question layout: `Options:` on
 * a line of its own, one `(X) text` per line, trailing spaces dropped and, with `periods`, every
 * option ending with a period (the official logical deduction rows end each option sentence with
 * one; BIG-Bench-Hard does not). Text without an `Options:` line is returned as it is.
 *
 * @example
 * ```ts
 * assertEquals(normaliseOptionLines("Who?\nOptions:\n(A) Amy finished last ", { periods: true }), "Who?\nOptions:\n(A) Amy finished last.");
 * ```
 */
export function normaliseOptionLines(question: string, options: { periods?: boolean } = {}): string {
  const text = question.replace(/\s*\n?\s*Options:\s*\n?/, "\nOptions:\n");
  const header = text.indexOf("\nOptions:\n");
  if (header < 0) return question;
  const head = text.slice(0, header);
  const body = text.slice(header + "\nOptions:\n".length)
    .replace(/\s*(?=\([A-Z]\)\s)/g, "\n")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => options.periods === true && OPTION_LINE.test(line) && !/[.!?]$/.test(line) ? `${line}.` : line);
  return `${head}\nOptions:\n${body.join("\n")}`;
}
