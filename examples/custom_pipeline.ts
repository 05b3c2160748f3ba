/**
 * A custom TriPosT pipeline composed from the operators a collection runs in production
 * (`collectPass` and `collectInto`): problems on demand (`withDemand`), the embedded student
 * (`generate`), the scripted expert wrapped so that it never rewrites a final answer line
 * (`whenRight(edit)`), an extra filter that keeps only the trajectories the expert edited, the
 * split (`whenRight(splitKeeping)`), input order restored (`reorder`), and the iteration's
 * rebalancer as the barrier. The README shows this code; a test runs it.
 */
import * as E from "fp-ts/lib/Either.js";
import { lastValueFrom, map, of, pipe, tap, toArray } from "rxjs";
import {
  compactFormat,
  createRebalancer,
  createStudentModel,
  edit,
  type EditedTrajectory,
  type Expert,
  filterTrajectories,
  generate,
  multistepArithmetic,
  reorder,
  scriptedExpert,
  splitKeeping,
  type TrainingExample,
  whenRight,
  withDemand,
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
  const position = new Map(problems.map((problem, index) => [problem.id, index]));
  const rebalancer = createRebalancer({ improveDataRatio: 1.5, seed: 7 });
  const split: TrainingExample[] = [];
  const outcomes = await lastValueFrom(
    withDemand(
      problems,
      pipe(
        generate(student, { format, seed: 7 }),
        whenRight(edit(expert, { task, format })),
        filterTrajectories<EditedTrajectory>((trajectory) => trajectory.outcome === "edited", { type: "not-edited" }),
        whenRight(splitKeeping({ format, weight: 1.5 })),
        reorder((outcome) => position.get(E.isLeft(outcome) ? outcome.left.id : outcome.right.trajectory.id) ?? -1),
      ),
      { window: 32 },
    ).pipe(
      // Each example to the rebalancer as it leaves (production writes it to examples.jsonl first).
      tap((outcome) => {
        if (E.isRight(outcome)) for (const example of outcome.right.examples) rebalancer.add(example, split.push(example) - 1);
      }),
      map(E.map(({ trajectory }) => trajectory)),
      toArray(),
    ),
  );
  rebalancer.endPass();
  const { order, stats } = rebalancer.finish();
  await student.close();
  return { problems, outcomes, examples: order.map((ref) => split[ref] as TrainingExample), stats };
}
