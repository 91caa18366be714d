/**
 * Loaders for Tardis.dev CSV(.gz) files (https://docs.tardis.dev/downloadable-csv-files): trades,
 * incremental_book_L2, quotes and book_snapshot_N, into the normalized layouts of schemas.ts.
 *
 * Bulk parse: DuckDB `read_csv` with explicit column types (duckdb.ts `readCsvColumns`); string columns
 * (side, is_snapshot) are turned into codes inside the SQL, so no JS string is made per row. Then one
 * validation pass over the typed arrays: required values present, codes known, one symbol per file,
 * time order, prices and amounts positive, duplicate trade ids. Drops and repairs go to the report.
 * Tardis timestamps are integer epoch µs. They are read as DOUBLE (exact for integers below 2^53) and then
 * checked to be whole numbers: DuckDB's BIGINT parse would silently round "1.5" to 2.
 */
import { Frame, type Columns } from "../frame/frame";
import { DataError } from "../errors";
import { IssueLog, LoadedFrame } from "./loadReport";
import { levelColumn, type BookChangeColumns, type QuoteColumns, type TradeColumns } from "./schemas";
import { noteEmptyLines, readCsvColumns, sqlIdent, sqlString, type CsvTable } from "./duckdb";
import { headLines, lineAt, splitFields, checkHeader, type FieldKind } from "./csv";

/** Options shared by the Tardis loaders. */
export interface TardisLoadOptions {
  /**
   * When rows are out of time order: false (default) raises a DataError naming the first such line;
   * true sorts them stably by time and counts the moved rows as "unsorted-timestamp" (repaired).
   */
  sort?: boolean;
  /** Raise a DataError on a row that would be dropped (non-positive price or amount) instead of dropping it. */
  strict?: boolean;
}

/** Code that the SQL CASE gives an unknown side / flag string. */
const BAD_CODE = 9;

const CSV_TYPES = {
  trades: {
    exchange: "VARCHAR", symbol: "VARCHAR", timestamp: "DOUBLE", local_timestamp: "DOUBLE",
    id: "VARCHAR", side: "VARCHAR", price: "DOUBLE", amount: "DOUBLE",
  },
  l2: {
    exchange: "VARCHAR", symbol: "VARCHAR", timestamp: "DOUBLE", local_timestamp: "DOUBLE",
    is_snapshot: "VARCHAR", side: "VARCHAR", price: "DOUBLE", amount: "DOUBLE",
  },
  quotes: {
    exchange: "VARCHAR", symbol: "VARCHAR", timestamp: "DOUBLE", local_timestamp: "DOUBLE",
    ask_amount: "DOUBLE", ask_price: "DOUBLE", bid_price: "DOUBLE", bid_amount: "DOUBLE",
  },
} as const;

/** Reads a Tardis file through DuckDB, adding a `mixed` flag column (1 where exchange/symbol differ from the first row). */
async function readTardis(
  path: string,
  types: Record<string, string>,
  select: string[],
  what: string,
  kinds: Record<string, { oneOf: readonly string[] }>,
  optional: string[] = [],
): Promise<{ t: CsvTable; exchange?: string; symbol?: string; started: number }> {
  const started = performance.now();
  // The first data row names the exchange and symbol; every other row must match them.
  const head = await headLines(path, 2);
  let exchange: string | undefined;
  let symbol: string | undefined;
  if (head.length === 2 && head[1] !== "") {
    const names = splitFields(head[0]).map((s) => s.trim());
    const first = splitFields(head[1], ",", { file: path, line: 2, names });
    exchange = first[names.indexOf("exchange")];
    symbol = first[names.indexOf("symbol")];
  }
  const mixed =
    exchange !== undefined && symbol !== undefined
      ? `(exchange IS DISTINCT FROM ${sqlString(exchange)} OR symbol IS DISTINCT FROM ${sqlString(symbol)})::TINYINT AS mixed`
      : `0::TINYINT AS mixed`;
  const t = await readCsvColumns(path, types, {
    select: [...select, mixed],
    what,
    kinds: { exchange: "VARCHAR", symbol: "VARCHAR", timestamp: "BIGINT", local_timestamp: "BIGINT", ...kinds } as Record<string, FieldKind>,
    optional,
    head,
  });
  return { t, exchange, symbol, started };
}

/** A DataError at row i's line, quoting the line. */
async function rowError(path: string, t: CsvTable, i: number, field: string, msg: string, hint?: string): Promise<DataError> {
  const line = t.lineOf(i);
  const text = await lineAt(path, line);
  return new DataError(`${msg}${text !== undefined ? `: ${text.length > 160 ? text.slice(0, 159) + "…" : text}` : ""}`, { file: path, line, field }, hint);
}

/** Message for a timestamp that DuckDB read but is not a whole number of µs (empty → NaN; DuckDB also accepts "nan", "inf", "1.5"). */
function notInteger(field: string, v: number): string {
  return v !== v ? `empty ${field} (or not a number)` : `${field} ${v} is not an integer (epoch µs expected)`;
}

/** Message for a price or amount that is empty, NaN or infinite. */
function notFinite(field: string, v: number): string {
  return v !== v ? `empty ${field} (or not a number)` : `${field} ${v} is not a finite number`;
}

const TIME_HINT = "pass { sort: true } to sort the rows stably by time (the report counts them as repaired)";

/**
 * Checks time order of `ts` (non-decreasing). Returns null when sorted. Otherwise, without `sort`,
 * throws a DataError at the first row earlier than its predecessor; with `sort`, counts the rows
 * earlier than the running maximum as "unsorted-timestamp" (repaired) and returns the stable sort order.
 */
async function timeOrder(
  path: string,
  t: CsvTable,
  ts: Float64Array,
  field: string,
  opts: TardisLoadOptions,
  log: IssueLog,
): Promise<Int32Array | null> {
  const n = ts.length;
  let max = -Infinity;
  let firstBad = -1;
  let bad = 0;
  const examples: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = ts[i];
    if (v < max) {
      if (firstBad < 0) firstBad = i;
      bad++;
      if (examples.length < 5) examples.push(`${path}:${t.lineOf(i)}`);
    } else max = v;
  }
  if (firstBad < 0) return null;
  if (!opts.sort) {
    throw await rowError(
      path, t, firstBad, field,
      `rows are not in time order: ${field} ${ts[firstBad]} is earlier than the previous row's ${ts[firstBad - 1]} (${bad} row${bad === 1 ? "" : "s"} out of order)`,
      TIME_HINT,
    );
  }
  log.addMany("unsorted-timestamp", "repaired", `rows out of ${field} order, stably sorted by ${field}`, bad, examples);
  return new Frame({ k: ts }).argsort("k");
}

/** Builds the LoadedFrame: drops rows with keep[i] = 0, applies the sort order, fills the report. */
function finish<C extends Columns>(
  cols: C,
  keep: Uint8Array | null,
  order: Int32Array | null,
  path: string,
  rowsRead: number,
  log: IssueLog,
  started: number,
  exchange?: string,
  symbol?: string,
): LoadedFrame<C> {
  let f = new Frame(cols);
  if (order) {
    // Sort first, then drop: keep is indexed by file row.
    f = f.take(order);
    if (keep) {
      const k2 = new Uint8Array(keep.length);
      for (let i = 0; i < order.length; i++) k2[i] = keep[order[i]];
      keep = k2;
    }
  }
  if (keep && log.dropped > 0) f = f.filter(keep);
  return new LoadedFrame(f.columns as C, {
    files: [path],
    rowsRead,
    rowsKept: f.length,
    issues: log.issues,
    exchange,
    symbol,
    elapsedMs: performance.now() - started,
  });
}

/** A fresh IssueLog holding the note on empty lines skipped, if any. */
function newLog(path: string, t: CsvTable): IssueLog {
  const log = new IssueLog();
  noteEmptyLines(log, path, t);
  return log;
}

/** Marks row i dropped (or throws with `strict`). */
async function dropRow(
  path: string, t: CsvTable, i: number, keep: Uint8Array, log: IssueLog, opts: TardisLoadOptions,
  kind: string, field: string, message: string,
): Promise<void> {
  if (opts.strict) throw await rowError(path, t, i, field, message, "strict mode: without { strict: true } such rows are dropped and counted");
  keep[i] = 0;
  log.add(kind, "dropped", message, `${path}:${t.lineOf(i)}`);
}

/** Both time columns must hold whole epoch µs: DataError naming the first row (file line) and field that does not. O(n). */
async function checkIntegerTimes(path: string, t: CsvTable, ts: Float64Array, lts: Float64Array): Promise<void> {
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isInteger(ts[i])) throw await rowError(path, t, i, "timestamp", notInteger("timestamp", ts[i]));
    if (!Number.isInteger(lts[i])) throw await rowError(path, t, i, "local_timestamp", notInteger("local_timestamp", lts[i]));
  }
}

/** Throws when the mixed flag is set on some row (a file holding several exchanges or symbols). */
async function checkMixed(path: string, t: CsvTable, mixed: Int8Array, exchange?: string, symbol?: string): Promise<void> {
  const i = mixed.indexOf(1);
  if (i >= 0) {
    throw await rowError(
      path, t, i, "symbol",
      `the file mixes exchanges or symbols (first row: ${exchange}/${symbol})`,
      "the loaders expect one exchange and symbol per file; filter it first, e.g. with sql()",
    );
  }
}

/**
 * Loads a Tardis `trades` CSV(.gz) (columns exchange,symbol,timestamp,local_timestamp,id,side,price,amount,
 * in any order) into TradeColumns: `timestamp`/`localTimestamp` epoch µs (exact), `side` +1 buy / −1 sell /
 * 0 unknown (the aggressor side), `id` the trade id as float64 (NaN when empty or not numeric, counted
 * as the note "missing-trade-id"). The report's exchange and symbol come from the file.
 *
 * Bad input: a malformed line or a wrong column set → DataError (file, line, field); rows out of
 * `timestamp` order → DataError at the first such line, or a stable sort with `{ sort: true }`;
 * a repeated trade id → the later row dropped ("duplicate-trade-id"); price or amount ≤ 0 → dropped
 * ("non-positive-price" / "non-positive-amount"), or DataError with `{ strict: true }`.
 */
export async function loadTardisTrades(path: string, opts: TardisLoadOptions = {}): Promise<LoadedFrame<TradeColumns>> {
  const { t, exchange, symbol, started } = await readTardis(
    path,
    CSV_TYPES.trades,
    [
      "timestamp",
      "local_timestamp AS localTimestamp",
      `(CASE side WHEN 'buy' THEN 1 WHEN 'sell' THEN -1 WHEN 'unknown' THEN 0 ELSE ${BAD_CODE} END)::TINYINT AS side`,
      "coalesce(TRY_CAST(id AS DOUBLE), 'NaN'::DOUBLE) AS id",
      "price",
      "amount",
    ],
    "Tardis trades",
    { side: { oneOf: ["buy", "sell", "unknown"] } },
    ["id"],
  );
  const f = t.frame;
  const n = f.length;
  const ts = f.f64("timestamp");
  const lts = f.f64("localTimestamp");
  const side = f.col("side") as Int8Array;
  const id = f.f64("id");
  const price = f.f64("price");
  const amount = f.f64("amount");
  await checkMixed(path, t, f.col("mixed") as Int8Array, exchange, symbol);
  const log = newLog(path, t);
  const keep = new Uint8Array(n).fill(1);
  await checkIntegerTimes(path, t, ts, lts);
  let missingId = 0;
  const missingIdEx: string[] = [];
  for (let i = 0; i < n; i++) {
    if (side[i] === BAD_CODE) throw await rowError(path, t, i, "side", 'side must be "buy", "sell" or "unknown"');
    const p = price[i];
    const a = amount[i];
    if (!Number.isFinite(p)) throw await rowError(path, t, i, "price", notFinite("price", p));
    if (!Number.isFinite(a)) throw await rowError(path, t, i, "amount", notFinite("amount", a));
    if (!(p > 0)) await dropRow(path, t, i, keep, log, opts, "non-positive-price", "price", `price ${p} ≤ 0`);
    else if (!(a > 0)) await dropRow(path, t, i, keep, log, opts, "non-positive-amount", "amount", `amount ${a} ≤ 0`);
    if (id[i] !== id[i]) {
      missingId++;
      if (missingIdEx.length < 5) missingIdEx.push(`${path}:${t.lineOf(i)}`);
    }
  }
  if (missingId > 0) log.addMany("missing-trade-id", "note", "trade id empty or not numeric: kept with id NaN", missingId, missingIdEx);
  // Duplicate ids among kept rows: the first occurrence in file order is kept.
  let increasing = true;
  let prev = -Infinity;
  for (let i = 0; i < n && increasing; i++) {
    if (!keep[i] || id[i] !== id[i]) continue;
    if (id[i] <= prev) increasing = false;
    prev = id[i];
  }
  if (!increasing) {
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (!keep[i] || id[i] !== id[i]) continue;
      if (seen.has(id[i])) {
        keep[i] = 0;
        log.add("duplicate-trade-id", "dropped", "trade id seen earlier in the file; the later row is dropped", `${path}:${t.lineOf(i)}`);
      } else seen.add(id[i]);
    }
  }
  const order = await timeOrder(path, t, ts, "timestamp", opts, log);
  return finish<TradeColumns>({ timestamp: ts, localTimestamp: lts, price, amount, side, id }, keep, order, path, n, log, started, exchange, symbol);
}

/**
 * Loads a Tardis `incremental_book_L2` CSV(.gz) (exchange,symbol,timestamp,local_timestamp,is_snapshot,
 * side,price,amount) into BookChangeColumns: `isSnapshot` 1/0 from true/false, `side` +1 bid / −1 ask,
 * `amount` the new absolute size (0 deletes the level), `updateId` NaN (Tardis carries none).
 * Rows must be in `local_timestamp` order (the replay order); otherwise DataError, or a stable sort
 * with `{ sort: true }`. A negative amount or a price ≤ 0 is dropped and counted (DataError with `strict`).
 */
export async function loadTardisBookL2(path: string, opts: TardisLoadOptions = {}): Promise<LoadedFrame<BookChangeColumns>> {
  const { t, exchange, symbol, started } = await readTardis(
    path,
    CSV_TYPES.l2,
    [
      "timestamp",
      "local_timestamp AS localTimestamp",
      `(CASE is_snapshot WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE ${BAD_CODE} END)::TINYINT AS isSnapshot`,
      `(CASE side WHEN 'bid' THEN 1 WHEN 'ask' THEN -1 ELSE ${BAD_CODE} END)::TINYINT AS side`,
      "price",
      "amount",
    ],
    "Tardis incremental_book_L2",
    { is_snapshot: { oneOf: ["true", "false"] }, side: { oneOf: ["bid", "ask"] } },
  );
  const f = t.frame;
  const n = f.length;
  const ts = f.f64("timestamp");
  const lts = f.f64("localTimestamp");
  const snap = f.col("isSnapshot") as Int8Array;
  const side = f.col("side") as Int8Array;
  const price = f.f64("price");
  const amount = f.f64("amount");
  await checkMixed(path, t, f.col("mixed") as Int8Array, exchange, symbol);
  const log = newLog(path, t);
  const keep = new Uint8Array(n).fill(1);
  await checkIntegerTimes(path, t, ts, lts);
  for (let i = 0; i < n; i++) {
    if (snap[i] === BAD_CODE) throw await rowError(path, t, i, "is_snapshot", 'is_snapshot must be "true" or "false"');
    if (side[i] === BAD_CODE) throw await rowError(path, t, i, "side", 'side must be "bid" or "ask"');
    const p = price[i];
    const a = amount[i];
    if (!Number.isFinite(p)) throw await rowError(path, t, i, "price", notFinite("price", p));
    if (!Number.isFinite(a)) throw await rowError(path, t, i, "amount", notFinite("amount", a));
    if (!(p > 0)) await dropRow(path, t, i, keep, log, opts, "non-positive-price", "price", `price ${p} ≤ 0`);
    else if (a < 0) await dropRow(path, t, i, keep, log, opts, "negative-amount", "amount", `amount ${a} < 0`);
  }
  const order = await timeOrder(path, t, lts, "local_timestamp", opts, log);
  const updateId = new Float64Array(n).fill(NaN);
  return finish<BookChangeColumns>(
    { timestamp: ts, localTimestamp: lts, isSnapshot: snap, side, price, amount, updateId },
    keep, order, path, n, log, started, exchange, symbol,
  );
}

/** True for ±Infinity. */
function isInf(v: number): boolean {
  return v === Infinity || v === -Infinity;
}

/**
 * Loads a Tardis `quotes` CSV(.gz) (exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,
 * bid_price,bid_amount; also the layout of the data set's `binance_book_ticker_*.csv.gz`) into
 * QuoteColumns, `updateId` NaN. An empty side (empty price/amount) is NaN, as Tardis writes an empty
 * book side. Rows must be in `local_timestamp` order (DataError, or `{ sort: true }`). A price ≤ 0 or a
 * negative amount drops the row (DataError with `strict`); a crossed quote (bid ≥ ask) is kept and
 * counted as the note "crossed-quote".
 */
export async function loadTardisQuotes(path: string, opts: TardisLoadOptions = {}): Promise<LoadedFrame<QuoteColumns>> {
  const { t, exchange, symbol, started } = await readTardis(
    path,
    CSV_TYPES.quotes,
    [
      "timestamp",
      "local_timestamp AS localTimestamp",
      "bid_price AS bidPrice",
      "bid_amount AS bidAmount",
      "ask_price AS askPrice",
      "ask_amount AS askAmount",
    ],
    "Tardis quotes",
    {},
    ["ask_amount", "ask_price", "bid_price", "bid_amount"],
  );
  const f = t.frame;
  const n = f.length;
  const ts = f.f64("timestamp");
  const lts = f.f64("localTimestamp");
  const bp = f.f64("bidPrice");
  const ba = f.f64("bidAmount");
  const ap = f.f64("askPrice");
  const aa = f.f64("askAmount");
  await checkMixed(path, t, f.col("mixed") as Int8Array, exchange, symbol);
  const log = newLog(path, t);
  const keep = new Uint8Array(n).fill(1);
  await checkIntegerTimes(path, t, ts, lts);
  for (let i = 0; i < n; i++) {
    // NaN is an empty book side (allowed); ±Infinity is not a price or size.
    if (isInf(bp[i])) throw await rowError(path, t, i, "bid_price", notFinite("bid_price", bp[i]));
    if (isInf(ba[i])) throw await rowError(path, t, i, "bid_amount", notFinite("bid_amount", ba[i]));
    if (isInf(ap[i])) throw await rowError(path, t, i, "ask_price", notFinite("ask_price", ap[i]));
    if (isInf(aa[i])) throw await rowError(path, t, i, "ask_amount", notFinite("ask_amount", aa[i]));
    if (bp[i] <= 0) await dropRow(path, t, i, keep, log, opts, "non-positive-price", "bid_price", `bid price ${bp[i]} ≤ 0`);
    else if (ap[i] <= 0) await dropRow(path, t, i, keep, log, opts, "non-positive-price", "ask_price", `ask price ${ap[i]} ≤ 0`);
    else if (ba[i] < 0) await dropRow(path, t, i, keep, log, opts, "negative-amount", "bid_amount", `bid amount ${ba[i]} < 0`);
    else if (aa[i] < 0) await dropRow(path, t, i, keep, log, opts, "negative-amount", "ask_amount", `ask amount ${aa[i]} < 0`);
    else if (bp[i] >= ap[i]) log.add("crossed-quote", "note", "best bid ≥ best ask (kept)", `${path}:${t.lineOf(i)}`);
  }
  const order = await timeOrder(path, t, lts, "local_timestamp", opts, log);
  const updateId = new Float64Array(n).fill(NaN);
  return finish<QuoteColumns>(
    { timestamp: ts, localTimestamp: lts, updateId, bidPrice: bp, bidAmount: ba, askPrice: ap, askAmount: aa },
    keep, order, path, n, log, started, exchange, symbol,
  );
}

const LEVEL_RE = /^(asks|bids)\[(\d+)\]\.(price|amount)$/;

/**
 * Loads a Tardis `book_snapshot_N` CSV(.gz) (exchange,symbol,timestamp,local_timestamp, then
 * `asks[i].price`, `asks[i].amount`, `bids[i].price`, `bids[i].amount` for i = 0..N−1; N read from the
 * header, 0 = best) into the wide layout of schemas.ts: `timestamp`, `localTimestamp`, then per level
 * `bidPrice{i}`, `bidAmount{i}`, `askPrice{i}`, `askAmount{i}` (see `levelColumn`); missing levels NaN.
 * Rows must be in `local_timestamp` order (DataError, or `{ sort: true }`). A crossed top of book is
 * kept and counted as the note "crossed-book". Nothing is dropped.
 */
export async function loadTardisBookSnapshot(path: string, opts: TardisLoadOptions = {}): Promise<LoadedFrame<{ [name: string]: Float64Array }>> {
  const head = await headLines(path, 1);
  const found = head.length ? splitFields(head[0]).map((s) => s.trim()) : [];
  let levels = 0;
  for (const c of found) {
    const m = LEVEL_RE.exec(c);
    if (m) levels = Math.max(levels, Number(m[2]) + 1);
  }
  const types: Record<string, string> = { exchange: "VARCHAR", symbol: "VARCHAR", timestamp: "DOUBLE", local_timestamp: "DOUBLE" };
  const select = ["timestamp", "local_timestamp AS localTimestamp"];
  const optional: string[] = [];
  for (let i = 0; i < levels; i++) {
    for (const s of ["asks", "bids"]) for (const w of ["price", "amount"]) {
      const name = `${s}[${i}].${w}`;
      types[name] = "DOUBLE";
      optional.push(name);
    }
    for (const [s, side] of [["bids", "bid"], ["asks", "ask"]] as const) {
      select.push(`"${s}[${i}].price" AS ${sqlIdent(levelColumn(side, "Price", i))}`);
      select.push(`"${s}[${i}].amount" AS ${sqlIdent(levelColumn(side, "Amount", i))}`);
    }
  }
  if (levels === 0) checkHeader(path, found, Object.keys(types).concat(["asks[0].price", "asks[0].amount", "bids[0].price", "bids[0].amount"]), "Tardis book_snapshot");
  const { t, exchange, symbol, started } = await readTardis(path, types, select, `Tardis book_snapshot_${levels}`, {}, optional);
  const f = t.frame;
  const n = f.length;
  const ts = f.f64("timestamp");
  const lts = f.f64("localTimestamp");
  await checkMixed(path, t, f.col("mixed") as Int8Array, exchange, symbol);
  const log = newLog(path, t);
  await checkIntegerTimes(path, t, ts, lts);
  const bid0 = f.f64(levelColumn("bid", "Price", 0));
  const ask0 = f.f64(levelColumn("ask", "Price", 0));
  for (let i = 0; i < n; i++) {
    if (bid0[i] >= ask0[i]) log.add("crossed-book", "note", "best bid ≥ best ask (kept)", `${path}:${t.lineOf(i)}`);
  }
  const order = await timeOrder(path, t, lts, "local_timestamp", opts, log);
  const cols: { [name: string]: Float64Array } = {};
  for (const name of f.names) if (name !== "mixed") cols[name] = f.f64(name);
  return finish(cols, null, order, path, n, log, started, exchange, symbol);
}
