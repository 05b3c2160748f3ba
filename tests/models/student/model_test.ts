import { beforeAll, describe, expect, it } from "vitest";
import { createStudentConfig } from "../../../src/models/student/config.js";
import {
  batchMatMul,
  createParams,
  disposeParams,
  embed,
  forward,
  initialWeights,
  linear,
  parameterCount,
  parameterSpecs,
} from "../../../src/models/student/model.js";
import { initTfjs, tf } from "../../../src/models/student/tfjs.js";

beforeAll(async () => {
  await initTfjs();
});

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe("model", () => {
  const config = createStudentConfig(20, { dModel: 16, layers: 2, heads: 4, context: 12, mlp: 32, seed: 3 });

  it("parameterSpecs() lists the documented names and parameterCount() sums their sizes", () => {
    const names = parameterSpecs(config).map((spec) => spec.name);
    expect(names.slice(0, 4)).toEqual(["tok_emb", "pos_emb", "l0.ln1.g", "l0.ln1.b"]);
    expect(names).toContain("l1.w2");
    expect(names.at(-1)).toBe("head");
    expect(parameterSpecs({ ...config, tiedOutput: true }).map((spec) => spec.name)).not.toContain("head");
    expect(parameterCount(config)).toBe(20 * 16 + 12 * 16 + 2 * (9 * 16 + 4 * 16 * 16 + 2 * 16 * 32 + 32) + 2 * 16 + 16 * 20);
  });

  it("initialWeights() is a pure function of the seed", () => {
    const a = initialWeights(config);
    const b = initialWeights(config);
    const c = initialWeights({ ...config, seed: 4 });
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });

  it("forward() gives [B, T, V] logits and is causal", () => {
    const params = createParams(config);
    const first = forward(params, config, tf.tensor2d([[1, 5, 6, 7]], [1, 4], "int32"));
    const second = forward(params, config, tf.tensor2d([[1, 5, 6, 9]], [1, 4], "int32"));
    expect(first.shape).toEqual([1, 4, 20]);
    const a = first.arraySync()[0] as number[][];
    const b = second.arraySync()[0] as number[][];
    for (let position = 0; position < 3; position++) {
      for (let id = 0; id < 20; id++) expect(a[position]?.[id]).toBeCloseTo(b[position]?.[id] as number, 5);
    }
    expect(a[3]).not.toEqual(b[3]);
    disposeParams(params);
  });

  it("linear() has the gradients of tf's built-in matMul and add", () => {
    const x = tf.randomNormal([5, 7], 0, 1, "float32", 1) as tf.Tensor2D;
    const w = tf.randomNormal([7, 3], 0, 1, "float32", 2) as tf.Tensor2D;
    const b = tf.randomNormal([3], 0, 1, "float32", 3) as tf.Tensor1D;
    const target = tf.randomNormal([5, 3], 0, 1, "float32", 4);
    const custom = tf.grads((x1, w1, b1) => tf.sum(tf.mul(linear(x1 as tf.Tensor2D, w1 as tf.Tensor2D, b1 as tf.Tensor1D), target)))([x, w, b]);
    const builtIn = tf.grads((x1, w1, b1) => tf.sum(tf.mul(tf.add(tf.matMul(x1 as tf.Tensor2D, w1 as tf.Tensor2D), b1), target)))([x, w, b]);
    custom.forEach((gradient, index) => expect(maxAbsDifference(gradient, builtIn[index] as tf.Tensor)).toBeLessThan(1e-5));
  });

  it("batchMatMul() gives the values of tf's built-in matMul, at attention shapes too", () => {
    for (const [batch, rows, inner, columns, seed] of [[3, 4, 5, 6, 11], [8, 57, 16, 57, 12], [8, 57, 57, 16, 13], [1, 1, 1, 1, 14]] as const) {
      const a = tf.randomNormal([batch, rows, inner], 0, 1, "float32", seed) as tf.Tensor3D;
      const b = tf.randomNormal([batch, inner, columns], 0, 1, "float32", seed + 100) as tf.Tensor3D;
      const product = batchMatMul(a, b);
      expect(product.shape).toEqual([batch, rows, columns]);
      expect(maxAbsDifference(product, tf.matMul(a, b))).toBeLessThan(1e-4);
    }
  });

  it("batchMatMul() has the gradients of tf's built-in matMul", () => {
    const a = tf.randomNormal([3, 4, 5], 0, 1, "float32", 5) as tf.Tensor3D;
    const b = tf.randomNormal([3, 5, 6], 0, 1, "float32", 6) as tf.Tensor3D;
    const target = tf.randomNormal([3, 4, 6], 0, 1, "float32", 7);
    const custom = tf.grads((a1, b1) => tf.sum(tf.mul(batchMatMul(a1 as tf.Tensor3D, b1 as tf.Tensor3D), target)))([a, b]);
    const builtIn = tf.grads((a1, b1) => tf.sum(tf.mul(tf.matMul(a1 as tf.Tensor3D, b1 as tf.Tensor3D), target)))([a, b]);
    custom.forEach((gradient, index) => expect(maxAbsDifference(gradient, builtIn[index] as tf.Tensor)).toBeLessThan(1e-5));
  });

  it("embed() gives the table's gradient of a one-hot product", () => {
    const params = createParams(config);
    const ids = tf.tensor2d([[1, 4, 4, 2], [3, 0, 0, 0]], [2, 4], "int32");
    const target = tf.randomNormal([8, 16], 0, 1, "float32", 8);
    const table = params["tok_emb"] as tf.Variable;
    const custom = tf.variableGrads(() => tf.sum(tf.mul(embed(params, config, ids), target)) as tf.Scalar, [table]);
    const oneHot = tf.cast(tf.oneHot(tf.reshape(ids, [8]), 20), "float32");
    const gathered = tf.add(tf.gather(table, tf.reshape(ids, [8])), tf.tile(tf.slice(params["pos_emb"] as tf.Tensor, [0, 0], [4, 16]), [2, 1]));
    expect(maxAbsDifference(embed(params, config, ids), gathered)).toBeLessThan(1e-6);
    const builtIn = tf.grad((w) => tf.sum(tf.mul(tf.matMul(oneHot, w), target)))(table);
    const gradient = Object.values(custom.grads)[0] as tf.Tensor;
    expect(tf.sum(tf.abs(gradient)).dataSync()[0]).toBeGreaterThan(0.1);
    expect(maxAbsDifference(gradient, builtIn)).toBeLessThan(1e-5);
    disposeParams(params);
  });
});
