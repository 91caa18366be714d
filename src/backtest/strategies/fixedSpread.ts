/**
 * Fixed-spread market making: a bid and an ask at a constant distance h from the mid, bid = mid − h, ask = mid + h
 * (bid rounded down and ask rounded up to the tick, so the quoted half-spread is ≥ h), one size on each side.
 * The baseline every other strategy is compared with. h is given explicitly either in price units (`halfSpread`,
 * quote currency) or in basis points of the mid (`halfSpreadBps`, h = mid·bps/10⁴).
 */
import type { Strategy, StrategyContext, StrategySchedule } from "../types";
import { ArgumentError } from "../../errors";
import { placeQuotes, positiveOption, readPriceOrBps, readSchedule, specToPrice } from "../guards";

/** Options of `fixedSpreadStrategy`. */
export interface FixedSpreadOptions {
  /** Half-spread h, price units (give this or halfSpreadBps). */
  halfSpread?: number;
  /** Half-spread h, basis points of the mid. */
  halfSpreadBps?: number;
  /** Quote size on each side, base units (> 0). */
  size: number;
  /** Optional position cap, base units: at the cap only the reducing side is quoted (`placeQuotes`). */
  maxPosition?: number;
  /** When the engine calls the strategy; default every 100 ms. */
  schedule?: StrategySchedule;
  /** Keep quotes from crossing the book (default true, see `placeQuotes`). */
  clipToBook?: boolean;
  /** Strategy name; default "fixed(<h>)". */
  name?: string;
}

/**
 * Fixed spread around the mid: bid = mid − h, ask = mid + h, rounded outward to the tick; `size` each side; no quote
 * while the mid is unknown (an empty book side). Stateless, so trivially deterministic.
 */
export function fixedSpreadStrategy(opts: FixedSpreadOptions): Strategy {
  const fn = "fixedSpreadStrategy";
  const h = readPriceOrBps(opts as unknown as Record<string, unknown>, "halfSpread", true, fn)!;
  const size = positiveOption(opts.size, NaN, "size", fn);
  if (size !== size) throw new ArgumentError(`${fn}: size (base units per quote) is required`, { field: "size" });
  const maxPosition = opts.maxPosition === undefined ? undefined : positiveOption(opts.maxPosition, NaN, "maxPosition", fn);
  const schedule = readSchedule(opts.schedule, fn);
  const place = { maxPosition, clipToBook: opts.clipToBook };
  return {
    name: opts.name ?? `fixed(${h.price === h.price ? h.price : h.bps + "bps"})`,
    schedule,
    onTick(ctx: StrategyContext): void {
      const mid = ctx.book.mid();
      if (!(mid === mid)) {
        ctx.quote(NaN, 0, NaN, 0);
        return;
      }
      const half = specToPrice(h, mid);
      placeQuotes(ctx, mid - half, size, mid + half, size, place);
    },
  };
}
