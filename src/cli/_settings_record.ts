/**
 * What `collect` and `eval` record about how they ran (`stats.json` / `metrics.json`
 * `settings`): the seed, the input's path and SHA-256, the models, the knobs, and the versions,
 * so a result can be traced to what made it.
 *
 * @module
 */
import { runVersions } from "./_run_record.js";

/** An input file as recorded: the path as given and the SHA-256 of its bytes. */
export interface InputRecord {
  readonly path: string;
  readonly sha256: string;
}

/** The settings record: the given fields, then the versions. */
export function settingsRecord(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...fields, versions: runVersions() };
}
