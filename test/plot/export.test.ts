import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { timeSeries } from "../../src/plot/figures/timeSeries";
import { scatter } from "../../src/plot/figures/scatter";
import { subplots } from "../../src/plot/figures/subplots";
import { heatmap } from "../../src/plot/figures/heatmap";
import { FigureExporter, NO_CHROMIUM_MESSAGE, chromiumPath, closeExporter, exportFigure, getExporter, writeHTML } from "../../src/plot/export";
import { needTool } from "../helpers";

const T0 = 1723075200000000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-plot-"));
after(async () => {
  await closeExporter();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function sample(n = 500, synthetic = true) {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = T0 + i * 60e6;
    y[i] = 60000 + 200 * Math.sin(i / 40) + 30 * Math.cos(i / 7);
  }
  return timeSeries({ title: "BTCUSDT mid price", yTitle: "mid price (USDT)", x, y, name: "mid", synthetic });
}

/** Width and height from a PNG's IHDR chunk (after checking the signature). */
function pngSize(b: Buffer): { width: number; height: number } {
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.equal(b.subarray(12, 16).toString("latin1"), "IHDR");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T> | T): Promise<T> {
  const old = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  }
}

test("chromiumPath honours MAKERLAB_CHROMIUM and returns null when absent", async () => {
  await withEnv("MAKERLAB_CHROMIUM", "/nonexistent/chromium", () => assert.equal(chromiumPath(), null));
  const found = chromiumPath();
  if (found !== null) {
    assert.ok(fs.existsSync(found));
    await withEnv("MAKERLAB_CHROMIUM", found, () => assert.equal(chromiumPath(), found));
  }
});

test("writeHTML: a standalone page with plotly.js inlined and the data", () => {
  const a = sample(50);
  const b = scatter({ title: "Impact", xTitle: "size (BTC)", yTitle: "impact (bps)", x: Float64Array.of(0.5, 1), y: Float64Array.of(1.25, 3.5), side: Int8Array.of(1, -1) });
  const file = writeHTML([a, b], path.join(tmp, "sub", "page.html"), { title: "Two <figures>" });
  const html = fs.readFileSync(file, "utf8");
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.ok(html.includes("<title>Two &lt;figures&gt;</title>"));
  assert.ok(html.includes("plotly.js v3"), "library inlined");
  assert.equal(html.split("plotly.js v3").length, 2, "library inlined once");
  assert.ok(html.length > 1_000_000);
  assert.ok(html.includes('"2024-08-08T00:00:00.000000Z"') && html.includes("1.25") && html.includes("BTCUSDT mid price — synthetic data"));
  assert.ok(html.includes("makerlab-fig-0") && html.includes("makerlab-fig-1"));
  assert.ok(!/<script[^>]*src=/.test(html), "no network needed");
});

test("exportFigure without chromium writes the HTML and says so plainly", async () => {
  const logs: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void logs.push(a.map(String).join(" "));
  let r;
  try {
    r = await withEnv("MAKERLAB_CHROMIUM", "/nonexistent/chromium", () => exportFigure(sample(20), path.join(tmp, "nochrome"), { formats: ["png", "svg"] }));
  } finally {
    console.log = orig;
  }
  assert.deepEqual(r.skipped, ["png", "svg"]);
  assert.equal(r.message, NO_CHROMIUM_MESSAGE);
  assert.equal(r.files.html, path.join(tmp, "nochrome.html"));
  assert.ok(fs.existsSync(path.join(tmp, "nochrome.html")));
  assert.ok(!fs.existsSync(path.join(tmp, "nochrome.png")));
  assert.deepEqual(logs, [NO_CHROMIUM_MESSAGE]);
});

test("PNG and SVG export through one reused browser", async (t) => {
  if (!needTool(t, chromiumPath() ?? "chromium")) return;
  const launchesBefore = FigureExporter.launches;
  const ex = await getExporter();
  t.diagnostic(`browser start-up incl. plotly.js load: ${ex.launchMs.toFixed(0)} ms`);

  let t0 = Date.now();
  const png = await ex.toPNG(sample(), { width: 640, height: 360 });
  const firstMs = Date.now() - t0;
  assert.deepEqual(pngSize(png), { width: 640, height: 360 });
  const png2 = await ex.toPNG(sample(), { width: 640, height: 360, scale: 2 });
  assert.deepEqual(pngSize(png2), { width: 1280, height: 720 });

  const svg = await ex.toSVG(sample());
  assert.ok(svg.startsWith("<svg"), svg.slice(0, 40));
  assert.ok(svg.includes("BTCUSDT mid price") && svg.includes("mid price (USDT)") && svg.includes("SYNTHETIC DATA"));

  // several figures, including a scattergl trace (drawn as SVG scatter) and a subplot figure
  const n = 15_000;
  const bx = new Float64Array(n).map((_, i) => T0 + i * 1e6);
  const by = new Float64Array(n).map((_, i) => Math.sin(i / 300));
  const gl = timeSeries({ title: "Large", yTitle: "signal (ratio)", x: bx, y: by });
  assert.equal((gl.data[0] as { type: string }).type, "scattergl");
  const hm = heatmap({ title: "Grid", xTitle: "horizon (s)", yTitle: "hour (UTC h)", colorbarTitle: "spread (bps)", x: ["1", "5"], y: ["0", "1"], z: [Float64Array.of(1, 2), Float64Array.of(3, 4)] });
  const sub = subplots([sample(200, false), sample(200, false)], { title: "Two rows" });
  const sizes: number[] = [];
  t0 = Date.now();
  for (const f of [gl, hm, sub, sample()]) sizes.push(pngSize(await ex.toPNG(f)).height);
  const perPng = (Date.now() - t0) / 4;
  assert.deepEqual(sizes, [500, 500, sub.layout.height, 500]);
  t.diagnostic(`first PNG ${firstMs} ms; then ${perPng.toFixed(0)} ms per PNG (mix incl. a 15k-point trace)`);
  t0 = Date.now();
  for (let i = 0; i < 5; i++) await ex.toPNG(sample());
  t.diagnostic(`small line figure: ${((Date.now() - t0) / 5).toFixed(0)} ms per PNG`);

  assert.equal(await getExporter(), ex, "the shared exporter is reused");
  assert.equal(FigureExporter.launches - launchesBefore, launchesBefore === 0 ? 1 : 0, "one browser launched");
  assert.ok(ex.rendered >= 12);

  const r = await exportFigure(sample(), path.join(tmp, "out", "mid"));
  assert.deepEqual(Object.keys(r.files).sort(), ["html", "png", "svg"]);
  assert.deepEqual(r.skipped, []);
  assert.deepEqual(pngSize(fs.readFileSync(r.files.png!)), { width: 900, height: 500 });
  assert.ok(fs.readFileSync(r.files.svg!, "utf8").startsWith("<svg"));
  assert.equal(FigureExporter.launches - launchesBefore, launchesBefore === 0 ? 1 : 0);

  await closeExporter();
  assert.ok(ex.isClosed);
  await assert.rejects(ex.toPNG(sample()));
});
