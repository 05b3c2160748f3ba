/**
 * A student that writes well-formed wrong attempts, for the scenarios where the real model is the
 * *expert*: SmolLM2-135M-Instruct, untuned, almost never writes the official format as a student,
 * so its attempts end as `format-error` before any expert call. This student answers each
 * date-understanding prompt with the problem's gold rationale (official rows carry it) made wrong:
 * the date of its last step replaced by the date of another option, and the final letter by that
 * option's (a content-consistent wrong answer whose error is in that step); when the gold date is
 * not found there, only the final letter changes. Deterministic, so replays reproduce it.
 */
import * as E from "fp-ts/lib/Either.js";
import type { Problem } from "../../src/codecs/problem.js";
import { dateUnderstanding } from "../../src/tasks/date_understanding/mod.js";
import { parseOptions } from "../../src/tasks/multiple_choice/options.js";
import { formatFor } from "../../src/tasks/trajectory_format.js";
import { listenLocal, readBody } from "../_helpers/local_server.js";
import type { LocalServer } from "./_wire_cassette.js";

/** The wrong attempt for a problem (see the module comment). */
export function wrongAttempt(problem: Problem): string {
  const gold = dateUnderstanding.solve(problem);
  const options = parseOptions(problem.question);
  if (E.isLeft(options)) throw new Error(`${problem.id}: ${options.left.message}`);
  const goldLetter = problem.answer.replace(/[()]/g, "");
  const goldOption = options.right.options.find((option) => option.letter === goldLetter);
  const wrong = options.right.options.find((option) => option.letter !== goldLetter && /^\d\d\/\d\d\/\d{4}$/.test(option.text.trim()));
  if (goldOption === undefined || wrong === undefined) throw new Error(`${problem.id}: no gold or wrong option`);
  const lines = gold.split("\n");
  const last = lines.length - 2;
  const step = lines[last] ?? "";
  if (last >= 0 && step.includes(goldOption.text.trim())) lines[last] = step.split(goldOption.text.trim()).join(wrong.text.trim());
  lines[lines.length - 1] = (lines[lines.length - 1] ?? "").replace(`(${goldLetter})`, `(${wrong.letter})`);
  return lines.join("\n");
}

/** A `/v1/completions` server on 127.0.0.1 that answers each problem's student prompt with its wrong attempt. */
export async function startWrongStudent(problems: readonly Problem[]): Promise<LocalServer> {
  const format = formatFor(dateUnderstanding, "tripost");
  if (E.isLeft(format)) throw new Error(format.left);
  const answers = new Map(problems.map((problem) => [format.right.prompt(problem), wrongAttempt(problem)]));
  const misses: string[] = [];
  let calls = 0;
  const { url, close } = await listenLocal((incoming, outgoing) => {
    void readBody(incoming).then((text) => {
      calls++;
      const prompt = (JSON.parse(text) as { prompt?: unknown }).prompt;
      const answer = typeof prompt === "string" ? answers.get(prompt) : undefined;
      if (answer === undefined || incoming.url !== "/v1/completions") {
        misses.push(String(prompt).slice(0, 200));
        outgoing.writeHead(500, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ error: { message: "not a first-attempt prompt of a known problem", type: "server_error", param: null, code: null } }));
        return;
      }
      outgoing.writeHead(200, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({
        id: "cmpl-wrong-student",
        object: "text_completion",
        created: 0,
        model: "wrong-student",
        choices: [{ index: 0, text: answer, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      }));
    });
  });
  return {
    url,
    get calls() {
      return calls;
    },
    get misses() {
      return misses;
    },
    abandoned: [],
    close,
  };
}
