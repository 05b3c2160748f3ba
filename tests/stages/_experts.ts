/**
 * Fake experts for the stage tests: table-driven overrides of a task's scripted expert, so the
 * cases a correct scripted expert cannot produce (an LLM expert's mistakes, endpoint failures)
 * can be written down.
 */
import * as E from "fp-ts/lib/Either.js";
import { defer, isObservable, type Observable, of } from "rxjs";
import type { Verdict } from "../../src/codecs/critique.js";
import type { Problem } from "../../src/codecs/problem.js";
import { errorFeedback } from "../../src/tasks/feedback.js";
import type { ParseError, Task } from "../../src/tasks/task.js";
import type { Expert } from "../../src/stages/expert.js";
import { scriptedExpert } from "../../src/stages/expert.js";

type Reply<A> = E.Either<ParseError, A> | Observable<E.Either<ParseError, A>>;

/** What a fake expert answers; `undefined` falls back to the task's scripted expert. */
export interface FakeExpertScript {
  critique?: (problem: Problem, attempt: string) => Reply<Verdict> | undefined;
  improve?: (problem: Problem, attempt: string, verdict: Verdict) => Reply<string> | undefined;
}

/** A fake expert that also records its calls. */
export interface RecordingExpert extends Expert {
  readonly calls: { kind: "critique" | "improve"; attempt: string }[];
}

function toObservable<A>(reply: Reply<A>): Observable<E.Either<ParseError, A>> {
  return isObservable(reply) ? reply : of(reply);
}

/** A fake expert: the script's answers where it has one, the task's scripted expert otherwise. */
export function fakeExpert(task: Task, script: FakeExpertScript = {}): RecordingExpert {
  const scripted = scriptedExpert(task);
  const calls: RecordingExpert["calls"] = [];
  return {
    calls,
    critique: (problem, attempt) =>
      defer(() => {
        calls.push({ kind: "critique", attempt });
        const reply = script.critique?.(problem, attempt);
        return reply === undefined ? scripted.critique(problem, attempt) : toObservable(reply);
      }),
    improve: (problem, attempt, verdict) =>
      defer(() => {
        calls.push({ kind: "improve", attempt });
        const reply = script.improve?.(problem, attempt, verdict);
        return reply === undefined ? scripted.improve(problem, attempt, verdict) : toObservable(reply);
      }),
  };
}

/** An error verdict in the scripted wording. */
export function errorVerdict(errorStep: string, segment: string, previousStep: string | null = null): Verdict {
  return {
    correct: false,
    errorStep,
    errorSegment: segment,
    feedback: errorFeedback({ previousStep, errorStep, segment, reason: "the fake expert says so" }),
  };
}

/** A `[ERROR]` answer. */
export function expertError(message = "cannot parse"): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line: 0, message });
}
