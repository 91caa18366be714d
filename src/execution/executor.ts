/**
 * The execution algorithm as a backtest `Strategy` (src/backtest/types.ts): works one parent order through a child
 * schedule with `ctx.submit` / `ctx.cancel`, so the backtest engine (its exchange, queue, latency and fee models)
 * decides the fills. The self-contained replay of simulate.ts applies the same rules; this is the route through
 * `runBacktest` once the engine runs it. Rules, on every call (`schedule: { kind: "event" }` by default):
 * - the active slice k is the one whose [start, end) holds ctx.now; its target is its quantity plus (with
 *   `carryForward`, default true) the previous slice's unfilled target;
 * - market volume per slice is summed from the trade tape (trades whose localTimestamp lies in the slice);
 * - "marketable": while no child of ours is outstanding, send a market order for what the slice still needs, cut
 *   to the participation headroom cap·(slice market volume so far) − filled (cap default ∞);
 * - "limit": keep one order resting at our touch (best bid for a buy) for what the slice needs (cut to the
 *   headroom), pegged: when the touch differs from its price, cancel and re-post on a later call (back of the queue);
 * - at a slice end every open child is cancelled; at the deadline (end of the last slice) with `deadlineCatchUp`
 *   (default true) the remainder of the parent goes out as one market order once no child is open.
 * Amounts are rounded down to ctx.lotSize (when > 0); fills are tracked from `onFill` (what the strategy learns).
 * Every order is tagged with its slice, so `executorFills()` gives the input of `tca` with `fillSlice`.
 */
import { ArgumentError } from "../errors";
import type { FillEvent, OrderView, Side, Strategy, StrategyContext, StrategySchedule } from "../backtest/types";
import { asChildSchedule, type ChildOrderKind, type ScheduleInput } from "./simulate";
import type { TcaFills } from "./tca";

const FILE = "src/execution/executor.ts";

/** Options of `scheduleExecutor`. */
export interface ScheduleExecutorOptions {
  side: Side;
  /** Parent quantity, base units (> 0). */
  quantity: number;
  schedule: ScheduleInput;
  childOrder: ChildOrderKind;
  /** Max share of the slice's market volume (default Infinity). */
  participationCap?: number;
  /** Default true. */
  deadlineCatchUp?: boolean;
  /** Default true. */
  carryForward?: boolean;
  /** When the engine calls us (default every event). */
  callSchedule?: StrategySchedule;
  /** Strategy name (default `execute-<childOrder>`). */
  name?: string;
}

/** What the executor knows after (or during) a run. */
export interface ExecutorState {
  /** Filled per slice (catch-up fills count in the last slice), base units. */
  filledPerSlice: Float64Array;
  /** Effective target per slice (with carry), market volume per slice seen on the tape. */
  targetPerSlice: Float64Array;
  marketVolumePerSlice: Float64Array;
  filled: number;
  childOrders: number;
  cancels: number;
  catchUpSent: boolean;
}

/** A `Strategy` that works a parent order through a schedule, with its state and fills for `tca`. */
export interface ScheduleExecutor extends Strategy {
  readonly state: ExecutorState;
  /** Our fills so far (exchange time), as `tca` input, and the slice of each fill. */
  executorFills(): TcaFills & { slice: Int32Array };
}

/**
 * Builds the schedule-working execution strategy (see the module comment). The returned object is reset by
 * `onStart`, so it can be run twice with identical results.
 */
export function scheduleExecutor(o: ScheduleExecutorOptions): ScheduleExecutor {
  const sc = asChildSchedule(o.schedule);
  const K = sc.sliceStartUs.length;
  if (K === 0) throw new ArgumentError(`scheduleExecutor: the schedule has no slices`, { file: FILE, field: "schedule" });
  const X = o.quantity;
  if (!(X > 0) || !Number.isFinite(X)) throw new ArgumentError(`scheduleExecutor: quantity must be finite and > 0, got ${X}`, { file: FILE, field: "quantity" });
  if (o.side !== 1 && o.side !== -1) throw new ArgumentError(`scheduleExecutor: side must be +1 or -1`, { file: FILE, field: "side" });
  const side = o.side;
  const cap = o.participationCap ?? Infinity;
  if (!(cap > 0)) throw new ArgumentError(`scheduleExecutor: participationCap must be > 0`, { file: FILE, field: "participationCap" });
  const catchUp = o.deadlineCatchUp ?? true;
  const carry = o.carryForward ?? true;
  const deadline = sc.sliceEndUs[K - 1];
  const eps = X * 1e-12;

  const state: ExecutorState = {
    filledPerSlice: new Float64Array(K), targetPerSlice: new Float64Array(K), marketVolumePerSlice: new Float64Array(K),
    filled: 0, childOrders: 0, cancels: 0, catchUpSent: false,
  };
  let cur = -1;
  let tapeSeen = 0;
  let tradeSlice = 0;
  const orderSlice = new Map<number, number>();
  const cancelled = new Set<number>();
  let fT: number[] = [], fP: number[] = [], fA: number[] = [], fF: number[] = [], fS: number[] = [];

  const reset = () => {
    state.filledPerSlice.fill(0);
    state.targetPerSlice.fill(0);
    state.marketVolumePerSlice.fill(0);
    state.filled = 0;
    state.childOrders = 0;
    state.cancels = 0;
    state.catchUpSent = false;
    cur = -1;
    tapeSeen = 0;
    tradeSlice = 0;
    orderSlice.clear();
    cancelled.clear();
    fT = [];
    fP = [];
    fA = [];
    fF = [];
    fS = [];
  };

  const lot = (ctx: StrategyContext, a: number) => (ctx.lotSize > 0 ? Math.floor(a / ctx.lotSize + 1e-9) * ctx.lotSize : a);
  const ours = (ctx: StrategyContext): OrderView[] => ctx.openOrders.filter((v) => orderSlice.has(v.id));
  const outstanding = (ctx: StrategyContext): number => {
    let s = 0;
    for (const v of ours(ctx)) s += v.amount - v.filled;
    return s;
  };
  const cancelAll = (ctx: StrategyContext) => {
    for (const v of ours(ctx)) {
      if (v.status === "pendingCancel" || cancelled.has(v.id)) continue;
      ctx.cancel(v.id);
      cancelled.add(v.id);
      state.cancels++;
    }
  };

  /** Adds new tape trades to the market volume of their slice (half-open slices by localTimestamp). */
  const readTape = (ctx: StrategyContext) => {
    const tp = ctx.trades;
    if (tp.count < tapeSeen) tapeSeen = 0; // the tape was trimmed: restart (volume already counted stays)
    for (let i = tapeSeen; i < tp.count; i++) {
      const t = tp.localTimestamp[i];
      while (tradeSlice < K && sc.sliceEndUs[tradeSlice] <= t) tradeSlice++;
      if (tradeSlice < K && sc.sliceStartUs[tradeSlice] <= t) state.marketVolumePerSlice[tradeSlice] += tp.amount[i];
    }
    tapeSeen = tp.count;
  };

  const sliceAt = (t: number): number => {
    for (let k = Math.max(0, cur); k < K; k++) {
      if (t < sc.sliceStartUs[k]) return -1;
      if (t < sc.sliceEndUs[k]) return k;
    }
    return -1;
  };

  const strategy: ScheduleExecutor = {
    name: o.name ?? `execute-${o.childOrder}`,
    schedule: o.callSchedule ?? { kind: "event" },
    state,
    onStart() {
      reset();
    },
    onFill(fill: FillEvent) {
      const k = orderSlice.get(fill.orderId);
      if (k === undefined) return;
      state.filledPerSlice[k] += fill.amount;
      state.filled += fill.amount;
      fT.push(fill.exchangeUs);
      fP.push(fill.price);
      fA.push(fill.amount);
      fF.push(fill.fee);
      fS.push(k);
    },
    onTick(ctx: StrategyContext) {
      readTape(ctx);
      const now = ctx.now;
      const k = sliceAt(now);
      if (k !== cur) {
        if (cur >= 0) cancelAll(ctx);
        if (k >= 0) {
          const carried = carry && k > 0 ? Math.max(0, state.targetPerSlice[k - 1] - state.filledPerSlice[k - 1]) : 0;
          state.targetPerSlice[k] = sc.quantity[k] + carried;
          cur = k;
        } else if (now >= deadline) cur = K; // past the deadline
      }
      if (now >= deadline) {
        if (!catchUp || state.catchUpSent) return;
        cancelAll(ctx);
        if (ours(ctx).length > 0) return; // wait for cancels to land
        const amt = lot(ctx, X - state.filled);
        if (!(amt > eps)) return;
        const id = ctx.submit({ side, price: NaN, amount: amt, type: "market" });
        orderSlice.set(id, K - 1);
        state.childOrders++;
        state.catchUpSent = true;
        return;
      }
      if (k < 0) return;
      const open = ours(ctx);
      let need = Math.min(state.targetPerSlice[k] - state.filledPerSlice[k], X - state.filled) - outstanding(ctx);
      if (cap !== Infinity) need = Math.min(need, cap * state.marketVolumePerSlice[k] - state.filledPerSlice[k] - outstanding(ctx));
      if (o.childOrder === "marketable") {
        if (open.length > 0) return;
        const amt = lot(ctx, need);
        if (!(amt > eps)) return;
        const id = ctx.submit({ side, price: NaN, amount: amt, type: "market" });
        orderSlice.set(id, k);
        state.childOrders++;
        return;
      }
      // limit: one order at our touch
      const touch = side === 1 ? ctx.book.bestBid() : ctx.book.bestAsk();
      if (!Number.isFinite(touch)) return;
      if (open.length > 0) {
        for (const v of open) {
          if (touch !== v.price && v.status === "open" && !cancelled.has(v.id)) {
            ctx.cancel(v.id);
            cancelled.add(v.id);
            state.cancels++;
          }
        }
        return;
      }
      const amt = lot(ctx, need);
      if (!(amt > eps)) return;
      const id = ctx.submit({ side, price: touch, amount: amt, type: "limit" });
      orderSlice.set(id, k);
      state.childOrders++;
    },
    executorFills() {
      return { time: Float64Array.from(fT), price: Float64Array.from(fP), amount: Float64Array.from(fA), fee: Float64Array.from(fF), slice: Int32Array.from(fS) };
    },
  };
  return strategy;
}
