/**
 * Event study of strong-sentiment headlines: the cumulative abnormal return (CAR) path around each event, averaged
 * separately over positive and negative events, with confidence bands (MacKinlay, 1997, "Event studies in
 * economics and finance", J. Econ. Lit. 35(1); here on bars instead of days).
 *
 * Events: signals with |score| ≥ threshold, aligned with the same no-look-ahead rule as `signalStudy` (entry bar j =
 * first bar opening strictly after the signal time). Offsets τ ∈ [−k, m] count bar boundaries from the entry:
 * τ = 0 is the open of bar j (the entry instant), τ = 1 the close of bar j, τ = −1 the open of bar j − 1 (the bar
 * during which the signal was usually published). Bar returns are log close-to-close, r_b = ln(close_b/close_{b−1});
 * the level at τ = 0 is close_{j−1}, the same instant as open_j (equal on continuous 24/7 data).
 * CAR(τ) = Σ_{b=j}^{j+τ−1} AR_b for τ > 0, CAR(0) = 0, CAR(τ) = −Σ_{b=j+τ}^{j−1} AR_b for τ < 0, so the path is the
 * abnormal log price relative to the entry and anything left of 0 happened before a trader could act.
 * Abnormal return AR_b = r_b − benchmark_b:
 * - "estimation-mean" (default): the constant-mean-return model, benchmark = mean bar return over the
 *   `estimationBars` bars before the window;
 * - a Float64Array: a per-bar benchmark return aligned to the bars (e.g. a market index), market-adjusted model;
 * - "none": raw returns.
 * Bands: "t" (default) mean ± t_{n−1, 1−α/2}·sd/√n per offset (treats events as independent), or "bootstrap"
 * (seeded percentile interval of the mean; by default whole UTC days of events are resampled, `block: "day"`,
 * because dense news gives many events per day with overlapping windows, which makes iid / t bands too narrow).
 * Several events of the same sign entering on the same bar are merged into one (counted as "merged-same-bar"),
 * because a burst of headlines on one move is one event, not several independent ones.
 */
import { ArgumentError } from "../errors";
import { IssueLog, type LoadIssue } from "../data/loadReport";
import { createRng, deriveSeed } from "../frame/rng";
import { studentTCdf } from "../frame/ols";
import { sortedQuantile } from "../frame/frame";
import { alignSignals, priceBars, type PriceInput, type SignalInput } from "./signalStudy";

/** Options of `eventStudy`. */
export interface EventStudyOptions {
  /** Events are signals with |score| ≥ threshold (> 0). */
  threshold: number;
  /** [k, m]: k bars before the entry (k ≥ 0) and m bars after (m ≥ 1). */
  window: readonly [number, number];
  /** Benchmark of the abnormal return (see the file header); default "estimation-mean". */
  benchmark?: "estimation-mean" | "none" | Float64Array;
  /** Length of the estimation window before the event window, in bars (default 120). */
  estimationBars?: number;
  /** Band method (default "t"). */
  bands?: "t" | "bootstrap";
  /** Band level (default 0.95). */
  level?: number;
  /** Bootstrap settings for bands = "bootstrap": n (1000), seed (1), block: "day" (default), "none" or µs. */
  bootstrap?: { n?: number; seed?: number; block?: "day" | "none" | number };
  /** Merge same-sign events entering on the same bar (default true). */
  mergeSameBar?: boolean;
  /** Bar length in µs (default the median spacing). */
  barUs?: number;
  /** Longest wait from signal to entry (default one bar). */
  maxEntryDelayUs?: number;
}

/** CAR paths of one event sign. */
export interface EventPaths {
  /** Number of events. */
  n: number;
  /** Mean CAR by offset (log return), NaN when n = 0. */
  mean: Float64Array;
  /** Band by offset. */
  lo: Float64Array;
  hi: Float64Array;
  /** Cross-event standard deviation of CAR by offset (n − 1). */
  sd: Float64Array;
  /** Row-major n × offsets.length matrix of event CAR paths. */
  paths: Float64Array;
  /** Entry time (epoch µs) of each event. */
  entryTime: Float64Array;
}

/** Result of `eventStudy`. */
export interface EventStudyResult {
  /** −k … m. */
  offsets: Int32Array;
  positive: EventPaths;
  negative: EventPaths;
  threshold: number;
  window: [number, number];
  benchmark: "estimation-mean" | "none" | "series";
  bands: "t" | "bootstrap";
  level: number;
  /** Signals below the threshold are not counted; alignment drops and window drops are. */
  dropped: LoadIssue[];
}

/** Two-sided Student-t critical value t_{df}(1 − α/2) for a `level`, by bisection on the CDF. */
export function tCritical(level: number, df: number): number {
  const p = 0.5 + level / 2;
  let lo = 0, hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Cumulative abnormal return paths around strong-sentiment signals, for positive and negative events separately,
 * with t or bootstrap bands (conventions in the file header). CAR values are log returns.
 */
export function eventStudy(signals: SignalInput, prices: PriceInput, opts: EventStudyOptions): EventStudyResult {
  const thr = opts.threshold;
  if (!(thr > 0)) throw new ArgumentError(`threshold must be > 0, got ${thr}`, { field: "threshold" });
  const [k, m] = opts.window ?? [NaN, NaN];
  if (!Number.isInteger(k) || !Number.isInteger(m) || k < 0 || m < 1) throw new ArgumentError(`window must be [k ≥ 0, m ≥ 1] integers, got [${k}, ${m}]`, { field: "window" });
  const L = opts.estimationBars ?? 120;
  const benchOpt = opts.benchmark ?? "estimation-mean";
  if (benchOpt === "estimation-mean" && (!Number.isInteger(L) || L < 2)) throw new ArgumentError(`estimationBars must be an integer ≥ 2, got ${L}`, { field: "estimationBars" });
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new ArgumentError(`level must be in (0, 1), got ${level}`, { field: "level" });
  const bandKind = opts.bands ?? "t";
  const bars = priceBars(prices, "prices", opts.barUs);
  const nb = bars.time.length;
  if (benchOpt instanceof Float64Array && benchOpt.length !== nb) {
    throw new ArgumentError(`benchmark has ${benchOpt.length} values, the price series ${nb} bars`, { field: "benchmark" });
  }
  // bar log returns, NaN across gaps
  const r = new Float64Array(nb);
  r[0] = NaN;
  for (let b = 1; b < nb; b++) {
    const ok = bars.time[b] - bars.time[b - 1] === bars.barUs && bars.close[b] > 0 && bars.close[b - 1] > 0;
    r[b] = ok ? Math.log(bars.close[b] / bars.close[b - 1]) : NaN;
  }
  const { aligned, dropped } = alignSignals(signals, prices, { minAbsScore: 0, barUs: bars.barUs, maxEntryDelayUs: opts.maxEntryDelayUs });
  const log = new IssueLog();
  const width = k + m + 1;
  const offsets = new Int32Array(width);
  for (let i = 0; i < width; i++) offsets[i] = i - k;
  const pos: { t: number; path: Float64Array }[] = [];
  const neg: { t: number; path: Float64Array }[] = [];
  const seen = new Set<number>(); // entryBar * 2 + (sign > 0)
  const merge = opts.mergeSameBar ?? true;
  for (let q = 0; q < aligned.score.length; q++) {
    const s = aligned.score[q];
    if (!(Math.abs(s) >= thr)) continue;
    const where = `signal ${aligned.signalIndex[q]}`;
    const j = aligned.entryBar[q];
    const key = j * 2 + (s > 0 ? 1 : 0);
    if (merge && seen.has(key)) {
      log.add("merged-same-bar", "dropped", "same-sign event entering on a bar that already has one (merged)", where);
      continue;
    }
    // bars j−k−1 … j+m−1 must exist and be contiguous (returns of bars j−k … j+m−1)
    const first = j - k, last = j + m - 1;
    let ok = first - 1 >= 0 && last < nb;
    for (let b = first; ok && b <= last; b++) ok = Number.isFinite(r[b]);
    if (!ok) {
      log.add("window-incomplete", "dropped", "event window runs past the data or over a gap", where);
      continue;
    }
    let mu = 0;
    if (benchOpt === "estimation-mean") {
      const e0 = first - L;
      let okE = e0 - 1 >= 0;
      let sum = 0;
      for (let b = e0; okE && b < first; b++) {
        okE = Number.isFinite(r[b]);
        sum += r[b];
      }
      if (!okE) {
        log.add("estimation-incomplete", "dropped", `fewer than ${L} gap-free bars before the window`, where);
        continue;
      }
      mu = sum / L;
    }
    const ar = (b: number): number => r[b] - (benchOpt instanceof Float64Array ? benchOpt[b] : mu);
    const path = new Float64Array(width);
    let okB = true;
    let acc = 0;
    for (let tau = 1; tau <= m; tau++) {
      acc += ar(j + tau - 1);
      path[k + tau] = acc;
    }
    acc = 0;
    for (let tau = -1; tau >= -k; tau--) {
      acc -= ar(j + tau);
      path[k + tau] = acc;
    }
    for (let i = 0; i < width; i++) if (!Number.isFinite(path[i])) okB = false;
    if (!okB) {
      log.add("benchmark-nan", "dropped", "benchmark return missing inside the window", where);
      continue;
    }
    seen.add(key);
    (s > 0 ? pos : neg).push({ t: aligned.entryTime[q], path });
  }
  const boot = { n: opts.bootstrap?.n ?? 1000, seed: opts.bootstrap?.seed ?? 1, block: opts.bootstrap?.block ?? "day" };
  if (boot.block !== "day" && boot.block !== "none" && !(typeof boot.block === "number" && boot.block > 0)) {
    throw new ArgumentError(`bootstrap.block must be "day", "none" or a positive µs length, got ${boot.block}`, { field: "bootstrap.block" });
  }
  return {
    offsets,
    positive: summarize(pos, width, bandKind, level, boot, 1),
    negative: summarize(neg, width, bandKind, level, boot, 2),
    threshold: thr,
    window: [k, m],
    benchmark: benchOpt instanceof Float64Array ? "series" : benchOpt,
    bands: bandKind,
    level,
    dropped: [...dropped, ...log.issues],
  };
}

/** Groups event indices by time block: "none" → one group per event, "day" → UTC day, number → µs blocks. */
function eventGroups(times: number[], block: "day" | "none" | number): number[][] {
  if (block === "none") return times.map((_, i) => [i]);
  const len = block === "day" ? 86_400e6 : block;
  const m = new Map<number, number[]>();
  times.forEach((t, i) => {
    const k = Math.floor(t / len);
    const g = m.get(k);
    if (g) g.push(i);
    else m.set(k, [i]);
  });
  return [...m.values()];
}

function summarize(ev: { t: number; path: Float64Array }[], width: number, bands: "t" | "bootstrap", level: number, boot: { n: number; seed: number; block: "day" | "none" | number }, key: number): EventPaths {
  const n = ev.length;
  const mean = new Float64Array(width).fill(NaN), sd = new Float64Array(width).fill(NaN);
  const lo = new Float64Array(width).fill(NaN), hi = new Float64Array(width).fill(NaN);
  const paths = new Float64Array(n * width);
  ev.forEach((e, i) => paths.set(e.path, i * width));
  if (n > 0) {
    for (let c = 0; c < width; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += paths[i * width + c];
      const mu = s / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (paths[i * width + c] - mu) ** 2;
      mean[c] = mu;
      sd[c] = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
    }
    if (bands === "t" && n > 1) {
      const tc = tCritical(level, n - 1);
      for (let c = 0; c < width; c++) {
        const h = (tc * sd[c]) / Math.sqrt(n);
        lo[c] = mean[c] - h;
        hi[c] = mean[c] + h;
      }
    } else if (bands === "bootstrap" && n > 1 && boot.n > 1) {
      const rng = createRng(deriveSeed(boot.seed, key));
      const groups = eventGroups(ev.map((e) => e.t), boot.block);
      const G = groups.length;
      const reps = new Float64Array(boot.n * width);
      const cnt = new Float64Array(boot.n);
      for (let b = 0; b < boot.n; b++) {
        for (let d = 0; d < G; d++) {
          for (const i of groups[rng.int(G)]) {
            cnt[b]++;
            for (let c = 0; c < width; c++) reps[b * width + c] += paths[i * width + c];
          }
        }
      }
      const col = new Float64Array(boot.n);
      const a = (1 - level) / 2;
      for (let c = 0; c < width; c++) {
        for (let b = 0; b < boot.n; b++) col[b] = reps[b * width + c] / cnt[b];
        col.sort();
        lo[c] = sortedQuantile(col, a);
        hi[c] = sortedQuantile(col, 1 - a);
      }
    }
  }
  return { n, mean, lo, hi, sd, paths, entryTime: Float64Array.from(ev, (e) => e.t) };
}
