/**
 * The few-shot prompts of the LLM expert (`tripost.md` §5.2): the tabular FBK prompt and the
 * update (IMP) prompt that continues an attempt from its forced correct prefix, as raw text for
 * `/v1/completions`, and the chat wrappers for `/v1/chat/completions` (an explicit instruction,
 * or a user message and an assistant message the server continues: assistant prefill).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Problem } from "../codecs/problem.js";
import type { Task } from "../tasks/task.js";
import type { ExpertExample } from "./expert_example.js";
import { END_MARKER, formatFeedback, renderTabularError } from "./tabular_feedback.js";

function answerHeader(task: Task): string {
  return `Answer: Let's think step by step.${task.info}`;
}

function query(task: Task, question: string, attempt: string): string {
  return `Q: ${question}\n${answerHeader(task)}\n${attempt}`;
}

/**
 * The FBK prompt (`TEMPLATE_QA_FEEDBACK_TABULAR`): the examples, each a question, a wrong attempt
 * and its three error lines ending with `[END]`, then the question and the attempt to judge and
 * `Earliest error step:` for the model to continue.
 */
export function feedbackPrompt(task: Task, examples: readonly ExpertExample[], problem: Problem, attempt: string): string {
  const { context, answerStart } = feedbackPromptParts(task, examples, problem, attempt);
  return `${context}${answerStart}`;
}

/**
 * A prompt cut where the model's own answer starts: `context` (what a chat user message holds)
 * and `answerStart` (what an assistant-prefill message holds, for the model to continue).
 * `context + answerStart` is the raw prompt.
 */
export interface PromptParts {
  readonly context: string;
  readonly answerStart: string;
}

/** {@linkcode feedbackPrompt} cut before `Earliest error step:` (the start of the answer). */
export function feedbackPromptParts(task: Task, examples: readonly ExpertExample[], problem: Problem, attempt: string): PromptParts {
  const shots = examples.map((example) => `${query(task, example.question, example.attempt)}\n${renderTabularError(example)}`);
  return { context: `${shots.join("\n\n")}\n\n${query(task, problem.question, attempt)}\n`, answerStart: "Earliest error step:" };
}

function exampleFeedback(example: ExpertExample): string {
  const verdict = formatFeedback(example.attempt, example);
  if (E.isLeft(verdict)) {
    throw new TypeError(
      `Cannot build the update prompt as an example's error step is not in its attempt: current value is (${example.errorStep})`,
    );
  }
  return verdict.right.feedback;
}

/**
 * The update (IMP) prompt (`TEMPLATE_<TASK>_UPDATE`): the examples, each an attempt ending with
 * `[END]`, its feedback and the corrected attempt ending with `[END]`; then the attempt to improve,
 * its feedback, and `Updated Answer: Let's think step by step.{info}` followed by a newline and
 * `prefix` (the steps before the error step). A non-empty prefix is followed by a newline too, so
 * the model starts writing at the error step (the official prompt stops right after the prefix;
 * the model's first token is then the newline).
 *
 * @throws {TypeError} when an example's error step is not in its attempt
 */
export function improvePrompt(
  task: Task,
  examples: readonly ExpertExample[],
  problem: Problem,
  attempt: string,
  feedback: string,
  prefix: string,
): string {
  const { context, answerStart } = improvePromptParts(task, examples, problem, attempt, feedback, prefix);
  return `${context}${answerStart}`;
}

/**
 * {@linkcode improvePrompt} cut before `Updated Answer:`: the context ends with the feedback line,
 * and the answer start is the update header, a newline and the forced prefix (each of its lines
 * followed by a newline).
 *
 * @throws {TypeError} when an example's error step is not in its attempt
 */
export function improvePromptParts(
  task: Task,
  examples: readonly ExpertExample[],
  problem: Problem,
  attempt: string,
  feedback: string,
  prefix: string,
): PromptParts {
  const updateHeader = `Updated ${answerHeader(task)}`;
  const shots = examples.map((example) =>
    `${query(task, example.question, example.attempt)} ${END_MARKER}\nFeedback: ${exampleFeedback(example)}\n${updateHeader}\n${example.updated} ${END_MARKER}`
  );
  return {
    context: `${shots.join("\n\n")}\n\n${query(task, problem.question, attempt)} ${END_MARKER}\nFeedback: ${feedback}\n`,
    answerStart: `${updateHeader}\n${prefix === "" ? "" : `${prefix}\n`}`,
  };
}

// The parts the chat and prefill instructions share (their bytes are pinned by the cassettes).
const FEEDBACK_LEAD = "Below are worked examples of finding the earliest error in a step-by-step answer, then one more answer to judge. ";
const IMPROVE_LEAD = "Below are worked examples of correcting a step-by-step answer after feedback, then one more answer ";
const TABLE_LINES = "the three lines 'Earliest error step:', 'Error segment:' and 'Error reason:' ";
const TABLE_END = `exactly in the format of the examples, then ${END_MARKER}. Write nothing else.`;

/** The instruction put before the FBK prompt in a chat request. */
export const CHAT_FEEDBACK_INSTRUCTION = `${FEEDBACK_LEAD}Complete the last example only: write ${TABLE_LINES}${TABLE_END}`;

/** The instruction put before the IMP prompt in a chat request. */
export const CHAT_IMPROVE_INSTRUCTION = `${IMPROVE_LEAD}to correct. ` +
  "The last 'Updated Answer' is cut off: its lines so far are correct and must be kept. Continue it exactly where it stops: " +
  "write only the remaining lines, starting with the step the feedback names, in the format of the examples, " +
  `ending with the '(Final response)' line and ${END_MARKER}. Do not repeat the lines already given.`;

/**
 * The instruction put before the FBK context in an assistant-prefill request (the reply is
 * started with `Earliest error step:` for the model to continue).
 */
export const PREFILL_FEEDBACK_INSTRUCTION = `${FEEDBACK_LEAD}Reply with ${TABLE_LINES}for that last answer, ${TABLE_END}`;

/**
 * The instruction put before the IMP context in an assistant-prefill request (the reply is
 * started with the update header and the correct steps for the model to continue).
 */
export const PREFILL_IMPROVE_INSTRUCTION = `${IMPROVE_LEAD}with its feedback. ` +
  "Reply with its 'Updated Answer' in the format of the examples: keep the steps before the one the feedback names, " +
  `correct that step, finish with the '(Final response)' line and ${END_MARKER}.`;

/** A chat user message: the instruction, a blank line, then the raw prompt. */
export function chatMessage(instruction: string, prompt: string): string {
  return `${instruction}\n\n${prompt}`;
}
