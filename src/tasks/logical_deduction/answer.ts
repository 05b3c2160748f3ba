/**
 * Answer checks of logical deduction (`tripost.md` §3.2, §9): the content check on the last two
 * lines of an attempt.
 *
 * @module
 */
import type { Problem } from "../../codecs/problem.js";
import { optionText } from "../multiple_choice/options.js";

// Words that carry no content in an option sentence ("The plums are the cheapest").
const STOP_WORDS = new Set(["the", "a", "an", "is", "are", "was", "were", "be", "of"]);

// Plural to singular, enough for the objects of the task ("plums", "peaches", "cherries").
function singular(token: string): string {
  if (token.length <= 3) return token;
  if (token.endsWith("ies")) return `${token.slice(0, -3)}y`;
  if (/(?:ch|sh|x|ss|o)es$/.test(token)) return token.slice(0, -2);
  if (token.endsWith("s") && !/(?:ss|us|is)$/.test(token)) return token.slice(0, -1);
  return token;
}

/**
 * The normalised tokens of a text: lower case, every character but letters, digits and inner
 * hyphens read as a space, split on white space, articles and forms of "to be" dropped, and
 * plurals made singular (so "The plums are the cheapest" and "the plum is the cheapest" agree).
 *
 * @example
 * ```ts
 * assertEquals(deductionTokens("The peaches are the second-most expensive."), ["peach", "second-most", "expensive"]);
 * ```
 */
export function deductionTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, " ")
    .split(/\s+/)
    .map((token) => token.replace(/^-+|-+$/g, ""))
    .filter((token) => token !== "" && !STOP_WORDS.has(token))
    .map(singular);
}

/**
 * `has_valid_content` of logical deduction: every normalised token of the chosen option
 * (`answer`, a letter; the options are in `problem.question`) appears among the tokens of the
 * attempt's last two lines. False when the question has no such option. Without `problem` the
 * option is unknown and only the shape is checked: the attempt has at least two lines. Never
 * throws.
 *
 * @example
 * ```ts
 * const problem = { id: "l", task: "logical_deduction", question: "…\nOptions:\n(A) Rob finished last.\n(B) Amy finished last.", answer: "A" };
 * assertEquals(hasValidDeductionContent("(1) The golfer that finished last is Rob.\n(Final response) So the answer is (A).", "A", problem), true);
 * ```
 */
export function hasValidDeductionContent(attempt: string, answer: string, problem?: Problem): boolean {
  const lines = attempt.split("\n").filter((line) => line.trim() !== "");
  if (lines.length < 2) return false;
  if (problem === undefined) return true;
  const option = optionText(problem.question, answer);
  if (option === undefined) return false;
  const wanted = deductionTokens(option);
  if (wanted.length === 0) return false;
  const present = new Set(deductionTokens(lines.slice(-2).join("\n")));
  return wanted.every((token) => present.has(token));
}
