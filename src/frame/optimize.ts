/**
 * General-purpose smooth unconstrained minimization and finite-difference derivatives.
 *
 * - `minimizeBfgs`: quasi-Newton BFGS on the inverse Hessian with a strong-Wolfe line search
 *   (Nocedal & Wright, "Numerical Optimization", 2nd ed. 2006: Algorithm 6.1 for BFGS, Algorithms 3.5/3.6 for the
 *   line search with cubic interpolation, eq. 6.20 for the first-step scaling of the initial inverse Hessian).
 *   Gradients are analytic when given, else central differences. Constraints are handled by the caller through a
 *   reparametrization (e.g. log / softmax transforms), as `fitGarch` does.
 * - `numericalGradient`, `numericalHessian`, `hessianFromGradient`: central finite differences with
 *   steps scaled to each coordinate (h = ε^{1/3}·max(|x|, 1) for first derivatives, ε^{1/4}·max(|x|, 1) for second
 *   derivatives of f, ε = 2^−52), the usual choices that balance truncation against rounding error.
 * - `invertMatrix`: Gauss-Jordan inverse with partial pivoting, for the small matrices of parameter covariances.
 *
 * Matrices are dense row-major Float64Array(n·n).
 */
import { ArgumentError } from "../errors";

/** An objective f: ℝⁿ → ℝ. Must not keep or modify `x`. A non-finite value means "outside the domain". */
export type Objective = (x: Float64Array) => number;

/** An objective that also writes its gradient ∇f(x) into `grad` (length n) and returns f(x). */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/** Options of `minimizeBfgs`. */
export interface BfgsOptions {
  /** Analytic value-and-gradient. Without it the gradient is `numericalGradient` of f (2n extra evaluations). */
  gradient?: ObjectiveWithGradient;
  /** Converged when the infinity norm of the gradient is ≤ gtol (default 1e-6). */
  gtol?: number;
  /** Most iterations (default 200·n, at least 100). */
  maxIter?: number;
  /** Most objective evaluations, line searches included (default 50·maxIter). */
  maxEvals?: number;
  /** Armijo (sufficient decrease) constant c1 (default 1e-4). */
  c1?: number;
  /** Curvature constant c2 of the strong Wolfe condition (default 0.9, the usual quasi-Newton value). */
  c2?: number;
}

/** Result of `minimizeBfgs`. */
export interface BfgsResult {
  /** The final point. */
  x: Float64Array;
  /** f(x). */
  f: number;
  /** ∇f(x). */
  gradient: Float64Array;
  /** The BFGS approximation of the inverse Hessian at x (row-major n×n). An approximation only: for standard errors, difference the gradient. */
  inverseHessian: Float64Array;
  /** Iterations (accepted steps). */
  iterations: number;
  /** Objective evaluations (each analytic value-and-gradient counts one). */
  fEvals: number;
  /** True when ‖∇f‖∞ ≤ gtol at the end. */
  converged: boolean;
  /** Why it stopped, in words. */
  message: string;
}

const EPS = 2.220446049250313e-16;

/**
 * Central-difference gradient of f at x: g_i = (f(x + h_i e_i) − f(x − h_i e_i)) / (2 h_i), h_i = ε^{1/3}·max(|x_i|, 1)
 * unless `steps` gives them. Error O(h²) + O(ε|f|/h). Writes into `out` (allocated when absent) and returns it.
 */
export function numericalGradient(f: Objective, x: ArrayLike<number>, out?: Float64Array, steps?: ArrayLike<number>): Float64Array {
  const n = x.length;
  const g = out ?? new Float64Array(n);
  const xx = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const xi = xx[i];
    const h = steps ? steps[i] : Math.cbrt(EPS) * Math.max(Math.abs(xi), 1);
    xx[i] = xi + h;
    const fp = f(xx);
    xx[i] = xi - h;
    const fm = f(xx);
    xx[i] = xi;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/**
 * Central-difference Hessian of f at x from function values (row-major n×n, symmetric):
 * H_ii = (f(x+h_i e_i) − 2f(x) + f(x−h_i e_i)) / h_i²,
 * H_ij = (f(x+h_i e_i+h_j e_j) − f(x+h_i e_i−h_j e_j) − f(x−h_i e_i+h_j e_j) + f(x−h_i e_i−h_j e_j)) / (4 h_i h_j),
 * h_i = ε^{1/4}·max(|x_i|, 1) unless `steps` gives them. Costs 2n² + 1 evaluations; prefer `hessianFromGradient`
 * when an analytic gradient exists (more accurate).
 */
export function numericalHessian(f: Objective, x: ArrayLike<number>, steps?: ArrayLike<number>): Float64Array {
  const n = x.length;
  const xx = Float64Array.from(x);
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) h[i] = steps ? steps[i] : Math.pow(EPS, 0.25) * Math.max(Math.abs(xx[i]), 1);
  const f0 = f(xx);
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const xi = xx[i];
    xx[i] = xi + h[i];
    const fp = f(xx);
    xx[i] = xi - h[i];
    const fm = f(xx);
    xx[i] = xi;
    H[i * n + i] = (fp - 2 * f0 + fm) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const xj = xx[j];
      let s = 0;
      for (const [si, sj] of [[1, 1], [1, -1], [-1, 1], [-1, -1]]) {
        xx[i] = xi + si * h[i];
        xx[j] = xj + sj * h[j];
        s += si * sj * f(xx);
      }
      xx[i] = xi;
      xx[j] = xj;
      H[i * n + j] = H[j * n + i] = s / (4 * h[i] * h[j]);
    }
  }
  return H;
}

/**
 * Hessian as the central-difference Jacobian of an analytic gradient, symmetrized:
 * H_ij = ½[(g_i(x+h_j e_j) − g_i(x−h_j e_j))/(2h_j) + (g_j(x+h_i e_i) − g_j(x−h_i e_i))/(2h_i)],
 * h_j = ε^{1/3}·max(|x_j|, 1) unless `steps` gives them. Costs 2n gradient evaluations; error O(h²) + O(ε|g|/h).
 */
export function hessianFromGradient(grad: ObjectiveWithGradient, x: ArrayLike<number>, steps?: ArrayLike<number>): Float64Array {
  const n = x.length;
  const xx = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const J = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const xj = xx[j];
    const h = steps ? steps[j] : Math.cbrt(EPS) * Math.max(Math.abs(xj), 1);
    xx[j] = xj + h;
    grad(xx, gp);
    xx[j] = xj - h;
    grad(xx, gm);
    xx[j] = xj;
    for (let i = 0; i < n; i++) J[i * n + j] = (gp[i] - gm[i]) / (2 * h);
  }
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = 0.5 * (J[i * n + j] + J[j * n + i]);
  return H;
}

/**
 * Inverse of the n×n row-major matrix `a` by Gauss-Jordan elimination with partial pivoting; null when a pivot
 * is below 1e-14 × the largest |entry| (singular to working precision). `a` is not modified.
 */
export function invertMatrix(a: ArrayLike<number>, n: number): Float64Array | null {
  if (a.length !== n * n) throw new ArgumentError(`invertMatrix: expected ${n * n} entries for n = ${n}, got ${a.length}`, { field: "a" });
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m[i]));
  if (!(scale > 0) || !Number.isFinite(scale)) return null;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    const piv = m[p * n + c];
    if (!(Math.abs(piv) > 1e-14 * scale)) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        let t = m[c * n + k];
        m[c * n + k] = m[p * n + k];
        m[p * n + k] = t;
        t = inv[c * n + k];
        inv[c * n + k] = inv[p * n + k];
        inv[p * n + k] = t;
      }
    }
    for (let k = 0; k < n; k++) {
      m[c * n + k] /= piv;
      inv[c * n + k] /= piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const fct = m[r * n + c];
      if (fct === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k] -= fct * m[c * n + k];
        inv[r * n + k] -= fct * inv[c * n + k];
      }
    }
  }
  return inv;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function infNorm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (!(v <= s)) s = v; // NaN propagates
  }
  return s;
}

/** Minimizer of the cubic through (a, fa, da), (b, fb, db) (Nocedal & Wright eq. 3.59); NaN when undefined. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * Minimizes f from x0 by BFGS (Nocedal & Wright 2006, Algorithm 6.1) with a strong-Wolfe line search
 * (Algorithms 3.5 and 3.6, cubic interpolation safeguarded to the inner 80% of the bracket, bisection when a trial
 * value is non-finite). The inverse-Hessian approximation starts as I (first step length min(1, 1/‖g‖∞)), is
 * rescaled by sᵀy/yᵀy before the first update (eq. 6.20), and is updated only when sᵀy > 1e-10‖s‖‖y‖; when a
 * direction is not a descent direction or a line search fails it is reset to I once before giving up.
 * Stops when ‖∇f‖∞ ≤ gtol (converged), or after maxIter / maxEvals, or when no step decreases f (the message says
 * which). A non-finite f marks a point outside the domain: the line search backs off from it. Where a trial value
 * is within 1e-12·|f| of the reference value (rounding noise), the step is judged by its slope alone (the
 * approximate Wolfe conditions of Hager & Zhang 2005), so the gradient can be driven below what f resolves.
 */
export function minimizeBfgs(f: Objective, x0: ArrayLike<number>, opts: BfgsOptions = {}): BfgsResult {
  const n = x0.length;
  if (n === 0) throw new ArgumentError("minimizeBfgs: x0 is empty", { field: "x0" });
  const gtol = opts.gtol ?? 1e-6;
  const maxIter = opts.maxIter ?? Math.max(100, 200 * n);
  const maxEvals = opts.maxEvals ?? 50 * maxIter;
  const c1 = opts.c1 ?? 1e-4;
  const c2 = opts.c2 ?? 0.9;
  if (!(gtol >= 0)) throw new ArgumentError(`gtol must be >= 0, got ${gtol}`, { field: "gtol" });
  if (!(c1 > 0 && c1 < c2 && c2 < 1)) throw new ArgumentError(`need 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}`, { field: "c2" });
  let evals = 0;
  const fg: ObjectiveWithGradient = opts.gradient
    ? (x, g) => {
        evals++;
        return opts.gradient!(x, g);
      }
    : (x, g) => {
        evals++;
        const v = f(x);
        if (Number.isFinite(v)) numericalGradient(f, x, g);
        return v;
      };

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = fg(x, g);
  if (!Number.isFinite(fx)) throw new ArgumentError(`minimizeBfgs: f(x0) is not finite (${fx})`, { field: "x0" });
  const H = new Float64Array(n * n);
  const resetH = () => {
    H.fill(0);
    for (let i = 0; i < n; i++) H[i * n + i] = 1;
  };
  resetH();
  let fresh = true; // H is the identity (not yet scaled / updated)
  const p = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iter = 0;
  let message = "";

  // value and directional derivative at x + a·p (writes xt, gt)
  const phi = (a: number): [number, number] => {
    for (let i = 0; i < n; i++) xt[i] = x[i] + a * p[i];
    const v = fg(xt, gt);
    return [v, Number.isFinite(v) ? dot(gt, p) : NaN];
  };

  /** Strong-Wolfe line search; on success returns a step a > 0 with xt, gt holding x + a·p and its gradient. */
  const lineSearch = (f0: number, d0: number, a1: number): { a: number; f: number } | null => {
    const epsF = 1e-12 * Math.abs(f0);
    let aPrev = 0;
    let fPrev = f0;
    let dPrev = d0;
    let a = a1;
    const zoom = (lo: number, flo: number, dlo: number, hi: number, fhi: number, dhi: number): { a: number; f: number } | null => {
      for (let k = 0; k < 60; k++) {
        const width = hi - lo;
        let aj = Number.isFinite(fhi) ? cubicMin(lo, flo, dlo, hi, fhi, dhi) : NaN;
        const lo8 = Math.min(lo, hi) + 0.1 * Math.abs(width);
        const hi8 = Math.max(lo, hi) - 0.1 * Math.abs(width);
        if (!(aj >= lo8 && aj <= hi8)) aj = lo + 0.5 * width;
        if (Math.abs(width) <= EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
        const [fj, dj] = phi(aj);
        // within rounding of f(lo): judge by the slope alone (approximate Wolfe, Hager & Zhang 2005)
        const flat = Number.isFinite(fj) && Math.abs(fj - flo) <= epsF;
        if (!Number.isFinite(fj) || (!flat && (fj > f0 + c1 * aj * d0 || fj >= flo))) {
          hi = aj;
          fhi = fj;
          dhi = dj;
        } else {
          if (Math.abs(dj) <= -c2 * d0) return { a: aj, f: fj };
          if (dj * (hi - lo) >= 0) {
            hi = lo;
            fhi = flo;
            dhi = dlo;
          }
          lo = aj;
          flo = fj;
          dlo = dj;
        }
        if (evals >= maxEvals) break;
      }
      // bracket exhausted: accept lo when it decreased f (Armijo holds for every accepted lo > 0)
      if (lo > 0 && flo < f0) {
        const [fl] = phi(lo);
        if (fl < f0) return { a: lo, f: fl };
      }
      return null;
    };
    for (let k = 0; k < 60; k++) {
      const [fa, da] = phi(a);
      const flat = Number.isFinite(fa) && Math.abs(fa - fPrev) <= epsF;
      if (!Number.isFinite(fa) || (!flat && (fa > f0 + c1 * a * d0 || (k > 0 && fa >= fPrev)))) return zoom(aPrev, fPrev, dPrev, a, fa, da);
      if (Math.abs(da) <= -c2 * d0) return { a, f: fa };
      if (da >= 0) return zoom(a, fa, da, aPrev, fPrev, dPrev);
      aPrev = a;
      fPrev = fa;
      dPrev = da;
      a *= 2;
      if (evals >= maxEvals) break;
    }
    return null;
  };

  let stall = 0;
  let gBest = infNorm(g);
  for (;;) {
    const gn = infNorm(g);
    if (gn <= gtol) {
      message = `converged: gradient inf-norm ${gn.toExponential(2)} <= gtol ${gtol}`;
      break;
    }
    if (!Number.isFinite(gn)) {
      message = "stopped: gradient is not finite";
      break;
    }
    if (iter >= maxIter) {
      message = `stopped: maxIter ${maxIter} reached (gradient inf-norm ${gn.toExponential(2)})`;
      break;
    }
    if (evals >= maxEvals) {
      message = `stopped: maxEvals ${maxEvals} reached (gradient inf-norm ${gn.toExponential(2)})`;
      break;
    }
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= H[i * n + j] * g[j];
      p[i] = v;
    }
    let d0 = dot(g, p);
    if (!(d0 < 0)) {
      resetH();
      fresh = true;
      for (let i = 0; i < n; i++) p[i] = -g[i];
      d0 = dot(g, p);
    }
    const a1 = fresh ? Math.min(1, 1 / gn) : 1;
    let ls = lineSearch(fx, d0, a1);
    if (!ls && !fresh) {
      resetH();
      fresh = true;
      for (let i = 0; i < n; i++) p[i] = -g[i];
      d0 = dot(g, p);
      ls = lineSearch(fx, d0, Math.min(1, 1 / gn));
    }
    if (!ls) {
      message = `stopped: line search found no decrease (gradient inf-norm ${gn.toExponential(2)}; at the limit of machine precision?)`;
      break;
    }
    // xt, gt hold the accepted point
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
    }
    const fOld = fx;
    [x, g] = [Float64Array.from(xt), Float64Array.from(gt)];
    fx = ls.f;
    iter++;
    const sy = dot(s, y);
    const ns = Math.sqrt(dot(s, s));
    const ny = Math.sqrt(dot(y, y));
    if (sy > 1e-10 * ns * ny) {
      if (fresh) {
        const sc = sy / dot(y, y);
        for (let i = 0; i < n; i++) H[i * n + i] = sc;
        fresh = false;
      }
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
        Hy[i] = v;
      }
      const yHy = dot(y, Hy);
      const c = (sy + yHy) / (sy * sy);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) H[i * n + j] += c * s[i] * s[j] - (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
    }
    const gNew = infNorm(g);
    if (fOld - fx > EPS * Math.abs(fx) || gNew < 0.5 * gBest) {
      stall = 0;
      gBest = Math.min(gBest, gNew);
    } else if (++stall >= 20) {
      message = `stopped: neither f nor the gradient improved in 20 iterations (gradient inf-norm ${gNew.toExponential(2)})`;
      break;
    }
  }
  return { x, f: fx, gradient: g, inverseHessian: H, iterations: iter, fEvals: evals, converged: infNorm(g) <= gtol, message };
}
