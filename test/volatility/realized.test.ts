import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";
import { createRng } from "../../src/frame/rng";
import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { loadTardisTrades } from "../../src/data/tardis";
import { needData } from "../helpers";
import {
  realizedVariance,
  realizedVarianceOfReturns,
  bipowerVariation,
  previousTickSample,
  signaturePlot,
  dailyRealizedVariance,
  annualize,
  annualizedVolatility,
  periodsPerYear,
  logReturns,
  DAY_US,
} from "../../src/volatility/realized";

const close = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg ?? ""} ${a} vs ${b}`);
const S = 1e6;

// ticks at 0, 1, 2.5, 4, 7 s
const TS = Float64Array.from([0, 1, 2.5, 4, 7].map((s) => s * S));
const PX = Float64Array.from([100, 101, 99, 102, 103]);

test("previous-tick grid: hand-worked sampling, stale intervals, a tick exactly on a grid point", () => {
  // grid 0, 2, 4, 6 s (end = last tick 7 s): prices 100 (t=0), 101 (tick at 1), 102 (tick at exactly 4), 102 (stale)
  const s = previousTickSample(TS, PX, { intervalUs: 2 * S });
  assert.deepEqual(Array.from(s.times), [0, 2 * S, 4 * S, 6 * S]);
  assert.deepEqual(Array.from(s.prices), [100, 101, 102, 102]);
  assert.equal(s.stale, 1);
  const r = realizedVariance(TS, PX, { intervalUs: 2 * S });
  assert.equal(r.n, 3);
  assert.equal(r.stale, 1);
  close(r.rv, Math.log(1.01) ** 2 + Math.log(102 / 101) ** 2, 1e-15);
  assert.equal(r.returns[2], 0);
  assert.equal(r.startUs, 0);
  assert.equal(r.endUs, 6 * S);
  // an explicit end at 8 s adds the grid point 8 → 103
  const r8 = realizedVariance(TS, PX, { intervalUs: 2 * S, endUs: 8 * S });
  close(r8.rv, r.rv + Math.log(103 / 102) ** 2, 1e-15);
  // a start before the first tick: grid −1, 1, 3, 5, 7 s; −1 has no price and is skipped
  const rs = realizedVariance(TS, PX, { intervalUs: 2 * S, startUs: -1 * S });
  const sm = previousTickSample(TS, PX, { intervalUs: 2 * S, startUs: -1 * S });
  assert.equal(sm.skippedLeading, 1);
  assert.deepEqual(Array.from(sm.prices), [101, 99, 102, 103]);
  close(rs.rv, Math.log(99 / 101) ** 2 + Math.log(102 / 99) ** 2 + Math.log(103 / 102) ** 2, 1e-15);
  assert.equal(rs.startUs, 1 * S);
});

test("RV of returns, bipower variation (π/2 Σ|r_i||r_{i−1}|) and its n/(n−1) correction, by hand", () => {
  const r = [0.01, -0.02, 0.03];
  close(realizedVarianceOfReturns(r), 0.0014, 1e-16);
  close(bipowerVariation(r), (Math.PI / 2) * (0.0002 + 0.0006), 1e-16);
  close(bipowerVariation(r, { smallSampleCorrection: true }), (Math.PI / 2) * 0.0008 * 1.5, 1e-16);
  assert.equal(bipowerVariation([0.5]), 0);
  assert.throws(() => bipowerVariation([0.1, NaN]), DataError);
  const lr = logReturns([100, 110, 99]);
  close(lr[0], Math.log(1.1), 1e-16);
  close(lr[1], Math.log(0.9), 1e-16);
});

test("scaling prices by c leaves RV, BV and daily RV unchanged; constant prices give 0", () => {
  const rng = createRng(5);
  const n = 500;
  const ts = new Float64Array(n);
  const px = new Float64Array(n);
  let x = 0;
  for (let i = 0; i < n; i++) {
    ts[i] = i * 7.3e6;
    x += 0.001 * rng.normal();
    px[i] = 50 * Math.exp(x);
  }
  const a = realizedVariance(ts, px, { intervalUs: 60 * S });
  const b = realizedVariance(ts, px.map((p) => p * 1234.5), { intervalUs: 60 * S });
  close(b.rv, a.rv, 1e-12);
  close(bipowerVariation(b.returns), bipowerVariation(a.returns), 1e-12);
  const flat = realizedVariance(ts, new Float64Array(n).fill(7), { intervalUs: 60 * S });
  assert.equal(flat.rv, 0);
  assert.equal(bipowerVariation(flat.returns), 0);
});

test("realizedVariance on a trade frame and on a candle frame (close at closeTime)", () => {
  const trades = new Frame({ timestamp: TS, price: PX, amount: new Float64Array(5).fill(1) });
  const r = realizedVariance(trades, { intervalUs: 2 * S });
  close(r.rv, realizedVariance(TS, PX, { intervalUs: 2 * S }).rv, 0);
  // hourly candles: the close is observed at closeTime = open + 1 h − 1 ms
  const H = 3600e6;
  const open = Float64Array.from([0, 1, 2, 3].map((h) => h * H));
  const candles = new Frame({
    timestamp: open,
    closeTime: open.map((t) => t + H - 1000),
    close: Float64Array.from([100, 102, 101, 105]),
  });
  const rc = realizedVariance(candles, { intervalUs: H, startUs: H });
  // grid 1 h, 2 h, 3 h (end = last closeTime 4 h − 1 ms): closes 100, 102, 101
  assert.equal(rc.n, 2);
  close(rc.rv, Math.log(1.02) ** 2 + Math.log(101 / 102) ** 2, 1e-15);
  // with the bar length as interval and the grid on the close times, RV = Σ squared close-to-close returns
  const all = realizedVariance(candles, { intervalUs: H });
  close(all.rv, realizedVarianceOfReturns(logReturns(candles.f64("close"))), 1e-15);
  assert.throws(() => realizedVariance(trades, { intervalUs: 0 }), ArgumentError);
  assert.throws(() => realizedVariance(trades, { intervalUs: 1, startUs: 0, endUs: 1e12 }), ArgumentError);
});

test("bad inputs: unsorted times and non-positive prices throw DataError naming the row and field", () => {
  assert.throws(
    () => realizedVariance(Float64Array.from([0, 2, 1]), Float64Array.from([1, 1, 1]), { intervalUs: 1 }),
    (e: unknown) => e instanceof DataError && e.location.field === "timestamp" && /row 2/.test(e.message),
  );
  assert.throws(
    () => realizedVariance(Float64Array.from([0, 1, 2]), Float64Array.from([1, -1, 1]), { intervalUs: 1 }),
    (e: unknown) => e instanceof DataError && e.location.field === "price" && /row 1/.test(e.message),
  );
  assert.throws(() => dailyRealizedVariance(Float64Array.from([0, 1]), Float64Array.from([1, 0])), (e: unknown) => e instanceof DataError && e.location.field === "close");
  assert.throws(() => logReturns([1, NaN]), DataError);
  assert.throws(() => realizedVariance(Float64Array.from([0, 1]), Float64Array.from([1]), { intervalUs: 1 }), ArgumentError);
});

/** Poisson ticks (mean 1 s apart) of a Brownian log price with sd `sigmaPerSec`·√dt, observed with i.i.d. noise of sd `eta`. */
function noisyTicks(seed: number, seconds: number, sigmaPerSec: number, eta: number) {
  const rng = createRng(seed);
  const ts: number[] = [];
  const px: number[] = [];
  let t = 0;
  let x = Math.log(60000);
  while (t < seconds * S) {
    ts.push(t);
    px.push(Math.exp(x + eta * rng.normal()));
    const dt = rng.exponential(1); // seconds
    x += sigmaPerSec * Math.sqrt(dt) * rng.normal();
    t += Math.round(dt * S);
  }
  return { ts: Float64Array.from(ts), px: Float64Array.from(px) };
}

test("signature plot: noise inflates RV at short intervals (≈ IV + 2nη²); without noise RV is flat", () => {
  const seconds = 6 * 3600;
  const sig = 1e-4; // per √s
  const iv = sig * sig * seconds;
  const intervals = [1, 5, 30, 120, 600].map((s) => s * S);
  const eta = 5e-4;
  const noisy = noisyTicks(1, seconds, sig, eta);
  const sp = signaturePlot(noisy.ts, noisy.px, intervals);
  assert.equal(sp.length, 5);
  const rv = sp.f64("rv");
  const n = sp.f64("n");
  for (let i = 1; i < 5; i++) assert.ok(rv[i] < rv[i - 1], `noisy RV should fall with the interval: ${Array.from(rv)}`);
  // at 1 s the noise term dominates: E[RV] ≈ IV + 2·n_eff·η², n_eff = returns whose ends see different ticks
  const nEff = n[0] - sp.f64("stale")[0];
  close(rv[0] / (iv + 2 * nEff * eta * eta), 1, 0.05, "1 s RV vs IV + 2nη²");
  // at 10 min the noise is small: RV ≈ IV within sampling error (36 returns: relative sd √(2/36) ≈ 0.24)
  assert.ok(rv[4] / iv > 0.4 && rv[4] / iv < 1.8, `10 min RV / IV = ${rv[4] / iv}`);
  // no noise: every interval estimates IV (relative sd √(2/n))
  const clean = noisyTicks(1, seconds, sig, 0);
  const sc = signaturePlot(clean.ts, clean.px, intervals);
  const rvc = sc.f64("rv");
  assert.ok(Math.abs(rvc[0] / iv - 1) < 0.05, `clean 1 s RV / IV = ${rvc[0] / iv}`);
  assert.ok(Math.abs(rvc[1] / iv - 1) < 0.1, `clean 5 s RV / IV = ${rvc[1] / iv}`);
  // Frame form, and the common span
  const sf = signaturePlot(new Frame({ timestamp: noisy.ts, price: noisy.px }), intervals);
  assert.deepEqual(Array.from(sf.f64("rv")), Array.from(rv));
  assert.ok(sp.f64("spanUs")[0] >= sp.f64("spanUs")[4]);
  assert.throws(() => signaturePlot(noisy.ts, noisy.px, []), ArgumentError);
  // bipower variation is robust to a jump, RV is not
  const r = realizedVariance(clean.ts, clean.px, { intervalUs: 60 * S });
  const jumped = r.returns.slice();
  jumped[100] += 0.02;
  const rvJ = realizedVarianceOfReturns(jumped);
  const bvJ = bipowerVariation(jumped);
  assert.ok(rvJ - iv > 0.0003 && Math.abs(bvJ / iv - 1) < 0.2, `RV ${rvJ} BV ${bvJ} IV ${iv}`);
});

test("daily realized variance: hand-worked days; the first bar of a day uses the previous day's last close", () => {
  const H = 3600e6;
  const d0 = Date.UTC(2024, 0, 1) * 1000;
  const ts = Float64Array.from([d0, d0 + 12 * H, d0 + 24 * H, d0 + 36 * H, d0 + 48 * H]);
  const closes = Float64Array.from([0, 0.01, 0.03, 0.0, 0.02].map((x) => 100 * Math.exp(x)));
  const d = dailyRealizedVariance(ts, closes);
  assert.deepEqual(Array.from(d.f64("timestamp")), [d0, d0 + 24 * H, d0 + 48 * H]);
  const rv = d.f64("rv");
  close(rv[0], 0.0001, 1e-15); // r = 0.01
  close(rv[1], 0.0004 + 0.0009, 1e-15); // r = 0.02 (from the previous day's close), −0.03
  close(rv[2], 0.0004, 1e-15);
  assert.deepEqual(Array.from(d.col("n")), [1, 2, 1]);
  // the day's log return: ln(last close of the day / last close of the day before)
  const ret = d.f64("ret");
  close(ret[0], 0.01, 1e-15);
  close(ret[1], -0.01, 1e-15);
  close(ret[2], 0.02, 1e-15);
  // days add up to the whole series' RV
  close(rv[0] + rv[1] + rv[2], realizedVarianceOfReturns(logReturns(closes)), 1e-15);
  const m = dailyRealizedVariance(ts, closes, { minReturns: 2 });
  assert.ok(Number.isNaN(m.f64("rv")[0]) && Number.isNaN(m.f64("rv")[2]));
  assert.ok(Number.isNaN(m.f64("ret")[0]) && Number.isNaN(m.f64("ret")[2]));
  const fr = dailyRealizedVariance(new Frame({ timestamp: ts, close: closes }));
  assert.deepEqual(Array.from(fr.f64("rv")), Array.from(rv));
  assert.throws(() => dailyRealizedVariance(ts, closes, { minReturns: 0 }), ArgumentError);
});

test("annualize: 365-day crypto year, stated interval", () => {
  assert.equal(periodsPerYear({ intervalUs: DAY_US }), 365);
  assert.equal(periodsPerYear({ intervalUs: 3600e6 }), 8760);
  assert.equal(periodsPerYear({ intervalUs: 300e6 }), 105120);
  assert.equal(periodsPerYear({ intervalUs: DAY_US, daysPerYear: 252 }), 252);
  close(annualize(1e-4, { intervalUs: DAY_US }), 0.0365, 1e-15);
  close(annualizedVolatility(1e-4, { intervalUs: DAY_US }), Math.sqrt(0.0365), 1e-15);
  close(annualizedVolatility(4e-6, { periodsPerYear: 8760 }), Math.sqrt(4e-6 * 8760), 1e-15);
  const arr = annualize(Float64Array.from([1, 2]), { periodsPerYear: 12 });
  assert.deepEqual(Array.from(arr), [12, 24]);
  assert.throws(() => annualize(1, { intervalUs: -1 }), ArgumentError);
  assert.throws(() => annualize(1, { periodsPerYear: 0 }), ArgumentError);
});

test("real data: BTC daily RV from hourly candles 2021-2023 and daily close-to-close vol are 30%-150% a year", async (t) => {
  const p = needData(t, "binance-spot-klines-1h-2021-04-to-2023-12/BTCUSDT_1h.csv.gz");
  const pd = needData(t, "binance-spot-btcusdt-klines-1d-2018-to-2025/btc_1d_data_2018_to_2025.csv");
  if (!p || !pd) return;
  const f = await loadBinanceKlines(p);
  const d = dailyRealizedVariance(f, { minReturns: 20 });
  const rv = d.f64("rv");
  let s = 0;
  let c = 0;
  for (let i = 0; i < rv.length; i++) {
    if (rv[i] === rv[i]) {
      s += rv[i];
      c++;
    }
  }
  const vol = annualizedVolatility(s / c, { intervalUs: DAY_US });
  assert.ok(vol > 0.3 && vol < 1.5, `hourly-RV vol ${vol}`);
  // days with < 20 hourly returns: the first (partial) day and the last, plus outage days
  assert.ok(c > 0.99 * rv.length, `${rv.length - c} days below 20 returns`);
  const daily = await loadBinanceKlines(pd);
  const dr = logReturns(daily.f64("close"));
  const dvol = annualizedVolatility(realizedVarianceOfReturns(dr) / dr.length, { intervalUs: DAY_US });
  assert.ok(dvol > 0.3 && dvol < 1.5, `daily close-to-close vol ${dvol}`);
  t.diagnostic(`BTC mean daily RV (1h bars, ${c} days) → ${(vol * 100).toFixed(1)}% a year; daily close-to-close 2018-2025 → ${(dvol * 100).toFixed(1)}%`);
});

test("real data: signature plot of NEXOUSDT spot trades (34 h, tick ≈ 8 bp): bid-ask bounce inflates short-interval RV", async (t) => {
  const p = needData(t, "binance-spot-nexousdt-l2-trades-2024-07-23-to-25/tardis-format/binance_trades_NEXOUSDT.csv.gz");
  if (!p) return;
  const tr = await loadTardisTrades(p);
  const sp = signaturePlot(tr, [1, 10, 60, 300, 900, 3600].map((s) => s * S));
  const rv = sp.f64("rv");
  const span = sp.f64("spanUs");
  const n = sp.f64("n");
  for (let i = 0; i < 6; i++) {
    assert.ok(rv[i] > 0 && Number.isFinite(rv[i]));
    assert.equal(n[i], Math.round(span[i] / sp.f64("intervalUs")[i]));
  }
  // measured: 6.8e-3 (1 s), 5.0e-3 (10 s), 3.3e-3 (1 min), 1.9e-3 (5 min), 1.8e-3 (15 min), 1.9e-3 (1 h)
  for (let i = 1; i < 4; i++) assert.ok(rv[i] < rv[i - 1], `RV should fall from 1 s to 5 min: ${Array.from(rv)}`);
  assert.ok(rv[0] > 2.5 * rv[4], `1 s RV ${rv[0]} vs 15 min ${rv[4]}`);
  t.diagnostic(`RV by interval: ${Array.from(sp.f64("intervalUs")).map((u, i) => `${u / S}s ${rv[i].toExponential(3)} (n ${n[i]}, stale ${sp.f64("stale")[i]})`).join("; ")}`);
});
