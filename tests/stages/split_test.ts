import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import { TrainingExample } from "../../src/codecs/training_example.js";
import { edit, type EditedTrajectory, type Rollout } from "../../src/stages/edit.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import { goldExample, split, splitTrajectory } from "../../src/stages/split.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import type { Task } from "../../src/tasks/task.js";
import { compactFormat, officialFormat, type TrajectoryFormat } from "../../src/tasks/trajectory_format.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { addLine, fakeTask, finalLine, sumProblem } from "./_fake_task.js";
import { rolloutOf, rolloutShape } from "./_rollouts.js";

const problem = sumProblem("p1", [3, 5, -2]);
const CORRECT = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 6), finalLine(6)].join("\n");
const WRONG = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 5), finalLine(5)].join("\n");
const official = officialFormat(fakeTask);
const compact = compactFormat(fakeTask)!;

async function editAll(task: Task, format: TrajectoryFormat, rollouts: readonly Rollout[]): Promise<EditedTrajectory[]> {
  const results = await lastValueFrom(from(rollouts).pipe(edit(scriptedExpert(task), { task, format }), toArray()));
  return results.flatMap((result) => E.isRight(result) ? [result.right] : []);
}

/** The properties every example of a split must have. */
function checkExamples(examples: readonly TrainingExample[], format: TrajectoryFormat): void {
  const anchor = `\n${format.feedbackPrefix}`;
  for (const example of examples) {
    expect(TrainingExample.is(example)).toBe(true);
    if (example.kind === "correct" || example.kind === "gold") {
      expect([example.weightFrom, example.weight]).toEqual([0, 1]);
    } else {
      // The weight starts at the first "\n" + feedback prefix.
      expect(example.text.indexOf(anchor)).toBe(example.weightFrom);
      expect(example.text.slice(example.weightFrom).startsWith(anchor)).toBe(true);
    }
    const feedbackLines = example.text.split("\n").filter((line) => line.startsWith(format.feedbackPrefix));
    expect(feedbackLines).toHaveLength(1);
    if (format.name === "compact") {
      // (Word sorting's compact prompt starts with its own `Q:`; the attempt headers never appear.)
      expect(example.text).not.toMatch(/(^|\n)(Answer:|Feedback:|Updated Answer:)|Let's think step by step/);
    }
    if (example.kind === "improvement") {
      // It ends after the updated attempt: no feedback after the update.
      expect(example.text.endsWith(feedbackLines[0]!)).toBe(false);
    } else {
      expect(example.text.endsWith(feedbackLines[0]!)).toBe(true);
    }
  }
}

describe("splitTrajectory()", () => {
  it("splits an edited trajectory into an improvement and a terminal example", async () => {
    const [trajectory] = await editAll(fakeTask, official, [{ problem, iteration: 0, continuation: WRONG }]);
    const examples = splitTrajectory(trajectory!, { format: official });
    const prompt = "Q: 3 + 5 + -2 =\nAnswer: Let's think step by step.\n";
    const feedback = `Feedback: ${trajectory!.turns[0]!.feedback}`;
    expect(examples.map((example) => [example.id, example.kind])).toEqual([["p1#si0", "improvement"], ["p1#t", "terminal"]]);
    expect(examples[0]!.text).toBe(`${prompt}${WRONG}\n${feedback}\nUpdated Answer: Let's think step by step.\n${CORRECT}`);
    expect(examples[0]!.weightFrom).toBe(prompt.length + WRONG.length);
    expect(examples[0]!.weight).toBe(1.5);
    expect(examples[1]!.text).toBe(`${prompt}${CORRECT}\nFeedback: Step (1) to (2) are correct. The final response is also correct.`);
    expect(examples[1]!.weightFrom).toBe(prompt.length + CORRECT.length);
  });

  it("gives a correct rollout one `correct` example with weight 1 throughout", async () => {
    const [trajectory] = await editAll(fakeTask, compact, [{ problem, iteration: 0, continuation: "3+5=8\n8+-2=6\nA:6" }]);
    expect(splitTrajectory(trajectory!, { format: compact, weight: 2 })).toEqual([
      { id: "p1#c", kind: "correct", text: "3+5+-2=\n3+5=8\n8+-2=6\nA:6\nF: ok", weightFrom: 0, weight: 1 },
    ]);
  });

  it("gives a bad improvement one weighted `terminal` example ending in the error feedback", () => {
    const trajectory: EditedTrajectory = {
      id: "p1",
      problem,
      iteration: 0,
      pass: 2,
      format: "compact",
      outcome: "bad-improvement",
      turns: [{
        attempt: WRONG,
        feedback: "In step (2) the part \" 8 + -2 = 5 \" is incorrect. This is because no.",
        by: { attempt: "student", feedback: "expert" },
        written: { attempt: "3+5=8\n8+-2=5\nA:5", feedbackLine: "F: 2 8+-2=5" },
      }],
    };
    expect(splitTrajectory(trajectory, { format: compact, weight: 3 })).toEqual([
      { id: "p1@2#t", kind: "terminal", text: "3+5+-2=\n3+5=8\n8+-2=5\nA:5\nF: 2 8+-2=5", weightFrom: 24, weight: 3 },
    ]);
  });

  test.prop([fc.array(rolloutShape, { minLength: 1, maxLength: 12 }), fc.boolean()], { numRuns: 60 })(
    "splitTrajectory() anchors the weight at the first feedback line and writes one feedback line per example",
    async (shapes, useCompact) => {
      const format = useCompact ? compact : official;
      const trajectories = await editAll(fakeTask, format, shapes.map((shape, index) => rolloutOf(`s${index}`, shape, format)));
      for (const trajectory of trajectories) {
        const examples = splitTrajectory(trajectory, { format });
        checkExamples(examples, format);
        const improvements = examples.filter((example) => example.kind === "improvement");
        expect(improvements).toHaveLength(trajectory.turns.length - 1);
        expect(new Set(examples.map((example) => example.id)).size).toBe(examples.length);
      }
    },
  );
});

describe("split()", () => {
  it("rejects a trajectory edited in another format as format-mismatch", async () => {
    const trajectories = await editAll(fakeTask, official, [{ problem, iteration: 3, continuation: WRONG }]);
    const [result] = await lastValueFrom(from(trajectories).pipe(split({ format: compact }), toArray()));
    expect(E.isLeft(result!) && result.left).toMatchObject({ id: "p1", type: "format-mismatch", iteration: 3 });
  });

  it("validates the weight at construction", () => {
    expect(() => split({ format: official, weight: 0 })).toThrow(
      "Cannot split trajectories as 'weight' must be a positive number: current value is 0",
    );
  });
});

describe("goldExample()", () => {
  it("writes the prompt, the gold rationale and the terminal feedback with weight 1", () => {
    expect(goldExample(fakeTask, official, problem)).toEqual(E.right({
      id: "p1#gold",
      kind: "gold",
      text: `Q: 3 + 5 + -2 =\nAnswer: Let's think step by step.\n${CORRECT}\nFeedback: Step (1) to step (2) are correct. The final response is also correct.`,
      weightFrom: 0,
      weight: 1,
    }));
    expect(goldExample(fakeTask, compact, problem)).toEqual(E.right({
      id: "p1#gold",
      kind: "gold",
      text: "3+5+-2=\n3+5=8\n8+-2=6\nA:6\nF: ok",
      weightFrom: 0,
      weight: 1,
    }));
  });
});

/** Wrong official attempts of a real task: the gold rationale with the final answer changed. */
function wrongFinal(task: Task, problem: Problem, change: (answer: string) => string): string {
  const lines = task.solve(problem).split("\n");
  const last = lines.length - 1;
  lines[last] = lines[last]!.replace(/the answer is:? (.*)\.$/, (whole, answer: string) => whole.replace(answer, change(answer)));
  return lines.join("\n");
}

describe("split() with the real tasks", () => {
  const cases: [string, Task, (answer: string) => string][] = [
    ["multistep arithmetic", multistepArithmetic, (answer) => String(Number(answer) + 1)],
    ["word sorting", wordSorting, (answer) => answer.split(" ").reverse().join(" ")],
  ];
  for (const [name, task, change] of cases) {
    it(`edits and splits ${name} rollouts in the compact format`, async () => {
      const format = compactFormat(task)!;
      const difficulty = task.difficulties.includes("easy") ? "easy" : "official";
      const problems = task.generate({ count: 12, seed: 5, difficulty, split: "seen" });
      const rollouts = problems.map((item, index): Rollout => {
        const attempt = index % 3 === 0 ? task.solve(item) : wrongFinal(task, item, change);
        const written = format.fromOfficial(item, attempt);
        if (E.isLeft(written)) throw new Error(written.left.message);
        return { problem: item, iteration: 0, continuation: written.right };
      });
      const trajectories = await editAll(task, format, rollouts);
      const outcomes = trajectories.map((trajectory) => trajectory.outcome);
      expect(outcomes.filter((outcome) => outcome === "original")).toHaveLength(4);
      expect(outcomes.filter((outcome) => outcome === "edited").length).toBeGreaterThan(0);
      const examples = trajectories.flatMap((trajectory) => splitTrajectory(trajectory, { format }));
      checkExamples(examples, format);
      expect(examples.some((example) => example.kind === "improvement")).toBe(true);
      for (const item of problems) {
        const gold = goldExample(task, format, item);
        expect(E.isRight(gold)).toBe(true);
        if (E.isRight(gold)) checkExamples([gold.right], format);
      }
    });
  }
});
