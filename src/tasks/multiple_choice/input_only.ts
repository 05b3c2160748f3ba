/**
 * The parts of a {@linkcode Task} that a task without a generator or a solver shares: problems
 * come from input files, and the gold rationale from the official rows.
 *
 * @module
 */
import type { Problem, TaskName } from "../../codecs/problem.js";
import type { GenerateProblemsOptions } from "../task.js";

/**
 * `generate` of a task whose problems come only from input files: always a `RangeError` that
 * says which files to give instead.
 *
 * @throws {RangeError} always
 */
export function noGenerator(task: TaskName): (options: GenerateProblemsOptions) => Problem[] {
  return () => {
    throw new RangeError(
      `Cannot generate '${task}' problems as the task has no generator: give its problems as a file (a BIG-Bench-Hard task file or official TriPosT rows)`,
    );
  };
}

/**
 * `solve` of a task without a scripted solver: the problem's gold rationale, `meta.rationale`, as
 * the official `*_baseline_rationale_*` rows carry it.
 *
 * @throws {RangeError} when the problem has no `meta.rationale` string
 */
export function rationaleFromMeta(task: TaskName): (problem: Problem) => string {
  return (problem) => {
    const rationale = problem.meta?.["rationale"];
    if (typeof rationale !== "string" || rationale.trim() === "") {
      throw new RangeError(
        `Cannot give the gold rationale of '${task}' problem '${problem.id}' as the task has no solver and the problem no 'meta.rationale': load it from the official rationale rows`,
      );
    }
    return rationale;
  };
}
