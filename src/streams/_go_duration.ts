/**
 * Parser of Go-style durations as OpenAI sends them in `x-ratelimit-reset-*` (`6m0s`, `12ms`,
 * `1.5s`, `1h2m3s`). Garbage gives `undefined`.
 *
 * @module
 */

const unitMs: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, "µs": 0.001, ns: 0.000001 };
const whole = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const part = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;

/** Milliseconds of a Go duration string, or `undefined` when it is not one. */
export function parseGoDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!whole.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(part)) total += Number(match[1]) * (unitMs[match[2] ?? ""] ?? 0);
  return Number.isFinite(total) ? total : undefined;
}
