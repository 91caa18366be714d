import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { escapeHTML, notebookTitle, renderNotebookHTML, stripAnsi } from "../../src/notebook/render";
import { scriptJSON } from "../../src/plot/figure";
import { plotlySource as plotlyJs } from "../../src/plot/export";
import type { Notebook } from "../../src/notebook/run";

const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const fig = (title: string) => ({ data: [{ type: "scatter", x: [1, 2], y: [3, 4], name: "</script><b>x" }], layout: { title: { text: title } } });

function executed(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# Spread study\n", "\n", "Some *emphasis* and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"] },
      {
        cell_type: "code",
        metadata: {},
        execution_count: 1,
        source: 'if (a < b && c > d) console.log("<tag>");',
        outputs: [
          { output_type: "stream", name: "stdout", text: ["<tag>\n", "second line\n"] },
          { output_type: "stream", name: "stderr", text: "\u001b[31mwarned\u001b[0m\n" },
          { output_type: "display_data", data: { "text/html": ["<table class=\"df\"><tr><td>42</td></tr></table>"], "text/plain": "df" }, metadata: {} },
          { output_type: "display_data", data: { "image/png": PNG_1PX, "text/plain": "image" }, metadata: {} },
          { output_type: "execute_result", execution_count: 1, data: { "text/plain": ["12.5"] }, metadata: {} },
        ],
      },
      {
        cell_type: "code",
        metadata: {},
        execution_count: 2,
        source: "show(a); show(b)",
        outputs: [
          { output_type: "display_data", data: { "application/vnd.plotly.v1+json": fig("First"), "image/png": PNG_1PX, "text/plain": "Figure" }, metadata: {} },
          { output_type: "display_data", data: { "application/vnd.plotly.v1+json": fig("Second"), "text/html": "<div>fallback html</div>" }, metadata: {} },
        ],
      },
      {
        cell_type: "code",
        metadata: {},
        execution_count: 3,
        source: "boom()",
        outputs: [{ output_type: "error", ename: "RangeError", evalue: "too far", traceback: ["RangeError: too far", "    at boom (cell:1:1)"] }],
      },
      { cell_type: "code", metadata: {}, execution_count: null, source: "notRun()", outputs: [] },
    ],
  };
}

test("escapeHTML / scriptJSON / stripAnsi", () => {
  assert.equal(escapeHTML(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const s = scriptJSON({ s: "</script><!--\u2028" });
  assert.ok(!s.includes("</script") && !s.includes("<!--"));
  assert.deepEqual(JSON.parse(s), { s: "</script><!--\u2028" });
  assert.equal(stripAnsi("\u001b[1;31mred\u001b[0m plain"), "red plain");
});

test("renders markdown, escaped code, every output kind, and inlines plotly.js once", () => {
  const html = renderNotebookHTML(executed());
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<title>Spread study<\/title>/);
  assert.match(html, /<h1[^>]*>Spread study<\/h1>/);
  assert.match(html, /<em>emphasis<\/em>/);
  assert.match(html, /<table>\s*<thead>/);
  assert.match(html, /<a href="index.html">/);
  // code source escaped inside <pre>
  assert.ok(html.includes("<pre><code>if (a &lt; b &amp;&amp; c &gt; d) console.log(&quot;&lt;tag&gt;&quot;);</code></pre>"));
  assert.match(html, /In \[1\]:/);
  // streams (escaped, ANSI stripped), HTML as is, PNG as img, execute result
  assert.ok(html.includes("&lt;tag&gt;\nsecond line\n"));
  assert.ok(html.includes(">warned\n<"));
  assert.ok(html.includes('<table class="df"><tr><td>42</td></tr></table>'));
  assert.ok(html.includes(`<img alt="figure" src="data:image/png;base64,${PNG_1PX}">`));
  assert.match(html, /<pre>12\.5<\/pre>/);
  // two figures, one copy of plotly.js; the Plotly JSON wins over its PNG / HTML fallbacks
  const lib = plotlyJs();
  const probe = lib.slice(0, 300);
  assert.equal(html.split(probe).length - 1, 1, "plotly.js inlined exactly once");
  assert.equal(html.split("<script>Plotly.newPlot(").length - 1, 2);
  assert.ok(!html.includes("fallback html"));
  assert.ok(html.includes("\\u003c/script>\\u003cb>x"), "figure JSON cannot close the script element");
  // error output and the cell that did not run
  assert.match(html, /RangeError: too far\n {4}at boom/);
  assert.match(html, /In \[ \]:/);
  assert.match(html, /class="source notrun"/);
});

test("no plotly.js in a page without figures; title falls back to the option", () => {
  const nb = executed();
  nb.cells = nb.cells.filter((_, i) => i !== 2 && i !== 0);
  const html = renderNotebookHTML(nb, { title: "Plain page", indexHref: null, subtitle: "sub <b>" });
  assert.ok(html.length < 100_000);
  assert.ok(!html.includes("<script>Plotly.newPlot("));
  assert.match(html, /<h1>Plain page<\/h1>/);
  assert.ok(!html.includes("index.html"));
  assert.ok(html.includes("sub &lt;b&gt;"));
  assert.equal(notebookTitle(nb), "");
  assert.equal(notebookTitle(executed()), "Spread study");
});

test("the inlined plotly.js is the installed plotly.js-dist-min, safe inside <script>", () => {
  const raw = fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
  assert.ok(plotlyJs().length >= raw.length);
  assert.ok(!/<\/script/i.test(plotlyJs()));
});
