/**
 * Cost accounting: a Model decorator that counts calls and the tokens their responses report,
 * per label (a pipeline stage and a model), and the reports `stats.json` and `metrics.json` hold.
 *
 * Two counts are kept per label:
 * - **served**: every response the pipeline received, whether the model computed it now or a
 *   run's journal replayed it on `--resume`. A step's results rest on exactly these calls, so
 *   the counts written to files are the same for an uninterrupted run and a killed-and-resumed
 *   one.
 * - **sent**: the responses the model computed in this process (new spend). Served minus sent is
 *   what the journal replayed.
 *
 * A response without `usage` counts as a call (`callsWithoutUsage` too) and adds no tokens.
 * Failed calls and calls unsubscribed before their answer count nothing.
 *
 * @module
 */
import { defer, type Observable, tap } from "rxjs";
import type { JournalEntry } from "../codecs/journal_entry.js";
import type { ModelRequest, ModelResponse } from "../codecs/model_call.js";
import type { UsageCounts, UsageEntry, UsageReport } from "../codecs/metrics.js";
import type { Journal } from "../streams/journal.js";
import { journaledModel } from "./journaled_model.js";
import type { Model } from "./model.js";

/** What a call is counted toward: the stage that made it and the model it went to. */
export interface UsageLabel {
  /** `rollout`, `critique`, `improve`, `evaluate`, `lmsi`, … */
  readonly stage: string;
  /** The model as shown in files: a spec without credentials, or a role such as `student`. */
  readonly model: string;
}

/** The counts of a meter at one moment (see {@linkcode UsageMeter.snapshot}). */
export interface UsageSnapshot {
  /** Every response received, journal replays included. */
  readonly served: readonly UsageEntry[];
  /** The responses computed in this process. */
  readonly sent: readonly UsageEntry[];
}

/** Counts model usage per label. */
export interface UsageMeter {
  /** Wraps `model`: each of its responses counts toward `label` as served and as sent. */
  count(label: UsageLabel, model: Model): Model;
  /**
   * `model` behind `journal` (see `journaledModel`), counted toward `label`: every response as
   * served, and only those `model` computed (journal misses) as sent.
   */
  journaled(label: UsageLabel, model: Model, journal: Journal<JournalEntry>): Model;
  /** A copy of the counts so far, entries sorted by stage then model. */
  snapshot(): UsageSnapshot;
}

/** Zero counts. */
export function emptyCounts(): UsageCounts {
  return { calls: 0, callsWithoutUsage: 0, promptTokens: 0, completionTokens: 0 };
}

function addInto(into: UsageCounts, counts: UsageCounts): void {
  into.calls += counts.calls;
  into.callsWithoutUsage += counts.callsWithoutUsage;
  into.promptTokens += counts.promptTokens;
  into.completionTokens += counts.completionTokens;
}

function keyOf(label: UsageLabel): string {
  return JSON.stringify([label.stage, label.model]);
}

function compareEntries(left: UsageLabel, right: UsageLabel): number {
  return left.stage < right.stage ? -1 : left.stage > right.stage ? 1 : left.model < right.model ? -1 : left.model > right.model ? 1 : 0;
}

class Tally {
  readonly #entries = new Map<string, UsageEntry>();

  add(label: UsageLabel, response: ModelResponse): void {
    const key = keyOf(label);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { stage: label.stage, model: label.model, ...emptyCounts() };
      this.#entries.set(key, entry);
    }
    entry.calls += 1;
    if (response.usage === undefined) {
      entry.callsWithoutUsage += 1;
    } else {
      entry.promptTokens += response.usage.promptTokens;
      entry.completionTokens += response.usage.completionTokens;
    }
  }

  entries(): UsageEntry[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry })).sort(compareEntries);
  }
}

function counted(model: Model, onResponse: (response: ModelResponse) => void): Model {
  return (request: ModelRequest): Observable<ModelResponse> => defer(() => model(request).pipe(tap(onResponse)));
}

function checkLabel(label: UsageLabel): void {
  if (typeof label.stage !== "string" || label.stage === "" || typeof label.model !== "string" || label.model === "") {
    throw new TypeError(`Cannot count usage as the label must name a stage and a model: current value is ${JSON.stringify(label)}`);
  }
}

/**
 * Creates a usage meter. Wrap each model a stage calls with it, above any retry layer's final
 * answer (retried attempts are not seen: their failures cost nothing on OpenAI-compatible
 * servers), and read {@linkcode UsageMeter.snapshot} when the stage ends.
 *
 * @example Count a collection's rollouts and expert calls
 * ```ts
 * const meter = createUsageMeter();
 * const student = meter.journaled({ stage: "rollout", model: "embedded:fixtures/student/m0-msa" }, studentModel, journal);
 * const critique = meter.journaled({ stage: "critique", model: "http://127.0.0.1:8000/v1" }, expertModel, journal);
 * // … run the stages …
 * const report = usageReport(meter.snapshot().served);
 * ```
 */
export function createUsageMeter(): UsageMeter {
  const served = new Tally();
  const sent = new Tally();
  return {
    count(label, model) {
      checkLabel(label);
      return counted(model, (response) => {
        served.add(label, response);
        sent.add(label, response);
      });
    },
    journaled(label, model, journal) {
      checkLabel(label);
      const computed = counted(model, (response) => sent.add(label, response));
      const journaledCalls = journaledModel(computed, journal);
      return counted((request) => journaledCalls(request), (response) => served.add(label, response));
    },
    snapshot: () => ({ served: served.entries(), sent: sent.entries() }),
  };
}

function subtractEntries(after: readonly UsageEntry[], before: readonly UsageEntry[]): UsageEntry[] {
  const earlier = new Map(before.map((entry) => [keyOf(entry), entry]));
  return after.flatMap((entry) => {
    const base = earlier.get(keyOf(entry));
    const delta: UsageEntry = base === undefined ? { ...entry } : {
      stage: entry.stage,
      model: entry.model,
      calls: entry.calls - base.calls,
      callsWithoutUsage: entry.callsWithoutUsage - base.callsWithoutUsage,
      promptTokens: entry.promptTokens - base.promptTokens,
      completionTokens: entry.completionTokens - base.completionTokens,
    };
    return delta.calls === 0 ? [] : [delta];
  });
}

/** What a meter counted between two snapshots (a later one first). */
export function usageSince(after: UsageSnapshot, before: UsageSnapshot): UsageSnapshot {
  return { served: subtractEntries(after.served, before.served), sent: subtractEntries(after.sent, before.sent) };
}

/** Entries of several reports or snapshots merged per (stage, model), sorted. */
export function mergeUsageEntries(lists: readonly (readonly UsageEntry[])[]): UsageEntry[] {
  const merged = new Map<string, UsageEntry>();
  for (const entry of lists.flat()) {
    const key = keyOf(entry);
    const into = merged.get(key);
    if (into === undefined) merged.set(key, { ...entry });
    else addInto(into, entry);
  }
  return [...merged.values()].sort(compareEntries);
}

/**
 * The report written to files: per (stage, model) entries, and their sums per stage, per model
 * and in total. Keys are sorted, so equal counts give byte-identical JSON.
 *
 * @example
 * ```ts
 * const report = usageReport([{ stage: "critique", model: "m", calls: 2, callsWithoutUsage: 0, promptTokens: 30, completionTokens: 8 }]);
 * assertEquals(report.total.promptTokens, 30);
 * ```
 */
export function usageReport(entries: readonly UsageEntry[]): UsageReport {
  const sorted = mergeUsageEntries([entries]);
  const total = emptyCounts();
  const byStage: Record<string, UsageCounts> = {};
  const byModel: Record<string, UsageCounts> = {};
  for (const entry of sorted) {
    const counts: UsageCounts = {
      calls: entry.calls,
      callsWithoutUsage: entry.callsWithoutUsage,
      promptTokens: entry.promptTokens,
      completionTokens: entry.completionTokens,
    };
    addInto(total, counts);
    addInto((byStage[entry.stage] ??= emptyCounts()), counts);
    addInto((byModel[entry.model] ??= emptyCounts()), counts);
  }
  const sortedRecord = (record: Record<string, UsageCounts>) =>
    Object.fromEntries(Object.entries(record).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
  return { total, byStage: sortedRecord(byStage), byModel: sortedRecord(byModel), entries: sorted };
}

function grouped(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * The usage as text lines for a summary: one line per (stage, model) with calls and tokens in and
 * out, then the total; with `sent` (what this process computed), how many of the calls it did not
 * send (replayed from a journal, or done by an earlier run whose files recorded them).
 *
 * @example
 * ```ts
 * formatUsage(usageReport(meter.snapshot().served), meter.snapshot().sent);
 * // "critique  http://127.0.0.1:8000/v1  12 calls  10,240 in  1,024 out\n…"
 * ```
 */
export function formatUsage(report: UsageReport, sent?: readonly UsageEntry[]): string {
  const rows = report.entries.map((entry) => [
    entry.stage,
    entry.model,
    `${grouped(entry.calls)} calls`,
    `${grouped(entry.promptTokens)} in`,
    `${grouped(entry.completionTokens)} out`,
  ]);
  rows.push([
    "total",
    "",
    `${grouped(report.total.calls)} calls`,
    `${grouped(report.total.promptTokens)} in`,
    `${grouped(report.total.completionTokens)} out`,
  ]);
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) =>
    row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ").trimEnd()
  );
  const withoutUsage = report.total.callsWithoutUsage;
  if (withoutUsage > 0) lines.push(`${grouped(withoutUsage)} calls reported no token usage (not in the token sums)`);
  if (sent !== undefined) {
    const sentCalls = sent.reduce((sum, entry) => sum + entry.calls, 0);
    const replayed = report.total.calls - sentCalls;
    if (replayed > 0) {
      lines.push(`${grouped(replayed)} of the calls were not sent by this process (replayed from a journal or done by an earlier run): not new spend`);
    }
  }
  return lines.join("\n");
}
