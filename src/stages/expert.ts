/**
 * The Expert port: what the editing stage asks of an expert (FBK and IMP, `tripost.md` §3.2, §5),
 * as functions returning cold Observables, so a scripted expert and an LLM expert over HTTP fit the
 * same shape and an unsubscribe cancels a call.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { defer, type Observable, of } from "rxjs";
import type { Problem } from "../codecs/problem.js";
import type { Verdict } from "../codecs/critique.js";
import type { ParseError, Task } from "../tasks/task.js";

/**
 * An expert: FBK (`critique`) and IMP (`improve`). Attempts are in the official format (numbered
 * steps and the `(Final response)` line, without the `Answer: …` header).
 *
 * A `Left` is the official `[ERROR]` (the expert could not judge or could not improve the
 * attempt; the sample is dropped). An error notification is an endpoint failure (the call itself
 * failed); the editing stage turns it into an `endpoint-failed` rejection unless it is fatal.
 */
export interface Expert {
  /** FBK: the verdict on an attempt, with the one-line feedback in the official wording. */
  critique(problem: Problem, attempt: string): Observable<E.Either<ParseError, Verdict>>;
  /**
   * IMP: the full new attempt for an erroneous one — the steps before the verdict's error step
   * kept as they are, then a continuation.
   */
  improve(problem: Problem, attempt: string, verdict: Verdict): Observable<E.Either<ParseError, string>>;
}

/**
 * The scripted expert of a task: its pure `critique` and `improve`, each wrapped in a cold
 * Observable that computes on subscription.
 *
 * @throws {TypeError} when the task has no scripted `critique` or `improve`
 *
 * @example A scripted expert judges an attempt
 * ```ts
 * const expert = scriptedExpert(multistepArithmetic);
 * expert.critique(problem, attempt).subscribe((verdict) => console.log(verdict));
 * ```
 */
export function scriptedExpert(task: Task): Expert {
  const { critique, improve } = task;
  if (critique === undefined) {
    throw new TypeError(
      `Cannot create a scripted expert as task '${task.name}' has no scripted 'critique': current value is undefined`,
    );
  }
  if (improve === undefined) {
    throw new TypeError(
      `Cannot create a scripted expert as task '${task.name}' has no scripted 'improve': current value is undefined`,
    );
  }
  return {
    critique: (problem, attempt) => defer(() => of(critique(problem, attempt))),
    improve: (problem, attempt, verdict) => defer(() => of(improve(problem, attempt, verdict))),
  };
}
