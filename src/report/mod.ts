/**
 * The run report: {@linkcode loadRun} reads a run directory, {@linkcode renderReport} turns it
 * into one self-contained HTML page.
 *
 * @module
 */
export * from "./escape_html.js";
export * from "./load_run.js";
export * from "./render_report.js";
export * from "./svg_chart.js";
