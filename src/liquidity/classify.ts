/**
 * Trade classification: who initiated each trade (+1 buyer, −1 seller, 0 undeterminable).
 *
 * Methods: the tick test, the quote rule, Lee & Ready (1991), Ellis, Michaely & O'Hara (2000), and bulk volume
 * classification (Easley, López de Prado & O'Hara 2012). Each returns the signs and counts every trade it could
 * not classify, by reason. `classificationAccuracy` scores a classification against the true aggressor side.
 *
 * Time alignment (all quote-based methods): the quote used for a trade at time t is the LAST quote with
 * quote time ≤ t − lagUs (an as-of join, `asofIndex` semantics: a quote exactly at t − lagUs counts, ties take
 * the last). Both times default to `localTimestamp` (receive times on one clock): Binance spot bookTicker carries
 * no exchange time, so SOURCES.md advises the local clock for both sides; choose `tradeTime` / `quoteTime` to
 * use exchange time where both sides have it. Inputs must be sorted by their time columns (DataError otherwise).
 * Caveat, measured on the Binance spot BTCUSDT/ETHUSDT capture: the trade stream is delivered up to ~220 ms later
 * than bookTicker, so at a trade's receive time the quotes already show its effect and, with lag 0, the quote rule
 * agrees with the true aggressor on only ~51% of trades (99% once trade exchange times are put on the local clock
 * with `exchangeTimesOnLocalClock`, 95% with a 100 ms lag). Check the alignment before trusting quote-based
 * measures (classification, effective spreads).
 * All loops are O(n + m) over typed arrays.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame, isNumeric, type NumericColumn } from "../frame/frame";
import { firstUnsorted } from "../frame/search";
import { normalCdf, studentTCdf } from "../frame/ols";

// ---------------------------------------------------------------------------------------------------------------
// shared input handling (also used by spreads.ts, kyle.ts, summary.ts)
// ---------------------------------------------------------------------------------------------------------------

/** Which time column of each frame to align on. */
export interface TimeColumnOptions {
  /** Trade time column; default "localTimestamp" (receive time). Use "timestamp" for exchange time. */
  tradeTime?: string;
  /** Quote time column; default "localTimestamp" (receive time; Binance spot bookTicker has no exchange time). */
  quoteTime?: string;
}

/** Trade columns as typed arrays, validated. @internal */
export interface TradeArrays {
  t: NumericColumn;
  price: NumericColumn;
  amount: NumericColumn;
  n: number;
}

/** Quote columns as typed arrays, validated. @internal */
export interface QuoteArrays {
  t: NumericColumn;
  bid: NumericColumn;
  ask: NumericColumn;
  m: number;
}

function numCol(f: Frame, name: string, what: string): NumericColumn {
  if (!f.has(name)) throw new ArgumentError(`${what} frame has no column "${name}"; columns are: ${f.names.join(", ")}`, { file: `${what} frame`, field: name });
  const c = f.columns[name];
  if (!isNumeric(c)) throw new ArgumentError(`${what} column "${name}" is a string column, not numeric`, { file: `${what} frame`, field: name });
  return c;
}

function checkSortedTime(t: NumericColumn, what: string, field: string): void {
  const i = firstUnsorted(t);
  if (i < 0) return;
  const v = t[i];
  const why = v !== v ? `row ${i} is NaN` : `row ${i} (${v}) is earlier than row ${i - 1} (${t[i - 1]})`;
  const hint = v !== v && field === "localTimestamp"
    ? `this source has no receive time; pass ${what === "trades" ? "tradeTime" : "quoteTime"}: "timestamp"`
    : `sort the ${what} frame by "${field}" first (Frame.sortBy)`;
  throw new DataError(`${what} time column "${field}" is not non-decreasing: ${why}`, { file: `${what} frame`, line: i + 1, field }, hint + "; line = frame row + 1");
}

/**
 * Trade time, price and amount, checked: time sorted without NaN, price finite and > 0, amount finite and ≥ 0
 * (DataError naming the row as `line` = row + 1, and the field). @internal
 */
export function tradeArrays(trades: Frame, timeCol: string): TradeArrays {
  const t = numCol(trades, timeCol, "trades");
  const price = numCol(trades, "price", "trades");
  const amount = numCol(trades, "amount", "trades");
  checkSortedTime(t, "trades", timeCol);
  const n = trades.length;
  for (let i = 0; i < n; i++) {
    const p = price[i];
    const a = amount[i];
    if (!(p > 0) || p === Infinity) throw new DataError(`trade price ${p} is not a finite number > 0`, { file: "trades frame", line: i + 1, field: "price" }, "line = frame row + 1");
    if (!(a >= 0) || a === Infinity) throw new DataError(`trade amount ${a} is not a finite number >= 0`, { file: "trades frame", line: i + 1, field: "amount" }, "line = frame row + 1");
  }
  return { t, price, amount, n };
}

/**
 * Quote time, best bid and best ask, checked: time sorted without NaN; a price may be NaN (an empty side: the
 * mid is then undefined and every trade matched to that quote is counted as such) but not ±Infinity or ≤ 0. @internal
 */
export function quoteArrays(quotes: Frame, timeCol: string): QuoteArrays {
  const t = numCol(quotes, timeCol, "quotes");
  const bid = numCol(quotes, "bidPrice", "quotes");
  const ask = numCol(quotes, "askPrice", "quotes");
  checkSortedTime(t, "quotes", timeCol);
  const m = quotes.length;
  for (let i = 0; i < m; i++) {
    const b = bid[i];
    const a = ask[i];
    if (b <= 0 || b === Infinity || b === -Infinity) throw new DataError(`bid price ${b} is not NaN (empty side) or a finite number > 0`, { file: "quotes frame", line: i + 1, field: "bidPrice" }, "line = frame row + 1");
    if (a <= 0 || a === Infinity || a === -Infinity) throw new DataError(`ask price ${a} is not NaN (empty side) or a finite number > 0`, { file: "quotes frame", line: i + 1, field: "askPrice" }, "line = frame row + 1");
  }
  return { t, bid, ask, m };
}

/** The trade direction column: `side` option if given (length checked), else the trades' `side` column. @internal */
export function tradeDirection(trades: Frame, side: ArrayLike<number> | undefined, fn: string): ArrayLike<number> {
  if (side !== undefined) {
    if (side.length !== trades.length) throw new ArgumentError(`${fn}: side has ${side.length} entries, trades have ${trades.length} rows`, { field: "side" });
    return side;
  }
  if (!trades.has("side")) throw new ArgumentError(`${fn}: trades have no "side" column; pass side (e.g. classifyTrades(...).side)`, { file: "trades frame", field: "side" });
  return numCol(trades, "side", "trades");
}

/** Validates a lag in µs (finite, ≥ 0). @internal */
export function checkLag(lagUs: number, fn: string): void {
  if (!Number.isFinite(lagUs) || lagUs < 0) throw new ArgumentError(`${fn}: lagUs must be a finite number >= 0, got ${lagUs}`, { field: "lagUs" });
}

/**
 * Trade exchange times moved onto the local (receive) clock: `timestamp + offsetUs`, with offsetUs the
 * `quantile` (default 0, the minimum) of `localTimestamp − timestamp` over the trades: the clock offset plus the
 * fastest observed delivery. Use it as the trade time (`trades.withColumn("tradeOnLocal", times)`, then
 * `tradeTime: "tradeOnLocal"`) when the trade stream is delivered later than the quote stream. Why: on the
 * Binance spot capture (SOURCES.md §1) trades arrive up to ~220 ms after the fastest messages while bookTicker
 * arrives fast, so at a trade's receive time the best quotes usually already show the trade's effect; measured
 * on BTCUSDT, the quote rule agrees with the true side on 51% of trades with receive times and lag 0, and on 99%
 * with these times. Order is preserved (a constant shift). NaN times are rejected (DataError). O(n).
 */
export function exchangeTimesOnLocalClock(trades: Frame, opts: { quantile?: number } = {}): { times: Float64Array; offsetUs: number } {
  const qn = opts.quantile ?? 0;
  if (!(qn >= 0 && qn <= 1)) throw new ArgumentError(`exchangeTimesOnLocalClock: quantile must be in [0, 1], got ${qn}`, { field: "quantile" });
  const ts = numCol(trades, "timestamp", "trades");
  const lt = numCol(trades, "localTimestamp", "trades");
  const n = trades.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = lt[i] - ts[i];
    if (d[i] !== d[i]) throw new DataError(`timestamp or localTimestamp is NaN`, { file: "trades frame", line: i + 1, field: ts[i] !== ts[i] ? "timestamp" : "localTimestamp" }, "line = frame row + 1");
  }
  d.sort();
  const offsetUs = n === 0 ? 0 : d[Math.min(n - 1, Math.floor(qn * (n - 1)))];
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = ts[i] + offsetUs;
  return { times, offsetUs };
}

// ---------------------------------------------------------------------------------------------------------------
// kernels
// ---------------------------------------------------------------------------------------------------------------

/**
 * Tick test over prices in trade order: +1 on an uptick (price above the previous different price), −1 on a
 * downtick; a zero tick (same price as the previous trade) takes the sign of the last non-zero tick (the
 * "zero-uptick / zero-downtick" rule). Trades before the first price change get 0. O(n).
 * Reference: Lee & Ready (1991), §II; the rule predates them (e.g. NYSE short-sale rule).
 */
export function tickTest(price: ArrayLike<number>): Int8Array {
  const n = price.length;
  const out = new Int8Array(n);
  let dir = 0;
  for (let i = 1; i < n; i++) {
    const d = price[i] - price[i - 1];
    if (d > 0) dir = 1;
    else if (d < 0) dir = -1;
    out[i] = dir;
  }
  return out;
}

/** Classification methods of `classifyTrades`. */
export type ClassifyMethod = "tick" | "quote" | "leeReady" | "emo" | "bvc";

/** Counts of a classification; `buy + sell + unclassified = n`. */
export interface ClassifyCounts {
  /** Trades. */
  n: number;
  /** Classified +1. */
  buy: number;
  /** Classified −1. */
  sell: number;
  /** Left 0 (the sum of the reasons below that apply to the method). */
  unclassified: number;
  /** Quote methods: no quote at or before t − lagUs (left 0). */
  noQuote: number;
  /** Quote methods: the prevailing quote has an empty side (NaN bid or ask), so no mid (left 0). */
  invalidQuote: number;
  /** Quote methods: trades priced exactly at the mid (left 0 by "quote"; tick-tested by "leeReady"). */
  atMid: number;
  /** "emo": trades strictly between or outside the bid and ask (tick-tested). */
  notAtQuote: number;
  /** Trades classified by the tick test (all for "tick"; the fallbacks of "leeReady" / "emo"). */
  tickUsed: number;
  /** Tick-tested trades with no earlier price change (left 0). */
  noPriorTick: number;
  /** Quote methods: trades whose prevailing quote was crossed or locked (bid ≥ ask); classified as usual. */
  crossedQuote: number;
  /** "bvc": trades in bars whose buy fraction is NaN (first bar, σ undefined) or exactly ½ (left 0). */
  bvcUndetermined: number;
}

/** A classification: the signs and the counts. */
export interface Classification {
  /** +1 buyer-initiated, −1 seller-initiated, 0 undeterminable; one per trade, in trade order. */
  side: Int8Array;
  method: ClassifyMethod;
  /** Quote lag used (µs); 0 for methods without quotes. */
  lagUs: number;
  counts: ClassifyCounts;
  /** "bvc" only: the bar-level result. */
  bvc?: BvcResult;
}

/** Options of `classifyTrades`. */
export interface ClassifyOptions extends TimeColumnOptions {
  method: ClassifyMethod;
  /**
   * Quote lag in µs (≥ 0): the quote used is the last one at or before t − lagUs. Default 0 (same clock, no lag).
   * Lee & Ready (1991) used 5 s (5e6) because 1980s NYSE quotes were time-stamped late relative to trades;
   * with both sides on one clock 0 is the natural choice, provided both streams arrive with the same delay
   * (see the module comment: on Binance spot they do not).
   */
  lagUs?: number;
  /** Options of bulk volume classification (required for method "bvc"). */
  bvc?: BvcOptions;
}

function emptyCounts(n: number): ClassifyCounts {
  return { n, buy: 0, sell: 0, unclassified: 0, noQuote: 0, invalidQuote: 0, atMid: 0, notAtQuote: 0, tickUsed: 0, noPriorTick: 0, crossedQuote: 0, bvcUndetermined: 0 };
}

/**
 * Classifies every trade as buyer- (+1) or seller-initiated (−1), 0 when undeterminable (counted by reason).
 * - "tick": tick test (`tickTest`): compare with the previous different price; zero ticks take the last non-zero
 *   tick. No quotes needed (pass null).
 * - "quote": quote rule: P > M → +1, P < M → −1, P = M → 0, with M = (bid + ask)/2 of the quote prevailing at
 *   t − lagUs.
 * - "leeReady": Lee & Ready (1991): the quote rule, and the tick test for trades exactly at the mid. Lee & Ready
 *   used the quote 5 s before the trade; here `lagUs` defaults to 0 (see `ClassifyOptions.lagUs`).
 * - "emo": Ellis, Michaely & O'Hara (2000): +1 if P = ask, −1 if P = bid, the tick test otherwise.
 * - "bvc": bulk volume classification (`bulkVolumeClassification`); per trade, the sign of (bar buy fraction − ½).
 * Trades with no quote at or before t − lagUs, or whose quote has an empty side, are left 0 by every quote method
 * (no fallback to the tick test) and counted. Times: `tradeTime` / `quoteTime`, default localTimestamp on both.
 */
export function classifyTrades(trades: Frame, quotes: Frame | null | undefined, opts: ClassifyOptions): Classification {
  const method = opts.method;
  const tradeTime = opts.tradeTime ?? "localTimestamp";
  const quoteTime = opts.quoteTime ?? "localTimestamp";
  const lagUs = opts.lagUs ?? 0;
  checkLag(lagUs, "classifyTrades");
  if (method === "bvc") {
    if (!opts.bvc) throw new ArgumentError(`classifyTrades: method "bvc" needs the bvc options (bar size)`, { field: "bvc" });
    const r = bulkVolumeClassification(trades, { ...opts.bvc, tradeTime: opts.bvc.tradeTime ?? tradeTime });
    return { side: r.side, method, lagUs: 0, counts: r.counts, bvc: r };
  }
  if (method !== "tick" && method !== "quote" && method !== "leeReady" && method !== "emo") {
    throw new ArgumentError(`classifyTrades: unknown method "${method as string}" (tick, quote, leeReady, emo, bvc)`, { field: "method" });
  }
  const tr = tradeArrays(trades, tradeTime);
  const n = tr.n;
  const price = tr.price;
  const c = emptyCounts(n);
  const out = new Int8Array(n);
  if (method === "tick") {
    const s = tickTest(price);
    for (let i = 0; i < n; i++) {
      const v = s[i];
      out[i] = v;
      c.tickUsed++;
      if (v > 0) c.buy++;
      else if (v < 0) c.sell++;
      else c.noPriorTick++;
    }
    c.unclassified = c.noPriorTick;
    return { side: out, method, lagUs: 0, counts: c };
  }
  if (!quotes) throw new ArgumentError(`classifyTrades: method "${method}" needs quotes`, { field: "quotes" });
  const q = quoteArrays(quotes, quoteTime);
  const qt = q.t;
  const bid = q.bid;
  const ask = q.ask;
  const m = q.m;
  const t = tr.t;
  const tick = method === "quote" ? null : tickTest(price);
  const emo = method === "emo";
  let j = 0;
  for (let i = 0; i < n; i++) {
    const target = t[i] - lagUs;
    while (j < m && qt[j] <= target) j++;
    let s = 0;
    if (j === 0) {
      c.noQuote++;
    } else {
      const b = bid[j - 1];
      const a = ask[j - 1];
      const mid = 0.5 * (b + a);
      if (mid !== mid) {
        c.invalidQuote++;
      } else {
        if (b >= a) c.crossedQuote++;
        const p = price[i];
        if (emo) {
          if (p === a) s = 1;
          else if (p === b) s = -1;
          else {
            c.notAtQuote++;
            c.tickUsed++;
            s = tick![i];
            if (s === 0) c.noPriorTick++;
          }
        } else if (p > mid) s = 1;
        else if (p < mid) s = -1;
        else {
          c.atMid++;
          if (tick !== null) {
            c.tickUsed++;
            s = tick[i];
            if (s === 0) c.noPriorTick++;
          }
        }
      }
    }
    out[i] = s;
    if (s > 0) c.buy++;
    else if (s < 0) c.sell++;
  }
  c.unclassified = n - c.buy - c.sell;
  return { side: out, method, lagUs, counts: c };
}

// ---------------------------------------------------------------------------------------------------------------
// bulk volume classification
// ---------------------------------------------------------------------------------------------------------------

/** Options of `bulkVolumeClassification`. */
export interface BvcOptions {
  /**
   * Bars: `{ intervalUs, originUs? }` time bars [origin + k·I, origin + (k+1)·I) (empty bars skipped), or
   * `{ volume }` volume bars of exactly that many base units: a trade that overflows a bar is split, the excess
   * going to the next bar (Easley, López de Prado & O'Hara 2012); the last bar may be partial.
   */
  bar: { intervalUs: number; originUs?: number } | { volume: number };
  /**
   * CDF applied to ΔP/σ_ΔP: "normal" (default; ELO 2012) or `{ studentT: ν }` (Student t with ν degrees of
   * freedom, the fat-tailed variant of Easley, López de Prado & O'Hara 2016; ν must be chosen explicitly).
   */
  distribution?: "normal" | { studentT: number };
  /** ΔP between bar closes in "price" units (default; ELO 2012) or as a "log" return ln(P_τ/P_{τ−1}). */
  priceChange?: "price" | "log";
  /** σ_ΔP to use (e.g. estimated out of sample); default: the sample std (n − 1) of ΔP over this sample's bars. */
  sigma?: number;
  /** Trade time column for time bars; default "localTimestamp". */
  tradeTime?: string;
}

/** Columns of the bar frame of `bulkVolumeClassification`. */
export type BvcBarColumns = {
  /** Time of the bar's first trade (time bars: also see `barStart`). */
  timestamp: Float64Array;
  /** Time bars: bar start origin + k·I; volume bars: time of the first trade. */
  barStart: Float64Array;
  /** Trades in the bar (a split trade counts in every bar it reaches). */
  trades: Float64Array;
  /** Volume V_τ, base units. */
  volume: Float64Array;
  /** Price of the bar's last trade P_τ. */
  close: Float64Array;
  /** ΔP_τ = P_τ − P_{τ−1} (or the log change); NaN for the first bar. */
  deltaP: Float64Array;
  /** ΔP_τ / σ_ΔP. */
  z: Float64Array;
  /** Estimated buy volume fraction F(z) (F = Φ or the Student-t CDF). */
  buyFraction: Float64Array;
  /** V_τ · F(z). */
  buyVolume: Float64Array;
  /** V_τ · (1 − F(z)). */
  sellVolume: Float64Array;
  /** True buyer-initiated volume (side > 0), NaN when the trades have no side column. */
  trueBuyVolume: Float64Array;
  /** True seller-initiated volume (side < 0), NaN when the trades have no side column. */
  trueSellVolume: Float64Array;
};

/** Result of `bulkVolumeClassification`. */
export interface BvcResult {
  /** One row per bar. */
  bars: Frame<BvcBarColumns>;
  /** σ_ΔP used. */
  sigma: number;
  /** Per trade: its bar (for a split trade, the bar holding its largest part, the first on ties). */
  tradeBar: Int32Array;
  /** Per trade: its bar's buy fraction (NaN when undefined). */
  buyProbability: Float64Array;
  /** Per trade: sign(buy fraction − ½), 0 when the fraction is ½ or NaN: comparable with trade-level signs. */
  side: Int8Array;
  /**
   * Volume-weighted accuracy (Chakrabarty, Pascual & Shkilko 2015; ELO 2016):
   * Σ_τ [min(V̂ᴮ_τ, Vᴮ_τ) + min(V̂ˢ_τ, Vˢ_τ)] / Σ_τ V_τ over bars with a defined fraction; NaN without a side column.
   */
  volumeAccuracy: number;
  counts: ClassifyCounts;
}

/**
 * Bulk volume classification (Easley, López de Prado & O'Hara 2012, "Bulk classification of trading activity"):
 * per bar τ, the buy volume fraction is F(ΔP_τ / σ_ΔP) with ΔP_τ = P_τ − P_{τ−1} the change of the bar's closing
 * trade price and σ_ΔP the standard deviation of ΔP over the sample (n − 1 denominator); F is the standard normal
 * CDF, or a Student-t CDF (ELO 2016) when asked. V̂ᴮ_τ = V_τ·F, V̂ˢ_τ = V_τ·(1 − F). The first bar has no ΔP
 * (NaN). Volume bars split the trade that completes a bar (see `BvcOptions.bar`). Also returns a per-trade sign
 * for agreement with trade-level rules, and the volume-weighted accuracy against the trades' side column.
 * O(n) (plus one pass per bar).
 */
export function bulkVolumeClassification(trades: Frame, opts: BvcOptions): BvcResult {
  const timeCol = opts.tradeTime ?? "localTimestamp";
  const bar = opts.bar;
  const dist = opts.distribution ?? "normal";
  let df = Infinity;
  if (dist !== "normal") {
    if (typeof dist !== "object" || !(dist.studentT > 0)) throw new ArgumentError(`bvc: distribution must be "normal" or { studentT: ν > 0 }`, { field: "distribution" });
    df = dist.studentT;
  }
  const logChange = (opts.priceChange ?? "price") === "log";
  if (opts.priceChange !== undefined && opts.priceChange !== "price" && opts.priceChange !== "log") throw new ArgumentError(`bvc: priceChange must be "price" or "log"`, { field: "priceChange" });
  const byVolume = "volume" in bar;
  const tr = byVolume ? tradeArraysNoTime(trades) : tradeArrays(trades, timeCol);
  const n = tr.n;
  const price = tr.price;
  const amount = tr.amount;
  const time = trades.has(timeCol) ? trades.num(timeCol) : null;
  const sideCol = trades.has("side") ? trades.num("side") : null;

  // pass 1: assign trades (or their parts) to bars
  const cap = Math.max(16, n + 1);
  let bStart = new Float64Array(cap), bFirst = new Float64Array(cap), bTrades = new Float64Array(cap), bVol = new Float64Array(cap), bClose = new Float64Array(cap);
  let bBuy = new Float64Array(cap), bSell = new Float64Array(cap);
  const tradeBar = new Int32Array(n);
  let nb = 0;
  const grow = (need: number) => {
    if (need <= bStart.length) return;
    const sz = Math.max(need, bStart.length * 2);
    const g = (a: Float64Array) => {
      const b = new Float64Array(sz);
      b.set(a);
      return b;
    };
    bStart = g(bStart); bFirst = g(bFirst); bTrades = g(bTrades); bVol = g(bVol); bClose = g(bClose); bBuy = g(bBuy); bSell = g(bSell);
  };
  if (byVolume) {
    const V = bar.volume;
    if (!(V > 0) || V === Infinity) throw new ArgumentError(`bvc: bar volume must be a finite number > 0, got ${V}`, { field: "bar.volume" });
    let filled = 0; // volume in the open bar
    let open = false;
    for (let i = 0; i < n; i++) {
      let rem = amount[i];
      const p = price[i];
      const ti = time ? time[i] : NaN;
      const sd = sideCol ? sideCol[i] : 0;
      let best = -1;
      let bestTake = -1;
      do {
        if (!open) {
          grow(nb + 1);
          bStart[nb] = ti; bFirst[nb] = ti; bTrades[nb] = 0; bVol[nb] = 0; bBuy[nb] = 0; bSell[nb] = 0;
          nb++;
          open = true;
          filled = 0;
        }
        const k = nb - 1;
        const room = V - filled;
        const take = rem >= room ? room : rem;
        bTrades[k]++;
        bClose[k] = p;
        if (sd > 0) bBuy[k] += take;
        else if (sd < 0) bSell[k] += take;
        if (take > bestTake) {
          bestTake = take;
          best = k;
        }
        if (rem >= room) {
          bVol[k] = V;
          rem -= room;
          open = false;
        } else {
          filled += take;
          bVol[k] = filled;
          rem = 0;
        }
      } while (rem > 0);
      tradeBar[i] = best;
    }
  } else {
    const I = bar.intervalUs;
    const o = bar.originUs ?? 0;
    if (!(I > 0) || I === Infinity) throw new ArgumentError(`bvc: bar intervalUs must be a finite number > 0, got ${I}`, { field: "bar.intervalUs" });
    if (!Number.isFinite(o)) throw new ArgumentError(`bvc: originUs must be finite`, { field: "bar.originUs" });
    const t = tr.t;
    let curNo = NaN;
    for (let i = 0; i < n; i++) {
      const no = Math.floor((t[i] - o) / I);
      if (no !== curNo) {
        grow(nb + 1);
        bStart[nb] = o + no * I; bFirst[nb] = t[i]; bTrades[nb] = 0; bVol[nb] = 0; bBuy[nb] = 0; bSell[nb] = 0;
        nb++;
        curNo = no;
      }
      const k = nb - 1;
      const a = amount[i];
      bTrades[k]++;
      bVol[k] += a;
      bClose[k] = price[i];
      const sd = sideCol ? sideCol[i] : 0;
      if (sd > 0) bBuy[k] += a;
      else if (sd < 0) bSell[k] += a;
      tradeBar[i] = k;
    }
  }

  // pass 2: ΔP, σ, fractions
  const dP = new Float64Array(nb);
  dP[0] = NaN;
  let cnt = 0, sum = 0;
  for (let k = 1; k < nb; k++) {
    dP[k] = logChange ? Math.log(bClose[k] / bClose[k - 1]) : bClose[k] - bClose[k - 1];
    cnt++;
    sum += dP[k];
  }
  let sigma = opts.sigma ?? NaN;
  if (opts.sigma !== undefined) {
    if (!(opts.sigma > 0) || opts.sigma === Infinity) throw new ArgumentError(`bvc: sigma must be a finite number > 0, got ${opts.sigma}`, { field: "sigma" });
  } else if (cnt >= 2) {
    const mean = sum / cnt;
    let ss = 0;
    for (let k = 1; k < nb; k++) ss += (dP[k] - mean) * (dP[k] - mean);
    sigma = Math.sqrt(ss / (cnt - 1));
  }
  const z = new Float64Array(nb), frac = new Float64Array(nb), buyV = new Float64Array(nb), sellV = new Float64Array(nb);
  let accNum = 0, accDen = 0;
  for (let k = 0; k < nb; k++) {
    z[k] = sigma > 0 ? dP[k] / sigma : NaN;
    const F = z[k] !== z[k] ? NaN : df === Infinity ? normalCdf(z[k]) : studentTCdf(z[k], df);
    frac[k] = F;
    buyV[k] = bVol[k] * F;
    sellV[k] = bVol[k] * (1 - F);
    if (F === F && sideCol) {
      accNum += Math.min(buyV[k], bBuy[k]) + Math.min(sellV[k], bSell[k]);
      accDen += bVol[k];
    }
  }
  const counts = emptyCounts(n);
  const side = new Int8Array(n);
  const prob = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const F = frac[tradeBar[i]];
    prob[i] = F;
    if (F > 0.5) {
      side[i] = 1;
      counts.buy++;
    } else if (F < 0.5) {
      side[i] = -1;
      counts.sell++;
    } else counts.bvcUndetermined++;
  }
  counts.unclassified = counts.bvcUndetermined;
  const cut = (a: Float64Array) => a.slice(0, nb);
  const nanIfNoSide = (a: Float64Array) => (sideCol ? cut(a) : new Float64Array(nb).fill(NaN));
  const bars = new Frame<BvcBarColumns>({
    timestamp: cut(bFirst), barStart: cut(bStart), trades: cut(bTrades), volume: cut(bVol), close: cut(bClose),
    deltaP: dP, z, buyFraction: frac, buyVolume: buyV, sellVolume: sellV,
    trueBuyVolume: nanIfNoSide(bBuy), trueSellVolume: nanIfNoSide(bSell),
  });
  return { bars, sigma, tradeBar, buyProbability: prob, side, volumeAccuracy: sideCol && accDen > 0 ? accNum / accDen : NaN, counts };
}

/** Price and amount checks without a time column (volume bars need no time). */
function tradeArraysNoTime(trades: Frame): TradeArrays {
  const price = numCol(trades, "price", "trades");
  const amount = numCol(trades, "amount", "trades");
  const n = trades.length;
  for (let i = 0; i < n; i++) {
    const p = price[i];
    const a = amount[i];
    if (!(p > 0) || p === Infinity) throw new DataError(`trade price ${p} is not a finite number > 0`, { file: "trades frame", line: i + 1, field: "price" }, "line = frame row + 1");
    if (!(a >= 0) || a === Infinity) throw new DataError(`trade amount ${a} is not a finite number >= 0`, { file: "trades frame", line: i + 1, field: "amount" }, "line = frame row + 1");
  }
  return { t: new Float64Array(0), price, amount, n };
}

// ---------------------------------------------------------------------------------------------------------------
// accuracy
// ---------------------------------------------------------------------------------------------------------------

/** Confusion counts (or weights) of a classification against the truth. */
export interface Confusion {
  buyAsBuy: number;
  buyAsSell: number;
  buyUnclassified: number;
  sellAsBuy: number;
  sellAsSell: number;
  sellUnclassified: number;
}

/** Result of `classificationAccuracy`. */
export interface ClassificationAccuracy {
  /** Trades with a known true side (±1); trades with true side 0 are excluded and counted in `trueUnknown`. */
  n: number;
  /** Of those, trades the method classified (±1). */
  classified: number;
  /** classified / n. */
  coverage: number;
  /** Agreement rate over classified trades: correct / classified. */
  agreement: number;
  /** correct / n (unclassified counted as wrong). */
  accuracyAll: number;
  /** Agreement among true buys (classified ones), and among true sells. */
  buyAgreement: number;
  sellAgreement: number;
  /** Trades whose true side is 0 (excluded). */
  trueUnknown: number;
  confusion: Confusion;
  /** With `weights`: the same rates weighted (e.g. by amount = volume-weighted), and the weighted confusion. */
  weighted?: { coverage: number; agreement: number; accuracyAll: number; confusion: Confusion };
}

/**
 * Scores predicted signs against the true aggressor side (both +1 / −1 / 0 per trade):
 * agreement = #(pred = true) / #(pred ≠ 0) over trades with true ≠ 0; coverage = #(pred ≠ 0) / #(true ≠ 0);
 * accuracyAll = #(pred = true) / #(true ≠ 0). With `weights` (e.g. trade amounts), the same ratios of sums of
 * weights. O(n).
 */
export function classificationAccuracy(predicted: ArrayLike<number>, trueSide: ArrayLike<number>, opts: { weights?: ArrayLike<number> } = {}): ClassificationAccuracy {
  const n = predicted.length;
  if (trueSide.length !== n) throw new ArgumentError(`classificationAccuracy: predicted has ${n} entries, trueSide ${trueSide.length}`, { field: "trueSide" });
  const w = opts.weights;
  if (w !== undefined && w.length !== n) throw new ArgumentError(`classificationAccuracy: weights has ${w.length} entries, predicted ${n}`, { field: "weights" });
  const c: Confusion = { buyAsBuy: 0, buyAsSell: 0, buyUnclassified: 0, sellAsBuy: 0, sellAsSell: 0, sellUnclassified: 0 };
  const cw: Confusion = { buyAsBuy: 0, buyAsSell: 0, buyUnclassified: 0, sellAsBuy: 0, sellAsSell: 0, sellUnclassified: 0 };
  let unknown = 0;
  // counts in a flat array for speed: [bb, bs, b0, sb, ss, s0]
  const k = new Float64Array(6);
  const kw = new Float64Array(6);
  for (let i = 0; i < n; i++) {
    const tr = trueSide[i];
    const p = predicted[i];
    let idx: number;
    if (tr > 0) idx = p > 0 ? 0 : p < 0 ? 1 : 2;
    else if (tr < 0) idx = p > 0 ? 3 : p < 0 ? 4 : 5;
    else {
      unknown++;
      continue;
    }
    k[idx]++;
    if (w !== undefined) {
      const wi = w[i];
      if (!Number.isFinite(wi) || wi < 0) throw new ArgumentError(`classificationAccuracy: weight ${wi} at row ${i} is not a finite number >= 0`, { line: i + 1, field: "weights" }, "line = row + 1");
      kw[idx] += wi;
    }
  }
  const fill = (o: Confusion, a: Float64Array) => {
    o.buyAsBuy = a[0]; o.buyAsSell = a[1]; o.buyUnclassified = a[2]; o.sellAsBuy = a[3]; o.sellAsSell = a[4]; o.sellUnclassified = a[5];
  };
  fill(c, k);
  const total = k[0] + k[1] + k[2] + k[3] + k[4] + k[5];
  const classified = k[0] + k[1] + k[3] + k[4];
  const correct = k[0] + k[4];
  const res: ClassificationAccuracy = {
    n: total,
    classified,
    coverage: classified / total,
    agreement: correct / classified,
    accuracyAll: correct / total,
    buyAgreement: k[0] / (k[0] + k[1]),
    sellAgreement: k[4] / (k[3] + k[4]),
    trueUnknown: unknown,
    confusion: c,
  };
  if (w !== undefined) {
    fill(cw, kw);
    const tw = kw[0] + kw[1] + kw[2] + kw[3] + kw[4] + kw[5];
    const clw = kw[0] + kw[1] + kw[3] + kw[4];
    res.weighted = { coverage: clw / tw, agreement: (kw[0] + kw[4]) / clw, accuracyAll: (kw[0] + kw[4]) / tw, confusion: cw };
  }
  return res;
}
