/**
 * The run report: one self-contained HTML page (inline CSS, Chart.js inlined, no network) with
 * accuracy per iteration and method, self-improvement, the training data mix, rejections, a few
 * example trajectories with their weighted spans, and the run's config.
 *
 * @module
 */
import type { TrainingExample } from "../codecs/training_example.js";
import type { Trajectory } from "../codecs/trajectory.js";
import { escapeHtml } from "./escape_html.js";
import type { IterationData, ModelCallCount, ReportRow, RunData } from "./load_run.js";
import type { UsageReport } from "../codecs/metrics.js";
import { chartJsSource } from "./chart_js_source.js";
import { CHART_BOOTSTRAP, type ChartSpec, chartCanvas, type LineSeries, lineChartSpec, scriptSafeJson, stackedBarChartSpec } from "./charts.js";

/** The kinds of training examples, in the order the mix shows them. */
export const EXAMPLE_KINDS = ["improvement", "terminal", "correct", "gold"] as const;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.4}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#555}.charts{display:flex;flex-wrap:wrap;gap:1rem}
.chart{background:#fff;border:1px solid #e5e5e5;margin:0;padding:4px}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}
pre{white-space:pre-wrap;word-break:break-word;margin:.2rem 0;font-size:12px}
.trajectory{border:1px solid #ccc;border-radius:6px;padding:.6rem;margin:1rem 0}
.part{border-left:4px solid;padding:.2rem .5rem;margin:.4rem 0}.part .label{font-size:11px;font-weight:600;text-transform:uppercase;color:#555}
.attempt{border-color:#0072B2;background:#f2f8fc}.update{border-color:#009E73;background:#f0faf6}.feedback{border-color:#E69F00;background:#fdf7ec}
.by-expert .label::after{content:" · expert";color:#D55E00}.by-student .label::after{content:" · student";color:#0072B2}
.example{background:#fafafa;border:1px dashed #bbb;padding:.4rem}.example .unweighted{color:#888}
.example mark.weighted{background:#fff1a8;color:#222;outline:1px solid #e6c200}
`;

function percent(value: number): string {
  return `${Math.round(value * 1000) / 10}%`;
}

function cell(value: number | null | undefined, asPercent = false): string {
  if (value === null || value === undefined) return "–";
  return escapeHtml(asPercent ? percent(value) : String(Math.round(value * 1000) / 1000));
}

/** The methods of a run in order of appearance, M0 first when present. */
function methodsOf(rows: readonly ReportRow[]): string[] {
  return [...new Set(rows.map((row) => row.method))];
}

/** Records a chart's spec and returns its canvas. */
function add(specs: ChartSpec[], spec: ChartSpec): string {
  specs.push(spec);
  return chartCanvas(spec);
}

/** One line per method (M0 as the common start), of `value` per iteration. */
export function seriesOf(rows: readonly ReportRow[], value: (row: ReportRow) => number | null): LineSeries[] {
  const start = rows.find((row) => row.method === "M0");
  const methods = methodsOf(rows).filter((method) => method !== "M0");
  if (methods.length === 0) return start === undefined ? [] : [{ name: "M0", points: [{ x: start.iteration, y: value(start) }] }];
  return methods.map((method) => ({
    name: method,
    points: [...(start === undefined ? [] : [start]), ...rows.filter((row) => row.method === method)]
      .sort((left, right) => left.iteration - right.iteration)
      .map((row) => ({ x: row.iteration, y: value(row) })),
  }));
}

function accuracySection(rows: readonly ReportRow[], specs: ChartSpec[]): string {
  const charts = (["seen", "unseen", "total"] as const).map((key) =>
    add(specs, lineChartSpec(`chart-accuracy-${key}`, seriesOf(rows, (row) => row[key]), { title: `Accuracy (${key}) per iteration`, yMax: 1, percent: true }))
  );
  const table = `<table><thead><tr><th>method</th><th>iteration</th><th>seen</th><th>unseen</th><th>total</th><th>SI frequency</th><th>SI contribution</th><th>examples</th><th>steps</th></tr></thead><tbody>${
    rows.map((row) =>
      `<tr><td>${escapeHtml(row.method)}</td><td>${row.iteration}</td><td>${cell(row.seen, true)}</td><td>${cell(row.unseen, true)}</td><td>${cell(row.total, true)}</td><td>${
        cell(row.selfImprovementFrequency, true)
      }</td><td>${cell(row.selfImprovementContribution, true)}</td><td>${cell(row.examples)}</td><td>${cell(row.steps)}</td></tr>`
    ).join("")
  }</tbody></table>`;
  return `<section id="accuracy"><h2>Accuracy</h2><div class="charts">${charts.join("")}</div>${table}</section>`;
}

function selfImprovementSection(rows: readonly ReportRow[], specs: ChartSpec[]): string {
  const charts = [
    add(specs, lineChartSpec("chart-si-frequency", seriesOf(rows, (row) => row.selfImprovementFrequency), { title: "Self-improvement frequency", yMax: 1, percent: true })),
    add(specs, lineChartSpec("chart-si-contribution", seriesOf(rows, (row) => row.selfImprovementContribution), { title: "Self-improvement contribution", yMax: 1, percent: true })),
  ];
  return `<section id="self-improvement"><h2>Self-improvement</h2><p class="meta">Frequency: share of test questions on which the student wrote an error feedback and an update. Contribution: share of correct answers reached by such an update from a wrong first attempt.</p><div class="charts">${
    charts.join("")
  }</div></section>`;
}

function dataMixSection(iterations: readonly IterationData[], specs: ChartSpec[]): string {
  const withStats = iterations.filter((iteration) => iteration.stats !== undefined);
  if (withStats.length === 0) return `<section id="data-mix"><h2>Training data mix</h2><p>No stats.json in this run.</p></section>`;
  const chart = add(
    specs,
    stackedBarChartSpec(
      "chart-data-mix",
      withStats.map((iteration) => `iteration ${iteration.iteration}`),
      EXAMPLE_KINDS.map((kind) => ({ name: kind, values: withStats.map((iteration) => iteration.stats?.rebalance[kind] ?? 0) })),
      { title: "Training examples per iteration (after rebalancing)" },
    ),
  );
  const table = `<table><thead><tr><th>iteration</th>${EXAMPLE_KINDS.map((kind) => `<th>${kind}</th>`).join("")}<th>p (realised)</th><th>duplicates removed</th><th>problems</th><th>passes</th></tr></thead><tbody>${
    withStats.map((iteration) => {
      const stats = iteration.stats!;
      return `<tr><td>${iteration.iteration}</td>${EXAMPLE_KINDS.map((kind) => `<td>${cell(stats.rebalance[kind])}</td>`).join("")}<td>${cell(stats.rebalance.p)}</td><td>${
        cell(stats.rebalance.duplicatesRemoved)
      }</td><td>${cell(stats.problems)}</td><td>${cell(stats.passes)}</td></tr>`;
    }).join("")
  }</tbody></table>`;
  return `<section id="data-mix"><h2>Training data mix</h2><p class="meta">p is the realised share of improvement examples in the iteration's training data.</p><div class="charts">${chart}</div>${table}</section>`;
}

function rejectionsSection(iterations: readonly IterationData[], specs: ChartSpec[]): string {
  const types = [...new Set(iterations.flatMap((iteration) => Object.keys(iteration.rejectionsByType)))].sort();
  if (types.length === 0) return `<section id="rejections"><h2>Rejections</h2><p>No rejections recorded.</p></section>`;
  const chart = add(
    specs,
    stackedBarChartSpec(
      "chart-rejections",
      iterations.map((iteration) => `iteration ${iteration.iteration}`),
      types.map((type) => ({ name: type, values: iterations.map((iteration) => iteration.rejectionsByType[type] ?? 0) })),
      { title: "Rejections by type (all passes)" },
    ),
  );
  const table = `<table><thead><tr><th>type</th>${iterations.map((iteration) => `<th>iteration ${iteration.iteration}</th>`).join("")}</tr></thead><tbody>${
    types.map((type) => `<tr><td>${escapeHtml(type)}</td>${iterations.map((iteration) => `<td>${iteration.rejectionsByType[type] ?? 0}</td>`).join("")}</tr>`).join("")
  }</tbody></table>`;
  return `<section id="rejections"><h2>Rejections</h2><div class="charts">${chart}</div>${table}</section>`;
}

/** A training example's text with the span from `weightFrom` on marked by its weight. */
export function weightedSpanHtml(example: TrainingExample): string {
  const from = Math.max(0, Math.min(example.weightFrom, example.text.length));
  const before = example.text.slice(0, from);
  const after = example.text.slice(from);
  const weightBefore = example.weightBefore ?? 1;
  return `<pre class="example" data-kind="${escapeHtml(example.kind)}">${
    before === "" ? "" : `<span class="unweighted" title="weight ${weightBefore}">${escapeHtml(before)}</span>`
  }${after === "" ? "" : `<mark class="weighted" title="weight ${example.weight}">${escapeHtml(after)}</mark>`}</pre>`;
}

function trajectoryHtml(trajectory: Trajectory, examples: readonly TrainingExample[]): string {
  const turns = trajectory.turns.map((turn, index) => {
    const attemptClass = index === 0 ? "attempt" : "update";
    const attemptLabel = index === 0 ? "Attempt" : `Update ${index}`;
    return `<div class="part ${attemptClass} by-${escapeHtml(turn.by.attempt)}"><div class="label">${attemptLabel}</div><pre>${escapeHtml(turn.attempt)}</pre></div>`
      + `<div class="part feedback by-${escapeHtml(turn.by.feedback)}"><div class="label">Feedback</div><pre>${escapeHtml(turn.feedback)}</pre></div>`;
  }).join("");
  const own = examples.filter((example) => example.id.startsWith(`${trajectory.id}@`) || example.id.startsWith(`${trajectory.id}#`));
  const exampleHtml = own.length === 0
    ? ""
    : `<details open><summary>Training examples (the weighted span is highlighted)</summary>${
      own.map((example) => `<div><span class="meta">${escapeHtml(example.id)} · ${escapeHtml(example.kind)} · weight ${example.weight} from character ${example.weightFrom}</span>${weightedSpanHtml(example)}</div>`).join("")
    }</details>`;
  return `<div class="trajectory"><div><strong>${escapeHtml(trajectory.id)}</strong> <span class="meta">gold answer ${escapeHtml(trajectory.answer)}</span></div><pre>${
    escapeHtml(trajectory.question)
  }</pre>${turns}${exampleHtml}</div>`;
}

function trajectoriesSection(iterations: readonly IterationData[]): string {
  const parts = iterations.filter((iteration) => iteration.trajectories.length > 0).map((iteration) =>
    `<h3>Iteration ${iteration.iteration}</h3>${iteration.trajectories.map((trajectory) => trajectoryHtml(trajectory, iteration.examples)).join("")}`
  );
  return `<section id="trajectories"><h2>Example trajectories</h2><p class="meta">Student attempts in blue, expert updates in green, feedback in orange; who wrote each part is named in its label.</p>${
    parts.length === 0 ? "<p>No trajectories in this run.</p>" : parts.join("")
  }</section>`;
}

function usageTable(usage: UsageReport): string {
  const rows = usage.entries.map((entry) =>
    `<tr><td>${escapeHtml(entry.stage)}</td><td>${escapeHtml(entry.model)}</td><td>${entry.calls}</td><td>${entry.calls - entry.callsWithoutUsage}</td><td>${entry.promptTokens}</td><td>${entry.completionTokens}</td></tr>`
  ).join("");
  const total = usage.total;
  return `<table><thead><tr><th>stage</th><th>model</th><th>calls</th><th>with usage</th><th>prompt tokens</th><th>completion tokens</th></tr></thead><tbody>${rows}<tr><th>total</th><th></th><th>${total.calls}</th><th>${
    total.calls - total.callsWithoutUsage
  }</th><th>${total.promptTokens}</th><th>${total.completionTokens}</th></tr></tbody></table>`;
}

function callsSection(calls: readonly ModelCallCount[], usage: UsageReport | undefined): string {
  if (usage !== undefined) {
    return `<section id="calls"><h2>Model calls</h2><p class="meta">Every model call of the run by stage and model (from <code>metrics.json</code>), evaluation included; calls replayed from a journal on resume count like new ones. Tokens cover the calls that reported usage.</p>${
      usageTable(usage)
    }</section>`;
  }
  if (calls.length === 0) return `<section id="calls"><h2>Model calls</h2><p>No journaled model calls in this run.</p></section>`;
  const rows = calls.map((count) =>
    `<tr><td>${escapeHtml(count.step)}</td><td>${escapeHtml(count.model)}</td><td>${count.calls}</td><td>${count.callsWithUsage}</td><td>${count.promptTokens}</td><td>${count.completionTokens}</td></tr>`
  ).join("");
  return `<section id="calls"><h2>Model calls</h2><p class="meta">From the journals of the collection steps (TriPosT's iteration folder, and the baselines' subfolders); evaluation calls are not journaled. Tokens cover the calls that reported usage.</p><table><thead><tr><th>step</th><th>model</th><th>calls</th><th>with usage</th><th>prompt tokens</th><th>completion tokens</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 600_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function runSection(run: RunData): string {
  const versions = run.versions === undefined
    ? "<p>No versions.json in this run.</p>"
    : `<table><thead><tr><th>component</th><th>version</th></tr></thead><tbody>${
      Object.entries(run.versions).map(([name, version]) => `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(version)}</td></tr>`).join("")
    }</tbody></table>`;
  const total = run.timings.reduce((sum, timing) => sum + timing.ms, 0);
  const timings = run.timings.length === 0
    ? "<p>No timings.jsonl in this run.</p>"
    : `<table><thead><tr><th>method</th><th>iteration</th><th>step</th><th>wall time</th></tr></thead><tbody>${
      run.timings.map((timing) =>
        `<tr><td>${escapeHtml(timing.method)}</td><td>${timing.iteration}</td><td>${escapeHtml(timing.step)}</td><td>${seconds(timing.ms)}</td></tr>`
      ).join("")
    }<tr><th>all steps</th><th></th><th></th><th>${seconds(total)}</th></tr></tbody></table>`;
  return `<section id="run"><h2>Versions and timings</h2>${versions}<p class="meta">Wall time per step (a step run again after a resume shows its last run).</p>${timings}</section>`;
}

/**
 * Renders the HTML report of a run: pure, deterministic, and self-contained (inline CSS, Chart.js
 * inlined with the chart data as JSON, no external resource). All text from the run is escaped,
 * in the markup as HTML and in the chart data as script-safe JSON. The run directory's path
 * is left out, so the same run renders the same bytes wherever it lies (and shares no local path).
 *
 * @example Render a loaded run
 * ```ts
 * const run = loadRun("runs/seed-0");
 * if (E.isRight(run)) writeFileSync("runs/seed-0/report.html", renderReport(run.right));
 * ```
 */
export function renderReport(run: RunData): string {
  const title = `TriPosT run report${run.task === undefined ? "" : `: ${run.task}`}`;
  const meta = [
    `seed ${run.seed === undefined ? "unknown" : escapeHtml(String(run.seed))}`,
    `${run.iterations.length} iteration${run.iterations.length === 1 ? "" : "s"}`,
    `methods: ${escapeHtml(methodsOf(run.rows).join(", ") || "none")}`,
  ].join(" · ");
  const specs: ChartSpec[] = [];
  const sections = [
    accuracySection(run.rows, specs),
    selfImprovementSection(run.rows, specs),
    dataMixSection(run.iterations, specs),
    rejectionsSection(run.iterations, specs),
  ].join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${meta}</p>
${sections}
${trajectoriesSection(run.iterations)}
${callsSection(run.calls, run.usage)}
${runSection(run)}
<section id="config"><h2>Config</h2><pre>${escapeHtml(JSON.stringify(run.config, null, 2) ?? "null")}</pre></section>
<script type="application/json" id="chart-specs">${scriptSafeJson(specs)}</script>
<script>${chartJsSource()}</script>
<script>${CHART_BOOTSTRAP}</script>
</body>
</html>
`;
}
