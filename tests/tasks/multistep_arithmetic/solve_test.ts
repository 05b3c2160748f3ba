import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { partition, reductionChain, solveQuestion } from "../../../src/tasks/multistep_arithmetic/mod.js";
import { officialRows, SECTION_2_1 } from "./_fixtures.js";

describe("solveQuestion()", () => {
  const rows = officialRows();

  it("reproduces every committed official rationale byte for byte", () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    const kinds = new Set(rows.map((row) => `${row.meta_data.meta_data.length}-${row.meta_data.meta_data.depth_levels.join("")}`));
    expect(kinds).toEqual(new Set(["3-2", "4-2", "3-22", "4-22"]));
    for (const row of rows) {
      expect(solveQuestion(row.meta_data.question)).toEqual(E.right(row.meta_data.rationale));
    }
  });

  it("writes the corrected attempt of tripost.md §2.1", () => {
    expect(solveQuestion(SECTION_2_1.question)).toEqual(E.right(SECTION_2_1.update));
  });

  it("writes a group of two operands with its repeated parenthesised form", () => {
    expect(solveQuestion("((-5 + 9) * (3 - -2)) =")).toEqual(E.right([
      '(1) This equation can be written as "(A * B)", where A = (-5 + 9) and B = (3 - -2).',
      "(2) Let's calculate A = (-5 + 9) = (-5 + 9) = 4.",
      "(3) Let's calculate B = (3 - -2) = (3 - -2) = 5.",
      "(4) Then, the final equation is (A * B) = (4 * 5) = 20.",
      "(Final response) So the answer is 20.",
    ].join("\n")));
  });

  it("names eight groups A–H with ten numbered steps at depth [2,2,2]", () => {
    const question = "((((1 + 2 - 3 * 4 + 5) - (6 * 7)) * ((8 - 9) + (1 * 2))) - (((3 - 4) * (5 + 6)) + ((7 - 8) - (9 * 1)))) =";
    const rationale = solveQuestion(question);
    expect(E.isRight(rationale)).toBe(true);
    const lines = E.isRight(rationale) ? rationale.right.split("\n") : [];
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(
      '(1) This equation can be written as "(((A - B) * (C + D)) - ((E * F) + (G - H)))", where A = (1 + 2 - 3 * 4 + 5), B = (6 * 7), C = (8 - 9), D = (1 * 2), E = (3 - 4), F = (5 + 6), G = (7 - 8) and H = (9 * 1).',
    );
    expect(lines[1]).toBe("(2) Let's calculate A = (1 + 2 - 3 * 4 + 5) = (((1 + 2) - (3 * 4)) + 5) = ((3 - (3 * 4)) + 5) = ((3 - 12) + 5) = (-9 + 5) = -4.");
    expect(lines[9]).toBe(
      "(10) Then, the final equation is (((A - B) * (C + D)) - ((E * F) + (G - H))) = (((-4 - 42) * (-1 + 2)) - ((-1 * 11) + (-1 - 9))) = ((-46 * (-1 + 2)) - ((-1 * 11) + (-1 - 9))) = ((-46 * 1) - ((-1 * 11) + (-1 - 9))) = ((-46 * 1) - (-11 + (-1 - 9))) = ((-46 * 1) - (-11 + -10)) = (-46 - (-11 + -10)) = (-46 - -21) = -25.",
    );
    expect(lines[10]).toBe("(Final response) So the answer is -25.");
  });

  it("rejects a question without groups", () => {
    expect(E.isLeft(solveQuestion("1 + 2 ="))).toBe(true);
  });
});

describe("reductionChain()", () => {
  it("reduces the innermost groups of a pass left to right, then the next pass", () => {
    expect(reductionChain("((1 - -7) + (-3 * 2))")).toEqual(["(8 + (-3 * 2))", "(8 + -6)", "2"]);
    expect(reductionChain("((1 - (2 * 3)) + (4 * 5))")).toEqual(["((1 - 6) + (4 * 5))", "((1 - 6) + 20)", "(-5 + 20)", "15"]);
  });

  it("replaces every occurrence of a repeated group at once, as the official solver does", () => {
    expect(reductionChain("((2 * 3) + (2 * 3))")).toEqual(["(6 + 6)", "(6 + 6)", "12"]);
  });

  it("computes past the safe integers exactly", () => {
    expect(reductionChain("(9999999999 * 9999999999)")).toEqual(["99999999980000000001"]);
  });
});

describe("partition()", () => {
  it("gives identical groups the first letter, as the official solver does", () => {
    expect(partition("((1 + 2) - (1 + 2))")).toEqual({
      expression: "(A - A)",
      groups: [{ letter: "A", group: "(1 + 2)" }, { letter: "B", group: "(1 + 2)" }],
    });
  });
});
