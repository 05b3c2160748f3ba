/**
 * Seeded word sorting problems, worded as the official rows and BIG-Bench-Hard:
 * `Sort the following words alphabetically:\nList: w1 w2 …`.
 *
 * @module
 */
import type { Problem, Split } from "../../codecs/problem.js";
import { createPrng, type Prng } from "../../util/prng.js";
import type { GenerateProblemsOptions } from "../task.js";
import { sortWords } from "./solve.js";
import { WORD_LIST } from "./word_list.js";

/** The question's first line; the second is `List: …`. */
export const QUESTION_HEAD = "Sort the following words alphabetically:";

/** The word counts of a difficulty, per split. */
export interface WordSortingDifficulty {
  readonly seen?: readonly [number, number];
  readonly unseen?: readonly [number, number];
}

/**
 * The difficulties: `official` is BIG-Bench's (2–20 words, uniform) with the paper's split,
 * seen = 2–7 words and unseen = 8–20 (`tripost.md` §4); `easy` (2–3 words, all seen) and
 * `medium` (4–5 words, all unseen) are for the tiny embedded student, trained on easy and tested
 * on medium.
 */
export const WORD_SORTING_DIFFICULTIES: Readonly<Record<string, WordSortingDifficulty>> = {
  official: { seen: [2, 7], unseen: [8, 20] },
  easy: { seen: [2, 3] },
  medium: { unseen: [4, 5] },
};

/** The question text of a list of words. */
export function questionOf(words: readonly string[]): string {
  return `${QUESTION_HEAD}\nList: ${words.join(" ")}`;
}

/** The words of a question's `List:` line, or `undefined` when it has none. */
export function wordsOfQuestion(question: string): string[] | undefined {
  const list = /List:(.*)$/s.exec(question)?.[1];
  if (list === undefined) return undefined;
  const words = list.trim().split(/\s+/).filter((word) => word !== "");
  return words.length === 0 ? undefined : words;
}

/** The paper's reporting bucket of a word count (`tripost.md` §4): 2-3, 4-7, 8-10, 11-15, 15+ (16–20). */
export function bucketOfCount(count: number): string {
  return count <= 3 ? "2-3" : count <= 7 ? "4-7" : count <= 10 ? "8-10" : count <= 15 ? "11-15" : "15+";
}

const BY_PREFIX = new Map<string, string[]>();
for (const word of WORD_LIST) {
  for (let length = 1; length <= 3 && length < word.length; length++) {
    const prefix = word.slice(0, length);
    const list = BY_PREFIX.get(prefix);
    if (list === undefined) BY_PREFIX.set(prefix, [word]);
    else list.push(word);
  }
}

/**
 * Draws `count` distinct words. The first is uniform over the list; each later word is, with
 * probability 0.3, a word sharing the first 1 (0.15), 2 (0.1) or 3 (0.05) letters with a word
 * already drawn, and otherwise uniform. Uniform draws as BIG-Bench makes them rarely tie beyond
 * the first letter in short lists, so this bias makes the nested sub-steps (`(3.2)`, `(4.2.1)`)
 * common enough to train and test on.
 */
export function drawWords(prng: Prng, count: number): string[] {
  const chosen: string[] = [];
  const taken = new Set<string>();
  while (chosen.length < count) {
    let word = prng.pick(WORD_LIST);
    const roll = prng.next();
    if (chosen.length > 0 && roll < 0.3) {
      const length = roll < 0.15 ? 1 : roll < 0.25 ? 2 : 3;
      const base = prng.pick(chosen);
      const sharing = BY_PREFIX.get(base.slice(0, length));
      if (sharing !== undefined) word = prng.pick(sharing);
    }
    if (taken.has(word)) continue;
    taken.add(word);
    chosen.push(word);
  }
  return chosen;
}

/** One problem from its words. */
export function wordSortingProblem(id: string, words: readonly string[], split: Split, meta: Record<string, unknown> = {}): Problem {
  return {
    id,
    task: "word_sorting",
    question: questionOf(words),
    answer: sortWords(words).join(" "),
    split,
    meta: { bucket: bucketOfCount(words.length), ...meta },
  };
}

/**
 * Seeded problems. Problem `index` depends only on (difficulty, seed, split, index), and its id is
 * `ws-<difficulty>-<split>-<seed>-<index>`. With `split: "all"` the word count is uniform over the
 * difficulty's whole range and the split follows from it.
 *
 * @throws {RangeError} when `count` is not a non-negative integer, the difficulty is unknown, or
 * it has no problems of the split asked for (`easy` has no unseen, `medium` no seen problems).
 *
 * @example Five official problems
 * ```ts
 * const problems = generateWordSorting({ count: 5, seed: 1 });
 * assertEquals(problems.length, 5);
 * assertEquals(problems[0]?.question.startsWith("Sort the following words alphabetically:\nList: "), true);
 * ```
 */
export function generateWordSorting(options: GenerateProblemsOptions): Problem[] {
  const { count, seed = 0, split = "all", difficulty = "official" } = options;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Cannot generate problems as 'count' must be a non-negative integer: current value is ${count}`);
  }
  const ranges = WORD_SORTING_DIFFICULTIES[difficulty];
  if (ranges === undefined || !Object.hasOwn(WORD_SORTING_DIFFICULTIES, difficulty)) {
    throw new RangeError(
      `Cannot generate problems as 'difficulty' must be one of ${Object.keys(WORD_SORTING_DIFFICULTIES).join(", ")}: current value is ${difficulty}`,
    );
  }
  let low: number;
  let high: number;
  if (split === "all") {
    const bounds = [ranges.seen, ranges.unseen].filter((range) => range !== undefined);
    low = Math.min(...bounds.map((range) => range[0]));
    high = Math.max(...bounds.map((range) => range[1]));
  } else {
    const range = ranges[split];
    if (range === undefined) {
      throw new RangeError(`Cannot generate problems as difficulty '${difficulty}' has no '${split}' problems: current value is ${split}`);
    }
    [low, high] = range;
  }
  const problems: Problem[] = [];
  for (let index = 0; index < count; index++) {
    const prng = createPrng(`word_sorting:${difficulty}:${seed}:${split}:${index}`);
    const words = drawWords(prng, prng.int(low, high));
    const inSeen = ranges.seen !== undefined && words.length >= ranges.seen[0] && words.length <= ranges.seen[1];
    problems.push(wordSortingProblem(`ws-${difficulty}-${split}-${seed}-${index}`, words, inSeen ? "seen" : "unseen", { difficulty }));
  }
  return problems;
}
