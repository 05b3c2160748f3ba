/**
 * Collection benchmark (`npm run bench:pipeline`): problems per second and peak memory of one
 * iteration's collection — rollouts, edits with the scripted expert, split, rebalance, files —
 * of N multistep arithmetic problems (official format) through a fast local HTTP student.
 *
 * The student is an OpenAI-compatible server in a child process (its CPU and memory are not
 * charged to the collection): it reads the question from the prompt and answers with the gold
 * rationale, or (by a hash of the question) with a wrong final step (the expert edits it) or a
 * malformed text (a rejection). Each collection runs in a child process of its own, so its peak
 * RSS (`process.resourceUsage().maxRSS`) is its own; the problems come from a JSONL file.
 *
 * Implementations:
 * - `current`: `collectToDirectory` with the problems streamed from the file (`readJsonl`);
 * - `cli`: the command `tripost collect --task multistep_arithmetic --student URL --expert
 *   scripted --in FILE` (the same collection, with the CLI's input checks, journal of the expert,
 *   usage meter and `stats.json`), as its own process; its peak RSS and heap are reported by a
 *   preloaded module when it exits;
 * - `previous`: the code before the composed pipeline, when `BENCH_PREVIOUS_DIST` names the
 *   `dist/` of its build (`git worktree add ../base 05d4dbc && (cd ../base && npx tsc -p
 *   tsconfig.build.json)`): its `collectIteration` over the problems as an array, then the files.
 *
 * Environment: BENCH_SIZES (default `10000,100000`; add `1000000` for the full scale),
 * BENCH_IMPLEMENTATIONS (default `current,cli,previous`; `previous` runs only with
 * BENCH_PREVIOUS_DIST),
 * BENCH_PREVIOUS_DIST (optional), BENCH_PREVIOUS_MAX (the largest N the previous code runs;
 * default 100000: it holds every record in memory), BENCH_CONCURRENCY (default 64).
 *
 * @module
 */
import { execFile, fork } from "node:child_process";
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as E from "fp-ts/lib/Either.js";
import { Problem } from "../src/codecs/problem.js";
import { createHttpModel } from "../src/models/http_model.js";
import { collectToDirectory } from "../src/runs/collection.js";
import { createCollectionJournals } from "../src/runs/collection_journals.js";
import { collectionLayout } from "../src/runs/layout.js";
import { scriptedExpert } from "../src/stages/expert.js";
import { readJsonl } from "../src/streams/read_jsonl.js";
import { multistepArithmetic as task } from "../src/tasks/multistep_arithmetic/mod.js";
import { officialFormat } from "../src/tasks/trajectory_format.js";
import { hash32 } from "../src/util/prng.js";
import { serveCompletions } from "./_completion_server.js";

const script = fileURLToPath(import.meta.url);
const concurrency = Number(process.env["BENCH_CONCURRENCY"] ?? 64);
const format = officialFormat(task);

// ---------------------------------------------------------------------------------------------
// the student (child process)

function studentText(prompt: string): string {
  const question = /^Q: (.*)$/m.exec(prompt)?.[1] ?? "";
  const rationale = task.solve({ id: "q", task: "multistep_arithmetic", question, answer: "" });
  const roll = hash32(question) % 10;
  if (roll < 6) return rationale;
  if (roll < 9) {
    // A wrong last step: the final equation's result and the answer are off by one.
    return rationale.replace(/= (-?\d+)\.\n\(Final response\) So the answer is (-?\d+)\.$/, (_all, value: string) =>
      `= ${Number(value) + 1}.\n(Final response) So the answer is ${Number(value) + 1}.`);
  }
  return "I am not sure.";
}

function serve(): void {
  serveCompletions((prompt) => ({ text: studentText(prompt), usage: { prompt_tokens: 100, completion_tokens: 80, total_tokens: 180 } }));
}

// ---------------------------------------------------------------------------------------------
// one collection (child process)

interface CollectionMeasure {
  readonly problems: number;
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly peakHeapMb: number;
  readonly trajectories: number;
  readonly rejections: number;
  readonly trainingExamples: number;
  readonly error?: string;
}

/** The lines of a file, counted chunk by chunk (the files of a large collection exceed a string's length). */
function lineCount(path: string): number {
  const descriptor = openSync(path, "r");
  const buffer = Buffer.allocUnsafe(1 << 20);
  let count = 0;
  try {
    for (let read = readSync(descriptor, buffer); read > 0; read = readSync(descriptor, buffer)) {
      for (let index = buffer.indexOf(0x0a); index !== -1 && index < read; index = buffer.indexOf(0x0a, index + 1)) count += 1;
    }
  } finally {
    closeSync(descriptor);
  }
  return count;
}

async function* problemsFrom(path: string): AsyncGenerator<Problem> {
  for await (const line of readJsonl(path, Problem)) {
    if (E.isLeft(line)) throw new SyntaxError(line.left.message);
    yield line.right.value;
  }
}

async function collectCurrent(url: string, input: string, out: string): Promise<void> {
  const student = createHttpModel({ baseUrl: url, model: "bench", connections: concurrency, maxRetries: 2 });
  try {
    await collectToDirectory(collectionLayout(out), student, scriptedExpert(task), () => problemsFrom(input), createCollectionJournals(), {
      task,
      format,
      seed: 1,
      concurrency,
      maxTokens: 512,
      studentLabel: { stage: "rollout", model: "bench" },
    });
  } finally {
    await student.close();
  }
}

/** The collection before the composed pipeline: its own modules from `previousDist`. */
async function collectPrevious(previousDist: string, url: string, input: string, out: string): Promise<void> {
  const load = (module: string) => import(pathToFileURL(join(previousDist, module)).href);
  const [collect, http, expert, tasks, formats, jsonl, problems, journals, meters, entries] = await Promise.all([
    load("stages/collect.js"),
    load("models/http_model.js"),
    load("stages/expert.js"),
    load("tasks/multistep_arithmetic/mod.js"),
    load("tasks/trajectory_format.js"),
    load("streams/write_jsonl.js"),
    load("streams/read_jsonl.js"),
    load("streams/journal.js"),
    load("models/usage_meter.js"),
    load("codecs/journal_entry.js"),
  ]);
  // As its CLI did: every problem read into an array first.
  const all: unknown[] = [];
  for await (const line of problems.readJsonl(input, Problem)) all.push(line.right.value);
  const oldTask = tasks.multistepArithmetic;
  const student = http.createHttpModel({ baseUrl: url, model: "bench", connections: concurrency, maxRetries: 2 });
  // As its CLI did: the student's calls journaled and counted.
  const journal = journals.openJournal(join(out, "journal.jsonl"), entries.JournalEntry, { resume: false });
  const meter = meters.createUsageMeter();
  try {
    const result = await collect.collectIteration(meter.journaled({ stage: "rollout", model: "bench" }, student, journal), expert.scriptedExpert(oldTask), all, {
      task: oldTask,
      format: formats.officialFormat(oldTask),
      seed: 1,
      concurrency,
      maxTokens: 512,
    });
    await jsonl.writeJsonl(join(out, "trajectories.jsonl"), result.trajectories);
    await jsonl.writeJsonl(join(out, "rejections.jsonl"), result.rejections);
    await jsonl.writeJsonl(join(out, "train.jsonl"), result.examples);
    await jsonl.writeJsonl(join(out, "examples.jsonl"), result.unbalancedExamples);
  } finally {
    journal.close();
    await student.close();
  }
}

async function runCollection(implementation: string, url: string, input: string, out: string, problems: number): Promise<void> {
  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 100);
  const started = performance.now();
  let error: string | undefined;
  try {
    if (implementation === "current") await collectCurrent(url, input, out);
    else await collectPrevious(implementation.slice("previous:".length), url, input, out);
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const measure: CollectionMeasure = {
    problems,
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 2 ** 20,
    trajectories: error === undefined ? lineCount(join(out, "trajectories.jsonl")) : 0,
    rejections: error === undefined ? lineCount(join(out, "rejections.jsonl")) : 0,
    trainingExamples: error === undefined ? lineCount(join(out, "train.jsonl")) : 0,
    ...(error === undefined ? {} : { error }),
  };
  process.send?.(measure);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// the parent

function forkChild(args: readonly string[], options: { readonly execArgv?: readonly string[] } = {}) {
  return fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [...(options.execArgv ?? [])] });
}

function startStudent(): Promise<{ url: string; stop: () => void }> {
  const child = forkChild(["serve"]);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (message) => {
      resolve({ url: `http://127.0.0.1:${(message as { port: number }).port}/v1`, stop: () => child.kill() });
    });
  });
}

/**
 * Loaded before the CLI (`--import`): samples the heap and, when the process exits, writes its
 * peak RSS and heap (MB) to BENCH_MEMORY_FILE.
 */
const MEMORY_PRELOAD = `import { writeFileSync } from "node:fs";
let peakHeap = 0;
setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 100).unref();
process.on("exit", () => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  writeFileSync(process.env.BENCH_MEMORY_FILE, JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, peakHeapMb: peakHeap / 2 ** 20 }));
});
`;

/** `tripost collect` (the built CLI next to this script) as its own process. */
function measureCli(url: string, input: string, problems: number): Promise<CollectionMeasure> {
  const work = mkdtempSync(join(tmpdir(), "tripost-bench-pipeline-cli-"));
  const collection = join(work, "collection");
  const memoryFile = join(work, "memory.json");
  const preload = join(work, "preload.mjs");
  writeFileSync(preload, MEMORY_PRELOAD);
  const cli = fileURLToPath(new URL("../src/cli.js", import.meta.url));
  const args = [
    "--import",
    pathToFileURL(preload).href,
    cli,
    "collect",
    "--task",
    "multistep_arithmetic",
    "--student",
    url,
    "--expert",
    "scripted",
    "--in",
    input,
    "--out",
    collection,
    "--seed",
    "1",
    "--concurrency",
    String(concurrency),
    "--max-tokens",
    "512",
    "--quiet",
  ];
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, BENCH_MEMORY_FILE: memoryFile }, maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
      const seconds = (performance.now() - started) / 1000;
      let memory = { maxRssMb: 0, peakHeapMb: 0 };
      try {
        memory = JSON.parse(readFileSync(memoryFile, "utf8")) as typeof memory;
      } catch {
        // reported as 0
      }
      const failed = error === null ? undefined : `${error.message.split("\n")[0] as string} ${stderr.trim().split("\n").at(-1) ?? ""}`;
      const result: CollectionMeasure = {
        problems,
        seconds,
        ...memory,
        trajectories: failed === undefined ? lineCount(join(collection, "trajectories.jsonl")) : 0,
        rejections: failed === undefined ? lineCount(join(collection, "rejections.jsonl")) : 0,
        trainingExamples: failed === undefined ? lineCount(join(collection, "train.jsonl")) : 0,
        ...(failed === undefined ? {} : { error: failed }),
      };
      rmSync(work, { recursive: true, force: true });
      resolve(result);
    });
  });
}

function measure(implementation: string, url: string, input: string, problems: number): Promise<CollectionMeasure> {
  if (implementation === "cli") return measureCli(url, input, problems);
  const out = mkdtempSync(join(tmpdir(), "tripost-bench-pipeline-out-"));
  const child = forkChild(["collect", implementation, url, input, out, String(problems)]);
  return new Promise((resolve) => {
    let result: CollectionMeasure | undefined;
    child.on("message", (message) => {
      result = message as CollectionMeasure;
    });
    child.on("exit", (code, signal) => {
      rmSync(out, { recursive: true, force: true });
      resolve(result ?? {
        problems,
        seconds: 0,
        maxRssMb: 0,
        peakHeapMb: 0,
        trajectories: 0,
        rejections: 0,
        trainingExamples: 0,
        error: `the process ended with ${signal ?? `exit code ${code}`}`,
      });
    });
  });
}

async function writeProblems(path: string, count: number): Promise<void> {
  const stream = createWriteStream(path);
  const batch = 10_000;
  for (let start = 0; start < count; start += batch) {
    const problems = task.generate({ count: Math.min(batch, count - start), seed: 1000 + start / batch });
    const text = problems.map((problem) => JSON.stringify({ ...problem, id: `${problem.id}-${start}` })).join("\n") + "\n";
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function main(): Promise<void> {
  const sizes = (process.env["BENCH_SIZES"] ?? "10000,100000").split(",").map(Number);
  const previous = process.env["BENCH_PREVIOUS_DIST"];
  const previousMax = Number(process.env["BENCH_PREVIOUS_MAX"] ?? 100_000);
  const chosen = (process.env["BENCH_IMPLEMENTATIONS"] ?? "current,cli,previous").split(",");
  const implementationsFor = (size: number) => [
    ...chosen.filter((name) => name === "current" || name === "cli"),
    ...(previous === undefined || size > previousMax || !chosen.includes("previous") ? [] : [`previous:${previous}`]),
  ];
  const scratch = mkdtempSync(join(tmpdir(), "tripost-bench-pipeline-"));
  const student = await startStudent();
  console.log(`collection of N multistep arithmetic problems (official format), HTTP student on 127.0.0.1, scripted expert, concurrency ${concurrency}`);
  console.log("implementation  problems  seconds  problems/s  max RSS MB  peak heap MB  trajectories + rejections  training examples");
  const rows: (CollectionMeasure & { implementation: string })[] = [];
  try {
    for (const size of sizes) {
      const input = join(scratch, `problems-${size}.jsonl`);
      await writeProblems(input, size);
      for (const implementation of implementationsFor(size)) {
        const result = await measure(implementation, student.url, input, size);
        const name = implementation.startsWith("previous") ? "previous" : implementation;
        rows.push({ ...result, implementation: name });
        const cells = result.error === undefined
          ? [
            result.seconds.toFixed(1).padStart(7),
            (size / result.seconds).toFixed(0).padStart(10),
            result.maxRssMb.toFixed(0).padStart(10),
            result.peakHeapMb.toFixed(0).padStart(12),
            `${result.trajectories} + ${result.rejections} = ${result.trajectories + result.rejections}`.padStart(25),
            String(result.trainingExamples).padStart(17),
          ]
          : [`failed: ${result.error}`];
        console.log(`${name.padEnd(14)}  ${String(size).padStart(8)}  ${cells.join("  ")}`);
      }
    }
  } finally {
    student.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const implementation of ["current", "cli"]) {
    const measured = rows.filter((row) => row.implementation === implementation && row.error === undefined);
    const smallest = measured[0];
    if (smallest === undefined) continue;
    for (const row of measured.slice(1)) {
      console.log(`${implementation}: peak RSS at ${row.problems} problems is ${(row.maxRssMb / smallest.maxRssMb).toFixed(2)}× that at ${smallest.problems}`);
    }
  }
  console.log(`JSON ${JSON.stringify(rows)}`);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "serve") serve();
else if (mode === "collect") void runCollection(rest[0] as string, rest[1] as string, rest[2] as string, rest[3] as string, Number(rest[4]));
else await main();
