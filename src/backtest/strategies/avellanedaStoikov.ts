/**
 * Avellaneda-Stoikov (2008) market making, rolling-horizon form, with σ, A and k calibrated online.
 *
 * At each call, with s the mid, q = position / size (inventory in **lots**, the order size), H = `horizonSec`:
 *
 *     r = s − q·γ·σ²·H,    spread = γ·σ²·H + (2/γ)·ln(1 + γ/k),    bid = r − spread/2,   ask = r + spread/2
 *
 * (`avellanedaStoikovRollingQuotes`, Avellaneda & Stoikov 2008 eqs. 29–30 with T − t replaced by the fixed horizon H,
 * the practitioners' stationary variant). A long inventory lowers both quotes (skew); the spread does not depend on q.
 * Units: time in seconds; σ in price/√s (trailing, `OnlineCalibrator`); k in 1/price (trailing intensity fit; A does
 * not enter the quotes but is calibrated and reported); γ in 1/(price·lot). Quotes are rounded outward to the tick and
 * kept from crossing the book (`placeQuotes`). No quote until σ and k are known (estimated, or from the prior).
 */
import type { Strategy, StrategyContext, StrategySchedule } from "../types";
import { ArgumentError } from "../../errors";
import { avellanedaStoikovRollingQuotes } from "../../inventory/avellanedaStoikov";
import { placeQuotes, positiveOption, readSchedule } from "../guards";
import { OnlineCalibrator, type OnlineCalibrationOptions, type OnlineParams } from "../online";

/** Options of `avellanedaStoikovStrategy`. */
export interface AvellanedaStoikovStrategyOptions {
  /** Risk aversion γ > 0, 1/(price·lot). */
  gamma: number;
  /** Rolling horizon H, seconds (≥ 0; 0 gives the horizon-free spread (2/γ)ln(1 + γ/k) with no skew). */
  horizonSec: number;
  /** Order size = one lot of inventory, base units (> 0). */
  size: number;
  /** Optional position cap, base units (`placeQuotes`). */
  maxPosition?: number;
  /** Online calibration of σ, A, k (windows, recalibration period, priors). */
  calibration?: OnlineCalibrationOptions;
  schedule?: StrategySchedule;
  clipToBook?: boolean;
  name?: string;
}

/** An A-S strategy with its calibration exposed. */
export interface ModelStrategy extends Strategy {
  /** A copy of the current calibrated parameters. */
  params(): OnlineParams;
  /** The calibrator (its trailing estimators and counters). */
  readonly calibrator: OnlineCalibrator;
  /** Calls on which no quote was made because the parameters were not known yet. */
  notReadyCalls(): number;
}

/** Avellaneda-Stoikov rolling-horizon quotes with online (σ, A, k) and inventory skew (module comment). */
export function avellanedaStoikovStrategy(opts: AvellanedaStoikovStrategyOptions): ModelStrategy {
  const fn = "avellanedaStoikovStrategy";
  const gamma = positiveOption(opts.gamma, NaN, "gamma", fn);
  const horizon = positiveOption(opts.horizonSec, NaN, "horizonSec", fn, true);
  const size = positiveOption(opts.size, NaN, "size", fn);
  for (const [v, f] of [[gamma, "gamma"], [horizon, "horizonSec"], [size, "size"]] as const) {
    if (v !== v) throw new ArgumentError(`${fn}: ${f} is required`, { field: f });
  }
  const maxPosition = opts.maxPosition === undefined ? undefined : positiveOption(opts.maxPosition, NaN, "maxPosition", fn);
  const cal = new OnlineCalibrator(opts.calibration ?? {});
  const schedule = readSchedule(opts.schedule, fn);
  const place = { maxPosition, clipToBook: opts.clipToBook };
  let notReady = 0;
  return {
    name: opts.name ?? `AS(gamma=${gamma},H=${horizon}s)`,
    schedule,
    calibrator: cal,
    onStart(): void {
      cal.reset();
      notReady = 0;
    },
    onTick(ctx: StrategyContext): void {
      const p = cal.update(ctx);
      const mid = ctx.book.mid();
      if (!(mid === mid) || !(p.sigma === p.sigma) || !(p.k === p.k)) {
        if (mid === mid) notReady++;
        ctx.quote(NaN, 0, NaN, 0);
        return;
      }
      const r = avellanedaStoikovRollingQuotes({ s: mid, q: ctx.position / size, horizon, gamma, sigma: p.sigma, k: p.k });
      placeQuotes(ctx, r.bid, size, r.ask, size, place);
    },
    params: () => ({ ...cal.params }),
    notReadyCalls: () => notReady,
  };
}
