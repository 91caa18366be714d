/**
 * Roll (1984) effective spread from the serial covariance of price changes:
 *
 *     S = 2 · sqrt(−Cov(Δp_t, Δp_{t−1}))
 *
 * In Roll's model the traded price is the efficient price ± S/2 with independent, equally likely buy/sell sides,
 * so consecutive price changes have covariance −S²/4. Reference: Roll, R. (1984), "A simple implicit measure of the
 * effective bid-ask spread in an efficient market", Journal of Finance 39(4), 1127–1139.
 *
 * Conventions (named, literal-typed options; nothing is substituted silently):
 * - `returns`: "price" (default) uses price changes Δp_t = p_t − p_{t−1}, giving S in **price units** (quote currency);
 *   "log" uses log returns ln p_t − ln p_{t−1}, giving a **relative** spread (fraction of the price, 0.001 = 10 bps).
 * - `covariance`: "sample" (default) is the pairwise sample covariance of the pairs (x, y) = (Δp_t, Δp_{t−1}) in which
 *   both are finite: Σ(x − x̄)(y − ȳ) / (k − 1), with x̄ and ȳ the means over those k pairs (numpy `cov(d[1:], d[:-1])`,
 *   pandas `Series.cov`); needs k ≥ 2. "autocovariance" is the classic lag-1 autocovariance of the change series:
 *   (1/m) Σ (Δp_t − d̄)(Δp_{t−1} − d̄), with d̄ the mean of all m finite changes and the sum over the finite pairs
 *   (statsmodels `acovf`, biased 1/m); needs m ≥ 2.
 * - `positiveCov`: when the covariance is positive the square root is undefined. "nan" (default) returns NaN;
 *   "zero" returns 0; "signed" returns −2·sqrt(Cov), a negative number, so the sign stays visible. Cov = 0 gives 0.
 * - Missing prices (NaN) make the changes that touch them missing; such pairs are skipped and counted (`pairs`
 *   is the number used). A non-finite ±Infinity price, or with "log" a price ≤ 0, throws a DataError (field, row).
 */
import { ArgumentError, DataError } from "../errors";
import type { Frame } from "../frame/frame";
import { rollingSum } from "../frame/rolling";

/** Options of `roll` and `rollRolling`. */
export interface RollOptions {
  /** "price" (default): price changes → spread in price units; "log": log returns → relative spread. */
  returns?: "price" | "log";
  /** "sample" (default): pairwise sample covariance, n−1, pair means; "autocovariance": full-series mean, 1/n. */
  covariance?: "sample" | "autocovariance";
  /** What a positive covariance gives: "nan" (default), "zero", or "signed" (−2·sqrt(Cov)). */
  positiveCov?: "nan" | "zero" | "signed";
}

/** Result of `roll`. */
export interface RollResult {
  /** Roll spread: price units ("price") or fraction of price ("log"); see `positiveCov` for Cov > 0. */
  spread: number;
  /** The first-order serial covariance of the changes (price² or log-return² units). */
  cov: number;
  /** True when cov > 0 (the case `positiveCov` decides). */
  positiveCov: boolean;
  /** Number of (Δp_t, Δp_{t−1}) pairs with both changes finite. */
  pairs: number;
  /** Number of finite changes. */
  changes: number;
}

interface Resolved {
  log: boolean;
  sample: boolean;
  positive: "nan" | "zero" | "signed";
}

function resolve(opts: RollOptions): Resolved {
  const r = opts.returns ?? "price";
  if (r !== "price" && r !== "log") throw new ArgumentError(`returns must be "price" or "log", got "${r}"`, { field: "returns" });
  const c = opts.covariance ?? "sample";
  if (c !== "sample" && c !== "autocovariance") {
    throw new ArgumentError(`covariance must be "sample" or "autocovariance", got "${c}"`, { field: "covariance" });
  }
  const p = opts.positiveCov ?? "nan";
  if (p !== "nan" && p !== "zero" && p !== "signed") {
    throw new ArgumentError(`positiveCov must be "nan", "zero" or "signed", got "${p}"`, { field: "positiveCov" });
  }
  return { log: r === "log", sample: c === "sample", positive: p };
}

/** Changes d[t] = p[t] − p[t−1] (or log difference); d[0] = NaN; NaN where either price is NaN. Validates prices. */
function changes(prices: ArrayLike<number>, log: boolean): Float64Array {
  const n = prices.length;
  const d = new Float64Array(n);
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const p = prices[i];
    if (p === p && (p === Infinity || p === -Infinity || (log && !(p > 0)))) {
      throw new DataError(`price must be finite${log ? " and > 0 for log returns" : ""} (row ${i} is ${p})`, { field: "price" });
    }
    const x = log ? Math.log(p) : p;
    d[i] = x - prev;
    prev = x;
  }
  d[0] = NaN;
  return d;
}

/** 2·sqrt(−cov) with the positive-covariance rule. */
function spreadFromCov(cov: number, rule: Resolved["positive"]): number {
  if (cov !== cov) return NaN;
  if (cov === 0) return 0;
  if (cov < 0) return 2 * Math.sqrt(-cov);
  return rule === "nan" ? NaN : rule === "zero" ? 0 : -2 * Math.sqrt(cov);
}

/** Serial covariance of the changes d[lo, hi) (two passes, exact to rounding). */
function covCore(d: Float64Array, lo: number, hi: number, sample: boolean): { cov: number; pairs: number; changes: number } {
  let m = 0;
  let sumD = 0;
  for (let t = lo; t < hi; t++) {
    const x = d[t];
    if (x === x) {
      m++;
      sumD += x;
    }
  }
  let k = 0;
  let sx = 0;
  let sy = 0;
  for (let t = lo + 1; t < hi; t++) {
    const x = d[t];
    const y = d[t - 1];
    if (x === x && y === y) {
      k++;
      sx += x;
      sy += y;
    }
  }
  let mx: number, my: number;
  if (sample) {
    mx = sx / k;
    my = sy / k;
  } else {
    mx = my = sumD / m;
  }
  let s = 0;
  for (let t = lo + 1; t < hi; t++) {
    const x = d[t];
    const y = d[t - 1];
    if (x === x && y === y) s += (x - mx) * (y - my);
  }
  const cov = sample ? (k >= 2 ? s / (k - 1) : NaN) : m >= 2 && k >= 1 ? s / m : NaN;
  return { cov, pairs: k, changes: m };
}

/**
 * Roll (1984) spread of a price series: 2·sqrt(−Cov(Δp_t, Δp_{t−1})). Defaults: price changes (spread in price
 * units), pairwise sample covariance, NaN when the covariance is positive. See the module comment for each option.
 * @param prices trade or close prices in time order (NaN = missing)
 */
export function roll(prices: ArrayLike<number>, opts: RollOptions = {}): RollResult {
  const o = resolve(opts);
  const d = changes(prices, o.log);
  const c = covCore(d, 1, d.length, o.sample);
  return { spread: spreadFromCov(c.cov, o.positive), cov: c.cov, positiveCov: c.cov > 0, pairs: c.pairs, changes: c.changes };
}

/** Options of `rollRolling`. */
export interface RollRollingOptions extends RollOptions {
  /** Least number of usable pairs in the window for a value (else NaN); default window − 2 (all of them). */
  minPairs?: number;
}

/**
 * Rolling Roll spread: out[i] = `roll` of the prices in rows (i − window, i] (so up to window − 1 changes and
 * window − 2 pairs); NaN where fewer than `minPairs` pairs are usable. Same options and conventions as `roll`.
 * O(n): compensated running sums (`rollingSum`) of the changes, shifted by their overall mean (a numerical shift
 * only; the covariance does not depend on it), so the result matches `roll` on the window to ~1e-12 relative.
 * @param window rows per window: ≥ 4 for "sample" (two pairs), ≥ 3 for "autocovariance"
 */
export function rollRolling(prices: ArrayLike<number>, window: number, opts: RollRollingOptions = {}): Float64Array {
  const o = resolve(opts);
  const least = o.sample ? 2 : 1;
  if (!Number.isInteger(window) || window < least + 2) {
    throw new ArgumentError(`window must be an integer >= ${least + 2} for ${o.sample ? "sample" : "autocovariance"} covariance, got ${window}`, { field: "window" });
  }
  const minPairs = opts.minPairs ?? window - 2;
  if (!Number.isInteger(minPairs) || minPairs < least || minPairs > window - 2) {
    throw new ArgumentError(`minPairs must be an integer in [${least}, ${window - 2}], got ${minPairs}`, { field: "minPairs" });
  }
  const n = prices.length;
  const d = changes(prices, o.log);
  let K = 0;
  let m0 = 0;
  for (let t = 0; t < n; t++) {
    if (d[t] === d[t]) {
      K += d[t];
      m0++;
    }
  }
  K = m0 > 0 ? K / m0 : 0;
  const cOne = new Float64Array(n);
  const cVal = new Float64Array(n);
  const pOne = new Float64Array(n);
  const pX = new Float64Array(n);
  const pY = new Float64Array(n);
  const pXY = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const x = d[t];
    const ok = x === x;
    cOne[t] = ok ? 1 : NaN;
    cVal[t] = ok ? x - K : NaN;
    const y = t > 0 ? d[t - 1] : NaN;
    if (ok && y === y) {
      pOne[t] = 1;
      pX[t] = x - K;
      pY[t] = y - K;
      pXY[t] = (x - K) * (y - K);
    } else {
      pOne[t] = pX[t] = pY[t] = pXY[t] = NaN;
    }
  }
  const wp = window - 2;
  const wc = window - 1;
  const k = rollingSum(pOne, wp, { minPeriods: 0 });
  const sx = rollingSum(pX, wp, { minPeriods: 0 });
  const sy = rollingSum(pY, wp, { minPeriods: 0 });
  const sxy = rollingSum(pXY, wp, { minPeriods: 0 });
  let m: Float64Array | null = null;
  let sd: Float64Array | null = null;
  if (!o.sample) {
    m = rollingSum(cOne, wc, { minPeriods: 0 });
    sd = rollingSum(cVal, wc, { minPeriods: 0 });
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ki = Math.round(k[i]);
    if (ki < minPairs) {
      out[i] = NaN;
      continue;
    }
    let cov: number;
    if (o.sample) {
      cov = (sxy[i] - (sx[i] * sy[i]) / ki) / (ki - 1);
    } else {
      const mi = Math.round(m![i]);
      const db = sd![i] / mi;
      cov = (sxy[i] - db * (sx[i] + sy[i]) + ki * db * db) / mi;
    }
    out[i] = spreadFromCov(cov, o.positive);
  }
  return out;
}

/** Options of `rollCandles`. */
export interface RollCandleOptions extends RollOptions {
  /** Price column; default "close". */
  column?: string;
}

/** `roll` over one price column of a frame (default `close` of a CandleFrame). Formula and conventions: see `roll`. */
export function rollCandles(frame: Frame, opts: RollCandleOptions = {}): RollResult {
  return roll(frame.f64(opts.column ?? "close"), opts);
}
