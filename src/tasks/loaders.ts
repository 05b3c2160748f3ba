/**
 * Problems from the three input kinds `--in` accepts (`contract.md`): our problem JSONL, the
 * official TriPosT data rows, and BIG-Bench-Hard task files. Pure functions over parsed JSON:
 * reading the files is the caller's business.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import { Problem, type TaskName } from "../codecs/problem.js";
import { bucketOf } from "./buckets.js";
import { normaliseOptionLines } from "./multiple_choice/options.js";

/** Why a record could not become a problem: a message and the field at fault. */
export interface LoadFailure {
  readonly type: "load-failure";
  readonly field?: string;
  readonly message: string;
}

const OfficialRow = t.intersection([
  t.type({ text: t.string }),
  t.partial({
    text_att_start_text: t.string,
    meta_data: t.partial({
      question: t.string,
      rationale: t.string,
      answer: t.union([t.string, t.number, t.array(t.string)]),
      formatted_choices: t.string,
    }),
  }),
], "OfficialRow");

const BbhFile = t.type({
  examples: t.array(t.type({ input: t.string, target: t.string })),
}, "BigBenchHardFile");

/** Whether a parsed JSON line looks like an official TriPosT row rather than a problem record. */
export function isOfficialRow(record: unknown): boolean {
  return typeof record === "object" && record !== null && "text" in record && !("question" in record);
}

/** Whether a parsed JSON document is a BIG-Bench-Hard task file. */
export function isBigBenchHardFile(document: unknown): boolean {
  return typeof document === "object" && document !== null && Array.isArray((document as { examples?: unknown }).examples);
}

function fail(message: string, field?: string): E.Either<LoadFailure, never> {
  return E.left(field === undefined ? { type: "load-failure", message } : { type: "load-failure", field, message });
}

function withBucket(task: TaskName, problem: Problem, rationale?: string): Problem {
  if (problem.split !== undefined && problem.meta?.["bucket"] !== undefined) return problem;
  const bucket = bucketOf(task, problem.question, rationale);
  if (bucket === undefined) return problem;
  return {
    ...problem,
    split: problem.split ?? bucket.split,
    meta: { ...problem.meta, bucket: problem.meta?.["bucket"] ?? bucket.bucket },
  };
}

/**
 * A problem record (our JSONL format); its `task` must be `task`. A missing split and bucket are
 * filled in by the paper's rules.
 */
export function problemFromRecord(task: TaskName, record: unknown): E.Either<LoadFailure, Problem> {
  const decoded = decodeWith(Problem)(record);
  if (E.isLeft(decoded)) return fail(describeFailure(decoded.left), decoded.left.paths[0]);
  if (decoded.right.task !== task) {
    return fail(`expected task '${task}', got '${decoded.right.task}'`, "task");
  }
  const rationale = decoded.right.meta?.["rationale"];
  return E.right(withBucket(task, decoded.right, typeof rationale === "string" ? rationale : undefined));
}

function normaliseAnswer(answer: string | number | string[]): string {
  if (Array.isArray(answer)) return answer.join(" ");
  return String(answer).trim().replace(/^\(([A-Z])\)$/, "$1");
}

/**
 * An official TriPosT row (`{text, text_att_start_text, meta_data}`) as a problem. The question is
 * the text between `Q: ` and `\nAnswer:` (options included); the answer comes from
 * `meta_data.answer`, or from the text after `Answer: ` in answer-only rows. `id` is given by the
 * caller (file name and line).
 */
export function problemFromOfficialRow(task: TaskName, record: unknown, id: string): E.Either<LoadFailure, Problem> {
  const decoded = decodeWith(OfficialRow)(record);
  if (E.isLeft(decoded)) return fail(describeFailure(decoded.left), decoded.left.paths[0]);
  const row = decoded.right;
  if (!row.text.startsWith("Q: ")) return fail("expected the text to start with 'Q: '", "text");
  const answerAt = row.text.indexOf("\nAnswer:");
  if (answerAt < 0) return fail("expected an '\\nAnswer:' line in the text", "text");
  const question = row.text.slice(3, answerAt);
  const meta = row.meta_data ?? {};
  let answer: string;
  if (meta.answer !== undefined) {
    answer = normaliseAnswer(meta.answer);
  } else {
    const lastLine = row.text.slice(answerAt + "\nAnswer:".length).trim();
    const finalMatch = /the answer is:? ?(.*?)\.?$/.exec(lastLine.split("\n").at(-1) ?? "");
    answer = normaliseAnswer(finalMatch?.[1] ?? lastLine);
  }
  if (answer === "") return fail("expected a non-empty answer", "meta_data.answer");
  const problem: Problem = {
    id,
    task,
    question,
    answer,
    meta: meta.rationale === undefined ? {} : { rationale: meta.rationale },
  };
  return E.right(withBucket(task, problem, meta.rationale));
}

/**
 * Turns a BIG-Bench-Hard input into our question text: word sorting puts `List:` on its own line;
 * the multiple-choice tasks put `Options:` and each option on its own line, and logical deduction
 * ends each option with a period, as the official rows do.
 */
function questionFromBbh(task: TaskName, input: string): string {
  if (task === "word_sorting") return input.replace(/:\s*List:\s*/, ":\nList: ");
  if (task === "date_understanding") return normaliseOptionLines(input);
  if (task === "logical_deduction") return normaliseOptionLines(input, { periods: true });
  return input;
}

/**
 * The problems of a BIG-Bench-Hard task file (`{"examples": [{"input", "target"}]}`). Ids are
 * `<prefix>-<index>`; multiple-choice targets `(B)` become `B`.
 */
export function problemsFromBigBenchHard(
  task: TaskName,
  document: unknown,
  prefix: string,
): E.Either<LoadFailure, Problem[]> {
  const decoded = decodeWith(BbhFile)(document);
  if (E.isLeft(decoded)) return fail(describeFailure(decoded.left), decoded.left.paths[0]);
  return E.right(decoded.right.examples.map((example, index) =>
    withBucket(task, {
      id: `${prefix}-${index}`,
      task,
      question: questionFromBbh(task, example.input),
      answer: normaliseAnswer(example.target),
    })
  ));
}
