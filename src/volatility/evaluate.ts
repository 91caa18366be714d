/**
 * Out-of-sample evaluation of volatility forecasts: rolling-origin forecasts that never look ahead, the MSE and
 * QLIKE losses (Patton 2011), Mincer–Zarnowitz regressions with a joint Wald test, the Diebold–Mariano (1995)
 * test with the Harvey–Leybourne–Newbold (1997) small-sample correction, and a ranking table of forecasters.
 *
 * Conventions: every loss takes (proxy, forecast) in that order, the proxy being the realized measure (e.g.
 * daily RV) and the forecast the predicted variance for the same period, both in the same variance units.
 * Arrays are aligned by index: forecast[i] is the prediction of proxy[i], made with data before i.
 */
import { ArgumentError, MakerlabError } from "../errors";
import { chiSquareSf } from "../frame/gamma";
import { normalCdf, ols, twoSidedP } from "../frame/ols";

// ---------------------------------------------------------------------------------------------------------------
// rolling-origin forecasts
// ---------------------------------------------------------------------------------------------------------------

/** What a forecast callback of `rollingOriginForecasts` is told. All ranges are half-open [start, end). */
export interface ForecastOrigin<M> {
  /** Index of the value being forecast. */
  target: number;
  /** Forecast origin: the last index whose data may be used (target − horizon). */
  origin: number;
  /** origin + 1: data in [0, dataEnd) may be used; dataEnd ≤ target always (checked). */
  dataEnd: number;
  /** Training window of the model in use: [trainStart, trainEnd), trainEnd ≤ dataEnd. */
  trainStart: number;
  trainEnd: number;
  /** The model returned by `fit` at the last refit (undefined without `fit`). */
  model: M;
  /** When `series` was given: a view of series[0, dataEnd), so the target cannot be read through it. */
  history: Float64Array;
  /** 0-based number of this forecast. */
  step: number;
}

/** Options of `rollingOriginForecasts`. */
export interface RollingOriginOptions<M> {
  /** Length of the series (number of time indices). */
  n: number;
  /** Observations in the first training window [0, initial); the first origin is initial − 1. */
  initial: number;
  /** Forecast horizon in indices: target = origin + horizon; default 1 (one step ahead). */
  horizon?: number;
  /** Targets are every `step`-th index from the first; default 1. */
  step?: number;
  /** Refit (call `fit`) every `refitEvery` forecasts, reusing the model in between; default 1 (every forecast). */
  refitEvery?: number;
  /** "expanding": train on [0, origin]; "rolling": on the last `windowLength` indices up to the origin. */
  window: "expanding" | "rolling";
  /** Length of the rolling training window; default `initial`. */
  windowLength?: number;
  /** Optional data: each forecast gets `history` = series[0, dataEnd) and the result carries `actual`. */
  series?: ArrayLike<number>;
  /** Estimates a model on [trainStart, trainEnd). */
  fit?: (trainStart: number, trainEnd: number) => M;
  /** Returns the forecast of index `target` (a number; NaN allowed and kept). */
  forecast: (o: ForecastOrigin<M>) => number;
  /** Called after each forecast with (done, total); e.g. a `createProgress` tick. */
  onProgress?: (done: number, total: number) => void;
}

/** Result of `rollingOriginForecasts`, one entry per forecast, in time order. */
export interface RollingOriginResult {
  /** Index forecast. */
  target: Int32Array;
  /** Origin (last index of data used). */
  origin: Int32Array;
  /** Forecast values. */
  forecast: Float64Array;
  /** series[target] when `series` was given (else empty). */
  actual: Float64Array;
  /** Training window used for each forecast. */
  trainStart: Int32Array;
  trainEnd: Int32Array;
  /** Forecasts laid out on the full index (length n): byIndex[target] = forecast, NaN elsewhere. */
  byIndex: Float64Array;
  /** Number of model fits. */
  refits: number;
}

/**
 * Pseudo-out-of-sample forecasts by rolling origin (Tashman 2000; Hyndman & Athanasopoulos, "evaluation on a
 * rolling forecasting origin"): for targets τ = initial − 1 + horizon, then every `step`, up to n − 1, the origin is
 * τ − horizon, a model is (re)fitted on an expanding [0, origin] or rolling window every `refitEvery` forecasts,
 * and `forecast` is called with data up to the origin only. The invariant trainEnd ≤ dataEnd = origin + 1 ≤ τ is
 * asserted for every forecast (a MakerlabError if ever broken); `history` is a subarray that ends before the target.
 */
export function rollingOriginForecasts<M = undefined>(opts: RollingOriginOptions<M>): RollingOriginResult {
  const { n, initial, window } = opts;
  const horizon = opts.horizon ?? 1;
  const step = opts.step ?? 1;
  const refitEvery = opts.refitEvery ?? 1;
  const windowLength = opts.windowLength ?? initial;
  const posInt = (v: number, field: string) => {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`rollingOriginForecasts: ${field} must be a positive integer, got ${v}`, { field });
  };
  posInt(n, "n");
  posInt(initial, "initial");
  posInt(horizon, "horizon");
  posInt(step, "step");
  posInt(refitEvery, "refitEvery");
  posInt(windowLength, "windowLength");
  if (window !== "expanding" && window !== "rolling") throw new ArgumentError(`window must be "expanding" or "rolling", got "${window}"`, { field: "window" });
  if (typeof opts.forecast !== "function") throw new ArgumentError("rollingOriginForecasts: forecast must be a function", { field: "forecast" });
  const first = initial - 1 + horizon;
  if (first >= n) throw new ArgumentError(`rollingOriginForecasts: no target left (initial ${initial} + horizon ${horizon} − 1 ≥ n ${n})`, { field: "initial" });
  let series: Float64Array | null = null;
  if (opts.series !== undefined) {
    if (opts.series.length !== n) throw new ArgumentError(`series has ${opts.series.length} values, n is ${n}`, { field: "series" });
    series = opts.series instanceof Float64Array ? opts.series : Float64Array.from(opts.series);
  }
  const total = Math.floor((n - 1 - first) / step) + 1;
  const target = new Int32Array(total);
  const origin = new Int32Array(total);
  const forecast = new Float64Array(total);
  const trainStart = new Int32Array(total);
  const trainEnd = new Int32Array(total);
  const actual = new Float64Array(series ? total : 0);
  const byIndex = new Float64Array(n).fill(NaN);
  const empty = new Float64Array(0);
  let model = undefined as unknown as M;
  let ts = 0;
  let te = 0;
  let refits = 0;
  for (let i = 0; i < total; i++) {
    const tau = first + i * step;
    const o = tau - horizon;
    const dataEnd = o + 1;
    if (i % refitEvery === 0) {
      te = dataEnd;
      ts = window === "rolling" ? Math.max(0, te - windowLength) : 0;
      if (opts.fit) model = opts.fit(ts, te);
      refits++;
    }
    if (!(te <= dataEnd && dataEnd <= tau && ts >= 0 && ts < te)) {
      throw new MakerlabError(`rollingOriginForecasts: look-ahead guard failed at target ${tau} (train [${ts}, ${te}), data end ${dataEnd})`, { field: "target" });
    }
    const f = opts.forecast({ target: tau, origin: o, dataEnd, trainStart: ts, trainEnd: te, model, history: series ? series.subarray(0, dataEnd) : empty, step: i });
    if (typeof f !== "number") throw new ArgumentError(`forecast for target ${tau} returned ${typeof f}, not a number`, { field: "forecast" });
    target[i] = tau;
    origin[i] = o;
    forecast[i] = f;
    trainStart[i] = ts;
    trainEnd[i] = te;
    if (series) actual[i] = series[tau];
    byIndex[tau] = f;
    if (opts.onProgress) opts.onProgress(i + 1, total);
  }
  return { target, origin, forecast, actual, trainStart, trainEnd, byIndex, refits };
}

// ---------------------------------------------------------------------------------------------------------------
// losses
// ---------------------------------------------------------------------------------------------------------------

/** Per-observation losses and their mean over the finite pairs. */
export interface LossResult {
  /** Loss of each pair (NaN where proxy or forecast is NaN). */
  loss: Float64Array;
  /** Mean over the finite losses. */
  mean: number;
  /** Pairs used. */
  n: number;
  /** Pairs skipped because the proxy or the forecast was NaN. */
  dropped: number;
}

function checkPair(proxy: ArrayLike<number>, forecast: ArrayLike<number>, fn: string): void {
  if (proxy.length !== forecast.length) throw new ArgumentError(`${fn}: proxy has ${proxy.length} values, forecast ${forecast.length}`, { field: "forecast" });
}

function finishLoss(loss: Float64Array): LossResult {
  let s = 0;
  let n = 0;
  for (let i = 0; i < loss.length; i++) {
    if (loss[i] === loss[i]) {
      s += loss[i];
      n++;
    }
  }
  return { loss, mean: n > 0 ? s / n : NaN, n, dropped: loss.length - n };
}

/**
 * Squared-error loss L = (σ̂² − h)², σ̂² the proxy (realized variance), h the forecast, per pair and mean.
 * Robust to a noisy but unbiased proxy in the sense of Patton (2011): the ranking of forecasts is preserved.
 * Units: variance². NaN pairs are skipped and counted; ±Infinity throws.
 */
export function mseLoss(proxy: ArrayLike<number>, forecast: ArrayLike<number>): LossResult {
  checkPair(proxy, forecast, "mseLoss");
  const m = proxy.length;
  const loss = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const a = proxy[i];
    const f = forecast[i];
    if (a !== a || f !== f) {
      loss[i] = NaN;
      continue;
    }
    if (!Number.isFinite(a)) throw new ArgumentError(`mseLoss: proxy at index ${i} is ${a}`, { field: "proxy" });
    if (!Number.isFinite(f)) throw new ArgumentError(`mseLoss: forecast at index ${i} is ${f}`, { field: "forecast" });
    const d = a - f;
    loss[i] = d * d;
  }
  return finishLoss(loss);
}

/**
 * QLIKE loss (Patton 2011, "Volatility forecast comparison using imperfect volatility proxies", J. Econometrics
 * 160, eq. 24): L(σ̂², h) = σ̂²/h − ln(σ̂²/h) − 1, with σ̂² the PROXY (first argument, realized variance) and h the
 * FORECAST variance (second argument); both variances, not volatilities. L ≥ 0 with equality iff h = σ̂²; it
 * penalizes under-prediction more than over-prediction and keeps the ranking of forecasts under a noisy unbiased
 * proxy. Needs σ̂² > 0 and h > 0 (ArgumentError with the index otherwise); NaN pairs are skipped and counted.
 */
export function qlikeLoss(proxy: ArrayLike<number>, forecast: ArrayLike<number>): LossResult {
  checkPair(proxy, forecast, "qlikeLoss");
  const m = proxy.length;
  const loss = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const a = proxy[i];
    const f = forecast[i];
    if (a !== a || f !== f) {
      loss[i] = NaN;
      continue;
    }
    if (!(a > 0) || a === Infinity) {
      throw new ArgumentError(`qlikeLoss: proxy at index ${i} is ${a}; QLIKE needs a positive finite variance proxy`, { field: "proxy" }, "drop zero-variance periods explicitly (and count them) or use mseLoss");
    }
    if (!(f > 0) || f === Infinity) {
      throw new ArgumentError(`qlikeLoss: forecast at index ${i} is ${f}; QLIKE needs a positive finite variance forecast`, { field: "forecast" }, "floor the forecasts (and say so) or use a log model");
    }
    const r = a / f;
    loss[i] = r - Math.log(r) - 1;
  }
  return finishLoss(loss);
}

// ---------------------------------------------------------------------------------------------------------------
// Mincer–Zarnowitz
// ---------------------------------------------------------------------------------------------------------------

/** Options of `mincerZarnowitz`. */
export interface MincerZarnowitzOptions {
  /** Newey–West lags for the covariance (h − 1 at least for h-step forecasts), or "auto"; default "auto". */
  neweyWestLags?: number | "auto";
}

/** Result of `mincerZarnowitz`. */
export interface MincerZarnowitzResult {
  /** Intercept a and slope b of proxy = a + b·forecast + u. */
  a: number;
  b: number;
  /** Newey–West standard errors of a and b. */
  seA: number;
  seB: number;
  /** R² of the regression (Andersen & Bollerslev 1998 report it as forecast quality). */
  r2: number;
  /** Wald statistic of H₀: a = 0, b = 1 (χ² with 2 df), with the NW covariance. */
  wald: number;
  /** p-value of the Wald test. */
  pValue: number;
  /** Observations used, and pairs dropped as non-finite. */
  n: number;
  dropped: number;
  neweyWestLags: number;
}

/**
 * Mincer–Zarnowitz (1969) regression of the proxy on the forecast, σ̂²_t = a + b·h_t + u_t, by OLS with Newey–West
 * (1987) standard errors; an unbiased (efficient) forecast has a = 0 and b = 1. The joint Wald test is
 * W = θ'V⁻¹θ with θ = (a, b − 1) and V the NW covariance, p = 1 − F_{χ²(2)}(W). A perfect fit (zero residuals)
 * gives W = 0 when (a, b) = (0, 1) to 1e-10 and W = ∞ otherwise. Non-finite pairs are dropped and counted.
 */
export function mincerZarnowitz(proxy: ArrayLike<number>, forecast: ArrayLike<number>, opts: MincerZarnowitzOptions = {}): MincerZarnowitzResult {
  checkPair(proxy, forecast, "mincerZarnowitz");
  const fit = ols(proxy, [forecast], { names: ["forecast"], neweyWestLags: opts.neweyWestLags ?? "auto" });
  const a = fit.coef[0];
  const b = fit.coef[1];
  const V = fit.cov.NW!;
  const t0 = a;
  const t1 = b - 1;
  let wald: number;
  const perfect = !(fit.rss > 1e-24 * fit.tss);
  if (perfect) {
    // scale of the proxy (mean |value| of the used rows) for the intercept tolerance
    let scale = 0;
    let used = 0;
    for (let i = 0; i < proxy.length; i++) {
      if (Number.isFinite(proxy[i]) && Number.isFinite(forecast[i])) {
        scale += Math.abs(proxy[i]);
        used++;
      }
    }
    scale = used > 0 ? scale / used : 1;
    wald = Math.abs(t0) <= 1e-10 * scale && Math.abs(t1) <= 1e-10 ? 0 : Infinity;
  } else {
    const det = V[0] * V[3] - V[1] * V[2];
    wald = (V[3] * t0 * t0 - (V[1] + V[2]) * t0 * t1 + V[0] * t1 * t1) / det;
  }
  return {
    a,
    b,
    seA: fit.se.NW![0],
    seB: fit.se.NW![1],
    r2: fit.r2,
    wald,
    pValue: chiSquareSf(wald, 2),
    n: fit.n,
    dropped: fit.dropped,
    neweyWestLags: fit.neweyWestLags,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Diebold–Mariano
// ---------------------------------------------------------------------------------------------------------------

/** Options of `dieboldMariano`. */
export interface DieboldMarianoOptions {
  /** Forecast horizon h; the long-run variance uses autocovariances up to lag h − 1. Default 1. */
  h?: number;
  /** "hln" (default): Harvey–Leybourne–Newbold (1997) corrected statistic against Student t(T−1); "dm": N(0,1). */
  variant?: "dm" | "hln";
  /**
   * Weights of the autocovariances: "rectangular" (default; DM 1995 and HLN 1997, all weight 1 up to h − 1) or
   * "bartlett" (Newey–West 1987, 1 − k/h). If the rectangular variance is not positive, Bartlett is used instead and
   * `kernelUsed` says so.
   */
  kernel?: "rectangular" | "bartlett";
}

/** Result of `dieboldMariano`. */
export interface DieboldMarianoResult {
  /** DM statistic (HLN-corrected for variant "hln"); > 0 means A has the larger loss. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Mean loss differential d̄ = mean(lossA − lossB). */
  meanDiff: number;
  /** "B" when d̄ > 0 (B has lower loss), "A" when d̄ < 0, "equal" when d̄ = 0. Significance is in pValue. */
  better: "A" | "B" | "equal";
  /** Long-run variance of d (not divided by T). */
  longRunVariance: number;
  /** HLN factor √((T + 1 − 2h + h(h−1)/T)/T) (1 for variant "dm"). */
  correction: number;
  /** Pairs used and pairs dropped (NaN in either loss). */
  n: number;
  dropped: number;
  h: number;
  variant: "dm" | "hln";
  kernelUsed: "rectangular" | "bartlett";
  /**
   * Set when the test is undefined: the long-run variance is not positive after the Bartlett fallback (d constant
   * up to rounding, e.g. one loss series shifted by a constant), so statistic and p-value are NaN. Undefined otherwise.
   */
  note?: string;
}

/**
 * Diebold–Mariano (1995) test of equal predictive accuracy on loss series A and B (same targets, aligned):
 * d_t = L_A,t − L_B,t, DM = d̄ / √(V̂/T), V̂ = γ₀ + 2 Σ_{k=1}^{h−1} w_k γ_k, γ_k = (1/T) Σ_{t>k} (d_t − d̄)(d_{t−k} − d̄).
 * Variant "hln" (Harvey, Leybourne & Newbold 1997): DM* = DM·√((T + 1 − 2h + h(h−1)/T)/T), compared with Student
 * t(T − 1); variant "dm": N(0, 1). p-values are two-sided. Swapping A and B flips the sign. A non-positive V̂ with
 * the rectangular kernel falls back to Bartlett weights (1 − k/h), which are positive semi-definite. d ≡ 0 gives
 * statistic 0 and p = 1. When V̂ is still ≤ 0 (or d is constant up to rounding, γ₀ ≤ 1e-20·d̄²) and d̄ ≠ 0, the
 * statistic is undefined (no sampling variation to scale d̄ by): statistic and p-value are NaN and `note` says why
 * (`better` still gives the sign of d̄). Pairs with a NaN loss are dropped and counted (they break the time spacing
 * of the autocovariances, so keep them rare).
 */
export function dieboldMariano(lossA: ArrayLike<number>, lossB: ArrayLike<number>, opts: DieboldMarianoOptions = {}): DieboldMarianoResult {
  if (lossA.length !== lossB.length) throw new ArgumentError(`dieboldMariano: lossA has ${lossA.length} values, lossB ${lossB.length}`, { field: "lossB" });
  const h = opts.h ?? 1;
  const variant = opts.variant ?? "hln";
  const kernel = opts.kernel ?? "rectangular";
  if (!Number.isInteger(h) || h < 1) throw new ArgumentError(`dieboldMariano: h must be a positive integer, got ${h}`, { field: "h" });
  if (variant !== "dm" && variant !== "hln") throw new ArgumentError(`dieboldMariano: variant must be "dm" or "hln", got "${variant}"`, { field: "variant" });
  if (kernel !== "rectangular" && kernel !== "bartlett") throw new ArgumentError(`dieboldMariano: kernel must be "rectangular" or "bartlett", got "${kernel}"`, { field: "kernel" });
  const m = lossA.length;
  const d = new Float64Array(m);
  let T = 0;
  for (let i = 0; i < m; i++) {
    const a = lossA[i];
    const b = lossB[i];
    if (a !== a || b !== b) continue;
    if (!Number.isFinite(a)) throw new ArgumentError(`dieboldMariano: lossA at index ${i} is ${a}`, { field: "lossA" });
    if (!Number.isFinite(b)) throw new ArgumentError(`dieboldMariano: lossB at index ${i} is ${b}`, { field: "lossB" });
    d[T++] = a - b;
  }
  const dropped = m - T;
  if (T < 2) throw new ArgumentError(`dieboldMariano: ${T} usable loss pairs; need at least 2`, { field: "lossA" });
  if (h >= T) throw new ArgumentError(`dieboldMariano: h = ${h} needs more than ${h} loss pairs, got ${T}`, { field: "h" });
  let mean = 0;
  for (let i = 0; i < T; i++) mean += d[i];
  mean /= T;
  const gamma = new Float64Array(h);
  for (let k = 0; k < h; k++) {
    let s = 0;
    for (let t = k; t < T; t++) s += (d[t] - mean) * (d[t - k] - mean);
    gamma[k] = s / T;
  }
  const lrv = (kind: "rectangular" | "bartlett"): number => {
    let v = gamma[0];
    for (let k = 1; k < h; k++) v += 2 * (kind === "rectangular" ? 1 : 1 - k / h) * gamma[k];
    return v;
  };
  let kernelUsed: "rectangular" | "bartlett" = kernel;
  let V = lrv(kernel);
  if (!(V > 0) && kernel === "rectangular" && gamma[0] > 0) {
    kernelUsed = "bartlett";
    V = lrv("bartlett");
  }
  const correction = variant === "hln" ? Math.sqrt((T + 1 - 2 * h + (h * (h - 1)) / T) / T) : 1;
  let statistic: number;
  let pValue: number;
  let note: string | undefined;
  // d constant (γ₀ = 0 up to rounding) or V̂ ≤ 0 after the fallback: exact zero differential → 0 (p 1), otherwise
  // undefined (NaN), not ±∞: there is no variance estimate to test against
  const degenerate = !(gamma[0] > 1e-20 * mean * mean) || !(V > 0);
  if (degenerate && mean === 0) {
    statistic = 0;
    pValue = 1;
  } else if (degenerate) {
    statistic = NaN;
    pValue = NaN;
    note = `long-run variance ${V} ≤ 0 (${kernelUsed} kernel${kernelUsed !== kernel ? ", after the Bartlett fallback" : ""}) or loss differential constant up to rounding (γ₀ = ${gamma[0]}, mean ${mean}): DM statistic undefined`;
  } else {
    statistic = (mean / Math.sqrt(V / T)) * correction;
    pValue = variant === "hln" ? twoSidedP(statistic, T - 1) : 2 * normalCdf(-Math.abs(statistic));
  }
  return {
    statistic,
    pValue,
    meanDiff: mean,
    better: mean > 0 ? "B" : mean < 0 ? "A" : "equal",
    longRunVariance: V,
    correction,
    n: T,
    dropped,
    h,
    variant,
    kernelUsed,
    ...(note !== undefined ? { note } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// forecast table
// ---------------------------------------------------------------------------------------------------------------

/** Options of `forecastTable`. */
export interface ForecastTableOptions {
  /** Loss that ranks the forecasters and that the DM tests use; default "qlike". */
  rankBy?: "qlike" | "mse";
  /** Horizon for the DM long-run variance; default 1. */
  h?: number;
  /** DM variant; default "hln". */
  variant?: "dm" | "hln";
}

/** One forecaster's line in `forecastTable`. */
export interface ForecastTableRow {
  name: string;
  /** 1 = best (lowest mean loss on `rankBy`). */
  rank: number;
  meanQlike: number;
  meanMse: number;
  /** Mean loss relative to the best forecaster's on the ranking loss (1 for the best). */
  relativeLoss: number;
  /** DM statistic of this forecaster vs the best on the ranking loss (> 0: this one has larger loss); NaN for the best. */
  dmStatistic: number;
  /** Two-sided DM p-value vs the best; NaN for the best. */
  dmPValue: number;
}

/** Result of `forecastTable`. */
export interface ForecastTable {
  rows: ForecastTableRow[];
  /** Name of the best forecaster. */
  best: string;
  rankBy: "qlike" | "mse";
  /** Common sample: targets where the proxy and every forecast are non-NaN. */
  n: number;
  /** Targets dropped from the common sample. */
  dropped: number;
}

/**
 * Ranks forecasters of the same proxy by mean QLIKE (default) or MSE on their common sample (targets where the
 * proxy and every forecast are non-NaN; the rest are dropped and counted), and tests each against the best with
 * Diebold–Mariano (HLN-corrected by default) on the ranking loss. Loss conventions as `qlikeLoss` / `mseLoss`.
 */
export function forecastTable(proxy: ArrayLike<number>, forecasts: { [name: string]: ArrayLike<number> }, opts: ForecastTableOptions = {}): ForecastTable {
  const rankBy = opts.rankBy ?? "qlike";
  if (rankBy !== "qlike" && rankBy !== "mse") throw new ArgumentError(`forecastTable: rankBy must be "qlike" or "mse", got "${rankBy}"`, { field: "rankBy" });
  const names = Object.keys(forecasts);
  if (names.length === 0) throw new ArgumentError("forecastTable: no forecasts given", { field: "forecasts" });
  const m = proxy.length;
  for (const nm of names) {
    if (forecasts[nm].length !== m) throw new ArgumentError(`forecastTable: forecast "${nm}" has ${forecasts[nm].length} values, proxy ${m}`, { field: nm });
  }
  const keep = new Uint8Array(m);
  let n = 0;
  for (let i = 0; i < m; i++) {
    let ok = proxy[i] === proxy[i];
    for (let j = 0; ok && j < names.length; j++) ok = forecasts[names[j]][i] === forecasts[names[j]][i];
    if (ok) {
      keep[i] = 1;
      n++;
    }
  }
  if (n < 2) throw new ArgumentError(`forecastTable: ${n} targets where the proxy and every forecast are defined; need at least 2`, { field: "proxy" });
  const sub = (x: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0, r = 0; i < m; i++) if (keep[i]) out[r++] = x[i];
    return out;
  };
  const p = sub(proxy);
  const losses = names.map((nm) => {
    const f = sub(forecasts[nm]);
    const withName = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof ArgumentError) throw new ArgumentError(`forecastTable: forecaster "${nm}": ${e.message}`, { field: nm });
        throw e;
      }
    };
    return { name: nm, qlike: withName(() => qlikeLoss(p, f)), mse: withName(() => mseLoss(p, f)) };
  });
  const key = (l: (typeof losses)[number]) => (rankBy === "qlike" ? l.qlike : l.mse);
  const order = losses.slice().sort((x, y) => key(x).mean - key(y).mean);
  const best = order[0];
  const rows: ForecastTableRow[] = order.map((l, i) => {
    const dm = i === 0 ? null : dieboldMariano(key(l).loss, key(best).loss, { h: opts.h ?? 1, variant: opts.variant ?? "hln" });
    return {
      name: l.name,
      rank: i + 1,
      meanQlike: l.qlike.mean,
      meanMse: l.mse.mean,
      relativeLoss: key(l).mean / key(best).mean,
      dmStatistic: dm ? dm.statistic : NaN,
      dmPValue: dm ? dm.pValue : NaN,
    };
  });
  return { rows, best: best.name, rankBy, n, dropped: m - n };
}

/** Plain-text rendering of a `forecastTable` (one line per forecaster, best first), for logs and notebooks. */
export function formatForecastTable(t: ForecastTable): string {
  const w = Math.max(4, ...t.rows.map((r) => r.name.length));
  const num = (v: number, d = 4) => (v !== v ? "—" : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(d - 1) : v.toFixed(d));
  const head = `${"rank".padEnd(5)}${"name".padEnd(w + 2)}${"QLIKE".padStart(11)}${"MSE".padStart(11)}${("rel " + t.rankBy).padStart(11)}${"DM vs best".padStart(12)}${"p".padStart(9)}`;
  const lines = t.rows.map(
    (r) =>
      `${String(r.rank).padEnd(5)}${r.name.padEnd(w + 2)}${num(r.meanQlike).padStart(11)}${num(r.meanMse).padStart(11)}${num(r.relativeLoss, 3).padStart(11)}${num(r.dmStatistic, 3).padStart(12)}${num(r.dmPValue, 3).padStart(9)}`,
  );
  return [head, ...lines, `(n = ${t.n} common targets, ${t.dropped} dropped; DM: positive = larger loss than the best)`].join("\n");
}
