import { after, test } from "node:test";
import assert from "node:assert/strict";
import {
  amihud,
  amihudByPeriod,
  amihudCandles,
  amihudRolling,
  approxQuoteVolume,
  utcPeriodGroups,
} from "../../src/liquidity/amihud";
import { roll, rollCandles } from "../../src/liquidity/roll";
import { corwinSchultzCandles } from "../../src/liquidity/corwinSchultz";
import { edgeByPeriod, edgeCandles } from "../../src/liquidity/edge";
import { Frame } from "../../src/frame/frame";
import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { closeDuckDB } from "../../src/data/duckdb";
import { ArgumentError, DataError } from "../../src/errors";
import { needData, seededUniform } from "../helpers";

after(async () => {
  await closeDuckDB();
});

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

// Hand-worked: close 100 102 102 99 NaN 100 101; quote volume 1e6 2e6 0 3e6 1e6 5e5 NaN
//   row 0: first period, no return                         → excludedNoReturn
//   row 1: |R| = 0.02, DVOL 2e6 → 1e6 · 0.02 / 2e6 = 0.01
//   row 2: R = 0 but volume 0                              → excludedZeroVolume
//   row 3: |R| = 3/102, DVOL 3e6 → 1e6 · (3/102) / 3e6 = 0.00980392156862745
//   row 4: close NaN; row 5: previous close NaN            → excludedNoReturn (2)
//   row 6: |R| = 0.01 but volume NaN                       → excludedZeroVolume
//   ILLIQ = (0.01 + 0.00980392156862745) / 2 = 0.009901960784313725
const C = [100, 102, 102, 99, NaN, 100, 101];
const V = [1e6, 2e6, 0, 3e6, 1e6, 5e5, NaN];

test("hand-worked example: value, and every excluded period counted by reason", () => {
  const r = amihud(C, V);
  close(r.value, 0.009901960784313725, 1e-17);
  assert.deepEqual([r.used, r.excludedNoReturn, r.excludedZeroVolume, r.excludedLowVolume], [2, 3, 2, 0]);
  assert.equal(r.used + r.excludedNoReturn + r.excludedZeroVolume + r.excludedLowVolume, C.length);
  assert.equal(r.scale, 1e6);
  close(r.series[1], 0.01, 1e-17);
  close(r.series[3], 0.00980392156862745, 1e-17);
  for (const i of [0, 2, 4, 5, 6]) assert.ok(Number.isNaN(r.series[i]), `row ${i} excluded`);
  assert.ok(Object.values(r).every((v) => v !== Infinity), "never infinite");
  // explicit scale; minVolume drops the 2e6 period and counts it
  close(amihud(C, V, { scale: 1 }).value, 0.009901960784313725e-6, 1e-23);
  const robust = amihud(C, V, { minVolume: 2.5e6 });
  assert.deepEqual([robust.used, robust.excludedLowVolume], [1, 1]);
  close(robust.value, 0.00980392156862745, 1e-17);
  // nothing usable → NaN, not 0 and not Infinity
  assert.ok(Number.isNaN(amihud([100, 101], [0, 0]).value));
});

test("winsorizing clips the ratios at their type-7 quantiles and counts the clipped ones", () => {
  // |R| = 1 % every period, DVOL_i = 1e4 / i → ratio_i = 1e6 · 0.01 · i / 1e4 = i, i = 1..100
  const n = 101;
  const c = new Float64Array(n);
  const v = new Float64Array(n);
  c[0] = 100;
  for (let i = 1; i < n; i++) {
    c[i] = i % 2 ? c[i - 1] * 1.01 : c[i - 1] * 0.99;
    v[i] = 1e4 / i;
  }
  const raw = amihud(c, v);
  close(raw.value, 50.5, 1e-9);
  const w = amihud(c, v, { winsorize: [0.05, 0.9] });
  // quantiles of 1..100: 0.05 → 1 + 99·0.05 = 5.95; 0.9 → 1 + 99·0.9 = 90.1
  close(w.bounds![0], 5.95, 1e-9);
  close(w.bounds![1], 90.1, 1e-9);
  assert.deepEqual([w.winsorizedLow, w.winsorizedHigh], [5, 10]);
  // mean = (Σ_{6..90} i + 5·5.95 + 10·90.1) / 100 = (4080 + 29.75 + 901) / 100
  close(w.value, 50.1075, 1e-9);
  assert.equal(w.series[1], raw.series[1], "series is returned unclipped");
  assert.throws(() => amihud(c, v, { winsorize: [0.5, 0.2] }), ArgumentError);
});

test("bad input throws with the field and row; options are checked", () => {
  assert.throws(() => amihud([100, -1], [1, 1]), (e: unknown) => e instanceof DataError && /close/.test(e.message) && /row 1/.test(e.message));
  assert.throws(() => amihud([100, 101], [1, -5]), (e: unknown) => e instanceof DataError && /quoteVolume/.test(e.message));
  assert.throws(() => amihud([100, 101], [1]), ArgumentError);
  assert.throws(() => amihud([100, 101], [1, 1], { scale: 0 }), ArgumentError);
  assert.throws(() => amihud([100, 101], [1, 1], { minVolume: -1 }), ArgumentError);
});

test("property: prices × c and quote volume × c scale Amihud by 1/c; zero volumes are counted, never averaged", () => {
  const u = seededUniform(21);
  const n = 500;
  const c = new Float64Array(n);
  const v = new Float64Array(n);
  let zeros = 0;
  c[0] = 100;
  for (let i = 0; i < n; i++) {
    if (i > 0) c[i] = c[i - 1] * Math.exp(0.02 * (u() - 0.5));
    v[i] = u() < 0.1 ? 0 : 1e5 * (0.5 + u());
    if (i > 0 && v[i] === 0) zeros++;
  }
  const base = amihud(c, v);
  assert.equal(base.excludedZeroVolume, zeros);
  assert.equal(base.used, n - 1 - zeros);
  assert.ok(Number.isFinite(base.value));
  for (const k of [2, 1e3, 0.37]) {
    const r = amihud(c.map((x) => x * k), v.map((x) => x * k));
    close(r.value, base.value / k, 1e-12 * base.value / k, `c = ${k}`);
    assert.equal(r.excludedZeroVolume, zeros);
  }
  // base-volume route: close × volume is quote volume in the same units, so it also scales as 1/c
  const baseVol = v.map((x, i) => x / c[i]);
  const viaApprox = amihud(c, approxQuoteVolume(c, baseVol));
  close(viaApprox.value, base.value, 1e-12 * base.value);
});

test("amihudRolling is the rolling mean of the per-period ratios, with minPeriods", () => {
  const r = amihudRolling(C, V, 3, { minPeriods: 1 });
  const s = amihud(C, V).series;
  assert.ok(Number.isNaN(r[0]));
  close(r[1], s[1], 1e-17);
  close(r[3], (s[1] + s[3]) / 2, 1e-17); // rows 1..3, row 2 excluded
  close(r[4], s[3], 1e-17);
  assert.ok(Number.isNaN(r[6]), "rows 4..6 have no usable period");
  const strict = amihudRolling(C, V, 3);
  assert.ok(strict.every((x) => Number.isNaN(x)), "default minPeriods = window: no window here has 3 usable periods");
});

test("utcPeriodGroups: UTC days and months, leap years, pre-1970 dates; matches Date for random times", () => {
  const us = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m, d, h) * 1000;
  const ts = [us(1969, 11, 31, 23), us(1970, 0, 1), us(2000, 1, 29, 5), us(2000, 2, 1), us(2024, 1, 29, 23), us(2024, 1, 29, 23), us(2024, 2, 1)];
  const m = utcPeriodGroups(ts, "month");
  assert.deepEqual(Array.from(m.periodStart), [us(1969, 11, 1), us(1970, 0, 1), us(2000, 1, 1), us(2000, 2, 1), us(2024, 1, 1), us(2024, 2, 1)]);
  assert.deepEqual(Array.from(m.start), [0, 1, 2, 3, 4, 6]);
  assert.deepEqual(Array.from(m.end), [1, 2, 3, 4, 6, 7]);
  const d = utcPeriodGroups(ts, "day");
  assert.equal(d.periodStart.length, 6);
  assert.equal(d.periodStart[4], us(2024, 1, 29));
  // random sorted times over 1900..2100 against Date's own calendar
  const u = seededUniform(3);
  const t = Float64Array.from({ length: 2000 }, () => (u() * 200 - 70) * 365.25 * 86400e6).sort();
  const g = utcPeriodGroups(t, "month");
  for (let j = 0; j < g.start.length; j++) {
    for (let i = g.start[j]; i < g.end[j]; i++) {
      const dt = new Date(Math.floor(t[i] / 1000));
      assert.equal(Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth(), 1) * 1000, g.periodStart[j], `row ${i}`);
    }
  }
  assert.throws(() => utcPeriodGroups([2, 1], "day"), DataError);
  assert.throws(() => utcPeriodGroups([1, 2], "week" as never), ArgumentError);
});

test("amihudByPeriod: one value per UTC day, returns cross day boundaries, counts per day", () => {
  const H = 3600e6;
  const t0 = Date.UTC(2024, 0, 1, 22) * 1000; // 22:00, 23:00 on Jan 1, then 00:00.. on Jan 2
  const ts = Float64Array.from({ length: 7 }, (_, i) => t0 + i * H);
  const f = amihudByPeriod(ts, C, V, { period: "day" });
  assert.deepEqual(Array.from(f.f64("timestamp")), [Date.UTC(2024, 0, 1) * 1000, Date.UTC(2024, 0, 2) * 1000]);
  // Jan 1: rows 0, 1 → row 1 used; Jan 2: rows 2..6 → row 3 used (its return uses row 2's close)
  close(f.f64("value")[0], 0.01, 1e-17);
  close(f.f64("value")[1], 0.00980392156862745, 1e-17);
  assert.deepEqual(Array.from(f.col("used")), [1, 1]);
  assert.deepEqual(Array.from(f.col("excludedNoReturn")), [1, 2]);
  assert.deepEqual(Array.from(f.col("excludedZeroVolume")), [0, 2]);
  const strict = amihudByPeriod(ts, C, V, { period: "day", minPeriods: 2 });
  assert.ok(Number.isNaN(strict.f64("value")[0]));
});

test("amihudCandles: quote volume by default, an explicit error when the source has none", () => {
  const n = C.length;
  const nan = new Float64Array(n).fill(NaN);
  const f = new Frame({ close: Float64Array.from(C), volume: Float64Array.from(V).map((x, i) => x / C[i]), quoteVolume: Float64Array.from(V) });
  close(amihudCandles(f).value, 0.009901960784313725, 1e-17);
  const noQuote = new Frame({ close: Float64Array.from(C), volume: f.f64("volume"), quoteVolume: nan });
  assert.throws(() => amihudCandles(noQuote), (e: unknown) => e instanceof ArgumentError && /closeTimesBase/.test(e.message));
  close(amihudCandles(noQuote, { volume: "closeTimesBase" }).value, 0.009901960784313725, 1e-15);
});

const KLINES = "binance-spot-klines-1h-2021-04-to-2023-12";
const SYMBOLS = ["BTC", "ETH", "BNB", "SOL", "XRP", "ADA", "DOGE", "LTC", "AVAX", "LINK", "DOT", "MATIC", "TRX"];

test("real data: the four measures on 13 hourly Binance pairs are finite; BTC and ETH are the most liquid by Amihud", async (t) => {
  const rows: { sym: string; amihud: number; edge: number; cs: number; rollLog: number; rollCov: number; edgeMonthlyMedian: number }[] = [];
  for (const s of SYMBOLS) {
    const p = needData(t, `${KLINES}/${s}USDT_1h.csv.gz`);
    if (!p) return;
    const f = await loadBinanceKlines(p);
    // hourly files have base volume only: quote volume ≈ close × volume (an approximation, see approxQuoteVolume)
    assert.throws(() => amihudCandles(f), ArgumentError);
    const a = amihudCandles(f, { volume: "closeTimesBase" });
    assert.ok(Number.isFinite(a.value) && a.value > 0, `${s} amihud`);
    // the only excluded periods: the first candle, and the zero-volume 2023-03-24 12:00 candle (trading halt)
    assert.deepEqual([a.excludedNoReturn, a.excludedZeroVolume, a.used], [1, 1, f.length - 2], s);
    const e = edgeCandles(f);
    assert.ok(Number.isFinite(e) && e > 0 && e < 0.01, `${s} edge ${e}`);
    const cs = corwinSchultzCandles(f);
    assert.ok(Number.isFinite(cs.spread) && cs.spread > 0 && cs.spread < 0.05, `${s} cs ${cs.spread}`);
    assert.ok(cs.gapUp + cs.gapDown > 0, `${s}: some hourly ranges do not touch the previous close`);
    // hourly serial covariance can be positive (then the default is NaN): the signed variant is always finite
    const rl = rollCandles(f, { returns: "log", positiveCov: "signed" });
    assert.ok(Number.isFinite(rl.spread) && Number.isFinite(rl.cov), `${s} roll`);
    assert.equal(Number.isNaN(roll(f.f64("close"), { returns: "log" }).spread), rl.cov > 0);
    const m = edgeByPeriod(f.f64("timestamp"), f.f64("open"), f.f64("high"), f.f64("low"), f.f64("close"), { period: "month" }).f64("spread");
    const sorted = Float64Array.from(m).sort();
    rows.push({ sym: s, amihud: a.value, edge: e, cs: cs.spread, rollLog: rl.spread, rollCov: rl.cov, edgeMonthlyMedian: sorted[sorted.length >> 1] });
  }
  const byAmihud = [...rows].sort((x, y) => x.amihud - y.amihud).map((r) => r.sym);
  console.log("Amihud (1e6, USDT ≈ close×volume), EDGE, CS (neg→0), Roll log (signed), cov, EDGE monthly median");
  for (const r of rows) {
    console.log(
      `${r.sym.padEnd(6)} ${r.amihud.toExponential(3)} ${r.edge.toExponential(3)} ${r.cs.toExponential(3)} ${r.rollLog.toExponential(3)} ${r.rollCov.toExponential(3)} ${r.edgeMonthlyMedian.toExponential(3)}`,
    );
  }
  assert.deepEqual(byAmihud.slice(0, 2).sort(), ["BTC", "ETH"], `ranking by Amihud: ${byAmihud.join(" ")}`);
});
