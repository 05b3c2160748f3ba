import * as E from "fp-ts/lib/Either.js";
import { firstValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { scriptedExpert } from "../../src/stages/expert.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { addLine, fakeTask, fakeTaskWithoutExpert, finalLine, sumProblem } from "./_fake_task.js";

const problem = sumProblem("p1", [3, 5, -2]);
const WRONG = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 5), finalLine(5)].join("\n");

describe("scriptedExpert()", () => {
  it("throws a TypeError when the task has no scripted expert", () => {
    expect(() => scriptedExpert(fakeTaskWithoutExpert)).toThrow(TypeError);
    expect(() => scriptedExpert(fakeTaskWithoutExpert)).toThrow(
      "Cannot create a scripted expert as task 'multistep_arithmetic' has no scripted 'critique': current value is undefined",
    );
    expect(() => scriptedExpert({ ...fakeTask, improve: undefined } as unknown as typeof fakeTask)).toThrow(
      "has no scripted 'improve'",
    );
  });

  it("wraps the task's critique in a cold Observable", async () => {
    let calls = 0;
    const task = {
      ...fakeTask,
      critique: (...args: Parameters<NonNullable<typeof fakeTask.critique>>) => {
        calls++;
        return fakeTask.critique!(...args);
      },
    };
    const verdict$ = scriptedExpert(task).critique(problem, WRONG);
    expect(calls).toBe(0);
    expect(await firstValueFrom(verdict$)).toEqual(fakeTask.critique!(problem, WRONG));
    expect(calls).toBe(1);
    await firstValueFrom(verdict$);
    expect(calls).toBe(2);
  });

  it("improves a wrong multistep arithmetic attempt to a correct one", async () => {
    const [msaProblem] = multistepArithmetic.generate({ count: 1, seed: 3, difficulty: "easy" });
    const gold = multistepArithmetic.solve(msaProblem!);
    const lines = gold.split("\n");
    const final = lines.length - 1;
    // Wrong final response: the answer plus one.
    const wrongAnswer = String(Number(msaProblem!.answer) + 1);
    lines[final] = `(Final response) So the answer is ${wrongAnswer}.`;
    const expert = scriptedExpert(multistepArithmetic);
    const verdict = await firstValueFrom(expert.critique(msaProblem!, lines.join("\n")));
    expect(E.isRight(verdict) && verdict.right.errorStep).toBe("Final response");
    const improved = await firstValueFrom(expert.improve(msaProblem!, lines.join("\n"), E.isRight(verdict) ? verdict.right : (undefined as never)));
    expect(improved).toEqual(E.right(gold));
  });
});
