import { defer } from "rxjs";
import { describe, expect, it } from "vitest";
import { retryAfterFromHeaders, retryTransient } from "../../src/streams/retry_transient.js";
import { createTestScheduler } from "../_helpers/marbles.js";

const transient = { retryable: true };

describe("retryTransient()", () => {
  it("retryTransient() backs off exponentially and counts retries, not attempts", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-#", undefined, transient);
      expectObservable(source.pipe(retryTransient({ maxRetries: 2, initialDelayMs: 2, jitter: 0 })))
        .toBe("---------#", undefined, transient);
      expectSubscriptions(source.subscriptions).toBe(["^!", "---^!", "--------^!"]);
    });
  });

  it("retryTransient() removes up to `jitter` of the backoff with the injected random source", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-#", undefined, transient);
      // random() = 0.5, jitter 0.5: 8 ms → 6 ms, then 16 ms → 12 ms.
      expectObservable(source.pipe(retryTransient({ maxRetries: 2, initialDelayMs: 8, jitter: 0.5, random: () => 0.5 })))
        .toBe("-" + "-".repeat(6) + "-" + "-".repeat(12) + "-#", undefined, transient);
      expectSubscriptions(source.subscriptions).toBe(["^!", "-------^!", "--------------------^!"]);
    });
  });

  it("retryTransient() waits at least the server's retryAfterMs", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = { retryable: true, retryAfterMs: 10 };
      const source = cold("-#", undefined, error);
      expectObservable(source.pipe(retryTransient({ maxRetries: 1, initialDelayMs: 2, jitter: 0 })))
        .toBe("-" + "-".repeat(10) + "-#", undefined, error);
      expectSubscriptions(source.subscriptions).toBe(["^!", "-----------^!"]);
    });
  });

  it("retryTransient() adds retryAfterMarginMs to the server's hint only", () => {
    createTestScheduler().run(({ cold, expectSubscriptions }) => {
      const hinted = cold("-#", undefined, { retryable: true, retryAfterMs: 4 });
      hinted.pipe(retryTransient({ maxRetries: 1, initialDelayMs: 1, jitter: 0, retryAfterMarginMs: 1 })).subscribe({ error: () => undefined });
      const plain = cold("-#", undefined, transient);
      plain.pipe(retryTransient({ maxRetries: 1, initialDelayMs: 1, jitter: 0, retryAfterMarginMs: 1 })).subscribe({ error: () => undefined });
      expectSubscriptions(hinted.subscriptions).toBe(["^!", "------^!"]);
      expectSubscriptions(plain.subscriptions).toBe(["^!", "--^!"]);
    });
  });

  it("retryTransient() emits the value of a retry that succeeds", () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      let calls = 0;
      const source = cold("-#", undefined, transient);
      const success = cold("-(r|)");
      const flaky = defer(() => (calls++ === 0 ? source : success));
      expectObservable(flaky.pipe(retryTransient({ maxRetries: 3, initialDelayMs: 3, jitter: 0 }))).toBe("-----(r|)");
    });
  });

  it("retryTransient() passes a non-retryable error on at once", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = { retryable: false, status: 400 };
      const source = cold("-#", undefined, error);
      expectObservable(source.pipe(retryTransient({ maxRetries: 5, initialDelayMs: 1 }))).toBe("-#", undefined, error);
      expectSubscriptions(source.subscriptions).toBe(["^!"]);
    });
  });

  it("retryTransient() never retries an abort", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = { name: "AbortError", retryable: true };
      const source = cold("-#", undefined, error);
      expectObservable(source.pipe(retryTransient({ maxRetries: 5, initialDelayMs: 1 }))).toBe("-#", undefined, error);
      expectSubscriptions(source.subscriptions).toBe(["^!"]);
    });
  });

  it("retryTransient() gives up instead of retrying early when the hint exceeds maxRetryAfterMs", () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const error = { retryable: true, retryAfterMs: 120_000 };
      const source = cold("-#", undefined, error);
      expectObservable(source.pipe(retryTransient({ maxRetries: 5 }))).toBe("-#", undefined, error);
    });
  });

  it("retryTransient() uses an injected classifier", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-#", undefined, new Error("flaky"));
      expectObservable(source.pipe(retryTransient({ maxRetries: 1, initialDelayMs: 2, jitter: 0, isRetryable: () => true, retryAfterMs: () => 4 })))
        .toBe("------#", undefined, new Error("flaky"));
      expectSubscriptions(source.subscriptions).toBe(["^!", "-----^!"]);
    });
  });

  it("retryTransient() caps the backoff at maxDelayMs", () => {
    createTestScheduler().run(({ cold, expectSubscriptions, expectObservable }) => {
      const source = cold("#", undefined, transient);
      expectObservable(source.pipe(retryTransient({ maxRetries: 3, initialDelayMs: 4, maxDelayMs: 5, jitter: 0 })))
        .toBe("--------------#", undefined, transient);
      expectSubscriptions(source.subscriptions).toBe(["(^!)", "----(^!)", "---------(^!)", "--------------(^!)"]);
    });
  });

  it("retryTransient() rejects invalid options", () => {
    expect(() => retryTransient({ maxRetries: -1 })).toThrow(
      "Cannot retry as 'maxRetries' must be a non-negative integer: current value is -1",
    );
    expect(() => retryTransient({ jitter: 2 })).toThrow(RangeError);
  });
});

describe("retryAfterFromHeaders()", () => {
  it("retryAfterFromHeaders() prefers retry-after-ms, then x-ms-retry-after-ms, then retry-after", () => {
    expect(retryAfterFromHeaders({ "retry-after-ms": "20", "retry-after": "5" })).toBe(20);
    expect(retryAfterFromHeaders({ "x-ms-retry-after-ms": "35", "retry-after": "5" })).toBe(35);
    expect(retryAfterFromHeaders({ "retry-after": "1.5" })).toBe(1500);
  });

  it("retryAfterFromHeaders() reads an HTTP date relative to now", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(retryAfterFromHeaders({ "retry-after": "Wed, 21 Oct 2015 07:28:03 GMT" }, now)).toBe(3000);
    expect(retryAfterFromHeaders({ "retry-after": "Wed, 21 Oct 2015 07:27:00 GMT" }, now)).toBe(0);
  });

  it("retryAfterFromHeaders() ignores garbage", () => {
    expect(retryAfterFromHeaders({ "retry-after-ms": "-1", "retry-after": "soon" })).toBeUndefined();
    expect(retryAfterFromHeaders({ "retry-after-ms": "abc" })).toBeUndefined();
    expect(retryAfterFromHeaders({})).toBeUndefined();
  });
});
