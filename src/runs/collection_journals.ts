/**
 * The journaling of model calls as a property of a collection: every collection of a run opens
 * its own journal (`journal.jsonl` in its folder) and every model wrapped here — the expert's,
 * built once for the whole run — goes through the journal of the collection running at the
 * time, so a resumed run re-pays no call that had completed. There is nothing to wire per
 * collection: {@linkcode collectToDirectory} and the loop open and close the journals.
 *
 * @module
 */
import { JournalEntry } from "../codecs/journal_entry.js";
import type { Model } from "../models/model.js";
import { createUsageMeter, type UsageLabel, type UsageMeter } from "../models/usage_meter.js";
import { type Journal, openJournal } from "../streams/journal.js";

/** The journals of a run's collections, and the meter that counts their calls. */
export interface CollectionJournals {
  /** Counts every model call and token of the run. */
  readonly meter: UsageMeter;
  /**
   * `model` counted under `label`, and journaled in whichever collection is running when a call
   * is made (counted only, outside any collection). One journaled wrapper per journal, so
   * repeated samples of one request keep their distinct sample indices.
   */
  wrap(model: Model, label: UsageLabel): Model;
  /**
   * Opens the journal at `path` (keeping its entries when `resume`), makes it the current one
   * while `body` runs, and syncs and closes it after, whatever `body` does.
   */
  within<T>(path: string, resume: boolean, body: (journal: Journal<JournalEntry>) => Promise<T>): Promise<T>;
}

/**
 * Creates the journals of a run, counted by `meter`.
 *
 * @example Journal an HTTP expert's calls in every collection of a run
 * ```ts
 * const journals = createCollectionJournals(meter);
 * const expert = resolveExpert(task, url, { wrap: (model, role, label) => journals.wrap(model, { stage: role, model: label }) });
 * await runTriPosT({ ...dependencies, journals }, options);
 * ```
 */
export function createCollectionJournals(meter: UsageMeter = createUsageMeter()): CollectionJournals {
  let current: Journal<JournalEntry> | undefined;
  return {
    meter,
    wrap(model, label) {
      const counted = meter.count(label, model);
      let cache: { journal: Journal<JournalEntry>; model: Model } | undefined;
      return (request) => {
        const journal = current;
        if (journal === undefined) return counted(request);
        if (cache?.journal !== journal) cache = { journal, model: meter.journaled(label, model, journal) };
        return cache.model(request);
      };
    },
    async within(path, resume, body) {
      if (current !== undefined) throw new TypeError(`Cannot open the journal ${path} as another collection's journal is open`);
      const journal = openJournal(path, JournalEntry, { resume });
      current = journal;
      try {
        const result = await body(journal);
        journal.sync();
        return result;
      } finally {
        current = undefined;
        journal.close();
      }
    },
  };
}
