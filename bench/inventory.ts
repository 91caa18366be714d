/**
 * Avellaneda-Stoikov Monte Carlo simulator (src/inventory/simulate.ts): 100,000 paths × 200 steps, beside the two
 * floors that bound it, measured in the same run.
 * Run: node --expose-gc --import tsx bench/inventory.ts   (or `npm run bench -- inventory`)
 * Env: BENCH_AS_PATHS (default 100,000), BENCH_AS_RUNS (default 3).
 *
 * Set-up: the paper's §3.3 (s0 = 100, T = 1, σ = 2, dt = 0.005 → 200 steps, k = 1.5, A = 140) with γ = 0.1,
 * seed 20080301, one core (the simulator is single-threaded).
 * Workloads: `simulateAvellanedaStoikov` with
 *   inventory strategy × fill rule "linear" (the paper's min(1, λdt)) and "poisson" (1 − e^(−λdt), one unit),
 *   normal mid increments (σ√dt·Z), fill depths from the quote-time mid (the defaults); then the inventory
 *   strategy with "poisson" counts (maxFillsPerStep = Infinity), with binomial increments, with depths from the
 *   next mid, and the symmetric strategy (constant intensities: no exp at all).
 * Floors, the same number of path-steps:
 *   RNG: the draws the simulator makes and nothing else: per path-step one normal (polar method) and two 32-bit
 *        uniforms from three xoshiro128** streams (`fillNormalPolar`, `fillUniform32` of src/frame/rng.ts: the simulator's
 *        generator, the same uint32 sequence as `createRng`), written to block buffers of 2,048; for reference
 *        also the same number of draws through `createRng`'s closures (`rng.normal()`, `rng.next()`);
 *   exp: one `Math.exp` per path-step, and three, over arguments that vary like the simulator's: what the
 *        intensities would cost computed per path (e^(−kqc); with "poisson" also e^(−λ_b dt), e^(−λ_a dt)). The
 *        simulator computes them per path only for normal mid moves with depths from the next mid; otherwise q
 *        is an integer and they come from a per-step table over the block's inventory range.
 * Timing: wall clock, median (and min) of BENCH_AS_RUNS runs after 2 warm-ups, GC between runs (--expose-gc).
 * Memory: process.memoryUsage() before the run and with its result alive (RSS, heap, ArrayBuffers), and the bytes
 * of the typed arrays the run allocated (reported by the simulator).
 * Target (issue 5): 20 million path-steps per second or more on one core.
 */
import { createRng, deriveSeed, fillNormalPolar, fillUniform32, xoshiroState } from "../src/frame/rng";
import { AS_BLOCK_SIZE, simulateAvellanedaStoikov, type ASSimulationOptions, type ASSimulationResult } from "../src/inventory/simulate";
import { fmtInt, fmtMs, fmtRate, fmtRatio, gc, rate, recordSummary, table, timeIt, title, type Timing } from "./common";

const N_PATHS = Number(process.env.BENCH_AS_PATHS ?? 100_000);
const RUNS = Number(process.env.BENCH_AS_RUNS ?? 3);
/** V8 re-optimizes the kernel when a new option combination arrives: two warm-ups per workload. */
const WARMUP = 2;
const SEED = 20080301;
const TARGET = 20e6;
const BASE: ASSimulationOptions = { s0: 100, T: 1, sigma: 2, dt: 0.005, gamma: 0.1, k: 1.5, A: 140, nPaths: N_PATHS, seed: SEED };
const N_STEPS = Math.round(BASE.T / BASE.dt);
const PATH_STEPS = N_PATHS * N_STEPS;

interface Workload {
  name: string;
  opts: Partial<ASSimulationOptions>;
}
const WORKLOADS: Workload[] = [
  { name: "inventory, linear", opts: { strategy: "inventory", fillRule: "linear" } },
  { name: "inventory, poisson (≤1 fill)", opts: { strategy: "inventory", fillRule: "poisson" } },
  { name: "inventory, poisson counts", opts: { strategy: "inventory", fillRule: "poisson", maxFillsPerStep: Infinity } },
  { name: "inventory, linear, binomial mid", opts: { strategy: "inventory", fillRule: "linear", increment: "binomial" } },
  { name: "inventory, linear, next-mid depth", opts: { strategy: "inventory", fillRule: "linear", depthFrom: "nextMid" } },
  { name: "symmetric, linear", opts: { strategy: "symmetric", fillRule: "linear" } },
];

const MB = 2 ** 20;
function fmtMB(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** RNG floor: the simulator's draws only (1 normal + 2 uniforms per path-step, its inline xoshiro128** fills), block by block. */
function rngFloor(nPaths: number, nSteps: number): number {
  const B = Math.min(AS_BLOCK_SIZE, nPaths);
  const dZ = new Float64Array(B);
  const UB = new Float64Array(B);
  const UA = new Float64Array(B);
  let acc = 0;
  for (let start = 0, b = 0; start < nPaths; start += B, b++) {
    const m = Math.min(B, nPaths - start);
    const r1 = xoshiroState(deriveSeed(SEED, 1, b));
    const r2 = xoshiroState(deriveSeed(SEED, 2, b));
    const r3 = xoshiroState(deriveSeed(SEED, 3, b));
    for (let j = 0; j < nSteps; j++) {
      fillNormalPolar(r1, dZ, m, 0.1);
      fillUniform32(r2, UB, m);
      fillUniform32(r3, UA, m);
      acc += dZ[m - 1] + UB[m - 1] + UA[m - 1];
    }
  }
  return acc;
}

/** The same draws through `createRng`'s closures (rng.normal(), rng.next()): what a call per number costs. */
function rngClosureFloor(nPaths: number, nSteps: number): number {
  const B = Math.min(AS_BLOCK_SIZE, nPaths);
  const dZ = new Float64Array(B);
  const UB = new Float64Array(B);
  const UA = new Float64Array(B);
  let acc = 0;
  for (let start = 0, b = 0; start < nPaths; start += B, b++) {
    const m = Math.min(B, nPaths - start);
    const r1 = createRng(SEED + 3 * b);
    const r2 = createRng(SEED + 3 * b + 1);
    const r3 = createRng(SEED + 3 * b + 2);
    for (let j = 0; j < nSteps; j++) {
      for (let i = 0; i < m; i++) dZ[i] = r1.normal();
      for (let i = 0; i < m; i++) UB[i] = 1 - r2.next();
      for (let i = 0; i < m; i++) UA[i] = 1 - r3.next();
      acc += dZ[m - 1] + UB[m - 1] + UA[m - 1];
    }
  }
  return acc;
}

/** exp floor: `perStep` Math.exp calls per path-step over varying arguments (q in −8…7, time-decaying c, λdt ≈ 0.2). */
function expFloor(nPaths: number, nSteps: number, perStep: 1 | 3): number {
  const B = Math.min(AS_BLOCK_SIZE, nPaths);
  const Q = new Float64Array(B);
  for (let i = 0; i < B; i++) Q[i] = (i % 16) - 8;
  let acc = 0;
  for (let start = 0; start < nPaths; start += B) {
    const m = Math.min(B, nPaths - start);
    for (let j = 0; j < nSteps; j++) {
      const kc = 1.5 * 0.4 * (1 - j / nSteps);
      if (perStep === 1) for (let i = 0; i < m; i++) acc += Math.exp(-kc * Q[i]);
      else
        for (let i = 0; i < m; i++) {
          const e = Math.exp(-kc * Q[i]);
          acc += Math.exp(-0.2 * e) + Math.exp(-0.2 / e);
        }
    }
  }
  return acc;
}

interface Row {
  name: string;
  t: Timing;
  mem?: { rss: number; heap: number; ab: number; typed: number };
  stats?: ASSimulationResult["stats"];
}

async function main(): Promise<void> {
  title(`A-S Monte Carlo: ${fmtInt(N_PATHS)} paths × ${N_STEPS} steps = ${fmtInt(PATH_STEPS)} path-steps (γ = 0.1, one core)`);
  const rows: Row[] = [];
  for (const w of WORKLOADS) {
    const opts = { ...BASE, ...w.opts };
    const t = await timeIt(() => simulateAvellanedaStoikov(opts), RUNS, WARMUP);
    gc();
    const before = process.memoryUsage();
    const r = simulateAvellanedaStoikov(opts);
    const after = process.memoryUsage();
    rows.push({
      name: w.name,
      t,
      mem: { rss: after.rss - before.rss, heap: after.heapUsed - before.heapUsed, ab: after.arrayBuffers - before.arrayBuffers, typed: r.typedArrayBytes },
      stats: r.stats,
    });
  }
  const rngT = await timeIt(() => rngFloor(N_PATHS, N_STEPS), RUNS, WARMUP);
  const rngClosureT = await timeIt(() => rngClosureFloor(N_PATHS, N_STEPS), RUNS, WARMUP);
  const exp1T = await timeIt(() => expFloor(N_PATHS, N_STEPS, 1), RUNS, WARMUP);
  const exp3T = await timeIt(() => expFloor(N_PATHS, N_STEPS, 3), RUNS, WARMUP);

  const ms = (r: Row) => r.t.median;
  console.log(
    table(
      ["workload", "median ms (min)", "paths/s", "path-steps/s", "mean profit", "std profit", "std q"],
      [
        ...rows.map((r) => [
          r.name,
          `${fmtMs(r.t.median)} (${fmtMs(r.t.min)})`,
          fmtRate(rate(N_PATHS, ms(r))),
          fmtRate(rate(PATH_STEPS, ms(r))),
          r.stats ? r.stats.meanProfit.toFixed(2) : "",
          r.stats ? r.stats.stdProfit.toFixed(2) : "",
          r.stats ? r.stats.stdQ.toFixed(2) : "",
        ]),
        ...[
          ["floor: RNG only (1 normal + 2 uniforms)", rngT],
          ["  same draws via createRng closures", rngClosureT],
          ["floor: exp only, 1 per path-step", exp1T],
          ["floor: exp only, 3 per path-step", exp3T],
        ].map(([n, t]) => [n as string, `${fmtMs((t as Timing).median)} (${fmtMs((t as Timing).min)})`, "", fmtRate(rate(PATH_STEPS, (t as Timing).median)), "", "", ""]),
      ],
    ),
  );

  title("Memory (one run, result alive; deltas of process.memoryUsage)");
  console.log(
    table(
      ["workload", "typed arrays", "ArrayBuffers Δ", "heap Δ", "RSS Δ"],
      rows.map((r) => [r.name, fmtMB(r.mem!.typed), fmtMB(r.mem!.ab), fmtMB(r.mem!.heap), fmtMB(r.mem!.rss)]),
    ),
  );

  const lin = rows[0];
  const poi = rows[1];
  const nxt = rows[4];
  const share = (floor: Timing, r: Row) => `${((100 * floor.median) / r.t.median).toFixed(0)} %`;
  title("What bounds it");
  console.log(
    `RNG floor ${fmtMs(rngT.median)} ms = ${share(rngT, lin)} of "linear", ${share(rngT, poi)} of "poisson" ` +
      `(through createRng's closures the same draws take ${fmtMs(rngClosureT.median)} ms: hence the inline generator).\n` +
      `exp: none per path-step in "linear"/"poisson" (per-step tables over the integer inventory); the next-mid row needs one, ` +
      `and the 1/step exp floor (${fmtMs(exp1T.median)} ms) is ${share(exp1T, nxt)} of it; per-path exps for "poisson" would cost ${fmtMs(exp3T.median)} ms.\n` +
      `The rest (${fmtMs(lin.t.median - rngT.median)} ms of "linear") is the per path-step update: loads/stores of mid, cash and q, ` +
      `the table lookups and the fill compares.`,
  );
  for (const r of rows.slice(0, 2)) {
    const ps = rate(PATH_STEPS, r.t.median);
    recordSummary({
      bench: "inventory",
      workload: `A-S MC ${r.name}, ${fmtInt(N_PATHS)} paths × ${N_STEPS} steps`,
      ours: `${fmtMs(r.t.median)} ms, ${fmtRate(ps)} path-steps/s, ${fmtMB(r.mem!.typed)} typed`,
      baseline: `RNG floor ${fmtMs(rngT.median)} ms, exp floor ${fmtMs((r === lin ? exp1T : exp3T).median)} ms`,
      ratio: `ours/(RNG+exp) ${fmtRatio(r.t.median / (rngT.median + (r === lin ? exp1T : exp3T).median))}`,
      target: "≥ 20 M path-steps/s",
      met: ps >= TARGET ? "yes" : "NO",
    });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
