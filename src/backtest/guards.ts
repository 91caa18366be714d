/**
 * Quote sanitation shared by every strategy (tick rounding, no crossing of the book, the position cap) and the risk
 * guards that can wrap any strategy (`withRiskGuards`).
 *
 * Units: prices in quote currency, amounts and positions in base units, money in quote currency, time in epoch µs
 * (local clock, as `StrategyContext.now`). Sides +1 bid / −1 ask (types.ts).
 *
 * The guards wrap a strategy without its knowledge: the wrapped strategy sees a context whose `quote` and `submit` go
 * through the guards first; everything else (book, tapes, position, orders) is the engine's context unchanged. Each
 * guard counts how many times it acted (`guardStats()`). Deterministic: no randomness, no wall clock; `onStart` resets
 * every guard and counter, then the wrapped strategy's own state.
 */
import type { FillEvent, OrderRequest, OrderView, Side, Strategy, StrategyContext, StrategySchedule, BookView, TradeTape, MidTape } from "./types";
import { ArgumentError } from "../errors";

const FILE = "src/backtest/guards.ts";
const DAY_US = 86_400_000_000;

// ---------------------------------------------------------------------------------------------------------------
// tick and lot rounding
// ---------------------------------------------------------------------------------------------------------------

/** Relative tolerance of the tick rounding: a price within 1e-9 ticks of a tick multiple counts as on it. */
const TICK_EPS = 1e-9;

let cachedTick = NaN;
let cachedScale = 1;
let cachedTickInt = NaN;

/** Decimal scale 10^d of a tick (d ≤ 12, the fewest decimals that write it), so tick multiples can be formed exactly. */
function tickScale(tick: number): void {
  if (tick === cachedTick) return;
  let scale = 1;
  for (let d = 0; d <= 12; d++, scale *= 10) {
    const x = tick * scale;
    if (Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, x)) break;
  }
  cachedTick = tick;
  cachedScale = scale;
  cachedTickInt = Math.round(tick * scale);
}

/** n ticks as the float nearest the decimal n·tick (n·tickInt/10^d: one exact product, one rounded division). */
function ticksToPrice(n: number, tick: number): number {
  tickScale(tick);
  if (cachedScale > 1e12 || !(cachedTickInt > 0)) return n * tick; // tick with no short decimal form
  return (n * cachedTickInt) / cachedScale;
}

/**
 * Largest tick multiple ≤ price (a bid rounds down, away from the mid): floor(price/tick + 1e-9)·tick, formed as the
 * float nearest the decimal so that e.g. 100.01 stays 100.01 (the 1e-9-tick tolerance absorbs float error in
 * price/tick). NaN stays NaN; tick ≤ 0 or non-finite returns the price unrounded.
 */
export function roundDownToTick(price: number, tick: number): number {
  if (!(tick > 0) || !Number.isFinite(tick) || price !== price) return price;
  return ticksToPrice(Math.floor(price / tick + TICK_EPS), tick);
}

/** Smallest tick multiple ≥ price (an ask rounds up): ceil(price/tick − 1e-9)·tick; conventions as `roundDownToTick`. */
export function roundUpToTick(price: number, tick: number): number {
  if (!(tick > 0) || !Number.isFinite(tick) || price !== price) return price;
  return ticksToPrice(Math.ceil(price / tick - TICK_EPS), tick);
}

/** Amount rounded down to the lot: floor(amount/lot + 1e-9)·lot (lot ≤ 0 returns the amount unchanged). */
export function floorToLot(amount: number, lot: number): number {
  if (!(lot > 0) || !Number.isFinite(lot) || amount !== amount) return amount;
  return ticksToPrice(Math.floor(amount / lot + TICK_EPS), lot);
}

// ---------------------------------------------------------------------------------------------------------------
// quote sanitation
// ---------------------------------------------------------------------------------------------------------------

/** Options of `placeQuotes`. */
export interface PlaceQuoteOptions {
  /**
   * Position cap |position| ≤ maxPosition, base units (> 0). The bid size is cut to maxPosition − position and the ask
   * size to maxPosition + position (rounded down to the lot); a side left with nothing is not quoted. So at the cap
   * only the side that reduces the position is quoted, and no single fill can carry the position past the cap.
   */
  maxPosition?: number;
  /**
   * Keep post-only quotes from crossing the book (default true): a bid at or above the best ask moves to one tick
   * below the best ask, an ask at or below the best bid to one tick above the best bid (joining the touch rather than
   * being rejected). The A-S / GLFT formulas can put a quote through the mid for large |q|; this is where that ends.
   */
  clipToBook?: boolean;
}

/**
 * Sends a two-sided quote through `ctx.quote` after sanitation: position cap (sizes cut, see `PlaceQuoteOptions`),
 * sizes rounded down to the lot, bid rounded down and ask rounded up to the tick, then (clipToBook) no crossing of the
 * book. NaN price or size ≤ 0 on a side means no quote there (passed as NaN / 0). Returns nothing; what was sent is
 * what `ctx.quote` received.
 */
export function placeQuotes(ctx: StrategyContext, bid: number, bidSize: number, ask: number, askSize: number, opts: PlaceQuoteOptions = {}): void {
  const tick = ctx.tickSize;
  const lot = ctx.lotSize;
  let bAmt = bidSize;
  let aAmt = askSize;
  const cap = opts.maxPosition;
  if (cap !== undefined) {
    const pos = ctx.position;
    bAmt = Math.min(bAmt, cap - pos);
    aAmt = Math.min(aAmt, cap + pos);
  }
  bAmt = floorToLot(bAmt, lot);
  aAmt = floorToLot(aAmt, lot);
  let b = bAmt > 0 && bid === bid ? roundDownToTick(bid, tick) : NaN;
  let a = aAmt > 0 && ask === ask ? roundUpToTick(ask, tick) : NaN;
  if (opts.clipToBook ?? true) {
    const bestAsk = ctx.book.bestAsk();
    const bestBid = ctx.book.bestBid();
    if (b === b && bestAsk === bestAsk && b >= bestAsk) b = roundDownToTick(bestAsk - tick, tick);
    if (a === a && bestBid === bestBid && a <= bestBid) a = roundUpToTick(bestBid + tick, tick);
  }
  if (!(b === b)) bAmt = 0;
  if (!(a === a)) aAmt = 0;
  ctx.quote(b, bAmt > 0 ? bAmt : 0, a, aAmt > 0 ? aAmt : 0);
}

/** A half-spread given either in price units or in basis points of the mid; resolved per call. */
export interface HalfSpreadSpec {
  /** Price units (quote currency), or NaN when given in bps. */
  readonly price: number;
  /** Basis points of the mid, or NaN when given in price units. */
  readonly bps: number;
}

/**
 * Reads a price-or-bps pair of options (exactly one of `name` and `nameBps`, finite, ≥ 0 unless `allowZero` is false)
 * into a `HalfSpreadSpec`; `required` false allows neither (returns undefined). Throws ArgumentError naming the field.
 */
export function readPriceOrBps(o: Record<string, unknown>, name: string, required: boolean, fn: string, allowZero = true): HalfSpreadSpec | undefined {
  const p = o[name];
  const b = o[name + "Bps"];
  if (p !== undefined && b !== undefined) throw new ArgumentError(`${fn}: give either ${name} (price units) or ${name}Bps (basis points of the mid), not both`, { file: FILE, field: name });
  if (p === undefined && b === undefined) {
    if (required) throw new ArgumentError(`${fn}: ${name} (price units) or ${name}Bps (basis points of the mid) is required`, { file: FILE, field: name });
    return undefined;
  }
  const v = (p ?? b) as number;
  const field = p !== undefined ? name : name + "Bps";
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new ArgumentError(`${fn}: ${field} must be a finite number ${allowZero ? ">= 0" : "> 0"}, got ${String(v)}`, { file: FILE, field });
  }
  return p !== undefined ? { price: v, bps: NaN } : { price: NaN, bps: v };
}

/** The price value of a `HalfSpreadSpec` at mid s: spec.price, or s·bps/10⁴. */
export function specToPrice(spec: HalfSpreadSpec, mid: number): number {
  return spec.price === spec.price ? spec.price : (mid * spec.bps) / 1e4;
}

/** Validates an optional number option: finite and > 0 (or ≥ 0 with allowZero). Returns the value or the default. */
export function positiveOption(v: unknown, def: number, field: string, fn: string, allowZero = false): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new ArgumentError(`${fn}: ${field} must be a finite number ${allowZero ? ">= 0" : "> 0"}, got ${String(v)}`, { file: FILE, field });
  }
  return v;
}

/** Validates a strategy schedule (default: every 100 ms). */
export function readSchedule(s: StrategySchedule | undefined, fn: string): StrategySchedule {
  if (s === undefined) return { kind: "interval", intervalUs: 100_000 };
  if (s.kind === "event") return { kind: "event" };
  if (s.kind === "interval" && Number.isFinite(s.intervalUs) && s.intervalUs > 0) return { kind: "interval", intervalUs: s.intervalUs };
  throw new ArgumentError(`${fn}: schedule must be { kind: "event" } or { kind: "interval", intervalUs > 0 }, got ${JSON.stringify(s)}`, { file: FILE, field: "schedule" });
}

// ---------------------------------------------------------------------------------------------------------------
// risk guards
// ---------------------------------------------------------------------------------------------------------------

/** Options of `withRiskGuards`; every guard is off unless its option is given. */
export interface RiskGuardOptions {
  /**
   * Position cap, base units (> 0), counting working orders (with latency, orders still open can fill before their
   * reports arrive). Quotes: the bid size is cut to maxPosition − position − W₊, the ask size to maxPosition +
   * position − W₋ (lot-rounded; a side with nothing left is removed), where W± is the unfilled size (amount − filled)
   * of that side's live orders that the quote does not replace (pending cancels, IOC / market orders in flight; the
   * limit / post-only orders the quote cancels or keeps are not double counted). So at the cap only the reducing side
   * is quoted. Direct `submit` calls are refused when the worst case w = position + side·(W + amount), W = the
   * unfilled size of all live orders of that side, has |w| above the cap and above |position + side·W|.
   */
  maxPosition?: number;
  /**
   * Daily loss limit, quote currency (> 0). Daily PnL = equity − equity at the first call of the UTC day, equity =
   * cash + position·mid (cash is net of fees). When daily PnL ≤ −limit: every open order is cancelled, a
   * `flattenType` order for the whole position is sent, and the strategy is silenced (no quotes, no submits) until the
   * next UTC day (day = floor(now / 86 400 s)). While silenced, a new flatten order is sent whenever the position is
   * not flat (≥ half a lot) and no flatten order is live (e.g. after a partial IOC).
   */
  dailyLossLimit?: number;
  /** Order type of the flatten order: "market" (default) or "ioc" (limited to `flattenSlippageBps` from the mid). */
  flattenType?: "market" | "ioc";
  /** IOC flatten limit price: mid ∓ this many bps (default 50). */
  flattenSlippageBps?: number;
  /** Minimum quoted spread ask − bid, price units (≥ 0); a narrower two-sided quote is widened symmetrically about its centre to this, then rounded outward to the tick. */
  minSpread?: number;
  /** Same, in basis points of the mid (give one of minSpread / minSpreadBps). */
  minSpreadBps?: number;
  /**
   * Requote cooldown, µs (> 0): after a quote change is forwarded, further changes to a live quote are held back
   * (not forwarded at all, so a filled side is not replaced either) until this much local time has passed. Identical
   * quotes always pass (the engine keeps their queue place), placing quotes when none is live always passes, and a
   * side the position cap removes is always pulled.
   */
  requoteCooldownUs?: number;
  /**
   * Book-imbalance pause: with Dᵇ, Dᵃ the summed size of the best `imbalanceLevels` levels of each side,
   * imbalance = (Dᵇ − Dᵃ)/(Dᵇ + Dᵃ) ∈ [−1, 1]; while |imbalance| > maxImbalance (in (0, 1]) quotes are pulled and the
   * strategy's quotes and submits are dropped. Checked at every call.
   */
  maxImbalance?: number;
  /** Levels per side for the imbalance (default 5). */
  imbalanceLevels?: number;
  /**
   * Jump pause, bps (> 0): when |mid(now) − mid(now − jumpWindowUs)| / mid(now − jumpWindowUs) · 10⁴ > maxJumpBps
   * (mid(t) = the last mid of the MidTape at or before t), quotes are pulled and the strategy silenced until
   * now + jumpCooldownUs; a further jump during the pause extends it.
   */
  maxJumpBps?: number;
  /** Look-back of the jump test, µs (default 1 s). */
  jumpWindowUs?: number;
  /** Pause after a jump, µs (default 10 s). */
  jumpCooldownUs?: number;
}

/** How many times each guard acted (counts of strategy calls or quote calls, as stated per field). */
export interface GuardStats {
  /** Quote calls in which the position cap cut or removed a side. */
  positionCap: number;
  /** submit() calls refused (cap, stopped or paused). */
  blockedSubmits: number;
  /** Times the daily loss limit fired (at most once per UTC day). */
  dailyLossStops: number;
  /** Flatten orders sent. */
  flattenOrders: number;
  /** Strategy calls (onTick) spent silenced by the daily loss limit. */
  stoppedCalls: number;
  /** Quote calls widened to the minimum spread. */
  minSpread: number;
  /** Quote calls held back by the requote cooldown. */
  cooldown: number;
  /** Strategy calls paused by book imbalance. */
  imbalancePause: number;
  /** Jumps detected that started a pause (a jump during a pause extends it without counting here). */
  jumpPause: number;
  /** Strategy calls spent in a jump pause. */
  jumpPausedCalls: number;
  /** Quote calls dropped while stopped or paused. */
  droppedQuotes: number;
}

/** A strategy wearing risk guards: the same Strategy, plus its guard counters and state. */
export interface GuardedStrategy extends Strategy {
  /** The wrapped strategy. */
  readonly inner: Strategy;
  /** A copy of the counters since the last onStart. */
  guardStats(): GuardStats;
  /** Whether the daily loss limit has silenced the strategy (until the next UTC day). */
  isStopped(): boolean;
}

function zeroStats(): GuardStats {
  return { positionCap: 0, blockedSubmits: 0, dailyLossStops: 0, flattenOrders: 0, stoppedCalls: 0, minSpread: 0, cooldown: 0, imbalancePause: 0, jumpPause: 0, jumpPausedCalls: 0, droppedQuotes: 0 };
}

/** Last mid of the tape at or before time t (binary search), NaN if none. */
function midAtOrBefore(mids: MidTape, t: number): number {
  const ts = mids.localTimestamp;
  let lo = 0;
  let hi = mids.count;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (ts[m] <= t) lo = m + 1;
    else hi = m;
  }
  return lo > 0 ? mids.mid[lo - 1] : NaN;
}

/** The context handed to the wrapped strategy: the engine's context with `quote` and `submit` intercepted. */
class GuardedContext implements StrategyContext {
  base!: StrategyContext;
  constructor(private readonly g: Guards) {}
  get now(): number { return this.base.now; }
  get book(): BookView { return this.base.book; }
  get trades(): TradeTape { return this.base.trades; }
  get mids(): MidTape { return this.base.mids; }
  get position(): number { return this.base.position; }
  get cash(): number { return this.base.cash; }
  get fees(): number { return this.base.fees; }
  get openOrders(): ReadonlyArray<OrderView> { return this.base.openOrders; }
  get tickSize(): number { return this.base.tickSize; }
  get lotSize(): number { return this.base.lotSize; }
  submit(order: OrderRequest): number { return this.g.submit(this.base, order); }
  cancel(orderId: number): void { this.base.cancel(orderId); }
  quote(bidPrice: number, bidAmount: number, askPrice: number, askAmount: number): void {
    this.g.quote(this.base, bidPrice, bidAmount, askPrice, askAmount);
  }
}

class Guards {
  stats = zeroStats();
  day = NaN;
  dayStartEquity = NaN;
  stopped = false;
  paused = false;
  jumpUntil = -Infinity;
  flattenIds: number[] = [];
  // last quote forwarded (after sanitation)
  fBid = NaN;
  fBidAmt = 0;
  fAsk = NaN;
  fAskAmt = 0;
  lastChangeUs = -Infinity;
  readonly minSpread: HalfSpreadSpec | undefined;
  constructor(readonly o: RiskGuardOptions) {
    this.minSpread = readPriceOrBps(o as Record<string, unknown>, "minSpread", false, "withRiskGuards");
  }

  reset(): void {
    this.stats = zeroStats();
    this.day = NaN;
    this.dayStartEquity = NaN;
    this.stopped = false;
    this.paused = false;
    this.jumpUntil = -Infinity;
    this.flattenIds = [];
    this.fBid = NaN;
    this.fBidAmt = 0;
    this.fAsk = NaN;
    this.fAskAmt = 0;
    this.lastChangeUs = -Infinity;
  }

  /** Checks the day roll, the loss limit, imbalance and jumps; returns whether the strategy may act this call. */
  preTick(ctx: StrategyContext): void {
    const o = this.o;
    const now = ctx.now;
    const mid = ctx.book.mid();
    const day = Math.floor(now / DAY_US);
    if (day !== this.day) {
      this.day = day;
      this.stopped = false;
      this.flattenIds = [];
      this.dayStartEquity = mid === mid ? ctx.cash + ctx.position * mid : NaN;
    }
    if (o.dailyLossLimit !== undefined) {
      if (this.dayStartEquity !== this.dayStartEquity && mid === mid) this.dayStartEquity = ctx.cash + ctx.position * mid;
      if (!this.stopped && mid === mid && ctx.cash + ctx.position * mid - this.dayStartEquity <= -o.dailyLossLimit) {
        this.stopped = true;
        this.stats.dailyLossStops++;
        for (const ord of ctx.openOrders) if (ord.status !== "pendingCancel") ctx.cancel(ord.id);
        this.fBid = NaN;
        this.fAsk = NaN;
        this.fBidAmt = 0;
        this.fAskAmt = 0;
        this.flatten(ctx);
      } else if (this.stopped) {
        let live = false;
        for (const ord of ctx.openOrders) if (this.flattenIds.indexOf(ord.id) >= 0) live = true;
        if (!live) this.flatten(ctx);
      }
    }
    if (this.stopped) {
      this.stats.stoppedCalls++;
      this.paused = true;
      return;
    }
    let paused = false;
    if (o.maxImbalance !== undefined) {
      const n = o.imbalanceLevels ?? 5;
      const db = ctx.book.depth(1, n);
      const da = ctx.book.depth(-1, n);
      const tot = db + da;
      if (tot > 0 && Math.abs((db - da) / tot) > o.maxImbalance) {
        paused = true;
        this.stats.imbalancePause++;
      }
    }
    if (o.maxJumpBps !== undefined && mid === mid) {
      const ref = midAtOrBefore(ctx.mids, now - (o.jumpWindowUs ?? 1_000_000));
      if (ref > 0 && (Math.abs(mid - ref) / ref) * 1e4 > o.maxJumpBps) {
        if (now >= this.jumpUntil) this.stats.jumpPause++;
        this.jumpUntil = now + (o.jumpCooldownUs ?? 10_000_000);
      }
      if (now < this.jumpUntil) {
        paused = true;
        this.stats.jumpPausedCalls++;
      }
    }
    this.paused = paused;
    if (paused && (this.fBid === this.fBid || this.fAsk === this.fAsk)) this.pull(ctx);
  }

  pull(ctx: StrategyContext): void {
    ctx.quote(NaN, 0, NaN, 0);
    this.fBid = NaN;
    this.fAsk = NaN;
    this.fBidAmt = 0;
    this.fAskAmt = 0;
  }

  flatten(ctx: StrategyContext): void {
    const pos = ctx.position;
    const amount = floorToLot(Math.abs(pos), ctx.lotSize);
    if (!(amount > 0) || Math.abs(pos) < ctx.lotSize / 2) return;
    const side: Side = pos > 0 ? -1 : 1;
    const type = this.o.flattenType ?? "market";
    const mid = ctx.book.mid();
    if (!(mid === mid)) return; // no two-sided book: try again at the next call
    let price = mid; // ignored by a market order; a finite placeholder
    if (type === "ioc") {
      const slip = (this.o.flattenSlippageBps ?? 50) / 1e4;
      price = side > 0 ? roundUpToTick(mid * (1 + slip), ctx.tickSize) : roundDownToTick(mid * (1 - slip), ctx.tickSize);
    }
    const id = ctx.submit({ side, price, amount, type });
    this.flattenIds.push(id);
    this.stats.flattenOrders++;
  }

  submit(ctx: StrategyContext, order: OrderRequest): number {
    if (this.paused || this.stopped) {
      this.stats.blockedSubmits++;
      return -1;
    }
    const cap = this.o.maxPosition;
    if (cap !== undefined) {
      // worst case: every working order of this side fills too (latency: they are not in ctx.position yet)
      const working = ctx.position + order.side * workingLeaves(ctx, order.side, false);
      const after = working + order.side * order.amount;
      if (Math.abs(after) > cap + 1e-12 * cap && Math.abs(after) > Math.abs(working)) {
        this.stats.blockedSubmits++;
        return -1;
      }
    }
    return ctx.submit(order);
  }

  quote(ctx: StrategyContext, bid: number, bidAmt: number, ask: number, askAmt: number): void {
    if (this.paused || this.stopped) {
      this.stats.droppedQuotes++;
      return;
    }
    const o = this.o;
    const tick = ctx.tickSize;
    const lot = ctx.lotSize;
    if (!(bid === bid) || !(bidAmt > 0)) { bid = NaN; bidAmt = 0; }
    if (!(ask === ask) || !(askAmt > 0)) { ask = NaN; askAmt = 0; }
    let capRemoved = false;
    if (o.maxPosition !== undefined) {
      const pos = ctx.position;
      // room left on each side after the working orders that this quote does not replace (see workingLeaves)
      const bMax = floorToLot(o.maxPosition - pos - workingLeaves(ctx, 1, true), lot);
      const aMax = floorToLot(o.maxPosition + pos - workingLeaves(ctx, -1, true), lot);
      let cut = false;
      if (bid === bid && bidAmt > bMax) {
        cut = true;
        if (bMax > 0) bidAmt = bMax;
        else { bid = NaN; bidAmt = 0; capRemoved = capRemoved || this.fBid === this.fBid; }
      }
      if (ask === ask && askAmt > aMax) {
        cut = true;
        if (aMax > 0) askAmt = aMax;
        else { ask = NaN; askAmt = 0; capRemoved = capRemoved || this.fAsk === this.fAsk; }
      }
      if (cut) this.stats.positionCap++;
    }
    bid = roundDownToTick(bid, tick);
    ask = roundUpToTick(ask, tick);
    if (this.minSpread !== undefined && bid === bid && ask === ask) {
      const mid = ctx.book.mid();
      const ms = specToPrice(this.minSpread, mid === mid ? mid : 0.5 * (bid + ask));
      if (ask - bid < ms - 1e-9 * tick) {
        const c = 0.5 * (bid + ask);
        bid = roundDownToTick(c - ms / 2, tick);
        ask = roundUpToTick(c + ms / 2, tick);
        this.stats.minSpread++;
      }
    }
    const same = sameNum(bid, this.fBid) && sameNum(ask, this.fAsk) && bidAmt === this.fBidAmt && askAmt === this.fAskAmt;
    const live = this.fBid === this.fBid || this.fAsk === this.fAsk;
    const cd = o.requoteCooldownUs;
    if (!same && live && cd !== undefined && ctx.now - this.lastChangeUs < cd && !capRemoved) {
      this.stats.cooldown++;
      return;
    }
    if (!same) this.lastChangeUs = ctx.now;
    this.fBid = bid;
    this.fBidAmt = bidAmt;
    this.fAsk = ask;
    this.fAskAmt = askAmt;
    ctx.quote(bid, bidAmt, ask, askAmt);
  }
}

/**
 * Unfilled size (Σ amount − filled, base units) of our live orders on `side` in ctx.openOrders: the position they
 * can still add before their fills are reported. With `replacedByQuote`, orders that a `ctx.quote` call replaces
 * (pendingNew / open limit and post-only orders of that side: cancelled, or kept as the new quote, whose size is
 * counted separately) are left out; pending cancels (a fill may still win the race) and IOC / market orders in
 * flight (they execute before a later cancel arrives) are counted.
 */
function workingLeaves(ctx: StrategyContext, side: Side, replacedByQuote: boolean): number {
  const oo = ctx.openOrders;
  let w = 0;
  for (let k = 0; k < oo.length; k++) {
    const x = oo[k];
    if (x.side !== side || x.status === "filled" || x.status === "cancelled" || x.status === "rejected") continue;
    if (replacedByQuote && x.status !== "pendingCancel" && (x.type === "limit" || x.type === "postOnly")) continue;
    const left = x.amount - x.filled;
    if (left > 0) w += left;
  }
  return w;
}

function sameNum(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

function checkGuardOptions(o: RiskGuardOptions): void {
  const fn = "withRiskGuards";
  positiveOption(o.maxPosition, 1, "maxPosition", fn);
  positiveOption(o.dailyLossLimit, 1, "dailyLossLimit", fn);
  positiveOption(o.flattenSlippageBps, 1, "flattenSlippageBps", fn);
  positiveOption(o.requoteCooldownUs, 1, "requoteCooldownUs", fn);
  positiveOption(o.maxJumpBps, 1, "maxJumpBps", fn);
  positiveOption(o.jumpWindowUs, 1, "jumpWindowUs", fn);
  positiveOption(o.jumpCooldownUs, 1, "jumpCooldownUs", fn);
  if (o.flattenType !== undefined && o.flattenType !== "market" && o.flattenType !== "ioc") {
    throw new ArgumentError(`${fn}: flattenType must be "market" or "ioc", got ${JSON.stringify(o.flattenType)}`, { file: FILE, field: "flattenType" });
  }
  if (o.maxImbalance !== undefined && !(o.maxImbalance > 0 && o.maxImbalance <= 1)) {
    throw new ArgumentError(`${fn}: maxImbalance must be in (0, 1], got ${o.maxImbalance}`, { file: FILE, field: "maxImbalance" });
  }
  if (o.imbalanceLevels !== undefined && !(Number.isInteger(o.imbalanceLevels) && o.imbalanceLevels >= 1)) {
    throw new ArgumentError(`${fn}: imbalanceLevels must be an integer >= 1, got ${o.imbalanceLevels}`, { file: FILE, field: "imbalanceLevels" });
  }
}

/**
 * Wraps a strategy in risk guards (see `RiskGuardOptions` for each rule): position cap, daily loss limit with
 * flattening and silence until the next UTC day, minimum spread, requote cooldown, book-imbalance pause and
 * mid-jump pause. The wrapped strategy is called as usual, with a context whose `quote` and `submit` pass through the
 * guards; its schedule and name (suffixed "+guards") are kept. Order per call: day roll → loss limit → imbalance →
 * jump (a pause pulls the live quotes) → the wrapped strategy's onTick → per quote: cap → tick rounding → min spread
 * → cooldown. `guardStats()` counts each guard's actions since the last onStart.
 */
export function withRiskGuards(strategy: Strategy, opts: RiskGuardOptions): GuardedStrategy {
  checkGuardOptions(opts);
  const g = new Guards({ ...opts });
  const proxy = new GuardedContext(g);
  const out: GuardedStrategy = {
    name: `${strategy.name}+guards`,
    schedule: strategy.schedule,
    inner: strategy,
    onStart(ctx: StrategyContext): void {
      g.reset();
      proxy.base = ctx;
      if (strategy.onStart) strategy.onStart(proxy);
    },
    onTick(ctx: StrategyContext): void {
      proxy.base = ctx;
      g.preTick(ctx);
      strategy.onTick(proxy);
    },
    onFill(fill: FillEvent, ctx: StrategyContext): void {
      proxy.base = ctx;
      if (strategy.onFill) strategy.onFill(fill, proxy);
    },
    guardStats(): GuardStats {
      return { ...g.stats };
    },
    isStopped(): boolean {
      return g.stopped;
    },
  };
  return out;
}
