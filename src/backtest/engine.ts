/**
 * The backtest engine: one event loop over two clocks (see types.ts).
 *
 * Event sources, each a cursor or a FIFO queue, processed in global time order (exchange and local times are on one
 * axis after the clock alignment of data.ts):
 * 1. market trades at their exchange time → the exchange model (exchange.ts: queue advance and fills);
 * 2. book updates at their exchange time → the exchange-side book (queue estimates, crossing fills);
 * 3. our orders and cancels arriving at the exchange (sent at local t, arriving at t + entry latency);
 * 4. reports arriving back at the strategy (exchange time + response latency): acks, fills, cancels, rejects;
 * 5. market trades at their receive time (+ the latency model's market-data shift) → the strategy's trade tape;
 * 6. book updates at their receive time (+ shift) → the local (strategy-visible) book and the mid tape;
 * 7. the strategy's timer (interval schedule) and the start of the run.
 * At equal times the order above decides: the exchange side first (a trade before a book update, since a depth
 * message reports the book after its trades; market data before our message, so an order arriving at t does not
 * trade with a print stamped t), then the local side (reports, then trades, then book updates), then the timer. So a
 * strategy call at local time `now` sees exactly the events with receive time ≤ now, and never one later: the local
 * book, the tapes, the order states, position and cash are all built from such events only.
 * Messages on one path are delivered in order (arrival = max(sent + latency, previous arrival on that path)).
 *
 * Schedules: `{ kind: "interval", intervalUs }` calls onTick at startUs, startUs + intervalUs, … ≤ endUs;
 * `{ kind: "event" }` calls onTick at startUs and after every local event (a trade received, a book update received,
 * a report received). onStart runs once at startUs before the first onTick; onFill runs when a fill report arrives,
 * before anything else at that time, with the fill's `mid` set to the local book's mid then (the result's fill
 * columns keep the exchange-side mid at the match). Events before startUs build both books and the tapes but call no strategy.
 *
 * Samples: one row per onTick (at most one per `sampleIntervalUs` when given), with the state the strategy saw:
 * local mid and best prices, our best live resting bid / ask after the call (limit and post-only orders, pending
 * cancels excluded), position, cash, fees,
 * equity = cash + position·mid (= cash when flat) and equityNoFees = equity + fees.
 * The replay loop allocates nothing per market event: the cursors walk typed arrays, both books are updated in
 * place, tapes grow by doubling. Orders, reports and strategy calls allocate a little.
 */
import { performance } from "node:perf_hooks";
import { ArgumentError } from "../errors";
import { Frame } from "../frame/frame";
import { OrderBook } from "../data/book";
import { deriveSeed } from "../frame/rng";
import { f64Buffer } from "../frame/buffer";
import type {
  BacktestFillColumns, BacktestRaw, BacktestSampleColumns, BookView, FillEvent, MidTape, OrderRequest, OrderView, Side, Strategy,
  StrategyContext, TradeTape,
} from "./types";
import type { MarketStreams } from "./data";
import type { QueueModel } from "./queue";
import type { LatencyModel } from "./latency";
import type { FeeModel } from "./fees";
import {
  RESP_ACK, RESP_CANCELLED, RESP_CANCEL_REJECTED, RESP_FILL, RESP_FILL_FINAL, RESP_REJECTED, SimExchange, SimOrder, type ResponseSink,
} from "./exchange";

/** Configuration of one engine run. */
export interface EngineConfig {
  /** Prepared market data (data.ts `prepareMarketData`). */
  streams: MarketStreams;
  strategy: Strategy;
  queueModel: QueueModel;
  latency: LatencyModel;
  fees: FeeModel;
  /** Crossing-book fills of resting orders (exchange.ts rule (b)); default true. */
  crossFills?: boolean;
  /** Run seed: random models are reset from deriveSeed(seed, …). */
  seed: number;
  /** Local-clock window, µs; defaults: the first book update's receive time, the last event's (both + the market-data shift). */
  startUs?: number;
  endUs?: number;
  /** At most one sample per this many µs (default: one per strategy call). */
  sampleIntervalUs?: number;
  /** Called about every million events with (events done, events total). */
  onProgress?: (done: number, total: number) => void;
}

const MSG_NEW = 1;
const MSG_CANCEL = 2;

/** FIFO of timed messages (orders to the exchange, or reports to the strategy), arrival times non-decreasing. */
class MsgQueue {
  t = new Float64Array(64);
  k = new Int8Array(64);
  o: Array<SimOrder | null> = [];
  f: Array<FillEvent | null> = [];
  head = 0;
  tail = 0;
  /** Last arrival time pushed (FIFO floor). */
  last = -Infinity;
  headTime(): number {
    return this.head < this.tail ? this.t[this.head] : Infinity;
  }
  push(time: number, kind: number, order: SimOrder, fill: FillEvent | null): void {
    if (this.tail === this.t.length) {
      const live = this.tail - this.head;
      if (this.head > 0 && live <= this.t.length / 2) {
        this.t.copyWithin(0, this.head, this.tail);
        this.k.copyWithin(0, this.head, this.tail);
        for (let i = 0; i < live; i++) {
          this.o[i] = this.o[this.head + i];
          this.f[i] = this.f[this.head + i];
        }
      } else {
        const t = new Float64Array(this.t.length * 2);
        t.set(this.t.subarray(this.head, this.tail));
        const k = new Int8Array(this.t.length * 2);
        k.set(this.k.subarray(this.head, this.tail));
        this.t = t;
        this.k = k;
        this.o = this.o.slice(this.head, this.tail);
        this.f = this.f.slice(this.head, this.tail);
      }
      this.o.length = live;
      this.f.length = live;
      this.head = 0;
      this.tail = live;
    }
    this.t[this.tail] = time;
    this.k[this.tail] = kind;
    this.o[this.tail] = order;
    this.f[this.tail] = fill;
    this.tail++;
    this.last = time;
  }
}

/** A growing trade tape (TradeTape): arrays double when full; valid on [0, count). */
class Tape implements TradeTape {
  count = 0;
  localTimestamp = new Float64Array(1024);
  price = new Float64Array(1024);
  amount = new Float64Array(1024);
  side = new Int8Array(1024);
  push(l: number, p: number, a: number, s: number): void {
    if (this.count === this.price.length) {
      const n = this.count * 2;
      const g = <T extends Float64Array | Int8Array>(x: T, y: T): T => {
        y.set(x);
        return y;
      };
      this.localTimestamp = g(this.localTimestamp, new Float64Array(n));
      this.price = g(this.price, new Float64Array(n));
      this.amount = g(this.amount, new Float64Array(n));
      this.side = g(this.side, new Int8Array(n));
    }
    const c = this.count;
    this.localTimestamp[c] = l;
    this.price[c] = p;
    this.amount[c] = a;
    this.side[c] = s;
    this.count = c + 1;
  }
}

/** A growing mid tape (MidTape). */
class Mids implements MidTape {
  count = 0;
  localTimestamp = new Float64Array(1024);
  mid = new Float64Array(1024);
  push(l: number, m: number): void {
    if (this.count === this.mid.length) {
      const n = this.count * 2;
      const a = new Float64Array(n);
      a.set(this.localTimestamp);
      this.localTimestamp = a;
      const b = new Float64Array(n);
      b.set(this.mid);
      this.mid = b;
    }
    this.localTimestamp[this.count] = l;
    this.mid[this.count] = m;
    this.count++;
  }
}

/** Read-only view of the local book (BookView). */
class LocalBookView implements BookView {
  constructor(private readonly b: OrderBook) {}
  bestBid(): number {
    return this.b.bestBid();
  }
  bestAsk(): number {
    return this.b.bestAsk();
  }
  bestBidAmount(): number {
    return this.b.bestBidAmount();
  }
  bestAskAmount(): number {
    return this.b.bestAskAmount();
  }
  mid(): number {
    return this.b.mid();
  }
  levelPrice(side: Side, i: number): number {
    return this.b.levelPrice(side, i);
  }
  levelAmount(side: Side, i: number): number {
    return this.b.levelAmount(side, i);
  }
  depth(side: Side, n: number): number {
    return this.b.depth(side, n);
  }
}

/** A decimal grid (tick or lot): k increments as the double nearest to the decimal k·inc. */
class Grid {
  readonly scale: number;
  readonly units: number;
  constructor(readonly inc: number) {
    let d = 0;
    while (d < 12 && Math.abs(inc * Math.pow(10, d) - Math.round(inc * Math.pow(10, d))) > 1e-9 * inc * Math.pow(10, d)) d++;
    this.scale = Math.pow(10, d);
    this.units = Math.round(inc * this.scale);
  }
  /** k·inc, exactly rounded from the decimal (an integer over a power of ten). */
  at(k: number): number {
    return this.units > 0 ? (k * this.units) / this.scale : k * this.inc;
  }
  floor(x: number): number {
    return this.at(Math.floor(x / this.inc + 1e-9));
  }
  ceil(x: number): number {
    return this.at(Math.ceil(x / this.inc - 1e-9));
  }
  /** x snapped to the nearest grid point when within 1e−6 increment of it (float noise), else x unchanged. */
  snap(x: number): number {
    const r = x / this.inc;
    const k = Math.round(r);
    return Math.abs(r - k) <= 1e-6 ? this.at(k) : x;
  }
}

const ORDER_TYPES = new Set(["limit", "postOnly", "ioc", "market"]);

/** The strategy's context (StrategyContext), backed by the engine's local state. */
class Ctx implements StrategyContext {
  constructor(private readonly e: Engine) {}
  get now(): number {
    return this.e.now;
  }
  get book(): BookView {
    return this.e.bookView;
  }
  get trades(): TradeTape {
    return this.e.tape;
  }
  get mids(): MidTape {
    return this.e.mids;
  }
  get position(): number {
    return this.e.pos;
  }
  get cash(): number {
    return this.e.cash;
  }
  get fees(): number {
    return this.e.fees;
  }
  get openOrders(): ReadonlyArray<OrderView> {
    return this.e.openOrders();
  }
  get tickSize(): number {
    return this.e.tick.inc;
  }
  get lotSize(): number {
    return this.e.lot.inc;
  }
  submit(order: OrderRequest): number {
    return this.e.submit(order);
  }
  cancel(orderId: number): void {
    this.e.cancel(orderId);
  }
  quote(bidPrice: number, bidAmount: number, askPrice: number, askAmount: number): void {
    this.e.quote(bidPrice, bidAmount, askPrice, askAmount);
  }
}

/** The engine (module comment). Use `runEngine`. */
class Engine implements ResponseSink {
  readonly s: MarketStreams;
  readonly strategy: Strategy;
  readonly latency: LatencyModel;
  readonly ex: SimExchange;
  readonly lbook = new OrderBook();
  readonly bookView: LocalBookView;
  readonly tape = new Tape();
  readonly mids = new Mids();
  readonly tick: Grid;
  readonly lot: Grid;
  readonly ctx: Ctx;
  now = NaN;
  pos = 0;
  cash = 0;
  fees = 0;
  private readonly entryQ = new MsgQueue();
  private readonly respQ = new MsgQueue();
  private readonly live: SimOrder[] = [];
  private liveView: ReadonlyArray<OrderView> | null = null;
  private nextId = 0;
  private started = false;
  readonly startUs: number;
  readonly endUs: number;
  private readonly sampleEvery: number;
  private nextSample = -Infinity;
  private readonly smp = {
    localTimestamp: f64Buffer(), mid: f64Buffer(), marketBid: f64Buffer(), marketAsk: f64Buffer(), bid: f64Buffer(), ask: f64Buffer(),
    position: f64Buffer(), cash: f64Buffer(), fees: f64Buffer(), equity: f64Buffer(), equityNoFees: f64Buffer(),
  };
  private lastLocalMid = NaN;
  private readonly onProgress?: (done: number, total: number) => void;

  constructor(cfg: EngineConfig) {
    this.s = cfg.streams;
    this.strategy = cfg.strategy;
    this.latency = cfg.latency;
    this.tick = new Grid(this.s.tickSize);
    this.lot = new Grid(this.s.lotSize);
    this.ex = new SimExchange({ queue: cfg.queueModel, fees: cfg.fees, crossFills: cfg.crossFills, tickSize: this.s.tickSize, lotSize: this.s.lotSize }, this);
    this.bookView = new LocalBookView(this.lbook);
    this.ctx = new Ctx(this);
    const shift = cfg.latency.marketDataShiftUs;
    if (!(shift >= 0) || shift === Infinity) throw new ArgumentError(`latency.marketDataShiftUs must be a finite number >= 0, got ${shift}`, { file: "EngineConfig.latency", field: "marketDataShiftUs" });
    const s0 = this.s.nGroups > 0 ? this.s.groupLocalUs[0] + shift : this.s.firstLocalUs + shift;
    this.startUs = cfg.startUs ?? s0;
    this.endUs = cfg.endUs ?? this.s.lastLocalUs + shift;
    if (!Number.isFinite(this.startUs)) throw new ArgumentError(`startUs must be finite (is the data empty?), got ${this.startUs}`, { file: "EngineConfig", field: "startUs" });
    if (!(this.endUs >= this.startUs)) throw new ArgumentError(`endUs (${this.endUs}) must be >= startUs (${this.startUs})`, { file: "EngineConfig", field: "endUs" });
    const si = cfg.sampleIntervalUs ?? 0;
    if (!(si >= 0) || si === Infinity) throw new ArgumentError(`sampleIntervalUs must be a finite number >= 0, got ${si}`, { file: "EngineConfig", field: "sampleIntervalUs" });
    this.sampleEvery = si;
    const sch = this.strategy.schedule;
    if (sch.kind === "interval" && !(sch.intervalUs > 0 && sch.intervalUs !== Infinity)) {
      throw new ArgumentError(`strategy "${this.strategy.name}": schedule.intervalUs must be a finite number > 0, got ${sch.intervalUs}`, { file: "Strategy", field: "schedule.intervalUs" });
    } else if (sch.kind !== "interval" && sch.kind !== "event") throw new ArgumentError(`strategy "${this.strategy.name}": unknown schedule kind`, { file: "Strategy", field: "schedule" });
    cfg.latency.reset(deriveSeed(cfg.seed, 1));
    this.onProgress = cfg.onProgress;
  }

  // ResponseSink
  arrival(exchangeUs: number): number {
    const l = this.latency.responseUs(exchangeUs);
    const a = exchangeUs + (l > 0 ? l : 0);
    return a > this.respQ.last ? a : this.respQ.last;
  }
  push(localUs: number, kind: number, order: SimOrder, fill: FillEvent | null): void {
    this.respQ.push(localUs, kind, order, fill);
  }

  openOrders(): ReadonlyArray<OrderView> {
    if (this.liveView === null) this.liveView = Object.freeze(this.live.slice());
    return this.liveView;
  }

  private removeLive(o: SimOrder): void {
    const k = this.live.indexOf(o);
    if (k >= 0) this.live.splice(k, 1);
    this.liveView = null;
  }

  private sendMsg(kind: number, o: SimOrder): void {
    const l = this.latency.entryUs(this.now);
    let a = this.now + (l > 0 ? l : 0);
    if (a < this.entryQ.last) a = this.entryQ.last;
    this.entryQ.push(a, kind, o, null);
  }

  submit(req: OrderRequest): number {
    if (!this.started) throw new ArgumentError(`submit() is only allowed from strategy calls`, { file: "StrategyContext", field: "submit" });
    const side = req.side;
    if (side !== 1 && side !== -1) throw new ArgumentError(`order side must be +1 or -1, got ${side}`, { file: "OrderRequest", field: "side" });
    if (!ORDER_TYPES.has(req.type)) throw new ArgumentError(`order type must be limit, postOnly, ioc or market, got "${req.type}"`, { file: "OrderRequest", field: "type" });
    if (!(req.amount > 0) || req.amount === Infinity) throw new ArgumentError(`order amount must be a finite number > 0, got ${req.amount}`, { file: "OrderRequest", field: "amount" });
    let price = req.price;
    if (req.type === "market") price = NaN;
    else if (!(price > 0) || price === Infinity) throw new ArgumentError(`order price must be a finite number > 0, got ${price}`, { file: "OrderRequest", field: "price" });
    else price = this.tick.snap(price);
    const o = new SimOrder(++this.nextId, side, price, this.lot.snap(req.amount), req.type, this.now);
    this.live.push(o);
    this.liveView = null;
    this.sendMsg(MSG_NEW, o);
    return o.id;
  }

  cancel(orderId: number): void {
    for (let k = 0; k < this.live.length; k++) {
      const o = this.live[k];
      if (o.id === orderId) {
        if (o.status === "pendingNew" || o.status === "open") {
          o.status = "pendingCancel";
          this.liveView = null;
          this.sendMsg(MSG_CANCEL, o);
        }
        return;
      }
    }
    if (!(orderId >= 1 && orderId <= this.nextId)) throw new ArgumentError(`cancel: unknown order id ${orderId}`, { file: "StrategyContext.cancel", field: "orderId" });
    // an order already done: nothing to cancel
  }

  quote(bidPrice: number, bidAmount: number, askPrice: number, askAmount: number): void {
    const bp = bidPrice === bidPrice && bidPrice > 0 && bidPrice !== Infinity ? this.tick.floor(bidPrice) : NaN;
    const ap = askPrice === askPrice && askPrice > 0 && askPrice !== Infinity ? this.tick.ceil(askPrice) : NaN;
    const ba = bidAmount > 0 && bidAmount !== Infinity ? this.lot.floor(bidAmount) : 0;
    const aa = askAmount > 0 && askAmount !== Infinity ? this.lot.floor(askAmount) : 0;
    const bidOk = bp > 0 && ba > 0;
    const askOk = ap > 0 && aa > 0;
    if (bidOk && askOk && bp >= ap) {
      throw new ArgumentError(`quote: own bid ${bp} >= own ask ${ap} (a strategy must not cross itself)`, { file: "StrategyContext.quote", field: "bidPrice" });
    }
    this.quoteSide(1, bidOk, bp, ba);
    this.quoteSide(-1, askOk, ap, aa);
  }

  /**
   * One side of `quote`: keeps the first live limit / post-only order of `side` whose price and ORIGINAL amount
   * (`o.amount`, not the unfilled rest) equal the request, cancels every other live order of that side, and submits
   * a post-only order when none was kept. Deliberate choice: an order partially filled keeps its queue priority, so
   * its resting size is then the unfilled rest (amount − filled), smaller than requested, until it fills or the
   * quote changes; topping it up would mean cancel-and-replace at the back of the queue.
   */
  private quoteSide(side: Side, ok: boolean, price: number, amount: number): void {
    let keep = false;
    // cancel() changes statuses, never membership, so the index loop is safe
    const live = this.live;
    for (let k = 0; k < live.length; k++) {
      const o = live[k];
      if (o.side !== side || (o.status !== "pendingNew" && o.status !== "open")) continue;
      if (ok && !keep && o.price === price && o.amount === amount && o.type !== "ioc" && o.type !== "market") keep = true;
      else {
        o.status = "pendingCancel";
        this.liveView = null;
        this.sendMsg(MSG_CANCEL, o);
      }
    }
    if (ok && !keep) this.submit({ side, price, amount, type: "postOnly" });
  }

  private onResponse(kind: number, o: SimOrder, f: FillEvent | null): void {
    if (kind === RESP_FILL || kind === RESP_FILL_FINAL) {
      const fe = f as FillEvent;
      o.filled += fe.amount;
      const sd = fe.side;
      this.pos += sd * fe.amount;
      this.cash -= sd * fe.price * fe.amount + fe.fee;
      this.fees += fe.fee;
      if (kind === RESP_FILL_FINAL) {
        o.status = "filled";
        this.removeLive(o);
      }
      // the strategy gets the LOCAL book's mid as of the report's arrival (what its own feed has delivered by then),
      // never the exchange-side mid at the match, which a short response latency could reveal ahead of the feed;
      // the result's fill columns keep the exchange-side mid (metrics: spread capture, adverse selection)
      if (this.started && this.strategy.onFill) this.strategy.onFill({ ...fe, mid: this.lbook.mid() }, this.ctx);
    } else if (kind === RESP_ACK) {
      if (o.status === "pendingNew") {
        o.status = "open";
        this.liveView = null;
      }
    } else if (kind === RESP_CANCELLED) {
      o.status = "cancelled";
      this.removeLive(o);
    } else if (kind === RESP_REJECTED) {
      o.status = "rejected";
      this.removeLive(o);
    } else if (kind === RESP_CANCEL_REJECTED) {
      // the order was already done at the exchange; its final report came first (FIFO)
    }
  }

  private callTick(): void {
    this.strategy.onTick(this.ctx);
    const t = this.now;
    if (this.sampleEvery > 0) {
      if (t < this.nextSample) return;
      this.nextSample = t + this.sampleEvery;
    }
    const S = this.smp;
    const bb = this.lbook.bestBid(), ba = this.lbook.bestAsk();
    const mid = (bb + ba) / 2;
    let ob = NaN, oa = NaN;
    for (const o of this.live) {
      if ((o.status !== "pendingNew" && o.status !== "open") || o.type === "market" || o.type === "ioc") continue;
      if (o.side === 1) {
        if (!(o.price <= ob)) ob = o.price;
      } else if (!(o.price >= oa)) oa = o.price;
    }
    const eq = this.pos === 0 ? this.cash : this.cash + this.pos * mid;
    S.localTimestamp.push(t);
    S.mid.push(mid);
    S.marketBid.push(bb);
    S.marketAsk.push(ba);
    S.bid.push(ob);
    S.ask.push(oa);
    S.position.push(this.pos);
    S.cash.push(this.cash);
    S.fees.push(this.fees);
    S.equity.push(eq);
    S.equityNoFees.push(eq + this.fees);
  }

  run(): BacktestRaw {
    const t0 = performance.now();
    const s = this.s;
    const G = s.nGroups, T = s.nTrades;
    const gEx = s.groupExchUs, gLoc = s.groupLocalUs, gStart = s.groupStart, gReset = s.groupReset;
    const tEx = s.tradeExchUs, tLoc = s.tradeLocalUs, tPx = s.tradePrice, tAmt = s.tradeAmount, tSd = s.tradeSide;
    const rSide = s.rowSide, rPx = s.rowPrice, rAmt = s.rowAmount;
    const shift = this.latency.marketDataShiftUs;
    const ex = this.ex;
    const entryQ = this.entryQ, respQ = this.respQ;
    const lb = this.lbook;
    const lbids = lb._bids(), lasks = lb._asks();
    const tape = this.tape, mids = this.mids;
    const endUs = this.endUs, startUs = this.startUs;
    const sch = this.strategy.schedule;
    const eventMode = sch.kind === "event";
    const interval = sch.kind === "interval" ? sch.intervalUs : Infinity;
    let nextTick = startUs;
    let ticks = 0;
    let eg = 0, et = 0, lg = 0, lt = 0;
    let rows = 0;
    const total = s.nRows + T;
    let nextProgress = this.onProgress ? 1 << 20 : Infinity;
    const INF = Infinity;

    for (;;) {
      const aEt = et < T ? tEx[et] : INF;
      const aEg = eg < G ? gEx[eg] : INF;
      const aEq = entryQ.head < entryQ.tail ? entryQ.t[entryQ.head] : INF;
      const aRq = respQ.head < respQ.tail ? respQ.t[respQ.head] : INF;
      const aLt = lt < T ? tLoc[lt] + shift : INF;
      const aLg = lg < G ? gLoc[lg] + shift : INF;
      let t = aEt;
      if (aEg < t) t = aEg;
      if (aEq < t) t = aEq;
      if (aRq < t) t = aRq;
      if (aLt < t) t = aLt;
      if (aLg < t) t = aLg;
      if (nextTick < t) t = nextTick;
      if (!(t <= endUs)) break;

      if (aEt === t) {
        ex.onTrade(tPx[et], tAmt[et], tSd[et], t);
        et++;
      } else if (aEg === t) {
        ex.onBook(s, eg, t);
        rows += gStart[eg + 1] - gStart[eg];
        eg++;
        if (rows + et >= nextProgress) {
          this.onProgress!(rows + et, total);
          nextProgress += 1 << 20;
        }
      } else if (aEq === t) {
        const h = entryQ.head;
        const kind = entryQ.k[h];
        const o = entryQ.o[h] as SimOrder;
        entryQ.o[h] = null;
        entryQ.head = h + 1;
        if (kind === MSG_NEW) ex.onNew(o, t);
        else ex.onCancel(o, t);
      } else if (aRq === t) {
        const h = respQ.head;
        const kind = respQ.k[h];
        const o = respQ.o[h] as SimOrder;
        const f = respQ.f[h];
        respQ.o[h] = null;
        respQ.f[h] = null;
        respQ.head = h + 1;
        this.now = t;
        this.onResponse(kind, o, f);
        if (eventMode && this.started) this.callTick();
      } else if (aLt === t) {
        tape.push(t, tPx[lt], tAmt[lt], tSd[lt]);
        lt++;
        if (eventMode && this.started) {
          this.now = t;
          this.callTick();
        }
      } else if (aLg === t) {
        const a = gStart[lg], b = gStart[lg + 1];
        if (gReset[lg] === 1) lb.clear();
        for (let i = a; i < b; i++) {
          if (rSide[i] === 1) lbids.set(rPx[i], rAmt[i]);
          else lasks.set(-rPx[i], rAmt[i]);
        }
        lg++;
        const m = (lbids.bestKey() - lasks.bestKey()) / 2;
        if (m !== this.lastLocalMid && m === m) {
          mids.push(t, m);
          this.lastLocalMid = m;
        }
        if (eventMode && this.started) {
          this.now = t;
          this.callTick();
        }
      } else {
        // timer: the start, then interval ticks
        this.now = t;
        if (!this.started) {
          this.started = true;
          if (this.strategy.onStart) this.strategy.onStart(this.ctx);
        }
        this.callTick();
        ticks++;
        nextTick = eventMode ? INF : startUs + ticks * interval;
      }
    }

    const wallMs = performance.now() - t0;
    const F = ex.fillColumns();
    const fills = new Frame<BacktestFillColumns>(F);
    const S = this.smp;
    const samples = new Frame<BacktestSampleColumns>({
      localTimestamp: S.localTimestamp.done(), mid: S.mid.done(), marketBid: S.marketBid.done(), marketAsk: S.marketAsk.done(),
      bid: S.bid.done(), ask: S.ask.done(), position: S.position.done(), cash: S.cash.done(), fees: S.fees.done(),
      equity: S.equity.done(), equityNoFees: S.equityNoFees.done(),
    });
    let mid = ex.book.mid();
    if (mid !== mid) mid = ex.lastFiniteMid;
    const events = rows + et;
    const c = ex.counts;
    return {
      strategy: this.strategy.name,
      fills,
      samples,
      orders: { submitted: c.submitted, cancelled: c.cancelled, rejected: c.rejected, partiallyOrFullyFilled: c.partiallyOrFullyFilled, filled: c.filled, fills: c.fills, cancelRacesLost: c.cancelRacesLost },
      market: { time: ex.market.time.done(), mid: ex.market.mid.done(), spread: ex.market.spread.done() },
      stats: {
        events,
        bookUpdates: rows,
        trades: et,
        wallMs,
        eventsPerSec: wallMs > 0 ? (events / wallMs) * 1000 : NaN,
        peakRssMB: process.resourceUsage().maxRSS / 1024,
      },
      final: { position: ex.position, cash: ex.cash, fees: ex.fees, mid, equity: ex.position === 0 ? ex.cash : ex.cash + ex.position * mid },
      startUs,
      endUs,
    };
  }
}

/**
 * Runs one backtest over prepared market data (module comment for the event order, clocks and schedules) and
 * returns the raw result (types.ts BacktestRaw): fills (exchange-side accounting: position and cash after each
 * fill), samples (one per strategy call), order counts, the exchange-side mid/spread record, run statistics, and
 * the final position / cash / fees with equity marked at the last exchange mid. Deterministic: the same streams,
 * configuration and seed give bit-identical fills and samples (only `stats` timings differ).
 */
export function runEngine(cfg: EngineConfig): BacktestRaw {
  return new Engine(cfg).run();
}
