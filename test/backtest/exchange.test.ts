/**
 * Hand-built event sequences for each rule of the exchange model (src/backtest/exchange.ts): order types, post-only
 * rejection, taker walks, queue advancement under both queue models, partial fills, trade-through, crossing-book
 * fills, cancel races under latency, fees and rebates. Every expected number is worked by hand in the comments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import type { BookChangeColumns, BookChangeFrame, TradeColumns, TradeFrame } from "../../src/data/schemas";
import { prepareMarketData } from "../../src/backtest/data";
import { runEngine } from "../../src/backtest/engine";
import { riskAverseQueue, powerProbQueue, type QueueModel } from "../../src/backtest/queue";
import { constantLatency, type LatencyModel } from "../../src/backtest/latency";
import { bpsFees, noFees, perFillFees, type FeeModel } from "../../src/backtest/fees";
import type { BacktestRaw, FillEvent, OrderView, Strategy, StrategyContext } from "../../src/backtest/types";

type BookRow = [exch: number, local: number, side: 1 | -1, price: number, amount: number, snap?: 0 | 1];
type TradeRow = [exch: number, local: number, price: number, amount: number, side: 1 | -1 | 0];

/** Book changes; rows with the same local time and snapshot flag form one atomic update (updateId NaN). */
function bookFrame(rows: BookRow[]): BookChangeFrame {
  const n = rows.length;
  const c: BookChangeColumns = {
    timestamp: new Float64Array(n), localTimestamp: new Float64Array(n), isSnapshot: new Int8Array(n), side: new Int8Array(n),
    price: new Float64Array(n), amount: new Float64Array(n), updateId: new Float64Array(n).fill(NaN),
  };
  rows.forEach(([e, l, sd, p, q, s], i) => {
    c.timestamp[i] = e;
    c.localTimestamp[i] = l;
    c.side[i] = sd;
    c.price[i] = p;
    c.amount[i] = q;
    c.isSnapshot[i] = s ?? 0;
  });
  return new Frame(c);
}

function tradeFrame(rows: TradeRow[]): TradeFrame {
  const n = rows.length;
  const c: TradeColumns = {
    timestamp: new Float64Array(n), localTimestamp: new Float64Array(n), price: new Float64Array(n), amount: new Float64Array(n),
    side: new Int8Array(n), id: new Float64Array(n).fill(NaN),
  };
  rows.forEach(([e, l, p, q, s], i) => {
    c.timestamp[i] = e;
    c.localTimestamp[i] = l;
    c.price[i] = p;
    c.amount[i] = q;
    c.side[i] = s;
  });
  return new Frame(c);
}

/** Snapshot at t = 0: bids 100 (5), 99.5 (5); asks 101 (1), 101.5 (1), 102 (5). Tick 0.5, lot 0.1. */
const SNAP: BookRow[] = [
  [0, 0, 1, 100, 5, 1],
  [0, 0, 1, 99.5, 5, 1],
  [0, 0, -1, 101, 1, 1],
  [0, 0, -1, 101.5, 1, 1],
  [0, 0, -1, 102, 5, 1],
];

/** A strategy that runs `actions[t]` at local time t (interval schedule of 1 µs) and records what it saw. */
function scripted(actions: Record<number, (ctx: StrategyContext) => void>, log?: { fills: FillEvent[]; orders: Map<number, OrderView[]> }): Strategy {
  return {
    name: "script",
    schedule: { kind: "interval", intervalUs: 1 },
    onTick(ctx) {
      const a = actions[ctx.now];
      if (a) a(ctx);
      if (log) log.orders.set(ctx.now, ctx.openOrders.map((o) => ({ ...o })));
    },
    onFill(f) {
      if (log) log.fills.push(f);
    },
  };
}

interface Run {
  raw: BacktestRaw;
  fills: FillEvent[];
  orders: Map<number, OrderView[]>;
}

function run(
  book: BookRow[],
  trades: TradeRow[],
  actions: Record<number, (ctx: StrategyContext) => void>,
  opts: { queue?: QueueModel; latency?: LatencyModel; fees?: FeeModel; endUs?: number; crossFills?: boolean } = {},
): Run {
  const streams = prepareMarketData(bookFrame(book), tradeFrame(trades), { tickSize: 0.5, lotSize: 0.1, clock: "raw" });
  const log = { fills: [] as FillEvent[], orders: new Map<number, OrderView[]>() };
  const raw = runEngine({
    streams,
    strategy: scripted(actions, log),
    queueModel: opts.queue ?? riskAverseQueue(),
    latency: opts.latency ?? constantLatency({ entryUs: 0 }),
    fees: opts.fees ?? noFees(),
    crossFills: opts.crossFills,
    seed: 1,
    startUs: 0,
    endUs: opts.endUs ?? 100,
  });
  return { raw, fills: log.fills, orders: log.orders };
}

const F = (r: Run) => r.raw.fills.columns;
const near = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} ≈ ${b}`);

test("post-only (GTX) is rejected when it would cross on arrival, accepted otherwise", () => {
  const r = run(SNAP, [], {
    1: (c) => {
      c.submit({ side: 1, price: 101, amount: 1, type: "postOnly" }); // 101 ≥ best ask 101: crosses → rejected
      c.submit({ side: -1, price: 100, amount: 1, type: "postOnly" }); // ≤ best bid → rejected
      c.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" }); // inside the spread → rests
    },
  });
  assert.equal(r.raw.orders.rejected, 2);
  assert.equal(r.raw.orders.submitted, 3);
  assert.equal(r.raw.fills.length, 0);
  const open = r.orders.get(2)!;
  assert.equal(open.length, 1);
  assert.equal(open[0].price, 100.5);
  assert.equal(open[0].status, "open");
});

test("limit order crossing on arrival takes as taker level by level, then rests the rest; ioc cancels the rest; market walks", () => {
  const fees = bpsFees({ makerBps: -1, takerBps: 10 });
  // limit buy 2.5 @ 101.5: takes 1 @ 101 and 1 @ 101.5 (taker), rests 0.5 @ 101.5
  const r = run(SNAP, [], { 1: (c) => void c.submit({ side: 1, price: 101.5, amount: 2.5, type: "limit" }) }, { fees });
  const f = F(r);
  assert.deepEqual([...f.price], [101, 101.5]);
  assert.deepEqual([...f.amount], [1, 1]);
  assert.deepEqual([...f.isMaker], [0, 0]);
  near(f.fee[0], 10e-4 * 101); // 0.101
  near(f.fee[1], 10e-4 * 101.5);
  near(f.position[1], 2);
  near(f.cash[1], -(101 + 101.5) - 10e-4 * (101 + 101.5));
  const o = r.orders.get(2)!;
  assert.equal(o.length, 1);
  assert.equal(o[0].status, "open");
  near(o[0].filled, 2);
  // the rest does not fill again from the same asks (no market impact, crossing size already used)
  assert.equal(r.raw.orders.fills, 2);

  // ioc buy 3 @ 101.5: fills 2, cancels 1
  const r2 = run(SNAP, [], { 1: (c) => void c.submit({ side: 1, price: 101.5, amount: 3, type: "ioc" }) });
  assert.deepEqual([...F(r2).amount], [1, 1]);
  assert.equal(r2.raw.orders.cancelled, 1);
  assert.equal(r2.orders.get(2)!.length, 0);
  // market sell 7: 5 @ 100, 2 @ 99.5
  const r3 = run(SNAP, [], { 1: (c) => void c.submit({ side: -1, price: NaN, amount: 7, type: "market" }) });
  assert.deepEqual([...F(r3).price], [100, 99.5]);
  assert.deepEqual([...F(r3).amount], [5, 2]);
  near(F(r3).position[1], -7);
  assert.equal(r3.raw.orders.filled, 1);
  // market larger than the book: what is there fills, the rest is cancelled
  const r4 = run(SNAP, [], { 1: (c) => void c.submit({ side: 1, price: NaN, amount: 10, type: "market" }) });
  near(F(r4).position[F(r4).position.length - 1], 7);
  assert.equal(r4.raw.orders.cancelled, 1);
});

test("orders off the tick or lot grid are rejected; float noise is snapped", () => {
  const r = run(SNAP, [], {
    1: (c) => {
      c.submit({ side: 1, price: 100.25, amount: 1, type: "postOnly" }); // off the 0.5 tick
      c.submit({ side: 1, price: 100, amount: 0.15, type: "postOnly" }); // off the 0.1 lot
      c.submit({ side: 1, price: 100.5 + 1e-12, amount: 0.1 + 0.2, type: "postOnly" }); // noise: 100.5, 0.3
    },
  });
  assert.equal(r.raw.orders.rejected, 2);
  const o = r.orders.get(1)!.find((x) => x.status !== "rejected" && x.id === 3)!;
  assert.equal(o.price, 100.5);
  assert.equal(o.amount, 0.3);
});

test("risk-averse queue: trades consume the queue ahead, cancels are behind us, then a partial fill and a trade-through", () => {
  // our bid 2 @ 100 joins 5 ahead. t=10: sell 3 @100 → ahead 2. t=11: depth 100 → 2 (the trade). t=12: depth → 1
  // (a cancel: risk-averse puts it behind, but ahead ≤ level → ahead 1). t=20: sell 2 @100 → 1 consumes the
  // queue, 1 fills us (partial: 1 of 2). t=30: sell 0.5 @ 99.5 trades through our price → fills the remaining 1.
  const book: BookRow[] = [...SNAP, [11, 11, 1, 100, 2], [12, 12, 1, 100, 1]];
  const trades: TradeRow[] = [[10, 10, 100, 3, -1], [20, 20, 100, 2, -1], [30, 30, 99.5, 0.5, -1]];
  const r = run(book, trades, { 1: (c) => void c.submit({ side: 1, price: 100, amount: 2, type: "postOnly" }) });
  const f = F(r);
  assert.deepEqual([...f.exchangeTimestamp], [20, 30]);
  assert.deepEqual([...f.amount], [1, 1]);
  assert.deepEqual([...f.price], [100, 100], "maker fills at our price, also on a trade-through");
  assert.deepEqual([...f.isMaker], [1, 1]);
  assert.deepEqual([...f.position], [1, 2]);
  assert.equal(r.raw.orders.partiallyOrFullyFilled, 1);
  assert.equal(r.raw.orders.filled, 1);
  assert.equal(r.raw.orders.fills, 2);
  // the strategy saw the partial fill: filled 1, still open, position 1
  const at25 = r.orders.get(25)!;
  assert.equal(at25.length, 1);
  assert.equal(at25[0].filled, 1);
  assert.equal(at25[0].status, "open");
  assert.equal(r.orders.get(31)!.length, 0);
});

test("a buy-aggressor trade at our bid does not fill it; an unknown-side trade may", () => {
  const r = run(SNAP, [[10, 10, 100.5, 5, 1]], { 1: (c) => void c.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" }) });
  assert.equal(r.raw.fills.length, 0);
  const r2 = run(SNAP, [[10, 10, 100.5, 5, 0]], { 1: (c) => void c.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" }) });
  assert.equal(r2.raw.fills.length, 1);
});

test("power-law queue: cancels ahead advance us by the share x^n/(x^n+y^n); trades are not counted twice", () => {
  // our bid 1 @ 100 joins 5 ahead (t=1). t=5: level 5 → 9 (4 join behind). t=6: level 9 → 7: chg 2,
  // share = 5²/(5²+4²) = 25/41 → ahead = 5 − 2·25/41 = 3.780487… (behind absorbs the rest: 4 − 2·16/41 > 0).
  // t=10: sell 4.5 @ 100 → 3.7805 consumed ahead, 0.7195 fills us: 4.5 − (5 − 50/41) = 50/41 − 0.5.
  const book: BookRow[] = [...SNAP, [5, 5, 1, 100, 9], [6, 6, 1, 100, 7]];
  const trades: TradeRow[] = [[10, 10, 100, 4.5, -1]];
  const act = { 1: (c: StrategyContext) => void c.submit({ side: 1, price: 100, amount: 1, type: "postOnly" }) };
  const prob = run(book, trades, act, { queue: powerProbQueue(2) });
  assert.equal(prob.raw.fills.length, 1);
  near(F(prob).amount[0], 4.5 - (5 - 50 / 41), 1e-12);
  // the risk-averse model keeps ahead = 5 (min(5, 7)): the 4.5 trade does not reach us
  const ra = run(book, trades, act, { queue: riskAverseQueue() });
  assert.equal(ra.raw.fills.length, 0);

  // trade then the depth update that reports it: ahead 5 → 3 by the trade of 2, then level 5 → 3 is the same
  // volume (chg − traded = 0): ahead stays 3; a following sell of 3.5 fills 0.5.
  const book2: BookRow[] = [...SNAP, [11, 11, 1, 100, 3]];
  const trades2: TradeRow[] = [[10, 10, 100, 2, -1], [20, 20, 100, 3.5, -1]];
  const p2 = run(book2, trades2, act, { queue: powerProbQueue(2) });
  assert.equal(p2.raw.fills.length, 1);
  near(F(p2).amount[0], 0.5, 1e-12);
});

test("a queue at a new price level starts empty: the first sell at our price fills us", () => {
  const r = run(SNAP, [[10, 10, 100.5, 0.3, -1]], { 1: (c) => void c.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" }) });
  assert.deepEqual([...F(r).amount], [0.3]);
});

test("crossing book: resting bid fills as maker against new crossing ask size only, never from a crossed market book", () => {
  // our bid 2 @ 100.5 (inside the spread). t=5: an ask 0.4 @ 100.5 appears (market bid 100 < 100.5: not crossed)
  // → fill 0.4 @ 100.5 maker. t=6: another level changes, the 0.4 still shows → no new fill. t=7: the ask at 100.5
  // grows to 1.0 → 0.6 more. t=8: ask gone (not crossing) → used resets; t=9: 0.3 reappears → fill 0.3.
  const book: BookRow[] = [
    ...SNAP,
    [5, 5, -1, 100.5, 0.4],
    [6, 6, -1, 102, 4],
    [7, 7, -1, 100.5, 1.0],
    [8, 8, -1, 100.5, 0],
    [9, 9, -1, 100.5, 0.3],
  ];
  const act = { 1: (c: StrategyContext) => void c.submit({ side: 1, price: 100.5, amount: 2, type: "postOnly" }) };
  const r = run(book, [], act);
  const f = F(r);
  assert.deepEqual([...f.exchangeTimestamp], [5, 7, 9]);
  near(f.amount[0], 0.4);
  near(f.amount[1], 0.6);
  near(f.amount[2], 0.3);
  assert.deepEqual([...f.price], [100.5, 100.5, 100.5]);
  assert.deepEqual([...f.isMaker], [1, 1, 1]);
  // crossFills: false → no fill at all
  assert.equal(run(book, [], act, { crossFills: false }).raw.fills.length, 0);
  // a market book that is itself crossed (bid 101 ≥ ask 100.5: bad data) gives no fill
  const crossedMarket: BookRow[] = [...SNAP, [5, 5, 1, 101, 1], [5, 5, -1, 100.5, 0.4]];
  assert.equal(run(crossedMarket, [], act).raw.fills.length, 0);
});

test("cancel race under latency: a fill that reaches the order before the cancel wins", () => {
  // 10 µs each way. Order sent at 1 arrives at 11 (bid 1 @ 100.5, a new level: ahead 0), acknowledged at 21. Cancel
  // sent at 22 arrives at 32. A sell of 5 @ 100.5 at exchange time 25 fills the whole order first. The cancel is
  // rejected (race lost); the strategy learns of the fill at 35 and still shows pendingCancel before that.
  const lat = constantLatency({ entryUs: 10, responseUs: 10 });
  const acts = {
    1: (c: StrategyContext) => void c.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" }),
    22: (c: StrategyContext) => c.cancel(c.openOrders[0].id),
  };
  const r = run(SNAP, [[25, 25, 100.5, 5, -1]], acts, { latency: lat });
  assert.equal(r.raw.fills.length, 1);
  assert.equal(F(r).exchangeTimestamp[0], 25);
  assert.equal(F(r).localTimestamp[0], 35);
  assert.equal(r.raw.orders.cancelRacesLost, 1);
  assert.equal(r.raw.orders.cancelled, 0);
  assert.equal(r.orders.get(10)![0].status, "pendingNew", "ack arrives at 21");
  assert.equal(r.orders.get(21)![0].status, "open");
  assert.equal(r.orders.get(34)![0].status, "pendingCancel");
  assert.equal(r.orders.get(35)!.length, 0);
  assert.equal(r.fills.length, 1);
  assert.equal(r.fills[0].localUs, 35);

  // a partial fill before the cancel: 0.4 fills at 25, the cancel removes the rest at 32
  const r2 = run(SNAP, [[25, 25, 100.5, 0.4, -1]], acts, { latency: lat });
  assert.equal(r2.raw.fills.length, 1);
  near(F(r2).amount[0], 0.4);
  assert.equal(r2.raw.orders.cancelled, 1);
  assert.equal(r2.raw.orders.cancelRacesLost, 0);
  // the same trade after the cancel arrived (exchange time 33): no fill
  const r3 = run(SNAP, [[33, 33, 100.5, 5, -1]], acts, { latency: lat });
  assert.equal(r3.raw.fills.length, 0);
  assert.equal(r3.raw.orders.cancelled, 1);
  // a trade stamped exactly at the order's arrival time (1 + 4) is processed first (market data before our
  // messages at equal times): no fill; one µs later it fills
  const lat4 = constantLatency({ entryUs: 4, responseUs: 0 });
  assert.equal(run(SNAP, [[5, 5, 100.5, 5, -1]], { 1: acts[1] }, { latency: lat4 }).raw.fills.length, 0);
  assert.equal(run(SNAP, [[6, 6, 100.5, 5, -1]], { 1: acts[1] }, { latency: lat4 }).raw.fills.length, 1);
});

test("fees and rebates: maker rebate, taker fee, per-fill fixed fee charged on every partial fill", () => {
  // maker −0.5 bps: buy 2 @ 100.5 filled in two partials of 1 → fee −0.5e−4·100.5 each; cash = −201 + 2·0.005025
  const trades: TradeRow[] = [[10, 10, 100.5, 1, -1], [11, 11, 100.5, 1, -1]];
  const act = { 1: (c: StrategyContext) => void c.submit({ side: 1, price: 100.5, amount: 2, type: "postOnly" }) };
  const r = run(SNAP, trades, act, { fees: bpsFees({ makerBps: -0.5, takerBps: 5 }) });
  const f = F(r);
  near(f.fee[0], -0.5e-4 * 100.5);
  near(f.fee[1], -0.5e-4 * 100.5);
  near(f.cash[1], -201 + 2 * 0.5e-4 * 100.5, 1e-9);
  near(r.raw.final.fees, -2 * 0.5e-4 * 100.5);
  // per-fill fixed: 0.01 per maker fill → 0.02 for the two partials
  const r2 = run(SNAP, trades, act, { fees: perFillFees({ makerFee: 0.01, takerFee: 0.05 }) });
  near(r2.raw.final.fees, 0.02);
  near(r2.raw.final.cash, -201 - 0.02, 1e-9);
  // a taker fill pays the taker side
  const r3 = run(SNAP, [], { 1: (c) => void c.submit({ side: 1, price: 101, amount: 1, type: "ioc" }) }, { fees: perFillFees({ makerFee: 0.01, takerFee: 0.05, takerBps: 10 }) });
  near(r3.raw.final.fees, 0.05 + 10e-4 * 101);
});

test("several own orders at one price share a trade in arrival order", () => {
  // two bids 1 @ 100.5 (new level, ahead 0 each); a sell of 1.5: the first gets 1, the second 0.5
  const r = run(SNAP, [[10, 10, 100.5, 1.5, -1]], {
    1: (c) => {
      c.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" });
      c.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" });
    },
  });
  const f = F(r);
  assert.deepEqual([...f.orderId], [1, 2]);
  near(f.amount[0], 1);
  near(f.amount[1], 0.5);
});
