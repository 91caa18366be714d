/**
 * Metrics of a market-making backtest, computed from the engine's `BacktestRaw` (fills, samples, market mids).
 *
 * Conventions (quote currency for money, base units for amounts, epoch µs for time, side +1 buy / −1 sell):
 * - Equity: `samples.equity` = cash + position·mid at every strategy call; `equityNoFees` adds back the fees.
 *   Initial equity = cash and position before the first fill (derived from the first fill received: cash + side·
 *   price·amount + fee, position − side·amount; without fills, `raw.final`) valued at the first finite sample mid.
 *   A non-zero starting position enters the ledger as a fill at that mid (no spread capture, no fee; noted).
 *   PnL = final equity − initial equity; PnL ex fees = PnL + net fees.
 * - PnL decomposition (inventory/ledger.ts, `ledgerFromFills`): the fills in local-clock order (the order the
 *   position changes in the samples) interleaved with one pure-mark row per sample at the sample mid (a fill at
 *   the same local time as a sample comes first: fill reports arrive before the strategy call) and a last mark at
 *   `raw.final.mid`. Spread capture = Σ side·(mid_at_match − price)·amount, inventory PnL = Σ q·Δmark,
 *   fees = Σ fee (rebates negative). Identity: spread + inventory − fees = final equity − initial equity, exact in
 *   real arithmetic; the float residual is reported. The split between spread capture and inventory PnL depends
 *   only on the mid recorded at each match, not on the sampling; the cumulative path is read at the samples.
 *   Cross-check (conservation): the ledger's equity at each sample must equal `samples.equity` there; the largest
 *   gap is reported as `conservationMaxError`.
 * - Sharpe: r_k = equity change over one period (quote currency: absolute PnL changes, since a market maker's
 *   equity starts near 0 there is no meaningful % return), Sharpe = mean(r)/sd(r)·√N with sd the sample standard
 *   deviation (n − 1) and N periods per year. Default period = the sample grid (median sample interval), or a
 *   regular grid of `sharpeIntervalUs` (equity as of each grid point). N = 365·86,400 s / period ("auto": crypto
 *   trades 365 days a year) or the caller's `periodsPerYear`. High-frequency √N scaling assumes independent
 *   period PnLs; autocorrelated PnL (inventory held over many periods) makes a 100 ms Sharpe overstate: prefer
 *   `sharpeIntervalUs` of a minute or more for a headline figure. The text used is in `sharpeAnnualization`.
 * - Max drawdown: max_t (peak_t − E_t) with peak_t = max_{s≤t} E_s over the samples (NaN equity carried forward);
 *   relative drawdown = max_t (peak_t − E_t)/peak_t over t with peak_t > 0 (NaN if equity is never positive).
 * - Orders: fill ratio = orders with at least one fill / submitted; order-to-trade ratio = submitted / fill rows.
 * - Inventory: statistics over the samples (position after each call); time weights: sample i holds on
 *   [t_i, t_{i+1}) and the last until `endUs`. Time at the limit = time-weighted fraction with
 *   |q| ≥ L·(1 − 1e−9).
 * - Quoted spread: ours = ask − bid where both our quotes exist, time-weighted over those samples (in price and in
 *   bps of the sample mid); the market's over the same samples ("while quoting", like for like), and over the
 *   whole run [startUs, endUs) from `raw.market` (time-weighted step series, bps of each row's mid).
 * - Adverse selection / markouts (e.g. Glosten-Milgrom; hftbacktest's and most MM desks' "markout"): for a fill at
 *   exchange time t with side s, price p and match mid m_t, and the market mid m_{t+h} as of t + h (last
 *   `raw.market` row with time ≤ t + h, `asofIndex`): move = s·(m_{t+h} − m_t), markout = s·(m_{t+h} − p), in
 *   price and in bps of m_t (move) / p (markout); means are per fill; the quote-currency sums are amount-weighted.
 *   Negative move = adverse (a buy followed by a mid drop). Fills whose t + h is after the last market time are
 *   left out and counted (`pastEnd`), as are fills without a finite mid at t or t + h (`noMid`).
 */
import { ArgumentError, DataError } from "../errors";
import { Frame, sortedQuantile } from "../frame/frame";
import { asofIndex } from "../frame/asof";
import { ledgerFromFills } from "../inventory/ledger";
import { horizonLabel } from "../liquidity/spreads";
import { timeWeightedMean } from "../liquidity/depth";
import type { BacktestRaw } from "./types";

/** Default adverse-selection horizons: 100 ms, 1 s, 10 s, 1 min (µs). */
export const DEFAULT_ADVERSE_HORIZONS_US: readonly number[] = [100e3, 1e6, 10e6, 60e6];
/** µs in a 365-day year (crypto trades every day). */
export const US_PER_YEAR = 365 * 86_400e6;
/** Relative tolerance for "at the limit": |q| ≥ L·(1 − LIMIT_TOLERANCE). */
export const LIMIT_TOLERANCE = 1e-9;

/** Options of `computeBacktestMetrics`. */
export interface BacktestMetricsOptions {
  /** Adverse-selection horizons, µs (> 0); default `DEFAULT_ADVERSE_HORIZONS_US` (100 ms, 1 s, 10 s, 1 min). */
  horizonsUs?: number[];
  /** Periods per year for the Sharpe ratio, or "auto" (default): 365-day year / period length. */
  annualization?: { periodsPerYear: number } | "auto";
  /** Period of the Sharpe ratio, µs: equity resampled (as of) on this regular grid. Default: the sample grid. */
  sharpeIntervalUs?: number;
  /** Position limit (base units, > 0) for the time at the limits; without it those fractions are NaN. */
  positionLimit?: number;
}

/** PnL decomposition (quote currency) and its cumulative path on the sample grid. */
export interface BacktestDecomposition {
  /** Σ side·(mid at match − price)·amount. */
  spreadCapture: number;
  /** Σ q·Δmark over the fills' mids, the sample mids and the final mid. */
  inventoryPnl: number;
  /** Net fees (paid − rebates). */
  fees: number;
  /** spreadCapture + inventoryPnl − fees. */
  total: number;
  /** The ledger's own PnL: ledger equity − initial equity (cash + q·mark). */
  ledgerPnl: number;
  /** final equity − initial equity (from `raw.final` / the samples). */
  equityChange: number;
  /** total − equityChange (float rounding; anything large means fills and equity disagree). */
  residual: number;
  /** Realized (fees excluded) and unrealized PnL of the ledger (average cost), quote currency. */
  realized: number;
  unrealized: number;
  /** max over samples of |ledger equity − samples.equity| (quote currency; NaN without comparable samples). */
  conservationMaxError: number;
  /** Cumulative components after each sample (length = samples): total = spreadCapture + inventoryPnl − fees. */
  series: Frame<{ time: Float64Array; spreadCapture: Float64Array; inventoryPnl: Float64Array; fees: Float64Array; total: Float64Array }>;
}

/** Adverse selection at one horizon. */
export interface AdverseSelectionRow {
  /** Horizon, µs, and its label ("100ms", "1s", "1m"). */
  horizonUs: number;
  label: string;
  /** Fills measured. */
  fills: number;
  /** Fills left out because t + h is after the last market time. */
  pastEnd: number;
  /** Fills left out for want of a finite mid at t or t + h. */
  noMid: number;
  /** Mean side·(m_{t+h} − m_t): price units and bps of m_t. Negative = adverse. */
  meanMove: number;
  meanMoveBps: number;
  /** Mean side·(m_{t+h} − price): price units and bps of the fill price (spread capture + move). */
  meanMarkout: number;
  meanMarkoutBps: number;
  /** Σ side·(m_{t+h} − m_t)·amount and Σ side·(m_{t+h} − price)·amount over the measured fills (quote currency). */
  moveQuote: number;
  markoutQuote: number;
}

/** Inventory distribution over the samples (base units) and time at the limits. */
export interface InventoryStats {
  /** Samples with a finite position. */
  samples: number;
  /** Per-sample mean, sample std (n − 1), min, max, mean |q|. */
  mean: number;
  std: number;
  min: number;
  max: number;
  meanAbs: number;
  /** Per-sample quantiles (type 7). */
  quantiles: { q01: number; q05: number; q25: number; q50: number; q75: number; q95: number; q99: number };
  /** Time-weighted mean q and mean |q|. */
  twMean: number;
  twMeanAbs: number;
  /** The limit used (NaN when not given). */
  positionLimit: number;
  /** Time-weighted fraction of the run at |q| ≥ L (either side), at +L, at −L, and strictly beyond L (a breach). */
  timeAtLimit: number;
  timeAtLongLimit: number;
  timeAtShortLimit: number;
  timeBeyondLimit: number;
}

/** Quoted spreads, price units (quote per base) and bps of the mid; time-weighted. */
export interface QuoteStats {
  /** Our ask − bid where both exist. */
  ourSpread: number;
  ourSpreadBps: number;
  /** The market's best ask − best bid over the same samples (both our quotes present). */
  marketSpreadWhileQuoting: number;
  marketSpreadWhileQuotingBps: number;
  /** The market's spread over the whole run (`raw.market`); NaN without market rows. */
  marketSpread: number;
  marketSpreadBps: number;
  /** Time fractions: both quotes, bid only, ask only, none. */
  twoSidedTime: number;
  bidOnlyTime: number;
  askOnlyTime: number;
  noQuoteTime: number;
}

/** Order flow. */
export interface OrderFlowStats {
  submitted: number;
  cancelled: number;
  rejected: number;
  /** Orders with at least one fill; fully filled orders. */
  filledOrders: number;
  fullyFilled: number;
  /** Fill rows (partials separate). */
  fills: number;
  /** filledOrders / submitted; fullyFilled / submitted. */
  fillRatio: number;
  fullFillRatio: number;
  /** submitted / fills (∞ with orders and no fill, NaN with neither). */
  orderToTrade: number;
  cancelRacesLost: number;
}

/** Trading activity and fees (quote currency unless stated). */
export interface TradingStats {
  fills: number;
  buyFills: number;
  sellFills: number;
  makerFills: number;
  takerFills: number;
  /** makerFills / fills; maker notional / notional. */
  makerShare: number;
  makerNotionalShare: number;
  /** Base units bought, sold, and both. */
  buyVolume: number;
  sellVolume: number;
  volume: number;
  /** Turnover: Σ price·amount. */
  notional: number;
  /** Σ max(fee, 0), Σ max(−fee, 0), Σ fee. */
  feesPaid: number;
  rebatesEarned: number;
  netFees: number;
  /** Net fees in bps of the notional. */
  netFeesBps: number;
}

/** Everything `computeBacktestMetrics` returns. */
export interface BacktestMetrics {
  strategy: string;
  startUs: number;
  endUs: number;
  /** Number of samples. */
  samples: number;
  /** Equity before the first fill; final equity, with and without fees (quote currency). */
  initialEquity: number;
  finalEquity: number;
  finalEquityNoFees: number;
  /** finalEquity − initialEquity, and the same before fees. */
  pnl: number;
  pnlNoFees: number;
  decomposition: BacktestDecomposition;
  /** Annualized Sharpe of period equity changes, with and without fees; the per-period ratio; periods used. */
  sharpe: number;
  sharpeNoFees: number;
  sharpePerPeriod: number;
  sharpePeriods: number;
  /** Period length, µs, and periods per year used. */
  periodUs: number;
  periodsPerYear: number;
  /** How the Sharpe was annualized, in words. */
  sharpeAnnualization: string;
  /** Max drawdown (quote currency), relative to the peak (fraction; NaN if the peak is never > 0), peak and trough times. */
  maxDrawdown: number;
  maxDrawdownPct: number;
  maxDrawdownPeakUs: number;
  maxDrawdownTroughUs: number;
  orders: OrderFlowStats;
  trading: TradingStats;
  inventory: InventoryStats;
  quotes: QuoteStats;
  /** One row per horizon. */
  adverseSelection: AdverseSelectionRow[];
  /** Counted repairs and caveats, one sentence each. */
  notes: string[];
}

const FILE_SAMPLES = "BacktestRaw.samples";
const FILE_FILLS = "BacktestRaw.fills";
const HINT = "line = row + 1";

const fin = (v: number): boolean => v === v && v !== Infinity && v !== -Infinity;

/** A stable permutation sorting `t` ascending, or null when `t` is already non-decreasing. */
function sortPerm(t: Float64Array): Int32Array | null {
  let sorted = true;
  for (let i = 1; i < t.length; i++) if (t[i] < t[i - 1]) { sorted = false; break; }
  if (sorted) return null;
  const idx = new Int32Array(t.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => (t[a] - t[b]) || (a - b));
  return idx;
}

function checkInputs(raw: BacktestRaw): void {
  const s = raw.samples.columns;
  const n = raw.samples.length;
  const t = s.localTimestamp;
  for (let i = 0; i < n; i++) {
    const v = t[i];
    if (!fin(v)) throw new DataError(`sample time ${v} is not finite`, { file: FILE_SAMPLES, line: i + 1, field: "localTimestamp" }, HINT);
    if (i > 0 && v < t[i - 1]) throw new DataError(`sample time ${v} is before the previous sample (${t[i - 1]})`, { file: FILE_SAMPLES, line: i + 1, field: "localTimestamp" }, HINT);
    const m = s.mid[i];
    if (m === m && !(m > 0 && m !== Infinity)) throw new DataError(`mid ${m} is not NaN (no book) or a finite number > 0`, { file: FILE_SAMPLES, line: i + 1, field: "mid" }, HINT);
  }
  const f = raw.fills.columns;
  for (let i = 0; i < raw.fills.length; i++) {
    const loc = (field: string) => ({ file: FILE_FILLS, line: i + 1, field });
    if (!fin(f.localTimestamp[i])) throw new DataError(`localTimestamp ${f.localTimestamp[i]} is not finite`, loc("localTimestamp"), HINT);
    if (!fin(f.exchangeTimestamp[i])) throw new DataError(`exchangeTimestamp ${f.exchangeTimestamp[i]} is not finite`, loc("exchangeTimestamp"), HINT);
    if (f.side[i] !== 1 && f.side[i] !== -1) throw new DataError(`side ${f.side[i]} is not +1 or −1`, loc("side"), HINT);
    if (!(f.price[i] > 0) || f.price[i] === Infinity) throw new DataError(`price ${f.price[i]} is not a finite number > 0`, loc("price"), HINT);
    if (!(f.amount[i] > 0) || f.amount[i] === Infinity) throw new DataError(`amount ${f.amount[i]} is not a finite number > 0`, loc("amount"), HINT);
    if (!fin(f.fee[i])) throw new DataError(`fee ${f.fee[i]} is not finite`, loc("fee"), HINT);
    const m = f.mid[i];
    if (m === m && !(m > 0 && m !== Infinity)) throw new DataError(`mid ${m} is not NaN or a finite number > 0`, loc("mid"), HINT);
  }
  const mk = raw.market;
  if (mk.mid.length !== mk.time.length || mk.spread.length !== mk.time.length) {
    throw new ArgumentError(`market arrays differ in length: time ${mk.time.length}, mid ${mk.mid.length}, spread ${mk.spread.length}`, { file: "BacktestRaw.market", field: "mid" });
  }
}

/** Weights of a step series on the sample times: [t_i, t_{i+1}), the last until `end`. */
function stepWeights(t: Float64Array, end: number): Float64Array {
  const n = t.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = i + 1 < n ? t[i + 1] : end;
    w[i] = b > t[i] ? b - t[i] : 0;
  }
  return w;
}

/** Σ v·w / Σ w over finite v (NaN when Σ w = 0). */
function weightedMean(v: ArrayLike<number>, w: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < w.length; i++) {
    const x = v[i];
    if (x === x && x !== Infinity && x !== -Infinity) {
      num += x * w[i];
      den += w[i];
    }
  }
  return den > 0 ? num / den : NaN;
}

/** Forward-filled copy (leading NaN stay NaN) and the number of filled values. */
function ffill(v: Float64Array): { out: Float64Array; filled: number } {
  const out = new Float64Array(v.length);
  let last = NaN;
  let filled = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (fin(x)) last = x;
    else if (last === last) filled++;
    out[i] = fin(x) ? x : last;
  }
  return { out, filled };
}

/** mean/sd of the first differences of the finite part of `e` (ffilled already): per-period Sharpe and count. */
function diffSharpe(e: Float64Array): { sr: number; n: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 1; i < e.length; i++) {
    const a = e[i - 1];
    const b = e[i];
    if (!fin(a) || !fin(b)) continue;
    const r = b - a;
    n++;
    const d = r - mean;
    mean += d / n;
    m2 += d * (r - mean);
  }
  if (n < 2) return { sr: NaN, n };
  const sd = Math.sqrt(m2 / (n - 1));
  return { sr: sd > 0 ? mean / sd : NaN, n };
}

/** Equity as of a regular grid t0, t0 + Δ, …, ≤ tEnd (last sample at or before each grid point). */
function resample(t: Float64Array, e: Float64Array, dt: number, t0: number, tEnd: number): Float64Array {
  const k = Math.floor((tEnd - t0) / dt) + 1;
  const grid = new Float64Array(Math.max(k, 0));
  for (let i = 0; i < grid.length; i++) grid[i] = t0 + i * dt;
  const idx = asofIndex(grid, t);
  const out = new Float64Array(grid.length);
  for (let i = 0; i < grid.length; i++) out[i] = idx[i] >= 0 ? e[idx[i]] : NaN;
  return out;
}

function fmtDuration(us: number): string {
  if (!fin(us)) return String(us);
  if (us >= 86_400e6 && us % 86_400e6 === 0) return `${us / 86_400e6} d`;
  if (us >= 3_600e6 && us % 3_600e6 === 0) return `${us / 3_600e6} h`;
  if (us >= 60e6 && us % 60e6 === 0) return `${us / 60e6} min`;
  if (us >= 1e6) return `${Number((us / 1e6).toPrecision(6))} s`;
  if (us >= 1e3) return `${Number((us / 1e3).toPrecision(6))} ms`;
  return `${Number(us.toPrecision(6))} µs`;
}

/**
 * Max drawdown of a (forward-filled) equity path: absolute max_t (peak_t − E_t) with peak_t = max_{s≤t} E_s,
 * relative max_t (peak_t − E_t)/peak_t over peak_t > 0, and the peak/trough rows of the absolute one.
 */
export function maxDrawdown(equity: ArrayLike<number>): { abs: number; rel: number; peak: number; trough: number } {
  let peak = NaN;
  let peakI = -1;
  let abs = NaN;
  let rel = NaN;
  let pI = -1;
  let tI = -1;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (!fin(e)) continue;
    if (!(e <= peak)) {
      peak = e;
      peakI = i;
    }
    const dd = peak - e;
    if (!(dd <= abs)) {
      abs = dd;
      pI = peakI;
      tI = i;
    }
    if (peak > 0) {
      const r = dd / peak;
      if (!(r <= rel)) rel = r;
    }
  }
  return { abs, rel, peak: pI, trough: tI };
}

/**
 * Computes the metrics of one backtest (see the module comment for every formula, unit and convention): equity
 * and PnL with and without fees, the PnL decomposition through `ledgerFromFills` (spread capture, inventory PnL,
 * fees; identity checked), Sharpe (annualization stated in `sharpeAnnualization`), max drawdown, fill ratio,
 * order-to-trade ratio, inventory distribution and time at the limits, quoted vs market spread, adverse selection
 * at several horizons, volume, maker share and fees. O(F log F + S + M) for F fills, S samples, M market rows.
 * Bad rows throw a DataError naming the frame (`BacktestRaw.samples` / `BacktestRaw.fills`), line = row + 1 and field.
 */
export function computeBacktestMetrics(raw: BacktestRaw, opts: BacktestMetricsOptions = {}): BacktestMetrics {
  const horizons = (opts.horizonsUs ?? DEFAULT_ADVERSE_HORIZONS_US).slice();
  horizons.forEach((h, k) => {
    if (!(h > 0) || h === Infinity) throw new ArgumentError(`horizonsUs[${k}] = ${h} is not a finite number > 0`, { field: "horizonsUs" });
  });
  const ann = opts.annualization ?? "auto";
  if (ann !== "auto" && (typeof ann !== "object" || !(ann.periodsPerYear > 0) || ann.periodsPerYear === Infinity)) {
    throw new ArgumentError(`annualization must be "auto" or { periodsPerYear > 0 }`, { field: "annualization" });
  }
  if (opts.sharpeIntervalUs !== undefined && !(opts.sharpeIntervalUs > 0 && opts.sharpeIntervalUs !== Infinity)) {
    throw new ArgumentError(`sharpeIntervalUs must be a finite number > 0, got ${opts.sharpeIntervalUs}`, { field: "sharpeIntervalUs" });
  }
  const L = opts.positionLimit ?? NaN;
  if (opts.positionLimit !== undefined && !(L > 0 && L !== Infinity)) {
    throw new ArgumentError(`positionLimit must be a finite number > 0, got ${opts.positionLimit}`, { field: "positionLimit" });
  }
  checkInputs(raw);
  const notes: string[] = [];
  const S = raw.samples.columns;
  const nS = raw.samples.length;
  const st = S.localTimestamp;
  const F = raw.fills.columns;
  const nF = raw.fills.length;
  const end = nS > 0 ? Math.max(raw.endUs, st[nS - 1]) : raw.endUs;

  // ---- initial state and equity ----
  const perm = sortPerm(F.localTimestamp);
  const j0 = perm ? perm[0] : 0; // the first fill received
  let cash0: number;
  let pos0: number;
  if (nF > 0) {
    cash0 = F.cash[j0] + F.side[j0] * F.price[j0] * F.amount[j0] + F.fee[j0];
    pos0 = F.position[j0] - F.side[j0] * F.amount[j0];
  } else {
    cash0 = raw.final.cash;
    pos0 = raw.final.position;
  }
  let mid0 = NaN;
  for (let i = 0; i < nS && mid0 !== mid0; i++) if (fin(S.mid[i])) mid0 = S.mid[i];
  if (mid0 !== mid0 && nF > 0 && fin(F.mid[j0])) mid0 = F.mid[j0];
  if (Math.abs(pos0) <= LIMIT_TOLERANCE * (nF > 0 ? F.amount[j0] : 1)) pos0 = 0;
  const initialEquity = pos0 === 0 ? cash0 : cash0 + pos0 * mid0;
  if (pos0 !== 0) notes.push(`the run starts with a position of ${pos0}: it enters the ledger as a fill at the first mid ${mid0} (no spread capture, no fee)`);

  // ---- ledger rows: (seed) + fills in local order interleaved with sample marks + final mark ----
  if (perm) notes.push(`fills were not in local-time order; they were sorted by localTimestamp for the ledger`);
  let validMarks = 0;
  for (let i = 0; i < nS; i++) if (fin(S.mid[i])) validMarks++;
  if (validMarks < nS) notes.push(`${nS - validMarks} of ${nS} samples have no mid (empty book side): no mark there, equity carried forward`);
  const finalMid = raw.final.mid;
  const seed = pos0 !== 0 ? 1 : 0;
  const R = seed + nF + validMarks + (fin(finalMid) ? 1 : 0);
  const rT = new Float64Array(R);
  const rSide = new Float64Array(R);
  const rPrice = new Float64Array(R);
  const rAmount = new Float64Array(R);
  const rFee = new Float64Array(R);
  const rMid = new Float64Array(R);
  const rMaker = new Float64Array(R);
  const sampleRow = new Int32Array(nS).fill(-1);
  let r = 0;
  let lastT = -Infinity;
  const pushFill = (j: number) => {
    const t = F.localTimestamp[j];
    lastT = t > lastT ? t : lastT;
    rT[r] = lastT;
    rSide[r] = F.side[j];
    rPrice[r] = F.price[j];
    rAmount[r] = F.amount[j];
    rFee[r] = F.fee[j];
    rMid[r] = F.mid[j];
    rMaker[r] = F.isMaker[j];
    r++;
  };
  if (seed) {
    lastT = nS > 0 ? Math.min(st[0], raw.startUs) : raw.startUs;
    if (!fin(lastT)) lastT = nF > 0 ? F.localTimestamp[perm ? perm[0] : 0] : 0;
    rT[r] = lastT;
    rSide[r] = pos0 > 0 ? 1 : -1;
    rPrice[r] = mid0;
    rAmount[r] = Math.abs(pos0);
    rFee[r] = 0;
    rMid[r] = mid0;
    rMaker[r] = NaN;
    r++;
  }
  let fi = 0;
  for (let i = 0; i < nS; i++) {
    while (fi < nF && F.localTimestamp[perm ? perm[fi] : fi] <= st[i]) pushFill(perm ? perm[fi++] : fi++);
    if (fin(S.mid[i])) {
      lastT = st[i] > lastT ? st[i] : lastT;
      rT[r] = lastT;
      rSide[r] = 0;
      rPrice[r] = NaN;
      rAmount[r] = 0;
      rFee[r] = 0;
      rMid[r] = S.mid[i];
      rMaker[r] = NaN;
      r++;
    }
    sampleRow[i] = r - 1;
  }
  while (fi < nF) pushFill(perm ? perm[fi++] : fi++);
  if (fin(finalMid)) {
    rT[r] = Math.max(lastT, fin(raw.endUs) ? raw.endUs : lastT);
    rSide[r] = 0;
    rPrice[r] = NaN;
    rAmount[r] = 0;
    rFee[r] = 0;
    rMid[r] = finalMid;
    rMaker[r] = NaN;
    r++;
  } else notes.push(`final mid is not finite: no final mark, inventory PnL stops at the last mark`);
  const led = ledgerFromFills(
    { timestamp: rT, side: rSide, price: rPrice, amount: rAmount, fee: rFee, mid: rMid, isMaker: rMaker },
    { initialCash: initialEquity, label: "BacktestRaw.fills+sample marks", assetNames: [raw.strategy || "asset"] },
  );
  const tot = led.snapshot.totals;
  const rows = led.rows.columns;

  // cumulative path on the sample grid, and the conservation cross-check
  const cSpread = new Float64Array(nS);
  const cInv = new Float64Array(nS);
  const cFee = new Float64Array(nS);
  const cTot = new Float64Array(nS);
  let aS = 0;
  let aI = 0;
  let aF = 0;
  let k = 0;
  let consErr = NaN;
  for (let i = 0; i < nS; i++) {
    const upto = sampleRow[i];
    for (; k <= upto; k++) {
      aS += rows.spreadCapture[k];
      aI += rows.inventoryPnl[k];
      aF += rows.fee[k];
    }
    cSpread[i] = aS;
    cInv[i] = aI;
    cFee[i] = aF;
    cTot[i] = aS + aI - aF;
    if (upto >= 0 && fin(S.mid[i]) && fin(S.equity[i])) {
      const d = Math.abs(rows.equity[upto] - S.equity[i]);
      if (!(d <= consErr)) consErr = d;
    }
  }
  const spreadCapture = tot.spreadCapture;
  const inventoryPnl = tot.inventoryPnl;
  const fees = tot.fees;
  const total = spreadCapture + inventoryPnl - fees;

  // ---- final equity ----
  let finalEquity = raw.final.equity;
  if (!fin(finalEquity)) {
    finalEquity = tot.equity;
    notes.push(`raw.final.equity is not finite; final equity taken from the ledger (${finalEquity})`);
  }
  const pnl = finalEquity - initialEquity;
  const pnlNoFees = pnl + fees;
  const decomposition: BacktestDecomposition = {
    spreadCapture,
    inventoryPnl,
    fees,
    total,
    ledgerPnl: tot.pnl,
    equityChange: pnl,
    residual: total - pnl,
    realized: tot.realized,
    unrealized: tot.unrealized,
    conservationMaxError: consErr,
    series: new Frame({ time: st.slice(), spreadCapture: cSpread, inventoryPnl: cInv, fees: cFee, total: cTot }),
  };

  // ---- Sharpe and drawdown ----
  const eq = ffill(S.equity);
  const eqNF = ffill(S.equityNoFees);
  let periodUs: number;
  let onGrid: string;
  let eS = eq.out;
  let eSNF = eqNF.out;
  if (opts.sharpeIntervalUs !== undefined) {
    periodUs = opts.sharpeIntervalUs;
    let t0 = NaN;
    for (let i = 0; i < nS && t0 !== t0; i++) if (fin(eq.out[i])) t0 = st[i];
    if (fin(t0)) {
      eS = resample(st, eq.out, periodUs, t0, end);
      eSNF = resample(st, eqNF.out, periodUs, t0, end);
    } else eS = eSNF = new Float64Array(0);
    onGrid = `equity as of a regular ${fmtDuration(periodUs)} grid`;
  } else {
    const d = new Float64Array(Math.max(nS - 1, 0));
    for (let i = 1; i < nS; i++) d[i - 1] = st[i] - st[i - 1];
    d.sort();
    periodUs = d.length ? sortedQuantile(d, 0.5) : NaN;
    if (!(periodUs > 0) && d.length) {
      periodUs = (st[nS - 1] - st[0]) / (nS - 1);
      notes.push(`the median sample interval is 0; the Sharpe period is the mean interval ${fmtDuration(periodUs)}`);
    }
    onGrid = `equity changes between consecutive samples, period = median sample interval ${fmtDuration(periodUs)}`;
  }
  const periodsPerYear = ann === "auto" ? (periodUs > 0 ? US_PER_YEAR / periodUs : NaN) : ann.periodsPerYear;
  const sr = diffSharpe(eS);
  const srNF = diffSharpe(eSNF);
  const scale = Math.sqrt(periodsPerYear);
  const sharpeAnnualization =
    `mean/sd of ${onGrid} (quote currency), × √${fin(periodsPerYear) ? Number(periodsPerYear.toPrecision(6)) : "NaN"} periods per year` +
    (ann === "auto" ? ` (365-day crypto year)` : ` (given)`);
  if (eq.filled > 0) notes.push(`${eq.filled} samples without equity (no mid) carried the previous equity forward for Sharpe and drawdown`);
  const dd = maxDrawdown(eq.out);

  // ---- orders and trading ----
  const oc = raw.orders;
  const orders: OrderFlowStats = {
    submitted: oc.submitted,
    cancelled: oc.cancelled,
    rejected: oc.rejected,
    filledOrders: oc.partiallyOrFullyFilled,
    fullyFilled: oc.filled,
    fills: nF,
    fillRatio: oc.submitted > 0 ? oc.partiallyOrFullyFilled / oc.submitted : NaN,
    fullFillRatio: oc.submitted > 0 ? oc.filled / oc.submitted : NaN,
    orderToTrade: nF > 0 ? oc.submitted / nF : oc.submitted > 0 ? Infinity : NaN,
    cancelRacesLost: oc.cancelRacesLost,
  };
  if (oc.fills !== nF) notes.push(`orders.fills (${oc.fills}) differs from the fill rows (${nF}); ratios use the fill rows`);
  let buyFills = 0, makerFills = 0, takerFills = 0, buyVol = 0, sellVol = 0, notional = 0, makerNotional = 0, paid = 0, rebates = 0;
  for (let i = 0; i < nF; i++) {
    const a = F.amount[i];
    const q = F.price[i] * a;
    if (F.side[i] === 1) {
      buyFills++;
      buyVol += a;
    } else sellVol += a;
    notional += q;
    if (F.isMaker[i] === 1) {
      makerFills++;
      makerNotional += q;
    } else takerFills++;
    const fee = F.fee[i];
    if (fee > 0) paid += fee;
    else rebates -= fee;
  }
  const netFees = paid - rebates;
  const trading: TradingStats = {
    fills: nF,
    buyFills,
    sellFills: nF - buyFills,
    makerFills,
    takerFills,
    makerShare: nF > 0 ? makerFills / nF : NaN,
    makerNotionalShare: notional > 0 ? makerNotional / notional : NaN,
    buyVolume: buyVol,
    sellVolume: sellVol,
    volume: buyVol + sellVol,
    notional,
    feesPaid: paid,
    rebatesEarned: rebates,
    netFees,
    netFeesBps: notional > 0 ? (netFees / notional) * 1e4 : NaN,
  };

  // ---- inventory ----
  const w = stepWeights(st, end);
  let wSum = 0;
  for (let i = 0; i < nS; i++) wSum += w[i];
  if (nS > 0 && !(wSum > 0)) {
    w.fill(1);
    notes.push(`the samples span no time: time-weighted figures weight every sample equally`);
  }
  const pos = S.position;
  const pv = new Float64Array(nS);
  let np = 0;
  let sum = 0;
  let sumAbs = 0;
  for (let i = 0; i < nS; i++) {
    const q = pos[i];
    if (!fin(q)) continue;
    pv[np++] = q;
    sum += q;
    sumAbs += Math.abs(q);
  }
  const pSorted = pv.subarray(0, np).sort();
  const mean = np ? sum / np : NaN;
  let ss = 0;
  for (let i = 0; i < np; i++) ss += (pSorted[i] - mean) * (pSorted[i] - mean);
  let twAbsNum = 0, twDen = 0, atL = 0, atLong = 0, atShort = 0, beyond = 0;
  const thr = L * (1 - LIMIT_TOLERANCE);
  const thrBeyond = L * (1 + LIMIT_TOLERANCE);
  for (let i = 0; i < nS; i++) {
    const q = pos[i];
    if (!fin(q)) continue;
    const wi = w[i];
    twDen += wi;
    twAbsNum += Math.abs(q) * wi;
    if (q >= thr) atLong += wi;
    if (q <= -thr) atShort += wi;
    if (Math.abs(q) > thrBeyond) beyond += wi;
  }
  atL = atLong + atShort;
  const frac = (x: number) => (L === L && twDen > 0 ? x / twDen : NaN);
  const inventory: InventoryStats = {
    samples: np,
    mean,
    std: np > 1 ? Math.sqrt(ss / (np - 1)) : NaN,
    min: np ? pSorted[0] : NaN,
    max: np ? pSorted[np - 1] : NaN,
    meanAbs: np ? sumAbs / np : NaN,
    quantiles: {
      q01: sortedQuantile(pSorted, 0.01), q05: sortedQuantile(pSorted, 0.05), q25: sortedQuantile(pSorted, 0.25), q50: sortedQuantile(pSorted, 0.5),
      q75: sortedQuantile(pSorted, 0.75), q95: sortedQuantile(pSorted, 0.95), q99: sortedQuantile(pSorted, 0.99),
    },
    twMean: weightedMean(pos, w),
    twMeanAbs: twDen > 0 ? twAbsNum / twDen : NaN,
    positionLimit: L,
    timeAtLimit: frac(atL),
    timeAtLongLimit: frac(atLong),
    timeAtShortLimit: frac(atShort),
    timeBeyondLimit: frac(beyond),
  };
  if (L !== L) notes.push(`no positionLimit given: time at the limits is NaN`);

  // ---- quotes ----
  const ours = new Float64Array(nS);
  const oursBps = new Float64Array(nS);
  const mkt = new Float64Array(nS);
  const mktBps = new Float64Array(nS);
  let two = 0, bidOnly = 0, askOnly = 0, none = 0, wAll = 0;
  for (let i = 0; i < nS; i++) {
    const hb = fin(S.bid[i]);
    const ha = fin(S.ask[i]);
    const wi = w[i];
    wAll += wi;
    if (hb && ha) {
      two += wi;
      const m = S.mid[i];
      ours[i] = S.ask[i] - S.bid[i];
      oursBps[i] = (ours[i] / m) * 1e4;
      mkt[i] = S.marketAsk[i] - S.marketBid[i];
      mktBps[i] = (mkt[i] / m) * 1e4;
    } else {
      if (hb) bidOnly += wi;
      else if (ha) askOnly += wi;
      else none += wi;
      ours[i] = oursBps[i] = mkt[i] = mktBps[i] = NaN;
    }
  }
  const mk = raw.market;
  let marketSpread = NaN;
  let marketSpreadBps = NaN;
  if (mk.time.length > 0) {
    // over the run [startUs, endUs) (market rows after the end exist for the adverse-selection horizons)
    const t0 = fin(raw.startUs) ? raw.startUs : mk.time[0];
    const t1 = fin(raw.endUs) ? raw.endUs : mk.time[mk.time.length - 1];
    const bps = new Float64Array(mk.time.length);
    for (let i = 0; i < bps.length; i++) bps[i] = (mk.spread[i] / mk.mid[i]) * 1e4;
    marketSpread = timeWeightedMean(mk.time, mk.spread, t0, t1).mean;
    marketSpreadBps = timeWeightedMean(mk.time, bps, t0, t1).mean;
  }
  const tf = (x: number) => (wAll > 0 ? x / wAll : NaN);
  const quotes: QuoteStats = {
    ourSpread: weightedMean(ours, w),
    ourSpreadBps: weightedMean(oursBps, w),
    marketSpreadWhileQuoting: weightedMean(mkt, w),
    marketSpreadWhileQuotingBps: weightedMean(mktBps, w),
    marketSpread,
    marketSpreadBps,
    twoSidedTime: tf(two),
    bidOnlyTime: tf(bidOnly),
    askOnlyTime: tf(askOnly),
    noQuoteTime: tf(none),
  };

  const adverseSelection = adverseSelectionAt(raw, horizons);
  for (const a of adverseSelection) {
    if (a.pastEnd > 0) notes.push(`adverse selection ${a.label}: ${a.pastEnd} of ${nF} fills left out (horizon past the end of the market data)`);
  }

  return {
    strategy: raw.strategy,
    startUs: raw.startUs,
    endUs: raw.endUs,
    samples: nS,
    initialEquity,
    finalEquity,
    finalEquityNoFees: finalEquity + fees,
    pnl,
    pnlNoFees,
    decomposition,
    sharpe: sr.sr * scale,
    sharpeNoFees: srNF.sr * scale,
    sharpePerPeriod: sr.sr,
    sharpePeriods: sr.n,
    periodUs,
    periodsPerYear,
    sharpeAnnualization,
    maxDrawdown: dd.abs,
    maxDrawdownPct: dd.rel,
    maxDrawdownPeakUs: dd.peak >= 0 ? st[dd.peak] : NaN,
    maxDrawdownTroughUs: dd.trough >= 0 ? st[dd.trough] : NaN,
    orders,
    trading,
    inventory,
    quotes,
    adverseSelection,
    notes,
  };
}

/**
 * Adverse selection of the fills of `raw` at each horizon h (µs): per fill at exchange time t, side s, price p,
 * match mid m_t (`fills.mid`, or the market mid as of t when that is NaN) and m_{t+h} = the last `raw.market` mid
 * with time ≤ t + h (`asofIndex`): move = s·(m_{t+h} − m_t), markout = s·(m_{t+h} − p); means per fill in price
 * units and bps (of m_t / of p), amount-weighted sums in quote currency. Negative = adverse. Fills with t + h after
 * the last market time are counted in `pastEnd`; fills without a finite mid in `noMid`.
 */
export function adverseSelectionAt(raw: BacktestRaw, horizonsUs: readonly number[]): AdverseSelectionRow[] {
  const F = raw.fills.columns;
  const nF = raw.fills.length;
  const mk = raw.market;
  const M = mk.time.length;
  const tLast = M > 0 ? mk.time[M - 1] : -Infinity;
  const perm = sortPerm(F.exchangeTimestamp);
  const tSorted = new Float64Array(nF);
  for (let i = 0; i < nF; i++) tSorted[i] = F.exchangeTimestamp[perm ? perm[i] : i];
  // mid at t: the fill's own match mid, else the market's as of t
  const idx0 = asofIndex(tSorted, mk.time);
  const shifted = new Float64Array(nF);
  const out: AdverseSelectionRow[] = [];
  for (const h of horizonsUs) {
    if (!(h > 0) || h === Infinity) throw new ArgumentError(`horizon ${h} is not a finite number > 0`, { field: "horizonsUs" });
    for (let i = 0; i < nF; i++) shifted[i] = tSorted[i] + h;
    const idx = asofIndex(shifted, mk.time);
    let n = 0, pastEnd = 0, noMid = 0, sMove = 0, sMoveBps = 0, sMark = 0, sMarkBps = 0, qMove = 0, qMark = 0;
    for (let k = 0; k < nF; k++) {
      const j = perm ? perm[k] : k;
      if (shifted[k] > tLast) {
        pastEnd++;
        continue;
      }
      let m0 = F.mid[j];
      if (!fin(m0)) m0 = idx0[k] >= 0 ? mk.mid[idx0[k]] : NaN;
      const m1 = idx[k] >= 0 ? mk.mid[idx[k]] : NaN;
      if (!fin(m0) || !fin(m1)) {
        noMid++;
        continue;
      }
      const s = F.side[j];
      const p = F.price[j];
      const a = F.amount[j];
      const mv = s * (m1 - m0);
      const mo = s * (m1 - p);
      n++;
      sMove += mv;
      sMoveBps += (mv / m0) * 1e4;
      sMark += mo;
      sMarkBps += (mo / p) * 1e4;
      qMove += mv * a;
      qMark += mo * a;
    }
    out.push({
      horizonUs: h,
      label: horizonLabel(h),
      fills: n,
      pastEnd,
      noMid,
      meanMove: n ? sMove / n : NaN,
      meanMoveBps: n ? sMoveBps / n : NaN,
      meanMarkout: n ? sMark / n : NaN,
      meanMarkoutBps: n ? sMarkBps / n : NaN,
      moveQuote: qMove,
      markoutQuote: qMark,
    });
  }
  return out;
}

/** One backtest for `compareBacktests`: a name, the raw result and (optionally) its metrics. */
export interface BacktestResultLike {
  name?: string;
  raw: BacktestRaw;
  metrics?: BacktestMetrics;
}

/** Columns of the `compareBacktests` table. */
export type BacktestComparisonColumns = {
  strategy: string[];
  pnl: Float64Array;
  pnlNoFees: Float64Array;
  spreadCapture: Float64Array;
  inventoryPnl: Float64Array;
  fees: Float64Array;
  sharpe: Float64Array;
  maxDrawdown: Float64Array;
  fills: Float64Array;
  fillRatio: Float64Array;
  orderToTrade: Float64Array;
  meanAbsPosition: Float64Array;
  timeAtLimit: Float64Array;
  ourSpreadBps: Float64Array;
  marketSpreadBps: Float64Array;
  adverse1sBps: Float64Array;
};

/**
 * A comparison table, one row per backtest: PnL and PnL ex fees, spread capture, inventory PnL, fees (quote
 * currency), annualized Sharpe (as in each metrics' `sharpeAnnualization`), max drawdown (quote currency), fills,
 * fill ratio, order-to-trade ratio, time-weighted mean |q| (base units), time at the limit (fraction), our quoted
 * spread vs the market's over the same samples (bps), and the mean mid move 1 s after our fills (bps; negative =
 * adverse; NaN when 1 s is not among the horizons). Metrics are computed with default options where absent.
 */
export function compareBacktests(results: readonly BacktestResultLike[]): Frame<BacktestComparisonColumns> {
  if (!results || results.length === 0) throw new ArgumentError(`compareBacktests needs at least one result`, { field: "results" });
  const n = results.length;
  const col = () => new Float64Array(n);
  const c: BacktestComparisonColumns = {
    strategy: [], pnl: col(), pnlNoFees: col(), spreadCapture: col(), inventoryPnl: col(), fees: col(), sharpe: col(), maxDrawdown: col(),
    fills: col(), fillRatio: col(), orderToTrade: col(), meanAbsPosition: col(), timeAtLimit: col(), ourSpreadBps: col(), marketSpreadBps: col(),
    adverse1sBps: col(),
  };
  results.forEach((res, i) => {
    if (!res || !res.raw) throw new ArgumentError(`results[${i}] has no raw backtest`, { field: `results[${i}].raw` });
    const m = res.metrics ?? computeBacktestMetrics(res.raw);
    c.strategy.push(res.name ?? res.raw.strategy);
    c.pnl[i] = m.pnl;
    c.pnlNoFees[i] = m.pnlNoFees;
    c.spreadCapture[i] = m.decomposition.spreadCapture;
    c.inventoryPnl[i] = m.decomposition.inventoryPnl;
    c.fees[i] = m.decomposition.fees;
    c.sharpe[i] = m.sharpe;
    c.maxDrawdown[i] = m.maxDrawdown;
    c.fills[i] = m.trading.fills;
    c.fillRatio[i] = m.orders.fillRatio;
    c.orderToTrade[i] = m.orders.orderToTrade;
    c.meanAbsPosition[i] = m.inventory.twMeanAbs;
    c.timeAtLimit[i] = m.inventory.timeAtLimit;
    c.ourSpreadBps[i] = m.quotes.ourSpreadBps;
    c.marketSpreadBps[i] = m.quotes.marketSpreadWhileQuotingBps;
    const a = m.adverseSelection.find((x) => x.horizonUs === 1e6);
    c.adverse1sBps[i] = a ? a.meanMoveBps : NaN;
  });
  return new Frame(c);
}
