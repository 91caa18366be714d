import { test } from "node:test";
import assert from "node:assert/strict";
import { incompleteBeta, logBeta, logGamma, normalCdf, normalQuantile, ols, studentTCdf, twoSidedP } from "../../src/frame/ols";
import { createRng } from "../../src/frame/rng";
import { ArgumentError } from "../../src/errors";

const close = (a: number, b: number, rel: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-300), `${msg ?? ""} got ${a}, want ${b}`);

test("ols: hand-worked simple regression (β, classic, HC0, Newey–West lag 1, R²)", () => {
  // y = [1,3,2,5,4], x = [1..5]: x̄ = ȳ = 3, Sxx = 10, Sxy = 8 → β = 0.8, α = 0.6
  // residuals −0.4, 0.8, −1.0, 1.2, −0.6; RSS = 3.6; s² = 1.2; TSS = 10 → R² = 0.64
  const f = ols([1, 3, 2, 5, 4], [[1, 2, 3, 4, 5]], { neweyWestLags: 1 });
  assert.deepEqual(f.names, ["intercept", "x0"]);
  close(f.coef[0], 0.6, 1e-14);
  close(f.coef[1], 0.8, 1e-14);
  close(f.rss, 3.6, 1e-14);
  close(f.r2, 0.64, 1e-14);
  close(f.adjR2, 1 - (0.36 * 4) / 3, 1e-14);
  close(f.se.classic[1], Math.sqrt(1.2 / 10), 1e-14);
  // HC0 slope: Σ (x−x̄)² e² / Sxx² = (4·.16 + 1·.64 + 0 + 1·1.44 + 4·.36) / 100 = 0.0416
  close(f.se.HC0[1], Math.sqrt(0.0416), 1e-13);
  close(f.se.HC1[1], Math.sqrt(0.0416 * 5 / 3), 1e-13);
  // NW(1): u = (x−x̄)e = [.8, −.8, 0, 1.2, −1.2]; Σ u_i u_{i−1} = −2.08; weight ½ → meat 4.16 − 2.08 = 2.08
  close(f.se.NW![1], Math.sqrt(0.0208), 1e-13);
  assert.equal(f.neweyWestLags, 1);
  close(f.t.classic[1], 0.8 / Math.sqrt(0.12), 1e-13);
  assert.equal(f.n, 5);
  assert.equal(f.df, 3);
  assert.deepEqual(Array.from(f.residuals, (v) => Math.round(v * 1e12) / 1e12), [-0.4, 0.8, -1, 1.2, -0.6]);
});

test("ols: matches numpy on a seeded 3-coefficient regression (coef, classic, HC0–HC3, NW(3), R², p)", () => {
  // Reference numbers from numpy 1.24 / scipy 1.10 (lstsq, explicit sandwiches, Bartlett NW with L = 3) on the same data.
  const r = createRng(42);
  const n = 40;
  const x1 = Float64Array.from({ length: n }, () => r.next() * 10);
  const x2 = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + r.next());
  const y = Float64Array.from({ length: n }, (_, i) => 1 + 0.5 * x1[i] - 2 * x2[i] + (r.next() - 0.5) * x1[i]);
  const f = ols(y, { x1, x2 }, { neweyWestLags: 3 });
  assert.deepEqual(f.names, ["intercept", "x1", "x2"]);
  const want = {
    coef: [0.8392566996622183, 0.47398938764792126, -1.9619714110747182],
    classic: [0.5502898120570601, 0.09464390469958103, 0.37480778262943876],
    HC0: [0.4496364424806405, 0.12542697247185056, 0.43906916545305974],
    HC1: [0.46750971131020086, 0.1304127560642554, 0.4565223798447094],
    HC2: [0.48509776228275214, 0.13568513591592518, 0.4744101742811392],
    HC3: [0.5240651286140366, 0.1468946123773534, 0.5130916398626968],
    NW: [0.4420600517591532, 0.12310323700953583, 0.40529508440073014],
    p: [0.1357329544853281, 1.3755854862348108e-5, 6.818758841635902e-6],
  };
  for (let j = 0; j < 3; j++) {
    close(f.coef[j], want.coef[j], 1e-13, `coef ${j}`);
    for (const k of ["classic", "HC0", "HC1", "HC2", "HC3", "NW"] as const) close(f.se[k]![j], want[k][j], 1e-12, `${k} ${j}`);
    close(f.p.classic[j], want.p[j], 1e-10, `p ${j}`);
  }
  close(f.r2, 0.6399365883562379, 1e-13);
});

test("ols: a large constant offset does not lose digits (QR, not normal equations)", () => {
  const x = Float64Array.from({ length: 50 }, (_, i) => 1e9 + i);
  const y = Float64Array.from(x, (v, i) => 3 + 2 * (v - 1e9) + (i % 2 ? 0.5 : -0.5));
  const f = ols(y, [x]);
  // the alternating ±½ noise adds Σ(i − 24.5)e_i / Σ(i − 24.5)² = 12.5 / 10412.5 to the slope
  close(f.coef[1], 2 + 12.5 / 10412.5, 1e-9);
});

test("ols: no intercept uses the uncentered R²; non-finite rows are dropped and counted; auto NW lag", () => {
  const f = ols([2, 4, NaN, 6.5, 8], [[1, 2, 3, 3, Infinity]], { intercept: false, neweyWestLags: "auto" });
  assert.equal(f.dropped, 2);
  assert.equal(f.n, 3);
  assert.deepEqual(f.names, ["x0"]);
  // β = Σxy/Σx² = (2 + 8 + 19.5)/(1 + 4 + 9) = 29.5/14
  close(f.coef[0], 29.5 / 14, 1e-14);
  const rss = [2, 4, 6.5].reduce((s, v, i) => s + (v - (29.5 / 14) * [1, 2, 3][i]) ** 2, 0);
  close(f.r2, 1 - rss / (4 + 16 + 42.25), 1e-13);
  assert.equal(f.neweyWestLags, Math.min(2, Math.floor(4 * Math.pow(3 / 100, 2 / 9))));
});

test("ols: bad input throws ArgumentError naming the field", () => {
  assert.throws(() => ols([1, 2, 3], [[1, 2]]), (e: unknown) => e instanceof ArgumentError && /x0/.test(e.message));
  assert.throws(() => ols([1, 2], [[1, 2]]), (e: unknown) => e instanceof ArgumentError && /usable rows/.test(e.message));
  assert.throws(() => ols([1, 2, 3, 4], [[1, 2, 3, 4], [2, 4, 6, 8]]), (e: unknown) => e instanceof ArgumentError && /collinear/.test(e.message));
  assert.throws(() => ols([1, 2, 3, 4], [[5, 5, 5, 5]]), (e: unknown) => e instanceof ArgumentError && /collinear/.test(e.message));
  assert.throws(() => ols([1, 2, 3, 4], [[1, 2, 3, 5]], { neweyWestLags: -1 }), ArgumentError);
});

test("ols: scaling y by c scales β and every SE by c; t and R² unchanged", () => {
  const r = createRng(3);
  const x = Float64Array.from({ length: 30 }, () => r.next());
  const y = Float64Array.from(x, (v) => 2 * v + r.next());
  const a = ols(y, [x], { neweyWestLags: 2 });
  const b = ols(Float64Array.from(y, (v) => v * 7), [x], { neweyWestLags: 2 });
  close(b.coef[1], 7 * a.coef[1], 1e-12);
  close(b.se.NW![1], 7 * a.se.NW![1], 1e-12);
  close(b.t.HC3[1], a.t.HC3[1], 1e-12);
  close(b.r2, a.r2, 1e-12);
});

test("normalCdf, studentTCdf, logGamma: scipy reference values", () => {
  // scipy.stats.norm.cdf / scipy.stats.t.cdf (scipy 1.10)
  close(normalCdf(-8.3), 5.2055697448902465e-17, 1e-13);
  close(normalCdf(-1.7), 0.04456546275854304, 1e-14);
  close(normalCdf(0.3), 0.6179114221889526, 1e-15);
  close(normalCdf(2.51), 0.9939634419195873, 1e-15);
  assert.equal(normalCdf(0), 0.5);
  assert.ok(Number.isNaN(normalCdf(NaN)));
  close(studentTCdf(-2, 0.25), 0.3025617922183861, 1e-13);
  close(studentTCdf(1.5, 3), 0.8847080673775886, 1e-13);
  close(studentTCdf(0.7, 10), 0.7500562149135578, 1e-13);
  close(studentTCdf(-4, 30.5), 0.00018668972513020165, 1e-12);
  close(studentTCdf(0.001, 1000), 0.5003988424907737, 1e-13);
  assert.equal(studentTCdf(1.3, Infinity), normalCdf(1.3));
  // symmetry and the Cauchy case (ν = 1): F(t) = ½ + atan(t)/π
  close(studentTCdf(2.2, 1), 0.5 + Math.atan(2.2) / Math.PI, 1e-14);
  close(studentTCdf(-0.4, 7) + studentTCdf(0.4, 7), 1, 1e-15);
  close(twoSidedP(2.2, 1), 2 * (0.5 - Math.atan(2.2) / Math.PI), 1e-13);
  close(logGamma(10), Math.log(362880), 1e-14);
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
  close(logBeta(600.5, 0.5), logGamma(600.5) + logGamma(0.5) - logGamma(601), 1e-11);
  close(incompleteBeta(0.3, 2, 3), 1 - Math.pow(0.7, 4) - 4 * 0.3 * Math.pow(0.7, 3), 1e-14); // I_x(2,3) via the binomial sum
});

const Z975 = 1.959963984540054;
const Z99 = 2.3263478740408408;
const closeAbs = (a: number, b: number, tol: number, msg?: string) => assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} got ${a}, want ${b} (tol ${tol})`);

test("normalQuantile against scipy, round trip through normalCdf, symmetry, edges", () => {
  const ref: Array<[number, number]> = [
    [0.5, 0], [0.975, Z975], [0.99, Z99], [0.999, 3.090232306167813], [1e-10, -6.361340902404056],
    [0.02425, -1.972961051311885], [0.97575, 1.972961051311885], [1 - 1e-12, 7.0344869100478356],
  ];
  for (const [p, z] of ref) closeAbs(normalQuantile(p), z, 1e-15 * Math.max(1, Math.abs(z)), `p=${p}`);
  for (const p of [1e-300, 1e-20, 0.001, 0.1, 0.3, 0.7, 0.9]) {
    closeAbs(normalCdf(normalQuantile(p)), p, 1e-12 * p, `round trip ${p}`); // normalCdf: ~2e−13 relative in the far tail
    if (p > 1e-15) closeAbs(normalQuantile(1 - p), -normalQuantile(p), 1e-9 * Math.abs(normalQuantile(p)) + 1e-15, `symmetry ${p}`);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
  assert.ok(Number.isNaN(normalQuantile(NaN)));
});
