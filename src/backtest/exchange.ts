/**
 * The simulated exchange: matches our orders against replayed L2 market data on the **exchange clock**, with a
 * queue-position model (queue.ts) and a fee model (fees.ts). The engine (engine.ts) feeds it market events in
 * exchange-time order and our messages when they arrive (after the entry latency); it sends reports back through a
 * `ResponseSink` (the engine adds the response latency).
 *
 * Assumptions (as hftbacktest): our orders are small and have **no market impact**: they are not added to the L2
 * sizes, and liquidity we take is not removed from the book (the next book update overwrites the level anyway).
 * Own orders never match each other.
 *
 * Orders on arrival (exchange book at that moment; "crossing" = buy price ≥ best ask, sell price ≤ best bid):
 * - "postOnly" (Binance GTX): rejected if it would cross; otherwise rests.
 * - "limit": takes liquidity as a taker while it crosses (walking the opposite levels whose price is within its
 *   limit, each at the level's price, up to the level's size), then rests with the remainder.
 * - "ioc": takes as "limit" does, then the remainder is cancelled (expired).
 * - "market": walks the opposite side with no price limit for its whole amount; what the book cannot fill is cancelled.
 * - Rejected: a price off the tick grid or an amount off the lot grid (beyond float noise of 1e−6 increment).
 * Accepted orders are acknowledged first, then their taker fills, then (ioc/market) the cancel of the remainder.
 *
 * A **resting** limit order fills only in two ways, always as a maker at **its own price**:
 * (a) Trades. A market trade whose aggressor is on the other side (or unknown, side 0) and whose price reaches our
 *     price: a sell at P < our bid (or a buy at P > our ask) went through our level, so it fills our whole remaining
 *     amount; at P = our price the trade first consumes the queue ahead of us (queue model), and the excess fills us
 *     (partially, up to the remainder). Several own orders at one price take the trade in arrival order.
 * (b) The book crossing it. When a book update leaves the best ask ≤ our bid (best bid ≥ our ask), the sellers now
 *     resting at or below our bid would have hit us had we been in the book, so we fill against that crossing size:
 *     fill = min(remaining, X − used), X = Σ ask sizes at prices ≤ our bid, `used` = the part of X already
 *     credited to us (reset when the cross disappears, capped by X when X shrinks), so the same resting liquidity
 *     never fills us twice. No fill comes from a market book that is itself crossed (best bid ≥ best ask without
 *     us: stale or bad data), nor from a crossed book without new crossing size. `crossFills: false` disables (b).
 * Cancels take effect when they arrive: a fill that happens first wins the race (the cancel is then rejected, and
 * counted in `cancelRacesLost` when the order had fully filled).
 * Partial fills update position, cash and fees at once (one row each); the last fill of an order carries exactly its
 * remaining amount (remainders below 1e−9 of the order are treated as filled).
 * Accounting (quote currency): position += side·amount; cash −= side·price·amount + fee; fees += fee.
 */
import type { FillEvent, OrderCounts, OrderStatus, OrderType, OrderView, Side } from "./types";
import type { QueueModel, QueueState } from "./queue";
import type { FeeModel } from "./fees";
import { OrderBook } from "../data/book";
import { GrowableBuffer, f64Buffer, i8Buffer } from "../frame/buffer";
import type { MarketStreams } from "./data";

// Report kinds travelling exchange → local (each delivered after the response latency, FIFO).
/** Report: the new order was accepted (it may have taken liquidity already; those fills follow it). */
export const RESP_ACK = 1;
/** Report: a partial fill; the order keeps working (carries a FillEvent). */
export const RESP_FILL = 2;
/** Report: the fill that completes the order (carries a FillEvent); the order is done. */
export const RESP_FILL_FINAL = 3;
/** Report: the order was cancelled (our cancel, or the unfilled rest of an IOC / market order); the order is done. */
export const RESP_CANCELLED = 4;
/** Report: the new order was rejected (off the tick / lot grid, or a post-only that would cross); the order is done. */
export const RESP_REJECTED = 5;
/** Report: our cancel found the order already done at the exchange (its final report came first). */
export const RESP_CANCEL_REJECTED = 6;

// Exchange-side state of an order (SimOrder.exState).
/** Exchange state: sent, not yet arrived at the exchange. */
export const EX_IN_FLIGHT = 0;
/** Exchange state: resting in the book (queue estimate live, can be filled by trades or a crossing book). */
export const EX_RESTING = 1;
/** Exchange state: filled, cancelled or rejected; nothing more happens to it. */
export const EX_DONE = 2;

/**
 * One of our orders: the strategy's view (OrderView: status and filled as reported so far, on the local clock) and
 * the exchange's state (leaves, queue estimate) in one object, each side writing only its own fields.
 */
export class SimOrder implements OrderView, QueueState {
  // local view
  filled = 0;
  status: OrderStatus = "pendingNew";
  // exchange side
  /** Unfilled amount at the exchange. */
  leaves: number;
  exState = EX_IN_FLIGHT;
  exFilled = 0;
  exFills = 0;
  ahead = 0;
  tradedSinceDepth = 0;
  /** Crossing size already credited to this order (rule (b)). */
  crossUsed = 0;
  /** Why it was rejected ("" if not). */
  rejectReason = "";
  constructor(
    readonly id: number,
    readonly side: Side,
    readonly price: number,
    readonly amount: number,
    readonly type: OrderType,
    readonly sentUs: number,
  ) {
    this.leaves = amount;
  }
}

/** Where the exchange sends its reports; the engine implements it (adds the response latency, keeps FIFO order). */
export interface ResponseSink {
  /** Local arrival time of a report leaving the exchange at `exchangeUs` (samples the response latency). */
  arrival(exchangeUs: number): number;
  /** Queues a report arriving at local time `localUs`. */
  push(localUs: number, kind: number, order: SimOrder, fill: FillEvent | null): void;
}

/** Options of `SimExchange`. */
export interface SimExchangeOptions {
  queue: QueueModel;
  fees: FeeModel;
  /** Fill resting orders from a book that crosses them (rule (b)); default true. */
  crossFills?: boolean;
  tickSize: number;
  lotSize: number;
}


const SCRATCH = 256;

/** The exchange model (see the module comment). One instance per run. */
export class SimExchange {
  /** The exchange-side market book (market data only; our orders are not in it). */
  readonly book = new OrderBook();
  /** Our resting orders, in arrival order. */
  readonly resting: SimOrder[] = [];
  position = 0;
  cash = 0;
  fees = 0;
  /** Fills with position, cash after each (BacktestFillColumns). */
  readonly fill = {
    exchangeTimestamp: f64Buffer(), localTimestamp: f64Buffer(), orderId: f64Buffer(), side: i8Buffer(), price: f64Buffer(),
    amount: f64Buffer(), fee: f64Buffer(), isMaker: i8Buffer(), mid: f64Buffer(), position: f64Buffer(), cash: f64Buffer(),
  };
  /** Exchange-side mid and spread after every book update that changed either. */
  readonly market = { time: f64Buffer(1 << 16), mid: f64Buffer(1 << 16), spread: f64Buffer(1 << 16) };
  readonly counts: OrderCounts = { submitted: 0, cancelled: 0, rejected: 0, partiallyOrFullyFilled: 0, filled: 0, fills: 0, cancelRacesLost: 0 };
  /** Exchange time of the last event processed. */
  now = -Infinity;
  private readonly queue: QueueModel;
  private readonly feeModel: FeeModel;
  private readonly crossFills: boolean;
  private readonly tick: number;
  private readonly lot: number;
  private readonly bids: ReturnType<OrderBook["_bids"]>;
  private readonly asks: ReturnType<OrderBook["_asks"]>;
  /** Prices and sides of `resting` (typed, for the per-row level check). */
  private ownPx = new Float64Array(8);
  private ownSd = new Int8Array(8);
  private nOwn = 0;
  private readonly px = new Float64Array(SCRATCH);
  private readonly qx = new Float64Array(SCRATCH);
  private prevAmt = new Float64Array(8);
  private lastMid = NaN;
  private lastSpread = NaN;
  /** The last finite exchange-side mid (NaN before the book has two sides). */
  lastFiniteMid = NaN;

  constructor(opts: SimExchangeOptions, private readonly sink: ResponseSink) {
    this.queue = opts.queue;
    this.feeModel = opts.fees;
    this.crossFills = opts.crossFills ?? true;
    this.tick = opts.tickSize;
    this.lot = opts.lotSize;
    this.bids = this.book._bids();
    this.asks = this.book._asks();
  }

  private syncOwn(): void {
    const r = this.resting;
    if (r.length > this.ownPx.length) {
      this.ownPx = new Float64Array(r.length * 2);
      this.ownSd = new Int8Array(r.length * 2);
      this.prevAmt = new Float64Array(r.length * 2);
    }
    for (let k = 0; k < r.length; k++) {
      this.ownPx[k] = r[k].price;
      this.ownSd[k] = r[k].side;
    }
    this.nOwn = r.length;
  }

  private removeResting(o: SimOrder): void {
    const r = this.resting;
    const k = r.indexOf(o);
    if (k >= 0) r.splice(k, 1);
    this.syncOwn();
  }

  private send(t: number, kind: number, o: SimOrder): void {
    this.sink.push(this.sink.arrival(t), kind, o, null);
  }

  /** Records one fill of `o` (amount capped at its leaves) and sends its report. */
  private doFill(o: SimOrder, amount: number, price: number, isMaker: boolean, t: number): void {
    let a = amount;
    const final = o.leaves - a <= o.amount * 1e-9;
    if (final) a = o.leaves;
    const fee = this.feeModel.fee(price, a, isMaker);
    const s = o.side;
    this.position += s * a;
    this.cash -= s * price * a + fee;
    this.fees += fee;
    o.leaves = final ? 0 : o.leaves - a;
    o.exFilled += a;
    if (o.exFills === 0) this.counts.partiallyOrFullyFilled++;
    o.exFills++;
    this.counts.fills++;
    const mid = this.book.mid();
    const localUs = this.sink.arrival(t);
    const fe: FillEvent = { orderId: o.id, exchangeUs: t, localUs, side: s, price, amount: a, fee, isMaker, mid };
    const F = this.fill;
    F.exchangeTimestamp.push(t);
    F.localTimestamp.push(localUs);
    F.orderId.push(o.id);
    F.side.push(s);
    F.price.push(price);
    F.amount.push(a);
    F.fee.push(fee);
    F.isMaker.push(isMaker ? 1 : 0);
    F.mid.push(mid);
    F.position.push(this.position);
    F.cash.push(this.cash);
    this.sink.push(localUs, final ? RESP_FILL_FINAL : RESP_FILL, o, fe);
    if (final) {
      this.counts.filled++;
      if (o.exState === EX_RESTING) this.removeResting(o);
      o.exState = EX_DONE;
    }
  }

  private onGrid(x: number, inc: number): boolean {
    const k = x / inc;
    return Math.abs(k - Math.round(k)) <= 1e-6 + Math.abs(k) * 1e-13;
  }

  /** A new order arrives at exchange time `t` (see the module comment for the rules). */
  onNew(o: SimOrder, t: number): void {
    this.now = t;
    this.counts.submitted++;
    const buy = o.side === 1;
    if ((o.type !== "market" && !this.onGrid(o.price, this.tick)) || !this.onGrid(o.amount, this.lot)) {
      o.rejectReason = o.type !== "market" && !this.onGrid(o.price, this.tick) ? "price off the tick grid" : "amount off the lot grid";
      this.reject(o, t);
      return;
    }
    const bb = this.bids.bestKey();
    const ba = -this.asks.bestKey();
    let crosses: boolean;
    if (o.type === "market") crosses = buy ? ba === ba : bb === bb;
    else crosses = buy ? o.price >= ba : o.price <= bb;
    if (o.type === "postOnly" && crosses) {
      o.rejectReason = "post-only order would cross";
      this.reject(o, t);
      return;
    }
    this.send(t, RESP_ACK, o);
    let taken = 0;
    if (crosses) {
      const limit = o.type === "market" ? (buy ? Infinity : -Infinity) : o.price;
      const m = this.book.topInto(buy ? -1 : 1, SCRATCH, this.px, this.qx);
      for (let i = 0; i < m && o.leaves > 0; i++) {
        const p = this.px[i];
        if (buy ? p > limit : p < limit) break;
        const q = this.qx[i];
        taken += q;
        this.doFill(o, q < o.leaves ? q : o.leaves, p, false, t);
      }
    }
    if (o.leaves <= 0) return;
    if (o.type === "ioc" || o.type === "market") {
      o.exState = EX_DONE;
      this.counts.cancelled++;
      this.send(t, RESP_CANCELLED, o);
      return;
    }
    this.queue.onNew(o, this.book.amountAt(o.side, o.price));
    o.crossUsed = taken;
    o.exState = EX_RESTING;
    this.resting.push(o);
    this.syncOwn();
  }

  private reject(o: SimOrder, t: number): void {
    o.exState = EX_DONE;
    this.counts.rejected++;
    this.send(t, RESP_REJECTED, o);
  }

  /** A cancel for `o` arrives at exchange time `t`. */
  onCancel(o: SimOrder, t: number): void {
    this.now = t;
    if (o.exState === EX_RESTING) {
      this.removeResting(o);
      o.exState = EX_DONE;
      this.counts.cancelled++;
      this.send(t, RESP_CANCELLED, o);
      return;
    }
    if (o.leaves === 0) this.counts.cancelRacesLost++;
    this.send(t, RESP_CANCEL_REJECTED, o);
  }

  /** A market trade at exchange time `t`: price, amount, aggressor side (+1 / −1 / 0). Rule (a). */
  onTrade(price: number, amount: number, side: number, t: number): void {
    this.now = t;
    if (this.nOwn === 0) return;
    const r = this.resting;
    let left = amount; // trade volume at our price not yet given to an earlier own order there
    for (let k = 0; k < r.length; ) {
      const o = r[k];
      if (o.side === 1 ? side !== 1 && price <= o.price : side !== -1 && price >= o.price) {
        if (price !== o.price) this.doFill(o, o.leaves, o.price, true, t);
        else if (left > 0) {
          const f = this.queue.onTrade(o, left);
          if (f > 0) {
            const a = f < o.leaves ? f : o.leaves;
            left -= a;
            this.doFill(o, a, o.price, true, t);
          }
        }
      }
      if (r[k] === o) k++; // a completed order was removed: r[k] is already the next one
    }
  }

  /** Applies book update `g` of `m` at exchange time `t`, tracking our levels, then rule (b) and the market record. */
  onBook(m: MarketStreams, g: number, t: number): void {
    this.now = t;
    const s = m.groupStart[g], e = m.groupStart[g + 1];
    const side = m.rowSide, price = m.rowPrice, amount = m.rowAmount;
    const bids = this.bids, asks = this.asks;
    const nOwn = this.nOwn;
    if (m.groupReset[g] === 1) {
      const r = this.resting;
      for (let k = 0; k < nOwn; k++) this.prevAmt[k] = this.book.amountAt(r[k].side, r[k].price);
      this.book.clear();
      for (let i = s; i < e; i++) {
        if (side[i] === 1) bids.set(price[i], amount[i]);
        else asks.set(-price[i], amount[i]);
      }
      for (let k = 0; k < nOwn; k++) {
        const next = this.book.amountAt(r[k].side, r[k].price);
        if (next !== this.prevAmt[k]) this.queue.onDepth(r[k], this.prevAmt[k], next);
      }
    } else if (nOwn === 0) {
      for (let i = s; i < e; i++) {
        if (side[i] === 1) bids.set(price[i], amount[i]);
        else asks.set(-price[i], amount[i]);
      }
    } else {
      const ownPx = this.ownPx, ownSd = this.ownSd;
      for (let i = s; i < e; i++) {
        const sd = side[i], p = price[i], q = amount[i];
        for (let k = 0; k < nOwn; k++) {
          if (ownPx[k] === p && ownSd[k] === sd) {
            const prev = this.book.amountAt(sd as Side, p);
            if (prev !== q) this.queue.onDepth(this.resting[k], prev, q);
          }
        }
        if (sd === 1) bids.set(p, q);
        else asks.set(-p, q);
      }
    }
    const bb = bids.bestKey();
    const ba = -asks.bestKey();
    if (this.crossFills && this.nOwn > 0) this.crossCheck(bb, ba, t);
    const mid = (bb + ba) / 2;
    const spread = ba - bb;
    if (!(mid === this.lastMid || (mid !== mid && this.lastMid !== this.lastMid)) || !(spread === this.lastSpread || (spread !== spread && this.lastSpread !== this.lastSpread))) {
      this.market.time.push(t);
      this.market.mid.push(mid);
      this.market.spread.push(spread);
      this.lastMid = mid;
      this.lastSpread = spread;
      if (mid === mid) this.lastFiniteMid = mid;
    }
  }

  /** Rule (b): fills resting orders against new crossing size (module comment). */
  private crossCheck(bb: number, ba: number, t: number): void {
    const marketCrossed = bb >= ba;
    const r = this.resting;
    for (let k = 0; k < r.length; ) {
      const o = r[k];
      const buy = o.side === 1;
      const crossed = buy ? ba <= o.price : bb >= o.price;
      if (!crossed) {
        o.crossUsed = 0;
        k++;
        continue;
      }
      if (marketCrossed) {
        k++;
        continue;
      }
      const n = this.book.topInto(buy ? -1 : 1, SCRATCH, this.px, this.qx);
      let x = 0;
      for (let i = 0; i < n; i++) {
        if (buy ? this.px[i] > o.price : this.px[i] < o.price) break;
        x += this.qx[i];
      }
      if (o.crossUsed > x) o.crossUsed = x;
      const avail = x - o.crossUsed;
      if (avail > 0) {
        const a = avail < o.leaves ? avail : o.leaves;
        o.crossUsed += a;
        this.doFill(o, a, o.price, true, t);
        if (r[k] === o) k++;
      } else k++;
    }
  }

  /** The fills recorded so far as right-sized columns. */
  fillColumns(): {
    exchangeTimestamp: Float64Array; localTimestamp: Float64Array; orderId: Float64Array; side: Int8Array; price: Float64Array; amount: Float64Array;
    fee: Float64Array; isMaker: Int8Array; mid: Float64Array; position: Float64Array; cash: Float64Array;
  } {
    const F = this.fill;
    const d = <T extends Float64Array | Int8Array>(b: GrowableBuffer<T>): T => b.done();
    return {
      exchangeTimestamp: d(F.exchangeTimestamp), localTimestamp: d(F.localTimestamp), orderId: d(F.orderId), side: d(F.side), price: d(F.price),
      amount: d(F.amount), fee: d(F.fee), isMaker: d(F.isMaker), mid: d(F.mid), position: d(F.position), cash: d(F.cash),
    };
  }
}
