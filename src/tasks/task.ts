import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../codecs/critique.js";
import type { Problem, Split, TaskName } from "../codecs/problem.js";

/**
 * Where and why a text failed to parse. Parsers return this in a `Left`; they never throw.
 * `line` is 1-based within the parsed text (0 when the text as a whole is wrong).
 */
export interface ParseError {
  readonly type: "parse-error";
  readonly line: number;
  readonly message: string;
}

/** A student's or expert's feedback line, reduced to what the editing rules compare. */
export interface FeedbackClaim {
  readonly correct: boolean;
  readonly errorStep: string | null;
  readonly errorSegment: string | null;
}

/** Options for {@linkcode Task.generate}. */
export interface GenerateProblemsOptions {
  /** How many problems. */
  readonly count: number;
  /** The generator's seed. @default {0} */
  readonly seed?: number;
  /** Which problems: those trained on, those only tested on, or both. @default {"all"} */
  readonly split?: Split | "all";
  /**
   * A named difficulty. Every task has `official` (BIG-Bench's distribution and the paper's
   * seen/unseen buckets); multistep arithmetic adds `easy` and `medium` for the embedded student.
   * @default {"official"}
   */
  readonly difficulty?: string;
}

/**
 * The compact format: the same structure as the official text, written short for the tiny
 * embedded student (`student.md`). Attempts convert both ways; feedback has a one-line rendering.
 */
export interface CompactFormat {
  /** The compact prompt for a problem: the question, ending with a newline, ready for an attempt. */
  prompt(problem: Problem): string;
  /** An official-format attempt (steps and `(Final response)` line) in compact form. */
  fromTripost(problem: Problem, attempt: string): E.Either<ParseError, string>;
  /** A compact attempt in the official format. */
  toTripost(problem: Problem, attempt: string): E.Either<ParseError, string>;
  /** A verdict as one compact feedback line (no trailing newline). */
  renderFeedback(verdict: Verdict): string;
  /** A compact feedback line back to what it claims. */
  parseFeedback(line: string): E.Either<ParseError, FeedbackClaim>;
  /**
   * Whether `line` is a step line of the compact grammar (not the `A:` answer line, not a feedback
   * line), and what identifies it for the repeat test of the inference cleaning (`tripost.md` §9):
   * its step id where compact steps carry one, the line itself otherwise; `undefined` when the
   * line is no step line (the official cleaning stops at a line without a known header).
   */
  stepKey(line: string): string | undefined;
  /**
   * The official `(Final response)` line of a compact answer line (`A:<answer>`), or `undefined`
   * when `line` is not one: the official evaluation reads the answer from this line alone.
   */
  finalResponse(line: string): string | undefined;
  /**
   * How many of a compact attempt's `lines` come before the line of the official numbered step
   * `step` (the compact side of the official `prev_partial_answer`, `tripost.md` §3.2), or
   * `undefined` when the attempt has no line for that step. Used only to write updates as
   * continuations from the error step (`student.updates: "continuation"`); the final response
   * (`A`) is handled by the format itself (all lines but the answer line).
   */
  linesBefore?(lines: readonly string[], step: string): number | undefined;
}

/**
 * A TriPosT task: its problems, gold solver, answer checks, and — where it has them — the
 * scripted expert (FBK, IMP) and the compact format. Attempt texts are in the official format:
 * numbered steps and the `(Final response)` line, without the `Answer: …` header.
 */
export interface Task {
  readonly name: TaskName;
  /** The `{info}` text appended after "Let's think step by step." (`tripost.md` §2). */
  readonly info: string;
  /**
   * Names accepted by `generate`'s `difficulty`. Empty for a task without a generator (date
   * understanding, logical deduction): its problems come only from input files (BIG-Bench-Hard
   * task files, official TriPosT rows); see {@linkcode hasGenerator}.
   */
  readonly difficulties: readonly string[];
  /**
   * Seeded problems; the same options give the same problems.
   *
   * @throws {RangeError} for a task without a generator (`difficulties` is empty)
   */
  generate(options: GenerateProblemsOptions): Problem[];
  /**
   * The gold rationale in the official format: the scripted solver's, or, for a task without one,
   * the problem's own (`meta.rationale`, as the official rows give it). Use
   * {@linkcode goldRationale} for an `Either`.
   *
   * @throws {RangeError} when the task has no solver and the problem no `meta.rationale`
   */
  solve(problem: Problem): string;
  /** The answer an attempt gives in its `(Final response)` line, if it gives one. */
  extractAnswer(attempt: string): string | undefined;
  /** Whether an extracted answer equals the gold one, by the task's rule. */
  isCorrectAnswer(answer: string, gold: string): boolean;
  /**
   * `has_valid_content` of `tripost.md` §3.2 for an attempt choosing `answer`. The multiple-choice
   * tasks read the chosen option from `problem.question`; without `problem` they check only what
   * the attempt alone shows.
   */
  hasValidContent(attempt: string, answer: string, problem?: Problem): boolean;
  /** The scripted FBK: the first failing check's verdict, or a `Left` where the official verifier gives `[ERROR]`. */
  readonly critique?: (problem: Problem, attempt: string) => E.Either<ParseError, Verdict>;
  /** The scripted IMP: the steps before the error step, then a correct remainder. */
  readonly improve?: (problem: Problem, attempt: string, verdict: Verdict) => E.Either<ParseError, string>;
  readonly compact?: CompactFormat;
}

/** Whether a task generates its own problems (`tripost problems`); otherwise they come from input files. */
export function hasGenerator(task: Task): boolean {
  return task.difficulties.length > 0;
}

/**
 * The gold rationale of a problem ({@linkcode Task.solve}) as an `Either`: a `Left` where `solve`
 * throws (a task without a solver and a problem without `meta.rationale`, or a question the
 * solver cannot read).
 */
export function goldRationale(task: Task, problem: Problem): E.Either<ParseError, string> {
  return E.tryCatch(
    () => task.solve(problem),
    (error): ParseError => ({ type: "parse-error", line: 0, message: error instanceof Error ? error.message : String(error) }),
  );
}
