/**
 * The pure parts of the TriPosT loop (`tripost.md` §1): the methods a run compares, its events,
 * the rows of its results table and how they print, and the loss mask of the training set. The
 * loop itself works over a run directory: `runTriPosT` in `runs/run_tripost.ts`.
 *
 * @module
 */
import type { BaselineName } from "../codecs/config.js";
import type { Metrics } from "../codecs/metrics.js";
import type { TrainingExample } from "../codecs/training_example.js";
import type { Model } from "../models/model.js";

/** A method compared in a run. */
export type MethodName = "tripost" | BaselineName;

/** A loaded student and how to release it. */
export interface OpenedStudent {
  readonly model: Model;
  close(): Promise<void>;
}

/** A step of the loop, for progress output. */
export type LoopEvent =
  | { readonly type: "step-start"; readonly method: MethodName | "M0"; readonly iteration: number; readonly step: "collect" | "train" | "evaluate" }
  | { readonly type: "step-skip"; readonly method: MethodName | "M0"; readonly iteration: number; readonly step: "collect" | "train" | "evaluate" }
  | { readonly type: "progress"; readonly step: "collect" | "train" | "evaluate"; readonly done: number; readonly total: number; readonly note?: string }
  | { readonly type: "step-end"; readonly method: MethodName | "M0"; readonly iteration: number; readonly step: "collect" | "train" | "evaluate"; readonly summary: string };

/** One row of the results table. */
export interface ResultRow {
  readonly method: MethodName | "M0";
  readonly iteration: number;
  readonly seen: number | null;
  readonly unseen: number | null;
  readonly total: number | null;
  readonly selfImprovementFrequency: number;
  readonly selfImprovementContribution: number;
  /** Training examples of the iteration (0 for M0). */
  readonly examples: number;
  /** Optimizer steps of the iteration (0 for M0). */
  readonly steps: number;
}

/** The results table's row of a method's evaluation in an iteration. */
export function resultRow(method: MethodName | "M0", iteration: number, metrics: Metrics, examples: number, steps: number): ResultRow {
  return {
    method,
    iteration,
    seen: metrics.accuracy.seen,
    unseen: metrics.accuracy.unseen,
    total: metrics.accuracy.total,
    selfImprovementFrequency: metrics.selfImprovement.frequency,
    selfImprovementContribution: metrics.selfImprovement.contribution,
    examples,
    steps,
  };
}

/**
 * The results table as text: one row per method and iteration, accuracies and self-improvement
 * figures in percent.
 */
export function formatResultsTable(rows: readonly ResultRow[]): string {
  const percent = (value: number | null) => (value === null ? "—" : `${(100 * value).toFixed(1)}`);
  const header = ["method", "iter", "seen", "unseen", "total", "SI freq", "SI contrib", "examples", "steps"];
  const body = rows.map((row) => [
    row.method,
    String(row.iteration),
    percent(row.seen),
    percent(row.unseen),
    percent(row.total),
    percent(row.selfImprovementFrequency),
    percent(row.selfImprovementContribution),
    String(row.examples),
    String(row.steps),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}

/** The example kinds whose first attempt `maskFirstAttempt` masks (official `text_att_start_text: "\nFeedback:"`). */
const MASKED_KINDS: ReadonlySet<TrainingExample["kind"]> = new Set(["improvement", "terminal"]);

/**
 * The examples as `training.maskFirstAttempt` trains them. When `mask` is true, improvement and
 * terminal examples get `weightBefore: 0`: no loss on the question and the attempt before their
 * first feedback line, loss (weight w) from the `\n` before it on — the official
 * `mask_before_att_start_text=True` with `text_att_start_text: "\nFeedback:"`
 * (`utils/dataset.py::SelfImproveDataset`). Gold and correct examples (official `"Q:"`: learn
 * all) keep their loss everywhere. When `mask` is false the examples are returned as they are.
 *
 * @example
 * ```ts
 * const [masked] = maskFirstAttempts([{ id: "a#t", kind: "terminal", text: "1+1=\n3\nF:wrong", weightFrom: 6, weight: 1.5 }], true);
 * assertEquals(masked?.weightBefore, 0);
 * ```
 */
export function maskFirstAttempts(examples: readonly TrainingExample[], mask: boolean): TrainingExample[] {
  if (!mask) return [...examples];
  return examples.map((example) => (MASKED_KINDS.has(example.kind) ? { ...example, weightBefore: 0 } : example));
}
