/**
 * Interactive trajectory editing (`tripost.md` §3.2): the student's rollout is cleaned, kept as it
 * is when already correct, or edited by the expert — FBK on every attempt, the first attempt where
 * the student's feedback disagrees with the expert's is given the expert's feedback, then IMP and
 * FBK alternate until the expert's feedback is the terminal "correct" one.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import {
  catchError,
  concatMap,
  defer,
  first,
  map,
  mergeMap,
  type Observable,
  of,
  type OperatorFunction,
  throwError,
  toArray,
} from "rxjs";
import type { Verdict } from "../codecs/critique.js";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import type { Author, Trajectory } from "../codecs/trajectory.js";
import { isCorrectFeedback } from "../tasks/feedback.js";
import { madeProgress } from "../tasks/steps.js";
import type { Task } from "../tasks/task.js";
import { type FormatName, officialFormat, type TrajectoryFormat, writtenUpdate } from "../tasks/trajectory_format.js";
import {
  checkLength,
  cleanAttempt,
  type Drop,
  feedbackProgressed,
  findEditPoint,
  hasCorrectAnswer,
  isParsableAttempt,
  officialFeedbackOf,
  readRollout,
  studentClaims,
  type StudentTurn,
  terminalVerdict,
  toRejection,
  verdictClaim,
  verdictClaimIn,
} from "./_edit_rules.js";
import type { Expert } from "./expert.js";

export type { EditRejectionType } from "./_edit_rules.js";

/** One student rollout to edit. */
export interface Rollout {
  readonly problem: Problem;
  /** The TriPosT iteration the rollout belongs to. */
  readonly iteration: number;
  /** The student's text after `format.prompt(problem)`, in the student's format. */
  readonly continuation: string;
  /** The collection pass within the iteration (`tripost.md` §3.1), when there are several. */
  readonly pass?: number;
}

/**
 * How a trajectory came to be: the student's rollout kept as it was (`original`), edited by the
 * expert (`edited`), cut after the expert's first feedback because an update did not progress
 * (`bad-improvement`), or kept because the student's own feedback agreed with the expert's on
 * every attempt and the answer is correct (`agreed`, the official NOEDIT path).
 */
export type EditOutcome = "original" | "edited" | "bad-improvement" | "agreed";

/** One attempt of an edited trajectory and the feedback on it. */
export interface EditedTurn {
  /** The attempt in the official format. */
  readonly attempt: string;
  /** The official one-line feedback, without the `Feedback: ` prefix. */
  readonly feedback: string;
  readonly by: { readonly attempt: Author; readonly feedback: Author };
  /**
   * The turn in the student's format: the student's own lines where the student wrote them, the
   * expert's converted otherwise. `feedbackLine` carries its prefix. `attempt` is the full
   * attempt, also where the student writes updates as continuations.
   */
  readonly written: { readonly attempt: string; readonly feedbackLine: string };
}

/** A trajectory `x, ŷ0, f0, …, ŷn, fn` after editing. */
export interface EditedTrajectory {
  /** The problem's id. */
  readonly id: string;
  readonly problem: Problem;
  readonly iteration: number;
  readonly pass?: number;
  /** The student's format, in which {@linkcode EditedTurn.written} is written. */
  readonly format: FormatName;
  readonly outcome: EditOutcome;
  readonly turns: readonly EditedTurn[];
}

/** Options for {@linkcode edit}. */
export interface EditOptions {
  /** The task of the problems. */
  readonly task: Task;
  /** The student's format. @default {officialFormat(task)} */
  readonly format?: TrajectoryFormat;
  /** The most IMP updates per trajectory (`max_updates`). @default {5} */
  readonly maxUpdates?: number;
  /**
   * The most words an attempt may have. @default {512 for multistep arithmetic and word sorting,
   * 200 for date understanding, 900 for logical deduction}
   */
  readonly maxAttemptWords?: number;
  /** How many rollouts are edited at once (each makes one expert call at a time). @default {4} */
  readonly concurrency?: number;
  /** Whether an expert's error ends the run (error channel) instead of rejecting one rollout. @default {() => false} */
  readonly isFatal?: (error: unknown) => boolean;
}

const DEFAULT_MAX_ATTEMPT_WORDS: Record<Task["name"], number> = {
  multistep_arithmetic: 512,
  word_sorting: 512,
  date_understanding: 200,
  logical_deduction: 900,
};

type Flow<A> = Observable<E.Either<Drop, A>>;

function andThen<A, B>(flow: Flow<A>, next: (value: A) => Flow<B>): Flow<B> {
  return flow.pipe(concatMap((result) => E.isLeft(result) ? of(E.left(result.left)) : next(result.right)));
}

function done<A>(result: E.Either<Drop, A>): Flow<A> {
  return of(result);
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Cannot create edit stage as '${name}' must be a positive integer: current value is ${value}`);
  }
}

/**
 * The editing stage: one `Right<EditedTrajectory>` or one `Left<Rejection>` per rollout, in the
 * order the edits finish. Rejection types: `format-error`, `attempt-too-long`, `critique-error`,
 * `expert-judged-correct`, `wrong-no-edit`, `improve-not-legitimate`, `invalid-content`,
 * `improve-limit`, `endpoint-failed`.
 *
 * Rules as the official editor applies them (`models/rl/<task>.py`):
 * - an already-correct rollout whose last attempt already has a feedback line keeps that line
 *   (`_add_last_feedback`); otherwise the terminal feedback is added;
 * - FBK runs on every attempt (one call at a time), then the attempts are walked in order; an
 *   `[ERROR]` on an attempt after the edit point does not matter;
 * - a bad improvement keeps the student's turns before the edited attempt, as the official merge
 *   does: `x, ŷ0, f̂0, …, ŷi, fi` (just `x, ŷ0, f0` for a one-attempt rollout);
 * - an update judged correct that fails `hasValidContent` ends the edit (`invalid-content`): the
 *   official loop would call IMP with a feedback that names no error and drop the sample.
 *
 * @throws {RangeError} when `maxUpdates`, `maxAttemptWords` or `concurrency` is not a positive integer
 *
 * @example Edit rollouts with the scripted expert
 * ```ts
 * rollouts$.pipe(edit(scriptedExpert(task), { task, concurrency: 8 }))
 *   .subscribe((result) => console.log(result));
 * ```
 */
export function edit(expert: Expert, options: EditOptions): OperatorFunction<Rollout, E.Either<Rejection, EditedTrajectory>> {
  const { task, maxUpdates = 5, concurrency = 4, isFatal = () => false } = options;
  const format = options.format ?? officialFormat(task);
  const maxAttemptWords = options.maxAttemptWords ?? DEFAULT_MAX_ATTEMPT_WORDS[task.name];
  checkPositiveInteger("maxUpdates", maxUpdates);
  checkPositiveInteger("maxAttemptWords", maxAttemptWords);
  checkPositiveInteger("concurrency", concurrency);
  const context: Context = { expert, task, format, maxUpdates, maxAttemptWords };
  return mergeMap(
    (rollout: Rollout) =>
      defer(() => editOne(context, rollout)).pipe(
        map(E.mapLeft((drop: Drop) => toRejection(rollout.problem.id, rollout.iteration, drop))),
        catchError((error: unknown) =>
          isFatal(error) ? throwError(() => error) : of(E.left<Rejection, EditedTrajectory>(
            toRejection(rollout.problem.id, rollout.iteration, {
              type: "endpoint-failed",
              reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            }),
          ))
        ),
      ),
    concurrency,
  );
}

interface Context {
  readonly expert: Expert;
  readonly task: Task;
  readonly format: TrajectoryFormat;
  readonly maxUpdates: number;
  readonly maxAttemptWords: number;
}

/** One expert call: its first value; completing without one is an endpoint failure. */
function call<A>(source: Observable<A>): Observable<A> {
  return source.pipe(first());
}

function editOne(context: Context, rollout: Rollout): Flow<EditedTrajectory> {
  const { task, format } = context;
  const { problem } = rollout;
  const read = readRollout(problem, rollout.continuation, format);
  if (E.isLeft(read)) return done(read);
  const turns = read.right;
  const last = turns[turns.length - 1] as StudentTurn;
  const claims = studentClaims(turns, format);
  const trajectory = (outcome: EditOutcome, edited: EditedTurn[]): EditedTrajectory => ({
    id: problem.id,
    problem,
    iteration: rollout.iteration,
    ...(rollout.pass === undefined ? {} : { pass: rollout.pass }),
    format: format.name,
    outcome,
    turns: edited,
  });
  // The student's own turns, kept as written; `verdicts` gives the official wording where the
  // format has its own (they agree with the student's feedback wherever this is used).
  const studentTurn = (turn: StudentTurn, index: number, verdict?: Verdict): EditedTurn => {
    const line = turn.written.feedbackLine ?? "";
    const feedback = format.name === "tripost"
      ? line.replace(/^Feedback:\s*/, "")
      : verdict?.feedback ?? officialFeedbackOf(claims[index], line, turn.official);
    return {
      attempt: turn.official,
      feedback,
      by: { attempt: "student", feedback: "student" },
      written: { attempt: turn.written.attempt, feedbackLine: line },
    };
  };

  // Rule 2: already correct — kept as it is; the student's intermediate feedback is not checked.
  // The official check runs on the prediction's text, whose last line is the student's feedback
  // when it wrote an error feedback on its last attempt (the official inference strips only a
  // terminal "correct" one): `has_valid_content` reads that line too (see `alreadyCorrectText`).
  const lastIndex = turns.length - 1;
  const trailingClaim = claims[lastIndex];
  const trailingFeedback = last.written.feedbackLine !== undefined && trailingClaim?.correct !== true;
  const checkedText = trailingFeedback
    ? alreadyCorrectText(last.official, studentTurn(last, lastIndex).feedback)
    : last.official;
  if (hasCorrectAnswer(task, problem, last.official) && task.hasValidContent(checkedText, problem.answer, problem)) {
    const kept = turns.map((turn, index) => {
      // `_add_last_feedback`: a last feedback line is kept; a terminal "correct" one the student
      // wrote is what the official inference strips, so the terminal feedback replaces it.
      if (turn.written.feedbackLine !== undefined && (index < lastIndex || trailingFeedback)) return studentTurn(turn, index);
      const verdict = terminalVerdict(turn.official);
      return {
        attempt: turn.official,
        feedback: verdict.feedback,
        by: { attempt: "student", feedback: "expert" },
        written: { attempt: turn.written.attempt, feedbackLine: format.feedbackLine(verdict) },
      } satisfies EditedTurn;
    });
    return done(E.right(trajectory("original", kept)));
  }

  // Rule 3a: over-long attempts.
  const length = checkLength(turns, context.maxAttemptWords);
  if (E.isLeft(length)) return done(length);

  // Rule 3b: FBK on every attempt, one call at a time.
  const verdicts$ = defer(() => turns).pipe(
    concatMap((turn) => call(context.expert.critique(problem, turn.official))),
    toArray(),
  );
  return verdicts$.pipe(concatMap((verdicts): Flow<EditedTrajectory> => {
    // Rule 3c: where to edit.
    const point = findEditPoint(claims, verdicts, (verdict) => verdictClaimIn(format, verdict));
    if (E.isLeft(point)) return done(point);
    const verdictOf = (index: number): Verdict | undefined => {
      const result = verdicts[index];
      return result !== undefined && E.isRight(result) ? result.right : undefined;
    };
    if (point.right.type === "no-edit") {
      if (!hasCorrectAnswer(task, problem, last.official)) {
        return done(E.left({
          type: "wrong-no-edit",
          reason: "the student's feedback agrees with the expert's on every attempt but the answer is wrong",
        }));
      }
      return done(E.right(trajectory("agreed", turns.map((turn, index) => studentTurn(turn, index, verdictOf(index))))));
    }
    const { index, verdict } = point.right;
    const target = turns[index] as StudentTurn;
    const kept = turns.slice(0, index).map((turn, at) => studentTurn(turn, at, verdictOf(at)));
    const editedTurn: EditedTurn = {
      attempt: target.official,
      feedback: verdict.feedback,
      by: { attempt: "student", feedback: "expert" },
      written: { attempt: target.written.attempt, feedbackLine: format.feedbackLine(verdict) },
    };
    return andThen(improveLoop(context, problem, target.official, verdict, [], false), (result): Flow<EditedTrajectory> => {
      if (result.badImprovement) return done(E.right(trajectory("bad-improvement", [...kept, editedTurn])));
      const updates: EditedTurn[] = [];
      for (const update of result.updates) {
        const written = format.fromOfficial(problem, update.attempt);
        if (E.isLeft(written)) {
          return done(E.left({
            type: "format-error",
            reason: `the expert's update does not convert to the ${format.name} format: ${written.left.message}`,
          }));
        }
        // A continuation update must keep the lines before the error step as they were.
        const before = updates.at(-1)?.written ?? editedTurn.written;
        const continued = writtenUpdate(format, before.attempt, before.feedbackLine, written.right);
        if (E.isLeft(continued)) {
          return done(E.left({ type: "format-error", reason: `the expert's update cannot be written as a continuation: ${continued.left}` }));
        }
        updates.push({
          attempt: update.attempt,
          feedback: update.verdict.feedback,
          by: { attempt: "expert", feedback: "expert" },
          written: { attempt: written.right, feedbackLine: format.feedbackLine(update.verdict) },
        });
      }
      return done(E.right(trajectory("edited", [...kept, editedTurn, ...updates])));
    });
  }));
}

/**
 * The text the official editor runs `has_valid_content` on for a correct last attempt followed by
 * the student's own (error) feedback: the attempt, then that feedback line. The official rollout
 * keeps such a line as the prediction's last line (`SelfImprove_GPT_QA` strips only a terminal
 * "…also correct" line), and `LLMEditor.edit` checks the whole prediction, so:
 * - multistep arithmetic (and date understanding) read the last two lines, the final response and
 *   the feedback, and fail; the rollout goes to `_edit_single`, where FBK finds no error on the
 *   correct attempt and the sample is dropped (`expert-judged-correct`);
 * - word sorting (and, when the option's tokens are on the final response line, logical
 *   deduction) pass, and `_add_last_feedback` keeps the prediction with that feedback line.
 */
export function alreadyCorrectText(attempt: string, feedback: string): string {
  return `${attempt}\nFeedback: ${feedback}`;
}

interface Update {
  readonly attempt: string;
  readonly verdict: Verdict;
}

interface LoopResult {
  readonly updates: readonly Update[];
  readonly badImprovement: boolean;
}

/**
 * The IMP loop (`get_llm_answer_until_done`): improve, check the update is legitimate, judge it,
 * until the judgement is the terminal one (with valid content) or `maxUpdates` updates are made.
 */
function improveLoop(
  context: Context,
  problem: Problem,
  current: string,
  verdict: Verdict,
  updates: readonly Update[],
  badImprovement: boolean,
): Flow<LoopResult> {
  const { expert, task } = context;
  const step = updates.length + 1;
  return call(expert.improve(problem, current, verdict)).pipe(concatMap((improved): Flow<LoopResult> => {
    if (E.isLeft(improved)) {
      return done(E.left({ type: "improve-not-legitimate", reason: `update ${step}: the expert could not improve: ${improved.left.message}` }));
    }
    const next = cleanAttempt(improved.right);
    if (!isParsableAttempt(next)) {
      return done(E.left({
        type: "improve-not-legitimate",
        reason: `update ${step} is not parsable: it must end with a (Final response) line giving the answer and have no Q: line`,
      }));
    }
    const allowedSegmentCount = task.name === "word_sorting" && verdict.feedback.includes("is duplicated") ? 1 : 0;
    if (!madeProgress(current, next, verdict, { allowedSegmentCount })) {
      return done(E.left({
        type: "improve-not-legitimate",
        reason: `update ${step} made no progress on step (${verdict.errorStep ?? "?"})`,
      }));
    }
    return call(expert.critique(problem, next)).pipe(concatMap((judged): Flow<LoopResult> => {
      if (E.isLeft(judged)) {
        return done(E.left({ type: "critique-error", reason: `the expert could not judge update ${step}: ${judged.left.message}` }));
      }
      const nextVerdict = judged.right;
      const all = [...updates, { attempt: next, verdict: nextVerdict }];
      const bad = badImprovement || !feedbackProgressed(verdict, nextVerdict);
      if (isCorrectFeedback(nextVerdict.feedback)) {
        if (task.hasValidContent(next, problem.answer, problem)) return done(E.right({ updates: all, badImprovement: bad }));
        return done(E.left({
          type: "invalid-content",
          reason: `update ${step} is judged correct but fails the task's content check`,
        }));
      }
      const claim = verdictClaim(nextVerdict);
      if (claim === undefined || claim.errorStep === null) {
        return done(E.left({ type: "critique-error", reason: `the expert's feedback on update ${step} is not parsable: ${nextVerdict.feedback}` }));
      }
      if (all.length >= context.maxUpdates) {
        return done(E.left({
          type: "improve-limit",
          reason: `no correct update after ${context.maxUpdates} updates`,
        }));
      }
      return improveLoop(context, problem, next, nextVerdict, all, bad);
    }));
  }));
}

/**
 * The `Trajectory` record of an edited trajectory (`contract.md`), its text rendered in the
 * official format.
 */
export function toTrajectory(task: Task, trajectory: EditedTrajectory): Trajectory {
  const { problem } = trajectory;
  const turns = trajectory.turns.map((turn) => ({
    attempt: turn.attempt,
    feedback: turn.feedback,
    by: { attempt: turn.by.attempt, feedback: turn.by.feedback },
  }));
  return {
    id: trajectory.id,
    task: problem.task,
    question: problem.question,
    answer: problem.answer,
    turns,
    text: officialFormat(task).render(
      problem,
      turns.map((turn) => ({ attempt: turn.attempt, feedbackLine: `Feedback: ${turn.feedback}` })),
    ),
    iteration: trajectory.iteration,
  };
}
