import { UsageError } from "../errors.js";
import { type Expert, scriptedExpert } from "../stages/expert.js";
import type { Task } from "../tasks/task.js";

/** The expert a spec names. Only `scripted` so far; LLM experts come with their prompts. */
export function resolveExpert(task: Task, spec: string): Expert {
  if (spec !== "scripted") {
    throw new UsageError(`Cannot use the expert '${spec}' yet: only 'scripted' is supported`);
  }
  if (task.critique === undefined || task.improve === undefined) {
    throw new UsageError(`Cannot use the scripted expert as task '${task.name}' has none: name an LLM expert`);
  }
  return scriptedExpert(task);
}
