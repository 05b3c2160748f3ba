import { describe, expect, it } from "vitest";
import { helpText } from "../../src/cli/_args.js";
import { evalCommand } from "../../src/cli/eval.js";
import { DEFAULT_MAX_GENERATIONS } from "../../src/stages/self_improve.js";

describe("defaults shown by --help", () => {
  it("tripost eval --help shows the --max-generations default that eval uses", () => {
    const help = helpText(evalCommand.name, evalCommand.summary, evalCommand.usage, evalCommand.flags);
    const line = help.split("\n").find((text) => text.trimStart().startsWith("--max-generations"));
    expect(line).toBeDefined();
    expect(DEFAULT_MAX_GENERATIONS).toBe(3);
    expect(line).toContain(`(default: ${DEFAULT_MAX_GENERATIONS})`);
  });
});
