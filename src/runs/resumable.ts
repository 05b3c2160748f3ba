/**
 * Resumable steps: a step of a run that, on `--resume`, is loaded from what it wrote when it
 * completed instead of being run again.
 *
 * @module
 */

/** A step of a run: whether it completed before, how to load what it left, how to run it. */
export interface ResumableStep<T> {
  /** Whether the step's files say it completed (its last file written exists). */
  done(): boolean;
  /** What a completed step left, read back from its files. */
  load(): T | Promise<T>;
  /** Runs the step (writing its files, the one that marks it done last). */
  run(): Promise<T>;
}

/** Options for {@linkcode resumable}. */
export interface ResumableOptions {
  /** Whether the run resumes (`--resume`): only then is a completed step loaded. @default {false} */
  readonly resume?: boolean;
  /** Called when a completed step is loaded instead of run. */
  readonly onSkip?: () => void;
}

/**
 * Runs `step`, or loads it when the run resumes and the step completed before.
 *
 * @example Evaluate once, load on resume
 * ```ts
 * const metrics = await resumable({
 *   done: () => existsSync(layout.eval.metrics),
 *   load: () => readJsonDecoded(layout.eval.metrics, Metrics),
 *   run: () => evaluateInto(layout.eval),
 * }, { resume: true });
 * ```
 */
export async function resumable<T>(step: ResumableStep<T>, options: ResumableOptions = {}): Promise<T> {
  if (options.resume === true && step.done()) {
    options.onSkip?.();
    return await step.load();
  }
  return await step.run();
}
