/**
 * Fill-intensity calibration: λ(δ) = A·e^(−kδ), the rate at which market orders reach depth δ from the mid
 * (Avellaneda & Stoikov 2008, §2.4; Guéant, Lehalle & Fernandez-Tapia 2013), and the mid volatility σ.
 * Together A, k and σ are the inputs of `avellanedaStoikovQuotes` / `glftQuotes`.
 *
 * Units (the models need them consistent):
 * - A in arrivals per time unit (`timeUnitSec`, default 1 s), per side;
 * - k in 1/depth unit: 1/price (quote currency) with `depthUnit: "price"` (the default and what A-S/GLFT need);
 *   with "bps" or "relative" k is per bp / per unit of relative depth, k_price = k_bps·10⁴/M̄ (M̄ the mean mid);
 * - σ (from `estimateMidVolatility`) in price per √(time unit), the arithmetic Brownian mid of A-S.
 *
 * Estimation, step by step:
 * 1. Each trade is put beside the quote prevailing before it (as-of join, `asofIndex`; by default strictly
 *    before the trade time), whose mid M = (bid + ask)/2. The depth reached by a buy market order at price P is
 *    δ = P − M, by a sell δ = M − P.
 * 2. One aggressive order that sweeps several levels prints several fills (same exchange time, same side).
 *    A-S model arrivals of market orders, not fills: counting each fill would multiply the arrival rate by the
 *    number of levels swept and weight the shallow levels once per deep order. With `aggregateFills` (default
 *    true) consecutive fills with the same `groupTime` (default the exchange `timestamp`) and side form one
 *    arrival, at the time and mid of its first fill, whose depth is that of the furthest price.
 * 3. For each δ of the grid, N(δ) = #arrivals with depth ≥ δ, and λ(δ) = N(δ)/E with E the exposure: the window
 *    length in time units, times 2 when `side` is "both" (A-S λ is a per-side rate: "both" is the average of the
 *    buy-side and sell-side intensities, (N_buy + N_sell)/(2T)). Counts, not volume: arrivals are a Poisson process.
 * 4. Fit. "ols" (default): log λ = log A − kδ by least squares over the bins of `fitRange` with N ≥ `minCount`
 *    (zero-count bins have no logarithm; they are excluded and counted). The bins are nested (N(δ) counts every
 *    arrival that N(δ′) counts for δ′ > δ), so the residuals are strongly correlated and the classic OLS standard
 *    errors are wrong (on synthetic data about 5× too small). The reported `stdErrors` are instead the sandwich
 *    (X'X)⁻¹X'ΩX(X'X)⁻¹ with Ω_ab = Cov(log N_a, log N_b) ≈ 1/N_min(a,b) (nested Poisson counts, delta method,
 *    observed counts plugged in); the classic ones stay in `ols`. "poisson": maximum likelihood on the DISJOINT bins
 *    [δ_j, δ_{j+1}) and the tail [δ_m, ∞) of the fit range, whose counts n_j are independent Poisson with means
 *    E·A·(e^(−kδ_j) − e^(−kδ_{j+1})) (tail E·A·e^(−kδ_m)): the exact likelihood of the nested counts, zero bins
 *    included, with expected-Fisher-information standard errors. It weights bins by their counts, OLS on logs weights
 *    every bin alike: on real data, where the depth distribution is not exactly exponential, the two differ.
 *    (Log link in A; the profile in k is concave, solved by safeguarded Newton.)
 * 5. Fit quality, for either method: Poisson deviance D = 2Σ[n log(n/μ) − (n − μ)] and Pearson X² = Σ(n − μ)²/μ over
 *    those disjoint bins, with df = bins − 2 and the χ² p-value of D (valid for the MLE when the expected counts are
 *    not small, say ≥ 5), and R² of log λ against the fitted log λ over the bins with N > 0.
 * A and its standard error: A = e^(log A), se(A) = A·se(log A) (delta method).
 */
import { ArgumentError, DataError } from "../errors";
import type { Frame, NumericColumn } from "../frame/frame";
import { isNumeric } from "../frame/frame";
import { asofIndex } from "../frame/asof";
import { chiSquareSf } from "../frame/gamma";
import { ols, type OlsResult } from "../frame/ols";
import { IssueLog, type LoadIssue } from "../data/loadReport";

const FILE = "src/inventory/intensity.ts";

// ---------------------------------------------------------------------------------------------------------------
// options and results
// ---------------------------------------------------------------------------------------------------------------

/** Which market orders to count: buys (they lift asks: the ask quote's fills), sells (hit bids), or both averaged. */
export type IntensitySide = "both" | "buy" | "sell";
/** Unit of δ: absolute price (quote currency), basis points of the mid, or relative (fraction of the mid). */
export type DepthUnit = "price" | "bps" | "relative";
/** Fit of λ(δ) = A e^(−kδ): least squares on log λ, or Poisson maximum likelihood on disjoint bins. */
export type IntensityMethod = "ols" | "poisson";

/** Options of `calibrateIntensity`. */
export interface IntensityOptions {
  /** δ grid, ascending, ≥ 0, in `depthUnit`. Either this or `maxDepth` + `step`. */
  depths?: ArrayLike<number>;
  /** Largest δ of a regular grid minDepth, minDepth + step, … ≤ maxDepth (in `depthUnit`). */
  maxDepth?: number;
  /** Step of the regular grid (> 0, in `depthUnit`). */
  step?: number;
  /** First δ of the regular grid; default 0. */
  minDepth?: number;
  /** Unit of δ and of the grid; default "price" (k in 1/price, as A-S and GLFT need). */
  depthUnit?: DepthUnit;
  /**
   * An arrival reaches δ when depth ≥ δ − depthTolerance (in `depthUnit`, ≥ 0). Depths are differences of prices near
   * tick multiples (e.g. 61000.01 − 61000.005), whose float64 rounding (~1e-11) would otherwise make a depth that is
   * exactly a grid point miss it. Default 1e-9 of the price scale: 1e-9·M̄ for "price" (M̄ the mean mid of the
   * arrivals), 1e-5 for "bps", 1e-9 for "relative" — far below any tick, far above the rounding.
   */
  depthTolerance?: number;
  /** Side counted; default "both" (average of the two per-side intensities; exposure 2T). */
  side?: IntensitySide;
  /** Fit method; default "ols". */
  method?: IntensityMethod;
  /** Inclusive δ range of the bins used by the fit; default the whole grid. */
  fitRange?: readonly [number, number];
  /** OLS only: bins with fewer arrivals are excluded (counted in `zeroBins` / `lowCountBins`); default 1, ≥ 1. */
  minCount?: number;
  /** Time unit of λ and A, in seconds; default 1 (A per second). E.g. 60 for per minute, 86400 per day. */
  timeUnitSec?: number;
  /** Group the fills of one aggressive order into one arrival (see the module comment); default true. */
  aggregateFills?: boolean;
  /** Trade column that identifies one aggressive order together with the side; default "timestamp" (exchange time). */
  groupTime?: string;
  /** Trade time column for the as-of join; default "localTimestamp". */
  tradeTime?: string;
  /** Quote time column; default "localTimestamp" (Binance spot bookTicker has no exchange time). */
  quoteTime?: string;
  /** A quote is usable only from its time + lagUs on (µs, ≥ 0); default 0. */
  lagUs?: number;
  /** Whether a quote at exactly trade time − lagUs may be used; default false (strictly before the trade). */
  allowExact?: boolean;
  /** Trade directions (+1 buy / −1 sell aggressor, 0 unknown); default the trades' `side` column. */
  sideColumn?: ArrayLike<number>;
  /** Observation window start, µs on the trade clock; default the first quote time + lagUs (when the mid becomes known). */
  startUs?: number;
  /** Observation window end, µs; default the later of the last trade and last quote times. */
  endUs?: number;
}

/** The intensity-vs-depth table. */
export interface IntensityGrid {
  /** δ, in the result's `depthUnit`. */
  depth: Float64Array;
  /** N(δ): arrivals of the counted side(s) with depth ≥ δ. */
  count: Float64Array;
  /** Same for buy arrivals only (whatever `side`). */
  countBuy: Float64Array;
  /** Same for sell arrivals only. */
  countSell: Float64Array;
  /** λ(δ) = N(δ)/exposure, arrivals per time unit (per side). */
  intensity: Float64Array;
  /** Fitted A·e^(−kδ). */
  fitted: Float64Array;
  /** 1 where the bin entered the fit. */
  used: Uint8Array;
}

/** Goodness of fit on the disjoint bins of the fit range (see the module comment). */
export interface IntensityFitQuality {
  /** Poisson deviance 2Σ[n log(n/μ) − (n − μ)]. */
  deviance: number;
  /** Pearson Σ(n − μ)²/μ. */
  pearsonChi2: number;
  /** Number of disjoint bins (including the tail bin). */
  bins: number;
  /** bins − 2. */
  df: number;
  /** P(χ²_df ≥ deviance); NaN when df < 1. */
  pValue: number;
  /** Smallest expected count μ among the bins (the χ² approximation wants ≥ ~5). */
  minExpected: number;
}

/** Result of `calibrateIntensity`. */
export interface IntensityCalibration {
  /** Arrival rate at δ = 0, per time unit, per side. */
  A: number;
  /** Decay, per depth unit (1/price by default). */
  k: number;
  /** log A. */
  logA: number;
  /** Standard errors; se(A) = A·se(log A) (delta method). "ols": nested-Poisson sandwich; "poisson": Fisher information (module comment). */
  stdErrors: { A: number; k: number; logA: number };
  /** Covariance of (log A, k), row-major 2×2. */
  cov: Float64Array;
  method: IntensityMethod;
  grid: IntensityGrid;
  /** R² of log λ on the fitted log λ, over bins in the fit range with N > 0 (the OLS R² for "ols"). */
  r2: number;
  fitQuality: IntensityFitQuality;
  /** Window length T, seconds. */
  durationSec: number;
  /** Exposure E = T/timeUnitSec × (2 for "both", else 1). */
  exposure: number;
  timeUnitSec: number;
  depthUnit: DepthUnit;
  side: IntensitySide;
  /** Arrivals of the counted side(s) with a known depth (the n behind N(δ)); includes those below the mid. */
  n: number;
  /** Trades read. */
  nTrades: number;
  /** Bins of the fit range excluded by the OLS fit because N = 0, and because 0 < N < minCount. */
  zeroBins: number;
  lowCountBins: number;
  /** Bins used by the fit. */
  binsUsed: number;
  /** Mean of the mids at the counted arrivals (converts a bps or relative k to 1/price: k·10⁴/M̄ or k/M̄). */
  meanMid: number;
  /** The tolerance used when counting (see `IntensityOptions.depthTolerance`). */
  depthTolerance: number;
  /** Depth of every counted arrival (`depthUnit`), in time order, with its side (+1 buy, −1 sell) and time (µs). */
  arrivals: { depth: Float64Array; side: Int8Array; time: Float64Array };
  /** Window, µs. */
  startUs: number;
  endUs: number;
  /** Trades and quotes not used, by reason (also as `issues`). */
  dropped: {
    /** Trades with no quote before them (before the first quote + lag). */
    beforeFirstQuote: number;
    /** Trades whose prevailing quote is crossed (bid > ask) or has an empty side (NaN). */
    invalidQuote: number;
    /** Trades with side 0 (unknown aggressor). */
    unknownSide: number;
    /** Trades outside [startUs, endUs]. */
    outsideWindow: number;
    /** Fills merged into an earlier fill of the same aggressive order (aggregateFills). */
    mergedFills: number;
    /** Arrivals of the side not counted (side "buy" or "sell"). */
    otherSide: number;
  };
  /** Quotes that were crossed (bid > ask) or had an empty side; trades they prevail over are dropped. */
  invalidQuotes: { crossed: number; empty: number };
  /** Counted arrivals at a price on the wrong side of the mid (δ < −depthTolerance, e.g. a stale quote): kept in `n`, never reach δ ≥ 0. */
  belowMid: number;
  issues: LoadIssue[];
  /** The OLS regression of log λ on δ (method "ols"), for diagnostics. */
  ols?: OlsResult;
}

// ---------------------------------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------------------------------

function numCol(f: Frame, name: string, what: string, fn: string): NumericColumn {
  if (!f.has(name)) throw new ArgumentError(`${fn}: ${what} frame has no column "${name}"; columns are: ${f.names.join(", ")}`, { file: `${what} frame`, field: name });
  const c = f.columns[name];
  if (!isNumeric(c)) throw new ArgumentError(`${fn}: ${what} column "${name}" is a string column, not numeric`, { file: `${what} frame`, field: name });
  return c;
}

function positive(v: number | undefined, def: number, field: string, fn: string): number {
  const x = v ?? def;
  if (!(x > 0) || !Number.isFinite(x)) throw new ArgumentError(`${fn}: ${field} must be a finite number > 0, got ${v}`, { file: FILE, field });
  return x;
}

/** A quote price must be NaN (empty side) or finite and > 0 (DataError naming the row and field otherwise). */
function checkQuotePrices(b: number, a: number, j: number, fn: string): void {
  for (const [v, field] of [[b, "bidPrice"], [a, "askPrice"]] as const) {
    if (v === v && !(v > 0 && v < Infinity)) {
      throw new DataError(`${fn}: quote ${field} ${v} is not NaN (empty side) or a finite number > 0`, { file: "quotes frame", line: j + 1, field }, "line = frame row + 1");
    }
  }
}

/** The δ grid from `depths` or `maxDepth` + `step` (+ `minDepth`), validated. */
function buildGrid(opts: IntensityOptions, fn: string): Float64Array {
  if (opts.depths !== undefined) {
    if (opts.maxDepth !== undefined || opts.step !== undefined) throw new ArgumentError(`${fn}: give either depths or maxDepth + step, not both`, { file: FILE, field: "depths" });
    const g = Float64Array.from(opts.depths as ArrayLike<number>);
    if (g.length < 2) throw new ArgumentError(`${fn}: depths needs at least 2 values, got ${g.length}`, { file: FILE, field: "depths" });
    for (let i = 0; i < g.length; i++) {
      if (!(g[i] >= 0) || !Number.isFinite(g[i])) throw new ArgumentError(`${fn}: depths[${i}] = ${g[i]} is not a finite number >= 0`, { file: FILE, field: "depths" });
      if (i > 0 && !(g[i] > g[i - 1])) throw new ArgumentError(`${fn}: depths must be strictly increasing; depths[${i}] = ${g[i]} <= depths[${i - 1}] = ${g[i - 1]}`, { file: FILE, field: "depths" });
    }
    return g;
  }
  if (opts.maxDepth === undefined || opts.step === undefined) throw new ArgumentError(`${fn}: give the δ grid as depths, or as maxDepth + step`, { file: FILE, field: "depths" });
  const step = positive(opts.step, NaN, "step", fn);
  const lo = opts.minDepth ?? 0;
  if (!(lo >= 0) || !Number.isFinite(lo)) throw new ArgumentError(`${fn}: minDepth must be a finite number >= 0, got ${opts.minDepth}`, { file: FILE, field: "minDepth" });
  const hi = opts.maxDepth;
  if (!(hi > lo) || !Number.isFinite(hi)) throw new ArgumentError(`${fn}: maxDepth must be finite and > minDepth (${lo}), got ${hi}`, { file: FILE, field: "maxDepth" });
  // tolerance so that e.g. maxDepth 1, step 0.1 includes 1 despite 10 × 0.1 rounding
  const m = Math.floor((hi - lo) / step + 1e-9);
  if (m + 1 > 1e6) throw new ArgumentError(`${fn}: the grid would have ${m + 1} points (max 1e6); use a larger step`, { file: FILE, field: "step" });
  if (m < 1) throw new ArgumentError(`${fn}: the grid from ${lo} to ${hi} by ${step} has fewer than 2 points`, { file: FILE, field: "step" });
  const g = new Float64Array(m + 1);
  for (let i = 0; i <= m; i++) g[i] = lo + i * step;
  return g;
}

// ---------------------------------------------------------------------------------------------------------------
// kernels over typed arrays
// ---------------------------------------------------------------------------------------------------------------

/**
 * N(δ_j) = #{i : depth_i ≥ δ_j − tolerance} for every grid point (the nested "reaches depth δ" counts; tolerance ≥ 0
 * absorbs float rounding of price differences, see `IntensityOptions.depthTolerance`). NaN depths never count.
 * Sorts a copy of the depths, then one binary search per grid point: O(n log n + m log n).
 */
export function countReachingDepths(depths: ArrayLike<number>, grid: ArrayLike<number>, tolerance = 0): Float64Array {
  const d = new Float64Array(depths.length);
  let n = 0;
  for (let i = 0; i < depths.length; i++) if (depths[i] === depths[i]) d[n++] = depths[i];
  const s = d.subarray(0, n).sort();
  const out = new Float64Array(grid.length);
  for (let j = 0; j < grid.length; j++) {
    const g = grid[j] - tolerance;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < g) lo = mid + 1;
      else hi = mid;
    }
    out[j] = n - lo;
  }
  return out;
}

/** Result of `fitIntensity`. */
export interface IntensityFit {
  A: number;
  k: number;
  logA: number;
  stdErrors: { A: number; k: number; logA: number };
  cov: Float64Array;
  r2: number;
  fitQuality: IntensityFitQuality;
  used: Uint8Array;
  zeroBins: number;
  lowCountBins: number;
  binsUsed: number;
  ols?: OlsResult;
}

/**
 * Fits λ(δ) = A·e^(−kδ) to nested counts N(δ_j) (arrivals reaching δ_j) observed over `exposure` time units.
 * "ols": log(N_j/E) = log A − kδ_j by least squares (src/frame/ols.ts) over the grid points in `fitRange` with
 * N_j ≥ minCount, standard errors from the nested-Poisson sandwich (module comment; classic ones in `ols`); "poisson": maximum likelihood on the disjoint bins of the fit range (see the
 * module comment), se from the expected Fisher information Σ μ_j s_j s_jᵀ, s_j = ∂log μ_j/∂(log A, k).
 * Throws a DataError when too few bins carry counts (OLS needs 3, the MLE arrivals in two different bins).
 */
export function fitIntensity(
  grid: ArrayLike<number>,
  count: ArrayLike<number>,
  exposure: number,
  opts: { method?: IntensityMethod; fitRange?: readonly [number, number]; minCount?: number } = {},
): IntensityFit {
  const fn = "fitIntensity";
  const method = opts.method ?? "ols";
  if (method !== "ols" && method !== "poisson") throw new ArgumentError(`${fn}: method must be "ols" or "poisson", got ${JSON.stringify(method)}`, { file: FILE, field: "method" });
  if (grid.length !== count.length) throw new ArgumentError(`${fn}: grid has ${grid.length} points, count has ${count.length}`, { file: FILE, field: "count" });
  if (!(exposure > 0) || !Number.isFinite(exposure)) throw new ArgumentError(`${fn}: exposure must be a finite number > 0, got ${exposure}`, { file: FILE, field: "exposure" });
  const m = grid.length;
  for (let j = 1; j < m; j++) {
    if (!(grid[j] > grid[j - 1])) throw new ArgumentError(`${fn}: grid must be strictly increasing at ${j}`, { file: FILE, field: "grid" });
  }
  const range = opts.fitRange ?? [grid[0], grid[m - 1]];
  if (!Array.isArray(range) || range.length !== 2 || !(range[0] <= range[1]) || !Number.isFinite(range[0]) || !Number.isFinite(range[1])) {
    throw new ArgumentError(`${fn}: fitRange must be [lo, hi] with finite lo <= hi, got ${JSON.stringify(opts.fitRange)}`, { file: FILE, field: "fitRange" });
  }
  const minCount = opts.minCount ?? 1;
  if (!(minCount >= 1) || !Number.isFinite(minCount)) throw new ArgumentError(`${fn}: minCount must be a finite number >= 1, got ${opts.minCount}`, { file: FILE, field: "minCount" });
  // grid points in range (indices)
  const inRange: number[] = [];
  for (let j = 0; j < m; j++) if (grid[j] >= range[0] && grid[j] <= range[1]) inRange.push(j);
  for (let a = 1; a < inRange.length; a++) {
    if (count[inRange[a]] > count[inRange[a - 1]]) throw new ArgumentError(`${fn}: counts must be non-increasing in δ (nested counts N(δ) = arrivals with depth >= δ)`, { file: FILE, field: "count" });
  }
  const used = new Uint8Array(m);
  let zeroBins = 0;
  let lowCountBins = 0;
  let logA = NaN;
  let k = NaN;
  let cov: Float64Array = new Float64Array(4).fill(NaN);
  let olsRes: OlsResult | undefined;

  if (method === "ols") {
    const ys: number[] = [];
    const xs: number[] = [];
    for (const j of inRange) {
      const c = count[j];
      if (c <= 0) zeroBins++;
      else if (c < minCount) lowCountBins++;
      else {
        used[j] = 1;
        ys.push(Math.log(c / exposure));
        xs.push(grid[j]);
      }
    }
    if (ys.length < 3) {
      throw new DataError(`${fn}: only ${ys.length} bins in the fit range [${range[0]}, ${range[1]}] have at least ${minCount} arrivals; OLS needs 3`, { file: FILE, field: "fitRange" }, "widen the fit range, use a finer grid, or method: \"poisson\"");
    }
    olsRes = ols(Float64Array.from(ys), [Float64Array.from(xs)], { names: ["depth"] });
    logA = olsRes.coef[0];
    k = -olsRes.coef[1];
    const c = nestedPoissonOlsCov(Float64Array.from(xs), ys.map((y) => Math.exp(y) * exposure));
    // (logA, k) = (β0, −β1): cov(logA, k) = −cov(β0, β1)
    cov = Float64Array.from([c[0], -c[1], -c[2], c[3]]);
  } else {
    if (inRange.length < 2) throw new DataError(`${fn}: the fit range [${range[0]}, ${range[1]}] holds ${inRange.length} grid point(s); the Poisson fit needs 2`, { file: FILE, field: "fitRange" });
    for (const j of inRange) used[j] = 1;
    const fit = poissonMle(inRange.map((j) => grid[j]), inRange.map((j) => count[j]), exposure, fn);
    logA = fit.logA;
    k = fit.k;
    cov = fit.cov;
  }
  const A = Math.exp(logA);
  const seLogA = Math.sqrt(cov[0]);
  const seK = Math.sqrt(cov[3]);

  // R² of log λ vs fitted log λ over in-range bins with N > 0
  let r2: number;
  if (olsRes) r2 = olsRes.r2;
  else {
    let s = 0;
    let n = 0;
    for (const j of inRange) if (count[j] > 0) { s += Math.log(count[j] / exposure); n++; }
    const mean = s / n;
    let rss = 0;
    let tss = 0;
    for (const j of inRange) {
      if (!(count[j] > 0)) continue;
      const y = Math.log(count[j] / exposure);
      const e = y - (logA - k * grid[j]);
      rss += e * e;
      tss += (y - mean) * (y - mean);
    }
    r2 = tss > 0 ? 1 - rss / tss : NaN;
  }
  const fitQuality = disjointFitQuality(inRange.map((j) => grid[j]), inRange.map((j) => count[j]), exposure, A, k);
  let binsUsed = 0;
  for (let j = 0; j < m; j++) binsUsed += used[j];
  return { A, k, logA, stdErrors: { A: A * seLogA, k: seK, logA: seLogA }, cov, r2, fitQuality, used, zeroBins, lowCountBins, binsUsed, ols: olsRes };
}

/**
 * Covariance of the OLS coefficients (intercept, slope) of log N_j on δ_j when the N_j are NESTED Poisson counts
 * (δ ascending): Cov(N_a, N_b) = μ_max(a,b) (the deeper count), so by the delta method
 * Ω_ab = Cov(log N_a, log N_b) ≈ 1/N_min(a,b) (plug-in observed counts), and Cov(β) = (X'X)⁻¹ X'ΩX (X'X)⁻¹.
 * X'ΩX is summed in O(n) with suffix sums, since Ω_ab depends only on min(a, b).
 */
function nestedPoissonOlsCov(x: Float64Array, N: number[]): Float64Array {
  const n = x.length;
  let sx = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) { sx += x[i]; sxx += x[i] * x[i]; }
  const det = n * sxx - sx * sx;
  const i00 = sxx / det;
  const i01 = -sx / det;
  const i11 = n / det;
  // meat M_pq = Σ_a (1/N_a)[x_ap S_q(a) + x_aq S_p(a) − x_ap x_aq], S_q(a) = Σ_{b ≥ a} x_bq, x_a0 = 1, x_a1 = δ_a
  let m00 = 0;
  let m01 = 0;
  let m11 = 0;
  let s0 = 0;
  let s1 = 0;
  for (let a = n - 1; a >= 0; a--) {
    s0 += 1;
    s1 += x[a];
    const w = 1 / N[a];
    m00 += w * (2 * s0 - 1);
    m01 += w * (s1 + x[a] * s0 - x[a]);
    m11 += w * (2 * x[a] * s1 - x[a] * x[a]);
  }
  // B M B with B = (X'X)⁻¹ symmetric
  const b = [i00, i01, i01, i11];
  const m = [m00, m01, m01, m11];
  const t = [b[0] * m[0] + b[1] * m[2], b[0] * m[1] + b[1] * m[3], b[2] * m[0] + b[3] * m[2], b[2] * m[1] + b[3] * m[3]];
  return Float64Array.from([t[0] * b[0] + t[1] * b[2], t[0] * b[1] + t[1] * b[3], t[2] * b[0] + t[3] * b[2], t[2] * b[1] + t[3] * b[3]]);
}

/** Disjoint-bin counts n_j and log g_j(k), d log g_j/dk for bins [d_j, d_{j+1}) and the tail [d_last, ∞). */
function binTerms(d: number[], k: number, j: number): { logG: number; dLogG: number } {
  const last = j === d.length - 1;
  if (last) return { logG: -k * d[j], dLogG: -d[j] };
  const w = d[j + 1] - d[j];
  const em = Math.expm1(k * w);
  // g = e^{-k d_j} (1 − e^{-k w}); log(1 − e^{−kw}) = log(expm1(kw)) − kw
  return { logG: -k * d[j] + Math.log(em) - k * w, dLogG: -d[j] + w / em };
}

/** Poisson MLE of (log A, k) on disjoint bins built from nested counts N over grid d (see the module comment). */
function poissonMle(d: number[], N: number[], E: number, fn: string): { logA: number; k: number; cov: Float64Array } {
  const m = d.length;
  const n = new Float64Array(m);
  for (let j = 0; j < m; j++) n[j] = j < m - 1 ? N[j] - N[j + 1] : N[j];
  let inner = 0; // arrivals in bins before the tail
  let beyond = 0; // Σ n_j (d_j − d_0)
  for (let j = 0; j < m; j++) {
    if (j < m - 1) inner += n[j];
    beyond += n[j] * (d[j] - d[0]);
  }
  if (!(N[0] > 0) || inner === 0 || beyond === 0) {
    throw new DataError(
      `${fn}: the Poisson fit needs arrivals in at least two disjoint bins of the fit range (N at δ = ${d[0]}: ${N[0]}, arrivals before the tail bin: ${inner})`,
      { file: FILE, field: "fitRange" },
      "widen the fit range or refine the grid",
    );
  }
  // profile score in k: ℓ'(k) = −Σ n_j (d_j − d_0) + Σ_{j<m−1} n_j w_j / expm1(k w_j), decreasing from +∞ to −beyond.
  const score = (k: number): number => {
    let s = -beyond;
    for (let j = 0; j < m - 1; j++) if (n[j] > 0) { const w = d[j + 1] - d[j]; s += (n[j] * w) / Math.expm1(k * w); }
    return s;
  };
  const curv = (k: number): number => {
    let s = 0;
    for (let j = 0; j < m - 1; j++) {
      if (n[j] > 0) {
        const w = d[j + 1] - d[j];
        const em = Math.expm1(k * w);
        s -= (n[j] * w * w * (em + 1)) / (em * em);
      }
    }
    return s;
  };
  // bracket the root
  let lo = 1 / (d[m - 1] - d[0]) * 1e-9;
  let hi = 1 / (d[m - 1] - d[0]);
  let it = 0;
  while (score(hi) > 0 && it++ < 200) { lo = hi; hi *= 2; }
  if (score(lo) < 0 || score(hi) > 0) throw new DataError(`${fn}: could not bracket the Poisson MLE of k`, { file: FILE, field: "k" });
  let k = 0.5 * (lo + hi);
  for (let i = 0; i < 200; i++) {
    const s = score(k);
    if (s > 0) lo = k;
    else hi = k;
    const c = curv(k);
    let next = k - s / c;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - k) <= 1e-14 * Math.abs(k) || hi - lo <= 1e-15 * hi) { k = next; break; }
    k = next;
  }
  const logA = Math.log(N[0] / E) + k * d[0];
  // expected Fisher information of (log A, k): Σ μ_j s_j s_jᵀ, s_j = (1, d log g_j/dk)
  let Iaa = 0;
  let Iak = 0;
  let Ikk = 0;
  for (let j = 0; j < m; j++) {
    const t = binTerms(d, k, j);
    const mu = E * Math.exp(logA + t.logG);
    Iaa += mu;
    Iak += mu * t.dLogG;
    Ikk += mu * t.dLogG * t.dLogG;
  }
  const det = Iaa * Ikk - Iak * Iak;
  const cov = Float64Array.from([Ikk / det, -Iak / det, -Iak / det, Iaa / det]);
  return { logA, k, cov };
}

/** Deviance, Pearson X² and χ² p-value of fitted (A, k) on the disjoint bins of grid points d with nested counts N. */
function disjointFitQuality(d: number[], N: number[], E: number, A: number, k: number): IntensityFitQuality {
  const m = d.length;
  let dev = 0;
  let x2 = 0;
  let minExpected = Infinity;
  for (let j = 0; j < m; j++) {
    const nj = j < m - 1 ? N[j] - N[j + 1] : N[j];
    const t = binTerms(d, k, j);
    // for k <= 0 the tail has infinite mass; the OLS fit can in principle produce it
    const mu = k > 0 || j < m - 1 ? E * A * Math.exp(t.logG) : NaN;
    const muOk = mu > 0 ? mu : NaN;
    minExpected = Math.min(minExpected, muOk);
    dev += 2 * ((nj > 0 ? nj * Math.log(nj / muOk) : 0) - (nj - muOk));
    x2 += ((nj - muOk) * (nj - muOk)) / muOk;
  }
  const df = m - 2;
  return { deviance: dev, pearsonChi2: x2, bins: m, df, pValue: df >= 1 ? chiSquareSf(dev, df) : NaN, minExpected };
}

// ---------------------------------------------------------------------------------------------------------------
// calibration from trades and quotes
// ---------------------------------------------------------------------------------------------------------------

/**
 * Calibrates the fill intensity λ(δ) = A·e^(−kδ) of Avellaneda & Stoikov (2008) from trades and quotes: depth reached
 * by each market order from the prevailing mid, nested counts N(δ) = #arrivals with depth ≥ δ on a δ grid,
 * λ(δ) = N(δ)/E, then a fit of log λ = log A − kδ (OLS, or Poisson MLE on disjoint bins). See the module comment for
 * the steps, the units (A per `timeUnitSec` per side, k per `depthUnit`), the fill aggregation and the caveats.
 * Trades are a TradeFrame (price, side, `tradeTime` and `groupTime` columns), quotes a QuoteFrame (bidPrice,
 * askPrice, `quoteTime`); both sorted by their time columns (DataError otherwise). Trades before the first quote,
 * on a crossed/empty quote, with unknown side or outside the window are dropped and counted (`dropped`, `issues`).
 */
export function calibrateIntensity(trades: Frame, quotes: Frame, opts: IntensityOptions = {}): IntensityCalibration {
  const fn = "calibrateIntensity";
  const side = opts.side ?? "both";
  if (side !== "both" && side !== "buy" && side !== "sell") throw new ArgumentError(`${fn}: side must be "both", "buy" or "sell", got ${JSON.stringify(side)}`, { file: FILE, field: "side" });
  const unit = opts.depthUnit ?? "price";
  if (unit !== "price" && unit !== "bps" && unit !== "relative") throw new ArgumentError(`${fn}: depthUnit must be "price", "bps" or "relative", got ${JSON.stringify(unit)}`, { file: FILE, field: "depthUnit" });
  const method = opts.method ?? "ols";
  if (method !== "ols" && method !== "poisson") throw new ArgumentError(`${fn}: method must be "ols" or "poisson", got ${JSON.stringify(method)}`, { file: FILE, field: "method" });
  const timeUnitSec = positive(opts.timeUnitSec, 1, "timeUnitSec", fn);
  const lagUs = opts.lagUs ?? 0;
  if (!(lagUs >= 0) || !Number.isFinite(lagUs)) throw new ArgumentError(`${fn}: lagUs must be a finite number >= 0, got ${opts.lagUs}`, { file: FILE, field: "lagUs" });
  const grid = buildGrid(opts, fn);
  const aggregate = opts.aggregateFills ?? true;

  const tt = numCol(trades, opts.tradeTime ?? "localTimestamp", "trades", fn);
  const price = numCol(trades, "price", "trades", fn);
  const dir: ArrayLike<number> = opts.sideColumn ?? numCol(trades, "side", "trades", fn);
  if (dir.length !== trades.length) throw new ArgumentError(`${fn}: sideColumn has ${dir.length} entries, trades have ${trades.length} rows`, { file: FILE, field: "sideColumn" });
  const gt = aggregate ? numCol(trades, opts.groupTime ?? "timestamp", "trades", fn) : tt;
  const qt = numCol(quotes, opts.quoteTime ?? "localTimestamp", "quotes", fn);
  const bid = numCol(quotes, "bidPrice", "quotes", fn);
  const ask = numCol(quotes, "askPrice", "quotes", fn);
  const nT = trades.length;
  const nQ = quotes.length;
  if (nQ === 0) throw new DataError(`${fn}: the quotes frame is empty`, { file: "quotes frame" });
  for (let i = 0; i < nT; i++) {
    const p = price[i];
    if (!(p > 0) || p === Infinity) throw new DataError(`${fn}: trade price ${p} is not a finite number > 0`, { file: "trades frame", line: i + 1, field: "price" }, "line = frame row + 1");
  }
  // asofIndex checks both time columns are sorted without NaN (DataError naming the frame and row)
  const qi = asofIndex(tt, qt, lagUs, opts.allowExact ?? false);

  const log = new IssueLog();
  let crossed = 0;
  let empty = 0;
  const badQuote = new Uint8Array(nQ);
  for (let j = 0; j < nQ; j++) {
    const b = bid[j];
    const a = ask[j];
    checkQuotePrices(b, a, j, fn);
    if (b !== b || a !== a) { badQuote[j] = 1; empty++; }
    else if (b > a) { badQuote[j] = 1; crossed++; }
  }
  if (crossed) log.addMany("crossed-quote", "note", "quote with bid > ask; trades it prevails over are dropped", crossed);
  if (empty) log.addMany("empty-quote", "note", "quote with an empty side (NaN price); trades it prevails over are dropped", empty);

  const startUs = opts.startUs ?? qt[0] + lagUs;
  const endUs = opts.endUs ?? Math.max(nT ? tt[nT - 1] : -Infinity, qt[nQ - 1]);
  if (!Number.isFinite(startUs) || !Number.isFinite(endUs) || !(endUs > startUs)) {
    throw new ArgumentError(`${fn}: the window [${startUs}, ${endUs}] µs is empty or not finite`, { file: FILE, field: opts.startUs !== undefined || opts.endUs !== undefined ? "startUs" : "endUs" });
  }
  const durationSec = (endUs - startUs) / 1e6;
  const exposure = (durationSec / timeUnitSec) * (side === "both" ? 2 : 1);

  const aDepth = new Float64Array(nT);
  const aSide = new Int8Array(nT);
  const aTime = new Float64Array(nT);
  let na = 0;
  let beforeFirst = 0;
  let invalid = 0;
  let unknown = 0;
  let outside = 0;
  let merged = 0;
  let other = 0;
  let belowMid = 0;
  let midSum = 0;
  const loc = (i: number) => `trades frame:${i + 1}`;
  // the open aggressive order: its group key and side, and its arrival index (−1 when its first fill was dropped,
  // in which case its further fills are dropped for the same reason)
  let groupOpen = false;
  let open = -1;
  let openKey = NaN;
  let openSide = 0;
  let openMid = NaN;
  let openReason = 0; // 1 outside, 2 unknown side, 3 before first quote, 4 invalid quote
  const drop = (reason: number, i: number): void => {
    if (reason === 1) { outside++; log.add("outside-window", "dropped", "trade outside [startUs, endUs]", loc(i)); }
    else if (reason === 2) { unknown++; log.add("unknown-side", "dropped", "trade with unknown aggressor side (side not ±1)", loc(i)); }
    else if (reason === 3) { beforeFirst++; log.add("before-first-quote", "dropped", "trade with no quote before it", loc(i)); }
    else { invalid++; log.add("invalid-quote", "dropped", "trade whose prevailing quote is crossed or has an empty side", loc(i)); }
  };
  for (let i = 0; i < nT; i++) {
    const s = dir[i];
    const t = tt[i];
    if (aggregate && groupOpen && s === openSide && gt[i] === openKey) {
      if (open < 0) { drop(openReason, i); continue; }
      // a further fill of the open aggressive order: extend its depth to the furthest price
      const dd = s > 0 ? price[i] - openMid : openMid - price[i];
      const v = unit === "price" ? dd : unit === "bps" ? (1e4 * dd) / openMid : dd / openMid;
      if (v > aDepth[open]) aDepth[open] = v;
      merged++;
      continue;
    }
    groupOpen = aggregate && (s === 1 || s === -1);
    openKey = gt[i];
    openSide = s;
    open = -1;
    const j = qi[i];
    const reason = j < 0 ? 3 : t < startUs || t > endUs ? 1 : s !== 1 && s !== -1 ? 2 : badQuote[j] ? 4 : 0;
    if (reason) { openReason = reason; drop(reason, i); continue; }
    const M = 0.5 * (bid[j] + ask[j]);
    const dd = s > 0 ? price[i] - M : M - price[i];
    const v = unit === "price" ? dd : unit === "bps" ? (1e4 * dd) / M : dd / M;
    open = na;
    openMid = M;
    aDepth[na] = v;
    aSide[na] = s;
    aTime[na] = t;
    midSum += M;
    na++;
  }
  // side selection and counts
  const meanMid = na ? midSum / na : NaN;
  const tol = opts.depthTolerance ?? (unit === "price" ? (na ? 1e-9 * meanMid : 0) : unit === "bps" ? 1e-5 : 1e-9);
  if (!(tol >= 0) || !Number.isFinite(tol)) throw new ArgumentError(`${fn}: depthTolerance must be a finite number >= 0, got ${opts.depthTolerance}`, { file: FILE, field: "depthTolerance" });
  const keepIdx = new Int32Array(na);
  let n = 0;
  for (let a = 0; a < na; a++) {
    if (side === "both" || (side === "buy" ? aSide[a] > 0 : aSide[a] < 0)) {
      keepIdx[n++] = a;
      if (aDepth[a] < -tol) belowMid++;
    } else other++;
  }
  if (merged) log.addMany("merged-fill", "note", "fill merged into the arrival of its aggressive order (aggregateFills)", merged);
  if (other) log.addMany("other-side", "dropped", `arrival of the side not counted (side "${side}")`, other);
  if (belowMid) log.addMany("below-mid", "note", "arrival priced on the wrong side of the mid (depth < 0); it reaches no δ >= 0", belowMid);

  const buyD = new Float64Array(na);
  const sellD = new Float64Array(na);
  let nb = 0;
  let ns = 0;
  for (let a = 0; a < na; a++) {
    if (aSide[a] > 0) buyD[nb++] = aDepth[a];
    else sellD[ns++] = aDepth[a];
  }
  const countBuy = countReachingDepths(buyD.subarray(0, nb), grid, tol);
  const countSell = countReachingDepths(sellD.subarray(0, ns), grid, tol);
  const count = new Float64Array(grid.length);
  for (let j = 0; j < grid.length; j++) count[j] = (side !== "sell" ? countBuy[j] : 0) + (side !== "buy" ? countSell[j] : 0);
  const intensity = new Float64Array(grid.length);
  for (let j = 0; j < grid.length; j++) intensity[j] = count[j] / exposure;

  const fit = fitIntensity(grid, count, exposure, { method, fitRange: opts.fitRange, minCount: opts.minCount });
  const fitted = new Float64Array(grid.length);
  for (let j = 0; j < grid.length; j++) fitted[j] = fit.A * Math.exp(-fit.k * grid[j]);
  if (fit.zeroBins) log.addMany("zero-count-bin", "note", "grid point of the fit range with no arrival, excluded from the OLS fit", fit.zeroBins);
  if (fit.lowCountBins) log.addMany("low-count-bin", "note", "grid point of the fit range with fewer than minCount arrivals, excluded from the OLS fit", fit.lowCountBins);

  const arrivals = { depth: new Float64Array(n), side: new Int8Array(n), time: new Float64Array(n) };
  for (let r = 0; r < n; r++) {
    const a = keepIdx[r];
    arrivals.depth[r] = aDepth[a];
    arrivals.side[r] = aSide[a];
    arrivals.time[r] = aTime[a];
  }
  return {
    A: fit.A,
    k: fit.k,
    logA: fit.logA,
    stdErrors: fit.stdErrors,
    cov: fit.cov,
    method,
    grid: { depth: grid, count, countBuy, countSell, intensity, fitted, used: fit.used },
    r2: fit.r2,
    fitQuality: fit.fitQuality,
    durationSec,
    exposure,
    timeUnitSec,
    depthUnit: unit,
    side,
    n,
    nTrades: nT,
    zeroBins: fit.zeroBins,
    lowCountBins: fit.lowCountBins,
    binsUsed: fit.binsUsed,
    meanMid,
    depthTolerance: tol,
    arrivals,
    startUs,
    endUs,
    dropped: { beforeFirstQuote: beforeFirst, invalidQuote: invalid, unknownSide: unknown, outsideWindow: outside, mergedFills: merged, otherSide: other },
    invalidQuotes: { crossed, empty },
    belowMid,
    issues: log.issues,
    ols: fit.ols,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// mid volatility
// ---------------------------------------------------------------------------------------------------------------

/** Options of `estimateMidVolatility`. */
export interface MidVolatilityOptions {
  /** Sampling interval Δ, seconds (> 0); default 1. The mid is sampled previous-tick on the grid start + iΔ. */
  intervalSec?: number;
  /** Time unit of σ, seconds; default 1 (σ per √second). Use the same as `calibrateIntensity`'s timeUnitSec. */
  timeUnitSec?: number;
  /** Quote time column; default "localTimestamp". */
  quoteTime?: string;
  /** Grid start, µs; default the first valid quote's time. */
  startUs?: number;
  /** Grid end, µs; default the last quote's time (the last whole interval before it is the last one used). */
  endUs?: number;
  /** Subtract the mean increment (sample variance, n − 1) instead of the driftless Σr²/n; default false (A-S mid has no drift). */
  demean?: boolean;
}

/** Result of `estimateMidVolatility`. */
export interface MidVolatility {
  /** σ of the mid, price per √(time unit): √(Σ ΔM² / (n·Δ)), Δ in time units. */
  sigma: number;
  /** σ of log mid, per √(time unit) (relative volatility): √(Σ (Δ ln M)² / (n·Δ)). */
  sigmaRel: number;
  /** Approximate standard error of sigma, σ/√(2n) (Gaussian increments). */
  sigmaStdError: number;
  /** Increments used. */
  n: number;
  intervalSec: number;
  timeUnitSec: number;
  /** Mean of the sampled mids. */
  meanMid: number;
  /** Sampled mids (previous tick), and their times, µs. */
  mid: Float64Array;
  time: Float64Array;
  /** Quotes skipped because crossed (bid > ask) or empty-sided: the last valid mid carries forward over them. */
  invalidQuotes: { crossed: number; empty: number };
  issues: LoadIssue[];
}

/**
 * Volatility of the mid M = (bid + ask)/2 as an arithmetic Brownian motion (the A-S mid): sample M previous-tick
 * (the last valid quote at or before each grid time start + iΔ), take increments r_i = M_i − M_{i−1}, and
 * σ² = Σ r_i² / (n·Δ) with Δ = intervalSec/timeUnitSec (driftless; `demean` for the sample variance instead).
 * Units: σ in price per √(time unit), e.g. USDT/√s; sigmaRel the same on ln M (per √time unit; × √(31 536 000) for an
 * annual figure with timeUnitSec 1). Crossed (bid > ask) and empty-sided quotes are skipped and counted. Sampling the
 * mid (not trade prices) avoids most bid-ask bounce; at very short Δ quote flicker still inflates σ — compare Δ = 1 s
 * with 5–10 s (a signature plot) before trusting it. Reference: Andersen, Bollerslev, Diebold & Labys (2001) for
 * realized variance from fixed-interval previous-tick sampling.
 */
export function estimateMidVolatility(quotes: Frame, opts: MidVolatilityOptions = {}): MidVolatility {
  const fn = "estimateMidVolatility";
  const intervalSec = positive(opts.intervalSec, 1, "intervalSec", fn);
  const timeUnitSec = positive(opts.timeUnitSec, 1, "timeUnitSec", fn);
  const qt = numCol(quotes, opts.quoteTime ?? "localTimestamp", "quotes", fn);
  const bid = numCol(quotes, "bidPrice", "quotes", fn);
  const ask = numCol(quotes, "askPrice", "quotes", fn);
  const nQ = quotes.length;
  const log = new IssueLog();
  let crossed = 0;
  let empty = 0;
  let first = -1;
  for (let j = 0; j < nQ; j++) {
    const t = qt[j];
    if (t !== t || (j > 0 && t < qt[j - 1])) throw new DataError(`${fn}: quote time is not non-decreasing (row ${j}: ${t})`, { file: "quotes frame", line: j + 1, field: opts.quoteTime ?? "localTimestamp" }, "sort the quotes by time first");
    const b = bid[j];
    const a = ask[j];
    checkQuotePrices(b, a, j, fn);
    if (b !== b || a !== a) empty++;
    else if (b > a) crossed++;
    else if (first < 0) first = j;
  }
  if (crossed) log.addMany("crossed-quote", "note", "quote with bid > ask skipped (the last valid mid carries forward)", crossed);
  if (empty) log.addMany("empty-quote", "note", "quote with an empty side skipped (the last valid mid carries forward)", empty);
  if (first < 0) throw new DataError(`${fn}: no valid quote (bid <= ask, both present)`, { file: "quotes frame", field: "bidPrice" });
  const startUs = opts.startUs ?? qt[first];
  const endUs = opts.endUs ?? qt[nQ - 1];
  const stepUs = intervalSec * 1e6;
  if (!Number.isFinite(startUs) || !Number.isFinite(endUs)) throw new ArgumentError(`${fn}: startUs and endUs must be finite`, { file: FILE, field: "startUs" });
  const nGrid = Math.floor((endUs - startUs) / stepUs + 1e-9) + 1;
  if (!(nGrid >= 3)) throw new DataError(`${fn}: the window holds ${Math.max(nGrid, 0)} sampling times; need at least 3 (shorten intervalSec)`, { file: FILE, field: "intervalSec" });
  const mid = new Float64Array(nGrid);
  const time = new Float64Array(nGrid);
  let j = 0;
  let last = NaN;
  for (let g = 0; g < nGrid; g++) {
    const t = startUs + g * stepUs;
    while (j < nQ && qt[j] <= t) {
      const b = bid[j];
      const a = ask[j];
      if (b === b && a === a && b <= a) last = 0.5 * (b + a);
      j++;
    }
    mid[g] = last;
    time[g] = t;
  }
  let n = 0;
  let s1 = 0;
  let s2 = 0;
  let l1 = 0;
  let l2 = 0;
  let msum = 0;
  let mcount = 0;
  for (let g = 0; g < nGrid; g++) if (mid[g] === mid[g]) { msum += mid[g]; mcount++; }
  for (let g = 1; g < nGrid; g++) {
    const a = mid[g - 1];
    const b = mid[g];
    if (a !== a || b !== b) continue;
    const r = b - a;
    const lr = Math.log(b / a);
    s1 += r; s2 += r * r; l1 += lr; l2 += lr * lr;
    n++;
  }
  if (n < 2) throw new DataError(`${fn}: fewer than 2 mid increments in the window`, { file: FILE, field: "startUs" });
  const dt = intervalSec / timeUnitSec;
  const demean = opts.demean ?? false;
  const v = demean ? (s2 - (s1 * s1) / n) / (n - 1) : s2 / n;
  const vl = demean ? (l2 - (l1 * l1) / n) / (n - 1) : l2 / n;
  const sigma = Math.sqrt(v / dt);
  return {
    sigma,
    sigmaRel: Math.sqrt(vl / dt),
    sigmaStdError: sigma / Math.sqrt(2 * n),
    n,
    intervalSec,
    timeUnitSec,
    meanMid: msum / mcount,
    mid,
    time,
    invalidQuotes: { crossed, empty },
    issues: log.issues,
  };
}
