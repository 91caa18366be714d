import { test } from "node:test";
import assert from "node:assert/strict";
import { edge, edgeByPeriod, edgeCandles, edgeEstimate, edgeRolling, simulateSpreadOhlc } from "../../src/liquidity/edge";
import { utcPeriodGroups } from "../../src/liquidity/amihud";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

// The first 10 rows of `pseudocode/ohlc.csv` of the authors' reference implementation (github.com/eguidotti/bidask,
// MIT licence, Copyright (c) 2024 Emanuele Guidotti): simulated prices with a 1 % spread. The reference's own tests
// (python/tests, julia/test) assert edge(first 10 rows, sign = TRUE) = -0.016889917516422.
const REF10 = [
  [1.00240075994025, 1.00935878365403, 0.976061138469904, 0.976061138469904],
  [0.929743096395543, 0.929774737723069, 0.928919694164385, 0.929774737723069],
  [0.943911414384193, 0.968140794511406, 0.943911414384193, 0.968140794511406],
  [0.977605378856722, 0.977605378856722, 0.977605378856722, 0.977605378856722],
  [0.961535370407048, 0.99982474278851, 0.961535370407048, 0.986215329667607],
  [0.982409003083975, 0.992213437101346, 0.982409003083975, 0.992213437101346],
  [1.03435413274433, 1.03435413274433, 1.03435413274433, 1.03435413274433],
  [1.0201424300403, 1.04025465277235, 1.0201424300403, 1.03219266262805],
  [1.03650094499406, 1.03650094499406, 1.03650094499406, 1.03650094499406],
  [1.05368509087896, 1.05368509087896, 1.02605242183949, 1.02798086837104],
];
const col = (rows: number[][], j: number) => Float64Array.from(rows.map((r) => r[j]));
const ref = { o: col(REF10, 0), h: col(REF10, 1), l: col(REF10, 2), c: col(REF10, 3) };

test("EDGE matches the reference implementation's published value on its test data (signed, abs, zero)", () => {
  const signed = edge(ref.o, ref.h, ref.l, ref.c, { sign: "signed" });
  close(signed, -0.016889917516422, 1e-14);
  const est = edgeEstimate(ref.o, ref.h, ref.l, ref.c);
  assert.ok(est.s2 < 0);
  close(est.spread, 0.016889917516422, 1e-14, "abs (default)");
  assert.equal(edge(ref.o, ref.h, ref.l, ref.c, { sign: "zero" }), 0);
  // intermediate quantities are consistent with the formulas of the module comment
  close(est.s2, (est.v2 * est.e1 + est.v1 * est.e2) / (est.v1 + est.v2), 1e-18);
  close(est.w1, est.v2 / (est.v1 + est.v2), 1e-15);
  assert.equal(est.pt, 1); // every period moves
  close(est.po, 7 / 9, 1e-15); // 9 pairs, all with tau = 1: o≠h in 5 of them, o≠l in 2
  close(est.pc, 8 / 9, 1e-15);
  assert.equal(est.observations, 10);
});

test("EDGE special cases: nothing moves → NaN; fewer than 3 rows → NaN; the reference's NaN case", () => {
  const flat = new Float64Array(50).fill(17.61);
  assert.ok(Number.isNaN(edge(flat, flat, flat, flat)));
  const e = edgeEstimate(flat, flat, flat, flat);
  assert.equal(e.moving, 0);
  assert.ok(Number.isNaN(edge(ref.o.subarray(0, 2), ref.h.subarray(0, 2), ref.l.subarray(0, 2), ref.c.subarray(0, 2))));
  assert.ok(Number.isNaN(edge([], [], [], [])));
  // the reference tests' own NaN case: one move only (tau = 1 once)
  assert.ok(Number.isNaN(edge([18.21, 17.61, 17.61], [18.21, 17.61, 17.61], [17.61, 17.61, 17.61], [17.61, 17.61, 17.61])));
  // three rows that move are enough
  assert.ok(Number.isFinite(edge(ref.o.subarray(0, 3), ref.h.subarray(0, 3), ref.l.subarray(0, 3), ref.c.subarray(0, 3))));
});

test("EDGE: missing rows are skipped per mean (nanmean), never poisoning the estimate; bad prices throw", () => {
  const o = Float64Array.from(ref.o), h = Float64Array.from(ref.h), l = Float64Array.from(ref.l), c = Float64Array.from(ref.c);
  h[4] = NaN;
  const v = edge(o, h, l, c);
  assert.ok(Number.isFinite(v) && v > 0);
  assert.notEqual(v, edge(ref.o, ref.h, ref.l, ref.c));
  const allNaN = new Float64Array(5).fill(NaN);
  assert.ok(Number.isNaN(edge(allNaN, allNaN, allNaN, allNaN)));
  assert.throws(() => edge([1, 2, 0], [1, 2, 3], [1, 2, 3], [1, 2, 3]), (e: unknown) => e instanceof DataError && /open/.test(e.message) && /row 2/.test(e.message));
  assert.throws(() => edge([1, 2], [1, 2, 3], [1, 2, 3], [1, 2, 3]), ArgumentError);
  assert.throws(() => edge(ref.o, ref.h, ref.l, ref.c, { sign: "floor" as never }), ArgumentError);
});

test("EDGE recovers a known spread in a simulated Roll-type market (Monte Carlo)", () => {
  // 5 independent samples of 2,000 periods, 390 trades each, S = 1 %, sigma 2 % per period. Measured spread of single
  // estimates across 20 seeds: sd ≈ 0.0003, so the mean of 5 has sd ≈ 0.00013; tolerance 0.0006 ≈ 4.5 sd.
  for (const [prob, tol] of [[1, 0.0006], [0.1, 0.0006]] as const) {
    let sum = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const x = simulateSpreadOhlc({ periods: 2000, seed, spread: 0.01, tradeProb: prob });
      const s = edge(x.open, x.high, x.low, x.close);
      close(s, 0.01, 0.0015, `seed ${seed} prob ${prob}`);
      sum += s;
    }
    close(sum / 5, 0.01, tol, `mean, prob ${prob}`);
  }
  // zero spread: the estimate is near 0 (|ŝ²| of order the sampling noise), far below 1 %
  const z = simulateSpreadOhlc({ periods: 2000, seed: 9, spread: 0 });
  assert.ok(edge(z.open, z.high, z.low, z.close) < 0.002);
});

test("property: EDGE is invariant to scaling prices by c (relative spread)", () => {
  const x = simulateSpreadOhlc({ periods: 300, seed: 3, stepsPerPeriod: 50, tradeProb: 0.3 });
  const base = edgeEstimate(x.open, x.high, x.low, x.close, { sign: "signed" });
  for (const cst of [2, 1 / 1024, 3.7, 12345.678]) {
    const sc = (a: Float64Array) => a.map((v) => v * cst);
    const e = edgeEstimate(sc(x.open), sc(x.high), sc(x.low), sc(x.close), { sign: "signed" });
    close(e.spread, base.spread, 1e-9 * Math.abs(base.spread), `c = ${cst}`);
    assert.equal(e.moving, base.moving);
  }
});

test("simulateSpreadOhlc: reproducible, consistent candles, untraded periods repeat the last price", () => {
  const a = simulateSpreadOhlc({ periods: 200, seed: 5, stepsPerPeriod: 20, tradeProb: 0.02 });
  const b = simulateSpreadOhlc({ periods: 200, seed: 5, stepsPerPeriod: 20, tradeProb: 0.02 });
  assert.deepEqual(a, b);
  let flat = 0;
  for (let i = 0; i < 200; i++) {
    assert.ok(a.high[i] >= Math.max(a.open[i], a.close[i]) && a.low[i] <= Math.min(a.open[i], a.close[i]));
    if (a.high[i] === a.low[i] && a.open[i] === a.close[i] && i > 0 && a.open[i] === a.close[i - 1]) flat++;
  }
  assert.ok(flat > 100, `most periods have no trade at prob 0.02 × 20 steps (got ${flat})`);
});

test("edgeRolling equals edge on each window; edgeByPeriod equals edge on the period plus the previous row", () => {
  const x = simulateSpreadOhlc({ periods: 120, seed: 11, stepsPerPeriod: 30 });
  const w = 21;
  const r = edgeRolling(x.open, x.high, x.low, x.close, w, { sign: "signed" });
  for (let i = 0; i < 120; i++) {
    if (i < w - 1) assert.ok(Number.isNaN(r[i]));
    else {
      const s = (a: Float64Array) => a.subarray(i - w + 1, i + 1);
      assert.equal(r[i], edge(s(x.open), s(x.high), s(x.low), s(x.close), { sign: "signed" }));
    }
  }
  assert.throws(() => edgeRolling(x.open, x.high, x.low, x.close, 2), ArgumentError);

  // hourly candles over 2024-01-30 .. 2024-03-03 → months Jan (partial), Feb (leap), Mar (partial)
  const t0 = Date.UTC(2024, 0, 30) * 1000;
  const n = 24 * 34;
  const y = simulateSpreadOhlc({ periods: n, seed: 12, stepsPerPeriod: 10 });
  const ts = Float64Array.from({ length: n }, (_, i) => t0 + i * 3600e6);
  const f = edgeByPeriod(ts, y.open, y.high, y.low, y.close, { period: "month" });
  assert.deepEqual(Array.from(f.f64("timestamp")), [Date.UTC(2024, 0, 1) * 1000, Date.UTC(2024, 1, 1) * 1000, Date.UTC(2024, 2, 1) * 1000]);
  assert.deepEqual(Array.from(f.col("observations")), [48, 29 * 24, 3 * 24]);
  const g = utcPeriodGroups(ts, "month");
  for (let j = 0; j < 3; j++) {
    const lo = Math.max(0, g.start[j] - 1);
    const s = (a: Float64Array) => a.subarray(lo, g.end[j]);
    assert.equal(f.f64("spread")[j], edge(s(y.open), s(y.high), s(y.low), s(y.close)));
  }
});

test("edgeCandles reads open/high/low/close of a frame", () => {
  const f = new Frame({ open: ref.o, high: ref.h, low: ref.l, close: ref.c });
  close(edgeCandles(f, { sign: "signed" }), -0.016889917516422, 1e-14);
});
