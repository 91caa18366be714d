/**
 * Amihud (2002) illiquidity: the average absolute return per unit of traded value,
 *
 *     ILLIQ = scale · (1/D) Σ_d |R_d| / DVOL_d,
 *
 * with R_d the simple close-to-close return of period d, R_d = C_d / C_{d−1} − 1, and DVOL_d the period's
 * traded value in the **quote** currency (USDT for BTCUSDT). The paper uses daily data, annual averages per stock
 * and scale 10^6 (DVOL in dollars), so ILLIQ reads "absolute % price move per million traded, /100".
 * Reference: Amihud, Y. (2002), "Illiquidity and stock returns: cross-section and time-series effects",
 * Journal of Financial Markets 5, 31–56.
 *
 * Conventions (all explicit, all counted):
 * - A period without a return is excluded and counted in `excludedNoReturn`: the first period, a period whose
 *   close or previous close is NaN. This check comes first: such a period is never also counted as zero-volume.
 * - A period with a return but quote volume 0 or NaN is excluded and counted in `excludedZeroVolume`
 *   (|R|/0 would be infinite; it is never averaged). With `minVolume` > 0, a period with 0 < DVOL < minVolume
 *   is excluded and counted in `excludedLowVolume` (the robust variant's volume filter).
 * - The return of a period uses the previous row's close, whatever its time: gaps in the candle series
 *   (exchange outages) make that return span the gap. Rows must be in time order.
 * - Bad input throws: a non-positive or infinite close, or a negative or infinite volume → DataError naming the
 *   field and the 0-based row; arrays of different lengths or bad options → ArgumentError.
 * - Units: the value is in (return per quote-currency unit) × scale. With the default scale 1e6 and USDT volume,
 *   1.0 means a 1 % move (0.01) per 10,000 USDT, i.e. 0.01 / 1e4 · 1e6.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame, sortedQuantile } from "../frame/frame";
import { rollingMean } from "../frame/rolling";
import { assertSorted } from "../frame/search";

/** Options of `amihud` and its variants. */
export interface AmihudOptions {
  /** Multiplier of the mean ratio; default 1e6 (Amihud 2002's scale, volume in currency units). */
  scale?: number;
  /**
   * Robust variant: periods whose quote volume is below this are excluded (counted in `excludedLowVolume`).
   * Default 0: only zero / NaN volume is excluded.
   */
  minVolume?: number;
  /**
   * Robust variant: clip the used ratios to their own [lo, hi] quantiles (type 7, linear interpolation, as numpy's
   * default) before averaging, e.g. [0.01, 0.99]. Default: no winsorizing. The series is returned unclipped.
   */
  winsorize?: readonly [number, number];
}

/** Result of `amihud`. */
export interface AmihudResult {
  /** scale · mean of the used (possibly winsorized) ratios |R_d| / DVOL_d; NaN when no period is usable. */
  value: number;
  /** Number of periods averaged. */
  used: number;
  /** Periods without a return (first period, NaN close or NaN previous close). */
  excludedNoReturn: number;
  /** Periods with a return but quote volume 0 or NaN. */
  excludedZeroVolume: number;
  /** Periods with 0 < quote volume < minVolume (0 unless `minVolume` is set). */
  excludedLowVolume: number;
  /** Ratios raised to the lower winsorizing bound (0 unless `winsorize` is set). */
  winsorizedLow: number;
  /** Ratios lowered to the upper winsorizing bound. */
  winsorizedHigh: number;
  /** The winsorizing bounds, on the scaled ratio (null unless `winsorize` is set). */
  bounds: [number, number] | null;
  /** Per-period scale · |R_d| / DVOL_d (row-aligned with the input, NaN where excluded, not winsorized). */
  series: Float64Array;
  /** The scale used. */
  scale: number;
}

interface RatioKernel {
  series: Float64Array;
  noReturn: Uint8Array;
  zeroVolume: Uint8Array;
  lowVolume: Uint8Array;
}

function checkOptions(opts: AmihudOptions): { scale: number; minVolume: number } {
  const scale = opts.scale ?? 1e6;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new ArgumentError(`scale must be a finite number > 0, got ${scale}`, { field: "scale" });
  const minVolume = opts.minVolume ?? 0;
  if (!(minVolume >= 0) || !Number.isFinite(minVolume)) {
    throw new ArgumentError(`minVolume must be a finite number >= 0, got ${minVolume}`, { field: "minVolume" });
  }
  if (opts.winsorize !== undefined) {
    const w = opts.winsorize;
    if (w.length !== 2 || !(w[0] >= 0) || !(w[1] <= 1) || !(w[0] < w[1])) {
      throw new ArgumentError(`winsorize must be [lo, hi] quantiles with 0 <= lo < hi <= 1, got [${w.join(", ")}]`, { field: "winsorize" });
    }
  }
  return { scale, minVolume };
}

/**
 * The per-period ratios and the reason each excluded period was excluded (one flag array per reason).
 * Throws DataError on a non-positive / infinite close or a negative / infinite volume.
 */
function ratioKernel(close: ArrayLike<number>, quoteVolume: ArrayLike<number>, scale: number, minVolume: number): RatioKernel {
  const n = close.length;
  if (quoteVolume.length !== n) {
    throw new ArgumentError(`close has ${n} rows but quoteVolume has ${quoteVolume.length}`, { field: "quoteVolume" });
  }
  const series = new Float64Array(n);
  const noReturn = new Uint8Array(n);
  const zeroVolume = new Uint8Array(n);
  const lowVolume = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = close[i];
    if (c === c && !(c > 0 && c < Infinity)) {
      throw new DataError(`close must be a finite price > 0 (row ${i} is ${c})`, { field: "close" });
    }
    const v = quoteVolume[i];
    if (v === v && !(v >= 0 && v < Infinity)) {
      throw new DataError(`quote volume must be finite and >= 0 (row ${i} is ${v})`, { field: "quoteVolume" });
    }
    const c0 = i > 0 ? close[i - 1] : NaN;
    series[i] = NaN;
    if (c !== c || c0 !== c0) {
      noReturn[i] = 1;
    } else if (v !== v || v === 0) {
      zeroVolume[i] = 1;
    } else if (v < minVolume) {
      lowVolume[i] = 1;
    } else {
      series[i] = (scale * Math.abs(c / c0 - 1)) / v;
    }
  }
  return { series, noReturn, zeroVolume, lowVolume };
}

/** Mean of the finite values of series[lo, hi), optionally winsorized at quantiles of those values. */
function summarize(
  k: RatioKernel,
  lo: number,
  hi: number,
  winsorize: readonly [number, number] | undefined,
): Omit<AmihudResult, "series" | "scale"> {
  let used = 0;
  let nr = 0;
  let zv = 0;
  let lv = 0;
  for (let i = lo; i < hi; i++) {
    if (k.noReturn[i]) nr++;
    else if (k.zeroVolume[i]) zv++;
    else if (k.lowVolume[i]) lv++;
    else used++;
  }
  const vals = new Float64Array(used);
  let j = 0;
  for (let i = lo; i < hi; i++) {
    const r = k.series[i];
    if (r === r) vals[j++] = r;
  }
  let wl = 0;
  let wh = 0;
  let bounds: [number, number] | null = null;
  if (winsorize !== undefined && used > 0) {
    const sorted = Float64Array.from(vals).sort();
    const qlo = sortedQuantile(sorted, winsorize[0]);
    const qhi = sortedQuantile(sorted, winsorize[1]);
    bounds = [qlo, qhi];
    for (let i = 0; i < used; i++) {
      if (vals[i] < qlo) {
        vals[i] = qlo;
        wl++;
      } else if (vals[i] > qhi) {
        vals[i] = qhi;
        wh++;
      }
    }
  }
  let s = 0;
  for (let i = 0; i < used; i++) s += vals[i];
  return {
    value: used > 0 ? s / used : NaN,
    used,
    excludedNoReturn: nr,
    excludedZeroVolume: zv,
    excludedLowVolume: lv,
    winsorizedLow: wl,
    winsorizedHigh: wh,
    bounds,
  };
}

/**
 * Amihud (2002) illiquidity over the whole sample: scale · mean_d |R_d| / DVOL_d, R_d = close_d / close_{d−1} − 1,
 * DVOL_d = quote volume of period d (quote currency). Excluded periods (no return; zero/NaN volume; below `minVolume`)
 * are counted, never averaged as infinity; see the module comment for every convention.
 * @param close closes in time order, quote currency
 * @param quoteVolume traded value per period, quote currency (see `approxQuoteVolume` when only base volume exists)
 * @param opts scale (default 1e6), minVolume, winsorize
 */
export function amihud(close: ArrayLike<number>, quoteVolume: ArrayLike<number>, opts: AmihudOptions = {}): AmihudResult {
  const { scale, minVolume } = checkOptions(opts);
  const k = ratioKernel(close, quoteVolume, scale, minVolume);
  return { ...summarize(k, 0, close.length, opts.winsorize), series: k.series, scale };
}

/** Options of `amihudRolling`. */
export interface AmihudRollingOptions {
  scale?: number;
  minVolume?: number;
  /** Least number of used periods in the window for a value (else NaN); default = window. */
  minPeriods?: number;
}

/**
 * Rolling Amihud illiquidity: out[i] = scale · mean of |R_d| / DVOL_d over the used periods d of the last `window`
 * rows (i − window, i]; NaN where fewer than `minPeriods` (default window) periods are usable. Excluded periods
 * (no return, zero/NaN volume, below minVolume) simply do not count, as NaN in pandas' `rolling().mean()`.
 * No winsorizing here: quantiles would have to be per window (use `amihud` on a slice). O(n).
 * Reference: Amihud (2002); see the module comment for the conventions.
 */
export function amihudRolling(
  close: ArrayLike<number>,
  quoteVolume: ArrayLike<number>,
  window: number,
  opts: AmihudRollingOptions = {},
): Float64Array {
  const { scale, minVolume } = checkOptions(opts);
  const k = ratioKernel(close, quoteVolume, scale, minVolume);
  return rollingMean(k.series, window, { minPeriods: opts.minPeriods });
}

/** A calendar period in UTC. */
export type UtcPeriod = "day" | "month";

const DAY_US = 86400e6;

/** Month index (year · 12 + month − 1) of a day count since 1970-01-01 (Hinnant's civil-from-days, integer only). */
function monthIndexOfDay(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 12 + (m - 1);
}

/** Row groups by UTC calendar period: group g is rows [start[g], end[g]) and begins at `periodStart[g]` (epoch µs). */
export interface UtcPeriodGroups {
  start: Int32Array;
  end: Int32Array;
  /** First instant of the period (00:00 UTC of the day, or of the 1st of the month), epoch µs. */
  periodStart: Float64Array;
}

/**
 * Splits time-ordered rows into UTC calendar days or months by their epoch-µs timestamps (a row belongs to the
 * period containing its timestamp; for candles that is the open time). Only non-empty periods are returned.
 * Timestamps must be non-decreasing without NaN (DataError otherwise). O(n), no per-row objects.
 */
export function utcPeriodGroups(timestamps: ArrayLike<number>, period: UtcPeriod): UtcPeriodGroups {
  if (period !== "day" && period !== "month") throw new ArgumentError(`period must be "day" or "month", got "${period}"`, { field: "period" });
  assertSorted(timestamps, "timestamp");
  const n = timestamps.length;
  const starts: number[] = [];
  const keys: number[] = [];
  let prevDay = NaN;
  let prevKey = NaN;
  for (let i = 0; i < n; i++) {
    const day = Math.floor(timestamps[i] / DAY_US);
    if (day === prevDay) continue;
    prevDay = day;
    const key = period === "day" ? day : monthIndexOfDay(day);
    if (key !== prevKey) {
      starts.push(i);
      keys.push(key);
      prevKey = key;
    }
  }
  const g = starts.length;
  const start = Int32Array.from(starts);
  const end = new Int32Array(g);
  const periodStart = new Float64Array(g);
  for (let j = 0; j < g; j++) {
    end[j] = j + 1 < g ? starts[j + 1] : n;
    const key = keys[j];
    periodStart[j] = period === "day" ? key * DAY_US : Date.UTC(Math.floor(key / 12), key % 12, 1) * 1000;
  }
  return { start, end, periodStart };
}

/** Options of `amihudByPeriod`. */
export interface AmihudByPeriodOptions extends AmihudOptions {
  /** Calendar period in UTC (required: "day" as Amihud's daily ratios, or "month"). */
  period: UtcPeriod;
  /** Least number of used periods in a group for a value (else NaN); default 1. */
  minPeriods?: number;
}

/** Columns of `amihudByPeriod`'s result: one row per non-empty UTC period. */
export type AmihudByPeriodColumns = {
  /** Start of the UTC day / month, epoch µs. */
  timestamp: Float64Array;
  /** scale · mean |R|/DVOL over the group's used rows (winsorized within the group if asked); NaN below minPeriods. */
  value: Float64Array;
  used: Int32Array;
  excludedNoReturn: Int32Array;
  excludedZeroVolume: Int32Array;
  excludedLowVolume: Int32Array;
};

/**
 * Amihud illiquidity per UTC calendar day or month, e.g. from hourly candles: one value per group of rows.
 * Returns are computed on the whole series first, so the first row of a group uses the previous group's last close
 * (as Amihud's daily returns within a year use the previous day's close); only the very first row has no return.
 * Winsorizing, if asked, uses each group's own quantiles. Reference and conventions: see `amihud`.
 * @param timestamps row times, epoch µs, non-decreasing (candle open times)
 */
export function amihudByPeriod(
  timestamps: ArrayLike<number>,
  close: ArrayLike<number>,
  quoteVolume: ArrayLike<number>,
  opts: AmihudByPeriodOptions,
): Frame<AmihudByPeriodColumns> {
  const { scale, minVolume } = checkOptions(opts);
  if (timestamps.length !== close.length) {
    throw new ArgumentError(`timestamps has ${timestamps.length} rows but close has ${close.length}`, { field: "timestamp" });
  }
  const minPeriods = opts.minPeriods ?? 1;
  if (!Number.isInteger(minPeriods) || minPeriods < 1) throw new ArgumentError(`minPeriods must be an integer >= 1, got ${minPeriods}`, { field: "minPeriods" });
  const k = ratioKernel(close, quoteVolume, scale, minVolume);
  const groups = utcPeriodGroups(timestamps, opts.period);
  const g = groups.start.length;
  const out: AmihudByPeriodColumns = {
    timestamp: groups.periodStart,
    value: new Float64Array(g),
    used: new Int32Array(g),
    excludedNoReturn: new Int32Array(g),
    excludedZeroVolume: new Int32Array(g),
    excludedLowVolume: new Int32Array(g),
  };
  for (let j = 0; j < g; j++) {
    const s = summarize(k, groups.start[j], groups.end[j], opts.winsorize);
    out.value[j] = s.used >= minPeriods ? s.value : NaN;
    out.used[j] = s.used;
    out.excludedNoReturn[j] = s.excludedNoReturn;
    out.excludedZeroVolume[j] = s.excludedZeroVolume;
    out.excludedLowVolume[j] = s.excludedLowVolume;
  }
  return new Frame(out);
}

/**
 * Approximate quote-currency volume as close × base volume, for candles that carry only base volume (the data set's
 * hourly files). **An approximation**: the true quote volume is Σ price × size over the period's trades, i.e. VWAP ×
 * base volume, so this errs by the factor close / VWAP (within the candle's high/low range; small for hourly candles
 * of liquid pairs, larger in fast markets). Prefer the exchange's quote volume where the source has it.
 * NaN in either input gives NaN.
 */
export function approxQuoteVolume(close: ArrayLike<number>, volume: ArrayLike<number>): Float64Array {
  const n = close.length;
  if (volume.length !== n) throw new ArgumentError(`close has ${n} rows but volume has ${volume.length}`, { field: "volume" });
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = close[i] * volume[i];
  return out;
}

/** Options of `amihudCandles`. */
export interface AmihudCandleOptions extends AmihudOptions {
  /**
   * Which traded value to use: "quote" (default) the `quoteVolume` column; "closeTimesBase" close × `volume`
   * (see `approxQuoteVolume`: an approximation, for sources without quote volume). Never substituted silently:
   * with "quote" and a quoteVolume column that is entirely NaN, an ArgumentError says so.
   */
  volume?: "quote" | "closeTimesBase";
}

/**
 * `amihud` over a candle frame (CandleColumns: `close`, and `quoteVolume` or `volume`). See `amihud` for the formula,
 * units (scale 1e6 by default) and conventions, and `AmihudCandleOptions.volume` for the volume choice.
 */
export function amihudCandles(candles: Frame, opts: AmihudCandleOptions = {}): AmihudResult {
  const close = candles.f64("close");
  const mode = opts.volume ?? "quote";
  let dvol: Float64Array;
  if (mode === "quote") {
    dvol = candles.f64("quoteVolume");
    let any = dvol.length === 0;
    for (let i = 0; i < dvol.length && !any; i++) if (dvol[i] === dvol[i]) any = true;
    if (!any) {
      throw new ArgumentError(
        "quoteVolume is NaN in every row (the source has no quote volume)",
        { field: "quoteVolume" },
        'pass { volume: "closeTimesBase" } to approximate it as close × volume',
      );
    }
  } else if (mode === "closeTimesBase") {
    dvol = approxQuoteVolume(close, candles.f64("volume"));
  } else {
    throw new ArgumentError(`volume must be "quote" or "closeTimesBase", got "${mode}"`, { field: "volume" });
  }
  return amihud(close, dvol, opts);
}
