import { createHash } from "node:crypto";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/codecs/problem.js";
import { readProblems, scanProblems } from "../../src/cli/_input.js";
import { InputError } from "../../src/errors.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { runCli, silentIo } from "../_helpers/cli_io.js";

const scratch = mkdtempSync(join(tmpdir(), "tripost-scan-problems-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;

function write(text: string, name = `problems-${files++}.jsonl`): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

async function all(iterable: AsyncIterable<Problem>): Promise<Problem[]> {
  const problems: Problem[] = [];
  for await (const problem of iterable) problems.push(problem);
  return problems;
}

async function errorOf(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

const pool = multistepArithmetic.generate({ count: 40, seed: 7 });

describe("scanProblems()", () => {
  it("reads what readProblems reads, as often as asked, with the count, the positions and the SHA-256 of the bytes (problem JSONL, blank lines, CRLF)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        async (picks, blanks, end, trailing) => {
          const rows: string[] = [];
          picks.forEach((pick, position) => {
            if (blanks[position]) rows.push(position % 2 === 0 ? "" : "  ");
            rows.push(JSON.stringify(pool[pick]));
          });
          if (blanks[12]) rows.push("");
          const text = rows.join(end) + (trailing ? end : "");
          const path = write(text);
          const visited: [string, number][] = [];
          const file = await scanProblems(silentIo(), "multistep_arithmetic", path, (problem, position) => visited.push([problem.id, position]));
          const expected = await readProblems(silentIo(), "multistep_arithmetic", path);
          expect(file.count).toBe(expected.length);
          expect(visited).toEqual(expected.map((problem, position) => [problem.id, position]));
          expect(await all(file.read())).toEqual(expected);
          expect(await all(file.read())).toEqual(expected);
          expect(file.input).toEqual({ path, sha256: createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex") });
        },
      ),
      { numRuns: 60, seed: 12 },
    );
  });

  it("reads official rows and a BIG-Bench-Hard file (one JSON document) as readProblems does", async () => {
    for (const [task, name] of [
      ["multistep_arithmetic", "fixtures/data/multistep_arithmetic_official_rationale.jsonl"],
      ["multistep_arithmetic", "fixtures/data/bbh_multistep_arithmetic_two.json"],
      ["word_sorting", "fixtures/data/bbh_word_sorting.json"],
    ] as const) {
      const expected = await readProblems(silentIo(), task, name);
      const file = await scanProblems(silentIo(), task, name);
      expect(expected.length).toBeGreaterThan(0);
      expect(file.count).toBe(expected.length);
      expect(await all(file.read())).toEqual(expected);
      expect(file.input.sha256).toBe(createHash("sha256").update(readFileSync(name)).digest("hex"));
    }
  });

  it("refuses the first bad line in file order with readProblems's message (file, line, field), a repeated id, and a missing file", async () => {
    const rows = pool.slice(0, 5).map((problem) => JSON.stringify(problem));
    const cases: [string[], RegExp][] = [
      [[rows[0] as string, JSON.stringify({ ...pool[1], question: 42 }), rows[2] as string, "{not json", rows[4] as string], /:line 2: .*question/],
      [[rows[0] as string, rows[1] as string, "[1, 2]"], /:line 3: expected a JSON object$/],
      [[rows[0] as string, "", rows[1] as string, "{not json"], /:line 4: not valid JSON/],
      [[rows[0] as string, rows[1] as string, rows[0] as string], /:line 3: field 'id': duplicate id/],
      [[rows[0] as string, JSON.stringify({ ...pool[1], task: "word_sorting" })], /:line 2: field 'task': expected task 'multistep_arithmetic'/],
    ];
    for (const [lines, pattern] of cases) {
      const path = write(`${lines.join("\n")}\n`);
      const scanned = await errorOf(() => scanProblems(silentIo(), "multistep_arithmetic", path));
      const whole = await errorOf(() => readProblems(silentIo(), "multistep_arithmetic", path));
      expect(scanned).toBeInstanceOf(InputError);
      expect(scanned.message).toBe(whole.message);
      expect(scanned.message.startsWith(`${path}:line `)).toBe(true);
      expect(scanned.message).toMatch(pattern);
    }
    const missing = await errorOf(() => scanProblems(silentIo(), "multistep_arithmetic", join(scratch, "absent.jsonl")));
    expect(missing.message).toBe(`${join(scratch, "absent.jsonl")}: no such file`);
  });

  it("read() refuses a file that changed after it was checked", async () => {
    const path = write(`${pool.slice(0, 3).map((problem) => JSON.stringify(problem)).join("\n")}\n`);
    const file = await scanProblems(silentIo(), "multistep_arithmetic", path);
    writeFileSync(path, `${pool.slice(0, 4).map((problem) => JSON.stringify(problem)).join("\n")}\n`);
    const later = new Date(Date.now() + 5000);
    utimesSync(path, later, later);
    const error = await errorOf(() => all(file.read()));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${path}: the file changed after it was checked; run the command again`);
  });

  it("read() refuses a file that yields another number of problems than were checked, even with the same size and mtime", async () => {
    const rows = pool.slice(0, 3).map((problem) => JSON.stringify(problem));
    const path = write(`${rows.join("\n")}\n`);
    const stamp = Math.floor(Date.now() / 1000) - 60; // whole seconds: restored exactly below
    utimesSync(path, stamp, stamp);
    const file = await scanProblems(silentIo(), "multistep_arithmetic", path);
    writeFileSync(path, `${rows[0] as string}\n${" ".repeat((rows[1] as string).length)}\n${rows[2] as string}\n`);
    utimesSync(path, stamp, stamp);
    expect(statSync(path).size).toBe(Buffer.byteLength(`${rows.join("\n")}\n`));
    const error = await errorOf(() => all(file.read()));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${path}: the file changed while it was read (2 problems, 3 when checked); run the command again`);
  });

  it("a pipe is read once (its problems kept), with the SHA-256 of what came through it", async () => {
    const text = `${pool.slice(0, 4).map((problem) => JSON.stringify(problem)).join("\n")}\n`;
    const source = write(text);
    const fifo = join(scratch, "problems.fifo");
    execFileSync("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", `cat '${source}' > '${fifo}'`]);
    const file = await scanProblems(silentIo(), "multistep_arithmetic", fifo);
    await new Promise((resolve) => writer.once("exit", resolve));
    const expected = await readProblems(silentIo(), "multistep_arithmetic", source);
    expect(file.count).toBe(4);
    expect(await all(file.read())).toEqual(expected);
    expect(await all(file.read())).toEqual(expected);
    expect(file.input.sha256).toBe(createHash("sha256").update(text).digest("hex"));
  });
});

describe("tripost collect reads its input in two passes", () => {
  it("a bad last line of a long input: exit 2 naming file, line and field, before any model is resolved, and no output directory", async () => {
    const problems = multistepArithmetic.generate({ count: 2000, seed: 3 });
    const rows = problems.map((problem) => JSON.stringify(problem));
    rows.push(JSON.stringify({ ...problems[0], id: "last", answer: 7 }));
    const input = write(`${rows.join("\n")}\n`, "long.jsonl");
    const out = join(scratch, "long-out");
    const result = await runCli([
      "collect",
      "--task",
      "multistep_arithmetic",
      "--student",
      "embedded:/nonexistent/checkpoint",
      "--expert",
      "scripted",
      "--in",
      input,
      "--out",
      out,
      "--quiet",
    ]);
    expect(result.code).toBe(2);
    const message = result.stderr.trim().split("\n").at(-1) ?? "";
    expect(message).toContain(`${input}:line 2001: `);
    expect(message).toContain("answer");
    expect(existsSync(out)).toBe(false);
  });
});
