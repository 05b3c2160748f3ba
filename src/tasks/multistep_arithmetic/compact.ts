/**
 * The compact format of multistep arithmetic, for the tiny character-level student (`student.md`).
 *
 * It carries the official structure line for line, written short:
 *
 * ```
 * question  ((-5+9)*(3--2))=          the official question without spaces
 * attempt   -5+9=4                    step (2): Let's calculate A = (-5 + 9) = (-5 + 9) = 4.
 *           3--2=5                    step (3): Let's calculate B = (3 - -2) = (3 - -2) = 5.
 *           4*5=20                    step (4): Then, the final equation is (A * B) = (4 * 5) = 20.
 *           A:20                      (Final response) So the answer is 20.
 * feedback  F:ok                      the final response is also correct
 *           F:3:3--2=4                an error in step (3), segment "(3 - -2) = 4"
 * ```
 *
 * - Step (1), the partition, is implicit: it is always the question's own partition (the solver's
 *   step (1)), so compact line `j` is official step `j + 1` and `A:` is `(Final response)`.
 * - Every line before `A:` but the last is a "Let's calculate" step of the next letter (A, B, …);
 *   its first part is the group as in the question (official: the group, then its fully
 *   parenthesised form), the rest is the reduction chain. The last line before `A:` is the final
 *   equation without its letter expression (official: the letter expression, then the chain); an
 *   empty line there is a final equation with no chain.
 * - Expressions are written without spaces and with only the parentheses the tree needs
 *   (`8+-3*2` for `(8 + (-3 * 2))`, `8-(17-2)` for `(8 - (17 - 2))`); a group's first part keeps
 *   the question's tokens (`-2--3*-7`). A `-` directly before digits is a negative number.
 * - Feedback: `F:ok`, or `F:<step>:<segment>` with the official step id (`A` for the final
 *   response) and the error segment in compact spelling ({@linkcode compactSegment}).
 *
 * Characters: `0-9 + - * ( ) = A : F o k` and the newline (22 symbols).
 *
 * Conversions are exact: `fromTripost(toTripost(c)) = c` for every compact attempt `toTripost`
 * accepts, and `toTripost(fromTripost(t)) = t` for every official attempt `fromTripost` accepts.
 * `fromTripost` accepts the attempts the compact format can express (the canonical step (1),
 * sequential ids, calculations of A, B, … in order, the final equation last, every expression in
 * the canonical spelling), wrong values included; anything else is a `Left`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../../codecs/critique.js";
import type { Problem } from "../../codecs/problem.js";
import type { CompactFormat, FeedbackClaim, ParseError } from "../task.js";
import { type Expression, hasCapital, parseExpression, printFull, printMinimal, respell } from "./expression.js";
import { parseRationale, type RationaleStep, renderRationale } from "./rationale.js";
import { LETTERS, partition, questionExpression, renderPartition } from "./solve.js";

function failure(line: number, message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line, message });
}

function isPlain(tree: Expression): boolean {
  if (tree.kind === "num") return true;
  if (tree.kind === "bin") return isPlain(tree.left) && isPlain(tree.right);
  return false;
}

/** A compact expression (minimal spelling, no spaces) → its tree, or `undefined`. */
function compactTree(text: string): Expression | undefined {
  const tree = parseExpression(text, { spaces: false });
  if (E.isLeft(tree) || !isPlain(tree.right) || printMinimal(tree.right) !== text) return undefined;
  return tree.right;
}

/** An official, fully parenthesised expression → its tree, or `undefined`. */
function officialTree(text: string): Expression | undefined {
  const tree = parseExpression(text);
  if (E.isLeft(tree) || !isPlain(tree.right) || printFull(tree.right) !== text) return undefined;
  return tree.right;
}

/** The compact prompt: the question without spaces, then a newline (`((-5+9)*(3--2))=\n`). */
export function compactPrompt(problem: Problem): string {
  return `${problem.question.replace(/\s+/g, "")}\n`;
}

/**
 * A compact attempt in the official format (numbered steps and the final response), or a `Left`
 * naming the compact line (1-based) that does not parse.
 *
 * @example
 * ```ts
 * assertEquals(compactToTripost("((-5 + 9) * (3 - -2)) =", "-5+9=4\n3--2=5\n4*5=20\nA:20"), E.right([
 *   '(1) This equation can be written as "(A * B)", where A = (-5 + 9) and B = (3 - -2).',
 *   "(2) Let's calculate A = (-5 + 9) = (-5 + 9) = 4.",
 *   "(3) Let's calculate B = (3 - -2) = (3 - -2) = 5.",
 *   "(4) Then, the final equation is (A * B) = (4 * 5) = 20.",
 *   "(Final response) So the answer is 20.",
 * ].join("\n")));
 * ```
 */
export function compactToTripost(question: string, attempt: string): E.Either<ParseError, string> {
  const expression = questionExpression(question);
  const canonical = partition(expression);
  const lines = attempt.split("\n");
  const last = lines[lines.length - 1] ?? "";
  if (!last.startsWith("A:")) return failure(lines.length, `Cannot read the compact attempt as its last line is not 'A:': current value is ${last}`);
  const body = lines.slice(0, -1);
  const steps: RationaleStep[] = [{ kind: "partition", id: "1", expression: canonical.expression, groups: canonical.groups }];
  for (const [index, line] of body.entries()) {
    const id = String(index + 2);
    const isFinal = index === body.length - 1;
    const parts = line === "" && isFinal ? [] : line.split("=");
    const chain: string[] = [];
    for (const [position, part] of parts.entries()) {
      if (position === 0 && !isFinal) {
        const tree = parseExpression(part, { spaces: false });
        const spaced = respell(part, true);
        if (E.isLeft(tree) || !isPlain(tree.right) || spaced === undefined) {
          return failure(index + 1, `Cannot read the compact group as it is invalid: current value is ${part}`);
        }
        chain.push(`(${spaced})`, printFull(tree.right));
        continue;
      }
      const tree = compactTree(part);
      if (tree === undefined) return failure(index + 1, `Cannot read the compact expression as it is not canonical: current value is ${part}`);
      chain.push(printFull(tree));
    }
    if (isFinal) {
      steps.push({ kind: "final-equation", id, chain: [canonical.expression, ...chain] });
    } else {
      const letter = LETTERS[index];
      if (letter === undefined) return failure(index + 1, "Cannot read the compact attempt as it has too many lines");
      steps.push({ kind: "calculate", id, letter, chain });
    }
  }
  return E.right(renderRationale({ steps, answer: last.slice(2) }));
}

/** An official attempt in compact form, or a `Left` when the compact format cannot express it. */
export function tripostToCompact(question: string, attempt: string): E.Either<ParseError, string> {
  const parsed = parseRationale(attempt);
  if (E.isLeft(parsed)) return parsed;
  const expression = questionExpression(question);
  const canonical = partition(expression);
  const [first, ...rest] = parsed.right.steps;
  if (first === undefined || first.kind !== "partition" || first.id !== "1" || renderPartition(first) !== renderPartition(canonical)) {
    return failure(1, "Cannot write the attempt in compact form as its step (1) is not the question's partition");
  }
  const out: string[] = [];
  for (const [index, step] of rest.entries()) {
    const line = index + 2;
    if (step.id !== String(line)) return failure(line, `Cannot write the attempt in compact form as its step ids are not sequential: current value is ${step.id}`);
    const isFinal = index === rest.length - 1;
    if (isFinal) {
      if (step.kind !== "final-equation" || step.chain[0] !== canonical.expression) {
        return failure(line, "Cannot write the attempt in compact form as its last step is not the question's final equation");
      }
      const parts: string[] = [];
      for (const part of step.chain.slice(1)) {
        const tree = officialTree(part);
        if (tree === undefined) return failure(line, `Cannot write the expression in compact form: current value is ${part}`);
        parts.push(printMinimal(tree));
      }
      out.push(parts.join("="));
      continue;
    }
    if (step.kind !== "calculate" || step.letter !== LETTERS[index] || step.chain.length < 2) {
      return failure(line, `Cannot write the attempt in compact form as step (${line}) is not the calculation of ${LETTERS[index] ?? "?"}`);
    }
    const group = step.chain[0] ?? "";
    const inner = group.startsWith("(") && group.endsWith(")") ? group.slice(1, -1) : undefined;
    const tree = inner === undefined ? undefined : parseExpression(inner);
    if (inner === undefined || tree === undefined || E.isLeft(tree) || !isPlain(tree.right) || respell(inner, true) !== inner) {
      return failure(line, `Cannot write the group in compact form: current value is ${group}`);
    }
    if (step.chain[1] !== printFull(tree.right)) {
      return failure(line, `Cannot write the step in compact form as its second part is not the parenthesised group: current value is ${step.chain[1] ?? ""}`);
    }
    const parts = [respell(inner, false) ?? ""];
    for (const part of step.chain.slice(2)) {
      const reduced = officialTree(part);
      if (reduced === undefined) return failure(line, `Cannot write the expression in compact form: current value is ${part}`);
      parts.push(printMinimal(reduced));
    }
    out.push(parts.join("="));
  }
  if (parsed.right.answer.includes("\n")) return failure(0, "Cannot write the answer in compact form");
  out.push(`A:${parsed.right.answer}`);
  return E.right(out.join("\n"));
}

const ANSWER_SEGMENT = /^the answer is (.*)\.$/s;

/**
 * An official error segment in compact spelling: `the answer is N.` → `A:N`; otherwise the parts
 * between `=` without those holding a capital letter (letters are implicit in compact), each in
 * compact spelling when it parses (spaces dropped otherwise), joined by `=`.
 *
 * @example
 * ```ts
 * assertEquals(compactSegment("(-2 - (-3 * -7)) = (-2 - -21)"), "-2--3*-7=-2--21");
 * ```
 */
export function compactSegment(segment: string): string {
  const answer = ANSWER_SEGMENT.exec(segment.trim());
  if (answer !== null) return `A:${answer[1] ?? ""}`;
  const parts: string[] = [];
  for (const piece of segment.split("=")) {
    const trimmed = piece.trim();
    if (trimmed === "" || hasCapital(trimmed)) continue;
    const tree = parseExpression(trimmed);
    parts.push(E.isRight(tree) && isPlain(tree.right) ? printMinimal(tree.right) : trimmed.replace(/\s+/g, ""));
  }
  return parts.join("=");
}

/** A verdict as one compact feedback line: `F:ok`, or `F:<step id or A>:<compact segment>`. */
export function renderCompactFeedback(verdict: Verdict): string {
  if (verdict.correct) return "F:ok";
  const step = verdict.errorStep === "Final response" ? "A" : (verdict.errorStep ?? "");
  const segment = verdict.errorSegment === null ? "" : compactSegment(verdict.errorSegment);
  return `F:${step}:${segment.replace(/\n/g, "")}`;
}

const FEEDBACK = /^F:(\d+|A):(.*)$/s;

/**
 * What a compact feedback line claims: `F:ok` is correct; `F:<step>:<segment>` names the official
 * step id (`A` → `Final response`) and the segment in compact spelling. Anything else is a `Left`.
 */
export function parseCompactFeedback(line: string): E.Either<ParseError, FeedbackClaim> {
  if (line === "F:ok") return E.right({ correct: true, errorStep: null, errorSegment: null });
  const match = line.includes("\n") ? null : FEEDBACK.exec(line);
  if (match === null) return failure(1, `Cannot read the compact feedback: current value is ${line}`);
  const step = match[1] === "A" ? "Final response" : (match[1] ?? "");
  return E.right({ correct: false, errorStep: step, errorSegment: match[2] ?? "" });
}

const STEP_LINE = /^[0-9+\-*()][0-9+\-*()=]*$/;

/**
 * The repeat key of a compact step line: the line itself (compact steps carry no id), when it is
 * written in the step alphabet (`0-9 + - * ( ) =`) and does not end with `=`; `undefined`
 * otherwise: a blank line, a line with a letter or `:` (junk after the answer: `:::-1`), or a
 * question (`((1+2)*3)=`, a hallucinated next problem, which the official cleaning cuts at its `Q:`).
 */
export function compactStepKey(line: string): string | undefined {
  return STEP_LINE.test(line) && !line.endsWith("=") ? line : undefined;
}

/** The official final response of a compact answer line: `A:20` → `(Final response) So the answer is 20.` */
export function compactFinalResponse(line: string): string | undefined {
  return line.startsWith("A:") ? `(Final response) So the answer is ${line.slice(2)}.` : undefined;
}

/**
 * How many compact lines come before official step `step`: step (1), the implicit partition, has
 * none before it; step `k ≥ 2` is compact line `k - 1`, so `k - 2` lines precede it, when the
 * attempt has that step line (not its answer line). `undefined` otherwise.
 */
export function compactLinesBefore(lines: readonly string[], step: string): number | undefined {
  if (!/^[1-9]\d*$/.test(step)) return undefined;
  const stepLines = lines.at(-1)?.startsWith("A:") === true ? lines.length - 1 : lines.length;
  const before = Number(step) - 2;
  if (before < 0) return 0;
  return before < stepLines ? before : undefined;
}

/** The compact format of multistep arithmetic (see the module notes). */
export const compactFormat: CompactFormat = {
  prompt: compactPrompt,
  fromTripost: (problem, attempt) => tripostToCompact(problem.question, attempt),
  toTripost: (problem, attempt) => compactToTripost(problem.question, attempt),
  renderFeedback: renderCompactFeedback,
  parseFeedback: parseCompactFeedback,
  stepKey: compactStepKey,
  finalResponse: compactFinalResponse,
  linesBefore: compactLinesBefore,
};
