/**
 * Escaping of run text for HTML: everything a report shows from a run directory goes through
 * {@linkcode escapeHtml}, so a question or a model output cannot inject markup.
 *
 * @module
 */

const REPLACEMENTS: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes `&`, `<`, `>`, `"` and `'`, so `text` is safe both as element content and inside a
 * quoted attribute value.
 *
 * @example Escape a model output
 * ```ts
 * assertEquals(escapeHtml("<b>1 & 2</b>"), "&lt;b&gt;1 &amp; 2&lt;/b&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => REPLACEMENTS[character] ?? character);
}
