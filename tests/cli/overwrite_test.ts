/**
 * Nothing overwritten unasked (issue 11, item 3): every command that writes `--out` refuses a
 * non-empty directory or an existing file unless `--resume` (collect) or `--force`; no command
 * writes over one of its inputs, even with `--force`; an output path that cannot be written is
 * one line naming it, exit 2 (item 9), with no temporary file left.
 */
import { firstValueFrom } from "rxjs";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import { loadCassette, replayModel } from "../../src/models/cassette.js";
import type { CassetteServer } from "../_helpers/run_cassette_server.mjs";
import { startCassetteServer } from "../_helpers/run_cassette_server.mjs";
import { rootDirectory } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { cassetteCollectArgs } from "../_helpers/collect_args.js";

const fixture = join(rootDirectory, "fixtures/cassettes/collect-msa");
const problemsPath = join(fixture, "problems.jsonl");
const cassette = loadCassette(join(fixture, "cassette.jsonl"));

let server: CassetteServer;
let scratch: string;

function replayAnswer(): (request: ModelRequest) => Promise<ModelResponse | undefined> {
  const replay = replayModel(cassette);
  return (request) => firstValueFrom(replay(request));
}

beforeAll(async () => {
  server = await startCassetteServer(replayAnswer());
  scratch = mkdtempSync(join(tmpdir(), "tripost-overwrite-"));
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Every file under `directory` with its bytes, to prove nothing changed. */
function snapshot(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, "latin1");
  }
  return files;
}

/** The argv of a collect over the cassette; the replay starts over for each (a cassette answers each call once). */
function collectArgs(out: string, extra: string[] = []): string[] {
  server.answer = replayAnswer();
  server.reset();
  return [...cassetteCollectArgs(server.url, problemsPath, out, { concurrency: 4, maxRetries: 0 }), "--quiet", ...extra];
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  return lines[0] as string;
}

describe("nothing overwritten unasked", () => {
  it("tripost collect refuses a non-empty --out (exit 2, naming --resume and --force) and leaves it as it was; --force replaces, --resume continues", async () => {
    const out = join(scratch, "collect");
    const first = await runCli(collectArgs(out), { cwd: rootDirectory });
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(out);
    const again = await runCli(collectArgs(out), { cwd: rootDirectory });
    expect(again.code).toBe(2);
    const line = oneLine(again.stderr);
    expect(line).toContain(out);
    expect(line).toMatch(/not empty/);
    expect(line).toMatch(/--resume/);
    expect(line).toMatch(/--force/);
    expect(snapshot(out)).toEqual(before);

    writeFileSync(join(out, "notes.txt"), "mine\n");
    const forced = await runCli(collectArgs(out, ["--force"]), { cwd: rootDirectory });
    expect(forced.code, forced.stderr).toBe(0);
    // --force replaces the command's own files only.
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine\n");
    expect(readFileSync(join(out, "trajectories.jsonl"), "utf8") === before["trajectories.jsonl"], "the forced collection is the same").toBe(true);

    const resumed = await runCli(collectArgs(out, ["--resume"]), { cwd: rootDirectory });
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it("tripost eval refuses a non-empty --out with exit 2 and writes nothing into it", async () => {
    const out = join(scratch, "eval");
    mkdirSync(out);
    writeFileSync(join(out, "metrics.json"), "{\"paid\": true}\n");
    const result = await runCli([
      "eval", "--task", "multistep_arithmetic", "--student", "embedded:fixtures/student/m0-msa", "--in", problemsPath, "--out", out,
      "--max-tokens", "8", "--max-generations", "1",
    ], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/not empty.*--force/);
    expect(snapshot(out)).toEqual({ "metrics.json": "{\"paid\": true}\n" });
  });

  it("tripost merge refuses a non-empty --out, and an --out that is one of its shards even with --force", async () => {
    const shard = join(scratch, "shard-1");
    const collected = await runCli(collectArgs(shard, ["--shard", "1/1"]), { cwd: rootDirectory });
    expect(collected.code, collected.stderr).toBe(0);
    const before = snapshot(shard);
    const onto = await runCli(["merge", shard, "--out", shard, "--force"], { cwd: rootDirectory });
    expect(onto.code).toBe(2);
    expect(oneLine(onto.stderr)).toMatch(/replace the input/);
    expect(snapshot(shard)).toEqual(before);

    const out = join(scratch, "merged");
    mkdirSync(out);
    writeFileSync(join(out, "train.jsonl"), "{}\n");
    const busy = await runCli(["merge", shard, "--out", out], { cwd: rootDirectory });
    expect(busy.code).toBe(2);
    expect(oneLine(busy.stderr)).toMatch(/not empty/);
    expect(readFileSync(join(out, "train.jsonl"), "utf8")).toBe("{}\n");
    const forced = await runCli(["merge", shard, "--out", out, "--force"], { cwd: rootDirectory });
    expect(forced.code, forced.stderr).toBe(0);
  });

  it("tripost export --out equal to --in is refused, even with --force, and the input is unchanged", async () => {
    const input = join(scratch, "shard-1", "train.jsonl");
    const text = readFileSync(input, "utf8");
    for (const extra of [[], ["--force"]]) {
      const result = await runCli(["export", "--to", "spans", "--in", input, "--out", input, ...extra], { cwd: rootDirectory });
      expect(result.code).toBe(2);
      expect(oneLine(result.stderr)).toMatch(/is the input/);
    }
    // The same file named another way (relative, through "..").
    const relative = await runCli(["export", "--to", "spans", "--in", input, "--out", "../shard-1/train.jsonl"], { cwd: join(scratch, "merged") });
    expect(relative.code).toBe(2);
    expect(readFileSync(input, "utf8")).toBe(text);
  });

  it("tripost problems, critique and export refuse an existing --out file unless --force", async () => {
    const file = join(scratch, "problems.jsonl");
    writeFileSync(file, "earlier\n");
    const refused = await runCli(["problems", "--task", "multistep_arithmetic", "--count", "2", "--out", file]);
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toMatch(/exists.*--force/);
    expect(readFileSync(file, "utf8")).toBe("earlier\n");
    const forced = await runCli(["problems", "--task", "multistep_arithmetic", "--count", "2", "--out", file, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);

    const attempts = join(scratch, "attempts.jsonl");
    writeFileSync(attempts, `${JSON.stringify({ id: "a", question: "((1 + 2) * 3) =", attempt: "(Final response) So the answer is 9." })}\n`);
    const critique = await runCli(["critique", "--task", "multistep_arithmetic", "--in", attempts, "--out", attempts]);
    expect(critique.code).toBe(2);
    expect(readFileSync(attempts, "utf8")).toContain("\"attempt\"");
  });

  it("an --out that cannot be written is one line naming it, exit 2, and leaves no temporary file", async () => {
    const blocker = join(scratch, "blocker");
    writeFileSync(blocker, "a file\n");
    const cases: string[][] = [
      ["problems", "--task", "multistep_arithmetic", "--count", "1", "--out", join(blocker, "p.jsonl")],
      ["eval", "--task", "multistep_arithmetic", "--student", "embedded:fixtures/student/m0-msa", "--in", problemsPath, "--out", join(blocker, "eval")],
      ["collect", ...collectArgs(join(blocker, "collect")).slice(1)],
      ["eval", "--task", "multistep_arithmetic", "--student", "embedded:fixtures/student/m0-msa", "--in", problemsPath, "--out", blocker],
      ["run", "--out", blocker],
      ["run", "--out", join(blocker, "run")],
      ["merge", join(scratch, "shard-1"), "--out", join(blocker, "merged")],
    ];
    for (const args of cases) {
      const result = await runCli(args, { cwd: rootDirectory });
      expect(result.code, result.stderr).toBe(2);
      const line = oneLine(result.stderr);
      expect(line).toContain(blocker);
      expect(line).not.toMatch(/\.tmp|ENOTDIR|EEXIST/);
    }
    expect(readdirSync(scratch).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("--force removes nothing when the command then refuses to run: collect, eval and merge keep their earlier output", async () => {
    // eval: a checkpoint that does not load, found after --out was checked.
    const evalOut = join(scratch, "eval-kept");
    mkdirSync(evalOut);
    writeFileSync(join(evalOut, "metrics.json"), "{\"paid\": true}\n");
    const evaluation = await runCli([
      "eval", "--task", "multistep_arithmetic", "--student", "embedded:no/such/m0", "--in", problemsPath, "--out", evalOut, "--force",
    ], { cwd: rootDirectory });
    expect(evaluation.code, evaluation.stderr).toBe(2);
    expect(evaluation.stderr).toContain("no/such/m0");
    expect(snapshot(evalOut)).toEqual({ "metrics.json": "{\"paid\": true}\n" });

    // merge: a directory that is not a shard (the unsharded collection above), found after --out was checked.
    const mergeOut = join(scratch, "merged-kept");
    const collected = await runCli(collectArgs(join(scratch, "shard-kept"), ["--shard", "1/1"]), { cwd: rootDirectory });
    expect(collected.code, collected.stderr).toBe(0);
    const merged = await runCli(["merge", join(scratch, "shard-kept"), "--out", mergeOut], { cwd: rootDirectory });
    expect(merged.code, merged.stderr).toBe(0);
    const mergedBefore = snapshot(mergeOut);
    const refused = await runCli(["merge", join(scratch, "collect"), "--out", mergeOut, "--force"], { cwd: rootDirectory });
    expect(refused.code, refused.stderr).toBe(2);
    expect(snapshot(mergeOut)).toEqual(mergedBefore);

    // collect: an expert that cannot be resolved, found after --out was checked; the journal (paid calls) stays.
    const collectOut = join(scratch, "collect");
    const collectBefore = snapshot(collectOut);
    const badExpert = collectArgs(collectOut, ["--force"]);
    badExpert[badExpert.indexOf("--expert") + 1] = "no-such-expert";
    const collect = await runCli(badExpert, { cwd: rootDirectory });
    expect(collect.code, collect.stderr).toBe(2);
    expect(snapshot(collectOut)).toEqual(collectBefore);
  });
});
