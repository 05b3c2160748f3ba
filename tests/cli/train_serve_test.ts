import { Agent, request } from "undici";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/codecs/config.js";
import { createServeCommand } from "../../src/cli/serve.js";
import { TRAIN_DEFAULT_LR } from "../../src/cli/train.js";
import { parseArgs } from "../../src/cli/_args.js";
import type { CliIo } from "../../src/cli/_command.js";
import { runCli } from "../_helpers/cli_io.js";

const M0 = "fixtures/student/m0-msa";

describe("tripost train", () => {
  it("trains a new checkpoint from M0 on weighted examples and refuses to overwrite it", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tripost-train-"));
    const examples = [
      { id: "a", kind: "improvement", text: "((1+2)*(3+4))=\n1+2=3\n3+4=7\n3*7=20\nA:20\nF:4:3*7=20\n1+2=3\n3+4=7\n3*7=21\nA:21", weightFrom: 41, weight: 1.5 },
      { id: "b", kind: "gold", text: "((2+2)*(1+1))=\n2+2=4\n1+1=2\n4*2=8\nA:8\nF:ok", weightFrom: 0, weight: 1 },
    ];
    writeFileSync(join(directory, "train.jsonl"), examples.map((example) => JSON.stringify(example)).join("\n"));
    const args = ["train", "--student", `embedded:${join(process.cwd(), M0)}`, "--data", "train.jsonl", "--out", "m1", "--steps", "2", "--batch-size", "2", "--workers", "0", "--quiet"];
    const result = await runCli(args, { cwd: directory });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readdirSync(join(directory, "m1")).sort()).toEqual(
      expect.arrayContaining(["config.json", "manifest.json", "tokenizer.json", "training_log.jsonl", "weights.bin"]),
    );
    const again = await runCli(args, { cwd: directory });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stderr).toMatch(/choose another --out/);
  });

  // `tripost run` replays at `training.learningRate` (3e-4); `tripost train` without `--lr`
  // trains at that rate too, not at the trainer's pretraining default (3e-3).
  it("trains at run's replay learning rate by default", async () => {
    expect(TRAIN_DEFAULT_LR).toBe(DEFAULT_CONFIG.training.learningRate);
    expect(TRAIN_DEFAULT_LR).toBe(1e-3);
    const directory = mkdtempSync(join(tmpdir(), "tripost-train-"));
    const example = { id: "b", kind: "gold", text: "((2+2)*(1+1))=\n2+2=4\n1+1=2\n4*2=8\nA:8\nF:ok", weightFrom: 0, weight: 1 };
    writeFileSync(join(directory, "train.jsonl"), JSON.stringify(example));
    const args = ["train", "--student", `embedded:${join(process.cwd(), M0)}`, "--data", "train.jsonl", "--out", "m1", "--steps", "1", "--batch-size", "1", "--workers", "0", "--quiet"];
    const result = await runCli(args, { cwd: directory });
    expect(result.code).toBe(0);
    const log = readFileSync(join(directory, "m1", "training_log.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { lr: number });
    expect(log.at(-1)?.lr).toBeCloseTo(1e-3, 10);
  });

  it("names the file, line and field of a bad example", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tripost-train-"));
    writeFileSync(join(directory, "bad.jsonl"), `${JSON.stringify({ id: "a", kind: "gold", text: "x", weightFrom: 0, weight: 1 })}\n{"id":"b","kind":"gold","text":"x","weightFrom":"0","weight":1}\n`);
    const result = await runCli(
      ["train", "--student", `embedded:${join(process.cwd(), M0)}`, "--data", "bad.jsonl", "--out", "m1", "--workers", "0"],
      { cwd: directory },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("tripost: bad.jsonl:line 2: field 'weightFrom': expected number, got \"0\"");
    expect(readdirSync(directory)).toEqual(["bad.jsonl"]);
  });
});

describe("tripost serve", () => {
  it("serves the checkpoint to an undici client until told to stop", async () => {
    let stop: () => void = () => {};
    const until = new Promise<void>((resolve) => (stop = resolve));
    const command = createServeCommand({ until });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let printed = "";
    stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const io: CliIo = { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd(), isTty: false };
    const running = command.run(parseArgs("serve", ["--student", `embedded:${M0}`, "--port", "0"], command.flags), io);
    while (!printed.includes("\n")) await new Promise((resolve) => setTimeout(resolve, 20));
    const baseUrl = printed.trim();
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const dispatcher = new Agent();
    const models = await request(`${baseUrl}/models`, { dispatcher });
    expect(models.statusCode).toBe(200);
    expect(JSON.stringify(await models.body.json())).toContain("m0-msa");
    const completion = await request(`${baseUrl}/completions`, {
      dispatcher,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m0-msa", prompt: "((1+2)*(3+4))=\n", max_tokens: 40, temperature: 0 }),
    });
    expect(completion.statusCode).toBe(200);
    const body = (await completion.body.json()) as { choices: { text: string }[] };
    expect(body.choices[0]?.text).toMatch(/A:-?\d+/);
    // The OpenAI contract (issue 11, item 8): /health, logprobs, and a 400 naming an unsupported parameter.
    const health = await request(`${baseUrl.replace(/\/v1$/, "")}/health`, { dispatcher });
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    const scored = await request(`${baseUrl}/completions`, {
      dispatcher,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m0-msa", prompt: "((1+2)*(3+4))=\n", max_tokens: 8, temperature: 0, logprobs: 2 }),
    });
    const scoredBody = (await scored.body.json()) as { choices: { text: string; logprobs: { tokens: string[]; token_logprobs: number[] } }[] };
    expect(scoredBody.choices[0]?.logprobs.tokens.join("")).toBe(scoredBody.choices[0]?.text);
    const refused = await request(`${baseUrl}/completions`, {
      dispatcher,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m0-msa", prompt: "x", logit_bias: { "3": 100 } }),
    });
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(await refused.body.json())).toContain("logit_bias");
    await dispatcher.close();
    stop();
    await running;
  });
});
