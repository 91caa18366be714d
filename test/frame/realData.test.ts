/**
 * Frame operations on the real Binance spot BTCUSDT capture of 2024-08-08 (Tardis-format CSVs, see SOURCES.md §1).
 * The CSVs are parsed here with a minimal reader so that these tests do not depend on the loaders.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { needData } from "../helpers";
import { Frame } from "../../src/frame/frame";
import { asofJoin } from "../../src/frame/asof";
import { timeBars } from "../../src/frame/bars";
import { fromDanfo, toDanfo } from "../../src/frame/danfo";
import { searchSorted } from "../../src/frame/search";

const DIR = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/";

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = zlib.gunzipSync(fs.readFileSync(path)).toString("utf8").trim().split("\n");
  return { header: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

function loadTrades(t: TestContext) {
  const p = needData(t, DIR + "binance_trades_BTCUSDT.csv.gz");
  if (!p) return null;
  const { header, rows } = readCsv(p);
  const c = (k: string) => header.indexOf(k);
  return new Frame({
    timestamp: Float64Array.from(rows, (r) => Number(r[c("timestamp")])),
    localTimestamp: Float64Array.from(rows, (r) => Number(r[c("local_timestamp")])),
    price: Float64Array.from(rows, (r) => Number(r[c("price")])),
    amount: Float64Array.from(rows, (r) => Number(r[c("amount")])),
    side: Int8Array.from(rows, (r) => (r[c("side")] === "buy" ? 1 : -1)),
  });
}

test("real BTCUSDT trades: one-minute bars conserve trades and volume", (t) => {
  const tr = loadTrades(t);
  if (!tr) return;
  assert.equal(tr.length, 19_904);
  const b = timeBars(tr, { intervalUs: 60e6 });
  const c = b.columns;
  assert.equal(c.timestamp[0], Date.UTC(2024, 7, 8, 23, 54) * 1000, "first bar starts 2024-08-08 23:54 UTC");
  assert.equal(b.length, 12, "23:54 … 00:05");
  assert.equal(c.trades.reduce((s, x) => s + x, 0), 19_904);
  let vol = 0, buyVol = 0, buys = 0;
  for (let i = 0; i < tr.length; i++) {
    vol += tr.columns.amount[i];
    if (tr.columns.side[i] > 0) {
      buyVol += tr.columns.amount[i];
      buys++;
    }
  }
  assert.equal(buys, 9_093, "SOURCES.md: 9,093 buyer-initiated trades");
  assert.ok(Math.abs(c.volume.reduce((s, x) => s + x, 0) - vol) < 1e-9);
  assert.ok(Math.abs(c.buyVolume.reduce((s, x) => s + x, 0) - buyVol) < 1e-9);
  for (let j = 0; j < b.length; j++) {
    assert.ok(c.low[j] <= Math.min(c.open[j], c.close[j]) && c.high[j] >= Math.max(c.open[j], c.close[j]));
    assert.ok(c.vwap[j] >= c.low[j] && c.vwap[j] <= c.high[j]);
    assert.ok(Math.abs(c.buyVolume[j] + c.sellVolume[j] - c.volume[j]) < 1e-9, "every trade has a side here");
  }
  assert.equal(c.open[0], 61837.63);
  assert.equal(c.low.reduce((m, x) => Math.min(m, x)), 61556.04);
});

test("real BTCUSDT: as-of join of trades and book tickers on local time", (t) => {
  const tr = loadTrades(t);
  if (!tr) return;
  const p = needData(t, DIR + "binance_book_ticker_BTCUSDT.csv.gz");
  if (!p) return;
  const { header, rows } = readCsv(p);
  const c = (k: string) => header.indexOf(k);
  const quotes = new Frame({
    localTimestamp: Float64Array.from(rows, (r) => Number(r[c("local_timestamp")])),
    bidPrice: Float64Array.from(rows, (r) => Number(r[c("bid_price")])),
    askPrice: Float64Array.from(rows, (r) => Number(r[c("ask_price")])),
  });
  assert.equal(quotes.length, 73_174);
  const lag = 1000;
  const j = asofJoin(tr, quotes, { on: "localTimestamp", lagUs: lag, indexColumn: "quoteRow" });
  const qt = quotes.f64("localTimestamp");
  const lt = tr.f64("localTimestamp");
  const k = j.columns.quoteRow as Int32Array;
  const bid = j.f64("bidPrice");
  const ask = j.f64("askPrice");
  let matched = 0;
  for (let i = 0; i < tr.length; i++) {
    // the definition, checked against binary search
    assert.equal(k[i], searchSorted(qt, lt[i] - lag, "right") - 1);
    if (k[i] < 0) continue;
    matched++;
    assert.ok(qt[k[i]] <= lt[i] - lag);
    assert.ok(bid[i] < ask[i], "the prevailing book is never crossed");
  }
  assert.ok(matched > 19_800, `matched ${matched}`);
});

test("real BTCUSDT: danfo precision warning and a bit-identical round trip", (t) => {
  const tr = loadTrades(t);
  if (!tr) return;
  const price = tr.f64("price");
  let changed = 0;
  for (let i = 0; i < price.length; i++) if (Math.fround(price[i]) !== price[i]) changed++;
  const warnings: string[] = [];
  const df = toDanfo(tr, { warn: (m) => warnings.push(m) });
  assert.ok(changed > 10_000);
  assert.ok(
    warnings.some((m) => m.startsWith(`toDanfo: column "price": ${changed} of 19904 values change under danfo's float32 (max abs error 0.0019)`)),
    warnings.join("\n"),
  );
  assert.ok(!warnings.some((m) => m.includes('"timestamp"')), "ISO timestamps are exact");
  assert.equal(df.column("timestamp").values[0], "2024-08-08T23:54:15.342000Z");
  const back = fromDanfo(df, { warn: (m) => assert.fail(m) });
  assert.equal(back, tr);
});
