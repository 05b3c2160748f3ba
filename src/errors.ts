/**
 * The errors that end a command, each with the exit code the CLI gives it (`contract.md`):
 * 2 for bad usage or bad input, 1 for a run that failed.
 *
 * @module
 */

/** A command line that cannot be understood: an unknown flag, a missing value. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Where in which file a bad input sits. */
export interface InputLocation {
  readonly file: string;
  /** 1-based line number, when the input is line-oriented. */
  readonly line?: number;
  /** The field path inside the record, e.g. `turns.0.attempt`. */
  readonly field?: string;
}

/** Bad input data: names the file, the line and the field. Exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  readonly location: InputLocation;
  constructor(location: InputLocation, message: string, options?: { cause?: unknown }) {
    const where = [location.file, location.line === undefined ? undefined : `line ${location.line}`]
      .filter((part) => part !== undefined)
      .join(":");
    const field = location.field === undefined || message.includes(`'${location.field}'`)
      ? ""
      : `field '${location.field}': `;
    super(`${where}: ${field}${message}`, options);
    this.name = "InputError";
    this.location = location;
  }
}

/** A run that could not complete (an endpoint refused authentication, a fixture is missing). Exit code 1. */
export class RunError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RunError";
  }
}

/** The exit code an error should end the process with. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof InputError) return 2;
  return 1;
}
