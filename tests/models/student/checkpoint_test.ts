import * as E from "fp-ts/lib/Either.js";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint, loadCheckpoint, saveCheckpoint, type StudentCheckpoint } from "../../../src/models/student/checkpoint.js";
import { createParams, disposeParams, forward } from "../../../src/models/student/model.js";
import { createSampler, type LoadedStudent } from "../../../src/models/student/sampler.js";
import { initTfjs, tf } from "../../../src/models/student/tfjs.js";
import { createTokenizer } from "../../../src/models/student/tokenizer.js";
import { trainStudent } from "../../../src/models/student/trainer.js";

let root = "";
beforeAll(async () => {
  await initTfjs();
  root = await mkdtemp(join(tmpdir(), "student-checkpoint-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const options = { dModel: 16, layers: 1, heads: 2, context: 24, mlp: 32, seed: 2 };

const M0 = fileURLToPath(new URL("../../../fixtures/student/m0-msa", import.meta.url));
/** The first shipped M0 (learned positions, before the field existed), kept to test that old checkpoints load. */
const LEGACY = fileURLToPath(new URL("../../../fixtures/student/legacy-learned-msa", import.meta.url));

const PROBLEMS = ["((-5 + 9) * (3 - -2)) =\n", "((7 * 2) - (4 + -6)) =\n", "((1 - 8) + (6 * -3)) =\n"];

/** Greedy texts of a checkpoint on {@linkcode PROBLEMS}, with the key/value cache and without. */
async function greedyTexts(checkpoint: StudentCheckpoint, maxTokens: number): Promise<{ cached: string[]; uncached: string[] }> {
  const student: LoadedStudent = { config: checkpoint.config, tokenizer: checkpoint.tokenizer, params: createParams(checkpoint.config, checkpoint.weights) };
  const sampler = createSampler(student);
  const rows = PROBLEMS.map((prompt) => {
    const encoded = checkpoint.tokenizer.encode(prompt);
    if (E.isLeft(encoded)) throw new TypeError(`Cannot encode ${JSON.stringify(prompt)}`);
    return { promptIds: encoded.right, temperature: 0, maxTokens };
  });
  const cached = (await sampler.sample(rows)).map((result) => result.text);
  const uncached = (await sampler.sample(rows, { cache: false })).map((result) => result.text);
  sampler.dispose();
  disposeParams(student.params);
  return { cached, uncached };
}

function logitsOf(student: StudentCheckpoint): Float32Array {
  const params = createParams(student.config, student.weights);
  const ids = tf.tensor2d([[1, 20, 30, 40, 5]], [1, 5], "int32");
  const logits = forward(params, student.config, ids).dataSync() as Float32Array;
  disposeParams(params);
  return logits;
}

async function trained(): Promise<StudentCheckpoint> {
  const student = createCheckpoint(createTokenizer(), options);
  const examples = [{ text: "12+3=15", weightFrom: 4, weight: 1.5 }];
  return (await trainStudent({ student, examples, steps: 3, workers: 0, logEvery: 1 })).student;
}

describe("saveCheckpoint() and loadCheckpoint()", () => {
  it("loadCheckpoint() restores a saved student with identical logits, Adam state and log", async () => {
    const student = await trained();
    const directory = join(root, "round-trip");
    await saveCheckpoint(directory, student);
    expect((await readdir(directory)).sort()).toEqual(["config.json", "manifest.json", "optimizer.bin", "tokenizer.json", "training_log.jsonl", "weights.bin"]);
    expect((await stat(directory)).mode & 0o777).toBe(0o755);
    const loaded = await loadCheckpoint(directory);
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    expect(loaded.right.config).toEqual(student.config);
    expect(loaded.right.tokenizer.characters).toEqual(student.tokenizer.characters);
    expect(loaded.right.weights).toEqual(student.weights);
    expect(loaded.right.optimizer).toEqual(student.optimizer);
    expect(loaded.right.log).toEqual(student.log);
    expect(logitsOf(loaded.right)).toEqual(logitsOf(student));
  });

  it("saveCheckpoint() replaces an existing checkpoint and leaves no temporary directory", async () => {
    const directory = join(root, "replace");
    await saveCheckpoint(directory, createCheckpoint(createTokenizer(), options));
    const student = await trained();
    await saveCheckpoint(directory, student);
    const loaded = await loadCheckpoint(directory);
    expect(E.isRight(loaded) && loaded.right.weights).toEqual(student.weights);
    expect((await readdir(root)).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });

  it("loadCheckpoint() names the file and the problem when a checkpoint is broken", async () => {
    const directory = join(root, "broken");
    await saveCheckpoint(directory, createCheckpoint(createTokenizer(), options));
    expect(await loadCheckpoint(join(root, "missing"))).toEqual(
      E.left({ type: "checkpoint-error", path: join(root, "missing", "config.json"), message: "file not found" }),
    );
    await writeFile(join(directory, "weights.bin"), new Uint8Array(12));
    const shortWeights = await loadCheckpoint(directory);
    expect(E.isLeft(shortWeights) && shortWeights.left.path).toBe(join(directory, "weights.bin"));
    expect(E.isLeft(shortWeights) && shortWeights.left.message).toMatch(/^expected \d+ bytes/);
    const config = JSON.parse(await readFile(join(directory, "config.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(directory, "config.json"), JSON.stringify({ ...config, heads: "two" }));
    const badConfig = await loadCheckpoint(directory);
    expect(E.isLeft(badConfig) && badConfig.left.message).toMatch(/heads/);
    await writeFile(join(directory, "config.json"), JSON.stringify({ ...config, heads: 3 }));
    const indivisible = await loadCheckpoint(directory);
    expect(E.isLeft(indivisible) && indivisible.left.message).toMatch(/'heads' must divide 'dModel'/);
  });

  it("loadCheckpoint() reads the shipped M0 checkpoint (fixtures/student/m0-msa)", async () => {
    const directory = M0;
    const loaded = await loadCheckpoint(directory);
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    expect(loaded.right.config.vocab).toBe(createTokenizer().size);
    expect(loaded.right.weights.every((values) => values.every(Number.isFinite))).toBe(true);
    expect((await stat(directory)).mode & 0o777).toBe(0o755);
  });

  it("loadCheckpoint() reads the first shipped M0 (no 'positions' field) as learned positions and it decodes as before ALiBi", async () => {
    const raw = JSON.parse(await readFile(join(LEGACY, "config.json"), "utf8")) as Record<string, unknown>;
    expect(raw).not.toHaveProperty("positions");
    const loaded = await loadCheckpoint(LEGACY);
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    expect(loaded.right.config.positions).toBe("learned");
    expect(loaded.right.weights[1]).toHaveLength(loaded.right.config.context * loaded.right.config.dModel); // pos_emb
    // Recorded with the code before positions were configurable (commit add3403).
    const before = ["=-1\n+3=4\n-1-4=-13\nA:-3", "-5=-5\n5*--5=5\nA:5", "-6+-6=-3\n-6--3=11\nA:111"];
    const texts = await greedyTexts(loaded.right, 60);
    expect(texts.cached).toEqual(before);
    expect(texts.uncached).toEqual(before);
  });

  it("saveCheckpoint() writes 'positions' and an ALiBi student without 'pos_emb' decodes identically after reloading", async () => {
    const examples = [{ text: "((1 + 2) * 3) =\n1+2=3\n3*3=9\nA:9", weightFrom: 16, weight: 1 }];
    const fresh = createCheckpoint(createTokenizer(), { ...options, context: 64 });
    const { student } = await trainStudent({ student: fresh, examples, steps: 3, workers: 0 });
    expect(student.config.positions).toBe("alibi");
    const directory = join(root, "alibi");
    await saveCheckpoint(directory, student);
    const config = JSON.parse(await readFile(join(directory, "config.json"), "utf8")) as Record<string, unknown>;
    expect(config["positions"]).toBe("alibi");
    const manifest = JSON.parse(await readFile(join(directory, "manifest.json"), "utf8")) as { parameters: { name: string }[] };
    expect(manifest.parameters.map((entry) => entry.name)).not.toContain("pos_emb");
    const loaded = await loadCheckpoint(directory);
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    expect(loaded.right.config).toEqual(student.config);
    const original = await greedyTexts(student, 16);
    const reloaded = await greedyTexts(loaded.right, 16);
    expect(reloaded).toEqual(original);
    expect(reloaded.cached).toEqual(reloaded.uncached);
    expect(original.cached.join("").length).toBeGreaterThan(0);
  });

  it("loadCheckpoint() reads a config.json without 'positions' as learned and names the file and field of an unknown encoding", async () => {
    const directory = join(root, "positions");
    const learned = createCheckpoint(createTokenizer(), { ...options, positions: "learned" });
    await saveCheckpoint(directory, learned);
    const configPath = join(directory, "config.json");
    const config = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
    expect(config["positions"]).toBe("learned");
    const { positions: _, ...withoutField } = config;
    await writeFile(configPath, JSON.stringify(withoutField));
    const old = await loadCheckpoint(directory);
    expect(E.isRight(old) && old.right.config).toEqual(learned.config);
    await writeFile(configPath, JSON.stringify({ ...config, positions: "rope" }));
    expect(await loadCheckpoint(directory)).toEqual(
      E.left({ type: "checkpoint-error", path: configPath, message: "field 'positions': expected \"learned\" | \"alibi\", got \"rope\"" }),
    );
    // An ALiBi config over learned weights: the manifest names the mismatch.
    await writeFile(configPath, JSON.stringify({ ...config, positions: "alibi" }));
    const mismatch = await loadCheckpoint(directory);
    expect(E.isLeft(mismatch) && mismatch.left.path).toBe(join(directory, "manifest.json"));
  });
});
