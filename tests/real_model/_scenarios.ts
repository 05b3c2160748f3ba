/**
 * The runs of `tripost` against the real model (SmolLM2-135M-Instruct on llama-cpp-python's
 * server, `scripts/serve-real-model`): the same list drives the live test
 * (`npm run test:real-model`, `real_model_live.ts`), which records each run's wire exchanges
 * and outputs, and the replay test (`real_model_replay_test.ts`), which runs it again against
 * the recorded exchanges alone and expects the same outputs.
 */
import type { HttpEndpoint } from "../../src/models/http_model.js";

/** The served model name (`--model_alias` of `scripts/serve-real-model`). */
export const REAL_MODEL_NAME = "smollm2-135m-instruct";

/**
 * How a scenario is run: a `tripost` command line, or the library's `evaluate` with the student
 * over an endpoint the CLI cannot name (chat), or streamed (server-sent events).
 */
export type ScenarioRun =
  | { readonly kind: "cli"; readonly argv: (urls: { student: string; expert: string }, input: string, out: string) => string[] }
  | {
    readonly kind: "library-eval";
    readonly task: "multistep_arithmetic" | "date_understanding";
    readonly endpoint: HttpEndpoint;
    readonly stream?: boolean;
  };

/** One run. */
export interface Scenario {
  /** Its folder under `fixtures/real-model/`. */
  readonly name: string;
  readonly task: "multistep_arithmetic" | "date_understanding";
  /** `eval` writes predictions and metrics; `collect` trajectories, rejections, training data and stats. */
  readonly command: "eval" | "collect";
  /** What the model is: the student, or the student and the expert (over which endpoint). */
  readonly role: string;
  /**
   * Who the student is: the real model, or `wrong-attempts` (`_wrong_student.ts`: well-formed
   * wrong attempts from the official rationales, so that the real model as the expert has
   * attempts to judge and improve).
   */
  readonly student: "real" | "wrong-attempts";
  /** The problems: generated multistep arithmetic, BIG-Bench-Hard date understanding, or official date-understanding rows. */
  readonly input: "msa" | "du-bbh" | "du-official";
  readonly run: ScenarioRun;
}

const student = (url: string) => ["--student", url, "--student-model", REAL_MODEL_NAME];
// One call at a time: the server answers one at a time anyway, and a call queued behind another
// could outlive the expert's fixed 120 s timeout on a slow machine (the CLI's --timeout-ms is the
// student's).
const common = ["--seed", "0", "--concurrency", "1", "--max-retries", "0", "--timeout-ms", "600000", "--quiet"];

function evalCli(task: Scenario["task"]): ScenarioRun {
  return {
    kind: "cli",
    argv: (urls, input, out) => ["eval", "--task", task, ...student(urls.student), "--format", "tripost", "--in", input, "--out", out, "--max-tokens", "256", ...common],
  };
}

function collectCli(task: Scenario["task"], expert: "scripted" | HttpEndpoint): ScenarioRun {
  return {
    kind: "cli",
    argv: (urls, input, out) => [
      "collect", "--task", task, ...student(urls.student), "--format", "tripost",
      ...(expert === "scripted" ? ["--expert", "scripted"] : ["--expert", urls.expert, "--expert-model", REAL_MODEL_NAME, "--expert-endpoint", expert]),
      "--in", input, "--out", out, "--max-tokens", "256", ...common,
    ],
  };
}

/** Every scenario, in the order the live test runs them. */
export const SCENARIOS: readonly Scenario[] = [
  { name: "msa-eval-completions", task: "multistep_arithmetic", command: "eval", role: "student (completions)", student: "real", input: "msa", run: evalCli("multistep_arithmetic") },
  { name: "du-eval-completions", task: "date_understanding", command: "eval", role: "student (completions)", student: "real", input: "du-bbh", run: evalCli("date_understanding") },
  {
    name: "msa-eval-chat", task: "multistep_arithmetic", command: "eval", role: "student (chat)", student: "real", input: "msa",
    run: { kind: "library-eval", task: "multistep_arithmetic", endpoint: "chat" },
  },
  {
    name: "du-eval-chat", task: "date_understanding", command: "eval", role: "student (chat)", student: "real", input: "du-bbh",
    run: { kind: "library-eval", task: "date_understanding", endpoint: "chat" },
  },
  {
    name: "msa-eval-completions-stream", task: "multistep_arithmetic", command: "eval", role: "student (completions, streamed)", student: "real", input: "msa",
    run: { kind: "library-eval", task: "multistep_arithmetic", endpoint: "completions", stream: true },
  },
  {
    name: "du-eval-chat-stream", task: "date_understanding", command: "eval", role: "student (chat, streamed)", student: "real", input: "du-bbh",
    run: { kind: "library-eval", task: "date_understanding", endpoint: "chat", stream: true },
  },
  {
    name: "msa-collect-scripted", task: "multistep_arithmetic", command: "collect", role: "student (completions), scripted expert", student: "real", input: "msa",
    run: collectCli("multistep_arithmetic", "scripted"),
  },
  {
    name: "du-collect-student-and-expert", task: "date_understanding", command: "collect", role: "student and expert (completions)", student: "real", input: "du-official",
    run: collectCli("date_understanding", "completions"),
  },
  {
    name: "du-collect-expert-completions", task: "date_understanding", command: "collect", role: "expert (completions)", student: "wrong-attempts", input: "du-official",
    run: collectCli("date_understanding", "completions"),
  },
  {
    name: "du-collect-expert-chat", task: "date_understanding", command: "collect", role: "expert (chat)", student: "wrong-attempts", input: "du-official",
    run: collectCli("date_understanding", "chat"),
  },
  {
    name: "du-collect-expert-chat-prefill", task: "date_understanding", command: "collect", role: "expert (chat-prefill)", student: "wrong-attempts", input: "du-official",
    run: collectCli("date_understanding", "chat-prefill"),
  },
];

/** The output files of a command that the replay compares (JSONL compared as sorted lines). */
export function outputFiles(command: Scenario["command"]): readonly string[] {
  return command === "eval" ? ["predictions.jsonl"] : ["trajectories.jsonl", "rejections.jsonl", "train.jsonl"];
}
