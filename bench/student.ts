/**
 * `npm run bench:student`: training tokens per second of the embedded student with one and two
 * worker threads (and in-thread), on the toy multistep-arithmetic corpus of `student.md`, for
 * learned positions and ALiBi side by side (same seed, same other weights); then, if
 * `bench/_student_decode.ts` exists, its decoding benchmark (also both encodings).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { toyArithmetic } from "../src/models/student/_toy_arithmetic.js";
import { createCheckpoint } from "../src/models/student/checkpoint.js";
import { POSITION_ENCODINGS } from "../src/models/student/config.js";
import { createTokenizer } from "../src/models/student/tokenizer.js";
import { trainStudent } from "../src/models/student/trainer.js";

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : process.argv[index + 1];
  return value === undefined ? fallback : Number(value);
}

async function main(): Promise<void> {
  const steps = flag("steps", 60);
  const batchSize = flag("batch", 32);
  const problems = toyArithmetic(4000, 1);
  const examples = problems.map((problem) => {
    const text = problem.prompt + problem.rationale;
    return { text, weightFrom: text.length, weight: 1 };
  });
  const rows: { setting: string; positions: string; layers: number; tokensPerSecond: number; msPerStep: number; loss: number }[] = [];
  // The first shipped M0's shape (2 layers, learned positions), the same with ALiBi, and the
  // current M0's shape (3 layers, ALiBi).
  const shapes = [
    ...POSITION_ENCODINGS.map((positions) => ({ positions, layers: 2 })),
    { positions: "alibi" as const, layers: 3 },
  ];
  for (const workers of [0, 1, 2]) {
    // The shapes one after the other for each setting, so they share the machine's state.
    for (const { positions, layers } of shapes) {
      const student = createCheckpoint(createTokenizer(), { seed: 1, positions, layers });
      // A few warm-up steps (wasm compilation, worker start) are left out of the timing.
      const warm = await trainStudent({ student, examples, steps: 5, batchSize, workers });
      const result = await trainStudent({ student: warm.student, examples, steps, batchSize, workers, seed: 2 });
      rows.push({
        setting: workers === 0 ? "in-thread" : `${result.workers} worker${result.workers === 1 ? "" : "s"}`,
        positions,
        layers,
        tokensPerSecond: Math.round(result.tokensPerSecond),
        msPerStep: Math.round(result.elapsedMs / result.steps),
        loss: Number(result.finalLoss.toFixed(3)),
      });
    }
  }
  console.log(`Training (d=64, 4 heads, batch ${batchSize}, ${steps} steps, toy arithmetic; tokens = non-padding targets)`);
  console.table(rows);
  const decode = new URL("./_student_decode.js", import.meta.url);
  if (existsSync(fileURLToPath(decode))) {
    const module = (await import(decode.href)) as { runDecodeBenchmark?: () => Promise<void> };
    if (typeof module.runDecodeBenchmark === "function") await module.runDecodeBenchmark();
  } else {
    console.log("(no decoding benchmark: bench/_student_decode.ts is not there)");
  }
}

await main();
