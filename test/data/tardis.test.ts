import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { loadTardisBookL2, loadTardisBookSnapshot, loadTardisQuotes, loadTardisTrades } from "../../src/data/tardis";
import { closeDuckDB } from "../../src/data/duckdb";
import { lineAt, splitFields } from "../../src/data/csv";
import { levelColumn } from "../../src/data/schemas";
import { needData } from "../helpers";

const FIX = path.join(__dirname, "..", "fixtures", "tardis");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-tardis-"));
after(async () => {
  await closeDuckDB();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("loadTardisTrades: fixture values, sides, exact µs timestamps and ids, report from the file", async () => {
  const f = await loadTardisTrades(path.join(FIX, "trades_small.csv"));
  assert.deepEqual(f.names, ["timestamp", "localTimestamp", "price", "amount", "side", "id"]);
  assert.deepEqual(Array.from(f.f64("timestamp")), [1700000001250000, 1700000001500000, 1700000001500000, 1700000002000999]);
  assert.deepEqual(Array.from(f.f64("localTimestamp")), [1700000000000125, 1700000000250700, 1700000000250701, 1700000000750000]);
  assert.deepEqual(Array.from(f.f64("price")), [43210.57, 43210.58, 43209.1, 43211]);
  assert.deepEqual(Array.from(f.f64("amount")), [0.03, 0.125, 0.00007, 2.5]);
  assert.deepEqual(Array.from(f.col("side")), [-1, 1, 0, 1]);
  assert.deepEqual(Array.from(f.f64("id")), [500001, 500002, 500003, 500004]);
  assert.equal(f.report.symbol, "BTCUSDT");
  assert.equal(f.report.exchange, "binance");
  assert.deepEqual([f.report.rowsRead, f.report.rowsKept, f.report.issues.length], [4, 4, 0]);
  assert.ok((f.report.elapsedMs ?? -1) >= 0);
});

test("loadTardisTrades: gzip and a permuted column order give the same frame", async () => {
  const src = fs.readFileSync(path.join(FIX, "trades_small.csv"), "utf8");
  const gz = path.join(tmp, "trades.csv.gz");
  fs.writeFileSync(gz, zlib.gzipSync(Buffer.from(src)));
  // permute columns: reverse the field order of every line
  const perm = path.join(tmp, "trades_perm.csv");
  fs.writeFileSync(perm, src.trim().split("\n").map((l) => l.split(",").reverse().join(",")).join("\n") + "\n");
  const a = await loadTardisTrades(path.join(FIX, "trades_small.csv"));
  for (const p of [gz, perm]) {
    const b = await loadTardisTrades(p);
    for (const n of a.names) assert.deepEqual(Array.from(b.num(n)), Array.from(a.num(n)), `${p} ${n}`);
  }
});

test("loadTardisTrades: an empty or non-numeric id is kept as NaN and noted", async () => {
  const p = path.join(tmp, "noid.csv");
  fs.writeFileSync(p, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nx,Y,1,1,,buy,1,1\nx,Y,2,2,ab-7,sell,1,1\nx,Y,3,3,5,sell,1,1\n");
  const f = await loadTardisTrades(p);
  assert.deepEqual(Array.from(f.f64("id")), [NaN, NaN, 5]);
  const note = f.report.issues.find((i) => i.kind === "missing-trade-id");
  assert.ok(note && note.action === "note" && note.count === 2);
  assert.deepEqual(note.examples, [`${p}:2`, `${p}:3`]);
});

test("loadTardisBookL2: snapshot flags, sides, deletions kept, updateId NaN", async () => {
  const f = await loadTardisBookL2(path.join(FIX, "incremental_book_L2_small.csv"));
  assert.deepEqual(f.names, ["timestamp", "localTimestamp", "isSnapshot", "side", "price", "amount", "updateId"]);
  assert.deepEqual(Array.from(f.col("isSnapshot")), [1, 1, 0, 0]);
  assert.deepEqual(Array.from(f.col("side")), [1, -1, 1, -1]);
  assert.deepEqual(Array.from(f.f64("amount")), [2.75, 1.25, 0, 0.4]);
  assert.ok(Array.from(f.f64("updateId")).every(Number.isNaN));
  assert.equal(f.report.symbol, "BTCUSDT");
});

test("loadTardisQuotes: an empty book side is NaN; columns in schema order", async () => {
  const f = await loadTardisQuotes(path.join(FIX, "quotes_small.csv"));
  assert.deepEqual(f.names, ["timestamp", "localTimestamp", "updateId", "bidPrice", "bidAmount", "askPrice", "askAmount"]);
  assert.deepEqual(Array.from(f.f64("bidPrice")), [43210.57, 43210.57, 43210.57]);
  assert.deepEqual(Array.from(f.f64("askPrice")), [43210.58, NaN, 43210.58]);
  assert.deepEqual(Array.from(f.f64("askAmount")), [1.1, NaN, 0.7]);
  assert.deepEqual(f.report.issues, []);
});

test("loadTardisQuotes: a crossed quote is kept and noted", async () => {
  const p = path.join(tmp, "crossed.csv");
  fs.writeFileSync(p, "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\nx,Y,1,1,1,100,99,1\nx,Y,2,2,1,100,100.5,1\n");
  const f = await loadTardisQuotes(p);
  assert.equal(f.length, 2);
  assert.deepEqual(f.report.issues.map((i) => [i.kind, i.action, i.count, i.examples[0]]), [["crossed-quote", "note", 1, `${p}:3`]]);
});

test("loadTardisBookSnapshot: wide layout, best level first, missing levels NaN", async () => {
  const f = await loadTardisBookSnapshot(path.join(FIX, "book_snapshot_3_small.csv"));
  const expectedNames = ["timestamp", "localTimestamp"];
  for (let i = 0; i < 3; i++) {
    expectedNames.push(levelColumn("bid", "Price", i), levelColumn("bid", "Amount", i), levelColumn("ask", "Price", i), levelColumn("ask", "Amount", i));
  }
  assert.deepEqual(f.names, expectedNames);
  assert.deepEqual(Array.from(f.f64("timestamp")), [1600000000200000, 1600000000400000]);
  assert.deepEqual(Array.from(f.f64("bidPrice0")), [10499.5, 10499.5]);
  assert.deepEqual(Array.from(f.f64("bidAmount0")), [12000, 13000]);
  assert.deepEqual(Array.from(f.f64("askPrice2")), [10501, 10501.5]);
  assert.deepEqual(Array.from(f.f64("bidPrice2")), [10498.5, NaN]);
  assert.deepEqual(Array.from(f.f64("bidAmount2")), [20, NaN]);
  assert.equal(f.report.exchange, "deribit");
  assert.equal(f.report.symbol, "BTC-PERPETUAL");
  // property: at every row and level, bids are below asks and levels move away from the mid
  const n = f.length;
  for (let r = 0; r < n; r++) {
    assert.ok(f.f64("bidPrice0")[r] < f.f64("askPrice0")[r]);
    for (let i = 1; i < 3; i++) {
      const b = f.f64(levelColumn("bid", "Price", i))[r];
      if (!Number.isNaN(b)) assert.ok(b < f.f64(levelColumn("bid", "Price", i - 1))[r]);
      assert.ok(f.f64(levelColumn("ask", "Price", i))[r] > f.f64(levelColumn("ask", "Price", i - 1))[r]);
    }
  }
});

const SPOT = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format";

test("real data: BTCUSDT trades (19,904 rows, 9,093 buys, gap-free ids, cents intact)", async (t) => {
  const p = needData(t, `${SPOT}/binance_trades_BTCUSDT.csv.gz`);
  if (!p) return;
  const t0 = performance.now();
  const f = await loadTardisTrades(p);
  const ms = performance.now() - t0;
  console.log(`loadTardisTrades BTCUSDT: ${f.length} rows in ${ms.toFixed(1)} ms`);
  assert.equal(f.length, 19904);
  assert.deepEqual(f.report.issues, []);
  const side = f.col("side") as Int8Array;
  let buys = 0;
  for (let i = 0; i < f.length; i++) if (side[i] === 1) buys++;
  assert.equal(buys, 9093);
  assert.ok(side.every((s) => s === 1 || s === -1));
  const id = f.f64("id");
  assert.equal(id[0], 3735683259);
  assert.equal(id[f.length - 1], 3735703162);
  for (let i = 1; i < f.length; i++) assert.equal(id[i], id[i - 1] + 1);
  const px = f.f64("price");
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < px.length; i++) {
    lo = Math.min(lo, px[i]);
    hi = Math.max(hi, px[i]);
    // whole cents: the tick size is 0.01 and float64 keeps it
    assert.ok(Math.abs(px[i] * 100 - Math.round(px[i] * 100)) < 1e-6, `row ${i}: ${px[i]}`);
  }
  assert.ok(lo >= 61500 && lo < 61600, `min ${lo}`);
  assert.ok(hi >= 61800 && hi < 61900, `max ${hi}`);
  // a specific row: the parsed value is the correctly rounded double of the file's decimal string
  const row = 1234;
  const fields = splitFields((await lineAt(p, row + 2)) ?? "");
  assert.equal(px[row], Number(fields[6]));
  assert.equal(String(px[row]), fields[6]);
  assert.equal(f.f64("timestamp")[row], Number(fields[2]));
  const ts = f.f64("timestamp");
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i] >= ts[i - 1]);
});

test("real data: BTCUSDT quotes (73,174 rows) and incremental L2 (300,094 rows, first 2,000 snapshot)", async (t) => {
  const pq = needData(t, `${SPOT}/binance_book_ticker_BTCUSDT.csv.gz`);
  const pl = needData(t, `${SPOT}/binance_incremental_book_L2_BTCUSDT.csv.gz`);
  if (!pq || !pl) return;
  const q = await loadTardisQuotes(pq);
  assert.equal(q.length, 73174);
  assert.deepEqual(q.report.issues, []);
  const bid = q.f64("bidPrice");
  const ask = q.f64("askPrice");
  for (let i = 0; i < q.length; i++) assert.ok(ask[i] > bid[i]);
  assert.deepEqual(Array.from(q.f64("timestamp")), Array.from(q.f64("localTimestamp")));
  const t0 = performance.now();
  const l2 = await loadTardisBookL2(pl);
  const ms = performance.now() - t0;
  console.log(`loadTardisBookL2 BTCUSDT: ${l2.length} rows in ${ms.toFixed(1)} ms`);
  assert.equal(l2.length, 300094);
  assert.deepEqual(l2.report.issues, []);
  const snap = l2.col("isSnapshot") as Int8Array;
  let nSnap = 0;
  for (let i = 0; i < snap.length; i++) nSnap += snap[i];
  assert.equal(nSnap, 2000);
  assert.ok(snap.subarray(0, 2000).every((v) => v === 1));
  assert.equal(snap[2000], 0);
  const side = l2.col("side") as Int8Array;
  let bids = 0;
  for (let i = 0; i < 2000; i++) if (side[i] === 1) bids++;
  assert.equal(bids, 1000);
});

test("real data: NEXOUSDT trades (18,817 rows)", async (t) => {
  const p = needData(t, "binance-spot-nexousdt-l2-trades-2024-07-23-to-25/tardis-format/binance_trades_NEXOUSDT.csv.gz");
  if (!p) return;
  const f = await loadTardisTrades(p);
  assert.equal(f.length, 18817);
  assert.equal(f.report.symbol, "NEXOUSDT");
  const id = f.f64("id");
  assert.equal(id[0], 12792147);
  assert.equal(id[f.length - 1], 12810963);
});
