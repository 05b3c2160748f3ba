/**
 * The scripted IMP of multistep arithmetic. This is our addition: the official code has no
 * scripted IMP (its IMP is an LLM continuing from the forced prefix, `tripost.md` §3.2, §5.2).
 * It does what the official editor asks of IMP: keep `prev_partial_answer` (the lines before the
 * error step) and write a correct remainder from the error step on.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../../codecs/critique.js";
import { prefixBefore } from "../steps.js";
import type { ParseError } from "../task.js";
import { parseRationale } from "./rationale.js";
import { partition, type Partition, questionExpression, rationaleLines } from "./solve.js";

/**
 * The partition to continue from: the attempt's own step (1) when it is kept and names groups that
 * put back give the question's expression, otherwise the question's canonical partition.
 */
function partitionToKeep(expression: string, kept: readonly string[]): Partition {
  const first = kept[0];
  if (first === undefined) return partition(expression);
  const parsed = parseRationale(`${first}\n(Final response) So the answer is 0.`);
  if (E.isLeft(parsed)) return partition(expression);
  const step = parsed.right.steps[0];
  if (step?.kind !== "partition" || step.groups.length === 0) return partition(expression);
  let restored = step.expression;
  for (const { letter, group } of step.groups) restored = restored.split(letter).join(group);
  return restored === expression ? { expression: step.expression, groups: step.groups } : partition(expression);
}

/**
 * A new attempt after an error verdict: the attempt's lines before the error step, unchanged,
 * then the correct steps from the error step on (recomputed from the question, numbered by
 * position, ending with the final response). A correct verdict returns the attempt as it is.
 *
 * @example
 * ```ts
 * const updated = improveAttempt(question, wrongAttempt, verdict);
 * assertEquals(critiqueAttempt(question, updated.right).right.correct, true);
 * ```
 */
export function improveAttempt(question: string, attempt: string, verdict: Verdict): E.Either<ParseError, string> {
  if (verdict.correct || verdict.errorStep === null) return E.right(attempt);
  const prefix = prefixBefore(attempt, verdict.errorStep);
  const kept = prefix === "" ? [] : prefix.split("\n");
  const expression = questionExpression(question);
  const lines = rationaleLines(expression, partitionToKeep(expression, kept));
  if (E.isLeft(lines)) return lines;
  const all = lines.right;
  const remainder = kept.length < all.length ? all.slice(kept.length) : all.slice(-1);
  return E.right([...kept, ...remainder].join("\n"));
}
