import { test } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../../src/errors";
import { type Figure, SYNTHETIC_LABEL, WEBGL_THRESHOLD, usToISO } from "../../src/plot/figure";
import { timeSeries } from "../../src/plot/figures/timeSeries";
import { scatter } from "../../src/plot/figures/scatter";
import { binCounts, equalEdges, histogram } from "../../src/plot/figures/histogram";
import { heatmap } from "../../src/plot/figures/heatmap";
import { subplots } from "../../src/plot/figures/subplots";

type AnyTrace = { [k: string]: any };
const tr = (f: Figure, i = 0) => f.data[i] as AnyTrace;
const annTexts = (f: Figure) => (f.layout.annotations ?? []).map((a) => String(a.text));
const isArgErr = (field: string) => (e: unknown) => e instanceof ArgumentError && e.location.field === field;

const T0 = 1723075200000000; // 2024-08-08T00:00:00Z in µs

test("timeSeries: titles with units, ISO UTC x on a date axis, values, no synthetic mark", () => {
  const x = Float64Array.of(T0, T0 + 1_500_000, T0 + 3_000_001);
  const fig = timeSeries({
    title: "BTCUSDT quoted spread",
    yTitle: "spread (bps)",
    x,
    series: [
      { name: "quoted", y: Float64Array.of(1.5, NaN, 2.25) },
      { name: "effective", y: Float64Array.of(1, 1.25, 1.5), mode: "step" },
    ],
  });
  assert.equal(fig.layout.title?.text, "BTCUSDT quoted spread");
  assert.equal(fig.layout.xaxis?.title?.text, "time (UTC)");
  assert.equal(fig.layout.xaxis?.type, "date");
  assert.equal(fig.layout.yaxis?.title?.text, "spread (bps)");
  assert.equal(fig.data.length, 2);
  assert.deepEqual(tr(fig).x, ["2024-08-08T00:00:00.000000Z", "2024-08-08T00:00:01.500000Z", "2024-08-08T00:00:03.000001Z"]);
  assert.equal(tr(fig).name, "quoted");
  assert.equal(tr(fig).type, "scatter");
  assert.ok(Number.isNaN(tr(fig).y[1]), "NaN stays a gap");
  assert.equal(tr(fig, 1).line.shape, "hv");
  assert.equal(fig.layout.showlegend, true);
  assert.equal(fig.meta?.synthetic, undefined);
  assert.ok(!annTexts(fig).some((t) => t.includes(SYNTHETIC_LABEL)));
  // the JSON is plain: no typed arrays survive
  const back = JSON.parse(JSON.stringify(fig));
  assert.deepEqual(back.data[0].y, [1.5, null, 2.25]);
});

test("timeSeries: synthetic appends to the title and adds a visible annotation", () => {
  const fig = timeSeries({ title: "Mid", yTitle: "price (USDT)", x: Float64Array.of(T0), y: Float64Array.of(1), synthetic: true });
  assert.equal(fig.layout.title?.text, "Mid — synthetic data");
  assert.equal(fig.meta?.title, "Mid");
  assert.equal(fig.meta?.synthetic, true);
  const a = (fig.layout.annotations ?? []).find((x) => String(x.text).includes(SYNTHETIC_LABEL));
  assert.ok(a, "synthetic annotation present");
  assert.notEqual(a!.visible, false);
  assert.equal(a!.xref, "paper");
});

test("timeSeries: decimation keeps the spikes and says so; scattergl above the threshold", () => {
  const n = 200_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = T0 + i * 1000;
    y[i] = 100 + Math.sin(i / 1000);
  }
  y[123_457] = 250; // spike up
  y[7] = -40; // spike down
  const fig = timeSeries({ title: "Mid", yTitle: "price (USDT)", x, y, name: "mid", maxPoints: 2000 });
  const t = tr(fig);
  assert.ok(t.y.length <= 2000);
  assert.equal(Math.max(...t.y), 250);
  assert.equal(Math.min(...t.y), -40);
  assert.ok(t.x.includes(usToISO(x[123_457])), "the spike keeps its timestamp");
  assert.equal(t.x[0], usToISO(x[0]));
  assert.equal(t.x[t.x.length - 1], usToISO(x[n - 1]));
  assert.deepEqual(fig.meta?.decimated, [{ trace: "mid", from: n, to: t.y.length }]);
  assert.ok(annTexts(fig).some((s) => s.includes("decimated from 200,000")), "annotation says decimated");
  assert.equal(t.type, "scatter");

  const big = timeSeries({ title: "Mid", yTitle: "price (USDT)", x: x.subarray(0, WEBGL_THRESHOLD + 1), y: y.subarray(0, WEBGL_THRESHOLD + 1) });
  assert.equal(tr(big).type, "scattergl");
  assert.equal(big.meta?.decimated, undefined, "below the default cap: not decimated");
  const dflt = timeSeries({ title: "Mid", yTitle: "price (USDT)", x, y });
  assert.ok(tr(dflt).y.length <= 20_000 && tr(dflt).y.length > 19_000);
});

test("timeSeries: bad input names the field", () => {
  const x = Float64Array.of(1, 2);
  assert.throws(() => timeSeries({ title: "", yTitle: "p (USDT)", x, y: x }), isArgErr("title"));
  assert.throws(() => timeSeries({ title: "t", yTitle: "price", x, y: x }), isArgErr("yTitle"));
  assert.throws(() => timeSeries({ title: "t", yTitle: "p (USDT)", x, y: x, time: false }), isArgErr("xTitle"));
  assert.throws(() => timeSeries({ title: "t", yTitle: "p (USDT)", x, y: Float64Array.of(1) }), isArgErr("series[0].x"));
  assert.throws(() => timeSeries({ title: "t", yTitle: "p (USDT)", x, y: x, maxPoints: 3 }), isArgErr("maxPoints"));
  const numeric = timeSeries({ title: "t", yTitle: "p (USDT)", xTitle: "step (n)", x, y: x, time: false });
  assert.deepEqual(tr(numeric).x, [1, 2]);
  assert.equal(numeric.layout.xaxis?.type, undefined);
});

test("scatter: colour by side with a buy/sell legend", () => {
  const x = Float64Array.of(1, 2, 3, 4, 5);
  const y = Float64Array.of(10, 20, 30, 40, 50);
  const side = Int8Array.of(1, -1, 1, -1, 1);
  const fig = scatter({ title: "Impact", xTitle: "size (BTC)", yTitle: "impact (bps)", x, y, side });
  assert.equal(fig.data.length, 2);
  assert.equal(tr(fig, 0).name, "buy");
  assert.equal(tr(fig, 1).name, "sell");
  assert.deepEqual(tr(fig, 0).x, [1, 3, 5]);
  assert.deepEqual(tr(fig, 1).y, [20, 40]);
  assert.notEqual(tr(fig, 0).marker.color, tr(fig, 1).marker.color);
  assert.equal(fig.layout.showlegend, true);
  assert.equal(fig.layout.xaxis?.title?.text, "size (BTC)");
  const withUnknown = scatter({ title: "Impact", xTitle: "size (BTC)", yTitle: "impact (bps)", x, y, side: Int8Array.of(1, 0, 1, -1, 0) });
  assert.deepEqual(withUnknown.data.map((t) => (t as AnyTrace).name), ["buy", "sell", "unknown"]);
  assert.throws(
    () => scatter({ title: "t", xTitle: "a (1)", yTitle: "b (1)", x, y, side: Int8Array.of(1, 2, 1, 1, 1) }),
    (e: unknown) => e instanceof ArgumentError && e.location.field === "side" && e.location.line === 2,
  );
});

test("scatter: decimation per side keeps x and y extremes", () => {
  const n = 50_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const side = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i * 7919) % 1000;
    y[i] = ((i * 104729) % 2001) - 1000;
    side[i] = i % 2 ? 1 : -1;
  }
  x[4001] = 5000; // a buy with an extreme x
  const fig = scatter({ title: "s", xTitle: "a (1)", yTitle: "b (1)", x, y, side, maxPoints: 400 });
  const buy = tr(fig, 0);
  assert.ok(buy.x.length <= 400);
  assert.ok(buy.x.includes(5000));
  let buyMax = -Infinity;
  let buyMin = Infinity;
  for (let i = 0; i < n; i++) if (side[i] === 1) (buyMax = Math.max(buyMax, y[i])), (buyMin = Math.min(buyMin, y[i]));
  assert.equal(Math.max(...buy.y), buyMax);
  assert.equal(Math.min(...buy.y), buyMin);
  assert.equal(fig.meta?.decimated?.length, 2);
});

test("histogram: hand-worked counts, NaN counted, density integrates to 1", () => {
  const values = Float64Array.of(0, 0.5, 1, 1.5, 2, NaN);
  const fig = histogram({ title: "Sizes", xTitle: "size (BTC)", values, bins: 2 });
  const t = tr(fig);
  assert.equal(t.type, "bar");
  assert.deepEqual(t.x, [0.5, 1.5]);
  assert.deepEqual(t.y, [2, 3]); // [0,1) holds 0, 0.5; [1,2] holds 1, 1.5, 2
  assert.deepEqual(t.width, [1, 1]);
  assert.equal(fig.layout.yaxis?.title?.text, "count (n)");
  assert.ok(fig.meta?.notes?.some((s) => s.includes("1 non-finite")));
  assert.ok(annTexts(fig).some((s) => s.includes("non-finite")));

  const d = histogram({ title: "Sizes", xTitle: "size (BTC)", values, bins: Float64Array.of(0, 0.5, 2), histnorm: "density" });
  const td = tr(d);
  assert.deepEqual(td.y, [1 / (5 * 0.5), 4 / (5 * 1.5)]);
  assert.ok(Math.abs(td.y[0] * 0.5 + td.y[1] * 1.5 - 1) < 1e-12);
  assert.equal(d.layout.yaxis?.title?.text, "density (1/BTC)");
});

test("histogram: grouping by side shares bins; out-of-range values are counted", () => {
  const values = Float64Array.of(1, 2, 3, 4, 100);
  const side = Int8Array.of(1, 1, -1, -1, 1);
  const fig = histogram({ title: "Sizes", xTitle: "size (BTC)", values, side, bins: 3, range: [0, 6], histnorm: "probability" });
  assert.deepEqual(fig.data.map((t) => (t as AnyTrace).name), ["buy", "sell"]);
  assert.deepEqual(tr(fig, 0).x, tr(fig, 1).x);
  assert.deepEqual(tr(fig, 0).y, [0.5, 0.5, 0]); // buy: 1 in [0,2), 2 in [2,4), 100 out
  assert.deepEqual(tr(fig, 1).y, [0, 0.5, 0.5]); // sell: 3 in [2,4), 4 in [4,6]
  assert.equal(fig.layout.barmode, "overlay");
  assert.ok(fig.meta?.notes?.some((s) => s.startsWith("buy: 1 value outside [0, 6]")));
});

test("binCounts follows numpy's edge convention", () => {
  const e = equalEdges(0, 3, 3);
  const r = binCounts(Float64Array.of(-1, 0, 0.999, 1, 2.5, 3, 3.01, Infinity), e);
  assert.deepEqual(Array.from(r.counts), [2, 1, 2]);
  assert.deepEqual([r.below, r.above, r.nonFinite], [1, 1, 1]);
  assert.throws(() => binCounts([1], Float64Array.of(0, 0)), ArgumentError);
});

test("heatmap: matrix, labels, colour bar title with unit; shape errors name the row", () => {
  const fig = heatmap({
    title: "Realized spread",
    xTitle: "horizon (s)",
    yTitle: "hour (UTC h)",
    colorbarTitle: "realized spread (bps)",
    x: ["1", "5", "60"],
    y: Float64Array.of(0, 1),
    z: [Float64Array.of(1, 2, 3), Float64Array.of(4, NaN, 6)],
    zmid: 0,
  });
  const t = tr(fig);
  assert.equal(t.type, "heatmap");
  assert.deepEqual(t.z, [[1, 2, 3], [4, NaN, 6]]);
  assert.equal(t.colorbar.title.text, "realized spread (bps)");
  assert.equal(t.zmid, 0);
  assert.equal(fig.layout.xaxis?.type, "category");
  assert.throws(
    () => heatmap({ title: "h", xTitle: "a (1)", yTitle: "b (1)", colorbarTitle: "c (1)", x: ["a", "b"], y: ["r0", "r1"], z: [Float64Array.of(1, 2), Float64Array.of(1)] }),
    (e: unknown) => e instanceof ArgumentError && e.location.field === "z" && e.location.line === 2,
  );
  assert.throws(() => heatmap({ title: "h", xTitle: "a (1)", yTitle: "b (1)", colorbarTitle: "c", x: ["a"], y: ["r"], z: [Float64Array.of(1)] }), isArgErr("colorbarTitle"));
});

test("subplots: one shared x axis, one y axis per row with its own title, rows stacked top-down", () => {
  const x = Float64Array.of(T0, T0 + 1e6, T0 + 2e6);
  const a = timeSeries({ title: "Mid", yTitle: "price (USDT)", x, y: Float64Array.of(1, 2, 3) });
  const b = timeSeries({ title: "Inventory", yTitle: "inventory (BTC)", x, y: Float64Array.of(0, 1, 0), mode: "step", synthetic: true });
  const c = timeSeries({ title: "Spread", yTitle: "spread (bps)", x, y: Float64Array.of(5, 6, 7) });
  const fig = subplots([a, b, c], { title: "Session", rowHeights: [2, 1, 1] });
  assert.equal(fig.data.length, 3);
  assert.deepEqual(fig.data.map((t) => (t as AnyTrace).xaxis), ["x", "x", "x"]);
  assert.deepEqual(fig.data.map((t) => (t as AnyTrace).yaxis), ["y", "y2", "y3"]);
  const lay = fig.layout as AnyTrace;
  assert.equal(lay.yaxis.title.text, "price (USDT)");
  assert.equal(lay.yaxis2.title.text, "inventory (BTC)");
  assert.equal(lay.yaxis3.title.text, "spread (bps)");
  assert.equal(lay.xaxis.type, "date");
  assert.equal(lay.xaxis.title.text, "time (UTC)");
  assert.equal(lay.xaxis.anchor, "y3", "x axis at the bottom row");
  for (const k of ["yaxis", "yaxis2", "yaxis3"]) assert.equal(lay[k].anchor, "x");
  // domains: ordered top to bottom, disjoint, row 0 twice as tall
  const d1 = lay.yaxis.domain;
  const d2 = lay.yaxis2.domain;
  const d3 = lay.yaxis3.domain;
  assert.ok(d1[1] === 1 && d1[0] > d2[1] && d2[0] > d3[1] && d3[0] >= 0);
  assert.ok(Math.abs(d1[1] - d1[0] - 2 * (d2[1] - d2[0])) < 1e-12);
  assert.equal(tr(fig, 1).line.shape, "hv", "trace styling survives");
  // synthetic propagates from any row
  assert.equal(fig.meta?.synthetic, true);
  assert.equal(fig.layout.title?.text, "Session — synthetic data");
  assert.ok(annTexts(fig).some((s) => s.includes("Inventory")));
  // inputs untouched
  assert.equal((a.data[0] as AnyTrace).yaxis, undefined);
});

test("subplots: x types must agree; decimation notes carry over", () => {
  const x = new Float64Array(5000).map((_, i) => T0 + i);
  const y = new Float64Array(5000).map((_, i) => Math.sin(i));
  const a = timeSeries({ title: "Mid", yTitle: "price (USDT)", x, y, maxPoints: 100 });
  const h = histogram({ title: "Sizes", xTitle: "size (BTC)", values: y });
  assert.throws(() => subplots([a, h], { title: "bad" }), ArgumentError);
  const s = subplots([a, a], { title: "twice" });
  assert.equal(s.meta?.decimated?.length, 2);
  assert.ok(s.meta!.decimated![0].trace.startsWith("Mid / "));
  assert.throws(() => subplots([], { title: "none" }), isArgErr("figs"));
});
