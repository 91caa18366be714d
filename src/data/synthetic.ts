/**
 * The seeded synthetic market: a small, fully reproducible stand-in for the real data set, so that a fresh
 * clone without `../shared/data` runs every notebook offline. It is **synthetic, not market data**.
 *
 * Tick level (`generateSyntheticMarket`, default 30 minutes of a BTC-like pair "SYNUSDT"):
 * - Efficient price: log price with per-second GARCH(1,1) variance (Bollerslev 1986)
 *   σ²ₛ₊₁ = ω + α·rₛ² + β·σ²ₛ, ω = σ̄²(1 − α − β), with σ̄ = 1.0e-4 per second (≈ 56 % annualised, the
 *   order of BTC's: the real 2024-08-08 BTCUSDT window shows 1.19e-4), α = 0.06, β = 0.92, σ capped at 10σ̄.
 *   A share φ = 0.25 of the variance comes from the permanent price impact of trades, the rest is Brownian
 *   (realised at every quote refresh and every second boundary).
 * - Trades: a Hawkes process (Hawkes 1971) with exponential kernel, baseline μₛ = λ̄(1 − n)·(σₛ/σ̄),
 *   branching ratio n = 0.6, decay 5 /s, so about λ̄ = 10 trades/s at average volatility, more when volatile;
 *   simulated exactly (Dassios & Zhao 2013). A triggered trade repeats the previous side with probability
 *   0.7 (order splitting: trade signs are autocorrelated). Sizes: lognormal (median 0.0007, σ_log 2.0) mixed
 *   with a Pareto tail (prob. 0.08, x_m 0.05, α 1.4, capped at 10 units), on a 0.00001 lot grid, like BTC's.
 *   Each trade moves the efficient log price by side·θ·√(size/E[size]) with θ = σₛ√(φ/λₛ): trade signs
 *   predict the next mid move (adverse selection, Glosten & Milgrom 1985; Kyle 1985).
 * - Book: the market maker's best bid/ask around the efficient price, refreshed at Poisson times
 *   (4 /s × σₛ/σ̄), with a spread of 1 tick except with probability min(0.45, 0.1·(σₛ/σ̄)²), when it is
 *   1 + a lognormal number of ticks (median 3·σₛ/σ̄). Behind the best level, 20 levels per side on a grid
 *   of 100 ticks (lognormal sizes, deeper is larger). Market orders walk the book (one trade row per level
 *   filled, up to 5 levels), so the spread also widens after large trades until the next refresh.
 * - Output: `trades`, `quotes` (one row per change of the top of book) and `depth` (an `isSnapshot` run of
 *   the initial 21+21 levels, then one incremental message per book change). Every quote row and every depth
 *   message share the `updateId` and timestamps of the event that caused them, so replaying `depth` up to a
 *   quote's `updateId` (or timestamp) gives exactly that quote. Exchange `timestamp`s are epoch µs, strictly
 *   increasing from event to event (rows of one event share it); `localTimestamp` = `timestamp` + a lognormal
 *   latency (median 1.5 ms), also strictly increasing from event to event.
 *
 * History (`generateSyntheticHistory`, default 120 days before the tick window):
 * - Hourly candles of SYNUSDT (rescaled so the last close is the tick window's mid0) and SYN2USDT (beta 1.2,
 *   correlation 0.8), from hourly GARCH(1,1) (σ̄ = 0.6 %/h, α = 0.06, β = 0.92) times a diurnal factor
 *   peaking at 15:00 UTC, with 60 one-minute sub-steps per hour for high/low; volume rises with |return|,
 *   the taker-buy share with the return's sign. Daily candles aggregate the hourly ones.
 * - Headlines (≈ 3 a day, sources named SynthWire / MockChain Daily / Example Ledger): each has a latent news
 *   value z ~ N(0,1); for headlines about SYN (subject "bitcoin", SYN stands in for BTC) and SYN2 (subject
 *   "ethereum") the price moves by 0.8·σ̄ₕ·z, 40 % in the next minute and 60 % drifting over the next two
 *   hours; the shipped polarity is a noisy reading of z (0.25·z + 0.12·noise), class ±0.05 thresholds.
 *   Other subjects are noise headlines. This plants a small, known sentiment effect for the news notebooks.
 *
 * Files (`writeSyntheticDataset`): Tardis CSV.gz layouts, Binance 12-column klines with header, the
 * cryptonews layout, and manifest.json. Prices are written from integer tick counts, never through float
 * formatting. Same seed and options → byte-identical files.
 */
import { f64Buffer, i8Buffer } from "../frame/buffer";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as crypto from "node:crypto";
import { ArgumentError } from "../errors";
import { Frame } from "../frame/frame";
import { createRng, deriveSeed } from "../frame/rng";
import { projectRoot } from "./dataRoot";
import type { BookChangeColumns, CandleColumns, HeadlineColumns, QuoteColumns, TradeColumns } from "./schemas";

/** Version of the generator; bump when the output for a given seed changes (ensureSyntheticDataset regenerates). */
export const SYNTHETIC_VERSION = "1.0.0";
/** Name written in manifest.json. */
export const SYNTHETIC_GENERATOR = "makerlab-synthetic";

/** One symbol of the hourly history. */
export interface SyntheticCandleSymbol {
  symbol: string;
  /** Last close of the history (the first symbol's default is the tick window's mid0). */
  priceEnd: number;
  /** Price tick. */
  tick: number;
  /** Loading on the first symbol's returns (the first symbol: 1). */
  beta: number;
  /** Correlation of its returns with the first symbol's (the first symbol: 1). */
  corr: number;
  /** Mean base volume per hour at average volatility. */
  volumePerHour: number;
  /** Coin name used in headlines. */
  coin: string;
  /** News subject of its headlines ("bitcoin" for the BTC stand-in). */
  subject: string;
}

/** Options of the hourly history (candles and headlines). */
export interface SyntheticHistoryOptions {
  /** Days of hourly candles, ending at UTC midnight of the tick window's start day. Default 120. */
  days: number;
  symbols: SyntheticCandleSymbol[];
  /** Unconditional hourly log-return sd. Default 0.006. */
  volPerHour: number;
  garchAlpha: number;
  garchBeta: number;
  /** Amplitude of the diurnal volatility factor 1 + A·cos(2π(h − peak)/24). Default 0.25. */
  diurnalAmp: number;
  /** Hour (UTC) of peak volatility. Default 15. */
  diurnalPeakHour: number;
  /** Mean headlines per day. Default 3. */
  headlinesPerDay: number;
  /** Price impact of a headline in units of σ̄ₕ per unit of its latent news value. Default 0.8. */
  newsImpact: number;
}

/** Trade-size distribution: lognormal body with a Pareto tail, in base units. */
export interface SyntheticTradeSize {
  median: number;
  sigmaLog: number;
  tailProb: number;
  tailScale: number;
  tailAlpha: number;
  max: number;
}

/** All options of the synthetic market (every field has a default; see the file header for their meaning). */
export interface SyntheticParams {
  seed: number;
  /** Start of the tick window, epoch µs. Default 2024-01-01T00:00:00Z. */
  startUs: number;
  durationSec: number;
  symbol: string;
  /** Value of the `exchange` column in the Tardis files. Default "synthetic". */
  exchange: string;
  mid0: number;
  tick: number;
  /** Amount step (lot size), base units. Default 0.00001. */
  lot: number;
  /** Unconditional sd of 1-second log returns. Default 1.0e-4. */
  volPerSec: number;
  garchAlpha: number;
  garchBeta: number;
  /** Share of return variance due to trade impact. Default 0.25. */
  flowShare: number;
  /** Mean trades per second at average volatility. Default 10. */
  tradeRate: number;
  hawkesBranching: number;
  /** Hawkes kernel decay rate, 1/s. Default 5. */
  hawkesDecay: number;
  /** Probability that a triggered trade repeats the previous trade's side. Default 0.7. */
  sideMemory: number;
  tradeSize: SyntheticTradeSize;
  /** Quote refreshes per second at average volatility. Default 4. */
  quoteRate: number;
  /** Probability of a wide spread at average volatility (scales with (σ/σ̄)², capped at 0.45). Default 0.1. */
  wideSpreadProb: number;
  /** Median extra ticks of a wide spread at average volatility. Default 3. */
  wideSpreadTicks: number;
  /** Levels per side behind the best level. Default 20. */
  depthLevels: number;
  /** Grid spacing of those levels, ticks. Default 100. */
  levelSpacingTicks: number;
  /** Median size of the best level, base units. Default 0.3. */
  topSize: number;
  /** Median size of a level behind the best, base units. Default 0.8. */
  levelSize: number;
  /** Most levels one market order may walk. Default 5. */
  maxSweepLevels: number;
  /** Median feed latency localTimestamp − timestamp, µs. Default 1500. */
  latencyUs: number;
  /** Generate candles and headlines. Default true. */
  withHistory: boolean;
  history: SyntheticHistoryOptions;
}

/** Options accepted by the generators: any subset of SyntheticParams (history and tradeSize may be partial). */
export type SyntheticOptions = Partial<Omit<SyntheticParams, "history" | "tradeSize">> & {
  history?: Partial<SyntheticHistoryOptions>;
  tradeSize?: Partial<SyntheticTradeSize>;
};

/** Ground truth of the tick simulation, one row per second. */
export type SyntheticTruthColumns = {
  /** Start of the second, epoch µs. */
  timestamp: Float64Array;
  /** Conditional sd of that second's log return (GARCH σₛ). */
  sigma: Float64Array;
  /** Efficient price at the end of the second. */
  efficientPrice: Float64Array;
};

/** Ground truth of the history, one row per hour of the first symbol. */
export type SyntheticHistoryTruthColumns = {
  /** Hour open time, epoch µs. */
  timestamp: Float64Array;
  /** Conditional sd of that hour's log return (GARCH σ times the diurnal factor). */
  sigma: Float64Array;
};

/** What `generateSyntheticMarket` returns. */
export interface SyntheticMarket {
  trades: Frame<TradeColumns>;
  quotes: Frame<QuoteColumns>;
  depth: Frame<BookChangeColumns>;
  /** Per-second latent state (for checking estimators against the truth). */
  truth: Frame<SyntheticTruthColumns>;
  /** Hourly candles by symbol (empty when withHistory is false). */
  candles1h: { [symbol: string]: Frame<CandleColumns> };
  /** Daily candles by symbol. */
  candles1d: { [symbol: string]: Frame<CandleColumns> };
  /** Headlines, oldest first. */
  headlines: Frame<HeadlineColumns>;
  /** Per-hour latent volatility of the first history symbol. */
  historyTruth: Frame<SyntheticHistoryTruthColumns>;
  /** The fully resolved options. */
  params: SyntheticParams;
}

const US_PER_SEC = 1e6;
const US_PER_HOUR = 3600e6;
const US_PER_DAY = 86400e6;

/** The default options (a fresh copy). */
export function defaultSyntheticParams(): SyntheticParams {
  return {
    seed: 7,
    startUs: Date.UTC(2024, 0, 1) * 1000,
    durationSec: 1800,
    symbol: "SYNUSDT",
    exchange: "synthetic",
    mid0: 60000,
    tick: 0.01,
    lot: 0.00001,
    volPerSec: 1.0e-4,
    garchAlpha: 0.06,
    garchBeta: 0.92,
    flowShare: 0.25,
    tradeRate: 10,
    hawkesBranching: 0.6,
    hawkesDecay: 5,
    sideMemory: 0.7,
    tradeSize: { median: 0.0007, sigmaLog: 2.0, tailProb: 0.08, tailScale: 0.05, tailAlpha: 1.4, max: 10 },
    quoteRate: 4,
    wideSpreadProb: 0.1,
    wideSpreadTicks: 3,
    depthLevels: 20,
    levelSpacingTicks: 100,
    topSize: 0.3,
    levelSize: 0.8,
    maxSweepLevels: 5,
    latencyUs: 1500,
    withHistory: true,
    history: {
      days: 120,
      symbols: [
        { symbol: "SYNUSDT", priceEnd: 60000, tick: 0.01, beta: 1, corr: 1, volumePerHour: 900, coin: "Syncoin", subject: "bitcoin" },
        { symbol: "SYN2USDT", priceEnd: 3000, tick: 0.01, beta: 1.2, corr: 0.8, volumePerHour: 12000, coin: "Syntheum", subject: "ethereum" },
      ],
      volPerHour: 0.006,
      garchAlpha: 0.06,
      garchBeta: 0.92,
      diurnalAmp: 0.25,
      diurnalPeakHour: 15,
      headlinesPerDay: 3,
      newsImpact: 0.8,
    },
  };
}

function checkPos(v: number, field: string, allowZero = false): void {
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new ArgumentError(`synthetic market: ${field} must be a finite number ${allowZero ? ">=" : ">"} 0, got ${v}`, { field });
}

/**
 * The resolved options: defaults overridden by `opts`. When `symbol`, `mid0` or `tick` are given and
 * `history.symbols` is not, the first history symbol follows them. Throws ArgumentError on bad values.
 */
export function resolveSyntheticParams(opts: SyntheticOptions = {}): SyntheticParams {
  const d = defaultSyntheticParams();
  const given: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) given[k] = v;
  const p: SyntheticParams = { ...d, ...(given as Partial<SyntheticParams>), tradeSize: { ...d.tradeSize, ...(opts.tradeSize ?? {}) }, history: { ...d.history, ...(opts.history ?? {}) } };
  if (!opts.history?.symbols) {
    p.history.symbols = d.history.symbols.map((s) => ({ ...s }));
    p.history.symbols[0].symbol = p.symbol;
    p.history.symbols[0].priceEnd = p.mid0;
    p.history.symbols[0].tick = p.tick;
  }
  for (const k of ["seed", "startUs"] as const) if (!Number.isFinite(p[k])) throw new ArgumentError(`synthetic market: ${k} must be finite, got ${p[k]}`, { field: k });
  if (!Number.isSafeInteger(p.startUs)) throw new ArgumentError(`synthetic market: startUs must be an integer (epoch µs), got ${p.startUs}`, { field: "startUs" });
  for (const k of ["durationSec", "mid0", "tick", "lot", "volPerSec", "tradeRate", "hawkesDecay", "quoteRate", "levelSpacingTicks", "depthLevels", "topSize", "levelSize", "maxSweepLevels", "latencyUs"] as const) checkPos(p[k], k);
  for (const k of ["garchAlpha", "garchBeta", "flowShare", "hawkesBranching", "sideMemory", "wideSpreadProb", "wideSpreadTicks"] as const) checkPos(p[k], k, true);
  if (p.garchAlpha + p.garchBeta >= 1) throw new ArgumentError(`synthetic market: garchAlpha + garchBeta must be < 1 (stationary), got ${p.garchAlpha + p.garchBeta}`, { field: "garchBeta" });
  if (p.hawkesBranching >= 1) throw new ArgumentError(`synthetic market: hawkesBranching must be < 1, got ${p.hawkesBranching}`, { field: "hawkesBranching" });
  if (p.flowShare >= 1) throw new ArgumentError(`synthetic market: flowShare must be < 1, got ${p.flowShare}`, { field: "flowShare" });
  if (!Number.isInteger(p.levelSpacingTicks) || !Number.isInteger(p.depthLevels) || !Number.isInteger(p.maxSweepLevels)) {
    throw new ArgumentError("synthetic market: levelSpacingTicks, depthLevels and maxSweepLevels must be integers", { field: "levelSpacingTicks" });
  }
  const ts = p.tradeSize;
  for (const k of ["median", "tailScale", "tailAlpha", "max"] as const) checkPos(ts[k], `tradeSize.${k}`);
  checkPos(ts.sigmaLog, "tradeSize.sigmaLog", true);
  checkPos(ts.tailProb, "tradeSize.tailProb", true);
  if (ts.tailAlpha <= 1) throw new ArgumentError(`synthetic market: tradeSize.tailAlpha must be > 1 (finite mean), got ${ts.tailAlpha}`, { field: "tradeSize.tailAlpha" });
  const h = p.history;
  checkPos(h.days, "history.days");
  if (!Number.isInteger(h.days)) throw new ArgumentError(`synthetic market: history.days must be an integer, got ${h.days}`, { field: "history.days" });
  for (const k of ["volPerHour", "headlinesPerDay"] as const) checkPos(h[k], `history.${k}`, k === "headlinesPerDay");
  if (h.garchAlpha + h.garchBeta >= 1) throw new ArgumentError("synthetic market: history garchAlpha + garchBeta must be < 1", { field: "history.garchBeta" });
  if (h.symbols.length === 0) throw new ArgumentError("synthetic market: history.symbols is empty", { field: "history.symbols" });
  for (const s of h.symbols) {
    checkPos(s.priceEnd, `history.symbols.${s.symbol}.priceEnd`);
    checkPos(s.tick, `history.symbols.${s.symbol}.tick`);
    if (!(Math.abs(s.corr) <= 1)) throw new ArgumentError(`synthetic market: corr of ${s.symbol} must lie in [-1, 1]`, { field: "history.symbols.corr" });
  }
  decimalsOf(p.tick, "tick");
  decimalsOf(p.lot, "lot");
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// Exact decimal formatting

/** A step written as units / 10^decimals with integer units (0.01 → {decimals: 2, units: 1}). */
interface DecimalStep {
  decimals: number;
  units: number;
  scale: number;
}

/** The decimal form of a tick or lot size; throws if it has more than 10 decimals. */
function decimalsOf(step: number, field: string): DecimalStep {
  for (let d = 0; d <= 10; d++) {
    const scale = 10 ** d;
    const u = Math.round(step * scale);
    if (u > 0 && Math.abs(u - step * scale) < 1e-6) return { decimals: d, units: u, scale };
  }
  throw new ArgumentError(`synthetic market: ${field} ${step} is not a decimal with at most 10 digits after the point`, { field });
}

/**
 * An integer count of 10^−decimals units as an exact decimal string: formatUnits(6000001, 2) = "60000.01".
 * With `trim`, trailing zeros of the fraction (and a bare point) are removed, as in the Tardis files.
 */
export function formatUnits(units: number, decimals: number, trim = false): string {
  if (!Number.isSafeInteger(units)) throw new ArgumentError(`formatUnits: ${units} is not a safe integer`, { field: "units" });
  const neg = units < 0;
  const a = Math.abs(units);
  if (decimals === 0) return (neg ? "-" : "") + String(a);
  const scale = 10 ** decimals;
  const ip = Math.floor(a / scale);
  let fp = String(a - ip * scale).padStart(decimals, "0");
  if (trim) {
    fp = fp.replace(/0+$/, "");
    if (fp === "") return (neg ? "-" : "") + String(ip);
  }
  return (neg ? "-" : "") + String(ip) + "." + fp;
}

/** One side of the simulated book: level ticks ordered best first, with sizes in lots. */
class BookSide {
  ticks: number[] = [];
  lots: number[] = [];
  /** +1 bids (descending ticks), −1 asks (ascending ticks). */
  constructor(readonly sign: 1 | -1) {}
  get(tick: number): number {
    const i = this.ticks.indexOf(tick);
    return i < 0 ? 0 : this.lots[i];
  }
  set(tick: number, lots: number): void {
    const i = this.ticks.indexOf(tick);
    if (lots <= 0) {
      if (i >= 0) {
        this.ticks.splice(i, 1);
        this.lots.splice(i, 1);
      }
      return;
    }
    if (i >= 0) {
      this.lots[i] = lots;
      return;
    }
    let j = 0;
    while (j < this.ticks.length && this.sign * (this.ticks[j] - tick) > 0) j++;
    this.ticks.splice(j, 0, tick);
    this.lots.splice(j, 0, lots);
  }
}

/** E[min(X, M)] for X ~ Pareto(scale xm, shape α > 1): α·xm/(α−1) − xm^α·M^(1−α)/(α−1) (M ≥ xm). */
function cappedParetoMean(xm: number, alpha: number, max: number): number {
  if (max <= xm) return max;
  return (alpha * xm) / (alpha - 1) - (xm ** alpha * max ** (1 - alpha)) / (alpha - 1);
}

/** Mean of the trade-size mixture in base units (lognormal mean e^{σ²/2}·median, capped-Pareto mean). */
function meanTradeSize(ts: SyntheticTradeSize): number {
  const body = Math.min(ts.max, ts.median * Math.exp((ts.sigmaLog * ts.sigmaLog) / 2));
  return (1 - ts.tailProb) * body + ts.tailProb * cappedParetoMean(ts.tailScale, ts.tailAlpha, ts.max);
}

/**
 * A seeded synthetic market (see the file header for the model and its parameters): tick-level trades,
 * top-of-book quotes and L2 changes of one symbol, plus (unless `withHistory: false`) hourly/daily candles
 * and headlines over the preceding days. Deterministic: the same options give the same numbers, bit for bit.
 * Prices lie on the tick grid (stored as integer ticks / 10^decimals, so they equal the parsed decimal strings).
 * @param opts e.g. `{ seed: 7, durationSec: 1800 }`
 */
export function generateSyntheticMarket(opts: SyntheticOptions = {}): SyntheticMarket {
  const p = resolveSyntheticParams(opts);
  const tickD = decimalsOf(p.tick, "tick");
  const lotD = decimalsOf(p.lot, "lot");
  const rng = createRng(deriveSeed(p.seed, 1));

  // outputs
  const tTs = f64Buffer(), tLt = f64Buffer(), tPx = f64Buffer(), tAmt = f64Buffer(), tId = f64Buffer();
  const tSide = i8Buffer();
  const qTs = f64Buffer(), qLt = f64Buffer(), qUid = f64Buffer(), qBp = f64Buffer(), qBa = f64Buffer(), qAp = f64Buffer(), qAa = f64Buffer();
  const dTs = f64Buffer(), dLt = f64Buffer(), dPx = f64Buffer(), dAmt = f64Buffer(), dUid = f64Buffer();
  const dSnap = i8Buffer(), dSide = i8Buffer();

  const pxOf = (ticks: number): number => (ticks * tickD.units) / tickD.scale;
  const amtOf = (lots: number): number => (lots * lotD.units) / lotD.scale;
  const lotsOf = (size: number): number => Math.max(1, Math.round(size / p.lot));

  const bids = new BookSide(1);
  const asks = new BookSide(-1);
  const G = p.levelSpacingTicks;
  const W = p.depthLevels;

  // message accumulator: first-touch original sizes, in touch order
  const touchedOrig = new Map<number, number>();
  const touchedOrder: number[] = [];
  const change = (side: BookSide, tick: number, lots: number): void => {
    const key = tick * 2 + (side.sign > 0 ? 1 : 0);
    if (!touchedOrig.has(key)) {
      touchedOrig.set(key, side.get(tick));
      touchedOrder.push(key);
    }
    side.set(tick, lots);
  };

  let updateId = 1_000_000;
  let tradeId = 100_000_000;
  let lastTs = -Infinity;
  let lastLt = -Infinity;
  let lastQ = [NaN, NaN, NaN, NaN];

  /** Event timestamps: strictly increasing exchange time, non-decreasing local time. */
  const stamp = (tSec: number): [number, number] => {
    let ts = p.startUs + Math.round(tSec * US_PER_SEC);
    if (ts <= lastTs) ts = lastTs + 1;
    lastTs = ts;
    let lt = ts + Math.max(1, Math.round(p.latencyUs * Math.exp(0.4 * rng.normal())));
    if (lt <= lastLt) lt = lastLt + 1;
    lastLt = lt;
    return [ts, lt];
  };

  /** Writes the touched levels as one depth message and, if the top changed, one quote row. */
  const flush = (ts: number, lt: number, isSnapshot: boolean): void => {
    let rows = 0;
    for (const key of touchedOrder) {
      const isBid = (key & 1) === 1;
      const tick = (key - (isBid ? 1 : 0)) / 2;
      const side = isBid ? bids : asks;
      const now = side.get(tick);
      if (!isSnapshot && now === touchedOrig.get(key)) continue;
      dTs.push(ts);
      dLt.push(lt);
      dSnap.push(isSnapshot ? 1 : 0);
      dSide.push(isBid ? 1 : -1);
      dPx.push(pxOf(tick));
      dAmt.push(amtOf(now));
      dUid.push(updateId);
      rows++;
    }
    touchedOrig.clear();
    touchedOrder.length = 0;
    if (rows > 0) {
      const bt = bids.ticks.length ? bids.ticks[0] : NaN;
      const bl = bids.ticks.length ? bids.lots[0] : NaN;
      const at = asks.ticks.length ? asks.ticks[0] : NaN;
      const al = asks.ticks.length ? asks.lots[0] : NaN;
      if (isSnapshot || bt !== lastQ[0] || bl !== lastQ[1] || at !== lastQ[2] || al !== lastQ[3]) {
        qTs.push(ts);
        qLt.push(lt);
        qUid.push(updateId);
        qBp.push(pxOf(bt));
        qBa.push(amtOf(bl));
        qAp.push(pxOf(at));
        qAa.push(amtOf(al));
        lastQ = [bt, bl, at, al];
      }
      updateId++;
    }
  };

  const sigmaBar = p.volPerSec;
  const omega = sigmaBar * sigmaBar * (1 - p.garchAlpha - p.garchBeta);
  const sigmaCap = 10 * sigmaBar;
  const meanSize = meanTradeSize(p.tradeSize);
  let logm = Math.log(p.mid0);
  let mmBid = NaN;
  let mmAsk = NaN;

  const levelLots = (k: number): number => lotsOf(p.levelSize * (1 + k / 10) * Math.exp(0.7 * rng.normal()));
  const topLots = (): number => lotsOf(p.topSize * Math.exp(1.0 * rng.normal()));

  /** Market maker re-quotes around the efficient price and the grid behind it is refilled and trimmed. */
  const requote = (v: number): void => {
    let s = 1;
    if (rng.next() < Math.min(0.45, p.wideSpreadProb * v * v)) {
      s = 1 + Math.min(500, Math.max(1, Math.round(p.wideSpreadTicks * v * Math.exp(0.7 * rng.normal()))));
    }
    const c = Math.exp(logm) / p.tick;
    const bT = Math.floor(c - (s - 1) / 2);
    const aT = bT + s;
    // bids: remove levels above the new best, cancel the old non-grid quote, set the new best
    while (bids.ticks.length && bids.ticks[0] > bT) change(bids, bids.ticks[0], 0);
    if (mmBid === mmBid && mmBid !== bT && mmBid % G !== 0 && bids.get(mmBid) > 0) change(bids, mmBid, 0);
    if (bids.get(bT) === 0) change(bids, bT, topLots());
    else if (rng.next() < 0.5) change(bids, bT, lotsOf(amtOf(bids.get(bT)) * Math.exp(0.3 * rng.normal())));
    mmBid = bT;
    while (asks.ticks.length && asks.ticks[0] < aT) change(asks, asks.ticks[0], 0);
    if (mmAsk === mmAsk && mmAsk !== aT && mmAsk % G !== 0 && asks.get(mmAsk) > 0) change(asks, mmAsk, 0);
    if (asks.get(aT) === 0) change(asks, aT, topLots());
    else if (rng.next() < 0.5) change(asks, aT, lotsOf(amtOf(asks.get(aT)) * Math.exp(0.3 * rng.normal())));
    mmAsk = aT;
    // grid behind the best: W levels per side, refilled where missing, trimmed beyond
    const gB = Math.floor((bT - 1) / G) * G;
    for (let k = 0; k < W; k++) if (bids.get(gB - k * G) === 0) change(bids, gB - k * G, levelLots(k));
    const lowB = gB - (W - 1) * G;
    while (bids.ticks.length && bids.ticks[bids.ticks.length - 1] < lowB) change(bids, bids.ticks[bids.ticks.length - 1], 0);
    const gA = Math.ceil((aT + 1) / G) * G;
    for (let k = 0; k < W; k++) if (asks.get(gA + k * G) === 0) change(asks, gA + k * G, levelLots(k));
    const highA = gA + (W - 1) * G;
    while (asks.ticks.length && asks.ticks[asks.ticks.length - 1] > highA) change(asks, asks.ticks[asks.ticks.length - 1], 0);
  };

  const drawSize = (): number => {
    const ts = p.tradeSize;
    let x: number;
    if (rng.next() < ts.tailProb) x = ts.tailScale * Math.pow(1 - rng.next(), -1 / ts.tailAlpha);
    else x = ts.median * Math.exp(ts.sigmaLog * rng.normal());
    return Math.min(ts.max, x);
  };

  // initial snapshot
  {
    const [ts, lt] = stamp(0);
    requote(1);
    // the snapshot lists every level: bids best first, then asks best first
    touchedOrig.clear();
    touchedOrder.length = 0;
    for (const t of bids.ticks) touchedOrder.push(t * 2 + 1);
    for (const t of asks.ticks) touchedOrder.push(t * 2);
    flush(ts, lt, true);
  }

  const nSec = Math.ceil(p.durationSec);
  const truthTs = new Float64Array(nSec);
  const truthSig = new Float64Array(nSec);
  const truthPx = new Float64Array(nSec);
  let sigma = sigmaBar;
  let exc = 0; // Hawkes excess intensity at time excT
  let excT = 0;
  let lastSide = 1;
  const beta = p.hawkesDecay;
  const n = p.hawkesBranching;

  for (let s = 0; s < nSec; s++) {
    const end = Math.min(s + 1, p.durationSec);
    const v = sigma / sigmaBar;
    const mu = p.tradeRate * (1 - n) * v;
    const lambdaBar = p.tradeRate * v;
    const theta = sigma * Math.sqrt(p.flowShare / lambdaBar);
    const diffVarRate = (1 - p.flowShare) * sigma * sigma;
    const rho = p.quoteRate * v;
    const logmStart = logm;
    let t = s;
    let tDiff = s; // diffusion realised up to here

    // next trade (Dassios–Zhao): baseline candidate vs excitation candidate
    let nextTrade = Infinity;
    let immigrant = true;
    const drawTrade = (): void => {
      const s1 = t + rng.exponential(mu);
      const ex = exc * Math.exp(-beta * (t - excT));
      let s2 = Infinity;
      if (ex > 0) {
        const D = 1 + (beta * Math.log(1 - rng.next())) / ex;
        if (D > 0) s2 = t - Math.log(D) / beta;
      }
      immigrant = s1 <= s2;
      nextTrade = Math.min(s1, s2);
    };
    drawTrade();
    let nextQuote = t + rng.exponential(rho);

    for (;;) {
      if (nextTrade >= end && nextQuote >= end) break;
      if (nextTrade < nextQuote) {
        t = nextTrade;
        const [ts, lt] = stamp(t);
        const side = !immigrant && rng.next() < p.sideMemory ? lastSide : rng.next() < 0.5 ? 1 : -1;
        lastSide = side;
        let remaining = lotsOf(drawSize());
        const book = side > 0 ? asks : bids;
        let filled = 0;
        for (let lvl = 0; lvl < p.maxSweepLevels && remaining > 0 && book.ticks.length > 1; lvl++) {
          const tick = book.ticks[0];
          const avail = book.lots[0];
          const q = Math.min(avail, remaining);
          tTs.push(ts);
          tLt.push(lt);
          tPx.push(pxOf(tick));
          tAmt.push(amtOf(q));
          tSide.push(side);
          tId.push(tradeId++);
          change(book, tick, avail - q);
          remaining -= q;
          filled += q;
        }
        flush(ts, lt, false);
        logm += side * theta * Math.sqrt(amtOf(filled) / meanSize);
        exc = exc * Math.exp(-beta * (t - excT)) + n * beta;
        excT = t;
        drawTrade();
      } else {
        t = nextQuote;
        logm += Math.sqrt(diffVarRate * (t - tDiff)) * rng.normal();
        tDiff = t;
        const [ts, lt] = stamp(t);
        requote(v);
        flush(ts, lt, false);
        nextQuote = t + rng.exponential(rho);
      }
    }
    // realise the rest of the second's diffusion, then the GARCH update
    logm += Math.sqrt(diffVarRate * (end - tDiff)) * rng.normal();
    const r = logm - logmStart;
    truthTs[s] = p.startUs + s * US_PER_SEC;
    truthSig[s] = sigma;
    truthPx[s] = Math.exp(logm);
    sigma = Math.min(sigmaCap, Math.sqrt(omega + p.garchAlpha * r * r + p.garchBeta * sigma * sigma));
  }

  const history = p.withHistory ? generateSyntheticHistory(p) : emptyHistory();
  return {
    trades: new Frame<TradeColumns>({ timestamp: tTs.done(), localTimestamp: tLt.done(), price: tPx.done(), amount: tAmt.done(), side: tSide.done(), id: tId.done() }),
    quotes: new Frame<QuoteColumns>({ timestamp: qTs.done(), localTimestamp: qLt.done(), updateId: qUid.done(), bidPrice: qBp.done(), bidAmount: qBa.done(), askPrice: qAp.done(), askAmount: qAa.done() }),
    depth: new Frame<BookChangeColumns>({ timestamp: dTs.done(), localTimestamp: dLt.done(), isSnapshot: dSnap.done(), side: dSide.done(), price: dPx.done(), amount: dAmt.done(), updateId: dUid.done() }),
    truth: new Frame<SyntheticTruthColumns>({ timestamp: truthTs, sigma: truthSig, efficientPrice: truthPx }),
    candles1h: history.candles1h,
    candles1d: history.candles1d,
    headlines: history.headlines,
    historyTruth: history.truth,
    params: p,
  };
}

// ---------------------------------------------------------------------------------------------------------
// History: hourly/daily candles and headlines

/** What `generateSyntheticHistory` returns. */
export interface SyntheticHistory {
  candles1h: { [symbol: string]: Frame<CandleColumns> };
  candles1d: { [symbol: string]: Frame<CandleColumns> };
  headlines: Frame<HeadlineColumns>;
  truth: Frame<SyntheticHistoryTruthColumns>;
}

function emptyHistory(): SyntheticHistory {
  return {
    candles1h: {},
    candles1d: {},
    headlines: new Frame<HeadlineColumns>({ timestamp: new Float64Array(0), source: [], subject: [], title: [], text: [], url: [], sentimentClass: [], sentimentPolarity: new Float64Array(0) }),
    truth: new Frame<SyntheticHistoryTruthColumns>({ timestamp: new Float64Array(0), sigma: new Float64Array(0) }),
  };
}

const NEWS_SOURCES = ["SynthWire", "MockChain Daily", "Example Ledger"];
const NOISE_SUBJECTS = ["altcoin", "defi", "nft", "blockchain"];
const NOISE_COINS = ["Mockchain", "Synthswap", "Fauxcoin", "Examplo"];
const TITLES: { [cls: string]: string[] } = {
  positive: [
    "{coin} jumps toward ${price} as buyers return",
    "Analysts turn bullish on {coin} after ${m}M of fund inflows",
    "{coin} rallies as exchange reserves fall {k}%",
    "Institutional demand lifts {coin} near ${price}",
    "{coin} network activity surges {k}% to a record high",
    "Upgrade optimism boosts {coin} as open interest climbs {k}%",
  ],
  negative: [
    "{coin} slides under ${price} as sellers take control",
    "Regulatory worries weigh on {coin} as ${m}M leaves funds",
    "{coin} drops as large holders move ${m}M to exchanges",
    "Liquidations hit {coin} longs near ${price}",
    "Outflows of ${m}M from {coin} funds deepen losses",
    "Security incident rattles {coin} investors, {k}% of deposits paused",
  ],
  neutral: [
    "{coin} trades near ${price} ahead of macro data",
    "What's next for {coin}? Traders watch ${price}",
    "{coin} volatility stays near {k}% as markets wait",
    "Weekly recap: {coin} range-bound around ${price}",
    "{coin} developers publish roadmap update {k}",
  ],
};
const TEXTS: { [cls: string]: string[] } = {
  positive: [
    "Market data showed {coin} gaining ground while funding rates stayed moderate.",
    "Traders pointed to steady spot buying and improving sentiment across {coin} markets.",
    "On-chain metrics for {coin} improved, and several desks raised their targets.",
  ],
  negative: [
    "Selling pressure on {coin} grew as traders cut risk across the market.",
    "Analysts warned that {coin} could fall further if support fails.",
    "Open interest in {coin} fell sharply after a wave of forced selling.",
  ],
  neutral: [
    "{coin} moved little over the session as traders waited for new catalysts.",
    "Volumes in {coin} were close to their monthly average.",
    "The {coin} team shared a scheduled update with no change to the timeline.",
  ],
};

/** "61240.5" → "61,240.50"-style display price with thousands separators, from integer tick units. */
function displayPrice(units: number, decimals: number): string {
  const s = formatUnits(units, decimals);
  const [ip, fp] = s.split(".");
  const withSep = ip.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (Number(ip) >= 1000) return withSep;
  return fp !== undefined ? `${withSep}.${fp.slice(0, 2).padEnd(2, "0")}` : withSep;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
}

/**
 * Hourly and daily candles and headlines (see the file header): `days` of history ending at the UTC midnight
 * that starts the tick window's day. Uses its own random stream (seed derived from `seed`, key 2), so tick-level
 * options do not change it. Candle prices lie on each symbol's tick grid; volumes on the lot grid.
 */
export function generateSyntheticHistory(opts: SyntheticOptions | SyntheticParams = {}): SyntheticHistory {
  const p = resolveSyntheticParams(opts as SyntheticOptions);
  const h = p.history;
  const rng = createRng(deriveSeed(p.seed, 2));
  const lotD = decimalsOf(p.lot, "lot");
  const endUs = Math.floor(p.startUs / US_PER_DAY) * US_PER_DAY;
  const startUs = endUs - h.days * US_PER_DAY;
  const nH = h.days * 24;
  const nM = nH * 60;
  const sigmaBar = h.volPerHour;
  const omega = sigmaBar * sigmaBar * (1 - h.garchAlpha - h.garchBeta);
  const dNorm = Math.sqrt(1 + (h.diurnalAmp * h.diurnalAmp) / 2);
  const nSym = h.symbols.length;

  // headlines: Poisson count, uniform minute times, latent value z
  const nNews = rng.poisson(h.headlinesPerDay * h.days);
  const newsMin = new Float64Array(nNews);
  for (let i = 0; i < nNews; i++) newsMin[i] = rng.int(nM - 1);
  newsMin.sort();
  const newsZ = new Float64Array(nNews);
  const newsTarget = new Int32Array(nNews); // symbol index, or −1 for a noise headline
  const shocks: Float64Array[] = h.symbols.map(() => new Float64Array(nM));
  for (let i = 0; i < nNews; i++) {
    newsZ[i] = rng.normal();
    const u = rng.next();
    newsTarget[i] = u < 0.5 ? 0 : u < 0.7 && nSym > 1 ? 1 : -1;
    if (newsTarget[i] >= 0) {
      const total = h.newsImpact * sigmaBar * newsZ[i];
      const sh = shocks[newsTarget[i]];
      const m0 = newsMin[i] + 1;
      if (m0 < nM) sh[m0] += 0.4 * total;
      for (let k = 1; k <= 120 && m0 + k < nM; k++) sh[m0 + k] += (0.6 * total) / 120;
    }
  }

  // minute log-price paths
  const paths: Float64Array[] = h.symbols.map(() => new Float64Array(nM + 1));
  const hourSigma = new Float64Array(nH);
  let sig = sigmaBar;
  for (let hr = 0; hr < nH; hr++) {
    const hourOfDay = hr % 24;
    const d = (1 + h.diurnalAmp * Math.cos((2 * Math.PI * (hourOfDay - h.diurnalPeakHour)) / 24)) / dNorm;
    const sm = (sig * d) / Math.sqrt(60);
    hourSigma[hr] = sig * d;
    const x0 = paths[0][hr * 60];
    for (let k = 0; k < 60; k++) {
      const m = hr * 60 + k;
      const z0 = rng.normal();
      const r0 = sm * z0 + shocks[0][m];
      paths[0][m + 1] = paths[0][m] + r0;
      for (let j = 1; j < nSym; j++) {
        const sj = h.symbols[j];
        const idio = sj.corr >= 1 ? 0 : sj.beta * sm * Math.sqrt(1 / (sj.corr * sj.corr) - 1) * rng.normal();
        paths[j][m + 1] = paths[j][m] + sj.beta * r0 + idio + shocks[j][m];
      }
    }
    const eps = (paths[0][hr * 60 + 60] - x0) / d;
    sig = Math.min(10 * sigmaBar, Math.sqrt(omega + h.garchAlpha * eps * eps + h.garchBeta * sig * sig));
  }

  const candles1h: { [symbol: string]: Frame<CandleColumns> } = {};
  const candles1d: { [symbol: string]: Frame<CandleColumns> } = {};
  const closeUnits: Float64Array[] = [];
  for (let j = 0; j < nSym; j++) {
    const sj = h.symbols[j];
    const tD = decimalsOf(sj.tick, `history.symbols.${sj.symbol}.tick`);
    const x = paths[j];
    const xEnd = x[nM];
    // units of 10^-decimals, on the tick grid
    const units = new Float64Array(nM + 1);
    for (let m = 0; m <= nM; m++) units[m] = Math.round((sj.priceEnd * Math.exp(x[m] - xEnd)) / sj.tick) * tD.units;
    closeUnits.push(units);
    const c = candleColumns(nH);
    const toPx = (u: number): number => u / tD.scale;
    for (let hr = 0; hr < nH; hr++) {
      const o = units[hr * 60];
      let hi = o;
      let lo = o;
      for (let k = 1; k <= 60; k++) {
        const u = units[hr * 60 + k];
        if (u > hi) hi = u;
        if (u < lo) lo = u;
      }
      const cl = units[hr * 60 + 60];
      const r = x[hr * 60 + 60] - x[hr * 60];
      const volLots = Math.max(1, Math.round((sj.volumePerHour * (0.4 + (0.6 * Math.abs(r)) / (0.8 * sigmaBar * Math.max(1, sj.beta))) * Math.exp(0.3 * rng.normal() - 0.045)) / p.lot));
      const buyShare = Math.min(0.95, Math.max(0.05, 0.5 + 0.15 * Math.tanh(r / Math.max(1e-12, hourSigma[hr] * sj.beta)) + 0.03 * rng.normal()));
      const takerLots = Math.round(volLots * buyShare);
      const avgPx = (o + hi + lo + cl) / 4 / tD.scale;
      const vol = (volLots * lotD.units) / lotD.scale;
      c.timestamp[hr] = startUs + hr * US_PER_HOUR;
      c.closeTime[hr] = c.timestamp[hr] + US_PER_HOUR - 1000;
      c.open[hr] = toPx(o);
      c.high[hr] = toPx(hi);
      c.low[hr] = toPx(lo);
      c.close[hr] = toPx(cl);
      c.volume[hr] = vol;
      c.quoteVolume[hr] = Math.round(vol * avgPx * 100) / 100;
      c.trades[hr] = Math.max(1, Math.round(((vol * avgPx) / 1500) * Math.exp(0.2 * rng.normal())));
      c.takerBuyVolume[hr] = (takerLots * lotD.units) / lotD.scale;
      c.takerBuyQuoteVolume[hr] = Math.round(c.takerBuyVolume[hr] * avgPx * 100) / 100;
    }
    candles1h[sj.symbol] = new Frame<CandleColumns>(c);
    candles1d[sj.symbol] = new Frame<CandleColumns>(aggregateDaily(c, h.days, lotD));
  }

  // headline texts, using the price at publication
  const nn = nNews;
  const hl = {
    timestamp: new Float64Array(nn),
    source: new Array<string>(nn),
    subject: new Array<string>(nn),
    title: new Array<string>(nn),
    text: new Array<string>(nn),
    url: new Array<string>(nn),
    sentimentClass: new Array<string>(nn),
    sentimentPolarity: new Float64Array(nn),
  };
  for (let i = 0; i < nn; i++) {
    const target = newsTarget[i];
    const pol0 = target >= 0 ? 0.25 * newsZ[i] + 0.12 * rng.normal() : 0.3 * rng.normal();
    const pol = Math.round(Math.max(-1, Math.min(1, pol0)) * 100) / 100 || 0;
    const cls = pol > 0.05 ? "positive" : pol < -0.05 ? "negative" : "neutral";
    let coin: string;
    let subject: string;
    let priceStr = "";
    if (target >= 0) {
      const sj = h.symbols[target];
      coin = sj.coin;
      subject = sj.subject;
      priceStr = displayPrice(closeUnits[target][newsMin[i]], decimalsOf(sj.tick, "tick").decimals);
    } else {
      const k = rng.int(NOISE_SUBJECTS.length);
      subject = NOISE_SUBJECTS[k];
      coin = NOISE_COINS[rng.int(NOISE_COINS.length)];
      priceStr = displayPrice(Math.round((1 + 4 * rng.next()) * 100), 2);
    }
    const titles = TITLES[cls];
    const texts = TEXTS[cls];
    const title = titles[rng.int(titles.length)]
      .replace("{coin}", coin)
      .replace("{price}", priceStr)
      .replace("{m}", String(5 + rng.int(496)))
      .replace("{k}", String(3 + rng.int(58)));
    const text = texts[rng.int(texts.length)].replace("{coin}", coin);
    const ts = startUs + newsMin[i] * 60e6;
    hl.timestamp[i] = ts;
    hl.source[i] = NEWS_SOURCES[rng.int(NEWS_SOURCES.length)];
    hl.subject[i] = subject;
    hl.title[i] = title;
    hl.text[i] = text;
    hl.url[i] = `https://news.example.com/${new Date(ts / 1000).toISOString().slice(0, 10)}/${i + 1}-${slug(title)}`;
    hl.sentimentClass[i] = cls;
    hl.sentimentPolarity[i] = pol;
  }
  const truthTs = new Float64Array(nH);
  for (let hr = 0; hr < nH; hr++) truthTs[hr] = startUs + hr * US_PER_HOUR;
  return {
    candles1h,
    candles1d,
    headlines: new Frame<HeadlineColumns>(hl),
    truth: new Frame<SyntheticHistoryTruthColumns>({ timestamp: truthTs, sigma: hourSigma }),
  };
}

function candleColumns(n: number): CandleColumns {
  return {
    timestamp: new Float64Array(n),
    closeTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    quoteVolume: new Float64Array(n),
    trades: new Float64Array(n),
    takerBuyVolume: new Float64Array(n),
    takerBuyQuoteVolume: new Float64Array(n),
  };
}

/** Daily candles from 24 hourly ones each: first open, max high, min low, last close, summed volumes (sums on the lot / cent grid). */
function aggregateDaily(c: CandleColumns, days: number, lotD: DecimalStep): CandleColumns {
  const d = candleColumns(days);
  const lotsOf = (v: number): number => Math.round((v * lotD.scale) / lotD.units);
  for (let k = 0; k < days; k++) {
    const a = k * 24;
    d.timestamp[k] = c.timestamp[a];
    d.closeTime[k] = c.timestamp[a] + US_PER_DAY - 1000;
    d.open[k] = c.open[a];
    d.close[k] = c.close[a + 23];
    let hi = -Infinity;
    let lo = Infinity;
    let vol = 0;
    let tb = 0;
    let qv = 0;
    let tq = 0;
    let tr = 0;
    for (let i = a; i < a + 24; i++) {
      if (c.high[i] > hi) hi = c.high[i];
      if (c.low[i] < lo) lo = c.low[i];
      vol += lotsOf(c.volume[i]);
      tb += lotsOf(c.takerBuyVolume[i]);
      qv += Math.round(c.quoteVolume[i] * 100);
      tq += Math.round(c.takerBuyQuoteVolume[i] * 100);
      tr += c.trades[i];
    }
    d.high[k] = hi;
    d.low[k] = lo;
    d.volume[k] = (vol * lotD.units) / lotD.scale;
    d.takerBuyVolume[k] = (tb * lotD.units) / lotD.scale;
    d.quoteVolume[k] = qv / 100;
    d.takerBuyQuoteVolume[k] = tq / 100;
    d.trades[k] = tr;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// Writing the dataset

/** Paths of a written synthetic dataset (absolute). */
export interface SyntheticPaths {
  dir: string;
  manifest: string;
  symbol: string;
  /** Tardis `trades` CSV.gz. */
  trades: string;
  /** Tardis `quotes` (book ticker) CSV.gz. */
  quotes: string;
  /** Tardis `incremental_book_L2` CSV.gz. */
  depthL2: string;
  /** Binance 12-column hourly klines, by symbol. */
  candles1h: { [symbol: string]: string };
  /** Binance 12-column daily klines, by symbol. */
  candles1d: { [symbol: string]: string };
  /** Headlines in the cryptonews layout. */
  news?: string;
  /** True when this call wrote the files (ensureSyntheticDataset), false when they were already there. */
  generated: boolean;
}

/** One file listed in manifest.json. */
export interface SyntheticManifestFile {
  /** Path relative to the dataset folder, with forward slashes. */
  path: string;
  kind: "trades" | "quotes" | "L2" | "candles1h" | "candles1d" | "news";
  symbol?: string;
  /** Data rows (header excluded). */
  rows: number;
  bytes: number;
  /** SHA-256 of the uncompressed CSV text (stable across zlib versions). */
  sha256: string;
}

/** manifest.json of a synthetic dataset. */
export interface SyntheticManifest {
  generator: string;
  version: string;
  seed: number;
  note: string;
  symbol: string;
  exchange: string;
  /** Tick window, epoch µs [start, end). */
  span: { startUs: number; endUs: number };
  /** History window (candles, headlines), epoch µs [start, end), or null without history. */
  historySpan: { startUs: number; endUs: number } | null;
  params: SyntheticParams;
  files: SyntheticManifestFile[];
}

/** Default folder of the synthetic dataset: `<project root>/data/synthetic`. */
export function defaultSyntheticDir(): string {
  return path.join(projectRoot(), "data", "synthetic");
}

/** gzip with a fixed header (mtime 0, OS byte 3 = Unix), so the bytes do not depend on the platform. */
function gzipDeterministic(text: string): Buffer {
  const gz = zlib.gzipSync(Buffer.from(text, "utf8"), { level: 6, memLevel: 9 });
  gz[9] = 3;
  return gz;
}

/** Quotes a CSV field when it holds the separator, a quote or a line break (RFC 4180 style). */
function csvField(s: string, sep: string): string {
  if (s.includes(sep) || s.includes('"') || s.includes("\n") || s.includes("\r")) return '"' + s.replace(/"/g, '""') + '"';
  return s;
}

/** Python repr of a float rounded to 2 decimals (0 → "0.0", 0.3 → "0.3"). */
function pyFloat(v: number): string {
  const r = Math.round(v * 100) / 100 || 0;
  const s = String(r);
  return s.includes(".") || s.includes("e") ? s : s + ".0";
}

function isoDate(us: number): string {
  return new Date(us / 1000).toISOString().slice(0, 10);
}
function isoDateTime(us: number): string {
  return new Date(us / 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** The CSV texts of a market, keyed by their path in the dataset folder. */
function datasetTexts(mk: SyntheticMarket): Array<{ rel: string; kind: SyntheticManifestFile["kind"]; symbol?: string; rows: number; text: string }> {
  const p = mk.params;
  const tickD = decimalsOf(p.tick, "tick");
  const lotD = decimalsOf(p.lot, "lot");
  const px = (v: number, d: DecimalStep): string => formatUnits(Math.round(v * d.scale), d.decimals);
  const amt = (v: number): string => formatUnits(Math.round(v * lotD.scale), lotD.decimals, true);
  const ex = p.exchange;
  const sym = p.symbol;
  const out: Array<{ rel: string; kind: SyntheticManifestFile["kind"]; symbol?: string; rows: number; text: string }> = [];

  // consecutive rows of one event share their timestamps: format each distinct value once
  let lastNum = NaN;
  let lastStr = "";
  let lastNum2 = NaN;
  let lastStr2 = "";
  const tsStr = (v: number): string => {
    if (v !== lastNum) {
      lastNum = v;
      lastStr = String(v);
    }
    return lastStr;
  };
  const ltStr = (v: number): string => {
    if (v !== lastNum2) {
      lastNum2 = v;
      lastStr2 = String(v);
    }
    return lastStr2;
  };
  const head = `${ex},${sym},`;
  {
    const t = mk.trades.columns;
    const lines: string[] = ["exchange,symbol,timestamp,local_timestamp,id,side,price,amount"];
    for (let i = 0; i < mk.trades.length; i++) {
      lines.push(`${head}${tsStr(t.timestamp[i])},${ltStr(t.localTimestamp[i])},${t.id[i]},${t.side[i] > 0 ? "buy" : "sell"},${px(t.price[i], tickD)},${amt(t.amount[i])}`);
    }
    out.push({ rel: `tardis-format/${ex}_trades_${sym}.csv.gz`, kind: "trades", symbol: sym, rows: mk.trades.length, text: lines.join("\n") + "\n" });
  }
  {
    const q = mk.quotes.columns;
    const lines: string[] = ["exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount"];
    for (let i = 0; i < mk.quotes.length; i++) {
      lines.push(`${head}${tsStr(q.timestamp[i])},${ltStr(q.localTimestamp[i])},${amt(q.askAmount[i])},${px(q.askPrice[i], tickD)},${px(q.bidPrice[i], tickD)},${amt(q.bidAmount[i])}`);
    }
    out.push({ rel: `tardis-format/${ex}_book_ticker_${sym}.csv.gz`, kind: "quotes", symbol: sym, rows: mk.quotes.length, text: lines.join("\n") + "\n" });
  }
  {
    const d = mk.depth.columns;
    const lines: string[] = ["exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount"];
    for (let i = 0; i < mk.depth.length; i++) {
      lines.push(`${head}${tsStr(d.timestamp[i])},${ltStr(d.localTimestamp[i])},${d.isSnapshot[i] ? "true" : "false"},${d.side[i] > 0 ? "bid" : "ask"},${px(d.price[i], tickD)},${amt(d.amount[i])}`);
    }
    out.push({ rel: `tardis-format/${ex}_incremental_book_L2_${sym}.csv.gz`, kind: "L2", symbol: sym, rows: mk.depth.length, text: lines.join("\n") + "\n" });
  }
  const KLINE_HEADER = "Open time,Open,High,Low,Close,Volume,Close time,Quote asset volume,Number of trades,Taker buy base asset volume,Taker buy quote asset volume,Ignore";
  const klines = (c: Frame<CandleColumns>, tD: DecimalStep, daily: boolean): string => {
    const k = c.columns;
    const lines: string[] = [KLINE_HEADER];
    for (let i = 0; i < c.length; i++) {
      const open = daily ? isoDate(k.timestamp[i]) : isoDateTime(k.timestamp[i]);
      const close = isoDateTime(k.closeTime[i]) + ".999";
      lines.push(
        `${open},${px(k.open[i], tD)},${px(k.high[i], tD)},${px(k.low[i], tD)},${px(k.close[i], tD)},${amt(k.volume[i])},${close},` +
          `${formatUnits(Math.round(k.quoteVolume[i] * 100), 2)},${k.trades[i]},${amt(k.takerBuyVolume[i])},${formatUnits(Math.round(k.takerBuyQuoteVolume[i] * 100), 2)},0`,
      );
    }
    return lines.join("\n") + "\n";
  };
  for (const s of p.history.symbols) {
    const c1h = mk.candles1h[s.symbol];
    const c1d = mk.candles1d[s.symbol];
    if (!c1h || !c1d) continue;
    const tD = decimalsOf(s.tick, "tick");
    out.push({ rel: `klines-1h/${s.symbol}_1h.csv.gz`, kind: "candles1h", symbol: s.symbol, rows: c1h.length, text: klines(c1h, tD, false) });
    out.push({ rel: `klines-1d/${s.symbol}_1d.csv.gz`, kind: "candles1d", symbol: s.symbol, rows: c1d.length, text: klines(c1d, tD, true) });
  }
  if (p.withHistory) {
    const hl = mk.headlines.columns;
    const sub = createRng(deriveSeed(p.seed, 3));
    const lines: string[] = ["date;sentiment;source;subject;text;title;url"];
    // newest first, as in the cryptonews file
    for (let i = mk.headlines.length - 1; i >= 0; i--) {
      const d = new Date(hl.timestamp[i] / 1000);
      const date = `${d.getUTCDate()}-${d.getUTCMonth() + 1}-${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
      const pol = hl.sentimentPolarity[i];
      const subj = Math.min(1, Math.max(0, 0.4 + 0.5 * Math.abs(pol) + 0.15 * sub.normal()));
      const senti = `{'class': '${hl.sentimentClass[i]}', 'polarity': ${pyFloat(pol)}, 'subjectivity': ${pyFloat(subj)}}`;
      lines.push([date, senti, hl.source[i], hl.subject[i], hl.text[i], hl.title[i], hl.url[i]].map((f) => csvField(f, ";")).join(";"));
    }
    out.push({ rel: "news/synthetic_news.csv.gz", kind: "news", rows: mk.headlines.length, text: lines.join("\n") + "\n" });
  }
  return out;
}

/** Writes a file atomically (temporary name, then rename), so a concurrent reader never sees half a file. */
function writeAtomic(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function pathsFromManifest(dir: string, m: SyntheticManifest, generated: boolean): SyntheticPaths {
  const abs = (rel: string): string => path.join(dir, ...rel.split("/"));
  const find = (kind: SyntheticManifestFile["kind"]): string => {
    const f = m.files.find((x) => x.kind === kind);
    return f ? abs(f.path) : "";
  };
  const byKind = (kind: SyntheticManifestFile["kind"]): { [symbol: string]: string } => {
    const o: { [symbol: string]: string } = {};
    for (const f of m.files) if (f.kind === kind && f.symbol) o[f.symbol] = abs(f.path);
    return o;
  };
  const news = find("news");
  return {
    dir,
    manifest: path.join(dir, "manifest.json"),
    symbol: m.symbol,
    trades: find("trades"),
    quotes: find("quotes"),
    depthL2: find("L2"),
    candles1h: byKind("candles1h"),
    candles1d: byKind("candles1d"),
    ...(news ? { news } : {}),
    generated,
  };
}

/**
 * Generates the synthetic market and writes it under `dir` (default `<project root>/data/synthetic`):
 * `tardis-format/<exchange>_{trades,book_ticker,incremental_book_L2}_<SYMBOL>.csv.gz` (Tardis.dev CSV layouts,
 * epoch-µs timestamps), `klines-1h/<SYMBOL>_1h.csv.gz` and `klines-1d/<SYMBOL>_1d.csv.gz` (Binance 12-column
 * klines with header, open time `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DD` UTC), `news/synthetic_news.csv.gz`
 * (cryptonews layout: `;`-separated, `D-M-YYYY HH:MM` UTC, newest first, Python-dict sentiment), and
 * `manifest.json` (written last). Prices are exact decimal strings on the tick grid. Same options → byte-identical files.
 * @returns the absolute paths
 */
export function writeSyntheticDataset(dir: string = defaultSyntheticDir(), opts: SyntheticOptions = {}): SyntheticPaths {
  const mk = generateSyntheticMarket(opts);
  const p = mk.params;
  const files: SyntheticManifestFile[] = [];
  for (const f of datasetTexts(mk)) {
    const gz = gzipDeterministic(f.text);
    writeAtomic(path.join(dir, ...f.rel.split("/")), gz);
    files.push({
      path: f.rel,
      kind: f.kind,
      ...(f.symbol ? { symbol: f.symbol } : {}),
      rows: f.rows,
      bytes: gz.length,
      sha256: crypto.createHash("sha256").update(f.text, "utf8").digest("hex"),
    });
  }
  const histEnd = Math.floor(p.startUs / US_PER_DAY) * US_PER_DAY;
  const manifest: SyntheticManifest = {
    generator: SYNTHETIC_GENERATOR,
    version: SYNTHETIC_VERSION,
    seed: p.seed,
    note: "Synthetic market generated by makerlab (src/data/synthetic.ts). Not market data.",
    symbol: p.symbol,
    exchange: p.exchange,
    span: { startUs: p.startUs, endUs: p.startUs + Math.round(p.durationSec * US_PER_SEC) },
    historySpan: p.withHistory ? { startUs: histEnd - p.history.days * US_PER_DAY, endUs: histEnd } : null,
    params: p,
    files,
  };
  writeAtomic(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return pathsFromManifest(dir, manifest, true);
}

/** The manifest of a synthetic dataset folder, or null when it is missing or not a makerlab synthetic manifest. */
export function readSyntheticManifest(dir: string): SyntheticManifest | null {
  const f = path.join(dir, "manifest.json");
  if (!fs.existsSync(f)) return null;
  try {
    const m = JSON.parse(fs.readFileSync(f, "utf8")) as SyntheticManifest;
    if (m && m.generator === SYNTHETIC_GENERATOR && Array.isArray(m.files)) return m;
  } catch {
    return null;
  }
  return null;
}

/** True when every option given in `opts` equals the manifest's resolved value (deep, by JSON). */
function optsMatch(opts: SyntheticOptions, params: SyntheticParams): boolean {
  const want = resolveSyntheticParams(opts) as unknown as { [k: string]: unknown };
  const have = params as unknown as { [k: string]: unknown };
  for (const k of Object.keys(opts)) {
    if ((opts as { [k: string]: unknown })[k] === undefined) continue;
    if (JSON.stringify(want[k]) !== JSON.stringify(have[k])) return false;
  }
  return true;
}

/**
 * The synthetic dataset's paths, writing it first only when needed: when manifest.json is missing, its
 * generator version or seed differ from this code's / `opts.seed` (default 7), an option passed in `opts`
 * differs from the one it was made with, or a listed file is missing. Safe to call from concurrent processes
 * (atomic renames; the manifest is written last).
 * @param dir default `<project root>/data/synthetic`
 */
export function ensureSyntheticDataset(dir: string = defaultSyntheticDir(), opts: SyntheticOptions = {}): SyntheticPaths {
  const m = readSyntheticManifest(dir);
  const seed = opts.seed ?? defaultSyntheticParams().seed;
  if (
    m &&
    m.version === SYNTHETIC_VERSION &&
    m.seed === seed &&
    optsMatch(opts, m.params) &&
    m.files.every((f) => fs.existsSync(path.join(dir, ...f.path.split("/"))))
  ) {
    return pathsFromManifest(dir, m, false);
  }
  return writeSyntheticDataset(dir, opts);
}

/** The paths of an existing synthetic dataset folder (from its manifest), or null if it has none. */
export function syntheticPaths(dir: string): SyntheticPaths | null {
  const m = readSyntheticManifest(dir);
  return m ? pathsFromManifest(dir, m, false) : null;
}

