import fc from "fast-check";
import { catchError, mergeMap, Observable, of, takeUntil, tap, timer } from "rxjs";
import { describe, expect, it } from "vitest";
import { parseGoDuration } from "../../src/streams/_go_duration.js";
import {
  createEndpointLimiter,
  estimateTokens,
  limitEndpoint,
  limitModel,
} from "../../src/streams/limit_endpoint.js";
import { createTestScheduler } from "../_helpers/marbles.js";

describe("createEndpointLimiter()", () => {
  it("limitModel() keeps at most `maxInFlight` calls in flight", () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const limiter = createEndpointLimiter({ maxInFlight: 2, adaptive: false });
      const reply = cold("   ---(r|)");
      const model = limitModel((_: string) => reply, limiter, { estimate: () => 0 });
      const input = hot("    -abc|");
      const expected = "     ----rr-(r|)";
      const replySubscriptions = ["-^--!", "--^--!", "----^--!"];
      expectObservable(input.pipe(mergeMap(model))).toBe(expected);
      expectSubscriptions(reply.subscriptions).toBe(replySubscriptions);
    });
  });

  it("limitModel() spaces requests by `requestsPerMinute`", () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      // 6000 per minute = one every 10 ms, with a burst of one.
      const limiter = createEndpointLimiter({ requestsPerMinute: 6000, requestsBurst: 1, maxInFlight: 10 });
      const reply = cold("-(r|)");
      const model = limitModel((_: string) => reply, limiter, { estimate: () => 0 });
      expectObservable(hot("-abc|").pipe(mergeMap(model))).toBe("--r" + "-".repeat(9) + "r" + "-".repeat(9) + "(r|)");
      expectSubscriptions(reply.subscriptions).toBe([
        "-^!",
        "-".repeat(11) + "^!",
        "-".repeat(21) + "^!",
      ]);
    });
  });

  it("limitModel() halves the in-flight limit and pauses for retryAfterMs on a 429", () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const limiter = createEndpointLimiter({ maxInFlight: 4 });
      const refusal = { status: 429, retryAfterMs: 5 };
      const refused = cold("--#", undefined, refusal);
      const reply = cold("  ----(r|)");
      const model = limitModel((key: string) => (key === "a" ? refused : reply), limiter, { estimate: () => 0 });
      const input = hot("   -abcdef|");
      const expected = "    ---e--rr----(rr)(r|)";
      expectObservable(input.pipe(mergeMap((key) => model(key).pipe(catchError(() => of("e")))))).toBe(expected);
      expectSubscriptions(refused.subscriptions).toBe(["-^-!"]);
      expectSubscriptions(reply.subscriptions).toBe([
        "--^---!",
        "---^---!",
        "--------^---!",
        "--------^---!",
        "------------^---!",
      ]);
    });
  });

  it("limitModel() raises the adaptive limit by one after `increaseAfter` successes", () => {
    createTestScheduler().run(({ cold, flush }) => {
      const limiter = createEndpointLimiter({ maxInFlight: 4, increaseAfter: 2 });
      const model = limitModel(
        (key: string) => (key === "refuse" ? cold("-#", undefined, { status: 429 }) : cold("-(r|)")),
        limiter,
        { estimate: () => 0 },
      );
      model("refuse").subscribe({ error: () => undefined });
      flush();
      expect(limiter.stats().limit).toBe(2);
      model("a").subscribe();
      model("b").subscribe();
      flush();
      expect(limiter.stats().limit).toBe(3);
      for (const key of ["c", "d", "e", "f"]) model(key).subscribe();
      flush();
      expect(limiter.stats().limit).toBe(4);
    });
  });

  it("limitModel() drops a waiter that unsubscribes before its turn", () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const limiter = createEndpointLimiter({ maxInFlight: 1, adaptive: false });
      const first = cold("----(a|)");
      const second = cold("-(b|)");
      const third = cold("-(c|)");
      const cancel = hot("--x");
      expectObservable(limiter.limit(first)).toBe("----(a|)");
      expectObservable(limiter.limit(second).pipe(takeUntil(cancel))).toBe("--|");
      expectObservable(limiter.limit(third)).toBe("-----(c|)");
      expectSubscriptions(second.subscriptions).toBe([]);
      expectSubscriptions(third.subscriptions).toBe(["----^!"]);
    });
  });

  it("limitEndpoint() spends tokens per minute and corrects them by the actual usage", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // 60,000 tokens per minute = one per ms; burst of 10.
      const limiter = createEndpointLimiter({ tokensPerMinute: 60_000, tokensBurst: 10, maxInFlight: 10 });
      const reply = cold("(r|)");
      // The first call estimates 10 tokens but really used 30: the bucket goes 20 into debt.
      expectObservable(reply.pipe(limitEndpoint(limiter, { tokens: 10, actualTokens: () => 30 }))).toBe("(r|)");
      expectObservable(reply.pipe(limitEndpoint(limiter, { tokens: 10 }))).toBe("-".repeat(30) + "(r|)");
      expectSubscriptions(reply.subscriptions).toBe(["(^!)", "-".repeat(30) + "(^!)"]);
    });
  });

  it("observeHeaders() pauses the endpoint until x-ratelimit-reset-requests and ignores garbage", () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const limiter = createEndpointLimiter({ maxInFlight: 4 });
      limiter.observeHeaders({ "x-ratelimit-remaining-requests": "-1", "x-ratelimit-reset-requests": "soon" });
      limiter.observeHeaders({ "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "12ms" });
      expectObservable(limiter.limit(cold("(r|)"))).toBe("-".repeat(12) + "(r|)");
    });
  });

  it("observeHeaders() caps the tokens bucket at x-ratelimit-remaining-tokens", () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const limiter = createEndpointLimiter({ tokensPerMinute: 60_000, tokensBurst: 100 });
      limiter.observeHeaders({ "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6ms" });
      expectObservable(limiter.limit(cold("(r|)"), { tokens: 10 })).toBe("-".repeat(10) + "(r|)");
    });
  });

  it("createEndpointLimiter() rejects invalid options", () => {
    expect(() => createEndpointLimiter({ maxInFlight: 0 })).toThrow(
      "Cannot create an endpoint limiter as 'maxInFlight' must be a positive number: current value is 0",
    );
    expect(() => createEndpointLimiter({ requestsPerMinute: -5 })).toThrow(RangeError);
  });

  it("limitModel() yields exactly one result per request at any concurrency", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 20 }), fails: fc.boolean(), refused: fc.boolean(), cancel: fc.option(fc.integer({ min: 0, max: 30 })) }), { maxLength: 40 }),
        fc.option(fc.integer({ min: 600, max: 60_000 })),
        (maxInFlight, calls, requestsPerMinute) => {
          const results = new Map<number, number>();
          let inFlight = 0;
          let peak = 0;
          const cancelled = new Set<number>();
          createTestScheduler().run(() => {
            const limiter = createEndpointLimiter({
              maxInFlight,
              ...(requestsPerMinute === null ? {} : { requestsPerMinute }),
            });
            for (const [index, call] of calls.entries()) {
              const leave = (): void => {
                inFlight--;
              };
              const counted = timer(call.delay).pipe(
                mergeMap(() =>
                  call.fails
                    ? new Observable<number>((subscriber) => subscriber.error(call.refused ? { status: 429, retryAfterMs: 3 } : new Error("boom")))
                    : of(index)
                ),
                tap({
                  subscribe: () => {
                    inFlight++;
                    peak = Math.max(peak, inFlight);
                  },
                  complete: leave,
                  error: leave,
                  unsubscribe: leave,
                }),
              );
              const subscription = limiter.limit(counted).subscribe({
                next: () => results.set(index, (results.get(index) ?? 0) + 1),
                error: () => results.set(index, (results.get(index) ?? 0) + 1),
              });
              if (call.cancel !== null) {
                timer(call.cancel).subscribe(() => {
                  if (!subscription.closed) {
                    cancelled.add(index);
                    subscription.unsubscribe();
                  }
                });
              }
            }
          });
          for (const [index] of calls.entries()) {
            expect(results.get(index) ?? 0).toBe(cancelled.has(index) ? 0 : 1);
          }
          expect(peak).toBeLessThanOrEqual(maxInFlight);
          expect(inFlight).toBe(0);
        },
      ),
    );
  });
});

describe("estimateTokens()", () => {
  it("estimateTokens() counts prompt characters / 4 plus maxTokens × n", () => {
    expect(estimateTokens({ prompt: "12345678", maxTokens: 10, n: 2 })).toBe(22);
    expect(estimateTokens({ messages: [{ content: "abcd" }, { content: "efgh" }] })).toBe(2 + 256);
  });
});

describe("parseGoDuration()", () => {
  it("parseGoDuration() reads Go durations and rejects garbage", () => {
    expect(parseGoDuration("6m0s")).toBe(360_000);
    expect(parseGoDuration("12ms")).toBe(12);
    expect(parseGoDuration("1h2m3.5s")).toBe(3_723_500);
    expect(parseGoDuration("2")).toBe(2000);
    expect(parseGoDuration("-1")).toBeUndefined();
    expect(parseGoDuration("6 minutes")).toBeUndefined();
    expect(parseGoDuration(undefined)).toBeUndefined();
  });
});
