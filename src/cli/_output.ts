import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { CliIo } from "./_command.js";

/** Why a path cannot be written, in words, from a Node error code. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a part of the path is a file, not a directory";
    case "EISDIR":
      return "it is a directory";
    case "ENOSPC":
      return "the disk is full";
    case "EROFS":
      return "the file system is read-only";
    case "ENAMETOOLONG":
      return "the name is too long";
    case "EEXIST":
      return "a file is in the way";
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

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
  const temporary = `${target}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    // One line naming the output, not the temporary file (exit 2: the path is the user's to fix).
    throw new UsageError(`Cannot write '${path}' as ${describeWriteError(error)}`);
  }
}

/** JSONL text of records: one compact JSON object per line, `\n` line ends. */
export function toJsonl(records: Iterable<unknown>): string {
  let text = "";
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
