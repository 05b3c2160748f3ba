/**
 * A demand-driven source for rxjs pipelines: inputs are pulled from an (async) iterable on
 * credit, so at most `window` items are inside the pipeline at any time and memory is bounded
 * by the window, not by the size of the input.
 *
 * Why: rxjs has no demand signal. `from(asyncIterable)` drains its source as fast as it can,
 * and `mergeMap(project, concurrency)` bounds the calls in flight but buffers every waiting
 * input, so reading a 10 GB file through `from(...)` holds it all in memory. Here the *sink*
 * end returns credit: {@linkcode withDemand} pulls one more input each time one output leaves
 * the pipeline ("one out, one in"), which is sound because every stage emits exactly one
 * `Either` per input.
 *
 * @module
 */
import { Observable, type OperatorFunction, tap } from "rxjs";

/** Options for {@linkcode pullFrom}. */
export interface PullFromOptions {
  /** The initial credit: how many items are pulled before any is released. @default {16} */
  window?: number;
}

/** An Observable whose items are released on credit, and the handle that returns credit. */
export interface PullSource<T> {
  /**
   * The items. Subscribing starts pulling: `window` items at once, then one more per unit of
   * credit returned through {@linkcode PullSource.release}. It completes when the iterable ends
   * and errors when it throws. It can be subscribed once (the iterable is consumed).
   * Unsubscribing calls the iterator's `return()`, which closes a file being read.
   */
  readonly items$: Observable<T>;
  /** Returns `count` units of credit, so that `count` more items may be pulled. */
  release(count?: number): void;
  /** The items pulled so far and not yet released (pulled − released, never below 0). */
  readonly outstanding: number;
}

/**
 * Makes a credit-driven Observable over `source`. Items are taken from the iterator only while
 * credit is left: the first `window` at subscription, then one per unit returned with
 * `release()`. A synchronous `Iterable` is pulled synchronously (so it runs under rxjs's
 * `TestScheduler`); an `AsyncIterable` is pulled one `next()` at a time, never with two
 * `next()` calls pending.
 *
 * Most callers want {@linkcode withDemand}, which wires the credit to a pipeline's outputs.
 *
 * @typeParam T The item type.
 * @param source The items, read lazily.
 * @param options The initial credit.
 * @returns The items and the credit handle.
 * @throws {RangeError} When `window` is not a positive integer.
 *
 * @example Pull on credit
 * ```ts
 * const pulled: number[] = [];
 * const source = pullFrom([1, 2, 3, 4, 5], { window: 2 });
 * source.items$.subscribe((item) => pulled.push(item));
 * assertEquals(pulled, [1, 2]);
 * source.release();
 * assertEquals(pulled, [1, 2, 3]);
 * source.release(5);
 * assertEquals(pulled, [1, 2, 3, 4, 5]);
 * ```
 */
export function pullFrom<T>(
  source: Iterable<T> | AsyncIterable<T>,
  options: PullFromOptions = {},
): PullSource<T> {
  const { window = 16 } = options;
  assertWindow("pull from source", window);
  let credit = window;
  let pulled = 0;
  let released = 0;
  let subscribed = false;
  let pump: () => void = () => {};
  const items$ = new Observable<T>((subscriber) => {
    if (subscribed) {
      subscriber.error(new TypeError("Cannot subscribe to pulled items as they were already subscribed: current value is a second subscription"));
      return;
    }
    subscribed = true;
    const iterator: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
    let pumping = false;
    let finished = false;
    const handle = (result: IteratorResult<T>): void => {
      if (result.done === true) {
        finished = true;
        subscriber.complete();
        return;
      }
      credit -= 1;
      pulled += 1;
      subscriber.next(result.value);
    };
    const fail = (error: unknown): void => {
      finished = true;
      subscriber.error(error);
    };
    pump = () => {
      if (pumping) return; // re-entrant call (a release inside next()): the running loop continues
      pumping = true;
      try {
        while (!finished && !subscriber.closed && credit > 0) {
          const step = iterator.next();
          if (isPromiseLike(step)) {
            step.then(
              (result) => {
                pumping = false;
                if (subscriber.closed) return;
                handle(result);
                pump();
              },
              (error: unknown) => {
                pumping = false;
                fail(error);
              },
            );
            return; // pumping stays true until the pending next() settles
          }
          handle(step);
        }
      } catch (error) {
        fail(error);
      }
      pumping = false;
    };
    pump();
    return () => {
      pump = () => {};
      if (!finished) {
        finished = true;
        try {
          const closing = iterator.return?.();
          if (isPromiseLike(closing)) closing.then(undefined, () => {});
        } catch {
          // the source failed while closing: the subscriber is gone, nobody to tell
        }
      }
    };
  });
  return {
    items$,
    release(count = 1) {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new RangeError(`Cannot release credit as 'count' must be a non-negative integer: current value is ${count}`);
      }
      credit += count;
      released += count;
      pump();
    },
    get outstanding() {
      return Math.max(0, pulled - released);
    },
  };
}

/** Options for {@linkcode withDemand}. */
export interface WithDemandOptions {
  /**
   * The most inputs inside the pipeline at once (pulled and not yet out). Set it to at least the
   * pipeline's concurrency, or the pipeline idles. @default {64}
   */
  window?: number;
}

/**
 * Runs `pipeline` over `source` with demand: the first `window` inputs enter at subscription,
 * then one more each time an output leaves the pipeline. It completes when the input has ended
 * and every input's output has come out. Memory is bounded by `window` items (plus what the
 * pipeline's stages hold per item), whatever the size of the input.
 *
 * The pipeline must emit **exactly one output per input** (stages emit one `Either` per input);
 * an extra output errors with a `RangeError`, and a swallowed input shrinks the window for good.
 * Put order restoration ({@linkcode reorder}) *inside* the pipeline, so credit returns only
 * when a record is released in order and the reorder buffer is bounded by the window too.
 *
 * @typeParam In The input type.
 * @typeParam Out The output type.
 * @param source The inputs, read lazily (an async generator over a file, an array, …).
 * @param pipeline The stages, e.g. `pipe(mergeMap(project, 8), reorder(...))`.
 * @param options The window.
 * @returns A cold Observable of outputs; each subscription iterates `source` again (so pass a
 * fresh iterable, such as a call to {@linkcode readJsonl}, per subscription).
 * @throws {RangeError} When `window` is not a positive integer.
 *
 * @example One output per input, never more than two inputs inside
 * ```ts
 * const outputs = await lastValueFrom(
 *   withDemand(
 *     [1, 2, 3, 4, 5, 6],
 *     mergeMap((item: number) => timer(1).pipe(map(() => item * 10)), 2),
 *     { window: 2 },
 *   ).pipe(toArray()),
 * );
 * assertEquals(outputs, [10, 20, 30, 40, 50, 60]);
 * ```
 */
export function withDemand<In, Out>(
  source: Iterable<In> | AsyncIterable<In>,
  pipeline: OperatorFunction<In, Out>,
  options: WithDemandOptions = {},
): Observable<Out> {
  const { window = 64 } = options;
  assertWindow("run pipeline with demand", window);
  return new Observable<Out>((subscriber) => {
    const pulled = pullFrom(source, { window });
    let inputs = 0;
    let outputs = 0;
    // Credit returns only after the output has reached the subscriber, so an input that the
    // pipeline answers synchronously (a cached call) cannot overtake the output that freed it.
    return pipeline(pulled.items$.pipe(tap(() => inputs++))).subscribe({
      next(output) {
        outputs += 1;
        if (outputs > inputs) {
          subscriber.error(
            new RangeError(
              `Cannot return demand as the pipeline must emit one output per input: current value is ${outputs} outputs for ${inputs} inputs`,
            ),
          );
          return;
        }
        subscriber.next(output);
        pulled.release(1);
      },
      error(error: unknown) {
        subscriber.error(error);
      },
      complete() {
        subscriber.complete();
      },
    });
  });
}

function assertWindow(action: string, window: number): void {
  if (!Number.isSafeInteger(window) || window < 1) {
    throw new RangeError(`Cannot ${action} as 'window' must be a positive integer: current value is ${window}`);
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === "object" && value !== null && "then" in value && typeof value.then === "function";
}
