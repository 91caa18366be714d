/**
 * Market data for the backtest engine: an L2 book-change frame and a trade frame (schemas.ts layouts) turned into
 * two typed-array event streams, each carrying both clocks:
 * - book updates: atomic updates ("groups": rows sharing localTimestamp, updateId and isSnapshot, exactly as
 *   src/data/book.ts groups them), each with an exchange time, a receive time and a reset flag (a snapshot run
 *   following non-snapshot rows, or starting the data, clears the book first); the level rows themselves are the
 *   input frame's columns (shared, not copied);
 * - trades: exchange time, receive time, price, amount, aggressor side.
 * The engine merges the streams on the fly with one cursor per stream and clock (no merged index arrays are built):
 * in exchange-time order for the exchange model and in receive-time order for the strategy. At equal times a trade
 * comes before a book update, because a depth message reports the book *after* the trades it includes.
 * `mergedOrder` materialises either order for inspection and tests.
 *
 * Clock alignment. The two clocks must be comparable (an order sent at local t reaches the exchange at t + latency
 * on the exchange clock). Captured data often have the exchange clock ahead of the capture machine's: on the
 * Binance BTCUSDT capture of 2024-08-08, localTimestamp − timestamp is about −1.27 s for every diff and trade, which
 * read literally would let the strategy see events before they happen. With `clock: "aligned"` (default) every
 * exchange time is shifted by one constant, `clockShiftUs` = min(0, d_min − minFeedLatencyUs), where d_min is the
 * smallest localTimestamp − timestamp over all book updates and trades, so afterwards every event reaches the
 * strategy at least `minFeedLatencyUs` (default 0) after it happened (hftbacktest's `correct_local_timestamp` does
 * the same by shifting receive times instead; we keep receive times as captured). With `clock: "raw"` times are used
 * as they are, and a receive time earlier than its exchange time is a DataError.
 * Repairs (counted in `issues`, never silent): an exchange time earlier than the previous one of the same stream
 * is raised to it (messages of one stream are delivered in exchange order); NaN exchange times take the receive time
 * (minus the shift) likewise. Receive times must be non-decreasing within each stream (DataError otherwise: sort the
 * input first, e.g. with the Tardis loaders' `sort` option).
 */
import { ArgumentError, DataError } from "../errors";
import { IssueLog, type LoadIssue } from "../data/loadReport";
import type { BookChangeFrame, TradeFrame } from "../data/schemas";

/** Options of `prepareMarketData`. */
export interface MarketDataOptions {
  /** "aligned" (default): shift exchange times so no event is received before it happens (module comment); "raw": use as is. */
  clock?: "aligned" | "raw";
  /** Smallest feed latency after alignment, µs (default 0). */
  minFeedLatencyUs?: number;
  /** Price increment; default inferred from the book prices (`inferIncrement`). */
  tickSize?: number;
  /** Size increment; default inferred from the book and trade amounts. */
  lotSize?: number;
  /** Labels used as the `file` of errors (defaults "depth" and "trades"). */
  depthLabel?: string;
  tradesLabel?: string;
}

/** The two event streams with both clocks (see the module comment). All times epoch µs. */
export interface MarketStreams {
  /** Level rows (the input frame's columns): side +1 / −1, price, new absolute amount (0 deletes). */
  rowSide: Int8Array;
  rowPrice: Float64Array;
  rowAmount: Float64Array;
  nRows: number;
  /** Atomic updates: rows [groupStart[g], groupStart[g + 1]) (length nGroups + 1). */
  groupStart: Int32Array;
  /** Exchange time of each update, aligned and non-decreasing. */
  groupExchUs: Float64Array;
  /** Receive time of each update (as captured; non-decreasing). */
  groupLocalUs: Float64Array;
  /** 1 when the update clears the book first (start of a snapshot run). */
  groupReset: Int8Array;
  nGroups: number;
  /** Trades: exchange time (aligned, non-decreasing), receive time, price, amount, aggressor side (+1 / −1 / 0). */
  tradeExchUs: Float64Array;
  tradeLocalUs: Float64Array;
  tradePrice: Float64Array;
  tradeAmount: Float64Array;
  tradeSide: Int8Array;
  nTrades: number;
  /** Constant added to every exchange time by the alignment (≤ 0), µs. */
  clockShiftUs: number;
  /** Smallest receive − exchange time before alignment, µs (NaN with no events). */
  minFeedLatencyRawUs: number;
  /** Price and size increments (given or inferred). */
  tickSize: number;
  lotSize: number;
  /** First and last receive time over both streams (NaN with no events). */
  firstLocalUs: number;
  lastLocalUs: number;
  /** Repairs made while preparing (kinds "exchange-time-raised", "exchange-time-missing"). */
  issues: LoadIssue[];
}

/**
 * The decimal increment of a set of values: 10^−d for the smallest d ≤ 12 such that every one of the first
 * `maxValues` non-zero finite values is a whole multiple of 10^−d (to 1e−9 relative). E.g. prices 61837.63, 61837.6
 * → 0.01. An upper bound on a venue's true increment: a 0.05 tick would read as 0.01.
 */
export function inferIncrement(values: ArrayLike<number>, maxValues = 100_000): number {
  let d = 0;
  let seen = 0;
  for (let i = 0; i < values.length && seen < maxValues; i++) {
    const v = values[i];
    if (!(v !== 0 && Number.isFinite(v))) continue;
    seen++;
    while (d < 12) {
      const x = Math.abs(v) * Math.pow(10, d);
      if (Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, x)) break;
      d++;
    }
  }
  return Math.pow(10, -d);
}

function need(frame: { has(n: string): boolean; names: string[] }, cols: string[], label: string): void {
  for (const c of cols) if (!frame.has(c)) throw new ArgumentError(`${label} has no column "${c}"; columns are: ${frame.names.join(", ")}`, { file: label, field: c });
}

/**
 * Prepares book changes and trades for the engine: validates them, groups book rows into atomic updates, aligns
 * the clocks and infers tick and lot sizes (see the module comment). O(rows + trades); allocates 3 float64 arrays per
 * update and 2 per trade. Bad input throws a DataError naming the label (`file`), the 1-based row (`line`) and field.
 */
export function prepareMarketData(depth: BookChangeFrame, trades: TradeFrame, opts: MarketDataOptions = {}): MarketStreams {
  const dl = opts.depthLabel ?? "depth";
  const tl = opts.tradesLabel ?? "trades";
  const clock = opts.clock ?? "aligned";
  if (clock !== "aligned" && clock !== "raw") throw new ArgumentError(`clock must be "aligned" or "raw", got "${clock}"`, { field: "clock" });
  const minFeed = opts.minFeedLatencyUs ?? 0;
  if (!(minFeed >= 0) || minFeed === Infinity) throw new ArgumentError(`minFeedLatencyUs must be a finite number >= 0, got ${minFeed}`, { field: "minFeedLatencyUs" });
  need(depth, ["timestamp", "localTimestamp", "isSnapshot", "side", "price", "amount", "updateId"], dl);
  need(trades, ["timestamp", "localTimestamp", "price", "amount", "side"], tl);
  const bTs = depth.columns.timestamp, bLocal = depth.columns.localTimestamp, snap = depth.columns.isSnapshot;
  const side = depth.columns.side, price = depth.columns.price, amount = depth.columns.amount, upd = depth.columns.updateId;
  if (!(side instanceof Int8Array) || !(snap instanceof Int8Array)) throw new ArgumentError(`${dl}: "side" and "isSnapshot" must be Int8Array columns`, { file: dl });
  const n = depth.length;
  const where = (file: string, i: number, field: string) => ({ file, line: i + 1, field });
  const hint = "line = row + 1";

  // validate rows and count groups
  let groups = 0;
  let prevL = -Infinity;
  for (let i = 0; i < n; i++) {
    const l = bLocal[i];
    if (!(l >= prevL) || l === Infinity) {
      throw new DataError(l === l && l !== Infinity ? `localTimestamp ${l} is before the previous row's ${prevL} (book changes must be in receive order)` : `localTimestamp ${l} is not finite`, where(dl, i, "localTimestamp"), hint);
    }
    prevL = l;
    const sd = side[i];
    if (sd !== 1 && sd !== -1) throw new DataError(`side ${sd} is not +1 (bid) or -1 (ask)`, where(dl, i, "side"), hint);
    const p = price[i];
    if (!(p > 0) || p === Infinity) throw new DataError(`price ${p} is not a finite number > 0`, where(dl, i, "price"), hint);
    const a = amount[i];
    if (!(a >= 0) || a === Infinity) throw new DataError(`amount ${a} is not a finite number >= 0`, where(dl, i, "amount"), hint);
    if (i === 0 || l !== bLocal[i - 1] || snap[i] !== snap[i - 1] || !(upd[i] === upd[i - 1] || (upd[i] !== upd[i] && upd[i - 1] !== upd[i - 1]))) groups++;
  }
  const G = groups;
  const gStart = new Int32Array(G + 1);
  const gEx = new Float64Array(G);
  const gLocal = new Float64Array(G);
  const gReset = new Int8Array(G);
  let g = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || bLocal[i] !== bLocal[i - 1] || snap[i] !== snap[i - 1] || !(upd[i] === upd[i - 1] || (upd[i] !== upd[i] && upd[i - 1] !== upd[i - 1]))) {
      g++;
      gStart[g] = i;
      gEx[g] = bTs[i];
      gLocal[g] = bLocal[i];
      gReset[g] = snap[i] === 1 && (i === 0 || snap[i - 1] !== 1) ? 1 : 0;
    }
  }
  gStart[G] = n;

  // trades
  const T = trades.length;
  const tTs = trades.columns.timestamp, tLocalIn = trades.columns.localTimestamp, tPrice = trades.columns.price, tAmount = trades.columns.amount;
  const tSide = trades.columns.side;
  if (!(tSide instanceof Int8Array)) throw new ArgumentError(`${tl}: "side" must be an Int8Array column`, { file: tl, field: "side" });
  prevL = -Infinity;
  for (let i = 0; i < T; i++) {
    const l = tLocalIn[i];
    if (!(l >= prevL) || l === Infinity) {
      throw new DataError(
        l === l && l !== Infinity ? `localTimestamp ${l} is before the previous trade's ${prevL} (trades must be in receive order)` : `localTimestamp ${l} is not finite (the backtest needs receive times)`,
        where(tl, i, "localTimestamp"),
        hint,
      );
    }
    prevL = l;
    const p = tPrice[i];
    if (!(p > 0) || p === Infinity) throw new DataError(`price ${p} is not a finite number > 0`, where(tl, i, "price"), hint);
    const a = tAmount[i];
    if (!(a > 0) || a === Infinity) throw new DataError(`amount ${a} is not a finite number > 0`, where(tl, i, "amount"), hint);
    const s = tSide[i];
    if (s !== 1 && s !== -1 && s !== 0) throw new DataError(`side ${s} is not +1, -1 or 0`, where(tl, i, "side"), hint);
  }

  // clock: smallest feed latency
  let dMin = Infinity;
  let firstBad = -1;
  let firstBadIsTrade = false;
  for (let k = 0; k < G; k++) {
    const d = gLocal[k] - gEx[k];
    if (d < dMin) dMin = d;
    if (d < 0 && firstBad < 0) firstBad = gStart[k];
  }
  for (let i = 0; i < T; i++) {
    const d = tLocalIn[i] - tTs[i];
    if (d < dMin) dMin = d;
    if (d < 0 && firstBad < 0) {
      firstBad = i;
      firstBadIsTrade = true;
    }
  }
  let shift = 0;
  if (clock === "raw") {
    if (firstBad >= 0) {
      throw new DataError(
        `receive time earlier than exchange time (feed latency down to ${dMin} µs): read literally, the strategy would see the future`,
        where(firstBadIsTrade ? tl : dl, firstBad, "localTimestamp"),
        `use clock: "aligned", which shifts exchange times by one constant`,
      );
    }
  } else if (dMin < minFeed) shift = dMin - minFeed;

  const log = new IssueLog();
  // aligned, non-decreasing exchange times
  let prevE = -Infinity;
  for (let k = 0; k < G; k++) {
    let e = gEx[k];
    if (e !== e) {
      e = gLocal[k] - minFeed;
      log.add("exchange-time-missing", "repaired", "book update without exchange time: set to its receive time minus minFeedLatencyUs", `${dl}:${gStart[k] + 1}`);
    } else e += shift;
    if (e < prevE) {
      log.add("exchange-time-raised", "repaired", "exchange time earlier than the previous one of its stream: raised to it", `${dl}:${gStart[k] + 1}`);
      e = prevE;
    }
    gEx[k] = e;
    prevE = e;
  }
  const tEx = new Float64Array(T);
  const tLocal = new Float64Array(T);
  prevE = -Infinity;
  for (let i = 0; i < T; i++) {
    let e = tTs[i];
    if (e !== e) {
      e = tLocalIn[i] - minFeed;
      log.add("exchange-time-missing", "repaired", "trade without exchange time: set to its receive time minus minFeedLatencyUs", `${tl}:${i + 1}`);
    } else e += shift;
    if (e < prevE) {
      log.add("exchange-time-raised", "repaired", "exchange time earlier than the previous one of its stream: raised to it", `${tl}:${i + 1}`);
      e = prevE;
    }
    tEx[i] = e;
    tLocal[i] = tLocalIn[i];
    prevE = e;
  }

  let tick = opts.tickSize;
  if (tick === undefined) tick = inferIncrement(price);
  else if (!(tick > 0) || tick === Infinity) throw new ArgumentError(`tickSize must be a finite number > 0, got ${tick}`, { field: "tickSize" });
  let lot = opts.lotSize;
  if (lot === undefined) lot = Math.min(inferIncrement(amount), inferIncrement(tAmount));
  else if (!(lot > 0) || lot === Infinity) throw new ArgumentError(`lotSize must be a finite number > 0, got ${lot}`, { field: "lotSize" });

  const first = Math.min(G > 0 ? gLocal[0] : Infinity, T > 0 ? tLocal[0] : Infinity);
  const last = Math.max(G > 0 ? gLocal[G - 1] : -Infinity, T > 0 ? tLocal[T - 1] : -Infinity);
  return {
    rowSide: side, rowPrice: price, rowAmount: amount, nRows: n,
    groupStart: gStart, groupExchUs: gEx, groupLocalUs: gLocal, groupReset: gReset, nGroups: G,
    tradeExchUs: tEx, tradeLocalUs: tLocal, tradePrice: tPrice, tradeAmount: tAmount, tradeSide: tSide, nTrades: T,
    clockShiftUs: shift,
    minFeedLatencyRawUs: dMin === Infinity ? NaN : dMin,
    tickSize: tick, lotSize: lot,
    firstLocalUs: first === Infinity ? NaN : first,
    lastLocalUs: last === -Infinity ? NaN : last,
    issues: log.issues,
  };
}

/**
 * The merged event order on one clock: a sequence where v ≥ 0 is book update v and v < 0 is trade −1 − v, sorted by
 * exchange time ("exchange") or receive time ("local"), each stream keeping its own order, a trade before a book
 * update at equal times (the rule the engine uses). O(updates + trades); for tests and inspection (the engine
 * merges with cursors instead of building this).
 */
export function mergedOrder(m: MarketStreams, clock: "exchange" | "local"): Int32Array {
  const gt = clock === "exchange" ? m.groupExchUs : m.groupLocalUs;
  const tt = clock === "exchange" ? m.tradeExchUs : m.tradeLocalUs;
  const out = new Int32Array(m.nGroups + m.nTrades);
  let g = 0, t = 0, k = 0;
  while (g < m.nGroups || t < m.nTrades) {
    if (t < m.nTrades && (g >= m.nGroups || tt[t] <= gt[g])) out[k++] = -1 - t++;
    else out[k++] = g++;
  }
  return out;
}
