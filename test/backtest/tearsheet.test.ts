import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { createRng } from "../../src/frame/rng";
import { ArgumentError } from "../../src/errors";
import { SYNTHETIC_LABEL, DEFAULT_MAX_POINTS, usToISO } from "../../src/plot/figure";
import { computeBacktestMetrics } from "../../src/backtest/metrics";
import {
  adverseSelectionFigure, backtestTearsheet, equityFigure, inventoryHistogramFigure, pnlDecompositionFigure, positionFigure, quotesFigure,
} from "../../src/backtest/tearsheet";
import type { BacktestFillColumns, BacktestRaw, BacktestSampleColumns } from "../../src/backtest/types";
import type { Figure } from "../../src/plot/figure";

const T0 = 1_723_075_200_000_000; // 2024-08-08 00:00:00 UTC

/**
 * A consistent synthetic run: n samples every 100 ms, mid a ±0.5 random walk from 100, our quotes mid ± 1, the
 * market's mid ± 0.25; every `every`-th sample one fill (alternately a maker buy at our bid and a maker sell at our
 * ask, rebate 0.01), received 50 ms before that sample. Cash and position follow the fills exactly.
 */
function syntheticRaw(n: number, every = 50): BacktestRaw {
  const rng = createRng(7);
  const mid = new Float64Array(n);
  let m = 100;
  for (let i = 0; i < n; i++) {
    if (i > 0) m += rng.next() < 0.5 ? -0.5 : 0.5;
    mid[i] = m;
  }
  const nF = Math.floor((n - 1) / every);
  const fc = {
    exchangeTimestamp: new Float64Array(nF), localTimestamp: new Float64Array(nF), orderId: new Float64Array(nF), side: new Int8Array(nF),
    price: new Float64Array(nF), amount: new Float64Array(nF), fee: new Float64Array(nF), isMaker: new Int8Array(nF), mid: new Float64Array(nF),
    position: new Float64Array(nF), cash: new Float64Array(nF),
  };
  const sc = {
    localTimestamp: new Float64Array(n), mid, marketBid: new Float64Array(n), marketAsk: new Float64Array(n), bid: new Float64Array(n),
    ask: new Float64Array(n), position: new Float64Array(n), cash: new Float64Array(n), fees: new Float64Array(n), equity: new Float64Array(n),
    equityNoFees: new Float64Array(n),
  };
  let q = 0, cash = 0, fees = 0, k = 0;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 1e5;
    if (i > 0 && i % every === 0 && k < nF) {
      const side = k % 2 === 0 ? 1 : -1;
      const p = mid[i - 1] - side; // our quote from the previous call
      q += side;
      cash += -side * p + 0.01;
      fees -= 0.01;
      fc.exchangeTimestamp[k] = t - 6e4;
      fc.localTimestamp[k] = t - 5e4;
      fc.orderId[k] = k + 1;
      fc.side[k] = side;
      fc.price[k] = p;
      fc.amount[k] = 1;
      fc.fee[k] = -0.01;
      fc.isMaker[k] = 1;
      fc.mid[k] = mid[i - 1];
      fc.position[k] = q;
      fc.cash[k] = cash;
      k++;
    }
    sc.localTimestamp[i] = t;
    sc.marketBid[i] = mid[i] - 0.25;
    sc.marketAsk[i] = mid[i] + 0.25;
    sc.bid[i] = mid[i] - 1;
    sc.ask[i] = mid[i] + 1;
    sc.position[i] = q;
    sc.cash[i] = cash;
    sc.fees[i] = fees;
    sc.equity[i] = cash + q * mid[i];
    sc.equityNoFees[i] = sc.equity[i] + fees;
  }
  return {
    strategy: "fixed",
    fills: new Frame<BacktestFillColumns>(fc),
    samples: new Frame<BacktestSampleColumns>(sc),
    orders: { submitted: 4 * nF, cancelled: 3 * nF, rejected: 0, partiallyOrFullyFilled: nF, filled: nF, fills: nF, cancelRacesLost: 0 },
    market: { time: sc.localTimestamp.slice(), mid: mid.slice(), spread: new Float64Array(n).fill(0.5) },
    stats: { events: n, bookUpdates: n, trades: 0, wallMs: 0, eventsPerSec: 0, peakRssMB: 0 },
    final: { position: q, cash, fees, mid: mid[n - 1], equity: cash + q * mid[n - 1] },
    startUs: T0,
    endUs: T0 + n * 1e5,
  };
}

type Trace = { name?: string; type?: string; x?: unknown[]; y?: Array<number | null>; marker?: { symbol?: string } };
const traces = (f: Figure) => f.data as unknown as Trace[];
const axisTitle = (f: Figure, k: "xaxis" | "yaxis") => ((f.layout[k] as { title?: { text?: string } } | undefined)?.title?.text ?? "") as string;

/** Every figure: a title, axis titles that name a unit, consistent x/y lengths. */
function assertValid(f: Figure): void {
  assert.ok(f.meta && f.meta.title.trim().length > 0, "title");
  for (const k of ["xaxis", "yaxis"] as const) assert.match(axisTitle(f, k), /\([^)]+\)/, `${k} title names a unit: ${axisTitle(f, k)}`);
  for (const t of traces(f)) if (t.type !== "bar" && t.x && t.y) assert.equal(t.x.length, t.y.length, `trace ${t.name}`);
}

test("backtestTearsheet: six titled figures with units, all labelled synthetic", () => {
  const raw = syntheticRaw(2000);
  const figs = backtestTearsheet({ raw }, { title: "Test run", synthetic: true, positionLimit: 5, quoteCurrency: "USDT", baseUnit: "BTC" });
  assert.equal(figs.length, 6);
  for (const f of figs) {
    assertValid(f);
    assert.ok(f.meta!.title.startsWith("Test run: "), f.meta!.title);
    assert.ok(f.meta!.title.includes("(fixed)"));
    assert.equal(f.meta!.synthetic, true);
    assert.match(String((f.layout.title as { text: string }).text), /synthetic data$/);
    assert.ok((f.layout.annotations ?? []).some((a) => String(a.text).includes(SYNTHETIC_LABEL)));
  }
  assert.equal(axisTitle(figs[0], "yaxis"), "equity (USDT)");
  assert.equal(axisTitle(figs[2], "yaxis"), "position (BTC)");
  assert.throws(() => backtestTearsheet({ raw }, { title: "x" } as never), ArgumentError);
  const real = backtestTearsheet({ raw, name: "A-S" }, { title: "Real", synthetic: false });
  assert.ok(real.every((f) => f.meta!.synthetic !== true && f.meta!.title.includes("(A-S)")));
});

test("equityFigure: with and without fees, one point per sample; large runs are decimated and say so", () => {
  const raw = syntheticRaw(500);
  const f = equityFigure(raw);
  assertValid(f);
  const [e, enf] = traces(f);
  assert.equal(e.y!.length, 500);
  assert.deepEqual(e.y, Array.from(raw.samples.columns.equity));
  assert.deepEqual(enf.y, Array.from(raw.samples.columns.equityNoFees));
  assert.equal(e.x![0], usToISO(T0));
  const big = equityFigure(syntheticRaw(50_000, 500));
  const [b] = traces(big);
  assert.ok(b.y!.length <= DEFAULT_MAX_POINTS && b.y!.length > 1000);
  assert.equal(big.meta!.decimated!.length, 2);
  assert.equal(big.meta!.decimated![0].from, 50_000);
  const small = equityFigure(syntheticRaw(50_000, 500), { maxPoints: 1000 });
  assert.ok(traces(small)[0].y!.length <= 1000);
});

test("pnlDecompositionFigure: spread + inventory − fees = total at every point; total ends at the PnL", () => {
  const raw = syntheticRaw(3000);
  const m = computeBacktestMetrics(raw);
  assert.ok(m.decomposition.conservationMaxError < 1e-9);
  const f = pnlDecompositionFigure(m, { quoteCurrency: "USDT" });
  assertValid(f);
  const [sp, inv, fee, tot] = traces(f);
  assert.deepEqual([sp.name, inv.name, fee.name, tot.name], ["spread capture", "inventory PnL", "−fees", "total"]);
  for (let i = 0; i < tot.y!.length; i++) assert.ok(Math.abs(sp.y![i]! + inv.y![i]! + fee.y![i]! - tot.y![i]!) < 1e-9);
  assert.ok(Math.abs(tot.y![tot.y!.length - 1]! - m.pnl) < 1e-9);
  assert.ok(fee.y![fee.y!.length - 1]! > 0, "rebates raise PnL");
});

test("quotesFigure: window of samples and fills, fill markers by side, window in the title", () => {
  const raw = syntheticRaw(2000);
  // window 10 s → 20 s: samples 100..200 (plus the one in force at the start), fills at samples 150 and 200
  const f = quotesFigure(raw, { startUs: T0 + 10e6, endUs: T0 + 20e6 });
  assertValid(f);
  const byName = new Map(traces(f).map((t) => [t.name!, t]));
  assert.deepEqual([...byName.keys()], ["market bid", "market ask", "our bid", "our ask", "our buys", "our sells"]);
  assert.equal(byName.get("our bid")!.y!.length, 101);
  assert.equal(byName.get("our bid")!.y![0], raw.samples.columns.bid[100]);
  const buys = byName.get("our buys")!;
  const sells = byName.get("our sells")!;
  assert.equal(buys.y!.length + sells.y!.length, 2);
  assert.equal(buys.marker!.symbol, "triangle-up");
  assert.equal(sells.marker!.symbol, "triangle-down");
  assert.match(f.meta!.title, /2024-08-08 00:00:10 to 00:00:20 UTC/);
  // default window: 60 s before the first fill (clipped to the first sample), 5 minutes long
  const d = quotesFigure(raw);
  assert.equal(traces(d)[0].x![0], usToISO(T0));
  assert.throws(() => quotesFigure(raw, { startUs: T0 + 1e12 }), ArgumentError);
  assert.throws(() => quotesFigure(raw, { startUs: T0, endUs: T0 }), ArgumentError);
});

test("positionFigure, adverseSelectionFigure and inventoryHistogramFigure", () => {
  const raw = syntheticRaw(1000);
  const p = positionFigure(raw, { positionLimit: 2 });
  assertValid(p);
  const pt = traces(p);
  assert.equal(pt.length, 3);
  assert.deepEqual(pt[1].y, [2, 2]);
  assert.deepEqual(pt[2].y, [-2, -2]);
  assert.deepEqual(pt[0].y, Array.from(raw.samples.columns.position));
  assert.throws(() => positionFigure(raw, { positionLimit: 0 }), ArgumentError);

  const m = computeBacktestMetrics(raw, { horizonsUs: [1e5, 1e6, 60e6, 1e9] });
  const a = adverseSelectionFigure(m);
  assertValid(a);
  const [move, mark] = traces(a);
  assert.equal(move.x!.length, 4);
  assert.match(String(move.x![0]), /^100ms \(n=\d+\)$/);
  assert.deepEqual(move.y!.slice(0, 3), m.adverseSelection.slice(0, 3).map((r) => r.meanMoveBps));
  assert.deepEqual(mark.y!.slice(0, 3), m.adverseSelection.slice(0, 3).map((r) => r.meanMarkoutBps));
  assert.equal(move.y![3], null, "1000 s runs past the end: no bar");
  assert.ok(a.meta!.notes!.some((n) => /no value for 1 of 4/.test(n)));

  const h = inventoryHistogramFigure(raw, { baseUnit: "BTC" });
  assertValid(h);
  const ys = traces(h)[0].y as number[];
  assert.ok(Math.abs(ys.reduce((s, v) => s + v, 0) - 1) < 1e-12, "probabilities sum to 1");
  assert.throws(() => equityFigure({ ...raw, samples: raw.samples.slice(0, 0) }), ArgumentError);
});
