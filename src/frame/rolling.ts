/**
 * Rolling-window sum, mean and standard deviation over typed arrays: count windows (the last `window` rows)
 * and time windows (the rows with time in (t − windowUs, t]). Each is O(n).
 *
 * Numerics: the window's sums are updated incrementally (one add, one remove per row) with Neumaier's
 * compensated summation (Neumaier 1974, the improved Kahan–Babuška sum), and are recomputed from scratch
 * once the updates since the last recompute exceed 2·window + 64 (amortized O(1) per row), so rounding error
 * cannot accumulate along the series. For the standard deviation the sums are of deviations from an anchor K
 * (the "shifted data" algorithm, Chan, Golub & LeVeque 1983): var = (Σ(x−K)² − (Σ(x−K))²/c) / (c − ddof).
 * K starts at the first finite value and is re-set to the window mean at each recompute, and also early
 * (still amortized O(1)) if the window mean drifts so far from K that the subtraction would lose more than
 * 4 digits. So values on a large offset (prices ~1e9 with small noise) do not cancel catastrophically.
 * A window whose valid values are all equal gets mean = that value and std = 0 exactly.
 *
 * Missing values: NaN is skipped (it does not count toward `minPeriods`), as pandas does. ±Infinity counts as
 * an observation: the sum/mean become ±Infinity (NaN if both signs are present), the std NaN.
 */
import { ArgumentError } from "../errors";
import type { Frame } from "./frame";
import { assertSorted } from "./search";

const SUM = 0;
const MEAN = 1;
const STD = 2;

/** Options of the count-window functions. */
export interface RollingOptions {
  /** Least number of non-NaN values in the window for a result (else NaN); default = window. */
  minPeriods?: number;
}
/** Options of the time-window functions. */
export interface RollingTimeOptions {
  /** Least number of non-NaN values in the window for a result (else NaN); default 1 (pandas' default for time windows). */
  minPeriods?: number;
}
/** Delta degrees of freedom: the std divides by (count − ddof); 1 = sample std (default), 0 = population. */
export interface DdofOption {
  ddof?: number;
}

/**
 * The rolling kernel. Count mode (`times` null): row i's window is rows [max(0, i+1−window), i+1).
 * Time mode: rows j with times[j] in (times[i] − windowUs, times[i]] (`times` sorted, checked by the caller);
 * the bounds are found by two pointers as in `timeWindowBounds`.
 */
function rollingCore(
  x: ArrayLike<number>,
  window: number,
  times: ArrayLike<number> | null,
  windowUs: number,
  minPeriods: number,
  stat: number,
  ddof: number,
): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const anchored = stat === STD;
  const needSq = stat === STD;
  let lo = 0;
  let hi = 0;
  let K = 0; // anchor (std only): starts at the first finite value, then the window mean at each recompute
  if (anchored) {
    for (let j = 0; j < n; j++) {
      if (x[j] - x[j] === 0) {
        K = x[j];
        break;
      }
    }
  }
  let s1 = 0, c1 = 0; // Neumaier Σ(x − K): sum and compensation
  let s2 = 0, c2 = 0; // Neumaier Σ(x − K)²
  let cnt = 0; // non-NaN values in the window
  let cf = 0; // finite values in the window
  let posInf = 0, negInf = 0;
  let ops = 0;
  let runStart = 0; // index where the trailing run of equal finite values starts (NaN/Inf do not break it)
  let runVal = NaN;
  for (let i = 0; i < n; i++) {
    let start: number, end: number;
    if (times === null) {
      end = i + 1;
      start = end > window ? end - window : 0;
    } else {
      const ti = times[i];
      end = hi > i + 1 ? hi : i + 1;
      while (end < n && times[end] <= ti) end++;
      const from = ti - windowUs;
      start = lo;
      while (start < end && times[start] <= from) start++;
    }
    // add [hi, end)
    while (hi < end) {
      const v = x[hi];
      if (v === v) {
        cnt++;
        if (v === Infinity) posInf++;
        else if (v === -Infinity) negInf++;
        else {
          cf++;
          const d = v - K;
          let t = s1 + d;
          c1 += Math.abs(s1) >= Math.abs(d) ? s1 - t + d : d - t + s1;
          s1 = t;
          if (needSq) {
            const q = d * d;
            t = s2 + q;
            c2 += Math.abs(s2) >= q ? s2 - t + q : q - t + s2;
            s2 = t;
          }
          if (v !== runVal) {
            runVal = v;
            runStart = hi;
          }
        }
      }
      hi++;
      ops++;
    }
    // remove [lo, start)
    while (lo < start) {
      const v = x[lo];
      if (v === v) {
        cnt--;
        if (v === Infinity) posInf--;
        else if (v === -Infinity) negInf--;
        else {
          cf--;
          const d = K - v; // −(v − K)
          let t = s1 + d;
          c1 += Math.abs(s1) >= Math.abs(d) ? s1 - t + d : d - t + s1;
          s1 = t;
          if (needSq) {
            const q = -(d * d);
            t = s2 + q;
            c2 += Math.abs(s2) >= -q ? s2 - t + q : q - t + s2;
            s2 = t;
          }
        }
      }
      lo++;
      ops++;
    }
    // Recompute from scratch (and re-anchor K at the window mean) every 2·window + 64 updates, which bounds the
    // accumulated rounding (amortized O(1) per row); for the std also as soon as the anchor has drifted so far
    // from the window mean that Σ(x−K)² − (Σ(x−K))²/c would cancel more than 4 digits (checked only once
    // ops ≥ window/8, which keeps the cost amortized O(1) as well).
    let recompute = ops > 2 * (hi - lo) + 64;
    if (!recompute && anchored && cf > 1 && ops * 8 >= hi - lo) {
      const S1 = s1 + c1;
      const a = (S1 * S1) / cf;
      recompute = a > 1e4 * (s2 + c2 - a);
    }
    if (recompute) {
      ops = 0;
      if (anchored && cf > 0) {
        let ms = 0, mc = 0;
        for (let j = lo; j < hi; j++) {
          const v = x[j];
          if (v - v === 0) {
            const d = v - K;
            const t = ms + d;
            mc += Math.abs(ms) >= Math.abs(d) ? ms - t + d : d - t + ms;
            ms = t;
          }
        }
        K += (ms + mc) / cf;
      }
      s1 = 0; c1 = 0; s2 = 0; c2 = 0;
      for (let j = lo; j < hi; j++) {
        const v = x[j];
        if (v - v === 0) {
          const d = v - K;
          let t = s1 + d;
          c1 += Math.abs(s1) >= Math.abs(d) ? s1 - t + d : d - t + s1;
          s1 = t;
          if (needSq) {
            const q = d * d;
            t = s2 + q;
            c2 += s2 >= q ? s2 - t + q : q - t + s2;
            s2 = t;
          }
        }
      }
    }
    // output
    if (cnt < minPeriods || (cnt === 0 && stat !== SUM)) {
      out[i] = NaN;
      continue;
    }
    const hasInf = posInf > 0 || negInf > 0;
    const constant = cf > 0 && runStart <= lo;
    if (stat === SUM) {
      if (hasInf) out[i] = posInf > 0 && negInf > 0 ? NaN : posInf > 0 ? Infinity : -Infinity;
      else out[i] = cf === 0 ? 0 : cf * K + (s1 + c1);
    } else if (stat === MEAN) {
      if (hasInf) out[i] = posInf > 0 && negInf > 0 ? NaN : posInf > 0 ? Infinity : -Infinity;
      else out[i] = constant ? runVal : K + (s1 + c1) / cf;
    } else {
      if (hasInf || cf - ddof <= 0) out[i] = NaN;
      else if (constant) out[i] = 0;
      else {
        const S1 = s1 + c1;
        const S2 = s2 + c2;
        const v = (S2 - (S1 * S1) / cf) / (cf - ddof);
        out[i] = v > 0 ? Math.sqrt(v) : 0;
      }
    }
  }
  return out;
}

function checkWindow(window: number, minPeriods: number | undefined): number {
  if (!Number.isInteger(window) || window < 1) throw new ArgumentError(`window must be an integer >= 1, got ${window}`, { field: "window" });
  const mp = minPeriods ?? window;
  if (!Number.isInteger(mp) || mp < 0 || mp > window) throw new ArgumentError(`minPeriods must be an integer in [0, window=${window}], got ${mp}`, { field: "minPeriods" });
  return mp;
}

function checkDdof(ddof: number): void {
  if (!(ddof >= 0) || !Number.isFinite(ddof)) throw new ArgumentError(`ddof must be a finite number >= 0, got ${ddof}`, { field: "ddof" });
}

/**
 * Rolling sum over the last `window` rows: out[i] = Σ x[j], j ∈ (i − window, i], NaN skipped.
 * NaN where fewer than `minPeriods` (default window) non-NaN values; with minPeriods 0 an empty window sums to 0.
 * Compensated (Neumaier) updates with periodic recompute; O(n). Same convention as pandas `rolling(window).sum()`.
 */
export function rollingSum(values: ArrayLike<number>, window: number, opts: RollingOptions = {}): Float64Array {
  const mp = checkWindow(window, opts.minPeriods);
  return rollingCore(values, window, null, 0, mp, SUM, 0);
}

/**
 * Rolling mean over the last `window` rows: Σ x / c over the c non-NaN values of (i − window, i].
 * NaN where c < minPeriods (default window) or c = 0. O(n). As pandas `rolling(window).mean()`.
 */
export function rollingMean(values: ArrayLike<number>, window: number, opts: RollingOptions = {}): Float64Array {
  const mp = checkWindow(window, opts.minPeriods);
  return rollingCore(values, window, null, 0, mp, MEAN, 0);
}

/**
 * Rolling standard deviation over the last `window` rows: sqrt(Σ(x − x̄)² / (c − ddof)) over the c non-NaN values
 * of (i − window, i]; ddof 1 (sample std, default) as pandas `rolling(window).std()`. NaN where c < minPeriods
 * (default window) or c ≤ ddof. Shifted, compensated sums re-anchored at the window mean; O(n); stable on
 * large offsets (see the module comment).
 */
export function rollingStd(values: ArrayLike<number>, window: number, opts: RollingOptions & DdofOption = {}): Float64Array {
  const mp = checkWindow(window, opts.minPeriods);
  const ddof = opts.ddof ?? 1;
  checkDdof(ddof);
  return rollingCore(values, window, null, 0, mp, STD, ddof);
}

/**
 * Window bounds for time windows (t − windowUs, t]: row i's window is rows [start[i], end[i]) where
 * end[i] = first j with t[j] > t[i] (so rows that share row i's time are all inside) and
 * start[i] = first j with t[j] > t[i] − windowUs. Two pointers, O(n). `times` must be sorted (checked).
 */
export function timeWindowBounds(times: ArrayLike<number>, windowUs: number): { start: Int32Array; end: Int32Array } {
  if (!(windowUs > 0) || !Number.isFinite(windowUs)) throw new ArgumentError(`windowUs must be a finite number > 0, got ${windowUs}`, { field: "windowUs" });
  assertSorted(times, "times");
  const n = times.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (b < i + 1) b = i + 1;
    while (b < n && times[b] <= t) b++;
    const from = t - windowUs;
    while (a < n && times[a] <= from) a++;
    start[i] = a;
    end[i] = b;
  }
  return { start, end };
}

function timeCore(times: ArrayLike<number>, values: ArrayLike<number>, windowUs: number, minPeriods: number | undefined, stat: number, ddof: number): Float64Array {
  if (times.length !== values.length) throw new ArgumentError(`times has ${times.length} rows but values has ${values.length}`, { field: "values" });
  const mp = minPeriods ?? 1;
  if (!Number.isInteger(mp) || mp < 0) throw new ArgumentError(`minPeriods must be an integer >= 0, got ${mp}`, { field: "minPeriods" });
  if (!(windowUs > 0) || !Number.isFinite(windowUs)) throw new ArgumentError(`windowUs must be a finite number > 0, got ${windowUs}`, { field: "windowUs" });
  assertSorted(times, "times");
  return rollingCore(values, 0, times, windowUs, mp, stat, ddof);
}

/**
 * Time-window rolling sum: out[i] = Σ values[j] over rows with times[j] ∈ (times[i] − windowUs, times[i]], NaN skipped.
 * Rows sharing a time all see every row of that time (unlike pandas, whose window for a duplicate time stops at
 * the current row): the result is a function of the time, the state after all events at that instant.
 * `times` (epoch µs, or any unit matching windowUs) must be non-decreasing without NaN (DataError). O(n).
 * minPeriods default 1.
 */
export function rollingTimeSum(times: ArrayLike<number>, values: ArrayLike<number>, windowUs: number, opts: RollingTimeOptions = {}): Float64Array {
  return timeCore(times, values, windowUs, opts.minPeriods, SUM, 0);
}

/** Time-window rolling mean over (t − windowUs, t] (conventions of `rollingTimeSum`); NaN for an empty window. O(n). */
export function rollingTimeMean(times: ArrayLike<number>, values: ArrayLike<number>, windowUs: number, opts: RollingTimeOptions = {}): Float64Array {
  return timeCore(times, values, windowUs, opts.minPeriods, MEAN, 0);
}

/**
 * Time-window rolling standard deviation over (t − windowUs, t]: sqrt(Σ(x − x̄)² / (c − ddof)), ddof default 1
 * (conventions of `rollingTimeSum`, numerics of `rollingStd`). NaN where c ≤ ddof. O(n).
 */
export function rollingTimeStd(times: ArrayLike<number>, values: ArrayLike<number>, windowUs: number, opts: RollingTimeOptions & DdofOption = {}): Float64Array {
  const ddof = opts.ddof ?? 1;
  checkDdof(ddof);
  return timeCore(times, values, windowUs, opts.minPeriods, STD, ddof);
}

/** Window spec for `rolling`: a count window, or a time window over the time column `on` (default "timestamp"). */
export type RollingSpec = { window: number; minPeriods?: number } | { windowUs: number; on?: string; minPeriods?: number };

/** The three statistics of one rolling window over one column (each returns a new Float64Array of the frame's length). */
export interface Rolling {
  sum(): Float64Array;
  mean(): Float64Array;
  std(ddof?: number): Float64Array;
}

/**
 * Frame-level convenience: `rolling(trades, "price", { windowUs: 60e6 }).std()` or
 * `rolling(bars, "close", { window: 20 }).mean()`. Delegates to the kernels above (same conventions).
 */
export function rolling(frame: Frame, column: string, spec: RollingSpec): Rolling {
  const values = frame.num(column);
  if ("window" in spec) {
    const { window, minPeriods } = spec;
    return {
      sum: () => rollingSum(values, window, { minPeriods }),
      mean: () => rollingMean(values, window, { minPeriods }),
      std: (ddof = 1) => rollingStd(values, window, { minPeriods, ddof }),
    };
  }
  const times = frame.num(spec.on ?? "timestamp");
  const { windowUs, minPeriods } = spec;
  return {
    sum: () => rollingTimeSum(times, values, windowUs, { minPeriods }),
    mean: () => rollingTimeMean(times, values, windowUs, { minPeriods }),
    std: (ddof = 1) => rollingTimeStd(times, values, windowUs, { minPeriods, ddof }),
  };
}
