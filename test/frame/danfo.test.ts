import { test } from "node:test";
import assert from "node:assert/strict";
import { danfoLoadTimeMs, danfoPrecision, fromDanfo, isoFromUs, toDanfo, usFromIso } from "../../src/frame/danfo";
import { Frame } from "../../src/frame/frame";
import { DataError } from "../../src/errors";
import { seededUniform as rng } from "../helpers";


const f64 = (a: number[]) => Float64Array.from(a);

function btcTrades() {
  return new Frame({
    timestamp: f64([1723161253937123, 1723161253937999, NaN]),
    price: f64([61837.63, 30000.59, 61837.5]),
    amount: f64([0.02, 0.048, 1]),
    side: Int8Array.from([-1, 1, 0]),
    symbol: ["BTCUSDT", "BTCUSDT", ""],
  });
}

/** Column-wise bit-identity (Object.is per element; same column kind). */
function assertBitIdentical(a: Frame, b: Frame) {
  assert.deepEqual(a.names, b.names);
  for (const n of a.names) {
    const x = a.columns[n];
    const y = b.columns[n];
    assert.equal(Object.getPrototypeOf(x), Object.getPrototypeOf(y), `column ${n} kind`);
    assert.equal(x.length, y.length);
    for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `column ${n} row ${i}: ${x[i]} vs ${y[i]}`);
  }
}

test("isoFromUs / usFromIso: exact in both directions", () => {
  assert.equal(isoFromUs(1723161253937123), "2024-08-08T23:54:13.937123Z");
  assert.equal(isoFromUs(0), "1970-01-01T00:00:00.000000Z");
  assert.equal(isoFromUs(-1), "1969-12-31T23:59:59.999999Z");
  assert.equal(isoFromUs(NaN), "");
  assert.equal(usFromIso("2024-08-08T23:54:13.937123Z"), 1723161253937123);
  assert.equal(usFromIso("2024-08-09T01:54:13.937123+02:00"), 1723161253937123);
  assert.equal(usFromIso("2024-08-08T23:54:13Z"), 1723161253000000);
  assert.equal(usFromIso("2024-08-08T23:54:13.5Z"), 1723161253500000);
  assert.equal(usFromIso("2024-08-08T23:54:13.937123000Z"), 1723161253937123);
  assert.ok(Number.isNaN(usFromIso("2024-08-09T00:34:13.9371234Z")), "sub-µs digits are not representable");
  assert.ok(Number.isNaN(usFromIso("2024-08-09T00:34:13")), "a time without a zone is ambiguous");
  assert.ok(Number.isNaN(usFromIso("")));
  const r = rng(1);
  for (let k = 0; k < 2000; k++) {
    const us = Math.floor((r() - 0.3) * 4e15); // 1843 … 2096
    assert.equal(usFromIso(isoFromUs(us)), us);
  }
});

test("danfoPrecision: int32 when it fits, else float32 with the count and max error", () => {
  assert.deepEqual(danfoPrecision(f64([1, -5, 2147483647])), { dtype: "int32", changed: 0, maxErr: 0 });
  const p = danfoPrecision(f64([61837.63, 0.5, NaN]));
  assert.equal(p.dtype, "float32");
  assert.equal(p.changed, 1);
  assert.equal(p.maxErr, Math.abs(Math.fround(61837.63) - 61837.63));
  assert.equal(Math.fround(61837.63), 61837.62890625);
  // epoch ms: beyond int32, so float32 (danfo's own guess, int32, would wrap it)
  const ms = danfoPrecision(f64([1704067200291]));
  assert.equal(ms.dtype, "float32");
  assert.equal(ms.changed, 1);
});

test("toDanfo: ISO timestamps, dtypes, and a precision warning per lossy column", () => {
  const warnings: string[] = [];
  const df = toDanfo(btcTrades(), { warn: (m) => warnings.push(m) });
  assert.deepEqual(df.columns, ["timestamp", "price", "amount", "side", "symbol"]);
  assert.deepEqual(df.dtypes, ["string", "float32", "float32", "int32", "string"]);
  assert.deepEqual(df.column("timestamp").values, ["2024-08-08T23:54:13.937123Z", "2024-08-08T23:54:13.937999Z", ""]);
  assert.equal(warnings.length, 2);
  const err = Math.max(Math.abs(Math.fround(61837.63) - 61837.63), Math.abs(Math.fround(30000.59) - 30000.59));
  assert.equal(Number(err.toPrecision(2)), 0.0011);
  assert.equal(
    warnings[0],
    `toDanfo: column "price": 2 of 3 values change under danfo's float32 (max abs error 0.0011); analytics must use the Frame`,
  );
  assert.match(warnings[1], /^toDanfo: column "amount": 2 of 3 values change/);
  assert.ok(danfoLoadTimeMs() > 0);
});

test("round trip: toDanfo → fromDanfo of an unchanged DataFrame is bit-identical (BTC price, µs timestamps)", () => {
  const src = btcTrades();
  const warnings: string[] = [];
  const df = toDanfo(src, { warn: () => undefined });
  const back = fromDanfo(df, { warn: (m) => warnings.push(m) });
  assert.equal(back, src, "the source Frame itself comes back");
  assertBitIdentical(back, src);
  assert.deepEqual(warnings, []);
  assert.equal(back.f64("price")[0], 61837.63);
  assert.equal(back.f64("timestamp")[0], 1723161253937123);

  // timestamps as numbers: a warning (float32 cannot hold epoch µs), still exact on the way back
  const w2: string[] = [];
  const df2 = toDanfo(src, { timestampsAs: "number", warn: (m) => w2.push(m) });
  assert.ok(w2.some((m) => m.startsWith(`toDanfo: column "timestamp": 2 of 3 values change`)));
  assertBitIdentical(fromDanfo(df2, { warn: () => undefined }), src);
});

test("fromDanfo of a DataFrame danfo computed: describe(), a filtered copy, an in-place change", () => {
  const src = btcTrades();
  const df = toDanfo(src, { warn: () => undefined });

  const w: string[] = [];
  const d = fromDanfo(df.describe(), { warn: (m) => w.push(m) });
  assert.deepEqual(d.names, ["index", "price", "amount", "side"]);
  assert.deepEqual(d.str("index"), ["count", "mean", "std", "min", "median", "max", "variance"]);
  assert.ok(d.columns.price instanceof Float64Array);
  assert.equal(d.f64("price")[0], 3);
  assert.equal(d.f64("price")[5], 61837.63, "danfo's describe keeps float64 cells");
  assert.equal(w.length, 1);
  assert.match(w[0], /computed by danfo.*float32.*analytics must use the Frame/);

  // filtered copy (index 1 only): timestamps parse back exactly, the index becomes a column
  const w2: string[] = [];
  const sub = fromDanfo(df.iloc({ rows: [1] }), { warn: (m) => w2.push(m) });
  assert.notEqual(sub, src);
  assert.deepEqual(sub.names, ["index", "timestamp", "price", "amount", "side", "symbol"]);
  assert.deepEqual(Array.from(sub.f64("index")), [1]);
  assert.equal(sub.f64("timestamp")[0], 1723161253937999);
  assert.equal(sub.f64("price")[0], 30000.59);
  assert.deepEqual(sub.str("symbol"), ["BTCUSDT"]);
  assert.equal(w2.length, 1);

  // changed in place (a NaN price filled): no longer the source
  const withNaN = new Frame({ price: f64([1.5, NaN]) });
  const df3 = toDanfo(withNaN, { warn: () => undefined });
  df3.fillNa(0, { inplace: true });
  const w3: string[] = [];
  const changed = fromDanfo(df3, { warn: (m) => w3.push(m) });
  assert.notEqual(changed, withNaN);
  assert.deepEqual(Array.from(changed.f64("price")), [1.5, 0]);
  assert.match(w3[0], /changed since toDanfo/);
});

test("danfo's tensor arithmetic really is float32 (why the Frame is the analytics surface)", () => {
  const src = new Frame({ price: f64([61837.63, 30000.59]) });
  const df = toDanfo(src, { warn: () => undefined });
  const sum = fromDanfo(df.add(0), { warn: () => undefined });
  assert.equal(sum.f64("price")[0], Math.fround(61837.63));
  assert.notEqual(sum.f64("price")[0], 61837.63);
});

test("fromDanfo: a malformed time string in a time column is a DataError naming the row", async () => {
  const dfd = await import("danfojs-node");
  const df = new dfd.DataFrame({ timestamp: ["2024-08-08T23:54:13.937123Z", "yesterday"] }, { dtypes: ["string"] });
  assert.throws(() => fromDanfo(df, { warn: () => undefined }), (e: unknown) => e instanceof DataError && e.location.field === "timestamp" && /row 1/.test(e.message));
});

test("round trip: a string column named timestamp stays text", () => {
  const src = new Frame({ timestamp: ["yesterday", "today"], v: f64([1, 2]) });
  assert.equal(fromDanfo(toDanfo(src, { warn: () => undefined }), { warn: () => undefined }), src);
});

test("toDanfo / fromDanfo: empty frame", () => {
  const src = new Frame({ timestamp: f64([]), price: f64([]) });
  const df = toDanfo(src, { warn: () => undefined });
  assert.deepEqual(df.shape, [0, 2]);
  assert.equal(fromDanfo(df, { warn: () => undefined }), src);
});
