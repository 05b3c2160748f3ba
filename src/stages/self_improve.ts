/**
 * Self-improvement inference (`tripost.md` §9): the student answers, critiques its own latest
 * attempt, and updates it, turn by turn, until it says its answer is correct, stops making
 * progress, starts repeating itself, or runs out of turns. Used at test time (greedy) and, from
 * iteration 1 on, for the training rollouts (sampled).
 *
 * @module
 */
import { defer, mergeMap, type Observable, of } from "rxjs";
import type { ModelRequest } from "../codecs/model_call.js";
import type { Problem } from "../codecs/problem.js";
import type { Model } from "../models/model.js";
import { isCorrectFeedback } from "../tasks/feedback.js";
import { stepIdOf } from "../tasks/steps.js";
import { fullTurns, type TrajectoryFormat, type WrittenTurn } from "../tasks/trajectory_format.js";

/** Options for {@linkcode selfImprove}. */
export interface SelfImproveOptions {
  /** Sampling temperature; 0 is greedy. @default {0} */
  readonly temperature?: number;
  /** Tokens per generation. @default {512} */
  readonly maxTokens?: number;
  /**
   * Generations in all, the first included. @default {3}: the official loop's effective limit
   * (`models/self_improve/base.py`, `generate_until_done_batched`): its `num_attempts` (10) never
   * binds, as each generation subtracts one from the attempt count before adding one, while
   * `num_continue_generation` counts every generation after the first (a re-prompt for feedback
   * is a "continue" action too) and forces the end at 3 — the first generation and two more.
   */
  readonly maxGenerations?: number;
  /** Plain continuations in a row (the official `num_continue_generation`). @default {3} */
  readonly maxContinuations?: number;
  /** The seed of the first generation; later ones add their index. */
  readonly seed?: number;
  /**
   * What to do when the student writes a feedback line that is not a valid feedback of its
   * format (neither "correct" nor an error with a step and a part): `continue` as the official
   * loop does, or `stop` there (end `invalid-feedback`), so that the answer is the attempt the
   * feedback follows. A student never trained to critique (M0) writes such lines.
   * @default {"continue"}
   */
  readonly invalidFeedback?: "continue" | "stop";
}

/** Why the loop ended. */
export type SelfImproveEnd = "correct" | "no-progress" | "repeating" | "limit" | "invalid-feedback" | "error";

/** What the student wrote, turn by turn, and what it answered. */
export interface SelfImproveResult {
  /**
   * Every turn the student wrote, in its format, with full attempts (a continuation update comes
   * with its prefix); the last may have no feedback.
   */
  readonly turns: readonly WrittenTurn[];
  /** The final attempt (the answer's source), in the student's format, in full. */
  readonly finalAttempt: string;
  readonly end: SelfImproveEnd;
  /** Whether the student wrote an error feedback and then an updated attempt. */
  readonly selfImproved: boolean;
  /** Generations used. */
  readonly generations: number;
}

/**
 * The official output cleaning of §9: keep lines while each is a legal line of the format and
 * differs in kind from the line before it (`format.lineKey`: for the official format, its step
 * id; for compact, the step id or the step line itself, and any two answer lines `A:` are of one
 * kind); stop at the first that is not. A legal compact line is a feedback line, an answer line,
 * or a step line of the task's compact grammar (word sorting's `3.2 H:a<b` as much as
 * arithmetic's `-5+9=4`). This also cuts a hallucinated next question, and junk a student writes
 * after its answer (`A:-18\nA::-18\n:::-1`). In the compact format an answer line may only be
 * followed by a feedback line (a deviation the compact format needs: its step lines have no id).
 */
export function cleanGeneration(format: TrajectoryFormat, text: string): string[] {
  const kept: string[] = [];
  let previous: string | undefined;
  for (const line of text.split("\n")) {
    const key = format.lineKey(line);
    // A compact answer line ends an attempt: only a feedback line may follow it (an update only
    // ever follows a feedback line). Compact step lines carry no id, so without this a junk line
    // after the answer (`A:-64\n*6=64`) would pass the official "id differs" test.
    if (key === undefined || key === previous || (previous === "answer" && key !== "feedback")) break;
    kept.push(line);
    previous = key;
  }
  return kept;
}

/**
 * The official repetition test (§9): more than 15 steps, a periodic tail, fewer than five words
 * in the last 50 characters, or the same last five words. The word tests apply to the official
 * format only: compact lines have no spaces.
 */
export function isRepeating(format: TrajectoryFormat, lines: readonly string[]): boolean {
  const attemptLines = lines.filter((line) => !line.startsWith(format.feedbackPrefix));
  if (format.name === "tripost") {
    const numbers = attemptLines.map((line) => Number(stepIdOf(line)?.split(".")[0])).filter(Number.isFinite);
    if (numbers.some((number) => number > 15)) return true;
  } else if (attemptLines.length > 40) {
    return true;
  }
  const text = lines.join("\n");
  const tail = text.slice(-50);
  if (tail.length === 50) {
    for (let period = 1; period <= 16; period++) {
      let periodic = true;
      for (let index = period; index < tail.length && periodic; index++) {
        if (tail[index] !== tail[index - period]) periodic = false;
      }
      if (periodic) return true;
    }
  }
  if (format.name === "tripost" && text.length >= 50) {
    if (tail.split(/\s+/).filter((word) => word !== "").length < 5) return true;
    const words = text.split(/\s+/).filter((word) => word !== "").slice(-5);
    if (words.length === 5 && words.every((word) => word === words[0])) return true;
  }
  return false;
}

/**
 * Cuts a generation after its first terminal "correct" feedback line: the student's claim that
 * its answer is right ends the loop (§9, "DONE"), so what it writes after the claim is dropped.
 */
function upToCorrectFeedback(format: TrajectoryFormat, lines: readonly string[]): string[] {
  const at = lines.findIndex((line) => line.startsWith(format.feedbackPrefix) && isCorrectClaim(format, line));
  return at < 0 ? [...lines] : lines.slice(0, at + 1);
}

function isCorrectClaim(format: TrajectoryFormat, line: string): boolean {
  return format.parseFeedback(line)?.correct === true || (format.name === "tripost" && isCorrectFeedback(line));
}

/**
 * Splits cleaned lines into turns at feedback lines (and at an official update header), with
 * full attempts: an update the student wrote as a continuation is rebuilt with its prefix
 * ({@linkcode fullTurns}). The first attempt of a context is whole (the prompt, or a re-prompt
 * with the latest full attempt).
 */
function turnsOf(format: TrajectoryFormat, lines: readonly string[]): WrittenTurn[] {
  const turns: WrittenTurn[] = [];
  let attempt: string[] = [];
  for (const line of lines) {
    if (line.startsWith(format.feedbackPrefix)) {
      turns.push({ attempt: attempt.join("\n"), feedbackLine: line });
      attempt = [];
    } else if (format.name === "tripost" && !stepIdOf(line)) {
      continue;
    } else {
      attempt.push(line);
    }
  }
  if (attempt.length > 0) turns.push({ attempt: attempt.join("\n") });
  return fullTurns(format, turns.filter((turn) => turn.attempt !== "" || turn.feedbackLine !== undefined));
}

interface LoopState {
  /** Cleaned lines of the current context after the prompt. */
  readonly lines: readonly string[];
  /** Turns completed in earlier contexts (re-prompts drop them from the context). */
  readonly history: readonly WrittenTurn[];
  readonly generations: number;
  readonly continuations: number;
  /** Whether the context ends with the feedback prefix, so the generation completes a feedback line. */
  readonly awaitingFeedback: boolean;
}

function finish(
  format: TrajectoryFormat,
  state: LoopState,
  end: SelfImproveEnd,
): SelfImproveResult {
  const turns = [...state.history, ...turnsOf(format, state.lines)];
  const withAttempt = turns.filter((turn) => turn.attempt !== "");
  const finalAttempt = withAttempt.at(-1)?.attempt ?? "";
  let selfImproved = false;
  for (let index = 0; index + 1 < turns.length; index++) {
    const feedback = turns[index]?.feedbackLine;
    const claim = feedback === undefined ? undefined : format.parseFeedback(feedback);
    if (claim !== undefined && !claim.correct && (turns[index + 1]?.attempt ?? "") !== "") selfImproved = true;
  }
  return { turns, finalAttempt, end, selfImproved, generations: state.generations };
}

/** Generations of the test-time loop: the official loop stops after three (README, deviations). */
export const DEFAULT_MAX_GENERATIONS = 3;

/**
 * Runs self-improvement inference for one problem. The student sees `format.prompt(problem)`;
 * after an attempt that ends with EOS it is re-prompted with only its latest attempt and the
 * feedback prefix, so that it critiques it; after an error feedback it writes the update.
 *
 * Deviation: the official re-prompt drops the `{info}` text of the answer header; ours keeps the
 * prompt exactly as in training.
 */
export function selfImprove(
  student: Model,
  format: TrajectoryFormat,
  problem: Problem,
  options: SelfImproveOptions = {},
): Observable<SelfImproveResult> {
  const { temperature = 0, maxTokens = 512, maxGenerations = DEFAULT_MAX_GENERATIONS, maxContinuations = 3, seed, invalidFeedback = "continue" } = options;
  for (const [name, value, least] of [["maxTokens", maxTokens, 1], ["maxGenerations", maxGenerations, 1], ["maxContinuations", maxContinuations, 0]] as const) {
    if (!Number.isInteger(value) || value < least) {
      throw new RangeError(
        `Cannot run self-improvement as '${name}' must be an integer of at least ${least}: current value is ${value}`,
      );
    }
  }
  const prompt = format.prompt(problem);

  function contextText(state: LoopState): string {
    const body = state.lines.length === 0 ? prompt : `${prompt}${state.lines.join("\n")}\n`;
    return state.awaitingFeedback ? `${body}${format.feedbackPrefix}` : body;
  }

  function step(state: LoopState): Observable<SelfImproveResult> {
    if (state.generations >= maxGenerations) return of(finish(format, state, "limit"));
    const request: ModelRequest = {
      prompt: contextText(state),
      temperature,
      maxTokens,
      ...(seed === undefined ? {} : { seed: seed + state.generations }),
    };
    return student(request).pipe(
      mergeMap((response) => {
        const choice = response.choices[0];
        const raw = choice?.text ?? "";
        const generated = upToCorrectFeedback(
          format,
          cleanGeneration(format, state.awaitingFeedback ? `${format.feedbackPrefix}${raw}` : raw),
        );
        const lines = [...state.lines, ...generated];
        const next: LoopState = { ...state, lines, generations: state.generations + 1, awaitingFeedback: false };
        const newLast = lines.at(-1);
        // Asked for feedback, the student wrote none (an empty line or EOS at once): nothing new.
        const emptyFeedback = state.awaitingFeedback && (generated[0] ?? "").trim() === format.feedbackPrefix.trim();
        if (generated.length === 0 || newLast === undefined || emptyFeedback) {
          return of(finish(format, { ...next, lines: state.lines }, "no-progress"));
        }
        if (invalidFeedback === "stop") {
          const at = generated.findIndex((line) =>
            line.startsWith(format.feedbackPrefix) && !isCorrectClaim(format, line) && format.parseFeedback(line) === undefined
          );
          if (at >= 0) {
            return of(finish(format, { ...next, lines: [...state.lines, ...generated.slice(0, at + 1)] }, "invalid-feedback"));
          }
        }
        if (isRepeating(format, lines)) return of(finish(format, next, "repeating"));
        if (newLast.startsWith(format.feedbackPrefix)) {
          if (isCorrectClaim(format, newLast)) return of(finish(format, next, "correct"));
        }
        const stopped = choice?.finishReason === "stop";
        const turns = turnsOf(format, lines);
        const latest = turns.at(-1);
        if (stopped && latest !== undefined && latest.attempt !== "") {
          if (latest.feedbackLine === undefined) {
            // An attempt ended: ask for feedback on the latest attempt alone.
            const earlier = turns.slice(0, -1);
            return step({
              lines: [...latest.attempt.split("\n")],
              history: [...state.history, ...earlier],
              generations: next.generations,
              continuations: 0,
              awaitingFeedback: true,
            });
          }
        }
        if (state.continuations + 1 > maxContinuations) return of(finish(format, next, "limit"));
        return step({ ...next, continuations: state.continuations + 1 });
      }),
    );
  }

  return defer(() => step({ lines: [], history: [], generations: 0, continuations: 0, awaitingFeedback: false }));
}
