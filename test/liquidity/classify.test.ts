import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bulkVolumeClassification, classificationAccuracy, classifyTrades, exchangeTimesOnLocalClock, tickTest,
} from "../../src/liquidity/classify";
import { Frame } from "../../src/frame/frame";
import { normalCdf, studentTCdf } from "../../src/frame/ols";
import { ArgumentError, DataError } from "../../src/errors";
import { loadTardisQuotes, loadTardisTrades } from "../../src/data/tardis";
import { needData, seededUniform } from "../helpers";

const f64 = (a: number[]) => Float64Array.from(a);
const arr = (a: ArrayLike<number>) => Array.from(a);

// quotes: t=10 bid 99 ask 101 (mid 100); t=20 bid 100 ask 102 (mid 101); t=30 empty bid (mid NaN)
const quotes = new Frame({ localTimestamp: f64([10, 20, 30]), bidPrice: f64([99, 100, NaN]), askPrice: f64([101, 102, 102]) });
// trades: before any quote, at the quote time, at the mid, below the mid, at the mid, with an empty-side quote
const trades = new Frame({
  localTimestamp: f64([5, 10, 15, 20, 25, 30]),
  price: f64([100, 101, 100, 100.5, 101, 101]),
  amount: f64([1, 1, 1, 1, 1, 1]),
});

test("tickTest: upticks, downticks, zero ticks take the last non-zero tick, no prior change → 0", () => {
  assert.deepEqual(arr(tickTest([100, 100, 101, 101, 100, 100, 102])), [0, 0, 1, 1, -1, -1, 1]);
  assert.deepEqual(arr(tickTest([])), []);
  assert.deepEqual(arr(tickTest([5])), [0]);
});

test("classifyTrades: hand-worked quote rule, Lee–Ready, EMO and tick test with their counts", () => {
  const tick = classifyTrades(trades, null, { method: "tick" });
  assert.deepEqual(arr(tick.side), [0, 1, -1, 1, 1, 1]);
  assert.equal(tick.counts.noPriorTick, 1);

  const q = classifyTrades(trades, quotes, { method: "quote" });
  // t=5 no quote; t=10 quote at exactly t counts (mid 100) → +1; t=15 at mid → 0; t=20 mid 101, 100.5 → −1;
  // t=25 at mid 101 → 0; t=30 empty bid → 0
  assert.deepEqual(arr(q.side), [0, 1, 0, -1, 0, 0]);
  assert.equal(q.counts.noQuote, 1);
  assert.equal(q.counts.atMid, 2);
  assert.equal(q.counts.invalidQuote, 1);
  assert.equal(q.counts.unclassified, 4);
  assert.equal(q.counts.buy + q.counts.sell + q.counts.unclassified, 6);

  const lr = classifyTrades(trades, quotes, { method: "leeReady" });
  // at-mid trades take the tick test: t=15 100 < 101 → −1; t=25 101 > 100.5 → +1; no fallback without a quote
  assert.deepEqual(arr(lr.side), [0, 1, -1, -1, 1, 0]);
  assert.equal(lr.counts.tickUsed, 2);
  assert.equal(lr.counts.unclassified, 2);
  assert.equal(lr.lagUs, 0);

  const emo = classifyTrades(trades, quotes, { method: "emo" });
  // t=10 at the ask → +1; t=15 inside → tick −1; t=20 inside → tick +1 (100.5 > 100); t=25 inside → tick +1
  assert.deepEqual(arr(emo.side), [0, 1, -1, 1, 1, 0]);
  assert.equal(emo.counts.notAtQuote, 3);
});

test("classifyTrades: lag — a quote exactly at t − lag counts, one after it does not", () => {
  // lag 5, targets 0, 5, 10, 15, 20, 25: t=5 and t=10 have no quote; t=15 → quote 10 (exactly t − lag) mid 100 and
  // price 100 → at mid; t=20 → quote 10, 100.5 > 100 → +1; t=25 and t=30 → quote 20 (t=25: exactly t − lag) mid 101 → at mid
  const a = classifyTrades(trades, quotes, { method: "quote", lagUs: 5 });
  assert.deepEqual(arr(a.side), [0, 0, 0, 1, 0, 0]);
  assert.equal(a.counts.noQuote, 2);
  assert.equal(a.counts.atMid, 3);
  assert.equal(a.lagUs, 5);
  // lag 6: t=15 → 9, before the first quote; t=25 → 19, the quote at 20 is not yet visible → quote 10, 101 > 100 → +1
  const b = classifyTrades(trades, quotes, { method: "quote", lagUs: 6 });
  assert.equal(b.counts.noQuote, 3);
  assert.deepEqual(arr(b.side), [0, 0, 0, 1, 1, 0]);
  // lag 4: t=15 → 11, the quote at 10 is visible
  const c = classifyTrades(trades, quotes, { method: "quote", lagUs: 4 });
  assert.equal(c.counts.noQuote, 2);
});

test("classifyTrades: equals a brute-force Lee–Ready on random data (prices on a tick grid, ties at the mid)", () => {
  const r = seededUniform(11);
  for (let trial = 0; trial < 30; trial++) {
    const m = 1 + Math.floor(r() * 40);
    const n = Math.floor(r() * 60);
    const qt = f64(Array.from({ length: m }, () => Math.floor(r() * 100)).sort((x, y) => x - y));
    const bid = f64(Array.from({ length: m }, () => 100 + Math.floor(r() * 4)));
    const ask = Float64Array.from(bid, (b) => b + 1 + 2 * Math.floor(r() * 2)); // spreads 1 or 3 → mids on the grid of halves / integers
    const tt = f64(Array.from({ length: n }, () => Math.floor(r() * 110)).sort((x, y) => x - y));
    const price = f64(Array.from({ length: n }, () => 99 + Math.floor(r() * 12) / 2));
    const lag = Math.floor(r() * 5);
    const T = new Frame({ localTimestamp: tt, price, amount: new Float64Array(n).fill(1) });
    const Q = new Frame({ localTimestamp: qt, bidPrice: bid, askPrice: ask });
    const got = classifyTrades(T, Q, { method: "leeReady", lagUs: lag }).side;
    for (let i = 0; i < n; i++) {
      let j = -1;
      for (let k = 0; k < m; k++) if (qt[k] <= tt[i] - lag) j = k;
      let want = 0;
      if (j >= 0) {
        const mid = (bid[j] + ask[j]) / 2;
        if (price[i] > mid) want = 1;
        else if (price[i] < mid) want = -1;
        else {
          for (let k = i - 1; k >= 0; k--) {
            if (price[k] !== price[i]) {
              want = price[i] > price[k] ? 1 : -1;
              break;
            }
          }
        }
      }
      assert.equal(got[i], want, `trial ${trial} trade ${i}`);
    }
  }
});

test("classifyTrades: price scaling by 2 changes nothing; time columns are options", () => {
  const scaled = new Frame({ timestamp: f64([5, 10, 15, 20, 25, 30]), price: Float64Array.from(trades.f64("price"), (p) => 2 * p), amount: trades.f64("amount") });
  const q2 = new Frame({ ts: quotes.f64("localTimestamp"), bidPrice: Float64Array.from(quotes.f64("bidPrice"), (p) => 2 * p), askPrice: Float64Array.from(quotes.f64("askPrice"), (p) => 2 * p) });
  const a = classifyTrades(trades, quotes, { method: "leeReady" });
  const b = classifyTrades(scaled, q2, { method: "leeReady", tradeTime: "timestamp", quoteTime: "ts" });
  assert.deepEqual(arr(b.side), arr(a.side));
});

test("classifyTrades: bad input throws DataError / ArgumentError naming the field", () => {
  const unsorted = new Frame({ localTimestamp: f64([1, 3, 2]), price: f64([1, 1, 1]), amount: f64([1, 1, 1]) });
  assert.throws(() => classifyTrades(unsorted, null, { method: "tick" }), (e: unknown) => e instanceof DataError && e.location.line === 3 && e.location.field === "localTimestamp");
  const badPrice = new Frame({ localTimestamp: f64([1, 2]), price: f64([1, -1]), amount: f64([1, 1]) });
  assert.throws(() => classifyTrades(badPrice, null, { method: "tick" }), (e: unknown) => e instanceof DataError && e.location.field === "price" && e.location.line === 2);
  const badQuote = new Frame({ localTimestamp: f64([1]), bidPrice: f64([Infinity]), askPrice: f64([2]) });
  assert.throws(() => classifyTrades(trades, badQuote, { method: "quote" }), (e: unknown) => e instanceof DataError && e.location.field === "bidPrice");
  const noLocal = new Frame({ localTimestamp: f64([NaN]), price: f64([1]), amount: f64([1]) });
  assert.throws(() => classifyTrades(noLocal, quotes, { method: "quote" }), (e: unknown) => e instanceof DataError && /tradeTime: "timestamp"/.test(e.message));
  assert.throws(() => classifyTrades(trades, null, { method: "quote" }), ArgumentError);
  assert.throws(() => classifyTrades(trades, quotes, { method: "x" as never }), ArgumentError);
  assert.throws(() => classifyTrades(trades, quotes, { method: "quote", lagUs: -1 }), ArgumentError);
  assert.throws(() => classifyTrades(trades, quotes, { method: "bvc" }), ArgumentError);
});

test("bulkVolumeClassification: hand-worked time bars (ΔP, σ, Φ, a ½ bar left unclassified, volume accuracy)", () => {
  const t = new Frame({
    localTimestamp: f64([0, 5, 12, 25, 31]),
    price: f64([100, 101, 103, 102, 102]),
    amount: f64([1, 1, 2, 4, 1]),
    side: Int8Array.from([1, -1, 1, -1, 1]),
  });
  const r = bulkVolumeClassification(t, { bar: { intervalUs: 10 } });
  const b = r.bars.columns;
  assert.deepEqual(arr(b.barStart), [0, 10, 20, 30]);
  assert.deepEqual(arr(b.close), [101, 103, 102, 102]);
  assert.deepEqual(arr(b.volume), [2, 2, 4, 1]);
  assert.deepEqual(arr(b.deltaP), [NaN, 2, -1, 0]);
  // ΔP = 2, −1, 0: mean 1/3, sample variance ((5/3)² + (4/3)² + (1/3)²)/2 = 7/3
  assert.ok(Math.abs(r.sigma - Math.sqrt(7 / 3)) < 1e-15);
  const F1 = normalCdf(2 / r.sigma), F2 = normalCdf(-1 / r.sigma);
  assert.ok(Number.isNaN(b.buyFraction[0]));
  assert.equal(b.buyFraction[1], F1);
  assert.equal(b.buyFraction[2], F2);
  assert.equal(b.buyFraction[3], 0.5);
  assert.equal(b.buyVolume[2], 4 * F2);
  assert.deepEqual(arr(r.side), [0, 0, 1, -1, 0]);
  assert.equal(r.counts.bvcUndetermined, 3);
  assert.deepEqual(arr(b.trueBuyVolume), [1, 2, 0, 1]);
  // accuracy over bars 1..3: [min(2F1, 2) + min(2(1−F1), 0)] + [min(4F2, 0) + min(4(1−F2), 4)] + [min(.5, 1) + min(.5, 0)] over 7
  const want = (Math.min(2 * F1, 2) + Math.min(4 * (1 - F2), 4) + 0.5) / 7;
  assert.ok(Math.abs(r.volumeAccuracy - want) < 1e-15);
  // Student t variant and an external σ
  const s = bulkVolumeClassification(t, { bar: { intervalUs: 10 }, distribution: { studentT: 0.25 }, sigma: 2 });
  assert.equal(s.bars.columns.buyFraction[1], studentTCdf(1, 0.25));
  // via classifyTrades
  const c = classifyTrades(t, null, { method: "bvc", bvc: { bar: { intervalUs: 10 } } });
  assert.deepEqual(arr(c.side), arr(r.side));
  assert.ok(c.bvc);
});

test("bulkVolumeClassification: volume bars split the trade that completes a bar", () => {
  const t = new Frame({ localTimestamp: f64([1, 2, 3, 4]), price: f64([10, 11, 12, 13]), amount: f64([1, 1.5, 0.5, 3]) });
  const r = bulkVolumeClassification(t, { bar: { volume: 2 } });
  const b = r.bars.columns;
  // bar 0: 1 + 1 (of 1.5); bar 1: 0.5 + 0.5 + 1 (of 3); bar 2: 2 (rest of the 3)
  assert.deepEqual(arr(b.volume), [2, 2, 2]);
  assert.deepEqual(arr(b.trades), [2, 3, 1]);
  assert.deepEqual(arr(b.close), [11, 13, 13]);
  assert.deepEqual(arr(r.tradeBar), [0, 0, 1, 2]);
  assert.deepEqual(arr(b.deltaP), [NaN, 2, 0]);
  assert.ok(Number.isNaN(r.volumeAccuracy)); // no side column
  assert.throws(() => bulkVolumeClassification(t, { bar: { volume: 0 } }), ArgumentError);
  assert.throws(() => bulkVolumeClassification(t, { bar: { intervalUs: 1 }, distribution: { studentT: -1 } }), ArgumentError);
});

test("classificationAccuracy: hand-worked agreement, coverage, confusion, weights", () => {
  const pred = [1, 1, -1, 0, 1, -1, 0];
  const truth = [1, -1, -1, 1, 0, -1, -1];
  const a = classificationAccuracy(pred, truth, { weights: [1, 2, 3, 4, 5, 6, 7] });
  assert.equal(a.n, 6);
  assert.equal(a.trueUnknown, 1);
  assert.equal(a.classified, 4);
  assert.equal(a.agreement, 3 / 4);
  assert.equal(a.coverage, 4 / 6);
  assert.equal(a.accuracyAll, 3 / 6);
  assert.deepEqual(a.confusion, { buyAsBuy: 1, buyAsSell: 0, buyUnclassified: 1, sellAsBuy: 1, sellAsSell: 2, sellUnclassified: 1 });
  assert.equal(a.buyAgreement, 1);
  assert.equal(a.sellAgreement, 2 / 3);
  assert.equal(a.weighted!.agreement, 10 / 12);
  assert.equal(a.weighted!.coverage, 12 / 23);
  // flipping both labels leaves the rates unchanged
  const b = classificationAccuracy(pred.map((v) => -v), truth.map((v) => -v));
  assert.equal(b.agreement, a.agreement);
  assert.throws(() => classificationAccuracy([1], [1, 1]), ArgumentError);
});

test("exchangeTimesOnLocalClock: shift by the minimum (or a quantile) of local − exchange time", () => {
  const t = new Frame({ timestamp: f64([100, 200, 300]), localTimestamp: f64([90, 195, 280]), price: f64([1, 1, 1]), amount: f64([1, 1, 1]) });
  const a = exchangeTimesOnLocalClock(t);
  assert.equal(a.offsetUs, -20);
  assert.deepEqual(arr(a.times), [80, 180, 280]);
  assert.equal(exchangeTimesOnLocalClock(t, { quantile: 0.5 }).offsetUs, -10);
});

const SPOT = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/";
const NEXO = "binance-spot-nexousdt-l2-trades-2024-07-23-to-25/tardis-format/";

for (const [dir, sym, minAligned] of [[SPOT, "BTCUSDT", 0.98], [SPOT, "ETHUSDT", 0.98], [NEXO, "NEXOUSDT", 0.94]] as const) {
  test(`real ${sym} spot: tick, quote, Lee–Ready and EMO against the true aggressor side`, async (t) => {
    const tp = needData(t, `${dir}binance_trades_${sym}.csv.gz`);
    const qp = needData(t, `${dir}binance_book_ticker_${sym}.csv.gz`);
    if (!tp || !qp) return;
    const tr = await loadTardisTrades(tp);
    const q = await loadTardisQuotes(qp);
    const truth = tr.col("side");
    const rate = (f: Frame, method: "tick" | "quote" | "leeReady" | "emo", opts: { tradeTime?: string; lagUs?: number } = {}) => {
      const c = classifyTrades(f, q, { method, ...opts });
      const a = classificationAccuracy(c.side, truth);
      assert.equal(c.counts.buy + c.counts.sell + c.counts.unclassified, tr.length);
      return a;
    };
    const tick = rate(tr, "tick");
    const quoteLocal = rate(tr, "quote");
    const lrLocal = rate(tr, "leeReady");
    const { times, offsetUs } = exchangeTimesOnLocalClock(tr);
    const al = tr.withColumn("tradeOnLocal", times);
    const quoteAl = rate(al, "quote", { tradeTime: "tradeOnLocal" });
    const lrAl = rate(al, "leeReady", { tradeTime: "tradeOnLocal" });
    const emoAl = rate(al, "emo", { tradeTime: "tradeOnLocal" });
    const lr100 = rate(tr, "leeReady", { lagUs: 100e3 });
    const bvc = bulkVolumeClassification(tr, { bar: { intervalUs: 1e6 } });
    const pct = (a: { agreement: number; coverage: number }) => `${(100 * a.agreement).toFixed(2)}% (coverage ${(100 * a.coverage).toFixed(2)}%)`;
    t.diagnostic(`${sym}: tick ${pct(tick)}; receive times lag 0: quote ${pct(quoteLocal)}, Lee-Ready ${pct(lrLocal)}; lag 100 ms: Lee-Ready ${pct(lr100)}; ` +
      `exchange time on the local clock (offset ${offsetUs} µs): quote ${pct(quoteAl)}, Lee-Ready ${pct(lrAl)}, EMO ${pct(emoAl)}; BVC 1 s volume accuracy ${(100 * bvc.volumeAccuracy).toFixed(2)}%`);
    assert.ok(tick.agreement > 0.85, `tick ${tick.agreement}`);
    assert.ok(lrAl.agreement > minAligned, `Lee-Ready aligned ${lrAl.agreement}`);
    assert.ok(lrAl.coverage > 0.999);
    if (sym !== "NEXOUSDT") {
      // On the BTC/ETH capture the trade stream arrives ~0–220 ms after bookTicker: at the trade's receive time the
      // quotes already reflect it, and the quote rule is a coin flip. This documents why the alignment matters.
      assert.ok(lrLocal.agreement < 0.6, `Lee-Ready on receive times ${lrLocal.agreement}`);
    }
  });
}
