/**
 * The grammar of training example ids, produced and parsed in this one place:
 *
 * ```
 * example id = problem id [ "@" pass ] "#" suffix
 * suffix     = "si" i | "t" | "c" | "gold" | "ft" | "lmsi" k | "lmsi-ao" j   (and "~" copy for resized sets)
 * ```
 *
 * `split` writes `<problem id>[@<pass>]#si<i>|t|c`, `goldExample` `<problem id>#gold`, the
 * baselines `<problem id>#ft` and `<problem id>#lmsi<k>`; `tripost merge` reads the problem id
 * back to place a shard's examples, and the rebalancing of an iteration reads the pass.
 *
 * @module
 */

/** The parts of an example id. */
export interface ExampleIdParts {
  /** The id of the problem the example comes from. */
  readonly problemId: string;
  /** The collection pass (`@p`), when the iteration had several. */
  readonly pass?: number;
  /** What follows the last `#` (`si0`, `t`, `c`, `gold`, …), or `""` when there is no `#`. */
  readonly suffix: string;
}

/**
 * Writes an example id: `<problem id>[@<pass>]#<suffix>`.
 *
 * @throws {RangeError} when `pass` is given and is not a non-negative integer
 *
 * @example
 * ```ts
 * assertEquals(exampleId({ problemId: "msa-3", pass: 1, suffix: "si0" }), "msa-3@1#si0");
 * assertEquals(exampleId({ problemId: "msa-3", suffix: "gold" }), "msa-3#gold");
 * ```
 */
export function exampleId(parts: ExampleIdParts): string {
  const { problemId, pass, suffix } = parts;
  if (pass !== undefined && (!Number.isSafeInteger(pass) || pass < 0)) {
    throw new RangeError(`Cannot write example id as 'pass' must be a non-negative integer: current value is ${pass}`);
  }
  return `${problemId}${pass === undefined ? "" : `@${pass}`}#${suffix}`;
}

/**
 * Reads an example id back into its parts (the inverse of {@linkcode exampleId} for every id it
 * writes): the suffix is what follows the last `#`, the pass a trailing `@<digits>` of the stem.
 *
 * @example
 * ```ts
 * assertEquals(parseExampleId("msa-3@1#si0"), { problemId: "msa-3", pass: 1, suffix: "si0" });
 * assertEquals(parseExampleId("msa-3#gold"), { problemId: "msa-3", suffix: "gold" });
 * ```
 */
export function parseExampleId(id: string): ExampleIdParts {
  const hash = id.lastIndexOf("#");
  const stem = hash < 0 ? id : id.slice(0, hash);
  const suffix = hash < 0 ? "" : id.slice(hash + 1);
  const match = /^(.*)@(\d+)$/s.exec(stem);
  if (match === null) return { problemId: stem, suffix };
  return { problemId: match[1] as string, pass: Number(match[2]), suffix };
}
