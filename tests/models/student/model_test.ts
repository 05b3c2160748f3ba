import { beforeAll, describe, expect, it } from "vitest";
import type { Batch } from "../../../src/models/student/_batch.js";
import { createLocalGradients } from "../../../src/models/student/_gradients.js";
import { createStudentConfig, type PositionEncoding, type StudentConfig } from "../../../src/models/student/config.js";
import {
  alibiBias,
  alibiBiasValues,
  alibiSlopes,
  batchMatMul,
  createParams,
  disposeParams,
  embed,
  forward,
  initialWeights,
  linear,
  type StudentParams,
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

const config = createStudentConfig(20, { dModel: 16, layers: 2, heads: 4, context: 12, mlp: 32, seed: 3, positions: "learned" });
const alibi: StudentConfig = { ...config, positions: "alibi" };

describe("model", () => {
  it("parameterSpecs() lists the documented names and parameterCount() sums their sizes", () => {
    const names = parameterSpecs(config).map((spec) => spec.name);
    expect(names.slice(0, 4)).toEqual(["tok_emb", "pos_emb", "l0.ln1.g", "l0.ln1.b"]);
    expect(names).toContain("l1.w2");
    expect(names.at(-1)).toBe("head");
    expect(parameterSpecs({ ...config, tiedOutput: true }).map((spec) => spec.name)).not.toContain("head");
    expect(parameterCount(config)).toBe(20 * 16 + 12 * 16 + 2 * (9 * 16 + 4 * 16 * 16 + 2 * 16 * 32 + 32) + 2 * 16 + 16 * 20);
    // ALiBi: the same parameters without `pos_emb`, and the other weights unchanged.
    expect(parameterSpecs(alibi).map((spec) => spec.name)).toEqual(names.filter((name) => name !== "pos_emb"));
    expect(parameterCount(alibi)).toBe(parameterCount(config) - 12 * 16);
    expect(initialWeights(alibi)).toEqual(initialWeights(config).filter((_, index) => index !== 1));
  });

  it("createStudentConfig() defaults to ALiBi and refuses an unknown position encoding", () => {
    expect(createStudentConfig(20).positions).toBe("alibi");
    expect(() => createStudentConfig(20, { positions: "rope" as PositionEncoding })).toThrow(
      "Cannot create a student config as 'positions' must be \"learned\" or \"alibi\": current value is \"rope\"",
    );
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

  it("embed() with ALiBi is the token embedding alone", () => {
    const params = createParams(alibi);
    const ids = tf.tensor2d([[1, 4, 4, 2], [3, 0, 0, 0]], [2, 4], "int32");
    expect(params["pos_emb"]).toBeUndefined();
    expect(maxAbsDifference(embed(params, alibi, ids), tf.gather(params["tok_emb"] as tf.Tensor, tf.reshape(ids, [8])))).toBe(0);
    expect(() => embed(params, alibi, tf.zeros([1, 13], "int32") as tf.Tensor2D)).toThrow(RangeError);
    disposeParams(params);
  });
});

describe("ALiBi", () => {
  it("alibiSlopes() is the paper's geometric sequence 2^(-8(h+1)/H)", () => {
    expect(alibiSlopes(4)).toEqual([1 / 4, 1 / 16, 1 / 64, 1 / 256]);
    expect(alibiSlopes(8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((power) => 2 ** -power));
    const two = alibiSlopes(2);
    expect(two).toEqual([1 / 16, 1 / 256]);
    const six = alibiSlopes(6);
    for (let head = 1; head < 6; head++) expect((six[head] as number) / (six[head - 1] as number)).toBeCloseTo(2 ** (-8 / 6), 12);
    expect(() => alibiSlopes(0)).toThrow(RangeError);
  });

  it("alibiBiasValues() depends only on i − j below the diagonal and masks above it", () => {
    for (const [heads, time] of [[4, 9], [3, 5], [1, 1]] as const) {
      const values = alibiBiasValues(heads, time);
      const slopes = alibiSlopes(heads);
      for (let head = 0; head < heads; head++) {
        for (let i = 0; i < time; i++) {
          for (let j = 0; j < time; j++) {
            const value = values[(head * time + i) * time + j] as number;
            if (j > i) {
              expect(value).toBe(-1e9);
            } else {
              expect(value).toBe(Math.fround(-(slopes[head] as number) * (i - j)));
              // Same offset, same bias: shift both positions to the end of the window.
              const shift = time - 1 - i;
              expect(values[(head * time + i + shift) * time + j + shift]).toBe(value);
            }
          }
        }
      }
    }
  });

  it("alibiBias() gives every length's bias from one cached tensor, and keeps no other tensor", () => {
    const long = alibiBias(4, 11);
    const before = tf.memory().numTensors;
    for (const time of [1, 5, 11, 3]) {
      const bias = alibiBias(4, time);
      expect(bias.shape).toEqual([4, time, time]);
      expect(bias.dataSync()).toEqual(alibiBiasValues(4, time));
      bias.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    long.dispose();
  });

  it("forward() with ALiBi gives a prefix the logits of the same positions in a longer sequence (bias sliced from the cache)", () => {
    // The 12-position call grows the cached bias; the shorter calls read its top-left blocks.
    const params = createParams(alibi);
    const ids = [1, 5, 6, 7, 9, 3, 3, 8, 2, 4, 11, 12];
    const whole = forward(params, alibi, tf.tensor2d([ids], [1, 12], "int32")).arraySync()[0] as number[][];
    for (const time of [3, 7]) {
      const prefix = forward(params, alibi, tf.tensor2d([ids.slice(0, time)], [1, time], "int32")).arraySync()[0] as number[][];
      prefix.forEach((row, position) => row.forEach((value, id) => expect(value).toBeCloseTo(whole[position]?.[id] as number, 5)));
    }
    disposeParams(params);
  });

  for (const positions of ["alibi", "learned"] as const) {
    it(`forward() and its gradients match an independent implementation on tf's built-in ops (${positions})`, () => {
      const tiny = { ...config, positions };
      const params = createParams(tiny, initialWeights({ ...tiny, seed: 17 }).map((values) => values.map((value, index) => value + 0.05 * Math.sin(index + 1))));
      const batch = tinyBatch();
      const ids = tf.tensor2d(batch.inputs, [batch.batch, batch.time], "int32");
      const reference = referenceLogits(params, tiny, ids);
      expect(maxAbsDifference(forward(params, tiny, ids), reference)).toBeLessThan(1e-4);
      const specs = parameterSpecs(tiny);
      const variables = specs.map((spec) => params[spec.name] as tf.Variable);
      const { value, grads } = tf.variableGrads(() => referenceLoss(params, tiny, batch), variables);
      const local = createLocalGradients(tiny);
      const result = local.compute(variables.map((variable) => new Float32Array(variable.dataSync())), batch);
      expect(result.lossSum).toBeCloseTo(value.dataSync()[0] as number, 3);
      specs.forEach((spec, index) => {
        const expected = grads[(variables[index] as tf.Variable).name] as tf.Tensor;
        const actual = tf.tensor(result.gradients[index] as Float32Array, expected.shape);
        const scale = Math.max(1e-3, tf.max(tf.abs(expected)).dataSync()[0] as number);
        expect({ name: spec.name, error: maxAbsDifference(actual, expected) / scale < 1e-3 }).toEqual({ name: spec.name, error: true });
      });
      local.dispose();
      disposeParams(params);
    });
  }
});

/** Two rows of 7 and 5 positions (right-padded), with loss weights 0 on the padding. */
function tinyBatch(): Batch {
  const rows = [[1, 5, 6, 7, 9, 3, 3, 8], [1, 11, 12, 4, 2, 19]];
  const time = 7;
  const inputs = new Int32Array(2 * time);
  const targets = new Int32Array(2 * time);
  const weights = new Float32Array(2 * time);
  rows.forEach((row, index) => {
    for (let t = 0; t < row.length - 1; t++) {
      inputs[index * time + t] = row[t] as number;
      targets[index * time + t] = row[t + 1] as number;
      weights[index * time + t] = t % 2 === 0 ? 1 : 1.5;
    }
  });
  return { batch: 2, time, inputs, targets, weights, maskSum: 11 };
}

/**
 * The model written again with tf's own ops (one-hot embedding, rank-4 `matMul`, `moments`,
 * `softmax`) and the ALiBi bias built here from its definition, for the comparisons above.
 */
function referenceLogits(params: StudentParams, config: StudentConfig, ids: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, time] = ids.shape;
    const { dModel: d, heads, vocab } = config;
    const dh = d / heads;
    const w = (name: string) => params[name] as tf.Tensor;
    const norm = (x: tf.Tensor, prefix: string) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), w(`${prefix}.g`)), w(`${prefix}.b`));
    };
    const oneHot = tf.cast(tf.oneHot(tf.reshape(ids, [batch * time]), vocab), "float32") as tf.Tensor2D;
    let h = tf.reshape(tf.matMul(oneHot, w("tok_emb") as tf.Tensor2D), [batch, time, d]) as tf.Tensor;
    if (config.positions === "learned") h = tf.add(h, tf.slice(w("pos_emb"), [0, 0], [time, d]));
    const bias: number[] = [];
    for (let head = 0; head < heads; head++) {
      const slope = 2 ** (-8 * (head + 1) / heads);
      for (let i = 0; i < time; i++) {
        for (let j = 0; j < time; j++) bias.push(j > i ? -1e9 : config.positions === "alibi" ? -slope * (i - j) : 0);
      }
    }
    const biasTensor = tf.tensor4d(bias, [1, heads, time, time]);
    const project = (x: tf.Tensor, weight: string, b: string) => tf.add(tf.matMul(tf.reshape(x, [batch * time, -1]), w(weight) as tf.Tensor2D), w(b));
    const split = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [batch, time, heads, dh]), [0, 2, 1, 3]);
    for (let layer = 0; layer < config.layers; layer++) {
      const p = `l${layer}.`;
      const a = norm(h, `${p}ln1`);
      const q = split(project(a, `${p}wq`, `${p}bq`));
      const k = split(project(a, `${p}wk`, `${p}bk`));
      const v = split(project(a, `${p}wv`, `${p}bv`));
      const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), biasTensor);
      const attended = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [batch, time, d]);
      h = tf.add(h, tf.reshape(project(attended, `${p}wo`, `${p}bo`), [batch, time, d]));
      const up = tf.relu(project(norm(h, `${p}ln2`), `${p}w1`, `${p}b1`));
      h = tf.add(h, tf.reshape(project(up, `${p}w2`, `${p}b2`), [batch, time, d]));
    }
    const head = config.tiedOutput ? tf.transpose(w("tok_emb")) : w("head");
    return tf.reshape(tf.matMul(tf.reshape(norm(h, "ln_f"), [batch * time, d]), head as tf.Tensor2D), [batch, time, vocab]) as tf.Tensor3D;
  });
}

/** Σ CE·weight of a batch under {@linkcode referenceLogits}. */
function referenceLoss(params: StudentParams, config: StudentConfig, batch: Batch): tf.Scalar {
  const ids = tf.tensor2d(batch.inputs, [batch.batch, batch.time], "int32");
  const logits = tf.reshape(referenceLogits(params, config, ids), [batch.batch * batch.time, config.vocab]);
  const targets = tf.cast(tf.oneHot(tf.tensor1d(batch.targets, "int32"), config.vocab), "float32");
  const ce = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), targets), -1));
  return tf.sum(tf.mul(ce, tf.tensor1d(batch.weights))) as tf.Scalar;
}
