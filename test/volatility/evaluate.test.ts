import { after, test } from "node:test";
import assert from "node:assert/strict";
import {
  dieboldMariano,
  forecastTable,
  formatForecastTable,
  mincerZarnowitz,
  mseLoss,
  qlikeLoss,
  rollingOriginForecasts,
} from "../../src/volatility/evaluate";
import { fitHar, HAR_LAGS_CRYPTO } from "../../src/volatility/har";
import { ols, twoSidedP } from "../../src/frame/ols";
import { createRng } from "../../src/frame/rng";
import { closeDuckDB } from "../../src/data/duckdb";
import { ArgumentError } from "../../src/errors";
import { needData } from "../helpers";
import { btcDailyRv } from "./btcDailyRv";

after(async () => {
  await closeDuckDB();
});

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);
const bad = (fn: () => unknown, field: string, re?: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ArgumentError && e.location.field === field && (!re || re.test(e.message)));


test("losses: hand values, QLIKE = 0 at a perfect forecast and ≥ 0, scale invariance, NaN counted", () => {
  // proxy 2 vs forecast 1: 2 − ln 2 − 1; proxy 1 vs forecast 2: ½ + ln 2 − 1 (under-prediction costs more)
  const q = qlikeLoss([2, 1, 3, NaN], [1, 2, 3, 1]);
  close(q.loss[0], 1 - Math.LN2, 3e-16);
  close(q.loss[1], Math.LN2 - 0.5, 3e-16);
  assert.equal(q.loss[2], 0);
  assert.ok(Number.isNaN(q.loss[3]));
  assert.deepEqual([q.n, q.dropped], [3, 1]);
  close(q.mean, (1 - Math.LN2 + Math.LN2 - 0.5) / 3, 1e-16);
  const m = mseLoss([2, 1, 3, NaN], [1, 2.5, 3, 1]);
  assert.deepEqual(Array.from(m.loss.subarray(0, 3)), [1, 2.25, 0]);
  close(m.mean, 3.25 / 3, 1e-15);
  // property: QLIKE ≥ 0, 0 only at equality, invariant to a common scale; MSE scales with c²
  const r = createRng(9);
  const p = Float64Array.from({ length: 500 }, () => 1e-4 * r.exponential(1) + 1e-6);
  const f = Float64Array.from({ length: 500 }, () => 1e-4 * r.exponential(1) + 1e-6);
  const ql = qlikeLoss(p, f);
  assert.ok(ql.loss.every((v) => v >= 0));
  assert.equal(qlikeLoss(p, p).mean, 0);
  close(qlikeLoss(p.map((v) => v * 1e4), f.map((v) => v * 1e4)).mean, ql.mean, 1e-12 * ql.mean);
  close(mseLoss(p.map((v) => v * 10), f.map((v) => v * 10)).mean, 100 * mseLoss(p, f).mean, 1e-12 * 100 * mseLoss(p, f).mean);
  // bad input
  bad(() => qlikeLoss([1, 2], [1]), "forecast");
  bad(() => qlikeLoss([1, 0], [1, 1]), "proxy", /index 1/);
  bad(() => qlikeLoss([1, 1], [1, -0.5]), "forecast", /index 1/);
  bad(() => mseLoss([1, Infinity], [1, 1]), "proxy");
  bad(() => mseLoss([1, 1], [1, -Infinity]), "forecast");
});

test("Mincer–Zarnowitz: forecast = proxy gives a = 0, b = 1, W = 0; Wald equals the hand NW quadratic form", () => {
  const r = createRng(4);
  const f = Float64Array.from({ length: 300 }, () => 0.5 + r.exponential(1));
  const mz = mincerZarnowitz(f, f, { neweyWestLags: 2 });
  close(mz.a, 0, 1e-12);
  close(mz.b, 1, 1e-12);
  assert.equal(mz.wald, 0);
  assert.equal(mz.pValue, 1);
  // exact but biased: proxy = 0.1 + 0.8 f → W = ∞, p = 0
  const biased = mincerZarnowitz(f.map((v) => 0.1 + 0.8 * v), f);
  close(biased.a, 0.1, 1e-12);
  close(biased.b, 0.8, 1e-12);
  assert.equal(biased.wald, Infinity);
  assert.equal(biased.pValue, 0);
  // noisy: W = θ'V⁻¹θ with the NW covariance of ols, p = exp(−W/2)
  const proxy = f.map((v) => 0.2 + 0.7 * v + 0.5 * r.normal() * v);
  const res = mincerZarnowitz(proxy, f, { neweyWestLags: 4 });
  const ref = ols(proxy, [f], { neweyWestLags: 4 });
  const V = ref.cov.NW!;
  const th = [ref.coef[0], ref.coef[1] - 1];
  const det = V[0] * V[3] - V[1] * V[2];
  const W = (th[0] * (V[3] * th[0] - V[1] * th[1]) + th[1] * (-V[2] * th[0] + V[0] * th[1])) / det;
  close(res.wald, W, 1e-10 * W);
  close(res.pValue, Math.exp(-W / 2), 1e-15);
  close(res.seB, ref.se.NW![1], 0);
  assert.ok(res.pValue < 0.05, `b = 0.7 is rejected (p = ${res.pValue})`);
  assert.equal(res.n, 300);
  // an unbiased noisy forecast is not rejected at 1 %
  const fair = f.map((v) => v + 0.3 * r.normal() * v);
  assert.ok(mincerZarnowitz(fair, f, { neweyWestLags: 0 }).pValue > 0.01);
  bad(() => mincerZarnowitz([1, 2, 3], [1, 2]), "forecast");
});

test("Diebold–Mariano: hand-worked DM and HLN, Bartlett fallback, sign symmetry, identical losses", () => {
  // d = A − B = [1, −1, 2, 0, 1]: d̄ = 0.6, γ₀ = 5.2/5 = 1.04 → DM = 0.6/√(1.04/5)
  const A = [1, -1, 2, 0, 1];
  const B = [0, 0, 0, 0, 0];
  const dm = dieboldMariano(A, B, { variant: "dm" });
  close(dm.statistic, 0.6 / Math.sqrt(0.208), 1e-14);
  close(dm.pValue, 0.18831268948891655, 1e-14); // R: 2*pnorm(-0.6/sqrt(0.208))
  assert.equal(dm.better, "B");
  close(dm.meanDiff, 0.6, 1e-15);
  const hln = dieboldMariano(A, B); // default HLN, h = 1: factor √((5 + 1 − 2)/5) = √0.8, t(4)
  close(hln.correction, Math.sqrt(0.8), 1e-15);
  close(hln.statistic, (0.6 / Math.sqrt(0.208)) * Math.sqrt(0.8), 1e-14);
  close(hln.pValue, 0.30455878468053499, 1e-13); // R: 2*pt(-stat, 4)
  // h = 2: γ₁ = −3.96/5 = −0.792, rectangular V = 1.04 − 1.584 < 0 → Bartlett V = 1.04 − 0.792 = 0.248
  const h2 = dieboldMariano(A, B, { h: 2 });
  assert.equal(h2.kernelUsed, "bartlett");
  close(h2.longRunVariance, 0.248, 1e-15);
  close(h2.correction, Math.sqrt((5 + 1 - 4 + 2 / 5) / 5), 1e-15);
  close(h2.statistic, (0.6 / Math.sqrt(0.248 / 5)) * Math.sqrt(0.48), 1e-13);
  close(h2.pValue, 0.13537611064233687, 1e-13);
  // HLN factor at T = 10, h = 3: √((10 + 1 − 6 + 0.6)/10)
  const r = createRng(2);
  const la = Float64Array.from({ length: 10 }, () => r.exponential(1));
  const lb = Float64Array.from({ length: 10 }, () => r.exponential(1));
  const d3 = dieboldMariano(la, lb, { h: 3, kernel: "bartlett" });
  close(d3.correction, Math.sqrt(0.56), 1e-15);
  close(d3.statistic / dieboldMariano(la, lb, { h: 3, kernel: "bartlett", variant: "dm" }).statistic, Math.sqrt(0.56), 1e-14);
  // symmetry: swapping A and B flips the sign, keeps p
  const x = Float64Array.from({ length: 200 }, () => r.exponential(1));
  const y = Float64Array.from({ length: 200 }, () => 1.2 * r.exponential(1));
  for (const h of [1, 4]) {
    const ab = dieboldMariano(x, y, { h });
    const ba = dieboldMariano(y, x, { h });
    close(ab.statistic, -ba.statistic, 1e-13);
    close(ab.pValue, ba.pValue, 1e-15);
    assert.notEqual(ab.better, ba.better);
    close(ab.pValue, twoSidedP(ab.statistic, 199), 1e-15);
  }
  // identical losses: statistic 0, p 1, "equal"; constant non-zero differential (γ₀ ≈ 0 up to rounding): NaN, with a note
  const same = dieboldMariano(x, x);
  assert.deepEqual([same.statistic, same.pValue, same.better, same.meanDiff], [0, 1, "equal", 0]);
  assert.equal(same.note, undefined);
  const shifted = dieboldMariano(x.map((v) => v + 0.5), x);
  assert.deepEqual([shifted.statistic, shifted.pValue, shifted.better], [NaN, NaN, "B"]);
  assert.match(shifted.note ?? "", /undefined/);
  assert.equal(dieboldMariano(A, B).note, undefined);
  // NaN pairs dropped and counted
  const withNaN = x.slice();
  withNaN[3] = NaN;
  assert.equal(dieboldMariano(withNaN, y).dropped, 1);
  bad(() => dieboldMariano([1, 2, 3], [1, 2]), "lossB");
  bad(() => dieboldMariano(A, B, { h: 0 }), "h");
  bad(() => dieboldMariano(A, B, { h: 5 }), "h");
  bad(() => dieboldMariano(A, B, { variant: "x" as "dm" }), "variant");
  bad(() => dieboldMariano([1], [2]), "lossA");
  bad(() => dieboldMariano([1, Infinity, 2], [1, 1, 1]), "lossA");
});

test("Diebold–Mariano: a non-positive long-run variance after the Bartlett fallback gives NaN statistic and p (not ±∞ / 0), with a note", () => {
  // d = [1, 1, 1, 1] exactly: γ₀ = γ₁ = 0 → V = 0 with either kernel. d̄ = 1 > 0 but no variance to test against.
  for (const kernel of ["rectangular", "bartlett"] as const) {
    for (const variant of ["dm", "hln"] as const) {
      const r = dieboldMariano([2, 2, 2, 2], [1, 1, 1, 1], { h: 2, kernel, variant });
      assert.equal(r.longRunVariance, 0);
      assert.ok(Number.isNaN(r.statistic), `${kernel} ${variant}: statistic ${r.statistic}`);
      assert.ok(Number.isNaN(r.pValue), `${kernel} ${variant}: p ${r.pValue}`);
      assert.equal(r.better, "B");
      assert.equal(r.meanDiff, 1);
      assert.match(r.note ?? "", /long-run variance 0 ≤ 0/);
      // swapped: still NaN (no sign flip to ±∞), better flips
      const s = dieboldMariano([1, 1, 1, 1], [2, 2, 2, 2], { h: 2, kernel, variant });
      assert.ok(Number.isNaN(s.statistic) && Number.isNaN(s.pValue));
      assert.equal(s.better, "A");
    }
  }
});

test("Diebold–Mariano under the null rejects about 5 % of the time (HLN, h = 1)", () => {
  const r = createRng(77);
  let rejections = 0;
  const reps = 400;
  for (let k = 0; k < reps; k++) {
    const a = Float64Array.from({ length: 60 }, () => r.exponential(1));
    const b = Float64Array.from({ length: 60 }, () => r.exponential(1));
    if (dieboldMariano(a, b).pValue < 0.05) rejections++;
  }
  // binomial(400, 0.05): mean 20, sd 4.4
  assert.ok(rejections >= 7 && rejections <= 35, `${rejections} of ${reps}`);
});

test("rolling origin: windows, refits, horizon, alignment; the forecast never sees the target", () => {
  const n = 30;
  const series = Float64Array.from({ length: n }, (_, i) => i * i);
  const fits: [number, number][] = [];
  const res = rollingOriginForecasts({
    n,
    initial: 10,
    window: "rolling",
    windowLength: 8,
    refitEvery: 3,
    series,
    fit: (s, e) => {
      fits.push([s, e]);
      return e; // the "model" remembers its train end
    },
    forecast: (o) => {
      if (o.dataEnd > o.target || o.history.length > o.target || o.trainEnd > o.dataEnd) throw new Error(`peek at target ${o.target}`);
      assert.equal(o.history.length, o.dataEnd);
      assert.equal(o.model, o.trainEnd);
      return o.history[o.history.length - 1]; // random walk: last value
    },
  });
  assert.equal(res.target.length, 20);
  assert.equal(res.target[0], 10);
  assert.equal(res.origin[0], 9);
  assert.equal(res.refits, 7);
  assert.deepEqual(fits.slice(0, 3), [[2, 10], [5, 13], [8, 16]]);
  for (let i = 0; i < 20; i++) {
    assert.equal(res.forecast[i], (res.target[i] - 1) ** 2);
    assert.equal(res.actual[i], series[res.target[i]]);
    assert.equal(res.byIndex[res.target[i]], res.forecast[i]);
    assert.equal(res.trainEnd[i] - res.trainStart[i], 8);
  }
  assert.ok(Number.isNaN(res.byIndex[9]));
  // expanding, horizon 3, step 2
  const ticks: number[] = [];
  const e = rollingOriginForecasts({
    n,
    initial: 5,
    horizon: 3,
    step: 2,
    window: "expanding",
    forecast: (o) => {
      assert.equal(o.origin, o.target - 3);
      assert.equal(o.trainStart, 0);
      assert.equal(o.trainEnd, o.origin + 1);
      return o.target;
    },
    onProgress: (d) => ticks.push(d),
  });
  assert.deepEqual(Array.from(e.target), [7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29]);
  assert.equal(ticks.length, 12);
  // a forecaster that reads the target through the history would get undefined, not the value
  rollingOriginForecasts({ n, initial: 3, window: "expanding", series, forecast: (o) => {
    assert.equal(o.history[o.target], undefined);
    return 0;
  } });
  bad(() => rollingOriginForecasts({ n: 10, initial: 10, window: "expanding", forecast: () => 0 }), "initial");
  bad(() => rollingOriginForecasts({ n: 10, initial: 0, window: "expanding", forecast: () => 0 }), "initial");
  bad(() => rollingOriginForecasts({ n: 10, initial: 3, step: 1.5, window: "expanding", forecast: () => 0 }), "step");
  bad(() => rollingOriginForecasts({ n: 10, initial: 3, window: "sliding" as "rolling", forecast: () => 0 }), "window");
  bad(() => rollingOriginForecasts({ n: 10, initial: 3, window: "rolling", series: [1, 2], forecast: () => 0 }), "series");
  bad(() => rollingOriginForecasts({ n: 10, initial: 3, window: "rolling", forecast: () => "x" as unknown as number }), "forecast");
});

test("rolling-origin HAR forecasts do not change when the future changes (no look-ahead, end to end)", () => {
  const r = createRng(12);
  const rv = new Float64Array(160);
  rv[0] = 1;
  for (let t = 1; t < 160; t++) rv[t] = 0.2 + 0.7 * rv[t - 1] * (0.3 + 1.4 * r.next()) + 0.1 * r.exponential(1);
  const run = (x: Float64Array) =>
    rollingOriginForecasts({
      n: x.length,
      initial: 80,
      window: "expanding",
      refitEvery: 5,
      series: x,
      fit: (s, e) => fitHar(x.subarray(s, e)),
      forecast: (o) => o.model.predict(o.history),
    });
  const base = run(rv);
  const k = 120;
  const changed = rv.slice();
  for (let t = k; t < 160; t++) changed[t] *= 3;
  const alt = run(changed);
  for (let i = 0; i < base.target.length; i++) {
    if (base.target[i] <= k) assert.equal(alt.forecast[i], base.forecast[i], `target ${base.target[i]}`);
  }
  assert.notEqual(alt.forecast[base.target.length - 1], base.forecast[base.target.length - 1]);
  // first forecast = HAR fitted on [0, 80) predicting from the same history
  assert.equal(base.forecast[0], fitHar(rv.subarray(0, 80)).predict(rv.subarray(0, 80)));
});

test("forecastTable: ranks by mean QLIKE, DM vs the best, common sample with drops counted", () => {
  const r = createRng(21);
  const n = 400;
  const truth = Float64Array.from({ length: n }, (_, t) => 1e-4 * (1 + 0.8 * Math.sin(t / 15)) + 2e-5);
  const proxy = truth.map((v) => v * r.exponential(1));
  const good = truth.slice();
  const noisy = truth.map((v) => v * Math.exp(0.5 * r.normal()));
  const flat = new Float64Array(n).fill(1e-4);
  noisy[5] = NaN;
  const tab = forecastTable(proxy, { flat, noisy, good });
  assert.equal(tab.best, "good");
  assert.equal(tab.rows[0].name, "good");
  assert.deepEqual(tab.rows.map((x) => x.name).sort(), ["flat", "good", "noisy"]);
  assert.equal(tab.n, n - 1);
  assert.equal(tab.dropped, 1);
  assert.equal(tab.rows[0].relativeLoss, 1);
  assert.ok(Number.isNaN(tab.rows[0].dmStatistic));
  for (let i = 1; i < 3; i++) {
    assert.ok(tab.rows[i].meanQlike >= tab.rows[i - 1].meanQlike);
    assert.ok(tab.rows[i].dmStatistic > 0, "worse than the best: positive DM");
    assert.equal(tab.rows[i].rank, i + 1);
  }
  // the DM entries are dieboldMariano on the QLIKE series of the common sample
  const keep = (x: Float64Array) => x.filter((_, i) => i !== 5);
  const ref = dieboldMariano(qlikeLoss(keep(proxy), keep(tab.rows[2].name === "noisy" ? noisy : flat)).loss, qlikeLoss(keep(proxy), keep(good)).loss);
  close(tab.rows[2].dmStatistic, ref.statistic, 1e-12);
  const byMse = forecastTable(proxy, { flat, noisy, good }, { rankBy: "mse" });
  assert.equal(byMse.rankBy, "mse");
  assert.ok(byMse.rows[1].meanMse >= byMse.rows[0].meanMse);
  const text = formatForecastTable(tab);
  assert.match(text, /good/);
  assert.match(text, /n = 399 common targets, 1 dropped/);
  bad(() => forecastTable(proxy, {}), "forecasts");
  bad(() => forecastTable(proxy, { short: good.subarray(1) }), "short");
  bad(() => forecastTable(proxy, { neg: good.map((v) => -v) }), "neg", /forecaster "neg"/);
});

test("real data: out-of-sample horse race on BTCUSDT daily RV (HAR vs random walk vs expanding mean)", async (t) => {
  const p = needData(t, "binance-spot-klines-1h-2021-04-to-2023-12/BTCUSDT_1h.csv.gz");
  if (!p) return;
  // complete days only; gap days inside are kept (btcDailyRv.ts)
  const { rv } = await btcDailyRv(p);
  const n = rv.length;
  const common = { n, initial: 500, window: "expanding" as const, series: rv };
  const har = rollingOriginForecasts({ ...common, refitEvery: 5, fit: (s, e) => fitHar(rv.subarray(s, e), { lags: HAR_LAGS_CRYPTO }), forecast: (o) => o.model.predict(o.history) });
  const logHar = rollingOriginForecasts({
    ...common,
    refitEvery: 5,
    fit: (s, e) => fitHar(rv.subarray(s, e), { lags: HAR_LAGS_CRYPTO, transform: "log", biasCorrection: true }),
    forecast: (o) => o.model.predict(o.history),
  });
  const rw = rollingOriginForecasts({ ...common, forecast: (o) => o.history[o.origin] });
  const mean = rollingOriginForecasts({ ...common, forecast: (o) => o.history.reduce((s, v) => s + v, 0) / o.history.length });
  const proxy = har.actual;
  const tab = forecastTable(proxy, { "HAR-level": har.forecast, "HAR-log": logHar.forecast, "random walk": rw.forecast, "expanding mean": mean.forecast });
  console.log("# " + formatForecastTable(tab).split("\n").join("\n# "));
  const mzHar = mincerZarnowitz(proxy, logHar.forecast, { neweyWestLags: 5 });
  console.log(`# MZ HAR-log: a = ${mzHar.a.toExponential(3)} (se ${mzHar.seA.toExponential(2)}), b = ${mzHar.b.toFixed(3)} (se ${mzHar.seB.toFixed(3)}), R² = ${mzHar.r2.toFixed(3)}, Wald = ${mzHar.wald.toFixed(2)}, p = ${mzHar.pValue.toPrecision(3)}`);
  assert.equal(tab.n, n - 500);
  const rank = (nm: string) => tab.rows.find((x) => x.name === nm)!.rank;
  assert.ok(rank("HAR-log") < rank("random walk") && rank("HAR-log") < rank("expanding mean"), "log-HAR beats the naive forecasts on QLIKE");
  const rwRow = tab.rows.find((x) => x.name === "random walk")!;
  assert.ok(rwRow.dmPValue < 0.05, `random walk significantly worse than the best (p = ${rwRow.dmPValue})`);
  assert.ok(mzHar.b > 0.3 && mzHar.b < 2, `MZ slope ${mzHar.b}`);
});
