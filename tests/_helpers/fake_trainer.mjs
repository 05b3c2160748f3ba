#!/usr/bin/env node
/**
 * A stand-in for an external trainer (TRL, axolotl, …) in the `tripost run` tests. It reads the
 * exported training file, checks every row against the export format it was told, and writes an
 * adapter directory shaped like a PEFT one (`adapter_config.json`) with a `manifest.json` that
 * counts the rows. It prints to stdout and stderr so the tests can see the streamed output.
 *
 *   node fake_trainer.mjs --data FILE --out DIR --format spans|openai|trl|tripost
 *     [--iteration N] [--base B] [--copy-from DIR] [--exit CODE] [--sleep MS]
 *
 * `--copy-from DIR` copies a checkpoint directory into DIR (an "embedded" trainer that returns
 * the model it was given); `--exit CODE` fails after printing; `--sleep MS` waits first. Each
 * flag must equal its `TRIPOST_*` environment variable when that is set.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

function flags(argv) {
  const values = {};
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    if (!name?.startsWith("--") || argv[index + 1] === undefined) throw new Error(`bad arguments at '${name}'`);
    values[name.slice(2)] = argv[index + 1];
  }
  return values;
}

function fail(message) {
  process.stderr.write(`fake trainer: ${message}\n`);
  process.exit(2);
}

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** Why a row does not fit the format, or undefined. */
function problemOf(row, format) {
  if (!isObject(row)) return "not an object";
  if (format === "spans") {
    if (typeof row.text !== "string" || !Array.isArray(row.spans) || row.spans.length === 0) return "expected {text, spans}";
    let at = 0;
    for (const span of row.spans) {
      if (span.start !== at || !(span.end >= span.start) || typeof span.weight !== "number") return `span ${JSON.stringify(span)} does not continue at ${at}`;
      at = span.end;
    }
    return at === row.text.length ? undefined : `spans end at ${at}, the text at ${row.text.length}`;
  }
  if (format === "openai") {
    if (!Array.isArray(row.messages) || row.messages[0]?.role !== "user") return "expected {messages} starting with a user message";
    return row.messages.slice(1).every((message) => message.role === "assistant" && (message.weight === 0 || message.weight === 1))
      ? undefined
      : "expected assistant messages weighted 0 or 1";
  }
  if (format === "trl") return typeof row.prompt === "string" && typeof row.completion === "string" ? undefined : "expected {prompt, completion}";
  if (format === "tripost") {
    return typeof row.text === "string" && typeof row.text_att_start_text === "string" && isObject(row.meta_data)
      ? undefined
      : "expected {text, text_att_start_text, meta_data}";
  }
  return `unknown format '${format}'`;
}

const options = flags(process.argv.slice(2));
for (const name of ["data", "out", "iteration", "base", "format"]) {
  const variable = process.env[`TRIPOST_${name === "format" ? "EXPORT" : name.toUpperCase()}`];
  if (variable !== undefined && options[name] !== undefined && variable !== options[name]) {
    fail(`--${name} ${options[name]} differs from the environment's ${variable}`);
  }
}
if (options.data === undefined || options.out === undefined || options.format === undefined) fail("--data, --out and --format are required");
if (options.sleep !== undefined) await new Promise((resolve) => setTimeout(resolve, Number(options.sleep)));

const lines = readFileSync(options.data, "utf8").split("\n").filter((line) => line !== "");
lines.forEach((line, index) => {
  const problem = problemOf(JSON.parse(line), options.format);
  if (problem !== undefined) fail(`${options.data}:line ${index + 1}: ${problem}`);
});
process.stdout.write(`fake trainer: iteration ${options.iteration ?? "?"}, ${lines.length} ${options.format} rows from ${options.data}\n`);
process.stderr.write(`fake trainer: base ${options.base ?? "?"}\n`);

if (options.exit !== undefined && options.exit !== "0") {
  process.stderr.write(`fake trainer: giving up with exit code ${options.exit}\n`);
  process.exit(Number(options.exit));
}

mkdirSync(options.out, { recursive: true });
if (options["copy-from"] !== undefined) cpSync(options["copy-from"], options.out, { recursive: true });
writeFileSync(`${options.out}/adapter_config.json`, `${JSON.stringify({ peft_type: "LORA", r: 8, base_model_name_or_path: options.base ?? null })}\n`);
writeFileSync(
  `${options.out}/trainer_manifest.json`,
  `${JSON.stringify({ iteration: Number(options.iteration), rows: lines.length, format: options.format, data: options.data, base: options.base ?? null })}\n`,
);
process.stdout.write(`fake trainer: wrote ${options.out}\n`);
