/**
 * Marble tests of the stages a collection and an evaluation compose: `generate`, `evaluate`, and
 * one pass of the composed collection (`collectPass`: demand-driven source → generate →
 * whenRight(edit) → whenRight(splitKeeping) → reorder). The student's replies are cold
 * observables made up front, so their subscription logs show the calls in flight, when a slot
 * frees, and when an unsubscription cancels them.
 */
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { map, type Observable } from "rxjs";
import type { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import { collectPass } from "../../src/stages/collect.js";
import { evaluate } from "../../src/stages/evaluate.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import { generate } from "../../src/stages/generate.js";
import { multistepArithmetic as task } from "../../src/tasks/multistep_arithmetic/mod.js";
import { createTestScheduler } from "../_helpers/marbles.js";
import { format } from "./_scripted_student.js";

const problems = task.generate({ count: 8, seed: 21, split: "seen", difficulty: "easy" });
const expert = scriptedExpert(task);
const letters = "abcdefgh";
const byLetter = Object.fromEntries(problems.map((problem, index) => [letters[index], problem])) as Record<string, Problem>;

function rightAttempt(problem: Problem): string {
  return E.getOrElse(() => "")(format.fromOfficial(problem, task.solve(problem)));
}

type Helpers = Parameters<Parameters<TestScheduler["run"]>[0]>[0];

/**
 * A student whose reply to problem `i` is the cold marble `replies[i]`, where `r` is the right
 * attempt followed by "F:ok" (an evaluation ends after that one generation). The replies are
 * made up front so their subscription logs can be asserted.
 */
function marbleStudent(cold: Helpers["cold"], replies: readonly string[]) {
  const observables = problems.map((problem, index) =>
    cold<ModelResponse>(replies[index % replies.length] as string, {
      r: { choices: [{ text: `${rightAttempt(problem)}\nF:ok`, finishReason: "stop" }] },
    })
  );
  const student = (request: ModelRequest): Observable<ModelResponse> => {
    const prompt = "prompt" in request ? request.prompt : "";
    const index = problems.findIndex((problem) => prompt === format.prompt(problem));
    if (index < 0) throw new Error(`no problem for the prompt ${prompt}`);
    return observables[index] as Observable<ModelResponse>;
  };
  return { student, replies: observables };
}

const letterOf = (id: string): string => letters[problems.findIndex((problem) => problem.id === id)] ?? "?";

describe("generate() marbles", () => {
  it("generate() keeps at most `concurrency` calls in flight and starts a waiting one when a slot frees", () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const { student, replies } = marbleStudent(cold, ["---(r|)", "-(r|)", "--(r|)"]);
      const input = hot("-abc|", byLetter);
      const out = input.pipe(
        generate(student, { format, concurrency: 2 }),
        map((result) => (E.isRight(result) ? letterOf(result.right.problem.id) : "x")),
      );
      expectObservable(out).toBe("---ba(c|)");
      expectSubscriptions(replies[0]!.subscriptions).toBe("-^--!");
      expectSubscriptions(replies[1]!.subscriptions).toBe("--^!");
      // c arrives at frame 3 with two calls in flight and starts when b's call ends, in the same frame.
      expectSubscriptions(replies[2]!.subscriptions).toBe("---^-!");
    });
  });

  it("generate() cancels the calls in flight when unsubscribed", () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const { student, replies } = marbleStudent(cold, ["-----(r|)", "------(r|)"]);
      const out = hot("ab|", byLetter).pipe(generate(student, { format, concurrency: 4 }), map(() => "x"));
      expectObservable(out, "^--!").toBe("----");
      expectSubscriptions(replies[0]!.subscriptions).toBe("^--!");
      expectSubscriptions(replies[1]!.subscriptions).toBe("-^-!");
    });
  });
});

describe("evaluate() marbles", () => {
  it("evaluate() keeps at most `concurrency` problems in flight and emits one prediction per problem as each ends", () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const { student, replies } = marbleStudent(cold, ["--(r|)", "----(r|)", "-(r|)"]);
      const out = hot("abc|", byLetter).pipe(
        evaluate(student, { task, format, concurrency: 2 }),
        map((prediction) => `${letterOf(prediction.id)}${prediction.correct ? "" : "!"}`),
      );
      expectObservable(out).toBe("--ac-(b|)");
      expectSubscriptions(replies[0]!.subscriptions).toBe("^-!");
      expectSubscriptions(replies[1]!.subscriptions).toBe("-^---!");
      expectSubscriptions(replies[2]!.subscriptions).toBe("--^!");
    });
  });

  it("evaluate() cancels the student's calls when unsubscribed", () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const { student, replies } = marbleStudent(cold, ["----(r|)"]);
      const out = hot("ab|", byLetter).pipe(evaluate(student, { task, format, concurrency: 1 }), map(() => "x"));
      expectObservable(out, "^--!").toBe("---");
      expectSubscriptions(replies[0]!.subscriptions).toBe("^--!");
      expectSubscriptions(replies[1]!.subscriptions).toBe([]);
    });
  });
});

describe("collectPass() marbles: the composed collection", () => {
  const four = problems.slice(0, 4);
  const letterOfRecord = (record: { index: number }) => letters[record.index] ?? "?";

  it("collectPass() takes a problem in only when one has left, restores input order, and keeps `concurrency` calls in flight", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { student, replies } = marbleStudent(cold, ["---(r|)", "-(r|)", "-(r|)", "-----(r|)"]);
      const out = collectPass(student, expert, four, { task, format, pass: 0, concurrency: 2, window: 3 }).pipe(map(letterOfRecord));
      // a, b, c enter at once (window 3); b and c finish first and wait for a; d enters only when a leaves.
      expectObservable(out).toBe("---(abc)(d|)");
      expectSubscriptions(replies[0]!.subscriptions).toBe("^--!");
      expectSubscriptions(replies[1]!.subscriptions).toBe("^!");
      expectSubscriptions(replies[2]!.subscriptions).toBe("-^!");
      expectSubscriptions(replies[3]!.subscriptions).toBe("---^----!");
    });
  });

  it("collectPass() cancels every call in flight when unsubscribed, and pulls nothing more", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { student, replies } = marbleStudent(cold, ["-----(r|)"]);
      const out = collectPass(student, expert, four, { task, format, pass: 0, concurrency: 2, window: 2 }).pipe(map(letterOfRecord));
      expectObservable(out, "^-!").toBe("--");
      expectSubscriptions(replies[0]!.subscriptions).toBe("^-!");
      expectSubscriptions(replies[1]!.subscriptions).toBe("^-!");
      expectSubscriptions(replies[2]!.subscriptions).toBe([]);
    });
  });

  it("collectPass() emits one record per problem, in input order, at any concurrency, window and call timing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 6 }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 10 }),
        (delays, concurrency, window) => {
          const seen: number[] = [];
          let completed = false;
          createTestScheduler().run(({ cold }) => {
            const { student } = marbleStudent(cold, delays.map((delay) => `${"-".repeat(delay)}(r|)`));
            collectPass(student, expert, problems, { task, format, pass: 0, concurrency, window }).subscribe({
              next: (record) => seen.push(record.index),
              complete: () => {
                completed = true;
              },
            });
          });
          expect(completed).toBe(true);
          expect(seen).toEqual(problems.map((_problem, index) => index));
        },
      ),
      { numRuns: 60 },
    );
  });
});
