import { UsageError } from "../errors.js";
import { llmExpert } from "../experts/llm_expert.js";
import { type Expert, scriptedExpert } from "../stages/expert.js";
import type { Task } from "../tasks/task.js";
import type { Model } from "../models/model.js";
import type { CliIo } from "./_command.js";
import { type EndpointSettings, isHttpSpec, resolveModel } from "./_models.js";

/**
 * How to reach an HTTP expert: the CLI's io (for the API key's environment variable) and the
 * endpoint settings given by `--expert-model` (`modelName`), `--expert-api-key-env` (`apiKeyEnv`)
 * and the like, as the caller reads them.
 */
export interface ExpertSettings extends EndpointSettings {
  readonly io: CliIo;
  /** The most tokens per expert call. @default {2048} */
  readonly maxTokens?: number;
  /**
   * Wraps the expert's model for its FBK (`critique`) and its IMP (`improve`) calls, e.g. with
   * the run's journal so `--resume` re-issues no completed call, and with a usage meter; `label`
   * is the endpoint without credentials.
   */
  readonly wrap?: (model: Model, role: "critique" | "improve", label: string) => Model;
}

/** A resolved expert, what to show of it, and how to release its model. */
export type ResolvedExpert = Expert & {
  /** `scripted`, or the endpoint without credentials. */
  readonly label: string;
  close(): Promise<void>;
};

/**
 * The expert a spec names: `scripted` (the task's scripted FBK and IMP), or an `http(s)://…/v1`
 * OpenAI-compatible server reached through {@linkcode resolveModel} with `settings`, prompted with
 * the LLM expert's few-shot prompts (`endpoint` picks raw completions, chat with an instruction,
 * or chat with assistant prefill).
 */
export function resolveExpert(task: Task, spec: string, settings?: ExpertSettings): ResolvedExpert {
  if (spec === "scripted") {
    if (task.critique === undefined || task.improve === undefined) {
      throw new UsageError(`Cannot use the scripted expert as task '${task.name}' has none: name an LLM expert`);
    }
    return { ...scriptedExpert(task), label: "scripted", close: () => Promise.resolve() };
  }
  if (!isHttpSpec(spec)) {
    throw new UsageError(`Cannot use the expert '${spec}': name scripted or an http(s)://…/v1 URL`);
  }
  if (settings === undefined) {
    throw new UsageError(`Cannot use the expert '${spec}' here: this command supports only the scripted expert`);
  }
  const resolved = resolveModel(settings.io, spec, settings);
  let expert: Expert;
  try {
    const wrap = settings.wrap;
    expert = llmExpert(wrap === undefined ? resolved.model : {
      critique: wrap(resolved.model, "critique", resolved.label),
      improve: wrap(resolved.model, "improve", resolved.label),
    }, {
      task,
      endpoint: settings.endpoint ?? "completions",
      ...(settings.maxTokens === undefined ? {} : { maxTokens: settings.maxTokens }),
    });
  } catch (error) {
    void resolved.close();
    throw new UsageError(`Cannot use an LLM expert for task '${task.name}': ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ...expert, label: resolved.label, close: () => resolved.close() };
}
