/**
 * Strict replay of the LLM expert on date understanding and logical deduction. Each case has its
 * own cassette under fixtures/cassettes/du-ld/ holding the exact request the expert sends and a
 * response in the shape an OpenAI-compatible server returns (the stop string removed, leading
 * spaces, chat replies that restate labels or chat before answering, malformed tables).
 *
 * After a deliberate change of the prompts, write the cassettes again with
 * `TRIPOST_RECORD_CASSETTES=1 npx vitest run tests/experts/du_ld_replay_test.ts`.
 */
import * as E from "fp-ts/lib/Either.js";
import { firstValueFrom, of } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Verdict } from "../../src/codecs/critique.js";
import { llmExpert } from "../../src/experts/llm_expert.js";
import { formatFeedback } from "../../src/experts/tabular_feedback.js";
import { CassetteMissError, replayModel } from "../../src/models/cassette.js";
import { dateUnderstanding } from "../../src/tasks/date_understanding/mod.js";
import { logicalDeduction } from "../../src/tasks/logical_deduction/mod.js";
import { cassettePathOf, officialProblem, RECORD, recordCase, type ReplayCase, runCase } from "./_replay.js";

const cassettes = new URL("../../fixtures/cassettes/du-ld/", import.meta.url);

// Date understanding: Jane thinks today is 6/18/2019 and is right; yesterday is (E) 06/17/2019.
const du = officialProblem(dateUnderstanding, "date_understanding_official_rationale.jsonl");
const DU_GOLD = dateUnderstanding.solve(du);
const [DU_1, DU_2] = DU_GOLD.split("\n") as [string, string, string];
const DU_WRONG_TODAY = DU_GOLD.replace("today's date is really 6/18/2019", "today's date is really 6/19/2019")
  .replace("yesterday is 6/17/2019, that is 06/17/2019", "yesterday is 6/18/2019, that is 06/18/2019")
  .replace("answer is (E)", "answer is (F)");
const DU_WRONG_LETTER = DU_GOLD.replace("answer is (E)", "answer is (C)");
const DU_WRONG_STEP2 = DU_GOLD.replace("yesterday is 6/17/2019, that is 06/17/2019", "yesterday is 6/16/2019, that is 06/16/2019")
  .replace("answer is (E)", "answer is (F)");

// Logical deduction: plums > pears > kiwis; the second-most expensive is (A) the pears.
const ld = officialProblem(logicalDeduction, "logical_deduction_official_rationale.jsonl");
const LD_GOLD = logicalDeduction.solve(ld);
const LD_LINES = LD_GOLD.split("\n");
const LD_WRONG_STEP2 = [
  LD_LINES[0],
  '(2) The kiwis are less expensive than the pears: "(most expensive) ?? kiwis ?? pears ?? (least expensive)".',
  LD_LINES[2],
  '(4) Combining (1) and (2) we get the following ordering: "(most expensive) ?? plums ?? kiwis ?? pears ?? (least expensive)".',
  '(5) Combining (3) and (4) we get the following ordering: "(most expensive) plums kiwis pears (least expensive)".',
  "(6) According to this ordering, the fruit that is the second-most expensive is the kiwis.",
  "(Final response) The kiwis are the second-most expensive. So the answer is (C).",
].join("\n");
const LD_WRONG_STEP6 = [
  ...LD_LINES.slice(0, 5),
  "(6) According to this ordering, the fruit that is the second-most expensive is the kiwis.",
  "(Final response) The kiwis are the second-most expensive. So the answer is (C).",
].join("\n");
const LD_WRONG_STEP5 = [
  ...LD_LINES.slice(0, 4),
  '(5) Combining (3) and (4) we get the following ordering: "(most expensive) plums kiwis pears (least expensive)".',
  "(6) According to this ordering, the fruit that is the second-most expensive is the kiwis.",
  "(Final response) The kiwis are the second-most expensive. So the answer is (C).",
].join("\n");

function verdictOn(attempt: string, errorStep: string, errorSegment: string, errorReason: string): Verdict {
  const verdict = formatFeedback(attempt, { errorStep, errorSegment, errorReason });
  if (E.isLeft(verdict)) throw new Error(verdict.left.message);
  return verdict.right;
}

const DU_TODAY_VERDICT = verdictOn(DU_WRONG_TODAY, "1", "today's date is really 6/19/2019", "Jane is correct, so today is 6/18/2019");
const DU_LETTER_VERDICT = verdictOn(DU_WRONG_LETTER, "Final response", "So the answer is (C)", "Step (2) gives 06/17/2019, which is option (E)");
const LD_STEP2_VERDICT = verdictOn(
  LD_WRONG_STEP2,
  "2",
  "(most expensive) ?? kiwis ?? pears ?? (least expensive)",
  "The kiwis are less expensive than the pears, so the kiwis come after the pears",
);
const LD_STEP6_VERDICT = verdictOn(
  LD_WRONG_STEP6,
  "6",
  "the second-most expensive is the kiwis",
  "In the ordering of step (5) the second fruit from the most expensive is the pears",
);

const CASES: readonly ReplayCase[] = [
  // ---- FBK, well formed
  {
    name: "du-fbk-completions",
    task: dateUnderstanding,
    problem: du,
    attempt: DU_WRONG_TODAY,
    endpoint: "completions",
    output: ` (1)\nError segment: "today's date is really 6/19/2019"\nError reason: Jane is correct, so today is 6/18/2019.\n`,
    expected: {
      correct: false,
      errorStep: "1",
      errorSegment: "today's date is really 6/19/2019",
      feedback: `In step (1) the part "today's date is really 6/19/2019" is incorrect. This is because jane is correct, so today is 6/18/2019.`,
    },
  },
  {
    name: "du-fbk-chat-restated",
    task: dateUnderstanding,
    problem: du,
    attempt: DU_WRONG_LETTER,
    endpoint: "chat",
    output: 'Earliest error step: (Final response)\nError segment: "So the answer is (C)"\nError reason: Step (2) gives 06/17/2019, which is option (E). [END]',
    expected: {
      correct: false,
      errorStep: "Final response",
      errorSegment: "So the answer is (C)",
      feedback:
        'Step (1) to step (2) are correct. In step (Final response) the part "So the answer is (C)" is incorrect. This is because step (2) gives 06/17/2019, which is option (E).',
    },
  },
  {
    name: "ld-fbk-completions-no-end",
    task: logicalDeduction,
    problem: ld,
    attempt: LD_WRONG_STEP2,
    endpoint: "completions",
    // No [END]: the model runs on into a made-up next example; only the first table counts.
    output: ' (2)\nError segment: "(most expensive) ?? kiwis ?? pears ?? (least expensive)"\n' +
      "Error reason: The kiwis are less expensive than the pears, so the kiwis come after the pears.\n\n" +
      "Q: The following paragraphs each describe a set of three objects.\nEarliest error step: (4)\nError segment: \"x\"\nError reason: y.",
    expected: LD_STEP2_VERDICT,
  },
  {
    name: "ld-fbk-chat-preamble",
    task: logicalDeduction,
    problem: ld,
    attempt: LD_WRONG_STEP6,
    endpoint: "chat",
    output: "Sure! Let me check each step of the answer.\n\nSteps (1) to (5) are fine.\n\n" +
      'Earliest error step: (6)\nError segment: "the second-most expensive is the kiwis"\n' +
      "Error reason: In the ordering of step (5) the second fruit from the most expensive is the pears. The kiwis are the cheapest and",
    expected: LD_STEP6_VERDICT,
  },
  // ---- FBK, malformed: each is the official [ERROR], a Left
  {
    name: "du-fbk-missing-segment",
    task: dateUnderstanding,
    problem: du,
    attempt: DU_WRONG_STEP2,
    endpoint: "completions",
    output: " (2)\nError reason: Yesterday of 6/18/2019 is 6/17/2019.\n",
    expected: /no non-empty 'Error segment:' line/,
  },
  {
    name: "du-fbk-wrong-step-id",
    task: dateUnderstanding,
    problem: du,
    attempt: DU_WRONG_STEP2,
    endpoint: "chat",
    output: 'Earliest error step: (4)\nError segment: "6/16/2019"\nError reason: Yesterday of 6/18/2019 is 6/17/2019.',
    expected: /Cannot find the error step \(4\)/,
  },
  {
    name: "ld-fbk-missing-reason",
    task: logicalDeduction,
    problem: ld,
    attempt: LD_WRONG_STEP5,
    endpoint: "completions",
    output: ' (5)\nError segment: "plums kiwis pears"\n',
    expected: /no non-empty 'Error reason:' line/,
  },
  {
    name: "ld-fbk-step-in-words",
    task: logicalDeduction,
    problem: ld,
    attempt: LD_WRONG_STEP5,
    endpoint: "chat",
    output: "The earliest error is in the fifth step, where the kiwis are put before the pears.",
    expected: /Cannot read the earliest error step/,
  },
  // ---- IMP
  {
    name: "du-imp-completions",
    task: dateUnderstanding,
    problem: du,
    attempt: DU_WRONG_TODAY,
    endpoint: "completions",
    improveWith: DU_TODAY_VERDICT,
    output: `${DU_GOLD}\n`,
    expected: DU_GOLD,
  },
  {
    name: "du-imp-chat-restates-prefix",
    task: dateUnderstanding,
    problem: du,
    attempt: DU_WRONG_LETTER,
    endpoint: "chat",
    improveWith: DU_LETTER_VERDICT,
    output: `Updated Answer: Let's think step by step.\n${DU_1}\n${DU_2}\n(Final response) So the answer is (E). [END]`,
    expected: DU_GOLD,
  },
  {
    name: "ld-imp-completions-runs-on",
    task: logicalDeduction,
    problem: ld,
    attempt: LD_WRONG_STEP2,
    endpoint: "completions",
    improveWith: LD_STEP2_VERDICT,
    // The prompt ends after step (1); the model writes the rest, then a feedback line of its own.
    output: `${LD_LINES.slice(1).join("\n")}\nFeedback: Step (1) to step (6) are correct. The final response is also correct.\n`,
    expected: LD_GOLD,
  },
  {
    name: "ld-imp-chat-continues",
    task: logicalDeduction,
    problem: ld,
    attempt: LD_WRONG_STEP6,
    endpoint: "chat",
    improveWith: LD_STEP6_VERDICT,
    output: `\n${LD_LINES.slice(5).join("\n")}`,
    expected: LD_GOLD,
  },
  {
    name: "ld-imp-empty",
    task: logicalDeduction,
    problem: ld,
    attempt: LD_WRONG_STEP2,
    endpoint: "chat",
    improveWith: { ...LD_STEP2_VERDICT, errorStep: "1" },
    output: " [END]",
    expected: /IMP output is empty/,
  },
];

const run = runCase;
const cassettePath = (testCase: ReplayCase): string => cassettePathOf(cassettes, testCase);

describe("llmExpert() on date understanding and logical deduction, replayed strictly", () => {
  it("has cases with distinct names", () => {
    expect(new Set(CASES.map((testCase) => testCase.name)).size).toBe(CASES.length);
    expect(DU_WRONG_TODAY).not.toBe(DU_GOLD);
    expect(DU_WRONG_STEP2).not.toBe(DU_GOLD);
  });

  if (RECORD) {
    it.each(CASES)("records $name", (testCase) => recordCase(cassettes, testCase, { promptTokens: 1500, completionTokens: 60 }));
  }

  it.each(CASES)("$name", async (testCase) => {
    const result = await run(testCase, replayModel(cassettePath(testCase)));
    if (testCase.expected instanceof RegExp) {
      expect(result).toEqual(E.left(expect.objectContaining({ type: "parse-error", message: expect.stringMatching(testCase.expected) })));
    } else {
      expect(result).toEqual(E.right(testCase.expected));
    }
  });

  it("makes no call for an attempt that gives the gold answer with valid content", async () => {
    const empty = replayModel([]);
    for (const [task, problem, gold] of [[dateUnderstanding, du, DU_GOLD], [logicalDeduction, ld, LD_GOLD]] as const) {
      const verdict = await firstValueFrom(llmExpert(empty, { task }).critique(problem, gold));
      expect(E.isRight(verdict) && verdict.right).toEqual({
        correct: true,
        errorStep: null,
        errorSegment: null,
        feedback: `Step (1) to step (${task === dateUnderstanding ? 2 : 6}) are correct. The final response is also correct.`,
      });
    }
  });

  it("fails fatally when the prompt is not the recorded one", async () => {
    const testCase = CASES[0] as ReplayCase;
    const other = { ...testCase, attempt: testCase.attempt.replace("6/19/2019", "6/20/2019") };
    const error = await run(other, replayModel(cassettePath(testCase))).catch((caught: unknown) => caught);
    expect(CassetteMissError.isInstance(error)).toBe(true);
  });
});
