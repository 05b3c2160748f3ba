/**
 * How a trajectory `x, ŷ0, f0, ŷ1, f1, …` is written as text, in the two formats a student can
 * read and write (`contract.md` "Names"):
 *
 * - `tripost`, the official text (`tripost.md` §2): `Q: …\nAnswer: Let's think step by step.{info}\n`,
 *   the attempt's lines, `Feedback: …`, `Updated Answer: Let's think step by step.{info}\n`, …;
 * - `compact`, for the tiny embedded student: the task's compact prompt, compact attempt lines,
 *   and one compact feedback line after each attempt (no update header: the lines after a feedback
 *   line are the update).
 *
 * Attempts travel through the pipeline in the official format (the experts judge that); a format
 * converts them to and from what the student writes.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { FormatName } from "../codecs/config.js";
import type { Problem } from "../codecs/problem.js";
import type { Verdict } from "../codecs/critique.js";
import { parseFeedbackLine } from "./feedback.js";
import { stepIdOf } from "./steps.js";
import type { CompactFormat, FeedbackClaim, ParseError, Task } from "./task.js";

/** The names of the formats (`tripost`, `compact`). */
export type { FormatName };

/** One turn as the student wrote it: an attempt in this format and the feedback line after it, if any. */
export interface WrittenTurn {
  /** The attempt's lines, in this format, joined with `\n`. */
  readonly attempt: string;
  /** The whole feedback line as written (with its prefix), when the student wrote one. */
  readonly feedbackLine?: string;
}

/** A turn to render: an attempt in this format and its feedback line (with prefix). */
export interface RenderTurn {
  readonly attempt: string;
  readonly feedbackLine: string;
}

/** A rollout that breaks the format's rules (`FORMAT ERROR` of the official cleaner). */
export interface FormatError {
  readonly type: "format-error";
  readonly line: number;
  readonly message: string;
}

/** A way of writing trajectories as text. */
export interface TrajectoryFormat {
  readonly name: FormatName;
  /** What starts a feedback line; the loss weight applies from the first `\n` + this prefix on. */
  readonly feedbackPrefix: string;
  /** The text before the first attempt, ending with a newline. */
  prompt(problem: Problem): string;
  /** The text between a feedback line and the updated attempt after it (may be empty). */
  updateHeader(problem: Problem): string;
  /** The feedback line for an expert's verdict. */
  feedbackLine(verdict: Verdict): string;
  /** What a feedback line written in this format claims, or `undefined` when it is not a valid feedback. */
  parseFeedback(line: string): FeedbackClaim | undefined;
  /** An official attempt in this format. */
  fromOfficial(problem: Problem, attempt: string): E.Either<ParseError, string>;
  /** An attempt in this format as official text. */
  toOfficial(problem: Problem, attempt: string): E.Either<ParseError, string>;
  /**
   * The kind of a line for the inference cleaning of `tripost.md` §9: `undefined` when the line is
   * no legal line of the format (the cleaning stops there); two lines of one kind in a row are a
   * repeat (the official step id: a feedback line, a step id, a header; for a compact step
   * without an id, the line itself).
   */
  lineKey(line: string): string | undefined;
  /**
   * The official `(Final response)` line of an attempt's last line in this format, or `undefined`
   * when it is not an answer line (the official format: the line itself); the official evaluation
   * reads the answer from that line alone (`tripost.md` §9), whatever the attempt's other lines are.
   */
  finalResponse(line: string): string | undefined;
  /** The turns of a student's continuation after {@linkcode prompt}, cleaned by the format's rules. */
  parseRollout(problem: Problem, continuation: string): E.Either<FormatError, WrittenTurn[]>;
  /** The whole text: the prompt, then each attempt and its feedback line, with update headers between. */
  render(problem: Problem, turns: readonly RenderTurn[]): string;
}

const HEADERS: readonly [RegExp, string][] = [
  [/^Q:/, "Q:"],
  [/^Options:/, "Options:"],
  [/^List:/, "List:"],
  [/^\([A-Z]\)/, "option"],
  [/^Updated Answer:/, "Updated Answer:"],
  [/^Answer:/, "Answer:"],
  [/^Feedback:/, "Feedback:"],
];

/** The header of an official line (`Feedback:`, a step id, …) or `undefined` for an unknown line. */
function officialHeader(line: string): string | undefined {
  const step = stepIdOf(line);
  if (step !== undefined) return `(${step})`;
  for (const [pattern, header] of HEADERS) if (pattern.test(line)) return header;
  return undefined;
}

/**
 * The official `clean_pred` rules (`tripost.md` §3.2, step 1) on a continuation: every line needs
 * a known header; a line repeating the previous line's header is dropped; a second `Q:` ends the
 * text; blank lines are skipped; word sorting and logical deduction normalise `"word"?`.
 */
export function cleanOfficialLines(
  continuation: string,
  options: { normaliseQuestionMarks?: boolean } = {},
): E.Either<FormatError, string[]> {
  const kept: string[] = [];
  let previousHeader: string | undefined;
  const lines = continuation.split("\n");
  for (let index = 0; index < lines.length; index++) {
    let line = (lines[index] as string).replace(/\s+$/, "");
    if (line.trim() === "") continue;
    if (options.normaliseQuestionMarks) line = line.replace(/"\?/g, '" ?');
    const header = officialHeader(line);
    if (header === undefined) {
      return E.left({ type: "format-error", line: index + 1, message: `unknown line '${line.slice(0, 60)}'` });
    }
    if (header === "Q:") break;
    if (header === previousHeader) continue;
    previousHeader = header;
    kept.push(line);
  }
  return E.right(kept);
}

function splitOfficialTurns(lines: readonly string[]): E.Either<FormatError, WrittenTurn[]> {
  const turns: WrittenTurn[] = [];
  let attempt: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.startsWith("Feedback:")) {
      if (attempt.length === 0) {
        return E.left({ type: "format-error", line: index + 1, message: "a feedback line with no attempt before it" });
      }
      turns.push({ attempt: attempt.join("\n"), feedbackLine: line });
      attempt = [];
    } else if (line.startsWith("Updated Answer:") || line.startsWith("Answer:")) {
      if (attempt.length > 0) {
        return E.left({ type: "format-error", line: index + 1, message: "an updated answer without feedback before it" });
      }
    } else if (stepIdOf(line) !== undefined) {
      attempt.push(line);
    }
    // Options, List and option lines repeat the question: they are not part of an attempt.
  }
  if (attempt.length > 0) turns.push({ attempt: attempt.join("\n") });
  if (turns.length === 0) return E.left({ type: "format-error", line: 0, message: "no attempt" });
  return E.right(turns);
}

const LEGAL_OFFICIAL = /^(Options:|List:|\([A-Z]\)|Feedback:|Answer:|Updated Answer:)/;

/** {@linkcode TrajectoryFormat.lineKey} of the official format. */
function officialLineKey(line: string): string | undefined {
  if (line.startsWith("Feedback:")) return "feedback";
  const step = stepIdOf(line);
  if (step !== undefined) return `step:${step}`;
  const header = LEGAL_OFFICIAL.exec(line)?.[1];
  return header === undefined ? undefined : `header:${header}`;
}

function answerHeader(task: Task): string {
  return `Answer: Let's think step by step.${task.info}\n`;
}

/** The official text format of a task. */
export function officialFormat(task: Task): TrajectoryFormat {
  const normaliseQuestionMarks = task.name === "word_sorting" || task.name === "logical_deduction";
  return {
    name: "tripost",
    feedbackPrefix: "Feedback:",
    prompt: (problem) => `Q: ${problem.question}\n${answerHeader(task)}`,
    updateHeader: () => `Updated ${answerHeader(task)}`,
    feedbackLine: (verdict) => `Feedback: ${verdict.feedback}`,
    parseFeedback: (line) => parseFeedbackLine(line.replace(/^Feedback:\s*/, "")),
    lineKey: officialLineKey,
    // The official evaluation reads `the answer is …` on the last line, whatever its header.
    finalResponse: (line) => line,
    fromOfficial: (_problem, attempt) => E.right(attempt),
    toOfficial: (_problem, attempt) => E.right(attempt),
    parseRollout: (_problem, continuation) =>
      E.flatMap(cleanOfficialLines(continuation, { normaliseQuestionMarks }), splitOfficialTurns),
    render: (problem, turns) => renderTurns(`Q: ${problem.question}\n${answerHeader(task)}`, `Updated ${answerHeader(task)}`, turns),
  };
}

function renderTurns(prompt: string, updateHeader: string, turns: readonly RenderTurn[]): string {
  let text = prompt;
  turns.forEach((turn, index) => {
    if (index > 0) text += updateHeader;
    text += `${turn.attempt}\n${turn.feedbackLine}`;
    if (index < turns.length - 1) text += "\n";
  });
  return text;
}

/** The compact feedback lines start with this. */
export const COMPACT_FEEDBACK_PREFIX = "F:";

/** The compact answer line's prefix (the official `(Final response)`). */
export const COMPACT_ANSWER_PREFIX = "A:";

/**
 * {@linkcode TrajectoryFormat.lineKey} of a compact format: a feedback line, the answer line
 * (the official `(Final response)` step, so a second one in a row repeats its id), or a step line
 * of the task's compact grammar ({@linkcode CompactFormat.stepKey}); anything else is no legal line.
 */
function compactLineKey(compact: CompactFormat, line: string): string | undefined {
  if (line.startsWith(COMPACT_FEEDBACK_PREFIX)) return "feedback";
  if (line.startsWith(COMPACT_ANSWER_PREFIX)) return "answer";
  const step = compact.stepKey(line);
  return step === undefined ? undefined : `step:${step}`;
}

/** The compact format of a task; `undefined` when the task has none. */
export function compactFormat(task: Task): TrajectoryFormat | undefined {
  const compact = task.compact;
  if (compact === undefined) return undefined;
  return {
    name: "compact",
    feedbackPrefix: COMPACT_FEEDBACK_PREFIX,
    prompt: (problem) => compact.prompt(problem),
    updateHeader: () => "",
    feedbackLine: (verdict) => compact.renderFeedback(verdict),
    parseFeedback: (line) => {
      const claim = compact.parseFeedback(line);
      return E.isRight(claim) ? claim.right : undefined;
    },
    lineKey: (line) => compactLineKey(compact, line),
    finalResponse: (line) => compact.finalResponse(line),
    fromOfficial: (problem, attempt) => compact.fromTripost(problem, attempt),
    toOfficial: (problem, attempt) => compact.toTripost(problem, attempt),
    parseRollout: (_problem, continuation) => {
      const turns: WrittenTurn[] = [];
      let attempt: string[] = [];
      const lines = continuation.split("\n");
      for (const [index, line] of lines.entries()) {
        if (line.trim() === "") continue;
        if (line.startsWith(COMPACT_FEEDBACK_PREFIX)) {
          if (attempt.length === 0) {
            return E.left({ type: "format-error", line: index + 1, message: "a feedback line with no attempt before it" });
          }
          turns.push({ attempt: attempt.join("\n"), feedbackLine: line });
          attempt = [];
        } else {
          attempt.push(line);
        }
      }
      if (attempt.length > 0) turns.push({ attempt: attempt.join("\n") });
      if (turns.length === 0) return E.left({ type: "format-error", line: 0, message: "no attempt" });
      return E.right(turns);
    },
    render: (problem, turns) => renderTurns(compact.prompt(problem), "", turns),
  };
}

/** The format called `name` for `task`; a `Left` when the task has no such format. */
export function formatFor(task: Task, name: FormatName): E.Either<string, TrajectoryFormat> {
  if (name === "tripost") return E.right(officialFormat(task));
  const compact = compactFormat(task);
  return compact === undefined ? E.left(`task '${task.name}' has no compact format`) : E.right(compact);
}

/**
 * The character offset from which the loss weight applies: the first `\n` + feedback prefix, or
 * the text's length when there is none.
 */
export function weightAnchor(format: TrajectoryFormat, text: string): number {
  const at = text.indexOf(`\n${format.feedbackPrefix}`);
  return at < 0 ? text.length : at;
}
