import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../../src/codecs/problem.js";
import {
  deductionTokens,
  hasValidDeductionContent,
  LOGICAL_DEDUCTION_INFO,
  logicalDeduction,
} from "../../../src/tasks/logical_deduction/mod.js";
import { problemFromOfficialRow, problemsFromBigBenchHard } from "../../../src/tasks/loaders.js";
import { parseOptions } from "../../../src/tasks/multiple_choice/options.js";
import { getTask } from "../../../src/tasks/registry.js";
import { hasGenerator } from "../../../src/tasks/task.js";
import { officialFormat } from "../../../src/tasks/trajectory_format.js";

const fixture = (name: string) => new URL(`../../../fixtures/data/${name}`, import.meta.url);
const official: Problem[] = readFileSync(fixture("logical_deduction_official_rationale.jsonl"), "utf8").trim().split("\n")
  .map((line, index) => {
    const problem = problemFromOfficialRow("logical_deduction", JSON.parse(line) as unknown, `ld-${index}`);
    if (E.isLeft(problem)) throw new Error(problem.left.message);
    return problem.right;
  });

function bbh(objects: "three" | "five" | "seven"): Problem[] {
  const document = JSON.parse(readFileSync(fixture(`bbh_logical_deduction_${objects}_objects.json`), "utf8")) as unknown;
  const problems = problemsFromBigBenchHard("logical_deduction", document, `ld-${objects}`);
  if (E.isLeft(problems)) throw new Error(problems.left.message);
  return problems.right;
}

describe("logical deduction loaders", () => {
  it("read the three, five and seven object files into buckets 3, 5 (seen) and 7 (unseen)", () => {
    for (const [objects, bucket, split] of [["three", "3", "seen"], ["five", "5", "seen"], ["seven", "7", "unseen"]] as const) {
      const problems = bbh(objects);
      expect(problems).toHaveLength(4);
      for (const problem of problems) {
        expect(problem.meta).toEqual({ bucket });
        expect(problem.split).toBe(split);
        expect(problem.answer).toMatch(/^[A-G]$/);
      }
    }
  });

  it("write BIG-Bench-Hard options as the official rows do: one per line, ending with a period", () => {
    const [problem] = bbh("five");
    expect(problem?.question.split("\nOptions:\n")[1]).toBe(
      "(A) The quail is the rightmost.\n(B) The owl is the rightmost.\n(C) The raven is the rightmost.\n(D) The falcon is the rightmost.\n(E) The robin is the rightmost.",
    );
    for (const problem of [...bbh("three"), ...bbh("five"), ...bbh("seven"), ...official]) {
      const options = parseOptions(problem.question);
      expect(E.isRight(options) && options.right.options.every((option) => option.text.endsWith("."))).toBe(true);
    }
  });
});

describe("multiple-choice loaders under fuzzing", () => {
  const row = fc.record({
    text: fc.oneof(fc.string({ maxLength: 120 }), fc.string({ maxLength: 80 }).map((text) => `Q: ${text}\nOptions:\n(A) x\nAnswer: ${text}`)),
    meta_data: fc.option(fc.record({ answer: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), rationale: fc.string({ maxLength: 80 }) }), { nil: undefined }),
  });
  test.prop([fc.oneof(row, fc.anything()), fc.constantFrom("date_understanding", "logical_deduction" as const)])(
    "problemFromOfficialRow() and problemsFromBigBenchHard() return an Either, never throw",
    (record, task) => {
      const official = problemFromOfficialRow(task, record, "fuzz");
      expect(E.isLeft(official) || E.isRight(official)).toBe(true);
      const bbhFile = problemsFromBigBenchHard(task, { examples: [{ input: JSON.stringify(record) ?? "", target: "(A)" }] }, "fuzz");
      expect(E.isRight(bbhFile)).toBe(true);
      expect(E.isLeft(problemsFromBigBenchHard(task, record, "fuzz")) || E.isRight(problemsFromBigBenchHard(task, record, "fuzz"))).toBe(true);
    },
  );
});

describe("deductionTokens()", () => {
  it("drops articles and forms of to be, and makes plurals singular", () => {
    expect(deductionTokens('The peaches are the second-most expensive.')).toEqual(["peach", "second-most", "expensive"]);
    expect(deductionTokens("The plums are the cheapest")).toEqual(deductionTokens("the plum is the cheapest"));
    expect(deductionTokens('"(left) ?? white mug ?? (right)"')).toEqual(["left", "white", "mug", "right"]);
  });
});

describe("hasValidDeductionContent()", () => {
  it("accepts every official gold rationale of the excerpt for its gold option, and not another option", () => {
    for (const problem of official) {
      const rationale = problem.meta?.["rationale"] as string;
      expect(hasValidDeductionContent(rationale, problem.answer, problem)).toBe(true);
      expect(hasValidDeductionContent(rationale, problem.answer === "B" ? "C" : "B", problem)).toBe(false);
    }
  });

  it("reads the last two lines only and tolerates a singular restatement", () => {
    const problem = official[0] as Problem; // (A) The pears are the second-most expensive.
    expect(hasValidDeductionContent("(1) x.\n(2) The pear is the second-most expensive.\n(Final response) So the answer is (A).", "A", problem)).toBe(true);
    expect(hasValidDeductionContent("(1) The pears are the second-most expensive.\n(2) x.\n(Final response) So the answer is (A).", "A", problem)).toBe(false);
    expect(hasValidDeductionContent("(Final response) The pears are the second-most expensive. So the answer is (A).", "A", problem)).toBe(false);
    expect(hasValidDeductionContent("(1) x.\n(Final response) So the answer is (G).", "G", problem)).toBe(false);
  });

  test.prop([fc.string({ maxLength: 300 }), fc.string({ maxLength: 3 })])("never throws", (attempt, answer) => {
    expect(typeof hasValidDeductionContent(attempt, answer, official[0])).toBe("boolean");
  });
});

describe("logicalDeduction", () => {
  it("is registered with the official info text and no generator", () => {
    expect(getTask("logical_deduction")).toBe(logicalDeduction);
    expect(logicalDeduction.info).toBe(LOGICAL_DEDUCTION_INFO);
    expect(hasGenerator(logicalDeduction)).toBe(false);
    expect(() => logicalDeduction.generate({ count: 3 })).toThrow(RangeError);
  });

  it("gives the official rows' rationales, which pass its own answer and content checks", () => {
    for (const problem of official) {
      const rationale = logicalDeduction.solve(problem);
      expect(logicalDeduction.isCorrectAnswer(logicalDeduction.extractAnswer(rationale) ?? "", problem.answer)).toBe(true);
      expect(logicalDeduction.hasValidContent(rationale, problem.answer, problem)).toBe(true);
    }
  });

  it("rollouts are cleaned by the official rules: \"word\"? normalised, options skipped, unknown lines rejected", () => {
    const format = officialFormat(logicalDeduction);
    const problem = official[0] as Problem;
    expect(format.prompt(problem)).toBe(`Q: ${problem.question}\nAnswer: Let's think step by step.${LOGICAL_DEDUCTION_INFO}\n`);
    const rollout = [
      '(1) The pears are less expensive than the plums: "(most expensive) ?? plums ?? pears"?? (least expensive)".',
      "(1) a repeated step id is dropped",
      "(Final response) The pears are the second-most expensive. So the answer is (A).",
      "Options:",
      "(A) The pears are the second-most expensive.",
      "Q: another question",
      "(2) never read",
    ].join("\n");
    expect(format.parseRollout(problem, rollout)).toEqual(E.right([{
      attempt: [
        '(1) The pears are less expensive than the plums: "(most expensive) ?? plums ?? pears" ?? (least expensive)".',
        "(Final response) The pears are the second-most expensive. So the answer is (A).",
      ].join("\n"),
    }]));
    expect(format.parseRollout(problem, "(1) fine.\nThis line has no header.")).toEqual(
      E.left(expect.objectContaining({ type: "format-error", line: 2 })),
    );
  });
});
