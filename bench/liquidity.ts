/**
 * Trade-based spread measures on a synthetic day: effective spread, realized spread and price impact at 5
 * horizons for 10M trades against 30M quote updates, ours (`spreads`, src/liquidity/spreads.ts) beside pandas
 * (`merge_asof` + vectorized arithmetic) on identical data, and beside a memory-bound floor, in one run.
 * Run: node --expose-gc --import tsx bench/liquidity.ts   (or `npm run bench -- liquidity`)
 * Env: BENCH_LIQ_TRADES (default 10,000,000), BENCH_LIQ_QUOTES (default 30,000,000), BENCH_LIQ_THP (default 1),
 * BENCH_LIQ_PROFILE (default 0; 1: only the time breakdown below).
 *
 * Data (generated once, seeded with `createRng`, written to bench/.cache/ as raw little-endian float64 files,
 * one per column; ours reads them into Float64Arrays, pandas with `np.fromfile`, so both compute on the same
 * numbers; generation and loading are not timed):
 * - quotes: one day (86,400 s) of updates at strictly increasing µs times (gaps 1 + ⌊Exp⌋ µs), bid on a 0.01
 *   tick random walk around 60,000 (−1 / 0 / +1 tick per update), ask = bid + 1 tick (85 %), 2 (12 %), 3 (3 %);
 *   columns timestamp, bidPrice, askPrice.
 * - trades: non-decreasing µs times over the same day (gaps ⌊Exp⌋ µs, so a few ties), side ±1 at random, price
 *   from the quote prevailing at the trade: at the touch (ask for a buy, bid for a sell, 85 %), strictly inside
 *   when the spread allows it (10 %; else at the touch), or 1–3 ticks through the touch (5 %); amount log-normal
 *   (median 0.02 BTC, in 1e-5 lots); columns timestamp, price, amount, side (float64 ±1).
 *
 * Workloads (horizons Δ = 50 ms, 1 s, 5 s, 1 min, 5 min; lag 0; trade and quote time = "timestamp"):
 * (a) ours, aggregates only: `spreads(trades, quotes, { horizonsUs, perTrade: false })`;
 * (b) ours, per-trade columns in bps: the same with `perTrade: true, units: ["bps"]`;
 * (c) ours, the work pandas does: `perTrade: true, units: ["price", "bps"]`: per trade M_t, M_{t+Δ}, ES, RS_Δ, PI_Δ
 *     in price units and bps (plus what `spreads` always adds: bid/ask at t, quoted spread, the validation of
 *     every input column, and amount- and notional-weighted means beside the equal-weighted ones);
 * pandas: quote mids (bid + ask)/2, `merge_asof(trades, quotes_mid, on="timestamp")` for M_t, then per horizon a
 *     `merge_asof` of the shifted times t + Δ for M_{t+Δ} (NaN beyond the last quote time and where M_t is NaN, as
 *     ours), then per trade
 *     ES = 2D(P − M_t), RS = 2D(P − M_{t+Δ}), PI = 2D(M_{t+Δ} − M_t), each also in bps (X / M_t · 1e4), added as
 *     columns of the merged frame, and the equal-weighted means of all of them (`DataFrame.mean`, NaN skipped).
 *     Keys int64 µs (converted before timing). No sorting on either side (the data are sorted; both check it).
 * floor: one pass over the arrays, the memory-bound lower bound of any implementation: a loop that reads the
 *     three quote columns once (summing them), and a loop that reads the four trade columns once and writes one
 *     float64 per trade and horizon into 5 freshly allocated n-arrays (1.04 GB read, 0.4 GB written at 10M×30M).
 *
 * Timing: wall clock; ours the median (and min) of 3 runs after 1 warm-up (the floor: of 7), pandas the median of 3
 * runs (no warm-up: no JIT); every result is dropped before the next run, and the GC runs before every run, outside
 * the timing (ours also waits until the freed memory is unmapped: see `timeRuns`; values for the agreement check
 * are copied out of the last (c) run after its clock stops, pandas' from its last run).
 * Both single-threaded. Agreement check: per measure the count of finite values (exact), the equal-weighted mean
 * in price units and bps (|ours − pandas| ≤ 1e-9 · mean |x|: the two sum in different orders), and the per-trade
 * values at 64 fixed rows (equal as numbers: ours turns −0 into +0).
 *
 * Memory pages: numpy ≥ 1.22 asks the kernel for transparent huge pages (2 MiB, madvise) on its large arrays;
 * Node's ArrayBuffers come from glibc malloc with 4 KiB pages unless the glibc tunable
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc ≥ 2.35) makes malloc do the same. In a VM, first-touching fresh
 * memory page by page is costly, and the per-trade variants return GBs of fresh columns, so the main figures
 * (ours as a notebook runs it: default pages) are followed by the floor and (c) re-measured in a child process with
 * that tunable (THP for both sides), unless BENCH_LIQ_THP=0. The AnonHugePages of each process are printed.
 * Targets (from the issue): ours at least 2× faster than pandas, and within 3× of the floor.
 *
 * Profile (BENCH_LIQ_PROFILE=1: no pandas, no THP child): where the aggregates' time goes, on the same data, each
 * timed like ours (median of 3 after 1 warm-up): the whole `spreads` call; the spread kernel with no horizon (pass 1:
 * the as-of merge at t, quoted and effective spread) and with the 5 horizons (the difference / 5 is one horizon;
 * the rest of the call is the input checks and the time-weighted quoted spread); and a bare as-of merge at t + 1 s,
 * the same 8-at-a-time branch-free count as the kernel's `advance`, storing each trade's mid in a reused block
 * buffer and nothing else: what one merge costs in JavaScript before any arithmetic.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Frame } from "../src/frame/frame";
import { createRng } from "../src/frame/rng";
import { spreadKernel, spreads, type SpreadUnit } from "../src/liquidity/spreads";
import {
  NO_PANDAS,
  PY_PRELUDE,
  cacheDir,
  fmtInt,
  fmtMs,
  fmtRate,
  fmtRatio,
  fmtVs,
  gc,
  median,
  rate,
  readF64File,
  recordSummary,
  runPython,
  table,
  timingOf,
  title,
  writeF64File,
  type Timing,
} from "./common";

const SEED = 20240810;
/** Bumped when the generator changes; part of the cache folder name. */
const FORMAT_VERSION = 1;
const RUNS = 3;
const WARMUP = 1;
/** The floor is cheap and its time (page faults on fresh memory) is the noisiest here: more runs. */
const FLOOR_RUNS = 7;
const HORIZONS_US = [50e3, 1e6, 5e6, 60e6, 300e6];
const LABELS = ["50ms", "1s", "5s", "1m", "5m"];
const DAY_US = 86_400e6;
const T0 = 1_723_248_000_000_000; // 2024-08-10 00:00:00 UTC, µs
const TRADE_COLS = ["timestamp", "price", "amount", "side"] as const;
const QUOTE_COLS = ["timestamp", "bidPrice", "askPrice"] as const;
/** Rows whose per-trade values are compared with pandas'. */
const N_SAMPLES = 64;

interface Day {
  trades: Frame;
  quotes: Frame;
  dir: string;
}

/** Generates the synthetic day (see the module comment) as Float64Array columns. */
function generate(n: number, m: number): { trades: Record<string, Float64Array>; quotes: Record<string, Float64Array> } {
  const r = createRng(SEED);
  const qt = new Float64Array(m), bid = new Float64Array(m), ask = new Float64Array(m);
  const qGap = DAY_US / m - 0.5; // E[1 + ⌊Exp(μ)⌋] ≈ μ + 0.5
  let t = T0;
  let b = 5_999_999; // bid in ticks of 0.01
  for (let i = 0; i < m; i++) {
    t += 1 + Math.floor(r.exponential(1 / qGap));
    b += r.int(3) - 1;
    const u = r.next();
    const s = u < 0.85 ? 1 : u < 0.97 ? 2 : 3;
    qt[i] = t;
    bid[i] = b / 100;
    ask[i] = (b + s) / 100;
  }
  const tt = new Float64Array(n), price = new Float64Array(n), amount = new Float64Array(n), side = new Float64Array(n);
  const tGap = DAY_US / n + 0.5; // E[⌊Exp(μ)⌋] ≈ μ − 0.5
  t = T0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    t += Math.floor(r.exponential(1 / tGap));
    while (j < m && qt[j] <= t) j++;
    const bt = j > 0 ? Math.round(bid[j - 1] * 100) : 5_999_999;
    const at = j > 0 ? Math.round(ask[j - 1] * 100) : 6_000_000;
    const d = r.next() < 0.5 ? 1 : -1;
    const u = r.next();
    let p: number;
    if (u < 0.85 || (u < 0.95 && at - bt < 2)) p = d > 0 ? at : bt;
    else if (u < 0.95) p = bt + 1 + r.int(at - bt - 1);
    else p = d > 0 ? at + 1 + r.int(3) : bt - 1 - r.int(3);
    tt[i] = t;
    price[i] = p / 100;
    amount[i] = Math.max(1, Math.round(Math.exp(Math.log(2000) + 1.5 * r.normal()))) / 1e5;
    side[i] = d;
  }
  return { trades: { timestamp: tt, price, amount, side }, quotes: { timestamp: qt, bidPrice: bid, askPrice: ask } };
}

/** The cached day (generated and written if absent): one raw float64 file per column plus meta.json, written last; `quiet`: print nothing when reading. */
function loadDay(n: number, m: number, quiet: boolean): Day {
  const dir = path.join(cacheDir(), `liquidity-day-${n}x${m}-seed${SEED}-v${FORMAT_VERSION}`);
  const meta = path.join(dir, "meta.json");
  let t = performance.now();
  if (!fs.existsSync(meta)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const g = generate(n, m);
    const gen = performance.now() - t;
    t = performance.now();
    const tmp = dir + ".tmp";
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    for (const c of TRADE_COLS) writeF64File(path.join(tmp, `trades_${c}.f64`), g.trades[c]);
    for (const c of QUOTE_COLS) writeF64File(path.join(tmp, `quotes_${c}.f64`), g.quotes[c]);
    fs.writeFileSync(path.join(tmp, "meta.json"), JSON.stringify({ n, m, seed: SEED, version: FORMAT_VERSION }) + "\n");
    fs.renameSync(tmp, dir);
    console.log(`data: generated in ${fmtMs(gen)} ms, written in ${fmtMs(performance.now() - t)} ms to ${path.relative(process.cwd(), dir)}/`);
    return { trades: new Frame(g.trades), quotes: new Frame(g.quotes), dir };
  }
  const tr: Record<string, Float64Array> = {};
  const qu: Record<string, Float64Array> = {};
  for (const c of TRADE_COLS) tr[c] = readF64File(path.join(dir, `trades_${c}.f64`));
  for (const c of QUOTE_COLS) qu[c] = readF64File(path.join(dir, `quotes_${c}.f64`));
  if (tr.timestamp.length !== n || qu.timestamp.length !== m) throw new Error(`cache ${dir} has the wrong size; delete it`);
  if (!quiet) console.log(`data: read in ${fmtMs(performance.now() - t)} ms from ${path.relative(process.cwd(), dir)}/ (cached)`);
  return { trades: new Frame(tr), quotes: new Frame(qu), dir };
}

/**
 * The floor: reads the 3 quote columns once (sum), then reads the 4 trade columns once and writes one value per
 * trade and horizon (5 horizons) into 5 freshly allocated arrays. Returns a checksum so the loops cannot be dropped.
 */
function floorPass(trades: Frame, quotes: Frame): number {
  const qt = quotes.f64("timestamp"), bid = quotes.f64("bidPrice"), ask = quotes.f64("askPrice");
  const t = trades.f64("timestamp"), p = trades.f64("price"), a = trades.f64("amount"), d = trades.f64("side");
  const m = qt.length, n = t.length;
  let s = 0;
  for (let j = 0; j < m; j++) s += qt[j] + bid[j] + ask[j];
  const outs: Float64Array[] = [];
  for (let h = 0; h < 5; h++) outs.push(new Float64Array(n));
  const o0 = outs[0], o1 = outs[1], o2 = outs[2], o3 = outs[3], o4 = outs[4];
  for (let i = 0; i < n; i++) {
    const v = t[i] + p[i] + a[i] + d[i];
    o0[i] = v;
    o1[i] = v + 1;
    o2[i] = v + 2;
    o3[i] = v + 3;
    o4[i] = v + 4;
  }
  return s + o4[n - 1];
}

/** Python: reads the cached columns, then times the pandas computation; argv: dir runs sample-rows(json) horizons(json) labels(json). */
const PY_SPREADS =
  PY_PRELUDE +
  String.raw`
import math, resource
d, runs = sys.argv[1], int(sys.argv[2])
samples = json.loads(sys.argv[3]); H = json.loads(sys.argv[4]); L = json.loads(sys.argv[5])
rd = lambda name: np.fromfile(d + "/" + name + ".f64", dtype="<f8")
t0 = time.perf_counter()
trades = pd.DataFrame({"timestamp": rd("trades_timestamp").astype(np.int64), "price": rd("trades_price"),
                       "amount": rd("trades_amount"), "side": rd("trades_side")})
quotes = pd.DataFrame({"timestamp": rd("quotes_timestamp").astype(np.int64), "bid": rd("quotes_bidPrice"),
                       "ask": rd("quotes_askPrice")})
qend = int(quotes["timestamp"].iloc[-1])
load_ms = (time.perf_counter() - t0) * 1000.0
cols = ["es", "es_bps"] + [c + "_" + l for l in L for c in ("rs", "rs_bps", "pi", "pi_bps")]

def compute():
    qm = pd.DataFrame({"timestamp": quotes["timestamp"], "mid": (quotes["bid"] + quotes["ask"]) * 0.5})
    df = pd.merge_asof(trades, qm, on="timestamp")
    d2 = 2 * df["side"]
    df["es"] = d2 * (df["price"] - df["mid"])
    df["es_bps"] = df["es"] / df["mid"] * 1e4
    for h, l in zip(H, L):
        th = df["timestamp"] + int(h)
        # M_{t+h}: NaN past the last quote, and where M_t is NaN (no quote before the trade), as ours
        mh = pd.merge_asof(pd.DataFrame({"timestamp": th}), qm, on="timestamp")["mid"].where((th <= qend) & df["mid"].notna())
        df["mid_" + l] = mh
        df["rs_" + l] = d2 * (df["price"] - mh)
        df["rs_bps_" + l] = df["rs_" + l] / df["mid"] * 1e4
        df["pi_" + l] = d2 * (mh - df["mid"])
        df["pi_bps_" + l] = df["pi_" + l] / df["mid"] * 1e4
    means = df[cols].mean()
    return df, means

def huge_mb():
    try:
        for line in open("/proc/self/smaps_rollup"):
            if line.startswith("AnonHugePages:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None

ms = []
for k in range(runs):
    gc.collect()
    t1 = time.perf_counter()
    df, means = compute()
    ms.append((time.perf_counter() - t1) * 1000.0)
    if k < runs - 1:
        del df, means
huge = huge_mb()
fin = lambda x: None if (x is None or math.isnan(x)) else float(x)
res = {"ms": ms, "load_ms": load_ms, "rows": len(df), "hugeMB": huge,
       "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
       "count": {c: int(df[c].count()) for c in cols},
       "mean": {c: fin(means[c]) for c in cols},
       "meanAbs": {c: fin(df[c].abs().mean()) for c in cols},
       "sample": {c: [fin(df[c].iat[i]) for i in samples] for c in cols}}
emit(res)
`;

/** Our per-trade column for pandas' column name c ("es", "rs_bps_1s", …). */
function ourColumn(c: string): string {
  const m = /^(es|rs|pi)(_bps)?(?:_(.+))?$/.exec(c)!;
  const base = m[1] === "es" ? "effective" : m[1] === "rs" ? "realized" : "impact";
  return base + (m[2] ? "Bps" : "") + (m[3] ? "_" + m[3] : "");
}

/** What the agreement check compares, keyed by pandas' column names. */
interface Check {
  count: Record<string, number>;
  mean: Record<string, number>;
  sample: Record<string, number[]>;
}

/** Counts, equal-weighted means and sampled per-trade values of our (c) result. */
function ourCheck(r: ReturnType<typeof spreads>, samples: number[], pyCols: string[]): Check {
  const s = r.summary;
  const measure = s.columns.measure as string[];
  const hz = s.f64("horizonUs");
  const out: Check = { count: {}, mean: {}, sample: {} };
  for (const c of pyCols) {
    const m = /^(es|rs|pi)(_bps)?(?:_(.+))?$/.exec(c)!;
    const name = m[1] === "es" ? "effective" : m[1] === "rs" ? "realized" : "impact";
    const h = m[3] ? HORIZONS_US[LABELS.indexOf(m[3])] : NaN;
    let row = -1;
    for (let i = 0; i < measure.length; i++) if (measure[i] === name && (h !== h ? hz[i] !== hz[i] : hz[i] === h)) row = i;
    out.count[c] = s.f64("n")[row];
    out.mean[c] = s.f64(m[2] ? "meanBps" : "mean")[row];
    const col = r.trades!.f64(ourColumn(c));
    out.sample[c] = samples.map((i) => col[i]);
  }
  return out;
}

/** Equal as numbers, or both missing (pandas' NaN arrives as null). +0 === −0: ours writes +0 where pandas' 2D(M' − M) gives −0. */
function same(a: number, b: number | null): boolean {
  return b === null ? a !== a : a === b;
}

/** AnonHugePages of this process in MB (/proc/self/smaps_rollup), or NaN where unavailable. */
function hugeMB(): number {
  try {
    const m = /AnonHugePages:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/smaps_rollup", "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Like common.ts `timeIt` (warm-ups, then timed runs, GC before each outside the timing), but `fn` returns its
 * result and `after(result, isLastRun)` runs on it after the clock stops; the result is then dropped, and before
 * the next run's clock starts the GC runs and we wait (up to 3 s) until the RSS is back within 256 MB of what it
 * was before the first run: V8 unmaps freed ArrayBuffers on a background thread, and releasing a previous
 * result's GBs must not overlap the next timed run (pandas frees its result synchronously on `del`).
 */
async function timeRuns<T>(fn: () => T, after: (r: T, last: boolean) => void, runs: number, warmup: number): Promise<Timing> {
  const out: number[] = [];
  gc();
  const base = process.memoryUsage().rss;
  const settle = async () => {
    gc();
    const t0 = performance.now();
    while (process.memoryUsage().rss > base + 256 * 2 ** 20 && performance.now() - t0 < 3000) await new Promise((res) => setTimeout(res, 5));
  };
  for (let k = 0; k < warmup + runs; k++) {
    await settle();
    const t0 = performance.now();
    let r: T | null = fn();
    const ms = performance.now() - t0;
    if (k >= warmup) out.push(ms);
    after(r, k === warmup + runs - 1);
    r = null; // the variable would otherwise keep the result alive through the next run
  }
  await settle();
  return { median: median(out), min: Math.min(...out), runs: out, warmup };
}

interface Variant {
  key: "agg" | "bps" | "full";
  what: string;
  perTrade: boolean;
  units: SpreadUnit[];
}

const VARIANTS: Variant[] = [
  { key: "agg", what: "(a) aggregates only (perTrade: false)", perTrade: false, units: ["bps"] },
  { key: "bps", what: '(b) per-trade columns in bps (units ["bps"])', perTrade: true, units: ["bps"] },
  { key: "full", what: '(c) per-trade price + bps (= the pandas work)', perTrade: true, units: ["price", "bps"] },
];

/** Our figures from one process. */
interface OursPart {
  floor: Timing;
  ours: Partial<Record<Variant["key"], Timing>>;
  /** Per-trade columns of each variant's result (0 for aggregates). */
  cols: Partial<Record<Variant["key"], number>>;
  check: Check | null;
  countsLine: string;
  /** AnonHugePages (MB) while the last (c) result was alive; peak RSS (MB). */
  hugeMB: number;
  maxRssMB: number;
}

/** The agreement-check rows: 56 spread over the day and 8 near the end (horizons past the quotes). */
function sampleRows(n: number): number[] {
  const s: number[] = [];
  for (let k = 0; k < N_SAMPLES - 8; k++) s.push(Math.floor(((k + 0.5) / (N_SAMPLES - 8)) * n));
  for (let k = 0; k < 8; k++) s.push(Math.max(0, n - 1 - k * Math.max(1, Math.floor(n / 4000))));
  return s;
}
const PY_COLS = ["es", "es_bps", ...LABELS.flatMap((l) => ["rs", "rs_bps", "pi", "pi_bps"].map((c) => c + "_" + l))];

/** Times the floor and the given variants on `day`, printing a line each (prefixed by `tag`). */
async function measureOurs(day: Day, keys: Variant["key"][], tag: string): Promise<OursPart> {
  const { trades, quotes } = day;
  const n = trades.length;
  const opts = { horizonsUs: HORIZONS_US, tradeTime: "timestamp", quoteTime: "timestamp" };
  let sink = 0;
  const floor = await timeRuns(() => floorPass(trades, quotes), (s) => (sink += s), FLOOR_RUNS, WARMUP);
  console.log(`  ${tag}floor (read 7 columns once, write 5 n-columns)${"".padEnd(14)} ${fmtMs(floor.median).padStart(7)} ms median, min ${fmtMs(floor.min)}`);
  const part: OursPart = { floor, ours: {}, cols: {}, check: null, countsLine: "", hugeMB: NaN, maxRssMB: NaN };
  const samples = sampleRows(n);
  for (const v of VARIANTS.filter((x) => keys.includes(x.key))) {
    const tm = await timeRuns(
      () => spreads(trades, quotes, { ...opts, perTrade: v.perTrade, units: v.units }),
      (r, last) => {
        sink += r.counts.n;
        part.cols[v.key] = r.trades ? r.trades.names.length : 0;
        if (last && v.key === "full") {
          part.check = ourCheck(r, samples, PY_COLS);
          part.hugeMB = hugeMB();
          const c = r.counts;
          part.countsLine = `counts: ${fmtInt(c.n)} trades, no quote ${c.noQuote}, at mid ${fmtInt(c.atMid)}, beyond the quotes per horizon [${c.beyondQuotes.map(fmtInt).join(", ")}]`;
        }
      },
      RUNS,
      WARMUP,
    );
    part.ours[v.key] = tm;
    const nc = part.cols[v.key]!;
    console.log(`  ${tag}ours ${v.what.padEnd(55)} ${fmtMs(tm.median).padStart(7)} ms median, min ${fmtMs(tm.min)}` + (nc ? ` (${nc} per-trade columns)` : ""));
  }
  part.maxRssMB = process.resourceUsage().maxRSS / 1024;
  if (sink === -1) console.log("");
  return part;
}

/**
 * Re-runs this script as a child with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (BENCH_LIQ_PART=thp) to time the
 * floor and (c) with transparent huge pages; resolves to its figures, or a reason why not.
 */
function runThpChild(): Promise<{ part: OursPart | null; reason: string }> {
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
  const [maj, min] = (glibc ?? "0.0").split(".").map(Number);
  if (process.platform !== "linux" || !(maj > 2 || (maj === 2 && min >= 35))) return Promise.resolve({ part: null, reason: `needs Linux with glibc ≥ 2.35 (have ${glibc ?? "none"})` });
  const tun = ["glibc.malloc.hugetlb=1", process.env.GLIBC_TUNABLES].filter(Boolean).join(":");
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--expose-gc", "--import", "tsx", __filename], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_LIQ_PART: "thp", GLIBC_TUNABLES: tun, BENCH_SUMMARY: "" },
    });
    let out = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    p.on("error", (e) => resolve({ part: null, reason: e.message }));
    p.on("close", (code) => {
      const lines = out.split("\n");
      for (const l of lines) if (l.startsWith("  ")) console.log(l);
      const j = lines.filter((l) => l.startsWith("{")).pop();
      if (code === 0 && j) resolve({ part: JSON.parse(j) as OursPart, reason: "" });
      else resolve({ part: null, reason: `child exited ${code}` });
    });
  });
}

/** MB as an integer with "MB", or "n/a" (null / NaN: not measurable here). */
function fmtMB(mb: number | null): string {
  return mb !== null && Number.isFinite(mb) ? `${fmtInt(mb)} MB` : "n/a";
}

/** "yes" / "NO" / "n/a". */
function yesNo(ok: boolean | null): string {
  return ok === null ? "n/a" : ok ? "yes" : "NO";
}

/**
 * The kernel's merge step (src/liquidity/spreads.ts `advance`), copied on purpose: the first j' ≥ j with qt[j'] > x.
 * Importing the kernel's function instead measured the bare merge at ~205 ms instead of ~120 ms in this process
 * (V8 compiles a function shared with the kernel differently), which would overstate what one merge costs.
 */
function advance8(qt: Float64Array, m: number, j: number, x: number): number {
  while (j + 8 <= m) {
    const k = +(qt[j] <= x) + +(qt[j + 1] <= x) + +(qt[j + 2] <= x) + +(qt[j + 3] <= x)
      + +(qt[j + 4] <= x) + +(qt[j + 5] <= x) + +(qt[j + 6] <= x) + +(qt[j + 7] <= x);
    j += k;
    if (k < 8) return j;
  }
  while (j < m && qt[j] <= x) j++;
  return j;
}

/**
 * A bare as-of merge of t + Δ against the quote times (the kernel's 8-at-a-time count), writing the mid of the
 * prevailing quote per trade into a reused 4096-value block buffer. Returns a checksum.
 */
function bareMerge(t: Float64Array, qt: Float64Array, bid: Float64Array, ask: Float64Array, delta: number): number {
  const n = t.length, m = qt.length;
  const B = 4096;
  const buf = new Float64Array(B);
  let j = 0;
  let s = 0;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let i = i0; i < i1; i++) {
      j = advance8(qt, m, j, t[i] + delta);
      buf[i - i0] = j > 0 ? 0.5 * (ask[j - 1] + bid[j - 1]) : NaN;
    }
    s += buf[0];
  }
  return s;
}

/** BENCH_LIQ_PROFILE=1: the time breakdown of the aggregates-only call (module comment). */
async function profile(day: Day): Promise<void> {
  const tr = day.trades, qu = day.quotes;
  const t = tr.f64("timestamp"), price = tr.f64("price"), amount = tr.f64("amount"), side = tr.f64("side");
  const qt = qu.f64("timestamp"), bid = qu.f64("bidPrice"), ask = qu.f64("askPrice");
  const qe = qt[qt.length - 1];
  let sink = 0;
  const opts = { tradeTime: "timestamp", quoteTime: "timestamp", horizonsUs: HORIZONS_US, perTrade: false, units: ["bps"] as SpreadUnit[] };
  const whole = await timeRuns(() => spreads(tr, qu, opts), (r) => (sink += r.counts.n), RUNS, WARMUP);
  const k0 = await timeRuns(() => spreadKernel(t, price, amount, side, qt, bid, ask, [], 0, qe, false, ["bps"]), (r) => (sink += r.counts.n), RUNS, WARMUP);
  const k5 = await timeRuns(() => spreadKernel(t, price, amount, side, qt, bid, ask, HORIZONS_US, 0, qe, false, ["bps"]), (r) => (sink += r.counts.n), RUNS, WARMUP);
  const bare = await timeRuns(() => bareMerge(t, qt, bid, ask, 1e6), (r) => (sink += r), RUNS, WARMUP);
  const floor = await timeRuns(() => floorPass(tr, qu), (r) => (sink += r), FLOOR_RUNS, WARMUP);
  const perH = (k5.median - k0.median) / HORIZONS_US.length;
  const row = (what: string, ms: number) => console.log(`  ${what.padEnd(66)} ${fmtMs(ms).padStart(7)} ms`);
  console.log(`\nProfile of (a), aggregates only (medians of ${RUNS} after ${WARMUP} warm-up; the floor of ${FLOOR_RUNS}):`);
  row("spreads(), whole call", whole.median);
  row("  input checks + time-weighted quoted spread (call − kernel)", whole.median - k5.median);
  row("  pass 1: as-of merge at t, quoted and effective spread", k0.median);
  row(`  per horizon: as-of merge at t + Δ, realized spread and impact (×${HORIZONS_US.length})`, perH);
  row("bare as-of merge at t + 1 s (count 8 at a time, store the mid)", bare.median);
  row("floor: read 7 columns once, write 5 n-columns", floor.median);
  const merges = (HORIZONS_US.length + 1) * bare.median;
  console.log(`  ${HORIZONS_US.length + 1} bare merges: ${fmtMs(merges)} ms of the ${fmtMs(3 * floor.median)} ms that 3× the floor allows; whole call ${fmtRatio(whole.median / floor.median)} the floor`);
  if (sink === 42) console.log("");
}

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_LIQ_TRADES ?? 10_000_000);
  const m = Number(process.env.BENCH_LIQ_QUOTES ?? 30_000_000);
  if (process.env.BENCH_LIQ_PROFILE === "1") {
    title(`Spread measures on ${fmtInt(n)} trades × ${fmtInt(m)} quotes: where the time goes`);
    await profile(loadDay(n, m, false));
    return;
  }
  if (process.env.BENCH_LIQ_PART === "thp") {
    const day = loadDay(n, m, true);
    const part = await measureOurs(day, ["full"], "[THP] ");
    part.check = null;
    console.log(JSON.stringify(part));
    return;
  }
  title(`Spread measures (ES, RS, PI at 5 horizons) on ${fmtInt(n)} trades × ${fmtInt(m)} quotes: ours vs pandas vs floor`);
  console.log(`Wall clock; ours: median of ${RUNS} after ${WARMUP} warm-up (floor: of ${FLOOR_RUNS}); pandas: median of ${RUNS}. Identical data`);
  console.log("(raw float64 files in bench/.cache/, read by both); generation and loading not timed.");
  const day = loadDay(n, m, false);
  console.log(`\nours, default memory pages (as a notebook runs it):`);
  const main = await measureOurs(day, ["agg", "bps", "full"], "");
  console.log(`  (${main.countsLine}; AnonHugePages ${fmtMB(main.hugeMB)}, peak RSS ${fmtInt(main.maxRssMB)} MB)`);
  const check = main.check!;

  let thp: OursPart | null = null;
  if (process.env.BENCH_LIQ_THP !== "0") {
    console.log(`\nours in a child process with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (2 MiB pages, as numpy takes them):`);
    const c = await runThpChild();
    thp = c.part;
    if (thp) console.log(`  (AnonHugePages ${fmtMB(thp.hugeMB)}, peak RSS ${fmtInt(thp.maxRssMB)} MB)`);
    else console.log(`  not run: ${c.reason}`);
  }

  console.log(`\npandas (/usr/bin/python3):`);
  const tp = performance.now();
  const samples = sampleRows(n);
  const py = await runPython(PY_SPREADS, [day.dir, String(RUNS), JSON.stringify(samples), JSON.stringify(HORIZONS_US), JSON.stringify(LABELS)], 900_000);
  const v = py.value;
  let pandas: Timing | null = null;
  let agree = "";
  if (v) {
    pandas = timingOf(v.ms as number[], 0);
    console.log(
      `  pandas ${v.pandas} (numpy ${v.numpy}) merge_asof ×6 + arithmetic + means ${fmtMs(pandas.median).padStart(7)} ms median, min ${fmtMs(pandas.min)}` +
        ` (runs ${(v.ms as number[]).map(fmtMs).join(", ")})`,
    );
    console.log(
      `  (loaded in ${fmtMs(v.load_ms as number)} ms; whole Python run ${fmtMs(performance.now() - tp)} ms; AnonHugePages ${fmtMB(v.hugeMB as number | null)}, peak RSS ${fmtInt(v.maxRssMB as number)} MB)`,
    );
    const pc = v.count as Record<string, number>, pm = v.mean as Record<string, number | null>;
    const pa = v.meanAbs as Record<string, number | null>, ps = v.sample as Record<string, (number | null)[]>;
    const bad: string[] = [];
    let worst = 0;
    for (const c of PY_COLS) {
      if (check.count[c] !== pc[c]) bad.push(`${c}: count ours ${check.count[c]} pandas ${pc[c]}`);
      const a = check.mean[c], b = pm[c];
      const err = b === null ? (a !== a ? 0 : Infinity) : Math.abs(a - b);
      if (!(err <= 1e-9 * (pa[c] ?? 0))) bad.push(`${c}: mean ours ${a} pandas ${b}`);
      if (pa[c]) worst = Math.max(worst, err / pa[c]!);
      const diff = samples.filter((_, k) => !same(check.sample[c][k], ps[c][k])).length;
      if (diff) bad.push(`${c}: ${diff} of ${samples.length} sampled rows differ`);
    }
    agree = bad.length
      ? `DISAGREE: ${bad.slice(0, 6).join("; ")}${bad.length > 6 ? ` … (${bad.length} in all)` : ""}`
      : `agree: ${PY_COLS.length} measures (ES, RS, PI × price, bps), counts equal, means within ${worst.toExponential(1)}·mean|x| (tolerance 1e-9), ${samples.length} sampled rows equal`;
  } else {
    console.log(`  ${py.reason}`);
  }
  console.log(`\nours (c) vs pandas: ${v ? agree : "not compared (no pandas)"}`);
  console.log(
    `  mean ES ${check.mean.es.toFixed(6)} (${check.mean.es_bps.toFixed(4)} bps); mean RS / PI (bps): ` +
      LABELS.map((l) => `${l} ${check.mean["rs_bps_" + l].toFixed(4)} / ${check.mean["pi_bps_" + l].toFixed(4)}`).join(", "),
  );

  // summary
  interface Row { what: string; pages: string; t: Timing; floor: Timing; cols: number; isFloor?: boolean }
  const rows: Row[] = [];
  // new float64 n-columns per call: the per-trade columns except the 4 reused inputs (side becomes a new Int8Array)
  const fresh = (c: number | undefined) => (c ? c - 4 : 0);
  for (const x of VARIANTS) rows.push({ what: x.what, pages: "4 KiB", t: main.ours[x.key]!, floor: main.floor, cols: fresh(main.cols[x.key]) });
  rows.push({ what: "floor: read 7 columns once, write 5 n-columns", pages: "4 KiB", t: main.floor, floor: main.floor, cols: 5, isFloor: true });
  if (thp) {
    rows.push({ what: VARIANTS[2].what, pages: "2 MiB", t: thp.ours.full!, floor: thp.floor, cols: fresh(thp.cols.full) });
    rows.push({ what: "floor: read 7 columns once, write 5 n-columns", pages: "2 MiB", t: thp.floor, floor: thp.floor, cols: 5, isFloor: true });
  }
  console.log(`\nSpreads: summary (${fmtInt(n)} trades, ${fmtInt(m)} quotes, 5 horizons; pandas ${pandas ? fmtMs(pandas.median) + " ms" : "n/a"}; floor and ours/floor within the same process)`);
  console.log(
    table(
      ["workload", "pages", "new n-cols", "ms", "trades/s", "vs pandas", "≥2× faster", "ours/floor", "≤3× floor"],
      rows.map((r) => [
        r.what,
        r.pages,
        String(r.cols),
        fmtMs(r.t.median),
        fmtRate(rate(n, r.t.median)),
        r.isFloor ? "" : pandas ? fmtVs(r.t.median, pandas.median) : "n/a",
        r.isFloor ? "" : yesNo(pandas ? pandas.median / r.t.median >= 2 : null),
        r.isFloor ? "1.00×" : fmtRatio(r.t.median / r.floor.median),
        r.isFloor ? "" : yesNo(r.t.median / r.floor.median <= 3),
      ]),
      [0, 1],
    ),
  );
  console.log("targets (issue): ours ≥ 2× faster than pandas and ≤ 3× the floor. pages: memory page size of ours' process (pandas: 2 MiB, numpy's madvise).");
  console.log("new n-cols: float64 arrays of n values allocated and written per call (ours: the per-trade output columns).");
  console.log(`results: ${v ? agree : py.reason}`);
  for (const r of rows) {
    if (r.isFloor) continue;
    const vsF = r.t.median / r.floor.median;
    recordSummary({
      bench: "liquidity",
      workload: `spreads ${r.what.slice(4).replace(/ \(.*\)$/, "")}, ${r.pages} pages, ${fmtInt(n / 1e6)}M trades × ${fmtInt(m / 1e6)}M quotes`,
      ours: `${fmtMs(r.t.median)} ms (floor ${fmtMs(r.floor.median)})`,
      baseline: pandas ? `pandas merge_asof ${fmtMs(pandas.median)} ms` : NO_PANDAS,
      ratio: (pandas ? `ours ${fmtVs(r.t.median, pandas.median)}; ` : "") + `ours/floor ${fmtRatio(vsF)}`,
      target: "≥2× faster than pandas; ≤3× floor",
      met: `${yesNo(pandas ? pandas.median / r.t.median >= 2 : null)} / ${yesNo(vsF <= 3)}`,
    });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
