#!/usr/bin/env node
// Runs `tripost run` for several seeds of one config (optionally with JSON overrides merged into
// it) and prints the results table as mean ± sd over the seeds, in Markdown. Used for the README's
// results and ablations.
//
//   node scripts/experiment.mjs --config fixtures/configs/embedded.json --seeds 0,1,2 \
//     --out runs/msa [--set '{"training":{"maskFirstAttempt":true}}'] [--name label] [--table-only]
//
// Each seed runs in DIR/seed-S (an existing finished run is read, not re-run; an unfinished one is
// resumed). The table is also written to DIR/table.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

function flag(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
}

function merge(base, patch) {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out = { ...(base ?? {}) };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(out[key], value);
  return out;
}

const configPath = flag("config", "fixtures/configs/embedded.json");
const seeds = flag("seeds", "0,1,2").split(",").map(Number);
const out = resolve(flag("out", "runs/experiment"));
const name = flag("name", out);
const overrides = JSON.parse(flag("set", "{}"));
const tableOnly = process.argv.includes("--table-only");
mkdirSync(out, { recursive: true });
const config = merge(JSON.parse(readFileSync(configPath, "utf8")), overrides);
const mergedPath = join(out, "config.json");
writeFileSync(mergedPath, `${JSON.stringify(config, null, 2)}\n`);

const runs = [];
for (const seed of seeds) {
  const dir = join(out, `seed-${seed}`);
  const metricsPath = join(dir, "metrics.json");
  if (!existsSync(metricsPath) && !tableOnly) {
    const started = Date.now();
    const args = ["dist/cli.js", "run", "--config", mergedPath, "--seed", String(seed), "--out", dir, "--quiet"];
    if (existsSync(dir)) args.push("--resume");
    const result = spawnSync(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0) {
      console.error(`seed ${seed}: tripost run exited ${result.status}`);
      process.exit(1);
    }
    console.error(`seed ${seed}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  if (existsSync(metricsPath)) runs.push(JSON.parse(readFileSync(metricsPath, "utf8")));
}

function stats(values) {
  const present = values.filter((value) => typeof value === "number");
  if (present.length === 0) return "–";
  const mean = present.reduce((sum, value) => sum + value, 0) / present.length;
  const sd = present.length < 2 ? 0 : Math.sqrt(present.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (present.length - 1));
  return `${(mean * 100).toFixed(1)} ± ${(sd * 100).toFixed(1)}`;
}

const keys = [];
for (const run of runs) for (const row of run.rows) if (!keys.some((key) => key.method === row.method && key.iteration === row.iteration)) keys.push({ method: row.method, iteration: row.iteration });
keys.sort((a, b) => a.iteration - b.iteration);
const lines = [
  `${name}: ${runs.length} seeds (${seeds.join(", ")})${Object.keys(overrides).length ? `, ${JSON.stringify(overrides)}` : ""}`,
  "",
  "| method | iteration | seen | unseen | total | SI freq | SI contrib |",
  "| --- | --- | --- | --- | --- | --- | --- |",
];
for (const key of keys) {
  const rows = runs.map((run) => run.rows.find((row) => row.method === key.method && row.iteration === key.iteration)).filter(Boolean);
  lines.push(`| ${key.method} | ${key.iteration} | ${stats(rows.map((r) => r.seen))} | ${stats(rows.map((r) => r.unseen))} | ${stats(rows.map((r) => r.total))} | ${stats(rows.map((r) => r.selfImprovementFrequency))} | ${stats(rows.map((r) => r.selfImprovementContribution))} |`);
}
const table = `${lines.join("\n")}\n`;
writeFileSync(join(out, "table.md"), table);
process.stdout.write(table);
