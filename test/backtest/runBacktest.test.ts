/**
 * runBacktest (src/backtest/runBacktest.ts): the public entry point on a small synthetic market (metrics wired,
 * prepared streams reusable, validation), and a smoke test on the real Binance BTCUSDT L2 + trades capture (Tardis
 * format): invariants (no crossed own quotes, conservation against the PnL ledger, determinism).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { createRng } from "../../src/frame/rng";
import type { BookChangeColumns, BookChangeFrame, TradeColumns, TradeFrame } from "../../src/data/schemas";
import { runBacktest } from "../../src/backtest/runBacktest";
import { prepareMarketData } from "../../src/backtest/data";
import { riskAverseQueue, powerProbQueue } from "../../src/backtest/queue";
import { constantLatency, logNormalLatency } from "../../src/backtest/latency";
import { bpsFees } from "../../src/backtest/fees";
import { ledgerFromFills } from "../../src/inventory/ledger";
import type { Strategy } from "../../src/backtest/types";
import { ArgumentError } from "../../src/errors";
import { needData } from "../helpers";
import { defaultMarket } from "../../src/data/catalog";
import { loadTardisBookL2, loadTardisTrades } from "../../src/data/tardis";
import { DEFAULT_REAL_TICK_FOLDER } from "../../src/data/catalog";

/** Small random market: tick 0.1, a random-walk best bid, 3 levels a side rewritten per update, trades at the touch. */
function market(seed: number, groups: number): { depth: BookChangeFrame; trades: TradeFrame } {
  const r = createRng(seed);
  const B: number[][] = [];
  const T: number[][] = [];
  let b = 1000, a = 1001, local = 5_000_000;
  for (let g = 0; g < groups; g++) {
    local += 1000 + r.int(4000);
    const exch = local - 300 - r.int(500);
    const nb = b + (g === 0 ? 0 : r.int(3) - 1);
    const na = nb + 1 + r.int(2);
    if (g > 0) {
      for (let k = nb + 1; k <= b; k++) B.push([exch, local, 0, 1, k / 10, 0]);
      for (let k = a; k < na; k++) B.push([exch, local, 0, -1, k / 10, 0]);
    }
    for (let k = 0; k < 3; k++) {
      B.push([exch, local, g === 0 ? 1 : 0, 1, (nb - k) / 10, (1 + r.int(20)) / 10]);
      B.push([exch, local, g === 0 ? 1 : 0, -1, (na + k) / 10, (1 + r.int(20)) / 10]);
    }
    b = nb;
    a = na;
    if (r.next() < 0.5) {
      const s = r.next() < 0.5 ? 1 : -1;
      T.push([exch + 1, local + 1, s > 0 ? a / 10 : b / 10, (1 + r.int(10)) / 10, s]);
    }
  }
  const d: BookChangeColumns = {
    timestamp: Float64Array.from(B, (x) => x[0]), localTimestamp: Float64Array.from(B, (x) => x[1]), isSnapshot: Int8Array.from(B, (x) => x[2]),
    side: Int8Array.from(B, (x) => x[3]), price: Float64Array.from(B, (x) => x[4]), amount: Float64Array.from(B, (x) => x[5]),
    updateId: new Float64Array(B.length).fill(NaN),
  };
  const t: TradeColumns = {
    timestamp: Float64Array.from(T, (x) => x[0]), localTimestamp: Float64Array.from(T, (x) => x[1]), price: Float64Array.from(T, (x) => x[2]),
    amount: Float64Array.from(T, (x) => x[3]), side: Int8Array.from(T, (x) => x[4]), id: new Float64Array(T.length).fill(NaN),
  };
  return { depth: new Frame(d), trades: new Frame(t) };
}

/** Inline fixed-spread strategy: bid/ask at mid ∓ half (outward to the tick by quote()), pulled while the mid is unknown. */
function fixed(half: number, size: number, intervalUs: number): Strategy {
  return {
    name: `fixed ${half}`,
    schedule: { kind: "interval", intervalUs },
    onTick(ctx) {
      const m = ctx.book.mid();
      if (m === m) ctx.quote(m - half, size, m + half, size);
      else ctx.quote(NaN, 0, NaN, 0);
    },
  };
}

test("runBacktest: raw result plus metrics and decomposition; prepared streams give the same run", () => {
  const { depth, trades } = market(2, 3000);
  const exchange = { queueModel: powerProbQueue(2), latency: logNormalLatency({ entryMedianUs: 1000 }), fees: bpsFees({ makerBps: -1, takerBps: 5 }) };
  const r = runBacktest({ data: { depth, trades }, strategy: fixed(0.05, 0.3, 20_000), exchange, seed: 5 });
  assert.ok(r.fills.length > 20, `${r.fills.length} fills`);
  assert.equal(r.config.tickSize, 0.1);
  assert.equal(r.config.lotSize, 0.1);
  assert.equal(r.decomposition, r.metrics.decomposition);
  assert.equal(r.equity, r.samples.columns.equity);
  assert.ok(Math.abs(r.decomposition.residual) < 1e-6, `residual ${r.decomposition.residual}`);
  assert.ok(r.decomposition.conservationMaxError < 1e-6, `conservation ${r.decomposition.conservationMaxError}`);
  assert.ok(r.decomposition.fees < 0, "maker rebates dominate a passive strategy");
  assert.ok(r.stats.events === depth.length + trades.length && r.stats.eventsPerSec > 0 && r.stats.peakRssMB > 0);
  const streams = prepareMarketData(depth, trades);
  const r2 = runBacktest({ data: { streams }, strategy: fixed(0.05, 0.3, 20_000), exchange, seed: 5 });
  assert.deepEqual([...r2.fills.columns.cash], [...r.fills.columns.cash]);
  assert.equal(r2.metrics.pnl, r.metrics.pnl);
  // a window: no call outside it
  const w = runBacktest({ data: { streams }, strategy: fixed(0.05, 0.3, 20_000), exchange, seed: 5, startUs: streams.groupLocalUs[500], endUs: streams.groupLocalUs[1500] });
  const st = w.samples.columns.localTimestamp;
  assert.ok(st[0] === streams.groupLocalUs[500] && st[st.length - 1] <= streams.groupLocalUs[1500]);
  assert.throws(() => runBacktest({ data: { streams }, strategy: fixed(0.05, 0.3, 20_000), exchange, seed: NaN }), ArgumentError);
  assert.throws(() => runBacktest({ data: { streams }, strategy: fixed(0.05, 0.3, 20_000), exchange: { ...exchange, fees: undefined as never }, seed: 1 }), ArgumentError);
});

test("real data smoke: fixed spread on Binance BTCUSDT L2 + trades keeps its invariants", async (t) => {
  const rel = `${DEFAULT_REAL_TICK_FOLDER}/tardis-format/binance_incremental_book_L2_BTCUSDT.csv.gz`;
  if (!needData(t, rel)) return;
  const mk = defaultMarket();
  const depth = await loadTardisBookL2(mk.depthL2);
  const trades = await loadTardisTrades(mk.trades);
  const streams = prepareMarketData(depth, trades);
  // the capture's exchange clock runs ~1.27 s ahead of its receive clock: aligned by one shift
  assert.ok(streams.clockShiftUs < -1_000_000 && streams.clockShiftUs > -2_000_000, `shift ${streams.clockShiftUs}`);
  assert.equal(streams.tickSize, 0.01);
  const exchange = { queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 5000, responseUs: 5000 }), fees: bpsFees({ makerBps: 0, takerBps: 10 }) };
  const run = () => runBacktest({ data: { streams }, strategy: fixed(1.0, 0.001, 100_000), exchange, seed: 1 });
  const r = run();
  assert.ok(r.fills.length > 10, `${r.fills.length} fills`);
  assert.ok(r.samples.length > 5000, `${r.samples.length} samples`);
  // no crossed own quotes, and quotes never cross the book they were made from by more than the half-spread logic allows
  const S = r.samples.columns;
  for (let i = 0; i < r.samples.length; i++) if (S.bid[i] === S.bid[i] && S.ask[i] === S.ask[i]) assert.ok(S.bid[i] < S.ask[i], `sample ${i}`);
  // every fill is a maker fill at our own price (post-only quotes), position and cash consistent with the ledger
  const F = r.fills.columns;
  assert.ok(F.isMaker.every((x) => x === 1));
  const led = ledgerFromFills({ timestamp: F.exchangeTimestamp, side: F.side, price: F.price, amount: F.amount, fee: F.fee, mid: F.mid });
  for (let i = 0; i < r.fills.length; i++) {
    const eq = F.cash[i] + F.position[i] * F.mid[i];
    assert.ok(Math.abs(eq - led.rows.columns.equity[i]) < 1e-6, `fill ${i}`);
  }
  assert.ok(r.decomposition.conservationMaxError < 1e-6);
  assert.ok(Math.abs(r.decomposition.residual) < 1e-6);
  // determinism
  const r2 = run();
  assert.deepEqual([...r2.fills.columns.localTimestamp], [...F.localTimestamp]);
  assert.deepEqual([...r2.samples.columns.equity], [...S.equity]);
  assert.deepEqual(r2.orders, r.orders);
});
