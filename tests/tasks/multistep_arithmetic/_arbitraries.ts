import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import type { Problem } from "../../../src/codecs/problem.js";
import {
  evaluateValue,
  generateProblems,
  multistepArithmetic,
  parseRationale,
  type Rationale,
  type RationaleStep,
  renderFinalEquation,
  renderRationale,
} from "../../../src/tasks/multistep_arithmetic/mod.js";

export type DifficultyName = "easy" | "medium" | "official";

/** A problem of a difficulty, from a random seed. */
export function problemArbitrary(difficulty: DifficultyName): fc.Arbitrary<Problem> {
  return fc.integer({ min: 0, max: 1_000_000 }).map((seed) => {
    const [problem] = generateProblems({ count: 1, seed, difficulty, split: "all" });
    if (problem === undefined) throw new Error("no problem generated");
    return problem;
  });
}

/** A problem of any difficulty. */
export const anyProblem: fc.Arbitrary<Problem> = fc.oneof(
  problemArbitrary("easy"),
  problemArbitrary("medium"),
  problemArbitrary("official"),
);

/** How to break a gold rationale. */
export interface Mutation {
  /** Which line to change (taken modulo the number of lines). */
  readonly line: number;
  /**
   * `value`: the step's result (or the final answer) becomes wrong, nothing else changes;
   * `cascade`: the same, and the later steps follow the wrong value as a student would;
   * `inside`: one number inside an intermediate expression of the step changes its value.
   */
  readonly mode: "value" | "cascade" | "inside";
  /** How far the wrong value is from the right one (never 0). */
  readonly delta: number;
  /** Which number to change, for `inside` and for step (1). */
  readonly pick: number;
}

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  line: fc.nat(40),
  mode: fc.constantFrom("value" as const, "cascade" as const, "inside" as const),
  delta: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -40, max: -1 })),
  pick: fc.nat(50),
});

/** A gold rationale with one wrong step, and the step FBK must name. */
export interface Mutated {
  readonly attempt: string;
  readonly expectedStep: string;
}

const NUMBER = /-?\d+/g;

function shift(text: string, delta: number): string {
  return String(BigInt(text) + BigInt(delta));
}

/** Replaces the `pick`-th number of `text` (modulo their count) by itself plus `delta`. */
function shiftNumber(text: string, pick: number, delta: number): string {
  const matches = [...text.matchAll(NUMBER)];
  const match = matches[pick % Math.max(1, matches.length)];
  if (match === undefined || match.index === undefined) return text;
  return `${text.slice(0, match.index)}${shift(match[0], delta)}${text.slice(match.index + match[0].length)}`;
}

function withStep(rationale: Rationale, index: number, step: RationaleStep): Rationale {
  return { ...rationale, steps: rationale.steps.map((old, at) => (at === index ? step : old)) };
}

function cascadeFrom(rationale: Rationale, values: Map<string, string>): Rationale {
  const steps = [...rationale.steps];
  const last = steps.length - 1;
  const final = steps[last];
  if (final?.kind !== "final-equation") return rationale;
  const expression = final.chain[0] ?? "";
  const text = renderFinalEquation(expression, [...values.entries()]);
  const parsed = parseRationale(`(${final.id}) ${text}\n(Final response) So the answer is 0.`);
  if (E.isLeft(parsed)) return rationale;
  const step = parsed.right.steps[0];
  if (step?.kind !== "final-equation") return rationale;
  steps[last] = step;
  return { steps, answer: step.chain.at(-1) ?? rationale.answer };
}

/**
 * Breaks one step of a gold rationale (see {@linkcode Mutation}). The result always differs from
 * the gold text, and FBK must name `expectedStep`.
 */
export function mutate(problem: Problem, gold: string, mutation: Mutation): Mutated {
  const parsed = parseRationale(gold);
  if (E.isLeft(parsed)) throw new Error(parsed.left.message);
  const rationale = parsed.right;
  const lineCount = rationale.steps.length + 1;
  const index = mutation.line % lineCount;
  const delta = mutation.delta;

  if (index === rationale.steps.length) {
    return { attempt: renderRationale({ ...rationale, answer: shift(rationale.answer, delta) }), expectedStep: "Final response" };
  }
  const step = rationale.steps[index];
  if (step === undefined) throw new Error("no step");

  if (step.kind === "partition") {
    // Change one number of one group so that the whole expression changes its value.
    const truth = evaluateValue(problem.question.replace(/\s*=\s*$/, ""));
    for (let attemptNumber = 0; attemptNumber < 12; attemptNumber++) {
      const groupIndex = (mutation.pick + attemptNumber) % step.groups.length;
      const groups = step.groups.map((group, at) =>
        at === groupIndex ? { ...group, group: shiftNumber(group.group, mutation.pick + attemptNumber, delta) } : group
      );
      let restored = step.expression;
      for (const { letter, group } of groups) restored = restored.split(letter).join(group);
      const value = evaluateValue(restored);
      if (value !== undefined && truth !== undefined && BigInt(value) !== BigInt(truth)) {
        return { attempt: renderRationale(withStep(rationale, index, { ...step, groups })), expectedStep: step.id };
      }
    }
    // The expression ignores every change tried (a factor 0): break the final answer instead.
    return { attempt: renderRationale({ ...rationale, answer: shift(rationale.answer, delta) }), expectedStep: "Final response" };
  }

  const chain = [...step.chain];
  const firstChecked = step.kind === "calculate" ? 1 : 1;
  if (mutation.mode === "inside" && chain.length - 1 > firstChecked) {
    // An intermediate part: calculate → parts 1 … n-2; final equation → the substitution … n-2.
    const span = chain.length - 1 - firstChecked;
    const at = firstChecked + (mutation.pick % span);
    const before = evaluateValue(chain[at] ?? "");
    for (let tries = 0; tries < 12; tries++) {
      const changed = shiftNumber(chain[at] ?? "", mutation.pick + tries, delta);
      const after = evaluateValue(changed);
      if (before !== undefined && after !== undefined && BigInt(before) !== BigInt(after)) {
        chain[at] = changed;
        return { attempt: renderRationale(withStep(rationale, index, { ...step, chain })), expectedStep: step.id };
      }
    }
  }
  // The step's result becomes wrong.
  chain[chain.length - 1] = shift(chain.at(-1) ?? "0", delta);
  let broken = withStep(rationale, index, { ...step, chain });
  if (mutation.mode === "cascade") {
    if (step.kind === "calculate") {
      const values = new Map<string, string>();
      for (const other of broken.steps) {
        if (other.kind === "calculate") values.set(other.letter, other.chain.at(-1) ?? "0");
      }
      broken = cascadeFrom(broken, values);
    } else {
      broken = { ...broken, answer: chain.at(-1) ?? broken.answer };
    }
  }
  return { attempt: renderRationale(broken), expectedStep: step.id };
}

/** A problem with its gold rationale and one mutation of it. */
export function mutatedArbitrary(difficulty: DifficultyName): fc.Arbitrary<{ problem: Problem; gold: string; mutated: Mutated }> {
  return fc.tuple(problemArbitrary(difficulty), mutationArbitrary).map(([problem, mutation]) => {
    const gold = multistepArithmetic.solve(problem);
    return { problem, gold, mutated: mutate(problem, gold, mutation) };
  });
}

/**
 * Structural breakage a student may produce: a numbered line dropped (the final equation skipped,
 * for example), a line repeated, or the rationale cut before the final response.
 */
export function structuralArbitrary(difficulty: DifficultyName): fc.Arbitrary<{ problem: Problem; attempt: string }> {
  return fc.tuple(problemArbitrary(difficulty), fc.nat(20), fc.constantFrom("drop", "repeat", "answer-last-step")).map(
    ([problem, pick, kind]) => {
      const lines = multistepArithmetic.solve(problem).split("\n");
      const numbered = lines.slice(0, -1);
      const at = pick % numbered.length;
      if (kind === "drop") {
        const kept = numbered.filter((_, index) => index !== at);
        const previous = kept.at(-1) ?? "";
        const value = /= (-?\d+)\.$/.exec(previous)?.[1] ?? "0";
        return { problem, attempt: [...kept, `(Final response) So the answer is ${value}.`].join("\n") };
      }
      if (kind === "repeat") {
        const repeated = [...numbered, numbered[at] ?? ""];
        const value = /= (-?\d+)\.$/.exec(numbered[at] ?? "")?.[1] ?? "0";
        return { problem, attempt: [...repeated, `(Final response) So the answer is ${value}.`].join("\n") };
      }
      const value = /= (-?\d+)\.$/.exec(numbered[at] ?? "")?.[1] ?? "0";
      return { problem, attempt: [...numbered.slice(0, at + 1), `(Final response) So the answer is ${value}.`].join("\n") };
    },
  );
}
