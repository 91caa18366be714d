/**
 * Loader for Binance kline (OHLCV candle) CSV files into CandleColumns.
 *
 * Layouts recognized (by the first line):
 * 1. Binance's official 12-column kline CSV (data.binance.vision), without a header or with one whose
 *    first field is an open-time name (`open_time`, `Open time`):
 *    open time, open, high, low, close, volume, close time, quote volume, trade count, taker-buy base
 *    volume, taker-buy quote volume, ignore. Times are epoch ms, or epoch µs (Binance spot files since
 *    2025-01-01), told apart per row by magnitude (≥ 1e14 → µs), or date-time strings (the Kaggle daily
 *    file: `2018-01-01` and `2018-01-01 23:59:59.999`), read as UTC.
 * 2. The 6-column layout without header: open time (ms or µs), open, high, low, close, volume.
 * 3. A named layout `date,open,high,low,close,volume[,ticker|symbol]` (header names case-insensitive,
 *    `date` a naive UTC date-time), as in the data set's hourly files.
 * Layouts 2 and 3 carry no close time: it is set to open + interval − 1 ms (Binance's convention) when
 * the interval is given (`interval` option) or inferred as the modal spacing of consecutive open times
 * (a note in the report says which); otherwise NaN. Quote volume, trades and taker-buy columns are NaN there.
 */
import { Frame } from "../frame/frame";
import { ArgumentError, DataError } from "../errors";
import { IssueLog, LoadedFrame } from "./loadReport";
import type { CandleColumns } from "./schemas";
import { noteEmptyLines, readCsvColumns, sqlIdent, sqlString, type CsvTable } from "./duckdb";
import { headLines, lineAt, splitFields, type FieldKind } from "./csv";

/** Options of `loadBinanceKlines`. */
export interface KlineLoadOptions {
  /** Candle interval as Binance writes it: 1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w. */
  interval?: string;
  /** Sort candles stably by open time when out of order (counted as repaired) instead of raising. */
  sort?: boolean;
  /** Raise on a row that would be dropped (non-positive price, negative volume, repeated open time). */
  strict?: boolean;
}

const UNIT_US: { [u: string]: number } = { s: 1e6, m: 60e6, h: 3600e6, d: 86400e6, w: 7 * 86400e6 };

/**
 * Length of a Binance kline interval in µs, e.g. "1h" → 3.6e9. Months ("1M") have no fixed length
 * and are refused (ArgumentError), as is anything that is not `<n><s|m|h|d|w>`.
 */
export function intervalUs(interval: string): number {
  const m = /^(\d+)([smhdw])$/.exec(interval);
  if (!m || Number(m[1]) <= 0) {
    throw new ArgumentError(
      `unknown kline interval "${interval}"`,
      {},
      interval.endsWith("M") ? "monthly candles have no fixed length; load them without an interval" : "use e.g. 1m, 15m, 1h, 4h, 1d, 1w",
    );
  }
  return Number(m[1]) * UNIT_US[m[2]];
}

/** A readable interval for µs, e.g. 3.6e9 → "1h" (falls back to seconds). */
function formatInterval(us: number): string {
  for (const [u, k] of [["w", 7 * 86400e6], ["d", 86400e6], ["h", 3600e6], ["m", 60e6], ["s", 1e6]] as const) {
    if (us % k === 0) return `${us / k}${u}`;
  }
  return `${us / 1e6}s`;
}

const OFFICIAL_NAMES = [
  "open_time", "open", "high", "low", "close", "volume", "close_time",
  "quote_volume", "count", "taker_buy_volume", "taker_buy_quote_volume", "ignore",
];

/** SQL: an integer epoch time in ms or µs (≥ 1e14 → µs) as DOUBLE µs. */
function epochIntUs(col: string): string {
  return `(CASE WHEN ${col} >= 100000000000000 THEN ${col} ELSE ${col} * 1000 END)::DOUBLE`;
}

const isIntString = (s: string | undefined): boolean => s !== undefined && /^\d+$/.test(s.trim());

/**
 * Loads a Binance kline CSV(.gz) into CandleColumns (open time `timestamp` and `closeTime` in epoch µs).
 * The report's symbol comes from a ticker/symbol column where present, else from a Binance file name
 * such as `BTCUSDT-1h-2024-01.csv`.
 *
 * Checks: a malformed line or a wrong column set → DataError (file, line, field); open times must
 * increase (DataError at the first line out of order, or a stable sort with `{ sort: true }`); a repeated
 * open time is dropped ("duplicate-candle"); a price ≤ 0 or a negative volume is dropped (DataError with
 * `strict`); high below max(open, close, low) or low above min(open, close) is kept and noted
 * ("ohlc-inconsistent"); missing candles (spacing > interval) are noted ("gap", count = candles missing).
 */
export async function loadBinanceKlines(path: string, opts: KlineLoadOptions = {}): Promise<LoadedFrame<CandleColumns>> {
  const started = performance.now();
  const explicitUs = opts.interval !== undefined ? intervalUs(opts.interval) : NaN;
  const head = await headLines(path, 2);
  if (head.length === 0 || head[0] === "") throw new DataError("file is empty", { file: path, line: 1 });
  const first = splitFields(head[0], ",", { file: path, line: 1 }).map((s) => s.trim());
  const hasHeader = !isIntString(first[0]);
  const data = hasHeader ? (head[1] !== undefined ? splitFields(head[1]).map((s) => s.trim()) : null) : first;
  const norm = (s: string) => s.toLowerCase().replace(/[\s-]+/g, "_");

  let types: Record<string, string>;
  let select: string[];
  let layout: "official" | "six" | "named";
  let tickerCol: string | null = null;
  let fileNames: string[]; // names as in the file (header) or our positional names
  const kinds: Record<string, FieldKind> = {}; // integer time columns, for the diagnostic re-read
  if (!hasHeader || ["open_time", "opentime"].includes(norm(first[0]))) {
    if (first.length === 12) {
      layout = "official";
      fileNames = hasHeader ? first : OFFICIAL_NAMES;
      const intTimes = data ? isIntString(data[0]) : !hasHeader;
      types = {};
      fileNames.forEach((nm, j) => {
        types[nm] = j === 0 || j === 6 ? (intTimes ? "DOUBLE" : "TIMESTAMP") : j === 11 ? "VARCHAR" : "DOUBLE";
      });
      if (intTimes) kinds[fileNames[0]] = kinds[fileNames[6]] = "BIGINT";
      const c = fileNames.map(sqlIdent);
      const time = (col: string) => (intTimes ? epochIntUs(col) : `epoch_us(${col})::DOUBLE`);
      select = [
        `${time(c[0])} AS timestamp`, `${time(c[6])} AS closeTime`,
        `${c[1]} AS open`, `${c[2]} AS high`, `${c[3]} AS low`, `${c[4]} AS close`, `${c[5]} AS volume`,
        `${c[7]} AS quoteVolume`, `${c[8]} AS trades`, `${c[9]} AS takerBuyVolume`, `${c[10]} AS takerBuyQuoteVolume`,
      ];
    } else if (first.length === 6 && !hasHeader) {
      layout = "six";
      fileNames = OFFICIAL_NAMES.slice(0, 6);
      types = { open_time: "DOUBLE", open: "DOUBLE", high: "DOUBLE", low: "DOUBLE", close: "DOUBLE", volume: "DOUBLE" };
      kinds.open_time = "BIGINT";
      select = [`${epochIntUs("open_time")} AS timestamp`, "open", "high", "low", "close", "volume"];
    } else {
      throw new DataError(
        `expected 12 fields (Binance kline CSV) or 6 (open time, open, high, low, close, volume), found ${first.length}`,
        { file: path, line: 1 },
        "is this a Binance kline file?",
      );
    }
  } else {
    layout = "named";
    fileNames = first;
    const want = ["date", "open", "high", "low", "close", "volume"];
    const lower = first.map(norm);
    const missing = want.filter((w) => !lower.includes(w));
    const extra = lower.filter((w) => !want.includes(w) && w !== "ticker" && w !== "symbol");
    if (missing.length || extra.length) {
      throw new DataError(
        `wrong column set for Binance klines: expected [${want.join(",")}[,ticker]] or the 12-column Binance kline layout, found [${first.join(",")}]` +
          (missing.length ? `; missing: ${missing.join(", ")}` : "") +
          (extra.length ? `; unexpected: ${extra.join(", ")}` : ""),
        { file: path, line: 1 },
        "is this a Binance kline file?",
      );
    }
    const col = (w: string) => sqlIdent(first[lower.indexOf(w)]);
    types = {};
    first.forEach((nm, j) => {
      const w = lower[j];
      types[nm] = w === "date" ? (data && isIntString(data[j]) ? "DOUBLE" : "TIMESTAMP") : w === "ticker" || w === "symbol" ? "VARCHAR" : "DOUBLE";
    });
    const dateIsInt = types[first[lower.indexOf("date")]] === "DOUBLE";
    if (dateIsInt) kinds[first[lower.indexOf("date")]] = "BIGINT";
    select = [
      `${dateIsInt ? epochIntUs(col("date")) : `epoch_us(${col("date")})::DOUBLE`} AS timestamp`,
      `${col("open")} AS open`, `${col("high")} AS high`, `${col("low")} AS low`, `${col("close")} AS close`, `${col("volume")} AS volume`,
    ];
    const tIdx = lower.findIndex((w) => w === "ticker" || w === "symbol");
    if (tIdx >= 0) tickerCol = first[tIdx];
  }

  // Symbol: a ticker column (checked constant in SQL), else the file name.
  let symbol: string | undefined;
  if (tickerCol !== null && data) {
    symbol = data[fileNames.indexOf(tickerCol)];
    select.push(`(${sqlIdent(tickerCol)} IS DISTINCT FROM ${sqlString(symbol ?? "")})::TINYINT AS mixed`);
  }
  if (symbol === undefined) {
    const m = /(?:^|[\\/])([A-Z0-9]{4,})[-_]\d+[smhdwM][-_.]/.exec(path);
    if (m) symbol = m[1];
  }

  const t = await readCsvColumns(path, types, {
    header: hasHeader,
    select,
    what: "Binance klines",
    kinds,
    head,
    optional: layout === "official" ? [fileNames[11]] : [],
  });
  const f = t.frame;
  const n = f.length;
  const ts = f.f64("timestamp");
  const open = f.f64("open");
  const high = f.f64("high");
  const low = f.f64("low");
  const close = f.f64("close");
  const volume = f.f64("volume");
  const nan = () => new Float64Array(n).fill(NaN);
  const official = layout === "official";
  let closeTime = official ? f.f64("closeTime") : nan();
  const quoteVolume = official ? f.f64("quoteVolume") : nan();
  const trades = official ? f.f64("trades") : nan();
  const takerBuyVolume = official ? f.f64("takerBuyVolume") : nan();
  const takerBuyQuoteVolume = official ? f.f64("takerBuyQuoteVolume") : nan();
  const log = new IssueLog();
  noteEmptyLines(log, path, t);
  const where = (i: number) => `${path}:${t.lineOf(i)}`;

  if (f.has("mixed")) {
    const i = (f.col("mixed") as Int8Array).indexOf(1);
    if (i >= 0) throw await rowErr(path, t, i, tickerCol ?? "ticker", `the file mixes symbols (first row: ${symbol})`, "load one symbol per file");
  }

  const names = ["timestamp", "open", "high", "low", "close", "volume"] as const;
  const cols = [ts, open, high, low, close, volume];
  const keep = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(ts[i])) throw await rowErr(path, t, i, "open time", ts[i] !== ts[i] ? "empty open time" : `open time ${ts[i]} µs is not a whole number`);
    for (let k = 1; k < 6; k++) {
      const v = cols[k][i];
      if (!Number.isFinite(v)) throw await rowErr(path, t, i, names[k], v !== v ? `empty ${names[k]} (or not a number)` : `${names[k]} ${v} is not a finite number`);
    }
    if (official && !Number.isInteger(closeTime[i])) throw await rowErr(path, t, i, "close time", "empty close time or not a whole number of µs");
    const o = open[i], h = high[i], l = low[i], c = close[i];
    if (!(o > 0 && h > 0 && l > 0 && c > 0)) {
      await drop(i, "non-positive-price", "price", "open, high, low or close ≤ 0");
      continue;
    }
    if (volume[i] < 0) {
      await drop(i, "negative-volume", "volume", `volume ${volume[i]} < 0`);
      continue;
    }
    if (h < Math.max(o, c, l) || l > Math.min(o, c)) log.add("ohlc-inconsistent", "note", "high below open/close/low or low above open/close (kept)", where(i));
  }

  // Time order: strictly increasing open times; equal ones are duplicates.
  let order: Int32Array | null = null;
  {
    let max = -Infinity;
    let bad = -1;
    let nBad = 0;
    const ex: string[] = [];
    for (let i = 0; i < n; i++) {
      if (ts[i] < max) {
        if (bad < 0) bad = i;
        nBad++;
        if (ex.length < 5) ex.push(where(i));
      } else max = ts[i];
    }
    if (bad >= 0) {
      if (!opts.sort) {
        throw await rowErr(
          path, t, bad, "open time",
          `candles are not in time order: open time ${iso(ts[bad])} is earlier than the previous row's ${iso(ts[bad - 1])}`,
          "pass { sort: true } to sort them stably by open time (the report counts them as repaired)",
        );
      }
      log.addMany("unsorted-timestamp", "repaired", "candles out of open-time order, stably sorted", nBad, ex);
      order = new Frame({ k: ts }).argsort("k");
    }
  }
  const idx = (k: number) => (order ? order[k] : k);
  {
    let prevTs = NaN;
    for (let k = 0; k < n; k++) {
      const i = idx(k);
      if (!keep[i]) continue;
      if (ts[i] === prevTs) await drop(i, "duplicate-candle", "open time", `open time ${iso(ts[i])} repeated; the later row is dropped`);
      else prevTs = ts[i];
    }
  }

  // Interval: given, else the modal spacing of kept consecutive open times.
  let step = explicitUs;
  const keptIdx: number[] = [];
  for (let k = 0; k < n; k++) if (keep[idx(k)]) keptIdx.push(idx(k));
  if (!(step > 0) && keptIdx.length >= 2) {
    const counts = new Map<number, number>();
    let best = NaN;
    let bestN = 0;
    for (let k = 1; k < keptIdx.length; k++) {
      const d = ts[keptIdx[k]] - ts[keptIdx[k - 1]];
      const c = (counts.get(d) ?? 0) + 1;
      counts.set(d, c);
      if (c > bestN || (c === bestN && d < best)) {
        best = d;
        bestN = c;
      }
    }
    step = best;
    if (!official) {
      log.addMany("interval-inferred", "note", `interval ${formatInterval(step)} inferred from the modal spacing of open times (${bestN} of ${keptIdx.length - 1} spacings); closeTime = open + interval − 1 ms`, keptIdx.length);
    }
  }
  if (!official) {
    if (step > 0) {
      closeTime = new Float64Array(n);
      for (let i = 0; i < n; i++) closeTime[i] = ts[i] + step - 1000;
      if (explicitUs > 0) log.addMany("close-time-from-interval", "note", `closeTime = open + ${opts.interval} − 1 ms (the file has no close time)`, keptIdx.length);
    } else {
      log.addMany("no-close-time", "note", "the file has no close time and the interval is unknown: closeTime is NaN", n);
    }
  }
  if (step > 0) {
    let missing = 0;
    let irregular = 0;
    const exG: string[] = [];
    const exI: string[] = [];
    for (let k = 1; k < keptIdx.length; k++) {
      const d = ts[keptIdx[k]] - ts[keptIdx[k - 1]];
      if (d > step) {
        if (d % step === 0) {
          missing += d / step - 1;
          if (exG.length < 5) exG.push(where(keptIdx[k]));
        } else {
          irregular++;
          if (exI.length < 5) exI.push(where(keptIdx[k]));
        }
      } else if (d < step) {
        irregular++;
        if (exI.length < 5) exI.push(where(keptIdx[k]));
      }
    }
    log.addMany("gap", "note", `candles missing (spacing > ${formatInterval(step)}); count = candles missing, examples = first line after a gap`, missing, exG);
    log.addMany("irregular-spacing", "note", `open times not a whole number of ${formatInterval(step)} apart`, irregular, exI);
  }

  const all: CandleColumns = { timestamp: ts, closeTime, open, high, low, close, volume, quoteVolume, trades, takerBuyVolume, takerBuyQuoteVolume };
  let out = new Frame(all);
  let keepMask = keep;
  if (order) {
    out = out.take(order);
    keepMask = new Uint8Array(n);
    for (let k = 0; k < n; k++) keepMask[k] = keep[order[k]];
  }
  if (log.dropped > 0) out = out.filter(keepMask);
  return new LoadedFrame<CandleColumns>(out.columns as CandleColumns, {
    files: [path],
    rowsRead: n,
    rowsKept: out.length,
    issues: log.issues,
    symbol,
    exchange: "binance",
    elapsedMs: performance.now() - started,
  });

  async function drop(i: number, kind: string, field: string, message: string): Promise<void> {
    if (opts.strict) throw await rowErr(path, t, i, field, message, "without { strict: true } such rows are dropped and counted");
    keep[i] = 0;
    log.add(kind, "dropped", message, where(i));
  }
}

function iso(us: number): string {
  return Number.isFinite(us) ? new Date(us / 1000).toISOString() : String(us);
}

async function rowErr(path: string, t: CsvTable, i: number, field: string, msg: string, hint?: string): Promise<DataError> {
  const line = t.lineOf(i);
  const text = await lineAt(path, line);
  return new DataError(`${msg}${text !== undefined ? `: ${text.slice(0, 160)}` : ""}`, { file: path, line, field }, hint);
}
