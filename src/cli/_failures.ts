/**
 * Failures are loud: every model call of a command goes through a counter per endpoint; a
 * command whose calls to an endpoint all failed, or more of whose calls failed than
 * `--max-failures` allows, ends with exit 1 naming the endpoint and the last error, instead of
 * writing a complete-looking result of `endpoint-failed` rejections with exit 0.
 *
 * `--max-failures N` allows N failed calls; `--max-failures P%` allows P% of the calls made.
 * The default, {@linkcode DEFAULT_MAX_FAILURES}, is 10%: a failed call is one that failed after
 * its retries, so a share of them means results built on a tenth of the data missing.
 *
 * @module
 */
import { catchError, tap, throwError } from "rxjs";
import { RunError, UsageError } from "../errors.js";
import type { Model } from "../models/model.js";
import type { FlagSpec } from "./_args.js";

/** How many failed calls a command tolerates: a count or a share of the calls made. */
export type MaxFailures = { readonly kind: "count"; readonly count: number } | { readonly kind: "share"; readonly percent: number };

/** The default of `--max-failures`. */
export const DEFAULT_MAX_FAILURES = "10%";

/** The `--max-failures` flag. */
export const MAX_FAILURES_FLAG: Readonly<Record<string, FlagSpec>> = {
  "max-failures": {
    type: "string",
    description: "fail (exit 1) when more model calls failed (after retries) than N, or than P% of the calls",
    placeholder: "N|P%",
    defaultText: DEFAULT_MAX_FAILURES,
  },
};

/**
 * Reads `--max-failures` (`N` or `P%`).
 *
 * @throws {UsageError} for anything else
 */
export function parseMaxFailures(text: string | undefined): MaxFailures {
  const value = text ?? DEFAULT_MAX_FAILURES;
  const share = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (share !== null) {
    const percent = Number(share[1]);
    if (percent <= 100) return { kind: "share", percent };
  } else if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) {
    return { kind: "count", count: Number(value) };
  }
  throw new UsageError(`Cannot use '--max-failures ${value}' as it must be a count N (e.g. 5) or a share P% from 0% to 100% (e.g. 10%)`);
}

function describe(limit: MaxFailures): string {
  return limit.kind === "count" ? String(limit.count) : `${limit.percent}%`;
}

interface EndpointCount {
  calls: number;
  failures: number;
  lastError: string | undefined;
}

/** Counts the calls and failures of the models it wraps, per endpoint label. */
export interface FailureCounter {
  /** `model` with its calls counted under `label` (the endpoint without credentials). */
  wrap(model: Model, label: string): Model;
  /** Calls and failures so far, per endpoint. */
  snapshot(): ReadonlyMap<string, Readonly<EndpointCount>>;
  /**
   * The error to end the command with, or `undefined`: when every call to an endpoint failed,
   * or the failed calls exceed `limit`. `where` says where the partial output is and how to
   * continue it.
   */
  verdict(limit: MaxFailures, where?: string): RunError | undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A new {@linkcode FailureCounter}. */
export function createFailureCounter(): FailureCounter {
  const counts = new Map<string, EndpointCount>();
  const countOf = (label: string): EndpointCount => {
    let count = counts.get(label);
    if (count === undefined) {
      count = { calls: 0, failures: 0, lastError: undefined };
      counts.set(label, count);
    }
    return count;
  };
  return {
    wrap(model, label) {
      return (request) => {
        const count = countOf(label);
        return model(request).pipe(
          tap({ complete: () => void (count.calls += 1) }),
          catchError((error: unknown) => {
            count.calls += 1;
            count.failures += 1;
            count.lastError = messageOf(error);
            return throwError(() => error);
          }),
        );
      };
    },
    snapshot: () => counts,
    verdict(limit, where) {
      const suffix = where === undefined ? "" : `; ${where}`;
      for (const [label, count] of counts) {
        if (count.calls > 0 && count.failures === count.calls) {
          return new RunError(`Cannot finish as every call to ${label} failed (${count.failures} of ${count.calls}), the last with: ${count.lastError ?? "unknown error"}${suffix}`);
        }
      }
      let calls = 0;
      let failures = 0;
      let worst: [string, EndpointCount] | undefined;
      for (const [label, count] of counts) {
        calls += count.calls;
        failures += count.failures;
        if (count.failures > 0 && (worst === undefined || count.failures > worst[1].failures)) worst = [label, count];
      }
      const allowed = limit.kind === "count" ? limit.count : (limit.percent / 100) * calls;
      if (worst === undefined || failures <= allowed) return undefined;
      const [label, count] = worst;
      return new RunError(
        `Cannot finish as ${failures} of ${calls} model calls failed (more than --max-failures ${describe(limit)}), ${count.failures} of them to ${label}, the last with: ${
          count.lastError ?? "unknown error"
        }${suffix}`,
      );
    },
  };
}
