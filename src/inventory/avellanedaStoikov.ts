/**
 * Avellaneda & Stoikov (2008) quotes for a market maker with inventory, in the paper's own units.
 *
 * Reference: Avellaneda, M. & Stoikov, S. (2008), "High-frequency trading in a limit order book",
 * Quantitative Finance 8(3), 217–224, equations (29)–(30):
 *
 *     reservation price   r = s − q·γ·σ²·(T − t)
 *     total spread        δᵃ + δᵇ = γ·σ²·(T − t) + (2/γ)·ln(1 + γ/k)
 *     quotes              bid = r − spread/2,  ask = r + spread/2
 *
 * Model: mid s follows an arithmetic Brownian motion ds = σ dW; market orders hit a quote at depth δ from the mid
 * with Poisson intensity λ(δ) = A·e^(−k·δ); the market maker maximizes E[−exp(−γ·(X_T + q_T·S_T))].
 *
 * Units (one consistent set; nothing is converted for you):
 * - s, r, bid, ask, spread, depths: **price** (quote currency per unit of the asset, e.g. USDT per BTC);
 * - q: inventory in **units of the asset** (positive = long), the unit the price refers to;
 * - t, T, horizon: **one time unit of your choice** (seconds, days, "session = 1"); σ, A must use the same one;
 * - σ: **price per √(time unit)** — an absolute volatility of the price, NOT a percentage. A relative volatility
 *   σ_rel (per √time) converts as σ = σ_rel·s;
 * - k: **1/price** (the decay of the fill intensity with depth; 1/k is a price distance);
 * - A: 1/time (the fill intensity at zero depth; it does not enter the quotes, only the fill rates);
 * - γ: **1/(price·asset unit)**, i.e. 1/quote currency (CARA absolute risk aversion on wealth), so that
 *   q·γ·σ²·(T − t) and γ·σ²·(T − t) are prices and (2/γ)·ln(1 + γ/k) is a price.
 *
 * Limits (documented and tested):
 * - γ → 0: r → s and spread → 2/k (since ln(1 + γ/k)/γ → 1/k); computed with log1p so small γ is accurate;
 * - T − t → 0: r → s and spread → (2/γ)·ln(1 + γ/k) (the inventory term vanishes at the horizon);
 * - the depths are bidDepth = s − bid = q·γσ²(T − t) + spread/2, askDepth = ask − s = −q·γσ²(T − t) + spread/2;
 *   a long inventory (q > 0) deepens the bid and tightens the ask. Depths can be negative (a quote through the mid)
 *   for large |q|: the formula does not clip them, and neither do we.
 *
 * Conventions: the paper's (29)–(30) are its approximate (first-order in q) solution; the bounded-inventory exact
 * solution is GLFT (see `glft.ts`). Inputs are validated: γ ≤ 0, k ≤ 0, σ < 0, t > T, or a non-finite value throws
 * an ArgumentError naming the field.
 */
import { ArgumentError } from "../errors";

/** Inputs of `avellanedaStoikovQuotes` (units in the module comment). */
export interface AvellanedaStoikovParams {
  /** Mid (reference) price, price units. */
  s: number;
  /** Inventory, asset units, positive when long. */
  q: number;
  /** Current time, same time unit as T and σ. */
  t: number;
  /** Terminal time (end of the trading horizon); must satisfy t ≤ T. */
  T: number;
  /** Risk aversion γ > 0, 1/(price·asset unit). */
  gamma: number;
  /** Volatility σ ≥ 0 of the price, price per √(time unit). */
  sigma: number;
  /** Intensity decay k > 0, 1/price. */
  k: number;
}

/** Inputs of `avellanedaStoikovRollingQuotes`: T − t is replaced by a fixed `horizon`. */
export interface AvellanedaStoikovRollingParams {
  s: number;
  q: number;
  /** The fixed look-ahead horizon H ≥ 0 (time units) that replaces T − t. */
  horizon: number;
  gamma: number;
  sigma: number;
  k: number;
}

/** Quotes for one state. All prices in price units. */
export interface AvellanedaStoikovQuote {
  /** r = s − q·γ·σ²·τ (τ = T − t, or the horizon). */
  reservationPrice: number;
  /** Total spread ask − bid = γσ²τ + (2/γ)ln(1 + γ/k). */
  spread: number;
  /** r − spread/2. */
  bid: number;
  /** r + spread/2. */
  ask: number;
  /** s − bid (δᵇ). */
  bidDepth: number;
  /** ask − s (δᵃ). */
  askDepth: number;
}

/** (2/γ)·ln(1 + γ/k): the intensity part of the A-S spread (price). → 2/k as γ → 0. Validates γ > 0, k > 0. */
export function avellanedaStoikovBaseSpread(gamma: number, k: number): number {
  checkGammaK(gamma, k);
  return (2 * Math.log1p(gamma / k)) / gamma;
}

function checkFinite(v: number, field: string): void {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`${field} must be a finite number, got ${v}`, { field });
}

function checkGammaK(gamma: number, k: number): void {
  checkFinite(gamma, "gamma");
  checkFinite(k, "k");
  if (!(gamma > 0)) {
    throw new ArgumentError(`gamma (risk aversion, 1/price) must be > 0, got ${gamma}`, { field: "gamma" }, "the γ → 0 limit is spread = 2/k, r = s: pass a small positive γ");
  }
  if (!(k > 0)) throw new ArgumentError(`k (intensity decay, 1/price) must be > 0, got ${k}`, { field: "k" });
}

function checkCommon(gamma: number, sigma: number, k: number): void {
  checkGammaK(gamma, k);
  checkFinite(sigma, "sigma");
  if (!(sigma >= 0)) throw new ArgumentError(`sigma (price per √time) must be ≥ 0, got ${sigma}`, { field: "sigma" });
}

function quote(s: number, q: number, tau: number, gamma: number, sigma: number, k: number): AvellanedaStoikovQuote {
  const inv = gamma * sigma * sigma * tau; // γσ²τ, price per asset unit
  const spread = inv + (2 * Math.log1p(gamma / k)) / gamma;
  const r = s - q * inv;
  const half = spread / 2;
  return { reservationPrice: r, spread, bid: r - half, ask: r + half, bidDepth: q * inv + half, askDepth: half - q * inv };
}

/**
 * Avellaneda–Stoikov (2008) quotes at time t for horizon T: r = s − qγσ²(T − t), spread = γσ²(T − t) + (2/γ)ln(1 + γ/k),
 * bid/ask = r ∓ spread/2. Units: s price, q asset units, σ price/√time, k 1/price, γ 1/price, t and T the same time
 * unit as σ. Throws ArgumentError (field named) for t > T, γ ≤ 0, k ≤ 0, σ < 0 or any non-finite input.
 */
export function avellanedaStoikovQuotes(p: AvellanedaStoikovParams): AvellanedaStoikovQuote {
  checkFinite(p.s, "s");
  checkFinite(p.q, "q");
  checkFinite(p.t, "t");
  checkFinite(p.T, "T");
  checkCommon(p.gamma, p.sigma, p.k);
  if (p.t > p.T) throw new ArgumentError(`t (${p.t}) must not exceed the terminal time T (${p.T})`, { field: "t" });
  return quote(p.s, p.q, p.T - p.t, p.gamma, p.sigma, p.k);
}

/**
 * The practitioners' rolling (stationary) Avellaneda–Stoikov variant: the same formulas with T − t replaced by a
 * fixed horizon H, so the quotes do not depend on the clock: r = s − qγσ²H, spread = γσ²H + (2/γ)ln(1 + γ/k).
 * H is an explicit modelling choice (e.g. the expected holding time of inventory), in the time unit of σ; H = 0 gives
 * the horizon-free spread (2/γ)ln(1 + γ/k) with no skew. This is a heuristic, not a solution of the infinite-horizon
 * problem; for that, see GLFT's T → ∞ quotes (`glftQuotes`).
 */
export function avellanedaStoikovRollingQuotes(p: AvellanedaStoikovRollingParams): AvellanedaStoikovQuote {
  checkFinite(p.s, "s");
  checkFinite(p.q, "q");
  checkFinite(p.horizon, "horizon");
  checkCommon(p.gamma, p.sigma, p.k);
  if (!(p.horizon >= 0)) throw new ArgumentError(`horizon (time units) must be ≥ 0, got ${p.horizon}`, { field: "horizon" });
  return quote(p.s, p.q, p.horizon, p.gamma, p.sigma, p.k);
}

/** Inputs of `avellanedaStoikovQuoteArrays`: each of s, q, t is a number or an array (all arrays of one length). */
export interface AvellanedaStoikovArrayParams {
  s: number | ArrayLike<number>;
  q: number | ArrayLike<number>;
  /** Current time(s); with T. Give either (t, T) or horizon. */
  t?: number | ArrayLike<number>;
  T?: number;
  /** Fixed horizon replacing T − t (rolling variant). */
  horizon?: number;
  gamma: number;
  sigma: number;
  k: number;
}

/** Column-wise quotes of `avellanedaStoikovQuoteArrays`, one Float64Array per field. */
export interface AvellanedaStoikovQuoteArrays {
  reservationPrice: Float64Array;
  spread: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  bidDepth: Float64Array;
  askDepth: Float64Array;
}

/**
 * Vectorized Avellaneda–Stoikov quotes over typed arrays (same formulas and units as `avellanedaStoikovQuotes`):
 * s, q and t may each be a scalar or an array; the output length is the common array length (1 if all scalars).
 * Either (t, T) — finite horizon, τ_i = T − t_i — or `horizon` (rolling variant, τ = H) must be given, not both.
 * One pass, no per-row objects. Throws ArgumentError naming the field and the row for a non-finite s_i, q_i, t_i
 * or t_i > T.
 */
export function avellanedaStoikovQuoteArrays(p: AvellanedaStoikovArrayParams): AvellanedaStoikovQuoteArrays {
  checkCommon(p.gamma, p.sigma, p.k);
  const rolling = p.horizon !== undefined;
  if (rolling && (p.t !== undefined || p.T !== undefined)) {
    throw new ArgumentError("give either (t, T) or horizon, not both", { field: "horizon" });
  }
  if (!rolling && (p.t === undefined || p.T === undefined)) {
    throw new ArgumentError("give (t, T) for the finite-horizon quotes or horizon for the rolling variant", { field: p.t === undefined ? "t" : "T" });
  }
  let n = -1;
  const lenOf = (v: number | ArrayLike<number> | undefined, field: string): void => {
    if (v === undefined || typeof v === "number") return;
    if (n === -1) n = v.length;
    else if (v.length !== n) throw new ArgumentError(`${field} has length ${v.length}, expected ${n}`, { field });
  };
  lenOf(p.s, "s");
  lenOf(p.q, "q");
  lenOf(p.t, "t");
  if (n === -1) n = 1;
  let T = 0;
  let H = 0;
  if (rolling) {
    H = p.horizon as number;
    checkFinite(H, "horizon");
    if (!(H >= 0)) throw new ArgumentError(`horizon (time units) must be ≥ 0, got ${H}`, { field: "horizon" });
  } else {
    T = p.T as number;
    checkFinite(T, "T");
  }
  const sS = typeof p.s === "number" ? p.s : NaN;
  const qS = typeof p.q === "number" ? p.q : NaN;
  const tS = typeof p.t === "number" ? p.t : NaN;
  const sA = typeof p.s === "number" ? null : p.s;
  const qA = typeof p.q === "number" ? null : p.q;
  const tA = p.t === undefined || typeof p.t === "number" ? null : p.t;
  if (sA === null) checkFinite(sS, "s");
  if (qA === null) checkFinite(qS, "q");
  if (!rolling && tA === null) {
    checkFinite(tS, "t");
    if (tS > T) throw new ArgumentError(`t (${tS}) must not exceed the terminal time T (${T})`, { field: "t" });
  }
  const g = p.gamma;
  const gs2 = g * p.sigma * p.sigma;
  const base = (2 * Math.log1p(g / p.k)) / g;
  const out: AvellanedaStoikovQuoteArrays = {
    reservationPrice: new Float64Array(n),
    spread: new Float64Array(n),
    bid: new Float64Array(n),
    ask: new Float64Array(n),
    bidDepth: new Float64Array(n),
    askDepth: new Float64Array(n),
  };
  const { reservationPrice, spread, bid, ask, bidDepth, askDepth } = out;
  for (let i = 0; i < n; i++) {
    const s = sA === null ? sS : sA[i];
    const q = qA === null ? qS : qA[i];
    let tau = H;
    if (!rolling) {
      const t = tA === null ? tS : tA[i];
      if (!Number.isFinite(t)) throw new ArgumentError(`t must be finite (row ${i} is ${t})`, { field: "t" });
      if (t > T) throw new ArgumentError(`t (${t}) must not exceed T (${T}) (row ${i})`, { field: "t" });
      tau = T - t;
    }
    if (!Number.isFinite(s)) throw new ArgumentError(`s must be finite (row ${i} is ${s})`, { field: "s" });
    if (!Number.isFinite(q)) throw new ArgumentError(`q must be finite (row ${i} is ${q})`, { field: "q" });
    const inv = gs2 * tau;
    const sp = inv + base;
    const r = s - q * inv;
    const half = sp / 2;
    reservationPrice[i] = r;
    spread[i] = sp;
    bid[i] = r - half;
    ask[i] = r + half;
    bidDepth[i] = q * inv + half;
    askDepth[i] = half - q * inv;
  }
  return out;
}
