import { test } from "node:test";
import assert from "node:assert/strict";
import { liquiditySummary } from "../../src/liquidity/summary";
import { spreads, timeWeightedQuotedSpread } from "../../src/liquidity/spreads";
import { exchangeTimesOnLocalClock } from "../../src/liquidity/classify";
import { Frame } from "../../src/frame/frame";
import { levelColumn } from "../../src/data/schemas";
import { ArgumentError } from "../../src/errors";
import { loadTardisQuotes, loadTardisTrades } from "../../src/data/tardis";
import { needData } from "../helpers";

const f64 = (a: number[]) => Float64Array.from(a);
const arr = (a: ArrayLike<number>) => Array.from(a);
const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `got ${a}, want ${b}`);

// quotes (t, bid, ask): (0, 99, 101) M 100; (10, 100, 102) M 101; (20, 98, 101) M 99.5; (30, 100, 100.5)
const quotes = new Frame({ localTimestamp: f64([0, 10, 20, 30]), bidPrice: f64([99, 100, 98, 100]), askPrice: f64([101, 102, 101, 100.5]) });
const trades = new Frame({
  localTimestamp: f64([5, 10, 15, 25]),
  price: f64([101, 100, 101, 99.5]),
  amount: f64([1, 2, 1, 4]),
  side: Int8Array.from([1, -1, 1, -1]),
});

test("liquiditySummary: hand-worked activity, time-weighted quoted spread, size-weighted ES / RS / PI per interval", () => {
  const s = liquiditySummary(trades, quotes, { intervalUs: 10, horizonUs: 10, kyleIntervalUs: 1 });
  const c = s.columns as { [k: string]: Float64Array };
  assert.deepEqual(arr(c.timestamp), [0, 10, 20, 30]);
  assert.deepEqual(arr(c.trades), [1, 2, 1, 0]);
  assert.deepEqual(arr(c.volume), [1, 3, 4, 0]);
  assert.deepEqual(arr(c.vwap), [101, 301 / 3, 99.5, NaN]);
  // each quote covers its whole interval; the last quote (t=30) has no duration before the data ends
  assert.deepEqual(arr(c.quoted), [2, 2, 3, NaN]);
  near(c.quotedBps[1], (2 / 101) * 1e4);
  near(c.effectiveBps[0], 200);
  near(c.effectiveBps[1], (2 * (2 / 101) * 1e4) / 3);
  assert.equal(c.effectiveBps[2], 0);
  assert.ok(Number.isNaN(c.effectiveBps[3]));
  // horizon 10: the trade at 25 runs past the last quote → NaN; interval 1: RS −1 and 3, PI 3 and −3 (÷101)
  near(c.realizedBps[0], 0);
  near(c.impactBps[0], 200);
  near(c.realizedBps[1], ((2 * -1 + 3) / 101 / 3) * 1e4);
  near(c.impactBps[1], ((2 * 3 - 3) / 101 / 3) * 1e4);
  assert.ok(Number.isNaN(c.realizedBps[2]));
  // ES = RS + PI holds for the size-weighted interval means when every trade has every measure
  near(c.effectiveBps[1], c.realizedBps[1] + c.impactBps[1]);
  // Kyle sub-intervals of 1 µs: 10 usable per interval, none in [30, 40) (they end after the last quote)
  assert.deepEqual(arr(c.kyleObs), [10, 10, 10, 0]);
});

test("liquiditySummary: Kyle λ per interval equals kyleLambda over the same sub-intervals", () => {
  const mids = [100, 102, 101, 104, 104, 103];
  const q = new Frame({ localTimestamp: f64([0, 10, 20, 30, 40, 50]), bidPrice: f64(mids.map((m) => m - 0.5)), askPrice: f64(mids.map((m) => m + 0.5)) });
  const t = new Frame({ localTimestamp: f64([2, 12, 22, 25, 45]), price: f64([100, 102, 101, 101, 104]), amount: f64([1, 0.5, 1, 0.5, 1]), side: Int8Array.from([1, -1, 1, 1, -1]) });
  const s = liquiditySummary(t, q, { intervalUs: 50, kyleIntervalUs: 10, kyleMinObs: 3 });
  const c = s.columns as { [k: string]: Float64Array };
  assert.equal(c.kyleObs[0], 5);
  near(c.kyleLambda[0], 7.4 / 4.3, 1e-14);
  // classic t of the same regression: s² = RSS/(n − 2), se = √(s²/Sxx)
  const lam = 7.4 / 4.3, a = 0.6 - 0.2 * lam;
  const x = [1, -0.5, 1.5, 0, -1], y = [2, -1, 3, 0, -1];
  const rss = x.reduce((acc, xi, i) => acc + (y[i] - a - lam * xi) ** 2, 0);
  near(c.kyleT[0], lam / Math.sqrt(rss / 3 / 4.3), 1e-12);
  // interval [50, 100): its sub-intervals end after the last quote → no observations
  assert.equal(c.kyleObs[1], 0);
  assert.ok(Number.isNaN(c.kyleLambda[1]));
});

test("liquiditySummary: depth and imbalance from a book with level columns, time-weighted per interval", () => {
  const cols: { [k: string]: Float64Array } = { localTimestamp: f64([0, 10, 30]) };
  const bids = [[[100, 1], [99, 2]], [[100, 2], [99, 1]], [[100, 1], [99, 1]]];
  const asks = [[[101, 2], [102, 1]], [[101, 1], [102, 1]], [[101, 1], [102, 1]]];
  for (let i = 0; i < 2; i++) {
    cols[levelColumn("bid", "Price", i)] = f64(bids.map((r) => r[i][0]));
    cols[levelColumn("bid", "Amount", i)] = f64(bids.map((r) => r[i][1]));
    cols[levelColumn("ask", "Price", i)] = f64(asks.map((r) => r[i][0]));
    cols[levelColumn("ask", "Amount", i)] = f64(asks.map((r) => r[i][1]));
  }
  const s = liquiditySummary(trades, quotes, { intervalUs: 10, kyleIntervalUs: 1, book: new Frame(cols) });
  const c = s.columns as { [k: string]: Float64Array };
  assert.deepEqual(arr(c.bidDepth), [3, 3, 3, NaN]);
  assert.deepEqual(arr(c.askDepth), [3, 2, 2, NaN]);
  assert.deepEqual(arr(c.imbalance), [0, 0.2, 0.2, NaN]);
  assert.deepEqual(arr(c.topImbalance), [-1 / 3, 1 / 3, 1 / 3, NaN]);
});

test("liquiditySummary: bad options", () => {
  assert.throws(() => liquiditySummary(trades, quotes, { intervalUs: 0 }), ArgumentError);
  assert.throws(() => liquiditySummary(trades, quotes, { intervalUs: 10, kyleIntervalUs: 3 }), ArgumentError);
  assert.throws(() => liquiditySummary(trades, quotes, { intervalUs: 10, kyleIntervalUs: 1, horizonUs: -1 }), ArgumentError);
  assert.throws(() => liquiditySummary(trades, quotes, { intervalUs: 10, kyleIntervalUs: 1, kyleMinObs: 2 }), ArgumentError);
});

test("real BTCUSDT spot: one all-covering interval agrees with spreads() and timeWeightedQuotedSpread(); 1-minute table", async (t) => {
  const dir = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/";
  const tp = needData(t, dir + "binance_trades_BTCUSDT.csv.gz");
  const qp = needData(t, dir + "binance_book_ticker_BTCUSDT.csv.gz");
  if (!tp || !qp) return;
  const tr0 = await loadTardisTrades(tp);
  const q = await loadTardisQuotes(qp);
  const tr = tr0.withColumn("tradeOnLocal", exchangeTimesOnLocalClock(tr0).times);
  const opts = { tradeTime: "tradeOnLocal", horizonUs: 5e6 };
  const one = liquiditySummary(tr, q, { ...opts, intervalUs: 1e12 });
  assert.equal(one.length, 1);
  const sp = spreads(tr, q, { ...opts, horizonsUs: [5e6], perTrade: false });
  const aw = sp.summary.f64("amountWeightedBps");
  const c = one.columns as { [k: string]: Float64Array };
  near(c.effectiveBps[0], aw[1], 1e-10);
  near(c.realizedBps[0], aw[2], 1e-10);
  near(c.impactBps[0], aw[3], 1e-10);
  near(c.quotedBps[0], timeWeightedQuotedSpread(q).bps, 1e-10);
  assert.equal(c.trades[0], tr.length);
  const m = liquiditySummary(tr, q, { ...opts, intervalUs: 60e6, kyleIntervalUs: 1e6 });
  const mc = m.columns as { [k: string]: Float64Array };
  let total = 0;
  for (let i = 0; i < m.length; i++) total += mc.trades[i];
  assert.equal(total, tr.length);
  t.diagnostic("BTCUSDT 1-minute liquidity summary (exchange time on the local clock):");
  const table = m.select(["timestamp", "trades", "vwap", "quotedBps", "effectiveBps", "realizedBps", "impactBps", "kyleLambda", "kyleObs"]).toString(15);
  for (const line of table.split("\n")) t.diagnostic(line);
});
