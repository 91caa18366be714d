import { test } from "node:test";
import assert from "node:assert/strict";
import { horizonLabel, spreads, timeWeightedQuotedSpread, type SpreadResult } from "../../src/liquidity/spreads";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";
import { seededUniform } from "../helpers";
import { loadSpotCapture, SPOT_CAPTURES } from "./spotCapture";

const f64 = (a: number[]) => Float64Array.from(a);
const arr = (a: ArrayLike<number>) => Array.from(a);
const near = (a: number, b: number, tol = 1e-12, msg = "") => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg} got ${a}, want ${b}`);

// quotes: (t, bid, ask) = (0, 99, 101) M 100; (10, 100, 102) M 101; (20, 98, 101) M 99.5; (30, 100, 100.5) M 100.25
const quotes = new Frame({ localTimestamp: f64([0, 10, 20, 30]), bidPrice: f64([99, 100, 98, 100]), askPrice: f64([101, 102, 101, 100.5]) });
// trades: before any quote; a buy; a sell at a quote time; a buy at the mid; a sell at the mid whose horizon passes
// the last quote; an unsigned trade
const trades = new Frame({
  localTimestamp: f64([-5, 5, 10, 15, 25, 26]),
  price: f64([100, 101, 100, 101, 99.5, 100]),
  amount: f64([1, 1, 2, 1, 4, 1]),
  side: Int8Array.from([1, 1, -1, 1, -1, 0]),
});

function row(r: SpreadResult, measure: string, h = NaN): number {
  const m = r.summary.str("measure"), hz = r.summary.f64("horizonUs");
  for (let i = 0; i < m.length; i++) if (m[i] === measure && (Number.isNaN(h) ? Number.isNaN(hz[i]) : hz[i] === h)) return i;
  throw new Error(`no row ${measure} ${h}`);
}

test("spreads: hand-worked quoted, effective, realized and impact per trade, with counts", () => {
  const r = spreads(trades, quotes, { horizonsUs: [10] });
  const c = r.trades!.columns;
  assert.deepEqual(r.labels, ["10us"]);
  assert.deepEqual(arr(c.mid as Float64Array), [NaN, 100, 101, 101, 99.5, 99.5]);
  assert.deepEqual(arr(c.quoted as Float64Array), [NaN, 2, 2, 2, 3, 3]);
  // ES = 2D(P − M_t): 2(101−100), −2(100−101), at mid 0, at mid 0, unsigned NaN
  assert.deepEqual(arr(c.effective as Float64Array), [NaN, 2, 2, 0, 0, NaN]);
  assert.deepEqual(arr(c.effectiveBps as Float64Array), [NaN, (2 / 100) * 1e4, (2 / 101) * 1e4, 0, 0, NaN]);
  // M_{t+10}: 101 (t=15), 99.5 (t=20, exact), 99.5 (t=25); t=35 is past the last quote
  assert.deepEqual(arr(c.mid_10us as Float64Array), [NaN, 101, 99.5, 99.5, NaN, NaN]);
  assert.deepEqual(arr(c.realized_10us as Float64Array), [NaN, 0, -1, 3, NaN, NaN]);
  assert.deepEqual(arr(c.impact_10us as Float64Array), [NaN, 2, 3, -3, NaN, NaN]);
  assert.deepEqual(arr(c.impactRel_10us as Float64Array), [NaN, 0.02, 3 / 101, -3 / 101, NaN, NaN]);
  assert.deepEqual(r.counts, { n: 6, noQuote: 1, invalidQuote: 0, unsigned: 1, atMid: 2, beyondQuotes: [1], invalidFutureQuote: [0] });
});

test("spreads: hand-worked aggregates (equal, amount and notional weights) and the time-weighted quoted spread", () => {
  const r = spreads(trades, quotes, { horizonsUs: [10] });
  const s = r.summary.columns as { [k: string]: Float64Array };
  const q = row(r, "quoted"), e = row(r, "effective"), rs = row(r, "realized", 10), pi = row(r, "impact", 10);
  assert.equal(s.n[q], 5);
  near(s.mean[q], 12 / 5);
  near(s.amountWeighted[q], 23 / 9);
  assert.equal(s.n[e], 4);
  assert.equal(s.missing[e], 2);
  near(s.mean[e], 1);
  near(s.amountWeighted[e], 6 / 8);
  near(s.notionalWeighted[e], (101 * 2 + 200 * 2) / (101 + 200 + 101 + 398));
  near(s.meanRel[e], (0.02 + 2 / 101) / 4);
  near(s.meanBps[e], 1e4 * (0.02 + 2 / 101) / 4);
  near(s.mean[rs], 2 / 3);
  near(s.mean[pi], 2 / 3);
  near(s.amountWeighted[rs], 1 / 4);
  near(s.amountWeighted[pi], 5 / 4);
  // time-weighted quoted spread over [0, 30]: 2, 2, 3 for 10 µs each
  near(r.timeWeightedQuoted.price, 7 / 3);
  near(r.timeWeightedQuoted.bps, (1e4 * (2 / 100 + 2 / 101 + 3 / 99.5)) / 3);
  assert.equal(r.timeWeightedQuoted.durationUs, 30);
  // perTrade: false gives the same aggregates and no per-trade frame
  const r2 = spreads(trades, quotes, { horizonsUs: [10], perTrade: false });
  assert.equal(r2.trades, null);
  assert.deepEqual(arr(r2.summary.f64("notionalWeightedBps")), arr(r.summary.f64("notionalWeightedBps")));
});

test("spreads: lag — the quote exactly at t − lag counts, a later one does not", () => {
  // lag 5: the sell at t=10 uses the quote at 5 → quote 0 (M 100): ES = −2(100 − 100) = 0; the buy at 5 uses quote 0 (exactly t − lag)
  const a = spreads(trades, quotes, { horizonsUs: [10], lagUs: 5 }).trades!.columns;
  assert.deepEqual(arr(a.effective as Float64Array), [NaN, 2, 0, 0, 0, NaN]);
  // lag 5: t=15 → 10, the quote at 10 (M 101) counts; lag 6: t=15 → 9, quote 0 (M 100): ES = 2(101 − 100)
  assert.equal((a.mid as Float64Array)[3], 101);
  const b = spreads(trades, quotes, { horizonsUs: [10], lagUs: 6 });
  assert.equal((b.trades!.columns.mid as Float64Array)[3], 100);
  assert.equal((b.trades!.columns.effective as Float64Array)[3], 2);
  // the horizon runs from t, not from t − lag: M_{t+10} for t=15 is still the quote at 25 → 99.5, so PI = 2(99.5 − 100)
  assert.equal((b.trades!.columns.impact_10us as Float64Array)[3], -1);
  // a trade at t=5 with lag 6 has no quote
  assert.equal(b.counts.noQuote, 2);
});

test("spreads: ES = RS + PI exactly in price units (and to an ulp relative) on random tick-grid data", () => {
  const r = seededUniform(5);
  const m = 400, n = 300;
  let t = 0, mid = 6000000; // in ticks of 0.01
  const qt = new Float64Array(m), bid = new Float64Array(m), ask = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    t += Math.floor(r() * 50);
    mid += Math.floor(r() * 5) - 2;
    qt[j] = t;
    bid[j] = mid / 100;
    ask[j] = (mid + 1 + Math.floor(r() * 3)) / 100;
  }
  const tt = Float64Array.from({ length: n }, () => Math.floor(r() * t)).sort();
  const price = Float64Array.from({ length: n }, () => (6000000 + Math.floor(r() * 400) - 200) / 100);
  const side = Int8Array.from({ length: n }, () => (r() < 0.5 ? 1 : -1));
  const T = new Frame({ localTimestamp: tt, price, amount: new Float64Array(n).fill(0.5), side });
  const Q = new Frame({ localTimestamp: qt, bidPrice: bid, askPrice: ask });
  const res = spreads(T, Q, { horizonsUs: [1, 20, 200, 2000], lagUs: 3 });
  const c = res.trades!.columns as { [k: string]: Float64Array };
  let checked = 0;
  for (const h of res.labels) {
    for (let i = 0; i < n; i++) {
      const es = c.effective[i], rs = c[`realized_${h}`][i], pi = c[`impact_${h}`][i];
      if (Number.isNaN(rs)) continue;
      assert.equal(rs + pi, es, `price units, trade ${i} horizon ${h}`);
      const esr = c.effectiveRel[i], rsr = c[`realizedRel_${h}`][i], pir = c[`impactRel_${h}`][i];
      assert.ok(Math.abs(rsr + pir - esr) <= 4 * Number.EPSILON * Math.max(Math.abs(rsr), Math.abs(pir), Math.abs(esr)), `relative, trade ${i}`);
      checked++;
    }
  }
  assert.ok(checked > 800);
});

test("spreads: scaling prices by c scales price-unit measures by c and leaves relative ones unchanged", () => {
  const scale = (c: number) => ({
    t: new Frame({ ...trades.columns, price: Float64Array.from(trades.f64("price"), (p) => p * c) }),
    q: new Frame({ ...quotes.columns, bidPrice: Float64Array.from(quotes.f64("bidPrice"), (p) => p * c), askPrice: Float64Array.from(quotes.f64("askPrice"), (p) => p * c) }),
  });
  const base = spreads(trades, quotes, { horizonsUs: [10] });
  for (const c of [2, 3, 0.37]) {
    const { t, q } = scale(c);
    const r = spreads(t, q, { horizonsUs: [10] });
    const a = base.trades!.columns as { [k: string]: Float64Array };
    const b = r.trades!.columns as { [k: string]: Float64Array };
    for (const k of ["quoted", "effective", "realized_10us", "impact_10us"]) {
      for (let i = 0; i < trades.length; i++) {
        if (Number.isNaN(a[k][i])) {
          assert.ok(Number.isNaN(b[k][i]));
          continue;
        }
        if (c === 2) assert.equal(b[k][i], 2 * a[k][i], `${k} ${i}`); // exact for a power of 2
        near(b[k][i], c * a[k][i], 1e-12, `${k} ${i}`);
        near(b[k + "Rel"]?.[i] ?? b[k.replace("_", "Rel_")][i], a[k + "Rel"]?.[i] ?? a[k.replace("_", "Rel_")][i], 1e-12, `${k} rel ${i}`);
      }
    }
    near(r.timeWeightedQuoted.price, c * base.timeWeightedQuoted.price);
    near(r.timeWeightedQuoted.bps, base.timeWeightedQuoted.bps);
  }
});

test("spreads: reversing buy/sell labels flips ES, RS and PI (per trade and aggregated), not the quoted spread", () => {
  const flipped = Int8Array.from(trades.col("side") as Int8Array, (v) => -v);
  const a = spreads(trades, quotes, { horizonsUs: [10] });
  const b = spreads(trades, quotes, { horizonsUs: [10], side: flipped });
  const ca = a.trades!.columns as { [k: string]: Float64Array }, cb = b.trades!.columns as { [k: string]: Float64Array };
  for (const k of ["effective", "realized_10us", "impact_10us", "effectiveBps"]) {
    for (let i = 0; i < trades.length; i++) assert.ok(Object.is(cb[k][i], -ca[k][i]) || (Number.isNaN(ca[k][i]) && Number.isNaN(cb[k][i])) || (ca[k][i] === 0 && cb[k][i] === 0), `${k} ${i}`);
  }
  assert.deepEqual(arr(cb.quoted), arr(ca.quoted));
  const sa = a.summary.f64("amountWeightedBps"), sb = b.summary.f64("amountWeightedBps");
  assert.equal(sb[0], sa[0]);
  for (let j = 1; j < sa.length; j++) assert.equal(sb[j], -sa[j]);
});

test("spreads: units option, labels, quoteEndUs and bad input", () => {
  const r = spreads(trades, quotes, { horizonsUs: [10], units: ["bps"], quoteEndUs: 40 });
  assert.ok(r.trades!.has("effectiveBps") && !r.trades!.has("effective") && !r.trades!.has("effectiveRel"));
  assert.deepEqual(r.counts.beyondQuotes, [0]); // t=25 + 10 ≤ 40: the quote at 30 still prevails
  assert.equal((r.trades!.columns.realizedBps_10us as Float64Array)[4], (-2 * (99.5 - 100.25) / 99.5) * 1e4);
  assert.deepEqual([50e3, 1e6, 60e6, 300e6, 250].map(horizonLabel), ["50ms", "1s", "1m", "5m", "250us"]);
  assert.throws(() => spreads(trades, quotes, { horizonsUs: [0] }), ArgumentError);
  assert.throws(() => spreads(trades, quotes, { horizonsUs: [1e6, 1e6] }), ArgumentError);
  assert.throws(() => spreads(trades, quotes, { side: new Int8Array(2) }), ArgumentError);
  assert.throws(() => spreads(trades.drop(["side"]), quotes), (e: unknown) => e instanceof ArgumentError && e.location.field === "side");
  const badQ = new Frame({ localTimestamp: f64([0, 1]), bidPrice: f64([1, -1]), askPrice: f64([2, 2]) });
  assert.throws(() => spreads(trades, badQ), (e: unknown) => e instanceof DataError && e.location.line === 2 && e.location.field === "bidPrice");
});

test("timeWeightedQuotedSpread: window, empty-side quotes excluded and counted, crossed quotes counted", () => {
  const q = new Frame({ localTimestamp: f64([0, 10, 20, 30]), bidPrice: f64([99, NaN, 100, 100]), askPrice: f64([101, 101, 100, 102]) });
  const r = timeWeightedQuotedSpread(q, { startUs: 5, endUs: 40 });
  // [5,10) spread 2; [10,20) invalid; [20,30) locked, spread 0; [30,40) spread 2
  assert.equal(r.durationUs, 25);
  assert.equal(r.invalidUs, 10);
  assert.equal(r.crossedUs, 10);
  near(r.price, (2 * 5 + 0 + 2 * 10) / 25);
  near(r.bps, (1e4 * (0.02 * 5 + (2 / 101) * 10)) / 25);
  assert.throws(() => timeWeightedQuotedSpread(q, { startUs: 10, endUs: 5 }), ArgumentError);
});

test("the time-weighted quoted spread fused into spreads' input checks equals timeWeightedQuotedSpread bit for bit", () => {
  // spreads() takes the time-weighted spread in the same pass as its quote checks (a twin of the standalone loop);
  // random quotes with repeated times, empty sides, crossed and locked quotes, and windows ending before, at and
  // after the last quote
  const u = seededUniform(11);
  for (let rep = 0; rep < 20; rep++) {
    const m = 50 + Math.floor(u() * 200);
    const t = new Float64Array(m), bid = new Float64Array(m), ask = new Float64Array(m);
    let time = 1e6 * u();
    for (let i = 0; i < m; i++) {
      time += u() < 0.2 ? 0 : Math.floor(1 + 100 * u());
      t[i] = time;
      const b = 100 + Math.floor(20 * u()) / 10;
      const r = u();
      bid[i] = r < 0.05 ? NaN : b;
      ask[i] = r > 0.95 ? NaN : r < 0.1 ? b - 0.1 : r < 0.15 ? b : b + 0.1 * (1 + Math.floor(3 * u()));
    }
    const q = new Frame({ localTimestamp: t, bidPrice: bid, askPrice: ask });
    const tr = new Frame({ localTimestamp: f64([t[m >> 1]]), price: f64([100]), amount: f64([1]), side: f64([1]) });
    for (const end of [undefined, t[m - 1] - 5, t[m - 1] + 50]) {
      const fused = spreads(tr, q, { horizonsUs: [1], perTrade: false, ...(end === undefined ? {} : { quoteEndUs: end }) }).timeWeightedQuoted;
      const alone = timeWeightedQuotedSpread(q, end === undefined ? {} : { endUs: end });
      assert.deepEqual(fused, alone, `rep ${rep}, end ${end}`);
    }
  }
});

for (const [dir, sym] of SPOT_CAPTURES) {
  test(`real ${sym} spot: effective, realized spread and price impact (true aggressor side)`, async (t) => {
    const cap = await loadSpotCapture(t, dir, sym);
    if (!cap) return;
    const { trades: tr, quotes: q } = cap; // trades with both clocks: localTimestamp and tradeOnLocal
    const fmt = (r: SpreadResult) => {
      const s = r.summary.columns as { [k: string]: Float64Array };
      const m = r.summary.str("measure");
      const parts: string[] = [];
      for (let j = 0; j < m.length; j++) {
        const h = s.horizonUs[j];
        parts.push(`${m[j]}${Number.isNaN(h) ? "" : "@" + horizonLabel(h)} ${s.meanBps[j].toFixed(3)}/${s.amountWeightedBps[j].toFixed(3)}`);
      }
      return parts.join(", ");
    };
    const local = spreads(tr, q, { perTrade: false });
    const aligned = spreads(tr, q, { tradeTime: "tradeOnLocal" });
    t.diagnostic(`${sym} bps (equal / amount-weighted), receive times: ${fmt(local)}`);
    t.diagnostic(`${sym} bps (equal / amount-weighted), exchange time on local clock: ${fmt(aligned)}; ` +
      `time-weighted quoted ${aligned.timeWeightedQuoted.bps.toFixed(4)} bps (${aligned.timeWeightedQuoted.price} price units); counts ${JSON.stringify(aligned.counts)}`);
    // ES = RS + PI on every real trade and horizon, in price units, exactly
    const c = aligned.trades!.columns as { [k: string]: Float64Array };
    for (const h of aligned.labels) {
      for (let i = 0; i < tr.length; i++) {
        const rs = c[`realized_${h}`][i];
        if (rs === rs) assert.equal(rs + c[`impact_${h}`][i], c.effective[i]);
      }
    }
    const e = row(aligned, "effective");
    assert.ok(aligned.summary.f64("meanBps")[e] > 0, "aligned effective spread is positive");
    assert.ok(aligned.timeWeightedQuoted.bps > 0);
    assert.equal(aligned.counts.invalidQuote, 0);
  });
}
