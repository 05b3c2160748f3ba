/**
 * Rebalancing (`tripost.md` §6): per collection pass, keep every improvement example and sample
 * `min(ceil(#improvement / r), #non-improvement)` of the others; after all passes, add gold
 * examples (as many as non-improvement ones were sampled) and shuffle. Every random choice comes
 * from a seeded PRNG, so the result is a pure function of (examples, seed).
 *
 * @module
 */
import { map, type OperatorFunction, toArray } from "rxjs";
import type { TrainingExample } from "../codecs/training_example.js";
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

function statsOf(
  examples: readonly TrainingExample[],
  extra: Pick<RebalanceStats, "nonImprovementAvailable" | "goldAvailable" | "duplicatesRemoved">,
): RebalanceStats {
  const count = (kind: TrainingExample["kind"]) => examples.filter((example) => example.kind === kind).length;
  const improvement = count("improvement");
  const terminal = count("terminal");
  const correct = count("correct");
  const gold = count("gold");
  const total = improvement + terminal + correct + gold;
  return { improvement, terminal, correct, gold, ...extra, p: total === 0 ? 0 : improvement / total };
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
  const count = improveDataRatio <= 0
    ? others.length
    : Math.min(Math.ceil(improvement.length / improveDataRatio), others.length);
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
 * The rebalance stage, the pipeline's one barrier: collects a pass's examples (single ones or
 * the arrays `split` emits), rebalances them, adds gold and shuffles; emits one
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
