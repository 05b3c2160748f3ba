/**
 * The embedded student: a small decoder-only transformer (pre-LayerNorm, ALiBi or learned
 * positions, causal self-attention with separate Q, K, V projections, ReLU MLP, untied or tied
 * output head), written for tfjs's wasm backend (`student.md`).
 *
 * ## Positions (`config.positions`)
 *
 * - `"alibi"` (the default): no position parameter. Each head `h` (from 0, of `H`) adds the fixed
 *   bias `−m_h·(i − j)` to the score of query position `i` against key position `j ≤ i`, with the
 *   slopes of the ALiBi paper (Press et al., 2022), `m_h = 2^(−8·(h+1)/H)` ({@linkcode alibiSlopes}).
 *   Scores depend on positions only through the distance `i − j`, so no position is "untrained":
 *   a model pretrained on short texts reads later positions the way it read earlier ones.
 * - `"learned"`: a learned absolute embedding `pos_emb` added to the token embedding; positions
 *   beyond the longest training text keep their initial values (the first shipped M0 had this
 *   problem, `student.md`). Kept for old checkpoints and for comparison.
 *
 * Both add the causal mask ({@linkcode attentionBias}); the ALiBi bias and the mask are one
 * constant tensor, built once per head count and reused (sliced) for every sequence length.
 *
 * ## Parameters
 *
 * The weights live in a plain map from name to tensor ({@linkcode StudentParams}); the names,
 * shapes and order are given by {@linkcode parameterSpecs}. With `d = dModel`, `V = vocab`,
 * `C = context`, `M = mlp`, and `i` the block index from 0:
 *
 * | name | shape | role |
 * | --- | --- | --- |
 * | `tok_emb` | `[V, d]` | token embedding (row = token id) |
 * | `pos_emb` | `[C, d]` | learned position embedding (row = position, BOS is position 0); only with `positions: "learned"` |
 * | `l{i}.ln1.g`, `l{i}.ln1.b` | `[d]` | LayerNorm before attention (gain, bias) |
 * | `l{i}.wq`, `l{i}.wk`, `l{i}.wv` | `[d, d]` | query, key, value projections (`x · W`) |
 * | `l{i}.bq`, `l{i}.bk`, `l{i}.bv` | `[d]` | their biases |
 * | `l{i}.wo`, `l{i}.bo` | `[d, d]`, `[d]` | attention output projection |
 * | `l{i}.ln2.g`, `l{i}.ln2.b` | `[d]` | LayerNorm before the MLP |
 * | `l{i}.w1`, `l{i}.b1` | `[d, M]`, `[M]` | MLP up projection (then ReLU) |
 * | `l{i}.w2`, `l{i}.b2` | `[M, d]`, `[d]` | MLP down projection |
 * | `ln_f.g`, `ln_f.b` | `[d]` | final LayerNorm |
 * | `head` | `[d, V]` | output projection, absent when `tiedOutput` (then logits = `h · tok_embᵀ`) |
 *
 * All matrices are stored `[in, out]`, so a linear layer is `x · W + b` on a 2-D `[rows, in]` input.
 * Heads split `d` into `heads` contiguous slices of `d / heads` columns (head `j` owns columns
 * `j·dh … (j+1)·dh − 1` of `wq`, `wk`, `wv`, and the same rows of `wo`). Attention scores are
 * scaled by `1/√dh`; the LayerNorm epsilon is {@linkcode LAYER_NORM_EPSILON}.
 *
 * ## One block (residual stream `h`, shape `[B·T, d]`)
 *
 * ```
 * a = LN1(h);  q, k, v = a·Wq+bq, a·Wk+bk, a·Wv+bv            (split into heads)
 * h = h + (softmax(q·kᵀ/√dh + bias) · v) · Wo + bo        (bias: causal mask, plus ALiBi)
 * h = h + relu(LN2(h)·W1 + b1) · W2 + b2
 * ```
 *
 * The stream starts as `tok_emb[id]` (plus `pos_emb[t]` when learned);
 * logits = LN_f(h) · head. Token ids are int32 `[B, T]` with `T ≤ context`; padding is on the right
 * (causality keeps it from touching earlier positions).
 *
 * ## Speed (`student.md`)
 *
 * The wasm backend is fast only for plain non-transposed matrix products, so {@linkcode linear}
 * and {@linkcode batchMatMul} use `tf.customGrad` with explicit transposes, and the embedding is
 * a one-hot product (wasm has no gradient kernel for `gather`). Its BatchMatMul kernel has no fast
 * path for a batch of matrices, so the attention products run as depthwise convolutions
 * (XNNPACK), about 3× faster. The ALiBi bias adds one broadcast addition per layer, the same
 * cost as the causal mask it replaces, so `"alibi"` trains as fast as `"learned"`.
 *
 * @module
 */
import { createPrng } from "../../util/prng.js";
import type { StudentConfig } from "./config.js";
import { tf } from "./tfjs.js";

type CustomGradientFunction = Parameters<typeof tf.customGrad>[0];

/** The student's weights by name (see the module doc for names and shapes). */
export type StudentParams = Readonly<Record<string, tf.Tensor>>;

/** One named parameter's shape. */
export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The epsilon inside every LayerNorm's square root. */
export const LAYER_NORM_EPSILON = 1e-5;

/** The names and shapes of a config's parameters, in their canonical (checkpoint) order. */
export function parameterSpecs(config: StudentConfig): ParameterSpec[] {
  const { vocab, dModel: d, context, mlp } = config;
  const specs: ParameterSpec[] = [{ name: "tok_emb", shape: [vocab, d] }];
  if (config.positions === "learned") specs.push({ name: "pos_emb", shape: [context, d] });
  for (let layer = 0; layer < config.layers; layer++) {
    const p = `l${layer}.`;
    specs.push(
      { name: `${p}ln1.g`, shape: [d] },
      { name: `${p}ln1.b`, shape: [d] },
      { name: `${p}wq`, shape: [d, d] },
      { name: `${p}bq`, shape: [d] },
      { name: `${p}wk`, shape: [d, d] },
      { name: `${p}bk`, shape: [d] },
      { name: `${p}wv`, shape: [d, d] },
      { name: `${p}bv`, shape: [d] },
      { name: `${p}wo`, shape: [d, d] },
      { name: `${p}bo`, shape: [d] },
      { name: `${p}ln2.g`, shape: [d] },
      { name: `${p}ln2.b`, shape: [d] },
      { name: `${p}w1`, shape: [d, mlp] },
      { name: `${p}b1`, shape: [mlp] },
      { name: `${p}w2`, shape: [mlp, d] },
      { name: `${p}b2`, shape: [d] },
    );
  }
  specs.push({ name: "ln_f.g", shape: [d] }, { name: "ln_f.b", shape: [d] });
  if (!config.tiedOutput) specs.push({ name: "head", shape: [d, vocab] });
  return specs;
}

/** Number of scalars in a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, value) => product * value, 1);
}

/** Number of parameters of a config. */
export function parameterCount(config: StudentConfig): number {
  return parameterSpecs(config).reduce((sum, spec) => sum + sizeOf(spec.shape), 0);
}

/**
 * Seeded initial weights as plain arrays, one per {@linkcode parameterSpecs} entry (same order).
 * Each parameter draws from its own generator forked from `config.seed` and its name, so the
 * weights do not depend on the order of the others. Embeddings ~ N(0, 0.02²); matrices
 * ~ N(0, 1/in), with the residual outputs (`wo`, `w2`) scaled by 1/√(2·layers) and the head by ½;
 * LayerNorm gains 1; biases 0. The draws are those of the `"learned"` shape with `pos_emb` left
 * out for ALiBi, so both encodings start from the same weights for a seed.
 */
export function initialWeights(config: StudentConfig): Float32Array[] {
  const root = createPrng(config.seed);
  const specs = parameterSpecs({ ...config, positions: "learned" });
  const all = specs.map((spec) => {
    const values = new Float32Array(sizeOf(spec.shape));
    const last = spec.name.slice(spec.name.lastIndexOf(".") + 1);
    if (spec.name.endsWith(".g")) return values.fill(1);
    if (spec.shape.length === 1) return values;
    const prng = root.fork(spec.name);
    let std = 0.02;
    if (spec.name !== "tok_emb" && spec.name !== "pos_emb") {
      std = 1 / Math.sqrt(spec.shape[0] as number);
      if (last === "wo" || last === "w2") std /= Math.sqrt(2 * config.layers);
      if (spec.name === "head") std *= 0.5;
    }
    for (let index = 0; index < values.length; index += 2) {
      // Box–Muller: two normals from two uniforms.
      const u = 1 - prng.next();
      const v = prng.next();
      const radius = Math.sqrt(-2 * Math.log(u));
      values[index] = radius * Math.cos(2 * Math.PI * v) * std;
      if (index + 1 < values.length) values[index + 1] = radius * Math.sin(2 * Math.PI * v) * std;
    }
    return values;
  });
  return all.filter((_, index) => config.positions === "learned" || specs[index]?.name !== "pos_emb");
}

/**
 * Trainable variables from weights (by default the seeded {@linkcode initialWeights}).
 *
 * @throws {RangeError} When a weight array's length does not match its parameter's shape.
 */
export function createParams(config: StudentConfig, weights: readonly Float32Array[] = initialWeights(config)): Record<string, tf.Variable> {
  const specs = parameterSpecs(config);
  if (weights.length !== specs.length) {
    throw new RangeError(`Cannot create parameters as ${specs.length} weight arrays are needed: current value is ${weights.length}`);
  }
  const params: Record<string, tf.Variable> = {};
  specs.forEach((spec, index) => {
    const values = weights[index] as Float32Array;
    if (values.length !== sizeOf(spec.shape)) {
      throw new RangeError(`Cannot create parameter '${spec.name}' as its shape [${spec.shape.join(", ")}] needs ${sizeOf(spec.shape)} values: current value is ${values.length}`);
    }
    params[spec.name] = tf.variable(tf.tensor(values, [...spec.shape], "float32"), true, `student/${spec.name}/${variableCounter++}`);
  });
  return params;
}

let variableCounter = 0;

/** Replaces the variables' values with `weights` (in {@linkcode parameterSpecs} order). */
export function assignWeights(config: StudentConfig, params: Record<string, tf.Variable>, weights: readonly Float32Array[]): void {
  parameterSpecs(config).forEach((spec, index) => {
    const variable = params[spec.name];
    const values = weights[index];
    if (variable === undefined || values === undefined) {
      throw new RangeError(`Cannot assign weights as parameter '${spec.name}' is missing`);
    }
    tf.tidy(() => variable.assign(tf.tensor(values, [...spec.shape], "float32")));
  });
}

/** The variables' current values as plain arrays (in {@linkcode parameterSpecs} order). */
export function readWeights(config: StudentConfig, params: StudentParams): Float32Array[] {
  return parameterSpecs(config).map((spec) => {
    const tensor = param(params, spec.name);
    return new Float32Array(tensor.dataSync());
  });
}

/** Frees the variables. */
export function disposeParams(params: StudentParams): void {
  for (const tensor of Object.values(params)) tensor.dispose();
}

function param(params: StudentParams, name: string): tf.Tensor {
  const tensor = params[name];
  if (tensor === undefined) throw new RangeError(`Cannot run the student as parameter '${name}' is missing`);
  return tensor;
}

const matMulWithFastGrad = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)];
    },
  };
}) as unknown as CustomGradientFunction) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/**
 * `x · w (+ b)` for a 2-D `x` `[rows, in]` and `w` `[in, out]`, with the fast gradient
 * `dx = dy · wᵀ`, `dw = xᵀ · dy` (explicit transposes).
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const product = matMulWithFastGrad(x, w);
  return b === undefined ? product : tf.add(product, b);
}

/**
 * Batched `op(a) · op(b)` (`op` transposes the last two axes when asked) computed as one depthwise
 * convolution: with the batch as channels, the contracted axis as a valid-padded filter width and
 * `q` as the channel multiplier, output channel `i·q + j` at row `r` is `Σ_k a[i, r, k]·b[i, k, j]`.
 * The wasm backend runs this through XNNPACK, about 3× faster than its BatchMatMul kernel, which
 * has no fast path for a batch of more than one matrix.
 */
function groupedMatMul(a: tf.Tensor3D, b: tf.Tensor3D, transposeA = false, transposeB = false): tf.Tensor3D {
  const n = a.shape[0];
  const p = transposeA ? a.shape[2] : a.shape[1];
  const k = transposeA ? a.shape[1] : a.shape[2];
  const q = transposeB ? b.shape[1] : b.shape[2];
  // Input [p, 1, k, n] and filter [1, k, n, q], each with a single transpose.
  const input = tf.reshape(tf.transpose(a, transposeA ? [2, 1, 0] : [1, 2, 0]), [p, 1, k, n]) as tf.Tensor4D;
  const filter = tf.reshape(tf.transpose(b, transposeB ? [2, 0, 1] : [1, 0, 2]), [1, k, n, q]) as tf.Tensor4D;
  const product = tf.depthwiseConv2d(input, filter, 1, "valid");
  return tf.transpose(tf.reshape(product, [p, n, q]), [1, 0, 2]);
}

const batchMatMulWithFastGrad = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: groupedMatMul(a, b),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [as, bs] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [groupedMatMul(dy, bs, false, true), groupedMatMul(as, dy, true, false)];
    },
  };
}) as unknown as CustomGradientFunction) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/**
 * Batched `a · b` for `[n, p, k] · [n, k, q]` (as a depthwise convolution, see above), with the
 * gradient `da = dy · bᵀ`, `db = aᵀ · dy` computed the same way.
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return batchMatMulWithFastGrad(a, b);
}

/** LayerNorm over the last axis: `(x − mean) / √(var + ε) · g + b`. */
export function layerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor, b: tf.Tensor): T {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON))), g), b) as T;
  });
}

/**
 * Token embeddings (plus position embeddings when `positions` is `"learned"`) of int32 ids
 * `[B, T]`, as the residual stream `[B·T, d]`. Positions start at `positionOffset` (for decoding
 * with a key/value cache).
 */
export function embed(params: StudentParams, config: StudentConfig, tokenIds: tf.Tensor2D, positionOffset = 0): tf.Tensor2D {
  const [batch, time] = tokenIds.shape;
  if (positionOffset + time > config.context) {
    throw new RangeError(`Cannot run the student as the sequence must fit the context (${config.context}): current value is ${positionOffset + time}`);
  }
  return tf.tidy(() => {
    const table = param(params, "tok_emb") as tf.Tensor2D;
    // oneHot must be built as int32 then cast: with dtype "float32" the wasm kernel returns zeros.
    const oneHot = tf.cast(tf.oneHot(tf.reshape(tokenIds, [batch * time]), config.vocab), "float32") as tf.Tensor2D;
    // The gradient reaches only the table: d(table) = oneHotᵀ · dy.
    const lookup = tf.customGrad(((w: tf.Tensor2D, save: tf.GradSaveFunc) => {
      save([oneHot]);
      return {
        value: tf.matMul(oneHot, w),
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy)],
      };
    }) as unknown as CustomGradientFunction) as (w: tf.Tensor2D) => tf.Tensor2D;
    const tokens = lookup(table);
    if (config.positions !== "learned") return tokens;
    const positions = tf.slice(param(params, "pos_emb"), [positionOffset, 0], [time, config.dModel]);
    return tf.reshape(tf.add(tf.reshape(tokens, [batch, time, config.dModel]), positions), [batch * time, config.dModel]);
  });
}

/**
 * The ALiBi slopes of `heads` heads: `m_h = 2^(−8·(h+1)/heads)` for `h = 0 … heads − 1` (a
 * geometric sequence from `2^(−8/heads)` down to `2^(−8)`, as in the ALiBi paper).
 *
 * @throws {RangeError} When `heads` is not a positive integer.
 * @example Four heads
 * ```ts
 * assertEquals(alibiSlopes(4), [1 / 4, 1 / 16, 1 / 64, 1 / 256]);
 * ```
 */
export function alibiSlopes(heads: number): number[] {
  if (!Number.isInteger(heads) || heads <= 0) {
    throw new RangeError(`Cannot compute ALiBi slopes as 'heads' must be a positive integer: current value is ${heads}`);
  }
  return Array.from({ length: heads }, (_, head) => 2 ** ((-8 * (head + 1)) / heads));
}

/**
 * The additive ALiBi bias with the causal mask, `[H, T, T]` as a flat array: at `[h, i, j]`,
 * `−m_h·(i − j)` for `j ≤ i` and −1e9 above the diagonal. A pure function of `heads` and `time`.
 */
export function alibiBiasValues(heads: number, time: number): Float32Array {
  const slopes = alibiSlopes(heads);
  const values = new Float32Array(heads * time * time);
  slopes.forEach((slope, head) => {
    const base = head * time * time;
    for (let row = 0; row < time; row++) {
      for (let column = 0; column < time; column++) {
        values[base + row * time + column] = column <= row ? -slope * (row - column) : -1e9;
      }
    }
  });
  return values;
}

/** The cached ALiBi bias per head count, `[H, T, T]` for the longest `T` asked for so far. */
const alibiTables = new Map<number, tf.Tensor3D>();

/**
 * The ALiBi bias with the causal mask for `time` positions, `[H, T, T]` (see
 * {@linkcode alibiBiasValues}). One constant tensor per head count is kept (outside any `tidy`)
 * and grown when a longer sequence comes; every call slices its top-left `[T, T]` block, which is
 * exactly the bias of `T` positions because the bias depends only on `i − j`.
 */
export function alibiBias(heads: number, time: number): tf.Tensor3D {
  let table = alibiTables.get(heads);
  if (table === undefined || table.isDisposed || (table.shape[1] as number) < time) {
    table?.dispose();
    table = tf.keep(tf.tensor3d(alibiBiasValues(heads, time), [heads, time, time]));
    alibiTables.set(heads, table);
  }
  return table.shape[1] === time ? tf.clone(table) : tf.slice(table, [0, 0, 0], [heads, time, time]);
}

/**
 * The additive attention bias of `time` positions for a config: the causal mask `[T, T]` with
 * learned positions, the ALiBi bias plus the mask `[H, T, T]` with ALiBi. Add it to scores
 * reshaped as `[B, H, T, T]` (both broadcast).
 */
export function attentionBias(config: StudentConfig, time: number): tf.Tensor {
  return config.positions === "learned" ? causalMask(time) : alibiBias(config.heads, time);
}

/** The additive causal mask `[T, T]`: 0 on and below the diagonal, −1e9 above. */
export function causalMask(time: number): tf.Tensor2D {
  const values = new Float32Array(time * time);
  for (let row = 0; row < time; row++) {
    for (let column = row + 1; column < time; column++) values[row * time + column] = -1e9;
  }
  return tf.tensor2d(values, [time, time]);
}

/** `[B·T, d]` → `[B·H, T, dh]` (`transposeLast` gives `[B·H, dh, T]`). */
export function splitHeads(x: tf.Tensor2D, config: StudentConfig, batch: number, time: number, transposeLast = false): tf.Tensor3D {
  const dh = config.dModel / config.heads;
  const four = tf.reshape(x, [batch, time, config.heads, dh]);
  return transposeLast
    ? tf.reshape(tf.transpose(four, [0, 2, 3, 1]), [batch * config.heads, dh, time])
    : tf.reshape(tf.transpose(four, [0, 2, 1, 3]), [batch * config.heads, time, dh]);
}

/** `[B·H, T, dh]` → `[B·T, d]`, the inverse of {@linkcode splitHeads}. */
export function mergeHeads(x: tf.Tensor3D, config: StudentConfig, batch: number, time: number): tf.Tensor2D {
  const dh = config.dModel / config.heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, config.heads, time, dh]), [0, 2, 1, 3]), [batch * time, config.dModel]);
}

/** Block `layer`'s MLP sub-layer on the residual stream (returns the new stream). */
export function mlpResidual(params: StudentParams, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  const p = (name: string) => param(params, `l${layer}.${name}`);
  const m = layerNorm(h, p("ln2.g"), p("ln2.b"));
  const up = tf.relu(linear(m, p("w1") as tf.Tensor2D, p("b1") as tf.Tensor1D));
  return tf.add(h, linear(up, p("w2") as tf.Tensor2D, p("b2") as tf.Tensor1D));
}

/**
 * The final residual stream `[B·T, d]` for int32 ids `[B, T]` (before `ln_f`). Use
 * {@linkcode outputLogits} on (a selection of) its rows.
 */
export function forwardHidden(params: StudentParams, config: StudentConfig, tokenIds: tf.Tensor2D): tf.Tensor2D {
  const [batch, time] = tokenIds.shape;
  const scale = 1 / Math.sqrt(config.dModel / config.heads);
  return tf.tidy(() => {
    let h = embed(params, config, tokenIds);
    const bias = attentionBias(config, time);
    for (let layer = 0; layer < config.layers; layer++) {
      const p = (name: string) => param(params, `l${layer}.${name}`);
      const a = layerNorm(h, p("ln1.g"), p("ln1.b"));
      const q = splitHeads(linear(a, p("wq") as tf.Tensor2D, p("bq") as tf.Tensor1D), config, batch, time);
      const kT = splitHeads(linear(a, p("wk") as tf.Tensor2D, p("bk") as tf.Tensor1D), config, batch, time, true);
      const v = splitHeads(linear(a, p("wv") as tf.Tensor2D, p("bv") as tf.Tensor1D), config, batch, time);
      const scaled = tf.reshape(tf.mul(batchMatMul(q, kT), scale), [batch, config.heads, time, time]);
      const scores = tf.reshape(tf.add(scaled, bias), [batch * config.heads, time, time]) as tf.Tensor3D;
      const attended = mergeHeads(batchMatMul(tf.softmax(scores), v), config, batch, time);
      h = tf.add(h, linear(attended, p("wo") as tf.Tensor2D, p("bo") as tf.Tensor1D));
      h = mlpResidual(params, layer, h);
    }
    return h;
  });
}

/** Logits `[N, V]` of residual-stream rows `[N, d]`: `LN_f(h) · head` (or `· tok_embᵀ` when tied). */
export function outputLogits(params: StudentParams, config: StudentConfig, hidden: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const normed = layerNorm(hidden, param(params, "ln_f.g"), param(params, "ln_f.b"));
    const head = config.tiedOutput
      ? (tf.transpose(param(params, "tok_emb")) as tf.Tensor2D)
      : (param(params, "head") as tf.Tensor2D);
    return linear(normed, head);
  });
}

/**
 * The pure forward pass: int32 ids `[B, T]` → logits `[B, T, V]`; row `t` predicts token `t + 1`.
 *
 * @example Logits of a two-token batch
 * ```ts
 * await initTfjs();
 * const config = createStudentConfig(99, { dModel: 16, layers: 1, heads: 2, context: 8 });
 * const params = createParams(config);
 * const logits = forward(params, config, tf.tensor2d([[1, 40]], [1, 2], "int32"));
 * assertEquals(logits.shape, [1, 2, 99]);
 * ```
 */
export function forward(params: StudentParams, config: StudentConfig, tokenIds: tf.Tensor2D): tf.Tensor3D {
  const [batch, time] = tokenIds.shape;
  return tf.tidy(() => tf.reshape(outputLogits(params, config, forwardHidden(params, config, tokenIds)), [batch, time, config.vocab]));
}
