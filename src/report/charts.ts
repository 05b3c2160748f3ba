/**
 * Chart specifications for the run report. The report draws its charts with Chart.js in the
 * browser; this module builds the data each chart needs as plain JSON (no functions, so it can be
 * embedded in the page) and the small script that hands each spec to Chart.js.
 *
 * @module
 */

/** One line of a line chart: its name and its points (a `null` y leaves a gap). */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
}

/** One stack of a stacked bar chart: its name and one value per category. */
export interface BarSeries {
  readonly name: string;
  readonly values: readonly number[];
}

/** A chart as the report's page script reads it: a Chart.js config plus our display hints. */
export interface ChartSpec {
  /** Stable id of the chart's canvas within the page. */
  readonly id: string;
  readonly title: string;
  readonly type: "line" | "bar";
  /** Category labels on the x axis (iterations for line charts). */
  readonly labels: readonly string[];
  readonly datasets: readonly {
    readonly label: string;
    readonly data: readonly (number | null)[];
    readonly color: string;
  }[];
  /** Bars stack on each other. */
  readonly stacked: boolean;
  /** Largest value of the y axis, when fixed. */
  readonly yMax?: number;
  /** Y values are shares in [0, 1], shown as percentages. */
  readonly percent: boolean;
}

/** The fixed palette, colour-blind safe (Okabe–Ito). */
export const PALETTE: readonly string[] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/**
 * A line chart of several series over integer x values (iterations): the x axis holds every x
 * that any series has, in order, and a series without a point at some x has a gap there.
 */
export function lineChartSpec(
  id: string,
  series: readonly LineSeries[],
  options: { readonly title: string; readonly yMax?: number; readonly percent?: boolean },
): ChartSpec {
  const xs = [...new Set(series.flatMap((line) => line.points.map((point) => point.x)))].sort((a, b) => a - b);
  return {
    id,
    title: options.title,
    type: "line",
    labels: xs.map((x) => `iteration ${x}`),
    datasets: series.map((line, index) => ({
      label: line.name,
      data: xs.map((x) => line.points.find((point) => point.x === x)?.y ?? null),
      color: colourOf(index),
    })),
    stacked: false,
    ...(options.yMax === undefined ? {} : { yMax: options.yMax }),
    percent: options.percent ?? false,
  };
}

/** A stacked bar chart: one bar per category, one stack segment per series. */
export function stackedBarChartSpec(id: string, categories: readonly string[], series: readonly BarSeries[], options: { readonly title: string }): ChartSpec {
  return {
    id,
    title: options.title,
    type: "bar",
    labels: [...categories],
    datasets: series.map((stack, index) => ({ label: stack.name, data: [...stack.values], color: colourOf(index) })),
    stacked: true,
    percent: false,
  };
}

/**
 * JSON made safe inside an HTML `<script>` element: `<`, `>` and `&` become `\u` escapes, so no
 * text from a run can close the element or open a comment.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The canvas element of a chart, sized like the others; its spec is found by its id. */
export function chartCanvas(spec: ChartSpec): string {
  return `<figure class="chart"><canvas id="${spec.id}" width="440" height="270" role="img" aria-label="chart"></canvas></figure>`;
}

/**
 * The page script: reads the specs from the JSON element `#chart-specs` and draws each on its
 * canvas with the global `Chart` (animation off, so the page is complete once loaded). Sets
 * `document.body.dataset.chartsDrawn` to the number drawn, for tests and tools.
 */
export const CHART_BOOTSTRAP = `(function () {
  var specs = JSON.parse(document.getElementById("chart-specs").textContent);
  var drawn = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var percent = function (value) { return Math.round(value * 1000) / 10 + "%"; };
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set) {
          return { label: set.label, data: set.data, borderColor: set.color, backgroundColor: set.color, spanGaps: false, pointRadius: 3, tension: 0 };
        })
      },
      options: {
        animation: false,
        responsive: false,
        plugins: {
          title: { display: true, text: spec.title },
          tooltip: spec.percent ? { callbacks: { label: function (item) { return item.dataset.label + ": " + percent(item.parsed.y); } } } : {}
        },
        scales: {
          x: { stacked: spec.stacked },
          y: Object.assign({ stacked: spec.stacked, beginAtZero: true }, spec.yMax === undefined ? {} : { max: spec.yMax },
            spec.percent ? { ticks: { callback: percent } } : {})
        }
      }
    });
    drawn += 1;
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();`;
