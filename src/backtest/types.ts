/**
 * The contracts of the tick-level market-making backtester, shared by the engine (engine.ts, exchange.ts, queue.ts,
 * latency.ts, fees.ts), the strategies (strategies/*.ts, guards.ts) and the metrics (metrics.ts, tearsheet.ts).
 *
 * Clocks (as hftbacktest): every market event has an exchange time (`timestamp`) and a receive time
 * (`localTimestamp`), epoch µs. The exchange model matches orders on the exchange clock; the strategy lives on the
 * local clock and sees an event only once its `localTimestamp` ≤ now. An order sent at local time t reaches the
 * exchange at t + entry latency (exchange clock) and its acknowledgement / fills come back after the response
 * latency. Market-data latency is what the data's own receive times say, optionally shifted (latency.ts).
 * Sides: +1 buy / bid, −1 sell / ask. Prices in quote currency, amounts in base units, money in quote currency.
 */
import type { Frame } from "../frame/frame";

/** +1 buy / bid, −1 sell / ask. */
export type Side = 1 | -1;

/**
 * Order types: "limit" rests (and takes if it crosses on arrival, paying taker fees on that part); "postOnly"
 * (Binance GTX) is rejected if it would cross on arrival; "ioc" takes what it can on arrival and cancels the rest;
 * "market" walks the book for its whole amount (what the book cannot fill is cancelled).
 */
export type OrderType = "limit" | "postOnly" | "ioc" | "market";

/** Life cycle as the strategy sees it (local clock). */
export type OrderStatus = "pendingNew" | "open" | "pendingCancel" | "filled" | "cancelled" | "rejected";

/** What a strategy asks for. */
export interface OrderRequest {
  side: Side;
  /** Limit price (ignored for "market"). */
  price: number;
  /** Base units, > 0. */
  amount: number;
  type: OrderType;
}

/** One of our orders as the strategy knows it (acknowledged state; updated when responses arrive). */
export interface OrderView {
  readonly id: number;
  readonly side: Side;
  readonly price: number;
  readonly amount: number;
  /** Filled so far (base units), as reported back to the strategy. */
  readonly filled: number;
  readonly type: OrderType;
  readonly status: OrderStatus;
  /** Local time the strategy sent it, µs. */
  readonly sentUs: number;
}

/** Read-only view of the order book as the strategy sees it (events received up to `now`). */
export interface BookView {
  bestBid(): number;
  bestAsk(): number;
  bestBidAmount(): number;
  bestAskAmount(): number;
  /** (bestBid + bestAsk) / 2, NaN when a side is empty. */
  mid(): number;
  /** Level i (0 = best) of a side; NaN beyond the book. */
  levelPrice(side: Side, i: number): number;
  levelAmount(side: Side, i: number): number;
  /** Σ size of the best n levels of a side. */
  depth(side: Side, n: number): number;
}

/** Market trades received so far (local clock), as growing typed-array views; index 0 is the oldest kept. */
export interface TradeTape {
  /** Number of trades available (the arrays below are valid on [0, count)). */
  readonly count: number;
  readonly localTimestamp: Float64Array;
  readonly price: Float64Array;
  readonly amount: Float64Array;
  /** Aggressor side, +1 / −1 / 0. */
  readonly side: Int8Array;
}

/** Mid samples received so far (one per book update that changed the mid), for trailing estimates of σ. */
export interface MidTape {
  readonly count: number;
  readonly localTimestamp: Float64Array;
  readonly mid: Float64Array;
}

/** A fill as reported to the strategy (local clock) and recorded in the result. */
export interface FillEvent {
  readonly orderId: number;
  /** Exchange time of the match, µs. */
  readonly exchangeUs: number;
  /** Local time the strategy learns of it (exchange time + response latency), µs. */
  readonly localUs: number;
  readonly side: Side;
  readonly price: number;
  readonly amount: number;
  /** Fee in quote currency, negative for a rebate. */
  readonly fee: number;
  readonly isMaker: boolean;
  /**
   * Mid as the strategy may know it: in the FillEvent given to `onFill`, the LOCAL book's mid when the report arrives
   * (localUs; only market data received by then, NaN when the local book lacks a side), so a response latency shorter
   * than the feed latency leaks no exchange-side price. The result's fill columns (BacktestFillColumns.mid) keep the
   * exchange-side mid at the match, for spread capture and adverse selection.
   */
  readonly mid: number;
}

/** What a strategy gets at each call. Everything in it is as of local time `now`: nothing later is visible. */
export interface StrategyContext {
  /** Local time, µs. */
  readonly now: number;
  readonly book: BookView;
  readonly trades: TradeTape;
  readonly mids: MidTape;
  /** Position (base units) and cash (quote currency) from the fills received so far. */
  readonly position: number;
  readonly cash: number;
  /** Fees paid so far (quote currency; rebates negative). */
  readonly fees: number;
  /** Our live orders (not filled, cancelled or rejected), as known locally. */
  readonly openOrders: ReadonlyArray<OrderView>;
  /** Minimum price increment and size increment of the instrument. */
  readonly tickSize: number;
  readonly lotSize: number;
  /** Sends an order; returns its id. It reaches the exchange after the entry latency. */
  submit(order: OrderRequest): number;
  /** Requests a cancel; it reaches the exchange after the entry latency (a fill may win the race). */
  cancel(orderId: number): void;
  /**
   * Market-making convenience: keep at most one bid and one ask resting at these prices and sizes (post-only).
   * Orders already resting at the same price and size are left alone (their queue place is kept); others are
   * cancelled and replaced. "Same size" compares the order's original amount: an order partially filled is kept as
   * is (its queue priority is worth more than the top-up), so its resting size is then amount − filled, less than
   * requested, until it fills or the quote's price or size changes. NaN price or amount ≤ 0 means no quote on that side. Prices are rounded to the tick
   * (bid down, ask up) and sizes down to the lot.
   */
  quote(bidPrice: number, bidAmount: number, askPrice: number, askAmount: number): void;
}

/** When the engine calls `onTick`. */
export type StrategySchedule = { kind: "event" } | { kind: "interval"; intervalUs: number };

/** A strategy: small, deterministic, over this one interface (strategies/*.ts). */
export interface Strategy {
  readonly name: string;
  readonly schedule: StrategySchedule;
  /** Called on the schedule with the current context. */
  onTick(ctx: StrategyContext): void;
  /** Called when a fill report arrives (local clock), before the next onTick. */
  onFill?(fill: FillEvent, ctx: StrategyContext): void;
  /** Called once before the run (state must be reset here, so one strategy object can run twice identically). */
  onStart?(ctx: StrategyContext): void;
}

/** Columns of `BacktestRaw.fills`, one row per fill (partial fills are separate rows). */
export type BacktestFillColumns = {
  exchangeTimestamp: Float64Array;
  localTimestamp: Float64Array;
  orderId: Float64Array;
  side: Int8Array;
  price: Float64Array;
  amount: Float64Array;
  fee: Float64Array;
  /** 1 maker, 0 taker. */
  isMaker: Int8Array;
  /** Exchange-side mid at the match. */
  mid: Float64Array;
  /** Position and cash after the fill. */
  position: Float64Array;
  cash: Float64Array;
};

/**
 * Columns of `BacktestRaw.samples`, one row per strategy call (the engine's sampling clock): the state the
 * strategy saw and what it quoted. equity = cash + position·mid; equityNoFees adds back the fees paid.
 */
export type BacktestSampleColumns = {
  localTimestamp: Float64Array;
  mid: Float64Array;
  marketBid: Float64Array;
  marketAsk: Float64Array;
  /** Our resting bid / ask after the call (NaN = none). */
  bid: Float64Array;
  ask: Float64Array;
  position: Float64Array;
  cash: Float64Array;
  fees: Float64Array;
  equity: Float64Array;
  equityNoFees: Float64Array;
};

/** Order-flow counts of a run. */
export interface OrderCounts {
  submitted: number;
  cancelled: number;
  rejected: number;
  /** Orders with at least one fill; fully filled ones. */
  partiallyOrFullyFilled: number;
  filled: number;
  /** Fill rows (partials counted separately). */
  fills: number;
  /** Cancels that arrived after the order had already filled (lost races). */
  cancelRacesLost: number;
}

/** What the engine produces, before metrics. */
export interface BacktestRaw {
  strategy: string;
  fills: Frame<BacktestFillColumns>;
  samples: Frame<BacktestSampleColumns>;
  orders: OrderCounts;
  /** Market trades and mids of the run (exchange-side), for adverse-selection and market-spread metrics. */
  market: { time: Float64Array; mid: Float64Array; spread: Float64Array };
  /** Run statistics: events processed, wall time, events/s, peak RSS. */
  stats: { events: number; bookUpdates: number; trades: number; wallMs: number; eventsPerSec: number; peakRssMB: number };
  /** Final position, cash, fees and the last mid. */
  final: { position: number; cash: number; fees: number; mid: number; equity: number };
  /** Start and end of the run, local clock, µs. */
  startUs: number;
  endUs: number;
}
