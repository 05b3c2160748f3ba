import * as E from "fp-ts/lib/Either.js";
import { Attempt } from "../codecs/attempt.js";
import type { Critique } from "../codecs/critique.js";
import type { Problem } from "../codecs/problem.js";
import { UsageError } from "../errors.js";
import { booleanFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { decodeLine, parseJsonlText, readInputText } from "./_input.js";
import { toJsonl, writeOutput } from "./_output.js";
import { FORCE_FLAG, prepareOutFile } from "./_out_dir.js";
import { taskFromFlag } from "./_task.js";
import type { Task } from "../tasks/task.js";

/**
 * The problem an attempt answers. Without a gold answer in the record, a task with a gold
 * solver (the scripted ones) works it out from the question.
 */
function problemOf(task: Task, attempt: Attempt): Problem {
  const problem: Problem = { id: attempt.id, task: task.name, question: attempt.question, answer: attempt.answer ?? "" };
  if (attempt.answer !== undefined) return problem;
  const solved = E.tryCatch(() => task.extractAnswer(task.solve(problem)), () => undefined);
  return E.isRight(solved) && solved.right !== undefined ? { ...problem, answer: solved.right } : problem;
}

/** `tripost critique`: the expert's feedback on each attempt of a JSONL file. */
export const critiqueCommand: Command = {
  name: "critique",
  summary: "judge attempts with the expert: the first wrong step, its segment and the feedback line",
  usage: "tripost critique --task T [--expert MODEL] [--format tripost|compact] [--in FILE] [--out FILE]",
  flags: {
    task: { type: "string", description: "the task", placeholder: "T", required: true },
    expert: { type: "string", description: "the expert model spec", placeholder: "MODEL", defaultText: "scripted" },
    format: {
      type: "string",
      description: "the format the attempts are written in",
      choices: ["tripost", "compact"],
      defaultText: "tripost",
    },
    in: { type: "string", description: "attempt JSONL (stdin when absent)", placeholder: "FILE" },
    out: { type: "string", description: "write to FILE instead of stdout", placeholder: "FILE" },
    ...FORCE_FLAG,
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    const task = taskFromFlag(stringFlag(args.flags, "task") as string);
    const expert = stringFlag(args.flags, "expert") ?? "scripted";
    const format = stringFlag(args.flags, "format") ?? "tripost";
    if (expert !== "scripted") {
      throw new UsageError(`Cannot use '--expert ${expert}' for 'tripost critique' yet: only 'scripted' is supported`);
    }
    const critic = task.critique;
    if (critic === undefined) {
      throw new UsageError(`Cannot use the scripted expert as task '${task.name}' has none: name an LLM expert with --expert URL`);
    }
    const compact = task.compact;
    if (format === "compact" && compact === undefined) {
      throw new UsageError(`Cannot read compact attempts as task '${task.name}' has no compact format`);
    }
    const outFlag = stringFlag(args.flags, "out");
    if (outFlag !== undefined) prepareOutFile(io, outFlag, { command: "critique", force: booleanFlag(args.flags, "force"), inputs: [stringFlag(args.flags, "in")] });
    const { name, text } = await readInputText(io, stringFlag(args.flags, "in"));
    const critiques: Critique[] = [];
    for (const input of parseJsonlText(name, text)) {
      const attempt: Attempt = decodeLine(Attempt, name, input);
      const problem = problemOf(task, attempt);
      const official = format === "compact" && compact !== undefined
        ? compact.toTripost(problem, attempt.attempt)
        : E.right(attempt.attempt);
      const verdict = E.isLeft(official) ? official : critic(problem, official.right);
      critiques.push(
        E.isLeft(verdict)
          ? { id: attempt.id, correct: false, errorStep: null, errorSegment: null, feedback: "[ERROR]" }
          : { id: attempt.id, ...verdict.right },
      );
    }
    await writeOutput(io, stringFlag(args.flags, "out"), toJsonl(critiques));
  },
};
