/**
 * The normalized schemas: one column layout per data type, shared by every loader and every analytic.
 *
 * Conventions (see ARCHITECTURE.md):
 * - `timestamp` is the exchange's time, `localTimestamp` the capture machine's receive time; both are
 *   epoch **microseconds** (UTC) in a Float64Array, exact below 2^53. Nanosecond sources are converted
 *   exactly on load (integer division of the decimal string, never through a float).
 *   Where a source has no exchange time (Binance spot bookTicker), `timestamp` equals `localTimestamp`.
 * - Prices are in the quote asset, amounts in the base asset, both float64 and never rounded.
 * - Sides are Int8: +1 buy / bid, −1 sell / ask, 0 unknown.
 * - A value a source does not carry is NaN (numeric) or "" (string), never a made-up number.
 */
import type { Frame } from "../frame/frame";

/** Trade ticks. One row per trade, in arrival order. */
export type TradeColumns = {
  /** Exchange trade time, epoch µs. */
  timestamp: Float64Array;
  /** Local receive time, epoch µs (NaN if the source has none). */
  localTimestamp: Float64Array;
  /** Trade price, quote currency per unit of base. */
  price: Float64Array;
  /** Trade size, base units (> 0). */
  amount: Float64Array;
  /** Aggressor (taker) side: +1 buyer-initiated, −1 seller-initiated, 0 unknown. */
  side: Int8Array;
  /** Exchange trade id (numeric ids as float64, exact below 2^53; NaN if absent). */
  id: Float64Array;
};
export type TradeFrame = Frame<TradeColumns>;
export const TRADE_COLUMNS = ["timestamp", "localTimestamp", "price", "amount", "side", "id"] as const;

/** Best bid / offer (top of book) updates. */
export type QuoteColumns = {
  /** Exchange time, epoch µs (equals localTimestamp where the source has none). */
  timestamp: Float64Array;
  /** Local receive time, epoch µs. */
  localTimestamp: Float64Array;
  /** Exchange order-book update id (NaN where the source has none). */
  updateId: Float64Array;
  /** Best bid price (NaN when the bid side is empty). */
  bidPrice: Float64Array;
  /** Size at the best bid, base units. */
  bidAmount: Float64Array;
  /** Best ask price (NaN when the ask side is empty). */
  askPrice: Float64Array;
  /** Size at the best ask, base units. */
  askAmount: Float64Array;
};
export type QuoteFrame = Frame<QuoteColumns>;
export const QUOTE_COLUMNS = ["timestamp", "localTimestamp", "updateId", "bidPrice", "bidAmount", "askPrice", "askAmount"] as const;

/**
 * L2 order-book changes (Tardis `incremental_book_L2` semantics): one row per changed price level.
 * `amount` is the new **absolute** size at `price`; 0 deletes the level. Rows with `isSnapshot = 1`
 * replace the book: a run of snapshot rows following a non-snapshot row starts a fresh book.
 * Rows sharing `localTimestamp` and `updateId` form one atomic update (one exchange message).
 */
export type BookChangeColumns = {
  /** Exchange time, epoch µs. */
  timestamp: Float64Array;
  /** Local receive time, epoch µs. */
  localTimestamp: Float64Array;
  /** 1 for rows of a snapshot, 0 for incremental changes. */
  isSnapshot: Int8Array;
  /** +1 bid, −1 ask. */
  side: Int8Array;
  /** Level price, quote currency. */
  price: Float64Array;
  /** New absolute size at the level, base units; 0 removes the level. */
  amount: Float64Array;
  /** Final update id of the exchange message this row came from (Binance `u`, snapshot `lastUpdateId`); NaN if none. */
  updateId: Float64Array;
};
export type BookChangeFrame = Frame<BookChangeColumns>;
export const BOOK_CHANGE_COLUMNS = ["timestamp", "localTimestamp", "isSnapshot", "side", "price", "amount", "updateId"] as const;

/**
 * Book snapshots of the top N levels (Tardis `book_snapshot_25`): columns `timestamp`, `localTimestamp`, then for
 * level i = 0..N−1 (0 = best): `bidPrice{i}`, `bidAmount{i}`, `askPrice{i}`, `askAmount{i}`. Missing levels are NaN.
 */
export type BookSnapshotFrame = Frame<{ [name: string]: Float64Array }>;
/** Column name of the price or amount of level `i` (0 = best) on a side. */
export function levelColumn(side: "bid" | "ask", what: "Price" | "Amount", i: number): string {
  return `${side}${what}${i}`;
}

/** OHLCV candles. */
export type CandleColumns = {
  /** Candle open time, epoch µs. */
  timestamp: Float64Array;
  /** Candle close time, epoch µs (Binance: open + interval − 1 ms; NaN if the source has none). */
  closeTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Base-asset volume. */
  volume: Float64Array;
  /** Quote-asset volume (NaN if absent; never approximated on load). */
  quoteVolume: Float64Array;
  /** Number of trades (NaN if absent). */
  trades: Float64Array;
  /** Taker-buy base volume (NaN if absent). */
  takerBuyVolume: Float64Array;
  /** Taker-buy quote volume (NaN if absent). */
  takerBuyQuoteVolume: Float64Array;
};
export type CandleFrame = Frame<CandleColumns>;
export const CANDLE_COLUMNS = [
  "timestamp", "closeTime", "open", "high", "low", "close", "volume", "quoteVolume", "trades", "takerBuyVolume", "takerBuyQuoteVolume",
] as const;

/** Timestamped news headlines. */
export type HeadlineColumns = {
  /** Publication time, epoch µs (minute resolution for the cryptonews file). */
  timestamp: Float64Array;
  source: string[];
  /** Topic tag given by the source (e.g. bitcoin, ethereum, defi); "" if none. */
  subject: string[];
  title: string[];
  /** Summary text; "" if none. */
  text: string[];
  url: string[];
  /** Label shipped with the dataset (e.g. positive / neutral / negative); "" if none. */
  sentimentClass: string[];
  /** Polarity shipped with the dataset, in [−1, 1]; NaN if none. */
  sentimentPolarity: Float64Array;
};
export type HeadlineFrame = Frame<HeadlineColumns>;
export const HEADLINE_COLUMNS = ["timestamp", "source", "subject", "title", "text", "url", "sentimentClass", "sentimentPolarity"] as const;
