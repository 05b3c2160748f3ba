/**
 * Ctrl-C and `kill` (issue 11, item 9): a stopped `tripost run` prints where its partial output
 * is and the command that continues it, and exits 130 (SIGINT) or 143 (SIGTERM); that command
 * then finishes the run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, rootDirectory, startChild } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";

let scratch: string;
let configPath: string;

beforeAll(() => {
  ensureBuilt(["cli", "cli/run", "cli/_signals", "cli/_run_guard"]);
  scratch = mkdtempSync(join(tmpdir(), "tripost-signals-"));
  configPath = writeRunConfig(scratch, "run.json", { ...tinyRunConfig, baselines: [] });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts `tripost run` and sends `signal` once its first step has started. */
async function interrupted(signal: "SIGINT" | "SIGTERM", out: string): Promise<{ code: number | null; stderr: string }> {
  const { child, done } = startChild(join(rootDirectory, "dist", "cli.js"), ["run", "--config", configPath, "--out", out]);
  let sent = false;
  child.stderr?.on("data", (chunk: string) => {
    if (!sent && /tripost 0 evaluate|evaluate/.test(String(chunk))) {
      sent = true;
      child.kill(signal);
    }
  });
  const result = await done;
  return { code: result.code, stderr: result.stderr };
}

describe("tripost run stopped by a signal", () => {
  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("on %s prints the partial run and its resume command, exits %i", async (signal, code) => {
    const out = join(scratch, `run-${signal}`);
    const result = await interrupted(signal, out);
    expect(result.code, result.stderr).toBe(code);
    const line = result.stderr.trim().split("\n").at(-1) ?? "";
    expect(line).toContain(`stopped by ${signal}`);
    expect(line).toContain(`the partial output is in ${out}`);
    expect(line).toContain(`continue with: tripost run --out ${out} --resume`);
    if (signal === "SIGINT") {
      // The printed command finishes the run.
      const resumed = await runCli(["run", "--out", out, "--resume", "--quiet"], { cwd: rootDirectory });
      expect(resumed.code, resumed.stderr).toBe(0);
    }
  }, 60_000);
});
