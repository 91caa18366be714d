import { test } from "node:test";
import assert from "node:assert/strict";
import { roll, rollCandles, rollRolling } from "../../src/liquidity/roll";
import { Frame } from "../../src/frame/frame";
import { createRng } from "../../src/frame/rng";
import { ArgumentError, DataError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

// Hand-worked (numpy, independently): p = 100 101 100 101 102 101 100 101.5
//   Δp = +1 −1 +1 +1 −1 −1 +1.5 (7 changes, 6 pairs (Δp_t, Δp_{t−1}))
//   sample:          np.cov(d[1:], d[:-1])[0, 1] = −0.5            → S = 2·sqrt(0.5) = 1.4142135623730951
//   autocovariance:  Σ(d_t − d̄)(d_{t−1} − d̄) / 7 = −0.3330903790087464 → S = 1.1542796524391243
//   log returns, sample: cov = −4.943306301810804e-05 → S = 0.014061730052608468 (relative)
const P = [100, 101, 100, 101, 102, 101, 100, 101.5];

test("hand-worked example: sample vs autocovariance, price vs log returns", () => {
  const s = roll(P);
  close(s.cov, -0.5, 1e-15);
  close(s.spread, 1.4142135623730951, 1e-15);
  assert.deepEqual([s.pairs, s.changes, s.positiveCov], [6, 7, false]);
  const a = roll(P, { covariance: "autocovariance" });
  close(a.cov, -0.3330903790087464, 1e-15);
  close(a.spread, 1.1542796524391243, 1e-15);
  const l = roll(P, { returns: "log" });
  close(l.cov, -4.943306301810804e-5, 1e-12 * 4.943306301810804e-5); // log differences: ~1e-13 relative rounding
  close(l.spread, 0.014061730052608468, 1e-13);
});

test("positive covariance: nan (default), zero, or signed −2·sqrt(Cov)", () => {
  const trend = [100, 101, 103, 106, 110, 115]; // Δp = 1 2 3 4 5: pairs (2,1) (3,2) (4,3) (5,4) → sample cov 1.6667
  const n = roll(trend);
  assert.ok(n.positiveCov && n.cov > 0);
  assert.ok(Number.isNaN(n.spread));
  close(n.cov, 5 / 3, 1e-14);
  assert.equal(roll(trend, { positiveCov: "zero" }).spread, 0);
  close(roll(trend, { positiveCov: "signed" }).spread, -2 * Math.sqrt(5 / 3), 1e-14);
  // zero covariance gives 0 under every rule
  const flat = [5, 5, 5, 5];
  for (const positiveCov of ["nan", "zero", "signed"] as const) assert.equal(roll(flat, { positiveCov }).spread, 0);
});

test("too few pairs → NaN; missing prices skip the pairs they touch; bad input throws", () => {
  assert.ok(Number.isNaN(roll([1, 2, 1]).spread), "one pair: no sample covariance");
  assert.ok(Number.isFinite(roll([1, 2, 1], { covariance: "autocovariance" }).cov), "two changes suffice for 1/n");
  assert.ok(Number.isNaN(roll([]).spread));
  const withNaN = [100, 101, 100, NaN, 101, 102, 101, 100, 101.5];
  const r = roll(withNaN);
  assert.equal(r.changes, 6); // 8 changes, 2 touch the NaN
  assert.equal(r.pairs, 4); // one pair before the gap, three after it
  // the same pairs by hand: Δp = +1 −1 NaN NaN +1 −1 −1 +1.5 → (x, y) = (Δp_t, Δp_{t−1}) with both finite:
  const xs = [-1, -1, -1, 1.5];
  const ys = [1, 1, -1, -1];
  const mx = xs.reduce((a, b) => a + b) / 4;
  const my = ys.reduce((a, b) => a + b) / 4;
  let sxy = 0;
  for (let i = 0; i < 4; i++) sxy += (xs[i] - mx) * (ys[i] - my);
  close(r.cov, sxy / 3, 1e-15);
  assert.throws(() => roll([100, Infinity, 101]), (e: unknown) => e instanceof DataError && /row 1/.test(e.message));
  assert.throws(() => roll([100, 0, 101], { returns: "log" }), DataError);
  assert.throws(() => roll(P, { covariance: "pearson" as never }), ArgumentError);
});

/** A Roll market at trade level: log price = efficient log price + q·S/2, q = ±1 iid. */
function rollMarket(seed: number, n: number, S: number, sigma: number, p0: number): Float64Array {
  const r = createRng(seed);
  const p = new Float64Array(n);
  let m = Math.log(p0);
  for (let i = 0; i < n; i++) {
    m += sigma * r.normal();
    p[i] = Math.exp(m + (r.next() < 0.5 ? -S / 2 : S / 2));
  }
  return p;
}

test("Monte Carlo: Roll on log returns recovers the relative spread of a Roll market", () => {
  // 20,000 trades, S = 1 %, efficient σ 0.2 % per trade: sd of the estimate ≈ 0.8 % of S; tolerance 4 %.
  for (let seed = 1; seed <= 3; seed++) {
    const p = rollMarket(seed, 20000, 0.01, 0.002, 50000);
    close(roll(p, { returns: "log" }).spread, 0.01, 0.0004, `seed ${seed}`);
    close(roll(p, { returns: "log", covariance: "autocovariance" }).spread, 0.01, 0.0004, `seed ${seed} acov`);
    // in price units the spread is about S × the price level (the price wanders: compare with S × mean price)
    let mean = 0;
    for (const v of p) mean += v / p.length;
    close(roll(p).spread, 0.01 * mean, 0.1 * 0.01 * mean, `seed ${seed} price units`);
  }
});

test("property: scaling prices by c scales the price-unit spread by c and leaves the log spread unchanged", () => {
  const p = rollMarket(7, 2000, 0.004, 0.001, 300);
  const base = roll(p);
  const baseLog = roll(p, { returns: "log" });
  for (const c of [2, 0.01, 13.7]) {
    const q = p.map((v) => v * c);
    close(roll(q).spread, c * base.spread, 1e-10 * c * base.spread, `price c=${c}`);
    close(roll(q, { covariance: "autocovariance" }).spread, c * roll(p, { covariance: "autocovariance" }).spread, 1e-9 * c * base.spread);
    close(roll(q, { returns: "log" }).spread, baseLog.spread, 1e-10, `log c=${c}`);
  }
});

test("rollRolling equals roll on each window (both covariances, with NaN), and respects minPairs", () => {
  const p = rollMarket(3, 400, 0.01, 0.003, 100);
  p[50] = NaN;
  p[51] = NaN;
  p[200] = NaN;
  for (const covariance of ["sample", "autocovariance"] as const) {
    for (const returns of ["price", "log"] as const) {
      const w = 30;
      const r = rollRolling(p, w, { covariance, returns, positiveCov: "signed", minPairs: 10 });
      for (let i = 0; i < p.length; i++) {
        const lo = Math.max(0, i - w + 1);
        const ref = roll(p.subarray(lo, i + 1), { covariance, returns, positiveCov: "signed" });
        if (ref.pairs < 10) assert.ok(Number.isNaN(r[i]), `row ${i}`);
        else close(r[i], ref.spread, 1e-9 * Math.abs(ref.spread) + 1e-12, `${covariance}/${returns} row ${i}`);
      }
    }
  }
  const full = rollRolling(p, 30);
  assert.ok(Number.isNaN(full[28]) && Number.isNaN(full[60]), "default minPairs = window − 2: any gap blanks the window");
  assert.throws(() => rollRolling(p, 3), ArgumentError);
  assert.throws(() => rollRolling(p, 10, { minPairs: 9 }), ArgumentError);
});

test("rollCandles uses the close column by default", () => {
  const f = new Frame({ close: Float64Array.from(P), open: Float64Array.from(P).reverse() });
  close(rollCandles(f).spread, 1.4142135623730951, 1e-15);
  assert.equal(rollCandles(f, { column: "open" }).pairs, 6);
});
