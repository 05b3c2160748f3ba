/**
 * One fast-check arbitrary per codec (io-ts `test/Arbitrary.ts` pattern), for round-trip
 * properties and for stage tests.
 */
import fc from "fast-check";
import type { Attempt } from "../../src/codecs/attempt.js";
import type { Critique } from "../../src/codecs/critique.js";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem, TaskName } from "../../src/codecs/problem.js";
import type { Rejection } from "../../src/codecs/rejection.js";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import type { Trajectory } from "../../src/codecs/trajectory.js";

export const taskName: fc.Arbitrary<TaskName> = fc.constantFrom(
  "multistep_arithmetic",
  "word_sorting",
  "date_understanding",
  "logical_deduction",
);

const id = fc.string({ minLength: 1, maxLength: 12 });
const text = fc.string({ maxLength: 80, unit: "grapheme" });
const jsonValue = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

export const problem: fc.Arbitrary<Problem> = fc.record(
  {
    id,
    task: taskName,
    question: text,
    answer: text,
    split: fc.constantFrom("seen" as const, "unseen" as const),
    meta: fc.dictionary(fc.string({ maxLength: 6 }).filter((key) => key !== "__proto__"), jsonValue, { maxKeys: 3 }),
  },
  { requiredKeys: ["id", "task", "question", "answer"] },
);

export const attempt: fc.Arbitrary<Attempt> = fc.record(
  { id, question: text, attempt: text, answer: text },
  { requiredKeys: ["id", "question", "attempt"] },
);

const stepId = fc.oneof(
  fc.constant("Final response"),
  fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(".")),
);

export const critique: fc.Arbitrary<Critique> = fc.oneof(
  fc.record({
    id,
    correct: fc.constant(true),
    errorStep: fc.constant(null),
    errorSegment: fc.constant(null),
    feedback: text,
  }),
  fc.record({ id, correct: fc.constant(false), errorStep: stepId, errorSegment: text, feedback: text }),
);

const author = fc.constantFrom("student" as const, "expert" as const);

export const trajectory: fc.Arbitrary<Trajectory> = fc.record({
  id,
  task: taskName,
  question: text,
  answer: text,
  turns: fc.array(
    fc.record({ attempt: text, feedback: text, by: fc.record({ attempt: author, feedback: author }) }),
    { maxLength: 4 },
  ),
  text,
  iteration: fc.nat({ max: 10 }),
});

export const trainingExample: fc.Arbitrary<TrainingExample> = text.chain((body) =>
  fc.record({
    id,
    kind: fc.constantFrom("improvement" as const, "terminal" as const, "gold" as const, "correct" as const),
    text: fc.constant(body),
    weightFrom: fc.integer({ min: 0, max: body.length }),
    weight: fc.double({ min: 0, max: 4, noNaN: true }),
  })
);

export const rejection: fc.Arbitrary<Rejection> = fc.record(
  {
    id,
    type: fc.stringMatching(/^[a-z]+(-[a-z]+)*$/),
    reason: text,
    iteration: fc.nat({ max: 10 }),
  },
  { requiredKeys: ["id", "type", "reason"] },
);

const sampling = {
  model: fc.string({ maxLength: 10 }),
  temperature: fc.double({ min: 0, max: 2, noNaN: true }),
  topP: fc.double({ min: 0, max: 1, noNaN: true }),
  maxTokens: fc.integer({ min: 1, max: 4096 }),
  stop: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 3 }),
  n: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer(),
};

export const modelRequest: fc.Arbitrary<ModelRequest> = fc.oneof(
  fc.record({ prompt: text, ...sampling }, { requiredKeys: ["prompt"] }),
  fc.record(
    {
      messages: fc.array(
        fc.record({ role: fc.constantFrom("system" as const, "user" as const, "assistant" as const), content: text }),
        { minLength: 1, maxLength: 4 },
      ),
      ...sampling,
    },
    { requiredKeys: ["messages"] },
  ),
);

export const modelResponse: fc.Arbitrary<ModelResponse> = fc.record(
  {
    choices: fc.array(fc.record({ text, finishReason: fc.constantFrom("stop", "length") }), { minLength: 1, maxLength: 4 }),
    usage: fc.record({ promptTokens: fc.nat(), completionTokens: fc.nat() }),
    model: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: ["choices"] },
);
