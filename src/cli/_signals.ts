/**
 * Ctrl-C and `kill`: a command that has started writing says, as it goes, where its partial
 * output is and which command continues it; on SIGINT or SIGTERM the CLI prints that (one line
 * on stderr) and exits 130 or 143 (128 + the signal's number, as shells do).
 *
 * @module
 */

/** What an interrupted command leaves: where and how to continue. */
export interface PartialOutput {
  /** The directory or file that holds the partial output. */
  readonly path: string;
  /** The command line that continues it, or `undefined` when it cannot be continued. */
  readonly resume?: string;
}

let current: PartialOutput | undefined;

/** Records what a command has written so far (`undefined`: nothing yet). */
export function setPartialOutput(partial: PartialOutput | undefined): void {
  current = partial;
}

/** The line printed when `signal` stops the command. */
export function interruptMessage(signal: "SIGINT" | "SIGTERM"): string {
  if (current === undefined) return `tripost: stopped by ${signal}; nothing was written`;
  const resume = current.resume === undefined ? "" : `; continue with: ${current.resume}`;
  return `tripost: stopped by ${signal}; the partial output is in ${current.path}${resume}`;
}

/** The exit code of a command stopped by `signal`. */
export function interruptExitCode(signal: "SIGINT" | "SIGTERM"): number {
  return signal === "SIGINT" ? 130 : 143;
}

/**
 * Installs the SIGINT and SIGTERM handlers of the CLI process: print
 * {@linkcode interruptMessage} and exit with {@linkcode interruptExitCode}. Completed files stay
 * (each is written atomically); journals keep every completed call for `--resume`.
 */
export function installInterruptHandlers(write: (line: string) => void): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      write(`${interruptMessage(signal)}\n`);
      process.exit(interruptExitCode(signal));
    });
  }
}

/** Quotes an argument for a shell command line shown to the user. */
export function shellQuote(argument: string): string {
  return /^[A-Za-z0-9_\/.:=@%+,-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, "'\\''")}'`;
}

/**
 * The command line of `tripost <command>` with the flags it was given (secrets never reach
 * here: they are refused as flags), `--force` dropped and `--resume` added, for "continue with".
 */
export function resumeCommandLine(command: string, flags: Readonly<Record<string, unknown>>, positionals: readonly string[] = []): string {
  const parts = ["tripost", command, ...positionals.map(shellQuote)];
  for (const [name, value] of Object.entries(flags)) {
    if (name === "force" || name === "resume" || value === undefined || value === false) continue;
    if (value === true) parts.push(`--${name}`);
    else if (Array.isArray(value)) for (const item of value) parts.push(`--${name}`, shellQuote(String(item)));
    else parts.push(`--${name}`, shellQuote(String(value)));
  }
  parts.push("--resume");
  return parts.join(" ");
}
