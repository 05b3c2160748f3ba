import type { Readable, Writable } from "node:stream";
import type { FlagSpecs, ParsedArgs } from "./_args.js";

/** What a command may touch: its streams and environment (injected, so tests run it in-process). */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory relative paths resolve against. */
  readonly cwd: string;
  /** Whether stderr is a terminal (progress bars) or not (plain lines). */
  readonly isTty: boolean;
}

/** One `tripost` subcommand. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: FlagSpecs;
  /** Runs the command; resolves when done. Throws UsageError, InputError or RunError. */
  run(args: ParsedArgs, io: CliIo): Promise<void>;
}
