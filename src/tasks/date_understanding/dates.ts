/**
 * Dates as date-understanding rationales write them — `6/17/2019`, `06/17/2019`,
 * `Sept. 8th, 2020`, `December 31, 1929`, `8th of September 2020` — found in a line of text
 * (the content check of `tripost.md` §3.2 reads them as the official code does with dateutil).
 *
 * @module
 */

/** A calendar date. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MONTHS: readonly (readonly [RegExp, number])[] = [
  [/^jan/, 1],
  [/^feb/, 2],
  [/^mar/, 3],
  [/^apr/, 4],
  [/^may/, 5],
  [/^jun/, 6],
  [/^jul/, 7],
  [/^aug/, 8],
  [/^sep/, 9],
  [/^oct/, 10],
  [/^nov/, 11],
  [/^dec/, 12],
];

const MONTH_NAME =
  "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
const ORDINAL = "(?:st|nd|rd|th)?";
const NUMERIC = /(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4})(?![\d/])/g;
const MONTH_FIRST = new RegExp(`\\b(${MONTH_NAME})\\.?\\s+(\\d{1,2})${ORDINAL},?\\s+(\\d{4})\\b`, "gi");
const DAY_FIRST = new RegExp(`\\b(\\d{1,2})${ORDINAL}\\s+(?:of\\s+)?(${MONTH_NAME})\\.?,?\\s+(\\d{4})\\b`, "gi");

function monthOf(name: string): number | undefined {
  const lower = name.toLowerCase();
  return MONTHS.find(([pattern]) => pattern.test(lower))?.[1];
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dateOf(year: number, month: number | undefined, day: number): CalendarDate | undefined {
  if (month === undefined || month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysIn(year, month)) return undefined;
  return { year, month, day };
}

/**
 * Every valid date mentioned in `text`, in order of appearance: numeric dates are read
 * month first (`MM/DD/YYYY`, as the questions ask), named months in either order. Impossible
 * dates (`02/30/2001`) are skipped. Never throws.
 *
 * @example
 * ```ts
 * assertEquals(findDates("Today is Sept. 8th, 2021, that is 09/08/2021."), [
 *   { year: 2021, month: 9, day: 8 },
 *   { year: 2021, month: 9, day: 8 },
 * ]);
 * ```
 */
export function findDates(text: string): CalendarDate[] {
  const found: { at: number; date: CalendarDate }[] = [];
  for (const match of text.matchAll(NUMERIC)) {
    const date = dateOf(Number(match[3]), Number(match[1]), Number(match[2]));
    if (date !== undefined) found.push({ at: match.index, date });
  }
  for (const match of text.matchAll(MONTH_FIRST)) {
    const date = dateOf(Number(match[3]), monthOf(match[1] as string), Number(match[2]));
    if (date !== undefined) found.push({ at: match.index, date });
  }
  for (const match of text.matchAll(DAY_FIRST)) {
    const date = dateOf(Number(match[3]), monthOf(match[2] as string), Number(match[1]));
    if (date !== undefined) found.push({ at: match.index, date });
  }
  return found.sort((a, b) => a.at - b.at).map((entry) => entry.date);
}

/** Whether two dates are the same day. */
export function sameDate(a: CalendarDate, b: CalendarDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}
