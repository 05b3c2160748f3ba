/**
 * The one TestScheduler helper for marble tests (style.md §6.7): rxjs compares notifications,
 * vitest asserts.
 */
import { TestScheduler } from "rxjs/testing";
import { expect } from "vitest";

/**
 * A TestScheduler whose assertions go through vitest's `expect(...).toEqual(...)`.
 *
 * @example
 * ```ts
 * createTestScheduler().run(({ cold, expectObservable }) => {
 *   expectObservable(cold("-a|")).toBe("-a|");
 * });
 * ```
 */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}
