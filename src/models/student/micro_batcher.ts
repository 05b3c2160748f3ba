/**
 * Micro-batching: gather requests that arrive close together and run them as one batch, one
 * batch at a time. Built for the embedded student, whose decoder is much faster per row on a
 * batch of rows than on one row at a time.
 *
 * @module
 */
import { Observable } from "rxjs";

/** Options for {@linkcode createMicroBatcher}. */
export interface MicroBatcherOptions {
  /** Most inputs in one batch. @default {64} */
  readonly maxBatch?: number;
  /** How long the first waiting input waits for others before its batch starts. @default {5} */
  readonly maxWaitMs?: number;
}

/** One input of a running batch. */
export interface BatchItem<I> {
  readonly input: I;
  /** Whether its subscriber has gone; the runner may stop working on it (its output is dropped). */
  isCancelled(): boolean;
}

/** Runs one batch: one output per item, in the items' order. */
export type BatchRunner<I, O> = (items: readonly BatchItem<I>[]) => Promise<readonly O[]>;

/** Counts of what a batcher has run. */
export interface MicroBatcherStats {
  /** Batches run. */
  readonly batches: number;
  /** Inputs run, over all batches. */
  readonly items: number;
  /** The largest batch so far. */
  readonly largestBatch: number;
}

/** A micro-batcher: `submit` one input, get a cold Observable of its one output. */
export interface MicroBatcher<I, O> {
  /**
   * Subscribing queues `input`; the output arrives when its batch has run. Unsubscribing while it
   * waits removes it from the queue; unsubscribing while its batch runs drops its output.
   */
  submit(input: I): Observable<O>;
  /** What has run so far. */
  stats(): MicroBatcherStats;
}

interface Entry<I, O> {
  readonly input: I;
  readonly subscriber: { next(value: O): void; error(error: unknown): void; complete(): void };
  cancelled: boolean;
}

/**
 * Creates a micro-batcher around `run`. A batch starts when `maxBatch` inputs wait, or
 * `maxWaitMs` after the first of them arrived, whichever comes first, and never while another
 * batch runs (inputs that arrive meanwhile form the next batch).
 *
 * @throws {RangeError} When `maxBatch` is not a positive integer or `maxWaitMs` is negative.
 * @example Double numbers in batches
 * ```ts
 * const batcher = createMicroBatcher<number, number>(async (items) => items.map((item) => item.input * 2));
 * assertEquals(await firstValueFrom(batcher.submit(21)), 42);
 * ```
 */
export function createMicroBatcher<I, O>(
  run: BatchRunner<I, O>,
  options: MicroBatcherOptions = {},
): MicroBatcher<I, O> {
  const { maxBatch = 64, maxWaitMs = 5 } = options;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new RangeError(
      `Cannot create a micro-batcher as 'maxBatch' must be a positive integer: current value is ${maxBatch}`,
    );
  }
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
    throw new RangeError(
      `Cannot create a micro-batcher as 'maxWaitMs' must be a non-negative number: current value is ${maxWaitMs}`,
    );
  }
  const queue: Entry<I, O>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = false;
  let running = false;
  let batches = 0;
  let items = 0;
  let largestBatch = 0;

  function clearTimer(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  function schedule(): void {
    if (queue.length === 0) {
      clearTimer();
      due = false;
      return;
    }
    if (due || queue.length >= maxBatch) {
      void flush();
      return;
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      due = true;
      void flush();
    }, maxWaitMs);
  }

  async function flush(): Promise<void> {
    if (running || queue.length === 0) return;
    running = true;
    due = false;
    clearTimer();
    const entries = queue.splice(0, maxBatch);
    batches++;
    items += entries.length;
    largestBatch = Math.max(largestBatch, entries.length);
    const batch = entries.map((entry): BatchItem<I> => ({
      input: entry.input,
      isCancelled: () => entry.cancelled,
    }));
    try {
      const outputs = await run(batch);
      if (outputs.length !== entries.length) {
        throw new RangeError(
          `Cannot finish a batch as the runner must return one output per input (${entries.length}): current value is ${outputs.length}`,
        );
      }
      entries.forEach((entry, index) => {
        if (entry.cancelled) return;
        entry.subscriber.next(outputs[index] as O);
        entry.subscriber.complete();
      });
    } catch (error) {
      for (const entry of entries) if (!entry.cancelled) entry.subscriber.error(error);
    } finally {
      running = false;
    }
    schedule();
  }

  return {
    submit(input) {
      return new Observable<O>((subscriber) => {
        const entry: Entry<I, O> = { input, subscriber, cancelled: false };
        queue.push(entry);
        schedule();
        return () => {
          entry.cancelled = true;
          const index = queue.indexOf(entry);
          if (index >= 0) {
            queue.splice(index, 1);
            if (queue.length === 0) schedule();
          }
        };
      });
    },
    stats: () => ({ batches, items, largestBatch }),
  };
}
