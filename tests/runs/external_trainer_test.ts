import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/cli/_config.js";
import { decodeConfig, resolveConfig, TRAINER_PLACEHOLDERS } from "../../src/codecs/config.js";
import type { ResolvedTrainer } from "../../src/codecs/config.js";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import { RunError } from "../../src/errors.js";
import {
  embeddedReloader,
  exportTrainingSet,
  externalTrainer,
  namedModelReloader,
  type Reloader,
  runTrainerCommand,
  sameModelReloader,
  substitute,
  TRAINER_DONE_FILE,
  trainerEnvironment,
} from "../../src/runs/external_trainer.js";
import { rootDirectory } from "../_helpers/child_run.js";

const fakeTrainer = join(rootDirectory, "tests/_helpers/fake_trainer.mjs");
const exportsFixture = join(rootDirectory, "fixtures/exports");
const m0 = join(rootDirectory, "fixtures/student/m0-msa");

function readExamples(): TrainingExample[] {
  return readFileSync(join(exportsFixture, "train.jsonl"), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as TrainingExample);
}

function jsonl(rows: readonly unknown[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join("");
}

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-external-trainer-"));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("exportTrainingSet()", () => {
  for (const target of ["tripost", "openai", "trl", "spans"] as const) {
    it(`exportTrainingSet() writes the rows of the ${target} golden file`, () => {
      const { rows, note } = exportTrainingSet(readExamples(), target, { seed: 0 });
      expect(jsonl(rows)).toBe(readFileSync(join(exportsFixture, `${target}.jsonl`), "utf8"));
      expect(note.startsWith(`${target}: `)).toBe(true);
    });
  }

  it("exportTrainingSet() throws a RunError naming the example and the field it cannot export", () => {
    const bad: TrainingExample = { id: "x-1", kind: "terminal", text: "1+1=\n3\nF:bad", weightFrom: 2, weight: 1.5 };
    expect(() => exportTrainingSet([bad], "tripost")).toThrow(RunError);
    expect(() => exportTrainingSet([bad], "tripost")).toThrow(/'x-1'.*field 'weightFrom'/);
  });
});

describe("substitute()", () => {
  const name = fc.constantFrom(...TRAINER_PLACEHOLDERS);
  const values = fc.record(Object.fromEntries(TRAINER_PLACEHOLDERS.map((key) => [key, fc.string()])) as Record<(typeof TRAINER_PLACEHOLDERS)[number], fc.Arbitrary<string>>);

  test.prop([fc.string().filter((text) => !/\{[a-z_]+\}/.test(text)), values])("substitute() leaves a text without placeholders as it is", (text, filled) => {
    expect(substitute(text, filled)).toBe(text);
  });

  test.prop([fc.array(fc.oneof(name.map((key) => ({ key })), fc.stringMatching(/^[^{}]*$/)), { maxLength: 6 }), values])(
    "substitute() replaces every placeholder by its value and nothing else",
    (parts, filled) => {
      const template = parts.map((part) => (typeof part === "string" ? part : `{${part.key}}`)).join("");
      const expected = parts.map((part) => (typeof part === "string" ? part : filled[part.key])).join("");
      expect(substitute(template, filled)).toBe(expected);
    },
  );

  it("trainerEnvironment() names each placeholder TRIPOST_<NAME>", () => {
    const filled = Object.fromEntries(TRAINER_PLACEHOLDERS.map((key) => [key, `v-${key}`])) as Record<(typeof TRAINER_PLACEHOLDERS)[number], string>;
    expect(trainerEnvironment(filled)).toEqual({
      TRIPOST_DATA: "v-data",
      TRIPOST_OUT: "v-out",
      TRIPOST_ITERATION: "v-iteration",
      TRIPOST_BASE: "v-base",
      TRIPOST_RUN: "v-run",
      TRIPOST_SEED: "v-seed",
      TRIPOST_EXPORT: "v-export",
      TRIPOST_MASK_FIRST_ATTEMPT: "v-mask_first_attempt",
      TRIPOST_INIT: "v-init",
      TRIPOST_OPTIMIZER_STATE: "v-optimizer_state",
      TRIPOST_WARMUP: "v-warmup",
      TRIPOST_MIN_LR_RATIO: "v-min_lr_ratio",
    });
  });
});

describe("TrainerConfig", () => {
  const base = { student: "http://127.0.0.1:8000/v1" };

  test.prop([fc.array(fc.string().filter((text) => text.trim() !== "" && !/\{[a-z_]+\}/.test(text) && !/^(sk-|sk_|Bearer\s)/.test(text.trim()) && !/^[a-z]+:\/\/[^/@\s]+@/i.test(text.trim())), { minLength: 1, maxLength: 5 })])(
    "decodeConfig() accepts any non-empty argv without placeholders",
    (command) => {
      const decoded = decodeConfig({ ...base, trainer: { command, reload: "none" } });
      expect(E.isRight(decoded) && decoded.right.trainer?.command).toEqual(command);
    },
  );

  test.prop([fc.nat({ max: 4 }), fc.stringMatching(/^[a-z_]{1,8}$/).filter((word) => !(TRAINER_PLACEHOLDERS as readonly string[]).includes(word))])(
    "decodeConfig() refuses an unknown placeholder, naming the argument's index",
    (index, word) => {
      const command = [...Array.from({ length: index }, () => "x"), `--a={${word}}`];
      const decoded = decodeConfig({ ...base, trainer: { command, reload: "none" } });
      expect(E.isLeft(decoded) && decoded.left[0]?.path).toBe(`trainer.command.${index}`);
      expect(E.isLeft(decoded) && decoded.left[0]?.message).toContain("{data}, {out}");
    },
  );

  it("resolveConfig() defaults an external trainer to spans, no baselines, the stable LoRA name and path {out}", () => {
    const resolved = resolveConfig({ ...base, trainer: { command: ["train"], reload: "vllm-lora" } });
    expect(resolved.baselines).toEqual([]);
    expect(resolved.trainer).toEqual({ command: ["train"], export: "spans", reload: "vllm-lora", loraName: "tripost-student", loraPath: "{out}" });
    expect(resolveConfig({ trainer: { command: ["train"] } }).trainer?.reload).toBe("embedded");
    expect(resolveConfig({}).trainer).toBeUndefined();
  });

  it("parseConfigText() refuses a reload with an embedded student, and loraName without vllm-lora, naming the field and line", () => {
    const embedded = `{\n  "trainer": {\n    "command": ["train"],\n    "reload": "none"\n  }\n}\n`;
    expect(() => parseConfigText("a.json", embedded)).toThrow(/a\.json:line 4: .*'trainer\.reload'.*embedded/);
    const named = `{\n  "student": "http://127.0.0.1:8000/v1",\n  "trainer": {\n    "command": ["train"],\n    "reload": "none",\n    "loraName": "x"\n  }\n}\n`;
    expect(() => parseConfigText("b.json", named)).toThrow(/b\.json:line 6: .*'trainer\.loraName'/);
  });

  it("fixtures/configs/external-trainer.json decodes to a vLLM LoRA run of python -m tripost_trainer on the spans export", () => {
    const config = resolveConfig(parseConfigText("external-trainer.json", readFileSync(join(rootDirectory, "fixtures/configs/external-trainer.json"), "utf8")));
    expect(config.trainer?.reload).toBe("vllm-lora");
    expect(config.trainer?.export).toBe("spans");
    expect(config.trainer?.command.slice(1, 3)).toEqual(["-m", "tripost_trainer"]);
    expect(config.baselines).toEqual([]);
  });
});

describe("runTrainerCommand()", () => {
  it("runTrainerCommand() streams every line, keeps the last ones, and reports the exit code", async () => {
    const seen: string[] = [];
    const log = join(scratch, "lines.log");
    const script = "for (let i = 1; i <= 30; i++) (i % 2 ? process.stdout : process.stderr).write('line ' + i + '\\n'); process.stdout.write('no newline'); process.exitCode = 4";
    const exit = await runTrainerCommand([process.execPath, "-e", script], { onLine: (line) => seen.push(line), logPath: log, keepLines: 5 });
    expect(exit.code).toBe(4);
    expect(exit.signal).toBeNull();
    expect(seen).toHaveLength(31);
    expect(new Set(seen)).toEqual(new Set([...Array.from({ length: 30 }, (_, index) => `line ${index + 1}`), "no newline"]));
    expect(exit.lastLines).toHaveLength(5);
    expect(exit.lastLines).toContain("no newline");
    expect(readFileSync(log, "utf8").split("\n").filter(Boolean)).toHaveLength(31);
  });

  it("runTrainerCommand() passes the environment and the working directory", async () => {
    const exit = await runTrainerCommand([process.execPath, "-e", "console.log(process.env.TRIPOST_OUT + ' ' + process.cwd())"], {
      env: { TRIPOST_OUT: "/x/model" },
      cwd: scratch,
    });
    expect(exit.code).toBe(0);
    expect(exit.lastLines).toEqual([`/x/model ${scratch}`]);
  });

  it("runTrainerCommand() kills a command that outlives its timeout", async () => {
    const exit = await runTrainerCommand([process.execPath, "-e", "setTimeout(() => {}, 20000)"], { timeoutMs: 200 });
    expect(exit.timedOut).toBe(true);
    expect(exit.signal).toBe("SIGTERM");
    expect(exit.durationMs).toBeLessThan(10_000);
  });

  it("runTrainerCommand() rejects with a RunError when the program does not exist", async () => {
    await expect(runTrainerCommand(["/no/such/trainer-program", "x"])).rejects.toThrow(/Cannot start the trainer '\/no\/such\/trainer-program' as it is not found/);
  });
});

describe("externalTrainer()", () => {
  const examples = readExamples().filter((example) => !example.text.startsWith("Q:"));

  function trainer(command: string[], overrides: Partial<ResolvedTrainer> = {}): ResolvedTrainer {
    return { command, export: "spans", reload: "embedded", loraName: "tripost-student", loraPath: "{out}", ...overrides };
  }

  function iterationDirectory(run: string, iteration: number): string {
    const directory = join(run, `iteration-${iteration}`);
    mkdirSync(directory, { recursive: true });
    return directory;
  }

  const copyTrainer = [process.execPath, fakeTrainer, "--data", "{data}", "--out", "{out}", "--format", "{export}", "--iteration", "{iteration}", "--base", "{base}", "--copy-from", "{base}"];

  it("externalTrainer() makes each output the next embedded student, with {base} the previous output", async () => {
    const run = join(scratch, "embedded-run");
    const lines: string[] = [];
    const step = externalTrainer({ trainer: trainer(copyTrainer), reload: embeddedReloader(), runDirectory: run, seed: 1, output: (line) => lines.push(line) });
    const first = await step({ iteration: 1, from: m0, examples, directory: iterationDirectory(run, 1), resume: false });
    expect(first).toBe(join(run, "iteration-1", "model"));
    const second = await step({ iteration: 2, from: first, examples, directory: iterationDirectory(run, 2), resume: false });
    expect(second).toBe(join(run, "iteration-2", "model"));
    expect(existsSync(join(second, "weights.bin"))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(second, "trainer_manifest.json"), "utf8")) as { base: string; rows: number };
    expect(manifest).toMatchObject({ base: first, rows: examples.length });
    expect(lines).toContain(`[trainer 2] fake trainer: base ${first}`);
  });

  it("externalTrainer() passes the training settings as placeholders and variables, and the request's base as {base}", async () => {
    const run = join(scratch, "training-run");
    // Writes its argv and its TRIPOST_* variables to {out}/seen.json.
    const script = "const fs = require('fs'); fs.mkdirSync(process.env.TRIPOST_OUT, { recursive: true }); " +
      "fs.writeFileSync(process.env.TRIPOST_OUT + '/seen.json', JSON.stringify({ argv: process.argv.slice(1), " +
      "env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('TRIPOST_'))) }));";
    const command = [process.execPath, "-e", script, "{base}", "{mask_first_attempt}", "{init}", "{optimizer_state}", "{warmup}", "{min_lr_ratio}"];
    const training = { maskFirstAttempt: true, init: "m0", optimizerState: "fresh", warmup: 0.25, minLrRatio: 0 } as const;
    const step = externalTrainer({ trainer: trainer(command), reload: sameModelReloader(), runDirectory: run, seed: 1, training, env: {} });
    await step({ iteration: 1, from: "m0", examples, directory: iterationDirectory(run, 1), resume: false });
    const seen = (iteration: number) =>
      JSON.parse(readFileSync(join(run, `iteration-${iteration}`, "model", "seen.json"), "utf8")) as { argv: string[]; env: Record<string, string> };
    expect(seen(1).argv).toEqual(["m0", "true", "m0", "fresh", "0.25", "0"]);
    expect(seen(1).env).toMatchObject({ TRIPOST_MASK_FIRST_ATTEMPT: "true", TRIPOST_INIT: "m0", TRIPOST_OPTIMIZER_STATE: "fresh", TRIPOST_WARMUP: "0.25", TRIPOST_MIN_LR_RATIO: "0" });
    // With a base in the request (init "m0"), {base} is it, not the previous output.
    await step({ iteration: 2, from: "m1", base: "m0", examples, directory: iterationDirectory(run, 2), resume: false });
    expect(seen(2).argv[0]).toBe("m0");
    expect(seen(2).env.TRIPOST_BASE).toBe("m0");
    // Without one, {base} is the previous output; the defaults are the config's.
    const plain = externalTrainer({ trainer: trainer(command), reload: sameModelReloader(), runDirectory: run, seed: 1, env: {} });
    await plain({ iteration: 1, from: "m0", examples, directory: iterationDirectory(run, 1), resume: false });
    await plain({ iteration: 2, from: "m1", examples, directory: iterationDirectory(run, 2), resume: false });
    expect(seen(2).argv).toEqual([join(run, "iteration-1", "model"), "false", "previous", "carry", "0.1", "0.1"]);
  });

  it("externalTrainer() with resume skips a recorded trainer and reloads its output", async () => {
    const run = join(scratch, "embedded-run");
    const directory = join(run, "iteration-1");
    const logTime = statSync(join(directory, "trainer.log")).mtimeMs;
    const reloaded: string[] = [];
    const reload: Reloader = ({ out }) => {
      reloaded.push(out);
      return Promise.resolve(out);
    };
    // A command that would fail: it must not run.
    const step = externalTrainer({ trainer: trainer([process.execPath, "-e", "process.exit(9)"]), reload, runDirectory: run, seed: 1 });
    const next = await step({ iteration: 1, from: m0, examples, directory, resume: true });
    expect(next).toBe(join(directory, "model"));
    expect(reloaded).toEqual([join(directory, "model")]);
    expect(statSync(join(directory, "trainer.log")).mtimeMs).toBe(logTime);
    // Without resume the same step trains again, and fails.
    await expect(step({ iteration: 1, from: m0, examples, directory, resume: false })).rejects.toThrow(/exited with code 9/);
    expect(existsSync(join(directory, TRAINER_DONE_FILE))).toBe(false);
  });

  it("externalTrainer() fails when the trainer exits 0 without writing its output", async () => {
    const run = join(scratch, "empty-run");
    const step = externalTrainer({ trainer: trainer([process.execPath, "-e", "console.log('nothing to do')"]), reload: sameModelReloader(), runDirectory: run, seed: 1 });
    await expect(step({ iteration: 1, from: "m", examples, directory: iterationDirectory(run, 1), resume: false })).rejects.toThrow(
      /exited with code 0 but wrote nothing to its output directory/,
    );
  });

  it("externalTrainer() names the signal of a trainer that is killed, and the timeout of one that is too slow", async () => {
    const run = join(scratch, "killed-run");
    const killed = externalTrainer({ trainer: trainer([process.execPath, "-e", "process.kill(process.pid, 'SIGKILL')"]), reload: sameModelReloader(), runDirectory: run, seed: 1 });
    await expect(killed({ iteration: 1, from: "m", examples, directory: iterationDirectory(run, 1), resume: false })).rejects.toThrow(/killed by the signal SIGKILL/);
    const slow = externalTrainer({
      trainer: trainer([process.execPath, fakeTrainer, "--data", "{data}", "--out", "{out}", "--format", "{export}", "--sleep", "20000"], { timeoutMs: 300 }),
      reload: sameModelReloader(),
      runDirectory: run,
      seed: 1,
    });
    await expect(slow({ iteration: 1, from: "m", examples, directory: iterationDirectory(run, 1), resume: false })).rejects.toThrow(/killed after its timeout of 300 ms/);
  });

  it("externalTrainer() refuses an output that is not an embedded checkpoint", async () => {
    const run = join(scratch, "not-a-checkpoint");
    const plain = [process.execPath, fakeTrainer, "--data", "{data}", "--out", "{out}", "--format", "{export}"];
    const step = externalTrainer({ trainer: trainer(plain), reload: embeddedReloader(), runDirectory: run, seed: 1 });
    await expect(step({ iteration: 1, from: m0, examples, directory: iterationDirectory(run, 1), resume: false })).rejects.toThrow(
      /Cannot use the trainer's output of iteration 1 as the embedded student/,
    );
  });

  it("namedModelReloader() fills in the iteration and sameModelReloader() keeps the name", async () => {
    expect(await namedModelReloader("student-r{iteration}")({ iteration: 3, out: "/o", from: "student-r2" })).toBe("student-r3");
    expect(await sameModelReloader()({ iteration: 3, out: "/o", from: "student" })).toBe("student");
  });

  for (const target of ["openai", "trl", "tripost"] as const) {
    it(`externalTrainer() exports train.${target}.jsonl in the format the trainer reads`, async () => {
      const run = join(scratch, `export-${target}`);
      const command = [process.execPath, fakeTrainer, "--data", "{data}", "--out", "{out}", "--format", "{export}"];
      const step = externalTrainer({ trainer: trainer(command, { export: target }), reload: sameModelReloader(), runDirectory: run, seed: 1, format: "compact" });
      const directory = iterationDirectory(run, 1);
      await step({ iteration: 1, from: "m", examples, directory, resume: false });
      const manifest = JSON.parse(readFileSync(join(directory, "model", "trainer_manifest.json"), "utf8")) as { format: string; data: string };
      expect(manifest).toMatchObject({ format: target, data: join(directory, `train.${target}.jsonl`) });
    });
  }
});
