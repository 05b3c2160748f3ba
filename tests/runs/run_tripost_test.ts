/**
 * The loop's `training` knobs (issue 13, item 5): `maskFirstAttempt` (the official
 * `mask_before_att_start_text`), `init` (each iteration from the previous model or from M0),
 * `optimizerState` (Adam's state carried or fresh), `warmup` and `minLrRatio`, for TriPosT and
 * the ft-rationale baseline alike. The loop trains the shipped student for real on tiny data
 * (2 iterations, 2 training steps each); the embedded trainer is wrapped to record what it is
 * given. Rollouts and evaluation go to a scripted student (the gold rationale, with a wrong
 * answer on every other problem), so that every iteration collects the same kinds of examples
 * whatever the few training steps did to the real one.
 */
import * as E from "fp-ts/lib/Either.js";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { of } from "rxjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveConfig, type RunConfig } from "../../src/codecs/config.js";
import type { Problem } from "../../src/codecs/problem.js";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import { encodeExample } from "../../src/models/student/_batch.js";
import { loadCheckpoint, type StudentCheckpoint } from "../../src/models/student/checkpoint.js";
import type { Model } from "../../src/models/model.js";
import { createTokenizer } from "../../src/models/student/tokenizer.js";
import { type TrainStudentOptions, trainStudent } from "../../src/models/student/trainer.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import type { ExternalTrainingRequest, ExternalTrainingStep } from "../../src/runs/external_trainer.js";
import { goldExample } from "../../src/stages/split.js";
import { runTriPosT } from "../../src/runs/run_tripost.js";
import { maskFirstAttempts } from "../../src/stages/tripost_loop.js";
import { getTask } from "../../src/tasks/registry.js";
import type { Task } from "../../src/tasks/task.js";
import { formatFor, type TrajectoryFormat } from "../../src/tasks/trajectory_format.js";
import { rootDirectory } from "../_helpers/child_run.js";

vi.mock("../../src/models/student/trainer.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/models/student/trainer.js")>();
  return { ...actual, trainStudent: vi.fn(actual.trainStudent) };
});

const m0Path = join(rootDirectory, "fixtures/student/m0-msa");

// ---------------------------------------------------------------------------------------------
// maskFirstAttempt: per-character weights

/** An example whose weight applies from its first `\nF:` (compact) or `\nFeedback:` (official). */
function example(id: string, kind: TrainingExample["kind"], text: string, weight: number): TrainingExample {
  const at = text.search(/\nF(eedback)?:/);
  return { id, kind, text, weightFrom: at < 0 ? text.length : at, weight };
}

const question = "((-3*-8)*(-2*3))=\n";
const wrongAttempt = "-3*-8=24\n-2*3=-6\n24*-6=-96\nA:-96";
const rightAttempt = "-3*-8=24\n-2*3=-6\n24*-6=-144\nA:-144";
const xSI = example("p#si0", "improvement", `${question}${wrongAttempt}\nF:3:24*-6=-96\n${rightAttempt}`, 1.5);
const xT = example("p#t", "terminal", `${question}${rightAttempt}\nF:ok`, 1.5);
const gold = { ...example("p#gold", "gold", `${question}${rightAttempt}\nF:ok`, 1), weightFrom: 0 };
const correct = { ...example("q#c", "correct", `${question}${rightAttempt}\nF:ok`, 1), weightFrom: 0 };

/** The loss weight of each character of `text` (the trainer's targets, EOS left out). */
function characterWeights(input: TrainingExample): number[] {
  const encoded = encodeExample(createTokenizer(), 384, input);
  if (E.isLeft(encoded)) throw new Error(`cannot encode ${input.id}`);
  return [...encoded.right.weights].slice(0, input.text.length);
}

describe("maskFirstAttempts()", () => {
  it("maskFirstAttempts() gives x_SI no loss on the question and the first attempt, and w from the \\n before the feedback on", () => {
    const [masked] = maskFirstAttempts([xSI], true);
    const weights = characterWeights(masked as TrainingExample);
    const feedbackAt = question.length + wrongAttempt.length;
    expect(xSI.text.slice(feedbackAt, feedbackAt + 3)).toBe("\nF:");
    expect(weights.slice(0, feedbackAt)).toEqual(Array.from({ length: feedbackAt }, () => 0));
    expect(weights.slice(feedbackAt)).toEqual(Array.from({ length: xSI.text.length - feedbackAt }, () => 1.5));
    // Unmasked (the default): weight 1 on the question and the first attempt.
    expect(characterWeights(maskFirstAttempts([xSI], false)[0] as TrainingExample).slice(0, feedbackAt)).toEqual(
      Array.from({ length: feedbackAt }, () => 1),
    );
  });

  it("maskFirstAttempts() leaves only the feedback line of x_T with loss", () => {
    const [masked] = maskFirstAttempts([xT], true);
    const weights = characterWeights(masked as TrainingExample);
    const feedbackAt = question.length + rightAttempt.length;
    expect(weights).toEqual([...Array.from({ length: feedbackAt }, () => 0), 1.5, 1.5, 1.5, 1.5, 1.5]);
  });

  it("maskFirstAttempts() keeps the loss of gold and correct examples everywhere (official text_att_start_text \"Q:\")", () => {
    const masked = maskFirstAttempts([gold, correct], true);
    expect(masked).toEqual([gold, correct]);
    for (const input of masked) expect(characterWeights(input)).toEqual(Array.from({ length: input.text.length }, () => 1));
  });

  it("maskFirstAttempts() masks an official-format x_SI up to its \\nFeedback:", () => {
    const text = "Q: (1 + 2) =\nAnswer: Let's think step by step.\n(1) 1 + 2 = 4.\n(Final response) So the answer is 4.\n" +
      "Feedback: In step (1) the part \"1 + 2 = 4\" is incorrect.\nUpdated Answer: Let's think step by step.\n(1) 1 + 2 = 3.\n(Final response) So the answer is 3.";
    const official = example("o#si0", "improvement", text, 1.5);
    const weights = characterWeights(maskFirstAttempts([official], true)[0] as TrainingExample);
    const at = text.indexOf("\nFeedback:");
    expect(weights.slice(0, at).every((weight) => weight === 0)).toBe(true);
    expect(weights.slice(at).every((weight) => weight === 1.5)).toBe(true);
  });

  it("maskFirstAttempts() returns the examples as they are when the mask is off", () => {
    expect(maskFirstAttempts([xSI, xT, gold, correct], false)).toEqual([xSI, xT, gold, correct]);
  });
});

// ---------------------------------------------------------------------------------------------
// init, optimizerState, warmup, minLrRatio in the loop

const tinyRun: RunConfig = {
  task: "multistep_arithmetic",
  student: "embedded:fixtures/student/m0-msa",
  data: {
    train: { source: "generate", count: 8, seed: 3 },
    test: { source: "generate", name: "seen", difficulty: "easy", split: "seen", count: 2, seed: 1004 },
  },
  iterations: 2,
  baselines: ["ft-rationale"],
  maxTokens: { rollout: 64, eval: 64 },
  // A tiny collection: the official min_data_length would end the loop before any training.
  passes: { maxPasses: 1, minDataLength: 0 },
  concurrency: 4,
  seed: 5,
};

/** What the embedded trainer was given in one call. */
interface TrainerCall {
  readonly weights: readonly Float32Array[];
  readonly optimizerStep: number | undefined;
  readonly resetOptimizer: boolean | undefined;
  readonly warmup: number | undefined;
  readonly minLrRatio: number | undefined;
  readonly steps: number | undefined;
}

let scratch: string;
let m0: StudentCheckpoint;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-loop-"));
  const loaded = await loadCheckpoint(m0Path);
  if (E.isLeft(loaded)) throw new Error("cannot load M0");
  m0 = loaded.right;
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * A scripted student: for the problem whose prompt starts the request, the gold compact rationale,
 * with the answer off by one on every other problem; asked for feedback, it says its answer is
 * correct (the expert then edits the wrong ones).
 */
function scriptedStudent(task: Task, format: TrajectoryFormat, problems: readonly Problem[]): Model {
  const answers = problems.map((problem, index) => {
    const gold = goldExample(task, format, problem);
    if (E.isLeft(gold)) throw new Error(`no gold rationale for ${problem.id}`);
    const prompt = format.prompt(problem);
    const rationale = gold.right.text.slice(prompt.length, gold.right.text.lastIndexOf("\n"));
    const attempt = index % 2 === 0 ? rationale : rationale.replace(/A:(-?\d+)$/, (_, answer: string) => `A:${Number(answer) + 1}`);
    return { prompt, attempt };
  });
  return (request) => {
    const prompt = "prompt" in request ? request.prompt : "";
    const match = answers.find((answer) => prompt.startsWith(answer.prompt));
    const text = prompt.endsWith(format.feedbackPrefix) ? "ok" : match?.attempt ?? "";
    return of({ choices: [{ text, finishReason: "stop" as const }], usage: { promptTokens: prompt.length, completionTokens: text.length } });
  };
}

/** What a run did: its directory, the trainer's calls (tripost 1, ft-rationale 1, tripost 2, ft-rationale 2), the students it opened. */
interface TinyRun {
  readonly outDir: string;
  readonly calls: TrainerCall[];
  readonly opened: string[];
}

/** Runs the tiny loop with `training` (and an external trainer's step, when given). */
async function runWith(name: string, training: RunConfig["training"], trainExternally?: ExternalTrainingStep, passes?: RunConfig["passes"]): Promise<TinyRun> {
  const config = resolveConfig({
    ...tinyRun,
    ...(passes === undefined ? {} : { passes }),
    ...(trainExternally === undefined ? {} : { baselines: [] }),
    training: { steps: 2, batchSize: 4, workers: 0, ...training },
  });
  const task = getTask(config.task);
  if (task === undefined) throw new Error("no task");
  const format = formatFor(task, config.student.format);
  if (E.isLeft(format)) throw new Error(format.left);
  const generated = (source: (typeof config.data.test)[number]) => {
    if (source.source !== "generate") throw new Error("generated data only");
    return task.generate({ count: source.count, seed: source.seed, split: source.split, difficulty: source.difficulty });
  };
  const spy = vi.mocked(trainStudent);
  spy.mockClear();
  const outDir = join(scratch, name);
  const trainProblems = generated(config.data.train);
  const testProblems = config.data.test.flatMap(generated);
  const student = scriptedStudent(task, format.right, [...trainProblems, ...testProblems]);
  const opened: string[] = [];
  await runTriPosT(
    {
      task,
      format: format.right,
      expert: scriptedExpert(task),
      trainProblems,
      testProblems,
      initialCheckpoint: m0Path,
      openStudent: (checkpoint) => {
        opened.push(checkpoint);
        return { model: student, close: () => Promise.resolve() };
      },
      ...(trainExternally === undefined ? {} : { trainExternally }),
    },
    { config, outDir },
  );
  const calls = spy.mock.calls.map(([options]: [TrainStudentOptions]): TrainerCall => ({
    weights: options.student.weights,
    optimizerStep: options.student.optimizer?.step,
    resetOptimizer: options.resetOptimizer,
    warmup: options.warmup,
    minLrRatio: options.minLrRatio,
    steps: options.steps,
  }));
  return { outDir, calls, opened };
}

async function checkpointAt(path: string): Promise<StudentCheckpoint> {
  const loaded = await loadCheckpoint(path);
  if (E.isLeft(loaded)) throw new Error(`cannot load ${path}`);
  return loaded.right;
}

function sameWeights(left: readonly Float32Array[], right: readonly Float32Array[]): boolean {
  return left.length === right.length && left.every((values, index) => {
    const other = right[index] as Float32Array;
    return values.length === other.length && values.every((value, at) => value === other[at]);
  });
}

function readExamples(path: string): TrainingExample[] {
  return readFileSync(path, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as TrainingExample);
}

describe("runTriPosT() training settings", () => {
  let defaults: TinyRun;
  let fromM0: TinyRun;
  let fresh: TinyRun;

  beforeAll(async () => {
    defaults = await runWith("defaults", {});
    fromM0 = await runWith("m0", { init: "m0", maskFirstAttempt: true, warmup: 0.5, minLrRatio: 0.3 });
    fresh = await runWith("fresh", { optimizerState: "fresh" });
  }, 120_000);

  it("runTriPosT() by default continues each method from its previous checkpoint with its Adam state, 10% warm-up", async () => {
    expect(defaults.calls).toHaveLength(4);
    const [tripost1, ft1, tripost2, ft2] = defaults.calls as [TrainerCall, TrainerCall, TrainerCall, TrainerCall];
    for (const call of [tripost1, ft1]) {
      expect(sameWeights(call.weights, m0.weights)).toBe(true);
      // The shipped M0 has no Adam state.
      expect(call.optimizerStep).toBeUndefined();
    }
    const previousTripost = await checkpointAt(join(defaults.outDir, "iteration-1", "checkpoint"));
    const previousFt = await checkpointAt(join(defaults.outDir, "iteration-1", "ft-rationale", "checkpoint"));
    expect(sameWeights(tripost2.weights, previousTripost.weights)).toBe(true);
    expect(sameWeights(ft2.weights, previousFt.weights)).toBe(true);
    expect(sameWeights(tripost2.weights, m0.weights)).toBe(false);
    for (const call of [tripost2, ft2]) expect(call.optimizerStep).toBe(2);
    for (const call of defaults.calls) expect(call).toMatchObject({ resetOptimizer: false, warmup: 0, minLrRatio: 0.1, steps: 2 });
    // Carried: Adam's step counter goes on through the second replay.
    expect((await checkpointAt(join(defaults.outDir, "iteration-2", "checkpoint"))).optimizer?.step).toBe(4);
    expect((await checkpointAt(join(defaults.outDir, "iteration-2", "ft-rationale", "checkpoint"))).optimizer?.step).toBe(4);
  });

  it("runTriPosT() with init \"m0\" trains every iteration of TriPosT and ft-rationale from M0's weights", async () => {
    expect(fromM0.calls).toHaveLength(4);
    for (const call of fromM0.calls) {
      expect(sameWeights(call.weights, m0.weights)).toBe(true);
      // "carry" carries the starting checkpoint's state: M0 has none.
      expect(call.optimizerStep).toBeUndefined();
      expect(call).toMatchObject({ warmup: 1, minLrRatio: 0.3, steps: 2 });
    }
    // The second iteration's checkpoint holds M0's log and its own steps only.
    const second = await checkpointAt(join(fromM0.outDir, "iteration-2", "checkpoint"));
    const first = await checkpointAt(join(fromM0.outDir, "iteration-1", "checkpoint"));
    expect(second.log).toHaveLength(first.log.length);
    expect(second.optimizer?.step).toBe(2);
    // Iteration 2 still collects with iteration 1's student (only training starts from M0).
    expect(fromM0.opened.filter((path) => path.endsWith(join("iteration-1", "checkpoint")))).toHaveLength(2);
  });

  it("runTriPosT() with maskFirstAttempt writes train.jsonl with no loss before the first feedback of improvement and terminal examples", () => {
    let masked = 0;
    for (const iteration of [1, 2]) {
      for (const trained of readExamples(join(fromM0.outDir, `iteration-${iteration}`, "train.jsonl"))) {
        if (trained.kind === "improvement" || trained.kind === "terminal") {
          expect(trained.weightBefore, trained.id).toBe(0);
          masked += 1;
        } else {
          expect(trained.weightBefore, trained.id).toBeUndefined();
        }
      }
    }
    expect(masked).toBeGreaterThan(0);
    for (const trained of readExamples(join(defaults.outDir, "iteration-1", "train.jsonl"))) expect(trained.weightBefore).toBeUndefined();
  });

  it("runTriPosT() with optimizerState \"fresh\" continues from the previous weights but starts Adam afresh", async () => {
    const [, , tripost2, ft2] = fresh.calls as [TrainerCall, TrainerCall, TrainerCall, TrainerCall];
    const previousTripost = await checkpointAt(join(fresh.outDir, "iteration-1", "checkpoint"));
    expect(sameWeights(tripost2.weights, previousTripost.weights)).toBe(true);
    for (const call of fresh.calls) expect(call.resetOptimizer).toBe(true);
    for (const call of [tripost2, ft2]) expect(call.optimizerStep).toBe(2);
    expect((await checkpointAt(join(fresh.outDir, "iteration-2", "checkpoint"))).optimizer?.step).toBe(2);
    expect((await checkpointAt(join(fresh.outDir, "iteration-2", "ft-rationale", "checkpoint"))).optimizer?.step).toBe(2);
  });
});

describe("runTriPosT() and min_data_length", () => {
  it("runTriPosT() ends the loop before training an iteration that collected fewer than passes.minDataLength examples (official min_data_length)", async () => {
    const run = await runWith("below-min", {}, undefined, { minDataLength: 100_000 });
    expect(run.calls).toHaveLength(0);
    expect(existsSync(join(run.outDir, "iteration-1", "stats.json"))).toBe(true);
    expect(existsSync(join(run.outDir, "iteration-2"))).toBe(false);
    const metrics = JSON.parse(readFileSync(join(run.outDir, "metrics.json"), "utf8")) as { rows: { method: string }[] };
    expect(metrics.rows.map((row) => row.method)).toEqual(["M0"]);
  }, 60_000);
});

describe("runTriPosT() training settings with an external trainer", () => {
  /** Runs the loop with an external step that records its requests and returns the next "model". */
  async function requestsWith(name: string, training: RunConfig["training"]): Promise<ExternalTrainingRequest[]> {
    const requests: ExternalTrainingRequest[] = [];
    await runWith(name, training, (request) => {
      requests.push(request);
      return Promise.resolve(`model-${request.iteration}`);
    });
    return requests;
  }

  it("runTriPosT() hands the external trainer M0 as base under init \"m0\", and the masked examples", async () => {
    const requests = await requestsWith("external-m0", { init: "m0", maskFirstAttempt: true });
    expect(requests.map((request) => [request.iteration, request.from, request.base])).toEqual([
      [1, m0Path, m0Path],
      [2, "model-1", m0Path],
    ]);
    for (const request of requests) {
      const weighted = request.examples.filter((trained) => trained.kind === "improvement" || trained.kind === "terminal");
      expect(weighted.length).toBeGreaterThan(0);
      for (const trained of weighted) expect(trained.weightBefore).toBe(0);
    }
  });

  it("runTriPosT() leaves base to the external trainer (its previous output) by default", async () => {
    const requests = await requestsWith("external-defaults", {});
    expect(requests.map((request) => [request.iteration, request.from, request.base])).toEqual([
      [1, m0Path, undefined],
      [2, "model-1", undefined],
    ]);
    for (const request of requests) for (const trained of request.examples) expect(trained.weightBefore).toBeUndefined();
  });
});
