/**
 * The configuration of a whole TriPosT run (`tripost run --config FILE`): every knob, all
 * optional, with documented defaults ({@linkcode DEFAULT_CONFIG}, {@linkcode resolveConfig}).
 *
 * Objects are *strict*: an unknown key is an error naming its path (a typo in a config key must
 * not be silently ignored), unlike the persisted records, whose unknown keys are stripped.
 * A config never holds a secret: a field named `apiKey` (or `api_key`, `key`, `token`, …) or a
 * string value that looks like a key (`sk-…`) is rejected, and the message points to
 * `apiKeyEnv`, the NAME of the environment variable that holds the key.
 *
 * Numbers are refined codecs (plain `number` at the type level, checked at decode time) whose
 * failures carry Deno-style messages with the field path:
 * `Cannot accept 'expert.concurrency' as it must be an integer ≥ 1: current value is 0`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { Split, TaskName } from "./problem.js";

// ---------------------------------------------------------------------------------------------
// paths and issues

/** One thing wrong with a config: the field path (`expert.concurrency`, `data.test.1.count`) and why. */
export interface ConfigIssue {
  /** Dot-separated path of the field; `""` for the whole config. */
  readonly path: string;
  readonly message: string;
}

const SEQUENCES = new Set(["ArrayType", "ReadonlyArrayType", "TupleType", "ReadonlyTupleType", "DictionaryType"]);

/** The data path of an io-ts context: intersection and union member positions are left out. */
function contextPath(context: t.Context): string {
  const keys: string[] = [];
  context.forEach((entry, index) => {
    if (index === 0) return;
    const parentEntry = context[index - 1];
    const tag = (parentEntry?.type as { readonly _tag?: string } | undefined)?._tag;
    // A numeric key is an array index when its parent is a sequence codec, or a custom codec over
    // an array; intersections and unions add their member's position, which is no part of the path.
    const isIndex = tag === undefined ? Array.isArray(parentEntry?.actual) : SEQUENCES.has(tag);
    if (/^\d+$/.test(entry.key) && !isIndex) return;
    keys.push(entry.key);
  });
  return keys.join(".");
}

function shown(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function named(path: string): string {
  return path === "" ? "the config" : `'${path}'`;
}

/** A Deno-style message for a value that fails `constraint`. */
function cannot(context: t.Context, constraint: string, value: unknown): string {
  return `Cannot accept ${named(contextPath(context))} as it must be ${constraint}: current value is ${shown(value)}`;
}

// ---------------------------------------------------------------------------------------------
// combinators

/**
 * A refined codec: `base` then `check`, failing with `Cannot accept '<path>' as it must be
 * <constraint>: current value is <x>`.
 */
function refined<A>(
  name: string,
  constraint: string,
  guard: (input: unknown) => input is A,
): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    guard,
    (input, context) => (guard(input) ? t.success(input) : t.failure(input, context, cannot(context, constraint, input))),
    t.identity,
  );
}

function isFiniteNumber(input: unknown): input is number {
  return typeof input === "number" && Number.isFinite(input);
}

/** Any finite number. */
export const FiniteNumber = refined("FiniteNumber", "a finite number", isFiniteNumber);
/** A finite number ≥ 0. */
export const NonNegativeNumber = refined(
  "NonNegativeNumber",
  "a number ≥ 0",
  (input): input is number => isFiniteNumber(input) && input >= 0,
);
/** A finite number > 0. */
export const PositiveNumber = refined(
  "PositiveNumber",
  "a number > 0",
  (input): input is number => isFiniteNumber(input) && input > 0,
);
/** An integer ≥ 1 (counts, limits). */
export const PositiveInteger = refined(
  "PositiveInteger",
  "an integer ≥ 1",
  (input): input is number => Number.isSafeInteger(input) && (input as number) >= 1,
);
/** An integer ≥ 0. */
export const NonNegativeInteger = refined(
  "NonNegativeInteger",
  "an integer ≥ 0",
  (input): input is number => Number.isSafeInteger(input) && (input as number) >= 0,
);
/**
 * An integer from 1 to `max`: counts that would exhaust the machine beyond it (a million
 * problems, a thousand epochs) are refused at load instead of failing an hour in.
 */
export function boundedInteger(name: string, max: number): t.Type<number, number, unknown> {
  const guard = (input: unknown): input is number => Number.isSafeInteger(input) && (input as number) >= 1 && (input as number) <= max;
  return new t.Type<number, number, unknown>(
    name,
    guard,
    (input, context) => {
      if (guard(input)) return t.success(input);
      const tooLarge = typeof input === "number" && Number.isFinite(input) && input > max;
      return t.failure(input, context, cannot(context, tooLarge ? `at most ${max}` : "an integer ≥ 1", input));
    },
    t.identity,
  );
}

/** The most problems a data set may generate or read (bounded memory). */
export const MAX_PROBLEMS = 1_000_000;

/** The most tokens one generation may ask for (config `maxTokens`, `--max-tokens`). */
export const MAX_TOKENS = 131_072;

/** The most problems and calls in flight (config `concurrency`, `--concurrency`). */
export const MAX_CONCURRENCY = 4096;

/** A learning rate: a number > 0 and at most 1 (larger ones only diverge). */
export const LearningRate = refined(
  "LearningRate",
  "a number > 0 and ≤ 1",
  (input): input is number => isFiniteNumber(input) && input > 0 && input <= 1,
);

/** A seed: any safe integer. */
export const Seed = refined("Seed", "an integer", (input): input is number => Number.isSafeInteger(input));
/** A non-empty string. */
export const NonEmptyString = refined(
  "NonEmptyString",
  "a non-empty string",
  (input): input is string => typeof input === "string" && input.trim() !== "",
);

/** A string enum with a message listing the allowed values. */
function oneOf<K extends string>(name: string, values: readonly K[]): t.Type<K, K, unknown> {
  const allowed = values.map((value) => `"${value}"`).join(", ");
  return refined(
    name,
    `one of ${allowed}`,
    (input): input is K => typeof input === "string" && (values as readonly string[]).includes(input),
  );
}

function isPlainObject(input: unknown): input is Record<string, unknown> {
  return typeof input === "object" && input !== null && !Array.isArray(input);
}

/**
 * A strict object codec: `required` and `optional` properties, and an error for every other key,
 * named by its path (`Cannot accept the key 'expert.concurency' as it is not a known key: …`).
 * Unlike `t.exact`, which strips unknown keys, this rejects them.
 */
export function strict<R extends t.Props, O extends t.Props>(
  name: string,
  required: R,
  optional: O,
): t.Type<t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>, t.OutputOf<t.TypeC<R>> & t.OutputOf<t.PartialC<O>>, unknown> {
  const inner = t.exact(t.intersection([t.type(required), t.partial(optional)]));
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const list = [...known].map((key) => `'${key}'`).join(", ");
  return new t.Type(
    name,
    inner.is,
    (input, context) => {
      if (!isPlainObject(input)) {
        return t.failure(input, context, cannot(context, "an object", input));
      }
      const unknownKeys = Object.keys(input).filter((key) => !known.has(key));
      if (unknownKeys.length > 0) {
        return t.failures(unknownKeys.map((key): t.ValidationError => {
          const keyContext: t.Context = [...context, { key, type: t.never, actual: input[key] }];
          const path = contextPath(keyContext);
          return {
            value: input[key],
            context: keyContext,
            message: `Cannot accept the key '${path}' as it is not a known key: expected one of ${list}`,
          };
        }));
      }
      return inner.validate(input, context);
    },
    inner.encode,
  );
}

/**
 * A union discriminated by a string field: the field picks the member, so errors name the
 * member's fields instead of listing every member's failure.
 */
function discriminated<K extends string, M extends Record<string, t.Mixed>>(
  name: string,
  key: K,
  members: M,
): t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown> {
  const tags = Object.keys(members);
  const allowed = tags.map((tag) => `"${tag}"`).join(", ");
  return new t.Type(
    name,
    (input): input is t.TypeOf<M[keyof M]> => Object.values(members).some((member) => member.is(input)),
    (input, context) => {
      if (!isPlainObject(input)) return t.failure(input, context, cannot(context, "an object", input));
      const tag = input[key];
      if (typeof tag !== "string" || !Object.hasOwn(members, tag)) {
        const tagContext: t.Context = [...context, { key, type: t.string, actual: tag }];
        return t.failure(tag, tagContext, cannot(tagContext, `one of ${allowed}`, tag));
      }
      return (members[tag] as t.Mixed).validate(input, context);
    },
    (value) => {
      const member = Object.values(members).find((candidate) => candidate.is(value));
      return member === undefined ? value : member.encode(value);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// the pieces

/** The rationale formats a student can write (`contract.md` "Names"). */
export const FormatName = oneOf("FormatName", ["tripost", "compact"] as const);
export type FormatName = t.TypeOf<typeof FormatName>;

/**
 * How the student writes an update after a feedback line: the `whole` new attempt (the official
 * text), or, in the compact format, a `continuation` from the error step on (the lines before it,
 * the official `prev_partial_answer`, are taken over from the previous attempt unwritten).
 */
export const UpdateStyle = oneOf("UpdateStyle", ["whole", "continuation"] as const);
export type UpdateStyle = t.TypeOf<typeof UpdateStyle>;

/** The baselines a run can train next to TriPosT (`tripost.md` §8). */
export const BaselineName = oneOf("BaselineName", ["ft-rationale", "lmsi"] as const);
export type BaselineName = t.TypeOf<typeof BaselineName>;

const ConfigTaskName = oneOf("TaskName", Object.keys(TaskName.keys) as (keyof typeof TaskName.keys)[]);
const ConfigSplit = oneOf("Split", [...(Object.keys(Split.keys) as Split[]), "all"] as const);

/**
 * Problems drawn from the task's seeded generator. Every field is optional; see
 * {@linkcode resolveConfig} for the defaults.
 */
export const GeneratedData = strict("GeneratedData", { source: t.literal("generate") }, {
  /** A label for metrics (test sets); `seen`/`unseen` or `test<i>` by default. */
  name: NonEmptyString,
  /** A named difficulty of the task (`official`; `easy`, `medium` for multistep arithmetic). */
  difficulty: NonEmptyString,
  /** Which problems: `seen`, `unseen` or `all`. */
  split: ConfigSplit,
  /** How many problems. */
  count: boundedInteger("ProblemCount", MAX_PROBLEMS),
  /** The generator's seed. */
  seed: Seed,
});
export type GeneratedData = t.TypeOf<typeof GeneratedData>;

/**
 * Problems read from a file: problem JSONL, official TriPosT rows, or a BIG-Bench-Hard task
 * file (`contract.md` "Files"). A relative path is relative to the working directory.
 */
export const FileData = strict("FileData", { source: t.literal("file"), path: NonEmptyString }, {
  name: NonEmptyString,
  /** Use only the first `limit` problems. */
  limit: PositiveInteger,
});
export type FileData = t.TypeOf<typeof FileData>;

/** Where a set of problems comes from. */
export const DataSource = discriminated("DataSource", "source", { generate: GeneratedData, file: FileData });
export type DataSource = t.TypeOf<typeof DataSource>;

const DataSourceArray = t.array(DataSource);

/** One test set, or several (an array): the input's shape picks the member, so errors name its fields. */
export const TestSets = new t.Type<DataSource | DataSource[], unknown, unknown>(
  "TestSets",
  (input): input is DataSource | DataSource[] => DataSourceArray.is(input) || DataSource.is(input),
  (input, context) => (Array.isArray(input) ? DataSourceArray.validate(input, context) : DataSource.validate(input, context)),
  (value) => (Array.isArray(value) ? DataSourceArray.encode(value) : DataSource.encode(value)),
);
export type TestSets = t.TypeOf<typeof TestSets>;

/** The training problems and the test sets (one, or several evaluated and reported apart). */
export const DataConfig = strict("DataConfig", {}, {
  train: DataSource,
  test: TestSets,
});
export type DataConfig = t.TypeOf<typeof DataConfig>;

const endpointProps = {
  /** The served model name sent in each request. */
  model: NonEmptyString,
  /** The NAME of the environment variable that holds the API key (never the key). */
  apiKeyEnv: refined(
    "EnvironmentVariableName",
    "an environment variable name such as \"OPENAI_API_KEY\"",
    (input): input is string => typeof input === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(input),
  ),
  /** `completions` (raw continuation) or `chat`. */
  endpoint: oneOf("EndpointKind", ["completions", "chat"] as const),
  /** Calls in flight. */
  concurrency: PositiveInteger,
  /** Requests per minute. */
  rpm: PositiveInteger,
  /** Tokens per minute. */
  tpm: PositiveInteger,
  /** Header and body timeout in milliseconds. */
  timeoutMs: PositiveInteger,
  /** Retries of a transient failure. */
  maxRetries: NonNegativeInteger,
};

/** How an HTTP endpoint is reached (mirrors the CLI's `EndpointSettings`). */
export const EndpointConfig = t.partial(endpointProps);
export type EndpointConfig = t.TypeOf<typeof EndpointConfig>;

const StudentSpec = refined(
  "StudentSpec",
  "a model spec: \"embedded:PATH\" or an http(s)://…/v1 URL",
  (input): input is string =>
    typeof input === "string" && (/^embedded:.+/.test(input) || /^https?:\/\/[^\s]+$/.test(input)),
);

/**
 * The student: its model spec, the format it writes, how it writes updates (`updates`, compact
 * format only; `"whole"` when left out), and, for HTTP, how to reach it.
 */
export const StudentObject = strict("StudentSetting", { spec: StudentSpec }, {
  format: FormatName,
  updates: UpdateStyle,
  ...endpointProps,
});
export type StudentObject = t.TypeOf<typeof StudentObject>;

/** The student as a spec string (shorthand) or an object. */
export const StudentSetting = new t.Type<string | StudentObject, string | StudentObject, unknown>(
  "StudentSetting",
  (input): input is string | StudentObject => StudentSpec.is(input) || StudentObject.is(input),
  (input, context) => (typeof input === "string" ? StudentSpec.validate(input, context) : StudentObject.validate(input, context)),
  t.identity,
);
export type StudentSetting = t.TypeOf<typeof StudentSetting>;

/** An expert served over HTTP (an OpenAI-compatible `/v1` base URL). */
export const ExpertEndpoint = strict("ExpertEndpoint", {
  url: refined(
    "EndpointUrl",
    "an http(s)://…/v1 URL",
    (input): input is string => typeof input === "string" && /^https?:\/\/[^\s]+$/.test(input),
  ),
}, {
  ...endpointProps,
  /**
   * `completions` (raw continuation), `chat` (an explicit instruction) or `chat-prefill` (the
   * answer's start as an assistant message the server continues: `continue_final_message`).
   */
  endpoint: oneOf("ExpertEndpointKind", ["completions", "chat", "chat-prefill"] as const),
});
export type ExpertEndpoint = t.TypeOf<typeof ExpertEndpoint>;

/** The expert: the task's scripted FBK and IMP, or an LLM endpoint. */
export const ExpertConfig = new t.Type<"scripted" | ExpertEndpoint, "scripted" | ExpertEndpoint, unknown>(
  "ExpertConfig",
  (input): input is "scripted" | ExpertEndpoint => input === "scripted" || ExpertEndpoint.is(input),
  (input, context) =>
    typeof input === "string"
      ? input === "scripted"
        ? t.success("scripted")
        : t.failure(input, context, cannot(context, "\"scripted\" or an endpoint object with a 'url'", input))
      : ExpertEndpoint.validate(input, context),
  t.identity,
);
export type ExpertConfig = t.TypeOf<typeof ExpertConfig>;

/** Sampling temperatures of the rollouts, of LMSI's samples, and of evaluation. */
export const TemperaturesConfig = strict("TemperaturesConfig", {}, {
  rollout: NonNegativeNumber,
  lmsi: NonNegativeNumber,
  eval: NonNegativeNumber,
});
export type TemperaturesConfig = t.TypeOf<typeof TemperaturesConfig>;

/** Tokens per student generation, in rollouts and in evaluation. */
export const MaxTokensConfig = strict("MaxTokensConfig", {}, { rollout: boundedInteger("MaxTokens", MAX_TOKENS), eval: boundedInteger("MaxTokens", MAX_TOKENS) });
export type MaxTokensConfig = t.TypeOf<typeof MaxTokensConfig>;

/** The collection passes of one iteration (`tripost.md` §3.1). */
export const PassesConfig = strict("PassesConfig", {}, {
  /** Stop collecting once this many examples are gathered (`max_data_length`); 0 = after one pass. */
  maxDataLength: NonNegativeInteger,
  /** The most passes (`max_data_itr`). */
  maxPasses: PositiveInteger,
  /**
   * `min_data_length`: the fewest examples an iteration's training set (gold included) may have;
   * with fewer, the official loop ends before training that iteration. 0 = never.
   */
  minDataLength: NonNegativeInteger,
});
export type PassesConfig = t.TypeOf<typeof PassesConfig>;

/** `true` or `false`. */
const Flag = refined("Flag", "true or false", (input): input is boolean => typeof input === "boolean");

/** A finite number from 0 to 1 (a share). */
const Fraction = refined(
  "Fraction",
  "a number from 0 to 1",
  (input): input is number => isFiniteNumber(input) && input >= 0 && input <= 1,
);

/**
 * Where each iteration's training starts (`tripost.md` §1): `"previous"`, the previous
 * iteration's model (the official loop), or `"m0"`, the starting student M0 again, on that
 * iteration's data.
 */
export const TrainingInit = oneOf("TrainingInit", ["previous", "m0"] as const);
export type TrainingInit = t.TypeOf<typeof TrainingInit>;

/**
 * Adam's state at the start of each training: `"carry"`, the state of the checkpoint training
 * starts from (the previous iteration's, none for a fresh M0), or `"fresh"`, a new one every
 * time (the official trainer deletes its optimizer states, `tripost.md` §7.2).
 */
export const OptimizerStateSetting = oneOf("OptimizerStateSetting", ["fresh", "carry"] as const);
export type OptimizerStateSetting = t.TypeOf<typeof OptimizerStateSetting>;

/**
 * Training of the student: the embedded trainer's settings (`epochs` … `minLrRatio`), the same
 * for TriPosT and the baselines; `maskFirstAttempt`, `init` and the schedule also reach an
 * external trainer (its data, `{base}`, and the `{mask_first_attempt}` … placeholders).
 */
export const TrainingConfig = strict("TrainingConfig", {}, {
  epochs: boundedInteger("Epochs", 1000),
  batchSize: boundedInteger("BatchSize", 4096),
  learningRate: LearningRate,
  /** Worker threads (0 = the main thread). */
  workers: NonNegativeInteger,
  /** Optimizer steps; overrides `epochs`. */
  steps: boundedInteger("Steps", 10_000_000),
  /**
   * No loss on the question and the attempt before the first feedback line of the improvement
   * and terminal examples (the official `mask_before_att_start_text=True`; gold and correct
   * examples keep their loss everywhere).
   */
  maskFirstAttempt: Flag,
  /** Where each iteration's training starts. */
  init: TrainingInit,
  /** Adam's state at the start of each training. */
  optimizerState: OptimizerStateSetting,
  /** Linear warm-up, as a share of each training's steps. */
  warmup: Fraction,
  /** The floor of the cosine decay, as a share of the learning rate. */
  minLrRatio: Fraction,
});
export type TrainingConfig = t.TypeOf<typeof TrainingConfig>;

/** The training-data formats an external trainer can read (`tripost export --to`). */
export const ExportTarget = oneOf("ExportTarget", ["tripost", "openai", "trl", "spans"] as const);
export type ExportTarget = t.TypeOf<typeof ExportTarget>;

/**
 * The placeholders of an external trainer's command, `{name}` in an argument: the exported file
 * (`data`), the output directory (`out`), the iteration (`iteration`), the model the iteration
 * starts from (`base`), the run directory (`run`), the run's seed (`seed`), the export format
 * (`export`), and the `training` settings a trainer applies itself: `mask_first_attempt`
 * (`true`/`false`), `init` (`previous`/`m0`, already applied to `base`), `optimizer_state`
 * (`fresh`/`carry`), `warmup` and `min_lr_ratio` (shares). Each is also passed as the
 * environment variable `TRIPOST_<NAME>`.
 */
export const TRAINER_PLACEHOLDERS = [
  "data",
  "out",
  "iteration",
  "base",
  "run",
  "seed",
  "export",
  "mask_first_attempt",
  "init",
  "optimizer_state",
  "warmup",
  "min_lr_ratio",
] as const;

const PLACEHOLDER_PATTERN = /\{([a-z_]+)\}/g;

/** The `{names}` of a template that are not in `allowed`. */
export function unknownPlaceholders(template: string, allowed: readonly string[]): string[] {
  return [...template.matchAll(PLACEHOLDER_PATTERN)].map((match) => match[1] as string).filter((name) => !allowed.includes(name));
}

/** A template string whose `{placeholders}` are all in `allowed`. */
function template(name: string, allowed: readonly string[]): t.Type<string, string, unknown> {
  const listed = allowed.map((placeholder) => `{${placeholder}}`).join(", ");
  return refined(
    name,
    `a non-empty string whose placeholders are among ${listed}`,
    (input): input is string => typeof input === "string" && input.trim() !== "" && unknownPlaceholders(input, allowed).length === 0,
  );
}

const CommandArgument = template("CommandArgument", TRAINER_PLACEHOLDERS);
const CommandArguments = t.array(CommandArgument);

/** The trainer's argv: a non-empty array of strings (no shell), with placeholders. */
export const TrainerCommand = new t.Type<string[], string[], unknown>(
  "TrainerCommand",
  (input): input is string[] => CommandArguments.is(input) && input.length > 0,
  (input, context) =>
    Array.isArray(input) && input.length > 0
      ? CommandArguments.validate(input, context)
      : t.failure(input, context, cannot(context, "a non-empty array of strings (the program, then its arguments; no shell)", input)),
  t.identity,
);

/** A new model served elsewhere for each iteration: its name, with an `{iteration}` placeholder. */
export const ReloadModel = strict("ReloadModel", { model: template("ModelTemplate", ["iteration"]) }, {});
export type ReloadModel = t.TypeOf<typeof ReloadModel>;

/**
 * How the next iteration's student reaches the trainer's output: `"vllm-lora"` (load it into the
 * student's vLLM server as a LoRA adapter under one stable name), `"none"` (the same model name;
 * the server reloads by itself), or `{"model": "name-{iteration}"}` (a new served model name).
 */
export const ReloadSetting = new t.Type<"vllm-lora" | "none" | ReloadModel, "vllm-lora" | "none" | ReloadModel, unknown>(
  "ReloadSetting",
  (input): input is "vllm-lora" | "none" | ReloadModel => input === "vllm-lora" || input === "none" || ReloadModel.is(input),
  (input, context) =>
    typeof input === "string" || !isPlainObject(input)
      ? input === "vllm-lora" || input === "none"
        ? t.success(input)
        : t.failure(input, context, cannot(context, "\"vllm-lora\", \"none\" or an object {\"model\": \"name-{iteration}\"}", input))
      : ReloadModel.validate(input, context),
  t.identity,
);
export type ReloadSetting = t.TypeOf<typeof ReloadSetting>;

/**
 * An external trainer: after each iteration's collection, `tripost run` exports the training set
 * in `export` format and runs `command` (see {@linkcode TRAINER_PLACEHOLDERS}); its output
 * directory becomes the next iteration's student through `reload`.
 */
export const TrainerConfig = strict("TrainerConfig", { command: TrainerCommand }, {
  /** The training-data format the command reads. */
  export: ExportTarget,
  /** The command's working directory (relative to the working directory of `tripost run`). */
  cwd: NonEmptyString,
  /** Kill the command after this many milliseconds (none by default). */
  timeoutMs: PositiveInteger,
  /** How the next student reaches the output (HTTP students only). */
  reload: ReloadSetting,
  /** The stable adapter name of `reload: "vllm-lora"`. */
  loraName: NonEmptyString,
  /** The `lora_path` sent to vLLM, when the server sees the output directory elsewhere (`{out}`, `{iteration}`). */
  loraPath: template("LoraPathTemplate", ["out", "iteration"]),
});
export type TrainerConfig = t.TypeOf<typeof TrainerConfig>;

/** The config of a run, as written in a file: every field optional. */
export const RunConfig = strict("RunConfig", {}, {
  task: ConfigTaskName,
  data: DataConfig,
  student: StudentSetting,
  expert: ExpertConfig,
  /** TriPosT iterations. */
  iterations: boundedInteger("Iterations", 100),
  /** `improve_data_ratio` r; a value ≤ 0 keeps every non-improvement example (no rebalancing). */
  improveDataRatio: FiniteNumber,
  /** Loss weight w from the first feedback line on. */
  weight: NonNegativeNumber,
  /** IMP updates per trajectory. */
  maxUpdates: boundedInteger("MaxUpdates", 100),
  temperatures: TemperaturesConfig,
  maxTokens: MaxTokensConfig,
  passes: PassesConfig,
  training: TrainingConfig,
  baselines: t.array(BaselineName),
  /** An external trainer instead of the embedded one. */
  trainer: TrainerConfig,
  seed: Seed,
  /** Problems in flight. */
  concurrency: boundedInteger("Concurrency", MAX_CONCURRENCY),
});
export type RunConfig = t.TypeOf<typeof RunConfig>;

// ---------------------------------------------------------------------------------------------
// secrets

const SECRET_KEY = /^(api[_-]?key|key|secret|token|access[_-]?token|password|authorization|bearer)$/i;

/** Query parameters that carry credentials in URLs (`?api_key=…`, `?key=…`, `?sig=…`). */
const SECRET_QUERY_PARAMETER =
  /^(key|api[_-]?key|apikey|x[_-]api[_-]key|token|access[_-]?token|id[_-]?token|auth|auth[_-]?token|authorization|bearer|secret|client[_-]?secret|password|passwd|pwd|sig|signature|x[_-]amz[_-](signature|credential|security[_-]token))$/i;

/**
 * Key-shaped text anywhere in a string: an `Authorization: Bearer …` value, OpenAI (`sk-…`),
 * Hugging Face (`hf_…`), Google (`AIza…`), GitHub (`ghp_…`, `github_pat_…`), Slack (`xox…-`),
 * Anthropic-style (`sk-ant-…`, covered by `sk-`) and AWS access key ids (`AKIA…`).
 */
const SECRET_SHAPES: readonly RegExp[] = [
  /\b[Bb]earer\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/,
  /(?<![A-Za-z0-9])sk[-_](?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{16,}/,
  /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{10,}/,
  /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{20,}/,
  /(?<![A-Za-z0-9])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/,
  /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{20,}/,
  /(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}/,
  /(?<![A-Za-z0-9])AKIA[0-9A-Z]{16}(?![A-Za-z0-9])/,
];

const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * What kind of secret `text` holds, or `undefined`: key-shaped text (`sk-…`, `hf_…`, `AIza…`,
 * `Bearer …`), a URL with credentials (`https://user:pass@host`), or a URL whose query carries a
 * key (`?api_key=…`, `?key=…`, `?token=…`, `?access_token=…`, `?sig=…`). The description never
 * repeats the secret.
 *
 * @example
 * ```ts
 * assertEquals(describeSecret("http://h/v1?api_key=abc"), "a URL whose query parameter 'api_key' holds a credential");
 * assertEquals(describeSecret("http://127.0.0.1:8000/v1"), undefined);
 * ```
 */
export function describeSecret(text: string): string | undefined {
  // A whole value that is one key-like word (no dots, slashes or spaces: not a file name such as
  // `hf_problems.jsonl`, not prose such as "Bearer tokens are sent in a header").
  if (/^(?:sk-|sk_|hf_|AIza)[A-Za-z0-9_-]+$|^Bearer\s+[A-Za-z0-9._~+/=-]*\d[A-Za-z0-9._~+/=-]*$/.test(text.trim())) {
    return "text that looks like an API key or token";
  }
  for (const shape of SECRET_SHAPES) {
    if (shape.test(text)) return "text that looks like an API key or token";
  }
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const candidate = match[0];
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i.test(candidate)) return "a URL with credentials (user:password@)";
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    for (const name of url.searchParams.keys()) {
      if (SECRET_QUERY_PARAMETER.test(name)) return `a URL whose query parameter '${name}' holds a credential`;
    }
    // Fragments are sent nowhere but still written: a key there is as bad as in the query.
    const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
    for (const name of fragment.keys()) {
      if (SECRET_QUERY_PARAMETER.test(name)) return `a URL whose fragment parameter '${name}' holds a credential`;
    }
  }
  return undefined;
}

/**
 * `text` with every secret-shaped piece replaced by `[REDACTED]`: key-shaped strings, URL
 * credentials (`user:pass@`), and the values of credential query parameters. For messages and
 * logs, a last line of defence behind refusing secrets at load.
 */
export function redactSecrets(text: string): string {
  let result = text;
  for (const shape of SECRET_SHAPES) result = result.replace(new RegExp(shape.source, `${shape.flags.replace("g", "")}g`), "[REDACTED]");
  result = result.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]+@/gi, "$1[REDACTED]@");
  result = result.replace(/([?&#])([A-Za-z0-9_.-]+)=([^&#\s"'<>]*)/g, (whole, separator: string, name: string) =>
    SECRET_QUERY_PARAMETER.test(name) ? `${separator}${name}=[REDACTED]` : whole
  );
  return result;
}

/**
 * The places where a config holds something that looks like a secret: a key named like one
 * (`apiKey`, `api_key`, `token`, …), a value that holds key-shaped text (`sk-…`, `hf_…`,
 * `AIza…`, `Bearer …`, anywhere in the string: a trainer's command line too), or a URL with
 * credentials in its user part or its query (`?api_key=…`). The messages never repeat the value.
 */
export function findSecrets(input: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const advice = "use 'apiKeyEnv' to name the environment variable that holds the key";
  function walk(value: unknown, path: readonly string[]): void {
    const where = path.join(".");
    if (typeof value === "string") {
      const secret = describeSecret(value);
      if (secret !== undefined) {
        issues.push({ path: where, message: `Cannot accept ${named(where)} as it holds ${secret}: ${advice} (a config never holds a secret)` });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, String(index)]));
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        const keyPath = [...path, key].join(".");
        if (SECRET_KEY.test(key)) {
          issues.push({ path: keyPath, message: `Cannot accept the key '${keyPath}' as a config never holds a secret: ${advice}` });
        } else {
          walk(item, [...path, key]);
        }
      }
    }
  }
  walk(input, []);
  return issues;
}

// ---------------------------------------------------------------------------------------------
// decoding

function issueOf(error: t.ValidationError): ConfigIssue {
  const path = contextPath(error.context);
  if (error.message !== undefined) return { path, message: error.message };
  const expected = error.context.at(-1)?.type.name ?? "a valid value";
  return { path, message: `Cannot accept ${named(path)} as it must be ${expected}: current value is ${shown(error.value)}` };
}

/**
 * Decodes a parsed config: secrets first (so a key is never echoed in another message), then the
 * codec. The issues are deduplicated by path, in the order found.
 *
 * @example Reject a typo
 * ```ts
 * const result = decodeConfig({ expert: { url: "http://127.0.0.1:8000/v1", concurency: 4 } });
 * assertEquals(E.isLeft(result) && result.left[0]?.path, "expert.concurency");
 * ```
 */
export function decodeConfig(input: unknown): E.Either<ConfigIssue[], RunConfig> {
  const secrets = findSecrets(input);
  if (secrets.length > 0) return E.left(secrets);
  const result = RunConfig.decode(input);
  if (E.isRight(result)) return E.right(result.right);
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const error of result.left) {
    const issue = issueOf(error);
    if (seen.has(issue.path)) continue;
    seen.add(issue.path);
    issues.push(issue);
  }
  return E.left(issues);
}

// ---------------------------------------------------------------------------------------------
// defaults

/** A generated data set with every field filled in. */
export interface ResolvedGeneratedData {
  readonly source: "generate";
  readonly name: string;
  readonly difficulty: string;
  readonly split: Split | "all";
  readonly count: number;
  readonly seed: number;
}

/** A file data set with its name filled in. */
export interface ResolvedFileData {
  readonly source: "file";
  readonly name: string;
  readonly path: string;
  readonly limit?: number;
}

/** A data set with every field filled in. */
export type ResolvedDataSource = ResolvedGeneratedData | ResolvedFileData;

/**
 * The student with every field filled in; `updates` is there only when the config writes it
 * (see {@linkcode updateStyleOf}: `"whole"` otherwise).
 */
export type ResolvedStudent = EndpointConfig & { readonly spec: string; readonly format: FormatName; readonly updates?: UpdateStyle };

/** How a resolved student writes its updates: `student.updates`, or `"whole"` (the official text). */
export function updateStyleOf(student: { readonly updates?: UpdateStyle }): UpdateStyle {
  return student.updates ?? "whole";
}

/** The stable adapter name of `reload: "vllm-lora"` when the config names none. */
export const DEFAULT_LORA_NAME = "tripost-student";

/**
 * An external trainer with its defaults: `export` is `spans`; `reload` is `"embedded"` for an
 * embedded student (the output directory becomes `embedded:{out}`) and as written for an HTTP
 * one; `loraName` is {@linkcode DEFAULT_LORA_NAME}; `loraPath` is `{out}`.
 */
export interface ResolvedTrainer {
  readonly command: readonly string[];
  readonly export: ExportTarget;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly reload: "embedded" | "vllm-lora" | "none" | ReloadModel;
  readonly loraName: string;
  readonly loraPath: string;
}

/** A config with every knob filled in (what a run uses). */
export interface ResolvedRunConfig {
  readonly task: TaskName;
  readonly data: { readonly train: ResolvedDataSource; readonly test: readonly ResolvedDataSource[] };
  readonly student: ResolvedStudent;
  readonly expert: ExpertConfig;
  readonly iterations: number;
  readonly improveDataRatio: number;
  readonly weight: number;
  readonly maxUpdates: number;
  readonly temperatures: { readonly rollout: number; readonly lmsi: number; readonly eval: number };
  readonly maxTokens: { readonly rollout: number; readonly eval: number };
  readonly passes: { readonly maxDataLength: number; readonly maxPasses: number; readonly minDataLength: number };
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly workers: number;
    readonly steps?: number;
    readonly maskFirstAttempt: boolean;
    readonly init: TrainingInit;
    readonly optimizerState: OptimizerStateSetting;
    readonly warmup: number;
    readonly minLrRatio: number;
  };
  readonly baselines: readonly BaselineName[];
  /** An external trainer instead of the embedded one. */
  readonly trainer?: ResolvedTrainer;
  readonly seed: number;
  readonly concurrency: number;
}

/** The shipped embedded student (`contract.md`: `npm start` needs no server and no key). */
export const DEFAULT_STUDENT_SPEC = "embedded:fixtures/student/m0-msa";

/** Offset of the default test seed from the run's seed: the shipped student's held-out problems. */
export const TEST_SEED_OFFSET = 1001;

/** `max_data_length` per task (`tripost.md` §3.1). */
const MAX_DATA_LENGTH: Record<TaskName, number> = {
  multistep_arithmetic: 150,
  word_sorting: 120,
  date_understanding: 100,
  logical_deduction: 80,
};

/** `min_data_length` per task, as the official README's TriPosT commands set it (`tripost.md` §1, §11). */
const MIN_DATA_LENGTH: Record<TaskName, number> = {
  multistep_arithmetic: 60,
  word_sorting: 60,
  date_understanding: 40,
  logical_deduction: 20,
};

/** Rollout `max_new_tokens` of an HTTP student per task (`tripost.md` §3.1). */
const HTTP_MAX_TOKENS: Record<TaskName, number> = {
  multistep_arithmetic: 512,
  word_sorting: 1024,
  date_understanding: 512,
  logical_deduction: 1024,
};

/** Tokens per generation of the embedded student (its context is 384 characters). */
const EMBEDDED_MAX_TOKENS = 256;

/** Tasks whose generator has the embedded student's `easy` and `medium` difficulties. */
const EMBEDDED_DIFFICULTY_TASKS: ReadonlySet<TaskName> = new Set(["multistep_arithmetic"]);

/**
 * Tokens per generation by default (the config table's `maxTokens`): 256 for an embedded student
 * (its context), the task's official `max_new_tokens` for an HTTP one (512 for MSA and DU, 1024
 * for WS and LD). `tripost collect` and `tripost eval` use it too.
 */
export function defaultMaxTokens(task: TaskName, embedded: boolean): number {
  return embedded ? EMBEDDED_MAX_TOKENS : HTTP_MAX_TOKENS[task];
}

function isEmbeddedSpec(spec: string): boolean {
  return spec.startsWith("embedded:");
}

/**
 * Fills in every default. The defaults that depend on other fields:
 *
 * - `student.format`: `compact` for an embedded student, `tripost` for an HTTP one;
 * - generated data: `easy` (train, test `seen`) and `medium` (test `unseen`) difficulties for an
 *   embedded student on multistep arithmetic, otherwise `official` with the `seen` and `unseen`
 *   splits; train seed = `seed`, test seed = `seed + 1001` (the shipped student's held-out
 *   problems); names `seen`/`unseen` for the default test sets, `test<i>` (or the file's own
 *   name) otherwise;
 * - `iterations`: 2 for an embedded student, 3 (the paper's) for an HTTP one;
 * - `baselines`: both, or none with an external `trainer` (which trains TriPosT's student only);
 * - `trainer.reload`: `"embedded"` for an embedded student, as written (else `"none"`) for an HTTP one;
 * - `maxTokens`: 256 for an embedded student; 512 (MSA, DU) or 1024 (WS, LD) for an HTTP one;
 * - `passes.maxDataLength`: the task's `max_data_length` (MSA 150, WS 120, DU 100, LD 80);
 * - `passes.minDataLength`: the task's `min_data_length` (MSA 60, WS 60, DU 40, LD 20).
 *
 * The fixed ones are in {@linkcode DEFAULT_CONFIG}.
 *
 * @example
 * ```ts
 * assertEquals(resolveConfig({}).student.format, "compact");
 * assertEquals(resolveConfig({ student: "http://127.0.0.1:8000/v1" }).student.format, "tripost");
 * ```
 */
export function resolveConfig(config: RunConfig): ResolvedRunConfig {
  const task = config.task ?? "multistep_arithmetic";
  const seed = config.seed ?? 0;
  const studentInput: StudentObject = typeof config.student === "string"
    ? { spec: config.student }
    : config.student ?? { spec: DEFAULT_STUDENT_SPEC };
  const embedded = isEmbeddedSpec(studentInput.spec);
  const student: ResolvedStudent = { ...studentInput, format: studentInput.format ?? (embedded ? "compact" : "tripost") };
  const small = embedded && EMBEDDED_DIFFICULTY_TASKS.has(task);

  function resolveSource(source: DataSource, fallbackName: string, fallback: ResolvedGeneratedData): ResolvedDataSource {
    if (source.source === "file") {
      return { ...source, name: source.name ?? fallbackName };
    }
    return {
      source: "generate",
      name: source.name ?? fallbackName,
      difficulty: source.difficulty ?? fallback.difficulty,
      split: source.split ?? fallback.split,
      count: source.count ?? fallback.count,
      seed: source.seed ?? fallback.seed,
    };
  }

  const trainDefault: ResolvedGeneratedData = {
    source: "generate",
    name: "train",
    difficulty: small ? "easy" : "official",
    split: "seen",
    count: 300,
    seed,
  };
  const testDefaults: ResolvedGeneratedData[] = [
    { source: "generate", name: "seen", difficulty: small ? "easy" : "official", split: "seen", count: 100, seed: seed + TEST_SEED_OFFSET },
    { source: "generate", name: "unseen", difficulty: small ? "medium" : "official", split: "unseen", count: 100, seed: seed + TEST_SEED_OFFSET },
  ];
  const testInput = config.data?.test;
  const testSources = testInput === undefined ? undefined : Array.isArray(testInput) ? testInput : [testInput];
  const test = testSources === undefined
    ? testDefaults
    : testSources.map((source, index) =>
      resolveSource(source, testSources.length === 1 ? "test" : `test${index}`, {
        ...(testDefaults[0] as ResolvedGeneratedData),
        name: "test",
      })
    );
  const train = config.data?.train === undefined ? trainDefault : resolveSource(config.data.train, "train", trainDefault);

  const maxTokens = embedded ? EMBEDDED_MAX_TOKENS : HTTP_MAX_TOKENS[task];
  const training = {
    epochs: config.training?.epochs ?? DEFAULT_CONFIG.training.epochs,
    batchSize: config.training?.batchSize ?? DEFAULT_CONFIG.training.batchSize,
    learningRate: config.training?.learningRate ?? DEFAULT_CONFIG.training.learningRate,
    workers: config.training?.workers ?? DEFAULT_CONFIG.training.workers,
    ...(config.training?.steps === undefined ? {} : { steps: config.training.steps }),
    maskFirstAttempt: config.training?.maskFirstAttempt ?? DEFAULT_CONFIG.training.maskFirstAttempt,
    init: config.training?.init ?? DEFAULT_CONFIG.training.init,
    optimizerState: config.training?.optimizerState ?? DEFAULT_CONFIG.training.optimizerState,
    warmup: config.training?.warmup ?? DEFAULT_CONFIG.training.warmup,
    minLrRatio: config.training?.minLrRatio ?? DEFAULT_CONFIG.training.minLrRatio,
  };
  return {
    task,
    data: { train, test },
    student,
    expert: config.expert ?? "scripted",
    iterations: config.iterations ?? (embedded ? 2 : 3),
    improveDataRatio: config.improveDataRatio ?? 1.5,
    weight: config.weight ?? 1.5,
    maxUpdates: config.maxUpdates ?? 5,
    temperatures: {
      rollout: config.temperatures?.rollout ?? 1,
      lmsi: config.temperatures?.lmsi ?? 1.2,
      eval: config.temperatures?.eval ?? 0,
    },
    maxTokens: {
      rollout: config.maxTokens?.rollout ?? maxTokens,
      eval: config.maxTokens?.eval ?? maxTokens,
    },
    passes: {
      maxDataLength: config.passes?.maxDataLength ?? MAX_DATA_LENGTH[task],
      maxPasses: config.passes?.maxPasses ?? 5,
      minDataLength: config.passes?.minDataLength ?? MIN_DATA_LENGTH[task],
    },
    training,
    // An external trainer trains TriPosT's student only (README "External trainers").
    baselines: config.baselines ?? (config.trainer === undefined ? ["ft-rationale", "lmsi"] : []),
    ...(config.trainer === undefined ? {} : { trainer: resolveTrainer(config.trainer, embedded) }),
    seed,
    concurrency: config.concurrency ?? 16,
  };
}

function resolveTrainer(trainer: TrainerConfig, embedded: boolean): ResolvedTrainer {
  return {
    command: trainer.command,
    export: trainer.export ?? "spans",
    ...(trainer.cwd === undefined ? {} : { cwd: trainer.cwd }),
    ...(trainer.timeoutMs === undefined ? {} : { timeoutMs: trainer.timeoutMs }),
    reload: embedded ? "embedded" : trainer.reload ?? "none",
    loraName: trainer.loraName ?? DEFAULT_LORA_NAME,
    loraPath: trainer.loraPath ?? "{out}",
  };
}

/**
 * The defaults of a run: the embedded student (`embedded:fixtures/student/m0-msa`, compact
 * format) on multistep arithmetic against the scripted expert, 300 easy training problems
 * (seed 0), tested on 100 easy `seen` and 100 medium `unseen` problems (seed 1001);
 * 2 iterations; r = 1.5, w = 1.5; 5 IMP updates; temperatures 1.0 (rollout), 1.2 (LMSI),
 * 0 (eval); 256 tokens per generation; up to 5 passes or 150 examples (`min_data_length` 60); training 8 epochs,
 * batch 32, learning rate 1e-3 (chosen on validation problems for the embedded student, README), 2 workers, loss on the first attempt too, each iteration from the
 * previous model with its Adam state, 10% warm-up, decay to 10% of the learning rate; both
 * baselines; seed 0; 16 problems in flight.
 */
export const DEFAULT_CONFIG: ResolvedRunConfig = Object.freeze({
  task: "multistep_arithmetic",
  data: {
    train: { source: "generate", name: "train", difficulty: "easy", split: "seen", count: 300, seed: 0 },
    test: [
      { source: "generate", name: "seen", difficulty: "easy", split: "seen", count: 100, seed: TEST_SEED_OFFSET },
      { source: "generate", name: "unseen", difficulty: "medium", split: "unseen", count: 100, seed: TEST_SEED_OFFSET },
    ],
  },
  student: { spec: DEFAULT_STUDENT_SPEC, format: "compact" },
  expert: "scripted",
  iterations: 2,
  improveDataRatio: 1.5,
  weight: 1.5,
  maxUpdates: 5,
  temperatures: { rollout: 1, lmsi: 1.2, eval: 0 },
  maxTokens: { rollout: EMBEDDED_MAX_TOKENS, eval: EMBEDDED_MAX_TOKENS },
  passes: { maxDataLength: 150, maxPasses: 5, minDataLength: 60 },
  training: {
    epochs: 8,
    batchSize: 32,
    learningRate: 1e-3,
    workers: 2,
    maskFirstAttempt: false,
    init: "previous",
    optimizerState: "carry",
    warmup: 0.1,
    minLrRatio: 0.1,
  },
  baselines: ["ft-rationale", "lmsi"],
  seed: 0,
  concurrency: 16,
} satisfies ResolvedRunConfig);
