/**
 * The word sorting task (BIG-Bench `word_sorting`, `tripost.md` §2.2, §4, §5.1) as a
 * {@linkcode Task}: seeded problems, the gold solver, answer checks, the scripted FBK and IMP,
 * and the compact format.
 *
 * @module
 */
import type { Problem } from "../../codecs/problem.js";
import type { Task } from "../task.js";
import { extractWordSortingAnswer, hasValidWordSortingContent, isCorrectWordSortingAnswer } from "./answer.js";
import { wordSortingCompact } from "./compact.js";
import { critiqueWordSorting } from "./critique.js";
import { generateWordSorting, WORD_SORTING_DIFFICULTIES, wordsOfQuestion } from "./generate.js";
import { improveWordSorting } from "./improve.js";
import { solveWords } from "./solve.js";

/** The gold rationale of a problem (its words in question order). */
export function solveWordSorting(problem: Problem): string {
  return solveWords(wordsOfQuestion(problem.question) ?? []);
}

/**
 * The word sorting task.
 *
 * @example Generate, solve, critique
 * ```ts
 * const [problem] = wordSorting.generate({ count: 1, seed: 3, difficulty: "easy" });
 * const verdict = wordSorting.critique!(problem!, wordSorting.solve(problem!));
 * assertEquals(E.isRight(verdict) && verdict.right.correct, true);
 * ```
 */
export const wordSorting: Task = {
  name: "word_sorting",
  info: "",
  difficulties: Object.keys(WORD_SORTING_DIFFICULTIES),
  generate: generateWordSorting,
  solve: solveWordSorting,
  extractAnswer: extractWordSortingAnswer,
  isCorrectAnswer: isCorrectWordSortingAnswer,
  hasValidContent: hasValidWordSortingContent,
  critique: critiqueWordSorting,
  improve: improveWordSorting,
  compact: wordSortingCompact,
};
