/**
 * Regime spread: a base half-spread scaled by three bounded factors,
 *
 *     h = clamp( h₀ · f_vol · f_inv · f_depth,  hmin, hmax ),   centre = mid − skew·h·clamp(q/Q, −1, 1)
 *     bid = centre − h,  ask = centre + h   (rounded outward to the tick)
 *
 * - **Volatility regime** f_vol: ρ = σ̂_short / σ̂_long, two trailing mid volatilities (`TrailingVolatility`, windows
 *   `shortWindowSec` and `longWindowSec`, same sampling step): regime "low" when ρ < lowRatio (f_vol = lowFactor),
 *   "high" when ρ > highRatio (f_vol = highFactor), "normal" otherwise (f_vol = 1), and "normal" until both σ̂ exist.
 *   Bounded: f_vol ∈ {lowFactor, 1, highFactor}.
 * - **Inventory risk** f_inv = 1 + inventoryWeight · min(|q|/Q, 1), with q the position and Q = maxPosition (base
 *   units): 1 when flat, 1 + inventoryWeight at the cap. Bounded: f_inv ∈ [1, 1 + inventoryWeight]. The optional skew
 *   moves both quotes against the inventory (down when long) by at most skew·h.
 * - **Book depth** f_depth = clamp( (D̄/D)^depthExponent, 1, maxDepthFactor ), D = the mean over the two sides of the
 *   summed size of the best `depthLevels` levels, D̄ its reference: `refDepth` if given, else a time-decayed average of
 *   D over the previous calls (half-life `depthHalfLifeSec`; weight 1 − 2^(−Δt/halfLife) on each new observation,
 *   updated after the factor is computed so D̄ holds past calls only). A thin book (D < D̄) widens the quotes; a thick one
 *   never narrows them. Bounded: f_depth ∈ [1, maxDepthFactor]; an empty book side gives maxDepthFactor.
 * Every input is explicit; the defaults are listed with each option.
 */
import type { Strategy, StrategyContext, StrategySchedule } from "../types";
import { ArgumentError } from "../../errors";
import { placeQuotes, positiveOption, readPriceOrBps, readSchedule, specToPrice, type HalfSpreadSpec } from "../guards";
import { TrailingVolatility } from "../online";

/** Options of `regimeStrategy`. */
export interface RegimeOptions {
  /** Quote size each side, base units (> 0). */
  size: number;
  /** Base half-spread h₀, price units or bps of the mid (give one). */
  baseHalfSpread?: number;
  baseHalfSpreadBps?: number;
  /** Position cap Q, base units (> 0): scales the inventory factor and caps the position (`placeQuotes`). */
  maxPosition: number;
  /** Short and long σ̂ windows, seconds (default 60 and 1800; long > short), sampling step (default 1 s), increments needed (default 30). */
  shortWindowSec?: number;
  longWindowSec?: number;
  sampleSec?: number;
  minIncrements?: number;
  /** ρ thresholds (default 0.75 and 1.5; lowRatio < highRatio) and regime factors (default 0.75 and 2; lowFactor ≤ 1 ≤ highFactor). */
  lowRatio?: number;
  highRatio?: number;
  lowFactor?: number;
  highFactor?: number;
  /** f_inv slope (≥ 0, default 1). */
  inventoryWeight?: number;
  /** Skew of the quote centre, fraction of h at the cap (in [0, 1], default 0.5). */
  skew?: number;
  /** Levels per side in D (integer ≥ 1, default 1 = top of book). */
  depthLevels?: number;
  /** Fixed reference depth D̄ (base units per side); default a trailing average. */
  refDepth?: number;
  /** Half-life of the trailing D̄, seconds (default 300). */
  depthHalfLifeSec?: number;
  /** Exponent of D̄/D (> 0, default 0.5) and the cap of f_depth (≥ 1, default 3). */
  depthExponent?: number;
  maxDepthFactor?: number;
  /** Optional floor and cap of h, price units or bps. */
  minHalfSpread?: number;
  minHalfSpreadBps?: number;
  maxHalfSpread?: number;
  maxHalfSpreadBps?: number;
  schedule?: StrategySchedule;
  clipToBook?: boolean;
  name?: string;
}

/** Volatility regime. */
export type VolRegime = "low" | "normal" | "high";

/** The factors of the last call. */
export interface RegimeState {
  regime: VolRegime;
  sigmaShort: number;
  sigmaLong: number;
  volFactor: number;
  inventoryFactor: number;
  depthFactor: number;
  /** D at the last call and the reference D̄ it was compared with. */
  depth: number;
  refDepth: number;
  halfSpread: number;
  /** Centre shift (price; negative when long). */
  centreShift: number;
}

/** A regime strategy, with the factors of its last call. */
export interface RegimeStrategy extends Strategy {
  state(): RegimeState;
}

/** Regime spread: h₀ × volatility regime × inventory risk × book depth, each factor bounded (module comment). */
export function regimeStrategy(opts: RegimeOptions): RegimeStrategy {
  const fn = "regimeStrategy";
  const o = opts as unknown as Record<string, unknown>;
  const base = readPriceOrBps(o, "baseHalfSpread", true, fn, false)!;
  const hmin: HalfSpreadSpec | undefined = readPriceOrBps(o, "minHalfSpread", false, fn);
  const hmax: HalfSpreadSpec | undefined = readPriceOrBps(o, "maxHalfSpread", false, fn, false);
  const size = positiveOption(opts.size, NaN, "size", fn);
  if (size !== size) throw new ArgumentError(`${fn}: size (base units per quote) is required`, { field: "size" });
  const cap = positiveOption(opts.maxPosition, NaN, "maxPosition", fn);
  if (cap !== cap) throw new ArgumentError(`${fn}: maxPosition (base units) is required: it scales the inventory factor`, { field: "maxPosition" });
  const shortW = positiveOption(opts.shortWindowSec, 60, "shortWindowSec", fn);
  const longW = positiveOption(opts.longWindowSec, 1800, "longWindowSec", fn);
  if (!(longW > shortW)) throw new ArgumentError(`${fn}: longWindowSec (${longW}) must exceed shortWindowSec (${shortW})`, { field: "longWindowSec" });
  const lowRatio = positiveOption(opts.lowRatio, 0.75, "lowRatio", fn);
  const highRatio = positiveOption(opts.highRatio, 1.5, "highRatio", fn);
  if (!(lowRatio < highRatio)) throw new ArgumentError(`${fn}: lowRatio (${lowRatio}) must be below highRatio (${highRatio})`, { field: "lowRatio" });
  const lowFactor = positiveOption(opts.lowFactor, 0.75, "lowFactor", fn);
  const highFactor = positiveOption(opts.highFactor, 2, "highFactor", fn);
  if (!(lowFactor <= 1 && highFactor >= 1)) throw new ArgumentError(`${fn}: need lowFactor <= 1 <= highFactor, got ${lowFactor}, ${highFactor}`, { field: "lowFactor" });
  const invW = positiveOption(opts.inventoryWeight, 1, "inventoryWeight", fn, true);
  const skew = positiveOption(opts.skew, 0.5, "skew", fn, true);
  if (skew > 1) throw new ArgumentError(`${fn}: skew must be in [0, 1], got ${skew}`, { field: "skew" });
  const levels = opts.depthLevels ?? 1;
  if (!Number.isInteger(levels) || levels < 1) throw new ArgumentError(`${fn}: depthLevels must be an integer >= 1, got ${levels}`, { field: "depthLevels" });
  const refFixed = opts.refDepth === undefined ? NaN : positiveOption(opts.refDepth, NaN, "refDepth", fn);
  const halfLifeUs = positiveOption(opts.depthHalfLifeSec, 300, "depthHalfLifeSec", fn) * 1e6;
  const expo = positiveOption(opts.depthExponent, 0.5, "depthExponent", fn);
  const maxDf = positiveOption(opts.maxDepthFactor, 3, "maxDepthFactor", fn);
  if (maxDf < 1) throw new ArgumentError(`${fn}: maxDepthFactor must be >= 1, got ${maxDf}`, { field: "maxDepthFactor" });
  const sampleSec = opts.sampleSec;
  const volS = new TrailingVolatility({ windowSec: shortW, sampleSec, minIncrements: opts.minIncrements });
  const volL = new TrailingVolatility({ windowSec: longW, sampleSec, minIncrements: opts.minIncrements });
  const schedule = readSchedule(opts.schedule, fn);
  const place = { maxPosition: cap, clipToBook: opts.clipToBook };

  let ref = NaN;
  let refTime = NaN;
  const st: RegimeState = { regime: "normal", sigmaShort: NaN, sigmaLong: NaN, volFactor: 1, inventoryFactor: 1, depthFactor: 1, depth: NaN, refDepth: NaN, halfSpread: NaN, centreShift: 0 };

  return {
    name: opts.name ?? "regime",
    schedule,
    onStart(): void {
      volS.reset();
      volL.reset();
      ref = NaN;
      refTime = NaN;
      Object.assign(st, { regime: "normal", sigmaShort: NaN, sigmaLong: NaN, volFactor: 1, inventoryFactor: 1, depthFactor: 1, depth: NaN, refDepth: NaN, halfSpread: NaN, centreShift: 0 });
    },
    onTick(ctx: StrategyContext): void {
      const now = ctx.now;
      volS.update(ctx.mids, now);
      volL.update(ctx.mids, now);
      const mid = ctx.book.mid();
      if (!(mid === mid)) {
        ctx.quote(NaN, 0, NaN, 0);
        return;
      }
      // volatility regime
      const ss = volS.sigma;
      const sl = volL.sigma;
      st.sigmaShort = ss;
      st.sigmaLong = sl;
      let regime: VolRegime = "normal";
      if (ss === ss && sl > 0) {
        const rho = ss / sl;
        regime = rho < lowRatio ? "low" : rho > highRatio ? "high" : "normal";
      }
      st.regime = regime;
      const fv = regime === "low" ? lowFactor : regime === "high" ? highFactor : 1;
      // inventory risk
      const qr = ctx.position / cap;
      const fi = 1 + invW * Math.min(Math.abs(qr), 1);
      // book depth
      const d = 0.5 * (ctx.book.depth(1, levels) + ctx.book.depth(-1, levels));
      const r = refFixed === refFixed ? refFixed : ref === ref ? ref : d;
      let fd: number;
      if (!(d > 0)) fd = maxDf;
      else if (!(r > 0)) fd = 1;
      else fd = Math.min(maxDf, Math.max(1, Math.pow(r / d, expo)));
      st.depth = d;
      st.refDepth = r;
      if (d > 0 && d !== Infinity) {
        if (ref !== ref) ref = d;
        else {
          const w = 1 - Math.pow(2, -(now - refTime) / halfLifeUs);
          ref += w * (d - ref);
        }
        refTime = now;
      }
      let h = specToPrice(base, mid) * fv * fi * fd;
      if (hmin !== undefined) h = Math.max(h, specToPrice(hmin, mid));
      if (hmax !== undefined) h = Math.min(h, specToPrice(hmax, mid));
      const shift = -skew * h * Math.max(-1, Math.min(1, qr));
      st.volFactor = fv;
      st.inventoryFactor = fi;
      st.depthFactor = fd;
      st.halfSpread = h;
      st.centreShift = shift;
      placeQuotes(ctx, mid + shift - h, size, mid + shift + h, size, place);
    },
    state: () => ({ ...st }),
  };
}
