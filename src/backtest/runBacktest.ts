/**
 * The public entry point of the backtester: `runBacktest({ data, strategy, exchange, seed })` prepares the market data
 * (data.ts: atomic updates, clock alignment, tick and lot), runs the engine (engine.ts, exchange.ts) and computes the
 * metrics and PnL decomposition (metrics.ts `computeBacktestMetrics`).
 *
 * Example:
 *   const r = runBacktest({
 *     data: { depth, trades },                       // BookChangeFrame, TradeFrame (e.g. loadTardisBookL2 / loadTardisTrades)
 *     strategy: fixedSpreadStrategy({ halfSpreadBps: 1, size: 0.001 }),
 *     exchange: { queueModel: riskAverseQueue(), latency: constantLatency({ entryUs: 5000 }), fees: bpsFees({ makerBps: 0, takerBps: 10 }) },
 *     seed: 1,
 *   });
 *   r.metrics.pnl, r.decomposition.spreadCapture, r.fills.toString()
 * To run many configurations on one data set, prepare it once with `prepareMarketData` and pass `data: { streams }`.
 */
import { ArgumentError } from "../errors";
import type { BookChangeFrame, TradeFrame } from "../data/schemas";
import type { BacktestRaw, Strategy } from "./types";
import { prepareMarketData, type MarketDataOptions, type MarketStreams } from "./data";
import { runEngine } from "./engine";
import type { QueueModel } from "./queue";
import type { LatencyModel } from "./latency";
import type { FeeModel } from "./fees";
import { computeBacktestMetrics, type BacktestDecomposition, type BacktestMetrics, type BacktestMetricsOptions } from "./metrics";

/** The exchange model of a run: one model per part, plus the crossing rule. */
export interface ExchangeModelConfig {
  /** Queue position of resting orders (queue.ts: riskAverseQueue(), powerProbQueue(n), logProbQueue()). */
  queueModel: QueueModel;
  /** Order-entry / response latency and market-data shift (latency.ts: constantLatency, logNormalLatency). */
  latency: LatencyModel;
  /** Maker / taker fees (fees.ts: bpsFees, perFillFees, noFees). */
  fees: FeeModel;
  /** Fill resting orders when the book crosses them (exchange.ts rule (b)); default true. */
  crossFills?: boolean;
}

/** Market data of a run: frames (prepared here) or streams prepared once with `prepareMarketData`. */
export type BacktestData =
  | ({ depth: BookChangeFrame; trades: TradeFrame; tickSize?: number; lotSize?: number } & Pick<MarketDataOptions, "clock" | "minFeedLatencyUs">)
  | { streams: MarketStreams };

/** Options of `runBacktest`. */
export interface RunBacktestOptions {
  data: BacktestData;
  strategy: Strategy;
  exchange: ExchangeModelConfig;
  /** Seed of every random part (latency draws); the same seed gives bit-identical results. */
  seed: number;
  /** At most one sample per this many µs (default: one per strategy call). */
  sampleIntervalUs?: number;
  /** Local-clock window, µs (default: the whole data). Events before startUs only build the books. */
  startUs?: number;
  endUs?: number;
  /** Options of `computeBacktestMetrics` (horizons, annualization, position limit). */
  metrics?: BacktestMetricsOptions;
  /** Progress callback (events done, events total), called about every million events. */
  onProgress?: (done: number, total: number) => void;
}

/** What `runBacktest` returns: the raw result plus metrics, decomposition and a description of the run. */
export interface BacktestResult extends BacktestRaw {
  metrics: BacktestMetrics;
  /** Same object as `metrics.decomposition`: spread capture, inventory PnL, fees (quote currency). */
  decomposition: BacktestDecomposition;
  /** Equity and position per sample (the `samples` columns, for convenience). */
  equity: Float64Array;
  positions: Float64Array;
  /** Models used and data facts (tick, lot, clock shift, repairs made while preparing). */
  config: {
    queueModel: string;
    latency: string;
    fees: string;
    crossFills: boolean;
    seed: number;
    tickSize: number;
    lotSize: number;
    clockShiftUs: number;
    dataIssues: MarketStreams["issues"];
  };
}

/**
 * Runs a tick-level market-making backtest (module comment): data → engine (two clocks, exchange model with queue,
 * latency and fees) → `computeBacktestMetrics`. Returns the BacktestRaw (fills, samples, order counts, market mids,
 * stats, final state) with `metrics`, `decomposition`, `equity`, `positions` and `config`. Deterministic for a given
 * data set, configuration and seed (apart from the timings in `stats`).
 */
export function runBacktest(opts: RunBacktestOptions): BacktestResult {
  if (!opts || typeof opts !== "object") throw new ArgumentError(`runBacktest needs an options object`, { file: "RunBacktestOptions", field: "opts" });
  const { data, strategy, exchange, seed } = opts;
  if (!data) throw new ArgumentError(`runBacktest: data is required`, { file: "RunBacktestOptions", field: "data" });
  if (!strategy || typeof strategy.onTick !== "function") throw new ArgumentError(`runBacktest: strategy with onTick() is required`, { file: "RunBacktestOptions", field: "strategy" });
  if (!exchange || !exchange.queueModel || !exchange.latency || !exchange.fees) {
    throw new ArgumentError(`runBacktest: exchange needs queueModel, latency and fees`, { file: "RunBacktestOptions", field: "exchange" });
  }
  if (typeof seed !== "number" || !Number.isFinite(seed)) throw new ArgumentError(`runBacktest: seed must be a finite number, got ${seed}`, { file: "RunBacktestOptions", field: "seed" });
  const streams =
    "streams" in data
      ? data.streams
      : prepareMarketData(data.depth, data.trades, { tickSize: data.tickSize, lotSize: data.lotSize, clock: data.clock, minFeedLatencyUs: data.minFeedLatencyUs });
  const crossFills = exchange.crossFills ?? true;
  const raw = runEngine({
    streams,
    strategy,
    queueModel: exchange.queueModel,
    latency: exchange.latency,
    fees: exchange.fees,
    crossFills,
    seed,
    startUs: opts.startUs,
    endUs: opts.endUs,
    sampleIntervalUs: opts.sampleIntervalUs,
    onProgress: opts.onProgress,
  });
  const metrics = computeBacktestMetrics(raw, opts.metrics);
  return {
    ...raw,
    metrics,
    decomposition: metrics.decomposition,
    equity: raw.samples.columns.equity,
    positions: raw.samples.columns.position,
    config: {
      queueModel: exchange.queueModel.name,
      latency: exchange.latency.name,
      fees: exchange.fees.name,
      crossFills,
      seed,
      tickSize: streams.tickSize,
      lotSize: streams.lotSize,
      clockShiftUs: streams.clockShiftUs,
      dataIssues: streams.issues,
    },
  };
}
