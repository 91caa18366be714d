import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import {
  AS_2008_TABLES,
  AS_BLOCK_SIZE,
  avellanedaStoikovExperiment,
  avellanedaStoikovPathFills,
  inventorySpreadAverage,
  simulateAvellanedaStoikov,
  type ASProgress,
  type ASSimulationOptions,
} from "../../src/inventory/simulate";
import { ledgerFromFills } from "../../src/inventory/ledger";
import { ArgumentError, MakerlabError } from "../../src/errors";

/** The paper's §3.3 set-up (γ = 0.1). */
const PAPER: ASSimulationOptions = { s0: 100, T: 1, sigma: 2, dt: 0.005, gamma: 0.1, k: 1.5, A: 140, nPaths: 1000, seed: 1 };

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test("inventorySpreadAverage: hand-worked γσ²(T − (n − 1)dt/2) + (2/γ)ln(1 + γ/k)", () => {
  // γ = 0.1: 0.4 · 0.5025 + 20 · ln(16/15) = 0.201 + 1.2907704… = 1.4917704…
  assert.ok(Math.abs(inventorySpreadAverage({ T: 1, sigma: 2, dt: 0.005, gamma: 0.1, k: 1.5 }) - (0.201 + 20 * Math.log(16 / 15))) < 1e-12);
  // γ = 1: 4 · 0.5025 + 2 ln(5/3) = 2.01 + 1.0216512 = 3.0316512
  assert.ok(Math.abs(inventorySpreadAverage({ T: 1, sigma: 2, dt: 0.005, gamma: 1, k: 1.5 }) - (2.01 + 2 * Math.log(5 / 3))) < 1e-12);
  // one step: the spread at t = 0
  assert.ok(Math.abs(inventorySpreadAverage({ T: 1, sigma: 2, dt: 1, gamma: 0.5, k: 1 }) - (2 + 4 * Math.log(1.5))) < 1e-12);
  // γ → 0: the spread tends to 2/k
  assert.ok(Math.abs(inventorySpreadAverage({ T: 1, sigma: 2, dt: 0.005, gamma: 1e-9, k: 1.5 }) - 2 / 1.5) < 1e-6);
});

test("hand-worked paths: σ = 0 with certain fills earns the whole spread every step; A → 0 never trades", () => {
  const base = { ...PAPER, sigma: 0, A: 1e9, nPaths: 3 };
  // symmetric spread 2: both sides fill every step (λdt ≫ 1, probability capped at 1), q stays 0, cash += 2 per step
  const sym = simulateAvellanedaStoikov({ ...base, strategy: "symmetric", symmetricSpread: 2 });
  for (let i = 0; i < 3; i++) {
    assert.equal(sym.profit[i], 400);
    assert.equal(sym.finalQ[i], 0);
    assert.equal(sym.finalMid[i], 100);
  }
  assert.equal(sym.counts.cappedProbability, 2 * 200 * 3);
  assert.equal(sym.stats.meanBidFills, 200);
  assert.equal(sym.stats.stdProfit, 0);
  // inventory strategy, q stays 0 so r = s: profit = Σ_j spread_j = n · average spread; with σ = 0 the time term
  // γσ²(T − t) vanishes and the spread is (2/γ)ln(1 + γ/k) = 20 ln(16/15) at every step
  const inv = simulateAvellanedaStoikov({ ...base, strategy: "inventory", keepPaths: 1 });
  const expected = 200 * 20 * Math.log(16 / 15);
  assert.ok(Math.abs(inv.profit[0] - expected) < 1e-9, `${inv.profit[0]} vs ${expected}`);
  assert.equal(inv.averageSpread, inventorySpreadAverage({ ...PAPER, sigma: 0 }));
  assert.ok(Math.abs(inv.averageSpread - 20 * Math.log(16 / 15)) < 1e-12);
  // Poisson (≤ 1 fill) with λdt ≫ 1: 1 − e^(−λdt) = 1, the same
  const poi = simulateAvellanedaStoikov({ ...base, strategy: "symmetric", symmetricSpread: 2, fillRule: "poisson" });
  assert.equal(poi.profit[0], 400);
  // no fills at all: profit 0, inventory q0 marked to the (moving) mid: profit = q0 (s_T − s0)
  const none = simulateAvellanedaStoikov({ ...PAPER, A: 1e-300, q0: 3, nPaths: 5 });
  for (let i = 0; i < 5; i++) {
    assert.equal(none.finalQ[i], 3);
    assert.ok(Math.abs(none.profit[i] - 3 * (none.finalMid[i] - 100)) < 1e-9);
  }
});

test("skew: a long inventory lowers both quotes by qγσ²(T − t); kept paths agree with the results", () => {
  const r = simulateAvellanedaStoikov({ ...PAPER, q0: 2, nPaths: 5, keepPaths: 5 });
  const p = r.paths!;
  assert.equal(p.t.length, 201);
  assert.equal(p.t[200], 1);
  for (let i = 0; i < 5; i++) {
    assert.equal(p.q[i][0], 2);
    assert.equal(p.mid[i][0], 100);
    assert.equal(p.wealth[i][0], 0);
    const half = (0.4 + 20 * Math.log(16 / 15)) / 2;
    assert.ok(Math.abs(p.bid[i][0] - (100 - 2 * 0.4 - half)) < 1e-12);
    assert.ok(Math.abs(p.ask[i][0] - (100 - 2 * 0.4 + half)) < 1e-12);
    // at t = T − dt the time term is γσ²dt = 0.002; the spread is the same whatever q
    assert.ok(Math.abs(p.ask[i][199] - p.bid[i][199] - (0.4 * 0.005 + 20 * Math.log(16 / 15))) < 1e-12);
    const r199 = (p.ask[i][199] + p.bid[i][199]) / 2; // reservation price s − qγσ²dt
    assert.ok(Math.abs(r199 - (p.mid[i][199] - p.q[i][199] * 0.002)) < 1e-9);
    assert.equal(p.wealth[i][200], r.profit[i]);
    assert.equal(p.q[i][200], r.finalQ[i]);
    assert.equal(p.mid[i][200], r.finalMid[i]);
    assert.ok(Number.isNaN(p.bid[i][200]));
    for (let j = 0; j < 200; j++) {
      assert.ok(p.ask[i][j] > p.bid[i][j]);
      assert.ok(Math.abs(Math.abs(p.mid[i][j + 1] - p.mid[i][j])) < 2); // σ√dt = 0.14: a few std at most
      assert.ok(Number.isInteger(p.q[i][j + 1]) && Math.abs(p.q[i][j + 1] - p.q[i][j]) <= 2);
    }
  }
  // binomial mid moves are exactly ±σ√dt
  const b = simulateAvellanedaStoikov({ ...PAPER, nPaths: 2, keepPaths: 2, increment: "binomial" });
  for (let j = 0; j < 200; j++) assert.ok(Math.abs(Math.abs(b.paths!.mid[0][j + 1] - b.paths!.mid[0][j]) - 2 * Math.sqrt(0.005)) < 1e-9);
});

/**
 * The published Tables 1–3 against our experiment with the paper's procedure (defaults: linear fills, depths from
 * the quote-time mid, ±σ√dt steps, symmetric strategy at the inventory strategy's average spread), 4000 paths per run
 * against the paper's 1000. For each printed statistic x̂ (known to ± half a unit of its last printed digit, u/2):
 * z = max(0, |ours − x̂| − u/2) / √(SE_ours² + SE_paper²), with SE of a mean σ/√n and of a std σ/√(2n) (normal
 * theory; the profit distributions have heavier tails, so these SEs are if anything too small).
 */
const AS_N = 4000;
const AS_PAPER_N = 1000;
function zScores(r: ReturnType<typeof avellanedaStoikovExperiment>): { key: string; z: number; msg: string }[] {
  const out: { key: string; z: number; msg: string }[] = [];
  r.rows.forEach((x, i) => {
    const p = AS_2008_TABLES[i];
    assert.equal(x.gamma, p.gamma);
    assert.equal(x.strategy, p.strategy);
    const stat = (name: string, ours: number, paper: number, seOurs: number, sePaper: number, halfUnit: number) => {
      const z = Math.max(0, Math.abs(ours - paper) - halfUnit) / Math.hypot(seOurs, sePaper);
      out.push({ key: `${x.gamma} ${x.strategy} ${name}`, z, msg: `γ = ${x.gamma} ${x.strategy} ${name}: ours ${ours.toFixed(3)}, paper ${paper}, z = ${z.toFixed(2)}` });
    };
    const n = AS_N, N = AS_PAPER_N;
    stat("mean profit", x.meanProfit, p.meanProfit, x.stdProfit / Math.sqrt(n), p.stdProfit / Math.sqrt(N), 0.05);
    stat("std profit", x.stdProfit, p.stdProfit, x.stdProfit / Math.sqrt(2 * n), p.stdProfit / Math.sqrt(2 * N), 0.05);
    stat("mean q", x.meanQ, p.meanQ, x.stdQ / Math.sqrt(n), p.stdQ / Math.sqrt(N), 0.005);
    stat("std q", x.stdQ, p.stdQ, x.stdQ / Math.sqrt(2 * n), p.stdQ / Math.sqrt(2 * N), 0.05);
  });
  return out;
}

test("reproduces all 24 statistics of the published Tables 1–3 within Monte Carlo error (|z| ≤ 3.5), for two seeds", () => {
  // Measured when written: largest z 2.8 (seed 2008) and 2.0 (seed 7), both the γ = 0.01 symmetric strategy's std
  // profit (13.76 and 13.49 against 12.8): the symmetric std profit comes out a few percent above the paper's in
  // every run, as other replications report.
  for (const seed of [2008, 7]) {
    const r = avellanedaStoikovExperiment({ seed, nPaths: AS_N });
    const zs = zScores(r);
    assert.equal(zs.length, 24);
    for (const z of zs) assert.ok(z.z <= 3.5, `seed ${seed}: ${z.msg}`);
    // average spreads: the paper prints the time-average of eq. (30), γσ²T/2 + (2/γ)ln(1 + γ/k); ours averages the
    // 200 quote times t_j = j·dt, which adds γσ²dt/2 (0.01 at γ = 1)
    r.rows.forEach((x, i) => {
      const g = x.gamma;
      const continuous = (g * 4) / 2 + (2 / g) * Math.log(1 + g / 1.5);
      assert.equal(Number(continuous.toFixed(2)), AS_2008_TABLES[i].spread, `printed spread γ = ${g}`);
      assert.ok(Math.abs(x.spread - (continuous + (g * 4 * 0.005) / 2)) < 1e-12, `our average spread γ = ${g}: ${x.spread}`);
    });
  }
});

test("depths from the next mid (the mid moves before orders arrive) do not reproduce the published profits", () => {
  // A convention check, not a reproduction: measuring depths after the step's move adds adverse selection of order
  // σ√dt and lowers every inventory-strategy profit by ≈ 0.7–1.6, several standard errors below the tables.
  const r = avellanedaStoikovExperiment({ seed: 2008, nPaths: AS_N, depthFrom: "nextMid" });
  const base = avellanedaStoikovExperiment({ seed: 2008, nPaths: AS_N });
  for (let i = 0; i < 6; i += 2) assert.ok(r.rows[i].meanProfit < base.rows[i].meanProfit - 0.5, `γ = ${r.rows[i].gamma}: ${r.rows[i].meanProfit} vs ${base.rows[i].meanProfit}`);
  const worst = Math.max(...zScores(r).filter((z) => z.key.endsWith("inventory mean profit")).map((z) => z.z));
  assert.ok(worst > 3.5, `nextMid worst inventory mean-profit z ${worst}`);
});

test("the inventory strategy has lower profit std and lower inventory std than the symmetric one at every γ (both fill rules, both depth conventions)", () => {
  for (const fillRule of ["linear", "poisson"] as const)
    for (const depthFrom of ["quoteMid", "nextMid"] as const) {
      const r = avellanedaStoikovExperiment({ seed: 5, nPaths: 1000, fillRule, depthFrom, increment: "normal" });
      for (let g = 0; g < 3; g++) {
        const inv = r.rows[2 * g];
        const sym = r.rows[2 * g + 1];
        assert.equal(inv.spread, sym.spread); // same average spread
        const what = `γ=${inv.gamma} ${fillRule} ${depthFrom}`;
        assert.ok(inv.stdProfit < sym.stdProfit, `${what}: std profit ${inv.stdProfit} vs ${sym.stdProfit}`);
        assert.ok(inv.stdQ < sym.stdQ, `${what}: std q ${inv.stdQ} vs ${sym.stdQ}`);
      }
    }
});

test("determinism: same seed bit-identical; other seed differs; common random numbers across strategies and fill rules", () => {
  const a = simulateAvellanedaStoikov({ ...PAPER, nPaths: 3000 });
  const b = simulateAvellanedaStoikov({ ...PAPER, nPaths: 3000 });
  assert.ok(sameBits(a.profit, b.profit) && sameBits(a.finalQ, b.finalQ) && sameBits(a.finalMid, b.finalMid));
  assert.equal(a.stats.meanProfit, b.stats.meanProfit);
  const c = simulateAvellanedaStoikov({ ...PAPER, nPaths: 3000, seed: 2 });
  let same = 0;
  for (let i = 0; i < 3000; i++) if (c.profit[i] === a.profit[i]) same++;
  assert.equal(same, 0);
  // same mid paths for every strategy and fill rule
  const sym = simulateAvellanedaStoikov({ ...PAPER, nPaths: 3000, strategy: "symmetric" });
  const poi = simulateAvellanedaStoikov({ ...PAPER, nPaths: 3000, fillRule: "poisson" });
  assert.ok(sameBits(a.finalMid, sym.finalMid) && sameBits(a.finalMid, poi.finalMid));
  // the block structure: a path in a full block does not depend on nPaths
  const small = simulateAvellanedaStoikov({ ...PAPER, nPaths: AS_BLOCK_SIZE });
  assert.ok(sameBits(small.profit, a.profit.subarray(0, AS_BLOCK_SIZE)));
  // coupled uniforms: symmetric quotes, so the fill decisions do not feed back; Poisson (≤ 1) fills iff
  // U < 1 − e^(−λdt) ≤ λdt, so never more fills than the linear rule, path by path
  const symPoi = simulateAvellanedaStoikov({ ...PAPER, nPaths: 3000, strategy: "symmetric", fillRule: "poisson" });
  assert.ok(symPoi.stats.meanBidFills < sym.stats.meanBidFills);
});

test("expected fills: λdt per step (linear), 1 − e^(−λdt) (Poisson, one unit), λdt (Poisson counts)", () => {
  const o = { ...PAPER, nPaths: 4000, strategy: "symmetric" as const, symmetricSpread: 1.3 };
  const mu = 140 * 0.005 * Math.exp(-1.5 * 0.65);
  const cases: [Partial<ASSimulationOptions>, number][] = [
    [{ fillRule: "linear" }, mu],
    [{ fillRule: "poisson" }, -Math.expm1(-mu)],
    [{ fillRule: "poisson", maxFillsPerStep: Infinity }, mu],
  ];
  for (const [opt, p] of cases) {
    const r = simulateAvellanedaStoikov({ ...o, ...opt });
    const expected = 200 * p;
    // fills per path: sum of 200 Bernoulli(p) (or Poisson(μ)): sd √(200 p(1−p)) (√(200 μ)); mean over 4000 paths
    const sd = Math.sqrt(200 * (opt.maxFillsPerStep ? p : p * (1 - p)) / 4000);
    for (const m of [r.stats.meanBidFills, r.stats.meanAskFills]) assert.ok(Math.abs(m - expected) < 4 * sd, `${JSON.stringify(opt)}: ${m} vs ${expected}`);
    // symmetric, martingale mid: E[profit] = E[fills] · half-spread per side
    assert.ok(Math.abs(r.stats.meanProfit - 2 * expected * 0.65) < 4 * r.stats.seProfit, `${r.stats.meanProfit}`);
  }
});

test("independent seeds agree within Monte Carlo error", () => {
  for (const fillRule of ["linear", "poisson"] as const) {
    const a = simulateAvellanedaStoikov({ ...PAPER, nPaths: 4000, seed: 101, fillRule });
    const b = simulateAvellanedaStoikov({ ...PAPER, nPaths: 4000, seed: 202, fillRule });
    const z = (a.stats.meanProfit - b.stats.meanProfit) / Math.hypot(a.stats.seProfit, b.stats.seProfit);
    assert.ok(Math.abs(z) < 4, `${fillRule}: mean profit ${a.stats.meanProfit} vs ${b.stats.meanProfit}`);
    const zq = (a.stats.meanQ - b.stats.meanQ) / Math.hypot(a.stats.seQ, b.stats.seQ);
    assert.ok(Math.abs(zq) < 4);
    // std: SE ≈ σ/√(2n) each
    const zs = (a.stats.stdProfit - b.stats.stdProfit) / Math.hypot(a.stats.stdProfit, b.stats.stdProfit) / Math.sqrt(1 / 8000);
    assert.ok(Math.abs(zs) < 4, `${fillRule}: std ${a.stats.stdProfit} vs ${b.stats.stdProfit}`);
  }
});

test("progress: a report per block of paths, and a text bar", () => {
  const seen: ASProgress[] = [];
  simulateAvellanedaStoikov({ ...PAPER, dt: 0.1, nPaths: 2 * AS_BLOCK_SIZE + 5, onProgress: (p) => seen.push(p) });
  assert.deepEqual(
    seen.map((p) => p.pathsDone),
    [AS_BLOCK_SIZE, 2 * AS_BLOCK_SIZE, 2 * AS_BLOCK_SIZE + 5],
  );
  assert.equal(seen[2].pathStepsDone, (2 * AS_BLOCK_SIZE + 5) * 10);
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  simulateAvellanedaStoikov({ ...PAPER, dt: 0.1, nPaths: 4 * AS_BLOCK_SIZE, progress: stream });
  assert.equal(text.trim().split("\n").length, 4); // one line per quarter on a non-TTY
  assert.match(text, /8192\/8192 paths/);
});

test("Poisson counts at one stale quote can overshoot: a clear error, and the one-unit rule stays stable", () => {
  const o = { ...PAPER, gamma: 1, q0: 10, nPaths: 4, fillRule: "poisson" as const };
  assert.throws(
    () => simulateAvellanedaStoikov({ ...o, maxFillsPerStep: Infinity }),
    (e: unknown) => e instanceof MakerlabError && /intensity overflow/.test(e.message) && /maxFillsPerStep: 1/.test(e.message),
  );
  const ok = simulateAvellanedaStoikov(o);
  for (const q of ok.finalQ) assert.ok(Math.abs(q) < 20);
  // a cap of a few fills per step also holds it, and the caps are counted
  const capped = simulateAvellanedaStoikov({ ...o, maxFillsPerStep: 3 });
  assert.ok(capped.counts.cappedFills > 0);
});

test("bad input throws ArgumentError naming the field", () => {
  const bad: [Partial<ASSimulationOptions> & Record<string, unknown>, string][] = [
    [{ dt: 0.003 }, "dt"], // T/dt = 333.3
    [{ dt: 0 }, "dt"],
    [{ dt: 2 }, "dt"],
    [{ T: -1 }, "T"],
    [{ sigma: -2 }, "sigma"],
    [{ sigma: NaN }, "sigma"],
    [{ gamma: 0 }, "gamma"],
    [{ k: -1 }, "k"],
    [{ A: 0 }, "A"],
    [{ s0: Infinity }, "s0"],
    [{ q0: 0.5 }, "q0"],
    [{ nPaths: 0 }, "nPaths"],
    [{ nPaths: 1.5 }, "nPaths"],
    [{ seed: NaN }, "seed"],
    [{ fillRule: "exp" as never }, "fillRule"],
    [{ strategy: "skewed" as never }, "strategy"],
    [{ increment: "levy" as never }, "increment"],
    [{ depthFrom: "later" as never }, "depthFrom"],
    [{ symmetricSpread: 1 }, "symmetricSpread"], // inventory strategy
    [{ strategy: "symmetric", symmetricSpread: -1 }, "symmetricSpread"],
    [{ maxFillsPerStep: 2 }, "maxFillsPerStep"], // linear rule
    [{ fillRule: "poisson", maxFillsPerStep: 0 }, "maxFillsPerStep"],
    [{ keepPaths: 1001 }, "keepPaths"],
  ];
  for (const [opt, field] of bad)
    assert.throws(
      () => simulateAvellanedaStoikov({ ...PAPER, ...opt }),
      (e: unknown) => e instanceof ArgumentError && e.location.field === field,
      `${JSON.stringify(opt)} should fail on ${field}`,
    );
  assert.throws(() => avellanedaStoikovExperiment({ seed: 1, gammas: [] }), ArgumentError);
  assert.throws(() => avellanedaStoikovExperiment({ seed: 1, gammas: [0.1], symmetricSpreads: [1, 2] }), ArgumentError);
  assert.throws(() => inventorySpreadAverage({ T: 1, sigma: 2, dt: 0.3, gamma: 0.1, k: 1.5 }), ArgumentError);
  // one path: std is undefined (NaN), the rest works
  const one = simulateAvellanedaStoikov({ ...PAPER, nPaths: 1 });
  assert.ok(Number.isNaN(one.stats.stdProfit) && Number.isFinite(one.stats.meanProfit));
});

test("kept paths record the fills; through the PnL ledger they give the path's profit = spread capture + inventory PnL", () => {
  const r = simulateAvellanedaStoikov({ s0: 100, T: 1, sigma: 2, dt: 0.005, gamma: 0.1, k: 1.5, A: 140, nPaths: 50, seed: 11, keepPaths: 3 });
  const paths = r.paths!;
  for (let p = 0; p < 3; p++) {
    const bf = paths.bidFills[p], af = paths.askFills[p], q = paths.q[p];
    for (let j = 0; j < paths.t.length - 1; j++) assert.equal(q[j + 1] - q[j], bf[j] - af[j], `path ${p} step ${j}`);
    const fills = avellanedaStoikovPathFills(paths, p);
    const led = ledgerFromFills(fills);
    const tot = led.snapshot.totals;
    assert.ok(Math.abs(tot.equity - r.profit[p]) < 1e-9, `path ${p}: ledger equity ${tot.equity} vs profit ${r.profit[p]}`);
    assert.ok(Math.abs(tot.spreadCapture + tot.inventoryPnl - tot.fees - tot.equity) < 1e-9);
    assert.ok(tot.spreadCapture > 0, "quoting around the mid earns the half-spread");
  }
  assert.throws(() => avellanedaStoikovPathFills(paths, 3), ArgumentError);
});
