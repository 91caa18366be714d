/**
 * Range-based (OHLC) variance estimators: Parkinson, Garman-Klass, Rogers-Satchell, Yang-Zhang, and the
 * close-to-close benchmark, over a whole sample or in rolling windows.
 *
 * Conventions:
 * - Natural logs of price ratios: h = ln(H/O), l = ln(L/O), c = ln(C/O), ln(H/L) = h − l, and the overnight
 *   (open jump) return o_i = ln(O_i / C_{i−1}). All estimates are **variances per bar** in log-return² units
 *   (σ² of the log return over one bar); `volatility` is √variance per bar. Annualize with `annualize` /
 *   `annualizedVolatility` (realized.ts) and the bar length, e.g. { intervalUs: 3600e6 } for hourly bars (× 8,760,
 *   365-day crypto year). Scaling all prices by c > 0 changes nothing.
 * - Each estimator assumes (like the papers) a driftless or slowly drifting Brownian log price within the bar.
 *   Parkinson and Garman-Klass assume zero drift; Rogers-Satchell is drift-independent; Yang-Zhang adds the
 *   open jump and is drift-independent and minimum-variance in its class. Discrete trading biases all range
 *   estimators downward (the observed range understates the continuous one).
 * - Crypto trades 24/7: a bar opens at (about) the previous close, so o_i ≈ 0 and Yang-Zhang is close to
 *   k·σ²_open-to-close + (1 − k)·V_RS. With exchange outages (missing candles) o_i carries the gap's move.
 * - Inputs: `{ open, high, low, close }` typed arrays (a CandleFrame's `columns` object works as is) or a Frame with
 *   those columns. Every used value must be finite and > 0, with low ≤ min(open, close) and high ≥ max(open, close)
 *   (so high ≥ low); otherwise a DataError names the row and the field.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame } from "../frame/frame";
import { rollingMean, rollingStd } from "../frame/rolling";
import { annualizedVolatility, annualize, type AnnualizationBasis } from "./realized";

/** OHLC input: typed arrays of one length (only the fields an estimator needs are read), or a Frame with those columns. */
export type OhlcInput = Frame | { open?: ArrayLike<number>; high?: ArrayLike<number>; low?: ArrayLike<number>; close?: ArrayLike<number> };

/** The range estimators. */
export type RangeEstimator = "parkinson" | "garmanKlass" | "rogersSatchell" | "yangZhang" | "closeToClose";

/** Parkinson's constant 1 / (4 ln 2) ≈ 0.360674: E[(ln H/L)²] = 4 ln 2 · σ² for driftless Brownian motion. */
export const PARKINSON_CONSTANT = 1 / (4 * Math.LN2);
/** Garman-Klass's weight on (ln C/O)²: 2 ln 2 − 1 ≈ 0.386294. */
export const GARMAN_KLASS_CONSTANT = 2 * Math.LN2 - 1;

/** A whole-sample estimate. */
export interface RangeEstimate {
  /** Variance per bar, log-return² units. */
  variance: number;
  /** √variance: volatility per bar, log-return units. */
  volatility: number;
  /** Bars that entered the estimate (for close-to-close and Yang-Zhang: bars with a previous close, i.e. rows 1…n−1). */
  n: number;
  /**
   * Per-bar variance estimates (length = rows; NaN where a bar has none): Parkinson, Garman-Klass, Rogers-Satchell
   * per bar, close-to-close r_i² (row 0 NaN). null for Yang-Zhang, which is a window estimator only.
   */
  perBar: Float64Array | null;
}

type Field = "open" | "high" | "low" | "close";

interface Ohlc {
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  n: number;
}

const EMPTY = new Float64Array(0);

/** Reads and validates the fields `need` of the input (see the module comment for the checks). */
function readOhlc(input: OhlcInput, need: readonly Field[], fn: string): Ohlc {
  const get = (f: Field): ArrayLike<number> | undefined => {
    if (input instanceof Frame) return input.has(f) ? input.num(f) : undefined;
    return input[f];
  };
  const cols: { [k in Field]?: ArrayLike<number> } = {};
  let n = -1;
  for (const f of need) {
    const c = get(f);
    if (c === undefined) throw new ArgumentError(`${fn} needs a "${f}" column`, { field: f });
    if (n < 0) n = c.length;
    else if (c.length !== n) throw new ArgumentError(`${fn}: "${f}" has ${c.length} rows but "${need[0]}" has ${n}`, { field: f });
    cols[f] = c;
  }
  n = Math.max(0, n);
  for (const f of need) {
    const c = cols[f] as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const v = c[i];
      if (!(v > 0) || v === Infinity) throw new DataError(`row ${i}: ${f} must be a finite price > 0, got ${v}`, { field: f }, `${fn} works on log prices`);
    }
  }
  const hi = cols.high;
  const lo = cols.low;
  if (hi && lo) {
    for (let i = 0; i < n; i++) {
      if (hi[i] < lo[i]) throw new DataError(`row ${i}: high ${hi[i]} is below low ${lo[i]}`, { field: "high" });
    }
    for (const f of ["open", "close"] as const) {
      const c = cols[f];
      if (!c) continue;
      for (let i = 0; i < n; i++) {
        if (c[i] > hi[i]) throw new DataError(`row ${i}: ${f} ${c[i]} is above high ${hi[i]}`, { field: f });
        if (c[i] < lo[i]) throw new DataError(`row ${i}: ${f} ${c[i]} is below low ${lo[i]}`, { field: f });
      }
    }
  }
  return { open: cols.open ?? EMPTY, high: hi ?? EMPTY, low: lo ?? EMPTY, close: cols.close ?? EMPTY, n };
}

function meanOf(x: Float64Array, from: number): { mean: number; n: number } {
  let s = 0;
  for (let i = from; i < x.length; i++) s += x[i];
  const n = Math.max(0, x.length - from);
  return { mean: n > 0 ? s / n : NaN, n };
}

/** Sample variance with divisor (n − 1) of x[from…]; NaN for fewer than 2 values. */
function sampleVar(x: Float64Array, from: number): number {
  const n = x.length - from;
  if (n < 2) return NaN;
  let s = 0;
  for (let i = from; i < x.length; i++) s += x[i];
  const m = s / n;
  let ss = 0;
  for (let i = from; i < x.length; i++) ss += (x[i] - m) * (x[i] - m);
  return ss / (n - 1);
}

function estimate(variance: number, n: number, perBar: Float64Array | null): RangeEstimate {
  return { variance, volatility: Math.sqrt(variance), n, perBar };
}

/** Per-bar Parkinson variances (ln(H/L))² / (4 ln 2) of validated input. */
function parkinsonBars(o: Ohlc): Float64Array {
  const out = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const hl = Math.log(o.high[i] / o.low[i]);
    out[i] = PARKINSON_CONSTANT * hl * hl;
  }
  return out;
}

/** Per-bar Garman-Klass variances ½(ln H/L)² − (2 ln 2 − 1)(ln C/O)². */
function garmanKlassBars(o: Ohlc): Float64Array {
  const out = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const hl = Math.log(o.high[i] / o.low[i]);
    const co = Math.log(o.close[i] / o.open[i]);
    out[i] = 0.5 * hl * hl - GARMAN_KLASS_CONSTANT * co * co;
  }
  return out;
}

/** Per-bar Rogers-Satchell variances ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O). */
function rogersSatchellBars(o: Ohlc): Float64Array {
  const out = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const h = o.high[i];
    const l = o.low[i];
    out[i] = Math.log(h / o.close[i]) * Math.log(h / o.open[i]) + Math.log(l / o.close[i]) * Math.log(l / o.open[i]);
  }
  return out;
}

/** Close-to-close log returns, r[0] = NaN, r[i] = ln(C_i / C_{i−1}). */
function closeReturns(o: Ohlc): Float64Array {
  const r = new Float64Array(o.n);
  if (o.n > 0) r[0] = NaN;
  for (let i = 1; i < o.n; i++) r[i] = Math.log(o.close[i] / o.close[i - 1]);
  return r;
}

/**
 * Parkinson (1980, "The extreme value method for estimating the variance of the rate of return", J. Business 53):
 * σ²_i = (ln(H_i/L_i))² / (4 ln 2) per bar (4 ln 2 = E[(range of a unit Brownian motion over [0,1])²]); the sample
 * estimate is their mean. Unbiased for driftless Brownian motion observed continuously; about 5× as efficient as
 * close-to-close. Needs high and low. Units: variance per bar (log-return²).
 */
export function parkinson(ohlc: OhlcInput): RangeEstimate {
  const o = readOhlc(ohlc, ["high", "low"], "parkinson");
  const bars = parkinsonBars(o);
  const m = meanOf(bars, 0);
  return estimate(m.mean, m.n, bars);
}

/**
 * Garman & Klass (1980, "On the estimation of security price volatilities from historical data", J. Business 53),
 * their practical estimator σ̂₅ without the opening jump: σ²_i = ½(ln H/L)² − (2 ln 2 − 1)(ln C/O)² per bar, sample
 * mean over bars. Unbiased for driftless Brownian motion; efficiency ≈ 7.4 vs close-to-close. Needs OHLC.
 * Units: variance per bar (log-return²). For the overnight jump use Yang-Zhang.
 */
export function garmanKlass(ohlc: OhlcInput): RangeEstimate {
  const o = readOhlc(ohlc, ["open", "high", "low", "close"], "garmanKlass");
  const bars = garmanKlassBars(o);
  const m = meanOf(bars, 0);
  return estimate(m.mean, m.n, bars);
}

/**
 * Rogers & Satchell (1991, "Estimating variance from high, low and closing prices", Annals of Applied Probability 1):
 * σ²_i = ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O) per bar (each term ≥ 0 for consistent OHLC), sample mean over bars.
 * Unbiased for Brownian motion with any constant drift. Needs OHLC. Units: variance per bar (log-return²).
 */
export function rogersSatchell(ohlc: OhlcInput): RangeEstimate {
  const o = readOhlc(ohlc, ["open", "high", "low", "close"], "rogersSatchell");
  const bars = rogersSatchellBars(o);
  const m = meanOf(bars, 0);
  return estimate(m.mean, m.n, bars);
}

/** Options of `closeToClose`. */
export interface CloseToCloseOptions {
  /**
   * true (default): the classic sample variance (1/(n−1))·Σ(r_i − r̄)² of the n = rows − 1 close-to-close log
   * returns. false: the zero-mean estimate (1/n)·Σ r_i² (the convention of the range estimators and of RV).
   */
  demean?: boolean;
}

/**
 * Close-to-close variance, the benchmark of the range estimators: r_i = ln(C_i/C_{i−1}), i = 1…n; variance per bar
 * (1/(n−1))·Σ(r_i − r̄)² by default, or (1/n)·Σ r_i² with `demean: false`. Needs close. Units: log-return² per bar.
 * `perBar` holds r_i² (row 0 NaN).
 */
export function closeToClose(ohlc: OhlcInput, opts: CloseToCloseOptions = {}): RangeEstimate {
  const o = readOhlc(ohlc, ["close"], "closeToClose");
  const r = closeReturns(o);
  const perBar = new Float64Array(o.n);
  if (o.n > 0) perBar[0] = NaN;
  for (let i = 1; i < o.n; i++) perBar[i] = r[i] * r[i];
  const n = Math.max(0, o.n - 1);
  const variance = opts.demean === false ? meanOf(perBar, 1).mean : sampleVar(r, 1);
  return estimate(variance, n, perBar);
}

/**
 * Yang & Zhang's weight (2000, "Drift-independent volatility estimation based on high, low, open, and close
 * prices", J. Business 73(3), eq. 8 with α = 1.34): k = 0.34 / (1.34 + (n+1)/(n−1)), n = bars in the window (n ≥ 2).
 * It minimizes the estimator's variance; k → 0.34/2.34 ≈ 0.1453 as n → ∞.
 */
export function yangZhangK(n: number): number {
  if (!(n >= 2)) throw new ArgumentError(`Yang-Zhang needs n >= 2 bars, got ${n}`, { field: "n" });
  return 0.34 / (1.34 + (n + 1) / (n - 1));
}

/**
 * Yang-Zhang (2000) variance per bar: σ²_YZ = σ²_o + k·σ²_c + (1 − k)·V_RS, where, over the n bars that have a
 * previous close (rows 1…N−1 of N rows), o_i = ln(O_i/C_{i−1}) is the open jump, c_i = ln(C_i/O_i) the open-to-close
 * return, σ²_o and σ²_c their sample variances (divisor n − 1), V_RS the mean Rogers-Satchell term, and
 * k = 0.34/(1.34 + (n+1)/(n−1)) (`yangZhangK`). Unbiased for Brownian motion with drift and opening jumps; the
 * minimum-variance combination of its kind. Needs OHLC and at least 3 rows. For 24/7 crypto o_i ≈ 0 (see module
 * comment). Units: log-return² per bar (the open jump included). `perBar` is null.
 */
export function yangZhang(ohlc: OhlcInput): RangeEstimate {
  const o = readOhlc(ohlc, ["open", "high", "low", "close"], "yangZhang");
  const n = o.n - 1;
  if (n < 2) throw new ArgumentError(`yangZhang needs at least 3 rows (2 bars with a previous close), got ${o.n}`, { field: "close" });
  const on = new Float64Array(o.n);
  const oc = new Float64Array(o.n);
  for (let i = 1; i < o.n; i++) {
    on[i] = Math.log(o.open[i] / o.close[i - 1]);
    oc[i] = Math.log(o.close[i] / o.open[i]);
  }
  const rs = meanOf(rogersSatchellBars(o), 1).mean;
  const k = yangZhangK(n);
  const variance = sampleVar(on, 1) + k * sampleVar(oc, 1) + (1 - k) * rs;
  return estimate(variance, n, null);
}

/** Options of `rollingRangeVolatility`. */
export interface RollingRangeOptions {
  /** "volatility" (default): √variance per bar; "variance": variance per bar (log-return²). */
  output?: "volatility" | "variance";
  /** Annualize the output with this basis (bar length or periods per year; see `annualize`). Default: per bar. */
  annualize?: AnnualizationBasis;
  /** Close-to-close only: demean within the window (default true), as `closeToClose`. */
  demean?: boolean;
}

/**
 * Rolling range-based volatility: out[i] is the estimator `kind` over the `window` bars ending at row i (rows
 * i−window+1…i), as in the whole-sample functions: the mean of per-bar Parkinson / Garman-Klass / Rogers-Satchell
 * estimates; close-to-close the sample variance (or zero-mean mean of r², `demean: false`) of the window's `window`
 * returns; Yang-Zhang with n = window and its k. Close-to-close and Yang-Zhang need the previous close of the window's
 * first bar, so their first value is at row `window`; the others start at row window − 1. Earlier rows are NaN.
 * Output: volatility per bar √σ² (default) or variance per bar, optionally annualized (σ²·periodsPerYear, or its
 * square root). O(n) over typed arrays (compensated rolling sums of src/frame/rolling.ts).
 * @param window bars per window (≥ 1; ≥ 2 for close-to-close with demean and for Yang-Zhang)
 */
export function rollingRangeVolatility(kind: RangeEstimator, ohlc: OhlcInput, window: number, opts: RollingRangeOptions = {}): Float64Array {
  if (!Number.isInteger(window) || window < 1) throw new ArgumentError(`window must be an integer >= 1, got ${window}`, { field: "window" });
  const output = opts.output ?? "volatility";
  if (output !== "volatility" && output !== "variance") throw new ArgumentError(`output must be "volatility" or "variance", got "${String(output)}"`, { field: "output" });
  let v: Float64Array;
  switch (kind) {
    case "parkinson":
      v = rollingMean(parkinsonBars(readOhlc(ohlc, ["high", "low"], kind)), window);
      break;
    case "garmanKlass":
      v = rollingMean(garmanKlassBars(readOhlc(ohlc, ["open", "high", "low", "close"], kind)), window);
      break;
    case "rogersSatchell":
      v = rollingMean(rogersSatchellBars(readOhlc(ohlc, ["open", "high", "low", "close"], kind)), window);
      break;
    case "closeToClose": {
      const o = readOhlc(ohlc, ["close"], kind);
      const r = closeReturns(o);
      if (opts.demean === false) {
        const r2 = new Float64Array(o.n);
        for (let i = 0; i < o.n; i++) r2[i] = r[i] * r[i];
        v = rollingMean(r2, window);
      } else {
        if (window < 2) throw new ArgumentError(`closeToClose with demean needs window >= 2, got ${window}`, { field: "window" });
        v = square(rollingStd(r, window, { ddof: 1 }));
      }
      break;
    }
    case "yangZhang": {
      if (window < 2) throw new ArgumentError(`yangZhang needs window >= 2, got ${window}`, { field: "window" });
      const o = readOhlc(ohlc, ["open", "high", "low", "close"], kind);
      const on = new Float64Array(o.n);
      const oc = new Float64Array(o.n);
      const rsb = rogersSatchellBars(o);
      if (o.n > 0) on[0] = oc[0] = rsb[0] = NaN; // row 0 has no previous close: the window starts at row 1
      for (let i = 1; i < o.n; i++) {
        on[i] = Math.log(o.open[i] / o.close[i - 1]);
        oc[i] = Math.log(o.close[i] / o.open[i]);
      }
      const so = square(rollingStd(on, window, { ddof: 1 }));
      const sc = square(rollingStd(oc, window, { ddof: 1 }));
      const rs = rollingMean(rsb, window);
      const k = yangZhangK(window);
      v = new Float64Array(o.n);
      for (let i = 0; i < o.n; i++) v[i] = so[i] + k * sc[i] + (1 - k) * rs[i];
      break;
    }
    default:
      throw new ArgumentError(`unknown range estimator "${String(kind)}"; use parkinson, garmanKlass, rogersSatchell, yangZhang or closeToClose`, { field: "kind" });
  }
  // a window variance can come out a hair below 0 from rounding only when every bar is flat; clamp those to 0
  for (let i = 0; i < v.length; i++) if (v[i] < 0 && v[i] > -1e-15) v[i] = 0;
  if (opts.annualize) return output === "variance" ? annualize(v, opts.annualize) : annualizedVolatility(v, opts.annualize);
  if (output === "variance") return v;
  for (let i = 0; i < v.length; i++) v[i] = Math.sqrt(v[i]);
  return v;
}

function square(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = x[i] * x[i];
  return x;
}

/**
 * The whole-sample estimate of `kind` (dispatch to `parkinson`, `garmanKlass`, `rogersSatchell`, `yangZhang`,
 * `closeToClose`). Units: variance per bar (log-return²) and its square root.
 */
export function rangeVariance(kind: RangeEstimator, ohlc: OhlcInput, opts: CloseToCloseOptions = {}): RangeEstimate {
  switch (kind) {
    case "parkinson":
      return parkinson(ohlc);
    case "garmanKlass":
      return garmanKlass(ohlc);
    case "rogersSatchell":
      return rogersSatchell(ohlc);
    case "yangZhang":
      return yangZhang(ohlc);
    case "closeToClose":
      return closeToClose(ohlc, opts);
    default:
      throw new ArgumentError(`unknown range estimator "${String(kind)}"`, { field: "kind" });
  }
}
