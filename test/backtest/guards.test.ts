import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeContext, timesUs } from "./fakeContext";
import { withRiskGuards } from "../../src/backtest/guards";
import { fixedSpreadStrategy, regimeStrategy } from "../../src/backtest/strategies";
import type { OrderView, Strategy, StrategyContext } from "../../src/backtest/types";
import { ArgumentError } from "../../src/errors";

const DAY = 86_400e6;

/** An inner strategy that quotes what `f` says at each call (i counts calls since onStart). */
function scripted(f: (ctx: StrategyContext, i: number) => [number, number, number, number]): Strategy & { calls(): number } {
  let i = 0;
  return {
    name: "scripted",
    schedule: { kind: "interval", intervalUs: 100_000 },
    onStart() { i = 0; },
    onTick(ctx) { const q = f(ctx, i++); ctx.quote(q[0], q[1], q[2], q[3]); },
    calls: () => i,
  };
}

function ctx100(): FakeContext {
  return new FakeContext({ tickSize: 0.01, lotSize: 0.001 }).at(0).setTop(100.0, 100.01, 2, 2);
}

test("position cap: one-sided at the cap, size cut near it, increasing submits refused", () => {
  const c = ctx100();
  const g = withRiskGuards(fixedSpreadStrategy({ halfSpread: 0.1, size: 0.5 }), { maxPosition: 1 });
  g.onStart!(c);
  g.onTick(c);
  assert.deepEqual([c.lastQuote().bidAmount, c.lastQuote().askAmount], [0.5, 0.5]);
  assert.equal(g.guardStats().positionCap, 0);
  c.position = 1;
  g.onTick(c);
  assert.ok(Number.isNaN(c.lastQuote().bidPrice));
  assert.equal(c.lastQuote().askAmount, 0.5);
  assert.equal(g.guardStats().positionCap, 1);
  c.position = -0.8;
  g.onTick(c);
  assert.equal(c.lastQuote().bidAmount, 0.5);
  assert.equal(c.lastQuote().askAmount, 0.2);
  assert.equal(g.guardStats().positionCap, 2);
  // direct submits through the guarded context
  const sub = withRiskGuards({ name: "s", schedule: { kind: "event" }, onTick(ctx) { ctx.submit({ side: -1, price: 100, amount: 0.5, type: "ioc" }); ctx.submit({ side: 1, price: 100, amount: 0.5, type: "ioc" }); } }, { maxPosition: 1 });
  sub.onStart!(c);
  sub.onTick(c); // at −0.8: the sell would go to −1.3 (refused), the buy reduces (sent)
  assert.equal(sub.guardStats().blockedSubmits, 1);
  assert.equal(c.submits.length, 1);
  assert.equal(c.submits[0].order.side, 1);
});

test("position cap counts working orders: pending cancels and in-flight IOCs cut the quote, the replaced quote is not double counted", () => {
  const c = ctx100();
  const g = withRiskGuards(fixedSpreadStrategy({ halfSpread: 0.1, size: 0.5 }), { maxPosition: 1 });
  g.onStart!(c);
  const ord = (id: number, side: 1 | -1, amount: number, filled: number, type: OrderView["type"], status: OrderView["status"]): OrderView =>
    ({ id, side, price: side > 0 ? 99.9 : 100.1, amount, filled, type, status, sentUs: 0 });
  // position 0.3; a bid being cancelled still has 0.5 − 0.1 = 0.4 unfilled (the cancel may lose the race), and the
  // current bid quote (open post-only 0.5) is what this quote replaces: room = 1 − 0.3 − 0.4 = 0.3
  c.position = 0.3;
  c.openOrders = [ord(1, 1, 0.5, 0.1, "postOnly", "pendingCancel"), ord(2, 1, 0.5, 0, "postOnly", "open")];
  g.onTick(c);
  assert.ok(Math.abs(c.lastQuote().bidAmount - 0.3) < 1e-12, `bid cut to 0.3, got ${c.lastQuote().bidAmount}`);
  assert.equal(c.lastQuote().askAmount, 0.5, "the ask side has no working orders: 1 + 0.3 ≥ 0.5");
  assert.equal(g.guardStats().positionCap, 1);
  // an IOC sell in flight (0.9 unfilled) counts against the ask side: room = 1 + 0.3 − 0.9 = 0.4
  c.openOrders = [ord(3, -1, 0.9, 0, "ioc", "pendingNew")];
  g.onTick(c);
  assert.equal(c.lastQuote().bidAmount, 0.5);
  assert.ok(Math.abs(c.lastQuote().askAmount - 0.4) < 1e-12, `ask cut to 0.4, got ${c.lastQuote().askAmount}`);
  // the quote being replaced (or kept) is not double counted: position 0.5 with our open 0.5 bid still quotes 0.5
  c.position = 0.5;
  c.openOrders = [ord(4, 1, 0.5, 0, "postOnly", "open"), ord(5, -1, 0.5, 0, "postOnly", "pendingNew")];
  const capBefore = g.guardStats().positionCap;
  g.onTick(c);
  assert.deepEqual([c.lastQuote().bidAmount, c.lastQuote().askAmount], [0.5, 0.5]);
  assert.equal(g.guardStats().positionCap, capBefore);
  // direct submits: position 0.3 with a working limit buy of 0.5 (0.1 filled): a buy of 0.3 could reach
  // 0.3 + 0.4 + 0.3 = 1.0 (allowed), a buy of 0.4 could reach 1.1 (refused); a sell is unaffected by working buys
  let amt = 0;
  const sub = withRiskGuards({ name: "s", schedule: { kind: "event" }, onTick(ctx) { ctx.submit({ side: 1, price: 100, amount: amt, type: "limit" }); } }, { maxPosition: 1 });
  const d = ctx100();
  sub.onStart!(d);
  d.position = 0.3;
  d.openOrders = [ord(6, 1, 0.5, 0.1, "limit", "open")];
  amt = 0.4;
  sub.onTick(d);
  assert.equal(sub.guardStats().blockedSubmits, 1);
  assert.equal(d.submits.length, 0);
  d.openOrders = [ord(6, 1, 0.5, 0.1, "limit", "open")];
  amt = 0.3;
  sub.onTick(d);
  assert.equal(sub.guardStats().blockedSubmits, 1);
  assert.equal(d.submits.length, 1);
});

test("daily loss limit: cancel, flatten, silence until the next UTC day, re-flatten if still not flat", () => {
  const c = new FakeContext({ tickSize: 0.01, lotSize: 0.001 }).at(3600e6).setTop(100, 100.01);
  c.position = 1;
  c.cash = -100; // equity at the day start: 0.005
  const inner = scripted(() => [99.9, 1, 100.1, 1]);
  const g = withRiskGuards(inner, { dailyLossLimit: 5 });
  g.onStart!(c);
  g.onTick(c);
  assert.equal(c.quotes.length, 1);
  assert.equal(c.openOrders.length, 2);
  // a 4.9 loss: nothing
  c.at(3700e6).setTop(95.1, 95.11);
  g.onTick(c);
  assert.equal(g.guardStats().dailyLossStops, 0);
  assert.equal(c.quotes.length, 2);
  // a 5.0 loss: equity 95 − 100 − 0.005... ≤ −5 → stop
  c.at(3800e6).setTop(95.0, 95.01);
  g.onTick(c);
  let st = g.guardStats();
  assert.equal(st.dailyLossStops, 1);
  assert.equal(st.flattenOrders, 1);
  assert.equal(c.cancels.length, 2, "both resting quotes cancelled");
  assert.equal(c.submits.length, 1);
  assert.deepEqual(c.submits[0].order, { side: -1, price: 95.005, amount: 1, type: "market" });
  assert.equal(c.quotes.length, 2, "the inner quote of the stop call is dropped");
  assert.ok(g.isStopped());
  const flattenId = c.submits[0].id;
  // the rest of the day: silent, and no second flatten while the first is live
  for (let t = 3900e6; t < DAY; t += 3600e6) {
    c.at(t);
    g.onTick(c);
  }
  st = g.guardStats();
  assert.equal(c.quotes.length, 2);
  assert.equal(st.flattenOrders, 1);
  assert.equal(st.stoppedCalls, 24); // the stop call + 23 hourly calls
  assert.equal(st.droppedQuotes, 24);
  // the market order came back unfilled (e.g. empty book): a new one is sent
  c.finish(flattenId);
  c.at(DAY - 1000e6);
  g.onTick(c);
  assert.equal(g.guardStats().flattenOrders, 2);
  c.fill(-1, 95, 1);
  c.finish(c.submits[1].id);
  c.at(DAY - 500e6);
  g.onTick(c);
  assert.equal(g.guardStats().flattenOrders, 2, "flat: nothing more to send");
  // next UTC day: quoting resumes, with the day's PnL measured from here
  c.at(DAY + 1);
  g.onTick(c);
  assert.equal(c.quotes.length, 3);
  assert.ok(!g.isStopped());
  assert.equal(inner.calls(), g.guardStats().stoppedCalls + 3, "the inner strategy keeps being called");
});

test("minimum spread: a narrower quote is widened symmetrically, rounded outward", () => {
  const c = ctx100();
  const g = withRiskGuards(fixedSpreadStrategy({ halfSpread: 0.001, size: 1 }), { minSpread: 0.05 });
  g.onStart!(c);
  g.onTick(c); // inner: bid 100.00, ask 100.01 → centre 100.005 ± 0.025
  assert.equal(c.lastQuote().bidPrice, 99.98);
  assert.equal(c.lastQuote().askPrice, 100.03);
  assert.equal(g.guardStats().minSpread, 1);
  const b = withRiskGuards(fixedSpreadStrategy({ halfSpread: 0.001, size: 1 }), { minSpreadBps: 10 });
  b.onStart!(c);
  b.onTick(c); // 10 bps of 100.005 = 0.100005
  assert.equal(c.lastQuote().bidPrice, 99.95);
  assert.equal(c.lastQuote().askPrice, 100.06);
  // wide enough: untouched
  const w = withRiskGuards(fixedSpreadStrategy({ halfSpread: 0.1, size: 1 }), { minSpread: 0.05 });
  w.onStart!(c);
  w.onTick(c);
  assert.equal(c.lastQuote().bidPrice, 99.9);
  assert.equal(w.guardStats().minSpread, 0);
  assert.throws(() => withRiskGuards(w, { minSpread: 1, minSpreadBps: 1 }), ArgumentError);
});

test("requote cooldown: changes held back within the cooldown, identical quotes and cap pulls pass", () => {
  // every call moves the bid by a tick: only one change per second goes through
  const c = ctx100();
  const g = withRiskGuards(scripted((_, i) => [99 + 0.01 * i, 1, 101, 1]), { requoteCooldownUs: 1e6 });
  c.run(g, timesUs(0, 2e6, 100e3));
  assert.deepEqual(c.quotes.map((q) => q.now), [0, 1e6, 2e6]);
  assert.deepEqual(c.quotes.map((q) => q.bidPrice), [99, 99.1, 99.2]);
  assert.equal(g.guardStats().cooldown, 18);
  // a constant quote is always forwarded (the engine re-places a filled side)
  const d = ctx100();
  const k = withRiskGuards(scripted(() => [99, 1, 101, 1]), { requoteCooldownUs: 1e6 });
  d.run(k, timesUs(0, 2e6, 100e3));
  assert.equal(d.quotes.length, 21);
  assert.equal(k.guardStats().cooldown, 0);
  // the cap pulls a side at once, cooldown or not
  const e = ctx100();
  const cap = withRiskGuards(scripted(() => [99, 1, 101, 1]), { requoteCooldownUs: 1e6, maxPosition: 2 });
  e.run(cap, timesUs(0, 0.5e6, 100e3), (t, ctx) => {
    if (t === 0.3e6) ctx.position = 2;
  });
  const pulled = e.quotes.find((q) => q.now === 0.3e6);
  assert.ok(pulled && Number.isNaN(pulled.bidPrice) && pulled.askPrice === 101);
});

test("imbalance pause: quotes pulled while |imbalance| of the top-N depth exceeds the limit", () => {
  const c = ctx100();
  const g = withRiskGuards(fixedSpreadStrategy({ halfSpread: 0.1, size: 1 }), { maxImbalance: 0.5, imbalanceLevels: 2 });
  g.onStart!(c);
  g.onTick(c);
  assert.equal(c.lastQuote().bidPrice, 99.9);
  // (3 − 1)/(3 + 1) = 0.5: at the limit, not above
  c.setBook([[100, 2], [99.99, 1]], [[100.01, 0.5], [100.02, 0.5], [100.03, 50]]);
  g.onTick(c);
  assert.equal(g.guardStats().imbalancePause, 0);
  assert.equal(c.lastQuote().bidPrice, 99.9);
  // (10 − 1)/11 = 0.82 → pull, inner quote dropped
  c.setTop(100, 100.01, 10, 1);
  g.onTick(c);
  assert.ok(Number.isNaN(c.lastQuote().bidPrice) && Number.isNaN(c.lastQuote().askPrice));
  const n = c.quotes.length;
  g.onTick(c); // still paused; quotes already pulled: nothing sent
  assert.equal(c.quotes.length, n);
  assert.deepEqual([g.guardStats().imbalancePause, g.guardStats().droppedQuotes], [2, 2]);
  // ask-heavy is the same
  c.setTop(100, 100.01, 1, 10);
  g.onTick(c);
  assert.equal(g.guardStats().imbalancePause, 3);
  c.setTop(100, 100.01, 2, 2);
  g.onTick(c);
  assert.equal(c.lastQuote().bidPrice, 99.9);
});

test("jump pause: a mid move over maxJumpBps within the window pauses quoting for the cooldown", () => {
  const c = new FakeContext({ tickSize: 0.01 });
  const g = withRiskGuards(fixedSpreadStrategy({ halfSpread: 0.1, size: 1 }), { maxJumpBps: 50, jumpWindowUs: 1e6, jumpCooldownUs: 10e6 });
  c.run(g, timesUs(0, 20e6, 0.5e6), (t, ctx) => {
    const m = t < 3e6 ? 100 : t < 5e6 ? 100.4 : 101.4; // +40 bps at 3 s (below the limit), +~100 bps at 5 s
    ctx.setTop(m - 0.005, m + 0.005);
  });
  const st = g.guardStats();
  assert.equal(st.jumpPause, 1);
  // 5.0 … 15.0 s: at 5.5 s the 1 s look-back still spans the jump (4.5 → 5.5 s), which extends the pause to 15.5 s
  assert.equal(st.jumpPausedCalls, 21);
  const at = (t: number) => c.quotes.filter((q) => q.now === t);
  assert.ok(Number.isNaN(at(5e6)[0].bidPrice), "pulled at the jump");
  for (let t = 5.5e6; t <= 15e6; t += 0.5e6) assert.equal(at(t).length, 0, `silent at ${t}`);
  assert.equal(at(15.5e6)[0].bidPrice, 101.3);
  assert.equal(at(3e6)[0].bidPrice, 100.3, "40 bps is below the limit");
});

test("guards are deterministic and onStart resets their counters", () => {
  const inner = regimeStrategy({ size: 1, baseHalfSpread: 0.05, maxPosition: 3, shortWindowSec: 5, longWindowSec: 30, minIncrements: 3 });
  const g = withRiskGuards(inner, { maxPosition: 2, dailyLossLimit: 3, minSpread: 0.12, requoteCooldownUs: 700e3, maxImbalance: 0.8, maxJumpBps: 30, jumpCooldownUs: 3e6 });
  const once = () => {
    const c = new FakeContext({ tickSize: 0.01 });
    let m = 100.005;
    c.run(g, timesUs(0, 120e6, 250e3), (t, ctx) => {
      m += 0.02 * Math.sin(t / 3e6) + (t === 60e6 ? 0.6 : 0);
      ctx.setTop(Math.round((m - 0.005) * 100) / 100, Math.round((m + 0.005) * 100) / 100, 1 + ((t / 1e6) % 7), 2);
      if (t % 5e6 === 0) ctx.position = 2 * Math.sin(t / 2e7);
      ctx.cash = -ctx.position * 100;
    });
    return JSON.stringify([c.quotes, c.submits, c.cancels, g.guardStats()]);
  };
  const a = once();
  const b = once();
  assert.equal(a, b);
  const st = JSON.parse(a)[3];
  assert.ok(st.cooldown > 0 && st.minSpread > 0 && st.jumpPause > 0, JSON.stringify(st));
  assert.equal(g.name, "regime+guards");
  assert.throws(() => withRiskGuards(inner, { maxImbalance: 1.5 }), /maxImbalance/);
  assert.throws(() => withRiskGuards(inner, { dailyLossLimit: -1 }), /dailyLossLimit/);
});
