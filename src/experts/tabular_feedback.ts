/**
 * The tabular FBK output of `tripost.md` §5.2 — `Earliest error step:`, `Error segment:`,
 * `Error reason:`, ended by `[END]` — to the canonical one-line feedback (`_format_feedback`),
 * and back from an example to the three lines.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../codecs/critique.js";
import { errorFeedback } from "../tasks/feedback.js";
import { splitSteps } from "../tasks/steps.js";
import type { ParseError } from "../tasks/task.js";

/** The stop sequence that ends every few-shot example and every expert output. */
export const END_MARKER = "[END]";

/**
 * Where a model's output ends: the index of the first end marker, in any letter case (a small
 * model that was shown `[END]` may write `[End]`, which the server's stop string does not catch),
 * or `undefined` when there is none.
 */
export function endMarkerIndex(text: string): number | undefined {
  const match = /\[end\]/i.exec(text);
  return match === null ? undefined : match.index;
}

const STEP_LABEL = "Earliest error step:";
const SEGMENT_LABEL = "Error segment:";
const REASON_LABEL = "Error reason:";
const STEP_VALUE = /^(?:step\s*)?\(?\s*(\d+(?:\.\d+)*|final response)\s*\)?\s*\.?$/i;

function parseError(message: string, line = 0): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line, message });
}

/** The three lines of an example's error, as the FBK prompt shows them (ending with `[END]`). */
export function renderTabularError(parts: { errorStep: string; errorSegment: string; errorReason: string }): string {
  const reason = parts.errorReason.endsWith(".") ? parts.errorReason : `${parts.errorReason}.`;
  return `${STEP_LABEL} (${parts.errorStep})\n${SEGMENT_LABEL} "${parts.errorSegment}"\n${REASON_LABEL} ${reason} ${END_MARKER}`;
}

/**
 * The canonical one-line feedback for an error in `attempt` (`_format_feedback`, LLM wording):
 * "Step (1) is correct." or "Step (1) to step (k-1) are correct." for the steps before the error
 * step (nothing when it is the first), then the part and the reason, its first character
 * lower-cased and `.`-terminated. `Left` when the attempt has no step `errorStep`.
 */
export function formatFeedback(
  attempt: string,
  parts: { errorStep: string; errorSegment: string; errorReason: string },
): E.Either<ParseError, Verdict> {
  const steps = splitSteps(attempt);
  const index = steps.findIndex((step) => step.id === parts.errorStep);
  if (index < 0) {
    return parseError(`Cannot find the error step (${parts.errorStep}) in the attempt`);
  }
  const previousStep = index === 0 ? null : (steps[index - 1]?.id ?? null);
  const reason = parts.errorReason.charAt(0).toLowerCase() + parts.errorReason.slice(1);
  return E.right({
    correct: false,
    errorStep: parts.errorStep,
    errorSegment: parts.errorSegment,
    feedback: errorFeedback({ previousStep, errorStep: parts.errorStep, segment: parts.errorSegment, reason }, "llm"),
  });
}

function labelled(lines: readonly string[], label: string): string | undefined {
  const line = lines.find((candidate) => candidate.trimStart().startsWith(label));
  return line?.trimStart().slice(label.length).trim();
}

// The segment without the quotes the examples put around it. A segment that is itself quoted
// words (word sorting's `"osteology" < "irwin"`) keeps its own quotes when a model leaves out the
// outer pair: its inside would start with a closing quote (one right after a word character).
function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  const inner = text.slice(1, -1);
  return /^[^"]*\w"/.test(inner) ? text : inner.trim();
}

// `clean_feedback`: the first sentence, then every later sentence that ends with a period (an
// output cut by max tokens loses its unfinished sentence).
function cleanReason(reason: string): string {
  const sentences = reason.split(/(?<=[.!?])\s+/).filter((sentence) => sentence !== "");
  const [head, ...rest] = sentences;
  if (head === undefined) return "";
  return [head, ...rest.filter((sentence) => sentence.endsWith("."))].join(" ").replace(/\.+$/, "");
}

// A model that ignores the stop string may run on into a made-up next example: the table ends
// at the first `Q:` line after the first line.
function cutAtNextQuestion(body: string): string {
  const lines = body.split("\n");
  const next = lines.findIndex((line, index) => index > 0 && line.trimStart().startsWith("Q:"));
  return next < 0 ? body : lines.slice(0, next).join("\n");
}

// A model that runs on may start a second table (a new `Earliest error step:` line, real
// SmolLM2-135M output): the table ends there, so that its lines are never read as this table's.
function cutAtSecondTable(lines: readonly string[]): string[] {
  const second = lines.findIndex((line, index) => index > 0 && line.trimStart().startsWith(STEP_LABEL));
  return second < 0 ? [...lines] : lines.slice(0, second);
}

// Chat models often set the labels in markdown bold (`**Earliest error step:**`, `**Error
// segment**:`): the labels are read without the emphasis; the values are left as written.
function plainLabels(body: string): string {
  return body.replace(/(\*\*|__)(Earliest error step|Error segment|Error reason)(:?)\1(:?)/g, (_, _mark, label: string) => `${label}:`);
}

/**
 * Parses an LLM's tabular FBK output on `attempt` into a verdict. `text` is what the model wrote
 * after the prompt's final `Earliest error step:` (a completion), or a whole answer that repeats
 * the label (a chat reply). Everything from `[END]` (in any letter case: {@linkcode
 * endMarkerIndex}) on is ignored, and so is anything but the first line of each label, and so is
 * a made-up next example (from a `Q:` line on) or a second table (from a second `Earliest error
 * step:` line on) that a model ignoring the stop string runs on into.
 *
 * The official `[ERROR]` (`Left`): no step, a step the attempt does not have (this covers the
 * official "larger than the attempt's lines"), or a missing or empty segment or reason line.
 *
 * @example
 * ```ts
 * const verdict = parseTabularFeedback(' (2)\nError segment: "(7 - -6) = 1"\nError reason: It is 13.', attempt);
 * // Right: 'Step (1) is correct. In step (2) the part "(7 - -6) = 1" is incorrect. This is because it is 13.'
 * ```
 */
export function parseTabularFeedback(text: string, attempt: string): E.Either<ParseError, Verdict> {
  const end = endMarkerIndex(text);
  const body = plainLabels(cutAtNextQuestion(end === undefined ? text : text.slice(0, end)));
  // A completion continues the prompt's `Earliest error step:` (its first line is the step); a
  // chat reply restates the label, perhaps after some chat.
  const firstLine = body.split("\n").find((line) => line.trim() !== "") ?? "";
  const restated = !STEP_VALUE.test(firstLine.trim()) && new RegExp(`^\\s*${STEP_LABEL}`, "m").test(body);
  // A restated table is read from its first label line on (chat before it is dropped).
  const full = restated ? body.slice(body.search(new RegExp(`^[ \\t]*${STEP_LABEL}`, "m"))) : `${STEP_LABEL}${body}`;
  const lines = cutAtSecondTable(full.split("\n"));
  const stepText = labelled(lines, STEP_LABEL);
  const stepMatch = stepText === undefined ? null : STEP_VALUE.exec(stepText);
  if (stepMatch === null || stepMatch[1] === undefined) {
    return parseError(`Cannot read the earliest error step: current value is ${JSON.stringify(stepText ?? "")}`, 1);
  }
  const errorStep = /^final response$/i.test(stepMatch[1]) ? "Final response" : stepMatch[1];
  const segmentText = labelled(lines, SEGMENT_LABEL);
  if (segmentText === undefined || unquote(segmentText) === "") {
    return parseError("Cannot read the error segment as the output has no non-empty 'Error segment:' line", 2);
  }
  const reasonText = labelled(lines, REASON_LABEL);
  const reason = reasonText === undefined ? "" : cleanReason(reasonText);
  if (reason === "") {
    return parseError("Cannot read the error reason as the output has no non-empty 'Error reason:' line", 3);
  }
  return formatFeedback(attempt, { errorStep, errorSegment: unquote(segmentText), errorReason: reason });
}
