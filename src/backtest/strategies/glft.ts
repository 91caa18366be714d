/**
 * Guéant-Lehalle-Fernandez-Tapia (2013) market making, closed-form T → ∞ quotes, with σ, A and k calibrated online.
 *
 * With q = position / size (inventory in **lots**) and the GLFT constants (`glftCoefficients`, drift and impact 0)
 *
 *     c₁ = (1/γ)·ln(1 + γ/k),     c₂ = sqrt( σ²γ/(2kA) · (1 + γ/k)^(1 + k/γ) ),
 *     δᵇ = c₁ + c₂·(q + ½),       δᵃ = c₁ − c₂·(q − ½),        bid = s − δᵇ,   ask = s + δᵃ
 *
 * (GLFT 2013 §4: spread 2c₁ + c₂, skew c₂·q; symmetric: δᵇ(q) = δᵃ(−q)). Units: time in seconds, σ price/√s, A 1/s
 * per side, k 1/price, γ 1/(price·lot); s the mid. The constants are recomputed only when the calibration changes
 * (every `recalibrateSec`), so a call costs a few flops. With `maxPosition` (Q = maxPosition/size lots) the side that
 * would breach the bound is not quoted (`placeQuotes` cuts its size), as GLFT's bounded-inventory quotes.
 * No quote until σ, A and k are known (estimated, or from the prior).
 */
import type { StrategyContext, StrategySchedule } from "../types";
import { ArgumentError } from "../../errors";
import { glftCoefficients, type GlftCoefficients } from "../../inventory/glft";
import { placeQuotes, positiveOption, readSchedule } from "../guards";
import { OnlineCalibrator, type OnlineCalibrationOptions } from "../online";
import type { ModelStrategy } from "./avellanedaStoikov";

/** Options of `glftStrategy`. */
export interface GlftStrategyOptions {
  /** Risk aversion γ > 0, 1/(price·lot). */
  gamma: number;
  /** Order size = one lot, base units (> 0). */
  size: number;
  /** Optional position cap, base units. */
  maxPosition?: number;
  /** Online calibration of σ, A, k. */
  calibration?: OnlineCalibrationOptions;
  schedule?: StrategySchedule;
  clipToBook?: boolean;
  name?: string;
}

/** A GLFT strategy: the model strategy interface plus the constants in use. */
export interface GlftStrategy extends ModelStrategy {
  /** The GLFT constants of the current calibration (undefined before the first). */
  coefficients(): GlftCoefficients | undefined;
}

/** GLFT closed-form quotes with online (σ, A, k) and inventory skew (module comment). */
export function glftStrategy(opts: GlftStrategyOptions): GlftStrategy {
  const fn = "glftStrategy";
  const gamma = positiveOption(opts.gamma, NaN, "gamma", fn);
  const size = positiveOption(opts.size, NaN, "size", fn);
  for (const [v, f] of [[gamma, "gamma"], [size, "size"]] as const) {
    if (v !== v) throw new ArgumentError(`${fn}: ${f} is required`, { field: f });
  }
  const maxPosition = opts.maxPosition === undefined ? undefined : positiveOption(opts.maxPosition, NaN, "maxPosition", fn);
  const cal = new OnlineCalibrator(opts.calibration ?? {});
  const schedule = readSchedule(opts.schedule, fn);
  const place = { maxPosition, clipToBook: opts.clipToBook };
  let coef: GlftCoefficients | undefined;
  let coefVersion = -1;
  let notReady = 0;
  return {
    name: opts.name ?? `GLFT(gamma=${gamma})`,
    schedule,
    calibrator: cal,
    onStart(): void {
      cal.reset();
      coef = undefined;
      coefVersion = -1;
      notReady = 0;
    },
    onTick(ctx: StrategyContext): void {
      const p = cal.update(ctx);
      const mid = ctx.book.mid();
      if (!(mid === mid) || !cal.ready) {
        if (mid === mid) notReady++;
        ctx.quote(NaN, 0, NaN, 0);
        return;
      }
      if (coefVersion !== p.version || coef === undefined) {
        coef = glftCoefficients({ gamma, sigma: p.sigma, A: p.A, k: p.k });
        coefVersion = p.version;
      }
      const q = ctx.position / size;
      const bidDepth = coef.c1 + coef.c2 * (q + 0.5);
      const askDepth = coef.c1 - coef.c2 * (q - 0.5);
      placeQuotes(ctx, mid - bidDepth, size, mid + askDepth, size, place);
    },
    params: () => ({ ...cal.params }),
    coefficients: () => (coef === undefined ? undefined : { ...coef }),
    notReadyCalls: () => notReady,
  };
}
