import { describe, expect, it } from "vitest";
import { helpText, parseArgs } from "../../src/cli/_args.js";
import { UsageError } from "../../src/errors.js";

const specs = {
  task: { type: "string", description: "the task", required: true },
  count: { type: "number", description: "how many", integer: true, min: 0 },
  split: { type: "string", description: "which", choices: ["seen", "unseen", "all"] },
  resume: { type: "boolean", description: "resume" },
  to: { type: "string", description: "repeatable", repeated: true },
} as const;

describe("parseArgs()", () => {
  it("reads values, =values, booleans, negative numbers and positionals", () => {
    const args = parseArgs("x", ["--task", "word_sorting", "--count=-0", "--resume", "dir", "--to", "a", "--to", "b"], specs);
    expect(args.flags).toEqual({ task: "word_sorting", count: -0, resume: true, to: ["a", "b"] });
    expect(args.positionals).toEqual(["dir"]);
  });

  it("rejects unknown flags, missing values, bad numbers and bad choices", () => {
    expect(() => parseArgs("x", ["--task", "t", "--nope"], specs)).toThrow(/Unknown flag '--nope'/);
    expect(() => parseArgs("x", ["--task"], specs)).toThrow(/needs a value/);
    expect(() => parseArgs("x", ["--task", "t", "--count", "1.5"], specs)).toThrow(/must be an integer/);
    expect(() => parseArgs("x", ["--task", "t", "--count", "abc"], specs)).toThrow(/as a number/);
    expect(() => parseArgs("x", ["--task", "t", "--count", "-1"], specs)).toThrow(/at least 0/);
    expect(() => parseArgs("x", ["--task", "t", "--split", "both"], specs)).toThrow(/one of seen, unseen, all/);
    expect(() => parseArgs("x", [], specs)).toThrow(UsageError);
    expect(() => parseArgs("x", ["--task", "a", "--task", "b"], specs)).toThrow(/more than once/);
  });

  it("lets --help through without required flags", () => {
    expect(parseArgs("x", ["--help"], specs).help).toBe(true);
  });

  it("lists every flag in the help text", () => {
    const text = helpText("x", "does x", "tripost x", specs);
    for (const name of Object.keys(specs)) expect(text).toContain(`--${name}`);
  });
});
