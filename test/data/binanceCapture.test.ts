import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { loadBinanceCapture, localTimeToUs } from "../../src/data/binanceCapture";
import { DataError } from "../../src/errors";
import { needData } from "../helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-capture-"));
let fileNo = 0;
/** Writes capture lines to a temp file (gzip unless `plain`) and returns its path. */
function capture(lines: string[], plain = false): string {
  const p = path.join(tmp, `cap${fileNo++}${plain ? ".txt" : ".gz"}`);
  const text = lines.join("\n") + "\n";
  fs.writeFileSync(p, plain ? text : zlib.gzipSync(text));
  return p;
}
const BASE = 1723161254000; // epoch ms
/** Local time `t` ms after BASE as a 19-digit ns string, with 123456 ns below the ms. */
const ns = (t: number) => `${BASE + t}123456`;
/** The µs value the loader must give for `ns(t)`: floor(ns / 1000). */
const loc = (t: number) => (BASE + t) * 1000 + 123;
const trade = (t: number, id: number, p: string, q: string, m: boolean, T = 1723161255000) =>
  `${ns(t)} {"stream":"btcusdt@trade","data":{"e":"trade","E":${T},"s":"BTCUSDT","t":${id},"p":"${p}","q":"${q}","T":${T},"m":${m},"M":true}}`;
const diff = (t: number, U: number, u: number, b: [string, string][], a: [string, string][], E = 1723161255000) =>
  `${ns(t)} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":${E},"s":"BTCUSDT","U":${U},"u":${u},"b":${JSON.stringify(b)},"a":${JSON.stringify(a)}}}`;
const snap = (t: number, id: number, bids: [string, string][], asks: [string, string][]) =>
  `${ns(t)} {"lastUpdateId":${id},"bids":${JSON.stringify(bids)},"asks":${JSON.stringify(asks)}}`;
const ticker = (t: number, u: number, b: string, B: string, a: string, A: string) =>
  `${ns(t)} {"stream":"btcusdt@bookTicker","data":{"u":${u},"s":"BTCUSDT","b":"${b}","B":"${B}","a":"${a}","A":"${A}"}}`;

test("local time: 19-digit ns → µs exactly by floor (no float rounding); 16-digit µs as is", () => {
  assert.equal(localTimeToUs("1723161253937123456"), 1723161253937123);
  // floor, not round: ...999 ns still belongs to the same µs
  assert.equal(localTimeToUs("1723161253937123999"), 1723161253937123);
  // through a float this would be wrong: 1723161253937123456 / 1000 is not exact in float64
  assert.notEqual(Math.floor(Number("1723161253937123999") / 1000), 1723161253937123);
  assert.equal(localTimeToUs("1721749182850494"), 1721749182850494);
  assert.throws(() => localTimeToUs("1723161253937", "f.gz", 3), (e: unknown) => e instanceof DataError && /f\.gz:3/.test(e.message) && /13 digits/.test(e.message));
  assert.throws(() => localTimeToUs("17231612539371234x6"), DataError);
});

test("spot: trades, bookTicker, buffered pre-snapshot diff, stale diffs, chain; exact columns", async () => {
  const f = capture([
    diff(1000, 90, 95, [["100.00", "1"]], []), // stale: u <= 100
    diff(1001, 96, 100, [], [["101.00", "9"]]), // stale: u = lastUpdateId
    diff(1002, 101, 103, [["100.00", "2.5"]], [["101.00", "0"]]), // arrives before the snapshot; U <= 101 <= u → applied after it
    trade(1003, 500, "100.50", "0.1", false),
    snap(1004, 100, [["100.00", "3"], ["99.00", "4"]], [["101.00", "5"]]),
    ticker(1005, 103, "100.00", "2.5", "102.00", "1"),
    diff(1006, 104, 104, [["99.50", "1"]], [["102.00", "1"]]),
    trade(1007, 501, "100.00", "0.2", true),
    trade(1008, 504, "100.00", "0.3", true), // 2 ids missing
    trade(1009, 503, "100.00", "0.4", true), // not above the previous: dropped
  ]);
  const c = await loadBinanceCapture(f);
  assert.equal(c.symbol, "BTCUSDT");
  assert.equal(c.market, "spot");
  const tr = c.trades;
  assert.deepEqual([...tr.col("id")], [500, 501, 504]);
  assert.deepEqual([...tr.col("side")], [1, -1, -1]); // m=true → aggressor sold
  assert.deepEqual([...tr.col("price")], [100.5, 100, 100]);
  assert.deepEqual([...tr.col("timestamp")], [1723161255000000, 1723161255000000, 1723161255000000]);
  assert.deepEqual([...tr.col("localTimestamp")], [loc(1003), loc(1007), loc(1008)]);
  const kinds = Object.fromEntries(tr.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(kinds, { "trade-id-gap": 2, "duplicate-trade-id": 1 });
  // spot bookTicker: timestamp = local time
  assert.equal(c.quotes.length, 1);
  assert.equal(c.quotes.col("timestamp")[0], loc(1005));
  assert.equal(c.quotes.col("localTimestamp")[0], loc(1005));
  assert.equal(c.quotes.col("updateId")[0], 103);
  assert.deepEqual([c.quotes.col("bidPrice")[0], c.quotes.col("bidAmount")[0], c.quotes.col("askPrice")[0], c.quotes.col("askAmount")[0]], [100, 2.5, 102, 1]);
  // depth: snapshot (3 rows) + buffered diff (2 rows, local raised to the snapshot's) + later diff (2 rows)
  const d = c.depth;
  assert.deepEqual([...d.col("isSnapshot")], [1, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual([...d.col("side")], [1, 1, -1, 1, -1, 1, -1]);
  assert.deepEqual([...d.col("price")], [100, 99, 101, 100, 101, 99.5, 102]);
  assert.deepEqual([...d.col("amount")], [3, 4, 5, 2.5, 0, 1, 1]);
  assert.deepEqual([...d.col("updateId")], [100, 100, 100, 103, 103, 104, 104]);
  assert.deepEqual([...d.col("localTimestamp")], [loc(1004), loc(1004), loc(1004), loc(1004), loc(1004), loc(1006), loc(1006)]);
  assert.deepEqual([...d.col("timestamp")].slice(0, 3), [loc(1004), loc(1004), loc(1004)]); // spot snapshot: local time
  assert.equal(d.col("timestamp")[3], 1723161255000000); // diff: E µs
  const dk = Object.fromEntries(d.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(dk, { "stale-depth-diff": 2, "depth-diff-before-snapshot": 1 });
  assert.equal(d.report.rowsRead, 5); // 4 diff messages + 1 snapshot
  assert.equal(d.report.rowsKept, 7);
  assert.ok(d.report.issues[0].examples[0].endsWith(":1"));
});

test("spot: first diff after the snapshot must cover lastUpdateId+1; a break in U = prev u + 1 is a gap", async () => {
  const s = snap(1000, 100, [["1.0", "1"]], [["2.0", "1"]]);
  // first diff starts too late
  const f1 = capture([s, diff(1001, 102, 105, [], [])]);
  await assert.rejects(loadBinanceCapture(f1), (e: unknown) => e instanceof DataError && e.message.includes(`${f1}:2`) && /U = 102/.test(e.message));
  // later gap
  const f2 = capture([s, diff(1001, 101, 101, [["1.0", "2"]], []), diff(1002, 103, 104, [["1.0", "3"]], []), diff(1003, 105, 105, [["1.0", "4"]], [])]);
  await assert.rejects(loadBinanceCapture(f2), (e: unknown) => e instanceof DataError && e.message.includes(`${f2}:3`) && /depth-gap/.test(e.message));
  // continue: gap counted, diffs applied
  const cont = await loadBinanceCapture(f2, { onGap: "continue" });
  assert.deepEqual([...cont.depth.col("amount")], [1, 1, 2, 3, 4]);
  assert.equal(cont.depth.report.issues.find((i) => i.kind === "depth-gap")!.count, 1);
  // resync: diffs after the gap dropped (no later snapshot), counted
  const rs = await loadBinanceCapture(f2, { onGap: "resync" });
  assert.deepEqual([...rs.depth.col("amount")], [1, 1, 2]);
  const k = Object.fromEntries(rs.depth.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(k, { "depth-gap": 1, "depth-diff-without-snapshot": 2 });
  // resync with a later snapshot: buffered diffs resume under the sync rule
  const f3 = capture([s, diff(1001, 101, 101, [["1.0", "2"]], []), diff(1002, 103, 104, [["1.0", "3"]], []), diff(1003, 105, 105, [["1.0", "4"]], []), snap(1004, 104, [["1.0", "9"]], [["2.0", "9"]])]);
  const rs3 = await loadBinanceCapture(f3, { onGap: "resync" });
  assert.deepEqual([...rs3.depth.col("amount")], [1, 1, 2, 9, 9, 4]);
  assert.deepEqual([...rs3.depth.col("updateId")], [100, 100, 101, 104, 104, 105]);
  // repeated diff (u not above the last applied) is dropped and counted, not a gap
  const f4 = capture([s, diff(1001, 101, 102, [["1.0", "2"]], []), diff(1002, 101, 102, [["1.0", "2"]], []), diff(1003, 103, 103, [["1.0", "5"]], [])]);
  const c4 = await loadBinanceCapture(f4);
  assert.deepEqual([...c4.depth.col("amount")], [1, 1, 2, 5]);
  assert.equal(c4.depth.report.issues.find((i) => i.kind === "duplicate-depth-diff")!.count, 1);
});

test("usdm: sync by pu, u < lastUpdateId stale, u = lastUpdateId kept; bookTicker/depth timestamps from T", async () => {
  const udiff = (t: number, U: number, u: number, pu: number, b: [string, string][]) =>
    `${ns(t)} {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":2000,"T":1999,"s":"BTCUSDT","U":${U},"u":${u},"pu":${pu},"b":${JSON.stringify(b)},"a":[]}}`;
  const f = capture([
    udiff(1000, 80, 99, 70, [["10.0", "1"]]), // stale (u < 100)
    udiff(1001, 95, 100, 99, [["10.0", "2"]]), // U <= 100 <= u → first applied (buffered)
    `${ns(1002)} {"lastUpdateId":100,"E":1500,"T":1490,"bids":[["10.0","2"]],"asks":[["11.0","1"]]}`,
    `${ns(1003)} {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":100,"s":"BTCUSDT","b":"10.0","B":"2","a":"11.0","A":"1","T":1600,"E":1601}}`,
    udiff(1004, 107, 110, 100, [["10.0", "3"]]),
    udiff(1005, 115, 120, 111, [["10.0", "4"]]), // pu != 110: gap
    `${ns(1006)} {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":7,"p":"10","q":"1","X":"MARKET","m":false}}`,
    `${ns(1007)} {"stream":"btcusdt@trade","data":{"e":"trade","E":2,"T":2,"s":"BTCUSDT","t":8,"p":"10","q":"1","X":"INSURANCE_FUND","m":true}}`,
    `${ns(1008)} {"stream":"btcusdt@trade","data":{"e":"trade","E":3,"T":3,"s":"BTCUSDT","t":9,"p":"10","q":"1","X":"MARKET","m":true}}`,
  ]);
  await assert.rejects(loadBinanceCapture(f), (e: unknown) => e instanceof DataError && e.message.includes(`${f}:6`) && /pu = 111/.test(e.message));
  const c = await loadBinanceCapture(f, { onGap: "continue" });
  assert.equal(c.market, "usdm");
  assert.deepEqual([...c.depth.col("amount")], [2, 1, 2, 3, 4]);
  assert.deepEqual([...c.depth.col("isSnapshot")], [1, 1, 0, 0, 0]);
  assert.deepEqual([...c.depth.col("timestamp")], [1490000, 1490000, 1999000, 1999000, 1999000]);
  assert.deepEqual([...c.depth.col("localTimestamp")], [loc(1002), loc(1002), loc(1002), loc(1004), loc(1005)]);
  assert.equal(c.quotes.col("timestamp")[0], 1600000);
  const k = Object.fromEntries(c.depth.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(k, { "stale-depth-diff": 1, "depth-diff-before-snapshot": 1, "depth-gap": 1 });
  // the insurance-fund fill is dropped and counted, without a trade-id gap
  assert.deepEqual([...c.trades.col("id")], [7, 9]);
  assert.deepEqual(c.trades.report.issues.map((i) => [i.kind, i.count]), [["non-market-trade", 1]]);
});

test("several files read in order as one stream; plain text accepted; µs local times", async () => {
  const us = (t: number) => `${t}000`; // 16 digits for t with 13 digits
  const a = capture([
    `${us(1721749182850)} {"lastUpdateId": 7, "bids": [["1.2", "5"]], "asks": [["1.3", "6"]]}`,
    `${us(1721749182851)} {"stream":"nexousdt@trade","data":{"e":"trade","E":1,"s":"NEXOUSDT","t":10,"p":"1.25","q":"3","T":1721749182800,"m":false,"M":true}}`,
  ]);
  const b = capture(
    [
      `${us(1721749182900)} {"stream":"nexousdt@depth@100ms","data":{"e":"depthUpdate","E":1721749182890,"s":"NEXOUSDT","U":8,"u":9,"b":[],"a":[["1.3","0"]]}}`,
      `${us(1721749182901)} {"stream":"nexousdt@trade","data":{"e":"trade","E":1,"s":"NEXOUSDT","t":11,"p":"1.24","q":"1","T":1721749182899,"m":true,"M":true}}`,
    ],
    true,
  );
  const c = await loadBinanceCapture([a, b]);
  assert.equal(c.symbol, "NEXOUSDT");
  assert.deepEqual([...c.trades.col("id")], [10, 11]);
  assert.deepEqual([...c.trades.col("localTimestamp")], [1721749182851000, 1721749182901000]);
  assert.deepEqual([...c.depth.col("updateId")], [7, 7, 9]);
  assert.equal(c.depth.report.issues.length, 0);
  assert.equal(c.trades.report.issues.length, 0);
  assert.equal(c.report.rowsRead, 4);
  // reversed order: the diff comes before any snapshot → buffered, then applied after it (U = 8 = lastUpdateId + 1)
  const r = await loadBinanceCapture([b, a]);
  assert.deepEqual([...r.depth.col("updateId")], [7, 7, 9]);
  // its local time is later than the snapshot's, so nothing is raised; the decreasing local times and the
  // trade id going back (11 then 10) are counted
  const rk = Object.fromEntries(r.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(rk, { "local-time-decrease": 1, "duplicate-trade-id": 1 });
});

test("malformed input throws DataError naming file:line and field", async () => {
  const bad = capture([snap(1000, 1, [], []), `${ns(1001)} {"stream":"btcusdt@trade","data":{"t":1,`]);
  await assert.rejects(loadBinanceCapture(bad), (e: unknown) => e instanceof DataError && e.message.includes(`${bad}:2`) && /malformed JSON/.test(e.message));
  const noPrice = capture([`${ns(1001)} {"stream":"btcusdt@trade","data":{"t":1,"T":5,"q":"1","m":true}}`]);
  await assert.rejects(loadBinanceCapture(noPrice), (e: unknown) => e instanceof DataError && e.message.includes(`${noPrice}:1`) && /field "p"/.test(e.message));
  const badLevel = capture([snap(1000, 1, [["abc", "1"]], [])]);
  await assert.rejects(loadBinanceCapture(badLevel), (e: unknown) => e instanceof DataError && /field "bids"/.test(e.message));
  const noTime = capture([`{"lastUpdateId":1,"bids":[],"asks":[]}`]);
  await assert.rejects(loadBinanceCapture(noTime), (e: unknown) => e instanceof DataError && e.message.includes(`${noTime}:1`));
  await assert.rejects(loadBinanceCapture(path.join(tmp, "nope.gz")), /not found/);
});

test("unknown streams and other symbols are counted, not silently dropped", async () => {
  const f = capture([
    trade(1000, 1, "1", "1", false),
    `${ns(1001)} {"stream":"btcusdt@aggTrade","data":{"a":1}}`,
    `${ns(1002)} {"stream":"ethusdt@trade","data":{"e":"trade","t":9,"p":"1","q":"1","T":1,"m":true}}`,
  ]);
  const c = await loadBinanceCapture(f);
  assert.equal(c.trades.length, 1);
  const k = Object.fromEntries(c.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(k, { "unknown-stream": 1, "other-symbol": 1 });
  const e = await loadBinanceCapture(f, { symbol: "ETHUSDT" });
  assert.deepEqual([...e.trades.col("id")], [9]);
});

const SPOT = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/raw/";
const NEXO = "binance-spot-nexousdt-l2-trades-2024-07-23-to-25/raw/";
const USDM = "binance-usdm-btcusdt-ethusdt-l2-trades-2024-08-08/raw/";

function buys(side: Int8Array): number {
  let n = 0;
  for (let i = 0; i < side.length; i++) if (side[i] > 0) n++;
  return n;
}

test("real data: BTCUSDT spot, two files as one stream (SOURCES.md §1)", async (t) => {
  const a = needData(t, SPOT + "btcusdt_20240808.gz");
  const b = needData(t, SPOT + "btcusdt_20240809.gz");
  if (!a || !b) return;
  const c = await loadBinanceCapture([a, b]);
  assert.equal(c.market, "spot");
  assert.equal(c.trades.length, 19904);
  assert.equal(buys(c.trades.col("side")), 9093);
  const id = c.trades.col("id");
  assert.equal(id[0], 3735683259);
  assert.equal(id[id.length - 1], 3735703162);
  assert.equal(c.trades.report.issues.length, 0); // no gaps, no duplicates
  assert.equal(c.quotes.length, 73174);
  assert.equal(c.depth.length, 300094); // = the derived Tardis-format file's rows
  const k = Object.fromEntries(c.depth.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(k, { "stale-depth-diff": 2, "depth-diff-before-snapshot": 1 });
  assert.equal(c.report.rowsRead, 41249 + 58325);
  // the snapshot line's local time 1723161254206652067 ns → 1723161254206652 µs (floor, exact)
  assert.equal(c.depth.col("localTimestamp")[0], 1723161254206652);
  assert.equal(c.depth.col("updateId")[0], 50093239218);
  const lt = c.depth.col("localTimestamp");
  for (let i = 1; i < lt.length; i++) if (lt[i] < lt[i - 1]) assert.fail(`depth localTimestamp decreases at row ${i}`);
});

test("real data: ETHUSDT spot", async (t) => {
  const a = needData(t, SPOT + "ethusdt_20240808.gz");
  const b = needData(t, SPOT + "ethusdt_20240809.gz");
  if (!a || !b) return;
  const c = await loadBinanceCapture([a, b]);
  assert.equal(c.trades.length, 14515);
  assert.equal(buys(c.trades.col("side")), 7592);
  assert.equal(c.trades.col("id")[0], 1520538925);
  assert.equal(c.quotes.length, 58758);
  assert.equal(c.depth.length, 274752);
});

test("real data: NEXOUSDT spot, three files with µs local times", async (t) => {
  const fs3 = ["nexousdt_20240723.dat.gz", "nexousdt_20240724.dat.gz", "nexousdt_20240725.dat.gz"].map((f) => needData(t, NEXO + f));
  if (fs3.some((f) => !f)) return;
  const c = await loadBinanceCapture(fs3 as string[]);
  assert.equal(c.trades.length, 18817);
  assert.equal(c.trades.col("id")[0], 12792147);
  assert.equal(c.trades.report.issues.length, 0);
  assert.equal(c.quotes.length, 48992);
  assert.equal(c.depth.length, 202086);
  assert.equal(c.depth.report.issues.length, 0);
  assert.equal(c.depth.col("localTimestamp")[0], 1721749182850494); // first line's µs local time, as is
});

test("real data: BTCUSDT usdm", async (t) => {
  const a = needData(t, USDM + "btcusdt_20240808.gz");
  if (!a) return;
  const c = await loadBinanceCapture(a);
  assert.equal(c.market, "usdm");
  assert.equal(c.trades.length, 21313);
  assert.equal(c.trades.report.issues.length, 0);
  assert.equal(c.quotes.length, 66089);
  const k = Object.fromEntries(c.depth.report.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(k, { "stale-depth-diff": 4, "depth-diff-before-snapshot": 2 });
});
