import { test } from "node:test";
import assert from "node:assert/strict";
import {
  historicalVaR, parametricVaR, inventoryVaR, inventoryExposure, checkInventoryLimits, pnlSinceDayStart, rebalanceToTargets,
} from "../../src/inventory/risk";
import { normalQuantile } from "../../src/frame/ols";
import { createRng } from "../../src/frame/rng";
import { PnlLedger } from "../../src/inventory/ledger";
import { ArgumentError, DataError } from "../../src/errors";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

// scipy.stats.norm.ppf / pdf reference values
const Z975 = 1.959963984540054;
const Z99 = 2.3263478740408408;
const PHI_Z99 = 0.026652142203458073;


test("historical VaR/ES: type-1 quantile and exact tail mean, hand-worked", () => {
  // PnL: 10 scenarios; losses sorted: −5 −4 −3 −2 −1 1 2 3 4 6
  const pnl = [1, -2, 3, -4, 5, -6, 4, -1, 2, -3];
  // α = 0.9: k = ⌈9⌉ = 9 → VaR = L(9) = 4; ES = [L(10) + (9 − 9)·L(9)] / 1 = 6
  let r = historicalVaR(pnl, 0.9);
  assert.equal(r.var, 4);
  close(r.es, 6, 1e-12);
  // α = 0.85: αn = 8.5, k = 9 → VaR = 4; ES = [6 + 0.5·4] / 1.5 = 16/3
  r = historicalVaR(pnl, 0.85);
  assert.equal(r.var, 4);
  close(r.es, 16 / 3, 1e-12);
  // α = 0.5: αn = 5, k = 5 → VaR = L(5) = −1 (a gain); ES = (1+2+3+4+6)/5 = 3.2
  r = historicalVaR(pnl, 0.5);
  assert.equal(r.var, -1);
  close(r.es, 3.2, 1e-12);
  // 0.99·100 = 99.00000000000001 in float64: still k = 99
  const losses = Array.from({ length: 100 }, (_, i) => -(i + 1));
  r = historicalVaR(losses, 0.99);
  assert.equal(r.var, 99);
  close(r.es, 100, 1e-12);
  assert.throws(() => historicalVaR([], 0.9), ArgumentError);
  assert.throws(() => historicalVaR([1, NaN], 0.9), (e: unknown) => e instanceof DataError && e.location.line === 2);
  assert.throws(() => historicalVaR([1], 1), /confidence/);
});

test("parametric normal VaR/ES matches the closed form; Cornish-Fisher reduces to it and matches its own tail integral", () => {
  const n = parametricVaR(0, 10, 0.99);
  close(n.var, 10 * Z99, 1e-12);
  close(n.es, (10 * PHI_Z99) / 0.01, 1e-10);
  const m = parametricVaR(2, 10, 0.99);
  close(m.var, -2 + 10 * Z99, 1e-12);
  // Cornish-Fisher: VaR from the hand formula; ES vs a midpoint integral of the CF quantile over u ∈ (0, 1 − α)
  const S = -0.8;
  const K = 3;
  const cf = parametricVaR(1, 5, 0.975, S, K);
  const z = -Z975;
  const w = (x: number) => x + ((x * x - 1) * S) / 6 + ((x ** 3 - 3 * x) * K) / 24 - ((2 * x ** 3 - 5 * x) * S * S) / 36;
  close(cf.var, -(1 + 5 * w(z)), 1e-10);
  const N = 200000;
  let s = 0;
  for (let i = 0; i < N; i++) s += w(normalQuantile(((i + 0.5) / N) * 0.025));
  close(cf.es, -(1 + (5 * s) / N), 1e-3);
  assert.ok(cf.var > parametricVaR(1, 5, 0.975).var); // negative skew, fat tails → larger VaR
  const cf0 = parametricVaR(0, 10, 0.99, 0, 0);
  close(cf0.var, n.var, 1e-12);
  close(cf0.es, n.es, 1e-10);
});

test("inventoryVaR single asset: historical horizon windows and parametric √h scaling, by hand", () => {
  // absolute scenario, qty 2: price changes ΔP of h = 1: +1 −2 +3 −1 +2 −3 +1 +0 −1 +4
  const P = [100, 101, 99, 102, 101, 103, 100, 101, 101, 100, 104];
  const h1 = inventoryVaR({ prices: P, qty: 2, confidence: 0.9, horizon: 1, method: "historical", scenario: "absolute" });
  // PnL = 2ΔP; losses sorted: −8 −6 −4 −2 −2 0 2 2 4 6 → k = 9 → VaR = 4, ES = 6
  assert.equal(h1.observations, 10);
  assert.equal(h1.var, 4);
  close(h1.es, 6, 1e-12);
  // horizon 2, overlapping: P[i+2] − P[i] for i = 0..8: −1 1 2 1 −1 −2 1 −1 3 → 9 scenarios
  const h2 = inventoryVaR({ prices: P, qty: 2, confidence: 0.5, horizon: 2, method: "historical", scenario: "absolute" });
  assert.equal(h2.observations, 9);
  // losses 2·(1 −1 −2 −1 1 2 −1 1 −3) sorted: −6 −4 −2 −2 −2 2 2 2 4; αn = 4.5 → k = 5 → VaR = −2
  assert.equal(h2.var, -2);
  // ES = [2+2+2+4 + (5 − 4.5)·(−2)] / 4.5 = 9 / 4.5 = 2
  close(h2.es, 2, 1e-12);
  // non-overlapping windows ending at the last row: i = 8, 6, 4, 2, 0 → changes 3, 1, −1, 2, −1
  const h2n = inventoryVaR({ prices: P, qty: 2, confidence: 0.5, horizon: 2, method: "historical", scenario: "absolute", overlapping: false });
  assert.equal(h2n.observations, 5);
  // losses 2·(−3 −1 1 −2 1) sorted: −6 −4 −2 2 2; αn = 2.5 → k = 3 → VaR = −2
  assert.equal(h2n.var, -2);
  // relative scenario: exposure qty·P_now = 2·104 times returns
  const rel = inventoryVaR({ prices: P, qty: 2, confidence: 0.9, horizon: 1, method: "historical" });
  const rets = P.slice(1).map((p, i) => p / P[i] - 1);
  const ref = historicalVaR(rets.map((r) => 208 * r), 0.9);
  close(rel.var, ref.var, 1e-12);
  close(rel.es, ref.es, 1e-12);
  // normal: σ of 1-step PnL (sample, n−1) × √h × z
  const d = P.slice(1).map((p, i) => 2 * (p - P[i]));
  const mu = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mu) ** 2, 0) / (d.length - 1));
  const nv = inventoryVaR({ prices: P, qty: 2, confidence: 0.99, horizon: 4, method: "normal", scenario: "absolute" });
  close(nv.var, 2 * sd * Z99, 1e-12);
  close(nv.es, (2 * sd * PHI_Z99) / 0.01, 1e-9);
  const nm = inventoryVaR({ prices: P, qty: 2, confidence: 0.99, horizon: 4, method: "normal", scenario: "absolute", mean: "sample" });
  close(nm.var, -4 * mu + 2 * sd * Z99, 1e-12);
  close(nm.components![0], nm.var, 1e-12);
  // a short position: the other tail; scaling: VaR(3q) = 3·VaR(q)
  const sh = inventoryVaR({ prices: P, qty: -2, confidence: 0.9, horizon: 1, method: "historical", scenario: "absolute" });
  assert.equal(sh.var, 6); // losses of the short = 2ΔP sorted: −6 −4 −2 0 2 2 4 4 6 8 → L(9) = 6
  const s3 = inventoryVaR({ prices: P, qty: 6, confidence: 0.9, horizon: 1, method: "historical", scenario: "absolute" });
  assert.equal(s3.var, 3 * h1.var);
  assert.ok(h1.es >= h1.var && nv.es >= nv.var);
});

test("inventoryVaR portfolio: covariance, Euler components sum to VaR, diversification", () => {
  const rng = createRng(5);
  const n = 2001;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c = new Float64Array(n);
  a[0] = 100;
  b[0] = 50;
  c[0] = 20;
  for (let i = 1; i < n; i++) {
    const z1 = rng.normal();
    const z2 = rng.normal();
    a[i] = a[i - 1] * (1 + 0.01 * z1);
    b[i] = b[i - 1] * (1 + 0.01 * z2);
    c[i] = c[i - 1] * (1 + 0.01 * z1); // perfectly correlated with a
  }
  const opts = { confidence: 0.99, horizon: 9, method: "normal" as const };
  const r = inventoryVaR({ prices: [a, b], qty: [1, -2], assets: ["A", "B"], ...opts });
  // σ² = EᵀΣE per step, × h
  const E = [a[n - 1], -2 * b[n - 1]];
  const cv = r.covariance!;
  const varStep = E[0] * E[0] * cv[0] + 2 * E[0] * E[1] * cv[1] + E[1] * E[1] * cv[3];
  close(r.var, Math.sqrt(9 * varStep) * Z99, 1e-9 * r.var);
  close(r.components![0] + r.components![1], r.var, 1e-9 * r.var);
  assert.deepEqual(r.perAsset.map((p) => p.asset), ["A", "B"]);
  close(r.perAsset[0].var, Math.sqrt(9 * E[0] * E[0] * cv[0]) * Z99, 1e-9 * r.var);
  assert.ok(r.diversification > 0); // independent assets diversify
  // perfectly correlated same-direction exposures: no diversification
  const rc = inventoryVaR({ prices: [a, c], qty: [1, 2], ...opts });
  close(rc.diversification, 0, 1e-9 * rc.var);
  // historical and Cornish-Fisher run on the same data and are near the normal one for Gaussian returns
  const hi = inventoryVaR({ prices: [a, b], qty: [1, -2], confidence: 0.99, horizon: 1, method: "historical" });
  const no = inventoryVaR({ prices: [a, b], qty: [1, -2], confidence: 0.99, horizon: 1, method: "normal" });
  const cf = inventoryVaR({ prices: [a, b], qty: [1, -2], confidence: 0.99, horizon: 1, method: "cornish-fisher" });
  assert.ok(Math.abs(hi.var / no.var - 1) < 0.15, `${hi.var} vs ${no.var}`);
  assert.ok(Math.abs(cf.var / no.var - 1) < 0.05, `${cf.var} vs ${no.var}`);
  assert.equal(cf.components, undefined);
});

test("inventoryVaR bad input", () => {
  const P = [100, 101, 102, 103];
  const base = { prices: P, qty: 1, confidence: 0.99, horizon: 1, method: "normal" as const };
  assert.throws(() => inventoryVaR({ ...base, confidence: 99 }), /confidence/);
  assert.throws(() => inventoryVaR({ ...base, horizon: 0.5 }), /horizon/);
  assert.throws(() => inventoryVaR({ ...base, method: "monte-carlo" as "normal" }), /method/);
  assert.throws(() => inventoryVaR({ ...base, prices: [100, -1, 102, 103] }), (e: unknown) => e instanceof DataError && e.location.line === 2);
  assert.throws(() => inventoryVaR({ ...base, prices: [P, [1, 2]], qty: [1, 1] }), /aligned/);
  assert.throws(() => inventoryVaR({ ...base, prices: [P, P] }), /one qty per asset/);
  assert.throws(() => inventoryVaR({ ...base, prices: [100, 101] }), /at least 3 prices/);
  assert.throws(() => inventoryVaR({ ...base, method: "historical", horizon: 5 }), /more than horizon/);
  assert.throws(() => inventoryVaR({ ...base, qty: NaN }), /qty/);
});

test("exposure and concentration: hand-worked", () => {
  const e = inventoryExposure([
    { asset: "BTC", qty: 2, price: 100 },
    { asset: "ETH", qty: -5, price: 10 },
    { asset: "SOL", qty: 0, price: 3 },
  ]);
  assert.deepEqual(Array.from(e.notional), [200, -50, 0]);
  assert.equal(e.gross, 250);
  assert.equal(e.net, 150);
  assert.equal(e.long, 200);
  assert.equal(e.short, 50);
  assert.deepEqual(Array.from(e.weights), [0.8, -0.2, 0]);
  close(e.herfindahl, 0.68, 1e-15);
  close(e.effectiveAssets, 1 / 0.68, 1e-14);
  assert.deepEqual(e.largest, { asset: "BTC", weight: 0.8 });
  // equal weights: H = 1/k
  const eq = inventoryExposure(["a", "b", "c", "d"].map((asset, i) => ({ asset, qty: (i % 2 ? -1 : 1) * 10 / (i + 1), price: i + 1 })));
  close(eq.herfindahl, 0.25, 1e-15);
  const flat = inventoryExposure([{ asset: "X", qty: 0, price: 1 }]);
  assert.ok(Number.isNaN(flat.herfindahl));
  assert.throws(() => inventoryExposure([{ asset: "X", qty: 1, price: 0 }]), /price/);
  assert.throws(() => inventoryExposure([{ asset: "X", qty: 1, price: 1 }, { asset: "X", qty: 1, price: 1 }]), /twice/);
});

test("limit checks: which limits bind and by how much", () => {
  const holdings = [
    { asset: "BTC", qty: 3, price: 100 },
    { asset: "ETH", qty: -20, price: 10 },
  ];
  const r = checkInventoryLimits(
    holdings,
    { maxPosition: { BTC: 2, ETH: 50, SOL: 1 }, maxPositionNotional: 250, maxGrossExposure: 600, maxNetExposure: 100, maxDailyLoss: 40 },
    { dailyPnl: -50 },
  );
  assert.equal(r.ok, false);
  const byKey = (l: string, a?: string) => r.checks.find((c) => c.limit === l && c.asset === a)!;
  assert.deepEqual([byKey("position", "BTC").excess, byKey("position", "BTC").binding], [1, true]);
  assert.deepEqual([byKey("position", "ETH").excess, byKey("position", "ETH").binding], [-30, false]);
  assert.deepEqual([byKey("position", "SOL").value, byKey("position", "SOL").binding], [0, false]);
  assert.equal(byKey("positionNotional", "BTC").excess, 50);
  assert.equal(byKey("positionNotional", "ETH").excess, -50);
  assert.equal(byKey("grossExposure").value, 500);
  assert.equal(byKey("grossExposure").binding, false);
  assert.equal(byKey("netExposure").value, 100); // |300 − 200| = cap: binds at equality
  assert.equal(byKey("netExposure").binding, true);
  assert.equal(byKey("dailyLoss").excess, 10);
  // binding ones, most utilized first: position BTC 1.5, dailyLoss 1.25, positionNotional BTC 1.2, netExposure 1
  assert.deepEqual(r.binding.map((c) => c.limit + (c.asset ?? "")), ["positionBTC", "dailyLoss", "positionNotionalBTC", "netExposure"]);
  const ok = checkInventoryLimits(holdings, { maxGrossExposure: 1000 });
  assert.equal(ok.ok, true);
  assert.equal(ok.checks[0].utilization, 0.5);
  assert.throws(() => checkInventoryLimits(holdings, { maxDailyLoss: 10 }), /dailyPnl/);
  assert.throws(() => checkInventoryLimits(holdings, { maxDailyLoss: -10 }, { dailyPnl: 0 }), /maxDailyLoss/);
  assert.throws(() => checkInventoryLimits(holdings, { maxGrossExposure: NaN }), /grossExposure/);
  // works straight off a ledger
  const L = new PnlLedger();
  L.fill({ asset: "BTC", timestamp: 0, side: 1, price: 100, amount: 3 });
  assert.equal(checkInventoryLimits(L.holdings(), { maxPosition: 2 }).binding[0].excess, 1);
});

test("pnlSinceDayStart: reference = last equity of the previous UTC day (startEquity on the first)", () => {
  const D = 86_400_000_000;
  const t = [0, 1000, D - 1, D, D + 5, 3 * D];
  const eq = [5, 7, 4, 10, 1, 3];
  assert.deepEqual(Array.from(pnlSinceDayStart(t, eq, 0)), [5, 7, 4, 6, -3, 2]);
  assert.throws(() => pnlSinceDayStart([0, 2, 1], [0, 0, 0], 0), (e: unknown) => e instanceof DataError && e.location.line === 3);
  assert.throws(() => pnlSinceDayStart([0], [0, 1], 0), ArgumentError);
});

test("rebalance: trades reach the targets; lot size and min notional respected and reported", () => {
  const holdings = [
    { asset: "BTC", qty: 1, price: 100 },
    { asset: "ETH", qty: 10, price: 10 },
    { asset: "SOL", qty: 0, price: 4 },
  ];
  // V = net = 200; targets 50% / 25% / 25% → qty 1, 5, 12.5
  const r = rebalanceToTargets({ holdings, targetWeights: { BTC: 0.5, ETH: 0.25, SOL: 0.25 } });
  assert.equal(r.value, 200);
  assert.deepEqual(Array.from(r.targetQty), [1, 5, 12.5]);
  assert.deepEqual(r.trades.map((x) => [x.asset, x.side, x.qty]), [["ETH", -1, 5], ["SOL", 1, 12.5]]);
  for (let j = 0; j < 3; j++) assert.equal(holdings[j].qty + (r.trades.find((x) => x.asset === holdings[j].asset)?.signedQty ?? 0), r.targetQty[j]);
  assert.deepEqual(Array.from(r.finalWeights), [0.5, 0.25, 0.25]);
  // self-financing: signed notionals sum to 0
  assert.equal(r.trades.reduce((s, x) => s + x.signedQty * x.price, 0), 0);
  assert.equal(r.turnover, 100);
  // lot size 2 for SOL (12.5 → 12), min notional 60 skips the ETH sale of 50
  const c = rebalanceToTargets({ holdings, targetWeights: { BTC: 0.5, ETH: 0.25, SOL: 0.25 }, lotSize: { SOL: 2 }, minNotional: 60 });
  assert.deepEqual(c.trades.map((x) => [x.asset, x.signedQty]), []);
  assert.deepEqual(c.skipped.map((x) => [x.asset, x.reason]), [["ETH", "below minNotional 60"], ["SOL", "below minNotional 60"]]);
  const d = rebalanceToTargets({ holdings, targetWeights: { ETH: -0.5, SOL: 1 }, value: 100, lotSize: 3 });
  // targets: BTC 0 (not listed → 0), ETH −5, SOL 25 → wanted −1, −15, +25 → lots of 3: −0 (skip), −15, +24
  assert.deepEqual(d.trades.map((x) => [x.asset, x.signedQty]), [["ETH", -15], ["SOL", 24]]);
  assert.deepEqual(d.skipped.map((x) => [x.asset, x.signedQty]), [["BTC", -1]]);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(d.finalQty[j] - d.targetQty[j]) <= 3 / 2 + 1e-12);
  assert.deepEqual(Array.from(d.residualNotional), [-100, 0, 4]);
  // random: without constraints final = target to rounding, for any weights
  const rng = createRng(9);
  const hs = Array.from({ length: 6 }, (_, i) => ({ asset: `A${i}`, qty: rng.normal() * 10, price: 1 + rng.next() * 100 }));
  const tw: { [a: string]: number } = {};
  for (const h of hs) tw[h.asset] = rng.normal();
  const rr = rebalanceToTargets({ holdings: hs, targetWeights: tw, value: 1000 });
  for (let j = 0; j < 6; j++) close(rr.finalWeights[j], tw[hs[j].asset], 1e-12);
  assert.throws(() => rebalanceToTargets({ holdings, targetWeights: { DOGE: 1 } }), /not in holdings/);
  assert.throws(() => rebalanceToTargets({ holdings: [{ asset: "X", qty: -1, price: 1 }], targetWeights: { X: 1 } }), /pass value/);
  assert.throws(() => rebalanceToTargets({ holdings, targetWeights: { BTC: 1 }, lotSize: -1 }), /lotSize/);
});
