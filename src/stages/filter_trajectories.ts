/**
 * Filtering an `Either` stream (`tripost.md` §6): a `Right` that fails the predicate becomes a
 * `Left<Rejection>`, so nothing is lost and one input still gives one output.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { map, type OperatorFunction } from "rxjs";
import type { Rejection } from "../codecs/rejection.js";

/** Options for {@linkcode filterTrajectories}. */
export interface FilterTrajectoriesOptions<A> {
  /** The rejection type of a value that fails the predicate. @default {"filtered"} */
  readonly type?: string;
  /** The rejection reason of a value that fails the predicate. @default {() => "the value fails the filter"} */
  readonly reason?: (value: A) => string;
}

/**
 * Keeps the `Right`s that pass `predicate`, turns the others into `Left<Rejection>` records
 * `{id, type, reason, iteration}`, and passes every `Left` through unchanged.
 *
 * @example Reject trajectories that are kept as they were
 * ```ts
 * edited$.pipe(filterTrajectories((trajectory) => trajectory.outcome !== "original", { type: "not-edited" }));
 * ```
 */
export function filterTrajectories<A extends { readonly id: string; readonly iteration?: number }>(
  predicate: (value: A) => boolean,
  options: FilterTrajectoriesOptions<A> = {},
): OperatorFunction<E.Either<Rejection, A>, E.Either<Rejection, A>> {
  const { type = "filtered", reason = () => "the value fails the filter" } = options;
  return map((result) => {
    if (E.isLeft(result) || predicate(result.right)) return result;
    const value = result.right;
    const rejection: Rejection = value.iteration === undefined
      ? { id: value.id, type, reason: reason(value) }
      : { id: value.id, type, reason: reason(value), iteration: value.iteration };
    return E.left(rejection);
  });
}
