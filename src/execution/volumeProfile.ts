/**
 * Intraday volume profile: the expected share of a UTC day's volume traded in each time-of-day bucket, estimated
 * across days from candles, with its uncertainty; and the profile's cumulative share over any time interval (the
 * weights of a VWAP schedule).
 *
 * Method (the classic VWAP volume curve, e.g. Madhavan 2002, "VWAP strategies"; Białkowski, Darolles & Le Fol 2008):
 * for each complete UTC day d, s_{d,b} = volume in bucket b / day's volume; the profile is a robust average of
 * s_{d,b} over days for each b (mean, median, or trimmed mean), renormalized to sum to 1 (a trimmed mean or a median
 * of shares does not sum to 1 by itself; the raw estimates are kept in `estimate`).
 * Uncertainty per bucket: the estimator's standard error (mean: s/√n; trimmed mean: Tukey & McLaughlin 1963,
 * s_w/((1 − 2g/n)√n) with s_w the winsorized standard deviation; median: McKean & Schrader 1984,
 * (s_(n−c+1) − s_(c))/(2·1.959964), c = round((n + 1)/2 − 1.959964·√(n/4))) and a quantile band of the daily shares
 * (default the 10% and 90% quantiles, type 7): the first says how well the average is known, the second how much
 * a single day varies around it.
 */
import { ArgumentError, DataError } from "../errors";
import { sortedQuantile, type Frame } from "../frame/frame";
import { IssueLog, type LoadIssue } from "../data/loadReport";
import { utcPeriodGroups } from "../liquidity/amihud";

const DAY_US = 86400e6;
const MIN_US = 60e6;
const Z975 = 1.959963984540054;

/** Options of `intradayVolumeProfile`. */
export interface VolumeProfileOptions {
  /** Bucket length in minutes; must divide 1440 and be a multiple of the candle interval (default 60). */
  bucketMinutes?: number;
  /** Average of the daily shares across days (default "trimmed-mean"). */
  estimator?: "mean" | "median" | "trimmed-mean";
  /** Fraction trimmed from EACH end for "trimmed-mean", g = ⌊trim·n⌋ days per end (default 0.1, as scipy's trim_mean). */
  trim?: number;
  /** Keep only Monday–Friday (UTC) days (default false: crypto trades every day). */
  weekdaysOnly?: boolean;
  /** Quantiles of the daily shares for the band (default [0.1, 0.9]). */
  band?: [number, number];
  /** Candle interval in minutes. Default: from closeTime − open + 1 ms where closeTime is finite, else the modal spacing. */
  candleMinutes?: number;
}

/** An intraday volume profile (see `intradayVolumeProfile`). Arrays have one entry per bucket, bucket 0 starting 00:00 UTC. */
export interface IntradayVolumeProfile {
  bucketMinutes: number;
  /** Start of each bucket in minutes after 00:00 UTC. */
  bucketStartMinute: Float64Array;
  /** Expected share of the day's volume per bucket: ≥ 0, sums to 1 (the renormalized `estimate`). */
  share: Float64Array;
  /** The estimator's raw value per bucket (before renormalization). */
  estimate: Float64Array;
  /** Standard error of `estimate` (see the module comment for each estimator), on the share scale. */
  stdErr: Float64Array;
  /** Lower and upper quantile of the daily shares (`band`). */
  lower: Float64Array;
  upper: Float64Array;
  /** Plain mean and median of the daily shares, for comparison. */
  mean: Float64Array;
  median: Float64Array;
  estimator: "mean" | "median" | "trimmed-mean";
  trim: number;
  band: [number, number];
  /** Number of days used. */
  nDays: number;
  /** Start (00:00 UTC, epoch µs) of each day used. */
  dayStart: Float64Array;
  /** Daily shares, row-major nDays × buckets (s_{d,b} at d·buckets + b). */
  dailyShares: Float64Array;
  /** Days dropped and why (incomplete, zero volume, weekend). */
  issues: LoadIssue[];
}

/** What the profile reads from a candle frame (a CandleFrame has it): `timestamp`, `volume`, optional `closeTime`. */
export type VolumeCandles = Pick<Frame, "f64" | "has" | "length">;

function inferCandleMinutes(ts: Float64Array, close: Float64Array | null): number {
  const n = ts.length;
  if (close) {
    for (let i = 0; i < n; i++) {
      if (Number.isFinite(close[i])) return Math.round((close[i] - ts[i] + 1000) / 1000) / 60000;
    }
  }
  const counts = new Map<number, number>();
  for (let i = 1; i < n; i++) {
    const d = ts[i] - ts[i - 1];
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = NaN;
  let bc = 0;
  for (const [d, c] of counts) if (c > bc || (c === bc && d < best)) [best, bc] = [d, c];
  if (!Number.isFinite(best)) throw new ArgumentError("cannot infer the candle interval (fewer than 2 distinct times); pass candleMinutes", { field: "timestamp" });
  return best / MIN_US;
}

function trimmedMeanSe(sorted: Float64Array, trim: number): [number, number] {
  const n = sorted.length;
  const g = Math.floor(trim * n);
  const m = n - 2 * g;
  if (m <= 0) return [NaN, NaN];
  let s = 0;
  for (let i = g; i < n - g; i++) s += sorted[i];
  const tm = s / m;
  // winsorized variance
  const lo = sorted[g];
  const hi = sorted[n - 1 - g];
  let ws = 0;
  for (let i = 0; i < n; i++) ws += Math.min(hi, Math.max(lo, sorted[i]));
  const wm = ws / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.min(hi, Math.max(lo, sorted[i])) - wm;
    ss += d * d;
  }
  const sw = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  return [tm, sw / ((1 - (2 * g) / n) * Math.sqrt(n))];
}

/**
 * Estimates the intraday (UTC time-of-day) volume profile from candles (CandleColumns `timestamp`, `volume`,
 * optionally `closeTime`), e.g. Binance hourly klines. Formula and uncertainty: see the module comment.
 * Days: UTC calendar days (`utcPeriodGroups`). A day is used only if every bucket holds exactly
 * bucketMinutes/candleMinutes candles with finite volume ≥ 0 and the day's total volume is > 0; other days are
 * dropped and counted in `issues` ("incomplete-day", "zero-volume-day", "weekend"), never silently.
 * Errors: unsorted or NaN timestamps (DataError), a candle not aligned to the candle interval (DataError naming
 * the row), a bucket that does not divide the day or is not a multiple of the candle interval, bad options, or
 * fewer than 2 usable days (ArgumentError).
 */
export function intradayVolumeProfile(candles: VolumeCandles, opts: VolumeProfileOptions = {}): IntradayVolumeProfile {
  const bucketMinutes = opts.bucketMinutes ?? 60;
  const estimator = opts.estimator ?? "trimmed-mean";
  const trim = opts.trim ?? 0.1;
  const band = opts.band ?? [0.1, 0.9];
  if (!(Number.isInteger(bucketMinutes) && bucketMinutes > 0 && 1440 % bucketMinutes === 0)) {
    throw new ArgumentError(`bucketMinutes must be a positive integer dividing 1440, got ${bucketMinutes}`, { field: "bucketMinutes" });
  }
  if (estimator !== "mean" && estimator !== "median" && estimator !== "trimmed-mean") {
    throw new ArgumentError(`estimator must be "mean", "median" or "trimmed-mean", got "${estimator}"`, { field: "estimator" });
  }
  if (!(trim >= 0 && trim < 0.5)) throw new ArgumentError(`trim must be in [0, 0.5), got ${trim}`, { field: "trim" });
  if (!(band.length === 2 && band[0] >= 0 && band[0] < band[1] && band[1] <= 1)) {
    throw new ArgumentError(`band must be [lo, hi] with 0 <= lo < hi <= 1, got [${band}]`, { field: "band" });
  }
  const ts = candles.f64("timestamp");
  const vol = candles.f64("volume");
  const n = candles.length;
  if (n === 0) throw new ArgumentError("no candles", { field: "timestamp" });
  const candleMinutes = opts.candleMinutes ?? inferCandleMinutes(ts, candles.has("closeTime") ? candles.f64("closeTime") : null);
  if (!(candleMinutes > 0 && Number.isInteger(bucketMinutes / candleMinutes))) {
    throw new ArgumentError(
      `bucketMinutes (${bucketMinutes}) must be a multiple of the candle interval (${candleMinutes} min)`,
      { field: "bucketMinutes" },
      "a candle may not straddle two buckets",
    );
  }
  const groups = utcPeriodGroups(ts, "day"); // checks sorted, no NaN
  const B = 1440 / bucketMinutes;
  const perBucket = bucketMinutes / candleMinutes;
  const bucketUs = bucketMinutes * MIN_US;
  const candleUs = candleMinutes * MIN_US;
  const issues = new IssueLog();
  const G = groups.start.length;
  const shares = new Float64Array(G * B);
  const dayStart = new Float64Array(G);
  const cnt = new Int32Array(B);
  const vb = new Float64Array(B);
  let used = 0;
  for (let j = 0; j < G; j++) {
    const d0 = groups.periodStart[j];
    const day = new Date(d0 / 1000).toISOString().slice(0, 10);
    if (opts.weekdaysOnly) {
      const wd = new Date(d0 / 1000).getUTCDay();
      if (wd === 0 || wd === 6) {
        issues.add("weekend", "dropped", "Saturday/Sunday UTC day left out (weekdaysOnly)", day);
        continue;
      }
    }
    cnt.fill(0);
    vb.fill(0);
    let bad = false;
    for (let i = groups.start[j]; i < groups.end[j]; i++) {
      const off = ts[i] - d0;
      if (off % candleUs !== 0) {
        throw new DataError(`candle open time ${new Date(ts[i] / 1000).toISOString()} is not on the ${candleMinutes}-minute grid`, { line: i, field: "timestamp" }, "row index given as line");
      }
      const b = Math.floor(off / bucketUs);
      const v = vol[i];
      if (!(v >= 0) || !Number.isFinite(v)) bad = true;
      cnt[b]++;
      vb[b] += v;
    }
    let total = 0;
    for (let b = 0; b < B; b++) {
      if (cnt[b] !== perBucket) bad = true;
      total += vb[b];
    }
    if (bad) {
      issues.add("incomplete-day", "dropped", `UTC day without exactly ${perBucket} candle(s) of finite volume in every ${bucketMinutes}-minute bucket`, day);
      continue;
    }
    if (!(total > 0)) {
      issues.add("zero-volume-day", "dropped", "UTC day with zero total volume", day);
      continue;
    }
    for (let b = 0; b < B; b++) shares[used * B + b] = vb[b] / total;
    dayStart[used] = d0;
    used++;
  }
  if (used < 2) throw new ArgumentError(`only ${used} usable day(s): a profile needs at least 2`, { field: "timestamp" }, issues.issues.map((x) => `${x.kind}: ${x.count}`).join(", "));
  const out: IntradayVolumeProfile = {
    bucketMinutes,
    bucketStartMinute: new Float64Array(B),
    share: new Float64Array(B),
    estimate: new Float64Array(B),
    stdErr: new Float64Array(B),
    lower: new Float64Array(B),
    upper: new Float64Array(B),
    mean: new Float64Array(B),
    median: new Float64Array(B),
    estimator,
    trim,
    band: [band[0], band[1]],
    nDays: used,
    dayStart: dayStart.slice(0, used),
    dailyShares: shares.slice(0, used * B),
    issues: issues.issues,
  };
  const col = new Float64Array(used);
  for (let b = 0; b < B; b++) {
    out.bucketStartMinute[b] = b * bucketMinutes;
    let s = 0;
    for (let d = 0; d < used; d++) {
      col[d] = shares[d * B + b];
      s += col[d];
    }
    const mean = s / used;
    let ss = 0;
    for (let d = 0; d < used; d++) ss += (col[d] - mean) * (col[d] - mean);
    col.sort();
    out.mean[b] = mean;
    out.median[b] = sortedQuantile(col, 0.5);
    out.lower[b] = sortedQuantile(col, band[0]);
    out.upper[b] = sortedQuantile(col, band[1]);
    if (estimator === "mean") {
      out.estimate[b] = mean;
      out.stdErr[b] = Math.sqrt(ss / (used - 1) / used);
    } else if (estimator === "median") {
      out.estimate[b] = out.median[b];
      const c = Math.round((used + 1) / 2 - Z975 * Math.sqrt(used / 4));
      out.stdErr[b] = c >= 1 ? (col[used - c] - col[c - 1]) / (2 * Z975) : NaN;
    } else {
      const [tm, se] = trimmedMeanSe(col, trim);
      out.estimate[b] = tm;
      out.stdErr[b] = se;
    }
  }
  let tot = 0;
  for (let b = 0; b < B; b++) tot += out.estimate[b];
  if (!(tot > 0)) throw new ArgumentError("the profile's estimates sum to 0", { field: "volume" });
  for (let b = 0; b < B; b++) out.share[b] = out.estimate[b] / tot;
  return out;
}

/** A minimal profile: bucket length and shares (≥ 0, summing to 1), e.g. an `IntradayVolumeProfile`. */
export interface ProfileShares {
  bucketMinutes: number;
  share: ArrayLike<number>;
}

/** Validates a profile's shapes and values; returns the number of buckets. */
export function checkProfile(p: ProfileShares): number {
  const B = p.share.length;
  if (!(Number.isInteger(p.bucketMinutes) && p.bucketMinutes > 0 && B * p.bucketMinutes === 1440)) {
    throw new ArgumentError(`profile: ${B} buckets of ${p.bucketMinutes} min do not cover one day`, { field: "bucketMinutes" });
  }
  let s = 0;
  for (let b = 0; b < B; b++) {
    if (!(p.share[b] >= 0) || !Number.isFinite(p.share[b])) throw new ArgumentError(`profile share[${b}] = ${p.share[b]} must be finite and >= 0`, { field: "share" });
    s += p.share[b];
  }
  if (!(Math.abs(s - 1) < 1e-9)) throw new ArgumentError(`profile shares sum to ${s}, not 1`, { field: "share" });
  return B;
}

/**
 * F(t): expected cumulative volume, in days' worth (1 = one day's volume), from 1970-01-01T00:00Z to time t (epoch µs),
 * under the profile with volume spread uniformly within each bucket (partial buckets pro-rated):
 * F(t) = ⌊t/day⌋ + Σ_{b < b(t)} share_b + share_{b(t)}·(fraction of bucket b(t) elapsed). Not validated (see `checkProfile`).
 * For differences, pass times relative to a nearby UTC midnight (as `profileVolumeShare` does): F of an absolute
 * epoch time carries the day count (~2e4), which costs about 4 of the 16 significant digits.
 */
export function profileCumulative(p: ProfileShares, tUs: number): number {
  const B = p.share.length;
  const day = Math.floor(tUs / DAY_US);
  const off = tUs - day * DAY_US;
  const bucketUs = p.bucketMinutes * MIN_US;
  const b = Math.min(B - 1, Math.floor(off / bucketUs));
  let c = 0;
  for (let i = 0; i < b; i++) c += p.share[i];
  return day + c + (p.share[b] * (off - b * bucketUs)) / bucketUs;
}

/**
 * Expected share of ONE day's volume traded in [startUs, endUs) under the profile: F(endUs) − F(startUs)
 * (see `profileCumulative`); may exceed 1 for intervals longer than a day. Validates the profile.
 */
export function profileVolumeShare(p: ProfileShares, startUs: number, endUs: number): number {
  checkProfile(p);
  if (!(Number.isFinite(startUs) && Number.isFinite(endUs) && endUs >= startUs)) {
    throw new ArgumentError(`need finite startUs <= endUs, got ${startUs}, ${endUs}`, { field: "endUs" });
  }
  const day0 = Math.floor(startUs / DAY_US) * DAY_US; // measure from the first midnight: no loss of precision
  return profileCumulative(p, endUs - day0) - profileCumulative(p, startUs - day0);
}
