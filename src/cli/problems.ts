import { booleanFlag, type ParsedArgs, numberFlag, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { toJsonl, writeOutput } from "./_output.js";
import { FORCE_FLAG, prepareOutFile } from "./_out_dir.js";
import { taskFromFlag } from "./_task.js";
import { UsageError } from "../errors.js";
import type { Split } from "../codecs/problem.js";
import { hasGenerator } from "../tasks/task.js";
import { MAX_PROBLEMS } from "../codecs/config.js";

/** `tripost problems`: seeded problems of a task as JSONL. */
export const problemsCommand: Command = {
  name: "problems",
  summary: "generate seeded problems of a task as JSONL",
  usage: "tripost problems --task T --count N [--seed S] [--split seen|unseen|all] [--difficulty D] [--out FILE]",
  flags: {
    task: { type: "string", description: "the task", placeholder: "T", required: true },
    count: { type: "number", description: "how many problems", placeholder: "N", required: true, integer: true, min: 0, max: MAX_PROBLEMS },
    seed: { type: "number", description: "the generator's seed", placeholder: "S", integer: true, defaultText: "0" },
    split: {
      type: "string",
      description: "trained-on (seen) or test-only (unseen) problems",
      choices: ["seen", "unseen", "all"],
      defaultText: "the difficulty's own (official: all)",
    },
    difficulty: {
      type: "string",
      description: "official (the paper's distribution) or an easier level (multistep_arithmetic: easy, medium)",
      placeholder: "D",
      defaultText: "official",
    },
    out: { type: "string", description: "write to FILE instead of stdout", placeholder: "FILE" },
    ...FORCE_FLAG,
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const task = taskFromFlag(stringFlag(args.flags, "task") as string);
    if (!hasGenerator(task)) {
      throw new UsageError(
        `Cannot generate '${task.name}' problems as the task has no generator: pass a BIG-Bench-Hard task file or official TriPosT rows with --in to the command that reads problems (collect, eval, run)`,
      );
    }
    const difficulty = stringFlag(args.flags, "difficulty") ?? "official";
    if (!task.difficulties.includes(difficulty)) {
      throw new UsageError(
        `Cannot use '--difficulty ${difficulty}' as it must be one of ${task.difficulties.join(", ")}: current value is '${difficulty}'`,
      );
    }
    const outFlag = stringFlag(args.flags, "out");
    if (outFlag !== undefined) prepareOutFile(io, outFlag, { command: "problems", force: booleanFlag(args.flags, "force") });
    const split = stringFlag(args.flags, "split") as Split | "all" | undefined;
    const problems = task.generate({
      count: numberFlag(args.flags, "count") as number,
      seed: numberFlag(args.flags, "seed") ?? 0,
      difficulty,
      ...(split === undefined ? {} : { split }),
    });
    await writeOutput(io, stringFlag(args.flags, "out"), toJsonl(problems));
  },
};
