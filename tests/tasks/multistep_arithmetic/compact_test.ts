import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Verdict } from "../../../src/codecs/critique.js";
import {
  compactFormat,
  compactSegment,
  compactToTripost,
  multistepArithmetic,
  tripostToCompact,
} from "../../../src/tasks/multistep_arithmetic/mod.js";
import { anyProblem, mutatedArbitrary, problemArbitrary } from "./_arbitraries.js";
import { officialRows, SECTION_2_1 } from "./_fixtures.js";

const EASY = { id: "e", task: "multistep_arithmetic" as const, question: "((-5 + 9) * (3 - -2)) =", answer: "20" };

describe("compactFormat", () => {
  it("writes student.md's example", () => {
    expect(compactFormat.prompt(EASY)).toBe("((-5+9)*(3--2))=\n");
    expect(compactFormat.fromTripost(EASY, multistepArithmetic.solve(EASY))).toEqual(E.right("-5+9=4\n3--2=5\n4*5=20\nA:20"));
  });

  it("keeps a wrong value where it is, so FBK names the same step", () => {
    const compact = tripostToCompact(SECTION_2_1.question, SECTION_2_1.attempt);
    expect(compact).toEqual(E.right("-2--3*-7=-2--21=19\n-5*-4-2=20-2=18\n19-18=1\nA:1"));
    const back = E.isRight(compact) ? compactToTripost(SECTION_2_1.question, compact.right) : compact;
    expect(back).toEqual(E.right(SECTION_2_1.attempt));
  });

  it("writes a reduction with the parentheses the tree needs", () => {
    const question = "(((1 - -7 + -3 * 2) - (1 + 2)) - ((3 * 4) - (5 - 6))) =";
    const compact = tripostToCompact(question, multistepArithmetic.solve({ ...EASY, question }));
    expect(compact).toEqual(E.right("1--7+-3*2=8+-3*2=8+-6=2\n1+2=3\n3*4=12\n5-6=-1\n2-3-(12--1)=-1-(12--1)=-1-13=-14\nA:-14"));
  });

  it("reads a skipped final equation as a final equation, so COMBINE finds the missing group", () => {
    const official = compactToTripost(EASY.question, "-5+9=4\n4*5=20\nA:20");
    expect(E.isRight(official) && official.right.split("\n")[2]).toBe("(3) Then, the final equation is (A * B) = (4 * 5) = 20.");
    const verdict = E.isRight(official) ? multistepArithmetic.critique?.(EASY, official.right) : undefined;
    expect(verdict).toMatchObject(E.right({ errorStep: "3", feedback: expect.stringContaining("B has not been calculated") }));
  });

  it("rejects what it cannot express", () => {
    expect(E.isLeft(compactToTripost(EASY.question, "-5+9=4\n3--2=5\n4*5=20"))).toBe(true);
    expect(E.isLeft(compactToTripost(EASY.question, "-5+9=(4)\n3--2=5\n4*5=20\nA:20"))).toBe(true);
    expect(E.isLeft(compactToTripost(EASY.question, "-5 +9=4\nA:4"))).toBe(true);
    expect(E.isLeft(tripostToCompact(EASY.question, multistepArithmetic.solve(EASY).replace("(A * B)\",", "(B * A)\",")))).toBe(true);
  });

  it("converts every committed official rationale both ways", () => {
    for (const row of officialRows()) {
      const compact = tripostToCompact(row.meta_data.question, row.meta_data.rationale);
      expect(E.isRight(compact) && compactToTripost(row.meta_data.question, compact.right)).toEqual(E.right(row.meta_data.rationale));
    }
  });

  test.prop([fc.oneof(anyProblem.map((problem) => ({ problem, attempt: multistepArithmetic.solve(problem) })), fc.oneof(mutatedArbitrary("easy"), mutatedArbitrary("medium"), mutatedArbitrary("official")).map(({ problem, mutated }) => ({ problem, attempt: mutated.attempt })))], {
    numRuns: 1000,
  })("tripost → compact → tripost is the identity on gold and mutated attempts", ({ problem, attempt }) => {
    const compact = compactFormat.fromTripost(problem, attempt);
    // Compact cannot express a changed step (1) or a changed parenthesised group (the second part
    // of a calculation: compact's first part stands for both); it expresses every other change.
    const gold = multistepArithmetic.solve(problem).split("\n");
    const expressible = attempt.split("\n").every((line, index) =>
      index === 0 ? line === gold[0] : !line.includes("Let's calculate") || line.split(" = ")[2] === gold[index]?.split(" = ")[2]
    );
    expect(E.isRight(compact)).toBe(expressible);
    if (E.isRight(compact)) expect(compactFormat.toTripost(problem, compact.right)).toEqual(E.right(attempt));
  });

  test.prop([problemArbitrary("easy"), fc.nat(), fc.integer({ min: -30, max: 30 })], { numRuns: 1000 })(
    "compact → tripost → compact is the identity, and a wrong compact value is the same wrong value for FBK",
    (problem, pick, delta) => {
      const gold = compactFormat.fromTripost(problem, multistepArithmetic.solve(problem));
      if (E.isLeft(gold)) throw new Error(gold.left.message);
      const numbers = [...gold.right.matchAll(/-?\d+/g)];
      const chosen = numbers[pick % numbers.length];
      if (chosen?.index === undefined) throw new Error("no number");
      const value = String(Number(chosen[0]) + delta);
      const mutated = `${gold.right.slice(0, chosen.index)}${value}${gold.right.slice(chosen.index + chosen[0].length)}`;
      const official = compactFormat.toTripost(problem, mutated);
      if (E.isLeft(official)) throw new Error(official.left.message);
      expect(compactFormat.fromTripost(problem, official.right)).toEqual(E.right(mutated));
      const verdict = multistepArithmetic.critique?.(problem, official.right);
      if (verdict === undefined || E.isLeft(verdict)) throw new Error("no verdict");
      if (delta === 0) expect(verdict.right.correct).toBe(true);
      if (!verdict.right.correct) {
        // The compact line of the error step: official step k is compact line k − 1.
        const line = verdict.right.errorStep === "Final response" ? mutated.split("\n").length : Number(verdict.right.errorStep) - 1;
        const mutatedLine = mutated.slice(0, chosen.index).split("\n").length;
        expect(line).toBe(mutatedLine);
      }
    },
  );
});

const verdictArbitrary: fc.Arbitrary<Verdict> = fc.oneof(
  fc.constant({ correct: true, errorStep: null, errorSegment: null, feedback: "Step (1) to (4) are correct. The final response is also correct." }),
  fc.record({
    correct: fc.constant(false),
    errorStep: fc.oneof(fc.constant("Final response"), fc.integer({ min: 1, max: 12 }).map(String)),
    errorSegment: fc.oneof(
      fc.integer({ min: -999, max: 999 }).map((value) => `the answer is ${value}.`),
      fc.tuple(fc.integer({ min: -99, max: 99 }), fc.constantFrom("+", "-", "*"), fc.integer({ min: -99, max: 99 }), fc.integer({ min: -999, max: 999 }))
        .map(([a, op, b, value]) => `(${a} ${op} ${b}) = ${value}`),
      fc.string({ maxLength: 30 }),
    ),
    feedback: fc.constant("In step (2) the part \" x \" is incorrect. This is because y."),
  }),
);

describe("compactFormat feedback", () => {
  it("renders the §2.1 and §5.1 verdicts", () => {
    expect(compactFormat.renderFeedback({ correct: false, errorStep: "2", errorSegment: "(-2 - (-3 * -7)) = (-2 - -21)", feedback: "" })).toBe("F:2:-2--3*-7=-2--21");
    expect(compactFormat.renderFeedback({ correct: false, errorStep: "Final response", errorSegment: "the answer is -40.", feedback: "" })).toBe("F:A:A:-40");
    expect(compactFormat.renderFeedback({ correct: true, errorStep: null, errorSegment: null, feedback: "" })).toBe("F:ok");
    expect(compactSegment("(A - B) = (19 - 18)")).toBe("19-18");
  });

  test.prop([verdictArbitrary], { numRuns: 1000 })("parseFeedback ∘ renderFeedback keeps the step and the compact segment", (verdict) => {
    const claim = compactFormat.parseFeedback(compactFormat.renderFeedback(verdict));
    expect(claim).toEqual(E.right({
      correct: verdict.correct,
      errorStep: verdict.errorStep,
      errorSegment: verdict.errorSegment === null ? null : compactSegment(verdict.errorSegment).replace(/\n/g, ""),
    }));
  });

  test.prop([fc.string({ maxLength: 60 }), problemArbitrary("easy")], { numRuns: 1000 })("the parsers never throw on arbitrary text", (text, problem) => {
    expect(() => compactFormat.parseFeedback(text)).not.toThrow();
    expect(() => compactFormat.toTripost(problem, text)).not.toThrow();
    expect(() => compactFormat.fromTripost(problem, text)).not.toThrow();
  });

  it("uses a small character set", () => {
    const characters = new Set<string>();
    for (const problem of multistepArithmetic.generate({ count: 50, difficulty: "easy", split: "all" })) {
      const compact = compactFormat.fromTripost(problem, multistepArithmetic.solve(problem));
      for (const character of `${compactFormat.prompt(problem)}${E.isRight(compact) ? compact.right : ""}\nF:ok`) characters.add(character);
    }
    expect([...characters].every((character) => "0123456789+-*()=A:Fok\n".includes(character))).toBe(true);
  });
});
