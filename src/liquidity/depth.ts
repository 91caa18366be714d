/**
 * Order-book depth and imbalance from book snapshots with level columns (`replayBook(…, { depth: N })`,
 * `loadTardisBookSnapshot`): for each book row, the size resting in the best N levels of each side, in base units
 * and in quote currency, their imbalance, the top-of-book imbalance, and time-weighted averages over the series.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame, isNumeric, type NumericColumn } from "../frame/frame";
import { firstUnsorted } from "../frame/search";
import { levelColumn } from "../data/schemas";

/** Options of `depthAtLevels`. */
export interface DepthOptions {
  /** Number of levels per side (≥ 1); the book needs `bidPrice0…`, `bidAmount0…`, `askPrice…`, `askAmount…` up to N − 1. */
  levels: number;
  /**
   * Also require each level to lie within this many bps of the mid (|p − M|/M·1e4 ≤ withinBps, M = (bidPrice0 +
   * askPrice0)/2): depth "within x bps" as well as "within N levels". Default: no price limit.
   */
  withinBps?: number;
  /** Time column for the time weights; default "localTimestamp". */
  time?: string;
  /** Window of the time-weighted averages; default [first row time, last row time]. */
  startUs?: number;
  endUs?: number;
}

/** Columns of the per-row depth frame. */
export type DepthColumns = {
  /** The row's time (the `time` column). */
  timestamp: Float64Array;
  /** Σ bidAmount_i over the counted levels, base units. */
  bidDepth: Float64Array;
  /** Σ askAmount_i, base units. */
  askDepth: Float64Array;
  /** Σ bidPrice_i·bidAmount_i, quote currency. */
  bidDepthQuote: Float64Array;
  /** Σ askPrice_i·askAmount_i, quote currency. */
  askDepthQuote: Float64Array;
  /** (bidDepth − askDepth)/(bidDepth + askDepth) ∈ [−1, 1] (base units); NaN when both are 0. */
  imbalance: Float64Array;
  /** (bidAmount0 − askAmount0)/(bidAmount0 + askAmount0): top-of-book imbalance. */
  topImbalance: Float64Array;
  /** Levels counted on the bid side (missing or out-of-band levels are not). */
  bidLevels: Float64Array;
  /** Levels counted on the ask side. */
  askLevels: Float64Array;
};

/** Time-weighted averages of the depth columns. */
export interface DepthAverages {
  bidDepth: number;
  askDepth: number;
  bidDepthQuote: number;
  askDepthQuote: number;
  /** Time-weighted mean of the per-row imbalance (not the imbalance of the mean depths). */
  imbalance: number;
  topImbalance: number;
  /** Time covered, µs. */
  durationUs: number;
}

/** Result of `depthAtLevels`. */
export interface DepthResult {
  frame: Frame<DepthColumns>;
  /** Each row weighted by how long it prevailed: until the next row, the last until `endUs`. */
  timeWeighted: DepthAverages;
  levels: number;
}

function col(book: Frame, name: string): NumericColumn {
  if (!book.has(name)) throw new ArgumentError(`depthAtLevels: book has no column "${name}"; replay with { depth: N } or load a book_snapshot file`, { file: "book frame", field: name });
  const c = book.columns[name];
  if (!isNumeric(c)) throw new ArgumentError(`depthAtLevels: column "${name}" is not numeric`, { file: "book frame", field: name });
  return c;
}

/**
 * Depth in the best N levels per side, for every book row: bidDepth = Σ_{i<N} bidAmount_i (base units),
 * bidDepthQuote = Σ bidPrice_i·bidAmount_i (quote currency), likewise for asks; imbalance =
 * (bidDepth − askDepth)/(bidDepth + askDepth); topImbalance = (bidAmount0 − askAmount0)/(bidAmount0 + askAmount0).
 * Missing levels (NaN) add nothing; `withinBps` also drops levels farther than that from the mid. Time-weighted
 * averages weight each row by the time until the next (Σ x·τ / Σ τ, NaN rows skipped). Convention: depth counts
 * levels, not ticks (an empty tick between two levels is not a level). O(rows·N).
 */
export function depthAtLevels(book: Frame, opts: DepthOptions): DepthResult {
  const N = opts.levels;
  if (!Number.isInteger(N) || N < 1) throw new ArgumentError(`depthAtLevels: levels must be an integer >= 1, got ${N}`, { field: "levels" });
  const within = opts.withinBps;
  if (within !== undefined && !(within >= 0)) throw new ArgumentError(`depthAtLevels: withinBps must be >= 0`, { field: "withinBps" });
  const timeName = opts.time ?? "localTimestamp";
  const t = col(book, timeName);
  const bad = firstUnsorted(t);
  if (bad >= 0) throw new DataError(`depthAtLevels: time column "${timeName}" is not non-decreasing at row ${bad}`, { file: "book frame", line: bad + 1, field: timeName }, "line = frame row + 1");
  const bp: NumericColumn[] = [], ba: NumericColumn[] = [], ap: NumericColumn[] = [], aa: NumericColumn[] = [];
  for (let i = 0; i < N; i++) {
    bp.push(col(book, levelColumn("bid", "Price", i)));
    ba.push(col(book, levelColumn("bid", "Amount", i)));
    ap.push(col(book, levelColumn("ask", "Price", i)));
    aa.push(col(book, levelColumn("ask", "Amount", i)));
  }
  const n = book.length;
  const bidD = new Float64Array(n), askD = new Float64Array(n), bidQ = new Float64Array(n), askQ = new Float64Array(n);
  const imb = new Float64Array(n), top = new Float64Array(n), bl = new Float64Array(n), al = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const mid = 0.5 * (bp[0][r] + ap[0][r]);
    const lo = within === undefined ? -Infinity : mid * (1 - within * 1e-4);
    const hi = within === undefined ? Infinity : mid * (1 + within * 1e-4);
    let sb = 0, sa = 0, qb = 0, qa = 0, nb = 0, na = 0;
    for (let i = 0; i < N; i++) {
      const p = bp[i][r], a = ba[i][r];
      if (p === p && a === a && (within === undefined || p >= lo)) {
        sb += a;
        qb += p * a;
        nb++;
      }
      const p2 = ap[i][r], a2 = aa[i][r];
      if (p2 === p2 && a2 === a2 && (within === undefined || p2 <= hi)) {
        sa += a2;
        qa += p2 * a2;
        na++;
      }
    }
    bidD[r] = sb; askD[r] = sa; bidQ[r] = qb; askQ[r] = qa; bl[r] = nb; al[r] = na;
    imb[r] = sb + sa > 0 ? (sb - sa) / (sb + sa) : NaN;
    const b0 = ba[0][r], a0 = aa[0][r];
    top[r] = b0 + a0 > 0 ? (b0 - a0) / (b0 + a0) : NaN;
  }
  const start = opts.startUs ?? (n > 0 ? t[0] : 0);
  const end = opts.endUs ?? (n > 0 ? t[n - 1] : 0);
  const tw = (v: Float64Array) => timeWeightedMean(t, v, start, end);
  const dur = timeWeightedMean(t, new Float64Array(n), start, end);
  const ts = t instanceof Float64Array ? t : Float64Array.from(t);
  return {
    frame: new Frame<DepthColumns>({ timestamp: ts, bidDepth: bidD, askDepth: askD, bidDepthQuote: bidQ, askDepthQuote: askQ, imbalance: imb, topImbalance: top, bidLevels: bl, askLevels: al }),
    timeWeighted: {
      bidDepth: tw(bidD).mean, askDepth: tw(askD).mean, bidDepthQuote: tw(bidQ).mean, askDepthQuote: tw(askQ).mean,
      imbalance: tw(imb).mean, topImbalance: tw(top).mean, durationUs: dur.durationUs,
    },
    levels: N,
  };
}

/**
 * Time-weighted mean of a step series: value i holds on [t_i, t_{i+1}) (the last until `endUs`), clipped to
 * [startUs, endUs); Σ v_i·τ_i / Σ τ_i over finite values; also Σ τ (µs). O(n).
 */
export function timeWeightedMean(times: ArrayLike<number>, values: ArrayLike<number>, startUs: number, endUs: number): { mean: number; durationUs: number } {
  const n = times.length;
  if (values.length !== n) throw new ArgumentError(`timeWeightedMean: ${values.length} values for ${n} times`, { field: "values" });
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const a = Math.max(times[i], startUs);
    const b = Math.min(i + 1 < n ? times[i + 1] : endUs, endUs);
    if (!(b > a)) continue;
    num += v * (b - a);
    den += b - a;
  }
  return { mean: num / den, durationUs: den };
}
