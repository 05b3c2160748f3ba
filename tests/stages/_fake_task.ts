/**
 * A small fake Task for the stage tests: "chain sums" such as `3 + 5 + -2 =`, with a scripted
 * FBK and IMP in the official wording and a compact format, so the editing rules can be tested
 * on hand-written trajectories before (and independently of) the real tasks.
 *
 * Official rationale:
 * ```
 * (1) Let's add 3 + 5 = 8.
 * (2) Let's add 8 + -2 = 6.
 * (Final response) So the answer is 6.
 * ```
 * Compact rationale: `3+5=8\n8+-2=6\nA:6`; compact feedback `F: ok` or `F: <step|A> <part>`.
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../../src/codecs/critique.js";
import type { Problem } from "../../src/codecs/problem.js";
import { correctFeedback, errorFeedback } from "../../src/tasks/feedback.js";
import { prefixBefore, splitSteps } from "../../src/tasks/steps.js";
import type { CompactFormat, FeedbackClaim, ParseError, Task } from "../../src/tasks/task.js";
import { createPrng } from "../../src/util/prng.js";

function parseError(message: string, line = 0): ParseError {
  return { type: "parse-error", line, message };
}

/** The operands of a chain-sum question. */
export function operandsOf(problem: Problem): number[] {
  return problem.question.replace(/=\s*$/, "").split(" + ").map((part) => Number(part.trim()));
}

/** A chain-sum problem. */
export function sumProblem(id: string, operands: readonly number[]): Problem {
  return {
    id,
    task: "multistep_arithmetic",
    question: `${operands.join(" + ")} =`,
    answer: String(operands.reduce((sum, value) => sum + value, 0)),
  };
}

/** The official line of step `k` adding `a + b = c`. */
export function addLine(step: number, a: number, b: number, c: number): string {
  return `(${step}) Let's add ${a} + ${b} = ${c}.`;
}

/** The official final line. */
export function finalLine(answer: number | string): string {
  return `(Final response) So the answer is ${answer}.`;
}

/** The correct official steps from step `from` (1-based) on, starting from `value`. */
function stepsFrom(operands: readonly number[], from: number, value: number): string[] {
  const lines: string[] = [];
  let running = value;
  for (let step = from; step < operands.length; step++) {
    const next = running + (operands[step] as number);
    lines.push(addLine(step, running, operands[step] as number, next));
    running = next;
  }
  lines.push(finalLine(running));
  return lines;
}

const ADD = /^\((\d+)\) Let's add (-?\d+) \+ (-?\d+) = (-?\d+)\.$/;
const FINAL = /^\(Final response\) So the answer is (-?\d+)\.$/;

interface AddStep {
  readonly id: string;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

function parseAttempt(problem: Problem, attempt: string): E.Either<ParseError, { adds: AddStep[]; answer: number }> {
  const operands = operandsOf(problem);
  const lines = attempt.split("\n");
  const adds: AddStep[] = [];
  for (const [index, line] of lines.slice(0, -1).entries()) {
    const match = ADD.exec(line);
    if (match === null) return E.left(parseError(`not an addition step '${line}'`, index + 1));
    adds.push({ id: match[1] as string, a: Number(match[2]), b: Number(match[3]), c: Number(match[4]) });
  }
  const final = FINAL.exec(lines.at(-1) ?? "");
  if (final === null) return E.left(parseError("no final response", lines.length));
  if (adds.length !== operands.length - 1) return E.left(parseError(`expected ${operands.length - 1} steps`));
  return E.right({ adds, answer: Number(final[1]) });
}

function critique(problem: Problem, attempt: string): E.Either<ParseError, Verdict> {
  const operands = operandsOf(problem);
  const parsed = parseAttempt(problem, attempt);
  if (E.isLeft(parsed)) return parsed;
  const { adds, answer } = parsed.right;
  let running = operands[0] as number;
  let previous: string | null = null;
  for (const [index, step] of adds.entries()) {
    const wrong = (segment: string, reason: string): E.Either<ParseError, Verdict> =>
      E.right({
        correct: false,
        errorStep: step.id,
        errorSegment: segment,
        feedback: errorFeedback({ previousStep: previous, errorStep: step.id, segment, reason }),
      });
    if (step.a !== running) return wrong(`${step.a} + ${step.b}`, `the first number should be ${running}`);
    if (step.b !== operands[index + 1]) return wrong(`${step.a} + ${step.b}`, `the second number should be ${operands[index + 1]}`);
    if (step.a + step.b !== step.c) {
      return wrong(
        `${step.a} + ${step.b} = ${step.c}`,
        `there is an calculation error, since ${step.a} + ${step.b} is not equal to ${step.c}`,
      );
    }
    running = step.c;
    previous = step.id;
  }
  if (answer !== running) {
    const segment = `the answer is ${answer}.`;
    return E.right({
      correct: false,
      errorStep: "Final response",
      errorSegment: segment,
      feedback: errorFeedback({
        previousStep: previous,
        errorStep: "Final response",
        segment,
        reason: `this answer is inconsistent with the result in step (${previous ?? "1"})`,
      }),
    });
  }
  return E.right({
    correct: true,
    errorStep: null,
    errorSegment: null,
    feedback: correctFeedback(adds.at(-1)?.id ?? "1", "scripted"),
  });
}

function improve(problem: Problem, attempt: string, verdict: Verdict): E.Either<ParseError, string> {
  if (verdict.errorStep === null) return E.left(parseError("the verdict names no error step"));
  const operands = operandsOf(problem);
  const prefix = prefixBefore(attempt, verdict.errorStep);
  const kept = splitSteps(prefix).length;
  const lastKept = prefix === "" ? undefined : ADD.exec(prefix.split("\n").at(-1) ?? "");
  const value = lastKept === undefined || lastKept === null ? (operands[0] as number) : Number(lastKept[4]);
  const rest = stepsFrom(operands, kept + 1, value);
  return E.right([...(prefix === "" ? [] : [prefix]), ...rest].join("\n"));
}

function compactSegment(segment: string): string {
  return segment.replace(/ \+ /g, "+").replace(/ = /g, "=");
}

function officialSegment(segment: string): string {
  return segment.replace(/\+/g, " + ").replace(/=/g, " = ");
}

const COMPACT_ADD = /^(-?\d+)\+(-?\d+)=(-?\d+)$/;

const compact: CompactFormat = {
  prompt: (problem) => `${operandsOf(problem).join("+")}=\n`,
  fromTripost(_problem, attempt) {
    const lines: string[] = [];
    for (const [index, line] of attempt.split("\n").entries()) {
      const add = ADD.exec(line);
      const final = FINAL.exec(line);
      if (add !== null) lines.push(`${add[2]}+${add[3]}=${add[4]}`);
      else if (final !== null) lines.push(`A:${final[1]}`);
      else return E.left(parseError(`cannot write '${line}' compactly`, index + 1));
    }
    return E.right(lines.join("\n"));
  },
  toTripost(_problem, attempt) {
    const lines: string[] = [];
    let step = 1;
    for (const [index, line] of attempt.split("\n").entries()) {
      const add = COMPACT_ADD.exec(line);
      if (add !== null) lines.push(addLine(step++, Number(add[1]), Number(add[2]), Number(add[3])));
      else if (/^A:-?\d+$/.test(line)) lines.push(finalLine(line.slice(2)));
      else return E.left(parseError(`unknown compact line '${line}'`, index + 1));
    }
    return E.right(lines.join("\n"));
  },
  renderFeedback(verdict) {
    if (verdict.correct) return "F: ok";
    if (verdict.errorStep === "Final response") return `F: A ${/-?\d+/.exec(verdict.errorSegment ?? "")?.[0] ?? ""}`;
    return `F: ${verdict.errorStep} ${compactSegment(verdict.errorSegment ?? "")}`;
  },
  parseFeedback(line): E.Either<ParseError, FeedbackClaim> {
    if (line === "F: ok") return E.right({ correct: true, errorStep: null, errorSegment: null });
    const match = /^F: (\d+|A) (\S+)$/.exec(line);
    if (match === null) return E.left(parseError(`not a compact feedback '${line}'`));
    return E.right(
      match[1] === "A"
        ? { correct: false, errorStep: "Final response", errorSegment: `the answer is ${match[2]}.` }
        : { correct: false, errorStep: match[1] as string, errorSegment: officialSegment(match[2] as string) },
    );
  },
  stepKey: (line) => (COMPACT_ADD.test(line) ? line : undefined),
  finalResponse: (line) => (/^A:-?\d+$/.test(line) ? finalLine(line.slice(2)) : undefined),
};

/** The gold official rationale of a chain-sum problem. */
export function solveSum(problem: Problem): string {
  const operands = operandsOf(problem);
  return stepsFrom(operands, 1, operands[0] as number).join("\n");
}

/** The fake task, with a scripted expert and a compact format. */
export const fakeTask: Task = {
  name: "multistep_arithmetic",
  info: "",
  difficulties: ["official"],
  generate({ count, seed = 0 }) {
    const prng = createPrng(seed);
    return Array.from({ length: count }, (_, index) =>
      sumProblem(`sum-${seed}-${index}`, Array.from({ length: prng.int(2, 4) }, () => prng.int(-9, 9))));
  },
  solve: solveSum,
  extractAnswer: (attempt) => /the answer is (-?\d+)\./.exec(attempt.split("\n").at(-1) ?? "")?.[1],
  isCorrectAnswer: (answer, gold) => Number(answer) === Number(gold),
  hasValidContent: (attempt, answer) => (attempt.split("\n").at(-2) ?? "").includes(`= ${answer}.`),
  critique,
  improve,
  compact,
};

/** The fake task without a scripted expert. */
export const fakeTaskWithoutExpert: Task = {
  name: fakeTask.name,
  info: fakeTask.info,
  difficulties: fakeTask.difficulties,
  generate: fakeTask.generate,
  solve: fakeTask.solve,
  extractAnswer: fakeTask.extractAnswer,
  isCorrectAnswer: fakeTask.isCorrectAnswer,
  hasValidContent: fakeTask.hasValidContent,
};
