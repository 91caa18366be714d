import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { intervalUs, loadBinanceKlines } from "../../src/data/binanceKlines";
import { closeDuckDB } from "../../src/data/duckdb";
import { ArgumentError, DataError } from "../../src/errors";
import { needData } from "../helpers";
import type { LoadIssue, LoadReport } from "../../src/data/loadReport";

const FIX = path.join(__dirname, "..", "fixtures", "klines");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-klines-"));
after(async () => {
  await closeDuckDB();
  fs.rmSync(tmp, { recursive: true, force: true });
});
const H = 3600e6; // one hour in µs
const issue = (f: { report: LoadReport }, kind: string): LoadIssue | undefined => f.report.issues.find((i) => i.kind === kind);

test("intervalUs: Binance interval strings in µs; months refused", () => {
  assert.equal(intervalUs("1s"), 1e6);
  assert.equal(intervalUs("15m"), 900e6);
  assert.equal(intervalUs("4h"), 4 * H);
  assert.equal(intervalUs("1d"), 24 * H);
  assert.equal(intervalUs("1w"), 7 * 24 * H);
  assert.throws(() => intervalUs("1M"), ArgumentError);
  assert.throws(() => intervalUs("h1"), ArgumentError);
});

test("official 12-column CSV, no header, ms times → µs; symbol from the file name", async () => {
  const f = await loadBinanceKlines(path.join(FIX, "BTCUSDT-1m-2024-01-01.csv"));
  assert.equal(f.length, 3);
  assert.deepEqual(Array.from(f.f64("timestamp")), [1704067200000000, 1704067260000000, 1704067320000000]);
  assert.deepEqual(Array.from(f.f64("closeTime")), [1704067259999000, 1704067319999000, 1704067379999000]);
  const r = f.toRecords(1)[0];
  assert.deepEqual(
    [r.open, r.high, r.low, r.close, r.volume, r.quoteVolume, r.trades, r.takerBuyVolume, r.takerBuyQuoteVolume],
    [42000.5, 42010, 41995.25, 42005.75, 12.5, 525071.875, 1000, 6.25, 262535.9375],
  );
  assert.equal(f.report.symbol, "BTCUSDT");
  assert.deepEqual(f.report.issues, []);
  // property: every candle closes 1 ms before the next opens
  const ts = f.f64("timestamp");
  const ct = f.f64("closeTime");
  for (let i = 0; i + 1 < f.length; i++) assert.equal(ct[i], ts[i + 1] - 1000);
});

test("official 12-column CSV with header and µs times (Binance since 2025): no ×1000", async () => {
  const f = await loadBinanceKlines(path.join(FIX, "BTCUSDT-1m-2025-01-01.csv"));
  assert.deepEqual(Array.from(f.f64("timestamp")), [1735689600000000, 1735689660000000]);
  assert.deepEqual(Array.from(f.f64("closeTime")), [1735689659999999, 1735689719999999]);
  assert.deepEqual(Array.from(f.f64("trades")), [1500, 1400]);
});

test("ms and µs rows of the same candle load to the same open time", async () => {
  const row = (t: number, c: number) => `${t},1,2,0.5,1.5,10,${c},15,3,4,6,0`;
  const p = path.join(tmp, "mixed-units.csv");
  fs.writeFileSync(p, [row(1704067200000, 1704067259999), row(1704067260000000, 1704067319999999)].join("\n") + "\n");
  const f = await loadBinanceKlines(p);
  assert.deepEqual(Array.from(f.f64("timestamp")), [1704067200000000, 1704067260000000]);
});

test("6-column layout: interval inferred as the modal spacing, closeTime = open + interval − 1 ms, gaps noted", async () => {
  const f = await loadBinanceKlines(path.join(FIX, "six_columns.csv"));
  const ts = f.f64("timestamp");
  assert.deepEqual(Array.from(ts), [1704067200000000, 1704067200000000 + H, 1704067200000000 + 3 * H, 1704067200000000 + 4 * H]);
  assert.deepEqual(Array.from(f.f64("closeTime")), Array.from(ts, (t) => t + H - 1000));
  assert.ok(Array.from(f.f64("quoteVolume")).every(Number.isNaN));
  assert.match(issue(f, "interval-inferred")!.message, /interval 1h inferred/);
  const gap = issue(f, "gap")!;
  assert.equal(gap.count, 1);
});

test("an explicit interval overrides inference", async () => {
  const f = await loadBinanceKlines(path.join(FIX, "six_columns.csv"), { interval: "30m" });
  const ts = f.f64("timestamp");
  assert.deepEqual(Array.from(f.f64("closeTime")), Array.from(ts, (t) => t + H / 2 - 1000));
  assert.equal(issue(f, "interval-inferred"), undefined);
  assert.ok(issue(f, "close-time-from-interval"));
  // at 30m, the 1h steps each miss one candle and the 2h step misses three
  assert.equal(issue(f, "gap")!.count, 5);
  await assert.rejects(loadBinanceKlines(path.join(FIX, "six_columns.csv"), { interval: "1M" }), ArgumentError);
});

test("named hourly layout: naive UTC dates, symbol from the ticker column, gap counted", async () => {
  const f = await loadBinanceKlines(path.join(FIX, "hourly_named.csv"));
  assert.deepEqual(Array.from(f.f64("timestamp")), [Date.UTC(2021, 3, 4, 20), Date.UTC(2021, 3, 4, 21), Date.UTC(2021, 3, 4, 23)].map((ms) => ms * 1000));
  assert.equal(f.f64("closeTime")[0], Date.UTC(2021, 3, 4, 20, 59, 59, 999) * 1000);
  assert.equal(f.report.symbol, "BTCUSDT");
  assert.equal(issue(f, "gap")!.count, 1);
  assert.equal(f.f64("open")[0], 50000.1);
});

test("Kaggle daily layout: date-string open time, close time with milliseconds, quote volume", async () => {
  const f = await loadBinanceKlines(path.join(FIX, "daily_kaggle.csv"));
  assert.deepEqual(Array.from(f.f64("timestamp")), [Date.UTC(2018, 0, 1) * 1000, Date.UTC(2018, 0, 2) * 1000]);
  assert.deepEqual(Array.from(f.f64("closeTime")), [1514851199999000, 1514937599999000]);
  assert.deepEqual(Array.from(f.f64("quoteVolume")), [14107050.25, 29100000.5]);
  assert.deepEqual(Array.from(f.f64("trades")), [100000, 150000]);
  assert.deepEqual(f.report.issues, []);
});

test("inconsistent OHLC is kept and noted; a repeated open time is dropped and counted", async () => {
  const p = path.join(tmp, "ohlc.csv");
  fs.writeFileSync(p, ["1704067200000,10,9,8,9.5,1", "1704070800000,10,11,9,10.5,1", "1704070800000,10,11,9,10.5,1", "1704074400000,10,11,9,10.5,1"].join("\n") + "\n");
  const f = await loadBinanceKlines(p);
  assert.equal(f.length, 3);
  const inc = issue(f, "ohlc-inconsistent")!;
  assert.deepEqual([inc.count, inc.action, inc.examples[0]], [1, "note", `${p}:1`]);
  const dup = issue(f, "duplicate-candle")!;
  assert.deepEqual([dup.count, dup.action, dup.examples[0]], [1, "dropped", `${p}:3`]);
  await assert.rejects(loadBinanceKlines(p, { strict: true }), (e: unknown) => e instanceof DataError && e.location.line === 3);
});

test("unsorted candles: DataError at the first line out of order, or a stable sort", async () => {
  const p = path.join(tmp, "unsorted.csv");
  fs.writeFileSync(p, ["1704070800000,10,11,9,10.5,1", "1704067200000,10,11,9,10.5,2", "1704074400000,10,11,9,10.5,3"].join("\n") + "\n");
  await assert.rejects(loadBinanceKlines(p), (e: unknown) => e instanceof DataError && e.location.line === 2 && /not in time order/.test(e.message));
  const f = await loadBinanceKlines(p, { sort: true });
  assert.deepEqual(Array.from(f.f64("volume")), [2, 1, 3]);
  const rep = issue(f, "unsorted-timestamp")!;
  assert.deepEqual([rep.count, rep.action], [1, "repaired"]);
});

test("wrong layouts are DataErrors at line 1", async () => {
  const p1 = path.join(tmp, "five.csv");
  fs.writeFileSync(p1, "1704067200000,1,2,3,4\n");
  await assert.rejects(loadBinanceKlines(p1), (e: unknown) => e instanceof DataError && e.location.line === 1 && /found 5/.test(e.message));
  const p2 = path.join(tmp, "named.csv");
  fs.writeFileSync(p2, "date,open,high,low,close,vol\n2021-01-01 00:00:00,1,1,1,1,1\n");
  await assert.rejects(loadBinanceKlines(p2), (e: unknown) => e instanceof DataError && /missing: volume/.test(e.message) && /unexpected: vol/.test(e.message));
});

test("real data: BTCUSDT_1h has 23,988 candles from 2021-04-04 20:00Z, 12 missing hours", async (t) => {
  const p = needData(t, "binance-spot-klines-1h-2021-04-to-2023-12/BTCUSDT_1h.csv.gz");
  if (!p) return;
  const f = await loadBinanceKlines(p);
  assert.equal(f.length, 23988);
  assert.equal(f.report.symbol, "BTCUSDT");
  const ts = f.f64("timestamp");
  assert.equal(ts[0], Date.UTC(2021, 3, 4, 20) * 1000);
  assert.equal(ts[f.length - 1], Date.UTC(2023, 11, 30, 19) * 1000);
  // span in hours + 1 = candles present + candles missing
  const gap = issue(f, "gap")!;
  assert.equal(gap.count, 12);
  assert.equal((ts[f.length - 1] - ts[0]) / H + 1, f.length + gap.count);
  assert.equal(f.f64("closeTime")[0], ts[0] + H - 1000);
  assert.ok(Array.from(f.f64("quoteVolume")).every(Number.isNaN));
});

test("real data: the BTC daily file has 2,594 candles with quote volume", async (t) => {
  const p = needData(t, "binance-spot-btcusdt-klines-1d-2018-to-2025/btc_1d_data_2018_to_2025.csv");
  if (!p) return;
  const f = await loadBinanceKlines(p);
  assert.equal(f.length, 2594);
  assert.deepEqual(f.report.issues, []);
  const ts = f.f64("timestamp");
  assert.equal(ts[0], Date.UTC(2018, 0, 1) * 1000);
  assert.equal(ts[f.length - 1], Date.UTC(2025, 1, 6) * 1000);
  const qv = f.f64("quoteVolume");
  const v = f.f64("volume");
  const lo = f.f64("low");
  const hi = f.f64("high");
  for (let i = 0; i < f.length; i++) {
    assert.ok(Number.isFinite(qv[i]) && qv[i] > 0);
    // the quote volume lies between volume × low and volume × high
    assert.ok(qv[i] >= v[i] * lo[i] * (1 - 1e-9) && qv[i] <= v[i] * hi[i] * (1 + 1e-9), `row ${i}`);
  }
});
