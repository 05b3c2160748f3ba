import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { solveWords, sortWords } from "../../../src/tasks/word_sorting/mod.js";

interface OfficialRow {
  readonly source: string;
  readonly line: number;
  readonly question: string;
  readonly answer: string[];
  readonly rationale: string;
}

const rows: OfficialRow[] = readFileSync(new URL("../../../fixtures/word_sorting/official_rationales.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as OfficialRow);

describe("solveWords()", () => {
  it("has at least 50 official rows to match, with nested ties among them", () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(rows.some((row) => /\(\d+\.\d+\.\d+\)/.test(row.rationale))).toBe(true);
    expect(rows.some((row) => /\(\d+\.2\) Now sort/.test(row.rationale))).toBe(true);
  });

  it("reproduces every committed official rationale byte for byte", () => {
    const mismatches = rows.filter((row) => {
      const words = (row.question.split("List: ")[1] as string).split(" ");
      return solveWords(words) !== row.rationale;
    });
    expect(mismatches.map((row) => `${row.source}:${row.line}`)).toEqual([]);
  });

  it("gives the official answer order", () => {
    for (const row of rows) {
      const words = (row.question.split("List: ")[1] as string).split(" ");
      expect(sortWords(words)).toEqual(row.answer);
    }
  });

  it("writes a word that ran out of letters as \"\" (0), before the longer word", () => {
    const rationale = solveWords(["barn", "bar", "cat"]);
    expect(rationale).toContain('(3.4) Now sort this subpart ["barn" ? "bar"] by looking at their fourth letters: "barn"="n" (14), "bar"="" (0).');
    expect(rationale).toContain('(3.5) We now have: (0) "bar" < (14) "barn".');
    expect(rationale.split("\n").at(-1)).toBe("(Final response) So the answer is: bar barn cat.");
  });

  it("numbers two tie groups of one nested level in turn, keeping the official Hence id", () => {
    const rationale = solveWords(["cab", "cad", "cob", "cod"]);
    const ids = rationale.split("\n").map((line) => /^\(([^)]*)\)/.exec(line)?.[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rationale).toContain('(3.2) Now sort this subpart ["cab" ? "cad"]');
    expect(rationale).toContain('(3.3) Now sort this subpart ["cob" ? "cod"]');
    expect(rationale).toContain('(3.4) Hence, we have "cab" < "cad" < "cob" < "cod".');
  });

  it("ends for a list with a repeated word", () => {
    expect(solveWords(["ab", "ab"]).split("\n").at(-1)).toBe("(Final response) So the answer is: ab ab.");
  });
});
