import { UsageError } from "../errors.js";
import { availableTasks, getTask } from "../tasks/registry.js";
import type { Task } from "../tasks/task.js";

/** The task a `--task` flag names; a usage error when there is no such task. */
export function taskFromFlag(name: string): Task {
  const task = getTask(name);
  if (task === undefined) {
    throw new UsageError(
      `Cannot use '--task ${name}' as it must be one of ${availableTasks().join(", ")}: current value is '${name}'`,
    );
  }
  return task;
}
