import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeContext } from "./fakeContext";
import { OnlineCalibrator, TrailingIntensity, TrailingVolatility } from "../../src/backtest/online";
import { createRng } from "../../src/frame/rng";
import { countReachingDepths, fitIntensity } from "../../src/inventory/intensity";
import { ArgumentError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

/** Brownian mid with σ price/√s, updated every `dtUs`, written to a fake context's mid tape. */
function brownianMids(c: FakeContext, sigma: number, durationSec: number, dtUs: number, seed: number): void {
  const rng = createRng(seed);
  let m = 1000;
  const sd = sigma * Math.sqrt(dtUs / 1e6);
  for (let t = 0; t <= durationSec * 1e6; t += dtUs) {
    c.addMid(t, m);
    m += sd * rng.normal();
  }
}

test("TrailingVolatility recovers σ (price/√s) of a Brownian mid", () => {
  for (const [sigma, seed] of [[0.5, 1], [0.02, 2]] as const) {
    const c = new FakeContext();
    brownianMids(c, sigma, 1200, 100_000, seed);
    const v = new TrailingVolatility({ windowSec: 600, sampleSec: 1 });
    v.update(c.mids, 1200e6);
    assert.equal(v.increments, 600);
    // se ≈ σ/√(2n) = 2.9 %; allow 4 se
    close(v.sigma, sigma, 0.12 * sigma, `σ = ${sigma}`);
  }
});

test("TrailingVolatility by hand: previous-tick grid, zero increments for gaps, window and warm-up", () => {
  const c = new FakeContext();
  // mids at 0.5 s: 100; 1.5 s: 101; 2.2 s: 100.5; 2.7 s: 102 → grid (origin 0.5 s): 1.5→101 (mid at exactly 1.5 s counts), 2.5→100.5, 3.5→102
  c.addMid(0.5e6, 100).addMid(1.5e6, 101).addMid(2.2e6, 100.5).addMid(2.7e6, 102);
  const v = new TrailingVolatility({ windowSec: 4, sampleSec: 1, minIncrements: 2 });
  v.update(c.mids, 1.5e6); // grid point 1.5 s not closed yet (g < now only)
  assert.equal(v.increments, 0);
  assert.ok(Number.isNaN(v.sigma));
  v.update(c.mids, 2.6e6); // closes 1.5 (101 − 100) and 2.5 (100.5 − 101)
  assert.equal(v.increments, 2);
  close(v.sigma, Math.sqrt((1 + 0.25) / 2), 1e-12);
  v.update(c.mids, 3.6e6); // 3.5: 102 − 100.5
  close(v.sigma, Math.sqrt((1 + 0.25 + 2.25) / 3), 1e-12);
  v.update(c.mids, 5.6e6); // 4.5, 5.5: zeros; window of 4 holds the last 4: 0.25, 2.25, 0, 0
  assert.equal(v.increments, 4);
  close(v.sigma, Math.sqrt((0.25 + 2.25) / 4), 1e-12);
  v.update(c.mids, 100e6); // a long gap: all zeros
  assert.equal(v.sigma, 0);
  // no look-ahead: a mid after `now` is not read
  const d = new FakeContext();
  d.addMid(0, 100).addMid(1e6, 100).addMid(2e6, 100).addMid(2.5e6, 200);
  const w = new TrailingVolatility({ windowSec: 10, minIncrements: 1 });
  w.update(d.mids, 2.4e6);
  assert.equal(w.sigma, 0);
  assert.equal(w.mid, 100);
  assert.throws(() => new TrailingVolatility({ windowSec: 1, sampleSec: 1 }), ArgumentError);
});

test("TrailingVolatility: incremental updates give bit-identical σ to one update; a trimmed tape is re-synchronized", () => {
  const c = new FakeContext();
  brownianMids(c, 0.3, 900, 137_000, 7);
  const once = new TrailingVolatility({ windowSec: 300 });
  once.update(c.mids, 900e6);
  const inc = new TrailingVolatility({ windowSec: 300 });
  const rng = createRng(3);
  for (let t = 0; t < 900e6; t += Math.floor(rng.next() * 3e6)) inc.update(c.mids, t);
  inc.update(c.mids, 900e6);
  assert.equal(inc.sigma, once.sigma);
  // an engine that drops old rows between calls
  const d = new FakeContext();
  brownianMids(d, 0.3, 900, 137_000, 7);
  const trimmed = new TrailingVolatility({ windowSec: 300 });
  // feed the same tape, but drop rows already read as we go
  const full = d.mids;
  const partial = new FakeContext();
  let next = 0;
  for (let t = 0; t <= 900e6; t += 10e6) {
    while (next < full.count && full.localTimestamp[next] <= t) {
      partial.addMid(full.localTimestamp[next], full.mid[next]);
      next++;
    }
    trimmed.update(partial.mids, t);
    if (partial.mids.count > 50) partial.mids.drop(partial.mids.count - 10);
  }
  assert.equal(trimmed.sigma, once.sigma);
});

/** Poisson market orders per side at rate A, depths exponential with rate k around a constant mid 100. */
function intensityTape(c: FakeContext, A: number, k: number, durationSec: number, seed: number): number {
  const rng = createRng(seed);
  c.addMid(0, 100);
  let t = 0;
  let n = 0;
  // both sides merged: total rate 2A, side by a fair coin
  for (;;) {
    t += rng.exponential(2 * A) * 1e6;
    if (t > durationSec * 1e6) break;
    const side = rng.next() < 0.5 ? 1 : -1;
    const depth = rng.exponential(k);
    c.addTrade(Math.round(t), 100 + side * depth, 0.01, side);
    n++;
  }
  return n;
}

test("TrailingIntensity recovers A (1/s per side) and k (1/price) from synthetic arrivals", () => {
  for (const [A, k, seed] of [[1, 2, 11], [0.5, 20, 12]] as const) {
    const c = new FakeContext({ tickSize: 0.001 });
    const n = intensityTape(c, A, k, 2000, seed);
    const est = new TrailingIntensity({ windowSec: 2000, depthStep: 0.2 / k, depthLevels: 20 });
    est.update(c.trades, c.mids, 2000e6);
    const r = est.calibrate(2000e6, 0.001);
    assert.ok(r !== null);
    assert.equal(r.n, n);
    close(r.exposureSec, 4000, 1e-9);
    close(r.k, k, 0.1 * k, "k");
    close(r.A, A, 0.15 * A, "A");
    // the O(n) histogram count gives exactly the fit of the sorted nested counts (countReachingDepths)
    const depths = new Float64Array(c.trades.count);
    for (let i = 0; i < depths.length; i++) depths[i] = c.trades.side[i] * (c.trades.price[i] - 100);
    const step = 0.2 / k;
    const grid = Float64Array.from({ length: 20 }, (_, j) => j * step);
    const ref = fitIntensity(grid, countReachingDepths(depths, grid, 1e-7), 4000, { method: "poisson" });
    assert.equal(r.k, ref.k);
    assert.equal(r.A, ref.A);
  }
});

test("TrailingIntensity: trailing window, fills of one order merged, skipped trades counted, too few arrivals → null", () => {
  const c = new FakeContext({ tickSize: 0.01 });
  c.addMid(0, 100);
  c.addTrade(1e6, 100.05, 1, 1).addTrade(1e6, 100.1, 1, 1).addTrade(1e6, 100.2, 1, 1); // one buy sweeping to δ = 0.2
  c.addTrade(1e6, 99.9, 1, -1); // a sell at the same time: another order
  c.addTrade(2e6, 100.3, 1, 0); // unknown side
  const est = new TrailingIntensity({ windowSec: 10, depthStep: 0.05, minArrivals: 2 });
  est.update(c.trades, c.mids, 1e6); // the sweep may continue at 1 s: still pending
  assert.equal(est.stored, 1); // the buy was flushed by the sell; the sell is pending
  est.update(c.trades, c.mids, 3e6);
  assert.equal(est.stored, 2);
  assert.equal(est.mergedFills, 2);
  assert.equal(est.unknownSide, 1);
  const r = est.calibrate(3e6, 0.01);
  // 2 arrivals (δ = 0.2 and 0.1) reach the poisson fit; exposure 2·3 s
  assert.ok(r !== null);
  close(r.exposureSec, 6, 1e-12);
  // past the window they are dropped
  assert.equal(est.calibrate(20e6, 0.01), null);
  assert.equal(est.stored, 0);
  // a trade before any mid
  const d = new FakeContext();
  d.addTrade(0, 100, 1, 1).addMid(1, 100);
  const e2 = new TrailingIntensity();
  e2.update(d.trades, d.mids, 10);
  assert.equal(e2.beforeFirstMid, 1);
  assert.throws(() => new TrailingIntensity({ depthStep: 1, depthStepBps: 1 }), ArgumentError);
});

test("OnlineCalibrator: priors until enough data, recalibration every N seconds, then estimates near the truth", () => {
  const c = new FakeContext({ tickSize: 0.001 });
  intensityTape(c, 1, 5, 1800, 21);
  // a Brownian mid would move the depths; keep the mid constant for the intensity and check σ separately
  const cal = new OnlineCalibrator({ recalibrateSec: 60, prior: { sigma: 0.1, A: 3, k: 1 }, intensity: { windowSec: 600, depthStep: 0.04, minArrivals: 200 } });
  const seen: Array<[number, string, number]> = [];
  for (let t = 0; t <= 1800e6; t += 100e3) {
    c.now = t;
    const p = cal.update(c);
    if (seen.length === 0 || seen[seen.length - 1][2] !== p.calibrations) seen.push([t, p.intensitySource, p.calibrations]);
  }
  const p = cal.params;
  // first at t = 0, then every 60 s: 31 calibrations in 1800 s
  assert.equal(p.calibrations, 31);
  assert.equal(seen[1][0], 60e6);
  assert.equal(seen[0][1], "prior");
  assert.equal(p.intensitySource, "estimate");
  close(p.k, 5, 0.75, "k"); // ~600 arrivals per side in the window
  close(p.A, 1, 0.25, "A");
  // the mid never moved: σ̂ = 0 is not accepted, the prior stays
  assert.equal(p.sigmaSource, "prior");
  assert.equal(p.sigma, 0.1);
  cal.reset();
  assert.equal(cal.params.calibrations, 0);
  assert.equal(cal.params.k, 1);
  assert.throws(() => new OnlineCalibrator({ prior: { A: 1 } }), /together/);
});

test("OnlineCalibrator: σ estimate replaces the prior once the window has enough increments", () => {
  const c = new FakeContext();
  brownianMids(c, 0.4, 700, 250_000, 5);
  const cal = new OnlineCalibrator({ recalibrateSec: 30, volWindowSec: 600, minVolIncrements: 100, prior: { sigma: 9 } });
  for (let t = 0; t <= 700e6; t += 1e6) {
    c.now = t;
    cal.update(c);
    if (t === 60e6) assert.equal(cal.params.sigmaSource, "prior");
  }
  assert.equal(cal.params.sigmaSource, "estimate");
  close(cal.params.sigma, 0.4, 0.05);
  assert.equal(cal.ready, false); // no A, k
});
