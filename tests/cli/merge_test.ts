import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstValueFrom } from "rxjs";
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

function replayAnswer(): (request: ModelRequest) => Promise<ModelResponse | undefined> {
  const replay = replayModel(cassette);
  return (request) => firstValueFrom(replay(request));
}

let server: CassetteServer;
let scratch: string;

beforeAll(async () => {
  server = await startCassetteServer(replayAnswer());
  scratch = mkdtempSync(join(tmpdir(), "tripost-merge-cli-"));
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function collect(name: string, extra: string[]): Promise<string> {
  server.answer = replayAnswer();
  server.reset();
  const out = join(scratch, name);
  const result = await runCli([
    ...cassetteCollectArgs(server.url, problemsPath, out, { concurrency: 4, maxRetries: 0 }),
    "--quiet",
    ...extra,
  ], { cwd: rootDirectory });
  expect(server.misses, "the replay server met calls the cassette does not hold").toEqual([]);
  expect(result.code, result.stderr).toBe(0);
  return out;
}

function text(directory: string, file: string): string {
  return readFileSync(join(directory, file), "utf8");
}

function ids(directory: string, file: string): string[] {
  return text(directory, file).split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
}

describe("tripost merge", () => {
  it("tripost collect --shard i/3 then tripost merge gives the unsharded collection's trajectories, rejections and training set", async () => {
    const whole = await collect("whole", []);
    const shards = [];
    for (let index = 1; index <= 3; index++) shards.push(await collect(`shard-${index}`, ["--shard", `${index}/3`]));
    const inputIds = ids(fixture, "problems.jsonl");
    const shardIds = shards.map((shard) => [...ids(shard, "trajectories.jsonl"), ...ids(shard, "rejections.jsonl")]);
    expect(shardIds.flat().sort()).toEqual([...inputIds].sort());
    expect(shardIds.filter((list) => list.length > 0).length, "the 12 problems fall in more than one shard").toBeGreaterThan(1);
    const merged = join(scratch, "merged");
    const result = await runCli(["merge", ...shards, "--out", merged], { cwd: rootDirectory });
    expect(result.code, result.stderr).toBe(0);
    for (const file of ["trajectories.jsonl", "rejections.jsonl", "examples.jsonl", "train.jsonl"]) {
      expect(text(merged, file), file).toBe(text(whole, file));
    }
    const stats = JSON.parse(text(merged, "stats.json")) as { problems: number; rebalance: unknown; usage?: { total: { calls: number } } };
    const wholeStats = JSON.parse(text(whole, "stats.json")) as { problems: number; rebalance: unknown; usage?: { total: { calls: number } } };
    // The shards' model calls add up to those of the unsharded collection.
    expect(wholeStats.usage?.total.calls).toBeGreaterThan(0);
    expect(stats.usage).toEqual(wholeStats.usage);
    expect(stats.problems).toBe(wholeStats.problems);
    expect(stats.rebalance).toEqual(wholeStats.rebalance);
  });

  it("tripost merge refuses overlapping shards with exit 2", async () => {
    const shard = join(scratch, "shard-1");
    if (!existsSync(shard)) await collect("shard-1", ["--shard", "1/3"]);
    const result = await runCli(["merge", shard, shard, "--out", join(scratch, "overlap")], { cwd: rootDirectory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/overlap/);
  });

  it("tripost collect --shard refuses i outside [1, n] with exit 2", async () => {
    const result = await runCli(["collect", "--task", "multistep_arithmetic", "--student", server.url, "--expert", "scripted", "--in", problemsPath, "--out", join(scratch, "bad"), "--shard", "4/3"], {
      cwd: rootDirectory,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--shard 4\/3/);
  });

  describe("checks its inputs (issue 11, item 7)", () => {
    async function shards(): Promise<string[]> {
      const list: string[] = [];
      for (let index = 1; index <= 2; index++) {
        const name = `check-${index}`;
        list.push(existsSync(join(scratch, name)) ? join(scratch, name) : await collect(name, ["--shard", `${index}/2`]));
      }
      return list;
    }

    it("refuses an incomplete set: shard 1 of 2 alone is exit 2 naming the missing shard, and nothing is written", async () => {
      const [first] = await shards();
      const out = join(scratch, "incomplete");
      const result = await runCli(["merge", first as string, "--out", out], { cwd: rootDirectory });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/shard 2\/2 is missing/);
      expect(existsSync(out)).toBe(false);
    });

    it("refuses a directory that is not a shard, shards of different splits, and shards collected with different settings", async () => {
      const [first, second] = (await shards()) as [string, string];
      const whole = existsSync(join(scratch, "whole")) ? join(scratch, "whole") : await collect("whole", []);
      const notShard = await runCli(["merge", first, whole, "--out", join(scratch, "m1")], { cwd: rootDirectory });
      expect(notShard.code).toBe(2);
      expect(notShard.stderr).toMatch(/not a shard/);
      expect(notShard.stderr).toContain(whole);

      const third = existsSync(join(scratch, "shard-1")) ? join(scratch, "shard-1") : await collect("shard-1", ["--shard", "1/3"]);
      const splits = await runCli(["merge", third, second, "--out", join(scratch, "m2")], { cwd: rootDirectory });
      expect(splits.code).toBe(2);
      expect(splits.stderr).toMatch(/different splits/);

      const reseeded = join(scratch, "check-2-reseeded");
      cpSync(second, reseeded, { recursive: true });
      const stats = JSON.parse(text(reseeded, "stats.json")) as { settings: { seed: number } };
      stats.settings.seed = 99;
      writeFileSync(join(reseeded, "stats.json"), JSON.stringify(stats));
      const seeds = await runCli(["merge", first, reseeded, "--out", join(scratch, "m3")], { cwd: rootDirectory });
      expect(seeds.code).toBe(2);
      expect(seeds.stderr).toMatch(/'seed' is 0 in .* but 99 in /);

      const flag = await runCli(["merge", first, second, "--out", join(scratch, "m4"), "--seed", "3"], { cwd: rootDirectory });
      expect(flag.code).toBe(2);
      expect(flag.stderr).toMatch(/--seed 3/);
      const ok = await runCli(["merge", second, first, "--out", join(scratch, "m5")], { cwd: rootDirectory });
      expect(ok.code, ok.stderr).toBe(0);
      const merged = JSON.parse(text(join(scratch, "m5"), "stats.json")) as { settings: Record<string, unknown> };
      expect(merged.settings).toMatchObject({ command: "merge", shards: 2, seed: 0, expert: "scripted" });
      expect(merged.settings).not.toHaveProperty("shard");
    });
  });
});

