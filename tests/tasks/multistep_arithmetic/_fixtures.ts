import { readFileSync } from "node:fs";

/** One official row of the fixture file. */
export interface OfficialRow {
  readonly text: string;
  readonly meta_data: {
    readonly question: string;
    readonly rationale: string;
    readonly answer: string;
    readonly meta_data: { readonly length: number; readonly depth_levels: readonly number[] };
  };
}

/** The committed excerpt of the official data (`fixtures/multistep_arithmetic/`). */
export function officialRows(): OfficialRow[] {
  const url = new URL("../../../fixtures/multistep_arithmetic/official_rationales.jsonl", import.meta.url);
  return readFileSync(url, "utf8").split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as OfficialRow);
}

/** The question of `tripost.md` §2.1 and its wrong attempt. */
export const SECTION_2_1 = {
  question: "((-2 - -3 * -7) - (-5 * -4 - 2)) =",
  answer: "-41",
  attempt: [
    '(1) This equation can be written as "(A - B)", where A = (-2 - -3 * -7) and B = (-5 * -4 - 2).',
    "(2) Let's calculate A = (-2 - -3 * -7) = (-2 - (-3 * -7)) = (-2 - -21) = 19.",
    "(3) Let's calculate B = (-5 * -4 - 2) = ((-5 * -4) - 2) = (20 - 2) = 18.",
    "(4) Then, the final equation is (A - B) = (19 - 18) = 1.",
    "(Final response) So the answer is 1.",
  ].join("\n"),
  update: [
    '(1) This equation can be written as "(A - B)", where A = (-2 - -3 * -7) and B = (-5 * -4 - 2).',
    "(2) Let's calculate A = (-2 - -3 * -7) = (-2 - (-3 * -7)) = (-2 - 21) = -23.",
    "(3) Let's calculate B = (-5 * -4 - 2) = ((-5 * -4) - 2) = (20 - 2) = 18.",
    "(4) Then, the final equation is (A - B) = (-23 - 18) = -41.",
    "(Final response) So the answer is -41.",
  ].join("\n"),
};
