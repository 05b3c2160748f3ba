/**
 * A toy version of the embedded student's multistep-arithmetic corpus (`student.md`): two
 * groups of two single-digit operands with a compact rationale, e.g. `((-5 + 9) * (3 - -2)) =`
 * then `-5+9=4\n3--2=5\n4*5=20\nA:20`. Used by tests and benchmarks, which must not depend on the
 * task module's exact formats.
 *
 * @module
 */
import { createPrng } from "../../util/prng.js";

/** A toy problem: the prompt (ending with a newline), the rationale and the answer. */
export interface ToyProblem {
  readonly prompt: string;
  readonly rationale: string;
  readonly answer: string;
}

function apply(a: number, operator: string, b: number): number {
  return operator === "+" ? a + b : operator === "-" ? a - b : a * b;
}

/** `count` seeded toy problems. */
export function toyArithmetic(count: number, seed: number): ToyProblem[] {
  const prng = createPrng(seed);
  const operators = ["+", "-", "*"];
  const problems: ToyProblem[] = [];
  for (let index = 0; index < count; index++) {
    const [a, b, c, d] = [0, 0, 0, 0].map(() => prng.int(-9, 9)) as [number, number, number, number];
    const [x, y, z] = [0, 0, 0].map(() => prng.pick(operators)) as [string, string, string];
    const left = apply(a, x, b);
    const right = apply(c, y, d);
    const answer = apply(left, z, right);
    problems.push({
      prompt: `((${a} ${x} ${b}) ${z} (${c} ${y} ${d})) =\n`,
      rationale: `${a}${x}${b}=${left}\n${c}${y}${d}=${right}\n${left}${z}${right}=${answer}\nA:${answer}`,
      answer: String(answer),
    });
  }
  return problems;
}
