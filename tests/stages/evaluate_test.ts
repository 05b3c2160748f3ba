import { test } from "@fast-check/vitest";
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { firstValueFrom, from, map, type Observable, throwError, timer, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { decodeWith } from "../../src/codecs/decode.js";
import { Metrics } from "../../src/codecs/metrics.js";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import { Prediction } from "../../src/codecs/prediction.js";
import type { Problem } from "../../src/codecs/problem.js";
import type { Model } from "../../src/models/model.js";
import { evaluate, evaluationMetrics, formatMetricsSummary } from "../../src/stages/evaluate.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import type { Task } from "../../src/tasks/task.js";
import { compactFormat, officialFormat, type TrajectoryFormat } from "../../src/tasks/trajectory_format.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { hash32 } from "../../src/util/prng.js";

const task = multistepArithmetic;
const format = compactFormat(task)!;

/** How the fake student behaves on a problem. */
type Kind =
  /** right at once, says so */
  | "right"
  /** wrong, error feedback, right update, says so */
  | "improve"
  /** wrong, says it is right */
  | "wrong"
  /** right, error feedback, wrong update, says so */
  | "worsen"
  /** the call fails */
  | "error"
  /** writes nothing */
  | "silent";

const KINDS: readonly Kind[] = ["right", "improve", "wrong", "worsen", "error", "silent"];

function rightAttempt(problem: Problem): string {
  return E.getOrElse(() => "")(format.fromOfficial(problem, task.solve(problem)));
}

function wrongAttempt(problem: Problem): string {
  const lines = rightAttempt(problem).split("\n");
  lines[lines.length - 1] = `A:${Number(problem.answer) + 1}`;
  return lines.join("\n");
}

/**
 * A scripted self-improving student: its completions are a table built from each problem's kind;
 * an unknown prompt gets EOS at once. Each answer arrives after a delay of 0–3 ms picked by a
 * hash of (prompt, salt), so calls finish out of order.
 */
function fakeStudent(problems: readonly Problem[], kindOf: (index: number) => Kind, salt = 0): Model & { calls: number } {
  const table = new Map<string, string | Error>();
  problems.forEach((problem, index) => {
    const prompt = format.prompt(problem);
    const right = rightAttempt(problem);
    const wrong = wrongAttempt(problem);
    switch (kindOf(index)) {
      case "right":
        table.set(prompt, `${right}\nF:ok`);
        break;
      case "improve":
        table.set(prompt, wrong);
        table.set(`${prompt}${wrong}\nF:`, `A:${Number(problem.answer) + 1}\n${right}`);
        table.set(`${prompt}${right}\nF:`, "ok");
        break;
      case "wrong":
        table.set(prompt, `${wrong}\nF:ok`);
        break;
      case "worsen":
        table.set(prompt, right);
        table.set(`${prompt}${right}\nF:`, `A:${problem.answer}\n${wrong}`);
        table.set(`${prompt}${wrong}\nF:`, "ok");
        break;
      case "error":
        table.set(prompt, new Error("Cannot complete the request as the server answered 500"));
        break;
      case "silent":
        break;
    }
  });
  const student = (request: ModelRequest): Observable<ModelResponse> => {
    student.calls++;
    const prompt = "prompt" in request ? request.prompt : "";
    const entry = table.get(prompt) ?? "";
    if (entry instanceof Error) return throwError(() => entry);
    return timer(hash32(`${salt}/${prompt}`) % 4).pipe(
      map(() => ({ choices: [{ text: entry, finishReason: "stop" }] })),
    );
  };
  student.calls = 0;
  return student;
}

const problems = task.generate({ count: 24, seed: 5, difficulty: "official" });
const kindOf = (index: number): Kind => KINDS[index % KINDS.length] as Kind;

async function run(student: Model, concurrency: number, items: readonly Problem[] = problems): Promise<Prediction[]> {
  return await firstValueFrom(from(items).pipe(evaluate(student, { task, format, concurrency }), toArray()));
}

describe("evaluate()", () => {
  it("evaluate() judges each kind of self-improvement run", async () => {
    const predictions = (await run(fakeStudent(problems, kindOf), 4)).sort((a, b) => a.index - b.index);
    const byKind = (kind: Kind) => predictions.filter((_, index) => kindOf(index) === kind);
    for (const prediction of predictions) expect(E.isRight(decodeWith(Prediction)(prediction))).toBe(true);
    expect(predictions.map((prediction) => prediction.id)).toEqual(problems.map((problem) => problem.id));
    for (const prediction of byKind("right")) {
      expect(prediction).toMatchObject({ correct: true, firstAttemptCorrect: true, selfImproved: false, end: "correct" });
      expect(prediction.predicted).toBe(prediction.answer);
    }
    for (const prediction of byKind("improve")) {
      expect(prediction).toMatchObject({ correct: true, firstAttemptCorrect: false, selfImproved: true, end: "correct" });
      expect(prediction.turns).toHaveLength(2);
      expect(prediction.turns[0]?.feedback).toMatch(/^F:A:/);
      expect(prediction.turns[1]?.feedback).toBe("F:ok");
    }
    for (const prediction of byKind("wrong")) {
      expect(prediction).toMatchObject({ correct: false, firstAttemptCorrect: false, selfImproved: false, end: "correct" });
      expect(prediction.predicted).toBe(String(Number(prediction.answer) + 1));
    }
    for (const prediction of byKind("worsen")) {
      expect(prediction).toMatchObject({ correct: false, firstAttemptCorrect: true, selfImproved: true, end: "correct" });
    }
    for (const prediction of byKind("error")) {
      expect(prediction).toMatchObject({ correct: false, predicted: null, end: "error", turns: [] });
      expect(prediction.error).toMatch(/500/);
    }
    for (const prediction of byKind("silent")) {
      expect(prediction).toMatchObject({ correct: false, predicted: null, end: "no-progress", turns: [] });
    }
    const first = predictions[1] as Prediction;
    expect(first.text.startsWith(format.prompt(problems[1] as Problem))).toBe(true);
    expect(first.text.endsWith("F:ok")).toBe(true);
    expect(first.bucket).toBe((problems[1] as Problem).meta?.["bucket"]);
  });

  it("evaluate() gives the expected metrics on a scripted self-improving student", async () => {
    const predictions = await run(fakeStudent(problems, kindOf), 8);
    const metrics = evaluationMetrics(task.name, predictions);
    expect(E.isRight(decodeWith(Metrics)(metrics))).toBe(true);
    // 24 problems, 4 of each kind: right and improve are correct (8); improve and worsen self-improve (8).
    expect(metrics.count).toBe(24);
    expect(metrics.accuracy.total).toBeCloseTo(8 / 24);
    expect(metrics.selfImprovement).toEqual({
      frequency: 8 / 24,
      contribution: 4 / 8,
      selfImproved: 8,
      correct: 8,
      contributed: 4,
      firstAttemptCorrect: 8,
      broken: 4,
    });
    expect(metrics.ends).toEqual({ correct: 16, "no-progress": 4, repeating: 0, limit: 0, "invalid-feedback": 0, error: 4 });
    const seen = predictions.filter((prediction) => prediction.split === "seen");
    expect(metrics.counts.seen).toBe(seen.length);
    expect(metrics.accuracy.seen).toBeCloseTo(seen.filter((prediction) => prediction.correct).length / seen.length);
    expect(formatMetricsSummary(metrics)).toContain("SI frequency 33.3% contribution 50.0%");
  });

  test.prop([fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 1000 })], { numRuns: 25 })(
    "evaluate() emits exactly one prediction per problem at any concurrency",
    async (concurrency, salt) => {
      const items = problems.slice(0, 12);
      const student = fakeStudent(items, (index) => KINDS[(index + salt) % KINDS.length] as Kind, salt);
      const seen: number[] = [];
      const predictions = await firstValueFrom(
        from(items).pipe(evaluate(student, { task, format, concurrency, onPrediction: (item) => seen.push(item.index) }), toArray()),
      );
      expect(seen).toEqual(predictions.map((prediction) => prediction.index));
      expect(predictions.map((prediction) => prediction.index).sort((a, b) => a - b)).toEqual(items.map((_, index) => index));
      expect(new Set(predictions.map((prediction) => prediction.id)).size).toBe(items.length);
    },
  );

  it("evaluate() keeps at most `concurrency` problems in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const inner = fakeStudent(problems, () => "right");
    const student: Model = (request) => {
      inFlight++;
      most = Math.max(most, inFlight);
      return inner(request).pipe(map((response) => {
        inFlight--;
        return response;
      }));
    };
    await run(student, 3);
    expect(most).toBe(3);
  });

  it("evaluate() decodes greedily", async () => {
    const requests: ModelRequest[] = [];
    const inner = fakeStudent(problems, kindOf);
    await run((request) => {
      requests.push(request);
      return inner(request);
    }, 2, problems.slice(0, 4));
    expect(requests.length).toBeGreaterThan(4);
    expect(requests.every((request) => request.temperature === 0)).toBe(true);
  });

  it("evaluate() ends the stream on a fatal error", async () => {
    const fatal = new Error("401");
    const student: Model = () => throwError(() => fatal);
    const result = firstValueFrom(
      from(problems.slice(0, 3)).pipe(evaluate(student, { task, format, isFatal: (error) => error === fatal }), toArray()),
    );
    await expect(result).rejects.toBe(fatal);
  });

  it("evaluate() rejects a concurrency below 1", () => {
    expect(() => evaluate(fakeStudent([], kindOf), { task, format, concurrency: 0 })).toThrow(
      "Cannot create evaluate stage as 'concurrency' must be an integer of at least 1: current value is 0",
    );
  });
});

function prediction(fields: Partial<Prediction> & Pick<Prediction, "correct">): Prediction {
  return {
    id: "x",
    index: 0,
    answer: "1",
    predicted: fields.correct ? "1" : "2",
    selfImproved: false,
    firstAttemptCorrect: fields.correct,
    end: "correct",
    turns: [],
    text: "",
    ...fields,
  };
}

const predictionArbitrary: fc.Arbitrary<Prediction> = fc
  .record({
    correct: fc.boolean(),
    selfImproved: fc.boolean(),
    firstAttemptCorrect: fc.boolean(),
    split: fc.option(fc.constantFrom("seen" as const, "unseen" as const), { nil: undefined }),
    bucket: fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined }),
    end: fc.constantFrom("correct" as const, "no-progress" as const, "repeating" as const, "limit" as const, "invalid-feedback" as const, "error" as const),
  })
  .map(({ split, bucket, ...rest }) => prediction({ ...rest, ...(split === undefined ? {} : { split }), ...(bucket === undefined ? {} : { bucket }) }));

describe("evaluationMetrics()", () => {
  it("evaluationMetrics() follows the definitions on hand-made predictions", () => {
    const predictions = [
      prediction({ correct: true, split: "seen", bucket: "l3-4d2" }),
      prediction({ correct: true, split: "seen", bucket: "l3-4d2", selfImproved: true, firstAttemptCorrect: false }),
      prediction({ correct: false, split: "seen", bucket: "l3-4d22", selfImproved: true, firstAttemptCorrect: true }),
      prediction({ correct: false, split: "unseen", bucket: "l5-6d2", selfImproved: true, firstAttemptCorrect: false }),
      prediction({ correct: true, split: "unseen", bucket: "l5-6d2" }),
      // Correct with a wrong first attempt but no error feedback: not a contribution.
      prediction({ correct: true, firstAttemptCorrect: false, end: "limit" }),
      prediction({ correct: false, split: "unseen", end: "error" }),
    ];
    const metrics = evaluationMetrics("multistep_arithmetic", predictions);
    expect(metrics).toEqual({
      task: "multistep_arithmetic",
      count: 7,
      accuracy: { total: 4 / 7, seen: 2 / 3, unseen: 1 / 3 },
      counts: { seen: 3, unseen: 3 },
      buckets: {
        "l3-4d2": { correct: 2, total: 2, accuracy: 1 },
        "l3-4d22": { correct: 0, total: 1, accuracy: 0 },
        "l5-6d2": { correct: 1, total: 2, accuracy: 0.5 },
      },
      selfImprovement: {
        frequency: 3 / 7,
        contribution: 1 / 4,
        selfImproved: 3,
        correct: 4,
        contributed: 1,
        firstAttemptCorrect: 3,
        broken: 1,
      },
      ends: { correct: 5, "no-progress": 0, repeating: 0, limit: 1, "invalid-feedback": 0, error: 1 },
    });
  });

  it("evaluationMetrics() gives null accuracies and zero rates for no predictions", () => {
    const metrics = evaluationMetrics({ name: "word_sorting" }, []);
    expect(metrics.accuracy).toEqual({ total: null, seen: null, unseen: null });
    expect(metrics.selfImprovement.frequency).toBe(0);
    expect(metrics.selfImprovement.contribution).toBe(0);
    expect(formatMetricsSummary(metrics)).toBe(
      "accuracy seen n/a (n=0) unseen n/a (n=0) total n/a (n=0); SI frequency 0.0% contribution 0.0%",
    );
  });

  test.prop([fc.array(predictionArbitrary, { maxLength: 40 })], { numRuns: 300 })(
    "evaluationMetrics() keeps its rates in [0, 1] and consistent with its counts",
    (predictions) => {
      const metrics = evaluationMetrics("multistep_arithmetic", predictions);
      const { frequency, contribution, correct } = metrics.selfImprovement;
      for (const rate of [frequency, contribution, metrics.accuracy.total, metrics.accuracy.seen, metrics.accuracy.unseen]) {
        if (rate !== null) {
          expect(rate).toBeGreaterThanOrEqual(0);
          expect(rate).toBeLessThanOrEqual(1);
        }
      }
      expect(correct).toBe(predictions.filter((item) => item.correct).length);
      expect(contribution * correct).toBeLessThanOrEqual(frequency * metrics.count + 1e-9);
      const buckets = Object.values(metrics.buckets);
      expect(buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(predictions.filter((item) => item.bucket !== undefined).length);
      expect(buckets.reduce((sum, bucket) => sum + bucket.correct, 0)).toBe(
        predictions.filter((item) => item.bucket !== undefined && item.correct).length,
      );
      for (const bucket of buckets) expect(bucket.accuracy).toBeCloseTo(bucket.correct / bucket.total);
      expect(metrics.counts.seen + metrics.counts.unseen).toBeLessThanOrEqual(metrics.count);
      if (metrics.accuracy.total !== null) expect(metrics.accuracy.total * metrics.count).toBeCloseTo(correct);
      const seenCorrect = (metrics.accuracy.seen ?? 0) * metrics.counts.seen;
      const unseenCorrect = (metrics.accuracy.unseen ?? 0) * metrics.counts.unseen;
      expect(seenCorrect + unseenCorrect).toBeLessThanOrEqual(correct + 1e-9);
      expect(Object.values(metrics.ends).reduce((sum, count) => sum + count, 0)).toBe(predictions.length);
    },
  );
});

/**
 * A student that writes each problem's gold compact rationale, then `suffix`, and ends (EOS); asked
 * for feedback on an attempt it answers `ok`.
 */
function goldStudent(taskOf: Task, formatOf: TrajectoryFormat, items: readonly Problem[], suffix = ""): Model {
  const table = new Map<string, string>();
  for (const problem of items) {
    const gold = E.getOrElse((): string => "")(formatOf.fromOfficial(problem, taskOf.solve(problem)));
    table.set(formatOf.prompt(problem), `${gold}${suffix}`);
    table.set(`${formatOf.prompt(problem)}${gold}\n${formatOf.feedbackPrefix}`, "ok");
  }
  return (request: ModelRequest): Observable<ModelResponse> => {
    const prompt = "prompt" in request ? request.prompt : "";
    return from([{ choices: [{ text: table.get(prompt) ?? "", finishReason: "stop" }] }]);
  };
}

async function accuracyOf(taskOf: Task, student: Model, items: readonly Problem[]): Promise<Prediction[]> {
  const formatOf = compactFormat(taskOf)!;
  return await firstValueFrom(from(items).pipe(evaluate(student, { task: taskOf, format: formatOf }), toArray()));
}

describe("evaluate() on gold compact rationales", () => {
  // Official §9: the cleaning keeps every line with a known header (a numbered step, the final
  // response, a feedback line); a compact step line of the task's grammar is such a line, letters
  // and `:` included (word sorting's `3.2 H:a<b`).
  it("evaluate() scores gold compact word sorting rationales 100% correct", async () => {
    const items = [
      ...wordSorting.generate({ count: 20, seed: 3, difficulty: "official" }),
      ...wordSorting.generate({ count: 10, seed: 4, difficulty: "easy" }),
    ];
    const wsFormat = compactFormat(wordSorting)!;
    const predictions = await accuracyOf(wordSorting, goldStudent(wordSorting, wsFormat, items), items);
    expect(predictions.map((prediction) => [prediction.id, prediction.correct, prediction.end])).toEqual(
      items.map((problem) => [problem.id, true, "correct"]),
    );
    expect(evaluationMetrics(wordSorting, predictions).accuracy.total).toBe(1);
  });

  it("evaluate() scores gold compact multistep arithmetic rationales 100% correct", async () => {
    const items = task.generate({ count: 30, seed: 9, difficulty: "official" });
    const predictions = await accuracyOf(task, goldStudent(task, format, items), items);
    expect(predictions.every((prediction) => prediction.correct && prediction.end === "correct")).toBe(true);
    expect(evaluationMetrics(task, predictions).accuracy.total).toBe(1);
  });

  // The cleaning stops at junk after a correct answer line: a second `A:` line repeats the
  // answer's step id, and `:::-1` is no line of the arithmetic grammar.
  it("evaluate() keeps a right multistep arithmetic answer followed by junk lines", async () => {
    const items = task.generate({ count: 10, seed: 11, difficulty: "official" });
    const student = goldStudent(task, format, items, "\nA::-18\n:::-1");
    const predictions = await accuracyOf(task, student, items);
    expect(predictions.every((prediction) => prediction.correct)).toBe(true);
    expect(predictions.every((prediction) => !prediction.text.includes(":::"))).toBe(true);
  });
});

describe("evaluate() reads the answer as the official evaluation does", () => {
  const problem: Problem = { id: "p1", task: "multistep_arithmetic", question: "((-5 + 9) * (3 - -2)) =", answer: "20" };
  const prompt = format.prompt(problem);
  const table = (entries: Record<string, string>): Model => (request: ModelRequest): Observable<ModelResponse> => {
    const text = entries["prompt" in request ? request.prompt : ""] ?? "";
    return from([{ choices: [{ text, finishReason: "stop" }] }]);
  };
  const one = async (student: Model, formatOf: TrajectoryFormat = format): Promise<Prediction> =>
    (await firstValueFrom(from([problem]).pipe(evaluate(student, { task, format: formatOf }), toArray())))[0] as Prediction;

  // Official `process_answer`: `the answer is (.*)\.` on the last line (the second-to-last when the
  // last is feedback); the other lines are never converted or checked.
  it("evaluate() scores a right answer line after steps that do not convert to the official format", async () => {
    const attempt = "-5+9=4\n3--2=5\n(4*5)=20\nA:20";
    expect(E.isLeft(format.toOfficial(problem, attempt))).toBe(true);
    const prediction = await one(table({ [prompt]: `${attempt}\nF:ok` }));
    expect(prediction).toMatchObject({ predicted: "20", correct: true, firstAttemptCorrect: true });
  });

  // Official `_format_task_output`: the cleaning stops at the first line that is no legal step
  // (a new `Q:`), so a hallucinated next question does not become part of the attempt.
  it("evaluate() cuts a hallucinated next compact question after a right answer", async () => {
    const right = "-5+9=4\n3--2=5\n4*5=20\nA:20";
    const prediction = await one(table({
      [prompt]: `${right}\n((1+2)*3)=\n1+2=3\n3*3=9\nA:9`,
      [`${prompt}${right}\nF:`]: "ok",
    }));
    expect(prediction).toMatchObject({ predicted: "20", correct: true, end: "correct" });
    expect(prediction.turns).toEqual([{ attempt: right, feedback: "F:ok" }]);
  });

  it("evaluate() cuts a hallucinated next question in the official format", async () => {
    const officialFormat_ = officialFormat(task);
    const right = task.solve(problem);
    const officialPrompt = officialFormat_.prompt(problem);
    const prediction = await one(
      table({
        [officialPrompt]: `${right}\nQ: ((1 + 2) * 3) =\nAnswer: Let's think step by step.\n(1) This equation`,
        [`${officialPrompt}${right}\nFeedback:`]: " Step (1) to (4) are correct. The final response is also correct.",
      }),
      officialFormat_,
    );
    expect(prediction).toMatchObject({ predicted: "20", correct: true, end: "correct" });
  });
});
