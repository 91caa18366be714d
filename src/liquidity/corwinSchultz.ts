/**
 * Corwin & Schultz (2012) high-low spread estimator. For each pair of consecutive periods (t, t+1):
 *
 *     β = [ln(H_t / L_t)]² + [ln(H_{t+1} / L_{t+1})]²
 *     γ = [ln(H_{t,t+1} / L_{t,t+1})]²,   H_{t,t+1} = max(H_t, H_{t+1}),  L_{t,t+1} = min(L_t, L_{t+1})
 *     α = (√(2β) − √β) / (3 − 2√2) − √(γ / (3 − 2√2))
 *     S = 2 (e^α − 1) / (1 + e^α)
 *
 * S is a **relative** spread (fraction of the price: 0.001 = 10 bps). The idea: the high is almost always a buy and
 * the low a sell, so ln(H/L) holds the spread once and the volatility in proportion to the interval; one two-period
 * range against two one-period ranges separates the two. Reference: Corwin, S. A. & Schultz, P. (2012), "A simple way
 * to estimate bid-ask spreads from daily high and low prices", Journal of Finance 67(2), 719–760.
 *
 * Conventions:
 * - Overnight adjustment (paper, section "adjusting for overnight returns", and the authors' SAS code): if the low of
 *   t+1 is above the close of t, the price is taken to have risen overnight from C_t to L_{t+1}, and both H_{t+1} and
 *   L_{t+1} are decreased by the gap (L_{t+1} − C_t); if the high of t+1 is below C_t, both are increased by
 *   (C_t − H_{t+1}). Only day t+1 of each pair is shifted (day t keeps its own range), and the shifted day t+1 enters
 *   both β and γ. `overnight: "price"` (default) shifts in price units, as the paper and its SAS code do (so the
 *   range ratio H/L of day t+1 changes slightly); "log" shifts log prices (H·C_t/L_{t+1}, as the `bidask` R package
 *   does; β is then unchanged); "none" skips the adjustment. For 24/7 crypto candles the "overnight" gap is the
 *   gap between one candle's close and the next candle's range (usually none).
 * - Negative two-period estimates (α < 0): `negative: "zero"` (default, the paper's primary estimate) sets them to 0
 *   before averaging; "signed" averages them as they are; "drop" leaves them out (the paper's alternative). The
 *   returned `twoDay` series always holds the raw signed S.
 * - Alignment: `twoDay[t]` is the estimate from periods t and t+1 (the paper's indexing), so the last entry is NaN.
 *   The rolling version places each estimate at its later period t+1, so it never looks ahead.
 * - Missing data: a pair with a NaN high, low, or (when adjusting) a NaN previous close gives NaN and is counted in
 *   `missing`. A non-positive or infinite price, or a high below the low, throws a DataError (field, row).
 *   Single-price periods (H = L) are used as they are (the authors' CRSP code replaces them with the previous day's
 *   range; makerlab does not alter data and counts them in `flatPeriods`).
 */
import { ArgumentError, DataError } from "../errors";
import type { Frame } from "../frame/frame";
import { rollingMean } from "../frame/rolling";

/** Options of `corwinSchultz` and `corwinSchultzRolling`. */
export interface CorwinSchultzOptions {
  /** Overnight (close-to-next-range) adjustment: "price" (default, the paper's), "log" (bidask's), or "none". */
  overnight?: "price" | "log" | "none";
  /** Negative two-period estimates: "zero" (default, the paper's), "signed" (kept), or "drop" (left out). */
  negative?: "zero" | "signed" | "drop";
}

/** Result of `corwinSchultz`. */
export interface CorwinSchultzResult {
  /** Mean of the two-period estimates after the `negative` rule: the relative spread (0.001 = 10 bps). NaN if none. */
  spread: number;
  /** Raw signed two-period estimates S_t from periods (t, t+1); length n, NaN at n − 1 and where data are missing. */
  twoDay: Float64Array;
  /** Two-period estimates averaged into `spread`. */
  used: number;
  /** Finite two-period estimates that were negative (zeroed, kept, or dropped per `negative`). */
  negative: number;
  /** Pairs without an estimate because of missing data (NaN high / low / close). */
  missing: number;
  /** Pairs whose second period was shifted down (its low was above the previous close: a gap up). */
  gapUp: number;
  /** Pairs whose second period was shifted up (its high was below the previous close: a gap down). */
  gapDown: number;
  /** Periods with high = low (a single price). */
  flatPeriods: number;
}

const K = 3 - 2 * Math.SQRT2;

function resolve(opts: CorwinSchultzOptions): { overnight: "price" | "log" | "none"; negative: "zero" | "signed" | "drop" } {
  const overnight = opts.overnight ?? "price";
  if (overnight !== "price" && overnight !== "log" && overnight !== "none") {
    throw new ArgumentError(`overnight must be "price", "log" or "none", got "${overnight}"`, { field: "overnight" });
  }
  const negative = opts.negative ?? "zero";
  if (negative !== "zero" && negative !== "signed" && negative !== "drop") {
    throw new ArgumentError(`negative must be "zero", "signed" or "drop", got "${negative}"`, { field: "negative" });
  }
  return { overnight, negative };
}

function checkPrice(v: number, field: string, i: number): void {
  if (v === v && !(v > 0 && v < Infinity)) throw new DataError(`${field} must be a finite price > 0 (row ${i} is ${v})`, { field });
}

interface Kernel {
  twoDay: Float64Array;
  missing: number;
  gapUp: number;
  gapDown: number;
  flat: number;
}

/** The two-period estimates S_t (raw, signed), with counts. */
function kernel(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, overnight: "price" | "log" | "none"): Kernel {
  const n = high.length;
  if (low.length !== n || close.length !== n) {
    throw new ArgumentError(`high, low and close must have the same length (${n}, ${low.length}, ${close.length})`, { field: "low" });
  }
  let flat = 0;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    checkPrice(h, "high", i);
    checkPrice(l, "low", i);
    checkPrice(close[i], "close", i);
    if (h < l) throw new DataError(`high is below low (row ${i}: high ${h}, low ${l})`, { field: "high" });
    if (h === l) flat++;
  }
  const twoDay = new Float64Array(n).fill(NaN);
  let missing = 0;
  let gapUp = 0;
  let gapDown = 0;
  for (let t = 0; t + 1 < n; t++) {
    const h0 = high[t];
    const l0 = low[t];
    let h1 = high[t + 1];
    let l1 = low[t + 1];
    const c0 = close[t];
    if (h0 !== h0 || l0 !== l0 || h1 !== h1 || l1 !== l1 || (overnight !== "none" && c0 !== c0)) {
      missing++;
      continue;
    }
    if (overnight !== "none") {
      if (l1 > c0) {
        gapUp++;
        if (overnight === "price") {
          h1 = h1 - (l1 - c0);
        } else {
          h1 = h1 * (c0 / l1);
        }
        l1 = c0;
      } else if (h1 < c0) {
        gapDown++;
        if (overnight === "price") {
          l1 = l1 + (c0 - h1);
        } else {
          l1 = l1 * (c0 / h1);
        }
        h1 = c0;
      }
    }
    const r0 = Math.log(h0 / l0);
    const r1 = Math.log(h1 / l1);
    const beta = r0 * r0 + r1 * r1;
    const r2 = Math.log(Math.max(h0, h1) / Math.min(l0, l1));
    const gamma = r2 * r2;
    const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / K - Math.sqrt(gamma / K);
    const e = Math.exp(alpha);
    twoDay[t] = (2 * (e - 1)) / (1 + e);
  }
  return { twoDay, missing, gapUp, gapDown, flat };
}

/** Applies the negative-estimate rule to one raw estimate: the value to average, or NaN to leave it out. */
function applyRule(s: number, rule: "zero" | "signed" | "drop"): number {
  if (!(s < 0)) return s;
  return rule === "zero" ? 0 : rule === "signed" ? s : NaN;
}

/**
 * Corwin & Schultz (2012) relative spread over a sample: the mean of the two-period estimates S_t (module comment
 * gives β, γ, α, S), with the paper's overnight adjustment and negative estimates set to zero by default.
 * Returns the raw two-period series too. Units: fraction of price (0.001 = 10 bps).
 * @param high highs in time order @param low lows @param close closes (used by the overnight adjustment)
 */
export function corwinSchultz(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  opts: CorwinSchultzOptions = {},
): CorwinSchultzResult {
  const o = resolve(opts);
  const k = kernel(high, low, close, o.overnight);
  let used = 0;
  let neg = 0;
  let sum = 0;
  for (let t = 0; t < k.twoDay.length; t++) {
    const s = k.twoDay[t];
    if (s !== s) continue;
    if (s < 0) neg++;
    const v = applyRule(s, o.negative);
    if (v === v) {
      sum += v;
      used++;
    }
  }
  return {
    spread: used > 0 ? sum / used : NaN,
    twoDay: k.twoDay,
    used,
    negative: neg,
    missing: k.missing,
    gapUp: k.gapUp,
    gapDown: k.gapDown,
    flatPeriods: k.flat,
  };
}

/** Options of `corwinSchultzRolling`. */
export interface CorwinSchultzRollingOptions extends CorwinSchultzOptions {
  /** Least number of usable two-period estimates in the window for a value (else NaN); default = window. */
  minPeriods?: number;
}

/**
 * Rolling Corwin–Schultz spread: out[i] = mean of the last `window` two-period estimates whose later period is ≤ i
 * (pairs (i−window, i−window+1) … (i−1, i)), after the `negative` rule; NaN where fewer than `minPeriods` (default
 * window) are usable. out[0] is NaN (no pair ends there). Formula and conventions: see `corwinSchultz`. O(n).
 * @param window number of two-period estimates averaged (e.g. 21 daily pairs ≈ a month, as in the paper)
 */
export function corwinSchultzRolling(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  window: number,
  opts: CorwinSchultzRollingOptions = {},
): Float64Array {
  const o = resolve(opts);
  const k = kernel(high, low, close, o.overnight);
  const n = k.twoDay.length;
  const atEnd = new Float64Array(n);
  atEnd[0] = NaN;
  for (let i = 1; i < n; i++) atEnd[i] = applyRule(k.twoDay[i - 1], o.negative);
  return rollingMean(atEnd, window, { minPeriods: opts.minPeriods });
}

/**
 * `corwinSchultz` over a candle frame (columns `high`, `low`, `close`). Formula, units and conventions: see
 * `corwinSchultz`. For hourly candles the "two periods" are two hours and the result is an hourly-range estimate.
 */
export function corwinSchultzCandles(candles: Frame, opts: CorwinSchultzOptions = {}): CorwinSchultzResult {
  return corwinSchultz(candles.f64("high"), candles.f64("low"), candles.f64("close"), opts);
}
