import { test } from "node:test";
import assert from "node:assert/strict";
import { PnlLedger, ledgerFromFills, type LedgerFill } from "../../src/inventory/ledger";
import { Frame } from "../../src/frame/frame";
import { createRng } from "../../src/frame/rng";
import { ArgumentError, DataError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

const F = (o: Partial<LedgerFill> & { side: number; price: number; amount: number }, t = 0): LedgerFill => ({ asset: "BTC", timestamp: t, ...o });

test("flip through zero: long 1 @100, sell 3 @110 → realized +10, short 2 @110 (average and FIFO agree)", () => {
  for (const costBasis of ["average", "fifo"] as const) {
    const L = new PnlLedger({ costBasis });
    assert.equal(L.fill(F({ side: 1, price: 100, amount: 1, mid: 100 }, 1)), 0);
    assert.equal(L.fill(F({ side: -1, price: 110, amount: 3, mid: 110 }, 2)), 10);
    let p = L.position("BTC");
    assert.equal(p.qty, -2);
    assert.equal(p.avgCost, 110);
    assert.equal(p.realized, 10);
    assert.equal(p.cash, 230); // −100 + 330
    assert.equal(p.unrealized, 0);
    assert.equal(p.equity, 10); // 230 − 2·110
    assert.deepEqual(L.lots("BTC"), [{ qty: -2, price: 110 }]);
    // mark down to 105: the short gains 2·5
    assert.equal(L.mark("BTC", 105, 3), 10);
    p = L.position("BTC");
    assert.equal(p.unrealized, 10);
    assert.equal(p.equity, 20);
    // decomposition: spread 0 (filled at the mid), inventory 1·(110−100) + (−2)·(105−110) = 20
    assert.equal(p.spreadCapture, 0);
    assert.equal(p.inventoryPnl, 20);
    // buy 2 back @104: realized 2·(110−104) = 12 → flat
    assert.equal(L.fill(F({ side: 1, price: 104, amount: 2, mid: 104 }, 4)), 12);
    p = L.position("BTC");
    assert.equal(p.qty, 0);
    assert.ok(Number.isNaN(p.avgCost));
    assert.equal(p.realized, 22);
    assert.equal(p.equity, 22);
    assert.deepEqual(L.lots("BTC"), []);
  }
});

test("average cost vs FIFO on a worked example: realized differs, realized + unrealized does not", () => {
  // buy 2 @100, buy 1 @130, sell 2 @120, mark 120
  //   average: cost (200+130)/3 = 110 → realized 2·(120−110) = 20; left 1 @110, unrealized +10
  //   FIFO:    closes the two @100   → realized 2·(120−100) = 40; left 1 @130, unrealized −10
  //   both: cash −200 −130 +240 = −90, equity −90 + 120 = 30
  const run = (costBasis: "average" | "fifo") => {
    const L = new PnlLedger({ costBasis });
    L.fill(F({ side: 1, price: 100, amount: 2 }, 1));
    L.fill(F({ side: 1, price: 130, amount: 1 }, 2));
    const r = L.fill(F({ side: -1, price: 120, amount: 2 }, 3));
    L.mark("BTC", 120, 4);
    return { r, p: L.position("BTC"), lots: L.lots("BTC") };
  };
  const a = run("average");
  const f = run("fifo");
  assert.equal(a.r, 20);
  assert.equal(f.r, 40);
  assert.equal(a.p.avgCost, 110);
  assert.equal(f.p.avgCost, 130);
  assert.equal(a.p.unrealized, 10);
  assert.equal(f.p.unrealized, -10);
  assert.deepEqual(f.lots, [{ qty: 1, price: 130 }]);
  assert.deepEqual(a.lots, [{ qty: 1, price: 110 }]);
  for (const x of [a.p, f.p]) {
    assert.equal(x.cash, -90);
    assert.equal(x.equity, 30);
    assert.equal(x.realized + x.unrealized - x.fees, x.equity);
  }
});

test("FIFO: partial lot consumption, several lots, shorts", () => {
  const L = new PnlLedger({ costBasis: "fifo" });
  L.fill(F({ side: -1, price: 100, amount: 1 }, 1));
  L.fill(F({ side: -1, price: 102, amount: 2 }, 2));
  L.fill(F({ side: -1, price: 104, amount: 1 }, 3));
  // buy 1.5 @ 99: closes the @100 short (1·(100−99) = 1) and half of the @102 lot (0.5·3 = 1.5)
  assert.equal(L.fill(F({ side: 1, price: 99, amount: 1.5 }, 4)), 2.5);
  assert.deepEqual(L.lots("BTC"), [{ qty: -1.5, price: 102 }, { qty: -1, price: 104 }]);
  const p = L.position("BTC");
  assert.equal(p.qty, -2.5);
  assert.equal(p.avgCost, (1.5 * 102 + 104) / 2.5);
  // average cost on the same fills: cost (100 + 204 + 104)/4 = 102 → realized 1.5·(102 − 99) = 4.5
  const A = new PnlLedger();
  A.fill(F({ side: -1, price: 100, amount: 1 }, 1));
  A.fill(F({ side: -1, price: 102, amount: 2 }, 2));
  A.fill(F({ side: -1, price: 104, amount: 1 }, 3));
  assert.equal(A.fill(F({ side: 1, price: 99, amount: 1.5 }, 4)), 4.5);
  assert.equal(A.position("BTC").avgCost, 102);
  // many lots: the lot buffer grows and compacts without losing any
  const M = new PnlLedger({ costBasis: "fifo" });
  for (let i = 0; i < 100; i++) M.fill(F({ side: 1, price: 100 + i, amount: 1 }, i));
  for (let i = 0; i < 60; i++) M.fill(F({ side: -1, price: 200, amount: 1 }, 100 + i));
  for (let i = 0; i < 50; i++) M.fill(F({ side: 1, price: 300 + i, amount: 1 }, 200 + i));
  const lots = M.lots("BTC");
  assert.equal(lots.length, 90);
  assert.deepEqual(lots[0], { qty: 1, price: 160 });
  assert.deepEqual(lots[89], { qty: 1, price: 349 });
  assert.equal(M.position("BTC").realized, 60 * 200 - (60 * 100 + (59 * 60) / 2));
});

test("fees and rebates: schedule by liquidity, explicit fee, feeRate, per-asset schedule", () => {
  const L = new PnlLedger({ fees: { makerBps: -1, takerBps: 5 }, assetFees: { ETH: { makerBps: 0, takerBps: 10 } } });
  // maker buy 2 @100 → fee −1e−4·200 = −0.02 (rebate); taker sell 2 @101 → 5e−4·202 = 0.101
  L.fill(F({ side: 1, price: 100, amount: 2, liquidity: "maker" }, 1));
  L.fill(F({ side: -1, price: 101, amount: 2, liquidity: "taker" }, 2));
  const p = L.position("BTC");
  close(p.fees, -0.02 + 0.101, 1e-15);
  assert.equal(p.realized, 2); // fees excluded
  close(p.cash, -200 + 0.02 + 202 - 0.101, 1e-12);
  close(p.equity, p.realized - p.fees, 1e-12);
  assert.equal(p.makerFills, 1);
  assert.equal(p.takerFills, 1);
  // explicit fee beats the schedule; feeRate beats the schedule
  L.fill(F({ side: 1, price: 100, amount: 1, fee: 0.5, liquidity: "maker" }, 3));
  L.fill(F({ side: -1, price: 100, amount: 1, feeRate: 0.001, liquidity: "taker" }, 4));
  close(L.position("BTC").fees, 0.081 + 0.5 + 0.1, 1e-12);
  assert.deepEqual([L.position("BTC").makerFills, L.position("BTC").takerFills], [2, 2]); // counted by liquidity, whatever set the fee
  // ETH uses its own schedule: taker 10 bps of 3·50
  L.fill({ asset: "ETH", timestamp: 1, side: 1, price: 50, amount: 3, liquidity: "taker" });
  close(L.position("ETH").fees, 0.15, 1e-15);
  // no schedule: fee 0
  const N = new PnlLedger();
  N.fill(F({ side: 1, price: 100, amount: 1, liquidity: "taker" }));
  assert.equal(N.position("BTC").fees, 0);
  // errors
  assert.throws(() => L.fill(F({ side: 1, price: 100, amount: 1 }, 9)), (e: unknown) => e instanceof ArgumentError && /liquidity/.test(e.message));
  assert.throws(() => L.fill(F({ side: 1, price: 100, amount: 1, fee: 1, feeRate: 0.1 }, 9)), /not both/);
  assert.throws(() => L.fill(F({ side: 1, price: 100, amount: 1, fee: NaN }, 9)), /fee must be/);
  assert.throws(() => new PnlLedger({ fees: { makerBps: NaN, takerBps: 1 } }), /makerBps/);
});

test("spread capture, inventory PnL and fees: hand-worked decomposition", () => {
  const L = new PnlLedger({ fees: { makerBps: -2, takerBps: 4 } });
  // buy 1 @99.5, mid 100 → spread +0.5, fee −0.0199
  L.fill(F({ side: 1, price: 99.5, amount: 1, mid: 100, liquidity: "maker" }, 1));
  // mid moves to 100.5 with q = 1 → inventory +0.5
  L.mark("BTC", 100.5, 2);
  // sell 1 @100.75, mid 100.5 → spread +0.25, fee −0.02015
  L.fill(F({ side: -1, price: 100.75, amount: 1, mid: 100.5, liquidity: "maker" }, 3));
  const p = L.position("BTC");
  assert.equal(p.spreadCapture, 0.75);
  assert.equal(p.inventoryPnl, 0.5);
  close(p.fees, -2e-4 * (99.5 + 100.75), 1e-15);
  assert.equal(p.realized, 1.25); // 100.75 − 99.5
  close(p.equity, p.spreadCapture + p.inventoryPnl - p.fees, 1e-12);
  // a fill without mid is measured against the last mark (here 100.5); counted
  L.fill(F({ side: 1, price: 100, amount: 2, fee: 0 }, 4));
  const q = L.position("BTC");
  assert.equal(q.spreadCapture, 0.75 + 1);
  assert.equal(q.fillsWithoutMid, 1);
  // the first fill of an asset without a mid makes its price the mark (spread 0)
  const M = new PnlLedger();
  M.fill({ asset: "X", timestamp: 0, side: -1, price: 7, amount: 1 });
  assert.equal(M.position("X").mark, 7);
  assert.equal(M.position("X").spreadCapture, 0);
});

test("decomposition identity is exact on dyadic numbers; holds to rounding on random ones (both cost bases)", () => {
  // dyadic: prices in 1/4, sizes in 1/2, explicit fees in 1/64 → every operation is exact in float64
  const rng = createRng(7);
  for (const costBasis of ["average", "fifo"] as const) {
    const L = new PnlLedger({ costBasis });
    let mid = 1000;
    for (let i = 0; i < 2000; i++) {
      mid += (rng.int(9) - 4) * 0.25;
      if (rng.next() < 0.3) L.mark("BTC", mid, i);
      else {
        const side = rng.next() < 0.5 ? 1 : -1;
        const price = mid - side * rng.int(4) * 0.25;
        L.fill(F({ side, price, amount: (1 + rng.int(6)) * 0.5, mid, fee: (rng.int(9) - 3) / 64 }, i));
      }
      if (i % 97 === 0) {
        const p = L.position("BTC");
        assert.equal(p.equity, p.spreadCapture + p.inventoryPnl - p.fees, `step ${i}`);
        // FIFO lots keep dyadic prices → exact; the average cost (a ratio) is not dyadic → to rounding
        if (costBasis === "fifo") assert.equal(p.equity, p.realized + p.unrealized - p.fees, `step ${i}`);
        else close(p.equity, p.realized + p.unrealized - p.fees, 1e-9, `step ${i}`);
      }
    }
  }
  // random reals: identities to ~1e−9 of the traded notional
  for (const costBasis of ["average", "fifo"] as const) {
    const r = createRng(11);
    const L = new PnlLedger({ costBasis, fees: { makerBps: -0.7, takerBps: 3.3 } });
    let mid = 60000;
    for (let i = 0; i < 5000; i++) {
      mid *= 1 + 1e-4 * r.normal();
      const side = r.next() < 0.5 ? 1 : -1;
      L.fill(F({ side, price: mid * (1 - side * 1e-4 * r.next()), amount: 0.001 + r.next() * 0.1, mid, liquidity: r.next() < 0.8 ? "maker" : "taker" }, i));
    }
    L.mark("BTC", mid * 1.001, 5000);
    const p = L.position("BTC");
    const tol = 1e-9 * p.notionalTraded;
    close(p.equity, p.spreadCapture + p.inventoryPnl - p.fees, tol, costBasis);
    close(p.equity, p.realized + p.unrealized - p.fees, tol, costBasis);
    close(p.qty, p.buyVolume - p.sellVolume, 1e-9);
  }
});

test("multi-asset: positions per asset, totals, exposures, holdings, snapshot", () => {
  const L = new PnlLedger({ initialCash: 1000 });
  L.fill({ asset: "BTC", timestamp: 1, side: 1, price: 100, amount: 2, mid: 100 });
  L.fill({ asset: "ETH", timestamp: 1, side: -1, price: 10, amount: 5, mid: 10 });
  L.markAll({ BTC: 101, ETH: 9 }, 2);
  const b = L.position("BTC");
  const e = L.position("ETH");
  assert.equal(b.unrealized, 2);
  assert.equal(e.unrealized, 5);
  const t = L.totals();
  assert.equal(t.unrealized, 7);
  assert.equal(t.pnl, 7);
  assert.equal(t.equity, 1007);
  assert.equal(t.cash, 1000 - 200 + 50);
  assert.equal(t.grossExposure, 2 * 101 + 5 * 9);
  assert.equal(t.netExposure, 2 * 101 - 5 * 9);
  assert.equal(L.equity(), 1007);
  assert.deepEqual(L.assets(), ["BTC", "ETH"]);
  assert.deepEqual(L.holdings(), [{ asset: "BTC", qty: 2, price: 101 }, { asset: "ETH", qty: -5, price: 9 }]);
  const s = L.snapshot();
  assert.equal(s.timestamp, 2);
  assert.equal(s.assets.length, 2);
  assert.equal(L.toFrame().length, 2);
  assert.equal(L.qty("ETH"), -5);
  assert.equal(L.qty("SOL"), 0);
  assert.throws(() => L.position("SOL"), (x: unknown) => x instanceof ArgumentError && /unknown asset "SOL".*BTC, ETH/.test(x.message));
});

test("dust: a close that misses zero by float rounding is snapped to 0 and counted (tolerance 0 disables)", () => {
  const L = new PnlLedger({ costBasis: "fifo" });
  L.fill(F({ side: 1, price: 10, amount: 0.1 }, 1));
  L.fill(F({ side: 1, price: 10, amount: 0.2 }, 2));
  L.fill(F({ side: -1, price: 11, amount: 0.3 }, 3));
  assert.equal(L.position("BTC").qty, 0);
  assert.equal(L.position("BTC").dustCleared, 1);
  assert.deepEqual(L.lots("BTC"), []);
  const R = new PnlLedger({ qtyTolerance: 0 });
  R.fill(F({ side: 1, price: 10, amount: 0.1 }, 1));
  R.fill(F({ side: 1, price: 10, amount: 0.2 }, 2));
  R.fill(F({ side: -1, price: 11, amount: 0.3 }, 3));
  assert.notEqual(R.position("BTC").qty, 0); // 5.55e−17
});

test("bad input: named errors", () => {
  const L = new PnlLedger();
  assert.throws(() => new PnlLedger({ costBasis: "lifo" as "fifo" }), /costBasis/);
  assert.throws(() => new PnlLedger({ qtyTolerance: -1 }), /qtyTolerance/);
  assert.throws(() => L.fill(F({ side: 0, price: 1, amount: 1 })), (e: unknown) => e instanceof ArgumentError && e.location.field === "side");
  assert.throws(() => L.fill(F({ side: 1, price: -1, amount: 1 })), (e: unknown) => e instanceof ArgumentError && e.location.field === "price");
  assert.throws(() => L.fill(F({ side: 1, price: 1, amount: 0 })), (e: unknown) => e instanceof ArgumentError && e.location.field === "amount");
  assert.throws(() => L.fill(F({ side: 1, price: 1, amount: 1, mid: NaN })), (e: unknown) => e instanceof ArgumentError && e.location.field === "mid");
  assert.throws(() => L.fill(F({ side: 1, price: 1, amount: 1, asset: "" })), /asset/);
  assert.equal(L.assets().length, 0); // nothing created by rejected fills
  L.fill(F({ side: 1, price: 1, amount: 1 }, 10));
  assert.throws(() => L.fill(F({ side: 1, price: 1, amount: 1 }, 9)), (e: unknown) => e instanceof ArgumentError && e.location.field === "timestamp");
  assert.throws(() => L.mark("BTC", 1, 5), /before/);
  assert.throws(() => L.mark("BTC", 0), /mark price/);
});

test("ledgerFromFills: matches the class row by row, pure-mark rows, per-row Δequity identity", () => {
  const rng = createRng(3);
  const n = 3000;
  const ts = new Float64Array(n);
  const side = new Int8Array(n);
  const price = new Float64Array(n);
  const amount = new Float64Array(n);
  const mid = new Float64Array(n);
  const isMaker = new Int8Array(n);
  const asset: string[] = [];
  const mids: { [k: string]: number } = { BTC: 60000, ETH: 3000 };
  for (let i = 0; i < n; i++) {
    const a = rng.next() < 0.6 ? "BTC" : "ETH";
    asset.push(a);
    mids[a] *= 1 + 2e-4 * rng.normal();
    ts[i] = i;
    mid[i] = mids[a];
    if (rng.next() < 0.2) {
      amount[i] = 0; // pure mark
      price[i] = NaN;
    } else {
      side[i] = rng.next() < 0.5 ? 1 : -1;
      price[i] = mids[a] * (1 - side[i] * 2e-4 * rng.next());
      amount[i] = 0.01 + rng.next();
      isMaker[i] = rng.next() < 0.7 ? 1 : 0;
    }
  }
  const fees = { makerBps: -1, takerBps: 4 };
  for (const costBasis of ["average", "fifo"] as const) {
    const res = ledgerFromFills(new Frame({ timestamp: ts, side, price, amount, mid, isMaker, asset }), { costBasis, fees, initialCash: 500 });
    const L = new PnlLedger({ costBasis, fees, initialCash: 500 });
    const eq = res.rows.f64("equity");
    let prev = 500;
    let marks = 0;
    for (let i = 0; i < n; i++) {
      if (amount[i] === 0) {
        L.mark(asset[i], mid[i], ts[i]);
        marks++;
      } else {
        L.fill({ asset: asset[i], timestamp: ts[i], side: side[i], price: price[i], amount: amount[i], mid: mid[i], liquidity: isMaker[i] ? "maker" : "taker" });
      }
      assert.equal(res.rows.f64("qty")[i], L.qty(asset[i]));
      const d = res.rows.f64("spreadCapture")[i] + res.rows.f64("inventoryPnl")[i] - res.rows.f64("fee")[i];
      close(eq[i] - prev, d, 1e-7, `row ${i}`);
      prev = eq[i];
    }
    assert.equal(res.markRows, marks);
    close(eq[n - 1], L.equity(), 1e-9);
    assert.deepEqual(res.snapshot.assets.map((a) => a.realized), L.snapshot().assets.map((a) => a.realized));
    assert.deepEqual(res.snapshot.assets.map((a) => a.fees), L.snapshot().assets.map((a) => a.fees));
    const notional = res.snapshot.assets.reduce((s, a) => s + a.notionalTraded, 0);
    close(res.snapshot.totals.pnl, res.snapshot.totals.spreadCapture + res.snapshot.totals.inventoryPnl - res.snapshot.totals.fees, 1e-12 * notional);
    // the ledger can be continued
    res.ledger.mark("BTC", 61000, n);
  }
});

test("ledgerFromFills: integer asset codes, explicit fee column with NaN fallback, single asset", () => {
  const res = ledgerFromFills(
    {
      timestamp: [1, 2, 3, 4],
      side: [1, -1, 1, -1],
      price: [100, 10, 101, 11],
      amount: [1, 2, 1, 2],
      fee: [0.25, NaN, NaN, 0],
      isMaker: [0, 1, 1, 0],
      asset: Int32Array.from([0, 1, 0, 1]),
    },
    { assetNames: ["BTC", "ETH"], fees: { makerBps: -1, takerBps: 5 } },
  );
  assert.deepEqual(res.ledger.assets(), ["BTC", "ETH"]);
  assert.deepEqual(Array.from(res.rows.f64("fee")), [0.25, -1e-4 * 20, -1e-4 * 101, 0]);
  assert.deepEqual(Array.from(res.rows.f64("qty")), [1, -2, 2, -4]);
  assert.deepEqual(Array.from(res.rows.f64("avgCost")), [100, 10, 100.5, 10.5]);
  assert.deepEqual([res.snapshot.assets[0].makerFills, res.snapshot.assets[0].takerFills], [1, 1]);
  const one = ledgerFromFills({ timestamp: [0, 1], side: [1, -1], price: [5, 6], amount: [1, 1] }, { assetNames: ["SOL"] });
  assert.deepEqual(one.ledger.assets(), ["SOL"]);
  assert.equal(one.snapshot.totals.realized, 1);
});

test("ledgerFromFills: bad rows throw a DataError with line = row + 1 and the field", () => {
  const base = () => ({ timestamp: [1, 2, 3], side: [1, 1, -1], price: [1, 1, 1], amount: [1, 1, 1] });
  const bad = (mut: (c: ReturnType<typeof base> & { [k: string]: unknown }) => void, field: string, line: number, opts = {}) => {
    const c = base() as ReturnType<typeof base> & { [k: string]: unknown };
    mut(c);
    assert.throws(() => ledgerFromFills(c as never, opts), (e: unknown) => e instanceof DataError && e.location.field === field && e.location.line === line);
  };
  bad((c) => (c.side[1] = 0), "side", 2);
  bad((c) => (c.price[2] = NaN), "price", 3);
  bad((c) => (c.amount[0] = -1), "amount", 1);
  bad((c) => (c.timestamp[2] = 0), "timestamp", 3);
  bad((c) => (c.amount[1] = 0), "mid", 2); // a pure mark without a mid
  bad((c) => (c.mid = [1, -5, 1]), "mid", 2);
  bad((c) => (c.isMaker = [1, 2, 0]), "isMaker", 2, { fees: { makerBps: 0, takerBps: 1 } });
  bad((c) => (c.asset = Int32Array.from([0, 0, 3])), "asset", 3, { assetNames: ["A"] });
  assert.throws(() => ledgerFromFills({ timestamp: [1], side: [1, 1], price: [1], amount: [1] }), ArgumentError);
  assert.throws(() => ledgerFromFills(new Frame({ timestamp: new Float64Array(1) })), (e: unknown) => e instanceof ArgumentError && /no column "side"/.test(e.message));
});
