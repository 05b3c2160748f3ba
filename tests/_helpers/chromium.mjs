/**
 * Debian's Chromium, driven headless through playwright-core, for the report's browser test and
 * the screenshot script (`scripts/screenshot_report.mjs`). Plain JavaScript (typed by
 * `chromium.d.mts`) so both the vitest test and a plain `node` script load the same launcher.
 * Never downloads a browser: it uses `/usr/bin/chromium` (or `TRIPOST_CHROMIUM`) and says how to
 * install it when it is missing.
 *
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** The command that installs it (as root; `.ci/run` runs it when the browser is missing). */
export const CHROMIUM_INSTALL_COMMAND = "apt-get update && apt-get install -y chromium";

/** The switches of every launch: headless, no sandbox or GPU, nothing that phones home. */
export const CHROMIUM_ARGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]);

/** The browser's path: `TRIPOST_CHROMIUM` when set, else Debian's. */
export function chromiumPath(env = process.env) {
  return env.TRIPOST_CHROMIUM || DEFAULT_CHROMIUM_PATH;
}

/** Throws an error naming the install command when no browser is at `path`. */
export function requireChromium(path = chromiumPath()) {
  if (!existsSync(path)) {
    throw new Error(
      `Cannot open the report in a browser as Chromium is not installed at ${path}: install it with '${CHROMIUM_INSTALL_COMMAND}' (as root; .ci/run does this when it is missing)`,
    );
  }
  return path;
}

/**
 * Starts headless Chromium with a fresh profile directory (removed again by `close`).
 *
 * @param {{ executablePath?: string, width?: number, height?: number }} [options]
 */
export async function launchChromium(options = {}) {
  const executablePath = requireChromium(options.executablePath ?? chromiumPath());
  const profile = mkdtempSync(join(tmpdir(), "tripost-chromium-"));
  let context;
  try {
    // launchPersistentContext passes the profile as --user-data-dir (playwright refuses it in args).
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      deviceScaleFactor: 1,
      offline: true,
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The in-page check of every chart: for each `<canvas>` of the page, whether Chart.js owns it,
 * how many pixels are painted at all, and how many pixels inside the plot area have one of the
 * chart's dataset colours (lines, points, bars: the legend and title lie outside the plot area).
 * Runs in the page; returns plain data.
 */
function inspectCanvasesInPage() {
  const hex = (colour) => {
    const match = /^#([0-9a-f]{6})$/i.exec(colour);
    if (!match) return undefined;
    const value = parseInt(match[1], 16);
    return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  };
  const specText = document.getElementById("chart-specs")?.textContent ?? "[]";
  const specs = JSON.parse(specText);
  return Array.from(document.querySelectorAll("canvas")).map((canvas) => {
    const spec = specs.find((entry) => entry.id === canvas.id);
    const chart = globalThis.Chart?.getChart?.(canvas);
    const context = canvas.getContext("2d");
    const { width, height } = canvas;
    const pixels = context.getImageData(0, 0, width, height).data;
    let painted = 0;
    for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) painted += 1;
    const colours = (spec?.datasets ?? []).map((set) => hex(set.color)).filter((colour) => colour !== undefined);
    let dataPixels = 0;
    let points = 0;
    if (chart !== undefined && chart.chartArea) {
      // The plot area in canvas pixels, widened by a point's radius (points on the axes).
      const scale = width / chart.width;
      const left = Math.max(0, Math.floor((chart.chartArea.left - 4) * scale));
      const top = Math.max(0, Math.floor((chart.chartArea.top - 4) * scale));
      const right = Math.min(width, Math.ceil((chart.chartArea.right + 4) * scale));
      const bottom = Math.min(height, Math.ceil((chart.chartArea.bottom + 4) * scale));
      const area = context.getImageData(left, top, right - left, bottom - top).data;
      for (let index = 0; index < area.length; index += 4) {
        if (area[index + 3] < 200) continue;
        const r = area[index];
        const g = area[index + 1];
        const b = area[index + 2];
        if (colours.some(([cr, cg, cb]) => Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) < 24)) dataPixels += 1;
      }
      for (let set = 0; set < chart.data.datasets.length; set += 1) {
        for (const element of chart.getDatasetMeta(set).data) {
          if (Number.isFinite(element.x) && Number.isFinite(element.y) && !element.skip) points += 1;
        }
      }
    }
    return { id: canvas.id, width, height, hasChart: chart !== undefined, painted, dataPixels, points };
  });
}

/**
 * Opens the HTML file `file` in a new page and reports what a reader would miss: console errors,
 * uncaught page errors, requests other than the file itself, `document.body.dataset.chartsDrawn`,
 * and per canvas the result of the in-page pixel check.
 *
 * @param {{ context: import("playwright-core").BrowserContext }} browser
 * @param {string} file
 */
export async function inspectReport(browser, file) {
  const page = await browser.context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  const requests = [];
  const url = pathToFileURL(file).href;
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("request", (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  try {
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, undefined, { timeout: 10_000 }).catch(() => undefined);
    const chartsDrawn = await page.evaluate(() => document.body.dataset.chartsDrawn ?? null);
    const canvases = await page.evaluate(inspectCanvasesInPage);
    return { consoleErrors, pageErrors, requests, chartsDrawn: chartsDrawn === null ? null : Number(chartsDrawn), canvases };
  } finally {
    await page.close();
  }
}

/**
 * Writes a PNG of the HTML file `file` to `out`, once its charts are drawn: the full page, or
 * from the top down to the bottom of the element `until` (a CSS selector) when given.
 *
 * @param {{ context: import("playwright-core").BrowserContext }} browser
 * @param {string} file
 * @param {string} out
 * @param {{ until?: string }} [options]
 */
export async function screenshotPage(browser, file, out, options = {}) {
  const page = await browser.context.newPage();
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page.waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, undefined, { timeout: 10_000 });
    if (options.until === undefined) {
      await page.screenshot({ path: out, fullPage: true });
    } else {
      const box = await page.locator(options.until).boundingBox();
      if (box === null) throw new Error(`Cannot take the screenshot as the page has no visible '${options.until}'`);
      const width = page.viewportSize()?.width ?? 1280;
      await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width, height: Math.ceil(box.y + box.height + 16) } });
    }
  } finally {
    await page.close();
  }
}
