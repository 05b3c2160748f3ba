/**
 * The learning-rate schedule of the student's trainer: linear warm-up from 0, then cosine decay
 * to `minRatio · lr` at `totalSteps`.
 *
 * @module
 */

/** A warm-up + cosine schedule. */
export interface LearningRateSchedule {
  /** The peak learning rate. */
  readonly lr: number;
  /** Steps of linear warm-up. */
  readonly warmupSteps: number;
  /** Steps in all; the rate reaches its floor here and stays there. */
  readonly totalSteps: number;
  /** The floor as a share of `lr`. @default {0.1} */
  readonly minRatio?: number;
}

/**
 * The learning rate at a 0-based step.
 *
 * @example Peak after warm-up
 * ```ts
 * assertEquals(learningRateAt(10, { lr: 1, warmupSteps: 10, totalSteps: 100 }), 1);
 * ```
 */
export function learningRateAt(step: number, schedule: LearningRateSchedule): number {
  const { lr, warmupSteps, totalSteps, minRatio = 0.1 } = schedule;
  if (step < warmupSteps) return (lr * (step + 1)) / (warmupSteps + 1);
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  const floor = lr * minRatio;
  return floor + ((lr - floor) * (1 + Math.cos(Math.PI * progress))) / 2;
}
