/**
 * The gold solver of multistep arithmetic: the official rationale text (`tripost.md` §2.1,
 * `get_rationale.py::solve`) byte for byte, including its quirks:
 *
 * - step (1) names the innermost groups A, B, C, … in order and replaces every occurrence of a
 *   group's text by its letter (two identical groups both become the first letter);
 * - a group is fully parenthesised (every binary operation in parentheses, respecting precedence),
 *   then reduced in passes: each pass finds all innermost `(a op b)` of the current text and
 *   replaces them one at a time, left to right, writing the text after each replacement (every
 *   occurrence of that text is replaced, so a repeated group shows an unchanged step);
 * - the final equation substitutes the values into the letter expression and reduces it the same way.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { ParseError } from "../task.js";
import { evaluateValue, parseExpression, printFull } from "./expression.js";

/** The letters that name innermost groups, in order. */
export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** One innermost group: its letter and its text with parentheses, e.g. `{ letter: "A", group: "(-2 - -3 * -7)" }`. */
export interface NamedGroup {
  readonly letter: string;
  readonly group: string;
}

/** A question split into its letter expression and its named innermost groups. */
export interface Partition {
  /** The expression with each group replaced by its letter, e.g. `(A - B)`. */
  readonly expression: string;
  readonly groups: readonly NamedGroup[];
}

const INNERMOST = /\([^()]+\)/g;

function parseError(message: string): ParseError {
  return { type: "parse-error", line: 0, message };
}

/** The expression of a question: the text before its closing ` =` (`((1 + 2) * (3 - 4)) =` → `((1 + 2) * (3 - 4))`). */
export function questionExpression(question: string): string {
  return question.replace(/\s*=\s*$/, "").trim();
}

/**
 * The partition of step (1): the innermost groups in order, each named by the next letter, and the
 * expression with every occurrence of each group's text replaced by its letter.
 */
export function partition(expression: string): Partition {
  const found = expression.match(INNERMOST) ?? [];
  let substituted = expression;
  const groups: NamedGroup[] = [];
  found.forEach((group, index) => {
    const letter = LETTERS[index] ?? "?";
    substituted = substituted.split(group).join(letter);
    groups.push({ letter, group });
  });
  return { expression: substituted, groups };
}

/** The text of step (1) after its id: `This equation can be written as "(A - B)", where A = (…) and B = (…).` */
export function renderPartition(value: Partition): string {
  let step = `This equation can be written as "${value.expression}", where`;
  const count = value.groups.length;
  value.groups.forEach(({ letter, group }, index) => {
    step += ` ${letter} = ${group}`;
    if (index === count - 2) step += " and";
    else if (index < count - 2) step += ",";
  });
  return `${step}.`;
}

/**
 * The reduction chain of an expression, pass by pass (see the module notes): the text after each
 * replacement of an innermost group by its value. The last element is the value; an expression
 * without parentheses gives `[]`.
 *
 * @example
 * ```ts
 * assertEquals(reductionChain("((1 - -7) + (-3 * 2))"), ["(8 + (-3 * 2))", "(8 + -6)", "2"]);
 * ```
 */
export function reductionChain(expression: string): string[] {
  const steps: string[] = [];
  let current = expression;
  for (;;) {
    const groups = current.match(INNERMOST);
    if (groups === null) return steps;
    for (const group of groups) {
      const value = evaluateValue(group);
      if (value === undefined) return steps;
      current = current.split(group).join(String(value));
      steps.push(current);
    }
    const reparsed = parseExpression(current);
    if (E.isLeft(reparsed)) return steps;
    current = printFull(reparsed.right);
  }
}

/** The text of a "Let's calculate" step after its id, and the group's value. */
export function renderCalculate(letter: string, group: string): { text: string; value: string } | undefined {
  const inner = group.startsWith("(") && group.endsWith(")") ? group.slice(1, -1) : group;
  const tree = parseExpression(inner);
  if (E.isLeft(tree)) return undefined;
  const full = printFull(tree.right);
  const chain = [group, full, ...reductionChain(full)];
  const value = evaluateValue(full);
  if (value === undefined) return undefined;
  return { text: `Let's calculate ${letter} = ${chain.join(" = ")}.`, value: String(value) };
}

/**
 * The text of the "final equation" step after its id: the letter expression, then the values
 * substituted (every occurrence of each letter, in the order given), then its reduction chain.
 */
export function renderFinalEquation(expression: string, values: ReadonlyArray<readonly [string, string]>): string {
  let substituted = expression;
  for (const [letter, value] of values) substituted = substituted.split(letter).join(value);
  const chain = [expression, substituted, ...reductionChain(substituted)];
  return `Then, the final equation is ${chain.join(" = ")}.`;
}

/**
 * The official rationale lines for a partition of a question (step (1), one step per group, the
 * final equation, the final response), or a `Left` when a group or the question does not parse.
 */
export function rationaleLines(expression: string, value: Partition): E.Either<ParseError, string[]> {
  const lines = [`(1) ${renderPartition(value)}`];
  const values: Array<readonly [string, string]> = [];
  for (const [index, { letter, group }] of value.groups.entries()) {
    const step = renderCalculate(letter, group);
    if (step === undefined) return E.left(parseError(`Cannot solve as a group is invalid: current value is ${group}`));
    lines.push(`(${index + 2}) ${step.text}`);
    values.push([letter, step.value]);
  }
  lines.push(`(${value.groups.length + 2}) ${renderFinalEquation(value.expression, values)}`);
  const answer = evaluateValue(expression);
  if (answer === undefined) return E.left(parseError(`Cannot solve as the question is invalid: current value is ${expression}`));
  lines.push(`(Final response) So the answer is ${String(answer)}.`);
  return E.right(lines);
}

/**
 * The gold rationale of a question (`… =` or the bare expression), or a `Left` when the question
 * is not an arithmetic expression with parenthesised groups.
 *
 * @example The example of `tripost.md` §2.1
 * ```ts
 * assertEquals(solveQuestion("((-2 - -3 * -7) - (-5 * -4 - 2)) ="), E.right([
 *   '(1) This equation can be written as "(A - B)", where A = (-2 - -3 * -7) and B = (-5 * -4 - 2).',
 *   "(2) Let's calculate A = (-2 - -3 * -7) = (-2 - (-3 * -7)) = (-2 - 21) = -23.",
 *   "(3) Let's calculate B = (-5 * -4 - 2) = ((-5 * -4) - 2) = (20 - 2) = 18.",
 *   "(4) Then, the final equation is (A - B) = (-23 - 18) = -41.",
 *   "(Final response) So the answer is -41.",
 * ].join("\n")));
 * ```
 */
export function solveQuestion(question: string): E.Either<ParseError, string> {
  const expression = questionExpression(question);
  const value = partition(expression);
  if (value.groups.length === 0) {
    return E.left(parseError(`Cannot solve as the question has no parenthesised group: current value is ${question}`));
  }
  const lines = rationaleLines(expression, value);
  return E.isLeft(lines) ? lines : E.right(lines.right.join("\n"));
}
