// Child of tests/streams/demand_source_test.ts, run as `node --expose-gc` against dist/:
// streams a JSONL file through a zero-latency model and prints, as one JSON line, the outputs,
// the most items read and not yet out, and the heap after a full GC at several points.
// Arguments: FILE MODE(demand|naive) WINDOW SAMPLE_EVERY (reads between heap samples)
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { from, mergeMap, Observable, of } from "rxjs";
import { withDemand } from "../../dist/streams/demand_source.js";
import { readJsonl } from "../../dist/streams/read_jsonl.js";

const [path = "", mode = "demand", windowText = "64", sampleEveryText = "1000"] = process.argv.slice(2);
const window = Number(windowText);
const sampleEvery = Number(sampleEveryText);
const gc = typeof globalThis.gc === "function" ? globalThis.gc : () => {};
const Line = t.type({ id: t.string, question: t.string });

function answer(value) {
  return new Observable((subscriber) => {
    const handle = setImmediate(() => {
      subscriber.next(`answer:${value.id}`);
      subscriber.complete();
    });
    return () => clearImmediate(handle);
  });
}

gc();
const baselineHeapBytes = process.memoryUsage().heapUsed;
let read = 0;
let outputs = 0;
let maxOutstanding = 0;
let peakHeapBytes = baselineHeapBytes;
async function* counted() {
  for await (const line of readJsonl(path, Line)) {
    read += 1;
    maxOutstanding = Math.max(maxOutstanding, read - outputs);
    if (read % sampleEvery === 0) {
      gc();
      peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
    }
    yield line;
  }
}
const pipeline = mergeMap((line) => (E.isRight(line) ? answer(line.right.value) : of("rejected")), window);
const outputs$ = mode === "demand" ? withDemand(counted(), pipeline, { window }) : from(counted()).pipe(pipeline);
const started = performance.now();
outputs$.subscribe({
  next() {
    outputs += 1;
  },
  error(error) {
    console.error(String(error));
    process.exit(1);
  },
  complete() {
    process.stdout.write(
      `${JSON.stringify({ outputs, maxOutstanding, baselineHeapBytes, peakHeapBytes, elapsedMs: performance.now() - started })}\n`,
    );
  },
});
