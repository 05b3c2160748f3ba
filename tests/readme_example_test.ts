import * as E from "fp-ts/lib/Either.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCustomPipeline } from "../examples/custom_pipeline.js";

describe("the README's custom pipeline", () => {
  it("runCustomPipeline() ends every problem as an edited trajectory or a rejection and splits the edits", async () => {
    const { problems, outcomes, examples, stats } = await runCustomPipeline("fixtures/student/m0-msa", 30);
    expect(outcomes).toHaveLength(problems.length);
    const rights = outcomes.filter(E.isRight).map((outcome) => outcome.right);
    const lefts = outcomes.filter(E.isLeft).map((outcome) => outcome.left);
    expect(new Set([...rights.map((t) => t.id), ...lefts.map((r) => r.id)]).size).toBe(problems.length);
    expect(rights.every((trajectory) => trajectory.outcome === "edited")).toBe(true);
    // The student answers some easy problems right: those are filtered out, not lost.
    expect(lefts.some((rejection) => rejection.type === "not-edited")).toBe(true);
    // No kept update rewrote only the final answer line.
    for (const trajectory of rights) {
      expect(trajectory.turns.slice(0, -1).every((turn) => !turn.feedback.includes("In step (Final response)"))).toBe(true);
    }
    expect(examples.every((example) => example.kind === "improvement" || example.kind === "terminal")).toBe(true);
    expect(stats.improvement).toBeGreaterThan(0);
    // Input order restored inside the window.
    expect(outcomes.map((outcome) => (E.isRight(outcome) ? outcome.right.id : outcome.left.id))).toEqual(problems.map((problem) => problem.id));
  });

  it("the example composes the operators a collection runs in production", () => {
    const example = readFileSync(new URL("../examples/custom_pipeline.ts", import.meta.url), "utf8");
    const production = readFileSync(new URL("../src/stages/collect.ts", import.meta.url), "utf8");
    for (const operator of ["withDemand(", "generate(", "edit(", "whenRight(", "splitKeeping(", "reorder(", "createRebalancer("]) {
      expect(example, operator).toContain(operator);
      expect(production, operator).toContain(operator);
    }
  });

  it("the README shows the example's pipeline", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/custom_pipeline.ts", import.meta.url), "utf8");
    for (const line of ["whenRight(edit(expert, { task, format })),", "generate(student, { format, seed: 7 }),"]) {
      expect(readme).toContain(line);
      expect(example).toContain(line);
    }
  });
});
