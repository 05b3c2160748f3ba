import { describe, expect, it } from "vitest";
import { resumable } from "../../src/runs/resumable.js";

describe("resumable()", () => {
  it("resumable() loads a completed step only when the run resumes", async () => {
    const calls: string[] = [];
    const step = (done: boolean) => ({
      done: () => done,
      load: () => {
        calls.push("load");
        return "loaded";
      },
      run: () => {
        calls.push("run");
        return Promise.resolve("ran");
      },
    });
    let skipped = 0;
    expect(await resumable(step(true), { resume: true, onSkip: () => skipped++ })).toBe("loaded");
    expect(await resumable(step(true), { resume: false })).toBe("ran");
    expect(await resumable(step(false), { resume: true })).toBe("ran");
    expect(calls).toEqual(["load", "run", "run"]);
    expect(skipped).toBe(1);
  });
});
