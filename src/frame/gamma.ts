/**
 * The regularized incomplete gamma functions and the chi-square distribution built on them (Wald and deviance
 * p-values). Numerical Recipes (Press et al. 2007, §6.2): power series below a + 1, Lentz continued fraction above.
 */
import { logGamma } from "./ols";

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0: power series for x < a + 1, Lentz
 * continued fraction of Q = 1 − P otherwise (Numerical Recipes `gammp`/`gammq`); relative error ~1e-14.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaCf(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed without cancellation in the upper tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaCf(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let i = 0; i < 10000; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaCf(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Chi-square CDF with k degrees of freedom: F(x) = P(k/2, x/2) (regularized lower incomplete gamma). */
export function chiSquareCdf(x: number, k: number): number {
  if (x !== x || !(k > 0)) return NaN;
  if (x <= 0) return 0;
  return regularizedGammaP(k / 2, x / 2);
}

/** Chi-square upper tail (p-value) with k degrees of freedom: 1 − F(x) = Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  if (x !== x || !(k > 0)) return NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(k / 2, x / 2);
}
