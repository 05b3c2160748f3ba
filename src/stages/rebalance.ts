/**
 * Rebalancing (`tripost.md` §6): per collection pass, keep every improvement example and sample
 * `min(ceil(#improvement / r), #non-improvement)` of the others; after all passes, add gold
 * examples (as many as non-improvement ones were sampled) and shuffle. Every random choice comes
 * from a seeded PRNG, so the result is a pure function of (examples, seed).
 *
 * Two forms choose the same sets: {@linkcode createRebalancer}, which holds a digest per example
 * and is what collections, runs and merges use, and the in-memory {@linkcode rebalanceExamples},
 * {@linkcode addGold} and {@linkcode rebalance} over arrays of examples (for small sets, and the
 * reference the rebalancer is tested against).
 *
 * @module
 */
import { map, type OperatorFunction, toArray } from "rxjs";
import type { TrainingExample } from "../codecs/training_example.js";
import { type Digest64, digest64, DigestTable, NumberList } from "../util/digest_table.js";
import { createPrng } from "../util/prng.js";

/** Options for {@linkcode rebalanceExamples}. */
export interface RebalanceOptions {
  /**
   * `improve_data_ratio` r: improvement examples per sampled non-improvement one. A value ≤ 0
   * keeps every example (the official "do not balance" ablation). @default {1.5}
   */
  readonly improveDataRatio?: number;
  /** The seed of the sampling. @default {0} */
  readonly seed?: number | string;
  /** Texts already taken (by earlier passes of the iteration): their duplicates are removed. @default {new Set()} */
  readonly seenTexts?: ReadonlySet<string>;
}

/** Options for {@linkcode addGold}. */
export interface AddGoldOptions {
  /** The seed of the gold sampling and the shuffle. @default {0} */
  readonly seed?: number | string;
  /** Texts already taken: gold examples with these texts are skipped. @default {new Set()} */
  readonly seenTexts?: ReadonlySet<string>;
  /**
   * The stats of the passes `examples` come from ({@linkcode rebalanceExamples}): the result's
   * `nonImprovementAvailable` and `duplicatesRemoved` then count every pass (what there was to
   * sample from; every duplicate removed, the passes' and the gold's). Without them they count
   * `examples` and the gold only. @default {undefined}
   */
  readonly passes?: readonly RebalanceStats[];
}

/** The realised counts of a rebalanced set. */
export interface RebalanceStats {
  readonly improvement: number;
  readonly terminal: number;
  readonly correct: number;
  readonly gold: number;
  /** Non-improvement examples there were to sample from (after duplicates were removed). */
  readonly nonImprovementAvailable: number;
  /** Gold examples there were to sample from (after duplicates were removed). */
  readonly goldAvailable: number;
  /** Examples dropped because their text was already taken. */
  readonly duplicatesRemoved: number;
  /** The self-improvement proportion: #improvement / (#improvement + #terminal + #correct + #gold), 0 when empty. */
  readonly p: number;
}

/** A rebalanced set, its counts, and the texts taken so far (to pass to the next pass). */
export interface RebalanceResult {
  readonly examples: TrainingExample[];
  readonly stats: RebalanceStats;
  readonly seenTexts: Set<string>;
}

function checkRatio(ratio: number): void {
  if (!Number.isFinite(ratio)) {
    throw new RangeError(`Cannot rebalance as 'improveDataRatio' must be a finite number: current value is ${ratio}`);
  }
}

/** How many non-improvement examples a pass keeps: `min(ceil(#improvement / r), #others)`, all when r ≤ 0. */
function sampleSize(improvement: number, others: number, ratio: number): number {
  return ratio <= 0 ? others : Math.min(Math.ceil(improvement / ratio), others);
}

/** The self-improvement proportion p of a set's counts (0 when empty). */
function proportion(kinds: Pick<RebalanceStats, "improvement" | "terminal" | "correct" | "gold">): number {
  const total = kinds.improvement + kinds.terminal + kinds.correct + kinds.gold;
  return total === 0 ? 0 : kinds.improvement / total;
}

function statsOf(
  examples: readonly TrainingExample[],
  extra: Pick<RebalanceStats, "nonImprovementAvailable" | "goldAvailable" | "duplicatesRemoved">,
): RebalanceStats {
  const count = (kind: TrainingExample["kind"]) => examples.filter((example) => example.kind === kind).length;
  const improvement = count("improvement");
  const terminal = count("terminal");
  const correct = count("correct");
  const gold = count("gold");
  return { improvement, terminal, correct, gold, ...extra, p: proportion({ improvement, terminal, correct, gold }) };
}

/** The examples whose text is new (not in `seen`, not earlier in `examples`), and how many were not. */
function withoutDuplicates(
  examples: readonly TrainingExample[],
  seen: ReadonlySet<string>,
): { kept: TrainingExample[]; removed: number; texts: Set<string> } {
  const texts = new Set(seen);
  const kept: TrainingExample[] = [];
  for (const example of examples) {
    if (texts.has(example.text)) continue;
    texts.add(example.text);
    kept.push(example);
  }
  return { kept, removed: examples.length - kept.length, texts };
}

/**
 * Rebalances one pass's examples: removes exact duplicate texts (within the pass and against
 * `seenTexts`), keeps every improvement example, and samples without replacement
 * `min(ceil(#improvement / r), #non-improvement)` of the others (all of them when r ≤ 0).
 * Improvement examples come first, then the sampled ones, both in input order.
 *
 * @throws {RangeError} when `improveDataRatio` is not finite
 *
 * @example Two improvement examples keep two of five others at r = 1
 * ```ts
 * const { stats } = rebalanceExamples(examples, { improveDataRatio: 1, seed: 7 });
 * assertEquals(stats.terminal + stats.correct, 2);
 * ```
 */
export function rebalanceExamples(examples: readonly TrainingExample[], options: RebalanceOptions = {}): RebalanceResult {
  const { improveDataRatio = 1.5, seed = 0, seenTexts = new Set<string>() } = options;
  checkRatio(improveDataRatio);
  const { kept, removed } = withoutDuplicates(examples, seenTexts);
  const improvement = kept.filter((example) => example.kind === "improvement");
  const others = kept.filter((example) => example.kind !== "improvement");
  const count = sampleSize(improvement.length, others.length, improveDataRatio);
  const chosen = new Set(createPrng(seed).fork("rebalance").sample(others, count));
  const result = [...improvement, ...others.filter((example) => chosen.has(example))];
  const texts = new Set(seenTexts);
  for (const example of result) texts.add(example.text);
  return {
    examples: result,
    stats: statsOf(result, { nonImprovementAvailable: others.length, goldAvailable: 0, duplicatesRemoved: removed }),
    seenTexts: texts,
  };
}

/**
 * The gold addition over all passes of an iteration: skips gold examples whose text is already
 * taken (in `examples`, in `seenTexts`, or an earlier gold), samples
 * `min(#non-improvement examples in examples, #gold)` of them, and shuffles everything with the
 * seeded PRNG.
 */
export function addGold(
  examples: readonly TrainingExample[],
  gold: readonly TrainingExample[],
  options: AddGoldOptions = {},
): RebalanceResult {
  const { seed = 0, seenTexts = new Set<string>(), passes } = options;
  const taken = new Set(seenTexts);
  for (const example of examples) taken.add(example.text);
  const { kept, removed } = withoutDuplicates(gold, taken);
  const nonImprovement = examples.filter((example) => example.kind !== "improvement" && example.kind !== "gold").length;
  const prng = createPrng(seed);
  const sampled = prng.fork("gold").sample(kept, Math.min(nonImprovement, kept.length));
  const result = prng.fork("shuffle").shuffle([...examples, ...sampled]);
  const texts = new Set(taken);
  for (const example of sampled) texts.add(example.text);
  const sum = (field: "nonImprovementAvailable" | "duplicatesRemoved") =>
    (passes ?? []).reduce((total, stats) => total + stats[field], 0);
  return {
    examples: result,
    stats: statsOf(result, {
      nonImprovementAvailable: passes === undefined ? nonImprovement : sum("nonImprovementAvailable"),
      goldAvailable: kept.length,
      duplicatesRemoved: sum("duplicatesRemoved") + removed,
    }),
    seenTexts: texts,
  };
}

/** Options for {@linkcode rebalance}. */
export interface RebalanceStageOptions extends RebalanceOptions {
  /** The gold examples of the window's problems (see `goldExample`). @default {[]} */
  readonly gold?: readonly TrainingExample[];
}

/**
 * The in-memory rebalance of one pass as an operator (a collection uses
 * {@linkcode createRebalancer} instead, which does not hold the examples): collects a pass's
 * examples (single ones or the arrays `split` emits), rebalances them, adds gold and shuffles; emits one
 * {@linkcode RebalanceResult} when the input completes. Its `stats` are the counts of the final
 * set, with the duplicates removed in both steps.
 *
 * @throws {RangeError} when `improveDataRatio` is not finite
 */
export function rebalance(
  options: RebalanceStageOptions = {},
): OperatorFunction<TrainingExample | readonly TrainingExample[], RebalanceResult> {
  checkRatio(options.improveDataRatio ?? 1.5);
  const { gold = [], ...rest } = options;
  return (source$) =>
    source$.pipe(
      toArray(),
      map((items) => {
        const examples = items.flatMap((item): readonly TrainingExample[] => Array.isArray(item) ? item : [item as TrainingExample]);
        const balanced = rebalanceExamples(examples, rest);
        return addGold(balanced.examples, gold, {
          ...(rest.seed === undefined ? {} : { seed: rest.seed }),
          seenTexts: balanced.seenTexts,
          passes: [balanced.stats],
        });
      }),
    );
}

// ---------------------------------------------------------------------------------------------
// the rebalancing of an iteration, in bounded memory

/**
 * The seed string of one rebalancing step of an iteration: `${seed}/${iteration}/${pass}` for a
 * pass's sampling and `${seed}/${iteration}/gold` for the gold addition and the shuffle. One
 * function, so that a collection, a run and a merge of shards draw the same numbers.
 *
 * @example
 * ```ts
 * assertEquals(rebalanceSeed(5, 1, 0), "5/1/0");
 * assertEquals(rebalanceSeed(5, 1, "gold"), "5/1/gold");
 * ```
 */
export function rebalanceSeed(seed: number, iteration: number, step: number | "gold"): string {
  return `${seed}/${iteration}/${step}`;
}

/** Options for {@linkcode createRebalancer}. */
export interface RebalancerOptions {
  /** `improve_data_ratio` r (≤ 0 keeps every example). @default {1.5} */
  readonly improveDataRatio?: number;
  /** The run's seed. @default {0} */
  readonly seed?: number;
  /** The TriPosT iteration (part of the seeds, {@linkcode rebalanceSeed}). @default {0} */
  readonly iteration?: number;
}

/** The training set an iteration's rebalancing chose: references to examples, in training order. */
export interface RebalancePlan {
  /** The references given to {@linkcode Rebalancer.add} and {@linkcode Rebalancer.addGold}, in the order the training set has them. */
  readonly order: number[];
  readonly stats: RebalanceStats;
}

/**
 * The rebalancing of an iteration as examples go by, holding per example only a reference (where
 * the caller put it: a byte offset in a file, an array index), its kind and a 128-bit digest of
 * its text, never the example. It chooses what {@linkcode rebalanceExamples} per pass and
 * {@linkcode addGold} at the end choose for the same examples and seeds ({@linkcode rebalanceSeed}),
 * in the same order.
 */
export interface Rebalancer {
  /** Adds a split example of the current pass, at `ref`. */
  add(example: TrainingExample, ref: number): void;
  /** Ends the current pass: samples its non-improvement examples; returns the pass's stats. */
  endPass(): RebalanceStats;
  /** The examples chosen by the passes ended so far (gold not included). */
  readonly chosen: number;
  /** Adds a gold candidate (after the last pass), at `ref`. */
  addGold(example: TrainingExample, ref: number): void;
  /** Samples the gold examples and shuffles: the training set. Call once, after the passes. */
  finish(): RebalancePlan;
}

const KIND_CODES: readonly TrainingExample["kind"][] = ["improvement", "terminal", "correct", "gold"];

/** Examples as references, kinds and digests, in typed lists. */
class Entries {
  readonly refs = new NumberList();
  readonly highs = new NumberList();
  readonly lows = new NumberList();
  readonly kinds = new NumberList();

  get length(): number {
    return this.refs.length;
  }

  push(ref: number, digest: Digest64, kind: number): void {
    this.refs.push(ref);
    this.highs.push(digest.high);
    this.lows.push(digest.low);
    this.kinds.push(kind);
  }

  digest(index: number): Digest64 {
    return { high: this.highs.at(index), low: this.lows.at(index) };
  }
}

/**
 * Creates an iteration's {@linkcode Rebalancer}. Memory: a 64-bit digest of the text, the
 * reference and the kind of each distinct example, in typed arrays (some 50 bytes an example),
 * whatever the size of the examples. Two different texts are taken for duplicates only if their
 * SHA-256 share the first 8 bytes (probability about n² / 2⁶⁵).
 *
 * @throws {RangeError} when `improveDataRatio` is not finite
 *
 * @example The same choice as rebalanceExamples and addGold
 * ```ts
 * const rebalancer = createRebalancer({ seed: 3, iteration: 1 });
 * examples.forEach((example, index) => rebalancer.add(example, index));
 * rebalancer.endPass();
 * gold.forEach((example, index) => rebalancer.addGold(example, examples.length + index));
 * const trainingSet = rebalancer.finish().order.map((ref) => all[ref]);
 * ```
 */
export function createRebalancer(options: RebalancerOptions = {}): Rebalancer {
  const { improveDataRatio = 1.5, seed = 0, iteration = 0 } = options;
  checkRatio(improveDataRatio);
  // Texts taken by the passes ended so far (what `seenTexts` holds between passes).
  const seen = new DigestTable();
  const chosen = new Entries();
  const passStats: RebalanceStats[] = [];
  let pass = 0;
  // The current pass: the texts met in it (besides `seen`), its improvement and other examples.
  let passTexts = new DigestTable();
  let duplicates = 0;
  let improvement = new Entries();
  let others = new Entries();
  const gold = new Entries();
  let goldTexts: DigestTable | undefined;
  let goldDuplicates = 0;
  let finished = false;

  function fresh(texts: DigestTable, digest: Digest64): boolean {
    if (seen.has(digest)) return false;
    return texts.add(digest);
  }

  function choose(entries: Entries, index: number): void {
    const digest = entries.digest(index);
    chosen.push(entries.refs.at(index), digest, entries.kinds.at(index));
    seen.add(digest);
  }

  return {
    add(example, ref) {
      if (goldTexts !== undefined || finished) throw new TypeError("Cannot add a split example as the gold examples were added already");
      const digest = digest64(example.text);
      if (!fresh(passTexts, digest)) {
        duplicates += 1;
        return;
      }
      (example.kind === "improvement" ? improvement : others).push(ref, digest, KIND_CODES.indexOf(example.kind));
    },
    endPass() {
      const count = sampleSize(improvement.length, others.length, improveDataRatio);
      const positions = Array.from({ length: others.length }, (_unused, index) => index);
      const sampled = createPrng(rebalanceSeed(seed, iteration, pass)).fork("rebalance").sample(positions, count).sort((a, b) => a - b);
      const kinds = { improvement: improvement.length, terminal: 0, correct: 0, gold: 0 };
      for (let index = 0; index < improvement.length; index++) choose(improvement, index);
      for (const position of sampled) {
        choose(others, position);
        kinds[KIND_CODES[others.kinds.at(position)]!] += 1;
      }
      const stats: RebalanceStats = {
        ...kinds,
        nonImprovementAvailable: others.length,
        goldAvailable: 0,
        duplicatesRemoved: duplicates,
        p: proportion(kinds),
      };
      passStats.push(stats);
      pass += 1;
      passTexts = new DigestTable();
      duplicates = 0;
      improvement = new Entries();
      others = new Entries();
      return stats;
    },
    get chosen() {
      return chosen.length;
    },
    addGold(example, ref) {
      if (finished) throw new TypeError("Cannot add a gold example as the rebalancing is finished");
      goldTexts ??= new DigestTable();
      const digest = digest64(example.text);
      if (!fresh(goldTexts, digest)) {
        goldDuplicates += 1;
        return;
      }
      gold.push(ref, digest, 3);
    },
    finish() {
      if (finished) throw new TypeError("Cannot finish the rebalancing twice");
      finished = true;
      const counts = { improvement: 0, terminal: 0, correct: 0, gold: 0 };
      const refs: number[] = [];
      for (let index = 0; index < chosen.length; index++) {
        counts[KIND_CODES[chosen.kinds.at(index)]!] += 1;
        refs.push(chosen.refs.at(index));
      }
      const nonImprovement = counts.terminal + counts.correct;
      const prng = createPrng(rebalanceSeed(seed, iteration, "gold"));
      const goldPositions = Array.from({ length: gold.length }, (_unused, index) => index);
      const sampled = prng.fork("gold").sample(goldPositions, Math.min(nonImprovement, gold.length));
      for (const position of sampled) refs.push(gold.refs.at(position));
      counts.gold += sampled.length;
      const order = prng.fork("shuffle").shuffle(refs);
      const sum = (field: "nonImprovementAvailable" | "duplicatesRemoved") => passStats.reduce((all, stats) => all + stats[field], 0);
      return {
        order,
        stats: {
          ...counts,
          nonImprovementAvailable: sum("nonImprovementAvailable"),
          goldAvailable: gold.length,
          duplicatesRemoved: sum("duplicatesRemoved") + goldDuplicates,
          p: proportion(counts),
        },
      };
    },
  };
}
