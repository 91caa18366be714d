import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { createRng } from "../../src/frame/rng";
import { ArgumentError, DataError } from "../../src/errors";
import { loadTardisQuotes, loadTardisTrades } from "../../src/data/tardis";
import { exchangeTimesOnLocalClock } from "../../src/liquidity/classify";
import {
  calibrateIntensity,
  countReachingDepths,
  estimateMidVolatility,
  fitIntensity,
  type IntensityOptions,
} from "../../src/inventory/intensity";
import { needData } from "../helpers";

const f64 = (a: number[]) => Float64Array.from(a);
const close = (a: number, b: number, tol: number, what = "") => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);

/** A TradeFrame from rows [timeUs, price, side]; exchange time = local time unless `exch` is given. */
function tradesOf(rows: [number, number, number][], exch?: number[]): Frame {
  return new Frame({
    timestamp: f64(exch ?? rows.map((r) => r[0])),
    localTimestamp: f64(rows.map((r) => r[0])),
    price: f64(rows.map((r) => r[1])),
    amount: f64(rows.map(() => 1)),
    side: Int8Array.from(rows.map((r) => r[2])),
    id: f64(rows.map((_, i) => i)),
  });
}

/** A QuoteFrame from rows [timeUs, bid, ask]. */
function quotesOf(rows: [number, number, number][]): Frame {
  return new Frame({
    timestamp: f64(rows.map((r) => r[0])),
    localTimestamp: f64(rows.map((r) => r[0])),
    updateId: f64(rows.map(() => NaN)),
    bidPrice: f64(rows.map((r) => r[1])),
    bidAmount: f64(rows.map(() => 1)),
    askPrice: f64(rows.map((r) => r[2])),
    askAmount: f64(rows.map(() => 1)),
  });
}

/**
 * Synthetic market: a random-walk mid quoted every 100 ms (half-spread h), and per side a Poisson stream of market
 * orders at rate A per second whose depth from the prevailing mid is exponential with rate k, so that the rate of
 * orders reaching δ is λ(δ) = A·e^(−kδ). Quote times are multiples of 1e5 µs; trade times are offset by 0.5 µs so a
 * trade never coincides with a quote.
 */
function synthetic(seed: number, A: number, k: number, T: number, opts: { mid0?: number; h?: number; vol?: number } = {}) {
  const rng = createRng(seed);
  const mid0 = opts.mid0 ?? 100;
  const h = opts.h ?? 0.005;
  const vol = opts.vol ?? 0.02; // price per √(0.1 s) step
  const nq = Math.floor(T * 10) + 1;
  const qt = new Float64Array(nq);
  const mids = new Float64Array(nq);
  let m = mid0;
  for (let i = 0; i < nq; i++) {
    qt[i] = i * 1e5;
    mids[i] = m;
    m += vol * rng.normal();
  }
  const rows: [number, number, number][] = [];
  for (const s of [1, -1]) {
    const n = rng.poisson(A * T);
    for (let i = 0; i < n; i++) {
      const tUs = Math.floor(rng.next() * T * 1e6 - 1) + 0.5;
      if (tUs < 0) continue;
      const q = Math.floor(tUs / 1e5); // quote strictly before
      const d = rng.exponential(k);
      rows.push([tUs, mids[q] + s * d, s]);
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  const quotes = new Frame({
    timestamp: qt,
    localTimestamp: qt,
    updateId: new Float64Array(nq).fill(NaN),
    bidPrice: mids.map((x) => x - h),
    bidAmount: new Float64Array(nq).fill(1),
    askPrice: mids.map((x) => x + h),
    askAmount: new Float64Array(nq).fill(1),
  });
  return { trades: tradesOf(rows), quotes, T };
}

test("countReachingDepths: nested counts N(δ) = #{depth >= δ}, NaN never counts, tolerance", () => {
  const c = countReachingDepths(f64([0.3, 1, 2, NaN, 0, 2, -1]), f64([0, 1, 2, 3]));
  assert.deepEqual(Array.from(c), [5, 3, 2, 0]);
  // 0.1 + 0.2 = 0.30000000000000004 reaches 0.3; 0.7 − 0.4 = 0.29999999999999993 needs a tolerance
  assert.deepEqual(Array.from(countReachingDepths(f64([0.7 - 0.4]), f64([0.3]))), [0]);
  assert.deepEqual(Array.from(countReachingDepths(f64([0.7 - 0.4]), f64([0.3]), 1e-12)), [1]);
});

test("hand-worked example: depths, nested counts, exposure, OLS by hand, drops counted", () => {
  const s = 1e6;
  // quotes: t=0 mid 100 (99/101); t=10 mid 101 (100/102); t=20 crossed; t=22 mid 101 again
  const quotes = quotesOf([[0, 99, 101], [10 * s, 100, 102], [20 * s, 102, 101], [22 * s, 100, 102]]);
  const trades = tradesOf([
    [-1 * s, 101, 1], // before the first quote: dropped
    [5 * s, 101, 1], // buy, M 100 → δ 1
    [6 * s, 98, -1], // sell, M 100 → δ 2
    [7 * s, 100, 0], // unknown side: dropped
    [10 * s, 103, 1], // buy at t=10: strictly-before quote is t=0 (M 100) → δ 3
    [12 * s, 101, -1], // sell, M 101 → δ 0
    [21 * s, 104, 1], // prevailing quote crossed: dropped
    [24 * s, 101, -1], // sell, M 101 → δ 0  (window ends here: max(last trade 24, last quote 22))
  ]);
  const r = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3] });
  // buys: 1, 3; sells: 2, 0, 0
  assert.deepEqual(Array.from(r.grid.countBuy), [2, 2, 1, 1]);
  assert.deepEqual(Array.from(r.grid.countSell), [3, 1, 1, 0]);
  assert.deepEqual(Array.from(r.grid.count), [5, 3, 2, 1]);
  assert.equal(r.durationSec, 24);
  assert.equal(r.exposure, 48); // both sides: 2 × 24 s
  assert.deepEqual(Array.from(r.grid.intensity), [5 / 48, 3 / 48, 2 / 48, 1 / 48]);
  assert.equal(r.n, 5);
  assert.deepEqual(r.dropped, { beforeFirstQuote: 1, invalidQuote: 1, unknownSide: 1, outsideWindow: 0, mergedFills: 0, otherSide: 0 });
  assert.deepEqual(r.invalidQuotes, { crossed: 1, empty: 0 });
  assert.deepEqual(Array.from(r.arrivals.depth), [1, 2, 3, 0, 0]);
  assert.ok(r.issues.some((i) => i.kind === "before-first-quote" && i.count === 1 && i.examples[0] === "trades frame:1"));
  // OLS by hand: x = 0..3, y = ln(c/48); slope = Sxy/Sxx with Sxx = 5
  const c = [5, 3, 2, 1];
  const ybar = c.reduce((a, v) => a + Math.log(v), 0) / 4;
  const sxy = c.reduce((a, v, i) => a + (i - 1.5) * Math.log(v), 0);
  const k = -sxy / 5;
  close(r.k, k, 1e-12, "k");
  close(r.logA, ybar - Math.log(48) + k * 1.5, 1e-12, "logA");
  close(r.A, Math.exp(r.logA), 1e-15, "A");
  close(r.grid.fitted[2], r.A * Math.exp(-2 * r.k), 1e-15, "fitted");
  // allowExact: the t=10 buy now sees the t=10 quote (M 101) → δ 2
  const e = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3], allowExact: true });
  assert.deepEqual(Array.from(e.grid.countBuy), [2, 2, 1, 0]);
  // a 1 s lag: a quote is usable 1 s after its time, so the t=21 buy still sees the t=10 quote (M 101), not the
  // crossed one of t=20: δ = 104 − 101 = 3, and it is kept; the window starts at 1 s
  const l = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3], lagUs: 1 * s });
  assert.deepEqual(Array.from(l.grid.countBuy), [3, 3, 2, 2]);
  assert.equal(l.dropped.invalidQuote, 0);
  assert.equal(l.startUs, 1 * s);
  // side "buy": exposure T, buys only; "both" intensity is the average of the two per-side intensities
  const b = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3], side: "buy" });
  const se = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3], side: "sell" });
  assert.equal(b.exposure, 24);
  assert.equal(b.dropped.otherSide, 3);
  for (let j = 0; j < 4; j++) close(r.grid.intensity[j], (b.grid.intensity[j] + se.grid.intensity[j]) / 2, 1e-15);
  // time unit: per minute, A × 60 and k unchanged
  const perMin = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3], timeUnitSec: 60 });
  close(perMin.A, r.A * 60, 1e-12 * r.A * 60, "A per minute");
  close(perMin.k, r.k, 1e-12, "k per minute");
});

test("aggregateFills: the fills of one aggressive order are one arrival at its furthest price", () => {
  const s = 1e6;
  const quotes = quotesOf([[0, 99, 101]]);
  // one buy sweeping 101, 102, 103 at exchange time 5 s (receive times differ by µs), then a sell at 99 and 98.5
  const trades = tradesOf(
    [[5 * s, 101, 1], [5 * s + 1, 102, 1], [5 * s + 2, 103, 1], [6 * s, 99, -1], [6 * s, 98.5, -1], [8 * s, 101, 1]],
    [5 * s, 5 * s, 5 * s, 6 * s, 6 * s, 8 * s],
  );
  const a = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3] });
  assert.equal(a.n, 3);
  assert.equal(a.dropped.mergedFills, 3);
  assert.deepEqual(Array.from(a.arrivals.depth), [3, 1.5, 1]);
  assert.deepEqual(Array.from(a.grid.count), [3, 3, 1, 1]);
  const f = calibrateIntensity(trades, quotes, { depths: [0, 1, 2, 3], aggregateFills: false });
  assert.equal(f.n, 6);
  assert.deepEqual(Array.from(f.grid.count), [6, 6, 2, 1]);
  // fills of an order whose first fill was dropped are dropped for the same reason (here: before the first quote)
  const late = quotesOf([[5 * s + 1, 99, 101]]);
  const d = calibrateIntensity(trades, late, { depths: [0, 1, 2, 3], startUs: 0, method: "poisson" });
  assert.equal(d.dropped.beforeFirstQuote, 3);
  assert.equal(d.n, 2);
  assert.deepEqual(Array.from(d.arrivals.depth), [1.5, 1]);
});

test("fitIntensity: exact expected counts are fitted exactly by both methods", () => {
  const A = 3;
  const k = 1.7;
  const E = 1000;
  const grid = f64([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2]);
  const N = grid.map((d) => E * A * Math.exp(-k * d));
  for (const method of ["ols", "poisson"] as const) {
    const r = fitIntensity(grid, N, E, { method });
    close(r.k, k, 1e-9, `${method} k`);
    close(r.A, A, 1e-9, `${method} A`);
    close(r.r2, 1, 1e-12, `${method} r2`);
    close(r.fitQuality.deviance, 0, 1e-8, `${method} deviance`);
    assert.equal(r.fitQuality.bins, grid.length);
  }
  // a fit range starting above 0 extrapolates A to δ = 0
  const r = fitIntensity(grid, N, E, { method: "poisson", fitRange: [0.5, 2] });
  close(r.A, A, 1e-9, "A from [0.5, 2]");
  assert.equal(r.binsUsed, 6);
  assert.throws(() => fitIntensity(grid, f64([5, 4, 0, 0, 0, 0, 0, 0]), E), DataError); // 2 bins with counts < 3
  assert.throws(() => fitIntensity(grid, f64([5, 6, 0, 0, 0, 0, 0, 0]), E), ArgumentError); // not nested
  assert.throws(() => fitIntensity(grid, f64([5, 5, 5, 5, 5, 5, 5, 5]), E, { method: "poisson" }), DataError); // nothing beyond d0
});


test("recovers A and k from synthetic Poisson arrivals (one long sample, both methods, several grids)", () => {
  const A = 2;
  const k = 1.5;
  const { trades, quotes, T } = synthetic(11, A, k, 3600);
  const base: IntensityOptions = { maxDepth: 3, step: 0.1, startUs: 0, endUs: T * 1e6 };
  const mle = calibrateIntensity(trades, quotes, { ...base, method: "poisson" });
  const o = calibrateIntensity(trades, quotes, base);
  assert.equal(mle.belowMid, 0);
  assert.equal(mle.dropped.mergedFills, 0);
  for (const r of [mle, o]) {
    assert.ok(Math.abs(r.k - k) < 3 * mle.stdErrors.k, `${r.method} k ${r.k} (se ${mle.stdErrors.k})`);
    assert.ok(Math.abs(r.A - A) < 3 * mle.stdErrors.A, `${r.method} A ${r.A} (se ${mle.stdErrors.A})`);
    assert.ok(r.r2 > 0.99, `${r.method} r2 ${r.r2}`);
  }
  // MLE se ≈ k/√N for a continuous exponential
  close(mle.stdErrors.k, k / Math.sqrt(mle.n), 0.1 * mle.stdErrors.k, "se(k)");
  // the model holds, so the deviance is of the order of its degrees of freedom
  assert.ok(mle.fitQuality.pValue > 0.001, `p ${mle.fitQuality.pValue}`);
  // a fit range away from 0 gives the same A and k (memorylessness of the exponential)
  const far = calibrateIntensity(trades, quotes, { ...base, method: "poisson", fitRange: [0.5, 3] });
  assert.ok(Math.abs(far.k - k) < 3 * far.stdErrors.k);
  assert.ok(Math.abs(far.A - A) < 3 * far.stdErrors.A);
});

test("Poisson MLE standard errors are calibrated over replications (z-scores ≈ N(0, 1)); OLS is unbiased too", () => {
  const A = 1.2;
  const k = 2;
  const R = 120;
  const zk: number[] = [];
  const za: number[] = [];
  const kOls: number[] = [];
  const seOls: number[] = [];
  const seClassic: number[] = [];
  for (let r = 0; r < R; r++) {
    const { trades, quotes, T } = synthetic(1000 + r, A, k, 600, { vol: 0.01 });
    const opts: IntensityOptions = { maxDepth: 1.5, step: 0.1, startUs: 0, endUs: T * 1e6 };
    const m = calibrateIntensity(trades, quotes, { ...opts, method: "poisson" });
    zk.push((m.k - k) / m.stdErrors.k);
    za.push((m.logA - Math.log(A)) / m.stdErrors.logA);
    const o = calibrateIntensity(trades, quotes, opts);
    kOls.push(o.k);
    seOls.push(o.stdErrors.k);
    seClassic.push(o.ols!.se.classic[1]);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));
  for (const [name, z] of [["k", zk], ["logA", za]] as const) {
    assert.ok(Math.abs(mean(z)) < 0.3, `mean z(${name}) ${mean(z)}`);
    assert.ok(sd(z) > 0.8 && sd(z) < 1.25, `sd z(${name}) ${sd(z)}`);
  }
  // OLS on the nested log counts: unbiased within MC error; its classic se is far below the sampling sd (nested
  // bins), while the nested-Poisson sandwich reported in stdErrors matches it
  const sdK = sd(kOls);
  assert.ok(Math.abs(mean(kOls) - k) < 4 * sdK / Math.sqrt(R), `OLS mean k ${mean(kOls)}`);
  assert.ok(mean(seClassic) < 0.5 * sdK, `classic se ${mean(seClassic)} vs sd ${sdK}`);
  assert.ok(mean(seOls) > 0.8 * sdK && mean(seOls) < 1.25 * sdK, `nested se ${mean(seOls)} vs sd ${sdK}`);
  console.log(`# ${R} reps: MLE z(k) mean ${mean(zk).toFixed(3)} sd ${sd(zk).toFixed(3)}; OLS k sd ${sdK.toFixed(4)} vs mean se: nested ${mean(seOls).toFixed(4)}, classic ${mean(seClassic).toFixed(4)}`);
});

test("scaling: prices × c (and the grid × c) gives k/c and the same A", () => {
  const { trades, quotes, T } = synthetic(5, 1.5, 1.2, 900);
  const c = 37.5;
  const scaleT = new Frame({ ...trades.columns, price: (trades.columns.price as Float64Array).map((p) => p * c) });
  const scaleQ = new Frame({
    ...quotes.columns,
    bidPrice: (quotes.columns.bidPrice as Float64Array).map((p) => p * c),
    askPrice: (quotes.columns.askPrice as Float64Array).map((p) => p * c),
  });
  for (const method of ["ols", "poisson"] as const) {
    const a = calibrateIntensity(trades, quotes, { maxDepth: 3, step: 0.2, method, startUs: 0, endUs: T * 1e6 });
    const b = calibrateIntensity(scaleT, scaleQ, { maxDepth: 3 * c, step: 0.2 * c, method, startUs: 0, endUs: T * 1e6 });
    assert.deepEqual(Array.from(b.grid.count), Array.from(a.grid.count));
    close(b.k, a.k / c, 1e-9 * a.k, `${method} k/c`);
    close(b.A, a.A, 1e-9 * a.A, `${method} A`);
    close(b.stdErrors.k, a.stdErrors.k / c, 1e-9 * a.stdErrors.k, `${method} se(k)/c`);
  }
  // bps depth with a constant mid: k_bps = k_price · M / 1e4
  const flat = synthetic(6, 1.5, 1.2, 900, { vol: 0 });
  const p = calibrateIntensity(flat.trades, flat.quotes, { maxDepth: 3, step: 0.2, method: "poisson", startUs: 0, endUs: 900e6 });
  const bp = calibrateIntensity(flat.trades, flat.quotes, { maxDepth: 300, step: 20, depthUnit: "bps", method: "poisson", startUs: 0, endUs: 900e6 });
  assert.equal(bp.meanMid, 100);
  close(bp.k * 1e4 / bp.meanMid, p.k, 1e-9 * p.k, "k from bps");
  const rel = calibrateIntensity(flat.trades, flat.quotes, { maxDepth: 0.03, step: 0.002, depthUnit: "relative", method: "poisson", startUs: 0, endUs: 900e6 });
  close(rel.k / rel.meanMid, p.k, 1e-9 * p.k, "k from relative");
});

test("bad options and bad input: ArgumentError / DataError naming the field", () => {
  const s = 1e6;
  const quotes = quotesOf([[0, 99, 101]]);
  const trades = tradesOf([[1 * s, 101, 1], [2 * s, 102, 1], [3 * s, 103, -1]]);
  const bad: [IntensityOptions, string][] = [
    [{}, "depths"],
    [{ depths: [0, 1], maxDepth: 2, step: 1 }, "depths"],
    [{ depths: [0, 1, 1] }, "depths"],
    [{ depths: [-1, 0, 1] }, "depths"],
    [{ depths: [0] }, "depths"],
    [{ maxDepth: 2, step: 0 }, "step"],
    [{ maxDepth: 2, step: 3 }, "step"],
    [{ maxDepth: -1, step: 1 }, "maxDepth"],
    [{ depths: [0, 1, 2], side: "ask" as never }, "side"],
    [{ depths: [0, 1, 2], method: "mle" as never }, "method"],
    [{ depths: [0, 1, 2], depthUnit: "ticks" as never }, "depthUnit"],
    [{ depths: [0, 1, 2], timeUnitSec: 0 }, "timeUnitSec"],
    [{ depths: [0, 1, 2], lagUs: -1 }, "lagUs"],
    [{ depths: [0, 1, 2], fitRange: [2, 1] }, "fitRange"],
    [{ depths: [0, 1, 2], minCount: 0 }, "minCount"],
    [{ depths: [0, 1, 2], depthTolerance: -1 }, "depthTolerance"],
    [{ depths: [0, 1, 2], startUs: 5 * s, endUs: 4 * s }, "startUs"],
    [{ depths: [0, 1, 2], tradeTime: "nope" }, "nope"],
  ];
  for (const [o, field] of bad) {
    assert.throws(() => calibrateIntensity(trades, quotes, o), (e: unknown) => e instanceof ArgumentError && e.location.field === field, JSON.stringify(o));
  }
  // unsorted trades, a non-positive price, no quotes
  const unsorted = tradesOf([[2 * s, 101, 1], [1 * s, 102, 1]]);
  assert.throws(() => calibrateIntensity(unsorted, quotes, { depths: [0, 1, 2] }), DataError);
  assert.throws(() => calibrateIntensity(tradesOf([[1 * s, -5, 1]]), quotes, { depths: [0, 1, 2] }), (e: unknown) => e instanceof DataError && e.location.line === 1 && e.location.field === "price");
  assert.throws(() => calibrateIntensity(trades, quotes.slice(0, 0), { depths: [0, 1, 2] }), DataError);
  const badQ = quotesOf([[0, 99, 101], [1, 5, -3]]);
  assert.throws(() => calibrateIntensity(trades, badQ, { depths: [0, 1, 2] }), (e: unknown) => e instanceof DataError && e.location.line === 2 && e.location.field === "askPrice");
  assert.throws(() => estimateMidVolatility(badQ), (e: unknown) => e instanceof DataError && e.location.line === 2 && e.location.field === "askPrice");
  // too few bins with counts for OLS
  assert.throws(() => calibrateIntensity(trades, quotes, { depths: [0, 1.5, 5, 9] }), DataError);
  // an empty quote side drops the trades it prevails over (counted)
  const emptyQ = quotesOf([[0, NaN, 101], [1.5 * s, 99, 101]]);
  const r = calibrateIntensity(trades, emptyQ, { depths: [0, 0.5, 1, 1.5, 2], aggregateFills: false, fitRange: [0, 2] });
  assert.equal(r.dropped.invalidQuote, 1);
  assert.deepEqual(r.invalidQuotes, { crossed: 0, empty: 1 });
});

test("estimateMidVolatility: hand example, units, scaling and invalid quotes", () => {
  const s = 1e6;
  // mids 100, 101, 100, 102 at 0..3 s; a crossed quote at 2.5 s is skipped
  const q = quotesOf([[0, 99, 101], [1 * s, 100, 102], [2 * s, 99.5, 100.5], [2.5 * s, 105, 104], [3 * s, 101, 103]]);
  const v = estimateMidVolatility(q);
  assert.equal(v.n, 3);
  assert.deepEqual(Array.from(v.mid), [100, 101, 100, 102]);
  close(v.sigma, Math.sqrt(6 / 3), 1e-14, "sigma");
  const lr = [Math.log(101 / 100), Math.log(100 / 101), Math.log(102 / 100)];
  close(v.sigmaRel, Math.sqrt(lr.reduce((a, b) => a + b * b, 0) / 3), 1e-15, "sigmaRel");
  assert.deepEqual(v.invalidQuotes, { crossed: 1, empty: 0 });
  // per minute: σ × √60
  close(estimateMidVolatility(q, { timeUnitSec: 60 }).sigma, v.sigma * Math.sqrt(60), 1e-12, "per minute");
  // demeaned: increments 1, −1, 2 → sample variance 7/3
  close(estimateMidVolatility(q, { demean: true }).sigma, Math.sqrt(7 / 3), 1e-14, "demeaned");
  // prices × c: σ × c, σ_rel unchanged
  const c = 3;
  const qc = quotesOf([[0, 99 * c, 101 * c], [1 * s, 100 * c, 102 * c], [2 * s, 99.5 * c, 100.5 * c], [3 * s, 101 * c, 103 * c]]);
  close(estimateMidVolatility(qc).sigma, v.sigma * c, 1e-12, "scaled");
  close(estimateMidVolatility(qc).sigmaRel, v.sigmaRel, 1e-15, "scaled rel");
  assert.throws(() => estimateMidVolatility(q, { intervalSec: 0 }), ArgumentError);
  assert.throws(() => estimateMidVolatility(q, { intervalSec: 2 }), DataError); // 2 sampling times only
  // a known Brownian mid: σ = 0.02 per √0.1 s = 0.0632 per √s, sampled at 1 s
  const { quotes } = synthetic(3, 1, 1, 3600, { vol: 0.02 });
  const b = estimateMidVolatility(quotes, { intervalSec: 1 });
  const truth = 0.02 / Math.sqrt(0.1);
  assert.ok(Math.abs(b.sigma - truth) < 3 * b.sigmaStdError, `sigma ${b.sigma} vs ${truth} (se ${b.sigmaStdError})`);
});

const SPOT = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/";

test("real BTCUSDT spot: k > 0, high R² beyond the touch, σ of the mid", async (t) => {
  const tp = needData(t, `${SPOT}binance_trades_BTCUSDT.csv.gz`);
  const qp = needData(t, `${SPOT}binance_book_ticker_BTCUSDT.csv.gz`);
  if (!tp || !qp) return;
  const tr = await loadTardisTrades(tp);
  const q = await loadTardisQuotes(qp);
  // trade exchange times on the local clock: the trade stream arrives later than bookTicker (see classify.ts)
  const al = tr.withColumn("tradeOnLocal", exchangeTimesOnLocalClock(tr).times);
  const opts: IntensityOptions = { tradeTime: "tradeOnLocal", maxDepth: 40, step: 1, fitRange: [1, 40] };
  const r = calibrateIntensity(al, q, opts);
  const m = calibrateIntensity(al, q, { ...opts, method: "poisson" });
  const v = estimateMidVolatility(q, { intervalSec: 1 });
  assert.ok(r.k > 0 && m.k > 0);
  assert.ok(r.r2 > 0.95, `R² ${r.r2}`);
  assert.ok(r.n < tr.length, "fills aggregated into fewer arrivals");
  assert.ok(r.belowMid < 0.05 * r.n, `below mid ${r.belowMid} of ${r.n}`);
  assert.ok(v.sigma > 0 && v.sigmaRel > 0);
  // receive times (no alignment) put many trades on the wrong side of the mid
  const raw = calibrateIntensity(al, q, { ...opts, tradeTime: "localTimestamp" });
  assert.ok(raw.belowMid > 5 * r.belowMid);
  t.diagnostic(
    `BTCUSDT spot ${r.durationSec.toFixed(0)} s, ${r.n} arrivals from ${tr.length} fills (touch N(0) ${r.grid.count[0]}, N(1) ${r.grid.count[1]}): ` +
      `OLS A ${r.A.toPrecision(4)}/s (se ${r.stdErrors.A.toPrecision(2)}), k ${r.k.toPrecision(4)}/USDT (se ${r.stdErrors.k.toPrecision(2)}), R² ${r.r2.toFixed(3)}; ` +
      `Poisson A ${m.A.toPrecision(4)}/s (se ${m.stdErrors.A.toPrecision(2)}), k ${m.k.toPrecision(4)}/USDT (se ${m.stdErrors.k.toPrecision(2)}), deviance ${m.fitQuality.deviance.toFixed(0)} on ${m.fitQuality.df} df; ` +
      `σ(1 s) ${v.sigma.toPrecision(4)} USDT/√s (${(v.sigmaRel * 1e4).toPrecision(3)} bp/√s)`,
  );
});
