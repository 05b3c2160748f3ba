/**
 * A scripted multistep arithmetic student for collection tests: per problem a behaviour (right,
 * wrong in one line, malformed, failing, empty), every call after its own delay.
 */
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { concatMap, EMPTY, type Observable, of, throwError, timer } from "rxjs";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import type { Model } from "../../src/models/model.js";
import { multistepArithmetic as task } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat, type TrajectoryFormat } from "../../src/tasks/trajectory_format.js";

/** The student's format: compact multistep arithmetic. */
export const format: TrajectoryFormat = compactFormat(task)!;

/** What the scripted student does on one problem. */
export type Behaviour =
  | { readonly kind: "right" }
  /** A wrong value in compact line `line` (0-based, modulo the attempt's lines; the last is `A:`). */
  | { readonly kind: "wrong"; readonly line: number }
  | { readonly kind: "malformed" }
  | { readonly kind: "fail" }
  /** The call completes without a response. */
  | { readonly kind: "empty" };

export const behaviourArbitrary: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.constant<Behaviour>({ kind: "right" }),
  fc.nat({ max: 6 }).map((line): Behaviour => ({ kind: "wrong", line })),
  fc.constant<Behaviour>({ kind: "malformed" }),
  fc.constant<Behaviour>({ kind: "fail" }),
  fc.constant<Behaviour>({ kind: "empty" }),
);

function rightAttempt(problem: Problem): string {
  return E.getOrElse(() => "")(format.fromOfficial(problem, task.solve(problem)));
}

/** The right attempt with the last number of one line off by one. */
function wrongAttempt(problem: Problem, line: number): string {
  const lines = rightAttempt(problem).split("\n");
  const at = line % lines.length;
  lines[at] = (lines[at] ?? "").replace(/(-?\d+)$/, (digits) => String(Number(digits) + 1));
  return lines.join("\n");
}

function response(text: string): ModelResponse {
  return { choices: [{ text, finishReason: "stop" }] };
}

/**
 * A scripted student: its answer to a problem's prompt follows the problem's behaviour, any other
 * prompt (a self-improvement continuation) gets an empty answer; every call answers after its own
 * delay, so calls finish out of order.
 */
export function scriptedStudent(
  problems: readonly Problem[],
  behaviours: readonly Behaviour[],
  delays: readonly number[],
): Model & { readonly calls: ModelRequest[] } {
  const byPrompt = new Map(problems.map((problem, index) => [format.prompt(problem), index]));
  const calls: ModelRequest[] = [];
  function answer(request: ModelRequest): Observable<ModelResponse> {
    const prompt = "prompt" in request ? request.prompt : "";
    const index = byPrompt.get(prompt);
    if (index === undefined) return of(response(""));
    const problem = problems[index] as Problem;
    const behaviour = behaviours[index % behaviours.length] as Behaviour;
    switch (behaviour.kind) {
      case "right":
        return of(response(rightAttempt(problem)));
      case "wrong":
        return of(response(wrongAttempt(problem, behaviour.line)));
      case "malformed":
        return of(response("this is not arithmetic\n==\nA:"));
      case "fail":
        return throwError(() => new Error("Cannot complete the request as the server answered 500"));
      case "empty":
        return EMPTY;
    }
  }
  const model = (request: ModelRequest): Observable<ModelResponse> => {
    calls.push(request);
    const delay = delays[calls.length % delays.length] ?? 0;
    return timer(delay).pipe(concatMap(() => answer(request)));
  };
  return Object.assign(model, { calls });
}


