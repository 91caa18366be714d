/**
 * Backtest engine throughput on a seeded synthetic day: events/s (book-level updates + trades) for the replay alone
 * and with a strategy called every 100 ms, and peak memory.
 * Run: node --expose-gc --import tsx bench/backtest.ts   (or `npm run bench -- backtest` once registered)
 * Env: BENCH_BT_ROWS (book-level updates, default 50,000,000), BENCH_BT_TRADES (default 2,000,000),
 *      BENCH_BT_RUNS (timed runs per workload, default 3).
 *
 * Data (generated once with `createRng`, cached in bench/.cache/ as raw little-endian columns; not timed):
 * one day (86,400 s) of Binance-like L2 diffs on a 0.01 tick around 60,000: a 200-level-per-side snapshot, then
 * atomic updates every ~1.7 ms (at 50M rows): 8 % move the touch up, 8 % down (3 rows: delete the level that would
 * cross, new best bid / ask), the rest rewrite 1–8 levels at depth ⌊Exp(mean 3)⌋ ticks from the touch (20 % deletes
 * below the touch); trades (≈ TRADES/updates per update) at the touch, random aggressor, log-normal size, each
 * followed by its update reducing the touch level. Receive time = exchange time + 1 ms + Exp(0.5 ms), kept
 * non-decreasing per stream. updateId is NaN (updates are grouped by receive time).
 *
 * Workloads (one core; each timed from `runEngine` call to return; the data preparation is timed separately):
 * - prepare: `prepareMarketData` (validation, grouping, clock alignment);
 * - floor: one `OrderBook` replay of the same rows (bookIterator), the book-apply cost the engine pays twice
 *   (exchange-side and local books);
 * - replay alone: `runEngine` with a strategy called once that never quotes (two books, trade tape, mid tape,
 *   exchange-side market record);
 * - with a strategy every 100 ms (864,000 calls): src/backtest/strategies/avellanedaStoikov.ts (online σ, A, k) and a
 *   fixed spread of 1 tick (src/backtest/strategies/fixedSpread.ts), 0.001 BTC a side, power-law queue, 5 ms
 *   log-normal latency, maker 0 / taker 10 bps.
 * events/s = (book-level rows + trades) / wall seconds. Target (issue): ≥ 5 M events/s with the A-S strategy.
 * Reference (not measured here): hftbacktest's notebooks report about 109 s for one day of Binance-futures BTCUSDT.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Frame } from "../src/frame/frame";
import { createRng } from "../src/frame/rng";
import { bookIterator } from "../src/data/book";
import type { BookChangeColumns, BookChangeFrame, TradeColumns, TradeFrame } from "../src/data/schemas";
import { prepareMarketData, type MarketStreams } from "../src/backtest/data";
import { runEngine } from "../src/backtest/engine";
import { powerProbQueue } from "../src/backtest/queue";
import { logNormalLatency } from "../src/backtest/latency";
import { bpsFees } from "../src/backtest/fees";
import type { BacktestRaw, Strategy } from "../src/backtest/types";
import { avellanedaStoikovStrategy } from "../src/backtest/strategies/avellanedaStoikov";
import { fixedSpreadStrategy } from "../src/backtest/strategies/fixedSpread";
import { cacheDir, fmtInt, fmtMs, fmtRate, gc, rate, readF64File, recordSummary, table, timeIt, title, writeF64File, type Timing } from "./common";

const SEED = 20240811;
const FORMAT_VERSION = 1;
const DAY_US = 86_400e6;
const T0 = 1_723_334_400_000_000; // 2024-08-11 00:00 UTC
const TARGET = 5e6;

interface Day {
  depth: BookChangeFrame;
  trades: TradeFrame;
}

/** Generates the synthetic day (module comment) directly into typed arrays. */
function generate(rows: number, nTrades: number): { d: BookChangeColumns; t: TradeColumns } {
  const r = createRng(SEED);
  const ts = new Float64Array(rows), lc = new Float64Array(rows), snap = new Int8Array(rows), side = new Int8Array(rows);
  const price = new Float64Array(rows), amount = new Float64Array(rows);
  const tTs = new Float64Array(nTrades), tLc = new Float64Array(nTrades), tPx = new Float64Array(nTrades), tAmt = new Float64Array(nTrades);
  const tSd = new Int8Array(nTrades);
  let b = 5_999_999; // best bid, ticks of 0.01
  let a = b + 1;
  const L = 200;
  let n = 0;
  const size = () => Math.max(1, Math.round(Math.exp(Math.log(50_000) + 1.2 * r.normal()))) / 1e5; // BTC, 1e-5 lots
  const put = (e: number, l: number, sd: number, tick: number, q: number, s: number) => {
    ts[n] = e;
    lc[n] = l;
    snap[n] = s;
    side[n] = sd;
    price[n] = tick / 100;
    amount[n] = q;
    n++;
  };
  let e = T0;
  for (let k = 0; k < L; k++) {
    put(e, e, 1, b - k, size(), 1);
    put(e, e, -1, a + k, size(), 1);
  }
  // a trade update has 1 row, another update 0.16·3 + 0.84·4.5 = 4.26 on average: solve rows = T + (G − T)·4.26
  const groups = Math.ceil(nTrades + (rows - 2 * L - nTrades) / 4.26);
  const dt = DAY_US / groups;
  const pTrade = Math.min(1, nTrades / groups);
  let lastLocal = e, lastTradeLocal = -Infinity;
  let m = 0;
  while (n < rows - 12) {
    e += Math.max(1, Math.round(dt * (0.5 + r.next())));
    if (m < nTrades && r.next() < pTrade) {
      const buy = r.next() < 0.5;
      const te = e - 1 - r.int(Math.max(1, Math.floor(dt / 2)));
      let tl = te + 1000 + Math.round(r.exponential(1 / 500));
      if (tl < lastTradeLocal) tl = lastTradeLocal;
      lastTradeLocal = tl;
      tTs[m] = te;
      tLc[m] = tl;
      tPx[m] = (buy ? a : b) / 100;
      tAmt[m] = size();
      tSd[m] = buy ? 1 : -1;
      m++;
      let l = e + 1000 + Math.round(r.exponential(1 / 500));
      if (l < lastLocal) l = lastLocal;
      lastLocal = l;
      put(e, l, buy ? -1 : 1, buy ? a : b, size(), 0); // the touch level after the trade
      continue;
    }
    let l = e + 1000 + Math.round(r.exponential(1 / 500));
    if (l < lastLocal) l = lastLocal;
    lastLocal = l;
    const u = r.next();
    if (u < 0.08) {
      // up: the best ask is taken out, a new bid at the old ask, a new ask one tick above
      put(e, l, -1, a, 0, 0);
      b = a;
      a = b + 1;
      put(e, l, 1, b, size(), 0);
      put(e, l, -1, a, size(), 0);
    } else if (u < 0.16) {
      put(e, l, 1, b, 0, 0);
      a = b;
      b = a - 1;
      put(e, l, -1, a, size(), 0);
      put(e, l, 1, b, size(), 0);
    } else {
      const k = 1 + r.int(8);
      for (let j = 0; j < k; j++) {
        const bid = r.next() < 0.5;
        const d = Math.floor(r.exponential(1 / 3));
        const del = d > 0 && r.next() < 0.2;
        put(e, l, bid ? 1 : -1, bid ? b - d : a + d, del ? 0 : size(), 0);
      }
    }
  }
  const cut = <T extends Float64Array | Int8Array>(x: T, k: number): T => (x.length === k ? x : (x.slice(0, k) as T));
  return {
    d: {
      timestamp: cut(ts, n), localTimestamp: cut(lc, n), isSnapshot: cut(snap, n), side: cut(side, n), price: cut(price, n), amount: cut(amount, n),
      updateId: new Float64Array(n).fill(NaN),
    },
    t: { timestamp: cut(tTs, m), localTimestamp: cut(tLc, m), price: cut(tPx, m), amount: cut(tAmt, m), side: cut(tSd, m), id: new Float64Array(m).fill(NaN) },
  };
}

function writeI8(file: string, a: Int8Array): void {
  fs.writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
function readI8(file: string): Int8Array {
  const b = fs.readFileSync(file);
  const out = new Int8Array(b.length);
  out.set(new Int8Array(b.buffer, b.byteOffset, b.length));
  return out;
}

/** The cached day (generated and written if absent; meta.json is written last). */
function loadDay(rows: number, nTrades: number): Day {
  const dir = path.join(cacheDir(), `backtest-day-${rows}x${nTrades}-seed${SEED}-v${FORMAT_VERSION}`);
  const meta = path.join(dir, "meta.json");
  const f64 = ["timestamp", "localTimestamp", "price", "amount"] as const;
  if (!fs.existsSync(meta)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const t0 = performance.now();
    const g = generate(rows, nTrades);
    console.log(`generated ${fmtInt(g.d.price.length)} book rows and ${fmtInt(g.t.price.length)} trades in ${fmtMs(performance.now() - t0)} ms`);
    fs.mkdirSync(dir, { recursive: true });
    for (const c of f64) {
      writeF64File(path.join(dir, `d_${c}.f64`), g.d[c]);
      writeF64File(path.join(dir, `t_${c}.f64`), g.t[c]);
    }
    writeI8(path.join(dir, "d_side.i8"), g.d.side);
    writeI8(path.join(dir, "d_isSnapshot.i8"), g.d.isSnapshot);
    writeI8(path.join(dir, "t_side.i8"), g.t.side);
    fs.writeFileSync(meta, JSON.stringify({ rows: g.d.price.length, trades: g.t.price.length, seed: SEED, version: FORMAT_VERSION }));
    return { depth: new Frame(g.d), trades: new Frame(g.t) };
  }
  const t0 = performance.now();
  const d = {} as BookChangeColumns;
  const t = {} as TradeColumns;
  for (const c of f64) {
    d[c] = readF64File(path.join(dir, `d_${c}.f64`));
    t[c] = readF64File(path.join(dir, `t_${c}.f64`));
  }
  d.side = readI8(path.join(dir, "d_side.i8"));
  d.isSnapshot = readI8(path.join(dir, "d_isSnapshot.i8"));
  d.updateId = new Float64Array(d.price.length).fill(NaN);
  t.side = readI8(path.join(dir, "t_side.i8"));
  t.id = new Float64Array(t.price.length).fill(NaN);
  console.log(`read cached day from ${path.relative(process.cwd(), dir)} in ${fmtMs(performance.now() - t0)} ms`);
  return { depth: new Frame(d), trades: new Frame(t) };
}

const idle: Strategy = { name: "replay only", schedule: { kind: "interval", intervalUs: 2 * DAY_US }, onTick: () => undefined };

function engineRun(streams: MarketStreams, strategy: Strategy): BacktestRaw {
  return runEngine({
    streams,
    strategy,
    queueModel: powerProbQueue(2),
    latency: logNormalLatency({ entryMedianUs: 5000, sigma: 0.5 }),
    fees: bpsFees({ makerBps: 0, takerBps: 10 }),
    seed: 1,
  });
}

async function main(): Promise<void> {
  const rows = Number(process.env.BENCH_BT_ROWS ?? 50_000_000);
  const nTrades = Number(process.env.BENCH_BT_TRADES ?? 2_000_000);
  const runs = Number(process.env.BENCH_BT_RUNS ?? 3);
  title(`Backtest engine: synthetic day, ${fmtInt(rows)} book-level updates + ${fmtInt(nTrades)} trades`);
  const day = loadDay(rows, nTrades);
  const events = day.depth.length + day.trades.length;

  let streams: MarketStreams | null = null;
  const prep = await timeIt(() => {
    streams = prepareMarketData(day.depth, day.trades);
  }, 1, 0);
  const s = streams as unknown as MarketStreams;
  console.log(`${fmtInt(s.nRows)} rows in ${fmtInt(s.nGroups)} atomic updates (${(s.nRows / s.nGroups).toFixed(2)} rows each), ${fmtInt(s.nTrades)} trades`);

  const floor = await timeIt(() => {
    let n = 0;
    for (const st of bookIterator(day.depth)) n += st.end - st.start;
    return n;
  }, runs, 0);

  const results: Array<{ name: string; t: Timing; raw: BacktestRaw }> = [];
  const measure = async (name: string, make: () => Strategy) => {
    let last: BacktestRaw | null = null;
    const t = await timeIt(() => {
      last = null;
      gc();
      last = engineRun(s, make());
    }, runs, 0);
    results.push({ name, t, raw: last as unknown as BacktestRaw });
  };
  await measure("replay alone (no strategy calls)", () => idle);
  await measure("A-S strategy every 100 ms", () =>
    avellanedaStoikovStrategy({ gamma: 0.05, horizonSec: 60, size: 0.001, calibration: { prior: { sigma: 0.5, A: 1, k: 1 } }, schedule: { kind: "interval", intervalUs: 100_000 } }),
  );
  await measure("fixed spread (1 tick) every 100 ms", () => fixedSpreadStrategy({ halfSpread: 0.01, size: 0.001, schedule: { kind: "interval", intervalUs: 100_000 } }));

  const rowsOut: string[][] = [
    ["prepareMarketData", fmtMs(prep.median), fmtRate(rate(events, prep.median)), "", "", ""],
    ["floor: one OrderBook replay (book rows only)", fmtMs(floor.median), fmtRate(rate(day.depth.length, floor.median)), "", "", ""],
  ];
  for (const r of results) {
    rowsOut.push([r.name, `${fmtMs(r.t.median)} (min ${fmtMs(r.t.min)})`, fmtRate(rate(events, r.t.median)), fmtInt(r.raw.samples.length), fmtInt(r.raw.fills.length), fmtInt(r.raw.orders.submitted)]);
  }
  console.log("\n" + table(["workload", "wall ms", "events/s", "calls", "fills", "orders"], rowsOut));
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`\npeak RSS: ${fmtInt(peak)} MB (data: ${fmtInt((day.depth.length * 42 + day.trades.length * 42) / 1e6)} MB of input columns)`);
  console.log(`median of ${runs} runs each; events = book-level rows + trades = ${fmtInt(events)}`);
  console.log(`reference: hftbacktest's notebooks report ~109 s for one day of Binance-futures BTCUSDT (not measured here)`);
  const as = results[1];
  const asRate = rate(events, as.t.median);
  recordSummary({
    bench: "backtest",
    workload: `synthetic day ${fmtInt(rows)} rows + ${fmtInt(nTrades)} trades, A-S every 100 ms`,
    ours: `${fmtMs(as.t.median)} ms, ${fmtRate(asRate)} events/s, peak ${fmtInt(peak)} MB`,
    baseline: `replay alone ${fmtRate(rate(events, results[0].t.median))} events/s`,
    ratio: "",
    target: "≥ 5 M events/s with A-S",
    met: asRate >= TARGET ? "yes" : "NO",
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
