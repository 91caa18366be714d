/**
 * Signal study: does a sentiment score predict later returns? Look-ahead-free alignment of timestamped signals to
 * price bars, forward returns at several horizons, IC / rank IC with (block) bootstrap confidence intervals, hit
 * rate with a binomial interval, quantile returns and the top − bottom spread, sentiment vs absolute returns,
 * lead-lag cross-correlation, and the agreement of several scorers on the same headlines.
 *
 * Alignment convention (no look-ahead by construction). A signal published at time t (epoch µs) trades at the
 * **open of the first bar whose open time is strictly after t** (bar j = first with `timestamp[j] > t`), at price
 * `open[j]` (if the bars have no `open` column: `close[j−1]`, which is the same instant). Its forward return at
 * horizon h is the log return from that entry to the **close of the bar ending at entryTime + h**:
 * r = ln(close[k] / entry) with `timestamp[k] + barUs = entryTime + h` (h must be a multiple of the bar length).
 * A signal in the middle of a bar therefore waits for the next bar even though the current bar's close would be
 * earlier: the close of the bar containing t is not known to be after t at bar resolution, so we never use it.
 * The API takes only (timestamp, score) pairs and computes every return itself from strictly later bars, so a
 * return that ends before or at t can never be paired with that signal. A score computed from information dated
 * after its own timestamp cannot be ruled out by alignment alone, so `signalStudy` runs a look-ahead detector (see
 * `LOOK_AHEAD_MIN_RANK_IC`): per horizon it also computes the rank IC with entry delayed by one bar
 * (`delayedRankIc`), and flags `lookAheadSuspected` when, at the shortest horizon, |rankIc| ≥ 0.5 and
 * |delayedRankIc| < |rankIc| / 3 (and, against small-sample noise, |rankIc|·√(n − 1) ≥ 4). A flagged study throws a DataError (field "score") unless
 * `allowSuspectedLookAhead: true`, in which case the flag is only reported. The detector catches a score built from
 * the next bar's return (the usual leak); a score built from a multi-bar future window at a multi-bar shortest
 * horizon loses only 1/h of its IC with a one-bar delay and is not caught. The `pastRankIc` diagnostic (score vs
 * the return over the h before entry) shows whether a signal is a reaction to moves already made.
 *
 * Dropped signals are counted (IssueLog kinds): "nan-score", "nan-timestamp", "below-min-abs-score",
 * "unknown-asset", "no-bar-after-signal" (t at or after the last bar's open: the price data ends), "stale-entry"
 * (the next bar opens more than `maxEntryDelayUs` after t: a gap in the bars or a signal before the data),
 * "no-entry-price"; per horizon "horizon-past-end", "gap-in-horizon", "bad-price".
 *
 * Statistics: IC = Pearson correlation of score and forward return, rank IC = Spearman (average ranks for ties).
 * Confidence intervals are bootstrap percentile intervals (Efron & Tibshirani, 1993) with a fixed seed. By default
 * the resampling unit is the UTC **day** of entry (a cluster / block bootstrap: all signals entering on a drawn day
 * come together), which respects both headline clustering and the overlap of forward windows up to a day; use
 * `block: "none"` for the iid bootstrap or a number of µs for another block length. Resamples are drawn as
 * multiplicity weights, so ranks are recomputed exactly for each resample in O(n) from one presort.
 */
import { Frame, sortedQuantile } from "../frame/frame";
import { ArgumentError, DataError } from "../errors";
import { IssueLog, type LoadIssue } from "../data/loadReport";
import { createRng, deriveSeed } from "../frame/rng";
import { assertSorted, searchSorted, searchSortedMany } from "../frame/search";
import { incompleteBeta, normalQuantile } from "../frame/ols";
import { classAgreement, classifyScore, labelToClass, type ClassAgreement } from "./lexicon";

// ------------------------------------------------------------------------------------------------------------
// inputs
// ------------------------------------------------------------------------------------------------------------

/** Timestamped signals: `timestamp` (publication time, epoch µs) and `score`; `asset` routes to a price series. */
export interface SignalInput {
  readonly timestamp: Float64Array;
  readonly score: Float64Array;
  /** Per signal, the key of its price series when `prices` is a map of series; ignored for a single series. */
  readonly asset?: readonly string[];
}

/** Price bars: open times (epoch µs, strictly increasing), closes, and optionally opens. A CandleFrame fits. */
export interface PriceBars {
  readonly timestamp: Float64Array;
  readonly close: Float64Array;
  readonly open?: Float64Array;
}

/** One price series: a CandleFrame (or any Frame with f64 timestamp, close and optionally open), or plain PriceBars. */
export type PriceInput = PriceBars | Frame;
/** One price series, or a map asset → series (signals are then routed by `signals.asset`). */
export type PricesInput = PriceInput | { readonly [asset: string]: PriceInput };

/** Bootstrap settings. */
export interface BootstrapOptions {
  /** Number of resamples (default 1000; 0 disables intervals, which are then NaN). */
  n?: number;
  /** Seed of the resampling stream (default 1). */
  seed?: number;
  /** Resampling unit: "day" (UTC day of entry, default), "none" (each signal), or a block length in µs. */
  block?: "day" | "none" | number;
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
}

/** Options of `signalStudy`. */
export interface SignalStudyOptions {
  /** Forward horizons in µs, each a positive multiple of the bar length (e.g. [3.6e9, 4 * 3.6e9, 24 * 3.6e9]). */
  horizons: readonly number[];
  bootstrap?: BootstrapOptions;
  /** Number of score quantile buckets (default 5). */
  quantiles?: number;
  /** Drop signals with |score| below this (default 0: keep all). */
  minAbsScore?: number;
  /** Bar length in µs (default: the median spacing of the bar open times). */
  barUs?: number;
  /** Longest allowed wait from t to the entry bar's open (default: one bar). */
  maxEntryDelayUs?: number;
  /**
   * Report a suspected look-ahead (`lookAheadSuspected`, see `LOOK_AHEAD_MIN_RANK_IC`) instead of throwing a
   * DataError (default false: throw).
   */
  allowSuspectedLookAhead?: boolean;
}

/**
 * Look-ahead detector thresholds (used by `signalStudy`): a study is flagged when, at its shortest horizon,
 * |rankIc| ≥ `LOOK_AHEAD_MIN_RANK_IC` (0.5) and |delayedRankIc| < |rankIc| / `LOOK_AHEAD_DECAY` (3), where
 * `delayedRankIc` is the rank IC of the same scores with the entry delayed by one bar (same horizon).
 * Rationale: a genuine news signal has a small IC (published crypto-news ICs are a few hundredths; 0.5 is
 * implausible) and, since news is digested over hours, does not lose almost all of its information in one bar;
 * a score built from the next bar's return has an IC near 1 that vanishes when entry moves one bar later (the
 * delayed window no longer contains the bar it was built from). Both conditions must hold, so a planted or real
 * signal with a moderate IC is never flagged. Small-sample guard: the rank IC must also be significant,
 * |rankIc|·√(n − 1) ≥ `LOOK_AHEAD_MIN_Z` (4; under no correlation the rank IC is ≈ N(0, 1/(n − 1)), so noise
 * exceeds it with probability ≈ 6e-5), so a handful of signals (n < 17 for a rank IC of 1) is never flagged.
 */
export const LOOK_AHEAD_MIN_RANK_IC = 0.5;
/** See `LOOK_AHEAD_MIN_RANK_IC`: the z-score |rankIc|·√(n − 1) the rank IC must reach to flag (small-sample guard). */
export const LOOK_AHEAD_MIN_Z = 4;
/** See `LOOK_AHEAD_MIN_RANK_IC`: the delayed rank IC must fall below |rankIc| / LOOK_AHEAD_DECAY to flag. */
export const LOOK_AHEAD_DECAY = 3;

/** Normalized bars: open times, opens (null if absent), closes, bar length (µs) and a label for errors. */
export interface Bars {
  time: Float64Array;
  open: Float64Array | null;
  close: Float64Array;
  barUs: number;
  label: string;
}

function isSingleSeries(p: PricesInput): p is PriceInput {
  if (p instanceof Frame) return true;
  const o = p as { timestamp?: unknown };
  return o.timestamp instanceof Float64Array;
}

function getCol(p: PriceInput, name: string, label: string, required: boolean): Float64Array | null {
  if (p instanceof Frame) {
    if (!p.has(name)) {
      if (required) throw new ArgumentError(`price series has no "${name}" column`, { file: label, field: name });
      return null;
    }
    return p.f64(name);
  }
  const c = (p as unknown as { [k: string]: unknown })[name];
  if (c === undefined) {
    if (required) throw new ArgumentError(`price series has no "${name}" column`, { file: label, field: name });
    return null;
  }
  if (!(c instanceof Float64Array)) throw new ArgumentError(`price column "${name}" must be a Float64Array`, { file: label, field: name });
  return c;
}

/** Median of the positive spacings of sorted times (the bar length), NaN if fewer than 2 bars. */
export function inferBarUs(time: ArrayLike<number>): number {
  const n = time.length;
  if (n < 2) return NaN;
  const d = new Float64Array(n - 1);
  let m = 0;
  for (let i = 1; i < n; i++) {
    const x = time[i] - time[i - 1];
    if (x > 0) d[m++] = x;
  }
  if (m === 0) return NaN;
  const s = d.subarray(0, m).sort();
  return s[(m - 1) >> 1];
}

/**
 * Validates and normalizes one price series: timestamp (strictly increasing open times, µs) and close required,
 * open optional; bar length `barUs` or the median spacing. Errors name the series (`label`) and the field.
 */
export function priceBars(p: PriceInput, label = "prices", barUs?: number): Bars {
  return toBars(p, label, barUs);
}

function toBars(p: PriceInput, label: string, barUs?: number): Bars {
  const time = getCol(p, "timestamp", label, true) as Float64Array;
  const close = getCol(p, "close", label, true) as Float64Array;
  const open = getCol(p, "open", label, false);
  if (close.length !== time.length || (open && open.length !== time.length)) {
    throw new ArgumentError(`price columns differ in length (timestamp ${time.length}, close ${close.length}${open ? `, open ${open.length}` : ""})`, { file: label, field: "close" });
  }
  if (time.length < 2) throw new ArgumentError(`price series has ${time.length} bars; need at least 2`, { file: label, field: "timestamp" });
  assertSorted(time, "timestamp", label);
  for (let i = 1; i < time.length; i++) {
    if (time[i] === time[i - 1]) throw new DataError(`two bars open at the same time ${time[i]} (rows ${i - 1} and ${i})`, { file: label, field: "timestamp" }, "deduplicate the bars first");
  }
  const b = barUs ?? inferBarUs(time);
  if (!(b > 0)) throw new ArgumentError(`bar length must be > 0 µs, got ${b}`, { file: label, field: "barUs" });
  return { time, open, close, barUs: b, label };
}

// ------------------------------------------------------------------------------------------------------------
// alignment and forward returns
// ------------------------------------------------------------------------------------------------------------

/** Signals that survived alignment, one row each (in input order). */
export interface AlignedSignals {
  /** Row of the input signals. */
  signalIndex: Int32Array;
  score: Float64Array;
  /** Publication time t, epoch µs. */
  signalTime: Float64Array;
  /** Price series key ("" for a single series). */
  asset: string[];
  /** Index of the entry bar in its series: the first bar with open time > t. */
  entryBar: Int32Array;
  /** Open time of the entry bar, epoch µs (> signalTime, always). */
  entryTime: Float64Array;
  /** Entry price: open of the entry bar (or the close of the bar before it when there is no open column). */
  entryPrice: Float64Array;
}

interface Prepared {
  aligned: AlignedSignals;
  seriesOf: Int32Array;
  series: Bars[];
  log: IssueLog;
  nSignals: number;
}

/**
 * Aligns signals to price bars with no look-ahead (see the file header): entry bar = first bar with open time
 * strictly after t, entry price = its open. Drops and counts what cannot be aligned. `prices` is one series or
 * a map asset → series (then `signals.asset` is required).
 */
export function alignSignals(signals: SignalInput, prices: PricesInput, opts: { minAbsScore?: number; barUs?: number; maxEntryDelayUs?: number } = {}): { aligned: AlignedSignals; dropped: LoadIssue[] } {
  const p = prepare(signals, prices, opts);
  return { aligned: p.aligned, dropped: p.log.issues };
}

function prepare(signals: SignalInput, prices: PricesInput, opts: { minAbsScore?: number; barUs?: number; maxEntryDelayUs?: number }): Prepared {
  const ts = signals.timestamp;
  const sc = signals.score;
  if (!(ts instanceof Float64Array) || !(sc instanceof Float64Array)) throw new ArgumentError("signals.timestamp and signals.score must be Float64Arrays", { field: "signals" });
  if (ts.length !== sc.length) throw new ArgumentError(`signals.timestamp has ${ts.length} rows, signals.score ${sc.length}`, { field: "signals.score" });
  if (signals.asset && signals.asset.length !== ts.length) throw new ArgumentError(`signals.asset has ${signals.asset.length} rows, signals.timestamp ${ts.length}`, { field: "signals.asset" });
  const minAbs = opts.minAbsScore ?? 0;
  const series: Bars[] = [];
  const keyIndex = new Map<string, number>();
  const single = isSingleSeries(prices);
  if (single) {
    series.push(toBars(prices as PriceInput, "prices", opts.barUs));
  } else {
    if (!signals.asset) throw new ArgumentError("prices is a map of series, so signals.asset is required", { field: "signals.asset" });
    const m = prices as { readonly [asset: string]: PriceInput };
    for (const k of Object.keys(m)) {
      keyIndex.set(k, series.length);
      series.push(toBars(m[k], `prices[${JSON.stringify(k)}]`, opts.barUs));
    }
  }
  const log = new IssueLog();
  const n = ts.length;
  // per-series entry bar via one search per series
  const entryIdx = new Int32Array(n).fill(-1);
  const seriesOfAll = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (single) seriesOfAll[i] = 0;
    else {
      const s = keyIndex.get((signals.asset as readonly string[])[i]);
      seriesOfAll[i] = s === undefined ? -1 : s;
    }
  }
  for (let s = 0; s < series.length; s++) {
    const found = searchSortedMany(series[s].time, ts, "right");
    for (let i = 0; i < n; i++) if (seriesOfAll[i] === s) entryIdx[i] = found[i];
  }
  const keep: number[] = [];
  const ePrice: number[] = [];
  for (let i = 0; i < n; i++) {
    const where = `signal ${i}`;
    const t = ts[i];
    const x = sc[i];
    if (t !== t) { log.add("nan-timestamp", "dropped", "signal timestamp is NaN", where); continue; }
    if (x !== x) { log.add("nan-score", "dropped", "signal score is NaN", where); continue; }
    if (Math.abs(x) < minAbs) { log.add("below-min-abs-score", "dropped", `|score| < minAbsScore (${minAbs})`, where); continue; }
    const s = seriesOfAll[i];
    if (s < 0) { log.add("unknown-asset", "dropped", "signal's asset has no price series", where); continue; }
    const b = series[s];
    const j = entryIdx[i];
    if (j >= b.time.length) { log.add("no-bar-after-signal", "dropped", "no bar opens after the signal (at or after the end of the price data)", where); continue; }
    const delay = opts.maxEntryDelayUs ?? b.barUs;
    if (b.time[j] - t > delay) { log.add("stale-entry", "dropped", `next bar opens more than ${delay} µs after the signal (gap or before the data)`, where); continue; }
    let price: number;
    if (b.open) price = b.open[j];
    else price = j > 0 && b.time[j - 1] + b.barUs === b.time[j] ? b.close[j - 1] : NaN;
    if (!(price > 0) || !Number.isFinite(price)) { log.add("no-entry-price", "dropped", "entry price missing, zero or not finite", where); continue; }
    keep.push(i);
    ePrice.push(price);
  }
  const m = keep.length;
  const aligned: AlignedSignals = {
    signalIndex: Int32Array.from(keep),
    score: new Float64Array(m),
    signalTime: new Float64Array(m),
    asset: new Array<string>(m),
    entryBar: new Int32Array(m),
    entryTime: new Float64Array(m),
    entryPrice: Float64Array.from(ePrice),
  };
  const seriesOf = new Int32Array(m);
  const names = single ? [""] : [...keyIndex.keys()];
  for (let r = 0; r < m; r++) {
    const i = keep[r];
    const s = seriesOfAll[i];
    seriesOf[r] = s;
    aligned.score[r] = sc[i];
    aligned.signalTime[r] = ts[i];
    aligned.asset[r] = names[s];
    aligned.entryBar[r] = entryIdx[i];
    aligned.entryTime[r] = series[s].time[entryIdx[i]];
  }
  return { aligned, seriesOf, series, log, nSignals: n };
}

function checkHorizons(horizons: readonly number[], series: Bars[]): void {
  if (!Array.isArray(horizons) || horizons.length === 0) throw new ArgumentError("horizons must be a non-empty array of µs", { field: "horizons" });
  for (const h of horizons) {
    for (const b of series) {
      const k = h / b.barUs;
      if (!(h > 0) || Math.abs(k - Math.round(k)) > 1e-9) {
        throw new ArgumentError(`horizon ${h} µs is not a positive multiple of the bar length ${b.barUs} µs`, { file: b.label, field: "horizons" });
      }
    }
  }
}

/** Index of the bar with open time exactly `t`, trying `guess` first; −1 if none. */
function barAt(b: Bars, t: number, guess: number): number {
  if (guess >= 0 && guess < b.time.length && b.time[guess] === t) return guess;
  const k = searchSorted(b.time, t, "left");
  return k < b.time.length && b.time[k] === t ? k : -1;
}

/**
 * Forward log returns of the aligned signals at horizon h: ln(close[k] / entryPrice), k the bar closing at
 * entryTime + h. NaN where that bar is past the data ("horizon-past-end"), missing ("gap-in-horizon") or has a
 * non-positive close ("bad-price"); counted in `log`.
 */
function forwardReturns(p: Prepared, h: number, log: IssueLog): Float64Array {
  const a = p.aligned;
  const m = a.score.length;
  const out = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const b = p.series[p.seriesOf[r]];
    const T = a.entryTime[r] + h - b.barUs;
    const where = `signal ${a.signalIndex[r]}`;
    if (T > b.time[b.time.length - 1]) { out[r] = NaN; log.add("horizon-past-end", "dropped", "forward window ends after the price data", where); continue; }
    const k = barAt(b, T, a.entryBar[r] + Math.round(h / b.barUs) - 1);
    if (k < 0) { out[r] = NaN; log.add("gap-in-horizon", "dropped", "the bar closing at entry + horizon is missing (gap in the bars)", where); continue; }
    const c = b.close[k];
    if (!(c > 0) || !Number.isFinite(c)) { out[r] = NaN; log.add("bad-price", "dropped", "exit close is missing, zero or not finite", where); continue; }
    out[r] = Math.log(c / a.entryPrice[r]);
  }
  return out;
}

/** Log return over the h before entry: ln(entryPrice / close of the bar ending at entryTime − h); NaN if unavailable. */
function pastReturns(p: Prepared, h: number): Float64Array {
  const a = p.aligned;
  const m = a.score.length;
  const out = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const b = p.series[p.seriesOf[r]];
    const k = barAt(b, a.entryTime[r] - h - b.barUs, a.entryBar[r] - Math.round(h / b.barUs) - 1);
    const c = k >= 0 ? b.close[k] : NaN;
    out[r] = c > 0 ? Math.log(a.entryPrice[r] / c) : NaN;
  }
  return out;
}

/**
 * Forward log returns with entry delayed by one bar: ln(close[k] / entry'), entry' = open of the bar opening at
 * entryTime + barUs (or the close of the entry bar when there is no open column), k the bar closing at
 * entryTime + barUs + h. NaN where a bar is missing or a price is not positive (a diagnostic: not counted).
 */
function delayedForwardReturns(p: Prepared, h: number): Float64Array {
  const a = p.aligned;
  const m = a.score.length;
  const out = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const b = p.series[p.seriesOf[r]];
    const e = barAt(b, a.entryTime[r] + b.barUs, a.entryBar[r] + 1);
    const k = barAt(b, a.entryTime[r] + h, a.entryBar[r] + Math.round(h / b.barUs));
    if (e < 0 || k < 0) { out[r] = NaN; continue; }
    const entry = b.open ? b.open[e] : b.close[e - 1];
    const c = b.close[k];
    out[r] = entry > 0 && c > 0 && Number.isFinite(entry) && Number.isFinite(c) ? Math.log(c / entry) : NaN;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------------
// statistics kernels (weights = bootstrap multiplicities; all ones for the full sample)
// ------------------------------------------------------------------------------------------------------------

/** Weighted Pearson correlation Σw(x−x̄)(y−ȳ)/√(Σw(x−x̄)²·Σw(y−ȳ)²) (two-pass); NaN if a variance is 0. */
export function weightedPearson(x: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): number {
  const n = x.length;
  let W = 0, sx = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    W += wi;
    sx += wi * x[i];
    sy += wi * y[i];
  }
  if (W === 0) return NaN;
  const mx = sx / W, my = sy / W;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    const dx = x[i] - mx, dy = y[i] - my;
    sxx += wi * dx * dx;
    syy += wi * dy * dy;
    sxy += wi * dx * dy;
  }
  if (sxx <= 0 || syy <= 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ascending order of `v` (stable). */
function argsortAsc(v: Float64Array): Int32Array {
  const idx = new Int32Array(v.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => v[a] - v[b] || a - b);
  return idx;
}

/**
 * Average ranks (1-based, ties share their mean rank) of `v` in the sample where row i appears w[i] times,
 * written to `out`: for a tie group starting after P weighted rows with total weight C, rank = P + (C + 1)/2.
 * `order` is the ascending order of v. O(n).
 */
function weightedRanks(v: Float64Array, order: Int32Array, w: ArrayLike<number> | null, out: Float64Array): void {
  const n = order.length;
  let pos = 0;
  let g = 0;
  while (g < n) {
    const val = v[order[g]];
    let e = g;
    let C = 0;
    while (e < n && v[order[e]] === val) {
      C += w ? w[order[e]] : 1;
      e++;
    }
    const r = pos + (C + 1) / 2;
    for (let k = g; k < e; k++) out[order[k]] = r;
    pos += C;
    g = e;
  }
}

/** Spearman rank correlation (Pearson of average ranks); NaN when either side is constant. */
export function spearman(x: Float64Array, y: Float64Array): number {
  const rx = new Float64Array(x.length), ry = new Float64Array(y.length);
  weightedRanks(x, argsortAsc(x), null, rx);
  weightedRanks(y, argsortAsc(y), null, ry);
  return weightedPearson(rx, ry);
}


/** Wilson (1927) score interval for a binomial proportion k/n at `level`. */
export function wilsonInterval(k: number, n: number, level = 0.95): [number, number] {
  if (n <= 0) return [NaN, NaN];
  const z = normalQuantile(0.5 + level / 2);
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const c = (p + z2 / (2 * n)) / den;
  const h = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** Exact two-sided binomial test of k successes in n against p = ½: 2·min(P(X ≤ k), P(X ≥ k)), capped at 1. */
export function binomialTestHalf(k: number, n: number): number {
  if (n <= 0) return NaN;
  const upper = k <= 0 ? 1 : incompleteBeta(0.5, k, n - k + 1); // P(X ≥ k)
  const lower = k >= n ? 1 : incompleteBeta(0.5, n - k, k + 1); // P(X ≤ k)
  return Math.min(1, 2 * Math.min(upper, lower));
}

/** Percentile interval of the finite values of `reps` at `level`; [NaN, NaN] if fewer than 2. */
function percentileCi(reps: Float64Array, level: number): [number, number] {
  let m = 0;
  const v = new Float64Array(reps.length);
  for (let i = 0; i < reps.length; i++) if (Number.isFinite(reps[i])) v[m++] = reps[i];
  if (m < 2) return [NaN, NaN];
  const s = v.subarray(0, m).sort();
  const a = (1 - level) / 2;
  return [sortedQuantile(s, a), sortedQuantile(s, 1 - a)];
}

/** Compact cluster ids of rows by time block (CSR layout: rows of cluster c are members[start[c] .. start[c+1]). */
function clusters(times: Float64Array, block: "day" | "none" | number): { k: number; start: Int32Array; members: Int32Array } {
  const n = times.length;
  const id = new Int32Array(n);
  let k = 0;
  if (block === "none") {
    for (let i = 0; i < n; i++) id[i] = i;
    k = n;
  } else {
    const len = block === "day" ? 86_400e6 : block;
    if (!(len > 0)) throw new ArgumentError(`bootstrap block must be "day", "none" or a positive µs length, got ${block}`, { field: "bootstrap.block" });
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = Math.floor(times[i] / len);
      let c = map.get(key);
      if (c === undefined) {
        c = k++;
        map.set(key, c);
      }
      id[i] = c;
    }
  }
  const start = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) start[id[i] + 1]++;
  for (let c = 0; c < k; c++) start[c + 1] += start[c];
  const fill = start.slice(0, k);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[id[i]]++] = i;
  return { k, start, members };
}

/** Fills `w` with one (cluster) bootstrap draw: k clusters drawn with replacement, each adding 1 to its rows. */
function drawWeights(cl: { k: number; start: Int32Array; members: Int32Array }, rng: { int(n: number): number }, w: Float64Array): void {
  w.fill(0);
  for (let d = 0; d < cl.k; d++) {
    const c = rng.int(cl.k);
    for (let q = cl.start[c]; q < cl.start[c + 1]; q++) w[cl.members[q]]++;
  }
}

interface BootSettings {
  n: number;
  seed: number;
  block: "day" | "none" | number;
  level: number;
}

function bootSettings(b: BootstrapOptions | undefined): BootSettings {
  const s: BootSettings = { n: b?.n ?? 1000, seed: b?.seed ?? 1, block: b?.block ?? "day", level: b?.level ?? 0.95 };
  if (!(s.n >= 0) || !Number.isInteger(s.n)) throw new ArgumentError(`bootstrap.n must be a non-negative integer, got ${s.n}`, { field: "bootstrap.n" });
  if (!(s.level > 0 && s.level < 1)) throw new ArgumentError(`bootstrap.level must be in (0, 1), got ${s.level}`, { field: "bootstrap.level" });
  return s;
}

// ------------------------------------------------------------------------------------------------------------
// per-horizon statistics
// ------------------------------------------------------------------------------------------------------------

/** Results at one horizon. Intervals are [lo, hi] at the bootstrap level. */
export interface HorizonStats {
  horizonUs: number;
  /** Signals with a forward return at this horizon. */
  n: number;
  /** Number of resampling clusters (days by default). */
  clusters: number;
  /** Mean forward log return. */
  meanReturn: number;
  /** Pearson IC and its bootstrap percentile interval. */
  ic: number;
  icCi: [number, number];
  /** Spearman rank IC and its interval. */
  rankIc: number;
  rankIcCi: [number, number];
  /** Fraction of rows with sign(score) = sign(return) among rows where both are non-zero. */
  hitRate: number;
  /** Rows counted by the hit rate. */
  hitN: number;
  /** Wilson interval (treats rows as independent: optimistic under clustering; compare `hitBootCi`). */
  hitCi: [number, number];
  /** Cluster-bootstrap percentile interval of the hit rate. */
  hitBootCi: [number, number];
  /** Exact two-sided binomial p-value of the hit rate against ½ (independence assumed). */
  hitP: number;
  /** Mean forward return by score quantile bucket (0 = lowest scores); NaN for an empty bucket. */
  quantileMean: Float64Array;
  quantileCount: Int32Array;
  /** Mean score by bucket. */
  quantileScore: Float64Array;
  /** Top-bucket minus bottom-bucket mean forward return, and its bootstrap interval. */
  spread: number;
  spreadCi: [number, number];
  /** Rank IC of the score with the log return over the h **before** entry (reaction, not prediction). */
  pastRankIc: number;
  /**
   * Rank IC of the score with the forward return at the same horizon but entry delayed by one bar (look-ahead
   * detector input, see `LOOK_AHEAD_MIN_RANK_IC`); NaN when fewer than 3 rows have a delayed return.
   */
  delayedRankIc: number;
  /** Rank IC of |score| with |forward return| (does news predict volatility?). */
  absRankIc: number;
}

/** Result of `signalStudy`. */
export interface SignalStudyResult {
  /** Input signals. */
  nSignals: number;
  /** Signals aligned to an entry bar. */
  nAligned: number;
  aligned: AlignedSignals;
  horizonsUs: number[];
  /** Forward log returns by horizon, one per aligned row (NaN where dropped at that horizon). */
  forward: Float64Array[];
  byHorizon: HorizonStats[];
  /** Convenience arrays by horizon. */
  ic: Float64Array;
  rankIc: Float64Array;
  hitRate: Float64Array;
  spread: Float64Array;
  ci: { ic: [number, number][]; rankIc: [number, number][]; hitRate: [number, number][]; spread: [number, number][] };
  /** Alignment drops, then per-horizon drops (kinds prefixed "h<index>:"). */
  dropped: LoadIssue[];
  bootstrap: BootSettings;
  /**
   * True when the look-ahead detector fires at the shortest horizon (|rankIc| ≥ 0.5, |rankIc|·√(n − 1) ≥ 4 and
   * |delayedRankIc| < |rankIc| / 3, see `LOOK_AHEAD_MIN_RANK_IC`); only ever true in a result when `allowSuspectedLookAhead` is set
   * (otherwise `signalStudy` throws).
   */
  lookAheadSuspected: boolean;
}

function subset(v: Float64Array, rows: Int32Array): Float64Array {
  const o = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) o[i] = v[rows[i]];
  return o;
}

function finiteRows(...cols: Float64Array[]): Int32Array {
  const n = cols[0].length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const c of cols) if (!Number.isFinite(c[i])) ok = false;
    if (ok) out.push(i);
  }
  return Int32Array.from(out);
}

function hitStat(x: Float64Array, y: Float64Array, w: ArrayLike<number> | null): { hits: number; n: number } {
  let hits = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0 || x[i] === 0 || y[i] === 0) continue;
    n += wi;
    if ((x[i] > 0) === (y[i] > 0)) hits += wi;
  }
  return { hits, n };
}

function bucketMeans(y: Float64Array, bucket: Int32Array, q: number, w: ArrayLike<number> | null, sum: Float64Array, cnt: Float64Array): void {
  sum.fill(0);
  cnt.fill(0);
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    sum[bucket[i]] += wi * y[i];
    cnt[bucket[i]] += wi;
  }
  for (let b = 0; b < q; b++) sum[b] = cnt[b] > 0 ? sum[b] / cnt[b] : NaN;
}

/**
 * Score quantile bucket of each row: b = ⌊(rank − ½)·q / n⌋ with average ranks, so tied scores share a bucket
 * (buckets can be uneven when many scores tie, e.g. lexicon zeros).
 */
export function quantileBuckets(score: Float64Array, q: number): Int32Array {
  const n = score.length;
  const r = new Float64Array(n);
  weightedRanks(score, argsortAsc(score), null, r);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(q - 1, Math.max(0, Math.floor(((r[i] - 0.5) * q) / n)));
  return out;
}

function horizonStats(x: Float64Array, y: Float64Array, times: Float64Array, past: Float64Array, h: number, q: number, boot: BootSettings, seedKey: number, delayed?: Float64Array): HorizonStats {
  const n = x.length;
  const cl = clusters(times, boot.block);
  const nanCi: [number, number] = [NaN, NaN];
  const ox = argsortAsc(x), oy = argsortAsc(y);
  const rx = new Float64Array(n), ry = new Float64Array(n);
  weightedRanks(x, ox, null, rx);
  weightedRanks(y, oy, null, ry);
  const ic = n >= 3 ? weightedPearson(x, y) : NaN;
  const rankIc = n >= 3 ? weightedPearson(rx, ry) : NaN;
  const hs = hitStat(x, y, null);
  const bucket = quantileBuckets(x, q);
  const qs = new Float64Array(q), qc = new Float64Array(q);
  bucketMeans(y, bucket, q, null, qs, qc);
  const qScore = new Float64Array(q), tmp = new Float64Array(q);
  bucketMeans(x, bucket, q, null, qScore, tmp);
  const spread = qs[q - 1] - qs[0];
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean = n ? mean / n : NaN;
  // past and abs diagnostics
  const pr = finiteRows(past);
  const pastRankIc = pr.length >= 3 ? spearman(subset(x, pr), subset(past, pr)) : NaN;
  const dr = delayed ? finiteRows(delayed) : new Int32Array(0);
  const delayedRankIc = delayed && dr.length >= 3 ? spearman(subset(x, dr), subset(delayed, dr)) : NaN;
  const ax = new Float64Array(n), ay = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ax[i] = Math.abs(x[i]);
    ay[i] = Math.abs(y[i]);
  }
  const absRankIc = n >= 3 ? spearman(ax, ay) : NaN;
  let icCi = nanCi, rankIcCi = nanCi, hitBootCi = nanCi, spreadCi = nanCi;
  if (boot.n > 0 && n >= 3) {
    const rng = createRng(deriveSeed(boot.seed, seedKey));
    const w = new Float64Array(n);
    const rIc = new Float64Array(boot.n), rRank = new Float64Array(boot.n), rHit = new Float64Array(boot.n), rSpread = new Float64Array(boot.n);
    const wrx = new Float64Array(n), wry = new Float64Array(n);
    const bs = new Float64Array(q), bc = new Float64Array(q);
    for (let b = 0; b < boot.n; b++) {
      drawWeights(cl, rng, w);
      rIc[b] = weightedPearson(x, y, w);
      weightedRanks(x, ox, w, wrx);
      weightedRanks(y, oy, w, wry);
      rRank[b] = weightedPearson(wrx, wry, w);
      const hb = hitStat(x, y, w);
      rHit[b] = hb.n > 0 ? hb.hits / hb.n : NaN;
      bucketMeans(y, bucket, q, w, bs, bc);
      rSpread[b] = bs[q - 1] - bs[0];
    }
    icCi = percentileCi(rIc, boot.level);
    rankIcCi = percentileCi(rRank, boot.level);
    hitBootCi = percentileCi(rHit, boot.level);
    spreadCi = percentileCi(rSpread, boot.level);
  }
  return {
    horizonUs: h,
    n,
    clusters: cl.k,
    meanReturn: mean,
    ic,
    icCi,
    rankIc,
    rankIcCi,
    hitRate: hs.n > 0 ? hs.hits / hs.n : NaN,
    hitN: hs.n,
    hitCi: wilsonInterval(hs.hits, hs.n, boot.level),
    hitBootCi,
    hitP: binomialTestHalf(hs.hits, hs.n),
    quantileMean: qs,
    quantileCount: Int32Array.from(qc),
    quantileScore: qScore,
    spread,
    spreadCi,
    pastRankIc,
    delayedRankIc,
    absRankIc,
  };
}

/**
 * The signal study (issue 7): aligns signals to bars with no look-ahead (file header), computes forward log
 * returns at each horizon, and per horizon the IC (Pearson), rank IC (Spearman), hit rate (sign agreement,
 * zeros excluded, Wilson and bootstrap intervals, exact binomial p), mean forward return by score quantile and
 * the top − bottom spread, with seeded (cluster) bootstrap percentile intervals. Returns are log returns
 * (dimensionless); horizons and times are µs. Drops are counted in `dropped`, never silent.
 * Look-ahead detector: throws a DataError (field "score") when the shortest horizon has |rankIc| ≥ 0.5 (and
 * significant: |rankIc|·√(n − 1) ≥ 4) and the rank IC with entry delayed by one bar is below a third of it (a score built from the next bar's return; see
 * `LOOK_AHEAD_MIN_RANK_IC`), unless `opts.allowSuspectedLookAhead` (then `lookAheadSuspected` reports it).
 * @param signals publication times (epoch µs) and scores (any scale; sign = direction)
 * @param prices one bar series (CandleFrame or {timestamp, close, open?}) or a map asset → series
 */
export function signalStudy(signals: SignalInput, prices: PricesInput, opts: SignalStudyOptions): SignalStudyResult {
  const p = prepare(signals, prices, opts);
  checkHorizons(opts.horizons, p.series);
  const q = opts.quantiles ?? 5;
  if (!Number.isInteger(q) || q < 2) throw new ArgumentError(`quantiles must be an integer ≥ 2, got ${q}`, { field: "quantiles" });
  const boot = bootSettings(opts.bootstrap);
  const forward: Float64Array[] = [];
  const byHorizon: HorizonStats[] = [];
  const issues: LoadIssue[] = [...p.log.issues];
  opts.horizons.forEach((h, hi) => {
    const log = new IssueLog();
    const fwd = forwardReturns(p, h, log);
    forward.push(fwd);
    for (const it of log.issues) issues.push({ ...it, kind: `h${hi}:${it.kind}` });
    const rows = finiteRows(fwd);
    const past = pastReturns(p, h);
    const delayed = delayedForwardReturns(p, h);
    byHorizon.push(horizonStats(subset(p.aligned.score, rows), subset(fwd, rows), subset(p.aligned.entryTime, rows), subset(past, rows), h, q, boot, hi, subset(delayed, rows)));
  });
  let shortest = 0;
  for (let i = 1; i < opts.horizons.length; i++) if (opts.horizons[i] < opts.horizons[shortest]) shortest = i;
  const hs = byHorizon[shortest];
  const lookAheadSuspected =
    Math.abs(hs.rankIc) >= LOOK_AHEAD_MIN_RANK_IC &&
    Math.abs(hs.rankIc) * Math.sqrt(hs.n - 1) >= LOOK_AHEAD_MIN_Z &&
    Math.abs(hs.delayedRankIc) < Math.abs(hs.rankIc) / LOOK_AHEAD_DECAY;
  if (lookAheadSuspected && opts.allowSuspectedLookAhead !== true) {
    throw new DataError(
      `look-ahead suspected: rank IC ${hs.rankIc.toFixed(3)} at the shortest horizon (${hs.horizonUs} µs) falls to ${hs.delayedRankIc.toFixed(3)} when entry is delayed by one bar`,
      { file: "signals", field: "score" },
      "a genuine news signal neither has so large an IC nor loses it in one bar: check that the score uses no information dated after its timestamp (e.g. a return ending after t); pass allowSuspectedLookAhead: true to report instead of throwing",
    );
  }
  return {
    nSignals: p.nSignals,
    nAligned: p.aligned.score.length,
    aligned: p.aligned,
    horizonsUs: [...opts.horizons],
    forward,
    byHorizon,
    ic: Float64Array.from(byHorizon, (s) => s.ic),
    rankIc: Float64Array.from(byHorizon, (s) => s.rankIc),
    hitRate: Float64Array.from(byHorizon, (s) => s.hitRate),
    spread: Float64Array.from(byHorizon, (s) => s.spread),
    ci: {
      ic: byHorizon.map((s) => s.icCi),
      rankIc: byHorizon.map((s) => s.rankIcCi),
      hitRate: byHorizon.map((s) => s.hitBootCi),
      spread: byHorizon.map((s) => s.spreadCi),
    },
    dropped: issues,
    bootstrap: boot,
    lookAheadSuspected,
  };
}

/** Per-horizon result of `sentimentVsAbsReturns`. */
export interface AbsReturnStats {
  horizonUs: number;
  n: number;
  /** Pearson and Spearman correlation of |score| with |forward log return|, with bootstrap intervals. */
  ic: number;
  icCi: [number, number];
  rankIc: number;
  rankIcCi: [number, number];
}

/**
 * Does news predict volatility rather than direction? Correlation (Pearson and Spearman, with the same seeded
 * cluster-bootstrap intervals as `signalStudy`) of |score| with |forward log return| at each horizon, using the
 * same look-ahead-free alignment.
 */
export function sentimentVsAbsReturns(signals: SignalInput, prices: PricesInput, opts: SignalStudyOptions): { horizonsUs: number[]; byHorizon: AbsReturnStats[]; dropped: LoadIssue[] } {
  const p = prepare(signals, prices, opts);
  checkHorizons(opts.horizons, p.series);
  const boot = bootSettings(opts.bootstrap);
  const issues: LoadIssue[] = [...p.log.issues];
  const byHorizon = opts.horizons.map((h, hi) => {
    const log = new IssueLog();
    const fwd = forwardReturns(p, h, log);
    for (const it of log.issues) issues.push({ ...it, kind: `h${hi}:${it.kind}` });
    const rows = finiteRows(fwd);
    const x = subset(p.aligned.score, rows), y = subset(fwd, rows);
    for (let i = 0; i < x.length; i++) {
      x[i] = Math.abs(x[i]);
      y[i] = Math.abs(y[i]);
    }
    const s = horizonStats(x, y, subset(p.aligned.entryTime, rows), new Float64Array(rows.length).fill(NaN), h, 2, boot, hi);
    return { horizonUs: h, n: s.n, ic: s.ic, icCi: s.icCi, rankIc: s.rankIc, rankIcCi: s.rankIcCi };
  });
  return { horizonsUs: [...opts.horizons], byHorizon, dropped: issues };
}

// ------------------------------------------------------------------------------------------------------------
// bar series helpers and lead-lag
// ------------------------------------------------------------------------------------------------------------

/**
 * Log close-to-close returns per bar: r[b] = ln(close[b] / close[b−1]); NaN for bar 0 and across a gap
 * (open times more than one bar apart). Units: log return per bar.
 */
export function barLogReturns(prices: PriceInput, barUs?: number): Float64Array {
  const b = toBars(prices, "prices", barUs);
  const n = b.time.length;
  const r = new Float64Array(n);
  r[0] = NaN;
  for (let i = 1; i < n; i++) {
    const ok = b.time[i] - b.time[i - 1] === b.barUs && b.close[i] > 0 && b.close[i - 1] > 0;
    r[i] = ok ? Math.log(b.close[i] / b.close[i - 1]) : NaN;
  }
  return r;
}

/**
 * Aggregates signals onto bars: signal at t goes to bar b with timestamp[b] ≤ t < timestamp[b] + barUs, i.e. the
 * bar **during** which it was published (so it is known at that bar's close; lag 0 against that bar's return is
 * contemporaneous, not tradable). `how`: "mean" (NaN for a bar with no signal), "sum" or "count" (0 for none).
 * Signals outside every bar or with NaN fields are ignored (count them by comparing the counts' total).
 */
export function aggregateToBars(signals: { timestamp: Float64Array; score: Float64Array }, barTimes: Float64Array, barUs: number, how: "mean" | "sum" | "count" = "mean"): Float64Array {
  if (signals.timestamp.length !== signals.score.length) throw new ArgumentError("signals.timestamp and signals.score differ in length", { field: "signals.score" });
  if (!(barUs > 0)) throw new ArgumentError(`barUs must be > 0, got ${barUs}`, { field: "barUs" });
  assertSorted(barTimes, "timestamp", "barTimes");
  const n = barTimes.length;
  const sum = new Float64Array(n), cnt = new Float64Array(n);
  const pos = searchSortedMany(barTimes, signals.timestamp, "right");
  for (let i = 0; i < pos.length; i++) {
    const b = pos[i] - 1;
    const t = signals.timestamp[i], s = signals.score[i];
    if (b < 0 || t !== t || s !== s || t >= barTimes[b] + barUs) continue;
    sum[b] += s;
    cnt[b]++;
  }
  if (how === "count") return cnt;
  if (how === "sum") return sum;
  for (let b = 0; b < n; b++) sum[b] = cnt[b] > 0 ? sum[b] / cnt[b] : NaN;
  return sum;
}

/** Result of `leadLag`. */
export interface LeadLagResult {
  /** −maxLag … maxLag. Positive lag ℓ pairs the signal at bar t with the return at bar t + ℓ (signal leads). */
  lags: Int32Array;
  corr: Float64Array;
  /** Pairs with both values finite, per lag. */
  n: Int32Array;
  /** ±1.96/√n: the approximate 95 % band of a zero correlation under independence (Bartlett, white noise). */
  band: Float64Array;
  /** Lag with the largest |corr|. */
  peakLag: number;
}

/**
 * Cross-correlation of a per-bar signal with per-bar returns at lags −L..L: corr(s_t, r_{t+ℓ}) over pairs with
 * both finite (Pearson). ℓ > 0: the signal leads; ℓ < 0: returns lead the signal (news reacting to prices);
 * ℓ = 0 is contemporaneous. Bands ±1.96/√n assume white noise (Box & Jenkins); serially correlated series
 * (e.g. a rolling mean of sentiment) need wider bands.
 */
export function leadLag(signal: ArrayLike<number>, returns: ArrayLike<number>, maxLag: number): LeadLagResult {
  const N = signal.length;
  if (returns.length !== N) throw new ArgumentError(`signal has ${N} bars, returns ${returns.length}`, { field: "returns" });
  if (!Number.isInteger(maxLag) || maxLag < 0) throw new ArgumentError(`maxLag must be a non-negative integer, got ${maxLag}`, { field: "maxLag" });
  const L = 2 * maxLag + 1;
  const lags = new Int32Array(L), corr = new Float64Array(L), nn = new Int32Array(L), band = new Float64Array(L);
  const xs = new Float64Array(N), ys = new Float64Array(N);
  let peak = 0, best = -1;
  for (let k = 0; k < L; k++) {
    const lag = k - maxLag;
    let m = 0;
    for (let t = 0; t < N; t++) {
      const u = t + lag;
      if (u < 0 || u >= N) continue;
      const a = signal[t], b = returns[u];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      xs[m] = a;
      ys[m] = b;
      m++;
    }
    lags[k] = lag;
    nn[k] = m;
    corr[k] = m >= 3 ? weightedPearson(xs.subarray(0, m), ys.subarray(0, m)) : NaN;
    band[k] = m > 0 ? 1.96 / Math.sqrt(m) : NaN;
    if (Math.abs(corr[k]) > best) {
      best = Math.abs(corr[k]);
      peak = lag;
    }
  }
  return { lags, corr, n: nn, band, peakLag: peak };
}

// ------------------------------------------------------------------------------------------------------------
// scorer comparison
// ------------------------------------------------------------------------------------------------------------

/** Result of `compareScorers`. Matrices are indexed [i][j] in `names` order. */
export interface ScorerComparison {
  names: string[];
  /** Rows where each scorer's score is finite. */
  coverage: number[];
  /** Rows where both are finite. */
  pairN: number[][];
  pearson: number[][];
  spearman: number[][];
  /** Fraction of rows where the 3-class labels (classifyScore with the neutral band) agree. */
  classAgreement: number[][];
  /** Among rows where both are non-neutral, the fraction with the same sign. */
  signAgreement: number[][];
  /** Agreement of each scorer with `labels` (rows with a finite score), when labels are given. */
  vsLabels?: { [name: string]: ClassAgreement };
}

/**
 * Agreement table of several scorers on the same rows (e.g. LLM vs lexicon vs the dataset's polarity): pairwise
 * Pearson and Spearman correlation, 3-class agreement and sign agreement (after `classifyScore` with a neutral
 * band, default 0 = sign), over rows where both are finite (NaN = not scored / failed). With `labels`
 * (positive/neutral/negative strings or −1/0/1), each scorer's accuracy, macro-F1 and confusion against them.
 */
export function compareScorers(scoresByScorer: { readonly [name: string]: Float64Array }, labels?: readonly (string | number)[] | Float64Array, opts: { neutralBand?: number | { readonly [name: string]: number } } = {}): ScorerComparison {
  const names = Object.keys(scoresByScorer);
  if (names.length === 0) throw new ArgumentError("no scorers given", { field: "scoresByScorer" });
  const n = scoresByScorer[names[0]].length;
  for (const nm of names) {
    if (!(scoresByScorer[nm] instanceof Float64Array)) throw new ArgumentError(`scores of "${nm}" must be a Float64Array`, { field: nm });
    if (scoresByScorer[nm].length !== n) throw new ArgumentError(`scorer "${nm}" has ${scoresByScorer[nm].length} rows, "${names[0]}" has ${n}`, { field: nm });
  }
  if (labels && labels.length !== n) throw new ArgumentError(`labels have ${labels.length} rows, scores ${n}`, { field: "labels" });
  const band = (nm: string): number => (typeof opts.neutralBand === "number" ? opts.neutralBand : opts.neutralBand?.[nm] ?? 0);
  const cls = names.map((nm) => Int8Array.from(scoresByScorer[nm], (s) => classifyScore(s, band(nm))));
  const k = names.length;
  const mk = (): number[][] => Array.from({ length: k }, () => new Array<number>(k).fill(NaN));
  const pairN = mk(), pear = mk(), spear = mk(), cAg = mk(), sAg = mk();
  const coverage = names.map((nm) => finiteRows(scoresByScorer[nm]).length);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const a = scoresByScorer[names[i]], b = scoresByScorer[names[j]];
      const rows = finiteRows(a, b);
      const xa = subset(a, rows), xb = subset(b, rows);
      let same = 0, nonNeutral = 0, sameSign = 0;
      for (const r of rows) {
        const ca = cls[i][r], cb = cls[j][r];
        if (ca === cb) same++;
        if (ca !== 0 && cb !== 0) {
          nonNeutral++;
          if (ca === cb) sameSign++;
        }
      }
      const vals: [number[][], number][] = [
        [pairN, rows.length],
        [pear, rows.length >= 3 ? weightedPearson(xa, xb) : NaN],
        [spear, rows.length >= 3 ? spearman(xa, xb) : NaN],
        [cAg, rows.length ? same / rows.length : NaN],
        [sAg, nonNeutral ? sameSign / nonNeutral : NaN],
      ];
      for (const [m, v] of vals) {
        m[i][j] = v;
        m[j][i] = v;
      }
    }
  }
  const out: ScorerComparison = { names, coverage, pairN, pearson: pear, spearman: spear, classAgreement: cAg, signAgreement: sAg };
  if (labels) {
    const truth = new Int8Array(n);
    for (let r = 0; r < n; r++) truth[r] = labelToClass(labels[r] as string | number, r);
    out.vsLabels = {};
    names.forEach((nm, i) => {
      const rows = finiteRows(scoresByScorer[nm]);
      const pr = new Int8Array(rows.length), tr = new Int8Array(rows.length);
      rows.forEach((r, q) => {
        pr[q] = cls[i][r];
        tr[q] = truth[r];
      });
      (out.vsLabels as { [name: string]: ClassAgreement })[nm] = classAgreement(pr, tr);
    });
  }
  return out;
}
