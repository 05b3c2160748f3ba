/**
 * The checks `tripost run` makes before it creates its directory, and the guard that removes a
 * directory it created when the run fails before any step finished:
 *
 * - the config: a fresh run takes `--config` (or the defaults) with `--iterations`/`--seed`; a
 *   resumed one takes its recorded `config.json`, and a `--config` or flag that differs from it
 *   is an error naming the first differing key ({@linkcode resumedConfig});
 * - `--out`: a fresh run needs an empty or missing directory that can be created;
 * - the student's checkpoint loads, or its endpoint answers; an HTTP expert answers
 *   ({@linkcode probeEndpoint}); an external trainer's program exists.
 *
 * @module
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ResolvedRunConfig, RunConfig } from "../codecs/config.js";
import { UsageError } from "../errors.js";
import { numberFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo } from "./_command.js";
import { loadConfig } from "./_config.js";
import { apiKeyFrom, isHttpSpec } from "./_models.js";
import { prepareOutDirectory } from "./_out_dir.js";
import { checkCheckpoint, checkTrainerProgram, probeEndpoint } from "./_preflight.js";
import { resumedConfig } from "./_resume_check.js";
import { setPartialOutput, shellQuote } from "./_signals.js";

function defaultOutDir(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  return join("runs", `run-${stamp}`);
}

/** The config a run uses (before defaults) and where it writes. */
export interface RunSetup {
  readonly config: RunConfig;
  readonly outDir: string;
  readonly resume: boolean;
  /** `--force` on an earlier run: remove it (see {@linkcode replaceEarlierRun}) once the checks pass. */
  readonly replace: boolean;
}

/**
 * Reads the run's config and checks `--out`: a fresh run's config is `--config` (or the
 * defaults) with the flags; a resumed run's is its recorded one, which `--config` and the flags
 * must not contradict.
 *
 * @throws {UsageError} a non-empty `--out` without `--resume`; a resumed run given another config
 * @throws {InputError} a bad config file
 */
export async function runSetup(io: CliIo, args: ParsedArgs, resume: boolean, force = false): Promise<RunSetup> {
  const configPath = stringFlag(args.flags, "config");
  const iterations = numberFlag(args.flags, "iterations");
  const seed = numberFlag(args.flags, "seed");
  const withFlags = (base: RunConfig): RunConfig => ({
    ...base,
    ...(iterations === undefined ? {} : { iterations }),
    ...(seed === undefined ? {} : { seed }),
  });
  const outFlag = stringFlag(args.flags, "out") ?? defaultOutDir();
  const outDir = resolve(io.cwd, outFlag);
  if (resume) {
    const fromFile = configPath === undefined ? undefined : await loadConfig(configPath, { cwd: io.cwd });
    const flags = [iterations === undefined ? undefined : "--iterations", seed === undefined ? undefined : "--seed"].filter((flag) => flag !== undefined);
    const given = fromFile !== undefined
      ? () => withFlags(fromFile)
      : flags.length > 0
      ? (recorded: RunConfig) => withFlags(recorded)
      : undefined;
    const source = configPath !== undefined ? `--config ${configPath}${flags.length > 0 ? ` and ${flags.join(", ")}` : ""}` : flags.join(", ");
    if (force) throw new UsageError("Cannot use --resume with --force: --resume continues the run in --out, --force replaces it");
    return { config: resumedConfig(outDir, given, source).raw, outDir, resume, replace: false };
  }
  const config = withFlags(configPath === undefined ? {} : await loadConfig(configPath, { cwd: io.cwd }));
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UsageError(`Cannot write 'tripost run' output to '${outFlag}' as it is a file, not a directory (--out names the run directory)`);
  }
  const busy = existsSync(outDir) && readdirSync(outDir).length > 0;
  if (busy && !force) {
    throw new UsageError(`Cannot run in '${outDir}' as it is not empty: pass --resume to continue that run, --force to replace it, or another --out`);
  }
  if (busy && !existsSync(join(outDir, "config.json"))) {
    throw new UsageError(`Cannot use --force on '${outDir}' as it holds no run (no config.json): --force replaces an earlier run only; choose another --out`);
  }
  prepareOutDirectory(io, outFlag, [], { command: "run", resume: busy });
  return { config, outDir, resume, replace: busy };
}

/**
 * Checks that the run's models are there before anything is created: the embedded student's
 * checkpoint loads; an HTTP student and an HTTP expert answer and accept their keys.
 *
 * @throws {InputError} a checkpoint that does not load (exit 2)
 * @throws {RunError} an endpoint that does not answer or refuses its key (exit 1)
 */
export async function preflightRun(io: CliIo, config: ResolvedRunConfig, initialCheckpoint: string): Promise<void> {
  if (isHttpSpec(config.student.spec)) {
    const apiKey = apiKeyFrom(io, config.student.apiKeyEnv);
    await probeEndpoint({
      role: "student",
      baseUrl: config.student.spec,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(config.student.timeoutMs === undefined ? {} : { timeoutMs: config.student.timeoutMs }),
    });
  } else {
    await checkCheckpoint(initialCheckpoint, "student");
  }
  if (config.trainer !== undefined && config.trainer.command[0] !== undefined) {
    checkTrainerProgram(config.trainer.command[0], resolve(io.cwd, config.trainer.cwd ?? "."), io.env["PATH"] ?? process.env["PATH"]);
  }
  if (typeof config.expert !== "string") {
    const apiKey = apiKeyFrom(io, config.expert.apiKeyEnv);
    await probeEndpoint({
      role: "expert",
      baseUrl: config.expert.url,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(config.expert.timeoutMs === undefined ? {} : { timeoutMs: config.expert.timeoutMs }),
    });
  }
}

/** Removes the earlier run in `outDir` (`--force`), after every check has passed. */
export function replaceEarlierRun(setup: RunSetup): void {
  if (setup.replace) rmSync(setup.outDir, { recursive: true, force: true });
}

/** The command line that resumes the run in `outDir`. */
export function resumeCommand(outDir: string): string {
  return `tripost run --out ${shellQuote(outDir)} --resume`;
}

/**
 * Watches a run directory from its creation: tells the signal handlers where the partial run is;
 * when the run fails before any step has finished and the directory was made by this run,
 * `fail` removes it, so a failure before the first step leaves no directory.
 */
export function guardRunDirectory(outDir: string): { readonly stepEnded: () => void; readonly fail: () => void } {
  const created = !existsSync(outDir);
  let ended = false;
  setPartialOutput({ path: outDir, resume: resumeCommand(outDir) });
  return {
    stepEnded: () => {
      ended = true;
    },
    fail: () => {
      if (created && !ended) {
        rmSync(outDir, { recursive: true, force: true });
        setPartialOutput(undefined);
      }
    },
  };
}
