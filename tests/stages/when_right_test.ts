import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { delay, from, map, mergeMap, of, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { whenRight } from "../../src/stages/when_right.js";
import { createTestScheduler } from "../_helpers/marbles.js";

describe("whenRight()", () => {
  it("applies the operator to Rights and passes Lefts through at once", () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const reply = cold("--(r|)", { r: 0 });
      const source = hot<E.Either<string, number>>("-a-b-c|", { a: E.right(1), b: E.left("no"), c: E.right(3) });
      const stage = mergeMap((value: number) => reply.pipe(map((): E.Either<string, number> => E.right(value * 10))));
      expectObservable(source.pipe(whenRight(stage))).toBe("---(yx)(z|)", {
        x: E.right(10),
        y: E.left("no"),
        z: E.right(30),
      });
      expectSubscriptions(reply.subscriptions).toBe(["-^-!", "-----^-!"]);
    });
  });

  test.prop([fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 })), { maxLength: 30 }), fc.integer({ min: 1, max: 8 })])(
    "whenRight() emits one output per input whatever the stage's delays",
    (items, concurrency) => {
      const outputs: E.Either<number, number>[] = [];
      createTestScheduler().run(() => {
        from(items.map(([right, wait], index): E.Either<number, [number, number]> => right ? E.right([index, wait]) : E.left(index)))
          .pipe(
            whenRight(mergeMap(([index, wait]: [number, number]) => of(E.right<number, number>(index)).pipe(delay(wait)), concurrency)),
            toArray(),
          )
          .subscribe((all) => outputs.push(...all));
      });
      const ids = outputs.map((result) => E.isRight(result) ? result.right : result.left).sort((a, b) => a - b);
      expect(ids).toEqual(items.map((_, index) => index));
      for (const result of outputs) expect(E.isRight(result)).toBe(items[E.isRight(result) ? result.right : result.left]![0]);
    },
  );
});
