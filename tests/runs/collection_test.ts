import fc from "fast-check";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { throwError } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import { collectToDirectory, rebalanceExamplesFile } from "../../src/runs/collection.js";
import { createCollectionJournals } from "../../src/runs/collection_journals.js";
import { collectionLayout } from "../../src/runs/layout.js";
import { collectIteration, type CollectOptions } from "../../src/stages/collect.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import { maskFirstAttempts } from "../../src/stages/tripost_loop.js";
import { multistepArithmetic as task } from "../../src/tasks/multistep_arithmetic/mod.js";
import { behaviourArbitrary, format, scriptedStudent } from "../stages/_scripted_student.js";

const scratch = mkdtempSync(join(tmpdir(), "tripost-runs-collection-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function fresh(): string {
  counter += 1;
  return join(scratch, `case-${counter}`);
}

const expert = scriptedExpert(task);
const problems = task.generate({ count: 24, seed: 11, split: "seen", difficulty: "easy" });

function lines(path: string): string {
  return readFileSync(path, "utf8");
}

function jsonl(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join("");
}

describe("collectToDirectory()", () => {
  it("collectToDirectory() writes what collectIteration() returns, at any concurrency and over several passes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 24 }),
        fc.array(behaviourArbitrary, { minLength: 1, maxLength: 24 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        async (count, behaviours, delays, concurrency, maxPasses) => {
          const input = problems.slice(0, count);
          const options: CollectOptions = { task, format, seed: 4, iteration: 1, concurrency, maxPasses, maxDataLength: 1000, maxTokens: 64 };
          const reference = await collectIteration(scriptedStudent(input, behaviours, [0]), expert, input, { ...options, concurrency: 1 });
          const layout = collectionLayout(fresh());
          const written = await collectToDirectory(layout, scriptedStudent(input, behaviours, delays), expert, input, createCollectionJournals(), {
            ...options,
            studentLabel: { stage: "rollout", model: "student" },
          });
          expect(lines(layout.trajectories)).toBe(jsonl(reference.trajectories));
          expect(lines(layout.rejections)).toBe(jsonl(reference.rejections));
          for (const later of reference.laterPasses) {
            expect(lines(layout.pass(later.pass).trajectories)).toBe(jsonl(later.trajectories));
            expect(lines(layout.pass(later.pass).rejections)).toBe(jsonl(later.rejections));
          }
          expect(lines(layout.examples)).toBe(jsonl(reference.unbalancedExamples));
          expect(lines(layout.train)).toBe(jsonl(reference.examples));
          expect(written.stats).toEqual(reference.stats);
          expect(written.trainingExamples).toBe(reference.examples.length);
          // Every problem in exactly one of the first pass's files.
          expect(written.trajectories + written.rejections).toBe(input.length);
          // The same rebalancing, read back from examples.jsonl alone (what tripost merge does).
          const again = join(layout.directory, "again.jsonl");
          const rebalanced = await rebalanceExamplesFile(layout.examples, again, { seed: 4, iteration: 1 });
          expect(lines(again)).toBe(lines(layout.train));
          expect(rebalanced.stats).toEqual(reference.stats.rebalance);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("collectToDirectory() rewrites train.jsonl through trainTransform and can drop examples.jsonl", async () => {
    const input = problems.slice(0, 12);
    const behaviours = [{ kind: "wrong", line: 1 } as const, { kind: "right" } as const];
    const layout = collectionLayout(fresh());
    await collectToDirectory(layout, scriptedStudent(input, behaviours, [0]), expert, input, createCollectionJournals(), {
      task,
      format,
      studentLabel: { stage: "rollout", model: "student" },
      keepExamples: false,
      trainTransform: (example) => maskFirstAttempts([example], true)[0] as TrainingExample,
    });
    const reference = await collectIteration(scriptedStudent(input, behaviours, [0]), expert, input, { task, format });
    expect(lines(layout.train)).toBe(jsonl(maskFirstAttempts(reference.examples, true)));
    expect(existsSync(layout.examples)).toBe(false);
    expect(readdirSync(layout.directory).sort()).toEqual(["journal.jsonl", "rejections.jsonl", "train.jsonl", "trajectories.jsonl"]);
  });

  it("collectToDirectory() leaves only its journal when the collection fails", async () => {
    const layout = collectionLayout(fresh());
    const fatal = () => throwError(() => new Error("refused"));
    await expect(
      collectToDirectory(layout, fatal, expert, problems.slice(0, 5), createCollectionJournals(), {
        task,
        format,
        studentLabel: { stage: "rollout", model: "student" },
        isFatal: () => true,
      }),
    ).rejects.toThrow("refused");
    expect(readdirSync(layout.directory)).toEqual(["journal.jsonl"]);
  });

  it("rebalanceExamplesFile() names the file and line of an example that does not parse or decode, and writes nothing", async () => {
    const directory = fresh();
    mkdirSync(directory, { recursive: true });
    const examplesPath = join(directory, "examples.jsonl");
    const trainPath = join(directory, "train.jsonl");
    writeFileSync(examplesPath, '\n{"id":"p#gold"\n');
    const named = examplesPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await expect(rebalanceExamplesFile(examplesPath, trainPath)).rejects.toThrow(new RegExp(`^Cannot rebalance as ${named}:2: invalid JSON: Expected ','`));
    writeFileSync(examplesPath, '{"id":"p#gold","kind":"gold","text":7}\n');
    await expect(rebalanceExamplesFile(examplesPath, trainPath)).rejects.toThrow(new RegExp(`^Cannot rebalance as ${named}:1: field 'text': expected string`));
    expect(existsSync(trainPath)).toBe(false);
  });
});
