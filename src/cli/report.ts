import * as E from "fp-ts/lib/Either.js";
import { join, resolve } from "node:path";
import { type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { writeOutput } from "./_output.js";
import { InputError, UsageError } from "../errors.js";
import { loadRun } from "../report/load_run.js";
import { renderReport } from "../report/render_report.js";
import { existsSync } from "node:fs";
import { directoryKind, renderDirectoryReport } from "./_dir_report.js";

/**
 * Writes the HTML report of the run directory `directory` to `out` (default
 * `DIR/report.html`) and resolves to the written path. Throws InputError naming a bad file.
 */
export async function writeRunReport(io: CliIo, directory: string, out?: string): Promise<string> {
  const runDirectory = resolve(io.cwd, directory);
  const kind = directoryKind(runDirectory);
  if (kind === "collect" || kind === "eval") {
    const target = resolve(io.cwd, out ?? join(runDirectory, "report.html"));
    await writeOutput(io, target, renderDirectoryReport(runDirectory, kind));
    return target;
  }
  if (kind === "unknown" && existsSync(runDirectory)) {
    throw new InputError({ file: directory }, "Cannot write a report as it is not a run, collect or eval directory (no config.json, stats.json or metrics.json)");
  }
  const run = loadRun(runDirectory);
  if (E.isLeft(run)) {
    const file = run.left.file.startsWith("/") ? run.left.file : join(runDirectory, run.left.file);
    throw new InputError({ file, ...(run.left.line === undefined ? {} : { line: run.left.line }) }, run.left.message);
  }
  const target = resolve(io.cwd, out ?? join(runDirectory, "report.html"));
  await writeOutput(io, target, renderReport(run.right));
  return target;
}

/** `tripost report`: one self-contained HTML report of a run directory. */
export const reportCommand: Command = {
  name: "report",
  summary: "write a self-contained HTML report of a run, collect or eval directory",
  usage: "tripost report DIR [--out FILE]",
  flags: {
    out: { type: "string", description: "where to write the report", placeholder: "FILE", defaultText: "DIR/report.html" },
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const [directory, ...extra] = args.positionals;
    if (directory === undefined) throw new UsageError("Cannot write a report as no run directory is given: usage is 'tripost report DIR'");
    if (extra.length > 0) throw new UsageError(`Cannot write a report as only one run directory is accepted: current value is '${args.positionals.join(" ")}'`);
    const path = await writeRunReport(io, directory, stringFlag(args.flags, "out"));
    io.stdout.write(`Report: ${path}\n`);
  },
};
