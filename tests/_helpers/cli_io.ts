import { PassThrough } from "node:stream";
import { main } from "../../src/cli.js";
import type { CliIo } from "../../src/cli/_command.js";

/** What an in-process CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tripost …` in-process with captured streams. */
export async function runCli(
  argv: readonly string[],
  options: { stdin?: string; cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(options.stdin ?? "");
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTty: false,
  };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}

/** A CLI io for code that takes one (resolving models and experts): silent streams and `env`. */
export function silentIo(env: Record<string, string | undefined> = {}): CliIo {
  return { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: process.cwd(), isTty: false };
}
