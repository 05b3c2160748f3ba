/**
 * Answer checks shared by the multiple-choice tasks (`tripost.md` §9): the chosen letter of an
 * attempt (`answer is (X)`) and its comparison with the gold one.
 *
 * @module
 */
import { normaliseLetter } from "./options.js";

const CHOICE = /answer is \(([a-zA-Z])\)/;

function answerLine(attempt: string): string | undefined {
  const lines = attempt.split("\n").filter((line) => line.trim() !== "");
  const last = lines.at(-1);
  if (last !== undefined && last.trimStart().startsWith("Feedback")) return lines.at(-2);
  return last;
}

/**
 * The letter an attempt chooses: `answer is \(([a-zA-Z])\)` on its last non-empty line (the line
 * before when the last one is a feedback), upper-cased. Never throws.
 *
 * @example
 * ```ts
 * assertEquals(extractChoice("(2) The date yesterday is 6/17/2019.\n(Final response) So the answer is (e)."), "E");
 * ```
 */
export function extractChoice(attempt: string): string | undefined {
  const line = answerLine(attempt);
  if (line === undefined) return undefined;
  const letter = CHOICE.exec(line)?.[1];
  return letter === undefined ? undefined : letter.toUpperCase();
}

/** Whether two choices name the same letter (`B`, `(B)` and `b` are the same). */
export function isCorrectChoice(answer: string, gold: string): boolean {
  const left = normaliseLetter(answer);
  const right = normaliseLetter(gold);
  return left.length === 1 && left === right;
}
