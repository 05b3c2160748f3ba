import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { lastValueFrom, map, type Observable, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { type CollectedProblem, collectIteration, collectPass, type PassOutcome } from "../../src/stages/collect.js";
import type { SplitTrajectory } from "../../src/stages/split.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat } from "../../src/tasks/trajectory_format.js";
import { type Behaviour, behaviourArbitrary, scriptedStudent } from "./_scripted_student.js";

const task = multistepArithmetic;
const format = compactFormat(task)!;
const expert = scriptedExpert(task);

const problems = task.generate({ count: 24, seed: 7, split: "seen", difficulty: "easy" });

/** A pass's records as outcomes, checking that their indices follow input order. */
function passOutcomes(records$: Observable<CollectedProblem>): Promise<PassOutcome[]> {
  return lastValueFrom(records$.pipe(
    toArray(),
    map((records) => {
      expect(records.map((record) => record.index)).toEqual(records.map((_record, index) => index));
      return records.map((record) => E.map((kept: SplitTrajectory) => kept.trajectory)(record.outcome));
    }),
  ));
}

describe("collectPass()", () => {
  it("collectPass() gives every outcome kind for the scripted student (the property below covers them)", async () => {
    const behaviours: Behaviour[] = [{ kind: "right" }, { kind: "wrong", line: 0 }, { kind: "wrong", line: 6 }, { kind: "malformed" }, {
      kind: "fail",
    }];
    const student = scriptedStudent(problems.slice(0, 10), behaviours, [0]);
    const outcomes = await passOutcomes(collectPass(student, expert, problems.slice(0, 10), { task, format, pass: 0, concurrency: 4 }));
    const rejectionTypes = new Set(outcomes.flatMap((outcome) => (E.isLeft(outcome) ? [outcome.left.type] : [])));
    const editOutcomes = new Set(outcomes.flatMap((outcome) => (E.isRight(outcome) ? [outcome.right.outcome] : [])));
    expect(editOutcomes).toContain("original");
    expect(editOutcomes).toContain("edited");
    expect(rejectionTypes).toContain("endpoint-failed");
    expect(rejectionTypes).toContain("format-error");
  });

  it("collectPass() yields one outcome per problem in input order, at concurrency 1 to 16, whatever the delays", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 24 }),
        fc.array(behaviourArbitrary, { minLength: 1, maxLength: 24 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 16 }),
        fc.boolean(),
        async (count, behaviours, delays, concurrency, selfImprove) => {
          const input = problems.slice(0, count);
          const student = scriptedStudent(input, behaviours, delays);
          const outcomes = await passOutcomes(
            collectPass(student, expert, input, { task, format, pass: 0, concurrency, selfImprove, maxTokens: 64, seed: 3 }),
          );
          expect(outcomes).toHaveLength(input.length);
          // A for loop, not forEach: forEach skips the holes of a sparse array.
          for (let index = 0; index < input.length; index++) {
            const outcome = outcomes[index];
            expect(outcome, `outcome ${index} is missing`).toBeDefined();
            if (outcome === undefined) return;
            expect(E.isLeft(outcome) ? outcome.left.id : outcome.right.id).toBe(input[index]?.id);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("collectIteration()", () => {
  it("collectIteration() puts every problem id in exactly one of trajectories and rejections, and is the same at every concurrency", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(behaviourArbitrary, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 16 }),
        async (behaviours, delays, concurrency) => {
          const input = problems.slice(0, 12);
          const options = { task, format, concurrency, maxTokens: 64, seed: 5 };
          const result = await collectIteration(scriptedStudent(input, behaviours, delays), expert, input, options);
          const trajectoryIds = result.trajectories.map((trajectory) => trajectory.id);
          const rejectionIds = result.rejections.map((rejection) => rejection.id);
          expect([...trajectoryIds, ...rejectionIds].sort()).toEqual(input.map((problem) => problem.id).sort());
          expect(new Set([...trajectoryIds, ...rejectionIds]).size).toBe(input.length);
          // The same run at concurrency 1 with no delays gives the same records.
          const reference = await collectIteration(scriptedStudent(input, behaviours, [0]), expert, input, { ...options, concurrency: 1 });
          expect(JSON.stringify(result)).toBe(JSON.stringify(reference));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("collectIteration() reads a function source afresh for each pass and the gold, with the result of the array", async () => {
    const input = problems.slice(0, 12);
    const behaviours: Behaviour[] = [{ kind: "wrong", line: 1 }, { kind: "right" }, { kind: "malformed" }];
    const options = { task, format, maxPasses: 3, maxDataLength: 1000, seed: 2, concurrency: 3 };
    let reads = 0;
    async function* stream() {
      reads += 1;
      for (const problem of input) yield problem;
    }
    const streamed = await collectIteration(scriptedStudent(input, behaviours, [1, 0, 2]), expert, () => stream(), options);
    const fromArray = await collectIteration(scriptedStudent(input, behaviours, [0]), expert, input, options);
    expect(streamed).toEqual(fromArray);
    expect(reads).toBe(streamed.stats.passes + 1);
  });

  it("collectIteration() rejects a failing call as endpoint-failed and keeps going", async () => {
    const input = problems.slice(0, 3);
    const student = scriptedStudent(input, [{ kind: "right" }, { kind: "fail" }, { kind: "right" }], [0]);
    const result = await collectIteration(student, expert, input, { task, format, concurrency: 2 });
    expect(result.rejections.map((rejection) => [rejection.id, rejection.type])).toEqual([[input[1]?.id, "endpoint-failed"]]);
    expect(result.trajectories.map((trajectory) => trajectory.id)).toEqual([input[0]?.id, input[2]?.id]);
  });

  // stats.json: what there was to sample from in every pass, and every duplicate removed (the
  // official `num_duplicates` counts the duplicates across passes; the gold's are skipped too).
  it("collectIteration() counts the non-improvement examples available and every duplicate over all passes", async () => {
    const input = problems.slice(0, 8);
    const behaviours: Behaviour[] = input.map((_, index) => (index % 2 === 0 ? { kind: "right" } : { kind: "wrong", line: index }));
    const student = scriptedStudent(input, behaviours, [0]);
    const result = await collectIteration(student, expert, input, { task, format, maxPasses: 2, maxDataLength: 1000, seed: 3 });
    const before = result.stats.examplesBeforeRebalance;
    const nonImprovementBefore = (before["terminal"] ?? 0) + (before["correct"] ?? 0);
    const stats = result.stats.rebalance;
    // The student writes the same rollouts in both passes: pass 2's improvement examples are
    // duplicates of pass 1's (all kept), beside the gold examples already taken.
    const goldRemoved = result.unbalancedExamples.filter((example) => example.kind === "gold").length - stats.goldAvailable;
    const improvementPerPass = (before["improvement"] ?? 0) / 2;
    expect(improvementPerPass).toBeGreaterThan(0);
    expect(stats.duplicatesRemoved - goldRemoved).toBeGreaterThanOrEqual(improvementPerPass);
    // Pass 1 alone had every one of its non-improvement examples to sample from.
    expect(stats.nonImprovementAvailable).toBeGreaterThanOrEqual(nonImprovementBefore / 2);
    expect(stats.nonImprovementAvailable).toBeGreaterThan(stats.terminal + stats.correct);
  });

  // `min_data_length`: the official loop ends before training an iteration whose data has fewer
  // examples (`len(new_train_data) < min_data_length`, gold included).
  it("collectIteration() records whether the training set is below minDataLength", async () => {
    const input = problems.slice(0, 8);
    const behaviours: Behaviour[] = input.map((_, index) => (index % 2 === 0 ? { kind: "right" } : { kind: "wrong", line: index }));
    const student = scriptedStudent(input, behaviours, [0]);
    const low = await collectIteration(student, expert, input, { task, format, minDataLength: 1 });
    expect(low.examples.length).toBeGreaterThan(0);
    expect(low.stats).toMatchObject({ minDataLength: 1, belowMinDataLength: false });
    const high = await collectIteration(student, expert, input, { task, format, minDataLength: low.examples.length + 1 });
    expect(high.stats).toMatchObject({ minDataLength: low.examples.length + 1, belowMinDataLength: true });
    const unset = await collectIteration(student, expert, input, { task, format });
    expect(unset.stats).toMatchObject({ minDataLength: 0, belowMinDataLength: false });
  });
});
