import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame } from "../../src/frame/frame";
import { OrderBook } from "../../src/data/book";
import type { BookChangeColumns, BookChangeFrame, TradeColumns, TradeFrame } from "../../src/data/schemas";
import { simulateExecution, walkBook, type ChildSchedule, type SimulateExecutionOptions } from "../../src/execution/simulate";
import { createRng } from "../../src/frame/rng";
import { ArgumentError } from "../../src/errors";
import { needData } from "../helpers";
import { defaultMarket } from "../../src/data/catalog";
import { loadTardisBookL2, loadTardisTrades } from "../../src/data/tardis";

const f = (a: number[]) => Float64Array.from(a);

type Level = [number, number, number, number]; // time, side, price, amount
function bookFrame(rows: Level[], snapshotRows = 0): BookChangeFrame {
  const n = rows.length;
  const c: BookChangeColumns = {
    timestamp: new Float64Array(n), localTimestamp: new Float64Array(n), isSnapshot: new Int8Array(n), side: new Int8Array(n),
    price: new Float64Array(n), amount: new Float64Array(n), updateId: new Float64Array(n).fill(NaN),
  };
  rows.forEach(([t, s, p, a], i) => {
    c.timestamp[i] = c.localTimestamp[i] = t;
    c.side[i] = s;
    c.price[i] = p;
    c.amount[i] = a;
    c.isSnapshot[i] = i < snapshotRows ? 1 : 0;
  });
  return new Frame(c);
}
type Tr = [number, number, number, number]; // time, price, amount, aggressor side
function tradeFrame(rows: Tr[]): TradeFrame {
  const n = rows.length;
  const c: TradeColumns = {
    timestamp: new Float64Array(n), localTimestamp: new Float64Array(n), price: new Float64Array(n), amount: new Float64Array(n),
    side: new Int8Array(n), id: new Float64Array(n),
  };
  rows.forEach(([t, p, a, s], i) => {
    c.timestamp[i] = c.localTimestamp[i] = t;
    c.price[i] = p;
    c.amount[i] = a;
    c.side[i] = s;
    c.id[i] = i;
  });
  return new Frame(c);
}
/** Bids 99 (1), 98 (2), 97 (5); asks 101 (1), 102 (2), 103 (5); mid 100; snapshot at t = 0. */
const SNAP: Level[] = [
  [0, 1, 99, 1], [0, 1, 98, 2], [0, 1, 97, 5], [0, -1, 101, 1], [0, -1, 102, 2], [0, -1, 103, 5],
];
const sched = (starts: number[], ends: number[], q: number[]): ChildSchedule => ({ sliceStartUs: f(starts), sliceEndUs: f(ends), quantity: f(q) });
const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

test("walkBook: exact VWAP of the consumed levels; collar; consumption", () => {
  const b = new OrderBook();
  for (const [, s, p, a] of SNAP) b.apply(s, p, a);
  const w = walkBook(b, 1, 2.5);
  assert.deepEqual([...w.prices], [101, 102]);
  assert.deepEqual([...w.amounts], [1, 1.5]);
  assert.equal(w.vwap, (101 * 1 + 102 * 1.5) / 2.5);
  const s = walkBook(b, -1, 4);
  assert.deepEqual([...s.prices], [99, 98, 97]);
  assert.equal(s.vwap, (99 + 98 * 2 + 97) / 4);
  assert.equal(walkBook(b, 1, 10, { limitPrice: 102 }).filled, 3);
  const used = new Map<number, number>();
  walkBook(b, 1, 1.5, { consumed: used });
  assert.deepEqual([...used.entries()], [[101, 1], [102, 0.5]]);
  const again = walkBook(b, 1, 2, { consumed: used });
  assert.deepEqual([...again.prices], [102, 103]);
  assert.deepEqual([...again.amounts], [1.5, 0.5]);
  assert.equal(b.bestAskAmount(), 1, "the book itself is not modified");
});

test("marketable child walking a hand-built book: fills at the levels, VWAP and TCA", () => {
  const depth = bookFrame(SNAP, SNAP.length);
  const r = simulateExecution({ data: { depth, trades: tradeFrame([[15, 100, 1, 1]]) }, side: 1, quantity: 2.5, schedule: sched([10], [20], [2.5]), childOrder: "marketable", fees: { takerBps: 10 } });
  assert.deepEqual([...r.fills.columns.price], [101, 102]);
  assert.deepEqual([...r.fills.columns.amount], [1, 1.5]);
  assert.deepEqual([...r.fills.columns.time], [10, 10]);
  assert.equal(r.filled, 2.5);
  assert.equal(r.tca.avgPrice, (101 + 153) / 2.5);
  assert.equal(r.tca.benchmarks.arrival, 100);
  assert.equal(r.tca.slippageBps.arrival, ((r.tca.avgPrice - 100) / 100) * 1e4);
  assert.ok(Math.abs(r.tca.fees - (254 * 10) / 1e4) < 1e-12);
  assert.equal(r.tca.shortfall.impact, 254 - 250); // all paid vs the mid 100
  // a sell walks the bids
  const s = simulateExecution({ data: { depth, trades: tradeFrame([]) }, side: -1, quantity: 3, schedule: sched([10], [20], [3]), childOrder: "marketable" });
  assert.equal(s.tca.avgPrice, (99 + 196) / 3);
  assert.equal(s.tca.slippage.arrival, 100 - (99 + 196) / 3);
});

test("consumption persists within a slice, not across slices; collar and retries", () => {
  const depth = bookFrame(SNAP, SNAP.length);
  // collar 50 bps around 101: only the 101 level (1 unit) is reachable
  const pol = { collarBps: 50, retries: { max: 2, delayUs: 1 }, deadlineCatchUp: false };
  const one = simulateExecution({ data: { depth, trades: tradeFrame([]) }, side: 1, quantity: 2, schedule: sched([10], [20], [2]), childOrder: "marketable", policies: pol });
  assert.equal(one.filled, 1, "the second try in the slice finds the 101 level already taken by us");
  assert.equal(one.counts.failedSlices, 1);
  assert.deepEqual(one.events.columns.kind, ["send", "partial", "retry", "send", "partial", "retry", "send", "partial", "failed"]);
  const two = simulateExecution({ data: { depth, trades: tradeFrame([]) }, side: 1, quantity: 2, schedule: sched([10, 20], [20, 30], [1, 1]), childOrder: "marketable", policies: pol });
  assert.equal(two.filled, 2, "each slice sees the book as the history shows it");
  assert.deepEqual([...two.fills.columns.price], [101, 101]);
  // fill-or-kill: nothing fills at all
  const fok = simulateExecution({ data: { depth, trades: tradeFrame([]) }, side: 1, quantity: 2, schedule: sched([10], [20], [2]), childOrder: "marketable", policies: { ...pol, partialFills: false } });
  assert.equal(fok.filled, 0);
  assert.equal(fok.counts.killed, 3);
});

test("latency: the child walks the book prevailing at send time + latency", () => {
  const depth = bookFrame([...SNAP, [15, -1, 101, 0], [15, -1, 101.5, 4]], SNAP.length);
  const r0 = simulateExecution({ data: { depth, trades: tradeFrame([]) }, side: 1, quantity: 1, schedule: sched([10], [20], [1]), childOrder: "marketable" });
  const r1 = simulateExecution({ data: { depth, trades: tradeFrame([]) }, side: 1, quantity: 1, schedule: sched([10], [20], [1]), childOrder: "marketable", latency: { orderUs: 5 } });
  assert.deepEqual([...r0.fills.columns.price], [101]);
  assert.deepEqual([...r1.fills.columns.price], [101.5]);
  assert.deepEqual([...r1.fills.columns.time], [15]);
});

/** A synthetic market: the SNAP book refreshed every 50 µs with small random size changes, and random trades every 10 µs. */
function synthetic(seed: number, until = 1000): { depth: BookChangeFrame; trades: TradeFrame } {
  const rng = createRng(seed);
  const rows: Level[] = [...SNAP.map(([, s, p, a]) => [0, s, p, a * 10] as Level)];
  for (let t = 50; t < until; t += 50) {
    rows.push([t, 1, 99, 5 + rng.int(10)]);
    rows.push([t, -1, 101, 5 + rng.int(10)]);
  }
  const tr: Tr[] = [];
  for (let t = 5; t < until; t += 10) {
    const s = rng.next() < 0.5 ? 1 : -1;
    tr.push([t, s === 1 ? 101 : 99, 0.1 + rng.int(10) / 10, s]);
  }
  return { depth: bookFrame(rows, SNAP.length), trades: tradeFrame(tr) };
}
const TWAP5 = sched([100, 200, 300, 400, 500], [200, 300, 400, 500, 600], [2, 2, 2, 2, 2]);

test("participation cap is never exceeded in any slice (marketable and limit), and catch-up completes the parent", () => {
  const data = synthetic(5);
  for (const childOrder of ["marketable", "limit"] as const) {
    for (const cap of [0.05, 0.2, 0.5]) {
      const r = simulateExecution({ data, side: 1, quantity: 10, schedule: TWAP5, childOrder, policies: { participationCap: cap } });
      const c = r.fills.columns;
      const perSlice = new Float64Array(5);
      for (let i = 0; i < r.fills.length; i++) if (!c.catchUp[i]) perSlice[c.slice[i]] += c.amount[i];
      const vol = r.perSlice.f64("marketVolume");
      for (let k = 0; k < 5; k++) assert.ok(perSlice[k] <= cap * vol[k] * (1 + 1e-12), `${childOrder} cap ${cap} slice ${k}: ${perSlice[k]} > ${cap}·${vol[k]}`);
      if (childOrder === "marketable") {
        // with zero latency and a deep book each trade's headroom is filled at once: filled = min(target, cap·volume)
        const target = r.perSlice.f64("effectiveTarget");
        for (let k = 0; k < 5; k++) assert.ok(Math.abs(perSlice[k] - Math.min(target[k], cap * vol[k])) < 1e-9, `slice ${k}: ${perSlice[k]} vs min(${target[k]}, ${cap * vol[k]})`);
      }
      assert.ok(Math.abs(r.filled - 10) < 1e-9, `${childOrder} cap ${cap}: catch-up completes the parent (filled ${r.filled})`);
      assert.ok(Math.abs(sum(c.amount) - 10) < 1e-9);
      assert.ok(Math.abs(r.counts.catchUpQuantity - (10 - sum(perSlice))) < 1e-9);
    }
  }
});

test("deadline catch-up: with it the parent completes; without it the remainder is left unfilled", () => {
  // limit children at 99 with no sell trades: nothing fills in the slices
  const depth = bookFrame(SNAP.map(([, s, p, a]) => [0, s, p, a * 10] as Level), SNAP.length);
  const trades = tradeFrame([[150, 101, 1, 1], [250, 101, 1, 1]]);
  const base = { data: { depth, trades }, side: 1 as const, quantity: 12, schedule: sched([100, 200], [200, 300], [6, 6]), childOrder: "limit" as const };
  const off = simulateExecution({ ...base, policies: { deadlineCatchUp: false } });
  assert.equal(off.filled, 0);
  assert.equal(off.unfilled, 12);
  assert.ok(off.tca.shortfall.opportunity === 0 && off.tca.shortfallBps.total === 0, "mid unchanged: no opportunity cost");
  const on = simulateExecution(base);
  assert.equal(on.filled, 12);
  assert.equal(on.counts.catchUpQuantity, 12);
  assert.deepEqual([...on.fills.columns.price], [101, 102]);
  assert.deepEqual([...on.fills.columns.time], [300, 300]);
  assert.deepEqual([...on.fills.columns.catchUp], [1, 1]);
  assert.deepEqual([...on.fills.columns.slice], [1, 1]);
  assert.equal(on.perSlice.f64("effectiveTarget")[1], 12, "carry-forward moved slice 0's shortfall into slice 1");
});

test("limit child: risk-averse queue at the touch, fills from trades at or through our price", () => {
  const depth = bookFrame(SNAP, SNAP.length);
  const trades = tradeFrame([
    [20, 99, 0.6, -1], // consumes 0.6 of the 1 ahead of us
    [30, 101, 5, 1], // buyer-initiated at the ask: irrelevant to our bid
    [40, 99, 1.0, -1], // 0.4 ahead left, 0.6 fills us
    [50, 98.5, 3, -1], // through our price: the rest (0.4) fills
  ]);
  const r = simulateExecution({ data: { depth, trades }, side: 1, quantity: 1, schedule: sched([10], [100], [1]), childOrder: "limit", fees: { makerBps: -1 } });
  const c = r.fills.columns;
  assert.deepEqual([...c.time], [40, 50]);
  assert.deepEqual([...c.price], [99, 99]);
  assert.ok(Math.abs(c.amount[0] - 0.6) < 1e-15 && Math.abs(c.amount[1] - 0.4) < 1e-15);
  assert.deepEqual([...c.isMaker], [1, 1]);
  assert.ok(r.tca.fees < 0, "maker rebate");
  assert.equal(r.tca.shortfall.impact, -1, "passive fills earn the half spread: 1·(99 − 100)");
  // all-or-none: the 0.6 partial is refused; the through-trade fills everything
  const aon = simulateExecution({ data: { depth, trades }, side: 1, quantity: 1, schedule: sched([10], [100], [1]), childOrder: "limit", policies: { partialFills: false } });
  assert.deepEqual([...aon.fills.columns.time], [50]);
  assert.deepEqual([...aon.fills.columns.amount], [1]);
  // the level shrinking below our queue-ahead shrinks it (risk-averse: cancels come from ahead only as far as they must)
  const shrink = bookFrame([...SNAP, [15, 1, 99, 0.2]], SNAP.length);
  const rs = simulateExecution({ data: { depth: shrink, trades: tradeFrame([[20, 99, 0.5, -1]]) }, side: 1, quantity: 1, schedule: sched([10], [100], [1]), childOrder: "limit", policies: { deadlineCatchUp: false } });
  assert.ok(Math.abs(rs.filled - 0.3) < 1e-15);
  // re-peg: the bid moves up to 99.5, we follow to the new touch (back of its queue: 2 ahead)
  const up = bookFrame([...SNAP, [15, 1, 99.5, 2]], SNAP.length);
  const rp = simulateExecution({ data: { depth: up, trades: tradeFrame([[20, 99.5, 2.5, -1]]) }, side: 1, quantity: 1, schedule: sched([10], [100], [1]), childOrder: "limit", policies: { deadlineCatchUp: false } });
  assert.equal(rp.counts.repegs, 1);
  assert.deepEqual([...rp.fills.columns.price], [99.5]);
  assert.ok(Math.abs(rp.filled - 0.5) < 1e-15);
});

test("limit child: a print through our price by our own side's aggressor does not fill us (as the backtest exchange)", () => {
  const depth = bookFrame(SNAP, SNAP.length);
  const base = { data: { depth, trades: tradeFrame([[20, 98.5, 3, 1]]) }, quantity: 1, schedule: sched([10], [100], [1]), childOrder: "limit" as const, policies: { deadlineCatchUp: false } };
  // resting bid at 99; a buyer-initiated print at 98.5 (below our bid) cannot have traded against it
  const buy = simulateExecution({ ...base, side: 1 });
  assert.equal(buy.fills.columns.time.length, 0);
  assert.equal(buy.filled, 0);
  // the same print by a seller (or an unknown aggressor, as exchange.ts) empties our level: we fill in full
  const sellAgg = simulateExecution({ ...base, data: { depth, trades: tradeFrame([[20, 98.5, 3, -1]]) }, side: 1 });
  assert.equal(sellAgg.filled, 1);
  const unknown = simulateExecution({ ...base, data: { depth, trades: tradeFrame([[20, 98.5, 3, 0]]) }, side: 1 });
  assert.equal(unknown.filled, 1);
  // mirror: resting ask at 101; a seller-initiated print above it does not fill, a buyer-initiated one does
  const sell = simulateExecution({ ...base, data: { depth, trades: tradeFrame([[20, 101.5, 3, -1]]) }, side: -1 });
  assert.equal(sell.filled, 0);
  const sellHit = simulateExecution({ ...base, data: { depth, trades: tradeFrame([[20, 101.5, 3, 1]]) }, side: -1 });
  assert.equal(sellHit.filled, 1);
});

test("cancel latency: a re-pegged or expiring limit order stays live until its cancel arrives, and can still fill", () => {
  // resting bid at 99 from t = 10 (orderUs 0). At t = 15 the 99 level empties (best bid 98): re-peg to 98 decided at
  // 15. A seller prints 0.5 at 99 at t = 17: it reaches the old order (nothing left ahead of it), not the new one.
  const down = bookFrame([...SNAP, [15, 1, 99, 0]], SNAP.length);
  const base = { data: { depth: down, trades: tradeFrame([[17, 99, 0.5, -1]]) }, side: 1 as const, quantity: 1, schedule: sched([10], [100], [1]), childOrder: "limit" as const, policies: { deadlineCatchUp: false } };
  // no cancel latency: the old order left at 15; the print at 99 is above the new bid at 98: nothing fills
  const now = simulateExecution({ ...base, latency: { orderUs: 0, cancelUs: 0 } });
  assert.equal(now.filled, 0);
  assert.equal(now.counts.repegs, 1);
  // cancel latency 5 µs: the old order is live until 20, and the print fills 0.5 of it at 99
  const slow = simulateExecution({ ...base, latency: { orderUs: 0, cancelUs: 5 } });
  assert.deepEqual([...slow.fills.columns.time], [17]);
  assert.deepEqual([...slow.fills.columns.price], [99]);
  assert.ok(Math.abs(slow.filled - 0.5) < 1e-15, `filled ${slow.filled}`);
  const kinds = [...slow.events.columns.kind];
  assert.ok(kinds.indexOf("repeg") < kinds.indexOf("fill") && kinds.indexOf("fill") < kinds.indexOf("cancelled"), kinds.join(","));
  assert.equal(slow.events.columns.time[kinds.indexOf("cancelled")], 20);
  // a print at 99 after the cancel arrived (t = 25) no longer reaches it; a seller through 98 at t = 30 fills the
  // replacement, which went live at max(15 + orderUs, 20) = 20, at 98
  const late = simulateExecution({ ...base, data: { depth: down, trades: tradeFrame([[25, 99, 0.5, -1], [30, 97.5, 3, -1]]) }, latency: { orderUs: 0, cancelUs: 5 } });
  assert.deepEqual([...late.fills.columns.time], [30]);
  assert.deepEqual([...late.fills.columns.price], [98]);
  assert.equal(late.filled, 1);
  // default cancelUs = orderUs: with orderUs 3 the order posted at 10 is live at 13, the re-peg at 15 cancels it at
  // 18, so it takes the print at 17
  const def = simulateExecution({ ...base, latency: { orderUs: 3 } });
  assert.deepEqual([...def.fills.columns.price], [99]);
  const dk = [...def.events.columns.kind];
  assert.equal(def.events.columns.time[dk.indexOf("cancelled")], 18);
  // slice end at 100: the order stays live for cancelUs after it, and a fill there belongs to that slice
  const flat = bookFrame(SNAP, SNAP.length);
  const end = simulateExecution({ ...base, data: { depth: flat, trades: tradeFrame([[102, 98.5, 3, -1]]) }, latency: { orderUs: 0, cancelUs: 5 } });
  assert.deepEqual([...end.fills.columns.time], [102]);
  assert.deepEqual([...end.fills.columns.slice], [0]);
  const endNow = simulateExecution({ ...base, data: { depth: flat, trades: tradeFrame([[102, 98.5, 3, -1]]) }, latency: { orderUs: 0, cancelUs: 0 } });
  assert.equal(endNow.filled, 0);
  assert.throws(() => simulateExecution({ ...base, latency: { orderUs: 0, cancelUs: -1 } }), (e: unknown) => e instanceof ArgumentError && /cancelUs/.test(e.message));
});

test("rejects and retries: deterministic for a seed, different across seeds, bounded by max retries", () => {
  const data = synthetic(9);
  const opts: SimulateExecutionOptions = { data, side: -1, quantity: 10, schedule: TWAP5, childOrder: "marketable", policies: { participationCap: 0.3, rejects: { probability: 0.4 }, retries: { max: 2, delayUs: 7 } }, seed: 42 };
  const a = simulateExecution(opts);
  const b = simulateExecution(opts);
  assert.deepEqual(a.fills.columns, b.fills.columns);
  assert.deepEqual(a.events.columns, b.events.columns);
  assert.deepEqual(a.counts, b.counts);
  assert.deepEqual(a.tca, b.tca);
  assert.ok(a.counts.rejects > 0 && a.counts.retries > 0);
  const kinds = a.events.columns.kind;
  assert.equal(kinds.filter((k) => k === "reject").length, a.counts.rejects);
  assert.ok(Math.abs(a.filled - 10) < 1e-9, "catch-up still completes the parent");
  const c = simulateExecution({ ...opts, seed: 43 });
  assert.notDeepEqual(c.events.columns, a.events.columns);
  // retry times are reject time + delay
  const t = a.events.columns.time;
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] === "reject" && a.events.columns.slice[i] >= 0) {
      const j = kinds.indexOf("retry", i);
      if (j > 0 && kinds.slice(i + 1, j).every((k) => k !== "reject")) assert.equal(t[j] - t[i] >= 7, true);
    }
  }
  // no retries and near-certain rejects: every slice fails after its first child, catch-up off leaves it unfilled
  const dead = simulateExecution({ ...opts, policies: { rejects: { probability: 0.999 }, retries: { max: 0, delayUs: 1 }, deadlineCatchUp: false } });
  assert.equal(dead.counts.failedSlices, 5);
  assert.equal(dead.filled, 0);
  assert.deepEqual([...dead.perSlice.f64("failed")], [1, 1, 1, 1, 1]);
});

test("determinism and symmetry of the whole run; bad inputs", () => {
  const data = synthetic(21);
  const o: SimulateExecutionOptions = { data, side: 1, quantity: 10, schedule: TWAP5, childOrder: "limit", policies: { participationCap: 0.3 }, seed: 5 };
  assert.deepEqual(simulateExecution(o).fills.columns, simulateExecution(o).fills.columns);
  assert.throws(() => simulateExecution({ ...o, quantity: 11 }), (e: unknown) => e instanceof ArgumentError && e.location.field === "quantity");
  assert.throws(() => simulateExecution({ ...o, schedule: sched([100, 150], [200, 300], [5, 5]) }), (e: unknown) => e instanceof ArgumentError && e.location.line === 2);
  assert.throws(() => simulateExecution({ ...o, policies: { rejects: { probability: 1 } } }), ArgumentError);
});

test("real data: buy 5% of the BTCUSDT capture's volume with a 10-slice TWAP", async (t) => {
  let tp: string | false, bp: string | false;
  try {
    const m = defaultMarket();
    if (m.source !== "real") {
      needData(t, "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/binance_trades_BTCUSDT.csv.gz");
      return;
    }
    tp = needData(t, m.trades.slice(m.dataRoot.length + 1));
    bp = needData(t, m.depthL2.slice(m.dataRoot.length + 1));
  } catch {
    needData(t, "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/tardis-format/binance_trades_BTCUSDT.csv.gz");
    return;
  }
  if (!tp || !bp) return;
  const trades = await loadTardisTrades(tp);
  const depth = await loadTardisBookL2(bp);
  const lt = trades.f64("localTimestamp");
  const start = depth.f64("localTimestamp")[0] + 10e6;
  const end = lt[lt.length - 1] - 10e6;
  let vol = 0;
  for (let i = 0; i < lt.length; i++) if (lt[i] >= start && lt[i] < end) vol += trades.f64("amount")[i];
  const X = 0.05 * vol;
  const K = 10, dt = (end - start) / K;
  const schedule: ChildSchedule = { sliceStartUs: new Float64Array(K), sliceEndUs: new Float64Array(K), quantity: new Float64Array(K) };
  for (let k = 0; k < K; k++) {
    schedule.sliceStartUs[k] = start + k * dt;
    schedule.sliceEndUs[k] = k === K - 1 ? end : start + (k + 1) * dt;
    schedule.quantity[k] = k === K - 1 ? X - (X / K) * (K - 1) : X / K;
  }
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
  for (const childOrder of ["marketable", "limit"] as const) {
    const t0 = Date.now();
    const r = simulateExecution({ data: { depth, trades }, side: 1, quantity: X, schedule, childOrder, policies: { participationCap: 0.1 }, fees: { takerBps: 10, makerBps: 10 }, seed: 1 });
    const ms = Date.now() - t0;
    assert.ok(Math.abs(r.filled - X) < 1e-9 * X, `fills sum to the parent (${r.filled} vs ${X})`);
    assert.ok(Math.abs(sum(r.fills.columns.amount) - X) < 1e-9 * X);
    const s = r.tca.slippageBps;
    assert.ok(Number.isFinite(s.arrival) && Number.isFinite(s.vwap) && Number.isFinite(s.twap));
    const b = r.tca.shortfallBps;
    assert.ok(Math.abs(b.total - (b.delay + b.impact + b.timing + b.opportunity + b.fees)) < 1e-9);
    console.log(`# ${childOrder}: X=${fmt(X)} BTC over ${fmt((end - start) / 60e6)} min (market ${fmt(vol)} BTC), ${ms} ms, fills ${r.fills.length}, children ${r.counts.childOrders}, catch-up ${fmt(r.counts.catchUpQuantity)} BTC`);
    console.log(`#   avg ${fmt(r.tca.avgPrice)} arrival ${fmt(r.tca.benchmarks.arrival)} VWAP ${fmt(r.tca.benchmarks.intervalVwap)} TWAP ${fmt(r.tca.benchmarks.intervalTwap)}; slippage bps: arrival ${fmt(s.arrival)} VWAP ${fmt(s.vwap)} TWAP ${fmt(s.twap)}; participation ${fmt(r.tca.participation)}`);
    console.log(`#   IS bps total ${fmt(b.total)} = delay ${fmt(b.delay)} + impact ${fmt(b.impact)} + timing ${fmt(b.timing)} + opportunity ${fmt(b.opportunity)} + fees ${fmt(b.fees)}`);
  }
});

test("executor.ts as a backtest Strategy: works the schedule through runBacktest and completes the parent", async () => {
  const { runBacktest } = await import("../../src/backtest/runBacktest");
  const { riskAverseQueue } = await import("../../src/backtest/queue");
  const { constantLatency } = await import("../../src/backtest/latency");
  const { noFees } = await import("../../src/backtest/fees");
  const { scheduleExecutor } = await import("../../src/execution/executor");
  const data = synthetic(5, 2000);
  for (const childOrder of ["marketable", "limit"] as const) {
    const ex = scheduleExecutor({ side: 1, quantity: 10, schedule: TWAP5, childOrder, participationCap: 0.2 });
    const run = () => runBacktest({ data: { depth: data.depth, trades: data.trades, tickSize: 0.5, lotSize: 0.1 }, strategy: ex, exchange: { queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 0 }), fees: noFees() }, seed: 1 });
    const r = run();
    assert.ok(Math.abs(ex.state.filled - 10) < 1e-9, `${childOrder}: filled ${ex.state.filled}`);
    assert.ok(Math.abs(r.final.position - 10) < 1e-9);
    const fl = ex.executorFills();
    assert.ok(Math.abs(sum(fl.amount) - 10) < 1e-9);
    // cap respected in every slice, fills before the deadline only (the catch-up goes to the last slice)
    const vol = ex.state.marketVolumePerSlice;
    const per = new Float64Array(5);
    for (let i = 0; i < fl.time.length; i++) if (fl.time[i] < 600) per[fl.slice[i]] += fl.amount[i];
    for (let k = 0; k < 5; k++) assert.ok(per[k] <= 0.2 * vol[k] + 1e-9, `${childOrder} slice ${k}: ${per[k]} > 0.2·${vol[k]}`);
    // onStart resets: a second run is identical
    const first = ex.executorFills();
    run();
    assert.deepEqual(ex.executorFills(), first);
  }
});
