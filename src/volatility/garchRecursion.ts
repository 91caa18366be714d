/**
 * GARCH kernels over Float64Array: the variance recursion, the presample (backcast) conventions, and the
 * log-likelihood with its analytic gradient and per-observation scores. `garch.ts` builds the fit on these.
 *
 * Model (arch's structure: mean × volatility process × distribution):
 *   r_t = μ + e_t,  e_t = √h_t · z_t,  z_t iid with mean 0, variance 1;
 *   GARCH(1,1) (Bollerslev 1986):      h_t = ω + α e²_{t−1} + β h_{t−1}
 *   GJR-GARCH(1,1,1) (Glosten, Jagannathan & Runkle 1993): h_t = ω + (α + γ·1[e_{t−1} < 0]) e²_{t−1} + β h_{t−1}
 * Units: r in whatever units the caller uses (e.g. percent); μ in those units, ω and h in their square.
 *
 * Presample: with s the presample value, the first variance is h_0 = ω + α s + γ·s/2 + β s, i.e. e²_{−1} = h_{−1} = s
 * and the asymmetric term takes its expectation 1[e<0]e² = s/2 (arch's convention for GJR).
 */
import { ArgumentError } from "../errors";
import { logGamma } from "../frame/ols";

/** Volatility process: "garch" = GARCH(1,1); "gjr" = GJR-GARCH(1,1,1). */
export type GarchModel = "garch" | "gjr";
/** Innovation distribution: "normal", or "t" = Student t standardized to unit variance (ν > 2). */
export type GarchDist = "normal" | "t";
/** Mean model: "constant" (μ estimated) or "zero" (μ = 0). */
export type GarchMean = "constant" | "zero";
/**
 * Presample (backcast) convention, the value s of e²_{−1} = h_{−1}:
 * - "fcp": s = (1/T)Σ(r_t − μ)², the mean squared residual at the *current* μ (Fiorentini, Calzolari & Panattoni 1996;
 *   the convention of the DEM/GBP benchmark of McCullough & Renfro 1999 and Brooks, Burke & Persand 2001, and of
 *   R fGarch's default `init.rec = "mci"`). It moves with μ during the fit (the gradient accounts for it).
 * - "arch": arch's `backcast`: s = Σ_{i<τ} w_i ê_i², w_i ∝ 0.94^i normalized to sum 1, τ = min(75, T), with ê the
 *   residuals at the sample mean (constant mean) or the returns (zero mean); fixed during the fit, as in arch.
 * - "sample-variance": s = (1/T)Σ(r_t − r̄)² (constant mean) or (1/T)Σ r_t² (zero mean); fixed.
 * - a number s > 0, fixed.
 */
export type GarchPresample = "fcp" | "arch" | "sample-variance" | number;

/** GARCH parameters. `gamma` only for "gjr", `nu` only for "t"; `mu` is 0 for the zero mean. */
export interface GarchParams {
  /** Mean μ (return units). */
  mu: number;
  /** Variance intercept ω > 0 (return units squared). */
  omega: number;
  /** ARCH coefficient α ≥ 0. */
  alpha: number;
  /** GARCH coefficient β ≥ 0. */
  beta: number;
  /** GJR asymmetry γ (α + γ ≥ 0); extra weight on negative shocks. */
  gamma?: number;
  /** Student-t degrees of freedom ν > 2. */
  nu?: number;
}

/** Model specification shared by the likelihood, the fit, forecasting and simulation. */
export interface GarchSpec {
  /** Volatility process (default "garch"). */
  model?: GarchModel;
  /** Innovation distribution (default "normal"). */
  dist?: GarchDist;
  /** Mean model (default "constant"). */
  mean?: GarchMean;
  /** Presample convention (default "fcp"). */
  presample?: GarchPresample;
}

/** A fully resolved spec. */
export interface ResolvedGarchSpec {
  model: GarchModel;
  dist: GarchDist;
  mean: GarchMean;
  presample: GarchPresample;
}

/** Validates and fills the defaults of a spec (ArgumentError naming the field on a bad option). */
export function resolveGarchSpec(spec: GarchSpec = {}): ResolvedGarchSpec {
  const model = spec.model ?? "garch";
  const dist = spec.dist ?? "normal";
  const mean = spec.mean ?? "constant";
  const presample = spec.presample ?? "fcp";
  if (model !== "garch" && model !== "gjr") throw new ArgumentError(`model must be "garch" or "gjr", got "${model}"`, { field: "model" });
  if (dist !== "normal" && dist !== "t") throw new ArgumentError(`dist must be "normal" or "t", got "${dist}"`, { field: "dist" });
  if (mean !== "constant" && mean !== "zero") throw new ArgumentError(`mean must be "constant" or "zero", got "${mean}"`, { field: "mean" });
  if (typeof presample === "number") {
    if (!(presample > 0) || !Number.isFinite(presample)) throw new ArgumentError(`a numeric presample must be finite and > 0, got ${presample}`, { field: "presample" });
  } else if (presample !== "fcp" && presample !== "arch" && presample !== "sample-variance") {
    throw new ArgumentError(`presample must be "fcp", "arch", "sample-variance" or a number, got "${presample}"`, { field: "presample" });
  }
  return { model, dist, mean, presample };
}

/**
 * The conditional-variance recursion, a pure function: h_0 = ω + (α + γ/2 + β)·s, then for t ≥ 1
 * h_t = ω + (α + γ·1[e_{t−1} < 0])·e²_{t−1} + β h_{t−1}. `resid` are the mean residuals e_t = r_t − μ; `s` is the
 * presample value (see `GarchPresample`); γ = 0 gives GARCH(1,1). Writes into `out` (allocated when absent).
 * Units: h in resid units squared.
 */
export function garchVariance(
  resid: Float64Array,
  omega: number,
  alpha: number,
  beta: number,
  gamma: number,
  s: number,
  out?: Float64Array,
): Float64Array {
  const n = resid.length;
  const h = out ?? new Float64Array(n);
  if (h.length !== n) throw new ArgumentError(`out has ${h.length} rows, resid has ${n}`, { field: "out" });
  if (n === 0) return h;
  let hp = omega + (alpha + 0.5 * gamma + beta) * s;
  h[0] = hp;
  for (let t = 1; t < n; t++) {
    const e = resid[t - 1];
    hp = omega + (e < 0 ? alpha + gamma : alpha) * e * e + beta * hp;
    h[t] = hp;
  }
  return h;
}

/**
 * arch's backcast (`VolatilityProcess.backcast`): Σ_{i<τ} w_i e_i², w_i = 0.94^i / Σ_{j<τ} 0.94^j, τ = min(75, T).
 */
export function archBackcast(resid: Float64Array): number {
  const tau = Math.min(75, resid.length);
  let w = 1;
  let sw = 0;
  let s = 0;
  for (let i = 0; i < tau; i++) {
    s += w * resid[i] * resid[i];
    sw += w;
    w *= 0.94;
  }
  return s / sw;
}

/**
 * The presample value s for `returns` at mean `mu` under convention `presample` (see `GarchPresample`), and its
 * derivative ds/dμ (−2·mean(r − μ) for "fcp", else 0). `zeroMean` selects the zero-mean variants of
 * "arch" / "sample-variance".
 */
export function garchPresample(returns: Float64Array, mu: number, presample: GarchPresample, zeroMean: boolean): { s: number; dsdmu: number } {
  const n = returns.length;
  if (typeof presample === "number") return { s: presample, dsdmu: 0 };
  if (presample === "fcp") {
    let se = 0;
    let se2 = 0;
    for (let i = 0; i < n; i++) {
      const e = returns[i] - mu;
      se += e;
      se2 += e * e;
    }
    return { s: se2 / n, dsdmu: zeroMean ? 0 : (-2 * se) / n };
  }
  let m = 0;
  if (!zeroMean) {
    for (let i = 0; i < n; i++) m += returns[i];
    m /= n;
  }
  if (presample === "arch") {
    const tau = Math.min(75, n);
    const e = new Float64Array(tau);
    for (let i = 0; i < tau; i++) e[i] = returns[i] - m;
    return { s: archBackcast(e), dsdmu: 0 };
  }
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += (returns[i] - m) * (returns[i] - m);
  return { s: s2 / n, dsdmu: 0 };
}

/** ψ(x), the digamma function, for x > 0: recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the asymptotic series (absolute error < 1e-13). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))));
}

const LN2PI = Math.log(2 * Math.PI);

/** Index of each parameter in the full parameter vector [μ, ω, α, γ, β, ν] used by `garchKernel`. */
export const FULL_NAMES = ["mu", "omega", "alpha", "gamma", "beta", "nu"] as const;

/**
 * Log-likelihood kernel: returns Σ_t l_t for the full parameter vector θ = [μ, ω, α, γ, β, ν] (γ = 0 for GARCH;
 * ν ignored for "normal") over `returns`, with presample value s (and ds/dμ for "fcp"):
 *   normal: l_t = −½(ln 2π + ln h_t + e_t²/h_t)
 *   t:      l_t = ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(π(ν−2)) − ½ ln h_t − (ν+1)/2 · ln(1 + e_t²/(h_t(ν−2)))
 * Analytic derivatives follow the recursion: ∂h_t/∂θ = ∂(ω + (α+γ1[e<0])e²_{t−1})/∂θ + [θ=β]h_{t−1} + β ∂h_{t−1}/∂θ
 * (with ∂e²_{t−1}/∂μ = −2e_{t−1} and the presample's ∂s/∂μ). When `grad` (length 6) is given it receives ∂ℓ/∂θ;
 * when `scores` (length 6T) is given it receives ∂l_t/∂θ row by row; when `hOut` is given it receives h_t.
 * Returns −Infinity when some h_t ≤ 0 or the value is not finite.
 */
export function garchKernel(
  returns: Float64Array,
  theta: ArrayLike<number>,
  tDist: boolean,
  s: number,
  dsdmu: number,
  grad: Float64Array | null,
  scores: Float64Array | null,
  hOut: Float64Array | null,
): number {
  const n = returns.length;
  const mu = theta[0];
  const omega = theta[1];
  const alpha = theta[2];
  const gamma = theta[3];
  const beta = theta[4];
  const nu = tDist ? theta[5] : 0;
  if (tDist && !(nu > 2)) return -Infinity;
  const want = grad !== null || scores !== null;
  // h_0 and its derivatives (presample)
  const ps = alpha + 0.5 * gamma + beta;
  let h = omega + ps * s;
  let dMu = ps * dsdmu;
  let dOm = 1;
  let dAl = s;
  let dGa = 0.5 * s;
  let dBe = s;
  let cT = 0;
  let dcT = 0;
  if (tDist) {
    cT = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2));
    if (want) dcT = 0.5 * digamma((nu + 1) / 2) - 0.5 * digamma(nu / 2) - 0.5 / (nu - 2);
  }
  let ll = 0;
  let gMu = 0,
    gOm = 0,
    gAl = 0,
    gGa = 0,
    gBe = 0,
    gNu = 0;
  let ePrev = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      const neg = ePrev < 0;
      const a = neg ? alpha + gamma : alpha;
      const e2 = ePrev * ePrev;
      if (want) {
        dMu = -2 * a * ePrev + beta * dMu;
        dOm = 1 + beta * dOm;
        dAl = e2 + beta * dAl;
        dGa = (neg ? e2 : 0) + beta * dGa;
        dBe = h + beta * dBe;
      }
      h = omega + a * e2 + beta * h;
    }
    if (!(h > 0)) return -Infinity;
    if (hOut !== null) hOut[t] = h;
    const e = returns[t] - mu;
    const e2h = (e * e) / h;
    let lt: number, dldh: number, dlde: number, dldnu = 0;
    if (!tDist) {
      lt = -0.5 * (LN2PI + Math.log(h) + e2h);
      dldh = (0.5 * (e2h - 1)) / h;
      dlde = -e / h;
    } else {
      const q = e2h / (nu - 2);
      const A = 1 + q;
      const lA = Math.log1p(q);
      lt = cT - 0.5 * Math.log(h) - 0.5 * (nu + 1) * lA;
      dldh = (-0.5 + (0.5 * (nu + 1) * q) / A) / h;
      dlde = (-(nu + 1) * e) / (h * (nu - 2) * A);
      dldnu = dcT - 0.5 * lA + (0.5 * (nu + 1) * q) / ((nu - 2) * A);
    }
    ll += lt;
    if (want) {
      const sMu = dldh * dMu - dlde;
      const sOm = dldh * dOm;
      const sAl = dldh * dAl;
      const sGa = dldh * dGa;
      const sBe = dldh * dBe;
      gMu += sMu;
      gOm += sOm;
      gAl += sAl;
      gGa += sGa;
      gBe += sBe;
      gNu += dldnu;
      if (scores !== null) {
        const o = 6 * t;
        scores[o] = sMu;
        scores[o + 1] = sOm;
        scores[o + 2] = sAl;
        scores[o + 3] = sGa;
        scores[o + 4] = sBe;
        scores[o + 5] = dldnu;
      }
    }
    ePrev = e;
  }
  if (!Number.isFinite(ll)) return -Infinity;
  if (grad !== null) {
    grad[0] = gMu;
    grad[1] = gOm;
    grad[2] = gAl;
    grad[3] = gGa;
    grad[4] = gBe;
    grad[5] = gNu;
  }
  return ll;
}
