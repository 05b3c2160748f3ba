/**
 * Batched autoregressive sampling from the embedded student, with a key/value cache.
 *
 * ## How a batch is decoded
 *
 * Each row is `BOS + prompt`. The prompts are *packed*, not padded: the rows' new tokens are
 * stacked into one `[N, d]` matrix, so every linear layer (the fused Q·K·V projection, the output
 * projection, the MLP, the head) is one plain 2-D matrix product on the wasm backend — the only
 * form it runs fast. Everything else is cheap and runs in JavaScript on `Float32Array`s, which
 * avoids tfjs's per-operation overhead (about 0.1 ms an op, more than the arithmetic here): the
 * embeddings (a table lookup), LayerNorm, biases, ReLU, residual additions, and attention, which
 * is computed per row against that row's own key/value cache (keys stored transposed, appended in
 * place) over exactly the row's own positions. With ALiBi positions the new query at absolute
 * position `t` adds `−m_h·(t − j)` to its score against cached key `j ≤ t`, the float32 value of
 * the model's bias tensor at `[h, t, j]`, so the cache reads the same bias as the uncached forward;
 * with learned positions the embedding adds `pos_emb[t]`. A row's numbers therefore never depend on which
 * other rows share its batch (the wasm matrix product is row-independent), and no row needs a
 * padding mask.
 *
 * - prefill: all prompt tokens of all rows in one pass; the cache receives their keys and values;
 * - then one token per unfinished row per step, appended to the cache.
 *
 * The uncached path (`cache: false`) recomputes the whole prefix of every row at every step with
 * the model's own {@linkcode forwardHidden} (right padding, causal mask); it is the reference the
 * tests compare the cache with, and the baseline of the benchmark.
 *
 * ## Stopping
 *
 * A row stops with `stop` when it samples EOS or when its text contains a stop string (the text is
 * cut before the first one), and with `length` after `maxTokens` tokens or when BOS + prompt +
 * completion fills the model's context. PAD and BOS are never sampled.
 *
 * @module
 */
import type { StudentConfig } from "./config.js";
import { alibiSlopes, forwardHidden, LAYER_NORM_EPSILON, outputLogits, type StudentParams } from "./model.js";
import { tf } from "./tfjs.js";
import { BOS, EOS, PAD, type Tokenizer } from "./tokenizer.js";
import { createPrng, type Prng } from "../../util/prng.js";
import { findStop, pendingStopLength, pickToken } from "./_sampling.js";

/** A student ready to run: its shape, weights and tokenizer. */
export interface LoadedStudent {
  readonly config: StudentConfig;
  readonly params: StudentParams;
  readonly tokenizer: Tokenizer;
}

/** Why a row stopped: `stop` (EOS or a stop string), `length` (max tokens or a full context), `cancelled`. */
export type SampleFinishReason = "stop" | "length" | "cancelled";

/** One row of a batch to sample. */
export interface SampleRow {
  /** The prompt's token ids (no special tokens; BOS is prepended). */
  readonly promptIds: readonly number[];
  /** 0 = greedy. @default {1} */
  readonly temperature?: number;
  /** Nucleus mass kept when sampling. @default {1} */
  readonly topP?: number;
  /** Most tokens to generate. @default {until the context is full} */
  readonly maxTokens?: number;
  /** Strings that end the text (not included). @default {[]} */
  readonly stop?: readonly string[];
  /** Seed of this row's own random generator. @default {0} */
  readonly seed?: number;
  /** Called with each new piece of text as soon as it cannot be part of a stop string. */
  readonly onText?: (delta: string) => void;
  /** Polled every step; a cancelled row stops at once with `cancelled`. */
  readonly isCancelled?: () => boolean;
}

/** One row's result. */
export interface SampleResult {
  /** The completion's text (without the stop string, without EOS). */
  readonly text: string;
  readonly finishReason: SampleFinishReason;
  /** BOS + prompt. */
  readonly promptTokens: number;
  /** Tokens sampled, EOS and the stop string's tokens included. */
  readonly completionTokens: number;
}

/** Options for {@linkcode Sampler.sample}. */
export interface SampleOptions {
  /** Decode with the key/value cache (`false` recomputes the prefix at every step). @default {true} */
  readonly cache?: boolean;
  /** Give the event loop a turn between steps (streaming, cancellation, other requests). @default {true} */
  readonly yieldBetweenSteps?: boolean;
}

/** A sampler bound to one student's weights. */
export interface Sampler {
  readonly student: LoadedStudent;
  /** Samples every row; one result per row, in order. */
  sample(rows: readonly SampleRow[], options?: SampleOptions): Promise<SampleResult[]>;
  /** Frees the tensors the sampler derived from the weights (not the weights themselves). */
  dispose(): void;
}

interface LayerWeights {
  readonly ln1g: Float32Array;
  readonly ln1b: Float32Array;
  /** `[d, 3d]`: Wq | Wk | Wv. */
  readonly wqkv: tf.Tensor2D;
  readonly bqkv: Float32Array;
  readonly wo: tf.Tensor2D;
  readonly bo: Float32Array;
  readonly ln2g: Float32Array;
  readonly ln2b: Float32Array;
  readonly w1: tf.Tensor2D;
  readonly b1: Float32Array;
  readonly w2: tf.Tensor2D;
  readonly b2: Float32Array;
}

interface RowState {
  readonly row: SampleRow;
  readonly ids: number[];
  readonly promptTokens: number;
  readonly limit: number;
  readonly stops: readonly string[];
  readonly random: Prng;
  /** Keys `[layers][d][capacity]` (transposed) and values `[layers][capacity][d]`, flattened. */
  keys: Float32Array;
  values: Float32Array;
  /** Positions already in the cache. */
  cached: number;
  text: string;
  emitted: number;
  completionTokens: number;
  finishReason: SampleFinishReason | undefined;
}

/**
 * Creates a sampler for `student`.
 *
 * @example Greedy continuation
 * ```ts
 * const sampler = createSampler(student);
 * const [result] = await sampler.sample([{ promptIds: [40, 41], temperature: 0, maxTokens: 5 }]);
 * assert(result.completionTokens <= 5);
 * ```
 */
export function createSampler(student: LoadedStudent): Sampler {
  const { config, params } = student;
  const d = config.dModel;
  const heads = config.heads;
  const dh = d / heads;
  const scale = 1 / Math.sqrt(dh);
  const tokenTable = readParam(params, "tok_emb");
  // Learned positions: the `pos_emb` table; ALiBi: one slope per head and no table.
  const positionTable = config.positions === "learned" ? readParam(params, "pos_emb") : undefined;
  const slopes = config.positions === "alibi" ? Float64Array.from(alibiSlopes(heads)) : undefined;
  const p = (name: string): tf.Tensor => requireParam(params, name);
  const owned: tf.Tensor[] = [];
  const layers: LayerWeights[] = [];
  for (let layer = 0; layer < config.layers; layer++) {
    const name = (suffix: string): string => `l${layer}.${suffix}`;
    const wqkv = tf.concat([p(name("wq")), p(name("wk")), p(name("wv"))], 1) as tf.Tensor2D;
    owned.push(wqkv);
    layers.push({
      ln1g: readParam(params, name("ln1.g")),
      ln1b: readParam(params, name("ln1.b")),
      wqkv,
      bqkv: Float32Array.of(...readParam(params, name("bq")), ...readParam(params, name("bk")), ...readParam(params, name("bv"))),
      wo: p(name("wo")) as tf.Tensor2D,
      bo: readParam(params, name("bo")),
      ln2g: readParam(params, name("ln2.g")),
      ln2b: readParam(params, name("ln2.b")),
      w1: p(name("w1")) as tf.Tensor2D,
      b1: readParam(params, name("b1")),
      w2: p(name("w2")) as tf.Tensor2D,
      b2: readParam(params, name("b2")),
    });
  }
  const finalGain = readParam(params, "ln_f.g");
  const finalBias = readParam(params, "ln_f.b");
  let head: tf.Tensor2D;
  if (config.tiedOutput) {
    head = tf.transpose(p("tok_emb")) as tf.Tensor2D;
    owned.push(head);
  } else {
    head = p("head") as tf.Tensor2D;
  }
  const banned = new Set([PAD, BOS]);
  let disposed = false;

  /**
   * Runs the new tokens of each state through the model with the cache; returns the logits of
   * each state's last new token, `[states.length, V]`.
   */
  function extendCached(states: readonly RowState[], fresh: readonly (readonly number[])[]): Float32Array {
    let total = 0;
    for (const tokens of fresh) total += tokens.length;
    const embedded = new Float32Array(total * d);
    const lastRows: number[] = [];
    let packed = 0;
    states.forEach((state, stateIndex) => {
      const tokens = fresh[stateIndex] as readonly number[];
      tokens.forEach((token, offset) => {
        const position = state.cached + offset;
        const target = (packed + offset) * d;
        if (positionTable === undefined) {
          embedded.set(tokenTable.subarray(token * d, (token + 1) * d), target);
        } else {
          for (let column = 0; column < d; column++) {
            embedded[target + column] = (tokenTable[token * d + column] as number) + (positionTable[position * d + column] as number);
          }
        }
      });
      packed += tokens.length;
      lastRows.push(packed - 1);
    });
    const h = embedded;
    const normed = new Float32Array(total * d);
    layers.forEach((weights, layer) => {
      layerNormRows(h, weights.ln1g, weights.ln1b, normed, d);
      const qkv = matMulRows(normed, total, weights.wqkv);
      addBias(qkv, weights.bqkv);
      const attended = attend(states, fresh, layer, qkv, total);
      const projected = matMulRows(attended, total, weights.wo);
      addResidual(h, projected, weights.bo);
      layerNormRows(h, weights.ln2g, weights.ln2b, normed, d);
      const up = matMulRows(normed, total, weights.w1);
      addBias(up, weights.b1);
      for (let index = 0; index < up.length; index++) if ((up[index] as number) < 0) up[index] = 0;
      addResidual(h, matMulRows(up, total, weights.w2), weights.b2);
    });
    const last = new Float32Array(lastRows.length * d);
    lastRows.forEach((row, index) => last.set(h.subarray(row * d, (row + 1) * d), index * d));
    layerNormRows(last, finalGain, finalBias, last, d);
    const logits = matMulRows(last, lastRows.length, head);
    states.forEach((state, stateIndex) => {
      state.cached += (fresh[stateIndex] as readonly number[]).length;
    });
    return logits;
  }

  /** Writes the new keys and values into each row's cache and attends over the row's positions. */
  function attend(
    states: readonly RowState[],
    fresh: readonly (readonly number[])[],
    layer: number,
    qkv: Float32Array,
    total: number,
  ): Float32Array {
    const out = new Float32Array(total * d);
    const scores = new Float64Array(config.context);
    const accumulator = new Float64Array(dh);
    let packed = 0;
    states.forEach((state, stateIndex) => {
      const count = (fresh[stateIndex] as readonly number[]).length;
      const capacity = state.keys.length / (config.layers * d);
      const layerBase = layer * capacity * d;
      const keys = state.keys;
      for (let offset = 0; offset < count; offset++) {
        const source = (packed + offset) * 3 * d;
        const position = state.cached + offset;
        for (let column = 0; column < d; column++) keys[layerBase + column * capacity + position] = qkv[source + d + column]!;
        state.values.set(qkv.subarray(source + 2 * d, source + 3 * d), layerBase + position * d);
      }
      for (let offset = 0; offset < count; offset++) {
        attendOne(qkv, (packed + offset) * 3 * d, keys, state.values, layerBase, capacity, state.cached + offset, out, (packed + offset) * d, heads, dh, scale, slopes, scores, accumulator);
      }
      packed += count;
    });
    return out;
  }

  /** The logits of each state's last token, recomputing every prefix (no cache). */
  function extendUncached(states: readonly RowState[]): Float32Array {
    const time = Math.max(...states.map((state) => state.ids.length));
    const ids = new Int32Array(states.length * time).fill(PAD);
    const lastRows: number[] = [];
    states.forEach((state, stateIndex) => {
      ids.set(state.ids, stateIndex * time);
      lastRows.push(stateIndex * time + state.ids.length - 1);
    });
    // Return the tensor from `tidy`, never the typed array: tidy walks a returned array element by element.
    const logits = tf.tidy(() => {
      const hidden = forwardHidden(params, config, tf.tensor2d(ids, [states.length, time], "int32"));
      const last = tf.gather(hidden, tf.tensor1d(lastRows, "int32")) as tf.Tensor2D;
      return outputLogits(params, config, last);
    });
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    return values;
  }

  /** Samples the next token of a state from its logits and updates its text and finish reason. */
  function advance(state: RowState, logits: Float32Array, offset: number): void {
    const row = state.row;
    const token = pickToken(
      logits.subarray(offset * config.vocab, (offset + 1) * config.vocab),
      row.temperature ?? 1,
      row.topP ?? 1,
      state.random,
      banned,
    );
    state.completionTokens++;
    if (token === EOS) {
      state.finishReason = "stop";
      return;
    }
    state.ids.push(token);
    const before = state.text.length;
    state.text += student.tokenizer.decode([token]);
    const stopAt = findStop(state.text, state.stops, before);
    if (stopAt >= 0) {
      state.text = state.text.slice(0, stopAt);
      state.finishReason = "stop";
    } else if (state.completionTokens >= state.limit) {
      state.finishReason = "length";
    }
  }

  function emit(state: RowState): void {
    const onText = state.row.onText;
    if (onText === undefined) return;
    const safe = state.finishReason === undefined
      ? state.text.length - pendingStopLength(state.text, state.stops)
      : state.text.length;
    if (safe > state.emitted) {
      const delta = state.text.slice(state.emitted, safe);
      state.emitted = safe;
      onText(delta);
    }
  }

  async function sample(rows: readonly SampleRow[], options: SampleOptions = {}): Promise<SampleResult[]> {
    if (disposed) throw new TypeError("Cannot sample as the sampler has been disposed");
    const { cache = true, yieldBetweenSteps = true } = options;
    const states = rows.map(createState);
    let active = states.filter((state) => state.finishReason === undefined);
    let fresh: (readonly number[])[] = active.map((state) => state.ids);
    while (active.length > 0) {
      const logits = cache ? extendCached(active, fresh) : extendUncached(active);
      active.forEach((state, offset) => {
        advance(state, logits, offset);
        emit(state);
      });
      if (yieldBetweenSteps) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const state of active) {
        if (state.finishReason === undefined && state.row.isCancelled?.() === true) state.finishReason = "cancelled";
      }
      active = active.filter((state) => state.finishReason === undefined);
      fresh = active.map((state) => [state.ids[state.ids.length - 1] as number]);
    }
    return states.map((state) => {
      state.keys = new Float32Array(0);
      state.values = new Float32Array(0);
      return {
        text: state.text,
        finishReason: state.finishReason ?? "length",
        promptTokens: state.promptTokens,
        completionTokens: state.completionTokens,
      };
    });
  }

  function createState(row: SampleRow): RowState {
    const ids = [BOS, ...row.promptIds];
    const room = Math.max(0, config.context - ids.length);
    const limit = Math.max(0, Math.min(room, row.maxTokens ?? room));
    const state: RowState = {
      row,
      ids,
      promptTokens: ids.length,
      limit,
      stops: (row.stop ?? []).filter((stop) => stop !== ""),
      random: createPrng(row.seed ?? 0),
      keys: new Float32Array(0),
      values: new Float32Array(0),
      cached: 0,
      text: "",
      emitted: 0,
      completionTokens: 0,
      finishReason: undefined,
    };
    if (limit === 0 || ids.length > config.context) {
      state.finishReason = "length";
    } else if (row.isCancelled?.() === true) {
      state.finishReason = "cancelled";
    } else {
      // The last sampled token is never fed back, so the cache needs `ids + limit - 1` positions.
      const capacity = ids.length + limit - 1;
      state.keys = new Float32Array(config.layers * capacity * d);
      state.values = new Float32Array(config.layers * capacity * d);
    }
    return state;
  }

  return {
    student,
    sample,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const tensor of owned) tensor.dispose();
    },
  };
}

/**
 * One query's attention over positions `0 … position` of one row's cache, every head, written to
 * `out[target …]`. The keys are stored transposed per head (`[head][j][t]`, stride `capacity`) so
 * the score loop runs over contiguous positions; the values are `[t][d]`. Double precision, but
 * the ALiBi bias (when `slopes` is given) is rounded to float32 as in the model's bias tensor.
 */
function attendOne(
  qkv: Float32Array,
  query: number,
  keys: Float32Array,
  values: Float32Array,
  layerBase: number,
  capacity: number,
  position: number,
  out: Float32Array,
  target: number,
  heads: number,
  dh: number,
  scale: number,
  slopes: Float64Array | undefined,
  scores: Float64Array,
  accumulator: Float64Array,
): void {
  const d = heads * dh;
  for (let head = 0; head < heads; head++) {
    const q = query + head * dh;
    const keyBase = layerBase + head * dh * capacity;
    for (let t = 0; t <= position; t++) scores[t] = 0;
    for (let j = 0; j < dh; j++) {
      const qj = qkv[q + j]! * scale;
      const base = keyBase + j * capacity;
      for (let t = 0; t <= position; t++) scores[t] = scores[t]! + qj * keys[base + t]!;
    }
    if (slopes !== undefined) {
      const slope = slopes[head]!;
      for (let t = 0; t <= position; t++) scores[t] = scores[t]! + Math.fround(-slope * (position - t));
    }
    let max = -Infinity;
    for (let t = 0; t <= position; t++) if (scores[t]! > max) max = scores[t]!;
    let sum = 0;
    for (let j = 0; j < dh; j++) accumulator[j] = 0;
    let value = layerBase + head * dh;
    for (let t = 0; t <= position; t++, value += d) {
      const weight = Math.exp(scores[t]! - max);
      sum += weight;
      for (let j = 0; j < dh; j++) accumulator[j] = accumulator[j]! + weight * values[value + j]!;
    }
    const row = target + head * dh;
    const inverse = 1 / sum;
    for (let j = 0; j < dh; j++) out[row + j] = accumulator[j]! * inverse;
  }
}

/** `x · w` for `rows` rows of `x` (row-major), as a plain 2-D product on the backend. */
function matMulRows(x: Float32Array, rows: number, w: tf.Tensor2D): Float32Array {
  const input = tf.tensor2d(x, [rows, w.shape[0]]);
  const output = tf.matMul(input, w);
  const values = output.dataSync() as Float32Array;
  input.dispose();
  output.dispose();
  return values;
}

/** Adds `bias` to every row of `x`, in place. */
function addBias(x: Float32Array, bias: Float32Array): void {
  const width = bias.length;
  for (let index = 0; index < x.length; index++) x[index] = (x[index] as number) + (bias[index % width] as number);
}

/** `h += x + bias`, row by row, in place (the residual connection). */
function addResidual(h: Float32Array, x: Float32Array, bias: Float32Array): void {
  const width = bias.length;
  for (let index = 0; index < h.length; index++) {
    h[index] = (h[index] as number) + ((x[index] as number) + (bias[index % width] as number));
  }
}

/** LayerNorm of each `width`-wide row of `x` into `out` (which may be `x`), as the model's {@linkcode layerNorm}. */
function layerNormRows(x: Float32Array, gain: Float32Array, bias: Float32Array, out: Float32Array, width: number): void {
  for (let start = 0; start < x.length; start += width) {
    let mean = 0;
    for (let column = 0; column < width; column++) mean += x[start + column] as number;
    mean /= width;
    let variance = 0;
    for (let column = 0; column < width; column++) {
      const centred = (x[start + column] as number) - mean;
      variance += centred * centred;
    }
    const inverse = 1 / Math.sqrt(variance / width + LAYER_NORM_EPSILON);
    for (let column = 0; column < width; column++) {
      out[start + column] = ((x[start + column] as number) - mean) * inverse * (gain[column] as number) + (bias[column] as number);
    }
  }
}

function requireParam(params: StudentParams, name: string): tf.Tensor {
  const tensor = params[name];
  if (tensor === undefined) throw new RangeError(`Cannot create a sampler as parameter '${name}' is missing`);
  return tensor;
}

function readParam(params: StudentParams, name: string): Float32Array {
  return new Float32Array(requireParam(params, name).dataSync());
}

/**
 * Encodes and samples one prompt string; the convenience form of {@linkcode Sampler.sample}.
 *
 * @throws {RangeError} When the prompt has a character the tokenizer does not know.
 */
export async function sampleText(
  sampler: Sampler,
  prompt: string,
  row: Omit<SampleRow, "promptIds"> = {},
  options: SampleOptions = {},
): Promise<SampleResult> {
  const encoded = sampler.student.tokenizer.encode(prompt);
  if (encoded._tag === "Left") {
    throw new RangeError(
      `Cannot sample as the prompt has an unknown character: current value is ${JSON.stringify(encoded.left.character)} at offset ${encoded.left.offset}`,
    );
  }
  const [result] = await sampler.sample([{ ...row, promptIds: encoded.right }], options);
  return result as SampleResult;
}
