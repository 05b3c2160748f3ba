/**
 * The tiny run config of the `tripost run` acceptance tests: the shipped embedded student on 8
 * easy training problems and 3 + 3 test problems, one iteration, both baselines, 2 training steps
 * of batch 8 on the main thread, 64 tokens per generation, one collection pass. About 4 s.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** The config, as a user writes it. */
export const tinyRunConfig = {
  task: "multistep_arithmetic",
  student: "embedded:fixtures/student/m0-msa",
  data: {
    train: { source: "generate", count: 8, seed: 3 },
    test: [
      { source: "generate", name: "seen", difficulty: "easy", split: "seen", count: 3, seed: 1004 },
      { source: "generate", name: "unseen", difficulty: "medium", split: "unseen", count: 3, seed: 1004 },
    ],
  },
  iterations: 1,
  baselines: ["ft-rationale", "lmsi"],
  maxTokens: { rollout: 64, eval: 64 },
  // One pass: with several (the default, up to 5), collectIteration writes a problem's id once per
  // pass, so an id can be in trajectories.jsonl several times and in rejections.jsonl too.
  passes: { maxPasses: 1, minDataLength: 0 },
  training: { steps: 2, batchSize: 8, workers: 0 },
  concurrency: 4,
  seed: 5,
};

/** Writes `config` (default: the tiny one) as pretty JSON to `directory/name` and returns the path. */
export function writeRunConfig(directory: string, name = "run.json", config: unknown = tinyRunConfig): string {
  const path = join(directory, name);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
