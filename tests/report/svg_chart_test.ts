import { describe, expect, it } from "vitest";
import { lineChartSvg, stackedBarChartSvg } from "../../src/report/svg_chart.js";

function polylines(svg: string): string[] {
  return [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((match) => match[1] as string);
}

function pointsOf(text: string): [number, number][] {
  return text.split(" ").map((pair) => pair.split(",").map(Number) as [number, number]);
}

describe("lineChartSvg", () => {
  it("lineChartSvg() draws one line per series with higher values higher up", () => {
    const svg = lineChartSvg(
      [
        { name: "tripost", points: [{ x: 0, y: 0.2 }, { x: 1, y: 0.6 }, { x: 2, y: 1 }] },
        { name: "lmsi", points: [{ x: 0, y: 0.2 }, { x: 1, y: 0.1 }, { x: 2, y: 0 }] },
      ],
      { title: "Accuracy", yMax: 1, width: 300, height: 200 },
    );
    const lines = polylines(svg).map(pointsOf);
    expect(lines).toHaveLength(2);
    const [rising, falling] = lines as [[number, number][], [number, number][]];
    expect(rising.map(([x]) => x)).toEqual([...rising.map(([x]) => x)].sort((left, right) => left - right));
    expect(rising[0]?.[1]).toBeGreaterThan(rising[2]?.[1] ?? Infinity); // SVG y grows downwards
    expect(falling[0]?.[1]).toBeLessThan(falling[2]?.[1] ?? -Infinity);
    expect(rising[2]?.[1]).toBe(28); // y = 1 is the top of the plot
    expect(svg.match(/<circle/g)).toHaveLength(6);
    expect(svg).toContain(">tripost</text>");
  });

  it("lineChartSvg() breaks a line at a null value", () => {
    const svg = lineChartSvg([{ name: "a", points: [{ x: 0, y: 0.1 }, { x: 1, y: 0.2 }, { x: 2, y: null }, { x: 3, y: 0.3 }, { x: 4, y: 0.4 }] }], { title: "t" });
    expect(polylines(svg)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
  });

  it("lineChartSvg() escapes names and titles", () => {
    const svg = lineChartSvg([{ name: "<b>x</b>", points: [{ x: 0, y: 1 }] }], { title: `"><script>` });
    expect(svg).not.toContain("<b>");
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;b&gt;x&lt;/b&gt;");
  });

  it("lineChartSvg() draws axes for no data and rejects a tiny chart", () => {
    expect(lineChartSvg([], { title: "empty" })).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(() => lineChartSvg([], { title: "t", width: 10 })).toThrow(RangeError);
  });
});

describe("stackedBarChartSvg", () => {
  it("stackedBarChartSvg() stacks segments in proportion to their values", () => {
    const svg = stackedBarChartSvg(["1", "2"], [{ name: "gold", values: [10, 0] }, { name: "improvement", values: [30, 20] }], {
      title: "Mix",
      yMax: 40,
      height: 268,
    });
    const heights = [...svg.matchAll(/<rect x="[^"]*" y="([^"]*)" width="[^"]*" height="([^"]*)"[^>]*><title>([^<]*)</g)].map((match) => ({
      y: Number(match[1]),
      height: Number(match[2]),
      title: match[3],
    }));
    expect(heights.map((bar) => bar.title)).toEqual(["gold @ 1: 10", "improvement @ 1: 30", "improvement @ 2: 20"]);
    // plot height 200: 10 of 40 → 50 px, 30 → 150 px, 20 → 100 px; the first bar fills the plot.
    expect(heights.map((bar) => bar.height)).toEqual([50, 150, 100]);
    expect(heights[1]?.y).toBe(28);
  });
});
