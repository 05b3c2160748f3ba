import { firstValueFrom, forkJoin, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { type BatchItem, createMicroBatcher } from "../../../src/models/student/micro_batcher.js";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("createMicroBatcher()", () => {
  it("createMicroBatcher() answers one input with its own output", async () => {
    const batcher = createMicroBatcher<number, number>(async (items) => items.map((item) => item.input * 2));
    expect(await firstValueFrom(batcher.submit(21))).toBe(42);
  });

  it("createMicroBatcher() gathers concurrent inputs into batches of at most `maxBatch`", async () => {
    const sizes: number[] = [];
    const batcher = createMicroBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      await delay(5);
      return items.map((item) => item.input + 1);
    }, { maxBatch: 8, maxWaitMs: 20 });
    const inputs = Array.from({ length: 20 }, (_, index) => index);
    const outputs = await firstValueFrom(forkJoin(inputs.map((input) => batcher.submit(input))));
    expect(outputs).toEqual(inputs.map((input) => input + 1));
    expect(sizes).toEqual([8, 8, 4]);
    expect(batcher.stats()).toEqual({ batches: 3, items: 20, largestBatch: 8 });
  });

  it("createMicroBatcher() starts a partial batch after `maxWaitMs`", async () => {
    const sizes: number[] = [];
    const batcher = createMicroBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items.map((item) => item.input);
    }, { maxBatch: 100, maxWaitMs: 10 });
    const started = Date.now();
    expect(await firstValueFrom(forkJoin([batcher.submit(1), batcher.submit(2)]))).toEqual([1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(8);
    expect(sizes).toEqual([2]);
  });

  it("createMicroBatcher() runs one batch at a time and queues arrivals for the next", async () => {
    let running = 0;
    let most = 0;
    const sizes: number[] = [];
    const batcher = createMicroBatcher<number, number>(async (items) => {
      running++;
      most = Math.max(most, running);
      sizes.push(items.length);
      await delay(30);
      running--;
      return items.map((item) => item.input);
    }, { maxBatch: 4, maxWaitMs: 1 });
    const first = firstValueFrom(batcher.submit(0));
    await delay(10);
    const rest = firstValueFrom(forkJoin([1, 2, 3].map((input) => batcher.submit(input))));
    expect(await first).toBe(0);
    expect(await rest).toEqual([1, 2, 3]);
    expect(most).toBe(1);
    expect(sizes).toEqual([1, 3]);
  });

  it("createMicroBatcher() removes an input unsubscribed before its batch runs", async () => {
    const seen: number[] = [];
    const batcher = createMicroBatcher<number, number>(async (items) => {
      seen.push(...items.map((item) => item.input));
      return items.map((item) => item.input);
    }, { maxWaitMs: 10 });
    const subscription = batcher.submit(1).subscribe();
    const kept = firstValueFrom(batcher.submit(2));
    subscription.unsubscribe();
    expect(await kept).toBe(2);
    expect(seen).toEqual([2]);
  });

  it("createMicroBatcher() drops the output of an input unsubscribed while its batch runs", async () => {
    let batch: readonly BatchItem<number>[] = [];
    const outputs: number[] = [];
    const batcher = createMicroBatcher<number, number>(async (items) => {
      batch = items;
      await delay(20);
      return items.map((item) => item.input);
    }, { maxWaitMs: 0 });
    const subscription = batcher.submit(1).subscribe((value) => outputs.push(value));
    const kept = lastValueFrom(batcher.submit(2).pipe(toArray()));
    await delay(5);
    expect(batch.map((item) => item.isCancelled())).toEqual([false, false]);
    subscription.unsubscribe();
    expect(batch.map((item) => item.isCancelled())).toEqual([true, false]);
    expect(await kept).toEqual([2]);
    expect(outputs).toEqual([]);
  });

  it("createMicroBatcher() sends a runner's failure to every input of the batch", async () => {
    const batcher = createMicroBatcher<number, number>(async () => {
      throw new Error("boom");
    });
    await expect(firstValueFrom(batcher.submit(1))).rejects.toThrow("boom");
    const next = createMicroBatcher<number, number>(async (items) => items.map((item) => item.input));
    expect(await firstValueFrom(next.submit(3))).toBe(3);
  });

  it("createMicroBatcher() rejects a non-positive `maxBatch`", () => {
    expect(() => createMicroBatcher(async () => [], { maxBatch: 0 })).toThrow(RangeError);
    expect(() => createMicroBatcher(async () => [], { maxWaitMs: -1 })).toThrow(RangeError);
  });
});
