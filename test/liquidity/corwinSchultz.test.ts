import { test } from "node:test";
import assert from "node:assert/strict";
import { corwinSchultz, corwinSchultzCandles, corwinSchultzRolling } from "../../src/liquidity/corwinSchultz";
import { simulateSpreadOhlc } from "../../src/liquidity/edge";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

// Hand-worked values (computed independently, in Python, from the paper's formulas):
//   β = ln(H_t/L_t)² + ln(H_{t+1}/L_{t+1})²,  γ = ln(max H / min L)²,  α = (√2β − √β)/(3 − 2√2) − √(γ/(3 − 2√2)),
//   S = 2(e^α − 1)/(1 + e^α).
// Equivalently α = (√β − √γ)/(√2 − 1), so S > 0 exactly when β > γ.
// Day 1: H 101, L 99, C 100;  day 2: H 102, L 100, C 101;  day 3: H 101.5, L 99.5, C 100 (no gaps).
//   pair (1,2): β = ln(101/99)² + ln(1.02)² = 0.000792…, γ = ln(102/99)² = 0.000893… → S = −0.004122108538858288
//   pair (2,3): β = ln(1.02)² + ln(101.5/99.5)² = 0.000784…, γ = ln(102/99.5)² = 0.000614… → S = 0.007869645067994858
const H = [101, 102, 101.5];
const L = [99, 100, 99.5];
const C = [100, 101, 100];
const S01 = -0.004122108538858288;
const S12 = 0.007869645067994858;

test("hand-worked example: two-day series and the window mean under each negative-estimate rule", () => {
  const r = corwinSchultz(H, L, C);
  assert.equal(r.twoDay.length, 3);
  close(r.twoDay[0], S01, 1e-15);
  close(r.twoDay[1], S12, 1e-15);
  assert.ok(Number.isNaN(r.twoDay[2]), "the last period has no next period");
  close(r.spread, (0 + S12) / 2, 1e-15, "default: negative two-day estimates set to 0 (the paper's)");
  assert.equal(r.used, 2);
  assert.equal(r.negative, 1);
  assert.deepEqual([r.gapUp, r.gapDown, r.missing, r.flatPeriods], [0, 0, 0, 0]);
  close(corwinSchultz(H, L, C, { negative: "signed" }).spread, (S01 + S12) / 2, 1e-15);
  const d = corwinSchultz(H, L, C, { negative: "drop" });
  close(d.spread, S12, 1e-15);
  assert.equal(d.used, 1);
});

test("negative α: a trending pair (two-day range much wider than the one-day ranges) gives S < 0", () => {
  // day 1: H 101, L 100, C 101; day 2: H 102, L 101 (low equals the previous close: no adjustment)
  const r = corwinSchultz([101, 102], [100, 101], [101, 101.5]);
  close(r.twoDay[0], -0.014001929028718182, 1e-15);
  assert.equal(r.spread, 0);
  assert.equal(r.negative, 1);
  close(corwinSchultz([101, 102], [100, 101], [101, 101.5], { negative: "signed" }).spread, -0.014001929028718182, 1e-15);
  assert.ok(Number.isNaN(corwinSchultz([101, 102], [100, 101], [101, 101.5], { negative: "drop" }).spread));
});

test("overnight adjustment: a gap-up day is shifted down by the gap, a gap-down day up (paper: price units)", () => {
  // gap up: day 1 H 101, L 99, C 99.2; day 2 H 103.2, L 101.2 > 99.2 → shifted to H 101.2, L 99.2
  const up = { h: [101, 103.2], l: [99, 101.2], c: [99.2, 102] };
  const none = corwinSchultz(up.h, up.l, up.c, { overnight: "none", negative: "signed" });
  const price = corwinSchultz(up.h, up.l, up.c, { negative: "signed" });
  const logv = corwinSchultz(up.h, up.l, up.c, { overnight: "log", negative: "signed" });
  close(none.twoDay[0], -0.03274972223118988, 1e-15, "unadjusted: the gap inflates γ");
  close(price.twoDay[0], 0.015156361960876424, 1e-15, "adjusted in price units");
  close(logv.twoDay[0], 0.015436539042139721, 1e-15, "adjusted in log units (bidask)");
  assert.deepEqual([price.gapUp, price.gapDown], [1, 0]);
  assert.deepEqual([none.gapUp, none.gapDown], [0, 0]);
  // the shifted pair equals the unadjusted estimate on the hand-shifted prices
  close(price.twoDay[0], corwinSchultz([101, 101.2], [99, 99.2], [99.2, 100], { overnight: "none" }).twoDay[0], 1e-15);

  // gap down: day 1 H 101, L 99, C 100.8; day 2 H 98.8 < 100.8 → shifted to H 100.8, L 98.8
  const dn = { h: [101, 98.8], l: [99, 96.8], c: [100.8, 97] };
  close(corwinSchultz(dn.h, dn.l, dn.c, { overnight: "none", negative: "signed" }).twoDay[0], -0.03347810558253967, 1e-15);
  const p = corwinSchultz(dn.h, dn.l, dn.c, { negative: "signed" });
  close(p.twoDay[0], 0.015186704808973816, 1e-15);
  close(corwinSchultz(dn.h, dn.l, dn.c, { overnight: "log" }).twoDay[0], 0.014901143930365434, 1e-15);
  assert.deepEqual([p.gapUp, p.gapDown], [0, 1]);
  // default (negative → 0): the unadjusted estimate would be 0, the adjusted one is positive
  assert.equal(corwinSchultz(dn.h, dn.l, dn.c, { overnight: "none" }).spread, 0);
  assert.ok(corwinSchultz(dn.h, dn.l, dn.c).spread > 0.015);
});

test("missing data are counted, bad prices throw", () => {
  const r = corwinSchultz([101, NaN, 101.5, 102], [99, 100, 99.5, 100], [100, 101, 100, 101]);
  assert.equal(r.missing, 2);
  assert.equal(r.used, 1);
  assert.throws(() => corwinSchultz([101, 99], [99, 100], [100, 100]), (e: unknown) => e instanceof DataError && /row 1/.test(e.message));
  assert.throws(() => corwinSchultz([101, -1], [99, 100], [100, 100]), DataError);
  assert.throws(() => corwinSchultz([101], [99, 100], [100, 100]), ArgumentError);
  assert.throws(() => corwinSchultz(H, L, C, { negative: "floor" as never }), ArgumentError);
  assert.equal(corwinSchultz([100, 100], [100, 99], [100, 99.5]).flatPeriods, 1);
});

test("Monte Carlo: with continuous trading the signed CS mean recovers the spread; zeroing only raises it", () => {
  // 2,000 periods, 390 trades per period, S = 1 %: over 20 seeds the signed mean was 0.00996 ± 0.0003 (sd).
  for (let seed = 1; seed <= 3; seed++) {
    const x = simulateSpreadOhlc({ periods: 2000, seed, spread: 0.01 });
    const signed = corwinSchultz(x.high, x.low, x.close, { negative: "signed" });
    close(signed.spread, 0.01, 0.0012, `seed ${seed}`);
    const zero = corwinSchultz(x.high, x.low, x.close);
    assert.ok(zero.spread >= signed.spread);
    assert.ok(zero.negative > 0 && zero.negative === signed.negative);
  }
});

test("property: CS is invariant to scaling all prices by c", () => {
  const x = simulateSpreadOhlc({ periods: 200, seed: 4, stepsPerPeriod: 40, sigma: 0.03 });
  const base = corwinSchultz(x.high, x.low, x.close, { negative: "signed" });
  for (const c of [2, 0.001, 7.3]) {
    const sc = (a: Float64Array) => a.map((v) => v * c);
    for (const overnight of ["price", "log", "none"] as const) {
      const r = corwinSchultz(sc(x.high), sc(x.low), sc(x.close), { negative: "signed", overnight });
      const b = overnight === "price" ? base : corwinSchultz(x.high, x.low, x.close, { negative: "signed", overnight });
      close(r.spread, b.spread, 1e-12, `c ${c} ${overnight}`);
      assert.equal(r.gapUp + r.gapDown, b.gapUp + b.gapDown);
    }
  }
});

test("rolling CS: estimate placed at the later period of its pair, mean over the window after the rule", () => {
  const x = simulateSpreadOhlc({ periods: 60, seed: 8, stepsPerPeriod: 30 });
  const full = corwinSchultz(x.high, x.low, x.close);
  const w = 10;
  const r = corwinSchultzRolling(x.high, x.low, x.close, w);
  assert.ok(Number.isNaN(r[0]));
  for (let i = 1; i < 60; i++) {
    if (i < w) {
      assert.ok(Number.isNaN(r[i]), `window not full at ${i}`);
      continue;
    }
    let s = 0;
    for (let t = i - w; t < i; t++) s += Math.max(0, full.twoDay[t]);
    close(r[i], s / w, 1e-15);
  }
  const partial = corwinSchultzRolling(x.high, x.low, x.close, w, { minPeriods: 1 });
  close(partial[1], Math.max(0, full.twoDay[0]), 1e-15);
});

test("corwinSchultzCandles reads high/low/close of a frame", () => {
  const f = new Frame({ high: Float64Array.from(H), low: Float64Array.from(L), close: Float64Array.from(C) });
  close(corwinSchultzCandles(f).spread, S12 / 2, 1e-15);
});
