/**
 * Paths of the files the package ships (`fixtures/student/m0-msa`, `fixtures/configs/…`): a
 * relative path resolves against the working directory; when nothing is there and the path names
 * one of the package's own `fixtures/`, it resolves against the package root, so `tripost run`
 * works from any directory and from an installed package (`npx tripost`).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: `src/cli/` and `dist/cli/` both sit two folders below it. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Resolves `path` against `cwd`, or, when it does not exist there and is one of the package's
 * shipped `fixtures/`, against the package root.
 *
 * @example
 * ```ts
 * assertEquals(resolveShipped("/tmp", "fixtures/student/m0-msa"), join(PACKAGE_ROOT, "fixtures/student/m0-msa"));
 * ```
 */
export function resolveShipped(cwd: string, path: string): string {
  const local = resolve(cwd, path);
  if (isAbsolute(path) || existsSync(local)) return local;
  const normalized = path.replace(/\\/g, "/").replace(/^\.\//, "");
  if (!normalized.startsWith("fixtures/")) return local;
  const shipped = resolve(PACKAGE_ROOT, normalized);
  return existsSync(shipped) ? shipped : local;
}
