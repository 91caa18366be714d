import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { DataError, ArgumentError } from "../../src/errors";
import { createRng } from "../../src/frame/rng";
import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { needData } from "../helpers";
import {
  parkinson,
  garmanKlass,
  rogersSatchell,
  yangZhang,
  yangZhangK,
  closeToClose,
  rollingRangeVolatility,
  rangeVariance,
  PARKINSON_CONSTANT,
  type RangeEstimator,
} from "../../src/volatility/range";
import { DAY_US, annualizedVolatility } from "../../src/volatility/realized";

const close = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg ?? ""} ${a} vs ${b}`);
const rel = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${msg ?? ""} ${a} vs ${b} (rel tol ${tol})`);

/** OHLC from log prices (open, high, low, close), so hand-worked logs are exact inputs. */
function fromLogs(rows: number[][]): { open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array } {
  const o = { open: new Float64Array(rows.length), high: new Float64Array(rows.length), low: new Float64Array(rows.length), close: new Float64Array(rows.length) };
  rows.forEach((r, i) => {
    o.open[i] = 100 * Math.exp(r[0]);
    o.high[i] = 100 * Math.exp(r[1]);
    o.low[i] = 100 * Math.exp(r[2]);
    o.close[i] = 100 * Math.exp(r[3]);
  });
  return o;
}

// one bar: ln(H/O) = 0.03, ln(L/O) = −0.02, ln(C/O) = 0.01
const BAR = fromLogs([[0, 0.03, -0.02, 0.01]]);

test("Parkinson, Garman-Klass, Rogers-Satchell on one hand-worked bar", () => {
  // ln(H/L) = 0.05: Parkinson 0.0025 / (4 ln 2)
  close(parkinson(BAR).variance, 0.0025 / (4 * Math.log(2)), 1e-15);
  close(PARKINSON_CONSTANT, 0.36067376022224085, 1e-16);
  // GK = ½·0.0025 − (2 ln 2 − 1)·0.01² = 0.00125 − 0.0000386294…
  close(garmanKlass(BAR).variance, 0.00125 - (2 * Math.log(2) - 1) * 0.0001, 1e-15);
  close(garmanKlass(BAR).variance, 0.001211370563888, 1e-13);
  // RS = ln(H/C)ln(H/O) + ln(L/C)ln(L/O) = 0.02·0.03 + (−0.03)(−0.02) = 0.0012
  close(rogersSatchell(BAR).variance, 0.0012, 1e-15);
  const p = parkinson(BAR);
  assert.equal(p.n, 1);
  close(p.volatility, Math.sqrt(p.variance), 1e-16);
  assert.equal(p.perBar!.length, 1);
});

// three bars (log prices relative to 100): open jump o1 = 0.01, o2 = 0; open-to-close c1 = 0.01, c2 = −0.03;
// RS1 = (0.03−0.02)(0.03−0.01) + (0−0.02)(0−0.01) = 0.0004, RS2 = 0·0.03 + 0·(−0.03)... = 0
const THREE = fromLogs([
  [0, 0.01, -0.01, 0],
  [0.01, 0.03, 0.0, 0.02],
  [0.02, 0.02, -0.01, -0.01],
]);

test("Yang-Zhang and close-to-close on three hand-worked bars", () => {
  // σ²_o = var(0.01, 0) = 0.00005; σ²_c = var(0.01, −0.03) = 0.0008; V_RS = (0.0004 + 0)/2 = 0.0002; k = 0.34/(1.34 + 3)
  const k = 0.34 / 4.34;
  close(yangZhangK(2), k, 1e-16);
  const yz = yangZhang(THREE);
  assert.equal(yz.n, 2);
  assert.equal(yz.perBar, null);
  close(yz.variance, 0.00005 + k * 0.0008 + (1 - k) * 0.0002, 1e-15);
  close(yz.variance, 0.000297004608294931, 1e-14);
  // close-to-close: r = (0.02, −0.03): sample variance 0.00125, zero-mean 0.00065
  close(closeToClose(THREE).variance, 0.00125, 1e-15);
  close(closeToClose(THREE, { demean: false }).variance, 0.00065, 1e-15);
  const cc = closeToClose(THREE);
  assert.ok(Number.isNaN(cc.perBar![0]));
  close(cc.perBar![2], 0.0009, 1e-15);
  // k tends to 0.34/2.34 for long windows
  close(yangZhangK(1e9), 0.34 / 2.34, 1e-9);
  assert.throws(() => yangZhangK(1), ArgumentError);
});

test("scaling prices by c leaves every estimator unchanged; constant prices give 0", () => {
  const rng = createRng(3);
  const { ohlc } = simulateOhlc(rng, { bars: 50, steps: 20, sigma: 0.01 });
  const scaled = { open: ohlc.open.map((x) => x * 37.5), high: ohlc.high.map((x) => x * 37.5), low: ohlc.low.map((x) => x * 37.5), close: ohlc.close.map((x) => x * 37.5) };
  for (const k of ["parkinson", "garmanKlass", "rogersSatchell", "yangZhang", "closeToClose"] as RangeEstimator[]) {
    rel(rangeVariance(k, scaled).variance, rangeVariance(k, ohlc).variance, 1e-12, k);
    const a = rollingRangeVolatility(k, ohlc, 10);
    const b = rollingRangeVolatility(k, scaled, 10);
    for (let i = 12; i < 50; i++) rel(b[i], a[i], 1e-9, `${k} rolling ${i}`);
  }
  const flat = { open: new Float64Array(6).fill(42), high: new Float64Array(6).fill(42), low: new Float64Array(6).fill(42), close: new Float64Array(6).fill(42) };
  for (const k of ["parkinson", "garmanKlass", "rogersSatchell", "yangZhang", "closeToClose"] as RangeEstimator[]) {
    assert.equal(rangeVariance(k, flat).variance, 0, k);
    const r = rollingRangeVolatility(k, flat, 3);
    assert.equal(r[5], 0, k);
  }
});

test("rolling windows equal the whole-sample estimator on the same bars; warm-up rows are NaN", () => {
  const rng = createRng(11);
  const { ohlc } = simulateOhlc(rng, { bars: 40, steps: 10, sigma: 0.02, jumpSd: 0.005 });
  const f = new Frame(ohlc);
  const w = 7;
  for (const k of ["parkinson", "garmanKlass", "rogersSatchell", "yangZhang", "closeToClose"] as RangeEstimator[]) {
    const v = rollingRangeVolatility(k, f, w, { output: "variance" });
    const needsPrev = k === "yangZhang" || k === "closeToClose";
    const first = needsPrev ? w : w - 1;
    for (let i = 0; i < first; i++) assert.ok(Number.isNaN(v[i]), `${k} row ${i} should be NaN`);
    for (let i = first; i < 40; i++) {
      const from = needsPrev ? i - w : i - w + 1;
      close(v[i], rangeVariance(k, f.slice(from, i + 1)).variance, 1e-12, `${k} row ${i}`);
    }
    const vol = rollingRangeVolatility(k, f, w);
    close(vol[39], Math.sqrt(v[39]), 1e-15);
    const ann = rollingRangeVolatility(k, f, w, { annualize: { intervalUs: 3600e6 } });
    close(ann[39], Math.sqrt(v[39] * 8760), 1e-12);
    const annVar = rollingRangeVolatility(k, f, w, { output: "variance", annualize: { periodsPerYear: 365 } });
    close(annVar[39], v[39] * 365, 1e-15);
  }
  const cz = rollingRangeVolatility("closeToClose", f, w, { output: "variance", demean: false });
  close(cz[20], closeToClose(f.slice(20 - w, 21), { demean: false }).variance, 1e-12);
  assert.throws(() => rollingRangeVolatility("nope" as RangeEstimator, f, 5), ArgumentError);
  assert.throws(() => rollingRangeVolatility("parkinson", f, 0), ArgumentError);
  assert.throws(() => rollingRangeVolatility("yangZhang", f, 1), ArgumentError);
});

test("bad OHLC throws DataError naming the row and the field", () => {
  const bad = fromLogs([
    [0, 0.01, -0.01, 0],
    [0, 0.01, -0.01, 0],
  ]);
  const hl = { ...bad, high: Float64Array.from([bad.high[0], 90]) }; // high 90 < low ≈ 99
  assert.throws(() => parkinson(hl), (e: unknown) => e instanceof DataError && /row 1/.test(e.message) && e.location.field === "high");
  const neg = { ...bad, low: Float64Array.from([bad.low[0], -1]) };
  assert.throws(() => garmanKlass(neg), (e: unknown) => e instanceof DataError && /row 1/.test(e.message) && e.location.field === "low");
  const zero = { ...bad, close: Float64Array.from([0, bad.close[1]]) };
  assert.throws(() => closeToClose(zero), (e: unknown) => e instanceof DataError && /row 0/.test(e.message) && e.location.field === "close");
  const nan = { ...bad, open: Float64Array.from([bad.open[0], NaN]) };
  assert.throws(() => rogersSatchell(nan), (e: unknown) => e instanceof DataError && e.location.field === "open");
  const outside = { ...bad, close: Float64Array.from([bad.close[0], bad.high[1] * 1.01]) };
  assert.throws(() => yangZhang({ ...outside, open: outside.open, high: outside.high, low: outside.low }), (e: unknown) => e instanceof DataError && /row 1/.test(e.message) && e.location.field === "close");
  assert.throws(() => parkinson({ high: bad.high }), (e: unknown) => e instanceof ArgumentError && e.location.field === "low");
  assert.throws(() => garmanKlass({ ...bad, close: bad.close.subarray(0, 1) }), ArgumentError);
  assert.throws(() => yangZhang(fromLogs([[0, 0.01, -0.01, 0], [0, 0.01, -0.01, 0]])), ArgumentError);
});

interface SimOpts {
  bars: number;
  steps: number;
  /** Volatility per bar of the log price (open to close). */
  sigma: number;
  /** Drift per bar of the log price. */
  drift?: number;
  /** sd of the open jump ln(O_i / C_{i−1}). */
  jumpSd?: number;
}

/**
 * Continuous-time GBM OHLC: each bar is `steps` Brownian increments; the extremes within each step are drawn
 * exactly from the Brownian-bridge law (max = (a + b + √((b − a)² − 2s² ln U))/2), so high and low are those of
 * the continuous path, not of the discrete grid (no downward range bias).
 */
function simulateOhlc(rng: ReturnType<typeof createRng>, o: SimOpts) {
  const n = o.bars;
  const ohlc = { open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
  const s = o.sigma / Math.sqrt(o.steps);
  const mu = (o.drift ?? 0) / o.steps;
  let x = Math.log(100);
  for (let i = 0; i < n; i++) {
    if (i > 0 && o.jumpSd) x += o.jumpSd * rng.normal();
    let hi = x;
    let lo = x;
    ohlc.open[i] = Math.exp(x);
    for (let j = 0; j < o.steps; j++) {
      const y = x + mu + s * rng.normal();
      const d = y - x;
      const mx = (x + y + Math.sqrt(d * d - 2 * s * s * Math.log(1 - rng.next()))) / 2;
      const mn = (x + y - Math.sqrt(d * d - 2 * s * s * Math.log(1 - rng.next()))) / 2;
      if (mx > hi) hi = mx;
      if (mn < lo) lo = mn;
      x = y;
    }
    ohlc.high[i] = Math.exp(hi);
    ohlc.low[i] = Math.exp(lo);
    ohlc.close[i] = Math.exp(x);
  }
  return { ohlc };
}

test("simulated GBM with known σ: Parkinson, GK, RS, YZ and close-to-close are unbiased within Monte Carlo error", () => {
  const sigma = 0.02; // per bar
  const s2 = sigma * sigma;
  const bars = 4000;
  const { ohlc } = simulateOhlc(createRng(20240808), { bars, steps: 50, sigma });
  // relative sd of each estimator's mean over `bars` bars: Var/σ⁴ per bar ≈ 0.41 (P), 0.27 (GK), 0.33 (RS), 2 (CC)
  const cases: [RangeEstimator, number][] = [
    ["parkinson", Math.sqrt(0.41 / bars)],
    ["garmanKlass", Math.sqrt(0.27 / bars)],
    ["rogersSatchell", Math.sqrt(0.33 / bars)],
    ["yangZhang", Math.sqrt(0.5 / bars)],
    ["closeToClose", Math.sqrt(2 / bars)],
  ];
  for (const [k, se] of cases) {
    const v = rangeVariance(k, ohlc).variance;
    assert.ok(Math.abs(v / s2 - 1) < 4 * se, `${k}: ${v / s2} should be 1 ± ${4 * se}`);
  }
  // the range estimators are far more precise than close-to-close: compare rolling-window dispersion
  const w = 20;
  const disp = (k: RangeEstimator) => {
    const v = rollingRangeVolatility(k, ohlc, w, { output: "variance" });
    let ss = 0;
    let c = 0;
    for (let i = w; i < bars; i += w) {
      ss += (v[i] / s2 - 1) ** 2;
      c++;
    }
    return ss / c;
  };
  assert.ok(disp("parkinson") < disp("closeToClose") / 2.5, `P ${disp("parkinson")} vs CC ${disp("closeToClose")}`);
  assert.ok(disp("garmanKlass") < disp("parkinson"));
});

test("with drift and open jumps: RS and YZ stay unbiased, Parkinson and GK do not", () => {
  const sigma = 0.02;
  const s2 = sigma * sigma;
  const jumpSd = 0.01;
  const bars = 4000;
  // drift of 1.5σ per bar: Parkinson/GK overstate the diffusive variance, RS does not
  const { ohlc } = simulateOhlc(createRng(77), { bars, steps: 50, sigma, drift: 1.5 * sigma, jumpSd });
  const rs = rogersSatchell(ohlc).variance;
  assert.ok(Math.abs(rs / s2 - 1) < 4 * Math.sqrt(0.33 / bars), `RS ${rs / s2}`);
  const p = parkinson(ohlc).variance;
  assert.ok(p / s2 > 1.3, `Parkinson ${p / s2} should be biased up by drift`);
  const gk = garmanKlass(ohlc).variance;
  assert.ok(gk / s2 > 1.2, `GK ${gk / s2} should be biased up by drift`);
  // YZ estimates the close-to-close variance per bar including the open jump: σ² + jumpSd²
  const yz = yangZhang(ohlc).variance;
  const target = s2 + jumpSd * jumpSd;
  assert.ok(Math.abs(yz / target - 1) < 0.06, `YZ ${yz / target}`);
  // and close-to-close (demeaned) measures the same quantity, with more noise
  const cc = closeToClose(ohlc).variance;
  assert.ok(Math.abs(cc / target - 1) < 4 * Math.sqrt(2 / bars), `CC ${cc / target}`);
});

test("real data: BTC daily candles 2018-2025 give annualized range volatility between 30% and 150%", async (t) => {
  const p = needData(t, "binance-spot-btcusdt-klines-1d-2018-to-2025/btc_1d_data_2018_to_2025.csv");
  if (!p) return;
  const f = await loadBinanceKlines(p);
  const out: string[] = [];
  for (const k of ["parkinson", "garmanKlass", "rogersSatchell", "yangZhang", "closeToClose"] as RangeEstimator[]) {
    const v = rangeVariance(k, f).variance;
    const ann = annualizedVolatility(v, { intervalUs: DAY_US });
    out.push(`${k} ${(ann * 100).toFixed(1)}%`);
    assert.ok(ann > 0.3 && ann < 1.5, `${k}: ${ann}`);
  }
  // 30-day rolling Parkinson volatility, annualized: all finite after warm-up, within 5%..300%
  const roll = rollingRangeVolatility("parkinson", f, 30, { annualize: { intervalUs: DAY_US } });
  for (let i = 29; i < roll.length; i++) assert.ok(roll[i] > 0.05 && roll[i] < 3, `row ${i}: ${roll[i]}`);
  // 24/7 market: the open is (nearly) the previous close, so the open-jump term of YZ is tiny. Measured: median
  // |ln(O/C_prev)| ≈ 2e-7; a handful of days (2025-01-21, 2025-02-02…06, the file's auto-updated tail) jump 1-7%.
  const o = f.f64("open");
  const c = f.f64("close");
  const jumps = new Float64Array(f.length - 1);
  for (let i = 1; i < f.length; i++) jumps[i - 1] = Math.log(o[i] / c[i - 1]);
  const absSorted = jumps.map(Math.abs).sort();
  let m = 0;
  for (const x of jumps) m += x / jumps.length;
  let vo = 0;
  for (const x of jumps) vo += (x - m) ** 2 / (jumps.length - 1);
  const yz = rangeVariance("yangZhang", f).variance;
  out.push(`median |ln(O/C_prev)| ${absSorted[absSorted.length >> 1].toExponential(2)}, jumps > 1%: ${absSorted.filter((x) => x > 0.01).length}, σ²_o/σ²_YZ ${(vo / yz).toExponential(2)}`);
  assert.ok(absSorted[absSorted.length >> 1] < 1e-5);
  assert.ok(vo / yz < 0.01);
  t.diagnostic(out.join("; "));
});
