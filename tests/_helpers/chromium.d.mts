import type { BrowserContext } from "playwright-core";

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM_PATH: string;
/** The command that installs it (as root; `.ci/run` runs it when the browser is missing). */
export const CHROMIUM_INSTALL_COMMAND: string;
/** The switches of every launch: headless, no sandbox or GPU, nothing that phones home. */
export const CHROMIUM_ARGS: readonly string[];

/** The browser's path: `TRIPOST_CHROMIUM` when set, else Debian's. */
export function chromiumPath(env?: Readonly<Record<string, string | undefined>>): string;
/** Throws an error naming the install command when no browser is at `path`; returns `path`. */
export function requireChromium(path?: string): string;

/** A running headless Chromium with a fresh profile. */
export interface Chromium {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh profile directory (removed again by `close`). */
export function launchChromium(options?: { executablePath?: string; width?: number; height?: number }): Promise<Chromium>;

/** The in-page check of one `<canvas>`. */
export interface CanvasCheck {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Chart.js owns the canvas. */
  readonly hasChart: boolean;
  /** Pixels with any paint (alpha > 0). */
  readonly painted: number;
  /** Opaque pixels in the plot area with one of the chart's dataset colours. */
  readonly dataPixels: number;
  /** Data elements (points, bars) laid out at finite coordinates. */
  readonly points: number;
}

/** What {@linkcode inspectReport} saw. */
export interface ReportInspection {
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  /** URLs requested besides the file itself (a self-contained page requests none). */
  readonly requests: readonly string[];
  /** `document.body.dataset.chartsDrawn`, or null when the page never set it. */
  readonly chartsDrawn: number | null;
  readonly canvases: readonly CanvasCheck[];
}

/** Opens an HTML file and reports console errors, page errors, requests and each canvas's pixels. */
export function inspectReport(browser: Chromium, file: string): Promise<ReportInspection>;

/**
 * Writes a PNG of an HTML file once its charts are drawn: the full page, or from the top down to
 * the bottom of the element `until` (a CSS selector) when given.
 */
export function screenshotPage(browser: Chromium, file: string, out: string, options?: { until?: string }): Promise<void>;
