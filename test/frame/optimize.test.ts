import { test } from "node:test";
import assert from "node:assert/strict";
import { hessianFromGradient, invertMatrix, minimizeBfgs, numericalGradient, numericalHessian } from "../../src/frame/optimize";
import { ArgumentError } from "../../src/errors";

const rosen = (x: Float64Array) => 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2;
const rosenGrad = (x: Float64Array, g: Float64Array) => {
  g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
  g[1] = 200 * (x[1] - x[0] * x[0]);
  return rosen(x);
};

test("BFGS: Rosenbrock from (−1.2, 1) with the analytic gradient reaches (1, 1)", () => {
  const r = minimizeBfgs(rosen, [-1.2, 1], { gradient: rosenGrad, gtol: 1e-10 });
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-8 && Math.abs(r.x[1] - 1) < 1e-8, `x = ${r.x}`);
  assert.ok(r.f < 1e-16);
  assert.ok(r.iterations > 10 && r.iterations < 100, `iterations ${r.iterations}`);
});

test("BFGS: Rosenbrock with numerical (central-difference) gradients", () => {
  const r = minimizeBfgs(rosen, [-1.2, 1], { gtol: 1e-6 });
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-5 && Math.abs(r.x[1] - 1) < 1e-5, `x = ${r.x}`);
});

test("BFGS: ill-conditioned quadratic ½xᵀAx − bᵀx reaches A⁻¹b, and the inverse Hessian approximates A⁻¹", () => {
  // A = diag-dominant SPD 4×4 with condition number ~1e3
  const A = [1000, 1, 0, 0, 1, 10, 2, 0, 0, 2, 5, 1, 0, 0, 1, 1];
  const b = [1, 2, 3, 4];
  const n = 4;
  const fgq = (x: Float64Array, g: Float64Array) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i * n + j] * x[j];
      g[i] = ax - b[i];
      f += 0.5 * x[i] * ax - b[i] * x[i];
    }
    return f;
  };
  const f = (x: Float64Array) => fgq(x, new Float64Array(n));
  const r = minimizeBfgs(f, [0, 0, 0, 0], { gradient: fgq, gtol: 1e-12 });
  assert.ok(r.converged, r.message);
  const Ainv = invertMatrix(A, n)!;
  for (let i = 0; i < n; i++) {
    let xs = 0;
    for (let j = 0; j < n; j++) xs += Ainv[i * n + j] * b[j];
    assert.ok(Math.abs(r.x[i] - xs) < 1e-10, `x[${i}] = ${r.x[i]} vs ${xs}`);
  }
  assert.ok(r.iterations <= 30, `iterations ${r.iterations}`);
  // the quasi-Newton matrix is a rough A⁻¹: its largest diagonal entry within 50%
  assert.ok(Math.abs(r.inverseHessian[3 * n + 3] / Ainv[3 * n + 3] - 1) < 0.5, `H33 ${r.inverseHessian[15]} vs ${Ainv[15]}`);
});

test("BFGS: a non-finite objective outside the domain is backed off from (minimize x − ln x, x > 0)", () => {
  const f = (x: Float64Array) => (x[0] > 0 ? x[0] - Math.log(x[0]) : NaN);
  const r = minimizeBfgs(f, [10], { gradient: (x, g) => ((g[0] = 1 - 1 / x[0]), f(x)), gtol: 1e-10 });
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-9);
});

test("BFGS: reports non-convergence at maxIter", () => {
  const r = minimizeBfgs(rosen, [-1.2, 1], { gradient: rosenGrad, maxIter: 3, gtol: 1e-12 });
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 3);
  assert.match(r.message, /maxIter/);
});

test("BFGS: bad input throws ArgumentError", () => {
  assert.throws(() => minimizeBfgs(rosen, []), ArgumentError);
  assert.throws(() => minimizeBfgs(() => NaN, [1]), ArgumentError);
  assert.throws(() => minimizeBfgs(rosen, [0, 0], { c1: 0.9, c2: 0.1 }), ArgumentError);
});

test("numerical derivatives match the analytic ones", () => {
  const x = Float64Array.from([0.3, -0.7]);
  const g = numericalGradient(rosen, x);
  const ga = new Float64Array(2);
  rosenGrad(x, ga);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(g[i] - ga[i]) < 1e-6 * Math.max(1, Math.abs(ga[i])), `g${i} ${g[i]} vs ${ga[i]}`);
  // analytic Hessian of Rosenbrock
  const Ha = [1200 * x[0] ** 2 - 400 * x[1] + 2, -400 * x[0], -400 * x[0], 200];
  const H1 = numericalHessian(rosen, x);
  const H2 = hessianFromGradient(rosenGrad, x);
  for (let k = 0; k < 4; k++) {
    assert.ok(Math.abs(H1[k] - Ha[k]) < 1e-4 * Math.max(1, Math.abs(Ha[k])), `H1[${k}] ${H1[k]} vs ${Ha[k]}`);
    assert.ok(Math.abs(H2[k] - Ha[k]) < 1e-7 * Math.max(1, Math.abs(Ha[k])), `H2[${k}] ${H2[k]} vs ${Ha[k]}`);
  }
  assert.equal(H1[1], H1[2]);
});

test("invertMatrix: inverse times matrix is I; singular gives null", () => {
  const A = [4, 1, 2, 1, 3, 0, 2, 0, 5];
  const inv = invertMatrix(A, 3)!;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += A[i * 3 + k] * inv[k * 3 + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-14);
    }
  assert.equal(invertMatrix([1, 2, 2, 4], 2), null);
  // needs a row swap (zero leading pivot)
  const P = invertMatrix([0, 1, 1, 0], 2)!;
  assert.deepEqual(Array.from(P), [0, 1, 1, 0]);
  assert.throws(() => invertMatrix([1, 2, 3], 2), ArgumentError);
});
