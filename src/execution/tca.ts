/**
 * Transaction-cost analysis (TCA) of a worked parent order: slippage against the usual benchmarks, Perold's
 * implementation shortfall and its decomposition, per-slice reports, and pre-trade cost estimates (square-root
 * impact, Almgren-Chriss) set beside the realized cost.
 *
 * Sign convention: every cost is signed so that **positive = cost to us**: a buy above its benchmark or a sell below
 * it. With s = side (+1 buy, −1 sell), P̄ the average fill price and B a benchmark price,
 *   slippage (quote per base unit)  = s·(P̄ − B)
 *   slippage (bps)                  = s·(P̄ − B) / B · 1e4
 * so a sell whose fills mirror a buy's around the benchmark (P' − B = −(P − B)) has the same bps.
 *
 * Benchmarks over the execution interval [startUs, endUs):
 * - arrival price A: the mid prevailing at startUs (last mid with time ≤ startUs); without mids, the last market
 *   trade price at or before startUs (else the first trade in the interval). Can be given.
 * - decision price D: the price when the decision to trade was taken (before startUs); default A (no delay cost).
 * - interval VWAP: Σ p·a / Σ a over market trades with startUs ≤ t < endUs. The market tape is taken as given: in a
 *   simulation on historical data it does not contain our own fills (they never happened); on a live record it would.
 * - interval TWAP: the time-weighted average over [startUs, endUs) of the prevailing mid (a step function; without
 *   mids, of the last trade price), starting from the value prevailing at startUs.
 * - end price E: the mid (else last trade price) prevailing at endUs, used to mark the unfilled remainder.
 *
 * Implementation shortfall (Perold 1988, "The implementation shortfall: paper versus reality", JPM 14(3)): a paper
 * portfolio trades the whole parent X at D for free; the real one trades fills x_i at p_i, paying fees f_i, and
 * leaves X − Σx unfilled. With m_i the mid prevailing at the fill time (fallback: last trade price, then A):
 *   IS (quote currency) = s·Σ x_i (p_i − D) + s·(X − Σx)(E − D) + Σ f_i
 *                       = delay + impact + timing + opportunity + fees, where
 *   delay       = s·Σx·(A − D)               price move between decision and arrival, on the filled quantity
 *   impact      = s·Σ x_i (p_i − m_i)        price paid vs the mid at each fill: spread + book walk (market impact /
 *                                             trading cost; negative for passive fills that earn the half spread)
 *   timing      = s·Σ x_i (m_i − A)          drift of the mid during execution, on the filled quantity
 *   opportunity = s·(X − Σx)(E − D)          the unfilled remainder marked at the end price (Perold's convention:
 *                                             measured from the decision price, so delay applies to fills only)
 *   fees        = Σ f_i                       (negative for rebates)
 * The identity holds algebraically; `total` is computed from the first line, independently of the components, so
 * a test can check it (exact in float64 for dyadic inputs). In bps every term is divided by the paper notional X·D.
 */
import { ArgumentError } from "../errors";
import { Frame } from "../frame/frame";
import { ols } from "../frame/ols";
import { scheduleCostVariance } from "./almgrenChriss";

/** Our fills: one row per fill (partial fills separate). Times epoch µs, prices quote per base, amounts base units > 0. */
export interface TcaFills {
  time: Float64Array;
  price: Float64Array;
  amount: Float64Array;
  /** Fee per fill in quote currency (negative = rebate); default 0. */
  fee?: Float64Array;
}

/** Market data for the benchmarks: trades (time-ordered), and optionally the mid series (time-ordered). */
export interface TcaMarket {
  time: Float64Array;
  price: Float64Array;
  amount: Float64Array;
  /** Mid samples (e.g. one per book update): the arrival, TWAP, end and per-fill mids use them when present. */
  mids?: { time: Float64Array; mid: Float64Array };
}

/**
 * Slice boundaries [start[k], end[k]) with optional target quantities (base units), reported beside the filled
 * quantity. Either naming fits: a `ChildSchedule` of simulate.ts (sliceStartUs / sliceEndUs) or an
 * `ExecutionSchedule` of schedules.ts (startUs / endUs).
 */
export type TcaSlices =
  | { sliceStartUs: Float64Array; sliceEndUs: Float64Array; quantity?: Float64Array }
  | { startUs: Float64Array; endUs: Float64Array; quantity?: Float64Array };

/** The slice start / end arrays of either naming of `TcaSlices`. */
export function sliceBounds(sl: TcaSlices): { start: Float64Array; end: Float64Array; quantity?: Float64Array } {
  if ("sliceStartUs" in sl) return { start: sl.sliceStartUs, end: sl.sliceEndUs, quantity: sl.quantity };
  if ("startUs" in sl && sl.startUs instanceof Float64Array) return { start: sl.startUs, end: sl.endUs, quantity: sl.quantity };
  throw new ArgumentError(`slices need sliceStartUs/sliceEndUs or startUs/endUs (Float64Array)`, { file: FILE, field: "slices" });
}

/** Inputs of the pre-trade estimates. */
export interface PreTradeInputs {
  /**
   * Square-root model I = Y·σ·√(Q/V) (fraction of price; Q = parent quantity): σ is the return volatility over the
   * period in which `volume` V trades (e.g. daily σ with daily volume), both fractions / base units; Y the
   * dimensionless coefficient (given, or from `calibrateSqrtImpact`; practitioners quote Y ≈ 0.5–1, Tóth et al. 2011).
   */
  sqrt?: { Y: number; sigma: number; volume: number };
  /**
   * Almgren & Chriss (2000) expected cost and standard deviation of the trade list `trades` (base units per
   * equal interval; default the slices' target quantities) over `T` days, by almgrenChriss.ts `scheduleCostVariance`:
   * E = ½γX² + ε·Σ|n_k| + Σ (η/τ − ½γ) n_k², V = σ² Σ τ x_k² (τ = T/N; units as there: σ in quote per base per
   * √day, η in quote/base per base/day, γ quote/base per base, ε quote/base).
   */
  almgrenChriss?: { sigma: number; eta: number; epsilon: number; gamma: number; T: number; trades?: ArrayLike<number> };
}

/** Options of `tca`. */
export interface TcaOptions {
  /** +1 buy, −1 sell. */
  side: 1 | -1;
  /** Parent quantity X (base units, > 0). */
  parentQuantity: number;
  /** Execution interval [startUs, endUs), epoch µs. */
  startUs: number;
  endUs: number;
  /** Arrival price A; default the mid (else last trade) prevailing at startUs. */
  arrivalPrice?: number;
  /** Decision price D; default A. */
  decisionPrice?: number;
  /** End price E marking the unfilled remainder; default the mid (else last trade) prevailing at endUs. */
  endPrice?: number;
  /** Slice boundaries for the per-slice report. */
  slices?: TcaSlices;
  /**
   * Slice index of each fill (−1 = none); default by time: the slice whose [start, end) holds the fill, the last
   * slice closed on the right (a deadline catch-up at endUs belongs to it).
   */
  fillSlice?: Int32Array;
  preTrade?: PreTradeInputs;
}

/** Implementation-shortfall components (quote currency, or bps of X·D); total = Σ of the others. */
export interface ShortfallParts {
  total: number;
  delay: number;
  impact: number;
  timing: number;
  opportunity: number;
  fees: number;
}

/** Columns of the per-slice report. */
export type SliceReportColumns = {
  sliceStartUs: Float64Array;
  sliceEndUs: Float64Array;
  /** Target quantity (NaN when not given). */
  target: Float64Array;
  /** Filled quantity and number of fills. */
  filled: Float64Array;
  fills: Float64Array;
  /** Our VWAP in the slice (NaN without fills). */
  avgPrice: Float64Array;
  /** Market volume and VWAP over [start, end) (NaN without trades). */
  marketVolume: Float64Array;
  marketVwap: Float64Array;
  /** Mid (else last trade) prevailing at the slice start. */
  arrivalMid: Float64Array;
  /** s·(avgPrice − marketVwap)/marketVwap·1e4 and s·(avgPrice − arrivalMid)/arrivalMid·1e4. */
  slippageVwapBps: Float64Array;
  slippageArrivalBps: Float64Array;
  /** filled / marketVolume (our share of the market tape; NaN when the market traded nothing). */
  participation: Float64Array;
  /** Realized volatility of the mid over the slice, √Σ (Δ ln mid)² over mid samples in [start, end) (fraction). */
  sigma: Float64Array;
};

/** Result of `tca`. */
export interface TcaResult {
  side: 1 | -1;
  parentQuantity: number;
  filledQuantity: number;
  /** X − Σx. */
  unfilledQuantity: number;
  /** Σx / X. */
  fillRate: number;
  /** Our VWAP Σ p·x / Σ x (NaN without fills). */
  avgPrice: number;
  /** Σ p·x (quote currency). */
  notional: number;
  fees: number;
  startUs: number;
  endUs: number;
  benchmarks: {
    decision: number;
    arrival: number;
    end: number;
    intervalVwap: number;
    intervalTwap: number;
    /** Market volume over [startUs, endUs) and its trade count. */
    marketVolume: number;
    marketTrades: number;
  };
  /** Slippage per base unit, s·(P̄ − B) (quote currency; positive = cost). */
  slippage: { arrival: number; vwap: number; twap: number };
  /** Slippage in bps of each benchmark, s·(P̄ − B)/B·1e4. */
  slippageBps: { arrival: number; vwap: number; twap: number };
  /** Σx / market volume over the interval. */
  participation: number;
  /** Implementation shortfall in quote currency. */
  shortfall: ShortfallParts;
  /** Implementation shortfall in bps of the paper notional X·D. */
  shortfallBps: ShortfallParts;
  /** Per-slice report (when `slices` was given). */
  perSlice?: Frame<SliceReportColumns>;
  /** Pre-trade estimates beside the realized cost (when `preTrade` was given). */
  preTrade?: PreTradeComparison;
  /** Fills not assigned to any slice (outside every slice); fills with no mid before them (m_i fell back). */
  counts: { fillsOutsideSlices: number; fillsWithoutMid: number };
}

/** Pre-trade estimates against post-trade realized cost (bps). */
export interface PreTradeComparison {
  /** Y·σ·√(X/V)·1e4 (NaN when not asked). */
  sqrtImpactBps: number;
  /** Almgren-Chriss expected cost and its standard deviation (quote currency), and the cost in bps of X·A (NaN when not asked). */
  acExpectedCost: number;
  acStdDev: number;
  acExpectedCostBps: number;
  /** Realized: slippage vs arrival (impact + timing on the filled part), and total IS (bps of X·D). */
  realizedArrivalBps: number;
  realizedShortfallBps: number;
}

const FILE = "src/execution/tca.ts";

/** Index of the last element of sorted `t` with t[i] ≤ x (−1 if none). Binary search. */
export function lastAtOrBefore(t: ArrayLike<number>, x: number): number {
  let lo = -1, hi = t.length;
  while (hi - lo > 1) {
    const m = (lo + hi) >> 1;
    if (t[m] <= x) lo = m;
    else hi = m;
  }
  return lo;
}

/** Index of the first element of sorted `t` with t[i] ≥ x (t.length if none). */
function firstAtOrAfter(t: ArrayLike<number>, x: number): number {
  let lo = -1, hi = t.length;
  while (hi - lo > 1) {
    const m = (lo + hi) >> 1;
    if (t[m] >= x) hi = m;
    else lo = m;
  }
  return hi;
}

/**
 * Price prevailing at time x: the mid of the last mid sample at or before x; without mids (or none yet), the last
 * trade price at or before x; failing that, the first trade price at or after x (NaN if no trade).
 */
export function prevailingPrice(market: TcaMarket, x: number): number {
  if (market.mids && market.mids.time.length > 0) {
    const j = lastAtOrBefore(market.mids.time, x);
    if (j >= 0 && Number.isFinite(market.mids.mid[j])) return market.mids.mid[j];
  }
  const i = lastAtOrBefore(market.time, x);
  if (i >= 0) return market.price[i];
  return market.price.length > 0 ? market.price[0] : NaN;
}

/** Σ p·a / Σ a over market trades with start ≤ t < end, with the volume and count. O(log n + trades in range). */
export function intervalVwap(market: { time: Float64Array; price: Float64Array; amount: Float64Array }, startUs: number, endUs: number): { vwap: number; volume: number; trades: number } {
  const i0 = firstAtOrAfter(market.time, startUs);
  const i1 = firstAtOrAfter(market.time, endUs);
  let pv = 0, v = 0;
  for (let i = i0; i < i1; i++) {
    pv += market.price[i] * market.amount[i];
    v += market.amount[i];
  }
  return { vwap: v > 0 ? pv / v : NaN, volume: v, trades: Math.max(0, i1 - i0) };
}

/**
 * Time-weighted average over [startUs, endUs) of a step function given by sorted sample times and values (each value
 * holds from its time to the next sample): (1/(end − start))·∫ value dt, starting from the value prevailing at
 * startUs, or from the first sample inside the interval when none precedes it (the average is then over the covered
 * part). NaN when no sample covers the interval. A zero-length interval returns the prevailing value.
 */
export function timeWeightedAverage(time: Float64Array, value: Float64Array, startUs: number, endUs: number): number {
  let j = lastAtOrBefore(time, startUs);
  let t = startUs;
  let cur: number;
  if (j < 0) {
    if (time.length === 0 || time[0] >= endUs) return endUs === startUs && time.length > 0 && time[0] === startUs ? value[0] : NaN;
    j = 0;
    t = time[0];
    cur = value[0];
  } else cur = value[j];
  if (endUs <= startUs) return cur;
  let area = 0, dur = 0;
  for (let k = j + 1; k < time.length && time[k] < endUs; k++) {
    const dt = time[k] - t;
    if (Number.isFinite(cur)) {
      area += cur * dt;
      dur += dt;
    }
    t = time[k];
    cur = value[k];
  }
  const dt = endUs - t;
  if (Number.isFinite(cur)) {
    area += cur * dt;
    dur += dt;
  }
  return dur > 0 ? area / dur : cur;
}

function checkSorted(t: Float64Array, field: string): void {
  for (let i = 1; i < t.length; i++) {
    if (!(t[i] >= t[i - 1])) throw new ArgumentError(`tca: ${field} must be non-decreasing (row ${i}: ${t[i]} after ${t[i - 1]})`, { file: FILE, line: i + 1, field });
  }
}

function checkLen(a: ArrayLike<number>, n: number, field: string): void {
  if (a.length !== n) throw new ArgumentError(`tca: ${field} has length ${a.length}, expected ${n}`, { file: FILE, field });
}

/**
 * Transaction-cost analysis of one parent order (see the module comment for every definition): average fill price,
 * slippage vs arrival / interval VWAP / interval TWAP (per unit and bps, positive = cost), participation, Perold's
 * implementation shortfall decomposed into delay + impact + timing + opportunity + fees (quote currency and bps of
 * X·D), an optional per-slice report and pre-trade estimates. Fills need not be sorted; market times must be.
 * O(fills·log(mids) + trades in the interval + slices·log(trades)).
 */
export function tca(fills: TcaFills, market: TcaMarket, opts: TcaOptions): TcaResult {
  const s = opts.side;
  if (s !== 1 && s !== -1) throw new ArgumentError(`tca: side must be +1 or -1, got ${s}`, { file: FILE, field: "side" });
  const X = opts.parentQuantity;
  if (!(X > 0) || !Number.isFinite(X)) throw new ArgumentError(`tca: parentQuantity must be finite and > 0, got ${X}`, { file: FILE, field: "parentQuantity" });
  const { startUs, endUs } = opts;
  if (!Number.isFinite(startUs) || !Number.isFinite(endUs) || endUs < startUs) {
    throw new ArgumentError(`tca: need finite startUs <= endUs, got [${startUs}, ${endUs}]`, { file: FILE, field: "endUs" });
  }
  const nf = fills.time.length;
  checkLen(fills.price, nf, "fills.price");
  checkLen(fills.amount, nf, "fills.amount");
  if (fills.fee) checkLen(fills.fee, nf, "fills.fee");
  const nm = market.time.length;
  checkLen(market.price, nm, "market.price");
  checkLen(market.amount, nm, "market.amount");
  checkSorted(market.time, "market.time");
  if (market.mids) {
    checkLen(market.mids.mid, market.mids.time.length, "market.mids.mid");
    checkSorted(market.mids.time, "market.mids.time");
  }
  for (let i = 0; i < nf; i++) {
    const p = fills.price[i], a = fills.amount[i];
    if (!(p > 0) || !Number.isFinite(p)) throw new ArgumentError(`tca: fill price must be finite and > 0, got ${p}`, { file: FILE, line: i + 1, field: "fills.price" });
    if (!(a > 0) || !Number.isFinite(a)) throw new ArgumentError(`tca: fill amount must be finite and > 0, got ${a}`, { file: FILE, line: i + 1, field: "fills.amount" });
    if (!Number.isFinite(fills.time[i])) throw new ArgumentError(`tca: fill time must be finite`, { file: FILE, line: i + 1, field: "fills.time" });
    if (fills.fee && !Number.isFinite(fills.fee[i])) throw new ArgumentError(`tca: fill fee must be finite`, { file: FILE, line: i + 1, field: "fills.fee" });
  }

  const A = opts.arrivalPrice ?? prevailingPrice(market, startUs);
  const D = opts.decisionPrice ?? A;
  const E = opts.endPrice ?? prevailingPrice(market, endUs);
  if (!(A > 0)) throw new ArgumentError(`tca: no arrival price (give arrivalPrice, or market data at or before startUs)`, { file: FILE, field: "arrivalPrice" });
  if (!(D > 0)) throw new ArgumentError(`tca: decisionPrice must be > 0, got ${D}`, { file: FILE, field: "decisionPrice" });

  // fills: totals and the mid at each fill
  let q = 0, pq = 0, fees = 0, impact = 0, timing = 0, direct = 0, withoutMid = 0;
  const mt = market.mids?.time, mm = market.mids?.mid;
  for (let i = 0; i < nf; i++) {
    const p = fills.price[i], a = fills.amount[i], t = fills.time[i];
    const f = fills.fee ? fills.fee[i] : 0;
    let m = NaN;
    if (mt && mm) {
      const j = lastAtOrBefore(mt, t);
      if (j >= 0) m = mm[j];
    }
    if (!Number.isFinite(m)) {
      withoutMid++;
      const j = lastAtOrBefore(market.time, t);
      m = j >= 0 ? market.price[j] : A;
    }
    q += a;
    pq += p * a;
    fees += f;
    impact += s * a * (p - m);
    timing += s * a * (m - A);
    direct += s * a * (p - D);
  }
  if (q > X * (1 + 1e-9)) throw new ArgumentError(`tca: fills sum to ${q}, more than the parent quantity ${X}`, { file: FILE, field: "fills.amount" });
  const unfilled = X - q;
  const avg = q > 0 ? pq / q : NaN;
  const delay = s * q * (A - D);
  const opportunity = s * unfilled * (E - D);
  const total = direct + s * unfilled * (E - D) + fees;
  const shortfall: ShortfallParts = { total, delay, impact, timing, opportunity, fees };
  const paper = X * D;
  const shortfallBps: ShortfallParts = {
    total: (total / paper) * 1e4, delay: (delay / paper) * 1e4, impact: (impact / paper) * 1e4,
    timing: (timing / paper) * 1e4, opportunity: (opportunity / paper) * 1e4, fees: (fees / paper) * 1e4,
  };

  const iv = intervalVwap(market, startUs, endUs);
  const twap = market.mids && market.mids.time.length > 0
    ? timeWeightedAverage(market.mids.time, market.mids.mid, startUs, endUs)
    : timeWeightedAverage(market.time, market.price, startUs, endUs);
  const slip = (B: number) => s * (avg - B);
  const bps = (B: number) => ((s * (avg - B)) / B) * 1e4;

  const res: TcaResult = {
    side: s, parentQuantity: X, filledQuantity: q, unfilledQuantity: unfilled, fillRate: q / X, avgPrice: avg, notional: pq, fees,
    startUs, endUs,
    benchmarks: { decision: D, arrival: A, end: E, intervalVwap: iv.vwap, intervalTwap: twap, marketVolume: iv.volume, marketTrades: iv.trades },
    slippage: { arrival: slip(A), vwap: slip(iv.vwap), twap: slip(twap) },
    slippageBps: { arrival: bps(A), vwap: bps(iv.vwap), twap: bps(twap) },
    participation: iv.volume > 0 ? q / iv.volume : NaN,
    shortfall, shortfallBps,
    counts: { fillsOutsideSlices: 0, fillsWithoutMid: withoutMid },
  };
  if (opts.slices) {
    const r = sliceReport(fills, market, s, opts.slices, opts.fillSlice);
    res.perSlice = r.frame;
    res.counts.fillsOutsideSlices = r.outside;
  }
  if (opts.preTrade) {
    const pt = opts.preTrade;
    let sq = NaN;
    if (pt.sqrt) sq = sqrtImpactBps({ Y: pt.sqrt.Y, sigma: pt.sqrt.sigma, quantity: X, volume: pt.sqrt.volume });
    let ac = NaN, acSd = NaN;
    if (pt.almgrenChriss) {
      const acp = pt.almgrenChriss;
      const tr = acp.trades ?? (opts.slices ? sliceBounds(opts.slices).quantity : undefined);
      if (!tr || tr.length === 0) throw new ArgumentError(`tca: preTrade.almgrenChriss needs trades (or slices with quantity)`, { file: FILE, field: "preTrade.almgrenChriss.trades" });
      // holdings x_0 = Σ n, x_k = x_{k−1} − n_k (x_N = 0 up to rounding, set exactly)
      const h = new Float64Array(tr.length + 1);
      for (let k = 0; k < tr.length; k++) h[0] += tr[k];
      for (let k = 1; k <= tr.length; k++) h[k] = k === tr.length ? 0 : h[k - 1] - tr[k - 1];
      const c = scheduleCostVariance(h, { T: acp.T, sigma: acp.sigma, eta: acp.eta, epsilon: acp.epsilon, gamma: acp.gamma });
      ac = c.expectedCost;
      acSd = c.stdDev;
    }
    res.preTrade = {
      sqrtImpactBps: sq, acExpectedCost: ac, acStdDev: acSd, acExpectedCostBps: (ac / (X * A)) * 1e4,
      realizedArrivalBps: res.slippageBps.arrival, realizedShortfallBps: shortfallBps.total,
    };
  }
  return res;
}

/** Per-slice report (see `SliceReportColumns`); fills assigned by `fillSlice` or by time. */
function sliceReport(fills: TcaFills, market: TcaMarket, s: 1 | -1, sl: TcaSlices, fillSlice?: Int32Array): { frame: Frame<SliceReportColumns>; outside: number } {
  const { start: S, end: E, quantity: Q } = sliceBounds(sl);
  const K = S.length;
  checkLen(E, K, "slices.sliceEndUs");
  if (Q) checkLen(Q, K, "slices.quantity");
  for (let k = 0; k < K; k++) {
    if (!(E[k] >= S[k])) throw new ArgumentError(`tca: slice ${k} ends before it starts`, { file: FILE, line: k + 1, field: "slices.sliceEndUs" });
    if (k > 0 && S[k] < E[k - 1]) throw new ArgumentError(`tca: slice ${k} overlaps slice ${k - 1}`, { file: FILE, line: k + 1, field: "slices.sliceStartUs" });
  }
  const nf = fills.time.length;
  if (fillSlice) checkLen(fillSlice, nf, "fillSlice");
  const filled = new Float64Array(K), nFills = new Float64Array(K), pq = new Float64Array(K);
  let outside = 0;
  for (let i = 0; i < nf; i++) {
    let k: number;
    if (fillSlice) k = fillSlice[i];
    else {
      const t = fills.time[i];
      k = lastAtOrBefore(S, t);
      if (k >= 0 && !(t < E[k] || (k === K - 1 && t === E[k]))) k = -1;
    }
    if (k < 0 || k >= K) {
      outside++;
      continue;
    }
    filled[k] += fills.amount[i];
    pq[k] += fills.price[i] * fills.amount[i];
    nFills[k]++;
  }
  const cols: SliceReportColumns = {
    sliceStartUs: Float64Array.from(S), sliceEndUs: Float64Array.from(E),
    target: Q ? Float64Array.from(Q) : new Float64Array(K).fill(NaN),
    filled, fills: nFills, avgPrice: new Float64Array(K), marketVolume: new Float64Array(K), marketVwap: new Float64Array(K),
    arrivalMid: new Float64Array(K), slippageVwapBps: new Float64Array(K), slippageArrivalBps: new Float64Array(K),
    participation: new Float64Array(K), sigma: new Float64Array(K),
  };
  for (let k = 0; k < K; k++) {
    const a = filled[k] > 0 ? pq[k] / filled[k] : NaN;
    const iv = intervalVwap(market, S[k], E[k]);
    const am = prevailingPrice(market, S[k]);
    cols.avgPrice[k] = a;
    cols.marketVolume[k] = iv.volume;
    cols.marketVwap[k] = iv.vwap;
    cols.arrivalMid[k] = am;
    cols.slippageVwapBps[k] = ((s * (a - iv.vwap)) / iv.vwap) * 1e4;
    cols.slippageArrivalBps[k] = ((s * (a - am)) / am) * 1e4;
    cols.participation[k] = iv.volume > 0 ? filled[k] / iv.volume : NaN;
    cols.sigma[k] = market.mids ? realizedSigma(market.mids.time, market.mids.mid, S[k], E[k]) : NaN;
  }
  return { frame: new Frame(cols), outside };
}

/**
 * Realized volatility of a price over [startUs, endUs): √Σ (ln p_j − ln p_{j−1})² over consecutive samples, the
 * first difference taken from the value prevailing at startUs (fraction; NaN when fewer than two values).
 */
export function realizedSigma(time: Float64Array, price: Float64Array, startUs: number, endUs: number): number {
  let j = lastAtOrBefore(time, startUs);
  if (j < 0) j = firstAtOrAfter(time, startUs);
  if (j >= time.length) return NaN;
  let prev = price[j], ss = 0, n = 0;
  for (let k = j + 1; k < time.length && time[k] < endUs; k++) {
    const p = price[k];
    if (p > 0 && prev > 0) {
      const r = Math.log(p / prev);
      ss += r * r;
      n++;
    }
    prev = p;
  }
  return n > 0 ? Math.sqrt(ss) : time[j] < endUs ? 0 : NaN;
}

/**
 * Square-root impact estimate in bps: I = Y·σ·√(Q/V)·1e4 (Loeb 1983; Grinold & Kahn 2000; Tóth et al. 2011),
 * σ the return volatility (fraction) over the period in which volume V (base units) trades, Q the order size
 * (base units), Y dimensionless.
 */
export function sqrtImpactBps(p: { Y: number; sigma: number; quantity: number; volume: number }): number {
  if (!(p.quantity >= 0) || !(p.volume > 0) || !(p.sigma >= 0)) {
    throw new ArgumentError(`sqrtImpactBps: need quantity >= 0, volume > 0, sigma >= 0 (got ${p.quantity}, ${p.volume}, ${p.sigma})`, { file: FILE, field: "volume" });
  }
  return p.Y * p.sigma * Math.sqrt(p.quantity / p.volume) * 1e4;
}

/** Result of `calibrateSqrtImpact`. */
export interface SqrtImpactFit {
  /** Coefficient Y of cost = Y·σ√(Q/V) (+ c with an intercept). */
  Y: number;
  /** White HC1 standard error of Y, its t-statistic. */
  se: number;
  t: number;
  /** Intercept c (fraction; NaN without one) and its HC1 standard error. */
  intercept: number;
  interceptSe: number;
  r2: number;
  /** Observations used, and dropped (non-finite cost, σ, Q/V, or Q ≤ 0 / V ≤ 0). */
  n: number;
  dropped: number;
}

/**
 * Calibrates the square-root impact coefficient Y by least squares over child orders or slices i:
 *   cost_i = Y·x_i (+ c),  x_i = σ_i·√(Q_i/V_i),
 * cost_i the realized cost as a fraction of price, signed positive = cost (e.g. per-slice `slippageArrivalBps`/1e4),
 * σ_i the volatility over the period where V_i trades (e.g. the slice's `sigma`), Q_i our quantity, V_i the
 * market volume (e.g. `filled`, `marketVolume`). Default without intercept, through the origin (the model);
 * `intercept: true` adds c (a fixed cost such as the half spread). OLS via src/frame/ols.ts, White HC1 errors.
 * Rows with Q ≤ 0, V ≤ 0 or any non-finite value are dropped and counted.
 */
export function calibrateSqrtImpact(
  obs: { cost: ArrayLike<number>; sigma: ArrayLike<number>; quantity: ArrayLike<number>; volume: ArrayLike<number> },
  opts: { intercept?: boolean } = {},
): SqrtImpactFit {
  const n = obs.cost.length;
  checkLen(obs.sigma, n, "sigma");
  checkLen(obs.quantity, n, "quantity");
  checkLen(obs.volume, n, "volume");
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const Q = obs.quantity[i], V = obs.volume[i];
    x[i] = Q > 0 && V > 0 ? obs.sigma[i] * Math.sqrt(Q / V) : NaN;
    y[i] = obs.cost[i];
  }
  const ic = opts.intercept ?? false;
  const r = ols(y, [x], { intercept: ic, names: ["sigmaSqrtQV"] });
  const j = ic ? 1 : 0;
  return {
    Y: r.coef[j], se: r.se.HC1[j], t: r.coef[j] / r.se.HC1[j],
    intercept: ic ? r.coef[0] : NaN, interceptSe: ic ? r.se.HC1[0] : NaN,
    r2: r.r2, n: r.n, dropped: r.dropped,
  };
}
