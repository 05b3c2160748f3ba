import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import type { ExpertExample } from "../../src/experts/expert_example.js";
import { DEFAULT_EXAMPLES } from "../../src/experts/llm_expert.js";
import { DATE_UNDERSTANDING_EXAMPLES, LOGICAL_DEDUCTION_EXAMPLES } from "../../src/experts/prompts/mod.js";
import { formatFeedback } from "../../src/experts/tabular_feedback.js";
import { dateUnderstanding } from "../../src/tasks/date_understanding/mod.js";
import { logicalDeduction } from "../../src/tasks/logical_deduction/mod.js";
import { parseOptions } from "../../src/tasks/multiple_choice/options.js";
import { madeProgress, prefixBefore, splitSteps } from "../../src/tasks/steps.js";
import type { Task } from "../../src/tasks/task.js";

// The gold letter of each example, worked out by hand (the question is not in the example).
const GOLD: Record<string, readonly string[]> = {
  date_understanding: ["A", "B", "A", "B"],
  logical_deduction: ["C", "A", "C", "C"],
};

describe.each([
  [dateUnderstanding, DATE_UNDERSTANDING_EXAMPLES],
  [logicalDeduction, LOGICAL_DEDUCTION_EXAMPLES],
] as [Task, readonly ExpertExample[]][])("the few-shot examples of %s", (task, examples) => {
  it("are four, and registered as the task's default", () => {
    expect(examples).toHaveLength(4);
    expect(DEFAULT_EXAMPLES[task.name]).toBe(examples);
  });

  it("are wrong attempts whose error is where the three lines say, fixed by an update from that step on", () => {
    examples.forEach((example, index) => {
      const problem: Problem = { id: `x${index}`, task: task.name, question: example.question, answer: GOLD[task.name]?.[index] ?? "?" };
      expect(E.isRight(parseOptions(example.question))).toBe(true);
      // The attempt is wrong and the update right, with valid content.
      const wrong = task.extractAnswer(example.attempt);
      expect(wrong !== undefined && task.isCorrectAnswer(wrong, problem.answer)).toBe(false);
      const fixed = task.extractAnswer(example.updated);
      expect(fixed !== undefined && task.isCorrectAnswer(fixed, problem.answer)).toBe(true);
      expect(task.hasValidContent(example.updated, problem.answer, problem)).toBe(true);
      // The segment is in the error step, and the feedback formats.
      const step = splitSteps(example.attempt).find((candidate) => candidate.id === example.errorStep);
      expect(step?.line).toContain(example.errorSegment);
      expect(E.isRight(formatFeedback(example.attempt, example))).toBe(true);
      expect(example.errorReason).toMatch(/^[A-Z]/);
      // The update keeps the steps before the error and makes progress on it.
      expect(example.updated.startsWith(prefixBefore(example.attempt, example.errorStep))).toBe(true);
      expect(madeProgress(example.attempt, example.updated, { errorStep: example.errorStep, errorSegment: example.errorSegment })).toBe(true);
    });
  });
});
