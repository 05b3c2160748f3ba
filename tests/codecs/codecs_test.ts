import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  Attempt,
  Critique,
  decodeWith,
  describeFailure,
  ModelRequest,
  ModelResponse,
  Problem,
  Rejection,
  TrainingExample,
  Trajectory,
} from "../../src/codecs/mod.js";
import * as arbitraries from "../_helpers/arbitraries.js";

function roundTrip<A>(codec: { decode: (input: unknown) => E.Either<unknown, A>; encode: (value: A) => unknown }, value: A) {
  const encoded = JSON.parse(JSON.stringify(codec.encode(value))) as unknown;
  expect(codec.decode(encoded)).toEqual(E.right(value));
}

describe("codecs", () => {
  test.prop([arbitraries.problem], { numRuns: 300 })("Problem decodes what it encodes", (value) => roundTrip(Problem, value));
  test.prop([arbitraries.attempt], { numRuns: 300 })("Attempt decodes what it encodes", (value) => roundTrip(Attempt, value));
  test.prop([arbitraries.critique], { numRuns: 300 })("Critique decodes what it encodes", (value) => roundTrip(Critique, value));
  test.prop([arbitraries.trajectory], { numRuns: 300 })("Trajectory decodes what it encodes", (value) => roundTrip(Trajectory, value));
  test.prop([arbitraries.trainingExample], { numRuns: 300 })("TrainingExample decodes what it encodes", (value) =>
    roundTrip(TrainingExample, value));
  test.prop([arbitraries.rejection], { numRuns: 300 })("Rejection decodes what it encodes", (value) => roundTrip(Rejection, value));
  test.prop([arbitraries.modelRequest], { numRuns: 300 })("ModelRequest decodes what it encodes", (value) =>
    roundTrip(ModelRequest, value));
  test.prop([arbitraries.modelResponse], { numRuns: 300 })("ModelResponse decodes what it encodes", (value) =>
    roundTrip(ModelResponse, value));

  it("Problem strips unknown fields", () => {
    const decoded = Problem.decode({ id: "1", task: "word_sorting", question: "q", answer: "a", extra: 1 });
    expect(decoded).toEqual(E.right({ id: "1", task: "word_sorting", question: "q", answer: "a" }));
  });

  it("decodeWith() names the failing field path", () => {
    const result = decodeWith(Trajectory)({
      id: "1",
      task: "word_sorting",
      question: "q",
      answer: "a",
      turns: [{ attempt: 3, feedback: "f", by: { attempt: "student", feedback: "expert" } }],
      text: "t",
      iteration: 0,
    });
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left.paths).toEqual(["turns.0.attempt"]);
      expect(describeFailure(result.left)).toBe("field 'turns.0.attempt': expected string, got 3");
    }
  });

  it("decodeWith() rejects an unknown task name", () => {
    const result = decodeWith(Problem)({ id: "1", task: "chess", question: "q", answer: "a" });
    expect(E.isLeft(result) && result.left.paths).toEqual(["task"]);
  });
});
