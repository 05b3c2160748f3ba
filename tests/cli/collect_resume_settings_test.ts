/**
 * `tripost collect --resume` continues a collection as it was made: resuming a finished
 * collection with another input or another seed is refused (exit 2, naming the setting and its
 * flag) and leaves its files as they were, instead of replacing it with another collection. A
 * collection killed before its stats.json is checked too, against the `settings.json` it wrote
 * when it started.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, rootDirectory, startChild } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { cassetteCollectArgs } from "../_helpers/collect_args.js";
import { type OpenAiServer, startOpenAiServer } from "../_helpers/openai_server.js";

let scratch: string;
const student = `embedded:${join(rootDirectory, "fixtures/student/m0-msa")}`;

function collect(input: string, extra: string[] = []): string[] {
  return ["collect", "--task", "multistep_arithmetic", "--student", student, "--expert", "scripted", "--in", input, "--out", "c", "--quiet", ...extra];
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-collect-resume-settings-"));
  for (const [name, seed] of [["a.jsonl", "0"], ["b.jsonl", "1"]] as const) {
    const made = await runCli(["problems", "--task", "multistep_arithmetic", "--difficulty", "easy", "--count", "6", "--seed", seed, "--out", name], { cwd: scratch });
    expect(made.code, made.stderr).toBe(0);
  }
});

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("tripost collect --resume keeps the collection's settings", () => {
  it("refuses another input or seed on a finished collection and leaves its files as they were", async () => {
    const first = await runCli(collect("a.jsonl"), { cwd: scratch });
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(join(scratch, "c"));

    const otherInput = await runCli(collect("b.jsonl", ["--resume"]), { cwd: scratch });
    expect(otherInput.code).toBe(2);
    expect(otherInput.stderr).toMatch(/^tripost: Cannot resume the collection in .* as 'input\.sha256' differs \(--in\)/);
    expect(otherInput.stderr.trim().split("\n")).toHaveLength(1);

    const otherSeed = await runCli(collect("a.jsonl", ["--resume", "--seed", "5"]), { cwd: scratch });
    expect(otherSeed.code).toBe(2);
    expect(otherSeed.stderr).toMatch(/'seed' differs \(--seed\): it was collected with 0, this command says 5/);

    const otherRatio = await runCli(collect("a.jsonl", ["--resume", "--ratio", "2"]), { cwd: scratch });
    expect(otherRatio.code).toBe(2);
    expect(otherRatio.stderr).toMatch(/'improveDataRatio' differs \(--ratio\)/);
    expect(snapshot(join(scratch, "c"))).toEqual(before);
  });

  it("resumes with the same settings, a raised --max-failures included", async () => {
    const again = await runCli(collect("a.jsonl", ["--resume", "--max-failures", "50%"]), { cwd: scratch });
    expect(again.code, again.stderr).toBe(0);
  });
});

// The recorded multistep arithmetic student (fixtures/cassettes/collect-msa), served over HTTP by
// prompt: it answers `answerFirst` requests, then leaves every later one without an answer
// (a hung endpoint) until `answerFirst` is unset.
const cassetteDirectory = join(rootDirectory, "fixtures/cassettes/collect-msa");
const cassetteProblems = join(cassetteDirectory, "problems.jsonl");
const answers = new Map(
  readFileSync(join(cassetteDirectory, "cassette.jsonl"), "utf8").split("\n").filter(Boolean).map((line) => {
    const entry = JSON.parse(line) as { request: { prompt: string }; response: { choices: { text: string }[] } };
    return [entry.request.prompt, entry.response.choices[0]?.text ?? ""] as const;
  }),
);
let server: OpenAiServer | undefined;
let answerFirst: number | undefined;
let answered = 0;

function httpCollect(out: string, extra: string[] = []): string[] {
  return [...cassetteCollectArgs(server?.url ?? "", cassetteProblems, out, { concurrency: 1, maxRetries: 0 }), "--quiet", ...extra];
}

/** Every file under `dir` (subfolders included) by its relative path, with its bytes. */
function tree(dir: string, root = dir): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(files, tree(path, root));
    else files[relative(root, path)] = readFileSync(path, "utf8");
  }
  return files;
}

describe("tripost collect --resume of a collection stopped before its stats.json", () => {
  const killed = () => join(scratch, "killed");

  beforeAll(async () => {
    ensureBuilt(["cli", "cli/collect", "cli/_resume_check"]);
    server = await startOpenAiServer({
      faults: () => {
        if (answerFirst !== undefined && answered >= answerFirst) return { type: "stall" };
        answered += 1;
        return undefined;
      },
      handler: (context) => {
        const text = answers.get(String(context.body["prompt"]));
        if (text === undefined) throw new Error(`no recorded answer for ${JSON.stringify(context.body["prompt"])}`);
        return { texts: [text] };
      },
    });
    // The collection hangs after 4 answers and is killed (SIGKILL: no handler runs) while it waits.
    answerFirst = 4;
    const { child, done } = startChild(join(rootDirectory, "dist", "cli.js"), httpCollect(killed()));
    const deadline = Date.now() + 30_000;
    while ((server.counts.requests <= 4 || !existsSync(join(killed(), "journal.jsonl"))) && Date.now() < deadline) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 20));
    }
    child.kill("SIGKILL");
    const result = await done;
    expect(result.signal, result.stderr).toBe("SIGKILL");
    answerFirst = undefined;
  }, 60_000);

  it("left a journal of paid calls and the settings it started with, but no stats.json", () => {
    const files = tree(killed());
    expect(Object.keys(files)).not.toContain("stats.json");
    // Four answered calls of the twelve: the collection stopped part way.
    expect(files["journal.jsonl"]?.trim().split("\n")).toHaveLength(4);
    const settings = JSON.parse(files["settings.json"] ?? "{}") as Record<string, unknown>;
    expect(settings).toMatchObject({ command: "collect", task: "multistep_arithmetic", seed: 0, format: "compact", maxTokens: 64, improveDataRatio: 1.5 });
    expect(settings["versions"]).toBeDefined();
  });

  it("refuses another seed, ratio or input with exit 2 naming the setting and its flag, and changes nothing", async () => {
    const before = tree(killed());
    const requests = server?.counts.requests;

    const otherSeed = await runCli(httpCollect(killed(), ["--resume", "--seed", "5"]), { cwd: scratch });
    expect(otherSeed.code).toBe(2);
    expect(otherSeed.stderr).toMatch(/^tripost: Cannot resume the collection in .* as 'seed' differs \(--seed\): it was collected with 0, this command says 5/);
    expect(otherSeed.stderr.trim().split("\n")).toHaveLength(1);

    const otherRatio = await runCli(httpCollect(killed(), ["--resume", "--ratio", "2"]), { cwd: scratch });
    expect(otherRatio.code).toBe(2);
    expect(otherRatio.stderr).toMatch(/'improveDataRatio' differs \(--ratio\)/);

    const otherInput = await runCli(["collect", "--task", "multistep_arithmetic", "--student", server?.url ?? "", "--expert", "scripted", "--format", "compact", "--in", "a.jsonl", "--out", killed(), "--max-tokens", "64", "--resume", "--quiet"], { cwd: scratch });
    expect(otherInput.code).toBe(2);
    expect(otherInput.stderr).toMatch(/ differs \(--in\): it was collected with /);

    expect(server?.counts.requests, "a refused resume calls no model").toBe(requests);
    expect(tree(killed())).toEqual(before);
  });

  it("resumes with the flags it was started with (a raised --max-failures included) into the files of an uninterrupted collection", async () => {
    const whole = join(scratch, "whole");
    const uninterrupted = await runCli(httpCollect(whole), { cwd: scratch });
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const requests = server?.counts.requests ?? 0;
    const resumed = await runCli(httpCollect(killed(), ["--resume"]), { cwd: scratch });
    expect(resumed.code, resumed.stderr).toBe(0);
    // The journaled calls are not paid again: only the eight the killed collection had not made.
    expect((server?.counts.requests ?? 0) - requests).toBe(8);
    expect(tree(killed())).toEqual(tree(whole));
    const again = await runCli(httpCollect(killed(), ["--resume", "--max-failures", "50%"]), { cwd: scratch });
    expect(again.code, again.stderr).toBe(0);
  });

  it("--force replaces the settings record with the new collection's", async () => {
    const forced = await runCli(httpCollect(killed(), ["--force", "--seed", "5"]), { cwd: scratch });
    expect(forced.code, forced.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(killed(), "settings.json"), "utf8")) as { seed: number }).seed).toBe(5);
    const resumed = await runCli(httpCollect(killed(), ["--resume", "--seed", "5"]), { cwd: scratch });
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});
