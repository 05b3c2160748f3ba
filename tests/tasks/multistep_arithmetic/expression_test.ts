import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, evaluateValue, parseExpression, printFull, printMinimal, respell } from "../../../src/tasks/multistep_arithmetic/mod.js";

describe("evaluate()", () => {
  it("follows precedence, left associativity and unary minus", () => {
    expect(evaluate("(-2 - -3 * -7)")).toEqual(E.right(-23));
    expect(evaluate("1 - 2 - 3")).toEqual(E.right(-4));
    expect(evaluate("--3 * - (2 + 1)")).toEqual(E.right(-9));
    expect(evaluate("+5")).toEqual(E.right(5));
    expect(evaluate("00")).toEqual(E.right(0));
  });

  it("is exact beyond the safe integers", () => {
    expect(evaluate("9999999999 * 9999999999 - 1")).toEqual(E.right(99999999980000000000n));
    expect(evaluate("9999999999 * 9999999999 - 9999999999 * 9999999999 + 3")).toEqual(E.right(3));
  });

  it("rejects what is outside the grammar instead of evaluating it", () => {
    for (const text of ["", "1 +", "(1 + 2", "1 + 2)", "7 / 2", "2 ** 3", "1.5", "07", "x", "1 2", "(1)(2)", "__import__('os')"]) {
      expect(E.isLeft(evaluate(text))).toBe(true);
    }
  });

  test.prop([fc.string({ maxLength: 40 })], { numRuns: 1000 })("never throws", (text) => {
    expect(() => evaluateValue(text)).not.toThrow();
  });

  test.prop([fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 2, maxLength: 6 }), fc.array(fc.constantFrom("+", "-", "*"), { minLength: 5, maxLength: 5 })], {
    numRuns: 300,
  })("agrees with JavaScript arithmetic on small operands", (numbers, operators) => {
    const text = numbers.map((number, index) => (index === 0 ? `${number}` : ` ${operators[index - 1]} ${number}`)).join("");
    // An independent oracle: fold each run of products, then add and subtract left to right.
    const terms: number[] = [numbers[0] ?? 0];
    const signs: number[] = [1];
    for (let index = 1; index < numbers.length; index++) {
      const operator = operators[index - 1];
      const number = numbers[index] ?? 0;
      if (operator === "*") terms[terms.length - 1] = (terms.at(-1) ?? 0) * number;
      else {
        terms.push(number);
        signs.push(operator === "+" ? 1 : -1);
      }
    }
    const expected = terms.reduce((total, term, index) => total + (signs[index] ?? 1) * term, 0);
    expect(evaluateValue(text)).toBe(expected === 0 ? 0 : expected);
  });
});

describe("printFull() and printMinimal()", () => {
  it("write the official and the compact spelling of one tree", () => {
    const tree = parseExpression("((8 - (17 - 2)) + (-3 * 2))");
    expect(E.isRight(tree) && printFull(tree.right)).toBe("((8 - (17 - 2)) + (-3 * 2))");
    expect(E.isRight(tree) && printMinimal(tree.right)).toBe("8-(17-2)+-3*2");
    expect(respell("-2--3*-7", true)).toBe("-2 - -3 * -7");
  });
});
