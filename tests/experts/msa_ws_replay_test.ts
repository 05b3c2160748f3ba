/**
 * Strict replay of the LLM expert on multistep arithmetic and word sorting. Each case has its own
 * cassette under fixtures/cassettes/msa-ws/ holding the exact request the expert sends (over
 * `completions`, `chat` or `chat-prefill`) and a response in the shape an OpenAI-compatible server
 * returns: a leading space, the stop string left in or removed, a run-on into a made-up next
 * example, chat that restates the labels or talks first, a reason cut by the token limit, and
 * malformed tables and continuations.
 *
 * After a deliberate change of the prompts or of the request shape, write the cassettes again with
 * `TRIPOST_RECORD_CASSETTES=1 npx vitest run tests/experts/msa_ws_replay_test.ts`.
 */
import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { readFileSync } from "node:fs";
import { firstValueFrom, of } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Verdict } from "../../src/codecs/critique.js";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import { llmExpert } from "../../src/experts/llm_expert.js";
import { parseTabularFeedback, renderTabularError } from "../../src/experts/tabular_feedback.js";
import { CassetteMissError, replayModel } from "../../src/models/cassette.js";
import type { Model } from "../../src/models/model.js";
import { isParsableAttempt } from "../../src/stages/_edit_rules.js";
import { requestKey } from "../../src/streams/canonical_json.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { cassettePathOf, officialProblem, RECORD, recordCase, type ReplayCase, runCase } from "./_replay.js";

const cassettes = new URL("../../fixtures/cassettes/msa-ws/", import.meta.url);

// ---- Multistep arithmetic: (((1 - 8 + 6 - -6) - (-6 - 1 + -2 + 6)) - (…)) = -7, in six steps.
const msa = officialProblem(multistepArithmetic, "multistep_arithmetic_official_rationale.jsonl");
const MSA_GOLD = multistepArithmetic.solve(msa);
const M = MSA_GOLD.split("\n");
const M_LINES = (...replaced: readonly [number, string][]): string => {
  const lines = [...M];
  for (const [index, line] of replaced) lines[index] = line;
  return lines.join("\n");
};
const MSA_WRONG_STEP1 = M_LINES(
  [0, M[0]!.replace('"((A - B) - (C - D))"', '"((A - B) + (C - D))"')],
  [5, "(6) Then, the final equation is ((A - B) + (C - D)) = ((5 - -3) + (17 - 2)) = (8 + (17 - 2)) = (8 + 15) = 23."],
  [6, "(Final response) So the answer is 23."],
);
const MSA_WRONG_STEP2 = M_LINES(
  [1, "(2) Let's calculate A = (1 - 8 + 6 - -6) = (((1 - 8) + 6) - -6) = ((-7 + 6) - -6) = (-1 - -6) = -7."],
  [5, "(6) Then, the final equation is ((A - B) - (C - D)) = ((-7 - -3) - (17 - 2)) = (-4 - (17 - 2)) = (-4 - 15) = -19."],
  [6, "(Final response) So the answer is -19."],
);
const MSA_WRONG_STEP4 = M_LINES(
  [3, "(4) Let's calculate C = (-1 * -8 + 3 - -6) = (((-1 * -8) + 3) - -6) = ((8 + 3) - -6) = (11 - -6) = 5."],
  [5, "(6) Then, the final equation is ((A - B) - (C - D)) = ((5 - -3) - (5 - 2)) = (8 - (5 - 2)) = (8 - 3) = 5."],
  [6, "(Final response) So the answer is 5."],
);
const MSA_WRONG_STEP6 = M_LINES(
  [5, "(6) Then, the final equation is ((A - B) - (C - D)) = ((5 - -3) - (17 - 2)) = (8 - (17 - 2)) = (8 - 15) = 7."],
  [6, "(Final response) So the answer is 7."],
);
const MSA_WRONG_FINAL = M_LINES([6, "(Final response) So the answer is -17."]);

const MSA_STEP1: Verdict = {
  correct: false,
  errorStep: "1",
  errorSegment: "((A - B) + (C - D))",
  feedback: 'In step (1) the part "((A - B) + (C - D))" is incorrect. This is because the two groups are subtracted in the equation, not added.',
};
const MSA_STEP2: Verdict = {
  correct: false,
  errorStep: "2",
  errorSegment: "(-1 - -6) = -7",
  feedback:
    'Step (1) is correct. In step (2) the part "(-1 - -6) = -7" is incorrect. This is because there is a calculation error, since subtracting -6 from -1 gives 5, not -7.',
};
const MSA_STEP4: Verdict = {
  correct: false,
  errorStep: "4",
  errorSegment: "(11 - -6) = 5",
  feedback:
    'Step (1) to step (3) are correct. In step (4) the part "(11 - -6) = 5" is incorrect. This is because subtracting -6 means adding 6, so 11 - -6 is 17, not 5.',
};
const MSA_STEP6: Verdict = {
  correct: false,
  errorStep: "6",
  errorSegment: "(8 - 15) = 7",
  feedback: 'Step (1) to step (5) are correct. In step (6) the part "(8 - 15) = 7" is incorrect. This is because 8 minus 15 is -7, not 7.',
};
const MSA_FINAL: Verdict = {
  correct: false,
  errorStep: "Final response",
  errorSegment: "So the answer is -17",
  feedback: 'Step (1) to step (6) are correct. In step (Final response) the part "So the answer is -17" is incorrect. This is because step (6) gives -7.',
};
const MSA_REASON_2 = "There is a calculation error, since subtracting -6 from -1 gives 5, not -7.";
const MSA_REASON_4 = "Subtracting -6 means adding 6, so 11 - -6 is 17, not 5.";

// ---- Word sorting: osteology embedded sharpshoot irwin, in three steps.
const ws = officialProblem(wordSorting, "word_sorting_official_rationale.jsonl");
const WS_GOLD = wordSorting.solve(ws);
const W = WS_GOLD.split("\n");
const WS_WRONG_STEP2 = [
  W[0],
  '(2) We now have: (5) "embedded" < (15) "osteology" < (9) "irwin" < (19) "sharpshoot".',
  '(3) Hence, we have "embedded" < "osteology" < "irwin" < "sharpshoot".',
  "(Final response) So the answer is: embedded osteology irwin sharpshoot.",
].join("\n");
const WS_WRONG_STEP3 = [
  W[0],
  W[1],
  '(3) Hence, we have "embedded" < "osteology" < "irwin" < "sharpshoot".',
  "(Final response) So the answer is: embedded osteology irwin sharpshoot.",
].join("\n");
const WS_WRONG_FINAL = [W[0], W[1], W[2], "(Final response) So the answer is: embedded irwin sharpshoot osteology."].join("\n");

// A list with a subpart, so that the error is in a dotted step.
const wsSub: Problem = {
  id: "word_sorting-sub",
  task: "word_sorting",
  question: "Sort the following words alphabetically:\nList: plover anchor pewter",
  answer: "anchor pewter plover",
};
const WS_SUB_GOLD = wordSorting.solve(wsSub);
const S = WS_SUB_GOLD.split("\n");
const WS_SUB_WRONG = [
  ...S.slice(0, 3),
  '(3.1) We now have: (12) "plover" < (5) "pewter".',
  '(3.2) Hence, we have "plover" < "pewter".',
  '(4) Hence, we have "anchor" < "plover" < "pewter".',
  "(Final response) So the answer is: anchor plover pewter.",
].join("\n");

const WS_STEP2: Verdict = {
  correct: false,
  errorStep: "2",
  errorSegment: '(15) "osteology" < (9) "irwin"',
  feedback: 'Step (1) is correct. In step (2) the part "(15) "osteology" < (9) "irwin"" is incorrect. This is because 9 is smaller than 15, so "irwin" comes before "osteology".',
};
const WS_STEP3: Verdict = {
  correct: false,
  errorStep: "3",
  errorSegment: '"osteology" < "irwin"',
  feedback:
    'Step (1) to step (2) are correct. In step (3) the part ""osteology" < "irwin"" is incorrect. This is because step (2) puts "irwin" (9) before "osteology" (15).',
};
const WS_FINAL: Verdict = {
  correct: false,
  errorStep: "Final response",
  errorSegment: "embedded irwin sharpshoot osteology",
  feedback:
    'Step (1) to step (3) are correct. In step (Final response) the part "embedded irwin sharpshoot osteology" is incorrect. This is because step (3) puts "osteology" before "sharpshoot".',
};
const WS_SUB_STEP: Verdict = {
  correct: false,
  errorStep: "3.1",
  errorSegment: '(12) "plover" < (5) "pewter"',
  feedback: 'Step (1) to step (3) are correct. In step (3.1) the part "(12) "plover" < (5) "pewter"" is incorrect. This is because 5 is smaller than 12, so "pewter" comes before "plover".',
};
const WS_REASON_2 = '9 is smaller than 15, so "irwin" comes before "osteology".';
const WS_REASON_3 = 'Step (2) puts "irwin" (9) before "osteology" (15).';

const msaCase = (rest: Omit<ReplayCase, "task" | "problem">): ReplayCase => ({ task: multistepArithmetic, problem: msa, ...rest });
const wsCase = (rest: Omit<ReplayCase, "task" | "problem">): ReplayCase => ({ task: wordSorting, problem: ws, ...rest });

const NEXT_MSA_EXAMPLE = "\n\nQ: ((2 * -3 + 4) - (5 - -1)) =\nAnswer: Let's think step by step." + multistepArithmetic.info +
  '\n(1) This equation can be written as "(A - B)", where A = (2 * -3 + 4) and B = (5 - -1).\nEarliest error step: (1)\nError segment: "x"\nError reason: y.';
const NEXT_WS_EXAMPLE = "\n\nQ: Sort the following words alphabetically:\nList: cobalt acorn\nAnswer: Let's think step by step.\n" +
  '(1) The first letter: "cobalt"="c" (3), "acorn"="a" (1).\n(2) We now have: (3) "cobalt" < (1) "acorn".\nEarliest error step: (2)\nError segment: "x"\nError reason: y.';

const MSA_CASES: readonly ReplayCase[] = [
  // ---- FBK, well formed
  msaCase({
    name: "msa-fbk-completions",
    attempt: MSA_WRONG_STEP2,
    endpoint: "completions",
    output: ` (2)\nError segment: "(-1 - -6) = -7"\nError reason: ${MSA_REASON_2}\n`,
    expected: MSA_STEP2,
  }),
  msaCase({
    name: "msa-fbk-completions-stop-left-in",
    attempt: MSA_WRONG_STEP4,
    endpoint: "completions",
    output: ` (4)\nError segment: "(11 - -6) = 5"\nError reason: ${MSA_REASON_4} [END]`,
    expected: MSA_STEP4,
  }),
  msaCase({
    name: "msa-fbk-completions-no-end",
    attempt: MSA_WRONG_STEP6,
    endpoint: "completions",
    output: ` (6)\nError segment: "(8 - 15) = 7"\nError reason: 8 minus 15 is -7, not 7.${NEXT_MSA_EXAMPLE}`,
    finishReason: "length",
    expected: MSA_STEP6,
  }),
  msaCase({
    name: "msa-fbk-chat-restated",
    attempt: MSA_WRONG_FINAL,
    endpoint: "chat",
    output: 'Earliest error step: (Final response)\nError segment: "So the answer is -17"\nError reason: Step (6) gives -7.',
    expected: MSA_FINAL,
  }),
  msaCase({
    name: "msa-fbk-chat-preamble",
    attempt: MSA_WRONG_STEP2,
    endpoint: "chat",
    output: "Let me go through the calculation step by step.\n\nStep (1) splits the equation correctly, but step (2) does not.\n\n" +
      `Earliest error step: (2)\nError segment: "(-1 - -6) = -7"\nError reason: ${MSA_REASON_2} [END]`,
    expected: MSA_STEP2,
  }),
  msaCase({
    name: "msa-fbk-reason-cut",
    attempt: MSA_WRONG_STEP4,
    endpoint: "completions",
    // Cut by max tokens: the unfinished second sentence is dropped (`clean_feedback`).
    output: ` (4)\nError segment: "(11 - -6) = 5"\nError reason: ${MSA_REASON_4} With C = 17 the rest of the`,
    finishReason: "length",
    expected: MSA_STEP4,
  }),
  msaCase({
    name: "msa-fbk-prefill",
    attempt: MSA_WRONG_STEP6,
    endpoint: "chat-prefill",
    output: ' (6)\nError segment: "(8 - 15) = 7"\nError reason: 8 minus 15 is -7, not 7.',
    expected: MSA_STEP6,
  }),
  // ---- FBK, malformed: each is the official [ERROR], a Left
  msaCase({
    name: "msa-fbk-missing-segment",
    attempt: MSA_WRONG_STEP2,
    endpoint: "completions",
    output: ` (2)\nError reason: ${MSA_REASON_2}\n`,
    expected: /^Cannot read the error segment as the output has no non-empty 'Error segment:' line$/,
  }),
  msaCase({
    name: "msa-fbk-missing-reason",
    attempt: MSA_WRONG_STEP4,
    endpoint: "chat",
    output: 'Earliest error step: (4)\nError segment: "(11 - -6) = 5"\n[END]',
    expected: /^Cannot read the error reason as the output has no non-empty 'Error reason:' line$/,
  }),
  msaCase({
    name: "msa-fbk-wrong-step-id",
    attempt: MSA_WRONG_STEP6,
    endpoint: "completions",
    output: ' (7)\nError segment: "(8 - 15) = 7"\nError reason: 8 minus 15 is -7, not 7.\n',
    expected: /^Cannot find the error step \(7\) in the attempt$/,
  }),
  msaCase({
    name: "msa-fbk-step-in-words",
    attempt: MSA_WRONG_STEP4,
    endpoint: "chat",
    output: "The error is in the fourth step: 11 - -6 should be 17, not 5, so C is wrong.",
    expected: /^Cannot read the earliest error step: current value is "The error is in the fourth step: 11 - -6 should be 17, not 5, so C is wrong."$/,
  }),
  msaCase({
    name: "msa-fbk-empty",
    attempt: MSA_WRONG_STEP2,
    endpoint: "completions",
    output: "",
    expected: /^Cannot read the earliest error step: current value is ""$/,
  }),
  // ---- IMP
  msaCase({
    name: "msa-imp-completions",
    attempt: MSA_WRONG_STEP2,
    endpoint: "completions",
    improveWith: MSA_STEP2,
    // The prompt ends after step (1) and a newline: the model writes step (2) on.
    output: `${M.slice(1).join("\n")}\n`,
    expected: MSA_GOLD,
  }),
  msaCase({
    name: "msa-imp-chat-restates-prefix",
    attempt: MSA_WRONG_STEP4,
    endpoint: "chat",
    improveWith: MSA_STEP4,
    output: `Updated Answer: Let's think step by step.${multistepArithmetic.info}\n${MSA_GOLD} [END]`,
    expected: MSA_GOLD,
  }),
  msaCase({
    name: "msa-imp-completions-runs-on",
    attempt: MSA_WRONG_STEP6,
    endpoint: "completions",
    improveWith: MSA_STEP6,
    output: `${M.slice(5).join("\n")}\nFeedback: Step (1) to step (6) are correct. The final response is also correct.${NEXT_MSA_EXAMPLE}`,
    finishReason: "length",
    expected: MSA_GOLD,
  }),
  msaCase({
    name: "msa-imp-chat-lead-in-fences",
    attempt: MSA_WRONG_FINAL,
    endpoint: "chat",
    improveWith: MSA_FINAL,
    output: `Sure! Here is the corrected answer:\n\n\`\`\`\n${M[6]}\n\`\`\``,
    expected: MSA_GOLD,
  }),
  msaCase({
    name: "msa-imp-empty",
    attempt: MSA_WRONG_STEP1,
    endpoint: "chat",
    improveWith: MSA_STEP1,
    output: "",
    expected: /^Cannot improve an attempt as the IMP output is empty$/,
  }),
  msaCase({
    name: "msa-imp-prefill",
    attempt: MSA_WRONG_STEP4,
    endpoint: "chat-prefill",
    improveWith: MSA_STEP4,
    // The assistant message ends after step (3) without its newline: the model writes it.
    output: `\n${M.slice(3).join("\n")}`,
    expected: MSA_GOLD,
  }),
];

const WS_CASES: readonly ReplayCase[] = [
  // ---- FBK, well formed
  wsCase({
    name: "ws-fbk-completions",
    attempt: WS_WRONG_STEP2,
    endpoint: "completions",
    output: ` (2)\nError segment: "(15) "osteology" < (9) "irwin""\nError reason: ${WS_REASON_2}\n`,
    expected: WS_STEP2,
  }),
  wsCase({
    name: "ws-fbk-completions-stop-left-in",
    attempt: WS_WRONG_FINAL,
    endpoint: "completions",
    output: ' (Final response)\nError segment: "embedded irwin sharpshoot osteology"\nError reason: Step (3) puts "osteology" before "sharpshoot". [END]\n',
    expected: WS_FINAL,
  }),
  wsCase({
    name: "ws-fbk-completions-no-end",
    attempt: WS_WRONG_STEP3,
    endpoint: "completions",
    output: ` (3)\nError segment: ""osteology" < "irwin""\nError reason: ${WS_REASON_3}${NEXT_WS_EXAMPLE}`,
    finishReason: "length",
    expected: WS_STEP3,
  }),
  wsCase({
    name: "ws-fbk-chat-restated",
    attempt: WS_WRONG_STEP3,
    endpoint: "chat",
    // A chat model drops the doubled quotes around a segment that is itself quoted words.
    output: `Earliest error step: (3)\nError segment: "osteology" < "irwin"\nError reason: ${WS_REASON_3}`,
    expected: WS_STEP3,
  }),
  wsCase({
    name: "ws-fbk-chat-preamble",
    attempt: WS_WRONG_STEP2,
    endpoint: "chat",
    output: "I'll compare the ordering with the letter values of step (1).\n\nHere is my assessment:\n\n" +
      `Earliest error step: (2)\nError segment: "(15) "osteology" < (9) "irwin""\nError reason: ${WS_REASON_2} [END]`,
    expected: WS_STEP2,
  }),
  wsCase({
    name: "ws-fbk-reason-cut",
    attempt: WS_WRONG_FINAL,
    endpoint: "chat",
    output: 'Earliest error step: (Final response)\nError segment: "embedded irwin sharpshoot osteology"\n' +
      'Error reason: Step (3) puts "osteology" before "sharpshoot". The final response swaps the last two words, which',
    finishReason: "length",
    expected: WS_FINAL,
  }),
  {
    name: "ws-fbk-prefill-dotted-step",
    task: wordSorting,
    problem: wsSub,
    attempt: WS_SUB_WRONG,
    endpoint: "chat-prefill",
    output: ' (3.1)\nError segment: "(12) "plover" < (5) "pewter""\nError reason: 5 is smaller than 12, so "pewter" comes before "plover". [END]',
    expected: WS_SUB_STEP,
  },
  // ---- FBK, malformed
  wsCase({
    name: "ws-fbk-missing-segment",
    attempt: WS_WRONG_STEP3,
    endpoint: "chat",
    output: `Earliest error step: (3)\nError segment: ""\nError reason: ${WS_REASON_3}`,
    expected: /^Cannot read the error segment as the output has no non-empty 'Error segment:' line$/,
  }),
  wsCase({
    name: "ws-fbk-missing-reason",
    attempt: WS_WRONG_STEP2,
    endpoint: "completions",
    output: ' (2)\nError segment: "(15) "osteology" < (9) "irwin""\nError reason:\n',
    expected: /^Cannot read the error reason as the output has no non-empty 'Error reason:' line$/,
  }),
  wsCase({
    name: "ws-fbk-wrong-step-id",
    attempt: WS_WRONG_STEP3,
    endpoint: "completions",
    output: ` (4)\nError segment: ""osteology" < "irwin""\nError reason: ${WS_REASON_3}\n`,
    expected: /^Cannot find the error step \(4\) in the attempt$/,
  }),
  wsCase({
    name: "ws-fbk-step-in-words",
    attempt: WS_WRONG_STEP3,
    endpoint: "completions",
    output: ` the third step\nError segment: ""osteology" < "irwin""\nError reason: ${WS_REASON_3}\n`,
    expected: /^Cannot read the earliest error step: current value is "the third step"$/,
  }),
  wsCase({
    name: "ws-fbk-empty",
    attempt: WS_WRONG_FINAL,
    endpoint: "chat",
    output: "",
    expected: /^Cannot read the earliest error step: current value is ""$/,
  }),
  // ---- IMP
  wsCase({
    name: "ws-imp-completions",
    attempt: WS_WRONG_STEP2,
    endpoint: "completions",
    improveWith: WS_STEP2,
    output: `${W.slice(1).join("\n")}\n\n`,
    expected: WS_GOLD,
  }),
  wsCase({
    name: "ws-imp-chat-restates-prefix",
    attempt: WS_WRONG_STEP3,
    endpoint: "chat",
    improveWith: WS_STEP3,
    output: `Updated Answer: Let's think step by step.\n${WS_GOLD} [END]`,
    expected: WS_GOLD,
  }),
  wsCase({
    name: "ws-imp-completions-runs-on",
    attempt: WS_WRONG_FINAL,
    endpoint: "completions",
    improveWith: WS_FINAL,
    output: `${W[3]}\nFeedback: Step (1) to step (3) are correct. The final response is also correct.\n${NEXT_WS_EXAMPLE}`,
    finishReason: "length",
    expected: WS_GOLD,
  }),
  wsCase({
    name: "ws-imp-chat-lead-in-fences",
    attempt: WS_WRONG_STEP2,
    endpoint: "chat",
    improveWith: WS_STEP2,
    output: `Sure! Here is the corrected answer:\n\`\`\`text\n${W.slice(1).join("\n")}\n\`\`\`\n`,
    expected: WS_GOLD,
  }),
  wsCase({
    name: "ws-imp-empty",
    attempt: WS_WRONG_STEP3,
    endpoint: "completions",
    improveWith: WS_STEP3,
    // As the official code does, the new attempt is the forced prefix alone; it has no final
    // response, so the edit stage's legitimacy check rejects it (see the test below).
    output: "",
    expected: `${W[0]}\n${W[1]}`,
  }),
  {
    name: "ws-imp-prefill-dotted-step",
    task: wordSorting,
    problem: wsSub,
    attempt: WS_SUB_WRONG,
    endpoint: "chat-prefill",
    improveWith: WS_SUB_STEP,
    output: `\n${S.slice(3).join("\n")} [END]`,
    expected: WS_SUB_GOLD,
  },
];

const CASES: readonly ReplayCase[] = [...MSA_CASES, ...WS_CASES];

const run = runCase;
const cassettePath = (testCase: ReplayCase): string => cassettePathOf(cassettes, testCase);

describe("llmExpert() on multistep arithmetic and word sorting, replayed strictly", () => {
  it("has distinct cases on wrong attempts", () => {
    expect(new Set(CASES.map((testCase) => testCase.name)).size).toBe(CASES.length);
    for (const testCase of CASES) {
      expect(testCase.attempt, testCase.name).not.toBe(testCase.task.solve(testCase.problem));
      expect(testCase.task.isCorrectAnswer(testCase.task.extractAnswer(testCase.attempt) ?? "", testCase.problem.answer), testCase.name)
        .toBe(false);
    }
    for (const endpoint of ["completions", "chat", "chat-prefill"] as const) {
      for (const task of [multistepArithmetic, wordSorting]) {
        for (const kind of ["fbk", "imp"]) {
          const found = CASES.some((testCase) => testCase.task === task && testCase.endpoint === endpoint && (testCase.improveWith === undefined) === (kind === "fbk"));
          expect(found, `${task.name} ${kind} ${endpoint}`).toBe(true);
        }
      }
    }
  });

  if (RECORD) {
    it.each(CASES)("records $name", (testCase) => recordCase(cassettes, testCase, { promptTokens: 1800, completionTokens: 80 }));
  }

  it.each(CASES)("$name", async (testCase) => {
    const result = await run(testCase, replayModel(cassettePath(testCase)));
    if (testCase.expected instanceof RegExp) {
      expect(result).toEqual(E.left({ type: "parse-error", line: expect.any(Number), message: expect.stringMatching(testCase.expected) }));
    } else {
      expect(result).toEqual(E.right(testCase.expected));
    }
  });

  it("holds the request shape of each endpoint in the cassettes", () => {
    for (const testCase of CASES) {
      const lines = readFileSync(cassettePath(testCase), "utf8").split("\n").filter((line) => line !== "");
      expect(lines, testCase.name).toHaveLength(1);
      const entry = JSON.parse(lines[0] as string) as { key: string; request: ModelRequest; response: ModelResponse };
      expect(entry.key).toBe(requestKey(entry.request, 0));
      expect(entry.response.choices[0]?.text).toBe(testCase.output);
      expect(entry.request.stop).toEqual(["[END]"]);
      expect(entry.request.temperature).toBe(testCase.improveWith === undefined ? 0 : 0.7);
      const messages = "messages" in entry.request ? entry.request.messages : [];
      const prompt = "prompt" in entry.request ? entry.request.prompt : undefined;
      switch (testCase.endpoint) {
        case "completions":
          expect(prompt?.endsWith(testCase.improveWith === undefined ? `${testCase.attempt}\nEarliest error step:` : "\n")).toBe(true);
          break;
        case "chat":
          expect(messages.map((message) => message.role)).toEqual(["user"]);
          break;
        case "chat-prefill":
          expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
          expect(messages[1]?.content.startsWith(testCase.improveWith === undefined ? "Earliest error step:" : "Updated Answer:")).toBe(true);
          break;
      }
    }
  });

  it("leaves a prefix-only update from an empty continuation to the legitimacy check, which rejects it", async () => {
    const testCase = WS_CASES.find((candidate) => candidate.name === "ws-imp-empty") as ReplayCase;
    const result = await run(testCase, replayModel(cassettePath(testCase)));
    expect(E.isRight(result) && typeof result.right === "string" && isParsableAttempt(result.right)).toBe(false);
    expect(isParsableAttempt(WS_GOLD)).toBe(true);
  });

  it("makes no call for an attempt that is already right", async () => {
    const empty = replayModel([]);
    const right = [
      [multistepArithmetic, msa, MSA_GOLD, "Step (1) to step (6) are correct. The final response is also correct."],
      [wordSorting, ws, WS_GOLD, "Step (1) to step (3) are correct. The final response is also correct."],
      [wordSorting, wsSub, WS_SUB_GOLD, "Step (1) to step (4) are correct. The final response is also correct."],
    ] as const;
    for (const [task, problem, gold, feedback] of right) {
      for (const endpoint of ["completions", "chat", "chat-prefill"] as const) {
        const verdict = await firstValueFrom(llmExpert(empty, { task, endpoint }).critique(problem, gold));
        expect(verdict).toEqual(E.right({ correct: true, errorStep: null, errorSegment: null, feedback }));
      }
    }
  });

  it("fails fatally, naming the key, when the prompt is not the recorded one", async () => {
    for (const testCase of [MSA_CASES[0], WS_CASES[WS_CASES.length - 1]] as ReplayCase[]) {
      const changed = { ...testCase, attempt: testCase.attempt.replace("(1)", "(1) ") };
      expect(changed.attempt).not.toBe(testCase.attempt);
      const sent: ModelRequest[] = [];
      const replay = replayModel(cassettePath(testCase));
      const watching: Model = (request) => {
        sent.push(request);
        return replay(request);
      };
      const error = await run(changed, watching).then(() => undefined, (caught: unknown) => caught);
      expect(CassetteMissError.isInstance(error)).toBe(true);
      const key = requestKey(sent[0] as ModelRequest, 0);
      expect(error).toMatchObject({ key, sample: 0, fatal: true });
      expect((error as Error).message).toContain(key);
    }
  });
});

describe("parseTabularFeedback() on word sorting segments that are quoted words", () => {
  const word = fc.stringMatching(/^[a-z]{1,10}$/);
  const segment = fc.oneof(
    fc.array(word, { minLength: 2, maxLength: 5 }).map((words) => words.map((each) => `"${each}"`).join(" < ")),
    fc.tuple(word, fc.integer({ min: 1, max: 26 })).map(([each, value]) => `"${each}"="${each.charAt(0)}" (${value})`),
    fc.tuple(fc.integer({ min: 1, max: 26 }), word, fc.integer({ min: 1, max: 26 }), word)
      .map(([a, x, b, y]) => `(${a}) "${x}" < (${b}) "${y}"`),
  );

  test.prop([segment, fc.constantFrom("1", "2", "3", "Final response")], { numRuns: 200 })(
    "reads the same segment whether the model doubles the quotes as the examples do or leaves the outer pair out",
    (errorSegment, errorStep) => {
      const doubled = renderTabularError({ errorStep, errorSegment, errorReason: "It is out of order" });
      const bare = doubled.replace(`Error segment: "${errorSegment}"`, `Error segment: ${errorSegment}`);
      for (const output of [doubled, bare]) {
        const verdict = parseTabularFeedback(output, WS_WRONG_STEP2);
        expect(verdict).toEqual(E.right(expect.objectContaining({ errorStep, errorSegment })));
        expect(E.isRight(verdict) && verdict.right.feedback).toContain(`the part "${errorSegment}" is incorrect`);
      }
    },
  );
});

describe("parseTabularFeedback() on chat formatting of the labels", () => {
  const bold = (label: string) => fc.constantFrom(`${label}:`, `**${label}:**`, `**${label}**:`, `__${label}:__`);
  test.prop(
    [bold("Earliest error step"), bold("Error segment"), bold("Error reason"), fc.constantFrom("(2)", "Step (2)", "step 2", "2")],
    { numRuns: 100 },
  )("reads labels set in markdown bold and a step written as 'Step (2)' like the plain table", (step, segment, reason, value) => {
    const plain = renderTabularError({ errorStep: "2", errorSegment: '"osteology" < "irwin"', errorReason: "It is out of order" });
    const output = plain
      .replace("Earliest error step: (2)", `${step} ${value}`)
      .replace("Error segment:", segment)
      .replace("Error reason:", reason);
    expect(parseTabularFeedback(`Sure.\n${output}`, WS_WRONG_STEP2)).toEqual(parseTabularFeedback(plain, WS_WRONG_STEP2));
    expect(E.isRight(parseTabularFeedback(plain, WS_WRONG_STEP2))).toBe(true);
  });
});
