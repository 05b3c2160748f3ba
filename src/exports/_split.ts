import type { TrainingExample } from "../codecs/training_example.js";

/** The text format of an example: decides the feedback anchor and where the prompt ends. */
export type ExportTextFormat = "tripost" | "compact";

/** Why an example cannot be exported: the field and the reason. */
export interface ExportError {
  /** The field path in the training example, e.g. `weightFrom`. */
  readonly field: string;
  readonly message: string;
}

/** Whether a different weight applies from `weightFrom` on than before it (a weighted example). */
export function isWeighted(example: TrainingExample): boolean {
  return example.weightFrom < example.text.length && example.weight !== (example.weightBefore ?? 1);
}

/** The format of a text: `tripost` when it starts with the official `Q:`, `compact` otherwise. */
export function detectFormat(text: string): ExportTextFormat {
  return text.startsWith("Q:") ? "tripost" : "compact";
}

/** The feedback anchor of a format: the official `\nFeedback:` or the compact `\nF:`. */
export function feedbackAnchor(format: ExportTextFormat): string {
  return format === "tripost" ? "\nFeedback:" : "\nF:";
}

/**
 * Where the prompt of a text ends: after the `Answer: Let's think step by step.…` line of the
 * official format, after the first line (the question) of the compact one; 0 when not found.
 */
export function promptEnd(text: string, format: ExportTextFormat): number {
  if (format === "tripost") {
    const answer = text.indexOf("\nAnswer:");
    if (answer < 0) return 0;
    const end = text.indexOf("\n", answer + 1);
    return end < 0 ? text.length : end + 1;
  }
  const end = text.indexOf("\n");
  return end < 0 ? 0 : end + 1;
}

/**
 * Where an example is cut into a prompt and a completion: at `weightFrom` for weighted examples
 * (the completion is the weighted part), at the end of the prompt otherwise.
 */
export function cutOf(example: TrainingExample, format: ExportTextFormat | undefined): number {
  return isWeighted(example) ? example.weightFrom : promptEnd(example.text, format ?? detectFormat(example.text));
}
