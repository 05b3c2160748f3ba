/**
 * The pretraining corpus of M0, the embedded student (`student.md`, issue "TriPosT has to make the
 * student better").
 *
 * The paper's M0 is a pretrained LLM (LLaMA-7B) fine-tuned on gold rationales. Our M0 is trained
 * from scratch, so its corpus adds three things a pretrained LLM brings and a model trained on
 * lone rationales lacks, without ever showing it a feedback line or an update:
 *
 * 1. **Gold rationales of the training distribution**, `compact prompt + compact gold rationale`,
 *    as the paper's M0 is fine-tuned on (weight 1 everywhere, EOS after the answer).
 * 2. **Several texts per window**: with probability `packShare` a window holds two or three gold
 *    texts one after another, separated by a newline, so the student reads and writes a
 *    rationale that follows other text (the situation of an update) and has seen something other
 *    than EOS after an answer line.
 * 3. **Copying across long distances over the whole vocabulary**: with probability `copyShare` a
 *    gold text is preceded by a copy exercise `s\ns\n`, a random string `s` (8–`maxCopy`
 *    characters drawn from the whole printable vocabulary or from the task's own alphabet, with
 *    newlines) written twice; the first copy carries no loss, the second does. This trains the
 *    induction ("look back and copy") circuits an update needs to repeat the correct steps of an
 *    attempt, and gives every character of the vocabulary — feedback letters included — a
 *    trained input and output embedding.
 *
 * Every choice draws from a seeded PRNG: the corpus is a pure function of its inputs.
 *
 * @module
 */
import type { TrainingText } from "./trainer.js";
import { createPrng } from "../../util/prng.js";

/** The printable ASCII characters (the default tokenizer's characters but the newline). */
export const PRINTABLE = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index)).join("");

/** The default shares of {@linkcode pretrainingCorpus} (also `student:pretrain`'s `--pack` and `--copy`). */
export const DEFAULT_PACK_SHARE = 0.2;
export const DEFAULT_COPY_SHARE = 0.5;

/** Options for {@linkcode pretrainingCorpus}. */
export interface PretrainingCorpusOptions {
  /** Share of windows that pack two or three gold texts. @default {0.2} */
  readonly packShare?: number;
  /** Share of windows that start with a copy exercise. @default {0.5} */
  readonly copyShare?: number;
  /** Longest copied string. @default {48} */
  readonly maxCopy?: number;
  /** Longest window in characters (BOS and EOS excluded); a packed text that would exceed it stays single. */
  readonly maxLength: number;
  /** The characters of the task's own texts (copy strings draw from them half of the time). */
  readonly taskAlphabet: string;
  /** The seed. @default {0} */
  readonly seed?: number;
}

/** What a corpus holds, for the checkpoint's README. */
export interface CorpusStats {
  readonly windows: number;
  readonly single: number;
  readonly packed: number;
  readonly withCopy: number;
  readonly characters: number;
}

function checkShare(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`Cannot build the pretraining corpus as '${name}' must be in [0, 1]: current value is ${value}`);
}

/** A copy exercise `s\ns\n` and where its loss starts (the second copy). */
export function copyExercise(random: ReturnType<typeof createPrng>, alphabet: string, maxCopy: number): { text: string; weightFrom: number } {
  const length = random.int(8, Math.max(8, maxCopy));
  const pool = random.next() < 0.5 ? PRINTABLE : alphabet;
  let copied = "";
  for (let index = 0; index < length; index++) {
    // About one newline per 16 characters, never first or last.
    copied += index > 0 && index < length - 1 && random.next() < 1 / 16 ? "\n" : (pool[random.int(0, pool.length - 1)] as string);
  }
  return { text: `${copied}\n${copied}\n`, weightFrom: copied.length + 1 };
}

/**
 * The pretraining windows for `goldTexts` (each `prompt + rationale`), in a seeded order: one
 * window per gold text, some packed with the following gold texts, some preceded by a copy
 * exercise (module doc).
 */
export function pretrainingCorpus(goldTexts: readonly string[], options: PretrainingCorpusOptions): { texts: TrainingText[]; stats: CorpusStats } {
  const { packShare = DEFAULT_PACK_SHARE, copyShare = DEFAULT_COPY_SHARE, maxCopy = 48, maxLength, taskAlphabet, seed = 0 } = options;
  checkShare("packShare", packShare);
  checkShare("copyShare", copyShare);
  if (taskAlphabet.length === 0) throw new RangeError("Cannot build the pretraining corpus as 'taskAlphabet' must not be empty: current value is ''");
  const random = createPrng(`pretraining-corpus:${seed}`);
  const texts: TrainingText[] = [];
  let packed = 0;
  let withCopy = 0;
  let characters = 0;
  goldTexts.forEach((gold, index) => {
    const roll = random.next();
    if (roll < copyShare) {
      const exercise = copyExercise(random, taskAlphabet, maxCopy);
      const text = exercise.text + gold;
      if (text.length <= maxLength) {
        texts.push({ text, weightFrom: exercise.weightFrom, weight: 1, weightBefore: 0 });
        withCopy += 1;
        characters += text.length;
        return;
      }
    } else if (roll < copyShare + packShare) {
      const count = random.int(2, 3);
      let text = gold;
      for (let offset = 1; offset < count; offset++) {
        const next = goldTexts[(index + offset * 7919) % goldTexts.length] as string;
        if (text.length + 1 + next.length > maxLength) break;
        text += `\n${next}`;
      }
      if (text !== gold) {
        texts.push({ text, weightFrom: 0, weight: 1 });
        packed += 1;
        characters += text.length;
        return;
      }
    }
    texts.push({ text: gold, weightFrom: 0, weight: 1 });
    characters += gold.length;
  });
  return {
    texts: random.shuffle(texts),
    stats: { windows: texts.length, single: texts.length - packed - withCopy, packed, withCopy, characters },
  };
}
