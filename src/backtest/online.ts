/**
 * Trailing online calibration for the model strategies: the mid volatility σ and the fill-intensity curve
 * λ(δ) = A·e^(−kδ), estimated from the data a strategy has received so far (StrategyContext.mids / .trades), over
 * trailing windows, incrementally.
 *
 * Units (what A-S and GLFT need, `src/inventory/avellanedaStoikov.ts`, `glft.ts`):
 * - time in **seconds** (tapes are in µs and converted);
 * - σ in **price per √s** (arithmetic Brownian mid, absolute, not a percentage);
 * - A in **arrivals per second, per side** (market orders reaching depth 0 on one side);
 * - k in **1/price**;
 * - depths δ in price: a buy market order at price P with prevailing mid M reaches δ = P − M, a sell δ = M − P.
 *
 * Cost: trades are read once each (a cursor moves forward; a trimmed tape is re-synchronized by time); the MidTape is
 * never scanned row by row — σ samples it on its grid and each trade finds its prevailing mid by a galloping search
 * from the previous one — so the cost does not grow with the book's update rate. σ is a running sum over a ring of
 * squared grid increments, O(1) per grid step. The intensity fit (an O(n) histogram count, then the Poisson MLE or
 * OLS of `fitIntensity`) runs only every `recalibrateSec`, over the arrivals of the trailing window: amortized, never
 * per tick over all history. Deterministic (no randomness, no wall clock); `reset()` returns to the initial state.
 */
import type { MidTape, StrategyContext, TradeTape } from "./types";
import { ArgumentError, MakerlabError } from "../errors";
import { fitIntensity, type IntensityMethod } from "../inventory/intensity";

const FILE = "src/backtest/online.ts";

function posOpt(v: unknown, def: number, field: string, fn: string, integer = false): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0) || (integer && !Number.isInteger(v))) {
    throw new ArgumentError(`${fn}: ${field} must be a finite ${integer ? "integer" : "number"} > 0, got ${String(v)}`, { file: FILE, field });
  }
  return v;
}

/**
 * Where to resume reading a growing tape. The tape contract (types.ts) says index 0 is the oldest row *kept*, so an
 * engine may drop old rows; the cursor remembers the index and time of the last row read, and when the row at that
 * index no longer has that time (rows were dropped), it re-finds its place by binary search on time (rows with the
 * same time as the last one read are then taken as read).
 */
class TapeCursor {
  index = 0;
  lastTime = -Infinity;
  resyncs = 0;
  reset(): void {
    this.index = 0;
    this.lastTime = -Infinity;
    this.resyncs = 0;
  }
  start(ts: Float64Array, count: number): number {
    const i = this.index;
    if (i === 0 && this.lastTime === -Infinity) return 0;
    if (i <= count && i > 0 && ts[i - 1] === this.lastTime) return i;
    this.resyncs++;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (ts[m] <= this.lastTime) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  /** Records that rows up to index i − 1 (time t) have been read. */
  done(i: number, t: number): void {
    this.index = i;
    if (i > 0) this.lastTime = t;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// trailing volatility of the mid
// ---------------------------------------------------------------------------------------------------------------

/** Options of `TrailingVolatility`. */
export interface TrailingVolatilityOptions {
  /** Trailing window W, seconds (> 0); it holds round(W/Δ) grid increments. Default 300. */
  windowSec?: number;
  /** Sampling step Δ of the previous-tick grid, seconds (> 0). Default 1. */
  sampleSec?: number;
  /** Increments needed before σ is reported (before that `sigma` is NaN). Default 30. */
  minIncrements?: number;
}

/**
 * Index of the last row of a time-sorted tape with time ≤ t (`strict`: < t), or −1 if none, searching from a hint
 * (the previous answer): gallop forward from the hint, then bisect, O(log distance). A hint past the end, or whose
 * row is already later than t (the engine dropped old rows, shifting indices), restarts the search from 0; this is
 * correct whatever rows were dropped, because the tape stays sorted.
 */
function lastAtOrBefore(ts: Float64Array, count: number, t: number, hint: number, strict: boolean): number {
  if (count === 0) return -1;
  let lo = hint < 0 ? 0 : hint >= count ? count - 1 : hint;
  if (strict ? !(ts[lo] < t) : !(ts[lo] <= t)) {
    lo = 0;
    if (strict ? !(ts[0] < t) : !(ts[0] <= t)) return -1;
  }
  // invariant: ts[lo] qualifies; find hi with ts[hi] not qualifying (or count)
  let step = 1;
  let hi = lo + 1;
  while (hi < count && (strict ? ts[hi] < t : ts[hi] <= t)) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > count) hi = count;
  while (hi - lo > 1) {
    const m = (lo + hi) >>> 1;
    if (strict ? ts[m] < t : ts[m] <= t) lo = m;
    else hi = m;
  }
  return lo;
}

/**
 * Trailing realized volatility of the mid, in price per √s: the mid is sampled previous-tick on a grid of step Δ
 * starting at the first mid received (M(g) = the last mid with time ≤ g), and
 *
 *     σ̂² = Σ (M(g_i) − M(g_{i−1}))² / (n·Δ)       over the last n ≤ round(W/Δ) grid increments,
 *
 * the driftless realized variance of an arithmetic Brownian mid (as `estimateMidVolatility`, Andersen, Bollerslev,
 * Diebold & Labys 2001, here on a trailing window). A grid point is closed only once the local clock has passed it
 * (g < now), so σ̂ at time t uses mids before t only. A gap in the data counts as zero increments (the mid did not
 * change); an invalid sampled mid (≤ 0, NaN) counts as unchanged and is counted in `invalidMids`.
 * Cost: one galloping search of the MidTape per grid point, O(log(rows per Δ)); the mids between grid points are
 * never scanned, so the cost does not grow with the update rate of the book. The running sum is recomputed exactly
 * once per window to stop drift. A call after a gap of more than 10 windows restarts the ring (identical values,
 * last bits of the sum may differ from step-by-step calls).
 */
export class TrailingVolatility {
  readonly windowSec: number;
  readonly sampleSec: number;
  readonly minIncrements: number;
  private readonly stepUs: number;
  private readonly ring: Float64Array;
  private pos = 0;
  private n = 0;
  private sum = 0;
  private pushes = 0;
  private gridMid = NaN;
  private origin = NaN;
  private gridIndex = 0;
  private hint = 0;
  /** Sampled mids that were not finite or ≤ 0 (treated as unchanged). */
  invalidMids = 0;

  constructor(opts: TrailingVolatilityOptions = {}) {
    const fn = "TrailingVolatility";
    this.windowSec = posOpt(opts.windowSec, 300, "windowSec", fn);
    this.sampleSec = posOpt(opts.sampleSec, 1, "sampleSec", fn);
    this.minIncrements = posOpt(opts.minIncrements, 30, "minIncrements", fn, true);
    const cap = Math.round(this.windowSec / this.sampleSec);
    if (cap < 2) throw new ArgumentError(`${fn}: windowSec / sampleSec must be >= 2 (got ${this.windowSec} / ${this.sampleSec})`, { file: FILE, field: "windowSec" });
    if (this.minIncrements > cap) throw new ArgumentError(`${fn}: minIncrements (${this.minIncrements}) exceeds the window's ${cap} increments`, { file: FILE, field: "minIncrements" });
    this.ring = new Float64Array(cap);
    this.stepUs = this.sampleSec * 1e6;
  }

  /** Back to the initial state (no data). */
  reset(): void {
    this.ring.fill(0);
    this.pos = 0;
    this.n = 0;
    this.sum = 0;
    this.pushes = 0;
    this.gridMid = NaN;
    this.origin = NaN;
    this.gridIndex = 0;
    this.hint = 0;
    this.invalidMids = 0;
  }

  private push(v: number): void {
    const cap = this.ring.length;
    if (this.n === cap) this.sum -= this.ring[this.pos];
    else this.n++;
    this.ring[this.pos] = v;
    this.sum += v;
    this.pos = this.pos + 1 === cap ? 0 : this.pos + 1;
    if (++this.pushes % cap === 0) {
      let s = 0;
      for (let i = 0; i < this.n; i++) s += this.ring[i];
      this.sum = s;
    }
  }

  /** M(g): the last mid at or before g (the previous grid value when none is valid). */
  private sample(mids: MidTape, g: number): number {
    const i = lastAtOrBefore(mids.localTimestamp, mids.count, g, this.hint, false);
    if (i < 0) return this.gridMid;
    this.hint = i;
    const m = mids.mid[i];
    if (!(m > 0) || m === Infinity) {
      this.invalidMids++;
      return this.gridMid;
    }
    return m;
  }

  /** Closes the grid points g < now with the mids received so far. */
  update(mids: MidTape, now: number): void {
    const count = mids.count;
    if (this.origin !== this.origin) {
      const ts = mids.localTimestamp;
      const ms = mids.mid;
      let i = 0;
      while (i < count && ts[i] <= now && !(ms[i] > 0 && ms[i] !== Infinity)) {
        this.invalidMids++;
        i++;
      }
      if (i >= count || ts[i] > now) return;
      this.origin = ts[i];
      this.gridMid = ms[i];
      this.gridIndex = 0;
      this.hint = i;
    }
    // last grid index j with origin + j·Δ < now
    const target = Math.ceil((now - this.origin) / this.stepUs) - 1;
    if (target <= this.gridIndex) return;
    const cap = this.ring.length;
    if (target - this.gridIndex > 10 * cap) {
      this.gridIndex = target - cap - 1;
      this.gridMid = this.sample(mids, this.origin + this.gridIndex * this.stepUs);
      this.ring.fill(0);
      this.n = 0;
      this.sum = 0;
      this.pos = 0;
    }
    for (let j = this.gridIndex + 1; j <= target; j++) {
      const v = this.sample(mids, this.origin + j * this.stepUs);
      const d = v - this.gridMid;
      this.push(d * d);
      this.gridMid = v;
    }
    this.gridIndex = target;
  }

  /** σ̂ in price per √s over the window, NaN before `minIncrements` increments. */
  get sigma(): number {
    if (this.n < this.minIncrements) return NaN;
    const v = this.sum / (this.n * this.sampleSec);
    return Math.sqrt(v > 0 ? v : 0);
  }

  /** Grid increments in the window (≤ round(W/Δ)). */
  get increments(): number {
    return this.n;
  }

  /** The mid at the last closed grid point (NaN before any mid). */
  get mid(): number {
    return this.gridMid;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// trailing fill intensity
// ---------------------------------------------------------------------------------------------------------------

/** Options of `TrailingIntensity`. */
export interface TrailingIntensityOptions {
  /** Trailing window, seconds (> 0). Default 600. */
  windowSec?: number;
  /** Depth grid step in price units. Give at most one of depthStep / depthStepTicks / depthStepBps. */
  depthStep?: number;
  /** Depth grid step in ticks. */
  depthStepTicks?: number;
  /** Depth grid step in bps of the mid at the first calibration, rounded up to whole ticks (≥ 1 tick). Default 0.5. */
  depthStepBps?: number;
  /** Grid points δ_j = j·step, j = 0 … depthLevels − 1 (≥ 3). Default 20. */
  depthLevels?: number;
  /** Fit of λ(δ): "poisson" (default; MLE on disjoint bins, copes with sparse windows) or "ols" on log counts. */
  method?: IntensityMethod;
  /** OLS only: bins with fewer arrivals are excluded (fitIntensity's minCount). Default 1. */
  minCount?: number;
  /** Arrivals in the window needed before a fit is attempted. Default 50. */
  minArrivals?: number;
  /** Merge consecutive trades with the same local time and side into one market-order arrival (deepest price). Default true. */
  aggregateFills?: boolean;
}

/** One intensity estimate. */
export interface IntensityEstimate {
  /** Arrivals per second per side at depth 0. */
  A: number;
  /** Decay, 1/price. */
  k: number;
  /** Arrivals in the window. */
  n: number;
  /** Exposure, seconds × 2 sides. */
  exposureSec: number;
  /** The grid step used, price. */
  depthStep: number;
}

/**
 * Trailing estimate of λ(δ) = A·e^(−kδ) (Avellaneda & Stoikov 2008 §2.4): every market-order arrival is put beside
 * the mid prevailing strictly before it (the last MidTape row with an earlier local time) and its depth δ recorded
 * (fills of one aggressive order, same local time and side, merged: its deepest price). At `calibrate(now)` the
 * arrivals of (now − W, now] are counted on the grid (N(δ_j) = arrivals reaching δ_j, `countReachingDepths`) and
 * fitted with `fitIntensity` over the exposure E = 2·min(W, now − first mid) seconds (both sides, A per side).
 * A fit that fails (too few arrivals, too few bins) or gives k ≤ 0 returns null and is counted. Trades with an unknown
 * side (0) or before the first mid are skipped and counted.
 */
export class TrailingIntensity {
  readonly windowSec: number;
  readonly depthLevels: number;
  readonly method: IntensityMethod;
  readonly minArrivals: number;
  readonly minCount: number;
  readonly aggregateFills: boolean;
  private readonly stepPrice: number;
  private readonly stepTicks: number;
  private readonly stepBps: number;
  private step = NaN;
  private grid: Float64Array = new Float64Array(0);
  private times = new Float64Array(1024);
  private depths = new Float64Array(1024);
  private head = 0;
  private tail = 0;
  private counts = new Float64Array(0);
  private readonly tradeCursor = new TapeCursor();
  private midHint = 0;
  private mid = NaN;
  private firstMidUs = NaN;
  // pending aggressive order (fills not yet merged)
  private pTime = NaN;
  private pSide = 0;
  private pDepth = NaN;
  /** Trades skipped: unknown aggressor side, and no mid before them. */
  unknownSide = 0;
  beforeFirstMid = 0;
  /** Fills merged into an earlier fill of the same aggressive order. */
  mergedFills = 0;
  /** Fits attempted that failed or were rejected (k ≤ 0, non-finite). */
  failedFits = 0;

  constructor(opts: TrailingIntensityOptions = {}) {
    const fn = "TrailingIntensity";
    this.windowSec = posOpt(opts.windowSec, 600, "windowSec", fn);
    const given = [opts.depthStep, opts.depthStepTicks, opts.depthStepBps].filter((v) => v !== undefined).length;
    if (given > 1) throw new ArgumentError(`${fn}: give at most one of depthStep, depthStepTicks, depthStepBps`, { file: FILE, field: "depthStep" });
    this.stepPrice = opts.depthStep === undefined ? NaN : posOpt(opts.depthStep, NaN, "depthStep", fn);
    this.stepTicks = opts.depthStepTicks === undefined ? NaN : posOpt(opts.depthStepTicks, NaN, "depthStepTicks", fn);
    this.stepBps = given === 0 ? 0.5 : opts.depthStepBps === undefined ? NaN : posOpt(opts.depthStepBps, NaN, "depthStepBps", fn);
    this.depthLevels = posOpt(opts.depthLevels, 20, "depthLevels", fn, true);
    if (this.depthLevels < 3) throw new ArgumentError(`${fn}: depthLevels must be >= 3, got ${this.depthLevels}`, { file: FILE, field: "depthLevels" });
    const method = opts.method ?? "poisson";
    if (method !== "poisson" && method !== "ols") throw new ArgumentError(`${fn}: method must be "poisson" or "ols", got ${JSON.stringify(method)}`, { file: FILE, field: "method" });
    this.method = method;
    this.minArrivals = posOpt(opts.minArrivals, 50, "minArrivals", fn, true);
    this.minCount = posOpt(opts.minCount, 1, "minCount", fn);
    this.aggregateFills = opts.aggregateFills ?? true;
  }

  /** Back to the initial state. */
  reset(): void {
    this.step = NaN;
    this.grid = new Float64Array(0);
    this.head = 0;
    this.tail = 0;
    this.tradeCursor.reset();
    this.midHint = 0;
    this.mid = NaN;
    this.firstMidUs = NaN;
    this.pTime = NaN;
    this.pSide = 0;
    this.pDepth = NaN;
    this.unknownSide = 0;
    this.beforeFirstMid = 0;
    this.mergedFills = 0;
    this.failedFits = 0;
  }

  /** Arrivals currently stored (the trailing window, plus any not yet trimmed). */
  get stored(): number {
    return this.tail - this.head;
  }

  /** The depth grid step (price), NaN before the first calibration. */
  get depthStep(): number {
    return this.step;
  }

  private pushArrival(t: number, d: number): void {
    if (this.tail === this.times.length) {
      const live = this.tail - this.head;
      if (this.head > 0 && live <= this.times.length / 2) {
        this.times.copyWithin(0, this.head, this.tail);
        this.depths.copyWithin(0, this.head, this.tail);
      } else {
        const nt = new Float64Array(this.times.length * 2);
        const nd = new Float64Array(this.times.length * 2);
        nt.set(this.times.subarray(this.head, this.tail));
        nd.set(this.depths.subarray(this.head, this.tail));
        this.times = nt;
        this.depths = nd;
      }
      this.head = 0;
      this.tail = live;
    }
    this.times[this.tail] = t;
    this.depths[this.tail] = d;
    this.tail++;
  }

  private flushPending(): void {
    if (this.pTime === this.pTime) this.pushArrival(this.pTime, this.pDepth);
    this.pTime = NaN;
    this.pSide = 0;
  }

  /** Reads trades (and the mids before them) received since the last call, with local time ≤ now. */
  update(trades: TradeTape, mids: MidTape, now: number): void {
    const tts = trades.localTimestamp;
    const tp = trades.price;
    const tsd = trades.side;
    const mts = mids.localTimestamp;
    const mm = mids.mid;
    const mCount = mids.count;
    if (this.firstMidUs !== this.firstMidUs && mCount > 0 && mts[0] <= now) this.firstMidUs = mts[0];
    const count = trades.count;
    let i = this.tradeCursor.start(tts, count);
    let lastT = this.tradeCursor.lastTime;
    for (; i < count; i++) {
      const t = tts[i];
      if (t > now) break;
      lastT = t;
      // the mid prevailing strictly before the trade (galloping search from the previous one)
      const j = lastAtOrBefore(mts, mCount, t, this.midHint, true);
      if (j >= 0) {
        this.midHint = j;
        const m = mm[j];
        if (m > 0 && m !== Infinity) this.mid = m;
      }
      const side = tsd[i];
      if (side !== 1 && side !== -1) {
        this.unknownSide++;
        continue;
      }
      if (this.mid !== this.mid) {
        this.beforeFirstMid++;
        continue;
      }
      const d = side > 0 ? tp[i] - this.mid : this.mid - tp[i];
      if (this.aggregateFills && t === this.pTime && side === this.pSide) {
        if (d > this.pDepth) this.pDepth = d;
        this.mergedFills++;
        continue;
      }
      this.flushPending();
      this.pTime = t;
      this.pSide = side;
      this.pDepth = d;
      if (!this.aggregateFills) this.flushPending();
    }
    this.tradeCursor.done(i, lastT);
    // later trades cannot join an order whose time the local clock has passed
    if (this.pTime === this.pTime && this.pTime < now) this.flushPending();
  }

  /**
   * Fits A and k over the arrivals in (now − W, now]; null when there are fewer than `minArrivals`, or the fit fails or
   * is rejected (counted in `failedFits`). The grid step is fixed at the first call that has a mid (`depthStep*`
   * options). `tickSize` is used for the tick-based step and to round the bps step.
   */
  calibrate(now: number, tickSize: number): IntensityEstimate | null {
    const from = now - this.windowSec * 1e6;
    while (this.head < this.tail && this.times[this.head] <= from) this.head++;
    const n = this.tail - this.head;
    if (n < this.minArrivals || this.firstMidUs !== this.firstMidUs) return null;
    if (this.step !== this.step) {
      let step = this.stepPrice;
      if (step !== step && this.stepTicks === this.stepTicks) step = this.stepTicks * tickSize;
      if (step !== step) {
        step = (this.mid * this.stepBps) / 1e4;
        if (tickSize > 0) step = Math.max(1, Math.ceil(step / tickSize - 1e-9)) * tickSize;
      }
      if (!(step > 0) || !Number.isFinite(step)) return null;
      this.step = step;
      this.grid = new Float64Array(this.depthLevels);
      for (let g = 0; g < this.depthLevels; g++) this.grid[g] = g * step;
      this.counts = new Float64Array(this.depthLevels);
    }
    // N(δ_j) on the regular grid δ_j = j·step in O(n + m), no sort: an arrival of depth d reaches δ_j iff
    // d ≥ j·step − tol, i.e. j ≤ floor((d + tol)/step); histogram that last index, then suffix sums
    // (the same counts as countReachingDepths, which sorts).
    const m = this.depthLevels;
    const counts = this.counts;
    counts.fill(0);
    const tol = 1e-9 * (this.mid > 0 ? this.mid : 1);
    const inv = 1 / this.step;
    const dep = this.depths;
    for (let a = this.head; a < this.tail; a++) {
      const x = dep[a] + tol;
      if (!(x >= 0)) continue;
      const b = Math.floor(x * inv);
      counts[b < m ? b : m - 1]++;
    }
    for (let j = m - 2; j >= 0; j--) counts[j] += counts[j + 1];
    const exposureSec = 2 * Math.min(this.windowSec, (now - Math.max(this.firstMidUs, from)) / 1e6);
    if (!(exposureSec > 0)) return null;
    try {
      const fit = fitIntensity(this.grid, counts, exposureSec, { method: this.method, minCount: this.minCount });
      if (!(fit.k > 0) || !Number.isFinite(fit.k) || !(fit.A > 0) || !Number.isFinite(fit.A)) {
        this.failedFits++;
        return null;
      }
      return { A: fit.A, k: fit.k, n, exposureSec, depthStep: this.step };
    } catch (e) {
      if (e instanceof MakerlabError) {
        this.failedFits++;
        return null;
      }
      throw e;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the calibrator the model strategies use
// ---------------------------------------------------------------------------------------------------------------

/** Options of `OnlineCalibrator`. */
export interface OnlineCalibrationOptions {
  /** σ: trailing window (s), sampling step (s), increments needed (see TrailingVolatilityOptions). Defaults 300, 1, 30. */
  volWindowSec?: number;
  volSampleSec?: number;
  minVolIncrements?: number;
  /** Intensity estimator options (window default 600 s, grid, method, minArrivals). */
  intensity?: TrailingIntensityOptions;
  /** Parameters are recalibrated every this many seconds of local time (> 0). Default 60. */
  recalibrateSec?: number;
  /**
   * Priors used until the data gives an estimate (σ price/√s, A 1/s, k 1/price). Without a prior a parameter is NaN
   * until estimated, and the model strategies do not quote.
   */
  prior?: { sigma?: number; A?: number; k?: number };
}

/** Calibrated parameters (piecewise constant between recalibrations). */
export interface OnlineParams {
  /** σ, price per √s. */
  sigma: number;
  /** A, arrivals per second per side. */
  A: number;
  /** k, 1/price. */
  k: number;
  /** Where σ and (A, k) come from now. */
  sigmaSource: "none" | "prior" | "estimate";
  intensitySource: "none" | "prior" | "estimate";
  /** Recalibrations done, and the local time of the last, µs. */
  calibrations: number;
  lastCalibrationUs: number;
  /** Increases at every recalibration that changed a parameter (for caching derived constants). */
  version: number;
}

/**
 * Online calibration of (σ, A, k) for the A-S and GLFT strategies: `update(ctx)` feeds the new mids and trades to a
 * `TrailingVolatility` and a `TrailingIntensity` (O(new rows)), and every `recalibrateSec` (and at the first call)
 * refreshes the parameters: σ from the trailing volatility once it has `minVolIncrements` (and σ̂ > 0), A and k from a trailing
 * intensity fit once it succeeds; until then, and whenever a later fit fails, the previous value is kept (the prior
 * at first, NaN without one). `params` is the current snapshot (mutated in place; copy it to keep it).
 */
export class OnlineCalibrator {
  readonly vol: TrailingVolatility;
  readonly intensity: TrailingIntensity;
  readonly recalibrateSec: number;
  private readonly prior: { sigma: number; A: number; k: number };
  readonly params: OnlineParams;

  constructor(opts: OnlineCalibrationOptions = {}) {
    const fn = "OnlineCalibrator";
    this.vol = new TrailingVolatility({ windowSec: opts.volWindowSec, sampleSec: opts.volSampleSec, minIncrements: opts.minVolIncrements });
    this.intensity = new TrailingIntensity(opts.intensity ?? {});
    this.recalibrateSec = posOpt(opts.recalibrateSec, 60, "recalibrateSec", fn);
    const p = opts.prior ?? {};
    this.prior = {
      sigma: p.sigma === undefined ? NaN : posOpt(p.sigma, NaN, "prior.sigma", fn),
      A: p.A === undefined ? NaN : posOpt(p.A, NaN, "prior.A", fn),
      k: p.k === undefined ? NaN : posOpt(p.k, NaN, "prior.k", fn),
    };
    if ((p.A === undefined) !== (p.k === undefined)) throw new ArgumentError(`${fn}: prior.A and prior.k go together (give both or neither)`, { file: FILE, field: "prior" });
    this.params = { sigma: NaN, A: NaN, k: NaN, sigmaSource: "none", intensitySource: "none", calibrations: 0, lastCalibrationUs: NaN, version: 0 };
    this.reset();
  }

  /** Back to the priors, no data. */
  reset(): void {
    this.vol.reset();
    this.intensity.reset();
    const p = this.params;
    p.sigma = this.prior.sigma;
    p.A = this.prior.A;
    p.k = this.prior.k;
    p.sigmaSource = p.sigma === p.sigma ? "prior" : "none";
    p.intensitySource = p.A === p.A ? "prior" : "none";
    p.calibrations = 0;
    p.lastCalibrationUs = NaN;
    p.version = 0;
  }

  /** σ, A and k are all known (estimated or prior). */
  get ready(): boolean {
    const p = this.params;
    return p.sigma === p.sigma && p.A === p.A && p.k === p.k;
  }

  /** Feeds the data received up to ctx.now; recalibrates when due. Returns the current parameters. */
  update(ctx: StrategyContext): OnlineParams {
    const now = ctx.now;
    this.vol.update(ctx.mids, now);
    this.intensity.update(ctx.trades, ctx.mids, now);
    const p = this.params;
    if (p.lastCalibrationUs !== p.lastCalibrationUs || now - p.lastCalibrationUs >= this.recalibrateSec * 1e6) {
      p.calibrations++;
      p.lastCalibrationUs = now;
      let changed = false;
      const s = this.vol.sigma;
      if (s > 0 && s !== p.sigma) {
        p.sigma = s;
        p.sigmaSource = "estimate";
        changed = true;
      }
      const est = this.intensity.calibrate(now, ctx.tickSize);
      if (est !== null && (est.A !== p.A || est.k !== p.k)) {
        p.A = est.A;
        p.k = est.k;
        p.intensitySource = "estimate";
        changed = true;
      }
      if (changed) p.version++;
    }
    return p;
  }
}
