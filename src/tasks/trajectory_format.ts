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
 * Updates (`updates`): the official text writes each update as a whole new attempt (`whole`). The
 * compact format can instead write it as a *continuation* (`continuation`): after a feedback line
 * naming step `s`, only the update's lines from step `s` on are written; the lines before `s`
 * (the official `prev_partial_answer`, `tripost.md` §3.2) are taken over from the previous
 * attempt. Attempts in {@linkcode WrittenTurn} and {@linkcode RenderTurn} are always *full*
 * attempts: {@linkcode TrajectoryFormat.parseRollout} rebuilds them (prefix + continuation) and
 * {@linkcode TrajectoryFormat.render} (with {@linkcode writtenUpdate}) writes the continuation.
 * A feedback line that names no step the previous attempt has a line for (`F:ok`, an unparsable
 * line, a step beyond the attempt) takes over nothing: the update after it is a whole attempt.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { FormatName, UpdateStyle } from "../codecs/config.js";
import type { Problem } from "../codecs/problem.js";
import type { Verdict } from "../codecs/critique.js";
import { parseFeedbackLine } from "./feedback.js";
import { stepIdOf } from "./steps.js";
import type { CompactFormat, FeedbackClaim, ParseError, Task } from "./task.js";

/** The names of the formats (`tripost`, `compact`) and of the ways to write updates (`whole`, `continuation`). */
export type { FormatName, UpdateStyle };

/** One turn as the student wrote it: an attempt in this format and the feedback line after it, if any. */
export interface WrittenTurn {
  /** The attempt's lines, in this format, joined with `\n`: the full attempt, also for a continuation update. */
  readonly attempt: string;
  /** The whole feedback line as written (with its prefix), when the student wrote one. */
  readonly feedbackLine?: string;
}

/** A turn to render: a full attempt in this format and its feedback line (with prefix). */
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
  /** How updates are written: `whole` attempts, or `continuation`s from the error step (compact only). */
  readonly updates: UpdateStyle;
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
  /**
   * The lines an update written after `feedbackLine` on `previous` (a full attempt in this
   * format) takes over from `previous` without writing them: for `continuation`, the lines before
   * the step the feedback line names (all but the last for the answer `A`); `[]` for `whole`
   * updates and when the line names no step `previous` has a line for.
   */
  updatePrefix(previous: string, feedbackLine: string): string[];
  /**
   * The turns of a student's continuation after {@linkcode prompt}, cleaned by the format's
   * rules, with full attempts (an update written as a continuation is rebuilt with its prefix).
   */
  parseRollout(problem: Problem, continuation: string): E.Either<FormatError, WrittenTurn[]>;
  /**
   * The whole text: the prompt, then each attempt and its feedback line, with update headers
   * between; updates as the format writes them ({@linkcode writtenUpdate}; an update that does
   * not keep its prefix is written whole, and then does not read back the same).
   */
  render(problem: Problem, turns: readonly RenderTurn[]): string;
}

/**
 * An update as the student writes it after `feedbackLine` on `previous` (both in `format`): the
 * whole `attempt`, or for continuation updates the lines after its prefix
 * ({@linkcode TrajectoryFormat.updatePrefix}). A `Left` when `attempt` does not start with that
 * prefix or has nothing after it: the format cannot write it.
 */
export function writtenUpdate(format: TrajectoryFormat, previous: string, feedbackLine: string, attempt: string): E.Either<string, string> {
  const prefix = format.updatePrefix(previous, feedbackLine);
  if (prefix.length === 0) return E.right(attempt);
  const lines = attempt.split("\n");
  if (lines.length <= prefix.length || prefix.some((line, index) => lines[index] !== line)) {
    return E.left(`the update does not continue the ${prefix.length} line(s) before the step '${feedbackLine}' names`);
  }
  return E.right(lines.slice(prefix.length).join("\n"));
}

/**
 * The full attempt of an update the student wrote (`written`) after `feedbackLine` on `previous`
 * (a full attempt): its prefix ({@linkcode TrajectoryFormat.updatePrefix}), then `written`.
 */
export function fullUpdate(format: TrajectoryFormat, previous: string, feedbackLine: string, written: string): string {
  const prefix = format.updatePrefix(previous, feedbackLine);
  return prefix.length === 0 ? written : [...prefix, written].join("\n");
}

/**
 * Full attempts from turns as written: each turn after one with a feedback line is rebuilt with
 * {@linkcode fullUpdate} from the previous (full) attempt. Whole updates come back as they are.
 */
export function fullTurns(format: TrajectoryFormat, turns: readonly WrittenTurn[]): WrittenTurn[] {
  const full: WrittenTurn[] = [];
  for (const turn of turns) {
    const before = full.at(-1);
    full.push(
      before?.feedbackLine === undefined || turn.attempt === ""
        ? turn
        : { ...turn, attempt: fullUpdate(format, before.attempt, before.feedbackLine, turn.attempt) },
    );
  }
  return full;
}

/**
 * The turns as written: each attempt after a feedback line as {@linkcode writtenUpdate} writes it,
 * or whole where it cannot.
 */
export function writtenTurns<T extends { readonly attempt: string; readonly feedbackLine?: string | undefined }>(
  format: TrajectoryFormat,
  turns: readonly T[],
): T[] {
  return turns.map((turn, index) => {
    const before = turns[index - 1];
    if (before?.feedbackLine === undefined) return turn;
    const written = writtenUpdate(format, before.attempt, before.feedbackLine, turn.attempt);
    return E.isRight(written) ? { ...turn, attempt: written.right } : turn;
  });
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
    updates: "whole",
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
    updatePrefix: () => [],
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

/** Options for {@linkcode compactFormat} and {@linkcode formatFor}. */
export interface FormatOptions {
  /** How updates are written (`continuation`: compact only). @default {"whole"} */
  readonly updates?: UpdateStyle;
}

const COMPACT_FEEDBACK_STEP = /^F:([^:]+)(?::|$)/;

/**
 * The compact `prev_partial_answer`: the lines of `previous` before the step `feedbackLine`
 * names. Only the step is read (`F:<step>:…`, `F:<step>`), so a segment the format cannot parse
 * does not matter; `A` takes all lines but the answer line. `[]` when the line names no step
 * (`F:ok`, no `F:<step>`) or the attempt has no line for it.
 */
function compactPrefix(compact: CompactFormat, previous: string, feedbackLine: string): string[] {
  const step = COMPACT_FEEDBACK_STEP.exec(feedbackLine)?.[1];
  if (previous === "" || step === undefined || step === "ok") return [];
  const lines = previous.split("\n");
  const count = step === "A"
    ? ((lines.at(-1) ?? "").startsWith(COMPACT_ANSWER_PREFIX) ? lines.length - 1 : undefined)
    : compact.linesBefore?.(lines, step);
  return count === undefined ? [] : lines.slice(0, count);
}

/**
 * The compact format of a task; `undefined` when the task has none. With `updates:
 * "continuation"`, an update after a feedback line naming step `s` is written from `s` on (see
 * the module notes); `"whole"` (the default) writes it whole, as the official text does.
 */
export function compactFormat(task: Task, options: FormatOptions = {}): TrajectoryFormat | undefined {
  const compact = task.compact;
  if (compact === undefined) return undefined;
  const { updates = "whole" } = options;
  const format: TrajectoryFormat = {
    name: "compact",
    updates,
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
    updatePrefix: (previous, feedbackLine) => updates === "whole" ? [] : compactPrefix(compact, previous, feedbackLine),
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
      return E.right(updates === "whole" ? turns : fullTurns(format, turns));
    },
    render: (problem, turns) =>
      renderTurns(compact.prompt(problem), "", updates === "whole" ? turns : writtenTurns(format, turns)),
  };
  return format;
}

/**
 * The format called `name` for `task`; a `Left` when the task has no such format, or when
 * `options.updates` is `continuation` and the format is not `compact`.
 */
export function formatFor(task: Task, name: FormatName, options: FormatOptions = {}): E.Either<string, TrajectoryFormat> {
  if (name === "tripost") {
    return options.updates === "continuation"
      ? E.left("continuation updates need the compact format")
      : E.right(officialFormat(task));
  }
  const compact = compactFormat(task, options);
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
