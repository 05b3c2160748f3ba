/**
 * Adam with global gradient-norm clipping, on plain arrays (the main thread holds the weights;
 * workers only compute gradients).
 *
 * @module
 */

/** Adam's moments and step count, one array per parameter (checkpoint order). */
export interface AdamState {
  step: number;
  readonly m: Float32Array[];
  readonly v: Float32Array[];
}

/** Adam's constants. */
export interface AdamOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** The constants used by the trainer. */
export const ADAM: AdamOptions = { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 };

/** Zero moments shaped like `weights`. */
export function createAdamState(weights: readonly Float32Array[]): AdamState {
  return {
    step: 0,
    m: weights.map((values) => new Float32Array(values.length)),
    v: weights.map((values) => new Float32Array(values.length)),
  };
}

/** The global L2 norm of all gradients. */
export function globalNorm(gradients: readonly Float32Array[]): number {
  let sum = 0;
  for (const values of gradients) {
    for (let index = 0; index < values.length; index++) {
      const value = values[index] as number;
      sum += value * value;
    }
  }
  return Math.sqrt(sum);
}

/** Scales the gradients in place so that their global norm is at most `clip`; returns the norm before. */
export function clipGradients(gradients: Float32Array[], clip: number): number {
  const norm = globalNorm(gradients);
  if (clip > 0 && norm > clip) {
    const scale = clip / norm;
    for (const values of gradients) {
      for (let index = 0; index < values.length; index++) values[index] = (values[index] as number) * scale;
    }
  }
  return norm;
}

/** One Adam step in place on `weights` and `state`. */
export function adamStep(
  weights: Float32Array[],
  gradients: readonly Float32Array[],
  state: AdamState,
  lr: number,
  options: AdamOptions = ADAM,
): void {
  const { beta1, beta2, epsilon } = options;
  state.step += 1;
  const correction1 = 1 - beta1 ** state.step;
  const correction2 = 1 - beta2 ** state.step;
  const stepSize = lr / correction1;
  weights.forEach((values, parameter) => {
    const gradient = gradients[parameter] as Float32Array;
    const m = state.m[parameter] as Float32Array;
    const v = state.v[parameter] as Float32Array;
    for (let index = 0; index < values.length; index++) {
      const g = gradient[index] as number;
      const mi = beta1 * (m[index] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[index] as number) + (1 - beta2) * g * g;
      m[index] = mi;
      v[index] = vi;
      values[index] = (values[index] as number) - (stepSize * mi) / (Math.sqrt(vi / correction2) + epsilon);
    }
  });
}
