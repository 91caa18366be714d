import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildReport, chartSlug, describeDataRoot } from "../../src/notebook/report";
import { chromiumPath } from "../../src/plot/export";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "notebooks");

test("chartSlug", () => {
  assert.equal(chartSlug("BTC/USDT: mid & spread (bps)"), "btc-usdt-mid-spread-bps");
  assert.equal(chartSlug("Écart — été"), "ecart-ete");
  assert.equal(chartSlug("***"), "chart");
  assert.equal(chartSlug(""), "chart");
  const long = chartSlug("a very long title that goes on and on and on about order book depth", 20);
  assert.ok(long.length <= 20 && !long.endsWith("-"), long);
});

test("report over a passing and a failing notebook: pages, executed copies, chart PNGs, index with the failure", async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-report-"));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  const lines: string[] = [];
  const r = await buildReport({ files: [path.join(FIXTURES, "passing.ipynb"), path.join(FIXTURES, "failing.ipynb")], outDir: out, log: (l) => lines.push(l) });
  assert.equal(r.ok, false);
  assert.deepEqual(r.entries.map((e) => [e.name, e.ok]), [["passing", true], ["failing", false]]);
  assert.equal(r.indexPath, path.join(out, "index.html"));
  for (const f of ["index.html", "passing.html", "failing.html", "notebooks/passing.ipynb", "notebooks/failing.ipynb"]) {
    assert.ok(fs.existsSync(path.join(out, f)), f);
  }
  assert.ok(lines.some((l) => l.includes("code cell 3 failed") && l.includes("reading 'price'")));

  const index = fs.readFileSync(r.indexPath, "utf8");
  assert.match(index, /failed at code cell 3/);
  assert.ok(index.includes("Cannot read properties of undefined (reading &#39;price&#39;)"));
  assert.ok(index.includes('href="passing.html"') && index.includes('href="failing.html"'));
  const dr = describeDataRoot();
  assert.ok(index.includes(dr.path));
  assert.ok(index.includes(dr.real ? "real public data" : "synthetic market"));
  assert.ok(index.includes(r.version));

  const page = fs.readFileSync(path.join(out, "passing.html"), "utf8");
  assert.ok(page.includes("<script>Plotly.newPlot("));
  assert.ok(page.includes('href="index.html"'));

  const chart = r.entries[0].charts;
  assert.equal(chart.length, 1);
  assert.equal(chart[0].title, "Fixture line");
  if (chromiumPath()) {
    assert.equal(chart[0].png, "charts/passing/01-fixture-line.png");
    const png = fs.readFileSync(path.join(out, chart[0].png!));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(index.includes('src="charts/passing/01-fixture-line.png"'));
    assert.equal(r.pngCount, 1);
  } else {
    assert.equal(chart[0].png, null);
    assert.match(r.pngNote ?? "", /chromium/i);
  }
});
