import fc from "fast-check";
import type { Problem } from "../../../src/codecs/problem.js";
import {
  generateWordSorting,
  type LetterMap,
  type OrderingGroup,
  type Relation,
  type WordSortingRationale,
  type WordSortingStep,
} from "../../../src/tasks/word_sorting/mod.js";

/** The difficulties every property runs over. */
export const DIFFICULTIES = ["easy", "medium", "official"] as const;

/** A generated problem of a difficulty (the first of any seed). */
export function problemArbitrary(difficulty: string): fc.Arbitrary<Problem> {
  return fc.integer({ min: 0, max: 10_000_000 }).map((seed) => generateWordSorting({ count: 1, seed, difficulty })[0] as Problem);
}

/** What a mutation changes. */
export type MutationKind = "letter" | "number" | "ordinal" | "order" | "group-number" | "hence-order" | "answer-order" | "answer-drop";

/** The choices a mutation draws; applied modulo the sizes of the rationale. */
export interface MutationChoice {
  readonly line: number;
  readonly kind: number;
  readonly a: number;
  readonly b: number;
}

export const mutationChoiceArbitrary: fc.Arbitrary<MutationChoice> = fc.record({
  line: fc.nat(),
  kind: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
});

/** A mutated rationale, the step FBK must name, and what was changed. */
export interface Mutation {
  readonly rationale: WordSortingRationale;
  readonly step: string;
  readonly kind: MutationKind;
}

const LETTERS = [..."abcdefghijklmnopqrstuvwxyz", ""];

function mutateMaps(maps: readonly LetterMap[], choice: MutationChoice, kind: "letter" | "number"): LetterMap[] {
  const index = choice.a % maps.length;
  return maps.map((map, at) => {
    if (at !== index) return map;
    if (kind === "number") return { ...map, value: map.value + 1 + (choice.b % 25) };
    const others = LETTERS.filter((letter) => letter !== map.letter);
    return { ...map, letter: others[choice.b % others.length] as string };
  });
}

function swap<T>(items: readonly T[], index: number): T[] {
  const copy = [...items];
  [copy[index], copy[index + 1]] = [copy[index + 1] as T, copy[index] as T];
  return copy;
}

function stepMutations(step: WordSortingStep): MutationKind[] {
  switch (step.kind) {
    case "letters":
      return ["letter", "number", "ordinal"];
    case "subpart":
      return ["letter", "number", "ordinal"];
    case "ordering":
      return step.groups.length > 1 ? ["order", "group-number"] : [];
    case "hence":
      return step.words.length > 1 ? ["hence-order"] : [];
  }
}

function mutateStep(step: WordSortingStep, kind: MutationKind, choice: MutationChoice): WordSortingStep {
  if (step.kind === "letters" || step.kind === "subpart") {
    if (kind === "ordinal") return { ...step, position: step.position + 1 + (choice.b % 2) };
    return { ...step, maps: mutateMaps(step.maps, choice, kind === "number" ? "number" : "letter") };
  }
  if (step.kind === "ordering") {
    if (kind === "order") return { ...step, groups: swap(step.groups, choice.a % (step.groups.length - 1)) };
    const index = choice.a % step.groups.length;
    const groups: OrderingGroup[] = step.groups.map((group, at) =>
      at === index ? { ...group, value: group.value + 1 + (choice.b % 25) } : group
    );
    return { ...step, groups };
  }
  return { ...step, words: swap(step.words, choice.a % (step.words.length - 1)) };
}

/**
 * One wrong value in one line of a gold rationale: a wrong letter or number in a letter map, a
 * later letter position in a "sort" line, two groups of a "We now have" line swapped or a group's
 * number changed, two words of a "Hence" line swapped, or the answer with two words swapped or
 * one dropped. Each is a mutation whose first failing check (by the official rules) is on the
 * changed line.
 */
export function mutate(rationale: WordSortingRationale, choice: MutationChoice): Mutation {
  const targets: { index: number; kinds: MutationKind[] }[] = rationale.steps
    .map((step, index) => ({ index, kinds: stepMutations(step) }))
    .filter((target) => target.kinds.length > 0);
  const answerWords = rationale.answer.split(" ");
  targets.push({ index: rationale.steps.length, kinds: answerWords.length > 1 ? ["answer-order", "answer-drop"] : ["answer-drop"] });
  const target = targets[choice.line % targets.length] as { index: number; kinds: MutationKind[] };
  const kind = target.kinds[choice.kind % target.kinds.length] as MutationKind;
  if (target.index === rationale.steps.length) {
    const words = kind === "answer-order"
      ? swap(answerWords, choice.a % (answerWords.length - 1))
      : answerWords.filter((_, at) => at !== choice.a % answerWords.length);
    return { rationale: { ...rationale, answer: words.join(" ") }, step: "Final response", kind };
  }
  const steps = rationale.steps.map((step, index) => (index === target.index ? mutateStep(step, kind, choice) : step));
  return { rationale: { ...rationale, steps }, step: (rationale.steps[target.index] as WordSortingStep).id, kind };
}

const word = fc.stringMatching(/^[a-z][a-z&'-]{0,7}$/);
const letter = fc.stringMatching(/^[a-z&'-]?$/);
const value = fc.integer({ min: 0, max: 999_999 });
const id = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }).map((parts) => parts.join("."));
const position = fc.integer({ min: 0, max: 98 });
const maps = fc.array(fc.record({ word, letter, value }), { minLength: 1, maxLength: 5 });
const words = fc.array(word, { minLength: 1, maxLength: 5 });
const relation = fc.constantFrom<Relation>("<", ">", "?");

const step: fc.Arbitrary<WordSortingStep> = fc.oneof(
  fc.record({ kind: fc.constant("letters" as const), id, position, maps }),
  fc.record({ kind: fc.constant("subpart" as const), id, subpart: words, position, maps }),
  fc.record({
    kind: fc.constant("ordering" as const),
    id,
    groups: fc.array(
      fc.oneof(
        fc.record({ value, words: word.map((one) => [one]), bracketed: fc.constant(false) }),
        fc.record({ value, words, bracketed: fc.constant(true) }),
      ),
      { minLength: 1, maxLength: 5 },
    ),
  }),
  words.chain((chainWords) =>
    fc.record({
      kind: fc.constant("hence" as const),
      id,
      words: fc.constant(chainWords),
      relations: fc.array(relation, { minLength: chainWords.length - 1, maxLength: chainWords.length - 1 }),
    })
  ),
);

/** Any structure the grammar can write, right or wrong. */
export const rationaleArbitrary: fc.Arbitrary<WordSortingRationale> = fc.record({
  steps: fc.array(step, { maxLength: 8 }),
  answer: fc.string({ maxLength: 30 }).filter((text) => !text.includes("\n")),
});
