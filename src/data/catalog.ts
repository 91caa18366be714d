/**
 * The data catalog: what data sets lie under the data root, found by looking at the files present
 * (each file is recognised by its name and its first line, never by a hard-coded list), and the default
 * market the notebooks use.
 *
 * Recognised layouts (see data/SOURCES.md of the real data set):
 * - raw Binance captures `<local time> <json>` (hftbacktest collector; trades, quotes and L2 in one stream),
 * - Tardis CSVs `exchange,symbol,timestamp,local_timestamp,…` (trades / book ticker / incremental_book_L2),
 * - kline CSVs: Binance's 12 columns (`Open time,…` or headerless) and `date,open,high,low,close,volume[,ticker]`,
 * - news `date;sentiment;source;subject;text;title;url` (cryptonews layout),
 * - event lists `YYYY-MM-DD,url,headline` without header,
 * - labelled text `text,label`,
 * - a folder with a makerlab synthetic `manifest.json` (read instead of sniffing).
 * Licence files, READMEs and checksum lists are not data and are skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { FileNotFoundError } from "../errors";
import { dataRoot, hasRealData } from "./dataRoot";
import { ensureSyntheticDataset, readSyntheticManifest, SYNTHETIC_GENERATOR, type SyntheticManifest } from "./synthetic";

/** What a data set holds. */
export type DatasetKind = "trades" | "quotes" | "L2" | "candles" | "news" | "events" | "labelled-text";

/** File layouts the catalog recognises. */
export type CatalogFormat = "binance-raw-capture" | "tardis-csv" | "binance-klines" | "ohlcv-csv" | "cryptonews-csv" | "events-csv" | "labelled-text-csv";

/** One recognised data file. */
export interface CatalogFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the data set's folder, with forward slashes. */
  rel: string;
  format: CatalogFormat;
  /** What the file holds (a raw capture holds trades, quotes and L2). */
  kinds: DatasetKind[];
  /** Upper-case symbol, when the file is about one. */
  symbol?: string;
  /** Candle interval (e.g. "1h", "1d") for candle files. */
  interval?: string;
  bytes: number;
}

/** One data set (a folder of the data root, or one part of the synthetic data set). */
export interface CatalogEntry {
  /** Folder name (synthetic parts: `<folder>/<part>`). */
  name: string;
  source: "real" | "synthetic";
  kinds: DatasetKind[];
  /** Exchange and market (e.g. "binance-spot", "binance-usdm"), the news sources, or "" when none applies. */
  venue: string;
  symbols: string[];
  /** First and last time covered, epoch µs (end exclusive for candles: last open + interval); null if unknown or not computed. */
  span: { startUs: number; endUs: number } | null;
  files: CatalogFile[];
  /** Sum of the data files' sizes, bytes. */
  bytes: number;
  /** Data rows, where known without reading the data (synthetic manifest). */
  rows?: number;
}

/** Options of `catalog`. */
export interface CatalogOptions {
  /**
   * Read the first and last rows of files to find each data set's time span (default true). This decompresses
   * some files in full (about half a second for the whole real data set); `false` only reads first lines.
   */
  spans?: boolean;
}

const SKIP_FILE = /^(license|licence|readme|copying|notice|sha256sums|sources)|\.(md|txt|json|tmp-.*)$/i;

/** The first `n` lines of a plain or gzip file, reading at most `maxBytes` of it (partial gzip inflate). */
function firstLines(file: string, n: number, maxBytes = 65536): string[] {
  const fd = fs.openSync(file, "r");
  let buf: Buffer;
  try {
    const b = Buffer.alloc(maxBytes);
    const got = fs.readSync(fd, b, 0, maxBytes, 0);
    buf = b.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      return [];
    }
  }
  const text = buf.toString("utf8");
  const lines = text.split(/\r?\n/);
  // the last piece may be cut at maxBytes: keep it only when the file was shorter than that
  if (buf.length >= maxBytes || lines.length > n) return lines.slice(0, Math.min(n, Math.max(1, lines.length - 1)));
  return lines.slice(0, n);
}

/** The whole text of a plain or gzip file. */
function readText(file: string): string {
  const raw = fs.readFileSync(file);
  return (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw).toString("utf8");
}

/** The last non-empty line of a plain or gzip file (decompresses it in full). */
function lastLine(file: string): string {
  const text = readText(file);
  let e = text.length;
  while (e > 0 && (text[e - 1] === "\n" || text[e - 1] === "\r")) e--;
  const s = text.lastIndexOf("\n", e - 1);
  return text.slice(s + 1, e);
}

/** Epoch µs of a capture's leading local time (19 digits ns, 16 µs, 13 ms), NaN otherwise. */
function captureTimeUs(line: string): number {
  const tok = line.slice(0, line.indexOf(" "));
  if (!/^\d+$/.test(tok)) return NaN;
  if (tok.length >= 19) return Number(tok.slice(0, tok.length - 3));
  if (tok.length === 16) return Number(tok);
  if (tok.length === 13) return Number(tok) * 1000;
  return NaN;
}

/** Epoch µs of a kline time field: epoch ms (13 digits) or µs (16), or a UTC `YYYY-MM-DD[ HH:MM[:SS[.fff]]]`. */
function klineTimeUs(s: string): number {
  const t = s.trim();
  if (/^\d{16}$/.test(t)) return Number(t);
  if (/^\d{13}$/.test(t)) return Number(t) * 1000;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(t);
  if (!m) return NaN;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7] ? +m[7].padEnd(3, "0") : 0);
  return ms * 1000;
}

const INTERVAL_US: { [k: string]: number } = { m: 60e6, h: 3600e6, d: 86400e6, w: 7 * 86400e6 };
function intervalToUs(iv: string | undefined): number {
  const m = iv ? /^(\d+)([mhdw])$/.exec(iv) : null;
  return m ? Number(m[1]) * INTERVAL_US[m[2]] : NaN;
}
function usToInterval(us: number): string | undefined {
  for (const [u, len] of [["w", INTERVAL_US.w], ["d", INTERVAL_US.d], ["h", INTERVAL_US.h], ["m", INTERVAL_US.m]] as Array<[string, number]>) {
    if (us >= len && us % len === 0) return `${us / len}${u}`;
  }
  return undefined;
}

/** A symbol named in a folder or file name (`…-btcusdt-…` → BTCUSDT), or undefined. */
function symbolFromName(name: string): string | undefined {
  const m = /(?:^|[-_])([a-z0-9]{2,12}(?:usdt|usdc|busd|btc|eth|usd))(?:[-_.]|$)/i.exec(name);
  return m ? m[1].toUpperCase() : undefined;
}

/** Recognises one file from its name and first lines; undefined when it is not a data file we know. */
function recognise(file: string, rel: string, folderName: string): CatalogFile | undefined {
  const base = path.basename(file);
  if (SKIP_FILE.test(base)) return undefined;
  const bytes = fs.statSync(file).size;
  const lines = firstLines(file, 3);
  if (lines.length === 0) return undefined;
  const l0 = lines[0].replace(/^\uFEFF/, "");
  const mk = (format: CatalogFormat, kinds: DatasetKind[], extra: { symbol?: string; interval?: string } = {}): CatalogFile => ({
    path: file,
    rel,
    format,
    kinds,
    ...(extra.symbol ? { symbol: extra.symbol } : {}),
    ...(extra.interval ? { interval: extra.interval } : {}),
    bytes,
  });

  // raw capture: "<digits> {json"
  if (/^\d{13,19} [{[]/.test(l0)) {
    const m = /^([a-z0-9]+)_\d{8}/i.exec(base);
    return mk("binance-raw-capture", ["trades", "quotes", "L2"], { symbol: m ? m[1].toUpperCase() : symbolFromName(folderName) });
  }
  // Tardis CSVs
  if (l0.startsWith("exchange,symbol,timestamp,local_timestamp,")) {
    const sym = lines[1] ? lines[1].split(",")[1] : undefined;
    const rest = l0.slice("exchange,symbol,timestamp,local_timestamp,".length);
    let kinds: DatasetKind[] = [];
    if (/^id,side,price,amount/.test(rest)) kinds = ["trades"];
    else if (/^ask_amount,ask_price,bid_price,bid_amount/.test(rest)) kinds = ["quotes"];
    else if (/^is_snapshot,side,price,amount/.test(rest)) kinds = ["L2"];
    else if (/^asks\[0\]/.test(rest)) kinds = ["L2"];
    else return undefined;
    const m = /_([A-Z0-9]+)\.csv/.exec(base);
    return mk("tardis-csv", kinds, { symbol: (sym || (m ? m[1] : "")).toUpperCase() || undefined });
  }
  // news (cryptonews layout)
  if (/^date;sentiment;source;subject;text;title;url$/i.test(l0.trim())) return mk("cryptonews-csv", ["news"]);
  // labelled text
  if (/^"?text"?,"?label"?$/i.test(l0.trim())) return mk("labelled-text-csv", ["labelled-text"]);
  // events without header
  if (/^\d{4}-\d{2}-\d{2},https?:\/\//.test(l0)) return mk("events-csv", ["events"]);
  // candles
  const nameInterval = /_(\d+[mhdw])(?:_|\.|$)/.exec(base)?.[1];
  const f0 = l0.split(",");
  const isKlineHeader = /^(open[ _]?time)$/i.test(f0[0]?.trim() ?? "") && f0.length >= 11;
  const isKlineRow = f0.length >= 11 && /^\d{13,16}$/.test(f0[0]?.trim() ?? "");
  if (isKlineHeader || isKlineRow) {
    const row = (isKlineHeader ? lines[1] : l0)?.split(",");
    let interval = nameInterval;
    if (row && row.length >= 7) {
      const o = klineTimeUs(row[0]);
      const c = klineTimeUs(row[6]);
      if (o === o && c === c) interval = usToInterval(c + 1000 - o) ?? interval;
    }
    const fileSym = /^([A-Z0-9]{4,})[_-]/.exec(base)?.[1];
    return mk("binance-klines", ["candles"], { symbol: fileSym ?? symbolFromName(folderName) ?? symbolFromName(base), interval });
  }
  if (/^date,open,high,low,close,volume(,(ticker|symbol))?$/i.test(l0.trim())) {
    let interval = nameInterval;
    if (!interval && lines.length >= 3) {
      const a = klineTimeUs(lines[1].split(",")[0]);
      const b = klineTimeUs(lines[2].split(",")[0]);
      if (a === a && b === b) interval = usToInterval(b - a);
    }
    const tick = lines[1]?.split(",")[6]?.trim();
    const fileSym = /^([A-Z0-9]{4,})[_-]/.exec(base)?.[1];
    return mk("ohlcv-csv", ["candles"], { symbol: tick || fileSym || symbolFromName(folderName), interval });
  }
  return undefined;
}

/** [start, end) µs of one file, or null. Candle ends are the last open + interval (or the last close time + 1 ms). */
function fileSpan(f: CatalogFile): { startUs: number; endUs: number; sources?: Set<string> } | null {
  switch (f.format) {
    case "binance-raw-capture": {
      const a = captureTimeUs(firstLines(f.path, 1)[0] ?? "");
      const b = captureTimeUs(lastLine(f.path));
      return a === a && b === b ? { startUs: a, endUs: b } : null;
    }
    case "tardis-csv": {
      const l = firstLines(f.path, 2);
      const a = Number(l[1]?.split(",")[2]);
      const b = Number(lastLine(f.path).split(",")[2]);
      return Number.isFinite(a) && Number.isFinite(b) ? { startUs: a, endUs: b } : null;
    }
    case "binance-klines":
    case "ohlcv-csv": {
      const l = firstLines(f.path, 2);
      const first = f.format === "binance-klines" && !/^open/i.test(l[0]) ? l[0] : l[1];
      const a = klineTimeUs(first?.split(",")[0] ?? "");
      const last = lastLine(f.path).split(",");
      let b = NaN;
      if (f.format === "binance-klines" && last.length >= 7) b = klineTimeUs(last[6]) + 1000;
      if (!(b === b)) b = klineTimeUs(last[0]) + intervalToUs(f.interval);
      return a === a && b === b ? { startUs: a, endUs: b } : null;
    }
    case "cryptonews-csv": {
      let lo = Infinity;
      let hi = -Infinity;
      const sources = new Set<string>();
      const re = /^(\d{1,2})-(\d{1,2})-(\d{4}) (\d{1,2}):(\d{2});[^;]*;([^;]*);/;
      for (const line of readText(f.path).split("\n")) {
        const m = re.exec(line);
        if (!m) continue;
        const us = Date.UTC(+m[3], +m[2] - 1, +m[1], +m[4], +m[5]) * 1000;
        if (us < lo) lo = us;
        if (us > hi) hi = us;
        sources.add(m[6].replace(/^"|"$/g, ""));
      }
      return lo <= hi ? { startUs: lo, endUs: hi, sources } : null;
    }
    case "events-csv": {
      let lo = Infinity;
      let hi = -Infinity;
      for (const line of readText(f.path).split("\n")) {
        const m = /^(\d{4})-(\d{2})-(\d{2}),/.exec(line);
        if (!m) continue;
        const us = Date.UTC(+m[1], +m[2] - 1, +m[3]) * 1000;
        if (us < lo) lo = us;
        if (us > hi) hi = us;
      }
      return lo <= hi ? { startUs: lo, endUs: hi + 86400e6 } : null;
    }
    default:
      return null;
  }
}

/** All files under `dir` (recursive, at most 4 levels), sorted by relative path; skips dot files. */
function listFiles(dir: string, rel = "", depth = 0, out: Array<{ abs: string; rel: string }> = []): Array<{ abs: string; rel: string }> {
  if (depth > 4) return out;
  const ents = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of ents) {
    if (e.name.startsWith(".")) continue;
    const abs = path.join(dir, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) listFiles(abs, r, depth + 1, out);
    else if (e.isFile()) out.push({ abs, rel: r });
  }
  return out;
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

const KIND_ORDER: DatasetKind[] = ["trades", "quotes", "L2", "candles", "news", "events", "labelled-text"];
function sortKinds(k: DatasetKind[]): DatasetKind[] {
  return uniq(k).sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
}

/** Catalog entries of a synthetic data set folder, from its manifest (files that are missing are left out). */
function syntheticEntries(dir: string, name: string, m: SyntheticManifest): CatalogEntry[] {
  const groups: Array<{ part: string; kinds: SyntheticManifest["files"][number]["kind"][]; span: { startUs: number; endUs: number } | null; venue: string }> = [
    { part: "tardis-format", kinds: ["trades", "quotes", "L2"], span: m.span, venue: m.exchange },
    { part: "klines-1h", kinds: ["candles1h"], span: m.historySpan, venue: m.exchange },
    { part: "klines-1d", kinds: ["candles1d"], span: m.historySpan, venue: m.exchange },
    { part: "news", kinds: ["news"], span: m.historySpan, venue: "synthetic headlines" },
  ];
  const out: CatalogEntry[] = [];
  for (const g of groups) {
    const files: CatalogFile[] = [];
    let rows = 0;
    for (const f of m.files) {
      if (!g.kinds.includes(f.kind)) continue;
      const abs = path.join(dir, ...f.path.split("/"));
      if (!fs.existsSync(abs)) continue;
      const kind: DatasetKind = f.kind === "candles1h" || f.kind === "candles1d" ? "candles" : f.kind;
      const format: CatalogFormat = kind === "candles" ? "binance-klines" : kind === "news" ? "cryptonews-csv" : "tardis-csv";
      files.push({
        path: abs,
        rel: f.path,
        format,
        kinds: [kind],
        ...(f.symbol ? { symbol: f.symbol } : {}),
        ...(f.kind === "candles1h" ? { interval: "1h" } : f.kind === "candles1d" ? { interval: "1d" } : {}),
        bytes: fs.statSync(abs).size,
      });
      rows += f.rows;
    }
    if (files.length === 0) continue;
    out.push({
      name: `${name}/${g.part}`,
      source: "synthetic",
      kinds: sortKinds(files.flatMap((f) => f.kinds)),
      venue: g.venue,
      symbols: uniq(files.map((f) => f.symbol).filter((s): s is string => !!s)),
      span: g.span,
      files,
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      rows,
    });
  }
  return out;
}

/** Venue of a market-data folder: from its name (spot / usdm / coin-m), else from a capture's first message. */
function venueOf(folderName: string, files: CatalogFile[]): string {
  const n = folderName.toLowerCase();
  const ex = files.find((f) => f.format === "tardis-csv");
  const raw = files.find((f) => f.format === "binance-raw-capture");
  const exchange = ex ? (firstLines(ex.path, 2)[1]?.split(",")[0] ?? "") : raw || n.includes("binance") ? "binance" : "";
  if (!exchange) return "";
  if (/(^|-)usdm(-|$)|usd-m|futures/.test(n)) return `${exchange}-usdm`;
  if (/(^|-)(cm|coinm)(-|$)/.test(n)) return `${exchange}-coinm`;
  if (/(^|-)spot(-|$)/.test(n)) return `${exchange}-spot`;
  if (raw && /"pu":|"T":\d/.test(firstLines(raw.path, 3).join("\n"))) return `${exchange}-usdm`;
  return exchange;
}

/**
 * The data sets under `root` (default: the data root), one entry per folder, recognised from the files present:
 * name, kinds (trades / quotes / L2 / candles / news / events / labelled-text), venue, symbols, time span,
 * file paths and size in bytes. A folder (or the root itself) holding a makerlab synthetic manifest.json is
 * listed from the manifest, as up to four entries (tick data, hourly and daily candles, news).
 * Folders with no recognised data file are left out. Throws FileNotFoundError if `root` does not exist.
 */
export function catalog(root: string = dataRoot(), opts: CatalogOptions = {}): CatalogEntry[] {
  const withSpans = opts.spans ?? true;
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new FileNotFoundError(`data root ${root} is not a folder`, { file: root }, "set MAKERLAB_DATA to a data folder, or run `makerlab data info` without it to use the synthetic market");
  }
  const rootManifest = readSyntheticManifest(root);
  if (rootManifest) return syntheticEntries(root, path.basename(root), rootManifest);
  const real = fs.existsSync(path.join(root, "SOURCES.md"));
  const out: CatalogEntry[] = [];
  const dirs = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  for (const name of dirs) {
    const dir = path.join(root, name);
    const m = readSyntheticManifest(dir);
    if (m) {
      out.push(...syntheticEntries(dir, name, m));
      continue;
    }
    const files: CatalogFile[] = [];
    for (const f of listFiles(dir)) {
      const c = recognise(f.abs, f.rel, name);
      if (c) files.push(c);
    }
    if (files.length === 0) continue;
    let span: CatalogEntry["span"] = null;
    let venue = venueOf(name, files);
    if (withSpans) {
      // tick data: the span of the Tardis trades files when present (small), else of the raw captures
      const tick = files.filter((f) => f.format === "tardis-csv" && f.kinds[0] === "trades");
      const pick = tick.length ? tick : files.filter((f) => f.format !== "tardis-csv");
      let lo = Infinity;
      let hi = -Infinity;
      const sources = new Set<string>();
      for (const f of pick) {
        const s = fileSpan(f);
        if (!s) continue;
        if (s.startUs < lo) lo = s.startUs;
        if (s.endUs > hi) hi = s.endUs;
        if (s.sources) for (const x of s.sources) sources.add(x);
      }
      if (lo <= hi) span = { startUs: lo, endUs: hi };
      if (sources.size) venue = [...sources].sort().join(", ");
    }
    out.push({
      name,
      source: real ? "real" : "synthetic",
      kinds: sortKinds(files.flatMap((f) => f.kinds)),
      venue,
      symbols: uniq(files.map((f) => f.symbol).filter((s): s is string => !!s)).sort(),
      span,
      files,
      bytes: files.reduce((s, f) => s + f.bytes, 0),
    });
  }
  return out;
}

function fmtBytes(b: number): string {
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(0)} kB`;
  return `${b} B`;
}

function fmtTime(us: number, day: boolean): string {
  const iso = new Date(us / 1000).toISOString();
  return day ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " ");
}

/** A span as text: `2024-08-08 23:54 → 2024-08-09 00:05` (minutes) when shorter than 3 days, else dates. */
export function formatSpan(span: { startUs: number; endUs: number } | null): string {
  if (!span) return "n/a";
  const day = span.endUs - span.startUs >= 3 * 86400e6;
  return `${fmtTime(span.startUs, day)} → ${fmtTime(span.endUs, day)}`;
}

/**
 * A fixed-width text table of catalog entries (one line each: name, source, kinds, venue, symbols, span, files,
 * size), with a total line; symbols beyond 4 are summarised as "+N". For `makerlab data info`.
 */
export function formatCatalog(entries: CatalogEntry[]): string {
  if (entries.length === 0) return "(no data sets found)";
  const head = ["data set", "source", "kinds", "venue", "symbols", "span (UTC)", "files", "size"];
  const rows = entries.map((e) => [
    e.name,
    e.source,
    e.kinds.join("/"),
    e.venue.length > 40 ? e.venue.slice(0, 39) + "…" : e.venue || "-",
    e.symbols.length === 0 ? "-" : e.symbols.length <= 4 ? e.symbols.join(",") : `${e.symbols.slice(0, 3).join(",")} +${e.symbols.length - 3}`,
    formatSpan(e.span),
    String(e.files.length),
    fmtBytes(e.bytes),
  ]);
  const all = [head, ...rows];
  const w = head.map((_, j) => Math.max(...all.map((r) => r[j].length)));
  const line = (r: string[]): string => r.map((s, j) => (j >= 6 ? s.padStart(w[j]) : s.padEnd(w[j]))).join("  ").trimEnd();
  const total = entries.reduce((s, e) => s + e.bytes, 0);
  const nFiles = entries.reduce((s, e) => s + e.files.length, 0);
  return [line(head), line(w.map((x) => "-".repeat(x))), ...rows.map(line), `${entries.length} data sets, ${nFiles} files, ${fmtBytes(total)}`].join("\n");
}

/** The paths the notebooks use by default (see `defaultMarket`). */
export interface DefaultMarket {
  /** "real": the public data set; "synthetic": the seeded synthetic market. */
  source: "real" | "synthetic";
  /** One line saying what this is, for notebook captions. */
  label: string;
  /** Upper-case symbol of the tick data. */
  symbol: string;
  /** Tardis-format trades CSV(.gz). */
  trades: string;
  /** Tardis-format book ticker (quotes) CSV(.gz). */
  quotes: string;
  /** Tardis-format incremental_book_L2 CSV(.gz). */
  depthL2: string;
  /** Raw capture files of the symbol, in time order (real data only). */
  rawCapture?: string[];
  /** Hourly candle files by symbol. */
  candles1h?: { [symbol: string]: string };
  /** Daily candle files by symbol. */
  candles1d?: { [symbol: string]: string };
  /** Headlines in the cryptonews layout. */
  news?: string;
  /** Curated event list (real data only). */
  events?: string;
  /** The data root these paths lie under. */
  dataRoot: string;
}

/** Folder of the default real tick data (data/SOURCES.md §1). */
export const DEFAULT_REAL_TICK_FOLDER = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08";
/** Symbol of the default real tick data. */
export const DEFAULT_REAL_SYMBOL = "BTCUSDT";

function candlesByInterval(entries: CatalogEntry[], interval: string): { [symbol: string]: string } | undefined {
  const o: { [symbol: string]: string } = {};
  for (const e of entries) for (const f of e.files) if (f.kinds[0] === "candles" && f.interval === interval && f.symbol && !o[f.symbol]) o[f.symbol] = f.path;
  return Object.keys(o).length ? o : undefined;
}

/**
 * The data the notebooks use by default. With the real data set (hasRealData()): BTCUSDT of
 * binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08 (Tardis-format files plus the raw capture files), the
 * hourly and daily candles, the cryptonews headlines and the event list, all found through `catalog`.
 * Otherwise the synthetic market: the data root itself if it holds a synthetic manifest, else
 * `<data root>/synthetic`, written there first by `ensureSyntheticDataset` when missing or out of date.
 * Throws FileNotFoundError when the real data set lacks the default tick files.
 */
export function defaultMarket(root: string = dataRoot()): DefaultMarket {
  const real = root === dataRoot() ? hasRealData() : fs.existsSync(path.join(root, "SOURCES.md"));
  if (real) {
    const entries = catalog(root, { spans: false }).filter((e) => e.source === "real");
    const tick = entries.find((e) => e.name === DEFAULT_REAL_TICK_FOLDER);
    const pick = (kind: DatasetKind): string | undefined =>
      tick?.files.find((f) => f.format === "tardis-csv" && f.kinds[0] === kind && f.symbol === DEFAULT_REAL_SYMBOL)?.path;
    const trades = pick("trades");
    const quotes = pick("quotes");
    const depthL2 = pick("L2");
    if (!tick || !trades || !quotes || !depthL2) {
      throw new FileNotFoundError(
        `the real data set lacks the default tick data (${DEFAULT_REAL_TICK_FOLDER}/tardis-format, ${DEFAULT_REAL_SYMBOL})`,
        { file: path.join(root, DEFAULT_REAL_TICK_FOLDER) },
        "restore the folder from data/SOURCES.md, or point MAKERLAB_DATA elsewhere",
      );
    }
    const raw = tick.files.filter((f) => f.format === "binance-raw-capture" && f.symbol === DEFAULT_REAL_SYMBOL).map((f) => f.path).sort();
    const news = entries.find((e) => e.kinds.includes("news"))?.files.find((f) => f.kinds[0] === "news")?.path;
    const events = entries.find((e) => e.kinds.includes("events"))?.files.find((f) => f.kinds[0] === "events")?.path;
    const c1h = candlesByInterval(entries, "1h");
    const c1d = candlesByInterval(entries, "1d");
    return {
      source: "real",
      label: "Binance spot BTCUSDT, 2024-08-08 23:54 → 2024-08-09 00:05 UTC (real public data, hftbacktest capture)",
      symbol: DEFAULT_REAL_SYMBOL,
      trades,
      quotes,
      depthL2,
      ...(raw.length ? { rawCapture: raw } : {}),
      ...(c1h ? { candles1h: c1h } : {}),
      ...(c1d ? { candles1d: c1d } : {}),
      ...(news ? { news } : {}),
      ...(events ? { events } : {}),
      dataRoot: root,
    };
  }
  const m0 = readSyntheticManifest(root);
  const dir = m0 && m0.generator === SYNTHETIC_GENERATOR ? root : path.join(root, "synthetic");
  const p = ensureSyntheticDataset(dir);
  const m = readSyntheticManifest(dir);
  const minutes = m ? Math.round((m.span.endUs - m.span.startUs) / 60e6) : 0;
  return {
    source: "synthetic",
    label: `Synthetic ${p.symbol} (seed ${m?.seed ?? "?"}, ${minutes} min from ${m ? fmtTime(m.span.startUs, false) : "?"} UTC): generated by makerlab, not market data`,
    symbol: p.symbol,
    trades: p.trades,
    quotes: p.quotes,
    depthL2: p.depthL2,
    ...(Object.keys(p.candles1h).length ? { candles1h: p.candles1h } : {}),
    ...(Object.keys(p.candles1d).length ? { candles1d: p.candles1d } : {}),
    ...(p.news ? { news: p.news } : {}),
    dataRoot: root,
  };
}
