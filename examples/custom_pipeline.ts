/**
 * A custom TriPosT pipeline composed from the exported operators: the embedded student, the
 * scripted expert wrapped so that it never rewrites a final answer line, and an extra filter that
 * keeps only the trajectories the expert edited. The README shows this code; a test runs it.
 */
import * as E from "fp-ts/lib/Either.js";
import { from, lastValueFrom, of, toArray } from "rxjs";
import {
  compactFormat,
  createStudentModel,
  edit,
  type EditedTrajectory,
  type Expert,
  filterTrajectories,
  generate,
  multistepArithmetic,
  rebalanceExamples,
  scriptedExpert,
  splitTrajectory,
  whenRight,
} from "tripost";

/** Runs the custom pipeline on `count` easy problems and returns what it made. */
export async function runCustomPipeline(checkpoint: string, count = 40) {
  const task = multistepArithmetic;
  const format = compactFormat(task)!;
  const student = createStudentModel(checkpoint);
  const scripted = scriptedExpert(task);
  const expert: Expert = {
    critique: scripted.critique,
    improve: (problem, attempt, verdict) =>
      verdict.errorStep === "Final response"
        ? of(E.left({ type: "parse-error" as const, line: 0, message: "this expert does not rewrite answers" }))
        : scripted.improve(problem, attempt, verdict),
  };
  const problems = task.generate({ count, seed: 7, difficulty: "easy" });
  const outcomes = await lastValueFrom(from(problems).pipe(
    generate(student, { format, seed: 7 }),
    whenRight(edit(expert, { task, format })),
    filterTrajectories<EditedTrajectory>((trajectory) => trajectory.outcome === "edited", { type: "not-edited" }),
    toArray(),
  ));
  const examples = outcomes.filter(E.isRight).flatMap((outcome) => splitTrajectory(outcome.right, { format, weight: 1.5 }));
  const { examples: balanced, stats } = rebalanceExamples(examples, { improveDataRatio: 1.5, seed: 7 });
  await student.close();
  return { problems, outcomes, examples: balanced, stats };
}
