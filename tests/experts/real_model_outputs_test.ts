/**
 * What a real small model (SmolLM2-135M-Instruct on llama-cpp-python's server, as the LLM expert
 * on date understanding; `npm run test:real-model`) wrote that our expert parsers misread, each
 * output verbatim from the recorded exchanges (fixtures/real-model/), with the fix it needed.
 */
import { fc, test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { joinContinuation } from "../../src/experts/llm_expert.js";
import { endMarkerIndex, parseTabularFeedback } from "../../src/experts/tabular_feedback.js";

// A wrong attempt of the scenarios (official row "Jane booked a flight for tomorrow…", the date of
// step 2 and the letter made wrong).
const ATTEMPT = [
  "(1) If Jane booked a flight for tomorrow, Jul 29, 2002, then today is Jul 28, 2002.",
  "(2) The date one year ago from today is Jul 28, 2001, that is 01/28/2002.",
  "(Final response) So the answer is (A).",
].join("\n");

describe("a feedback table that runs on into a second table", () => {
  // /v1/completions, temperature 0, stop [END]: the model fills the step and the segment, then
  // writes option-like lines and starts a second table, whose reason line is about step "(D)".
  const RUN_ON = ' (1)\nError segment: "Jul 28, 2002 is 01/29/2002"\n(C)\nLet\'s think step by step.\n(A)\nThe answer is (B).\n' +
    "Earliest error step: (D)\nError reason: The date one year ago from today is Jul 28, 2001, that is 7/31/2001. ";

  it("is read up to the second 'Earliest error step:' line: this table has no reason, a critique error", () => {
    // Before the fix the verdict took step and segment from the first table and the reason from the second.
    const verdict = parseTabularFeedback(RUN_ON, ATTEMPT);
    expect(E.isLeft(verdict) && verdict.left.message).toMatch(/no non-empty 'Error reason:' line/);
  });

  it("keeps a whole first table whatever follows it", () => {
    const whole = ' (2)\nError segment: "that is 01/28/2002"\nError reason: Jul 28, 2001 is 07/28/2001.\n';
    const alone = parseTabularFeedback(whole, ATTEMPT);
    expect(E.isRight(alone)).toBe(true);
    expect(parseTabularFeedback(`${whole}Earliest error step: (1)\nError segment: "x"\nError reason: y.`, ATTEMPT)).toEqual(alone);
    // A chat reply that restates the labels, after a lead-in, and then starts a second table.
    expect(parseTabularFeedback(`Sure:\nEarliest error step:${whole}Earliest error step: (1)\nError reason: other.`, ATTEMPT)).toEqual(alone);
  });

  test.prop([
    fc.constantFrom("1", "2", "Final response"),
    fc.string({ minLength: 1, maxLength: 30 }).filter((text) => !/[\n"[]/.test(text) && text.trim() !== ""),
    fc.string({ minLength: 1, maxLength: 40 }).filter((text) => !/[\n[]/.test(text) && /\w/.test(text)),
    fc.array(fc.string({ maxLength: 30 }).filter((text) => !/[\n[]/.test(text) && !/^\s*Q:/.test(text)), { maxLength: 4 }),
  ])("a second table never changes the verdict of the first", (step, segment, reason, rest) => {
    const table = ` (${step})\nError segment: "${segment}"\nError reason: ${reason}\n`;
    const after = `${table}Earliest error step: ${rest.join("\n")}`;
    expect(parseTabularFeedback(after, ATTEMPT)).toEqual(parseTabularFeedback(table, ATTEMPT));
  });
});

describe("an end marker in another letter case", () => {
  it("is found in any case", () => {
    expect(endMarkerIndex("a [END] b")).toBe(2);
    expect(endMarkerIndex("a [End] b")).toBe(2);
    expect(endMarkerIndex("[end]")).toBe(0);
    expect(endMarkerIndex("no marker")).toBeUndefined();
  });

  it("ends an IMP continuation: '[End]' and what follows never reach the attempt", () => {
    // /v1/completions, temperature 0.7, stop [END]: the model wrote "[End]", which the server's
    // stop string does not catch, and ran on into a made-up question.
    const continuation = "(1) If today's date is January 3, 1930, then tomorrow's date should be December 31, 1929.\n" +
      "Let's think step by step.\n(A). Yesterday's date is July 4, 1875 (July 4, 1886), which is 12/31/1929.\n" +
      "The answer is (B). [End]\n\nQ: The first two days of the year are 2019 and 2020 respectively, so it will be 2020.";
    const attempt = joinContinuation("", continuation, false);
    expect(attempt).not.toMatch(/\[End\]|Q:/);
    expect(attempt.endsWith("The answer is (B).")).toBe(true);
    // The same shape with a well-formed final line is a whole attempt, marker-free.
    const wellFormed = joinContinuation("(1) Today is 01/01/1930.", "(2) Yesterday is 12/31/1929.\n(Final response) So the answer is (B). [End]\n\nQ: next", false);
    expect(wellFormed).toBe("(1) Today is 01/01/1930.\n(2) Yesterday is 12/31/1929.\n(Final response) So the answer is (B).");
  });

  it("ends a feedback table", () => {
    const verdict = parseTabularFeedback(' (2)\nError segment: "that is 01/28/2002"\nError reason: Jul 28, 2001 is 07/28/2001. [End]\nError reason: more.', ATTEMPT);
    expect(E.isRight(verdict) && verdict.right.feedback).toMatch(/This is because jul 28, 2001 is 07\/28\/2001\.$/);
  });
});
