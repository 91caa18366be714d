/**
 * Seeded pseudo-random numbers, reproducible bit for bit across runs and platforms.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018, "Scrambled linear pseudorandom number generators"),
 * 128 bits of state in four uint32 words, period 2^128 − 1, all arithmetic in 32-bit integers
 * (`Math.imul`, `>>>`), so the uint32 stream is identical on every JavaScript engine.
 * The state is filled from the numeric seed by splitmix32 (a 32-bit variant of Steele, Lea & Flood's
 * SplitMix, 2014), so nearby seeds (1, 2, 3…) give unrelated streams.
 *
 * Derived variates use `Math.log`, `Math.sqrt` and `Math.exp`. `sqrt` is exactly rounded by IEEE 754;
 * V8 (Node) computes `log`/`exp` with its own port of fdlibm, so they too are identical on every
 * platform Node runs on. (Another engine could differ in the last bit of `normal()` and friends;
 * `next()`, `nextUint32()` and `int()` never can.)
 *
 * For vectorized Monte Carlo the same streams are also drawn into typed arrays by tight loops over the state words
 * (`xoshiroState` and the `fill*` functions at the end of this file: no closure call per number).
 */
import { ArgumentError } from "../errors";

/** A seeded random stream (see `createRng`). Every method advances the one underlying xoshiro128** state. */
export interface Rng {
  /** The seed this stream was created from. */
  readonly seed: number;
  /** Uniform on [0, 1) with **53-bit** resolution: (⌊a/2^5⌋·2^26 + ⌊b/2^6⌋) / 2^53 from two uint32 draws a, b. */
  next(): number;
  /** Uniform 32-bit unsigned integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform on [lo, hi): lo + (hi − lo)·next(). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n): exact (rejection, no modulo bias) for n ≤ 2^32; ⌊next()·n⌋ above (bias ≤ n/2^53). */
  int(n: number): number;
  /** Standard normal N(0, 1) by the Marsaglia–Bray (1964) polar method; the second variate of each pair is cached. */
  normal(): number;
  /** Fills `out` with standard normals (the same values as calling `normal()` out.length times); returns `out`. */
  fillNormal(out: Float64Array): Float64Array;
  /** Exponential with rate λ > 0 (mean 1/λ), by inversion: −log1p(−U)/λ. */
  exponential(rate: number): number;
  /**
   * Poisson(λ), λ ≥ 0. Exact inversion by sequential search for λ < 10; for λ ≥ 10 the transformed
   * rejection PTRS of Hörmann (1993, "The transformed rejection method for generating Poisson random
   * variables"), as in numpy. Both are exact samplers (no normal approximation).
   */
  poisson(lambda: number): number;
}

/**
 * splitmix32: one step of a 32-bit SplitMix-style hash. Returns a uint32 that depends on all bits of `x`.
 * Formula: x += 0x9e3779b9; z = x ^ x>>>16; z *= 0x21f0aaad; z ^= z>>>15; z *= 0x735a2d97; z ^= z>>>15.
 */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z ^= z >>> 16;
  z = Math.imul(z, 0x21f0aaad);
  z ^= z >>> 15;
  z = Math.imul(z, 0x735a2d97);
  z ^= z >>> 15;
  return z >>> 0;
}

/** The two 32-bit words of a seed: a safe integer as (low, high) words (negatives two's-complement), else its float64 bits. */
function seedWords(seed: number): [number, number] {
  if (!Number.isFinite(seed)) throw new ArgumentError(`seed must be a finite number, got ${seed}`, { field: "seed" });
  if (Number.isSafeInteger(seed)) {
    const lo = seed >>> 0; // ToUint32 = seed mod 2^32 (two's complement for negatives)
    const hi = Math.floor(seed / 4294967296) >>> 0;
    return [lo, hi];
  }
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, seed === 0 ? 0 : seed, true);
  return [dv.getUint32(0, true), dv.getUint32(4, true)];
}

/**
 * A new 32-bit seed derived from `seed` and a list of integer keys (e.g. `deriveSeed(7, 2)` for the second
 * component of a simulation), so components draw from independent streams and changing one component's
 * options does not shift another's numbers. Formula: h = splitmix32(lo ^ splitmix32(hi)); for each key k:
 * h = splitmix32(h ^ splitmix32(k)).
 */
export function deriveSeed(seed: number, ...keys: number[]): number {
  const [lo, hi] = seedWords(seed);
  let h = splitmix32(lo ^ splitmix32(hi));
  for (const k of keys) {
    const [klo, khi] = seedWords(k);
    h = splitmix32(h ^ splitmix32(klo ^ Math.imul(khi, 0x85ebca6b)));
  }
  return h;
}

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;
/** ln(k!) for k < 256, summed once. */
const LOG_FACT: Float64Array = (() => {
  const t = new Float64Array(256);
  for (let k = 2; k < 256; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();

/** ln(k!) for an integer k ≥ 0: table below 256, Stirling's series (to 1/k^5; relative error < 1e-16) above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT[k];
  const x = k;
  const ix = 1 / x;
  const ix2 = ix * ix;
  return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + ix * (1 / 12 - ix2 * (1 / 360 - ix2 / 1260));
}

/**
 * A seeded random stream (xoshiro128** seeded through splitmix32; see the file header).
 * The same `seed` gives the same sequence on every run and platform; any finite number is a valid seed
 * (safe integers use their 64-bit two's-complement words, other numbers their IEEE-754 bits).
 * @param seed e.g. 42
 */
export function createRng(seed: number): Rng {
  const [lo, hi] = seedWords(seed);
  let sm = lo ^ splitmix32(hi);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  {
    // splitmix32 stream: x_{i+1} = x_i + golden; output mix(x_i)
    const step = (): number => {
      const out = splitmix32(sm);
      sm = (sm + 0x9e3779b9) | 0;
      return out;
    };
    s0 = step();
    s1 = step();
    s2 = step();
    s3 = step();
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is the one fixed point
  }

  const nextUint32 = (): number => {
    // xoshiro128**: result = rotl(s1 * 5, 7) * 9
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };

  const next = (): number => {
    const a = nextUint32() >>> 5;
    const b = nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO53;
  };

  let spare = 0;
  let hasSpare = false;
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * next() - 1;
      v = 2 * next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * f;
    hasSpare = true;
    return u * f;
  };

  const int = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 1) throw new ArgumentError(`int(n): n must be a positive safe integer, got ${n}`, { field: "n" });
    if (n <= TWO32) {
      const limit = TWO32 - (TWO32 % n); // accept x < limit: a multiple of n values
      for (;;) {
        const x = nextUint32();
        if (x < limit) return x % n;
      }
    }
    return Math.floor(next() * n);
  };

  const exponential = (rate: number): number => {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new ArgumentError(`exponential(rate): rate must be finite and > 0, got ${rate}`, { field: "rate" });
    return -Math.log1p(-next()) / rate;
  };

  const poisson = (lambda: number): number => {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new ArgumentError(`poisson(lambda): lambda must be finite and >= 0, got ${lambda}`, { field: "lambda" });
    if (lambda === 0) return 0;
    if (lambda < 10) {
      // Inversion by sequential search: smallest k with U <= F(k).
      let p = Math.exp(-lambda);
      let f = p;
      const u = next();
      let k = 0;
      while (u > f && k < 1000) {
        k++;
        p *= lambda / k;
        f += p;
      }
      return k;
    }
    // PTRS (Hörmann 1993), constants as in numpy's random_poisson_ptrs.
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = next() - 0.5;
      const V = next();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
    }
  };

  return {
    seed,
    next,
    nextUint32,
    uniform: (lo2: number, hi2: number) => lo2 + (hi2 - lo2) * next(),
    int,
    normal,
    fillNormal: (out: Float64Array) => {
      for (let i = 0; i < out.length; i++) out[i] = normal();
      return out;
    },
    exponential,
    poisson,
  };
}

// ---- typed-array fills: the same xoshiro128** stream as createRng, drawn in tight loops (for vectorized Monte Carlo) ----

/**
 * A xoshiro128** state (four uint32 words) seeded exactly as `createRng(seed)` seeds its own for a uint32 `seed`
 * (splitmix32 words from seed ^ splitmix32(0)), so the `fill*` functions below draw the same uint32 sequence as
 * `createRng(seed).nextUint32()` (tested), from a tight loop over local variables instead of a closure call per
 * number. `seed` must be a uint32 (what `deriveSeed` returns).
 */
export function xoshiroState(seed: number): Uint32Array {
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 4294967296)) throw new ArgumentError(`xoshiroState: seed must be a uint32, got ${seed}`, { field: "seed" });
  let sm = seed ^ splitmix32(0);
  const st = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    st[w] = splitmix32(sm);
    sm = (sm + 0x9e3779b9) | 0;
  }
  if ((st[0] | st[1] | st[2] | st[3]) === 0) st[0] = 1;
  return st;
}

/** Fills `out[0…n)` with the next n uint32 of the xoshiro128** stream `st` (advanced in place). */
export function fillUint32(st: Uint32Array, out: Uint32Array | Float64Array, n: number): void {
  let s0 = st[0] | 0;
  let s1 = st[1] | 0;
  let s2 = st[2] | 0;
  let s3 = st[3] | 0;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    out[i] = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

const TWO_M32 = 1 / 4294967296;

/** Fills `out[0…n)` with uniforms U = (x + ½)/2^32 ∈ (0, 1), x the stream's next uint32 (32-bit resolution; never 0 or 1). */
export function fillUniform32(st: Uint32Array, out: Float64Array, n: number): void {
  fillUint32(st, out, n);
  for (let i = 0; i < n; i++) out[i] = (out[i] + 0.5) * TWO_M32;
}

/** Fills `out[0…n)` with ±scale, + when the stream's next uint32 is below 2^31 (probability ½ each). */
export function fillSigns(st: Uint32Array, out: Float64Array, n: number, scale: number): void {
  fillUint32(st, out, n);
  for (let i = 0; i < n; i++) out[i] = out[i] < 2147483648 ? scale : -scale;
}

/**
 * Fills `out[0…n)` with scale·Z, Z standard normal by the Marsaglia–Bray (1964) polar method on 32-bit uniforms
 * u, v = (x + ½)/2^31 − 1 ∈ (−1, 1): accept s = u² + v² < 1, then Z₁ = u·√(−2 ln s / s), Z₂ = v·√(−2 ln s / s).
 * Pairs fill consecutive slots; for an odd n the last pair's second value is dropped. Inline xoshiro128**.
 */
export function fillNormalPolar(st: Uint32Array, out: Float64Array, n: number, scale: number): void {
  let s0 = st[0] | 0;
  let s1 = st[1] | 0;
  let s2 = st[2] | 0;
  let s3 = st[3] | 0;
  const c = 1 / 2147483648;
  for (let i = 0; i < n; i += 2) {
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      let m = Math.imul(s1, 5);
      let x = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      u = (x + 0.5) * c - 1;
      m = Math.imul(s1, 5);
      x = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      v = (x + 0.5) * c - 1;
      s = u * u + v * v;
    } while (s >= 1);
    const f = scale * Math.sqrt((-2 * Math.log(s)) / s);
    out[i] = u * f;
    if (i + 1 < n) out[i + 1] = v * f;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}
