/**
 * Bad input for the bulk loaders: every case is generated here into a temp dir. Each must end in a
 * located DataError or in a counted drop / repair, never in a silent change.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { loadTardisBookL2, loadTardisBookSnapshot, loadTardisQuotes, loadTardisTrades } from "../../src/data/tardis";
import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { closeDuckDB } from "../../src/data/duckdb";
import { GZIP_TRUNCATED } from "../../src/data/csv";
import { DataError, FileNotFoundError } from "../../src/errors";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-bad-"));
after(async () => {
  await closeDuckDB();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const HEADER = "exchange,symbol,timestamp,local_timestamp,id,side,price,amount";
/** A valid trade line: time t (µs), id. */
const trade = (t: number, id: number, side = "buy", price = "61837.63", amount = "0.5") =>
  `binance,BTCUSDT,${t},${t - 1000},${id},${side},${price},${amount}`;
function file(name: string, lines: string[], gzip = false): string {
  const p = path.join(tmp, name);
  const text = lines.join("\n") + "\n";
  fs.writeFileSync(p, gzip ? zlib.gzipSync(Buffer.from(text)) : text);
  return p;
}
function good(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(trade(1_700_000_000_000_000 + i * 1000, 100 + i));
  return out;
}
/** Asserts a DataError located at file:line [field] whose message matches `re`. */
function located(p: string, line: number | undefined, field: string | undefined, re: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.equal(e.location.file, p);
    assert.equal(e.location.line, line);
    assert.equal(e.location.field, field);
    assert.match(e.message, re);
    if (line !== undefined) assert.ok(e.message.startsWith(`${p}:${line}`), e.message);
    return true;
  };
}

test("malformed line: too few fields → DataError with file:line and the first missing field", async () => {
  const lines = [HEADER, ...good(3), "binance,BTCUSDT,1700000000004000,1700000000003000,104,buy,61837.63", ...good(2)];
  for (const gz of [false, true]) {
    const p = file(`short${gz ? ".csv.gz" : ".csv"}`, lines, gz);
    await assert.rejects(loadTardisTrades(p), located(p, 5, "amount", /expected 8 fields .* found 7/));
  }
});

test("malformed line: too many fields → DataError at the line", async () => {
  const p = file("long.csv", [HEADER, ...good(2), trade(1_700_000_000_009_000, 9) + ",extra"]);
  await assert.rejects(loadTardisTrades(p), located(p, 4, "#9", /expected 8 fields .* found 9/));
});

test("malformed line: non-numeric price → DataError naming the field and the value", async () => {
  const p = file("nonnum.csv", [HEADER, ...good(4), trade(1_700_000_000_009_000, 9, "sell", "61,837.63"), ...good(1)]);
  // "61,837.63" adds a field; a plain word does not
  await assert.rejects(loadTardisTrades(p), located(p, 6, "#9", /found 9/));
  const q = file("nonnum2.csv", [HEADER, ...good(4), trade(1_700_000_000_009_000, 9, "sell", "61837.6x")]);
  await assert.rejects(loadTardisTrades(q), located(q, 6, "price", /"61837\.6x" is not a decimal number/));
  const r = file("nonint-ts.csv", [HEADER, ...good(1), "binance,BTCUSDT,17000000000.5,1,1,buy,1,1"]);
  await assert.rejects(loadTardisTrades(r), located(r, 3, "timestamp", /not an integer/));
});

test("values DuckDB's lenient number parse accepts (nan, inf) are still refused", async () => {
  const p = file("inf.csv", [HEADER, ...good(2), trade(1_700_000_000_009_000, 9, "buy", "inf")]);
  await assert.rejects(loadTardisTrades(p), located(p, 4, "price", /price Infinity is not a finite number/));
  const q = file("nan.csv", [HEADER, ...good(2), trade(1_700_000_000_009_000, 9, "buy", "100", "nan")]);
  await assert.rejects(loadTardisTrades(q), located(q, 4, "amount", /empty amount \(or not a number\)/));
});

test("empty required field and unknown side → DataError at the line", async () => {
  const p = file("emptyprice.csv", [HEADER, ...good(2), trade(1_700_000_000_009_000, 9, "buy", "")]);
  await assert.rejects(loadTardisTrades(p), located(p, 4, "price", /empty price/));
  const q = file("side.csv", [HEADER, ...good(2), trade(1_700_000_000_009_000, 9, "BUY")]);
  await assert.rejects(loadTardisTrades(q), located(q, 4, "side", /side must be "buy", "sell" or "unknown"/));
  const r = file("l2side.csv", ["exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount", "x,Y,1,1,true,bid,1,1", "x,Y,2,2,maybe,ask,1,1"]);
  await assert.rejects(loadTardisBookL2(r), located(r, 3, "is_snapshot", /is_snapshot must be/));
});

test("wrong column set → DataError listing expected vs found", async () => {
  const p = file("cols.csv", ["exchange,symbol,timestamp,local_timestamp,id,side,price,qty", trade(1, 1)]);
  await assert.rejects(
    loadTardisTrades(p),
    located(p, 1, undefined, /expected \[exchange,symbol,timestamp,local_timestamp,id,side,price,amount\], found \[exchange,symbol,timestamp,local_timestamp,id,side,price,qty\].*missing: amount.*unexpected: qty/),
  );
  // a quotes file given to the trades loader
  const q = file("quotes-as-trades.csv", ["exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount", "x,Y,1,1,1,2,1,1"]);
  await assert.rejects(loadTardisTrades(q), located(q, 1, undefined, /missing: id, side, price, amount/));
  await assert.rejects(loadTardisQuotes(file("trades-as-quotes.csv", [HEADER, trade(1, 1)])), /wrong column set for Tardis quotes/);
});

test("unsorted timestamps: DataError naming the first out-of-order line; { sort: true } sorts stably and counts", async () => {
  const t0 = 1_700_000_000_000_000;
  const lines = [HEADER, trade(t0, 1), trade(t0 + 3000, 2), trade(t0 + 1000, 3), trade(t0 + 3000, 4), trade(t0 + 2000, 5)];
  const p = file("unsorted.csv", lines);
  await assert.rejects(loadTardisTrades(p), located(p, 4, "timestamp", /not in time order.*2 rows out of order/));
  const f = await loadTardisTrades(p, { sort: true });
  assert.deepEqual(Array.from(f.f64("id")), [1, 3, 5, 2, 4]); // equal times keep file order
  const ts = f.f64("timestamp");
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i] >= ts[i - 1]);
  const rep = f.report.issues.find((i) => i.kind === "unsorted-timestamp");
  assert.ok(rep);
  assert.deepEqual([rep.action, rep.count, rep.examples], ["repaired", 2, [`${p}:4`, `${p}:6`]]);
  assert.deepEqual([f.report.rowsRead, f.report.rowsKept], [5, 5]);
});

test("duplicated trade ids → later rows dropped and counted", async () => {
  const t0 = 1_700_000_000_000_000;
  const p = file("dups.csv", [HEADER, trade(t0, 10), trade(t0 + 1, 11), trade(t0 + 2, 10), trade(t0 + 3, 12), trade(t0 + 4, 11), trade(t0 + 5, 13)]);
  const f = await loadTardisTrades(p);
  assert.deepEqual(Array.from(f.f64("id")), [10, 11, 12, 13]);
  const d = f.report.issues.find((i) => i.kind === "duplicate-trade-id");
  assert.ok(d);
  assert.deepEqual([d.action, d.count, d.examples], ["dropped", 2, [`${p}:4`, `${p}:6`]]);
  assert.deepEqual([f.report.rowsRead, f.report.rowsKept], [6, 4]);
});

test("zero or negative price or amount → dropped and counted, or DataError with { strict: true }", async () => {
  const t0 = 1_700_000_000_000_000;
  const p = file("nonpos.csv", [
    HEADER,
    trade(t0, 1),
    trade(t0 + 1, 2, "buy", "0"),
    trade(t0 + 2, 3, "sell", "-5"),
    trade(t0 + 3, 4, "buy", "100", "0"),
    trade(t0 + 4, 5, "buy", "100", "-1"),
    trade(t0 + 5, 6),
  ]);
  const f = await loadTardisTrades(p);
  assert.deepEqual(Array.from(f.f64("id")), [1, 6]);
  const byKind = Object.fromEntries(f.report.issues.map((i) => [i.kind, [i.action, i.count, i.examples]]));
  assert.deepEqual(byKind, {
    "non-positive-price": ["dropped", 2, [`${p}:3`, `${p}:4`]],
    "non-positive-amount": ["dropped", 2, [`${p}:5`, `${p}:6`]],
  });
  // every dropped row is accounted for
  const dropped = f.report.issues.filter((i) => i.action === "dropped").reduce((s, i) => s + i.count, 0);
  assert.equal(f.report.rowsRead - f.report.rowsKept, dropped);
  await assert.rejects(loadTardisTrades(p, { strict: true }), located(p, 3, "price", /price 0 ≤ 0/));
});

test("gzip cut short → DataError naming the file (mid-line cut, line-end cut, missing trailer)", async () => {
  const lines = [HEADER, ...good(20000)];
  const full = zlib.gzipSync(Buffer.from(lines.join("\n") + "\n"));
  // a gzip stream flushed at a line end and never finished: DuckDB alone reads it without complaint
  const lineEnd = await new Promise<Buffer>((resolve) => {
    const gz = zlib.createGzip();
    const parts: Buffer[] = [];
    gz.on("data", (c: Buffer) => parts.push(c));
    gz.write(Buffer.from(lines.slice(0, 5001).join("\n") + "\n"));
    gz.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(parts)));
  });
  const cases: Array<[string, Buffer]> = [
    ["mid.csv.gz", full.subarray(0, Math.floor(full.length * 0.6))],
    ["lineend.csv.gz", lineEnd],
    ["notrailer.csv.gz", full.subarray(0, full.length - 8)],
  ];
  for (const [name, buf] of cases) {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, buf);
    await assert.rejects(loadTardisTrades(p), (e: unknown) => {
      assert.ok(e instanceof DataError, `${name}: ${String(e)}`);
      assert.equal(e.location.file, p);
      assert.ok(e.message.includes(GZIP_TRUNCATED), `${name}: ${e.message}`);
      return true;
    });
  }
  // the complete file loads
  const ok = path.join(tmp, "full.csv.gz");
  fs.writeFileSync(ok, full);
  assert.equal((await loadTardisTrades(ok)).length, 20000);
});

test("a file mixing symbols → DataError at the first foreign row", async () => {
  const p = file("mixed.csv", [HEADER, ...good(2), trade(1_700_000_000_009_000, 9).replace("BTCUSDT", "ETHUSDT")]);
  await assert.rejects(loadTardisTrades(p), located(p, 4, "symbol", /mixes exchanges or symbols/));
});

test("empty lines are skipped and do not shift the reported line numbers", async () => {
  const t0 = 1_700_000_000_000_000;
  const p = file("blank.csv", [HEADER, trade(t0, 1), "", trade(t0 + 1, 2), "", "", trade(t0 + 2, 1)]);
  const f = await loadTardisTrades(p);
  assert.equal(f.length, 2);
  assert.deepEqual(f.report.issues.find((i) => i.kind === "duplicate-trade-id")?.examples, [`${p}:7`]);
  const empty = f.report.issues.find((i) => i.kind === "empty-line");
  assert.ok(empty);
  assert.deepEqual([empty.action, empty.count, empty.examples], ["note", 3, [`${p}:3`, `${p}:5`, `${p}:6`]]);
});

test("missing file, empty file, header only", async () => {
  await assert.rejects(loadTardisTrades(path.join(tmp, "none.csv.gz")), FileNotFoundError);
  await assert.rejects(loadTardisTrades(file("empty.csv", [])), /file is empty/);
  const h = await loadTardisTrades(file("header-only.csv", [HEADER]));
  assert.deepEqual([h.length, h.report.rowsRead, h.report.issues.length], [0, 0, 0]);
});

test("L2 and quotes: negative amounts dropped and counted; unsorted local time is an error", async () => {
  const l2h = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount";
  const p = file("l2neg.csv", [l2h, "x,Y,1,1,false,bid,100,1", "x,Y,2,2,false,ask,101,-1", "x,Y,3,3,false,ask,101,0"]);
  const f = await loadTardisBookL2(p);
  assert.deepEqual(Array.from(f.f64("amount")), [1, 0]);
  assert.deepEqual(f.report.issues.map((i) => [i.kind, i.action, i.count]), [["negative-amount", "dropped", 1]]);
  const u = file("l2unsorted.csv", [l2h, "x,Y,1,5,false,bid,100,1", "x,Y,2,4,false,ask,101,1"]);
  await assert.rejects(loadTardisBookL2(u), located(u, 3, "local_timestamp", /not in time order/));
  const qh = "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount";
  const q = file("qneg.csv", [qh, "x,Y,1,1,1,101,100,1", "x,Y,2,2,1,101,0,1"]);
  const g = await loadTardisQuotes(q);
  assert.equal(g.length, 1);
  assert.deepEqual(g.report.issues.map((i) => [i.kind, i.count, i.examples[0]]), [["non-positive-price", 1, `${q}:3`]]);
});

test("klines: a malformed line is located", async () => {
  const p = file("kl.csv", ["1704067200000,1,2,0.5,1.5,10", "1704070800000,1,2,abc,1.5,10"]);
  await assert.rejects(loadBinanceKlines(p), located(p, 2, "low", /"abc" is not a decimal number/));
});

test("book snapshots: a level missing from the header, or no levels at all → DataError listing columns", async () => {
  const base = "exchange,symbol,timestamp,local_timestamp";
  const gap = file("snap-gap.csv", [`${base},asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,asks[2].price,asks[2].amount,bids[2].price,bids[2].amount`, "x,Y,1,1,2,1,1,1,4,1,0.5,1"]);
  await assert.rejects(loadTardisBookSnapshot(gap), located(gap, 1, undefined, /missing: asks\[1\]\.price, asks\[1\]\.amount, bids\[1\]\.price, bids\[1\]\.amount/));
  const none = file("snap-none.csv", [HEADER, trade(1, 1)]);
  await assert.rejects(loadTardisBookSnapshot(none), located(none, 1, undefined, /wrong column set for Tardis book_snapshot/));
});
