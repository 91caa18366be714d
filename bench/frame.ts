/**
 * Frame kernels on 10M rows, ours beside pandas, measured in the same run.
 * Run: node --expose-gc --import tsx bench/frame.ts   (or all benches: npm run bench)
 * Env: BENCH_FRAME_ROWS = rows (default 10,000,000).
 *
 * Workloads (N = BENCH_FRAME_ROWS):
 * 1. as-of join: N trades (timestamp, price, amount, side) ← N quotes (timestamp, bid, ask), backward, on the
 *    timestamp; ours `asofJoin(trades, quotes, { on: "timestamp", columns: ["bid", "ask"] })`, pandas
 *    `pd.merge_asof(trades, quotes, on="timestamp")` (int64 µs keys).
 * 2. time bars: 1-minute OHLCV bars of the N trades; ours `timeBars(trades, { intervalUs: 60e6 })` (open, high,
 *    low, close, volume, quoteVolume, vwap, trades, buyVolume, sellVolume); pandas the same columns from
 *    `resample("1min")` on a DatetimeIndex: `ohlc()`, `sum()` of amount, of price·amount and of the buy / sell
 *    amounts, `count()`, vwap = quote volume / volume. The DatetimeIndex is built before timing (it is pandas'
 *    native layout for time data, as our µs column is ours).
 * 3. rolling std: sample std (ddof 1) over a 1,000-row window of the N prices; ours `rollingStd(price, 1000)`,
 *    pandas `Series.rolling(1000).std()`.
 *
 * Data: each side generates its own data of the same size and distribution, seeded (ours with `createRng`,
 * pandas with numpy's `default_rng`), so nothing is transferred between the processes; the values differ, the
 * shapes do not: timestamps in µs with exponential gaps of mean 8.64 ms (N rows ≈ one day per 10M), prices on a
 * 0.01 random walk around 60,000, log-normal amounts, side ±1 at random, quotes bid + 1–3 ticks.
 * Generation is not timed. Wall clock, median (and min) of 5 runs after 3 warm-ups (V8 needs 2–3 calls to reach its
 * optimized code; pandas gets the same), GC between runs; both single-threaded.
 */
import { Frame } from "../src/frame/frame";
import { asofJoin } from "../src/frame/asof";
import { timeBars } from "../src/frame/bars";
import { rollingStd } from "../src/frame/rolling";
import { createRng } from "../src/frame/rng";
import { performance } from "node:perf_hooks";
import {
  NO_PANDAS,
  PY_PRELUDE,
  fmtInt,
  fmtMs,
  fmtRate,
  fmtVs,
  rate,
  recordSummary,
  runPython,
  table,
  timeIt,
  timingOf,
  title,
  type Timing,
} from "./common";

/** Timed runs, and untimed warm-ups before them: V8 reaches its optimized code for these kernels after 2–3 calls on 10M rows. */
const RUNS = 5;
const WARMUP = 3;
const WINDOW = 1000;
const T0 = 1_723_161_600_000_000; // 2024-08-09 00:00:00 UTC, µs

/** N trades: strictly increasing µs timestamps, 0.01-tick random-walk prices, log-normal amounts, side ±1. */
function makeTrades(n: number, seed: number): Frame {
  const r = createRng(seed);
  const timestamp = new Float64Array(n);
  const price = new Float64Array(n);
  const amount = new Float64Array(n);
  const side = new Int8Array(n);
  let t = T0;
  let ticks = 6_000_000;
  for (let i = 0; i < n; i++) {
    t += 1 + Math.floor(r.exponential(1 / 8640));
    ticks += r.int(5) - 2;
    timestamp[i] = t;
    price[i] = ticks / 100;
    amount[i] = Math.min(10_000_000, Math.max(1, Math.round(Math.exp(5.7 + 1.6 * r.normal())))) / 1e5;
    side[i] = r.next() < 0.5 ? 1 : -1;
  }
  return new Frame({ timestamp, price, amount, side });
}

/** N quotes: strictly increasing µs timestamps, bid on a 0.01-tick random walk, ask = bid + 1–3 ticks. */
function makeQuotes(n: number, seed: number): Frame {
  const r = createRng(seed);
  const timestamp = new Float64Array(n);
  const bid = new Float64Array(n);
  const ask = new Float64Array(n);
  let t = T0;
  let ticks = 6_000_000;
  for (let i = 0; i < n; i++) {
    t += 1 + Math.floor(r.exponential(1 / 8640));
    ticks += r.int(5) - 2;
    timestamp[i] = t;
    bid[i] = ticks / 100;
    ask[i] = (ticks + 1 + r.int(3)) / 100;
  }
  return new Frame({ timestamp, bid, ask });
}

/** Python: the same three workloads with pandas on numpy-generated data; argv: rows runs warmup window. */
const PY_FRAME =
  PY_PRELUDE +
  String.raw`
n, runs, warmup, window = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
T0 = 1723161600000000
rng = np.random.default_rng(20240809)
t0 = time.perf_counter()
def times():
    return T0 + np.cumsum(1 + np.floor(rng.exponential(8640.0, n))).astype(np.int64)
ticks = 6000000 + np.cumsum(rng.integers(-2, 3, n))
trades = pd.DataFrame({
    "timestamp": times(),
    "price": ticks / 100.0,
    "amount": np.clip(np.round(np.exp(5.7 + 1.6 * rng.standard_normal(n))), 1, 1e7) / 1e5,
    "side": np.where(rng.random(n) < 0.5, 1, -1).astype(np.int8),
})
qticks = 6000000 + np.cumsum(rng.integers(-2, 3, n))
quotes = pd.DataFrame({
    "timestamp": times(),
    "bid": qticks / 100.0,
    "ask": (qticks + 1 + rng.integers(0, 3, n)) / 100.0,
})
tradesi = trades.set_index(pd.to_datetime(trades["timestamp"], unit="us")).drop(columns="timestamp")
price = trades["price"]
gen_ms = (time.perf_counter() - t0) * 1000.0
out = {}
def asof():
    r = pd.merge_asof(trades, quotes, on="timestamp")
    out["asof_rows"] = len(r)
    return r
def bars():
    r = tradesi.resample("1min")
    ohlc = r["price"].ohlc()
    vol = r["amount"].sum()
    qv = (tradesi["price"] * tradesi["amount"]).resample("1min").sum()
    cnt = r["price"].count()
    buy = tradesi["amount"].where(tradesi["side"] > 0, 0.0).resample("1min").sum()
    sell = tradesi["amount"].where(tradesi["side"] < 0, 0.0).resample("1min").sum()
    b = ohlc.assign(volume=vol, quoteVolume=qv, vwap=qv / vol, trades=cnt, buyVolume=buy, sellVolume=sell)
    out["bars_n"] = len(b)
    return b
def rstd():
    r = price.rolling(window).std()
    out["rstd_rows"] = len(r)
    return r
res = {"gen_ms": gen_ms}
res["asof"] = timed(asof, runs, warmup)
res["bars"] = timed(bars, runs, warmup)
res["rstd"] = timed(rstd, runs, warmup)
res.update(out)
emit(res)
`;

interface Row {
  what: string;
  ours: Timing;
  pandas: Timing | null;
  oursOut: string;
  pandasOut: string;
}

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_FRAME_ROWS ?? 10_000_000);
  title(`Frame kernels on ${fmtInt(n)} rows: ours vs pandas (wall clock; median of ${RUNS} after ${WARMUP} warm-ups)`);
  console.log("Data: each side generates its own seeded data of the same size and distribution (ours createRng, pandas numpy");
  console.log("default_rng), nothing is transferred; generation is not timed. pandas via /usr/bin/python3, timed inside Python.");

  let t = performance.now();
  let trades: Frame | null = makeTrades(n, 1);
  let quotes: Frame | null = makeQuotes(n, 2);
  console.log(`\n(ours: generated ${fmtInt(n)} trades and ${fmtInt(n)} quotes in ${fmtMs(performance.now() - t)} ms)`);

  let outAsof = 0;
  const asof = await timeIt(() => {
    outAsof = asofJoin(trades!, quotes!, { on: "timestamp", columns: ["bid", "ask"] }).length;
  }, RUNS, WARMUP);
  console.log(`  asofJoin          ${fmtMs(asof.median).padStart(8)} ms median, min ${fmtMs(asof.min)} → ${fmtInt(outAsof)} rows`);
  quotes = null;
  let nBars = 0;
  const bars = await timeIt(() => {
    nBars = timeBars(trades!, { intervalUs: 60e6 }).length;
  }, RUNS, WARMUP);
  console.log(`  timeBars 1 min    ${fmtMs(bars.median).padStart(8)} ms median, min ${fmtMs(bars.min)} → ${fmtInt(nBars)} bars`);
  const price = trades.f64("price");
  let nStd = 0;
  const rstd = await timeIt(() => {
    nStd = rollingStd(price, WINDOW).length;
  }, RUNS, WARMUP);
  console.log(`  rollingStd w=${WINDOW} ${fmtMs(rstd.median).padStart(8)} ms median, min ${fmtMs(rstd.min)} → ${fmtInt(nStd)} values`);
  trades = null;

  t = performance.now();
  const py = await runPython(PY_FRAME, [String(n), String(RUNS), String(WARMUP), String(WINDOW)], 600_000);
  let pa: Timing | null = null, pb: Timing | null = null, pr: Timing | null = null;
  const v = py.value;
  if (v) {
    pa = timingOf(v.asof as number[], WARMUP);
    pb = timingOf(v.bars as number[], WARMUP);
    pr = timingOf(v.rstd as number[], WARMUP);
    console.log(`\n(pandas ${v.pandas}, numpy ${v.numpy}: generated the data in ${fmtMs(v.gen_ms as number)} ms; whole Python run ${fmtMs(performance.now() - t)} ms)`);
    console.log(`  merge_asof        ${fmtMs(pa.median).padStart(8)} ms median, min ${fmtMs(pa.min)} → ${fmtInt(v.asof_rows as number)} rows`);
    console.log(`  resample 1min     ${fmtMs(pb.median).padStart(8)} ms median, min ${fmtMs(pb.min)} → ${fmtInt(v.bars_n as number)} bars`);
    console.log(`  rolling(${WINDOW}).std ${fmtMs(pr.median).padStart(8)} ms median, min ${fmtMs(pr.min)} → ${fmtInt(v.rstd_rows as number)} values`);
  } else {
    console.log(`\n${py.reason}`);
  }

  const rows: Row[] = [
    { what: "asof join (trades ← quotes)", ours: asof, pandas: pa, oursOut: "asofJoin", pandasOut: "merge_asof" },
    { what: "1-minute bars (OHLCV + vwap, buy/sell vol)", ours: bars, pandas: pb, oursOut: "timeBars", pandasOut: "resample" },
    { what: `rolling std, ${fmtInt(WINDOW)}-row window`, ours: rstd, pandas: pr, oursOut: "rollingStd", pandasOut: "rolling().std()" },
  ];
  console.log(`\nFrame kernels: summary (${fmtInt(n)} input rows; rows/s = input rows / median)`);
  console.log(
    table(
      ["workload", "ours", "ours ms", "ours rows/s", "pandas", "pandas ms", "pandas rows/s", "ours vs pandas"],
      rows.map((r) => [
        r.what,
        r.oursOut,
        fmtMs(r.ours.median),
        fmtRate(rate(n, r.ours.median)),
        r.pandasOut,
        r.pandas ? fmtMs(r.pandas.median) : "n/a",
        r.pandas ? fmtRate(rate(n, r.pandas.median)) : "n/a",
        r.pandas ? fmtVs(r.ours.median, r.pandas.median) : "n/a",
      ]),
    ),
  );
  if (!v) console.log(py.reason);
  for (const r of rows) {
    recordSummary({
      bench: "frame",
      workload: `${r.what}, ${fmtInt(n)} rows`,
      ours: `${r.oursOut} ${fmtMs(r.ours.median)} ms`,
      baseline: r.pandas ? `pandas ${r.pandasOut} ${fmtMs(r.pandas.median)} ms` : NO_PANDAS,
      ratio: r.pandas ? `ours ${fmtVs(r.ours.median, r.pandas.median)}` : "",
      target: "",
      met: "",
    });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
