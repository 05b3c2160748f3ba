/**
 * Where a command writes (`--out`), checked before it does any work: nothing is overwritten
 * unasked, no command writes over one of its own inputs, and a path that cannot be written is
 * one line naming it (exit 2) instead of a raw Node error about a temporary file.
 *
 * - A non-empty output directory (or an existing output file) is refused unless the command
 *   continues it (`--resume`, where the command has one) or is told to replace it (`--force`:
 *   {@linkcode clearOwnOutputs} removes the command's own output files, never anything else,
 *   once every check has passed).
 * - An output that is one of the inputs (`export --in X --out X`), or a directory whose output
 *   files would replace an input, is refused even with `--force`.
 * - The nearest existing ancestor must be a writable directory (not a file).
 *
 * Nothing here creates the output: a command that fails before its first step leaves no
 * directory behind.
 *
 * @module
 */
import { accessSync, constants, existsSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { CliIo } from "./_command.js";

/** How an output is checked. */
export interface OutputCheck {
  /** The command, for messages (`collect`). */
  readonly command: string;
  /** The flag that named the output, for messages. @default {"--out"} */
  readonly flag?: string;
  /** `--force` was given: replace the command's own earlier output. */
  readonly force?: boolean;
  /** `--resume` was given (undefined: the command has no `--resume`). */
  readonly resume?: boolean;
  /** Paths the command reads (as given; resolved against the working directory). */
  readonly inputs?: readonly (string | undefined)[];
}

/** The real path of `path` when it exists, else its nearest existing ancestor's real path joined with the rest. */
function canonical(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    rest.unshift(relative(parent, existing));
    existing = parent;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing;
  }
  return join(real, ...rest);
}

/** Throws unless the nearest existing ancestor of `target` (itself excluded) is a writable directory. */
function checkWritableParent(target: string, shown: string, command: string): void {
  let ancestor = dirname(target);
  while (!existsSync(ancestor)) {
    const parent = dirname(ancestor);
    if (parent === ancestor) break;
    ancestor = parent;
  }
  if (!statSync(ancestor).isDirectory()) {
    throw new UsageError(`Cannot write 'tripost ${command}' output to '${shown}' as '${ancestor}' is a file, not a directory`);
  }
  try {
    accessSync(ancestor, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`Cannot write 'tripost ${command}' output to '${shown}' as the directory '${ancestor}' is not writable`);
  }
}

function inputPaths(io: CliIo, check: OutputCheck): { shown: string; path: string }[] {
  return (check.inputs ?? []).flatMap((input) => input === undefined ? [] : [{ shown: input, path: canonical(resolve(io.cwd, input)) }]);
}

/**
 * Checks an output directory that will hold `files` (names relative to it) and resolves it.
 * With `force`, a non-empty directory is accepted; nothing is removed here (see
 * {@linkcode clearOwnOutputs}).
 *
 * @throws {UsageError} naming the directory and what is wrong
 */
export function prepareOutDirectory(io: CliIo, out: string, files: readonly string[], check: OutputCheck): string {
  const target = resolve(io.cwd, out);
  const flag = check.flag ?? "--out";
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new UsageError(`Cannot write 'tripost ${check.command}' output to '${out}' as it is a file, not a directory (${flag} names a directory)`);
  }
  checkWritableParent(target, out, check.command);
  const real = canonical(target);
  for (const input of inputPaths(io, check)) {
    const clash = input.path === real || files.some((file) => canonical(join(target, file)) === input.path);
    if (clash) {
      throw new UsageError(`Cannot write 'tripost ${check.command}' output to '${out}' as it would replace the input '${input.shown}': choose another ${flag}`);
    }
  }
  if (existsSync(target)) {
    try {
      accessSync(target, constants.W_OK | constants.X_OK);
    } catch {
      throw new UsageError(`Cannot write 'tripost ${check.command}' output to '${out}' as the directory is not writable`);
    }
    const entries = readdirSync(target);
    if (entries.length > 0 && check.resume !== true && check.force !== true) {
      const resume = check.resume === undefined ? "" : "--resume to continue it, ";
      throw new UsageError(
        `Cannot write 'tripost ${check.command}' output to '${out}' as it is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}): pass ${resume}--force to replace its output, or choose another ${flag}`,
      );
    }
  }
  return target;
}

/**
 * `--force`: removes the command's own earlier output files (`files`, names relative to
 * `target`) from the directory {@linkcode prepareOutDirectory} checked, and nothing else. A
 * command calls it once every check has passed, right before it writes, so a command that
 * refuses to run (a checkpoint that does not load, shards that do not fit) leaves the earlier
 * output as it was. Does nothing without `force`, or with `resume`.
 */
export function clearOwnOutputs(target: string, files: readonly string[], check: Pick<OutputCheck, "force" | "resume">): void {
  if (check.force !== true || check.resume === true || !existsSync(target)) return;
  for (const file of files) rmSync(join(target, file), { recursive: true, force: true });
}

/**
 * Checks an output file (`--out FILE`) and resolves it: it must not be an input, must not exist
 * unless `force`, and must be creatable.
 *
 * @throws {UsageError} naming the file and what is wrong
 */
export function prepareOutFile(io: CliIo, out: string, check: OutputCheck): string {
  const target = resolve(io.cwd, out);
  const flag = check.flag ?? "--out";
  const real = canonical(target);
  for (const input of inputPaths(io, check)) {
    if (input.path === real) {
      throw new UsageError(`Cannot write 'tripost ${check.command}' output to '${out}' as it is the input '${input.shown}': choose another ${flag}`);
    }
  }
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) {
      throw new UsageError(`Cannot write 'tripost ${check.command}' output to '${out}' as it is a directory (${flag} names a file)`);
    }
    if (check.force !== true && statSync(target).size > 0) {
      throw new UsageError(`Cannot write 'tripost ${check.command}' output to '${out}' as the file exists: pass --force to replace it, or choose another ${flag}`);
    }
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw new UsageError(`Cannot write 'tripost ${check.command}' output to '${out}' as the file is not writable`);
    }
  }
  checkWritableParent(target, out, check.command);
  return target;
}

/** The `--force` flag, as every command that writes `--out` has it. */
export const FORCE_FLAG = {
  force: { type: "boolean", description: "replace the command's earlier output in --out (never its inputs)" },
} as const;
