/**
 * Splitting edited trajectories into training examples (`tripost.md` §6, `convert_to_turns`), in
 * the student's format, with the loss weight from the first feedback line on (§7.1).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { map, type OperatorFunction, pipe } from "rxjs";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import type { TrainingExample } from "../codecs/training_example.js";
import { isCorrectFeedback } from "../tasks/feedback.js";
import { goldRationale, type ParseError, type Task } from "../tasks/task.js";
import { type TrajectoryFormat, weightAnchor, writtenUpdate } from "../tasks/trajectory_format.js";
import { terminalVerdict } from "./_edit_rules.js";
import type { EditedTrajectory } from "./edit.js";
import { exampleId } from "./example_id.js";

/** Options for {@linkcode split} and {@linkcode splitTrajectory}. */
export interface SplitOptions {
  /** The student's format: the one the trajectories were edited in. */
  readonly format: TrajectoryFormat;
  /** The loss weight from the first feedback line on (`self_improve_section_weight`). @default {1.5} */
  readonly weight?: number;
}

function checkWeight(weight: number): void {
  if (!Number.isFinite(weight) || weight <= 0) {
    throw new RangeError(`Cannot split trajectories as 'weight' must be a positive number: current value is ${weight}`);
  }
}

/** The id of a trajectory's example: its id, with the pass when there is one ({@linkcode exampleId}). */
function idOf(trajectory: EditedTrajectory, suffix: string): string {
  return exampleId({ problemId: trajectory.id, ...(trajectory.pass === undefined ? {} : { pass: trajectory.pass }), suffix });
}

/**
 * The training examples of one edited trajectory, in the student's format:
 *
 * - each consecutive (ŷi, fi, ŷi+1) → an `improvement` example: prompt, ŷi, the feedback line,
 *   the update header, ŷi+1 (it ends after the updated attempt); id `<id>#si<i>`. ŷi is the full
 *   attempt; ŷi+1 is written as the format writes updates ({@linkcode writtenUpdate}: with
 *   continuation updates, from the step fi names on). An update the format cannot write (a
 *   continuation that changes its prefix; the edit stage never makes one) gives no example;
 * - the last (ŷn, fn) of a trajectory with updates → a `terminal` example; id `<id>#t`;
 * - a trajectory of one attempt whose feedback is the terminal one → a `correct` example with
 *   weight 1 throughout; id `<id>#c`;
 * - a trajectory of one attempt with an error feedback (a bad improvement) → a `terminal`
 *   example with the feedback weighted; id `<id>#t`.
 *
 * Weighted examples carry `weightFrom = weightAnchor(format, text)`. A trajectory of pass `p`
 * has ids `<id>@<p>#…`.
 */
export function splitTrajectory(trajectory: EditedTrajectory, options: SplitOptions): TrainingExample[] {
  const { format, weight = 1.5 } = options;
  const { problem, turns } = trajectory;
  const prompt = format.prompt(problem);
  const weighted = (id: string, kind: TrainingExample["kind"], text: string): TrainingExample => ({
    id,
    kind,
    text,
    weightFrom: weightAnchor(format, text),
    weight,
  });
  const examples: TrainingExample[] = [];
  for (let index = 0; index + 1 < turns.length; index++) {
    const before = turns[index]!;
    const after = turns[index + 1]!;
    const update = writtenUpdate(format, before.written.attempt, before.written.feedbackLine, after.written.attempt);
    if (E.isLeft(update)) continue;
    const text = `${prompt}${before.written.attempt}\n${before.written.feedbackLine}\n${format.updateHeader(problem)}${update.right}`;
    examples.push(weighted(idOf(trajectory, `si${index}`), "improvement", text));
  }
  const last = turns.at(-1);
  if (last === undefined) return examples;
  const text = `${prompt}${last.written.attempt}\n${last.written.feedbackLine}`;
  if (turns.length === 1 && isCorrectFeedback(last.feedback)) {
    examples.push({ id: idOf(trajectory, "c"), kind: "correct", text, weightFrom: 0, weight: 1 });
  } else {
    examples.push(weighted(idOf(trajectory, "t"), "terminal", text));
  }
  return examples;
}

/** An edited trajectory with its training examples ({@linkcode splitKeeping}). */
export interface SplitTrajectory {
  readonly trajectory: EditedTrajectory;
  readonly examples: TrainingExample[];
}

/**
 * The split stage that keeps the trajectory with its examples: one `Right` per edited
 * trajectory, or a `Left` when it was edited in another format than `options.format`
 * (`format-mismatch`). The collection uses it, since it writes both.
 *
 * @throws {RangeError} when `weight` is not a positive number
 *
 * @example
 * ```ts
 * rollouts$.pipe(edit(expert, { task, format }), whenRight(splitKeeping({ format })));
 * ```
 */
export function splitKeeping(options: SplitOptions): OperatorFunction<EditedTrajectory, E.Either<Rejection, SplitTrajectory>> {
  checkWeight(options.weight ?? 1.5);
  return map((trajectory) =>
    trajectory.format === options.format.name
      ? E.right({ trajectory, examples: splitTrajectory(trajectory, options) })
      : E.left({
        id: trajectory.id,
        type: "format-mismatch",
        reason: `the trajectory is written in the ${trajectory.format} format, not ${options.format.name}`,
        iteration: trajectory.iteration,
      })
  );
}

/**
 * The split stage: one `Right` with the examples of each edited trajectory, or a `Left` when the
 * trajectory was edited in another format than `options.format` (`format-mismatch`).
 *
 * @throws {RangeError} when `weight` is not a positive number
 *
 * @example
 * ```ts
 * rollouts$.pipe(edit(expert, { task, format }), whenRight(split({ format })));
 * ```
 */
export function split(options: SplitOptions): OperatorFunction<EditedTrajectory, E.Either<Rejection, TrainingExample[]>> {
  return pipe(splitKeeping(options), map(E.map((kept: SplitTrajectory) => kept.examples)));
}

/**
 * The gold example of a problem: the prompt, the task's gold rationale in `format`, and the
 * terminal feedback line; kind `gold`, weight 1 throughout, id `<problem id>#gold`. A `Left`
 * when the problem has no gold rationale (a date understanding problem read from a
 * BIG-Bench-Hard file) or the rationale does not convert to `format`.
 */
export function goldExample(task: Task, format: TrajectoryFormat, problem: Problem): E.Either<ParseError, TrainingExample> {
  const gold = goldRationale(task, problem);
  if (E.isLeft(gold)) return gold;
  const rationale = gold.right;
  return E.map((written: string): TrainingExample => ({
    id: exampleId({ problemId: problem.id, suffix: "gold" }),
    kind: "gold",
    text: `${format.prompt(problem)}${written}\n${format.feedbackLine(terminalVerdict(rationale))}`,
    weightFrom: 0,
    weight: 1,
  }))(format.fromOfficial(problem, rationale));
}
