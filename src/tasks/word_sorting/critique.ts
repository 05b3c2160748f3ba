/**
 * The scripted word sorting FBK: every check of the official verifier
 * (`models/verifier/word_sorting.py::WS_Verifier`, `tripost.md` §5.1), by step type, in the
 * official order. The first failing check gives the feedback, in the official wording, with the
 * error step and segment the official verifier gives. Where the official verifier raises (its
 * `[ERROR]`, and the sample is dropped), this returns a `Left`.
 *
 * Checks per step, in order (the tree is visited in pre-order, the final response last):
 * - `(1) The first letter: …`: LETTER_TO_SORT, SELF_CONSISTENT, TO_NUM(0).
 * - `Now sort this subpart [..] by looking at their k letters: …`: TO_SUBPART, LETTER_TO_SORT,
 *   SELF_CONSISTENT, TO_NUM(k).
 * - `We now have: …`: SORT. - `Hence, we have …`: COMBINE. - `(Final response)`: FINAL.
 *
 * Reason strings are verbatim official except these, which are ours (the official verifier
 * raises instead): `"w" has no <k> letter, so it should be ""` and `the alphabetical order for a
 * missing letter should be 0` (a word that ran out of letters, see `solve.ts`). Where the
 * official text lists a Python set (missing words, missing numbers) we list words in question
 * order and numbers ascending, and where it walks a set of words (the order constraints of a
 * "Hence" line) we walk them in written order; that can change which pair a reason names, never
 * the step or the segment. Official quirks kept on purpose: the segment of a "Now sort this
 * subpart" LETTER_TO_SORT error is that text lowercased; the segment of a word that does not
 * belong to the subpart is the map's number only (e.g. `(19)`); a "We now have" line as the
 * last step gives a reason with two spaces after "that:".
 *
 * Our parser is stricter than the official one (it reads only the lines the gold solver writes,
 * with any content), so some attempts the official verifier would still judge give a `Left`
 * here: a step (1) that is not a "The … letter:" line (officially a "start from the first
 * letter" feedback), the few-shot variants "Now let's sort this subpart" and "Sort [..] again",
 * or extra spaces. A student trained on the gold format writes none of these.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Problem } from "../../codecs/problem.js";
import type { Verdict } from "../../codecs/critique.js";
import { correctFeedback, errorFeedback } from "../feedback.js";
import { compareStepIds } from "../steps.js";
import type { ParseError } from "../task.js";
import { ordinalOf } from "./_ordinal.js";
import { wordsOfQuestion } from "./generate.js";
import {
  type HenceStep,
  type LetterMap,
  type LettersStep,
  type OrderingStep,
  parseRationale,
  preOrder,
  renderChain,
  renderGroups,
  renderMap,
  renderMaps,
  renderStep,
  renderSubpart,
  type StepNode,
  stepTree,
  subpartHead,
  type SubpartStep,
  type WordSortingStep,
  type WordSortingRationale,
} from "./rationale.js";
import { letterAt, letterValue, sortWords } from "./solve.js";

/** A failed check: the step, the segment and the reason (the text after "This is because"). */
export interface WordSortingFinding {
  readonly step: string;
  readonly segment: string;
  readonly reason: string;
  /** The 0-based line index of the error step (the number of steps for the final response). */
  readonly index?: number;
}

type Outcome = E.Either<ParseError, WordSortingFinding | undefined>;

const PASS: Outcome = E.right(undefined);

function abort(message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line: 0, message });
}

function found(step: string, segment: string, reason: string): Outcome {
  return E.right({ step, segment, reason });
}

interface Context {
  readonly entities: readonly string[];
  readonly entitySet: ReadonlySet<string>;
  readonly listText: string;
  readonly steps: readonly WordSortingStep[];
  readonly root: StepNode;
  readonly nodes: readonly StepNode[];
}

function notInQuestion(context: Context, word: string): string {
  return `"${word}" is not in the list of words provided by the question statement: ${context.listText}`;
}

function checkToNum(context: Context, id: string, maps: readonly LetterMap[], position: number): Outcome {
  const ordinal = ordinalOf(position);
  for (const map of maps) {
    const segment = renderMap(map);
    if (!context.entitySet.has(map.word)) return found(id, segment, notInQuestion(context, map.word));
    const letter = letterAt(map.word, position);
    if (map.letter !== letter) {
      return found(
        id,
        segment,
        letter === ""
          ? `"${map.word}" has no ${ordinal} letter, so it should be ""`
          : `the ${ordinal} letter of "${map.word}" should be "${letter}"`,
      );
    }
    const value = letterValue(letter);
    if (map.value !== value) {
      return found(
        id,
        segment,
        letter === ""
          ? "the alphabetical order for a missing letter should be 0"
          : `the alphabetical order for the character "${letter}" should be ${value}`,
      );
    }
  }
  return PASS;
}

function checkLetters(context: Context, step: LettersStep): Outcome {
  const mapsText = renderMaps(step.maps);
  if (step.position !== 0) {
    return found(step.id, mapsText.toLowerCase(), "you should start sorting from the first letter of the words");
  }
  const seen = new Set<string>();
  for (const map of step.maps) {
    if (!context.entitySet.has(map.word)) return found(step.id, renderMap(map), notInQuestion(context, map.word));
    if (seen.has(map.word)) return found(step.id, renderMap(map), `"${map.word}" is duplicated`);
    seen.add(map.word);
  }
  const missing = context.entities.filter((word) => !seen.has(word));
  if (missing.length > 0) {
    return found(
      step.id,
      mapsText,
      `you missed the words "${missing.join(" ")}", which are in the list of words provided by the question statement: ${context.listText}`,
    );
  }
  return checkToNum(context, step.id, step.maps, 0);
}

function isSubset(words: readonly string[], of: readonly string[]): boolean {
  const set = new Set(of);
  return words.every((word) => set.has(word));
}

function checkSubpart(context: Context, node: StepNode, step: SubpartStep): Outcome {
  const subpartText = renderSubpart(step.subpart);
  // TO_SUBPART: the subpart must stand in the latest earlier sibling "We now have" line.
  let sibling: StepNode | undefined;
  for (const other of node.parent?.children ?? []) {
    if (other === node || other.step?.kind !== "ordering" || compareStepIds(node.id, other.id) <= 0) continue;
    if (sibling === undefined || compareStepIds(other.id, sibling.id) > 0) sibling = other;
  }
  if (sibling?.step === undefined) return abort(`Cannot find a "We now have" step before step (${step.id})`);
  if (!renderStep(sibling.step).replaceAll(" ", "").includes(subpartText.replaceAll(" ", ""))) {
    return found(step.id, subpartText, `this subpart is not amongst the unknown subparts in step (${sibling.id})`);
  }
  if (!step.subpart.every((word) => context.entitySet.has(word))) return abort(`Cannot check step (${step.id}) as its subpart has unknown words`);
  // LETTER_TO_SORT: the first pass over a subpart looks at the second letter, each later pass at the next one.
  const head = subpartHead(step).toLowerCase();
  const earlier: { position: number; id: string }[] = [];
  for (const other of context.nodes) {
    if (other.step?.kind !== "subpart" || compareStepIds(step.id, other.id) <= 0) continue;
    if (!other.step.subpart.every((word) => context.entitySet.has(word))) return abort(`Cannot check step (${other.id}) as its subpart has unknown words`);
    if (isSubset(step.subpart, other.step.subpart)) earlier.push({ position: other.step.position, id: other.id });
  }
  if (earlier.length === 0) {
    if (step.position !== 1) return found(step.id, head, `the second letter of ${subpartText} has not been sorted yet`);
  } else {
    const sorted = [...earlier].sort((a, b) => a.position - b.position);
    const last = (sorted.at(-1) as { position: number }).position;
    if (step.position <= last) {
      const seen = sorted.find((entry) => entry.position === step.position);
      if (seen === undefined) return abort(`Cannot find the step that checked the ${ordinalOf(step.position)} letter of ${subpartText}`);
      return found(step.id, head, `the ${ordinalOf(step.position)} letter of ${subpartText} has already been checked in step (${seen.id})`);
    }
    if (step.position - 1 !== last) {
      return found(step.id, head, `the ${ordinalOf(last + 1)} letter of ${subpartText} has not been sorted yet`);
    }
  }
  // SELF_CONSISTENT: the maps cover exactly the subpart's words.
  const inSubpart = new Set(step.subpart);
  const mapped = new Set<string>();
  for (const map of step.maps) {
    if (!inSubpart.has(map.word)) {
      return found(step.id, `(${map.value})`, `"${map.word}" is not in the list of words you wanted to sort: ${subpartText}`);
    }
    mapped.add(map.word);
  }
  const missing = [...inSubpart].filter((word) => !mapped.has(word));
  if (missing.length > 0) {
    return found(
      step.id,
      renderMaps(step.maps),
      `you miss the words "${missing.join(" ")}", which were in the subpart you wanted to sort: ${subpartText}`,
    );
  }
  return checkToNum(context, step.id, step.maps, step.position);
}

function checkOrdering(context: Context, node: StepNode, step: OrderingStep): Outcome {
  const text = renderGroups(step.groups);
  const single = step.groups.find((group) => group.bracketed && group.words.length === 1);
  if (single !== undefined) {
    return found(step.id, text, `"${renderSubpart(single.words)}" has only a single word, so it is not a subpart that needs further sorting`);
  }
  const previous = context.steps[node.index - 1];
  if (previous === undefined || (previous.kind !== "letters" && previous.kind !== "subpart")) {
    return abort(`Cannot check step (${step.id}) as the step before it maps no letters`);
  }
  const byValue = new Map<number, string[]>();
  for (const map of previous.maps) {
    const words = byValue.get(map.value);
    if (words === undefined) byValue.set(map.value, [map.word]);
    else words.push(map.word);
  }
  const expected = [...byValue.entries()].sort(([a], [b]) => a - b);
  const first = step.groups[0];
  if (step.groups.length === 1 && first !== undefined && !(first.bracketed && first.words.length > 1)) {
    return found(step.id, text, "it is not a valid sorted list");
  }
  if (step.groups.length !== expected.length) {
    const proposed = new Set(step.groups.map((group) => group.value));
    const keys = new Set(expected.map(([value]) => value));
    const missing = [...keys].filter((value) => !proposed.has(value)).sort((a, b) => a - b);
    const extra = [...proposed].filter((value) => !keys.has(value)).sort((a, b) => a - b);
    if (missing.length > 0) {
      return found(
        step.id,
        text,
        `according to step (${previous.id}), this ordering does not have words with the numbers ${missing.map((value) => `(${value})`).join(" ")} sorted correctly`,
      );
    }
    if (extra.length > 0) {
      return found(
        step.id,
        text,
        `words with the numbers ${extra.map((value) => `(${value})`).join(" ")} does not exist in the result from previous step (${previous.id})`,
      );
    }
    return abort(`Cannot check step (${step.id}) as its numbers repeat`);
  }
  for (let index = 0; index < step.groups.length; index++) {
    const group = step.groups[index] as (typeof step.groups)[number];
    const words = new Set<string>();
    for (const word of group.words) {
      if (!context.entitySet.has(word)) {
        return found(step.id, text, `the word "${word}" is not in the list of words provided by the question statement: ${context.listText}`);
      }
      if (group.bracketed && words.has(word)) return found(step.id, text, `the word "${word}" inside is duplicated`);
      words.add(word);
    }
    const [value, expectedWords] = expected[index] as [number, string[]];
    if (group.value !== value) {
      if (index === 0) {
        return found(
          step.id,
          text,
          `words are not sorted in ascending order. Using results from step (${previous.id}), the first and smallest number should be ${value}`,
        );
      }
      const [before] = expected[index - 1] as [number, string[]];
      return found(
        step.id,
        text,
        `words are not sorted in ascending order. Using results from step (${previous.id}), those words with (${value}) should come after words with (${before})`,
      );
    }
    const wanted = new Set(expectedWords);
    if (wanted.size !== words.size || ![...words].every((word) => wanted.has(word))) {
      return found(step.id, text, `according to step (${previous.id}), words with (${value}) should be: ${expectedWords.join(" ")}`);
    }
  }
  return PASS;
}

function checkHence(context: Context, node: StepNode, step: HenceStep): Outcome {
  const text = renderChain(step.words, step.relations);
  if (step.relations.includes("?")) {
    return found(step.id, text, 'this subpart has not yet been sorted completely (contains "?"), so it should not be a conclusion step');
  }
  const constraints: OrderingStep[] = [];
  for (const other of preOrder(node.parent as StepNode)) {
    if (other.step?.kind === "ordering" && other.step.groups.length > 1) constraints.push(other.step);
  }
  if (constraints.length === 0) return abort(`Cannot check step (${step.id}) as no "We now have" step orders its words`);
  for (let index = 0; index < step.words.length; index++) {
    const word = step.words[index] as string;
    if (!context.entitySet.has(word)) return found(step.id, text, notInQuestion(context, word));
    if (step.relations[index] === ">") return found(step.id, text, "you should always sort in ascending order, from smallest to largest");
  }
  for (const constraint of constraints) {
    const constraintText = renderGroups(constraint.groups);
    for (let index = 0; index + 1 < constraint.groups.length; index++) {
      const smaller = (constraint.groups[index] as (typeof constraint.groups)[number]).words;
      const larger = (constraint.groups[index + 1] as (typeof constraint.groups)[number]).words;
      for (const low of smaller) {
        for (const high of larger) {
          if (low === high) return abort(`Cannot check step (${step.id}) as step (${constraint.id}) repeats "${low}"`);
          const lowAt = step.words.indexOf(low);
          const highAt = step.words.indexOf(high);
          if (lowAt < 0) {
            return found(step.id, text, `the order of the word "${low}" is already established in step (${constraint.id}) that: ${constraintText}`);
          }
          if (highAt < 0) {
            return found(step.id, text, `the order of the word "${high}" is already established in step (${constraint.id}) that: ${constraintText}`);
          }
          if (lowAt > highAt) {
            return found(
              step.id,
              text,
              `the order of "${low}" and "${high}" is inconsistent with the result in step (${constraint.id}) that: ${constraintText}`,
            );
          }
        }
      }
    }
  }
  return PASS;
}

function checkFinal(context: Context, rationale: WordSortingRationale): Outcome {
  const last = rationale.steps.at(-1);
  if (last === undefined) return abort("Cannot check the final response as there are no steps");
  let lastWords: string[];
  let established: string;
  if (last.kind === "hence") {
    if (last.relations.some((relation) => relation !== "<")) return abort(`Cannot read the words of step (${last.id})`);
    lastWords = [...last.words];
    established = renderChain(last.words, last.relations);
  } else if (last.kind === "ordering") {
    if (last.groups.some((group) => group.bracketed && group.words.length > 1)) return abort(`Cannot read the words of step (${last.id})`);
    lastWords = last.groups.flatMap((group) => group.words);
    established = ` ${renderGroups(last.groups)}`;
  } else {
    return abort(`Cannot check the final response as step (${last.id}) sorts nothing`);
  }
  if (!lastWords.every((word) => context.entitySet.has(word))) return abort(`Cannot read the words of step (${last.id})`);
  const lastSet = new Set(lastWords);
  if (lastSet.size !== context.entitySet.size || ![...lastSet].every((word) => context.entitySet.has(word))) {
    return found("Final response", "", `you have not yet sorted all the words in the question statement in step (${last.id})`);
  }
  const answer = rationale.answer.trim();
  const answerWords = answer === "" ? [] : answer.split(/\s+/);
  if (answerWords.length !== lastWords.length || answerWords.some((word, index) => word !== lastWords[index])) {
    return found("Final response", answer, `in step (${last.id}) it is established that: ${established}`);
  }
  const gold = sortWords(context.entities);
  if (answerWords.length !== gold.length || answerWords.some((word, index) => word !== gold[index])) {
    return abort("Cannot judge the final response as every step passes but the answer is wrong");
  }
  return PASS;
}

function checkNode(context: Context, node: StepNode): Outcome {
  const step = node.step;
  if (step === undefined) return PASS;
  switch (step.kind) {
    case "letters":
      return checkLetters(context, step);
    case "subpart":
      return checkSubpart(context, node, step);
    case "ordering":
      return checkOrdering(context, node, step);
    case "hence":
      return checkHence(context, node, step);
  }
}

/**
 * The first failing check of a parsed rationale, `undefined` when every check passes, or a
 * `Left` where the official verifier raises.
 */
export function findWordSortingError(problem: Problem, rationale: WordSortingRationale): E.Either<ParseError, WordSortingFinding | undefined> {
  const entities = wordsOfQuestion(problem.question);
  if (entities === undefined) return abort("Cannot find the list of words in the question");
  // The official verifier asserts that the gold answer sorts the question's words; an empty
  // answer (an attempt record without one) stands for "the sorted words".
  const sorted = sortWords(entities);
  const gold = problem.answer.trim() === "" ? sorted : problem.answer.trim().split(/\s+/);
  if (sorted.length !== gold.length || sorted.some((word, index) => word !== gold[index])) {
    return abort("Cannot critique as the gold answer does not sort the question's words");
  }
  const { steps } = rationale;
  if (steps.length === 0 || steps[0]?.id !== "1") return abort("Cannot critique as the rationale does not start with step (1)");
  for (const step of steps) {
    if ((step.id === "1") !== (step.kind === "letters")) {
      return abort(`Cannot critique as step (${step.id}) is of the wrong kind for its number`);
    }
  }
  const tree = stepTree(steps);
  if (E.isLeft(tree)) return tree;
  const root = tree.right;
  const nodes = preOrder(root);
  const context: Context = { entities, entitySet: new Set(entities), listText: entities.join(" "), steps, root, nodes };
  for (const node of nodes) {
    if (node === root) continue;
    const outcome = checkNode(context, node);
    if (E.isLeft(outcome)) return outcome;
    if (outcome.right !== undefined) return E.right({ ...outcome.right, index: node.index });
  }
  const final = checkFinal(context, rationale);
  if (E.isRight(final) && final.right !== undefined) return E.right({ ...final.right, index: steps.length });
  return final;
}

/**
 * The scripted FBK: the verdict on an attempt (numbered steps and the `(Final response)` line),
 * with the official feedback line (`style: "scripted"`). A `Left` where the official verifier
 * gives `[ERROR]`: an attempt it cannot parse or check.
 *
 * @example The verdict of `tripost.md` §2.2
 * ```ts
 * const verdict = critiqueWordSorting(problem, attempt);
 * assertEquals(
 *   E.isRight(verdict) && verdict.right.feedback,
 *   'Step (1) to (3.1) are correct. In step (3.2) the part " "coterie"="c" (3) " is incorrect. This is because the third letter of "coterie" should be "t".',
 * );
 * ```
 */
export function critiqueWordSorting(problem: Problem, attempt: string): E.Either<ParseError, Verdict> {
  const parsed = parseRationale(attempt);
  if (E.isLeft(parsed)) return parsed;
  const rationale = parsed.right;
  const outcome = findWordSortingError(problem, rationale);
  if (E.isLeft(outcome)) return outcome;
  const finding = outcome.right;
  const { steps } = rationale;
  if (finding === undefined) {
    const last = (steps.at(-1) as WordSortingStep).id;
    return E.right({ correct: true, errorStep: null, errorSegment: null, feedback: correctFeedback(last, "scripted") });
  }
  const index = finding.index ?? steps.length;
  const previousStep = finding.step === "1" ? null : (steps[index - 1]?.id ?? null);
  return E.right({
    correct: false,
    errorStep: finding.step,
    errorSegment: finding.segment,
    feedback: errorFeedback({ previousStep, errorStep: finding.step, segment: finding.segment, reason: finding.reason }, "scripted"),
  });
}
