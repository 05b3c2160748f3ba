import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { delay, firstValueFrom, from, lastValueFrom, mergeMap, type Observable, throwError, timer, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { createTestScheduler } from "../_helpers/marbles.js";
import { Trajectory } from "../../src/codecs/trajectory.js";
import type { Rejection } from "../../src/codecs/rejection.js";
import { edit, type EditedTrajectory, type EditOptions, type Rollout, toTrajectory } from "../../src/stages/edit.js";
import type { Expert } from "../../src/stages/expert.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import { correctFeedback, isCorrectFeedback } from "../../src/tasks/feedback.js";
import type { Problem } from "../../src/codecs/problem.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat, officialFormat } from "../../src/tasks/trajectory_format.js";
import { wordSorting, wordSortingProblem } from "../../src/tasks/word_sorting/mod.js";
import { errorVerdict, expertError, fakeExpert } from "./_experts.js";
import { addLine, fakeTask, finalLine, sumProblem } from "./_fake_task.js";
import { rolloutOf, rolloutShape } from "./_rollouts.js";

// 3 + 5 + -2 = 6
const problem = sumProblem("p1", [3, 5, -2]);
const CORRECT = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 6), finalLine(6)].join("\n");
// A calculation error in step (2).
const WRONG = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 5), finalLine(5)].join("\n");
const WRONG_VERDICT = fakeTask.critique!(problem, WRONG);
const WRONG_FEEDBACK = E.isRight(WRONG_VERDICT) ? WRONG_VERDICT.right.feedback : "";
const UPDATE_HEADER = "Updated Answer: Let's think step by step.";

function rollout(continuation: string, iteration = 0): Rollout {
  return { problem, iteration, continuation };
}

async function editOne(
  continuation: string,
  expert: Expert = scriptedExpert(fakeTask),
  options: Partial<EditOptions> = {},
): Promise<E.Either<Rejection, EditedTrajectory>> {
  return firstValueFrom(from([rollout(continuation)]).pipe(edit(expert, { task: fakeTask, ...options })));
}

async function rejected(continuation: string, expert?: Expert, options?: Partial<EditOptions>): Promise<Rejection> {
  const result = await editOne(continuation, expert, options);
  if (E.isRight(result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.right.turns)}`);
  return result.left;
}

async function kept(continuation: string, expert?: Expert, options?: Partial<EditOptions>): Promise<EditedTrajectory> {
  const result = await editOne(continuation, expert, options);
  if (E.isLeft(result)) throw new Error(`expected a trajectory, got ${JSON.stringify(result.left)}`);
  return result.right;
}

/** An expert that fails the test when called. */
const silentExpert: Expert = {
  critique: () => throwError(() => new Error("the expert must not be called")),
  improve: () => throwError(() => new Error("the expert must not be called")),
};

describe("edit() rule 1: clean_pred", () => {
  it("rejects a rollout with an unknown line as a format-error", async () => {
    const rejection = await rejected(`${addLine(1, 3, 5, 8)}\nI think so\n${finalLine(8)}`);
    expect(rejection).toMatchObject({ id: "p1", type: "format-error", iteration: 0 });
    expect(rejection.reason).toContain("line 2");
  });

  it("drops a line that repeats the previous line's header", async () => {
    const trajectory = await kept(`${addLine(1, 3, 5, 8)}\n${addLine(1, 3, 5, 9)}\n${addLine(2, 8, -2, 6)}\n${finalLine(6)}`, silentExpert);
    expect(trajectory.turns.map((turn) => turn.attempt)).toEqual([CORRECT]);
  });

  it("truncates the rollout at a second Q: line", async () => {
    const trajectory = await kept(`${CORRECT}\nQ: 1 + 1 =\nAnswer: Let's think step by step.\nnonsense`, silentExpert);
    expect(trajectory.turns).toHaveLength(1);
    expect(trajectory.turns[0]?.attempt).toBe(CORRECT);
  });

  it("rejects a compact attempt that does not convert to the official format as a format-error", async () => {
    const compact = compactFormat(fakeTask)!;
    const rejection = await rejected("3+5=8\n8*-2=6\nA:6", silentExpert, { format: compact });
    expect(rejection.type).toBe("format-error");
    expect(rejection.reason).toContain("official format");
  });

  it("rejects an unfinished last attempt (no final response, no feedback) as a format-error", async () => {
    const rejection = await rejected(`${addLine(1, 3, 5, 8)}\n${addLine(2, 8, -2, 5)}`, silentExpert);
    expect(rejection.type).toBe("format-error");
  });
});

describe("edit() rule 2: already correct", () => {
  it("keeps a correct rollout as it is and appends the terminal feedback in the LLM wording", async () => {
    const trajectory = await kept(CORRECT, silentExpert);
    expect(trajectory.outcome).toBe("original");
    expect(trajectory.turns).toEqual([{
      attempt: CORRECT,
      feedback: "Step (1) to step (2) are correct. The final response is also correct.",
      by: { attempt: "student", feedback: "expert" },
      written: { attempt: CORRECT, feedbackLine: "Feedback: Step (1) to step (2) are correct. The final response is also correct." },
    }]);
  });

  it("does not check the student's intermediate feedback", async () => {
    const continuation = `${WRONG}\nFeedback: all good here, no idea\n${UPDATE_HEADER}\n${CORRECT}`;
    const trajectory = await kept(continuation, silentExpert);
    expect(trajectory.outcome).toBe("original");
    expect(trajectory.turns.map((turn) => [turn.attempt, turn.feedback, turn.by.feedback])).toEqual([
      [WRONG, "all good here, no idea", "student"],
      [CORRECT, correctFeedback("2"), "expert"],
    ]);
  });

  it("keeps a correct but over-long rollout: the length rule comes after", async () => {
    const trajectory = await kept(CORRECT, silentExpert, { maxAttemptWords: 3 });
    expect(trajectory.outcome).toBe("original");
  });

  it("sends a correct answer without valid content to editing", async () => {
    // Step (2) is wrong (8 + -2 = 7) but the final answer is the gold one.
    const lucky = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 7), finalLine(6)].join("\n");
    const trajectory = await kept(lucky);
    expect(trajectory.outcome).toBe("edited");
  });
});

describe("edit() rule 2: a correct last attempt followed by the student's own feedback", () => {
  // The official inference strips a terminal "…also correct" line from the prediction, but keeps
  // an error feedback the student wrote on its last attempt as the prediction's last line; the
  // official editor runs `has_valid_content` on the whole prediction, that line included.
  const msaProblem: Problem = { id: "m1", task: "multistep_arithmetic", question: "((-5 + 9) * (3 - -2)) =", answer: "20" };
  const msaRight = "-5+9=4\n3--2=5\n4*5=20\nA:20";
  const editMsa = (continuation: string) =>
    firstValueFrom(from([{ problem: msaProblem, iteration: 1, continuation }]).pipe(
      edit(scriptedExpert(multistepArithmetic), { task: multistepArithmetic, format: compactFormat(multistepArithmetic)! }),
    ));

  it("drops a multistep arithmetic sample: has_valid_content reads the feedback line, FBK finds no error", async () => {
    const result = await editMsa(`${msaRight}\nF:3:3--2=1`);
    expect(E.isLeft(result) && result.left.type).toBe("expert-judged-correct");
  });

  it("keeps a correct multistep arithmetic attempt whose feedback line is the terminal one, with the terminal feedback", async () => {
    const result = await editMsa(`${msaRight}\nF:ok`);
    expect(E.isRight(result) && result.right.outcome).toBe("original");
    expect(E.isRight(result) && result.right.turns.map((turn) => [turn.written.feedbackLine, turn.by.feedback])).toEqual([["F:ok", "expert"]]);
  });

  it("keeps a word sorting sample as it is, with the student's feedback line (_add_last_feedback adds none)", async () => {
    const wsProblem = wordSortingProblem("w1", ["cosh", "every", "coterie"], "seen");
    const wsFormat = compactFormat(wordSorting)!;
    const gold = E.getOrElse((): string => "")(wsFormat.fromOfficial(wsProblem, wordSorting.solve(wsProblem)));
    const line = "F:1:cosh=c3";
    const result = await firstValueFrom(from([{ problem: wsProblem, iteration: 1, continuation: `${gold}\n${line}` }]).pipe(
      edit(silentExpert, { task: wordSorting, format: wsFormat }),
    ));
    expect(E.isRight(result) && result.right.outcome).toBe("original");
    expect(E.isRight(result) && result.right.turns.map((turn) => [turn.written.feedbackLine, turn.by.feedback])).toEqual([[line, "student"]]);
  });

  it("replaces a terminal feedback the student wrote with the official terminal line", async () => {
    const trajectory = await kept(`${CORRECT}\nFeedback: All steps are fine. The final response is also correct.`, silentExpert);
    expect(trajectory.turns.map((turn) => [turn.feedback, turn.by.feedback])).toEqual([[correctFeedback("2"), "expert"]]);
  });
});

describe("edit() rule 3c: the student's compact feedback and the expert's in one spelling", () => {
  // Official `is_identical`: the same error step, and one error part a substring of the other.
  // The compact arithmetic student writes `3--2=1` for the expert's `(3 - -2) = 1`: both are
  // compared in the compact spelling.
  const msaProblem: Problem = { id: "m1", task: "multistep_arithmetic", question: "((-5 + 9) * (3 - -2)) =", answer: "20" };
  const msaWrong = "-5+9=4\n3--2=1\n4*1=4\nA:4";
  const editMsa = (continuation: string) =>
    firstValueFrom(from([{ problem: msaProblem, iteration: 1, continuation }]).pipe(
      edit(scriptedExpert(multistepArithmetic), { task: multistepArithmetic, format: compactFormat(multistepArithmetic)! }),
    ));

  it("agrees with the expert where the compact feedback names the same step and part", async () => {
    const verdict = multistepArithmetic.critique!(msaProblem, E.getOrElse((): string => "")(compactFormat(multistepArithmetic)!.toOfficial(msaProblem, msaWrong)));
    expect(E.isRight(verdict) && [verdict.right.errorStep, verdict.right.errorSegment]).toEqual(["3", "(3 - -2) = 1"]);
    const result = await editMsa(`${msaWrong}\nF:3:3--2=1`);
    expect(E.isLeft(result) && result.left.type).toBe("wrong-no-edit");
  });

  it("edits at the first attempt whose feedback disagrees, after an agreeing one", async () => {
    const result = await editMsa(`${msaWrong}\nF:3:3--2=1\n${msaWrong}`);
    expect(E.isRight(result) && result.right.outcome).toBe("edited");
    expect(E.isRight(result) && result.right.turns.map((turn) => turn.by.feedback)).toEqual(["student", "expert", "expert"]);
  });

  it("edits where the compact feedback names another part", async () => {
    const result = await editMsa(`${msaWrong}\nF:3:3--2=5`);
    expect(E.isRight(result) && result.right.turns[0]?.by.feedback).toBe("expert");
  });
});

describe("edit() rule 3: _edit_single", () => {
  it("rejects an attempt longer than maxAttemptWords as attempt-too-long", async () => {
    const rejection = await rejected(WRONG, silentExpert, { maxAttemptWords: 10 });
    expect(rejection.type).toBe("attempt-too-long");
  });

  it("rejects a sample whose FBK answers [ERROR] as a critique-error", async () => {
    const expert = fakeExpert(fakeTask, { critique: () => expertError() });
    expect((await rejected(WRONG, expert)).type).toBe("critique-error");
  });

  it("runs FBK on every attempt", async () => {
    const second = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 4), finalLine(4)].join("\n");
    const expert = fakeExpert(fakeTask);
    await editOne(`${WRONG}\nFeedback: ${WRONG_FEEDBACK}\n${UPDATE_HEADER}\n${second}`, expert);
    expect(expert.calls.slice(0, 2)).toEqual([
      { kind: "critique", attempt: WRONG },
      { kind: "critique", attempt: second },
    ]);
  });

  it("rejects a sample whose FBK calls an attempt to edit correct as expert-judged-correct", async () => {
    const expert = fakeExpert(fakeTask, {
      critique: () => E.right({ correct: true, errorStep: null, errorSegment: null, feedback: correctFeedback("2", "scripted") }),
    });
    expect((await rejected(WRONG, expert)).type).toBe("expert-judged-correct");
  });

  it("rejects a sample whose FBK calls an intermediate attempt correct, even where the student saw an error", async () => {
    const second = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 4), finalLine(4)].join("\n");
    const expert = fakeExpert(fakeTask, {
      critique: (_problem, attempt) =>
        attempt === WRONG
          ? E.right({ correct: true, errorStep: null, errorSegment: null, feedback: correctFeedback("2", "scripted") })
          : undefined,
    });
    const rejection = await rejected(`${WRONG}\nFeedback: ${WRONG_FEEDBACK}\n${UPDATE_HEADER}\n${second}`, expert);
    expect(rejection.type).toBe("expert-judged-correct");
  });

  it("edits where the student claims correct (the synthetic claim of a last attempt without feedback)", async () => {
    const trajectory = await kept(WRONG);
    expect(trajectory.outcome).toBe("edited");
    expect(trajectory.turns.map((turn) => [turn.attempt, turn.feedback, turn.by])).toEqual([
      [WRONG, WRONG_FEEDBACK, { attempt: "student", feedback: "expert" }],
      [CORRECT, correctFeedback("2", "scripted"), { attempt: "expert", feedback: "expert" }],
    ]);
  });

  it("edits where the student's feedback claims correct on an intermediate attempt", async () => {
    const continuation = `${WRONG}\nFeedback: ${correctFeedback("2")}\n${UPDATE_HEADER}\n${WRONG}`;
    const trajectory = await kept(continuation);
    expect(trajectory.turns.map((turn) => [turn.attempt, turn.by.attempt])).toEqual([
      [WRONG, "student"],
      [CORRECT, "expert"],
    ]);
    expect(trajectory.turns[0]?.feedback).toBe(WRONG_FEEDBACK);
  });

  it("edits where the student's error feedback names another error", async () => {
    const other = 'In step (1) the part " 3 + 5 " is incorrect. This is because I say so.';
    const second = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 4), finalLine(4)].join("\n");
    const trajectory = await kept(`${WRONG}\nFeedback: ${other}\n${UPDATE_HEADER}\n${second}`);
    expect(trajectory.outcome).toBe("edited");
    expect(trajectory.turns.map((turn) => turn.feedback)).toEqual([WRONG_FEEDBACK, correctFeedback("2", "scripted")]);
    expect(trajectory.turns[1]?.by.attempt).toBe("expert");
  });

  it("keeps the student's agreeing turns and edits the first disagreeing one", async () => {
    const second = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 4), finalLine(4)].join("\n");
    const trajectory = await kept(`${WRONG}\nFeedback: ${WRONG_FEEDBACK}\n${UPDATE_HEADER}\n${second}`);
    expect(trajectory.turns.map((turn) => [turn.by.attempt, turn.by.feedback])).toEqual([
      ["student", "student"],
      ["student", "expert"],
      ["expert", "expert"],
    ]);
    expect(trajectory.turns[0]?.written.feedbackLine).toBe(`Feedback: ${WRONG_FEEDBACK}`);
  });

  it("rejects a wrong answer whose feedback agrees with the expert everywhere as wrong-no-edit", async () => {
    const rejection = await rejected(`${WRONG}\nFeedback: ${WRONG_FEEDBACK}`);
    expect(rejection).toMatchObject({ id: "p1", type: "wrong-no-edit" });
  });

  it("keeps a correct answer whose feedback agrees with the expert everywhere (NOEDIT)", async () => {
    const lucky = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 7), finalLine(6)].join("\n");
    const verdict = fakeTask.critique!(problem, lucky);
    const feedback = E.isRight(verdict) ? verdict.right.feedback : "";
    const trajectory = await kept(`${lucky}\nFeedback: ${feedback}`);
    expect(trajectory.outcome).toBe("agreed");
    expect(trajectory.turns).toHaveLength(1);
  });
});

describe("edit() the IMP loop", () => {
  it("rejects an update without a final response as improve-not-legitimate", async () => {
    const expert = fakeExpert(fakeTask, { improve: () => E.right(addLine(1, 3, 5, 8)) });
    expect((await rejected(WRONG, expert)).type).toBe("improve-not-legitimate");
  });

  it("rejects an update with a Q: line as improve-not-legitimate", async () => {
    const expert = fakeExpert(fakeTask, {
      improve: () => E.right(`${addLine(1, 3, 5, 8)}\n(2) Q: what? 8 + -2 = 6.\n${finalLine(6)}`),
    });
    expect((await rejected(WRONG, expert)).type).toBe("improve-not-legitimate");
  });

  it("rejects an update that leaves the error step unchanged as improve-not-legitimate", async () => {
    const expert = fakeExpert(fakeTask, { improve: () => E.right(WRONG.replace("answer is 5", "answer is 6")) });
    const rejection = await rejected(WRONG, expert);
    expect(rejection.type).toBe("improve-not-legitimate");
    expect(rejection.reason).toContain("no progress");
  });

  it("rejects a sample whose IMP answers [ERROR] as improve-not-legitimate", async () => {
    const expert = fakeExpert(fakeTask, { improve: () => expertError("no idea") });
    expect((await rejected(WRONG, expert)).type).toBe("improve-not-legitimate");
  });

  it("rejects a sample whose FBK on an update answers [ERROR] as a critique-error", async () => {
    const expert = fakeExpert(fakeTask, { critique: (_problem, attempt) => attempt === WRONG ? undefined : expertError() });
    expect((await rejected(WRONG, expert)).type).toBe("critique-error");
  });

  it("truncates to the edited attempt and its feedback after an update that repeats the error (bad improvement)", async () => {
    const first = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 4), finalLine(4)].join("\n");
    const expert = fakeExpert(fakeTask, {
      improve: (_problem, attempt) => attempt === WRONG ? E.right(first) : undefined,
      // FBK repeats the first error (same step, same part) on the first update.
      critique: (_problem, attempt) => attempt === first ? E.right(errorVerdict("2", "8 + -2 = 5", "1")) : undefined,
    });
    const trajectory = await kept(WRONG, expert);
    expect(trajectory.outcome).toBe("bad-improvement");
    expect(trajectory.turns.map((turn) => [turn.attempt, turn.feedback])).toEqual([[WRONG, WRONG_FEEDBACK]]);
    expect(expert.calls.filter((call) => call.kind === "improve")).toHaveLength(2);
  });

  it("marks a bad improvement when FBK moves to an earlier error step", async () => {
    const first = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 4), finalLine(4)].join("\n");
    const second = [addLine(1, 3, 5, 9), addLine(2, 9, -2, 7), finalLine(7)].join("\n");
    // FBK on the first update blames step (1), before the first error step (2).
    const looping = fakeExpert(fakeTask, {
      improve: (_problem, attempt) => attempt === WRONG ? E.right(first) : attempt === first ? E.right(second) : undefined,
      critique: (_problem, attempt) => attempt === first ? E.right(errorVerdict("1", "3 + 5 = 8")) : undefined,
    });
    const trajectory = await kept(WRONG, looping);
    expect(trajectory.outcome).toBe("bad-improvement");
    expect(trajectory.turns).toHaveLength(1);
  });

  it("keeps the student's earlier turns in a bad improvement (official merge)", async () => {
    const second = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 3), finalLine(3)].join("\n");
    const fixed = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 4), finalLine(4)].join("\n");
    const expert = fakeExpert(fakeTask, {
      improve: (_problem, attempt) => attempt === second ? E.right(fixed) : undefined,
      critique: (_problem, attempt) => attempt === fixed ? E.right(errorVerdict("2", "8 + -2 = 3", "1")) : undefined,
    });
    const trajectory = await kept(`${WRONG}\nFeedback: ${WRONG_FEEDBACK}\n${UPDATE_HEADER}\n${second}`, expert);
    expect(trajectory.outcome).toBe("bad-improvement");
    expect(trajectory.turns.map((turn) => turn.attempt)).toEqual([WRONG, second]);
  });

  it("rejects a trajectory that is not correct after maxUpdates updates as improve-limit", async () => {
    let value = 10;
    const expert = fakeExpert(fakeTask, {
      improve: () => E.right([addLine(1, 3, 5, 8), addLine(2, 8, -2, ++value), finalLine(value)].join("\n")),
    });
    const rejection = await rejected(WRONG, expert);
    expect(rejection.type).toBe("improve-limit");
    expect(expert.calls.filter((call) => call.kind === "improve")).toHaveLength(5);
    const fewer = fakeExpert(fakeTask, {
      improve: () => E.right([addLine(1, 3, 5, 8), addLine(2, 8, -2, ++value), finalLine(value)].join("\n")),
    });
    expect((await rejected(WRONG, fewer, { maxUpdates: 2 })).type).toBe("improve-limit");
    expect(fewer.calls.filter((call) => call.kind === "improve")).toHaveLength(2);
  });

  it("rejects an update judged correct without valid content as invalid-content", async () => {
    const task = { ...fakeTask, hasValidContent: (attempt: string) => attempt !== CORRECT };
    const expert = fakeExpert(task);
    const result = await firstValueFrom(from([rollout(WRONG)]).pipe(edit(expert, { task })));
    expect(E.isLeft(result) && result.left.type).toBe("invalid-content");
  });

  it("needs several updates when one is not enough", async () => {
    const partly = [addLine(1, 3, 5, 8), addLine(2, 8, -2, 6), finalLine(7)].join("\n");
    const expert = fakeExpert(fakeTask, { improve: (_problem, attempt) => attempt === WRONG ? E.right(partly) : undefined });
    const trajectory = await kept(WRONG, expert);
    expect(trajectory.outcome).toBe("edited");
    expect(trajectory.turns.map((turn) => turn.attempt)).toEqual([WRONG, partly, CORRECT]);
    expect(trajectory.turns[1]?.feedback).toContain("In step (Final response)");
  });
});

describe("edit() endpoint failures", () => {
  it("turns an expert's error into an endpoint-failed rejection", async () => {
    const expert = fakeExpert(fakeTask, { critique: () => throwError(() => new Error("503 Service Unavailable")) });
    const rejection = await rejected(WRONG, expert);
    expect(rejection).toEqual({ id: "p1", type: "endpoint-failed", reason: "Error: 503 Service Unavailable", iteration: 0 });
  });

  it("sends a fatal expert error to the error channel", async () => {
    const expert = fakeExpert(fakeTask, { improve: () => throwError(() => new Error("401 Unauthorized")) });
    const result$ = from([rollout(WRONG)]).pipe(edit(expert, { task: fakeTask, isFatal: () => true }));
    await expect(lastValueFrom(result$)).rejects.toThrow("401 Unauthorized");
  });
});

describe("edit() formats", () => {
  it("keeps the student's compact lines and writes the expert's in the compact format", async () => {
    const compact = compactFormat(fakeTask)!;
    const trajectory = await kept("3+5=8\n8+-2=5\nA:5", scriptedExpert(fakeTask), { format: compact });
    expect(trajectory.format).toBe("compact");
    expect(trajectory.turns.map((turn) => turn.written)).toEqual([
      { attempt: "3+5=8\n8+-2=5\nA:5", feedbackLine: "F: 2 8+-2=5" },
      { attempt: "3+5=8\n8+-2=6\nA:6", feedbackLine: "F: ok" },
    ]);
    expect(trajectory.turns.map((turn) => turn.attempt)).toEqual([WRONG, CORRECT]);
  });

  it("compares a compact student feedback with the expert's by what it claims", async () => {
    const compact = compactFormat(fakeTask)!;
    const rejection = await rejected("3+5=8\n8+-2=5\nA:5\nF: 2 8+-2=5", scriptedExpert(fakeTask), { format: compact });
    expect(rejection.type).toBe("wrong-no-edit");
  });

  it("validates its options at construction", () => {
    expect(() => edit(silentExpert, { task: fakeTask, concurrency: 0 })).toThrow(
      "Cannot create edit stage as 'concurrency' must be a positive integer: current value is 0",
    );
    expect(() => edit(silentExpert, { task: fakeTask, maxUpdates: 1.5 })).toThrow(RangeError);
  });
});

describe("toTrajectory()", () => {
  it("renders the official text and decodes as a Trajectory record", async () => {
    const trajectory = await kept(WRONG);
    const record = toTrajectory(fakeTask, trajectory);
    expect(Trajectory.is(record)).toBe(true);
    expect(E.isRight(Trajectory.decode(record))).toBe(true);
    expect(record.text).toBe(
      officialFormat(fakeTask).render(problem, [
        { attempt: WRONG, feedbackLine: `Feedback: ${WRONG_FEEDBACK}` },
        { attempt: CORRECT, feedbackLine: `Feedback: ${correctFeedback("2", "scripted")}` },
      ]),
    );
    expect(record.text.startsWith("Q: 3 + 5 + -2 =\nAnswer: Let's think step by step.\n(1)")).toBe(true);
    expect(record.text).toContain(`\n${UPDATE_HEADER}\n`);
  });

  it("emits one result per rollout for a mixed batch", async () => {
    const results = await lastValueFrom(
      from([rollout(CORRECT), rollout(WRONG), rollout("garbage"), rollout(`${WRONG}\nFeedback: ${WRONG_FEEDBACK}`)]).pipe(
        edit(scriptedExpert(fakeTask), { task: fakeTask, concurrency: 2 }),
        toArray(),
      ),
    );
    expect(results.map((result) => E.isRight(result) ? result.right.outcome : result.left.type).sort()).toEqual(
      ["edited", "format-error", "original", "wrong-no-edit"],
    );
  });
});

describe("edit() concurrency", () => {
  it("keeps at most `concurrency` expert calls in flight", () => {
    createTestScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const verdict = cold("---(r|)", { r: WRONG_VERDICT });
      const expert: Expert = { critique: () => verdict, improve: () => verdict as never };
      const continuation = `${WRONG}\nFeedback: ${WRONG_FEEDBACK}`;
      const rollouts = {
        a: { problem: { ...problem, id: "a" }, iteration: 1, continuation },
        b: { problem: { ...problem, id: "b" }, iteration: 1, continuation },
        c: { problem: { ...problem, id: "c" }, iteration: 1, continuation },
      };
      const noEdit = (id: string) =>
        E.left({
          id,
          type: "wrong-no-edit",
          reason: "the student's feedback agrees with the expert's on every attempt but the answer is wrong",
          iteration: 1,
        });
      const source = hot("  -abc|", rollouts);
      expectObservable(source.pipe(edit(expert, { task: fakeTask, concurrency: 2 }))).toBe(
        "                   ----xy-(z|)",
        { x: noEdit("a"), y: noEdit("b"), z: noEdit("c") },
      );
      expectSubscriptions(verdict.subscriptions).toBe([
        "                   -^--!",
        "                   --^--!",
        "                   ----^--!",
      ]);
    });
  });

  test.prop(
    [
      fc.array(fc.tuple(rolloutShape, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 9 })), { maxLength: 24 }),
      fc.integer({ min: 1, max: 16 }),
      fc.boolean(),
    ],
    { numRuns: 150 },
  )("edit() emits exactly one result per rollout at any concurrency and expert delays", (items, concurrency, compact) => {
    const format = compact ? compactFormat(fakeTask)! : officialFormat(fakeTask);
    const rollouts = items.map(([shape], index) => rolloutOf(`r${index}`, shape, format));
    const delays = new Map(items.map(([, wait], index) => [`r${index}`, wait]));
    // One item in ten has a failing endpoint.
    const failing = new Set(items.flatMap(([, , roll], index) => roll === 0 ? [`r${index}`] : []));
    const scripted = scriptedExpert(fakeTask);
    const slow = <A>(id: string, reply: Observable<A>): Observable<A> =>
      failing.has(id) ? timer(delays.get(id) ?? 0).pipe(mergeMap(() => throwError(() => new Error("503")))) : reply.pipe(delay(delays.get(id) ?? 0));
    const expert: Expert = {
      critique: (problem, attempt) => slow(problem.id, scripted.critique(problem, attempt)),
      improve: (problem, attempt, verdict) => slow(problem.id, scripted.improve(problem, attempt, verdict)),
    };
    const results: E.Either<Rejection, EditedTrajectory>[] = [];
    createTestScheduler().run(() => {
      from(rollouts).pipe(edit(expert, { task: fakeTask, format, concurrency })).subscribe((result) => results.push(result));
    });
    const ids = results.map((result) => E.isRight(result) ? result.right.id : result.left.id).sort();
    expect(ids).toEqual(rollouts.map((rollout) => rollout.problem.id).sort());
    for (const result of results) {
      const id = E.isRight(result) ? result.right.id : result.left.id;
      if (failing.has(id) && E.isLeft(result)) expect(["endpoint-failed", "format-error"]).toContain(result.left.type);
      if (E.isRight(result)) expect(isCorrectFeedback(result.right.turns.at(-1)!.feedback) || result.right.outcome === "bad-improvement" || result.right.outcome === "agreed").toBe(true);
    }
  });
});
