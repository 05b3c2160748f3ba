/**
 * Answer checks of multistep arithmetic (`tripost.md` §3.2, §9).
 *
 * @module
 */
import { parseInteger, sameValue } from "./expression.js";

const ANSWER = /the answer is (.*)\./;
const PYTHON_FLOAT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function answerLine(attempt: string): string | undefined {
  const lines = attempt.trimEnd().split("\n");
  const last = lines.at(-1);
  if (last !== undefined && last.trimStart().startsWith("Feedback")) return lines.at(-2);
  return last;
}

/**
 * The answer an attempt gives: `the answer is (.*)\.` on its last line (the line before it when the
 * last line is a feedback), as the official evaluation reads it.
 *
 * @example
 * ```ts
 * assertEquals(extractAnswer("(4) …\n(Final response) So the answer is -41."), "-41");
 * ```
 */
export function extractAnswer(attempt: string): string | undefined {
  const line = answerLine(attempt);
  return line === undefined ? undefined : ANSWER.exec(line)?.[1];
}

/** Whether an answer equals the gold one as a number (the official code compares floats). */
export function isCorrectAnswer(answer: string, gold: string): boolean {
  const left = parseInteger(answer.trim());
  const right = parseInteger(gold.trim());
  if (left !== undefined && right !== undefined) return sameValue(left, right);
  if (!PYTHON_FLOAT.test(answer) || !PYTHON_FLOAT.test(gold)) return false;
  return Number(answer) === Number(gold);
}

/**
 * `has_valid_content` of the official MSA filter: the final line gives exactly one number
 * (`the answer is (.*)\.`, readable as a float) and the line before it contains `=<n>.` or
 * `= <n>.` with that number as written. The number is read from the attempt itself, as the
 * official code does; `answer` is not needed for it.
 */
export function hasValidContent(attempt: string, _answer?: string): boolean {
  const lines = attempt.split("\n");
  if (lines.length < 2) return false;
  const lastStep = lines[lines.length - 2] ?? "";
  let finalResponse = lines[lines.length - 1] ?? "";
  if (!finalResponse.endsWith(".")) finalResponse += ".";
  const number = ANSWER.exec(finalResponse)?.[1];
  if (number === undefined || !PYTHON_FLOAT.test(number)) return false;
  return lastStep.includes(`=${number}.`) || lastStep.includes(`= ${number}.`);
}
