/**
 * The one-line feedback of TriPosT, as the official code writes and reads it (`tripost.md` §2,
 * §5.1, §5.2): rendering for the scripted and LLM paths, the terminal "correct" line, and the
 * parsing rules the editor uses to compare a student's feedback with the expert's.
 *
 * @module
 */
import type { FeedbackClaim } from "./task.js";

/** The substring the official code uses to detect a terminal "correct" feedback. */
export const CORRECT_MARKER = "final response is also correct";

/**
 * Which wording to use: `scripted` is the official verifiers' (`Step (1) to (k)`, spaces inside the
 * quotes); `llm` is the LLM path and the terminal line (`Step (1) to step (k)`, no spaces).
 */
export type FeedbackStyle = "scripted" | "llm";

function correctPrefix(previousStep: string | null, style: FeedbackStyle): string {
  if (previousStep === null) return "";
  if (previousStep === "1") return "Step (1) is correct. ";
  return style === "scripted"
    ? `Step (1) to (${previousStep}) are correct. `
    : `Step (1) to step (${previousStep}) are correct. `;
}

/**
 * An error feedback line. `previousStep` is the id of the line before the error step (`null` when
 * the error is in step 1); `reason` is the text after "This is because " without the final period.
 *
 * @example The official multistep arithmetic wording
 * ```ts
 * assertEquals(
 *   errorFeedback({ previousStep: "1", errorStep: "2", segment: "(-2 - 21) = -19", reason: "there is an calculation error, since (-2 - 21) is not equal to -19" }),
 *   'Step (1) is correct. In step (2) the part " (-2 - 21) = -19 " is incorrect. This is because there is an calculation error, since (-2 - 21) is not equal to -19.',
 * );
 * ```
 */
export function errorFeedback(
  parts: { previousStep: string | null; errorStep: string; segment: string; reason: string },
  style: FeedbackStyle = "scripted",
): string {
  const quoted = style === "scripted" ? `" ${parts.segment} "` : `"${parts.segment}"`;
  const reason = parts.reason.endsWith(".") ? parts.reason : `${parts.reason}.`;
  return `${correctPrefix(parts.previousStep, style)}In step (${parts.errorStep}) the part ${quoted} is incorrect. This is because ${reason}`;
}

/**
 * The terminal feedback. `scripted`: `Step (1) to (N) are correct. The final response is also
 * correct.`; `llm` (also used for gold examples and already-correct rollouts): `Step (1) to step
 * (N) are correct. …`.
 */
export function correctFeedback(lastStep: string, style: FeedbackStyle = "llm"): string {
  if (lastStep === "1") return "Step (1) is correct. The final response is also correct.";
  return style === "scripted"
    ? `Step (1) to (${lastStep}) are correct. The final response is also correct.`
    : `Step (1) to step (${lastStep}) are correct. The final response is also correct.`;
}

/** Whether a feedback line is the terminal "correct" feedback. */
export function isCorrectFeedback(line: string): boolean {
  return line.includes(CORRECT_MARKER);
}

const ERROR_STEP = /In step \((\d+(?:\.\d+)*|Final response)\) the part/;
const ERROR_PART = /the part "(.*)" is incorrect/;

/**
 * What a feedback line claims, by the official parsing rules: a terminal line claims "correct";
 * an error line is valid only if it is one line, contains "is incorrect" and "because", and names
 * both an error step and an error part. Anything else gives `undefined` (not parsable).
 */
export function parseFeedbackLine(line: string): FeedbackClaim | undefined {
  if (line.includes("\n")) return undefined;
  if (isCorrectFeedback(line)) return { correct: true, errorStep: null, errorSegment: null };
  if (!line.includes("is incorrect") || !line.includes("because")) return undefined;
  const step = ERROR_STEP.exec(line)?.[1];
  const part = ERROR_PART.exec(line)?.[1];
  if (step === undefined || part === undefined) return undefined;
  return { correct: false, errorStep: step, errorSegment: part.trim() };
}

/**
 * The official "identical" test between two error feedbacks: the same error step, and one error
 * part a substring of the other.
 */
export function sameError(a: FeedbackClaim, b: FeedbackClaim): boolean {
  if (a.correct || b.correct || a.errorStep === null || a.errorStep !== b.errorStep) return false;
  const left = (a.errorSegment ?? "").trim();
  const right = (b.errorSegment ?? "").trim();
  return left.includes(right) || right.includes(left);
}
