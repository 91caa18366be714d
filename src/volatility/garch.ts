/**
 * GARCH-family volatility models by maximum likelihood: GARCH(1,1) (Bollerslev 1986) and GJR-GARCH(1,1,1)
 * (Glosten, Jagannathan & Runkle 1993), with normal or standardized Student-t errors (Bollerslev 1987) and a constant
 * or zero mean. The structure follows Python's arch (mean × volatility process × distribution): the recursion, the
 * presample convention and the likelihood live in `garchRecursion.ts` as pure kernels over Float64Array; this file
 * holds the estimator (`fitGarch`), the likelihood at given parameters (`garchLogLik`), analytic forecasts and
 * simulation.
 *
 * Estimation: BFGS (src/frame/optimize.ts) on the average negative log-likelihood in an unconstrained
 * reparametrization, with analytic gradients, on returns rescaled to unit variance (μ and ω are mapped back exactly:
 * μ = c·μ', ω = c²·ω', ℓ = ℓ' − T ln c). Constraints enforced: ω > 0 (log), ν > 2 (ν = 2 + e^v), and for the ARCH/GARCH
 * weights a softmax against a fixed slack, so that α ≥ 0, α + γ ≥ 0, β ≥ 0 and the persistence α + γ/2 + β < 1
 * (GARCH: (α, β) = softmax(a, b, 0)₁,₂; GJR: (α/2, (α+γ)/2, β) = softmax(a, c, b, 0)₁,₂,₃). After BFGS a few
 * chord-Newton steps in the (scaled) original coordinates (analytic gradient, one Hessian by differencing it) polish
 * the optimum to machine precision where it is interior; at a bound (persistence → 1, α or β → 0) the BFGS point
 * stands and the message says so. Starting values: the best of a small grid, as arch does.
 *
 * Standard errors (original parameter space): `stdErrors` from the inverse of the negative Hessian of ℓ (central
 * differences of the analytic gradient at the optimum); `robustStdErrors` from the Bollerslev-Wooldridge (1992) QMLE
 * sandwich H⁻¹ J H⁻¹ with J = Σ_t s_t s_tᵀ, s_t the analytic per-observation scores.
 */
import { ArgumentError, DataError } from "../errors";
import { hessianFromGradient, invertMatrix, minimizeBfgs } from "../frame/optimize";
import { createRng, type Rng } from "../frame/rng";
import {
  FULL_NAMES,
  garchKernel,
  garchPresample,
  garchVariance,
  resolveGarchSpec,
  type GarchParams,
  type GarchSpec,
  type ResolvedGarchSpec,
} from "./garchRecursion";

export {
  archBackcast,
  digamma,
  garchPresample,
  garchVariance,
  resolveGarchSpec,
  type GarchDist,
  type GarchMean,
  type GarchModel,
  type GarchParams,
  type GarchPresample,
  type GarchSpec,
  type ResolvedGarchSpec,
} from "./garchRecursion";

/** Name of a GARCH parameter. */
export type GarchParamName = (typeof FULL_NAMES)[number];

/** Options of `fitGarch`: the spec plus optimizer settings. */
export interface GarchFitOptions extends GarchSpec {
  /** BFGS gradient tolerance on the average negative log-likelihood in the transformed space (default 1e-8). */
  tol?: number;
  /** Most BFGS iterations (default 1000). */
  maxIter?: number;
  /** Starting values (original units) instead of the grid; missing fields come from the grid's best point. */
  start?: Partial<GarchParams>;
}

/** Result of `simulateGarch` (and `GarchFit.simulate`). */
export interface GarchSimulation {
  /** Simulated returns r_t = μ + e_t. */
  returns: Float64Array;
  /** Conditional variances h_t. */
  variance: Float64Array;
  /** Standardized innovations z_t (mean 0, variance 1). */
  innovations: Float64Array;
}

/** Result of `fitGarch`. */
export interface GarchFit {
  /** The resolved specification. */
  spec: ResolvedGarchSpec;
  /** Estimates (mu = 0 for the zero mean; gamma only for "gjr"; nu only for "t"). */
  params: GarchParams;
  /** The estimated parameters, in the order of the covariance matrices (arch's order: mu, omega, alpha, gamma, beta, nu). */
  paramNames: GarchParamName[];
  /** Standard errors from the inverse negative Hessian (NaN when it is singular). */
  stdErrors: Partial<Record<GarchParamName, number>>;
  /** Bollerslev-Wooldridge robust (QMLE sandwich) standard errors. */
  robustStdErrors: Partial<Record<GarchParamName, number>>;
  /** (−H)⁻¹, in `paramNames` order. */
  covariance: number[][];
  /** H⁻¹ J H⁻¹, in `paramNames` order. */
  robustCovariance: number[][];
  /** Maximized log-likelihood, full constant included. */
  logLik: number;
  /** −2ℓ + 2k. */
  aic: number;
  /** −2ℓ + k ln T. */
  bic: number;
  /** Number of observations T. */
  nobs: number;
  /** True when BFGS met its gradient tolerance or the polished gradient is below 1e-6 (average, scaled units). */
  converged: boolean;
  /** BFGS iterations. */
  iterations: number;
  /** Optimizer messages. */
  message: string;
  /** α + γ/2 + β. */
  persistence: number;
  /** ω / (1 − persistence) (return units squared). */
  unconditionalVariance: number;
  /** The presample value s used at the estimates. */
  presampleValue: number;
  /** h_t, t = 0..T−1 (in-sample conditional variances). */
  conditionalVariance: Float64Array;
  /** z_t = (r_t − μ)/√h_t. */
  standardizedResiduals: Float64Array;
  /** Analytic variance forecasts h_{T+1..T+horizon} (see `garchForecast`); the mean forecast is μ. */
  forecast(horizon: number): Float64Array;
  /** Simulates n returns from the fitted model (`simulateGarch`). */
  simulate(n: number, seed: number): GarchSimulation;
}

function toReturns(returns: ArrayLike<number>, minN: number): Float64Array {
  if (returns === null || typeof returns !== "object" || typeof returns.length !== "number")
    throw new ArgumentError("returns must be an array of numbers", { field: "returns" });
  const n = returns.length;
  if (n < minN) throw new DataError(`need at least ${minN} returns, got ${n}`, { field: "returns" });
  const r = returns instanceof Float64Array ? returns : Float64Array.from(returns);
  for (let i = 0; i < n; i++) {
    const v = r[i];
    if (!Number.isFinite(v)) throw new DataError(`returns must be finite (row ${i} is ${v}); drop or fill missing values first`, { field: "returns", line: i + 1 });
  }
  return r;
}

/** Full parameter vector [μ, ω, α, γ, β, ν] from params; throws ArgumentError on an invalid value. */
function fullTheta(p: GarchParams, spec: ResolvedGarchSpec): Float64Array {
  const th = new Float64Array(6);
  const need = (name: GarchParamName, v: number | undefined, ok: (x: number) => boolean, rule: string): number => {
    if (v === undefined || !Number.isFinite(v) || !ok(v)) throw new ArgumentError(`params.${name} must be ${rule}, got ${v}`, { field: name });
    return v;
  };
  th[0] = spec.mean === "zero" ? 0 : need("mu", p.mu, () => true, "a finite number");
  if (spec.mean === "zero" && p.mu !== undefined && p.mu !== 0) throw new ArgumentError(`params.mu must be 0 for mean "zero", got ${p.mu}`, { field: "mu" });
  th[1] = need("omega", p.omega, (x) => x > 0, "> 0");
  th[2] = need("alpha", p.alpha, (x) => x >= 0, ">= 0");
  th[4] = need("beta", p.beta, (x) => x >= 0, ">= 0");
  th[3] = spec.model === "gjr" ? need("gamma", p.gamma, (x) => th[2] + x >= 0, "finite with alpha + gamma >= 0") : 0;
  th[5] = spec.dist === "t" ? need("nu", p.nu, (x) => x > 2, "> 2") : 0;
  return th;
}

/**
 * Log-likelihood ℓ(θ) = Σ_t l_t of `returns` at `params` (full constant included: −½ ln 2π per observation for the
 * normal; the standardized-t density of Bollerslev 1987 for "t"), with the variance recursion and presample
 * convention of `spec` (see `GarchSpec`; default GARCH(1,1), normal, constant mean, "fcp"). Units: returns as given.
 * Reference value: DEM/GBP at μ = −0.00619041, ω = 0.0107613, α = 0.153134, β = 0.805974 gives −1106.60788
 * (McCullough & Renfro 1999; Brooks, Burke & Persand 2001). Returns −Infinity when some h_t ≤ 0.
 */
export function garchLogLik(returns: ArrayLike<number>, params: GarchParams, spec: GarchSpec = {}): number {
  const sp = resolveGarchSpec(spec);
  const r = toReturns(returns, 1);
  const th = fullTheta(params, sp);
  const { s, dsdmu } = garchPresample(r, th[0], sp.presample, sp.mean === "zero");
  return garchKernel(r, th, sp.dist === "t", s, dsdmu, null, null, null);
}

/**
 * ℓ and its analytic gradient ∂ℓ/∂θ in the original units, for the free parameters of `spec` in arch's order
 * (`names`), plus the per-observation scores (T × k, row-major) when `scores` is true. For tests and diagnostics.
 */
export function garchLogLikGradient(
  returns: ArrayLike<number>,
  params: GarchParams,
  spec: GarchSpec = {},
  scores = false,
): { logLik: number; names: GarchParamName[]; gradient: Float64Array; scores: Float64Array | null } {
  const sp = resolveGarchSpec(spec);
  const r = toReturns(returns, 1);
  const th = fullTheta(params, sp);
  const idx = freeIndex(sp);
  const { s, dsdmu } = garchPresample(r, th[0], sp.presample, sp.mean === "zero");
  const g = new Float64Array(6);
  const sc = scores ? new Float64Array(6 * r.length) : null;
  const ll = garchKernel(r, th, sp.dist === "t", s, dsdmu, g, sc, null);
  const k = idx.length;
  let out: Float64Array | null = null;
  if (sc) {
    out = new Float64Array(k * r.length);
    for (let t = 0; t < r.length; t++) for (let j = 0; j < k; j++) out[t * k + j] = sc[6 * t + idx[j]];
  }
  return { logLik: ll, names: idx.map((i) => FULL_NAMES[i]), gradient: Float64Array.from(idx, (i) => g[i]), scores: out };
}

/** Indices into [μ, ω, α, γ, β, ν] of the estimated parameters. */
function freeIndex(sp: ResolvedGarchSpec): number[] {
  const idx: number[] = [];
  if (sp.mean === "constant") idx.push(0);
  idx.push(1, 2);
  if (sp.model === "gjr") idx.push(3);
  idx.push(4);
  if (sp.dist === "t") idx.push(5);
  return idx;
}

/**
 * Analytic multi-step variance forecasts from the end of a sample (Baillie & Bollerslev 1992; arch's "analytic"):
 * h_{T+1} = ω + (α + γ·1[e_T < 0])·e_T² + β h_T, then h_{T+k} = ω + (α + γ/2 + β)·h_{T+k−1} for k ≥ 2 (E[1[z<0]z²] = ½
 * for a symmetric z). Converges to ω/(1 − α − γ/2 − β) when that persistence is < 1. `lastResid` = e_T = r_T − μ,
 * `lastVariance` = h_T. Returns h_{T+1..T+horizon} (return units squared).
 */
export function garchForecast(params: GarchParams, lastResid: number, lastVariance: number, horizon: number): Float64Array {
  if (!Number.isInteger(horizon) || horizon < 1) throw new ArgumentError(`horizon must be an integer >= 1, got ${horizon}`, { field: "horizon" });
  if (!Number.isFinite(lastResid)) throw new ArgumentError(`lastResid must be finite, got ${lastResid}`, { field: "lastResid" });
  if (!(lastVariance > 0) || !Number.isFinite(lastVariance)) throw new ArgumentError(`lastVariance must be finite and > 0, got ${lastVariance}`, { field: "lastVariance" });
  const { omega, alpha, beta } = params;
  const gamma = params.gamma ?? 0;
  const out = new Float64Array(horizon);
  let h = omega + (lastResid < 0 ? alpha + gamma : alpha) * lastResid * lastResid + beta * lastVariance;
  out[0] = h;
  const p = alpha + 0.5 * gamma + beta;
  for (let k = 1; k < horizon; k++) {
    h = omega + p * h;
    out[k] = h;
  }
  return out;
}

/**
 * One-step-ahead conditional variances through a sample with fixed parameters (the "filter" a rolling forecast needs):
 * out[t] = h_t = Var(r_t | r_0 … r_{t−1}) for t = 0 … n−1 by the recursion of `garchVariance` on e_t = r_t − μ from the
 * presample value `presampleValue` (e.g. `fit.presampleValue` of the fit that gave `params`), and out[n] = h_{n} =
 * ω + (α + γ·1[e_{n−1} < 0])·e²_{n−1} + β h_{n−1}, the forecast for the first return after the sample.
 * Units: return units squared. No parameter is estimated here, so out[t] uses nothing at or after r_t.
 */
export function garchFilter(returns: ArrayLike<number>, params: GarchParams, presampleValue: number): Float64Array {
  const n = returns.length;
  if (n < 1) throw new ArgumentError("garchFilter: returns is empty", { field: "returns" });
  if (!(presampleValue > 0) || !Number.isFinite(presampleValue)) throw new ArgumentError(`presampleValue must be finite and > 0, got ${presampleValue}`, { field: "presampleValue" });
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = returns[i];
    if (!Number.isFinite(r)) throw new DataError(`garchFilter: return ${r} at row ${i} is not finite`, { field: "returns", line: i + 1 });
    e[i] = r - params.mu;
  }
  const out = new Float64Array(n + 1);
  garchVariance(e, params.omega, params.alpha, params.beta, params.gamma ?? 0, presampleValue, out.subarray(0, n));
  out[n] = garchForecast(params, e[n - 1], out[n - 1], 1)[0];
  return out;
}

/** Gamma(shape a ≥ 1, scale 1) by Marsaglia & Tsang (2000); for a < 1 boosted as G(a+1)·U^{1/a}. */
function gammaVariate(rng: Rng, a: number): number {
  if (a < 1) return gammaVariate(rng, a + 1) * Math.pow(1 - rng.next(), 1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Options of `simulateGarch`. */
export interface GarchSimulateOptions {
  /** Volatility process (default "garch"). */
  model?: "garch" | "gjr";
  /** Innovations (default "normal"; "t" needs params.nu > 2). */
  dist?: "normal" | "t";
  /** Observations simulated and dropped before the returned ones (default 500). */
  burn?: number;
}

/**
 * Simulates n returns r_t = μ + √h_t z_t from GARCH(1,1) / GJR-GARCH(1,1,1) with z_t iid N(0,1) or standardized
 * Student t (z = N·√((ν−2)/χ²_ν), χ²_ν = 2·Gamma(ν/2) by Marsaglia-Tsang). The recursion starts at the unconditional
 * variance ω/(1 − α − γ/2 − β) (must be stationary) and `burn` draws are discarded. Seeded with createRng(seed):
 * the same seed gives the same series bit for bit.
 */
export function simulateGarch(params: GarchParams, n: number, seed: number, opts: GarchSimulateOptions = {}): GarchSimulation {
  const sp = resolveGarchSpec({ model: opts.model, dist: opts.dist });
  const burn = opts.burn ?? 500;
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`n must be an integer >= 1, got ${n}`, { field: "n" });
  if (!Number.isInteger(burn) || burn < 0) throw new ArgumentError(`burn must be an integer >= 0, got ${burn}`, { field: "burn" });
  const th = fullTheta({ ...params, mu: params.mu ?? 0 }, { ...sp, mean: "constant" });
  const [mu, omega, alpha, gamma, beta, nu] = th;
  const pers = alpha + 0.5 * gamma + beta;
  if (!(pers < 1)) throw new ArgumentError(`the model must be stationary (alpha + gamma/2 + beta < 1), got ${pers}`, { field: "beta" });
  const rng = createRng(seed);
  const tScale = sp.dist === "t" ? Math.sqrt(nu - 2) : 0;
  const returns = new Float64Array(n);
  const variance = new Float64Array(n);
  const innovations = new Float64Array(n);
  let h = omega / (1 - pers);
  let ePrev = NaN;
  for (let t = -burn; t < n; t++) {
    if (ePrev === ePrev) h = omega + (ePrev < 0 ? alpha + gamma : alpha) * ePrev * ePrev + beta * h;
    let z = rng.normal();
    if (sp.dist === "t") z *= tScale / Math.sqrt(2 * gammaVariate(rng, nu / 2));
    const e = Math.sqrt(h) * z;
    if (t >= 0) {
      returns[t] = mu + e;
      variance[t] = h;
      innovations[t] = z;
    }
    ePrev = e;
  }
  return { returns, variance, innovations };
}

const LOG_MIN = -700;

/**
 * Fits GARCH(1,1) or GJR-GARCH(1,1,1) with normal or standardized-t errors and a constant or zero mean by maximum
 * likelihood (see the file header for the optimizer, the constraints and the standard errors).
 * Presample: `presample` (default "fcp", the benchmark convention; "arch" reproduces arch's backcast).
 * Reproduces the DEM/GBP benchmark (McCullough & Renfro 1999; Brooks, Burke & Persand 2001) under "fcp":
 * μ = −0.00619041, ω = 0.0107613, α = 0.153134, β = 0.805974, ℓ = −1106.60788.
 * @param returns e.g. daily percentage returns (at least 20, all finite)
 */
export function fitGarch(returns: ArrayLike<number>, opts: GarchFitOptions = {}): GarchFit {
  const sp = resolveGarchSpec(opts);
  const r = toReturns(returns, 20);
  const n = r.length;
  const zeroMean = sp.mean === "zero";
  const tDist = sp.dist === "t";
  const gjr = sp.model === "gjr";
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 1000;
  if (!(tol > 0)) throw new ArgumentError(`tol must be > 0, got ${tol}`, { field: "tol" });

  // --- rescale to unit variance
  let m = 0;
  if (!zeroMean) {
    for (let i = 0; i < n; i++) m += r[i];
    m /= n;
  }
  let v = 0;
  let lo = r[0];
  let hi = r[0];
  for (let i = 0; i < n; i++) {
    v += (r[i] - m) * (r[i] - m);
    if (r[i] < lo) lo = r[i];
    if (r[i] > hi) hi = r[i];
  }
  v /= n;
  if (!(v > 0) || (zeroMean ? lo === 0 && hi === 0 : lo === hi)) throw new DataError(`returns have zero variance${zeroMean ? " (all zero)" : " (all equal)"}; nothing to fit`, { field: "returns" });
  const c = Math.sqrt(v);
  const rs = new Float64Array(n);
  for (let i = 0; i < n; i++) rs[i] = r[i] / c;
  const preS = typeof sp.presample === "number" ? sp.presample / (c * c) : sp.presample;
  const fixedPre = preS === "fcp" ? null : garchPresample(rs, 0, preS, zeroMean);

  const idx = freeIndex(sp);
  const k = idx.length;
  const thetaS = new Float64Array(6); // scaled full θ
  const gFull = new Float64Array(6);
  const llScaled = (th: Float64Array, grad: Float64Array | null, scores: Float64Array | null, hOut: Float64Array | null): number => {
    const pre = fixedPre ?? garchPresample(rs, th[0], preS, zeroMean);
    return garchKernel(rs, th, tDist, pre.s, pre.dsdmu, grad, scores, hOut);
  };

  // --- transform u ↔ θ (scaled). u = [μ?, ln ω, a, c?, b, ln(ν−2)?]
  const uPos = { mu: zeroMean ? -1 : 0, om: zeroMean ? 0 : 1 } as const;
  const ua = uPos.om + 1;
  const uc = gjr ? ua + 1 : -1;
  const ub = gjr ? ua + 2 : ua + 1;
  const uv = tDist ? ub + 1 : -1;
  const sm = new Float64Array(3); // softmax outputs pa, pb, pc
  const toTheta = (u: Float64Array, th: Float64Array): void => {
    th[0] = zeroMean ? 0 : u[uPos.mu];
    th[1] = Math.exp(Math.max(LOG_MIN, Math.min(700, u[uPos.om])));
    const a = u[ua];
    const b = u[ub];
    const cc = gjr ? u[uc] : -Infinity;
    const mx = Math.max(0, a, b, cc);
    const ea = Math.exp(a - mx);
    const eb = Math.exp(b - mx);
    const ec = gjr ? Math.exp(cc - mx) : 0;
    const D = Math.exp(-mx) + ea + eb + ec;
    sm[0] = ea / D;
    sm[1] = eb / D;
    sm[2] = ec / D;
    if (gjr) {
      th[2] = 2 * sm[0];
      th[3] = 2 * (sm[2] - sm[0]);
    } else {
      th[2] = sm[0];
      th[3] = 0;
    }
    th[4] = sm[1];
    th[5] = tDist ? 2 + Math.exp(Math.min(700, u[uv])) : 0;
  };
  const toU = (th: ArrayLike<number>): Float64Array => {
    const u = new Float64Array(k);
    if (!zeroMean) u[uPos.mu] = th[0];
    u[uPos.om] = Math.log(th[1]);
    const rest = 1 - th[2] - 0.5 * th[3] - th[4];
    const lg = (x: number) => Math.log(Math.max(x, 1e-12) / rest);
    if (gjr) {
      u[ua] = lg(th[2] / 2);
      u[uc] = lg((th[2] + th[3]) / 2);
    } else u[ua] = lg(th[2]);
    u[ub] = lg(th[4]);
    if (tDist) u[uv] = Math.log(th[5] - 2);
    return u;
  };
  // objective: −ℓ'/T in u, gradient by the chain rule
  const fg = (u: Float64Array, g: Float64Array): number => {
    toTheta(u, thetaS);
    const ll = llScaled(thetaS, gFull, null, null);
    if (!Number.isFinite(ll)) return Infinity;
    const w = -1 / n;
    if (!zeroMean) g[uPos.mu] = w * gFull[0];
    g[uPos.om] = w * gFull[1] * thetaS[1];
    // ∂/∂p of the softmax outputs
    const dpa = gjr ? 2 * gFull[2] - 2 * gFull[3] : gFull[2];
    const dpb = gFull[4];
    const dpc = gjr ? 2 * gFull[3] : 0;
    const avg = sm[0] * dpa + sm[1] * dpb + sm[2] * dpc;
    g[ua] = w * sm[0] * (dpa - avg);
    g[ub] = w * sm[1] * (dpb - avg);
    if (gjr) g[uc] = w * sm[2] * (dpc - avg);
    if (tDist) g[uv] = w * gFull[5] * (thetaS[5] - 2);
    return -ll / n;
  };
  const f = (u: Float64Array): number => {
    toTheta(u, thetaS);
    const ll = llScaled(thetaS, null, null, null);
    return Number.isFinite(ll) ? -ll / n : Infinity;
  };

  // --- starting values: grid (arch-like), then optional user start
  let kurt = 0;
  for (let i = 0; i < n; i++) kurt += ((rs[i] - m / c) ** 2) ** 2;
  kurt /= n;
  const nu0 = kurt > 3.75 ? Math.min(30, Math.max(4.5, (4 * kurt - 6) / (kurt - 3))) : 12;
  const start = new Float64Array(6);
  let best = -Infinity;
  const trial = new Float64Array(6);
  for (const alpha of [0.01, 0.05, 0.1, 0.2])
    for (const gamma of gjr ? [0, 0.05, 0.15] : [0])
      for (const pers of [0.5, 0.7, 0.9, 0.98]) {
        const beta = pers - alpha - 0.5 * gamma;
        if (!(beta > 0)) continue;
        trial[0] = zeroMean ? 0 : m / c;
        trial[1] = 1 - pers;
        trial[2] = alpha;
        trial[3] = gamma;
        trial[4] = beta;
        trial[5] = tDist ? nu0 : 0;
        const ll = llScaled(trial, null, null, null);
        if (ll > best) {
          best = ll;
          start.set(trial);
        }
      }
  if (opts.start) {
    const s0 = opts.start;
    if (s0.mu !== undefined && !zeroMean) start[0] = s0.mu / c;
    if (s0.omega !== undefined) start[1] = s0.omega / (c * c);
    if (s0.alpha !== undefined) start[2] = s0.alpha;
    if (s0.gamma !== undefined && gjr) start[3] = s0.gamma;
    if (s0.beta !== undefined) start[4] = s0.beta;
    if (s0.nu !== undefined && tDist) start[5] = s0.nu;
    const chk = { ...sp, mean: "constant" as const };
    fullTheta({ mu: start[0], omega: start[1], alpha: start[2], beta: start[4], gamma: start[3], nu: start[5] }, chk);
    if (!(start[2] + 0.5 * start[3] + start[4] < 1)) throw new ArgumentError("start: alpha + gamma/2 + beta must be < 1", { field: "start" });
  }

  // --- BFGS in u
  const opt = minimizeBfgs(f, toU(start), { gradient: fg, gtol: tol, maxIter });
  toTheta(opt.x, thetaS);
  const th = Float64Array.from(thetaS);

  // --- Newton polish in the (scaled) original coordinates, interior optimum only
  const gradFree = (x: Float64Array, g: Float64Array): number => {
    const full = Float64Array.from(th);
    for (let j = 0; j < k; j++) full[idx[j]] = x[j];
    const ll = llScaled(full, gFull, null, null);
    for (let j = 0; j < k; j++) g[j] = gFull[idx[j]];
    return ll;
  };
  const feasible = (x: Float64Array): boolean => {
    const full = Float64Array.from(th);
    for (let j = 0; j < k; j++) full[idx[j]] = x[j];
    return full[1] > 0 && full[2] >= 0 && full[4] >= 0 && full[2] + full[3] >= 0 && full[2] + 0.5 * full[3] + full[4] < 1 && (!tDist || full[5] > 2);
  };
  const stepsFor = (x: ArrayLike<number>, cc: number): Float64Array =>
    Float64Array.from(idx, (i, j) => 6e-6 * Math.max(Math.abs(x[j]), i === 0 ? 0.1 * cc : i === 1 ? 0.01 * cc * cc : i === 5 ? 1 : 0.1));
  let x = Float64Array.from(idx, (i) => th[i]);
  const g = new Float64Array(k);
  let llx = gradFree(x, g);
  let polished = 0;
  // chord Newton: one Hessian (at the BFGS optimum) for all steps; near the optimum it converges just as fast
  const Hinv = invertMatrix(hessianFromGradient(gradFree, x, stepsFor(x, 1)), k);
  for (let it = 0; it < 6 && Hinv; it++) {
    const xn = new Float64Array(k);
    let big = 0;
    for (let i = 0; i < k; i++) {
      let d = 0;
      for (let j = 0; j < k; j++) d -= Hinv[i * k + j] * g[j];
      xn[i] = x[i] + d;
      big = Math.max(big, Math.abs(d) / Math.max(1e-3, Math.abs(x[i])));
    }
    if (!feasible(xn)) break;
    const gn = new Float64Array(k);
    const lln = gradFree(xn, gn);
    let gOld = 0,
      gNew = 0;
    for (let i = 0; i < k; i++) {
      gOld = Math.max(gOld, Math.abs(g[i]));
      gNew = Math.max(gNew, Math.abs(gn[i]));
    }
    if (!(lln >= llx - 1e-10 * Math.abs(llx)) || !(gNew < gOld || big < 1e-13)) break;
    x = xn;
    llx = lln;
    g.set(gn);
    polished++;
    if (big < 1e-13) break;
  }
  for (let j = 0; j < k; j++) th[idx[j]] = x[j];
  let gInf = 0;
  for (let i = 0; i < k; i++) gInf = Math.max(gInf, Math.abs(g[i]) / n);
  const converged = opt.converged || gInf <= 1e-6;

  // --- back to the original units
  const full = Float64Array.from(th);
  full[0] *= c;
  full[1] *= c * c;
  const params: GarchParams = { mu: full[0], omega: full[1], alpha: full[2], beta: full[4] };
  if (gjr) params.gamma = full[3];
  if (tDist) params.nu = full[5];
  const pre = garchPresample(r, full[0], sp.presample, zeroMean);
  const h = new Float64Array(n);
  const scoresFull = new Float64Array(6 * n);
  const logLik = garchKernel(r, full, tDist, pre.s, pre.dsdmu, null, scoresFull, h);

  // Hessian in the original parameter space (central differences of the analytic gradient)
  const gradOrig = (xx: Float64Array, gg: Float64Array): number => {
    const fth = Float64Array.from(full);
    for (let j = 0; j < k; j++) fth[idx[j]] = xx[j];
    const p2 = garchPresample(r, fth[0], sp.presample, zeroMean);
    const ll = garchKernel(r, fth, tDist, p2.s, p2.dsdmu, gFull, null, null);
    for (let j = 0; j < k; j++) gg[j] = gFull[idx[j]];
    return ll;
  };
  const xo = Float64Array.from(idx, (i) => full[i]);
  const Ho = hessianFromGradient(gradOrig, xo, stepsFor(xo, c));
  const A = Ho.map((vv) => -vv);
  const Ainv = invertMatrix(A, k);
  const J = new Float64Array(k * k);
  for (let t = 0; t < n; t++) {
    const o = 6 * t;
    for (let i = 0; i < k; i++) {
      const si = scoresFull[o + idx[i]];
      for (let j = 0; j < k; j++) J[i * k + j] += si * scoresFull[o + idx[j]];
    }
  }
  const cov: number[][] = [];
  const rcov: number[][] = [];
  for (let i = 0; i < k; i++) {
    cov.push([]);
    rcov.push([]);
    for (let j = 0; j < k; j++) {
      if (!Ainv) {
        cov[i].push(NaN);
        rcov[i].push(NaN);
        continue;
      }
      cov[i].push(Ainv[i * k + j]);
      let sAcc = 0;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sAcc += Ainv[i * k + a] * J[a * k + b] * Ainv[b * k + j];
      rcov[i].push(sAcc);
    }
  }
  const paramNames = idx.map((i) => FULL_NAMES[i]);
  const stdErrors: Partial<Record<GarchParamName, number>> = {};
  const robustStdErrors: Partial<Record<GarchParamName, number>> = {};
  paramNames.forEach((nm, i) => {
    stdErrors[nm] = cov[i][i] >= 0 ? Math.sqrt(cov[i][i]) : NaN;
    robustStdErrors[nm] = rcov[i][i] >= 0 ? Math.sqrt(rcov[i][i]) : NaN;
  });
  const z = new Float64Array(n);
  for (let t = 0; t < n; t++) z[t] = (r[t] - full[0]) / Math.sqrt(h[t]);
  const persistence = full[2] + 0.5 * full[3] + full[4];
  const lastResid = r[n - 1] - full[0];
  const lastVar = h[n - 1];
  const message =
    opt.message +
    (polished ? `; ${polished} chord-Newton polish step(s), final |∂ℓ/∂θ|/T ≤ ${gInf.toExponential(1)} (scaled units)` : `; no Newton polish (boundary or non-concave)`) +
    (Ainv ? "" : "; Hessian singular: standard errors are NaN") +
    (persistence > 1 - 1e-6 ? "; persistence at the stationarity bound α + γ/2 + β → 1 (standard errors unreliable)" : "") +
    (full[2] < 1e-6 || full[4] < 1e-6 ? "; a coefficient at its bound 0 (standard errors unreliable)" : "");
  return {
    spec: sp,
    params,
    paramNames,
    stdErrors,
    robustStdErrors,
    covariance: cov,
    robustCovariance: rcov,
    logLik,
    aic: -2 * logLik + 2 * k,
    bic: -2 * logLik + k * Math.log(n),
    nobs: n,
    converged,
    iterations: opt.iterations,
    message,
    persistence,
    unconditionalVariance: persistence < 1 ? full[1] / (1 - persistence) : Infinity,
    presampleValue: pre.s,
    conditionalVariance: h,
    standardizedResiduals: z,
    forecast: (horizon: number) => garchForecast(params, lastResid, lastVar, horizon),
    simulate: (nn: number, seed: number) => simulateGarch(params, nn, seed, { model: sp.model, dist: sp.dist }),
  };
}
