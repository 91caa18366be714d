import { test } from "node:test";
import assert from "node:assert/strict";
import { kyleLambda, kyleUnits } from "../../src/liquidity/kyle";
import { ols } from "../../src/frame/ols";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";
import { loadSpotCapture, SPOT_CAPTURES } from "./spotCapture";

const f64 = (a: number[]) => Float64Array.from(a);
const arr = (a: ArrayLike<number>) => Array.from(a);

// Mid at the interval boundaries 0, 10, …, 50: 100, 102, 101, 104, 104, 103 (quotes exactly at the boundaries)
const mids = [100, 102, 101, 104, 104, 103];
const quotes = new Frame({
  localTimestamp: f64([0, 10, 20, 30, 40, 50]),
  bidPrice: f64(mids.map((m) => m - 0.5)),
  askPrice: f64(mids.map((m) => m + 0.5)),
});
// signed flow per interval: +1; −0.5; +1 + 0.5; none; −1
const trades = new Frame({
  localTimestamp: f64([2, 12, 22, 25, 45]),
  price: f64([100, 102, 101, 101, 104]),
  amount: f64([1, 0.5, 1, 0.5, 1]),
  side: Int8Array.from([1, -1, 1, 1, -1]),
});

test("kyleLambda: hand-worked λ over 5 intervals (ΔM on signed volume, empty interval kept)", () => {
  const r = kyleLambda(trades, quotes, { intervalUs: 10, neweyWestLags: 1 });
  const iv = r.intervals.columns;
  assert.deepEqual(arr(iv.timestamp), [0, 10, 20, 30, 40]);
  assert.deepEqual(arr(iv.dMid), [2, -1, 3, 0, -1]);
  assert.deepEqual(arr(iv.flow), [1, -0.5, 1.5, 0, -1]);
  assert.deepEqual(arr(iv.trades), [1, 1, 2, 0, 1]);
  assert.equal(r.n, 5);
  // x̄ = 0.2, ȳ = 0.6, Sxx = 4.3, Sxy = 7.4 → λ = 7.4 / 4.3
  assert.ok(Math.abs(r.lambda - 7.4 / 4.3) < 1e-14);
  assert.ok(Math.abs(r.intercept - (0.6 - 0.2 * (7.4 / 4.3))) < 1e-14);
  const ref = ols([2, -1, 3, 0, -1], [[1, -0.5, 1.5, 0, -1]], { neweyWestLags: 1 });
  assert.equal(r.se, ref.se.classic[1]);
  assert.equal(r.seNW, ref.se.NW![1]);
  assert.equal(r.seHC1, ref.se.HC1[1]);
  assert.equal(r.t, r.lambda / r.se);
  assert.equal(r.r2, ref.r2);
  assert.equal(r.neweyWestLags, 1);
  assert.equal(r.units, "quote currency (price) per unit of base (signed base volume)");
  assert.deepEqual(r.dropped, { noQuote: 0, invalidQuote: 0, beyondQuotes: 0, empty: 0 });
  const d = kyleLambda(trades, quotes, { intervalUs: 10, dropEmpty: true });
  assert.equal(d.n, 4);
  assert.equal(d.dropped.empty, 1);
  assert.deepEqual(arr(d.intervals.columns.used), [1, 1, 1, 0, 1]);
});

test("kyleLambda: regressor variants (notional, √notional), log-return dependent, units", () => {
  const v = kyleLambda(trades, quotes, { intervalUs: 10 });
  const n = kyleLambda(trades, quotes, { intervalUs: 10, regressor: "notional" });
  assert.deepEqual(arr(n.intervals.columns.flow), [100, -51, 101 + 50.5, 0, -104]);
  const s = kyleLambda(trades, quotes, { intervalUs: 10, regressor: "sqrtNotional" });
  assert.deepEqual(arr(s.intervals.columns.flow), [10, -Math.sqrt(51), Math.sqrt(101) + Math.sqrt(50.5), 0, -Math.sqrt(104)]);
  const l = kyleLambda(trades, quotes, { intervalUs: 10, dependent: "logReturn" });
  assert.deepEqual(arr(l.intervals.columns.dMid), [Math.log(102 / 100), Math.log(101 / 102), Math.log(104 / 101), 0, Math.log(103 / 104)]);
  assert.ok(v.lambda > 0 && n.lambda > 0 && s.lambda > 0 && l.lambda > 0);
  assert.equal(kyleUnits("notional", "price"), "quote currency (price) per unit of quote currency (signed notional)");
  assert.equal(kyleUnits("sqrtNotional", "logReturn"), "log return per √(quote currency) (signed root notional)");
});

test("kyleLambda: reversing buy/sell labels flips the regressor and λ; scaling prices by c scales λ by c", () => {
  const a = kyleLambda(trades, quotes, { intervalUs: 10 });
  const b = kyleLambda(trades, quotes, { intervalUs: 10, side: Int8Array.from(trades.col("side") as Int8Array, (x) => -x) });
  assert.deepEqual(arr(b.intervals.columns.flow), arr(a.intervals.columns.flow).map((x) => -x + 0));
  assert.ok(Math.abs(b.lambda + a.lambda) < 1e-14);
  assert.ok(Math.abs(b.se - a.se) < 1e-14);
  const c = 4;
  const q4 = new Frame({ ...quotes.columns, bidPrice: Float64Array.from(quotes.f64("bidPrice"), (p) => c * p), askPrice: Float64Array.from(quotes.f64("askPrice"), (p) => c * p) });
  const s = kyleLambda(trades, q4, { intervalUs: 10 });
  assert.equal(s.lambda, c * a.lambda);
});

test("kyleLambda: intervals without a quote before them, or past the last quote, are dropped and counted", () => {
  const late = new Frame({ localTimestamp: f64([12, 20, 30, 40, 50]), bidPrice: f64([101.5, 100.5, 103.5, 103.5, 102.5]), askPrice: f64([102.5, 101.5, 104.5, 104.5, 103.5]) });
  // interval [0, 10) has no quote at its start; interval [40, 50) ends at 50 = last quote (kept)
  const r = kyleLambda(trades, late, { intervalUs: 10 });
  assert.equal(r.dropped.noQuote, 2); // [0,10) and [10,20) (no quote at or before 10)
  assert.equal(r.n, 3);
  const r2 = kyleLambda(trades, quotes, { intervalUs: 10, quoteEndUs: 45 });
  assert.equal(r2.dropped.beyondQuotes, 1);
  const few = kyleLambda(trades, quotes, { intervalUs: 10, startUs: 0, endUs: 15 });
  assert.equal(few.n, 2);
  assert.ok(Number.isNaN(few.lambda));
  assert.equal(few.fit, null);
});

test("kyleLambda: bad options and input", () => {
  assert.throws(() => kyleLambda(trades, quotes, { intervalUs: 0 }), ArgumentError);
  assert.throws(() => kyleLambda(trades, quotes, { intervalUs: 10, regressor: "x" as never }), ArgumentError);
  assert.throws(() => kyleLambda(trades.slice(0, 0), quotes, { intervalUs: 10 }), DataError);
  assert.throws(() => kyleLambda(trades.drop(["side"]), quotes, { intervalUs: 10 }), ArgumentError);
});

for (const [dir, sym] of SPOT_CAPTURES) {
  test(`real ${sym} spot: Kyle's lambda at 1 s, 5 s and 1 min is positive and significant at 1 s`, async (t) => {
    const cap = await loadSpotCapture(t, dir, sym);
    if (!cap) return;
    const al = cap.trades, q = cap.quotes;
    const parts: string[] = [];
    for (const I of [1e6, 5e6, 60e6]) {
      const r = kyleLambda(al, q, { intervalUs: I, tradeTime: "tradeOnLocal" });
      parts.push(`${I / 1e6} s: λ ${r.lambda.toPrecision(4)} (se ${r.se.toPrecision(3)}, NW(${r.neweyWestLags}) se ${r.seNW.toPrecision(3)}, R² ${r.r2.toFixed(3)}, n ${r.n})`);
      if (I === 1e6) {
        assert.ok(r.lambda > 0);
        assert.ok(r.tNW > 2, `NW t ${r.tNW}`);
      }
    }
    t.diagnostic(`${sym} Kyle λ [${kyleUnits("volume", "price")}]: ${parts.join("; ")}`);
  });
}
