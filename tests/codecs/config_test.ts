import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  type ConfigIssue,
  decodeConfig,
  DEFAULT_CONFIG,
  findSecrets,
  resolveConfig,
  RunConfig,
} from "../../src/codecs/config.js";

function issuesOf(input: unknown): ConfigIssue[] {
  const result = decodeConfig(input);
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`);
  return result.left;
}

describe("RunConfig", () => {
  it("resolveConfig() of an empty config is DEFAULT_CONFIG", () => {
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it("DEFAULT_CONFIG holds the documented defaults", () => {
    expect(DEFAULT_CONFIG.task).toBe("multistep_arithmetic");
    expect(DEFAULT_CONFIG.student).toEqual({ spec: "embedded:fixtures/student/m0-msa", format: "compact" });
    expect(DEFAULT_CONFIG.expert).toBe("scripted");
    expect(DEFAULT_CONFIG.iterations).toBe(2);
    expect(DEFAULT_CONFIG.improveDataRatio).toBe(1.5);
    expect(DEFAULT_CONFIG.weight).toBe(1.5);
    expect(DEFAULT_CONFIG.maxUpdates).toBe(5);
    expect(DEFAULT_CONFIG.temperatures).toEqual({ rollout: 1, lmsi: 1.2, eval: 0 });
    expect(DEFAULT_CONFIG.passes.maxPasses).toBe(5);
    expect(DEFAULT_CONFIG.baselines).toEqual(["ft-rationale", "lmsi"]);
    expect(DEFAULT_CONFIG.seed).toBe(0);
    expect(DEFAULT_CONFIG.data.train).toMatchObject({ source: "generate", difficulty: "easy", split: "seen", count: 300 });
    expect(DEFAULT_CONFIG.data.test.map((set) => [set.name, set.source === "generate" && set.difficulty])).toEqual([
      ["seen", "easy"],
      ["unseen", "medium"],
    ]);
  });

  it("DEFAULT_CONFIG trains as the official loop does, except the Adam state it carries and the embedded student's epochs and rate (chosen on validation problems)", () => {
    expect(DEFAULT_CONFIG.training).toEqual({
      epochs: 8,
      batchSize: 32,
      learningRate: 1e-3,
      workers: 2,
      maskFirstAttempt: false,
      init: "previous",
      optimizerState: "carry",
      warmup: 0.1,
      minLrRatio: 0.1,
    });
  });

  it("resolveConfig() keeps the training knobs as written and fills in the others", () => {
    const decoded = decodeConfig({ training: { maskFirstAttempt: true, init: "m0", optimizerState: "fresh", warmup: 0, minLrRatio: 1 } });
    expect(E.isRight(decoded)).toBe(true);
    if (E.isLeft(decoded)) return;
    expect(resolveConfig(decoded.right).training).toEqual({
      ...DEFAULT_CONFIG.training,
      maskFirstAttempt: true,
      init: "m0",
      optimizerState: "fresh",
      warmup: 0,
      minLrRatio: 1,
    });
    expect(resolveConfig({ training: { warmup: 0.25 } }).training).toEqual({ ...DEFAULT_CONFIG.training, warmup: 0.25 });
  });

  it("DEFAULT_CONFIG round-trips through the codec", () => {
    const decoded = decodeConfig(JSON.parse(JSON.stringify(DEFAULT_CONFIG)));
    expect(E.isRight(decoded)).toBe(true);
    if (E.isRight(decoded)) {
      expect(RunConfig.encode(decoded.right)).toEqual(DEFAULT_CONFIG);
      expect(resolveConfig(decoded.right)).toEqual(DEFAULT_CONFIG);
    }
  });

  it("resolveConfig() picks the HTTP defaults for an HTTP student", () => {
    const config = resolveConfig({ student: "http://127.0.0.1:8000/v1", task: "word_sorting" });
    expect(config.student).toEqual({ spec: "http://127.0.0.1:8000/v1", format: "tripost" });
    expect(config.iterations).toBe(3);
    expect(config.maxTokens).toEqual({ rollout: 1024, eval: 1024 });
    expect(config.passes.maxDataLength).toBe(120);
    expect(config.data.train).toMatchObject({ difficulty: "official", split: "seen" });
    expect(config.data.test.map((set) => set.source === "generate" && set.split)).toEqual(["seen", "unseen"]);
  });

  it("resolveConfig() fills partial data sets and derives seeds from the run's seed", () => {
    const config = resolveConfig({
      seed: 5,
      data: { train: { source: "generate", count: 20 }, test: [{ source: "file", path: "a.jsonl" }, { source: "generate", split: "unseen" }] },
    });
    expect(config.data.train).toEqual({ source: "generate", name: "train", difficulty: "easy", split: "seen", count: 20, seed: 5 });
    expect(config.data.test).toEqual([
      { source: "file", name: "test0", path: "a.jsonl" },
      { source: "generate", name: "test1", difficulty: "easy", split: "unseen", count: 100, seed: 1006 },
    ]);
  });

  it("decodeConfig() accepts a single test set and a student given as a string", () => {
    const decoded = decodeConfig({ student: "embedded:some/dir", data: { test: { source: "generate", count: 3 } } });
    expect(E.isRight(decoded)).toBe(true);
  });

  it.each([
    [{ iterations: 0 }, "iterations", "Cannot accept 'iterations' as it must be an integer ≥ 1: current value is 0"],
    [{ iterations: 1.5 }, "iterations", "an integer ≥ 1"],
    [{ weight: -1 }, "weight", "Cannot accept 'weight' as it must be a number ≥ 0: current value is -1"],
    [{ improveDataRatio: "1.5" }, "improveDataRatio", "a finite number"],
    [{ maxUpdates: 0 }, "maxUpdates", "an integer ≥ 1"],
    [{ seed: 0.5 }, "seed", "an integer"],
    [{ concurrency: 0 }, "concurrency", "an integer ≥ 1"],
    [{ task: "sorting" }, "task", "one of \"multistep_arithmetic\""],
    [{ baselines: ["lmsi", "sft"] }, "baselines.1", "one of \"ft-rationale\", \"lmsi\""],
    [{ temperatures: { lmsi: -0.1 } }, "temperatures.lmsi", "a number ≥ 0"],
    [{ maxTokens: { eval: 0 } }, "maxTokens.eval", "an integer ≥ 1"],
    [{ passes: { maxPasses: 0 } }, "passes.maxPasses", "an integer ≥ 1"],
    [{ passes: { maxDataLength: -1 } }, "passes.maxDataLength", "an integer ≥ 0"],
    [{ training: { learningRate: 0 } }, "training.learningRate", "a number > 0"],
    [{ training: { workers: -1 } }, "training.workers", "an integer ≥ 0"],
    [{ training: { steps: 0 } }, "training.steps", "an integer ≥ 1"],
    [{ training: { maskFirstAttempt: "yes" } }, "training.maskFirstAttempt", "Cannot accept 'training.maskFirstAttempt' as it must be true or false: current value is \"yes\""],
    [{ training: { init: "M0" } }, "training.init", "Cannot accept 'training.init' as it must be one of \"previous\", \"m0\": current value is \"M0\""],
    [{ training: { optimizerState: "reset" } }, "training.optimizerState", "one of \"fresh\", \"carry\""],
    [{ training: { warmup: 1.5 } }, "training.warmup", "Cannot accept 'training.warmup' as it must be a number from 0 to 1: current value is 1.5"],
    [{ training: { warmup: -0.1 } }, "training.warmup", "a number from 0 to 1"],
    [{ training: { minLrRatio: 2 } }, "training.minLrRatio", "a number from 0 to 1"],
    [{ student: "gpt-4" }, "student", "a model spec"],
    [{ student: { spec: "embedded:x", format: "json" } }, "student.format", "one of \"tripost\", \"compact\""],
    [{ student: { format: "compact" } }, "student.spec", "a model spec"],
    [{ expert: "gpt-4" }, "expert", "\"scripted\" or an endpoint object"],
    [{ expert: { url: "http://h/v1", concurrency: 0 } }, "expert.concurrency", "Cannot accept 'expert.concurrency' as it must be an integer ≥ 1: current value is 0"],
    [{ expert: { url: "http://h/v1", endpoint: "embeddings" } }, "expert.endpoint", "one of \"completions\", \"chat\""],
    [{ expert: { url: "http://h/v1", apiKeyEnv: "MY KEY" } }, "expert.apiKeyEnv", "an environment variable name"],
    [{ expert: { url: "http://h/v1", maxRetries: -1 } }, "expert.maxRetries", "an integer ≥ 0"],
    [{ expert: { model: "m" } }, "expert.url", "an http(s)://…/v1 URL"],
    [{ data: { train: { source: "web" } } }, "data.train.source", "one of \"generate\", \"file\""],
    [{ data: { train: { source: "file" } } }, "data.train.path", "a non-empty string"],
    [{ data: { test: [{ source: "generate", count: 0 }] } }, "data.test.0.count", "Cannot accept 'data.test.0.count' as it must be an integer ≥ 1: current value is 0"],
    [{ data: { test: [{ source: "generate", split: "both" }] } }, "data.test.0.split", "one of \"seen\", \"unseen\", \"all\""],
    [{ data: 3 }, "data", "Cannot accept 'data' as it must be an object: current value is 3"],
    [[], "", "Cannot accept the config as it must be an object"],
  ])("decodeConfig(%j) names the field path %s", (input, path, message) => {
    const issues = issuesOf(input);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toContain(message);
  });

  it.each([
    [{ iteration: 3 }, "iteration"],
    [{ expert: { url: "http://h/v1", concurency: 4 } }, "expert.concurency"],
    [{ data: { test: [{ source: "generate" }, { source: "file", path: "x", limt: 3 }] } }, "data.test.1.limt"],
    [{ temperatures: { sample: 1 } }, "temperatures.sample"],
    [{ student: { spec: "embedded:x", fromat: "compact" } }, "student.fromat"],
    [{ training: { goldMultiplier: 2 } }, "training.goldMultiplier"],
  ])("decodeConfig(%j) rejects the unknown key %s with its path", (input, path) => {
    const issues = issuesOf(input);
    expect(issues.map((issue) => issue.path)).toContain(path);
    const issue = issues.find((candidate) => candidate.path === path);
    expect(issue?.message).toMatch(new RegExp(`^Cannot accept the key '${path.replaceAll(".", "\\.")}' as it is not a known key`));
  });

  it.each([
    [{ expert: { url: "https://api.openai.com/v1", apiKey: "abc" } }, "expert.apiKey"],
    [{ expert: { url: "https://api.openai.com/v1", api_key: "abc" } }, "expert.api_key"],
    [{ expert: { url: "https://api.openai.com/v1", model: "sk-proj-abcdef123456" } }, "expert.model"],
    [{ expert: { url: "https://api.openai.com/v1", apiKeyEnv: "sk-abcdef" } }, "expert.apiKeyEnv"],
    [{ student: "https://user:sk-secret@host/v1" }, "student"],
  ])("decodeConfig(%j) rejects a key-like value and points to apiKeyEnv", (input, path) => {
    const issues = issuesOf(input);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toContain("apiKeyEnv");
    expect(issues[0]?.message).not.toMatch(/abc|sk-/);
  });

  it("findSecrets() accepts a config that names the key's variable", () => {
    expect(findSecrets({ expert: { url: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_API_KEY" } })).toEqual([]);
  });
});
