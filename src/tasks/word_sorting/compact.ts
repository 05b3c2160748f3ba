/**
 * The compact word sorting format for the tiny character-level student (`student.md`): the same
 * structure as the official text, one compact line per official line (so step ids map 1:1,
 * nested ids included), over a small character set (`a`–`z`, digits, `.`, space and
 * `: = [ ] ? < > L S W H A Q F`).
 *
 * | official line | compact line |
 * | --- | --- |
 * | `(1) The first letter: "cosh"="c" (3), "every"="e" (5).` | `1 L1:cosh=c3 every=e5` |
 * | `(3) Now sort this subpart ["cosh" ? "coterie"] by looking at their second letters: "cosh"="o" (15), "coterie"="o" (15).` | `3 S2[cosh?coterie]:cosh=o15 coterie=o15` |
 * | `(2) We now have: (3) ["cosh" ? "coterie"] < (5) "every".` | `2 W:3[cosh?coterie]<5every` |
 * | `(3.4) Hence, we have "coterie" < "cosh".` | `3.4 H:coterie<cosh` |
 * | `(Final response) So the answer is: coterie cosh every.` | `A:coterie cosh every` |
 *
 * `L<k>` / `S<k>` give the letter position 1-based (`L1` = "first", `S3` = "third"); a map is
 * `word=<letter><number>` (`bar=0` for a word without that letter); a "Hence" line keeps its
 * relations `<`, `>`, `?`; the answer is kept as written. The prompt is `Q:<words>\n`.
 *
 * Feedback is one line: `F:ok`, or `F:<step>:<segment>` with `<step>` the step id (`A` for the
 * final response) and the segment in compact form (`F:3.2:coterie=c3` for `"coterie"="c" (3)`,
 * `F:2:3[cosh?coterie]<5every` for an ordering, `F:3:S3[cosh?coterie]` for the lowercased
 * "now sort this subpart … third letters", `F:A:` for an empty segment). A segment with no compact
 * form is written `=` and then as is.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Verdict } from "../../codecs/critique.js";
import type { Problem } from "../../codecs/problem.js";
import type { CompactFormat, FeedbackClaim, ParseError } from "../task.js";
import { MAX_POSITION, ordinalOf, positionOf } from "./_ordinal.js";
import { wordsOfQuestion } from "./generate.js";
import {
  type LetterMap,
  type OrderingGroup,
  parseChain,
  parseGroups,
  parseMaps,
  parseRationale,
  parseSubpartWords,
  type Relation,
  renderChain,
  renderFinal,
  renderGroups,
  renderMaps,
  renderRationale,
  renderSubpart,
  WORD_PATTERN,
  type WordSortingRationale,
  type WordSortingStep,
} from "./rationale.js";

/** A letter's number; negative for `'`, `&`, `-` (`p's=\'-57`, see `rationale.ts`). */
const NUMBER = "0|-?[1-9][0-9]{0,5}";
const ID = "\\d+(?:\\.\\d+)*";
const COMPACT_MAP = new RegExp(`^(${WORD_PATTERN})=([a-z&'-]?)(${NUMBER})$`);
const COMPACT_WORD = new RegExp(`^${WORD_PATTERN}$`);
const COMPACT_GROUP = new RegExp(`^(${NUMBER})(?:(${WORD_PATTERN})|\\[([^\\]]*)\\])$`);
const COMPACT_LETTERS = new RegExp(`^(${ID}) L([1-9][0-9]?):(.*)$`);
const COMPACT_SUBPART = new RegExp(`^(${ID}) S([1-9][0-9]?)\\[([^\\]]*)\\]:(.*)$`);
const COMPACT_ORDERING = new RegExp(`^(${ID}) W:(.*)$`);
const COMPACT_HENCE = new RegExp(`^(${ID}) H:(.*)$`);
const COMPACT_FINAL = /^A:(.*)$/;

function failure(line: number, message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line, message });
}

function compactMaps(maps: readonly LetterMap[]): string {
  return maps.map((map) => `${map.word}=${map.letter}${map.value}`).join(" ");
}

function parseCompactMaps(text: string): LetterMap[] | undefined {
  const maps: LetterMap[] = [];
  for (const part of text.split(" ")) {
    const match = COMPACT_MAP.exec(part);
    if (match === null) return undefined;
    maps.push({ word: match[1] as string, letter: match[2] as string, value: Number(match[3]) });
  }
  return maps;
}

function compactWords(words: readonly string[]): string {
  return words.join("?");
}

function parseCompactWords(text: string): string[] | undefined {
  const words = text.split("?");
  return words.every((word) => COMPACT_WORD.test(word)) ? words : undefined;
}

function compactGroups(groups: readonly OrderingGroup[]): string {
  return groups.map((group) => (group.bracketed ? `${group.value}[${compactWords(group.words)}]` : `${group.value}${group.words[0] ?? ""}`)).join("<");
}

function parseCompactGroups(text: string): OrderingGroup[] | undefined {
  const groups: OrderingGroup[] = [];
  for (const part of text.split("<")) {
    const match = COMPACT_GROUP.exec(part);
    if (match === null) return undefined;
    if (match[2] !== undefined) {
      groups.push({ value: Number(match[1]), words: [match[2]], bracketed: false });
      continue;
    }
    const words = parseCompactWords(match[3] as string);
    if (words === undefined) return undefined;
    groups.push({ value: Number(match[1]), words, bracketed: true });
  }
  return groups;
}

function compactChain(words: readonly string[], relations: readonly Relation[]): string {
  return words.map((word, index) => (index === 0 ? word : `${relations[index - 1] ?? "<"}${word}`)).join("");
}

function parseCompactChain(text: string): { words: string[]; relations: Relation[] } | undefined {
  const parts = text.split(/([<>?])/);
  const words: string[] = [];
  const relations: Relation[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as string;
    if (index % 2 === 1) {
      relations.push(part as Relation);
      continue;
    }
    if (!COMPACT_WORD.test(part)) return undefined;
    words.push(part);
  }
  return { words, relations };
}

/** One numbered step as a compact line. */
export function renderCompactStep(step: WordSortingStep): string {
  switch (step.kind) {
    case "letters":
      return `${step.id} L${step.position + 1}:${compactMaps(step.maps)}`;
    case "subpart":
      return `${step.id} S${step.position + 1}[${compactWords(step.subpart)}]:${compactMaps(step.maps)}`;
    case "ordering":
      return `${step.id} W:${compactGroups(step.groups)}`;
    case "hence":
      return `${step.id} H:${compactChain(step.words, step.relations)}`;
  }
}

/** A rationale in the compact format (lines joined with `\n`). */
export function renderCompactRationale(rationale: WordSortingRationale): string {
  return [...rationale.steps.map(renderCompactStep), `A:${rationale.answer}`].join("\n");
}

function positionOfCompact(text: string): number | undefined {
  const position = Number(text) - 1;
  return position >= 0 && position <= MAX_POSITION ? position : undefined;
}

/** Parses one compact numbered line. */
export function parseCompactStep(line: string, lineNumber: number): E.Either<ParseError, WordSortingStep> {
  let match = COMPACT_LETTERS.exec(line);
  if (match !== null) {
    const position = positionOfCompact(match[2] as string);
    const maps = parseCompactMaps(match[3] as string);
    if (position === undefined || maps === undefined) return failure(lineNumber, "Cannot parse the compact letters line");
    return E.right({ kind: "letters", id: match[1] as string, position, maps });
  }
  match = COMPACT_SUBPART.exec(line);
  if (match !== null) {
    const position = positionOfCompact(match[2] as string);
    const subpart = parseCompactWords(match[3] as string);
    const maps = parseCompactMaps(match[4] as string);
    if (position === undefined || subpart === undefined || maps === undefined) {
      return failure(lineNumber, "Cannot parse the compact subpart line");
    }
    return E.right({ kind: "subpart", id: match[1] as string, subpart, position, maps });
  }
  match = COMPACT_ORDERING.exec(line);
  if (match !== null) {
    const groups = parseCompactGroups(match[2] as string);
    if (groups === undefined) return failure(lineNumber, "Cannot parse the compact ordering line");
    return E.right({ kind: "ordering", id: match[1] as string, groups });
  }
  match = COMPACT_HENCE.exec(line);
  if (match !== null) {
    const chain = parseCompactChain(match[2] as string);
    if (chain === undefined) return failure(lineNumber, "Cannot parse the compact hence line");
    return E.right({ kind: "hence", id: match[1] as string, ...chain });
  }
  return failure(lineNumber, "Cannot parse the line as a compact word sorting step");
}

/** Parses a compact attempt: compact steps, then the `A:` line. Trailing newlines are ignored. */
export function parseCompactRationale(text: string): E.Either<ParseError, WordSortingRationale> {
  const lines = text.replace(/\n+$/, "").split("\n");
  const final = COMPACT_FINAL.exec(lines[lines.length - 1] as string);
  if (final === null) return failure(lines.length, "Cannot find the A: line at the end");
  const steps: WordSortingStep[] = [];
  for (let index = 0; index < lines.length - 1; index++) {
    const step = parseCompactStep(lines[index] as string, index + 1);
    if (E.isLeft(step)) return step;
    steps.push(step.right);
  }
  return E.right({ steps, answer: final[1] as string });
}

const HEAD = /^now sort this subpart \[(.*)\] by looking at their ([a-z-]+) letters$/;
const SUBPART_SEGMENT = /^\[(.*)\]$/;
const COMPACT_HEAD = /^S([1-9][0-9]?)\[(.*)\]$/;
const NUMBER_ONLY = /^\(-?\d+\)$/;

function encodeSegmentTyped(segment: string): string | undefined {
  if (NUMBER_ONLY.test(segment)) return segment;
  const head = HEAD.exec(segment);
  if (head !== null) {
    const words = parseSubpartWords(head[1] as string);
    const position = positionOf(head[2] as string);
    if (words === undefined || position === undefined) return undefined;
    return `S${position + 1}[${compactWords(words)}]`;
  }
  const maps = parseMaps(segment);
  if (maps !== undefined) return compactMaps(maps);
  const subpart = SUBPART_SEGMENT.exec(segment);
  if (subpart !== null) {
    const words = parseSubpartWords(subpart[1] as string);
    return words === undefined ? undefined : `[${compactWords(words)}]`;
  }
  const groups = parseGroups(segment);
  if (groups !== undefined) return compactGroups(groups);
  const chain = parseChain(segment);
  if (chain !== undefined) return compactChain(chain.words, chain.relations);
  return undefined;
}

function decodeSegmentTyped(compact: string): string | undefined {
  if (NUMBER_ONLY.test(compact)) return compact;
  const head = COMPACT_HEAD.exec(compact);
  if (head !== null) {
    const position = positionOfCompact(head[1] as string);
    const words = parseCompactWords(head[2] as string);
    if (position === undefined || words === undefined) return undefined;
    return `now sort this subpart ${renderSubpart(words)} by looking at their ${ordinalOf(position)} letters`;
  }
  if (compact.includes("=")) {
    const maps = parseCompactMaps(compact);
    return maps === undefined ? undefined : renderMaps(maps);
  }
  if (compact.startsWith("[")) {
    const words = compact.endsWith("]") ? parseCompactWords(compact.slice(1, -1)) : undefined;
    return words === undefined ? undefined : renderSubpart(words);
  }
  if (/^\d/.test(compact)) {
    const groups = parseCompactGroups(compact);
    return groups === undefined ? undefined : renderGroups(groups);
  }
  const chain = parseCompactChain(compact);
  return chain === undefined ? undefined : renderChain(chain.words, chain.relations);
}

/** The compact form of an official error segment (see the module doc). */
export function encodeSegment(step: string, segment: string): string {
  if (step === "Final response") {
    return segment.startsWith("=") || segment.includes("\n") ? `=${segment.replaceAll("\n", " ")}` : segment;
  }
  const typed = encodeSegmentTyped(segment);
  if (typed !== undefined && !typed.startsWith("=") && decodeSegmentTyped(typed) === segment) return typed;
  return `=${segment.replaceAll("\n", " ")}`;
}

/** The official error segment of a compact one; `undefined` when it is malformed. */
export function decodeSegment(step: string, compact: string): string | undefined {
  if (step === "Final response") return compact.startsWith("=") ? compact.slice(1) : compact;
  if (compact.startsWith("=")) return compact.slice(1);
  return decodeSegmentTyped(compact);
}

/** A verdict as one compact feedback line. */
export function renderCompactFeedback(verdict: Verdict): string {
  if (verdict.correct || verdict.errorStep === null) return "F:ok";
  const step = verdict.errorStep === "Final response" ? "A" : verdict.errorStep;
  if (verdict.errorSegment === null) return `F:${step}`;
  return `F:${step}:${encodeSegment(verdict.errorStep, verdict.errorSegment)}`;
}

const FEEDBACK = new RegExp(`^F:(${ID}|A)(?::(.*))?$`);

/** A compact feedback line back to what it claims. */
export function parseCompactFeedback(line: string): E.Either<ParseError, FeedbackClaim> {
  if (line === "F:ok") return E.right({ correct: true, errorStep: null, errorSegment: null });
  const match = FEEDBACK.exec(line);
  if (match === null) return failure(1, "Cannot parse the compact feedback line");
  const step = match[1] === "A" ? "Final response" : (match[1] as string);
  if (match[2] === undefined) return E.right({ correct: false, errorStep: step, errorSegment: null });
  const segment = decodeSegment(step, match[2]);
  if (segment === undefined) return failure(1, "Cannot parse the segment of the compact feedback line");
  return E.right({ correct: false, errorStep: step, errorSegment: segment });
}

const STEP_HEADER = new RegExp(`^(${ID}) (?:L[1-9][0-9]?:|S[1-9][0-9]?\\[|W:|H:)`);

/**
 * The repeat key of a compact step line: its step id, when the line starts with a compact step
 * header (`<id> L<k>:`, `<id> S<k>[`, `<id> W:`, `<id> H:`), as the official cleaning reads the
 * `(<id>)` header of a line; `undefined` otherwise.
 */
export function compactStepKey(line: string): string | undefined {
  return STEP_HEADER.exec(line)?.[1];
}

/** The official final response of a compact answer line: `A:a b` → `(Final response) So the answer is: a b.` */
export function compactFinalResponse(line: string): string | undefined {
  const final = COMPACT_FINAL.exec(line);
  return final === null ? undefined : renderFinal(final[1] as string);
}

/**
 * How many compact lines come before the line of step `step`: the lines before the first line
 * whose step id is `step` (as the official editor looks for the line starting with `(<id>)`);
 * `undefined` when no line has that id.
 */
export function compactLinesBefore(lines: readonly string[], step: string): number | undefined {
  const at = lines.findIndex((line) => compactStepKey(line) === step);
  return at < 0 ? undefined : at;
}

/** The compact prompt: `Q:<words>\n`. */
export function compactPrompt(problem: Problem): string {
  const words = wordsOfQuestion(problem.question) ?? [];
  return `Q:${words.join(" ")}\n`;
}

/**
 * The word sorting {@linkcode CompactFormat}.
 *
 * @example An official line and its compact twin
 * ```ts
 * const compact = wordSortingCompact.fromTripost(problem, '(1) The first letter: "b"="b" (2), "a"="a" (1).\n(2) We now have: (1) "a" < (2) "b".\n(3) Hence, we have "a" < "b".\n(Final response) So the answer is: a b.');
 * assertEquals(compact, E.right("1 L1:b=b2 a=a1\n2 W:1a<2b\n3 H:a<b\nA:a b"));
 * ```
 */
export const wordSortingCompact: CompactFormat = {
  prompt: compactPrompt,
  fromTripost(_problem, attempt) {
    const parsed = parseRationale(attempt);
    if (E.isRight(parsed)) {
      // `w=-57` reads as the letter `-` and 57: a map with no letter and a negative number (never
      // a right one) has no compact form.
      const at = parsed.right.steps.findIndex((step) =>
        (step.kind === "letters" || step.kind === "subpart") && step.maps.some((map) => map.letter === "" && map.value < 0)
      );
      if (at >= 0) return failure(at + 1, "Cannot write a letter map with no letter and a negative number in compact form");
    }
    return E.map(renderCompactRationale)(parsed);
  },
  toTripost(_problem, attempt) {
    return E.map(renderRationale)(parseCompactRationale(attempt));
  },
  renderFeedback: renderCompactFeedback,
  parseFeedback: parseCompactFeedback,
  stepKey: compactStepKey,
  finalResponse: compactFinalResponse,
  linesBefore: compactLinesBefore,
};
