import * as E from "fp-ts/lib/Either.js";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { firstValueFrom } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCassette, recordModel } from "../../src/models/cassette.js";
import { createHttpModel } from "../../src/models/http_model.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat } from "../../src/tasks/trajectory_format.js";
import { describeSecret, redactSecrets } from "../../src/codecs/config.js";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { type OpenAiServer, startOpenAiServer } from "../_helpers/openai_server.js";
import { tinyRunConfig, writeRunConfig } from "../_helpers/run_config.js";

/** The secret: distinctive, so any copy of it (or of a long part of it) is found. */
const KEY = "sk-tripost-SECRET-9f3c2a7b5e1d4c6a8b0e";
const ENV = { TRIPOST_TEST_KEY: KEY };
const task = multistepArithmetic;
const compact = compactFormat(task)!;
const problems = task.generate({ count: 6, seed: 5, difficulty: "easy" });

/** Compact attempts keyed by prompt: right on even problems, a wrong last step on odd ones. */
function attemptTable(): Map<string, string> {
  const table = new Map<string, string>();
  problems.forEach((problem, index) => {
    const right = E.getOrElse(() => "")(compact.fromOfficial(problem, task.solve(problem)));
    const lines = right.split("\n");
    if (index % 2 === 1) lines[lines.length - 1] = `A:${Number(problem.answer) + 1}`;
    table.set(compact.prompt(problem), lines.join("\n"));
  });
  return table;
}

function filesUnder(directory: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(directory);
  return files.sort();
}

/** The files (relative to `directory`) that hold the key or a 12-character piece of its secret part. */
function filesWithKey(directory: string): string[] {
  const pieces = [KEY, KEY.slice(3, 15), KEY.slice(-12)];
  return filesUnder(directory).filter((path) => {
    const text = readFileSync(path).toString("latin1");
    return pieces.some((piece) => text.includes(piece));
  }).map((path) => relative(directory, path));
}

let server: OpenAiServer;
let refusing: OpenAiServer;
let workspace: string;

beforeAll(async () => {
  const table = attemptTable();
  server = await startOpenAiServer({
    apiKey: KEY,
    handler: (context) => {
      const n = typeof context.body["n"] === "number" ? context.body["n"] : 1;
      const text = table.get(context.key) ?? "A:0";
      return { texts: Array.from({ length: n }, () => text), finishReason: "stop" };
    },
  });
  // Expects another key, and (like real endpoints) echoes the key it was given in its 401 body.
  refusing = await startOpenAiServer({ apiKey: "sk-some-other-key" });
  workspace = mkdtempSync(join(tmpdir(), "tripost-secrets-"));
  writeFileSync(join(workspace, "problems.jsonl"), problems.map((problem) => `${JSON.stringify(problem)}\n`).join(""));
});

afterAll(async () => {
  await server.close();
  await refusing.close();
  rmSync(workspace, { recursive: true, force: true });
});

function collectArgs(url: string, out: string): string[] {
  return [
    "collect", "--task", "multistep_arithmetic", "--student", url, "--api-key-env", "TRIPOST_TEST_KEY", "--expert", "scripted",
    "--format", "compact", "--in", "problems.jsonl", "--out", out, "--max-retries", "0",
  ];
}

function evalArgs(url: string, out: string): string[] {
  return [
    "eval", "--task", "multistep_arithmetic", "--student", url, "--api-key-env", "TRIPOST_TEST_KEY", "--format", "compact",
    "--in", "problems.jsonl", "--out", out, "--max-retries", "0",
  ];
}

describe("secrets", () => {
  it("tripost collect with an API key from the environment writes the key to no file, log or error", async () => {
    const result = await runCli(collectArgs(server.url, "collect"), { cwd: workspace, env: ENV });
    expect(result.code, result.stderr).toBe(0);
    expect(server.counts.answered).toBeGreaterThan(0);
    const out = join(workspace, "collect");
    expect(filesUnder(out).map((path) => relative(out, path))).toEqual(expect.arrayContaining(["trajectories.jsonl", "train.jsonl", "stats.json", "journal.jsonl"]));
    expect(readFileSync(join(out, "trajectories.jsonl"), "utf8").trim()).not.toBe("");
    expect(filesWithKey(out)).toEqual([]);
    expect(result.stdout).not.toContain(KEY);
    expect(result.stderr).not.toContain(KEY);
  });

  it("tripost eval with an API key from the environment writes the key to no file, log or error", async () => {
    const result = await runCli(evalArgs(server.url, "eval"), { cwd: workspace, env: ENV });
    expect(result.code, result.stderr).toBe(0);
    const out = join(workspace, "eval");
    expect(filesUnder(out).map((path) => relative(out, path))).toEqual(expect.arrayContaining(["predictions.jsonl", "metrics.json"]));
    expect(filesWithKey(out)).toEqual([]);
    expect(result.stdout).not.toContain(KEY);
    expect(result.stderr).not.toContain(KEY);
  });

  it("tripost collect and eval refused with 401 exit 1 without the key in the error or the files", async () => {
    for (const [name, args] of [["collect", collectArgs(refusing.url, "refused-collect")], ["eval", evalArgs(refusing.url, "refused-eval")]] as const) {
      const result = await runCli(args, { cwd: workspace, env: ENV });
      expect(result.code, `${name}: ${result.stderr}`).toBe(1);
      expect(result.stderr).toMatch(/401|key|auth/i);
      expect(result.stderr).not.toContain(KEY);
      expect(result.stderr).not.toContain(KEY.slice(3, 15));
      expect(result.stdout).not.toContain(KEY);
    }
    const files = filesUnder(workspace).filter((path) => /refused-/.test(path));
    expect(files.filter((path) => readFileSync(path).toString("latin1").includes(KEY.slice(3, 15)))).toEqual([]);
  });

  it("a cassette recorded through an HTTP model with the key holds no copy of it", async () => {
    mkdirSync(join(workspace, "cassettes"));
    const path = join(workspace, "cassettes", "calls.jsonl");
    const live = createHttpModel({ baseUrl: server.url, model: "m", apiKey: KEY, maxRetries: 0 });
    const recording = recordModel(live, path, { truncate: true });
    try {
      for (const problem of problems.slice(0, 3)) {
        await firstValueFrom(recording({ prompt: compact.prompt(problem), maxTokens: 64, temperature: 0 }));
      }
    } finally {
      recording.close();
      await live.close();
    }
    expect(loadCassette(path)).toHaveLength(3);
    expect(filesWithKey(join(workspace, "cassettes"))).toEqual([]);
  });

  it("tripost run with an HTTP expert refused with 401 exits 1 without the key in its output, error or run directory", async () => {
    const config = { ...tinyRunConfig, baselines: [], expert: { url: refusing.url, model: "m", apiKeyEnv: "TRIPOST_TEST_KEY", maxRetries: 0 } };
    const configPath = writeRunConfig(workspace, "http-expert.json", config);
    const out = join(workspace, "refused-run");
    const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory, env: ENV });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/401|key|auth/i);
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(3, 15));
    }
    expect(readFileSync(join(out, "config.json"), "utf8")).toContain("TRIPOST_TEST_KEY");
    expect(filesWithKey(out)).toEqual([]);
  });

  it("the 401 server does echo the key it was given, so the check above can fail", async () => {
    const response = await fetch(`${refusing.url}/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", prompt: "p" }),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain(KEY);
  });

  /** A key of each kind, each distinctive; the checks search for the whole key and a piece of it. */
  const PLANTED = {
    sk: "sk-proj-PLANTED7a1b2c3d4e5f6071",
    hf: "hf_PLANTEDaBcDeFgHiJkLmNoPq",
    google: "AIzaSyPLANTED0123456789abcdefghijkl",
    token: "PLANTEDtok3n9d8c7b6a5",
  };
  const pieces = (key: string) => [key, key.slice(-10)];

  const plantedConfigs: [string, Record<string, unknown>, string][] = [
    ["an expert URL query ?api_key=", { expert: { url: `http://127.0.0.1:9/v1?api_key=${PLANTED.token}`, model: "m" } }, "expert.url"],
    ["an expert URL query ?key=", { expert: { url: `http://127.0.0.1:9/v1?key=${PLANTED.google}` } }, "expert.url"],
    ["a student URL query ?token=", { student: `http://127.0.0.1:9/v1?token=${PLANTED.token}` }, "student"],
    ["a student URL query ?access_token=", { student: { spec: `http://127.0.0.1:9/v1?access_token=${PLANTED.token}` } }, "student.spec"],
    ["an expert URL query ?sig=", { expert: { url: `https://h.example/v1?sv=2024&sig=${PLANTED.token}` } }, "expert.url"],
    ["URL userinfo", { expert: { url: `https://user:${PLANTED.token}@h.example/v1` } }, "expert.url"],
    ["an hf_ token in a trainer command", {
      student: "http://127.0.0.1:9/v1",
      trainer: { command: ["python", "-m", "t", `--hub-token=${PLANTED.hf}`], reload: "none" },
    }, "trainer.command.3"],
    ["a Bearer header in a trainer command", {
      student: "http://127.0.0.1:9/v1",
      trainer: { command: ["curl", "-H", `Authorization: Bearer ${PLANTED.token}`, "http://h/"], reload: "none" },
    }, "trainer.command.2"],
    ["an sk- key as a model name", { expert: { url: "http://127.0.0.1:9/v1", model: PLANTED.sk } }, "expert.model"],
    ["an AIza key in a data path", { data: { train: { source: "file", path: `data/${PLANTED.google}.jsonl` } } }, "data.train.path"],
  ];

  it.each(plantedConfigs)("tripost run refuses a config with a key in %s: exit 2, the field named, the apiKeyEnv hint, no directory, no copy", async (_, planted, field) => {
    const configPath = writeRunConfig(workspace, "planted.json", { ...tinyRunConfig, baselines: [], ...planted });
    const out = join(workspace, "planted-run");
    const result = await runCli(["run", "--config", configPath, "--out", out], { cwd: rootDirectory, env: ENV });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`'${field}'`);
    expect(result.stderr).toContain("apiKeyEnv");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    for (const key of Object.values(PLANTED)) {
      for (const piece of pieces(key)) {
        expect(result.stderr).not.toContain(piece);
        expect(result.stdout).not.toContain(piece);
      }
    }
    expect(existsSync(out)).toBe(false);
  });

  const plantedFlags: [string, string[]][] = [
    ["collect --student URL?api_key=", collectArgs(`http://127.0.0.1:9/v1?api_key=${PLANTED.token}`, "flag-collect")],
    ["eval --student user:key@URL", evalArgs(`http://user:${PLANTED.token}@127.0.0.1:9/v1`, "flag-eval")],
    ["collect --expert URL?key=", [
      "collect", "--task", "multistep_arithmetic", "--student", "embedded:fixtures/student/m0-msa", "--expert", `http://127.0.0.1:9/v1?key=${PLANTED.google}`,
      "--in", "problems.jsonl", "--out", "flag-expert",
    ]],
    ["eval --student-model sk-…", [...evalArgs("http://127.0.0.1:9/v1", "flag-model"), "--student-model", PLANTED.sk]],
  ];

  it.each(plantedFlags)("tripost %s is refused before any call: exit 2, a hint to --api-key-env, no output, no copy", async (_, args) => {
    const before = server.counts.requests;
    const result = await runCli(args, { cwd: workspace, env: ENV });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/api-key-env/);
    for (const key of Object.values(PLANTED)) for (const piece of pieces(key)) expect(result.stderr).not.toContain(piece);
    expect(server.counts.requests).toBe(before);
    expect(readdirSync(workspace).filter((name) => name.startsWith("flag-"))).toEqual([]);
  });

  it("a file name that merely starts like a key (hf_problems.jsonl) is an ordinary --out", async () => {
    const result = await runCli(["problems", "--task", "multistep_arithmetic", "--count", "2", "--seed", "0", "--out", "hf_problems.jsonl"], { cwd: workspace, env: ENV });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(workspace, "hf_problems.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("describeSecret() tells key-shaped text from ordinary values, and redactSecrets() removes every planted key", () => {
    for (const ordinary of ["http://127.0.0.1:8000/v1", "https://api.openai.com/v1?api-version=2024-06-01", "embedded:fixtures/student/m0-msa", "task-sk-learn", "OPENAI_API_KEY", "--lr=3e-4", "bearer tokens are sent in a header", "Bearer tokens are sent in a header", "hf_problems.jsonl", "runs/hf_train.jsonl", "AIza.txt"]) {
      expect(describeSecret(ordinary), ordinary).toBeUndefined();
    }
    for (const key of ["sk-test", "hf_abc", "AIzaXYZ", "Bearer abc123", PLANTED.sk, PLANTED.hf, PLANTED.google]) {
      expect(describeSecret(key), key).toBeDefined();
    }
    const text = `GET http://u:${PLANTED.token}@h/v1?a=1&api_key=${PLANTED.token}&b=2 with ${PLANTED.sk}, ${PLANTED.hf}, ${PLANTED.google} and Bearer ${PLANTED.token}`;
    const redacted = redactSecrets(text);
    for (const key of Object.values(PLANTED)) expect(redacted).not.toContain(key.slice(-10));
    expect(redacted).toContain("a=1");
    expect(redacted).toContain("b=2");
  });
});
