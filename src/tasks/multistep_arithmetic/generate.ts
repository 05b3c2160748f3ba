/**
 * Seeded multistep arithmetic problems, drawn as BIG-Bench's `MultistepArithmeticTask` draws them
 * (`tripost.md` §4): operators `+ - *` uniformly, operands uniformly in −9…9, `length` operands per
 * innermost group, and nesting by depth levels `[2]` → `(G1 op G2)`, `[2, 2]` →
 * `((G1 op G2) op (G3 op G4))`, `[2, 2, 2]` → three levels over eight groups.
 *
 * @module
 */
import type { Problem, Split } from "../../codecs/problem.js";
import { createPrng, type Prng } from "../../util/prng.js";
import type { GenerateProblemsOptions } from "../task.js";
import { evaluateValue } from "./expression.js";

/** The difficulties of multistep arithmetic. */
export const DIFFICULTIES = ["official", "easy", "medium"] as const;
/** A difficulty name: `official` (the paper's distribution), `easy` or `medium` (the embedded student's). */
export type Difficulty = (typeof DIFFICULTIES)[number];

/** A kind of problem: its bucket name, the operand counts it draws from, its depth levels and its split. */
export interface ArithmeticBucket {
  readonly bucket: string;
  readonly lengths: readonly number[];
  readonly depth: readonly number[];
  readonly split: Split;
}

/** The paper's six buckets (`tripost.md` §4, §10). */
export const OFFICIAL_BUCKETS: readonly ArithmeticBucket[] = [
  { bucket: "l3-4d2", lengths: [3, 4], depth: [2], split: "seen" },
  { bucket: "l3-4d22", lengths: [3, 4], depth: [2, 2], split: "seen" },
  { bucket: "l3-4d222", lengths: [3, 4], depth: [2, 2, 2], split: "unseen" },
  { bucket: "l5-6d2", lengths: [5, 6], depth: [2], split: "unseen" },
  { bucket: "l5-6d22", lengths: [5, 6], depth: [2, 2], split: "unseen" },
  { bucket: "l5-6d222", lengths: [5, 6], depth: [2, 2, 2], split: "unseen" },
];

/** The embedded student's two kinds: two groups of two operands (seen), two groups of three (unseen). */
export const EMBEDDED_BUCKETS: readonly ArithmeticBucket[] = [
  { bucket: "l2d2", lengths: [2], depth: [2], split: "seen" },
  { bucket: "l3d2", lengths: [3], depth: [2], split: "unseen" },
];

const OPERATORS = ["+", "-", "*"] as const;

function drawGroup(prng: Prng, length: number): string {
  let text = String(prng.int(-9, 9));
  for (let index = 1; index < length; index++) text += ` ${prng.pick(OPERATORS)} ${prng.int(-9, 9)}`;
  return `(${text})`;
}

function drawExpression(prng: Prng, length: number, levels: number): string {
  const groups: string[] = [];
  const count = 2 ** levels;
  // Identical innermost groups make the official verifier fail on the official rationale (its
  // partition check cannot find the second letter), so such draws are redrawn.
  for (;;) {
    groups.length = 0;
    for (let index = 0; index < count; index++) groups.push(drawGroup(prng, length));
    if (new Set(groups).size === count) break;
  }
  let at = 0;
  function build(level: number): string {
    if (level === levels) return groups[at++] ?? "";
    const left = build(level + 1);
    const op = prng.pick(OPERATORS);
    const right = build(level + 1);
    return `(${left} ${op} ${right})`;
  }
  return build(0);
}

function bucketsFor(difficulty: Difficulty, split: Split | "all" | undefined): readonly ArithmeticBucket[] {
  const pool = difficulty === "official" ? OFFICIAL_BUCKETS : EMBEDDED_BUCKETS;
  const chosen = split ?? (difficulty === "easy" ? "seen" : difficulty === "medium" ? "unseen" : "all");
  return chosen === "all" ? pool : pool.filter((bucket) => bucket.split === chosen);
}

function isDifficulty(name: string): name is Difficulty {
  return (DIFFICULTIES as readonly string[]).includes(name);
}

/**
 * Seeded problems. Problem `i` depends only on (difficulty, seed, i), so a longer list extends a
 * shorter one. Ids are `msa-<difficulty>-<seed>-<i>`.
 *
 * Splits: for `official`, `seen` draws uniformly from l3-4d2 and l3-4d22, `unseen` from the other
 * four buckets, `all` from all six (the default). For `easy` and `medium` (the embedded student),
 * easy problems (two groups of two operands, bucket `l2d2`) are `seen` and medium ones (two groups
 * of three, bucket `l3d2`) are `unseen`: `split: "seen"` gives easy problems, `"unseen"` medium
 * ones, `"all"` an even mix, and without a split `easy` gives easy problems and `medium` medium ones.
 *
 * @throws {RangeError} When `count` is not a non-negative integer or `difficulty` is unknown.
 * @example Same options, same problems
 * ```ts
 * assertEquals(generateProblems({ count: 3, seed: 1, difficulty: "easy" }), generateProblems({ count: 3, seed: 1, difficulty: "easy" }));
 * ```
 */
export function generateProblems(options: GenerateProblemsOptions): Problem[] {
  const { count, seed = 0, difficulty = "official" } = options;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Cannot generate problems as 'count' must be a non-negative integer: current value is ${count}`);
  }
  if (!isDifficulty(difficulty)) {
    throw new RangeError(
      `Cannot generate problems as 'difficulty' must be one of ${DIFFICULTIES.join(", ")}: current value is ${difficulty}`,
    );
  }
  const buckets = bucketsFor(difficulty, options.split);
  const problems: Problem[] = [];
  for (let index = 0; index < count; index++) {
    const id = `msa-${difficulty}-${seed}-${index}`;
    const prng = createPrng(id);
    const bucket = prng.pick(buckets);
    const length = prng.pick(bucket.lengths);
    const expression = drawExpression(prng, length, bucket.depth.length);
    const answer = evaluateValue(expression);
    problems.push({
      id,
      task: "multistep_arithmetic",
      question: `${expression} =`,
      answer: String(answer),
      split: bucket.split,
      meta: { bucket: bucket.bucket, length, depth: [...bucket.depth] },
    });
  }
  return problems;
}
