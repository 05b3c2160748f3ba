/**
 * The multistep arithmetic task (`tripost.md` §2.1, §4, §5.1): BIG-Bench problems, the official
 * scripted rationale, the scripted FBK, our scripted IMP, and the compact format.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Task } from "../task.js";
import { extractAnswer, hasValidContent, isCorrectAnswer } from "./answer.js";
import { compactFormat } from "./compact.js";
import { critiqueAttempt, type createCritic } from "./critique.js";
import { DIFFICULTIES, generateProblems } from "./generate.js";
import { improveAttempt } from "./improve.js";
import { solveQuestion } from "./solve.js";

/** The `{info}` text of multistep arithmetic, appended after "Let's think step by step." (`tripost.md` §2). */
export const MULTISTEP_ARITHMETIC_INFO =
  " Recall that the order of operations in mathematics is as follows: (1) Parentheses, (2) exponents, (3) multiplication and division (from left to right), (4) addition and multiplication (from left to right). So, remember to always compute the expressions inside parentheses or brackets first.";

/**
 * The multistep arithmetic task. `solve` throws a `SyntaxError` for a question that is not an
 * arithmetic expression with parenthesised groups (use {@linkcode solveQuestion} for an `Either`).
 *
 * `critique` is cheap enough to call in a loop (no regex is compiled per call; about 70–80k easy
 * attempts per CPU-second); it checks the problem's `answer` against its question, as the official
 * verifier does. For many attempts at one problem, {@linkcode createCritic} reads the question once.
 *
 * @example
 * ```ts
 * const [problem] = multistepArithmetic.generate({ count: 1, difficulty: "easy" });
 * assertEquals(multistepArithmetic.critique(problem, multistepArithmetic.solve(problem)).right.correct, true);
 * ```
 */
export const multistepArithmetic: Task = {
  name: "multistep_arithmetic",
  info: MULTISTEP_ARITHMETIC_INFO,
  difficulties: DIFFICULTIES,
  generate: generateProblems,
  solve(problem) {
    const rationale = solveQuestion(problem.question);
    if (E.isLeft(rationale)) throw new SyntaxError(rationale.left.message);
    return rationale.right;
  },
  extractAnswer,
  isCorrectAnswer,
  hasValidContent,
  critique: (problem, attempt) => critiqueAttempt(problem.question, attempt, problem.answer),
  improve: (problem, attempt, verdict) => improveAttempt(problem.question, attempt, verdict),
  compact: compactFormat,
};
