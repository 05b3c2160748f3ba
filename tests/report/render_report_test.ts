import * as E from "fp-ts/lib/Either.js";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunData, loadRun } from "../../src/report/load_run.js";
import { renderReport, seriesOf, weightedSpanHtml } from "../../src/report/render_report.js";
import { INJECTION, writeRunFixture } from "./_run_fixture.js";

let directory: string;
let run: RunData;
let html: string;

beforeAll(() => {
  directory = writeRunFixture();
  const loaded = loadRun(directory);
  if (E.isLeft(loaded)) throw new Error(loaded.left.message);
  run = loaded.right;
  html = renderReport(run);
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function section(id: string): string {
  const match = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
  if (match === null) throw new Error(`no section ${id}`);
  return match[1] as string;
}

describe("renderReport", () => {
  it("renderReport() is self-contained: inline scripts only, no external resource", () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((match) => match[1])).toEqual([` type="application/json" id="chart-specs"`, "", ""]);
    expect(scripts[1]?.[2]).toContain("Chart.js v4");
    const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, "");
    expect(markup).not.toMatch(/<script/i);
    expect(markup).not.toMatch(/<[^>]*\b(src|href)\s*=/i);
    expect(markup.replace(/<title>[^<]*<\/title>/g, "")).not.toMatch(/<[^>]*https?:\/\//);
    expect(markup).not.toMatch(/@import|url\(/);
  });

  it("renderReport() embeds the chart specs as script-safe JSON, one per canvas", () => {
    const json = /<script type="application\/json" id="chart-specs">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    expect(json).not.toMatch(/[<>&]/);
    const specs = JSON.parse(json) as { id: string; datasets: { label: string }[] }[];
    const canvases = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((match) => match[1]);
    expect(specs.map((spec) => spec.id)).toEqual(canvases);
    expect(canvases).toHaveLength(7);
    // The hostile rejection type reaches the chart data intact, but only as escaped JSON.
    expect(specs.flatMap((spec) => spec.datasets.map((set) => set.label))).toContain(INJECTION);
  });

  it("renderReport() escapes every text from the run", () => {
    expect(html).not.toContain(INJECTION);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("renderReport() draws accuracy (seen, unseen, total) and self-improvement per method", () => {
    const accuracy = section("accuracy");
    expect(accuracy.match(/<canvas/g)).toHaveLength(3);
    const specs = JSON.parse(/id="chart-specs">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "[]") as {
      id: string;
      title: string;
      labels: string[];
      datasets: { label: string; data: (number | null)[] }[];
    }[];
    for (const key of ["seen", "unseen", "total"]) expect(specs.find((spec) => spec.id === `chart-accuracy-${key}`)?.title).toBe(`Accuracy (${key}) per iteration`);
    // tripost and lmsi, each starting from M0.
    const total = specs.find((spec) => spec.id === "chart-accuracy-total");
    expect(total?.labels).toEqual(["iteration 0", "iteration 1", "iteration 2"]);
    expect(total?.datasets.map((set) => [set.label, set.data])).toEqual([["tripost", [0.3, 0.4, 0.5]], ["lmsi", [0.3, 0.35, 0.3]]]);
    expect(section("self-improvement").match(/<canvas/g)).toHaveLength(2);
  });

  it("renderReport() shows the data mix with p and the rejections by type", () => {
    const mix = section("data-mix");
    expect(mix).toContain(`<canvas id="chart-data-mix"`);
    expect(mix).toMatch(/<td>8<\/td><td>2<\/td><td>1<\/td><td>3<\/td><td>0.4<\/td>/);
    const rejections = section("rejections");
    expect(rejections).toContain("<td>format-error</td><td>1</td><td>1</td>");
    expect(rejections).toContain("&lt;script&gt;");
  });

  it("renderReport() shows attempt, feedback and update distinctly, with the weighted span", () => {
    const trajectories = section("trajectories");
    expect(trajectories).toMatch(/class="part attempt by-student"><div class="label">Attempt<\/div><pre>STUDENT-ATTEMPT/);
    expect(trajectories).toMatch(/class="part feedback by-expert"><div class="label">Feedback<\/div><pre>EXPERT-FEEDBACK/);
    expect(trajectories).toMatch(/class="part update by-expert"><div class="label">Update 1<\/div><pre>EXPERT-UPDATE/);
    expect(trajectories).toContain(`<mark class="weighted" title="weight 1.5">WEIGHTED-SPAN</mark>`);
  });

  it("renderReport() counts model calls and tokens per step and model", () => {
    expect(section("calls")).toContain("<tr><td>iteration-1</td><td>student</td><td>2</td><td>2</td><td>20</td><td>10</td></tr>");
  });

  it("renderReport() shows the run's usage by stage and model, versions and step timings when recorded", () => {
    const entry = { stage: "evaluate", model: "student", calls: 3, callsWithoutUsage: 1, promptTokens: 30, completionTokens: 12 };
    const usage = { total: { calls: 3, callsWithoutUsage: 1, promptTokens: 30, completionTokens: 12 }, byStage: {}, byModel: {}, entries: [entry] };
    const page = renderReport({
      ...run,
      usage,
      versions: { tripost: "0.1.0", "@tensorflow/tfjs": INJECTION },
      timings: [{ method: "tripost", iteration: 1, step: "collect", ms: 1500 }, { method: "tripost", iteration: 1, step: "train", ms: 754_000 }],
    });
    const calls = /<section id="calls">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? "";
    expect(calls).toContain("<tr><td>evaluate</td><td>student</td><td>3</td><td>2</td><td>30</td><td>12</td></tr>");
    const runPart = /<section id="run">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? "";
    expect(runPart).toContain("<tr><td>tripost</td><td>0.1.0</td></tr>");
    expect(runPart).not.toContain(INJECTION);
    expect(runPart).toContain("<tr><td>tripost</td><td>1</td><td>collect</td><td>1.5 s</td></tr>");
    expect(runPart).toContain("<td>12 min 34 s</td>");
    expect(runPart).toContain("<tr><th>all steps</th><th></th><th></th><th>12 min 36 s</th></tr>");
    // Without them the section says what is missing.
    expect(section("run")).toContain("No versions.json in this run.");
  });

  it("renderReport() shows the seed and the config", () => {
    expect(html).toContain("seed 7");
    expect(section("config")).toContain("&quot;task&quot;: &quot;multistep_arithmetic&quot;");
  });

  it("renderReport() is deterministic and independent of where the run lies", () => {
    expect(renderReport({ ...run, directory: "/elsewhere" })).toBe(html);
    expect(html).not.toContain(directory);
  });
});

describe("weightedSpanHtml", () => {
  it("weightedSpanHtml() marks the text from weightFrom on and escapes both parts", () => {
    expect(weightedSpanHtml({ id: "a", kind: "improvement", text: "a<b|c&d", weightFrom: 4, weight: 2, weightBefore: 0 })).toBe(
      `<pre class="example" data-kind="improvement"><span class="unweighted" title="weight 0">a&lt;b|</span><mark class="weighted" title="weight 2">c&amp;d</mark></pre>`,
    );
    expect(weightedSpanHtml({ id: "a", kind: "gold", text: "abc", weightFrom: 0, weight: 1 })).not.toContain("unweighted");
    expect(weightedSpanHtml({ id: "a", kind: "gold", text: "abc", weightFrom: 3, weight: 1 })).not.toContain("<mark");
  });
});

describe("seriesOf", () => {
  it("seriesOf() starts every method at M0", () => {
    const series = seriesOf(run.rows, (row) => row.total);
    expect(series.map((line) => line.name)).toEqual(["tripost", "lmsi"]);
    expect(series[0]?.points).toEqual([{ x: 0, y: 0.3 }, { x: 1, y: 0.4 }, { x: 2, y: 0.5 }]);
  });
});
