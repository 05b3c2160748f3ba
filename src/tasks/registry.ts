/**
 * The tasks `tripost` knows, by name.
 *
 * @module
 */
import type { TaskName } from "../codecs/problem.js";
import { dateUnderstanding } from "./date_understanding/mod.js";
import { logicalDeduction } from "./logical_deduction/mod.js";
import { multistepArithmetic } from "./multistep_arithmetic/mod.js";
import type { Task } from "./task.js";
import { wordSorting } from "./word_sorting/mod.js";

const TASKS: Partial<Record<TaskName, Task>> = {
  multistep_arithmetic: multistepArithmetic,
  word_sorting: wordSorting,
  date_understanding: dateUnderstanding,
  logical_deduction: logicalDeduction,
};

/** Every task name, in the order of the paper. */
export const TASK_NAMES: readonly TaskName[] = [
  "multistep_arithmetic",
  "word_sorting",
  "date_understanding",
  "logical_deduction",
];

/** The task called `name`, or `undefined` when there is none (yet) by that name. */
export function getTask(name: string): Task | undefined {
  return Object.hasOwn(TASKS, name) ? TASKS[name as TaskName] : undefined;
}

/** The names of the tasks that are implemented. */
export function availableTasks(): TaskName[] {
  return TASK_NAMES.filter((name) => TASKS[name] !== undefined);
}
