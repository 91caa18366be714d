/**
 * Volatility-adaptive spread: the half-spread follows the trailing realized volatility of the mid,
 *
 *     h = min( hmax, max( hmin, c·σ̂·√τ ) )
 *
 * with σ̂ the trailing mid volatility in price/√s (`TrailingVolatility`: previous-tick grid of `sampleSec`, window
 * `windowSec`, both explicit), τ a holding horizon in seconds (σ̂·√τ is the typical mid move over τ, price units) and
 * c a dimensionless multiplier. hmin and hmax are in price units or bps of the mid. Until σ̂ is available (fewer than
 * `minIncrements` grid increments) the strategy quotes at hmax, the conservative end. bid = mid − h, ask = mid + h,
 * rounded outward to the tick.
 */
import type { Strategy, StrategyContext, StrategySchedule } from "../types";
import { ArgumentError } from "../../errors";
import { placeQuotes, positiveOption, readPriceOrBps, readSchedule, specToPrice } from "../guards";
import { TrailingVolatility } from "../online";

/** Options of `volAdaptiveStrategy`. */
export interface VolAdaptiveOptions {
  /** Quote size each side, base units (> 0). */
  size: number;
  /** Multiplier c (> 0, dimensionless). Default 1. */
  c?: number;
  /** Horizon τ, seconds (> 0). Default 1. */
  tauSec?: number;
  /** Trailing window of σ̂, seconds. Default 300. */
  windowSec?: number;
  /** Sampling step of σ̂, seconds. Default 1. */
  sampleSec?: number;
  /** Grid increments before σ̂ is used. Default 30. */
  minIncrements?: number;
  /** Floor hmin: price units, or bps of the mid (give one). */
  minHalfSpread?: number;
  minHalfSpreadBps?: number;
  /** Cap hmax: price units, or bps of the mid (give one; ≥ hmin). */
  maxHalfSpread?: number;
  maxHalfSpreadBps?: number;
  /** Optional position cap, base units. */
  maxPosition?: number;
  schedule?: StrategySchedule;
  clipToBook?: boolean;
  name?: string;
}

/** A volatility-adaptive strategy, with its current σ̂ and half-spread for inspection. */
export interface VolAdaptiveStrategy extends Strategy {
  /** σ̂ (price/√s) at the last call, NaN during warm-up. */
  sigma(): number;
  /** Half-spread h (price) at the last call. */
  halfSpread(): number;
}

/** Volatility-adaptive half-spread h = clamp(c·σ̂·√τ, hmin, hmax) around the mid (module comment). */
export function volAdaptiveStrategy(opts: VolAdaptiveOptions): VolAdaptiveStrategy {
  const fn = "volAdaptiveStrategy";
  const o = opts as unknown as Record<string, unknown>;
  const hmin = readPriceOrBps(o, "minHalfSpread", true, fn)!;
  const hmax = readPriceOrBps(o, "maxHalfSpread", true, fn, false)!;
  const size = positiveOption(opts.size, NaN, "size", fn);
  if (size !== size) throw new ArgumentError(`${fn}: size (base units per quote) is required`, { field: "size" });
  const c = positiveOption(opts.c, 1, "c", fn);
  const tau = positiveOption(opts.tauSec, 1, "tauSec", fn);
  const sqrtTau = Math.sqrt(tau);
  const maxPosition = opts.maxPosition === undefined ? undefined : positiveOption(opts.maxPosition, NaN, "maxPosition", fn);
  const vol = new TrailingVolatility({ windowSec: opts.windowSec, sampleSec: opts.sampleSec, minIncrements: opts.minIncrements });
  const schedule = readSchedule(opts.schedule, fn);
  const place = { maxPosition, clipToBook: opts.clipToBook };
  let lastSigma = NaN;
  let lastHalf = NaN;
  return {
    name: opts.name ?? `volAdaptive(c=${c},tau=${tau}s)`,
    schedule,
    onStart(): void {
      vol.reset();
      lastSigma = NaN;
      lastHalf = NaN;
    },
    onTick(ctx: StrategyContext): void {
      vol.update(ctx.mids, ctx.now);
      const mid = ctx.book.mid();
      if (!(mid === mid)) {
        ctx.quote(NaN, 0, NaN, 0);
        return;
      }
      const lo = specToPrice(hmin, mid);
      const hi = specToPrice(hmax, mid);
      if (hi < lo) throw new ArgumentError(`${fn}: the maximum half-spread (${hi}) is below the minimum (${lo}) at mid ${mid}`, { field: "maxHalfSpread" });
      const s = vol.sigma;
      lastSigma = s;
      const h = s === s ? Math.min(hi, Math.max(lo, c * s * sqrtTau)) : hi;
      lastHalf = h;
      placeQuotes(ctx, mid - h, size, mid + h, size, place);
    },
    sigma: () => lastSigma,
    halfSpread: () => lastHalf,
  };
}
