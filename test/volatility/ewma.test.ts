import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ArgumentError, DataError } from "../../src/errors";
import { createRng } from "../../src/frame/rng";
import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { needData } from "../helpers";
import { ewmaVariance, ewmaLambdaFromHalfLife } from "../../src/volatility/ewma";
import { logReturns, annualizedVolatility, DAY_US } from "../../src/volatility/realized";

const close = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1e-12, Math.abs(b)), `${msg ?? ""} ${a} vs ${b}`);
const R = [0.01, -0.02, 0.03];

test("hand-worked recursion and timing: variance[t] uses returns before t, forecast uses all", () => {
  // λ = 0.9, σ²_0 = 1e-4: σ²_1 = 0.9e-4 + 0.1·1e-4 = 1e-4; σ²_2 = 0.9e-4 + 0.1·4e-4 = 1.3e-4; σ²_3 = 1.17e-4 + 0.9e-4 = 2.07e-4
  const e = ewmaVariance(R, { lambda: 0.9, init: 1e-4 });
  close(e.variance[0], 1e-4, 1e-15);
  close(e.variance[1], 1e-4, 1e-14);
  close(e.variance[2], 1.3e-4, 1e-14);
  close(e.forecast, 2.07e-4, 1e-14);
  assert.equal(e.initialVariance, 1e-4);
  assert.equal(e.lambda, 0.9);
  // "first" = r_0², the same here; "sample" = mean r² = 14e-4/3
  assert.deepEqual(Array.from(ewmaVariance(R, { lambda: 0.9, init: "first" }).variance), Array.from(e.variance));
  close(ewmaVariance(R, { lambda: 0.9, init: "sample" }).initialVariance, 14e-4 / 3, 1e-14);
  close(ewmaVariance(R, { lambda: 0.9, init: "sample", initWindow: 2 }).initialVariance, 2.5e-4, 1e-14);
  // changing a later return never changes an earlier forecast (no look-ahead beyond init)
  const e2 = ewmaVariance([0.01, -0.02, 0.5], { lambda: 0.9, init: 1e-4 });
  assert.deepEqual(Array.from(e2.variance), Array.from(e.variance));
  assert.notEqual(e2.forecast, e.forecast);
  // default λ is RiskMetrics' 0.94
  assert.equal(ewmaVariance(R).lambda, 0.94);
});

test("closed form: σ²_t = λ^t σ²_0 + (1−λ) Σ_{j=1..t} λ^{j−1} r²_{t−j}", () => {
  const rng = createRng(9);
  const r = new Float64Array(300);
  for (let i = 0; i < r.length; i++) r[i] = 0.02 * rng.normal();
  const lambda = 0.97;
  const e = ewmaVariance(r, { lambda, init: 4e-4 });
  for (const t of [0, 1, 7, 150, 299, 300]) {
    let s = Math.pow(lambda, t) * 4e-4;
    for (let j = 1; j <= t; j++) s += (1 - lambda) * Math.pow(lambda, j - 1) * r[t - j] * r[t - j];
    close(t < 300 ? e.variance[t] : e.forecast, s, 1e-12, `t=${t}`);
  }
});

test("limits: λ = 0 gives yesterday's r²; λ = 1 keeps σ²_0; λ → 1 tends to σ²_0", () => {
  const z = ewmaVariance(R, { lambda: 0, init: 5e-4 });
  assert.deepEqual(Array.from(z.variance), [5e-4, R[0] ** 2, R[1] ** 2]);
  assert.equal(z.forecast, R[2] ** 2);
  const one = ewmaVariance(R, { lambda: 1, init: 5e-4 });
  assert.deepEqual(Array.from(one.variance), [5e-4, 5e-4, 5e-4]);
  assert.equal(one.forecast, 5e-4);
  const near = ewmaVariance(R, { lambda: 1 - 1e-9, init: 5e-4 });
  close(near.forecast, 5e-4, 1e-8);
});

test("scaling returns by c scales the variance by c²; constant zero returns decay σ²_0 geometrically; demean", () => {
  const rng = createRng(4);
  const r = new Float64Array(50);
  for (let i = 0; i < r.length; i++) r[i] = 0.01 * rng.normal();
  const a = ewmaVariance(r, { init: "sample" });
  const b = ewmaVariance(r.map((x) => 3 * x), { init: "sample" });
  for (let t = 0; t < 50; t++) close(b.variance[t], 9 * a.variance[t], 1e-12);
  const zeros = ewmaVariance(new Float64Array(10), { lambda: 0.5, init: 1 });
  close(zeros.forecast, 0.5 ** 10, 1e-15);
  assert.equal(ewmaVariance(new Float64Array(5), { init: "first" }).forecast, 0);
  // demean: a constant return series has zero variance around its mean
  const c = ewmaVariance([0.01, 0.01, 0.01], { demean: true, init: "sample" });
  assert.equal(c.mean, 0.01);
  assert.deepEqual(Array.from(c.variance), [0, 0, 0]);
  assert.equal(c.forecast, 0);
});

test("EWMA tracks a volatility regime change and is unbiased in a stationary stretch", () => {
  const rng = createRng(2024);
  const n = 4000;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = (i < 2000 ? 0.01 : 0.03) * rng.normal();
  const e = ewmaVariance(r, { lambda: 0.94, init: 1e-4 });
  // mean forecast over the calm stretch ≈ 1e-4 (sd of the mean ≈ 1e-4·√(2·(1−λ)/(1+λ)/…) small), storm ≈ 9e-4
  let calm = 0;
  let storm = 0;
  for (let t = 200; t < 2000; t++) calm += e.variance[t] / 1800;
  for (let t = 2200; t < 4000; t++) storm += e.variance[t] / 1800;
  assert.ok(Math.abs(calm / 1e-4 - 1) < 0.1, `calm ${calm}`);
  assert.ok(Math.abs(storm / 9e-4 - 1) < 0.1, `storm ${storm}`);
  // half-life: 0.94 ↔ ≈ 11.2 periods
  close(ewmaLambdaFromHalfLife(Math.log(0.5) / Math.log(0.94)), 0.94, 1e-14);
  close(ewmaLambdaFromHalfLife(1), 0.5, 1e-15);
});

test("bad input: non-finite returns throw DataError naming the row; bad options throw ArgumentError", () => {
  assert.throws(() => ewmaVariance([0.01, NaN, 0.02]), (e: unknown) => e instanceof DataError && /row 1/.test(e.message) && e.location.field === "returns");
  assert.throws(() => ewmaVariance(R, { lambda: 1.1 }), ArgumentError);
  assert.throws(() => ewmaVariance(R, { lambda: -0.1 }), ArgumentError);
  assert.throws(() => ewmaVariance(R, { init: -1 }), ArgumentError);
  assert.throws(() => ewmaVariance([], { init: "first" }), ArgumentError);
  assert.throws(() => ewmaVariance(R, { init: "bogus" as "first" }), ArgumentError);
  assert.throws(() => ewmaLambdaFromHalfLife(0), ArgumentError);
  assert.equal(ewmaVariance([], { init: 1e-4 }).forecast, 1e-4);
});

test("real data: RiskMetrics EWMA on BTC daily returns 2018-2025 gives annualized vol between 10% and 250%", async (t) => {
  const p = needData(t, "binance-spot-btcusdt-klines-1d-2018-to-2025/btc_1d_data_2018_to_2025.csv");
  if (!p) return;
  const f = await loadBinanceKlines(p);
  const r = logReturns(f.f64("close"), "close");
  const e = ewmaVariance(r, { lambda: 0.94, init: "sample", initWindow: 30 });
  const vol = annualizedVolatility(e.variance, { intervalUs: DAY_US });
  let mean = 0;
  for (let t2 = 30; t2 < vol.length; t2++) {
    assert.ok(vol[t2] > 0.1 && vol[t2] < 2.5, `day ${t2}: ${vol[t2]}`);
    mean += vol[t2] / (vol.length - 30);
  }
  assert.ok(mean > 0.3 && mean < 1.5, `mean EWMA vol ${mean}`);
  const next = annualizedVolatility(e.forecast, { intervalUs: DAY_US });
  t.diagnostic(`BTC daily EWMA(0.94): mean annualized vol ${(mean * 100).toFixed(1)}%, forecast for the day after the last candle ${(next * 100).toFixed(1)}%`);
});
