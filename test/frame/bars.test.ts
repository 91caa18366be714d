import { test } from "node:test";
import assert from "node:assert/strict";
import { BAR_COLUMNS, timeBars } from "../../src/frame/bars";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";
import { seededUniform as rng } from "../helpers";


const f64 = (a: number[]) => Float64Array.from(a);
const MIN = 60e6;

function trades(t: number[], p: number[], a: number[], s: number[]) {
  return new Frame({ timestamp: f64(t), price: f64(p), amount: f64(a), side: Int8Array.from(s) });
}

test("timeBars: hand-worked one-minute bars", () => {
  // minute 0: prices 1, 3, 2 (amounts 1, 1, 2); minute 1: 5 at exactly 60 s (bar start is inclusive); minute 3: 4.
  const tr = trades([0, 10, 59_999_999, 60_000_000, 200_000_000], [1, 3, 2, 5, 4], [1, 1, 2, 1, 1], [1, -1, 1, 0, -1]);
  const b = timeBars(tr, { intervalUs: MIN });
  assert.deepEqual(b.names, [...BAR_COLUMNS]);
  const c = b.columns;
  assert.deepEqual(Array.from(c.timestamp), [0, 60e6, 180e6]);
  assert.deepEqual(Array.from(c.open), [1, 5, 4]);
  assert.deepEqual(Array.from(c.high), [3, 5, 4]);
  assert.deepEqual(Array.from(c.low), [1, 5, 4]);
  assert.deepEqual(Array.from(c.close), [2, 5, 4]);
  assert.deepEqual(Array.from(c.volume), [4, 1, 1]);
  assert.deepEqual(Array.from(c.quoteVolume), [1 + 3 + 4, 5, 4]);
  assert.deepEqual(Array.from(c.vwap), [2, 5, 4]);
  assert.deepEqual(Array.from(c.trades), [3, 1, 1]);
  assert.deepEqual(Array.from(c.buyVolume), [3, 0, 0], "side 0 (unknown) counts in volume only");
  assert.deepEqual(Array.from(c.sellVolume), [1, 0, 1]);
});

test("timeBars: fillEmpty gives NaN OHLC and zero volume; ffillClose carries the close", () => {
  const tr = trades([0, 10, 59_999_999, 60_000_000, 200_000_000], [1, 3, 2, 5, 4], [1, 1, 2, 1, 1], [1, -1, 1, 0, -1]);
  const f = timeBars(tr, { intervalUs: MIN, fillEmpty: true }).columns;
  assert.deepEqual(Array.from(f.timestamp), [0, 60e6, 120e6, 180e6]);
  assert.deepEqual(Array.from(f.open), [1, 5, NaN, 4]);
  assert.deepEqual(Array.from(f.close), [2, 5, NaN, 4]);
  assert.deepEqual(Array.from(f.vwap), [2, 5, NaN, 4]);
  assert.deepEqual(Array.from(f.volume), [4, 1, 0, 1]);
  assert.deepEqual(Array.from(f.trades), [3, 1, 0, 1]);
  assert.deepEqual(Array.from(f.buyVolume), [3, 0, 0, 0]);
  const g = timeBars(tr, { intervalUs: MIN, ffillClose: true }).columns;
  assert.deepEqual(Array.from(g.timestamp), [0, 60e6, 120e6, 180e6], "ffillClose implies fillEmpty");
  for (const k of ["open", "high", "low", "close"] as const) assert.equal(g[k][2], 5);
  assert.ok(Number.isNaN(g.vwap[2]));
  assert.equal(g.volume[2], 0);
});

test("timeBars: originUs shifts the grid, including for times before the origin", () => {
  const tr = trades([-1, 0, 29_999_999, 30_000_000, 89_999_999, 90_000_000], [1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]);
  const b = timeBars(tr, { intervalUs: MIN, originUs: 30e6 }).columns;
  assert.deepEqual(Array.from(b.timestamp), [-30e6, 30e6, 90e6]);
  assert.deepEqual(Array.from(b.trades), [3, 2, 1]);
  assert.deepEqual(Array.from(b.close), [3, 5, 6]);
});

test("timeBars: the bar boundary is exact for large epoch-µs times and many intervals", () => {
  for (const I of [1, 7, 1000, 1e6, 60e6, 3_600e6, 86_400e6]) {
    for (const start of [1_723_161_240_000_000, 1_704_067_200_000_000, 4_000_000_000_000_000]) {
      const s = Math.floor(start / I) * I; // a bar start (exact: start and I are integers < 2^53)
      const tr = trades([s - 1, s, s + I - 1, s + I], [1, 2, 3, 4], [1, 1, 1, 1], [1, 1, 1, 1]);
      const b = timeBars(tr, { intervalUs: I }).columns;
      if (I === 1) {
        assert.deepEqual(Array.from(b.timestamp), [s - 1, s, s + 1]);
      } else {
        assert.deepEqual(Array.from(b.timestamp), [s - I, s, s + I], `interval ${I} start ${s}`);
        assert.deepEqual(Array.from(b.trades), [1, 2, 1]);
      }
    }
  }
});

test("timeBars equals a naive group-by on random trades, and conserves volume and counts", () => {
  const r = rng(3);
  for (let trial = 0; trial < 20; trial++) {
    const n = 1 + Math.floor(r() * 400);
    let t = 1_723_161_253_937_123 + Math.floor(r() * 1e6);
    const ts: number[] = [], ps: number[] = [], as: number[] = [], ss: number[] = [];
    for (let i = 0; i < n; i++) {
      t += r() < 0.2 ? 0 : Math.floor(r() * 3e6);
      ts.push(t);
      ps.push(Math.round((60000 + r() * 100) * 100) / 100);
      as.push(Math.round(r() * 1e5) / 1e5);
      ss.push(r() < 0.45 ? 1 : r() < 0.9 ? -1 : 0);
    }
    const I = [1e6, 5e6, 60e6][trial % 3];
    const origin = trial % 2 === 0 ? 0 : 123_456;
    const b = timeBars(trades(ts, ps, as, ss), { intervalUs: I, originUs: origin, fillEmpty: trial % 4 === 0 });
    // naive reference
    const groups = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const k = origin + Math.floor((ts[i] - origin) / I) * I;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(i);
    }
    const c = b.columns;
    let row = 0;
    for (let j = 0; j < b.length; j++) {
      const rows = groups.get(c.timestamp[j]);
      if (rows === undefined) {
        assert.equal(c.trades[j], 0);
        assert.ok(Number.isNaN(c.open[j]));
        continue;
      }
      row++;
      assert.equal(c.open[j], ps[rows[0]]);
      assert.equal(c.close[j], ps[rows[rows.length - 1]]);
      assert.equal(c.high[j], Math.max(...rows.map((i) => ps[i])));
      assert.equal(c.low[j], Math.min(...rows.map((i) => ps[i])));
      assert.equal(c.trades[j], rows.length);
      const vol = rows.reduce((s, i) => s + as[i], 0);
      assert.ok(Math.abs(c.volume[j] - vol) <= 1e-12 * Math.max(1, vol));
      const buy = rows.reduce((s, i) => s + (ss[i] > 0 ? as[i] : 0), 0);
      assert.ok(Math.abs(c.buyVolume[j] - buy) <= 1e-12 * Math.max(1, vol));
      if (c.volume[j] > 0) assert.ok(c.vwap[j] >= c.low[j] - 1e-9 && c.vwap[j] <= c.high[j] + 1e-9);
      if (j > 0) assert.ok(c.timestamp[j] > c.timestamp[j - 1]);
    }
    assert.equal(row, groups.size, "every group appears once");
    assert.equal(c.trades.reduce((s, x) => s + x, 0), n);
  }
});

test("timeBars: without a side column buy/sell volumes are NaN; empty input gives an empty frame", () => {
  const tr = new Frame({ timestamp: f64([0, 1]), price: f64([1, 2]), amount: f64([1, 1]) });
  const b = timeBars(tr, { intervalUs: 10 }).columns;
  assert.deepEqual(Array.from(b.buyVolume), [NaN]);
  assert.deepEqual(Array.from(b.volume), [2]);
  const e = timeBars(new Frame({ timestamp: f64([]), price: f64([]), amount: f64([]) }), { intervalUs: 10, fillEmpty: true });
  assert.equal(e.length, 0);
  assert.deepEqual(e.names, [...BAR_COLUMNS]);
});

test("timeBars: timeColumn selects another time column", () => {
  const tr = new Frame({ timestamp: f64([0, 0]), localTimestamp: f64([5, 15]), price: f64([1, 2]), amount: f64([1, 1]) });
  assert.deepEqual(Array.from(timeBars(tr, { intervalUs: 10, timeColumn: "localTimestamp" }).columns.timestamp), [0, 10]);
});

test("timeBars: bad input throws with the row and field", () => {
  const un = trades([0, 5, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1]);
  assert.throws(() => timeBars(un, { intervalUs: 10 }), (e: unknown) => e instanceof DataError && e.location.field === "timestamp" && /row 2/.test(e.message));
  const nanT = trades([0, NaN], [1, 1], [1, 1], [1, 1]);
  assert.throws(() => timeBars(nanT, { intervalUs: 10 }), (e: unknown) => e instanceof DataError && /row 1 timestamp is NaN/.test(e.message));
  const badP = trades([0, 1], [1, NaN], [1, 1], [1, 1]);
  assert.throws(() => timeBars(badP, { intervalUs: 10 }), (e: unknown) => e instanceof DataError && e.location.field === "price");
  const badA = trades([0, 1], [1, 1], [1, -2], [1, 1]);
  assert.throws(() => timeBars(badA, { intervalUs: 10 }), (e: unknown) => e instanceof DataError && e.location.field === "amount");
  const ok = trades([0, 1], [1, 1], [1, 1], [1, 1]);
  assert.throws(() => timeBars(ok, { intervalUs: 0 }), ArgumentError);
  assert.throws(() => timeBars(ok, { intervalUs: NaN }), ArgumentError);
  const wide = trades([0, 1e12], [1, 1], [1, 1], [1, 1]);
  assert.throws(() => timeBars(wide, { intervalUs: 1, fillEmpty: true }), ArgumentError);
});
