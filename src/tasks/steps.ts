/**
 * Step structure shared by every task: an attempt is a list of lines, each starting with a step
 * id — `(1)`, `(3.2)`, `(4.2.1)` or `(Final response)` — and the editing rules of `tripost.md`
 * §3.2 compare attempts step by step.
 *
 * @module
 */

/** One line of an attempt: its id as written (`"2"`, `"3.2"`, `"Final response"`) and the whole line. */
export interface Step {
  readonly id: string;
  readonly line: string;
}

const STEP_ID = /^\((\d+(?:\.\d+)*|Final response)\)/;

/** The step id a line starts with, or `undefined`. */
export function stepIdOf(line: string): string | undefined {
  return STEP_ID.exec(line)?.[1];
}

/** The lines of an attempt that start with a step id, in order (other lines are skipped). */
export function splitSteps(attempt: string): Step[] {
  const steps: Step[] = [];
  for (const line of attempt.split("\n")) {
    const id = stepIdOf(line);
    if (id !== undefined) steps.push({ id, line });
  }
  return steps;
}

/** The id of the last numbered step (not `Final response`), or `undefined` when there is none. */
export function lastNumberedStepId(attempt: string): string | undefined {
  const numbered = splitSteps(attempt).filter((step) => step.id !== "Final response");
  return numbered.at(-1)?.id;
}

/**
 * `prev_partial_answer` of `tripost.md` §3.2: the attempt's lines before the error step, joined
 * with newlines (empty when the error is in the first line). For `Final response` it is every
 * line but the last.
 */
export function prefixBefore(attempt: string, errorStep: string): string {
  const lines = attempt.split("\n");
  const index = errorStep === "Final response"
    ? lines.findIndex((line) => line.startsWith("(Final response)"))
    : lines.findIndex((line) => line.startsWith(`(${errorStep})`));
  const end = index < 0 ? lines.length : index;
  return lines.slice(0, end).join("\n");
}

/** Options for {@linkcode madeProgress}. */
export interface MadeProgressOptions {
  /**
   * How many times the old error segment may still occur in the new attempt. The official word
   * sorting check allows one for "is duplicated" errors. @default {0}
   */
  readonly allowedSegmentCount?: number;
}

/**
 * The official "made progress" check on an update (`tripost.md` §3.2, editing step 4): the new
 * attempt differs from the old one, keeps every step before the error step unchanged, changes
 * the error step, and no longer contains the error segment.
 */
export function madeProgress(
  previous: string,
  next: string,
  verdict: { readonly errorStep: string | null; readonly errorSegment: string | null },
  options: MadeProgressOptions = {},
): boolean {
  const { allowedSegmentCount = 0 } = options;
  if (previous.trim() === next.trim()) return false;
  if (verdict.errorStep === null) return false;
  const before = splitSteps(previous);
  const after = splitSteps(next);
  const errorIndex = before.findIndex((step) => step.id === verdict.errorStep);
  if (errorIndex < 0) return false;
  for (let index = 0; index < errorIndex; index++) {
    if (after[index]?.line !== before[index]?.line) return false;
  }
  const oldStep = before[errorIndex];
  const newStep = after.find((step) => step.id === verdict.errorStep);
  if (newStep !== undefined && oldStep !== undefined && newStep.line === oldStep.line) return false;
  if (verdict.errorSegment !== null && verdict.errorSegment.trim() !== "") {
    const segment = verdict.errorSegment.trim();
    if (countOccurrences(next, segment) > allowedSegmentCount) return false;
  }
  return true;
}

function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

// An occurrence glued to a word character does not count: the official check looks for the
// scripted segment with the spaces around it (`" (40 - 9) = 3 "`), so a fixed `(40 - 9) = 31`
// no longer contains the wrong `(40 - 9) = 3`.
function countOccurrences(text: string, segment: string): number {
  const gluedBefore = isWordCode(segment.charCodeAt(0));
  const gluedAfter = isWordCode(segment.charCodeAt(segment.length - 1));
  let count = 0;
  for (let at = text.indexOf(segment); at >= 0; at = text.indexOf(segment, at + 1)) {
    if (gluedBefore && isWordCode(text.charCodeAt(at - 1))) continue;
    if (gluedAfter && isWordCode(text.charCodeAt(at + segment.length))) continue;
    count++;
  }
  return count;
}

/**
 * Orders step ids as they stand in a rationale: `1 < 2 < 3 < 3.1 < 3.2 < 4 < Final response`.
 * Negative when `a` comes first.
 */
export function compareStepIds(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "Final response") return 1;
  if (b === "Final response") return -1;
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index];
    const y = right[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x !== y) return x - y;
  }
  return 0;
}
