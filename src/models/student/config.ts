/**
 * The embedded student's shape: vocabulary size, width, depth, heads, context, MLP width, how it
 * encodes positions, and the initialisation seed. Stored as `config.json` in a checkpoint.
 *
 * `positions` is `"alibi"` by default (a fixed per-head linear bias on the attention scores, no
 * position parameters, so no position depends on the length of the training texts); `"learned"` is
 * the original learned absolute embedding `pos_emb`. A `config.json` without the field was written
 * before the field existed and reads as `"learned"`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";

const PositiveInteger = t.brand(
  t.number,
  (value): value is t.Branded<number, { readonly PositiveInteger: unique symbol }> =>
    Number.isInteger(value) && value > 0,
  "PositiveInteger",
);

/** How a student encodes positions (see the module doc of `model.ts`). */
export type PositionEncoding = "learned" | "alibi";

/** The position encodings, for messages. */
export const POSITION_ENCODINGS: readonly PositionEncoding[] = ["learned", "alibi"];

const PositionEncodingCodec = t.keyof({ learned: null, alibi: null }, '"learned" | "alibi"');

/** `positions` in `config.json`: absent (a checkpoint from before the field) reads as `"learned"`. */
const PositionsField = new t.Type<PositionEncoding, PositionEncoding, unknown>(
  PositionEncodingCodec.name,
  PositionEncodingCodec.is,
  (input, context) => (input === undefined ? t.success("learned") : PositionEncodingCodec.validate(input, context)),
  t.identity,
);

/** The codec of a student's `config.json`. */
export const StudentConfigCodec = t.exact(
  t.type({
    /** Number of token ids (characters plus the special tokens). */
    vocab: PositiveInteger,
    /** Width of the residual stream. */
    dModel: PositiveInteger,
    /** Number of transformer blocks. */
    layers: PositiveInteger,
    /** Number of attention heads; divides `dModel`. */
    heads: PositiveInteger,
    /** Longest sequence (positions) the model reads, BOS included. */
    context: PositiveInteger,
    /** Hidden width of each block's ReLU MLP. */
    mlp: PositiveInteger,
    /** Whether the output head reuses `tok_emb` (transposed) instead of its own `head` matrix. */
    tiedOutput: t.boolean,
    /** `"alibi"` (attention bias, no position parameters) or `"learned"` (`pos_emb`); absent means `"learned"`. */
    positions: PositionsField,
    /** The seed of the weights' initialisation. */
    seed: t.number,
  }),
  "StudentConfig",
);

/** A student's shape (plain numbers; see {@linkcode StudentConfigCodec} for the checks). */
export interface StudentConfig {
  readonly vocab: number;
  readonly dModel: number;
  readonly layers: number;
  readonly heads: number;
  readonly context: number;
  readonly mlp: number;
  readonly tiedOutput: boolean;
  readonly positions: PositionEncoding;
  readonly seed: number;
}

/** Options for {@linkcode createStudentConfig}: every field of a config, all optional but `vocab`. */
export interface StudentConfigOptions {
  /** @default {64} */
  readonly dModel?: number;
  /** @default {2} */
  readonly layers?: number;
  /** @default {4} */
  readonly heads?: number;
  /** @default {384} */
  readonly context?: number;
  /** @default {4 * dModel} */
  readonly mlp?: number;
  /** @default {false} */
  readonly tiedOutput?: boolean;
  /** @default {"alibi"} */
  readonly positions?: PositionEncoding;
  /** @default {0} */
  readonly seed?: number;
}

/**
 * A config with the defaults of `student.md` (d=64, 2 layers, 4 heads) and ALiBi positions, checked.
 *
 * @throws {RangeError} When a size is not a positive integer, `heads` does not divide `dModel`, or
 * `positions` is not a known encoding.
 * @example Defaults
 * ```ts
 * assertEquals(createStudentConfig(99).dModel, 64);
 * assertEquals(createStudentConfig(99).positions, "alibi");
 * ```
 */
export function createStudentConfig(vocab: number, options: StudentConfigOptions = {}): StudentConfig {
  const dModel = options.dModel ?? 64;
  const config: StudentConfig = {
    vocab,
    dModel,
    layers: options.layers ?? 2,
    heads: options.heads ?? 4,
    context: options.context ?? 384,
    mlp: options.mlp ?? 4 * dModel,
    tiedOutput: options.tiedOutput ?? false,
    positions: options.positions ?? "alibi",
    seed: options.seed ?? 0,
  };
  const checked = checkStudentConfig(config);
  if (E.isLeft(checked)) throw new RangeError(`Cannot create a student config as ${checked.left}`);
  return config;
}

/** Checks the invariants a codec cannot state alone; returns a Deno-style reason on failure. */
export function checkStudentConfig(config: StudentConfig): E.Either<string, StudentConfig> {
  for (const key of ["vocab", "dModel", "layers", "heads", "context", "mlp"] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value <= 0) {
      return E.left(`'${key}' must be a positive integer: current value is ${value}`);
    }
  }
  if (config.dModel % config.heads !== 0) {
    return E.left(`'heads' must divide 'dModel' (${config.dModel}): current value is ${config.heads}`);
  }
  if (!POSITION_ENCODINGS.includes(config.positions)) {
    return E.left(`'positions' must be ${POSITION_ENCODINGS.map((name) => `"${name}"`).join(" or ")}: current value is ${JSON.stringify(config.positions)}`);
  }
  if (!Number.isFinite(config.seed)) return E.left(`'seed' must be finite: current value is ${config.seed}`);
  return E.right(config);
}
