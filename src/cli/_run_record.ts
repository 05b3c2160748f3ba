/**
 * What `tripost run` records about itself beside the results, for the report: the versions it
 * ran with (`versions.json`) and how long each step took (`timings.jsonl`, one line per finished
 * step, appended as steps end, so a killed and resumed run keeps the steps it had finished).
 *
 * @module
 */
import { appendFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { LoopEvent } from "../stages/tripost_loop.js";

/** The file of per-step timings in a run directory. */
export const TIMINGS_FILE_NAME = "timings.jsonl";

/** The file of versions in a run directory. */
export const VERSIONS_FILE_NAME = "versions.json";

function packageVersion(name: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * The versions a run ran with: tripost's, Node's, the platform, and the packages that decide
 * results (TensorFlow.js and its wasm backend, rxjs). A package that cannot be resolved is left out.
 */
export function runVersions(): Record<string, string> {
  // src/cli/ and dist/cli/ both sit two folders below the package root.
  let tripost: string | undefined;
  try {
    tripost = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string }).version;
  } catch {
    tripost = undefined;
  }
  const versions: Record<string, string> = {};
  if (tripost !== undefined) versions["tripost"] = tripost;
  versions["node"] = process.version;
  versions["platform"] = `${process.platform}-${process.arch}`;
  for (const name of ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "rxjs"]) {
    const version = packageVersion(name);
    if (version !== undefined) versions[name] = version;
  }
  return versions;
}

/** One finished step of a run and how long it took. */
export interface StepTiming {
  readonly method: string;
  readonly iteration: number;
  readonly step: string;
  readonly ms: number;
}

/**
 * A loop-event listener that appends a {@linkcode StepTiming} to `DIR/timings.jsonl` when a step
 * ends (steps skipped on resume are not timed again). `now` is injectable for tests.
 */
export function timingRecorder(outDir: string, now: () => number = () => performance.now()): (event: LoopEvent) => void {
  const started = new Map<string, number>();
  const keyOf = (event: { method: string; iteration: number; step: string }) => `${event.method}/${event.iteration}/${event.step}`;
  return (event) => {
    if (event.type === "step-start") started.set(keyOf(event), now());
    if (event.type !== "step-end") return;
    const start = started.get(keyOf(event));
    if (start === undefined) return;
    started.delete(keyOf(event));
    const timing: StepTiming = { method: event.method, iteration: event.iteration, step: event.step, ms: Math.round(now() - start) };
    appendFileSync(join(outDir, TIMINGS_FILE_NAME), `${JSON.stringify(timing)}\n`);
  };
}
