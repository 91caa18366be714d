import { test } from "node:test";
import assert from "node:assert/strict";
import {
  allocateQuantity,
  twapSchedule,
  vwapSchedule,
  weightedSchedule,
  povTargets,
  povSchedule,
  createPovTracker,
  equalSlices,
} from "../../src/execution/schedules";
import { almgrenChriss } from "../../src/execution/almgrenChriss";
import { ArgumentError } from "../../src/errors";
import type { ChildSchedule } from "../../src/execution/simulate";
import { seededUniform } from "../helpers";

const H = 3600e6;
const T0 = Date.UTC(2024, 0, 2) * 1000; // 2024-01-02 00:00Z, µs

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

test("TWAP: equal slices, largest-remainder lots sum exactly to the parent (hand-worked)", () => {
  // 1,000,000 shares in 7 slices: 142857.14… each → 6 slices get 142857 and 1 lot left goes to the largest
  // remainder; all remainders tie (0.142857…), so the earliest slice gets it: [142858, 142857 × 6]
  const s = twapSchedule({ quantity: 1e6, startUs: T0, endUs: T0 + 7 * H, slices: 7, lotSize: 1 });
  assert.deepEqual(Array.from(s.quantity), [142858, 142857, 142857, 142857, 142857, 142857, 142857]);
  assert.equal(sum(s.quantity), 1e6);
  assert.deepEqual(Array.from(s.sliceStartUs), [0, 1, 2, 3, 4, 5, 6].map((i) => T0 + i * H));
  assert.deepEqual(Array.from(s.sliceEndUs), [1, 2, 3, 4, 5, 6, 7].map((i) => T0 + i * H));
  assert.equal(s.kind, "twap");
  const asChild: ChildSchedule = s; // a schedule feeds simulateExecution as is (compile-time check)
  assert.equal(asChild.quantity.length, 7);
  // 10 shares in 4 slices: 2.5 each → floors 2,2,2,2, 2 lots left to the first two (ties → earlier)
  assert.deepEqual(Array.from(twapSchedule({ quantity: 10, startUs: 0, endUs: 4, slices: 4, lotSize: 1 }).quantity), [3, 3, 2, 2]);
  // decimal lots: 1.5 BTC in 0.001 lots over 7 slices: integer lots sum exactly to 1500
  const b = twapSchedule({ quantity: 1.5, startUs: T0, endUs: T0 + H, slices: 7, lotSize: 0.001 });
  assert.equal(sum(b.lots!), 1500);
  assert.deepEqual(Array.from(b.lots!), [215, 215, 214, 214, 214, 214, 214]);
  assert.ok(Math.abs(sum(b.quantity) - 1.5) < 1e-12);
  // continuous: the left-to-right sum is exactly Q
  const c = twapSchedule({ quantity: 1, startUs: 0, endUs: 3, slices: 3 });
  assert.equal(sum(c.quantity), 1);
  assert.equal(c.lots, null);
});

test("allocateQuantity: property — exact sums, each child within one lot of its ideal", () => {
  const u = seededUniform(61);
  for (let t = 0; t < 300; t++) {
    const n = 1 + Math.floor(u() * 40);
    const w = Array.from({ length: n }, () => (u() < 0.2 ? 0 : u() * 10));
    if (sum(w) === 0) w[0] = 1;
    const M = 1 + Math.floor(u() * 100000);
    const a = allocateQuantity(M, w, 1);
    assert.equal(sum(a.lots!), M);
    assert.equal(sum(a.quantity), M);
    const W = sum(w);
    for (let i = 0; i < n; i++) {
      const ideal = (M * w[i]) / W;
      assert.ok(Math.abs(a.lots![i] - ideal) < 1, `child ${i}: ${a.lots![i]} vs ideal ${ideal}`);
      if (w[i] === 0) assert.equal(a.lots![i], 0);
    }
    // continuous quantities: exact left-to-right sum
    const Q = u() * 1000 + 0.001;
    const c = allocateQuantity(Q, w);
    assert.equal(sum(c.quantity), Q, `continuous sum t=${t}`);
    assert.ok(c.quantity.every((v) => v >= 0));
  }
});

test("VWAP: flat profile equals TWAP; partial buckets pro-rated; across midnight", () => {
  const flat = { bucketMinutes: 60, share: new Float64Array(24).fill(1 / 24) };
  for (const [start, end, slices] of [[T0, T0 + 6 * H, 6], [T0 + 0.5 * H, T0 + 7.25 * H, 9], [T0 + 22 * H, T0 + 27 * H, 5]] as const) {
    const v = vwapSchedule({ quantity: 12345, startUs: start, endUs: end, profile: flat, slices, lotSize: 1 });
    const t = twapSchedule({ quantity: 12345, startUs: start, endUs: end, slices, lotSize: 1 });
    assert.deepEqual(Array.from(v.quantity), Array.from(t.quantity));
    assert.deepEqual(Array.from(v.sliceStartUs), Array.from(t.sliceStartUs));
  }
  // default slicing at bucket edges, aligned window: same as hourly TWAP on a flat profile
  const v = vwapSchedule({ quantity: 600, startUs: T0 + 3 * H, endUs: T0 + 9 * H, profile: flat, lotSize: 1 });
  assert.deepEqual(Array.from(v.quantity), [100, 100, 100, 100, 100, 100]);
  // a profile with 30% at 00-01, 10% at 01-02, 60/22 elsewhere: window 00:30 → 02:00 gets weights 0.15, 0.10
  const share = new Float64Array(24).fill(0.6 / 22);
  share[0] = 0.3;
  share[1] = 0.1;
  const p = { bucketMinutes: 60, share };
  const w = vwapSchedule({ quantity: 1000, startUs: T0 + 0.5 * H, endUs: T0 + 2 * H, profile: p, lotSize: 1 });
  assert.deepEqual(Array.from(w.sliceStartUs), [T0 + 0.5 * H, T0 + H]);
  assert.deepEqual(Array.from(w.quantity), [600, 400]); // 0.15 : 0.10
  assert.ok(Math.abs(w.targetShare[0] - 0.6) < 1e-12);
  // across midnight: 23:00 → 01:00 = shares[23], shares[0]
  const m = vwapSchedule({ quantity: 1e6, startUs: T0 + 23 * H, endUs: T0 + 25 * H, profile: p, lotSize: 1 });
  const w23 = 0.6 / 22;
  assert.deepEqual(Array.from(m.quantity), [Math.round((1e6 * w23) / (w23 + 0.3)), Math.round((1e6 * 0.3) / (w23 + 0.3))]);
  assert.equal(sum(m.quantity), 1e6);
  // a window the profile gives no volume → error
  const zero = new Float64Array(24);
  zero[12] = 1;
  assert.throws(() => vwapSchedule({ quantity: 10, startUs: T0, endUs: T0 + H, profile: { bucketMinutes: 60, share: zero } }), ArgumentError);
});

test("weightedSchedule maps the Almgren-Chriss trade list onto clock time with exact sums", () => {
  const ac = almgrenChriss({ X: 1e6, T: 5, N: 5, sigma: 0.95, eta: 2.5e-6, epsilon: 0.0625, gamma: 2.5e-7, lambda: 1e-6 });
  const s = weightedSchedule({ quantity: 1e6, startUs: T0, endUs: T0 + 5 * H, weights: ac.trades, lotSize: 1 });
  assert.equal(sum(s.quantity), 1e6);
  for (let k = 0; k < 5; k++) assert.ok(Math.abs(s.quantity[k] - ac.trades[k]) <= 1);
  assert.throws(() => weightedSchedule({ quantity: 10, startUs: 0, endUs: 1, weights: [1, -1] }), ArgumentError);
});

test("POV: children never exceed ρ·volume except where flagged (catch-up / sweep); children + unfilled = Q", () => {
  const V = [100, 0, 250, 40, 1000, 5];
  // ρ = 0.1, Q = 50, lot 1: 10, 0, 25, 4, then min(remaining 11, 100) = 11, 0
  const p = povTargets(V, { participation: 0.1, quantity: 50, lotSize: 1 });
  assert.deepEqual(Array.from(p.quantity), [10, 0, 25, 4, 11, 0]);
  assert.equal(p.unfilled, 0);
  assert.deepEqual(Array.from(p.remainingAfter), [40, 40, 15, 11, 0, 0]);
  assert.deepEqual(Array.from(p.overCap), [0, 0, 0, 0, 0, 0]);
  // not enough volume: leftover reported, never forced
  const q = povTargets([10, 20, 30], { participation: 0.1, quantity: 100, lotSize: 1 });
  assert.deepEqual(Array.from(q.quantity), [1, 2, 3]);
  assert.equal(q.unfilled, 94);
  // final sweep: the last slice takes the rest, flagged
  const r = povTargets([10, 20, 30], { participation: 0.1, quantity: 100, lotSize: 1, finalSweep: true });
  assert.deepEqual(Array.from(r.quantity), [1, 2, 97]);
  assert.deepEqual(Array.from(r.overCap), [0, 0, 1]);
  assert.equal(r.unfilled, 0);
  // deadline catch-up: forecast 100 per slice, Q = 60, ρ = 0.1, ρ_max = 0.5
  // slice 0: need 60/300 = 0.2 → cap 0.2, V=100 → 20; slice 1: 40/200 = 0.2 → 20; slice 2: 20/100 → 20
  const d = povTargets([100, 100, 100], { participation: 0.1, maxParticipation: 0.5, quantity: 60, lotSize: 1, catchUp: "deadline", expectedVolume: [100, 100, 100] });
  assert.deepEqual(Array.from(d.quantity), [20, 20, 20]);
  assert.deepEqual(Array.from(d.cap), [0.2, 0.2, 0.2]);
  assert.deepEqual(Array.from(d.overCap), [1, 1, 1]);
  // catch-up capped at ρ_max
  const e = povTargets([100, 100], { participation: 0.1, maxParticipation: 0.3, quantity: 100, lotSize: 1, catchUp: "deadline", expectedVolume: [100, 100] });
  assert.deepEqual(Array.from(e.quantity), [30, 30]);
  assert.equal(e.unfilled, 40);
  // property: random volumes, never above ρV unless overCap; sums exact
  const u = seededUniform(7);
  for (let t = 0; t < 200; t++) {
    const n = 1 + Math.floor(u() * 30);
    const vol = Array.from({ length: n }, () => Math.floor(u() * 1000));
    const rho = 0.01 + u() * 0.3;
    const Q = 1 + Math.floor(u() * 3000);
    const opts = { participation: rho, quantity: Q, lotSize: 1, finalSweep: u() < 0.5 };
    const x = povTargets(vol, opts);
    for (let i = 0; i < n; i++) {
      if (!x.overCap[i]) assert.ok(x.quantity[i] <= rho * vol[i] * (1 + 1e-12), `slice ${i}`);
      else assert.ok(opts.finalSweep && i === n - 1);
    }
    assert.equal(sum(x.quantity) + x.unfilled, Q);
    if (opts.finalSweep) assert.equal(x.unfilled, 0);
  }
});

test("POV tracker: running rule with credits for unfilled children; povSchedule carries times", () => {
  const tr = createPovTracker({ participation: 0.2, quantity: 10, lotSize: 0.5 });
  assert.deepEqual(tr.step(12), { quantity: 2, cap: 0.2, overCap: false }); // 0.2·12 = 2.4 → 4 lots of 0.5
  tr.credit(0.5); // only 1.5 filled
  assert.equal(tr.remaining, 8.5);
  assert.equal(tr.filled, 1.5);
  assert.deepEqual(tr.step(100, { sweep: true }), { quantity: 8.5, cap: 0.2, overCap: false }); // 8.5 ≤ 20
  assert.equal(tr.remaining, 0);
  assert.throws(() => tr.credit(20), ArgumentError);
  const s = povSchedule({ participation: 0.1, quantity: 30, startUs: T0, endUs: T0 + 3 * H, marketVolume: [100, 100, 100], lotSize: 1 });
  assert.deepEqual(Array.from(s.quantity), [10, 10, 10]);
  assert.deepEqual(Array.from(s.lots!), [10, 10, 10]);
  assert.deepEqual(Array.from(s.sliceEndUs), [T0 + H, T0 + 2 * H, T0 + 3 * H]);
  assert.equal(s.kind, "pov");
});

test("bad inputs throw ArgumentError naming the field", () => {
  const cases: [() => unknown, string][] = [
    [() => twapSchedule({ quantity: 0, startUs: 0, endUs: 1, slices: 2 }), "quantity"],
    [() => twapSchedule({ quantity: 1, startUs: 1, endUs: 1, slices: 2 }), "endUs"],
    [() => twapSchedule({ quantity: 1, startUs: 0, endUs: 1, slices: 0 }), "slices"],
    [() => twapSchedule({ quantity: 1, startUs: 0, endUs: 1, slices: 2.5 }), "slices"],
    [() => twapSchedule({ quantity: 1.0005, startUs: 0, endUs: 1, slices: 2, lotSize: 0.001 }), "quantity"],
    [() => twapSchedule({ quantity: 1, startUs: 0, endUs: 1, slices: 2, lotSize: -1 }), "lotSize"],
    [() => allocateQuantity(1, [0, 0]), "weights"],
    [() => allocateQuantity(1, [1, NaN]), "weights"],
    [() => allocateQuantity(1, []), "weights"],
    [() => vwapSchedule({ quantity: 1, startUs: 0, endUs: 1, profile: { bucketMinutes: 60, share: [0.5, 0.5] } }), "bucketMinutes"],
    [() => vwapSchedule({ quantity: 1, startUs: 0, endUs: 1, profile: { bucketMinutes: 720, share: [0.5, 0.6] } }), "share"],
    [() => povTargets([1], { participation: 0, quantity: 1 }), "participation"],
    [() => povTargets([1], { participation: 1.5, quantity: 1 }), "participation"],
    [() => povTargets([1], { participation: 0.1, maxParticipation: 0.05, quantity: 1 }), "maxParticipation"],
    [() => povTargets([1, 2], { participation: 0.1, quantity: 1, catchUp: "deadline" }), "expectedVolume"],
    [() => povTargets([-1], { participation: 0.1, quantity: 1 }), "marketVolume"],
    [() => povTargets([], { participation: 0.1, quantity: 1 }), "marketVolume"],
  ];
  for (const [f, field] of cases) {
    assert.throws(f, (e: unknown) => e instanceof ArgumentError && e.location.field === field, `${f}`);
  }
  assert.deepEqual(Array.from(equalSlices(0, 10, 4).sliceStartUs), [0, 2.5, 5, 7.5]);
});
