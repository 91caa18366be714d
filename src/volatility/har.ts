/**
 * HAR-RV: the heterogeneous autoregressive model of realized variance (Corsi 2009, "A simple approximate
 * long-memory model of realized volatility", Journal of Financial Econometrics 7(2), 174–196):
 *
 *   RV_{t+1} = β₀ + β_d RV_t + β_w RV^{(w)}_t + β_m RV^{(m)}_t + ε_{t+1},
 *   RV^{(l)}_t = (1/l) Σ_{j=0..l−1} RV_{t−j}   (the mean of the last l daily RVs, today included).
 *
 * The paper's lags are 1 / 5 / 22 trading days (day / week / month). Crypto trades 7 days a week, so a week is
 * 7 days and a month about 30: `HAR_LAGS_CRYPTO`. Lags are always an explicit option, default `HAR_LAGS_CORSI`.
 *
 * Timing: the row of origin t uses RV_0..RV_t only (RV_t is known at the end of day t) and its target is the
 * mean RV over days t+1..t+h (h = `horizon`, 1 by default: the next day's RV). Nothing at or after t+1 enters
 * a regressor. Fitted values and targets are stored at the origin index t.
 *
 * Transforms (Andersen, Bollerslev & Diebold 2007, "Roughing it up"): "level" regresses RV on RV; "sqrt"
 * regresses √(mean RV) on √(mean RV) of each window; "log" regresses ln(mean RV) on ln(mean RV) of each window
 * (the transform is applied to the window mean, not averaged after). Back-transforming a "log" or "sqrt" fit
 * to a variance forecast is biased: exp(E[ln RV]) < E[RV] (Jensen). With `biasCorrection` the forecast is
 * exp(ŷ + σ²/2) (log) or ŷ² + σ² (sqrt), σ² = RSS/(n−k) the residual variance, which is exact when the
 * residual is Gaussian and homoskedastic (log-normal RV).
 *
 * The fit is OLS (src/frame/ols.ts, Householder QR) with Newey–West (1987) HAC standard errors: overlapping
 * h-day targets make the errors MA(h−1), and even at h = 1 they are heteroskedastic.
 */
import { ArgumentError } from "../errors";
import { ols, type OlsResult } from "../frame/ols";

/** Corsi (2009) day / week / month lags in trading days: 1, 5, 22. */
export const HAR_LAGS_CORSI: readonly number[] = Object.freeze([1, 5, 22]);
/** Calendar-day lags for markets that trade every day (crypto): 1, 7, 30. */
export const HAR_LAGS_CRYPTO: readonly number[] = Object.freeze([1, 7, 30]);

/** How RV enters the regression: as is, its square root, or its logarithm (applied to window means). */
export type HarTransform = "level" | "log" | "sqrt";

/** Options of `fitHar`. */
export interface HarOptions {
  /** Window lengths in days, strictly increasing positive integers; default [1, 5, 22] (Corsi 2009). */
  lags?: readonly number[];
  /** Forecast horizon h in days: the target is the mean RV over t+1..t+h; default 1. */
  horizon?: number;
  /** "level" (default), "log" or "sqrt"; see the module comment. */
  transform?: HarTransform;
  /**
   * Newey–West lags for the HAC standard errors, or "auto" (⌊4(n/100)^{2/9}⌋). Default max(5, 2h), the choice of
   * Andersen, Bollerslev & Diebold (2007): 5 lags for daily, 10 for weekly and 44 for monthly targets.
   */
  neweyWestLags?: number | "auto";
  /** Back-transform "log" / "sqrt" forecasts with the variance correction (see module comment); default false. */
  biasCorrection?: boolean;
}

/** Result of `harFeatures`. */
export interface HarFeatures {
  /** Column names, `rv_<lag>` per lag, e.g. rv_1, rv_5, rv_22 (values transformed as asked). */
  names: string[];
  /** One column per lag, aligned to the input: column[t] = transform(mean RV_{t−l+1..t}); NaN for t < l − 1. */
  columns: Float64Array[];
  /** The lags used. */
  lags: number[];
  /** First row with every column defined: max(lags) − 1. */
  firstRow: number;
}

/** Result of `fitHar`. */
export interface HarFit {
  /** "intercept" then the regressor names (rv_1, rv_5, rv_22 …). */
  names: string[];
  /** β in `names` order, in the transformed units. */
  coef: Float64Array;
  /** Coefficients by name, e.g. `{ intercept, rv_1, rv_5, rv_22 }`. */
  params: { [name: string]: number };
  /** Newey–West standard errors. */
  se: Float64Array;
  /** t = β / se (Newey–West). */
  t: Float64Array;
  /** Two-sided p-values of t (Student t, n − k df). */
  p: Float64Array;
  /** R² of the transformed regression (centered). */
  r2: number;
  /** Adjusted R². */
  adjR2: number;
  /** Rows used in the regression. */
  n: number;
  /** Rows that had a complete window and target but were dropped because an RV in them was NaN. */
  dropped: number;
  /** Residual variance σ² = RSS/(n−k), transformed units. */
  residualVariance: number;
  /** Newey–West lag used. */
  neweyWestLags: number;
  lags: number[];
  horizon: number;
  transform: HarTransform;
  biasCorrection: boolean;
  /** Fitted value of the transformed target at each origin t (length = rv.length; NaN where no row). */
  fitted: Float64Array;
  /** The transformed target at each origin t: transform(mean RV_{t+1..t+h}); NaN for the last h rows. */
  target: Float64Array;
  /** The underlying OLS result (all covariance kinds). */
  ols: OlsResult;
  /**
   * Forecast of the mean RV over the h days after the last element of `rvHistory` (which is RV up to and including
   * the origin day, at least max(lags) values), back-transformed to variance units. NaN if the window holds a NaN.
   */
  predict(rvHistory: ArrayLike<number>): number;
  /** The same forecast in the transformed units (ŷ, no back-transform). */
  predictTransformed(rvHistory: ArrayLike<number>): number;
  /** `predict` applied to the series the model was fitted on: the forecast made at its last day. */
  forecast(): number;
}

/** Checks lags: non-empty, positive integers, strictly increasing. */
function checkLags(lags: readonly number[]): number[] {
  if (!Array.isArray(lags) || lags.length === 0) throw new ArgumentError("HAR lags must be a non-empty array of window lengths", { field: "lags" });
  for (let i = 0; i < lags.length; i++) {
    const l = lags[i];
    if (!Number.isInteger(l) || l < 1) throw new ArgumentError(`HAR lag ${l} is not a positive integer`, { field: "lags" });
    if (i > 0 && l <= lags[i - 1]) throw new ArgumentError(`HAR lags must be strictly increasing, got [${lags.join(", ")}]`, { field: "lags" });
  }
  return lags.slice();
}

function checkTransform(t: string): HarTransform {
  if (t !== "level" && t !== "log" && t !== "sqrt") throw new ArgumentError(`HAR transform must be "level", "log" or "sqrt", got "${t}"`, { field: "transform" });
  return t;
}

/** Validates RV values: negative (or ±Infinity) RV is an error, zero is an error for "log"; NaN is allowed (dropped). */
function checkRv(rv: ArrayLike<number>, transform: HarTransform, field = "rv"): void {
  for (let i = 0; i < rv.length; i++) {
    const v = rv[i];
    if (v !== v) continue;
    if (!(v >= 0) || v === Infinity) throw new ArgumentError(`realized variance at index ${i} is ${v}; it must be finite and ≥ 0`, { field });
    if (transform === "log" && v === 0) {
      throw new ArgumentError(`realized variance at index ${i} is 0, which has no logarithm`, { field }, 'use transform "level" or "sqrt", or floor the zero days and say so');
    }
  }
}

function applyTransform(v: number, transform: HarTransform): number {
  return transform === "level" ? v : transform === "log" ? Math.log(v) : Math.sqrt(v);
}

/** Mean of rv[end−l+1..end] by direct summation (NaN if any is NaN or the window starts before 0). */
function windowMean(rv: ArrayLike<number>, end: number, l: number): number {
  if (end - l + 1 < 0) return NaN;
  let s = 0;
  for (let j = end - l + 1; j <= end; j++) s += rv[j];
  return s / l;
}

/**
 * The HAR design matrix columns: for each lag l, column[t] = transform((1/l) Σ_{j=0..l−1} RV_{t−j}), the mean of
 * the last l RVs up to and including day t, transformed ("level", "log", "sqrt"); NaN for t < l − 1 and where a
 * window holds a NaN. Each window is summed directly (O(n·Σl)), so a forecast from a history reproduces the
 * training features bit for bit. Also the lagged-RV features of the neural forecaster. Corsi (2009).
 */
export function harFeatures(rv: ArrayLike<number>, lags: readonly number[] = HAR_LAGS_CORSI, transform: HarTransform = "level"): HarFeatures {
  const L = checkLags(lags);
  checkTransform(transform);
  checkRv(rv, transform);
  const n = rv.length;
  const columns: Float64Array[] = [];
  for (const l of L) {
    const col = new Float64Array(n);
    for (let t = 0; t < n; t++) col[t] = t < l - 1 ? NaN : applyTransform(windowMean(rv, t, l), transform);
    columns.push(col);
  }
  return { names: L.map((l) => `rv_${l}`), columns, lags: L, firstRow: L[L.length - 1] - 1 };
}

/**
 * The HAR target at each origin t: transform((1/h) Σ_{j=1..h} RV_{t+j}), the mean RV of the next h days
 * (NaN for the last h rows and where the window holds a NaN).
 */
export function harTarget(rv: ArrayLike<number>, horizon = 1, transform: HarTransform = "level"): Float64Array {
  if (!Number.isInteger(horizon) || horizon < 1) throw new ArgumentError(`HAR horizon must be a positive integer, got ${horizon}`, { field: "horizon" });
  checkTransform(transform);
  checkRv(rv, transform);
  const n = rv.length;
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) y[t] = t + horizon >= n ? NaN : applyTransform(windowMean(rv, t + horizon, horizon), transform);
  return y;
}

/**
 * Fits HAR-RV (Corsi 2009) by OLS: transform(mean RV_{t+1..t+h}) = β₀ + Σ_l β_l · transform(mean RV_{t−l+1..t}) + ε,
 * over every origin t with a full window (t ≥ max(lags) − 1) and a target (t + h ≤ n − 1). RV is daily realized
 * variance (any consistent units: the coefficients on "level" and "log" are unit-free, β₀ carries the units),
 * one value per day, equally spaced and in time order. Standard errors are Newey–West (1987), default
 * max(5, 2h) lags. Rows whose window or target holds a NaN are dropped and counted (`dropped`); negative RV
 * (or zero under "log") throws an ArgumentError naming the index.
 */
export function fitHar(rv: ArrayLike<number>, opts: HarOptions = {}): HarFit {
  const lags = checkLags(opts.lags ?? HAR_LAGS_CORSI);
  const horizon = opts.horizon ?? 1;
  if (!Number.isInteger(horizon) || horizon < 1) throw new ArgumentError(`HAR horizon must be a positive integer, got ${horizon}`, { field: "horizon" });
  const transform = checkTransform(opts.transform ?? "level");
  const biasCorrection = opts.biasCorrection ?? false;
  const nwLags = opts.neweyWestLags ?? Math.max(5, 2 * horizon);
  const N = rv.length;
  const maxLag = lags[lags.length - 1];
  const first = maxLag - 1;
  const rows = N - maxLag - horizon + 1; // origins first..N−1−h
  const k = lags.length + 1;
  if (rows <= k) {
    throw new ArgumentError(
      `HAR needs more than ${k} rows; ${N} RVs give ${Math.max(rows, 0)} with lags [${lags.join(", ")}] and horizon ${horizon} (need at least ${maxLag + horizon + k} RVs)`,
      { field: "rv" },
    );
  }
  const feats = harFeatures(rv, lags, transform);
  const target = harTarget(rv, horizon, transform);
  // regress on the rows with a full window and a target only
  const y = target.subarray(first, first + rows);
  const xs = feats.columns.map((c) => c.subarray(first, first + rows));
  const fit = ols(y, xs, { names: feats.names, neweyWestLags: nwLags });
  const names = fit.names;
  const coef = fit.coef;
  const params: { [name: string]: number } = {};
  names.forEach((nm, j) => (params[nm] = coef[j]));
  const sigma2 = fit.sigma * fit.sigma;

  const fitted = new Float64Array(N).fill(NaN);
  for (let t = first; t < first + rows; t++) {
    let s = coef[0];
    for (let j = 0; j < lags.length; j++) s += coef[j + 1] * feats.columns[j][t];
    if (Number.isFinite(s) && Number.isFinite(target[t])) fitted[t] = s;
  }

  const backTransform = (yhat: number): number => {
    if (transform === "level") return yhat;
    if (transform === "log") return Math.exp(biasCorrection ? yhat + sigma2 / 2 : yhat);
    return biasCorrection ? yhat * yhat + sigma2 : yhat * yhat;
  };
  const predictTransformed = (hist: ArrayLike<number>): number => {
    const m = hist.length;
    if (m < maxLag) throw new ArgumentError(`HAR predict needs at least ${maxLag} RVs of history, got ${m}`, { field: "rvHistory" });
    let s = coef[0];
    for (let j = 0; j < lags.length; j++) {
      const mean = windowMean(hist, m - 1, lags[j]);
      if (mean !== mean) return NaN;
      if (mean < 0 || (transform === "log" && mean === 0)) throw new ArgumentError(`HAR predict: window mean ${mean} of the last ${lags[j]} RVs is invalid for transform "${transform}"`, { field: "rvHistory" });
      s += coef[j + 1] * applyTransform(mean, transform);
    }
    return s;
  };
  const predict = (hist: ArrayLike<number>): number => backTransform(predictTransformed(hist));

  return {
    names,
    coef,
    params,
    se: fit.se.NW!,
    t: fit.t.NW!,
    p: fit.p.NW!,
    r2: fit.r2,
    adjR2: fit.adjR2,
    n: fit.n,
    dropped: fit.dropped,
    residualVariance: sigma2,
    neweyWestLags: fit.neweyWestLags,
    lags,
    horizon,
    transform,
    biasCorrection,
    fitted,
    target,
    ols: fit,
    predict,
    predictTransformed,
    forecast: () => predict(rv),
  };
}
