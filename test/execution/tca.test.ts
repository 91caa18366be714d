import { test } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../../src/errors";
import { calibrateSqrtImpact, intervalVwap, realizedSigma, sqrtImpactBps, tca, timeWeightedAverage, type TcaMarket } from "../../src/execution/tca";
import { createRng } from "../../src/frame/rng";

const f = (a: number[]) => Float64Array.from(a);
/** The object with −0 turned into +0 (a mirrored zero cost is −0). */
const z = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, (v as number) + 0])) as T;

// Hand-built buy: mids 100 → 101 (t=50) → 102 (t=100); market trades 1@100 (t=10), 3@101 (t=60);
// fills 1@100.5 (t=20, fee .25), 2@101.5 (t=70, fee .5); parent 4, decision 99.5, interval [0, 100).
const market: TcaMarket = { time: f([10, 60]), price: f([100, 101]), amount: f([1, 3]), mids: { time: f([0, 50, 100]), mid: f([100, 101, 102]) } };
const fills = { time: f([20, 70]), price: f([100.5, 101.5]), amount: f([1, 2]), fee: f([0.25, 0.5]) };
const opts = { side: 1 as const, parentQuantity: 4, startUs: 0, endUs: 100, decisionPrice: 99.5 };

test("tca: benchmarks and slippage on hand-built fills (buy)", () => {
  const r = tca(fills, market, opts);
  assert.equal(r.filledQuantity, 3);
  assert.equal(r.unfilledQuantity, 1);
  assert.equal(r.avgPrice, 303.5 / 3);
  assert.equal(r.benchmarks.arrival, 100);
  assert.equal(r.benchmarks.decision, 99.5);
  assert.equal(r.benchmarks.end, 102);
  assert.equal(r.benchmarks.intervalVwap, 100.75);
  assert.equal(r.benchmarks.intervalTwap, 100.5);
  assert.equal(r.benchmarks.marketVolume, 4);
  assert.equal(r.participation, 3 / 4);
  const avg = 303.5 / 3;
  assert.equal(r.slippage.arrival, avg - 100);
  assert.equal(r.slippageBps.arrival, ((avg - 100) / 100) * 1e4);
  assert.equal(r.slippageBps.vwap, ((avg - 100.75) / 100.75) * 1e4);
  assert.equal(r.slippageBps.twap, ((avg - 100.5) / 100.5) * 1e4);
  assert.ok(r.slippageBps.arrival > 0 && r.slippageBps.vwap > 0, "a buy above its benchmarks is a cost (positive)");
  assert.equal(r.fees, 0.75);
});

test("tca: implementation shortfall decomposition, by hand and the identity exactly", () => {
  const r = tca(fills, market, opts);
  const s = r.shortfall;
  assert.equal(s.delay, 1.5); // 3·(100 − 99.5)
  assert.equal(s.impact, 1.5); // 1·(100.5 − 100) + 2·(101.5 − 101)
  assert.equal(s.timing, 2); // 1·(100 − 100) + 2·(101 − 100)
  assert.equal(s.opportunity, 2.5); // 1·(102 − 99.5)
  assert.equal(s.fees, 0.75);
  assert.equal(s.total, 8.25); // Σx(p − D) + (X − Σx)(E − D) + fees = 5 + 2.5 + .75
  assert.equal(s.total, s.delay + s.impact + s.timing + s.opportunity + s.fees);
  const b = r.shortfallBps;
  assert.equal(b.total, (8.25 / 398) * 1e4);
  assert.ok(Math.abs(b.total - (b.delay + b.impact + b.timing + b.opportunity + b.fees)) < 1e-9);
});

test("tca: the identity holds exactly for random dyadic fills, both sides", () => {
  const rng = createRng(11);
  const d = (x: number) => Math.round(x * 256) / 256; // dyadic: every sum/product below is exact
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(6);
    const time = new Float64Array(n), price = new Float64Array(n), amount = new Float64Array(n), fee = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      time[i] = rng.int(100);
      price[i] = d(100 + rng.uniform(-2, 2));
      amount[i] = d(rng.uniform(0.01, 1)) || 1 / 256;
      fee[i] = d(rng.uniform(-0.1, 0.2));
    }
    let q = 0;
    for (let i = 0; i < n; i++) q += amount[i];
    const side = rng.next() < 0.5 ? 1 : -1;
    const mk: TcaMarket = { time: f([5, 40]), price: f([d(100 + rng.uniform(-1, 1)), 100]), amount: f([1, 1]), mids: { time: f([-10, 30, 90]), mid: f([100, d(100 + rng.uniform(-1, 1)), d(100 + rng.uniform(-1, 1))]) } };
    const r = tca({ time, price, amount, fee }, mk, { side, parentQuantity: q + rng.int(3), startUs: 0, endUs: 100, decisionPrice: d(100 + rng.uniform(-1, 1)) });
    const s = r.shortfall;
    assert.equal(s.total, s.delay + s.impact + s.timing + s.opportunity + s.fees, `trial ${trial}`);
  }
});

test("tca: a mirrored sell has the same costs (price units always; bps where the benchmarks mirror onto themselves)", () => {
  // mirror every price around 100: p' = 200 − p
  const m2: TcaMarket = { time: market.time, price: f([100, 99]), amount: market.amount, mids: { time: f([0, 50, 100]), mid: f([100, 99, 98]) } };
  const f2 = { ...fills, price: f([99.5, 98.5]) };
  const b = tca(fills, market, opts);
  const s = tca(f2, m2, { ...opts, side: -1, decisionPrice: 100.5 });
  assert.deepEqual(z(s.slippage), z(b.slippage));
  assert.deepEqual(z(s.shortfall), z(b.shortfall));
  assert.equal(s.slippageBps.arrival, b.slippageBps.arrival); // arrival 100 mirrors onto itself
  assert.ok(s.slippageBps.vwap > 0 && s.slippageBps.twap > 0);
  // a market symmetric about 100 (every benchmark = 100): every bps figure matches exactly
  const sym: TcaMarket = { time: f([10, 20, 60, 70]), price: f([99, 101, 98, 102]), amount: f([1, 1, 2, 2]), mids: { time: f([0]), mid: f([100]) } };
  const buy = tca({ time: f([20, 70]), price: f([100.5, 101.25]), amount: f([1, 2]) }, sym, { side: 1, parentQuantity: 3, startUs: 0, endUs: 100 });
  const sell = tca({ time: f([20, 70]), price: f([99.5, 98.75]), amount: f([1, 2]) }, sym, { side: -1, parentQuantity: 3, startUs: 0, endUs: 100 });
  assert.equal(buy.benchmarks.intervalVwap, 100);
  assert.deepEqual(z(sell.slippageBps), z(buy.slippageBps));
  assert.deepEqual(z(sell.shortfallBps), z(buy.shortfallBps));
  assert.ok(buy.slippageBps.vwap > 0);
  // a sell above its benchmark is a gain: negative cost
  const gain = tca({ time: f([20]), price: f([100.5]), amount: f([3]) }, sym, { side: -1, parentQuantity: 3, startUs: 0, endUs: 100 });
  assert.equal(gain.slippageBps.arrival, -50);
});

test("tca: per-slice report", () => {
  const r = tca(fills, market, { ...opts, slices: { sliceStartUs: f([0, 50]), sliceEndUs: f([50, 100]), quantity: f([2, 2]) } });
  const c = r.perSlice!.columns;
  assert.deepEqual([...c.filled], [1, 2]);
  assert.deepEqual([...c.target], [2, 2]);
  assert.deepEqual([...c.avgPrice], [100.5, 101.5]);
  assert.deepEqual([...c.marketVolume], [1, 3]);
  assert.deepEqual([...c.marketVwap], [100, 101]);
  assert.deepEqual([...c.arrivalMid], [100, 101]);
  assert.deepEqual([...c.participation], [1, 2 / 3]);
  assert.equal(c.slippageVwapBps[0], 50);
  assert.equal(c.slippageArrivalBps[1], (0.5 / 101) * 1e4);
  assert.equal(c.sigma[0], 0); // mid constant inside [0, 50)
  assert.equal(c.sigma[1], 0); // the only sample in [50, 100) is the prevailing one: no return
  assert.equal(r.counts.fillsOutsideSlices, 0);
  // explicit slice assignment overrides time
  const r2 = tca(fills, market, { ...opts, slices: { sliceStartUs: f([0, 50]), sliceEndUs: f([50, 100]) }, fillSlice: Int32Array.from([1, -1]) });
  assert.deepEqual([...r2.perSlice!.columns.filled], [0, 1]);
  assert.equal(r2.counts.fillsOutsideSlices, 1);
});

test("tca: benchmarks without mids fall back to trade prices", () => {
  const mk = { time: f([-5, 10, 60]), price: f([99, 100, 102]), amount: f([1, 1, 1]) };
  const r = tca({ time: f([20]), price: f([101]), amount: f([1]) }, mk, { side: 1, parentQuantity: 1, startUs: 0, endUs: 100 });
  assert.equal(r.benchmarks.arrival, 99);
  assert.equal(r.benchmarks.intervalVwap, 101);
  // TWAP of the last-trade step: 99 on [0,10), 100 on [10,60), 102 on [60,100)
  assert.equal(r.benchmarks.intervalTwap, (99 * 10 + 100 * 50 + 102 * 40) / 100);
  assert.equal(r.counts.fillsWithoutMid, 1);
  assert.equal(r.shortfall.impact, 1); // 101 − last trade 100
});

test("tca helpers: interval VWAP, TWAP, realized sigma", () => {
  const t = f([0, 10, 20]), p = f([100, 110, 121]);
  assert.deepEqual(intervalVwap({ time: t, price: p, amount: f([1, 1, 2]) }, 0, 20), { vwap: 105, volume: 2, trades: 2 });
  assert.equal(timeWeightedAverage(t, p, 5, 15), 105);
  assert.equal(timeWeightedAverage(t, p, 25, 25), 121);
  assert.ok(Number.isNaN(timeWeightedAverage(f([50]), f([1]), 0, 10)));
  assert.ok(Math.abs(realizedSigma(t, p, 0, 30) - Math.sqrt(2) * Math.log(1.1)) < 1e-15);
});

test("tca: bad input throws ArgumentError naming the field", () => {
  assert.throws(() => tca({ ...fills, amount: f([3, 2]) }, market, opts), (e: unknown) => e instanceof ArgumentError && /parent quantity/.test(e.message));
  assert.throws(() => tca(fills, { ...market, time: f([60, 10]) }, opts), (e: unknown) => e instanceof ArgumentError && e.location.field === "market.time");
  assert.throws(() => tca({ ...fills, price: f([100, -1]) }, market, opts), (e: unknown) => e instanceof ArgumentError && e.location.line === 2);
  assert.throws(() => tca(fills, market, { ...opts, endUs: -1 }), ArgumentError);
});

test("pre-trade: square-root impact and Almgren-Chriss expected cost by hand", () => {
  assert.ok(Math.abs(sqrtImpactBps({ Y: 1, sigma: 0.02, quantity: 100, volume: 10000 }) - 20) < 1e-12);
  // quadrupling Q doubles the impact
  assert.ok(Math.abs(sqrtImpactBps({ Y: 0.7, sigma: 0.02, quantity: 400, volume: 1e4 }) / sqrtImpactBps({ Y: 0.7, sigma: 0.02, quantity: 100, volume: 1e4 }) - 2) < 1e-12);
  // AC on trades 1,1,1,1 over T = 4 days (τ = 1): E = ½γX² + εΣ|n| + Σ(η/τ − ½γ)n² = 0.25·16 + 0.4 + 1.75·4 = 11.4;
  // holdings 4,3,2,1,0: V = σ²·(9 + 4 + 1)
  const ac = { sigma: 1, gamma: 0.5, eta: 2, epsilon: 0.1, T: 4, trades: f([1, 1, 1, 1]) };
  const r4 = tca({ time: f([20]), price: f([100.5]), amount: f([4]) }, market, { ...opts, preTrade: { almgrenChriss: ac } });
  assert.ok(Math.abs(r4.preTrade!.acExpectedCost - 11.4) < 1e-12);
  assert.ok(Math.abs(r4.preTrade!.acStdDev - Math.sqrt(14)) < 1e-12);
  assert.ok(Math.abs(r4.preTrade!.acExpectedCostBps - (11.4 / 400) * 1e4) < 1e-9);
  // front-loading costs more temporary impact than the even list (same X)
  const front = tca({ time: f([20]), price: f([100.5]), amount: f([4]) }, market, { ...opts, preTrade: { almgrenChriss: { ...ac, trades: f([4, 0, 0, 0]) } } });
  assert.ok(front.preTrade!.acExpectedCost > r4.preTrade!.acExpectedCost);
  // the slices' targets are the default trade list; an ExecutionSchedule-shaped slice set (startUs / endUs) works too
  const r = tca(fills, market, { ...opts, slices: { startUs: f([0, 50]), endUs: f([50, 100]), quantity: f([2, 2]) }, preTrade: { sqrt: { Y: 1, sigma: 0.02, volume: 400 }, almgrenChriss: { sigma: 0, gamma: 0, eta: 1, epsilon: 0, T: 2 } } });
  assert.ok(Math.abs(r.preTrade!.sqrtImpactBps - 0.02 * 0.1 * 1e4) < 1e-12);
  assert.equal(r.preTrade!.acExpectedCost, 8);
  assert.equal(r.preTrade!.acExpectedCostBps, (8 / 400) * 1e4);
  assert.deepEqual([...r.perSlice!.columns.filled], [1, 2]);
  assert.equal(r.preTrade!.realizedArrivalBps, r.slippageBps.arrival);
});

test("calibrateSqrtImpact recovers Y from synthetic child orders", () => {
  const rng = createRng(3);
  const n = 400;
  const cost = new Float64Array(n), sigma = new Float64Array(n), quantity = new Float64Array(n), volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sigma[i] = rng.uniform(0.0005, 0.003);
    quantity[i] = rng.uniform(0.1, 5);
    volume[i] = rng.uniform(10, 100);
    cost[i] = 0.8 * sigma[i] * Math.sqrt(quantity[i] / volume[i]) + 2e-5 * rng.normal();
  }
  volume[0] = 0; // dropped
  const fit = calibrateSqrtImpact({ cost, sigma, quantity, volume });
  assert.equal(fit.n, n - 1);
  assert.equal(fit.dropped, 1);
  assert.ok(Math.abs(fit.Y - 0.8) < 4 * fit.se && fit.se < 0.05, `Y ${fit.Y} ± ${fit.se}`);
  // noiseless: exact
  const exact = calibrateSqrtImpact({ cost: f([0.5 * 0.01 * Math.sqrt(0.25), 0.5 * 0.02 * 1]), sigma: f([0.01, 0.02]), quantity: f([1, 4]), volume: f([4, 4]) });
  assert.ok(Math.abs(exact.Y - 0.5) < 1e-12);
  const withC = calibrateSqrtImpact({ cost: f([1e-4 + 0.5 * 0.01, 1e-4 + 0.5 * 0.02, 1e-4 + 0.5 * 0.04]), sigma: f([0.01, 0.02, 0.04]), quantity: f([1, 1, 1]), volume: f([1, 1, 1]) }, { intercept: true });
  assert.ok(Math.abs(withC.Y - 0.5) < 1e-9 && Math.abs(withC.intercept - 1e-4) < 1e-12);
});
