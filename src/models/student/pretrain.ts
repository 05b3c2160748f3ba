/**
 * `npm run student:pretrain`: trains M0, a shipped embedded student, from scratch on the corpus
 * of {@linkcode pretrainingCorpus} (gold compact rationales of the task's `easy` problems, some
 * windows packing several texts, some starting with a copy exercise over the whole vocabulary),
 * measures greedy accuracy on held-out easy (seen) and medium (unseen) problems — also when the
 * question follows other text — and saves the checkpoint with its `metrics.json`.
 *
 * Flags: `--task msa|ws` (default msa), `--out DIR` (default `fixtures/student/m0-<task>`),
 * `--steps N` (default 3000), `--minutes M` (time budget, default 10), `--batch N` (32),
 * `--lr X` (3e-3), `--workers N` (2), `--seed S` (1), `--train N` problems (60000), `--eval N`
 * problems per split (500), `--d-model N` (64), `--layers N` (3), `--heads N` (4), `--context N`
 * (msa 384, ws 1024), `--positions alibi|learned` (alibi), `--pack X` (0.2), `--copy X` (0.5),
 * `--max-length N` (longest training window; msa 240, ws 480).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Problem } from "../../codecs/problem.js";
import { multistepArithmetic } from "../../tasks/multistep_arithmetic/mod.js";
import type { Task } from "../../tasks/task.js";
import { wordSorting } from "../../tasks/word_sorting/mod.js";
import { createPrng } from "../../util/prng.js";
import { createCheckpoint, saveCheckpoint, type StudentCheckpoint } from "./checkpoint.js";
import { createParams, disposeParams } from "./model.js";
import { copyExercise, DEFAULT_COPY_SHARE, DEFAULT_PACK_SHARE, pretrainingCorpus } from "./pretraining_corpus.js";
import { createSampler } from "./sampler.js";
import { initTfjs } from "./tfjs.js";
import { createTokenizer } from "./tokenizer.js";
import { trainStudent } from "./trainer.js";

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : process.argv[index + 1];
  return value ?? fallback;
}

function numberFlag(name: string, fallback: number): number {
  const value = Number(flag(name, String(fallback)));
  if (!Number.isFinite(value)) throw new RangeError(`Cannot pretrain as '--${name}' must be a number: current value is ${flag(name, "")}`);
  return value;
}

/** The tasks with a shipped M0, by their short name. */
export const PRETRAIN_TASKS: Readonly<Record<string, Task>> = { msa: multistepArithmetic, ws: wordSorting };

/** The compact training text of a problem: compact prompt + compact gold rationale. */
export function compactGoldText(task: Task, problem: Problem): E.Either<string, string> {
  const compact = task.compact;
  if (compact === undefined) return E.left(`${task.name} has no compact format`);
  const rationale = compact.fromTripost(problem, task.solve(problem));
  if (E.isLeft(rationale)) return E.left(rationale.left.message);
  return E.right(compact.prompt(problem) + rationale.right);
}

/** The student's first attempt in a compact output: everything up to and including the first answer line (`A:`). */
export function firstCompactAttempt(output: string): string {
  const lines = output.split("\n");
  const answer = lines.findIndex((line) => line.startsWith("A:"));
  return (answer < 0 ? lines : lines.slice(0, answer + 1)).join("\n");
}

/** Runs `use` with a greedy sampler over `student`'s weights, disposing both afterwards. */
async function withSampler<T>(student: StudentCheckpoint, use: (sampler: ReturnType<typeof createSampler>) => Promise<T>): Promise<T> {
  await initTfjs();
  const params = createParams(student.config, student.weights);
  const sampler = createSampler({ config: student.config, params, tokenizer: student.tokenizer });
  try {
    return await use(sampler);
  } finally {
    sampler.dispose();
    disposeParams(params);
  }
}

/** Accuracy of greedy compact answers, with the share of well-formed attempts. */
export interface CompactAccuracy {
  readonly accuracy: number;
  readonly wellFormed: number;
  readonly seconds: number;
}

/**
 * Accuracy of greedy compact first attempts on problems. `before(problem)` is text put before the
 * prompt (the question then follows other text); the attempt ends at its first answer line.
 */
export async function compactAccuracy(
  task: Task,
  student: StudentCheckpoint,
  problems: readonly Problem[],
  options: { readonly batchSize?: number; readonly before?: (problem: Problem, index: number) => string; readonly maxTokens?: number } = {},
): Promise<CompactAccuracy> {
  // By default the student may write up to its context: a cut rationale would be scored wrong.
  const { batchSize = 250, before = () => "", maxTokens = Number.POSITIVE_INFINITY } = options;
  const compact = task.compact;
  if (compact === undefined) throw new Error(`Cannot evaluate as ${task.name} has no compact format`);
  const start = performance.now();
  let correct = 0;
  let wellFormed = 0;
  await withSampler(student, async (sampler) => {
    for (let offset = 0; offset < problems.length; offset += batchSize) {
      const part = problems.slice(offset, offset + batchSize);
      const rows = part.map((problem, index) => {
        const ids = student.tokenizer.encode(before(problem, offset + index) + compact.prompt(problem));
        if (E.isLeft(ids)) throw new Error(`Cannot evaluate as a prompt has an unknown character: ${ids.left.character}`);
        return { promptIds: ids.right, temperature: 0, maxTokens: Math.min(maxTokens, student.config.context - ids.right.length - 1) };
      });
      const results = await sampler.sample(rows, { yieldBetweenSteps: false });
      results.forEach((result, index) => {
        const problem = part[index] as Problem;
        const official = compact.toTripost(problem, firstCompactAttempt(result.text));
        if (E.isLeft(official)) return;
        wellFormed += 1;
        const answer = task.extractAnswer(official.right);
        if (answer !== undefined && task.isCorrectAnswer(answer, problem.answer)) correct += 1;
      });
    }
  });
  return { accuracy: correct / problems.length, wellFormed: wellFormed / problems.length, seconds: (performance.now() - start) / 1000 };
}

/**
 * Greedy copy accuracy: given the first half of a copy exercise (`s\n`), the share of exercises
 * whose continuation starts with `s` exactly, and the share of characters right.
 */
export async function copyAccuracy(student: StudentCheckpoint, exercises: readonly { text: string; weightFrom: number }[]): Promise<{ exact: number; characters: number }> {
  return await withSampler(student, async (sampler) => {
    const rows = exercises.map((exercise) => {
      const ids = student.tokenizer.encode(exercise.text.slice(0, exercise.weightFrom));
      if (E.isLeft(ids)) throw new Error(`Cannot measure copying as an exercise has an unknown character: ${ids.left.character}`);
      return { promptIds: ids.right, temperature: 0, maxTokens: exercise.weightFrom };
    });
    const results = await sampler.sample(rows, { yieldBetweenSteps: false });
    let exact = 0;
    let right = 0;
    let total = 0;
    results.forEach((result, index) => {
      const exercise = exercises[index] as { text: string; weightFrom: number };
      const wanted = exercise.text.slice(exercise.weightFrom, 2 * exercise.weightFrom - 1);
      if (result.text.startsWith(wanted)) exact += 1;
      for (let at = 0; at < wanted.length; at++) {
        total += 1;
        if (result.text[at] === wanted[at]) right += 1;
      }
    });
    return { exact: exact / exercises.length, characters: right / Math.max(1, total) };
  });
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const taskName = flag("task", "msa");
  const task = PRETRAIN_TASKS[taskName];
  if (task === undefined || task.compact === undefined) {
    throw new RangeError(`Cannot pretrain as '--task' must be one of ${Object.keys(PRETRAIN_TASKS).join(", ")}: current value is ${taskName}`);
  }
  const isWs = taskName === "ws";
  const out = flag("out", `fixtures/student/m0-${taskName}`);
  const steps = numberFlag("steps", 3000);
  const minutes = numberFlag("minutes", 10);
  const batchSize = numberFlag("batch", 32);
  const lr = numberFlag("lr", 3e-3);
  const workers = numberFlag("workers", 2);
  const seed = numberFlag("seed", 1);
  const trainCount = numberFlag("train", 60000);
  const evalCount = numberFlag("eval", 500);
  const dModel = numberFlag("d-model", 64);
  const layers = numberFlag("layers", 3);
  const heads = numberFlag("heads", 4);
  const context = numberFlag("context", isWs ? 1024 : 384);
  const positions = flag("positions", "alibi");
  if (positions !== "alibi" && positions !== "learned") throw new RangeError(`Cannot pretrain as '--positions' must be alibi or learned: current value is ${positions}`);
  const packShare = numberFlag("pack", DEFAULT_PACK_SHARE);
  const copyShare = numberFlag("copy", DEFAULT_COPY_SHARE);
  const maxLength = numberFlag("max-length", isWs ? 480 : 240);

  // Held out by seed: training problems come from seed `seed`, evaluation from seed `seed + 1000`;
  // an evaluation question that happens to be drawn for training too is dropped from training.
  const easyEval = task.generate({ count: evalCount, seed: seed + 1000, difficulty: "easy" });
  const mediumEval = task.generate({ count: evalCount, seed: seed + 1000, difficulty: "medium" });
  const held = new Set([...easyEval, ...mediumEval].map((problem) => problem.question));
  const train = task.generate({ count: trainCount, seed, difficulty: "easy" }).filter((problem) => !held.has(problem.question));
  const gold: string[] = [];
  let tooLong = 0;
  for (const problem of train) {
    const text = compactGoldText(task, problem);
    if (E.isLeft(text)) continue;
    if (text.right.length > maxLength) {
      tooLong += 1;
      continue;
    }
    gold.push(text.right);
  }
  const alphabet = [...new Set(gold.join(""))].filter((character) => character !== "\n").join("");
  const corpus = pretrainingCorpus(gold, { packShare, copyShare, maxLength: Math.min(maxLength * 2, context - 2), taskAlphabet: alphabet, seed });
  console.error(`pretrain ${taskName}: ${gold.length} gold texts (${tooLong} longer than ${maxLength} left out), windows ${JSON.stringify(corpus.stats)}`);
  console.error(`e.g. ${JSON.stringify(corpus.texts.slice(0, 3).map((text) => text.text))}`);

  const student = createCheckpoint(createTokenizer(), { seed, dModel, layers, heads, context, mlp: 4 * dModel, positions });
  const started = performance.now();
  const result = await trainStudent({
    student,
    examples: corpus.texts,
    steps,
    batchSize,
    lr,
    workers,
    seed,
    timeBudgetMs: minutes * 60_000,
    log(entry) {
      if (entry.step % 100 === 0) {
        console.error(`step ${entry.step} loss ${entry.loss.toFixed(4)} lr ${entry.lr.toExponential(2)} ${(entry.elapsedMs / 1000).toFixed(0)}s`);
      }
    },
  });
  const trainSeconds = (performance.now() - started) / 1000;
  console.error(`trained ${result.steps} steps in ${trainSeconds.toFixed(0)}s, ${Math.round(result.tokensPerSecond)} tokens/s on ${result.workers} workers, final loss ${result.finalLoss.toFixed(4)}`);

  // The question after other text: after another problem's solved gold text (a packed window),
  // and after a copy exercise of random characters.
  const others = task.generate({ count: evalCount, seed: seed + 2000, difficulty: "easy" });
  const afterGold = (_problem: Problem, index: number) => {
    const text = compactGoldText(task, others[index % others.length] as Problem);
    return E.isRight(text) ? `${text.right}\n` : "";
  };
  const copyRandom = createPrng(`pretrain-eval-copy:${seed}`);
  const copies = easyEval.map(() => copyExercise(copyRandom, alphabet, 48).text);
  const afterCopy = (_problem: Problem, index: number) => copies[index] as string;
  const easy = await compactAccuracy(task, result.student, easyEval);
  const medium = await compactAccuracy(task, result.student, mediumEval);
  const easyAfterGold = await compactAccuracy(task, result.student, easyEval, { before: afterGold });
  const easyAfterCopy = await compactAccuracy(task, result.student, easyEval, { before: afterCopy });
  const copyRandomEval = createPrng(`pretrain-eval-copy-only:${seed}`);
  const copying = await copyAccuracy(result.student, Array.from({ length: 200 }, () => copyExercise(copyRandomEval, alphabet, 48)));
  console.error(`copying: ${percent(copying.exact)} of exercises exactly, ${percent(copying.characters)} of characters`);
  console.error(
    `easy (seen) ${percent(easy.accuracy)} (well-formed ${percent(easy.wellFormed)}), medium (unseen) ${percent(medium.accuracy)} (well-formed ${percent(medium.wellFormed)}), ` +
      `easy after a gold text ${percent(easyAfterGold.accuracy)}, easy after a copy exercise ${percent(easyAfterCopy.accuracy)}`,
  );
  // Shipped checkpoints carry no optimizer state (it would triple their size).
  const { optimizer: _optimizer, ...shipped } = result.student;
  await saveCheckpoint(out, shipped);
  const round = (value: number) => Number(value.toFixed(4));
  const metrics = {
    command: `npm run student:pretrain -- ${process.argv.slice(2).join(" ")}`.trim(),
    task: task.name,
    seed,
    steps: result.steps,
    batchSize,
    lr,
    workers: result.workers,
    trainSeconds: Math.round(trainSeconds),
    tokensPerSecond: Math.round(result.tokensPerSecond),
    goldTexts: gold.length,
    goldLeftOut: tooLong,
    corpus: corpus.stats,
    finalLoss: round(result.finalLoss),
    easy: { problems: easyEval.length, seed: seed + 1000, accuracy: easy.accuracy, wellFormed: easy.wellFormed },
    medium: { problems: mediumEval.length, seed: seed + 1000, accuracy: medium.accuracy, wellFormed: medium.wellFormed },
    easyAfterGoldText: { accuracy: easyAfterGold.accuracy, wellFormed: easyAfterGold.wellFormed },
    easyAfterCopyExercise: { accuracy: easyAfterCopy.accuracy, wellFormed: easyAfterCopy.wellFormed },
    copying,
  };
  await writeFile(join(out, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log(JSON.stringify(metrics));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await main();
}
