import { test } from "node:test";
import assert from "node:assert/strict";
import {
  GLFT_MAX_Q_FINITE_HORIZON,
  glftCoefficients,
  glftMatrix,
  glftOmega,
  glftQuoteTable,
  glftQuotes,
} from "../../src/inventory/glft";
import { avellanedaStoikovQuotes } from "../../src/inventory/avellanedaStoikov";
import { ArgumentError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

// GLFT (2013) figure parameters: σ = 0.3 tick/√s, A = 0.9 /s, k = 0.3 /tick, γ = 0.01 /tick.
const PAPER = { gamma: 0.01, sigma: 0.3, A: 0.9, k: 0.3 };
// Avellaneda–Stoikov (2008) §3.3 parameters: σ = 2, A = 140, k = 1.5, γ = 0.1.
const AS = { gamma: 0.1, sigma: 2, A: 140, k: 1.5 };

// Reference values below were computed independently with mpmath at 60 digits (mp.expm of −M(T−t) times w, and
// mp.eigsy for the T → ∞ eigenvector), straight from the paper's formulas (test/inventory/glft-reference.py).

test("closed-form approximation vs hand computation (paper parameters, with and without drift/impact)", () => {
  const c = glftCoefficients(PAPER);
  close(c.c1, 3.2789822822990872, 1e-14); // (1/γ)ln(1 + γ/k)
  close(c.c2, 0.067865832530883695, 1e-16); // sqrt(σ²γ/(2kA)(1+γ/k)^(1+k/γ))
  close(c.alpha, 0.5 * 0.3 * 0.01 * 0.09, 1e-18);
  close(c.eta, 0.9 * Math.pow(1 + 0.01 / 0.3, -(1 + 0.3 / 0.01)), 1e-15);
  const r = glftQuotes({ ...PAPER, q: 3, method: "approx" });
  close(r.bidDepth, 3.5165126961571801, 1e-13);
  close(r.askDepth, 3.1093177009718779, 1e-13);
  close(r.spread, 2 * c.c1 + c.c2, 1e-13);
  close(r.skew, 3 * c.c2, 1e-14);
  // drift μ = 0.001 tick/s and impact ξ = 0.2 tick (GLFT §5): c1 gains ξ/2, c2 the factor e^(kξ/4), q0 = μ/(γσ²)
  const d = glftQuotes({ ...PAPER, q: 1, method: "approx", drift: 0.001, impact: 0.2 });
  close(d.bidDepth, 3.4057734185603015, 1e-13);
  close(d.askDepth, 3.4210826392809954, 1e-13);
  const cd = glftCoefficients({ ...PAPER, drift: 0.001, impact: 0.2 });
  close(cd.c2, 0.068891493243122504, 1e-16);
  close(cd.c1, 3.3789822822990872, 1e-14);
  close(cd.driftShift, 0.001 / (0.01 * 0.09), 1e-14);
});

test("exact solution vs hand computation: finite T (matrix exponential) and T = ∞ (eigenvector)", () => {
  // Q = 6, T = 600 and T = ∞ (both agree to 17 digits here: (λ₁ − λ₀)·600 is large)
  const refBid: [number, number][] = [[-6, 1.0321806063815925], [-3, 2.7861672041674363], [0, 3.3681190391301356], [2, 3.771797360430738], [5, 5.5257839582165818]];
  const refAsk: [number, number][] = [[-5, 5.5257839582165818], [-2, 3.771797360430738], [0, 3.3681190391301356], [3, 2.7861672041674363], [6, 1.0321806063815925]];
  for (const T of [600, Infinity]) {
    const tab = glftQuoteTable({ ...PAPER, Q: 6, T, method: "exact" });
    for (const [q, v] of refBid) close(tab.bidDepth[q + 6], v, 1e-12, `T=${T} bid q=${q}`);
    for (const [q, v] of refAsk) close(tab.askDepth[q + 6], v, 1e-12, `T=${T} ask q=${q}`);
    assert.equal(tab.unresolved, 0);
  }
  // drift μ = 0.001 and impact ξ = 0.2, Q = 4: T − t = 50 and ∞
  const fin = glftQuoteTable({ ...PAPER, Q: 4, T: 60, t: 10, method: "exact", drift: 0.001, impact: 0.2 });
  const fb: [number, number][] = [[-4, 1.2196531621559198], [-1, 3.1973870087234186], [0, 3.5368108907346361], [3, 5.5251526890509527]];
  const fa: [number, number][] = [[-3, 5.5383114024422545], [0, 3.5605775558747557], [1, 3.2211536738635382], [4, 1.2328118755472217]];
  for (const [q, v] of fb) close(fin.bidDepth[q + 4], v, 1e-12, `bid q=${q}`);
  for (const [q, v] of fa) close(fin.askDepth[q + 4], v, 1e-12, `ask q=${q}`);
  assert.equal(fin.tau, 50);
  const inf = glftQuoteTable({ ...PAPER, Q: 4, method: "exact", drift: 0.001, impact: 0.2 });
  const ib: [number, number][] = [[-4, 1.219592188201134], [-1, 3.1972650902738934], [0, 3.5366932496881353], [3, 5.5251029942961539]];
  const ia: [number, number][] = [[-3, 5.5383723763970404], [0, 3.5606994743242809], [1, 3.221271314910039], [4, 1.2328615703020205]];
  for (const [q, v] of ib) close(inf.bidDepth[q + 4], v, 1e-12, `∞ bid q=${q}`);
  for (const [q, v] of ia) close(inf.askDepth[q + 4], v, 1e-12, `∞ ask q=${q}`);
  // glftQuotes picks the same numbers out of the table
  const one = glftQuotes({ ...PAPER, q: -1, Q: 4, T: 60, t: 10, method: "exact", drift: 0.001, impact: 0.2, s: 1000 });
  close(one.bidDepth, 3.1973870087234186, 1e-12);
  close(one.bid as number, 1000 - one.bidDepth, 0);
  close(one.ask as number, 1000 + one.askDepth, 0);
  close(one.reservationPrice as number, 1000 - one.skew, 0);
});

test("exact: tails keep their relative accuracy (γ = 1, Q = 30: ω_Q ≈ 1e-36 of ω_0)", () => {
  const ref: Record<string, [number, number][]> = {
    Infinity: [[0, 0.60840349299709301], [10, 2.1062227221406491], [20, 2.8922128970115069], [25, 3.1659066783412066], [29, 3.3515606609570171]],
    "0.05": [[0, 0.58567364216781976], [10, 1.9176402227116845], [20, 2.7714558070715874], [25, 3.0713814342332883], [29, 3.2729851001776368]],
  };
  for (const T of [Infinity, 0.05]) {
    const tab = glftQuoteTable({ gamma: 1, sigma: 2, A: 140, k: 1.5, Q: 30, T, method: "exact" });
    for (const [q, v] of ref[String(T)]) close(tab.bidDepth[q + 30], v, 1e-11, `T=${T} q=${q}`);
    const om = tab.omega as Float64Array;
    assert.ok(om[60] > 0 && om[60] < 1e-30, `ω_Q = ${om[60]}`);
    assert.equal(tab.unresolved, 0);
  }
});

test("no bid at q = Q and no ask at q = −Q (NaN), for both methods", () => {
  for (const method of ["exact", "approx"] as const) {
    const tab = glftQuoteTable({ ...AS, Q: 5, method, s: 100 });
    assert.ok(Number.isNaN(tab.bidDepth[10]) && Number.isNaN(tab.askDepth[0]));
    assert.ok(Number.isNaN(tab.spread[10]) && Number.isNaN(tab.skew[0]));
    assert.ok(Number.isNaN((tab.bid as Float64Array)[10]) && Number.isNaN((tab.ask as Float64Array)[0]));
    assert.ok(Number.isFinite(tab.askDepth[10]) && Number.isFinite(tab.bidDepth[0]));
    const top = glftQuotes({ ...AS, q: 5, Q: 5, method });
    assert.ok(Number.isNaN(top.bidDepth) && Number.isFinite(top.askDepth));
    const bottom = glftQuotes({ ...AS, q: -5, Q: 5, method });
    assert.ok(Number.isNaN(bottom.askDepth) && Number.isFinite(bottom.bidDepth));
  }
  // approx without Q is unbounded
  assert.ok(Number.isFinite(glftQuotes({ ...AS, q: 50, method: "approx" }).bidDepth));
});

test("sign conventions: long → deeper bid, tighter ask; δ_bid(q) = δ_ask(−q) (approx, exact finite and infinite T)", () => {
  const Q = 8;
  const tables = [
    glftQuoteTable({ ...AS, Q, method: "approx" }),
    glftQuoteTable({ ...AS, Q, method: "exact" }),
    glftQuoteTable({ ...AS, Q, T: 0.3, method: "exact" }),
    glftQuoteTable({ ...AS, Q, T: 1, t: 0.9, method: "exact", impact: 0.05 }),
  ];
  for (const tab of tables) {
    const n = 2 * Q + 1;
    for (let i = 0; i < n; i++) {
      const q = i - Q;
      if (q < Q && q > -Q) close(tab.bidDepth[i], tab.askDepth[n - 1 - i], 1e-12, `${tab.method} τ=${tab.tau} q=${q}`);
      if (q > -Q && q < Q - 1) assert.ok(tab.bidDepth[i + 1] > tab.bidDepth[i], `bid depth increases with q (${tab.method}, q=${q})`);
      if (q > -Q + 1 && q < Q) assert.ok(tab.askDepth[i] < tab.askDepth[i - 1], `ask depth decreases with q (${tab.method}, q=${q})`);
      if (q > 0 && q < Q) assert.ok(tab.bidDepth[i] > tab.askDepth[i] && tab.skew[i] > 0);
      if (q < 0 && q > -Q) assert.ok(tab.bidDepth[i] < tab.askDepth[i] && tab.skew[i] < 0);
    }
    close(tab.skew[Q], 0, 1e-12);
  }
});

test("approx vs exact (T = ∞) for moderate q: error grows with sqrt(α/η); < 1% of the depth for the A-S γ ≤ 0.1", () => {
  // sqrt(α/η) = 0.024 (γ=0.01), 0.078 (γ=0.1), 0.28 (γ=1); Q = 30 keeps the bound far from |q| ≤ 5.
  // numpy/eigh cross-check: max |Δδᵇ| over |q| ≤ 5 = 3.4e-4, 2.2e-3, 4.3e-2.
  const errs: number[] = [];
  for (const gamma of [0.01, 0.1, 1]) {
    const ex = glftQuoteTable({ ...AS, gamma, Q: 30, method: "exact" });
    const ap = glftQuoteTable({ ...AS, gamma, Q: 30, method: "approx" });
    let maxAbs = 0;
    let maxRel = 0;
    for (let q = -5; q <= 5; q++) {
      const i = q + 30;
      const e = Math.max(Math.abs(ex.bidDepth[i] - ap.bidDepth[i]), Math.abs(ex.askDepth[i] - ap.askDepth[i]));
      maxAbs = Math.max(maxAbs, e);
      maxRel = Math.max(maxRel, e / Math.min(Math.abs(ex.bidDepth[i]), Math.abs(ex.askDepth[i])));
    }
    errs.push(maxAbs);
    if (gamma <= 0.1) assert.ok(maxRel < 0.01, `γ=${gamma}: relative error ${maxRel}`);
    if (gamma === 0.01) assert.ok(maxAbs < 5e-4, `γ=0.01: ${maxAbs}`);
    // the spread is even better: its approximation error at q = 0
    close(ap.spread[30], ex.spread[30], gamma <= 0.1 ? 0.005 : 0.05, `spread γ=${gamma}`);
  }
  assert.ok(errs[0] < errs[1] && errs[1] < errs[2], `errors ${errs}`);
});

test("exact: quotes converge to the T = ∞ quotes as T − t grows, and to the A-S quotes as T − t → 0", () => {
  const Q = 12;
  const inf = glftQuoteTable({ ...AS, Q, method: "exact" });
  let prev = Infinity;
  for (const tau of [0.1, 0.25, 0.5, 1, 3]) {
    const tab = glftQuoteTable({ ...AS, Q, T: tau, method: "exact" });
    let d = 0;
    for (let i = 0; i < 2 * Q; i++) d = Math.max(d, Math.abs(tab.bidDepth[i] - inf.bidDepth[i]));
    assert.ok(d < prev, `τ=${tau}: ${d} should be < ${prev}`);
    prev = d;
  }
  assert.ok(prev < 1e-10, `τ=3: ${prev}`);
  // τ → 0: ω → 1 and the depths reduce to A-S's δᵇ = (1/γ)ln(1+γ/k) + (2q+1)/2·γσ²τ away from the bound (GLFT §4
  // footnote). The gap shrinks faster than τ² (numpy: 1.6e-4, 2.0e-5, 2.6e-6 for τ = 0.01, 0.005, 0.0025).
  let last = Infinity;
  for (const tau of [0.01, 0.005, 0.0025]) {
    const tab = glftQuoteTable({ ...AS, Q: 30, T: tau, method: "exact" });
    let d = 0;
    for (let q = -20; q <= 20; q++) {
      const a = avellanedaStoikovQuotes({ s: 0, q, t: 0, T: tau, gamma: AS.gamma, sigma: AS.sigma, k: AS.k });
      d = Math.max(d, Math.abs(tab.bidDepth[q + 30] - a.bidDepth), Math.abs(tab.askDepth[q + 30] - a.askDepth));
    }
    assert.ok(d < last / 4, `τ=${tau}: ${d} vs ${last}`);
    last = d;
  }
  assert.ok(last < 5e-6, `τ=0.0025: ${last}`);
  // τ = 0 exactly: no skew at all (ω = w = 1), the depths are (1/γ)ln(1 + γ/k)
  const atT = glftQuoteTable({ ...AS, Q: 3, T: 1, t: 1, method: "exact" });
  for (let i = 0; i < 6; i++) close(atT.bidDepth[i], Math.log1p(0.1 / 1.5) / 0.1, 1e-15);
});

test("scaling: prices ×c (σ, ξ, μ ×c; k, γ ÷c) scale the depths by c; time ×c (σ ÷√c, A, μ ÷c) leaves them unchanged", () => {
  const base = { ...AS, Q: 6, drift: 0.3, impact: 0.05 };
  for (const method of ["approx", "exact"] as const) {
    const ref = glftQuoteTable({ ...base, method, T: 0.4 * (method === "exact" ? 1 : Infinity) });
    for (const c of [0.01, 7]) {
      const px = glftQuoteTable({
        ...base, method, T: ref.tau,
        sigma: base.sigma * c, drift: base.drift * c, impact: base.impact * c, k: base.k / c, gamma: base.gamma / c,
      });
      const tm = glftQuoteTable({
        ...base, method, T: ref.tau * c,
        sigma: base.sigma / Math.sqrt(c), A: base.A / c, drift: base.drift / c,
      });
      for (let i = 0; i < 12; i++) {
        close(px.bidDepth[i], c * ref.bidDepth[i], 1e-11 * c, `${method} price c=${c} i=${i}`);
        close(tm.bidDepth[i], ref.bidDepth[i], 1e-11, `${method} time c=${c} i=${i}`);
        close(tm.askDepth[i + 1], ref.askDepth[i + 1], 1e-11, `${method} time c=${c} i=${i}`);
      }
    }
  }
});

test("drift shifts the quotes toward the favoured side; impact widens the spread by about ξ", () => {
  // approx: the drift translates the inventory axis by q0 = μ/(γσ²)
  const q0 = 0.4 / (0.1 * 4);
  const d = glftQuotes({ ...AS, q: 2, method: "approx", drift: 0.4 });
  const z = glftQuotes({ ...AS, q: 2 - q0, method: "approx" });
  close(d.bidDepth, z.bidDepth, 1e-14);
  close(d.askDepth, z.askDepth, 1e-14);
  // exact: with an upward drift, a flat market maker bids closer than it offers
  const up = glftQuoteTable({ ...AS, Q: 10, method: "exact", drift: 0.4 });
  assert.ok(up.bidDepth[10] < up.askDepth[10] && up.skew[10] < 0);
  const down = glftQuoteTable({ ...AS, Q: 10, method: "exact", drift: -0.4 });
  close(down.bidDepth[10], up.askDepth[10], 1e-12); // mirror symmetry μ → −μ, q → −q, bid ↔ ask
  // impact: spread(ξ) − spread(0) = ξ + (e^(kξ/4) − 1)·c2 in the approximation
  const c = glftCoefficients(AS);
  const xi = 0.1;
  const wide = glftQuotes({ ...AS, q: 0, method: "approx", impact: xi });
  const flat = glftQuotes({ ...AS, q: 0, method: "approx" });
  close(wide.spread - flat.spread, xi + (Math.exp((1.5 * xi) / 4) - 1) * c.c2, 1e-14);
  const ex = glftQuoteTable({ ...AS, Q: 10, method: "exact", impact: xi });
  const ex0 = glftQuoteTable({ ...AS, Q: 10, method: "exact" });
  assert.ok(ex.spread[10] - ex0.spread[10] > xi);
});

test("γ → 0 limits: c1 → 1/k, c2 → 0, the spread → 2/k and the skew vanishes", () => {
  const c = glftCoefficients({ ...AS, gamma: 1e-10 });
  close(c.c1, 1 / 1.5, 1e-10);
  close(c.c2, Math.sqrt((Math.E * 4 * 1e-10) / (2 * 1.5 * 140)), 1e-15);
  const r = glftQuotes({ ...AS, gamma: 1e-10, q: 3, method: "approx" });
  close(r.spread, 2 / 1.5, 1e-5);
  close(r.skew, 0, 1e-4);
});

test("matrix and ω helpers: M is the paper's tridiagonal matrix; ω(τ = 0) = w; ω(∞) is the ground state", () => {
  const M = glftMatrix({ ...AS, Q: 2 });
  const c = glftCoefficients(AS);
  assert.equal(M.length, 5);
  close(M[0][0], c.alpha * 4, 1e-15);
  close(M[2][2], 0, 0);
  close(M[1][2], -c.eta, 1e-15);
  assert.equal(M[0][2], 0);
  const w = glftOmega({ ...AS, Q: 2, tau: 0, impact: 0.2 });
  close(w[0], Math.exp(-0.5 * 1.5 * 0.2 * 4), 1e-15);
  close(w[2], 1, 0);
  // f⁰ satisfies M f = λ₀ f with λ₀ the smallest eigenvalue: check the Rayleigh residual
  const f = glftOmega({ ...AS, Q: 2, tau: Infinity });
  let num = 0;
  let den = 0;
  const Mf = M.map((row) => row.reduce((acc, m, j) => acc + m * f[j], 0));
  for (let i = 0; i < 5; i++) {
    num += f[i] * Mf[i];
    den += f[i] * f[i];
  }
  const lam = num / den;
  for (let i = 0; i < 5; i++) close(Mf[i], lam * f[i], 1e-12);
  assert.ok(f.every((x) => x > 0));
});

test("bad inputs throw ArgumentError naming the field", () => {
  const base = { ...AS, q: 0, Q: 5, method: "exact" as const };
  const cases: [Record<string, unknown>, string][] = [
    [{ gamma: 0 }, "gamma"],
    [{ gamma: -1 }, "gamma"],
    [{ k: 0 }, "k"],
    [{ sigma: 0 }, "sigma"],
    [{ A: -1 }, "A"],
    [{ A: NaN }, "A"],
    [{ Q: 2.5 }, "Q"],
    [{ Q: 0 }, "Q"],
    [{ Q: undefined }, "Q"],
    [{ q: 6 }, "q"],
    [{ q: 0.5 }, "q"],
    [{ q: NaN }, "q"],
    [{ method: "fast" }, "method"],
    [{ T: 1, t: 2 }, "t"],
    [{ T: NaN }, "T"],
    [{ impact: -0.1 }, "impact"],
    [{ drift: Infinity }, "drift"],
    [{ s: NaN }, "s"],
    [{ method: "approx", T: 10 }, "T"],
    [{ Q: GLFT_MAX_Q_FINITE_HORIZON + 1, T: 1 }, "Q"],
  ];
  for (const [patch, field] of cases) {
    assert.throws(
      () => glftQuotes({ ...base, ...patch } as Parameters<typeof glftQuotes>[0]),
      (e: unknown) => e instanceof ArgumentError && e.location.field === field,
      `${JSON.stringify(patch)} should name ${field}`,
    );
  }
  assert.throws(() => glftQuoteTable({ ...AS, method: "approx" }), (e: unknown) => e instanceof ArgumentError && e.location.field === "Q");
  // a large Q is fine for the stationary quotes (O(Q))
  const big = glftQuoteTable({ ...AS, Q: 2000, method: "exact" });
  assert.equal(big.q.length, 4001);
});
