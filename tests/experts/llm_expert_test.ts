import * as E from "fp-ts/lib/Either.js";
import { firstValueFrom, from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import { CHAT_IMPROVE_INSTRUCTION, isChatLeadIn, llmExpert } from "../../src/experts/mod.js";
import { edit } from "../../src/stages/edit.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { fakeModel, promptOf, silentModel } from "./_fake_model.js";

const msaProblem: Problem = {
  id: "m1",
  task: "multistep_arithmetic",
  question: "((3 - 8 * 2) + (6 - -1 - 4)) =",
  answer: "-10",
};
const MSA_GOLD = multistepArithmetic.solve(msaProblem);
const MSA_WRONG = MSA_GOLD.replace("(3 - 16) = -13.", "(3 - 16) = 13.").replace("(-13 + 3) = -10", "(13 + 3) = 16")
  .replace("answer is -10.", "answer is 16.");
const MSA_PREFIX = MSA_GOLD.split("\n")[0] as string;
const MSA_FEEDBACK =
  'Step (1) is correct. In step (2) the part "(3 - 16) = 13" is incorrect. This is because there is a calculation error, since (3 - 16) is -13.';

const wsProblem: Problem = {
  id: "w1",
  task: "word_sorting",
  question: "Sort the following words alphabetically:\nList: heron hazel dune",
  answer: "dune hazel heron",
};
const WS_GOLD = wordSorting.solve(wsProblem);
const WS_WRONG = WS_GOLD.replace('(5) "hazel" < (18) "heron"', '(18) "heron" < (5) "hazel"')
  .replace('Hence, we have "hazel" < "heron".', 'Hence, we have "heron" < "hazel".')
  .replace('"dune" < "hazel" < "heron"', '"dune" < "heron" < "hazel"')
  .replace("dune hazel heron.", "dune heron hazel.");

function right<A>(result: E.Either<unknown, A>): A {
  if (E.isLeft(result)) throw new Error(`expected a Right, got ${JSON.stringify(result.left)}`);
  return result.right;
}

describe("llmExpert() FBK", () => {
  it("critique() sends the tabular prompt and reads the three lines into the canonical feedback", async () => {
    expect(MSA_WRONG).not.toBe(MSA_GOLD);
    expect(WS_WRONG).not.toBe(WS_GOLD);
    const fake = fakeModel([' (2)\nError segment: "(3 - 16) = 13"\nError reason: There is a calculation error, since (3 - 16) is -13.']);
    const verdict = right(await firstValueFrom(llmExpert(fake.model, { task: multistepArithmetic }).critique(msaProblem, MSA_WRONG)));
    expect(verdict).toEqual({ correct: false, errorStep: "2", errorSegment: "(3 - 16) = 13", feedback: MSA_FEEDBACK });
    const request = fake.requests[0];
    expect(request).toMatchObject({ temperature: 0, maxTokens: 2048, stop: ["[END]"] });
    expect(promptOf(request).endsWith(
      `\n\nQ: ${msaProblem.question}\nAnswer: Let's think step by step.${multistepArithmetic.info}\n${MSA_WRONG}\nEarliest error step:`,
    )).toBe(true);
    expect(promptOf(request).match(/\[END\]/g)).toHaveLength(4);
  });

  it("critique() ignores chatter after [END]", async () => {
    const fake = fakeModel([
      ' (2)\nError segment: "(3 - 16) = 13"\nError reason: There is a calculation error, since (3 - 16) is -13. [END]\n\nQ: (1 + 1) =\nEarliest error step: (1)',
    ]);
    const verdict = right(await firstValueFrom(llmExpert(fake.model, { task: multistepArithmetic }).critique(msaProblem, MSA_WRONG)));
    expect(verdict.feedback).toBe(MSA_FEEDBACK);
  });

  it("critique() drops an unfinished trailing sentence of the reason", async () => {
    const fake = fakeModel([' (2)\nError segment: "(3 - 16) = 13"\nError reason: (3 - 16) is -13. So A is']);
    const verdict = right(await firstValueFrom(llmExpert(fake.model, { task: multistepArithmetic }).critique(msaProblem, MSA_WRONG)));
    expect(verdict.feedback).toBe('Step (1) is correct. In step (2) the part "(3 - 16) = 13" is incorrect. This is because (3 - 16) is -13.');
  });

  it.each([
    ["a missing segment line", ' (2)\nError reason: It is wrong.'],
    ["a missing reason line", ' (2)\nError segment: "(3 - 16) = 13"\n'],
    ["a step beyond the attempt", ' (9)\nError segment: "(3 - 16) = 13"\nError reason: It is wrong.'],
    ["no step", ' None\nError segment: None\nError reason: The final response is correct.'],
    ["an empty output", ""],
  ])("critique() gives a Left for %s", async (_name, text) => {
    const fake = fakeModel([text]);
    const result = await firstValueFrom(llmExpert(fake.model, { task: multistepArithmetic }).critique(msaProblem, MSA_WRONG));
    expect(E.isLeft(result)).toBe(true);
  });

  it("critique() makes no call when the answer is the gold one and the content is valid", async () => {
    const expert = llmExpert(silentModel, { task: multistepArithmetic });
    const verdict = right(await firstValueFrom(expert.critique(msaProblem, MSA_GOLD)));
    expect(verdict).toEqual({
      correct: true,
      errorStep: null,
      errorSegment: null,
      feedback: "Step (1) to step (4) are correct. The final response is also correct.",
    });
    const wsVerdict = right(await firstValueFrom(llmExpert(silentModel, { task: wordSorting }).critique(wsProblem, WS_GOLD)));
    expect(wsVerdict.correct).toBe(true);
  });

  it("critique() names the step before a dotted word sorting error step", async () => {
    const fake = fakeModel([' (3.1)\nError segment: "(18) "heron" < (5) "hazel""\nError reason: 5 is smaller than 18.']);
    const verdict = right(await firstValueFrom(llmExpert(fake.model, { task: wordSorting }).critique(wsProblem, WS_WRONG)));
    expect(verdict.errorStep).toBe("3.1");
    expect(verdict.errorSegment).toBe('(18) "heron" < (5) "hazel"');
    expect(verdict.feedback).toBe(
      'Step (1) to step (3) are correct. In step (3.1) the part "(18) "heron" < (5) "hazel"" is incorrect. This is because 5 is smaller than 18.',
    );
    expect(promptOf(fake.requests[0])).toContain(`Q: ${wsProblem.question}\nAnswer: Let's think step by step.\n${WS_WRONG}\nEarliest error step:`);
  });

  it("critique() reads a chat reply that repeats the labels, with the last numbered step before (Final response)", async () => {
    const attempt = WS_GOLD.replace("So the answer is: dune hazel heron.", "So the answer is: dune heron hazel.");
    const fake = fakeModel(['Earliest error step: (Final response)\nError segment: "dune heron hazel"\nError reason: Step (4) puts "hazel" first.']);
    const expert = llmExpert(fake.model, { task: wordSorting, endpoint: "chat" });
    const verdict = right(await firstValueFrom(expert.critique(wsProblem, attempt)));
    expect(verdict.feedback).toBe(
      'Step (1) to step (4) are correct. In step (Final response) the part "dune heron hazel" is incorrect. This is because step (4) puts "hazel" first.',
    );
    expect(fake.requests[0]).toMatchObject({ messages: [{ role: "user" }], stop: ["[END]"] });
  });
});

describe("llmExpert() IMP", () => {
  const verdict = { correct: false, errorStep: "2", errorSegment: "(3 - 16) = 13", feedback: MSA_FEEDBACK };

  it("improve() continues from the forced correct prefix over completions", async () => {
    const continuation = `${MSA_GOLD.split("\n").slice(1).join("\n")}\nFeedback: Step (1) to step (4) are correct.`;
    const fake = fakeModel([continuation]);
    const next = right(await firstValueFrom(llmExpert(fake.model, { task: multistepArithmetic }).improve(msaProblem, MSA_WRONG, verdict)));
    expect(next).toBe(MSA_GOLD);
    const request = fake.requests[0];
    expect(request).toMatchObject({ temperature: 0.7, stop: ["[END]"] });
    expect(promptOf(request).endsWith(
      `${MSA_WRONG} [END]\nFeedback: ${MSA_FEEDBACK}\nUpdated Answer: Let's think step by step.${multistepArithmetic.info}\n${MSA_PREFIX}\n`,
    )).toBe(true);
  });

  it("improve() over chat instructs to continue and drops a restated header and prefix", async () => {
    const reply = `Updated Answer: Let's think step by step.${multistepArithmetic.info}\n${MSA_GOLD} [END]\nThat is all.`;
    const fake = fakeModel([reply]);
    const expert = llmExpert(fake.model, { task: multistepArithmetic, endpoint: "chat" });
    const next = right(await firstValueFrom(expert.improve(msaProblem, MSA_WRONG, verdict)));
    expect(next).toBe(MSA_GOLD);
    expect(promptOf(fake.requests[0]).startsWith(CHAT_IMPROVE_INSTRUCTION)).toBe(true);
  });

  it("improve() over chat drops a lead-in line and a code fence around the continuation", async () => {
    const rest = MSA_GOLD.split("\n").slice(1).join("\n");
    const fake = fakeModel([`Sure! Here is the corrected answer, continuing from step (2):\n\`\`\`\n${rest}\n\`\`\`\n`]);
    const expert = llmExpert(fake.model, { task: multistepArithmetic, endpoint: "chat" });
    expect(right(await firstValueFrom(expert.improve(msaProblem, MSA_WRONG, verdict)))).toBe(MSA_GOLD);
  });

  it("isChatLeadIn() keeps numbered steps and drops talk about the answer", () => {
    expect(isChatLeadIn("(2) Then we get: ")).toBe(false);
    expect(isChatLeadIn("(Final response) So the answer is (A).")).toBe(false);
    expect(isChatLeadIn("Here is the continuation:")).toBe(true);
    expect(isChatLeadIn("Certainly.")).toBe(true);
    expect(isChatLeadIn("```text")).toBe(true);
    expect(isChatLeadIn("The date is 09/08/2020 so we continue")).toBe(false);
  });

  it("improve() writes from step (1) when the error is in step (1), and cuts at a new Q: line", async () => {
    const fake = fakeModel([`${WS_GOLD}\n\nQ: Sort the following words alphabetically:`]);
    const first = { correct: false, errorStep: "1", errorSegment: "x", feedback: 'In step (1) the part "x" is incorrect. This is because y.' };
    const next = right(await firstValueFrom(llmExpert(fake.model, { task: wordSorting }).improve(wsProblem, WS_WRONG, first)));
    expect(next).toBe(WS_GOLD);
    expect(promptOf(fake.requests[0]).endsWith("Updated Answer: Let's think step by step.\n")).toBe(true);
  });

  it("improve() keeps the word sorting prefix before a dotted error step", async () => {
    const lines = WS_GOLD.split("\n");
    const index = lines.findIndex((line) => line.startsWith("(3.1)"));
    const fake = fakeModel([lines.slice(index).join("\n")]);
    const dotted = { correct: false, errorStep: "3.1", errorSegment: '(18) "heron" < (5) "hazel"', feedback: "f" };
    const next = right(await firstValueFrom(llmExpert(fake.model, { task: wordSorting }).improve(wsProblem, WS_WRONG, dotted)));
    expect(next).toBe(WS_GOLD);
    expect(promptOf(fake.requests[0]).endsWith(`${lines.slice(0, index).join("\n")}\n`)).toBe(true);
  });

  it("improve() gives a Left when the verdict names no step or the output is empty", async () => {
    const expert = llmExpert(fakeModel(["[END]"]).model, { task: multistepArithmetic });
    const none = await firstValueFrom(expert.improve(msaProblem, MSA_WRONG, { ...verdict, errorStep: null }));
    expect(E.isLeft(none)).toBe(true);
    const empty = await firstValueFrom(expert.improve(msaProblem, MSA_WRONG, { ...verdict, errorStep: "1" }));
    expect(E.isLeft(empty)).toBe(true);
  });
});

describe("llmExpert() construction", () => {
  it("llmExpert() throws a TypeError for a task without few-shot examples", () => {
    expect(() => llmExpert(silentModel, { task: wordSorting, fewShot: [] })).toThrow(TypeError);
  });

  it("llmExpert() throws a RangeError for a bad maxTokens or temperature", () => {
    expect(() => llmExpert(silentModel, { task: wordSorting, maxTokens: 0 })).toThrow(RangeError);
    expect(() => llmExpert(silentModel, { task: wordSorting, temperatures: { improve: -1 } })).toThrow(RangeError);
  });
});

describe("edit() with the LLM expert", () => {
  it("edit() turns a wrong rollout into an edited trajectory over the fake model", async () => {
    const fake = fakeModel([
      ' (2)\nError segment: "(3 - 16) = 13"\nError reason: There is a calculation error, since (3 - 16) is -13.',
      MSA_GOLD.split("\n").slice(1).join("\n"),
    ]);
    const expert = llmExpert(fake.model, { task: multistepArithmetic });
    const results = await lastValueFrom(
      from([{ problem: msaProblem, iteration: 0, continuation: MSA_WRONG }]).pipe(edit(expert, { task: multistepArithmetic }), toArray()),
    );
    const trajectory = right(results[0] as E.Either<unknown, { outcome: string; turns: { attempt: string; feedback: string }[] }>);
    expect(trajectory.outcome).toBe("edited");
    expect(trajectory.turns.map((turn) => turn.feedback)).toEqual([
      MSA_FEEDBACK,
      "Step (1) to step (4) are correct. The final response is also correct.",
    ]);
    expect(trajectory.turns[1]?.attempt).toBe(MSA_GOLD);
    expect(fake.requests).toHaveLength(2);
  });
});
