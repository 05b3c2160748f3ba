import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "@fast-check/vitest";
import fc from "fast-check";
import * as t from "io-ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOURNAL_FILE_NAME, openJournal } from "../../src/streams/journal.js";

const Entry = t.type({ key: t.string, value: t.number });
let directory = "";
let counter = 0;

function freshPath(): string {
  counter += 1;
  return join(directory, `run-${counter}`, JOURNAL_FILE_NAME);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "tripost-journal-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("openJournal()", () => {
  it("openJournal() appends one line per entry and serves the first entry of a key", () => {
    const path = freshPath();
    const journal = openJournal(path, Entry, { syncEvery: 1 });
    journal.append({ key: "a", value: 1 });
    journal.append({ key: "b", value: 2 });
    journal.append({ key: "a", value: 3 });
    expect(journal.get("a")).toEqual({ key: "a", value: 1 });
    expect(journal.has("b")).toBe(true);
    expect(journal.size).toBe(2);
    journal.close();
    journal.close();
    expect(readFileSync(path, "utf8")).toBe('{"key":"a","value":1}\n{"key":"b","value":2}\n{"key":"a","value":3}\n');
    expect(() => journal.append({ key: "c", value: 4 })).toThrow(TypeError);
  });

  it("openJournal() with `resume` loads entries and trims a torn last line", () => {
    const path = freshPath();
    const first = openJournal(path, Entry);
    first.append({ key: "a", value: 1 });
    first.close();
    appendFileSync(path, '{"key":"b","va');
    const second = openJournal(path, Entry, { resume: true });
    expect(second.loaded).toBe(1);
    expect(second.trimmedBytes).toBe(14);
    expect(second.get("a")).toEqual({ key: "a", value: 1 });
    expect(second.has("b")).toBe(false);
    second.append({ key: "c", value: 3 });
    second.close();
    expect(readFileSync(path, "utf8")).toBe('{"key":"a","value":1}\n{"key":"c","value":3}\n');
  });

  it("openJournal() with `resume` trims a complete but invalid last line (zeros after a crash)", () => {
    const path = freshPath();
    const first = openJournal(path, Entry);
    first.append({ key: "a", value: 1 });
    first.close();
    appendFileSync(path, "\0\0\0\0\n");
    const second = openJournal(path, Entry, { resume: true });
    expect(second.size).toBe(1);
    expect(second.trimmedBytes).toBe(5);
    second.close();
    expect(readFileSync(path, "utf8")).toBe('{"key":"a","value":1}\n');
  });

  it("openJournal() refuses a journal with an invalid line before valid ones", () => {
    const path = freshPath();
    openJournal(path, Entry).close();
    writeFileSync(path, '{"key":"a","value":1}\n{"key":"b"}\n{"key":"c","value":3}\n');
    expect(() => openJournal(path, Entry, { resume: true })).toThrow(
      `Cannot open journal as line 2 of ${path} is invalid: field 'value': expected number, got undefined`,
    );
  });

  it("openJournal() without `resume` starts afresh", () => {
    const path = freshPath();
    const first = openJournal(path, Entry);
    first.append({ key: "a", value: 1 });
    first.close();
    const second = openJournal(path, Entry);
    expect(second.size).toBe(0);
    second.close();
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("openJournal() creates the run directory and checks its options", () => {
    const path = freshPath();
    expect(() => openJournal(path, Entry, { syncEvery: 0 })).toThrow(
      "Cannot open journal as 'syncEvery' must be a positive integer: current value is 0",
    );
    expect(() => openJournal(path, Entry, { syncIntervalMs: -1 })).toThrow(RangeError);
    const journal = openJournal(path, Entry, { resume: true, syncIntervalMs: 0 });
    expect(existsSync(path)).toBe(true);
    journal.close();
  });
});

describe("openJournal() reads entries back from the file", () => {
  const Text = t.type({ key: t.string, text: t.string });
  it("openJournal() keeps apart keys that share a leading run of hex digits, before and after a resume", () => {
    const path = freshPath();
    const keys = ["0123456789abcdef-a", "0123456789abcdef-b", "0123456789ABCDEF", "0123456789abcdef".repeat(4)];
    const journal = openJournal(path, Text);
    keys.forEach((key, index) => journal.append({ key, text: String(index) }));
    keys.forEach((key, index) => expect(journal.get(key)).toEqual({ key, text: String(index) }));
    journal.close();
    const resumed = openJournal(path, Text, { resume: true });
    try {
      expect(resumed.size).toBe(keys.length);
      keys.forEach((key, index) => expect(resumed.get(key)).toEqual({ key, text: String(index) }));
    } finally {
      resumed.close();
    }
  });

  test.prop([fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6000 })), { maxLength: 30 })])(
    "openJournal() serves the first entry of each key, whatever their sizes, before and after a resume",
    (pairs) => {
      const path = freshPath();
      const first = new Map<string, string>();
      const journal = openJournal(path, Text);
      for (const [key, text] of pairs) {
        journal.append({ key, text });
        if (!first.has(key)) first.set(key, text);
        expect(journal.get(key)).toEqual({ key, text: first.get(key) });
      }
      journal.close();
      const resumed = openJournal(path, Text, { resume: true });
      try {
        expect(resumed.size).toBe(first.size);
        for (const [key, text] of first) expect(resumed.get(key)).toEqual({ key, text });
        resumed.append({ key: "after-resume", text: "é" });
        expect(resumed.get("after-resume")).toEqual({ key: "after-resume", text: "é" });
      } finally {
        resumed.close();
      }
    },
  );
});
