import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLines } from "../../src/streams/_read_lines.js";
import { decodeWith } from "../../src/codecs/decode.js";
import { Problem } from "../../src/codecs/problem.js";
import { parseJsonlLine, readJsonl } from "../../src/streams/read_jsonl.js";

let directory = "";

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "tripost-read-jsonl-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

describe("readJsonl()", () => {
  it("readJsonl() yields decoded values with their line numbers, skipping blank lines", async () => {
    const path = join(directory, "problems.jsonl");
    writeFileSync(
      path,
      '{"id":"1","task":"word_sorting","question":"q1","answer":"a1","extra":true}\n\n' +
        '{"id":"2","task":"word_sorting","question":"q2","answer":"a2"}\r\n',
    );
    const results = await collect(readJsonl(path, Problem));
    expect(results).toEqual([
      E.right({ line: 1, value: { id: "1", task: "word_sorting", question: "q1", answer: "a1" } }),
      E.right({ line: 3, value: { id: "2", task: "word_sorting", question: "q2", answer: "a2" } }),
    ]);
  });

  it("readJsonl() names the file, line and field of a bad line, and of unparsable JSON", async () => {
    const path = join(directory, "bad.jsonl");
    writeFileSync(
      path,
      '{"id":"1","task":"word_sorting","question":"q","answer":"a"}\n' +
        '{"id":"2","task":"word_sorting","question":"q","answer":3}\n' +
        '{"id":"3",\n' +
        '{"id":"4","task":"word_sorting","question":"q","answer":"a"}',
    );
    const results = await collect(readJsonl(path, Problem));
    expect(results.map((result) => E.isRight(result))).toEqual([true, false, false, true]);
    const second = results[1];
    const third = results[2];
    if (second === undefined || E.isRight(second) || third === undefined || E.isRight(third)) throw new Error("unreachable");
    expect(second.left).toMatchObject({ type: "jsonl-line-invalid", path, line: 2, fields: ["answer"] });
    expect(second.left.message).toBe(`${path}:2: field 'answer': expected string, got 3`);
    expect(third.left.line).toBe(3);
    expect(third.left.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: invalid JSON: `));
  });

  it("readJsonl() rejects the iteration when the file is missing", async () => {
    await expect(collect(readJsonl(join(directory, "missing.jsonl"), Problem))).rejects.toThrow(/ENOENT/);
  });

  it("readJsonl() reads lazily: stopping early leaves the rest unread", async () => {
    const path = join(directory, "many.jsonl");
    writeFileSync(path, Array.from({ length: 50_000 }, (_, index) => `{"n":${index}}`).join("\n"));
    const iterator = readJsonl(path, t.type({ n: t.number }))[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual(E.right({ line: 1, value: { n: 0 } }));
    await iterator.return?.();
    expect((await iterator.next()).done).toBe(true);
  });
});

describe("readLines()", () => {
  it("readLines() keeps multi-byte characters whole across chunk boundaries", async () => {
    const path = join(directory, "utf8.txt");
    const lines = ["héllo wörld", "日本語のテキスト", "", "emoji 🎉🎉", "last"];
    writeFileSync(path, lines.join("\n"));
    for (const chunkSize of [1, 2, 3, 5, 64]) {
      const read = await collect(readLines(path, chunkSize));
      expect(read.map((line) => line.text)).toEqual(lines);
      expect(read.map((line) => line.line)).toEqual([1, 2, 3, 4, 5]);
    }
  });
});

describe("parseJsonlLine()", () => {
  it("parseJsonlLine() decodes one line purely", () => {
    const decode = decodeWith(t.type({ a: t.string }));
    expect(parseJsonlLine('{"a":"x"}', 7, "in.jsonl", decode)).toEqual(E.right({ line: 7, value: { a: "x" } }));
    const failure = parseJsonlLine('{"a":1}', 7, "in.jsonl", decode);
    expect(E.isLeft(failure) && failure.left.message).toBe("in.jsonl:7: field 'a': expected string, got 1");
  });
});
