#!/usr/bin/env node
/**
 * The `tripost` command line: the one edge that reads argv, the environment and files, prints,
 * and sets exit codes.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { helpText, parseArgs } from "./cli/_args.js";
import type { CliIo, Command } from "./cli/_command.js";
import { collectCommand } from "./cli/collect.js";
import { critiqueCommand } from "./cli/critique.js";
import { evalCommand } from "./cli/eval.js";
import { exportCommand } from "./cli/export.js";
import { mergeCommand } from "./cli/merge.js";
import { problemsCommand } from "./cli/problems.js";
import { reportCommand } from "./cli/report.js";
import { runCommand } from "./cli/run.js";
import { serveCommand } from "./cli/serve.js";
import { trainCommand } from "./cli/train.js";
import { exitCodeOf, UsageError } from "./errors.js";
import { redactSecrets, refuseSecretsInArgs } from "./cli/_secrets.js";
import { installInterruptHandlers } from "./cli/_signals.js";

const COMMANDS: readonly Command[] = [
  problemsCommand,
  critiqueCommand,
  collectCommand,
  mergeCommand,
  trainCommand,
  exportCommand,
  evalCommand,
  runCommand,
  reportCommand,
  serveCommand,
];

function overview(): string {
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`);
  return `tripost: teach small models to check and fix their own work (TriPosT)\n\nUsage: tripost <command> [flags]\n\nCommands:\n${rows.join("\n")}\n\nRun 'tripost <command> --help' for a command's flags.\n`;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code. Errors
 * print as one line on stderr.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(overview());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    io.stdout.write("tripost 0.1.0\n");
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (command === undefined) throw new UsageError(`Unknown command '${name}' (see 'tripost --help')`);
    const args = parseArgs(command.name, rest, command.flags);
    if (args.help) {
      io.stdout.write(helpText(command.name, command.summary, command.usage, command.flags));
      return 0;
    }
    refuseSecretsInArgs(command.name, args);
    await command.run(args, io);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`tripost: ${redactSecrets(message)}\n`);
    return exitCodeOf(error);
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `serve` stops on these signals itself (closing its server); every other command prints where
  // its partial output is and how to continue it, and exits 130 / 143.
  if (process.argv[2] !== "serve") installInterruptHandlers((line) => process.stderr.write(line));
  const io: CliIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTty: process.stderr.isTTY === true,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`tripost: ${redactSecrets(error instanceof Error ? error.message : String(error))}\n`);
      process.exitCode = 1;
    },
  );
}
