/**
 * L2 order book over price levels, and its replay from normalized book changes (schemas.ts BookChangeColumns).
 *
 * Layout: each side is a sorted array of levels, ascending by key, with the **best level at the end**. Bids use
 * key = price, asks key = −price (negation is exact), so both sides share one code path and "best" is always the
 * largest key. The array is cut into blocks of at most 16 levels (each a Float64Array of interleaved key, amount
 * pairs), with the largest key of each block kept in a separate Float64Array (a one-level B+-tree, as Python's
 * sortedcontainers does):
 * - a lookup gallops back from the best block (1, 2, 4, … blocks) then bisects, so updates at the touch are found
 *   in a few steps; then it scans the block linearly from its end;
 * - an insert or delete shifts at most one block (≤ 16 levels). A single flat array was measured first: Binance
 *   diffs touch levels hundreds deep (on BTCUSDT spot half the changes are > 100 levels from the touch), and the
 *   shifts cost ~190 moved levels per change; blocks cap that;
 * - full blocks split in two, near-empty neighbours merge, emptied blocks are recycled.
 * Prices are matched exactly as float64: the same decimal string always parses to the same double. Levels are
 * never rounded to a tick.
 */
import { performance } from "node:perf_hooks";
import { ArgumentError } from "../errors";
import { Frame, type Columns } from "../frame/frame";
import { levelColumn, type BookChangeFrame, type QuoteColumns, type QuoteFrame } from "./schemas";

/**
 * Levels per block (even). Chosen by measurement on Binance BTCUSDT spot depth and a synthetic near-touch stream:
 * 16 with a linear in-block scan was fastest on the real data, in M level changes/s (bare apply loop, one core):
 * flat array 8.6; blocks of 128 / 64 / 32 with bisection 7.2 / 8.7 / 9.7; blocks of 64 / 32 / 16 with a linear
 * scan 9.0 / 10.6 / 11.4; and as fast as any on the synthetic stream (16–17.6 M/s for all).
 */
const BLOCK = 16;
const HALF = BLOCK / 2;

/**
 * One book side: ascending keys with the best level last (see the module comment), stored in blocks of at most
 * BLOCK levels, each a Float64Array of interleaved (key, amount) pairs. A change shifts at most one block, so a
 * deep update costs as little as one at the touch; `bmax` (the largest key of each block) is searched first.
 */
class SideLevels {
  /** Blocks in ascending key order: [k0, a0, k1, a1, …]. */
  blocks: Float64Array[] = [];
  /** Levels held by each block. */
  bn: Int32Array = new Int32Array(16);
  /** Largest key of each block. */
  bmax: Float64Array = new Float64Array(16);
  /** Number of blocks. */
  nb = 0;
  /** Number of levels. */
  count = 0;
  private readonly spare: Float64Array[] = [];

  /** Largest key (best level), NaN if empty. */
  bestKey(): number {
    const b = this.nb - 1;
    return b >= 0 ? this.blocks[b][2 * this.bn[b] - 2] : NaN;
  }
  /** Amount at the best level, NaN if empty. */
  bestAmount(): number {
    const b = this.nb - 1;
    return b >= 0 ? this.blocks[b][2 * this.bn[b] - 1] : NaN;
  }

  /** Copies the best `n` levels (best first) into keys/amounts; returns how many exist (≤ n). */
  top(n: number, keys: Float64Array, amounts: Float64Array): number {
    let b = this.nb - 1;
    let m = 0;
    while (b >= 0 && m < n) {
      const blk = this.blocks[b];
      for (let j = 2 * this.bn[b] - 2; j >= 0 && m < n; j -= 2) {
        keys[m] = blk[j];
        amounts[m] = blk[j + 1];
        m++;
      }
      b--;
    }
    return m;
  }

  /** Amount at `key` (exact float64 match), 0 if the level is absent. Same search as `set`. */
  get(key: number): number {
    const b = this.findBlock(key);
    if (b === this.nb) return 0;
    const blk = this.blocks[b];
    let i = this.bn[b] - 1;
    while (i >= 0 && blk[2 * i] > key) i--;
    return i >= 0 && blk[2 * i] === key ? blk[2 * i + 1] : 0;
  }

  /** Removes every level (blocks are kept for reuse). */
  clear(): void {
    for (let b = 0; b < this.nb; b++) this.spare.push(this.blocks[b]);
    this.blocks.length = 0;
    this.nb = 0;
    this.count = 0;
  }

  /** Index of the first block whose largest key is >= key (nb if none), galloping back from the best block. */
  private findBlock(key: number): number {
    const bmax = this.bmax;
    const nb = this.nb;
    if (nb === 0 || bmax[nb - 1] < key) return nb;
    let hi = nb - 1;
    let step = 1;
    let lo = hi - 1;
    while (lo >= 0 && bmax[lo] >= key) {
      hi = lo;
      step += step;
      lo = hi - step;
    }
    if (lo < -1) lo = -1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (bmax[mid] >= key) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** Sets the size at `key` (0 deletes). Returns false when asked to delete a level that is absent. */
  set(key: number, amount: number): boolean {
    let b = this.findBlock(key);
    if (b === this.nb) {
      if (amount === 0) return false;
      if (b === 0) {
        this.insertBlock(0);
        this.blocks[0][0] = key;
        this.blocks[0][1] = amount;
        this.bn[0] = 1;
        this.bmax[0] = key;
        this.count++;
        return true;
      }
      b--; // append after the largest key
    }
    let blk = this.blocks[b];
    let n = this.bn[b];
    // lower bound of key in the block: a linear scan back from its end (blocks are small; the loop's branch is
    // predictable, which measured faster than bisection)
    let i = n;
    while (i > 0 && blk[2 * i - 2] >= key) i--;
    if (i < n && blk[2 * i] === key) {
      if (amount !== 0) {
        blk[2 * i + 1] = amount;
        return true;
      }
      // delete pair i
      for (let j = 2 * i + 2; j < 2 * n; j++) blk[j - 2] = blk[j];
      n--;
      this.bn[b] = n;
      this.count--;
      if (n === 0) this.removeBlock(b);
      else {
        if (i === n) this.bmax[b] = blk[2 * n - 2];
        this.maybeMerge(b);
      }
      return true;
    }
    if (amount === 0) return false;
    if (n === BLOCK) {
      // split: the upper half moves to a new block b+1
      this.insertBlock(b + 1);
      const nxt = this.blocks[b + 1];
      nxt.set(blk.subarray(2 * HALF, 2 * BLOCK));
      this.bn[b] = HALF;
      this.bn[b + 1] = HALF;
      this.bmax[b + 1] = this.bmax[b];
      this.bmax[b] = blk[2 * HALF - 2];
      if (i >= HALF) {
        b++;
        i -= HALF;
        blk = nxt;
      }
      n = HALF;
    }
    for (let j = 2 * n + 1; j >= 2 * i + 2; j--) blk[j] = blk[j - 2];
    blk[2 * i] = key;
    blk[2 * i + 1] = amount;
    this.bn[b] = n + 1;
    if (i === n) this.bmax[b] = key;
    this.count++;
    return true;
  }

  /** Inserts an empty block at position b. */
  private insertBlock(b: number): void {
    const nb = this.nb;
    if (nb === this.bn.length) {
      const bn = new Int32Array(nb * 2);
      bn.set(this.bn);
      this.bn = bn;
      const bm = new Float64Array(nb * 2);
      bm.set(this.bmax);
      this.bmax = bm;
    }
    this.bn.copyWithin(b + 1, b, nb);
    this.bmax.copyWithin(b + 1, b, nb);
    this.blocks.splice(b, 0, this.spare.pop() ?? new Float64Array(2 * BLOCK));
    this.bn[b] = 0;
    this.nb = nb + 1;
  }

  /** Removes block b (kept for reuse). */
  private removeBlock(b: number): void {
    const nb = this.nb;
    this.spare.push(this.blocks[b]);
    this.blocks.splice(b, 1);
    this.bn.copyWithin(b, b + 1, nb);
    this.bmax.copyWithin(b, b + 1, nb);
    this.nb = nb - 1;
  }

  /** Merges block b with a neighbour when together they fill at most half a block (keeps blocks ≥ ¼ full on average). */
  private maybeMerge(b: number): void {
    const n = this.bn[b];
    if (n > HALF / 2) return;
    let left = -1;
    if (b + 1 < this.nb && n + this.bn[b + 1] <= HALF) left = b;
    else if (b > 0 && n + this.bn[b - 1] <= HALF) left = b - 1;
    if (left < 0) return;
    const dst = this.blocks[left];
    const m = this.bn[left];
    const r = this.bn[left + 1];
    dst.set(this.blocks[left + 1].subarray(0, 2 * r), 2 * m);
    this.bn[left] = m + r;
    this.bmax[left] = this.bmax[left + 1];
    this.removeBlock(left + 1);
  }
}

/** Book side: +1 bid, −1 ask (as everywhere in makerlab). */
export type BookSide = 1 | -1;

function checkSide(side: number): void {
  if (side !== 1 && side !== -1) throw new ArgumentError(`book side must be +1 (bid) or -1 (ask), not ${side}`, { field: "side" });
}

/**
 * An L2 order book: the size resting at each price level of each side.
 * `apply(side, price, amount)` sets the absolute size (Binance/Tardis diff semantics; 0 removes the level).
 * Empty-side queries return NaN prices and 0 depth. See the module comment for the layout.
 */
export class OrderBook {
  private readonly b = new SideLevels();
  private readonly a = new SideLevels();
  /** Deletes (amount 0) of levels that were not in the book, since construction or the last `resetCounters`. */
  missingDeletes = 0;

  /**
   * Sets the size at `price` on `side` (+1 bid, −1 ask) to `amount` (base units, absolute); `amount = 0` deletes
   * the level (a delete of an absent level is counted in `missingDeletes`, not an error).
   * Throws an ArgumentError for a side other than ±1, a non-finite price or a negative / non-finite amount.
   */
  apply(side: number, price: number, amount: number): void {
    if (!(amount >= 0) || amount === Infinity || !Number.isFinite(price)) {
      throw new ArgumentError(`bad book level: price ${price}, amount ${amount}`, { field: Number.isFinite(price) ? "amount" : "price" });
    }
    let ok: boolean;
    if (side === 1) ok = this.b.set(price, amount);
    else if (side === -1) ok = this.a.set(-price, amount);
    else {
      checkSide(side);
      return;
    }
    if (!ok) this.missingDeletes++;
  }

  /** Removes every level (counters are kept). */
  clear(): void {
    this.b.clear();
    this.a.clear();
  }

  /** Sets `missingDeletes` back to 0. */
  resetCounters(): void {
    this.missingDeletes = 0;
  }

  /** Number of bid levels. */
  get bidCount(): number {
    return this.b.count;
  }
  /** Number of ask levels. */
  get askCount(): number {
    return this.a.count;
  }

  /** Highest bid price (NaN if no bids). */
  bestBid(): number {
    return this.b.bestKey();
  }
  /** Size at the best bid (NaN if no bids). */
  bestBidAmount(): number {
    return this.b.bestAmount();
  }
  /** Lowest ask price (NaN if no asks). */
  bestAsk(): number {
    return -this.a.bestKey();
  }
  /** Size at the best ask (NaN if no asks). */
  bestAskAmount(): number {
    return this.a.bestAmount();
  }

  /** Price of level `i` (0 = best) on `side`, NaN if the side has fewer levels. O(i / block size). */
  levelPrice(side: BookSide, i: number): number {
    return this.level(side, i, true);
  }
  /** Size at level `i` (0 = best) on `side`, NaN if the side has fewer levels. */
  levelAmount(side: BookSide, i: number): number {
    return this.level(side, i, false);
  }

  private level(side: BookSide, i: number, price: boolean): number {
    checkSide(side);
    const s = side === 1 ? this.b : this.a;
    if (!(i >= 0) || i >= s.count) return NaN;
    const k = new Float64Array(i + 1);
    const q = new Float64Array(i + 1);
    s.top(i + 1, k, q);
    return price ? (side === 1 ? k[i] : -k[i]) : q[i];
  }

  private levels(s: SideLevels, n: number, neg: boolean): { price: Float64Array; amount: Float64Array } {
    const m = Math.max(0, Math.min(n, s.count));
    const price = new Float64Array(m);
    const amount = new Float64Array(m);
    s.top(m, price, amount);
    if (neg) for (let i = 0; i < m; i++) price[i] = -price[i];
    return { price, amount };
  }
  /** The best `n` bid levels, best first (fewer if the side is shallower): prices descending, with sizes. */
  bidLevels(n: number): { price: Float64Array; amount: Float64Array } {
    return this.levels(this.b, n, false);
  }
  /** The best `n` ask levels, best first (fewer if the side is shallower): prices ascending, with sizes. */
  askLevels(n: number): { price: Float64Array; amount: Float64Array } {
    return this.levels(this.a, n, true);
  }

  /** True when both sides are non-empty and best bid >= best ask (a locked book, bid = ask, counts as crossed). */
  isCrossed(): boolean {
    return this.b.bestKey() >= -this.a.bestKey();
  }
  /** True when both sides are non-empty and best bid = best ask. */
  isLocked(): boolean {
    return this.b.bestKey() === -this.a.bestKey();
  }

  /** Total size (base units) of the best `n` levels of `side` (Σ amount over levels 0..n−1; 0 for an empty side). */
  depth(side: BookSide, n: number): number {
    checkSide(side);
    const s = side === 1 ? this.b : this.a;
    const m = Math.max(0, Math.min(n, s.count));
    const k = new Float64Array(m);
    const q = new Float64Array(m);
    s.top(m, k, q);
    let sum = 0;
    for (let i = 0; i < m; i++) sum += q[i];
    return sum;
  }

  /**
   * Size resting at exactly `price` on `side` (+1 bid, −1 ask), base units; 0 when there is no such level (prices
   * are matched exactly as float64, as in `apply`). O(log d) for a level d blocks from the touch; no allocation.
   */
  amountAt(side: BookSide, price: number): number {
    if (side === 1) return this.b.get(price);
    if (side === -1) return this.a.get(-price);
    checkSide(side);
    return 0;
  }

  /**
   * Copies the best `n` levels of `side` into `prices` / `amounts` (best first: bids descending, asks ascending)
   * and returns how many exist (≤ n, ≤ the arrays' length). No allocation: the scratch arrays are the caller's.
   */
  topInto(side: BookSide, n: number, prices: Float64Array, amounts: Float64Array): number {
    checkSide(side);
    const m0 = Math.min(n, prices.length, amounts.length);
    const m = (side === 1 ? this.b : this.a).top(m0, prices, amounts);
    if (side === -1) for (let i = 0; i < m; i++) prices[i] = -prices[i];
    return m;
  }

  /** Mid price (bestBid + bestAsk) / 2; NaN if a side is empty. */
  mid(): number {
    return (this.bestBid() + this.bestAsk()) / 2;
  }

  /** @internal the bid side's arrays (read-only use by replay). */
  _bids(): SideLevels {
    return this.b;
  }
  /** @internal the ask side's arrays (keys are −price). */
  _asks(): SideLevels {
    return this.a;
  }
}

/** Counts gathered while replaying book changes (see `replayBook`). */
export interface ReplayStats {
  /** Level rows applied. */
  rows: number;
  /** Atomic updates applied (runs of rows sharing localTimestamp, updateId and isSnapshot). */
  updates: number;
  /** Rows of the output frame. */
  emitted: number;
  /** Book resets (snapshot runs following non-snapshot rows, or starting the input). */
  snapshots: number;
  /** Updates after which best bid >= best ask (both sides non-empty); includes `locked`. */
  crossed: number;
  /** Updates after which best bid = best ask. */
  locked: number;
  /** Updates after which the bid side is empty. */
  emptyBid: number;
  /** Updates after which the ask side is empty. */
  emptyAsk: number;
  /** Deletes of levels absent from the book (normal for Binance diffs beyond the snapshot depth). */
  missingDeletes: number;
  /** Gaps in localTimestamp between consecutive updates longer than `staleAfterUs` (0 when not asked). */
  staleGaps: number;
  /** Total µs spent in those gaps beyond `staleAfterUs`. */
  staleUs: number;
  /** Longest localTimestamp gap between consecutive updates, µs. */
  maxGapUs: number;
  /** Up to 5 crossed updates: input row where the update starts, its updateId, best bid and ask. */
  crossedExamples: Array<{ row: number; updateId: number; bid: number; ask: number }>;
  /** Wall time of the replay, ms. */
  elapsedMs: number;
}

/** The replayed top of book (QuoteColumns, plus level columns when `depth` was asked) with its stats. */
export type ReplayColumns = QuoteColumns & { [name: string]: Float64Array };

/** Frame returned by `replayBook`: one row per emitted update, with the replay's counts in `stats`. */
export class ReplayedBook extends Frame<ReplayColumns> {
  readonly stats: ReplayStats;
  constructor(columns: ReplayColumns, stats: ReplayStats) {
    super(columns);
    this.stats = stats;
  }
}

/** Options of `replayBook`. */
export interface ReplayOptions {
  /** Also output the best N levels per side as `bidPrice0..N−1`, `bidAmount…`, `askPrice…`, `askAmount…` (missing levels NaN). Default 0. */
  depth?: number;
  /** "update" (default): one row per atomic update; "change": only when the output values (top, and the N levels) change. */
  emit?: "update" | "change";
  /** Count gaps in localTimestamp longer than this (µs) as stale states. Default: none counted. */
  staleAfterUs?: number;
}

interface BookInput {
  ts: Float64Array;
  local: Float64Array;
  snap: Int8Array;
  side: Int8Array;
  price: Float64Array;
  amount: Float64Array;
  upd: Float64Array;
  n: number;
}

function bookInput(updates: BookChangeFrame): BookInput {
  for (const c of ["timestamp", "localTimestamp", "isSnapshot", "side", "price", "amount", "updateId"]) {
    if (!updates.has(c)) throw new ArgumentError(`book changes need column "${c}"; columns are: ${updates.names.join(", ")}`);
  }
  const snap = updates.columns.isSnapshot;
  const side = updates.columns.side;
  if (!(snap instanceof Int8Array) || !(side instanceof Int8Array)) throw new ArgumentError(`book changes: "isSnapshot" and "side" must be Int8Array columns`);
  return {
    ts: updates.f64("timestamp"),
    local: updates.f64("localTimestamp"),
    snap,
    side,
    price: updates.f64("price"),
    amount: updates.f64("amount"),
    upd: updates.f64("updateId"),
    n: updates.length,
  };
}

/** End (exclusive) of the atomic update starting at row `s`: rows sharing localTimestamp, updateId (NaN = NaN) and isSnapshot. */
function groupEnd(inp: BookInput, s: number): number {
  const { local, upd, snap, n } = inp;
  const l0 = local[s], u0 = upd[s], s0 = snap[s];
  let e = s + 1;
  if (u0 === u0) {
    while (e < n && local[e] === l0 && upd[e] === u0 && snap[e] === s0) e++;
  } else {
    while (e < n && local[e] === l0 && upd[e] !== upd[e] && snap[e] === s0) e++;
  }
  return e;
}

/**
 * Applies rows [s, e) (one atomic update) to the book. A snapshot run (isSnapshot rows following a non-snapshot
 * row, or at the start) clears the book first; returns true when it did. Throws an ArgumentError naming the row
 * for a bad side, price or amount. This is the shared core of `replayBook` and `bookIterator`.
 */
function applyGroup(book: OrderBook, inp: BookInput, s: number, e: number): boolean {
  const { side, price, amount, snap } = inp;
  let reset = false;
  if (snap[s] === 1 && (s === 0 || snap[s - 1] !== 1)) {
    book.clear();
    reset = true;
  }
  const bids = book._bids();
  const asks = book._asks();
  let missing = 0;
  for (let i = s; i < e; i++) {
    const p = price[i];
    const q = amount[i];
    if (!(q >= 0) || q === Infinity || p - p !== 0) {
      throw new ArgumentError(`bad book change: price ${p}, amount ${q}`, { line: i + 1, field: p - p !== 0 ? "price" : "amount" }, "row numbers count from 1");
    }
    const sd = side[i];
    let ok: boolean;
    if (sd === 1) ok = bids.set(p, q);
    else if (sd === -1) ok = asks.set(-p, q);
    else throw new ArgumentError(`bad book side ${sd} (expected +1 bid or -1 ask)`, { line: i + 1, field: "side" }, "row numbers count from 1");
    if (!ok) missing++;
  }
  book.missingDeletes += missing;
  return reset;
}

/**
 * Replays L2 book changes (Tardis incremental_book_L2 semantics, schemas.ts BookChangeColumns) and returns the
 * top of book after every atomic update (rows sharing localTimestamp, updateId and isSnapshot), emitted once the
 * whole update is applied: columns timestamp, localTimestamp, updateId (of the update's first row), bidPrice,
 * bidAmount, askPrice, askAmount (NaN for an empty side), plus `levelColumn(side, Price|Amount, i)` for
 * i < `depth`. A snapshot run following non-snapshot rows resets the book. The result's `stats` counts crossed
 * (bid >= ask) and locked (bid = ask) states, empty sides, deletes of absent levels and stale gaps.
 * Cost: O(log d) per level change (d = distance from the touch) plus O(depth) per emitted row.
 */
export function replayBook(updates: BookChangeFrame, opts: ReplayOptions = {}): ReplayedBook {
  const t0 = performance.now();
  const depth = opts.depth ?? 0;
  if (!Number.isInteger(depth) || depth < 0) throw new ArgumentError(`depth must be a non-negative integer, not ${depth}`, { field: "depth" });
  const emit = opts.emit ?? "update";
  if (emit !== "update" && emit !== "change") throw new ArgumentError(`emit must be "update" or "change", not "${emit}"`, { field: "emit" });
  const staleAfter = opts.staleAfterUs ?? Infinity;
  if (!(staleAfter >= 0)) throw new ArgumentError(`staleAfterUs must be >= 0`, { field: "staleAfterUs" });
  const inp = bookInput(updates);
  const n = inp.n;

  // count atomic updates to size the output exactly
  let groups = 0;
  for (let s = 0; s < n; ) {
    s = groupEnd(inp, s);
    groups++;
  }
  const oTs = new Float64Array(groups), oLocal = new Float64Array(groups), oUpd = new Float64Array(groups);
  const oBp = new Float64Array(groups), oBa = new Float64Array(groups), oAp = new Float64Array(groups), oAa = new Float64Array(groups);
  const lvBp: Float64Array[] = [], lvBa: Float64Array[] = [], lvAp: Float64Array[] = [], lvAa: Float64Array[] = [];
  for (let i = 0; i < depth; i++) {
    lvBp.push(new Float64Array(groups));
    lvBa.push(new Float64Array(groups));
    lvAp.push(new Float64Array(groups));
    lvAa.push(new Float64Array(groups));
  }

  const book = new OrderBook();
  const bids = book._bids();
  const asks = book._asks();
  // scratch for the best `depth` levels of each side (prices, sizes), best first
  const kB = new Float64Array(depth), qB = new Float64Array(depth), kA = new Float64Array(depth), qA = new Float64Array(depth);
  const stats: ReplayStats = {
    rows: n, updates: groups, emitted: 0, snapshots: 0, crossed: 0, locked: 0, emptyBid: 0, emptyAsk: 0,
    missingDeletes: 0, staleGaps: 0, staleUs: 0, maxGapUs: 0, crossedExamples: [], elapsedMs: 0,
  };
  let k = 0;
  let prevLocal = NaN;
  const local = inp.local;
  for (let s = 0; s < n; ) {
    const e = groupEnd(inp, s);
    if (applyGroup(book, inp, s, e)) stats.snapshots++;
    const l = local[s];
    const gapUs = l - prevLocal;
    if (gapUs > stats.maxGapUs) stats.maxGapUs = gapUs;
    if (gapUs > staleAfter) {
      stats.staleGaps++;
      stats.staleUs += gapUs - staleAfter;
    }
    prevLocal = l;
    const nb = bids.count, na = asks.count;
    const bp = bids.bestKey();
    const ba = bids.bestAmount();
    const ap = -asks.bestKey();
    const aa = asks.bestAmount();
    if (nb === 0) stats.emptyBid++;
    if (na === 0) stats.emptyAsk++;
    if (bp >= ap) {
      stats.crossed++;
      if (bp === ap) stats.locked++;
      if (stats.crossedExamples.length < 5) stats.crossedExamples.push({ row: s, updateId: inp.upd[s], bid: bp, ask: ap });
    }
    if (depth > 0) {
      const mb = bids.top(depth, kB, qB);
      const ma = asks.top(depth, kA, qA);
      for (let i = mb; i < depth; i++) kB[i] = qB[i] = NaN;
      for (let i = ma; i < depth; i++) kA[i] = qA[i] = NaN;
      for (let i = 0; i < ma; i++) kA[i] = -kA[i];
    }
    let write = true;
    if (emit === "change" && k > 0) {
      const j = k - 1;
      write = !(same(oBp[j], bp) && same(oBa[j], ba) && same(oAp[j], ap) && same(oAa[j], aa));
      for (let i = 0; i < depth && !write; i++) {
        write = !(same(lvBp[i][j], kB[i]) && same(lvBa[i][j], qB[i]) && same(lvAp[i][j], kA[i]) && same(lvAa[i][j], qA[i]));
      }
    }
    if (write) {
      oTs[k] = inp.ts[s];
      oLocal[k] = l;
      oUpd[k] = inp.upd[s];
      oBp[k] = bp;
      oBa[k] = ba;
      oAp[k] = ap;
      oAa[k] = aa;
      for (let i = 0; i < depth; i++) {
        lvBp[i][k] = kB[i];
        lvBa[i][k] = qB[i];
        lvAp[i][k] = kA[i];
        lvAa[i][k] = qA[i];
      }
      k++;
    }
    s = e;
  }
  stats.missingDeletes = book.missingDeletes;
  stats.emitted = k;
  const cut = (c: Float64Array) => (k === groups ? c : c.slice(0, k));
  const cols: Columns = {
    timestamp: cut(oTs), localTimestamp: cut(oLocal), updateId: cut(oUpd),
    bidPrice: cut(oBp), bidAmount: cut(oBa), askPrice: cut(oAp), askAmount: cut(oAa),
  };
  for (let i = 0; i < depth; i++) {
    cols[levelColumn("bid", "Price", i)] = cut(lvBp[i]);
    cols[levelColumn("bid", "Amount", i)] = cut(lvBa[i]);
    cols[levelColumn("ask", "Price", i)] = cut(lvAp[i]);
    cols[levelColumn("ask", "Amount", i)] = cut(lvAa[i]);
  }
  stats.elapsedMs = performance.now() - t0;
  return new ReplayedBook(cols as ReplayColumns, stats);
}

/** Equality where NaN equals NaN. */
function same(x: number, y: number): boolean {
  return x === y || (x !== x && y !== y);
}

/** The book after one atomic update, as yielded by `bookIterator` (one object, updated in place). */
export interface BookState {
  /** The live book (mutated by the next step: copy what you keep). */
  book: OrderBook;
  /** Input rows [start, end) of this update. */
  start: number;
  end: number;
  /** Exchange time, local time (µs) and update id of the update's first row. */
  timestamp: number;
  localTimestamp: number;
  updateId: number;
  /** True when the update is (part of) a snapshot. */
  isSnapshot: boolean;
  /** True when this update reset the book (start of a snapshot run). */
  reset: boolean;
}

/**
 * Iterates over atomic updates of book changes, yielding the book state after each (same grouping and reset rule
 * as `replayBook`, same core). The same `BookState` object and `OrderBook` are yielded every time and mutated by
 * the next step, so the loop costs no allocation; copy values you keep. Optionally replays into a given `book`.
 */
export function* bookIterator(updates: BookChangeFrame, opts: { book?: OrderBook } = {}): Generator<BookState, void, undefined> {
  const inp = bookInput(updates);
  const book = opts.book ?? new OrderBook();
  const st: BookState = { book, start: 0, end: 0, timestamp: NaN, localTimestamp: NaN, updateId: NaN, isSnapshot: false, reset: false };
  for (let s = 0; s < inp.n; ) {
    const e = groupEnd(inp, s);
    st.reset = applyGroup(book, inp, s, e);
    st.start = s;
    st.end = e;
    st.timestamp = inp.ts[s];
    st.localTimestamp = inp.local[s];
    st.updateId = inp.upd[s];
    st.isSnapshot = inp.snap[s] === 1;
    yield st;
    s = e;
  }
}

/** Result of `compareWithTicker`. */
export interface TickerComparison {
  /** Ticker rows whose updateId matched a replayed row. */
  checked: number;
  /** Checked rows where a price (or, with `amounts`, a size) differs. */
  mismatches: number;
  /** Checked rows where best bid or best ask price differs. */
  priceMismatches: number;
  /** Checked rows where the size at best bid or best ask differs. */
  sizeMismatches: number;
  /** Ticker rows with no replayed row of the same updateId. */
  unmatched: number;
  /** Up to `maxExamples` mismatching rows. */
  examples: Array<{ updateId: number; tickerRow: number; replayRow: number; replayed: [number, number, number, number]; ticker: [number, number, number, number] }>;
}

/**
 * Checks a replayed book against exchange best-bid/offer messages: for every quote row whose updateId equals the
 * updateId of a replayed row (the last such row when several share it), compares bidPrice / askPrice (and, with
 * `amounts` (default true), bidAmount / askAmount) exactly. On Binance, bookTicker `u` and depth `u` share one
 * sequence, so at equal ids the two must agree (a mismatch means a bad replay or out-of-sync data).
 * Matching uses a sorted index of the replayed ids: O((n + m) log n).
 */
export function compareWithTicker(
  replayed: Frame<QuoteColumns> | Frame<ReplayColumns> | Frame<Columns>,
  quotes: QuoteFrame | Frame<Columns>,
  opts: { amounts?: boolean; maxExamples?: number } = {},
): TickerComparison {
  const useAmt = opts.amounts ?? true;
  const maxEx = opts.maxExamples ?? 5;
  const rU = replayed.f64("updateId"), rBp = replayed.f64("bidPrice"), rBa = replayed.f64("bidAmount"), rAp = replayed.f64("askPrice"), rAa = replayed.f64("askAmount");
  const qU = quotes.f64("updateId"), qBp = quotes.f64("bidPrice"), qBa = quotes.f64("bidAmount"), qAp = quotes.f64("askPrice"), qAa = quotes.f64("askAmount");
  const n = rU.length;
  // index of replayed rows sorted by (updateId, row); NaN ids excluded
  let m = 0;
  for (let i = 0; i < n; i++) if (rU[i] === rU[i]) m++;
  const idx = new Int32Array(m);
  m = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    if (rU[i] !== rU[i]) continue;
    if (m > 0 && rU[i] < rU[idx[m - 1]]) sorted = false;
    idx[m++] = i;
  }
  if (!sorted) idx.sort((x, y) => (rU[x] === rU[y] ? x - y : rU[x] < rU[y] ? -1 : 1));
  const out: TickerComparison = { checked: 0, mismatches: 0, priceMismatches: 0, sizeMismatches: 0, unmatched: 0, examples: [] };
  for (let j = 0; j < qU.length; j++) {
    const id = qU[j];
    // last position with rU <= id
    let lo = -1, hi = m;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (rU[idx[mid]] <= id) lo = mid;
      else hi = mid;
    }
    if (lo < 0 || rU[idx[lo]] !== id) {
      out.unmatched++;
      continue;
    }
    const r = idx[lo];
    out.checked++;
    const pBad = !same(rBp[r], qBp[j]) || !same(rAp[r], qAp[j]);
    const sBad = !same(rBa[r], qBa[j]) || !same(rAa[r], qAa[j]);
    if (pBad) out.priceMismatches++;
    if (sBad) out.sizeMismatches++;
    if (pBad || (useAmt && sBad)) {
      out.mismatches++;
      if (out.examples.length < maxEx) {
        out.examples.push({ updateId: id, tickerRow: j, replayRow: r, replayed: [rBp[r], rBa[r], rAp[r], rAa[r]], ticker: [qBp[j], qBa[j], qAp[j], qAa[j]] });
      }
    }
  }
  return out;
}
