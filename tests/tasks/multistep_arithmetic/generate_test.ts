import { describe, expect, it } from "vitest";
import { generateProblems, multistepArithmetic, partition, questionExpression } from "../../../src/tasks/multistep_arithmetic/mod.js";
import { bucketOf } from "../../../src/tasks/buckets.js";

describe("generateProblems()", () => {
  it("is a pure function of its options, with stable ids", () => {
    const first = generateProblems({ count: 20, seed: 7 });
    expect(generateProblems({ count: 20, seed: 7 })).toEqual(first);
    expect(generateProblems({ count: 5, seed: 7 })).toEqual(first.slice(0, 5));
    expect(first.map((problem) => problem.id).slice(0, 2)).toEqual(["msa-official-7-0", "msa-official-7-1"]);
    expect(generateProblems({ count: 20, seed: 8 })).not.toEqual(first);
  });

  it("draws the official buckets with the paper's seen/unseen split", () => {
    const problems = generateProblems({ count: 600, seed: 1 });
    const buckets = new Set(problems.map((problem) => problem.meta?.["bucket"]));
    expect(buckets).toEqual(new Set(["l3-4d2", "l3-4d22", "l3-4d222", "l5-6d2", "l5-6d22", "l5-6d222"]));
    for (const problem of problems) {
      expect(bucketOf("multistep_arithmetic", problem.question)).toEqual({ bucket: problem.meta?.["bucket"], split: problem.split });
      const groups = partition(questionExpression(problem.question)).groups;
      expect(groups).toHaveLength(2 ** (problem.meta?.["depth"] as number[]).length);
      expect(new Set(groups.map((group) => group.group)).size).toBe(groups.length);
    }
    expect(generateProblems({ count: 100, seed: 1, split: "seen" }).every((problem) => problem.split === "seen")).toBe(true);
    expect(generateProblems({ count: 100, seed: 1, split: "unseen" }).every((problem) => problem.split === "unseen")).toBe(true);
  });

  it("writes questions as the official data do", () => {
    for (const problem of generateProblems({ count: 200, seed: 3 })) {
      expect(problem.question).toMatch(/^\(.*\) =$/);
      expect(problem.question).not.toMatch(/\( | \)|  /);
      expect(multistepArithmetic.extractAnswer(multistepArithmetic.solve(problem))).toBe(problem.answer);
    }
    const [problem] = generateProblems({ count: 1, seed: 0, difficulty: "easy" });
    expect(problem?.question).toMatch(/^\(\(-?\d [-+*] -?\d\) [-+*] \(-?\d [-+*] -?\d\)\) =$/);
  });

  it("gives easy problems as seen and medium ones as unseen, and a mix for split all", () => {
    expect(generateProblems({ count: 20, difficulty: "easy" }).every((problem) => problem.meta?.["bucket"] === "l2d2" && problem.split === "seen")).toBe(true);
    expect(generateProblems({ count: 20, difficulty: "medium" }).every((problem) => problem.meta?.["bucket"] === "l3d2" && problem.split === "unseen")).toBe(true);
    expect(generateProblems({ count: 20, difficulty: "easy", split: "unseen" }).every((problem) => problem.meta?.["bucket"] === "l3d2")).toBe(true);
    const mixed = new Set(generateProblems({ count: 40, difficulty: "easy", split: "all" }).map((problem) => problem.split));
    expect(mixed).toEqual(new Set(["seen", "unseen"]));
  });

  it("throws on a bad count or difficulty", () => {
    expect(() => generateProblems({ count: -1 })).toThrow(RangeError);
    expect(() => generateProblems({ count: 1, difficulty: "hard" })).toThrow(
      "Cannot generate problems as 'difficulty' must be one of official, easy, medium: current value is hard",
    );
  });
});
