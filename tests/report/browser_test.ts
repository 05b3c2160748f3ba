import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDirectory } from "../_helpers/child_run.js";
import { type Chromium, CHROMIUM_INSTALL_COMMAND, inspectReport, launchChromium, type ReportInspection, requireChromium } from "../_helpers/chromium.mjs";
import { type CliResult, runCli } from "../_helpers/cli_io.js";
import { writeRunConfig } from "../_helpers/run_config.js";

// A real run (the tiny config: embedded student, scripted expert, one iteration, both baselines)
// whose report.html is opened in Debian's headless Chromium. No skip: without the browser the
// suite fails and names the apt command.

let scratch: string;
let runDirectory: string;
let run: CliResult;
let browser: Chromium | undefined;
let inspection: ReportInspection;

beforeAll(async () => {
  requireChromium();
  scratch = mkdtempSync(join(tmpdir(), "tripost-browser-"));
  runDirectory = join(scratch, "run");
  run = await runCli(["run", "--config", writeRunConfig(scratch), "--out", runDirectory, "--quiet"], { cwd: rootDirectory });
  if (run.code !== 0) throw new Error(`tripost run failed with exit code ${run.code}: ${run.stderr}`);
  browser = await launchChromium();
  inspection = await inspectReport(browser, join(runDirectory, "report.html"));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe("the run report in headless Chromium", () => {
  it("tripost run ends by printing the report's path as the last line on stdout", () => {
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe(`Report: ${join(runDirectory, "report.html")}`);
    expect(run.stdout.endsWith("\n")).toBe(true);
  });

  it("tripost run --quiet prints no progress on stderr", () => {
    expect(run.stderr).toBe("");
  });

  it("the report of a real run logs no console error, throws no page error and requests nothing", () => {
    expect(inspection.consoleErrors).toEqual([]);
    expect(inspection.pageErrors).toEqual([]);
    expect(inspection.requests).toEqual([]);
  });

  it("the report of a real run draws every chart with data", () => {
    const canvasCount = readFileSync(join(runDirectory, "report.html"), "utf8").match(/<canvas /g)?.length ?? 0;
    // Accuracy (seen, unseen, total), self-improvement (frequency, contribution), data mix, and
    // the rejections chart when the run rejected something.
    expect(canvasCount).toBeGreaterThanOrEqual(6);
    expect(inspection.canvases).toHaveLength(canvasCount);
    expect(inspection.chartsDrawn).toBe(canvasCount);
    for (const canvas of inspection.canvases) {
      expect(canvas.hasChart, canvas.id).toBe(true);
      expect(canvas.painted, canvas.id).toBeGreaterThan(1000);
      expect(canvas.points, canvas.id).toBeGreaterThan(0);
      expect(canvas.dataPixels, canvas.id).toBeGreaterThan(20);
    }
    expect(inspection.canvases.map((canvas) => canvas.id)).toEqual(
      expect.arrayContaining(["chart-accuracy-seen", "chart-accuracy-unseen", "chart-accuracy-total", "chart-si-frequency", "chart-si-contribution", "chart-data-mix"]),
    );
  });

  it("the checks see a blank canvas, a console error and a thrown error", async () => {
    const page = join(scratch, "broken.html");
    writeFileSync(
      page,
      `<!DOCTYPE html><html><body><canvas id="blank" width="100" height="50"></canvas><script>console.error("boom");document.body.dataset.chartsDrawn = "0";throw new Error("kaput");</script></body></html>`,
    );
    const broken = await inspectReport(browser!, page);
    expect(broken.consoleErrors).toEqual(["boom"]);
    expect(broken.pageErrors).toEqual([expect.stringContaining("kaput")]);
    expect(broken.canvases).toEqual([{ id: "blank", width: 100, height: 50, hasChart: false, painted: 0, dataPixels: 0, points: 0 }]);
  });

  it("a missing browser is an error naming the apt command", () => {
    expect(() => requireChromium(join(scratch, "no-chromium"))).toThrow(CHROMIUM_INSTALL_COMMAND);
  });
});
