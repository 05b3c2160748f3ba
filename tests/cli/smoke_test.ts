import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

describe("the built CLI under plain node", () => {
  it("runs dist/cli.js: help, problems and a usage error", () => {
    expect(existsSync(cli)).toBe(true);
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("critique");
    const problems = spawnSync(process.execPath, [cli, "problems", "--task", "word_sorting", "--count", "2"], {
      encoding: "utf8",
    });
    expect(problems.status).toBe(0);
    expect(problems.stdout.trim().split("\n")).toHaveLength(2);
    const bad = spawnSync(process.execPath, [cli, "problems", "--bogus"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tripost: /);
  });
});
