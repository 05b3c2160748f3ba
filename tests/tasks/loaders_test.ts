import * as E from "fp-ts/lib/Either.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TaskName } from "../../src/codecs/problem.js";
import { arithmeticShape, bucketOf } from "../../src/tasks/buckets.js";
import {
  isBigBenchHardFile,
  isOfficialRow,
  problemFromOfficialRow,
  problemFromRecord,
  problemsFromBigBenchHard,
} from "../../src/tasks/loaders.js";

const fixture = (name: string) => new URL(`../../fixtures/data/${name}`, import.meta.url);
const rows = (name: string) =>
  readFileSync(fixture(name), "utf8").trim().split("\n").map((line) => JSON.parse(line) as unknown);

describe("problemFromOfficialRow()", () => {
  const tasks: TaskName[] = ["multistep_arithmetic", "word_sorting", "date_understanding", "logical_deduction"];
  for (const task of tasks) {
    it(`reads the official ${task} rows with question, answer and bucket`, () => {
      for (const [index, row] of rows(`${task}_official_rationale.jsonl`).entries()) {
        expect(isOfficialRow(row)).toBe(true);
        const problem = problemFromOfficialRow(task, row, `row-${index}`);
        expect(E.isRight(problem)).toBe(true);
        if (E.isLeft(problem)) continue;
        const text = (row as { text: string }).text;
        expect(text.startsWith(`Q: ${problem.right.question}\nAnswer:`)).toBe(true);
        expect(problem.right.answer).not.toBe("");
        expect(problem.right.split).toBe("seen");
        expect(typeof problem.right.meta?.["rationale"]).toBe("string");
      }
    });
  }

  it("reads answer-only rows' answers from the text", () => {
    const [row] = rows("multistep_arithmetic_official_ao.jsonl");
    const problem = problemFromOfficialRow("multistep_arithmetic", row, "ao-1");
    expect(problem).toEqual(E.right(expect.objectContaining({ answer: "199", split: "seen" })));
  });

  it("joins word-sorting answers given as lists", () => {
    const [row] = rows("word_sorting_official_rationale.jsonl");
    const problem = problemFromOfficialRow("word_sorting", row, "ws-1");
    expect(E.isRight(problem) && problem.right.answer).toBe("embedded irwin osteology sharpshoot");
  });

  it("names the field of a malformed row", () => {
    expect(problemFromOfficialRow("word_sorting", { text: 3 }, "x")).toEqual(
      E.left(expect.objectContaining({ field: "text" })),
    );
    expect(problemFromOfficialRow("word_sorting", { text: "no question" }, "x")).toEqual(
      E.left(expect.objectContaining({ field: "text" })),
    );
  });
});

describe("problemsFromBigBenchHard()", () => {
  it("reads word sorting with List: on its own line and the sorted target", () => {
    const document = JSON.parse(readFileSync(fixture("bbh_word_sorting.json"), "utf8")) as unknown;
    expect(isBigBenchHardFile(document)).toBe(true);
    const problems = problemsFromBigBenchHard("word_sorting", document, "bbh");
    expect(E.isRight(problems)).toBe(true);
    if (E.isLeft(problems)) return;
    expect(problems.right[0]).toEqual({
      id: "bbh-0",
      task: "word_sorting",
      question: "Sort the following words alphabetically:\nList: syndrome therefrom",
      answer: "syndrome therefrom",
      split: "seen",
      meta: { bucket: "2-3" },
    });
    expect(problems.right[1]?.split).toBe("unseen");
  });

  it("reads multiple-choice targets as the bare letter and logical deduction buckets by object count", () => {
    const three = JSON.parse(readFileSync(fixture("bbh_logical_deduction_three_objects.json"), "utf8")) as unknown;
    const seven = JSON.parse(readFileSync(fixture("bbh_logical_deduction_seven_objects.json"), "utf8")) as unknown;
    const threeProblems = problemsFromBigBenchHard("logical_deduction", three, "ld3");
    const sevenProblems = problemsFromBigBenchHard("logical_deduction", seven, "ld7");
    expect(E.isRight(threeProblems) && threeProblems.right[0]?.answer).toMatch(/^[A-G]$/);
    expect(E.isRight(threeProblems) && threeProblems.right[0]?.split).toBe("seen");
    expect(E.isRight(sevenProblems) && sevenProblems.right[0]?.meta).toEqual({ bucket: "7" });
    expect(E.isRight(sevenProblems) && sevenProblems.right[0]?.split).toBe("unseen");
  });

  it("reads arithmetic buckets from the question's shape", () => {
    const document = JSON.parse(readFileSync(fixture("bbh_multistep_arithmetic_two.json"), "utf8")) as unknown;
    const problems = problemsFromBigBenchHard("multistep_arithmetic", document, "msa");
    expect(E.isRight(problems) && problems.right[0]).toEqual(expect.objectContaining({ answer: "24", split: "seen" }));
  });

  it("rejects a file without examples, naming the field", () => {
    expect(problemsFromBigBenchHard("word_sorting", { examples: [{ input: 1 }] }, "x")).toEqual(
      E.left(expect.objectContaining({ field: "examples.0.input" })),
    );
  });
});

describe("problemFromRecord()", () => {
  it("fills in split and bucket by the paper's rules", () => {
    const problem = problemFromRecord("multistep_arithmetic", {
      id: "p",
      task: "multistep_arithmetic",
      question: "((1 + 2 + 3 + 4 + 5) - (1 - 2 - 3 - 4 - 5)) =",
      answer: "30",
    });
    expect(problem).toEqual(E.right(expect.objectContaining({ split: "unseen", meta: { bucket: "l5-6d2" } })));
  });

  it("rejects a record of another task", () => {
    expect(problemFromRecord("word_sorting", { id: "p", task: "multistep_arithmetic", question: "q", answer: "a" }))
      .toEqual(E.left(expect.objectContaining({ field: "task" })));
  });
});

describe("bucketOf()", () => {
  it("tells the arithmetic shape of each official level", () => {
    expect(arithmeticShape("((-5 + 9) * (3 - -2)) =")).toEqual({ length: 2, depth: 1 });
    expect(arithmeticShape("(((1 - 8 + 6 - -6) - (-6 - 1 + -2 + 6)) - ((-1 * -8 + 3 - -6) - (1 - -7 + -3 * 2))) ="))
      .toEqual({ length: 4, depth: 2 });
  });

  it("puts 16 words in 15+ and 8 in 8-10", () => {
    const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`).join(" ");
    expect(bucketOf("word_sorting", `Sort:\nList: ${words(16)}`)).toEqual({ bucket: "15+", split: "unseen" });
    expect(bucketOf("word_sorting", `Sort:\nList: ${words(8)}`)).toEqual({ bucket: "8-10", split: "unseen" });
    expect(bucketOf("word_sorting", `Sort:\nList: ${words(7)}`)).toEqual({ bucket: "4-7", split: "seen" });
  });

  it("counts date-understanding steps on the gold rationale", () => {
    expect(bucketOf("date_understanding", "q", "(1) a\n(2) b\n(Final response) c")).toEqual({ bucket: "1-2", split: "seen" });
    expect(bucketOf("date_understanding", "q", "(1) a\n(2) b\n(3) c\n(Final response) d")).toEqual({ bucket: "3+", split: "unseen" });
    expect(bucketOf("date_understanding", "q")).toBeUndefined();
  });
});
