import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineSeed, collectionLayout, JOURNAL_FILE_NAME, rebalanceSeed, runLayout } from "../../src/runs/layout.js";
import * as runs from "../../src/runs/mod.js";

describe("runLayout() and collectionLayout()", () => {
  it("runLayout() names the files of a run directory", () => {
    const layout = runLayout("run");
    expect(layout.m0Eval.metrics).toBe(join("run", "iteration-0", "eval", "metrics.json"));
    expect(layout.iteration(2).train).toBe(join("run", "iteration-2", "train.jsonl"));
    expect(layout.iteration(2).journal).toBe(join("run", "iteration-2", JOURNAL_FILE_NAME));
    expect(layout.iteration(1).pass(0).trajectories).toBe(join("run", "iteration-1", "trajectories.jsonl"));
    expect(layout.iteration(1).pass(2).rejections).toBe(join("run", "iteration-1", "pass-2", "rejections.jsonl"));
    expect(layout.baseline(1, "lmsi").eval.predictions).toBe(join("run", "iteration-1", "lmsi", "eval", "predictions.jsonl"));
    expect(layout.iteration(1).checkpoint).toBe(join("run", "iteration-1", "checkpoint"));
    expect(layout.trainProblems).toBe(join("run", "problems", "train.jsonl"));
  });

  it("collectionLayout() refuses a negative pass, runLayout() a negative iteration", () => {
    expect(() => collectionLayout("out").pass(-1)).toThrow(RangeError);
    expect(() => runLayout("run").iteration(-1)).toThrow(RangeError);
  });

  it("rebalanceSeed() is the seed string of a pass and of the gold step", () => {
    expect(rebalanceSeed(5, 1, 0)).toBe("5/1/0");
    expect(rebalanceSeed(5, 1, "gold")).toBe("5/1/gold");
  });

  it("the seed strings and the example-id grammar are all exported by tripost/runs", () => {
    expect(baselineSeed(5, 1, "lmsi")).toBe("5/1/lmsi");
    for (const name of ["rebalanceSeed", "baselineSeed", "exampleId", "parseExampleId"]) {
      expect(typeof (runs as Record<string, unknown>)[name], name).toBe("function");
    }
  });
});
