import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import {
  type ExpertExample,
  feedbackPrompt,
  formatFeedback,
  MULTISTEP_ARITHMETIC_EXAMPLES,
  parseTabularFeedback,
  renderTabularError,
  WORD_SORTING_EXAMPLES,
} from "../../src/experts/mod.js";
import { parseFeedbackLine } from "../../src/tasks/feedback.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { madeProgress, splitSteps } from "../../src/tasks/steps.js";
import type { Task } from "../../src/tasks/task.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";

const cases: ReadonlyArray<readonly [Task, readonly ExpertExample[]]> = [
  [multistepArithmetic, MULTISTEP_ARITHMETIC_EXAMPLES],
  [wordSorting, WORD_SORTING_EXAMPLES],
];

function problemOf(task: Task, example: ExpertExample): Problem {
  return { id: "example", task: task.name, question: example.question, answer: task.extractAnswer(example.updated) ?? "" };
}

describe("few-shot examples", () => {
  it.each(cases)("%s: each example is wrong where it says, and its update is the gold rationale", (task, examples) => {
    expect(examples).toHaveLength(4);
    for (const example of examples) {
      const problem = problemOf(task, example);
      expect(example.updated).toBe(task.solve(problem));
      const line = splitSteps(example.attempt).find((step) => step.id === example.errorStep)?.line ?? "";
      expect(line).toContain(example.errorSegment);
      const scripted = task.critique?.(problem, example.attempt);
      expect(scripted !== undefined && E.isRight(scripted) ? scripted.right.errorStep : undefined).toBe(example.errorStep);
      const verdict = formatFeedback(example.attempt, example);
      expect(E.isRight(verdict) && madeProgress(example.attempt, example.updated, verdict.right)).toBe(true);
    }
  });

  it("feedbackPrompt() ends every example with [END] and the query with 'Earliest error step:'", () => {
    const [example] = WORD_SORTING_EXAMPLES;
    const problem = problemOf(wordSorting, example as ExpertExample);
    const prompt = feedbackPrompt(wordSorting, WORD_SORTING_EXAMPLES, problem, "(1) x");
    expect(prompt.split("Q: ")).toHaveLength(6);
    expect(prompt.match(/\[END\]\n\nQ: /g)).toHaveLength(4);
    expect(prompt.endsWith("Q: Sort the following words alphabetically:\nList: plum brisk pelican anvil\nAnswer: Let's think step by step.\n(1) x\nEarliest error step:")).toBe(true);
  });
});

describe("parseTabularFeedback()", () => {
  const attempt = multistepArithmetic.solve({ id: "p", task: "multistep_arithmetic", question: "((1 - 2 * 3) * (4 + 5 - 6) - (7 * 8 + 9)) =", answer: "" });
  const ids = splitSteps(attempt).map((step) => step.id);
  const text = fc.string({ minLength: 1, maxLength: 20 }).filter((value) => !/["\n]|\[END\]/.test(value) && value.trim() === value && value !== "" && !/[.!?]/.test(value));

  test.prop([fc.constantFrom(...ids), text, text], { numRuns: 300 })(
    "parseTabularFeedback() reads back what renderTabularError() writes, as a feedback the editor can parse",
    (errorStep, errorSegment, errorReason) => {
      const rendered = renderTabularError({ errorStep, errorSegment, errorReason });
      const verdict = parseTabularFeedback(rendered.slice("Earliest error step:".length), attempt);
      expect(E.isRight(verdict)).toBe(true);
      if (E.isLeft(verdict)) return;
      expect(verdict.right).toMatchObject({ correct: false, errorStep, errorSegment });
      expect(parseFeedbackLine(verdict.right.feedback)).toEqual({ correct: false, errorStep, errorSegment });
      expect(verdict.right.feedback.endsWith(".")).toBe(true);
    },
  );
});
