/**
 * The paper's evaluation buckets and the seen/unseen split of each task (`tripost.md` §4, §10),
 * derived from a problem's text (and, for date understanding, its gold rationale).
 *
 * @module
 */
import type { Split, TaskName } from "../codecs/problem.js";

/** A bucket name and the split it belongs to. */
export interface Bucket {
  readonly bucket: string;
  readonly split: Split;
}

/**
 * Operands per innermost group and nesting depth of a multistep arithmetic question, e.g.
 * `((-5 + 9) * (3 - -2)) =` → `{ length: 2, depth: 1 }` (depth 1 = `[2]`, 2 = `[2,2]`, 3 = `[2,2,2]`).
 */
export function arithmeticShape(question: string): { length: number; depth: number } | undefined {
  let depth = 0;
  let maxDepth = 0;
  for (const character of question) {
    if (character === "(") maxDepth = Math.max(maxDepth, ++depth);
    else if (character === ")") depth--;
  }
  const innermost = /\(([^()]*)\)/.exec(question)?.[1];
  if (innermost === undefined || maxDepth < 2) return undefined;
  const operands = innermost.match(/-?\d+/g)?.length ?? 0;
  return { length: operands, depth: maxDepth - 1 };
}

function arithmeticBucket(question: string): Bucket | undefined {
  const shape = arithmeticShape(question);
  if (shape === undefined) return undefined;
  const lengths = shape.length <= 2 ? `l${shape.length}` : shape.length <= 4 ? "l3-4" : "l5-6";
  const depth = `d${"2".repeat(shape.depth)}`;
  const seen = lengths === "l3-4" && shape.depth <= 2;
  return { bucket: `${lengths}${depth}`, split: seen ? "seen" : "unseen" };
}

function sortingBucket(question: string): Bucket | undefined {
  const list = /List:(.*)$/s.exec(question)?.[1];
  if (list === undefined) return undefined;
  const count = list.trim().split(/\s+/).filter((word) => word !== "").length;
  const bucket = count <= 3 ? "2-3" : count <= 7 ? "4-7" : count <= 10 ? "8-10" : count <= 15 ? "11-15" : "15+";
  return { bucket, split: count <= 7 ? "seen" : "unseen" };
}

function dateBucket(rationale: string | undefined): Bucket | undefined {
  if (rationale === undefined) return undefined;
  const steps = rationale.split("\n").filter((line) => /^\(\d+\)/.test(line)).length;
  return steps <= 2 ? { bucket: "1-2", split: "seen" } : { bucket: "3+", split: "unseen" };
}

const OBJECT_COUNTS: Readonly<Record<string, string>> = { three: "3", five: "5", seven: "7" };

function deductionBucket(question: string): Bucket | undefined {
  const word = /set of (three|five|seven) objects/.exec(question)?.[1];
  const count = word === undefined ? undefined : OBJECT_COUNTS[word];
  if (count === undefined) return undefined;
  return { bucket: count, split: count === "7" ? "unseen" : "seen" };
}

/**
 * The bucket of a problem by the paper's rules, or `undefined` when the text does not say
 * (a date-understanding problem without its gold rationale).
 *
 * @example
 * ```ts
 * assertEquals(bucketOf("word_sorting", "Sort the following words alphabetically:\nList: b a"), { bucket: "2-3", split: "seen" });
 * ```
 */
export function bucketOf(task: TaskName, question: string, rationale?: string): Bucket | undefined {
  switch (task) {
    case "multistep_arithmetic":
      return arithmeticBucket(question);
    case "word_sorting":
      return sortingBucket(question);
    case "date_understanding":
      return dateBucket(rationale);
    case "logical_deduction":
      return deductionBucket(question);
  }
}
