import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Rejection } from "../../src/codecs/rejection.js";
import { filterTrajectories } from "../../src/stages/filter_trajectories.js";
import { createTestScheduler } from "../_helpers/marbles.js";

interface Item {
  readonly id: string;
  readonly iteration: number;
  readonly score: number;
}

describe("filterTrajectories()", () => {
  it("turns a Right that fails the predicate into a Left of the given type and passes Lefts through", () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const left: Rejection = { id: "x", type: "format-error", reason: "no" };
      const source = cold<E.Either<Rejection, Item>>("-a-b-c|", {
        a: E.right({ id: "a", iteration: 2, score: 5 }),
        b: E.right({ id: "b", iteration: 2, score: 1 }),
        c: E.left(left),
      });
      expectObservable(source.pipe(filterTrajectories((item) => item.score > 2, {
        type: "low-score",
        reason: (item) => `score ${item.score}`,
      }))).toBe("-a-b-c|", {
        a: E.right({ id: "a", iteration: 2, score: 5 }),
        b: E.left({ id: "b", type: "low-score", reason: "score 1", iteration: 2 }),
        c: E.left(left),
      });
    });
  });

  test.prop([fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(-1)), { maxLength: 30 })])(
    "filterTrajectories() keeps one output per input and its Rights ⊆ input",
    async (scores) => {
      const input = scores.map((score, index): E.Either<Rejection, Item> =>
        score < 0 ? E.left({ id: `l${index}`, type: "x", reason: "y" }) : E.right({ id: `r${index}`, iteration: 0, score })
      );
      const output = await lastValueFrom(from(input).pipe(filterTrajectories((item) => item.score % 2 === 0), toArray()));
      expect(output).toHaveLength(input.length);
      for (const [index, result] of output.entries()) {
        if (E.isRight(result)) expect(input[index]).toEqual(result);
        else expect(result.left.id).toBe(E.isRight(input[index]!) ? input[index].right.id : input[index]!.left.id);
      }
      expect(output.filter(E.isLeft).filter((result) => result.left.type === "filtered")).toHaveLength(
        scores.filter((score) => score >= 0 && score % 2 === 1).length,
      );
    },
  );

  it("defaults the type to filtered", async () => {
    const [result] = await lastValueFrom(from([E.right({ id: "a" })]).pipe(filterTrajectories(() => false), toArray()));
    expect(result).toEqual(E.left({ id: "a", type: "filtered", reason: "the value fails the filter" }));
  });
});
