/**
 * `tripost report` on a `collect` or `eval` directory (a run directory has its own report,
 * `src/report/`): one self-contained HTML page with what ran (the `settings` the command
 * recorded), its numbers (`stats.json` or `metrics.json`, flattened to rows), the rejections by
 * type, and the first records (trajectories or predictions) as text. Nothing is fetched.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { escapeHtml } from "../report/escape_html.js";

/** What a directory holds, as far as `tripost report` is concerned. */
export type DirectoryKind = "run" | "collect" | "eval" | "unknown";

/** Tells a run, a collection and an evaluation directory apart by their files. */
export function directoryKind(directory: string): DirectoryKind {
  const has = (name: string) => existsSync(join(directory, name));
  if (has("config.json")) return "run";
  if (has("predictions.jsonl") && has("metrics.json")) return "eval";
  if (has("trajectories.jsonl") && has("stats.json")) return "collect";
  return "unknown";
}

function readJson(directory: string, name: string): Record<string, unknown> {
  const path = join(directory, name);
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("expected a JSON object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new InputError({ file: path }, `Cannot read it for the report: ${(error as Error).message}`);
  }
}

function readJsonl(directory: string, name: string, limit: number): { rows: Record<string, unknown>[]; total: number } {
  const path = join(directory, name);
  if (!existsSync(path)) return { rows: [], total: 0 };
  // Each row keeps its line number in the file (blank lines counted), for the error.
  const lines = readFileSync(path, "utf8").split("\n")
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.trim() !== "");
  const rows = lines.slice(0, limit).map(({ text, line }) => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new InputError({ file: path, line }, `not valid JSON (${(error as Error).message})`);
    }
  });
  return { rows, total: lines.length };
}

/** `[path, value]` rows of a JSON value's leaves (`rebalance.p`, `usage.total.calls`). */
function flatten(value: unknown, prefix = ""): [string, string][] {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, item]) => flatten(item, prefix === "" ? key : `${prefix}.${key}`));
  }
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) return [[prefix, value.join(", ")]];
  if (Array.isArray(value)) return value.flatMap((item, index) => flatten(item, `${prefix}.${index}`));
  return [[prefix, typeof value === "number" && !Number.isInteger(value) ? value.toFixed(4) : String(value)]];
}

function table(title: string, rows: readonly [string, string][]): string {
  if (rows.length === 0) return "";
  const body = rows.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`).join("\n");
  return `<h2>${escapeHtml(title)}</h2>\n<table>\n${body}\n</table>`;
}

function records(title: string, rows: readonly string[], total: number): string {
  if (total === 0) return "";
  const shown = rows.map((text) => `<pre>${escapeHtml(text)}</pre>`).join("\n");
  return `<h2>${escapeHtml(title)} (${rows.length} of ${total})</h2>\n${shown}`;
}

/**
 * The HTML report of a `collect` or `eval` directory.
 *
 * @throws {InputError} naming a file that cannot be read
 */
export function renderDirectoryReport(directory: string, kind: "collect" | "eval"): string {
  const summary = readJson(directory, kind === "eval" ? "metrics.json" : "stats.json");
  const { settings, ...numbers } = summary;
  let sections: string[];
  if (kind === "eval") {
    const predictions = readJsonl(directory, "predictions.jsonl", 20);
    sections = [
      table("What ran", flatten(settings ?? {})),
      table("Metrics", flatten(numbers)),
      records("Predictions", predictions.rows.map((row) => `${String(row["id"] ?? "")}  ${row["correct"] === true ? "correct" : "wrong"}  (${String(row["end"] ?? "")})\n${String(row["text"] ?? row["output"] ?? JSON.stringify(row))}`), predictions.total),
    ];
  } else {
    const trajectories = readJsonl(directory, "trajectories.jsonl", 20);
    const rejections = readJsonl(directory, "rejections.jsonl", Number.MAX_SAFE_INTEGER);
    const byType = new Map<string, number>();
    for (const row of rejections.rows) byType.set(String(row["type"]), (byType.get(String(row["type"])) ?? 0) + 1);
    const lastReason = new Map<string, string>();
    for (const row of rejections.rows) lastReason.set(String(row["type"]), String(row["reason"] ?? ""));
    sections = [
      table("What ran", flatten(settings ?? {})),
      table("Statistics", flatten(numbers)),
      table("Rejections by type", [...byType].map(([type, count]) => [type, `${count} (e.g. ${lastReason.get(type) ?? ""})`])),
      records("Trajectories", trajectories.rows.map((row) => `${String(row["id"] ?? "")}\n${String(row["text"] ?? "")}`), trajectories.total),
    ];
  }
  const title = `tripost ${kind}: ${directory}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 70rem; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; text-align: left; vertical-align: top; }
th { font-weight: 600; background: #f6f6f6; }
pre { background: #f8f8f8; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${sections.filter((section) => section !== "").join("\n")}
</body>
</html>
`;
}
