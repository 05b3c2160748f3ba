import * as E from "fp-ts/lib/Either.js";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint, loadCheckpoint, saveCheckpoint, type StudentCheckpoint } from "../../../src/models/student/checkpoint.js";
import { createParams, disposeParams, forward } from "../../../src/models/student/model.js";
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
    const directory = fileURLToPath(new URL("../../../fixtures/student/m0-msa", import.meta.url));
    const loaded = await loadCheckpoint(directory);
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    expect(loaded.right.config.vocab).toBe(createTokenizer().size);
    expect(loaded.right.weights.every((values) => values.every(Number.isFinite))).toBe(true);
    expect((await stat(directory)).mode & 0o777).toBe(0o755);
  });
});
