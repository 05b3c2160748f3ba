/**
 * Student-like rollouts of the fake chain-sum task for properties: the gold rationale with one
 * step's result off by `delta` and the later steps computed consistently from the wrong value,
 * optionally followed by the student's own feedback and another attempt.
 */
import fc from "fast-check";
import type { Problem } from "../../src/codecs/problem.js";
import type { Rollout } from "../../src/stages/edit.js";
import { correctFeedback } from "../../src/tasks/feedback.js";
import type { TrajectoryFormat } from "../../src/tasks/trajectory_format.js";
import { addLine, fakeTask, finalLine, sumProblem } from "./_fake_task.js";

/** An official attempt at `operands` whose step `wrongStep` (1-based; 0 = none) is off by `delta`. */
export function studentAttempt(operands: readonly number[], wrongStep: number, delta: number): string {
  const lines: string[] = [];
  let running = operands[0] as number;
  for (let step = 1; step < operands.length; step++) {
    const b = operands[step] as number;
    const c = running + b + (step === wrongStep ? delta : 0);
    lines.push(addLine(step, running, b, c));
    running = c;
  }
  lines.push(finalLine(running + (wrongStep === operands.length ? delta : 0)));
  return lines.join("\n");
}

/** What a generated rollout looks like. */
export interface RolloutShape {
  readonly operands: number[];
  readonly wrongStep: number;
  readonly delta: number;
  /** The student's feedback after the first attempt: none, claims correct, or the expert's own. */
  readonly feedback: "none" | "correct" | "expert";
  /** A second attempt after the feedback (when there is feedback), wrong at this step (0 = correct). */
  readonly secondWrongStep: number;
}

/** An arbitrary rollout shape. */
export const rolloutShape: fc.Arbitrary<RolloutShape> = fc
  .array(fc.integer({ min: -9, max: 9 }), { minLength: 2, maxLength: 4 })
  .chain((operands) =>
    fc.record({
      operands: fc.constant(operands),
      wrongStep: fc.integer({ min: 0, max: operands.length }),
      delta: fc.integer({ min: 1, max: 3 }),
      feedback: fc.constantFrom("none" as const, "correct" as const, "expert" as const),
      secondWrongStep: fc.integer({ min: 0, max: operands.length }),
    })
  );

/** The rollout of a shape, written in `format`. */
export function rolloutOf(id: string, shape: RolloutShape, format: TrajectoryFormat, iteration = 0): Rollout {
  const problem: Problem = sumProblem(id, shape.operands);
  const write = (attempt: string): string => {
    const written = format.fromOfficial(problem, attempt);
    if (written._tag === "Left") throw new Error(written.left.message);
    return written.right;
  };
  const first = studentAttempt(shape.operands, shape.wrongStep, shape.delta);
  let continuation = write(first);
  if (shape.feedback !== "none") {
    const verdict = fakeTask.critique!(problem, first);
    const feedbackVerdict = shape.feedback === "expert" && verdict._tag === "Right"
      ? verdict.right
      : { correct: true, errorStep: null, errorSegment: null, feedback: correctFeedback(String(shape.operands.length - 1)) };
    continuation += `\n${format.feedbackLine(feedbackVerdict)}\n${format.updateHeader(problem)}${
      write(studentAttempt(shape.operands, shape.secondWrongStep, shape.delta))
    }`;
  }
  return { problem, iteration, continuation };
}
