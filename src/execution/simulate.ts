/**
 * Execution simulator: works a parent order through a child schedule against a replay of real L2 book changes and
 * trades, with explicit policies (participation cap, partial fills, seeded rejects and retries, deadline catch-up),
 * and hands the fills to `tca`.
 *
 * Route: a self-contained replay loop over the typed arrays (book changes via `bookIterator`, trades), merged on
 * one clock, the **local receive time** (`localTimestamp`; a trade without one uses its exchange `timestamp`).
 * At equal times a book update is applied before a trade. Our actions (slice starts and ends, order arrivals after
 * the latency, retries, the catch-up) at time T see the market after every data event with time ≤ T.
 * Latency: an order decided at T acts on the book prevailing at T + `latency.orderUs` (our received book stands in
 * for the exchange's: the replay has no separate exchange state). A cancel decided at T takes effect at
 * T + `latency.cancelUs` (default `orderUs`): until then the resting order stays live and can still be filled (the
 * race every real cancel runs), and a replacement order goes live no earlier than the cancel (one resting order at a
 * time: a cancel-replace, live at T + max(orderUs, cancelUs)).
 *
 * Child orders:
 * - "marketable": an IOC that walks the replayed book at its arrival, level by level at real depth (one fill row per
 *   level, taker fee), up to a price collar (best opposite price · (1 ± collarBps/1e4); default no collar).
 *   **Our consumption persists within the slice**: the amounts we took at each price are remembered and subtracted
 *   from that level's (historical) size until the slice ends, so a second child in the same slice cannot take the
 *   same liquidity again; at each slice start the book is taken as the history shows it (full resilience between
 *   slices). The replayed history does not react to us otherwise (no refill model, no shift of other traders).
 * - "limit": rests at our touch (best bid for a buy, best ask for a sell, as of the send time) and fills only from
 *   market trades that reach it, through a queue model of src/backtest/queue.ts (default `riskAverseQueue()`, as
 *   hftbacktest's RiskAdverseQueueModel): on arrival we join the back of the level (queue ahead = the level's size,
 *   `onNew`); a trade at our price by the opposite aggressor (or an unknown one) first consumes the queue ahead and
 *   the excess fills us (`onTrade`); a change of the level's size goes to `onDepth` (risk-averse: ahead =
 *   min(ahead, level)); a trade through our price by the opposite (or an unknown) aggressor fills us in full (the
 *   level was emptied); a trade by our own side's aggressor never fills us, at or through our price (as the
 *   backtest exchange, src/backtest/exchange.ts `onTrade`). Our order is not added
 *   to the replayed sizes, and an opposite touch that crosses our price does not fill us by itself (only trades do).
 *   With `repeg` (default) the order is pegged to the touch: whenever the replayed touch differs from our price after
 *   a book update (moved away, or moved through us), we cancel and re-post at it (a new order: latency, reject draw,
 *   back of the queue). Without it an order left above a falling market (a buy) keeps filling from every trade
 *   through its stale price, which on the BTCUSDT capture cost ~3.5 bps of impact. Fills at our limit price, maker
 *   fee. Cancelled at slice end.
 *
 * Policies (all explicit, defaults in brackets):
 * - participationCap [∞]: in each slice, our filled quantity ≤ cap × the market volume of that slice's trades
 *   (start ≤ t < end, the market tape excludes us). Marketable: children are sent as market volume accrues, each for
 *   the headroom cap·(volume so far) − (filled + in flight); limit: each fill is cut to the headroom.
 * - partialFills [true]: false makes a marketable child fill-or-kill (if the book within the collar cannot fill it
 *   all, it is killed and treated as a failure) and a limit child all-or-none (fills only when one trade can fill
 *   all that remains).
 * - rejects [probability 0]: each order arriving at the exchange is rejected with this probability (one seeded
 *   uniform per arrival, xoshiro128** `createRng(seed)`, so the same seed gives the same run).
 * - retries [max 3, delay 1 s]: a rejected, killed or partly filled (book too thin within the collar) child is
 *   retried after `delayUs` for what the slice then needs; after `max` consecutive failures the slice is marked
 *   failed and sends nothing more. A success resets the count.
 * - carryForward [true]: a slice's unfilled target is added to the next slice's target.
 * - deadlineCatchUp [true]: at the end of the last slice, the parent's remainder is sent as a market order (no cap,
 *   no collar, partial fills allowed, retried on reject or thin book like any child); its fills belong to the last
 *   slice and are flagged `catchUp`.
 */
import { ArgumentError, DataError } from "../errors";
import { bookIterator, OrderBook, type BookState } from "../data/book";
import type { BookChangeFrame, TradeFrame } from "../data/schemas";
import { Frame, type Columns } from "../frame/frame";
import { f64Buffer, i8Buffer } from "../frame/buffer";
import { createRng } from "../frame/rng";
import { riskAverseQueue, type QueueModel, type QueueState } from "../backtest/queue";
import { sliceBounds, tca, type PreTradeInputs, type TcaResult } from "./tca";

const FILE = "src/execution/simulate.ts";

/**
 * A child schedule, as the schedule builders (schedules.ts, almgrenChriss.ts) produce it: slice k runs over
 * [sliceStartUs[k], sliceEndUs[k]) (epoch µs, non-overlapping, in order) and should trade quantity[k] base units
 * (≥ 0); Σ quantity = the parent quantity.
 */
export interface ChildSchedule {
  sliceStartUs: Float64Array;
  sliceEndUs: Float64Array;
  quantity: Float64Array;
}

/** A `ChildSchedule`, or a schedules.ts `ExecutionSchedule` (same arrays named startUs / endUs / quantity). */
export type ScheduleInput = ChildSchedule | { startUs: Float64Array; endUs: Float64Array; quantity: Float64Array };

/** The `ChildSchedule` view of either schedule shape (arrays shared, not copied). */
export function asChildSchedule(s: ScheduleInput): ChildSchedule {
  const b = sliceBounds(s);
  if (!b.quantity) throw new ArgumentError(`schedule has no quantity array`, { file: FILE, field: "quantity" });
  return { sliceStartUs: b.start, sliceEndUs: b.end, quantity: b.quantity };
}

/** How child orders are sent: walking the book (taker) or resting at the touch (maker). */
export type ChildOrderKind = "marketable" | "limit";

/** Execution policies of `simulateExecution` (see the module comment for each). */
export interface ExecutionPolicies {
  /** Max share of the slice's market volume, in (0, ∞]; default Infinity (no cap). */
  participationCap?: number;
  /** Default true; false = fill-or-kill (marketable) / all-or-none (limit). */
  partialFills?: boolean;
  /** Probability in [0, 1) that an order arriving at the exchange is rejected; default 0. */
  rejects?: { probability: number };
  /** Retries of a failed child: at most `max` consecutive (default 3), each `delayUs` later (default 1e6). */
  retries?: { max: number; delayUs: number };
  /** Send the remainder as a market order at the deadline (default true). */
  deadlineCatchUp?: boolean;
  /** Carry a slice's unfilled target into the next slice (default true). */
  carryForward?: boolean;
  /** Marketable children take no level beyond best·(1 ± collarBps/1e4) (default Infinity). */
  collarBps?: number;
  /** Limit children are pegged to the touch: re-posted whenever it differs from their price (default true). */
  repeg?: boolean;
  /** Capped marketable children smaller than this are not sent (except the slice's last bit); default 0. */
  minChildQuantity?: number;
}

/** Options of `simulateExecution`. */
export interface SimulateExecutionOptions {
  data: { depth: BookChangeFrame; trades: TradeFrame };
  /** +1 buy, −1 sell. */
  side: 1 | -1;
  /** Parent quantity, base units (> 0). */
  quantity: number;
  /** The child schedule (a schedules.ts ExecutionSchedule works too). */
  schedule: ScheduleInput;
  childOrder: ChildOrderKind;
  policies?: ExecutionPolicies;
  /** Seed of the reject draws (default 1). */
  seed?: number;
  /** Order latency: decision to live at the exchange, µs (default 0); cancel latency: decision to effect, µs (default orderUs). */
  latency?: { orderUs: number; cancelUs?: number };
  /** Fees in bps of notional: taker for marketable fills, maker for limit fills (negative = rebate). Default 0. */
  fees?: { takerBps?: number; makerBps?: number };
  /** Decision price for the implementation shortfall (default the arrival mid). */
  decisionPrice?: number;
  /** Pre-trade estimates passed to `tca`. */
  preTrade?: PreTradeInputs;
  /** Queue-position model of limit children (default `riskAverseQueue()`). */
  queue?: QueueModel;
}

/** Columns of the fills frame (one row per fill: per book level for marketable children, per trade for limit). */
export type ExecutionFillColumns = {
  time: Float64Array;
  price: Float64Array;
  amount: Float64Array;
  /** Quote currency, negative = rebate. */
  fee: Float64Array;
  /** Slice index the fill belongs to. */
  slice: Int32Array;
  /** 1 maker (limit child), 0 taker. */
  isMaker: Int8Array;
  /** 1 for deadline catch-up fills. */
  catchUp: Int8Array;
  /** Raw book mid at the fill (before our walk). */
  mid: Float64Array;
};

/** Columns of the event log (order-level: sends, rejects, retries, fills, kills, failures, cancels, catch-up). */
export type ExecutionEventColumns = {
  time: Float64Array;
  /**
   * "send" | "reject" | "retry" | "fill" | "partial" | "killed" | "failed" | "cancel" | "repeg" | "cancelled" | "noBook" |
   * "catchUp" | "expired". "cancel" and "repeg" are decisions; with a cancel latency, "cancelled" is when the old order
   * actually left the book.
   */
  kind: string[];
  /** Slice index (−1 none). */
  slice: Int32Array;
  amount: Float64Array;
  price: Float64Array;
};

/** Result of `simulateExecution`. */
export interface ExecutionResult {
  fills: Frame<ExecutionFillColumns>;
  /** tca's per-slice report plus effectiveTarget (with carry), childOrders, rejects, retries, failed (1/0). */
  perSlice: Frame<Columns>;
  /** Filled and unfilled parent quantity (base units). */
  filled: number;
  unfilled: number;
  events: Frame<ExecutionEventColumns>;
  tca: TcaResult;
  counts: {
    childOrders: number;
    rejects: number;
    retries: number;
    killed: number;
    failedSlices: number;
    repegs: number;
    catchUpQuantity: number;
    /** Data events replayed (book updates, trades). */
    bookUpdates: number;
    trades: number;
  };
  /** The mid series collected during the replay (one sample per book update that changed it), local clock. */
  mids: { time: Float64Array; mid: Float64Array };
}

/** Result of `walkBook`. */
export interface BookWalk {
  /** Base units taken. */
  filled: number;
  /** Σ p·q / Σ q of the levels taken (NaN if none). */
  vwap: number;
  /** Price and amount taken at each level, best first. */
  prices: Float64Array;
  amounts: Float64Array;
  /** What the book offers within the limit (after `consumed`), up to `amount`. */
  available: number;
}

/**
 * Walks one side of an L2 book as a marketable order: a buy (side +1) takes asks from the best up, a sell takes
 * bids from the best down, at most `amount` base units and no level beyond `limitPrice` (default none). Each
 * level's size is reduced by `consumed.get(price)` (our earlier takes); with `commit` (default true) the amounts
 * taken are added to `consumed`. `dryRun` only measures `available`. VWAP = Σ p·q / Σ q of the levels taken. The
 * book itself is never modified. O(levels touched).
 */
export function walkBook(
  book: OrderBook,
  side: 1 | -1,
  amount: number,
  opts: { limitPrice?: number; consumed?: Map<number, number>; commit?: boolean; dryRun?: boolean } = {},
): BookWalk {
  if (side !== 1 && side !== -1) throw new ArgumentError(`walkBook: side must be +1 or -1`, { file: FILE, field: "side" });
  if (!(amount >= 0)) throw new ArgumentError(`walkBook: amount must be >= 0, got ${amount}`, { file: FILE, field: "amount" });
  const limit = opts.limitPrice ?? (side === 1 ? Infinity : -Infinity);
  const consumed = opts.consumed;
  const commit = (opts.commit ?? true) && !opts.dryRun;
  const count = side === 1 ? book.askCount : book.bidCount;
  const ps: number[] = [], qs: number[] = [];
  let need = amount, pq = 0, got = 0;
  let n = Math.min(count, 32);
  let start = 0;
  while (need > 0 && start < count) {
    const lv = side === 1 ? book.askLevels(n) : book.bidLevels(n);
    for (let i = start; i < lv.price.length && need > 0; i++) {
      const p = lv.price[i];
      if (side === 1 ? p > limit : p < limit) {
        start = count;
        break;
      }
      const used = consumed ? consumed.get(p) ?? 0 : 0;
      const eff = lv.amount[i] - used;
      if (!(eff > 0)) continue;
      const take = eff < need ? eff : need;
      need -= take;
      got += take;
      pq += p * take;
      ps.push(p);
      qs.push(take);
    }
    if (start >= count) break;
    start = lv.price.length;
    if (n >= count) break;
    n = Math.min(count, n * 4);
  }
  if (commit && consumed) for (let i = 0; i < ps.length; i++) consumed.set(ps[i], (consumed.get(ps[i]) ?? 0) + qs[i]);
  return { filled: got, vwap: got > 0 ? pq / got : NaN, prices: Float64Array.from(ps), amounts: Float64Array.from(qs), available: got };
}

/** Size resting at `price` on a book side (0 if the level is absent). Scans from the best level. */
function levelSizeAt(book: OrderBook, bookSide: 1 | -1, price: number): number {
  const count = bookSide === 1 ? book.bidCount : book.askCount;
  let n = Math.min(count, 8);
  for (;;) {
    const lv = bookSide === 1 ? book.bidLevels(n) : book.askLevels(n);
    for (let i = 0; i < lv.price.length; i++) {
      const p = lv.price[i];
      if (p === price) return lv.amount[i];
      if (bookSide === 1 ? p < price : p > price) return 0;
    }
    if (n >= count) return 0;
    n = Math.min(count, n * 4);
  }
}

// action kinds
const SLICE_START = 0, SLICE_END = 1, ARRIVE = 2, RETRY = 3, CATCHUP = 4, CANCEL_DONE = 5;

interface Action {
  time: number;
  seq: number;
  kind: number;
  slice: number;
  amount: number;
  /** Limit price decided at send (limit children). */
  price: number;
  catchUp: boolean;
  /** Order serial (limit: the resting order this arrival creates, or the one this cancel removes). */
  order: number;
}

/** Min-heap of actions by (time, seq). */
class ActionQueue {
  private h: Action[] = [];
  private seq = 0;
  get size(): number {
    return this.h.length;
  }
  peekTime(): number {
    return this.h.length ? this.h[0].time : Infinity;
  }
  push(a: Omit<Action, "seq">): void {
    const x = a as Action;
    x.seq = this.seq++;
    const h = this.h;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], x)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = x;
  }
  pop(): Action {
    const h = this.h;
    const top = h[0];
    const last = h.pop() as Action;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        let mv = last;
        if (l < h.length && less(h[l], mv)) {
          m = l;
          mv = h[l];
        }
        if (r < h.length && less(h[r], mv)) m = r;
        if (m === i) break;
        h[i] = h[m];
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
function less(a: Action, b: Action): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

function checkSchedule(sc: ChildSchedule, X: number): void {
  const K = sc.sliceStartUs.length;
  if (K === 0) throw new ArgumentError(`simulateExecution: the schedule has no slices`, { file: FILE, field: "schedule" });
  if (sc.sliceEndUs.length !== K || sc.quantity.length !== K) {
    throw new ArgumentError(`simulateExecution: schedule arrays differ in length (${K}, ${sc.sliceEndUs.length}, ${sc.quantity.length})`, { file: FILE, field: "schedule" });
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const a = sc.sliceStartUs[k], b = sc.sliceEndUs[k], q = sc.quantity[k];
    if (!Number.isFinite(a) || !Number.isFinite(b) || !(b >= a)) throw new ArgumentError(`simulateExecution: slice ${k} has a bad interval [${a}, ${b})`, { file: FILE, line: k + 1, field: "sliceEndUs" });
    if (k > 0 && a < sc.sliceEndUs[k - 1]) throw new ArgumentError(`simulateExecution: slice ${k} starts before slice ${k - 1} ends`, { file: FILE, line: k + 1, field: "sliceStartUs" });
    if (!(q >= 0) || !Number.isFinite(q)) throw new ArgumentError(`simulateExecution: slice ${k} quantity must be finite and >= 0, got ${q}`, { file: FILE, line: k + 1, field: "quantity" });
    sum += q;
  }
  if (Math.abs(sum - X) > 1e-9 * X) throw new ArgumentError(`simulateExecution: schedule quantities sum to ${sum}, not the parent quantity ${X}`, { file: FILE, field: "quantity" });
}

/**
 * Simulates working a parent order of `quantity` base units on `side` through `schedule` against a replay of
 * real book changes and trades (see the module comment for the clock, the child-order models and every policy),
 * then runs `tca` on the fills over [first slice start, last slice end] with the replayed trades and mids as the
 * market. Deterministic: the same inputs and seed give the same result bit for bit.
 * Cost: one pass over the book changes and trades up to the deadline (plus retries), O(levels touched) per child.
 */
export function simulateExecution(o: SimulateExecutionOptions): ExecutionResult {
  const side = o.side;
  if (side !== 1 && side !== -1) throw new ArgumentError(`simulateExecution: side must be +1 or -1, got ${side}`, { file: FILE, field: "side" });
  const X = o.quantity;
  if (!(X > 0) || !Number.isFinite(X)) throw new ArgumentError(`simulateExecution: quantity must be finite and > 0, got ${X}`, { file: FILE, field: "quantity" });
  const sc = asChildSchedule(o.schedule);
  checkSchedule(sc, X);
  const kindChild = o.childOrder;
  if (kindChild !== "marketable" && kindChild !== "limit") throw new ArgumentError(`simulateExecution: childOrder must be "marketable" or "limit", got "${kindChild as string}"`, { file: FILE, field: "childOrder" });
  const pol = o.policies ?? {};
  const cap = pol.participationCap ?? Infinity;
  if (!(cap > 0)) throw new ArgumentError(`simulateExecution: participationCap must be > 0, got ${cap}`, { file: FILE, field: "participationCap" });
  const partial = pol.partialFills ?? true;
  const pReject = pol.rejects?.probability ?? 0;
  if (!(pReject >= 0 && pReject < 1)) throw new ArgumentError(`simulateExecution: rejects.probability must be in [0, 1), got ${pReject}`, { file: FILE, field: "rejects.probability" });
  const maxRetries = pol.retries?.max ?? 3;
  const retryDelay = pol.retries?.delayUs ?? 1e6;
  if (!(maxRetries >= 0) || !Number.isInteger(maxRetries)) throw new ArgumentError(`simulateExecution: retries.max must be an integer >= 0`, { file: FILE, field: "retries.max" });
  if (!(retryDelay >= 0) || !Number.isFinite(retryDelay)) throw new ArgumentError(`simulateExecution: retries.delayUs must be finite and >= 0`, { file: FILE, field: "retries.delayUs" });
  const catchUpOn = pol.deadlineCatchUp ?? true;
  const carry = pol.carryForward ?? true;
  const collar = pol.collarBps ?? Infinity;
  if (!(collar >= 0)) throw new ArgumentError(`simulateExecution: collarBps must be >= 0`, { file: FILE, field: "collarBps" });
  const repeg = pol.repeg ?? true;
  const minChild = pol.minChildQuantity ?? 0;
  const lat = o.latency?.orderUs ?? 0;
  if (!(lat >= 0) || !Number.isFinite(lat)) throw new ArgumentError(`simulateExecution: latency.orderUs must be finite and >= 0`, { file: FILE, field: "latency.orderUs" });
  const cancelLat = o.latency?.cancelUs ?? lat;
  if (!(cancelLat >= 0) || !Number.isFinite(cancelLat)) throw new ArgumentError(`simulateExecution: latency.cancelUs must be finite and >= 0`, { file: FILE, field: "latency.cancelUs" });
  const takerBps = o.fees?.takerBps ?? 0, makerBps = o.fees?.makerBps ?? 0;
  const rng = createRng(o.seed ?? 1);
  const eps = X * 1e-12;

  // ---- data ----
  const depth = o.data.depth;
  const bookLocal = depth.f64("localTimestamp");
  for (let i = 1; i < bookLocal.length; i++) {
    if (!(bookLocal[i] >= bookLocal[i - 1])) throw new DataError(`book changes are not in localTimestamp order (row ${i + 1}: ${bookLocal[i]} after ${bookLocal[i - 1]})`, { file: "depth frame", line: i + 1, field: "localTimestamp" });
  }
  const tr = o.data.trades;
  const nT = tr.length;
  const tTime = new Float64Array(nT);
  const trLocal = tr.f64("localTimestamp"), trTs = tr.f64("timestamp");
  for (let i = 0; i < nT; i++) {
    const l = trLocal[i];
    tTime[i] = l === l ? l : trTs[i];
    if (!Number.isFinite(tTime[i])) throw new DataError(`trade has no finite time`, { file: "trades frame", line: i + 1, field: "localTimestamp" });
    if (i > 0 && tTime[i] < tTime[i - 1]) throw new DataError(`trades are not in time order (row ${i + 1}: ${tTime[i]} after ${tTime[i - 1]})`, { file: "trades frame", line: i + 1, field: "localTimestamp" });
  }
  const tPrice = tr.f64("price"), tAmount = tr.f64("amount");
  const tSide = tr.columns.side as Int8Array;

  const K = sc.sliceStartUs.length;
  const deadline = sc.sliceEndUs[K - 1];
  const startUs = sc.sliceStartUs[0];

  // ---- state ----
  const book = new OrderBook();
  const it = bookIterator(depth, { book });
  let nextBookRow = 0;
  let nextTrade = 0;
  const target = new Float64Array(K), filledK = new Float64Array(K), inflight = new Float64Array(K), mktVol = new Float64Array(K);
  const childK = new Float64Array(K), rejK = new Float64Array(K), retK = new Float64Array(K), failedK = new Float64Array(K);
  const attempts = new Int32Array(K);
  const waiting = new Uint8Array(K);
  let cur = -1; // active slice
  let sliceOfTrade = 0; // pointer for the half-open slice of a trade time
  let filledAll = 0, inflightAll = 0;
  let catchUpAttempts = 0, catchUpQty = 0;
  const consumed = new Map<number, number>();
  // limit: one resting order at a time
  const qm = o.queue ?? riskAverseQueue();
  const restQ: QueueState = { ahead: 0, tradedSinceDepth: 0 };
  let restLive = false, restPrice = NaN, restLevel = 0, restSlice = -1, pendingOrder = 0;
  let restOrder = 0; // serial of the resting order
  let restCancelAt = Infinity; // when its pending cancel takes effect (Infinity: none pending)
  let orderSerial = 0;
  const counts = { childOrders: 0, rejects: 0, retries: 0, killed: 0, failedSlices: 0, repegs: 0, catchUpQuantity: 0, bookUpdates: 0, trades: 0 };

  const fT = f64Buffer(), fP = f64Buffer(), fA = f64Buffer(), fF = f64Buffer(), fS = f64Buffer(), fM = i8Buffer(), fC = i8Buffer(), fMid = f64Buffer();
  const eT = f64Buffer(), eK: string[] = [], eS = f64Buffer(), eA = f64Buffer(), eP = f64Buffer();
  const mT = f64Buffer(), mV = f64Buffer();
  let lastMid = NaN;
  const ev = (t: number, kind: string, k: number, amount: number, price: number) => {
    eT.push(t);
    eK.push(kind);
    eS.push(k);
    eA.push(amount);
    eP.push(price);
  };
  const addFill = (t: number, p: number, a: number, k: number, maker: boolean, cu: boolean, mid: number) => {
    fT.push(t);
    fP.push(p);
    fA.push(a);
    fF.push((p * a * (maker ? makerBps : takerBps)) / 1e4);
    fS.push(k);
    fM.push(maker ? 1 : 0);
    fC.push(cu ? 1 : 0);
    fMid.push(mid);
    filledAll += a;
    filledK[k] += a;
  };

  const q = new ActionQueue();
  for (let k = 0; k < K; k++) {
    q.push({ time: sc.sliceStartUs[k], kind: SLICE_START, slice: k, amount: 0, price: NaN, catchUp: false, order: 0 });
    q.push({ time: sc.sliceEndUs[k], kind: SLICE_END, slice: k, amount: 0, price: NaN, catchUp: false, order: 0 });
  }
  if (catchUpOn) q.push({ time: deadline, kind: CATCHUP, slice: K - 1, amount: 0, price: NaN, catchUp: true, order: 0 });

  const parentLeft = () => X - filledAll - inflightAll;

  /** A child failed (reject, kill, thin book): schedule a retry or mark the slice failed. */
  const fail = (t: number, k: number, cu: boolean) => {
    if (cu) {
      catchUpAttempts++;
      if (catchUpAttempts > maxRetries) {
        ev(t, "failed", k, parentLeft(), NaN);
        return;
      }
      counts.retries++;
      q.push({ time: t + retryDelay, kind: RETRY, slice: k, amount: 0, price: NaN, catchUp: true, order: 0 });
      return;
    }
    attempts[k]++;
    if (attempts[k] > maxRetries) {
      failedK[k] = 1;
      counts.failedSlices++;
      ev(t, "failed", k, target[k] - filledK[k], NaN);
      return;
    }
    waiting[k] = 1;
    retK[k]++;
    counts.retries++;
    q.push({ time: t + retryDelay, kind: RETRY, slice: k, amount: 0, price: NaN, catchUp: false, order: 0 });
  };

  /** Marketable: send what the slice needs now (capped by participation). */
  const sendMarketable = (t: number, k: number) => {
    if (k !== cur || failedK[k] || waiting[k]) return;
    const need = Math.min(target[k] - filledK[k] - inflight[k], parentLeft());
    if (!(need > eps)) return;
    let amt = need;
    if (cap !== Infinity) {
      const head = cap * mktVol[k] - filledK[k] - inflight[k];
      if (head < amt) amt = head;
      if (!(amt > eps)) return;
      if (amt < need && amt < minChild) return;
    }
    inflight[k] += amt;
    inflightAll += amt;
    childK[k]++;
    counts.childOrders++;
    ev(t, "send", k, amt, NaN);
    q.push({ time: t + lat, kind: ARRIVE, slice: k, amount: amt, price: NaN, catchUp: false, order: ++orderSerial });
  };

  /** Limit: post what the slice needs at our touch (as of t). */
  const postLimit = (t: number, k: number) => {
    if (k !== cur || failedK[k] || waiting[k] || (restLive && restCancelAt === Infinity) || pendingOrder !== 0) return;
    const need = Math.min(target[k] - filledK[k], X - filledAll);
    if (!(need > eps)) return;
    const px = side === 1 ? book.bestBid() : book.bestAsk();
    if (!Number.isFinite(px)) {
      ev(t, "noBook", k, need, NaN);
      fail(t, k, false);
      return;
    }
    childK[k]++;
    counts.childOrders++;
    pendingOrder = ++orderSerial;
    ev(t, "send", k, need, px);
    // a cancel-replace: the new order goes live no earlier than the old one's cancel (pushed first, so at equal times it runs first)
    const live = restLive ? Math.max(t + lat, restCancelAt) : t + lat;
    q.push({ time: live, kind: ARRIVE, slice: k, amount: need, price: px, catchUp: false, order: pendingOrder });
  };

  const sendCatchUp = (t: number) => {
    const amt = X - filledAll - inflightAll;
    if (!(amt > eps)) return;
    inflightAll += amt;
    counts.childOrders++;
    ev(t, "catchUp", K - 1, amt, NaN);
    q.push({ time: t + lat, kind: ARRIVE, slice: K - 1, amount: amt, price: NaN, catchUp: true, order: ++orderSerial });
  };

  /** Cancels the resting order: at once with no cancel latency, else at t + cancelUs (it can fill until then). */
  const cancelResting = (t: number, why: string) => {
    if (!restLive || restCancelAt !== Infinity) return;
    ev(t, why, restSlice, target[restSlice] - filledK[restSlice], restPrice);
    if (cancelLat === 0) restLive = false;
    else {
      restCancelAt = t + cancelLat;
      q.push({ time: restCancelAt, kind: CANCEL_DONE, slice: restSlice, amount: 0, price: restPrice, catchUp: false, order: restOrder });
    }
  };

  /** Marketable arrival: reject draw, then walk the book. */
  const arriveMarketable = (t: number, a: Action) => {
    const k = a.slice;
    if (a.catchUp) inflightAll -= a.amount;
    else {
      inflight[k] -= a.amount;
      inflightAll -= a.amount;
    }
    const u = rng.next();
    if (u < pReject) {
      counts.rejects++;
      if (!a.catchUp) rejK[k]++;
      ev(t, "reject", k, a.amount, NaN);
      fail(t, k, a.catchUp);
      return;
    }
    const amt = Math.min(a.amount, X - filledAll - inflightAll);
    if (!(amt > eps)) return;
    const mid = book.mid();
    const best = side === 1 ? book.bestAsk() : book.bestBid();
    if (!Number.isFinite(best)) {
      ev(t, "noBook", k, amt, NaN);
      fail(t, k, a.catchUp);
      return;
    }
    const useCollar = !a.catchUp && collar !== Infinity;
    const limitPrice = useCollar ? best * (1 + (side * collar) / 1e4) : undefined;
    if (!partial && !a.catchUp) {
      const dry = walkBook(book, side, amt, { limitPrice, consumed, dryRun: true });
      if (dry.available < amt - eps) {
        counts.killed++;
        ev(t, "killed", k, amt, NaN);
        fail(t, k, false);
        return;
      }
    }
    const w = walkBook(book, side, amt, { limitPrice, consumed });
    for (let i = 0; i < w.prices.length; i++) addFill(t, w.prices[i], w.amounts[i], k, false, a.catchUp, mid);
    if (w.filled < amt - eps) {
      ev(t, "partial", k, w.filled, w.vwap);
      fail(t, k, a.catchUp);
    } else {
      ev(t, "fill", k, w.filled, w.vwap);
      if (!a.catchUp) attempts[k] = 0;
    }
    if (a.catchUp) catchUpQty += w.filled;
  };

  /** Limit arrival: reject draw, then join the back of the queue at the decided price. */
  const arriveLimit = (t: number, a: Action) => {
    if (a.order !== pendingOrder) return;
    pendingOrder = 0;
    const k = a.slice;
    if (k !== cur) {
      ev(t, "expired", k, a.amount, a.price);
      return;
    }
    const u = rng.next();
    if (u < pReject) {
      counts.rejects++;
      rejK[k]++;
      ev(t, "reject", k, a.amount, a.price);
      fail(t, k, false);
      return;
    }
    restLive = true;
    restOrder = a.order;
    restCancelAt = Infinity;
    restPrice = a.price;
    restSlice = k;
    restLevel = levelSizeAt(book, side, a.price);
    qm.onNew(restQ, restLevel);
    attempts[k] = 0;
  };

  /** A market trade against our resting limit order: only an opposite or unknown (0) aggressor, at or through our price. */
  const tradeVsLimit = (t: number, i: number) => {
    if (!restLive) return;
    const p = tPrice[i], amt = tAmount[i], d = tSide[i];
    let fillable = 0;
    // as src/backtest/exchange.ts onTrade: only an opposite (or unknown, 0) aggressor reaches a resting order, at or
    // through its price; a print by our own side (a buy-initiated trade below our bid) never fills us
    if (d === side) return;
    const through = side === 1 ? p < restPrice : p > restPrice;
    if (through) fillable = Infinity;
    else if (p === restPrice) {
      fillable = qm.onTrade(restQ, amt);
      if (!(fillable > 0)) return;
    } else return;
    const k = restSlice;
    const remaining = Math.min(target[k] - filledK[k], X - filledAll);
    let take = Math.min(remaining, fillable);
    if (cap !== Infinity) take = Math.min(take, cap * mktVol[k] - filledK[k]);
    if (!partial && take < remaining - eps) return;
    if (!(take > eps)) return;
    addFill(t, restPrice, take, k, true, false, book.mid());
    ev(t, "fill", k, take, restPrice);
    if (!(target[k] - filledK[k] > eps) || !(X - filledAll > eps)) {
      restLive = false;
      restCancelAt = Infinity;
    }
  };

  const runAction = (a: Action) => {
    const t = a.time;
    const k = a.slice;
    switch (a.kind) {
      case SLICE_START: {
        cur = k;
        consumed.clear();
        const carried = carry && k > 0 ? Math.max(0, target[k - 1] - filledK[k - 1] - inflight[k - 1]) : 0;
        target[k] = sc.quantity[k] + carried;
        if (kindChild === "marketable") sendMarketable(t, k);
        else postLimit(t, k);
        break;
      }
      case SLICE_END: {
        if (kindChild === "limit") {
          cancelResting(t, "cancel");
          pendingOrder = 0;
        }
        if (cur === k) cur = -1;
        break;
      }
      case ARRIVE:
        if (kindChild === "marketable" || a.catchUp) arriveMarketable(t, a);
        else arriveLimit(t, a);
        break;
      case RETRY:
        if (a.catchUp) {
          ev(t, "retry", k, parentLeft(), NaN);
          sendCatchUp(t);
        } else {
          waiting[k] = 0;
          if (k !== cur) break;
          ev(t, "retry", k, target[k] - filledK[k], NaN);
          if (kindChild === "marketable") sendMarketable(t, k);
          else postLimit(t, k);
        }
        break;
      case CATCHUP:
        cur = -1;
        consumed.clear();
        sendCatchUp(t);
        break;
      case CANCEL_DONE:
        if (restLive && restOrder === a.order) {
          restLive = false;
          restCancelAt = Infinity;
          ev(t, "cancelled", k, target[k] - filledK[k], a.price);
        }
        break;
    }
  };

  const runActionsBefore = (t: number) => {
    while (q.size > 0 && q.peekTime() < t) runAction(q.pop());
  };

  // ---- replay ----
  const nB = bookLocal.length;
  for (;;) {
    if (q.size === 0 && !restLive) break;
    const tb = nextBookRow < nB ? bookLocal[nextBookRow] : Infinity;
    const tt = nextTrade < nT ? tTime[nextTrade] : Infinity;
    if (tb === Infinity && tt === Infinity) break;
    if (tb <= tt) {
      runActionsBefore(tb);
      const r = it.next();
      if (r.done) {
        nextBookRow = nB;
        continue;
      }
      nextBookRow = (r.value as BookState).end;
      counts.bookUpdates++;
      const m = book.mid();
      if (m === m && m !== lastMid) {
        mT.push(tb);
        mV.push(m);
        lastMid = m;
      }
      if (restLive) {
        const lvl = levelSizeAt(book, side, restPrice);
        if (lvl !== restLevel) {
          qm.onDepth(restQ, restLevel, lvl);
          restLevel = lvl;
        }
        const touch = side === 1 ? book.bestBid() : book.bestAsk();
        if (repeg && Number.isFinite(touch) && touch !== restPrice && cur === restSlice && restCancelAt === Infinity && pendingOrder === 0) {
          const k = restSlice;
          counts.repegs++;
          ev(tb, "repeg", k, target[k] - filledK[k], touch);
          if (cancelLat === 0) restLive = false;
          else {
            restCancelAt = tb + cancelLat;
            q.push({ time: restCancelAt, kind: CANCEL_DONE, slice: k, amount: 0, price: restPrice, catchUp: false, order: restOrder });
          }
          postLimit(tb, k);
        }
      }
    } else {
      runActionsBefore(tt);
      const i = nextTrade++;
      counts.trades++;
      while (sliceOfTrade < K && sc.sliceEndUs[sliceOfTrade] <= tt) sliceOfTrade++;
      if (sliceOfTrade < K && sc.sliceStartUs[sliceOfTrade] <= tt) {
        const k = sliceOfTrade;
        mktVol[k] += tAmount[i];
        if (kindChild === "limit") tradeVsLimit(tt, i);
        else if (cap !== Infinity && k === cur) sendMarketable(tt, k);
      } else if (kindChild === "limit") tradeVsLimit(tt, i);
    }
  }
  // data exhausted: the rest of the actions run on the last book state
  while (q.size > 0) runAction(q.pop());
  counts.catchUpQuantity = catchUpQty;

  const fills = new Frame<ExecutionFillColumns>({
    time: fT.done(), price: fP.done(), amount: fA.done(), fee: fF.done(), slice: Int32Array.from(fS.done()),
    isMaker: fM.done(), catchUp: fC.done(), mid: fMid.done(),
  });
  const events = new Frame<ExecutionEventColumns>({ time: eT.done(), kind: eK, slice: Int32Array.from(eS.done()), amount: eA.done(), price: eP.done() });
  const mids = { time: mT.done(), mid: mV.done() };
  const fc = fills.columns;
  const res = tca(
    { time: fc.time, price: fc.price, amount: fc.amount, fee: fc.fee },
    { time: tTime, price: tPrice, amount: tAmount, mids },
    {
      side, parentQuantity: X, startUs, endUs: deadline, slices: sc, fillSlice: fc.slice,
      ...(o.decisionPrice !== undefined ? { decisionPrice: o.decisionPrice } : {}),
      ...(o.preTrade ? { preTrade: o.preTrade } : {}),
    },
  );
  const ps = res.perSlice as Frame;
  const perSlice = new Frame<Columns>({ ...ps.columns, effectiveTarget: target, childOrders: childK, rejects: rejK, retries: retK, failed: failedK });
  return { fills, perSlice, filled: filledAll, unfilled: X - filledAll, events, tca: res, counts, mids };
}
