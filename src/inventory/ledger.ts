/**
 * PnL ledger: fills in, positions out, for several assets, with average-cost or FIFO cost basis, maker/taker fees
 * and rebates, mark-to-market at any time, and a PnL decomposition into spread capture, inventory PnL and fees.
 *
 * Arithmetic conventions (every number is float64; nothing is rounded):
 * - Units: `price` and `mid` in quote currency per unit of base; `amount` and `qty` in base units; every money
 *   figure (cash, fees, PnL) in the asset's **quote currency**. Totals across assets add quote amounts, so they
 *   assume one common quote currency (e.g. USDT).
 * - Side: `+1` buy, `−1` sell (the project convention). `qty` is the signed position: > 0 long, < 0 short.
 * - Cash (per asset, starting at 0): a fill changes it by −side·price·amount − fee.
 * - Fees: positive = paid, negative = rebate received. A fill's fee is, in order of precedence: the explicit `fee`
 *   (quote currency); else `feeRate`·price·amount (`feeRate` a fraction: 0.001 = 10 bps); else the fee schedule
 *   (`{ makerBps, takerBps }`, per asset or ledger-wide) as bps·1e−4·price·amount according to `liquidity`;
 *   with no schedule at all the fee is 0. `makerBps < 0` is a rebate.
 * - Realized PnL **excludes fees**. Closing c units of a position of sign s = sign(qty) at price p realizes
 *   s·c·(p − cost): with "average" cost is the position's average entry price (unchanged by closes); with "fifo" the
 *   oldest lots are closed first, each at its own entry price. Opening or adding never realizes anything.
 * - Flip through zero: a fill larger than the open position first closes the whole position (realizing as above),
 *   then opens the remainder on the other side at the fill price (long 1 @ 100, sell 3 @ 110 → realized +10,
 *   short 2 with average cost 110).
 * - Mark: the asset's last mid/mark price. `mark()` sets it; a fill carrying `mid` sets it to that mid before the
 *   fill is applied; a fill without `mid` leaves it unchanged, except the very first observation of an asset, where
 *   the fill price becomes the mark (counted in `fillsWithoutMid`).
 * - Unrealized PnL = Σ_lots lotQty·(mark − lotPrice) = qty·(mark − avgCost) (the same number in both modes).
 * - Equity (per asset) = cash + qty·mark; ledger equity = initialCash + Σ_assets (cash + qty·mark).
 *   Identity: cash + qty·mark = realized + unrealized − fees (up to float rounding).
 * - Decomposition. For each fill, spread capture = side·(mid − price)·amount (buying below the mid or selling above
 *   it earns); inventory PnL = Σ qty·Δmark over consecutive mark updates (qty held before each update); fees as above.
 *   Identity: cash + qty·mark = spreadCapture + inventoryPnl − fees. It is exact in real arithmetic (each fill
 *   changes equity by side·(mid − price)·amount − fee at the mark `mid`; each mark update by qty·Δmark), and holds
 *   to float rounding in practice (bit-exact when the numbers are dyadic, e.g. prices in 1/4 and sizes in 1/2).
 * - Dust: after a fill, a position with |qty| ≤ qtyTolerance·max(|qty before|, amount) is set to exactly 0 and its lots
 *   are cleared (counted in `dustCleared`); default qtyTolerance = 1e−9 (relative). Set it to 0 to disable.
 * - Time: per asset, fill and mark timestamps must be non-decreasing (epoch µs by convention; the ledger does not
 *   interpret them otherwise).
 *
 * Two entry points share one kernel: the `PnlLedger` class (one fill at a time, for a backtester) and
 * `ledgerFromFills` (a whole column set of fills, no per-fill object allocation, for millions of fills).
 */
import { ArgumentError, DataError, type SourceLocation } from "../errors";
import { Frame, type Column } from "../frame/frame";

/** Maker/taker fee rates in basis points of notional (price·amount). Negative = rebate. */
export interface FeeSchedule {
  /** Fee of a fill that provided liquidity, bps of notional (e.g. −1 = 1 bp rebate). */
  makerBps: number;
  /** Fee of a fill that took liquidity, bps of notional. */
  takerBps: number;
}

/** Cost-basis method for realized PnL. */
export type CostBasis = "average" | "fifo";

/** Options of `PnlLedger` and `ledgerFromFills`. */
export interface PnlLedgerOptions {
  /** "average" (default): weighted-average entry price; "fifo": first-in-first-out lots. */
  costBasis?: CostBasis;
  /** Ledger-wide fee schedule (bps), used when a fill carries neither `fee` nor `feeRate`. */
  fees?: FeeSchedule;
  /** Per-asset fee schedules; they override `fees` for their asset. */
  assetFees?: { [asset: string]: FeeSchedule };
  /** Starting cash, quote currency (default 0); it enters ledger equity and cash, not any PnL figure. */
  initialCash?: number;
  /** Relative dust tolerance for snapping a position to 0 (default 1e−9; see the module comment). */
  qtyTolerance?: number;
}

/** One fill for `PnlLedger.fill`. */
export interface LedgerFill {
  /** Asset name (e.g. "BTCUSDT"). */
  asset: string;
  /** Fill time (epoch µs by convention); non-decreasing per asset. */
  timestamp: number;
  /** +1 buy, −1 sell. */
  side: number;
  /** Fill price, quote per base, finite > 0. */
  price: number;
  /** Filled size, base units, finite > 0. */
  amount: number;
  /** Fee in quote currency (negative = rebate). Takes precedence over `feeRate` and the schedule. */
  fee?: number;
  /** Fee as a fraction of notional (0.001 = 10 bps; negative = rebate). Takes precedence over the schedule. */
  feeRate?: number;
  /** Whether the fill made or took liquidity; needed when the fee comes from a schedule. */
  liquidity?: "maker" | "taker";
  /** Mid price at the fill time (for spread capture); also updates the mark. */
  mid?: number;
}

/** One asset's position and PnL (quote currency unless stated). */
export interface PositionSnapshot {
  asset: string;
  /** Signed position, base units (> 0 long). */
  qty: number;
  /** Average entry price of the open position (FIFO: the lots' qty-weighted price); NaN when flat. */
  avgCost: number;
  /** Mark price (last mid/mark); NaN if the asset was never observed. */
  mark: number;
  /** Realized PnL, fees excluded. */
  realized: number;
  /** Unrealized PnL at the mark: qty·(mark − avgCost); 0 when flat. */
  unrealized: number;
  /** Fees paid, net of rebates. */
  fees: number;
  /** Cash flow of this asset's fills: −Σ side·price·amount − Σ fee. */
  cash: number;
  /** cash + qty·mark (= realized + unrealized − fees = spreadCapture + inventoryPnl − fees). */
  equity: number;
  /** Σ side·(mid − price)·amount over fills. */
  spreadCapture: number;
  /** Σ qty·Δmark over mark updates. */
  inventoryPnl: number;
  /** Number of fills. */
  fills: number;
  /** Base units bought and sold. */
  buyVolume: number;
  sellVolume: number;
  /** Σ price·amount over fills. */
  notionalTraded: number;
  /** Fills flagged maker / taker (by `liquidity`, or `isMaker` in `ledgerFromFills`); unflagged fills count in neither. */
  makerFills: number;
  takerFills: number;
  /** Fills without a mid (spread capture measured against the previous mark). */
  fillsWithoutMid: number;
  /** Positions snapped to 0 as dust. */
  dustCleared: number;
  /** Timestamp of the last fill or mark. */
  lastTimestamp: number;
}

/** Ledger-wide totals (quote currency, one common quote currency assumed). */
export interface LedgerTotals {
  /** initialCash + Σ asset cash. */
  cash: number;
  realized: number;
  unrealized: number;
  fees: number;
  spreadCapture: number;
  inventoryPnl: number;
  /** initialCash + Σ (cash + qty·mark). */
  equity: number;
  /** equity − initialCash (= realized + unrealized − fees = spreadCapture + inventoryPnl − fees). */
  pnl: number;
  /** Σ |qty|·mark. */
  grossExposure: number;
  /** Σ qty·mark. */
  netExposure: number;
  fills: number;
}

/** Positions and totals at one moment. */
export interface LedgerSnapshot {
  /** Latest timestamp seen by the ledger (NaN if none). */
  timestamp: number;
  assets: PositionSnapshot[];
  totals: LedgerTotals;
}

/** An open lot: signed quantity and entry price. */
export interface Lot {
  qty: number;
  price: number;
}

/** A position in the shape the risk functions take (see risk.ts): price = the ledger's mark. */
export interface LedgerHolding {
  asset: string;
  qty: number;
  price: number;
}

const FILE_FILLS = "fills";

/**
 * @internal The ledger kernel's per-asset state: plain numeric fields plus FIFO lot buffers (absolute quantities,
 * oldest at `head`). Exported for `ledgerFromFills` and tests only; use `PnlLedger`.
 */
export class AssetBook {
  qty = 0;
  avg = NaN; // average mode only
  realized = 0;
  fees = 0;
  cash = 0;
  mark = NaN;
  spread = 0;
  inv = 0;
  fills = 0;
  buyVol = 0;
  sellVol = 0;
  notional = 0;
  maker = 0;
  taker = 0;
  noMid = 0;
  dust = 0;
  lastTs = -Infinity;
  // FIFO lots
  lotQty: Float64Array;
  lotPx: Float64Array;
  head = 0;
  tail = 0;
  /** Running Σ lotQty and Σ lotQty·lotPrice of the live lots (reset to 0 whenever the lots empty). */
  lotSum = 0;
  lotCost = 0;
  // per-fill outputs of the last apply()
  lastRealized = 0;
  lastSpread = 0;
  lastInv = 0;

  constructor(readonly name: string, readonly fifo: boolean, readonly schedule: FeeSchedule | undefined) {
    this.lotQty = new Float64Array(fifo ? 16 : 0);
    this.lotPx = new Float64Array(fifo ? 16 : 0);
  }

  /** Sets the mark to m (finite > 0), accruing inventory PnL qty·(m − mark). Returns the accrual. */
  markTo(m: number): number {
    if (this.mark !== this.mark) {
      this.mark = m;
      return 0;
    }
    const d = this.qty * (m - this.mark);
    this.inv += d;
    this.mark = m;
    return d;
  }

  private pushLot(q: number, p: number): void {
    if (this.tail === this.lotQty.length) {
      const live = this.tail - this.head;
      if (this.head > 0 && live <= this.lotQty.length / 2) {
        this.lotQty.copyWithin(0, this.head, this.tail);
        this.lotPx.copyWithin(0, this.head, this.tail);
      } else {
        const nq = new Float64Array(this.lotQty.length * 2);
        const np = new Float64Array(this.lotQty.length * 2);
        nq.set(this.lotQty.subarray(this.head, this.tail));
        np.set(this.lotPx.subarray(this.head, this.tail));
        this.lotQty = nq;
        this.lotPx = np;
      }
      this.head = 0;
      this.tail = live;
    }
    this.lotQty[this.tail] = q;
    this.lotPx[this.tail] = p;
    this.tail++;
    this.lotSum += q;
    this.lotCost += q * p;
  }

  /**
   * Applies one validated fill. `mid` NaN = no mid. Sets lastRealized / lastSpread / lastInv. No allocation except
   * when the FIFO lot buffer grows.
   */
  apply(side: number, price: number, amount: number, fee: number, mid: number, tol: number): void {
    let inv = 0;
    if (mid === mid) inv = this.markTo(mid);
    else {
      this.noMid++;
      if (this.mark !== this.mark) this.mark = price;
    }
    const m = this.mark;
    const spread = side * (m - price) * amount;
    this.spread += spread;
    this.lastSpread = spread;
    this.lastInv = inv;
    this.fees += fee;
    this.cash -= side * price * amount + fee;
    this.fills++;
    if (side > 0) this.buyVol += amount;
    else this.sellVol += amount;
    this.notional += price * amount;

    const q0 = this.qty;
    let realized = 0;
    let open = amount; // the part that opens or adds on the fill's side
    if (q0 !== 0 && (q0 > 0 ? side < 0 : side > 0)) {
      const s = q0 > 0 ? 1 : -1;
      const held = s * q0;
      const close = amount < held ? amount : held;
      open = amount - close;
      if (this.fifo) {
        let rem = close;
        while (rem > 0 && this.head < this.tail) {
          const lq = this.lotQty[this.head];
          const take = rem < lq ? rem : lq;
          const lp = this.lotPx[this.head];
          realized += s * take * (price - lp);
          this.lotSum -= take;
          this.lotCost -= take * lp;
          rem -= take;
          if (take === lq) this.head++;
          else this.lotQty[this.head] = lq - take;
        }
        if (this.head === this.tail) this.clearLots();
      } else {
        realized = s * close * (price - this.avg);
      }
    }
    this.qty = q0 + side * amount;
    if (open > 0) {
      // adding on the same side, or the remainder after a flip (the old position is fully closed then)
      if (this.fifo) this.pushLot(open, price);
      else if (q0 === 0 || (q0 > 0) === (side > 0)) {
        const held = q0 > 0 ? q0 : -q0;
        this.avg = held === 0 ? price : (held * this.avg + open * price) / (held + open);
      } else this.avg = price;
    }
    if (this.qty !== 0) {
      const aq = this.qty > 0 ? this.qty : -this.qty;
      const ref = (q0 > 0 ? q0 : -q0) > amount ? (q0 > 0 ? q0 : -q0) : amount;
      if (aq <= tol * ref) {
        this.qty = 0;
        this.dust++;
      }
    }
    if (this.qty === 0) {
      this.avg = NaN;
      this.clearLots();
    }
    this.realized += realized;
    this.lastRealized = realized;
  }

  clearLots(): void {
    this.head = this.tail = 0;
    this.lotSum = 0;
    this.lotCost = 0;
  }

  /** Average cost from the running sums (O(1); FIFO may differ from `avgCost()` by float rounding). */
  avgCostFast(): number {
    if (this.qty === 0) return NaN;
    return this.fifo ? this.lotCost / this.lotSum : this.avg;
  }

  /** Σ lotQty·lotPrice (signed by the position) for FIFO; qty·avg for average. */
  openCost(): number {
    if (this.qty === 0) return 0;
    if (!this.fifo) return this.qty * this.avg;
    let c = 0;
    for (let i = this.head; i < this.tail; i++) c += this.lotQty[i] * this.lotPx[i];
    return this.qty > 0 ? c : -c;
  }

  /** FIFO: Σ lot quantities (absolute). */
  lotTotal(): number {
    let c = 0;
    for (let i = this.head; i < this.tail; i++) c += this.lotQty[i];
    return c;
  }

  avgCost(): number {
    if (this.qty === 0) return NaN;
    if (!this.fifo) return this.avg;
    const lt = this.lotTotal();
    return lt > 0 ? (this.qty > 0 ? this.openCost() : -this.openCost()) / lt : NaN;
  }

  unrealized(): number {
    if (this.qty === 0) return 0;
    if (!this.fifo) return this.qty * (this.mark - this.avg) + 0; // + 0 turns −0 into 0
    // Σ_lots s·lq·(mark − lp); lots may differ from |qty| by at most the dust tolerance
    let u = 0;
    for (let i = this.head; i < this.tail; i++) u += this.lotQty[i] * (this.mark - this.lotPx[i]);
    return (this.qty > 0 ? u : -u) + 0;
  }

  equity(): number {
    return this.qty === 0 ? this.cash : this.cash + this.qty * this.mark;
  }

  snapshot(): PositionSnapshot {
    return {
      asset: this.name,
      qty: this.qty,
      avgCost: this.avgCost(),
      mark: this.mark,
      realized: this.realized,
      unrealized: this.unrealized(),
      fees: this.fees,
      cash: this.cash,
      equity: this.equity(),
      spreadCapture: this.spread,
      inventoryPnl: this.inv,
      fills: this.fills,
      buyVolume: this.buyVol,
      sellVolume: this.sellVol,
      notionalTraded: this.notional,
      makerFills: this.maker,
      takerFills: this.taker,
      fillsWithoutMid: this.noMid,
      dustCleared: this.dust,
      lastTimestamp: this.lastTs,
    };
  }
}

function checkSchedule(s: FeeSchedule | undefined, field: string): void {
  if (s === undefined) return;
  if (typeof s !== "object" || s === null) throw new ArgumentError(`${field} must be { makerBps, takerBps }`, { field });
  if (!Number.isFinite(s.makerBps)) throw new ArgumentError(`${field}.makerBps must be a finite number (negative = rebate), got ${s.makerBps}`, { field: `${field}.makerBps` });
  if (!Number.isFinite(s.takerBps)) throw new ArgumentError(`${field}.takerBps must be a finite number, got ${s.takerBps}`, { field: `${field}.takerBps` });
}

/**
 * A multi-asset PnL ledger (see the module comment for every convention). Feed it fills in time order per asset
 * with `fill`, update marks with `mark`, read `position`, `totals`, `snapshot`, `equity` at any time.
 *
 * Example: `const L = new PnlLedger({ costBasis: "fifo", fees: { makerBps: -1, takerBps: 5 } });
 * L.fill({ asset: "BTCUSDT", timestamp: t, side: 1, price: 100, amount: 2, liquidity: "maker", mid: 100.5 });`
 */
export class PnlLedger {
  /** Cost-basis method. */
  readonly costBasis: CostBasis;
  /** Starting cash, quote currency. */
  readonly initialCash: number;
  /** Relative dust tolerance. */
  readonly qtyTolerance: number;
  private readonly fees?: FeeSchedule;
  private readonly assetFees: { [asset: string]: FeeSchedule };
  private readonly books = new Map<string, AssetBook>();
  /** @internal Books in the order first seen (read by `ledgerFromFills`). */
  readonly order: AssetBook[] = [];

  constructor(opts: PnlLedgerOptions = {}) {
    const cb = opts.costBasis ?? "average";
    if (cb !== "average" && cb !== "fifo") throw new ArgumentError(`costBasis must be "average" or "fifo", got "${cb}"`, { field: "costBasis" });
    this.costBasis = cb;
    checkSchedule(opts.fees, "fees");
    this.fees = opts.fees;
    this.assetFees = {};
    if (opts.assetFees !== undefined) {
      for (const a of Object.keys(opts.assetFees)) {
        checkSchedule(opts.assetFees[a], `assetFees.${a}`);
        this.assetFees[a] = opts.assetFees[a];
      }
    }
    const ic = opts.initialCash ?? 0;
    if (!Number.isFinite(ic)) throw new ArgumentError(`initialCash must be a finite number, got ${ic}`, { field: "initialCash" });
    this.initialCash = ic;
    const tol = opts.qtyTolerance ?? 1e-9;
    if (!(tol >= 0 && tol < 1)) throw new ArgumentError(`qtyTolerance must be in [0, 1), got ${tol}`, { field: "qtyTolerance" });
    this.qtyTolerance = tol;
  }

  /** @internal The book of `asset`, created on first use. */
  book(asset: string): AssetBook {
    let b = this.books.get(asset);
    if (b === undefined) {
      if (typeof asset !== "string" || asset === "") throw new ArgumentError(`asset must be a non-empty string, got ${JSON.stringify(asset)}`, { field: "asset" });
      b = new AssetBook(asset, this.costBasis === "fifo", this.assetFees[asset] ?? this.fees);
      this.books.set(asset, b);
      this.order.push(b);
    }
    return b;
  }

  private known(asset: string): AssetBook {
    const b = this.books.get(asset);
    if (b === undefined) {
      throw new ArgumentError(`unknown asset "${asset}"; the ledger has: ${this.assets().join(", ") || "(none)"}`, { field: "asset" });
    }
    return b;
  }

  /** True when the ledger has seen `asset` (a fill or a mark). */
  has(asset: string): boolean {
    return this.books.has(asset);
  }

  /** Asset names in the order first seen. */
  assets(): string[] {
    return this.order.map((b) => b.name);
  }

  /**
   * Applies one fill and returns the PnL it realized (quote currency, fees excluded): s·c·(price − cost) over the
   * c units it closed, 0 when it only opens or adds. Fee precedence: `fee`, then `feeRate`·price·amount, then the
   * schedule's bps·1e−4·price·amount by `liquidity` (see the module comment). Throws an ArgumentError naming the
   * field on bad input (side not ±1, price/amount not finite > 0, mid not finite > 0, time going backwards,
   * both `fee` and `feeRate`, or a schedule fee without `liquidity`).
   */
  fill(f: LedgerFill): number {
    const loc = (field: string): SourceLocation => ({ file: FILE_FILLS, field });
    if (f === null || typeof f !== "object") throw new ArgumentError(`fill must be an object`, loc("fill"));
    const { side, price, amount, timestamp } = f;
    if (side !== 1 && side !== -1) throw new ArgumentError(`${f.asset}: side must be +1 (buy) or −1 (sell), got ${side}`, loc("side"));
    if (!(price > 0) || price === Infinity) throw new ArgumentError(`${f.asset}: price must be a finite number > 0, got ${price}`, loc("price"));
    if (!(amount > 0) || amount === Infinity) throw new ArgumentError(`${f.asset}: amount must be a finite number > 0, got ${amount}`, loc("amount"));
    if (!Number.isFinite(timestamp)) throw new ArgumentError(`${f.asset}: timestamp must be finite, got ${timestamp}`, loc("timestamp"));
    const mid = f.mid === undefined ? NaN : f.mid;
    if (f.mid !== undefined && (!(mid > 0) || mid === Infinity)) throw new ArgumentError(`${f.asset}: mid must be a finite number > 0, got ${f.mid}`, loc("mid"));
    const b = this.book(f.asset);
    if (timestamp < b.lastTs) throw new ArgumentError(`${f.asset}: timestamp ${timestamp} is before the asset's last event at ${b.lastTs}`, loc("timestamp"));
    let fee: number;
    if (f.fee !== undefined) {
      if (f.feeRate !== undefined) throw new ArgumentError(`${f.asset}: give fee or feeRate, not both`, loc("feeRate"));
      if (!Number.isFinite(f.fee)) throw new ArgumentError(`${f.asset}: fee must be a finite number (negative = rebate), got ${f.fee}`, loc("fee"));
      fee = f.fee;
    } else if (f.feeRate !== undefined) {
      if (!Number.isFinite(f.feeRate)) throw new ArgumentError(`${f.asset}: feeRate must be a finite fraction, got ${f.feeRate}`, loc("feeRate"));
      fee = f.feeRate * price * amount;
    } else if (b.schedule !== undefined) {
      if (f.liquidity === "maker") fee = b.schedule.makerBps * 1e-4 * price * amount;
      else if (f.liquidity === "taker") fee = b.schedule.takerBps * 1e-4 * price * amount;
      else {
        throw new ArgumentError(`${f.asset}: liquidity must be "maker" or "taker" when the fee comes from the schedule, got ${JSON.stringify(f.liquidity)}`, loc("liquidity"));
      }
    } else {
      if (f.liquidity !== undefined && f.liquidity !== "maker" && f.liquidity !== "taker") {
        throw new ArgumentError(`${f.asset}: liquidity must be "maker" or "taker", got ${JSON.stringify(f.liquidity)}`, loc("liquidity"));
      }
      fee = 0;
    }
    if (f.liquidity === "maker") b.maker++;
    else if (f.liquidity === "taker") b.taker++;
    b.lastTs = timestamp;
    b.apply(side, price, amount, fee, mid, this.qtyTolerance);
    return b.lastRealized;
  }

  /**
   * Marks `asset` at `price` (a mid or mark price, quote per base) and returns the inventory PnL accrued since the
   * previous mark: qty·(price − previous mark). An unseen asset is created flat. `timestamp` (optional) must not go
   * back in time for the asset.
   */
  mark(asset: string, price: number, timestamp?: number): number {
    if (!(price > 0) || price === Infinity) throw new ArgumentError(`${asset}: mark price must be a finite number > 0, got ${price}`, { field: "price" });
    const b = this.book(asset);
    if (timestamp !== undefined) {
      if (!Number.isFinite(timestamp)) throw new ArgumentError(`${asset}: timestamp must be finite, got ${timestamp}`, { field: "timestamp" });
      if (timestamp < b.lastTs) throw new ArgumentError(`${asset}: mark timestamp ${timestamp} is before the asset's last event at ${b.lastTs}`, { field: "timestamp" });
      b.lastTs = timestamp;
    }
    return b.markTo(price);
  }

  /** Marks several assets at once: `{ BTCUSDT: 60000, ETHUSDT: 3000 }`. Returns the total inventory PnL accrued. */
  markAll(prices: { [asset: string]: number }, timestamp?: number): number {
    let s = 0;
    for (const a of Object.keys(prices)) s += this.mark(a, prices[a], timestamp);
    return s;
  }

  /** Position and PnL of one asset (throws on an unknown asset, listing the known ones). */
  position(asset: string): PositionSnapshot {
    return this.known(asset).snapshot();
  }

  /** Signed quantity of `asset` (0 for an unseen asset). Allocation-free. */
  qty(asset: string): number {
    const b = this.books.get(asset);
    return b === undefined ? 0 : b.qty;
  }

  /** Open lots of `asset`, oldest first (average mode: one lot at the average cost). Signed quantities. */
  lots(asset: string): Lot[] {
    const b = this.known(asset);
    if (b.qty === 0) return [];
    if (!b.fifo) return [{ qty: b.qty, price: b.avg }];
    const s = b.qty > 0 ? 1 : -1;
    const out: Lot[] = [];
    for (let i = b.head; i < b.tail; i++) out.push({ qty: s * b.lotQty[i], price: b.lotPx[i] });
    return out;
  }

  /** Ledger equity: initialCash + Σ_assets (cash + qty·mark), quote currency. Allocation-free. */
  equity(): number {
    let e = this.initialCash;
    for (let i = 0; i < this.order.length; i++) e += this.order[i].equity();
    return e;
  }

  /** Ledger-wide totals (see `LedgerTotals`). */
  totals(): LedgerTotals {
    const t: LedgerTotals = {
      cash: this.initialCash, realized: 0, unrealized: 0, fees: 0, spreadCapture: 0, inventoryPnl: 0,
      equity: this.initialCash, pnl: 0, grossExposure: 0, netExposure: 0, fills: 0,
    };
    for (const b of this.order) {
      t.cash += b.cash;
      t.realized += b.realized;
      t.unrealized += b.unrealized();
      t.fees += b.fees;
      t.spreadCapture += b.spread;
      t.inventoryPnl += b.inv;
      t.equity += b.equity();
      t.pnl += b.equity();
      if (b.qty !== 0) {
        t.grossExposure += Math.abs(b.qty) * b.mark;
        t.netExposure += b.qty * b.mark;
      }
      t.fills += b.fills;
    }
    return t;
  }

  /** Every asset's position plus totals. */
  snapshot(): LedgerSnapshot {
    let ts = NaN;
    for (const b of this.order) if (b.lastTs > -Infinity && !(b.lastTs <= ts)) ts = b.lastTs;
    return { timestamp: ts, assets: this.order.map((b) => b.snapshot()), totals: this.totals() };
  }

  /** Current positions as `{ asset, qty, price: mark }`, the input shape of the risk functions (flat assets included). */
  holdings(): LedgerHolding[] {
    return this.order.map((b) => ({ asset: b.name, qty: b.qty, price: b.mark }));
  }

  /** Positions and totals as a Frame (one row per asset), for display. */
  toFrame(): Frame {
    const snaps = this.order.map((b) => b.snapshot());
    const num = (k: keyof PositionSnapshot) => Float64Array.from(snaps, (s) => s[k] as number);
    return new Frame({
      asset: snaps.map((s) => s.asset), qty: num("qty"), avgCost: num("avgCost"), mark: num("mark"), realized: num("realized"),
      unrealized: num("unrealized"), fees: num("fees"), cash: num("cash"), equity: num("equity"), spreadCapture: num("spreadCapture"),
      inventoryPnl: num("inventoryPnl"), fills: num("fills"),
    });
  }
}

/** Column set of fills for `ledgerFromFills` (or a Frame with these column names). */
export interface FillColumns {
  /** Fill time, epoch µs; non-decreasing per asset. */
  timestamp: ArrayLike<number>;
  /** +1 buy, −1 sell (0 allowed only on a pure-mark row, amount = 0). */
  side: ArrayLike<number>;
  /** Fill price, finite > 0 (ignored on a pure-mark row; may be NaN there). */
  price: ArrayLike<number>;
  /** Filled size, base units, finite ≥ 0; 0 makes the row a pure mark at `mid`. */
  amount: ArrayLike<number>;
  /** Fee in quote currency (negative = rebate); NaN = take it from the schedule. */
  fee?: ArrayLike<number>;
  /** Mid at the fill (NaN = none: spread capture against the last mark). */
  mid?: ArrayLike<number>;
  /** 1 = maker, 0 = taker; needed where the fee comes from the schedule. */
  isMaker?: ArrayLike<number>;
  /** Asset per row: names, or integer codes 0..K−1 (named by `assetNames`). Absent = one asset (`assetNames[0]` or "asset"). */
  asset?: string[] | Int32Array;
}

/** Options of `ledgerFromFills`. */
export interface LedgerFromFillsOptions extends PnlLedgerOptions {
  /** Names of integer asset codes (code i → assetNames[i]); default "0", "1", …; for a single asset, its name. */
  assetNames?: string[];
  /** Label used as the `file` of errors (default "fills"). */
  label?: string;
}

/** Result of `ledgerFromFills`. */
export interface LedgerFromFillsResult {
  /**
   * One row per input row: `qty`, `avgCost` (of the row's asset, after the row), `realized`, `fee`, `spreadCapture`,
   * `inventoryPnl` (this row's increments, quote currency; inventoryPnl is the accrual qty·Δmark of the row's asset
   * when its mid updates the mark), `cash` and `equity` (ledger totals after the row, initialCash included).
   * Per row: Δequity = spreadCapture + inventoryPnl − fee (to rounding).
   */
  rows: Frame<{
    qty: Float64Array; avgCost: Float64Array; realized: Float64Array; fee: Float64Array; spreadCapture: Float64Array;
    inventoryPnl: Float64Array; cash: Float64Array; equity: Float64Array;
  }>;
  /** The ledger after the last row (keep marking or filling it). */
  ledger: PnlLedger;
  /** `ledger.snapshot()` after the last row. */
  snapshot: LedgerSnapshot;
  /** Rows that were pure marks (amount 0). */
  markRows: number;
}

function getCol(input: Frame | FillColumns, name: keyof FillColumns, required: boolean, label: string): ArrayLike<number> | string[] | undefined {
  if (input instanceof Frame) {
    if (!input.has(name)) {
      if (required) throw new ArgumentError(`fills frame has no column "${name}"; columns are: ${input.names.join(", ")}`, { file: label, field: name });
      return undefined;
    }
    return input.columns[name] as Column;
  }
  const c = input[name];
  if (c === undefined && required) throw new ArgumentError(`fills have no column "${name}"`, { file: label, field: name });
  return c as ArrayLike<number> | string[] | undefined;
}

/**
 * Runs a whole column set of fills through a `PnlLedger` (same kernel and conventions as `PnlLedger.fill`), with no
 * per-fill object allocation: one typed-array row of output per fill. Rows with amount 0 are pure marks at `mid`
 * (a way to interleave mid updates for the inventory PnL). Fee per row: the `fee` column where finite, else the
 * schedule (`fees` / `assetFees`, bps of notional) by `isMaker`; with neither, 0. Bad rows throw a DataError with
 * file = `label`, line = row + 1 and the field.
 */
export function ledgerFromFills(input: Frame | FillColumns, opts: LedgerFromFillsOptions = {}): LedgerFromFillsResult {
  const label = opts.label ?? FILE_FILLS;
  const ts = getCol(input, "timestamp", true, label) as ArrayLike<number>;
  const side = getCol(input, "side", true, label) as ArrayLike<number>;
  const price = getCol(input, "price", true, label) as ArrayLike<number>;
  const amount = getCol(input, "amount", true, label) as ArrayLike<number>;
  const feeCol = getCol(input, "fee", false, label) as ArrayLike<number> | undefined;
  const midCol = getCol(input, "mid", false, label) as ArrayLike<number> | undefined;
  const makerCol = getCol(input, "isMaker", false, label) as ArrayLike<number> | undefined;
  const assetCol = getCol(input, "asset", false, label) as string[] | Int32Array | undefined;
  const n = ts.length;
  const lens: Array<[string, ArrayLike<unknown> | undefined]> = [
    ["side", side], ["price", price], ["amount", amount], ["fee", feeCol], ["mid", midCol], ["isMaker", makerCol], ["asset", assetCol],
  ];
  for (const [nm, c] of lens) {
    if (c !== undefined && c.length !== n) throw new ArgumentError(`column "${nm}" has ${c.length} rows but timestamp has ${n}`, { file: label, field: nm });
  }
  if (assetCol !== undefined && !Array.isArray(assetCol) && !(assetCol instanceof Int32Array)) {
    throw new ArgumentError(`asset must be a string[] or an Int32Array of codes`, { file: label, field: "asset" });
  }
  const ledger = new PnlLedger(opts);
  const tol = ledger.qtyTolerance;
  const names = opts.assetNames;
  // resolve books: string names through a map (cached on repeat), codes through an array
  const codeBooks: AssetBook[] = [];
  const bookOfCode = (c: number, i: number): AssetBook => {
    let b = codeBooks[c];
    if (b === undefined) {
      if (!Number.isInteger(c) || c < 0) throw new DataError(`asset code ${c} is not an integer >= 0`, { file: label, line: i + 1, field: "asset" }, "line = row + 1");
      const nm = names !== undefined ? names[c] : String(c);
      if (nm === undefined) throw new DataError(`asset code ${c} has no name in assetNames (${names!.length} names)`, { file: label, line: i + 1, field: "asset" }, "line = row + 1");
      b = ledger.book(nm);
      codeBooks[c] = b;
    }
    return b;
  };
  const single = assetCol === undefined ? ledger.book(names !== undefined && names.length > 0 ? names[0] : "asset") : undefined;

  const oQty = new Float64Array(n);
  const oAvg = new Float64Array(n);
  const oReal = new Float64Array(n);
  const oFee = new Float64Array(n);
  const oSpread = new Float64Array(n);
  const oInv = new Float64Array(n);
  const oCash = new Float64Array(n);
  const oEq = new Float64Array(n);
  const books = ledger.order;
  let cashTotal = ledger.initialCash;
  let eqTotal = ledger.initialCash;
  let markRows = 0;
  let lastName: string | undefined;
  let lastBook: AssetBook | undefined;
  const where = (i: number, field: string): SourceLocation => ({ file: label, line: i + 1, field });
  const hint = "line = row + 1";

  for (let i = 0; i < n; i++) {
    let b: AssetBook;
    if (single !== undefined) b = single;
    else if (Array.isArray(assetCol)) {
      const nm = assetCol[i];
      if (nm !== lastName) {
        if (typeof nm !== "string" || nm === "") throw new DataError(`asset name must be a non-empty string, got ${JSON.stringify(nm)}`, where(i, "asset"), hint);
        lastBook = ledger.book(nm);
        lastName = nm;
      }
      b = lastBook!;
    } else b = bookOfCode((assetCol as Int32Array)[i], i);

    const t = ts[i];
    if (!(t >= b.lastTs) || t === Infinity) {
      throw new DataError(t === t && t !== Infinity ? `timestamp ${t} is before the asset's last event at ${b.lastTs} (${b.name})` : `timestamp ${t} is not finite`, where(i, "timestamp"), hint);
    }
    b.lastTs = t;
    const a = amount[i];
    const m = midCol === undefined ? NaN : midCol[i];
    if (m === m && (!(m > 0) || m === Infinity)) throw new DataError(`mid ${m} is not NaN (none) or a finite number > 0`, where(i, "mid"), hint);
    const eqBefore = b.equity();
    const cashBefore = b.cash;
    if (a === 0) {
      if (m !== m) throw new DataError(`a row with amount 0 is a pure mark and needs a finite mid`, where(i, "mid"), hint);
      const inv = b.markTo(m);
      markRows++;
      oReal[i] = 0;
      oFee[i] = 0;
      oSpread[i] = 0;
      oInv[i] = inv;
    } else {
      if (!(a > 0) || a === Infinity) throw new DataError(`amount ${a} is not a finite number >= 0`, where(i, "amount"), hint);
      const s = side[i];
      if (s !== 1 && s !== -1) throw new DataError(`side ${s} is not +1 (buy) or −1 (sell)`, where(i, "side"), hint);
      const p = price[i];
      if (!(p > 0) || p === Infinity) throw new DataError(`price ${p} is not a finite number > 0`, where(i, "price"), hint);
      let fee = feeCol === undefined ? NaN : feeCol[i];
      const mk = makerCol === undefined ? NaN : makerCol[i];
      if (mk === 1) b.maker++;
      else if (mk === 0) b.taker++;
      if (fee !== fee) {
        if (b.schedule !== undefined) {
          if (mk === 1) fee = b.schedule.makerBps * 1e-4 * p * a;
          else if (mk === 0) fee = b.schedule.takerBps * 1e-4 * p * a;
          else throw new DataError(`isMaker must be 1 (maker) or 0 (taker) where the fee comes from the schedule, got ${mk}`, where(i, "isMaker"), hint);
        } else fee = 0;
      } else if (fee === Infinity || fee === -Infinity) throw new DataError(`fee ${fee} is not finite`, where(i, "fee"), hint);
      b.apply(s, p, a, fee, m, tol);
      oReal[i] = b.lastRealized;
      oFee[i] = fee;
      oSpread[i] = b.lastSpread;
      oInv[i] = b.lastInv;
    }
    oQty[i] = b.qty;
    oAvg[i] = b.avgCostFast();
    cashTotal += b.cash - cashBefore;
    if (books.length <= 16) {
      let e = ledger.initialCash;
      for (let k = 0; k < books.length; k++) e += books[k].equity();
      eqTotal = e;
    } else eqTotal += b.equity() - eqBefore;
    oCash[i] = cashTotal;
    oEq[i] = eqTotal;
  }
  const rows = new Frame({
    qty: oQty, avgCost: oAvg, realized: oReal, fee: oFee, spreadCapture: oSpread, inventoryPnl: oInv, cash: oCash, equity: oEq,
  });
  return { rows, ledger, snapshot: ledger.snapshot(), markRows };
}
