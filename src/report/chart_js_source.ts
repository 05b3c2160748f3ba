/**
 * The Chart.js browser build (UMD) that the run report inlines, read from the installed
 * `chart.js` package so the report needs no network.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let cached: string | undefined;

/**
 * The source of Chart.js's UMD build (`chart.js/dist/chart.umd.js`, which defines the global
 * `Chart`), made safe to place inside a `<script>` element: any `</script` becomes `<\/script`.
 * Read once and cached. Throws when the `chart.js` package is not installed.
 *
 * @example Inline Chart.js into a page
 * ```ts
 * const html = `<script>${chartJsSource()}</script>`;
 * ```
 */
export function chartJsSource(): string {
  if (cached === undefined) {
    // The package's exports name no UMD entry: resolve its CommonJS main (dist/chart.cjs) and
    // take the UMD build beside it. Works from src/ and from dist/ alike.
    const main = createRequire(import.meta.url).resolve("chart.js");
    cached = readFileSync(join(dirname(main), "chart.umd.js"), "utf8").replace(/<\/(script)/gi, "<\\/$1");
  }
  return cached;
}
