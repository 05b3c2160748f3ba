/**
 * The date understanding task (BIG-Bench `date_understanding`, `tripost.md` §2.3, §4): problems
 * from BIG-Bench-Hard files or the official rows, gold rationales from the official rows, the
 * chosen letter and the date content check. It has no generator, no solver and no scripted
 * expert: an LLM expert critiques and improves its attempts.
 *
 * @module
 */
import { extractChoice, isCorrectChoice } from "../multiple_choice/answer.js";
import { noGenerator, rationaleFromMeta } from "../multiple_choice/input_only.js";
import type { Task } from "../task.js";
import { hasValidDateContent } from "./answer.js";

/**
 * The date understanding task.
 *
 * @example
 * ```ts
 * const problem = { id: "d1", task: "date_understanding", question: "…\nOptions:\n(A) 06/17/2019\n(B) 06/18/2019", answer: "A" };
 * const attempt = "(1) Today is 6/18/2019.\n(2) The date yesterday is 6/17/2019.\n(Final response) So the answer is (A).";
 * assertEquals(dateUnderstanding.isCorrectAnswer(dateUnderstanding.extractAnswer(attempt)!, problem.answer), true);
 * assertEquals(dateUnderstanding.hasValidContent(attempt, "A", problem), true);
 * ```
 */
export const dateUnderstanding: Task = {
  name: "date_understanding",
  info: "",
  difficulties: [],
  generate: noGenerator("date_understanding"),
  solve: rationaleFromMeta("date_understanding"),
  extractAnswer: extractChoice,
  isCorrectAnswer: isCorrectChoice,
  hasValidContent: hasValidDateContent,
};
