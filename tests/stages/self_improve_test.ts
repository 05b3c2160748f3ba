import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { firstValueFrom, type Observable, of, throwError } from "rxjs";
import { describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import type { Model } from "../../src/models/model.js";
import { cleanGeneration, isRepeating, selfImprove } from "../../src/stages/self_improve.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { compactFormat, officialFormat } from "../../src/tasks/trajectory_format.js";

type Completion = { readonly text: string; readonly finishReason?: string };

/** A scripted student: each prompt maps to its completion; an unknown prompt fails the call. */
function scriptedModel(table: Readonly<Record<string, Completion>>): Model & { readonly requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  function model(request: ModelRequest): Observable<ModelResponse> {
    requests.push(request);
    const prompt = "prompt" in request ? request.prompt : "";
    const completion = table[prompt];
    if (completion === undefined) return throwError(() => new Error(`unscripted prompt ${JSON.stringify(prompt)}`));
    return of({ choices: [{ text: completion.text, finishReason: completion.finishReason ?? "stop" }] });
  }
  return Object.assign(model, { requests });
}

const problem: Problem = { id: "p1", task: "multistep_arithmetic", question: "((-5 + 9) * (3 - -2)) =", answer: "20" };
const compact = compactFormat(multistepArithmetic)!;
const official = officialFormat(multistepArithmetic);
const P = compact.prompt(problem);
const RIGHT = "-5+9=4\n3--2=5\n4*5=20\nA:20";
const WRONG = "-5+9=4\n3--2=1\n4*1=4\nA:4";
const FEEDBACK = "F:3:3--2=1";

describe("selfImprove()", () => {
  it("selfImprove() ends when the student says its answer is correct", async () => {
    const student = scriptedModel({ [P]: { text: `${RIGHT}\nF:ok` } });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result).toEqual({
      turns: [{ attempt: RIGHT, feedbackLine: "F:ok" }],
      finalAttempt: RIGHT,
      end: "correct",
      selfImproved: false,
      generations: 1,
    });
    expect(student.requests[0]).toMatchObject({ prompt: P, temperature: 0, maxTokens: 512 });
  });

  it("selfImprove() drops what the student writes after a correct feedback", async () => {
    const student = scriptedModel({ [P]: { text: `${RIGHT}\nF:ok\n1+1=2\nA:2` } });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result.turns).toEqual([{ attempt: RIGHT, feedbackLine: "F:ok" }]);
    expect(result.end).toBe("correct");
  });

  it("selfImprove() re-prompts after EOS with the latest attempt and the feedback prefix", async () => {
    const student = scriptedModel({ [P]: { text: RIGHT }, [`${P}${RIGHT}\nF:`]: { text: "ok" } });
    const result = await firstValueFrom(selfImprove(student, compact, problem, { seed: 7 }));
    expect(student.requests.map((request) => "prompt" in request && request.prompt)).toEqual([P, `${P}${RIGHT}\nF:`]);
    expect(student.requests.map((request) => request.seed)).toEqual([7, 8]);
    expect(result).toMatchObject({ end: "correct", finalAttempt: RIGHT, generations: 2, selfImproved: false });
    expect(result.turns).toEqual([{ attempt: RIGHT, feedbackLine: "F:ok" }]);
  });

  it("selfImprove() writes the update after an error feedback and critiques the update alone", async () => {
    const student = scriptedModel({
      [P]: { text: WRONG },
      [`${P}${WRONG}\nF:`]: { text: `3:3--2=1\n${RIGHT}` },
      [`${P}${RIGHT}\nF:`]: { text: "ok" },
    });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result).toEqual({
      turns: [{ attempt: WRONG, feedbackLine: FEEDBACK }, { attempt: RIGHT, feedbackLine: "F:ok" }],
      finalAttempt: RIGHT,
      end: "correct",
      selfImproved: true,
      generations: 3,
    });
  });

  it("selfImprove() continues after an error feedback that ends with EOS", async () => {
    const student = scriptedModel({
      [P]: { text: WRONG },
      [`${P}${WRONG}\nF:`]: { text: "3:3--2=1" },
      [`${P}${WRONG}\n${FEEDBACK}\n`]: { text: `${RIGHT}\nF:ok` },
    });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result).toMatchObject({ end: "correct", finalAttempt: RIGHT, selfImproved: true, generations: 3 });
  });

  it("selfImprove() does not count an unreadable feedback as self-improvement", async () => {
    const student = scriptedModel({
      [P]: { text: WRONG },
      [`${P}${WRONG}\nF:`]: { text: `zz\n${RIGHT}` },
      [`${P}${RIGHT}\nF:`]: { text: "ok" },
    });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result).toMatchObject({ end: "correct", finalAttempt: RIGHT, selfImproved: false });
  });

  it("selfImprove() stops at an invalid feedback line when asked to, keeping the attempt before it", async () => {
    const table = {
      [P]: { text: RIGHT },
      [`${P}${RIGHT}\nF:`]: { text: `8\nA:8\nF:ok` },
    };
    const stopped = await firstValueFrom(selfImprove(scriptedModel(table), compact, problem, { invalidFeedback: "stop" }));
    expect(stopped).toEqual({
      turns: [{ attempt: RIGHT, feedbackLine: "F:8" }],
      finalAttempt: RIGHT,
      end: "invalid-feedback",
      selfImproved: false,
      generations: 2,
    });
    const continued = await firstValueFrom(selfImprove(scriptedModel(table), compact, problem));
    expect(continued).toMatchObject({ end: "correct", finalAttempt: "A:8" });
  });

  it("selfImprove() keeps an attempt whole when the student writes junk after its answer line", async () => {
    const table = { [P]: { text: `${RIGHT}\nA::20\n:::-1` }, [`${P}${RIGHT}\nF:`]: { text: "-20" } };
    const result = await firstValueFrom(selfImprove(scriptedModel(table), compact, problem, { invalidFeedback: "stop" }));
    expect(result).toMatchObject({ end: "invalid-feedback", finalAttempt: RIGHT, turns: [{ attempt: RIGHT, feedbackLine: "F:-20" }] });
  });

  it("selfImprove() stops without progress when the student writes nothing", async () => {
    const student = scriptedModel({ [P]: { text: "" } });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result).toEqual({ turns: [], finalAttempt: "", end: "no-progress", selfImproved: false, generations: 1 });
  });

  it("selfImprove() stops without progress when asked for feedback the student writes none", async () => {
    const student = scriptedModel({ [P]: { text: WRONG }, [`${P}${WRONG}\nF:`]: { text: "\n-5+9=4" } });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result).toEqual({ turns: [{ attempt: WRONG }], finalAttempt: WRONG, end: "no-progress", selfImproved: false, generations: 2 });
  });

  it("selfImprove() stops when the student repeats itself", async () => {
    const loop = Array.from({ length: 6 }, () => "1+1=2\n2+2=4").join("\n");
    const student = scriptedModel({ [P]: { text: loop, finishReason: "length" } });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(result.end).toBe("repeating");
    expect(result.generations).toBe(1);
  });

  it("selfImprove() stops an official attempt past step (15) as repeating", async () => {
    const steps = Array.from({ length: 16 }, (_, index) => `(${index + 1}) Let's calculate X${index} = ${index}.`).join("\n");
    const student = scriptedModel({ [official.prompt(problem)]: { text: steps, finishReason: "length" } });
    const result = await firstValueFrom(selfImprove(student, official, problem));
    expect(result.end).toBe("repeating");
  });

  it("selfImprove() ends at the generation limit", async () => {
    const student = scriptedModel({
      [P]: { text: "-5+9=4", finishReason: "length" },
      [`${P}-5+9=4\n`]: { text: "3--2=5", finishReason: "length" },
    });
    const result = await firstValueFrom(selfImprove(student, compact, problem, { maxGenerations: 2 }));
    expect(result).toMatchObject({ end: "limit", generations: 2, finalAttempt: "-5+9=4\n3--2=5" });
    expect(student.requests).toHaveLength(2);
  });

  // Official `generate_until_done_batched`: the attempt count never grows (minus one before each
  // generation, plus one after), so `num_attempts` = 10 never binds; `num_continue_generation`
  // counts every generation after the first, re-prompts for feedback included, and ends the loop
  // at 3. So by default three generations in all: attempt, feedback + update, feedback.
  it("selfImprove() stops after three generations by default, as the official loop does", async () => {
    const student = scriptedModel({
      [P]: { text: WRONG },
      [`${P}${WRONG}\nF:`]: { text: `3:3--2=1\n${WRONG}` },
    });
    const result = await firstValueFrom(selfImprove(student, compact, problem));
    expect(student.requests).toHaveLength(3);
    expect(result).toMatchObject({ end: "limit", generations: 3, finalAttempt: WRONG });
  });

  it("selfImprove() ends after `maxContinuations` plain continuations in a row", async () => {
    const student = scriptedModel({
      [P]: { text: "-5+9=4", finishReason: "length" },
      [`${P}-5+9=4\n`]: { text: "3--2=5", finishReason: "length" },
    });
    const result = await firstValueFrom(selfImprove(student, compact, problem, { maxContinuations: 1 }));
    expect(result).toMatchObject({ end: "limit", generations: 2 });
  });

  it("selfImprove() passes a model error to the error channel", async () => {
    const student = scriptedModel({});
    await expect(firstValueFrom(selfImprove(student, compact, problem))).rejects.toThrow(/unscripted prompt/);
  });

  it("selfImprove() rejects a generation limit below 1", () => {
    expect(() => selfImprove(scriptedModel({}), compact, problem, { maxGenerations: 0 })).toThrow(RangeError);
  });

  it("selfImprove() runs the official format: feedback prefix, update header, terminal feedback", async () => {
    const prompt = official.prompt(problem);
    const right = multistepArithmetic.solve(problem);
    const wrong = E.getOrElse(() => "")(compact.toOfficial(problem, WRONG));
    expect(wrong).toContain("(Final response) So the answer is 4.");
    const error = ' Step (1) to (2) are correct. In step (3) the part " (3 - -2) = 1 " is incorrect. This is because there is an calculation error, since (3 - -2) is not equal to 1.';
    const header = official.updateHeader(problem);
    const student = scriptedModel({
      [prompt]: { text: wrong },
      [`${prompt}${wrong}\nFeedback:`]: { text: `${error}\n${header}${right}` },
      [`${prompt}${right}\nFeedback:`]: { text: " Step (1) to step (4) are correct. The final response is also correct." },
    });
    const result = await firstValueFrom(selfImprove(student, official, problem));
    expect(result.end).toBe("correct");
    expect(result.selfImproved).toBe(true);
    expect(result.finalAttempt).toBe(right);
    expect(result.turns.map((turn) => turn.attempt)).toEqual([wrong, right]);
    expect(result.turns[0]?.feedbackLine).toBe(`Feedback:${error}`);
  });
});

describe("cleanGeneration()", () => {
  it("cleanGeneration() keeps lines until a repeated or illegal one", () => {
    expect(cleanGeneration(compact, "1+1=2\n1+1=2\n3=3")).toEqual(["1+1=2"]);
    expect(cleanGeneration(official, "(1) a.\n(2) b.\nQ: next question\n(3) c.")).toEqual(["(1) a.", "(2) b."]);
    expect(cleanGeneration(official, "(1) a.\n(1) b.")).toEqual(["(1) a."]);
  });

  it("cleanGeneration() stops at a compact line without a legal header and at a second answer line", () => {
    expect(cleanGeneration(compact, `${RIGHT}\nA::20\n:::-1`)).toEqual(RIGHT.split("\n"));
    expect(cleanGeneration(compact, "-5+9=4\n:3*3:3=27\nA:-27")).toEqual(["-5+9=4"]);
    expect(cleanGeneration(compact, "-5+9=4\nk:9")).toEqual(["-5+9=4"]);
    expect(cleanGeneration(compact, `${RIGHT}\n((1+2)*3)=\n1+2=3`)).toEqual(RIGHT.split("\n"));
    expect(cleanGeneration(compact, `${WRONG}\n${FEEDBACK}\n${RIGHT}\nF:ok`)).toEqual([...WRONG.split("\n"), FEEDBACK, ...RIGHT.split("\n"), "F:ok"]);
  });

  it("cleanGeneration() lets only a feedback line follow a compact answer line (compact steps have no id to tell a new attempt)", () => {
    expect(cleanGeneration(compact, `${RIGHT}\n*6=64\n-6*6=-32\nA:-32`)).toEqual(RIGHT.split("\n"));
    expect(cleanGeneration(compact, `${RIGHT}\nF:ok`)).toEqual([...RIGHT.split("\n"), "F:ok"]);
    // The official format keeps its own rule (a known header whose step id differs).
    expect(cleanGeneration(official, "(1) a.\n(Final response) So the answer is 1.\n(2) b.")).toEqual(["(1) a.", "(Final response) So the answer is 1.", "(2) b."]);
  });

  it("cleanGeneration() keeps a prefix of the lines, and every line of a well-formed compact trajectory", () => {
    // A compact step line: the step alphabet, not starting or ending with `=` (a question line such
    // as `((1+2)*3)=` is a hallucinated next problem, cut like the official `Q:`).
    const step = fc.stringMatching(/^[0-9+\-*()][0-9+\-*()=]{0,7}$/).filter((line) => !line.endsWith("="));
    const attempt = fc.tuple(fc.array(step, { minLength: 1, maxLength: 4 }), fc.integer({ min: -99, max: 99 }))
      .map(([steps, answer]) => [...new Set(steps)].concat(`A:${answer}`));
    fc.assert(fc.property(fc.array(attempt, { minLength: 1, maxLength: 3 }), (attempts) => {
      const lines = attempts.flatMap((lines, index) => index < attempts.length - 1 ? [...lines, "F:3:1+1=3"] : lines);
      expect(cleanGeneration(compact, lines.join("\n"))).toEqual(lines);
    }));
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => {
      const kept = cleanGeneration(compact, text);
      expect(text.split("\n").slice(0, kept.length)).toEqual(kept);
    }));
  });
});

describe("isRepeating()", () => {
  it("isRepeating() finds a periodic tail and ignores an ordinary attempt", () => {
    expect(isRepeating(compact, RIGHT.split("\n"))).toBe(false);
    expect(isRepeating(compact, Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? "1+1=2" : "2+2=4")))).toBe(true);
    expect(isRepeating(official, ["(1) the the the the the the the the the the the the the the"])).toBe(true);
  });
});
