/**
 * Inventory risk: value at risk and expected shortfall of a held inventory (historical, normal, Cornish-Fisher;
 * one asset or a portfolio with covariance), exposure and concentration, limit checks, and a rebalancing trade list.
 *
 * Conventions:
 * - Money in quote currency (one common quote currency across assets); quantities in base units, signed (> 0 long).
 * - VaR and ES are reported as **losses** (positive = money lost) over the stated horizon at the stated confidence α
 *   (e.g. 0.99). A VaR below zero means even the α-quantile outcome is a gain.
 * - The horizon is counted in **rows of the price history** (steps): with 1-minute prices, horizon 60 = one hour.
 * - Scenario PnL: "relative" (default) revalues today's exposure E = qty·P_now by historical returns,
 *   PnL = E·(P_{t+h}/P_t − 1); "absolute" applies historical price changes, PnL = qty·(P_{t+h} − P_t).
 * - Historical quantile convention (inverse empirical CDF, Hyndman–Fan type 1, no interpolation): with the n scenario
 *   losses sorted ascending L_(1) ≤ … ≤ L_(n), VaR_α = L_(k), k = ⌈α·n⌉ (computed as ⌈α·n − 1e−9⌉ so that 0.99·100
 *   gives 99, not 100). ES_α is the exact tail mean of that empirical distribution (Acerbi & Tasche, 2002):
 *   ES_α = [Σ_{j>k} L_(j) + (k − α·n)·L_(k)] / (n·(1 − α)), so ES_α ≥ VaR_α always.
 * - Parametric: per-step PnL y_t = Σ_j E_j·x_{j,t} (x = simple returns, or price changes for "absolute"), with sample
 *   mean μ and sample standard deviation σ (n − 1); horizon h by i.i.d. scaling: μ_h = h·μ, σ_h = √h·σ (the mean is
 *   dropped unless `mean: "sample"`). Normal: VaR = −μ_h + σ_h·z_α, ES = −μ_h + σ_h·φ(z_α)/(1 − α), z_α = Φ⁻¹(α).
 *   Cornish-Fisher (1937): the PnL α-tail quantile is μ_h + σ_h·w(z) at z = Φ⁻¹(1 − α),
 *   w(z) = z + (z² − 1)S/6 + (z³ − 3z)K/24 − (2z³ − 5z)S²/36, with S the skewness and K the excess kurtosis of y
 *   (moment ratios m3/m2^1.5 and m4/m2² − 3), scaled to the horizon as S/√h and K/h; ES is the exact tail mean of that
 *   quantile function, −(μ_h + σ_h·E[w(Z); Z < z]/(1 − α)), from the truncated normal moments.
 *   References: Jorion, "Value at Risk" (3rd ed., 2007); Boudt, Peterson & Croux (2008) on Cornish-Fisher VaR/ES.
 */
import { ArgumentError, DataError } from "../errors";
import { normalQuantile } from "../frame/ols";

/** φ(x), the standard normal density. */
function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}


/** VaR / ES method. */
export type VaRMethod = "historical" | "normal" | "cornish-fisher";

/** Options of `inventoryVaR`. */
export interface InventoryVaROptions {
  /** One price history (one asset) or one per asset, all aligned on the same rows; oldest first; finite > 0. */
  prices: ArrayLike<number> | ArrayLike<number>[];
  /** Signed position(s), base units: a number for one asset, one per asset otherwise. */
  qty: number | ArrayLike<number>;
  /** Asset names for `perAsset` (default "0", "1", …). */
  assets?: string[];
  /** Confidence level α in (0, 1), e.g. 0.99. Required. */
  confidence: number;
  /** Horizon in rows (steps) of the price history, integer ≥ 1. Required. */
  horizon: number;
  /** "historical", "normal" or "cornish-fisher". Required. */
  method: VaRMethod;
  /** "relative" (default): today's exposure × historical returns; "absolute": qty × historical price changes. */
  scenario?: "relative" | "absolute";
  /** Parametric methods: "zero" (default) drops the mean from the VaR; "sample" uses h·μ. */
  mean?: "zero" | "sample";
  /** Historical with horizon > 1: overlapping h-step windows (default true), or non-overlapping ones ending at the last row. */
  overlapping?: boolean;
  /** Current price(s) P_now for the relative exposure (default: each history's last price). */
  currentPrices?: number | ArrayLike<number>;
}

/** Standalone risk of one asset of the portfolio. */
export interface AssetVaR {
  asset: string;
  qty: number;
  /** qty·P_now, quote currency. */
  exposure: number;
  var: number;
  es: number;
}

/** Result of `inventoryVaR` (quote currency; losses positive). */
export interface VaRResult {
  method: VaRMethod;
  confidence: number;
  horizon: number;
  scenario: "relative" | "absolute";
  /** Value at risk over the horizon. */
  var: number;
  /** Expected shortfall (conditional VaR) over the horizon; ≥ var. */
  es: number;
  /** Mean and standard deviation of the horizon PnL used (historical: of the scenarios; parametric: h·μ, √h·σ). */
  pnlMean: number;
  pnlStd: number;
  /** Skewness and excess kurtosis of the horizon PnL (historical: of the scenarios; parametric: scaled per-step values). */
  skew: number;
  excessKurtosis: number;
  /** Number of scenarios (historical) or of per-step observations (parametric). */
  observations: number;
  /** Standalone VaR / ES of each asset (same method and options). */
  perAsset: AssetVaR[];
  /** Σ standalone VaR − portfolio VaR (≥ 0 for the normal method; may be negative for historical). */
  diversification: number;
  /** Normal method: Euler component VaR per asset, E_j·∂VaR/∂E_j, summing to `var`; otherwise undefined. */
  components?: Float64Array;
  /** Parametric: per-step covariance of x (row-major k×k); undefined for historical. */
  covariance?: Float64Array;
}

/** Moment summary of a sample: mean, sample std (n−1), skew m3/m2^1.5, excess kurtosis m4/m2² − 3. */
function moments(y: Float64Array): { mean: number; std: number; skew: number; kurt: number } {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += y[i];
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, std, skew: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0, kurt: m2 > 0 ? m4 / (m2 * m2) - 3 : 0 };
}

/**
 * Historical VaR and ES of PnL scenarios (quote currency) with the type-1 convention of the module comment:
 * VaR = L_(⌈αn⌉), ES = [Σ_{j>k} L_(j) + (k − αn)·L_(k)] / (n(1 − α)), L = −PnL sorted ascending.
 */
export function historicalVaR(pnl: ArrayLike<number>, confidence: number): { var: number; es: number } {
  checkConfidence(confidence);
  const n = pnl.length;
  if (n === 0) throw new ArgumentError(`historicalVaR needs at least one scenario`, { field: "pnl" });
  const L = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = pnl[i];
    if (!Number.isFinite(v)) throw new DataError(`scenario PnL ${v} is not finite`, { file: "pnl", line: i + 1, field: "pnl" }, "line = row + 1");
    L[i] = -v;
  }
  L.sort();
  const an = confidence * n;
  const k = Math.min(n, Math.max(1, Math.ceil(an - 1e-9)));
  const v = L[k - 1];
  let tail = 0;
  for (let j = k; j < n; j++) tail += L[j];
  const es = (tail + (k - an) * v) / (n * (1 - confidence));
  return { var: v, es: es < v ? v : es }; // es ≥ var holds exactly in real arithmetic; guard rounding
}

/**
 * Parametric VaR and ES of a PnL with mean μ and standard deviation σ over the horizon (quote currency):
 * normal (skew = kurt = 0) or Cornish-Fisher with skewness S and excess kurtosis K (see the module comment).
 */
export function parametricVaR(mean: number, std: number, confidence: number, skew = 0, excessKurtosis = 0): { var: number; es: number } {
  checkConfidence(confidence);
  if (!Number.isFinite(mean) || !(std >= 0) || !Number.isFinite(std)) throw new ArgumentError(`mean must be finite and std finite >= 0, got ${mean}, ${std}`, { field: "std" });
  const z = normalQuantile(1 - confidence); // lower-tail z (negative)
  const tailP = 1 - confidence;
  const S = skew;
  const K = excessKurtosis;
  const w = z + ((z * z - 1) * S) / 6 + ((z * z * z - 3 * z) * K) / 24 - ((2 * z * z * z - 5 * z) * S * S) / 36;
  // truncated standard-normal moments E[Z^r; Z < z]
  const ph = normalPdf(z);
  const M0 = tailP;
  const M1 = -ph;
  const M2 = tailP - z * ph;
  const M3 = -(z * z + 2) * ph;
  const Ew = M1 + ((M2 - M0) * S) / 6 + ((M3 - 3 * M1) * K) / 24 - ((2 * M3 - 5 * M1) * S * S) / 36;
  return { var: -(mean + std * w), es: -(mean + (std * Ew) / tailP) };
}

function checkConfidence(a: number): void {
  if (!(a > 0 && a < 1)) throw new ArgumentError(`confidence must be in (0, 1), e.g. 0.99; got ${a}`, { field: "confidence" });
}

/**
 * Inventory VaR and expected shortfall of a position (one asset) or a portfolio (several aligned price histories),
 * by historical simulation, the normal formula, or Cornish-Fisher, over an explicit horizon (rows) and confidence;
 * every convention is in the module comment. Also returns each asset's standalone VaR, the diversification benefit
 * and, for the normal method, Euler component VaRs that sum to the portfolio VaR.
 */
export function inventoryVaR(opts: InventoryVaROptions): VaRResult {
  const { confidence, horizon, method } = opts;
  checkConfidence(confidence);
  if (!Number.isInteger(horizon) || horizon < 1) throw new ArgumentError(`horizon must be an integer number of rows >= 1, got ${horizon}`, { field: "horizon" });
  if (method !== "historical" && method !== "normal" && method !== "cornish-fisher") {
    throw new ArgumentError(`method must be "historical", "normal" or "cornish-fisher", got "${method}"`, { field: "method" });
  }
  const scenario = opts.scenario ?? "relative";
  if (scenario !== "relative" && scenario !== "absolute") throw new ArgumentError(`scenario must be "relative" or "absolute", got "${scenario}"`, { field: "scenario" });
  const meanMode = opts.mean ?? "zero";
  if (meanMode !== "zero" && meanMode !== "sample") throw new ArgumentError(`mean must be "zero" or "sample", got "${meanMode}"`, { field: "mean" });
  const overlapping = opts.overlapping ?? true;

  // normalize to k series
  const multi = Array.isArray(opts.prices) && opts.prices.length > 0 && typeof (opts.prices as unknown[])[0] === "object";
  const series: ArrayLike<number>[] = multi ? (opts.prices as ArrayLike<number>[]) : [opts.prices as ArrayLike<number>];
  const k = series.length;
  if (k === 0) throw new ArgumentError(`prices must hold at least one history`, { field: "prices" });
  const qtys: number[] = [];
  if (typeof opts.qty === "number") {
    if (k !== 1) throw new ArgumentError(`qty is one number but prices has ${k} histories; give one qty per asset`, { field: "qty" });
    qtys.push(opts.qty);
  } else {
    if (opts.qty.length !== k) throw new ArgumentError(`qty has ${opts.qty.length} entries but prices has ${k} histories`, { field: "qty" });
    for (let j = 0; j < k; j++) qtys.push(opts.qty[j]);
  }
  for (let j = 0; j < k; j++) if (!Number.isFinite(qtys[j])) throw new ArgumentError(`qty[${j}] must be finite, got ${qtys[j]}`, { field: "qty" });
  const names = opts.assets ?? series.map((_, j) => String(j));
  if (names.length !== k) throw new ArgumentError(`assets has ${names.length} names but prices has ${k} histories`, { field: "assets" });
  const n = series[0].length;
  for (let j = 0; j < k; j++) {
    const s = series[j];
    if (s.length !== n) throw new ArgumentError(`prices[${j}] has ${s.length} rows but prices[0] has ${n}; histories must be aligned`, { field: `prices[${j}]` });
    for (let i = 0; i < n; i++) {
      const p = s[i];
      if (!(p > 0) || p === Infinity) throw new DataError(`price ${p} is not a finite number > 0`, { file: `prices[${j}]`, line: i + 1, field: names[j] }, "line = row + 1");
    }
  }
  const now = new Float64Array(k);
  if (opts.currentPrices === undefined) for (let j = 0; j < k; j++) now[j] = series[j][n - 1];
  else if (typeof opts.currentPrices === "number") {
    if (k !== 1) throw new ArgumentError(`currentPrices is one number but there are ${k} assets`, { field: "currentPrices" });
    now[0] = opts.currentPrices;
  } else {
    if (opts.currentPrices.length !== k) throw new ArgumentError(`currentPrices has ${opts.currentPrices.length} entries, expected ${k}`, { field: "currentPrices" });
    for (let j = 0; j < k; j++) now[j] = opts.currentPrices[j];
  }
  for (let j = 0; j < k; j++) if (!(now[j] > 0) || now[j] === Infinity) throw new ArgumentError(`current price of ${names[j]} must be finite > 0, got ${now[j]}`, { field: "currentPrices" });
  // E_j: PnL per unit of x_j (relative: quote exposure; absolute: qty)
  const E = new Float64Array(k);
  for (let j = 0; j < k; j++) E[j] = scenario === "relative" ? qtys[j] * now[j] : qtys[j];
  const change = (j: number, i0: number, i1: number): number => {
    const s = series[j];
    return scenario === "relative" ? s[i1] / s[i0] - 1 : s[i1] - s[i0];
  };

  const perAssetOf = (weights: Float64Array): { var: number; es: number; mean: number; std: number; skew: number; kurt: number; obs: number } => {
    if (method === "historical") {
      const starts: number[] = [];
      if (overlapping) for (let i = 0; i + horizon <= n - 1; i++) starts.push(i);
      else for (let i = n - 1 - horizon; i >= 0; i -= horizon) starts.push(i);
      const m = starts.length;
      if (m < 1) throw new ArgumentError(`historical VaR needs more than horizon (${horizon}) rows of prices; got ${n}`, { field: "prices" });
      const pnl = new Float64Array(m);
      for (let t = 0; t < m; t++) {
        const i0 = starts[t];
        let v = 0;
        for (let j = 0; j < k; j++) if (weights[j] !== 0) v += weights[j] * change(j, i0, i0 + horizon);
        pnl[t] = v;
      }
      const r = historicalVaR(pnl, confidence);
      const mo = moments(pnl);
      return { var: r.var, es: r.es, mean: mo.mean, std: mo.std, skew: mo.skew, kurt: mo.kurt, obs: m };
    }
    const m = n - 1;
    if (m < 2) throw new ArgumentError(`parametric VaR needs at least 3 prices (2 changes); got ${n}`, { field: "prices" });
    const y = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      let v = 0;
      for (let j = 0; j < k; j++) if (weights[j] !== 0) v += weights[j] * change(j, t, t + 1);
      y[t] = v;
    }
    const mo = moments(y);
    const mu = meanMode === "sample" ? horizon * mo.mean : 0;
    const sd = Math.sqrt(horizon) * mo.std;
    const S = method === "cornish-fisher" ? mo.skew / Math.sqrt(horizon) : 0;
    const K = method === "cornish-fisher" ? mo.kurt / horizon : 0;
    const r = parametricVaR(mu, sd, confidence, S, K);
    return { var: r.var, es: r.es, mean: mu, std: sd, skew: mo.skew / Math.sqrt(horizon), kurt: mo.kurt / horizon, obs: m };
  };

  const port = perAssetOf(E);
  const perAsset: AssetVaR[] = [];
  let sumStandalone = 0;
  for (let j = 0; j < k; j++) {
    let r: { var: number; es: number };
    if (k === 1) r = port;
    else {
      const w = new Float64Array(k);
      w[j] = E[j];
      r = perAssetOf(w);
    }
    perAsset.push({ asset: names[j], qty: qtys[j], exposure: qtys[j] * now[j], var: r.var, es: r.es });
    sumStandalone += r.var;
  }
  const result: VaRResult = {
    method, confidence, horizon, scenario, var: port.var, es: port.es, pnlMean: port.mean, pnlStd: port.std,
    skew: port.skew, excessKurtosis: port.kurt, observations: port.obs, perAsset, diversification: sumStandalone - port.var,
  };
  if (method !== "historical") {
    // per-step sample covariance of x (n − 1), and Euler components for the normal method
    const m = n - 1;
    const X = new Float64Array(k * m);
    const mean = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) {
        const v = change(j, t, t + 1);
        X[j * m + t] = v;
        s += v;
      }
      mean[j] = s / m;
    }
    const cov = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0;
        for (let t = 0; t < m; t++) s += (X[a * m + t] - mean[a]) * (X[b * m + t] - mean[b]);
        cov[a * k + b] = cov[b * k + a] = s / (m - 1);
      }
    }
    result.covariance = cov;
    if (method === "normal") {
      const z = normalQuantile(confidence);
      const sdStep = port.std / Math.sqrt(horizon);
      const comp = new Float64Array(k);
      for (let a = 0; a < k; a++) {
        let se = 0;
        for (let b = 0; b < k; b++) se += cov[a * k + b] * E[b];
        // ∂VaR/∂E_a = −h·μ_a·[sample] + z·√h·(ΣE)_a / σ_step
        comp[a] = E[a] * ((meanMode === "sample" ? -horizon * mean[a] : 0) + (sdStep > 0 ? (z * Math.sqrt(horizon) * se) / sdStep : 0));
      }
      result.components = comp;
    }
  }
  return result;
}

/** A position for the exposure, limit and rebalance functions (`PnlLedger.holdings()` gives this shape). */
export interface Holding {
  asset: string;
  /** Signed quantity, base units. */
  qty: number;
  /** Price (mark), quote per base, finite > 0. */
  price: number;
}

/** Result of `inventoryExposure`. */
export interface ExposureResult {
  assets: string[];
  /** Signed notional qty·price per asset, quote currency. */
  notional: Float64Array;
  /** Σ |notional|. */
  gross: number;
  /** Σ notional. */
  net: number;
  /** Σ of positive / |Σ of negative| notionals. */
  long: number;
  short: number;
  /** notional / gross (signed; |weights| sum to 1; all 0 when gross = 0). */
  weights: Float64Array;
  /** Herfindahl index Σ (|notional|/gross)², in [1/k, 1]; NaN when gross = 0. */
  herfindahl: number;
  /** 1 / herfindahl: the number of equal positions with the same concentration; NaN when gross = 0. */
  effectiveAssets: number;
  /** The asset with the largest |weight| ("" when gross = 0) and its signed weight. */
  largest: { asset: string; weight: number };
}

function checkHoldings(holdings: readonly Holding[], fn: string): void {
  if (!Array.isArray(holdings)) throw new ArgumentError(`${fn}: holdings must be an array of { asset, qty, price }`, { field: "holdings" });
  const seen = new Set<string>();
  holdings.forEach((h, i) => {
    if (typeof h.asset !== "string" || h.asset === "") throw new ArgumentError(`${fn}: holdings[${i}].asset must be a non-empty string`, { field: "asset" });
    if (seen.has(h.asset)) throw new ArgumentError(`${fn}: asset "${h.asset}" appears twice in holdings`, { field: "asset" });
    seen.add(h.asset);
    if (!Number.isFinite(h.qty)) throw new ArgumentError(`${fn}: ${h.asset} qty must be finite, got ${h.qty}`, { field: "qty" });
    if (!(h.price > 0) || h.price === Infinity) throw new ArgumentError(`${fn}: ${h.asset} price must be finite > 0, got ${h.price}`, { field: "price" });
  });
}

/**
 * Exposure and concentration across assets: signed notionals qty·price, gross Σ|n|, net Σn, long and short sides,
 * weights n/gross, the Herfindahl index H = Σ (|n|/gross)² and the effective number of assets 1/H (quote currency).
 */
export function inventoryExposure(holdings: readonly Holding[]): ExposureResult {
  checkHoldings(holdings, "inventoryExposure");
  const k = holdings.length;
  const notional = new Float64Array(k);
  let gross = 0;
  let net = 0;
  let long = 0;
  let short = 0;
  for (let j = 0; j < k; j++) {
    const v = holdings[j].qty * holdings[j].price;
    notional[j] = v;
    gross += Math.abs(v);
    net += v;
    if (v > 0) long += v;
    else short -= v;
  }
  const weights = new Float64Array(k);
  let H = NaN;
  let largest = { asset: "", weight: 0 };
  if (gross > 0) {
    H = 0;
    for (let j = 0; j < k; j++) {
      weights[j] = notional[j] / gross;
      H += weights[j] * weights[j];
      if (Math.abs(weights[j]) > Math.abs(largest.weight)) largest = { asset: holdings[j].asset, weight: weights[j] };
    }
  }
  return { assets: holdings.map((h) => h.asset), notional, gross, net, long, short, weights, herfindahl: H, effectiveAssets: 1 / H, largest };
}

/** Inventory limits (all optional). Caps are absolute values; a per-asset map applies to the assets it names. */
export interface InventoryLimits {
  /** Cap on |qty| per asset, base units. */
  maxPosition?: number | { [asset: string]: number };
  /** Cap on |qty·price| per asset, quote currency. */
  maxPositionNotional?: number | { [asset: string]: number };
  /** Cap on gross exposure Σ|qty·price|, quote currency. */
  maxGrossExposure?: number;
  /** Cap on |net exposure| |Σ qty·price|, quote currency. */
  maxNetExposure?: number;
  /** Largest allowed loss today, quote currency, > 0 (binds when today's PnL ≤ −maxDailyLoss). */
  maxDailyLoss?: number;
}

/** One limit evaluated. */
export interface LimitCheck {
  limit: "position" | "positionNotional" | "grossExposure" | "netExposure" | "dailyLoss";
  /** The asset for per-asset limits. */
  asset?: string;
  /** The measured quantity, in the limit's unit (dailyLoss: the loss −PnL). */
  value: number;
  /** The cap. */
  cap: number;
  /** value − cap: > 0 over the limit by that much, ≤ 0 the headroom left. */
  excess: number;
  /** value / cap. */
  utilization: number;
  /** value ≥ cap: the limit binds (no more risk in that direction may be added). */
  binding: boolean;
}

/** Result of `checkInventoryLimits`. */
export interface LimitReport {
  /** True when no limit binds. */
  ok: boolean;
  /** The binding checks, most utilized first. */
  binding: LimitCheck[];
  /** Every check made. */
  checks: LimitCheck[];
}

/**
 * Checks holdings (and today's PnL) against inventory limits: per-asset position cap |q|, per-asset notional cap
 * |q·p|, gross and |net| exposure caps, and the daily loss limit (loss = −dailyPnl). Returns every check with its
 * value, excess over the cap and utilization, and the binding ones (value ≥ cap) sorted by utilization.
 */
export function checkInventoryLimits(holdings: readonly Holding[], limits: InventoryLimits, state: { dailyPnl?: number } = {}): LimitReport {
  checkHoldings(holdings, "checkInventoryLimits");
  const checks: LimitCheck[] = [];
  const add = (limit: LimitCheck["limit"], value: number, cap: number, asset?: string) => {
    if (!(cap >= 0) || cap === Infinity) throw new ArgumentError(`${limit} cap${asset ? ` for ${asset}` : ""} must be a finite number >= 0, got ${cap}`, { field: limit });
    const c: LimitCheck = { limit, value, cap, excess: value - cap, utilization: cap > 0 ? value / cap : value > 0 ? Infinity : 0, binding: value >= cap };
    if (asset !== undefined) c.asset = asset;
    checks.push(c);
  };
  const perAsset = (limit: "position" | "positionNotional", spec: number | { [asset: string]: number } | undefined, val: (h: Holding) => number) => {
    if (spec === undefined) return;
    if (typeof spec === "number") {
      for (const h of holdings) add(limit, val(h), spec, h.asset);
      return;
    }
    for (const a of Object.keys(spec)) {
      const h = holdings.find((x) => x.asset === a);
      add(limit, h === undefined ? 0 : val(h), spec[a], a);
    }
  };
  perAsset("position", limits.maxPosition, (h) => Math.abs(h.qty));
  perAsset("positionNotional", limits.maxPositionNotional, (h) => Math.abs(h.qty * h.price));
  if (limits.maxGrossExposure !== undefined || limits.maxNetExposure !== undefined) {
    let gross = 0;
    let net = 0;
    for (const h of holdings) {
      gross += Math.abs(h.qty * h.price);
      net += h.qty * h.price;
    }
    if (limits.maxGrossExposure !== undefined) add("grossExposure", gross, limits.maxGrossExposure);
    if (limits.maxNetExposure !== undefined) add("netExposure", Math.abs(net), limits.maxNetExposure);
  }
  if (limits.maxDailyLoss !== undefined) {
    if (!(limits.maxDailyLoss > 0)) throw new ArgumentError(`maxDailyLoss must be a positive loss amount, got ${limits.maxDailyLoss}`, { field: "maxDailyLoss" });
    const pnl = state.dailyPnl;
    if (pnl === undefined || !Number.isFinite(pnl)) throw new ArgumentError(`maxDailyLoss needs a finite state.dailyPnl (today's PnL, quote currency), got ${pnl}`, { field: "dailyPnl" });
    add("dailyLoss", -pnl, limits.maxDailyLoss);
  }
  const binding = checks.filter((c) => c.binding).sort((a, b) => b.utilization - a.utilization);
  return { ok: binding.length === 0, binding, checks };
}

/**
 * PnL since the start of the current UTC day at every row: equity[i] − (equity of the last row of an earlier UTC day,
 * or `startEquity` on the first day). Days are ⌊timestamp / 86 400 000 000⌋ (epoch µs, UTC). Feed the result to
 * `checkInventoryLimits` as `dailyPnl`. Timestamps must be finite and non-decreasing.
 */
export function pnlSinceDayStart(timestamps: ArrayLike<number>, equity: ArrayLike<number>, startEquity: number): Float64Array {
  const n = timestamps.length;
  if (equity.length !== n) throw new ArgumentError(`timestamps has ${n} rows but equity has ${equity.length}`, { field: "equity" });
  if (!Number.isFinite(startEquity)) throw new ArgumentError(`startEquity must be finite, got ${startEquity}`, { field: "startEquity" });
  const out = new Float64Array(n);
  const DAY = 86_400_000_000;
  let ref = startEquity;
  let day = NaN;
  let prevT = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = timestamps[i];
    if (!(t >= prevT) || t === Infinity) throw new DataError(`timestamp ${t} is not finite and non-decreasing`, { file: "timestamps", line: i + 1, field: "timestamp" }, "line = row + 1");
    prevT = t;
    const d = Math.floor(t / DAY);
    if (d !== day) {
      if (i > 0) ref = equity[i - 1];
      day = d;
    }
    out[i] = equity[i] - ref;
  }
  return out;
}

/** Options of `rebalanceToTargets`. */
export interface RebalanceOptions {
  /** Current positions (an asset to buy into must be listed, with qty 0 and its price). */
  holdings: readonly Holding[];
  /** Target signed weights of `value` per asset (negative = short); listed holdings without a target go to 0. */
  targetWeights: { [asset: string]: number };
  /** Quote value the weights apply to (e.g. equity). Default: current net exposure Σ qty·price (must then be > 0). */
  value?: number;
  /** Order size step per asset (or for all), base units: each trade is rounded to the nearest multiple. */
  lotSize?: number | { [asset: string]: number };
  /** Smallest order notional per asset (or for all), quote currency: smaller trades are skipped. */
  minNotional?: number | { [asset: string]: number };
}

/** One suggested order. */
export interface RebalanceTrade {
  asset: string;
  /** +1 buy, −1 sell. */
  side: 1 | -1;
  /** Absolute size, base units. */
  qty: number;
  /** side·qty. */
  signedQty: number;
  price: number;
  /** qty·price, quote currency. */
  notional: number;
}

/** Result of `rebalanceToTargets`. */
export interface RebalanceResult {
  /** The value the weights were applied to. */
  value: number;
  trades: RebalanceTrade[];
  /** Trades not made, with the reason ("below lot size" or "below minNotional"), signed wanted size. */
  skipped: Array<{ asset: string; signedQty: number; notional: number; reason: string }>;
  /** Target quantity w·value/price per asset (holdings order). */
  targetQty: Float64Array;
  /** Quantity after the suggested trades. */
  finalQty: Float64Array;
  /** final notional / value. */
  finalWeights: Float64Array;
  /** Target notional − final notional per asset, quote currency (what the constraints left undone). */
  residualNotional: Float64Array;
  /** Σ |trade notional|. */
  turnover: number;
  assets: string[];
}

function perAssetNumber(spec: number | { [asset: string]: number } | undefined, asset: string, field: string, dflt: number): number {
  const v = spec === undefined ? dflt : typeof spec === "number" ? spec : spec[asset] ?? dflt;
  if (!(v >= 0) || v === Infinity) throw new ArgumentError(`${field} for ${asset} must be a finite number >= 0, got ${v}`, { field });
  return v;
}

/**
 * Rebalancing toward target weights: target qty_j = w_j·V / p_j; trade Δ_j = target − current, rounded to the nearest
 * multiple of the lot size (half away from zero); trades with |Δ|·p below minNotional, or rounded to 0, are skipped
 * and listed. Without constraints current + trades = targets, and with Σw = 1 and the default V = net exposure the
 * signed trade notionals sum to 0 (self-financing).
 */
export function rebalanceToTargets(opts: RebalanceOptions): RebalanceResult {
  const { holdings, targetWeights } = opts;
  checkHoldings(holdings, "rebalanceToTargets");
  if (targetWeights === null || typeof targetWeights !== "object") throw new ArgumentError(`targetWeights must be { asset: weight }`, { field: "targetWeights" });
  const k = holdings.length;
  const assets = holdings.map((h) => h.asset);
  for (const a of Object.keys(targetWeights)) {
    if (!assets.includes(a)) throw new ArgumentError(`target asset "${a}" is not in holdings; list it with qty 0 and its price`, { field: "targetWeights" });
    if (!Number.isFinite(targetWeights[a])) throw new ArgumentError(`target weight of ${a} must be finite, got ${targetWeights[a]}`, { field: "targetWeights" });
  }
  let V = opts.value;
  if (V === undefined) {
    V = 0;
    for (const h of holdings) V += h.qty * h.price;
    if (!(V > 0)) throw new ArgumentError(`the default value (net exposure ${V}) is not > 0; pass value (e.g. equity) explicitly`, { field: "value" });
  } else if (!Number.isFinite(V)) throw new ArgumentError(`value must be finite, got ${V}`, { field: "value" });
  const targetQty = new Float64Array(k);
  const finalQty = new Float64Array(k);
  const finalWeights = new Float64Array(k);
  const residual = new Float64Array(k);
  const trades: RebalanceTrade[] = [];
  const skipped: RebalanceResult["skipped"] = [];
  let turnover = 0;
  for (let j = 0; j < k; j++) {
    const h = holdings[j];
    const w = targetWeights[h.asset] ?? 0;
    const tq = (w * V) / h.price;
    targetQty[j] = tq;
    const lot = perAssetNumber(opts.lotSize, h.asset, "lotSize", 0);
    const minN = perAssetNumber(opts.minNotional, h.asset, "minNotional", 0);
    const want = tq - h.qty;
    let dq = want;
    if (lot > 0) dq = Math.sign(want) * Math.round(Math.abs(want) / lot) * lot;
    let fq = h.qty;
    if (want !== 0) {
      if (dq === 0) skipped.push({ asset: h.asset, signedQty: want, notional: Math.abs(want) * h.price, reason: `below lot size ${lot}` });
      else if (Math.abs(dq) * h.price < minN) skipped.push({ asset: h.asset, signedQty: dq, notional: Math.abs(dq) * h.price, reason: `below minNotional ${minN}` });
      else {
        const side: 1 | -1 = dq > 0 ? 1 : -1;
        trades.push({ asset: h.asset, side, qty: Math.abs(dq), signedQty: dq, price: h.price, notional: Math.abs(dq) * h.price });
        turnover += Math.abs(dq) * h.price;
        fq = h.qty + dq;
      }
    }
    finalQty[j] = fq;
    finalWeights[j] = V !== 0 ? (fq * h.price) / V : NaN;
    residual[j] = (tq - fq) * h.price;
  }
  return { value: V, trades, skipped, targetQty, finalQty, finalWeights, residualNotional: residual, turnover, assets };
}
