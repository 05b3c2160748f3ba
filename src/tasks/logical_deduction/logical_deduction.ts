/**
 * The logical deduction task (BIG-Bench `logical_deduction` with three, five and seven objects,
 * `tripost.md` §2.3, §4): problems from BIG-Bench-Hard files or the official rows, gold
 * rationales from the official rows, the chosen letter and the option-words content check. It
 * has no generator, no solver and no scripted expert: an LLM expert critiques and improves its
 * attempts.
 *
 * @module
 */
import { extractChoice, isCorrectChoice } from "../multiple_choice/answer.js";
import { noGenerator, rationaleFromMeta } from "../multiple_choice/input_only.js";
import type { Task } from "../task.js";
import { hasValidDeductionContent } from "./answer.js";

/** The `{info}` text of logical deduction, appended after "Let's think step by step." (`tripost.md` §2). */
export const LOGICAL_DEDUCTION_INFO = ' Let "??" represents 0 or more objects, and "?" represents exactly 1 object.';

/**
 * The logical deduction task.
 *
 * @example
 * ```ts
 * const attempt = "(1) According to this ordering, the golfer that finished last is Rob.\n(Final response) Rob finished last. So the answer is (A).";
 * assertEquals(logicalDeduction.extractAnswer(attempt), "A");
 * ```
 */
export const logicalDeduction: Task = {
  name: "logical_deduction",
  info: LOGICAL_DEDUCTION_INFO,
  difficulties: [],
  generate: noGenerator("logical_deduction"),
  solve: rationaleFromMeta("logical_deduction"),
  extractAnswer: extractChoice,
  isCorrectAnswer: isCorrectChoice,
  hasValidContent: hasValidDeductionContent,
};
