import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeContext, timesUs } from "./fakeContext";
import { avellanedaStoikovStrategy, fixedSpreadStrategy, glftStrategy, regimeStrategy, volAdaptiveStrategy } from "../../src/backtest/strategies";
import { avellanedaStoikovRollingQuotes } from "../../src/inventory/avellanedaStoikov";
import { glftCoefficients } from "../../src/inventory/glft";
import { roundDownToTick, roundUpToTick, floorToLot } from "../../src/backtest/guards";
import { ArgumentError } from "../../src/errors";
import type { Strategy } from "../../src/backtest/types";

const close = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

/** A one-level book around 100.005 (bid 100.00, ask 100.01). */
function ctx100(): FakeContext {
  return new FakeContext({ tickSize: 0.01, lotSize: 0.001 }).at(0).setTop(100.0, 100.01, 2, 2);
}

test("tick and lot rounding: outward, exact decimals, tolerant of float error", () => {
  assert.equal(roundDownToTick(99.905, 0.01), 99.9);
  assert.equal(roundUpToTick(100.105, 0.01), 100.11);
  assert.equal(roundDownToTick(100.01, 0.01), 100.01); // 100.01/0.01 = 10000.999999999998 in floats
  assert.equal(roundUpToTick(100.01, 0.01), 100.01);
  assert.equal(roundUpToTick(0.1 + 0.2, 0.1), 0.3);
  assert.equal(roundDownToTick(1.23456, 0.0005), 1.2345);
  assert.equal(roundUpToTick(1.23456, 0.0005), 1.235);
  assert.equal(floorToLot(0.0029999999, 0.001), 0.002);
  assert.equal(floorToLot(0.003, 0.001), 0.003);
  assert.ok(Number.isNaN(roundDownToTick(NaN, 0.01)));
});

test("fixed spread: bid/ask = mid ∓ h rounded outward to the tick, in price units and in bps", () => {
  const c = ctx100();
  const s = fixedSpreadStrategy({ halfSpread: 0.1, size: 0.5 });
  s.onTick(c);
  assert.deepEqual({ ...c.lastQuote(), now: 0 }, { now: 0, bidPrice: 99.9, bidAmount: 0.5, askPrice: 100.11, askAmount: 0.5 });
  // 10 bps of 100.005 = 0.100005: bid 99.904995 → 99.90, ask 100.105005 → 100.11
  const b = fixedSpreadStrategy({ halfSpreadBps: 10, size: 0.5 });
  b.onTick(c);
  assert.equal(c.lastQuote().bidPrice, 99.9);
  assert.equal(c.lastQuote().askPrice, 100.11);
  // 20 bps: 0.20001 → bid 99.80499 → 99.80, ask 100.20501 → 100.21
  const w = fixedSpreadStrategy({ halfSpreadBps: 20, size: 1 });
  w.onTick(c);
  assert.equal(c.lastQuote().bidPrice, 99.8);
  assert.equal(c.lastQuote().askPrice, 100.21);
  assert.equal(s.schedule.kind, "interval");
});

test("fixed spread: no quote without a mid; options validated", () => {
  const c = new FakeContext().setBook([[100, 1]], []);
  fixedSpreadStrategy({ halfSpread: 0.1, size: 1 }).onTick(c);
  assert.ok(Number.isNaN(c.lastQuote().bidPrice) && Number.isNaN(c.lastQuote().askPrice));
  assert.throws(() => fixedSpreadStrategy({ halfSpread: 0.1, halfSpreadBps: 1, size: 1 }), ArgumentError);
  assert.throws(() => fixedSpreadStrategy({ size: 1 }), /halfSpread/);
  assert.throws(() => fixedSpreadStrategy({ halfSpread: 0.1, size: 0 }), /size/);
  assert.throws(() => fixedSpreadStrategy({ halfSpread: 0.1, size: 1, schedule: { kind: "interval", intervalUs: 0 } }), /schedule/);
});

test("position cap: at the cap only the reducing side is quoted; near it the size is cut", () => {
  const c = ctx100();
  const s = fixedSpreadStrategy({ halfSpread: 0.1, size: 0.5, maxPosition: 1 });
  c.position = 1;
  s.onTick(c);
  assert.ok(Number.isNaN(c.lastQuote().bidPrice));
  assert.equal(c.lastQuote().bidAmount, 0);
  assert.equal(c.lastQuote().askPrice, 100.11);
  assert.equal(c.lastQuote().askAmount, 0.5);
  c.position = -1;
  s.onTick(c);
  assert.equal(c.lastQuote().bidAmount, 0.5);
  assert.ok(Number.isNaN(c.lastQuote().askPrice));
  c.position = 0.8;
  s.onTick(c);
  assert.equal(c.lastQuote().bidAmount, 0.2); // 1 − 0.8, lot-rounded
  assert.equal(c.lastQuote().askAmount, 0.5);
});

test("quotes never cross the book (post-only): a bid through the ask joins one tick below it", () => {
  const c = ctx100();
  // a strongly skewed A-S quote (q = −20 lots): bid far above the mid
  const s = avellanedaStoikovStrategy({ gamma: 1, horizonSec: 10, size: 1, calibration: { prior: { sigma: 0.05, A: 1, k: 20 } } });
  c.position = -20;
  s.onStart!(c);
  s.onTick(c);
  const q = c.lastQuote();
  assert.equal(q.bidPrice, 100.0); // best ask 100.01 − 1 tick
  assert.ok(q.askPrice > 100.01);
});

test("volatility-adaptive: h = clamp(c·σ̂·√τ, min, max) with σ̂ from the trailing mid grid", () => {
  // mid alternates 100.00 / 100.10 each second: increments ±0.1 → σ̂ = 0.1 price/√s
  const c = new FakeContext({ tickSize: 0.01 });
  const s = volAdaptiveStrategy({ size: 1, c: 2, tauSec: 4, windowSec: 60, sampleSec: 1, minIncrements: 10, minHalfSpread: 0.05, maxHalfSpread: 1 });
  const halves: number[] = [];
  c.run(s, timesUs(0, 30e6, 1e6), (t, ctx) => {
    const up = Math.round(t / 1e6) % 2 === 1;
    ctx.setTop(up ? 100.05 : 99.95, up ? 100.15 : 100.05);
    halves.push(s.halfSpread());
  });
  // warm-up quotes at the maximum
  const first = c.quotes[0];
  assert.equal(first.bidPrice, 99.0);
  assert.equal(first.askPrice, 101.0);
  close(s.sigma(), 0.1, 1e-12);
  close(s.halfSpread(), 0.4, 1e-12); // 2 · 0.1 · √4
  const q = c.lastQuote(); // t = 30 s: mid 100.00
  assert.equal(q.bidPrice, 99.6);
  assert.equal(q.askPrice, 100.4);
  // cap and floor
  const hi = volAdaptiveStrategy({ size: 1, c: 100, windowSec: 60, minIncrements: 10, minHalfSpreadBps: 1, maxHalfSpreadBps: 50 });
  const lo = volAdaptiveStrategy({ size: 1, c: 1e-6, windowSec: 60, minIncrements: 10, minHalfSpreadBps: 1, maxHalfSpreadBps: 50 });
  for (const [st, expected] of [[hi, 0.005 * 100], [lo, 0.0001 * 100]] as const) {
    const d = new FakeContext({ tickSize: 0.0001 });
    d.run(st, timesUs(0, 30e6, 1e6), (t, ctx) => {
      const up = Math.round(t / 1e6) % 2 === 1;
      ctx.setTop(up ? 100.05 : 99.95, up ? 100.15 : 100.05);
    });
    close(st.halfSpread(), expected, 1e-9);
  }
  assert.throws(() => volAdaptiveStrategy({ size: 1, minHalfSpread: 0.1 }), /maxHalfSpread/);
});

test("regime: base × volatility regime × inventory × depth, each factor as documented", () => {
  const mk = () => regimeStrategy({ size: 1, baseHalfSpread: 0.1, maxPosition: 4, refDepth: 4, shortWindowSec: 20, longWindowSec: 200, minIncrements: 10 });
  // warm-up, flat, book at its reference depth: h = h₀
  let c = new FakeContext({ tickSize: 0.001 }).setTop(99.995, 100.005, 4, 4);
  let s = mk();
  s.onStart!(c);
  s.onTick(c);
  let st = s.state();
  assert.equal(st.regime, "normal");
  assert.deepEqual([st.volFactor, st.inventoryFactor, st.depthFactor], [1, 1, 1]);
  close(st.halfSpread, 0.1, 1e-12);
  assert.equal(c.lastQuote().bidPrice, 99.9);
  assert.equal(c.lastQuote().askPrice, 100.1);
  // half the cap long: f_inv = 1.5, centre shifted down by skew·h·½ = 0.5·0.15·0.5 = 0.0375
  c.position = 2;
  s.onTick(c);
  st = s.state();
  close(st.inventoryFactor, 1.5, 1e-12);
  close(st.halfSpread, 0.15, 1e-12);
  close(st.centreShift, -0.0375, 1e-12);
  close(c.lastQuote().bidPrice, roundDownToTick(100 - 0.0375 - 0.15, 0.001), 1e-12);
  close(c.lastQuote().askPrice, roundUpToTick(100 - 0.0375 + 0.15, 0.001), 1e-12);
  // beyond the cap the factor is bounded at 1 + weight, and the bid is gone
  c.position = 10;
  s.onTick(c);
  close(s.state().inventoryFactor, 2, 1e-12);
  assert.ok(Number.isNaN(c.lastQuote().bidPrice));
  // thin book: D = 1 vs D̄ = 4 → (4/1)^0.5 = 2; empty level → the cap 3
  c.position = 0;
  c.setTop(99.995, 100.005, 1, 1);
  s.onTick(c);
  close(s.state().depthFactor, 2, 1e-12);
  c.setTop(99.995, 100.005, 0.01, 0.01);
  s.onTick(c);
  close(s.state().depthFactor, 3, 1e-12);
  // thick book never narrows
  c.setTop(99.995, 100.005, 100, 100);
  s.onTick(c);
  close(s.state().depthFactor, 1, 1e-12);

  // volatility regimes: 180 s of ±0.01 moves, then 20 s of ±0.1 → σ_short/σ_long ≈ 3 → high (×2)
  for (const [calmFirst, regime, factor] of [[true, "high", 2], [false, "low", 0.75]] as const) {
    c = new FakeContext({ tickSize: 0.001 });
    s = mk();
    c.run(s, timesUs(0, 200e6, 1e6), (t, ctx) => {
      const sec = Math.round(t / 1e6);
      const quiet = calmFirst ? sec <= 180 : sec > 20;
      const step = quiet ? 0.01 : 0.1;
      const m = 100 + (sec % 2 === 1 ? step : 0);
      ctx.setTop(m - 0.005, m + 0.005, 4, 4);
    });
    st = s.state();
    assert.equal(st.regime, regime, `σ short ${st.sigmaShort}, long ${st.sigmaLong}`);
    assert.equal(st.volFactor, factor);
  }
  assert.throws(() => regimeStrategy({ size: 1, baseHalfSpread: 0.1, maxPosition: 1, shortWindowSec: 100, longWindowSec: 50 }), /longWindowSec/);
  assert.throws(() => regimeStrategy({ size: 1, baseHalfSpread: 0.1, maxPosition: 1, skew: 2 }), /skew/);
});

test("regime: the trailing reference depth follows the book with the stated half-life", () => {
  const c = new FakeContext({ tickSize: 0.001 }).setTop(99.995, 100.005, 4, 4);
  const s = regimeStrategy({ size: 1, baseHalfSpread: 0.1, maxPosition: 4, depthHalfLifeSec: 10 });
  s.onStart!(c);
  s.onTick(c); // D̄ = 4
  c.at(10e6).setTop(99.995, 100.005, 1, 1);
  s.onTick(c); // factor vs D̄ = 4 (past only), then D̄ = 4 + ½(1 − 4) = 2.5
  close(s.state().refDepth, 4, 1e-12);
  close(s.state().depthFactor, 2, 1e-12);
  c.at(20e6);
  s.onTick(c);
  close(s.state().refDepth, 2.5, 1e-12);
  close(s.state().depthFactor, Math.sqrt(2.5), 1e-12);
});

test("Avellaneda-Stoikov: quotes equal the rolling-horizon formula, skew down when long, none until calibrated", () => {
  const prior = { sigma: 0.2, A: 1.5, k: 8 };
  const mk = () => avellanedaStoikovStrategy({ gamma: 0.05, horizonSec: 30, size: 0.1, calibration: { prior } });
  const at = (q: number) => {
    const c = new FakeContext({ tickSize: 0.0001 }).setTop(99.995, 100.005, 5, 5);
    c.position = q * 0.1;
    const s = mk();
    s.onStart!(c);
    s.onTick(c);
    return c.lastQuote();
  };
  const q0 = at(0);
  const ref = avellanedaStoikovRollingQuotes({ s: 100, q: 0, horizon: 30, gamma: 0.05, sigma: 0.2, k: 8 });
  close(q0.bidPrice, roundDownToTick(ref.bid, 0.0001), 1e-12);
  close(q0.askPrice, roundUpToTick(ref.ask, 0.0001), 1e-12);
  const q2 = at(2);
  const ref2 = avellanedaStoikovRollingQuotes({ s: 100, q: 2, horizon: 30, gamma: 0.05, sigma: 0.2, k: 8 });
  close(q2.bidPrice, roundDownToTick(ref2.bid, 0.0001), 1e-12);
  assert.ok(q2.bidPrice < q0.bidPrice && q2.askPrice < q0.askPrice, "long: both quotes move down");
  const qm2 = at(-2);
  assert.ok(qm2.bidPrice > q0.bidPrice && qm2.askPrice > q0.askPrice, "short: both quotes move up");
  // spread independent of q (up to the tick rounding)
  close(q2.askPrice - q2.bidPrice, q0.askPrice - q0.bidPrice, 2e-4 + 1e-12);
  // without a prior: no quote until the data calibrates it
  const c = new FakeContext().setTop(99.995, 100.005);
  const s = avellanedaStoikovStrategy({ gamma: 0.5, horizonSec: 30, size: 0.1 });
  s.onStart!(c);
  s.onTick(c);
  assert.ok(Number.isNaN(c.lastQuote().bidPrice) && Number.isNaN(c.lastQuote().askPrice));
  assert.equal(s.notReadyCalls(), 1);
  assert.equal(s.params().sigmaSource, "none");
  assert.throws(() => avellanedaStoikovStrategy({ gamma: 0, horizonSec: 1, size: 1 }), /gamma/);
});

test("GLFT: δᵇ = c₁ + c₂(q + ½), δᵃ = c₁ − c₂(q − ½); symmetric in q ↔ −q; skewed against the inventory", () => {
  const prior = { sigma: 0.05, A: 2, k: 30 };
  const quoteAt = (q: number) => {
    // mid 100.005 is a half tick: the tick grid is symmetric about it, so rounding keeps the q ↔ −q symmetry
    const c = new FakeContext({ tickSize: 0.01 }).setTop(100.0, 100.01, 5, 5);
    c.position = q * 0.2;
    const s = glftStrategy({ gamma: 0.1, size: 0.2, calibration: { prior } });
    s.onStart!(c);
    s.onTick(c);
    return { q: c.lastQuote(), s };
  };
  const coef = glftCoefficients({ gamma: 0.1, ...prior });
  const { q: q0, s } = quoteAt(0);
  assert.deepEqual(s.coefficients(), coef);
  close(q0.bidPrice, roundDownToTick(100.005 - coef.c1 - 0.5 * coef.c2, 0.01), 1e-12);
  close(q0.askPrice, roundUpToTick(100.005 + coef.c1 + 0.5 * coef.c2, 0.01), 1e-12);
  for (const q of [1, 2, 3, 5]) {
    const long = quoteAt(q).q;
    const short = quoteAt(-q).q;
    close(100.005 - long.bidPrice, short.askPrice - 100.005, 1e-9, `q=${q}: bid depth(q) = ask depth(−q)`);
    close(long.askPrice - 100.005, 100.005 - short.bidPrice, 1e-9, `q=${q}: ask depth(q) = bid depth(−q)`);
    assert.ok(long.bidPrice <= q0.bidPrice && long.askPrice <= q0.askPrice);
  }
  // the cap in lots: at q = Q no bid
  const c = new FakeContext({ tickSize: 0.01 }).setTop(100.0, 100.01, 5, 5);
  c.position = 1;
  const capped = glftStrategy({ gamma: 0.1, size: 0.2, maxPosition: 1, calibration: { prior } });
  capped.onStart!(c);
  capped.onTick(c);
  assert.ok(Number.isNaN(c.lastQuote().bidPrice));
  assert.ok(c.lastQuote().askPrice > 100);
});

test("model strategies calibrate online from the tapes and then quote", () => {
  // mid random-walks ±0.05 every second; market orders of both sides every 0.5 s at depths 0.01…0.2
  const c = new FakeContext({ tickSize: 0.01 });
  const s = glftStrategy({ gamma: 0.05, size: 1, calibration: { recalibrateSec: 30, volWindowSec: 120, minVolIncrements: 20, intensity: { depthStep: 0.02, depthLevels: 10, minArrivals: 40, windowSec: 300 } } });
  let m = 100.005;
  let k = 0;
  c.run(s, timesUs(0, 200e6, 500e3), (t, ctx) => {
    if (t % 1e6 === 0) {
      m += (Math.floor(t / 1e6) * 7919) % 3 === 0 ? 0.05 : -0.05;
      ctx.setTop(Math.round((m - 0.005) * 100) / 100, Math.round((m + 0.005) * 100) / 100);
    }
    const depth = 0.01 + 0.02 * (k++ % 10) * ((k % 3) / 2);
    ctx.addTrade(t, m + depth, 0.1, 1);
    ctx.addTrade(t, m - depth, 0.1, -1);
  });
  const p = s.params();
  assert.equal(p.sigmaSource, "estimate");
  assert.equal(p.intensitySource, "estimate");
  assert.ok(p.sigma > 0 && p.A > 0 && p.k > 0);
  assert.ok(s.notReadyCalls() > 0, "no quotes during warm-up");
  const q = c.lastQuote();
  assert.ok(q.bidPrice < q.askPrice && q.bidAmount === 1 && q.askAmount === 1);
});

function record(s: Strategy): string {
  const c = new FakeContext({ tickSize: 0.01 });
  let m = 100.005;
  c.run(s, timesUs(0, 120e6, 250e3), (t, ctx) => {
    if (t % 1e6 === 0) {
      m += Math.sin(t / 7e6) * 0.03;
      ctx.setTop(Math.round((m - 0.005) * 100) / 100, Math.round((m + 0.005) * 100) / 100, 1 + (t / 1e6) % 3, 2);
      ctx.addTrade(t, m + 0.02 * (1 + ((t / 1e6) % 5)), 0.1, 1);
      ctx.addTrade(t, m - 0.02 * (1 + ((t / 1e6) % 4)), 0.1, -1);
    }
    if (t % 10e6 === 0) ctx.position = Math.sin(t / 1e7);
  });
  return JSON.stringify(c.quotes);
}

test("determinism: each strategy object run twice (onStart resets) gives identical calls", () => {
  const cal = { recalibrateSec: 20, minVolIncrements: 10, volWindowSec: 60, intensity: { depthStep: 0.02, depthLevels: 8, minArrivals: 20 } };
  const strategies: Strategy[] = [
    fixedSpreadStrategy({ halfSpreadBps: 3, size: 1, maxPosition: 2 }),
    volAdaptiveStrategy({ size: 1, windowSec: 30, minIncrements: 5, minHalfSpread: 0.01, maxHalfSpread: 0.5 }),
    regimeStrategy({ size: 1, baseHalfSpread: 0.05, maxPosition: 2, shortWindowSec: 10, longWindowSec: 60, minIncrements: 5 }),
    avellanedaStoikovStrategy({ gamma: 0.1, horizonSec: 10, size: 1, calibration: cal }),
    glftStrategy({ gamma: 0.1, size: 1, maxPosition: 3, calibration: cal }),
  ];
  for (const s of strategies) {
    const a = record(s);
    const b = record(s);
    assert.equal(a, b, s.name);
    assert.ok(a.length > 100);
  }
});
