/**
 * Small students for the sampler, student-model and server tests: a randomly initialised one and a
 * briefly trained one (on the toy arithmetic corpus, in-thread).
 */
import { createCheckpoint, type StudentCheckpoint } from "../../../src/models/student/checkpoint.js";
import type { PositionEncoding } from "../../../src/models/student/config.js";
import { createParams } from "../../../src/models/student/model.js";
import type { LoadedStudent } from "../../../src/models/student/sampler.js";
import { initTfjs } from "../../../src/models/student/tfjs.js";
import { createTokenizer } from "../../../src/models/student/tokenizer.js";
import { trainStudent } from "../../../src/models/student/trainer.js";
import { toyArithmetic } from "../../../src/models/student/_toy_arithmetic.js";

/** A small shape that keeps the tests fast. */
export const SMALL = { dModel: 32, layers: 2, heads: 4, context: 64 } as const;

/** A fresh student checkpoint of the small shape (ALiBi positions unless told). */
export function smallCheckpoint(seed = 1, positions: PositionEncoding = "alibi"): StudentCheckpoint {
  return createCheckpoint(createTokenizer(), { ...SMALL, seed, positions });
}

/** A student ready for sampling from a checkpoint. */
export async function loadedFrom(checkpoint: StudentCheckpoint): Promise<LoadedStudent> {
  await initTfjs();
  return {
    config: checkpoint.config,
    tokenizer: checkpoint.tokenizer,
    params: createParams(checkpoint.config, checkpoint.weights),
  };
}

/** A student trained for `steps` steps on toy arithmetic (prompt + rationale). */
export async function trainedCheckpoint(steps = 80, positions: PositionEncoding = "alibi"): Promise<StudentCheckpoint> {
  await initTfjs();
  const examples = toyArithmetic(400, 7).map((problem) => ({
    text: problem.prompt + problem.rationale,
    weightFrom: problem.prompt.length,
    weight: 1,
  }));
  const result = await trainStudent({ student: smallCheckpoint(2, positions), examples, steps, batchSize: 16, workers: 0, lr: 1e-2 });
  return result.student;
}

/** Token ids of a text (throws on an unknown character). */
export function idsOf(student: LoadedStudent, text: string): number[] {
  const encoded = student.tokenizer.encode(text);
  if (encoded._tag === "Left") throw new TypeError(`Cannot encode ${JSON.stringify(text)}`);
  return encoded.right;
}
