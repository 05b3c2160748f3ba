/**
 * `npm run student:pretrain`: trains M0, the shipped embedded student, on gold compact
 * rationales of easy multistep-arithmetic problems (prompt + rationale, weight 1 everywhere),
 * measures greedy accuracy on held-out easy (seen) and medium (unseen) problems, and saves the
 * checkpoint.
 *
 * Flags: `--out DIR` (default `fixtures/student/m0-msa`), `--steps N` (default 3000),
 * `--minutes M` (time budget, default 6), `--batch N` (default 32), `--lr X` (default 3e-3),
 * `--workers N` (default 2), `--seed S` (default 1), `--train N` problems (default 60000),
 * `--eval N` problems per split (default 500), `--medium-share X` (default 0).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Problem } from "../../codecs/problem.js";
import { multistepArithmetic } from "../../tasks/multistep_arithmetic/mod.js";
import { createCheckpoint, saveCheckpoint, type StudentCheckpoint } from "./checkpoint.js";
import { createParams, disposeParams } from "./model.js";
import { createSampler } from "./sampler.js";
import { initTfjs } from "./tfjs.js";
import { createTokenizer } from "./tokenizer.js";
import { trainStudent, type TrainingText } from "./trainer.js";

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

/** The compact terminal feedback line (`F:ok`). */
const TERMINAL_FEEDBACK = "F:ok";

/** Where a compact feedback line starts in a student's output. */
const FEEDBACK_LINE_START = "\nF:";

/** The compact training text of a problem: compact prompt + compact gold rationale. */
export function compactGoldText(problem: Problem): E.Either<string, string> {
  const compact = multistepArithmetic.compact;
  if (compact === undefined) return E.left("multistep arithmetic has no compact format");
  const rationale = compact.fromTripost(problem, multistepArithmetic.solve(problem));
  if (E.isLeft(rationale)) return E.left(rationale.left.message);
  return E.right(compact.prompt(problem) + rationale.right);
}

/** Accuracy of greedy compact answers on problems, with the share of well-formed outputs. */
export async function compactAccuracy(
  student: StudentCheckpoint,
  problems: readonly Problem[],
  batchSize = 250,
): Promise<{ accuracy: number; wellFormed: number; seconds: number }> {
  await initTfjs();
  const compact = multistepArithmetic.compact;
  if (compact === undefined) throw new Error("Cannot evaluate as multistep arithmetic has no compact format");
  const params = createParams(student.config, student.weights);
  const sampler = createSampler({ config: student.config, params, tokenizer: student.tokenizer });
  const start = performance.now();
  let correct = 0;
  let wellFormed = 0;
  try {
    for (let offset = 0; offset < problems.length; offset += batchSize) {
      const part = problems.slice(offset, offset + batchSize);
      const rows = part.map((problem) => {
        const ids = student.tokenizer.encode(compact.prompt(problem));
        if (E.isLeft(ids)) throw new Error(`Cannot evaluate as a prompt has an unknown character: ${ids.left.character}`);
        return { promptIds: ids.right, temperature: 0, maxTokens: 64 };
      });
      const results = await sampler.sample(rows, { yieldBetweenSteps: false });
      results.forEach((result, index) => {
        const problem = part[index] as Problem;
        // The attempt is what precedes a feedback line, if the student writes one.
        const official = compact.toTripost(problem, result.text.split(FEEDBACK_LINE_START)[0] as string);
        if (E.isLeft(official)) return;
        wellFormed += 1;
        const answer = multistepArithmetic.extractAnswer(official.right);
        if (answer !== undefined && multistepArithmetic.isCorrectAnswer(answer, problem.answer)) correct += 1;
      });
    }
  } finally {
    sampler.dispose();
    disposeParams(params);
  }
  return { accuracy: correct / problems.length, wellFormed: wellFormed / problems.length, seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<void> {
  const out = flag("out", "fixtures/student/m0-msa");
  const steps = numberFlag("steps", 3000);
  const minutes = numberFlag("minutes", 6);
  const batchSize = numberFlag("batch", 32);
  const lr = numberFlag("lr", 3e-3);
  const workers = numberFlag("workers", 2);
  const seed = numberFlag("seed", 1);
  const trainCount = numberFlag("train", 60000);
  const evalCount = numberFlag("eval", 500);
  const mediumShare = numberFlag("medium-share", 0);
  // An experiment, not the shipped M0: end every gold text with the terminal feedback line
  // (`\nF:ok`), so the student has seen what follows an answer in TriPosT's texts (README,
  // "Results of the embedded default run").
  const terminalFeedback = numberFlag("terminal-feedback", 0) === 1;

  // Held out by seed: training problems come from seed `seed`, evaluation from seed `seed + 1000`;
  // an evaluation question that happens to be drawn for training too is dropped from training.
  const easyEval = multistepArithmetic.generate({ count: evalCount, seed: seed + 1000, difficulty: "easy" });
  const mediumEval = multistepArithmetic.generate({ count: evalCount, seed: seed + 1000, difficulty: "medium" });
  const held = new Set([...easyEval, ...mediumEval].map((problem) => problem.question));
  const mediumCount = Math.round(trainCount * mediumShare);
  const train = [
    ...multistepArithmetic.generate({ count: trainCount - mediumCount, seed, difficulty: "easy" }),
    ...multistepArithmetic.generate({ count: mediumCount, seed, difficulty: "medium" }),
  ].filter((problem) => !held.has(problem.question));
  const examples: TrainingText[] = [];
  for (const problem of train) {
    const text = compactGoldText(problem);
    if (E.isLeft(text)) continue;
    const full = terminalFeedback ? `${text.right}\n${TERMINAL_FEEDBACK}` : text.right;
    examples.push({ text: full, weightFrom: full.length, weight: 1 });
  }
  console.error(`pretrain: ${examples.length} training texts (${mediumCount} medium), e.g. ${JSON.stringify(examples[0]?.text)}`);

  const student = createCheckpoint(createTokenizer(), { seed });
  const started = performance.now();
  const result = await trainStudent({
    student,
    examples,
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
  const easy = await compactAccuracy(result.student, easyEval);
  const medium = await compactAccuracy(result.student, mediumEval);
  console.error(`easy (seen) accuracy ${(easy.accuracy * 100).toFixed(1)}% (well-formed ${(easy.wellFormed * 100).toFixed(1)}%), medium (unseen) ${(medium.accuracy * 100).toFixed(1)}% (well-formed ${(medium.wellFormed * 100).toFixed(1)}%)`);
  // Shipped checkpoints carry no optimizer state (it would triple their size).
  const { optimizer: _optimizer, ...shipped } = result.student;
  await saveCheckpoint(out, shipped);
  const metrics = {
    command: `npm run student:pretrain -- ${process.argv.slice(2).join(" ")}`.trim(),
    seed,
    steps: result.steps,
    batchSize,
    lr,
    workers: result.workers,
    trainSeconds: Math.round(trainSeconds),
    tokensPerSecond: Math.round(result.tokensPerSecond),
    trainingTexts: examples.length,
    finalLoss: Number(result.finalLoss.toFixed(4)),
    easy: { problems: easyEval.length, seed: seed + 1000, accuracy: easy.accuracy, wellFormed: easy.wellFormed },
    medium: { problems: mediumEval.length, seed: seed + 1000, accuracy: medium.accuracy, wellFormed: medium.wellFormed },
  };
  await writeFile(join(out, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log(JSON.stringify(metrics));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await main();
}
