/**
 * A strict flag parser for the CLI: `--name value`, `--name=value`, boolean `--flag`; unknown
 * flags, missing values and malformed numbers are usage errors.
 */
import { UsageError } from "../errors.js";

/** How one flag is read. */
export interface FlagSpec {
  readonly type: "string" | "number" | "boolean";
  readonly description: string;
  /** The placeholder shown in help, e.g. `FILE`. */
  readonly placeholder?: string;
  readonly required?: boolean;
  readonly choices?: readonly string[];
  /** Numbers: must be an integer. */
  readonly integer?: boolean;
  /** Numbers: smallest allowed value. */
  readonly min?: number;
  /** Numbers: the value must be greater than this (e.g. 0 for a learning rate). */
  readonly above?: number;
  /** Numbers: largest allowed value (where a larger one would exhaust the machine or only diverge). */
  readonly max?: number;
  /** The default, shown in help (the command applies it). */
  readonly defaultText?: string;
  /** May be given several times; the values are collected in order. */
  readonly repeated?: boolean;
}

/** A command's flags. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** Parsed values: strings, numbers, booleans, or arrays of strings for repeated flags. */
export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

/** The result of parsing: the flags and the positional arguments. */
export interface ParsedArgs {
  readonly flags: FlagValues;
  readonly positionals: string[];
  readonly help: boolean;
}

/** Parses `argv` (without the command name) against `specs`. Throws {@linkcode UsageError}. */
export function parseArgs(command: string, argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] as string;
    if (token === "--help" || token === "-h") {
      help = true;
      continue;
    }
    if (token === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!token.startsWith("--")) {
      if (token.startsWith("-") && token.length > 1 && !/^-\d/.test(token)) {
        throw new UsageError(`Unknown flag '${token}' for 'tripost ${command}' (see 'tripost ${command} --help')`);
      }
      positionals.push(token);
      continue;
    }
    const equals = token.indexOf("=");
    const name = token.slice(2, equals < 0 ? undefined : equals);
    const spec = specs[name];
    if (spec === undefined) {
      throw new UsageError(`Unknown flag '--${name}' for 'tripost ${command}' (see 'tripost ${command} --help')`);
    }
    let raw: string | undefined;
    if (spec.type === "boolean") {
      if (equals >= 0) {
        const text = token.slice(equals + 1);
        if (text !== "true" && text !== "false") {
          throw new UsageError(`Cannot read '--${name}' as a boolean: current value is '${text}'`);
        }
        flags[name] = text === "true";
      } else {
        flags[name] = true;
      }
      continue;
    }
    if (equals >= 0) {
      raw = token.slice(equals + 1);
    } else {
      raw = argv[index + 1];
      if (raw === undefined || (raw.startsWith("--") && raw.length > 2)) {
        throw new UsageError(`Flag '--${name}' needs a value`);
      }
      index++;
    }
    const value = convert(name, raw, spec);
    if (spec.repeated) {
      const previous = flags[name];
      flags[name] = [...(Array.isArray(previous) ? previous : []), String(value)];
    } else {
      if (flags[name] !== undefined) throw new UsageError(`Flag '--${name}' is given more than once`);
      flags[name] = value;
    }
  }
  if (!help) {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.required && flags[name] === undefined) {
        throw new UsageError(`Flag '--${name}' is required for 'tripost ${command}' (see 'tripost ${command} --help')`);
      }
    }
  }
  return { flags, positionals, help };
}

function convert(name: string, raw: string, spec: FlagSpec): string | number {
  if (spec.choices !== undefined && !spec.choices.includes(raw)) {
    throw new UsageError(
      `Cannot use '--${name} ${raw}' as it must be one of ${spec.choices.join(", ")}: current value is '${raw}'`,
    );
  }
  if (spec.type === "string") return raw;
  const number = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(number)) {
    throw new UsageError(`Cannot read '--${name}' as a number: current value is '${raw}'`);
  }
  if (spec.integer && !Number.isInteger(number)) {
    throw new UsageError(`Cannot use '--${name}' as it must be an integer: current value is ${raw}`);
  }
  if (spec.min !== undefined && number < spec.min) {
    throw new UsageError(`Cannot use '--${name}' as it must be at least ${spec.min}: current value is ${raw}`);
  }
  if (spec.above !== undefined && !(number > spec.above)) {
    throw new UsageError(`Cannot use '--${name}' as it must be greater than ${spec.above}: current value is ${raw}`);
  }
  if (spec.max !== undefined && number > spec.max) {
    throw new UsageError(`Cannot use '--${name}' as it must be at most ${spec.max}: current value is ${raw}`);
  }
  return number;
}

/** The help text of a command. */
export function helpText(command: string, summary: string, usage: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = `  --${name}${spec.type === "boolean" ? "" : ` ${spec.placeholder ?? spec.type.toUpperCase()}`}`;
    const extras = [
      spec.required ? "required" : undefined,
      spec.choices ? `one of: ${spec.choices.join(", ")}` : undefined,
      spec.defaultText ? `default: ${spec.defaultText}` : undefined,
    ].filter((part) => part !== undefined);
    const description = extras.length > 0 ? `${spec.description} (${extras.join("; ")})` : spec.description;
    return `${left.padEnd(30)} ${description}`;
  });
  return `tripost ${command}: ${summary}\n\nUsage: ${usage}\n\nFlags:\n${rows.join("\n")}\n  --help                         show this help\n`;
}

/** Reads an optional string flag. */
export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === "string" ? value : undefined;
}

/** Reads an optional number flag. */
export function numberFlag(flags: FlagValues, name: string): number | undefined {
  const value = flags[name];
  return typeof value === "number" ? value : undefined;
}

/** Reads a boolean flag (absent = false). */
export function booleanFlag(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}
