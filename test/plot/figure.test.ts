import { test } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../../src/errors";
import {
  decimateMinMax,
  displayTitle,
  figureSummary,
  requireAxisTitle,
  scriptJSON,
  usToISO,
  usToISOArray,
  SYNTHETIC_SUFFIX,
  wrapParts,
} from "../../src/plot/figure";
import { timeSeries } from "../../src/plot/figures/timeSeries";

test("usToISO: exact to the microsecond, UTC, rounding and pre-1970", () => {
  assert.equal(usToISO(1704067200123456), "2024-01-01T00:00:00.123456Z");
  assert.equal(usToISO(1704067200000000), "2024-01-01T00:00:00.000000Z");
  assert.equal(usToISO(1723075199999999), "2024-08-07T23:59:59.999999Z");
  // fractional µs round to the nearest µs, carrying into the millisecond
  assert.equal(usToISO(1704067200000999.6), "2024-01-01T00:00:00.001000Z");
  assert.equal(usToISO(0), "1970-01-01T00:00:00.000000Z");
  assert.equal(usToISO(-1), "1969-12-31T23:59:59.999999Z");
  assert.throws(() => usToISO(NaN), ArgumentError);
});

test("usToISO round-trips: parsing the string back gives the same epoch µs", () => {
  let s = 1723075200000000;
  for (let k = 0; k < 200; k++) {
    s += 1 + ((k * 7919) % 1000003);
    const iso = usToISO(s);
    const ms = Date.parse(iso.slice(0, 23) + "Z");
    assert.equal(ms * 1000 + Number(iso.slice(23, 26)), s);
  }
});

test("usToISOArray names the row of a bad timestamp", () => {
  const x = Float64Array.of(1e15, NaN);
  assert.throws(() => usToISOArray(x, null, "ts"), (e: unknown) => e instanceof ArgumentError && e.location.field === "ts" && e.location.line === 2);
  assert.deepEqual(usToISOArray(Float64Array.of(1e15, 2e15), Int32Array.of(1)), [usToISO(2e15)]);
});

test("decimateMinMax: hand-worked example", () => {
  // n=10, maxPoints=8, one key → 2 per bucket, ⌊6/2⌋ = 3 buckets: [0,3) [3,6) [6,10)
  const y = Float64Array.of(5, 1, 9, 2, 2, 2, 0, 7, 3, 8);
  assert.deepEqual(Array.from(decimateMinMax(10, [y], 8)!), [0, 1, 2, 3, 6, 9]);
  assert.equal(decimateMinMax(10, [y], 10), null);
});

test("decimateMinMax keeps every bucket's extremes, first and last rows, and the cap", () => {
  const n = 100_003;
  const y = new Float64Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    y[i] = Math.sin(i / 500) + (s / 2147483648 - 0.5) * 0.1;
  }
  y[54321] = 1e6; // a spike
  y[777] = -1e6;
  const maxPoints = 1000;
  const idx = decimateMinMax(n, [y], maxPoints)!;
  assert.ok(idx.length <= maxPoints, `${idx.length} > ${maxPoints}`);
  assert.equal(idx[0], 0);
  assert.equal(idx[idx.length - 1], n - 1);
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], "ascending and unique");
  const kept = new Set(idx);
  assert.ok(kept.has(54321) && kept.has(777));
  // every bucket's max and min is among the kept rows
  const buckets = Math.floor((maxPoints - 2) / 2);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let mx = -Infinity;
    let mn = Infinity;
    let keptMx = -Infinity;
    let keptMn = Infinity;
    for (let i = lo; i < hi; i++) {
      mx = Math.max(mx, y[i]);
      mn = Math.min(mn, y[i]);
      if (kept.has(i)) {
        keptMx = Math.max(keptMx, y[i]);
        keptMn = Math.min(keptMn, y[i]);
      }
    }
    assert.equal(keptMx, mx);
    assert.equal(keptMn, mn);
  }
});

test("decimateMinMax: an all-NaN bucket keeps one row (the gap stays), two keys keep x and y extremes", () => {
  const y = new Float64Array(100).fill(1);
  for (let i = 40; i < 60; i++) y[i] = NaN;
  const idx = decimateMinMax(100, [y], 12)!; // 5 buckets of 20
  assert.ok(Array.from(idx).some((i) => Number.isNaN(y[i])));
  const x = new Float64Array(100);
  for (let i = 0; i < 100; i++) x[i] = (i * 37) % 100;
  const idx2 = decimateMinMax(100, [x, Float64Array.from(x, (v) => -v)], 20)!;
  const xs = Array.from(idx2, (i) => x[i]);
  assert.ok(xs.includes(0) && xs.includes(99));
  assert.ok(idx2.length <= 20);
});

test("requireAxisTitle demands a unit in parentheses or brackets", () => {
  assert.equal(requireAxisTitle("spread (bps)", "yTitle"), "spread (bps)");
  assert.equal(requireAxisTitle("price [USDT]", "yTitle"), "price [USDT]");
  for (const bad of ["spread", "spread ()", "", undefined]) {
    assert.throws(() => requireAxisTitle(bad, "yTitle"), (e: unknown) => e instanceof ArgumentError && e.location.field === "yTitle");
  }
});

test("displayTitle, figureSummary and scriptJSON", () => {
  assert.equal(displayTitle("Mid", true), "Mid" + SYNTHETIC_SUFFIX);
  assert.equal(displayTitle("Mid", false), "Mid");
  const fig = timeSeries({ title: "Mid price", yTitle: "price (USDT)", x: Float64Array.of(1e15, 1e15 + 1e6), y: Float64Array.of(1, 2), synthetic: true });
  const s = figureSummary(fig);
  assert.ok(s.includes("Mid price — synthetic data"));
  assert.ok(s.includes("y: price (USDT)") && s.includes("x: time (UTC)"));
  assert.ok(!s.includes("\n"));
  const j = scriptJSON({ a: "</script><b>", b: NaN });
  assert.ok(!j.includes("</"));
  assert.deepEqual(JSON.parse(j), { a: "</script><b>", b: null });
});

test("wrapParts packs notes into short lines", () => {
  assert.deepEqual(wrapParts(["aaaa", "bbbb", "cccc"], 10), ["aaaa; bbbb;", "cccc"]);
  assert.deepEqual(wrapParts(["a".repeat(20), "b"], 10), ["a".repeat(20) + ";", "b"]);
  assert.deepEqual(wrapParts([]), []);
});
