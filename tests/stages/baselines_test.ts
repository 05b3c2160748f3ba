import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { test } from "@fast-check/vitest";
import { lastValueFrom, type Observable, of, throwError } from "rxjs";
import { describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import type { Rejection } from "../../src/codecs/rejection.js";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import type { Model } from "../../src/models/model.js";
import { ftRationaleExamples, lmsi, lmsiSampleSeed, sizeToMatch } from "../../src/stages/baselines.js";
import { multistepArithmetic as task } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat, officialFormat, type TrajectoryFormat } from "../../src/tasks/trajectory_format.js";
import { createPrng } from "../../src/util/prng.js";

const compact = compactFormat(task) as TrajectoryFormat;
const official = officialFormat(task);
const problems = task.generate({ count: 3, seed: 3, difficulty: "easy" });

function goldIn(format: TrajectoryFormat, problem: Problem): string {
  const written = format.fromOfficial(problem, task.solve(problem));
  if (E.isLeft(written)) throw new Error(written.left.message);
  return written.right;
}

/** The gold attempt with its final answer changed (a wrong answer, still well-formed). */
function wrongIn(format: TrajectoryFormat, problem: Problem): string {
  const gold = goldIn(format, problem);
  return format.name === "compact"
    ? gold.replace(/A:(-?\d+)$/, (_match, value: string) => `A:${Number(value) + 1}`)
    : gold.replace(/the answer is (-?\d+)\.$/, (_match, value: string) => `the answer is ${Number(value) + 1}.`);
}

/**
 * A scripted student: answers sample `k` of problem `p` with `script[p][k]`, found by the seed
 * `lmsi` gives that sample. Records every request.
 */
function scriptedStudent(script: Record<string, readonly (string | Error)[]>, seed = 0) {
  const bySeed = new Map<number, { readonly id: string; readonly sample: number }>();
  for (const [id, answers] of Object.entries(script)) {
    answers.forEach((_answer, sample) => bySeed.set(lmsiSampleSeed(seed, id, sample), { id, sample }));
  }
  const requests: ModelRequest[] = [];
  const model: Model = (request): Observable<ModelResponse> => {
    requests.push(request);
    const found = request.seed === undefined ? undefined : bySeed.get(request.seed);
    const answers = Array.from({ length: request.n ?? 1 }, (_unused, offset) =>
      found === undefined ? "" : script[found.id]?.[found.sample + offset] ?? "");
    const failure = answers.find((answer): answer is Error => answer instanceof Error);
    if (failure !== undefined) return throwError(() => failure);
    return of({ choices: answers.map((text) => ({ text: String(text), finishReason: "stop" })) });
  };
  return { model, requests };
}

describe("ftRationaleExamples()", () => {
  it("gives one gold example per problem with weight 1 everywhere", () => {
    for (const format of [compact, official]) {
      const examples = ftRationaleExamples(problems, { task, format });
      expect(examples.map((example) => example.id)).toEqual(problems.map((problem) => `${problem.id}#ft`));
      examples.forEach((example, index) => {
        const problem = problems[index] as Problem;
        expect(example).toEqual({
          id: `${problem.id}#ft`,
          kind: "gold",
          text: `${format.prompt(problem)}${goldIn(format, problem)}`,
          weightFrom: example.text.length,
          weight: 1,
        });
        expect(example.text).not.toContain(`\n${format.feedbackPrefix}`);
      });
    }
  });

  it("appends the terminal feedback line when asked, still with weight 1", () => {
    const examples = ftRationaleExamples(problems, { task, format: compact, withFeedback: true });
    expect(examples).toHaveLength(problems.length);
    for (const example of examples) {
      expect(example.text).toContain(`\n${compact.feedbackPrefix}`);
      expect(example.weight).toBe(1);
      expect(example.weightFrom).toBe(example.text.length);
    }
  });

  it("rejects a problem whose rationale the format cannot write", () => {
    const rejections: Rejection[] = [];
    const broken: TrajectoryFormat = { ...compact, fromOfficial: () => E.left({ type: "parse-error", line: 1, message: "no" }) };
    expect(ftRationaleExamples(problems.slice(0, 1), { task, format: broken, onRejection: (rejection) => rejections.push(rejection) })).toEqual([]);
    expect(rejections).toEqual([{ id: (problems[0] as Problem).id, type: "gold-format-error", reason: "no" }]);
  });
});

describe("lmsi()", () => {
  const [first, second] = problems as [Problem, Problem];

  it("keeps only correct samples, dedupes them and adds the answer-only examples (compact)", async () => {
    const gold = goldIn(compact, first);
    const { model, requests } = scriptedStudent({
      [first.id]: [gold, wrongIn(compact, first), gold, "garbage line", `${gold}\nF:ok`],
      [second.id]: Array.from({ length: 5 }, () => wrongIn(compact, second)),
    });
    const rejections: Rejection[] = [];
    const examples = await lastValueFrom(
      lmsi(model, [first, second], { task, format: compact, onRejection: (rejection) => rejections.push(rejection) }),
    );
    const answerLine = gold.split("\n").at(-1) as string;
    expect(examples).toEqual([
      { id: `${first.id}#lmsi0`, kind: "correct", text: `${compact.prompt(first)}${gold}`, weightFrom: compact.prompt(first).length + gold.length, weight: 1 },
      { id: `${first.id}#lmsi-ao0`, kind: "correct", text: `${compact.prompt(first)}${answerLine}`, weightFrom: compact.prompt(first).length + answerLine.length, weight: 1 },
    ]);
    expect(answerLine).toMatch(/^A:-?\d+$/);
    expect(rejections.filter((rejection) => rejection.id.startsWith(`${first.id}#`)).map((rejection) => [rejection.id, rejection.type])).toEqual([
      [`${first.id}#lmsi1`, "wrong-answer"],
      [`${first.id}#lmsi2`, "duplicate"],
      [`${first.id}#lmsi3`, "format-error"],
      [`${first.id}#lmsi4`, "duplicate"],
    ]);
    expect(rejections.filter((rejection) => rejection.type === "wrong-answer")).toHaveLength(6);
    expect(requests).toHaveLength(10);
    expect(requests.every((request) => request.temperature === 1.2)).toBe(true);
    expect(new Set(requests.map((request) => request.seed)).size).toBe(10);
  });

  it("writes the official answer-only text as `Q: …\\nAnswer: <final response>`", async () => {
    const gold = goldIn(official, first);
    const { model } = scriptedStudent({ [first.id]: [gold, gold, gold, gold, gold] });
    const examples = await lastValueFrom(lmsi(model, [first], { task, format: official }));
    expect(examples.map((example) => example.id)).toEqual([`${first.id}#lmsi0`, `${first.id}#lmsi-ao0`]);
    expect(examples[1]?.text).toBe(`Q: ${first.question}\nAnswer: So the answer is ${first.answer}.`);
    expect(examples.every((example) => example.weight === 1)).toBe(true);
  });

  it("asks for all samples in one request with `useN`", async () => {
    const gold = goldIn(compact, first);
    const { model, requests } = scriptedStudent({ [first.id]: [wrongIn(compact, first), gold, gold, gold, gold] });
    const examples = await lastValueFrom(lmsi(model, [first], { task, format: compact, useN: true }));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.n).toBe(5);
    expect(examples.map((example) => example.id)).toEqual([`${first.id}#lmsi1`, `${first.id}#lmsi-ao0`]);
  });

  it("turns a failed call into a rejection, or an error when it is fatal", async () => {
    const gold = goldIn(compact, first);
    const script = { [first.id]: [new Error("boom"), gold, gold, gold, gold] };
    const rejections: Rejection[] = [];
    const examples = await lastValueFrom(lmsi(scriptedStudent(script).model, [first], {
      task,
      format: compact,
      onRejection: (rejection) => rejections.push(rejection),
    }));
    expect(examples.map((example) => example.id)).toEqual([`${first.id}#lmsi1`, `${first.id}#lmsi-ao0`]);
    expect(rejections[0]).toMatchObject({ id: `${first.id}#lmsi0`, type: "endpoint-failed" });
    await expect(lastValueFrom(lmsi(scriptedStudent(script).model, [first], { task, format: compact, isFatal: () => true })))
      .rejects.toThrow("boom");
  });

  it("gives the same examples at any concurrency", async () => {
    const script = Object.fromEntries(problems.map((problem, index) => [
      problem.id,
      Array.from({ length: 5 }, (_unused, sample) => ((sample + index) % 2 === 0 ? goldIn(compact, problem) : wrongIn(compact, problem))),
    ]));
    const one = await lastValueFrom(lmsi(scriptedStudent(script).model, problems, { task, format: compact, concurrency: 1 }));
    const eight = await lastValueFrom(lmsi(scriptedStudent(script).model, problems, { task, format: compact, concurrency: 8 }));
    expect(eight).toEqual(one);
    expect(one.length).toBe(problems.length * 2);
  });

  it("checks its options when built", () => {
    const { model } = scriptedStudent({});
    expect(() => lmsi(model, problems, { task, format: compact, samples: 0 })).toThrow(
      "Cannot collect LMSI data as 'samples' must be a positive integer: current value is 0",
    );
    expect(() => lmsi(model, problems, { task, format: compact, temperature: -1 })).toThrow(RangeError);
  });
});

const exampleArbitrary: fc.Arbitrary<TrainingExample[]> = fc.uniqueArray(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 40 })
  .map((ids) => ids.map((id) => ({ id, kind: "correct" as const, text: `t${id}`, weightFrom: 0, weight: 1 })));

describe("sizeToMatch()", () => {
  test.prop([exampleArbitrary, fc.nat({ max: 200 }), fc.integer()])("gives exactly the target count", (examples, target, seed) => {
    expect(sizeToMatch(examples, target, createPrng(seed))).toHaveLength(target);
  });

  test.prop([exampleArbitrary, fc.nat({ max: 200 }), fc.integer()])("keeps a subset of the input when downsampling", (examples, target, seed) => {
    fc.pre(target <= examples.length);
    const output = sizeToMatch(examples, target, createPrng(seed));
    for (const example of output) expect(examples).toContain(example);
    expect(new Set(output.map((example) => example.id)).size).toBe(output.length);
  });

  test.prop([exampleArbitrary, fc.nat({ max: 200 }), fc.integer()])("is deterministic by seed and keeps ids unique", (examples, target, seed) => {
    const output = sizeToMatch(examples, target, createPrng(seed));
    expect(sizeToMatch(examples, target, createPrng(seed))).toEqual(output);
    expect(new Set(output.map((example) => example.id)).size).toBe(output.length);
    if (target >= examples.length) {
      // Upsampling keeps every example at least once.
      for (const example of examples) expect(output).toContainEqual(example);
    }
  });

  it("rejects a bad target and an empty input it cannot grow", () => {
    expect(() => sizeToMatch([], 3, createPrng(0))).toThrow(RangeError);
    expect(() => sizeToMatch([], -1, createPrng(0))).toThrow(
      "Cannot size the examples as 'targetCount' must be a non-negative integer: current value is -1",
    );
    expect(sizeToMatch([], 0, createPrng(0))).toEqual([]);
  });
});
