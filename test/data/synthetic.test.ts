import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as crypto from "node:crypto";
import {
  ensureSyntheticDataset,
  formatUnits,
  generateSyntheticMarket,
  readSyntheticManifest,
  resolveSyntheticParams,
  SYNTHETIC_VERSION,
  writeSyntheticDataset,
  type SyntheticMarket,
} from "../../src/data/synthetic";
import { replayBook, compareWithTicker } from "../../src/data/book";
import { loadTardisBookL2, loadTardisQuotes, loadTardisTrades } from "../../src/data/tardis";
import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { loadNews } from "../../src/data/news";
import { ArgumentError } from "../../src/errors";
import { Frame } from "../../src/frame/frame";

const SMALL = { durationSec: 90, history: { days: 6 } };

function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `makerlab-syn-${tag}-`));
}

function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.set(r, crypto.createHash("sha256").update(fs.readFileSync(path.join(d, e.name))).digest("hex"));
    }
  };
  walk(dir, "");
  return out;
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}
function corr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
function acf(a: ArrayLike<number>, lag: number): number {
  const m = mean(a);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    den += (a[i] - m) ** 2;
    if (i >= lag) num += (a[i] - m) * (a[i - lag] - m);
  }
  return num / den;
}

/** Index of the last quote with timestamp <= t (or < t when strict), −1 if none. */
function quoteAt(ts: Float64Array, t: number, strict: boolean): number {
  let lo = -1;
  let hi = ts.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (strict ? ts[mid] < t : ts[mid] <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** 1-second mid log returns from the quotes (mid of the last quote at or before each second). */
function secondReturns(mk: SyntheticMarket): Float64Array {
  const q = mk.quotes.columns;
  const n = Math.floor(mk.params.durationSec);
  const r = new Float64Array(n);
  let prev = NaN;
  for (let s = 0; s <= n; s++) {
    const j = quoteAt(q.timestamp, mk.params.startUs + s * 1e6, false);
    const mid = (q.bidPrice[j] + q.askPrice[j]) / 2;
    if (s > 0) r[s - 1] = Math.log(mid / prev);
    prev = mid;
  }
  return r;
}

// The default market (seed 7, 30 minutes), generated once for the stylized-fact tests.
let cached: SyntheticMarket | undefined;
function market(): SyntheticMarket {
  if (!cached) cached = generateSyntheticMarket();
  return cached;
}

test("formatUnits writes exact decimals from integer units", () => {
  assert.equal(formatUnits(6000001, 2), "60000.01");
  assert.equal(formatUnits(6000000, 2), "60000.00");
  assert.equal(formatUnits(-5, 2), "-0.05");
  assert.equal(formatUnits(7, 0), "7");
  assert.equal(formatUnits(2000, 5, true), "0.02");
  assert.equal(formatUnits(100000, 5, true), "1");
  assert.equal(formatUnits(123, 5, true), "0.00123");
  assert.throws(() => formatUnits(1.5, 2), ArgumentError);
});

test("resolveSyntheticParams: defaults, overrides and bad options", () => {
  const p = resolveSyntheticParams();
  assert.equal(p.seed, 7);
  assert.equal(p.durationSec, 1800);
  assert.equal(p.mid0, 60000);
  assert.equal(p.history.symbols[0].symbol, "SYNUSDT");
  const q = resolveSyntheticParams({ symbol: "ABCUSDT", mid0: 100, tick: 0.001, seed: undefined, history: { days: 3 } });
  assert.equal(q.seed, 7);
  assert.equal(q.history.days, 3);
  assert.equal(q.history.headlinesPerDay, 3);
  assert.deepEqual([q.history.symbols[0].symbol, q.history.symbols[0].priceEnd, q.history.symbols[0].tick], ["ABCUSDT", 100, 0.001]);
  assert.throws(() => resolveSyntheticParams({ tick: 0.0123456789012 }), ArgumentError);
  assert.throws(() => resolveSyntheticParams({ garchAlpha: 0.5, garchBeta: 0.6 }), ArgumentError);
  assert.throws(() => resolveSyntheticParams({ hawkesBranching: 1 }), ArgumentError);
  assert.throws(() => resolveSyntheticParams({ durationSec: -1 }), ArgumentError);
  assert.throws(() => resolveSyntheticParams({ tradeSize: { tailAlpha: 0.9 } }), ArgumentError);
});

test("determinism: same seed → identical frames; another seed → different ones", () => {
  const a = generateSyntheticMarket({ ...SMALL, seed: 3 });
  const b = generateSyntheticMarket({ ...SMALL, seed: 3 });
  const c = generateSyntheticMarket({ ...SMALL, seed: 4 });
  for (const name of ["trades", "quotes", "depth"] as const) {
    const fa = a[name] as unknown as Frame;
    const fb = b[name] as unknown as Frame;
    assert.equal(fa.length, fb.length);
    for (const col of fa.names) assert.deepEqual(fa.col(col), fb.col(col), `${name}.${col}`);
  }
  assert.deepEqual(a.candles1h.SYNUSDT.columns.close, b.candles1h.SYNUSDT.columns.close);
  assert.deepEqual(a.headlines.columns.title, b.headlines.columns.title);
  assert.notDeepEqual(a.trades.columns.price, c.trades.columns.price);
  // the history has its own stream: tick-level options do not change it
  const d = generateSyntheticMarket({ ...SMALL, seed: 3, tradeRate: 20 });
  assert.deepEqual(d.candles1h.SYNUSDT.columns.close, a.candles1h.SYNUSDT.columns.close);
});

test("determinism: same seed → byte-identical files", () => {
  const d1 = tmpDir("det1");
  const d2 = tmpDir("det2");
  try {
    writeSyntheticDataset(d1, SMALL);
    writeSyntheticDataset(d2, SMALL);
    const h1 = hashTree(d1);
    const h2 = hashTree(d2);
    assert.ok(h1.size >= 8, `files: ${[...h1.keys()].join(", ")}`);
    assert.deepEqual(h2, h1);
    writeSyntheticDataset(d2, { ...SMALL, seed: 8 });
    const h3 = hashTree(d2);
    assert.notEqual(h3.get("tardis-format/synthetic_trades_SYNUSDT.csv.gz"), h1.get("tardis-format/synthetic_trades_SYNUSDT.csv.gz"));
  } finally {
    fs.rmSync(d1, { recursive: true, force: true });
    fs.rmSync(d2, { recursive: true, force: true });
  }
});

test("prices on the tick grid, amounts on the lot grid, bid < ask always", () => {
  const mk = market();
  const onGrid = (p: number): boolean => Math.round(p * 100) / 100 === p && Number.isFinite(p);
  for (const [name, arr] of [
    ["trade price", mk.trades.columns.price],
    ["bid", mk.quotes.columns.bidPrice],
    ["ask", mk.quotes.columns.askPrice],
    ["depth price", mk.depth.columns.price],
  ] as const) {
    for (let i = 0; i < arr.length; i++) if (!onGrid(arr[i])) assert.fail(`${name} row ${i} = ${arr[i]} is off the 0.01 grid`);
  }
  const am = mk.trades.columns.amount;
  for (let i = 0; i < am.length; i++) {
    assert.ok(am[i] > 0 && Math.round(am[i] * 1e5) / 1e5 === am[i], `amount row ${i} = ${am[i]}`);
  }
  const q = mk.quotes.columns;
  for (let i = 0; i < mk.quotes.length; i++) {
    if (!(q.bidPrice[i] < q.askPrice[i])) assert.fail(`quote row ${i}: bid ${q.bidPrice[i]} >= ask ${q.askPrice[i]}`);
    assert.ok(q.bidAmount[i] > 0 && q.askAmount[i] > 0);
  }
});

test("timestamps: epoch µs, in order, local = exchange + a small positive latency", () => {
  const mk = market();
  const p = mk.params;
  const check = (name: string, ts: Float64Array, lt: Float64Array, strict: boolean): void => {
    for (let i = 0; i < ts.length; i++) {
      assert.ok(Number.isInteger(ts[i]) && Number.isInteger(lt[i]), `${name} row ${i} not integer µs`);
      const lat = lt[i] - ts[i];
      if (!(lat > 0 && lat < 50_000)) assert.fail(`${name} row ${i}: latency ${lat} µs`);
      if (i > 0) {
        if (strict ? !(ts[i] > ts[i - 1]) : !(ts[i] >= ts[i - 1])) assert.fail(`${name} row ${i}: timestamp out of order`);
        if (!(lt[i] >= lt[i - 1])) assert.fail(`${name} row ${i}: local timestamp decreases`);
      }
    }
    assert.ok(ts[0] >= p.startUs && ts[ts.length - 1] < p.startUs + p.durationSec * 1e6);
  };
  check("trades", mk.trades.columns.timestamp, mk.trades.columns.localTimestamp, false);
  check("quotes", mk.quotes.columns.timestamp, mk.quotes.columns.localTimestamp, true);
  check("depth", mk.depth.columns.timestamp, mk.depth.columns.localTimestamp, false);
  const ids = mk.trades.columns.id;
  for (let i = 1; i < ids.length; i++) assert.equal(ids[i], ids[i - 1] + 1);
});

test("depth: a 21+21 level snapshot, then incremental changes that replay to the quotes exactly", () => {
  const mk = market();
  const d = mk.depth.columns;
  let snap = 0;
  while (d.isSnapshot[snap] === 1) snap++;
  assert.equal(snap, 2 * (mk.params.depthLevels + 1));
  for (let i = snap; i < mk.depth.length; i++) if (d.isSnapshot[i] !== 0) assert.fail(`snapshot row ${i} after the snapshot`);
  const rb = replayBook(mk.depth);
  assert.equal(rb.stats.crossed, 0);
  assert.equal(rb.stats.emptyBid + rb.stats.emptyAsk, 0);
  assert.equal(rb.stats.missingDeletes, 0);
  const cmp = compareWithTicker(rb, mk.quotes);
  assert.equal(cmp.checked, mk.quotes.length);
  assert.equal(cmp.mismatches, 0, JSON.stringify(cmp.examples));
  // and, independently of book.ts, a tiny tracker replaying by exchange timestamp
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const q = mk.quotes.columns;
  let j = 0;
  let checked = 0;
  for (let i = 0; i < mk.depth.length; i++) {
    const book = d.side[i] > 0 ? bids : asks;
    if (d.amount[i] === 0) book.delete(d.price[i]);
    else book.set(d.price[i], d.amount[i]);
    if (i + 1 < mk.depth.length && d.timestamp[i + 1] === d.timestamp[i]) continue;
    while (j < mk.quotes.length && q.timestamp[j] < d.timestamp[i]) j++;
    if (j < mk.quotes.length && q.timestamp[j] === d.timestamp[i]) {
      const bb = Math.max(...bids.keys());
      const ba = Math.min(...asks.keys());
      assert.equal(bb, q.bidPrice[j]);
      assert.equal(ba, q.askPrice[j]);
      assert.equal(bids.get(bb), q.bidAmount[j]);
      assert.equal(asks.get(ba), q.askAmount[j]);
      checked++;
    }
  }
  assert.equal(checked, mk.quotes.length);
});

test("trades execute at the prevailing best quote (walking the book when large)", () => {
  const mk = market();
  const t = mk.trades.columns;
  const q = mk.quotes.columns;
  let walked = 0;
  for (let i = 0; i < mk.trades.length; i++) {
    const j = quoteAt(q.timestamp, t.timestamp[i], true); // the quote before this event
    assert.ok(j >= 0);
    if (t.side[i] > 0) assert.ok(t.price[i] >= q.askPrice[j], `buy ${i} at ${t.price[i]} below ask ${q.askPrice[j]}`);
    else assert.ok(t.price[i] <= q.bidPrice[j], `sell ${i} at ${t.price[i]} above bid ${q.bidPrice[j]}`);
    if ((t.side[i] > 0 && t.price[i] > q.askPrice[j]) || (t.side[i] < 0 && t.price[i] < q.bidPrice[j])) walked++;
  }
  assert.ok(walked > 0 && walked < 0.05 * mk.trades.length, `walked ${walked}`);
});

test("stylized facts: BTC-like per-second vol, volatility clustering, adverse selection, 1-tick spreads", () => {
  const mk = market();
  const r = secondReturns(mk);
  const sd = Math.sqrt(mean(r.map((x) => x * x)));
  assert.ok(sd > 0.6e-4 && sd < 2.5e-4, `1-second return sd ${sd}`);
  // volatility clustering: |r| autocorrelated at lag 1 (3 standard errors ≈ 0.07 for 1800 points)
  const absr = r.map(Math.abs);
  const a1 = acf(absr, 1);
  assert.ok(a1 > 0.07, `acf(|r|, 1) = ${a1}`);
  // … and driven by the latent GARCH volatility
  assert.ok(corr(absr, mk.truth.columns.sigma) > 0.15);
  // no linear predictability of returns themselves at lag 1 beyond noise
  assert.ok(Math.abs(acf(r, 1)) < 0.1);

  // adverse selection: trade side vs the mid move over the next second
  const t = mk.trades.columns;
  const q = mk.quotes.columns;
  const side = new Float64Array(mk.trades.length);
  const move = new Float64Array(mk.trades.length);
  for (let i = 0; i < mk.trades.length; i++) {
    const j0 = quoteAt(q.timestamp, t.timestamp[i], true);
    const j1 = quoteAt(q.timestamp, t.timestamp[i] + 1e6, false);
    side[i] = t.side[i];
    move[i] = (q.bidPrice[j1] + q.askPrice[j1] - q.bidPrice[j0] - q.askPrice[j0]) / 2;
  }
  const c = corr(side, move);
  assert.ok(c > 0.05, `corr(side, next 1 s mid move) = ${c}`);
  // trade signs are autocorrelated (order splitting); buys and sells balance
  assert.ok(acf(side, 1) > 0.2);
  assert.ok(Math.abs(mean(side)) < 0.1);

  // spreads: median 1 tick, widening in the tail, wider when volatile
  const n = mk.quotes.length;
  const ticks = new Float64Array(n);
  for (let i = 0; i < n; i++) ticks[i] = Math.round((q.askPrice[i] - q.bidPrice[i]) * 100);
  const sorted = Float64Array.from(ticks).sort();
  assert.equal(sorted[Math.floor(n / 2)], 1);
  assert.ok(sorted[Math.floor(0.99 * n)] > 5);
  const sig = mk.truth.columns.sigma;
  const sigMed = Float64Array.from(sig).sort()[sig.length >> 1];
  let hi = 0, nhi = 0, lo = 0, nlo = 0;
  for (let i = 0; i < n; i++) {
    const s = Math.min(sig.length - 1, Math.floor((q.timestamp[i] - mk.params.startUs) / 1e6));
    const wide = ticks[i] > 1 ? 1 : 0;
    if (sig[s] > sigMed) {
      hi += wide;
      nhi++;
    } else {
      lo += wide;
      nlo++;
    }
  }
  assert.ok(hi / nhi > lo / nlo, `wide-spread share: volatile ${hi / nhi} vs calm ${lo / nlo}`);

  // trade sizes: heavy right tail (mean well above median)
  const am = Float64Array.from(t.amount).sort();
  assert.ok(mean(am) > 5 * am[am.length >> 1]);
  // activity: about 10 trades per second
  const rate = mk.trades.length / mk.params.durationSec;
  assert.ok(rate > 5 && rate < 25, `trades per second ${rate}`);
});

test("volatility clustering holds across seeds (pooled lag-1 acf of |r|)", () => {
  let s = 0;
  for (const seed of [1, 2, 3, 4]) s += acf(secondReturns(generateSyntheticMarket({ seed, withHistory: false })).map(Math.abs), 1);
  assert.ok(s / 4 > 0.03, `mean acf ${s / 4}`);
});

test("history: hourly and daily candles consistent, on the grid, BTC-like hourly vol, correlated pair", () => {
  const mk = market();
  const p = mk.params;
  const c = mk.candles1h.SYNUSDT.columns;
  const n = mk.candles1h.SYNUSDT.length;
  assert.equal(n, p.history.days * 24);
  assert.equal(c.timestamp[n - 1] + 3600e6, Math.floor(p.startUs / 86400e6) * 86400e6);
  assert.equal(c.close[n - 1], p.mid0);
  for (let i = 0; i < n; i++) {
    if (i > 0) assert.equal(c.timestamp[i] - c.timestamp[i - 1], 3600e6);
    assert.equal(c.closeTime[i], c.timestamp[i] + 3600e6 - 1000);
    assert.ok(c.low[i] <= Math.min(c.open[i], c.close[i]) && c.high[i] >= Math.max(c.open[i], c.close[i]), `candle ${i}`);
    if (i > 0) assert.equal(c.open[i], c.close[i - 1]);
    for (const v of [c.open[i], c.high[i], c.low[i], c.close[i]]) assert.equal(Math.round(v * 100) / 100, v);
    assert.ok(c.volume[i] > 0 && c.takerBuyVolume[i] <= c.volume[i] && c.trades[i] >= 1);
  }
  const r = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) r[i - 1] = Math.log(c.close[i] / c.close[i - 1]);
  const sd = Math.sqrt(mean(r.map((x) => x * x)));
  assert.ok(sd > 0.003 && sd < 0.012, `hourly sd ${sd}`);
  assert.ok(acf(r.map(Math.abs), 1) > 0.05);
  // volume rises with |return|
  assert.ok(corr(r.map(Math.abs), c.volume.subarray(1)) > 0.2);
  const c2 = mk.candles1h.SYN2USDT.columns;
  const r2 = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) r2[i - 1] = Math.log(c2.close[i] / c2.close[i - 1]);
  const rho = corr(r, r2);
  assert.ok(rho > 0.7 && rho < 0.9, `correlation ${rho}`);
  // daily = aggregate of 24 hours
  const d = mk.candles1d.SYNUSDT.columns;
  assert.equal(mk.candles1d.SYNUSDT.length, p.history.days);
  for (let k = 0; k < p.history.days; k++) {
    let hi = -Infinity, lo = Infinity, vol = 0;
    for (let i = k * 24; i < k * 24 + 24; i++) {
      hi = Math.max(hi, c.high[i]);
      lo = Math.min(lo, c.low[i]);
      vol += c.volume[i];
    }
    assert.equal(d.open[k], c.open[k * 24]);
    assert.equal(d.close[k], c.close[k * 24 + 23]);
    assert.equal(d.high[k], hi);
    assert.equal(d.low[k], lo);
    assert.ok(Math.abs(d.volume[k] - vol) < 1e-6 * vol);
  }
});

test("history: headlines timestamped in the span, labelled, with a small planted price effect", () => {
  const mk = market();
  const h = mk.headlines.columns;
  const n = mk.headlines.length;
  const c = mk.candles1h.SYNUSDT.columns;
  const H = mk.candles1h.SYNUSDT.length;
  assert.ok(n > 250 && n < 470, `headlines ${n}`); // Poisson(360)
  for (let i = 0; i < n; i++) {
    assert.ok(h.timestamp[i] >= c.timestamp[0] && h.timestamp[i] < c.timestamp[H - 1] + 3600e6);
    assert.equal(h.timestamp[i] % 60e6, 0);
    if (i > 0) assert.ok(h.timestamp[i] >= h.timestamp[i - 1]);
    const pol = h.sentimentPolarity[i];
    assert.ok(pol >= -1 && pol <= 1);
    assert.equal(h.sentimentClass[i], pol > 0.05 ? "positive" : pol < -0.05 ? "negative" : "neutral");
    assert.ok(h.title[i].length > 10 && h.url[i].startsWith("https://news.example.com/"));
    assert.ok(!h.title[i].includes("{") && !h.text[i].includes("{"), h.title[i]);
  }
  const classes = new Set(h.sentimentClass);
  assert.deepEqual([...classes].sort(), ["negative", "neutral", "positive"]);
  // planted effect: polarity of SYN ("bitcoin") headlines vs the return over the next two hours
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    if (h.subject[i] !== "bitcoin") continue;
    const k = Math.floor((h.timestamp[i] - c.timestamp[0]) / 3600e6);
    if (k + 2 >= H) continue;
    xs.push(h.sentimentPolarity[i]);
    ys.push(Math.log(c.close[k + 2] / c.close[k]));
  }
  assert.ok(corr(xs, ys) > 0.05, `corr ${corr(xs, ys)} over ${xs.length}`);
});

test("files: Tardis / kline / news layouts load back to the same numbers; manifest lists them", async () => {
  const dir = tmpDir("files");
  try {
    const mk = generateSyntheticMarket(SMALL);
    const paths = writeSyntheticDataset(dir, SMALL);
    assert.equal(paths.generated, true);
    // exact decimal strings on the grid
    const l2 = zlib.gunzipSync(fs.readFileSync(paths.depthL2)).toString("utf8").split("\n");
    assert.equal(l2[0], "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount");
    assert.match(l2[1], /^synthetic,SYNUSDT,\d{16},\d{16},true,bid,\d+\.\d{2},\d+(\.\d{1,5})?$/);
    for (let i = 1; i < l2.length - 1; i++) if (!/,\d+\.\d{2},\d+(\.\d{1,5})?$/.test(l2[i])) assert.fail(`L2 line ${i + 1}: ${l2[i]}`);
    const trades = zlib.gunzipSync(fs.readFileSync(paths.trades)).toString("utf8").split("\n");
    assert.equal(trades[0], "exchange,symbol,timestamp,local_timestamp,id,side,price,amount");
    assert.match(trades[1], /^synthetic,SYNUSDT,\d{16},\d{16},\d+,(buy|sell),\d+\.\d{2},\d+(\.\d{1,5})?$/);
    const quotes = zlib.gunzipSync(fs.readFileSync(paths.quotes)).toString("utf8").split("\n");
    assert.equal(quotes[0], "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount");
    const kl = zlib.gunzipSync(fs.readFileSync(paths.candles1h.SYNUSDT)).toString("utf8").split("\n");
    assert.equal(kl[0].split(",").length, 12);
    assert.match(kl[1], /^\d{4}-\d{2}-\d{2} \d{2}:00:00,(\d+\.\d{2},){4}[\d.]+,\d{4}-\d{2}-\d{2} \d{2}:59:59\.999,\d+\.\d{2},\d+,[\d.]+,\d+\.\d{2},0$/);
    const news = zlib.gunzipSync(fs.readFileSync(paths.news!)).toString("utf8").split("\n");
    assert.equal(news[0], "date;sentiment;source;subject;text;title;url");
    assert.match(news[1], /^\d{1,2}-\d{1,2}-\d{4} \d{2}:\d{2};\{'class': '(positive|neutral|negative)', 'polarity': -?\d\.\d+, 'subjectivity': \d\.\d+\};/);

    // loaders written by other modules read the files back to the in-memory numbers
    const eq = (a: ArrayLike<number>, b: ArrayLike<number>, what: string): void => {
      assert.equal(a.length, b.length, what);
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) assert.fail(`${what} row ${i}: ${a[i]} vs ${b[i]}`);
    };
    const lt = await loadTardisTrades(paths.trades);
    for (const col of ["timestamp", "localTimestamp", "price", "amount", "side", "id"] as const) eq(lt.columns[col], mk.trades.columns[col], `trades.${col}`);
    const lq = await loadTardisQuotes(paths.quotes);
    for (const col of ["timestamp", "localTimestamp", "bidPrice", "bidAmount", "askPrice", "askAmount"] as const) eq(lq.columns[col], mk.quotes.columns[col], `quotes.${col}`);
    const ld = await loadTardisBookL2(paths.depthL2);
    for (const col of ["timestamp", "localTimestamp", "isSnapshot", "side", "price", "amount"] as const) eq(ld.columns[col], mk.depth.columns[col], `depth.${col}`);
    // without update ids (Tardis files carry none), replay groups by time and still gives every quote
    const rb = replayBook(ld);
    assert.equal(rb.length, mk.quotes.length);
    eq(rb.columns.bidPrice, mk.quotes.columns.bidPrice, "replayed bid");
    eq(rb.columns.askAmount, mk.quotes.columns.askAmount, "replayed ask amount");
    const k1 = await loadBinanceKlines(paths.candles1h.SYNUSDT);
    for (const col of mk.candles1h.SYNUSDT.names) eq(k1.f64(col), mk.candles1h.SYNUSDT.f64(col), `1h.${col}`);
    const k2 = await loadBinanceKlines(paths.candles1d.SYN2USDT);
    for (const col of mk.candles1d.SYN2USDT.names) eq(k2.f64(col), mk.candles1d.SYN2USDT.f64(col), `1d.${col}`);
    const ln = await loadNews(paths.news!);
    eq(ln.columns.timestamp, mk.headlines.columns.timestamp, "news.timestamp");
    eq(ln.columns.sentimentPolarity, mk.headlines.columns.sentimentPolarity, "news.polarity");
    assert.deepEqual(ln.columns.title, mk.headlines.columns.title);
    assert.deepEqual(ln.columns.sentimentClass, mk.headlines.columns.sentimentClass);

    const m = readSyntheticManifest(dir);
    assert.ok(m);
    assert.equal(m.version, SYNTHETIC_VERSION);
    assert.equal(m.seed, 7);
    assert.equal(m.params.durationSec, 90);
    const rows = new Map(m.files.map((f) => [f.kind + (f.symbol ?? ""), f.rows]));
    assert.equal(rows.get("tradesSYNUSDT"), mk.trades.length);
    assert.equal(rows.get("L2SYNUSDT"), mk.depth.length);
    assert.equal(rows.get("news"), mk.headlines.length);
    for (const f of m.files) {
      const abs = path.join(dir, f.path);
      assert.equal(fs.statSync(abs).size, f.bytes);
      const text = zlib.gunzipSync(fs.readFileSync(abs));
      assert.equal(crypto.createHash("sha256").update(text).digest("hex"), f.sha256, f.path);
      assert.equal(text.toString("utf8").trimEnd().split("\n").length - 1, f.rows, f.path);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("ensureSyntheticDataset writes only when missing, outdated, of another seed or options, or incomplete", () => {
  const dir = tmpDir("ensure");
  try {
    const a = ensureSyntheticDataset(dir, SMALL);
    assert.equal(a.generated, true);
    const mtime = fs.statSync(a.trades).mtimeMs;
    const b = ensureSyntheticDataset(dir, SMALL);
    assert.equal(b.generated, false);
    assert.deepEqual({ ...b, generated: true }, a);
    assert.equal(fs.statSync(a.trades).mtimeMs, mtime);
    // no options given: keep what is there (same version and default seed)
    assert.equal(ensureSyntheticDataset(dir).generated, false);
    // another seed, other options, an older version, a missing file → regenerate
    assert.equal(ensureSyntheticDataset(dir, { ...SMALL, seed: 9 }).generated, true);
    assert.equal(readSyntheticManifest(dir)!.seed, 9);
    assert.equal(ensureSyntheticDataset(dir, { ...SMALL, seed: 9, durationSec: 60 }).generated, true);
    const mf = path.join(dir, "manifest.json");
    const m = JSON.parse(fs.readFileSync(mf, "utf8"));
    m.version = "0.0.0";
    fs.writeFileSync(mf, JSON.stringify(m));
    assert.equal(ensureSyntheticDataset(dir, { ...SMALL, seed: 9, durationSec: 60 }).generated, true);
    fs.rmSync(path.join(dir, "news", "synthetic_news.csv.gz"));
    const c = ensureSyntheticDataset(dir, { ...SMALL, seed: 9, durationSec: 60 });
    assert.equal(c.generated, true);
    assert.ok(fs.existsSync(c.news!));
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes(".tmp-")), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
