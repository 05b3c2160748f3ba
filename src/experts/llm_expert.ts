/**
 * The LLM expert (`tripost.md` §3.2, §5.2): FBK and IMP as few-shot prompts to an
 * OpenAI-compatible model behind the Model port.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { defer, map, type Observable, of } from "rxjs";
import type { ModelRequest, ModelResponse } from "../codecs/model_call.js";
import type { Verdict } from "../codecs/critique.js";
import type { Problem } from "../codecs/problem.js";
import type { Model } from "../models/model.js";
import type { Expert } from "../stages/expert.js";
import { correctFeedback } from "../tasks/feedback.js";
import { lastNumberedStepId, prefixBefore } from "../tasks/steps.js";
import type { ParseError, Task } from "../tasks/task.js";
import type { ExpertExample } from "./expert_example.js";
import {
  CHAT_FEEDBACK_INSTRUCTION,
  CHAT_IMPROVE_INSTRUCTION,
  chatMessage,
  feedbackPromptParts,
  improvePromptParts,
  PREFILL_FEEDBACK_INSTRUCTION,
  PREFILL_IMPROVE_INSTRUCTION,
  type PromptParts,
} from "./expert_prompts.js";
import { DATE_UNDERSTANDING_EXAMPLES } from "./prompts/date_understanding.js";
import { LOGICAL_DEDUCTION_EXAMPLES } from "./prompts/logical_deduction.js";
import { MULTISTEP_ARITHMETIC_EXAMPLES } from "./prompts/multistep_arithmetic.js";
import { WORD_SORTING_EXAMPLES } from "./prompts/word_sorting.js";
import { END_MARKER, endMarkerIndex, parseTabularFeedback } from "./tabular_feedback.js";

/** Our few-shot examples per task. */
export const DEFAULT_EXAMPLES: Readonly<Partial<Record<Task["name"], readonly ExpertExample[]>>> = {
  multistep_arithmetic: MULTISTEP_ARITHMETIC_EXAMPLES,
  word_sorting: WORD_SORTING_EXAMPLES,
  date_understanding: DATE_UNDERSTANDING_EXAMPLES,
  logical_deduction: LOGICAL_DEDUCTION_EXAMPLES,
};

/**
 * How the expert prompts its model: `completions` (a raw prompt, continued as it is), `chat` (one
 * user message with an explicit instruction) or `chat-prefill` (a user message and an assistant
 * message the server continues).
 */
export type LlmExpertEndpoint = "completions" | "chat" | "chat-prefill";

/** The expert's models: one for FBK calls and one for IMP calls (often the same model, counted apart). */
export interface ExpertModels {
  readonly critique: Model;
  readonly improve: Model;
}

/** Options for {@linkcode llmExpert}. */
export interface LlmExpertOptions {
  /** The task of the problems. */
  readonly task: Task;
  /**
   * `completions`: raw prompts, continued as they are. `chat`: one user message, the same prompt
   * after an explicit instruction to complete the last example (FBK) or to continue the cut-off
   * updated answer from where it stops (IMP). `chat-prefill`: a user message with an instruction,
   * the examples and the case up to where the answer starts, then an assistant message holding the
   * start of the answer — `Earliest error step:` (FBK), or the update header and the forced correct
   * prefix (IMP) — which the server continues (assistant prefill: send the requests through an
   * HTTP model whose endpoint is `chat-prefill`). The reply is the continuation only.
   * @default {"completions"}
   */
  readonly endpoint?: LlmExpertEndpoint;
  /** The few-shot examples. @default {the task's entry in DEFAULT_EXAMPLES} */
  readonly fewShot?: readonly ExpertExample[];
  /** Sampling temperatures. @default {{ critique: 0, improve: 0.7 }} */
  readonly temperatures?: { readonly critique?: number; readonly improve?: number };
  /** The most tokens per call. @default {2048} */
  readonly maxTokens?: number;
}

function parseError(message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line: 0, message });
}

function firstText(response: ModelResponse): string | undefined {
  return response.choices[0]?.text;
}

function checkTemperature(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`Cannot create LLM expert as '${name}' must be a non-negative number: current value is ${value}`);
  }
}

/** `clean_attempt`: the lines up to a new `Q:`, `Options:`, `Feedback:` or `Updated Answer:` line. */
export function cleanExpertAttempt(text: string): string {
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (/^(Q:|Options:|Feedback:|Updated Answer:)/.test(line)) break;
    kept.push(line);
  }
  return kept.join("\n").trim();
}

/**
 * Whether a line opening a chat reply is talk about the answer rather than part of it: a code
 * fence, a blank line, or a short lead-in such as "Sure! Here is the corrected answer:" (a line
 * that ends with a colon and is not a numbered step).
 */
export function isChatLeadIn(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed === "" || /^```/.test(trimmed)) return true;
  if (/^\(/.test(trimmed)) return false;
  return /^(sure|certainly|of course|okay|ok|here|below|continuing|i will|i'll|let me)\b/i.test(trimmed) || /:$/.test(trimmed) && trimmed.length <= 80;
}

// A chat reply may open with a lead-in, restate the header and the given prefix before
// continuing, and close a code fence: drop all of them.
function dropRestatedPrefix(continuation: string, prefix: string): string {
  let lines = continuation.replace(/^\n+/, "").split("\n");
  while (lines.length > 0 && (isChatLeadIn(lines[0] ?? "") || /^(Updated Answer:|Answer:|Let's think step by step)/.test(lines[0] ?? ""))) {
    lines = lines.slice(1);
  }
  while (lines.length > 0 && /^\s*(```)?\s*$/.test(lines[lines.length - 1] ?? "")) lines = lines.slice(0, -1);
  const given = prefix === "" ? [] : prefix.split("\n");
  if (given.length > 0 && given.every((line, index) => lines[index]?.trim() === line.trim())) {
    lines = lines.slice(given.length);
  }
  return lines.join("\n");
}

/**
 * The new attempt IMP's output gives: `prefix`, then the continuation up to `[END]` (in any letter
 * case: {@linkcode endMarkerIndex}), cleaned by `clean_attempt`.
 */
export function joinContinuation(prefix: string, continuation: string, chat: boolean): string {
  const end = endMarkerIndex(continuation);
  const cut = end === undefined ? continuation : continuation.slice(0, end);
  const rest = chat ? dropRestatedPrefix(cut, prefix) : cut.replace(/^\n+/, "");
  return cleanExpertAttempt(prefix === "" ? rest : `${prefix}\n${rest}`);
}

/**
 * An expert whose FBK and IMP are few-shot prompts to `model` (`tripost.md` §5.2).
 *
 * FBK: when the attempt's answer is the gold answer and `hasValidContent` holds, the fixed
 * terminal feedback, with no call (as the official code does). Otherwise one call with the
 * tabular prompt at temperature 0, stop `[END]`; an output that names no step, a step the attempt
 * does not have, or no segment or reason is a `Left` (the official `[ERROR]`).
 *
 * IMP: one call with the update prompt at temperature 0.7, stop `[END]`; the new attempt is the
 * steps before the verdict's error step, then the model's continuation, cut at any new `Q:`,
 * `Options:`, `Feedback:` or `Updated Answer:` line. A `Left` when the verdict names no error step
 * or the result is empty.
 *
 * @throws {TypeError} when there are no few-shot examples for the task
 * @throws {RangeError} when a temperature is negative or `maxTokens` is not a positive integer
 *
 * @example
 * ```ts
 * const expert = llmExpert(createHttpModel({ baseUrl: "http://127.0.0.1:8000/v1", model: "big" }), { task: wordSorting });
 * expert.critique(problem, attempt).subscribe(console.log);
 * ```
 */
export function llmExpert(model: Model | ExpertModels, options: LlmExpertOptions): Expert {
  const { task, endpoint = "completions", maxTokens = 2048 } = options;
  const models: ExpertModels = typeof model === "function" ? { critique: model, improve: model } : model;
  const critiqueTemperature = options.temperatures?.critique ?? 0;
  const improveTemperature = options.temperatures?.improve ?? 0.7;
  const examples = options.fewShot ?? DEFAULT_EXAMPLES[task.name];
  if (examples === undefined || examples.length === 0) {
    throw new TypeError(
      `Cannot create LLM expert as task '${task.name}' has no few-shot examples: current value is ${examples === undefined ? "undefined" : "[]"}`,
    );
  }
  checkTemperature("temperatures.critique", critiqueTemperature);
  checkTemperature("temperatures.improve", improveTemperature);
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RangeError(`Cannot create LLM expert as 'maxTokens' must be a positive integer: current value is ${maxTokens}`);
  }
  if (endpoint !== "completions" && endpoint !== "chat" && endpoint !== "chat-prefill") {
    throw new TypeError(`Cannot create LLM expert as 'endpoint' must be completions, chat or chat-prefill: current value is ${String(endpoint)}`);
  }
  const chat = endpoint !== "completions";
  const request = (parts: PromptParts, kind: "critique" | "improve", temperature: number): ModelRequest => {
    const sampling = { temperature, maxTokens, stop: [END_MARKER] };
    switch (endpoint) {
      case "completions":
        return { prompt: `${parts.context}${parts.answerStart}`, ...sampling };
      case "chat": {
        const instruction = kind === "critique" ? CHAT_FEEDBACK_INSTRUCTION : CHAT_IMPROVE_INSTRUCTION;
        return { messages: [{ role: "user", content: chatMessage(instruction, `${parts.context}${parts.answerStart}`) }], ...sampling };
      }
      case "chat-prefill": {
        const instruction = kind === "critique" ? PREFILL_FEEDBACK_INSTRUCTION : PREFILL_IMPROVE_INSTRUCTION;
        // Chat templates strip the final message's trailing whitespace when they leave it open,
        // so the answer start is sent without its last newline and the model writes it.
        return {
          messages: [
            { role: "user", content: chatMessage(instruction, parts.context.trimEnd()) },
            { role: "assistant", content: parts.answerStart.replace(/\n+$/, "") },
          ],
          ...sampling,
        };
      }
    }
  };
  const critique = (problem: Problem, attempt: string): Observable<E.Either<ParseError, Verdict>> =>
    defer(() => {
      const answer = task.extractAnswer(attempt);
      if (answer !== undefined && task.isCorrectAnswer(answer, problem.answer) && task.hasValidContent(attempt, problem.answer, problem)) {
        return of(E.right({
          correct: true,
          errorStep: null,
          errorSegment: null,
          feedback: correctFeedback(lastNumberedStepId(attempt) ?? "1", "llm"),
        }));
      }
      const parts = feedbackPromptParts(task, examples, problem, attempt);
      return models.critique(request(parts, "critique", critiqueTemperature)).pipe(
        map((response) => {
          const text = firstText(response);
          return text === undefined ? parseError("Cannot read the FBK output as the response has no choice") : parseTabularFeedback(text, attempt);
        }),
      );
    });
  return {
    critique,
    improve: (problem, attempt, verdict) =>
      defer(() => {
        if (verdict.errorStep === null) {
          return of(parseError("Cannot improve an attempt as the verdict names no error step"));
        }
        const prefix = prefixBefore(attempt, verdict.errorStep);
        const parts = improvePromptParts(task, examples, problem, attempt, verdict.feedback, prefix);
        return models.improve(request(parts, "improve", improveTemperature)).pipe(
          map((response): E.Either<ParseError, string> => {
            const text = firstText(response);
            if (text === undefined) return parseError("Cannot read the IMP output as the response has no choice");
            const next = joinContinuation(prefix, text, chat);
            return next === "" ? parseError("Cannot improve an attempt as the IMP output is empty") : E.right(next);
          }),
        );
      }),
  };
}
