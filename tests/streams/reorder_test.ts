import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { reorder, ReorderBuffer } from "../../src/streams/reorder.js";
import { createTestScheduler } from "../_helpers/marbles.js";

describe("ReorderBuffer", () => {
  it("ReorderBuffer.push() holds records until the gap before them closes", () => {
    const buffer = new ReorderBuffer<string>({ start: 3 });
    expect(buffer.push(5, "f")).toEqual([]);
    expect(buffer.push(4, "e")).toEqual([]);
    expect(buffer.size).toBe(2);
    expect(buffer.push(3, "d")).toEqual(["d", "e", "f"]);
    expect(buffer.next).toBe(6);
    expect(buffer.size).toBe(0);
  });

  it("ReorderBuffer.push() rejects a repeated or released index", () => {
    const buffer = new ReorderBuffer<string>();
    buffer.push(0, "a");
    buffer.push(2, "c");
    expect(() => buffer.push(0, "again")).toThrow(RangeError);
    expect(() => buffer.push(2, "again")).toThrow("Cannot reorder record as its index was already seen: current value is 2");
    expect(() => new ReorderBuffer({ start: -1 })).toThrow(RangeError);
  });
});

describe("reorder()", () => {
  it("reorder() releases each record as soon as all before it have passed (marbles)", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-c-a--b----d|", { a: 0, b: 1, c: 2, d: 3 });
      expectObservable(source.pipe(reorder((index: number) => index))).toBe("---a--(bc)-d|", { a: 0, b: 1, c: 2, d: 3 });
      expectSubscriptions(source.subscriptions).toBe("^-----------!");
    });
  });

  it("reorder() errors at completion when an index never arrived", async () => {
    await expect(lastValueFrom(from([0, 2, 3]).pipe(reorder((index: number) => index)))).rejects.toThrow(
      "Cannot restore order as a record never arrived: current value is index 1 missing with 2 held",
    );
  });

  it("reorder() errors on a duplicate index", async () => {
    await expect(lastValueFrom(from([0, 0]).pipe(reorder((index: number) => index)))).rejects.toThrow(RangeError);
  });

  test.prop([fc.array(fc.string(), { maxLength: 60 }).chain((values) =>
    fc.shuffledSubarray(values.map((value, index) => ({ index, value })), { minLength: values.length, maxLength: values.length })
      .map((shuffled) => ({ values, shuffled }))
  )])("reorder() restores index order from any permutation", async ({ values, shuffled }) => {
    const ordered = await lastValueFrom(from(shuffled).pipe(reorder((record) => record.index), toArray()));
    expect(ordered.map((record) => record.value)).toEqual(values);
  });

  it("reorder() holds records under an interleaving chosen by fc.scheduler", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 20 }), async (scheduler, count) => {
        const released: number[] = [];
        let maxHeld = 0;
        const buffer = new ReorderBuffer<number>();
        const done = Array.from({ length: count }, (_, index) =>
          scheduler.schedule(Promise.resolve(index)).then((value) => {
            released.push(...buffer.push(value, value));
            maxHeld = Math.max(maxHeld, buffer.size);
          }));
        await scheduler.waitAll();
        await Promise.all(done);
        expect(released).toEqual(Array.from({ length: count }, (_, index) => index));
        expect(maxHeld).toBeLessThan(count);
      }),
      { numRuns: 100 },
    );
  });
});
