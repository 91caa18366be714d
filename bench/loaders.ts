/**
 * Loader throughput: rows/s of three ways of loading the same Tardis CSV.gz file, measured in the same run.
 * Run: node --expose-gc --import tsx bench/loaders.ts   (or all benches: npm run bench)
 * Env: BENCH_LOADER_ROWS = rows of the synthetic file (default 10,000,000).
 *
 * (a) ours: `loadTardisTrades` / `loadTardisBookL2` (src/data/tardis.ts), everything they do: header check,
 *     DuckDB `read_csv` with explicit types, the concurrent byte-level gzip/line scan (truncated-gzip and
 *     lost-line check), the copy into typed arrays, the validation pass (integer µs, codes, finite and positive
 *     values, one symbol per file, duplicate trade ids, time order) and the LoadReport.
 * (b) DuckDB alone: the same shared in-memory @duckdb/node-api instance, `read_csv` with explicit column types
 *     (auto_detect off, the same read_csv options as ours, buffer_size 2 MiB included), selecting the same output
 *     columns (timestamps and id as BIGINT cast to DOUBLE, side / is_snapshot turned into TINYINT codes in SQL),
 *     materialized with `conn.run`, then copied into Float64Array / Int8Array through the public API only
 *     (per chunk `getChunk(k)`, `getColumnVector(c)`, per value `getItem(i)`). No validation, no line check, no report.
 * (c) pandas 1.5 `read_csv` (C engine) with explicit dtypes (int64 times and ids, float64 prices and amounts,
 *     category for exchange/symbol/side, bool for is_snapshot), run by Debian's /usr/bin/python3; the time is
 *     taken inside Python (time.perf_counter around read_csv), so interpreter start-up and imports are excluded.
 *     No validation.
 * Every figure is wall-clock time, median (and min) of N runs after warm-up runs; the GC runs between runs,
 * outside the timing. DuckDB uses its default thread count (2 here); ours adds a gunzip pass on Node's thread
 * pool; pandas uses one thread.
 *
 * The synthetic file (bench/.cache/, generated once, seeded) has the Tardis trades layout: exchange "binance",
 * symbol "BTCUSDT", strictly increasing µs timestamps (exponential gaps, mean 8.64 ms), local_timestamp 0.3–2.3 ms
 * later, consecutive unique ids, buy/sell, prices on a 0.01 tick random walk around 60,000 and amounts in
 * 0.00001 BTC lots (log-normal), each written as an exact shortest decimal ("61837.6", "0.0235").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { performance } from "node:perf_hooks";
import { DuckDBTypeId, type DuckDBVector } from "@duckdb/node-api";
import { loadTardisBookL2, loadTardisTrades } from "../src/data/tardis";
import { CSV_BUFFER_SIZE, closeDuckDB, sqlString, withConnection } from "../src/data/duckdb";
import { dataPath, hasRealData } from "../src/data/dataRoot";
import { createRng } from "../src/frame/rng";
import {
  NO_PANDAS,
  PY_PRELUDE,
  cacheDir,
  fmtInt,
  fmtMs,
  fmtRate,
  fmtRatio,
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

type Kind = "trades" | "l2";

/** Seed of the synthetic trades file; changing it (or the format version) names a new cache file. */
const SEED = 20240808;
const FORMAT_VERSION = 1;

/** Writes the decimal digits of an integer 0 ≤ x < 10^8 at b[p…]; returns the position after them. */
function writeSmall(b: Buffer, p: number, x: number): number {
  let n = 1;
  for (let y = x; y >= 10; y = (y / 10) | 0) n++;
  let q = p + n;
  do {
    const y = (x / 10) | 0;
    b[--q] = 48 + x - y * 10;
    x = y;
  } while (x > 0);
  return p + n;
}

/** Writes exactly `width` decimal digits of the integer 0 ≤ x < 10^width (zero-padded) at b[p…]. */
function writePadded(b: Buffer, p: number, x: number, width: number): number {
  for (let q = p + width - 1; q >= p; q--) {
    const y = (x / 10) | 0;
    b[q] = 48 + x - y * 10;
    x = y;
  }
  return p + width;
}

/** Writes the decimal digits of a safe integer x ≥ 0 at b[p…] (as `String(x)` would). */
function writeUint(b: Buffer, p: number, x: number): number {
  if (x < 1e8) return writeSmall(b, p, x);
  const hi = Math.floor(x / 1e8);
  return writePadded(b, writeUint(b, p, hi), x - hi * 1e8, 8);
}

/**
 * Writes units / 10^digits (units a safe integer ≥ 0, 10^digits = `pow` ≤ 10^8) as its exact shortest decimal:
 * no trailing zeros, no point for a whole number ("61837.6", "0.0235", "3"), as `String(units / pow)` would
 * for these magnitudes.
 */
function writeDecimal(b: Buffer, p: number, units: number, digits: number, pow: number): number {
  const ip = Math.floor(units / pow);
  let fp = units - ip * pow;
  p = writeUint(b, p, ip);
  if (fp === 0) return p;
  let w = digits;
  while (fp % 10 === 0) {
    fp /= 10;
    w--;
  }
  b[p++] = 46; // "."
  return writePadded(b, p, fp, w);
}

/**
 * Writes `rows` synthetic trades in the Tardis trades layout to `file` (gzip level 6). Rows are written as bytes
 * into 4 MB buffers (no string per row), each handed to the gzip stream, whose work runs on Node's thread pool
 * while the next buffer is filled. Seeded by `seed` through `createRng`, so the file is the same on every run.
 * Written to a temporary name and renamed at the end, so an interrupted run leaves no half file in the cache.
 */
async function writeSyntheticTrades(file: string, rows: number, seed: number): Promise<void> {
  const rng = createRng(seed);
  const tmp = `${file}.${process.pid}.tmp`;
  const out = fs.createWriteStream(tmp);
  const gz = zlib.createGzip({ level: 6, chunkSize: 1 << 20 });
  gz.pipe(out);
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
    gz.on("error", reject);
  });
  const write = (b: Buffer) => (gz.write(b) ? Promise.resolve() : new Promise<void>((r) => gz.once("drain", () => r())));
  await write(Buffer.from("exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n"));
  const PREFIX = Buffer.from("binance,BTCUSDT,");
  const BUY = Buffer.from(",buy,");
  const SELL = Buffer.from(",sell,");
  const SIZE = 1 << 22;
  let t = 1_723_161_600_000_000; // 2024-08-09 00:00:00 UTC, µs
  let bid = 6_000_000; // best bid in 0.01 ticks
  const id0 = 3_735_683_259;
  let b = Buffer.allocUnsafe(SIZE);
  let p = 0;
  for (let i = 0; i < rows; i++) {
    t += 1 + Math.floor(rng.exponential(1 / 8640));
    const lt = t + 300 + rng.int(2000);
    const u = rng.next();
    if (u < 0.1) bid += 1 + rng.int(3);
    else if (u < 0.2) bid -= 1 + rng.int(3);
    const buy = rng.next() < 0.5;
    const lots = Math.min(10_000_000, Math.max(1, Math.round(Math.exp(5.7 + 1.6 * rng.normal()))));
    p += PREFIX.copy(b, p);
    p = writeUint(b, p, t);
    b[p++] = 44;
    p = writeUint(b, p, lt);
    b[p++] = 44;
    p = writeUint(b, p, id0 + i);
    p += (buy ? BUY : SELL).copy(b, p);
    p = writeDecimal(b, p, buy ? bid + 1 : bid, 2, 100);
    b[p++] = 44;
    p = writeDecimal(b, p, lots, 5, 100000);
    b[p++] = 10;
    if (p > SIZE - 256) {
      await write(b.subarray(0, p));
      b = Buffer.allocUnsafe(SIZE); // the gzip stream keeps the old buffer until it has consumed it
      p = 0;
    }
  }
  if (p > 0) await write(b.subarray(0, p));
  gz.end();
  await done;
  fs.renameSync(tmp, file);
}

/** The cached synthetic trades file, generated if absent. */
async function syntheticTrades(rows: number): Promise<string> {
  const file = path.join(cacheDir(), `tardis-trades-synthetic-${rows}-seed${SEED}-v${FORMAT_VERSION}.csv.gz`);
  if (fs.existsSync(file)) {
    console.log(`synthetic trades: ${path.relative(process.cwd(), file)} (cached, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`);
    return file;
  }
  const t0 = performance.now();
  await writeSyntheticTrades(file, rows, SEED);
  console.log(
    `synthetic trades: generated ${fmtInt(rows)} rows into ${path.relative(process.cwd(), file)} ` +
      `(${(fs.statSync(file).size / 1e6).toFixed(0)} MB) in ${fmtMs(performance.now() - t0)} ms (not part of any timing)`,
  );
  return file;
}

/** The read_csv options of ours (duckdb.ts `readCsvColumns`), buffer_size included, so (b) differs from (a) only in what (a) adds. */
const READ_OPTS = `header=true, auto_detect=false, delim=',', quote='"', escape='"', compression='gzip', buffer_size=${CSV_BUFFER_SIZE}`;

/** The DuckDB-only query of baseline (b) for `kind`. */
function duckQuery(file: string, kind: Kind): string {
  if (kind === "trades") {
    return (
      `SELECT timestamp::DOUBLE AS timestamp, local_timestamp::DOUBLE AS localTimestamp, id::DOUBLE AS id, ` +
      `(CASE side WHEN 'buy' THEN 1 WHEN 'sell' THEN -1 ELSE 0 END)::TINYINT AS side, price, amount ` +
      `FROM read_csv(${sqlString(file)}, ${READ_OPTS}, columns={'exchange': 'VARCHAR', 'symbol': 'VARCHAR', ` +
      `'timestamp': 'BIGINT', 'local_timestamp': 'BIGINT', 'id': 'BIGINT', 'side': 'VARCHAR', 'price': 'DOUBLE', 'amount': 'DOUBLE'})`
    );
  }
  return (
    `SELECT timestamp::DOUBLE AS timestamp, local_timestamp::DOUBLE AS localTimestamp, ` +
    `is_snapshot::TINYINT AS isSnapshot, (CASE side WHEN 'bid' THEN 1 WHEN 'ask' THEN -1 ELSE 0 END)::TINYINT AS side, price, amount ` +
    `FROM read_csv(${sqlString(file)}, ${READ_OPTS}, columns={'exchange': 'VARCHAR', 'symbol': 'VARCHAR', ` +
    `'timestamp': 'BIGINT', 'local_timestamp': 'BIGINT', 'is_snapshot': 'BOOLEAN', 'side': 'VARCHAR', 'price': 'DOUBLE', 'amount': 'DOUBLE'})`
  );
}

/**
 * Baseline (b): DuckDB `read_csv` with explicit types into typed arrays, public @duckdb/node-api only:
 * `conn.run` (materialized result), then per chunk and column `getColumnVector(c).getItem(i)` into a
 * preallocated Float64Array (DOUBLE) or Int8Array (TINYINT). Returns the row count.
 */
async function duckdbTyped(file: string, kind: Kind): Promise<number> {
  return withConnection(async (conn) => {
    const r = await conn.run(duckQuery(file, kind));
    const n = r.rowCount;
    const nc = r.columnCount;
    const cols: (Float64Array | Int8Array)[] = [];
    for (let c = 0; c < nc; c++) cols.push(r.columnTypeId(c) === DuckDBTypeId.TINYINT ? new Int8Array(n) : new Float64Array(n));
    let off = 0;
    for (let k = 0; k < r.chunkCount; k++) {
      const chunk = r.getChunk(k);
      const m = chunk.rowCount;
      for (let c = 0; c < nc; c++) {
        const v = chunk.getColumnVector(c) as DuckDBVector<number>;
        const o = cols[c];
        for (let i = 0; i < m; i++) o[off + i] = v.getItem(i) as number;
      }
      off += m;
    }
    if (off !== n) throw new Error(`DuckDB baseline: copied ${off} of ${n} rows`);
    return n;
  });
}

/** Python: pandas read_csv with explicit dtypes, timed inside Python; argv: path kind runs warmup. */
const PY_READ_CSV =
  PY_PRELUDE +
  String.raw`
path, kind, runs, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
common = {"exchange": "category", "symbol": "category", "timestamp": "int64", "local_timestamp": "int64",
          "side": "category", "price": "float64", "amount": "float64"}
if kind == "trades":
    dtype = dict(common, id="int64")
else:
    dtype = dict(common, is_snapshot="bool")
rows = [0]
def load():
    df = pd.read_csv(path, dtype=dtype, engine="c", compression="gzip")
    rows[0] = len(df)
    return df
ms = timed(load, runs, warmup)
emit({"ms": ms, "rows": rows[0]})
`;

/** One file's figures. */
interface FileResult {
  name: string;
  rows: number;
  ours: Timing;
  duck: Timing;
  pandas: Timing | string;
}

async function benchFile(name: string, file: string, kind: Kind, runs: number, warmup: number, pandasRuns: number, pandasWarmup: number): Promise<FileResult> {
  console.log(`\n${name}: ${path.basename(file)} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB gzip)`);
  let rows = 0;
  let kept = 0;
  const ours = await timeIt(async () => {
    const f = kind === "trades" ? await loadTardisTrades(file) : await loadTardisBookL2(file);
    rows = f.report.rowsRead;
    kept = f.length;
  }, runs, warmup);
  console.log(`  (a) ours     ${fmtMs(ours.median).padStart(8)} ms median, min ${fmtMs(ours.min)}, ${runs} runs after ${warmup} warm-up; ${fmtInt(rows)} rows read, ${fmtInt(kept)} kept`);
  let duckRows = 0;
  const duck = await timeIt(async () => {
    duckRows = await duckdbTyped(file, kind);
  }, runs, warmup);
  console.log(`  (b) DuckDB   ${fmtMs(duck.median).padStart(8)} ms median, min ${fmtMs(duck.min)}, ${runs} runs after ${warmup} warm-up; ${fmtInt(duckRows)} rows`);
  if (duckRows !== rows) console.log(`  WARNING: DuckDB read ${duckRows} rows, ours ${rows}`);
  const py = await runPython(PY_READ_CSV, [file, kind, String(pandasRuns), String(pandasWarmup)], 600_000);
  let pandas: Timing | string;
  const v = py.value;
  if (v) {
    pandas = timingOf(v.ms as number[], pandasWarmup);
    const pr = v.rows as number;
    console.log(`  (c) pandas   ${fmtMs(pandas.median).padStart(8)} ms median, min ${fmtMs(pandas.min)}, ${pandasRuns} runs after ${pandasWarmup} warm-up; ${fmtInt(pr)} rows (pandas ${v.pandas})`);
    if (pr !== rows) console.log(`  WARNING: pandas read ${pr} rows, ours ${rows}`);
  } else {
    pandas = py.reason;
    console.log(`  (c) ${py.reason}`);
  }
  return { name, rows, ours, duck, pandas };
}

async function main(): Promise<void> {
  title("Loaders: Tardis CSV.gz → typed columns (wall clock; median of N after warm-up)");
  console.log("(a) ours = loadTardisTrades / loadTardisBookL2, everything incl. validation, gzip line check and report");
  console.log("(b) DuckDB = same instance, read_csv with explicit types and ours' read_csv options, same output columns,");
  console.log("    materialized, copied into typed arrays through the public API (getChunk / getColumnVector / getItem); no checks");
  console.log("(c) pandas = /usr/bin/python3, pd.read_csv(dtype=explicit, engine='c'), timed inside Python; no checks");
  const results: FileResult[] = [];
  const kinds: Kind[] = [];
  if (hasRealData()) {
    const dir = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/";
    const trades = dataPath(dir + "binance_trades_BTCUSDT.csv.gz");
    const l2 = dataPath(dir + "binance_incremental_book_L2_BTCUSDT.csv.gz");
    if (fs.existsSync(trades)) {
      results.push(await benchFile("real BTCUSDT trades", trades, "trades", 15, 3, 15, 3));
      kinds.push("trades");
    } else console.log(`\n(skipped: ${trades} not found)`);
    if (fs.existsSync(l2)) {
      results.push(await benchFile("real BTCUSDT incremental_book_L2", l2, "l2", 7, 2, 7, 1));
      kinds.push("l2");
    } else console.log(`\n(skipped: ${l2} not found)`);
  } else {
    console.log("\n(real data not found under the data root: skipping the two real files)");
  }
  const rows = Number(process.env.BENCH_LOADER_ROWS ?? 10_000_000);
  console.log("");
  const syn = await syntheticTrades(rows);
  // 3 timed runs each; pandas without a warm-up run (the file is already in the page cache, and read_csv has no JIT).
  results.push(await benchFile(`synthetic trades ${fmtInt(rows)} rows`, syn, "trades", 3, 1, 3, 0));
  kinds.push("trades");
  await closeDuckDB();

  console.log("\nLoaders: summary (ms = median of the runs above; rows/s = rows / median)");
  const body: string[][] = [];
  for (let k = 0; k < results.length; k++) {
    const r = results[k];
    const p = typeof r.pandas === "string" ? null : r.pandas;
    const oursVsDuck = r.ours.median / r.duck.median;
    const oursVsPandas = p ? p.median / r.ours.median : NaN;
    body.push([
      r.name,
      fmtInt(r.rows),
      fmtMs(r.ours.median),
      fmtRate(rate(r.rows, r.ours.median)),
      fmtMs(r.duck.median),
      fmtRate(rate(r.rows, r.duck.median)),
      p ? fmtMs(p.median) : "n/a",
      p ? fmtRate(rate(r.rows, p.median)) : "n/a",
      fmtRatio(oursVsDuck),
      p ? fmtVs(r.ours.median, p.median) : "n/a",
    ]);
    const isTrades = kinds[k] === "trades";
    const duckMet = oursVsDuck <= 1.5;
    const pandasMet = p ? oursVsPandas > 1 : null;
    recordSummary({
      bench: "loaders",
      workload: `${r.name}: load`,
      ours: `${fmtMs(r.ours.median)} ms, ${fmtRate(rate(r.rows, r.ours.median))} rows/s`,
      baseline: `DuckDB ${fmtMs(r.duck.median)} ms, ${fmtRate(rate(r.rows, r.duck.median))} rows/s`,
      ratio: `ours/DuckDB ${fmtRatio(oursVsDuck)}`,
      target: isTrades ? "≤ 1.5× DuckDB" : "(none for L2)",
      met: isTrades ? (duckMet ? "yes" : "NO") : "",
    });
    recordSummary({
      bench: "loaders",
      workload: `${r.name}: load`,
      ours: `${fmtMs(r.ours.median)} ms, ${fmtRate(rate(r.rows, r.ours.median))} rows/s`,
      baseline: p ? `pandas ${fmtMs(p.median)} ms, ${fmtRate(rate(r.rows, p.median))} rows/s` : NO_PANDAS,
      ratio: p ? `ours ${fmtVs(r.ours.median, p.median)}` : "",
      target: isTrades ? "faster than pandas" : "(none for L2)",
      met: isTrades && pandasMet !== null ? (pandasMet ? "yes" : "NO") : "",
    });
  }
  console.log(
    table(
      ["file", "rows", "ours ms", "ours rows/s", "DuckDB ms", "DuckDB rows/s", "pandas ms", "pandas rows/s", "ours/DuckDB", "ours vs pandas"],
      body,
    ),
  );
  console.log("targets (trade loader): ours/DuckDB ≤ 1.5×, and faster than pandas");
  for (let k = 0; k < results.length; k++) {
    if (kinds[k] !== "trades") continue;
    const r = results[k];
    const p = typeof r.pandas === "string" ? null : r.pandas;
    const d = r.ours.median / r.duck.median;
    console.log(
      `  ${r.name}: ours/DuckDB ${fmtRatio(d)} → ${d <= 1.5 ? "met" : "NOT met"}; ` +
        (p ? `ours ${fmtVs(r.ours.median, p.median)} than pandas → ${p.median > r.ours.median ? "met" : "NOT met"}` : NO_PANDAS),
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
