import * as E from "fp-ts/lib/Either.js";
import { TrainingExample } from "../codecs/training_example.js";
import { InputError } from "../errors.js";
import type { ExportError, ExportTextFormat } from "../exports/_split.js";
import { toOpenAiChat } from "../exports/to_openai_chat.js";
import { toSpansRow } from "../exports/to_spans_row.js";
import { toTripostRow } from "../exports/to_tripost_row.js";
import { toTrlRow } from "../exports/to_trl_row.js";
import { booleanFlag, numberFlag, type ParsedArgs, stringFlag } from "./_args.js";
import { FORCE_FLAG, prepareOutFile } from "./_out_dir.js";
import type { CliIo, Command } from "./_command.js";
import { decodeLine, parseJsonlText, readInputText } from "./_input.js";
import { toJsonl, writeOutput } from "./_output.js";

/** The export targets of `tripost export`. */
export const EXPORT_TARGETS = ["tripost", "openai", "trl", "spans"] as const;

interface NumberedExample {
  readonly line: number;
  readonly example: TrainingExample;
}

/** Training examples with their line numbers; a bad line is an InputError naming file, line and field. */
async function readNumberedExamples(io: CliIo, path: string): Promise<{ name: string; examples: NumberedExample[] }> {
  const { name, text } = await readInputText(io, path);
  const examples: NumberedExample[] = [];
  for (const input of parseJsonlText(name, text)) {
    const example: TrainingExample = decodeLine(TrainingExample, name, input);
    if (!Number.isInteger(example.weightFrom) || example.weightFrom < 0 || example.weightFrom > example.text.length) {
      throw new InputError({ file: name, line: input.line, field: "weightFrom" }, `expected an offset within the text, got ${example.weightFrom}`);
    }
    examples.push({ line: input.line, example });
  }
  return { name, examples };
}

function inputError(file: string, line: number | undefined, error: ExportError): InputError {
  return new InputError(line === undefined ? { file, field: error.field } : { file, line, field: error.field }, error.message);
}

/** `tripost export`: training JSONL → a training file for another trainer. */
export const exportCommand: Command = {
  name: "export",
  summary: "export training JSONL for another trainer (official rows, OpenAI, TRL, weight spans)",
  usage: "tripost export --to tripost|openai|trl|spans --in FILE --out FILE [--seed S] [--format tripost|compact]",
  flags: {
    to: { type: "string", description: "the target format", placeholder: "T", required: true, choices: EXPORT_TARGETS },
    in: { type: "string", description: "training JSONL ({id, kind, text, weightFrom, weight})", placeholder: "FILE", required: true },
    out: { type: "string", description: "the exported JSONL (written atomically)", placeholder: "FILE", required: true },
    seed: { type: "number", description: "seed of the openai up-sampling", placeholder: "S", integer: true, defaultText: "0" },
    format: {
      type: "string",
      description: "the texts' format (feedback anchor, prompt end)",
      choices: ["tripost", "compact"],
      defaultText: "per text: tripost when it starts with 'Q:'",
    },
    ...FORCE_FLAG,
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const target = stringFlag(args.flags, "to") as (typeof EXPORT_TARGETS)[number];
    const format = stringFlag(args.flags, "format") as ExportTextFormat | undefined;
    const formatOption = format === undefined ? {} : { format };
    const seed = numberFlag(args.flags, "seed") ?? 0;
    prepareOutFile(io, stringFlag(args.flags, "out") as string, { command: "export", force: booleanFlag(args.flags, "force"), inputs: [stringFlag(args.flags, "in")] });
    const { name, examples } = await readNumberedExamples(io, stringFlag(args.flags, "in") as string);
    let rows: unknown[];
    let note: string;
    if (target === "openai") {
      const exported = toOpenAiChat(examples.map((item) => item.example), { seed, ...formatOption });
      if (E.isLeft(exported)) throw inputError(name, examples[exported.left.index]?.line, exported.left);
      const { extraRows, dropped } = exported.right;
      rows = exported.right.rows;
      note = `openai: weights are 0/1 per assistant message; w is approximated by up-sampling (seeded stochastic rounding, seed ${seed}): ` +
        `${examples.length} examples → ${rows.length} rows (${extraRows} extra copies, ${dropped} dropped); the prompt (user message) is not trained`;
    } else if (target === "tripost") {
      rows = examples.map(({ line, example }) => {
        const row = toTripostRow(example, formatOption);
        if (E.isLeft(row)) throw inputError(name, line, row.left);
        return row.right;
      });
      note = "tripost: one global w from text_att_start_text (the trainer's self_improve_section_weight); per-example weight and weightBefore kept only in meta_data";
    } else if (target === "trl") {
      rows = examples.map(({ example }) => toTrlRow(example, formatOption));
      note = "trl: prompt–completion rows; the weights are lost (TRL SFT has none), weighted examples are cut at weightFrom";
    } else {
      rows = examples.map(({ example }) => toSpansRow(example));
      note = "spans: exact (per-character weights)";
    }
    io.stderr.write(`tripost export: ${note}\n`);
    await writeOutput(io, stringFlag(args.flags, "out") as string, toJsonl(rows));
  },
};
