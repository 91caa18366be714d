/**
 * A hand-driven StrategyContext for testing strategies and guards without the engine: the test sets the clock, the
 * book, the tapes, the position and cash; the context records every quote(), submit() and cancel() call.
 * quote() keeps at most one bid and one ask in `openOrders` (an order at the same price and size is kept, as the
 * contract says); submit() adds a "pendingNew" order; cancel() removes it. Nothing fills unless the test says so
 * (`fill`).
 */
import type { BookView, FillEvent, MidTape, OrderRequest, OrderView, Side, Strategy, StrategyContext, TradeTape } from "../../src/backtest/types";

export interface QuoteCall {
  now: number;
  bidPrice: number;
  bidAmount: number;
  askPrice: number;
  askAmount: number;
}
export interface SubmitCall {
  now: number;
  id: number;
  order: OrderRequest;
}
export interface CancelCall {
  now: number;
  orderId: number;
}

/** Book levels, best first: [price, amount]. */
export type Levels = ReadonlyArray<readonly [number, number]>;

class FakeBook implements BookView {
  bids: Levels = [];
  asks: Levels = [];
  private side(s: Side): Levels {
    return s === 1 ? this.bids : this.asks;
  }
  bestBid(): number { return this.bids.length ? this.bids[0][0] : NaN; }
  bestAsk(): number { return this.asks.length ? this.asks[0][0] : NaN; }
  bestBidAmount(): number { return this.bids.length ? this.bids[0][1] : NaN; }
  bestAskAmount(): number { return this.asks.length ? this.asks[0][1] : NaN; }
  mid(): number { return this.bids.length && this.asks.length ? (this.bids[0][0] + this.asks[0][0]) / 2 : NaN; }
  levelPrice(side: Side, i: number): number { const l = this.side(side); return i < l.length ? l[i][0] : NaN; }
  levelAmount(side: Side, i: number): number { const l = this.side(side); return i < l.length ? l[i][1] : NaN; }
  depth(side: Side, n: number): number {
    const l = this.side(side);
    let s = 0;
    for (let i = 0; i < n && i < l.length; i++) s += l[i][1];
    return s;
  }
}

/** A growing tape over typed arrays; `drop(n)` removes the n oldest rows (as an engine trimming history may). */
class Tape {
  count = 0;
  localTimestamp = new Float64Array(16);
  protected grow(): void {
    if (this.count < this.localTimestamp.length) return;
    const n = this.localTimestamp.length * 2;
    for (const key of Object.keys(this) as (keyof this)[]) {
      const a = this[key];
      if (a instanceof Float64Array || a instanceof Int8Array) {
        const b = new (a.constructor as { new (n: number): Float64Array | Int8Array })(n);
        b.set(a);
        (this as Record<string, unknown>)[key as string] = b;
      }
    }
  }
  drop(n: number): void {
    for (const key of Object.keys(this)) {
      const a = (this as Record<string, unknown>)[key];
      if (a instanceof Float64Array || a instanceof Int8Array) a.copyWithin(0, n, this.count);
    }
    this.count -= n;
  }
}

class FakeMidTape extends Tape implements MidTape {
  mid = new Float64Array(16);
  push(t: number, m: number): void {
    if (this.count > 0 && t < this.localTimestamp[this.count - 1]) throw new Error(`mid tape out of order at ${t}`);
    this.grow();
    this.localTimestamp[this.count] = t;
    this.mid[this.count] = m;
    this.count++;
  }
}

class FakeTradeTape extends Tape implements TradeTape {
  price = new Float64Array(16);
  amount = new Float64Array(16);
  side = new Int8Array(16);
  push(t: number, price: number, amount: number, side: number): void {
    if (this.count > 0 && t < this.localTimestamp[this.count - 1]) throw new Error(`trade tape out of order at ${t}`);
    this.grow();
    this.localTimestamp[this.count] = t;
    this.price[this.count] = price;
    this.amount[this.count] = amount;
    this.side[this.count] = side;
    this.count++;
  }
}

interface MutableOrder {
  id: number;
  side: Side;
  price: number;
  amount: number;
  filled: number;
  type: OrderRequest["type"];
  status: OrderView["status"];
  sentUs: number;
  quote: boolean;
}

export class FakeContext implements StrategyContext {
  now = 0;
  position = 0;
  cash = 0;
  fees = 0;
  readonly tickSize: number;
  readonly lotSize: number;
  readonly book = new FakeBook();
  readonly mids = new FakeMidTape();
  readonly trades = new FakeTradeTape();
  openOrders: OrderView[] = [];
  readonly quotes: QuoteCall[] = [];
  readonly submits: SubmitCall[] = [];
  readonly cancels: CancelCall[] = [];
  private nextId = 1;

  constructor(opts: { tickSize?: number; lotSize?: number } = {}) {
    this.tickSize = opts.tickSize ?? 0.01;
    this.lotSize = opts.lotSize ?? 0.001;
  }

  /** Sets the clock (µs). */
  at(now: number): this {
    this.now = now;
    return this;
  }

  /** Replaces the book (at the current time) and appends the mid to the mid tape when it changed, as the engine does. */
  setBook(bids: Levels, asks: Levels): this {
    this.book.bids = bids;
    this.book.asks = asks;
    const m = this.book.mid();
    const n = this.mids.count;
    if (m === m && (n === 0 || this.mids.mid[n - 1] !== m)) this.mids.push(this.now, m);
    return this;
  }

  /** A one-level book bid/ask with the given sizes. */
  setTop(bid: number, ask: number, bidAmount = 1, askAmount = 1): this {
    return this.setBook([[bid, bidAmount]], [[ask, askAmount]]);
  }

  addMid(t: number, mid: number): this {
    this.mids.push(t, mid);
    return this;
  }

  addTrade(t: number, price: number, amount: number, side: number): this {
    this.trades.push(t, price, amount, side);
    return this;
  }

  /** Applies a fill to position and cash (cash net of the fee), returns the FillEvent a strategy would get. */
  fill(side: Side, price: number, amount: number, fee = 0, orderId = 0): FillEvent {
    this.position += side * amount;
    this.cash -= side * price * amount + fee;
    this.fees += fee;
    return { orderId, exchangeUs: this.now, localUs: this.now, side, price, amount, fee, isMaker: true, mid: this.book.mid() };
  }

  submit(order: OrderRequest): number {
    const id = this.nextId++;
    this.submits.push({ now: this.now, id, order: { ...order } });
    const o: MutableOrder = { id, side: order.side, price: order.price, amount: order.amount, filled: 0, type: order.type, status: "pendingNew", sentUs: this.now, quote: false };
    this.openOrders.push(o);
    return id;
  }

  cancel(orderId: number): void {
    this.cancels.push({ now: this.now, orderId });
    this.openOrders = this.openOrders.filter((o) => o.id !== orderId);
  }

  quote(bidPrice: number, bidAmount: number, askPrice: number, askAmount: number): void {
    this.quotes.push({ now: this.now, bidPrice, bidAmount, askPrice, askAmount });
    const want: Array<[Side, number, number]> = [
      [1, bidPrice, bidAmount],
      [-1, askPrice, askAmount],
    ];
    for (const [side, price, amount] of want) {
      const cur = this.openOrders.find((o) => (o as MutableOrder).quote && o.side === side);
      const live = price === price && amount > 0;
      if (cur && live && cur.price === price && cur.amount === amount) continue;
      if (cur) this.openOrders = this.openOrders.filter((o) => o !== cur);
      if (live) {
        const o: MutableOrder = { id: this.nextId++, side, price, amount, filled: 0, type: "postOnly", status: "open", sentUs: this.now, quote: true };
        this.openOrders.push(o);
      }
    }
  }

  /** Marks an order as done (filled or cancelled by the exchange): it leaves openOrders. */
  finish(orderId: number): void {
    this.openOrders = this.openOrders.filter((o) => o.id !== orderId);
  }

  /** The last quote() call. */
  lastQuote(): QuoteCall {
    const q = this.quotes[this.quotes.length - 1];
    if (!q) throw new Error("no quote() call recorded");
    return q;
  }

  /** Calls onStart, then onTick at every time (µs), running `before(t)` first to set up the state at t. */
  run(strategy: Strategy, times: ArrayLike<number>, before?: (t: number, ctx: FakeContext) => void): this {
    if (strategy.onStart) strategy.onStart(this);
    for (let i = 0; i < times.length; i++) {
      this.now = times[i];
      if (before) before(times[i], this);
      strategy.onTick(this);
    }
    return this;
  }
}

/** Times from `start` to `end` (inclusive) every `step` µs. */
export function timesUs(start: number, end: number, step: number): Float64Array {
  const n = Math.floor((end - start) / step + 1e-9) + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return out;
}
