/**
 * `tripost run` is trustworthy (issue 11): a resumed run continues as it was started (item 1);
 * an unreachable or failing endpoint is loud, exit 1 naming it (item 2); a missing checkpoint or
 * endpoint is found before the run directory exists, and leaves none (items 5, 6).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, startOpenAiServer } from "../_helpers/openai_server.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";

let scratch: string;
let failing: OpenAiServer;
/** A port nothing listens on. */
let closedUrl: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-run-trust-"));
  // An expert that answers 500 to every completion.
  failing = await startOpenAiServer({ faults: () => ({ type: "status", status: 500 }) });
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((done) => probe.close(() => done()));
  closedUrl = `http://127.0.0.1:${port}/v1`;
});

afterAll(async () => {
  await failing.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run --resume continues the run as it was started", () => {
  it("uses the recorded config.json without --config, and refuses a --config or flag that differs, naming the key", async () => {
    const config = { ...tinyRunConfig, baselines: [], training: { ...tinyRunConfig.training, epochs: 1 } };
    const configPath = writeRunConfig(scratch, "resume.json", config);
    const out = join(scratch, "resume-run");
    const first = await runCli(["run", "--config", configPath, "--out", out, "--quiet"], { cwd: rootDirectory });
    expect(first.code, first.stderr).toBe(0);
    const recorded = readFileSync(join(out, "config.json"), "utf8");
    const metrics = readFileSync(join(out, "metrics.json"), "utf8");

    // The README's own command: no --config. The run's config stays what it was (not the defaults).
    const resumed = await runCli(["run", "--out", out, "--resume", "--quiet"], { cwd: rootDirectory });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(out, "config.json"), "utf8")).toBe(recorded);
    expect(readFileSync(join(out, "metrics.json"), "utf8")).toBe(metrics);

    // The same --config is fine.
    const same = await runCli(["run", "--config", configPath, "--out", out, "--resume", "--quiet"], { cwd: rootDirectory });
    expect(same.code, same.stderr).toBe(0);

    const otherPath = writeRunConfig(scratch, "other.json", { ...config, training: { ...config.training, epochs: 4 } });
    const other = await runCli(["run", "--config", otherPath, "--out", out, "--resume"], { cwd: rootDirectory });
    expect(other.code).toBe(2);
    expect(other.stderr.trim().split("\n")).toHaveLength(1);
    expect(other.stderr).toContain("'training.epochs'");
    expect(other.stderr).toMatch(/started with 1.*says 4/);

    const flag = await runCli(["run", "--out", out, "--resume", "--iterations", "3"], { cwd: rootDirectory });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("'iterations'");
    expect(readFileSync(join(out, "config.json"), "utf8")).toBe(recorded);
    expect(readFileSync(join(out, "metrics.json"), "utf8")).toBe(metrics);
  });
});

describe("tripost run never overwrites unasked", () => {
  it("refuses a non-empty --out, naming --resume and --force; --force replaces an earlier run only after the checks pass, and never a directory that holds no run", async () => {
    const configPath = writeRunConfig(scratch, "force.json", { ...tinyRunConfig, baselines: [] });
    const out = join(scratch, "force-run");
    const first = await runCli(["run", "--config", configPath, "--out", out, "--quiet"], { cwd: rootDirectory });
    expect(first.code, first.stderr).toBe(0);
    const metrics = readFileSync(join(out, "metrics.json"), "utf8");

    const again = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty.*--resume.*--force/);

    // A check that fails leaves the earlier run as it was.
    const broken = writeRunConfig(scratch, "force-broken.json", { ...tinyRunConfig, student: "embedded:no/such/checkpoint" });
    const refused = await runCli(["run", "--config", broken, "--out", out, "--force"], { cwd: rootDirectory });
    expect(refused.code).toBe(2);
    expect(readFileSync(join(out, "metrics.json"), "utf8")).toBe(metrics);

    const replaced = await runCli(["run", "--config", configPath, "--out", out, "--force", "--quiet"], { cwd: rootDirectory });
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(existsSync(join(out, "metrics.json"))).toBe(true);

    const notRun = join(scratch, "not-a-run");
    mkdirSync(notRun);
    writeFileSync(join(notRun, "mine.txt"), "keep\n");
    const foreign = await runCli(["run", "--config", configPath, "--out", notRun, "--force"], { cwd: rootDirectory });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/holds no run/);
    expect(readFileSync(join(notRun, "mine.txt"), "utf8")).toBe("keep\n");
  });
});

describe("tripost run checks its models before it creates the run directory", () => {
  it("a missing embedded checkpoint: exit 2 naming it, no directory", async () => {
    const configPath = writeRunConfig(scratch, "missing.json", { ...tinyRunConfig, student: "embedded:no/such/checkpoint" });
    const out = join(scratch, "missing-run");
    const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no/such/checkpoint");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it("an unreachable HTTP student: exit 1 naming the endpoint, at once, no directory", async () => {
    const configPath = writeRunConfig(scratch, "unreachable.json", {
      ...tinyRunConfig,
      baselines: [],
      student: { spec: closedUrl, model: "m", format: "compact", maxRetries: 0 },
      trainer: { command: ["true"], reload: "none" },
    });
    const out = join(scratch, "unreachable-run");
    const started = performance.now();
    const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(closedUrl);
    expect(result.stderr).toMatch(/student/);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(existsSync(out)).toBe(false);
  });

  it("a trainer program that does not exist: exit 2 naming it, no directory", async () => {
    const configPath = writeRunConfig(scratch, "no-trainer.json", { ...tinyRunConfig, baselines: [], trainer: { command: ["no-such-trainer-xyz", "--data", "{data}", "--out", "{out}"] } });
    const out = join(scratch, "no-trainer-run");
    const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("trainer.command.0");
    expect(result.stderr).toContain("no-such-trainer-xyz");
    expect(existsSync(out)).toBe(false);
  });

  it("an unreachable HTTP expert: exit 1 naming it, no directory", async () => {
    const configPath = writeRunConfig(scratch, "unreachable-expert.json", { ...tinyRunConfig, baselines: [], expert: { url: closedUrl, maxRetries: 0 } });
    const out = join(scratch, "unreachable-expert-run");
    const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(closedUrl);
    expect(result.stderr).toMatch(/expert/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("tripost run stops loudly when its calls fail", () => {
  it("an expert answering 500 to every call: exit 1 naming the endpoint and the error, with the resume command", async () => {
    const configPath = writeRunConfig(scratch, "failing-expert.json", { ...tinyRunConfig, baselines: [], expert: { url: failing.url, model: "m", maxRetries: 0 } });
    const out = join(scratch, "failing-expert-run");
    const result = await runCli(["run", "--config", configPath, "--out", out, "--quiet"], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(failing.url);
    expect(result.stderr).toMatch(/every call|model calls failed/);
    expect(result.stderr).toMatch(/500/);
    expect(result.stderr).toContain("--resume");
    expect(failing.counts.requests).toBeGreaterThan(0);
  });

  it("--max-failures takes N or P% and nothing else", async () => {
    const result = await runCli(["run", "--out", join(scratch, "bad-flag"), "--max-failures", "ten"], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--max-failures ten/);
  });
});
