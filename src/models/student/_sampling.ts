/**
 * The pure parts of sampling: choosing a token from a row of logits (greedy, temperature, top-p)
 * and cutting generated text at stop strings. No tfjs here.
 *
 * @module
 */
import type { Prng } from "../../util/prng.js";

/**
 * Picks a token id from one row of logits.
 *
 * - `temperature <= 0`: greedy, the first index of the largest logit.
 * - otherwise: softmax of `logits / temperature`, restricted to the smallest set of most probable
 *   tokens whose probability reaches `topP` (nucleus sampling; at least one token), renormalised,
 *   and one draw from `random`.
 *
 * Ids in `banned` are never picked (the special tokens PAD and BOS).
 */
export function pickToken(
  logits: ArrayLike<number>,
  temperature: number,
  topP: number,
  random: Prng,
  banned: ReadonlySet<number> = new Set(),
): number {
  const size = logits.length;
  let best = -1;
  let bestValue = -Infinity;
  for (let id = 0; id < size; id++) {
    if (banned.has(id)) continue;
    const value = logits[id] as number;
    if (best < 0 || value > bestValue) {
      best = id;
      bestValue = value;
    }
  }
  if (temperature <= 0 || best < 0 || !Number.isFinite(bestValue)) return Math.max(best, 0);
  const weights: { id: number; logit: number; weight: number }[] = [];
  let total = 0;
  for (let id = 0; id < size; id++) {
    if (banned.has(id)) continue;
    const logit = logits[id] as number;
    const weight = Math.exp((logit - bestValue) / temperature);
    if (weight > 0 || id === best) {
      weights.push({ id, logit, weight });
      total += weight;
    }
  }
  // Most probable first (by logit, so nearly equal logits keep their order); ties keep id order,
  // so a nucleus of one token is the greedy choice.
  weights.sort((left, right) => right.logit - left.logit || left.id - right.id);
  let kept = weights.length;
  if (topP < 1) {
    let cumulative = 0;
    for (let index = 0; index < weights.length; index++) {
      cumulative += (weights[index] as { weight: number }).weight;
      if (cumulative >= topP * total) {
        kept = index + 1;
        break;
      }
    }
  }
  let keptTotal = 0;
  for (let index = 0; index < kept; index++) keptTotal += (weights[index] as { weight: number }).weight;
  let draw = random.next() * keptTotal;
  for (let index = 0; index < kept; index++) {
    const entry = weights[index] as { id: number; weight: number };
    draw -= entry.weight;
    if (draw < 0) return entry.id;
  }
  return (weights[kept - 1] as { id: number }).id;
}

/**
 * The offset of the first stop string in `text`, searching only from `from` on (the part that
 * may contain a new match), or -1.
 */
export function findStop(text: string, stops: readonly string[], from = 0): number {
  let first = -1;
  for (const stop of stops) {
    if (stop === "") continue;
    const index = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (index >= 0 && (first < 0 || index < first)) first = index;
  }
  return first;
}

/**
 * How many characters at the end of `text` could be the beginning of a stop string; a stream
 * holds them back until it knows whether the stop string follows.
 */
export function pendingStopLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    const limit = Math.min(stop.length - 1, text.length);
    for (let length = limit; length > longest; length--) {
      if (text.endsWith(stop.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
