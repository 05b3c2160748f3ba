import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../_helpers/cli_io.js";
import { writeRunFixture } from "../report/_run_fixture.js";

let directory: string | undefined;

afterEach(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

describe("tripost report", () => {
  it("tripost report writes DIR/report.html and prints its path", async () => {
    directory = writeRunFixture();
    const result = await runCli(["report", directory]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const path = join(directory, "report.html");
    expect(result.stdout).toBe(`Report: ${path}\n`);
    const html = readFileSync(path, "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html.match(/<canvas/g)?.length).toBe(7);
  });

  it("tripost report --out writes elsewhere, relative to the working directory", async () => {
    directory = writeRunFixture();
    const result = await runCli(["report", ".", "--out", "elsewhere/r.html"], { cwd: directory });
    expect(result.code).toBe(0);
    expect(existsSync(join(directory, "elsewhere", "r.html"))).toBe(true);
    expect(existsSync(join(directory, "report.html"))).toBe(false);
  });

  it("tripost report names a bad file and exits 2", async () => {
    directory = writeRunFixture();
    writeFileSync(join(directory, "iteration-1", "stats.json"), JSON.stringify({ rebalance: { improvement: "many" } }));
    const result = await runCli(["report", directory]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(directory, "iteration-1", "stats.json"));
    expect(existsSync(join(directory, "report.html"))).toBe(false);
  });

  it("tripost report without a directory is a usage error", async () => {
    const result = await runCli(["report"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no run directory/);
  });
});
