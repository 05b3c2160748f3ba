/**
 * Reading a run config (`tripost run --config FILE`): JSON syntax errors, decode errors and
 * checks against the task registry all become one {@linkcode InputError} naming the file, the
 * line of the offending field, and its path (`expert.concurrency`). Reading is all it does: a
 * bad config writes nothing.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { readFile } from "node:fs/promises";
import {
  type ConfigIssue,
  decodeConfig,
  type ResolvedRunConfig,
  resolveConfig,
  type RunConfig,
} from "../codecs/config.js";
import { InputError } from "../errors.js";
import { getTask } from "../tasks/registry.js";
import { resolveShipped } from "./_paths.js";

// ---------------------------------------------------------------------------------------------
// a small JSON position finder

/** Where a JSON text breaks the grammar. */
export interface JsonSyntaxError {
  readonly type: "json-syntax-error";
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  readonly message: string;
}

/** The parsed value and the 1-based line of every path (a key's line; an array item's first line). */
export interface LocatedJson {
  readonly value: unknown;
  /** Path (`data.test.1.count`, `""` for the root) → line. */
  readonly lines: ReadonlyMap<string, number>;
}

/**
 * Parses JSON text with a small recursive-descent scanner that records the line of every field
 * path. Values come from `JSON.parse` on each scalar's own text, so strings and numbers mean
 * exactly what they mean in JSON. A duplicate key is a syntax error here (a config must not say
 * one thing twice).
 *
 * @example
 * ```ts
 * const located = locateJson('{\n  "a": {\n    "b": 1\n  }\n}');
 * assertEquals(E.isRight(located) && located.right.lines.get("a.b"), 3);
 * ```
 */
export function locateJson(text: string): E.Either<JsonSyntaxError, LocatedJson> {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new Map<string, number>();
  let position = 0;
  let line = 1;
  let lineStart = 0;

  class Failure extends Error {
    constructor(readonly at: number, readonly atLine: number, readonly atColumn: number, message: string) {
      super(message);
    }
  }

  function fail(message: string): never {
    throw new Failure(position, line, position - lineStart + 1, message);
  }

  function describe(): string {
    if (position >= source.length) return "the end of the text";
    return `'${source[position]}'`;
  }

  function skipSpace(): void {
    while (position < source.length) {
      const character = source[position];
      if (character === "\n") {
        line += 1;
        position += 1;
        lineStart = position;
      } else if (character === " " || character === "\t" || character === "\r") {
        position += 1;
      } else {
        break;
      }
    }
  }

  function expect(character: string): void {
    if (source[position] !== character) fail(`expected '${character}' but found ${describe()}`);
    position += 1;
  }

  function parseString(): string {
    const start = position;
    expect("\"");
    while (position < source.length) {
      const character = source[position] as string;
      if (character === "\"") {
        position += 1;
        return JSON.parse(source.slice(start, position)) as string;
      }
      if (character === "\n" || character.charCodeAt(0) < 0x20) fail("a string must end on its own line");
      if (character === "\\") {
        const next = source[position + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(source.slice(position + 2, position + 6))) fail("a \\u escape needs four hex digits");
          position += 6;
          continue;
        }
        if (next === undefined || !"\"\\/bfnrt".includes(next)) {
          position += 1;
          fail(`unknown escape '\\${next ?? ""}'`);
        }
        position += 2;
        continue;
      }
      position += 1;
    }
    return fail("a string is not closed");
  }

  function parseValue(path: readonly string[]): unknown {
    skipSpace();
    const key = path.join(".");
    if (!lines.has(key)) lines.set(key, line);
    const character = source[position];
    if (character === "{") return parseObject(path);
    if (character === "[") return parseArray(path);
    if (character === "\"") return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(source.slice(position, position + 400));
    if (literal === null) fail(`expected a value but found ${describe()}`);
    position += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  }

  function parseObject(path: readonly string[]): Record<string, unknown> {
    expect("{");
    const result: Record<string, unknown> = {};
    skipSpace();
    if (source[position] === "}") {
      position += 1;
      return result;
    }
    for (;;) {
      skipSpace();
      if (source[position] !== "\"") fail(`expected a key in double quotes but found ${describe()}`);
      const keyLine = line;
      const name = parseString();
      const childPath = [...path, name];
      if (Object.hasOwn(result, name)) fail(`the key '${childPath.join(".")}' appears twice`);
      lines.set(childPath.join("."), keyLine);
      skipSpace();
      expect(":");
      Object.defineProperty(result, name, { value: parseValue(childPath), enumerable: true, writable: true, configurable: true });
      skipSpace();
      if (source[position] === ",") {
        position += 1;
        continue;
      }
      if (source[position] === "}") {
        position += 1;
        return result;
      }
      fail(`expected ',' or '}' but found ${describe()}`);
    }
  }

  function parseArray(path: readonly string[]): unknown[] {
    expect("[");
    const result: unknown[] = [];
    skipSpace();
    if (source[position] === "]") {
      position += 1;
      return result;
    }
    for (;;) {
      result.push(parseValue([...path, String(result.length)]));
      skipSpace();
      if (source[position] === ",") {
        position += 1;
        continue;
      }
      if (source[position] === "]") {
        position += 1;
        return result;
      }
      fail(`expected ',' or ']' but found ${describe()}`);
    }
  }

  try {
    const value = parseValue([]);
    skipSpace();
    if (position < source.length) fail(`unexpected ${describe()} after the end of the JSON value`);
    return E.right({ value, lines });
  } catch (error) {
    if (error instanceof Failure) {
      return E.left({ type: "json-syntax-error", line: error.atLine, column: error.atColumn, message: error.message });
    }
    throw error;
  }
}

/** The line of `path`, or of its nearest ancestor present in the text (1 when none is). */
export function lineOf(lines: ReadonlyMap<string, number>, path: string): number {
  const keys = path === "" ? [] : path.split(".");
  for (let length = keys.length; length >= 0; length--) {
    const found = lines.get(keys.slice(0, length).join("."));
    if (found !== undefined) return found;
  }
  return 1;
}

// ---------------------------------------------------------------------------------------------
// checks that need the task registry

/**
 * What the codec cannot know: the task is implemented, generated data names one of the task's
 * difficulties, the student's format exists for the task, continuation updates go with the
 * compact format, a scripted expert exists for the task, and test set names are distinct. Paths
 * point at the field to fix (the one that is written, when a default clashes with it).
 */
export function checkConfig(config: RunConfig, resolved: ResolvedRunConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const task = getTask(resolved.task);
  if (task === undefined) {
    return [{ path: "task", message: `Cannot run the task '${resolved.task}' as it is not implemented yet` }];
  }
  const difficulties = task.difficulties.map((name) => `"${name}"`).join(", ");
  const testInput = config.data?.test;
  const testWritten = testInput === undefined ? undefined : Array.isArray(testInput) ? "array" : "single";
  const sets: [string, (typeof resolved.data.test)[number], boolean][] = [
    ["data.train", resolved.data.train, config.data?.train !== undefined],
    ...resolved.data.test.map((source, index): [string, typeof source, boolean] => [
      testWritten === "array" ? `data.test.${index}` : "data.test",
      source,
      testWritten !== undefined,
    ]),
  ];
  for (const [path, source, written] of sets) {
    if (source.source === "generate" && !task.difficulties.includes(source.difficulty)) {
      issues.push({
        path: written ? `${path}.difficulty` : "task",
        message: task.difficulties.length === 0
          ? `Cannot generate '${resolved.task}' problems as the task has no generator: give them as a file ({"source": "file", "path": …}: a BIG-Bench-Hard task file or official TriPosT rows)`
          : `Cannot generate '${resolved.task}' problems of the difficulty "${source.difficulty}": expected one of ${difficulties}`,
      });
    }
  }
  const names = new Set<string>();
  resolved.data.test.forEach((source, index) => {
    if (names.has(source.name)) {
      issues.push({ path: `data.test.${index}.name`, message: `Cannot use the test set name "${source.name}" twice` });
    }
    names.add(source.name);
  });
  if (resolved.student.format === "compact" && task.compact === undefined) {
    issues.push({
      path: typeof config.student === "object" && config.student.format !== undefined ? "student.format" : "student",
      message: `Cannot use the compact format as the task '${resolved.task}' has none: use "tripost"`,
    });
  }
  if (resolved.student.updates === "continuation" && resolved.student.format !== "compact") {
    issues.push({
      path: "student.updates",
      message: `Cannot write updates as continuations in the ${resolved.student.format} format: "continuation" needs "format": "compact"`,
    });
  }
  if (resolved.expert === "scripted" && (task.critique === undefined || task.improve === undefined)) {
    issues.push({
      path: "expert",
      message: `Cannot use the scripted expert as the task '${resolved.task}' has none: configure an endpoint`,
    });
  }
  issues.push(...checkTrainer(config));
  return issues;
}

/**
 * The rules of an external trainer (README "External trainers"): it trains TriPosT's student
 * only, so `baselines` must be empty; an embedded student takes the trainer's output directory
 * as its next checkpoint, so `reload` is for HTTP students, where it must be said; `loraName`
 * and `loraPath` go with `reload: "vllm-lora"`.
 */
function checkTrainer(config: RunConfig): ConfigIssue[] {
  const trainer = config.trainer;
  const studentSpec = typeof config.student === "string" ? config.student : config.student?.spec;
  if (trainer === undefined) {
    // The embedded trainer trains embedded students only: an HTTP student can never run without one.
    return studentSpec !== undefined && /^https?:\/\//.test(studentSpec)
      ? [{
        path: typeof config.student === "string" ? "student" : "student.spec",
        message: "Cannot train an HTTP student without an external trainer (the embedded trainer trains embedded students only): add 'trainer' (see fixtures/configs/external-trainer.json)",
      }]
      : [];
  }
  const issues: ConfigIssue[] = [];
  if (config.baselines !== undefined && config.baselines.length > 0) {
    issues.push({
      path: "baselines",
      message: "Cannot run baselines with an external trainer as it trains TriPosT's student only: use \"baselines\": [] (or leave it out)",
    });
  }
  const spec = typeof config.student === "string" ? config.student : config.student?.spec;
  const embedded = spec === undefined || spec.startsWith("embedded:");
  if (embedded && trainer.reload !== undefined) {
    issues.push({
      path: "trainer.reload",
      message: "Cannot use 'trainer.reload' with an embedded student: the trainer's output directory {out} becomes the next student (embedded:{out})",
    });
  }
  if (!embedded && trainer.reload === undefined) {
    issues.push({
      path: "trainer",
      message: "Cannot train an HTTP student externally without 'trainer.reload': say how the next iteration reaches the new model " +
        "(\"vllm-lora\", \"none\" or {\"model\": \"name-{iteration}\"})",
    });
  }
  for (const key of ["loraName", "loraPath"] as const) {
    if (trainer[key] !== undefined && trainer.reload !== "vllm-lora") {
      issues.push({ path: `trainer.${key}`, message: `Cannot use 'trainer.${key}' unless 'trainer.reload' is "vllm-lora"` });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// loading

/** Options for {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** The directory a relative path is read from. @default {process.cwd()} */
  readonly cwd?: string;
}

/**
 * Parses and checks a config's text. `file` is the name errors use.
 *
 * @throws {InputError} naming the file, the line and the field path of the first issue
 */
export function parseConfigText(file: string, text: string): RunConfig {
  const located = locateJson(text);
  if (E.isLeft(located)) {
    const { line, column, message } = located.left;
    throw new InputError({ file, line }, `Cannot read the config as it is not valid JSON: ${message} (column ${column})`);
  }
  const decoded = decodeConfig(located.right.value);
  const issues = E.isLeft(decoded) ? decoded.left : checkConfig(decoded.right, resolveConfig(decoded.right));
  const first = issues[0];
  if (first !== undefined) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1).map((issue) => issue.path || "<root>").join(", ")})` : "";
    throw new InputError(
      { file, line: lineOf(located.right.lines, first.path), ...(first.path === "" ? {} : { field: first.path }) },
      `${first.message}${more}`,
    );
  }
  if (E.isLeft(decoded)) throw new Error("unreachable");
  return decoded.right;
}

/**
 * Reads a run config from a JSON file.
 *
 * @throws {InputError} when the file cannot be read, is not JSON, or holds a bad field: the
 * message names the file, the line and the field path, e.g.
 * `run.json:line 7: Cannot accept 'expert.concurrency' as it must be an integer ≥ 1: current value is 0`
 *
 * @example
 * ```ts
 * const config = resolveConfig(await loadConfig("fixtures/configs/embedded.json"));
 * assertEquals(config.expert, "scripted");
 * ```
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<RunConfig> {
  const { cwd = process.cwd() } = options;
  let text: string;
  try {
    text = await readFile(resolveShipped(cwd, path), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({ file: path }, code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? "unknown error"})`, { cause: error });
  }
  return parseConfigText(path, text);
}
