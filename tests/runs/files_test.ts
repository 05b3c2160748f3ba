import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as t from "io-ts";
import { afterAll, describe, expect, it } from "vitest";
import { openLineReader, openStagedJsonl, readJsonDecoded, readJsonlDecoded, writeJsonAtomic, writeLinesAt } from "../../src/runs/files.js";

const scratch = mkdtempSync(join(tmpdir(), "tripost-runs-files-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function fresh(): string {
  counter += 1;
  const directory = join(scratch, `case-${counter}`);
  mkdirSync(directory);
  return directory;
}

describe("writeJsonAtomic() and readJsonDecoded()", () => {
  it("writeJsonAtomic() writes pretty JSON with a final line end and leaves no temporary file", () => {
    const directory = fresh();
    writeJsonAtomic(join(directory, "stats.json"), { problems: 3 });
    expect(readFileSync(join(directory, "stats.json"), "utf8")).toBe('{\n  "problems": 3\n}\n');
    expect(readdirSync(directory)).toEqual(["stats.json"]);
  });

  it("readJsonDecoded() decodes with the codec and names the file and the field when it does not", () => {
    const path = join(fresh(), "metrics.json");
    writeJsonAtomic(path, { count: "three" });
    expect(() => readJsonDecoded(path, t.type({ count: t.number }))).toThrow(/metrics\.json.*count/);
    writeFileSync(path, "{not json");
    expect(() => readJsonDecoded(path, t.type({ count: t.number }))).toThrow(/not valid JSON/);
    writeJsonAtomic(path, { count: 3 });
    expect(readJsonDecoded(path, t.type({ count: t.number }))).toEqual({ count: 3 });
  });

  it("readJsonlDecoded() reads every line and names file:line at a bad one", async () => {
    const path = join(fresh(), "x.jsonl");
    writeFileSync(path, '{"a":1}\n{"a":2}\n');
    expect(await readJsonlDecoded(path, t.type({ a: t.number }))).toEqual([{ a: 1 }, { a: 2 }]);
    writeFileSync(path, '{"a":1}\n{"a":"b"}\n');
    await expect(readJsonlDecoded(path, t.type({ a: t.number }))).rejects.toThrow(/x\.jsonl:2/);
  });
});

describe("openStagedJsonl()", () => {
  it("openStagedJsonl() keeps the lines in <path>.partial until the commit, then puts the file in place", () => {
    const directory = fresh();
    const path = join(directory, "trajectories.jsonl");
    const staged = openStagedJsonl(path);
    staged.append({ id: "a" });
    expect(existsSync(path)).toBe(false);
    // Lines are held in batches until a sync.
    staged.sync();
    expect(readFileSync(staged.partialPath, "utf8")).toBe('{"id":"a"}\n');
    staged.commit();
    expect(readFileSync(path, "utf8")).toBe('{"id":"a"}\n');
    expect(readdirSync(directory)).toEqual(["trajectories.jsonl"]);
  });

  it("openStagedJsonl() empties a partial file a killed run left, and discard() removes it", () => {
    const directory = fresh();
    const path = join(directory, "rejections.jsonl");
    openStagedJsonl(path).append({ id: "old" });
    const staged = openStagedJsonl(path);
    expect(readFileSync(staged.partialPath, "utf8")).toBe("");
    staged.append({ id: "new" });
    staged.discard();
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe("openLineReader() and writeLinesAt()", () => {
  test.prop([fc.array(fc.string({ maxLength: 9000 }), { minLength: 1, maxLength: 20 })])(
    "openLineReader() reads back every line by the byte offset openStagedJsonl() reported for it",
    (texts) => {
      const path = join(fresh(), "lines.jsonl");
      const staged = openStagedJsonl(path);
      const offsets = texts.map((text) => {
        const offset = staged.bytes;
        staged.append({ text });
        return offset;
      });
      staged.commit();
      const reader = openLineReader(path);
      try {
        offsets.forEach((offset, index) => expect(JSON.parse(reader.lineAt(offset))).toEqual({ text: texts[index] }));
      } finally {
        reader.close();
      }
    },
  );

  it("writeLinesAt() copies the lines at the offsets in their order, through the transform", () => {
    const directory = fresh();
    const source = join(directory, "examples.jsonl");
    writeFileSync(source, '{"id":"a"}\n{"id":"bb"}\n{"id":"c"}\n');
    expect(writeLinesAt(source, [23, 0], join(directory, "train.jsonl"))).toBe(2);
    expect(readFileSync(join(directory, "train.jsonl"), "utf8")).toBe('{"id":"c"}\n{"id":"a"}\n');
    writeLinesAt(source, [11], join(directory, "masked.jsonl"), (line) => ({ ...(JSON.parse(line) as object), weightBefore: 0 }));
    expect(readFileSync(join(directory, "masked.jsonl"), "utf8")).toBe('{"id":"bb","weightBefore":0}\n');
  });
});
