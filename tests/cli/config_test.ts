import * as E from "fp-ts/lib/Either.js";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConfig, loadConfig, locateJson, parseConfigText } from "../../src/cli/_config.js";
import { DEFAULT_CONFIG, resolveConfig } from "../../src/codecs/config.js";
import { InputError } from "../../src/errors.js";

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

const NESTED = `{
  "task": "multistep_arithmetic",
  "data": {
    "train": { "source": "generate", "count": 10 },
    "test": [
      { "source": "generate", "count": 5 },
      {
        "source": "file",
        "path": "x.jsonl",
        "limit": 0
      }
    ]
  },
  "expert": {
    "url": "http://127.0.0.1:8000/v1",
    "concurrency": 0
  }
}
`;

describe("locateJson()", () => {
  it("records the line of every key and array item", () => {
    const located = locateJson(NESTED);
    expect(E.isRight(located)).toBe(true);
    if (E.isLeft(located)) return;
    expect(located.right.value).toEqual(JSON.parse(NESTED));
    expect(located.right.lines.get("task")).toBe(2);
    expect(located.right.lines.get("data.train.count")).toBe(4);
    expect(located.right.lines.get("data.test.1")).toBe(7);
    expect(located.right.lines.get("data.test.1.limit")).toBe(10);
    expect(located.right.lines.get("expert.concurrency")).toBe(16);
  });

  it.each([
    ["{\n  \"a\": 1,\n  \"b\": 2,\n}\n", 4],
    ["{\n  \"a\": 1\n  \"b\": 2\n}", 3],
    ["{\n  \"a\": [1, 2,,]\n}", 2],
    ["{\n  \"a\": \"x\n\"}", 2],
    ["{\n  \"a\": tru\n}", 2],
    ["", 1],
    ["{}\n\n{}", 3],
    ["{\n  \"a\": 1,\n  \"a\": 2\n}", 3],
  ])("reports the line of a syntax error in %j", (text, line) => {
    const located = locateJson(text);
    expect(E.isLeft(located) && located.left.line).toBe(line);
  });

  it("parses what JSON.parse parses", () => {
    const text = "{\"s\": \"a\\u00e9\\n\\\"\", \"n\": -1.5e3, \"z\": 0, \"t\": true, \"f\": false, \"x\": null, \"e\": [], \"o\": {}}";
    const located = locateJson(text);
    expect(E.isRight(located) && located.right.value).toEqual(JSON.parse(text));
  });
});

describe("parseConfigText()", () => {
  it("names the file, the line and the path of a bad nested field", () => {
    const error = errorOf(() => parseConfigText("run.json", NESTED));
    expect(error.location).toEqual({ file: "run.json", line: 10, field: "data.test.1.limit" });
    expect(error.message).toMatch(/^run\.json:line 10: Cannot accept 'data\.test\.1\.limit' as it must be an integer ≥ 1: current value is 0/);
    expect(error.message).toContain("and 1 more: expert.concurrency");
    expect(error.exitCode).toBe(2);
  });

  it("names the line of an unknown key", () => {
    const error = errorOf(() => parseConfigText("run.json", "{\n  \"seed\": 1,\n  \"expert\": {\n    \"url\": \"http://h/v1\",\n    \"concurency\": 2\n  }\n}"));
    expect(error.location).toEqual({ file: "run.json", line: 5, field: "expert.concurency" });
  });

  it("names the line of a JSON syntax error", () => {
    const error = errorOf(() => parseConfigText("run.json", "{\n  \"seed\": 1,\n  \"iterations\": 2,\n}\n"));
    expect(error.location).toEqual({ file: "run.json", line: 4 });
    expect(error.message).toMatch(/^run\.json:line 4: Cannot read the config as it is not valid JSON/);
  });

  it("points a missing field at its nearest written parent", () => {
    const error = errorOf(() => parseConfigText("run.json", "{\n  \"data\": {\n    \"train\": {\n      \"source\": \"file\"\n    }\n  }\n}"));
    expect(error.location).toEqual({ file: "run.json", line: 3, field: "data.train.path" });
  });

  it("rejects an API key without repeating it", () => {
    const error = errorOf(() => parseConfigText("run.json", "{\n  \"expert\": {\n    \"url\": \"https://api.openai.com/v1\",\n    \"apiKey\": \"sk-live-123\"\n  }\n}"));
    expect(error.location.line).toBe(4);
    expect(error.message).toContain("apiKeyEnv");
    expect(error.message).not.toContain("sk-live-123");
  });

  it("checks difficulties, formats and the scripted expert against the task", () => {
    const difficulty = errorOf(() => parseConfigText("c.json", "{\n  \"task\": \"word_sorting\",\n  \"data\": { \"train\": { \"source\": \"generate\", \"difficulty\": \"hard\" } }\n}"));
    expect(difficulty.location).toMatchObject({ line: 3, field: "data.train.difficulty" });
    const unimplemented = errorOf(() => parseConfigText("c.json", "{\n  \"task\": \"logical_deduction\"\n}"));
    expect(unimplemented.location).toMatchObject({ line: 2, field: "task" });
    const names = errorOf(() => parseConfigText("c.json", "{\"data\": {\"test\": [{\"source\": \"generate\", \"name\": \"a\"}, {\"source\": \"generate\", \"name\": \"a\"}]}}"));
    expect(names.location.field).toBe("data.test.1.name");
  });

  it.each([
    ["maskFirstAttempt", "\"no\"", "true or false"],
    ["init", "\"scratch\"", "one of \"previous\", \"m0\""],
    ["optimizerState", "\"keep\"", "one of \"fresh\", \"carry\""],
    ["warmup", "10", "a number from 0 to 1"],
    ["minLrRatio", "-1", "a number from 0 to 1"],
  ])("names the file, the line and the path of a bad training.%s", (key, value, constraint) => {
    const text = `{\n  "seed": 1,\n  "training": {\n    "steps": 2,\n    "${key}": ${value}\n  }\n}\n`;
    const error = errorOf(() => parseConfigText("run.json", text));
    expect(error.location).toEqual({ file: "run.json", line: 5, field: `training.${key}` });
    expect(error.message).toMatch(new RegExp(`^run\\.json:line 5: Cannot accept 'training\\.${key}' as it must be `));
    expect(error.message).toContain(constraint);
  });

  it("accepts every training knob in a config file", () => {
    const text = `{\n  "training": {\n    "maskFirstAttempt": true,\n    "init": "m0",\n    "optimizerState": "fresh",\n    "warmup": 0.2,\n    "minLrRatio": 0\n  }\n}\n`;
    expect(resolveConfig(parseConfigText("run.json", text)).training).toMatchObject({
      maskFirstAttempt: true,
      init: "m0",
      optimizerState: "fresh",
      warmup: 0.2,
      minLrRatio: 0,
    });
  });

  // Official README: --min_data_length 60 (MSA, WS), 40 (DU), 20 (LD); the loop ends before
  // training an iteration with fewer examples.
  it("resolves passes.minDataLength to the official README's per task, and takes it from a config file", () => {
    expect(DEFAULT_CONFIG.passes.minDataLength).toBe(60);
    expect(["multistep_arithmetic", "word_sorting", "date_understanding", "logical_deduction"].map((task) =>
      resolveConfig({ task: task as "word_sorting", student: "http://127.0.0.1:8000/v1" }).passes.minDataLength
    )).toEqual([60, 60, 40, 20]);
    const text = `{\n  "passes": { "minDataLength": 5 }\n}\n`;
    expect(resolveConfig(parseConfigText("run.json", text)).passes).toMatchObject({ minDataLength: 5, maxPasses: 5 });
  });

  it("checkConfig() accepts the defaults", () => {
    expect(checkConfig({}, DEFAULT_CONFIG)).toEqual([]);
  });
});

describe("loadConfig()", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "tripost-config-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("decodes the embedded example config to the defaults", async () => {
    const config = await loadConfig("fixtures/configs/embedded.json");
    expect(resolveConfig(config)).toEqual(DEFAULT_CONFIG);
  });

  it("decodes the embedded word sorting config, whose student is shipped", async () => {
    const config = resolveConfig(await loadConfig("fixtures/configs/embedded-ws.json"));
    expect(config.task).toBe("word_sorting");
    expect(config.student).toMatchObject({ spec: "embedded:fixtures/student/m0-ws", format: "compact" });
    expect(config.passes).toEqual({ maxDataLength: 120, maxPasses: 5, minDataLength: 60 });
    expect(existsSync("fixtures/student/m0-ws/weights.bin")).toBe(true);
  });

  it("decodes the HTTP example config with the key's variable name only", async () => {
    const config = resolveConfig(await loadConfig("fixtures/configs/http.json"));
    expect(config.student).toMatchObject({ spec: "http://127.0.0.1:8000/v1", format: "tripost", model: "llama-7b-ft-rationale" });
    expect(config.expert).toMatchObject({ url: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_API_KEY", endpoint: "chat" });
    expect(config.data.test.map((set) => set.name)).toEqual(["bbh", "unseen"]);
    expect(config.iterations).toBe(3);
  });

  it("loads every example config of fixtures/configs, each one that a run can take (an HTTP student names a trainer)", async () => {
    for (const name of ["embedded.json", "embedded-ws.json", "http.json", "external-trainer.json"]) {
      const config = resolveConfig(await loadConfig(`fixtures/configs/${name}`));
      if (config.student.spec.startsWith("http")) expect(config.trainer, name).toBeDefined();
    }
  });

  it("refuses an HTTP student without a trainer at load, naming the field", () => {
    const error = errorOf(() => parseConfigText("run.json", "{\n  \"student\": \"http://127.0.0.1:8000/v1\"\n}"));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^run\.json:line 2: .*'student'.*trainer/);
  });

  it("reads relative to `cwd` and writes nothing on failure", async () => {
    await writeFile(join(directory, "bad.json"), NESTED);
    const before = await readdir(directory);
    const error = await loadConfig("bad.json", { cwd: directory }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toEqual({ file: "bad.json", line: 10, field: "data.test.1.limit" });
    expect(await readdir(directory)).toEqual(before);
  });

  it("names a missing file", async () => {
    const error = await loadConfig("missing.json", { cwd: directory }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe("missing.json: no such file");
  });
});
