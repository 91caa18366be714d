/**
 * Realized measures of price variation from ticks or bars: realized variance on a previous-tick grid, bipower
 * variation, the volatility signature plot, daily realized variance from intraday bars (the input of HAR-RV), and
 * annualization.
 *
 * Conventions:
 * - Returns are **log** returns, r = ln(P_t / P_{t−1}); every variance here is in log-return² units (a variance of
 *   1e-4 over a day is a daily volatility of 1%). Scaling all prices by c > 0 leaves every measure unchanged.
 * - Times are epoch µs (UTC), non-decreasing. The sampling grid is g_k = startUs + k·intervalUs, k = 0…K,
 *   K = ⌊(endUs − startUs)/intervalUs⌋; the price at g_k is the **previous tick**, the last observation with time
 *   ≤ g_k (Hansen & Lunde 2006, "Realized variance and market microstructure noise", §2; previous-tick sampling is
 *   the standard calendar-time scheme). An interval with no new observation gives a zero return (counted as `stale`).
 * - Crypto trades 24/7: a year is 365 days of 86,400 s (`annualize`), unlike the 252 trading days of equities.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame } from "../frame/frame";
import { assertSorted } from "../frame/search";
import { utcPeriodGroups } from "../liquidity/amihud";

/** One day in µs. */
export const DAY_US = 86400e6;
/** One 365-day year in µs (the crypto calendar: trading never stops). */
export const YEAR_365_US = 365 * DAY_US;

/** Most grid points a sampling call may create (guards against a µs interval over a year). */
const MAX_GRID = 100_000_000;

/** Throws DataError at the first price that is not finite and > 0 (log returns need positive prices). */
export function assertPositivePrices(prices: ArrayLike<number>, field: string, from = 0, to = prices.length): void {
  for (let i = from; i < to; i++) {
    const p = prices[i];
    if (!(p > 0) || p === Infinity) {
      throw new DataError(`row ${i}: ${field} must be a finite price > 0, got ${p}`, { field }, "log returns need positive prices; drop or repair the row first");
    }
  }
}

/**
 * Log returns of a price series: r[i] = ln(p[i+1] / p[i]), i = 0…n−2 (length n − 1; empty for n < 2).
 * Prices must be finite and > 0 (DataError naming the row otherwise). Units: log-return (dimensionless).
 */
export function logReturns(prices: ArrayLike<number>, field = "price"): Float64Array {
  assertPositivePrices(prices, field);
  const n = prices.length;
  const out = new Float64Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) out[i - 1] = Math.log(prices[i] / prices[i - 1]);
  return out;
}

/** Throws DataError at the first non-finite return. */
function assertFiniteReturns(r: ArrayLike<number>, field: string): void {
  for (let i = 0; i < r.length; i++) {
    if (!Number.isFinite(r[i])) throw new DataError(`row ${i}: ${field} must be finite, got ${r[i]}`, { field });
  }
}

/**
 * Realized variance of a return series: RV = Σ r_i² (log-return² units over the span the returns cover).
 * Non-finite returns throw DataError. Reference: Andersen & Bollerslev (1998); Barndorff-Nielsen & Shephard (2002).
 */
export function realizedVarianceOfReturns(returns: ArrayLike<number>): number {
  assertFiniteReturns(returns, "returns");
  let s = 0;
  for (let i = 0; i < returns.length; i++) s += returns[i] * returns[i];
  return s;
}

/** Options of `bipowerVariation`. */
export interface BipowerOptions {
  /**
   * Multiply by n/(n − 1), n = number of returns, so that the n − 1 products stand in for n squared returns
   * (the finite-sample form of Huang & Tauchen 2005 and of many RV/BV jump tests). Default false: the plain
   * Barndorff-Nielsen & Shephard (2004) sum.
   */
  smallSampleCorrection?: boolean;
}

/**
 * Bipower variation (Barndorff-Nielsen & Shephard 2004, "Power and bipower variation with stochastic volatility and
 * jumps", J. Financial Econometrics 2(1)): BV = μ₁⁻² Σ_{i=2..n} |r_i|·|r_{i−1}|, with μ₁ = E|Z| = √(2/π), so
 * μ₁⁻² = π/2. Like RV it estimates the integrated variance, but it is robust to (finite-activity) jumps, so
 * RV − BV estimates the jump part. Optionally × n/(n−1) (`smallSampleCorrection`). Units: log-return².
 * Returns 0 for fewer than 2 returns. Non-finite returns throw DataError.
 * @param returns log returns on an equally spaced grid (e.g. `realizedVariance(...).returns`)
 */
export function bipowerVariation(returns: ArrayLike<number>, opts: BipowerOptions = {}): number {
  assertFiniteReturns(returns, "returns");
  const n = returns.length;
  if (n < 2) return 0;
  let s = 0;
  for (let i = 1; i < n; i++) s += Math.abs(returns[i]) * Math.abs(returns[i - 1]);
  const bv = (Math.PI / 2) * s;
  return opts.smallSampleCorrection ? (bv * n) / (n - 1) : bv;
}

/** Options of previous-tick sampling and `realizedVariance`. */
export interface SamplingOptions {
  /** Grid spacing, µs (> 0), e.g. 5 × 60e6 for 5-minute returns. */
  intervalUs: number;
  /** First grid point, epoch µs; default the first observation's time. Grid points before the first observation have no price and are skipped. */
  startUs?: number;
  /** Last admissible grid point, epoch µs; default the last observation's time. */
  endUs?: number;
  /** Sampling scheme; only "previous-tick" (the default) is implemented. */
  sampling?: "previous-tick";
}

/** Options naming the columns when the input is a Frame. */
export interface FrameColumnOptions {
  /**
   * Time column (epoch µs). Default "timestamp" for a frame with a `price` column (trades); for a candle frame
   * (no `price`, a `close` column) the close is observed at the bar's end, so the default is "closeTime" when
   * the frame has it, else "timestamp".
   */
  timeColumn?: string;
  /** Price column; default "price" when present (trades), else "close" (candles). */
  priceColumn?: string;
}

/** Previous-tick samples on the grid (see `previousTickSample`). */
export interface PreviousTickSample {
  /** Grid times, epoch µs (only the points that have a price). */
  times: Float64Array;
  /** Price at each grid time: the last observation at or before it. */
  prices: Float64Array;
  /** Grid intervals with no new observation (their return is 0). */
  stale: number;
  /** Grid points before the first observation (no price; dropped). */
  skippedLeading: number;
}

function checkSampling(opts: SamplingOptions): void {
  if (!(opts.intervalUs > 0) || !Number.isFinite(opts.intervalUs)) {
    throw new ArgumentError(`intervalUs must be a finite number > 0, got ${opts.intervalUs}`, { field: "intervalUs" });
  }
  if (opts.sampling !== undefined && opts.sampling !== "previous-tick") {
    throw new ArgumentError(`sampling must be "previous-tick", got "${String(opts.sampling)}"`, { field: "sampling" });
  }
}

function checkPair(timestamps: ArrayLike<number>, prices: ArrayLike<number>, timeField: string, priceField: string): void {
  if (timestamps.length !== prices.length) {
    throw new ArgumentError(`${timeField} has ${timestamps.length} rows but ${priceField} has ${prices.length}`, { field: priceField });
  }
  assertSorted(timestamps, timeField);
  assertPositivePrices(prices, priceField);
}

/** Resolves the time and price columns of a Frame (see FrameColumnOptions). */
export function frameTimePrice(frame: Frame, opts: FrameColumnOptions = {}): { timeColumn: string; priceColumn: string; times: ArrayLike<number>; prices: ArrayLike<number> } {
  const priceColumn = opts.priceColumn ?? (frame.has("price") ? "price" : frame.has("close") ? "close" : "price");
  const timeColumn = opts.timeColumn ?? (priceColumn === "close" && !frame.has("price") && frame.has("closeTime") ? "closeTime" : "timestamp");
  return { timeColumn, priceColumn, times: frame.num(timeColumn), prices: frame.num(priceColumn) };
}

/** The grid kernel (inputs already checked). */
function sampleKernel(ts: ArrayLike<number>, px: ArrayLike<number>, opts: SamplingOptions): PreviousTickSample {
  const n = ts.length;
  const d = opts.intervalUs;
  if (n === 0) return { times: new Float64Array(0), prices: new Float64Array(0), stale: 0, skippedLeading: 0 };
  const start = opts.startUs ?? ts[0];
  const end = opts.endUs ?? ts[n - 1];
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ArgumentError(`startUs and endUs must be finite, got ${start}, ${end}`, { field: "startUs" });
  if (end < start) return { times: new Float64Array(0), prices: new Float64Array(0), stale: 0, skippedLeading: 0 };
  const K = Math.floor((end - start) / d);
  if (K + 1 > MAX_GRID) {
    throw new ArgumentError(`the grid would have ${K + 1} points (more than ${MAX_GRID})`, { field: "intervalUs" }, "use a longer interval or a shorter span");
  }
  // grid points before the first observation have no previous tick
  let k0 = 0;
  if (start < ts[0]) k0 = Math.min(K + 1, Math.ceil((ts[0] - start) / d));
  while (k0 <= K && start + k0 * d < ts[0]) k0++;
  const m = K + 1 - k0;
  const times = new Float64Array(Math.max(0, m));
  const prices = new Float64Array(Math.max(0, m));
  let j = 0; // invariant: ts[j] <= g (largest such j found by advancing)
  let lastJ = -1;
  let stale = 0;
  for (let k = k0, o = 0; k <= K; k++, o++) {
    const g = start + k * d;
    while (j + 1 < n && ts[j + 1] <= g) j++;
    times[o] = g;
    prices[o] = px[j];
    if (o > 0 && j === lastJ) stale++;
    lastJ = j;
  }
  return { times, prices, stale, skippedLeading: k0 };
}

/**
 * Previous-tick sampling on an equally spaced calendar grid: for g_k = startUs + k·intervalUs (k = 0…K,
 * g_K ≤ endUs) the price is that of the last observation with time ≤ g_k (Hansen & Lunde 2006). Timestamps must
 * be non-decreasing (DataError) and prices finite and > 0 (DataError naming the row). O(n + K).
 */
export function previousTickSample(timestamps: ArrayLike<number>, prices: ArrayLike<number>, opts: SamplingOptions): PreviousTickSample {
  checkSampling(opts);
  checkPair(timestamps, prices, "timestamp", "price");
  return sampleKernel(timestamps, prices, opts);
}

/** Result of `realizedVariance`. */
export interface RealizedResult {
  /** Realized variance Σ r_k², log-return² units over the sampled span [startUs, endUs]. */
  rv: number;
  /** Number of grid returns. */
  n: number;
  /** Grid spacing, µs. */
  intervalUs: number;
  /** First grid point with a price, epoch µs (NaN when there is none). */
  startUs: number;
  /** Last grid point, epoch µs (NaN when there is none). */
  endUs: number;
  /** The grid log returns r_k = ln(P(g_k)/P(g_{k−1})). */
  returns: Float64Array;
  /** Grid intervals with no new observation (zero returns; many of them mean the interval is too short for the data). */
  stale: number;
}

/**
 * Realized variance (Andersen, Bollerslev, Diebold & Labys 2001; Barndorff-Nielsen & Shephard 2002):
 * RV = Σ_k r_k², r_k = ln P(g_k) − ln P(g_{k−1}), on the equally spaced previous-tick grid of `SamplingOptions`.
 * Units: log-return² over the span [startUs, endUs] actually sampled (annualize with `annualize` and the span, or
 * per interval: rv / n is the variance per interval). From ticks (a trade frame's timestamp/price) or from bars
 * (a candle frame: closes at their close times; with intervalUs equal to the bar length this is Σ of squared
 * close-to-close returns). At short intervals microstructure noise biases RV upward: see `signaturePlot`.
 *
 * Call as `realizedVariance(timestamps, prices, opts)` or `realizedVariance(frame, opts)` (columns per FrameColumnOptions).
 */
export function realizedVariance(timestamps: ArrayLike<number>, prices: ArrayLike<number>, opts: SamplingOptions): RealizedResult;
export function realizedVariance(frame: Frame, opts: SamplingOptions & FrameColumnOptions): RealizedResult;
export function realizedVariance(
  a: ArrayLike<number> | Frame,
  b: ArrayLike<number> | (SamplingOptions & FrameColumnOptions),
  c?: SamplingOptions,
): RealizedResult {
  const { times, prices, opts, timeField, priceField } = resolveSamplingArgs(a, b, c);
  checkSampling(opts);
  checkPair(times, prices, timeField, priceField);
  return rvKernel(times, prices, opts);
}

function resolveSamplingArgs(
  a: ArrayLike<number> | Frame,
  b: ArrayLike<number> | (SamplingOptions & FrameColumnOptions),
  c: SamplingOptions | undefined,
): { times: ArrayLike<number>; prices: ArrayLike<number>; opts: SamplingOptions; timeField: string; priceField: string } {
  if (a instanceof Frame) {
    const opts = b as SamplingOptions & FrameColumnOptions;
    if (opts === undefined || typeof opts !== "object") throw new ArgumentError("options with intervalUs are required", { field: "intervalUs" });
    const r = frameTimePrice(a, opts);
    return { times: r.times, prices: r.prices, opts, timeField: r.timeColumn, priceField: r.priceColumn };
  }
  if (c === undefined) throw new ArgumentError("options with intervalUs are required", { field: "intervalUs" });
  return { times: a, prices: b as ArrayLike<number>, opts: c, timeField: "timestamp", priceField: "price" };
}

function rvKernel(times: ArrayLike<number>, prices: ArrayLike<number>, opts: SamplingOptions): RealizedResult {
  const s = sampleKernel(times, prices, opts);
  const m = s.prices.length;
  const returns = new Float64Array(Math.max(0, m - 1));
  let rv = 0;
  for (let k = 1; k < m; k++) {
    const r = Math.log(s.prices[k] / s.prices[k - 1]);
    returns[k - 1] = r;
    rv += r * r;
  }
  return {
    rv,
    n: returns.length,
    intervalUs: opts.intervalUs,
    startUs: m ? s.times[0] : NaN,
    endUs: m ? s.times[m - 1] : NaN,
    returns,
    stale: s.stale,
  };
}

/** Columns of `signaturePlot`: one row per sampling interval. */
export type SignaturePlotColumns = {
  /** Sampling interval, µs. */
  intervalUs: Float64Array;
  /** Realized variance at that interval over the common span (log-return²). */
  rv: Float64Array;
  /** Number of grid returns. */
  n: Float64Array;
  /** Span actually covered, endUs − startUs of the grid, µs (≤ the requested span; the last partial interval is left out). */
  spanUs: Float64Array;
  /** Intervals with no new observation (zero returns). */
  stale: Float64Array;
};

/**
 * Volatility signature plot (Andersen, Bollerslev, Diebold & Labys 2000, "Great realizations", Risk 13): realized
 * variance against the sampling interval over one common span [startUs, endUs] (default: first to last observation).
 * Without microstructure noise RV is flat in the interval (up to sampling error); with i.i.d. noise of variance η²,
 * E[RV] ≈ IV + 2·n·η², so RV rises as the interval shrinks: the interval where the curve flattens is a safe choice.
 * Compare rows by rv / spanUs when spans differ much (long intervals drop the last partial interval).
 * Call as `signaturePlot(timestamps, prices, intervalsUs, opts?)` or `signaturePlot(frame, intervalsUs, opts?)`.
 */
export function signaturePlot(
  timestamps: ArrayLike<number>,
  prices: ArrayLike<number>,
  intervalsUs: ArrayLike<number>,
  opts?: { startUs?: number; endUs?: number },
): Frame<SignaturePlotColumns>;
export function signaturePlot(frame: Frame, intervalsUs: ArrayLike<number>, opts?: { startUs?: number; endUs?: number } & FrameColumnOptions): Frame<SignaturePlotColumns>;
export function signaturePlot(
  a: ArrayLike<number> | Frame,
  b: ArrayLike<number>,
  c?: ArrayLike<number> | ({ startUs?: number; endUs?: number } & FrameColumnOptions),
  d?: { startUs?: number; endUs?: number },
): Frame<SignaturePlotColumns> {
  let times: ArrayLike<number>;
  let prices: ArrayLike<number>;
  let intervals: ArrayLike<number>;
  let span: { startUs?: number; endUs?: number };
  let tf = "timestamp";
  let pf = "price";
  if (a instanceof Frame) {
    const o = (c ?? {}) as { startUs?: number; endUs?: number } & FrameColumnOptions;
    const r = frameTimePrice(a, o);
    times = r.times;
    prices = r.prices;
    tf = r.timeColumn;
    pf = r.priceColumn;
    intervals = b;
    span = o;
  } else {
    times = a;
    prices = b;
    intervals = c as ArrayLike<number>;
    span = d ?? {};
  }
  if (intervals === undefined || intervals.length === 0) throw new ArgumentError("intervalsUs must list at least one interval", { field: "intervalsUs" });
  checkPair(times, prices, tf, pf);
  const m = intervals.length;
  const out: SignaturePlotColumns = {
    intervalUs: new Float64Array(m),
    rv: new Float64Array(m),
    n: new Float64Array(m),
    spanUs: new Float64Array(m),
    stale: new Float64Array(m),
  };
  for (let i = 0; i < m; i++) {
    const o: SamplingOptions = { intervalUs: intervals[i], startUs: span.startUs, endUs: span.endUs };
    checkSampling(o);
    const r = rvKernel(times, prices, o);
    out.intervalUs[i] = intervals[i];
    out.rv[i] = r.rv;
    out.n[i] = r.n;
    out.spanUs[i] = r.n > 0 ? r.endUs - r.startUs : 0;
    out.stale[i] = r.stale;
  }
  return new Frame(out);
}

/** Options of `dailyRealizedVariance`. */
export interface DailyRealizedOptions {
  /** Least number of returns in a day for a value (else NaN), e.g. 24 for hourly bars; default 1. */
  minReturns?: number;
  /** Time column when the input is a Frame (default "timestamp", the bar open time). */
  timeColumn?: string;
  /** Price column when the input is a Frame (default "close"). */
  priceColumn?: string;
}

/** Columns of `dailyRealizedVariance`: one row per UTC day that has bars. */
export type DailyRealizedColumns = {
  /** 00:00 UTC of the day, epoch µs. */
  timestamp: Float64Array;
  /** Daily realized variance Σ r_i² over the day's bars, log-return² per day (NaN below minReturns). */
  rv: Float64Array;
  /**
   * The day's log return Σ r_i = ln(last close of day d / last close of day d − 1), the return whose variance RV
   * measures (NaN below minReturns): the series a daily GARCH or EWMA is fitted to on the same days.
   */
  ret: Float64Array;
  /** Number of returns summed. */
  n: Int32Array;
};

/**
 * Daily realized variance from intraday bars (the RV_t of HAR-RV, Corsi 2009): RV_d = Σ r_i² over the bars whose
 * time (the open time, for candles) falls on UTC day d, with r_i = ln(C_i / C_{i−1}) the return over bar i. The
 * return of a day's first bar uses the previous bar's close (the last close of the day before), so for 24/7
 * markets the daily RVs add up to the RV of the whole series; only the very first bar has no return. A gap in the
 * bars (missing candles) leaves one longer return in the sum (still part of the day's variation); the `n` column
 * shows days with fewer returns. Units: log-return² per day. The `ret` column is the day's log return (the sum of
 * the same r_i), so a daily model of returns (EWMA, GARCH) and RV line up day by day.
 * Call as `dailyRealizedVariance(timestamps, closes, opts?)` or `dailyRealizedVariance(candles, opts?)`.
 */
export function dailyRealizedVariance(timestamps: ArrayLike<number>, closes: ArrayLike<number>, opts?: DailyRealizedOptions): Frame<DailyRealizedColumns>;
export function dailyRealizedVariance(candles: Frame, opts?: DailyRealizedOptions): Frame<DailyRealizedColumns>;
export function dailyRealizedVariance(
  a: ArrayLike<number> | Frame,
  b?: ArrayLike<number> | DailyRealizedOptions,
  c?: DailyRealizedOptions,
): Frame<DailyRealizedColumns> {
  let times: ArrayLike<number>;
  let closes: ArrayLike<number>;
  let opts: DailyRealizedOptions;
  let tf = "timestamp";
  let pf = "close";
  if (a instanceof Frame) {
    opts = (b ?? {}) as DailyRealizedOptions;
    tf = opts.timeColumn ?? "timestamp";
    pf = opts.priceColumn ?? "close";
    times = a.num(tf);
    closes = a.num(pf);
  } else {
    times = a;
    closes = b as ArrayLike<number>;
    opts = c ?? {};
  }
  const minReturns = opts.minReturns ?? 1;
  if (!Number.isInteger(minReturns) || minReturns < 1) throw new ArgumentError(`minReturns must be an integer >= 1, got ${minReturns}`, { field: "minReturns" });
  checkPair(times, closes, tf, pf);
  const groups = utcPeriodGroups(times, "day");
  const g = groups.start.length;
  const out: DailyRealizedColumns = { timestamp: groups.periodStart, rv: new Float64Array(g), ret: new Float64Array(g), n: new Int32Array(g) };
  for (let j = 0; j < g; j++) {
    let s = 0;
    let sr = 0;
    let cnt = 0;
    for (let i = Math.max(1, groups.start[j]); i < groups.end[j]; i++) {
      const r = Math.log(closes[i] / closes[i - 1]);
      s += r * r;
      sr += r;
      cnt++;
    }
    out.rv[j] = cnt >= minReturns ? s : NaN;
    out.ret[j] = cnt >= minReturns ? sr : NaN;
    out.n[j] = cnt;
  }
  return new Frame(out);
}

/** How often a variance is measured: per bar of `intervalUs`, or a given number of periods per year. */
export type AnnualizationBasis = { intervalUs: number; daysPerYear?: number } | { periodsPerYear: number };

/**
 * Periods per year of a basis: periodsPerYear as given, or daysPerYear · 86,400e6 / intervalUs with daysPerYear
 * = 365 by default (crypto trades every day; pass 252 for an exchange calendar of trading days, where intervalUs is
 * then a trading day's length). E.g. hourly bars → 8,760; daily → 365.
 */
export function periodsPerYear(basis: AnnualizationBasis): number {
  let p: number;
  if ("periodsPerYear" in basis) {
    p = basis.periodsPerYear;
    if (!(p > 0) || !Number.isFinite(p)) throw new ArgumentError(`periodsPerYear must be a finite number > 0, got ${p}`, { field: "periodsPerYear" });
  } else {
    const d = basis.daysPerYear ?? 365;
    if (!(basis.intervalUs > 0) || !Number.isFinite(basis.intervalUs)) throw new ArgumentError(`intervalUs must be a finite number > 0, got ${basis.intervalUs}`, { field: "intervalUs" });
    if (!(d > 0) || !Number.isFinite(d)) throw new ArgumentError(`daysPerYear must be a finite number > 0, got ${d}`, { field: "daysPerYear" });
    p = (d * DAY_US) / basis.intervalUs;
  }
  return p;
}

/**
 * Annualized variance: σ²_year = σ²_period × periodsPerYear (variances of independent returns add up; the
 * square-root-of-time rule for volatility). `variance` is per period of the basis, e.g. a daily RV with
 * `{ intervalUs: DAY_US }` (× 365), an hourly bar variance with `{ intervalUs: 3600e6 }` (× 8,760).
 * Works on a number or element-wise on an array (returns a new Float64Array).
 */
export function annualize(variance: number, basis: AnnualizationBasis): number;
export function annualize(variance: ArrayLike<number>, basis: AnnualizationBasis): Float64Array;
export function annualize(variance: number | ArrayLike<number>, basis: AnnualizationBasis): number | Float64Array {
  const p = periodsPerYear(basis);
  if (typeof variance === "number") return variance * p;
  const out = new Float64Array(variance.length);
  for (let i = 0; i < out.length; i++) out[i] = variance[i] * p;
  return out;
}

/**
 * Annualized volatility: σ_year = √(σ²_period × periodsPerYear) (see `annualize`), e.g. 0.6 = 60% a year.
 * Works on a number or element-wise on an array.
 */
export function annualizedVolatility(variance: number, basis: AnnualizationBasis): number;
export function annualizedVolatility(variance: ArrayLike<number>, basis: AnnualizationBasis): Float64Array;
export function annualizedVolatility(variance: number | ArrayLike<number>, basis: AnnualizationBasis): number | Float64Array {
  const p = periodsPerYear(basis);
  if (typeof variance === "number") return Math.sqrt(variance * p);
  const out = new Float64Array(variance.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(variance[i] * p);
  return out;
}
