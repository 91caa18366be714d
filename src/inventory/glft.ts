/**
 * Guéant, Lehalle & Fernandez-Tapia (GLFT) optimal market-making quotes with a bounded inventory.
 *
 * Reference: Guéant, O., Lehalle, C.-A. & Fernandez-Tapia, J. (2013), "Dealing with the inventory risk: a solution to
 * the market making problem", Mathematics and Financial Economics 7, 477–507. Section 3 (exact solution), section 4
 * (T → ∞ asymptotics and closed-form approximations), section 5 (drift; market impact / adverse selection).
 *
 * Model (as Avellaneda–Stoikov 2008, plus an inventory bound): reference price dS = μ dt + σ dW (+ ξ dNᵃ − ξ dNᵇ with
 * market impact); market orders reach a quote at depth δ with Poisson intensity A·e^(−kδ); orders have one constant
 * size (one lot); inventory q ∈ {−Q, …, Q}; maximize E[−exp(−γ(X_T + q_T·S_T))]. With
 *
 *     α = (k/2)·γ·σ²,   β = k·μ,   η = A·(1 + γ/k)^(−(1 + k/γ)),   η̃ = η·e^(−kξ/2),
 *     M = tridiagonal, (2Q+1)×(2Q+1), rows q = −Q…Q: M[q][q] = α·q² − β·q,  M[q][q±1] = −η̃,
 *     ω(t) = exp(−M·(T − t)) · w,   w_q = exp(−k·ξ·q²/2)   (w = (1,…,1) without impact),
 *
 * the optimal depths are (Theorem 1; Propositions 4–5 for μ and ξ)
 *
 *     δᵇ(t,q) = (1/k)·ln(ω_q/ω_{q+1}) + (1/γ)·ln(1 + γ/k) + ξ/2,   q < Q   (no bid at q = Q)
 *     δᵃ(t,q) = (1/k)·ln(ω_q/ω_{q−1}) + (1/γ)·ln(1 + γ/k) + ξ/2,   q > −Q  (no ask at q = −Q)
 *
 * As T → ∞, ω is replaced by f⁰, the (positive) eigenvector of the smallest eigenvalue of M (Theorem 2), and the
 * Gaussian approximation f⁰_q ≈ exp(−½·sqrt(α/η̃)·(q − μ/(γσ²))²) gives the closed forms (section 4, eq. for δ_∞;
 * section 5 for μ and ξ):
 *
 *     c₁ = (1/γ)·ln(1 + γ/k) + ξ/2,      c₂ = e^(kξ/4)·sqrt( σ²γ/(2kA) · (1 + γ/k)^(1 + k/γ) ),   q₀ = μ/(γσ²)
 *     δᵇ ≈ c₁ + c₂·((2q + 1)/2 − q₀),   δᵃ ≈ c₁ − c₂·((2q − 1)/2 − q₀),
 *     spread = δᵇ + δᵃ ≈ 2c₁ + c₂,      skew = (δᵇ − δᵃ)/2 ≈ c₂·(q − q₀).
 *
 * Units (nothing is converted): prices and depths in **price**; σ in **price per √(time unit)**; μ in price per time
 * unit; ξ (impact) in price per filled lot; k in **1/price**; A in **1/time unit** (fills per time unit at depth 0);
 * γ in **1/(price·lot)**; t, T in the time unit of σ, μ and A; q and Q in **lots** (the constant order size). If you
 * quote clips of c coins, express q in clips and note that γ is then per (price·clip).
 *
 * Conventions: bid = s − δᵇ, ask = s + δᵃ; skew = (δᵇ − δᵃ)/2, positive when long (the quote centre moves below the
 * mid); reservationPrice = s − skew (the centre of the two quotes). Where one side is not quoted (q = ±Q), the
 * depth, price, spread and skew that need it are NaN, as the paper's quotes are undefined there. Numerics: the matrix
 * exponential (finite T) is mathjs `expm` applied to −(M − λ₀I)(T − t) (shifted by the smallest eigenvalue λ₀, which
 * cancels in the ratios and avoids over/underflow), costing O((2Q+1)³) — keep it off hot paths and use
 * `glftQuoteTable` once per parameter set; the T → ∞ vector comes from shifted inverse iteration on the tridiagonal
 * M (an M-matrix solve with no cancellation, so even tiny tail components keep their relative accuracy), O(Q).
 */
import { ArgumentError } from "../errors";

type MathJs = typeof import("mathjs");
let mathjsModule: MathJs | undefined;
/** mathjs is loaded lazily (it takes ~1 s to load) and only by the finite-horizon exact solution. */
function mathjs(): MathJs {
  if (mathjsModule === undefined) mathjsModule = require("mathjs") as MathJs;
  return mathjsModule;
}

/** Largest Q accepted for a finite horizon: mathjs `expm` on a 401×401 matrix already takes several seconds. */
export const GLFT_MAX_Q_FINITE_HORIZON = 200;

/** Model parameters of the GLFT quotes (units in the module comment). */
export interface GlftModelParams {
  /** Risk aversion γ > 0, 1/(price·lot). */
  gamma: number;
  /** Volatility σ > 0, price per √(time unit). */
  sigma: number;
  /** Fill intensity at zero depth A > 0, 1/time unit. */
  A: number;
  /** Intensity decay k > 0, 1/price. */
  k: number;
  /** Drift μ of the reference price, price per time unit (GLFT §5.1). Default 0. */
  drift?: number;
  /** Market impact / adverse selection ξ ≥ 0: the price moves ξ against each fill, price per lot (GLFT §5.2). Default 0. */
  impact?: number;
}

/** Options shared by `glftQuotes` and `glftQuoteTable`. */
export interface GlftOptions extends GlftModelParams {
  /** "exact": matrix-exponential / eigenvector solution (needs Q); "approx": the closed-form T → ∞ approximation. */
  method: "approx" | "exact";
  /** Inventory bound Q (lots, integer ≥ 1): no bid at q = Q, no ask at q = −Q. Required for "exact" and for the table. */
  Q?: number;
  /** Terminal time (same unit as t). Default Infinity (the stationary quotes). "approx" accepts only Infinity. */
  T?: number;
  /** Current time. Default 0. Must satisfy t ≤ T. */
  t?: number;
  /** Mid (reference) price; when given, bid, ask and reservationPrice are returned too. */
  s?: number;
}

/** Inputs of `glftQuotes`: the options plus the inventory q (lots; an integer for "exact"). */
export interface GlftQuoteParams extends GlftOptions {
  q: number;
}

/** One GLFT quote. Depths and prices in price units; NaN where that side is not quoted (see module comment). */
export interface GlftQuote {
  q: number;
  /** δᵇ = s − bid. */
  bidDepth: number;
  /** δᵃ = ask − s. */
  askDepth: number;
  /** δᵇ + δᵃ. */
  spread: number;
  /** (δᵇ − δᵃ)/2, positive when long. */
  skew: number;
  /** s − δᵇ (when s was given). */
  bid?: number;
  /** s + δᵃ (when s was given). */
  ask?: number;
  /** s − skew, the centre of the quotes (when s was given). */
  reservationPrice?: number;
  method: "approx" | "exact";
  /** T − t used (Infinity for the stationary quotes). */
  tau: number;
}

/** The GLFT quotes over the whole inventory grid q = −Q…Q (index i ↔ q = i − Q), for charts and lookup tables. */
export interface GlftQuoteTable {
  q: Float64Array;
  bidDepth: Float64Array;
  askDepth: Float64Array;
  spread: Float64Array;
  skew: Float64Array;
  bid?: Float64Array;
  ask?: Float64Array;
  reservationPrice?: Float64Array;
  method: "approx" | "exact";
  tau: number;
  /** The ω (finite T) or f⁰ (T = ∞) vector used by "exact", scaled to max 1; undefined for "approx". */
  omega?: Float64Array;
  /** Number of quotes set to NaN because an ω component underflowed to 0 (extreme Q·sqrt(α/η)); 0 normally. */
  unresolved: number;
}

/** The constants of the GLFT model (see module comment). */
export interface GlftCoefficients {
  /** α = kγσ²/2, 1/(time·lot²). */
  alpha: number;
  /** β = kμ, 1/(time·lot). */
  beta: number;
  /** η = A(1 + γ/k)^(−(1 + k/γ)), 1/time. */
  eta: number;
  /** η̃ = η·e^(−kξ/2), the off-diagonal magnitude of M, 1/time. */
  etaImpact: number;
  /** c₁ = (1/γ)ln(1 + γ/k) + ξ/2: the inventory-free half spread, price. */
  c1: number;
  /** c₂ = e^(kξ/4)·sqrt(σ²γ/(2kA)·(1 + γ/k)^(1 + k/γ)): the approximate skew per lot, price per lot. */
  c2: number;
  /** q₀ = μ/(γσ²): the inventory the drift makes optimal (the approximate quotes are symmetric at q = q₀), lots. */
  driftShift: number;
}

function checkFinite(v: unknown, field: string): void {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`${field} must be a finite number, got ${String(v)}`, { field });
}

function checkPositive(v: number, field: string, what: string): void {
  checkFinite(v, field);
  if (!(v > 0)) throw new ArgumentError(`${field} (${what}) must be > 0, got ${v}`, { field });
}

/**
 * The GLFT constants α, β, η, η̃ and the closed-form coefficients c₁, c₂, q₀ (module comment; GLFT 2013 §3–5).
 * ln(1 + γ/k) is computed with log1p so γ ≪ k is accurate: c₁ → 1/k + ξ/2 and c₂ → e^(kξ/4)·sqrt(eσ²γ/(2kA)) as
 * γ → 0. Use these in a hot loop: δᵇ = c₁ + c₂(q − q₀ + ½), δᵃ = c₁ − c₂(q − q₀ − ½).
 * Throws ArgumentError for γ, σ, A, k not > 0, ξ < 0, or any non-finite value.
 */
export function glftCoefficients(p: GlftModelParams): GlftCoefficients {
  checkPositive(p.gamma, "gamma", "risk aversion, 1/price");
  checkPositive(p.sigma, "sigma", "volatility, price per √time");
  checkPositive(p.A, "A", "fill intensity at zero depth, 1/time");
  checkPositive(p.k, "k", "intensity decay, 1/price");
  const mu = p.drift ?? 0;
  const xi = p.impact ?? 0;
  checkFinite(mu, "drift");
  checkFinite(xi, "impact");
  if (!(xi >= 0)) throw new ArgumentError(`impact ξ (price per lot) must be ≥ 0, got ${xi}`, { field: "impact" });
  const { gamma: g, sigma: s, A, k } = p;
  const l1p = Math.log1p(g / k);
  const expo = (1 + k / g) * l1p; // ln (1 + γ/k)^(1 + k/γ)
  const eta = A * Math.exp(-expo);
  const c2 = Math.exp((k * xi) / 4) * Math.sqrt(((s * s * g) / (2 * k * A)) * Math.exp(expo));
  return {
    alpha: 0.5 * k * g * s * s,
    beta: k * mu,
    eta,
    etaImpact: eta * Math.exp(-0.5 * k * xi),
    c1: l1p / g + xi / 2,
    c2,
    driftShift: mu / (g * s * s),
  };
}

function checkQ(Q: unknown): number {
  checkFinite(Q, "Q");
  const v = Q as number;
  if (!(v >= 1) || Math.floor(v) !== v) throw new ArgumentError(`Q (inventory bound, lots) must be an integer ≥ 1, got ${v}`, { field: "Q" });
  return v;
}

/**
 * The GLFT matrix M (dense, rows and columns q = −Q…Q): M[q][q] = αq² − βq, M[q][q±1] = −η̃ (GLFT 2013 Prop. 2,
 * Props. 4–5 for drift and impact). Units 1/time. For display and cross-checks; the solvers use its tridiagonal form.
 */
export function glftMatrix(p: GlftModelParams & { Q: number }): number[][] {
  const Q = checkQ(p.Q);
  const c = glftCoefficients(p);
  const n = 2 * Q + 1;
  const m: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n).fill(0);
    const q = i - Q;
    row[i] = c.alpha * q * q - c.beta * q;
    if (i > 0) row[i - 1] = -c.etaImpact;
    if (i < n - 1) row[i + 1] = -c.etaImpact;
    m.push(row);
  }
  return m;
}

function diagonal(c: GlftCoefficients, Q: number): Float64Array {
  const n = 2 * Q + 1;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = i - Q;
    d[i] = c.alpha * q * q - c.beta * q;
  }
  return d;
}

/** Number of eigenvalues < x of the symmetric tridiagonal (diag d, off-diagonal −e), by the Sturm/LDLᵀ count. */
function countBelow(d: Float64Array, e: number, x: number): number {
  const e2 = e * e;
  let count = 0;
  let piv = 1;
  for (let i = 0; i < d.length; i++) {
    piv = d[i] - x - (i > 0 ? e2 / piv : 0);
    if (piv === 0) piv = -1e-300; // x on an eigenvalue of the leading block: count it as below (standard perturbation)
    if (piv < 0) count++;
  }
  return count;
}

/** Smallest eigenvalue of tridiag(−e, d, −e) by bisection on the Sturm count (Gershgorin bracket). */
function smallestEigenvalue(d: Float64Array, e: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < d.length; i++) {
    const r = (i > 0 ? e : 0) + (i < d.length - 1 ? e : 0);
    lo = Math.min(lo, d[i] - r);
    hi = Math.max(hi, d[i] + r);
  }
  for (let it = 0; it < 200 && hi - lo > 0; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (countBelow(d, e, mid) >= 1) hi = mid;
    else lo = mid;
  }
  return lo; // lower end of the bracket: ≤ λ₀ up to the rounding of the count
}

/**
 * Positive ground-state eigenvector f⁰ of M = tridiag(−e, d, −e) (scaled to max 1), by inverse iteration with a shift
 * μ just below λ₀: M − μI is then a nonsingular M-matrix, its tridiagonal LU has positive pivots and the solves add
 * only positive terms, so every component (tails included) is computed to near machine relative accuracy.
 */
function groundState(d: Float64Array, e: number): { lambda0: number; f: Float64Array } {
  const n = d.length;
  const lam = smallestEigenvalue(d, e);
  let scale = 2 * e;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]));
  let margin = 1e-12 * scale;
  const piv = new Float64Array(n);
  for (let attempt = 0; attempt < 40; attempt++, margin *= 16) {
    const mu = lam - margin;
    let ok = true;
    for (let i = 0; i < n; i++) {
      piv[i] = d[i] - mu - (i > 0 ? (e * e) / piv[i - 1] : 0);
      if (!(piv[i] > 0)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    let f = new Float64Array(n).fill(1);
    let y = new Float64Array(n);
    for (let it = 0; it < 200; it++) {
      // forward: y_i = f_i + e·y_{i−1}/piv_{i−1}; backward: z_i = (y_i + e·z_{i+1})/piv_i (all terms ≥ 0)
      y[0] = f[0];
      for (let i = 1; i < n; i++) y[i] = f[i] + (e * y[i - 1]) / piv[i - 1];
      y[n - 1] = y[n - 1] / piv[n - 1];
      for (let i = n - 2; i >= 0; i--) y[i] = (y[i] + e * y[i + 1]) / piv[i];
      let mx = 0;
      for (let i = 0; i < n; i++) if (y[i] > mx) mx = y[i];
      let change = 0;
      for (let i = 0; i < n; i++) {
        y[i] /= mx;
        const a = y[i];
        const b = f[i];
        if (a > 0 && b > 0) change = Math.max(change, Math.abs(a / b - 1));
        else if (a !== b) change = Infinity;
      }
      const tmp = f;
      f = y;
      y = tmp;
      if (change <= 4e-16 * n) break;
    }
    return { lambda0: lam, f };
  }
  throw new ArgumentError("GLFT ground state: the shifted matrix never became positive definite (parameters out of range?)", { field: "gamma" });
}

/**
 * The GLFT vector ω(t) = exp(−M(T − t))·w for τ = T − t (w_q = e^(−kξq²/2)), or f⁰ (the eigenvector of the smallest
 * eigenvalue of M) for τ = Infinity; scaled so that max_q ω_q = 1 (only ratios matter). Index i ↔ q = i − Q.
 * Finite τ uses mathjs `expm` on −(M − λ₀I)τ (O((2Q+1)³), Q ≤ GLFT_MAX_Q_FINITE_HORIZON); τ = ∞ is O(Q).
 * Reference: GLFT (2013) Prop. 2 and Theorem 2.
 */
export function glftOmega(p: GlftModelParams & { Q: number; tau: number }): Float64Array {
  const Q = checkQ(p.Q);
  const c = glftCoefficients(p);
  const tau = p.tau;
  if (typeof tau !== "number" || Number.isNaN(tau) || !(tau >= 0)) throw new ArgumentError(`tau = T − t must be ≥ 0, got ${tau}`, { field: "t" });
  return omegaFor(c, Q, tau, p.impact ?? 0, p.k);
}

function omegaFor(c: GlftCoefficients, Q: number, tau: number, xi: number, k: number): Float64Array {
  const n = 2 * Q + 1;
  const d = diagonal(c, Q);
  const e = c.etaImpact;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = i - Q;
    w[i] = Math.exp(-0.5 * k * xi * q * q);
  }
  if (tau === 0) return normalize(w);
  const { lambda0, f } = groundState(d, e);
  if (tau === Infinity) return f;
  if (Q > GLFT_MAX_Q_FINITE_HORIZON) {
    throw new ArgumentError(
      `Q = ${Q} is too large for the finite-horizon matrix exponential (max ${GLFT_MAX_Q_FINITE_HORIZON})`,
      { field: "Q" },
      "use T: Infinity (stationary quotes, O(Q)) or the approx method",
    );
  }
  const mj = mathjs();
  const a: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n).fill(0);
    row[i] = -(d[i] - lambda0) * tau;
    if (i > 0) row[i - 1] = e * tau;
    if (i < n - 1) row[i + 1] = e * tau;
    a.push(row);
  }
  const E = (mj.expm(mj.matrix(a)).toArray() as unknown) as number[][];
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = E[i];
    let acc = 0;
    for (let j = 0; j < n; j++) acc += row[j] * w[j];
    v[i] = acc;
  }
  return normalize(v);
}

function normalize(v: Float64Array): Float64Array {
  let mx = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > mx) mx = v[i];
  if (mx > 0 && Number.isFinite(mx)) for (let i = 0; i < v.length; i++) v[i] /= mx;
  return v;
}

interface Resolved {
  c: GlftCoefficients;
  method: "approx" | "exact";
  Q: number | undefined;
  tau: number;
  s: number | undefined;
  xi: number;
  k: number;
}

function resolve(o: GlftOptions): Resolved {
  const method = o.method;
  if (method !== "approx" && method !== "exact") {
    throw new ArgumentError(`method must be "approx" or "exact", got "${String(method)}"`, { field: "method" });
  }
  const c = glftCoefficients(o);
  const Q = o.Q === undefined ? undefined : checkQ(o.Q);
  if (method === "exact" && Q === undefined) {
    throw new ArgumentError('the "exact" method needs the inventory bound Q', { field: "Q" });
  }
  const T = o.T ?? Infinity;
  const t = o.t ?? 0;
  if (typeof T !== "number" || Number.isNaN(T) || T === -Infinity) throw new ArgumentError(`T must be a number or Infinity, got ${String(T)}`, { field: "T" });
  checkFinite(t, "t");
  if (t > T) throw new ArgumentError(`t (${t}) must not exceed the terminal time T (${T})`, { field: "t" });
  const tau = T === Infinity ? Infinity : T - t;
  if (method === "approx" && tau !== Infinity) {
    throw new ArgumentError(
      `the "approx" method is the T → ∞ closed form; T must be omitted or Infinity (got T = ${T})`,
      { field: "T" },
      'use method "exact" for a finite horizon',
    );
  }
  if (o.s !== undefined) checkFinite(o.s, "s");
  return { c, method, Q, tau, s: o.s, xi: o.impact ?? 0, k: o.k };
}

/**
 * GLFT (2013) optimal bid/ask depths for inventory q: `method: "exact"` solves the bounded-inventory problem
 * (ω = exp(−M(T − t))·w, or the eigenvector f⁰ for T = Infinity, the default), `method: "approx"` evaluates the
 * closed-form T → ∞ approximation δᵇ ≈ c₁ + c₂((2q+1)/2 − q₀), δᵃ ≈ c₁ − c₂((2q−1)/2 − q₀) (see module comment for
 * c₁, c₂, q₀, units and the drift/impact terms). With Q, the bid is NaN when q + 1 > Q and the ask is NaN when
 * q − 1 < −Q (no quote that would breach the bound), and so are the spread and skew. "exact" builds the whole table
 * (one matrix exponential): for many q, call `glftQuoteTable` once instead.
 */
export function glftQuotes(p: GlftQuoteParams): GlftQuote {
  const r = resolve(p);
  checkFinite(p.q, "q");
  const q = p.q;
  if (r.Q !== undefined && Math.abs(q) > r.Q) throw new ArgumentError(`|q| = ${Math.abs(q)} exceeds the inventory bound Q = ${r.Q}`, { field: "q" });
  let bidDepth: number;
  let askDepth: number;
  if (r.method === "approx") {
    bidDepth = r.c.c1 + r.c.c2 * (q - r.c.driftShift + 0.5);
    askDepth = r.c.c1 - r.c.c2 * (q - r.c.driftShift - 0.5);
    if (r.Q !== undefined) {
      if (q + 1 > r.Q) bidDepth = NaN;
      if (q - 1 < -r.Q) askDepth = NaN;
    }
  } else {
    if (Math.floor(q) !== q) throw new ArgumentError(`q must be an integer number of lots for the "exact" method, got ${q}`, { field: "q" });
    const tab = table(r);
    bidDepth = tab.bidDepth[q + (r.Q as number)];
    askDepth = tab.askDepth[q + (r.Q as number)];
  }
  const out: GlftQuote = {
    q,
    bidDepth,
    askDepth,
    spread: bidDepth + askDepth,
    skew: (bidDepth - askDepth) / 2,
    method: r.method,
    tau: r.tau,
  };
  if (r.s !== undefined) {
    out.bid = r.s - bidDepth;
    out.ask = r.s + askDepth;
    out.reservationPrice = r.s - out.skew;
  }
  return out;
}

/**
 * GLFT quotes over the whole grid q = −Q…Q at once (typed arrays; index i ↔ q = i − Q), for charts and for lookup
 * tables in simulations: the exact method costs one matrix exponential (finite T) or one O(Q) eigenvector solve
 * (T = ∞) for all q. Same formulas, units and NaN conventions as `glftQuotes`; Q is required.
 */
export function glftQuoteTable(o: GlftOptions): GlftQuoteTable {
  const r = resolve(o);
  if (r.Q === undefined) throw new ArgumentError("glftQuoteTable needs the inventory bound Q (the grid is q = −Q…Q)", { field: "Q" });
  return table(r);
}

function table(r: Resolved): GlftQuoteTable {
  const Q = r.Q as number;
  const n = 2 * Q + 1;
  const qs = new Float64Array(n);
  const bidDepth = new Float64Array(n);
  const askDepth = new Float64Array(n);
  const spread = new Float64Array(n);
  const skew = new Float64Array(n);
  const { c1, c2, driftShift } = r.c;
  let omega: Float64Array | undefined;
  let unresolved = 0;
  if (r.method === "approx") {
    for (let i = 0; i < n; i++) {
      const q = i - Q;
      qs[i] = q;
      bidDepth[i] = i < n - 1 ? c1 + c2 * (q - driftShift + 0.5) : NaN;
      askDepth[i] = i > 0 ? c1 - c2 * (q - driftShift - 0.5) : NaN;
    }
  } else {
    omega = omegaFor(r.c, Q, r.tau, r.xi, r.k);
    const base = c1;
    const invK = 1 / r.k;
    for (let i = 0; i < n; i++) {
      qs[i] = i - Q;
      let b = NaN;
      let a = NaN;
      if (i < n - 1) {
        b = invK * Math.log(omega[i] / omega[i + 1]) + base;
        if (!Number.isFinite(b)) {
          b = NaN;
          unresolved++;
        }
      }
      if (i > 0) {
        a = invK * Math.log(omega[i] / omega[i - 1]) + base;
        if (!Number.isFinite(a)) {
          a = NaN;
          unresolved++;
        }
      }
      bidDepth[i] = b;
      askDepth[i] = a;
    }
  }
  for (let i = 0; i < n; i++) {
    spread[i] = bidDepth[i] + askDepth[i];
    skew[i] = (bidDepth[i] - askDepth[i]) / 2;
  }
  const out: GlftQuoteTable = { q: qs, bidDepth, askDepth, spread, skew, method: r.method, tau: r.tau, omega, unresolved };
  if (r.s !== undefined) {
    const s = r.s;
    const bid = new Float64Array(n);
    const ask = new Float64Array(n);
    const rp = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      bid[i] = s - bidDepth[i];
      ask[i] = s + askDepth[i];
      rp[i] = s - skew[i];
    }
    out.bid = bid;
    out.ask = ask;
    out.reservationPrice = rp;
  }
  return out;
}
