import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstValueFrom } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import { loadCassette, replayModel } from "../../src/models/cassette.js";
import type { CassetteServer } from "../_helpers/run_cassette_server.mjs";
import { startCassetteServer } from "../_helpers/run_cassette_server.mjs";
import { createPrng } from "../../src/util/prng.js";
import { ensureBuilt, rootDirectory, startChild } from "../_helpers/child_run.js";
import { runCli } from "../_helpers/cli_io.js";
import { cassetteCollectArgs } from "../_helpers/collect_args.js";

const fixture = join(rootDirectory, "fixtures/cassettes/collect-msa");
const problemsPath = join(fixture, "problems.jsonl");
const cassette = loadCassette(join(fixture, "cassette.jsonl"));
const OUTPUT_FILES = ["trajectories.jsonl", "rejections.jsonl", "train.jsonl", "stats.json"] as const;

/** A strict replay of the committed cassette (a fresh one per run: occurrence indexes start at 0). */
function replayAnswer(): (request: ModelRequest) => Promise<ModelResponse | undefined> {
  const replay = replayModel(cassette);
  return (request) => firstValueFrom(replay(request));
}

let server: CassetteServer;
let scratch: string;

beforeAll(async () => {
  server = await startCassetteServer(replayAnswer());
  scratch = mkdtempSync(join(tmpdir(), "tripost-collect-cli-"));
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

function collectArgs(out: string, concurrency: number, input = problemsPath): string[] {
  return [
    ...cassetteCollectArgs(server.url, input, out, { concurrency, maxRetries: 0 }),
  ];
}

function readIds(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map((line) => (JSON.parse(line) as { id: string }).id);
}

async function collectInto(name: string, concurrency: number): Promise<string> {
  server.answer = replayAnswer();
  server.reset();
  const out = join(scratch, name);
  const result = await runCli(collectArgs(out, concurrency), { cwd: rootDirectory });
  expect(server.misses, "the replay server met calls the cassette does not hold").toEqual([]);
  expect(result.code, result.stderr).toBe(0);
  return out;
}

describe("tripost collect", () => {
  it("tripost collect replays the cassette into the same four files at concurrency 1 and 8", async () => {
    const one = await collectInto("c1", 1);
    expect(server.calls).toBe(cassette.length);
    const eight = await collectInto("c8", 8);
    expect(server.calls).toBe(cassette.length);
    for (const file of OUTPUT_FILES) {
      expect(existsSync(join(one, file)), file).toBe(true);
      expect(readFileSync(join(eight, file), "utf8"), file).toBe(readFileSync(join(one, file), "utf8"));
    }
    const inputIds = readIds(problemsPath);
    const trajectoryIds = readIds(join(one, "trajectories.jsonl"));
    const rejectionIds = readIds(join(one, "rejections.jsonl"));
    expect([...trajectoryIds, ...rejectionIds].sort()).toEqual([...inputIds].sort());
    expect(new Set([...trajectoryIds, ...rejectionIds]).size).toBe(inputIds.length);
    expect(trajectoryIds.length).toBeGreaterThan(0);
    const stats = JSON.parse(readFileSync(join(one, "stats.json"), "utf8")) as { problems: number };
    expect(stats.problems).toBe(inputIds.length);
    expect(readFileSync(join(one, "train.jsonl"), "utf8").split("\n").filter(Boolean).length).toBeGreaterThan(0);
  });

  it("tripost collect --resume after a completed collect makes no new call and writes the same files", async () => {
    const out = await collectInto("resume", 4);
    const before = OUTPUT_FILES.map((file) => readFileSync(join(out, file), "utf8"));
    server.reset();
    const result = await runCli([...collectArgs(out, 4), "--resume"], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(0);
    expect(server.calls).toBe(0);
    expect(OUTPUT_FILES.map((file) => readFileSync(join(out, file), "utf8"))).toEqual(before);
  });

  it("tripost collect exits 2 on a bad input line, naming the file, the line and the field, and writes no output file", async () => {
    const lines = readFileSync(problemsPath, "utf8").split("\n").filter(Boolean);
    const broken = JSON.parse(lines[2] as string) as Record<string, unknown>;
    broken["question"] = 42;
    lines[2] = JSON.stringify(broken);
    const input = join(scratch, "broken.jsonl");
    writeFileSync(input, `${lines.join("\n")}\n`);
    const out = join(scratch, "broken-out");
    server.reset();
    const result = await runCli(collectArgs(out, 2, input), { cwd: rootDirectory });
    expect(result.code).toBe(2);
    const message = result.stderr.trim().split("\n").at(-1) ?? "";
    expect(message).toContain("broken.jsonl");
    expect(message).toMatch(/line 3\b/);
    expect(message).toContain("question");
    expect(server.calls).toBe(0);
    const written = existsSync(out) ? readdirSync(out) : [];
    for (const file of OUTPUT_FILES) expect(written).not.toContain(file);
  });

  it("tripost collect --resume after a SIGKILL mid-collection writes the files of an uninterrupted collect", async () => {
    ensureBuilt(["cli", "cli/collect", "stages/collect", "stages/generate"]);
    const reference = await collectInto("kill-reference", 2);
    const prng = createPrng("collect-resume-test");
    for (const killAt of [prng.int(2, cassette.length - 1), prng.int(2, cassette.length - 1)]) {
      const out = join(scratch, `killed-${killAt}`);
      const replay = replayAnswer();
      server.reset();
      const { child, done } = startChild(join(rootDirectory, "dist", "cli.js"), collectArgs(out, 2));
      // Answer slowly; the killAt-th call kills the child before it is answered.
      server.answer = async (request) => {
        if (server.calls >= killAt) {
          child.kill("SIGKILL");
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        return replay(request);
      };
      const killed = await done;
      expect(killed.signal, killed.stderr).toBe("SIGKILL");
      const answeredBefore = server.calls - server.misses.length;
      server.answer = replayAnswer();
      server.reset();
      const resumed = await runCli([...collectArgs(out, 2), "--resume"], { cwd: rootDirectory });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(server.misses).toEqual([]);
      // Only the calls the killed collect had not completed are made again.
      expect(server.calls).toBeLessThanOrEqual(cassette.length - answeredBefore + 2);
      expect(server.calls).toBeLessThan(cassette.length);
      for (const file of OUTPUT_FILES) {
        expect(readFileSync(join(out, file), "utf8"), `${file} after a kill at call ${killAt}`).toBe(readFileSync(join(reference, file), "utf8"));
      }
    }
  });
});
