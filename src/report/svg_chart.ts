/**
 * Small self-contained SVG charts for the run report: a line chart and a stacked bar chart,
 * rendered as inline SVG markup (no script, no network). Every label is escaped.
 *
 * @module
 */
import { escapeHtml } from "./escape_html.js";

/** One line of a line chart: its name and its points (a `null` y leaves a gap). */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
}

/** Options for {@linkcode lineChartSvg} and {@linkcode stackedBarChartSvg}. */
export interface ChartOptions {
  /** The chart's title, shown above the plot. */
  readonly title: string;
  /** Width in pixels. @default {420} */
  readonly width?: number;
  /** Height in pixels. @default {260} */
  readonly height?: number;
  /** The largest value of the y axis; the data's maximum when absent. @default {undefined} */
  readonly yMax?: number;
  /** Format of the y tick labels. @default {String} */
  readonly formatY?: (value: number) => string;
}

/** The fixed palette, colour-blind safe (Okabe–Ito). */
export const PALETTE: readonly string[] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

const MARGIN = { top: 28, right: 12, bottom: 40, left: 44 } as const;

function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
  readonly yMax: number;
}

function frameOf(options: ChartOptions, dataMax: number): Frame {
  const width = options.width ?? 420;
  const height = options.height ?? 260;
  if (!(width > MARGIN.left + MARGIN.right) || !(height > MARGIN.top + MARGIN.bottom)) {
    throw new RangeError(`Cannot draw a chart as it is too small: current value is ${width}x${height}`);
  }
  return {
    width,
    height,
    plotWidth: width - MARGIN.left - MARGIN.right,
    plotHeight: height - MARGIN.top - MARGIN.bottom,
    yMax: options.yMax ?? niceMax(dataMax),
  };
}

function yOf(frame: Frame, value: number): number {
  return MARGIN.top + frame.plotHeight * (1 - Math.min(value, frame.yMax) / frame.yMax);
}

function axes(frame: Frame, options: ChartOptions): string {
  const formatY = options.formatY ?? String;
  const parts: string[] = [
    `<text x="${round(frame.width / 2)}" y="16" text-anchor="middle" class="chart-title">${escapeHtml(options.title)}</text>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (frame.yMax * tick) / 4;
    const y = round(yOf(frame, value));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + frame.plotWidth}" y1="${y}" y2="${y}" class="grid"/>`,
      `<text x="${MARGIN.left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle" class="tick">${escapeHtml(formatY(value))}</text>`,
    );
  }
  return parts.join("");
}

function legend(frame: Frame, names: readonly string[]): string {
  let x = MARGIN.left;
  const y = frame.height - 8;
  return names.map((name, index) => {
    const item = `<rect x="${round(x)}" y="${y - 9}" width="10" height="10" fill="${colourOf(index)}"/><text x="${round(x + 14)}" y="${y}" class="legend">${escapeHtml(name)}</text>`;
    x += 22 + name.length * 7;
    return item;
  }).join("");
}

function svgOpen(frame: Frame, title: string): string {
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}">`;
}

/**
 * A line chart of `series` over their x values (spread evenly by value), one colour per series,
 * a dot per point, with a legend. Points with `y: null` break the line.
 *
 * @example One series
 * ```ts
 * const svg = lineChartSvg([{ name: "tripost", points: [{ x: 0, y: 0.3 }, { x: 1, y: 0.5 }] }], { title: "Accuracy", yMax: 1 });
 * assert(svg.includes("<polyline"));
 * ```
 */
export function lineChartSvg(series: readonly LineSeries[], options: ChartOptions): string {
  const values = series.flatMap((line) => line.points.flatMap((point) => (point.y === null ? [] : [point.y])));
  const frame = frameOf(options, Math.max(0, ...values));
  const xs = [...new Set(series.flatMap((line) => line.points.map((point) => point.x)))].sort((left, right) => left - right);
  const xMin = xs[0] ?? 0;
  const xMax = xs[xs.length - 1] ?? 0;
  function xOf(value: number): number {
    return MARGIN.left + (xMax === xMin ? frame.plotWidth / 2 : (frame.plotWidth * (value - xMin)) / (xMax - xMin));
  }
  const parts: string[] = [svgOpen(frame, options.title), axes(frame, options)];
  for (const x of xs) {
    parts.push(`<text x="${round(xOf(x))}" y="${MARGIN.top + frame.plotHeight + 14}" text-anchor="middle" class="tick">${escapeHtml(String(x))}</text>`);
  }
  series.forEach((line, index) => {
    const colour = colourOf(index);
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${run.join(" ")}"/>`);
      run = [];
    };
    for (const point of line.points) {
      if (point.y === null) {
        flush();
        continue;
      }
      const x = round(xOf(point.x));
      const y = round(yOf(frame, point.y));
      run.push(`${x},${y}`);
      parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${colour}"><title>${escapeHtml(`${line.name} @ ${point.x}: ${point.y}`)}</title></circle>`);
    }
    flush();
  });
  parts.push(legend(frame, series.map((line) => line.name)), "</svg>");
  return parts.join("");
}

/**
 * A stacked bar chart: one bar per category (e.g. iteration), one stacked segment per series
 * (`values[series][category]`), with a legend.
 *
 * @example Two iterations, two kinds
 * ```ts
 * const svg = stackedBarChartSvg(["1", "2"], [{ name: "gold", values: [3, 4] }, { name: "improvement", values: [5, 1] }], { title: "Mix" });
 * assert(svg.includes("<rect"));
 * ```
 */
export function stackedBarChartSvg(
  categories: readonly string[],
  series: readonly { readonly name: string; readonly values: readonly number[] }[],
  options: ChartOptions,
): string {
  const totals = categories.map((_, column) => series.reduce((sum, line) => sum + Math.max(0, line.values[column] ?? 0), 0));
  const frame = frameOf(options, Math.max(0, ...totals));
  const slot = categories.length === 0 ? frame.plotWidth : frame.plotWidth / categories.length;
  const barWidth = Math.max(4, slot * 0.6);
  const parts: string[] = [svgOpen(frame, options.title), axes(frame, options)];
  categories.forEach((category, column) => {
    const left = MARGIN.left + slot * column + (slot - barWidth) / 2;
    let base = 0;
    series.forEach((line, index) => {
      const value = Math.max(0, line.values[column] ?? 0);
      if (value === 0) return;
      const top = yOf(frame, base + value);
      const bottom = yOf(frame, base);
      parts.push(
        `<rect x="${round(left)}" y="${round(top)}" width="${round(barWidth)}" height="${round(bottom - top)}" fill="${colourOf(index)}"><title>${escapeHtml(`${line.name} @ ${category}: ${value}`)}</title></rect>`,
      );
      base += value;
    });
    parts.push(`<text x="${round(left + barWidth / 2)}" y="${MARGIN.top + frame.plotHeight + 14}" text-anchor="middle" class="tick">${escapeHtml(category)}</text>`);
  });
  parts.push(legend(frame, series.map((line) => line.name)), "</svg>");
  return parts.join("");
}
