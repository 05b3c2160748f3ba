/**
 * The rollout stage (`tripost.md` §3.1): the student answers a training question by sampling.
 * In iteration 0 it writes one attempt after the prompt; from iteration 1 on it runs the whole
 * self-improvement loop (§9) with sampling, and the rollout is its last turn only (the latest
 * attempt, and a trailing error feedback if it ended on one), as the official wrapper returns.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { catchError, map, mergeMap, type Observable, of, type OperatorFunction, throwError, throwIfEmpty } from "rxjs";
import type { Problem } from "../codecs/problem.js";
import type { Rejection } from "../codecs/rejection.js";
import type { Model } from "../models/model.js";
import type { TrajectoryFormat } from "../tasks/trajectory_format.js";
import { hash32 } from "../util/prng.js";
import type { Rollout } from "./edit.js";
import { selfImprove } from "./self_improve.js";

/** Options for {@linkcode generate}. */
export interface GenerateOptions {
  /** The student's format. */
  readonly format: TrajectoryFormat;
  /** The TriPosT iteration; from 1 on the student self-improves while rolling out. @default {0} */
  readonly iteration?: number;
  /** The collection pass within the iteration. */
  readonly pass?: number;
  /** Sampling temperature (`tripost.md` §3.1: 1.0). @default {1} */
  readonly temperature?: number;
  /** Tokens per generation. @default {512} */
  readonly maxTokens?: number;
  /** Seed of the run; each rollout's seed derives from it, the iteration, the pass and the problem id. @default {0} */
  readonly seed?: number;
  /** Whether to roll out with self-improvement. @default {iteration >= 1} */
  readonly selfImprove?: boolean;
  /** Rollouts in flight. @default {16} */
  readonly concurrency?: number;
  /** Whether a model error ends the run instead of rejecting the problem. @default {() => false} */
  readonly isFatal?: (error: unknown) => boolean;
}

/** The seed of one rollout: a pure function of the run seed, iteration, pass and problem id. */
export function rolloutSeed(seed: number, iteration: number, pass: number, problemId: string): number {
  return hash32(`${seed}/${iteration}/${pass}/${problemId}`);
}

/**
 * The student's rollouts, one `Either` per problem: a {@linkcode Rollout} or an
 * `endpoint-failed` rejection.
 *
 * @example Roll out with the embedded student
 * ```ts
 * problems$.pipe(generate(student, { format: compactFormat(multistepArithmetic)!, seed: 1 }));
 * ```
 */
export function generate(student: Model, options: GenerateOptions): OperatorFunction<Problem, E.Either<Rejection, Rollout>> {
  const {
    format,
    iteration = 0,
    pass,
    temperature = 1,
    maxTokens = 512,
    seed = 0,
    selfImprove: improving = iteration >= 1,
    concurrency = 16,
    isFatal = () => false,
  } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Cannot create generate stage as 'concurrency' must be a positive integer: current value is ${concurrency}`);
  }

  function rollOut(problem: Problem): Observable<string> {
    const itemSeed = rolloutSeed(seed, iteration, pass ?? 0, problem.id);
    if (!improving) {
      return student({ prompt: format.prompt(problem), temperature, maxTokens, seed: itemSeed }).pipe(
        map((response) => response.choices[0]?.text ?? ""),
        // A model that completes without a response must still leave one outcome for the problem.
        throwIfEmpty(() => new Error("Cannot read the rollout as the student completed without a response")),
      );
    }
    return selfImprove(student, format, problem, { temperature, maxTokens, seed: itemSeed }).pipe(
      map((result) => {
        const last = result.turns.at(-1);
        if (last === undefined) return "";
        const claim = last.feedbackLine === undefined ? undefined : format.parseFeedback(last.feedbackLine);
        const trailing = last.feedbackLine !== undefined && claim?.correct !== true ? `\n${last.feedbackLine}` : "";
        return `${last.attempt}${trailing}`;
      }),
      throwIfEmpty(() => new Error("Cannot read the rollout as the student completed without a response")),
    );
  }

  return mergeMap(
    (problem: Problem) =>
      rollOut(problem).pipe(
        map((continuation): E.Either<Rejection, Rollout> =>
          E.right({ problem, iteration, continuation, ...(pass === undefined ? {} : { pass }) })
        ),
        catchError((error: unknown) =>
          isFatal(error) ? throwError(() => error) : of(E.left<Rejection, Rollout>({
            id: problem.id,
            type: "endpoint-failed",
            reason: error instanceof Error ? error.message : String(error),
            iteration,
          }))
        ),
      ),
    concurrency,
  );
}
