import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrng } from "../../src/util/prng.js";
import { type ChildResult, ensureBuilt, rootDirectory, startChild } from "../_helpers/child_run.js";
import { writeRunConfig } from "../_helpers/run_config.js";

const cli = join(rootDirectory, "dist", "cli.js");

/**
 * Files that legitimately differ between an uninterrupted run and a killed-and-resumed one:
 * - `training_log.jsonl` (in each checkpoint) carries `elapsedMs`, wall-clock time per step;
 * - `journal.jsonl` holds the model calls in completion order, and after a kill also the calls
 *   of the first attempt; it is compared as a set of calls instead (below).
 */
// Wall times differ from run to run, and so does the report that shows them.
const NON_DETERMINISTIC = new Set(["training_log.jsonl", "journal.jsonl", "timings.jsonl", "report.html"]);

function filesUnder(directory: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(directory, path));
    }
  };
  walk(directory);
  return files.sort();
}

/** The distinct calls of a journal: its lines without the ones that do not parse (a torn last line). */
function journalCalls(path: string): string[] {
  const calls = new Set<string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    try {
      const entry = JSON.parse(line) as { key?: string; sample?: number; response?: unknown };
      calls.add(JSON.stringify([entry.key, entry.sample, entry.response]));
    } catch {
      // a line cut by the kill
    }
  }
  return [...calls].sort();
}

/** Runs `tripost run` to the end. */
function runToEnd(args: readonly string[]): Promise<ChildResult> {
  return startChild(cli, ["run", ...args]).done;
}

/** Starts `tripost run` and SIGKILLs it once a progress line on stderr matches `when` (or the `when`-th line). */
async function runAndKill(args: readonly string[], when: RegExp | number): Promise<ChildResult> {
  const { child, done } = startChild(cli, ["run", ...args]);
  let seen = 0;
  let pending = "";
  child.stderr?.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      seen++;
      const hit = typeof when === "number" ? seen >= when : when.test(line);
      if (hit && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
  return done;
}

let scratch: string;
let configPath: string;
let reference: string;
let referenceLines: number;

beforeAll(async () => {
  ensureBuilt(["cli", "cli/run", "runs/run_tripost", "runs/collection", "stages/collect", "stages/generate"]);
  scratch = mkdtempSync(join(tmpdir(), "tripost-run-resume-"));
  configPath = writeRunConfig(scratch);
  reference = join(scratch, "A");
  const result = await runToEnd(["--config", configPath, "--out", reference]);
  expect(result.code, result.stderr).toBe(0);
  referenceLines = result.stderr.split("\n").length - 1;
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run --resume", () => {
  it("tripost run --resume after a SIGKILL at seeded points ends with the files of an uninterrupted run", async () => {
    const prng = createPrng("run-resume-test");
    // In the middle of TriPosT's collection (a partial journal), of its evaluation, and after a
    // seeded line between the first and the last step.
    const points: (RegExp | number)[] = [/^tripost 1 collect 1\//, /^tripost 1 evaluate 1\//, prng.int(2, referenceLines - 2)];
    const referenceFiles = filesUnder(reference);
    for (const [index, point] of points.entries()) {
      const killed = join(scratch, `B${index}`);
      const interrupted = await runAndKill(["--config", configPath, "--out", killed], point);
      expect(interrupted.signal, `run ${index} ended before the kill at ${point}`).toBe("SIGKILL");
      const resumed = await runToEnd(["--config", configPath, "--out", killed, "--resume"]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain("done before, skipped");
      expect(filesUnder(killed)).toEqual(referenceFiles);
      for (const file of referenceFiles) {
        const name = file.split("/").at(-1) ?? file;
        if (name === "journal.jsonl") {
          expect(journalCalls(join(killed, file)), `${file} after a kill at ${point}`).toEqual(journalCalls(join(reference, file)));
        } else if (!NON_DETERMINISTIC.has(name)) {
          expect(readFileSync(join(killed, file)).equals(readFileSync(join(reference, file))), `${file} after a kill at ${point}`).toBe(true);
        }
      }
    }
  });

  it("tripost run --resume exits 2 in a directory that holds no run", async () => {
    const result = await runToEnd(["--config", configPath, "--out", join(scratch, "empty"), "--resume"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("config.json");
  });
});
