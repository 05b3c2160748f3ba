/**
 * Applying a stage to the `Right`s of an `Either` stream while its `Left`s (rejections) flow on
 * untouched, so every rejection reaches the sink in one place (`style.md` §6.4).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { connect, filter, map, merge, type OperatorFunction } from "rxjs";

/**
 * Applies `operator` to the values of the `Right`s and passes every `Left` through unchanged.
 * When `operator` emits one result per input (as every stage does), so does the whole: one
 * output per input. Lefts are not delayed behind the Rights the operator is working on, so the
 * order between the two may change.
 *
 * @example Chain two stages
 * ```ts
 * rollouts$.pipe(edit(expert, { task }), whenRight(split({ format })));
 * ```
 */
export function whenRight<L, A, B>(
  operator: OperatorFunction<A, E.Either<L, B>>,
): OperatorFunction<E.Either<L, A>, E.Either<L, B>> {
  return connect((shared$) =>
    merge(
      shared$.pipe(filter(E.isLeft), map((left): E.Either<L, B> => left)),
      shared$.pipe(filter(E.isRight), map((right) => right.right), operator),
    )
  );
}
