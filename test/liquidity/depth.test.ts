import { test } from "node:test";
import assert from "node:assert/strict";
import { depthAtLevels, timeWeightedMean } from "../../src/liquidity/depth";
import { Frame } from "../../src/frame/frame";
import { levelColumn } from "../../src/data/schemas";
import { replayBook } from "../../src/data/book";
import { loadTardisBookL2 } from "../../src/data/tardis";
import { ArgumentError, DataError } from "../../src/errors";
import { needData } from "../helpers";

const f64 = (a: number[]) => Float64Array.from(a);
const arr = (a: ArrayLike<number>) => Array.from(a);

/** A 3-level book: rows[r] = [bids [[p, a]…], asks [[p, a]…]] (NaN for a missing level). */
function book(times: number[], rows: Array<[number[][], number[][]]>): Frame {
  const cols: { [k: string]: Float64Array } = { localTimestamp: f64(times) };
  for (let i = 0; i < 3; i++) {
    cols[levelColumn("bid", "Price", i)] = f64(rows.map((r) => r[0][i][0]));
    cols[levelColumn("bid", "Amount", i)] = f64(rows.map((r) => r[0][i][1]));
    cols[levelColumn("ask", "Price", i)] = f64(rows.map((r) => r[1][i][0]));
    cols[levelColumn("ask", "Amount", i)] = f64(rows.map((r) => r[1][i][1]));
  }
  return new Frame(cols);
}

const B = book([0, 10, 30], [
  [[[100, 1], [99, 2], [98, 3]], [[101, 2], [102, 1], [NaN, NaN]]],
  [[[100, 2], [99, 1], [NaN, NaN]], [[101, 1], [102, 1], [103, 2]]],
  [[[100, 1], [99, 1], [98, 1]], [[101, 1], [102, 1], [103, 1]]],
]);

test("depthAtLevels: hand-worked depth, quote-currency depth, imbalances (N = 2 and 3)", () => {
  const d2 = depthAtLevels(B, { levels: 2 });
  const c = d2.frame.columns;
  assert.deepEqual(arr(c.bidDepth), [3, 3, 2]);
  assert.deepEqual(arr(c.askDepth), [3, 2, 2]);
  assert.deepEqual(arr(c.bidDepthQuote), [298, 299, 199]);
  assert.deepEqual(arr(c.askDepthQuote), [304, 203, 203]);
  assert.deepEqual(arr(c.imbalance), [0, 1 / 5, 0]);
  assert.deepEqual(arr(c.topImbalance), [-1 / 3, 1 / 3, 0]);
  const d3 = depthAtLevels(B, { levels: 3 });
  assert.deepEqual(arr(d3.frame.columns.bidDepth), [6, 3, 3]);
  assert.deepEqual(arr(d3.frame.columns.askDepth), [3, 4, 3]);
  assert.deepEqual(arr(d3.frame.columns.askLevels), [2, 3, 3]);
  assert.deepEqual(arr(d3.frame.columns.imbalance), [1 / 3, -1 / 7, 0]);
});

test("depthAtLevels: time-weighted averages (each row until the next one) and the withinBps band", () => {
  const d = depthAtLevels(B, { levels: 2 });
  // weights 10, 20, 0 over [0, 30]
  assert.equal(d.timeWeighted.durationUs, 30);
  assert.equal(d.timeWeighted.bidDepth, 3);
  assert.equal(d.timeWeighted.askDepth, 70 / 30);
  assert.equal(d.timeWeighted.imbalance, (0.2 * 20) / 30);
  assert.ok(Math.abs(d.timeWeighted.topImbalance - 1 / 9) < 1e-15);
  const e = depthAtLevels(B, { levels: 2, endUs: 40 });
  assert.equal(e.timeWeighted.bidDepth, (3 * 10 + 3 * 20 + 2 * 10) / 40);
  // mid 100.5, ±100 bps = [99.495, 101.505]: only the best level on each side
  const w = depthAtLevels(B, { levels: 3, withinBps: 100 });
  assert.deepEqual(arr(w.frame.columns.bidDepth), [1, 2, 1]);
  assert.deepEqual(arr(w.frame.columns.askDepth), [2, 1, 1]);
});

test("depthAtLevels: swapping the sides flips both imbalances", () => {
  const cols: { [k: string]: Float64Array } = { localTimestamp: B.f64("localTimestamp") };
  for (let i = 0; i < 3; i++) {
    cols[levelColumn("bid", "Price", i)] = B.f64(levelColumn("bid", "Price", i));
    cols[levelColumn("ask", "Price", i)] = B.f64(levelColumn("ask", "Price", i));
    cols[levelColumn("bid", "Amount", i)] = B.f64(levelColumn("ask", "Amount", i));
    cols[levelColumn("ask", "Amount", i)] = B.f64(levelColumn("bid", "Amount", i));
  }
  const a = depthAtLevels(B, { levels: 2 }).frame.columns;
  const b = depthAtLevels(new Frame(cols), { levels: 2 }).frame.columns;
  for (let r = 0; r < 3; r++) {
    assert.equal(b.imbalance[r], -a.imbalance[r] + 0);
    assert.equal(b.topImbalance[r], -a.topImbalance[r] + 0);
  }
});

test("depthAtLevels: bad input", () => {
  assert.throws(() => depthAtLevels(B, { levels: 4 }), (e: unknown) => e instanceof ArgumentError && e.location.field === "bidPrice3");
  assert.throws(() => depthAtLevels(B, { levels: 0 }), ArgumentError);
  const unsorted = new Frame({ ...B.columns, localTimestamp: f64([0, 20, 10]) });
  assert.throws(() => depthAtLevels(unsorted, { levels: 1 }), (e: unknown) => e instanceof DataError && e.location.line === 3);
  assert.throws(() => timeWeightedMean([1, 2], [1], 0, 2), ArgumentError);
});

test("real BTCUSDT spot book (replayed L2, 5 levels): depth and imbalance are finite and consistent", async (t) => {
  const p = needData(t, "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/binance_incremental_book_L2_BTCUSDT.csv.gz");
  if (!p) return;
  const rb = replayBook(await loadTardisBookL2(p), { depth: 5 });
  const d = depthAtLevels(rb, { levels: 5 });
  const c = d.frame.columns;
  for (let r = 0; r < rb.length; r += 97) {
    assert.ok(c.bidDepth[r] >= rb.f64("bidAmount")[r]);
    assert.ok(Math.abs(c.imbalance[r]) <= 1);
  }
  const tw = d.timeWeighted;
  t.diagnostic(`BTCUSDT 5-level time-weighted depth: bid ${tw.bidDepth.toFixed(3)} BTC, ask ${tw.askDepth.toFixed(3)} BTC ` +
    `(${tw.bidDepthQuote.toFixed(0)} / ${tw.askDepthQuote.toFixed(0)} USDT), imbalance ${tw.imbalance.toFixed(3)}, top imbalance ${tw.topImbalance.toFixed(3)}`);
  assert.ok(tw.bidDepth > 0 && tw.askDepth > 0);
});
