/**
 * `tripost run` with the Python trainer (`trainers/`, `python -m tripost_trainer`) as its
 * external trainer, end to end on CPU: a tiny LLaMA-architecture model (built offline by
 * `python -m tripost_trainer.tiny`, then taught by the trainer itself to write the gold compact
 * rationales of the run's problems — and a wrong one for half of the training problems, so that
 * the scripted expert has errors to correct) is served by `python -m tripost_trainer.serve`, an
 * OpenAI-compatible server with vLLM's runtime LoRA routes. Two TriPosT iterations collect with
 * it, export `spans`, train a LoRA adapter each with the real trainer, and load it into the server
 * in place; the evaluation after each iteration is answered by that adapter. The run is first
 * killed (SIGKILL, as a crash) as soon as iteration 1's trainer has finished, then resumed: the
 * resumed run trains iteration 2 only, and a second resume trains nothing.
 *
 * It needs `trainers/.venv` (`npm run python:env`, which `npm test` runs first). Set
 * TRIPOST_KEEP_SCRATCH=1 to keep its temporary directory (the run, the models) for a look.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import { goldExample } from "../../src/stages/split.js";
import { getTask } from "../../src/tasks/registry.js";
import { formatFor } from "../../src/tasks/trajectory_format.js";
import { type ChildResult, ensureBuilt, rootDirectory, startChild } from "../_helpers/child_run.js";
import { type CliResult, runCli } from "../_helpers/cli_io.js";
import { writeRunConfig } from "../_helpers/run_config.js";
import { startTrainerServer, type TrainerServer } from "../_helpers/trainer_server.js";

const python = join(rootDirectory, "trainers/.venv/bin/python");
const LORA_NAME = "tripost-student";
const SERVED_NAME = "tiny-m0";

interface SpansRow {
  readonly id: string;
  readonly text: string;
  readonly spans: readonly { readonly start: number; readonly end: number; readonly weight: number }[];
}

interface TrainerSummary {
  readonly mode: string;
  readonly base: string;
  readonly rows: readonly { readonly id: string; readonly tokens: number; readonly targets: number; readonly weightSum: number }[];
  readonly weightSum: number;
  readonly steps: number;
}

let scratch: string;
let runDirectory: string;
let configPath: string;
let server: TrainerServer | undefined;
let serverLines: string[] = [];
/** The run killed after iteration 1's trainer, and the server's lines up to its kill. */
let killed: ChildResult;
let killedLines: string[];
/** The resumed run, and the server's lines from its start. */
let resumed: CliResult;
let resumedLines: string[];
/** iteration-1/model/trainer_summary.json right after the kill. */
let firstSummary: { text: string; time: number };

function lines(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "");
}

/** Runs a Python module of the trainer's environment; rejects with its output when it fails. */
function runPython(args: readonly string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(python, ["-m", ...args], { cwd: rootDirectory, env: { ...process.env, OMP_NUM_THREADS: "1" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolveRun(output) : reject(new Error(`python -m ${args.join(" ")} exited ${code}:\n${output}`))));
  });
}

/** The `[trainer t]` lines in which python -m tripost_trainer starts training: one per invocation. */
function trainerStarts(stderr: string): string[] {
  return stderr.split("\n").filter((line) => /^\[trainer \d\] tripost_trainer: \d+ rows, /.test(line)).map((line) => line.slice(0, "[trainer 1]".length));
}

/**
 * Waits until the server has written every line of the requests it has taken: a `GET /v1/models`
 * waits for the model's lock (a load in flight), and its line comes after theirs.
 */
async function serverSettled(url: string): Promise<void> {
  const before = serverLines.filter((line) => line === "GET /v1/models 200").length;
  await fetch(`${url}/models`);
  while (serverLines.filter((line) => line === "GET /v1/models 200").length === before) await new Promise((wait) => setTimeout(wait, 20));
}

/** The same attempt with a wrong last step and answer (the result + 1), still claiming "F:ok". */
function wrongly(text: string): string {
  const rows = text.split("\n");
  const answerAt = rows.findIndex((row) => row.startsWith("A:"));
  const answer = rows[answerAt]?.slice(2) ?? "";
  const wrong = String(Number(answer) + 1);
  rows[answerAt] = `A:${wrong}`;
  const last = rows[answerAt - 1] ?? "";
  rows[answerAt - 1] = `${last.slice(0, last.lastIndexOf("=") + 1)}${wrong}`;
  return rows.join("\n");
}

/** What the trainer must have trained on for a spans row: <s>, one token per character, </s>
 * (the tiny tokenizer): every character is a target once, and </s> has the last character's weight. */
function expectedWeightSum(row: SpansRow): number {
  const lastSpan = [...row.spans].reverse().find((span) => span.end > span.start);
  return row.spans.reduce((sum, span) => sum + (span.end - span.start) * span.weight, 0) + (lastSpan?.weight ?? 0);
}

beforeAll(async () => {
  if (!existsSync(python)) throw new Error(`Cannot run the trainer's end-to-end test as ${python} is missing: run 'npm run python:env' first`);
  scratch = mkdtempSync(join(tmpdir(), "tripost-hf-trainer-"));
  runDirectory = join(scratch, "run");
  const trainPath = join(scratch, "train.jsonl");
  const testPath = join(scratch, "test.jsonl");
  for (const [path, count, seed] of [[trainPath, "8", "3"], [testPath, "4", "1004"]] as const) {
    const made = await runCli(["problems", "--task", "multistep_arithmetic", "--difficulty", "easy", "--count", count, "--seed", seed, "--out", path]);
    expect(made.code, made.stderr).toBe(0);
  }
  // M0: the tiny model taught the gold compact rationales of every problem, wrong ones for every
  // second training problem.
  const task = getTask("multistep_arithmetic");
  const format = task === undefined ? undefined : formatFor(task, "compact");
  if (task === undefined || format === undefined || E.isLeft(format)) throw new Error("the compact format of multistep_arithmetic is missing");
  const problems = [...lines(trainPath), ...lines(testPath)].map((line) => JSON.parse(line) as Problem);
  const texts = problems.map((problem, index) => {
    const gold = goldExample(task, format.right, problem);
    if (E.isLeft(gold)) throw new Error(`no gold example for ${problem.id}`);
    return index < 8 && index % 2 === 1 ? wrongly(gold.right.text) : gold.right.text;
  });
  const pretrainPath = join(scratch, "m0.spans.jsonl");
  writeFileSync(pretrainPath, texts.map((text, index) => `${JSON.stringify({ id: `m0-${index}`, text, spans: [{ start: 0, end: text.length, weight: 1 }] })}\n`).join(""));
  const untrained = join(scratch, "tiny-untrained");
  const m0 = join(scratch, "tiny-m0");
  await runPython(["tripost_trainer.tiny", "--out", untrained, "--texts", pretrainPath, "--hidden", "64", "--layers", "2", "--seed", "0"]);
  await runPython(["tripost_trainer", "--data", pretrainPath, "--base", untrained, "--out", m0, "--epochs", "60", "--lr", "3e-3", "--batch-size", "4", "--seed", "0"]);
  server = await startTrainerServer({ python, model: m0, servedName: SERVED_NAME, cwd: rootDirectory, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  serverLines = server.lines;
  const { url } = server;

  const config = {
    task: "multistep_arithmetic",
    student: { spec: url, model: SERVED_NAME, format: "compact", endpoint: "completions", maxRetries: 0, timeoutMs: 120000 },
    data: { train: { source: "file", path: trainPath }, test: [{ source: "file", name: "seen", path: testPath }] },
    iterations: 2,
    maxTokens: { rollout: 64, eval: 64 },
    // Greedy rollouts: the tiny model has memorised its attempts, and sampling at 1.0 would mostly
    // spell them wrongly (format errors) instead of giving the expert attempts to correct.
    temperatures: { rollout: 0 },
    passes: { maxPasses: 1, minDataLength: 0 },
    concurrency: 2,
    seed: 5,
    trainer: {
      command: [
        python, "-m", "tripost_trainer",
        "--data", "{data}", "--base", "{base}", "--out", "{out}", "--model", m0,
        "--lora-r", "4", "--epochs", "2", "--lr", "1e-3", "--batch-size", "4", "--seed", "{seed}",
      ],
      reload: "vllm-lora",
      loraName: LORA_NAME,
      timeoutMs: 300000,
    },
  };
  configPath = writeRunConfig(scratch, "hf-trainer.json", config);

  // A crash right after iteration 1's trainer: the CLI in a child process, killed once
  // iteration-1/trainer.done.json exists.
  ensureBuilt(["cli"]);
  const { child, done } = startChild(join(rootDirectory, "dist/cli.js"), ["run", "--config", configPath, "--out", runDirectory]);
  const marker = join(runDirectory, "iteration-1", "trainer.done.json");
  const deadline = Date.now() + 400_000;
  while (!existsSync(marker) && child.exitCode === null && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
  child.kill("SIGKILL");
  killed = await done;
  await serverSettled(url);
  killedLines = [...serverLines];
  const summaryPath = join(runDirectory, "iteration-1", "model", "trainer_summary.json");
  firstSummary = { text: readFileSync(summaryPath, "utf8"), time: statSync(summaryPath).mtimeMs };
  resumed = await runCli(["run", "--config", configPath, "--out", runDirectory, "--resume"], { cwd: rootDirectory });
  resumedLines = serverLines.slice(killedLines.length);
}, 900_000);

afterAll(async () => {
  await server?.close();
  if (scratch !== undefined && process.env["TRIPOST_KEEP_SCRATCH"] === undefined) rmSync(scratch, { recursive: true, force: true });
});

describe("tripost run with the Python trainer and its server (tiny LLaMA on CPU)", () => {
  it("tripost run killed after iteration 1's trainer and resumed trains iteration 1 once and iteration 2 once", () => {
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(trainerStarts(killed.stderr)).toEqual(["[trainer 1]"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/tripost 1 train: done before/);
    expect(trainerStarts(resumed.stderr)).toEqual(["[trainer 2]"]);
    const summaryPath = join(runDirectory, "iteration-1", "model", "trainer_summary.json");
    expect({ text: readFileSync(summaryPath, "utf8"), time: statSync(summaryPath).mtimeMs }).toEqual(firstSummary);
    const metrics = JSON.parse(readFileSync(join(runDirectory, "metrics.json"), "utf8")) as { rows: { method: string; iteration: number }[] };
    expect(metrics.rows.map((row) => [row.method, row.iteration])).toEqual([["M0", 0], ["tripost", 1], ["tripost", 2]]);
  });

  it("tripost run's trainer trains on exactly the exported spans weights, w included", () => {
    let weighted = 0;
    for (const iteration of [1, 2]) {
      const directory = join(runDirectory, `iteration-${iteration}`);
      const exported = lines(join(directory, "train.spans.jsonl")).map((line) => JSON.parse(line) as SpansRow);
      const examples = lines(join(directory, "train.jsonl")).map((line) => JSON.parse(line) as { id: string; text: string; weightFrom: number; weight: number });
      expect(exported.length).toBeGreaterThan(0);
      // The export is the training set: the weight w from weightFrom on, 1 before it.
      expect(exported.map((row) => [row.id, row.text, row.spans])).toEqual(
        examples.map((example) => [example.id, example.text, [{ start: 0, end: example.weightFrom, weight: 1 }, { start: example.weightFrom, end: example.text.length, weight: example.weight }]]),
      );
      const summary = JSON.parse(readFileSync(join(directory, "model", "trainer_summary.json"), "utf8")) as TrainerSummary;
      expect(summary.mode).toBe("lora");
      expect(summary.rows.map((row) => row.id)).toEqual(exported.map((row) => row.id));
      summary.rows.forEach((row, index) => {
        const source = exported[index] as SpansRow;
        expect(row.tokens, row.id).toBe(source.text.length + 2);
        expect(row.weightSum, row.id).toBeCloseTo(expectedWeightSum(source), 9);
      });
      expect(summary.weightSum).toBeCloseTo(exported.reduce((sum, row) => sum + expectedWeightSum(row), 0), 6);
      weighted += exported.filter((row) => row.spans.some((span) => span.weight === 1.5 && span.end > span.start)).length;
      // {base}: the served model's name in iteration 1, the previous adapter after it.
      expect(summary.base).toBe(iteration === 1 ? SERVED_NAME : join(runDirectory, "iteration-1", "model"));
      expect(existsSync(join(directory, "model", "adapter_config.json"))).toBe(true);
      expect(existsSync(join(directory, "model", "adapter_model.safetensors"))).toBe(true);
    }
    // The expert corrected the wrong attempts: examples weighted w = 1.5 from their feedback on.
    expect(weighted).toBeGreaterThan(0);
  });

  it("tripost run loads each adapter into the server in place, and the student answers with it", () => {
    const isLoad = (line: string) => line.startsWith("POST /v1/load_lora_adapter ");
    const loadOf = (iteration: number) => `POST /v1/load_lora_adapter ${LORA_NAME} ${join(runDirectory, `iteration-${iteration}`, "model")} 200`;
    const completions = (lines: readonly string[]) => new Set(lines.filter((line) => line.startsWith("POST /v1/completions ")));
    // Before the kill: M0's evaluation and iteration 1's collection ask for the served model.
    const killedLoad = killedLines.findIndex(isLoad);
    expect(completions(killedLoad < 0 ? killedLines : killedLines.slice(0, killedLoad))).toEqual(new Set([`POST /v1/completions ${SERVED_NAME} 200`]));
    // The resumed run reloads iteration 1's recorded adapter, then loads iteration 2's, in place.
    expect(resumedLines.filter(isLoad)).toEqual([loadOf(1), loadOf(2)]);
    const firstLoad = resumedLines.indexOf(loadOf(1));
    const secondLoad = resumedLines.indexOf(loadOf(2));
    expect(completions(resumedLines.slice(0, firstLoad))).toEqual(new Set());
    expect(completions(resumedLines.slice(firstLoad, secondLoad))).toEqual(new Set([`POST /v1/completions ${LORA_NAME} 200`]));
    expect(completions(resumedLines.slice(secondLoad))).toEqual(new Set([`POST /v1/completions ${LORA_NAME} 200`]));
  });

  it("tripost run --resume after the run trains nothing again and reloads both adapters", async () => {
    const summaries = [1, 2].map((iteration) => join(runDirectory, `iteration-${iteration}`, "model", "trainer_summary.json"));
    const before = summaries.map((path) => ({ text: readFileSync(path, "utf8"), time: statSync(path).mtimeMs }));
    const linesBefore = serverLines.length;
    const again = await runCli(["run", "--config", configPath, "--out", runDirectory, "--resume"], { cwd: rootDirectory });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("[trainer");
    expect(summaries.map((path) => ({ text: readFileSync(path, "utf8"), time: statSync(path).mtimeMs }))).toEqual(before);
    expect(serverLines.slice(linesBefore).filter((line) => line.startsWith("POST /v1/load_lora_adapter "))).toEqual([
      `POST /v1/load_lora_adapter ${LORA_NAME} ${join(runDirectory, "iteration-1", "model")} 200`,
      `POST /v1/load_lora_adapter ${LORA_NAME} ${join(runDirectory, "iteration-2", "model")} 200`,
    ]);
  }, 300_000);
});
