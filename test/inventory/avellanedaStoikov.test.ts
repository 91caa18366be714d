import { test } from "node:test";
import assert from "node:assert/strict";
import {
  avellanedaStoikovBaseSpread,
  avellanedaStoikovQuoteArrays,
  avellanedaStoikovQuotes,
  avellanedaStoikovRollingQuotes,
} from "../../src/inventory/avellanedaStoikov";
import { ArgumentError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

// The paper's §3.3 units: σ = 2 price/√time, k = 1.5 1/price, γ = 0.1 1/price, T = 1.
const P = { s: 100, q: 2, t: 0.5, T: 1, gamma: 0.1, sigma: 2, k: 1.5 };

test("hand-worked quotes (mpmath, 60 digits): s=100, q=2, t=0.5, T=1, γ=0.1, σ=2, k=1.5", () => {
  // γσ²(T−t) = 0.1·4·0.5 = 0.2 → r = 100 − 2·0.2 = 99.6
  // spread = 0.2 + (2/0.1)·ln(1 + 0.1/1.5) = 0.2 + 20·0.0645385211375712 = 1.4907704227514234
  const r = avellanedaStoikovQuotes(P);
  close(r.reservationPrice, 99.6, 1e-13);
  close(r.spread, 1.4907704227514234, 1e-14);
  close(r.bid, 98.854614788624288, 1e-13);
  close(r.ask, 100.34538521137571, 1e-13);
  close(r.bidDepth, 100 - 98.854614788624288, 1e-13);
  close(r.askDepth, 100.34538521137571 - 100, 1e-13);
  close(r.bidDepth + r.askDepth, r.spread, 1e-14);
  close(avellanedaStoikovBaseSpread(0.1, 1.5), 1.2907704227514234, 1e-14);
});

test("limits: γ → 0 gives spread 2/k and r = s; T − t → 0 gives (2/γ)ln(1 + γ/k) and r = s", () => {
  const small = avellanedaStoikovQuotes({ ...P, gamma: 1e-10 });
  close(small.spread, 2 / 1.5, 1e-9);
  close(small.reservationPrice, 100, 1e-9);
  // the limit is approached smoothly: spread(γ) = 2/k − γ/k² + (2/3)γ²/k³ + γσ²τ + O(γ³)
  const g = 1e-4;
  close(avellanedaStoikovQuotes({ ...P, gamma: g }).spread, 2 / 1.5 - g / 2.25 + ((2 / 3) * g * g) / 3.375 + g * 4 * 0.5, 1e-12);
  const atT = avellanedaStoikovQuotes({ ...P, t: 1 });
  close(atT.reservationPrice, 100, 0);
  close(atT.spread, (2 / 0.1) * Math.log(1 + 0.1 / 1.5), 1e-14);
  close(atT.bidDepth, atT.askDepth, 0);
  // σ = 0: no inventory term either
  const calm = avellanedaStoikovQuotes({ ...P, sigma: 0 });
  close(calm.reservationPrice, 100, 0);
  close(calm.spread, atT.spread, 0);
});

test("sign conventions: long inventory deepens the bid and tightens the ask; δ_bid(q) = δ_ask(−q)", () => {
  const long = avellanedaStoikovQuotes({ ...P, q: 3 });
  const flat = avellanedaStoikovQuotes({ ...P, q: 0 });
  const short = avellanedaStoikovQuotes({ ...P, q: -3 });
  assert.ok(long.bidDepth > flat.bidDepth && long.askDepth < flat.askDepth);
  assert.ok(long.reservationPrice < 100 && short.reservationPrice > 100);
  close(flat.bidDepth, flat.askDepth, 0);
  for (const q of [-4, -1.5, 0, 0.25, 2, 7]) {
    const a = avellanedaStoikovQuotes({ ...P, q });
    const b = avellanedaStoikovQuotes({ ...P, q: -q });
    close(a.bidDepth, b.askDepth, 1e-13, `q=${q}`);
    close(a.spread, b.spread, 0); // the spread does not depend on q
  }
});

test("scaling: prices ×c (s, σ ×c; k, γ ÷c) scale every depth by c; time ×c (σ ÷√c) leaves quotes unchanged", () => {
  const base = avellanedaStoikovQuotes(P);
  for (const c of [0.01, 3, 1000]) {
    const x = avellanedaStoikovQuotes({ ...P, s: P.s * c, sigma: P.sigma * c, k: P.k / c, gamma: P.gamma / c });
    close(x.bidDepth, c * base.bidDepth, 1e-12 * c);
    close(x.askDepth, c * base.askDepth, 1e-12 * c);
    close(x.reservationPrice, c * base.reservationPrice, 1e-12 * c);
    const y = avellanedaStoikovQuotes({ ...P, t: P.t * c, T: P.T * c, sigma: P.sigma / Math.sqrt(c) });
    close(y.bid, base.bid, 1e-12);
    close(y.ask, base.ask, 1e-12);
  }
  // the inventory term is linear in q and in T − t
  const q1 = avellanedaStoikovQuotes({ ...P, q: 1 });
  const q2 = avellanedaStoikovQuotes({ ...P, q: 2 });
  close(100 - q2.reservationPrice, 2 * (100 - q1.reservationPrice), 1e-12);
});

test("rolling variant equals the finite-horizon quotes with T − t = horizon", () => {
  const a = avellanedaStoikovRollingQuotes({ s: 100, q: 2, horizon: 0.5, gamma: 0.1, sigma: 2, k: 1.5 });
  const b = avellanedaStoikovQuotes(P);
  assert.deepEqual(a, b);
  const h0 = avellanedaStoikovRollingQuotes({ s: 100, q: 5, horizon: 0, gamma: 0.1, sigma: 2, k: 1.5 });
  close(h0.reservationPrice, 100, 0);
  close(h0.spread, avellanedaStoikovBaseSpread(0.1, 1.5), 0);
});

test("vectorized form matches the scalar one, broadcasts scalars and names bad rows", () => {
  const q = Float64Array.from([-3, -1, 0, 2, 5]);
  const t = Float64Array.from([0, 0.2, 0.5, 0.9, 1]);
  const v = avellanedaStoikovQuoteArrays({ s: 100, q, t, T: 1, gamma: 0.1, sigma: 2, k: 1.5 });
  assert.equal(v.bid.length, 5);
  for (let i = 0; i < 5; i++) {
    const r = avellanedaStoikovQuotes({ ...P, q: q[i], t: t[i] });
    assert.equal(v.reservationPrice[i], r.reservationPrice);
    assert.equal(v.spread[i], r.spread);
    assert.equal(v.bid[i], r.bid);
    assert.equal(v.ask[i], r.ask);
    assert.equal(v.bidDepth[i], r.bidDepth);
    assert.equal(v.askDepth[i], r.askDepth);
  }
  const s = Float64Array.from([99, 100, 101]);
  const w = avellanedaStoikovQuoteArrays({ s, q: 1, horizon: 0.5, gamma: 0.1, sigma: 2, k: 1.5 });
  for (let i = 0; i < 3; i++) {
    assert.equal(w.bid[i], avellanedaStoikovRollingQuotes({ s: s[i], q: 1, horizon: 0.5, gamma: 0.1, sigma: 2, k: 1.5 }).bid);
  }
  const one = avellanedaStoikovQuoteArrays({ s: 100, q: 2, t: 0.5, T: 1, gamma: 0.1, sigma: 2, k: 1.5 });
  assert.equal(one.ask.length, 1);
  assert.throws(() => avellanedaStoikovQuoteArrays({ s, q: Float64Array.from([1, 2]), horizon: 1, gamma: 0.1, sigma: 2, k: 1.5 }), (e: unknown) => e instanceof ArgumentError && e.location.field === "q");
  assert.throws(() => avellanedaStoikovQuoteArrays({ s: Float64Array.from([100, NaN]), q: 0, horizon: 1, gamma: 0.1, sigma: 2, k: 1.5 }), (e: unknown) => e instanceof ArgumentError && e.location.field === "s" && /row 1/.test(e.message));
  assert.throws(() => avellanedaStoikovQuoteArrays({ s: 100, q: 0, t: Float64Array.from([0.5, 1.5]), T: 1, gamma: 0.1, sigma: 2, k: 1.5 }), (e: unknown) => e instanceof ArgumentError && e.location.field === "t");
  assert.throws(() => avellanedaStoikovQuoteArrays({ s: 100, q: 0, t: 0, T: 1, horizon: 1, gamma: 0.1, sigma: 2, k: 1.5 }), ArgumentError);
  assert.throws(() => avellanedaStoikovQuoteArrays({ s: 100, q: 0, gamma: 0.1, sigma: 2, k: 1.5 }), ArgumentError);
});

test("inconsistent inputs throw ArgumentError naming the field", () => {
  const bad: [Partial<typeof P>, string][] = [
    [{ t: 1.5 }, "t"],
    [{ gamma: 0 }, "gamma"],
    [{ gamma: -0.1 }, "gamma"],
    [{ k: 0 }, "k"],
    [{ sigma: -1 }, "sigma"],
    [{ s: NaN }, "s"],
    [{ q: Infinity }, "q"],
    [{ T: NaN }, "T"],
    [{ sigma: Infinity }, "sigma"],
  ];
  for (const [patch, field] of bad) {
    assert.throws(
      () => avellanedaStoikovQuotes({ ...P, ...patch }),
      (e: unknown) => e instanceof ArgumentError && e.location.field === field,
      `${JSON.stringify(patch)} should name ${field}`,
    );
  }
  assert.throws(
    () => avellanedaStoikovRollingQuotes({ s: 100, q: 0, horizon: -1, gamma: 0.1, sigma: 2, k: 1.5 }),
    (e: unknown) => e instanceof ArgumentError && e.location.field === "horizon",
  );
});
