/**
 * Word sorting answer checks (`tripost.md` §3.2, §9): the answer of an attempt, its comparison
 * with the gold one, and `has_valid_content`.
 *
 * @module
 */

const ANSWER = /the answer is:(.*)\./;

/**
 * The answer an attempt gives: `the answer is:(.*)\.` on its last non-empty line (the official
 * regex, greedy up to the last period), the words normalised to single spaces.
 *
 * @example
 * ```ts
 * assertEquals(extractWordSortingAnswer("(3) Hence, we have \"a\" < \"b\".\n(Final response) So the answer is: a  b."), "a b");
 * ```
 */
export function extractWordSortingAnswer(attempt: string): string | undefined {
  const lines = attempt.split("\n").filter((line) => line.trim() !== "");
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  const match = ANSWER.exec(last);
  if (match === null) return undefined;
  return (match[1] as string).trim().split(/\s+/).filter((word) => word !== "").join(" ");
}

/** Whether two answers list the same words in the same order (exact list match). */
export function isCorrectWordSortingAnswer(answer: string, gold: string): boolean {
  const left = answer.trim().split(/\s+/).filter((word) => word !== "");
  const right = gold.trim().split(/\s+/).filter((word) => word !== "");
  return left.length === right.length && left.every((word, index) => word === right[index]);
}

/** `has_valid_content` for word sorting: no "Hence" line contains "?". */
export function hasValidWordSortingContent(attempt: string, _answer?: string): boolean {
  return attempt.split("\n").every((line) => !(line.includes("Hence") && line.includes("?")));
}
