import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { lastValueFrom, map, mergeMap, of, delay } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDemand } from "../../src/streams/demand_source.js";
import { reorder } from "../../src/streams/reorder.js";
import { appendJsonl, openJsonlAppender, writeJsonl } from "../../src/streams/write_jsonl.js";

let directory = "";
let counter = 0;

function freshPath(name: string): string {
  counter += 1;
  return join(directory, `${counter}-${name}`);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "tripost-write-jsonl-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("writeJsonl()", () => {
  it("writeJsonl() writes one line per record and returns the count", async () => {
    const path = freshPath("out.jsonl");
    async function* records() {
      yield { id: "a" };
      yield { id: "b", text: "line\nbreak" };
    }
    await expect(writeJsonl(path, records())).resolves.toBe(2);
    expect(readFileSync(path, "utf8")).toBe('{"id":"a"}\n{"id":"b","text":"line\\nbreak"}\n');
  });

  it("writeJsonl() leaves the old file untouched and no temporary file when the records fail", async () => {
    const path = freshPath("kept.jsonl");
    writeFileSync(path, '{"old":true}\n');
    function* failing() {
      yield { id: "a" };
      throw new SyntaxError("in.jsonl:2: field 'answer': expected string, got 3");
    }
    await expect(writeJsonl(path, failing())).rejects.toThrow(SyntaxError);
    expect(readFileSync(path, "utf8")).toBe('{"old":true}\n');
    const missing = freshPath("never.jsonl");
    await expect(writeJsonl(missing, failing())).rejects.toThrow(SyntaxError);
    expect(existsSync(missing)).toBe(false);
    expect(readdirSync(directory).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("writeJsonl() rejects a record without a JSON form", async () => {
    await expect(writeJsonl(freshPath("undefined.jsonl"), [undefined])).rejects.toThrow(TypeError);
  });
});

describe("openJsonlAppender()", () => {
  it("openJsonlAppender() with bufferBytes holds lines until the buffer fills or a sync, and counts their bytes", () => {
    const path = freshPath("buffered.jsonl");
    const appender = openJsonlAppender(path, { truncate: true, bufferBytes: 16 });
    appender.append({ n: 1 });
    expect(readFileSync(path, "utf8")).toBe("");
    expect(appender.bytes).toBe(8);
    appender.append({ n: 22 });
    expect(readFileSync(path, "utf8")).toBe('{"n":1}\n{"n":22}\n');
    appender.append({ n: 3 });
    appender.sync();
    expect(readFileSync(path, "utf8")).toBe('{"n":1}\n{"n":22}\n{"n":3}\n');
    expect(appender.bytes).toBe(25);
    appender.append({ n: 4 });
    appender.close();
    expect(readFileSync(path, "utf8")).toBe('{"n":1}\n{"n":22}\n{"n":3}\n{"n":4}\n');
    expect(() => openJsonlAppender(freshPath("bad.jsonl"), { bufferBytes: -1 })).toThrow(RangeError);
  });

  it("openJsonlAppender() appends whole lines, or truncates first", () => {
    const path = freshPath("append.jsonl");
    writeFileSync(path, '{"n":0}\n');
    const appender = openJsonlAppender(path);
    appender.append({ n: 1 });
    appender.close();
    appender.close();
    expect(readFileSync(path, "utf8")).toBe('{"n":0}\n{"n":1}\n');
    expect(() => appender.append({ n: 2 })).toThrow(TypeError);
    const fresh = openJsonlAppender(path, { truncate: true, syncEvery: 1 });
    fresh.append({ n: 9 });
    expect(fresh.count).toBe(1);
    fresh.close();
    expect(readFileSync(path, "utf8")).toBe('{"n":9}\n');
  });

  it("openJsonlAppender() with `atomic` shows the file only on close, and discard() removes it", () => {
    const path = freshPath("atomic.jsonl");
    const appender = openJsonlAppender(path, { atomic: true });
    appender.append({ n: 1 });
    expect(existsSync(path)).toBe(false);
    appender.close();
    expect(readFileSync(path, "utf8")).toBe('{"n":1}\n');
    const failed = openJsonlAppender(path, { atomic: true });
    failed.append({ n: 2 });
    failed.discard();
    expect(readFileSync(path, "utf8")).toBe('{"n":1}\n');
    expect(readdirSync(directory).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(() => openJsonlAppender(path, { syncEvery: -1 })).toThrow(RangeError);
  });
});

describe("appendJsonl()", () => {
  async function runAt(concurrency: number, delays: readonly number[], path: string): Promise<string> {
    const appender = openJsonlAppender(path, { truncate: true });
    await lastValueFrom(
      withDemand(
        delays.map((wait, index) => ({ index, wait })),
        (items$) =>
          items$.pipe(
            mergeMap((item) => of(item).pipe(delay(item.wait), map(({ index }) => ({ index, answer: `a${index * 7}` }))), concurrency),
            reorder((record) => record.index),
            appendJsonl(appender),
          ),
        { window: Math.max(concurrency, 1) },
      ),
      { defaultValue: undefined },
    );
    appender.close();
    return readFileSync(path, "utf8");
  }

  test.prop([fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 })], { numRuns: 15 })(
    "appendJsonl() after reorder() writes byte-identical files at concurrency 1 and 8",
    async (delays) => {
      const serial = await runAt(1, delays, freshPath("serial.jsonl"));
      const parallel = await runAt(8, delays, freshPath("parallel.jsonl"));
      expect(parallel).toBe(serial);
      expect(serial.split("\n").filter((line) => line !== "")).toHaveLength(delays.length);
    },
  );
});
