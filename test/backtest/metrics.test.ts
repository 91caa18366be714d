import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { DataError, ArgumentError } from "../../src/errors";
import { compareBacktests, computeBacktestMetrics, maxDrawdown, US_PER_YEAR } from "../../src/backtest/metrics";
import type { BacktestFillColumns, BacktestRaw, BacktestSampleColumns } from "../../src/backtest/types";

const close = (a: number, b: number, tol = 1e-12, msg = "") => assert.ok(Math.abs(a - b) <= tol, `${msg} expected ${b}, got ${a}`);
const f64 = (...v: number[]) => Float64Array.from(v);
const T0 = 1_700_000_000_000_000;

interface FillSpec { ex: number; local: number; side: 1 | -1; price: number; amount: number; fee: number; maker: 0 | 1; mid: number; pos: number; cash: number }
interface SampleSpec { t: number; mid: number; bid: number; ask: number; pos: number; cash: number; fees: number; mbid?: number; mask?: number }

/** Builds a BacktestRaw from readable rows (times relative to T0). equity = cash + pos·mid; equityNoFees = equity + fees. */
function makeRaw(p: {
  fills: FillSpec[];
  samples: SampleSpec[];
  market?: { t: number[]; mid: number[]; spread: number[] };
  orders?: Partial<BacktestRaw["orders"]>;
  final?: { position: number; cash: number; fees: number; mid: number };
  endUs?: number;
  strategy?: string;
}): BacktestRaw {
  const F = p.fills;
  const fills = new Frame<BacktestFillColumns>({
    exchangeTimestamp: Float64Array.from(F, (f) => T0 + f.ex),
    localTimestamp: Float64Array.from(F, (f) => T0 + f.local),
    orderId: Float64Array.from(F, (_, i) => i + 1),
    side: Int8Array.from(F, (f) => f.side),
    price: Float64Array.from(F, (f) => f.price),
    amount: Float64Array.from(F, (f) => f.amount),
    fee: Float64Array.from(F, (f) => f.fee),
    isMaker: Int8Array.from(F, (f) => f.maker),
    mid: Float64Array.from(F, (f) => f.mid),
    position: Float64Array.from(F, (f) => f.pos),
    cash: Float64Array.from(F, (f) => f.cash),
  });
  const S = p.samples;
  const eq = S.map((s) => s.cash + s.pos * s.mid);
  const samples = new Frame<BacktestSampleColumns>({
    localTimestamp: Float64Array.from(S, (s) => T0 + s.t),
    mid: Float64Array.from(S, (s) => s.mid),
    marketBid: Float64Array.from(S, (s) => s.mbid ?? s.mid - 0.25),
    marketAsk: Float64Array.from(S, (s) => s.mask ?? s.mid + 0.25),
    bid: Float64Array.from(S, (s) => s.bid),
    ask: Float64Array.from(S, (s) => s.ask),
    position: Float64Array.from(S, (s) => s.pos),
    cash: Float64Array.from(S, (s) => s.cash),
    fees: Float64Array.from(S, (s) => s.fees),
    equity: Float64Array.from(eq),
    equityNoFees: Float64Array.from(S, (s, i) => eq[i] + s.fees),
  });
  const last = S[S.length - 1];
  const fin = p.final ?? { position: last.pos, cash: last.cash, fees: last.fees, mid: last.mid };
  const mk = p.market ?? { t: [], mid: [], spread: [] };
  return {
    strategy: p.strategy ?? "test",
    fills,
    samples,
    orders: { submitted: 10, cancelled: 7, rejected: 1, partiallyOrFullyFilled: F.length, filled: F.length, fills: F.length, cancelRacesLost: 0, ...p.orders },
    market: { time: Float64Array.from(mk.t, (t) => T0 + t), mid: f64(...mk.mid), spread: f64(...mk.spread) },
    stats: { events: 0, bookUpdates: 0, trades: 0, wallMs: 0, eventsPerSec: 0, peakRssMB: 0 },
    final: { ...fin, equity: fin.cash + fin.position * fin.mid },
    startUs: T0 + S[0].t,
    endUs: T0 + (p.endUs ?? S[S.length - 1].t + 1e5),
  };
}

/**
 * The worked example (100 ms samples, mids 100, 100, 101, 99, 100):
 * buy 1 @ 99.5 (match mid 100, rebate 0.25, maker) received at 50 ms; sell 1 @ 99.5 (match mid 99, fee 0.5, taker)
 * received at 400 ms, the time of the last sample (which includes it: fill reports come first). Equity 0, 0.75, 1.75, −0.25, −0.25.
 */
function example(): BacktestRaw {
  return makeRaw({
    fills: [
      { ex: 40e3, local: 50e3, side: 1, price: 99.5, amount: 1, fee: -0.25, maker: 1, mid: 100, pos: 1, cash: -99.25 },
      { ex: 340e3, local: 400e3, side: -1, price: 99.5, amount: 1, fee: 0.5, maker: 0, mid: 99, pos: 0, cash: -0.25 },
    ],
    samples: [
      { t: 0, mid: 100, bid: 99.5, ask: 100.5, pos: 0, cash: 0, fees: 0 },
      { t: 1e5, mid: 100, bid: 99.5, ask: 100.5, pos: 1, cash: -99.25, fees: -0.25 },
      { t: 2e5, mid: 101, bid: NaN, ask: 101.5, pos: 1, cash: -99.25, fees: -0.25 },
      { t: 3e5, mid: 99, bid: 98, ask: 100, pos: 1, cash: -99.25, fees: -0.25 },
      { t: 4e5, mid: 100, bid: NaN, ask: NaN, pos: 0, cash: -0.25, fees: 0.25 },
    ],
    market: { t: [0, 1e5, 2e5, 3e5, 4e5, 1.5e6], mid: [100, 100, 101, 99, 100, 98], spread: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5] },
  });
}

test("PnL, equity with and without fees, and the decomposition identity on the worked example", () => {
  const m = computeBacktestMetrics(example(), { positionLimit: 1, horizonsUs: [100e3, 200e3, 1e6, 1.2e6] });
  assert.equal(m.initialEquity, 0);
  assert.equal(m.finalEquity, -0.25);
  assert.equal(m.pnl, -0.25);
  assert.equal(m.pnlNoFees, 0); // −0.25 + net fees 0.25
  assert.equal(m.finalEquityNoFees, 0);
  const d = m.decomposition;
  assert.equal(d.spreadCapture, 1); // (100 − 99.5) + (99.5 − 99)
  assert.equal(d.inventoryPnl, -1); // long 1 from 100: +1 to 101, −2 to 99
  assert.equal(d.fees, 0.25);
  assert.equal(d.total, -0.25);
  assert.equal(d.equityChange, -0.25);
  assert.equal(d.residual, 0); // dyadic numbers: exact
  assert.equal(d.ledgerPnl, -0.25);
  assert.equal(d.conservationMaxError, 0);
  assert.equal(d.realized, 0); // bought and sold at 99.5
  // cumulative path, read at each sample
  assert.deepEqual(Array.from(d.series.columns.spreadCapture), [0, 0.5, 0.5, 0.5, 1]);
  assert.deepEqual(Array.from(d.series.columns.inventoryPnl), [0, 0, 1, -1, -1]);
  assert.deepEqual(Array.from(d.series.columns.fees), [0, -0.25, -0.25, -0.25, 0.25]);
  assert.deepEqual(Array.from(d.series.columns.total), [0, 0.75, 1.75, -0.25, -0.25]);
  assert.deepEqual(Array.from(d.series.columns.total), Array.from(example().samples.columns.equity));
});

test("Sharpe of 100 ms equity changes, annualized with a 365-day year; max drawdown", () => {
  const m = computeBacktestMetrics(example());
  const r = [0.75, 1, -2, 0];
  const mean = -0.0625;
  const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
  close(m.sharpePerPeriod, mean / sd);
  assert.equal(m.sharpePeriods, 4);
  assert.equal(m.periodUs, 1e5);
  assert.equal(m.periodsPerYear, 315_360_000);
  close(m.sharpe, (mean / sd) * Math.sqrt(315_360_000), 1e-8);
  assert.match(m.sharpeAnnualization, /median sample interval 100 ms/);
  assert.match(m.sharpeAnnualization, /365-day/);
  // without fees: equity 0, 0.5, 1.5, −0.5, 0 → changes 0.5, 1, −2, 0.5 have mean 0
  close(m.sharpeNoFees, 0, 1e-12);
  // drawdown: peak 1.75 at 200 ms, trough −0.25 at 300 ms
  assert.equal(m.maxDrawdown, 2);
  close(m.maxDrawdownPct, 2 / 1.75);
  assert.equal(m.maxDrawdownPeakUs, T0 + 2e5);
  assert.equal(m.maxDrawdownTroughUs, T0 + 3e5);
});

test("Sharpe on a resampled grid and with given periods per year", () => {
  const m = computeBacktestMetrics(example(), { sharpeIntervalUs: 2e5, annualization: { periodsPerYear: 100 } });
  // equity as of T0, T0+200 ms, T0+400 ms: 0, 1.75, −0.25 → changes 1.75, −2
  const mean = -0.125;
  const sd = Math.sqrt(((1.75 - mean) ** 2 + (-2 - mean) ** 2) / 1);
  close(m.sharpePerPeriod, mean / sd);
  close(m.sharpe, (mean / sd) * 10);
  assert.equal(m.periodsPerYear, 100);
  assert.match(m.sharpeAnnualization, /regular 200 ms grid/);
  assert.match(m.sharpeAnnualization, /given/);
  const auto = computeBacktestMetrics(example(), { sharpeIntervalUs: 60e6 });
  assert.equal(auto.periodsPerYear, US_PER_YEAR / 60e6);
});

test("orders, trading volume, maker share and fees", () => {
  const m = computeBacktestMetrics(example());
  assert.equal(m.orders.submitted, 10);
  assert.equal(m.orders.fillRatio, 0.2);
  assert.equal(m.orders.orderToTrade, 5);
  assert.equal(m.trading.fills, 2);
  assert.equal(m.trading.buyFills, 1);
  assert.equal(m.trading.makerFills, 1);
  assert.equal(m.trading.makerShare, 0.5);
  assert.equal(m.trading.makerNotionalShare, 0.5);
  assert.equal(m.trading.volume, 2);
  assert.equal(m.trading.notional, 199);
  assert.equal(m.trading.feesPaid, 0.5);
  assert.equal(m.trading.rebatesEarned, 0.25);
  assert.equal(m.trading.netFees, 0.25);
  close(m.trading.netFeesBps, (0.25 / 199) * 1e4);
});

test("inventory distribution and time at the limit", () => {
  const m = computeBacktestMetrics(example(), { positionLimit: 1 });
  const inv = m.inventory;
  assert.equal(inv.samples, 5);
  close(inv.mean, 0.6);
  close(inv.std, Math.sqrt(0.3));
  assert.equal(inv.min, 0);
  assert.equal(inv.max, 1);
  assert.equal(inv.quantiles.q25, 0);
  assert.equal(inv.quantiles.q50, 1);
  close(inv.twMeanAbs, 0.6);
  close(inv.timeAtLimit, 0.6);
  close(inv.timeAtLongLimit, 0.6);
  assert.equal(inv.timeAtShortLimit, 0);
  assert.equal(inv.timeBeyondLimit, 0);
  // a tighter limit is breached; without a limit the fractions are NaN
  const tight = computeBacktestMetrics(example(), { positionLimit: 0.5 });
  close(tight.inventory.timeBeyondLimit, 0.6);
  assert.ok(Number.isNaN(computeBacktestMetrics(example()).inventory.timeAtLimit));
  assert.throws(() => computeBacktestMetrics(example(), { positionLimit: -1 }), ArgumentError);
});

test("time at the limit is time-weighted, not sample-counted", () => {
  // at the short limit from 0 to 300 ms (one sample), flat 300–400 ms (one sample)
  const raw = makeRaw({
    fills: [],
    samples: [
      { t: 0, mid: 100, bid: NaN, ask: NaN, pos: -2, cash: 200, fees: 0 },
      { t: 3e5, mid: 100, bid: NaN, ask: NaN, pos: -2, cash: 200, fees: 0 },
      { t: 9e5, mid: 100, bid: NaN, ask: NaN, pos: 0, cash: 0, fees: 0 },
    ],
    endUs: 1e6,
  });
  const m = computeBacktestMetrics(raw, { positionLimit: 2 });
  close(m.inventory.timeAtLimit, 0.9);
  close(m.inventory.timeAtShortLimit, 0.9);
  close(m.inventory.mean, -4 / 3);
  close(m.inventory.twMean, -1.8);
});

test("quoted spread vs market spread, time-weighted; quote presence", () => {
  const m = computeBacktestMetrics(example());
  const q = m.quotes;
  close(q.ourSpread, 4 / 3); // samples 0, 1, 3: 1, 1, 2
  close(q.ourSpreadBps, (100 + 100 + (2 / 99) * 1e4) / 3, 1e-9);
  close(q.marketSpreadWhileQuoting, 0.5);
  close(q.marketSpread, 0.5);
  close(q.marketSpreadBps, (0.5 / 100 + 0.5 / 100 + 0.5 / 101 + 0.5 / 99 + 0.5 / 100) * 1e4 / 5, 1e-9);
  close(q.twoSidedTime, 0.6);
  close(q.askOnlyTime, 0.2);
  close(q.noQuoteTime, 0.2);
  assert.equal(q.bidOnlyTime, 0);
});

test("adverse selection: signed by fill side, per horizon, fills past the end counted", () => {
  const m = computeBacktestMetrics(example(), { horizonsUs: [100e3, 200e3, 1e6, 1.2e6, 2e6] });
  const [h100, h200, h1s, h12, h2s] = m.adverseSelection;
  assert.equal(h100.label, "100ms");
  assert.equal(h1s.label, "1s");
  // buy @ 99.5 (m0 100) then mid 100; sell @ 99.5 (m0 99) then mid 100: the sell was adverse (−1)
  assert.equal(h100.fills, 2);
  assert.equal(h100.meanMove, -0.5);
  close(h100.meanMoveBps, ((0 / 100 + -1 / 99) * 1e4) / 2);
  assert.equal(h100.meanMarkout, 0);
  assert.equal(h100.moveQuote, -1);
  assert.equal(h100.markoutQuote, 0);
  // 200 ms: the buy sees 101 (+1), the sell 100 (−1)
  assert.equal(h200.meanMove, 0);
  assert.equal(h200.meanMarkout, 0.5);
  // 1.2 s: the sell's horizon (1.54 s) runs past the last market time (1.5 s)
  assert.equal(h12.fills, 1);
  assert.equal(h12.pastEnd, 1);
  assert.equal(h12.meanMove, 0);
  assert.equal(h2s.fills, 0);
  assert.equal(h2s.pastEnd, 2);
  assert.ok(Number.isNaN(h2s.meanMove));
  assert.ok(m.notes.some((n) => /2s: 2 of 2 fills left out/.test(n)));
});

test("adverse selection: a buy followed by a mid drop is negative, a sell followed by a drop positive", () => {
  for (const side of [1, -1] as const) {
    const raw = makeRaw({
      fills: [{ ex: 0, local: 10e3, side, price: 100 - side * 0.5, amount: 2, fee: 0, maker: 1, mid: 100, pos: side * 2, cash: -side * 2 * (100 - side * 0.5) }],
      samples: [
        { t: 0, mid: 100, bid: 99.5, ask: 100.5, pos: 0, cash: 0, fees: 0 },
        { t: 1e6, mid: 98, bid: 97.5, ask: 98.5, pos: side * 2, cash: -side * 2 * (100 - side * 0.5), fees: 0 },
      ],
      market: { t: [0, 5e5, 2e6], mid: [100, 98, 98], spread: [1, 1, 1] },
    });
    const [a] = computeBacktestMetrics(raw, { horizonsUs: [1e6] }).adverseSelection;
    assert.equal(a.meanMove, side * -2);
    close(a.meanMoveBps, side * -200);
    assert.equal(a.meanMarkout, side * -2 + 0.5);
    assert.equal(a.moveQuote, side * -4);
  }
});

test("edge case: no fills — zero PnL, zero decomposition, undefined ratios", () => {
  const raw = makeRaw({
    fills: [],
    samples: [
      { t: 0, mid: 100, bid: 99, ask: 101, pos: 0, cash: 0, fees: 0 },
      { t: 1e5, mid: 101, bid: 100, ask: 102, pos: 0, cash: 0, fees: 0 },
      { t: 2e5, mid: 99, bid: 98, ask: 100, pos: 0, cash: 0, fees: 0 },
    ],
    orders: { submitted: 6, partiallyOrFullyFilled: 0, filled: 0, fills: 0 },
  });
  const m = computeBacktestMetrics(raw);
  assert.equal(m.pnl, 0);
  assert.equal(m.decomposition.total, 0);
  assert.equal(m.decomposition.inventoryPnl, 0);
  assert.equal(m.orders.fillRatio, 0);
  assert.equal(m.orders.orderToTrade, Infinity);
  assert.ok(Number.isNaN(m.sharpe)); // sd of zero changes = 0
  assert.equal(m.maxDrawdown, 0);
  assert.ok(Number.isNaN(m.trading.makerShare));
  assert.equal(m.adverseSelection.length, 4);
  assert.equal(m.adverseSelection[0].fills, 0);
  close(m.quotes.ourSpread, 2);
});

test("edge case: a single sample", () => {
  const raw = makeRaw({ fills: [], samples: [{ t: 0, mid: 100, bid: 99, ask: 101, pos: 0, cash: 0, fees: 0 }], endUs: 0 });
  const m = computeBacktestMetrics(raw, { positionLimit: 1 });
  assert.ok(Number.isNaN(m.sharpe));
  assert.ok(Number.isNaN(m.periodUs));
  assert.equal(m.sharpePeriods, 0);
  assert.equal(m.maxDrawdown, 0);
  assert.equal(m.inventory.timeAtLimit, 0); // zero-length run: samples weighted equally
  close(m.quotes.ourSpread, 2);
  assert.ok(m.notes.some((n) => /span no time/.test(n)));
});

test("edge case: NaN quotes and a sample without a mid", () => {
  const raw = example();
  const S = raw.samples.columns;
  // sample 2 loses its book: no mid, no equity, no market quotes
  S.mid[2] = NaN;
  S.equity[2] = NaN;
  S.equityNoFees[2] = NaN;
  S.marketBid[2] = NaN;
  S.marketAsk[2] = NaN;
  const m = computeBacktestMetrics(raw);
  assert.equal(m.decomposition.total, -0.25);
  assert.equal(m.decomposition.residual, 0);
  assert.equal(m.decomposition.inventoryPnl, -1); // the mark path 100 → 99 → 100 sums to the same
  assert.equal(m.decomposition.conservationMaxError, 0);
  assert.equal(m.decomposition.series.columns.total[2], 0.75); // carried from sample 1
  // equity carried forward: 0, 0.75, 0.75, −0.25, −0.25
  assert.equal(m.maxDrawdown, 1);
  assert.ok(m.notes.some((n) => /1 of 5 samples have no mid/.test(n)));
  assert.ok(Number.isFinite(m.quotes.ourSpread));
});

test("a run that starts with a position: seeded at the first mid, identity still holds", () => {
  // start long 2 (cash −200 at mid 100 → initial equity 0); sell 2 @ 102 at mid 101.5; mids 100, 101, 102
  const raw = makeRaw({
    fills: [{ ex: 150e3, local: 150e3, side: -1, price: 102, amount: 2, fee: 0.5, maker: 1, mid: 101.5, pos: 0, cash: 3.5 }],
    samples: [
      { t: 0, mid: 100, bid: NaN, ask: NaN, pos: 2, cash: -200, fees: 0 },
      { t: 1e5, mid: 101, bid: NaN, ask: NaN, pos: 2, cash: -200, fees: 0 },
      { t: 2e5, mid: 102, bid: NaN, ask: NaN, pos: 0, cash: 3.5, fees: 0.5 },
    ],
  });
  const m = computeBacktestMetrics(raw);
  assert.equal(m.initialEquity, 0);
  assert.equal(m.pnl, 3.5);
  assert.equal(m.decomposition.spreadCapture, 1); // −1·(101.5 − 102)·2
  assert.equal(m.decomposition.inventoryPnl, 3); // 2·(101.5 − 100)
  assert.equal(m.decomposition.fees, 0.5);
  assert.equal(m.decomposition.residual, 0);
  assert.equal(m.decomposition.conservationMaxError, 0);
  assert.ok(m.notes.some((n) => /starts with a position of 2/.test(n)));
});

test("scaling: doubling every size doubles PnL, its parts and fees; Sharpe and ratios are unchanged", () => {
  const a = example();
  const b = example();
  const F = b.fills.columns;
  for (let i = 0; i < F.amount.length; i++) {
    F.amount[i] *= 2;
    F.fee[i] *= 2;
    F.position[i] *= 2;
    F.cash[i] *= 2;
  }
  const S = b.samples.columns;
  for (let i = 0; i < S.position.length; i++) {
    S.position[i] *= 2;
    S.cash[i] *= 2;
    S.fees[i] *= 2;
    S.equity[i] *= 2;
    S.equityNoFees[i] *= 2;
  }
  b.final = { ...b.final, position: b.final.position * 2, cash: b.final.cash * 2, fees: b.final.fees * 2, equity: b.final.equity * 2 };
  const ma = computeBacktestMetrics(a);
  const mb = computeBacktestMetrics(b);
  assert.equal(mb.pnl, 2 * ma.pnl);
  assert.equal(mb.decomposition.spreadCapture, 2 * ma.decomposition.spreadCapture);
  assert.equal(mb.decomposition.inventoryPnl, 2 * ma.decomposition.inventoryPnl);
  assert.equal(mb.decomposition.fees, 2 * ma.decomposition.fees);
  close(mb.sharpe, ma.sharpe, 1e-9);
  assert.equal(mb.maxDrawdown, 2 * ma.maxDrawdown);
  close(mb.maxDrawdownPct, ma.maxDrawdownPct);
  assert.equal(mb.adverseSelection[0].meanMoveBps, ma.adverseSelection[0].meanMoveBps);
  assert.equal(mb.adverseSelection[0].moveQuote, 2 * ma.adverseSelection[0].moveQuote);
});

test("fills out of local-time order are sorted for the ledger; the result is unchanged", () => {
  const a = example();
  const F = a.fills;
  const swapped = { ...a, fills: F.take([1, 0]) };
  const ma = computeBacktestMetrics(a);
  const ms = computeBacktestMetrics(swapped);
  assert.equal(ms.decomposition.spreadCapture, ma.decomposition.spreadCapture);
  assert.equal(ms.decomposition.fees, ma.decomposition.fees);
  assert.deepEqual(ms.adverseSelection, ma.adverseSelection);
  assert.ok(ms.notes.some((n) => /sorted by localTimestamp/.test(n)));
});

test("bad rows throw a DataError naming the frame, line and field", () => {
  const raw = example();
  raw.fills.columns.side[1] = 0 as never;
  assert.throws(() => computeBacktestMetrics(raw), (e: unknown) => e instanceof DataError && e.location.file === "BacktestRaw.fills" && e.location.line === 2 && e.location.field === "side");
  const r2 = example();
  r2.samples.columns.localTimestamp[3] = T0;
  assert.throws(() => computeBacktestMetrics(r2), (e: unknown) => e instanceof DataError && e.location.line === 4 && e.location.field === "localTimestamp");
  const r3 = example();
  r3.samples.columns.mid[0] = -1;
  assert.throws(() => computeBacktestMetrics(r3), (e: unknown) => e instanceof DataError && e.location.field === "mid");
  assert.throws(() => computeBacktestMetrics(example(), { horizonsUs: [0] }), ArgumentError);
  assert.throws(() => computeBacktestMetrics(example(), { sharpeIntervalUs: -5 }), ArgumentError);
});

test("maxDrawdown: hand-worked path, NaN skipped, relative only when the peak is positive", () => {
  const d = maxDrawdown([1, 3, NaN, 2, 4, 1, 5]);
  assert.equal(d.abs, 3);
  assert.equal(d.rel, 0.75);
  assert.equal(d.peak, 4);
  assert.equal(d.trough, 5);
  const neg = maxDrawdown([-1, -2, -3]);
  assert.equal(neg.abs, 2);
  assert.ok(Number.isNaN(neg.rel));
});

test("compareBacktests: one row per strategy, the documented columns", () => {
  const a = example();
  const b = makeRaw({
    fills: [],
    samples: [
      { t: 0, mid: 100, bid: 99, ask: 101, pos: 0, cash: 0, fees: 0 },
      { t: 1e5, mid: 100, bid: 99, ask: 101, pos: 0, cash: 0, fees: 0 },
    ],
    strategy: "idle",
    orders: { submitted: 2, partiallyOrFullyFilled: 0, filled: 0, fills: 0 },
  });
  const ma = computeBacktestMetrics(a, { positionLimit: 1 });
  const t = compareBacktests([{ name: "fixed", raw: a, metrics: ma }, { raw: b }]);
  assert.equal(t.length, 2);
  assert.deepEqual(t.names, [
    "strategy", "pnl", "pnlNoFees", "spreadCapture", "inventoryPnl", "fees", "sharpe", "maxDrawdown", "fills", "fillRatio", "orderToTrade",
    "meanAbsPosition", "timeAtLimit", "ourSpreadBps", "marketSpreadBps", "adverse1sBps",
  ]);
  assert.deepEqual(t.columns.strategy, ["fixed", "idle"]);
  assert.equal(t.columns.pnl[0], -0.25);
  assert.equal(t.columns.pnlNoFees[0], 0);
  assert.equal(t.columns.spreadCapture[0], 1);
  assert.equal(t.columns.fills[1], 0);
  close(t.columns.timeAtLimit[0], 0.6);
  assert.ok(Number.isNaN(t.columns.timeAtLimit[1]));
  assert.equal(t.columns.adverse1sBps[0], ma.adverseSelection[1].meanMoveBps);
  assert.throws(() => compareBacktests([]), ArgumentError);
});
