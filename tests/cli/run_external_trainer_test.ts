import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDirectory } from "../_helpers/child_run.js";
import { type CliResult, runCli } from "../_helpers/cli_io.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";
import { startVllmLoraServer, type VllmEvent, type VllmLoraServer } from "../_helpers/vllm_lora_server.js";

const fakeTrainer = join(rootDirectory, "tests/_helpers/fake_trainer.mjs");
const LORA_NAME = "tripost-student";

let server: VllmLoraServer;
let scratch: string;
let runDirectory: string;
let first: CliResult;

function trainerCommand(...extra: string[]): string[] {
  return [
    process.execPath,
    fakeTrainer,
    "--data",
    "{data}",
    "--out",
    "{out}",
    "--format",
    "{export}",
    "--iteration",
    "{iteration}",
    "--base",
    "{base}",
    ...extra,
  ];
}

/** Two iterations of an HTTP student on the fake vLLM server, trained by the fake trainer. */
function externalConfig(overrides: Record<string, unknown> = {}, trainer: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    task: "multistep_arithmetic",
    student: { spec: server.url, model: "m0", format: "compact", endpoint: "completions", maxRetries: 0, timeoutMs: 30000 },
    data: {
      train: { source: "generate", difficulty: "easy", count: 8, seed: 3 },
      test: [
        { source: "generate", name: "seen", difficulty: "easy", split: "seen", count: 3, seed: 1004 },
        { source: "generate", name: "unseen", difficulty: "medium", split: "unseen", count: 3, seed: 1004 },
      ],
    },
    iterations: 2,
    maxTokens: { rollout: 64, eval: 64 },
    passes: { maxPasses: 1, minDataLength: 0 },
    concurrency: 4,
    seed: 5,
    trainer: { command: trainerCommand(), reload: "vllm-lora", ...trainer },
    ...overrides,
  };
}

function lines(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "");
}

function ids(path: string): string[] {
  return lines(path).map((line) => (JSON.parse(line) as { id: string }).id);
}

function loads(events: readonly VllmEvent[]): Extract<VllmEvent, { type: "load" }>[] {
  return events.filter((event): event is Extract<VllmEvent, { type: "load" }> => event.type === "load");
}

beforeAll(async () => {
  server = await startVllmLoraServer({ checkpoint: join(rootDirectory, "fixtures/student/m0-msa"), baseModel: "m0" });
  scratch = mkdtempSync(join(tmpdir(), "tripost-run-external-"));
  runDirectory = join(scratch, "run");
  const configPath = writeRunConfig(scratch, "external.json", externalConfig());
  first = await runCli(["run", "--config", configPath, "--out", runDirectory], { cwd: rootDirectory });
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run with an external trainer and reload: vllm-lora", () => {
  it("tripost run trains two iterations externally and loads each output into vLLM in place under one name", () => {
    expect(first.code, first.stderr).toBe(0);
    const loaded = loads(server.events);
    expect(loaded.map((event) => event.body)).toEqual([
      { lora_name: LORA_NAME, lora_path: join(runDirectory, "iteration-1", "model"), load_inplace: true },
      { lora_name: LORA_NAME, lora_path: join(runDirectory, "iteration-2", "model"), load_inplace: true },
    ]);
    expect(loaded.map((event) => event.status)).toEqual([200, 200]);
    expect(server.events.filter((event) => event.type === "unload")).toEqual([]);
  });

  it("tripost run asks for the base model until the first load and for the stable LoRA name after it", () => {
    const firstLoad = server.events.findIndex((event) => event.type === "load");
    const secondLoad = server.events.findIndex((event, index) => event.type === "load" && index > firstLoad);
    const before = server.events.slice(0, firstLoad).filter((event) => event.type === "completion");
    const between = server.events.slice(firstLoad + 1, secondLoad).filter((event) => event.type === "completion");
    const after = server.events.slice(secondLoad + 1).filter((event) => event.type === "completion");
    // M0's evaluation and iteration 1's collection; iteration 1's evaluation and iteration 2's
    // collection; iteration 2's evaluation.
    expect(before.length).toBeGreaterThan(0);
    expect(between.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(before.map((event) => event.model))).toEqual(new Set(["m0"]));
    expect(new Set([...between, ...after].map((event) => event.model))).toEqual(new Set([LORA_NAME]));
    expect(new Set(between.map((event) => event.adapterPath))).toEqual(new Set([join(runDirectory, "iteration-1", "model")]));
    expect(new Set(after.map((event) => event.adapterPath))).toEqual(new Set([join(runDirectory, "iteration-2", "model")]));
    expect(server.events.every((event) => event.status === 200)).toBe(true);
  });

  it("tripost run leaves the exported file, the trainer's output, its log and its record in each iteration folder", () => {
    for (const iteration of [1, 2]) {
      const directory = join(runDirectory, `iteration-${iteration}`);
      const exported = lines(join(directory, "train.spans.jsonl"));
      expect(exported.length).toBe(lines(join(directory, "train.jsonl")).length);
      const row = JSON.parse(exported[0] as string) as { text: string; spans: { start: number; end: number }[] };
      expect(row.spans.at(-1)?.end).toBe(row.text.length);
      const manifest = JSON.parse(readFileSync(join(directory, "model", "trainer_manifest.json"), "utf8")) as Record<string, unknown>;
      expect(manifest).toEqual({
        iteration,
        rows: exported.length,
        format: "spans",
        data: join(directory, "train.spans.jsonl"),
        // {base}: the served model name in iteration 1, the previous output directory after it.
        base: iteration === 1 ? "m0" : join(runDirectory, "iteration-1", "model"),
      });
      expect(existsSync(join(directory, "model", "adapter_config.json"))).toBe(true);
      expect(readFileSync(join(directory, "trainer.log"), "utf8")).toContain(`fake trainer: iteration ${iteration}, ${exported.length} spans rows`);
      const done = JSON.parse(readFileSync(join(directory, "trainer.done.json"), "utf8")) as { out: string; command: string[] };
      expect(done.out).toBe(join(directory, "model"));
      expect(done.command).toContain(join(directory, "train.spans.jsonl"));
      expect(existsSync(join(directory, "eval", "metrics.json"))).toBe(true);
      expect(existsSync(join(directory, "checkpoint"))).toBe(false);
    }
    expect(first.stderr).toContain("[trainer 1] fake trainer: iteration 1");
    expect(first.stderr).toContain("[trainer 2] fake trainer: base ");
  });

  it("tripost run puts every training problem in exactly one of trajectories and rejections in each iteration", () => {
    const trainIds = ids(join(runDirectory, "problems", "train.jsonl"));
    expect(trainIds).toHaveLength(8);
    for (const iteration of [1, 2]) {
      const directory = join(runDirectory, `iteration-${iteration}`);
      const seen = [...ids(join(directory, "trajectories.jsonl")), ...ids(join(directory, "rejections.jsonl"))];
      expect(seen.sort(), `iteration ${iteration}`).toEqual([...trainIds].sort());
    }
  });

  it("tripost run reports M0 and both TriPosT iterations, with no baselines", () => {
    const metrics = JSON.parse(readFileSync(join(runDirectory, "metrics.json"), "utf8")) as { rows: { method: string; iteration: number; steps: number }[] };
    expect(metrics.rows.map((row) => [row.method, row.iteration])).toEqual([["M0", 0], ["tripost", 1], ["tripost", 2]]);
    expect(metrics.rows.every((row) => row.steps === 0)).toBe(true);
  });

  it("tripost run --resume does not run a finished trainer again but loads its output again", async () => {
    const donePath = join(runDirectory, "iteration-2", "trainer.done.json");
    const before = { done: readFileSync(donePath, "utf8"), logTime: statSync(join(runDirectory, "iteration-2", "trainer.log")).mtimeMs };
    const loadsBefore = loads(server.events).length;
    const configPath = join(scratch, "external.json");
    const again = await runCli(["run", "--config", configPath, "--out", runDirectory, "--resume"], { cwd: rootDirectory });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("[trainer");
    expect(again.stderr).toMatch(/tripost 2 train: done before/);
    expect(readFileSync(donePath, "utf8")).toBe(before.done);
    expect(statSync(join(runDirectory, "iteration-2", "trainer.log")).mtimeMs).toBe(before.logTime);
    expect(loads(server.events).slice(loadsBefore).map((event) => event.body["lora_path"])).toEqual([
      join(runDirectory, "iteration-1", "model"),
      join(runDirectory, "iteration-2", "model"),
    ]);
  });
});

describe("tripost run with an external trainer and an embedded student", () => {
  it("tripost run evaluates the trainer's checkpoint directory as the next embedded student", async () => {
    const config = {
      ...tinyRunConfig,
      baselines: [],
      trainer: { command: [...trainerCommand("--copy-from", "{base}")], export: "trl" },
    };
    const configPath = writeRunConfig(scratch, "embedded-external.json", config);
    const out = join(scratch, "embedded-external");
    const result = await runCli(["run", "--config", configPath, "--out", out, "--quiet"], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(0);
    const model = join(out, "iteration-1", "model");
    expect(existsSync(join(model, "weights.bin"))).toBe(true);
    expect(JSON.parse(readFileSync(join(model, "trainer_manifest.json"), "utf8"))).toMatchObject({
      format: "trl",
      base: join(rootDirectory, "fixtures/student/m0-msa"),
    });
    expect(existsSync(join(out, "iteration-1", "train.trl.jsonl"))).toBe(true);
    expect(existsSync(join(out, "iteration-1", "eval", "metrics.json"))).toBe(true);
    expect(result.stderr).toBe("");
  });
});

describe("tripost run with a failing or badly configured external trainer", () => {
  it("tripost run exits 1 when the trainer exits 3, naming the exit code, the command and its last lines, and loads nothing", async () => {
    const loadsBefore = loads(server.events).length;
    const config = externalConfig({ iterations: 1 }, { command: trainerCommand("--exit", "3") });
    const configPath = writeRunConfig(scratch, "failing.json", config);
    const result = await runCli(["run", "--config", configPath, "--out", join(scratch, "failing"), "--quiet"], { cwd: rootDirectory });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the trainer of iteration 1 exited with code 3/);
    expect(result.stderr).toContain("fake_trainer.mjs");
    expect(result.stderr).toContain("| fake trainer: giving up with exit code 3");
    // --quiet: the trainer's lines appear only in the error message, not streamed.
    expect(result.stderr).not.toContain("[trainer 1]");
    expect(existsSync(join(scratch, "failing", "iteration-1", "trainer.done.json"))).toBe(false);
    expect(existsSync(join(scratch, "failing", "iteration-1", "train.spans.jsonl"))).toBe(true);
    expect(loads(server.events).length).toBe(loadsBefore);
  });

  it("tripost run exits 1 with the server's message when vLLM refuses to load the adapter", async () => {
    const config = externalConfig({ iterations: 1 }, { loraPath: "/nowhere/{iteration}" });
    const configPath = writeRunConfig(scratch, "bad-path.json", config);
    const result = await runCli(["run", "--config", configPath, "--out", join(scratch, "bad-path"), "--quiet"], { cwd: rootDirectory });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot load the LoRA adapter 'tripost-student' from '\/nowhere\/1'.*answered 400: No adapter found for \/nowhere\/1/);
  });

  it("tripost run exits 2 for an HTTP student without a trainer, and writes nothing", async () => {
    const { trainer: _trainer, ...config } = externalConfig();
    const configPath = writeRunConfig(scratch, "no-trainer.json", config);
    const out = join(scratch, "no-trainer-run");
    const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot train an HTTP student without an external trainer.*add 'trainer'/);
    expect(existsSync(out)).toBe(false);
  });

  const badConfigs: [string, Record<string, unknown>, string][] = [
    ["an empty command", { trainer: { command: [], reload: "vllm-lora" } }, "trainer.command"],
    ["an unknown placeholder", { trainer: { command: ["train", "--data", "{dataset}"], reload: "vllm-lora" } }, "trainer.command.2"],
    ["an unknown export format", { trainer: { command: ["train"], reload: "vllm-lora", export: "axolotl" } }, "trainer.export"],
    ["an unknown reload", { trainer: { command: ["train"], reload: "sglang" } }, "trainer.reload"],
    ["a missing reload for an HTTP student", { trainer: { command: ["train"] } }, "trainer"],
    ["baselines next to an external trainer", { baselines: ["lmsi"] }, "baselines"],
    ["a negative timeout", { trainer: { command: ["train"], reload: "none", timeoutMs: -5 } }, "trainer.timeoutMs"],
  ];
  for (const [what, overrides, path] of badConfigs) {
    it(`tripost run exits 2 on ${what}, naming '${path}', and writes nothing`, async () => {
      const configPath = writeRunConfig(scratch, "bad-trainer.json", externalConfig(overrides));
      const out = join(scratch, "bad-trainer-run");
      const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain("bad-trainer.json:line ");
      expect(result.stderr).toContain(`'${path}'`);
      expect(existsSync(out)).toBe(false);
    });
  }
});
