/**
 * Monte Carlo simulator of the Avellaneda & Stoikov (2008) market-making set-up ("High-frequency trading in a
 * limit order book", Quantitative Finance 8(3), 217–224, section 3.3), vectorized over paths with typed arrays.
 *
 * Model (units: price P, time τ; σ in P/√τ, k in 1/P, A in 1/τ, γ in 1/P):
 * - mid: arithmetic random walk on the grid t_j = j·dt, j = 0…n, n = T/dt:
 *   `"normal"`: s_{j+1} = s_j + σ√dt·Z (Brownian increments, the default);
 *   `"binomial"`: s_{j+1} = s_j ± σ√dt with probability ½ each (what the paper's simulation used).
 * - quotes at t_j (before the mid moves), inventory strategy: reservation price r = s − q·γσ²(T − t),
 *   spread ψ = γσ²(T − t) + (2/γ)·ln(1 + γ/k), bid = r − ψ/2, ask = r + ψ/2; so the depths from the mid are
 *   δ_b = ψ/2 + qγσ²(T − t) and δ_a = ψ/2 − qγσ²(T − t). Symmetric strategy: bid/ask = s ∓ ψ̄/2 with ψ̄ a constant
 *   spread, by default the inventory strategy's average spread (see `inventorySpreadAverage`).
 * - fills in [t_j, t_{j+1}), each side independently, one unit each, with intensity λ(δ) = A·e^(−kδ), the depth
 *   δ measured from the quote-time mid s_j (default) or from the next mid s_{j+1} (`depthFrom: "nextMid"`):
 *   `"linear"` (the paper's rule): one fill with probability min(1, λ(δ)·dt);
 *   `"poisson"`: exact Poisson arrivals with mean λ(δ)·dt; by default the quote is one unit and fills when at
 *   least one order arrives, probability 1 − e^(−λdt); with `maxFillsPerStep` > 1 (or Infinity) N ~ Poisson(λdt)
 *   arrivals fill one unit each at the same quote (up to the cap).
 *   A bid fill buys at the bid (q += 1, cash −= bid), an ask fill sells at the ask (q −= 1, cash += ask).
 * - profit = cash_T + q_T·s_T − q0·s0 (cash starts at 0; the initial inventory is marked at s0).
 *
 * Against the published paper's Tables 1–3 (`AS_2008_TABLES`), with the paper's procedure (§3.3: quotes computed
 * at t from the state, a fill with probability λ(δ)dt at s ± δ, then the mid moves ±σ√dt: "linear" fills, depths
 * from the quote-time mid, "binomial" steps) and the symmetric strategy at the inventory strategy's average spread,
 * `avellanedaStoikovExperiment` reproduces all 24 printed statistics (spread, mean and std of profit, mean and std
 * of final q, for γ = 0.1, 0.01, 1) within Monte Carlo error (test/inventory/simulate.test.ts).
 * Beware the widely circulated October 2006 preprint of the paper: its tables differ (γ = 0.1, 0.01 and 0.5, not 1;
 * "spread" columns 1.29 / 1.33 / 1.15 = (2/γ)·ln(1 + γ/k) without the time term; profits 62.94 / 66.78 / 33.92 for
 * the inventory strategy) and are often quoted as the paper's. They are not the published figures, and this
 * simulator does not reproduce the preprint's γ = 0.5 inventory row (≈ 48 against 33.92).
 *
 * Random numbers (common random numbers, reproducible bit for bit): paths are processed in blocks of
 * `AS_BLOCK_SIZE` = 2048; block b draws from its own xoshiro128** streams seeded with `deriveSeed(seed, stream, b)`
 * exactly as `createRng` seeds them (same uint32 sequence, drawn for speed by the tight-loop fills of
 * src/frame/rng.ts: `xoshiroState`, `fillUniform32`, `fillSigns`, `fillNormalPolar`), stream 1 = mid increments
 * (polar-method normals or signs), 2 = bid-fill uniforms, 3 = ask-fill uniforms (32-bit: U = (x + ½)/2^32),
 * 4 = auxiliary Poisson draws (`createRng(...).poisson`, only for λdt > 700, where e^(−λdt) underflows). Per path and step exactly one mid increment and one uniform per side are drawn, whatever the strategy
 * or fill rule, so the inventory and symmetric strategies (and the fill rules) see the same mid paths and the same
 * uniforms U. Fill counts are monotone in U: N = #{m ≥ 1 : U < P(N ≥ m)} (inversion of the upper tail), and the
 * linear rule fills iff U < λdt, so the rules are coupled too. A full block's numbers depend only on (seed, block
 * index): path i gives the same result for any nPaths that leaves its block full.
 */
import { ArgumentError, MakerlabError } from "../errors";
import { createRng, deriveSeed, xoshiroState, fillUniform32, fillSigns, fillNormalPolar, type Rng } from "../frame/rng";
import { bar, formatSeconds } from "../notebook/progress";

/** Fill rule per step and side: the paper's min(1, λdt) Bernoulli ("linear") or an exact Poisson count ("poisson"). */
export type ASFillRule = "linear" | "poisson";
/** Mid increment per step: Gaussian σ√dt·Z ("normal") or ±σ√dt with probability ½ ("binomial", the paper's). */
export type ASMidIncrement = "normal" | "binomial";
/**
 * Mid from which a step's fill depths are measured: "quoteMid", the mid s_j at which the quotes were set (orders
 * arrive while the mid is s_j: the model's reading), or "nextMid", the mid s_{j+1} after the step's move (the mid
 * moves first, then orders arrive against the stale quotes; adds adverse selection of order σ√dt and lowers
 * the inventory strategy's profits by ≈ 0.7–1.6 in the paper's set-up; the published tables are reproduced with "quoteMid").
 */
export type ASDepthFrom = "quoteMid" | "nextMid";
/** Quoting strategy: A-S inventory-skewed quotes, or a constant spread centred on the mid. */
export type ASStrategy = "inventory" | "symmetric";

/** Paths per block: the unit of the random streams (see the module comment) and of progress reports. Fixed: results depend on it. */
export const AS_BLOCK_SIZE = 2048;

/** Progress of a running simulation, reported after each block of paths. */
export interface ASProgress {
  strategy: ASStrategy;
  /** Paths finished so far. */
  pathsDone: number;
  nPaths: number;
  /** Path-steps finished so far (pathsDone · nSteps). */
  pathStepsDone: number;
  /** Milliseconds since the start of the run. */
  elapsedMs: number;
}

/** Options of `simulateAvellanedaStoikov`. */
export interface ASSimulationOptions {
  /** Initial mid price s0 (P), e.g. 100. */
  s0: number;
  /** Horizon T (τ), e.g. 1. */
  T: number;
  /** Volatility of the mid σ in P/√τ (arithmetic: the mid's std over a time h is σ√h), e.g. 2. */
  sigma: number;
  /** Time step dt (τ); T/dt must be an integer (within 1e-9), e.g. 0.005 → 200 steps. */
  dt: number;
  /** Initial inventory q0 in units (an integer), default 0. */
  q0?: number;
  /** Risk aversion γ (1/P), > 0, e.g. 0.1. */
  gamma: number;
  /** Decay of the fill intensity with depth, k (1/P), > 0, e.g. 1.5. */
  k: number;
  /** Fill intensity at zero depth, A (fills per τ per side), > 0, e.g. 140. */
  A: number;
  /** Number of simulated paths (integer ≥ 1). */
  nPaths: number;
  /** Seed of the random streams (any finite number). */
  seed: number;
  /** Default "linear" (the paper's rule). */
  fillRule?: ASFillRule;
  /** Default "inventory". */
  strategy?: ASStrategy;
  /** Default "normal" (arithmetic Brownian motion); the paper's simulation used "binomial". */
  increment?: ASMidIncrement;
  /** Symmetric strategy only: its constant spread ψ̄ (P). Default: the inventory strategy's average spread `inventorySpreadAverage(...)`. */
  symmetricSpread?: number;
  /**
   * "poisson" only: at most this many fills of one unit per side and step (integer ≥ 1 or Infinity). Default 1: the
   * quote is one unit, filled when at least one order arrives, with probability 1 − e^(−λdt). Infinity: all
   * N ~ Poisson(λdt) arrivals fill at the same quote; with the inventory strategy this can overshoot and diverge when
   * λdt ≫ 1 on one side (a MakerlabError says so).
   */
  maxFillsPerStep?: number;
  /** Default "quoteMid"; "nextMid" measures the fill depths from the mid after the step's move (see `ASDepthFrom`). */
  depthFrom?: ASDepthFrom;
  /** Record the first `keepPaths` paths (inventory, mid, wealth, quotes) for charts. Default 0. */
  keepPaths?: number;
  /** Called after each block of `AS_BLOCK_SIZE` paths. */
  onProgress?: (p: ASProgress) => void;
  /** Draw a progress bar on a stream (true: process.stderr): redrawn in place on a TTY, else a line per 25 %. Default off. */
  progress?: boolean | (NodeJS.WritableStream & { isTTY?: boolean });
}

/** Recorded sample paths (`keepPaths` of them), for charts. Times t_j = j·dt, j = 0…nSteps. */
export interface ASSamplePaths {
  /** Time grid, length nSteps + 1. */
  t: Float64Array;
  /** Inventory q(t_j) per kept path (each length nSteps + 1). */
  q: Float64Array[];
  /** Mid s(t_j) per kept path. */
  mid: Float64Array[];
  /** Wealth marked to the mid, cash + q·s − q0·s0, per kept path (its last value is the path's profit). */
  wealth: Float64Array[];
  /** Bid quoted at t_j, j = 0…nSteps − 1 (NaN at j = nSteps), per kept path. */
  bid: Float64Array[];
  /** Ask quoted at t_j (NaN at j = nSteps), per kept path. */
  ask: Float64Array[];
  /** Units bought at the bid during step j (between t_j and t_{j+1}; 0 at j = nSteps), per kept path. */
  bidFills: Float64Array[];
  /** Units sold at the ask during step j (0 at j = nSteps), per kept path. */
  askFills: Float64Array[];
}

/** Summary statistics of a run (std: sample standard deviation, divisor n − 1). */
export interface ASStats {
  meanProfit: number;
  stdProfit: number;
  /** Standard error of the mean profit, stdProfit/√n. */
  seProfit: number;
  meanQ: number;
  stdQ: number;
  /** Standard error of the mean final inventory, stdQ/√n. */
  seQ: number;
  /** Mean number of bid (buy) fills per path. */
  meanBidFills: number;
  /** Mean number of ask (sell) fills per path. */
  meanAskFills: number;
}

/** Result of `simulateAvellanedaStoikov`. */
export interface ASSimulationResult {
  strategy: ASStrategy;
  fillRule: ASFillRule;
  increment: ASMidIncrement;
  depthFrom: ASDepthFrom;
  /** Fills per side and step at most (1 for "linear"). */
  maxFillsPerStep: number;
  nPaths: number;
  nSteps: number;
  /** Profit per path, cash_T + q_T·s_T − q0·s0 (P). */
  profit: Float64Array;
  /** Final inventory q_T per path. */
  finalQ: Float64Array;
  /** Final mid s_T per path (identical across strategies and fill rules for one seed). */
  finalMid: Float64Array;
  /** Average quoted spread (ask − bid) over all path-steps (P). Inventory: mean_j of γσ²(T − t_j) + (2/γ)ln(1 + γ/k); symmetric: ψ̄. */
  averageSpread: number;
  stats: ASStats;
  /** Repairs and special cases, counted. */
  counts: {
    /** "linear": side-steps where λdt > 1, so the fill probability was capped at 1. */
    cappedProbability: number;
    /** "poisson": side-steps where λdt > 700 and the count came from the auxiliary stream (PTRS) instead of inversion. */
    auxiliaryPoisson: number;
    /** "poisson": side-steps where the count was cut to `maxFillsPerStep`. */
    cappedFills: number;
  };
  /** Sample paths when `keepPaths` > 0. */
  paths?: ASSamplePaths;
  /** Bytes of the typed arrays allocated by the run (results, block state, random-number buffers, kept paths). */
  typedArrayBytes: number;
  /** Wall time of the run (ms). */
  elapsedMs: number;
}

/** Largest inventory range (max − min + 1 in a block at a step) served by the intensity tables; beyond it, one exp per path-step. */
const TABLE_MAX = 256;

/** The validated numeric set-up shared by the simulator and the helpers. */
interface Setup {
  s0: number;
  T: number;
  sigma: number;
  dt: number;
  q0: number;
  gamma: number;
  k: number;
  A: number;
  nSteps: number;
}

function need(cond: boolean, field: string, msg: string): void {
  if (!cond) throw new ArgumentError(msg, { field });
}

function finite(v: unknown, field: string): number {
  need(typeof v === "number" && Number.isFinite(v), field, `${field} must be a finite number, got ${String(v)}`);
  return v as number;
}

function validateSetup(o: { s0: number; T: number; sigma: number; dt: number; q0?: number; gamma: number; k: number; A: number }): Setup {
  const s0 = finite(o.s0, "s0");
  const T = finite(o.T, "T");
  need(T > 0, "T", `T must be > 0 (horizon, in time units), got ${T}`);
  const sigma = finite(o.sigma, "sigma");
  need(sigma >= 0, "sigma", `sigma must be >= 0 (price per √time unit), got ${sigma}`);
  const dt = finite(o.dt, "dt");
  need(dt > 0 && dt <= T, "dt", `dt must be in (0, T], got ${dt} with T = ${T}`);
  const ratio = T / dt;
  const nSteps = Math.round(ratio);
  need(Math.abs(ratio - nSteps) <= 1e-9 * Math.max(1, ratio), "dt", `T/dt must be an integer number of steps, got T/dt = ${ratio}`);
  need(nSteps <= 1e8, "dt", `T/dt = ${nSteps} steps is more than 1e8`);
  const q0 = o.q0 === undefined ? 0 : finite(o.q0, "q0");
  need(Number.isSafeInteger(q0), "q0", `q0 must be an integer number of units, got ${q0}`);
  const gamma = finite(o.gamma, "gamma");
  need(gamma > 0, "gamma", `gamma must be > 0 (risk aversion, 1/price), got ${gamma}`);
  const k = finite(o.k, "k");
  need(k > 0, "k", `k must be > 0 (intensity decay, 1/price), got ${k}`);
  const A = finite(o.A, "A");
  need(A > 0, "A", `A must be > 0 (fills per time unit at zero depth), got ${A}`);
  return { s0, T, sigma, dt, q0, gamma, k, A, nSteps };
}

/**
 * Average quoted spread of the A-S inventory strategy on the simulation grid (P):
 * (1/n)·Σ_{j=0}^{n−1} [γσ²(T − j·dt) + (2/γ)·ln(1 + γ/k)] = γσ²(T − (n − 1)·dt/2) + (2/γ)·ln(1 + γ/k), n = T/dt.
 * The spread does not depend on q, so this is also the mean over any set of paths. Avellaneda & Stoikov (2008), eq. (30).
 * E.g. γ = 0.1, σ = 2, k = 1.5, T = 1, dt = 0.005: 0.4·0.5025 + 20·ln(1 + 1/15) = 0.201 + 1.2908 = 1.4918.
 */
export function inventorySpreadAverage(o: { T: number; sigma: number; dt: number; gamma: number; k: number }): number {
  const s = validateSetup({ s0: 0, A: 1, ...o });
  return s.gamma * s.sigma * s.sigma * (s.T - ((s.nSteps - 1) * s.dt) / 2) + (2 / s.gamma) * Math.log1p(s.gamma / s.k);
}


/**
 * Number of fills N = #{m ≥ 1 : u < P(N ≥ m)} for N ~ Poisson(mu), by inversion of the upper tail with the
 * uniform u ∈ (0, 1] (so N ≥ 1 iff u < 1 − e^(−mu), monotone in u). Exact for mu ≤ 700 (the caller draws from
 * another sampler above). Terms: p_m = e^(−mu)·mu^m/m!, tail_m = P(N ≥ m+1) = tail_{m−1} − p_m.
 */
function poissonUpper(u: number, mu: number, tail1: number): number {
  let tail = tail1; // P(N ≥ 1) = 1 − e^(−mu), from the caller
  if (!(u < tail)) return 0;
  let p = Math.exp(-mu);
  let n = 1;
  const stop = mu + 60 + 12 * Math.sqrt(mu); // P(N > stop) < 1e-30: guards the loop against rounding at the tail
  for (;;) {
    p *= mu / n;
    tail -= p; // P(N ≥ n + 1)
    if (!(u < tail) || n >= stop) return n;
    n++;
  }
}

/** A text progress bar for `options.progress`. */
function textProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string): (p: ASProgress) => void {
  const tty = !!stream.isTTY;
  let nextQuarter = 0.25;
  return (p) => {
    const f = p.pathsDone / p.nPaths;
    const text = `${label} [${bar(p.pathsDone, p.nPaths, 24)}] ${p.pathsDone}/${p.nPaths} paths ${formatSeconds(p.elapsedMs)}`;
    if (tty) stream.write(`\r\x1b[K${text}${f >= 1 ? "\n" : ""}`);
    else if (f >= nextQuarter || f >= 1) {
      stream.write(text + "\n");
      while (nextQuarter <= f) nextQuarter += 0.25;
    }
  };
}

/**
 * Simulates `nPaths` paths of the Avellaneda & Stoikov (2008, §3.3) market maker (model, fill rules, random-number
 * layout and units in the module comment) and returns per-path profit and final inventory, their statistics and
 * the average quoted spread. Paper set-up: s0 = 100, T = 1, σ = 2, dt = 0.005, k = 1.5, A = 140, γ ∈ {0.1, 0.01, 1}.
 * Kernel: blocks of 2048 paths, steps outer and paths inner over Float64Array state (mid, cash, q); random numbers
 * are drawn a step at a time into per-block buffers. Intensities: λ_b·dt = μ0·e and λ_a·dt = μ0/e with
 * μ0 = A·dt·e^(−kψ/2) and e = e^(−k(qc + ξ)), c = γσ²(T − t), ξ the step's mid move ("nextMid") or 0. As q is an
 * integer, when ξ takes at most two values they come from a per-step table over the block's inventory range (no
 * exp per path-step); with Gaussian steps and "nextMid", one exp per path-step (plus expm1 for "poisson").
 * Same options and seed → bit-identical results.
 */
export function simulateAvellanedaStoikov(options: ASSimulationOptions): ASSimulationResult {
  const t0 = Date.now();
  const o = options;
  const su = validateSetup(o);
  const { s0, T, sigma, dt, q0, gamma, k, A, nSteps } = su;
  const nPaths = finite(o.nPaths, "nPaths");
  need(Number.isSafeInteger(nPaths) && nPaths >= 1, "nPaths", `nPaths must be an integer >= 1, got ${nPaths}`);
  const seed = finite(o.seed, "seed");
  const fillRule: ASFillRule = o.fillRule ?? "linear";
  need(fillRule === "linear" || fillRule === "poisson", "fillRule", `fillRule must be "linear" or "poisson", got ${String(fillRule)}`);
  const strategy: ASStrategy = o.strategy ?? "inventory";
  need(strategy === "inventory" || strategy === "symmetric", "strategy", `strategy must be "inventory" or "symmetric", got ${String(strategy)}`);
  const increment: ASMidIncrement = o.increment ?? "normal";
  need(increment === "normal" || increment === "binomial", "increment", `increment must be "normal" or "binomial", got ${String(increment)}`);
  const maxFills = o.maxFillsPerStep === undefined ? 1 : o.maxFillsPerStep;
  need(maxFills === Infinity || (Number.isSafeInteger(maxFills) && maxFills >= 1), "maxFillsPerStep", `maxFillsPerStep must be an integer >= 1 or Infinity, got ${maxFills}`);
  need(o.maxFillsPerStep === undefined || fillRule === "poisson", "maxFillsPerStep", `maxFillsPerStep applies to fillRule "poisson" only`);
  const depthFrom: ASDepthFrom = o.depthFrom ?? "quoteMid";
  need(depthFrom === "quoteMid" || depthFrom === "nextMid", "depthFrom", `depthFrom must be "quoteMid" or "nextMid", got ${String(depthFrom)}`);
  const keep = o.keepPaths === undefined ? 0 : finite(o.keepPaths, "keepPaths");
  need(Number.isSafeInteger(keep) && keep >= 0 && keep <= nPaths, "keepPaths", `keepPaths must be an integer in [0, nPaths = ${nPaths}], got ${keep}`);
  const base = (2 / gamma) * Math.log1p(gamma / k); // (2/γ)ln(1 + γ/k)
  let symSpread = NaN;
  if (o.symmetricSpread !== undefined) {
    need(strategy === "symmetric", "symmetricSpread", `symmetricSpread applies to strategy "symmetric" only`);
    symSpread = finite(o.symmetricSpread, "symmetricSpread");
    need(symSpread >= 0, "symmetricSpread", `symmetricSpread must be >= 0, got ${symSpread}`);
  } else if (strategy === "symmetric") symSpread = inventorySpreadAverage(su);

  const g2 = gamma * sigma * sigma;
  const sqdt = sigma * Math.sqrt(dt);
  const Adt = A * dt;
  const inv = strategy === "inventory";
  /** 0: linear; 1: Poisson with at most one fill per side; 2: Poisson counts. */
  const mode = fillRule === "linear" ? 0 : maxFills === 1 ? 1 : 2;
  const kMove = depthFrom === "nextMid" ? k : 0;
  const needExp = inv || depthFrom === "nextMid";
  const overflow = (side: string, mu: number, path: number, step: number, q: number): MakerlabError =>
    new MakerlabError(
      `A-S simulation: ${side} intensity overflow (λdt = ${mu}) at path ${path}, step ${step}, q = ${q}`,
      { field: "maxFillsPerStep" },
      "with several Poisson fills per step at one stale quote the inventory strategy can overshoot (a large |q| makes one side's depth very negative, its fills flip q further); use maxFillsPerStep: 1 or a smaller dt",
    );
  const binomial = increment === "binomial";

  const profit = new Float64Array(nPaths);
  const finalQ = new Float64Array(nPaths);
  const finalMid = new Float64Array(nPaths);
  const B = Math.min(AS_BLOCK_SIZE, nPaths);
  const S = new Float64Array(B); // mid
  const X = new Float64Array(B); // cash
  const Q = new Float64Array(B); // inventory
  const dZ = new Float64Array(B); // mid increments of one step
  const UB = new Float64Array(B); // bid uniforms in (0, 1]
  const UA = new Float64Array(B); // ask uniforms in (0, 1]
  const TMB = new Float64Array(2 * TABLE_MAX); // per-step tables over the block's inventory range (see the kernel)
  const TMA = new Float64Array(2 * TABLE_MAX);
  const TPB = new Float64Array(2 * TABLE_MAX);
  const TPA = new Float64Array(2 * TABLE_MAX);
  let bidFillsTotal = 0;
  let askFillsTotal = 0;
  let cappedProbability = 0;
  let auxiliaryPoisson = 0;
  let cappedFills = 0;

  let paths: ASSamplePaths | undefined;
  let keptBytes = 0;
  if (keep > 0) {
    const mk = (): Float64Array[] => Array.from({ length: keep }, () => new Float64Array(nSteps + 1));
    const t = new Float64Array(nSteps + 1);
    for (let j = 0; j <= nSteps; j++) t[j] = j * dt;
    paths = { t, q: mk(), mid: mk(), wealth: mk(), bid: mk(), ask: mk(), bidFills: mk(), askFills: mk() };
    keptBytes = (7 * keep + 1) * (nSteps + 1) * 8;
  }

  const report = o.onProgress;
  const bar2 = o.progress ? textProgress(o.progress === true ? process.stderr : o.progress, `A-S ${strategy}/${fillRule}`) : undefined;

  const nBlocks = Math.ceil(nPaths / B);
  for (let b = 0; b < nBlocks; b++) {
    const start = b * B;
    const m = Math.min(B, nPaths - start);
    const rMid = xoshiroState(deriveSeed(seed, 1, b));
    const rBid = xoshiroState(deriveSeed(seed, 2, b));
    const rAsk = xoshiroState(deriveSeed(seed, 3, b));
    let rAux: Rng | null = null;
    S.fill(s0, 0, m);
    X.fill(0, 0, m);
    Q.fill(q0, 0, m);
    const keepHere = Math.max(0, Math.min(m, keep - start));
    let bidFills = 0;
    let askFills = 0;

    for (let j = 0; j < nSteps; j++) {
      // Random numbers of this step: one increment and one uniform per side per path, whatever the strategy.
      if (binomial) fillSigns(rMid, dZ, m, sqdt);
      else fillNormalPolar(rMid, dZ, m, sqdt);
      fillUniform32(rBid, UB, m);
      fillUniform32(rAsk, UA, m);

      const c = inv ? g2 * (T - j * dt) : 0; // γσ²(T − t_j)
      const half = inv ? (c + base) / 2 : symSpread / 2;
      const mu0 = Adt * Math.exp(-k * half); // λ(ψ/2)·dt: the intensity at q = 0 (symmetric: always)

      if (keepHere > 0 && paths) {
        for (let i = 0; i < keepHere; i++) {
          const p = start + i;
          const qc = inv ? Q[i] * c : 0;
          paths.q[p][j] = Q[i];
          paths.mid[p][j] = S[i];
          paths.wealth[p][j] = X[i] + Q[i] * S[i] - q0 * s0;
          paths.bid[p][j] = S[i] - half - qc;
          paths.ask[p][j] = S[i] + half - qc;
        }
      }

      const kc = k * c;
      // Intensities λ_b dt = μ0·e, λ_a dt = μ0/e with e = e^(−k(qc + ξ)) (ξ = the step's mid move with "nextMid",
      // else 0). q is an integer, so when ξ takes at most two values (quote-time depths, or ±σ√dt steps) the
      // per-path exp is replaced by a table over the block's inventory range, filled by the same expression
      // (bit-identical results either way).
      let useTable = false;
      let qLo = 0;
      let R = 0;
      if (needExp && (kMove === 0 || binomial)) {
        let lo = Q[0];
        let hi = Q[0];
        for (let i = 1; i < m; i++) {
          const q = Q[i];
          if (q < lo) lo = q;
          else if (q > hi) hi = q;
        }
        if (hi - lo < TABLE_MAX) {
          useTable = true;
          qLo = lo;
          R = hi - lo + 1;
          const nz = kMove === 0 ? 1 : 2;
          for (let h = 0; h < nz; h++) {
            const z = kMove === 0 ? 0 : h === 0 ? sqdt : -sqdt;
            for (let r = 0; r < R; r++) {
              const e = Math.exp(-(kc * (lo + r) + kMove * z));
              const ix = h * R + r;
              const muB = mu0 * e;
              const muA = mu0 / e;
              TMB[ix] = muB;
              TMA[ix] = muA;
              TPB[ix] = mode === 0 ? muB : -Math.expm1(-muB);
              TPA[ix] = mode === 0 ? muA : -Math.expm1(-muA);
            }
          }
        }
      }
      const pConst = mode === 0 ? mu0 : -Math.expm1(-mu0);
      for (let i = 0; i < m; i++) {
        const q = Q[i];
        const s = S[i];
        const z = dZ[i];
        let muB = mu0;
        let muA = mu0;
        let pB = pConst;
        let pA = pConst;
        if (useTable) {
          const ix = q - qLo + (z < 0 && kMove !== 0 ? R : 0);
          muB = TMB[ix];
          muA = TMA[ix];
          pB = TPB[ix];
          pA = TPA[ix];
        } else if (needExp) {
          const e = Math.exp(-(kc * q + kMove * z));
          muB = mu0 * e;
          muA = mu0 / e;
          pB = mode === 0 ? muB : -Math.expm1(-muB);
          pA = mode === 0 ? muA : -Math.expm1(-muA);
        }
        const ub = UB[i];
        const ua = UA[i];
        let nb = 0;
        let na = 0;
        if (mode === 2) {
          // Poisson counts: N ≥ 1 iff U < P(N ≥ 1) = pB; then the rest of the inversion (or PTRS above λdt = 700)
          if (muB > 700) {
            if (!Number.isFinite(muB)) throw overflow("bid", muB, start + i, j, q);
            if (!rAux) rAux = createRng(deriveSeed(seed, 4, b));
            nb = rAux.poisson(muB);
            auxiliaryPoisson++;
          } else if (ub < pB) nb = poissonUpper(ub, muB, pB);
          if (muA > 700) {
            if (!Number.isFinite(muA)) throw overflow("ask", muA, start + i, j, q);
            if (!rAux) rAux = createRng(deriveSeed(seed, 4, b));
            na = rAux.poisson(muA);
            auxiliaryPoisson++;
          } else if (ua < pA) na = poissonUpper(ua, muA, pA);
          if (nb > maxFills) {
            nb = maxFills;
            cappedFills++;
          }
          if (na > maxFills) {
            na = maxFills;
            cappedFills++;
          }
        } else {
          // at most one fill per side: "linear" iff U < λdt (capped at 1: U < 1 always), "poisson" iff U < 1 − e^(−λdt)
          nb = ub < pB ? 1 : 0;
          na = ua < pA ? 1 : 0;
          if (mode === 0) {
            if (muB > 1) cappedProbability++;
            if (muA > 1) cappedProbability++;
          }
        }
        const r = s - q * c; // reservation price (s for the symmetric strategy, c = 0)
        X[i] += na * (r + half) - nb * (r - half);
        Q[i] = q + nb - na;
        bidFills += nb;
        askFills += na;
        S[i] = s + z;
        if (i < keepHere) {
          paths!.bidFills[start + i][j] = nb;
          paths!.askFills[start + i][j] = na;
        }
      }
    }

    for (let i = 0; i < m; i++) {
      profit[start + i] = X[i] + Q[i] * S[i] - q0 * s0;
      finalQ[start + i] = Q[i];
      finalMid[start + i] = S[i];
    }
    if (keepHere > 0 && paths) {
      for (let i = 0; i < keepHere; i++) {
        const p = start + i;
        paths.q[p][nSteps] = Q[i];
        paths.mid[p][nSteps] = S[i];
        paths.wealth[p][nSteps] = X[i] + Q[i] * S[i] - q0 * s0;
        paths.bid[p][nSteps] = NaN;
        paths.ask[p][nSteps] = NaN;
      }
    }
    bidFillsTotal += bidFills;
    askFillsTotal += askFills;
    if (report || bar2) {
      const p: ASProgress = { strategy, pathsDone: start + m, nPaths, pathStepsDone: (start + m) * nSteps, elapsedMs: Date.now() - t0 };
      if (report) report(p);
      if (bar2) bar2(p);
    }
  }

  const mp = meanStd(profit);
  const mq = meanStd(finalQ);
  const averageSpread = strategy === "inventory" ? inventorySpreadAverage(su) : symSpread;
  return {
    strategy,
    fillRule,
    increment,
    depthFrom,
    maxFillsPerStep: mode === 0 ? 1 : maxFills,
    nPaths,
    nSteps,
    profit,
    finalQ,
    finalMid,
    averageSpread,
    stats: {
      meanProfit: mp.mean,
      stdProfit: mp.std,
      seProfit: mp.std / Math.sqrt(nPaths),
      meanQ: mq.mean,
      stdQ: mq.std,
      seQ: mq.std / Math.sqrt(nPaths),
      meanBidFills: bidFillsTotal / nPaths,
      meanAskFills: askFillsTotal / nPaths,
    },
    counts: { cappedProbability, auxiliaryPoisson, cappedFills },
    paths,
    typedArrayBytes: 3 * nPaths * 8 + 6 * B * 8 + 4 * 2 * TABLE_MAX * 8 + 3 * 4 * 4 + keptBytes,
    elapsedMs: Date.now() - t0,
  };
}

/** Mean and sample standard deviation (divisor n − 1; NaN for n < 2) of `x`, two-pass. */
function meanStd(x: Float64Array): { mean: number; std: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    ss += d * d;
  }
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}

/** One row of the A-S experiment table (one γ, one strategy), as in the paper's Tables 1–3. */
export interface ASExperimentRow {
  gamma: number;
  strategy: ASStrategy;
  /** Average quoted spread (P). */
  spread: number;
  meanProfit: number;
  stdProfit: number;
  /** Standard error of meanProfit. */
  seProfit: number;
  meanQ: number;
  stdQ: number;
}

/** Options of `avellanedaStoikovExperiment`: the paper's set-up by default. */
export interface ASExperimentOptions {
  /** Default [0.1, 0.01, 1] (the paper's order). */
  gammas?: readonly number[];
  /** Default 1000 (the paper's). */
  nPaths?: number;
  seed: number;
  /** Defaults s0 = 100, T = 1, sigma = 2, dt = 0.005, q0 = 0, k = 1.5, A = 140 (§3.3). */
  s0?: number;
  T?: number;
  sigma?: number;
  dt?: number;
  q0?: number;
  k?: number;
  A?: number;
  /** Default "linear" (the paper's rule). */
  fillRule?: ASFillRule;
  /** Default "binomial" (the paper's mid). */
  increment?: ASMidIncrement;
  maxFillsPerStep?: number;
  /** Default "quoteMid" (the paper's procedure, which reproduces its tables; see `ASDepthFrom`). */
  depthFrom?: ASDepthFrom;
  /** Symmetric spread per γ (same order as `gammas`); default: each γ's inventory average spread. */
  symmetricSpreads?: readonly number[];
  /** Kept sample paths per run (default 0). */
  keepPaths?: number;
  onProgress?: (p: ASProgress & { gamma: number }) => void;
  progress?: boolean | (NodeJS.WritableStream & { isTTY?: boolean });
}

/** Result of `avellanedaStoikovExperiment`: the table and the underlying runs (for histograms and path charts). */
export interface ASExperimentResult {
  rows: ASExperimentRow[];
  runs: { gamma: number; inventory: ASSimulationResult; symmetric: ASSimulationResult }[];
}

/**
 * Reproduces the experiment of Avellaneda & Stoikov (2008, §3.3, Tables 1–3): for each γ, the inventory strategy
 * and the symmetric strategy with the same average spread, on the same mid paths and uniforms (same seed for
 * every γ and strategy: common random numbers), and a table row per (γ, strategy) with the average spread, mean and
 * std of profit, mean and std of final inventory. Defaults are the paper's: s0 = 100, T = 1, σ = 2, dt = 0.005,
 * k = 1.5, A = 140, γ ∈ {0.1, 0.01, 1}, 1000 paths, ±σ√dt mid steps, fill probability λdt.
 * Compare with `AS_2008_TABLES` (the paper's published figures).
 */
export function avellanedaStoikovExperiment(options: ASExperimentOptions): ASExperimentResult {
  const o = options;
  const gammas = o.gammas ?? [0.1, 0.01, 1];
  need(Array.isArray(gammas) && gammas.length > 0, "gammas", "gammas must be a non-empty array");
  if (o.symmetricSpreads !== undefined)
    need(o.symmetricSpreads.length === gammas.length, "symmetricSpreads", `symmetricSpreads must have one value per gamma (${gammas.length}), got ${o.symmetricSpreads.length}`);
  const rows: ASExperimentRow[] = [];
  const runs: ASExperimentResult["runs"] = [];
  gammas.forEach((gamma, gi) => {
    const common = {
      s0: o.s0 ?? 100,
      T: o.T ?? 1,
      sigma: o.sigma ?? 2,
      dt: o.dt ?? 0.005,
      q0: o.q0 ?? 0,
      k: o.k ?? 1.5,
      A: o.A ?? 140,
      gamma,
      nPaths: o.nPaths ?? 1000,
      seed: o.seed,
      fillRule: o.fillRule ?? "linear",
      increment: o.increment ?? "binomial",
      maxFillsPerStep: o.maxFillsPerStep,
      depthFrom: o.depthFrom ?? "quoteMid",
      keepPaths: o.keepPaths,
      onProgress: o.onProgress ? (p: ASProgress) => o.onProgress!({ ...p, gamma }) : undefined,
      progress: o.progress,
    };
    const inventory = simulateAvellanedaStoikov({ ...common, strategy: "inventory" });
    const symmetric = simulateAvellanedaStoikov({
      ...common,
      strategy: "symmetric",
      symmetricSpread: o.symmetricSpreads ? o.symmetricSpreads[gi] : inventory.averageSpread,
    });
    runs.push({ gamma, inventory, symmetric });
    for (const r of [inventory, symmetric])
      rows.push({
        gamma,
        strategy: r.strategy,
        spread: r.averageSpread,
        meanProfit: r.stats.meanProfit,
        stdProfit: r.stats.stdProfit,
        seProfit: r.stats.seProfit,
        meanQ: r.stats.meanQ,
        stdQ: r.stats.stdQ,
      });
  });
  return { rows, runs };
}

/**
 * The figures published in Avellaneda & Stoikov (2008), Quantitative Finance 8(3), §3.3, Tables 1–3 ("1000
 * simulations with γ = 0.1 / 0.01 / 1"): average spread, mean and std of profit, mean and std of final inventory, as
 * printed (profits to 0.1). The printed average spreads are the time-average of eq. (30), γσ²T/2 + (2/γ)ln(1 + γ/k)
 * (1.49, 1.35, 3.02); the simulation's average over its 200 quote times is γσ²(T + dt)/2 + (2/γ)ln(1 + γ/k), 0.01
 * higher at γ = 1. (Not the October 2006 preprint's tables: see the module comment.)
 */
export const AS_2008_TABLES: readonly Omit<ASExperimentRow, "seProfit">[] = [
  { gamma: 0.1, strategy: "inventory", spread: 1.49, meanProfit: 65.0, stdProfit: 6.6, meanQ: 0.08, stdQ: 2.9 },
  { gamma: 0.1, strategy: "symmetric", spread: 1.49, meanProfit: 68.4, stdProfit: 12.7, meanQ: 0.26, stdQ: 8.4 },
  { gamma: 0.01, strategy: "inventory", spread: 1.35, meanProfit: 68.6, stdProfit: 8.7, meanQ: 0.12, stdQ: 5.1 },
  { gamma: 0.01, strategy: "symmetric", spread: 1.35, meanProfit: 68.8, stdProfit: 12.8, meanQ: 0.09, stdQ: 8.7 },
  { gamma: 1, strategy: "inventory", spread: 3.02, meanProfit: 31.4, stdProfit: 5.0, meanQ: 0.02, stdQ: 1.7 },
  { gamma: 1, strategy: "symmetric", spread: 3.02, meanProfit: 44.0, stdProfit: 11.0, meanQ: 0.0, stdQ: 5.1 },
];

/**
 * The fills of kept sample path `p` as ledger input (`FillColumns` for `ledgerFromFills`): per step j, a pure mark
 * row at the quote-time mid s(t_j) (amount 0), then a buy of `bidFills` units at the bid and a sell of `askFills`
 * units at the ask, both carrying mid = s(t_j) (so spread capture = half-spread ± skew per unit); a last mark at
 * s(T). Time is t_j in the simulation's unit, written as `timestamp` = t_j · `usPerTimeUnit` (default 1e6: one
 * unit = 1 s). No fees (the model has none). With this input, the ledger's spread capture + inventory PnL equals the
 * path's profit (wealth at T), up to rounding.
 */
export function avellanedaStoikovPathFills(paths: ASSamplePaths, p: number, usPerTimeUnit = 1e6): { timestamp: Float64Array; side: Float64Array; price: Float64Array; amount: Float64Array; mid: Float64Array } {
  need(Number.isInteger(p) && p >= 0 && p < paths.q.length, "p", `p must be a kept path index in [0, ${paths.q.length}), got ${p}`);
  const n = paths.t.length;
  const bf = paths.bidFills[p], af = paths.askFills[p], mid = paths.mid[p], bid = paths.bid[p], ask = paths.ask[p];
  let rows = n;
  for (let j = 0; j < n - 1; j++) rows += (bf[j] > 0 ? 1 : 0) + (af[j] > 0 ? 1 : 0);
  const out = { timestamp: new Float64Array(rows), side: new Float64Array(rows), price: new Float64Array(rows), amount: new Float64Array(rows), mid: new Float64Array(rows) };
  let r = 0;
  for (let j = 0; j < n; j++) {
    const ts = paths.t[j] * usPerTimeUnit;
    out.timestamp[r] = ts; out.side[r] = 0; out.price[r] = NaN; out.amount[r] = 0; out.mid[r] = mid[j]; r++;
    if (j === n - 1) break;
    if (bf[j] > 0) { out.timestamp[r] = ts; out.side[r] = 1; out.price[r] = bid[j]; out.amount[r] = bf[j]; out.mid[r] = mid[j]; r++; }
    if (af[j] > 0) { out.timestamp[r] = ts; out.side[r] = -1; out.price[r] = ask[j]; out.amount[r] = af[j]; out.mid[r] = mid[j]; r++; }
  }
  return out;
}
