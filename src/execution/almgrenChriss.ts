/**
 * Almgren & Chriss (2000), "Optimal execution of portfolio transactions", Journal of Risk 3(2), 5–39:
 * discrete-time mean-variance optimal liquidation with linear permanent and temporary impact.
 *
 * Model (sell program of X > 0 shares; a buy program X < 0 is the mirror image, every formula below depends on X
 * only through |n_k|, n_k², x_k², X², except the drift term below):
 * - time grid t_k = kτ, τ = T/N, k = 0..N; holdings x_0 = X, x_N = 0; trades n_k = x_{k−1} − x_k (k = 1..N);
 * - unaffected price S_k = S_{k−1} + σ√τ ξ_k + ατ − γ n_k (permanent impact g(v) = γv, v = n_k/τ; drift α, section
 *   4.1, default 0);
 * - execution price S̃_k = S_{k−1} − ε sgn(n_k) − (η/τ) n_k (temporary impact h(v) = ε sgn(v) + ηv);
 * - implementation shortfall (cost) = X S_0 − Σ n_k S̃_k, with
 *   E = ½γX² − α Σ τ x_k + ε Σ|n_k| + (η̃/τ) Σ n_k²,   η̃ = η − ½γτ   (paper eqs. 8 and 24),
 *   V = σ² Σ_{k=1..N} τ x_k².
 *   (The ½γX² − ½γΣn_k² split of the permanent cost Σ γ x_k n_k holds for ANY schedule with x_N = 0, hence η̃.)
 *
 * Units (time unit = 1 day, as in the paper): X shares; T days; σ in price/(share·√day); α in $/(share·day); η in price/share per
 * (share/day), i.e. $·day/share²; γ in $/share²; ε in $/share; λ in 1/$ (risk aversion per $² of variance).
 * E is in $, V in $², the half-life 1/κ in days.
 *
 * Optimal trajectory for min E + λV (the paper's closed forms, section 2.2):
 *   κ̃² = λσ²/η̃,   (2/τ²)(cosh κτ − 1) = κ̃²,   x_k = X sinh(κ(T − t_k)) / sinh(κT).
 * Convention note: the brief for this module wrote η̃ = η(1 − γτ/2); the paper (and the algebra above) give
 * η̃ = η − ½γτ, which is what this file uses (the other form is not even dimensionally consistent).
 * - λ = 0: κ = 0, the linear (naive, TWAP) trajectory x_k = X(1 − t_k/T), which minimises E.
 * - λ < 0 (risk-loving, the paper's point C): κ̃² < 0 and (2/τ²)(1 − cos κτ) = −κ̃², x_k = X sin(κ(T − t_k))/sin(κT):
 *   back-loaded. E + λV is bounded below only while κT < π (λ > λ_crit); below that an ArgumentError is thrown.
 *   For κT > π/2 the trajectory first rises above X (buys before selling): it is still the minimiser of the
 *   quadratic part, but with ε > 0 the ε Σ|n_k| term is then not constant and the closed form is not exactly optimal
 *   (the result says `monotone: false`).
 * κ is computed as κτ = 2 asinh(κ̃τ/2) (or 2 asin(|κ̃|τ/2)), the same equation without the cancellation of acosh(1 + small).
 *
 * Drift (section 4.1, eqs. 25-26): with α ≠ 0 and λ ≠ 0 the trajectory relaxes towards the static optimal holding
 * x̄ = α/(2λσ²) instead of 0: x_k = [s(T − t_k)/s(T)]·X + [1 − (s(T − t_k) + s(t_k))/s(T)]·x̄, s(u) = sinh(κu)
 * (sin(κu) for λ < 0). At λ = 0 (x̄ infinite, κ = 0) the limit is the parabola x_k = X(1 − t_k/T) + (α/(4η̃))·t_k(T − t_k),
 * the minimiser of E alone. V is unchanged (eq. 5). The paper's example (Table 1: α = 0.02, λ = 1e−6) has x̄ ≈ 11,080
 * shares ("static holdings 11,000 shares"; its section 4.1 text prints "1,100 shares, or 0.11%", a factor 10 off).
 */
import { ArgumentError } from "../errors";
import { Frame } from "../frame/frame";
import { normalQuantile } from "../frame/ols";

/** Market and cost parameters of the Almgren-Chriss model (units: see the module comment; time unit = day). */
export interface AlmgrenChrissParams {
  /** Shares to liquidate (x_0). > 0 sell program, < 0 buy program. */
  X: number;
  /** Horizon in days. */
  T: number;
  /** Number of trading intervals (integer ≥ 1); τ = T/N. */
  N: number;
  /** Volatility of the price in $/(share·√day) (absolute, not a return volatility: σ_annual·S_0/√250 in the paper). */
  sigma: number;
  /** Temporary impact in $/share per (share/day). */
  eta: number;
  /** Fixed cost per share traded ($/share): half the spread plus fees. */
  epsilon: number;
  /** Permanent impact in $/share per share. */
  gamma: number;
  /** Expected drift of the price in $/(share·day) (section 4.1; an excess return × price). Default 0. */
  alpha?: number;
}

/** Input of `almgrenChriss`: the parameters plus the risk aversion λ (1/$). */
export interface AlmgrenChrissInput extends AlmgrenChrissParams {
  /** Risk aversion λ in 1/$: > 0 risk-averse, 0 risk-neutral (linear schedule), < 0 risk-loving. */
  lambda: number;
}

/** Expected cost and variance of a schedule (see `scheduleCostVariance`). */
export interface ScheduleCost {
  /** E = ½γX² − α Σ τ_k x_k + ε Σ|n_k| + Σ (η/τ_k − ½γ) n_k², in $. */
  expectedCost: number;
  /** V = σ² Σ τ_k x_k², in $². */
  variance: number;
  /** √V in $. */
  stdDev: number;
  /** Permanent-impact part ½γX² − ½γ Σ n_k² (= Σ γ x_k n_k). */
  permanentCost: number;
  /** Temporary-impact part Σ (η/τ_k) n_k². */
  temporaryCost: number;
  /** Fixed-cost part ε Σ |n_k|. */
  fixedCost: number;
  /** Drift part −α Σ τ_k x_k (0 without drift): the expected price move captured by the holdings, as a cost. */
  driftCost: number;
}

/** Result of `almgrenChriss`. */
export interface AlmgrenChrissResult extends ScheduleCost {
  lambda: number;
  /** τ = T/N in days. */
  tau: number;
  /** η̃ = η − ½γτ. */
  etaTilde: number;
  /** κ̃² = λσ²/η̃ (1/day²; negative for λ < 0). */
  kappaTilde2: number;
  /** κ ≥ 0 (1/day): cosh(κτ) = 1 + κ̃²τ²/2 for λ ≥ 0, cos(κτ) = 1 + κ̃²τ²/2 for λ < 0. */
  kappa: number;
  /** Half-life of the trade 1/κ in days (Infinity for λ = 0; for λ < 0, 1/κ of the oscillatory solution). */
  halfLife: number;
  /** "averse" (λ > 0, sinh), "neutral" (λ = 0, linear), "loving" (λ < 0, sin). */
  regime: "averse" | "neutral" | "loving";
  /** t_k = kτ, k = 0..N (days). */
  times: Float64Array;
  /** Holdings x_k, k = 0..N (x_0 = X, x_N = 0). */
  holdings: Float64Array;
  /** Trades n_k = x_{k−1} − x_k, k = 1..N (length N). */
  trades: Float64Array;
  /** E + λV. */
  objective: number;
  /** True when every n_k has the sign of X (never trades against the program); always true for λ ≥ 0 without drift. */
  monotone: boolean;
  /** The static optimal holding x̄ = α/(2λσ²) (shares; 0 without drift, ±Infinity at λ = 0 with drift). */
  staticHolding: number;
}

function finite(v: number, field: string, cond: (v: number) => boolean, what: string): void {
  if (typeof v !== "number" || !Number.isFinite(v) || !cond(v)) throw new ArgumentError(`${field} must be ${what}, got ${v}`, { field });
}

function checkParams(p: AlmgrenChrissParams): void {
  finite(p.X, "X", () => true, "a finite number");
  finite(p.T, "T", (v) => v > 0, "> 0 (days)");
  finite(p.N, "N", (v) => Number.isInteger(v) && v >= 1, "an integer >= 1");
  finite(p.sigma, "sigma", (v) => v >= 0, ">= 0 ($/share/√day)");
  finite(p.eta, "eta", (v) => v > 0, "> 0");
  finite(p.epsilon, "epsilon", (v) => v >= 0, ">= 0 ($/share)");
  finite(p.gamma, "gamma", (v) => v >= 0, ">= 0");
  if (p.alpha !== undefined) finite(p.alpha, "alpha", () => true, "a finite number ($/share/day)");
  const tau = p.T / p.N;
  if (!(p.eta - 0.5 * p.gamma * tau > 0)) {
    throw new ArgumentError(
      `eta~ = eta − gamma·tau/2 must be > 0, got ${p.eta} − ${p.gamma}·${tau}/2`,
      { field: "eta" },
      "the temporary impact must dominate half the permanent impact over one interval (Almgren & Chriss's assumption)",
    );
  }
}

/**
 * The most negative λ for which min E + λV exists on this grid: λ_crit = −(4η̃/(σ²τ²))·sin²(π/(2N)), i.e. κT = π.
 * (The quadratic form (η̃/τ)Σn² + λσ²τΣx² over the N − 1 free holdings has smallest eigenvalue
 * (η̃/τ)(2 − 2cos(π/N)) + λσ²τ.) −Infinity when σ = 0.
 */
export function criticalLambda(p: AlmgrenChrissParams): number {
  checkParams(p);
  const tau = p.T / p.N;
  const etaT = p.eta - 0.5 * p.gamma * tau;
  if (p.sigma === 0) return -Infinity;
  const s = Math.sin(Math.PI / (2 * p.N));
  return (-4 * etaT * s * s) / (p.sigma * p.sigma * tau * tau);
}

/**
 * Expected cost E and variance V of ANY liquidation schedule given by its holdings x_0..x_N (x_0 = X, x_N = 0),
 * under the Almgren-Chriss linear-impact model (see the module comment for units):
 * E = ½γx_0² − α Σ τ_k x_k + ε Σ|n_k| + Σ (η/τ_k − ½γ) n_k²,  V = σ² Σ_{k=1..N} τ_k x_k²,  n_k = x_{k−1} − x_k
 * (x_k is held through interval k, so it earns that interval's drift ατ_k and carries its variance σ²τ_k).
 * The grid is uniform (τ = T/N, N = holdings.length − 1, T from `params.T`) unless `times` (t_0..t_N, increasing,
 * days) is given, which lets a VWAP schedule on unequal slices be costed. `params.X` and `params.N` are not used
 * (they come from `holdings`). Throws if x_N is not 0 (within 1e−9·|x_0|): the formula assumes a complete program.
 */
export function scheduleCostVariance(
  holdings: ArrayLike<number>,
  params: Omit<AlmgrenChrissParams, "X" | "N"> & { times?: ArrayLike<number> },
): ScheduleCost {
  const N = holdings.length - 1;
  if (N < 1) throw new ArgumentError(`holdings needs at least 2 entries (x_0, x_N), got ${holdings.length}`, { field: "holdings" });
  const x0 = holdings[0];
  checkParams({ ...params, X: x0, N });
  for (let k = 0; k <= N; k++) {
    if (!Number.isFinite(holdings[k])) throw new ArgumentError(`holdings[${k}] is not finite (${holdings[k]})`, { field: "holdings" });
  }
  if (Math.abs(holdings[N]) > 1e-9 * Math.max(Math.abs(x0), 1e-300)) {
    throw new ArgumentError(`the schedule must end flat: x_N = ${holdings[N]}, x_0 = ${x0}`, { field: "holdings" });
  }
  const times = params.times;
  if (times !== undefined) {
    if (times.length !== N + 1) throw new ArgumentError(`times has ${times.length} entries, holdings ${N + 1}`, { field: "times" });
    for (let k = 1; k <= N; k++) {
      if (!(times[k] > times[k - 1])) throw new ArgumentError(`times must increase: times[${k}] = ${times[k]} <= ${times[k - 1]}`, { field: "times" });
    }
  }
  const { sigma, eta, epsilon, gamma } = params;
  const alpha = params.alpha ?? 0;
  let sumAbs = 0;
  let drift = 0;
  let sumSq = 0;
  let temp = 0;
  let v = 0;
  for (let k = 1; k <= N; k++) {
    const tau = times ? times[k] - times[k - 1] : params.T / N;
    const xk = k === N ? 0 : holdings[k];
    const n = holdings[k - 1] - xk;
    sumAbs += Math.abs(n);
    sumSq += n * n;
    temp += (eta / tau) * n * n;
    v += tau * xk * xk;
    drift += tau * xk;
  }
  const permanentCost = 0.5 * gamma * x0 * x0 - 0.5 * gamma * sumSq;
  const fixedCost = epsilon * sumAbs;
  const variance = sigma * sigma * v;
  const driftCost = alpha === 0 ? 0 : -alpha * drift;
  return { expectedCost: permanentCost + fixedCost + temp + driftCost, variance, stdDev: Math.sqrt(variance), permanentCost, temporaryCost: temp, fixedCost, driftCost };
}

/**
 * Almgren-Chriss (2000) optimal liquidation trajectory for risk aversion λ and its expected cost, variance and
 * half-life, from the discrete closed forms (module comment): η̃ = η − ½γτ, κ̃² = λσ²/η̃,
 * cosh(κτ) = 1 + κ̃²τ²/2 (cos for λ < 0), x_k = X sinh(κ(T − t_k))/sinh(κT) (sin for λ < 0; linear for λ = 0),
 * E and V by `scheduleCostVariance`. With a drift α (section 4.1) the trajectory is eq. 26 (module comment), relaxing
 * towards x̄ = α/(2λσ²). Units: days, $/share, shares; λ in 1/$.
 * Bad inputs (non-finite, T ≤ 0, N not a positive integer, η̃ ≤ 0, λ ≤ `criticalLambda`) throw ArgumentError.
 */
export function almgrenChriss(input: AlmgrenChrissInput): AlmgrenChrissResult {
  checkParams(input);
  const { X, T, N, sigma, eta, gamma, lambda } = input;
  const alpha = input.alpha ?? 0;
  finite(lambda, "lambda", () => true, "a finite number (1/$)");
  const tau = T / N;
  const etaTilde = eta - 0.5 * gamma * tau;
  const kappaTilde2 = (lambda * sigma * sigma) / etaTilde;
  const times = new Float64Array(N + 1);
  for (let k = 0; k <= N; k++) times[k] = k === N ? T : k * tau;
  const holdings = new Float64Array(N + 1);
  const staticHolding = alpha === 0 ? 0 : lambda === 0 || sigma === 0 ? Math.sign(alpha) * Infinity : alpha / (2 * lambda * sigma * sigma);
  let kappa = 0;
  let regime: AlmgrenChrissResult["regime"];
  if (kappaTilde2 > 0) {
    regime = "averse";
    kappa = (2 * Math.asinh((Math.sqrt(kappaTilde2) * tau) / 2)) / tau;
    // x_k/X = sinh(κ(T−t))/sinh(κT) = e^{−κt}(1 − e^{−2κ(T−t)})/(1 − e^{−2κT}): no overflow for large κT
    const den = -Math.expm1(-2 * kappa * T);
    // sinh(κu)/sinh(κT) = e^{−κ(T−u)}(1 − e^{−2κu})/(1 − e^{−2κT})
    const ratio = (u: number) => (Math.exp(-kappa * (T - u)) * -Math.expm1(-2 * kappa * u)) / den;
    for (let k = 0; k <= N; k++) {
      const a = ratio(T - times[k]);
      holdings[k] = X * a + (alpha === 0 ? 0 : (1 - a - ratio(times[k])) * staticHolding);
    }
  } else if (kappaTilde2 < 0) {
    regime = "loving";
    const s = (Math.sqrt(-kappaTilde2) * tau) / 2;
    const crit = criticalLambda(input);
    if (!(s < 1) || !(lambda > crit)) {
      throw new ArgumentError(
        `lambda = ${lambda} is at or below the critical value ${crit}: E + λV has no minimum (κT >= π)`,
        { field: "lambda" },
        "a risk-loving trader with |λ| this large would postpone indefinitely; use lambda > criticalLambda(params)",
      );
    }
    kappa = (2 * Math.asin(s)) / tau;
    const den = Math.sin(kappa * T);
    for (let k = 0; k <= N; k++) {
      const a = Math.sin(kappa * (T - times[k])) / den;
      holdings[k] = X * a + (alpha === 0 ? 0 : (1 - a - Math.sin(kappa * times[k]) / den) * staticHolding);
    }
  } else {
    regime = lambda === 0 || sigma === 0 ? "neutral" : lambda > 0 ? "averse" : "loving";
    // λ = 0 (or σ = 0): minimiser of E alone, linear plus the drift parabola (α/(4η̃))·t(T − t)
    for (let k = 0; k <= N; k++) holdings[k] = (X * (N - k)) / N + (alpha === 0 ? 0 : (alpha / (4 * etaTilde)) * times[k] * (T - times[k]));
  }
  holdings[0] = X;
  holdings[N] = 0;
  const trades = new Float64Array(N);
  let monotone = true;
  for (let k = 1; k <= N; k++) {
    trades[k - 1] = holdings[k - 1] - holdings[k];
    if (trades[k - 1] * Math.sign(X) < 0) monotone = false;
  }
  const c = scheduleCostVariance(holdings, { T, sigma, eta, epsilon: input.epsilon, gamma, alpha });
  return {
    ...c,
    lambda,
    tau,
    etaTilde,
    kappaTilde2,
    kappa,
    halfLife: kappa > 0 ? 1 / kappa : Infinity,
    regime,
    times,
    holdings,
    trades,
    objective: c.expectedCost + lambda * c.variance,
    monotone,
    staticHolding,
  };
}

/**
 * Liquidity-adjusted value at risk (Almgren & Chriss 2000, section 3.2): the cost level exceeded with probability
 * 1 − p under the model's normal cost distribution, L-VaR_p = E + z_p √V, z_p = Φ⁻¹(p). In $ (E in $, V in $²).
 */
export function liquidityVaR(cost: { expectedCost: number; variance: number }, confidence: number): number {
  finite(confidence, "confidence", (v) => v > 0 && v < 1, "in (0, 1)");
  if (!(cost.variance >= 0)) throw new ArgumentError(`variance must be >= 0, got ${cost.variance}`, { field: "variance" });
  return cost.expectedCost + normalQuantile(confidence) * Math.sqrt(cost.variance);
}

/** Columns of `efficientFrontier`: one row per λ. */
export type EfficientFrontierColumns = {
  /** Risk aversion λ (1/$). */
  lambda: Float64Array;
  /** E(λ) in $. */
  expectedCost: Float64Array;
  /** V(λ) in $². */
  variance: Float64Array;
  /** √V in $. */
  stdDev: Float64Array;
  /** κ (1/day). */
  kappa: Float64Array;
  /** 1/κ (days; Infinity at λ = 0). */
  halfLife: Float64Array;
  /** First trade n_1 as a fraction of X (front-loading). */
  firstTradeShare: Float64Array;
  /** L-VaR at `confidence` (NaN when no confidence was given). */
  lvar: Float64Array;
};

/**
 * The Almgren-Chriss efficient frontier: for each λ in `lambdas`, the optimal trajectory's E(λ), V(λ), κ and
 * half-life (section 2.4 of the paper; the frontier is the curve (V, E), convex, with slope dE/dV = −λ).
 * Optional `confidence` adds L-VaR = E + z_p√V. λ values may be negative (above `criticalLambda`).
 */
export function efficientFrontier(input: AlmgrenChrissParams & { lambdas: ArrayLike<number>; confidence?: number }): Frame<EfficientFrontierColumns> {
  const m = input.lambdas.length;
  if (m === 0) throw new ArgumentError("lambdas is empty", { field: "lambdas" });
  const z = input.confidence === undefined ? NaN : (finite(input.confidence, "confidence", (v) => v > 0 && v < 1, "in (0, 1)"), normalQuantile(input.confidence));
  const out: EfficientFrontierColumns = {
    lambda: new Float64Array(m),
    expectedCost: new Float64Array(m),
    variance: new Float64Array(m),
    stdDev: new Float64Array(m),
    kappa: new Float64Array(m),
    halfLife: new Float64Array(m),
    firstTradeShare: new Float64Array(m),
    lvar: new Float64Array(m),
  };
  for (let i = 0; i < m; i++) {
    const r = almgrenChriss({ X: input.X, T: input.T, N: input.N, sigma: input.sigma, eta: input.eta, epsilon: input.epsilon, gamma: input.gamma, alpha: input.alpha, lambda: input.lambdas[i] });
    out.lambda[i] = r.lambda;
    out.expectedCost[i] = r.expectedCost;
    out.variance[i] = r.variance;
    out.stdDev[i] = r.stdDev;
    out.kappa[i] = r.kappa;
    out.halfLife[i] = r.halfLife;
    out.firstTradeShare[i] = r.trades[0] / input.X;
    out.lvar[i] = r.expectedCost + z * r.stdDev;
  }
  return new Frame(out);
}

/**
 * The λ > 0 whose optimal trajectory minimises L-VaR_p = E(λ) + z_p√V(λ) along the efficient frontier (the paper's
 * L-VaR-optimal strategy, section 3.2; at the optimum λ = z_p/(2√V)). Search: a grid of 241 points on log λ over
 * [lambdaMin, lambdaMax] (default 1e−12 and 1e−3 per $, wide for share-sized problems), then golden-section
 * refinement between the grid neighbours of the best point. Returns the trajectory at that λ and its L-VaR.
 */
export function minimizeLVaR(
  params: AlmgrenChrissParams,
  confidence: number,
  opts: { lambdaMin?: number; lambdaMax?: number } = {},
): AlmgrenChrissResult & { lvar: number } {
  finite(confidence, "confidence", (v) => v > 0.5 && v < 1, "in (0.5, 1)");
  const lo = opts.lambdaMin ?? 1e-12;
  const hi = opts.lambdaMax ?? 1e-3;
  if (!(lo > 0 && hi > lo && Number.isFinite(hi))) throw new ArgumentError(`need 0 < lambdaMin < lambdaMax, got ${lo}, ${hi}`, { field: "lambdaMin" });
  const z = normalQuantile(confidence);
  const h = (u: number) => {
    const r = almgrenChriss({ ...params, lambda: Math.exp(u) });
    return r.expectedCost + z * r.stdDev;
  };
  const G = 240;
  const a0 = Math.log(lo);
  const step = (Math.log(hi) - a0) / G;
  let best = 0;
  let fBest = Infinity;
  for (let i = 0; i <= G; i++) {
    const f = h(a0 + i * step);
    if (f < fBest) {
      fBest = f;
      best = i;
    }
  }
  let a = a0 + Math.max(0, best - 1) * step;
  let b = a0 + Math.min(G, best + 1) * step;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = h(c);
  let fd = h(d);
  for (let it = 0; it < 80 && b - a > 1e-10; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = h(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = h(d);
    }
  }
  const r = almgrenChriss({ ...params, lambda: Math.exp(0.5 * (a + b)) });
  return { ...r, lvar: r.expectedCost + z * r.stdDev };
}
