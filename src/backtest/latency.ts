/**
 * Latency models of the backtest (as hftbacktest's ConstantLatency / IntpOrderLatency split them):
 * - order-entry latency: local → exchange. An order or cancel sent at local time t reaches the exchange at
 *   t + entryUs(t) (exchange clock);
 * - response latency: exchange → local. An acknowledgement, fill or cancel report leaving the exchange at exchange
 *   time x reaches the strategy at x + responseUs(x) (local clock);
 * - market-data latency is **not** modelled here: it is what the data's own receive times say (`localTimestamp` −
 *   `timestamp`, after the clock alignment of data.ts), plus `marketDataShiftUs` (≥ 0) added to every receive time
 *   (to ask "what if our feed were 2 ms slower?").
 * Messages on each path stay in order (one connection): the engine delivers a message no earlier than the one sent
 * before it on the same path (arrival = max(sent + latency, previous arrival)), so a cancel never overtakes its order.
 * Random models draw from their own seeded streams (src/frame/rng.ts), entry and response independently, so the
 * same seed gives bit-identical latencies.
 */
import { ArgumentError } from "../errors";
import { createRng, deriveSeed, type Rng } from "../frame/rng";

/** A latency model (µs). The engine calls `reset(seed)` once before every run. */
export interface LatencyModel {
  /** Short description for tables, e.g. "constant 5 ms / 5 ms". */
  readonly name: string;
  /** Extra delay added to every market-data receive time, µs (≥ 0; 0 = the data's own receive times). */
  readonly marketDataShiftUs: number;
  /** Restarts the random streams from `seed` (the run's seed; a model's own `seed` option takes precedence). */
  reset(seed: number): void;
  /** Order-entry latency of a message sent at local time `localUs`, µs ≥ 0. */
  entryUs(localUs: number): number;
  /** Response latency of a message leaving the exchange at exchange time `exchangeUs`, µs ≥ 0. */
  responseUs(exchangeUs: number): number;
}

function nonNeg(x: number, field: string): void {
  if (typeof x !== "number" || !(x >= 0) || x === Infinity) throw new ArgumentError(`${field} must be a finite number >= 0 (µs), got ${x}`, { field });
}

/**
 * Constant latencies: every order/cancel takes `entryUs` to reach the exchange and every report `responseUs` to come
 * back. Defaults: responseUs = entryUs, marketDataShiftUs = 0.
 * Example: constantLatency({ entryUs: 5000 }) is a 5 ms each-way order path (10 ms round trip).
 */
export function constantLatency(opts: { entryUs: number; responseUs?: number; marketDataShiftUs?: number }): LatencyModel {
  const entry = opts.entryUs;
  const resp = opts.responseUs ?? entry;
  const shift = opts.marketDataShiftUs ?? 0;
  nonNeg(entry, "entryUs");
  nonNeg(resp, "responseUs");
  nonNeg(shift, "marketDataShiftUs");
  return {
    name: `constant ${entry / 1000} ms / ${resp / 1000} ms`,
    marketDataShiftUs: shift,
    reset: () => undefined,
    entryUs: () => entry,
    responseUs: () => resp,
  };
}

/** Options of `logNormalLatency`. */
export interface LogNormalLatencyOptions {
  /** Median order-entry latency, µs (> 0). */
  entryMedianUs: number;
  /** Median response latency, µs (> 0); default entryMedianUs. */
  responseMedianUs?: number;
  /** σ of log latency (≥ 0), both paths; default 0.5 (the 95th percentile is e^{1.645σ} ≈ 2.3× the median). */
  sigma?: number;
  /** Clamp bounds, µs: default 0 and Infinity. */
  minUs?: number;
  maxUs?: number;
  /** Own seed: when given, the draws ignore the run's seed (hold latency fixed while other randomness varies). */
  seed?: number;
  /** Extra market-data delay, µs (default 0). */
  marketDataShiftUs?: number;
}

/**
 * Log-normal latencies: L = median·exp(σ·Z), Z ~ N(0, 1), clamped to [minUs, maxUs], drawn per message from two
 * independent seeded streams (entry: deriveSeed(seed, 1), response: deriveSeed(seed, 2)). Log-normal round-trip
 * times are the usual description of exchange gateway latency (heavy right tail).
 */
export function logNormalLatency(opts: LogNormalLatencyOptions): LatencyModel {
  const em = opts.entryMedianUs;
  const rm = opts.responseMedianUs ?? em;
  const sigma = opts.sigma ?? 0.5;
  const lo = opts.minUs ?? 0;
  const hi = opts.maxUs ?? Infinity;
  const shift = opts.marketDataShiftUs ?? 0;
  if (!(em > 0) || em === Infinity) throw new ArgumentError(`entryMedianUs must be a finite number > 0, got ${em}`, { field: "entryMedianUs" });
  if (!(rm > 0) || rm === Infinity) throw new ArgumentError(`responseMedianUs must be a finite number > 0, got ${rm}`, { field: "responseMedianUs" });
  nonNeg(sigma, "sigma");
  nonNeg(lo, "minUs");
  if (!(hi >= lo)) throw new ArgumentError(`maxUs must be >= minUs, got ${hi}`, { field: "maxUs" });
  nonNeg(shift, "marketDataShiftUs");
  if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new ArgumentError(`seed must be finite, got ${opts.seed}`, { field: "seed" });
  let eRng: Rng = createRng(deriveSeed(opts.seed ?? 0, 1));
  let rRng: Rng = createRng(deriveSeed(opts.seed ?? 0, 2));
  const draw = (r: Rng, m: number): number => {
    const x = m * Math.exp(sigma * r.normal());
    return x < lo ? lo : x > hi ? hi : x;
  };
  return {
    name: `log-normal median ${em / 1000} ms / ${rm / 1000} ms, σ ${sigma}`,
    marketDataShiftUs: shift,
    reset(seed: number) {
      const s = opts.seed ?? seed;
      eRng = createRng(deriveSeed(s, 1));
      rRng = createRng(deriveSeed(s, 2));
    },
    entryUs: () => draw(eRng, em),
    responseUs: () => draw(rRng, rm),
  };
}
