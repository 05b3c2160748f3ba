import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../../src/codecs/problem.js";
import { dateUnderstanding, findDates, hasValidDateContent } from "../../../src/tasks/date_understanding/mod.js";
import { problemFromOfficialRow, problemsFromBigBenchHard } from "../../../src/tasks/loaders.js";
import { getTask } from "../../../src/tasks/registry.js";
import { goldRationale, hasGenerator } from "../../../src/tasks/task.js";

const fixture = (name: string) => new URL(`../../../fixtures/data/${name}`, import.meta.url);
const officialRows = readFileSync(fixture("date_understanding_official_rationale.jsonl"), "utf8").trim().split("\n")
  .map((line) => JSON.parse(line) as unknown);
const official: Problem[] = officialRows.map((row, index) => {
  const problem = problemFromOfficialRow("date_understanding", row, `du-${index}`);
  if (E.isLeft(problem)) throw new Error(problem.left.message);
  return problem.right;
});

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const dateArbitrary = fc.date({ min: new Date("1800-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((date) => ({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }));

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

describe("findDates()", () => {
  it("reads numeric, month-first and day-first dates in order", () => {
    expect(findDates("If it was Sept. 1st, 2021 a week ago, then today is 9/8/2021, or the 8th of September 2021.")).toEqual([
      { year: 2021, month: 9, day: 1 },
      { year: 2021, month: 9, day: 8 },
      { year: 2021, month: 9, day: 8 },
    ]);
    expect(findDates("(2) The date yesterday is Dec 23, 1937, that is 12/23/1937.")).toEqual([
      { year: 1937, month: 12, day: 23 },
      { year: 1937, month: 12, day: 23 },
    ]);
  });

  it("skips impossible dates and numbers that are not dates", () => {
    expect(findDates("Three days after 02/27/2003 is 02/30/2003.")).toEqual([{ year: 2003, month: 2, day: 27 }]);
    expect(findDates("February 29, 2001 and 2/29/2000 and 13/01/2000 and 1/2/34567")).toEqual([{ year: 2000, month: 2, day: 29 }]);
    expect(findDates("There are 24 hours in 1 day.")).toEqual([]);
  });

  test.prop([dateArbitrary])("finds a date written in each of the forms rationales use", (date) => {
    const name = MONTH_NAMES[date.month - 1] as string;
    expect(findDates(`is ${pad(date.month)}/${pad(date.day)}/${date.year}.`)).toEqual([date]);
    expect(findDates(`is ${date.month}/${date.day}/${date.year}.`)).toEqual([date]);
    expect(findDates(`is ${name} ${date.day}, ${date.year}.`)).toEqual([date]);
    expect(findDates(`is ${name.slice(0, 3)}. ${date.day}th, ${date.year}.`)).toEqual([date]);
    expect(findDates(`the ${date.day}th of ${name} ${date.year}`)).toEqual([date]);
  });

  test.prop([fc.string({ maxLength: 200 })])("never throws", (text) => {
    expect(Array.isArray(findDates(text))).toBe(true);
  });
});

describe("hasValidDateContent()", () => {
  it("accepts every official gold rationale of the excerpt for its gold option and no other option", () => {
    for (const problem of official) {
      const rationale = problem.meta?.["rationale"] as string;
      expect(hasValidDateContent(rationale, problem.answer, problem)).toBe(true);
      for (const letter of ["A", "B", "C", "D", "E", "F"].filter((letter) => letter !== problem.answer)) {
        expect(hasValidDateContent(rationale, letter, problem)).toBe(false);
      }
    }
  });

  it("reads the second-to-last line only, and the chosen option's date in any form", () => {
    const [problem] = official as [Problem];
    // Gold: (E) 06/17/2019.
    expect(hasValidDateContent("(1) Today is 6/18/2019.\n(2) So yesterday was June 17th, 2019.\n(Final response) So the answer is (E).", "E", problem))
      .toBe(true);
    expect(hasValidDateContent("(1) Yesterday was 6/17/2019.\n(2) So it is done.\n(Final response) So the answer is (E).", "E", problem))
      .toBe(false);
    expect(hasValidDateContent("(Final response) So the answer is (E).", "E", problem)).toBe(false);
    expect(hasValidDateContent("(1) It is 6/17/2019.\n(Final response) So the answer is (Z).", "Z", problem)).toBe(false);
  });

  it("without the problem checks only that the line mentions a date", () => {
    expect(hasValidDateContent("(1) It is 6/17/2019.\n(Final response) So the answer is (E).", "E")).toBe(true);
    expect(hasValidDateContent("(1) It is today.\n(Final response) So the answer is (E).", "E")).toBe(false);
  });

  test.prop([fc.string({ maxLength: 300 }), fc.string({ maxLength: 3 })])("never throws", (attempt, answer) => {
    expect(typeof hasValidDateContent(attempt, answer, official[0])).toBe("boolean");
  });
});

describe("dateUnderstanding", () => {
  it("is registered, has no generator and says which input to give", () => {
    expect(getTask("date_understanding")).toBe(dateUnderstanding);
    expect(hasGenerator(dateUnderstanding)).toBe(false);
    expect(() => dateUnderstanding.generate({ count: 1 })).toThrow(/has no generator: give its problems as a file/);
    expect(dateUnderstanding.info).toBe("");
  });

  it("gives the official rows' gold rationales, which give the gold answer with valid content", () => {
    for (const problem of official) {
      const rationale = dateUnderstanding.solve(problem);
      expect(rationale).toBe(problem.meta?.["rationale"]);
      const answer = dateUnderstanding.extractAnswer(rationale);
      expect(answer !== undefined && dateUnderstanding.isCorrectAnswer(answer, problem.answer)).toBe(true);
      expect(dateUnderstanding.hasValidContent(rationale, problem.answer, problem)).toBe(true);
    }
  });

  it("has no gold rationale for a BIG-Bench-Hard problem: a Left, not a crash", () => {
    const document = JSON.parse(readFileSync(fixture("bbh_date_understanding.json"), "utf8")) as unknown;
    const problems = problemsFromBigBenchHard("date_understanding", document, "bbh-du");
    expect(E.isRight(problems)).toBe(true);
    if (E.isLeft(problems)) return;
    expect(problems.right[0]).toEqual({
      id: "bbh-du-0",
      task: "date_understanding",
      question: "Today is Christmas Eve of 1937. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 12/11/1937\n(B) 12/25/1937\n(C) 01/04/1938\n(D) 12/04/1937\n(E) 12/25/2006\n(F) 07/25/1937",
      answer: "B",
    });
    expect(goldRationale(dateUnderstanding, problems.right[0] as Problem)).toEqual(
      E.left(expect.objectContaining({ message: expect.stringMatching(/no solver and the problem no 'meta.rationale'/) })),
    );
  });

  it("puts official rows in the seen bucket 1-2 and a 3-step rationale in unseen 3+", () => {
    expect(official.map((problem) => [problem.split, problem.meta?.["bucket"]])).toEqual(official.map(() => ["seen", "1-2"]));
    const row = {
      text: "Q: Today is 01/01/2000. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 01/02/2000\n(B) 01/03/2000\nAnswer: Let's think step by step.\n(1) a.\n(2) b.\n(3) Tomorrow is 01/02/2000.\n(Final response) So the answer is (A).",
      meta_data: { rationale: "(1) a.\n(2) b.\n(3) Tomorrow is 01/02/2000.\n(Final response) So the answer is (A).", answer: "A" },
    };
    expect(problemFromOfficialRow("date_understanding", row, "x")).toEqual(
      E.right(expect.objectContaining({ split: "unseen", meta: expect.objectContaining({ bucket: "3+" }) })),
    );
  });
});
