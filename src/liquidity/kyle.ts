/**
 * Kyle's lambda: the price impact of signed order flow, estimated by regression over fixed time intervals.
 *
 * Kyle (1985) models the price change as λ × net order flow. The empirical version (Hasbrouck 2009, "Trading
 * costs and returns for U.S. equities"; Goyenko, Holden & Trzcinka 2009) regresses, over intervals n,
 *   ΔM_n = α + λ·S_n + u_n,
 * with ΔM_n the change of the quote midpoint over the interval and S_n the signed order flow in it. Hasbrouck uses
 * 5-minute intervals, log returns and S_n = Σ_k sign_k·√(P_k·q_k) (signed square-root dollar volume); the textbook
 * form uses price changes and S_n = Σ_k D_k·q_k (signed base volume). Both are options here, named.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame } from "../frame/frame";
import { ols, type OlsResult } from "../frame/ols";
import { quoteArrays, tradeArrays, tradeDirection, type TimeColumnOptions } from "./classify";

/** Signed order flow per interval. */
export type KyleRegressor = "volume" | "notional" | "sqrtNotional";
/** Dependent variable per interval. */
export type KyleDependent = "price" | "logReturn";

/** Options of `kyleLambda`. */
export interface KyleOptions extends TimeColumnOptions {
  /** Interval length, µs (> 0). Intervals are [originUs + k·I, originUs + (k+1)·I). */
  intervalUs: number;
  /** Grid origin, µs; default 0 (aligned to the epoch, UTC). */
  originUs?: number;
  /**
   * S_n: "volume" (default) Σ D·amount, base units → λ in quote currency per unit of base;
   * "notional" Σ D·P·amount, quote units → λ in price per unit of quote currency;
   * "sqrtNotional" Σ D·√(P·amount) (Hasbrouck 2009) → λ in price per √(quote currency).
   */
  regressor?: KyleRegressor;
  /** ΔM_n: "price" (default) M_end − M_start in quote currency; "logReturn" ln(M_end / M_start) (Hasbrouck 2009). */
  dependent?: KyleDependent;
  /** Trade directions (+1 / −1 / 0); default the trades' `side` column. Direction 0 adds nothing to S_n (counted). */
  side?: ArrayLike<number>;
  /** Newey–West lags for the HAC standard error: a number, or "auto" (⌊4(n/100)^{2/9}⌋, default). */
  neweyWestLags?: number | "auto";
  /** Drop intervals without trades (S_n = 0) instead of keeping them as observations; default false (kept). */
  dropEmpty?: boolean;
  /** First / last interval: the ones holding startUs / endUs; default those of the first and last trade. */
  startUs?: number;
  endUs?: number;
  /** Time up to which quotes are known (µs); intervals ending later are dropped (counted). Default: the last quote's time. */
  quoteEndUs?: number;
}

/** Columns of the per-interval frame of `kyleLambda`. */
export type KyleIntervalColumns = {
  /** Interval start, µs. */
  timestamp: Float64Array;
  /** Mid prevailing at the interval start (last quote at or before it). */
  midStart: Float64Array;
  /** Mid prevailing at the interval end. */
  midEnd: Float64Array;
  /** ΔM (dependent variable), NaN when unknown. */
  dMid: Float64Array;
  /** S (regressor). */
  flow: Float64Array;
  /** Trades in the interval. */
  trades: Float64Array;
  /** Base volume in the interval. */
  volume: Float64Array;
  /** 1 if the interval is an observation of the regression, 0 if dropped. */
  used: Int8Array;
};

/** Result of `kyleLambda`. */
export interface KyleResult {
  /** λ̂, the slope on S. */
  lambda: number;
  /** Classic (homoskedastic) standard error of λ̂. */
  se: number;
  /** Newey–West (1987) HAC standard error of λ̂ with `neweyWestLags` lags. */
  seNW: number;
  /** White HC1 standard error of λ̂. */
  seHC1: number;
  /** λ̂ / se, λ̂ / seNW. */
  t: number;
  tNW: number;
  /** Intercept α̂. */
  intercept: number;
  r2: number;
  /** Intervals used. */
  n: number;
  neweyWestLags: number;
  /** Units of λ, in words. */
  units: string;
  regressor: KyleRegressor;
  dependent: KyleDependent;
  intervalUs: number;
  /** Per interval: the data of the regression. */
  intervals: Frame<KyleIntervalColumns>;
  /** Intervals dropped, by reason; and unsigned trades. */
  dropped: { noQuote: number; invalidQuote: number; beyondQuotes: number; empty: number };
  unsignedTrades: number;
  /** The full OLS fit (null when there were too few observations: then every number above is NaN). */
  fit: OlsResult | null;
}

/** Units of λ for a regressor / dependent pair. */
export function kyleUnits(regressor: KyleRegressor, dependent: KyleDependent): string {
  const y = dependent === "price" ? "quote currency (price)" : "log return";
  const x = regressor === "volume" ? "unit of base (signed base volume)" : regressor === "notional" ? "unit of quote currency (signed notional)" : "√(quote currency) (signed root notional)";
  return `${y} per ${x}`;
}

/** Per-interval order flow and mid changes on a fixed grid. @internal */
export interface KyleSeries {
  firstBin: number;
  nBins: number;
  dMid: Float64Array;
  midStart: Float64Array;
  midEnd: Float64Array;
  flow: Float64Array;
  trades: Float64Array;
  volume: Float64Array;
  noQuote: Uint8Array;
  invalid: Uint8Array;
  beyond: Uint8Array;
  unsigned: number;
}

/**
 * Order flow and mid changes per interval [o + (firstBin + k)·I, … + I), k < nBins. Mid at s = the last quote
 * with time ≤ s; ΔM = M(end) − M(start) (or the log ratio). O(n + m + nBins). Inputs validated by the caller. @internal
 */
export function kyleSeries(
  t: ArrayLike<number>, price: ArrayLike<number>, amount: ArrayLike<number>, D: ArrayLike<number>,
  qt: ArrayLike<number>, bid: ArrayLike<number>, ask: ArrayLike<number>,
  o: number, I: number, firstBin: number, nBins: number, quoteEnd: number, regressor: KyleRegressor, dependent: KyleDependent,
): KyleSeries {
  const n = t.length;
  const m = qt.length;
  const flow = new Float64Array(nBins), trades = new Float64Array(nBins), volume = new Float64Array(nBins);
  let unsigned = 0;
  let i = 0;
  const g0 = o + firstBin * I;
  while (i < n && t[i] < g0) i++;
  for (; i < n; i++) {
    const k = Math.floor((t[i] - o) / I) - firstBin;
    if (k >= nBins) break;
    const d = D[i];
    const a = amount[i];
    trades[k]++;
    volume[k] += a;
    const sgn = d > 0 ? 1 : d < 0 ? -1 : 0;
    if (sgn === 0) unsigned++;
    flow[k] += regressor === "volume" ? sgn * a : regressor === "notional" ? sgn * price[i] * a : sgn * Math.sqrt(price[i] * a);
  }
  const midStart = new Float64Array(nBins), midEnd = new Float64Array(nBins), dMid = new Float64Array(nBins);
  const noQuote = new Uint8Array(nBins), invalid = new Uint8Array(nBins), beyond = new Uint8Array(nBins);
  let j = 0;
  let prevMid = NaN;
  let prevHas = false;
  // mid at the grid start
  const s0 = g0;
  while (j < m && qt[j] <= s0) j++;
  if (j > 0) {
    prevMid = 0.5 * (bid[j - 1] + ask[j - 1]);
    prevHas = true;
  }
  for (let k = 0; k < nBins; k++) {
    const end = o + (firstBin + k + 1) * I;
    while (j < m && qt[j] <= end) j++;
    const has = j > 0;
    const M1 = has ? 0.5 * (bid[j - 1] + ask[j - 1]) : NaN;
    midStart[k] = prevMid;
    midEnd[k] = M1;
    if (!prevHas) noQuote[k] = 1;
    else if (end > quoteEnd) beyond[k] = 1;
    else if (prevMid !== prevMid || M1 !== M1) invalid[k] = 1;
    dMid[k] = noQuote[k] || beyond[k] || invalid[k] ? NaN : dependent === "price" ? M1 - prevMid : Math.log(M1 / prevMid);
    prevMid = M1;
    prevHas = has;
  }
  return { firstBin, nBins, dMid, midStart, midEnd, flow, trades, volume, noQuote, invalid, beyond, unsigned };
}

/** Most intervals `kyleLambda` builds (a guard against a µs interval over a long span). */
export const MAX_KYLE_INTERVALS = 50_000_000;

/**
 * Kyle's (1985) lambda by OLS over fixed intervals (Hasbrouck 2009; Goyenko, Holden & Trzcinka 2009):
 * ΔM_n = α + λ·S_n + u_n. ΔM_n = M(end_n) − M(start_n) with M(s) the mid of the last quote at or before s
 * (quote time `quoteTime`, default localTimestamp); S_n = Σ over trades with trade time in [start_n, end_n) of
 * D·amount (default; see `KyleOptions.regressor` for the notional and √notional variants). Intervals run from
 * the one holding the first trade to the one holding the last (or `startUs` / `endUs`); intervals with no quote
 * before their start, an empty-side quote, or an end past the last quote are dropped and counted; intervals
 * without trades are kept (S = 0) unless `dropEmpty`. Returns λ̂ with its classic, HC1 and Newey–West standard
 * errors (lag named in the result), t-statistics, R², n and the per-interval data. Units: see `units`
 * (default: quote currency per unit of base). With fewer than 3 usable intervals or a constant S, λ is NaN.
 */
export function kyleLambda(trades: Frame, quotes: Frame, opts: KyleOptions): KyleResult {
  const I = opts.intervalUs;
  const o = opts.originUs ?? 0;
  if (!(I > 0) || I === Infinity) throw new ArgumentError(`kyleLambda: intervalUs must be a finite number > 0, got ${I}`, { field: "intervalUs" });
  if (!Number.isFinite(o)) throw new ArgumentError(`kyleLambda: originUs must be finite`, { field: "originUs" });
  const regressor = opts.regressor ?? "volume";
  const dependent = opts.dependent ?? "price";
  if (regressor !== "volume" && regressor !== "notional" && regressor !== "sqrtNotional") throw new ArgumentError(`kyleLambda: regressor must be volume, notional or sqrtNotional`, { field: "regressor" });
  if (dependent !== "price" && dependent !== "logReturn") throw new ArgumentError(`kyleLambda: dependent must be price or logReturn`, { field: "dependent" });
  const tr = tradeArrays(trades, opts.tradeTime ?? "localTimestamp");
  const q = quoteArrays(quotes, opts.quoteTime ?? "localTimestamp");
  const D = tradeDirection(trades, opts.side, "kyleLambda");
  const n = tr.n;
  const startUs = opts.startUs ?? (n > 0 ? tr.t[0] : NaN);
  const endUs = opts.endUs ?? (n > 0 ? tr.t[n - 1] : NaN);
  if (startUs !== startUs || endUs !== endUs) throw new DataError(`kyleLambda: no trades (and no startUs / endUs)`, { file: "trades frame" });
  if (!(endUs >= startUs)) throw new ArgumentError(`kyleLambda: endUs (${endUs}) must be >= startUs (${startUs})`, { field: "endUs" });
  const firstBin = Math.floor((startUs - o) / I);
  const nBins = Math.floor((endUs - o) / I) - firstBin + 1;
  if (nBins > MAX_KYLE_INTERVALS) throw new ArgumentError(`kyleLambda: ${nBins} intervals (limit ${MAX_KYLE_INTERVALS}); use a longer intervalUs`, { field: "intervalUs" });
  const quoteEnd = opts.quoteEndUs ?? (q.m > 0 ? q.t[q.m - 1] : -Infinity);
  const s = kyleSeries(tr.t, tr.price, tr.amount, D, q.t, q.bid, q.ask, o, I, firstBin, nBins, quoteEnd, regressor, dependent);

  const used = new Int8Array(nBins);
  const dropped = { noQuote: 0, invalidQuote: 0, beyondQuotes: 0, empty: 0 };
  let nu = 0;
  for (let k = 0; k < nBins; k++) {
    if (s.noQuote[k]) dropped.noQuote++;
    else if (s.beyond[k]) dropped.beyondQuotes++;
    else if (s.invalid[k]) dropped.invalidQuote++;
    else if (opts.dropEmpty && s.trades[k] === 0) dropped.empty++;
    else {
      used[k] = 1;
      nu++;
    }
  }
  const y = new Float64Array(nu), x = new Float64Array(nu);
  for (let k = 0, r = 0; k < nBins; k++) if (used[k]) {
    y[r] = s.dMid[k];
    x[r] = s.flow[k];
    r++;
  }
  const timestamp = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) timestamp[k] = o + (firstBin + k) * I;
  const intervals = new Frame<KyleIntervalColumns>({ timestamp, midStart: s.midStart, midEnd: s.midEnd, dMid: s.dMid, flow: s.flow, trades: s.trades, volume: s.volume, used });

  let fit: OlsResult | null = null;
  let xVaries = false;
  for (let r = 1; r < nu && !xVaries; r++) xVaries = x[r] !== x[0];
  if (nu >= 3 && xVaries) fit = ols(y, [x], { names: ["flow"], neweyWestLags: opts.neweyWestLags ?? "auto" });
  const g = (v: Float64Array | undefined) => (fit && v ? v[1] : NaN);
  return {
    lambda: fit ? fit.coef[1] : NaN,
    se: g(fit?.se.classic),
    seNW: g(fit?.se.NW),
    seHC1: g(fit?.se.HC1),
    t: g(fit?.t.classic),
    tNW: g(fit?.t.NW),
    intercept: fit ? fit.coef[0] : NaN,
    r2: fit ? fit.r2 : NaN,
    n: nu,
    neweyWestLags: fit ? fit.neweyWestLags : NaN,
    units: kyleUnits(regressor, dependent),
    regressor,
    dependent,
    intervalUs: I,
    intervals,
    dropped,
    unsignedTrades: s.unsigned,
    fit,
  };
}
