/**
 * Runs plain-JavaScript child scripts (tests/_helpers/*.mjs) against the BUILT library in
 * `dist/`. `npm test` builds first; when `dist/` is missing or older than the sources a child
 * needs, {@linkcode ensureBuilt} runs the build once (a fallback for running a test alone).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const rootDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Makes sure `dist/<module>.js` exists and is at least as new as `src/<module>.ts` for each
 * module named (paths relative to `src`, without extension), building with `tsc` if not.
 */
export function ensureBuilt(modules: readonly string[]): void {
  const stale = modules.some((module) => {
    const built = join(rootDirectory, "dist", `${module}.js`);
    const source = join(rootDirectory, "src", `${module}.ts`);
    return !existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs;
  });
  if (!stale) return;
  // The build may report type errors in files being written by others; it still emits.
  spawnSync(process.execPath, [join(rootDirectory, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: rootDirectory,
    stdio: "ignore",
  });
  for (const module of modules) {
    if (!existsSync(join(rootDirectory, "dist", `${module}.js`))) {
      throw new Error(`Cannot run child test as dist/${module}.js is missing after the build: current value is missing`);
    }
  }
}

/** What a finished child printed and how it ended. */
export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `node [nodeArguments] script ...scriptArguments` with the repository as cwd. */
export function startChild(
  script: string,
  scriptArguments: readonly string[],
  nodeArguments: readonly string[] = [],
): { readonly child: ChildProcess; readonly done: Promise<ChildResult> } {
  const child = spawn(process.execPath, [...nodeArguments, script, ...scriptArguments], {
    cwd: rootDirectory,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<ChildResult>((resolveDone, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolveDone({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** The path of a helper script in tests/_helpers. */
export function helperScript(name: string): string {
  return join(rootDirectory, "tests", "_helpers", name);
}
