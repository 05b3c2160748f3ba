import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { CliIo } from "./_command.js";

/**
 * Writes a whole output: to `path` atomically (a temporary file renamed into place, so a failed
 * command leaves no half-written file), or to stdout when no path is given.
 */
export async function writeOutput(io: CliIo, path: string | undefined, text: string): Promise<void> {
  if (path === undefined) {
    await new Promise<void>((done, failed) => {
      io.stdout.write(text, (error) => (error ? failed(error) : done()));
    });
    return;
  }
  const target = resolve(io.cwd, path);
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** JSONL text of records: one compact JSON object per line, `\n` line ends. */
export function toJsonl(records: Iterable<unknown>): string {
  let text = "";
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
