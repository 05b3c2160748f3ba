/**
 * Answer checks of date understanding (`tripost.md` §3.2, §9): the chosen letter and the
 * content check on the line before the final response.
 *
 * @module
 */
import type { Problem } from "../../codecs/problem.js";
import { optionText } from "../multiple_choice/options.js";
import { findDates, sameDate } from "./dates.js";

/**
 * `has_valid_content` of date understanding: the second-to-last line of the attempt mentions the
 * date of the chosen option (`answer`, a letter), in any of the forms {@linkcode findDates}
 * reads; false when the question has no such option or the option is not a date. The options are
 * in `problem.question`; without `problem` only what the attempt shows can be checked: that line
 * must mention some date. Never throws.
 *
 * @example
 * ```ts
 * const problem = { id: "d", task: "date_understanding", question: "Q?\nOptions:\n(A) 06/17/2019\n(B) 06/18/2019", answer: "A" };
 * assertEquals(hasValidDateContent("(1) Yesterday was June 17, 2019.\n(Final response) So the answer is (A).", "A", problem), true);
 * assertEquals(hasValidDateContent("(1) Yesterday was June 18, 2019.\n(Final response) So the answer is (A).", "A", problem), false);
 * ```
 */
export function hasValidDateContent(attempt: string, answer: string, problem?: Problem): boolean {
  const lines = attempt.split("\n").filter((line) => line.trim() !== "");
  if (lines.length < 2) return false;
  const mentioned = findDates(lines[lines.length - 2] as string);
  if (problem === undefined) return mentioned.length > 0;
  const option = optionText(problem.question, answer);
  const chosen = option === undefined ? undefined : findDates(option)[0];
  if (chosen === undefined) return false;
  return mentioned.some((date) => sameDate(date, chosen));
}
