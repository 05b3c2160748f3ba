/**
 * Decoding benchmark of the embedded student: problems per second of batched greedy decoding with
 * the key/value cache against recomputing the prefix at every token, on multistep-arithmetic
 * `easy` prompts in the compact format. Imported by `bench/student.ts`.
 *
 * {@linkcode runDecodeBenchmark} measures the shipped M0 (learned positions, trained) and two fresh
 * default-size students of the same seed, one with learned positions and one with ALiBi, whose other
 * weights are identical: the fair comparison of the two encodings' decoding speed (random students
 * write until `maxTokens` or an early EOS, so compare tokens/s as well as problems/s).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { createCheckpoint } from "../src/models/student/checkpoint.js";
import { POSITION_ENCODINGS, type PositionEncoding } from "../src/models/student/config.js";
import { createParams, disposeParams } from "../src/models/student/model.js";
import { createSampler, type LoadedStudent, type SampleResult } from "../src/models/student/sampler.js";
import { loadStudent } from "../src/models/student/student_model.js";
import { initTfjs } from "../src/models/student/tfjs.js";
import { multistepArithmetic } from "../src/tasks/multistep_arithmetic/mod.js";

/** Options for {@linkcode measureDecoding}. */
export interface MeasureDecodingOptions {
  /** A checkpoint directory. @default {"fixtures/student/m0-msa" if it exists, else a fresh default-size student} */
  readonly checkpoint?: string;
  /** Decode a fresh default-size student with these positions instead of a checkpoint. */
  readonly fresh?: PositionEncoding;
  /** Seed of the fresh student. @default {1} */
  readonly freshSeed?: number;
  /** Problems decoded with the cache. @default {400} */
  readonly problems?: number;
  /** Rows per batch. @default {200} */
  readonly batchSize?: number;
  /** Problems decoded without the cache (it is slow). @default {50} */
  readonly uncachedProblems?: number;
  /** Seed of the problems. @default {1001} */
  readonly seed?: number;
  /** Most tokens per completion. @default {64} */
  readonly maxTokens?: number;
}

/** One measured configuration. */
export interface DecodeFigure {
  /** The student measured: a checkpoint's name or `fresh`, with its position encoding. */
  readonly student: string;
  readonly mode: string;
  readonly problems: number;
  readonly batchSize: number;
  readonly seconds: number;
  readonly problemsPerSecond: number;
  readonly tokensPerSecond: number;
  /** Share of answers (`A:<n>`) equal to the gold answer. */
  readonly accuracy: number;
}

/** What {@linkcode measureDecoding} returns. */
export interface DecodeFigures {
  readonly checkpoint: string;
  readonly figures: readonly DecodeFigure[];
  /** Whether cached and uncached greedy decoding gave the same texts on the uncached problems. */
  readonly cachedEqualsUncached: boolean;
}

/** Measures cached and uncached greedy decoding (see the module doc). */
export async function measureDecoding(options: MeasureDecodingOptions = {}): Promise<DecodeFigures> {
  const { problems = 400, batchSize = 200, uncachedProblems = 50, seed = 1001, maxTokens = 64 } = options;
  await initTfjs();
  const fallback = resolve(process.cwd(), "fixtures/student/m0-msa");
  const directory = options.fresh === undefined ? options.checkpoint ?? (existsSync(fallback) ? fallback : undefined) : undefined;
  let student: LoadedStudent;
  if (directory === undefined) {
    const fresh = createCheckpoint(undefined, { seed: options.freshSeed ?? 1, ...(options.fresh === undefined ? {} : { positions: options.fresh }) });
    student = { config: fresh.config, tokenizer: fresh.tokenizer, params: createParams(fresh.config, fresh.weights) };
  } else {
    student = await loadStudent(directory);
  }
  const sampler = createSampler(student);
  const name = `${directory === undefined ? "fresh" : basename(directory)} (${student.config.positions})`;
  const set = multistepArithmetic.generate({ count: problems, seed, difficulty: "easy" });
  const rows = set.map((problem) => {
    const encoded = student.tokenizer.encode(multistepArithmetic.compact?.prompt(problem) ?? `${problem.question}\n`);
    if (encoded._tag === "Left") throw new RangeError(`Cannot encode problem ${problem.id}`);
    return { promptIds: encoded.right, temperature: 0, maxTokens };
  });
  const answers = set.map((problem) => problem.answer);

  async function run(mode: string, count: number, size: number, cache: boolean): Promise<{ figure: DecodeFigure; results: SampleResult[] }> {
    const results: SampleResult[] = [];
    const started = performance.now();
    for (let start = 0; start < count; start += size) {
      results.push(...await sampler.sample(rows.slice(start, Math.min(count, start + size)), { cache, yieldBetweenSteps: false }));
    }
    const seconds = (performance.now() - started) / 1000;
    const tokens = results.reduce((sum, result) => sum + result.completionTokens, 0);
    const correct = results.filter((result, index) => /A:(-?\d+)\s*$/.exec(result.text)?.[1] === answers[index]).length;
    return {
      figure: {
        student: name,
        mode,
        problems: count,
        batchSize: size,
        seconds: Number(seconds.toFixed(2)),
        problemsPerSecond: Math.round(count / seconds),
        tokensPerSecond: Math.round(tokens / seconds),
        accuracy: Number((correct / count).toFixed(3)),
      },
      results,
    };
  }

  try {
    await sampler.sample(rows.slice(0, 8), { yieldBetweenSteps: false }); // warm-up
    const figures: DecodeFigure[] = [];
    const cached = await run("cached", problems, batchSize, true);
    figures.push(cached.figure);
    figures.push((await run("cached", Math.min(problems, 50), 1, true)).figure);
    const uncached = await run("uncached", Math.min(uncachedProblems, problems), batchSize, false);
    figures.push(uncached.figure);
    const cachedEqualsUncached = uncached.results.every((result, index) => result.text === cached.results[index]?.text);
    return { checkpoint: directory ?? "(fresh default-size student)", figures, cachedEqualsUncached };
  } finally {
    sampler.dispose();
    disposeParams(student.params);
  }
}

/**
 * Runs {@linkcode measureDecoding} with its defaults on the shipped checkpoint, then on fresh
 * students with each position encoding, and prints the figures in one table.
 */
export async function runDecodeBenchmark(): Promise<void> {
  // The first shipped M0 (2 layers, learned positions) beside the current one (3 layers, ALiBi).
  const legacy = resolve(process.cwd(), "fixtures/student/legacy-learned-msa");
  const results = existsSync(legacy) ? [await measureDecoding({ checkpoint: legacy })] : [];
  results.push(await measureDecoding());
  for (const positions of POSITION_ENCODINGS) results.push(await measureDecoding({ fresh: positions }));
  console.log(`Decoding (greedy, multistep arithmetic easy, compact prompts; checkpoints ${results.map((result) => result.checkpoint).join(", ")}; fresh students: default size, seed 1)`);
  console.table(results.flatMap((result) => result.figures));
  for (const result of results) {
    console.log(`${result.figures[0]?.student}: cached and uncached greedy texts identical: ${result.cachedEqualsUncached}`);
  }
}
