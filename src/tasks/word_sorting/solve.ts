/**
 * The gold word sorting solver: the rationale of the official script
 * (`runners/data_collector/word_sorting/get_rationale.py::solve`, `tripost.md` §2.2), byte for
 * byte on every official row.
 *
 * The rules, as the official rows show them:
 * - `(1)` maps every word, in question order, to its first letter and that letter's number
 *   (a = 1); `(2)` groups the words by number in ascending order, ties in `[.. ? ..]` (words of a
 *   tie keep their question order).
 * - Each tie group of `(2)`, in order, becomes step `(i)` (i from 3): "Now sort this subpart
 *   [..] by looking at their second letters: …", then `(i.1) We now have: …`. While the whole
 *   group ties again, the same level goes on with the next letter: `(i.2)` sort, `(i.3)` we now
 *   have, and so on. Smaller tie groups then recurse one level deeper (`(i.k)`, `(i.k.1)`, …), and
 *   the level ends with `(i.m) Hence, we have "a" < "b" ….`
 * - Then `(last) Hence, we have …` over all words and `(Final response) So the answer is: ….`
 *
 * Two cases never occur in the official rows, and the official script cannot handle them; there
 * we chose:
 * - **A word runs out of letters** (it is a prefix of another word of its tie group): the
 *   official script indexes past the end of the word and fails. We write the missing letter as
 *   `""` with number 0, so the shorter word sorts first: `"bar"="" (0), "barn"="n" (14)`.
 * - **Two or more tie groups at a nested level**: the official script gives every one of them
 *   the same id (`(3.2)`, `(3.2)`, then `(3.4) Hence`), a numbering slip. We number them in turn
 *   (`(3.2)`, `(3.3)`, then the same `(3.4) Hence`), so that step ids are unique.
 *
 * @module
 */
import { ordinalOf } from "./_ordinal.js";

/** The letter of a word at a 0-based position, `""` when the word is shorter. */
export function letterAt(word: string, position: number): string {
  return word.charAt(position);
}

/** The number of a letter: a = 1, …, z = 26; the missing letter `""` is 0. */
export function letterValue(letter: string): number {
  return letter === "" ? 0 : letter.charCodeAt(0) - 96;
}

/** The words sorted as the answer wants them (code point order, as Python's `sorted`). */
export function sortWords(words: readonly string[]): string[] {
  return [...words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function maps(words: readonly string[], position: number): string {
  return words
    .map((word) => {
      const letter = letterAt(word, position);
      return `"${word}"="${letter}" (${letterValue(letter)})`;
    })
    .join(", ");
}

function bracket(words: readonly string[]): string {
  return `[${words.map((word) => `"${word}"`).join(" ? ")}]`;
}

/** The words grouped by their letter's number at `position`, ascending; each group keeps input order. */
export function groupByLetter(words: readonly string[], position: number): { value: number; words: string[] }[] {
  const groups = new Map<number, string[]>();
  for (const word of words) {
    const value = letterValue(letterAt(word, position));
    const group = groups.get(value);
    if (group === undefined) groups.set(value, [word]);
    else group.push(word);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([value, grouped]) => ({ value, words: grouped }));
}

function ordering(groups: readonly { value: number; words: readonly string[] }[]): string {
  return groups
    .map((group) => (group.words.length > 1 ? `(${group.value}) ${bracket(group.words)}` : `(${group.value}) "${group.words[0]}"`))
    .join(" < ");
}

function chain(words: readonly string[]): string {
  return sortWords(words).map((word) => `"${word}"`).join(" < ");
}

function ties(groups: readonly { words: readonly string[] }[]): string[][] {
  return groups.filter((group) => group.words.length > 1).map((group) => [...group.words]);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}

function solveSubpart(subpart: readonly string[], position: number, prefix: string, lines: string[]): void {
  const longest = Math.max(...subpart.map((word) => word.length));
  lines.push(`(${prefix}) Now sort this subpart ${bracket(subpart)} by looking at their ${ordinalOf(position)} letters: ${maps(subpart, position)}.`);
  let index = 1;
  let groups = groupByLetter(subpart, position);
  lines.push(`(${prefix}.${index}) We now have: ${ordering(groups)}.`);
  let next = position + 1;
  let pending = ties(groups);
  // The same tie again: go on at the same level with the next letter. Equal words (which a
  // problem never has) would tie for ever, so stop once every word has run out of letters.
  while (pending.length === 1 && sameList(pending[0] as string[], subpart) && next <= longest) {
    index += 1;
    lines.push(`(${prefix}.${index}) Now sort this subpart ${bracket(subpart)} by looking at their ${ordinalOf(next)} letters: ${maps(subpart, next)}.`);
    index += 1;
    groups = groupByLetter(subpart, next);
    lines.push(`(${prefix}.${index}) We now have: ${ordering(groups)}.`);
    next += 1;
    pending = ties(groups);
  }
  if (pending.length === 1 && sameList(pending[0] as string[], subpart)) pending = [];
  pending.forEach((tie, offset) => solveSubpart(tie, next, `${prefix}.${index + 1 + offset}`, lines));
  lines.push(`(${prefix}.${index + pending.length + 1}) Hence, we have ${chain(subpart)}.`);
}

/**
 * The gold rationale for a list of words (in question order): numbered steps and the
 * `(Final response)` line, joined with `\n`.
 *
 * @example Two words
 * ```ts
 * assertEquals(
 *   solveWords(["stick", "gelatine"]),
 *   '(1) The first letter: "stick"="s" (19), "gelatine"="g" (7).\n' +
 *     '(2) We now have: (7) "gelatine" < (19) "stick".\n' +
 *     '(3) Hence, we have "gelatine" < "stick".\n' +
 *     "(Final response) So the answer is: gelatine stick.",
 * );
 * ```
 */
export function solveWords(words: readonly string[]): string {
  const lines: string[] = [];
  lines.push(`(1) The first letter: ${maps(words, 0)}.`);
  const groups = groupByLetter(words, 0);
  lines.push(`(2) We now have: ${ordering(groups)}.`);
  const pending = ties(groups);
  pending.forEach((tie, offset) => solveSubpart(tie, 1, `${offset + 3}`, lines));
  lines.push(`(${pending.length + 3}) Hence, we have ${chain(words)}.`);
  lines.push(`(Final response) So the answer is: ${sortWords(words).join(" ")}.`);
  return lines.join("\n");
}
