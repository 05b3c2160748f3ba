/**
 * The run report: {@linkcode loadRun} reads a run directory, {@linkcode renderReport} turns it
 * into one self-contained HTML page with Chart.js charts ({@linkcode chartJsSource}) inlined.
 *
 * @module
 */
export * from "./chart_js_source.js";
export * from "./charts.js";
export * from "./escape_html.js";
export * from "./load_run.js";
export * from "./render_report.js";
