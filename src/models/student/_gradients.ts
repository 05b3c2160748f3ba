/**
 * The weighted loss and its gradients on this thread's tfjs (used in-thread and by each worker).
 *
 * @module
 */
import type { Batch } from "./_batch.js";
import type { StudentConfig } from "./config.js";
import { assignWeights, createParams, disposeParams, forwardHidden, outputLogits, parameterSpecs, type StudentParams } from "./model.js";
import { tf } from "./tfjs.js";

/** The summed gradients of one (part of a) batch. */
export interface GradientResult {
  /** d(Σ CE·weight)/dθ, one array per parameter (checkpoint order), NOT yet divided by `maskSum`. */
  readonly gradients: Float32Array[];
  /** Σ CE·weight over the batch's targets. */
  readonly lossSum: number;
  /** Number of non-padding targets. */
  readonly maskSum: number;
}

/** Per-target cross-entropy `[B·T]` of a batch (padding included; multiply by a mask). */
export function tokenCrossEntropy(params: StudentParams, config: StudentConfig, batch: Batch): tf.Tensor1D {
  return tf.tidy(() => {
    const inputs = tf.tensor2d(batch.inputs, [batch.batch, batch.time], "int32");
    const logits = outputLogits(params, config, forwardHidden(params, config, inputs));
    const targets = tf.cast(tf.oneHot(tf.tensor1d(batch.targets, "int32"), config.vocab), "float32");
    return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), targets), -1)) as tf.Tensor1D;
  });
}

/** Σ CE·weight of a batch (weights are 0 on padding). */
export function weightedLossSum(params: StudentParams, config: StudentConfig, batch: Batch): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(tokenCrossEntropy(params, config, batch), tf.tensor1d(batch.weights, "float32"))) as tf.Scalar);
}

/** Computes gradients for a config on this thread (tfjs must be started). */
export interface LocalGradients {
  compute(weights: readonly Float32Array[], batch: Batch): GradientResult;
  dispose(): void;
}

/** A gradient computer holding one set of variables, refreshed from `weights` at every call. */
export function createLocalGradients(config: StudentConfig): LocalGradients {
  const specs = parameterSpecs(config);
  let params: Record<string, tf.Variable> | undefined;
  return {
    compute(weights, batch) {
      if (params === undefined) params = createParams(config, weights);
      else assignWeights(config, params, weights);
      const current = params;
      const variables = specs.map((spec) => current[spec.name] as tf.Variable);
      const { value, grads } = tf.variableGrads(() => weightedLossSum(current, config, batch), variables);
      const gradients = variables.map((variable) => {
        const gradient = grads[variable.name];
        return gradient === undefined ? new Float32Array(variable.size) : new Float32Array(gradient.dataSync());
      });
      const lossSum = value.dataSync()[0] as number;
      value.dispose();
      for (const gradient of Object.values(grads)) gradient.dispose();
      return { gradients, lossSum, maskSum: batch.maskSum };
    },
    dispose() {
      if (params !== undefined) disposeParams(params);
      params = undefined;
    },
  };
}
