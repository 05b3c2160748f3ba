import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fc, it as propertyIt } from "@fast-check/vitest";
import { firstValueFrom } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import { main } from "../../src/cli.js";
import type { CliIo } from "../../src/cli/_command.js";
import { createProgress, formatDuration, formatRate } from "../../src/cli/_progress.js";
import { loadCassette, replayModel } from "../../src/models/cassette.js";
import { rootDirectory } from "../_helpers/child_run.js";
import { type CassetteServer, startCassetteServer } from "../_helpers/run_cassette_server.mjs";
import { cassetteCollectArgs } from "../_helpers/collect_args.js";

/** An io whose stderr is captured; a terminal of `columns` columns when `isTty`. */
function fakeIo(isTty: boolean, columns?: number): { io: CliIo; stderr: () => string } {
  const stderr = Object.assign(new PassThrough(), columns === undefined ? {} : { columns });
  const stdout = new PassThrough();
  stdout.resume();
  let text = "";
  stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const stdin = new PassThrough();
  stdin.end();
  return { io: { stdin, stdout, stderr, env: {}, cwd: rootDirectory, isTty }, stderr: () => text };
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("createProgress on a terminal", () => {
  it("createProgress on a TTY redraws one bar in place with items, share, rate, ETA, rejections and retries", async () => {
    const { io, stderr } = fakeIo(true);
    const clock = manualClock();
    let retries = 0;
    const progress = createProgress(io, "collect", { now: clock.now, retries: () => retries });
    progress.update(0, 10, { rejected: 0 });
    clock.advance(2000);
    retries = 3;
    progress.update(4, 10, { rejected: 1, note: "pass 2" });
    clock.advance(50);
    progress.update(5, 10, { rejected: 1 }); // within the redraw interval: not drawn
    clock.advance(1950);
    progress.update(10, 10, { rejected: 2 });
    progress.end("10 trajectories");
    await flush();
    const frames = stderr().split("\r\x1b[K");
    expect(frames).toEqual([
      "",
      "collect [........................] 0/10 0% 0/s rejected 0",
      "collect [##########..............] 4/10 40% 2.0/s eta 3s rejected 1 retries 3 pass 2",
      "collect [########################] 10/10 100% 2.5/s rejected 2 retries 3",
      "collect 10 trajectories\n",
    ]);
  });

  it("createProgress on a TTY draws the last update at once and clips the bar to the terminal's width", async () => {
    const { io, stderr } = fakeIo(true, 30);
    const clock = manualClock();
    const progress = createProgress(io, "evaluate", { now: clock.now });
    progress.update(1, 2, "correct 1");
    clock.advance(1);
    progress.update(2, 2, "correct 2");
    progress.end();
    await flush();
    const frames = stderr().split("\r\x1b[K").filter((frame) => frame !== "");
    expect(frames).toHaveLength(2);
    for (const frame of frames) expect(frame.length).toBeLessThan(30);
    expect(frames[1]).toBe("evaluate [###################");
    expect(stderr().endsWith("\r\x1b[K")).toBe(true);
  });
});

describe("createProgress off a terminal", () => {
  it("createProgress without a TTY writes plain lines at most every interval, and always the last", async () => {
    const { io, stderr } = fakeIo(false);
    const clock = manualClock();
    let retries = 0;
    const progress = createProgress(io, "train", { now: clock.now, intervalMs: 1000, retries: () => retries });
    for (let step = 1; step <= 20; step++) {
      clock.advance(250);
      if (step === 10) retries = 1;
      progress.update(step, 20, `loss ${(1 / step).toFixed(3)}`);
    }
    progress.end("20 steps");
    await flush();
    expect(stderr()).not.toMatch(/[\r\x1b]/);
    expect(stderr().split("\n")).toEqual([
      "train 1/20 5% 4.0/s eta 5s loss 1.000",
      "train 5/20 25% 4.0/s eta 4s loss 0.200",
      "train 9/20 45% 4.0/s eta 3s loss 0.111",
      "train 13/20 65% 4.0/s eta 2s retries 1 loss 0.077",
      "train 17/20 85% 4.0/s eta 1s retries 1 loss 0.059",
      "train 20/20 100% 4.0/s retries 1 loss 0.050",
      "train 20 steps",
      "",
    ]);
  });

  it("createProgress with quiet writes nothing, on a terminal or not", async () => {
    for (const isTty of [true, false]) {
      const { io, stderr } = fakeIo(isTty);
      const progress = createProgress(io, "collect", { quiet: true });
      progress.update(1, 1, { rejected: 1 });
      progress.end("done");
      await flush();
      expect(stderr()).toBe("");
    }
  });

  propertyIt.prop([fc.array(fc.tuple(fc.nat(5000), fc.nat(100)), { minLength: 1, maxLength: 30 }), fc.nat(50), fc.nat(3)])(
    "createProgress without a TTY: every line starts with LABEL DONE/TOTAL, counts never go back, the first and the finished update are printed",
    async (steps, total, rejected) => {
      const { io, stderr } = fakeIo(false);
      const clock = manualClock();
      const progress = createProgress(io, "stage x", { now: clock.now });
      let done = 0;
      for (const [wait, step] of steps) {
        clock.advance(wait);
        done = Math.min(total, done + step);
        progress.update(done, total, { rejected });
      }
      await flush();
      const lines = stderr().split("\n").slice(0, -1);
      const counts = lines.map((line) => {
        const match = /^stage x (\d+)\/(\d+) /.exec(line);
        expect(match, line).not.toBeNull();
        expect(match?.[2]).toBe(String(total));
        expect(line).toContain(`rejected ${rejected}`);
        return Number(match?.[1]);
      });
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      if (done === total) expect(counts.at(-1)).toBe(done);
      else expect(counts.at(-1)).toBeLessThanOrEqual(done);
      expect(counts[0]).toBe(Math.min(total, steps[0]![1]));
    },
  );

  it("formatDuration and formatRate read well", () => {
    expect([0.2, 42, 65, 3599, 3600, 7322].map(formatDuration)).toEqual(["1s", "42s", "1m05s", "59m59s", "1h00m", "2h02m"]);
    expect([0, 0.254, 3.44, 42.4, Number.NaN].map(formatRate)).toEqual(["0/s", "0.25/s", "3.4/s", "42/s", "0/s"]);
  });
});

// `tripost collect` against an HTTP student whose server fails the first call: the retry layer
// retries it and the progress output counts the retry.
describe("tripost collect progress", () => {
  const fixture = join(rootDirectory, "fixtures/cassettes/collect-msa");
  let server: CassetteServer;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "tripost-progress-"));
    server = await startCassetteServer(() => Promise.resolve(undefined));
  });

  afterAll(async () => {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Answers from the cassette, except that the first `failures` calls answer 500. */
  function failingFirst(failures: number): (request: ModelRequest) => Promise<ModelResponse | undefined> {
    const replay = replayModel(loadCassette(join(fixture, "cassette.jsonl")));
    let calls = 0;
    return (request) => (++calls <= failures ? Promise.resolve(undefined) : firstValueFrom(replay(request)));
  }

  async function collect(name: string, isTty: boolean, extra: readonly string[] = []): Promise<{ code: number; stderr: string }> {
    server.answer = failingFirst(1);
    server.reset();
    const { io, stderr } = fakeIo(isTty);
    const code = await main(
      [
        ...cassetteCollectArgs(server.url, join(fixture, "problems.jsonl"), join(scratch, name), { concurrency: 1, maxRetries: 2 }),
        ...extra,
      ],
      io,
    );
    await flush();
    return { code, stderr: stderr() };
  }

  it("tripost collect without a TTY prints plain progress lines that count rejections and the retry", async () => {
    const result = await collect("plain", false);
    expect(result.code, result.stderr).toBe(0);
    expect(server.misses).toHaveLength(1);
    expect(result.stderr).not.toMatch(/[\r\x1b]/);
    // The progress lines, then the summary (other lines, e.g. usage, may follow).
    const lines = result.stderr.trimEnd().split("\n");
    const summary = lines.findIndex((line) => /^collect \d+ trajectories, \d+ rejections, \d+ training examples/.test(line));
    expect(summary, result.stderr).toBeGreaterThan(0);
    expect(lines.slice(0, summary).every((line) => /^collect \d+\/12 /.test(line)), result.stderr).toBe(true);
    expect(lines[summary - 1]).toMatch(/^collect 12\/12 100% \S+\/s rejected \d+ retries 1$/);
  });

  it("tripost collect on a TTY draws a bar that counts the retry and clears it at the end", async () => {
    const result = await collect("tty", true);
    expect(result.code, result.stderr).toBe(0);
    const frames = result.stderr.split("\r\x1b[K").filter((frame) => frame !== "");
    const summary = frames.findIndex((frame) => /^collect \d+ trajectories/.test(frame));
    expect(summary, result.stderr).toBeGreaterThan(0);
    expect(frames.slice(0, summary).every((frame) => /^collect \[[#.]{24}\] \d+\/12 /.test(frame)), result.stderr).toBe(true);
    expect(frames[summary - 1]).toMatch(/^collect \[#{24}\] 12\/12 100% \S+\/s rejected \d+ retries 1$/);
  });

  it("tripost collect --quiet prints nothing on stderr", async () => {
    const result = await collect("quiet", true, ["--quiet"]);
    expect(result.code).toBe(0);
    expect(server.misses).toHaveLength(1);
    expect(result.stderr).toBe("");
  });
});
