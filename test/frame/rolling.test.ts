import { test } from "node:test";
import assert from "node:assert/strict";
import {
  rolling,
  rollingMean,
  rollingStd,
  rollingSum,
  rollingTimeMean,
  rollingTimeStd,
  rollingTimeSum,
  timeWindowBounds,
} from "../../src/frame/rolling";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";
import { seededUniform as rng } from "../helpers";


const f64 = (a: number[]) => Float64Array.from(a);

function close(a: ArrayLike<number>, b: ArrayLike<number>, rel = 1e-12, msg = "") {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) assert.ok(Number.isNaN(a[i]), `${msg} row ${i}: got ${a[i]}, want NaN`);
    else assert.ok(Math.abs(a[i] - b[i]) <= rel * Math.max(1, Math.abs(b[i])), `${msg} row ${i}: got ${a[i]}, want ${b[i]}`);
  }
}

/** Two-pass statistics of the non-NaN values in x[lo, hi), on data shifted by its first value (an accurate reference). */
function twoPass(x: ArrayLike<number>, lo: number, hi: number, ddof = 1) {
  let k = NaN;
  let c = 0;
  let s = 0;
  for (let j = lo; j < hi; j++) if (!Number.isNaN(x[j])) {
    if (Number.isNaN(k)) k = x[j];
    c++;
    s += x[j] - k;
  }
  const m = s / c; // mean of the shifted data
  let ss = 0;
  for (let j = lo; j < hi; j++) if (!Number.isNaN(x[j])) ss += (x[j] - k - m) * (x[j] - k - m);
  return { c, sum: c ? s + c * k : 0, mean: c ? k + m : NaN, std: c - ddof > 0 ? Math.sqrt(ss / (c - ddof)) : NaN };
}

test("count windows: hand-worked sums, means and stds", () => {
  const x = f64([1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(rollingSum(x, 3)), [NaN, NaN, 6, 9, 12]);
  assert.deepEqual(Array.from(rollingSum(x, 3, { minPeriods: 1 })), [1, 3, 6, 9, 12]);
  assert.deepEqual(Array.from(rollingMean(x, 3)), [NaN, NaN, 2, 3, 4]);
  assert.deepEqual(Array.from(rollingMean(x, 2, { minPeriods: 1 })), [1, 1.5, 2.5, 3.5, 4.5]);
  assert.deepEqual(Array.from(rollingStd(x, 3)), [NaN, NaN, 1, 1, 1]);
  close(rollingStd(x, 3, { ddof: 0 }), [NaN, NaN, Math.sqrt(2 / 3), Math.sqrt(2 / 3), Math.sqrt(2 / 3)]);
  assert.deepEqual(Array.from(rollingStd(x, 3, { minPeriods: 1 })), [NaN, Math.SQRT1_2, 1, 1, 1], "one value: sample std undefined");
  assert.deepEqual(Array.from(rollingSum(x, 1)), [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(rollingSum(f64([]), 3)), []);
});

test("count windows: NaN is skipped and does not count toward minPeriods", () => {
  const x = f64([1, NaN, 3, 4, NaN, NaN, NaN]);
  assert.deepEqual(Array.from(rollingSum(x, 2, { minPeriods: 1 })), [1, 1, 3, 7, 4, NaN, NaN]);
  assert.deepEqual(Array.from(rollingSum(x, 2)), [NaN, NaN, NaN, 7, NaN, NaN, NaN]);
  assert.deepEqual(Array.from(rollingSum(x, 2, { minPeriods: 0 })), [1, 1, 3, 7, 4, 0, 0], "empty window sums to 0 with minPeriods 0");
  assert.deepEqual(Array.from(rollingMean(x, 2, { minPeriods: 0 })), [1, 1, 3, 3.5, 4, NaN, NaN]);
  assert.deepEqual(Array.from(rollingMean(x, 3, { minPeriods: 2 })), [NaN, NaN, 2, 3.5, 3.5, NaN, NaN]);
});

test("count windows: infinities", () => {
  const x = f64([1, Infinity, 2, -Infinity, 3, 4]);
  assert.deepEqual(Array.from(rollingSum(x, 2)), [NaN, Infinity, Infinity, -Infinity, -Infinity, 7]);
  assert.deepEqual(Array.from(rollingMean(x, 3)), [NaN, NaN, Infinity, NaN, -Infinity, -Infinity]);
  assert.deepEqual(Array.from(rollingStd(x, 2)), [NaN, NaN, NaN, NaN, NaN, Math.SQRT1_2]);
});

test("count windows: a constant window gives mean = the value and std = 0 exactly", () => {
  const x = f64([5, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 7]);
  const m = rollingMean(x, 3);
  const s = rollingStd(x, 3);
  for (let i = 4; i <= 8; i++) {
    assert.equal(m[i], 0.1);
    assert.equal(s[i], 0);
  }
  assert.ok(s[9] > 0);
  // large offset: prices on a flat stretch
  const p = new Float64Array(5000).fill(61837.63);
  for (let i = 0; i < 5000; i += 997) p[i] = 61837.64;
  const sp = rollingStd(p, 50);
  for (let i = 49; i < 5000; i++) {
    const two = twoPass(p, i - 49, i + 1);
    if (two.std === 0) assert.equal(sp[i], 0, `row ${i}`);
    else assert.ok(Math.abs(sp[i] - two.std) < 1e-9 * two.std);
  }
});

test("count windows equal a two-pass computation on random data with NaNs (properties: shift and scale)", () => {
  const r = rng(5);
  for (let trial = 0; trial < 30; trial++) {
    const n = Math.floor(r() * 300);
    const w = 1 + Math.floor(r() * 20);
    const mp = Math.floor(r() * (w + 1));
    const x = Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : (r() - 0.5) * 100));
    const s = rollingSum(x, w, { minPeriods: mp });
    const m = rollingMean(x, w, { minPeriods: mp });
    const d = rollingStd(x, w, { minPeriods: mp });
    const d0 = rollingStd(x, w, { minPeriods: mp, ddof: 0 });
    for (let i = 0; i < n; i++) {
      const tp = twoPass(x, Math.max(0, i - w + 1), i + 1);
      const tp0 = twoPass(x, Math.max(0, i - w + 1), i + 1, 0);
      const ok = tp.c >= mp;
      close([s[i]], [ok ? tp.sum : NaN], 1e-12, `sum w=${w}`);
      close([m[i]], [ok && tp.c > 0 ? tp.mean : NaN], 1e-12, `mean w=${w}`);
      close([d[i]], [ok ? tp.std : NaN], 1e-9, `std w=${w}`);
      close([d0[i]], [ok ? tp0.std : NaN], 1e-9, `std0 w=${w}`);
    }
    // std is shift invariant and scales with |a|
    const y = x.map((v) => -3 * v + 1e6);
    close(rollingStd(y, w, { minPeriods: mp }), d.map((v) => 3 * v), 1e-7, "scale/shift");
  }
});

test("stability: 10 million rows of 1e9 + small noise match a two-pass computation", () => {
  const N = 10_000_000;
  const W = 1000;
  const r = rng(42);
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = 1e9 + (r() - 0.5) * 0.02; // noise std ≈ 0.0058
  const std = rollingStd(x, W);
  const mean = rollingMean(x, W);
  let maxRel = 0;
  let maxMeanErr = 0;
  for (let k = 0; k < 400; k++) {
    const i = k === 0 ? N - 1 : W - 1 + Math.floor(r() * (N - W));
    const tp = twoPass(x, i - W + 1, i + 1);
    maxRel = Math.max(maxRel, Math.abs(std[i] - tp.std) / tp.std);
    maxMeanErr = Math.max(maxMeanErr, Math.abs(mean[i] - tp.mean));
  }
  assert.ok(maxRel < 1e-6, `max relative std error ${maxRel}`);
  assert.ok(maxMeanErr < 1e-6, `max abs mean error ${maxMeanErr}`);
  // control: the textbook one-pass formula (Σx² − (Σx)²/n) on the same window is useless here, so the check above can fail
  const i = N - 1;
  let s = 0, s2 = 0;
  for (let j = i - W + 1; j <= i; j++) {
    s += x[j];
    s2 += x[j] * x[j];
  }
  const naive = Math.sqrt(Math.max(0, (s2 - (s * s) / W) / (W - 1)));
  const ref = twoPass(x, i - W + 1, i + 1).std;
  assert.ok(Math.abs(naive - ref) / ref > 1e-2, `naive formula unexpectedly accurate: ${naive} vs ${ref}`);
});

test("stability: a drifting random walk at a large offset (re-anchoring)", () => {
  const N = 1_000_000;
  const W = 500;
  const r = rng(9);
  const x = new Float64Array(N);
  let p = 1e9;
  for (let i = 0; i < N; i++) x[i] = p += (r() - 0.5) * 1000; // drifts by ~±1e5 over the series
  const std = rollingStd(x, W);
  for (let k = 0; k < 200; k++) {
    const i = W - 1 + Math.floor(r() * (N - W));
    const tp = twoPass(x, i - W + 1, i + 1);
    assert.ok(Math.abs(std[i] - tp.std) <= 1e-8 * tp.std, `row ${i}: ${std[i]} vs ${tp.std}`);
  }
});

test("time windows (t − w, t]: hand-worked, ties share one window", () => {
  const t = f64([0, 1, 1, 3, 5, 10]);
  const x = f64([1, 2, 3, 4, 5, 6]);
  const b = timeWindowBounds(t, 2);
  assert.deepEqual(Array.from(b.start), [0, 0, 0, 3, 4, 5]);
  assert.deepEqual(Array.from(b.end), [1, 3, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(rollingTimeSum(t, x, 2)), [1, 6, 6, 4, 5, 6]);
  assert.deepEqual(Array.from(rollingTimeMean(t, x, 2)), [1, 2, 2, 4, 5, 6]);
  assert.deepEqual(Array.from(rollingTimeStd(t, x, 2)), [NaN, 1, 1, NaN, NaN, NaN]);
  assert.deepEqual(Array.from(rollingTimeSum(t, x, 2, { minPeriods: 2 })), [NaN, 6, 6, NaN, NaN, NaN]);
  // window 4: (t-4, t]
  assert.deepEqual(Array.from(rollingTimeSum(t, x, 4)), [1, 6, 6, 10, 9, 6]);
  const nanx = f64([NaN, 2, NaN, 4, 5, 6]);
  assert.deepEqual(Array.from(rollingTimeMean(t, nanx, 4)), [NaN, 2, 2, 3, 4.5, 6]);
});

test("time windows equal a brute-force scan on random data", () => {
  const r = rng(13);
  for (let trial = 0; trial < 30; trial++) {
    const n = Math.floor(r() * 200);
    let tt = 1_723_161_253_937_123;
    const t = Float64Array.from({ length: n }, () => (tt += r() < 0.3 ? 0 : Math.floor(r() * 1e6)));
    const x = Float64Array.from({ length: n }, () => (r() < 0.1 ? NaN : 60000 + r() * 10));
    const w = 1 + Math.floor(r() * 5e6);
    const s = rollingTimeSum(t, x, w);
    const m = rollingTimeMean(t, x, w);
    const d = rollingTimeStd(t, x, w);
    for (let i = 0; i < n; i++) {
      let lo = 0;
      while (t[lo] <= t[i] - w) lo++;
      let hi = i + 1;
      while (hi < n && t[hi] <= t[i]) hi++;
      const tp = twoPass(x, lo, hi);
      close([s[i]], [tp.c >= 1 ? tp.sum : NaN], 1e-12);
      close([m[i]], [tp.c >= 1 ? tp.mean : NaN], 1e-12);
      close([d[i]], [tp.c >= 1 ? tp.std : NaN], 1e-6);
    }
  }
});

test("argument and data errors", () => {
  const x = f64([1, 2, 3]);
  assert.throws(() => rollingSum(x, 0), ArgumentError);
  assert.throws(() => rollingSum(x, 2.5), ArgumentError);
  assert.throws(() => rollingMean(x, 2, { minPeriods: 3 }), ArgumentError);
  assert.throws(() => rollingStd(x, 2, { ddof: -1 }), ArgumentError);
  assert.throws(() => rollingTimeSum(f64([0, 2, 1]), x, 5), (e: unknown) => e instanceof DataError && /row 2/.test(e.message));
  assert.throws(() => rollingTimeSum(f64([0, 1]), x, 5), ArgumentError);
  assert.throws(() => rollingTimeSum(f64([0, 1, 2]), x, 0), ArgumentError);
});

test("rolling(frame, column, spec) delegates to the kernels", () => {
  const f = new Frame({ timestamp: f64([0, 1, 1, 3]), price: f64([1, 2, 3, 4]) });
  assert.deepEqual(Array.from(rolling(f, "price", { window: 2 }).sum()), [NaN, 3, 5, 7]);
  assert.deepEqual(Array.from(rolling(f, "price", { window: 2, minPeriods: 1 }).mean()), [1, 1.5, 2.5, 3.5]);
  assert.deepEqual(Array.from(rolling(f, "price", { windowUs: 2 }).sum()), [1, 6, 6, 4]);
  assert.deepEqual(Array.from(rolling(f, "price", { windowUs: 2, on: "timestamp" }).std(0)), [0, Math.sqrt(2 / 3), Math.sqrt(2 / 3), 0]);
});
