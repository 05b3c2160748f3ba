/**
 * What `tripost run` (and `collect`, `eval` for their embedded students) checks before it
 * creates anything: every checkpoint loads, every HTTP endpoint answers (one cheap
 * `GET …/models` with the key), every input file exists. A failure is one line naming what and
 * where, so a run never leaves a half-made directory for a student that was never there.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { InputError, RunError } from "../errors.js";
import { describeCheckpointError, loadCheckpoint } from "../models/student/checkpoint.js";
import { endpointLabel } from "./_models.js";

/**
 * Checks that `directory` holds a checkpoint that loads (config, tokenizer, manifest, weights).
 *
 * @throws {InputError} naming the checkpoint and what is wrong (exit 2)
 */
export async function checkCheckpoint(directory: string, role = "student"): Promise<void> {
  if (!existsSync(directory)) throw new InputError({ file: directory }, `no such checkpoint directory (the ${role})`);
  if (!statSync(directory).isDirectory()) throw new InputError({ file: directory }, `the ${role} checkpoint must be a directory`);
  const loaded = await loadCheckpoint(directory);
  if (E.isLeft(loaded)) throw new InputError({ file: directory }, `Cannot load the ${role} checkpoint: ${describeCheckpointError(loaded.left)}`);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return cause.code;
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time";
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** What {@linkcode probeEndpoint} needs. */
export interface ProbeOptions {
  /** `student` or `expert`, for messages. */
  readonly role: string;
  /** The endpoint's base URL (`http://host:port/v1`). */
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** @default {15000} */
  readonly timeoutMs?: number;
}

/**
 * One cheap call to an OpenAI-compatible endpoint (`GET {baseUrl}/models` with the key): it
 * must answer, and must not refuse the key. Any other answer (a list, or 404 from a server that
 * lists no models) counts as reachable; the calls themselves are counted later.
 *
 * @throws {RunError} naming the endpoint and what went wrong (exit 1)
 */
export async function probeEndpoint(options: ProbeOptions): Promise<void> {
  const base = options.baseUrl.replace(/\/+$/, "");
  const shown = endpointLabel(base);
  let status: number;
  try {
    const response = await fetch(`${base}/models`, {
      headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    throw new RunError(`Cannot reach the ${options.role} at ${shown}: ${causeOf(error)} (nothing was started; is the server up?)`);
  }
  if (status === 401 || status === 403) {
    throw new RunError(`Cannot use the ${options.role} at ${shown} as it refused the API key (HTTP ${status}): check the environment variable named by apiKeyEnv`);
  }
}

/**
 * Checks that a trainer's program (`trainer.command[0]`) can be started: a path (relative to
 * the trainer's working directory) must be an executable file; a bare name must be found on
 * `PATH`. A program given as a placeholder (`{…}`) is not checked.
 *
 * @throws {InputError} naming the config field and the program (exit 2)
 */
export function checkTrainerProgram(program: string, cwd: string, path: string | undefined): void {
  if (program.includes("{")) return;
  const executable = (candidate: string) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  };
  if (isAbsolute(program) || program.includes("/") || program.includes("\\")) {
    const full = resolve(cwd, program);
    if (!executable(full)) {
      throw new InputError({ file: "the run config", field: "trainer.command.0" }, `Cannot start the trainer '${program}' as ${existsSync(full) ? "it is not an executable file" : "it does not exist"} (from ${cwd})`);
    }
    return;
  }
  const found = (path ?? "").split(delimiter).filter((entry) => entry !== "").some((entry) => executable(join(entry, program)));
  if (!found) throw new InputError({ file: "the run config", field: "trainer.command.0" }, `Cannot start the trainer '${program}' as it is not on PATH`);
}
