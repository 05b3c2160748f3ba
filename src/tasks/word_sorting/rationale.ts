/**
 * The word sorting rationale as a structure, its parser from the official text format
 * (`tripost.md` §2.2) and its renderer back to text.
 *
 * The grammar, one line per step (ids are `(1)`, `(3.2)`, `(4.2.1)`, …):
 *
 * ```text
 * (1) The first letter: "cosh"="c" (3), "every"="e" (5).                          letters
 * (3) Now sort this subpart ["cosh" ? "coterie"] by looking at their second letters: "cosh"="o" (15), "coterie"="o" (15).
 *                                                                                   subpart
 * (2) We now have: (3) ["cosh" ? "coterie"] < (5) "every".                          ordering
 * (3.4) Hence, we have "coterie" < "cosh".                                          hence
 * (Final response) So the answer is: coterie cosh every.                            final
 * ```
 *
 * The parser is strict: it accepts exactly what {@linkcode renderRationale} writes, so
 * `render(parse(text)) === text` for every accepted text and `parse(render(r))` gives `r` back.
 * It accepts wrong content (wrong letters, numbers, orders, words, `>` and `?` in a "Hence"
 * line, single-word `[..]` groups) so that the scripted FBK can name the mistake, and returns a
 * `Left<ParseError>` for anything else; it never throws. A word whose letters have run out is
 * written with an empty letter and the number 0: `"bar"="" (0)` (our extension, see `solve.ts`).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { ParseError } from "../task.js";
import { ordinalOf, positionOf } from "./_ordinal.js";

/** `"w"="c" (n)`: a word, its letter at the position looked at (`""` when it has none), and the letter's number. */
export interface LetterMap {
  readonly word: string;
  readonly letter: string;
  readonly value: number;
}

/** One group of a "We now have" ordering: `(n) "w"`, or `(n) ["a" ? "b"]` when `bracketed`. */
export interface OrderingGroup {
  readonly value: number;
  readonly words: readonly string[];
  readonly bracketed: boolean;
}

/** A relation written between two words of a "Hence" line. */
export type Relation = "<" | ">" | "?";

/** `(1) The <ordinal> letter: <maps>.` — the first step. `position` is 0-based (0 = "first"). */
export interface LettersStep {
  readonly kind: "letters";
  readonly id: string;
  readonly position: number;
  readonly maps: readonly LetterMap[];
}

/** `(i) Now sort this subpart [..] by looking at their <ordinal> letters: <maps>.` */
export interface SubpartStep {
  readonly kind: "subpart";
  readonly id: string;
  readonly subpart: readonly string[];
  readonly position: number;
  readonly maps: readonly LetterMap[];
}

/** `(i) We now have: <groups joined by " < ">.` */
export interface OrderingStep {
  readonly kind: "ordering";
  readonly id: string;
  readonly groups: readonly OrderingGroup[];
}

/** `(i) Hence, we have "a" < "b" < ….` — `relations[k]` stands between `words[k]` and `words[k + 1]`. */
export interface HenceStep {
  readonly kind: "hence";
  readonly id: string;
  readonly words: readonly string[];
  readonly relations: readonly Relation[];
}

/** One numbered line of a word sorting rationale. */
export type WordSortingStep = LettersStep | SubpartStep | OrderingStep | HenceStep;

/** A whole rationale: the numbered steps in document order and the text of the final answer. */
export interface WordSortingRationale {
  readonly steps: readonly WordSortingStep[];
  /** The text between `So the answer is: ` and the final period, as written. */
  readonly answer: string;
}

/** A node of the step tree: `(3.2)` is a child of `(3)`; top-level steps are children of the root. */
export interface StepNode {
  readonly id: string;
  /** The step's 0-based line index in the rationale; -1 for the root. */
  readonly index: number;
  readonly step: WordSortingStep | undefined;
  readonly parent: StepNode | undefined;
  readonly children: StepNode[];
}

/** Which words a line may quote: a lowercase letter, then letters, `&`, `'` or `-`. */
export const WORD_PATTERN = "[a-z][a-z&'-]*";
const LETTER_PATTERN = "[a-z&'-]?";
/**
 * A letter's number, `ord(c) - 96` as the official solver writes it: negative for the characters
 * before `a` that BIG-Bench words hold (`'` is -57, `&` -58, `-` -51), as in `"p's"="'" (-57)`.
 */
const NUMBER_PATTERN = "0|-?[1-9][0-9]{0,5}";
const ID_PATTERN = "\\d+(?:\\.\\d+)*";

const WORD = new RegExp(`^${WORD_PATTERN}$`);
const MAP = new RegExp(`^"(${WORD_PATTERN})"="(${LETTER_PATTERN})" \\((${NUMBER_PATTERN})\\)$`);
const GROUP_SINGLE = new RegExp(`^\\((${NUMBER_PATTERN})\\) "(${WORD_PATTERN})"$`);
const GROUP_BRACKET = new RegExp(`^\\((${NUMBER_PATTERN})\\) \\[(.*)\\]$`);
const QUOTED = new RegExp(`^"(${WORD_PATTERN})"$`);
const LETTERS_LINE = new RegExp(`^\\((${ID_PATTERN})\\) The ([a-z-]+) letter: (.*)\\.$`);
const SUBPART_LINE = new RegExp(
  `^\\((${ID_PATTERN})\\) Now sort this subpart \\[(.*?)\\] by looking at their ([a-z-]+) letters: (.*)\\.$`,
);
const ORDERING_LINE = new RegExp(`^\\((${ID_PATTERN})\\) We now have: (.*)\\.$`);
const HENCE_LINE = new RegExp(`^\\((${ID_PATTERN})\\) Hence, we have (.*)\\.$`);
const FINAL_LINE = /^\(Final response\) So the answer is: (.*)\.$/;

function failure(line: number, message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line, message });
}

/** Whether a text is a word the grammar accepts. */
export function isWord(text: string): boolean {
  return WORD.test(text);
}

/** Parses `"a"="b" (2), "c"="c" (3)` (at least one map). */
export function parseMaps(text: string): LetterMap[] | undefined {
  const maps: LetterMap[] = [];
  for (const part of text.split(", ")) {
    const match = MAP.exec(part);
    if (match === null) return undefined;
    maps.push({ word: match[1] as string, letter: match[2] as string, value: Number(match[3]) });
  }
  return maps;
}

/** Parses the inside of `[..]`: `"a" ? "b"` (at least one word). */
export function parseSubpartWords(text: string): string[] | undefined {
  const words: string[] = [];
  for (const part of text.split(" ? ")) {
    const match = QUOTED.exec(part);
    if (match === null) return undefined;
    words.push(match[1] as string);
  }
  return words;
}

/** Parses `(3) ["a" ? "b"] < (5) "c"` (at least one group). */
export function parseGroups(text: string): OrderingGroup[] | undefined {
  const groups: OrderingGroup[] = [];
  for (const part of text.split(" < ")) {
    const single = GROUP_SINGLE.exec(part);
    if (single !== null) {
      groups.push({ value: Number(single[1]), words: [single[2] as string], bracketed: false });
      continue;
    }
    const bracket = GROUP_BRACKET.exec(part);
    if (bracket === null) return undefined;
    const words = parseSubpartWords(bracket[2] as string);
    if (words === undefined) return undefined;
    groups.push({ value: Number(bracket[1]), words, bracketed: true });
  }
  return groups;
}

/** Parses `"a" < "b" ? "c"` (at least one word; relations `<`, `>`, `?`). */
export function parseChain(text: string): { words: string[]; relations: Relation[] } | undefined {
  const parts = text.split(" ");
  if (parts.length % 2 === 0) return undefined;
  const words: string[] = [];
  const relations: Relation[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as string;
    if (index % 2 === 1) {
      if (part !== "<" && part !== ">" && part !== "?") return undefined;
      relations.push(part);
      continue;
    }
    const match = QUOTED.exec(part);
    if (match === null) return undefined;
    words.push(match[1] as string);
  }
  return { words, relations };
}

/** Parses one numbered line. `lineNumber` (1-based) goes into the error. */
export function parseStepLine(line: string, lineNumber: number): E.Either<ParseError, WordSortingStep> {
  let match = LETTERS_LINE.exec(line);
  if (match !== null) {
    const position = positionOf(match[2] as string);
    const maps = parseMaps(match[3] as string);
    if (position === undefined) return failure(lineNumber, `Cannot parse the ordinal "${match[2]}"`);
    if (maps === undefined) return failure(lineNumber, "Cannot parse the letter maps");
    return E.right({ kind: "letters", id: match[1] as string, position, maps });
  }
  match = SUBPART_LINE.exec(line);
  if (match !== null) {
    const subpart = parseSubpartWords(match[2] as string);
    const position = positionOf(match[3] as string);
    const maps = parseMaps(match[4] as string);
    if (subpart === undefined) return failure(lineNumber, "Cannot parse the subpart");
    if (position === undefined) return failure(lineNumber, `Cannot parse the ordinal "${match[3]}"`);
    if (maps === undefined) return failure(lineNumber, "Cannot parse the letter maps");
    return E.right({ kind: "subpart", id: match[1] as string, subpart, position, maps });
  }
  match = ORDERING_LINE.exec(line);
  if (match !== null) {
    const groups = parseGroups(match[2] as string);
    if (groups === undefined) return failure(lineNumber, "Cannot parse the ordering");
    return E.right({ kind: "ordering", id: match[1] as string, groups });
  }
  match = HENCE_LINE.exec(line);
  if (match !== null) {
    const chain = parseChain(match[2] as string);
    if (chain === undefined) return failure(lineNumber, "Cannot parse the chain of words");
    return E.right({ kind: "hence", id: match[1] as string, words: chain.words, relations: chain.relations });
  }
  return failure(lineNumber, "Cannot parse the line as a word sorting step");
}

/**
 * Parses an attempt in the official format: numbered steps, then the `(Final response)` line.
 * Trailing whitespace after the final line is ignored; anything else that is off is a `Left`.
 *
 * @example The last two lines of a rationale
 * ```ts
 * const parsed = parseRationale('(3) Hence, we have "a" < "b".\n(Final response) So the answer is: a b.');
 * assertEquals(E.isRight(parsed) && parsed.right.answer, "a b");
 * ```
 */
export function parseRationale(text: string): E.Either<ParseError, WordSortingRationale> {
  const lines = text.trimEnd().split("\n");
  const last = lines.length;
  const final = FINAL_LINE.exec(lines[last - 1] as string);
  if (final === null) return failure(last, "Cannot find the (Final response) line at the end");
  const steps: WordSortingStep[] = [];
  for (let index = 0; index < last - 1; index++) {
    const step = parseStepLine(lines[index] as string, index + 1);
    if (E.isLeft(step)) return step;
    steps.push(step.right);
  }
  return E.right({ steps, answer: final[1] as string });
}

function quote(word: string): string {
  return `"${word}"`;
}

/** `"a"="b" (2), "c"="c" (3)` */
export function renderMaps(maps: readonly LetterMap[]): string {
  return maps.map(renderMap).join(", ");
}

/** `"a"="b" (2)` */
export function renderMap(map: LetterMap): string {
  return `"${map.word}"="${map.letter}" (${map.value})`;
}

/** `["a" ? "b"]` */
export function renderSubpart(words: readonly string[]): string {
  return `[${words.map(quote).join(" ? ")}]`;
}

/** `(3) ["a" ? "b"] < (5) "c"` */
export function renderGroups(groups: readonly OrderingGroup[]): string {
  return groups
    .map((group) =>
      group.bracketed ? `(${group.value}) ${renderSubpart(group.words)}` : `(${group.value}) ${quote(group.words[0] ?? "")}`
    )
    .join(" < ");
}

/** `"a" < "b"` */
export function renderChain(words: readonly string[], relations: readonly Relation[]): string {
  return words.map((word, index) => (index === 0 ? quote(word) : `${relations[index - 1] ?? "<"} ${quote(word)}`)).join(" ");
}

/** The text of a subpart step between its id and the colon: `Now sort this subpart [..] by looking at their second letters`. */
export function subpartHead(step: SubpartStep): string {
  return `Now sort this subpart ${renderSubpart(step.subpart)} by looking at their ${ordinalOf(step.position)} letters`;
}

/** One numbered line in the official format. */
export function renderStep(step: WordSortingStep): string {
  switch (step.kind) {
    case "letters":
      return `(${step.id}) The ${ordinalOf(step.position)} letter: ${renderMaps(step.maps)}.`;
    case "subpart":
      return `(${step.id}) ${subpartHead(step)}: ${renderMaps(step.maps)}.`;
    case "ordering":
      return `(${step.id}) We now have: ${renderGroups(step.groups)}.`;
    case "hence":
      return `(${step.id}) Hence, we have ${renderChain(step.words, step.relations)}.`;
  }
}

/** The `(Final response)` line. */
export function renderFinal(answer: string): string {
  return `(Final response) So the answer is: ${answer}.`;
}

/** A rationale in the official format (lines joined with `\n`, no trailing newline). */
export function renderRationale(rationale: WordSortingRationale): string {
  return [...rationale.steps.map(renderStep), renderFinal(rationale.answer)].join("\n");
}

/**
 * The step tree of the official verifier: `(n.m)` is a child of `(n)`, top-level steps are
 * children of the root (the final response). A later line with an id already used replaces the
 * earlier one as the parent of what follows. `Left` when a step's parent id has not appeared yet.
 */
export function stepTree(steps: readonly WordSortingStep[]): E.Either<ParseError, StepNode> {
  const root: StepNode = { id: "Final response", index: -1, step: undefined, parent: undefined, children: [] };
  const byId = new Map<string, StepNode>();
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index] as WordSortingStep;
    const parentId = step.id.split(".").slice(0, -1).join(".");
    const parent = parentId === "" ? root : byId.get(parentId);
    if (parent === undefined) return failure(index + 1, `Cannot find the parent step (${parentId}) of step (${step.id})`);
    const node: StepNode = { id: step.id, index, step, parent, children: [] };
    parent.children.push(node);
    byId.set(step.id, node);
  }
  return E.right(root);
}

/** The nodes of a tree in pre-order (a node, then its children's subtrees in order). */
export function preOrder(node: StepNode): StepNode[] {
  const nodes: StepNode[] = [];
  const stack: StepNode[] = [node];
  while (stack.length > 0) {
    const next = stack.pop() as StepNode;
    nodes.push(next);
    for (let index = next.children.length - 1; index >= 0; index--) stack.push(next.children[index] as StepNode);
  }
  return nodes;
}
