/**
 * Order restoration: records that finish out of order (concurrent calls) are held until every
 * record before them has arrived, then released in index order. With it, a pipeline's output
 * file is byte-identical at any concurrency.
 *
 * @module
 */
import { concatWith, defer, EMPTY, mergeMap, type MonoTypeOperatorFunction, throwError } from "rxjs";

/** Options for {@linkcode reorder} and {@linkcode ReorderBuffer}. */
export interface ReorderOptions {
  /** The index of the first record. @default {0} */
  start?: number;
}

/**
 * A buffer that releases records in index order: `push` returns the records that became
 * releasable (the pushed one and any held ones that now follow without a gap).
 *
 * @typeParam T The record type.
 *
 * @example
 * ```ts
 * const buffer = new ReorderBuffer<string>();
 * assertEquals(buffer.push(1, "b"), []);
 * assertEquals(buffer.push(0, "a"), ["a", "b"]);
 * assertEquals(buffer.size, 0);
 * ```
 */
export class ReorderBuffer<T> {
  #next: number;
  #held = new Map<number, T>();

  /**
   * @param options Where the indices start.
   * @throws {RangeError} When `start` is not a non-negative integer.
   */
  constructor(options: ReorderOptions = {}) {
    const { start = 0 } = options;
    assertIndex("create reorder buffer", "start", start);
    this.#next = start;
  }

  /** The index the buffer waits for. */
  get next(): number {
    return this.#next;
  }

  /** How many records are held. */
  get size(): number {
    return this.#held.size;
  }

  /**
   * Adds the record at `index` and returns the records now releasable, in order.
   *
   * @throws {RangeError} When `index` is not an integer, was already released, or is held.
   */
  push(index: number, record: T): T[] {
    assertIndex("reorder record", "index", index);
    if (index < this.#next || this.#held.has(index)) {
      throw new RangeError(`Cannot reorder record as its index was already seen: current value is ${index}`);
    }
    if (index !== this.#next) {
      this.#held.set(index, record);
      return [];
    }
    const released = [record];
    this.#next += 1;
    while (this.#held.has(this.#next)) {
      released.push(this.#held.get(this.#next) as T);
      this.#held.delete(this.#next);
      this.#next += 1;
    }
    return released;
  }
}

/**
 * Restores input order: holds each record until all records with lower indices have passed,
 * then emits them in index order. Indices must be distinct integers from `start` without gaps;
 * a repeated index errors at once, and a gap left at completion errors then (a lost record is a
 * broken invariant, not a per-item failure).
 *
 * Memory: the buffer holds at most as many records as are in flight upstream, so inside
 * {@linkcode withDemand} it is bounded by the window.
 *
 * @typeParam T The record type.
 * @param indexOf Reads a record's index.
 * @param options Where the indices start.
 * @returns An operator emitting the same records in index order.
 * @throws {RangeError} When `start` is not a non-negative integer.
 *
 * @example
 * ```ts
 * const records = [{ index: 2 }, { index: 0 }, { index: 1 }];
 * const ordered = await lastValueFrom(from(records).pipe(reorder((record) => record.index), toArray()));
 * assertEquals(ordered.map((record) => record.index), [0, 1, 2]);
 * ```
 */
export function reorder<T>(
  indexOf: (record: T) => number,
  options: ReorderOptions = {},
): MonoTypeOperatorFunction<T> {
  const { start = 0 } = options;
  assertIndex("create reorder operator", "start", start);
  return (source) =>
    defer(() => {
      const buffer = new ReorderBuffer<T>({ start });
      return source.pipe(
        mergeMap((record) => buffer.push(indexOf(record), record)),
        concatWith(
          defer(() =>
            buffer.size === 0 ? EMPTY : throwError(() =>
              new RangeError(
                `Cannot restore order as a record never arrived: current value is index ${buffer.next} missing with ${buffer.size} held`,
              )
            )
          ),
        ),
      );
    });
}

function assertIndex(action: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Cannot ${action} as '${name}' must be a non-negative integer: current value is ${value}`);
  }
}
