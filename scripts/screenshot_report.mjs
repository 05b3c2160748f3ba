/**
 * A full-page PNG of a run's report, for the docs:
 *
 *   npm run report:screenshot -- RUN_DIR [OUT_DIR]
 *
 * (Re)writes `RUN_DIR/report.html` with the built CLI (`dist/cli.js report`, so the picture shows
 * the current report code), opens it in Debian's headless Chromium through the launcher the
 * browser test uses (`tests/_helpers/chromium.mjs`), checks that every chart drew and that the
 * page logged no error, and writes two PNGs to OUT_DIR (default `docs/`): `report.png`, the page
 * from the top to the end of the charts (the rejections section), and `report-full.png`, the
 * whole page (example trajectories, model calls and config too). Without RUN_DIR it
 * first runs `tripost run` on the embedded defaults (what `npm start` runs; a few minutes) into
 * `runs/screenshot`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspectReport, launchChromium, requireChromium, screenshotPage } from "../tests/_helpers/chromium.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");

function fail(message) {
  process.stderr.write(`screenshot_report: ${message}\n`);
  process.exit(1);
}

function tripost(args) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) fail(`'tripost ${args.join(" ")}' exited with ${result.status ?? result.signal}`);
}

const [runArgument, outArgument, ...extra] = process.argv.slice(2);
if (extra.length > 0 || runArgument === "--help") {
  process.stdout.write("usage: node scripts/screenshot_report.mjs [RUN_DIR] [OUT_DIR]\n");
  process.exit(runArgument === "--help" ? 0 : 2);
}
try {
  requireChromium();
} catch (error) {
  fail(error.message);
}
if (!existsSync(cli)) fail(`${cli} is missing: run 'npm run build' first`);

const runDirectory = resolve(runArgument ?? join(root, "runs", "screenshot"));
if (runArgument === undefined && !existsSync(join(runDirectory, "metrics.json"))) {
  tripost(["run", "--out", runDirectory, ...(existsSync(join(runDirectory, "config.json")) ? ["--resume"] : [])]);
}
tripost(["report", runDirectory]);
const report = join(runDirectory, "report.html");
const outDirectory = resolve(outArgument ?? join(root, "docs"));

const browser = await launchChromium({ width: 1200, height: 900 });
try {
  const seen = await inspectReport(browser, report);
  const problems = [
    ...seen.consoleErrors.map((text) => `console error: ${text}`),
    ...seen.pageErrors.map((text) => `page error: ${text}`),
    ...seen.requests.map((url) => `request: ${url}`),
    ...seen.canvases.filter((canvas) => !canvas.hasChart || canvas.dataPixels === 0).map((canvas) => `chart ${canvas.id} drew no data`),
  ];
  if (problems.length > 0) fail(`the report has problems:\n  ${problems.join("\n  ")}`);
  const charts = join(outDirectory, "report.png");
  const full = join(outDirectory, "report-full.png");
  await screenshotPage(browser, report, charts, { until: "#rejections" });
  await screenshotPage(browser, report, full);
  process.stdout.write(`${seen.canvases.length} charts drawn; screenshots: ${charts} ${full}\n`);
} finally {
  await browser.close();
}
