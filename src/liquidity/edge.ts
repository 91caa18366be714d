/**
 * EDGE: the Efficient Discrete Generalized Estimator of the effective bid-ask spread from open, high, low and close
 * prices. Reference: Ardia, D., Guidotti, E. & Kroencke, T. A. (2024), "Efficient estimation of bid–ask spreads from
 * open, high, low, and close prices", Journal of Financial Economics 161, 103916. Implemented from the formulas of the
 * authors' reference implementation (`bidask` package, R/Python ≥ 2.0, the JFE version), which this module follows
 * step for step; the result is the **relative** spread (0.01 = 1 %), an estimate of the root mean square effective
 * spread over the sample.
 *
 * With log prices o, h, l, c, mid-range η = m = (h + l)/2, and for t = 2..T the lagged values c₁ = c_{t−1},
 * m₁ = m_{t−1}, h₁, l₁:
 *
 *     r1 = m − o,  r2 = o − m₁,  r3 = m − c₁,  r4 = c₁ − m₁,  r5 = o − c₁
 *     τ  = 1{h ≠ l or l ≠ c₁}                       (the period shows a price change)
 *     po = mean(τ·1{o ≠ h}) + mean(τ·1{o ≠ l}),    pc = mean(τ·1{c₁ ≠ h₁}) + mean(τ·1{c₁ ≠ l₁})
 *     pt = mean(τ)
 *     d_k = r_k − τ · mean(r_k) / pt   (k = 1, 3, 5)
 *     x1 = −4/po · d1·r2 − 4/pc · d3·r4
 *     x2 = −4/po · d1·r5 − 4/pc · d5·r4
 *     e_j = mean(x_j),  v_j = mean(x_j²) − e_j²      (population variance, 1/n)
 *     ŝ² = (v2·e1 + v1·e2) / (v1 + v2)   if v1 + v2 > 0,   else (e1 + e2)/2
 *
 * x1 and x2 are the two moment conditions (open-based and close-based) whose means both estimate S²; ŝ² is their
 * GMM-efficient combination with weights inversely proportional to their variances (w1 = v2/(v1+v2)).
 *
 * Conventions (as the reference implementation, except where an option says otherwise):
 * - Fewer than 3 observations → NaN. Fewer than two periods with τ = 1, or po = 0, or pc = 0 → NaN (nothing moves:
 *   e.g. all prices equal).
 * - Missing prices (NaN): every mean above is over its own finite entries (numpy `nanmean`; R `na.rm = TRUE`), and
 *   τ and the indicators are missing where a price they compare is missing. A non-positive or infinite price throws
 *   a DataError (field, row).
 * - `sign` (ŝ² can be negative in finite samples): "abs" (default, the reference's `sign = FALSE`) returns √|ŝ²|;
 *   "signed" (the reference's `sign = TRUE`) returns sign(ŝ²)·√|ŝ²|, so a negative ŝ² shows as a negative spread;
 *   "zero" returns √max(ŝ², 0) (the floor used by the 2021 working-paper version of the code). `edgeEstimate` also
 *   returns ŝ² itself.
 * Not confirmed against the paper's own text (it could not be read here): that the published default for negative
 * ŝ² is √|ŝ²| rather than a floor. The formulas above were checked against the reference implementation's source and
 * its published test values (see test/liquidity/edge.test.ts).
 */
import { ArgumentError, DataError } from "../errors";
import { Frame } from "../frame/frame";
import { createRng } from "../frame/rng";
import { utcPeriodGroups, type UtcPeriod } from "./amihud";

/** Options of `edge`. */
export interface EdgeOptions {
  /** How a negative ŝ² is returned: "abs" (default, √|ŝ²|), "signed" (−√|ŝ²|), or "zero" (0). */
  sign?: "abs" | "signed" | "zero";
}

/** Result of `edgeEstimate`: the spread and the intermediate quantities (names as in the module comment). */
export interface EdgeEstimate {
  /** The spread after the `sign` rule, relative (0.01 = 1 %); NaN when not estimable. */
  spread: number;
  /** ŝ², the estimate of the mean squared spread (may be negative). */
  s2: number;
  e1: number;
  e2: number;
  v1: number;
  v2: number;
  /** Weight of the open-based moment x1: v2 / (v1 + v2) (0.5 when v1 + v2 ≤ 0). */
  w1: number;
  pt: number;
  po: number;
  pc: number;
  /** Number of periods with τ = 1. */
  moving: number;
  /** Rows in the sample (periods; the estimator uses rows − 1 consecutive pairs). */
  observations: number;
}

type SignRule = "abs" | "signed" | "zero";

function resolveSign(opts: EdgeOptions): SignRule {
  const s = opts.sign ?? "abs";
  if (s !== "abs" && s !== "signed" && s !== "zero") throw new ArgumentError(`sign must be "abs", "signed" or "zero", got "${s}"`, { field: "sign" });
  return s;
}

interface Logs {
  o: Float64Array;
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
}

function logPrices(open: ArrayLike<number>, high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>): Logs {
  const n = open.length;
  if (high.length !== n || low.length !== n || close.length !== n) {
    throw new ArgumentError(`open, high, low and close must have the same length (${n}, ${high.length}, ${low.length}, ${close.length})`, { field: "high" });
  }
  const make = (x: ArrayLike<number>, field: string): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (v === v && !(v > 0 && v < Infinity)) throw new DataError(`${field} must be a finite price > 0 (row ${i} is ${v})`, { field });
      out[i] = Math.log(v);
    }
    return out;
  };
  return { o: make(open, "open"), h: make(high, "high"), l: make(low, "low"), c: make(close, "close") };
}

const nanEst = (observations: number): EdgeEstimate => ({
  spread: NaN, s2: NaN, e1: NaN, e2: NaN, v1: NaN, v2: NaN, w1: NaN, pt: NaN, po: NaN, pc: NaN, moving: 0, observations,
});

/** A running nan-mean accumulator: add finite values only. */
class NanMean {
  s = 0;
  n = 0;
  add(v: number): void {
    if (v === v) {
      this.s += v;
      this.n++;
    }
  }
  get mean(): number {
    return this.n > 0 ? this.s / this.n : NaN;
  }
}

/** 1 / 0 for a ≠ b, NaN when either is NaN. */
function neq(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a !== b ? 1 : 0;
}

/** EDGE on rows [lo, hi) of the log prices. */
function core(L: Logs, lo: number, hi: number, rule: SignRule): EdgeEstimate {
  const nobs = hi - lo;
  if (nobs < 3) return nanEst(Math.max(nobs, 0));
  const { o, h, l, c } = L;
  const mTau = new NanMean();
  const mPo1 = new NanMean();
  const mPo2 = new NanMean();
  const mPc1 = new NanMean();
  const mPc2 = new NanMean();
  const mR1 = new NanMean();
  const mR3 = new NanMean();
  const mR5 = new NanMean();
  let moving = 0;
  for (let t = lo + 1; t < hi; t++) {
    const ot = o[t], ht = h[t], lt = l[t];
    const h1 = h[t - 1], l1 = l[t - 1], c1 = c[t - 1];
    const m = (ht + lt) / 2;
    const tau = ht !== ht || lt !== lt || c1 !== c1 ? NaN : ht !== lt || lt !== c1 ? 1 : 0;
    if (tau === 1) moving++;
    mTau.add(tau);
    mPo1.add(tau * neq(ot, ht));
    mPo2.add(tau * neq(ot, lt));
    mPc1.add(tau * neq(c1, h1));
    mPc2.add(tau * neq(c1, l1));
    mR1.add(m - ot);
    mR3.add(m - c1);
    mR5.add(ot - c1);
  }
  const pt = mTau.mean;
  const po = mPo1.mean + mPo2.mean;
  const pc = mPc1.mean + mPc2.mean;
  if (moving < 2 || po === 0 || pc === 0) {
    const r = nanEst(nobs);
    return { ...r, pt, po, pc, moving };
  }
  const a1 = mR1.mean / pt;
  const a3 = mR3.mean / pt;
  const a5 = mR5.mean / pt;
  const mx1 = new NanMean();
  const mx2 = new NanMean();
  const mx11 = new NanMean();
  const mx22 = new NanMean();
  for (let t = lo + 1; t < hi; t++) {
    const ot = o[t], ht = h[t], lt = l[t];
    const h1 = h[t - 1], l1 = l[t - 1], c1 = c[t - 1];
    const m = (ht + lt) / 2;
    const m1 = (h1 + l1) / 2;
    const tau = ht !== ht || lt !== lt || c1 !== c1 ? NaN : ht !== lt || lt !== c1 ? 1 : 0;
    const r2 = ot - m1;
    const r4 = c1 - m1;
    const r5 = ot - c1;
    const d1 = m - ot - tau * a1;
    const d3 = m - c1 - tau * a3;
    const d5 = r5 - tau * a5;
    const x1 = (-4 / po) * d1 * r2 + (-4 / pc) * d3 * r4;
    const x2 = (-4 / po) * d1 * r5 + (-4 / pc) * d5 * r4;
    mx1.add(x1);
    mx2.add(x2);
    mx11.add(x1 * x1);
    mx22.add(x2 * x2);
  }
  const e1 = mx1.mean;
  const e2 = mx2.mean;
  const v1 = mx11.mean - e1 * e1;
  const v2 = mx22.mean - e2 * e2;
  const vt = v1 + v2;
  const efficient = vt > 0;
  const s2 = efficient ? (v2 * e1 + v1 * e2) / vt : (e1 + e2) / 2;
  const root = Math.sqrt(Math.abs(s2));
  const spread = rule === "abs" ? root : rule === "signed" ? (s2 < 0 ? -root : root) : s2 > 0 ? root : s2 === s2 ? 0 : NaN;
  return { spread, s2, e1, e2, v1, v2, w1: efficient ? v2 / vt : 0.5, pt, po, pc, moving, observations: nobs };
}

/**
 * EDGE estimate with its intermediate quantities (ŝ², e1, e2, v1, v2, w1, pt, po, pc). Formula and conventions:
 * see the module comment. Ardia, Guidotti & Kroencke (2024).
 * @param open,high,low,close prices in time order, quote currency (NaN = missing)
 */
export function edgeEstimate(
  open: ArrayLike<number>,
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  opts: EdgeOptions = {},
): EdgeEstimate {
  const rule = resolveSign(opts);
  const L = logPrices(open, high, low, close);
  return core(L, 0, open.length, rule);
}

/**
 * EDGE relative spread (Ardia, Guidotti & Kroencke 2024) of a sample of OHLC periods: the GMM-efficient combination
 * of the open-based and close-based moment estimators of S² (module comment), returned as √|ŝ²| by default
 * (`sign` option). Units: fraction of price (0.01 = 1 %). NaN with fewer than 3 periods or no price movement.
 */
export function edge(open: ArrayLike<number>, high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, opts: EdgeOptions = {}): number {
  return edgeEstimate(open, high, low, close, opts).spread;
}

/**
 * Rolling EDGE: out[i] = `edge` of rows (i − window, i] (window rows, window − 1 pairs), as the reference's
 * `edge_rolling` with an integer width; NaN for i < window − 1. O(n · window): each window is recomputed exactly.
 * @param window rows per window, ≥ 3
 */
export function edgeRolling(
  open: ArrayLike<number>,
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  window: number,
  opts: EdgeOptions = {},
): Float64Array {
  const rule = resolveSign(opts);
  if (!Number.isInteger(window) || window < 3) throw new ArgumentError(`window must be an integer >= 3, got ${window}`, { field: "window" });
  const L = logPrices(open, high, low, close);
  const n = open.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = window - 1; i < n; i++) out[i] = core(L, i - window + 1, i + 1, rule).spread;
  return out;
}

/** Options of `edgeByPeriod`. */
export interface EdgeByPeriodOptions extends EdgeOptions {
  /** Calendar period in UTC (required; the authors publish monthly estimates for crypto pairs: "month"). */
  period: UtcPeriod;
}

/** Columns of `edgeByPeriod`'s result. */
export type EdgeByPeriodColumns = {
  /** Start of the UTC day / month, epoch µs. */
  timestamp: Float64Array;
  /** EDGE spread of the period (relative). */
  spread: Float64Array;
  /** ŝ² of the period. */
  s2: Float64Array;
  /** Rows of the period (the estimate also uses the previous period's last row as the first lag). */
  observations: Int32Array;
};

/**
 * EDGE per UTC calendar day or month (e.g. monthly spreads from hourly candles). Each period's estimate uses its own
 * rows plus the last row before it, so its first period is paired with the previous close (as the reference's
 * `spread(x, width = endpoints)`, whose windows share their boundary row). Ardia, Guidotti & Kroencke (2024).
 * @param timestamps row times, epoch µs, non-decreasing (candle open times)
 */
export function edgeByPeriod(
  timestamps: ArrayLike<number>,
  open: ArrayLike<number>,
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  opts: EdgeByPeriodOptions,
): Frame<EdgeByPeriodColumns> {
  const rule = resolveSign(opts);
  if (timestamps.length !== open.length) {
    throw new ArgumentError(`timestamps has ${timestamps.length} rows but open has ${open.length}`, { field: "timestamp" });
  }
  const L = logPrices(open, high, low, close);
  const g = utcPeriodGroups(timestamps, opts.period);
  const k = g.start.length;
  const out: EdgeByPeriodColumns = {
    timestamp: g.periodStart,
    spread: new Float64Array(k),
    s2: new Float64Array(k),
    observations: new Int32Array(k),
  };
  for (let j = 0; j < k; j++) {
    const e = core(L, Math.max(0, g.start[j] - 1), g.end[j], rule);
    out.spread[j] = e.spread;
    out.s2[j] = e.s2;
    out.observations[j] = g.end[j] - g.start[j];
  }
  return new Frame(out);
}

/** `edge` over a candle frame (columns `open`, `high`, `low`, `close`). Formula, units, conventions: see `edge`. */
export function edgeCandles(candles: Frame, opts: EdgeOptions = {}): number {
  return edge(candles.f64("open"), candles.f64("high"), candles.f64("low"), candles.f64("close"), opts);
}

/** Options of `simulateSpreadOhlc`. */
export interface SpreadOhlcSimOptions {
  /** Number of periods (candles). */
  periods: number;
  /** Seed of the random stream (reproducible bit for bit). */
  seed: number;
  /** Relative spread S: every trade's log price is the log mid ± S/2; default 0.01. */
  spread?: number;
  /** Standard deviation of the log mid's change over one period; default 0.02. */
  sigma?: number;
  /** Mid-price steps per period (e.g. 390 one-minute steps in a trading day); default 390. */
  stepsPerPeriod?: number;
  /** Probability that a trade prints at a step; default 1. */
  tradeProb?: number;
  /** Initial mid price; default 100. */
  price0?: number;
}

/**
 * Simulates OHLC candles of a Roll-type market with a known constant spread, the design of Ardia, Guidotti &
 * Kroencke (2024, simulation section) and of their `bidask::sim`: the log mid follows a Gaussian random walk with
 * `stepsPerPeriod` steps of standard deviation sigma/√steps per period; at each step a trade prints with probability
 * `tradeProb` at log price mid + q·S/2, q = ±1 with equal probability (independent); each candle's open/high/low/close
 * are its first/highest/lowest/last trade, and a period without trades gets open = high = low = close = the last
 * trade before it (or price0). Prices in quote currency. For checking spread estimators: EDGE, Roll on log returns
 * and Corwin–Schultz should recover S (the latter two with their known biases).
 */
export function simulateSpreadOhlc(opts: SpreadOhlcSimOptions): { open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array } {
  const periods = opts.periods;
  const steps = opts.stepsPerPeriod ?? 390;
  const S = opts.spread ?? 0.01;
  const sigma = opts.sigma ?? 0.02;
  const prob = opts.tradeProb ?? 1;
  const price0 = opts.price0 ?? 100;
  if (!Number.isInteger(periods) || periods < 0) throw new ArgumentError(`periods must be an integer >= 0, got ${periods}`, { field: "periods" });
  if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`stepsPerPeriod must be an integer >= 1, got ${steps}`, { field: "stepsPerPeriod" });
  if (!(S >= 0) || !(sigma >= 0) || !(prob > 0 && prob <= 1) || !(price0 > 0)) {
    throw new ArgumentError("need spread >= 0, sigma >= 0, 0 < tradeProb <= 1, price0 > 0", { field: "spread" });
  }
  const rng = createRng(opts.seed);
  const open = new Float64Array(periods);
  const high = new Float64Array(periods);
  const low = new Float64Array(periods);
  const close = new Float64Array(periods);
  const sd = sigma / Math.sqrt(steps);
  let m = Math.log(price0);
  let last = m;
  for (let d = 0; d < periods; d++) {
    let o = NaN;
    let h = -Infinity;
    let l = Infinity;
    let c = NaN;
    for (let j = 0; j < steps; j++) {
      m += sd * rng.normal();
      if (prob === 1 || rng.next() < prob) {
        const p = m + (rng.next() < 0.5 ? -S / 2 : S / 2);
        if (o !== o) o = p;
        if (p > h) h = p;
        if (p < l) l = p;
        c = p;
      }
    }
    if (o !== o) o = h = l = c = last;
    last = c;
    open[d] = Math.exp(o);
    high[d] = Math.exp(h);
    low[d] = Math.exp(l);
    close[d] = Math.exp(c);
  }
  return { open, high, low, close };
}
