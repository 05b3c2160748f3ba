import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { filter, from, lastValueFrom, map, share, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import type { TrainingExample } from "../../src/codecs/training_example.js";
import { edit } from "../../src/stages/edit.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import { addGold, createRebalancer, rebalance, rebalanceExamples, rebalanceSeed } from "../../src/stages/rebalance.js";
import { goldExample, split } from "../../src/stages/split.js";
import { whenRight } from "../../src/stages/when_right.js";
import { compactFormat } from "../../src/tasks/trajectory_format.js";
import { fakeTask } from "./_fake_task.js";
import { rolloutOf } from "./_rollouts.js";

function example(id: string, kind: TrainingExample["kind"], text = id): TrainingExample {
  return { id, kind, text, weightFrom: 0, weight: 1 };
}

const kinds: TrainingExample["kind"][] = ["improvement", "terminal", "correct"];
/** Examples with texts from a small alphabet, so duplicates happen. */
const examples = fc.array(
  fc.record({ kind: fc.constantFrom(...kinds), text: fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 3 }) }),
  { maxLength: 40 },
).map((items) => items.map((item, index) => example(`e${index}`, item.kind, item.text)));
const golds = fc.array(fc.string({ unit: fc.constantFrom("a", "b", "g"), maxLength: 3 }), { maxLength: 20 })
  .map((texts) => texts.map((text, index) => example(`g${index}#gold`, "gold", text)));
const ratio = fc.constantFrom(-1, 0, 0.5, 1, 1.5, 3);
const seen = fc.uniqueArray(fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 2 }), { maxLength: 4 });

function uniqueTexts(items: readonly TrainingExample[], skip: ReadonlySet<string>): TrainingExample[] {
  const texts = new Set(skip);
  return items.filter((item) => !texts.has(item.text) && texts.add(item.text) !== undefined);
}

describe("rebalanceExamples()", () => {
  it("keeps every improvement example and samples ceil(#improvement / r) others", () => {
    const input = [
      example("i1", "improvement"), example("i2", "improvement"), example("i3", "improvement"),
      example("t1", "terminal"), example("t2", "terminal"), example("c1", "correct"), example("c2", "correct"),
    ];
    const { examples: output, stats } = rebalanceExamples(input, { improveDataRatio: 1.5, seed: 1 });
    expect(output.slice(0, 3).map((item) => item.id)).toEqual(["i1", "i2", "i3"]);
    expect(output).toHaveLength(5);
    expect(stats).toMatchObject({ improvement: 3, nonImprovementAvailable: 4, duplicatesRemoved: 0, p: 0.6 });
    expect(stats.terminal + stats.correct).toBe(2);
  });

  it("keeps everything when the ratio is not positive", () => {
    const input = [example("i1", "improvement"), example("t1", "terminal"), example("t2", "terminal")];
    expect(rebalanceExamples(input, { improveDataRatio: -1 }).examples).toEqual(input);
  });

  it("removes duplicate texts, also those seen in earlier passes", () => {
    const input = [example("i1", "improvement", "x"), example("i2", "improvement", "x"), example("t1", "terminal", "y")];
    const result = rebalanceExamples(input, { improveDataRatio: 1, seenTexts: new Set(["y"]) });
    expect(result.examples.map((item) => item.id)).toEqual(["i1"]);
    expect(result.stats.duplicatesRemoved).toBe(2);
    expect([...result.seenTexts].sort()).toEqual(["x", "y"]);
  });

  it("validates the ratio", () => {
    expect(() => rebalanceExamples([], { improveDataRatio: Number.NaN })).toThrow(
      "Cannot rebalance as 'improveDataRatio' must be a finite number: current value is NaN",
    );
  });

  test.prop([examples, ratio, fc.integer(), seen])(
    "rebalanceExamples() respects the class caps, keeps a subset, and has no duplicate texts",
    (input, improveDataRatio, seed, seenList) => {
      const seenTexts = new Set(seenList);
      const { examples: output, stats } = rebalanceExamples(input, { improveDataRatio, seed, seenTexts });
      const unique = uniqueTexts(input, seenTexts);
      const improvement = unique.filter((item) => item.kind === "improvement").length;
      const others = unique.length - improvement;
      const cap = improveDataRatio <= 0 ? others : Math.min(Math.ceil(improvement / improveDataRatio), others);
      expect(stats.improvement).toBe(improvement);
      expect(stats.terminal + stats.correct).toBe(cap);
      expect(output).toHaveLength(improvement + cap);
      for (const item of output) expect(input).toContain(item);
      const texts = output.map((item) => item.text);
      expect(new Set(texts).size).toBe(texts.length);
      for (const text of texts) expect(seenTexts.has(text)).toBe(false);
      expect(stats.p).toBe(output.length === 0 ? 0 : improvement / output.length);
    },
  );

  test.prop([examples, ratio, fc.integer()])("rebalanceExamples() is a pure function of (input, seed)", (input, improveDataRatio, seed) => {
    const copy = structuredClone(input);
    expect(rebalanceExamples(input, { improveDataRatio, seed })).toEqual(rebalanceExamples(copy, { improveDataRatio, seed }));
    expect(input).toEqual(copy);
  });
});

describe("addGold()", () => {
  it("adds as many gold examples as there are non-improvement ones and shuffles", () => {
    const input = [example("i1", "improvement"), example("i2", "improvement"), example("t1", "terminal")];
    const gold = [example("a#gold", "gold"), example("b#gold", "gold"), example("c#gold", "gold")];
    const { examples: output, stats } = addGold(input, gold, { seed: 3 });
    expect(stats).toMatchObject({ improvement: 2, terminal: 1, gold: 1, goldAvailable: 3, p: 0.5 });
    expect(output).toHaveLength(4);
  });

  it("addGold() with the passes' stats counts what every pass had to sample from and every duplicate", () => {
    const first = rebalanceExamples([example("i1", "improvement"), example("t1", "terminal"), example("t2", "terminal"), example("c1", "correct")], { seed: 1 });
    const second = rebalanceExamples([example("i2", "improvement"), example("t1b", "terminal", "t1"), example("t3", "terminal")], {
      seed: 2,
      seenTexts: first.seenTexts,
    });
    expect([first.stats.nonImprovementAvailable, second.stats.nonImprovementAvailable, second.stats.duplicatesRemoved]).toEqual([3, 1, 1]);
    const examples = [...first.examples, ...second.examples];
    const gold = [example("g1#gold", "gold", "i1"), example("g2#gold", "gold")];
    const result = addGold(examples, gold, { seed: 3, seenTexts: second.seenTexts, passes: [first.stats, second.stats] });
    // 3 + 1 non-improvement examples were there to sample from (2 sampled); one pass duplicate and one gold duplicate.
    expect(result.stats).toMatchObject({ terminal: 2, nonImprovementAvailable: 4, duplicatesRemoved: 2, goldAvailable: 1 });
  });

  test.prop([examples, golds, fc.integer(), seen])(
    "addGold() caps the gold, keeps output ⊆ input ∪ gold, has no duplicate texts, and is pure",
    (input, gold, seed, seenList) => {
      const base = uniqueTexts(input, new Set());
      const seenTexts = new Set(seenList);
      const result = addGold(base, gold, { seed, seenTexts });
      const available = uniqueTexts(gold, new Set([...seenTexts, ...base.map((item) => item.text)])).length;
      const nonImprovement = base.filter((item) => item.kind !== "improvement").length;
      expect(result.stats.gold).toBe(Math.min(nonImprovement, available));
      expect(result.examples).toHaveLength(base.length + result.stats.gold);
      for (const item of result.examples) expect([...base, ...gold]).toContain(item);
      const texts = result.examples.map((item) => item.text);
      expect(new Set(texts).size).toBe(texts.length);
      expect(addGold(base, gold, { seed, seenTexts })).toEqual(result);
    },
  );
});

describe("rebalance()", () => {
  it("collects a pass's examples, rebalances, adds gold, and shuffles with the seed", async () => {
    const pass = [
      [example("i1", "improvement"), example("t1", "terminal")],
      [example("i2", "improvement"), example("i3", "improvement"), example("c1", "correct"), example("c2", "correct")],
      example("t2", "terminal"),
    ];
    const gold = [example("g1", "gold"), example("g2", "gold"), example("g3", "gold")];
    const run = () => lastValueFrom(from(pass).pipe(rebalance({ improveDataRatio: 1.5, seed: 42, gold })));
    const result = await run();
    expect(result.stats).toMatchObject({ improvement: 3, gold: 2, nonImprovementAvailable: 4, p: 3 / 7 });
    expect(result.stats.terminal + result.stats.correct).toBe(2);
    expect(result.examples).toHaveLength(7);
    expect(await run()).toEqual(result);
    const other = await lastValueFrom(from(pass).pipe(rebalance({ improveDataRatio: 1.5, seed: 43, gold })));
    expect(other.examples.map((item) => item.id)).not.toEqual(result.examples.map((item) => item.id));
  });
});

describe("rebalance() in a pipeline", () => {
  it("takes the examples of edit → whenRight(split) and keeps the rejections apart", async () => {
    const format = compactFormat(fakeTask)!;
    const rollouts = Array.from({ length: 30 }, (_, index) =>
      rolloutOf(`p${index}`, {
        operands: [index % 7, -3, (index * 5) % 9],
        wrongStep: index % 4,
        delta: 1 + (index % 2),
        feedback: index % 5 === 0 ? "expert" : "none",
        secondWrongStep: 0,
      }, format));
    const results$ = from(rollouts).pipe(edit(scriptedExpert(fakeTask), { task: fakeTask, format }), whenRight(split({ format })), share());
    const gold = rollouts.flatMap((rollout) => {
      const item = goldExample(fakeTask, format, rollout.problem);
      return E.isRight(item) ? [item.right] : [];
    });
    const [result, rejections] = await Promise.all([
      lastValueFrom(results$.pipe(filter(E.isRight), map((right) => right.right), rebalance({ seed: 1, gold }))),
      lastValueFrom(results$.pipe(filter(E.isLeft), toArray())),
    ]);
    expect(rejections.map((left) => left.left.type)).toEqual(rejections.map(() => "wrong-no-edit"));
    expect(result.stats.improvement).toBeGreaterThan(0);
    expect(result.stats.terminal + result.stats.correct).toBe(
      Math.min(Math.ceil(result.stats.improvement / 1.5), result.stats.nonImprovementAvailable),
    );
    // Correct rollouts have the gold text: those gold examples are duplicates and skipped.
    expect(result.stats.gold).toBe(Math.min(result.stats.terminal + result.stats.correct, result.stats.goldAvailable));
    expect(result.stats.p).toBe(result.stats.improvement / result.examples.length);
    expect(new Set(result.examples.map((item) => item.text)).size).toBe(result.examples.length);
  });
});

describe("createRebalancer()", () => {
  test.prop([fc.array(examples, { minLength: 1, maxLength: 4 }), golds, ratio, fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 3 })])(
    "createRebalancer() chooses what rebalanceExamples() per pass and addGold() choose, in the same order, with the same stats",
    (passes, gold, improveDataRatio, seed, iteration) => {
      // The reference: the arrays, as collectIteration rebalanced them before.
      let taken: TrainingExample[] = [];
      let seenTexts = new Set<string>();
      const passStats = [];
      for (const [pass, items] of passes.entries()) {
        const balanced = rebalanceExamples(items, { improveDataRatio, seed: rebalanceSeed(seed, iteration, pass), seenTexts });
        taken = [...taken, ...balanced.examples];
        seenTexts = balanced.seenTexts;
        passStats.push(balanced.stats);
      }
      const expected = addGold(taken, gold, { seed: rebalanceSeed(seed, iteration, "gold"), seenTexts, passes: passStats });
      // The streaming rebalancer over references into one array.
      const all: TrainingExample[] = [];
      const rebalancer = createRebalancer({ improveDataRatio, seed, iteration });
      const streamedPassStats = passes.map((items) => {
        for (const item of items) rebalancer.add(item, all.push(item) - 1);
        return rebalancer.endPass();
      });
      for (const item of gold) rebalancer.addGold(item, all.push(item) - 1);
      const plan = rebalancer.finish();
      expect(plan.order.map((ref) => all[ref])).toEqual(expected.examples);
      expect(plan.stats).toEqual(expected.stats);
      expect(streamedPassStats).toEqual(passStats);
    },
  );

  it("createRebalancer() refuses split examples after the gold and a second finish", () => {
    const rebalancer = createRebalancer();
    rebalancer.endPass();
    rebalancer.addGold(example("g#gold", "gold"), 0);
    expect(() => rebalancer.add(example("a", "terminal"), 1)).toThrow(TypeError);
    rebalancer.finish();
    expect(() => rebalancer.finish()).toThrow(TypeError);
  });
});
