/**
 * Time bars (OHLCV candles) from trade ticks, in one pass over a time-sorted trade frame.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame, type NumericColumn } from "./frame";

/** Columns of the frame `timeBars` returns (all Float64Array, one row per bar). */
export type BarColumns = {
  /** Bar start, epoch µs: bars are [timestamp, timestamp + intervalUs). */
  timestamp: Float64Array;
  /** Price of the first trade in the bar (NaN for an empty bar unless `ffillClose`). */
  open: Float64Array;
  /** Highest trade price. */
  high: Float64Array;
  /** Lowest trade price. */
  low: Float64Array;
  /** Price of the last trade in the bar. */
  close: Float64Array;
  /** Σ amount, base units. */
  volume: Float64Array;
  /** Σ price·amount, quote units. */
  quoteVolume: Float64Array;
  /** quoteVolume / volume (volume-weighted average price); NaN when volume is 0. */
  vwap: Float64Array;
  /** Number of trades. */
  trades: Float64Array;
  /** Σ amount of buyer-initiated trades (side > 0); NaN if the input has no side column. */
  buyVolume: Float64Array;
  /** Σ amount of seller-initiated trades (side < 0); NaN if the input has no side column. */
  sellVolume: Float64Array;
};
/** The column names of a bar frame (`BarColumns`), in output order. */
export const BAR_COLUMNS = ["timestamp", "open", "high", "low", "close", "volume", "quoteVolume", "vwap", "trades", "buyVolume", "sellVolume"] as const;

/** Options of `timeBars`. */
export interface TimeBarOptions {
  /** Bar length in µs (> 0), e.g. 60e6 for one-minute bars. */
  intervalUs: number;
  /** Bars start at originUs + k·intervalUs (k any integer); default 0 = aligned to the epoch (UTC). */
  originUs?: number;
  /** Emit the empty bars between the first and the last trade (volume 0, trades 0, OHLC and vwap NaN); default false. */
  fillEmpty?: boolean;
  /** Empty bars get open = high = low = close = the previous bar's close (implies fillEmpty); vwap stays NaN. Default false. */
  ffillClose?: boolean;
  /** Time column; default "timestamp" (exchange time). Use "localTimestamp" for receive time. */
  timeColumn?: string;
}

/** Most bars `fillEmpty` may create, a guard against a µs interval over a long span. */
export const MAX_FILLED_BARS = 50_000_000;

/**
 * Fixed-interval time bars from trades (columns timestamp, price, amount, side as in `TradeColumns`;
 * `side` optional). A trade at time t falls in the bar starting at
 * `originUs + floor((t − originUs) / intervalUs)·intervalUs` (exact for integer µs), bars being
 * [start, start + intervalUs). Per bar: open/close = first/last trade price in input order, high/low,
 * volume = Σ amount, quoteVolume = Σ price·amount, vwap = quoteVolume / volume, trades = count,
 * buyVolume / sellVolume = Σ amount with side > 0 / side < 0 (unknown side 0 counts in volume only).
 *
 * Empty bars: by default only bars with trades are returned. With `fillEmpty` every bar from the first
 * trade's to the last trade's appears; empty ones have volume 0, trades 0 and OHLC/vwap NaN. They are NOT
 * forward-filled by default because no price was observed: a carried-forward close fakes zero returns and
 * zero ranges, which biases range- and return-based volatility estimators (Parkinson, Garman–Klass,
 * realized variance) and liquidity measures downward and hides illiquidity. `ffillClose` does the fill
 * (open = high = low = close = previous close) for consumers that need a price on every bar, e.g. plotting.
 *
 * O(n), one pass. Throws a DataError naming the row and field when the time column is unsorted or NaN, a
 * price is not finite, or an amount is negative or not finite.
 */
export function timeBars(trades: Frame, opts: TimeBarOptions): Frame<BarColumns> {
  const I = opts.intervalUs;
  const o = opts.originUs ?? 0;
  const ffill = opts.ffillClose ?? false;
  const fill = (opts.fillEmpty ?? false) || ffill;
  const timeCol = opts.timeColumn ?? "timestamp";
  if (!(I > 0) || !Number.isFinite(I)) throw new ArgumentError(`timeBars: intervalUs must be a finite number > 0, got ${I}`, { field: "intervalUs" });
  if (!Number.isFinite(o)) throw new ArgumentError(`timeBars: originUs must be finite, got ${o}`, { field: "originUs" });
  const t = trades.num(timeCol);
  const price = trades.num("price");
  const amount = trades.num("amount");
  const side: NumericColumn | null = trades.has("side") ? trades.num("side") : null;
  const n = trades.length;

  // Capacity: for sorted input the bar count is at most min(n, span) (exactly span with fill). Unsorted input
  // is caught in the loop; `growBars` covers the rows seen before that.
  let cap = 0;
  if (n > 0) {
    const t0 = t[0];
    const t1 = t[n - 1];
    if (!Number.isFinite(t0)) throw badRow(0, timeCol, `is ${t0}`);
    const span = Number.isFinite(t1) && t1 >= t0 ? barNo(t1, o, I) - barNo(t0, o, I) + 1 : 1;
    if (fill && span > MAX_FILLED_BARS) {
      throw new ArgumentError(`timeBars: fillEmpty would create ${span} bars (limit ${MAX_FILLED_BARS}); use a longer intervalUs or fillEmpty: false`, { field: "intervalUs" });
    }
    cap = fill ? span : Math.min(n, span);
  }
  let b = newBars(cap);

  // The hot loop keeps the current bar in locals (no closures capture them, so V8 keeps them in registers).
  let k = -1; // index of the current (open) bar in the output
  let curNo = NaN; // bar number of the current bar
  let curEnd = -Infinity; // its end time (exclusive)
  let bOpen = NaN, bHigh = NaN, bLow = NaN, bClose = NaN, bVol = 0, bQv = 0, bCnt = 0, bBuy = 0, bSell = 0;
  let prevT = -Infinity;
  for (let i = 0; i < n; i++) {
    const ti = t[i];
    if (!(ti >= prevT)) throw ti !== ti ? badRow(i, timeCol, "is NaN") : badRow(i, timeCol, `(${ti}) is earlier than row ${i - 1} (${prevT}); sort the trades by time first`);
    prevT = ti;
    const p = price[i];
    const a = amount[i];
    if (!(p - p === 0)) throw badRow(i, "price", `is ${p}`);
    if (!(a >= 0) || a === Infinity) throw badRow(i, "amount", `is ${a} (must be finite and >= 0)`);
    if (ti >= curEnd) {
      if (ti === Infinity) throw badRow(i, timeCol, "is Infinity");
      const no = barNo(ti, o, I);
      const gaps = fill && k >= 0 ? no - curNo - 1 : 0;
      if (k + 2 + gaps > b.cap) b = growBars(b, k + 2 + gaps);
      if (k >= 0) {
        b.open[k] = bOpen; b.high[k] = bHigh; b.low[k] = bLow; b.close[k] = bClose;
        b.volume[k] = bVol; b.quoteVolume[k] = bQv; b.trades[k] = bCnt; b.buyVolume[k] = bBuy; b.sellVolume[k] = bSell;
      }
      // empty bars curNo+1 .. no-1 (fill only); volume, trades, buy/sell stay 0 from the allocation
      const fv = ffill ? bClose : NaN;
      for (let g = 1; g <= gaps; g++) {
        k++;
        b.timestamp[k] = o + (curNo + g) * I;
        b.open[k] = fv; b.high[k] = fv; b.low[k] = fv; b.close[k] = fv;
      }
      k++;
      curNo = no;
      const start = o + no * I;
      b.timestamp[k] = start;
      curEnd = start + I;
      bOpen = p; bHigh = p; bLow = p; bVol = 0; bQv = 0; bCnt = 0; bBuy = 0; bSell = 0;
    }
    if (p > bHigh) bHigh = p;
    else if (p < bLow) bLow = p;
    bClose = p;
    bVol += a;
    bQv += p * a;
    bCnt++;
    if (side !== null) {
      const sd = side[i];
      if (sd > 0) bBuy += a;
      else if (sd < 0) bSell += a;
    }
  }
  if (k >= 0) {
    b.open[k] = bOpen; b.high[k] = bHigh; b.low[k] = bLow; b.close[k] = bClose;
    b.volume[k] = bVol; b.quoteVolume[k] = bQv; b.trades[k] = bCnt; b.buyVolume[k] = bBuy; b.sellVolume[k] = bSell;
  }
  const nb = k + 1;
  const vol = b.volume;
  const qv = b.quoteVolume;
  const vwap = new Float64Array(nb);
  for (let j = 0; j < nb; j++) vwap[j] = vol[j] > 0 ? qv[j] / vol[j] : NaN;
  if (side === null) {
    b.buyVolume.fill(NaN);
    b.sellVolume.fill(NaN);
  }
  const cut = (a: Float64Array): Float64Array => (a.length === nb ? a : a.slice(0, nb));
  return new Frame<BarColumns>({
    timestamp: cut(b.timestamp), open: cut(b.open), high: cut(b.high), low: cut(b.low), close: cut(b.close),
    volume: cut(vol), quoteVolume: cut(qv), vwap, trades: cut(b.trades), buyVolume: cut(b.buyVolume), sellVolume: cut(b.sellVolume),
  });
}

/** Bar number of time x: floor((x − o) / I), corrected for the rounding of the quotient (exact for integers < 2^53). */
function barNo(x: number, o: number, I: number): number {
  const d = x - o;
  let k = Math.floor(d / I);
  const r = d - k * I;
  if (r < 0) k -= 1;
  else if (r >= I) k += 1;
  return k;
}

interface BarBuffers {
  cap: number;
  timestamp: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array;
  volume: Float64Array; quoteVolume: Float64Array; trades: Float64Array; buyVolume: Float64Array; sellVolume: Float64Array;
}

function newBars(cap: number): BarBuffers {
  const f = () => new Float64Array(cap);
  return {
    cap, timestamp: f(), open: f(), high: f(), low: f(), close: f(),
    volume: f(), quoteVolume: f(), trades: f(), buyVolume: f(), sellVolume: f(),
  };
}

function growBars(b: BarBuffers, need: number): BarBuffers {
  const c = newBars(Math.max(need, b.cap * 2, 16));
  c.timestamp.set(b.timestamp); c.open.set(b.open); c.high.set(b.high); c.low.set(b.low); c.close.set(b.close);
  c.volume.set(b.volume); c.quoteVolume.set(b.quoteVolume); c.trades.set(b.trades); c.buyVolume.set(b.buyVolume); c.sellVolume.set(b.sellVolume);
  return c;
}

function badRow(i: number, field: string, what: string): DataError {
  return new DataError(`timeBars: row ${i} ${field} ${what}`, { field });
}
