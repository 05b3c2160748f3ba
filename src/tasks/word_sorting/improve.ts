/**
 * The scripted word sorting IMP. **This is our addition**: the official code has no scripted
 * IMP (it prompts an LLM, Codex by default, `tripost.md` §5.1–§5.2); this one plays the role of
 * that LLM for the scripted expert.
 *
 * Like the official IMP it keeps the attempt's lines before the error step (`prev_partial_answer`,
 * {@linkcode prefixBefore}) and writes a correct remainder: the gold rationale's lines from the
 * error step on. The gold lines must line up with the kept prefix. When they do not (the prefix
 * passed FBK but differs from the gold, e.g. step (1) lists the words in another order), the gold
 * rationale is rebuilt with the words in the order the prefix's step (1) gives, and tried again.
 * The result is returned only if FBK judges it correct.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../../codecs/critique.js";
import type { Problem } from "../../codecs/problem.js";
import { prefixBefore } from "../steps.js";
import type { ParseError } from "../task.js";
import { critiqueWordSorting } from "./critique.js";
import { wordsOfQuestion } from "./generate.js";
import { parseStepLine } from "./rationale.js";
import { solveWords } from "./solve.js";

function failure(message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line: 0, message });
}

function continueFrom(prefixLines: readonly string[], gold: string): string | undefined {
  const goldLines = gold.split("\n");
  if (prefixLines.length >= goldLines.length) return undefined;
  if (!prefixLines.every((line, index) => line === goldLines[index])) return undefined;
  return [...prefixLines, ...goldLines.slice(prefixLines.length)].join("\n");
}

/**
 * The improved attempt after an error verdict: the lines before the error step, then a correct
 * remainder. `Left` when the verdict says "correct", or when no correct remainder fits the kept
 * lines.
 *
 * @example Fix a wrong letter in step (1)
 * ```ts
 * const improved = improveWordSorting(problem, attempt, verdict);
 * assertEquals(E.isRight(improved) && E.isRight(critiqueWordSorting(problem, improved.right)) && critiqueWordSorting(problem, improved.right).right.correct, true);
 * ```
 */
export function improveWordSorting(problem: Problem, attempt: string, verdict: Verdict): E.Either<ParseError, string> {
  if (verdict.correct || verdict.errorStep === null) return failure("Cannot improve an attempt judged correct");
  const words = wordsOfQuestion(problem.question);
  if (words === undefined) return failure("Cannot find the list of words in the question");
  const prefix = prefixBefore(attempt.trimEnd(), verdict.errorStep);
  const prefixLines = prefix === "" ? [] : prefix.split("\n");
  const orders: (readonly string[])[] = [words];
  const first = prefixLines[0] === undefined ? undefined : parseStepLine(prefixLines[0], 1);
  if (first !== undefined && E.isRight(first) && first.right.kind === "letters") {
    const reordered = first.right.maps.map((map) => map.word);
    const sameWords = reordered.length === words.length && [...reordered].sort().join(" ") === [...words].sort().join(" ");
    if (sameWords) orders.push(reordered);
  }
  for (const order of orders) {
    const candidate = continueFrom(prefixLines, solveWords(order));
    if (candidate === undefined) continue;
    const judged = critiqueWordSorting(problem, candidate);
    if (E.isRight(judged) && judged.right.correct) return E.right(candidate);
  }
  return failure(`Cannot improve as the steps before step (${verdict.errorStep}) do not lead to a correct rationale`);
}
