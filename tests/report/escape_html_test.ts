import { test } from "@fast-check/vitest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/report/escape_html.js";

function unescape(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

describe("escapeHtml", () => {
  it("escapeHtml() escapes markup and quotes", () => {
    expect(escapeHtml(`<a href="x" title='y'>1 & 2</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;1 &amp; 2&lt;/a&gt;");
  });

  test.prop([fc.string({ unit: "grapheme" })], { numRuns: 1000 })("escapeHtml() leaves no markup character and round-trips", (text) => {
    const escaped = escapeHtml(text);
    expect(escaped).not.toMatch(/[<>"']/);
    expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
    expect(unescape(escaped)).toBe(text);
  });
});
