/**
 * The engine's clocks and invariants: no look-ahead (the strategy sees nothing received after `now`, checked against
 * an independent replay, and with data whose receive times lie far in the future), clock alignment, schedules,
 * FIFO message paths, quote keep/replace, the run window, determinism (bit-identical) and conservation
 * (cash + position·mark = the PnL ledger's equity at every fill and every sample).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { createRng } from "../../src/frame/rng";
import type { BookChangeColumns, BookChangeFrame, TradeColumns, TradeFrame } from "../../src/data/schemas";
import { replayBook } from "../../src/data/book";
import { asofIndex } from "../../src/frame/asof";
import { ledgerFromFills } from "../../src/inventory/ledger";
import { prepareMarketData, mergedOrder, type MarketStreams } from "../../src/backtest/data";
import { runEngine } from "../../src/backtest/engine";
import { riskAverseQueue, powerProbQueue } from "../../src/backtest/queue";
import { constantLatency, logNormalLatency, type LatencyModel } from "../../src/backtest/latency";
import { bpsFees } from "../../src/backtest/fees";
import type { BacktestRaw, Strategy, StrategyContext, StrategySchedule } from "../../src/backtest/types";
import { DataError, ArgumentError } from "../../src/errors";

/**
 * A random but consistent market: tick 0.01 around 100, one atomic update per ~1 ms (the best bid moves −1/0/+1
 * tick, spread 1–2 ticks, the 5 levels each side rewritten, levels that would cross deleted), trades at the touch
 * between updates. Receive times are increasing; exchange times = receive − a random feed latency (100–2,500 µs), so
 * they are sometimes out of order (repaired by data.ts).
 */
function market(seed: number, groups: number): { depth: BookChangeFrame; trades: TradeFrame } {
  const r = createRng(seed);
  const B: number[][] = [];
  const T: number[][] = [];
  let b = 10000;
  let a = 10001;
  let local = 1_000_000;
  const px = (k: number) => k / 100;
  for (let g = 0; g < groups; g++) {
    local += 200 + r.int(1600);
    const exch = local - 100 - r.int(2400);
    const snap = g === 0 ? 1 : 0;
    const nb = b + (g === 0 ? 0 : r.int(3) - 1);
    const na = nb + 1 + r.int(2);
    for (let k = nb + 1; k <= Math.max(b, nb); k++) if (g > 0) B.push([exch, local, snap, 1, px(k), 0]);
    for (let k = Math.min(a, na); k < na; k++) if (g > 0) B.push([exch, local, snap, -1, px(k), 0]);
    for (let k = 0; k < 5; k++) {
      B.push([exch, local, snap, 1, px(nb - k), (1 + r.int(40)) / 10]);
      B.push([exch, local, snap, -1, px(na + k), (1 + r.int(40)) / 10]);
    }
    b = nb;
    a = na;
    if (r.next() < 0.4) {
      const tl = local + 1 + r.int(150);
      const s = r.next() < 0.5 ? 1 : -1;
      T.push([tl - 100 - r.int(2400), tl, s > 0 ? px(a) : px(b), (1 + r.int(30)) / 10, s]);
    }
  }
  const n = B.length;
  const d: BookChangeColumns = {
    timestamp: new Float64Array(n), localTimestamp: new Float64Array(n), isSnapshot: new Int8Array(n), side: new Int8Array(n),
    price: new Float64Array(n), amount: new Float64Array(n), updateId: new Float64Array(n).fill(NaN),
  };
  B.forEach(([e, l, s, sd, p, q], i) => {
    d.timestamp[i] = e;
    d.localTimestamp[i] = l;
    d.isSnapshot[i] = s;
    d.side[i] = sd;
    d.price[i] = p;
    d.amount[i] = q;
  });
  const m = T.length;
  const t: TradeColumns = {
    timestamp: new Float64Array(m), localTimestamp: new Float64Array(m), price: new Float64Array(m), amount: new Float64Array(m),
    side: new Int8Array(m), id: new Float64Array(m).fill(NaN),
  };
  T.forEach(([e, l, p, q, s], i) => {
    t.timestamp[i] = e;
    t.localTimestamp[i] = l;
    t.price[i] = p;
    t.amount[i] = q;
    t.side[i] = s;
  });
  return { depth: new Frame(d), trades: new Frame(t) };
}

/** Fixed spread of `half` around the local mid, size `size`, on the given schedule. */
function fixedSpread(half: number, size: number, schedule: StrategySchedule, extra?: (ctx: StrategyContext) => void): Strategy {
  return {
    name: "fixed-test",
    schedule,
    onTick(ctx) {
      extra?.(ctx);
      const m = ctx.book.mid();
      if (m === m) ctx.quote(m - half, size, m + half, size);
      else ctx.quote(NaN, 0, NaN, 0);
    },
  };
}

function runOn(streams: MarketStreams, strategy: Strategy, latency: LatencyModel, seed = 7, extra: Partial<Parameters<typeof runEngine>[0]> = {}): BacktestRaw {
  return runEngine({ streams, strategy, queueModel: powerProbQueue(2), latency, fees: bpsFees({ makerBps: -0.5, takerBps: 5 }), seed, ...extra });
}

test("no look-ahead: every strategy call sees exactly the events received up to now (book, trades, mids, fills)", () => {
  const { depth, trades } = market(11, 3000);
  const streams = prepareMarketData(depth, trades);
  const ref = replayBook(depth); // one row per atomic update, with its receive time
  const refLocal = ref.f64("localTimestamp");
  const tradeLocal = trades.columns.localTimestamp;
  for (const schedule of [{ kind: "interval", intervalUs: 300 }, { kind: "event" }] as StrategySchedule[]) {
    for (const shift of [0, 1500]) {
      let calls = 0;
      let fillsSeen = 0;
      let pendingFills: number[] = []; // localUs of the fill reports delivered since the last onTick
      const exact = schedule.kind === "interval";
      const check = (ctx: StrategyContext) => {
        calls++;
        const now = ctx.now;
        const tp = ctx.trades;
        // the tape holds the trades received by now (data time + shift) and none later; on the interval schedule
        // exactly all of them (on the event schedule, other events stamped `now` may still be queued behind this call)
        const all = asofIndex([now - shift], tradeLocal)[0] + 1;
        if (exact) assert.equal(tp.count, all);
        else assert.ok(tp.count <= all && tp.count >= asofIndex([now - shift], tradeLocal, 0, false)[0] + 1);
        for (let i = 0; i < tp.count; i++) assert.ok(tp.localTimestamp[i] <= now);
        if (ctx.mids.count > 0) assert.ok(ctx.mids.localTimestamp[ctx.mids.count - 1] <= now);
        // the local book equals an independent replay as of now
        let k = asofIndex([now - shift], refLocal)[0];
        if (!exact && k >= 0 && refLocal[k] === now - shift && ctx.book.bestBid() !== ref.f64("bidPrice")[k]) k--;
        if (k >= 0) {
          assert.equal(ctx.book.bestBid(), ref.f64("bidPrice")[k]);
          assert.equal(ctx.book.bestAsk(), ref.f64("askPrice")[k]);
          assert.equal(ctx.book.bestBidAmount(), ref.f64("bidAmount")[k]);
          assert.equal(ctx.book.bestAskAmount(), ref.f64("askAmount")[k]);
        }
        // every fill report delivered since the previous call was received by now
        for (const l of pendingFills) assert.ok(l <= now, `fill received at ${l} reported before onTick at ${now}`);
        pendingFills = [];
      };
      const strat: Strategy = {
        ...fixedSpread(0.01, 0.5, schedule, check),
        onFill(f, ctx) {
          assert.ok(f.localUs <= ctx.now, `fill received at ${f.localUs} reported at ${ctx.now}`);
          assert.equal(f.localUs, ctx.now, "a fill report is delivered when it arrives");
          assert.ok(f.exchangeUs < f.localUs, "a fill is learned after it happens");
          pendingFills.push(f.localUs);
          fillsSeen++;
        },
      };
      const raw = runOn(streams, strat, logNormalLatency({ entryMedianUs: 800, sigma: 0.7, marketDataShiftUs: shift }));
      // every fill whose report arrived within the run was delivered to onFill, and none other
      let due = 0;
      for (let i = 0; i < raw.fills.length; i++) if (raw.fills.columns.localTimestamp[i] <= raw.endUs) due++;
      assert.equal(fillsSeen, due);
      assert.ok(calls > 3000, `the strategy is called often (${calls})`);
      assert.ok(raw.fills.length > 20, `the test strategy must trade (${raw.fills.length} fills)`);
    }
  }
});

test("no look-ahead with future data: a trade received late is invisible until received, though the exchange acts on it", () => {
  // book: bid 100 / ask 101; our bid 1 @ 100.5 rests from t≈0. A sell of 2 @ 100.5 happens at exchange time 100 but
  // is received only at 5000 (a stalled public feed). The exchange fills us at 100; the private fill report arrives at
  // 100 + 50 = 150; the strategy never sees the trade on its tape before 5000.
  const d: BookChangeColumns = {
    timestamp: Float64Array.of(0, 0), localTimestamp: Float64Array.of(0, 0), isSnapshot: Int8Array.of(1, 1), side: Int8Array.of(1, -1),
    price: Float64Array.of(100, 101), amount: Float64Array.of(1, 1), updateId: Float64Array.of(NaN, NaN),
  };
  const t: TradeColumns = {
    timestamp: Float64Array.of(100), localTimestamp: Float64Array.of(5000), price: Float64Array.of(100.5), amount: Float64Array.of(2),
    side: Int8Array.of(-1), id: Float64Array.of(1),
  };
  const streams = prepareMarketData(new Frame(d), new Frame(t), { tickSize: 0.5, lotSize: 0.5 });
  const seen: Array<[number, number, number]> = [];
  const strat: Strategy = {
    name: "probe",
    schedule: { kind: "interval", intervalUs: 50 },
    onStart(ctx) {
      ctx.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" });
    },
    onTick(ctx) {
      seen.push([ctx.now, ctx.trades.count, ctx.position]);
    },
  };
  const raw = runEngine({ streams, strategy: strat, queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 10, responseUs: 50 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 1, startUs: 0, endUs: 6000 });
  assert.equal(raw.fills.length, 1);
  assert.equal(raw.fills.columns.exchangeTimestamp[0], 100);
  assert.equal(raw.fills.columns.localTimestamp[0], 150);
  for (const [now, count, pos] of seen) {
    assert.equal(count, now >= 5000 ? 1 : 0, `trade tape at ${now}`);
    assert.equal(pos, now >= 150 ? 1 : 0, `position at ${now}`);
  }
});

test("onFill gets the local book's mid at the report's arrival, the fill columns the exchange-side mid at the match", () => {
  // book bid 100 / ask 101 (mid 100.5); at exchange time 80 the ask moves to 103 (exchange mid 101.5), but the feed
  // delivers that only at 3000. Our bid 1 @ 100.5 is filled by a sell at exchange time 100; the report arrives at 150
  // (response latency 50 < feed latency 2920): the strategy must not learn the 101.5 mid from its fill report.
  const d: BookChangeColumns = {
    timestamp: Float64Array.of(0, 0, 80, 80), localTimestamp: Float64Array.of(0, 0, 3000, 3000), isSnapshot: Int8Array.of(1, 1, 0, 0),
    side: Int8Array.of(1, -1, -1, -1), price: Float64Array.of(100, 101, 101, 103), amount: Float64Array.of(1, 1, 0, 1),
    updateId: Float64Array.of(NaN, NaN, NaN, NaN),
  };
  const t: TradeColumns = {
    timestamp: Float64Array.of(100), localTimestamp: Float64Array.of(5000), price: Float64Array.of(100.5), amount: Float64Array.of(2),
    side: Int8Array.of(-1), id: Float64Array.of(1),
  };
  const streams = prepareMarketData(new Frame(d), new Frame(t), { tickSize: 0.5, lotSize: 0.5 });
  const got: Array<[number, number]> = [];
  const strat: Strategy = {
    name: "probe",
    schedule: { kind: "interval", intervalUs: 50 },
    onStart(ctx) {
      ctx.submit({ side: 1, price: 100.5, amount: 1, type: "postOnly" });
    },
    onTick() {},
    onFill(f, ctx) {
      got.push([f.mid, ctx.book.mid()]);
    },
  };
  const raw = runEngine({ streams, strategy: strat, queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 10, responseUs: 50 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 1, startUs: 0, endUs: 6000 });
  assert.equal(raw.fills.length, 1);
  assert.equal(raw.fills.columns.localTimestamp[0], 150);
  assert.equal(raw.fills.columns.mid[0], 101.5, "the result keeps the exchange-side mid at the match");
  assert.deepEqual(got, [[100.5, 100.5]], "the strategy sees the local mid (the ask move is received only at 3000)");
});

test("clock alignment: receive times before exchange times are shifted by one constant (aligned) or rejected (raw)", () => {
  const { depth, trades } = market(3, 200);
  // make the exchange clock run 1.27 s ahead of the receive clock, as on the Binance capture
  const d2 = new Frame({ ...depth.columns, timestamp: depth.columns.timestamp.map((x) => x + 1_270_000) }) as BookChangeFrame;
  const t2 = new Frame({ ...trades.columns, timestamp: trades.columns.timestamp.map((x) => x + 1_270_000) }) as TradeFrame;
  assert.throws(() => prepareMarketData(d2, t2, { clock: "raw" }), DataError);
  const s = prepareMarketData(d2, t2, { minFeedLatencyUs: 50 });
  assert.ok(s.minFeedLatencyRawUs < -1_000_000);
  assert.equal(s.clockShiftUs, s.minFeedLatencyRawUs - 50);
  let minFeed = Infinity;
  for (let g = 0; g < s.nGroups; g++) minFeed = Math.min(minFeed, s.groupLocalUs[g] - s.groupExchUs[g]);
  for (let i = 0; i < s.nTrades; i++) minFeed = Math.min(minFeed, s.tradeLocalUs[i] - s.tradeExchUs[i]);
  assert.equal(minFeed, 50);
  // unaligned data are not shifted; out-of-order exchange times are raised and counted
  const s0 = prepareMarketData(depth, trades);
  assert.equal(s0.clockShiftUs, 0);
  const raised = s0.issues.find((i) => i.kind === "exchange-time-raised");
  assert.ok(raised && raised.count > 0 && raised.action === "repaired");
  for (let g = 1; g < s0.nGroups; g++) assert.ok(s0.groupExchUs[g] >= s0.groupExchUs[g - 1]);
  // merged orders: each clock sorted, every event once, trades before book updates at equal times
  for (const clock of ["exchange", "local"] as const) {
    const o = mergedOrder(s0, clock);
    assert.equal(o.length, s0.nGroups + s0.nTrades);
    let prev = -Infinity;
    for (const v of o) {
      const tt = v >= 0 ? (clock === "exchange" ? s0.groupExchUs[v] : s0.groupLocalUs[v]) : clock === "exchange" ? s0.tradeExchUs[-1 - v] : s0.tradeLocalUs[-1 - v];
      assert.ok(tt >= prev);
      prev = tt;
    }
  }
  // receive times out of order are an error naming the row
  const bad = new Frame({ ...trades.columns, localTimestamp: trades.columns.localTimestamp.slice().reverse() }) as TradeFrame;
  assert.throws(() => prepareMarketData(depth, bad), (e: unknown) => e instanceof DataError && /trades:2/.test((e as Error).message));
});

test("interval schedule: calls at start + k·interval up to end; event schedule: on every local event", () => {
  const { depth, trades } = market(5, 400);
  const streams = prepareMarketData(depth, trades);
  const times: number[] = [];
  const s: Strategy = { name: "t", schedule: { kind: "interval", intervalUs: 10_000 }, onTick: (c) => void times.push(c.now) };
  const start = streams.groupLocalUs[10];
  const end = start + 95_000;
  const raw = runEngine({ streams, strategy: s, queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 0 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 1, startUs: start, endUs: end });
  assert.deepEqual(times, Array.from({ length: 10 }, (_, k) => start + k * 10_000));
  assert.equal(raw.samples.length, 10);
  assert.equal(raw.startUs, start);
  // event mode: 1 start call + one per group and trade received in (start, end]
  let n = 0;
  const e: Strategy = { name: "e", schedule: { kind: "event" }, onTick: () => void n++ };
  runEngine({ streams, strategy: e, queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 0 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 1, startUs: start, endUs: end });
  let expected = 1;
  for (let g = 0; g < streams.nGroups; g++) if (streams.groupLocalUs[g] > start && streams.groupLocalUs[g] <= end) expected++;
  for (let i = 0; i < streams.nTrades; i++) if (streams.tradeLocalUs[i] > start && streams.tradeLocalUs[i] <= end) expected++;
  assert.equal(n, expected);
  // sampleIntervalUs thins the samples
  const raw2 = runEngine({ streams, strategy: e, queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 0 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 1, startUs: start, endUs: end, sampleIntervalUs: 20_000 });
  assert.ok(raw2.samples.length >= 4 && raw2.samples.length <= 6, `${raw2.samples.length}`);
  assert.throws(() => runEngine({ streams, strategy: { ...s, schedule: { kind: "interval", intervalUs: 0 } }, queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 0 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 1 }), ArgumentError);
});

test("quote() keeps an unchanged order (queue place), replaces a changed side, rounds to tick and lot, refuses a self-cross", () => {
  const { depth, trades } = market(9, 300);
  const streams = prepareMarketData(depth, trades);
  const ids: number[][] = [];
  let step = 0;
  const s: Strategy = {
    name: "q",
    schedule: { kind: "interval", intervalUs: 20_000 },
    onTick(ctx) {
      step++;
      if (step <= 2) ctx.quote(90.004, 0.123, 110.001, 0.2); // → bid 90.00 × 0.1, ask 110.01 × 0.2
      else if (step === 3) ctx.quote(89.99, 0.1, 110.01, 0.2); // bid moves, ask unchanged
      else if (step === 4) ctx.quote(NaN, 0, NaN, 0); // pull both
      ids.push(ctx.openOrders.filter((o) => o.status !== "pendingCancel").map((o) => o.id));
      if (step === 2) {
        const o = ctx.openOrders;
        assert.deepEqual(o.map((x) => [x.side, x.price, x.amount, x.type]), [[1, 90, 0.1, "postOnly"], [-1, 110.01, 0.2, "postOnly"]]);
        assert.throws(() => ctx.quote(100, 1, 100, 1), ArgumentError);
      }
    },
  };
  const raw = runEngine({ streams, strategy: s, queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 500 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 1, endUs: streams.groupLocalUs[0] + 100_000 });
  assert.deepEqual(ids.slice(0, 4), [[1, 2], [1, 2], [2, 3], []]);
  assert.equal(raw.orders.submitted, 3);
  assert.equal(raw.orders.cancelled, 3);
  // the sample shows our quotes after the call
  assert.equal(raw.samples.columns.bid[0], 90);
  assert.equal(raw.samples.columns.ask[0], 110.01);
  assert.ok(Number.isNaN(raw.samples.columns.bid[3]));
});

test("message paths are FIFO under random latency: a cancel sent right after its order never overtakes it", () => {
  const { depth, trades } = market(4, 500);
  const streams = prepareMarketData(depth, trades);
  const s: Strategy = {
    name: "fifo",
    schedule: { kind: "interval", intervalUs: 3000 },
    onTick(ctx) {
      const id = ctx.submit({ side: 1, price: 90, amount: 0.1, type: "postOnly" });
      ctx.cancel(id);
    },
  };
  const raw = runEngine({ streams, strategy: s, queueModel: riskAverseQueue(), latency: logNormalLatency({ entryMedianUs: 2000, sigma: 1.5 }), fees: bpsFees({ makerBps: 0, takerBps: 0 }), seed: 3 });
  assert.ok(raw.orders.submitted > 100);
  assert.equal(raw.orders.cancelled, raw.orders.submitted);
  assert.equal(raw.orders.rejected, 0);
});

function sameBits(a: Frame, b: Frame): void {
  assert.deepEqual(a.names, b.names);
  for (const n of a.names) {
    const x = a.columns[n] as Float64Array, y = b.columns[n] as Float64Array;
    assert.deepEqual(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), new Uint8Array(y.buffer, y.byteOffset, y.byteLength), n);
  }
}

test("determinism: same data, configuration and seed give bit-identical fills and samples; another seed differs", () => {
  const { depth, trades } = market(21, 2500);
  const streams = prepareMarketData(depth, trades);
  const mk = () => fixedSpread(0.01, 0.3, { kind: "interval", intervalUs: 5000 });
  const lat = logNormalLatency({ entryMedianUs: 1500, sigma: 0.8 });
  const a = runOn(streams, mk(), lat, 42);
  const b = runOn(prepareMarketData(depth, trades), mk(), lat, 42);
  assert.ok(a.fills.length > 20);
  sameBits(a.fills, b.fills);
  sameBits(a.samples, b.samples);
  assert.deepEqual(a.orders, b.orders);
  assert.deepEqual(a.final, b.final);
  const c = runOn(streams, mk(), lat, 43);
  assert.notDeepEqual([...c.fills.columns.localTimestamp], [...a.fills.columns.localTimestamp]);
});

test("conservation: cash + position·mark equals the PnL ledger at every fill and at every sample", () => {
  const { depth, trades } = market(33, 3000);
  const streams = prepareMarketData(depth, trades);
  // aggressive enough to trade both ways, with an occasional taker order to exercise taker fees
  let k = 0;
  const strat = fixedSpread(0.005, 0.4, { kind: "interval", intervalUs: 2000 }, (ctx) => {
    if (++k % 97 === 0) ctx.submit({ side: ctx.position > 0 ? -1 : 1, price: NaN, amount: 0.2, type: "market" });
  });
  const raw = runOn(streams, strat, constantLatency({ entryUs: 700, responseUs: 900 }));
  const F = raw.fills.columns;
  const n = raw.fills.length;
  assert.ok(n > 50 && raw.orders.partiallyOrFullyFilled > raw.orders.filled, "partial fills must occur");
  assert.ok(F.isMaker.includes(0) && F.isMaker.includes(1));
  const led = ledgerFromFills({ timestamp: F.exchangeTimestamp, side: F.side, price: F.price, amount: F.amount, fee: F.fee, mid: F.mid, isMaker: F.isMaker });
  const E = led.rows.columns;
  for (let i = 0; i < n; i++) {
    assert.equal(E.qty[i] === 0 ? 0 : E.qty[i], F.position[i] === 0 ? 0 : F.position[i]);
    const ours = F.cash[i] + F.position[i] * F.mid[i];
    assert.ok(Math.abs(ours - E.equity[i]) <= 1e-9 * (1 + Math.abs(F.cash[i])), `fill ${i}: ${ours} vs ledger ${E.equity[i]}`);
  }
  // samples: the strategy's position/cash are the fills received by then; equity = cash + q·mid there
  const S = raw.samples.columns;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => F.localTimestamp[x] - F.localTimestamp[y] || x - y);
  let j = 0;
  let q = 0, cash = 0, fees = 0;
  for (let i = 0; i < raw.samples.length; i++) {
    while (j < n && F.localTimestamp[order[j]] <= S.localTimestamp[i]) {
      const r = order[j++];
      q += F.side[r] * F.amount[r];
      cash -= F.side[r] * F.price[r] * F.amount[r] + F.fee[r];
      fees += F.fee[r];
    }
    assert.ok(Math.abs(S.position[i] - q) <= 1e-9);
    assert.ok(Math.abs(S.cash[i] - cash) <= 1e-9 * (1 + Math.abs(cash)));
    // equity from the independently rebuilt q and cash, marked at the sample's mid (flat: cash alone)
    const eq = Math.abs(q) <= 1e-12 ? cash : cash + q * S.mid[i];
    const tol = 1e-9 * (1 + Math.abs(cash) + Math.abs(q * S.mid[i]));
    assert.ok(Math.abs(S.equity[i] - eq) <= tol, `sample ${i}: equity ${S.equity[i]} vs rebuilt ${eq}`);
    assert.ok(Math.abs(S.equityNoFees[i] - (eq + fees)) <= tol, `sample ${i}: equityNoFees ${S.equityNoFees[i]} vs rebuilt ${eq + fees}`);
  }
  assert.equal(raw.final.position, F.position[n - 1]);
  assert.equal(raw.final.cash, F.cash[n - 1]);
});
