/**
 * The pure editing rules of `tripost.md` §3.2 (the official `LLMEditor`), one function per rule.
 * `edit.ts` strings them together around the expert calls.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../codecs/critique.js";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import { correctFeedback, errorFeedback, parseFeedbackLine, sameError } from "../tasks/feedback.js";
import { compareStepIds, lastNumberedStepId, splitSteps } from "../tasks/steps.js";
import type { FeedbackClaim, ParseError, Task } from "../tasks/task.js";
import type { TrajectoryFormat, WrittenTurn } from "../tasks/trajectory_format.js";

/** The kinds of rejection the editing stage gives (`Rejection.type`). */
export type EditRejectionType =
  | "format-error"
  | "attempt-too-long"
  | "critique-error"
  | "expert-judged-correct"
  | "wrong-no-edit"
  | "improve-not-legitimate"
  | "invalid-content"
  | "improve-limit"
  | "endpoint-failed";

/** What a rule that drops a sample says: the type and the reason (the id is added by the stage). */
export interface Drop {
  readonly type: EditRejectionType;
  readonly reason: string;
}

/** One turn as the student wrote it, with its attempt in the official format. */
export interface StudentTurn {
  readonly written: WrittenTurn;
  readonly official: string;
}

/** Rule 1, `clean_pred` and the conversion to the official format. */
export function readRollout(
  problem: Problem,
  continuation: string,
  format: TrajectoryFormat,
): E.Either<Drop, StudentTurn[]> {
  const parsed = format.parseRollout(problem, continuation);
  if (E.isLeft(parsed)) {
    return E.left({ type: "format-error", reason: `line ${parsed.left.line}: ${parsed.left.message}` });
  }
  const turns: StudentTurn[] = [];
  for (const [index, written] of parsed.right.entries()) {
    const official = format.toOfficial(problem, written.attempt);
    if (E.isLeft(official)) {
      return E.left({
        type: "format-error",
        reason: `attempt ${index + 1} does not convert to the official format: ${describe(official.left)}`,
      });
    }
    turns.push({ written, official: official.right });
  }
  const last = turns.at(-1);
  // `_add_last_feedback`: an unfinished last attempt (no feedback, no final response) is dropped.
  if (last !== undefined && last.written.feedbackLine === undefined && !endsWithFinalResponse(last.official)) {
    return E.left({ type: "format-error", reason: "the last attempt has neither a (Final response) line nor feedback" });
  }
  return E.right(turns);
}

function describe(error: ParseError): string {
  return error.line > 0 ? `line ${error.line}: ${error.message}` : error.message;
}

function endsWithFinalResponse(attempt: string): boolean {
  return (attempt.split("\n").at(-1) ?? "").startsWith("(Final response)");
}

/** Whether an official attempt gives the gold answer (the answer check of rule 2). */
export function hasCorrectAnswer(task: Task, problem: Problem, attempt: string): boolean {
  const answer = task.extractAnswer(attempt);
  return answer !== undefined && task.isCorrectAnswer(answer, problem.answer);
}

/** Rule 2: the last attempt gives the gold answer and passes `has_valid_content`. */
export function isAlreadyCorrect(task: Task, problem: Problem, attempt: string): boolean {
  return hasCorrectAnswer(task, problem, attempt) && task.hasValidContent(attempt, problem.answer, problem);
}

/** The terminal verdict on an attempt (LLM wording: "Step (1) to step (N) are correct. …"). */
export function terminalVerdict(attempt: string): Verdict {
  return {
    correct: true,
    errorStep: null,
    errorSegment: null,
    feedback: correctFeedback(lastNumberedStepId(attempt) ?? "1"),
  };
}

/** The number of words the official code counts in an attempt (`len(att.split(' '))`). */
export function wordCount(attempt: string): number {
  return attempt.split(" ").length;
}

/** Rule 3a: every attempt has at most `maxWords` words. */
export function checkLength(turns: readonly StudentTurn[], maxWords: number): E.Either<Drop, void> {
  for (const [index, turn] of turns.entries()) {
    const words = wordCount(turn.official);
    if (words > maxWords) {
      return E.left({
        type: "attempt-too-long",
        reason: `attempt ${index + 1} has ${words} words, more than ${maxWords}`,
      });
    }
  }
  return E.right(undefined);
}

/**
 * Rule 3b, `_split_by_feedback`: what the student claims about each attempt. A last attempt
 * without feedback gets the synthetic "correct" claim; a feedback line the format cannot parse
 * claims nothing (`undefined`).
 */
export function studentClaims(turns: readonly StudentTurn[], format: TrajectoryFormat): (FeedbackClaim | undefined)[] {
  return turns.map((turn) =>
    turn.written.feedbackLine === undefined
      ? { correct: true, errorStep: null, errorSegment: null }
      : format.parseFeedback(turn.written.feedbackLine)
  );
}

/** A valid error feedback: parsable, and naming an error step and part. */
function isErrorClaim(claim: FeedbackClaim | undefined): claim is FeedbackClaim {
  return claim !== undefined && !claim.correct && claim.errorStep !== null && claim.errorSegment !== null;
}

/** What the expert's verdict claims, read from its feedback line by the official parser. */
export function verdictClaim(verdict: Verdict): FeedbackClaim | undefined {
  return parseFeedbackLine(verdict.feedback);
}

/** Where to edit: the index of the attempt, with the expert's verdict on it; or nowhere. */
export type EditPoint =
  | { readonly type: "edit"; readonly index: number; readonly verdict: Verdict }
  | { readonly type: "no-edit" };

/**
 * What the expert's verdict claims, spelled as the student's format spells it: the verdict
 * rendered as a feedback line of `format` and read back (the official claim where that fails).
 * The compact arithmetic format keeps segments in compact spelling (`21-6=6` for the official
 * `(21 - 6) = 6`), so a student's compact claim is compared with this, not with the official one.
 */
export function verdictClaimIn(format: TrajectoryFormat, verdict: Verdict): FeedbackClaim | undefined {
  return format.parseFeedback(format.feedbackLine(verdict)) ?? verdictClaim(verdict);
}

/**
 * Rule 3c, `get_to_edit_feedback`: walk the attempts in order. At each one, an expert `Left`
 * (`[ERROR]`) drops the sample; an expert feedback that is not a parsable error feedback drops
 * it; a student feedback that is not a valid error feedback, or that names another error, marks
 * the attempt to edit. When every attempt agrees, there is nothing to edit.
 *
 * "Another error" is the official `is_identical` test (same error step, one error part a
 * substring of the other), run on both claims in one spelling: `expertClaim` gives the expert's
 * claim in the student's spelling (see {@linkcode verdictClaimIn}); by default the official one.
 */
export function findEditPoint(
  claims: readonly (FeedbackClaim | undefined)[],
  verdicts: readonly E.Either<ParseError, Verdict>[],
  expertClaim: (verdict: Verdict) => FeedbackClaim | undefined = verdictClaim,
): E.Either<Drop, EditPoint> {
  for (const [index, result] of verdicts.entries()) {
    if (E.isLeft(result)) {
      return E.left({ type: "critique-error", reason: `the expert could not judge attempt ${index + 1}: ${describe(result.left)}` });
    }
    const expert = verdictClaim(result.right);
    if (!isErrorClaim(expert)) {
      return E.left({
        type: "expert-judged-correct",
        reason: `the expert gives no error feedback on attempt ${index + 1}: ${result.right.feedback}`,
      });
    }
    const student = claims[index];
    const expertSpelled = expertClaim(result.right) ?? expert;
    if (!isErrorClaim(student) || !sameError(expertSpelled, student)) {
      return E.right({ type: "edit", index, verdict: result.right });
    }
  }
  return E.right({ type: "no-edit" });
}

/**
 * `clean_attempt`: the text up to the first line that starts a new question, options, feedback or
 * updated answer.
 */
export function cleanAttempt(text: string): string {
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (/^(Q:|Options:|Feedback:|Updated Answer:)/.test(line)) break;
    kept.push(line);
  }
  return kept.join("\n").trim();
}

/** The parsability half of the legitimacy check: a final response giving an answer, and no `Q:`. */
export function isParsableAttempt(attempt: string): boolean {
  const lines = attempt.split("\n");
  const last = lines.at(-1) ?? "";
  return last.startsWith("(Final response)") && last.includes("the answer is") &&
    !lines.some((line) => line.includes("Q:"));
}

/**
 * The feedback-progress check (`ParsedFeedback.made_progress`): a terminal feedback progressed;
 * otherwise the update did not progress when either feedback names no error step, when the
 * expert finds the same error (same step and same part) or an earlier one.
 */
export function feedbackProgressed(previous: Verdict, next: Verdict): boolean {
  const after = verdictClaim(next);
  if (after?.correct === true) return true;
  const before = verdictClaim(previous);
  if (after?.errorStep == null || before?.errorStep == null) return false;
  if (after.errorStep === before.errorStep && (after.errorSegment ?? "") === (before.errorSegment ?? "")) return false;
  return compareStepIds(after.errorStep, before.errorStep) >= 0;
}

/**
 * An official one-line feedback for a student's feedback line in a format that does not carry the
 * official wording (the compact one): rebuilt from what it claims.
 */
export function officialFeedbackOf(claim: FeedbackClaim | undefined, line: string, attempt: string): string {
  if (claim === undefined) return line;
  if (claim.correct || claim.errorStep === null) return correctFeedback(lastNumberedStepId(attempt) ?? "1");
  const steps = splitSteps(attempt);
  const at = steps.findIndex((step) => step.id === claim.errorStep);
  const previousStep = at > 0 ? (steps[at - 1]?.id ?? null) : null;
  return errorFeedback(
    {
      previousStep,
      errorStep: claim.errorStep,
      segment: claim.errorSegment ?? "",
      reason: "the student marks this part as wrong",
    },
    "llm",
  );
}

/** A rejection record from a drop. */
export function toRejection(id: string, iteration: number, drop: Drop): Rejection {
  return { id, type: drop.type, reason: drop.reason, iteration };
}
