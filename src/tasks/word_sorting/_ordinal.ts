/**
 * English ordinals for letter positions ("first", "second", …, "twenty-first", …), as the word
 * sorting rationale writes them. Positions are 0-based: position 0 is the "first" letter.
 *
 * @module
 */

const UNITS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"];
const TEENS = [
  "tenth",
  "eleventh",
  "twelfth",
  "thirteenth",
  "fourteenth",
  "fifteenth",
  "sixteenth",
  "seventeenth",
  "eighteenth",
  "nineteenth",
];
const TENS_CARDINAL = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const TENS_ORDINAL = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"];

/** The largest position with an ordinal word (the 99th letter). */
export const MAX_POSITION = 98;

/** The ordinal word of a 0-based letter position: 0 → "first", 20 → "twenty-first". */
export function ordinalOf(position: number): string {
  const number = position + 1;
  if (!Number.isInteger(position) || position < 0 || position > MAX_POSITION) return `${number}th`;
  if (number < 10) return UNITS[number] as string;
  if (number < 20) return TEENS[number - 10] as string;
  const tens = Math.floor(number / 10);
  const units = number % 10;
  return units === 0 ? TENS_ORDINAL[tens] as string : `${TENS_CARDINAL[tens]}-${UNITS[units]}`;
}

const POSITIONS = new Map<string, number>();
for (let position = 0; position <= MAX_POSITION; position++) POSITIONS.set(ordinalOf(position), position);

/** The 0-based position an ordinal word names, or `undefined` for a word that is no ordinal. */
export function positionOf(ordinal: string): number | undefined {
  return POSITIONS.get(ordinal);
}
