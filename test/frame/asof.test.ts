import { test } from "node:test";
import assert from "node:assert/strict";
import { asofIndex, asofJoin } from "../../src/frame/asof";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";
import { seededUniform as rng } from "../helpers";


const f64 = (a: number[]) => Float64Array.from(a);

test("asofIndex: hand-worked example, ties take the last right row", () => {
  const L = f64([1, 5, 10, 15]);
  const R = f64([2, 5, 5, 12]);
  assert.deepEqual(Array.from(asofIndex(L, R, 0, true)), [-1, 2, 2, 3]);
  assert.deepEqual(Array.from(asofIndex(L, R, 0, false)), [-1, 0, 2, 3]);
  // lag 3: targets -2, 2, 7, 12
  assert.deepEqual(Array.from(asofIndex(L, R, 3, true)), [-1, 0, 2, 3]);
  assert.deepEqual(Array.from(asofIndex(L, R, 3, false)), [-1, -1, 2, 2]);
  assert.deepEqual(Array.from(asofIndex(f64([]), R)), []);
  assert.deepEqual(Array.from(asofIndex(L, f64([]))), [-1, -1, -1, -1]);
});

test("asofIndex equals a brute-force scan on random sorted times with duplicates", () => {
  const r = rng(7);
  for (let trial = 0; trial < 80; trial++) {
    const n = Math.floor(r() * 60);
    const m = Math.floor(r() * 60);
    const L = Float64Array.from({ length: n }, () => Math.floor(r() * 40)).sort();
    const R = Float64Array.from({ length: m }, () => Math.floor(r() * 40)).sort();
    const lag = Math.floor(r() * 4);
    for (const exact of [true, false]) {
      const got = asofIndex(L, R, lag, exact);
      for (let i = 0; i < n; i++) {
        let want = -1;
        for (let j = 0; j < m; j++) if (exact ? R[j] <= L[i] - lag : R[j] < L[i] - lag) want = j;
        assert.equal(got[i], want, `trial ${trial} row ${i} exact=${exact}`);
      }
    }
  }
});

test("asofIndex: unsorted or NaN times throw a DataError naming the frame and row", () => {
  assert.throws(() => asofIndex(f64([1, 3, 2]), f64([1])), (e: unknown) => e instanceof DataError && /left/.test(e.message) && /row 2/.test(e.message));
  assert.throws(() => asofIndex(f64([1]), f64([1, NaN])), (e: unknown) => e instanceof DataError && /right/.test(e.message) && /row 1 is NaN/.test(e.message));
  assert.throws(() => asofIndex(f64([1]), f64([1]), -1), ArgumentError);
  assert.throws(() => asofIndex(f64([1]), f64([1]), NaN), ArgumentError);
});

function sample() {
  const trades = new Frame({
    timestamp: f64([100, 200, 300, 400]),
    price: f64([10, 11, 12, 13]),
    side: Int8Array.from([1, -1, 1, -1]),
  });
  const quotes = new Frame({
    timestamp: f64([150, 200, 200, 390]),
    price: f64([9.5, 10.5, 10.6, 12.5]),
    bidAmount: f64([1, 2, 3, 4]),
    venue: ["a", "b", "c", "d"],
    flag: Int8Array.from([1, 0, 1, 0]),
  });
  return { trades, quotes };
}

test("asofJoin: columns, clash prefix, missing values, index column", () => {
  const { trades, quotes } = sample();
  const j = asofJoin(trades, quotes, { on: "timestamp", indexColumn: "quoteRow" });
  assert.deepEqual(j.names, ["timestamp", "price", "side", "right_price", "bidAmount", "venue", "flag", "quoteRow"]);
  assert.equal(j.columns.timestamp, trades.columns.timestamp, "left columns are shared, not copied");
  assert.deepEqual(Array.from(j.f64("right_price")), [NaN, 10.6, 10.6, 12.5]);
  assert.deepEqual(j.str("venue"), ["", "c", "c", "d"]);
  const flag = j.columns.flag;
  assert.ok(flag instanceof Float64Array, "integer right columns are widened to f64 so that no-match is NaN");
  assert.deepEqual(Array.from(flag), [NaN, 1, 1, 0]);
  const qi = j.columns.quoteRow;
  assert.ok(qi instanceof Int32Array);
  assert.deepEqual(Array.from(qi), [-1, 2, 2, 3]);
});

test("asofJoin: lagUs, strict matches, chosen columns, custom prefix, tolerance", () => {
  const { trades, quotes } = sample();
  const lagged = asofJoin(trades, quotes, { on: "timestamp", lagUs: 50, columns: ["price", "timestamp"], prefix: "q_" });
  // targets 50, 150, 250, 350
  assert.deepEqual(lagged.names, ["timestamp", "price", "side", "q_price", "q_timestamp"]);
  assert.deepEqual(Array.from(lagged.f64("q_timestamp")), [NaN, 150, 200, 200]);
  const strict = asofJoin(trades, quotes, { on: "timestamp", allowExactMatches: false, columns: ["bidAmount"] });
  assert.deepEqual(Array.from(strict.f64("bidAmount")), [NaN, 1, 3, 4]);
  const fresh = asofJoin(trades, quotes, { on: "timestamp", columns: ["bidAmount"], toleranceUs: 60 });
  // ages: none, 0, 100 (> 60: stale), 10
  assert.deepEqual(Array.from(fresh.f64("bidAmount")), [NaN, 3, NaN, 4]);
});

test("asofJoin: rightOn names a differently named right time column", () => {
  const left = new Frame({ t: f64([1, 2, 3]) });
  const right = new Frame({ localTimestamp: f64([2]), x: f64([7]) });
  const j = asofJoin(left, right, { on: "t", rightOn: "localTimestamp" });
  assert.deepEqual(j.names, ["t", "x"]);
  assert.deepEqual(Array.from(j.f64("x")), [NaN, 7, 7]);
});

test("asofJoin: errors name the frame, row and field", () => {
  const { trades, quotes } = sample();
  const badRight = new Frame({ timestamp: f64([1, 5, 3]), x: f64([0, 0, 0]) });
  assert.throws(
    () => asofJoin(trades, badRight, { on: "timestamp" }),
    (e: unknown) => e instanceof DataError && e.location.file === "right frame" && e.location.field === "timestamp" && /row 2 \(3\)/.test(e.message),
  );
  const badLeft = new Frame({ ts: f64([2, 1]) });
  assert.throws(() => asofJoin(badLeft, quotes, { on: "ts", rightOn: "timestamp" }), (e: unknown) => e instanceof DataError && e.location.file === "left frame");
  assert.throws(() => asofJoin(trades, quotes, { on: "nope" }), ArgumentError);
  assert.throws(() => asofJoin(trades, quotes, { on: "timestamp", columns: ["nope"] }), ArgumentError);
  assert.throws(() => asofJoin(trades, quotes, { on: "timestamp", lagUs: -1 }), ArgumentError);
  assert.throws(() => asofJoin(trades, quotes, { on: "timestamp", indexColumn: "price" }), ArgumentError);
  // prefixed name also taken
  const l2 = new Frame({ timestamp: f64([1]), price: f64([1]), right_price: f64([1]) });
  assert.throws(() => asofJoin(l2, quotes, { on: "timestamp", columns: ["price"] }), ArgumentError);
});

test("asofJoin: matched right time never exceeds the left time minus lag, and the next right row would", () => {
  const r = rng(11);
  let t = 1_723_161_253_937_123;
  const lt = Float64Array.from({ length: 2000 }, () => (t += Math.floor(r() * 300)));
  let u = 1_723_161_253_937_000;
  const rt = Float64Array.from({ length: 3000 }, () => (u += Math.floor(r() * 200)));
  const lag = 250;
  const j = asofJoin(new Frame({ timestamp: lt }), new Frame({ timestamp: rt }), { on: "timestamp", lagUs: lag, columns: ["timestamp"], indexColumn: "k" });
  const mt = j.f64("right_timestamp");
  const k = j.columns.k as Int32Array;
  for (let i = 0; i < lt.length; i++) {
    if (k[i] >= 0) {
      assert.ok(mt[i] <= lt[i] - lag);
      assert.equal(mt[i], rt[k[i]]);
    }
    if (k[i] + 1 < rt.length) assert.ok(rt[k[i] + 1] > lt[i] - lag);
  }
});
