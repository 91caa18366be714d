/**
 * Exponentially weighted moving average (EWMA) variance, RiskMetrics style (J.P. Morgan/Reuters 1996,
 * "RiskMetrics — Technical Document", 4th ed., §5.2: λ = 0.94 for daily, 0.97 for monthly data).
 *
 * Timing (no look-ahead after the start): σ²_t is the forecast of the variance of r_t made with returns up to
 * r_{t−1}:
 *   σ²_0 = init,   σ²_t = λ·σ²_{t−1} + (1 − λ)·r²_{t−1}  (t = 1…n),
 * so `variance[t]` (t = 0…n−1) lines up with `returns[t]` (a forecast/realization pair), and `forecast` = σ²_n is
 * the variance forecast for the next, not yet observed, period. EWMA is IGARCH(1,1) without a constant: the
 * h-step forecast is flat, σ²_{n+h} = σ²_n for every h ≥ 1.
 * Units: the returns' units squared, per period of the returns (log-return² per day for daily log returns).
 */
import { ArgumentError, DataError } from "../errors";

/** Options of `ewmaVariance`. */
export interface EwmaOptions {
  /** Decay λ in [0, 1]; default 0.94 (RiskMetrics daily). Weight of r²_{t−j} in σ²_t is (1 − λ)λ^{j−1}. */
  lambda?: number;
  /**
   * Starting variance σ²_0:
   * - "first" (default): r_0² (the first squared return; note σ²_0 then uses r_0 itself, a look-ahead of one
   *   observation at t = 0 only),
   * - "sample": the mean of r_t² over the first `initWindow` returns (default all of them: a look-ahead; pass
   *   `initWindow` to limit it to a burn-in you then discard),
   * - a number ≥ 0: that variance (e.g. an estimate from data before the sample: no look-ahead).
   */
  init?: "first" | "sample" | number;
  /** Returns used by init "sample" (default: all). */
  initWindow?: number;
  /**
   * Subtract the full-sample mean return before squaring (default false: RiskMetrics assumes a zero mean, which
   * is also the better choice at daily and shorter horizons). The full-sample mean is a look-ahead.
   */
  demean?: boolean;
}

/** Result of `ewmaVariance`. */
export interface EwmaResult {
  /** σ²_t for t = 0…n−1: the variance forecast of returns[t] from returns before t. */
  variance: Float64Array;
  /** σ²_n: the forecast for the next period (after the last return); the same for every horizon h ≥ 1. */
  forecast: number;
  /** λ used. */
  lambda: number;
  /** σ²_0 used. */
  initialVariance: number;
  /** Mean subtracted from the returns (0 unless `demean`). */
  mean: number;
}

/**
 * EWMA variance forecasts σ²_t = λσ²_{t−1} + (1−λ)r²_{t−1} with σ²_0 from `init` (see the module comment for the
 * timing and EwmaOptions for initialization). Limits: λ = 0 gives σ²_t = r²_{t−1} (yesterday's squared return);
 * λ = 1 gives σ²_t = σ²_0 (no updating). Non-finite returns throw DataError naming the row.
 * Reference: RiskMetrics Technical Document (1996), eq. 5.3 (recursive form).
 * @param returns period returns (log returns, e.g. `logReturns(close)`), in time order
 */
export function ewmaVariance(returns: ArrayLike<number>, opts: EwmaOptions = {}): EwmaResult {
  const lambda = opts.lambda ?? 0.94;
  if (!(lambda >= 0 && lambda <= 1)) throw new ArgumentError(`lambda must be in [0, 1], got ${lambda}`, { field: "lambda" });
  const n = returns.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(returns[i])) throw new DataError(`row ${i}: return must be finite, got ${returns[i]}`, { field: "returns" });
  }
  let mean = 0;
  if (opts.demean) {
    for (let i = 0; i < n; i++) mean += returns[i];
    mean = n > 0 ? mean / n : 0;
  }
  const init = opts.init ?? "first";
  let s0: number;
  if (typeof init === "number") {
    if (!(init >= 0) || !Number.isFinite(init)) throw new ArgumentError(`init variance must be a finite number >= 0, got ${init}`, { field: "init" });
    s0 = init;
  } else if (init === "first") {
    if (n === 0) throw new ArgumentError('init "first" needs at least one return', { field: "init" });
    s0 = (returns[0] - mean) * (returns[0] - mean);
  } else if (init === "sample") {
    const w = opts.initWindow ?? n;
    if (!Number.isInteger(w) || w < 1) throw new ArgumentError(`initWindow must be an integer >= 1, got ${w}`, { field: "initWindow" });
    const m = Math.min(w, n);
    if (m === 0) throw new ArgumentError('init "sample" needs at least one return', { field: "init" });
    let s = 0;
    for (let i = 0; i < m; i++) s += (returns[i] - mean) * (returns[i] - mean);
    s0 = s / m;
  } else {
    throw new ArgumentError(`init must be "first", "sample" or a number, got "${String(init)}"`, { field: "init" });
  }
  const variance = new Float64Array(n);
  let s = s0;
  const w = 1 - lambda;
  for (let t = 0; t < n; t++) {
    variance[t] = s;
    const e = returns[t] - mean;
    s = lambda * s + w * e * e;
  }
  return { variance, forecast: s, lambda, initialVariance: s0, mean };
}

/**
 * The decay λ whose weights halve every `halfLife` periods: λ = 0.5^(1/halfLife) (e.g. RiskMetrics' 0.94 ↔ a
 * half-life of ≈ 11.2 days). The centre of mass of the weights is λ/(1 − λ) periods back.
 */
export function ewmaLambdaFromHalfLife(halfLife: number): number {
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) throw new ArgumentError(`halfLife must be a finite number > 0, got ${halfLife}`, { field: "halfLife" });
  return Math.pow(0.5, 1 / halfLife);
}
