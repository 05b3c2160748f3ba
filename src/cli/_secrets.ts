/**
 * Secrets on the command line: a key in a flag's value (`--student http://h/v1?api_key=…`,
 * `--expert https://user:pass@h/v1`, `--student-model sk-…`) is refused before anything runs,
 * with the hint to name an environment variable instead; and every message the CLI prints goes
 * through {@linkcode redactSecrets} as a last line of defence.
 *
 * @module
 */
import { describeSecret, redactSecrets } from "../codecs/config.js";
import { UsageError } from "../errors.js";
import type { ParsedArgs } from "./_args.js";

export { redactSecrets };

/**
 * Throws a {@linkcode UsageError} naming the first flag (or positional argument) whose value
 * holds a secret. The message never repeats the value.
 */
export function refuseSecretsInArgs(command: string, args: ParsedArgs): void {
  const values: [string, string][] = [];
  for (const [name, value] of Object.entries(args.flags)) {
    if (typeof value === "string") values.push([`--${name}`, value]);
    else if (Array.isArray(value)) for (const item of value) values.push([`--${name}`, item]);
  }
  args.positionals.forEach((value, index) => values.push([`argument ${index + 1}`, value]));
  for (const [where, value] of values) {
    const secret = describeSecret(value);
    if (secret === undefined) continue;
    const hint = command === "collect" && where.startsWith("--expert")
      ? "--expert-api-key-env VAR"
      : "--api-key-env VAR (or 'apiKeyEnv' in a config)";
    throw new UsageError(
      `Cannot use ${where} for 'tripost ${command}' as it holds ${secret}: a key is never a flag; put it in an environment variable and name that with ${hint}`,
    );
  }
}
