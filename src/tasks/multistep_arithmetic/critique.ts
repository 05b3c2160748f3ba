/**
 * The scripted FBK of multistep arithmetic: the official `MSA_Verifier` (`tripost.md` §5.1) rule
 * for rule, written over our safe evaluator instead of Python's `eval`.
 *
 * Lines are checked in document order, the `(Final response)` line last; each line runs its checks
 * in the official order and the first failing check gives the feedback:
 *
 * - "This equation can be written as" → PARTITION;
 * - "Let's calculate" → CALCULATE;
 * - "the final equation is" → COMBINE, then CALCULATE;
 * - "So the answer is" → FINAL.
 *
 * Where the official verifier raises (and the editor sees `[ERROR]`), this returns a `Left`: a
 * numbered line that does not match `^\((\d+)\) \w.+`, a line of no known kind, a last line without
 * "Final response", no numbered line at all, a checked line not ending in ".", a partition with
 * fewer than two groups or a letter it cannot place, an unevaluable substituted partition, and the
 * like (each is named in the `Left`'s message).
 *
 * One addition of ours, after all official checks pass: if the final answer is not the question's
 * value (possible when an attempt skips the final equation or adds steps after it), the verdict
 * is an error in `(Final response)` with the reason "this answer is inconsistent with the question
 * statement". The official verifier would call such an attempt correct; the official editor then
 * drops it for its wrong answer. With the addition, FBK never calls a wrong answer correct.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../../codecs/critique.js";
import { correctFeedback, errorFeedback } from "../feedback.js";
import type { ParseError } from "../task.js";
import { evaluateValue, isCapital, parseInteger, sameValue, type Value } from "./expression.js";

const STEP = /^\((\d+)\) [\p{L}\p{N}_]./su;
const QUESTION = /\((.*)\) =/;
const IS_PARTITION = /this equation can be written as/i;
const IS_CALCULATE = /let's calculate/i;
const IS_FINAL_EQUATION_LOWER = /final equation is/i;
const CALCULATE_PART = /calculate [A-Z] = (.+)\./s;
const FINAL_EQUATION_PART = /final equation is (.+)\./s;
const ANSWER = /the answer is (-?\d+)\./;
const ENTITY = /([A-Z]) = (\([^a-zA-Z]+\))/g;
const WRITTEN_AS = /can be written as "(.*)",/s;

const Kind = { Partition: 0, Calculate: 1, FinalEquation: 2, Final: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** A failing check: where, what, and why (the official `err_step`, `incorrect_segment`, `reason`). */
interface Finding {
  readonly index: number;
  readonly segment: string;
  readonly reason: string;
}

class Invalid {
  constructor(readonly message: string) {}
}

type Outcome = Finding | Invalid | undefined;

function kindOf(line: string): Kind | undefined {
  if (IS_PARTITION.test(line)) return Kind.Partition;
  if (IS_CALCULATE.test(line)) return Kind.Calculate;
  if (line.includes("the final equation is")) return Kind.FinalEquation;
  if (line.includes("So the answer is")) return Kind.Final;
  return undefined;
}

/** The equation chain of a "Let's calculate" or "final equation" line (`__get_equation_part_to_verify`). */
function equationPart(line: string): string | undefined {
  if (IS_CALCULATE.test(line)) return CALCULATE_PART.exec(line)?.[1];
  if (IS_FINAL_EQUATION_LOWER.test(line)) return FINAL_EQUATION_PART.exec(line)?.[1];
  return undefined;
}

/** Whether a character code is whitespace as Python's `str.strip()` sees it (ASCII and the usual Unicode spaces). */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0x85;
}

/**
 * The chain's parts, stripped, without empty parts and parts holding a capital letter (the
 * verifier's `split("=")` filter), scanned in place without intermediate arrays.
 */
function checkedParts(part: string): string[] {
  const parts: string[] = [];
  let start = 0;
  const length = part.length;
  while (start <= length) {
    let end = part.indexOf("=", start);
    if (end < 0) end = length;
    let from = start;
    let to = end;
    while (from < to && isSpace(part.charCodeAt(from))) from++;
    while (to > from && isSpace(part.charCodeAt(to - 1))) to--;
    if (to > from) {
      let capital = false;
      for (let at = from; at < to; at++) {
        if (isCapital(part.charCodeAt(at))) {
          capital = true;
          break;
        }
      }
      if (!capital) parts.push(part.slice(from, to));
    }
    start = end + 1;
  }
  return parts;
}

/** The id of a numbered line by the verifier's `^\((\d+)\) \w.+`, or `undefined`. */
function stepId(line: string): string | undefined {
  if (line.charCodeAt(0) !== 40) return undefined;
  let at = 1;
  while (at < line.length) {
    const code = line.charCodeAt(at);
    if (code < 48 || code > 57) break;
    at++;
  }
  if (at === 1 || line.charCodeAt(at) !== 41 || line.charCodeAt(at + 1) !== 32) return undefined;
  const first = line.charCodeAt(at + 2);
  const ascii = (first >= 48 && first <= 57) || (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95;
  if (line.length < at + 4) return undefined;
  if (!ascii && !STEP.test(line)) return undefined;
  return line.slice(1, at);
}

function invalidEquation(index: number, equation: string): Finding {
  let open = 0;
  let close = 0;
  for (let at = 0; at < equation.length; at++) {
    const code = equation.charCodeAt(at);
    if (code === 40) open++;
    else if (code === 41) close++;
  }
  const extra = open !== close ? " as the number of left and right brackets do not match" : "";
  return { index, segment: equation, reason: `it is an invalid equation${extra}` };
}

class Check {
  constructor(
    readonly lines: readonly string[],
    readonly ids: readonly string[],
    readonly entities: string,
    readonly truth: Value,
  ) {}

  partition(index: number, line: string): Outcome {
    const entities: Array<[string, string]> = [];
    ENTITY.lastIndex = 0;
    for (let match = ENTITY.exec(line); match !== null; match = ENTITY.exec(line)) entities.push([match[1] ?? "", match[2] ?? ""]);
    if (entities.length < 2) return new Invalid("Cannot check the partition as it names fewer than two groups");
    const written = WRITTEN_AS.exec(line);
    if (written === null) return new Invalid("Cannot check the partition as its expression is not quoted");
    let expression = written[1] ?? "";
    for (const [letter, group] of entities) {
      if (!expression.includes(letter)) {
        return new Invalid(`Cannot check the partition as ${letter} is not in its expression: current value is ${expression}`);
      }
      expression = expression.replaceAll(letter, group);
    }
    const value = evaluateValue(expression);
    if (value === undefined) return new Invalid(`Cannot check the partition as it does not evaluate: current value is ${expression}`);
    if (!sameValue(value, this.truth)) {
      return { index, segment: line.slice(4).trim(), reason: `it is not consistent with the original equation: ${this.entities}` };
    }
    return undefined;
  }

  calculate(index: number, line: string): Outcome {
    const part = equationPart(line);
    if (part === undefined) return new Invalid(`Cannot check the calculation as its equations are not found: current value is ${line}`);
    const parts = checkedParts(part);
    if (parts.length < 2) return undefined;
    let left = parts[0] ?? "";
    let leftValue = evaluateValue(left);
    if (leftValue === undefined) return invalidEquation(index, left);
    for (let at = 1; at < parts.length; at++) {
      const right = parts[at] ?? "";
      const rightValue = evaluateValue(right);
      if (rightValue === undefined) return invalidEquation(index, right);
      if (!sameValue(leftValue, rightValue)) {
        return { index, segment: `${left} = ${right}`, reason: `there is an calculation error, since ${left} is not equal to ${right}` };
      }
      left = right;
      leftValue = rightValue;
    }
    return undefined;
  }

  combine(index: number, line: string): Outcome {
    const part = equationPart(line);
    if (part === undefined) return new Invalid(`Cannot check the final equation as its equations are not found: current value is ${line}`);
    const firstEquals = part.indexOf("=");
    if (firstEquals < 0) return new Invalid(`Cannot check the final equation as it has no substitution: current value is ${line}`);
    const secondEquals = part.indexOf("=", firstEquals + 1);
    const letters = part.slice(0, firstEquals).trim();
    const substituted = part.slice(firstEquals + 1, secondEquals < 0 ? part.length : secondEquals).trim();
    const variables: string[] = [];
    for (let at = 0; at < letters.length; at++) {
      if (isCapital(letters.charCodeAt(at))) variables.push(letters[at] ?? "");
    }
    if (variables.length === 0) return new Invalid(`Cannot check the final equation as it names no group: current value is ${line}`);
    // Walk back through the earlier lines; an earlier calculation of a letter overrides a later one.
    const found = new Map<string, string>();
    const needles: string[] = [];
    for (const variable of variables) needles.push(`calculate ${variable} = `);
    for (let previous = index - 1; previous >= 0; previous--) {
      const earlier = this.lines[previous] ?? "";
      if (!earlier.includes("calculate ")) continue;
      for (let at = 0; at < variables.length; at++) {
        const variable = variables[at] ?? "";
        if (!earlier.includes(needles[at] ?? "")) continue;
        const earlierPart = equationPart(earlier);
        if (earlierPart === undefined) return new Invalid(`Cannot read the result of ${variable}: current value is ${earlier}`);
        const result = checkedParts(earlierPart).at(-1);
        if (result === undefined) return new Invalid(`Cannot read the result of ${variable}: current value is ${earlier}`);
        found.set(variable, result);
      }
    }
    for (const variable of variables) {
      if (!found.has(variable)) {
        return { index, segment: `${letters} = ${substituted}`, reason: `${variable} has not been calculated in previous steps` };
      }
    }
    let expected = letters;
    for (const [variable, value] of found) expected = expected.replaceAll(variable, value);
    const expectedValue = evaluateValue(expected);
    if (expectedValue === undefined) return invalidEquation(index, expected);
    const substitutedValue = evaluateValue(substituted);
    if (substitutedValue === undefined) return invalidEquation(index, substituted);
    if (!sameValue(expectedValue, substitutedValue)) {
      return {
        index,
        segment: `${letters} = ${substituted}`,
        reason: "this substitution is incosistent with the results in the previous steps",
      };
    }
    if (!sameValue(substitutedValue, this.truth)) {
      return { index, segment: letters, reason: "this equation is inconsistent with the question statement" };
    }
    return undefined;
  }

  final(index: number, line: string): Outcome {
    const match = ANSWER.exec(line);
    if (match === null) return new Invalid(`Cannot check the final response as it gives no integer answer: current value is ${line}`);
    const answer = parseInteger(match[1] ?? "");
    if (answer === undefined) return new Invalid(`Cannot read the answer: current value is ${line}`);
    if (index === 0) return new Invalid("Cannot check the final response as no step comes before it");
    const previousLine = this.lines[index - 1] ?? "";
    const part = equationPart(previousLine);
    if (part === undefined) return new Invalid(`Cannot check the final response as the step before it has no equation: current value is ${previousLine}`);
    const last = checkedParts(part).at(-1);
    const result = last === undefined ? undefined : parseInteger(last);
    if (result === undefined) return new Invalid(`Cannot check the final response as the step before it ends in no integer: current value is ${previousLine}`);
    if (!sameValue(answer, result)) {
      return {
        index,
        segment: `the answer is ${String(answer)}.`,
        reason: `this answer is inconsistent with the result in step (${this.ids[index - 1] ?? ""})`,
      };
    }
    return undefined;
  }

  run(kind: Kind, index: number, line: string): Outcome {
    switch (kind) {
      case Kind.Partition:
        return this.partition(index, line);
      case Kind.Calculate:
        return this.calculate(index, line);
      case Kind.FinalEquation:
        return this.combine(index, line) ?? this.calculate(index, line);
      case Kind.Final:
        return this.final(index, line);
    }
  }
}

function invalid(line: number, message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line, message });
}

/**
 * The scripted FBK's verdict on an attempt (numbered steps and the `(Final response)` line), or a
 * `Left` where the official verifier gives `[ERROR]`. `answer`, when given, must agree with the
 * question (the official verifier asserts it).
 *
 * @example The example of `tripost.md` §2.1
 * ```ts
 * const verdict = critiqueAttempt("((-2 - -3 * -7) - (-5 * -4 - 2)) =", attempt);
 * assertEquals(verdict.right.errorStep, "2");
 * ```
 */
export function critiqueAttempt(question: string, attempt: string, answer?: string): E.Either<ParseError, Verdict> {
  const critic = createCritic(question, answer);
  return E.isLeft(critic) ? critic : critic.right(attempt);
}

/**
 * A critic for many attempts at one question: the question is read and checked once, then each
 * call judges one attempt exactly as {@linkcode critiqueAttempt} does. The fast path for judging
 * many attempts (for example a benchmark's loop).
 *
 * @example
 * ```ts
 * const critic = createCritic("((1 + 2) * (3 - 4)) =", "-3");
 * assertEquals(E.isRight(critic) && critic.right(goldRationale).right.correct, true);
 * ```
 */
export function createCritic(question: string, answer?: string): E.Either<ParseError, (attempt: string) => E.Either<ParseError, Verdict>> {
  const entities = QUESTION.exec(question)?.[1];
  if (entities === undefined) return invalid(0, `Cannot critique as the question has no expression: current value is ${question}`);
  const truth = evaluateValue(entities);
  if (truth === undefined) return invalid(0, `Cannot critique as the question does not evaluate: current value is ${question}`);
  if (answer !== undefined) {
    const gold = parseInteger(answer.trim());
    if (gold === undefined || !sameValue(gold, truth)) {
      return invalid(0, `Cannot critique as the answer disagrees with the question: current value is ${answer}`);
    }
  }
  return E.right((attempt) => judge(entities, truth, attempt));
}

function judge(entities: string, truth: Value, attempt: string): E.Either<ParseError, Verdict> {
  const lines = attempt.split("\n");
  const count = lines.length - 1;
  const last = lines[count] ?? "";
  if (!last.includes("Final response")) return invalid(count + 1, "Cannot critique as the last line is not the final response");
  if (count === 0) return invalid(1, "Cannot critique as the attempt has no numbered step");
  const ids: string[] = new Array<string>(count);
  const kinds: Kind[] = new Array<Kind>(count + 1);
  for (let index = 0; index < count; index++) {
    const line = lines[index] ?? "";
    const id = stepId(line);
    if (id === undefined) return invalid(index + 1, `Cannot critique as the line has no step id: current value is ${line}`);
    const kind = kindOf(line.endsWith(".") ? line : `${line}.`);
    if (kind === undefined) return invalid(index + 1, `Cannot critique as the step is of no known kind: current value is ${line}`);
    ids[index] = id;
    kinds[index] = kind;
  }
  const finalKind = kindOf(last.endsWith(".") ? last : `${last}.`);
  if (finalKind === undefined) return invalid(count + 1, `Cannot critique as the final response is of no known kind: current value is ${last}`);
  kinds[count] = finalKind;

  const check = new Check(lines, ids, entities, truth);
  for (let index = 0; index <= count; index++) {
    const line = lines[index] ?? "";
    if (!line.endsWith(".")) return invalid(index + 1, `Cannot critique as the step does not end with a period: current value is ${line}`);
    const outcome = check.run(kinds[index] ?? Kind.Final, index, line);
    if (outcome instanceof Invalid) return invalid(index + 1, outcome.message);
    if (outcome !== undefined) return toVerdict(outcome, ids, count);
  }
  const given = ANSWER.exec(last)?.[1];
  const givenValue = given === undefined ? undefined : parseInteger(given);
  if (givenValue === undefined || !sameValue(givenValue, truth)) {
    const segment = givenValue === undefined ? last.replace(/^\(Final response\)\s*/, "") : `the answer is ${String(givenValue)}.`;
    return toVerdict({ index: count, segment, reason: "this answer is inconsistent with the question statement" }, ids, count);
  }
  const feedback = correctFeedback(ids[count - 1] ?? "1", "scripted");
  return E.right({ correct: true, errorStep: null, errorSegment: null, feedback });
}

function toVerdict(finding: Finding, ids: readonly string[], count: number): E.Either<ParseError, Verdict> {
  const errorStep = finding.index === count ? "Final response" : (ids[finding.index] ?? "");
  let previousStep: string | null = null;
  if (errorStep !== "1") {
    if (finding.index === 0) return invalid(1, "Cannot word the feedback as the first line is not step (1)");
    previousStep = ids[finding.index - 1] ?? null;
  }
  const feedback = errorFeedback({ previousStep, errorStep, segment: finding.segment, reason: finding.reason }, "scripted");
  return E.right({ correct: false, errorStep, errorSegment: finding.segment, feedback });
}
